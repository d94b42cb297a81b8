//! What `BaggingClassifier` and `BaggingRegressor` share: drawing each
//! member's rows and features, fitting the members, and asking them.
//!
//! scikit-learn's `BaseBagging` (`sklearn/ensemble/_bagging.py`, version
//! 1.9) is the reference: a member that takes sample weights is fitted on all
//! rows with the number of times each was drawn as its weight (rows drawn in
//! proportion to the given sample weights), one that does not is fitted on
//! the drawn rows themselves; either sees only its own columns. Member `i`
//! draws from its own stream, forked from `random_state` by its index, and
//! gets its own `random_state` from it, so the ensemble does not depend on how
//! many threads fit it. The draws are not numpy's, so the members differ from
//! scikit-learn's; the procedure is the same.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{Error, Estimator, Features, FitContext, Result, Rng, SubModel, Task, TrainData};
use ndarray::{Axis, CowArray, Ix2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::n_jobs::in_pool;
use crate::sub_estimators::{build_for, context, Subset};

/// scikit-learn's `max_samples` / `max_features` of a bagging ensemble: a
/// count, or a fraction in (0, 1] of the rows (of the total sample weight,
/// when weighted) or of the columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BaggingDraw {
    /// This many.
    Count(usize),
    /// This fraction (at least one).
    Fraction(f64),
}

/// The parameters both bagging ensembles share, as one view.
pub(crate) struct BagConfig<'a> {
    pub estimator: &'a Option<EstimatorSpec>,
    /// scikit-learn's default member when `estimator` is None.
    pub default: &'static str,
    pub task: Task,
    pub n_estimators: usize,
    pub max_samples: &'a Option<BaggingDraw>,
    pub max_features: &'a BaggingDraw,
    pub bootstrap: bool,
    pub bootstrap_features: bool,
    pub oob_score: bool,
    pub random_state: u64,
    pub n_jobs: Option<i64>,
}

/// One fitted member.
pub(crate) struct Bag {
    pub model: SubModel,
    /// The columns it sees, in its order (`estimators_features_`).
    pub features: Vec<usize>,
    /// The rows it was drawn, with repeats (`estimators_samples_`).
    pub rows: Vec<usize>,
}

/// What was resolved from the parameters and the data.
pub(crate) struct Plan {
    pub n_samples: usize,
    pub n_features: usize,
    /// Whether a member takes sample weights (then it is fitted on weights).
    pub weighted_member: bool,
    /// Whether a member gives probabilities (else a classifier's members vote).
    pub member_proba: bool,
}

fn check_draw(name: &str, d: &BaggingDraw) -> Result<()> {
    match *d {
        BaggingDraw::Count(0) => Err(Error::param(name, "must be an int >= 1 or a float in (0, 1]; got 0")),
        BaggingDraw::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
            Err(Error::param(name, format!("must be an int >= 1 or a float in (0, 1]; got {f}")))
        }
        _ => Ok(()),
    }
}

impl BagConfig<'_> {
    pub(crate) fn spec(&self) -> EstimatorSpec {
        self.estimator.clone().unwrap_or_else(|| EstimatorSpec::new(self.default))
    }

    /// The member estimator with `random_state` set, when it has one.
    fn member(&self, seed: Option<u64>) -> Result<Box<dyn Estimator>> {
        let spec = self.spec();
        let est = build_for(&spec, self.task)?;
        match seed {
            Some(s) if est.params_json().get("random_state").is_some() => {
                est.with_params(&Map::from_iter([("random_state".to_string(), Value::from(s))]))
            }
            _ => Ok(est),
        }
    }

    /// Rows and features per member, as scikit-learn resolves them.
    fn sizes(&self, n: usize, p: usize, weight: Option<&[f64]>) -> Result<(usize, usize)> {
        if let Some(d) = self.max_samples {
            check_draw("max_samples", d)?;
        }
        check_draw("max_features", self.max_features)?;
        let rows = match *self.max_samples {
            None => n,
            Some(BaggingDraw::Count(c)) => c,
            Some(BaggingDraw::Fraction(f)) => {
                let total = weight.map_or(n as f64, |w| w.iter().sum());
                ((f * total) as usize).max(1)
            }
        };
        if !self.bootstrap && rows > n {
            return Err(Error::param(
                "max_samples",
                format!(
                    "Effective max_samples={rows} must be <= n_samples={n} to be able to sample without replacement."
                ),
            ));
        }
        let cols = match *self.max_features {
            BaggingDraw::Count(c) => c,
            BaggingDraw::Fraction(f) => (f * p as f64) as usize,
        };
        if cols > p {
            return Err(Error::param("max_features", format!("max_features must be <= n_features; got {cols} > {p}")));
        }
        if self.oob_score && !self.bootstrap {
            return Err(Error::param("oob_score", "Out of bag estimation only available if bootstrap=True"));
        }
        Ok((rows, cols.max(1)))
    }
}

/// `k` of `0..n`, with or without replacement.
fn draw_uniform(rng: &mut Rng, n: usize, k: usize, replace: bool) -> Vec<usize> {
    if replace {
        return (0..k).map(|_| rng.below(n)).collect();
    }
    // A partial Fisher–Yates shuffle: the first k of a random permutation.
    let mut pool: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = i + rng.below(n - i);
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool
}

/// `k` rows drawn in proportion to `w`, with or without replacement.
fn draw_weighted(rng: &mut Rng, w: &[f64], k: usize, replace: bool) -> Vec<usize> {
    // The last row with weight, where rounding puts a draw past the end.
    let last = w.iter().rposition(|&v| v > 0.0).unwrap_or(0);
    if replace {
        let cumulative: Vec<f64> = w
            .iter()
            .scan(0.0, |acc, &v| {
                *acc += v;
                Some(*acc)
            })
            .collect();
        let total = cumulative.last().copied().unwrap_or(0.0);
        return (0..k)
            .map(|_| {
                let u = rng.uniform() * total;
                cumulative.partition_point(|&c| c <= u).min(last)
            })
            .collect();
    }
    // Without replacement: each draw removes its row (k is at most the number of rows).
    let mut w = w.to_vec();
    let mut out = Vec::with_capacity(k);
    for _ in 0..k {
        let total: f64 = w.iter().sum();
        let u = rng.uniform() * total;
        let mut acc = 0.0;
        let mut pick = w.iter().rposition(|&v| v > 0.0).unwrap_or(0);
        for (i, &v) in w.iter().enumerate() {
            acc += v;
            if u < acc && v > 0.0 {
                pick = i;
                break;
            }
        }
        out.push(pick);
        w[pick] = 0.0;
    }
    out
}

/// Member `i`'s `random_state`, columns and rows.
pub(crate) fn draw(
    cfg: &BagConfig<'_>,
    i: usize,
    (n, p): (usize, usize),
    (rows, cols): (usize, usize),
    weight: Option<&[f64]>,
) -> (u64, Vec<usize>, Vec<usize>) {
    let mut rng = Rng::new(cfg.random_state).fork(i as u64);
    // scikit-learn's seeds are below 2**31.
    let seed = rng.next_u64() >> 33;
    let features = draw_uniform(&mut rng, p, cols, cfg.bootstrap_features);
    let samples = match weight {
        None => draw_uniform(&mut rng, n, rows, cfg.bootstrap),
        Some(w) => draw_weighted(&mut rng, w, rows, cfg.bootstrap),
    };
    (seed, features, samples)
}

/// How often each row was drawn.
pub(crate) fn counts(n: usize, rows: &[usize]) -> Vec<f64> {
    let mut c = vec![0.0; n];
    rows.iter().for_each(|&i| c[i] += 1.0);
    c
}

/// Checks that `x` has the `n_features` columns `estimator` was fitted on.
pub(crate) fn check_width(x: Features<'_>, n_features: usize, estimator: &str) -> Result<()> {
    if x.n_cols() != n_features {
        return Err(Error::Shape(format!(
            "X has {} features, but {estimator} is expecting {n_features} features as input",
            x.n_cols()
        )));
    }
    Ok(())
}

/// X as every member reads it: dense and finite, as at fit (see
/// `check_finite_input`; a bad cell is named in the whole X). Checked once
/// per call, not once per member.
pub(crate) fn member_input<'a>(x: Features<'a>) -> Result<CowArray<'a, f64, Ix2>> {
    let x = x.to_dense()?;
    ironlearn_core::validate::check_finite(x.view(), "X")?;
    Ok(x)
}

/// Fits every member (in parallel, each from its own stream).
pub(crate) fn fit_bags(cfg: &BagConfig<'_>, data: &TrainData<'_>) -> Result<(Vec<Bag>, Plan)> {
    let (n, p) = (data.n_rows(), data.x.n_cols());
    let x = data.dense()?;
    ironlearn_core::validate::check_not_empty(x.view())?;
    let sizes = cfg.sizes(n, p, data.weight)?;
    let probe = cfg.member(None)?;
    let tags = probe.tags();
    let plan =
        Plan { n_samples: n, n_features: p, weighted_member: tags.sample_weight, member_proba: tags.predict_proba };
    let name = cfg.spec().display_name().to_string();
    let fit = |i: usize| -> Result<Bag> {
        let (seed, features, rows) = draw(cfg, i, (n, p), sizes, data.weight);
        let est = cfg.member(Some(seed))?;
        let model = if plan.weighted_member {
            let xf = x.select(Axis(1), &features);
            let w = counts(n, &rows);
            let sub = TrainData { x: Features::Dense(xf.view()), weight: Some(&w), ..*data };
            est.fit_with(&sub, &mut FitContext::default())
        } else {
            let sub = Subset::cols(data, &rows, &features)?;
            let sub = Subset { weight: None, ..sub };
            est.fit_with(&sub.data(), &mut FitContext::default())
        }
        .map_err(|e| context(&name, e))?;
        Ok(Bag { model: SubModel::new(model), features, rows })
    };
    let bags = in_pool(cfg.n_jobs, || (0..cfg.n_estimators).into_par_iter().map(fit).collect::<Result<Vec<_>>>())??;
    Ok((bags, plan))
}

/// The rows member `bag` did not see.
pub(crate) fn out_of_bag(n: usize, bag: &Bag) -> Vec<usize> {
    let mut seen = vec![false; n];
    bag.rows.iter().for_each(|&i| seen[i] = true);
    (0..n).filter(|&i| !seen[i]).collect()
}
