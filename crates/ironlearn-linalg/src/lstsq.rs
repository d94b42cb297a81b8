//! Minimum-norm linear least squares.
//!
//! For a tall matrix, one Householder QR of `[A | b]` yields both `R` and
//! `Qᵀb` (the last column of the augmented `R`), without forming `Q`; the
//! small `R` is then solved through its SVD, so a rank-deficient `A` gives the
//! minimum-norm solution, as LAPACK's `gelsd` (scikit-learn's solver) does.
//! A wide matrix goes straight to a thin SVD.

use faer::{Mat, MatRef};
use ironlearn_core::Result;

/// The solution of `min ||A x - b||` with the smallest `||x||`.
#[derive(Debug, Clone)]
pub struct LstsqSolution {
    pub x: Vec<f64>,
    /// The numerical rank of `A`.
    pub rank: usize,
    /// The singular values of `A`, largest first.
    pub singular_values: Vec<f64>,
}

/// Solves `min ||A x - b||₂` with minimum norm; singular values below
/// `eps · max(m, n) · σ_max` count as zero (numpy's and scipy's default).
pub fn lstsq_min_norm(a: MatRef<'_, f64>, b: &[f64]) -> Result<LstsqSolution> {
    let (m, n) = a.shape();
    assert_eq!(m, b.len(), "lstsq: A and b disagree on the number of rows");
    let mut aug = Mat::<f64>::zeros(m, n + 1);
    aug.as_mut().subcols_mut(0, n).copy_from(a);
    b.iter().enumerate().for_each(|(i, v)| aug[(i, n)] = *v);
    lstsq_augmented(aug.as_ref())
}

/// [`lstsq_min_norm`] for `[A | b]` given as one matrix (`b` its last column).
pub fn lstsq_augmented(aug: MatRef<'_, f64>) -> Result<LstsqSolution> {
    let (m, n) = (aug.nrows(), aug.ncols() - 1);
    let (r, z) = if m > n {
        let qr = aug.qr();
        let r_aug = qr.thin_R();
        let r = r_aug.submatrix(0, 0, n, n).to_owned();
        let z: Vec<f64> = (0..n).map(|i| r_aug[(i, n)]).collect();
        (r, z)
    } else {
        (aug.subcols(0, n).to_owned(), aug.col(n).iter().copied().collect())
    };
    let svd = r.as_ref().thin_svd();
    // The factorizations ran faer's product kernels (see `clean_simd_state`).
    crate::clean_simd_state();
    let svd = svd.map_err(|e| {
        ironlearn_core::Error::NotConverged(format!("the SVD of the least-squares system did not converge ({e:?})"))
    })?;
    let (u, s, v) = (svd.U(), svd.S().column_vector(), svd.V());
    let k = s.nrows();
    let sv: Vec<f64> = (0..k).map(|i| s[i]).collect();
    let smax = sv.iter().copied().fold(0.0, f64::max);
    let tol = f64::EPSILON * (m.max(n) as f64) * smax;
    let mut x = vec![0.0; n];
    let mut rank = 0;
    for i in 0..k {
        if sv[i] <= tol || sv[i] == 0.0 {
            continue;
        }
        rank += 1;
        let ui_z: f64 = (0..u.nrows()).map(|row| u[(row, i)] * z[row]).sum();
        let c = ui_z / sv[i];
        x.iter_mut().enumerate().for_each(|(j, xj)| *xj += c * v[(j, i)]);
    }
    Ok(LstsqSolution { x, rank, singular_values: sv })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_rank_deficient() {
        // y = 1 + 2a - b, recovered exactly.
        let a = Mat::from_fn(5, 3, |i, j| [1.0, i as f64, (i * i) as f64 % 3.0][j]);
        let b: Vec<f64> = (0..5).map(|i| 1.0 + 2.0 * i as f64 - ((i * i) % 3) as f64).collect();
        let s = lstsq_min_norm(a.as_ref(), &b).unwrap();
        assert_eq!(s.rank, 3);
        for (got, want) in s.x.iter().zip([1.0, 2.0, -1.0]) {
            assert!((got - want).abs() < 1e-10, "{got} vs {want}");
        }
        // Two identical columns: the minimum-norm solution splits the weight evenly.
        let a = Mat::from_fn(4, 2, |i, _| i as f64 + 1.0);
        let b = [2.0, 4.0, 6.0, 8.0];
        let s = lstsq_min_norm(a.as_ref(), &b).unwrap();
        assert_eq!(s.rank, 1);
        assert!((s.x[0] - 1.0).abs() < 1e-12 && (s.x[1] - 1.0).abs() < 1e-12, "{:?}", s.x);
    }
}
