//! The LightGBM-style training entry point, custom objectives and callbacks in
//! Python, and importing LightGBM and XGBoost models.

use std::sync::{Arc, Mutex};

use ironlearn_boost::{Dataset, Gbdt, Objective, TrainOptions};
use ironlearn_core::{Params, Target};
use ndarray::Array2;
use numpy::{IntoPyArray, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::IntoPy;
use crate::frame::XInput;
use crate::native_model::NativeModel;

/// A loss written in Python: `func(preds) -> (grad, hess)`.
#[derive(Debug)]
struct PyObjective {
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

fn target(y: &Bound<'_, PyAny>, classes: Option<Vec<String>>) -> PyResult<Target> {
    Ok(match classes {
        Some(c) => {
            let codes: PyReadonlyArray1<'_, i64> = y.extract()?;
            let codes = codes.as_array().iter().map(|&v| v.max(0) as u32).collect();
            Target::Labels(ironlearn_core::Labels::new(c, codes).py()?)
        }
        None => Target::Values(y.extract::<PyReadonlyArray1<'_, f64>>()?.as_array().to_vec()),
    })
}

type ValidSet<'py> = (
    String,
    XInput<'py>,
    Bound<'py, PyAny>,
    Option<Vec<String>>,
    Option<PyReadonlyArray1<'py, f64>>,
    Option<Vec<usize>>,
    Option<PyReadonlyArray1<'py, f64>>,
);

/// Trains a booster (`ironlearn.boost.train`).
#[pyfunction]
#[pyo3(signature = (params_json, x, y, classes=None, weight=None, group=None, init_score=None, valid=Vec::new(), callback=None, init_model=None, fobj=None, num_outputs=1))]
#[allow(clippy::too_many_arguments)]
pub fn boost_train(
    py: Python<'_>,
    params_json: &str,
    x: XInput<'_>,
    y: &Bound<'_, PyAny>,
    classes: Option<Vec<String>>,
    weight: Option<PyReadonlyArray1<'_, f64>>,
    group: Option<Vec<usize>>,
    init_score: Option<PyReadonlyArray1<'_, f64>>,
    valid: Vec<ValidSet<'_>>,
    callback: Option<Py<PyAny>>,
    init_model: Option<PyRef<'_, NativeModel>>,
    fobj: Option<Py<PyAny>>,
    num_outputs: usize,
) -> PyResult<NativeModel> {
    let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(params_json)
        .map_err(|e| PyValueError::new_err(format!("parameters are not JSON: {e}")))?;
    let p = Gbdt::from_json(&params).py()?;
    let y = target(y, classes)?;
    let w: Option<Vec<f64>> = weight.map(|w| w.as_array().to_vec());
    let init: Option<Vec<f64>> = init_score.map(|s| s.as_array().to_vec());
    struct Owned {
        name: String,
        y: Target,
        w: Option<Vec<f64>>,
        group: Option<Vec<usize>>,
        init: Option<Vec<f64>>,
    }
    let mut valid_x = Vec::new();
    let mut owned = Vec::new();
    for (name, vx, vy, vclasses, vw, vgroup, vinit) in &valid {
        valid_x.push(vx);
        owned.push(Owned {
            name: name.clone(),
            y: target(vy, vclasses.clone())?,
            w: vw.as_ref().map(|w| w.as_array().to_vec()),
            group: vgroup.clone(),
            init: vinit.as_ref().map(|s| s.as_array().to_vec()),
        });
    }
    let objective = fobj.map(|func| Arc::new(PyObjective { func, k: num_outputs.max(1), error: Mutex::new(None) }));
    let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
    let base = init_model.as_ref().map(|m| m.booster()).transpose()?.cloned();
    let x_features = x.features();
    let valid_features: Vec<_> = valid_x.iter().map(|v| v.features()).collect();
    let result = py.detach(|| {
        let data = Dataset {
            weight: w.as_deref(),
            group: group.as_deref(),
            init_score: init.as_deref(),
            ..Dataset::new(x_features, &y)
        };
        let valid_sets = owned
            .iter()
            .zip(&valid_features)
            .map(|(o, f)| {
                let d = Dataset {
                    weight: o.w.as_deref(),
                    group: o.group.as_deref(),
                    init_score: o.init.as_deref(),
                    ..Dataset::new(f.reborrow(), &o.y)
                };
                (o.name.clone(), d)
            })
            .collect();
        let obj_ref = objective.as_ref();
        let mut cb = |it: &ironlearn_boost::Iteration<'_>| -> ironlearn_boost::Control {
            if obj_ref.is_some_and(|o| o.error.lock().expect("not poisoned").is_some()) {
                return std::ops::ControlFlow::Break(());
            }
            let Some(f) = callback.as_ref() else { return std::ops::ControlFlow::Continue(()) };
            Python::attach(|py| {
                match f.call1(py, (it.iteration, it.evals.to_vec())).and_then(|r| r.extract::<bool>(py)) {
                    Ok(true) => std::ops::ControlFlow::Break(()),
                    Ok(false) => std::ops::ControlFlow::Continue(()),
                    Err(e) => {
                        *callback_error.lock().expect("not poisoned") = Some(e);
                        std::ops::ControlFlow::Break(())
                    }
                }
            })
        };
        let options = TrainOptions {
            valid: valid_sets,
            objective: objective.clone().map(|o| Box::new(Shared(o)) as Box<dyn Objective>),
            init_model: base.as_ref(),
            callback: Some(&mut cb),
        };
        ironlearn_boost::train(&p, &data, options)
    });
    if let Some(e) = callback_error.into_inner().expect("not poisoned") {
        return Err(e);
    }
    let model = result.py()?;
    Ok(NativeModel { model: Box::new(model) })
}

/// Lets the training loop own the objective while the callback checks its error.
#[derive(Debug)]
struct Shared(Arc<PyObjective>);

impl Objective for Shared {
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
