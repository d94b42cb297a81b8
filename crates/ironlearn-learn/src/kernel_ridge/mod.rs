//! Kernel ridge regression.

// one file per estimator, named after it
#[allow(clippy::module_inception)]
mod kernel_ridge;

pub use kernel_ridge::{KernelRidge, KernelRidgeModel};
