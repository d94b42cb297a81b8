//! Baselines that ignore the features: what a real model must beat.

mod dummy_classifier;
mod dummy_regressor;

pub use dummy_classifier::{DummyClassifier, DummyClassifierModel};
pub use dummy_regressor::{DummyRegressor, DummyRegressorModel};
