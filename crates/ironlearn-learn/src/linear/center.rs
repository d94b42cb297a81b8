//! Centring and weighting for least squares.
//!
//! With an intercept, least squares on `(x - x̄, y - ȳ)` (weighted means)
//! gives the coefficients, and the intercept follows as `ȳ - x̄·coef`.
//! Weights enter as `√w` row scaling, so weighted and unweighted fits share
//! one solver.
//!
//! Input arrives row-major (numpy's order) and the solvers want columns, so
//! the centred copy is written column-major in one pass: each thread owns a
//! group of output columns and reads the input in blocks of rows that stay
//! in cache. `y` rides along as the last column, ready for a QR of `[A | b]`.
//! While a block of a column is in cache its squared norm and its product
//! with `b` are summed too (for coordinate descent, which needs both and
//! would otherwise read the copy twice more).

use faer::{ColRef, Conj, MatRef};
use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;

/// Rows per block when summing and copying; fixed, so sums do not depend on the thread count.
const ROWS: usize = 1024;
/// Output columns one task writes.
const COLS: usize = 8;

/// The centred, √w-scaled problem and the means to recover the intercept.
pub(crate) struct Centered {
    /// Column-major `n × (p + 1)`: the centred `x`, then the centred `y`.
    data: Vec<f64>,
    n: usize,
    p: usize,
    pub x_mean: Array1<f64>,
    pub y_mean: f64,
    /// `||a_j||²` for each column of `[A | b]` (the last is `||b||²`).
    pub col_norm2: Vec<f64>,
    /// `a_j · b` for each column of `[A | b]`.
    pub col_dot_b: Vec<f64>,
}

impl Centered {
    /// `[A | b]`.
    pub fn augmented(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.data, self.n, self.p + 1)
    }

    /// `A`.
    pub fn a(&self) -> MatRef<'_, f64> {
        self.augmented().subcols(0, self.p)
    }

    /// `b`.
    pub fn b(&self) -> &[f64] {
        &self.data[self.p * self.n..]
    }
}

pub(crate) fn center(x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>, fit_intercept: bool) -> Centered {
    let (n, p) = x.dim();
    let x = x.as_standard_layout();
    let xs = x.as_slice().expect("standard layout is contiguous");
    let wi = |i: usize| w.map_or(1.0, |w| w[i]);
    let (x_mean, y_mean) = if fit_intercept {
        // Per block of rows: weighted column sums, then `y`'s, then the weights'.
        let partial: Vec<Vec<f64>> = xs
            .par_chunks(ROWS * p.max(1))
            .enumerate()
            .map(|(b, block)| {
                let mut s = vec![0.0; p + 2];
                for (k, row) in block.chunks(p.max(1)).enumerate() {
                    let i = b * ROWS + k;
                    let wv = wi(i);
                    s[..p].iter_mut().zip(row).for_each(|(s, v)| *s += wv * v);
                    s[p] += wv * y[i];
                    s[p + 1] += wv;
                }
                s
            })
            .collect();
        let mut s = vec![0.0; p + 2];
        for part in &partial {
            s.iter_mut().zip(part).for_each(|(a, b)| *a += b);
        }
        let sw = if w.is_some() { s[p + 1] } else { n as f64 };
        (Array1::from_iter(s[..p].iter().map(|v| v / sw)), s[p] / sw)
    } else {
        (Array1::zeros(p), 0.0)
    };
    let sqrt_w: Option<Vec<f64>> = w.map(|w| w.iter().map(|v| v.sqrt()).collect());
    let s_at = |i: usize| sqrt_w.as_ref().map_or(1.0, |s| s[i]);
    let mut data = vec![0.0; n * (p + 1)];
    // Per column: `||a_j||²` and `a_j · b`, summed over the row blocks in order.
    let mut stats = vec![[0.0; 2]; p + 1];
    data.par_chunks_mut(COLS * n.max(1)).zip(stats.par_chunks_mut(COLS)).enumerate().for_each(|(g, (out, st))| {
        let j0 = g * COLS;
        let cols = out.len() / n.max(1);
        let mut b = vec![0.0; ROWS.min(n)];
        for i0 in (0..n).step_by(ROWS) {
            let i1 = (i0 + ROWS).min(n);
            let b = &mut b[..i1 - i0];
            b.iter_mut().enumerate().for_each(|(k, d)| *d = (y[i0 + k] - y_mean) * s_at(i0 + k));
            for c in 0..cols {
                let j = j0 + c;
                let dst = &mut out[c * n + i0..c * n + i1];
                if j < p {
                    let m = x_mean[j];
                    dst.iter_mut().enumerate().for_each(|(k, d)| *d = xs[(i0 + k) * p + j] - m);
                    if let Some(s) = &sqrt_w {
                        dst.iter_mut().zip(&s[i0..i1]).for_each(|(d, s)| *d *= s);
                    }
                } else {
                    dst.copy_from_slice(b);
                }
                st[c][0] += dot(dst, dst);
                st[c][1] += dot(dst, b);
            }
        }
    });
    let col_norm2 = stats.iter().map(|s| s[0]).collect();
    let col_dot_b = stats.iter().map(|s| s[1]).collect();
    Centered { data, n, p, x_mean, y_mean, col_norm2, col_dot_b }
}

/// `a · b` with faer's kernel: SIMD width and FMA chosen at run time, four
/// accumulators, a fixed order on a given CPU (so results are reproducible and do
/// not depend on the thread count). A plain loop, built for baseline x86-64,
/// stays at SSE2 without FMA; coordinate descent spends its passes here.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    faer::linalg::matmul::dot::inner_prod(ColRef::from_slice(a).transpose(), Conj::No, ColRef::from_slice(b), Conj::No)
}
