//! Limited-memory BFGS with a strong-Wolfe line search.
//!
//! Smooth convex objectives (logistic regression, and later GLMs and linear
//! SVMs) are minimised with L-BFGS, as scikit-learn does through scipy. The
//! stopping rule is scipy's: the largest gradient component at most `gtol`,
//! or a relative decrease of the objective below `ftol`.

/// L-BFGS settings.
#[derive(Debug, Clone, Copy)]
pub struct Lbfgs {
    pub max_iter: usize,
    /// Stop when `max |∇f| <= gtol`.
    pub gtol: f64,
    /// Stop when `(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol`.
    pub ftol: f64,
    /// The number of correction pairs kept.
    pub memory: usize,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Lbfgs { max_iter: 100, gtol: 1e-5, ftol: 64.0 * f64::EPSILON, memory: 10 }
    }
}

/// The result of [`minimize`].
#[derive(Debug, Clone)]
pub struct LbfgsResult {
    pub x: Vec<f64>,
    pub f: f64,
    pub n_iter: usize,
    pub converged: bool,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn inf_norm(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Minimises `f`, which returns the objective and writes its gradient.
pub fn minimize(mut f: impl FnMut(&[f64], &mut [f64]) -> f64, x0: Vec<f64>, opts: &Lbfgs) -> LbfgsResult {
    let n = x0.len();
    let mut x = x0;
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut rho_hist: Vec<f64> = Vec::new();
    let mut d = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    for iter in 0..opts.max_iter {
        if inf_norm(&g) <= opts.gtol {
            return LbfgsResult { x, f: fx, n_iter: iter, converged: true };
        }
        // Two-loop recursion: d = -H g.
        d.copy_from_slice(&g);
        let k = s_hist.len();
        let mut alpha = vec![0.0; k];
        for i in (0..k).rev() {
            alpha[i] = rho_hist[i] * dot(&s_hist[i], &d);
            d.iter_mut().zip(&y_hist[i]).for_each(|(di, yi)| *di -= alpha[i] * yi);
        }
        let gamma = if k > 0 { dot(&s_hist[k - 1], &y_hist[k - 1]) / dot(&y_hist[k - 1], &y_hist[k - 1]) } else { 1.0 };
        d.iter_mut().for_each(|v| *v *= gamma);
        for i in 0..k {
            let beta = rho_hist[i] * dot(&y_hist[i], &d);
            d.iter_mut().zip(&s_hist[i]).for_each(|(di, si)| *di += (alpha[i] - beta) * si);
        }
        d.iter_mut().for_each(|v| *v = -*v);
        let mut dg = dot(&d, &g);
        if dg >= 0.0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho_hist.clear();
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            dg = dot(&d, &g);
        }
        let step0 = if k == 0 { (1.0 / inf_norm(&g)).min(1.0) } else { 1.0 };
        let Some((step, f_new)) = wolfe_search(&mut f, &x, fx, dg, &d, step0, &mut x_new, &mut g_new) else {
            return LbfgsResult { x, f: fx, n_iter: iter, converged: false };
        };
        let s: Vec<f64> = d.iter().map(|v| v * step).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let rel = (fx - f_new) / fx.abs().max(f_new.abs()).max(1.0);
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        fx = f_new;
        if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if s_hist.len() == opts.memory {
                s_hist.remove(0);
                y_hist.remove(0);
                rho_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
            rho_hist.push(1.0 / sy);
        }
        if rel <= opts.ftol {
            return LbfgsResult { x, f: fx, n_iter: iter + 1, converged: true };
        }
    }
    let converged = inf_norm(&g) <= opts.gtol;
    LbfgsResult { x, f: fx, n_iter: opts.max_iter, converged }
}

/// A step satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6).
#[allow(clippy::too_many_arguments)]
fn wolfe_search(
    f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    x: &[f64],
    f0: f64,
    dg0: f64,
    d: &[f64],
    step0: f64,
    x_new: &mut [f64],
    g_new: &mut [f64],
) -> Option<(f64, f64)> {
    const C1: f64 = 1e-4;
    const C2: f64 = 0.9;
    const MAX_EVALS: usize = 50;
    let mut eval = |t: f64, x_new: &mut [f64], g_new: &mut [f64]| -> (f64, f64) {
        x_new.iter_mut().zip(x.iter().zip(d)).for_each(|(xn, (xi, di))| *xn = xi + t * di);
        let fv = f(x_new, g_new);
        (fv, dot(g_new, d))
    };
    let (mut t_prev, mut f_prev, mut dg_prev) = (0.0, f0, dg0);
    let mut t = step0;
    for i in 0..MAX_EVALS {
        let (ft, dgt) = eval(t, x_new, g_new);
        if !ft.is_finite() || ft > f0 + C1 * t * dg0 || (i > 0 && ft >= f_prev) {
            return zoom(&mut eval, f0, dg0, (t_prev, f_prev, dg_prev), (t, ft, dgt), x_new, g_new);
        }
        if dgt.abs() <= -C2 * dg0 {
            return Some((t, ft));
        }
        if dgt >= 0.0 {
            return zoom(&mut eval, f0, dg0, (t, ft, dgt), (t_prev, f_prev, dg_prev), x_new, g_new);
        }
        (t_prev, f_prev, dg_prev) = (t, ft, dgt);
        t *= 2.0;
    }
    None
}

type Point = (f64, f64, f64);

fn zoom(
    eval: &mut impl FnMut(f64, &mut [f64], &mut [f64]) -> (f64, f64),
    f0: f64,
    dg0: f64,
    mut lo: Point,
    mut hi: Point,
    x_new: &mut [f64],
    g_new: &mut [f64],
) -> Option<(f64, f64)> {
    const C1: f64 = 1e-4;
    const C2: f64 = 0.9;
    for _ in 0..50 {
        // Cubic interpolation between lo and hi, kept inside the interval.
        let (a, b) = (lo.0.min(hi.0), lo.0.max(hi.0));
        let t = cubic_min(lo, hi).filter(|t| *t > a + 0.1 * (b - a) && *t < b - 0.1 * (b - a)).unwrap_or(0.5 * (a + b));
        let (ft, dgt) = eval(t, x_new, g_new);
        if !ft.is_finite() || ft > f0 + C1 * t * dg0 || ft >= lo.1 {
            hi = (t, ft, dgt);
        } else {
            if dgt.abs() <= -C2 * dg0 {
                return Some((t, ft));
            }
            if dgt * (hi.0 - lo.0) >= 0.0 {
                hi = lo;
            }
            lo = (t, ft, dgt);
        }
        if (hi.0 - lo.0).abs() < 1e-16 * lo.0.abs().max(1e-300) {
            break;
        }
    }
    // Accept the best point seen if it decreased the objective at all.
    if lo.0 > 0.0 && lo.1 < f0 {
        let (ft, _) = eval(lo.0, x_new, g_new);
        return Some((lo.0, ft));
    }
    None
}

fn cubic_min((a, fa, da): Point, (b, fb, db): Point) -> Option<f64> {
    let d1 = da + db - 3.0 * (fa - fb) / (a - b);
    let disc = d1 * d1 - da * db;
    if disc < 0.0 || !disc.is_finite() {
        return None;
    }
    let d2 = (b - a).signum() * disc.sqrt();
    let t = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    t.is_finite().then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock() {
        let r = minimize(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            vec![-1.2, 1.0],
            &Lbfgs { max_iter: 500, gtol: 1e-10, ftol: 0.0, memory: 10 },
        );
        assert!(r.converged, "{r:?}");
        assert!((r.x[0] - 1.0).abs() < 1e-6 && (r.x[1] - 1.0).abs() < 1e-6, "{r:?}");
    }
}
