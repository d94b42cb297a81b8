//! Seeded weight initialisers: Glorot, He, orthogonal, and the two
//! defaults users compare against (PyTorch's `nn.Linear`, scikit-learn's
//! MLP). Values come from ironlearn's own generator so the same seed gives
//! the same network on every machine and thread count.

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::{Result, Rng};

use crate::convert::CandleResult;
use crate::spec::Init;

/// A `Var` of `shape` holding `values` (row-major, f64) in `dtype`.
pub fn var_from(values: Vec<f64>, shape: &[usize], dtype: DType, device: &Device) -> Result<Var> {
    let t = Tensor::from_vec(values, shape, device).nn()?.to_dtype(dtype).nn()?;
    Var::from_tensor(&t).nn()
}

/// Weights of shape `(fan_out, fan_in)` and a bias of `fan_out`, as `init` draws them.
pub fn dense_values(init: Init, fan_in: usize, fan_out: usize, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    weight_values(init, fan_out, fan_in, fan_in, fan_out, rng)
}

/// Weights of `rows x cols` values (a convolution's `(filters, channels/groups * kernel)`,
/// a dense layer's `(out, in)`) and a bias of `rows`, with the bounds and scales taken
/// from `fan_in` and `fan_out` as PyTorch and Keras define them (for a convolution, the
/// input and output channels times the kernel's size).
pub fn weight_values(
    init: Init,
    rows: usize,
    cols: usize,
    fan_in: usize,
    fan_out: usize,
    rng: &mut Rng,
) -> (Vec<f64>, Vec<f64>) {
    let n = rows * cols;
    let (fi, fo) = (fan_in as f64, fan_out as f64);
    let uniform = |rng: &mut Rng, bound: f64, k: usize| (0..k).map(|_| (2.0 * rng.uniform() - 1.0) * bound).collect();
    let normal = |rng: &mut Rng, std: f64, k: usize| (0..k).map(|_| rng.normal() * std).collect();
    match init {
        Init::GlorotUniform => (uniform(rng, (6.0 / (fi + fo)).sqrt(), n), vec![0.0; rows]),
        Init::GlorotNormal => (normal(rng, (2.0 / (fi + fo)).sqrt(), n), vec![0.0; rows]),
        Init::HeUniform => (uniform(rng, (6.0 / fi).sqrt(), n), vec![0.0; rows]),
        Init::HeNormal => (normal(rng, (2.0 / fi).sqrt(), n), vec![0.0; rows]),
        Init::Orthogonal => (orthogonal(rows, cols, rng), vec![0.0; rows]),
        Init::Torch => {
            let bound = 1.0 / fi.sqrt();
            let w = uniform(rng, bound, n);
            (w, uniform(rng, bound, rows))
        }
        Init::Sklearn | Init::SklearnLogistic => {
            let factor = if init == Init::SklearnLogistic { 2.0 } else { 6.0 };
            let bound = (factor / (fi + fo)).sqrt();
            let w = uniform(rng, bound, n);
            (w, uniform(rng, bound, rows))
        }
    }
}

/// A `rows x cols` matrix with orthonormal rows (or columns, whichever are
/// fewer): Gram-Schmidt on a normal matrix, as `torch.nn.init.orthogonal_`'s QR.
fn orthogonal(rows: usize, cols: usize, rng: &mut Rng) -> Vec<f64> {
    // Orthonormalise the shorter side's vectors, of the longer side's length.
    let (k, len) = if rows <= cols { (rows, cols) } else { (cols, rows) };
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(k);
    while q.len() < k {
        let mut v: Vec<f64> = (0..len).map(|_| rng.normal()).collect();
        // Modified Gram-Schmidt, twice for stability.
        for _ in 0..2 {
            for u in &q {
                let d: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(u).for_each(|(a, b)| *a -= d * b);
            }
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-10 {
            q.push(v.into_iter().map(|a| a / norm).collect());
        }
    }
    let mut out = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            out[r * cols + c] = if rows <= cols { q[r][c] } else { q[c][r] };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_rows_and_columns() {
        for (r, c) in [(3, 7), (7, 3), (5, 5)] {
            let w = orthogonal(r, c, &mut Rng::new(1));
            let k = r.min(c);
            for a in 0..k {
                for b in 0..k {
                    let d: f64 = if r <= c {
                        (0..c).map(|j| w[a * c + j] * w[b * c + j]).sum()
                    } else {
                        (0..r).map(|i| w[i * c + a] * w[i * c + b]).sum()
                    };
                    assert!((d - f64::from(u8::from(a == b))).abs() < 1e-12, "{r}x{c} [{a},{b}] = {d}");
                }
            }
        }
    }

    #[test]
    fn bounds_and_seeds() {
        let (w, b) = dense_values(Init::GlorotUniform, 30, 10, &mut Rng::new(3));
        let bound = (6.0f64 / 40.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= bound) && b.iter().all(|&v| v == 0.0));
        assert!(w.iter().any(|v| v.abs() > 0.9 * bound));
        let again = dense_values(Init::GlorotUniform, 30, 10, &mut Rng::new(3));
        assert_eq!(w, again.0);
        let (w, b) = dense_values(Init::Torch, 25, 4, &mut Rng::new(3));
        assert!(w.iter().chain(&b).all(|v| v.abs() <= 0.2) && b.iter().all(|&v| v != 0.0));
    }
}
