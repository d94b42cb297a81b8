//! Fitting and asking the estimators a meta-estimator wraps.
//!
//! Voting, stacking, bagging, calibration and one-vs-rest all fit estimators
//! they know only as specs and then read their outputs in their own class
//! order; the rules for that (tasks checked, `drop` skipped, fits in
//! parallel but in a fixed order, probability columns aligned by label) are
//! written once here.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    Error, Estimator, Features, FitContext, Labels, Model, Prediction, Result, SubModel, Target, Task, TrainData,
};
use ndarray::{Array2, Axis};
use rayon::prelude::*;

/// Builds `spec`'s estimator and checks that it does `task`.
pub(crate) fn build_for(spec: &EstimatorSpec, task: Task) -> Result<Box<dyn Estimator>> {
    let est = spec.build()?;
    match est.task() {
        Some(t) if t != task => Err(Error::param(
            spec.display_name(),
            format!("'{}' is a {t} estimator; this needs a {task} estimator", spec.kind),
        )),
        _ => Ok(est),
    }
}

/// Fits one estimator on `data`.
pub(crate) fn fit_one(est: &dyn Estimator, name: &str, data: &TrainData<'_>) -> Result<SubModel> {
    let model = est.fit_with(data, &mut FitContext::default()).map_err(|e| context(name, e))?;
    Ok(SubModel::new(model))
}

/// An error of the wrapped estimator `name`, saying which one it is.
pub(crate) fn context(name: &str, e: Error) -> Error {
    match e {
        Error::Shape(m) => Error::Shape(format!("estimator '{name}': {m}")),
        Error::Unsupported(m) => Error::Unsupported(format!("estimator '{name}': {m}")),
        Error::InvalidValue(m) => Error::InvalidValue(format!("estimator '{name}': {m}")),
        Error::Empty(m) => Error::Empty(format!("estimator '{name}': {m}")),
        Error::Param { name: p, message } => Error::param(format!("{name}__{p}"), message),
        other => other,
    }
}

/// Fits every estimator of `list` but the dropped ones, in parallel, in list order.
pub(crate) fn fit_named(
    list: &[EstimatorSpec],
    task: Task,
    data: &TrainData<'_>,
    n_jobs: Option<i64>,
) -> Result<Vec<(String, SubModel)>> {
    ironlearn_core::nested::check_named("estimators", list)?;
    let kept: Vec<(&EstimatorSpec, Box<dyn Estimator>)> =
        list.iter().filter(|s| !s.is_drop()).map(|s| Ok((s, build_for(s, task)?))).collect::<Result<_>>()?;
    crate::n_jobs::in_pool(n_jobs, || {
        kept.par_iter()
            .map(|(s, est)| Ok((s.display_name().to_string(), fit_one(est.as_ref(), s.display_name(), data)?)))
            .collect::<Result<Vec<_>>>()
    })?
}

/// `model`'s class probabilities with columns in the order of `classes`
/// (a class the model never saw gets probability 0).
pub(crate) fn proba_in(model: &dyn Model, x: Features<'_>, classes: &[String]) -> Result<Array2<f64>> {
    let p = model.predict_proba_data(x)?;
    let own = model.classes().unwrap_or_default();
    if own == classes {
        return Ok(p);
    }
    let mut out = Array2::zeros((p.nrows(), classes.len()));
    for (j, c) in own.iter().enumerate() {
        let k = classes.iter().position(|k| k == c).ok_or_else(|| {
            Error::InvalidValue(format!("a wrapped model predicts class '{c}', which was not in training"))
        })?;
        out.column_mut(k).assign(&p.column(j));
    }
    Ok(out)
}

/// `model`'s predicted classes as indices into `classes`.
pub(crate) fn codes_in(model: &dyn Model, x: Features<'_>, classes: &[String]) -> Result<Vec<usize>> {
    let Prediction::Labels(p) = model.predict_data(x)? else {
        return Err(Error::InvalidValue(format!("'{}' did not predict class labels", model.kind())));
    };
    let map: Vec<Option<usize>> = p.classes().iter().map(|c| classes.iter().position(|k| k == c)).collect();
    p.codes()
        .iter()
        .map(|&c| {
            map[c as usize].ok_or_else(|| {
                let class = &p.classes()[c as usize];
                Error::InvalidValue(format!("a wrapped model predicts class '{class}', which was not in training"))
            })
        })
        .collect()
}

/// `model`'s numeric predictions (a regressor's values).
pub(crate) fn values_of(model: &dyn Model, x: Features<'_>) -> Result<Vec<f64>> {
    match model.predict_data(x)? {
        Prediction::Values(v) => Ok(v.to_vec()),
        _ => Err(Error::InvalidValue(format!("'{}' did not predict numbers", model.kind()))),
    }
}

/// Labels from class indices.
pub(crate) fn labels(classes: &[String], codes: impl IntoIterator<Item = usize>) -> Result<Prediction> {
    Ok(Prediction::Labels(Labels::new(classes.to_vec(), codes.into_iter().map(|c| c as u32).collect())?))
}

/// The weighted average of matrices (numpy's `average(axis=0, weights=w)`).
pub(crate) fn average(mats: &[Array2<f64>], weights: Option<&[f64]>) -> Array2<f64> {
    let total: f64 = weights.map_or(mats.len() as f64, |w| w.iter().sum());
    let mut out = Array2::zeros(mats[0].dim());
    for (i, m) in mats.iter().enumerate() {
        out.scaled_add(weights.map_or(1.0, |w| w[i]) / total, m);
    }
    out
}

/// Checks scikit-learn's `weights`: one per kept estimator, finite and non-negative.
pub(crate) fn check_weights(weights: Option<&[f64]>, kept: usize) -> Result<()> {
    let Some(w) = weights else { return Ok(()) };
    if w.len() != kept {
        return Err(Error::param(
            "weights",
            format!("Number of `estimators` and weights must be equal; got {} weights, {kept} estimators", w.len()),
        ));
    }
    if !w.iter().all(|v| v.is_finite() && *v >= 0.0) {
        return Err(Error::param("weights", "must be finite and >= 0"));
    }
    Ok(())
}

/// Rows `rows` of the features and target, as owned data. Class labels keep
/// only the classes present in these rows, as a scikit-learn estimator fitted
/// on them would see them.
pub(crate) struct Subset {
    pub x: Array2<f64>,
    pub y: Option<Target>,
    pub weight: Option<Vec<f64>>,
}

impl Subset {
    /// Rows `rows` (repeats allowed), all columns.
    pub(crate) fn of(data: &TrainData<'_>, rows: &[usize]) -> Result<Subset> {
        let x = data.dense()?.select(Axis(0), rows);
        Ok(Subset::with_x(data, x, rows))
    }

    /// Rows `rows` and columns `cols`.
    pub(crate) fn cols(data: &TrainData<'_>, rows: &[usize], cols: &[usize]) -> Result<Subset> {
        let x = data.dense()?.select(Axis(0), rows).select(Axis(1), cols);
        Ok(Subset::with_x(data, x, rows))
    }

    fn with_x(data: &TrainData<'_>, x: Array2<f64>, rows: &[usize]) -> Subset {
        let y = data.y.map(|y| match y {
            Target::Labels(l) => Target::Labels(Labels::from_strings(&l.take(rows).to_strings())),
            other => other.take(rows),
        });
        Subset { x, y, weight: data.weight.map(|w| rows.iter().map(|&i| w[i]).collect()) }
    }

    pub(crate) fn data(&self) -> TrainData<'_> {
        TrainData {
            y: self.y.as_ref(),
            weight: self.weight.as_deref(),
            ..TrainData::new(Features::Dense(self.x.view()))
        }
    }
}

/// The test rows of each fold of scikit-learn's `KFold(n_splits)` (not shuffled).
pub(crate) fn kfold(n: usize, n_splits: usize) -> Result<Vec<Vec<usize>>> {
    Ok(ironlearn_metrics::KFold::new(n_splits).split(n)?.into_iter().map(|(_, test)| test).collect())
}

/// The test rows of each fold of scikit-learn's `StratifiedKFold(n_splits)` (not shuffled).
pub(crate) fn stratified_kfold(labels: &Labels, n_splits: usize) -> Result<Vec<Vec<usize>>> {
    Ok(ironlearn_metrics::StratifiedKFold::new(n_splits)
        .split(labels.codes())?
        .into_iter()
        .map(|(_, test)| test)
        .collect())
}

/// The rows not in `test`.
pub(crate) fn complement(n: usize, test: &[usize]) -> Vec<usize> {
    let mut keep = vec![true; n];
    test.iter().for_each(|&i| keep[i] = false);
    (0..n).filter(|&i| keep[i]).collect()
}

/// Meta-estimators take finite input whatever their members could take
/// (their tags are declared once, not per member): NaN or infinity is an
/// error naming the cell, before any member is fitted.
pub(crate) fn check_finite_input(data: &TrainData<'_>) -> Result<()> {
    match data.x {
        Features::Sparse(_) => Ok(()),
        _ => ironlearn_core::validate::check_finite(data.dense()?.view(), "X"),
    }
}
