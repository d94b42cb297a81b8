//! What an estimator can do, declared once as data.
//!
//! Positional flags in a registry drift from the code they describe; a named
//! struct written beside the hyperparameters cannot. The CLI (which
//! preprocessing to add), Python (scikit-learn's `__sklearn_tags__`), the
//! conformance suite (which checks apply) and `ironlearn models --json` all
//! read these tags instead of special-casing estimators by name.

use serde::Serialize;

use crate::Task;

/// An estimator's capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tags {
    /// The task, or `None` when the target decides (a booster with objective "auto").
    pub task: Option<Task>,
    /// `fit` uses per-row weights; without this tag weights are an error.
    pub sample_weight: bool,
    /// Missing values (NaN) are taken as they are.
    pub missing_values: bool,
    /// Tables with text (categorical) columns are taken as they are, without one-hot encoding.
    pub categorical: bool,
    /// Sparse (CSR) input is used as it is; without this tag it is an error.
    pub sparse: bool,
    /// Dense `f32` input is used as it is; without this tag it is widened to `f64` (a copy).
    pub f32: bool,
    /// The fitted model gives class probabilities.
    pub predict_proba: bool,
    /// The fitted classifier gives decision values (`decision_function`: one
    /// column for two classes, positive for the second, else one per class).
    pub decision_function: bool,
    /// The model can be updated with more data (`partial_fit`).
    pub partial_fit: bool,
    /// The target may have several columns.
    pub multi_output: bool,
    /// The same data, parameters and seed give the same model whatever the thread count.
    pub deterministic: bool,
    /// Inputs should be standardised first (distance- or penalty-based models).
    pub wants_scaling: bool,
    /// Validation sets given to `fit` are used (per-round metrics, early stopping).
    pub validation: bool,
    /// A baseline, expected to score no better than a constant (scikit-learn's `poor_score`).
    pub poor_score: bool,
    /// Features must be non-negative, such as counts (scikit-learn's `positive_only`).
    pub positive_only: bool,
    /// The target must be positive, such as counts or amounts (scikit-learn's `target_tags.positive_only`).
    pub positive_target: bool,
    /// The model answers nearest-neighbour queries (`kneighbors`, `radius_neighbors`).
    pub neighbors: bool,
    /// X has exactly one column (isotonic regression; scikit-learn's `input_tags.one_d_array`).
    pub one_feature: bool,
    /// A model of another task that also transforms X (`transform`; linear discriminant analysis).
    pub transform: bool,
}

impl Tags {
    /// The tags of an estimator that declares none: dense `f64` input, no
    /// weights, deterministic.
    pub const DEFAULT: Tags = Tags {
        task: None,
        sample_weight: false,
        missing_values: false,
        categorical: false,
        sparse: false,
        f32: false,
        predict_proba: false,
        decision_function: false,
        partial_fit: false,
        multi_output: false,
        deterministic: true,
        wants_scaling: false,
        validation: false,
        poor_score: false,
        positive_only: false,
        positive_target: false,
        neighbors: false,
        one_feature: false,
        transform: false,
    };

    /// Whether `fit` needs a target.
    pub fn needs_target(&self) -> bool {
        !matches!(self.task, Some(Task::Transform | Task::Clustering | Task::OutlierDetection | Task::Neighbors))
    }
}

impl Default for Tags {
    fn default() -> Self {
        Tags::DEFAULT
    }
}
