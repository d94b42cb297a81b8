//! The solver shared by the generalised linear models (Poisson, Gamma, Tweedie).
//!
//! The three regressors differ only in the Tweedie power and the link, so one
//! objective serves them all: scikit-learn's
//! `Σ wᵢ·½devianceᵢ / Σw + α/2·||coef||²` (intercept unpenalised), with the
//! half deviances written as scikit-learn's losses write them (constant
//! terms dropped, which moves no optimum). Two solvers reach the same
//! optimum: L-BFGS (scikit-learn's default, cheap per iteration) and Newton
//! with a Cholesky-solved step and a backtracking Armijo line search (few
//! iterations, each one a `p × p` factorisation; best with few features).
//! Like scikit-learn's, Newton falls back to L-BFGS when the pointwise
//! Hessian is mostly negative, the factorisation fails or the line search
//! finds no decrease.

use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, MatRef, Par, Side};
use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{bail, Result};
use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The link between the linear predictor `η` and the mean `μ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Link {
    /// `μ = η`.
    Identity,
    /// `μ = exp(η)`.
    Log,
}

impl Link {
    /// scikit-learn's `link` parameter: "auto" is identity for `power <= 0`, log otherwise.
    pub fn from_name(name: &str, power: f64) -> Result<Link> {
        Ok(match name {
            "auto" if power <= 0.0 => Link::Identity,
            "auto" | "log" => Link::Log,
            "identity" => Link::Identity,
            _ => bail!(InvalidValue, "link must be 'auto', 'identity' or 'log', got '{name}'"),
        })
    }
}

/// A Tweedie family (power 0: normal, 1: Poisson, 2: Gamma, 3: inverse Gaussian) with its link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Family {
    pub power: f64,
    pub link: Link,
}

impl Family {
    /// Whether `y` lies in the family's range: any real for `p <= 0`, `>= 0` for `0 < p < 2`, `> 0` for `p >= 2`.
    fn y_ok(&self, y: f64) -> bool {
        if self.power <= 0.0 {
            true
        } else if self.power < 2.0 {
            y >= 0.0
        } else {
            y > 0.0
        }
    }

    fn link(&self, mu: f64) -> f64 {
        match self.link {
            Link::Identity => mu,
            Link::Log => mu.ln(),
        }
    }

    /// The half deviance (up to terms free of `η`) and its first two derivatives in `η`.
    fn point(&self, y: f64, eta: f64) -> (f64, f64, f64) {
        let p = self.power;
        match self.link {
            Link::Log => {
                let mu = eta.exp();
                if p == 0.0 {
                    (0.5 * (mu - y).powi(2), (mu - y) * mu, mu * (2.0 * mu - y))
                } else if p == 1.0 {
                    (mu - y * eta, mu - y, mu)
                } else if p == 2.0 {
                    let r = y / mu;
                    (eta + r, 1.0 - r, r)
                } else {
                    let a = ((2.0 - p) * eta).exp();
                    let b = ((1.0 - p) * eta).exp();
                    (a / (2.0 - p) - y * b / (1.0 - p), a - y * b, (2.0 - p) * a - (1.0 - p) * y * b)
                }
            }
            Link::Identity => {
                let mu = eta;
                if p == 0.0 {
                    return (0.5 * (mu - y).powi(2), mu - y, 1.0);
                }
                if mu <= 0.0 {
                    return (f64::INFINITY, 0.0, 0.0);
                }
                if p == 1.0 {
                    let l = if y == 0.0 { mu } else { mu - y * mu.ln() };
                    (l, 1.0 - y / mu, y / (mu * mu))
                } else if p == 2.0 {
                    (mu.ln() + y / mu, 1.0 / mu - y / (mu * mu), -1.0 / (mu * mu) + 2.0 * y / (mu * mu * mu))
                } else {
                    let l = mu.powf(2.0 - p) / (2.0 - p) - y * mu.powf(1.0 - p) / (1.0 - p);
                    let g = (mu - y) * mu.powf(-p);
                    let h = mu.powf(-p) - p * (mu - y) * mu.powf(-p - 1.0);
                    (l, g, h)
                }
            }
        }
    }
}

/// The GLM solver settings (scikit-learn's parameters of the same names).
pub(crate) struct Settings<'a> {
    pub alpha: f64,
    pub fit_intercept: bool,
    pub solver: &'a str,
    pub max_iter: usize,
    pub tol: f64,
}

/// The learned state shared by the GLM regressors: `μ = link⁻¹(x·coef + intercept)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GlmState {
    #[serde(with = "ironlearn_core::state::array1")]
    pub coef: Array1<f64>,
    pub intercept: f64,
    /// Solver iterations used.
    pub n_iter: usize,
    pub link: Link,
}

impl GlmState {
    pub fn predict(&self, x: ArrayView2<'_, f64>, estimator: &str) -> Result<Array1<f64>> {
        check_predict_input(x, self.coef.len(), estimator)?;
        let eta = x.dot(&self.coef) + self.intercept;
        Ok(match self.link {
            Link::Identity => eta,
            Link::Log => eta.mapv(f64::exp),
        })
    }
}

/// The objective and its derivatives at `theta = [coef…, intercept]`.
struct Problem<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [f64],
    /// Weights normalised to sum 1.
    w: Vec<f64>,
    family: Family,
    alpha: f64,
    fit_intercept: bool,
}

impl Problem<'_> {
    fn eta(&self, theta: &[f64]) -> Array1<f64> {
        let p = self.x.ncols();
        let coef = ndarray::ArrayView1::from(&theta[..p]);
        let b = if self.fit_intercept { theta[p] } else { 0.0 };
        self.x.dot(&coef) + b
    }

    fn penalty(&self, theta: &[f64]) -> f64 {
        0.5 * self.alpha * theta[..self.x.ncols()].iter().map(|v| v * v).sum::<f64>()
    }

    /// The objective, and its gradient written into `grad`: one pass over
    /// fixed row blocks (`η = X_b·coef`, then `X_bᵀ·g_b`, both faer products),
    /// summed in block order, so the result does not depend on the thread count.
    fn loss_grad(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (n, p) = self.x.dim();
        let xs = self.x.as_slice().expect("fit_glm passes a standard-layout X");
        let coef = MatRef::from_column_major_slice(&theta[..p], p, 1);
        let b = if self.fit_intercept { theta[p] } else { 0.0 };
        let starts: Vec<usize> = (0..n).step_by(super::gram::ROWS).collect();
        let parts: Vec<(f64, Mat<f64>, f64)> = starts
            .par_iter()
            .map(|&s| {
                let e = (s + super::gram::ROWS).min(n);
                let xb = MatRef::from_row_major_slice(&xs[s * p..e * p], e - s, p);
                let mut z = Mat::<f64>::zeros(e - s, 1);
                ironlearn_linalg::matmul(z.as_mut(), Accum::Replace, xb, coef, 1.0, Par::Seq);
                let (mut loss, mut g_sum) = (0.0, 0.0);
                for i in 0..e - s {
                    let (l, g, _) = self.family.point(self.y[s + i], z[(i, 0)] + b);
                    loss += self.w[s + i] * l;
                    z[(i, 0)] = self.w[s + i] * g;
                    g_sum += z[(i, 0)];
                }
                let mut gx = Mat::<f64>::zeros(p, 1);
                ironlearn_linalg::matmul(gx.as_mut(), Accum::Replace, xb.transpose(), z.as_ref(), 1.0, Par::Seq);
                (loss, gx, g_sum)
            })
            .collect();
        let mut loss = 0.0;
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (l, gx, g_sum) in &parts {
            loss += l;
            (0..p).for_each(|j| grad[j] += gx[(j, 0)]);
            if self.fit_intercept {
                grad[p] += g_sum;
            }
        }
        for j in 0..p {
            grad[j] += self.alpha * theta[j];
        }
        if !loss.is_finite() {
            return f64::INFINITY;
        }
        loss + self.penalty(theta)
    }

    /// The Hessian, with scikit-learn's treatment of negative pointwise values
    /// (their absolute value); `None` when more than a quarter are not positive
    /// (scikit-learn's signal to fall back to L-BFGS).
    fn hessian(&self, theta: &[f64]) -> Option<Mat<f64>> {
        let (n, p) = self.x.dim();
        let m = p + usize::from(self.fit_intercept);
        let eta = self.eta(theta);
        let mut h = vec![0.0; n];
        let mut bad = 0;
        for (i, e) in eta.iter().enumerate() {
            let (_, _, hi) = self.family.point(self.y[i], *e);
            if hi <= 0.0 {
                bad += 1;
            }
            h[i] = self.w[i] * hi.abs();
        }
        if 4 * bad > n {
            return None;
        }
        let sq: Vec<f64> = h.iter().map(|v| v.sqrt()).collect();
        let a = Mat::from_fn(n, m, |i, j| sq[i] * if j < p { self.x[[i, j]] } else { 1.0 });
        let mut hess = super::gram::block_gram(a.as_ref());
        (0..p).for_each(|j| hess[(j, j)] += self.alpha);
        Some(hess)
    }
}

/// Checks the input and fits; `loss_name` is scikit-learn's loss class, named in the range error.
pub(crate) fn fit_glm(
    x: ArrayView2<'_, f64>,
    y: &[f64],
    w: Option<&[f64]>,
    family: Family,
    settings: &Settings<'_>,
    loss_name: &str,
) -> Result<GlmState> {
    check_fit_input(x, y.len())?;
    check_target(y)?;
    check_sample_weight(w, y.len())?;
    if !y.iter().all(|&v| family.y_ok(v)) {
        bail!(InvalidValue, "Some value(s) of y are out of the valid range of the loss '{loss_name}'.");
    }
    let x = x.as_standard_layout();
    let x = x.view();
    let (n, p) = x.dim();
    let sw: f64 = w.map_or(n as f64, |w| w.iter().sum());
    let wn: Vec<f64> = (0..n).map(|i| w.map_or(1.0, |w| w[i]) / sw).collect();
    let m = p + usize::from(settings.fit_intercept);
    let mut theta = vec![0.0; m];
    if settings.fit_intercept {
        let y_mean: f64 = y.iter().zip(&wn).map(|(y, w)| y * w).sum();
        theta[p] = family.link(y_mean);
    }
    let problem = Problem { x, y, w: wn, family, alpha: settings.alpha, fit_intercept: settings.fit_intercept };
    let (theta, n_iter) = match settings.solver {
        "lbfgs" => lbfgs(&problem, theta, settings),
        "newton-cholesky" => newton(&problem, theta, settings),
        other => bail!(InvalidValue, "solver must be 'lbfgs' or 'newton-cholesky', got '{other}'"),
    };
    if theta.iter().any(|v| !v.is_finite()) {
        bail!(InvalidValue, "the solver diverged (non-finite coefficients); scale X or raise alpha");
    }
    let intercept = if settings.fit_intercept { theta[p] } else { 0.0 };
    Ok(GlmState { coef: Array1::from(theta[..p].to_vec()), intercept, n_iter, link: family.link })
}

fn lbfgs(problem: &Problem<'_>, theta: Vec<f64>, settings: &Settings<'_>) -> (Vec<f64>, usize) {
    let opts = ironlearn_linalg::Lbfgs {
        max_iter: settings.max_iter,
        gtol: settings.tol,
        ftol: 64.0 * f64::EPSILON,
        ..Default::default()
    };
    let res = ironlearn_linalg::minimize(|t, g| problem.loss_grad(t, g), theta, &opts);
    (res.x, res.n_iter)
}

/// scikit-learn's `NewtonCholeskySolver`: Newton steps from a Cholesky
/// solve, backtracking (halving) until the Armijo condition holds; stops when
/// `max |∇| <= tol` and half the squared Newton decrement is `<= tol`.
fn newton(problem: &Problem<'_>, mut theta: Vec<f64>, settings: &Settings<'_>) -> (Vec<f64>, usize) {
    const BETA: f64 = 0.5;
    const SIGMA: f64 = 1.0 / 2048.0;
    let m = theta.len();
    let mut grad = vec![0.0; m];
    let mut loss = problem.loss_grad(&theta, &mut grad);
    let mut trial = vec![0.0; m];
    let mut trial_grad = vec![0.0; m];
    for iter in 1..=settings.max_iter {
        let Some(hess) = problem.hessian(&theta) else {
            return fall_back(problem, theta, settings, iter - 1);
        };
        let Ok(llt) = hess.llt(Side::Lower) else {
            return fall_back(problem, theta, settings, iter - 1);
        };
        let mut step = Mat::from_fn(m, 1, |i, _| -grad[i]);
        llt.solve_in_place(step.as_mut());
        let step: Vec<f64> = (0..m).map(|i| step[(i, 0)]).collect();
        let g_step: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        if !g_step.is_finite() || g_step > 0.0 {
            return fall_back(problem, theta, settings, iter - 1);
        }
        // Backtracking: t = 1, ½, … ½²⁰.
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..21 {
            trial.iter_mut().zip(theta.iter().zip(&step)).for_each(|(n, (c, s))| *n = c + t * s);
            let l = problem.loss_grad(&trial, &mut trial_grad);
            if l.is_finite() && l - loss <= t * SIGMA * g_step {
                accepted = true;
                loss = l;
                break;
            }
            // scikit-learn also accepts a step whose loss change is at rounding level but whose gradient shrinks.
            let eps = 16.0 * f64::EPSILON * loss.abs();
            let l1 = |g: &[f64]| g.iter().map(|v| v.abs()).sum::<f64>();
            if l.is_finite() && (l - loss).abs() <= eps && l1(&trial_grad) < l1(&grad) {
                accepted = true;
                loss = l;
                break;
            }
            t *= BETA;
        }
        if !accepted {
            return fall_back(problem, theta, settings, iter - 1);
        }
        theta.copy_from_slice(&trial);
        grad.copy_from_slice(&trial_grad);
        let g_max = grad.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
        // The Newton decrement of the step just taken: stepᵀ H step = -∇ᵀstep (before the step).
        if g_max <= settings.tol && 0.5 * -g_step <= settings.tol {
            return (theta, iter);
        }
    }
    (theta, settings.max_iter)
}

fn fall_back(problem: &Problem<'_>, theta: Vec<f64>, settings: &Settings<'_>, used: usize) -> (Vec<f64>, usize) {
    let rest = Settings { max_iter: settings.max_iter.saturating_sub(used).max(1), ..*settings };
    let (theta, n) = lbfgs(problem, theta, &rest);
    (theta, used + n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2};

    /// The block products give the plain sums' objective and gradient, over
    /// several row blocks and on a column-major (not standard-layout) `X`.
    #[test]
    fn blocked_loss_grad_equals_the_plain_sums() {
        let n = 2 * super::super::gram::ROWS + 123;
        let xf = Array2::from_shape_fn((3, n), |(j, i)| ((i * (j + 3)) as f64 * 0.37).sin()).reversed_axes();
        let y: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
        let w: Vec<f64> = (0..n).map(|i| (1.0 + (i % 3) as f64) / (2.0 * n as f64)).collect();
        let family = Family { power: 1.0, link: Link::Log };
        let theta = [0.3, -0.2, 0.1, 0.5];
        let x = xf.as_standard_layout();
        let problem = Problem { x: x.view(), y: &y, w: w.clone(), family, alpha: 0.1, fit_intercept: true };
        let mut grad = [0.0; 4];
        let loss = problem.loss_grad(&theta, &mut grad);
        let (mut want_loss, mut want_grad) = (0.0, [0.0; 4]);
        for i in 0..n {
            let eta = xf.slice(s![i, ..]).dot(&ndarray::arr1(&theta[..3])) + theta[3];
            let (l, g, _) = family.point(y[i], eta);
            want_loss += w[i] * l;
            (0..3).for_each(|j| want_grad[j] += w[i] * g * xf[[i, j]]);
            want_grad[3] += w[i] * g;
        }
        want_loss += 0.05 * theta[..3].iter().map(|v| v * v).sum::<f64>();
        (0..3).for_each(|j| want_grad[j] += 0.1 * theta[j]);
        assert!((loss - want_loss).abs() < 1e-12 * want_loss.abs(), "{loss} vs {want_loss}");
        for (g, want) in grad.iter().zip(want_grad) {
            assert!((g - want).abs() < 1e-12, "{grad:?} vs {want_grad:?}");
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! The GLM tests' data: the bundled diabetes data, standardised, and a small count data set.
    use ndarray::{Array1, Array2, Axis};

    /// diabetes.csv, each feature standardised (population std): `(X - X.mean(0)) / X.std(0)`.
    pub fn diabetes() -> (Array2<f64>, Vec<f64>) {
        let (x, y) = crate::test_data::load("diabetes");
        let mean = x.mean_axis(Axis(0)).unwrap();
        let std = x.std_axis(Axis(0), 0.0);
        ((&x - &mean) / &std, y.iter().map(|v| v.parse().unwrap()).collect())
    }

    /// `Xc[i, j] = sin(0.7·i·(j+1)) + 0.1·j`, 40 rows; the targets were drawn once with numpy:
    /// `rng = np.random.default_rng(0); mu = np.exp(0.5 + Xc @ [0.4, -0.3, 0.2])`,
    /// `yc = rng.poisson(mu)`, then `yg = np.round(rng.gamma(2.0, mu / 2.0), 3)`.
    pub fn counts() -> (Array2<f64>, Vec<f64>, Vec<f64>) {
        let x = Array2::from_shape_fn((40, 3), |(i, j)| (0.7 * i as f64 * (j + 1) as f64).sin() + 0.1 * j as f64);
        let yc = vec![
            1.0, 0.0, 0.0, 7.0, 1.0, 1.0, 2.0, 1.0, 0.0, 3.0, 5.0, 0.0, 6.0, 3.0, 1.0, 0.0, 1.0, 2.0, 1.0, 1.0, 2.0,
            1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 4.0, 4.0, 3.0, 3.0, 7.0, 0.0, 2.0, 3.0, 2.0, 1.0, 3.0, 1.0, 4.0,
        ];
        let yg = vec![
            0.35, 0.817, 1.707, 1.586, 0.888, 1.083, 0.755, 3.129, 1.558, 1.839, 2.01, 0.207, 1.286, 1.768, 0.388,
            0.765, 1.558, 0.404, 2.043, 1.017, 5.018, 2.792, 6.329, 1.663, 1.479, 1.943, 0.287, 0.177, 1.342, 2.477,
            1.844, 1.443, 1.022, 1.664, 1.0, 0.361, 0.965, 0.896, 2.831, 13.613,
        ];
        (x, yc, yg)
    }

    /// Equal to `tol` relative to `max(1, |expected|)`.
    pub fn assert_close(got: &Array1<f64>, want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol * w.abs().max(1.0), "[{i}]: {g} vs {w}");
        }
    }

    pub const SOLVERS: [&str; 2] = ["lbfgs", "newton-cholesky"];
}
