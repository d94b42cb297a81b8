//! Platt scaling: a one-feature logistic regression on a classifier's scores.
//!
//! scikit-learn's `_sigmoid_calibration` (`sklearn/calibration.py`, version
//! 1.9): the targets are smoothed towards the class priors (Platt's Bayesian
//! targets `(n1 + 1) / (n1 + 2)` and `1 / (n0 + 2)`), large scores are scaled
//! down before fitting, and `P(y = 1 | f) = 1 / (1 + exp(a f + b))`. The
//! problem is convex in `(a, b)`; Newton's method with a backtracking line
//! search reaches the optimum scikit-learn's L-BFGS approaches.

use serde::{Deserialize, Serialize};

/// A fitted sigmoid: `1 / (1 + exp(a f + b))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sigmoid {
    pub a: f64,
    pub b: f64,
}

fn log1pexp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

impl Sigmoid {
    /// Fits `(a, b)` to scores `f` and binary targets `y` (true: the positive class).
    pub fn fit(f: &[f64], y: &[bool], weight: Option<&[f64]>) -> Sigmoid {
        let w = |i: usize| weight.map_or(1.0, |w| w[i]);
        let max = f.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = if max >= 30.0 { max } else { 1.0 };
        let f: Vec<f64> = f.iter().map(|v| v / scale).collect();
        let (mut prior0, mut prior1) = (0.0, 0.0);
        for (i, &pos) in y.iter().enumerate() {
            if pos {
                prior1 += w(i);
            } else {
                prior0 += w(i);
            }
        }
        let t: Vec<f64> =
            y.iter().map(|&pos| if pos { (prior1 + 1.0) / (prior1 + 2.0) } else { 1.0 / (prior0 + 2.0) }).collect();
        // The loss of raw score r = -(a f + b): log(1 + exp(r)) - t r.
        let loss = |a: f64, b: f64| -> f64 {
            (0..f.len())
                .map(|i| {
                    let r = -(a * f[i] + b);
                    w(i) * (log1pexp(r) - t[i] * r)
                })
                .sum()
        };
        let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
        let mut current = loss(a, b);
        for _ in 0..200 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for i in 0..f.len() {
                let r = -(a * f[i] + b);
                let p = expit(r);
                let g = w(i) * (p - t[i]);
                let h = w(i) * p * (1.0 - p);
                ga -= g * f[i];
                gb -= g;
                haa += h * f[i] * f[i];
                hab += h * f[i];
                hbb += h;
            }
            if ga.abs().max(gb.abs()) < 1e-12 {
                break;
            }
            let det = haa * hbb - hab * hab;
            let (da, db) =
                if det > 1e-300 { ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det) } else { (ga, gb) };
            let mut step = 1.0;
            loop {
                let (na, nb) = (a - step * da, b - step * db);
                let l = loss(na, nb);
                if l <= current || step < 1e-10 {
                    if l <= current {
                        a = na;
                        b = nb;
                        current = l;
                    }
                    break;
                }
                step *= 0.5;
            }
            if step < 1e-10 {
                break;
            }
        }
        Sigmoid { a: a / scale, b }
    }

    /// The calibrated probability of score `f`.
    pub fn predict(&self, f: f64) -> f64 {
        expit(-(self.a * f + self.b))
    }
}
