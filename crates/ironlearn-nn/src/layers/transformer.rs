//! A Transformer block as PyTorch's `nn.TransformerEncoderLayer` computes it
//! and names its weights: self-attention, then a two-layer feed-forward
//! network, each with a residual connection and layer norm, before
//! (`norm_first`, GPT-2's arrangement) or after the residual sum (the
//! original paper's, PyTorch's default). With the causal mask the same block
//! is the decoder block of a decoder-only language model.

use candle_core::Tensor;
use ironlearn_core::Result;

use super::dropout::dropout;
use super::{activate, Builder, Dense, Layer, LayerNorm, Mode, MultiHeadAttention, Param};
use crate::spec::{Activation, Init};

#[derive(Debug)]
pub struct TransformerBlock {
    pub self_attn: MultiHeadAttention,
    pub linear1: Dense,
    pub linear2: Dense,
    pub norm1: LayerNorm,
    pub norm2: LayerNorm,
    pub activation: Activation,
    pub norm_first: bool,
    pub dropout: f64,
}

/// The settings of a [`TransformerBlock`] (see `LayerSpec::TransformerBlock`).
#[derive(Debug, Clone, Copy)]
pub struct BlockShape {
    pub dim: usize,
    pub heads: usize,
    pub ff_dim: usize,
    pub causal: bool,
    pub norm_first: bool,
    pub activation: Activation,
    pub dropout: f64,
    pub eps: f64,
}

impl TransformerBlock {
    pub fn new(s: BlockShape, b: &mut Builder<'_>) -> Result<TransformerBlock> {
        Ok(TransformerBlock {
            self_attn: MultiHeadAttention::new(s.dim, s.heads, s.causal, s.dropout, true, b)?,
            linear1: Dense::new(s.dim, s.ff_dim, Activation::Identity, true, Init::Torch, b)?,
            linear2: Dense::new(s.ff_dim, s.dim, Activation::Identity, true, Init::Torch, b)?,
            norm1: LayerNorm::new(s.dim, s.eps, b)?,
            norm2: LayerNorm::new(s.dim, s.eps, b)?,
            activation: s.activation,
            norm_first: s.norm_first,
            dropout: s.dropout,
        })
    }

    fn attention(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let a = self.self_attn.forward(x, mode)?;
        dropout(&a, self.dropout, mode)
    }

    fn feed_forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let hidden = activate(&self.linear1.forward(x, mode)?, self.activation)?;
        let out = self.linear2.forward(&dropout(&hidden, self.dropout, mode)?, mode)?;
        dropout(&out, self.dropout, mode)
    }
}

impl Layer for TransformerBlock {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        if self.norm_first {
            let x = (x + self.attention(&self.norm1.forward(x, mode)?, mode)?)?;
            &x + self.feed_forward(&self.norm2.forward(&x, mode)?, mode)?
        } else {
            let x = self.norm1.forward(&(x + self.attention(x, mode)?)?, mode)?;
            self.norm2.forward(&(&x + self.feed_forward(&x, mode)?)?, mode)
        }
    }

    fn params(&self) -> Vec<Param> {
        let parts: [(&str, &dyn Layer); 5] = [
            ("self_attn", &self.self_attn),
            ("linear1", &self.linear1),
            ("linear2", &self.linear2),
            ("norm1", &self.norm1),
            ("norm2", &self.norm2),
        ];
        let mut out = Vec::new();
        for (prefix, layer) in parts {
            out.extend(layer.params().into_iter().map(|mut p| {
                p.name = format!("{prefix}.{}", p.name);
                p
            }));
        }
        out
    }
}
