//! Validation metrics reported each boosting round, with LightGBM's names.

use ironlearn_core::{bail, Result};

use crate::objective::{Builtin, Transform};

/// A metric on raw scores.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    L2,
    Rmse,
    L1,
    Huber(f64),
    Quantile(f64),
    Poisson,
    Gamma,
    Tweedie(f64),
    BinaryLogloss,
    BinaryError,
    Auc,
    MultiLogloss,
    MultiError,
    Ndcg(usize),
}

/// The data a metric needs besides the scores.
#[derive(Debug)]
pub struct EvalData<'a> {
    pub labels: &'a [f64],
    pub weights: Option<&'a [f64]>,
    pub boundaries: Option<&'a [usize]>,
    pub label_gain: &'a [f64],
}

impl Metric {
    /// Parses LightGBM metric names; `None` for "none" and the like.
    pub fn parse(name: &str, objective: &Builtin, eval_at: &[usize]) -> Result<Vec<Metric>> {
        let alpha = match objective {
            Builtin::Huber { alpha } | Builtin::Quantile { alpha } => *alpha,
            _ => 0.9,
        };
        let rho = if let Builtin::Tweedie { rho } = objective { *rho } else { 1.5 };
        Ok(match name.trim().to_ascii_lowercase().as_str() {
            "" => return Metric::parse(default_metric(objective), objective, eval_at),
            "none" | "null" | "na" | "custom" => vec![],
            "l2" | "mse" | "mean_squared_error" | "regression" | "regression_l2" => vec![Metric::L2],
            "rmse" | "root_mean_squared_error" | "l2_root" => vec![Metric::Rmse],
            "l1" | "mae" | "mean_absolute_error" | "regression_l1" => vec![Metric::L1],
            "huber" => vec![Metric::Huber(alpha)],
            "quantile" => vec![Metric::Quantile(alpha)],
            "poisson" => vec![Metric::Poisson],
            "gamma" => vec![Metric::Gamma],
            "tweedie" => vec![Metric::Tweedie(rho)],
            "binary_logloss" | "binary" => vec![Metric::BinaryLogloss],
            "binary_error" => vec![Metric::BinaryError],
            "auc" => vec![Metric::Auc],
            "multi_logloss" | "multiclass" | "softmax" | "multi_logloss_ova" => vec![Metric::MultiLogloss],
            "multi_error" => vec![Metric::MultiError],
            "ndcg" | "lambdarank" | "rank_xendcg" => eval_at.iter().map(|&k| Metric::Ndcg(k)).collect(),
            other => bail!(InvalidValue, "unknown metric '{other}'"),
        })
    }

    pub fn name(&self) -> String {
        match self {
            Metric::L2 => "l2".into(),
            Metric::Rmse => "rmse".into(),
            Metric::L1 => "l1".into(),
            Metric::Huber(_) => "huber".into(),
            Metric::Quantile(_) => "quantile".into(),
            Metric::Poisson => "poisson".into(),
            Metric::Gamma => "gamma".into(),
            Metric::Tweedie(_) => "tweedie".into(),
            Metric::BinaryLogloss => "binary_logloss".into(),
            Metric::BinaryError => "binary_error".into(),
            Metric::Auc => "auc".into(),
            Metric::MultiLogloss => "multi_logloss".into(),
            Metric::MultiError => "multi_error".into(),
            Metric::Ndcg(k) => format!("ndcg@{k}"),
        }
    }

    pub fn higher_is_better(&self) -> bool {
        matches!(self, Metric::Auc | Metric::Ndcg(_))
    }

    /// Evaluates raw (class-major) scores.
    pub fn eval(&self, raw: &[f64], d: &EvalData<'_>) -> f64 {
        let y = d.labels;
        let n = y.len();
        let w = |i: usize| d.weights.map_or(1.0, |w| w[i]);
        let sw: f64 = (0..n).map(w).sum();
        let mean = |f: &dyn Fn(usize) -> f64| (0..n).map(|i| w(i) * f(i)).sum::<f64>() / sw;
        let p = |i: usize| crate::objective::sigmoid(raw[i]);
        match *self {
            Metric::L2 => mean(&|i| (raw[i] - y[i]).powi(2)),
            Metric::Rmse => mean(&|i| (raw[i] - y[i]).powi(2)).sqrt(),
            Metric::L1 => mean(&|i| (raw[i] - y[i]).abs()),
            Metric::Huber(a) => mean(&|i| {
                let d = (raw[i] - y[i]).abs();
                if d <= a {
                    0.5 * d * d
                } else {
                    a * (d - 0.5 * a)
                }
            }),
            Metric::Quantile(a) => mean(&|i| {
                let d = y[i] - raw[i];
                if d >= 0.0 {
                    a * d
                } else {
                    (a - 1.0) * d
                }
            }),
            Metric::Poisson => mean(&|i| raw[i].exp() - y[i] * raw[i]),
            Metric::Gamma => mean(&|i| y[i] * (-raw[i]).exp() + raw[i]),
            Metric::Tweedie(rho) => mean(&|i| {
                -y[i] * ((1.0 - rho) * raw[i]).exp() / (1.0 - rho) + ((2.0 - rho) * raw[i]).exp() / (2.0 - rho)
            }),
            Metric::BinaryLogloss => mean(&|i| {
                let q = if y[i] > 0.0 { p(i) } else { 1.0 - p(i) };
                -q.max(1e-15).ln()
            }),
            Metric::BinaryError => mean(&|i| f64::from(u8::from((p(i) > 0.5) != (y[i] > 0.0)))),
            Metric::Auc => {
                let truth: Vec<bool> = y.iter().map(|&v| v > 0.0).collect();
                ironlearn_metrics::roc_auc(&truth, &raw[..n], d.weights).unwrap_or(f64::NAN)
            }
            Metric::MultiLogloss | Metric::MultiError => {
                let k = raw.len() / n.max(1);
                let mut row = vec![0.0; k];
                let per_row = |i: usize, row: &mut Vec<f64>| {
                    (0..k).for_each(|c| row[c] = raw[c * n + i]);
                    Transform::Softmax.apply(row);
                };
                let mut total = 0.0;
                for i in 0..n {
                    per_row(i, &mut row);
                    let c = y[i] as usize;
                    total += w(i)
                        * if *self == Metric::MultiLogloss {
                            -row[c].max(1e-15).ln()
                        } else {
                            let best = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                            f64::from(u8::from(row.iter().filter(|&&v| v > row[c]).count() > 0 || row[c] < best))
                        };
                }
                total / sw
            }
            Metric::Ndcg(k) => {
                let all = [0, n];
                crate::rank::ndcg(&raw[..n], y, d.boundaries.unwrap_or(&all), k, d.label_gain)
            }
        }
    }
}

/// The metric LightGBM reports for an objective by default.
pub fn default_metric(objective: &Builtin) -> &'static str {
    match objective {
        Builtin::Regression => "l2",
        Builtin::L1 => "l1",
        Builtin::Huber { .. } => "huber",
        Builtin::Quantile { .. } => "quantile",
        Builtin::Poisson { .. } => "poisson",
        Builtin::Gamma => "gamma",
        Builtin::Tweedie { .. } => "tweedie",
        Builtin::Binary => "binary_logloss",
        Builtin::Multiclass { .. } => "multi_logloss",
        Builtin::Lambdarank(_) => "ndcg",
    }
}
