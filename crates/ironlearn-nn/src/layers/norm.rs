//! Per-sample normalisation over the last axis: layer norm (mean and
//! variance) and RMS norm (root mean square only). Composed from ops with
//! backward passes: candle-nn's fused kernels have none.

use candle_core::{Tensor, Var, D};
use ironlearn_core::Result;

use super::{Builder, Layer, Mode, Param};
use crate::init::var_from;

#[derive(Debug)]
pub struct LayerNorm {
    pub weight: Var,
    pub bias: Var,
    pub eps: f64,
}

impl LayerNorm {
    pub fn new(dim: usize, eps: f64, b: &mut Builder<'_>) -> Result<LayerNorm> {
        Ok(LayerNorm {
            weight: var_from(vec![1.0; dim], &[dim], b.dtype, b.device)?,
            bias: var_from(vec![0.0; dim], &[dim], b.dtype, b.device)?,
            eps,
        })
    }
}

impl Layer for LayerNorm {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let centred = x.broadcast_sub(&x.mean_keepdim(D::Minus1)?)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed.broadcast_mul(&self.weight)?.broadcast_add(&self.bias)
    }

    fn params(&self) -> Vec<Param> {
        vec![
            Param { name: "weight".into(), var: self.weight.clone(), decay: false },
            Param { name: "bias".into(), var: self.bias.clone(), decay: false },
        ]
    }
}

#[derive(Debug)]
pub struct RmsNorm {
    pub weight: Var,
    pub eps: f64,
}

impl RmsNorm {
    pub fn new(dim: usize, eps: f64, b: &mut Builder<'_>) -> Result<RmsNorm> {
        Ok(RmsNorm { weight: var_from(vec![1.0; dim], &[dim], b.dtype, b.device)?, eps })
    }
}

impl Layer for RmsNorm {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let ms = x.sqr()?.mean_keepdim(D::Minus1)?;
        x.broadcast_div(&(ms + self.eps)?.sqrt()?)?.broadcast_mul(&self.weight)
    }

    fn params(&self) -> Vec<Param> {
        vec![Param { name: "weight".into(), var: self.weight.clone(), decay: false }]
    }
}
