//! Metrics and splitters, so Python tests can hold them against scikit-learn's.

use ironlearn_metrics as m;
use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::IntoPy;

fn codes(a: &PyReadonlyArray1<'_, i64>) -> PyResult<Vec<u32>> {
    a.as_array()
        .iter()
        .map(|&c| u32::try_from(c).map_err(|_| PyValueError::new_err("class codes must be non-negative")))
        .collect()
}

fn weights(w: &Option<PyReadonlyArray1<'_, f64>>) -> Option<Vec<f64>> {
    w.as_ref().map(|w| w.as_array().to_vec())
}

#[pyfunction]
#[pyo3(signature = (y_true, y_pred, sample_weight=None))]
fn accuracy_score(
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<f64> {
    m::accuracy(&codes(&y_true)?, &codes(&y_pred)?, weights(&sample_weight).as_deref()).py()
}

/// `average`: "binary" (positive class 1), "macro", "weighted" or "micro".
#[pyfunction]
#[pyo3(signature = (y_true, y_pred, n_classes, average, sample_weight=None))]
fn precision_recall_f1(
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
    n_classes: usize,
    average: &str,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<(f64, f64, f64)> {
    let avg = match average {
        "binary" => m::Average::Binary(1),
        "macro" => m::Average::Macro,
        "weighted" => m::Average::Weighted,
        "micro" => m::Average::Micro,
        other => return Err(PyValueError::new_err(format!("unknown average '{other}'"))),
    };
    let s =
        m::precision_recall_f1(&codes(&y_true)?, &codes(&y_pred)?, n_classes, avg, weights(&sample_weight).as_deref())
            .py()?;
    Ok((s.precision, s.recall, s.f1))
}

#[pyfunction]
#[pyo3(signature = (y_true, score, sample_weight=None))]
fn roc_auc_score(
    y_true: PyReadonlyArray1<'_, i64>,
    score: PyReadonlyArray1<'_, f64>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<f64> {
    let t: Vec<bool> = y_true.as_array().iter().map(|&v| v == 1).collect();
    m::roc_auc(&t, &score.as_array().to_vec(), weights(&sample_weight).as_deref()).py()
}

#[pyfunction]
#[pyo3(signature = (y_true, proba, sample_weight=None))]
fn roc_auc_ovr(
    y_true: PyReadonlyArray1<'_, i64>,
    proba: PyReadonlyArray2<'_, f64>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<f64> {
    m::roc_auc_ovr(&codes(&y_true)?, proba.as_array(), weights(&sample_weight).as_deref()).py()
}

#[pyfunction]
#[pyo3(signature = (y_true, proba, sample_weight=None))]
fn log_loss(
    y_true: PyReadonlyArray1<'_, i64>,
    proba: PyReadonlyArray2<'_, f64>,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<f64> {
    m::log_loss(&codes(&y_true)?, proba.as_array(), weights(&sample_weight).as_deref()).py()
}

#[pyfunction]
#[pyo3(signature = (y_true, y_pred, n_classes, sample_weight=None))]
fn confusion_matrix<'py>(
    py: Python<'py>,
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
    n_classes: usize,
    sample_weight: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<Bound<'py, numpy::PyArray2<f64>>> {
    use numpy::IntoPyArray;
    Ok(m::confusion_matrix(&codes(&y_true)?, &codes(&y_pred)?, n_classes, weights(&sample_weight).as_deref())
        .py()?
        .into_pyarray(py))
}

macro_rules! regression_metric {
    ($name:ident, $f:path) => {
        #[pyfunction]
        #[pyo3(signature = (y_true, y_pred, sample_weight=None))]
        fn $name(
            y_true: PyReadonlyArray1<'_, f64>,
            y_pred: PyReadonlyArray1<'_, f64>,
            sample_weight: Option<PyReadonlyArray1<'_, f64>>,
        ) -> PyResult<f64> {
            $f(&y_true.as_array().to_vec(), &y_pred.as_array().to_vec(), weights(&sample_weight).as_deref()).py()
        }
    };
}
regression_metric!(mean_squared_error, m::mse);
regression_metric!(root_mean_squared_error, m::rmse);
regression_metric!(mean_absolute_error, m::mae);
regression_metric!(r2_score, m::r2);

#[pyfunction]
#[pyo3(signature = (n, n_splits, shuffle=false, seed=0))]
fn kfold(n: usize, n_splits: usize, shuffle: bool, seed: u64) -> PyResult<Vec<(Vec<usize>, Vec<usize>)>> {
    m::KFold { n_splits, shuffle, seed }.split(n).py()
}

#[pyfunction]
#[pyo3(signature = (y, n_splits, shuffle=false, seed=0))]
fn stratified_kfold(
    y: PyReadonlyArray1<'_, i64>,
    n_splits: usize,
    shuffle: bool,
    seed: u64,
) -> PyResult<Vec<(Vec<usize>, Vec<usize>)>> {
    m::StratifiedKFold { n_splits, shuffle, seed }.split(&codes(&y)?).py()
}

#[pyfunction]
#[pyo3(signature = (n, test_size, seed=0, stratify=None))]
fn train_test_split(
    n: usize,
    test_size: f64,
    seed: u64,
    stratify: Option<PyReadonlyArray1<'_, i64>>,
) -> PyResult<(Vec<usize>, Vec<usize>)> {
    let s = stratify.as_ref().map(codes).transpose()?;
    m::train_test_split(n, test_size, seed, s.as_deref()).py()
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(accuracy_score, module)?)?;
    module.add_function(wrap_pyfunction!(precision_recall_f1, module)?)?;
    module.add_function(wrap_pyfunction!(roc_auc_score, module)?)?;
    module.add_function(wrap_pyfunction!(roc_auc_ovr, module)?)?;
    module.add_function(wrap_pyfunction!(log_loss, module)?)?;
    module.add_function(wrap_pyfunction!(confusion_matrix, module)?)?;
    module.add_function(wrap_pyfunction!(mean_squared_error, module)?)?;
    module.add_function(wrap_pyfunction!(root_mean_squared_error, module)?)?;
    module.add_function(wrap_pyfunction!(mean_absolute_error, module)?)?;
    module.add_function(wrap_pyfunction!(r2_score, module)?)?;
    module.add_function(wrap_pyfunction!(kfold, module)?)?;
    module.add_function(wrap_pyfunction!(stratified_kfold, module)?)?;
    module.add_function(wrap_pyfunction!(train_test_split, module)?)?;
    Ok(())
}
