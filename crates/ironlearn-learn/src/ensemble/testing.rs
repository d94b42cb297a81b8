//! The bundled data sets, read and split for the forests' tests.

use ironlearn_core::Labels;
use ndarray::{Array2, Axis};

use crate::test_data::load;

/// `data/<name>.csv` with its target as class labels.
pub fn labels(name: &str) -> (Array2<f64>, Labels) {
    let (x, y) = load(name);
    (x, Labels::from_strings(&y))
}

/// `data/<name>.csv` with its target as numbers.
pub fn values(name: &str) -> (Array2<f64>, Vec<f64>) {
    let (x, y) = load(name);
    (x, y.iter().map(|v| v.parse().expect("a numeric target")).collect())
}

/// The rows `i % 4 != 0` (training) and `i % 4 == 0` (held out); in scikit-learn,
/// `test = np.arange(n) % 4 == 0`, `X[~test], y[~test], X[test], y[test]`.
fn rows(n: usize) -> (Vec<usize>, Vec<usize>) {
    (0..n).partition(|i| i % 4 != 0)
}

/// The held-out split of a classification data set.
pub fn split(name: &str) -> (Array2<f64>, Labels, Array2<f64>, Labels) {
    let (x, y) = load(name);
    let (train, test) = rows(x.nrows());
    let pick = |r: &[usize]| r.iter().map(|&i| y[i].clone()).collect::<Vec<_>>();
    (
        x.select(Axis(0), &train),
        Labels::from_strings(&pick(&train)),
        x.select(Axis(0), &test),
        Labels::from_strings(&pick(&test)),
    )
}

/// The held-out split of a regression data set.
pub fn split_values(name: &str) -> (Array2<f64>, Vec<f64>, Array2<f64>, Vec<f64>) {
    let (x, y) = values(name);
    let (train, test) = rows(x.nrows());
    let pick = |r: &[usize]| r.iter().map(|&i| y[i]).collect::<Vec<_>>();
    (x.select(Axis(0), &train), pick(&train), x.select(Axis(0), &test), pick(&test))
}

/// The share of `pred` equal to `truth`, compared as labels.
pub fn accuracy(pred: &Labels, truth: &Labels) -> f64 {
    let (p, t) = (pred.to_strings(), truth.to_strings());
    p.iter().zip(&t).filter(|(a, b)| a == b).count() as f64 / t.len() as f64
}

/// Missing values for the forests' tests; in scikit-learn,
/// `X[::3, 0] = X[1::4, 7] = X[::2, 20 % n_features] = X[::5, 2] = np.nan`.
pub fn inject_nan(x: &mut Array2<f64>) {
    let d = x.ncols();
    for (start, step, col) in [(0, 3, 0), (1, 4, 7), (0, 2, 20 % d), (0, 5, 2)] {
        (start..x.nrows()).step_by(step).for_each(|i| x[[i, col]] = f64::NAN);
    }
}
