//! Linear models.

mod center;
mod linear_regression;
mod logistic_regression;
mod ridge;

pub use linear_regression::{LinearRegression, LinearRegressionModel};
pub use logistic_regression::{LogisticRegression, LogisticRegressionModel};
pub use ridge::{Ridge, RidgeModel};

use ironlearn_core::{Attribute, Parts, Result};
use ndarray::{Array1, ArrayView2};

/// The learned state shared by the least-squares regressors: `y = x·coef + intercept`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinearState {
    pub coef: Array1<f64>,
    pub intercept: f64,
}

impl LinearState {
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&self.coef) + self.intercept
    }

    pub fn parts(&self, params: serde_json::Value) -> Parts {
        let mut arrays = ironlearn_core::Arrays::new();
        arrays.put_vec("coef", self.coef.to_vec());
        Parts { params, state: serde_json::json!({ "intercept": self.intercept }), arrays }
    }

    pub fn from_parts(parts: &Parts) -> Result<Self> {
        let intercept = parts.state["intercept"]
            .as_f64()
            .ok_or_else(|| ironlearn_core::Error::ModelFile("state.intercept is missing".into()))?;
        Ok(LinearState { coef: Array1::from(parts.arrays.vec::<f64>("coef")?), intercept })
    }

    pub fn attributes(&self) -> Vec<(&'static str, Attribute)> {
        vec![
            ("coef_", Attribute::Array(self.coef.clone().into_dyn())),
            ("intercept_", Attribute::Number(self.intercept)),
        ]
    }
}
