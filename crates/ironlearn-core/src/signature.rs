//! What a model takes and gives, for servers and ONNX export.
//!
//! A model server answers requests by name, dtype and shape (the Open
//! Inference Protocol's `inputs`/`outputs` metadata) without running the
//! model: the header holds the input schema, and this signature of the
//! outputs, derived from the task when the file is written.

use serde::{Deserialize, Serialize};

use crate::{Model, Task};

/// One named output: its element type and shape, `-1` for the batch dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TensorSpec {
    pub name: String,
    /// "float64", "int64" or "string".
    pub dtype: String,
    pub shape: Vec<i64>,
}

impl TensorSpec {
    fn new(name: &str, dtype: &str, shape: &[i64]) -> Self {
        TensorSpec { name: name.into(), dtype: dtype.into(), shape: shape.to_vec() }
    }
}

/// The outputs of `model`, as its task defines them.
pub fn outputs(model: &dyn Model) -> Vec<TensorSpec> {
    let n_in = model.n_features_in();
    match model.task() {
        Task::Regression | Task::Ranking => vec![TensorSpec::new("prediction", "float64", &[-1])],
        Task::Classification => {
            let k = model.classes().map_or(-1, |c| c.len() as i64);
            vec![TensorSpec::new("label", "string", &[-1]), TensorSpec::new("probabilities", "float64", &[-1, k])]
        }
        Task::MultiOutputRegression => vec![TensorSpec::new("prediction", "float64", &[-1, -1])],
        Task::Clustering => vec![TensorSpec::new("cluster", "int64", &[-1])],
        Task::OutlierDetection => {
            vec![TensorSpec::new("inlier", "int64", &[-1]), TensorSpec::new("score", "float64", &[-1])]
        }
        Task::Neighbors => {
            vec![TensorSpec::new("distances", "float64", &[-1, -1]), TensorSpec::new("indices", "int64", &[-1, -1])]
        }
        Task::Transform => {
            let names = model.feature_names_out(&crate::table::default_names(n_in));
            vec![TensorSpec::new("features", "float64", &[-1, names.len() as i64])]
        }
    }
}
