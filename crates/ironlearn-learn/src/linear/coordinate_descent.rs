//! Coordinate descent for the elastic net, shared by `Lasso` and `ElasticNet`.
//!
//! This is scikit-learn's solver (`_cd_fast.pyx`) step for step, so that a
//! model fitted here has the same coefficients, `n_iter_` and `dual_gap_`:
//! the same soft-thresholding update in the same coordinate order, the
//! same "largest update is small, so check the duality gap" rule with `tol`
//! multiplied by `||y||²`, and the same gap-safe screening that drops
//! features proven to be zero at the optimum.
//!
//! Two engines carry the same iterations. The residual `y - Xw` is kept and
//! updated column by column over contiguous column-major data (O(rows) per
//! step). With more rows than features, once the fit has run long enough to
//! pay for it, the Gram matrix `XᵀX` (one matrix product) takes over and
//! makes each step O(features). In exact arithmetic both visit the same
//! iterates, so the switch changes only the speed.
//! The column norms and `Xᵀy` (the gradient at `w = 0`, for the first gap
//! check) come from the centring pass instead of two more passes over the
//! data, and the products use faer's runtime-dispatched SIMD kernels (FMA).
//!
//! A third engine takes sparse (CSR) input without densifying it: the data
//! is copied once column by column (CSC), and centring is implicit, as in
//! scikit-learn's `sparse_enet_coordinate_descent` with `X_mean`: the
//! residual is kept as its sparse part plus a multiple of the (√w) column
//! of ones, so a step costs O(stored values of the column).
//!
//! [`enet_path`] fits a decreasing sequence of penalties, each warm-started
//! from the last, as scikit-learn's `enet_path` does (for `LassoCV` and
//! `ElasticNetCV`).

use faer::{Accum, MatMut, MatRef, Par};
use ironlearn_core::validate::{check_fit_input, check_sample_weight, check_target};
use ironlearn_core::{bail, Result, Rng};
use ndarray::{Array1, ArrayView2};

use super::center::{center, dot, Centered};
use super::sparse_ops::{check_csr_fit, csr_col_sums, Csc};
use ironlearn_core::sparse::Csr;

/// Beyond this many features the Gram matrix is not built (memory: `p²` floats).
const GRAM_MAX_FEATURES: usize = 4096;

/// How the solver runs, apart from the penalty.
#[derive(Debug, Clone)]
pub(crate) struct CdSettings {
    pub max_iter: usize,
    /// scikit-learn's `tol`, before it is multiplied by `||y||²`.
    pub tol: f64,
    pub positive: bool,
    /// `selection="random"`: coordinates drawn with replacement instead of in order.
    pub random: bool,
}

/// The result of one solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CdOutcome {
    /// The duality gap divided by the number of rows, as scikit-learn's `dual_gap_`.
    pub dual_gap: f64,
    /// Passes over the coordinates (scikit-learn's `n_iter_`).
    pub n_iter: usize,
    /// Whether the gap reached the tolerance before `max_iter` ran out.
    pub converged: bool,
}

/// The centred, weighted least-squares problem in the form the solver iterates on.
pub(crate) struct Problem<'a> {
    engine: Engine<'a>,
    /// The dense centred data (None for sparse input).
    c: Option<&'a Centered>,
    /// Passes after which to switch to the Gram engine (counted over all solves).
    gram_after: Option<usize>,
    /// Rows, the `n` of the objective's `1/(2n)`.
    n: usize,
    p: usize,
    /// `||x_j||²`, the diagonal of `XᵀX`.
    norm2: Vec<f64>,
    y_norm2: f64,
    /// `Xᵀy` where the centring summed it (dense input): the gradient at `w = 0`
    /// without another pass over the data.
    xty: Option<Vec<f64>>,
}

enum Engine<'a> {
    /// Residual updates: column-major columns, `y`, and the residual `y - Xw`.
    Columns { cols: Vec<&'a [f64]>, y: &'a [f64], r: Vec<f64> },
    /// Gram updates: `Q = XᵀX` (symmetric; column `j` is row `j`), `q = Xᵀy`, and `Qw`.
    Gram { q_mat: Vec<f64>, xty: Vec<f64>, qw: Vec<f64> },
    /// Sparse columns with implicit centring (see [`SparseEngine`]).
    Sparse(Box<SparseEngine>),
}

/// Column `j` of the centred, √w-scaled design is `a_j = s ⊙ (x_j − μ_j)`.
/// The residual `r = y_c − A w` is kept as `r̃ + cw·s` with
/// `r̃ = y_c − Σ_j w_j s ⊙ x_j` (sparse updates) and `cw = Σ_j w_j μ_j`.
pub(crate) struct SparseEngine {
    csc: Csc,
    mean: Vec<f64>,
    /// `√w_i`, or None for unit weights.
    s: Option<Vec<f64>>,
    /// `Σ s_i²`.
    s2: f64,
    /// `Σ_i s_i² x_ij` per column.
    col_w: Vec<f64>,
    /// The centred, scaled target `y_c`.
    y: Vec<f64>,
    rt: Vec<f64>,
    /// `Σ s_i r̃_i`.
    sr: f64,
    cw: f64,
}

impl SparseEngine {
    #[inline]
    fn si(&self, i: usize) -> f64 {
        self.s.as_ref().map_or(1.0, |s| s[i])
    }

    /// `Σ_nz s_i x_ij v_i` over column `j`'s stored values.
    #[inline]
    fn col_dot(&self, j: usize, v: &[f64]) -> f64 {
        let (rows, vals) = self.csc.col(j);
        match &self.s {
            None => rows.iter().zip(vals).map(|(&i, &x)| x * v[i as usize]).sum(),
            Some(s) => rows.iter().zip(vals).map(|(&i, &x)| s[i as usize] * x * v[i as usize]).sum(),
        }
    }

    fn partial(&self, j: usize) -> f64 {
        let sx_r = self.col_dot(j, &self.rt) + self.cw * self.col_w[j];
        sx_r - self.mean[j] * (self.sr + self.cw * self.s2)
    }

    fn shift(&mut self, j: usize, delta: f64) {
        let (rows, vals) = self.csc.col(j);
        for (&i, &x) in rows.iter().zip(vals) {
            let i = i as usize;
            let si = self.s.as_ref().map_or(1.0, |s| s[i]);
            self.rt[i] -= delta * si * x;
        }
        self.sr -= delta * self.col_w[j];
        self.cw += delta * self.mean[j];
    }

    fn reset(&mut self, w: &[f64]) {
        self.rt.copy_from_slice(&self.y);
        self.cw = 0.0;
        self.sr = 0.0;
        for (j, &wj) in w.iter().enumerate() {
            if wj != 0.0 {
                let (rows, vals) = self.csc.col(j);
                for (&i, &x) in rows.iter().zip(vals) {
                    let i = i as usize;
                    let si = self.s.as_ref().map_or(1.0, |s| s[i]);
                    self.rt[i] -= wj * si * x;
                }
                self.cw += wj * self.mean[j];
            }
        }
        self.sr = (0..self.rt.len()).map(|i| self.si(i) * self.rt[i]).sum();
    }

    /// `(||r||², r·y_c)` with `r = r̃ + cw·s`.
    fn residual_norms(&self) -> (f64, f64) {
        let (mut rr, mut ry) = (0.0, 0.0);
        for i in 0..self.rt.len() {
            let r = self.rt[i] + self.cw * self.si(i);
            rr += r * r;
            ry += r * self.y[i];
        }
        (rr, ry)
    }
}

/// `y += a · x`, as faer's matrix-vector kernel (runtime-selected SIMD, FMA).
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    let x = MatRef::from_column_major_slice(x, x.len(), 1);
    let a = [a];
    let a = MatRef::from_column_major_slice(&a, 1, 1);
    let y = MatMut::from_column_major_slice_mut(y, y.len(), 1);
    // Through ironlearn_linalg: faer's product kernels leave the AVX state dirty.
    ironlearn_linalg::matmul(y, Accum::Add, x, a, 1.0, Par::Seq);
}

fn fsign(v: f64) -> f64 {
    if v == 0.0 {
        0.0
    } else if v > 0.0 {
        1.0
    } else {
        -1.0
    }
}

impl<'a> Problem<'a> {
    /// Builds the solver's view of `c`. The residual engine runs first; the
    /// Gram engine takes over after `gram_after` passes (`Some(0)`: from the
    /// start, `None`: never), once its one-off cost `n·p²` has been earned
    /// back, which [`Problem::auto`] estimates.
    pub fn new(c: &'a Centered, gram_after: Option<usize>) -> Self {
        let a = c.a();
        let (n, p) = (a.nrows(), a.ncols());
        let y = c.b();
        let cols: Vec<&[f64]> = (0..p).map(|j| column(a, j)).collect();
        let mut problem = Problem {
            engine: Engine::Columns { cols, y, r: vec![0.0; n] },
            c: Some(c),
            gram_after,
            n,
            p,
            norm2: c.col_norm2[..p].to_vec(),
            y_norm2: c.col_norm2[p],
            xty: Some(c.col_dot_b[..p].to_vec()),
        };
        if gram_after == Some(0) {
            problem.switch_to_gram();
        }
        problem
    }

    /// [`Problem::new`] with the switch to the Gram engine where it pays: more
    /// rows than features (scikit-learn's `precompute="auto"` rule), a Gram
    /// matrix of bounded size, and after about `p / 8` passes, when the passes
    /// over the columns (`2·n·p` each) have cost as much as the (much faster
    /// per flop) matrix product.
    pub fn auto(c: &'a Centered) -> Self {
        let (n, p) = (c.a().nrows(), c.a().ncols());
        Problem::new(c, (n > p && p <= GRAM_MAX_FEATURES).then_some((p / 8).max(2)))
    }

    /// The sparse problem: `x` copied once to columns, centred (when `fit_intercept`)
    /// and √w-scaled implicitly. `w` must already be rescaled to sum to `n`.
    pub fn sparse(x: &Csr<'_>, y: &[f64], w: Option<&[f64]>, fit_intercept: bool) -> (Problem<'static>, Vec<f64>, f64) {
        let (n, p) = (x.n_rows(), x.n_cols());
        let s2: f64 = w.map_or(n as f64, |w| w.iter().sum());
        let col_w = csr_col_sums(x, w);
        let (mean, y_mean) = if fit_intercept {
            let ym = w.map_or_else(|| y.iter().sum::<f64>(), |w| w.iter().zip(y).map(|(a, b)| a * b).sum()) / s2;
            (col_w.iter().map(|c| c / s2).collect::<Vec<_>>(), ym)
        } else {
            (vec![0.0; p], 0.0)
        };
        let s: Option<Vec<f64>> = w.map(|w| w.iter().map(|v| v.sqrt()).collect());
        let yc: Vec<f64> = (0..n).map(|i| (y[i] - y_mean) * s.as_ref().map_or(1.0, |s: &Vec<f64>| s[i])).collect();
        let csc = Csc::from_csr(x);
        let norm2: Vec<f64> = (0..p)
            .map(|j| {
                let (rows, vals) = csc.col(j);
                let sq: f64 = rows.iter().zip(vals).map(|(&i, &v)| w.map_or(1.0, |w| w[i as usize]) * v * v).sum();
                (sq - 2.0 * mean[j] * col_w[j] + mean[j] * mean[j] * s2).max(0.0)
            })
            .collect();
        let y_norm2 = dot(&yc, &yc);
        let engine = SparseEngine { csc, mean: mean.clone(), s, s2, col_w, rt: yc.clone(), y: yc, sr: 0.0, cw: 0.0 };
        let problem = Problem {
            engine: Engine::Sparse(Box::new(engine)),
            c: None,
            gram_after: None,
            n,
            p,
            norm2,
            y_norm2,
            xty: None,
        };
        (problem, mean, y_mean)
    }

    /// Switches to the Gram engine (the caller resets the running state).
    fn switch_to_gram(&mut self) {
        let p = self.p;
        let Some(c) = self.c else {
            self.gram_after = None;
            return;
        };
        let g = super::gram::block_gram(c.augmented());
        let q_mat: Vec<f64> = (0..p).flat_map(|j| (0..p).map(move |i| (i, j))).map(|(i, j)| g[(i, j)]).collect();
        let xty: Vec<f64> = (0..p).map(|j| g[(j, p)]).collect();
        self.engine = Engine::Gram { q_mat, xty, qw: vec![0.0; p] };
        self.gram_after = None;
    }

    /// `Xᵀy`.
    #[allow(dead_code)] // for the cross-validated estimators' alpha grid
    pub fn xty(&self) -> Vec<f64> {
        if let Some(xty) = &self.xty {
            return xty.clone();
        }
        match &self.engine {
            Engine::Columns { cols, y, .. } => cols.iter().map(|c| dot(c, y)).collect(),
            Engine::Gram { xty, .. } => xty.clone(),
            Engine::Sparse(e) => (0..self.p)
                .map(|j| e.col_dot(j, &e.y) - e.mean[j] * (0..e.y.len()).map(|i| e.si(i) * e.y[i]).sum::<f64>())
                .collect(),
        }
    }

    /// Sets the engine's running state for coefficients `w`.
    fn reset(&mut self, w: &[f64]) {
        match &mut self.engine {
            Engine::Columns { cols, y, r } => {
                r.copy_from_slice(y);
                for (c, &wj) in cols.iter().zip(w) {
                    if wj != 0.0 {
                        axpy(-wj, c, r);
                    }
                }
            }
            Engine::Gram { q_mat, qw, .. } => {
                let p = qw.len();
                qw.iter_mut().for_each(|v| *v = 0.0);
                for (j, &wj) in w.iter().enumerate() {
                    if wj != 0.0 {
                        axpy(wj, &q_mat[j * p..(j + 1) * p], qw);
                    }
                }
            }
            Engine::Sparse(e) => e.reset(w),
        }
    }

    /// `x_j · (y - Xw)`.
    #[inline]
    fn partial(&self, j: usize) -> f64 {
        match &self.engine {
            Engine::Columns { cols, r, .. } => dot(cols[j], r),
            Engine::Gram { xty, qw, .. } => xty[j] - qw[j],
            Engine::Sparse(e) => e.partial(j),
        }
    }

    /// Records that `w_j` changed by `delta`.
    #[inline]
    fn shift(&mut self, j: usize, delta: f64) {
        match &mut self.engine {
            Engine::Columns { cols, r, .. } => axpy(-delta, cols[j], r),
            Engine::Gram { q_mat, qw, .. } => {
                let p = qw.len();
                axpy(delta, &q_mat[j * p..(j + 1) * p], qw);
            }
            Engine::Sparse(e) => e.shift(j, delta),
        }
    }

    /// Fills `xtr = Xᵀ(y - Xw)` and returns `(||y - Xw||², (y - Xw)·y)`.
    fn residual_terms(&self, w: &[f64], xtr: &mut [f64]) -> (f64, f64) {
        match &self.engine {
            Engine::Columns { cols, y, r } => {
                if let (Some(xty), true) = (&self.xty, w.iter().all(|&v| v == 0.0)) {
                    // `r = y`: the sums the centring made.
                    xtr.copy_from_slice(xty);
                    return (self.y_norm2, self.y_norm2);
                }
                xtr.iter_mut().zip(cols).for_each(|(v, c)| *v = dot(c, r));
                (dot(r, r), dot(r, y))
            }
            Engine::Gram { xty, qw, .. } => {
                xtr.iter_mut().zip(xty.iter().zip(qw)).for_each(|(v, (q, qw))| *v = q - qw);
                let q_dot_w = dot(w, xty);
                (self.y_norm2 + dot(w, qw) - 2.0 * q_dot_w, self.y_norm2 - q_dot_w)
            }
            Engine::Sparse(e) => {
                xtr.iter_mut().enumerate().for_each(|(j, v)| *v = e.partial(j));
                e.residual_norms()
            }
        }
    }

    /// The duality gap at `w` and the dual norm of `Xᵀ(y - Xw) - βw` (left in `xta`),
    /// as scikit-learn's `gap_enet`.
    fn gap(&self, w: &[f64], alpha: f64, beta: f64, positive: bool, xta: &mut [f64]) -> (f64, f64) {
        let w_l2 = if beta > 0.0 { dot(w, w) } else { 0.0 };
        let (r_norm2, ry) = self.residual_terms(w, xta);
        if alpha == 0.0 {
            let dual_norm = dot(xta, xta);
            if beta == 0.0 {
                // Least squares: no dual; the squared gradient stands in (formulation of scikit-learn).
                return (dual_norm, dual_norm);
            }
            // Ridge: formulation B of the dual.
            let gap = r_norm2 + 0.5 * beta * w_l2 - ry + dual_norm / (2.0 * beta);
            return (gap, dual_norm);
        }
        xta.iter_mut().zip(w).for_each(|(v, w)| *v -= beta * w);
        let dual_norm = if positive {
            xta.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        } else {
            xta.iter().fold(0.0, |m: f64, v| m.max(v.abs()))
        };
        let l1: f64 = w.iter().map(|v| v.abs()).sum();
        let primal = 0.5 * (r_norm2 + beta * w_l2) + alpha * l1;
        let scale = if dual_norm > alpha { alpha / dual_norm } else { 1.0 };
        let dual = -0.5 * scale * scale * (r_norm2 + beta * w_l2) + scale * ry;
        (primal - dual, dual_norm)
    }

    /// Gap-safe screening (Ndiaye et al. 2017, eq. 11): drops features whose
    /// coefficient is provably zero; excluded features stay excluded.
    #[allow(clippy::too_many_arguments)]
    fn screen(
        &mut self,
        w: &mut [f64],
        alpha: f64,
        beta: f64,
        gap: f64,
        dual_norm: f64,
        xta: &[f64],
        active: &mut Vec<usize>,
        excluded: &mut [bool],
    ) {
        let radius = (2.0 * gap.abs()).sqrt() / alpha;
        active.clear();
        for j in 0..self.p {
            if excluded[j] {
                continue;
            }
            if self.norm2[j] == 0.0 {
                w[j] = 0.0;
                excluded[j] = true;
                continue;
            }
            let xj_theta = xta[j] / alpha.max(dual_norm);
            let d_j = (1.0 - xj_theta.abs()) / (self.norm2[j] + beta).sqrt();
            if d_j <= radius {
                active.push(j);
            } else {
                if w[j] != 0.0 {
                    let wj = w[j];
                    self.shift(j, -wj);
                    w[j] = 0.0;
                }
                excluded[j] = true;
            }
        }
    }

    /// Minimises `1/(2n) ||y - Xw||² + α·l1_ratio·||w||₁ + ½·α·(1 - l1_ratio)·||w||²`
    /// from the starting point in `w` (left holding the solution).
    pub fn solve(&mut self, w: &mut [f64], alpha: f64, l1_ratio: f64, s: &CdSettings, rng: &mut Rng) -> CdOutcome {
        let p = self.p;
        let n = self.n as f64;
        let l1 = alpha * l1_ratio * n;
        let l2 = alpha * (1.0 - l1_ratio) * n;
        let d_w_tol = s.tol;
        let tol = s.tol * self.y_norm2;
        let do_screening = l1 != 0.0;
        let mut xta = vec![0.0; p];
        let mut active: Vec<usize> = (0..p).collect();
        let mut excluded = vec![false; p];

        self.reset(w);
        let (mut gap, mut dual_norm) = self.gap(w, l1, l2, s.positive, &mut xta);
        if gap <= tol {
            return CdOutcome { dual_gap: gap / n, n_iter: 0, converged: true };
        }
        if do_screening {
            self.screen(w, l1, l2, gap, dual_norm, &xta, &mut active, &mut excluded);
        }
        let mut converged = false;
        let mut n_iter = 0;
        for it in 0..s.max_iter {
            n_iter = it;
            let mut w_max = 0.0f64;
            let mut d_w_max = 0.0f64;
            let n_active = active.len();
            for f in 0..n_active {
                let j = active[if s.random { rng.below(n_active) } else { f }];
                let norm2 = self.norm2[j];
                if norm2 == 0.0 {
                    continue;
                }
                let w_j = w[j];
                let tmp = self.partial(j) + w_j * norm2;
                let new =
                    if s.positive && tmp < 0.0 { 0.0 } else { fsign(tmp) * (tmp.abs() - l1).max(0.0) / (norm2 + l2) };
                w[j] = new;
                if new != w_j {
                    self.shift(j, new - w_j);
                }
                d_w_max = d_w_max.max((new - w_j).abs());
                w_max = w_max.max(new.abs());
            }
            if let Some(k) = self.gram_after {
                if k <= 1 {
                    self.switch_to_gram();
                    self.reset(w);
                } else {
                    self.gram_after = Some(k - 1);
                }
            }
            if w_max == 0.0 || d_w_max / w_max <= d_w_tol || it + 1 == s.max_iter {
                (gap, dual_norm) = self.gap(w, l1, l2, s.positive, &mut xta);
                if gap <= tol {
                    converged = true;
                    break;
                }
                if do_screening {
                    self.screen(w, l1, l2, gap, dual_norm, &xta, &mut active, &mut excluded);
                }
            }
        }
        CdOutcome { dual_gap: gap / n, n_iter: n_iter + 1, converged }
    }
}

/// Column `j` of a column-major matrix as a slice.
fn column<'a>(a: MatRef<'a, f64>, j: usize) -> &'a [f64] {
    a.col(j).try_as_col_major().expect("centred data is column-major").as_slice()
}

/// One fitted elastic net, in the original (uncentred) coordinates.
pub(crate) struct EnetFit {
    pub coef: Array1<f64>,
    pub intercept: f64,
    pub outcome: CdOutcome,
}

/// The elastic-net problem as the estimators state it.
#[derive(Debug, Clone)]
pub(crate) struct EnetSpec<'s> {
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub settings: CdSettings,
    pub selection: &'s str,
    pub random_state: u64,
}

/// Checks the input, centres (and weights) the data and solves, as scikit-learn's `ElasticNet.fit`.
pub(crate) fn fit_enet(x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>, spec: &EnetSpec<'_>) -> Result<EnetFit> {
    check_fit_input(x, y.len())?;
    check_target(y)?;
    check_sample_weight(w, y.len())?;
    let settings = settings_of(spec)?;
    let (n, p) = x.dim();
    let w = rescaled_weights(w, n);
    let c = center(x, y, w.as_deref(), spec.fit_intercept);
    let mut problem = Problem::auto(&c);
    let mut coef = vec![0.0; p];
    let mut rng = Rng::new(spec.random_state);
    let outcome = problem.solve(&mut coef, spec.alpha, spec.l1_ratio, &settings, &mut rng);
    finish(coef, c.x_mean.as_slice().expect("contiguous means"), c.y_mean, spec, outcome)
}

/// [`fit_enet`] for CSR input, without densifying it (the same model as on the dense matrix).
pub(crate) fn fit_enet_csr(x: &Csr<'_>, y: &[f64], w: Option<&[f64]>, spec: &EnetSpec<'_>) -> Result<EnetFit> {
    check_csr_fit(x, y.len())?;
    check_target(y)?;
    check_sample_weight(w, y.len())?;
    let settings = settings_of(spec)?;
    let w = rescaled_weights(w, x.n_rows());
    let (mut problem, x_mean, y_mean) = Problem::sparse(x, y, w.as_deref(), spec.fit_intercept);
    let mut coef = vec![0.0; x.n_cols()];
    let mut rng = Rng::new(spec.random_state);
    let outcome = problem.solve(&mut coef, spec.alpha, spec.l1_ratio, &settings, &mut rng);
    finish(coef, &x_mean, y_mean, spec, outcome)
}

fn settings_of(spec: &EnetSpec<'_>) -> Result<CdSettings> {
    let mut settings = spec.settings.clone();
    settings.random = match spec.selection {
        "cyclic" => false,
        "random" => true,
        other => bail!(InvalidValue, "selection should be either random or cyclic, got '{other}'"),
    };
    Ok(settings)
}

/// scikit-learn rescales the weights to sum to n, so the objective is the weighted mean loss.
fn rescaled_weights(w: Option<&[f64]>, n: usize) -> Option<Vec<f64>> {
    w.map(|w| {
        let total: f64 = w.iter().sum();
        w.iter().map(|v| v * (n as f64 / total)).collect()
    })
}

fn finish(coef: Vec<f64>, x_mean: &[f64], y_mean: f64, spec: &EnetSpec<'_>, outcome: CdOutcome) -> Result<EnetFit> {
    let intercept =
        if spec.fit_intercept { y_mean - x_mean.iter().zip(&coef).map(|(m, c)| m * c).sum::<f64>() } else { 0.0 };
    let coef = Array1::from(coef);
    if !coef.iter().all(|v| v.is_finite()) || !intercept.is_finite() {
        bail!(
            InvalidValue,
            "Coordinate descent iterations resulted in non-finite parameter values. The input data may contain \
             large values and need to be preprocessed."
        );
    }
    Ok(EnetFit { coef, intercept, outcome })
}

#[allow(dead_code)] // for LassoCV / ElasticNetCV
/// scikit-learn's `_alpha_grid`: `n_alphas` penalties from the smallest that
/// zeroes every coefficient down to `eps` times it, evenly on a log scale.
pub(crate) fn alpha_grid(problem: &Problem<'_>, l1_ratio: f64, positive: bool, eps: f64, n_alphas: usize) -> Vec<f64> {
    let xty = problem.xty();
    let top = if positive {
        xty.iter().copied().fold(0.0, f64::max)
    } else {
        xty.iter().fold(0.0, |m: f64, v| m.max(v.abs()))
    };
    let alpha_max = top / (problem.n as f64 * l1_ratio);
    if alpha_max <= 1e-15 {
        return vec![1e-15; n_alphas];
    }
    if n_alphas == 1 {
        return vec![alpha_max];
    }
    let step = eps.ln() / (n_alphas - 1) as f64;
    (0..n_alphas).map(|i| alpha_max * (step * i as f64).exp()).collect()
}

#[allow(dead_code)] // for LassoCV / ElasticNetCV
/// A regularisation path: `alphas` (fitted largest first, each warm-started
/// from the previous solution); returns the coefficients and outcome per alpha,
/// in decreasing order of alpha, as scikit-learn's `enet_path`.
pub(crate) fn enet_path(
    problem: &mut Problem<'_>,
    alphas: &[f64],
    l1_ratio: f64,
    settings: &CdSettings,
    random_state: u64,
) -> Vec<(f64, Vec<f64>, CdOutcome)> {
    let mut sorted = alphas.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut rng = Rng::new(random_state);
    let mut w = vec![0.0; problem.p];
    sorted
        .into_iter()
        .map(|alpha| {
            let outcome = problem.solve(&mut w, alpha, l1_ratio, settings, &mut rng);
            (alpha, w.clone(), outcome)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ndarray::Array2;

    /// scikit-learn's diabetes data, unscaled: 442 rows, 10 features and the target.
    pub(crate) fn diabetes() -> (Array2<f64>, Vec<f64>) {
        let text = include_str!("../../../../data/diabetes.csv");
        let rows: Vec<Vec<f64>> =
            text.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
        let x = Array2::from_shape_fn((rows.len(), 10), |(i, j)| rows[i][j]);
        (x, rows.iter().map(|r| r[10]).collect())
    }

    /// A wide problem (8 rows, 12 features):
    /// `X[i, j] = sin(1 + 12i + j)·(1 + j % 3)`, `y[i] = 3·cos(0.7i) + 1`.
    pub(crate) fn wide() -> (Array2<f64>, Vec<f64>) {
        let x = Array2::from_shape_fn((8, 12), |(i, j)| (1.0 + (i * 12 + j) as f64).sin() * (1 + j % 3) as f64);
        (x, (0..8).map(|i| (i as f64 * 0.7).cos() * 3.0 + 1.0).collect())
    }

    pub(crate) fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (j, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol * w.abs().max(1.0), "coef[{j}]: got {g}, want {w}\n{got:?}");
        }
    }

    fn settings() -> CdSettings {
        CdSettings { max_iter: 1000, tol: 1e-4, positive: false, random: false }
    }

    #[test]
    fn gram_and_residual_engines_take_the_same_steps() {
        let (x, y) = diabetes();
        let c = center(x.view(), &y, None, true);
        for (alpha, l1_ratio) in [(1.0, 1.0), (0.5, 0.3), (1.0, 0.0), (0.01, 0.9)] {
            let mut a = Problem::new(&c, Some(0));
            let mut b = Problem::new(&c, None);
            let (mut wa, mut wb) = (vec![0.0; 10], vec![0.0; 10]);
            let oa = a.solve(&mut wa, alpha, l1_ratio, &settings(), &mut Rng::new(0));
            let ob = b.solve(&mut wb, alpha, l1_ratio, &settings(), &mut Rng::new(0));
            assert_close(&wa, &wb, 1e-9);
            assert_eq!(oa.n_iter, ob.n_iter, "alpha {alpha}, l1_ratio {l1_ratio}");
            assert!(oa.converged && ob.converged);
        }
    }

    #[test]
    fn random_selection_reaches_the_same_optimum_and_is_reproducible() {
        let (x, y) = diabetes();
        let c = center(x.view(), &y, None, true);
        let tight = CdSettings { tol: 1e-10, max_iter: 100_000, ..settings() };
        let mut p = Problem::new(&c, None);
        let mut cyclic = vec![0.0; 10];
        p.solve(&mut cyclic, 0.5, 0.7, &tight, &mut Rng::new(0));
        let random = CdSettings { random: true, ..tight };
        let mut r1 = vec![0.0; 10];
        let o1 = p.solve(&mut r1, 0.5, 0.7, &random, &mut Rng::new(7));
        let mut r2 = vec![0.0; 10];
        let o2 = p.solve(&mut r2, 0.5, 0.7, &random, &mut Rng::new(7));
        assert_eq!((r1.clone(), o1), (r2, o2));
        assert_close(&r1, &cyclic, 1e-5);
    }

    #[test]
    fn path_matches_sklearn_lasso_path() {
        // from sklearn.linear_model import lasso_path
        // Xc, yc = X - X.mean(0), y - y.mean()            (diabetes, unscaled)
        // alphas, coefs, gaps = lasso_path(Xc, yc, alphas=5, eps=1e-2)
        const ALPHAS: [f64; 5] =
            [564.4043529002274, 178.4803276478179, 56.44043529002272, 17.848032764781788, 5.644043529002274];
        const PATH_COEFS: [[f64; 10]; 5] = [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [
                0.0,
                0.0,
                0.0,
                1.1785938490174706,
                0.21618735728336927,
                0.0,
                -1.059206339926582,
                0.0,
                0.0,
                0.11964105574457826,
            ],
            [
                0.0,
                0.0,
                3.5848952404366736,
                1.1846378820254275,
                0.5529160851241374,
                -0.4690619227552444,
                -1.5373496335434906,
                0.0,
                0.0,
                0.3899935726148963,
            ],
            [
                0.0,
                0.0,
                5.537273661812207,
                1.0475469557879153,
                1.0680669916873389,
                -1.126173066795961,
                -1.93884626761167,
                0.0,
                0.0,
                0.331838057792135,
            ],
            [
                -0.00509502700735435,
                0.0,
                6.154462905298431,
                1.0053275358883458,
                1.2313971051220227,
                -1.334119475981617,
                -2.06591315795294,
                0.0,
                0.0,
                0.314366235928791,
            ],
        ];
        let (x, y) = diabetes();
        let c = center(x.view(), &y, None, true);
        let mut p = Problem::auto(&c);
        let alphas = alpha_grid(&p, 1.0, false, 1e-2, 5);
        assert_close(&alphas, &ALPHAS, 1e-10);
        let path = enet_path(&mut p, &alphas, 1.0, &settings(), 0);
        for ((alpha, coef, _), want) in path.iter().zip(PATH_COEFS) {
            assert!(alphas.contains(alpha));
            assert_close(coef, &want, 1e-6);
        }
    }
}
