//! Custom objectives written in Python, and importing LightGBM and XGBoost models.

use std::sync::{Arc, Mutex};

use ironlearn_boost::Objective;
use ndarray::Array2;
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::IntoPy;
use crate::native_model::NativeModel;

/// A loss written in Python: `func(preds) -> (grad, hess)`.
#[derive(Debug)]
pub(crate) struct PyObjective {
    func: Py<PyAny>,
    k: usize,
    error: Mutex<Option<PyErr>>,
}

impl PyObjective {
    fn call(&self, py: Python<'_>, scores: &[f64], out: &mut [[f32; 2]]) -> PyResult<()> {
        let n = scores.len() / self.k;
        let preds = if self.k == 1 {
            scores.to_vec().into_pyarray(py).into_any()
        } else {
            Array2::from_shape_fn((n, self.k), |(i, c)| scores[c * n + i]).into_pyarray(py).into_any()
        };
        let result = self.func.call1(py, (preds,))?;
        let (g, h): (Bound<'_, PyAny>, Bound<'_, PyAny>) = result.extract(py)?;
        let np = py.import("numpy")?;
        let flat = |a: &Bound<'_, PyAny>| -> PyResult<Vec<f64>> {
            let arr = np.call_method1("asarray", (a, "float64"))?;
            let arr = arr.cast::<numpy::PyArrayDyn<f64>>()?;
            let ro = arr.readonly();
            let v = ro.as_array();
            if v.len() != scores.len() {
                return Err(PyValueError::new_err(format!(
                    "the objective returned {} values for {} scores",
                    v.len(),
                    scores.len()
                )));
            }
            Ok(if v.ndim() == 2 && self.k > 1 {
                // (n, k) back to class-major.
                (0..self.k).flat_map(|c| (0..n).map(move |i| (i, c))).map(|(i, c)| v[[i, c]]).collect()
            } else {
                v.iter().copied().collect()
            })
        };
        let (g, h) = (flat(&g)?, flat(&h)?);
        for (o, (g, h)) in out.iter_mut().zip(g.iter().zip(&h)) {
            *o = [*g as f32, *h as f32];
        }
        Ok(())
    }
}

impl Objective for PyObjective {
    fn gradients(&self, scores: &[f64], _labels: &[f64], _weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        Python::attach(|py| {
            if let Err(e) = self.call(py, scores, out) {
                out.iter_mut().for_each(|o| *o = [0.0, 1.0]);
                self.error.lock().expect("not poisoned").get_or_insert(e);
            }
        });
    }

    fn num_outputs(&self) -> usize {
        self.k
    }
}

/// A Python objective shared by the training loop and the caller, who
/// re-raises its first error after training.
#[derive(Debug, Clone)]
pub(crate) struct SharedObjective(pub Arc<PyObjective>);

impl SharedObjective {
    pub(crate) fn new(func: Py<PyAny>, k: usize) -> Self {
        SharedObjective(Arc::new(PyObjective { func, k: k.max(1), error: Mutex::new(None) }))
    }

    /// The error the objective raised, if it did.
    pub(crate) fn take_error(&self) -> Option<PyErr> {
        self.0.error.lock().expect("not poisoned").take()
    }

    pub(crate) fn failed(&self) -> bool {
        self.0.error.lock().expect("not poisoned").is_some()
    }
}

impl Objective for SharedObjective {
    fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        self.0.gradients(scores, labels, weights, out);
    }
    fn num_outputs(&self) -> usize {
        self.0.k
    }
}

/// Loads a LightGBM text model.
#[pyfunction]
pub fn import_lightgbm(text: &str) -> PyResult<NativeModel> {
    Ok(NativeModel { model: Box::new(ironlearn_boost::from_lightgbm_text(text).py()?) })
}

/// Loads an XGBoost JSON model.
#[pyfunction]
pub fn import_xgboost(text: &str) -> PyResult<NativeModel> {
    Ok(NativeModel { model: Box::new(ironlearn_boost::from_xgboost_json(text).py()?) })
}

/// The booster's parameters from their JSON object.
pub(crate) fn gbdt_params(params_json: &str) -> PyResult<ironlearn_boost::Gbdt> {
    use ironlearn_core::Params;
    let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(params_json)
        .map_err(|e| PyValueError::new_err(format!("parameters are not JSON: {e}")))?;
    ironlearn_boost::Gbdt::from_json(&params).py()
}

/// A data set's bins under the booster's parameters: `(bins per feature, bins)`.
#[pyfunction]
pub fn dataset_bins<'py>(
    py: Python<'py>,
    params_json: &str,
    x: crate::frame::XInput<'py>,
) -> PyResult<(Vec<usize>, Bound<'py, numpy::PyArray2<u8>>)> {
    let params = gbdt_params(params_json)?;
    let f = x.features();
    let (counts, bins) = py.detach(|| ironlearn_boost::dataset_bins(&f.reborrow(), &params)).py()?;
    Ok((counts, bins.into_pyarray(py)))
}

/// A data set's bins per feature under the booster's parameters, without binning its rows.
#[pyfunction]
pub fn dataset_bin_counts(py: Python<'_>, params_json: &str, x: crate::frame::XInput<'_>) -> PyResult<Vec<usize>> {
    let params = gbdt_params(params_json)?;
    let f = x.features();
    py.detach(|| ironlearn_boost::dataset_bin_counts(&f.reborrow(), &params)).py()
}
