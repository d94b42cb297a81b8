//! A booster in training, kept between Python calls: LightGBM's
//! `Booster(params, train_set)` with `update`, `rollback_one_iter`,
//! `add_valid` and `eval_*`. The data is binned once, when it is built.

use std::sync::Mutex;

use ironlearn_boost::Trainer;
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::booster::SharedObjective;
use crate::errors::IntoPy;
use crate::frame::XInput;
use crate::native_model::{view, Extras, NativeModel};

/// The training state of a booster.
#[pyclass(module = "ironlearn._native")]
pub struct NativeTrainer {
    inner: Mutex<Trainer>,
    objective: Option<SharedObjective>,
}

impl NativeTrainer {
    fn with<R>(&self, f: impl FnOnce(&mut Trainer) -> R) -> R {
        f(&mut self.inner.lock().expect("a trainer call panicked"))
    }

    /// The Python objective's first exception, raised instead of a result.
    fn objective_error(&self) -> PyResult<()> {
        match self.objective.as_ref().and_then(SharedObjective::take_error) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[pymethods]
impl NativeTrainer {
    /// Bins the training data. `fobj(preds) -> (grad, hess)` is a Python loss
    /// with `num_outputs` outputs; without it the parameters' objective is used.
    #[new]
    #[pyo3(signature = (params_json, x, y, classes=None, sample_weight=None, group=None, init_score=None, init_model=None, fobj=None, num_outputs=1, position=None, bin_reference=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        params_json: &str,
        x: XInput<'_>,
        y: &Bound<'_, PyAny>,
        classes: Option<Vec<String>>,
        sample_weight: Option<PyReadonlyArray1<'_, f64>>,
        group: Option<Vec<usize>>,
        init_score: Option<PyReadonlyArray1<'_, f64>>,
        init_model: Option<PyRef<'_, NativeModel>>,
        fobj: Option<Py<PyAny>>,
        num_outputs: usize,
        position: Option<PyReadonlyArray1<'_, i32>>,
        bin_reference: Option<XInput<'_>>,
    ) -> PyResult<Self> {
        let params = crate::booster::gbdt_params(params_json)?;
        let e = Extras::from_py(Some(y), classes, sample_weight.as_ref(), group, init_score.as_ref())?
            .with_position(position)?;
        let objective = fobj.map(|f| SharedObjective::new(f, num_outputs));
        let custom =
            objective.clone().map(|o| std::sync::Arc::new(o) as std::sync::Arc<dyn ironlearn_boost::Objective>);
        let base = match &init_model {
            Some(m) => Some(m.booster()?.clone()),
            None => None,
        };
        let features = x.features();
        let reference = bin_reference.as_ref().map(XInput::features);
        let t = py
            .detach(|| {
                let reference = reference.as_ref().map(|r| r.reborrow());
                Trainer::with_reference(
                    &params,
                    &view(features.reborrow(), &e),
                    reference.as_ref(),
                    &[],
                    base.as_ref(),
                    custom,
                )
            })
            .py()?;
        Ok(NativeTrainer { inner: Mutex::new(t), objective })
    }

    /// Adds a validation set; returns its index.
    #[pyo3(signature = (name, x, y, classes=None, sample_weight=None, group=None, init_score=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_valid(
        &self,
        py: Python<'_>,
        name: &str,
        x: XInput<'_>,
        y: &Bound<'_, PyAny>,
        classes: Option<Vec<String>>,
        sample_weight: Option<PyReadonlyArray1<'_, f64>>,
        group: Option<Vec<usize>>,
        init_score: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<()> {
        let e = Extras::from_py(Some(y), classes, sample_weight.as_ref(), group, init_score.as_ref())?;
        let features = x.features();
        py.detach(|| self.with(|t| t.add_valid(name, &view(features.reborrow(), &e)))).py()
    }

    /// Grows one round, with the objective's gradients or the given ones
    /// (`grad` and `hess`, one per row and output, output-major as LightGBM
    /// flattens them). Returns True when nothing was learnt.
    #[pyo3(signature = (grad=None, hess=None))]
    fn update(
        &self,
        py: Python<'_>,
        grad: Option<PyReadonlyArray1<'_, f64>>,
        hess: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<bool> {
        let gh: Option<Vec<[f32; 2]>> = match (grad, hess) {
            (Some(g), Some(h)) => {
                let (g, h) = (g.as_array(), h.as_array());
                if g.len() != h.len() {
                    return Err(PyValueError::new_err(format!(
                        "grad and hess must have the same length, got {} and {}",
                        g.len(),
                        h.len()
                    )));
                }
                Some(g.iter().zip(h.iter()).map(|(&g, &h)| [g as f32, h as f32]).collect())
            }
            (None, None) => None,
            _ => return Err(PyValueError::new_err("give both grad and hess, or neither")),
        };
        let round = py.detach(|| self.with(|t| t.step(gh.as_deref())));
        self.objective_error()?;
        Ok(!round.py()?.grown)
    }

    /// Changes the parameters of the rounds still to grow (LightGBM's `reset_parameter`).
    fn reset_params(&self, params_json: &str) -> PyResult<()> {
        let params = crate::booster::gbdt_params(params_json)?;
        self.with(|t| t.reset_params(&params)).py()
    }

    /// Undoes the last round.
    fn rollback(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.with(Trainer::rollback)).py()
    }

    /// `(data_name, metric, value, higher_is_better)` for the training data (`index=None`) or validation set `index`.
    #[pyo3(signature = (index, name))]
    fn evaluate(&self, index: Option<usize>, name: &str) -> PyResult<Vec<(String, String, f64, bool)>> {
        self.with(|t| t.evaluate(index, name)).py()
    }

    /// Raw scores, `(rows, outputs)`, of the training data or validation set `index`.
    #[pyo3(signature = (index=None))]
    fn scores<'py>(&self, py: Python<'py>, index: Option<usize>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let (flat, k) = self
            .with(|t| -> ironlearn_core::Result<(Vec<f64>, usize)> {
                Ok((t.scores(index)?.to_vec(), t.model().num_outputs()))
            })
            .py()?;
        let n = flat.len() / k;
        Ok(ndarray::Array2::from_shape_fn((n, k), |(i, c)| flat[c * n + i]).into_pyarray(py))
    }

    /// The model so far (a copy).
    fn model(&self) -> NativeModel {
        NativeModel { model: Box::new(self.with(|t| t.model().clone())) }
    }

    fn set_leaf_output(&self, tree: usize, leaf: usize, value: f64) -> PyResult<()> {
        self.with(|t| t.set_leaf_output(tree, leaf, value)).py()
    }

    #[getter]
    fn num_iterations(&self) -> usize {
        self.with(|t| t.model().num_iterations())
    }
}
