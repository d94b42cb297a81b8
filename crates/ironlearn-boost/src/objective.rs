//! Losses, as gradients and hessians.
//!
//! An objective's whole contract is one method: given the current scores,
//! write each row's gradient and hessian (LightGBM's `GetGradients`). Init
//! scores, the output transform and leaf renewal are provided with defaults,
//! so a custom loss is one `impl` of one method.
//!
//! The built-in losses are LightGBM 4.7.0's (`src/objective/*.hpp`), formula
//! for formula, starting scores (`BoostFromScore`) and leaf renewal
//! (`RenewTreeOutput`) included, so that a model trained here matches one
//! trained there. Hessians of the classification losses are floored at
//! 1e-16, so a leaf of saturated rows keeps a finite value.

mod percentile;

use std::borrow::Cow;

use ironlearn_core::{bail, ensure, Error, Result, Target};

use self::percentile::{percentile, weighted_percentile};
use crate::rank::{default_label_gain, Lambdarank, RankXendcg};
use crate::Gbdt;
use ironlearn_linalg::vector_math;
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

    /// For losses whose leaves are refit to a quantile of the residuals (L1, quantile, MAPE).
    fn renew_quantile(&self) -> Option<f64> {
        None
    }

    /// The refit value of a leaf from its rows' residuals `label - score`
    /// (LightGBM's `RenewTreeOutput`); `None` keeps the tree's value.
    fn renew_leaf(&self, _rows: &[u32], _labels: &[f64], _scores: &[f64], _weights: Option<&[f64]>) -> Option<f64> {
        None
    }

    /// Maps raw scores of one row to the prediction (identity by default).
    fn transform(&self) -> Transform {
        Transform::Identity
    }
}

/// How raw scores become predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    Identity,
    Exp,
    /// `1 / (1 + exp(-x))` of each score (one per class for one-vs-all).
    Sigmoid,
    Softmax,
    /// `1 / (1 + exp(-scale * x))` of each score: LightGBM's `sigmoid` parameter.
    #[serde(rename = "scaled_sigmoid")]
    ScaledSigmoid(f64),
}

impl Transform {
    /// Applies the transform to one row's raw scores.
    pub fn apply(self, row: &mut [f64]) {
        match self {
            Transform::Identity => {}
            Transform::Exp => row.iter_mut().for_each(|v| *v = v.exp()),
            Transform::Sigmoid => row.iter_mut().for_each(|v| *v = vector_math::sigmoid(*v)),
            Transform::ScaledSigmoid(scale) => row.iter_mut().for_each(|v| *v = vector_math::sigmoid(scale * *v)),
            Transform::Softmax => {
                let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                row.iter_mut().for_each(|v| *v = (*v - m).exp());
                let s: f64 = row.iter().sum();
                row.iter_mut().for_each(|v| *v /= s);
            }
        }
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
    /// LightGBM's Fair loss `c^2 (|x|/c - ln(1 + |x|/c))` of the residual `x`.
    Fair {
        c: f64,
    },
    /// L1 of the relative error `|score - y| / max(1, |y|)`.
    Mape,
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
    /// Log loss against labels that are probabilities in [0, 1].
    #[serde(rename = "cross_entropy")]
    CrossEntropy,
    Multiclass {
        num_class: usize,
    },
    /// One binary log loss per class, class against the rest, with LightGBM's `sigmoid` scale.
    MulticlassOva {
        num_class: usize,
        sigmoid: f64,
    },
    Lambdarank(crate::rank::Lambdarank),
    #[serde(rename = "rank_xendcg")]
    RankXendcg(crate::rank::RankXendcg),
}

const CHUNK: usize = 8192;

fn weighted_mean(y: &[f64], w: Option<&[f64]>) -> f64 {
    match w {
        None => y.iter().sum::<f64>() / y.len() as f64,
        Some(w) => y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>(),
    }
}

/// LightGBM's quantile of `values` for the starting score (`in_f32`) or a
/// leaf: unweighted or weighted by its own rule.
fn lightgbm_quantile(values: impl Iterator<Item = (f64, f64)>, weighted: bool, q: f64, in_f32: bool) -> f64 {
    if weighted {
        weighted_percentile(&mut values.collect::<Vec<_>>(), q, in_f32)
    } else {
        percentile(&mut values.map(|v| v.0).collect::<Vec<_>>(), q, in_f32)
    }
}

/// MAPE's row weight `w / max(1, |y|)`, computed in `f32` as LightGBM's `label_weight_`.
fn mape_weight(y: f64, w: Option<f64>) -> f64 {
    let lw = 1.0f32 / (y as f32).abs().max(1.0);
    f64::from(w.map_or(lw, |w| lw * w as f32))
}

/// One binary log loss with LightGBM's `sigmoid` scale: `(gradient, hessian)`
/// at `score` for a positive or negative row (`BinaryLogloss::GetGradients`).
fn binary_gradient(score: f64, positive: bool, sigmoid: f64) -> (f64, f64) {
    let label = if positive { 1.0 } else { -1.0 };
    let response = -label * sigmoid / (1.0 + (label * sigmoid * score).exp());
    let r = response.abs();
    (response, (r * (sigmoid - r)).max(1e-16))
}

/// LightGBM's starting score of a binary loss: the log-odds of the weighted positive rate, over `sigmoid`.
fn log_odds(positive_rate: f64, sigmoid: f64) -> f64 {
    let p = positive_rate.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).ln() / sigmoid
}

/// Softmax gradients as LightGBM computes them (`Common::Softmax`: the row's
/// maximum, `exp(s - max)` summed in class order, then each divided by the
/// sum): one exponential per score. Scores and gradients are stored class
/// by class, so rows are taken a chunk at a time, each class's run of the
/// chunk read and written in order; chunks run in parallel, and every value
/// depends on its row only.
fn multiclass_gradients(k: usize, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
    let n = labels.len();
    let factor = k as f64 / (k as f64 - 1.0);
    let mut chunks: Vec<Vec<&mut [[f32; 2]]>> = (0..n.div_ceil(ROWS)).map(|_| Vec::with_capacity(k)).collect();
    for block in out.chunks_mut(n) {
        block.chunks_mut(ROWS).zip(chunks.iter_mut()).for_each(|(piece, chunk)| chunk.push(piece));
    }
    const ROWS: usize = 1024;
    chunks.into_par_iter().enumerate().for_each(|(ch, mut pieces)| {
        let rows = ch * ROWS..ch * ROWS + pieces[0].len();
        let class_scores: Vec<&[f64]> = (0..k).map(|c| &scores[c * n + rows.start..c * n + rows.end]).collect();
        let (y, w) = (&labels[rows.clone()], weights.map(|w| &w[rows]));
        #[cfg(target_arch = "x86_64")]
        if vector_math::avx512() {
            // SAFETY: the CPU has the features `softmax_avx512` is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                softmax_avx512(&class_scores, y, w, factor, &mut pieces)
            };
            return;
        }
        softmax(&class_scores, y, w, factor, &mut pieces);
    });
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn softmax_avx512(scores: &[&[f64]], y: &[f64], w: Option<&[f64]>, factor: f64, out: &mut [&mut [[f32; 2]]]) {
    softmax(scores, y, w, factor, out);
}

/// One chunk of [`multiclass_gradients`]: `scores[c]` and `out[c]` are class
/// `c`'s run of the chunk's rows.
#[inline(always)]
fn softmax(scores: &[&[f64]], y: &[f64], w: Option<&[f64]>, factor: f64, out: &mut [&mut [[f32; 2]]]) {
    let len = y.len();
    let mut max = scores[0].to_vec();
    for s in &scores[1..] {
        for (m, &s) in max.iter_mut().zip(*s) {
            *m = m.max(s);
        }
    }
    let mut e = vec![0.0f64; scores.len() * len];
    let mut sum = vec![0.0f64; len];
    for (ec, s) in e.chunks_mut(len).zip(scores) {
        for (((v, &s), &m), t) in ec.iter_mut().zip(*s).zip(&max).zip(sum.iter_mut()) {
            *v = vector_math::exp(s - m);
            *t += *v;
        }
    }
    for (c, (piece, ec)) in out.iter_mut().zip(e.chunks(len)).enumerate() {
        let cls = c as f64;
        for (j, (slot, (&v, &t))) in piece.iter_mut().zip(ec.iter().zip(&sum)).enumerate() {
            let p = v / t;
            let yc = if y[j] == cls { 1.0 } else { 0.0 };
            let wj = w.map_or(1.0, |w| w[j]);
            *slot = [((p - yc) * wj) as f32, ((factor * p * (1.0 - p)).max(1e-16) * wj) as f32];
        }
    }
}

/// Element-wise gradients in parallel chunks (the result does not depend on
/// threads): `f(score, label, param)` for each row. `f` is a function, not
/// a closure, so that it is inlined into the chunk's loop, which is compiled
/// twice (for AVX-512 and without: the same bits, see `vector_math.rs`).
fn elementwise<F: Fn(f64, f64, f64) -> (f64, f64) + Copy + Sync>(
    scores: &[f64],
    labels: &[f64],
    weights: Option<&[f64]>,
    out: &mut [[f32; 2]],
    param: f64,
    f: F,
) {
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
        let rows = c * CHUNK..c * CHUNK + o.len();
        let part = Part { s: &scores[rows.clone()], y: &labels[rows.clone()], w: weights.map(|w| &w[rows]) };
        #[cfg(target_arch = "x86_64")]
        if vector_math::avx512() {
            // SAFETY: the CPU has the features `chunk_avx512` is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                chunk_avx512(part, o, param, f)
            };
            return;
        }
        chunk(part, o, param, f);
    });
}

/// A chunk's scores, labels and weights.
#[derive(Clone, Copy)]
struct Part<'a> {
    s: &'a [f64],
    y: &'a [f64],
    w: Option<&'a [f64]>,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn chunk_avx512<F: Fn(f64, f64, f64) -> (f64, f64) + Copy>(part: Part<'_>, out: &mut [[f32; 2]], param: f64, f: F) {
    chunk(part, out, param, f);
}

/// One chunk of [`elementwise`]; unweighted rows skip the product by 1 (the same bits).
#[inline(always)]
fn chunk<F: Fn(f64, f64, f64) -> (f64, f64) + Copy>(part: Part<'_>, out: &mut [[f32; 2]], param: f64, f: F) {
    let Part { s, y, w } = part;
    match w {
        None => {
            for (slot, (&s, &y)) in out.iter_mut().zip(s.iter().zip(y)) {
                let (g, h) = f(s, y, param);
                *slot = [g as f32, h as f32];
            }
        }
        Some(w) => {
            for (slot, ((&s, &y), &w)) in out.iter_mut().zip(s.iter().zip(y).zip(w)) {
                let (g, h) = f(s, y, param);
                *slot = [(g * w) as f32, (h * w) as f32];
            }
        }
    }
}

/// The element-wise losses: `(gradient, hessian)` at a score and label,
/// given the loss's one parameter (unused by some).
mod pointwise {
    use ironlearn_linalg::vector_math::{exp, sigmoid};

    #[inline(always)]
    pub fn regression(s: f64, y: f64, _: f64) -> (f64, f64) {
        (s - y, 1.0)
    }

    #[inline(always)]
    pub fn l1(s: f64, y: f64, _: f64) -> (f64, f64) {
        ((s - y).signum() * f64::from(u8::from(s != y)), 1.0)
    }

    #[inline(always)]
    pub fn huber(s: f64, y: f64, alpha: f64) -> (f64, f64) {
        let d = s - y;
        (if d.abs() <= alpha { d } else { d.signum() * alpha }, 1.0)
    }

    /// LightGBM keeps alpha and the residual's sign in f32.
    #[inline(always)]
    pub fn quantile(s: f64, y: f64, alpha: f64) -> (f64, f64) {
        let a = alpha as f32;
        (f64::from(if (s - y) as f32 >= 0.0 { 1.0 - a } else { -a }), 1.0)
    }

    #[inline(always)]
    pub fn poisson(s: f64, y: f64, max_delta_step: f64) -> (f64, f64) {
        (exp(s) - y, exp(s + max_delta_step))
    }

    #[inline(always)]
    pub fn gamma(s: f64, y: f64, _: f64) -> (f64, f64) {
        let e = exp(-s);
        (1.0 - y * e, y * e)
    }

    #[inline(always)]
    pub fn tweedie(s: f64, y: f64, rho: f64) -> (f64, f64) {
        let (a, b) = (exp((1.0 - rho) * s), exp((2.0 - rho) * s));
        (-y * a + b, -y * (1.0 - rho) * a + (2.0 - rho) * b)
    }

    #[inline(always)]
    pub fn fair(s: f64, y: f64, c: f64) -> (f64, f64) {
        let x = s - y;
        (c * x / (x.abs() + c), c * c / ((x.abs() + c) * (x.abs() + c)))
    }

    #[inline(always)]
    pub fn binary(s: f64, y: f64, _: f64) -> (f64, f64) {
        let p = sigmoid(s);
        (p - y, (p * (1.0 - p)).max(1e-16))
    }

    #[inline(always)]
    pub fn cross_entropy(s: f64, y: f64, _: f64) -> (f64, f64) {
        // Both branches are computed and one selected: the loop stays vectorised.
        let e = exp(-s);
        let hi = (((1.0 - y) - y * e) / (1.0 + e), e / ((1.0 + e) * (1.0 + e)));
        let e = exp(s);
        let lo = (e - y, e);
        let (g, h) = if s > -37.0 { hi } else { lo };
        (g, h.max(1e-16))
    }

    /// One class of a one-vs-all log loss with LightGBM's `sigmoid` scale; `y` is 1 or 0.
    #[inline(always)]
    pub fn binary_scaled(s: f64, y: f64, sigmoid: f64) -> (f64, f64) {
        super::binary_gradient(s, y > 0.0, sigmoid)
    }
}

impl Objective for Builtin {
    fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        match *self {
            Builtin::Regression => elementwise(scores, labels, weights, out, 0.0, pointwise::regression),
            Builtin::L1 => elementwise(scores, labels, weights, out, 0.0, pointwise::l1),
            Builtin::Huber { alpha } => elementwise(scores, labels, weights, out, alpha, pointwise::huber),
            Builtin::Quantile { alpha } => elementwise(scores, labels, weights, out, alpha, pointwise::quantile),
            Builtin::Poisson { max_delta_step } => {
                elementwise(scores, labels, weights, out, max_delta_step, pointwise::poisson)
            }
            Builtin::Gamma => elementwise(scores, labels, weights, out, 0.0, pointwise::gamma),
            Builtin::Tweedie { rho } => elementwise(scores, labels, weights, out, rho, pointwise::tweedie),
            Builtin::Fair { c } => elementwise(scores, labels, weights, out, c, pointwise::fair),
            Builtin::Mape => {
                // The weight is inside the gradient; the hessian is the plain weight.
                out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| {
                    for (k, slot) in o.iter_mut().enumerate() {
                        let i = c * CHUNK + k;
                        let w = weights.map(|w| w[i]);
                        let sign = f64::from(i8::from(scores[i] > labels[i]) - i8::from(scores[i] < labels[i]));
                        *slot = [(sign * mape_weight(labels[i], w)) as f32, w.unwrap_or(1.0) as f32];
                    }
                });
            }
            Builtin::Binary => elementwise(scores, labels, weights, out, 0.0, pointwise::binary),
            Builtin::CrossEntropy => elementwise(scores, labels, weights, out, 0.0, pointwise::cross_entropy),
            Builtin::MulticlassOva { sigmoid, .. } => {
                let n = labels.len();
                for (c, block) in out.chunks_mut(n).enumerate() {
                    // Class c against the rest: LightGBM's test is `int(label) == c`.
                    let class_labels: Vec<f64> =
                        labels.iter().map(|&y| f64::from(u8::from(y as i64 == c as i64))).collect();
                    elementwise(
                        &scores[c * n..(c + 1) * n],
                        &class_labels,
                        weights,
                        block,
                        sigmoid,
                        pointwise::binary_scaled,
                    );
                }
            }
            Builtin::Multiclass { num_class: k } => multiclass_gradients(k, scores, labels, weights, out),
            Builtin::Lambdarank(ref r) => r.gradients(scores, labels, weights, out),
            Builtin::RankXendcg(ref r) => r.gradients(scores, labels, weights, out),
        }
    }

    fn num_outputs(&self) -> usize {
        match self {
            Builtin::Multiclass { num_class } | Builtin::MulticlassOva { num_class, .. } => *num_class,
            _ => 1,
        }
    }

    fn init_scores(&self, y: &[f64], w: Option<&[f64]>) -> Vec<f64> {
        let pairs = || y.iter().enumerate().map(|(i, &v)| (v, w.map_or(1.0, |w| w[i])));
        match self {
            Builtin::Regression | Builtin::Huber { .. } | Builtin::Fair { .. } => vec![weighted_mean(y, w)],
            Builtin::L1 => vec![lightgbm_quantile(pairs(), w.is_some(), 0.5, true)],
            Builtin::Quantile { alpha } => {
                vec![lightgbm_quantile(pairs(), w.is_some(), f64::from(*alpha as f32), true)]
            }
            Builtin::Mape => {
                let pairs = y.iter().enumerate().map(|(i, &v)| (v, mape_weight(v, w.map(|w| w[i]))));
                vec![lightgbm_quantile(pairs, true, 0.5, true)]
            }
            Builtin::Poisson { .. } | Builtin::Gamma | Builtin::Tweedie { .. } => {
                vec![weighted_mean(y, w).max(1e-15).ln()]
            }
            Builtin::Binary => {
                let p = weighted_mean(y, w).clamp(1e-15, 1.0 - 1e-15);
                vec![(p / (1.0 - p)).ln()]
            }
            Builtin::CrossEntropy => vec![log_odds(weighted_mean(y, w), 1.0)],
            Builtin::MulticlassOva { num_class, sigmoid } => (0..*num_class)
                .map(|c| {
                    let positive: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v as i64 == c as i64))).collect();
                    log_odds(weighted_mean(&positive, w), *sigmoid)
                })
                .collect(),
            Builtin::Multiclass { num_class } => {
                let total: f64 = w.map_or(y.len() as f64, |w| w.iter().sum());
                let mut counts = vec![0.0; *num_class];
                y.iter().enumerate().for_each(|(i, &c)| counts[c as usize] += w.map_or(1.0, |w| w[i]));
                counts.iter().map(|c| (c / total).max(1e-15).ln()).collect()
            }
            Builtin::Lambdarank(_) | Builtin::RankXendcg(_) => vec![0.0],
        }
    }

    fn name(&self) -> &str {
        match self {
            Builtin::Regression => "regression",
            Builtin::L1 => "regression_l1",
            Builtin::Huber { .. } => "huber",
            Builtin::Fair { .. } => "fair",
            Builtin::Mape => "mape",
            Builtin::Quantile { .. } => "quantile",
            Builtin::Poisson { .. } => "poisson",
            Builtin::Gamma => "gamma",
            Builtin::Tweedie { .. } => "tweedie",
            Builtin::Binary => "binary",
            Builtin::CrossEntropy => "cross_entropy",
            Builtin::Multiclass { .. } => "multiclass",
            Builtin::MulticlassOva { .. } => "multiclassova",
            Builtin::Lambdarank(_) => "lambdarank",
            Builtin::RankXendcg(_) => "rank_xendcg",
        }
    }

    fn renew_quantile(&self) -> Option<f64> {
        match self {
            Builtin::L1 | Builtin::Mape => Some(0.5),
            Builtin::Quantile { alpha } => Some(*alpha),
            _ => None,
        }
    }

    fn renew_leaf(&self, rows: &[u32], labels: &[f64], scores: &[f64], weights: Option<&[f64]>) -> Option<f64> {
        let residuals = rows.iter().map(|&r| {
            let r = r as usize;
            (labels[r] - scores[r], r)
        });
        Some(match self {
            Builtin::L1 | Builtin::Quantile { .. } => {
                // LightGBM's quantile objective keeps alpha in f32.
                let q = f64::from(self.renew_quantile()? as f32);
                let pairs = residuals.map(|(x, r)| (x, weights.map_or(1.0, |w| w[r])));
                lightgbm_quantile(pairs, weights.is_some(), q, false)
            }
            // MAPE weighs each residual by its row's MAPE weight, with or without user weights.
            Builtin::Mape => {
                let pairs = residuals.map(|(x, r)| (x, mape_weight(labels[r], weights.map(|w| w[r]))));
                lightgbm_quantile(pairs, true, 0.5, false)
            }
            _ => return None,
        })
    }

    fn transform(&self) -> Transform {
        match self {
            Builtin::Poisson { .. } | Builtin::Gamma | Builtin::Tweedie { .. } => Transform::Exp,
            Builtin::Binary | Builtin::CrossEntropy => Transform::Sigmoid,
            Builtin::Multiclass { .. } => Transform::Softmax,
            Builtin::MulticlassOva { sigmoid, .. } if *sigmoid == 1.0 => Transform::Sigmoid,
            Builtin::MulticlassOva { sigmoid, .. } => Transform::ScaledSigmoid(*sigmoid),
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
            Builtin::CrossEntropy => (|v| !(0.0..=1.0).contains(&v), "[0, 1]"),
            Builtin::Lambdarank(_) | Builtin::RankXendcg(_) => {
                (|v| v < 0.0 || v.fract() != 0.0, "non-negative integer relevance")
            }
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

    /// Gives a ranking objective its query groups (`boundaries[g]..boundaries[g + 1]`
    /// are query `g`'s rows); the others ignore them.
    pub fn set_query_boundaries(&mut self, boundaries: Option<&[usize]>) -> Result<()> {
        if !matches!(self, Builtin::Lambdarank(_) | Builtin::RankXendcg(_)) {
            return Ok(());
        }
        let b = boundaries.ok_or_else(|| {
            Error::InvalidValue(format!("objective '{}' needs query groups (group sizes)", self.name()))
        })?;
        match self {
            Builtin::Lambdarank(r) => r.boundaries = b.to_vec(),
            Builtin::RankXendcg(r) => r.set_boundaries(b.to_vec()),
            _ => {}
        }
        Ok(())
    }

    /// Gives lambdarank each row's display position (ids from 0), which it
    /// debiases its gradients for (position_bias.rs); the other objectives
    /// ignore positions, as LightGBM's do.
    pub fn set_positions(&mut self, positions: Option<&[u32]>, n_rows: usize, p: &Gbdt) -> Result<()> {
        let Some(pos) = positions else { return Ok(()) };
        ensure!(pos.len() == n_rows, Shape, "Positions size ({}) doesn't match data size ({n_rows})", pos.len());
        if let Builtin::Lambdarank(r) = self {
            let (rate, reg) = (p.learning_rate, p.lambdarank_position_bias_regularization);
            r.position_bias = Some(crate::position_bias::PositionBias::new(pos.to_vec(), rate, reg));
        }
        Ok(())
    }
}

/// The objective, the labels as numbers (borrowed when they already are) and the class names.
pub(crate) type Resolved<'y> = (Builtin, Cow<'y, [f64]>, Option<Vec<String>>);

/// LightGBM's names of the one-vs-all multiclass objective.
const OVA: [&str; 4] = ["multiclassova", "multiclass_ova", "ova", "ovr"];

/// The built-in objective the parameters and target ask for, with the labels as numbers.
pub(crate) fn resolve_objective<'y>(p: &Gbdt, y: &'y Target) -> Result<Resolved<'y>> {
    let name = p.objective.as_str();
    let classify = matches!(name, "binary" | "multiclass" | "softmax")
        || OVA.contains(&name)
        || (name == "auto" && matches!(y, Target::Labels(_)));
    if classify {
        let labels = y.labels()?;
        // LightGBM trains an explicit binary objective on one observed class (it
        // predicts that class); a class list of two is that case, anything else
        // needs two classes present.
        if !(name == "binary" && labels.classes().len() == 2) {
            labels.check_two_classes()?;
        }
        let k = labels.n_classes();
        let objective = match name {
            "binary" => {
                ensure!(k == 2, InvalidValue, "objective 'binary' needs 2 classes, the target has {k}; use multiclass");
                Builtin::Binary
            }
            "multiclass" | "softmax" => Builtin::Multiclass { num_class: k },
            _ if OVA.contains(&name) => Builtin::MulticlassOva { num_class: k, sigmoid: p.sigmoid },
            _ if k == 2 => Builtin::Binary,
            _ => Builtin::Multiclass { num_class: k },
        };
        if p.num_class > 0 && k != p.num_class && k > 2 {
            bail!(InvalidValue, "num_class is {} but the target has {k} classes", p.num_class);
        }
        check_sigmoid(p, &objective)?;
        let codes: Vec<f64> = labels.codes().iter().map(|&c| f64::from(c)).collect();
        return Ok((objective, Cow::Owned(codes), Some(labels.classes().to_vec())));
    }
    // LightGBM's rule, checked before the labels are read.
    if p.num_class > 1 {
        return Err(Error::param(
            "num_class",
            format!(
                "Number of classes must be 1 for non-multiclass training: num_class is {} with objective '{name}'",
                p.num_class
            ),
        ));
    }
    // Regression labels are borrowed, not copied: they can be millions of rows.
    let values = y.values()?;
    ironlearn_core::validate::check_target(values)?;
    let objective = match name {
        "auto"
        | "regression"
        | "l2"
        | "mse"
        | "mean_squared_error"
        | "regression_l2"
        | "rmse"
        | "l2_root"
        | "root_mean_squared_error" => Builtin::Regression,
        "regression_l1" | "l1" | "mae" | "mean_absolute_error" => Builtin::L1,
        "huber" => Builtin::Huber { alpha: p.alpha },
        "fair" => Builtin::Fair { c: p.fair_c },
        "mape" | "mean_absolute_percentage_error" => Builtin::Mape,
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
        "cross_entropy" | "xentropy" => Builtin::CrossEntropy,
        "lambdarank" => Builtin::Lambdarank(Lambdarank {
            boundaries: Vec::new(),
            label_gain: if p.label_gain.is_empty() { default_label_gain() } else { p.label_gain.clone() },
            truncation_level: p.lambdarank_truncation_level,
            position_bias: None,
        }),
        "rank_xendcg" | "xendcg" | "xe_ndcg" | "xe_ndcg_mart" | "xendcg_mart" => {
            Builtin::RankXendcg(RankXendcg::new(p.objective_seed))
        }
        other => bail!(InvalidValue, "objective '{other}' cannot be used with this target"),
    };
    objective.check_labels(values)?;
    check_sigmoid(p, &objective)?;
    Ok((objective, Cow::Borrowed(values), None))
}

/// LightGBM's `sigmoid` also scales binary and lambdarank; here only
/// multiclassova takes it, and another loss refuses a value it would ignore.
fn check_sigmoid(p: &Gbdt, objective: &Builtin) -> Result<()> {
    if p.sigmoid != 1.0 && matches!(objective, Builtin::Binary | Builtin::Lambdarank(_)) {
        return Err(Error::param(
            "sigmoid",
            format!(
                "objective '{}' is implemented with sigmoid 1 only, got {}; only multiclassova takes another",
                objective.name(),
                p.sigmoid
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
