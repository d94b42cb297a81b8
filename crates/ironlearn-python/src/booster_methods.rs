//! The booster's own methods on a fitted model: raw scores, leaves, SHAP
//! values, importances, the tree dump, and rounds, for `ironlearn.boost`.
//! Built only with the `boost` feature, as a second `#[pymethods]` block.

use std::any::Any;

use ironlearn_boost::{GbdtModel, Importance, Transform};
use ironlearn_core::{Data, Model, Parts};
use numpy::{IntoPyArray, PyArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::errors::IntoPy;
use crate::frame::XInput;
use crate::native_model::NativeModel;

#[pymethods]
impl NativeModel {
    /// Booster outputs: "raw", "value" (after the objective's transform), "leaf" or "contrib".
    /// `early_stop = (freq, margin)`: LightGBM's prediction early stopping for "raw" and "value".
    #[pyo3(signature = (x, what, num_iteration=None, early_stop=None))]
    fn booster_predict<'py>(
        &self,
        py: Python<'py>,
        x: XInput<'py>,
        what: &str,
        num_iteration: Option<usize>,
        early_stop: Option<(usize, f64)>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let b = self.booster()?;
        let f = x.features();
        // A pipeline's earlier steps (none for the CLI's booster) turn x into what the booster reads.
        let prefixed = match self.pipeline() {
            Some(p) => py.detach(|| p.transform_before_last(f.reborrow())).py()?,
            None => None,
        };
        let f = prefixed.as_ref().map_or(f, Data::view);
        if let (Some((freq, margin)), "raw" | "value") = (early_stop, what) {
            let mut raw = py.detach(|| b.predict_raw_early_stop(f, num_iteration, freq, margin)).py()?;
            if what == "value" {
                raw.rows_mut().into_iter().for_each(|mut r| b.transform().apply(r.as_slice_mut().expect("row-major")));
            }
            return Ok(raw.into_pyarray(py).into_any());
        }
        Ok(match what {
            "raw" => py.detach(|| b.predict_raw(f, num_iteration)).py()?.into_pyarray(py).into_any(),
            "value" => py.detach(|| b.predict_transformed(f, num_iteration)).py()?.into_pyarray(py).into_any(),
            "leaf" => py.detach(|| b.predict_leaf(f, num_iteration)).py()?.mapv(i64::from).into_pyarray(py).into_any(),
            "contrib" => py.detach(|| b.predict_contrib(f, num_iteration)).py()?.into_pyarray(py).into_any(),
            other => return Err(PyValueError::new_err(format!("unknown prediction kind '{other}'"))),
        })
    }

    #[pyo3(signature = (importance_type="split", num_iteration=None))]
    fn feature_importance<'py>(
        &self,
        py: Python<'py>,
        importance_type: &str,
        num_iteration: Option<usize>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let kind = match importance_type {
            "split" => Importance::Split,
            "gain" => Importance::Gain,
            other => {
                return Err(PyValueError::new_err(format!("importance_type must be 'split' or 'gain', got '{other}'")))
            }
        };
        Ok(self.booster()?.feature_importance(kind, num_iteration).into_pyarray(py))
    }

    #[pyo3(signature = (num_iteration=None, start_iteration=0))]
    fn dump_model(&self, num_iteration: Option<usize>, start_iteration: usize) -> PyResult<String> {
        Ok(self.booster()?.dump(num_iteration, start_iteration).to_string())
    }

    #[getter]
    fn num_trees(&self) -> PyResult<usize> {
        Ok(self.booster()?.trees().len())
    }

    #[getter]
    fn num_iterations(&self) -> PyResult<usize> {
        Ok(self.booster()?.num_iterations())
    }

    #[getter]
    fn num_outputs(&self) -> PyResult<usize> {
        Ok(self.booster()?.num_outputs())
    }

    #[getter]
    fn best_iteration(&self) -> PyResult<Option<usize>> {
        Ok(self.booster()?.best_iteration())
    }

    #[getter]
    fn objective(&self) -> PyResult<String> {
        Ok(self.booster()?.objective().to_string())
    }

    #[getter]
    fn feature_names(&self) -> PyResult<Vec<String>> {
        Ok(self.booster()?.feature_names())
    }

    /// `[(data, metric, values)]` for every validation metric.
    fn evals(&self) -> PyResult<Vec<(String, String, Vec<f64>)>> {
        Ok(self.booster()?.evals().iter().map(|e| (e.data.clone(), e.metric.clone(), e.values.clone())).collect())
    }

    /// A copy with its leaf values refit to new data (LightGBM's `Booster.refit`).
    #[pyo3(signature = (x, y, classes=None, sample_weight=None, decay_rate=0.9))]
    fn refit(
        &self,
        py: Python<'_>,
        x: XInput<'_>,
        y: &Bound<'_, PyAny>,
        classes: Option<Vec<String>>,
        sample_weight: Option<numpy::PyReadonlyArray1<'_, f64>>,
        decay_rate: f64,
    ) -> PyResult<NativeModel> {
        let b = self.booster()?;
        let y = crate::native_model::target(Some(y), classes)?
            .ok_or_else(|| PyValueError::new_err("refit needs a label"))?;
        let w = sample_weight.map(|w| w.as_array().to_vec());
        let f = x.features();
        let refit = py.detach(|| b.refit(f.reborrow(), &y, w.as_deref(), decay_rate)).py()?;
        Ok(NativeModel { model: Box::new(refit) })
    }

    /// The smallest and largest raw score the trees can give: the starting
    /// scores plus every tree's smallest (largest) leaf (LightGBM's
    /// `lower_bound` and `upper_bound`).
    fn score_bounds(&self) -> PyResult<(f64, f64)> {
        let b = self.booster()?;
        let init: f64 = b.init_score().iter().sum();
        let (lo, hi) = b.trees().iter().fold((init, init), |(lo, hi), t| {
            let min = t.leaf_value.iter().copied().fold(f64::INFINITY, f64::min);
            let max = t.leaf_value.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo + min, hi + max)
        });
        Ok((lo, hi))
    }

    /// `(name, metric, value, higher_is_better)` for every metric of the model's parameters on a data set.
    #[pyo3(signature = (name, x, y, classes=None, sample_weight=None, group=None, init_score=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &self,
        py: Python<'_>,
        name: &str,
        x: XInput<'_>,
        y: &Bound<'_, PyAny>,
        classes: Option<Vec<String>>,
        sample_weight: Option<numpy::PyReadonlyArray1<'_, f64>>,
        group: Option<Vec<usize>>,
        init_score: Option<numpy::PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Vec<(String, String, f64, bool)>> {
        let b = self.booster()?;
        let e =
            crate::native_model::Extras::from_py(Some(y), classes, sample_weight.as_ref(), group, init_score.as_ref())?;
        let f = x.features();
        py.detach(|| b.evaluate(&crate::native_model::view(f.reborrow(), &e), name)).py()
    }

    /// How raw scores become predictions: "identity", "exp", "sigmoid", "sigmoid:SCALE" or "softmax".
    #[getter]
    fn objective_transform(&self) -> PyResult<String> {
        Ok(match self.booster()?.transform() {
            Transform::Identity => "identity".into(),
            Transform::Exp => "exp".into(),
            Transform::Sigmoid => "sigmoid".into(),
            Transform::Softmax => "softmax".into(),
            Transform::ScaledSigmoid(s) => format!("sigmoid:{s}"),
        })
    }

    /// The value of leaf `leaf` of tree `tree`.
    fn leaf_output(&self, tree: usize, leaf: usize) -> PyResult<f64> {
        let b = self.booster()?;
        let t = b.trees().get(tree).ok_or_else(|| {
            PyValueError::new_err(format!("tree index {tree} is out of range: the model has {} trees", b.trees().len()))
        })?;
        t.leaf_value.get(leaf).copied().ok_or_else(|| {
            PyValueError::new_err(format!(
                "leaf index {leaf} is out of range: tree {tree} has {} leaves",
                t.leaf_value.len()
            ))
        })
    }

    /// A copy with one leaf's value changed.
    fn with_leaf_output(&self, tree: usize, leaf: usize, value: f64) -> PyResult<NativeModel> {
        let mut b = self.booster()?.clone();
        b.set_leaf_output(tree, leaf, value).py()?;
        Ok(NativeModel { model: Box::new(b) })
    }

    /// The model as LightGBM text (`Booster.model_to_string`).
    #[pyo3(signature = (num_iteration=None, start_iteration=0))]
    fn lightgbm_text(&self, num_iteration: Option<usize>, start_iteration: usize) -> PyResult<String> {
        self.booster()?.to_lightgbm_text(num_iteration, start_iteration).py()
    }

    /// A copy holding rounds `start..start + count` (LightGBM's `start_iteration`).
    #[pyo3(signature = (start, count=None))]
    fn rounds(&self, start: usize, count: Option<usize>) -> PyResult<NativeModel> {
        Ok(NativeModel { model: Box::new(self.booster()?.rounds(start, count)) })
    }

    /// A copy keeping the first `iterations` rounds.
    fn truncated(&self, iterations: usize) -> PyResult<NativeModel> {
        let mut b = self.booster()?.clone();
        b.truncate(iterations);
        Ok(NativeModel { model: Box::new(b) })
    }

    /// A copy of a booster with its features renamed and/or its best
    /// iteration set (as a Python callback's early stopping chose it), so the
    /// model file, dumps and importances carry them.
    #[pyo3(signature = (feature_names=None, best_iteration=None))]
    fn booster_with(&self, feature_names: Option<Vec<String>>, best_iteration: Option<usize>) -> PyResult<NativeModel> {
        let b = (self.model.as_ref() as &dyn Any)
            .downcast_ref::<GbdtModel>()
            .ok_or_else(|| PyTypeError::new_err(format!("a '{}' model is not a bare booster", self.model.kind())))?;
        let Parts { params, mut state, arrays } = b.parts().py()?;
        if let Some(names) = feature_names {
            let features = state["features"]
                .as_array_mut()
                .ok_or_else(|| PyValueError::new_err("the booster's state has no features"))?;
            if names.len() != features.len() {
                return Err(PyValueError::new_err(format!(
                    "{} feature names for a booster of {} features",
                    names.len(),
                    features.len()
                )));
            }
            for (f, name) in features.iter_mut().zip(names) {
                f["name"] = serde_json::Value::String(name);
            }
        }
        if let Some(best) = best_iteration {
            state["best_iteration"] = if best == 0 { serde_json::Value::Null } else { best.into() };
        }
        let entry = ironlearn_pipeline::find("gbdt").py()?;
        let model = (entry.load)(&Parts { params, state, arrays }).py()?;
        Ok(NativeModel { model })
    }
}
