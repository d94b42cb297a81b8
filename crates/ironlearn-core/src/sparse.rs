//! Compressed sparse rows, borrowed.
//!
//! Text features and one-hot encodings are mostly zeros; scipy hands them
//! over as CSR. The three arrays are borrowed as they arrive (scipy's int32
//! indices viewed as `u32`, indptr widened only when it is int32), and
//! checked once here so estimators can index without re-validating.

use ndarray::Array2;

use crate::{bail, ensure, Error, Result};

/// A borrowed CSR matrix: row `i`'s values are `data[indptr[i]..indptr[i + 1]]`
/// in the columns `indices[..]` of the same range.
#[derive(Debug, Clone, Copy)]
pub struct Csr<'a> {
    n_rows: usize,
    n_cols: usize,
    indptr: &'a [u64],
    indices: &'a [u32],
    data: &'a [f64],
}

impl<'a> Csr<'a> {
    /// Checks the arrays: `n_rows + 1` non-decreasing offsets from 0 to
    /// `nnz`, column indices below `n_cols`, finite values.
    pub fn new(n_rows: usize, n_cols: usize, indptr: &'a [u64], indices: &'a [u32], data: &'a [f64]) -> Result<Self> {
        ensure!(
            indptr.len() == n_rows + 1,
            Shape,
            "indptr has {} entries for {n_rows} rows (expected {})",
            indptr.len(),
            n_rows + 1
        );
        ensure!(
            indices.len() == data.len(),
            Shape,
            "indices has {} entries but data has {}",
            indices.len(),
            data.len()
        );
        ensure!(indptr[0] == 0, InvalidValue, "indptr must start at 0, not {}", indptr[0]);
        ensure!(
            indptr[n_rows] as usize == data.len(),
            Shape,
            "indptr ends at {} but there are {} stored values",
            indptr[n_rows],
            data.len()
        );
        if let Some(i) = indptr.windows(2).position(|w| w[0] > w[1]) {
            bail!(InvalidValue, "indptr decreases at row {i}");
        }
        if let Some(k) = indices.iter().position(|&c| c as usize >= n_cols) {
            bail!(InvalidValue, "column index {} of stored value {k} is out of range for {n_cols} columns", indices[k]);
        }
        if let Some(k) = data.iter().position(|v| !v.is_finite()) {
            let row = indptr.partition_point(|&p| p as usize <= k) - 1;
            return Err(Error::at_cell(row, indices[k], format!("Input X contains {}", data[k])));
        }
        Ok(Csr { n_rows, n_cols, indptr, indices, data })
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// The number of stored values.
    pub fn nnz(&self) -> usize {
        self.data.len()
    }

    /// Row `i`'s column indices and values.
    pub fn row(&self, i: usize) -> (&'a [u32], &'a [f64]) {
        let (a, b) = (self.indptr[i] as usize, self.indptr[i + 1] as usize);
        (&self.indices[a..b], &self.data[a..b])
    }

    /// The dense matrix (duplicate entries are summed, as scipy does).
    pub fn to_dense(&self) -> Array2<f64> {
        let mut out = Array2::zeros((self.n_rows, self.n_cols));
        for i in 0..self.n_rows {
            let (cols, vals) = self.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                out[[i, c as usize]] += v;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_densifies() {
        let (indptr, indices, data) = ([0u64, 2, 2, 3], [0u32, 2, 1], [1.0, 2.0, 3.0]);
        let m = Csr::new(3, 3, &indptr, &indices, &data).unwrap();
        assert_eq!(m.to_dense(), ndarray::array![[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]);
        assert!(Csr::new(3, 2, &indptr, &indices, &data).unwrap_err().to_string().contains("out of range"));
        let nan = [1.0, f64::NAN, 3.0];
        assert!(Csr::new(3, 3, &indptr, &indices, &nan).unwrap_err().to_string().contains("row 0, column 2"));
        assert!(Csr::new(2, 3, &indptr, &indices, &data).is_err());
    }
}
