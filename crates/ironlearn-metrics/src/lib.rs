//! Metrics, data splitters and cross-validation.
//!
//! Values follow scikit-learn's definitions exactly (the Python tests compare
//! them on the same inputs), so numbers reported by ironlearn mean what users
//! already know them to mean.

mod classification;
mod clustering;
mod cross_val;
mod regression;
mod split;
mod summary;

pub use classification::{
    accuracy, confusion_matrix, log_loss, precision_recall_f1, roc_auc, roc_auc_ovr, Average, Prf,
};
pub use clustering::silhouette_score;
pub use cross_val::{cross_val_score, score, Scoring};
pub use regression::{mae, mse, r2, rmse};
pub use split::{train_test_split, Fold, KFold, StratifiedKFold};
pub use summary::{classification_report, regression_report};

use ironlearn_core::{ensure, Result};

pub(crate) fn check_lengths(a: usize, b: usize, w: Option<&[f64]>) -> Result<()> {
    ensure!(a == b, Shape, "y_true has {a} values but y_pred has {b}");
    ensure!(a > 0, Empty, "no values to score");
    if let Some(w) = w {
        ensure!(w.len() == a, Shape, "sample_weight has {} values for {a} rows", w.len());
    }
    Ok(())
}

pub(crate) fn weight(w: Option<&[f64]>, i: usize) -> f64 {
    w.map_or(1.0, |w| w[i])
}
