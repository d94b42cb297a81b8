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
use serde_json::{Map, Value};

use crate::{Arrays, Csr, Error, FitContext, Labels, Result, Table, Tags, TrainData};

/// What a model does with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// One number per row.
    Regression,
    /// A class label per row, and usually class probabilities.
    Classification,
    /// A relevance score per row, learned from query groups.
    Ranking,
    /// Several numbers per row (a target matrix; also networks with matrix outputs).
    MultiOutputRegression,
    /// A cluster label per row, learned without a target; `-1` marks noise.
    Clustering,
    /// New features per row, learned without a target.
    Transform,
    /// An anomaly score and an inlier (`1`) / outlier (`-1`) label per row, learned without a target.
    OutlierDetection,
    /// An index of the training rows that answers nearest-neighbour queries, learned without a target.
    Neighbors,
}

impl Task {
    /// The task's name as written in files and listings.
    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Classification => "classification",
            Task::Ranking => "ranking",
            Task::MultiOutputRegression => "multi_output_regression",
            Task::Clustering => "clustering",
            Task::Transform => "transform",
            Task::OutlierDetection => "outlier_detection",
            Task::Neighbors => "neighbors",
        }
    }

    /// Whether fitting needs a target.
    pub fn supervised(self) -> bool {
        matches!(self, Task::Regression | Task::Classification | Task::Ranking | Task::MultiOutputRegression)
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Borrowed input features.
///
/// Dense matrices arrive from numpy without a copy; `f32` is what networks
/// and servers use; CSR is how text features and scipy.sparse arrive. An
/// estimator declares in its [`Tags`](crate::Tags) which it takes as they
/// are: `f32` is otherwise widened to `f64` (a copy), CSR is otherwise an
/// error, because densifying a sparse matrix can exhaust memory silently.
#[derive(Debug, Clone, Copy)]
pub enum Features<'a> {
    Dense(ArrayView2<'a, f64>),
    DenseF32(ArrayView2<'a, f32>),
    Sparse(Csr<'a>),
    Table(&'a Table),
}

impl<'a> Features<'a> {
    /// The same features with a shorter lifetime (`Features` is invariant, like ndarray's views).
    pub fn reborrow<'b>(&'b self) -> Features<'b> {
        match self {
            Features::Dense(x) => Features::Dense(x.reborrow()),
            Features::DenseF32(x) => Features::DenseF32(x.reborrow()),
            Features::Sparse(x) => Features::Sparse(*x),
            Features::Table(t) => Features::Table(t),
        }
    }

    pub fn n_rows(&self) -> usize {
        match self {
            Features::Dense(x) => x.nrows(),
            Features::DenseF32(x) => x.nrows(),
            Features::Sparse(x) => x.n_rows(),
            Features::Table(t) => t.n_rows(),
        }
    }

    pub fn n_cols(&self) -> usize {
        match self {
            Features::Dense(x) => x.ncols(),
            Features::DenseF32(x) => x.ncols(),
            Features::Sparse(x) => x.n_cols(),
            Features::Table(t) => t.n_cols(),
        }
    }

    /// What kind of input this is, in words for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Features::Dense(_) => "a dense float64 matrix",
            Features::DenseF32(_) => "a dense float32 matrix",
            Features::Sparse(_) => "a sparse (CSR) matrix",
            Features::Table(_) => "a table",
        }
    }

    /// Column names (`x0`, `x1`, ... for a matrix).
    pub fn names(&self) -> Vec<String> {
        match self {
            Features::Table(t) => t.names(),
            other => crate::table::default_names(other.n_cols()),
        }
    }

    /// The features as a `f64` matrix: borrowed when dense, widened from
    /// `f32`, converted from a numeric table; a categorical column is an
    /// error that names it, and so is sparse input (see [`Features`]).
    pub fn to_dense(&self) -> Result<CowArray<'a, f64, Ix2>> {
        match *self {
            Features::Dense(x) => Ok(CowArray::from(x)),
            Features::DenseF32(x) => Ok(CowArray::from(x.mapv(f64::from))),
            Features::Sparse(x) => Err(Error::Unsupported(format!(
                "this estimator takes dense input, not a sparse {}x{} matrix with {} stored values; \
                 convert it (scipy: X.toarray()) if it fits in memory",
                x.n_rows(),
                x.n_cols(),
                x.nnz()
            ))),
            Features::Table(t) => Ok(CowArray::from(t.to_array()?)),
        }
    }

    /// The features as a table (a copy unless they are one).
    pub fn to_table(&self) -> Result<Cow<'a, Table>> {
        match *self {
            Features::Table(t) => Ok(Cow::Borrowed(t)),
            _ => Ok(Cow::Owned(Table::from_array(self.to_dense()?.view(), None)?)),
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

    pub fn n_rows(&self) -> usize {
        self.view().n_rows()
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
    /// One row per sample, one column per output (multi-output regression).
    Matrix(Array2<f64>),
}

impl Target {
    pub fn len(&self) -> usize {
        match self {
            Target::Values(v) => v.len(),
            Target::Labels(l) => l.len(),
            Target::Matrix(m) => m.nrows(),
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
            Target::Matrix(m) => Target::Matrix(m.select(ndarray::Axis(0), indices)),
        }
    }

    /// The numeric target of a regressor.
    pub fn values(&self) -> Result<&[f64]> {
        match self {
            Target::Values(v) => Ok(v),
            Target::Labels(_) => {
                Err(Error::InvalidValue("a regressor needs a numeric target, not class labels".into()))
            }
            Target::Matrix(m) => Err(Error::Shape(format!(
                "this estimator predicts one output, but the target has {} columns",
                m.ncols()
            ))),
        }
    }

    /// The class labels of a classifier; numbers are taken as labels.
    pub fn labels(&self) -> Result<Cow<'_, Labels>> {
        match self {
            Target::Labels(l) => Ok(Cow::Borrowed(l)),
            Target::Values(v) => Ok(Cow::Owned(Labels::from_f64(v)?)),
            Target::Matrix(m) => Err(Error::Shape(format!(
                "a classifier needs one label per row, but the target has {} columns",
                m.ncols()
            ))),
        }
    }

    /// The target as a matrix: one column for a single output.
    pub fn matrix(&self) -> Result<CowArray<'_, f64, Ix2>> {
        match self {
            Target::Matrix(m) => Ok(CowArray::from(m.view())),
            Target::Values(v) => {
                Ok(CowArray::from(ArrayView2::from_shape((v.len(), 1), v).expect("a vector is a one-column matrix")))
            }
            Target::Labels(_) => {
                Err(Error::InvalidValue("a multi-output regressor needs numeric targets, not class labels".into()))
            }
        }
    }
}

/// What `predict` returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    /// One number per row (regression, ranking scores).
    Values(Array1<f64>),
    /// One class per row.
    Labels(Labels),
    /// Several numbers per row (multi-output regression, network outputs).
    Matrix(Array2<f64>),
    /// A cluster per row; [`NOISE`] for rows in no cluster.
    Clusters(Array1<i64>),
    /// `1` for an inlier, `-1` for an outlier (scikit-learn's convention).
    Outliers(Array1<i64>),
}

/// The cluster label of a row that belongs to no cluster (DBSCAN's noise).
pub const NOISE: i64 = -1;

impl Prediction {
    pub fn len(&self) -> usize {
        match self {
            Prediction::Values(v) => v.len(),
            Prediction::Labels(l) => l.len(),
            Prediction::Matrix(m) => m.nrows(),
            Prediction::Clusters(c) | Prediction::Outliers(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The predictions as numbers, one row per sample (labels as class codes).
    pub fn to_matrix(&self) -> Array2<f64> {
        match self {
            Prediction::Values(v) => v.clone().insert_axis(ndarray::Axis(1)),
            Prediction::Labels(l) => {
                Array1::from_iter(l.codes().iter().map(|&c| f64::from(c))).insert_axis(ndarray::Axis(1))
            }
            Prediction::Matrix(m) => m.clone(),
            Prediction::Clusters(c) | Prediction::Outliers(c) => c.mapv(|v| v as f64).insert_axis(ndarray::Axis(1)),
        }
    }
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
///
/// Every [`Learn`](crate::Learn) type is one (a blanket impl); composites
/// such as pipelines implement it by hand.
pub trait Estimator: Send + Sync + fmt::Debug {
    /// The registry name.
    fn kind(&self) -> &'static str;

    /// The parameters as JSON.
    fn params_json(&self) -> Value;

    /// The task, or `None` when the target decides (a booster with objective "auto").
    fn task(&self) -> Option<Task>;

    /// What the estimator can do.
    fn tags(&self) -> Tags;

    /// Fits on `data`, with validation sets, callbacks, cancellation and a
    /// time budget in `ctx`.
    fn fit_with(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>>;

    /// A copy with some parameters changed (by name or alias; each checked).
    fn with_params(&self, changes: &Map<String, Value>) -> Result<Box<dyn Estimator>>;

    /// Fits on `x` and, for supervised estimators, `y`, with nothing else.
    fn fit_data(&self, x: Features<'_>, y: Option<&Target>, sample_weight: Option<&[f64]>) -> Result<Box<dyn Model>> {
        let data = TrainData { y, weight: sample_weight, ..TrainData::new(x.reborrow()) };
        self.fit_with(&data, &mut FitContext::default())
    }

    /// Fits, then returns the transformed training data; estimators that
    /// embed only the data they were fitted on (t-SNE) have only this.
    fn fit_transform_with(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<(Box<dyn Model>, Data)> {
        let model = self.fit_with(data, ctx)?;
        let out = model.transform_data(data.x)?;
        Ok((model, out))
    }
}

/// Any fitted model. Every [`Fitted`](crate::Fitted) type is one (a blanket impl).
pub trait Model: Send + Sync + fmt::Debug + Any {
    fn kind(&self) -> &'static str;

    fn task(&self) -> Task;

    fn n_features_in(&self) -> usize;

    /// The state to save; the registry's loader reads it back.
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

    /// Per-row scores of a density or outlier model (higher: more normal).
    fn score_samples_data(&self, _x: Features<'_>) -> Result<Array1<f64>> {
        Err(unsupported(self.kind(), "score_samples"))
    }

    /// The nearest training rows of each row of `x` (of each training row,
    /// itself left out, when `x` is None): distances and row indices, nearest first.
    fn kneighbors_data(&self, _x: Option<Features<'_>>, _n_neighbors: Option<usize>) -> Result<Neighbors> {
        Err(unsupported(self.kind(), "nearest-neighbour queries"))
    }

    /// The training rows within `radius` (the fitted one when None) of each row of `x`, nearest first.
    fn radius_neighbors_data(
        &self,
        _x: Option<Features<'_>>,
        _radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        Err(unsupported(self.kind(), "radius queries"))
    }

    /// The names of the transformed columns, given the input names.
    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input.to_vec()
    }

    /// Learned attributes for inspection.
    fn attributes(&self) -> Vec<(String, Attribute)> {
        Vec::new()
    }

    /// The model as text people read (a tree's rules), with the input's
    /// column names; `options` are the model's own (a JSON object).
    fn text(&self, _feature_names: &[String], _options: &Value) -> Result<String> {
        Err(unsupported(self.kind(), "text form"))
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
/// Nearest neighbours of each query row: distances and training-row indices, one row per query, nearest first.
pub type Neighbors = (Array2<f64>, Array2<usize>);

pub fn unsupported(kind: &str, what: &str) -> Error {
    Error::Unsupported(format!("a '{kind}' model has no {what}"))
}
