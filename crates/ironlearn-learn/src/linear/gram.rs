//! The centred normal equations from one pass over the raw data.
//!
//! With many more rows than features, least squares is dominated by reading
//! `X`. Copying it to centre it (see [`super::center`]) reads and writes it
//! once more before the matrix product. Instead `XᵀX`, `Xᵀy` and the column
//! sums come from products on the data as it arrives (the lower triangle
//! only, by [`super::syrk`], where the CPU has AVX-512 and there are at
//! most 62 features; faer's kernels elsewhere), and the centring is applied afterwards to
//! the small matrices: `XᵀX − n·x̄x̄ᵀ`. The rows are split into fixed blocks,
//! one sequential product per block on the rayon pool, summed in block
//! order: the result does not depend on the thread count, and it avoids
//! faer's own parallel product, which for a small `p × p` output was 25
//! times slower than the sequential one on 2 busy cores. That subtraction cancels digits when a
//! column's mean is large against its spread, so such data (and constant
//! columns) is refused here and takes the exact centred path instead.

use faer::{Accum, Mat, MatRef, Par};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::syrk;

/// Rows per block of the products: fixed, so sums do not depend on the thread count.
pub(crate) const ROWS: usize = 4096;

/// A column whose squared mean exceeds this many times its variance is centred on a copy instead.
const MAX_MEAN_TO_SPREAD: f64 = 1e4;

/// The centred normal equations of an unweighted problem.
pub(crate) struct CentredGram {
    /// `AᵀA` for the centred data `A` (p × p).
    pub g: Mat<f64>,
    /// `Aᵀb` for the centred target `b`.
    pub xty: Vec<f64>,
    pub x_mean: Vec<f64>,
    pub y_mean: f64,
}

/// The centred Gram matrix of `x` (and `Xᵀy`), or `None` when `x` holds a
/// value that is not finite (or squares past `f64::MAX`), or the subtraction
/// would lose precision (see the module doc).
pub(crate) fn centred_gram(x: ArrayView2<'_, f64>, y: &[f64], fit_intercept: bool) -> Option<CentredGram> {
    let (n, p) = x.dim();
    let x = x.as_standard_layout();
    let xs = x.as_slice().expect("standard layout is contiguous");
    let starts: Vec<usize> = (0..n).step_by(ROWS).collect();
    // Per block: `X_bᵀX_b` and `X_bᵀ[y_b | 1]`.
    let lower = syrk::available(p);
    let parts: Vec<(Mat<f64>, Mat<f64>)> = starts
        .par_iter()
        .map(|&s| {
            let e = (s + ROWS).min(n);
            if lower {
                return syrk_block(&xs[s * p..e * p], &y[s..e], p);
            }
            let xb = MatRef::from_row_major_slice(&xs[s * p..e * p], e - s, p);
            let mut g = Mat::<f64>::zeros(p, p);
            ironlearn_linalg::matmul(g.as_mut(), Accum::Replace, xb.transpose(), xb, 1.0, Par::Seq);
            let rhs = Mat::from_fn(e - s, 2, |i, c| if c == 0 { y[s + i] } else { 1.0 });
            let mut v = Mat::<f64>::zeros(p, 2);
            ironlearn_linalg::matmul(v.as_mut(), Accum::Replace, xb.transpose(), rhs.as_ref(), 1.0, Par::Seq);
            (g, v)
        })
        .collect();
    let mut g = Mat::<f64>::zeros(p, p);
    let mut xty_sums = Mat::<f64>::zeros(p, 2);
    for (gb, vb) in &parts {
        g += gb;
        xty_sums += vb;
    }
    // `g[(j, j)]` sums column j's squares: it is finite only when the column
    // is (NaN and infinity carry through), so this pass doubles as the
    // finite check, and the caller checks (and names the cell) only on `None`.
    if (0..p).any(|j| !g[(j, j)].is_finite() || !xty_sums[(j, 0)].is_finite()) {
        return None;
    }
    let mut xty: Vec<f64> = (0..p).map(|j| xty_sums[(j, 0)]).collect();
    if !fit_intercept {
        return Some(CentredGram { g, xty, x_mean: vec![0.0; p], y_mean: 0.0 });
    }
    let nf = n as f64;
    let x_mean: Vec<f64> = (0..p).map(|j| xty_sums[(j, 1)] / nf).collect();
    let y_mean = y.iter().sum::<f64>() / nf;
    for (j, &m) in x_mean.iter().enumerate() {
        let var = g[(j, j)] / nf - m * m;
        if var.is_nan() || var <= 0.0 || m * m > MAX_MEAN_TO_SPREAD * var {
            return None;
        }
    }
    for j in 0..p {
        for i in 0..p {
            g[(i, j)] -= nf * x_mean[i] * x_mean[j];
        }
        xty[j] -= nf * x_mean[j] * y_mean;
    }
    Some(CentredGram { g, xty, x_mean, y_mean })
}

/// A block's `XᵀX` and `Xᵀ[y | 1]` from the lower triangle of `[X | y | 1]ᵀ[X | y | 1]` (see [`syrk`]).
fn syrk_block(xs: &[f64], y: &[f64], p: usize) -> (Mat<f64>, Mat<f64>) {
    let q = syrk::width(p);
    let mut out = vec![0.0; q * q];
    syrk::gram_rows(xs, y, p, &mut out);
    let lower = |j: usize, k: usize| out[j.min(k) * q + j.max(k)];
    (Mat::from_fn(p, p, lower), Mat::from_fn(p, 2, |j, c| lower(p + c, j)))
}

/// `AᵀA` over fixed row blocks (sequential products on the rayon pool,
/// summed in block order): thread-count independent, and faster than faer's
/// parallel product for a small output (see the module doc).
pub(crate) fn block_gram(a: MatRef<'_, f64>) -> Mat<f64> {
    let (n, p) = a.shape();
    let starts: Vec<usize> = (0..n).step_by(ROWS).collect();
    let parts: Vec<Mat<f64>> = starts
        .par_iter()
        .map(|&s| {
            let ab = a.subrows(s, (s + ROWS).min(n) - s);
            let mut g = Mat::<f64>::zeros(p, p);
            ironlearn_linalg::matmul(g.as_mut(), Accum::Replace, ab.transpose(), ab, 1.0, Par::Seq);
            g
        })
        .collect();
    let mut g = Mat::<f64>::zeros(p, p);
    parts.iter().for_each(|b| g += b);
    g
}
