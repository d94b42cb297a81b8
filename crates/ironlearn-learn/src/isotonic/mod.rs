//! Isotonic regression: the best monotone fit of a target to one feature.

mod isotonic_regression;

pub use isotonic_regression::{isotonic_fit, Increasing, IsotonicRegression, IsotonicRegressionModel};
