//! Nearest-neighbour estimators: the model is the training data, searched at prediction.

mod ball_tree;
mod k_neighbors_classifier;
mod k_neighbors_regressor;
mod kd_tree;
mod nearest_neighbors;
mod radius_neighbors_classifier;
mod radius_neighbors_regressor;
mod search;

pub use k_neighbors_classifier::{KNeighborsClassifier, KNeighborsClassifierModel};
pub use k_neighbors_regressor::{KNeighborsRegressor, KNeighborsRegressorModel};
pub use nearest_neighbors::{NearestNeighbors, NearestNeighborsModel};
pub use radius_neighbors_classifier::{RadiusNeighborsClassifier, RadiusNeighborsClassifierModel};
pub use radius_neighbors_regressor::{RadiusNeighborsRegressor, RadiusNeighborsRegressorModel};

/// A CSV of the repository's `data/` folder: the numeric columns but the
/// last, and the last column as text.
/// Iris with a deterministic jitter of 1e-3, so no two distances tie
/// (scikit-learn breaks ties by its search order, not by row), split into
/// the rows `i % 3 != 0` (train) and `i % 3 == 0` (test). In Python:
/// `X = X + 1e-3 * np.sin(1.7 * i + 0.3 * j)` with `i, j = np.indices(X.shape)`.
#[cfg(test)]
pub(crate) fn jittered_iris() -> (ndarray::Array2<f64>, Vec<String>, ndarray::Array2<f64>) {
    let (mut x, y) = crate::test_data::load("iris");
    x.indexed_iter_mut().for_each(|((i, j), v)| *v += 1e-3 * (1.7 * i as f64 + 0.3 * j as f64).sin());
    let pick = |test: bool| -> Vec<usize> { (0..x.nrows()).filter(|i| (i % 3 == 0) == test).collect() };
    let train = x.select(ndarray::Axis(0), &pick(false));
    let labels = pick(false).into_iter().map(|i| y[i].clone()).collect();
    (train, labels, x.select(ndarray::Axis(0), &pick(true)))
}

/// `train` and `test` standardised by the mean and (population) standard
/// deviation of each column of `train`, summed in row order. In Python:
/// plain loops `m += v` then `s += (v - m) * (v - m)`, `(x - m) / sqrt(s / n)`,
/// which give the same bits.
#[cfg(test)]
pub(crate) fn standardized(
    train: &ndarray::Array2<f64>,
    test: &ndarray::Array2<f64>,
) -> (ndarray::Array2<f64>, ndarray::Array2<f64>) {
    let (mut train_out, mut test_out) = (train.clone(), test.clone());
    let n = train.nrows() as f64;
    for j in 0..train.ncols() {
        let mean = train.column(j).iter().fold(0.0, |s, v| s + v) / n;
        let sd = (train.column(j).iter().fold(0.0, |s, v| s + (v - mean) * (v - mean)) / n).sqrt();
        train_out.column_mut(j).mapv_inplace(|v| (v - mean) / sd);
        test_out.column_mut(j).mapv_inplace(|v| (v - mean) / sd);
    }
    (train_out, test_out)
}
