//! Position information for sequences `[positions, features]`: a learned
//! vector per position (GPT's), or the fixed sines and cosines of
//! "Attention Is All You Need", added to the input. Attention alone cannot
//! tell positions apart.

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::Result;

use super::{Builder, Layer, Mode, Param};
use crate::convert::CandleResult;
use crate::init::var_from;

#[derive(Debug)]
pub enum PositionalEmbedding {
    /// `(max_len, dim)`, trained.
    Learned(Var),
    /// `(max_len, dim)`, fixed.
    Sinusoidal(Tensor),
}

impl PositionalEmbedding {
    /// Learned vectors start normal with standard deviation 0.02, as GPT-2's.
    pub fn learned(max_len: usize, dim: usize, b: &mut Builder<'_>) -> Result<PositionalEmbedding> {
        let values = (0..max_len * dim).map(|_| 0.02 * b.rng.normal()).collect();
        Ok(PositionalEmbedding::Learned(var_from(values, &[max_len, dim], b.dtype, b.device)?))
    }

    /// `sin(p / 10000^(2i/d))` at feature `2i`, `cos` of the same at `2i + 1`.
    pub fn sinusoidal(max_len: usize, dim: usize, dtype: DType, device: &Device) -> Result<PositionalEmbedding> {
        let mut values = vec![0.0; max_len * dim];
        for p in 0..max_len {
            for f in 0..dim {
                let angle = p as f64 / 10000f64.powf((f - f % 2) as f64 / dim as f64);
                values[p * dim + f] = if f % 2 == 0 { angle.sin() } else { angle.cos() };
            }
        }
        let t = Tensor::from_vec(values, (max_len, dim), device).nn()?.to_dtype(dtype).nn()?;
        Ok(PositionalEmbedding::Sinusoidal(t))
    }
}

impl Layer for PositionalEmbedding {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let table = match self {
            PositionalEmbedding::Learned(v) => mode.param(v),
            PositionalEmbedding::Sinusoidal(t) => t.clone(),
        };
        let positions = x.dim(1)?;
        if positions > table.dim(0)? {
            candle_core::bail!("positional embedding: {positions} positions, more than max_len {}", table.dim(0)?);
        }
        x.broadcast_add(&table.narrow(0, 0, positions)?)
    }

    fn params(&self) -> Vec<Param> {
        match self {
            PositionalEmbedding::Learned(v) => vec![Param { name: "weight".into(), var: v.clone(), decay: false }],
            PositionalEmbedding::Sinusoidal(_) => Vec::new(),
        }
    }
}
