//! ironlearn's shared vocabulary.
//!
//! Every other crate speaks these types: the [`Error`] users see, the
//! [`Table`] data arrives in, [`Labels`] for classes, hyperparameters
//! declared once with [`hyperparams!`], the estimator kernel ([`Learn`] and
//! [`Fitted`], from which the type-erased [`Estimator`] and [`Model`] that
//! the CLI, the Python package and the server drive are derived), the
//! registry, and the one [`ModelFile`] format.

pub mod arrays;
pub mod domain;
pub mod error;
pub mod fingerprint;
pub mod fit_context;
pub mod labels;
pub mod learn;
pub mod model;
pub mod model_file;
pub mod nested;
pub mod params;
pub mod registry;
pub mod rng;
pub mod signature;
pub mod sparse;
pub mod state;
pub mod table;
pub mod tags;
pub mod traits;
pub mod validate;

pub use arrays::Arrays;
pub use domain::Domain;
pub use error::{Error, Result};
pub use fit_context::{Callback, FitContext, Progress, Stop, TrainData};
pub use labels::{target_values, Labels};
pub use learn::{Fitted, Learn};
pub use model::{Attribute, Data, Estimator, Features, Model, Neighbors, Parts, Prediction, Target, Task, NOISE};
pub use model_file::{Header, ModelFile, Persist, TargetInfo, FORMAT_VERSION};
pub use nested::{EstimatorSpec, SubModel};
pub use params::{ParamSpec, Params};
pub use registry::Registration;
pub use rng::Rng;
pub use signature::TensorSpec;
pub use sparse::Csr;
pub use state::SaveState;
pub use table::{Column, ColumnData, DType, Field, Schema, Table, MISSING};
pub use tags::Tags;
pub use traits::{Fit, FitTransform, Predict, PredictProba, Transform};

/// The library version written into every model file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
