//! Convolutions, 1-d and 2-d, stored as PyTorch stores them (weight
//! `(filters, channels/groups, k[, k])`, bias `(filters,)`).
//!
//! candle's `conv2d` backward sizes the input gradient from the height alone,
//! so a stride above one fails when height and width leave different
//! remainders, and it finds the weight gradient by a convolution with the
//! output gradient as the kernel, which is slow on the CPU. Here a
//! convolution is one custom op: unfold the input (im2col), one GEMM per
//! group over the whole batch, then bias, activation (when its derivative
//! follows from its output) and the batch-major layout in one sweep. The
//! backward pass is that sweep's adjoint, two GEMMs and a fold (col2im), and
//! candle's autograd keeps one node instead of allocating, zeroing and adding
//! a full-size gradient for each of five. The unfolded matrix is laid out
//! `(group, channel·kernel, sample·position)` so that stride-one rows are
//! straight copies.

use candle_core::{
    CpuStorage, CustomOp1, CustomOp2, CustomOp3, Device, Layout, Shape, Storage, Tensor, Var, WithDType,
};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::kernel::{contiguous, on_cpu1, on_cpu2, on_cpu3, Kernel1, Kernel2, Kernel3};
use super::{activate, weight_and_bias, Builder, Layer, Mode, Param};
use crate::init::{var_from, weight_values};
use crate::spec::{Activation, Init};

/// A 2-d sliding window: kernel, stride, zero padding and dilation, per axis (rows, columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub kernel: (usize, usize),
    pub stride: (usize, usize),
    pub padding: (usize, usize),
    pub dilation: (usize, usize),
}

impl Window {
    /// A square window of the same size, stride, padding and dilation on both axes.
    pub fn square(kernel: usize, stride: usize, padding: usize, dilation: usize) -> Window {
        Window {
            kernel: (kernel, kernel),
            stride: (stride, stride),
            padding: (padding, padding),
            dilation: (dilation, dilation),
        }
    }

    /// The output's height and width for an input of `h x w` (checked by the spec to fit).
    pub fn output(&self, h: usize, w: usize) -> candle_core::Result<(usize, usize)> {
        let count = |n: usize, k: usize, s: usize, p: usize, d: usize| {
            crate::spec::window_count(n, k, s, p, d)
                .ok_or_else(|| candle_core::Error::Msg(format!("a window of {k} does not fit an input of {n}")))
        };
        let oh = count(h, self.kernel.0, self.stride.0, self.padding.0, self.dilation.0)?;
        let ow = count(w, self.kernel.1, self.stride.1, self.padding.1, self.dilation.1)?;
        Ok((oh, ow))
    }

    /// For kernel column `kx`: the output columns `lo..hi` whose input column is inside the
    /// image, and the input column of output column 0 (which may be negative).
    pub(super) fn columns(&self, kx: usize, w: usize, ow: usize) -> (usize, usize, isize) {
        let (s, p, d) = (self.stride.1 as isize, self.padding.1 as isize, self.dilation.1 as isize);
        let first = kx as isize * d - p;
        // ox * s + first in [0, w)
        let lo = if first >= 0 { 0 } else { ((-first + s - 1) / s) as usize };
        let hi = if first >= w as isize { 0 } else { (((w as isize - 1 - first) / s) + 1) as usize };
        let hi = hi.min(ow);
        (lo.min(hi), hi, first)
    }
}

#[derive(Debug)]
pub struct Conv {
    /// `(filters, channels/groups, k)` or `(filters, channels/groups, k, k)`.
    pub weight: Var,
    pub bias: Option<Var>,
    pub window: Window,
    pub groups: usize,
    pub activation: Activation,
    /// 1 or 2 spatial axes.
    pub axes: usize,
}

impl Conv {
    /// A convolution of `channels` into `filters` over `axes` (1 or 2) spatial axes.
    pub fn new(
        axes: usize,
        channels: usize,
        filters: usize,
        window: Window,
        groups: usize,
        bias: bool,
        activation: Activation,
        init: Init,
        b: &mut Builder<'_>,
    ) -> Result<Conv> {
        let receptive = window.kernel.0 * window.kernel.1;
        let per_filter = channels / groups * receptive;
        // PyTorch's and Keras' fans: the input channels of one group and all the
        // filters, each times the kernel's size.
        let (w, bv) = weight_values(init, filters, per_filter, per_filter, filters * receptive, b.rng);
        let mut shape = vec![filters, channels / groups];
        if axes == 2 {
            shape.push(window.kernel.0);
        }
        shape.push(window.kernel.1);
        Ok(Conv {
            weight: var_from(w, &shape, b.dtype, b.device)?,
            bias: if bias { Some(var_from(bv, &[filters], b.dtype, b.device)?) } else { None },
            window,
            groups,
            activation,
            axes,
        })
    }
}

impl Layer for Conv {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let x4 = if self.axes == 1 {
            let (n, c, l) = x.dims3()?;
            x.reshape((n, c, 1, l))?
        } else {
            x.clone()
        };
        let (n, _, h, w) = x4.dims4()?;
        let (oh, ow) = self.window.output(h, w)?;
        let filters = self.weight.dim(0)?;
        let bias = mode.bias(self.bias.as_ref(), filters, x)?;
        let shape = if self.axes == 1 { vec![n, filters, ow] } else { vec![n, filters, oh, ow] };
        let fused = Fused::of(self.activation);
        let op = ConvOp { window: self.window, groups: self.groups, shape, act: fused.unwrap_or(Fused::Identity) };
        let y = x4.contiguous()?.apply_op3(&mode.param(&self.weight).contiguous()?, &bias, op)?;
        match fused {
            Some(_) => Ok(y),
            None => activate(&y, self.activation),
        }
    }

    fn params(&self) -> Vec<Param> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

/// An activation fused into the convolution's last step: its derivative is a
/// function of its output, so the backward pass stays one sweep over the
/// gradient instead of candle's several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fused {
    Identity,
    Relu,
    LeakyRelu,
}

impl Fused {
    pub(super) fn of(a: Activation) -> Option<Fused> {
        match a {
            Activation::Identity => Some(Fused::Identity),
            Activation::Relu => Some(Fused::Relu),
            Activation::LeakyRelu => Some(Fused::LeakyRelu),
            _ => None,
        }
    }

    /// `dst = activation(src + add)`; a NaN passes through, as in PyTorch. One
    /// loop per activation, so that each is a plain select the compiler vectorises.
    fn apply<T: WithDType>(self, dst: &mut [T], src: &[T], add: T) {
        let zero = T::from_f64(0.0);
        let pairs = dst.iter_mut().zip(src);
        match self {
            Fused::Identity => pairs.for_each(|(d, &s)| *d = s + add),
            Fused::Relu => pairs.for_each(|(d, &s)| {
                let v = s + add;
                *d = if v < zero { zero } else { v };
            }),
            Fused::LeakyRelu => {
                let slope = T::from_f64(0.01);
                pairs.for_each(|(d, &s)| {
                    let v = s + add;
                    *d = if v < zero { v * slope } else { v };
                })
            }
        }
    }

    /// `dst = activation(src + add)` with an `add` per value (a dense layer's bias).
    pub(super) fn apply_row<T: WithDType>(self, dst: &mut [T], src: &[T], add: &[T]) {
        let zero = T::from_f64(0.0);
        let triples = dst.iter_mut().zip(src).zip(add);
        match self {
            Fused::Identity => triples.for_each(|((d, &s), &a)| *d = s + a),
            Fused::Relu => triples.for_each(|((d, &s), &a)| {
                let v = s + a;
                *d = if v < zero { zero } else { v };
            }),
            Fused::LeakyRelu => {
                let slope = T::from_f64(0.01);
                triples.for_each(|((d, &s), &a)| {
                    let v = s + a;
                    *d = if v < zero { v * slope } else { v };
                })
            }
        }
    }

    /// `dst = grad * derivative`, the derivative read from the output `out`: PyTorch's,
    /// the negative side's at zero.
    pub(super) fn back<T: WithDType>(self, dst: &mut [T], grad: &[T], out: &[T]) {
        let zero = T::from_f64(0.0);
        let triples = dst.iter_mut().zip(grad).zip(out);
        match self {
            Fused::Identity => dst.copy_from_slice(grad),
            Fused::Relu => triples.for_each(|((d, &g), &o)| *d = if o <= zero { zero } else { g }),
            Fused::LeakyRelu => {
                let slope = T::from_f64(0.01);
                triples.for_each(|((d, &g), &o)| *d = if o <= zero { g * slope } else { g })
            }
        }
    }
}

/// `(f, n, len)` products to the `(n, f, len)` batch, adding `bias[filter]` and activating.
pub(super) fn batch_major<T: WithDType>(y: &[T], bias: &[T], (f, n, len): (usize, usize, usize), act: Fused) -> Vec<T> {
    let mut out = vec![T::from_f64(0.0); f * n * len];
    out.par_chunks_mut(len).with_min_len(16).enumerate().for_each(|(i, dst)| {
        let (b, fi) = (i / f, i % f);
        act.apply(dst, &y[(fi * n + b) * len..][..len], bias[fi]);
    });
    out
}

/// The adjoint of [`batch_major`]: the `(n, f, len)` gradient, times the
/// activation's slope read from its output, to `(f, n · len)`.
pub(super) fn filter_major<T: WithDType>(
    grad: &[T],
    out: &[T],
    (n, f, len): (usize, usize, usize),
    act: Fused,
) -> Vec<T> {
    let mut res = vec![T::from_f64(0.0); f * n * len];
    res.par_chunks_mut(len).with_min_len(16).enumerate().for_each(|(i, dst)| {
        let (fi, b) = (i / n, i % n);
        let at = (b * f + fi) * len;
        act.back(dst, &grad[at..][..len], &out[at..][..len]);
    });
    res
}

/// A convolution of `(n, c, h, w)` by weights `(f, c/groups, kh, kw)` (any
/// shape of that size) and a bias `(f,)`, activated, into the batch of `shape`.
struct ConvOp {
    window: Window,
    groups: usize,
    shape: Vec<usize>,
    act: Fused,
}

impl ConvOp {
    /// Samples, filters, positions.
    fn dims(&self) -> (usize, usize, usize) {
        (self.shape[0], self.shape[1], self.shape[2..].iter().product())
    }

    fn unfold(&self) -> Im2Col {
        Im2Col { window: self.window, groups: self.groups }
    }

    fn run<T: WithDType>(
        &self,
        x: &[T],
        dims: (usize, usize, usize, usize),
        w: &[T],
        b: &[T],
    ) -> candle_core::Result<Vec<T>> {
        let (n, f, len) = self.dims();
        let (g, k) = (self.groups, w.len() / f);
        let cols = Tensor::from_vec(self.unfold().run(x, dims)?, (g, k, n * len), &Device::Cpu)?;
        let y = Tensor::from_slice(w, (g, f / g, k), &Device::Cpu)?.matmul(&cols)?;
        let (storage, layout) = y.storage_and_layout();
        let y = match &*storage {
            Storage::Cpu(s) => contiguous(T::cpu_storage_as_slice(s)?, layout, "conv")?,
            _ => candle_core::bail!("conv: the product is not on the CPU"),
        };
        Ok(batch_major(y, b, (f, n, len), self.act))
    }
}

impl Kernel3 for ConvOp {
    fn apply<T: WithDType + Float>(&self, d: &[usize], x: &[T], w: &[T], b: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(x, (d[0], d[1], d[2], d[3]), w, b)
    }
}

impl CustomOp3 for ConvOp {
    fn name(&self) -> &'static str {
        "conv"
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
        let (oh, ow) = self.window.output(h, w)?;
        let (_, f, len) = self.dims();
        let per_filter = c / self.groups * self.window.kernel.0 * self.window.kernel.1;
        if n != self.shape[0] || oh * ow != len || l2.shape().elem_count() != f * per_filter || l3.dims() != [f] {
            candle_core::bail!(
                "conv: input {:?}, weight {:?} and bias {:?} do not make {:?}",
                l1.dims(),
                l2.dims(),
                l3.dims(),
                self.shape
            );
        }
        Ok((on_cpu3(self, self.name(), (s1, l1), (s2, l2), (s3, l3))?, Shape::from(self.shape.clone())))
    }

    fn bwd(
        &self,
        x: &Tensor,
        weight: &Tensor,
        bias: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (n, f, len) = self.dims();
        let g = self.groups;
        // The gradient before the activation, laid out as the product: (g, f/g, n·len).
        let back = FilterMajor { dims: (n, f, len), act: self.act };
        let grad = res.contiguous()?.apply_op2_no_bwd(&grad_res.contiguous()?, &back)?;
        let grad_bias = if bias.track_op() { Some(grad.sum(1)?) } else { None };
        let grad = grad.reshape((g, f / g, n * len))?;
        // The unfolded input again, rather than kept from the forward pass.
        let cols = x.contiguous()?.apply_op1_no_bwd(&self.unfold())?;
        let grad_weight = grad.matmul(&cols.t()?)?.reshape(weight.shape())?;
        drop(cols);
        // The first layer's input needs no gradient.
        let grad_x = if x.track_op() {
            let k = weight.elem_count() / f;
            let grad_cols = weight.reshape((g, f / g, k))?.t()?.matmul(&grad)?;
            let fold = Col2Im { window: self.window, groups: g, input: x.dims4()? };
            Some(grad_cols.apply_op1_no_bwd(&fold)?)
        } else {
            None
        };
        Ok((grad_x, Some(grad_weight), grad_bias))
    }
}

/// The gradient of [`ConvOp`]'s product, from its output and the output's gradient.
pub(super) struct FilterMajor {
    pub(super) dims: (usize, usize, usize),
    pub(super) act: Fused,
}

impl Kernel2 for FilterMajor {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], out: &[T], grad: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(filter_major(grad, out, self.dims, self.act))
    }
}

impl CustomOp2 for FilterMajor {
    fn name(&self) -> &'static str {
        "conv_filter_major"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, f, len) = self.dims;
        let name = "conv_filter_major";
        if l1.shape().elem_count() != n * f * len || l2.shape() != l1.shape() {
            candle_core::bail!("{name}: {:?} and {:?} are not a convolution's output", l1.dims(), l2.dims());
        }
        Ok((on_cpu2(self, self.name(), (s1, l1), (s2, l2))?, Shape::from((f, n * len))))
    }
}

/// Unfolds `(n, c, h, w)` into `(groups, c/groups · kh · kw, n · oh · ow)`: row
/// `(channel, ky, kx)` of a group holds, for every sample and output position,
/// the input value under that kernel tap (zero in the padding).
pub(super) struct Im2Col {
    pub(super) window: Window,
    pub(super) groups: usize,
}

impl Im2Col {
    fn run<T: WithDType>(&self, x: &[T], (n, c, h, w): (usize, usize, usize, usize)) -> candle_core::Result<Vec<T>> {
        let win = self.window;
        let (oh, ow) = win.output(h, w)?;
        let (kh, kw) = win.kernel;
        let (cg, l) = (c / self.groups, oh * ow);
        let mut out = vec![T::from_f64(0.0); self.groups * cg * kh * kw * n * l];
        // One chunk per (group, channel, ky, kx) row and sample.
        out.par_chunks_mut(l).enumerate().for_each(|(i, dst)| {
            let (row, b) = (i / n, i % n);
            let (gc, tap) = (row / (kh * kw), row % (kh * kw));
            let (ky, kx) = (tap / kw, tap % kw);
            let plane = &x[(b * c + gc) * h * w..][..h * w];
            let (lo, hi, first) = win.columns(kx, w, ow);
            for oy in 0..oh {
                let iy = (oy * win.stride.0 + ky * win.dilation.0) as isize - win.padding.0 as isize;
                if iy < 0 || iy >= h as isize || lo >= hi {
                    continue;
                }
                let line = &plane[iy as usize * w..][..w];
                let dst = &mut dst[oy * ow..][..ow];
                let start = (lo as isize * win.stride.1 as isize + first) as usize;
                if win.stride.1 == 1 {
                    dst[lo..hi].copy_from_slice(&line[start..start + hi - lo]);
                } else {
                    for (d, s) in dst[lo..hi].iter_mut().zip(line[start..].iter().step_by(win.stride.1)) {
                        *d = *s;
                    }
                }
            }
        });
        Ok(out)
    }
}

impl Kernel1 for Im2Col {
    fn apply<T: WithDType + Float>(&self, d: &[usize], x: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(x, (d[0], d[1], d[2], d[3]))
    }
}

impl CustomOp1 for Im2Col {
    fn name(&self) -> &'static str {
        "im2col"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, c, h, w) = layout.shape().dims4()?;
        let (oh, ow) = self.window.output(h, w)?;
        let shape =
            Shape::from((self.groups, c / self.groups * self.window.kernel.0 * self.window.kernel.1, n * oh * ow));
        Ok((on_cpu1(self, self.name(), storage, layout)?, shape))
    }
}

/// The adjoint of [`Im2Col`]: adds each unfolded value back onto the input
/// position it was read from.
pub(super) struct Col2Im {
    pub(super) window: Window,
    pub(super) groups: usize,
    pub(super) input: (usize, usize, usize, usize),
}

impl Col2Im {
    pub(super) fn run<T: WithDType>(&self, cols: &[T]) -> candle_core::Result<Vec<T>> {
        let win = self.window;
        let (n, c, h, w) = self.input;
        let (oh, ow) = win.output(h, w)?;
        let (kh, kw) = win.kernel;
        let l = oh * ow;
        let mut out = vec![T::from_f64(0.0); n * c * h * w];
        // One chunk per input plane (sample, channel); channel `ch` is row block `ch` of the
        // unfolded matrix, whatever its group, as the groups are stacked channel-major.
        out.par_chunks_mut(h * w).enumerate().for_each(|(i, plane)| {
            let (b, ch) = (i / c, i % c);
            for tap in 0..kh * kw {
                let (ky, kx) = (tap / kw, tap % kw);
                let src = &cols[((ch * kh * kw + tap) * n + b) * l..][..l];
                let (lo, hi, first) = win.columns(kx, w, ow);
                if lo >= hi {
                    continue;
                }
                for oy in 0..oh {
                    let iy = (oy * win.stride.0 + ky * win.dilation.0) as isize - win.padding.0 as isize;
                    if iy < 0 || iy >= h as isize {
                        continue;
                    }
                    let line = &mut plane[iy as usize * w..][..w];
                    let src = &src[oy * ow + lo..oy * ow + hi];
                    let start = (lo as isize * win.stride.1 as isize + first) as usize;
                    if win.stride.1 == 1 {
                        for (d, s) in line[start..start + hi - lo].iter_mut().zip(src) {
                            *d += *s;
                        }
                    } else {
                        for (d, s) in line[start..].iter_mut().step_by(win.stride.1).zip(src) {
                            *d += *s;
                        }
                    }
                }
            }
        });
        Ok(out)
    }
}

impl Kernel1 for Col2Im {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], cols: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(cols)
    }
}

impl CustomOp1 for Col2Im {
    fn name(&self) -> &'static str {
        "col2im"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, c, h, w) = self.input;
        let (oh, ow) = self.window.output(h, w)?;
        let expected = [self.groups, c / self.groups * self.window.kernel.0 * self.window.kernel.1, n * oh * ow];
        if layout.dims() != expected {
            candle_core::bail!("col2im: expected a gradient of shape {expected:?}, got {:?}", layout.dims());
        }
        Ok((on_cpu1(self, self.name(), storage, layout)?, Shape::from((n, c, h, w))))
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{DType, Device, Tensor};
    use ironlearn_core::Rng;

    use super::*;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        let mut rng = Rng::new(seed);
        let v: Vec<f64> = (0..shape.iter().product::<usize>()).map(|_| rng.normal()).collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    fn conv(axes: usize, channels: usize, filters: usize, window: Window, groups: usize) -> Conv {
        let mut rng = Rng::new(1);
        let mut b = Builder { dtype: DType::F64, device: &Device::Cpu, rng: &mut rng };
        Conv::new(axes, channels, filters, window, groups, true, Activation::Identity, Init::Torch, &mut b).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        assert_eq!(a.dims(), b.dims());
        (a - b).unwrap().abs().unwrap().max_all().unwrap().to_scalar::<f64>().unwrap()
    }

    #[test]
    fn conv2d_by_hand() {
        let x = Tensor::from_vec((1..=9).map(f64::from).collect::<Vec<_>>(), (1, 1, 3, 3), &Device::Cpu).unwrap();
        for (window, want) in [
            (Window::square(2, 1, 0, 1), [37.5, 47.5, 67.5, 77.5]),
            // Windows at -1 and 1: the top-left one sees only x[0][0] under w[1][1].
            (Window::square(2, 2, 1, 1), [4.5, 18.5, 36.5, 77.5]),
        ] {
            let layer = conv(2, 1, 1, window, 1);
            layer.weight.set(&Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], (1, 1, 2, 2), &Device::Cpu).unwrap()).unwrap();
            layer.bias.as_ref().unwrap().set(&Tensor::new(&[0.5], &Device::Cpu).unwrap()).unwrap();
            let y = layer.forward(&x, &mut Mode::eval()).unwrap();
            assert_eq!(y.dims(), [1, 1, 2, 2]);
            assert_eq!(y.flatten_all().unwrap().to_vec1::<f64>().unwrap(), want);
        }
    }

    #[test]
    fn conv2d_matches_candle() {
        // (kernel, stride, padding, dilation, groups), on a non-square input.
        for (k, s, p, d, g) in
            [(3, 1, 0, 1, 1), (3, 1, 1, 1, 1), (3, 2, 1, 1, 1), (2, 3, 2, 2, 2), (3, 2, 0, 2, 4), (1, 1, 0, 1, 2)]
        {
            let x = random(&[3, 4, 8, 7], 2);
            let layer = conv(2, 4, 8, Window::square(k, s, p, d), g);
            let y = layer.forward(&x, &mut Mode::eval()).unwrap();
            let want = x
                .conv2d(&layer.weight, p, s, d, g)
                .unwrap()
                .broadcast_add(&layer.bias.as_ref().unwrap().reshape((1, 8, 1, 1)).unwrap())
                .unwrap();
            assert!(max_diff(&y, &want) < 1e-12, "k {k} s {s} p {p} d {d} g {g}");
        }
    }

    #[test]
    fn kernel_wider_than_the_input() {
        // Kernel 5 with padding 2 on a 2x1 input: most taps fall in the padding.
        let x = random(&[2, 3, 2, 1], 6);
        let layer = conv(2, 3, 2, Window::square(5, 1, 2, 1), 1);
        let y = layer.forward(&x, &mut Mode::eval()).unwrap();
        let want = x
            .conv2d(&layer.weight, 2, 1, 1, 1)
            .unwrap()
            .broadcast_add(&layer.bias.as_ref().unwrap().reshape((1, 2, 1, 1)).unwrap())
            .unwrap();
        assert!(max_diff(&y, &want) < 1e-12);
    }

    #[test]
    fn conv1d_matches_candle() {
        for (k, s, p, d, g) in [(3, 1, 0, 1, 1), (3, 2, 2, 2, 2), (4, 3, 1, 1, 4)] {
            let x = random(&[2, 4, 11], 3);
            let w = Window { kernel: (1, k), stride: (1, s), padding: (0, p), dilation: (1, d) };
            let layer = conv(1, 4, 4, w, g);
            assert_eq!(layer.weight.dims(), [4, 4 / g, k]);
            let y = layer.forward(&x, &mut Mode::eval()).unwrap();
            let want = x
                .conv1d(&layer.weight, p, s, d, g)
                .unwrap()
                .broadcast_add(&layer.bias.as_ref().unwrap().reshape((1, 4, 1)).unwrap())
                .unwrap();
            assert!(max_diff(&y, &want) < 1e-12, "k {k} s {s} p {p} d {d} g {g}");
        }
    }

    #[test]
    fn torch_init_bounds() {
        // fan_in = channels/groups * k * k = 2 * 9: weights and biases within 1/sqrt(18).
        let layer = conv(2, 4, 6, Window::square(3, 1, 0, 1), 2);
        assert_eq!(layer.weight.dims(), [6, 2, 3, 3]);
        let bound = 1.0 / 18f64.sqrt();
        for t in [layer.weight.as_tensor(), layer.bias.as_ref().unwrap().as_tensor()] {
            let v = t.flatten_all().unwrap().to_vec1::<f64>().unwrap();
            assert!(v.iter().all(|x| x.abs() <= bound) && v.iter().any(|x| x.abs() > 0.8 * bound), "{v:?}");
        }
    }
}
