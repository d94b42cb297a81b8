//! Reading the `.npy` files bench/gbdt.py caches (float64, C order).

use anyhow::{ensure, Context};
use ndarray::Array2;

/// Reads a version-1 `.npy` file of little-endian float64 in C order: its shape and values.
pub fn read(path: &str) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    ensure!(bytes.starts_with(b"\x93NUMPY") && bytes[6] == 1, "{path} is not a version-1 .npy file");
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let header = std::str::from_utf8(&bytes[10..10 + header_len])?;
    ensure!(header.contains("'<f8'") && header.contains("'fortran_order': False"), "{path}: need float64 in C order");
    let shape = header.split("'shape': (").nth(1).and_then(|s| s.split(')').next()).context("no shape")?;
    let dims: Vec<usize> = shape.split(',').filter_map(|d| d.trim().parse().ok()).collect();
    let body = &bytes[10 + header_len..];
    let values: Vec<f64> = body.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    ensure!(values.len() == dims.iter().product::<usize>(), "{path}: {} values for shape ({shape})", values.len());
    Ok((dims, values))
}

/// Reads a matrix.
pub fn matrix(path: &str) -> anyhow::Result<Array2<f64>> {
    let (dims, values) = read(path)?;
    ensure!(dims.len() == 2, "{path}: need a matrix, got {} dimensions", dims.len());
    Ok(Array2::from_shape_vec((dims[0], dims[1]), values)?)
}
