//! What `StackingClassifier` and `StackingRegressor` share: the members'
//! out-of-fold predictions, which train the final estimator, and the
//! stacked features built from the members' outputs.
//!
//! scikit-learn's `_BaseStacking` (`sklearn/ensemble/_stacking.py`, version
//! 1.9) is the reference: the final estimator learns from predictions each
//! member made on rows it was not fitted on (`cross_val_predict` over
//! `StratifiedKFold`/`KFold` without shuffling), so that it does not learn to
//! trust members that only memorised their training rows; the members are then
//! refitted on all rows for prediction.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{Error, Estimator, Features, Model, Result, Task, TrainData};
use ndarray::{concatenate, Array2, Axis};
use rayon::prelude::*;

use crate::n_jobs::in_pool;
use crate::sub_estimators::{build_for, codes_in, complement, context, fit_one, proba_in, values_of, Subset};

/// The method scikit-learn's `stack_method="auto"` picks for a member:
/// predict_proba, else decision_function, else predict.
pub(crate) fn resolve_method(requested: &str, est: &dyn Estimator, full: &dyn Model, x: Features<'_>) -> String {
    if requested != "auto" {
        return requested.to_string();
    }
    if est.tags().predict_proba {
        return "predict_proba".into();
    }
    let first = x.to_dense().map(|d| d.slice(ndarray::s![..1, ..]).to_owned());
    match first {
        Ok(row) if full.decision_function_data(Features::Dense(row.view())).is_ok() => "decision_function".into(),
        _ => "predict".into(),
    }
}

/// A member's output as stacked features: its probabilities (the second
/// column only for two classes), its decision function, its predicted class
/// index (classifiers) or its prediction (regressors).
pub(crate) fn member_output(
    model: &dyn Model,
    method: &str,
    x: Features<'_>,
    classes: Option<&[String]>,
) -> Result<Array2<f64>> {
    let Some(classes) = classes else {
        let v = values_of(model, x)?;
        return Ok(Array2::from_shape_vec((v.len(), 1), v).expect("one column"));
    };
    match method {
        "predict_proba" => {
            let p = proba_in(model, x, classes)?;
            Ok(if classes.len() == 2 { p.slice(ndarray::s![.., 1..]).to_owned() } else { p })
        }
        "decision_function" => model.decision_function_data(x),
        _ => {
            let codes = codes_in(model, x, classes)?;
            Ok(Array2::from_shape_fn((codes.len(), 1), |(i, _)| codes[i] as f64))
        }
    }
}

/// Each member's out-of-fold outputs: for every fold, a clone fitted on the
/// other folds predicts the fold's rows.
pub(crate) fn out_of_fold(
    kept: &[&EstimatorSpec],
    task: Task,
    methods: &[String],
    data: &TrainData<'_>,
    folds: &[Vec<usize>],
    classes: Option<&[String]>,
    n_jobs: Option<i64>,
) -> Result<Vec<Array2<f64>>> {
    let n = data.n_rows();
    let estimators = kept.iter().map(|s| build_for(s, task)).collect::<Result<Vec<_>>>()?;
    let x = data.dense()?;
    let jobs: Vec<(usize, usize)> = (0..kept.len()).flat_map(|m| (0..folds.len()).map(move |f| (m, f))).collect();
    let parts = in_pool(n_jobs, || {
        jobs.par_iter()
            .map(|&(m, f)| {
                let name = kept[m].display_name();
                let train = Subset::of(data, &complement(n, &folds[f]))?;
                let model = fit_one(estimators[m].as_ref(), name, &train.data())?;
                let test = x.select(Axis(0), &folds[f]);
                member_output(&*model, &methods[m], Features::Dense(test.view()), classes).map_err(|e| context(name, e))
            })
            .collect::<Result<Vec<_>>>()
    })??;
    let mut out = Vec::with_capacity(kept.len());
    for m in 0..kept.len() {
        let width = parts[m * folds.len()].ncols();
        let mut full = Array2::zeros((n, width));
        for (f, rows) in folds.iter().enumerate() {
            let p = &parts[m * folds.len() + f];
            if p.ncols() != width {
                return Err(Error::InvalidValue(format!(
                    "estimator '{}': its {} gives {} columns on one fold and {width} on another \
                     (a class missing from a training fold?)",
                    kept[m].display_name(),
                    methods[m],
                    p.ncols()
                )));
            }
            for (k, &r) in rows.iter().enumerate() {
                full.row_mut(r).assign(&p.row(k));
            }
        }
        out.push(full);
    }
    Ok(out)
}

/// The members' outputs side by side, then `x` when passed through.
pub(crate) fn stack(outputs: &[Array2<f64>], x: Option<Features<'_>>) -> Result<Array2<f64>> {
    let dense = x.map(|x| x.to_dense()).transpose()?;
    let mut views: Vec<_> = outputs.iter().map(|o| o.view()).collect();
    if let Some(d) = &dense {
        views.push(d.view());
    }
    concatenate(Axis(1), &views).map_err(|e| Error::Shape(format!("cannot stack the members' outputs: {e}")))
}
