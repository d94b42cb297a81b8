//! Losses, as gradients and hessians.
//!
//! An objective's whole contract is one method: given the current scores,
//! write each row's gradient and hessian (LightGBM's `GetGradients`). Init
//! scores, the output transform and leaf renewal are provided with defaults,
//! so a custom loss is one `impl` of one method.

use std::borrow::Cow;

use ironlearn_core::{bail, ensure, Error, Result, Target};

use crate::rank::{default_label_gain, Lambdarank};
use crate::Gbdt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A differentiable loss.
pub trait Objective: Send + Sync + std::fmt::Debug {
    /// Writes `[gradient, hessian]` for every score. With `k` outputs,
    /// scores and `out` are class-major: `[k * n_rows + row]`.
    fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]);

    /// Outputs (trees) per boosting round.
    fn num_outputs(&self) -> usize {
        1
    }

    /// The starting score of each output.
    fn init_scores(&self, _labels: &[f64], _weights: Option<&[f64]>) -> Vec<f64> {
        vec![0.0; self.num_outputs()]
    }

    /// A LightGBM name of the loss.
    fn name(&self) -> &str {
        "custom"
    }

    /// For losses whose leaves are refit to a quantile of the residuals (L1, quantile).
    fn renew_quantile(&self) -> Option<f64> {
        None
    }

    /// Maps raw scores of one row to the prediction (identity by default).
    fn transform(&self) -> Transform {
        Transform::Identity
    }
}

/// How raw scores become predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    Identity,
    Exp,
    Sigmoid,
    Softmax,
}

impl Transform {
    /// Applies the transform to one row's raw scores.
    pub fn apply(self, row: &mut [f64]) {
        match self {
            Transform::Identity => {}
            Transform::Exp => row.iter_mut().for_each(|v| *v = v.exp()),
            Transform::Sigmoid => row.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Transform::Softmax => {
                let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                row.iter_mut().for_each(|v| *v = (*v - m).exp());
                let s: f64 = row.iter().sum();
                row.iter_mut().for_each(|v| *v /= s);
            }
        }
    }
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The built-in losses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum Builtin {
    Regression,
    #[serde(rename = "regression_l1")]
    L1,
    Huber {
        alpha: f64,
    },
    Quantile {
        alpha: f64,
    },
    Poisson {
        max_delta_step: f64,
    },
    Gamma,
    Tweedie {
        rho: f64,
    },
    Binary,
    Multiclass {
        num_class: usize,
    },
    Lambdarank(crate::rank::Lambdarank),
}

const CHUNK: usize = 8192;

fn weighted_mean(y: &[f64], w: Option<&[f64]>) -> f64 {
    match w {
        None => y.iter().sum::<f64>() / y.len() as f64,
        Some(w) => y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>(),
    }
}

/// The weighted `q`-quantile, interpolating between neighbours.
pub fn weighted_quantile(values: &mut [(f64, f64)], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = values.iter().map(|v| v.1).sum();
    if total <= 0.0 {
        return values[values.len() / 2].0;
    }
    let target = q * total;
    let mut acc = 0.0;
    for i in 0..values.len() {
        let next = acc + values[i].1;
        if next >= target {
            // Midpoint rule between the two values the target falls between.
            if (next - target).abs() < 1e-12 * total && i + 1 < values.len() && q != 0.0 {
                return 0.5 * (values[i].0 + values[i + 1].0);
            }
            return values[i].0;
        }
        acc = next;
    }
    values[values.len() - 1].0
}

/// Element-wise gradients in parallel chunks (the result does not depend on threads).
fn elementwise(
    scores: &[f64],
    labels: &[f64],
    weights: Option<&[f64]>,
    out: &mut [[f32; 2]],
    f: impl Fn(f64, f64) -> (f64, f64) + Sync,
) {
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
        let start = c * CHUNK;
        for (k, slot) in o.iter_mut().enumerate() {
            let i = start + k;
            let (g, h) = f(scores[i], labels[i]);
            let w = weights.map_or(1.0, |w| w[i]);
            *slot = [(g * w) as f32, (h * w) as f32];
        }
    });
}

impl Objective for Builtin {
    fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        match *self {
            Builtin::Regression => elementwise(scores, labels, weights, out, |s, y| (s - y, 1.0)),
            Builtin::L1 => {
                elementwise(scores, labels, weights, out, |s, y| ((s - y).signum() * f64::from(u8::from(s != y)), 1.0))
            }
            Builtin::Huber { alpha } => elementwise(scores, labels, weights, out, |s, y| {
                let d = s - y;
                (if d.abs() <= alpha { d } else { d.signum() * alpha }, 1.0)
            }),
            Builtin::Quantile { alpha } => {
                elementwise(scores, labels, weights, out, |s, y| (if s - y >= 0.0 { 1.0 - alpha } else { -alpha }, 1.0))
            }
            Builtin::Poisson { max_delta_step } => {
                elementwise(scores, labels, weights, out, |s, y| (s.exp() - y, (s + max_delta_step).exp()))
            }
            Builtin::Gamma => elementwise(scores, labels, weights, out, |s, y| {
                let e = (-s).exp();
                (1.0 - y * e, y * e)
            }),
            Builtin::Tweedie { rho } => elementwise(scores, labels, weights, out, |s, y| {
                let (a, b) = (((1.0 - rho) * s).exp(), ((2.0 - rho) * s).exp());
                (-y * a + b, -y * (1.0 - rho) * a + (2.0 - rho) * b)
            }),
            Builtin::Binary => elementwise(scores, labels, weights, out, |s, y| {
                let p = sigmoid(s);
                (p - y, (p * (1.0 - p)).max(1e-16))
            }),
            Builtin::Multiclass { num_class: k } => {
                let n = labels.len();
                // log-sum-exp of each row, then each class's block independently.
                let lse: Vec<f64> = (0..n)
                    .into_par_iter()
                    .with_min_len(CHUNK)
                    .map(|i| {
                        let m = (0..k).map(|c| scores[c * n + i]).fold(f64::NEG_INFINITY, f64::max);
                        m + (0..k).map(|c| (scores[c * n + i] - m).exp()).sum::<f64>().ln()
                    })
                    .collect();
                let factor = k as f64 / (k as f64 - 1.0);
                for (c, block) in out.chunks_mut(n).enumerate() {
                    let s = &scores[c * n..(c + 1) * n];
                    let cls = c as f64;
                    let lse = &lse;
                    block.par_chunks_mut(CHUNK).enumerate().for_each(|(ch, o)| {
                        for (j, slot) in o.iter_mut().enumerate() {
                            let i = ch * CHUNK + j;
                            let p = (s[i] - lse[i]).exp();
                            let t = if labels[i] == cls { 1.0 } else { 0.0 };
                            let w = weights.map_or(1.0, |w| w[i]);
                            *slot = [((p - t) * w) as f32, ((factor * p * (1.0 - p)).max(1e-16) * w) as f32];
                        }
                    });
                }
            }
            Builtin::Lambdarank(ref r) => r.gradients(scores, labels, weights, out),
        }
    }

    fn num_outputs(&self) -> usize {
        match self {
            Builtin::Multiclass { num_class } => *num_class,
            _ => 1,
        }
    }

    fn init_scores(&self, y: &[f64], w: Option<&[f64]>) -> Vec<f64> {
        let pairs =
            || -> Vec<(f64, f64)> { y.iter().enumerate().map(|(i, v)| (*v, w.map_or(1.0, |w| w[i]))).collect() };
        match self {
            Builtin::Regression | Builtin::Huber { .. } => vec![weighted_mean(y, w)],
            Builtin::L1 => vec![weighted_quantile(&mut pairs(), 0.5)],
            Builtin::Quantile { alpha } => vec![weighted_quantile(&mut pairs(), *alpha)],
            Builtin::Poisson { .. } | Builtin::Gamma | Builtin::Tweedie { .. } => {
                vec![weighted_mean(y, w).max(1e-15).ln()]
            }
            Builtin::Binary => {
                let p = weighted_mean(y, w).clamp(1e-15, 1.0 - 1e-15);
                vec![(p / (1.0 - p)).ln()]
            }
            Builtin::Multiclass { num_class } => {
                let total: f64 = w.map_or(y.len() as f64, |w| w.iter().sum());
                let mut counts = vec![0.0; *num_class];
                y.iter().enumerate().for_each(|(i, &c)| counts[c as usize] += w.map_or(1.0, |w| w[i]));
                counts.iter().map(|c| (c / total).max(1e-15).ln()).collect()
            }
            Builtin::Lambdarank(_) => vec![0.0],
        }
    }

    fn name(&self) -> &str {
        match self {
            Builtin::Regression => "regression",
            Builtin::L1 => "regression_l1",
            Builtin::Huber { .. } => "huber",
            Builtin::Quantile { .. } => "quantile",
            Builtin::Poisson { .. } => "poisson",
            Builtin::Gamma => "gamma",
            Builtin::Tweedie { .. } => "tweedie",
            Builtin::Binary => "binary",
            Builtin::Multiclass { .. } => "multiclass",
            Builtin::Lambdarank(_) => "lambdarank",
        }
    }

    fn renew_quantile(&self) -> Option<f64> {
        match self {
            Builtin::L1 => Some(0.5),
            Builtin::Quantile { alpha } => Some(*alpha),
            _ => None,
        }
    }

    fn transform(&self) -> Transform {
        match self {
            Builtin::Poisson { .. } | Builtin::Gamma | Builtin::Tweedie { .. } => Transform::Exp,
            Builtin::Binary => Transform::Sigmoid,
            Builtin::Multiclass { .. } => Transform::Softmax,
            _ => Transform::Identity,
        }
    }
}

impl Builtin {
    /// Checks the labels the loss can learn from; the error names the first bad row.
    pub fn check_labels(&self, y: &[f64]) -> Result<()> {
        let (bad, need): (fn(f64) -> bool, &str) = match self {
            Builtin::Poisson { .. } | Builtin::Tweedie { .. } => (|v| v < 0.0, "non-negative"),
            Builtin::Gamma => (|v| v <= 0.0, "positive"),
            Builtin::Binary => (|v| v != 0.0 && v != 1.0, "0 or 1"),
            Builtin::Lambdarank(_) => (|v| v < 0.0 || v.fract() != 0.0, "non-negative integer relevance"),
            _ => (|_| false, ""),
        };
        if let Some(i) = y.iter().position(|&v| bad(v)) {
            let more = match y[i + 1..].iter().filter(|&&v| bad(v)).count() {
                0 => String::new(),
                1 => " (and 1 more such label)".into(),
                k => format!(" (and {k} more such labels)"),
            };
            return Err(Error::at_row(
                i,
                format!("objective '{}' needs {need} labels, got {}{more}", self.name(), y[i]),
            ));
        }
        if let Builtin::Lambdarank(r) = self {
            // LightGBM's rule: every relevance needs a gain.
            if let Some(i) = y.iter().position(|&v| v >= r.label_gain.len() as f64) {
                return Err(Error::at_row(
                    i,
                    format!(
                        "relevance label {} has no gain: label_gain has {} values (for labels 0 to {}); \
                         give label_gain a value for every label up to the largest",
                        y[i],
                        r.label_gain.len(),
                        r.label_gain.len().saturating_sub(1)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The objective, the labels as numbers (borrowed when they already are) and the class names.
pub(crate) type Resolved<'y> = (Builtin, Cow<'y, [f64]>, Option<Vec<String>>);

/// The built-in objective the parameters and target ask for, with the labels as numbers.
pub(crate) fn resolve_objective<'y>(p: &Gbdt, y: &'y Target) -> Result<Resolved<'y>> {
    let name = p.objective.as_str();
    let classify =
        matches!(name, "binary" | "multiclass" | "softmax") || (name == "auto" && matches!(y, Target::Labels(_)));
    if classify {
        let labels = y.labels()?;
        labels.check_two_classes()?;
        let k = labels.n_classes();
        let objective = match name {
            "binary" => {
                ensure!(k == 2, InvalidValue, "objective 'binary' needs 2 classes, the target has {k}; use multiclass");
                Builtin::Binary
            }
            "multiclass" | "softmax" => Builtin::Multiclass { num_class: k },
            _ if k == 2 => Builtin::Binary,
            _ => Builtin::Multiclass { num_class: k },
        };
        if p.num_class > 0 && k != p.num_class && k > 2 {
            bail!(InvalidValue, "num_class is {} but the target has {k} classes", p.num_class);
        }
        let codes: Vec<f64> = labels.codes().iter().map(|&c| f64::from(c)).collect();
        return Ok((objective, Cow::Owned(codes), Some(labels.classes().to_vec())));
    }
    // Regression labels are borrowed, not copied: they can be millions of rows.
    let values = y.values()?;
    ironlearn_core::validate::check_target(values)?;
    let objective = match name {
        "auto" | "regression" | "l2" | "mse" | "mean_squared_error" | "regression_l2" | "rmse" => Builtin::Regression,
        "regression_l1" | "l1" | "mae" | "mean_absolute_error" => Builtin::L1,
        "huber" => Builtin::Huber { alpha: p.alpha },
        "quantile" => {
            if !(p.alpha > 0.0 && p.alpha < 1.0) {
                return Err(Error::param(
                    "alpha",
                    format!("the quantile objective needs the quantile alpha in (0, 1), got {}", p.alpha),
                ));
            }
            Builtin::Quantile { alpha: p.alpha }
        }
        "poisson" => Builtin::Poisson { max_delta_step: p.poisson_max_delta_step },
        "gamma" => Builtin::Gamma,
        "tweedie" => Builtin::Tweedie { rho: p.tweedie_variance_power },
        "lambdarank" => Builtin::Lambdarank(Lambdarank {
            boundaries: Vec::new(),
            label_gain: if p.label_gain.is_empty() { default_label_gain() } else { p.label_gain.clone() },
            truncation_level: p.lambdarank_truncation_level,
        }),
        other => bail!(InvalidValue, "objective '{other}' cannot be used with this target"),
    };
    objective.check_labels(values)?;
    Ok((objective, Cow::Borrowed(values), None))
}
