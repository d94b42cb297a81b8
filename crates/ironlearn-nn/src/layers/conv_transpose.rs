//! The transposed 2-d convolution (PyTorch's `nn.ConvTranspose2d`, weight
//! `(channels, filters/groups, k, k)`): the gradient of a convolution with
//! respect to its input, used to upsample in decoders and generators.
//!
//! It is the convolution's own pieces run the other way: the forward pass is
//! the convolution's input gradient (a GEMM by the transposed weights, then
//! the fold, col2im), and the backward pass is a convolution (unfold, GEMM)
//! plus the weight gradient from the same unfolded matrix.

use candle_core::{CpuStorage, CustomOp3, Device, Layout, Shape, Storage, Tensor, Var, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::conv::{filter_major, Col2Im, Fused, Im2Col, Window};
use super::kernel::{contiguous, on_cpu3, Kernel3};
use super::{activate, weight_and_bias, Builder, Layer, Mode, Param};
use crate::init::{var_from, weight_values};
use crate::spec::{Activation, Init};

#[derive(Debug)]
pub struct ConvTranspose {
    /// `(channels, filters/groups, k, k)`.
    pub weight: Var,
    pub bias: Option<Var>,
    pub window: Window,
    pub output_padding: usize,
    pub groups: usize,
    pub activation: Activation,
}

impl ConvTranspose {
    pub fn new(
        channels: usize,
        filters: usize,
        window: Window,
        output_padding: usize,
        groups: usize,
        bias: bool,
        activation: Activation,
        init: Init,
        b: &mut Builder<'_>,
    ) -> Result<ConvTranspose> {
        let receptive = window.kernel.0 * window.kernel.1;
        // PyTorch's fans for this weight layout: its second axis times the kernel is fan-in.
        let (fan_in, fan_out) = (filters / groups * receptive, channels * receptive);
        let (w, _) = weight_values(init, channels, filters / groups * receptive, fan_in, fan_out, b.rng);
        let (_, bv) = weight_values(init, filters, 0, fan_in, fan_out, b.rng);
        let shape = [channels, filters / groups, window.kernel.0, window.kernel.1];
        Ok(ConvTranspose {
            weight: var_from(w, &shape, b.dtype, b.device)?,
            bias: if bias { Some(var_from(bv, &[filters], b.dtype, b.device)?) } else { None },
            window,
            output_padding,
            groups,
            activation,
        })
    }
}

/// The output length of a transposed convolution along one axis.
pub fn transposed_len(
    n: usize,
    k: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    extra: usize,
) -> Option<usize> {
    ((n - 1) * stride + dilation * (k - 1) + extra + 1).checked_sub(2 * padding).filter(|&v| v > 0)
}

impl Layer for ConvTranspose {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let (n, _, h, w) = x.dims4()?;
        let win = self.window;
        let len = |n, axis: usize| {
            let (k, s, p, d) = [
                (win.kernel.0, win.stride.0, win.padding.0, win.dilation.0),
                (win.kernel.1, win.stride.1, win.padding.1, win.dilation.1),
            ][axis];
            transposed_len(n, k, s, p, d, self.output_padding)
                .ok_or_else(|| candle_core::Error::Msg(format!("conv_transpose2d: no output for an input of {n}")))
        };
        let filters = self.weight.dim(1)? * self.groups;
        let bias = mode.bias(self.bias.as_ref(), filters, x)?;
        let op = ConvTransposeOp { window: win, groups: self.groups, output: (n, filters, len(h, 0)?, len(w, 1)?) };
        let y = x.contiguous()?.apply_op3(&mode.param(&self.weight).contiguous()?, &bias, op)?;
        activate(&y, self.activation)
    }

    fn params(&self) -> Vec<Param> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

/// `(n, c, h, w)` by weights `(c, f/groups, kh, kw)` plus a bias `(f,)` into `output`.
struct ConvTransposeOp {
    window: Window,
    groups: usize,
    /// `(n, f, oh, ow)`: the input of the convolution this op is the adjoint of.
    output: (usize, usize, usize, usize),
}

impl ConvTransposeOp {
    fn run<T: WithDType>(&self, x: &[T], c: usize, w: &[T], b: &[T]) -> candle_core::Result<Vec<T>> {
        let (n, f, oh, ow) = self.output;
        let (g, len) = (self.groups, x.len() / (n * c));
        let k = w.len() / c;
        let xf = filter_major(x, x, (n, c, len), Fused::Identity);
        let xf = Tensor::from_vec(xf, (g, c / g, n * len), &Device::Cpu)?;
        let cols = Tensor::from_slice(w, (g, c / g, k), &Device::Cpu)?.t()?.matmul(&xf)?;
        let (storage, layout) = cols.storage_and_layout();
        let cols = match &*storage {
            Storage::Cpu(s) => contiguous(T::cpu_storage_as_slice(s)?, layout, "conv_transpose2d")?,
            _ => candle_core::bail!("conv_transpose2d: the product is not on the CPU"),
        };
        let mut y = Col2Im { window: self.window, groups: g, input: self.output }.run(cols)?;
        y.par_chunks_mut(oh * ow).enumerate().for_each(|(i, plane)| {
            let add = b[i % f];
            plane.iter_mut().for_each(|v| *v += add);
        });
        Ok(y)
    }
}

impl Kernel3 for ConvTransposeOp {
    fn apply<T: WithDType + Float>(&self, d: &[usize], x: &[T], w: &[T], b: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(x, d[1], w, b)
    }
}

impl CustomOp3 for ConvTransposeOp {
    fn name(&self) -> &'static str {
        "conv_transpose2d"
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
        let (n, c, h, w) = l1.shape().dims4()?;
        let (on, f, oh, ow) = self.output;
        let taps = self.window.kernel.0 * self.window.kernel.1;
        if on != n || self.window.output(oh, ow)? != (h, w) || l2.shape().elem_count() != c * f / self.groups * taps {
            candle_core::bail!(
                "conv_transpose2d: input {:?} and weight {:?} do not make {:?}",
                l1.dims(),
                l2.dims(),
                self.output
            );
        }
        Ok((on_cpu3(self, self.name(), (s1, l1), (s2, l2), (s3, l3))?, Shape::from(self.output)))
    }

    fn bwd(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (n, c, h, w) = x.dims4()?;
        let g = self.groups;
        let k = weight.elem_count() / c;
        // The output's gradient unfolded as the forward convolution reads its input.
        let cols = grad_res.contiguous()?.apply_op1_no_bwd(&Im2Col { window: self.window, groups: g })?;
        let grad_bias = if bias.track_op() { Some(grad_res.sum((0, 2, 3))?) } else { None };
        let xf = x.reshape((n, c, h * w))?.transpose(0, 1)?.contiguous()?.reshape((g, c / g, n * h * w))?;
        let grad_weight = xf.matmul(&cols.t()?)?.reshape(weight.shape())?;
        let grad_x = if x.track_op() {
            let prod = weight.reshape((g, c / g, k))?.matmul(&cols)?;
            Some(prod.reshape((c, n, h * w))?.transpose(0, 1)?.contiguous()?.reshape((n, c, h, w))?)
        } else {
            None
        };
        Ok((grad_x, Some(grad_weight), grad_bias))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::DType;
    use ironlearn_core::Rng;

    #[test]
    fn matches_candle() {
        // (kernel, stride, padding, output_padding, dilation); candle has no groups here.
        for (k, s, p, op, d) in [(3, 1, 0, 0, 1), (3, 2, 1, 1, 1), (2, 2, 0, 0, 1), (3, 2, 1, 0, 2), (4, 3, 2, 2, 1)] {
            let mut rng = Rng::new(4);
            let mut b = Builder { dtype: DType::F64, device: &Device::Cpu, rng: &mut rng };
            let win = Window::square(k, s, p, d);
            let layer = ConvTranspose::new(3, 5, win, op, 1, true, Activation::Identity, Init::Torch, &mut b).unwrap();
            let x = Tensor::randn(0f64, 1.0, (2, 3, 4, 5), &Device::Cpu).unwrap();
            let y = layer.forward(&x, &mut Mode::eval()).unwrap();
            let want = x
                .conv_transpose2d(&layer.weight, p, op, s, d)
                .unwrap()
                .broadcast_add(&layer.bias.as_ref().unwrap().reshape((1, 5, 1, 1)).unwrap())
                .unwrap();
            assert_eq!(y.dims(), want.dims(), "k {k} s {s} p {p} op {op} d {d}");
            let diff = (y - want).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap();
            assert!(diff < 1e-12, "k {k} s {s} p {p} op {op} d {d}: {diff}");
        }
    }
}
