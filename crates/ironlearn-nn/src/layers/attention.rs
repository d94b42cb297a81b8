//! Multi-head self-attention over samples `[sequence, features]`, as
//! PyTorch's `nn.MultiheadAttention` with `batch_first=True` computes it and
//! names its weights (`in_proj_weight` holding the query, key and value
//! projections stacked, `out_proj.weight`), so a state dict carries over.
//!
//! The step from scores to attention weights is one custom op: scaling, the
//! causal mask, the key padding mask and the softmax in one pass over each
//! row, and a backward pass that reads only the weights. Composed from
//! candle's ops it would allocate five `[batch, heads, seq, seq]` tensors
//! forward and as many backward; candle-nn's fused softmax has no backward
//! at all. Masked places get exactly zero weight, so they get no gradient.

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Shape, Tensor, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::dense::linear;
use super::dropout::dropout;
use super::kernel::{on_cpu1, on_cpu2, Kernel1, Kernel2};
use super::{Builder, Dense, Layer, Mode, Param};
use crate::convert::CandleResult;
use crate::spec::{Activation, Init};

/// Which keys each sample of a batch must not attend to (padding tokens).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPadding {
    /// The sequence length: `pad` holds `batch x keys` flags.
    pub keys: usize,
    pub pad: Arc<Vec<bool>>,
}

#[derive(Debug)]
pub struct MultiHeadAttention {
    /// The query, key and value projections, stacked: weight `(3 d, d)`.
    pub in_proj: Dense,
    pub out_proj: Dense,
    pub heads: usize,
    pub causal: bool,
    /// Dropout on the attention weights in training.
    pub dropout: f64,
}

impl MultiHeadAttention {
    /// Weights as PyTorch starts them: Glorot uniform over the stacked projections,
    /// its default for the output projection, zero biases.
    pub fn new(
        dim: usize,
        heads: usize,
        causal: bool,
        dropout: f64,
        bias: bool,
        b: &mut Builder<'_>,
    ) -> Result<MultiHeadAttention> {
        let in_proj = Dense::new(dim, 3 * dim, Activation::Identity, bias, Init::GlorotUniform, b)?;
        let out_proj = Dense::new(dim, dim, Activation::Identity, bias, Init::Torch, b)?;
        if let Some(bias) = &out_proj.bias {
            bias.set(&bias.zeros_like().nn()?).nn()?;
        }
        Ok(MultiHeadAttention { in_proj, out_proj, heads, causal, dropout })
    }
}

impl Layer for MultiHeadAttention {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let (n, s, d) = x.dims3()?;
        let (h, dh) = (self.heads, d / self.heads);
        // Each projection from its third of the stacked weights, then split into heads
        // `(n, h, s, dh)`: slicing the weights costs their size in the backward pass,
        // slicing one stacked product would cost three products' size each.
        let flat = x.reshape((n * s, d))?.contiguous()?;
        let w = mode.param(&self.in_proj.weight);
        let b = mode.bias(self.in_proj.bias.as_ref(), 3 * d, x)?;
        let project = |i: usize| -> candle_core::Result<Tensor> {
            let y = linear(&flat, &w.narrow(0, i * d, d)?, &b.narrow(0, i * d, d)?)?;
            y.reshape((n, s, h, dh))?.transpose(1, 2)?.contiguous()
        };
        let (q, k, v) = (project(0)?, project(1)?, project(2)?);
        let scores = q.matmul(&k.t()?)?;
        let padding = match &mode.key_padding {
            Some(p) if p.keys == s && p.pad.len() == n * s => Some(p.clone()),
            Some(p) => candle_core::bail!(
                "attention: the key padding mask is for {} positions of {} samples, the input has {s} of {n}",
                p.keys,
                p.pad.len() / p.keys.max(1)
            ),
            None => None,
        };
        let op = AttentionSoftmax { scale: (dh as f64).powf(-0.5), causal: self.causal, padding };
        let weights = dropout(&scores.apply_op1(op)?, self.dropout, mode)?;
        let context = weights.matmul(&v)?.transpose(1, 2)?.reshape((n, s, d))?;
        self.out_proj.forward(&context, mode)
    }

    fn params(&self) -> Vec<Param> {
        let names = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"];
        let mut params = self.in_proj.params();
        params.extend(self.out_proj.params());
        let with_bias = self.in_proj.bias.is_some();
        for (p, name) in params.iter_mut().zip(names.iter().filter(|n| with_bias || !n.ends_with("bias"))) {
            p.name = name.to_string();
        }
        params
    }
}

/// Attention weights from raw scores `(batch, heads, queries, keys)`: softmax of the
/// scaled scores over the keys a query may see (not later ones when causal, not
/// padding); the others get weight 0. A query that may see no key gets all zeros.
#[derive(Debug, Clone)]
pub struct AttentionSoftmax {
    pub scale: f64,
    pub causal: bool,
    pub padding: Option<KeyPadding>,
}

impl Kernel1 for AttentionSoftmax {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], x: &[T]) -> candle_core::Result<Vec<T>> {
        let &[_, h, q, k] = dims else { candle_core::bail!("attention_softmax: scores {dims:?} are not 4-d") };
        let mut out = vec![T::zero(); x.len()];
        let scale = T::from_f64(self.scale);
        let rows = out.par_chunks_mut(k).zip(x.par_chunks(k)).enumerate().with_min_len(64);
        rows.for_each(|(r, (dst, src))| {
            let (sample, query) = (r / (h * q), r % q);
            let seen = if self.causal { (query + 1).min(k) } else { k };
            let pad = self.padding.as_ref().map(|p| &p.pad[sample * k..][..k]);
            let visible = |j: usize| pad.is_none_or(|p| !p[j]);
            let mut max = T::neg_infinity();
            for j in (0..seen).filter(|&j| visible(j)) {
                max = Float::max(max, src[j]);
            }
            if max == T::neg_infinity() {
                return;
            }
            let mut sum = T::zero();
            for j in (0..seen).filter(|&j| visible(j)) {
                let e = ((src[j] - max) * scale).exp();
                dst[j] = e;
                sum += e;
            }
            let inv = T::one() / sum;
            dst[..seen].iter_mut().for_each(|v| *v *= inv);
        });
        Ok(out)
    }
}

impl CustomOp1 for AttentionSoftmax {
    fn name(&self) -> &'static str {
        "attention_softmax"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        Ok((on_cpu1(self, self.name(), storage, layout)?, layout.shape().clone()))
    }

    fn bwd(&self, _arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let op = SoftmaxGrad { scale: self.scale };
        Ok(Some(res.contiguous()?.apply_op2_no_bwd(&grad_res.contiguous()?, &op)?))
    }
}

/// The gradient of a scaled softmax with respect to its scores, from its output
/// `y` and the output's gradient `g`: `scale * y * (g - sum(g y))` per row.
struct SoftmaxGrad {
    scale: f64,
}

impl Kernel2 for SoftmaxGrad {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], y: &[T], g: &[T]) -> candle_core::Result<Vec<T>> {
        let k = *dims.last().unwrap_or(&1);
        let mut out = vec![T::zero(); y.len()];
        let scale = T::from_f64(self.scale);
        let rows = out.par_chunks_mut(k).zip(y.par_chunks(k)).zip(g.par_chunks(k)).with_min_len(64);
        rows.for_each(|((dst, y), g)| {
            let dot = y.iter().zip(g).fold(T::zero(), |acc, (&a, &b)| acc + a * b);
            for ((d, &yv), &gv) in dst.iter_mut().zip(y).zip(g) {
                *d = scale * yv * (gv - dot);
            }
        });
        Ok(out)
    }
}

impl CustomOp2 for SoftmaxGrad {
    fn name(&self) -> &'static str {
        "attention_softmax_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let name = self.name();
        if l1.dims() != l2.dims() {
            candle_core::bail!("{name}: output {:?} and gradient {:?} differ in shape", l1.dims(), l2.dims());
        }
        Ok((on_cpu2(self, name, (s1, l1), (s2, l2))?, l1.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, D};

    #[test]
    fn masked_softmax_matches_composed_ops() {
        let dev = Device::Cpu;
        let scores = Tensor::randn(0f64, 1.0, (2, 3, 4, 4), &dev).unwrap();
        let pad = vec![false, false, true, false, false, false, false, false];
        // The reference: -inf where masked, then softmax.
        let mut mask = vec![0f64; 2 * 4 * 4];
        for b in 0..2 {
            for i in 0..4 {
                for j in 0..4 {
                    if j > i || pad[b * 4 + j] {
                        mask[b * 16 + i * 4 + j] = f64::NEG_INFINITY;
                    }
                }
            }
        }
        let mask = Tensor::from_vec(mask, (2, 1, 4, 4), &dev).unwrap();
        let z = (scores.clone() * 0.5).unwrap().broadcast_add(&mask).unwrap();
        let e = z.broadcast_sub(&z.max_keepdim(D::Minus1).unwrap()).unwrap().exp().unwrap();
        let want = e.broadcast_div(&e.sum_keepdim(D::Minus1).unwrap()).unwrap();
        let padding = KeyPadding { keys: 4, pad: Arc::new(pad) };
        let got = scores.apply_op1(AttentionSoftmax { scale: 0.5, causal: true, padding: Some(padding) }).unwrap();
        let diff = (got - want).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
        assert!(diff < 1e-12, "{diff}");
    }
}
