//! Decision trees.
//!
//! The tree layout, the builder and the criteria are shared files, so the
//! forests grow their trees with the same code as the single estimators.

pub mod builder;
pub(crate) mod criterion;
mod decision_tree_classifier;
mod decision_tree_regressor;
mod export;
pub mod prune;

pub use builder::{MaxFeatures, Tree};
pub use decision_tree_classifier::{DecisionTreeClassifier, DecisionTreeClassifierModel};
pub use decision_tree_regressor::{DecisionTreeRegressor, DecisionTreeRegressorModel};
pub use export::{export_text, TextOptions};

use ironlearn_core::{ensure, Error, Result};
use ndarray::ArrayView2;

/// The checks of `predict`: the width matches, nothing infinite as `f32`
/// (the trees compare `f32`); NaN is a missing value, which every split
/// sends to the side it learned (or to its larger child).
pub(crate) fn check_predict(x: ArrayView2<'_, f64>, n_features: usize, estimator: &str) -> Result<()> {
    ensure!(
        x.ncols() == n_features,
        Shape,
        "X has {} features, but {estimator} is expecting {n_features} features as input",
        x.ncols()
    );
    if let Some(((row, col), _)) = x.indexed_iter().find(|(_, v)| !v.is_nan() && !(**v as f32).is_finite()) {
        return Err(Error::at_cell(row, col, "Input X contains infinity or a value too large for dtype('float32')"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testdata {
    //! The bundled data sets, read for tests.

    use ndarray::{s, Array2};

    use super::builder::Tree;

    pub(crate) use crate::test_data::load;

    /// Rows the tests predict, off the training rows: in scikit-learn,
    /// `X[::7] + 0.11` (iris), `X[::9] * 1.01` (wine), `X[::20] + 0.5` (diabetes).
    pub fn probes(name: &str, x: &Array2<f64>) -> Array2<f64> {
        match name {
            "iris" => x.slice(s![..;7, ..]).mapv(|v| v + 0.11),
            "wine" => x.slice(s![..;9, ..]).mapv(|v| v * 1.01),
            _ => x.slice(s![..;20, ..]).mapv(|v| v + 0.5),
        }
    }

    /// Asserts that `got` equals `want` within `tol` (relative above 1).
    pub fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol * w.abs().max(1.0), "[{i}]: {g} vs {w}\n{got:?}\n{want:?}");
        }
    }

    /// scikit-learn's fitted tree, as its `tree_` arrays print.
    pub struct Want<'a> {
        /// (node_count, depth, leaves)
        pub shape: (usize, usize, usize),
        /// threshold, feature and missing_go_to_left of every node (small trees only; empty to skip).
        pub threshold: &'a [f64],
        pub feature: &'a [i64],
        pub missing_go_to_left: &'a [u8],
        pub importances: &'a [f64],
        /// predict (regressors) or predict_proba (classifiers) of the probe rows, flattened.
        pub predictions: &'a [f64],
    }

    /// Compares a fitted tree, its importances and its predictions with scikit-learn's.
    pub fn expect(t: &Tree, importances: &[f64], predictions: &[f64], want: &Want<'_>) {
        assert_eq!((t.node_count(), t.max_depth, t.n_leaves()), want.shape);
        if !want.threshold.is_empty() {
            assert_eq!(t.threshold, want.threshold);
            assert_eq!(t.feature, want.feature);
            let mgl: Vec<u8> = t.missing_go_to_left.iter().map(|&b| u8::from(b)).collect();
            assert_eq!(mgl, want.missing_go_to_left);
        }
        close(importances, want.importances, 1e-10);
        close(predictions, want.predictions, 1e-12);
    }
}
