//! A lookup table of learned vectors. Tokens arrive as float values (the
//! network's input is one matrix) and must be whole numbers below `vocab`.
//! With a padding token (PyTorch's `padding_idx`) its vector stays zero and
//! untrained, and later attention layers are told which positions are
//! padding so that no query attends to them.

use std::sync::Arc;

use candle_core::{DType, Tensor, Var};
use ironlearn_core::Result;

use super::{Builder, KeyPadding, Layer, Mode, Param};
use crate::init::var_from;

#[derive(Debug)]
pub struct Embedding {
    pub weight: Var,
    pub padding_idx: Option<usize>,
}

impl Embedding {
    /// Vectors start standard normal, as PyTorch's `nn.Embedding`; the padding token's is zero.
    pub fn new(vocab: usize, dim: usize, padding_idx: Option<usize>, b: &mut Builder<'_>) -> Result<Embedding> {
        let mut values: Vec<f64> = (0..vocab * dim).map(|_| b.rng.normal()).collect();
        if let Some(p) = padding_idx {
            values[p * dim..(p + 1) * dim].fill(0.0);
        }
        Ok(Embedding { weight: var_from(values, &[vocab, dim], b.dtype, b.device)?, padding_idx })
    }
}

impl Layer for Embedding {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let vocab = self.weight.dim(0)?;
        let tokens = x.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?;
        let mut ids = Vec::with_capacity(tokens.len());
        for (i, &t) in tokens.iter().enumerate() {
            if !(t >= 0.0 && t < vocab as f64 && t.fract() == 0.0) {
                candle_core::bail!("embedding: value {t} at position {i} is not a token id in [0, {vocab})");
            }
            ids.push(t as u32);
        }
        let mut shape = x.dims().to_vec();
        shape.push(self.weight.dim(1)?);
        let found = mode.param(&self.weight).index_select(&Tensor::from_slice(&ids, ids.len(), x.device())?, 0)?;
        let Some(pad) = self.padding_idx else {
            return found.reshape(shape);
        };
        let is_pad: Vec<bool> = ids.iter().map(|&t| t as usize == pad).collect();
        let keep: Vec<f32> = is_pad.iter().map(|&p| f32::from(u8::from(!p))).collect();
        let keep = Tensor::from_vec(keep, (ids.len(), 1), x.device())?.to_dtype(self.weight.dtype())?;
        if x.rank() == 2 {
            mode.key_padding = Some(KeyPadding { keys: x.dim(1)?, pad: Arc::new(is_pad) });
        }
        found.broadcast_mul(&keep)?.reshape(shape)
    }

    fn params(&self) -> Vec<Param> {
        vec![Param { name: "weight".into(), var: self.weight.clone(), decay: true }]
    }
}
