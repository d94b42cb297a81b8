//! A linear-programming solver: primal-dual interior point with Mehrotra's
//! predictor-corrector.
//!
//! scikit-learn hands some fits (quantile regression) to scipy's `linprog`
//! and its HiGHS solvers; this is the piece that replaces them. The problem
//! is taken in bounded form, `min c·x` subject to `A x = b` and
//! `l ≤ x ≤ u`, because the models that need it have few equality rows and
//! many boxed variables: each Newton step then solves one `m × m` system
//! `A D Aᵀ` (dense Cholesky), which costs `O(m²·n)`, so an LP with a handful
//! of rows and thousands of columns takes milliseconds. The result carries
//! the equality multipliers as well as `x`, since a model's parameters are
//! often the multipliers of its dual.

use ndarray::{Array1, ArrayView1, ArrayView2};

/// How the interior-point iterations stop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LpOptions {
    pub max_iter: usize,
    /// The relative duality gap and the relative residuals to reach.
    pub tol: f64,
}

impl Default for LpOptions {
    fn default() -> Self {
        LpOptions { max_iter: 200, tol: 1e-12 }
    }
}

/// The outcome of [`linprog`].
#[derive(Debug, Clone)]
#[allow(dead_code)] // a general LP's whole answer; the quantile regressor reads the multipliers
pub(crate) struct LpSolution {
    pub x: Array1<f64>,
    /// The multipliers of `A x = b`: `c - Aᵀy` is the reduced cost of each column.
    pub y: Array1<f64>,
    /// `c·x`.
    pub objective: f64,
    pub iterations: usize,
    /// Whether the gap and residuals reached the tolerance.
    pub converged: bool,
}

/// Dense Cholesky factorisation of a symmetric positive (semi)definite matrix, in place (lower triangle);
/// tiny pivots are lifted so a rank-deficient system still gives a step.
fn cholesky(m: &mut [f64], k: usize) {
    let scale = (0..k).map(|i| m[i * k + i].abs()).fold(0.0, f64::max).max(1e-300);
    for j in 0..k {
        let mut d = m[j * k + j];
        for p in 0..j {
            d -= m[j * k + p] * m[j * k + p];
        }
        let d = if d > 1e-14 * scale { d.sqrt() } else { (1e-14 * scale).sqrt() };
        m[j * k + j] = d;
        for i in j + 1..k {
            let mut s = m[i * k + j];
            for p in 0..j {
                s -= m[i * k + p] * m[j * k + p];
            }
            m[i * k + j] = s / d;
        }
    }
}

/// Solves `L Lᵀ v = r` in place.
fn cholesky_solve(l: &[f64], k: usize, r: &mut [f64]) {
    for i in 0..k {
        let mut s = r[i];
        for p in 0..i {
            s -= l[i * k + p] * r[p];
        }
        r[i] = s / l[i * k + i];
    }
    for i in (0..k).rev() {
        let mut s = r[i];
        for p in i + 1..k {
            s -= l[p * k + i] * r[p];
        }
        r[i] = s / l[i * k + i];
    }
}

/// The largest step in `(0, 1]` keeping `v + t·dv > 0` (times 0.99995, the usual damping).
fn max_step(v: &[f64], dv: &[f64], active: &[bool]) -> f64 {
    let mut t = 1.0f64;
    for ((&v, &d), &on) in v.iter().zip(dv).zip(active) {
        if on && d < 0.0 {
            t = t.min(-v / d);
        }
    }
    (0.99995 * t).min(1.0)
}

/// Minimises `c·x` subject to `A x = b` and `lower ≤ x ≤ upper` (bounds may be
/// infinite; a finite box keeps the iterations well posed). `A` is `m × n`, dense.
pub(crate) fn linprog(
    c: ArrayView1<'_, f64>,
    a: ArrayView2<'_, f64>,
    b: ArrayView1<'_, f64>,
    lower: ArrayView1<'_, f64>,
    upper: ArrayView1<'_, f64>,
    opts: &LpOptions,
) -> LpSolution {
    let (m, n) = a.dim();
    let has_l: Vec<bool> = lower.iter().map(|v| v.is_finite()).collect();
    let has_u: Vec<bool> = upper.iter().map(|v| v.is_finite()).collect();
    // Start in the middle of each box (or one unit inside a one-sided bound).
    let mut x: Vec<f64> = (0..n)
        .map(|i| match (has_l[i], has_u[i]) {
            (true, true) => 0.5 * (lower[i] + upper[i]),
            (true, false) => lower[i] + 1.0,
            (false, true) => upper[i] - 1.0,
            (false, false) => 0.0,
        })
        .collect();
    let c_norm = c.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1.0);
    let b_norm = b.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1.0);
    let mut y = vec![0.0; m];
    let mut zl: Vec<f64> = (0..n).map(|i| if has_l[i] { c_norm } else { 0.0 }).collect();
    let mut zu: Vec<f64> = (0..n).map(|i| if has_u[i] { c_norm } else { 0.0 }).collect();
    let n_compl = (has_l.iter().filter(|&&v| v).count() + has_u.iter().filter(|&&v| v).count()).max(1) as f64;

    let (mut rp, mut rd) = (vec![0.0; m], vec![0.0; n]);
    let (mut g, mut h, mut dinv) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let (mut dx, mut dzl, mut dzu, mut dy) = (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; m]);
    let (mut dx_aff, mut dzl_aff, mut dzu_aff) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut normal = vec![0.0; m * m];
    let mut converged = false;
    let mut iterations = 0;

    // One Newton direction for complementarity targets `rl` (lower) and `ru` (upper).
    #[allow(clippy::too_many_arguments)]
    fn direction(
        a: ArrayView2<'_, f64>,
        chol: &[f64],
        rp: &[f64],
        rd: &[f64],
        rl: &dyn Fn(usize) -> f64,
        ru: &dyn Fn(usize) -> f64,
        g: &[f64],
        h: &[f64],
        zl: &[f64],
        zu: &[f64],
        dinv: &[f64],
        has: (&[bool], &[bool]),
        out: (&mut [f64], &mut [f64], &mut [f64], &mut [f64]),
    ) {
        let (m, n) = a.dim();
        let (dx, dzl, dzu, dy) = out;
        // r̃ = rd - rl/g + ru/h; A D Aᵀ Δy = rp + A D r̃; Δx = D (Aᵀ Δy - r̃).
        let rt: Vec<f64> = (0..n)
            .map(|i| {
                let mut v = rd[i];
                if has.0[i] {
                    v -= rl(i) / g[i];
                }
                if has.1[i] {
                    v += ru(i) / h[i];
                }
                v
            })
            .collect();
        let mut rhs = rp.to_vec();
        for k in 0..m {
            let row = a.row(k);
            rhs[k] += (0..n).map(|i| row[i] * rt[i] / dinv[i]).sum::<f64>();
        }
        cholesky_solve(chol, m, &mut rhs);
        dy.copy_from_slice(&rhs);
        for i in 0..n {
            let aty: f64 = (0..m).map(|k| a[[k, i]] * dy[k]).sum();
            dx[i] = (aty - rt[i]) / dinv[i];
            dzl[i] = if has.0[i] { (rl(i) - zl[i] * dx[i]) / g[i] } else { 0.0 };
            dzu[i] = if has.1[i] { (ru(i) + zu[i] * dx[i]) / h[i] } else { 0.0 };
        }
    }

    for it in 0..opts.max_iter {
        iterations = it;
        for i in 0..n {
            g[i] = if has_l[i] { x[i] - lower[i] } else { 1.0 };
            h[i] = if has_u[i] { upper[i] - x[i] } else { 1.0 };
        }
        // Residuals and the gap.
        for k in 0..m {
            rp[k] = b[k] - a.row(k).iter().zip(&x).map(|(a, x)| a * x).sum::<f64>();
        }
        for i in 0..n {
            let aty: f64 = (0..m).map(|k| a[[k, i]] * y[k]).sum();
            rd[i] = c[i] - aty - zl[i] + zu[i];
        }
        let compl: f64 =
            (0..n).map(|i| if has_l[i] { g[i] * zl[i] } else { 0.0 } + if has_u[i] { h[i] * zu[i] } else { 0.0 }).sum();
        let mu = compl / n_compl;
        let primal: f64 = c.iter().zip(&x).map(|(c, x)| c * x).sum();
        let rp_norm = rp.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        let rd_norm = rd.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        // Residuals relative to the size of the terms they are differences of.
        let ax_norm =
            (0..m).map(|k| a.row(k).iter().zip(&x).map(|(a, x)| (a * x).abs()).sum::<f64>()).fold(0.0, f64::max);
        if !(mu.is_finite() && primal.is_finite()) {
            break;
        }
        if compl <= opts.tol * (1.0 + primal.abs())
            && rp_norm <= 1e2 * opts.tol * (b_norm + ax_norm)
            && rd_norm <= 1e2 * opts.tol * c_norm
        {
            converged = true;
            break;
        }
        if compl == 0.0 {
            break;
        }
        // D⁻¹ = zl/g + zu/h (a tiny floor for free columns).
        for i in 0..n {
            dinv[i] =
                (if has_l[i] { zl[i] / g[i] } else { 0.0 } + if has_u[i] { zu[i] / h[i] } else { 0.0 }).max(1e-14);
        }
        normal.iter_mut().for_each(|v| *v = 0.0);
        for k in 0..m {
            for l in 0..=k {
                let s: f64 = (0..n).map(|i| a[[k, i]] * a[[l, i]] / dinv[i]).sum();
                normal[k * m + l] = s;
                normal[l * m + k] = s;
            }
        }
        cholesky(&mut normal, m);
        let has = (&has_l[..], &has_u[..]);
        // Predictor: complementarity driven to zero.
        direction(
            a,
            &normal,
            &rp,
            &rd,
            &|i| -g[i] * zl[i],
            &|i| -h[i] * zu[i],
            &g,
            &h,
            &zl,
            &zu,
            &dinv,
            has,
            (&mut dx_aff, &mut dzl_aff, &mut dzu_aff, &mut dy),
        );
        let neg_dx: Vec<f64> = dx_aff.iter().map(|v| -v).collect();
        let tp = max_step(&g, &dx_aff, &has_l).min(max_step(&h, &neg_dx, &has_u));
        let td = max_step(&zl, &dzl_aff, &has_l).min(max_step(&zu, &dzu_aff, &has_u));
        let compl_aff: f64 = (0..n)
            .map(|i| {
                let l = if has_l[i] { (g[i] + tp * dx_aff[i]) * (zl[i] + td * dzl_aff[i]) } else { 0.0 };
                let u = if has_u[i] { (h[i] - tp * dx_aff[i]) * (zu[i] + td * dzu_aff[i]) } else { 0.0 };
                l + u
            })
            .sum();
        let sigma = (compl_aff / compl).powi(3).clamp(0.0, 1.0);
        let target = sigma * mu;
        // Corrector: centring plus the second-order term of the predictor.
        direction(
            a,
            &normal,
            &rp,
            &rd,
            &|i| target - g[i] * zl[i] - dx_aff[i] * dzl_aff[i],
            &|i| target - h[i] * zu[i] + dx_aff[i] * dzu_aff[i],
            &g,
            &h,
            &zl,
            &zu,
            &dinv,
            has,
            (&mut dx, &mut dzl, &mut dzu, &mut dy),
        );
        let neg_dx: Vec<f64> = dx.iter().map(|v| -v).collect();
        let tp = max_step(&g, &dx, &has_l).min(max_step(&h, &neg_dx, &has_u));
        let td = max_step(&zl, &dzl, &has_l).min(max_step(&zu, &dzu, &has_u));
        if !(tp.is_finite() && td.is_finite()) || dx.iter().chain(&dzl).chain(&dzu).chain(&dy).any(|v| !v.is_finite()) {
            break;
        }
        for i in 0..n {
            x[i] += tp * dx[i];
            zl[i] += td * dzl[i];
            zu[i] += td * dzu[i];
        }
        for k in 0..m {
            y[k] += td * dy[k];
        }
        iterations = it + 1;
    }
    let objective = c.iter().zip(&x).map(|(c, x)| c * x).sum();
    LpSolution { x: Array1::from(x), y: Array1::from(y), objective, iterations, converged }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_scipy_linprog_on_a_small_problem() {
        // from scipy.optimize import linprog
        // linprog(c=[-1, -2, 0.5, 0], A_eq=[[1, 1, 1, 0], [1, -1, 0, 1]], b_eq=[4, 1],
        //         bounds=[(0, 3), (-1, 2), (0, 10), (-5, 5)], method="highs")
        //   .fun == -6.0, .x == [2, 2, 0, 1], eqlin.marginals == [-1.0, 0.0]
        let c = array![-1.0, -2.0, 0.5, 0.0];
        let a = array![[1.0, 1.0, 1.0, 0.0], [1.0, -1.0, 0.0, 1.0]];
        let b = array![4.0, 1.0];
        let lo = array![0.0, -1.0, 0.0, -5.0];
        let hi = array![3.0, 2.0, 10.0, 5.0];
        let s = linprog(c.view(), a.view(), b.view(), lo.view(), hi.view(), &LpOptions::default());
        assert!(s.converged);
        assert!((s.objective + 6.0).abs() < 1e-9, "{}", s.objective);
        for (g, w) in s.x.iter().zip([2.0, 2.0, 0.0, 1.0]) {
            assert!((g - w).abs() < 1e-7, "{:?}", s.x);
        }
        for (g, w) in s.y.iter().zip([-1.0, 0.0]) {
            assert!((g - w).abs() < 1e-7, "{:?}", s.y);
        }
    }
}
