//! A lookup table of learned vectors. Tokens arrive as float values (the
//! network's input is one matrix) and must be whole numbers below `vocab`.

use candle_core::{DType, Tensor, Var};
use ironlearn_core::Result;

use super::{Builder, Layer, Mode, Param};
use crate::init::var_from;

#[derive(Debug)]
pub struct Embedding {
    pub weight: Var,
}

impl Embedding {
    /// Vectors start standard normal, as PyTorch's `nn.Embedding`.
    pub fn new(vocab: usize, dim: usize, b: &mut Builder<'_>) -> Result<Embedding> {
        let values = (0..vocab * dim).map(|_| b.rng.normal()).collect();
        Ok(Embedding { weight: var_from(values, &[vocab, dim], b.dtype, b.device)? })
    }
}

impl Layer for Embedding {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let vocab = self.weight.dim(0)?;
        let tokens = x.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?;
        let mut ids = Vec::with_capacity(tokens.len());
        for (i, &t) in tokens.iter().enumerate() {
            if !(t >= 0.0 && t < vocab as f64 && t.fract() == 0.0) {
                candle_core::bail!("embedding: value {t} at position {i} is not a token id in [0, {vocab})");
            }
            ids.push(t as u32);
        }
        let ids = Tensor::from_vec(ids, tokens.len(), x.device())?;
        let mut shape = x.dims().to_vec();
        shape.push(self.weight.dim(1)?);
        self.weight.index_select(&ids, 0)?.reshape(shape)
    }

    fn params(&self) -> Vec<Param> {
        vec![Param { name: "weight".into(), var: self.weight.clone(), decay: true }]
    }
}
