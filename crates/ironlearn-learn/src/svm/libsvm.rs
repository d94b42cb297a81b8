//! LIBSVM's SMO solver and formulations, as scikit-learn's fork of LIBSVM runs them.
//!
//! scikit-learn's `SVC`, `NuSVC`, `SVR`, `NuSVR` and `OneClassSVM` are LIBSVM,
//! so their users expect LIBSVM's answers: the same support vectors, dual
//! coefficients and intercepts to within the stopping tolerance. Those come
//! from following its algorithm rather than from any QP solver: the
//! second-order working-set selection of Fan, Chen and Lin (JMLR 2005), the
//! same stopping rule (the maximal violation below `tol`), shrinking with
//! the same heuristics, the intercept from the free variables, kernel rows
//! stored in single precision in an LRU cache bounded by `cache_size`, and
//! the one-vs-one scheme with per-class and per-sample costs of scikit-learn's
//! fork. Kernel rows are computed a row at a time against all training
//! rows, stored feature by feature (see `kernel`). From about 2,000
//! variables (fewer with many features) the same dual is solved a block of
//! variables at a time instead (`block`, as scikit-learn-intelex does):
//! the same optimum to within `tol`, reached in far fewer passes over the
//! data, though the support vectors at the margin's edge may differ. The
//! pairwise problems of a multiclass fit are solved in parallel, each
//! independent of the others, so the result does not depend on the thread
//! count. Platt scaling uses LIBSVM's 5-fold cross-validation and pairwise
//! coupling, with its own random stream (seeded by `random_state`).

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

use ironlearn_core::Rng;

use super::block;
use super::kernel::{Columns, Kernel};

const TAU: f64 = 1e-12;
const INF: f64 = f64::INFINITY;

/// The LRU cache of kernel rows: row `i` holds `Q[i][0..len)` for some `len`.
struct Cache {
    rows: Vec<Vec<f32>>,
    /// A circular doubly linked list over `0..l`, node `l` its head (least recent first).
    prev: Vec<usize>,
    next: Vec<usize>,
    /// Floats still free.
    free: usize,
}

impl Cache {
    fn new(l: usize, bytes: f64) -> Cache {
        // as LIBSVM: the budget less a header per row, but room for two full rows at least
        let floats = (bytes / 4.0) as i64 - (l as i64) * 8;
        let free = floats.max(2 * l as i64) as usize;
        Cache { rows: vec![Vec::new(); l], prev: vec![l; l + 1], next: vec![l; l + 1], free }
    }

    fn unlink(&mut self, h: usize) {
        let (p, n) = (self.prev[h], self.next[h]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn push_back(&mut self, h: usize) {
        let head = self.rows.len();
        let last = self.prev[head];
        self.next[h] = head;
        self.prev[h] = last;
        self.next[last] = h;
        self.prev[head] = h;
    }

    /// Makes row `i` hold at least `len` values; returns where the values to compute start.
    fn get(&mut self, i: usize, len: usize) -> usize {
        let have = self.rows[i].len();
        if have > 0 {
            self.unlink(i);
        }
        if len > have {
            let more = len - have;
            let head = self.rows.len();
            while self.free < more {
                let old = self.next[head];
                self.unlink(old);
                self.free += self.rows[old].len();
                self.rows[old] = Vec::new();
            }
            self.rows[i].resize(len, 0.0);
            self.free -= more;
        }
        self.push_back(i);
        have
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        if !self.rows[i].is_empty() {
            self.unlink(i);
        }
        if !self.rows[j].is_empty() {
            self.unlink(j);
        }
        self.rows.swap(i, j);
        if !self.rows[i].is_empty() {
            self.push_back(i);
        }
        if !self.rows[j].is_empty() {
            self.push_back(j);
        }
        let (i, j) = (i.min(j), i.max(j));
        let head = self.rows.len();
        let mut h = self.next[head];
        while h != head {
            let nxt = self.next[h];
            let len = self.rows[h].len();
            if len > i {
                if len > j {
                    self.rows[h].swap(i, j);
                } else {
                    // give up on this row
                    self.unlink(h);
                    self.free += len;
                    self.rows[h] = Vec::new();
                }
            }
            h = nxt;
        }
    }
}

/// The matrix `Q` of the dual problem, one row at a time.
pub(super) trait QMatrix {
    /// `Q[i][0..len)`.
    fn row(&mut self, i: usize, len: usize) -> &[f32];
    /// `Q[i][0..len)` and `Q[j][0..len)`.
    fn rows2(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]);
    /// The diagonal.
    fn diagonal(&self) -> Vec<f64>;
    fn swap_index(&mut self, i: usize, j: usize);
}

/// `Q = diag(y) K diag(y)` (classification) or `K` (one-class, `y` all 1), over
/// a copy of the rows that is permuted as the solver shrinks.
struct KernelQ {
    x: Array2<f64>,
    cols: Columns,
    norms: Vec<f64>,
    y: Vec<i8>,
    kernel: Kernel,
    cache: Cache,
    buf: Vec<f64>,
}

impl KernelQ {
    fn new(x: Array2<f64>, y: Vec<i8>, kernel: Kernel, cache_mb: f64) -> KernelQ {
        let l = x.nrows();
        let norms = if kernel.needs_norms() { Kernel::norms(x.view()).to_vec() } else { Vec::new() };
        let cols = Columns::new(x.view());
        KernelQ { x, cols, norms, y, kernel, cache: Cache::new(l, cache_mb * (1 << 20) as f64), buf: vec![0.0; l] }
    }

    fn fill(&mut self, i: usize, len: usize) {
        let start = self.cache.get(i, len);
        if start < len {
            let buf = &mut self.buf[..len - start];
            self.kernel.row_par(self.x.view(), &self.cols, &self.norms, i, start, len, buf);
            let yi = f64::from(self.y[i]);
            let row = &mut self.cache.rows[i];
            for ((q, k), &yj) in row[start..len].iter_mut().zip(buf.iter()).zip(&self.y[start..len]) {
                *q = (yi * f64::from(yj) * k) as f32;
            }
        }
    }
}

impl QMatrix for KernelQ {
    fn row(&mut self, i: usize, len: usize) -> &[f32] {
        self.fill(i, len);
        &self.cache.rows[i][..len]
    }

    fn rows2(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]) {
        self.fill(i, len);
        self.fill(j, len);
        (&self.cache.rows[i][..len], &self.cache.rows[j][..len])
    }

    fn diagonal(&self) -> Vec<f64> {
        self.kernel.diagonal(self.x.view(), &self.norms)
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.cache.swap_index(i, j);
        if i != j {
            let (a, b) = (i.min(j), i.max(j));
            let (mut top, mut bottom) = self.x.view_mut().split_at(Axis(0), b);
            ndarray::Zip::from(top.row_mut(a)).and(bottom.row_mut(0)).for_each(std::mem::swap);
            self.cols.swap(i, j);
        }
        if !self.norms.is_empty() {
            self.norms.swap(i, j);
        }
        self.y.swap(i, j);
    }
}

/// The `2l × 2l` matrix of the regression duals: `Q[i][j] = s_i s_j K(i mod l, j mod l)`.
/// Full kernel rows are cached by the original row; the solver's order is an index map.
struct SvrQ {
    x: Array2<f64>,
    cols: Columns,
    norms: Vec<f64>,
    kernel: Kernel,
    cache: Cache,
    sign: Vec<i8>,
    index: Vec<usize>,
    buf: [Vec<f32>; 2],
    kbuf: Vec<f64>,
}

impl SvrQ {
    fn new(x: Array2<f64>, kernel: Kernel, cache_mb: f64) -> SvrQ {
        let l = x.nrows();
        let norms = if kernel.needs_norms() { Kernel::norms(x.view()).to_vec() } else { Vec::new() };
        SvrQ {
            cols: Columns::new(x.view()),
            x,
            norms,
            kernel,
            cache: Cache::new(l, cache_mb * (1 << 20) as f64),
            sign: (0..2 * l).map(|k| if k < l { 1 } else { -1 }).collect(),
            index: (0..2 * l).map(|k| k % l).collect(),
            buf: [vec![0.0; 2 * l], vec![0.0; 2 * l]],
            kbuf: vec![0.0; l],
        }
    }

    fn fill(&mut self, slot: usize, i: usize, len: usize) {
        let l = self.x.nrows();
        let real = self.index[i];
        if self.cache.get(real, l) < l {
            self.kernel.row_par(self.x.view(), &self.cols, &self.norms, real, 0, l, &mut self.kbuf);
            self.cache.rows[real].iter_mut().zip(&self.kbuf).for_each(|(q, k)| *q = *k as f32);
        }
        let data = &self.cache.rows[real];
        let si = f32::from(self.sign[i]);
        for ((b, &s), &ix) in self.buf[slot][..len].iter_mut().zip(&self.sign).zip(&self.index) {
            *b = si * f32::from(s) * data[ix];
        }
    }
}

impl QMatrix for SvrQ {
    fn row(&mut self, i: usize, len: usize) -> &[f32] {
        self.fill(0, i, len);
        &self.buf[0][..len]
    }

    fn rows2(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]) {
        self.fill(0, i, len);
        self.fill(1, j, len);
        (&self.buf[0][..len], &self.buf[1][..len])
    }

    fn diagonal(&self) -> Vec<f64> {
        let k = self.kernel.diagonal(self.x.view(), &self.norms);
        k.iter().chain(&k).copied().collect()
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.sign.swap(i, j);
        self.index.swap(i, j);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Bound {
    Lower,
    Upper,
    Free,
}

/// What one solve returns.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub alpha: Vec<f64>,
    pub rho: f64,
    /// `Solver_NU`'s `r`.
    pub r: f64,
    pub n_iter: usize,
    /// Whether `max_iter` stopped the solver.
    pub timed_out: bool,
}

/// The solver's settings shared by every formulation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub kernel: Kernel,
    pub tol: f64,
    pub cache_size: f64,
    pub shrinking: bool,
    /// `None`: no limit.
    pub max_iter: Option<usize>,
    /// Pairs (LIBSVM) or blocks of variables at a time.
    pub decomposition: Decomposition,
}

/// How the dual is decomposed: LIBSVM's two variables at a time, or blocks of
/// up to the given number (`block`: a power of two, at least 8, or all the
/// variables), or whichever suits the problem's size.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(not(test), expect(dead_code, reason = "the estimators choose by size; tests choose each"))]
pub(crate) enum Decomposition {
    /// Blocks where they pay ([`block::pays`]), pairs below.
    Auto,
    Pairs,
    Blocks(usize),
}

/// The SMO solver for `min ½αᵀQα + pᵀα, yᵀα = δ, 0 ≤ α_i ≤ C_i`; with `nu`,
/// LIBSVM's `Solver_NU` (the extra constraint `eᵀα = const` per sign of `y`).
pub(super) struct Solver {
    nu: bool,
    l: usize,
    active_size: usize,
    y: Vec<i8>,
    g: Vec<f64>,
    g_bar: Vec<f64>,
    status: Vec<Bound>,
    alpha: Vec<f64>,
    qd: Vec<f64>,
    c: Vec<f64>,
    p: Vec<f64>,
    active_set: Vec<usize>,
    eps: f64,
    unshrink: bool,
    qi: Vec<f32>,
}

impl Solver {
    pub(super) fn bound(alpha: f64, c: f64) -> Bound {
        if alpha >= c {
            Bound::Upper
        } else if alpha <= 0.0 {
            Bound::Lower
        } else {
            Bound::Free
        }
    }

    fn upper(&self, i: usize) -> bool {
        self.status[i] == Bound::Upper
    }

    fn lower(&self, i: usize) -> bool {
        self.status[i] == Bound::Lower
    }

    fn swap_index(&mut self, q: &mut dyn QMatrix, i: usize, j: usize) {
        q.swap_index(i, j);
        self.y.swap(i, j);
        self.g.swap(i, j);
        self.status.swap(i, j);
        self.alpha.swap(i, j);
        self.p.swap(i, j);
        self.active_set.swap(i, j);
        self.g_bar.swap(i, j);
        self.c.swap(i, j);
        self.qd.swap(i, j);
    }

    /// The gradient of the shrunk variables, from `G_bar` and the free variables.
    fn reconstruct_gradient(&mut self, q: &mut dyn QMatrix) {
        let (l, active) = (self.l, self.active_size);
        if active == l {
            return;
        }
        for j in active..l {
            self.g[j] = self.g_bar[j] + self.p[j];
        }
        let n_free = (0..active).filter(|&j| self.status[j] == Bound::Free).count();
        if n_free * l > 2 * active * (l - active) {
            for i in active..l {
                let q_i = q.row(i, active);
                let mut s = 0.0;
                for j in 0..active {
                    if self.status[j] == Bound::Free {
                        s += self.alpha[j] * f64::from(q_i[j]);
                    }
                }
                self.g[i] += s;
            }
        } else {
            for i in 0..active {
                if self.status[i] == Bound::Free {
                    let q_i = q.row(i, l);
                    let a = self.alpha[i];
                    self.g[active..l].iter_mut().zip(&q_i[active..l]).for_each(|(g, &v)| *g += a * f64::from(v));
                }
            }
        }
    }

    /// WSS2: `i` the maximal violator, `j` the one giving the largest decrease of the
    /// second-order model; `None` when optimal within `eps`.
    fn select(&self, q: &mut dyn QMatrix) -> Option<(usize, usize)> {
        if self.nu {
            return self.select_nu(q);
        }
        let active = self.active_size;
        let (mut gmax, mut gmax2) = (-INF, -INF);
        let mut gmax_idx = None;
        for t in 0..active {
            if self.y[t] == 1 {
                if !self.upper(t) && -self.g[t] >= gmax {
                    gmax = -self.g[t];
                    gmax_idx = Some(t);
                }
            } else if !self.lower(t) && self.g[t] >= gmax {
                gmax = self.g[t];
                gmax_idx = Some(t);
            }
        }
        let i = gmax_idx?;
        let q_i = q.row(i, active);
        let yi = f64::from(self.y[i]);
        let mut gmin_idx = None;
        let mut obj_diff_min = INF;
        for j in 0..active {
            let (grad_diff, quad) = if self.y[j] == 1 {
                if self.lower(j) {
                    continue;
                }
                gmax2 = gmax2.max(self.g[j]);
                (gmax + self.g[j], self.qd[i] + self.qd[j] - 2.0 * yi * f64::from(q_i[j]))
            } else {
                if self.upper(j) {
                    continue;
                }
                gmax2 = gmax2.max(-self.g[j]);
                (gmax - self.g[j], self.qd[i] + self.qd[j] + 2.0 * yi * f64::from(q_i[j]))
            };
            if grad_diff > 0.0 {
                let obj_diff = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if obj_diff <= obj_diff_min {
                    gmin_idx = Some(j);
                    obj_diff_min = obj_diff;
                }
            }
        }
        let j = gmin_idx?;
        (gmax + gmax2 >= self.eps).then_some((i, j))
    }

    fn select_nu(&self, q: &mut dyn QMatrix) -> Option<(usize, usize)> {
        let active = self.active_size;
        let (mut gmaxp, mut gmaxp2, mut gmaxn, mut gmaxn2) = (-INF, -INF, -INF, -INF);
        let (mut ip, mut in_) = (None, None);
        for t in 0..active {
            if self.y[t] == 1 {
                if !self.upper(t) && -self.g[t] >= gmaxp {
                    gmaxp = -self.g[t];
                    ip = Some(t);
                }
            } else if !self.lower(t) && self.g[t] >= gmaxn {
                gmaxn = self.g[t];
                in_ = Some(t);
            }
        }
        // copies: both rows are read in one pass
        let q_ip: Vec<f32> = ip.map(|i| q.row(i, active).to_vec()).unwrap_or_default();
        let q_in: Vec<f32> = in_.map(|i| q.row(i, active).to_vec()).unwrap_or_default();
        let mut gmin_idx = None;
        let mut obj_diff_min = INF;
        for j in 0..active {
            let (grad_diff, quad) = if self.y[j] == 1 {
                if self.lower(j) {
                    continue;
                }
                gmaxp2 = gmaxp2.max(self.g[j]);
                let gd = gmaxp + self.g[j];
                if gd <= 0.0 {
                    continue;
                }
                let ip = ip.expect("a positive violator");
                (gd, self.qd[ip] + self.qd[j] - 2.0 * f64::from(q_ip[j]))
            } else {
                if self.upper(j) {
                    continue;
                }
                gmaxn2 = gmaxn2.max(-self.g[j]);
                let gd = gmaxn - self.g[j];
                if gd <= 0.0 {
                    continue;
                }
                let in_ = in_.expect("a negative violator");
                (gd, self.qd[in_] + self.qd[j] - 2.0 * f64::from(q_in[j]))
            };
            let obj_diff = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
            if obj_diff <= obj_diff_min {
                gmin_idx = Some(j);
                obj_diff_min = obj_diff;
            }
        }
        let j = gmin_idx?;
        if (gmaxp + gmaxp2).max(gmaxn + gmaxn2) < self.eps {
            return None;
        }
        let i = if self.y[j] == 1 { ip } else { in_ }?;
        Some((i, j))
    }

    /// LIBSVM's `be_shrunk`, the standard solver's bounds given as `[g1, g2, g1, g2]`.
    fn be_shrunk(&self, i: usize, m: [f64; 4]) -> bool {
        match (self.status[i], self.y[i] == 1) {
            (Bound::Upper, true) => -self.g[i] > m[0],
            (Bound::Upper, false) => -self.g[i] > m[3],
            (Bound::Lower, true) => self.g[i] > m[1],
            (Bound::Lower, false) => self.g[i] > m[2],
            (Bound::Free, _) => false,
        }
    }

    fn shrink(&mut self, q: &mut dyn QMatrix) {
        let (mut g1, mut g2, mut g3, mut g4) = (-INF, -INF, -INF, -INF);
        for i in 0..self.active_size {
            let (g, pos) = (self.g[i], self.y[i] == 1);
            if self.nu {
                if !self.upper(i) {
                    if pos {
                        g1 = g1.max(-g);
                    } else {
                        g4 = g4.max(-g);
                    }
                }
                if !self.lower(i) {
                    if pos {
                        g2 = g2.max(g);
                    } else {
                        g3 = g3.max(g);
                    }
                }
            } else {
                if !self.upper(i) {
                    if pos {
                        g1 = g1.max(-g);
                    } else {
                        g2 = g2.max(-g);
                    }
                }
                if !self.lower(i) {
                    if pos {
                        g2 = g2.max(g);
                    } else {
                        g1 = g1.max(g);
                    }
                }
            }
        }
        let m = if self.nu { [g1, g2, g3, g4] } else { [g1, g2, g1, g2] };
        let gap = if self.nu { (g1 + g2).max(g3 + g4) } else { g1 + g2 };
        if !self.unshrink && gap <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient(q);
            self.active_size = self.l;
        }
        let mut i = 0;
        while i < self.active_size {
            if self.be_shrunk(i, m) {
                self.active_size -= 1;
                while self.active_size > i {
                    if !self.be_shrunk(self.active_size, m) {
                        self.swap_index(q, i, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            i += 1;
        }
    }

    fn rho(&self) -> (f64, f64) {
        let active = self.active_size;
        intercept(&self.y[..active], &self.g[..active], &self.status[..active], self.nu)
    }

    /// One step on the pair `(i, j)`: the two-variable subproblem solved and clipped to the box.
    fn step(&mut self, q: &mut dyn QMatrix, i: usize, j: usize) {
        let active = self.active_size;
        let (q_i, q_j) = q.rows2(i, j, active);
        let (c_i, c_j) = (self.c[i], self.c[j]);
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (mut ai, mut aj) = (old_i, old_j);
        if self.y[i] != self.y[j] {
            let mut quad = self.qd[i] + self.qd[j] + 2.0 * f64::from(q_i[j]);
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-self.g[i] - self.g[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            if diff > c_i - c_j {
                if ai > c_i {
                    ai = c_i;
                    aj = c_i - diff;
                }
            } else if aj > c_j {
                aj = c_j;
                ai = c_j + diff;
            }
        } else {
            let mut quad = self.qd[i] + self.qd[j] - 2.0 * f64::from(q_i[j]);
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (self.g[i] - self.g[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c_i {
                if ai > c_i {
                    ai = c_i;
                    aj = sum - c_i;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c_j {
                if aj > c_j {
                    aj = c_j;
                    ai = sum - c_j;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        let (di, dj) = (ai - old_i, aj - old_j);
        for ((g, &a), &b) in self.g[..active].iter_mut().zip(q_i).zip(q_j) {
            *g += f64::from(a) * di + f64::from(b) * dj;
        }
        for (k, c_k) in [(i, c_i), (j, c_j)] {
            let was_upper = self.upper(k);
            self.status[k] = Solver::bound(self.alpha[k], c_k);
            if was_upper != self.upper(k) {
                let sign = if was_upper { -c_k } else { c_k };
                self.qi.clear();
                self.qi.extend_from_slice(q.row(k, self.l));
                self.g_bar.iter_mut().zip(&self.qi).for_each(|(g, &v)| *g += sign * f64::from(v));
            }
        }
    }
}

/// The intercept `rho` (and `r` for the ν solver), from the free variables, or the
/// middle of the feasible interval when none is free.
pub(super) fn intercept(y: &[i8], g: &[f64], status: &[Bound], nu: bool) -> (f64, f64) {
    let mid = |n: usize, sum: f64, ub: f64, lb: f64| if n > 0 { sum / n as f64 } else { (ub + lb) / 2.0 };
    if nu {
        let mut acc = [(0usize, 0.0, INF, -INF); 2];
        for ((&yi, &g), &st) in y.iter().zip(g).zip(status) {
            let a = &mut acc[usize::from(yi != 1)];
            match st {
                Bound::Upper => a.3 = a.3.max(g),
                Bound::Lower => a.2 = a.2.min(g),
                Bound::Free => {
                    a.0 += 1;
                    a.1 += g;
                }
            }
        }
        let r1 = mid(acc[0].0, acc[0].1, acc[0].2, acc[0].3);
        let r2 = mid(acc[1].0, acc[1].1, acc[1].2, acc[1].3);
        return ((r1 - r2) / 2.0, (r1 + r2) / 2.0);
    }
    let (mut n, mut sum, mut ub, mut lb) = (0, 0.0, INF, -INF);
    for ((&yi, &g), &st) in y.iter().zip(g).zip(status) {
        let yg = f64::from(yi) * g;
        match (st, yi == 1) {
            (Bound::Upper, false) | (Bound::Lower, true) => ub = ub.min(yg),
            (Bound::Upper, true) | (Bound::Lower, false) => lb = lb.max(yg),
            (Bound::Free, _) => {
                n += 1;
                sum += yg;
            }
        }
    }
    (mid(n, sum, ub, lb), 0.0)
}

/// Solves the dual from the feasible start `alpha`.
pub(super) fn solve(
    q: &mut dyn QMatrix,
    p: &[f64],
    y: &[i8],
    alpha: Vec<f64>,
    c: &[f64],
    s: &Settings,
    nu: bool,
) -> Solution {
    let l = p.len();
    let status: Vec<Bound> = alpha.iter().zip(c).map(|(&a, &c)| Solver::bound(a, c)).collect();
    let mut solver = Solver {
        nu,
        l,
        active_size: l,
        y: y.to_vec(),
        g: p.to_vec(),
        g_bar: vec![0.0; l],
        status,
        alpha,
        qd: q.diagonal(),
        c: c.to_vec(),
        p: p.to_vec(),
        active_set: (0..l).collect(),
        eps: s.tol,
        unshrink: false,
        qi: Vec::with_capacity(l),
    };
    for i in 0..l {
        if solver.status[i] != Bound::Lower {
            let q_i = q.row(i, l);
            let a = solver.alpha[i];
            solver.g.iter_mut().zip(q_i).for_each(|(g, &v)| *g += a * f64::from(v));
            if solver.status[i] == Bound::Upper {
                let c_i = solver.c[i];
                solver.g_bar.iter_mut().zip(q_i).for_each(|(g, &v)| *g += c_i * f64::from(v));
            }
        }
    }
    let mut iter = 0;
    let mut timed_out = false;
    let mut counter = l.min(1000) + 1;
    loop {
        if s.max_iter.is_some_and(|m| iter >= m) {
            timed_out = true;
            break;
        }
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if s.shrinking {
                solver.shrink(q);
            }
        }
        let (i, j) = match solver.select(q) {
            Some(pair) => pair,
            None => {
                solver.reconstruct_gradient(q);
                solver.active_size = l;
                match solver.select(q) {
                    Some(pair) => {
                        counter = 1; // shrink at the next iteration
                        pair
                    }
                    None => break,
                }
            }
        };
        iter += 1;
        solver.step(q, i, j);
    }
    let (rho, r) = solver.rho();
    let mut out = vec![0.0; l];
    for (k, &orig) in solver.active_set.iter().enumerate() {
        out[orig] = solver.alpha[k];
    }
    Solution { alpha: out, rho, r, n_iter: iter, timed_out }
}

/// Solves a dual over the rows of `x`, one variable per row or, for the
/// regression duals, two (`2l` variables, `y` their signs), by pairs or by
/// blocks as `s.decomposition` says.
fn dual(x: Array2<f64>, p: &[f64], y: &[i8], alpha: Vec<f64>, c: &[f64], s: &Settings, nu: bool) -> Solution {
    let block = match s.decomposition {
        Decomposition::Pairs => None,
        Decomposition::Blocks(q) => Some(q),
        Decomposition::Auto => block::pays(p.len(), x.ncols()).then_some(block::MAX_BLOCK),
    };
    if let Some(q) = block {
        return block::solve(x, p, y, alpha, c, s, nu, q);
    }
    if p.len() == x.nrows() {
        let mut q = KernelQ::new(x, y.to_vec(), s.kernel, s.cache_size);
        solve(&mut q, p, y, alpha, c, s, nu)
    } else {
        let mut q = SvrQ::new(x, s.kernel, s.cache_size);
        solve(&mut q, p, y, alpha, c, s, nu)
    }
}

/// The formulations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Formulation {
    /// C-SVC; the costs are per class, times the sample weights.
    CSvc,
    NuSvc {
        nu: f64,
    },
    OneClass {
        nu: f64,
    },
    EpsilonSvr {
        c: f64,
        epsilon: f64,
    },
    NuSvr {
        c: f64,
        nu: f64,
    },
}

/// A binary classification problem (`y` ±1, costs `cp`/`cn` for the two signs) or a
/// regression / one-class problem (`y` the target, unused for one-class), solved.
/// Returns the signed coefficients `α_i y_i` (LIBSVM's `sv_coef`) per row and `rho`.
pub(crate) fn train_one(
    x: Array2<f64>,
    y: &[f64],
    w: &[f64],
    form: Formulation,
    costs: (f64, f64),
    s: &Settings,
) -> Solution {
    let l = x.nrows();
    match form {
        Formulation::CSvc => {
            let ys: Vec<i8> = y.iter().map(|&v| if v > 0.0 { 1 } else { -1 }).collect();
            let c: Vec<f64> = ys.iter().zip(w).map(|(&yi, &wi)| wi * if yi > 0 { costs.0 } else { costs.1 }).collect();
            let mut sol = dual(x, &vec![-1.0; l], &ys, vec![0.0; l], &c, s, false);
            sol.alpha.iter_mut().zip(&ys).for_each(|(a, &yi)| *a *= f64::from(yi));
            sol
        }
        Formulation::NuSvc { nu } => {
            let ys: Vec<i8> = y.iter().map(|&v| if v > 0.0 { 1 } else { -1 }).collect();
            let c = w.to_vec();
            let nu_l: f64 = c.iter().map(|ci| nu * ci).sum();
            let (mut sum_pos, mut sum_neg) = (nu_l / 2.0, nu_l / 2.0);
            let alpha: Vec<f64> = ys
                .iter()
                .zip(&c)
                .map(|(&yi, &ci)| {
                    let sum = if yi > 0 { &mut sum_pos } else { &mut sum_neg };
                    let a = ci.min(*sum);
                    *sum -= a;
                    a
                })
                .collect();
            let mut sol = dual(x, &vec![0.0; l], &ys, alpha, &c, s, true);
            let r = sol.r;
            sol.alpha.iter_mut().zip(&ys).for_each(|(a, &yi)| *a *= f64::from(yi) / r);
            sol.rho /= r;
            sol
        }
        Formulation::OneClass { nu } => {
            let c = w.to_vec();
            let mut nu_l: f64 = c.iter().map(|ci| ci * nu).sum();
            let mut alpha = vec![0.0; l];
            let mut i = 0;
            while nu_l > 0.0 && i < l {
                alpha[i] = c[i].min(nu_l);
                nu_l -= alpha[i];
                i += 1;
            }
            dual(x, &vec![0.0; l], &vec![1i8; l], alpha, &c, s, false)
        }
        Formulation::EpsilonSvr { c, epsilon } => {
            let p: Vec<f64> = y.iter().map(|yi| epsilon - yi).chain(y.iter().map(|yi| epsilon + yi)).collect();
            let ys: Vec<i8> = (0..2 * l).map(|k| if k < l { 1 } else { -1 }).collect();
            let cs: Vec<f64> = w.iter().chain(w).map(|wi| wi * c).collect();
            let mut sol = dual(x, &p, &ys, vec![0.0; 2 * l], &cs, s, false);
            sol.alpha = (0..l).map(|i| sol.alpha[i] - sol.alpha[i + l]).collect();
            sol
        }
        Formulation::NuSvr { c, nu } => {
            let cs: Vec<f64> = w.iter().chain(w).map(|wi| wi * c).collect();
            let mut sum: f64 = cs[..l].iter().map(|ci| ci * nu).sum::<f64>() / 2.0;
            let mut alpha = vec![0.0; 2 * l];
            for i in 0..l {
                let a = sum.min(cs[i]);
                alpha[i] = a;
                alpha[i + l] = a;
                sum -= a;
            }
            let p: Vec<f64> = y.iter().map(|yi| -yi).chain(y.iter().copied()).collect();
            let ys: Vec<i8> = (0..2 * l).map(|k| if k < l { 1 } else { -1 }).collect();
            let mut sol = dual(x, &p, &ys, alpha, &cs, s, true);
            sol.alpha = (0..l).map(|i| sol.alpha[i] - sol.alpha[i + l]).collect();
            sol
        }
    }
}

/// The rows `idx` of `x`, copied.
fn take_rows(x: ArrayView2<'_, f64>, idx: &[usize]) -> Array2<f64> {
    x.select(Axis(0), idx)
}

/// A fitted regression or one-class model: LIBSVM's single decision function.
#[derive(Debug, Clone)]
pub(crate) struct SingleFit {
    /// Row indices of the support vectors, increasing.
    pub support: Vec<usize>,
    pub coef: Vec<f64>,
    pub rho: f64,
    pub n_iter: usize,
    pub timed_out: bool,
}

/// Trains a regression or one-class model on the rows with positive weight.
pub(crate) fn train_single(x: ArrayView2<'_, f64>, y: &[f64], w: &[f64], form: Formulation, s: &Settings) -> SingleFit {
    let keep: Vec<usize> = (0..x.nrows()).filter(|&i| w[i] > 0.0).collect();
    let yk: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let wk: Vec<f64> = keep.iter().map(|&i| w[i]).collect();
    let sol = train_one(take_rows(x, &keep), &yk, &wk, form, (0.0, 0.0), s);
    let (support, coef) = keep.iter().zip(&sol.alpha).filter(|(_, a)| a.abs() > 0.0).map(|(&i, &a)| (i, a)).unzip();
    SingleFit { support, coef, rho: sol.rho, n_iter: sol.n_iter, timed_out: sol.timed_out }
}

/// A fitted one-vs-one classifier, laid out as LIBSVM's model.
#[derive(Debug, Clone)]
pub(crate) struct ClassifierFit {
    /// Row indices of the support vectors, grouped by class, increasing within a class.
    pub support: Vec<usize>,
    pub n_support: Vec<usize>,
    /// `(classes − 1) × support vectors`, LIBSVM's `sv_coef`.
    pub sv_coef: Array2<f64>,
    /// One per pair `(i, j)`, `i < j`, in order.
    pub rho: Vec<f64>,
    pub prob_a: Vec<f64>,
    pub prob_b: Vec<f64>,
    pub n_iter: Vec<usize>,
    pub timed_out: bool,
}

/// Trains the `k(k−1)/2` pairwise problems (in parallel) on the rows with positive
/// weight; `class_c[c]` is the cost of class `c` (C times its class weight), for C-SVC.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_classifier(
    x: ArrayView2<'_, f64>,
    codes: &[u32],
    n_classes: usize,
    w: &[f64],
    class_c: &[f64],
    form: Formulation,
    s: &Settings,
    probability: Option<u64>,
) -> ClassifierFit {
    // group the kept rows by class (stable)
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in codes.iter().enumerate() {
        if w[i] > 0.0 {
            members[c as usize].push(i);
        }
    }
    let pairs: Vec<(usize, usize)> = (0..n_classes).flat_map(|i| ((i + 1)..n_classes).map(move |j| (i, j))).collect();
    let root = probability.map(Rng::new);
    let fits: Vec<(Solution, (f64, f64))> = pairs
        .par_iter()
        .enumerate()
        .map(|(p, &(i, j))| {
            let idx: Vec<usize> = members[i].iter().chain(&members[j]).copied().collect();
            let sub_x = take_rows(x, &idx);
            let sub_y: Vec<f64> = (0..idx.len()).map(|k| if k < members[i].len() { 1.0 } else { -1.0 }).collect();
            let sub_w: Vec<f64> = idx.iter().map(|&r| w[r]).collect();
            let costs = (class_c[i], class_c[j]);
            let (sol, ab) = rayon::join(
                || train_one(sub_x.clone(), &sub_y, &sub_w, form, costs, s),
                || {
                    root.as_ref().map_or((0.0, 0.0), |r| {
                        let mut rng = r.fork(p as u64);
                        binary_probability(sub_x.view(), &sub_y, &sub_w, form, costs, s, &mut rng)
                    })
                },
            );
            (sol, ab)
        })
        .collect();
    // which rows are support vectors of some pair
    let n = codes.len();
    let mut nonzero = vec![false; n];
    for (&(i, j), (sol, _)) in pairs.iter().zip(&fits) {
        for (&r, a) in members[i].iter().chain(&members[j]).zip(&sol.alpha) {
            if a.abs() > 0.0 {
                nonzero[r] = true;
            }
        }
    }
    let sv_of: Vec<Vec<usize>> = members.iter().map(|m| m.iter().copied().filter(|&r| nonzero[r]).collect()).collect();
    let n_support: Vec<usize> = sv_of.iter().map(Vec::len).collect();
    let support: Vec<usize> = sv_of.concat();
    let mut position = vec![usize::MAX; n];
    support.iter().enumerate().for_each(|(k, &r)| position[r] = k);
    let mut sv_coef = Array2::zeros((n_classes.saturating_sub(1), support.len()));
    for (&(i, j), (sol, _)) in pairs.iter().zip(&fits) {
        // coefficients of class i's rows in row j − 1, of class j's rows in row i
        for (&r, &a) in members[i].iter().chain(&members[j]).zip(&sol.alpha) {
            if nonzero[r] {
                let row = if codes[r] as usize == i { j - 1 } else { i };
                sv_coef[[row, position[r]]] = a;
            }
        }
    }
    ClassifierFit {
        support,
        n_support,
        sv_coef,
        rho: fits.iter().map(|(s, _)| s.rho).collect(),
        prob_a: if probability.is_some() { fits.iter().map(|(_, ab)| ab.0).collect() } else { Vec::new() },
        prob_b: if probability.is_some() { fits.iter().map(|(_, ab)| ab.1).collect() } else { Vec::new() },
        n_iter: fits.iter().map(|(s, _)| s.n_iter).collect(),
        timed_out: fits.iter().any(|(s, _)| s.timed_out),
    }
}

/// Platt's sigmoid `(A, B)` fitted to decision values from LIBSVM's 5-fold cross-validation.
fn binary_probability(
    x: ArrayView2<'_, f64>,
    y: &[f64],
    w: &[f64],
    form: Formulation,
    costs: (f64, f64),
    s: &Settings,
    rng: &mut Rng,
) -> (f64, f64) {
    const FOLDS: usize = 5;
    let l = y.len();
    let mut perm: Vec<usize> = (0..l).collect();
    for i in 0..l {
        let j = i + rng.below(l - i);
        perm.swap(i, j);
    }
    // the folds are independent problems: solved in parallel, each result in its own rows
    let folds: Vec<(Vec<usize>, Vec<f64>)> = (0..FOLDS)
        .into_par_iter()
        .map(|f| {
            let (begin, end) = (f * l / FOLDS, (f + 1) * l / FOLDS);
            let held = perm[begin..end].to_vec();
            let train: Vec<usize> = perm[..begin].iter().chain(&perm[end..]).copied().collect();
            let pos = train.iter().filter(|&&t| y[t] > 0.0).count();
            let neg = train.len() - pos;
            let constant = match (pos, neg) {
                (0, 0) => Some(0.0),
                (_, 0) => Some(1.0),
                (0, _) => Some(-1.0),
                _ => None,
            };
            if let Some(v) = constant {
                let n = held.len();
                return (held, vec![v; n]);
            }
            let ty: Vec<f64> = train.iter().map(|&t| y[t]).collect();
            let tw: Vec<f64> = train.iter().map(|&t| w[t]).collect();
            let tx = take_rows(x, &train);
            let sol = train_one(tx.clone(), &ty, &tw, form, costs, s);
            let sv: Vec<usize> = (0..train.len()).filter(|&k| sol.alpha[k].abs() > 0.0).collect();
            let sv_x = take_rows(tx.view(), &sv);
            let coef = Array2::from_shape_fn((1, sv.len()), |(_, k)| sol.alpha[sv[k]]);
            let hx = take_rows(x, &held);
            let d = s.kernel.weighted_sums(hx.view(), sv_x.view(), None, coef.view());
            let values = d.column(0).iter().map(|v| v - sol.rho).collect();
            (held, values)
        })
        .collect();
    let mut dec = vec![0.0; l];
    for (held, values) in folds {
        held.iter().zip(values).for_each(|(&h, v)| dec[h] = v);
    }
    sigmoid_train(&dec, y)
}

/// Platt scaling by Newton's method with backtracking (Lin, Lin and Weng's version).
pub(crate) fn sigmoid_train(dec: &[f64], labels: &[f64]) -> (f64, f64) {
    let prior1 = labels.iter().filter(|&&v| v > 0.0).count() as f64;
    let prior0 = labels.len() as f64 - prior1;
    let (max_iter, min_step, sigma, eps) = (100, 1e-10, 1e-12, 1e-5);
    let hi = (prior1 + 1.0) / (prior1 + 2.0);
    let lo = 1.0 / (prior0 + 2.0);
    let t: Vec<f64> = labels.iter().map(|&v| if v > 0.0 { hi } else { lo }).collect();
    let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
    let value = |a: f64, b: f64| -> f64 {
        dec.iter()
            .zip(&t)
            .map(|(&d, &ti)| {
                let f = d * a + b;
                if f >= 0.0 {
                    ti * f + (-f).exp().ln_1p()
                } else {
                    (ti - 1.0) * f + f.exp().ln_1p()
                }
            })
            .sum()
    };
    let mut fval = value(a, b);
    for _ in 0..max_iter {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (sigma, sigma, 0.0, 0.0, 0.0);
        for (&d, &ti) in dec.iter().zip(&t) {
            let f = d * a + b;
            let (p, q) = if f >= 0.0 {
                let e = (-f).exp();
                (e / (1.0 + e), 1.0 / (1.0 + e))
            } else {
                let e = f.exp();
                (1.0 / (1.0 + e), e / (1.0 + e))
            };
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            let d1 = ti - p;
            g1 += d * d1;
            g2 += d1;
        }
        if g1.abs() < eps && g2.abs() < eps {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= min_step {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = value(na, nb);
            if nf < fval + 0.0001 * step * gd {
                a = na;
                b = nb;
                fval = nf;
                break;
            }
            step /= 2.0;
        }
        if step < min_step {
            break;
        }
    }
    (a, b)
}

/// The probability of the positive side of a pair given its decision value.
pub(crate) fn sigmoid_predict(dec: f64, a: f64, b: f64) -> f64 {
    let f = dec * a + b;
    if f >= 0.0 {
        let e = (-f).exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + f.exp())
    }
}

/// Class probabilities from pairwise ones (`r[i][j]` = P(i | i or j)), Wu, Lin and Weng's method 2.
pub(crate) fn multiclass_probability(r: &Array2<f64>) -> Array1<f64> {
    let k = r.nrows();
    let mut p = Array1::from_elem(k, 1.0 / k as f64);
    let mut q = Array2::zeros((k, k));
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[[t, t]] += r[[j, t]] * r[[j, t]];
                q[[t, j]] = -r[[j, t]] * r[[t, j]];
            }
        }
    }
    let eps = 0.005 / k as f64;
    let mut qp = Array1::zeros(k);
    for _ in 0..100.max(k) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = q.row(t).dot(&p);
            pqp += p[t] * qp[t];
        }
        let max_error = qp.iter().map(|v: &f64| (v - pqp).abs()).fold(0.0, f64::max);
        if max_error < eps {
            break;
        }
        for t in 0..k {
            let diff = (-qp[t] + pqp) / q[[t, t]];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[[t, t]] + 2.0 * qp[t])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[[t, j]]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}
