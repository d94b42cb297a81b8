//! Cross-validated elastic net, shared by `LassoCV` and `ElasticNetCV`.
//!
//! Choosing the penalty by held-out error needs a whole regularisation path
//! per fold; warm-starting each penalty from the last along
//! [`enet_path`](super::coordinate_descent::enet_path) makes the path cost
//! about as much as one hard fit. Every step is scikit-learn's
//! `LinearModelCV.fit`: one alpha grid per `l1_ratio` from the full data,
//! each fold centred on its own training rows (weights rescaled to sum to its
//! size), the mean squared error on the test rows (weighted, when weighted),
//! the unweighted mean over folds, the first minimum, and a refit on all rows
//! with the chosen penalty, so `alpha_`, `mse_path_` and `coef_` agree.
//! Folds (and `l1_ratio`s) run in parallel; each is computed alone, so the
//! result does not depend on `n_jobs`.

use ironlearn_core::validate::{check_fit_input, check_sample_weight, check_target};
use ironlearn_core::{bail, ensure, Result};
use ndarray::{Array1, ArrayD, ArrayView2, Axis, IxDyn};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::center::center;
use super::coordinate_descent::{alpha_grid, enet_path, fit_enet, CdSettings, EnetFit, EnetSpec, Problem};
use crate::n_jobs::in_pool;
use ironlearn_metrics::KFold;

/// scikit-learn's `alphas` of the cross-validated linear models: the number
/// of penalties on an automatic grid, or the penalties themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Alphas {
    /// This many penalties, from the smallest that zeroes every coefficient
    /// down to `eps` times it, evenly on a log scale.
    Count(usize),
    /// These penalties (tried largest first).
    List(Vec<f64>),
}

/// scikit-learn's `l1_ratio` of `ElasticNetCV`: one L1 share or several to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum L1Ratio {
    One(f64),
    Many(Vec<f64>),
}

impl L1Ratio {
    pub(crate) fn values(&self) -> Vec<f64> {
        match self {
            L1Ratio::One(r) => vec![*r],
            L1Ratio::Many(v) => v.clone(),
        }
    }
}

/// Whether `alphas` lies in scikit-learn's domain (an integer >= 1, or a non-empty list).
pub(crate) fn alphas_ok(a: &Alphas) -> bool {
    match a {
        Alphas::Count(k) => *k >= 1,
        Alphas::List(v) => !v.is_empty(),
    }
}

/// The cross-validated problem as the estimators state it.
#[derive(Debug, Clone)]
pub(crate) struct CvSpec<'s> {
    pub l1_ratios: Vec<f64>,
    pub alphas: &'s Alphas,
    pub eps: f64,
    pub cv: usize,
    pub fit_intercept: bool,
    pub settings: CdSettings,
    pub selection: &'s str,
    pub random_state: u64,
    pub n_jobs: Option<i64>,
}

/// The outcome: the chosen penalty, the grid and errors, and the refit model.
pub(crate) struct CvFit {
    pub alpha: f64,
    pub l1_ratio: f64,
    /// scikit-learn's `alphas_`: `(n_alphas,)`, or `(n_l1_ratio, n_alphas)` for an
    /// automatic grid and several `l1_ratio`s.
    pub alphas: ArrayD<f64>,
    /// scikit-learn's `mse_path_`: `(n_l1_ratio, n_alphas, n_folds)` with axes of length 1 dropped.
    pub mse_path: ArrayD<f64>,
    pub fit: EnetFit,
}

/// Weights rescaled to sum to their count (scikit-learn's convention for the elastic net).
fn rescaled(w: &[f64]) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    w.iter().map(|v| v * (w.len() as f64 / total)).collect()
}

/// The mean squared test error of each penalty of the path fitted on `train`.
#[allow(clippy::too_many_arguments)]
fn path_mse(
    x: ArrayView2<'_, f64>,
    y: &[f64],
    w: Option<&[f64]>,
    train: &[usize],
    test: &[usize],
    alphas: &[f64],
    l1_ratio: f64,
    spec: &CvSpec<'_>,
) -> Vec<f64> {
    let x_train = x.select(Axis(0), train);
    let y_train: Vec<f64> = train.iter().map(|&i| y[i]).collect();
    let w_train: Option<Vec<f64>> = w.map(|w| rescaled(&train.iter().map(|&i| w[i]).collect::<Vec<_>>()));
    let c = center(x_train.view(), &y_train, w_train.as_deref(), spec.fit_intercept);
    let mut problem = Problem::auto(&c);
    let path = enet_path(&mut problem, alphas, l1_ratio, &spec.settings, spec.random_state);
    path.iter()
        .map(|(_, coef, _)| {
            let coef = Array1::from(coef.clone());
            let intercept = c.y_mean - c.x_mean.dot(&coef);
            let (mut num, mut den) = (0.0, 0.0);
            for &i in test {
                let r = x.row(i).dot(&coef) + intercept - y[i];
                let wi = w.map_or(1.0, |w| w[i]);
                num += wi * r * r;
                den += wi;
            }
            num / den
        })
        .collect()
}

/// numpy's `squeeze`: drops every axis of length 1.
fn squeeze(a: ArrayD<f64>) -> ArrayD<f64> {
    let shape: Vec<usize> = a.shape().iter().copied().filter(|&d| d != 1).collect();
    let data: Vec<f64> = a.iter().copied().collect();
    ArrayD::from_shape_vec(IxDyn(&shape), data).expect("same number of elements")
}

/// Checks the input, cross-validates the penalty and refits, as scikit-learn's `LinearModelCV.fit`.
pub(crate) fn fit_cv(x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>, spec: &CvSpec<'_>) -> Result<CvFit> {
    check_fit_input(x, y.len())?;
    check_target(y)?;
    check_sample_weight(w, y.len())?;
    let mut settings = spec.settings.clone();
    settings.random = match spec.selection {
        "cyclic" => false,
        "random" => true,
        other => bail!(InvalidValue, "selection should be either random or cyclic, got '{other}'"),
    };
    let spec = &CvSpec { settings, ..spec.clone() };
    let n = x.nrows();
    ensure!(!spec.l1_ratios.is_empty(), InvalidValue, "l1_ratio must hold at least one value");
    for (i, r) in spec.l1_ratios.iter().enumerate() {
        ensure!((0.0..=1.0).contains(r), InvalidValue, "l1_ratio[{i}] == {r}, must be in [0, 1]");
    }
    let grids: Vec<Vec<f64>> = match spec.alphas {
        Alphas::Count(k) => {
            ensure!(*k >= 1, InvalidValue, "The 'alphas' parameter must be an int >= 1 or an array-like, got {k}");
            let w_all = w.map(rescaled);
            let c = center(x, y, w_all.as_deref(), spec.fit_intercept);
            let problem = Problem::auto(&c);
            spec.l1_ratios
                .iter()
                .map(|&r| {
                    ensure!(
                        r != 0.0,
                        InvalidValue,
                        "Automatic alpha grid generation is not supported for l1_ratio=0. Please supply a grid by \
                         providing your estimator with the appropriate `alphas=` argument."
                    );
                    Ok(alpha_grid(&problem, r, spec.settings.positive, spec.eps, *k))
                })
                .collect::<Result<_>>()?
        }
        Alphas::List(list) => {
            ensure!(!list.is_empty(), InvalidValue, "alphas must hold at least one value");
            for (i, a) in list.iter().enumerate() {
                ensure!(a.is_finite() && *a >= 0.0, InvalidValue, "alphas[{i}] == {a}, must be >= 0.0.");
            }
            let mut sorted = list.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            vec![sorted; spec.l1_ratios.len()]
        }
    };
    let folds = KFold::new(spec.cv).split(n)?;
    let jobs: Vec<(usize, usize)> =
        (0..spec.l1_ratios.len()).flat_map(|l| (0..folds.len()).map(move |f| (l, f))).collect();
    let mse: Vec<Vec<f64>> = in_pool(spec.n_jobs, || {
        jobs.par_iter()
            .map(|&(l, f)| path_mse(x, y, w, &folds[f].0, &folds[f].1, &grids[l], spec.l1_ratios[l], spec))
            .collect()
    })?;
    let (n_l1, n_folds, n_alphas) = (spec.l1_ratios.len(), folds.len(), grids[0].len());
    // (n_l1, n_alphas, n_folds), as scikit-learn's `np.moveaxis(mse_paths, 2, 1)`.
    let path = ArrayD::from_shape_fn(IxDyn(&[n_l1, n_alphas, n_folds]), |ix| mse[ix[0] * n_folds + ix[2]][ix[1]]);
    let (mut best_mse, mut best_alpha, mut best_l1) = (f64::INFINITY, grids[0][0], spec.l1_ratios[0]);
    for l in 0..n_l1 {
        let mean: Vec<f64> = (0..n_alphas)
            .map(|a| (0..n_folds).map(|f| mse[l * n_folds + f][a]).sum::<f64>() / n_folds as f64)
            .collect();
        // The first minimum, as `np.argmin`.
        let mut i_best = 0;
        for (a, &m) in mean.iter().enumerate() {
            if m < mean[i_best] {
                i_best = a;
            }
        }
        if mean[i_best] < best_mse {
            (best_mse, best_alpha, best_l1) = (mean[i_best], grids[l][i_best], spec.l1_ratios[l]);
        }
    }
    let alphas = match spec.alphas {
        Alphas::Count(_) if n_l1 > 1 => ArrayD::from_shape_fn(IxDyn(&[n_l1, n_alphas]), |ix| grids[ix[0]][ix[1]]),
        _ => ArrayD::from_shape_vec(IxDyn(&[n_alphas]), grids[0].clone()).expect("one row"),
    };
    let refit = EnetSpec {
        alpha: best_alpha,
        l1_ratio: best_l1,
        fit_intercept: spec.fit_intercept,
        settings: spec.settings.clone(),
        selection: spec.selection,
        random_state: spec.random_state,
    };
    let fit = fit_enet(x, y, w, &refit)?;
    Ok(CvFit { alpha: best_alpha, l1_ratio: best_l1, alphas, mse_path: squeeze(path), fit })
}
