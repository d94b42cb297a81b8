//! Naive Bayes classifiers: class-conditional feature models combined by Bayes' rule.
//!
//! They fit in one pass over the data and are scikit-learn's standard
//! baselines for text (counts) and for small numeric problems; each
//! estimator here differs only in the per-class feature model, so the
//! counting, the priors and the turn of joint log-likelihoods into
//! probabilities live once, in `base.rs`.

mod base;
mod bernoulli_nb;
mod complement_nb;
mod gaussian_nb;
mod multinomial_nb;

pub use bernoulli_nb::{BernoulliNB, BernoulliNBModel};
pub use complement_nb::{ComplementNB, ComplementNBModel};
pub use gaussian_nb::{GaussianNB, GaussianNBModel};
pub use multinomial_nb::{MultinomialNB, MultinomialNBModel};
