//! The preprocessing a table needs before a given estimator.
//!
//! Estimators that take categories and missing values natively (the booster)
//! get the table as it is. Others get an imputer (so missing values at
//! prediction time are handled too: numbers by the mean, categories as a
//! level "missing" of their own), a one-hot encoder for text columns, and
//! a scaler when they are sensitive to feature scale.

use ironlearn_core::{Estimator, Params, Result, Schema};
use ironlearn_learn::{OneHotEncoder, SimpleImputer, StandardScaler};

use crate::{Entry, Pipeline};

/// Wraps `estimator` (registered as `entry`) in the steps `schema` needs.
pub fn auto_pipeline(entry: &Entry, estimator: Box<dyn Estimator>, schema: &Schema) -> Result<Pipeline> {
    let mut steps: Vec<(String, Box<dyn Estimator>)> = Vec::new();
    if !entry.tags.categorical {
        // A missing category becomes a level of its own, as scikit-learn's
        // one-hot encoder and the booster treat it: missingness often carries
        // information that filling in the most frequent level would blur.
        let imputer = SimpleImputer { categorical_strategy: "constant".into(), ..SimpleImputer::default() };
        steps.push((SimpleImputer::NAME.into(), Box::new(imputer)));
        let has_text = schema.fields.iter().any(|f| matches!(f.dtype, ironlearn_core::DType::Categorical { .. }));
        if has_text {
            let enc = OneHotEncoder { columns: "categorical".into(), handle_unknown: "ignore".into() };
            steps.push((OneHotEncoder::NAME.into(), Box::new(enc)));
        }
        if entry.tags.wants_scaling {
            steps.push((StandardScaler::NAME.into(), Box::new(StandardScaler::default())));
        }
    }
    steps.push((entry.name.into(), estimator));
    Pipeline::new(steps)
}
