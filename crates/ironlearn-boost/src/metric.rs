//! Validation metrics reported each boosting round, with LightGBM's names.
//!
//! Every metric is LightGBM 4.7.0's (`src/metric/*.hpp`), value for value, so
//! that early stopping picks the same round. As there, a loss of one score
//! per row and the multiclass metrics read the objective's outputs (its
//! `ConvertOutput`: probabilities, `exp` of a Poisson score), and a custom
//! objective's metrics read its raw scores; the metrics of order (AUC,
//! average precision, AUC-mu, NDCG) read raw scores.

mod order;

use ironlearn_core::{bail, Error, Result};

use crate::objective::{Builtin, Objective, Transform};
use crate::Gbdt;

/// LightGBM's `kEpsilon`, the floor of a probability inside a logarithm.
const EPSILON: f64 = 1e-15;

/// A loss of one row's prediction `p` against its label `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    L2,
    /// The square root of the mean L2.
    Rmse,
    L1,
    Huber(f64),
    Quantile(f64),
    Fair(f64),
    Mape,
    Poisson,
    Gamma,
    /// Twice the weighted sum (not mean) of the unit gamma deviance, as LightGBM reports it.
    GammaDeviance,
    Tweedie(f64),
    BinaryLogloss,
    BinaryError,
    CrossEntropy,
    /// Cross-entropy minus the labels' own entropy.
    KullbackLeibler,
}

/// What a multiclass metric scores of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MultiLoss {
    Logloss,
    /// Wrong unless the true class is among the `top_k` highest outputs (ties count against it).
    Error {
        top_k: usize,
    },
}

/// A validation metric, with the parameters and the objective output it reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// A loss of each row's output, weighted mean over rows.
    Pointwise(Loss, Transform),
    /// The coefficient of determination of the outputs.
    R2(Transform),
    Auc,
    AveragePrecision,
    /// multi_logloss of the softmax of the scores: the multiclass objective's output.
    MultiLogloss,
    /// multi_error (top 1) of the softmax of the scores.
    MultiError,
    /// multi_logloss or multi_error@k of other outputs: one-vs-all sigmoids,
    /// a custom objective's raw scores, or the top k.
    Multiclass(MultiLoss, Transform),
    /// AUC-mu (Kleiman and Page, 2019): the separation of every pair of
    /// classes, with the flattened k x k cost matrix (empty: 1 for every pair).
    AucMu(Vec<f64>),
    Ndcg(usize),
}

/// The rows a metric is evaluated on.
#[derive(Debug)]
pub struct EvalData<'a> {
    pub labels: &'a [f64],
    pub weights: Option<&'a [f64]>,
    pub boundaries: Option<&'a [usize]>,
    pub label_gain: &'a [f64],
}

/// What the parameters and the objective say about every metric.
struct Settings<'a> {
    alpha: f64,
    fair_c: f64,
    rho: f64,
    top_k: usize,
    auc_mu_weights: &'a [f64],
    eval_at: &'a [usize],
    /// How metrics of one score per row, and of one score per class, read the scores.
    single: Transform,
    multi: Transform,
}

impl Loss {
    pub fn name(&self) -> &'static str {
        match self {
            Loss::L2 => "l2",
            Loss::Rmse => "rmse",
            Loss::L1 => "l1",
            Loss::Huber(_) => "huber",
            Loss::Quantile(_) => "quantile",
            Loss::Fair(_) => "fair",
            Loss::Mape => "mape",
            Loss::Poisson => "poisson",
            Loss::Gamma => "gamma",
            Loss::GammaDeviance => "gamma_deviance",
            Loss::Tweedie(_) => "tweedie",
            Loss::BinaryLogloss => "binary_logloss",
            Loss::BinaryError => "binary_error",
            Loss::CrossEntropy => "cross_entropy",
            Loss::KullbackLeibler => "kullback_leibler",
        }
    }

    /// LightGBM's `LossOnPoint`.
    fn on_point(&self, y: f64, p: f64) -> f64 {
        // LightGBM's floor of a Poisson or Tweedie mean: the f32 literal 1e-10f.
        let floor = |p: f64| if p < f64::from(1e-10f32) { f64::from(1e-10f32) } else { p };
        match *self {
            Loss::L2 | Loss::Rmse => (p - y) * (p - y),
            Loss::L1 => (p - y).abs(),
            Loss::Huber(a) => {
                let d = p - y;
                if d.abs() <= a {
                    0.5 * d * d
                } else {
                    a * (d.abs() - 0.5 * a)
                }
            }
            Loss::Quantile(a) => {
                let d = y - p;
                if d < 0.0 {
                    (a - 1.0) * d
                } else {
                    a * d
                }
            }
            Loss::Fair(c) => {
                let x = (p - y).abs();
                c * x - c * c * (x / c).ln_1p()
            }
            Loss::Mape => (y - p).abs() / y.abs().max(1.0),
            Loss::Poisson => {
                let p = floor(p);
                p - y * p.ln()
            }
            Loss::Gamma => {
                // LightGBM's general form with psi = 1. Its constant term, ln y - ln y,
                // is not 0: the second logarithm is taken in f32, the label's type.
                let theta = -1.0 / p;
                let b = -safe_log(-theta);
                let ln_f32 = if y > 0.0 { f64::from((y as f32).ln()) } else { f64::NEG_INFINITY };
                let c = safe_log(y) - ln_f32;
                -((y * theta - b) + c)
            }
            Loss::GammaDeviance => {
                let t = y / (p + 1e-9);
                t - safe_log(t) - 1.0
            }
            Loss::Tweedie(rho) => {
                let p = floor(p);
                let a = y * ((1.0 - rho) * p.ln()).exp() / (1.0 - rho);
                let b = ((2.0 - rho) * p.ln()).exp() / (2.0 - rho);
                -a + b
            }
            Loss::BinaryLogloss => {
                if y <= 0.0 && 1.0 - p > EPSILON {
                    -(1.0 - p).ln()
                } else if y > 0.0 && p > EPSILON {
                    -p.ln()
                } else {
                    -EPSILON.ln()
                }
            }
            Loss::BinaryError => f64::from(u8::from(if p <= 0.5 { y > 0.0 } else { y <= 0.0 })),
            Loss::CrossEntropy | Loss::KullbackLeibler => xent(y, p),
        }
    }
}

/// LightGBM's `SafeLog`: `-inf` at and below 0.
fn safe_log(x: f64) -> f64 {
    if x > 0.0 {
        x.ln()
    } else {
        f64::NEG_INFINITY
    }
}

/// LightGBM's `XentLoss`: cross-entropy of the probability `p` against the label `y` in [0, 1].
fn xent(y: f64, p: f64) -> f64 {
    const FLOOR: f64 = 1e-12;
    let a = y * if p > FLOOR { p.ln() } else { FLOOR.ln() };
    let b = (1.0 - y) * if 1.0 - p > FLOOR { (1.0 - p).ln() } else { FLOOR.ln() };
    -(a + b)
}

/// LightGBM's `YentLoss`: minus the entropy of a label in [0, 1].
fn label_entropy(y: f64) -> f64 {
    let q = 1.0 - y;
    (if y > 0.0 { y * y.ln() } else { 0.0 }) + if q > 0.0 { q * q.ln() } else { 0.0 }
}

/// The class of a multiclass label: LightGBM truncates it to an index; `None` outside `[0, k)`.
fn class_of(y: f64, k: usize) -> Option<usize> {
    (y >= 0.0 && y < k as f64).then_some(y as usize)
}

impl Metric {
    /// Parses a LightGBM metric name (or alias) for `objective`, with the
    /// default parameters; "" is the objective's default, "None" and the
    /// like are no metric.
    pub fn parse(name: &str, objective: &Builtin, eval_at: &[usize]) -> Result<Vec<Metric>> {
        let defaults = Gbdt::default();
        let settings = Settings {
            alpha: match objective {
                Builtin::Huber { alpha } | Builtin::Quantile { alpha } => *alpha,
                _ => defaults.alpha,
            },
            fair_c: if let Builtin::Fair { c } = objective { *c } else { defaults.fair_c },
            rho: if let Builtin::Tweedie { rho } = objective { *rho } else { defaults.tweedie_variance_power },
            top_k: 1,
            auc_mu_weights: &[],
            eval_at,
            single: objective.transform(),
            // A multiclass metric of a single-output objective (a custom loss here) reads the softmax.
            multi: if objective.num_outputs() > 1 { objective.transform() } else { Transform::Softmax },
        };
        parse_with(name, objective, &settings)
    }

    /// The metrics a training run reports: the `metric` parameter (or the
    /// objective's default; none for a custom objective), each once, checked
    /// against the `k` scores per row as LightGBM checks them.
    pub fn for_training(p: &Gbdt, objective: &Builtin, custom: bool, k: usize) -> Result<Vec<Metric>> {
        let output = if custom { Transform::Identity } else { objective.transform() };
        let settings = Settings {
            alpha: p.alpha,
            fair_c: p.fair_c,
            rho: p.tweedie_variance_power,
            top_k: p.multi_error_top_k,
            auc_mu_weights: &p.auc_mu_weights,
            eval_at: &p.eval_at,
            single: output,
            multi: output,
        };
        let names: Vec<&str> = match (p.metric.is_empty(), custom) {
            (true, true) => Vec::new(),
            (true, false) => vec![""],
            (false, _) => p.metric.iter().flat_map(|m| m.split(',')).collect(),
        };
        let mut all: Vec<Metric> = Vec::new();
        for name in names {
            for m in parse_with(name, objective, &settings)? {
                if !all.contains(&m) {
                    all.push(m);
                }
            }
        }
        // A metric reads one score per row, or one per row and class: the wrong
        // kind would read past the scores or score only the first class.
        if let Some(m) = all.iter().find(|m| m.is_multiclass() != (k > 1)) {
            bail!(
                InvalidValue,
                "Multiclass objective and metrics don't match: metric '{}' with {} model; use {}",
                m.name(),
                if k > 1 { format!("a {k}-class") } else { "a single-output".to_string() },
                if k > 1 { "multi_logloss, multi_error or auc_mu" } else { "a metric of one score per row" }
            );
        }
        if all.iter().any(|m| matches!(m, Metric::AucMu(_))) && !p.auc_mu_weights.is_empty() {
            let w = &p.auc_mu_weights;
            if w.len() != k * k {
                return Err(Error::param(
                    "auc_mu_weights",
                    format!(
                        "auc_mu_weights must have {} elements (k x k for k = {k} classes), but found {}",
                        k * k,
                        w.len()
                    ),
                ));
            }
            if let Some(i) = (0..k * k).find(|&i| i / k != i % k && w[i].abs() < 1e-35) {
                return Err(Error::param(
                    "auc_mu_weights",
                    format!("AUC-mu matrix must have non-zero values for non-diagonal entries; entry {i} is 0"),
                ));
            }
        }
        Ok(all)
    }

    /// LightGBM's name of the metric, as reported.
    pub fn name(&self) -> String {
        match self {
            Metric::Pointwise(loss, _) => loss.name().into(),
            Metric::R2(_) => "r2".into(),
            Metric::Auc => "auc".into(),
            Metric::AveragePrecision => "average_precision".into(),
            Metric::MultiLogloss | Metric::Multiclass(MultiLoss::Logloss, _) => "multi_logloss".into(),
            Metric::MultiError | Metric::Multiclass(MultiLoss::Error { top_k: 1 }, _) => "multi_error".into(),
            Metric::Multiclass(MultiLoss::Error { top_k }, _) => format!("multi_error@{top_k}"),
            Metric::AucMu(_) => "auc_mu".into(),
            Metric::Ndcg(k) => format!("ndcg@{k}"),
        }
    }

    pub fn higher_is_better(&self) -> bool {
        matches!(self, Metric::R2(_) | Metric::Auc | Metric::AveragePrecision | Metric::AucMu(_) | Metric::Ndcg(_))
    }

    /// Whether the metric reads one score per class (LightGBM's multiclass metrics).
    pub fn is_multiclass(&self) -> bool {
        matches!(self, Metric::MultiLogloss | Metric::MultiError | Metric::Multiclass(..) | Metric::AucMu(_))
    }

    /// Checks the labels the metric can score, with `k` scores per row;
    /// the error names the first bad row. [`Metric::eval`] gives NaN instead.
    pub fn check_labels(&self, labels: &[f64], k: usize) -> Result<()> {
        let (bad, need): (Box<dyn Fn(f64) -> bool>, String) = match self {
            m if m.is_multiclass() => {
                (Box::new(move |y| class_of(y, k).is_none()), format!("class indices in [0, {k})"))
            }
            Metric::Pointwise(Loss::Gamma | Loss::GammaDeviance, _) => {
                (Box::new(|y| y.is_nan() || y <= 0.0), "positive".into())
            }
            Metric::Pointwise(Loss::CrossEntropy | Loss::KullbackLeibler, _) => {
                (Box::new(|y| !(0.0..=1.0).contains(&y)), "[0, 1]".into())
            }
            _ => return Ok(()),
        };
        match labels.iter().position(|&y| bad(y)) {
            Some(i) => {
                Err(Error::at_row(i, format!("metric '{}' needs {need} labels, got {}", self.name(), labels[i])))
            }
            None => Ok(()),
        }
    }

    /// Evaluates raw (class-major) scores; NaN where the labels do not fit the metric.
    pub fn eval(&self, raw: &[f64], d: &EvalData<'_>) -> f64 {
        let y = d.labels;
        let n = y.len();
        if n == 0 {
            return f64::NAN;
        }
        let w = |i: usize| d.weights.map_or(1.0, |w| w[i]);
        let output = |t: Transform, s: f64| {
            let mut v = [s];
            t.apply(&mut v);
            v[0]
        };
        match self {
            Metric::Pointwise(loss, t) => {
                let (mut sum, mut sum_w) = (0.0, 0.0);
                for i in 0..n {
                    sum += loss.on_point(y[i], output(*t, raw[i])) * w(i);
                    sum_w += w(i);
                }
                match loss {
                    Loss::Rmse => (sum / sum_w).sqrt(),
                    Loss::GammaDeviance => sum * 2.0,
                    Loss::KullbackLeibler => {
                        (0..n).map(|i| label_entropy(y[i]) * w(i)).sum::<f64>() / sum_w + sum / sum_w
                    }
                    _ => sum / sum_w,
                }
            }
            Metric::R2(t) => {
                let sum_w: f64 = (0..n).map(w).sum();
                let mean = (0..n).map(|i| y[i] * w(i)).sum::<f64>() / sum_w;
                let total: f64 = (0..n).map(|i| (y[i] - mean) * (y[i] - mean) * w(i)).sum();
                let residual: f64 = (0..n)
                    .map(|i| {
                        let e = y[i] - output(*t, raw[i]);
                        e * e * w(i)
                    })
                    .sum();
                if total.abs() < 1e-35 {
                    f64::from(u8::from(residual.abs() < 1e-35))
                } else {
                    1.0 - residual / total
                }
            }
            Metric::Auc => order::auc(&raw[..n], y, d.weights),
            Metric::AveragePrecision => order::average_precision(&raw[..n], y, d.weights),
            Metric::MultiLogloss => multiclass(raw, d, MultiLoss::Logloss, Transform::Softmax),
            Metric::MultiError => multiclass(raw, d, MultiLoss::Error { top_k: 1 }, Transform::Softmax),
            Metric::Multiclass(loss, t) => multiclass(raw, d, *loss, *t),
            Metric::AucMu(cost) => order::auc_mu(raw, y, d.weights, cost),
            Metric::Ndcg(k) => {
                let all = [0, n];
                crate::rank::ndcg(&raw[..n], y, d.boundaries.unwrap_or(&all), *k, d.label_gain)
            }
        }
    }
}

/// LightGBM's `MulticlassMetric::Eval`: each row's `k` scores through `t`, then the loss at the row's class.
fn multiclass(raw: &[f64], d: &EvalData<'_>, loss: MultiLoss, t: Transform) -> f64 {
    let (y, n) = (d.labels, d.labels.len());
    let k = raw.len() / n;
    let mut row = vec![0.0; k];
    let (mut sum, mut sum_w) = (0.0, 0.0);
    for i in 0..n {
        let Some(c) = class_of(y[i], k) else { return f64::NAN };
        (0..k).for_each(|j| row[j] = raw[j * n + i]);
        t.apply(&mut row);
        let w = d.weights.map_or(1.0, |w| w[i]);
        sum += w * match loss {
            MultiLoss::Logloss => -row[c].max(EPSILON).ln(),
            MultiLoss::Error { top_k } => f64::from(u8::from(row.iter().filter(|&&v| v >= row[c]).count() > top_k)),
        };
        sum_w += w;
    }
    sum / sum_w
}

/// The metric parsed from one name.
fn parse_with(name: &str, objective: &Builtin, s: &Settings<'_>) -> Result<Vec<Metric>> {
    let point = |loss| vec![Metric::Pointwise(loss, s.single)];
    // The multiclass objective's softmax keeps the metrics' own variants.
    let multi = |loss| {
        vec![match (loss, s.multi) {
            (MultiLoss::Logloss, Transform::Softmax) => Metric::MultiLogloss,
            (MultiLoss::Error { top_k: 1 }, Transform::Softmax) => Metric::MultiError,
            (loss, t) => Metric::Multiclass(loss, t),
        }]
    };
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "" => return parse_with(default_metric(objective), objective, s),
        "none" | "null" | "na" | "custom" => vec![],
        "l2" | "mse" | "mean_squared_error" | "regression" | "regression_l2" => point(Loss::L2),
        "rmse" | "root_mean_squared_error" | "l2_root" => point(Loss::Rmse),
        "l1" | "mae" | "mean_absolute_error" | "regression_l1" => point(Loss::L1),
        "huber" => point(Loss::Huber(s.alpha)),
        "quantile" => point(Loss::Quantile(s.alpha)),
        "fair" => point(Loss::Fair(s.fair_c)),
        "mape" | "mean_absolute_percentage_error" => point(Loss::Mape),
        "poisson" => point(Loss::Poisson),
        "gamma" => point(Loss::Gamma),
        "gamma_deviance" => point(Loss::GammaDeviance),
        "tweedie" => point(Loss::Tweedie(s.rho)),
        "binary_logloss" | "binary" => point(Loss::BinaryLogloss),
        "binary_error" => point(Loss::BinaryError),
        "cross_entropy" | "xentropy" => point(Loss::CrossEntropy),
        "kullback_leibler" | "kldiv" => point(Loss::KullbackLeibler),
        "r2" => vec![Metric::R2(s.single)],
        "auc" => vec![Metric::Auc],
        "average_precision" => vec![Metric::AveragePrecision],
        "multi_logloss" | "multiclass" | "softmax" | "multiclassova" | "multiclass_ova" | "ova" | "ovr"
        | "multi_logloss_ova" => multi(MultiLoss::Logloss),
        "multi_error" => multi(MultiLoss::Error { top_k: s.top_k }),
        "auc_mu" => vec![Metric::AucMu(s.auc_mu_weights.to_vec())],
        "ndcg" | "lambdarank" | "rank_xendcg" | "xendcg" | "xe_ndcg" | "xe_ndcg_mart" | "xendcg_mart" => {
            s.eval_at.iter().map(|&k| Metric::Ndcg(k)).collect()
        }
        other => bail!(InvalidValue, "unknown metric '{other}'"),
    })
}

/// The metric LightGBM reports for an objective by default.
pub fn default_metric(objective: &Builtin) -> &'static str {
    match objective {
        Builtin::Regression => "l2",
        Builtin::L1 => "l1",
        Builtin::Huber { .. } => "huber",
        Builtin::Fair { .. } => "fair",
        Builtin::Mape => "mape",
        Builtin::Quantile { .. } => "quantile",
        Builtin::Poisson { .. } => "poisson",
        Builtin::Gamma => "gamma",
        Builtin::Tweedie { .. } => "tweedie",
        Builtin::Binary => "binary_logloss",
        Builtin::CrossEntropy => "cross_entropy",
        Builtin::Multiclass { .. } | Builtin::MulticlassOva { .. } => "multi_logloss",
        Builtin::Lambdarank(_) | Builtin::RankXendcg(_) => "ndcg",
    }
}

#[cfg(test)]
mod tests;
