//! Isotonic regression: the best monotone fit of a target to one feature.

mod isotonic_regression;

pub use isotonic_regression::{
    isotonic_fit, isotonic_predict_clipped, Increasing, IsotonicRegression, IsotonicRegressionModel,
};
