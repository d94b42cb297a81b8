//! Gradient-boosted decision trees.
//!
//! Histogram-based, leaf-wise trees with LightGBM's parameters, objectives
//! and split semantics, native categorical and missing-value handling,
//! TreeSHAP, and import of LightGBM and XGBoost models. Training is
//! deterministic: the same data, parameters and seed give a byte-identical
//! model file whatever `num_threads` is.

mod binning;
mod booster;
mod evaluate;
mod export;
mod features;
mod histogram;
mod import;
mod learner;
mod metric;
mod model;
mod objective;
mod params;
mod phases;
mod prediction_early_stop;
mod predictor;
mod rank;
mod refit;
mod shap;
mod shared_blocks;
mod sparse_rows;
mod split;
mod train;
pub mod tree;

pub use binning::dataset_bins;
pub use booster::{EvalHistory, GbdtModel, Importance};
pub use features::FeatureInfo;
pub use import::{from_lightgbm_text, from_xgboost_json};
pub use metric::Metric;
pub use objective::{Builtin, Objective, Transform};
pub use params::Gbdt;
pub use train::{train, Control, CustomObjective, Dataset, Evaluation, Iteration, Round, Trainer};
