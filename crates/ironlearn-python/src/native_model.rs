//! Fitting any registered estimator, and the fitted model as a Python object.

#[cfg(feature = "boost")]
use std::any::Any;

use std::sync::Mutex;

#[cfg(feature = "boost")]
use ironlearn_boost::GbdtModel;
#[cfg(feature = "boost")]
use ironlearn_core::{DType, Field};
use ironlearn_core::{
    Data, Features, FitContext, Labels, Model, ModelFile, Prediction, Progress, Schema, Target, TargetInfo, TrainData,
};
#[cfg(feature = "boost")]
use ironlearn_pipeline::FittedPipeline;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1};
#[cfg(feature = "boost")]
use pyo3::exceptions::PyTypeError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde::Deserialize;

use crate::errors::IntoPy;
use crate::frame::XInput;

/// A fitted ironlearn model.
#[pyclass(module = "ironlearn._native", frozen)]
#[derive(Debug)]
pub struct NativeModel {
    pub model: Box<dyn Model>,
}

impl NativeModel {
    /// The booster: the model itself, or the last step of a pipeline (as the
    /// CLI saves `--model gbdt`).
    #[cfg(feature = "boost")]
    pub fn booster(&self) -> PyResult<&GbdtModel> {
        let model = self.model.as_ref() as &dyn Any;
        let last = match model.downcast_ref::<FittedPipeline>() {
            Some(p) => p.last() as &dyn Any,
            None => model,
        };
        last.downcast_ref::<GbdtModel>()
            .ok_or_else(|| PyTypeError::new_err(format!("a '{}' model is not a booster", self.model.kind())))
    }

    /// The pipeline whose last step is the booster, when the model is one.
    #[cfg(feature = "boost")]
    pub(crate) fn pipeline(&self) -> Option<&FittedPipeline> {
        (self.model.as_ref() as &dyn Any).downcast_ref::<FittedPipeline>()
    }

    /// The input schema the model reads: a booster's features (names, and the
    /// levels of text categories), else numeric features named `x0`, `x1`, ...
    fn default_schema(&self) -> Schema {
        #[cfg(feature = "boost")]
        if let Some(b) = (self.model.as_ref() as &dyn Any).downcast_ref::<GbdtModel>() {
            return booster_schema(b);
        }
        Schema::numeric(self.model.n_features_in())
    }
}

/// A booster's input schema: its features' names, and the levels of text categories.
#[cfg(feature = "boost")]
fn booster_schema(b: &GbdtModel) -> Schema {
    Schema {
        fields: b
            .features()
            .iter()
            .map(|f| Field {
                name: f.name.clone(),
                dtype: match (&f.levels, f.categorical) {
                    (Some(levels), true) => DType::Categorical { categories: levels.clone() },
                    _ => DType::Numeric,
                },
            })
            .collect(),
    }
}

/// The target from Python: float values, or class codes with their classes.
pub(crate) fn target(y: Option<&Bound<'_, PyAny>>, classes: Option<Vec<String>>) -> PyResult<Option<Target>> {
    let Some(y) = y else { return Ok(None) };
    if y.is_none() {
        return Ok(None);
    }
    Ok(Some(match classes {
        Some(classes) => Target::Labels(Labels::new(classes, class_codes(y)?).py()?),
        // float32 labels (LightGBM's type, which a Dataset stores) are widened
        // here rather than copied to float64 first in Python.
        None => match y.extract::<PyReadonlyArray1<'_, f32>>() {
            Ok(v) => Target::Values(v.as_array().iter().map(|&x| f64::from(x)).collect()),
            Err(_) => Target::Values(y.extract::<PyReadonlyArray1<'_, f64>>()?.as_array().to_vec()),
        },
    }))
}

/// Class codes from a numpy integer array: Python sends the narrowest of
/// int8-int64 that holds them (a million rows of two classes: 1 MB, not 8).
fn class_codes(y: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
    fn read<T: numpy::Element + Copy + Into<i64>>(y: &Bound<'_, PyAny>) -> Option<PyResult<Vec<u32>>> {
        let codes = y.extract::<PyReadonlyArray1<'_, T>>().ok()?;
        let code = |&c: &T| {
            let c: i64 = c.into();
            u32::try_from(c).map_err(|_| PyValueError::new_err(format!("class code {c} is negative")))
        };
        Some(codes.as_array().iter().map(code).collect())
    }
    read::<i8>(y).or_else(|| read::<i16>(y)).or_else(|| read::<i32>(y)).or_else(|| read::<i64>(y)).unwrap_or_else(
        || {
            // No integer array: pyo3's error says what it is.
            y.extract::<PyReadonlyArray1<'_, i64>>().map(|_| unreachable!("an int64 array was read above"))
        },
    )
}

/// A validation set from Python: `(name, x, y, classes, weight, group, init_score)`.
type ValidSet<'py> = (
    String,
    XInput<'py>,
    Bound<'py, PyAny>,
    Option<Vec<String>>,
    Option<PyReadonlyArray1<'py, f64>>,
    Option<Vec<usize>>,
    Option<PyReadonlyArray1<'py, f64>>,
);

/// Owned per-set extras, so the borrowed training views can point at them.
pub(crate) struct Extras {
    pub(crate) y: Option<Target>,
    pub(crate) weight: Option<Vec<f64>>,
    pub(crate) group: Option<Vec<usize>>,
    pub(crate) init: Option<Vec<f64>>,
    /// Display positions (ids from 0), for unbiased lambdarank.
    pub(crate) position: Option<Vec<u32>>,
}

/// Without the booster no estimator takes a custom objective.
#[cfg(not(feature = "boost"))]
#[derive(Clone)]
enum NoObjective {}

#[cfg(not(feature = "boost"))]
impl NoObjective {
    fn failed(&self) -> bool {
        match *self {}
    }

    fn take_error(&self) -> Option<PyErr> {
        match *self {}
    }
}

impl Extras {
    /// A data set's target and extras as Python gives them.
    pub(crate) fn from_py(
        y: Option<&Bound<'_, PyAny>>,
        classes: Option<Vec<String>>,
        weight: Option<&PyReadonlyArray1<'_, f64>>,
        group: Option<Vec<usize>>,
        init_score: Option<&PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Extras> {
        Ok(Extras {
            y: target(y, classes)?,
            weight: weight.map(|w| w.as_array().to_vec()),
            group,
            init: init_score.map(|s| s.as_array().to_vec()),
            position: None,
        })
    }

    /// The same extras with each row's display position (ids from 0).
    pub(crate) fn with_position(mut self, position: Option<PyReadonlyArray1<'_, i32>>) -> PyResult<Extras> {
        let id = |&v: &i32| {
            u32::try_from(v).map_err(|_| PyValueError::new_err(format!("position ids must be >= 0, got {v}")))
        };
        self.position = position.map(|p| p.as_array().iter().map(id).collect::<PyResult<_>>()).transpose()?;
        Ok(self)
    }
}

pub(crate) fn view<'a>(x: Features<'a>, e: &'a Extras) -> TrainData<'a> {
    TrainData {
        x,
        y: e.y.as_ref(),
        weight: e.weight.as_deref(),
        group: e.group.as_deref(),
        init_score: e.init.as_deref(),
        position: e.position.as_deref(),
    }
}

/// Fits the estimator registered as `kind` with JSON parameters: one path
/// for every estimator, with validation sets, a per-iteration callback
/// (`callback(iteration, evals) -> stop`), an initial model and, for
/// estimators that take one, a custom objective `fobj(preds) -> (grad, hess)`.
#[pyfunction]
#[pyo3(signature = (kind, params_json, x, y=None, classes=None, sample_weight=None, group=None, init_score=None, valid=Vec::new(), callback=None, init_model=None, fobj=None, num_outputs=1, position=None, bin_reference=None, partial=false))]
#[allow(clippy::too_many_arguments)]
pub fn fit(
    py: Python<'_>,
    kind: &str,
    params_json: &str,
    x: XInput<'_>,
    y: Option<&Bound<'_, PyAny>>,
    classes: Option<Vec<String>>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    group: Option<Vec<usize>>,
    init_score: Option<PyReadonlyArray1<'_, f64>>,
    valid: Vec<ValidSet<'_>>,
    callback: Option<Py<PyAny>>,
    init_model: Option<PyRef<'_, NativeModel>>,
    fobj: Option<Py<PyAny>>,
    num_outputs: usize,
    position: Option<PyReadonlyArray1<'_, i32>>,
    bin_reference: Option<XInput<'_>>,
    partial: bool,
) -> PyResult<NativeModel> {
    let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(params_json)
        .map_err(|e| PyValueError::new_err(format!("parameters are not JSON: {e}")))?;
    let estimator = ironlearn_pipeline::build(kind, &params).py()?;
    let train =
        Extras::from_py(y, classes, sample_weight.as_ref(), group, init_score.as_ref())?.with_position(position)?;
    let mut valid_x = Vec::new();
    let mut extras = Vec::new();
    for (name, vx, vy, vclasses, vw, vgroup, vinit) in &valid {
        valid_x.push((name.clone(), vx.features()));
        extras.push(Extras::from_py(Some(vy), vclasses.clone(), vw.as_ref(), vgroup.clone(), vinit.as_ref())?);
    }
    #[cfg(feature = "boost")]
    let objective = fobj.map(|f| crate::booster::SharedObjective::new(f, num_outputs));
    #[cfg(feature = "boost")]
    let extension = objective.clone().map(|o| ironlearn_boost::CustomObjective(std::sync::Arc::new(o)));
    #[cfg(not(feature = "boost"))]
    let (objective, extension): (Option<NoObjective>, Option<()>) = match fobj {
        Some(_) => return Err(PyValueError::new_err("a custom objective needs the booster (the 'boost' feature)")),
        None => (None, None),
    };
    let _ = num_outputs;
    let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
    let base: Option<&dyn Model> = init_model.as_ref().map(|m| m.model.as_ref());
    let features = x.features();
    let reference = bin_reference.as_ref().map(XInput::features);
    let result = py.detach(|| {
        let mut cb = |it: &Progress<'_>| -> std::ops::ControlFlow<()> {
            if objective.as_ref().is_some_and(|o| o.failed()) {
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
        let mut ctx = FitContext {
            valid: valid_x.iter().zip(&extras).map(|((n, f), e)| (n.clone(), view(f.reborrow(), e))).collect(),
            callback: Some(&mut cb),
            init_model: base,
            partial,
            extension: extension.as_ref().map(|e| e as &(dyn std::any::Any + Send + Sync)),
            bin_reference: reference.as_ref().map(|r| r.reborrow()),
            ..Default::default()
        };
        estimator.fit_with(&view(features.reborrow(), &train), &mut ctx)
    });
    // The user's own exceptions come first: they explain any error that followed.
    if let Some(e) = callback_error.into_inner().expect("not poisoned") {
        return Err(e);
    }
    if let Some(e) = objective.as_ref().and_then(|o| o.take_error()) {
        return Err(e);
    }
    Ok(NativeModel { model: result.py()? })
}

#[derive(Debug, Default, Deserialize)]
struct HeaderOverrides {
    /// The input schema as a whole (a loaded model's own, saved again).
    schema: Option<Schema>,
    /// Feature names; the types stay the model's own (text categories stay categorical).
    feature_names: Option<Vec<String>>,
    target: Option<TargetInfo>,
    /// The target column's name, kept with the model's own target description.
    target_name: Option<String>,
    #[serde(default)]
    metrics: std::collections::BTreeMap<String, f64>,
}

/// Loads a model file from bytes; returns the model and its header as JSON.
#[pyfunction]
pub fn load_bytes(data: &[u8]) -> PyResult<(NativeModel, String)> {
    let loaded = ironlearn_pipeline::load_bytes(data).py()?;
    let header = serde_json::to_string(&loaded.header).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((NativeModel { model: loaded.model }, header))
}

/// The bytes of a model file (ironlearn, LightGBM text or XGBoost JSON), read
/// as the CLI reads one: a directory, a FIFO or a device such as `/dev/zero`
/// is refused from its metadata, and at most the file's size is read.
#[pyfunction]
pub fn read_model_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Bound<'_, pyo3::types::PyBytes>> {
    let bytes = py.detach(|| ironlearn_core::model_file::read_model_file(&path)).py()?;
    Ok(pyo3::types::PyBytes::new(py, &bytes))
}

/// Loads a model file from a path, with the checks of [`read_model_file`];
/// returns the model and its header as JSON.
#[pyfunction]
pub fn load_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<(NativeModel, String)> {
    let loaded = py.detach(|| ironlearn_pipeline::load(&path)).py()?;
    let header = serde_json::to_string(&loaded.header).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((NativeModel { model: loaded.model }, header))
}

/// A fitted model kept inside another (a meta-estimator's member), from the
/// JSON form its parent's attributes show, so Python can hand it out.
#[pyfunction]
pub fn nested_model(saved_json: &str) -> PyResult<NativeModel> {
    let v: serde_json::Value =
        serde_json::from_str(saved_json).map_err(|e| PyValueError::new_err(format!("not JSON: {e}")))?;
    Ok(NativeModel { model: ironlearn_core::nested::load_saved_json(&v).py()? })
}

/// Every registered estimator (name, task, tags, documentation, parameters
/// with their domains), or only `kind`'s (a fit that checks its parameters
/// reads one entry, not the registry's 200 kB), as JSON.
#[pyfunction]
#[pyo3(signature = (kind=None))]
pub fn estimators(kind: Option<&str>) -> String {
    let all: Vec<serde_json::Value> = ironlearn_pipeline::registry()
        .iter()
        .filter(|e| kind.is_none_or(|k| e.name == k))
        .map(|e| e.describe())
        .collect();
    serde_json::Value::Array(all).to_string()
}

/// The tags of estimator `kind` with these parameters (some depend on them:
/// SGDClassifier gives probabilities only for some losses), as JSON.
#[pyfunction]
pub fn estimator_tags(kind: &str, params_json: &str) -> PyResult<String> {
    let params: serde_json::Map<String, serde_json::Value> = serde_json::from_str(params_json)
        .map_err(|e| PyValueError::new_err(format!("parameters are not JSON: {e}")))?;
    let estimator = ironlearn_pipeline::build(kind, &params).py()?;
    serde_json::to_string(&estimator.tags()).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn json_to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

#[pymethods]
impl NativeModel {
    #[getter]
    fn kind(&self) -> &'static str {
        self.model.kind()
    }

    #[getter]
    fn n_features_in(&self) -> usize {
        self.model.n_features_in()
    }

    #[getter]
    fn classes(&self) -> Option<Vec<String>> {
        self.model.classes().map(<[String]>::to_vec)
    }

    /// Values (float64) for a regressor, class codes (int64) for a classifier.
    fn predict<'py>(&self, py: Python<'py>, x: XInput<'py>) -> PyResult<Bound<'py, PyAny>> {
        let f = x.features();
        let p = py.detach(|| self.model.predict_data(f)).py()?;
        Ok(match p {
            Prediction::Values(v) => v.into_pyarray(py).into_any(),
            Prediction::Labels(l) => {
                l.codes().iter().map(|&c| i64::from(c)).collect::<Vec<_>>().into_pyarray(py).into_any()
            }
            Prediction::Matrix(m) => m.into_pyarray(py).into_any(),
            Prediction::Clusters(c) | Prediction::Outliers(c) => c.into_pyarray(py).into_any(),
        })
    }

    fn predict_proba<'py>(&self, py: Python<'py>, x: XInput<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let f = x.features();
        Ok(py.detach(|| self.model.predict_proba_data(f)).py()?.into_pyarray(py))
    }

    fn decision_function<'py>(&self, py: Python<'py>, x: XInput<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let f = x.features();
        Ok(py.detach(|| self.model.decision_function_data(f)).py()?.into_pyarray(py))
    }

    fn score_samples<'py>(&self, py: Python<'py>, x: XInput<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let f = x.features();
        Ok(py.detach(|| self.model.score_samples_data(f)).py()?.into_pyarray(py))
    }

    /// Distances and training-row indices of the nearest neighbours (of the training rows when `x` is None).
    #[pyo3(signature = (x=None, n_neighbors=None))]
    #[allow(clippy::type_complexity)]
    fn kneighbors<'py>(
        &self,
        py: Python<'py>,
        x: Option<XInput<'py>>,
        n_neighbors: Option<usize>,
    ) -> PyResult<(Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<i64>>)> {
        let f = x.as_ref().map(XInput::features);
        let (d, i) = py.detach(|| self.model.kneighbors_data(f, n_neighbors)).py()?;
        Ok((d.into_pyarray(py), i.mapv(|v| v as i64).into_pyarray(py)))
    }

    /// Per row, distances and indices of the training rows within `radius`, nearest first.
    #[pyo3(signature = (x=None, radius=None))]
    #[allow(clippy::type_complexity)]
    fn radius_neighbors<'py>(
        &self,
        py: Python<'py>,
        x: Option<XInput<'py>>,
        radius: Option<f64>,
    ) -> PyResult<(Vec<Bound<'py, PyArray1<f64>>>, Vec<Bound<'py, PyArray1<i64>>>)> {
        let f = x.as_ref().map(XInput::features);
        let found = py.detach(|| self.model.radius_neighbors_data(f, radius)).py()?;
        Ok(found
            .into_iter()
            .map(|(d, i)| (d.into_pyarray(py), i.into_iter().map(|v| v as i64).collect::<Vec<_>>().into_pyarray(py)))
            .unzip())
    }

    fn transform<'py>(&self, py: Python<'py>, x: XInput<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let f = x.features();
        let d = py.detach(|| self.model.transform_data(f).and_then(Data::into_dense)).py()?;
        Ok(d.into_pyarray(py))
    }

    /// Transforms into a frame, keeping text columns as text.
    fn transform_frame(&self, py: Python<'_>, x: XInput<'_>) -> PyResult<crate::frame::Frame> {
        let f = x.features();
        let d = py.detach(|| self.model.transform_data(f)).py()?;
        let table = match d {
            Data::Table(t) => t,
            Data::Dense(m) => ironlearn_core::Table::from_array(m.view(), None).py()?,
        };
        Ok(crate::frame::Frame { table })
    }

    fn feature_names_out(&self, input: Vec<String>) -> Vec<String> {
        self.model.feature_names_out(&input)
    }

    /// The model as text (a tree's rules); `options_json` holds the model's own options.
    fn text(&self, feature_names: Vec<String>, options_json: &str) -> PyResult<String> {
        let options: serde_json::Value = serde_json::from_str(options_json)
            .map_err(|e| PyValueError::new_err(format!("options are not JSON: {e}")))?;
        self.model.text(&feature_names, &options).py()
    }

    /// Learned attributes: arrays, strings, numbers and nested values.
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, a) in self.model.attributes() {
            let v = match a {
                ironlearn_core::Attribute::Array(arr) => arr.into_pyarray(py).into_any(),
                ironlearn_core::Attribute::Strings(s) => s.into_pyobject(py)?.into_any(),
                ironlearn_core::Attribute::Number(x) => x.into_pyobject(py)?.into_any(),
                ironlearn_core::Attribute::Json(j) => json_to_py(py, &j)?,
            };
            d.set_item(name, v)?;
        }
        Ok(d)
    }

    /// The model file's bytes; `header_json` may set feature names, the target and metrics.
    #[pyo3(signature = (header_json=None))]
    fn to_bytes<'py>(&self, py: Python<'py>, header_json: Option<&str>) -> PyResult<Bound<'py, PyBytes>> {
        let overrides: HeaderOverrides = match header_json {
            Some(h) => serde_json::from_str(h).map_err(|e| PyValueError::new_err(format!("bad header: {e}")))?,
            None => HeaderOverrides::default(),
        };
        let mut file = ModelFile::from_model(self.model.as_ref()).py()?;
        let n = self.model.n_features_in();
        file.header.schema = match overrides.schema {
            Some(schema) if schema.len() == n => schema,
            Some(schema) => {
                return Err(PyValueError::new_err(format!(
                    "the schema has {} fields for a model of {n} features",
                    schema.len()
                )))
            }
            None => self.default_schema(),
        };
        if let Some(names) = overrides.feature_names {
            if names.len() != n {
                return Err(PyValueError::new_err(format!(
                    "feature_names has {} names for a model of {n} features",
                    names.len()
                )));
            }
            for (field, name) in file.header.schema.fields.iter_mut().zip(names) {
                field.name = name;
            }
        }
        if let Some(t) = overrides.target {
            file.header.target = Some(t);
        }
        if let (Some(name), Some(t)) = (overrides.target_name, file.header.target.as_mut()) {
            t.name = Some(name);
        }
        file.set_metrics(overrides.metrics);
        let bytes = py.detach(|| file.to_bytes()).py()?;
        Ok(PyBytes::new(py, &bytes))
    }
}
