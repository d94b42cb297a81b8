//! Per-sample normalisation over the last axis: layer norm (mean and
//! variance) and RMS norm (root mean square only).
//!
//! Each is one custom op: statistics, normalisation, scale and shift in one
//! pass per row, and a backward pass that recomputes the row's statistics
//! and returns the gradients of the input, scale and shift together.
//! Composed from candle's ops a layer norm is eight nodes forward and a
//! score of allocations backward (candle-nn's fused kernel has no backward
//! at all). The scale and shift gradients are sums over rows, taken in
//! blocks of a fixed size and added in order, so they do not depend on the
//! thread count.

use candle_core::{CpuStorage, CustomOp3, Layout, Shape, Tensor, Var, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::kernel::{on_cpu3, Kernel3};
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
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        x.contiguous()?.apply_op3(
            &mode.param(&self.weight),
            &mode.param(&self.bias),
            Norm { eps: self.eps, rms: false },
        )
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
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let no_shift = self.weight.zeros_like()?;
        x.contiguous()?.apply_op3(&mode.param(&self.weight), &no_shift, Norm { eps: self.eps, rms: true })
    }

    fn params(&self) -> Vec<Param> {
        vec![Param { name: "weight".into(), var: self.weight.clone(), decay: false }]
    }
}

/// Rows per block of the scale and shift gradients' sums.
const BLOCK: usize = 64;

/// `(x - mean) * rstd * weight + bias` per row of the last axis (RMS: no mean, no bias).
#[derive(Debug, Clone, Copy)]
struct Norm {
    eps: f64,
    rms: bool,
}

impl Norm {
    /// The row's centre (0 for RMS) and reciprocal standard deviation (or RMS).
    fn stats<T: WithDType + Float>(&self, row: &[T]) -> (T, T) {
        let d = T::from_f64(row.len() as f64);
        let mean = if self.rms { T::zero() } else { row.iter().fold(T::zero(), |a, &v| a + v) / d };
        let var = row.iter().fold(T::zero(), |a, &v| a + (v - mean) * (v - mean)) / d;
        (mean, T::one() / (var + T::from_f64(self.eps)).sqrt())
    }

    fn forward<T: WithDType + Float>(&self, x: &[T], w: &[T], b: &[T]) -> Vec<T> {
        let d = w.len();
        let mut out = vec![T::zero(); x.len()];
        out.par_chunks_mut(d).zip(x.par_chunks(d)).with_min_len(16).for_each(|(dst, row)| {
            let (mean, rstd) = self.stats(row);
            for j in 0..d {
                dst[j] = (row[j] - mean) * rstd * w[j] + b[j];
            }
        });
        out
    }

    /// The input's gradient, then the scale's and the shift's, in one vector.
    fn backward<T: WithDType + Float>(&self, x: &[T], w: &[T], g: &[T]) -> Vec<T> {
        let d = w.len();
        let n = x.len() / d;
        let mut out = vec![T::zero(); x.len() + 2 * d];
        let (dx, sums) = out.split_at_mut(x.len());
        let blocks = n.div_ceil(BLOCK);
        let mut partial = vec![T::zero(); blocks * 2 * d];
        let inv_d = T::from_f64(1.0 / d as f64);
        dx.par_chunks_mut(BLOCK * d).zip(partial.par_chunks_mut(2 * d)).enumerate().for_each(|(blk, (dx, part))| {
            let (dw, db) = part.split_at_mut(d);
            for (r, dx) in dx.chunks_mut(d).enumerate() {
                let at = (blk * BLOCK + r) * d;
                let (row, gr) = (&x[at..at + d], &g[at..at + d]);
                let (mean, rstd) = self.stats(row);
                // dx = rstd (gw - mean(gw) - xhat mean(gw xhat)); the mean term only for layer norm.
                let (mut sum_gw, mut sum_gwx) = (T::zero(), T::zero());
                for j in 0..d {
                    let xhat = (row[j] - mean) * rstd;
                    let gw = gr[j] * w[j];
                    sum_gw += gw;
                    sum_gwx += gw * xhat;
                    dw[j] += gr[j] * xhat;
                    db[j] += gr[j];
                }
                let mean_gw = if self.rms { T::zero() } else { sum_gw * inv_d };
                let mean_gwx = sum_gwx * inv_d;
                for j in 0..d {
                    let xhat = (row[j] - mean) * rstd;
                    dx[j] = rstd * (gr[j] * w[j] - mean_gw - xhat * mean_gwx);
                }
            }
        });
        for part in partial.chunks(2 * d) {
            for (s, &p) in sums.iter_mut().zip(part) {
                *s += p;
            }
        }
        out
    }
}

impl CustomOp3 for Norm {
    fn name(&self) -> &'static str {
        if self.rms {
            "rms_norm"
        } else {
            "layer_norm"
        }
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let name = self.name();
        let d = *l1.dims().last().unwrap_or(&0);
        if l2.dims() != [d] || l3.dims() != [d] {
            candle_core::bail!("{name}: scale {:?} and shift {:?} for rows of {d}", l2.dims(), l3.dims());
        }
        Ok((on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?, l1.shape().clone()))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _b: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (size, d) = (x.elem_count(), w.elem_count());
        let all = x.contiguous()?.apply_op3_no_bwd(w, &grad_res.contiguous()?, &NormGrad(*self))?;
        let dx = all.narrow(0, 0, size)?.reshape(x.shape())?;
        let dw = all.narrow(0, size, d)?;
        let db = if self.rms { None } else { Some(all.narrow(0, size + d, d)?) };
        Ok((Some(dx), Some(dw), db))
    }
}

impl Kernel3 for Norm {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], x: &[T], w: &[T], b: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(self.forward(x, w, b))
    }
}

/// [`Norm`]'s backward pass from the input, the scale and the output's gradient.
struct NormGrad(Norm);

impl Kernel3 for NormGrad {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], x: &[T], w: &[T], g: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(self.0.backward(x, w, g))
    }
}

impl CustomOp3 for NormGrad {
    fn name(&self) -> &'static str {
        "norm_grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let name = self.name();
        if l1.dims() != l3.dims() {
            candle_core::bail!("{name}: input {:?} and gradient {:?} differ", l1.dims(), l3.dims());
        }
        Ok((
            on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?,
            Shape::from(l1.shape().elem_count() + 2 * l2.shape().elem_count()),
        ))
    }
}
