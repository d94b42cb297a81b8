//! The estimates both discriminant analyses start from: rows grouped by
//! class, class means, priors and (shrunk) covariances.
//!
//! They follow scikit-learn's `_class_means`, `_cov` and `_class_cov` step
//! for step (biased covariances, Ledoit-Wolf on standardised features), so
//! that the two estimators agree with scikit-learn's to rounding.

use faer::{Mat, MatRef, Side};
use ironlearn_core::validate::check_fit_input;
use ironlearn_core::{bail, ensure, Labels, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// scikit-learn's `shrinkage`: "auto" (Ledoit-Wolf) or a fixed share in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Shrinkage {
    /// A fixed shrinkage in [0, 1].
    Fixed(f64),
    /// "auto": the Ledoit-Wolf shrinkage.
    Named(String),
}

/// Whether a shrinkage value lies in scikit-learn's domain ('auto' or a number in [0, 1]).
pub(crate) fn shrinkage_ok(s: &Option<Shrinkage>) -> bool {
    match s {
        None => true,
        Some(Shrinkage::Fixed(v)) => (0.0..=1.0).contains(v),
        Some(Shrinkage::Named(n)) => n == "auto",
    }
}

/// Whether given priors are finite (their sign and count are checked when fitting).
pub(crate) fn priors_ok(p: &Option<Vec<f64>>) -> bool {
    p.as_ref().is_none_or(|p| p.iter().all(|v| v.is_finite()))
}

/// The training rows grouped by class, for the classes that occur.
pub(crate) struct Groups {
    pub classes: Vec<String>,
    /// The row indices of each class, in class order.
    pub rows: Vec<Vec<usize>>,
}

impl Groups {
    /// Checks `x` against `y` (not empty, finite, one label per row, two classes at least) and groups the rows.
    pub fn new(x: ArrayView2<'_, f64>, y: &Labels) -> Result<Groups> {
        check_fit_input(x, y.len())?;
        y.check_two_classes()?;
        let mut rows = vec![Vec::new(); y.n_classes()];
        for (i, &c) in y.codes().iter().enumerate() {
            rows[c as usize].push(i);
        }
        // Only the classes that occur, as scikit-learn's `np.unique(y)`.
        let (classes, rows) = y.classes().iter().cloned().zip(rows).filter(|(_, r)| !r.is_empty()).unzip();
        Ok(Groups { classes, rows })
    }

    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// The rows of class `c`.
    pub fn select(&self, x: ArrayView2<'_, f64>, c: usize) -> Array2<f64> {
        x.select(Axis(0), &self.rows[c])
    }

    /// The mean of each class, one row per class.
    pub fn means(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut means = Array2::zeros((self.n_classes(), x.ncols()));
        for (c, mut row) in means.rows_mut().into_iter().enumerate() {
            for &i in &self.rows[c] {
                row += &x.row(i);
            }
            row /= self.rows[c].len() as f64;
        }
        means
    }

    /// The priors: the class shares, or the given ones (non-negative, one per
    /// class); given priors that do not sum to 1 are rescaled when `renormalize`
    /// (scikit-learn's LDA does, with a warning; its QDA takes them as given).
    pub fn priors(&self, given: Option<&[f64]>, renormalize: bool) -> Result<Array1<f64>> {
        let Some(p) = given else {
            let n: usize = self.rows.iter().map(Vec::len).sum();
            return Ok(self.rows.iter().map(|r| r.len() as f64 / n as f64).collect());
        };
        ensure!(
            p.len() == self.n_classes(),
            InvalidValue,
            "priors has {} values but there are {} classes ({})",
            p.len(),
            self.n_classes(),
            self.classes.join(", ")
        );
        ensure!(p.iter().all(|v| *v >= 0.0), InvalidValue, "priors must be non-negative");
        let sum: f64 = p.iter().sum();
        let mut p = Array1::from(p.to_vec());
        if renormalize && (sum - 1.0).abs() > 1e-5 {
            ensure!(sum > 0.0, InvalidValue, "priors must not all be zero");
            p /= sum;
        }
        Ok(p)
    }
}

/// `x` minus its column means.
fn centred(x: ArrayView2<'_, f64>) -> Array2<f64> {
    let mean = x.mean_axis(Axis(0)).expect("at least one row");
    &x - &mean
}

/// The maximum-likelihood covariance (divided by n), as scikit-learn's `empirical_covariance`.
pub(crate) fn empirical_covariance(x: ArrayView2<'_, f64>) -> Array2<f64> {
    let xc = centred(x);
    xc.t().dot(&xc) / x.nrows() as f64
}

/// `(1 - a)·S + a·(tr S / p)·I`, scikit-learn's `shrunk_covariance`.
fn shrunk(mut s: Array2<f64>, a: f64) -> Array2<f64> {
    let p = s.nrows();
    let mu = s.diag().sum() / p as f64;
    s *= 1.0 - a;
    s.diag_mut().mapv_inplace(|v| v + a * mu);
    s
}

/// The Ledoit-Wolf shrinkage of `x`, scikit-learn's `ledoit_wolf_shrinkage`.
fn ledoit_wolf_shrinkage(x: ArrayView2<'_, f64>) -> f64 {
    let (n, p) = x.dim();
    if p == 1 {
        return 0.0;
    }
    let (nf, pf) = (n as f64, p as f64);
    let xc = centred(x);
    let x2 = xc.mapv(|v| v * v);
    let trace: Array1<f64> = x2.sum_axis(Axis(0)) / nf;
    let mu = trace.sum() / pf;
    let beta_ = x2.t().dot(&x2).sum();
    let delta_ = xc.t().dot(&xc).mapv(|v| v * v).sum() / (nf * nf);
    let beta = 1.0 / (pf * nf) * (beta_ / nf - delta_);
    let delta = (delta_ - 2.0 * mu * trace.sum() + pf * mu * mu) / pf;
    let beta = beta.min(delta);
    if beta == 0.0 {
        0.0
    } else {
        beta / delta
    }
}

/// Ledoit-Wolf on standardised features, rescaled, as scikit-learn's `_cov(x, "auto")`.
fn ledoit_wolf_covariance(x: ArrayView2<'_, f64>) -> Array2<f64> {
    let n = x.nrows() as f64;
    let mean = x.mean_axis(Axis(0)).expect("at least one row");
    let scale = x
        .columns()
        .into_iter()
        .zip(&mean)
        .map(|(c, m)| {
            let s = (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
            // StandardScaler leaves constant features unscaled.
            if s < 10.0 * f64::EPSILON {
                1.0
            } else {
                s
            }
        })
        .collect::<Array1<f64>>();
    let z = (&x - &mean) / &scale;
    let s = if z.ncols() == 1 {
        empirical_covariance(z.view())
    } else {
        shrunk(empirical_covariance(z.view()), ledoit_wolf_shrinkage(z.view()))
    };
    let mut out = s;
    for ((i, j), v) in out.indexed_iter_mut() {
        *v *= scale[i] * scale[j];
    }
    out
}

/// The covariance of `x` with the given shrinkage, scikit-learn's `_cov`.
pub(crate) fn covariance(x: ArrayView2<'_, f64>, shrinkage: Option<&Shrinkage>) -> Result<Array2<f64>> {
    Ok(match shrinkage {
        None => empirical_covariance(x),
        Some(Shrinkage::Fixed(a)) => shrunk(empirical_covariance(x), *a),
        Some(Shrinkage::Named(n)) if n == "auto" => ledoit_wolf_covariance(x),
        Some(Shrinkage::Named(n)) => bail!(InvalidValue, "shrinkage must be 'auto' or a number in [0, 1], got '{n}'"),
    })
}

/// The prior-weighted sum of the class covariances, scikit-learn's `_class_cov`.
pub(crate) fn class_covariance(
    x: ArrayView2<'_, f64>,
    groups: &Groups,
    priors: &Array1<f64>,
    shrinkage: Option<&Shrinkage>,
) -> Result<Array2<f64>> {
    let p = x.ncols();
    let mut cov = Array2::zeros((p, p));
    for c in 0..groups.n_classes() {
        cov.scaled_add(priors[c], &covariance(groups.select(x, c).view(), shrinkage)?);
    }
    Ok(cov)
}

pub(crate) fn to_faer(a: ArrayView2<'_, f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

pub(crate) fn to_nd(a: MatRef<'_, f64>) -> Array2<f64> {
    Array2::from_shape_fn((a.nrows(), a.ncols()), |(i, j)| a[(i, j)])
}

/// The thin SVD of `a`: singular values (largest first) and `V` (columns are the right singular vectors).
pub(crate) fn thin_svd(a: ArrayView2<'_, f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let svd = to_faer(a)
        .thin_svd()
        .map_err(|e| ironlearn_core::Error::NotConverged(format!("the SVD did not converge ({e:?})")))?;
    let s = svd.S().column_vector();
    let s: Vec<f64> = (0..s.nrows()).map(|i| s[i]).collect();
    Ok((s, to_nd(svd.V())))
}

/// The largest condition number of `a` whose singular values come from the
/// eigenvalues of `aᵀa` (which squares it: `1e3² · ε ≈ 2e-10` bounds their
/// relative error); worse, the SVD of `a` itself.
const MAX_GRAM_CONDITION: f64 = 1e3;

/// The squared singular values of `a` (largest first) and its right singular
/// vectors (columns). A tall, well-conditioned `a` takes the eigendecomposition
/// of `aᵀa` (one blocked product over the rows, then `p × p` work) instead
/// of an SVD of all its rows; the vectors' signs are then the eigensolver's,
/// which no prediction depends on.
pub(crate) fn right_singular(a: ArrayView2<'_, f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let (n, p) = a.dim();
    if let (true, Some(rows)) = (n >= 2 * p && p > 0, a.as_slice()) {
        let g = crate::linear::gram::block_gram(faer::MatRef::from_row_major_slice(rows, n, p));
        let (values, vectors) = eigh_descending(to_nd(g.as_ref()).view())?;
        let (hi, lo) = (values[0], values[p - 1]);
        if hi.is_finite() && lo > 0.0 && hi <= MAX_GRAM_CONDITION * MAX_GRAM_CONDITION * lo {
            return Ok((values, vectors));
        }
    }
    let (s, v) = thin_svd(a)?;
    Ok((s.iter().map(|s| s * s).collect(), v))
}

/// The eigenvalues (largest first) and eigenvectors (columns) of a symmetric matrix.
pub(crate) fn eigh_descending(a: ArrayView2<'_, f64>) -> Result<(Vec<f64>, Array2<f64>)> {
    let evd = to_faer(a)
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| ironlearn_core::Error::NotConverged(format!("the eigendecomposition did not converge ({e:?})")))?;
    let (s, u) = (evd.S().column_vector(), evd.U());
    let k = s.nrows();
    let values = (0..k).rev().map(|i| s[i]).collect();
    let vectors = Array2::from_shape_fn((u.nrows(), k), |(i, j)| u[(i, k - 1 - j)]);
    Ok((values, vectors))
}

/// Row-wise softmax, in place (scikit-learn's `softmax`).
pub(crate) fn softmax_rows(mut s: Array2<f64>) -> Array2<f64> {
    for mut row in s.rows_mut() {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|z| (z - m).exp());
        let sum = row.sum();
        row.mapv_inplace(|e| e / sum);
    }
    s
}

/// Test data: a CSV of the repository's `data/` folder, numeric features and a label in the last column.
#[cfg(test)]
pub(crate) fn load(name: &str) -> (Array2<f64>, Labels) {
    let (x, y) = crate::test_data::load(name);
    (x, Labels::from_strings(&y))
}

/// Asserts `got` equals `want` to `tol`, relative to the larger of 1 and `|want|`.
#[cfg(test)]
pub(crate) fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * w.abs().max(1.0), "[{i}]: got {g}, want {w}\n{got:?}");
    }
}
