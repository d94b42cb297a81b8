//! Gradient-boosted decision trees.
//!
//! Histogram-based, leaf-wise trees with LightGBM's parameters, objectives
//! and split semantics, native categorical and missing-value handling,
//! TreeSHAP, and import of LightGBM and XGBoost models. Training is
//! deterministic: the same data, parameters and seed give a byte-identical
//! model file whatever `num_threads` is.

mod bin_bounds;
mod binning;
mod booster;
mod cegb;
mod dart;
mod evaluate;
mod export;
mod features;
mod forced_bins;
mod forced_splits;
mod histogram;
mod import;
mod learner;
mod lightgbm_config;
mod lightgbm_random;
mod linear_tree;
mod metric;
mod model;
mod monotone;
mod objective;
mod params;
mod partition;
mod phases;
mod position_bias;
mod prediction_early_stop;
mod predictor;
mod rank;
mod refit;
mod sampling;
mod shap;
mod shared_blocks;
mod sparse_rows;
mod split;
mod split_lanes;
mod split_rules;
mod train;
pub mod tree;
mod warm_pool;

pub use binning::{dataset_bin_counts, dataset_bins};
pub use booster::{EvalHistory, GbdtModel, Importance};
pub use features::FeatureInfo;
pub use import::{from_lightgbm_text, from_xgboost_json};
pub use metric::Metric;
pub use objective::{Builtin, Objective, Transform};
pub use params::Gbdt;
pub use train::{train, Control, CustomObjective, Dataset, Evaluation, Iteration, Round, Trainer};
