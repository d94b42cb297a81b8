//! Probabilities that mean what they say.
//!
//! Many classifiers rank rows well but give scores (margins, or skewed
//! probabilities) that are not frequencies; scikit-learn's
//! `sklearn.calibration` maps them onto probabilities learned from rows the
//! classifier did not see.

mod calibrated_classifier_cv;
pub mod sigmoid;

pub use calibrated_classifier_cv::{CalibratedClassifierCV, CalibratedClassifierCVModel, Calibration, Ensemble};
