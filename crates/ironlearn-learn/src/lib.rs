//! Classic estimators: linear models, clustering and preprocessing.
//!
//! One module per family, one file per estimator. Each estimator is a
//! hyperparameter struct whose `fit` returns a separate fitted type with
//! inspectable state; implementing [`Learn`] and [`Fitted`] and one
//! `register!` line give it the dynamic face the CLI, the Python package and
//! pipelines drive by name, and its model file.
//!
//! [`Learn`]: ironlearn_core::Learn
//! [`Fitted`]: ironlearn_core::Fitted

pub mod cluster;
pub mod dummy;
pub mod linear;
pub mod preprocessing;

pub use cluster::{KMeans, KMeansModel};
pub use dummy::{DummyClassifier, DummyClassifierModel, DummyRegressor, DummyRegressorModel};
pub use linear::{
    LinearRegression, LinearRegressionModel, LogisticRegression, LogisticRegressionModel, Ridge, RidgeModel,
};
pub use preprocessing::{
    OneHotEncoder, OneHotEncoderModel, SimpleImputer, SimpleImputerModel, StandardScaler, StandardScalerModel,
};
