//! Copies between ndarray and faer matrices.

use faer::Mat;
use ndarray::{Array2, ArrayView2};

/// A faer copy of an ndarray view (any layout).
pub fn to_faer(x: ArrayView2<'_, f64>) -> Mat<f64> {
    match x.as_slice() {
        Some(s) => faer::MatRef::from_row_major_slice(s, x.nrows(), x.ncols()).to_owned(),
        None => Mat::from_fn(x.nrows(), x.ncols(), |i, j| x[[i, j]]),
    }
}

/// An ndarray copy of a faer matrix.
pub fn to_ndarray(m: faer::MatRef<'_, f64>) -> Array2<f64> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}
