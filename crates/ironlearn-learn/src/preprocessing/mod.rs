//! Preprocessing: scaling, encoding categories, filling missing values.

mod one_hot_encoder;
mod simple_imputer;
mod standard_scaler;

pub use one_hot_encoder::{OneHotEncoder, OneHotEncoderModel};
pub use simple_imputer::{SimpleImputer, SimpleImputerModel};
pub use standard_scaler::{StandardScaler, StandardScalerModel};
