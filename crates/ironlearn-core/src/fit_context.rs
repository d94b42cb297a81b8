//! Everything `fit` is given besides the hyperparameters.
//!
//! Validation sets, per-iteration callbacks, cancellation, a time budget,
//! query groups and an initial model are needed by some estimators and
//! ignored by others. Passing them in one value through one fit path means
//! early stopping, progress bars, tracking and AutoML budgets hook in the
//! same way for every estimator, and no caller special-cases the booster.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ndarray::{CowArray, Ix2};

use crate::{Error, Features, Labels, Model, Result, Target};

/// Training or validation data: features, target and per-row extras.
#[derive(Debug, Clone, Copy)]
pub struct TrainData<'a> {
    pub x: Features<'a>,
    /// `None` for estimators that learn without a target (clustering, transformers).
    pub y: Option<&'a Target>,
    pub weight: Option<&'a [f64]>,
    /// Query sizes, in row order (ranking).
    pub group: Option<&'a [usize]>,
    /// A starting raw score per row (class-major for several outputs).
    pub init_score: Option<&'a [f64]>,
    /// Each row's display position, ids from 0 (unbiased learning to rank).
    pub position: Option<&'a [u32]>,
}

impl<'a> TrainData<'a> {
    /// Features without a target.
    pub fn new(x: Features<'a>) -> Self {
        TrainData { x, y: None, weight: None, group: None, init_score: None, position: None }
    }

    /// Features and a target.
    pub fn supervised(x: Features<'a>, y: &'a Target) -> Self {
        TrainData { y: Some(y), ..TrainData::new(x) }
    }

    pub fn n_rows(&self) -> usize {
        self.x.n_rows()
    }

    /// The features as a dense `f64` matrix (see [`Features::to_dense`]).
    pub fn dense(&self) -> Result<CowArray<'a, f64, Ix2>> {
        self.x.to_dense()
    }

    /// The target, which must be given.
    pub fn target(&self) -> Result<&'a Target> {
        self.y.ok_or_else(|| Error::InvalidValue("this estimator needs a target y".into()))
    }

    /// The numeric target of a regressor.
    pub fn values(&self) -> Result<&'a [f64]> {
        self.target()?.values()
    }

    /// The class labels of a classifier, with at least two classes.
    pub fn labels(&self) -> Result<Cow<'a, Labels>> {
        let labels = self.target()?.labels()?;
        labels.check_two_classes()?;
        Ok(labels)
    }
}

/// One iteration's results, handed to the callback.
#[derive(Debug)]
pub struct Progress<'a> {
    /// The iteration (round, epoch) just finished, from 0.
    pub iteration: usize,
    /// The planned number of iterations, when known.
    pub total: Option<usize>,
    /// `(data name, metric name, value, higher is better)`.
    pub evals: &'a [(String, String, f64, bool)],
}

/// Why fitting stopped before its planned end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The callback asked for it (early stopping, a user).
    Callback,
    /// The cancellation flag was raised.
    Cancelled,
    /// The time budget ran out.
    TimeBudget,
}

/// The callback's type: `Break` stops fitting; the model so far is kept.
pub type Callback<'a> = dyn FnMut(&Progress<'_>) -> ControlFlow<()> + Send + 'a;

/// Everything besides the hyperparameters and the training data.
#[derive(Default)]
pub struct FitContext<'a> {
    /// Named validation sets; the first drives early stopping where the estimator has it.
    pub valid: Vec<(String, TrainData<'a>)>,
    /// Called after every iteration of an iterative estimator.
    pub callback: Option<&'a mut Callback<'a>>,
    /// Raised by another thread to stop fitting.
    pub cancel: Option<&'a AtomicBool>,
    /// Fitting stops at the first iteration that ends past this instant.
    pub deadline: Option<Instant>,
    /// A fitted model to continue from (the same kind of estimator).
    pub init_model: Option<&'a dyn Model>,
    /// This fit is one `partial_fit` batch (the first one too): an estimator
    /// that learns incrementally takes it as scikit-learn's `partial_fit`
    /// does (one pass over the batch), continuing `init_model` when given.
    pub partial: bool,
    /// An estimator-specific extra, such as the booster's custom objective.
    pub extension: Option<&'a (dyn Any + Send + Sync)>,
    /// Why fitting stopped early; set by [`FitContext::report`], read after fitting.
    pub stopped: Option<Stop>,
    /// Rows whose bins the training rows are binned with (LightGBM's Dataset
    /// `reference`: a subset or a second set keeps its parent's bins); a
    /// binned learner fits its bin boundaries on them instead of on the
    /// training rows.
    pub bin_reference: Option<Features<'a>>,
}

impl fmt::Debug for FitContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FitContext")
            .field("valid", &self.valid.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("callback", &self.callback.is_some())
            .field("deadline", &self.deadline)
            .field("init_model", &self.init_model.map(|m| m.kind()))
            .field("stopped", &self.stopped)
            .finish()
    }
}

impl<'a> FitContext<'a> {
    /// A context that stops fitting after `budget`.
    pub fn with_time_budget(budget: Duration) -> Self {
        FitContext { deadline: Some(Instant::now() + budget), ..Default::default() }
    }

    /// A context for an inner fit (a pipeline's last step): the same callback,
    /// cancellation, deadline, initial model, partial flag and extension, and no validation
    /// sets (the caller gives the inner fit its own) or bin reference.
    pub fn reborrow(&mut self) -> FitContext<'_> {
        FitContext {
            valid: Vec::new(),
            callback: match self.callback.as_mut() {
                Some(c) => Some(&mut **c),
                None => None,
            },
            cancel: self.cancel,
            deadline: self.deadline,
            init_model: self.init_model,
            partial: self.partial,
            extension: self.extension,
            stopped: None,
            // The reference has the outer data's columns, not the inner fit's.
            bin_reference: None,
        }
    }

    /// Whether fitting must stop now (cancelled, or past the deadline), without calling the callback.
    pub fn interrupted(&mut self) -> bool {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            self.stopped = Some(Stop::Cancelled);
        } else if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.stopped = Some(Stop::TimeBudget);
        }
        self.stopped.is_some()
    }

    /// Reports one finished iteration; `Break` means stop now.
    pub fn report(&mut self, progress: &Progress<'_>) -> ControlFlow<()> {
        if let Some(cb) = self.callback.as_mut() {
            if cb(progress).is_break() {
                self.stopped = Some(Stop::Callback);
                return ControlFlow::Break(());
            }
        }
        if self.interrupted() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// Why fitting stopped early, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped
    }

    /// The initial model as the estimator's own fitted type.
    pub fn init_model_as<M: Model>(&self) -> Result<Option<&'a M>> {
        let Some(m) = self.init_model else { return Ok(None) };
        let kind = m.kind();
        (m as &dyn Any).downcast_ref::<M>().map(Some).ok_or_else(|| {
            Error::InvalidValue(format!("init_model is a '{kind}' model, which this estimator cannot continue"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancellation_and_budget_stop_fitting() {
        let flag = AtomicBool::new(false);
        let mut ctx = FitContext { cancel: Some(&flag), ..Default::default() };
        let p = Progress { iteration: 0, total: None, evals: &[] };
        assert!(ctx.report(&p).is_continue());
        flag.store(true, Ordering::Relaxed);
        assert!(ctx.report(&p).is_break());
        assert_eq!(ctx.stopped(), Some(Stop::Cancelled));
        let mut ctx = FitContext::with_time_budget(Duration::ZERO);
        assert!(ctx.report(&p).is_break());
        assert_eq!(ctx.stopped(), Some(Stop::TimeBudget));
        let mut calls = 0;
        let mut cb = |p: &Progress<'_>| {
            calls += 1;
            if p.iteration >= 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let mut ctx = FitContext { callback: Some(&mut cb), ..Default::default() };
        let stopped_at =
            (0..10).find(|&i| ctx.report(&Progress { iteration: i, total: Some(10), evals: &[] }).is_break());
        assert_eq!((stopped_at, ctx.stopped()), (Some(2), Some(Stop::Callback)));
        drop(ctx);
        assert_eq!(calls, 3);
    }
}
