//! Classic estimators: linear models and preprocessing.
//!
//! One module per family, one file per estimator. Each estimator is a
//! hyperparameter struct whose `fit` returns a separate fitted type with
//! inspectable state, and implements the dynamic [`Estimator`] and [`Model`]
//! traits so the CLI, the Python package and pipelines can drive it by name.
//!
//! [`Estimator`]: ironlearn_core::Estimator
//! [`Model`]: ironlearn_core::Model

pub mod linear;
pub mod preprocessing;

pub use linear::{
    LinearRegression, LinearRegressionModel, LogisticRegression, LogisticRegressionModel, Ridge, RidgeModel,
};
pub use preprocessing::{
    OneHotEncoder, OneHotEncoderModel, SimpleImputer, SimpleImputerModel, StandardScaler, StandardScalerModel,
};
