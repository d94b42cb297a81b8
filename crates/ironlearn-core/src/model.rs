//! The type-erased face of estimators and models.
//!
//! The CLI, the Python package and (later) the server choose estimators by
//! name at run time, so they need one object type for "any estimator" and
//! "any fitted model". [`Estimator`] and [`Model`] are those types; every
//! typed estimator implements them once, next to its typed API.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;

use ndarray::{Array1, Array2, ArrayD, ArrayView2, CowArray, Ix2};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Arrays, Error, Labels, Result, Table};

/// What a model does with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Regression,
    Classification,
    Transform,
}

/// Borrowed input features: a dense matrix (zero-copy from numpy) or a table.
#[derive(Debug, Clone, Copy)]
pub enum Features<'a> {
    Dense(ArrayView2<'a, f64>),
    Table(&'a Table),
}

impl<'a> Features<'a> {
    /// The same features with a shorter lifetime (`Features` is invariant, like ndarray's views).
    pub fn reborrow<'b>(&'b self) -> Features<'b> {
        match self {
            Features::Dense(x) => Features::Dense(x.reborrow()),
            Features::Table(t) => Features::Table(t),
        }
    }

    pub fn n_rows(&self) -> usize {
        match self {
            Features::Dense(x) => x.nrows(),
            Features::Table(t) => t.n_rows(),
        }
    }

    pub fn n_cols(&self) -> usize {
        match self {
            Features::Dense(x) => x.ncols(),
            Features::Table(t) => t.n_cols(),
        }
    }

    /// Column names (`x0`, `x1`, ... for a matrix).
    pub fn names(&self) -> Vec<String> {
        match self {
            Features::Dense(x) => crate::table::default_names(x.ncols()),
            Features::Table(t) => t.names(),
        }
    }

    /// The features as a matrix: borrowed when dense, converted from a
    /// numeric table; a categorical column is an error that names it.
    pub fn to_dense(&self) -> Result<CowArray<'a, f64, Ix2>> {
        match *self {
            Features::Dense(x) => Ok(CowArray::from(x)),
            Features::Table(t) => Ok(CowArray::from(t.to_array()?)),
        }
    }

    /// The features as a table (a copy when dense).
    pub fn to_table(&self) -> Result<Cow<'a, Table>> {
        match *self {
            Features::Dense(x) => Ok(Cow::Owned(Table::from_array(x, None)?)),
            Features::Table(t) => Ok(Cow::Borrowed(t)),
        }
    }
}

/// Owned features, as a transformer returns them.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Dense(Array2<f64>),
    Table(Table),
}

impl Data {
    pub fn view(&self) -> Features<'_> {
        match self {
            Data::Dense(x) => Features::Dense(x.view()),
            Data::Table(t) => Features::Table(t),
        }
    }

    /// The data as a matrix (fails on a categorical column).
    pub fn into_dense(self) -> Result<Array2<f64>> {
        match self {
            Data::Dense(x) => Ok(x),
            Data::Table(t) => t.to_array(),
        }
    }
}

/// A training target.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Values(Vec<f64>),
    Labels(Labels),
}

impl Target {
    pub fn len(&self) -> usize {
        match self {
            Target::Values(v) => v.len(),
            Target::Labels(l) => l.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows at `indices`.
    pub fn take(&self, indices: &[usize]) -> Target {
        match self {
            Target::Values(v) => Target::Values(indices.iter().map(|&i| v[i]).collect()),
            Target::Labels(l) => Target::Labels(l.take(indices)),
        }
    }

    /// The numeric target of a regressor.
    pub fn values(&self) -> Result<&[f64]> {
        match self {
            Target::Values(v) => Ok(v),
            Target::Labels(_) => {
                Err(Error::InvalidValue("a regressor needs a numeric target, not class labels".into()))
            }
        }
    }

    /// The class labels of a classifier; numbers are taken as labels.
    pub fn labels(&self) -> Result<Cow<'_, Labels>> {
        match self {
            Target::Labels(l) => Ok(Cow::Borrowed(l)),
            Target::Values(v) => Ok(Cow::Owned(Labels::from_f64(v)?)),
        }
    }
}

/// What `predict` returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    Values(Array1<f64>),
    Labels(Labels),
}

/// A learned attribute exposed for inspection (`coef_`, `feature_importances_`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Attribute {
    Array(ArrayD<f64>),
    Strings(Vec<String>),
    Number(f64),
    /// Nested or irregular state (per-column categories, trees).
    Json(Value),
}

/// A model's persistent state: its parameters, small state as JSON, large state as arrays.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parts {
    pub params: Value,
    pub state: Value,
    pub arrays: Arrays,
}

/// Any estimator, chosen by name at run time.
pub trait Estimator: Send + Sync + fmt::Debug {
    /// The registry name.
    fn kind(&self) -> &'static str;

    /// The parameters as JSON.
    fn params_json(&self) -> Value;

    /// The task, or `None` when the target decides (a booster with objective "auto").
    fn task(&self) -> Option<Task>;

    /// Fits on `x` and, for supervised estimators, `y`.
    fn fit_data(&self, x: Features<'_>, y: Option<&Target>, sample_weight: Option<&[f64]>) -> Result<Box<dyn Model>>;
}

/// Any fitted model. Only `kind`, `task`, `n_features_in` and `parts` are
/// required; a model implements the predictions it supports.
pub trait Model: Send + Sync + fmt::Debug + Any {
    fn kind(&self) -> &'static str;

    fn task(&self) -> Task;

    fn n_features_in(&self) -> usize;

    /// The state to save; [`crate::Persist::from_parts`] reads it back.
    fn parts(&self) -> Result<Parts>;

    /// Class labels, for a classifier.
    fn classes(&self) -> Option<&[String]> {
        None
    }

    fn predict_data(&self, _x: Features<'_>) -> Result<Prediction> {
        Err(unsupported(self.kind(), "predict"))
    }

    fn predict_proba_data(&self, _x: Features<'_>) -> Result<Array2<f64>> {
        Err(unsupported(self.kind(), "predict_proba"))
    }

    /// Raw scores: one column for a binary classifier or a regressor, one per class otherwise.
    fn decision_function_data(&self, _x: Features<'_>) -> Result<Array2<f64>> {
        Err(unsupported(self.kind(), "decision_function"))
    }

    fn transform_data(&self, _x: Features<'_>) -> Result<Data> {
        Err(unsupported(self.kind(), "transform"))
    }

    /// The names of the transformed columns, given the input names.
    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input.to_vec()
    }

    /// Learned attributes for inspection.
    fn attributes(&self) -> Vec<(&'static str, Attribute)> {
        Vec::new()
    }
}

/// The numeric target a regressor needs; the error says what was given instead.
pub fn regression_target(y: Option<&Target>) -> Result<&[f64]> {
    y.ok_or_else(|| Error::InvalidValue("a regressor needs a target y".into()))?.values()
}

/// The class labels a classifier needs, with at least two classes.
pub fn classification_target(y: Option<&Target>) -> Result<Cow<'_, Labels>> {
    let labels = y.ok_or_else(|| Error::InvalidValue("a classifier needs a target y".into()))?.labels()?;
    labels.check_two_classes()?;
    Ok(labels)
}

/// The error for an operation a model does not offer.
pub fn unsupported(kind: &str, what: &str) -> Error {
    Error::Unsupported(format!("a '{kind}' model has no {what}"))
}
