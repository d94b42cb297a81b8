//! liblinear's solvers for linear support vector machines, on dense or sparse rows.
//!
//! These are the algorithms scikit-learn's `LinearSVC` and `LinearSVR` run
//! (its vendored `liblinear/linear.cpp`), step for step: dual coordinate
//! descent with shrinking for the L2-regularised hinge and squared hinge
//! losses (Hsieh et al., 2008) and for the epsilon-insensitive losses (Ho and
//! Lin, 2012), and primal coordinate descent with a line search for the
//! L1-regularised squared hinge (Yuan et al., 2010). The L2-regularised
//! primal problems (squared hinge, squared epsilon-insensitive), which
//! liblinear gives to its trust-region Newton method TRON, are solved here
//! by Newton-CG with a backtracking line search and TRON's stopping rule.
//! Matching the algorithm and its stopping rules, not only the objective,
//! is what makes `tol`, `max_iter` and `n_iter_` mean what they mean in
//! scikit-learn. The order
//! in which coordinates are visited is drawn from our own generator, not
//! liblinear's `rand()`, so iterates differ slightly; the optimum does not.
//!
//! The solvers see the data through [`RowSet`] (rows) and [`ColSet`]
//! (columns), implemented by dense [`Rows`] and by [`SparseRows`] (CSR,
//! never densified), as liblinear itself works on sparse rows.
//!
//! The intercept is liblinear's: a constant column (`intercept_scaling`)
//! appended to the data whose weight is regularised like any other.

use ironlearn_core::sparse::Csr;
use ironlearn_core::Rng;

use crate::linear::sparse_ops::Csc;
use crate::prefetch::{prefetch, AHEAD};

/// Rows of the problem, row-major, with liblinear's bias column appended when there is one.
pub(crate) struct Rows {
    pub data: Vec<f64>,
    pub n: usize,
    /// Columns, the bias column included.
    pub d: usize,
}

impl Rows {
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }

    /// The same data column-major, for the primal (feature-wise) solver.
    pub fn columns(&self) -> Vec<f64> {
        let mut cols = vec![0.0; self.n * self.d];
        for i in 0..self.n {
            for (j, v) in self.row(i).iter().enumerate() {
                cols[j * self.n + i] = *v;
            }
        }
        cols
    }
}

/// Row access for the solvers: dense [`Rows`] or CSR [`SparseRows`].
pub(crate) trait RowSet: Sync {
    /// Rows.
    fn n(&self) -> usize;
    /// Columns, the bias column included.
    fn d(&self) -> usize;
    /// `x_i · w`.
    fn dot_row(&self, i: usize, w: &[f64]) -> f64;
    /// `w += a·x_i`.
    fn axpy_row(&self, i: usize, a: f64, w: &mut [f64]);
    /// `||x_i||²`.
    fn sq_norm_row(&self, i: usize) -> f64;
    /// Asks for row `i`'s memory ahead of its visit ([`crate::prefetch`]).
    fn prefetch_row(&self, i: usize);
}

impl RowSet for Rows {
    fn n(&self) -> usize {
        self.n
    }

    fn d(&self) -> usize {
        self.d
    }

    fn dot_row(&self, i: usize, w: &[f64]) -> f64 {
        dot(w, self.row(i))
    }

    fn axpy_row(&self, i: usize, a: f64, w: &mut [f64]) {
        axpy(a, self.row(i), w);
    }

    fn sq_norm_row(&self, i: usize) -> f64 {
        dot(self.row(i), self.row(i))
    }

    fn prefetch_row(&self, i: usize) {
        prefetch(self.row(i));
    }
}

/// Rows of a CSR matrix (duplicates summed, columns sorted), with liblinear's
/// bias column appended as a stored value when there is one.
pub(crate) struct SparseRows {
    indptr: Vec<u64>,
    indices: Vec<u32>,
    data: Vec<f64>,
    pub n: usize,
    /// Columns, the bias column included.
    pub d: usize,
}

impl SparseRows {
    /// The rows `keep` of `x`, with the bias column `bias` appended when given.
    pub fn from_csr(x: &Csr<'_>, keep: &[usize], bias: Option<f64>) -> SparseRows {
        let p = x.n_cols();
        let d = p + usize::from(bias.is_some());
        let mut out = SparseRows { indptr: vec![0], indices: Vec::new(), data: Vec::new(), n: keep.len(), d };
        let mut pairs: Vec<(u32, f64)> = Vec::new();
        for &i in keep {
            let (cols, vals) = x.row(i);
            pairs.clear();
            pairs.extend(cols.iter().copied().zip(vals.iter().copied()));
            pairs.sort_by_key(|&(c, _)| c);
            for &(c, v) in &pairs {
                if out.indices.len() > *out.indptr.last().expect("offsets") as usize
                    && *out.indices.last().expect("an entry") == c
                {
                    *out.data.last_mut().expect("an entry") += v;
                } else {
                    out.indices.push(c);
                    out.data.push(v);
                }
            }
            if let Some(b) = bias {
                out.indices.push(p as u32);
                out.data.push(b);
            }
            out.indptr.push(out.data.len() as u64);
        }
        out
    }

    fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[i] as usize, self.indptr[i + 1] as usize);
        (&self.indices[a..b], &self.data[a..b])
    }

    /// The same data column by column, for the primal (feature-wise) solver.
    pub fn columns(&self) -> Csc {
        let csr = Csr::new(self.n, self.d, &self.indptr, &self.indices, &self.data)
            .expect("rows built from a checked CSR matrix");
        Csc::from_csr(&csr)
    }
}

impl RowSet for SparseRows {
    fn n(&self) -> usize {
        self.n
    }

    fn d(&self) -> usize {
        self.d
    }

    fn dot_row(&self, i: usize, w: &[f64]) -> f64 {
        let (cols, vals) = self.row(i);
        cols.iter().zip(vals).map(|(&c, v)| w[c as usize] * v).sum()
    }

    fn axpy_row(&self, i: usize, a: f64, w: &mut [f64]) {
        let (cols, vals) = self.row(i);
        cols.iter().zip(vals).for_each(|(&c, v)| w[c as usize] += a * v);
    }

    fn sq_norm_row(&self, i: usize) -> f64 {
        self.row(i).1.iter().map(|v| v * v).sum()
    }

    fn prefetch_row(&self, i: usize) {
        let (cols, vals) = self.row(i);
        prefetch(cols);
        prefetch(vals);
    }
}

/// Column access for the primal L1 solver: a column-major slice (`l` rows
/// per column) or a [`Csc`] matrix (stored values only).
pub(crate) trait ColSet: Sync {
    /// The number of columns, given `l` rows.
    fn n_cols(&self, l: usize) -> usize;
    /// Calls `f(i, x_ij)` for the values of column `j` (all rows when dense).
    fn for_each_in(&self, j: usize, l: usize, f: impl FnMut(usize, f64));
}

impl ColSet for [f64] {
    fn n_cols(&self, l: usize) -> usize {
        self.len().checked_div(l).unwrap_or(0)
    }

    fn for_each_in(&self, j: usize, l: usize, mut f: impl FnMut(usize, f64)) {
        self[j * l..(j + 1) * l].iter().enumerate().for_each(|(i, &v)| f(i, v));
    }
}

impl ColSet for Csc {
    fn n_cols(&self, _: usize) -> usize {
        self.indptr.len() - 1
    }

    fn for_each_in(&self, j: usize, _: usize, mut f: impl FnMut(usize, f64)) {
        let (rows, vals) = self.col(j);
        rows.iter().zip(vals).for_each(|(&i, &v)| f(i as usize, v));
    }
}

/// `a·b` with four accumulators (vectorisable, and the same sum whatever the thread).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(yi, xi)| *yi += alpha * xi);
}

/// The outcome of one binary (or regression) solve.
pub(crate) struct Solution {
    /// One weight per column, the bias column's last.
    pub w: Vec<f64>,
    /// Outer iterations (liblinear's return value, scikit-learn's `n_iter_`).
    pub n_iter: usize,
}

/// The dual of the L2-regularised L1-loss (hinge) or L2-loss (squared hinge) SVC
/// (`solve_l2r_l1l2_svc`):
/// `min_α ½αᵀ(Q + D)α − eᵀα, 0 ≤ α_i ≤ U_i`, `Q_ij = y_i y_j x_iᵀx_j`;
/// hinge: `U_i = C_i, D = 0`; squared hinge: `U_i = ∞, D_ii = 1/(2C_i)`.
/// `y` is ±1, `c` the per-row cost (`C` times class and sample weights).
pub(crate) fn svc_dual<R: RowSet + ?Sized>(
    rows: &R,
    y: &[f64],
    c: &[f64],
    squared: bool,
    eps: f64,
    max_iter: usize,
    rng: &mut Rng,
) -> Solution {
    let (l, d) = (rows.n(), rows.d());
    let (diag, upper): (Vec<f64>, Vec<f64>) = if squared {
        c.iter().map(|&ci| (0.5 / ci, f64::INFINITY)).unzip()
    } else {
        c.iter().map(|&ci| (0.0, ci)).unzip()
    };
    let qd: Vec<f64> = (0..l).map(|i| diag[i] + rows.sq_norm_row(i)).collect();
    let mut alpha = vec![0.0; l];
    let mut w = vec![0.0; d];
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let (mut pg_max_old, mut pg_min_old) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut iter = 0;
    while iter < max_iter {
        let (mut pg_max_new, mut pg_min_new) = (f64::NEG_INFINITY, f64::INFINITY);
        for i in 0..active {
            let j = i + rng.below(active - i);
            index.swap(i, j);
        }
        let mut s = 0;
        while s < active {
            if let Some(&ahead) = index[..active].get(s + AHEAD) {
                rows.prefetch_row(ahead);
            }
            let i = index[s];
            let yi = y[i];
            let g = rows.dot_row(i, &w) * yi - 1.0 + alpha[i] * diag[i];
            let ci = upper[i];
            let mut pg = 0.0;
            if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else if alpha[i] == ci {
                if g < pg_min_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g > 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max_new = pg_max_new.max(pg);
            pg_min_new = pg_min_new.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / qd[i]).max(0.0).min(ci);
                let step = (alpha[i] - old) * yi;
                rows.axpy_row(i, step, &mut w);
            }
            s += 1;
        }
        iter += 1;
        if pg_max_new - pg_min_new <= eps {
            if active == l {
                break;
            }
            active = l;
            pg_max_old = f64::INFINITY;
            pg_min_old = f64::NEG_INFINITY;
            continue;
        }
        pg_max_old = if pg_max_new <= 0.0 { f64::INFINITY } else { pg_max_new };
        pg_min_old = if pg_min_new >= 0.0 { f64::NEG_INFINITY } else { pg_min_new };
    }
    Solution { w, n_iter: iter }
}

/// The dual of the L2-regularised L1-loss (epsilon-insensitive) or L2-loss
/// (squared epsilon-insensitive) SVR (`solve_l2r_l1l2_svr`):
/// `min_β ½βᵀ(Q + diag(λ))β + p·Σ|β_i| − yᵀβ`, `−U_i ≤ β_i ≤ U_i`, `Q_ij = x_iᵀx_j`;
/// L1: `U_i = C_i, λ = 0`; L2: `U_i = ∞, λ_i = 1/(2C_i)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn svr_dual<R: RowSet + ?Sized>(
    rows: &R,
    y: &[f64],
    c: &[f64],
    p: f64,
    squared: bool,
    eps: f64,
    max_iter: usize,
    rng: &mut Rng,
) -> Solution {
    let (l, d) = (rows.n(), rows.d());
    let (lambda, upper): (Vec<f64>, Vec<f64>) = if squared {
        c.iter().map(|&ci| (0.5 / ci, f64::INFINITY)).unzip()
    } else {
        c.iter().map(|&ci| (0.0, ci)).unzip()
    };
    let qd: Vec<f64> = (0..l).map(|i| rows.sq_norm_row(i)).collect();
    let mut beta = vec![0.0; l];
    let mut w = vec![0.0; d];
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut g_max_old = f64::INFINITY;
    let mut g_norm1_init = -1.0;
    let mut iter = 0;
    while iter < max_iter {
        let (mut g_max_new, mut g_norm1_new) = (0.0_f64, 0.0);
        for i in 0..active {
            let j = i + rng.below(active - i);
            index.swap(i, j);
        }
        let mut s = 0;
        while s < active {
            if let Some(&ahead) = index[..active].get(s + AHEAD) {
                rows.prefetch_row(ahead);
            }
            let i = index[s];
            let g = -y[i] + lambda[i] * beta[i] + rows.dot_row(i, &w);
            let h = qd[i] + lambda[i];
            let (gp, gn) = (g + p, g - p);
            let mut violation = 0.0;
            let b = beta[i];
            if b == 0.0 {
                if gp < 0.0 {
                    violation = -gp;
                } else if gn > 0.0 {
                    violation = gn;
                } else if gp > g_max_old && gn < -g_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
            } else if b >= upper[i] {
                if gp > 0.0 {
                    violation = gp;
                } else if gp < -g_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
            } else if b <= -upper[i] {
                if gn < 0.0 {
                    violation = -gn;
                } else if gn > g_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
            } else if b > 0.0 {
                violation = gp.abs();
            } else {
                violation = gn.abs();
            }
            g_max_new = g_max_new.max(violation);
            g_norm1_new += violation;
            s += 1;
            // Newton direction
            let step = if gp < h * b {
                -gp / h
            } else if gn > h * b {
                -gn / h
            } else {
                -b
            };
            if step.abs() < 1e-12 {
                continue;
            }
            beta[i] = (b + step).max(-upper[i]).min(upper[i]);
            let delta = beta[i] - b;
            if delta != 0.0 {
                rows.axpy_row(i, delta, &mut w);
            }
        }
        if iter == 0 {
            g_norm1_init = g_norm1_new;
        }
        iter += 1;
        if g_norm1_new <= eps * g_norm1_init {
            if active == l {
                break;
            }
            active = l;
            g_max_old = f64::INFINITY;
            continue;
        }
        g_max_old = g_max_new;
    }
    Solution { w, n_iter: iter }
}

/// The primal L1-regularised L2-loss SVC (`solve_l1r_l2_svc`):
/// `min_w ||w||₁ + Σ C_i max(0, 1 − y_i wᵀx_i)²`, by coordinate descent over
/// the features with a line search. `cols` is the data column-major (see
/// [`Rows::columns`]), `n` rows; `eps` is already liblinear's primal tolerance.
#[allow(clippy::too_many_arguments)]
pub(crate) fn l1r_l2_svc<C: ColSet + ?Sized>(
    cols: &C,
    n: usize,
    y: &[f64],
    c: &[f64],
    eps: f64,
    max_iter: usize,
    rng: &mut Rng,
) -> Solution {
    let l = n;
    let w_size = cols.n_cols(l);
    let max_num_linesearch = 20;
    let sigma = 0.01;
    let mut w = vec![0.0; w_size];
    let mut b = vec![1.0; l]; // 1 − y wᵀx
    let xj_sq: Vec<f64> = (0..w_size)
        .map(|j| {
            let mut s = 0.0;
            cols.for_each_in(j, l, |i, v| s += c[i] * v * v);
            s
        })
        .collect();
    let mut index: Vec<usize> = (0..w_size).collect();
    let mut active = w_size;
    let mut g_max_old = f64::INFINITY;
    let mut g_norm1_init = -1.0;
    let lf = l as f64;
    let mut iter = 0;
    while iter < max_iter {
        let (mut g_max_new, mut g_norm1_new) = (0.0_f64, 0.0);
        for j in 0..active {
            let i = j + rng.below(active - j);
            index.swap(i, j);
        }
        let mut s = 0;
        while s < active {
            let j = index[s];
            let (mut g_loss, mut h) = (0.0, 0.0);
            cols.for_each_in(j, l, |i, xij| {
                if b[i] > 0.0 {
                    let val = xij * y[i];
                    let tmp = c[i] * val;
                    g_loss -= tmp * b[i];
                    h += tmp * val;
                }
            });
            g_loss *= 2.0;
            let g = g_loss;
            h = (2.0 * h).max(1e-12);
            let (gp, gn) = (g + 1.0, g - 1.0);
            let mut violation = 0.0;
            let wj = w[j];
            if wj == 0.0 {
                if gp < 0.0 {
                    violation = -gp;
                } else if gn > 0.0 {
                    violation = gn;
                } else if gp > g_max_old / lf && gn < -g_max_old / lf {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
            } else if wj > 0.0 {
                violation = gp.abs();
            } else {
                violation = gn.abs();
            }
            g_max_new = g_max_new.max(violation);
            g_norm1_new += violation;
            s += 1;
            let mut d = if gp < h * wj {
                -gp / h
            } else if gn > h * wj {
                -gn / h
            } else {
                -wj
            };
            if d.abs() < 1e-12 {
                continue;
            }
            let mut delta = (wj + d).abs() - wj.abs() + g * d;
            let mut d_old = 0.0;
            let mut loss_old = 0.0;
            let mut num_linesearch = 0;
            while num_linesearch < max_num_linesearch {
                let d_diff = d_old - d;
                let mut cond = (wj + d).abs() - wj.abs() - sigma * delta;
                let appxcond = xj_sq[j] * d * d + g_loss * d + cond;
                if appxcond <= 0.0 {
                    cols.for_each_in(j, l, |i, xij| b[i] += d_diff * xij * y[i]);
                    break;
                }
                let mut loss_new = 0.0;
                if num_linesearch == 0 {
                    loss_old = 0.0;
                    cols.for_each_in(j, l, |i, xij| {
                        if b[i] > 0.0 {
                            loss_old += c[i] * b[i] * b[i];
                        }
                        let b_new = b[i] + d_diff * xij * y[i];
                        b[i] = b_new;
                        if b_new > 0.0 {
                            loss_new += c[i] * b_new * b_new;
                        }
                    });
                } else {
                    cols.for_each_in(j, l, |i, xij| {
                        let b_new = b[i] + d_diff * xij * y[i];
                        b[i] = b_new;
                        if b_new > 0.0 {
                            loss_new += c[i] * b_new * b_new;
                        }
                    });
                }
                cond += loss_new - loss_old;
                if cond <= 0.0 {
                    break;
                }
                d_old = d;
                d *= 0.5;
                delta *= 0.5;
                num_linesearch += 1;
            }
            w[j] += d;
            // recompute b if the line search took too many steps
            if num_linesearch >= max_num_linesearch {
                b.iter_mut().for_each(|v| *v = 1.0);
                for (k, &wk) in w.iter().enumerate() {
                    if wk != 0.0 {
                        cols.for_each_in(k, l, |i, xik| b[i] -= wk * xik * y[i]);
                    }
                }
            }
        }
        if iter == 0 {
            g_norm1_init = g_norm1_new;
        }
        iter += 1;
        if g_norm1_new <= eps * g_norm1_init {
            if active == w_size {
                break;
            }
            active = w_size;
            g_max_old = f64::INFINITY;
            continue;
        }
        g_max_old = g_max_new;
    }
    Solution { w, n_iter: iter }
}

/// The row losses of the L2-regularised primal problems solved by [`primal_newton`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum PrimalLoss<'a> {
    /// `C_i·max(0, 1 − y_i z_i)²`, `y` ±1 (liblinear's `l2r_l2_svc_fun`).
    SquaredHinge { y: &'a [f64] },
    /// `C_i·max(0, |y_i − z_i| − p)²` (liblinear's `l2r_l2_svr_fun`).
    SquaredEpsilon { y: &'a [f64], p: f64 },
}

impl PrimalLoss<'_> {
    /// The loss of row `i` at score `z`, the derivative of the loss in `z`, and whether the row is
    /// active (its second derivative is `2C_i`, else 0).
    fn eval(&self, i: usize, z: f64, c: f64) -> (f64, f64, bool) {
        match *self {
            PrimalLoss::SquaredHinge { y } => {
                let m = 1.0 - y[i] * z;
                if m > 0.0 {
                    (c * m * m, -2.0 * c * y[i] * m, true)
                } else {
                    (0.0, 0.0, false)
                }
            }
            PrimalLoss::SquaredEpsilon { y, p } => {
                let r = z - y[i];
                let e = r.abs() - p;
                if e > 0.0 {
                    (c * e * e, 2.0 * c * e * r.signum(), true)
                } else {
                    (0.0, 0.0, false)
                }
            }
        }
    }
}

/// Rows per block of the products with the data: fixed, so sums do not depend on the thread count.
const BLOCK: usize = 4096;

/// `X v` over fixed row blocks.
fn x_dot<R: RowSet + ?Sized>(rows: &R, v: &[f64], out: &mut [f64]) {
    use rayon::prelude::*;
    out.par_chunks_mut(BLOCK).enumerate().for_each(|(b, chunk)| {
        for (k, o) in chunk.iter_mut().enumerate() {
            *o = rows.dot_row(b * BLOCK + k, v);
        }
    });
}

/// `Σ_i a_i x_i` over the rows with `a_i ≠ 0`, summed block by block in block order.
fn xt_dot<R: RowSet + ?Sized>(rows: &R, a: &[f64]) -> Vec<f64> {
    use rayon::prelude::*;
    let parts: Vec<Vec<f64>> = a
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, chunk)| {
            let mut s = vec![0.0; rows.d()];
            for (k, &ai) in chunk.iter().enumerate() {
                if ai != 0.0 {
                    rows.axpy_row(b * BLOCK + k, ai, &mut s);
                }
            }
            s
        })
        .collect();
    let mut total = vec![0.0; rows.d()];
    parts.iter().for_each(|s| axpy(1.0, s, &mut total));
    total
}

/// The L2-regularised primal `min_w ½||w||² + Σ_i loss_i(wᵀx_i)` with a
/// piecewise-quadratic loss, by Newton's method: each step solves
/// `(I + Xᵀ D X) d = −g` (`D` the generalised Hessian of the loss) by conjugate
/// gradients to 10% of `||g||`, as liblinear's TRON does, then backtracks
/// (Armijo). It stops as TRON does, when `||g|| ≤ eps·||g₀||` (`g₀` the
/// gradient at `w = 0`), and reports Newton iterations.
pub(crate) fn primal_newton<R: RowSet + ?Sized>(
    rows: &R,
    loss: PrimalLoss<'_>,
    c: &[f64],
    eps: f64,
    max_iter: usize,
) -> Solution {
    let (l, d) = (rows.n(), rows.d());
    let mut w = vec![0.0; d];
    let mut z = vec![0.0; l];
    let mut xd = vec![0.0; l];
    let mut a = vec![0.0; l];
    let mut curv = vec![0.0; l];
    let objective =
        |w: &[f64], z: &[f64]| -> f64 { 0.5 * dot(w, w) + (0..l).map(|i| loss.eval(i, z[i], c[i]).0).sum::<f64>() };
    let mut gnorm0 = None;
    let mut iter = 0;
    while iter < max_iter {
        let mut f = 0.5 * dot(&w, &w);
        for i in 0..l {
            let (li, di, active) = loss.eval(i, z[i], c[i]);
            f += li;
            a[i] = di;
            curv[i] = if active { 2.0 * c[i] } else { 0.0 };
        }
        let mut g = xt_dot(rows, &a);
        axpy(1.0, &w, &mut g);
        let gnorm = dot(&g, &g).sqrt();
        let g0 = *gnorm0.get_or_insert(gnorm);
        if gnorm <= eps * g0 || gnorm == 0.0 {
            break;
        }
        // Conjugate gradients on (I + XᵀDX) s = −g.
        let mut s = vec![0.0; d];
        let mut r: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut dir = r.clone();
        let mut rr = dot(&r, &r);
        let cg_tol = 0.1 * gnorm;
        for _ in 0..d.max(1) * 2 {
            if rr.sqrt() <= cg_tol {
                break;
            }
            x_dot(rows, &dir, &mut xd);
            xd.iter_mut().zip(&curv).for_each(|(v, k)| *v *= k);
            let mut hd = xt_dot(rows, &xd);
            axpy(1.0, &dir, &mut hd);
            let step = rr / dot(&dir, &hd);
            axpy(step, &dir, &mut s);
            axpy(-step, &hd, &mut r);
            let rr_new = dot(&r, &r);
            let beta = rr_new / rr;
            dir.iter_mut().zip(&r).for_each(|(p, ri)| *p = ri + beta * *p);
            rr = rr_new;
        }
        // Backtracking line search along s (scores move by t·Xs).
        x_dot(rows, &s, &mut xd);
        let slope = dot(&g, &s);
        let mut t = 1.0;
        let mut w_new = vec![0.0; d];
        let mut z_new = vec![0.0; l];
        for _ in 0..30 {
            w_new.iter_mut().zip(&w).zip(&s).for_each(|((n, o), si)| *n = o + t * si);
            z_new.iter_mut().zip(&z).zip(&xd).for_each(|((n, o), xi)| *n = o + t * xi);
            if objective(&w_new, &z_new) <= f + 1e-4 * t * slope {
                break;
            }
            t *= 0.5;
        }
        std::mem::swap(&mut w, &mut w_new);
        std::mem::swap(&mut z, &mut z_new);
        iter += 1;
    }
    Solution { w, n_iter: iter }
}
