//! ironlearn's shared vocabulary.
//!
//! Every other crate speaks these types: the [`Error`] users see, the
//! [`Table`] data arrives in, [`Labels`] for classes, hyperparameters
//! declared once with [`hyperparams!`], the typed traits ([`Fit`],
//! [`Predict`], [`Transform`]), the type-erased [`Model`] that the CLI, the
//! Python package and the server drive, and the one [`ModelFile`] format.

pub mod arrays;
pub mod error;
pub mod fingerprint;
pub mod labels;
pub mod model;
pub mod model_file;
pub mod params;
pub mod rng;
pub mod table;
pub mod traits;
pub mod validate;

pub use arrays::Arrays;
pub use error::{Error, Result};
pub use labels::{target_values, Labels};
pub use model::{Attribute, Data, Estimator, Features, Model, Parts, Prediction, Target, Task};
pub use model_file::{Header, ModelFile, Persist, TargetInfo, FORMAT_VERSION};
pub use params::{ParamSpec, Params};
pub use rng::Rng;
pub use table::{Column, ColumnData, DType, Field, Schema, Table, MISSING};
pub use traits::{Fit, FitTransform, Predict, PredictProba, Transform};

/// The library version written into every model file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
