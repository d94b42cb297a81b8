//! Reading the `.npy` files bench/gbdt.py caches (float64, C order).

use anyhow::{ensure, Context};
use ndarray::Array2;

/// Reads a version-1 `.npy` file of little-endian float64 in C order: its shape and values.
pub fn read(path: &str) -> anyhow::Result<(Vec<usize>, Vec<f64>)> {
    use std::io::Read;
    // Read in pieces, so that the file's bytes and its values are not both in
    // memory at once (a heap profile of training then shows training).
    let mut file = std::io::BufReader::new(std::fs::File::open(path).with_context(|| format!("reading {path}"))?);
    let mut head = [0u8; 10];
    file.read_exact(&mut head).with_context(|| format!("reading {path}"))?;
    ensure!(head.starts_with(b"\x93NUMPY") && head[6] == 1, "{path} is not a version-1 .npy file");
    let mut header = vec![0u8; usize::from(u16::from_le_bytes([head[8], head[9]]))];
    file.read_exact(&mut header)?;
    let header = std::str::from_utf8(&header)?;
    ensure!(header.contains("'<f8'") && header.contains("'fortran_order': False"), "{path}: need float64 in C order");
    let shape = header.split("'shape': (").nth(1).and_then(|s| s.split(')').next()).context("no shape")?;
    let dims: Vec<usize> = shape.split(',').filter_map(|d| d.trim().parse().ok()).collect();
    let n = dims.iter().product::<usize>();
    let mut values = Vec::with_capacity(n);
    let mut piece = vec![0u8; 1 << 20];
    while values.len() < n {
        let want = ((n - values.len()) * 8).min(piece.len());
        file.read_exact(&mut piece[..want]).with_context(|| format!("{path}: fewer values than shape ({shape})"))?;
        values.extend(piece[..want].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())));
    }
    ensure!(file.read(&mut [0u8; 1])? == 0, "{path}: more values than shape ({shape})");
    Ok((dims, values))
}

/// Reads a matrix.
pub fn matrix(path: &str) -> anyhow::Result<Array2<f64>> {
    let (dims, values) = read(path)?;
    ensure!(dims.len() == 2, "{path}: need a matrix, got {} dimensions", dims.len());
    Ok(Array2::from_shape_vec((dims[0], dims[1]), values)?)
}
