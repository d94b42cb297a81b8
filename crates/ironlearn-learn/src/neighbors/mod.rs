//! Nearest-neighbour estimators: the model is the training data, searched at prediction.

mod k_neighbors_classifier;
mod k_neighbors_regressor;
mod search;

pub use k_neighbors_classifier::{KNeighborsClassifier, KNeighborsClassifierModel};
pub use k_neighbors_regressor::{KNeighborsRegressor, KNeighborsRegressorModel};

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
