//! Reductions of multiclass problems to binary ones.
//!
//! Some classifiers are binary at heart, or do better on one class against
//! the rest; scikit-learn's `sklearn.multiclass` wraps them so that any
//! number of classes works.

mod one_vs_rest_classifier;

pub use one_vs_rest_classifier::{OneVsRestClassifier, OneVsRestClassifierModel};
