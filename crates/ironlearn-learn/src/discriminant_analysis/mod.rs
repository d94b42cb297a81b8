//! Discriminant analysis: classifiers from one Gaussian per class.

mod common;
mod linear_discriminant_analysis;
mod quadratic_discriminant_analysis;

pub use common::Shrinkage;
pub use linear_discriminant_analysis::{LinearDiscriminantAnalysis, LinearDiscriminantAnalysisModel};
pub use quadratic_discriminant_analysis::{QuadraticDiscriminantAnalysis, QuadraticDiscriminantAnalysisModel};
