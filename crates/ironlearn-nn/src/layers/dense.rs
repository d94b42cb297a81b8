//! A fully connected layer, stored as PyTorch stores it: weight
//! `(out, in)`, so saved weights compare with a PyTorch state dict directly.
//!
//! The product, the bias and a ReLU-like activation are one custom op, and
//! so is the backward pass (the activation's slope read from the output, two
//! GEMMs, the bias gradient as a column sum). From candle's ops the same
//! layer is four graph nodes, each of which allocates, zeroes and adds a
//! gradient of its own in the backward pass.

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Device, Layout, Shape, Storage, Tensor, Var, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::conv::Fused;
use super::kernel::{contiguous, on_cpu2, on_cpu3, Kernel2, Kernel3};
use super::{activate, weight_and_bias, Builder, Layer, Mode, Param};
use crate::init::{dense_values, var_from};
use crate::spec::{Activation, Init};

#[derive(Debug)]
pub struct Dense {
    pub weight: Var,
    pub bias: Option<Var>,
    pub activation: Activation,
}

impl Dense {
    pub fn new(
        fan_in: usize,
        units: usize,
        activation: Activation,
        bias: bool,
        init: Init,
        b: &mut Builder<'_>,
    ) -> Result<Dense> {
        let (w, bv) = dense_values(init, fan_in, units, b.rng);
        Ok(Dense {
            weight: var_from(w, &[units, fan_in], b.dtype, b.device)?,
            bias: if bias { Some(var_from(bv, &[units], b.dtype, b.device)?) } else { None },
            activation,
        })
    }
}

impl Layer for Dense {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let dims = x.dims().to_vec();
        let fan_in = *dims.last().expect("a layer's input has a feature axis");
        let units = self.weight.dim(0)?;
        let flat = x.reshape(((), fan_in))?.contiguous()?;
        let bias = mode.bias(self.bias.as_ref(), units, x)?;
        let fused = Fused::of(self.activation);
        let op = DenseOp { act: fused.unwrap_or(Fused::Identity) };
        let mut y = flat.apply_op3(&mode.param(&self.weight), &bias, op)?;
        if dims.len() != 2 {
            let mut out = dims;
            *out.last_mut().expect("checked") = units;
            y = y.reshape(out)?;
        }
        match fused {
            Some(_) => Ok(y),
            None => activate(&y, self.activation),
        }
    }

    fn params(&self) -> Vec<Param> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

/// `x W^T + b` for `x` `(rows, in)` as one graph node (the attention's projections).
pub(super) fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    x.apply_op3(w, b, DenseOp { act: Fused::Identity })
}

/// The values of a CPU tensor computed inside a custom op.
fn values<T: WithDType>(t: &Tensor, f: impl FnOnce(&[T]) -> Vec<T>) -> candle_core::Result<Vec<T>> {
    let (storage, layout) = t.storage_and_layout();
    match &*storage {
        Storage::Cpu(s) => Ok(f(contiguous(T::cpu_storage_as_slice(s)?, layout, "dense")?)),
        _ => candle_core::bail!("dense: the product is not on the CPU"),
    }
}

/// `activation(x W^T + b)` for `x` `(rows, in)`, `W` `(out, in)`, `b` `(out,)`.
struct DenseOp {
    act: Fused,
}

impl Kernel3 for DenseOp {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], x: &[T], w: &[T], b: &[T]) -> candle_core::Result<Vec<T>> {
        let (m, k, n) = (dims[0], dims[1], b.len());
        let prod =
            Tensor::from_slice(x, (m, k), &Device::Cpu)?.matmul(&Tensor::from_slice(w, (n, k), &Device::Cpu)?.t()?)?;
        values(&prod, |p: &[T]| {
            let mut out = vec![T::from_f64(0.0); m * n];
            out.par_chunks_mut(n).zip(p.par_chunks(n)).with_min_len(64).for_each(|(dst, src)| {
                self.act.apply_row(dst, src, b);
            });
            out
        })
    }
}

impl CustomOp3 for DenseOp {
    fn name(&self) -> &'static str {
        "dense"
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
        let (m, k) = l1.shape().dims2()?;
        let (n, k2) = l2.shape().dims2()?;
        if k != k2 || l3.dims() != [n] {
            candle_core::bail!(
                "dense: input {:?}, weight {:?} and bias {:?} disagree",
                l1.dims(),
                l2.dims(),
                l3.dims()
            );
        }
        Ok((on_cpu3(self, "dense", (s1, l1), (s2, l2), (s3, l3))?, Shape::from((m, n))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad = match self.act {
            Fused::Identity => grad_res.clone(),
            act => res.contiguous()?.apply_op2_no_bwd(&grad_res.contiguous()?, &Slope(act))?,
        };
        let grad_bias = if bias.track_op() { Some(grad.sum(0)?) } else { None };
        let grad_weight = grad.t()?.matmul(&x.detach())?;
        // The first layer's input is data and needs no gradient.
        let grad_x = if x.track_op() { Some(grad.matmul(&weight.detach())?) } else { None };
        Ok((grad_x, Some(grad_weight), grad_bias))
    }
}

/// The output's gradient times the fused activation's slope, read from the output.
struct Slope(Fused);

impl Kernel2 for Slope {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], out: &[T], grad: &[T]) -> candle_core::Result<Vec<T>> {
        let mut res = vec![T::from_f64(0.0); out.len()];
        let chunks = res.par_chunks_mut(4096).zip(grad.par_chunks(4096)).zip(out.par_chunks(4096));
        chunks.for_each(|((d, g), o)| self.0.back(d, g, o));
        Ok(res)
    }
}

impl CustomOp2 for Slope {
    fn name(&self) -> &'static str {
        "dense_slope"
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
            candle_core::bail!("{name}: output {:?} and gradient {:?} differ", l1.dims(), l2.dims());
        }
        Ok((on_cpu2(self, name, (s1, l1), (s2, l2))?, l1.shape().clone()))
    }
}
