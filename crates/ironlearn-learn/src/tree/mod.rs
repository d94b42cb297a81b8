//! Decision trees.
//!
//! The tree layout, the builder and the criteria are shared files, so the
//! forests grow their trees with the same code as the single estimators.

pub mod builder;
pub(crate) mod criterion;
mod decision_tree_classifier;
mod decision_tree_regressor;
mod export;

pub use builder::{MaxFeatures, Tree};
pub use decision_tree_classifier::{DecisionTreeClassifier, DecisionTreeClassifierModel};
pub use decision_tree_regressor::{DecisionTreeRegressor, DecisionTreeRegressorModel};
pub use export::{export_text, TextOptions};

use ironlearn_core::{ensure, Error, Result};
use ndarray::ArrayView2;

/// The checks of `predict`: the width matches, no NaN (missing values are
/// not supported yet), nothing infinite as `f32` (the trees compare `f32`).
pub(crate) fn check_predict(x: ArrayView2<'_, f64>, n_features: usize, estimator: &str) -> Result<()> {
    ensure!(
        x.ncols() == n_features,
        Shape,
        "X has {} features, but {estimator} is expecting {n_features} features as input",
        x.ncols()
    );
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !(**v as f32).is_finite()) {
        let what = if v.is_nan() {
            "NaN; the decision trees do not support missing values yet (impute them first)"
        } else {
            "infinity or a value too large for dtype('float32')"
        };
        return Err(Error::at_cell(row, col, format!("Input X contains {what}")));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testdata {
    //! The bundled data sets, read for tests.

    use ndarray::{s, Array2};

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
}
