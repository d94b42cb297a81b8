//! Symmetric positive-definite systems: Gram matrices and Cholesky solves.

use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Par, Side};

use crate::lstsq_min_norm;

/// `AᵀA`, one sequential product. faer's parallel product (`Par::rayon`) was
/// 25 times slower than the sequential one for a small `p × p` output on 2
/// busy cores; callers with many rows parallelise over fixed row blocks
/// instead (as ironlearn-learn's `linear::gram` does), which also keeps the
/// sums independent of the thread count.
pub fn gram(a: MatRef<'_, f64>) -> Mat<f64> {
    let n = a.ncols();
    let mut g = Mat::<f64>::zeros(n, n);
    crate::matmul(g.as_mut(), faer::Accum::Replace, a.transpose(), a, 1.0, Par::Seq);
    g
}

/// Solves `A x = b` for a symmetric positive semi-definite `A` by Cholesky;
/// a singular `A` falls back to the minimum-norm least-squares solution.
pub fn solve_spd(a: MatRef<'_, f64>, b: &[f64]) -> ironlearn_core::Result<Vec<f64>> {
    let n = a.nrows();
    if let Ok(llt) = a.llt(Side::Lower) {
        let mut rhs = Mat::from_fn(n, 1, |i, _| b[i]);
        llt.solve_in_place(rhs.as_mut());
        // The factorization ran faer's product kernels (see `clean_simd_state`).
        crate::clean_simd_state();
        let x: Vec<f64> = (0..n).map(|i| rhs[(i, 0)]).collect();
        if x.iter().all(|v| v.is_finite()) {
            return Ok(x);
        }
    }
    Ok(lstsq_min_norm(a, b)?.x)
}
