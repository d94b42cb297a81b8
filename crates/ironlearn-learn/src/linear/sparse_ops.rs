//! Products with CSR matrices, for the linear models that take sparse input.
//!
//! `ironlearn_core::Csr` borrows scipy's arrays and offers row access only;
//! the solvers need `X v`, `Xᵀ r`, column access (coordinate descent) and
//! weighted column sums (implicit centring). They live here rather than in
//! the kernel because only the linear family uses them. Products run over
//! fixed row blocks summed in block order, so results do not depend on the
//! number of threads. Nothing here densifies `X`.

use ironlearn_core::sparse::Csr;
use ironlearn_core::{ensure, Features, Result};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

/// Rows per block of the parallel products: fixed, so sums do not depend on the thread count.
const BLOCK: usize = 4096;

/// `X v`.
pub(crate) fn csr_dot(x: &Csr<'_>, v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.n_rows()];
    csr_dot_into(x, v, &mut out);
    out
}

/// `out = X v`.
pub(crate) fn csr_dot_into(x: &Csr<'_>, v: &[f64], out: &mut [f64]) {
    out.par_chunks_mut(BLOCK).enumerate().for_each(|(b, chunk)| {
        for (k, o) in chunk.iter_mut().enumerate() {
            let (cols, vals) = x.row(b * BLOCK + k);
            *o = cols.iter().zip(vals).map(|(&c, &a)| a * v[c as usize]).sum();
        }
    });
}

/// `Xᵀ r`.
pub(crate) fn csr_t_dot(x: &Csr<'_>, r: &[f64]) -> Vec<f64> {
    let p = x.n_cols();
    let parts: Vec<Vec<f64>> = r
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, chunk)| {
            let mut s = vec![0.0; p];
            for (k, &ri) in chunk.iter().enumerate() {
                if ri != 0.0 {
                    let (cols, vals) = x.row(b * BLOCK + k);
                    cols.iter().zip(vals).for_each(|(&c, &a)| s[c as usize] += a * ri);
                }
            }
            s
        })
        .collect();
    let mut total = vec![0.0; p];
    parts.iter().for_each(|s| total.iter_mut().zip(s).for_each(|(t, v)| *t += v));
    total
}

/// `X Wᵀ` for `w` of shape (k, p): (n, k), row-major.
pub(crate) fn csr_dot_t(x: &Csr<'_>, w: ArrayView2<'_, f64>) -> Array2<f64> {
    let k = w.nrows();
    let wt = w.t().as_standard_layout().to_owned(); // (p, k): one feature's k weights together
    let wt = wt.as_slice().expect("standard layout");
    let mut out = vec![0.0; x.n_rows() * k];
    out.par_chunks_mut(BLOCK * k.max(1)).enumerate().for_each(|(b, chunk)| {
        for (r, o) in chunk.chunks_mut(k.max(1)).enumerate() {
            let (cols, vals) = x.row(b * BLOCK + r);
            for (&c, &a) in cols.iter().zip(vals) {
                let wc = &wt[c as usize * k..(c as usize + 1) * k];
                o.iter_mut().zip(wc).for_each(|(o, w)| *o += a * w);
            }
        }
    });
    Array2::from_shape_vec((x.n_rows(), k), out).expect("n·k scores")
}

/// `Rᵀ X` for `r` of shape (n, k), row-major: (k, p), summed in block order.
pub(crate) fn csr_t_dot_many(x: &Csr<'_>, r: &[f64], k: usize) -> Array2<f64> {
    let p = x.n_cols();
    let parts: Vec<Vec<f64>> = r
        .par_chunks(BLOCK * k.max(1))
        .enumerate()
        .map(|(b, chunk)| {
            let mut s = vec![0.0; p * k]; // (p, k)
            for (row, ri) in chunk.chunks(k.max(1)).enumerate() {
                let (cols, vals) = x.row(b * BLOCK + row);
                for (&c, &a) in cols.iter().zip(vals) {
                    let sc = &mut s[c as usize * k..(c as usize + 1) * k];
                    sc.iter_mut().zip(ri).for_each(|(s, r)| *s += a * r);
                }
            }
            s
        })
        .collect();
    let mut total = vec![0.0; p * k];
    parts.iter().for_each(|s| total.iter_mut().zip(s).for_each(|(t, v)| *t += v));
    Array2::from_shape_vec((p, k), total).expect("p·k").reversed_axes().as_standard_layout().to_owned()
}

/// `Σ_i w_i x_ij` per column (`w_i = 1` without weights).
pub(crate) fn csr_col_sums(x: &Csr<'_>, w: Option<&[f64]>) -> Vec<f64> {
    match w {
        Some(w) => csr_t_dot(x, w),
        None => csr_t_dot(x, &vec![1.0; x.n_rows()]),
    }
}

/// The same matrix column by column (duplicate entries summed), for coordinate descent.
pub(crate) struct Csc {
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub data: Vec<f64>,
}

impl Csc {
    pub fn from_csr(x: &Csr<'_>) -> Csc {
        let p = x.n_cols();
        let mut counts = vec![0usize; p + 1];
        for i in 0..x.n_rows() {
            x.row(i).0.iter().for_each(|&c| counts[c as usize + 1] += 1);
        }
        for j in 0..p {
            counts[j + 1] += counts[j];
        }
        let mut next = counts.clone();
        let mut indices = vec![0u32; x.nnz()];
        let mut data = vec![0.0; x.nnz()];
        let mut len = vec![0usize; p];
        for i in 0..x.n_rows() {
            let (cols, vals) = x.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                let c = c as usize;
                // Rows arrive in order, so a duplicate (i, c) is the column's last entry.
                if len[c] > 0 && indices[next[c] - 1] == i as u32 {
                    data[next[c] - 1] += v;
                } else {
                    indices[next[c]] = i as u32;
                    data[next[c]] = v;
                    next[c] += 1;
                    len[c] += 1;
                }
            }
        }
        // Compact away the slots freed by duplicates.
        let mut indptr = vec![0usize; p + 1];
        let (mut out_i, mut out_d) = (Vec::with_capacity(x.nnz()), Vec::with_capacity(x.nnz()));
        for j in 0..p {
            out_i.extend_from_slice(&indices[counts[j]..counts[j] + len[j]]);
            out_d.extend_from_slice(&data[counts[j]..counts[j] + len[j]]);
            indptr[j + 1] = out_i.len();
        }
        Csc { indptr, indices: out_i, data: out_d }
    }

    /// Column `j`'s row indices and values.
    #[inline]
    pub fn col(&self, j: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[j], self.indptr[j + 1]);
        (&self.indices[a..b], &self.data[a..b])
    }
}

/// The checks of `check_fit_input` for CSR input (its values were checked finite when it was built).
pub(crate) fn check_csr_fit(x: &Csr<'_>, n_targets: usize) -> Result<()> {
    ensure!(
        x.n_rows() > 0,
        Empty,
        "Found array with 0 sample(s) (shape=({}, {})) while a minimum of 1 is required",
        x.n_rows(),
        x.n_cols()
    );
    ensure!(
        x.n_rows() == n_targets,
        Shape,
        "Found input variables with inconsistent numbers of samples: X has {} rows, y has {n_targets}",
        x.n_rows()
    );
    Ok(())
}

/// The width check of `check_predict_input`, for input of any kind.
pub(crate) fn check_width(x: &Features<'_>, n_features: usize, estimator: &str) -> Result<()> {
    ensure!(
        x.n_cols() == n_features,
        Shape,
        "X has {} features, but {estimator} is expecting {n_features} features as input",
        x.n_cols()
    );
    Ok(())
}

/// `x·coef + intercept` for dense or CSR input (width checked).
pub(crate) fn linear_predict(
    x: &Features<'_>,
    coef: ArrayView1<'_, f64>,
    intercept: f64,
    estimator: &str,
) -> Result<Array1<f64>> {
    if let Features::Sparse(m) = x {
        check_width(x, coef.len(), estimator)?;
        let coef = coef.to_vec();
        return Ok(Array1::from(csr_dot(m, &coef)) + intercept);
    }
    let d = x.to_dense()?;
    ironlearn_core::validate::check_predict_input(d.view(), coef.len(), estimator)?;
    Ok(d.dot(&coef) + intercept)
}

/// `x·coefᵀ + intercept` (one column per row of `coef`) for dense or CSR input (width checked).
pub(crate) fn linear_scores(
    x: &Features<'_>,
    coef: ArrayView2<'_, f64>,
    intercept: ArrayView1<'_, f64>,
    estimator: &str,
) -> Result<Array2<f64>> {
    if let Features::Sparse(m) = x {
        check_width(x, coef.ncols(), estimator)?;
        return Ok(csr_dot_t(m, coef) + intercept);
    }
    let d = x.to_dense()?;
    ironlearn_core::validate::check_predict_input(d.view(), coef.ncols(), estimator)?;
    Ok(d.dot(&coef.t()) + intercept)
}

/// Conjugate gradients for a symmetric positive-definite operator `A`:
/// solves `A x = b` from `x = 0` until `||r|| ≤ tol·||b||` (scipy's `cg` rule)
/// or `max_iter` steps; returns `x` and the steps taken.
pub(crate) fn conjugate_gradient(
    mut apply: impl FnMut(&[f64]) -> Vec<f64>,
    b: &[f64],
    tol: f64,
    max_iter: usize,
) -> (Vec<f64>, usize) {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut x = vec![0.0; b.len()];
    let mut r = b.to_vec();
    let mut d = r.clone();
    let mut rr = dot(&r, &r);
    let stop = tol * rr.sqrt();
    let mut it = 0;
    while it < max_iter && rr.sqrt() > stop && rr > 0.0 {
        let ad = apply(&d);
        let step = rr / dot(&d, &ad);
        x.iter_mut().zip(&d).for_each(|(x, d)| *x += step * d);
        r.iter_mut().zip(&ad).for_each(|(r, a)| *r -= step * a);
        let rr_new = dot(&r, &r);
        let beta = rr_new / rr;
        d.iter_mut().zip(&r).for_each(|(d, r)| *d = r + beta * *d);
        rr = rr_new;
        it += 1;
    }
    (x, it)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ndarray::array;

    /// Owned CSR arrays of a dense matrix (zeros dropped), to borrow as a [`Csr`].
    pub(crate) struct OwnedCsr {
        pub indptr: Vec<u64>,
        pub indices: Vec<u32>,
        pub data: Vec<f64>,
        pub shape: (usize, usize),
    }

    impl OwnedCsr {
        pub fn from_dense(x: ArrayView2<'_, f64>) -> Self {
            let mut o = OwnedCsr { indptr: vec![0], indices: vec![], data: vec![], shape: x.dim() };
            for row in x.rows() {
                for (j, &v) in row.iter().enumerate() {
                    if v != 0.0 {
                        o.indices.push(j as u32);
                        o.data.push(v);
                    }
                }
                o.indptr.push(o.data.len() as u64);
            }
            o
        }

        pub fn csr(&self) -> Csr<'_> {
            Csr::new(self.shape.0, self.shape.1, &self.indptr, &self.indices, &self.data).unwrap()
        }
    }

    /// A sparse-ish test matrix: every third value of a smooth pattern kept.
    pub(crate) fn sparse_data(n: usize, p: usize) -> (Array2<f64>, Vec<f64>) {
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            if (i * 7 + j * 5) % 3 == 0 {
                ((i * 13 + j * 29) % 17) as f64 / 4.0 - 1.0 + j as f64 * 0.1
            } else {
                0.0
            }
        });
        let y = (0..n)
            .map(|i| x.row(i).iter().enumerate().map(|(j, v)| v * (j as f64 - 1.5)).sum::<f64>() + (i % 5) as f64 * 0.3)
            .collect();
        (x, y)
    }

    #[test]
    fn products_match_dense() {
        let (x, _) = sparse_data(9, 4);
        let o = OwnedCsr::from_dense(x.view());
        let m = o.csr();
        let v = [1.0, -2.0, 0.5, 3.0];
        let r: Vec<f64> = (0..9).map(|i| i as f64 - 4.0).collect();
        let dense_xv = x.dot(&Array1::from(v.to_vec()));
        assert!(csr_dot(&m, &v).iter().zip(&dense_xv).all(|(a, b)| (a - b).abs() < 1e-12));
        let dense_xtr = x.t().dot(&Array1::from(r.clone()));
        assert!(csr_t_dot(&m, &r).iter().zip(&dense_xtr).all(|(a, b)| (a - b).abs() < 1e-12));
        let w = array![[1.0, 0.0, 2.0, -1.0], [0.5, 0.5, 0.5, 0.5]];
        assert!((csr_dot_t(&m, w.view()) - x.dot(&w.t())).iter().all(|d| d.abs() < 1e-12));
        let rr: Vec<f64> = (0..18).map(|i| (i % 4) as f64).collect();
        let rm = Array2::from_shape_vec((9, 2), rr.clone()).unwrap();
        assert!((csr_t_dot_many(&m, &rr, 2) - rm.t().dot(&x)).iter().all(|d| d.abs() < 1e-12));
        let csc = Csc::from_csr(&m);
        for j in 0..4 {
            let (rows, vals) = csc.col(j);
            let s: f64 = rows.iter().zip(vals).map(|(&i, v)| v * r[i as usize]).sum();
            assert!((s - dense_xtr[j]).abs() < 1e-12);
        }
    }

    #[test]
    fn duplicates_are_summed_in_csc() {
        let (indptr, indices, data) = ([0u64, 2, 3], [1u32, 1, 0], [1.0, 2.0, 5.0]);
        let m = Csr::new(2, 2, &indptr, &indices, &data).unwrap();
        let c = Csc::from_csr(&m);
        assert_eq!(c.col(1), (&[0u32][..], &[3.0][..]));
        assert_eq!(c.col(0), (&[1u32][..], &[5.0][..]));
    }
}
