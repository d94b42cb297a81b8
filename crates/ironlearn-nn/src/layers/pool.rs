//! Pooling over the spatial axes of `(n, c, h, w)` batches.
//!
//! candle's max and average pooling have backward passes only when the
//! stride equals the kernel, and the max-pool one spreads a gradient over
//! every tied maximum. Window pooling here is a pair of custom ops per kind:
//! the forward pass, and a backward that routes each output gradient to the
//! first maximum of its window (PyTorch's choice, found again from the saved
//! input and output) or spreads it evenly over the window. Global and adaptive average
//! pooling are means and matrix products, which have candle's own backward.

use candle_core::{CpuStorage, CustomOp1, CustomOp3, DType, Device, Layout, Shape, Tensor, WithDType};
use ironlearn_core::Result;
use num_traits::Float;
use rayon::prelude::*;

use super::conv::Window;
use super::kernel::{on_cpu1, on_cpu3, Kernel1, Kernel3};
use super::{Layer, Mode};
use crate::convert::CandleResult;

/// Maximum or mean of each window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Avg,
}

#[derive(Debug)]
pub struct Pool2d {
    pub kind: PoolKind,
    /// No dilation; padding only for max pooling (where it never wins).
    pub window: Window,
}

impl Layer for Pool2d {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        x.contiguous()?.apply_op1(PoolOp { kind: self.kind, window: self.window })
    }
}

/// For each output row (or column), the input rows `lo..hi` under its window, padding excluded.
fn spans(out: usize, k: usize, s: usize, p: usize, n: usize) -> Vec<(usize, usize)> {
    (0..out)
        .map(|o| {
            let start = (o * s) as isize - p as isize;
            (start.max(0) as usize, ((start + k as isize).max(0) as usize).min(n))
        })
        .collect()
}

/// The windows of a `h x w` plane: row spans and column spans.
struct Windows {
    w: usize,
    rows: Vec<(usize, usize)>,
    cols: Vec<(usize, usize)>,
    /// Per kernel column: the output columns `lo..hi` it falls inside the plane for, and the
    /// input column of output column `lo`.
    taps: Vec<(usize, usize, usize)>,
    stride: usize,
}

impl Windows {
    fn new(win: &Window, (h, w): (usize, usize)) -> candle_core::Result<Windows> {
        let (oh, ow) = win.output(h, w)?;
        let taps = (0..win.kernel.1)
            .map(|kx| {
                let (lo, hi, first) = win.columns(kx, w, ow);
                (lo, hi, (lo as isize * win.stride.1 as isize + first).max(0) as usize)
            })
            .collect();
        Ok(Windows {
            w,
            rows: spans(oh, win.kernel.0, win.stride.0, win.padding.0, h),
            cols: spans(ow, win.kernel.1, win.stride.1, win.padding.1, w),
            taps,
            stride: win.stride.1,
        })
    }

    /// The maximum of each window of output row `oy` into `best`; a NaN wins, as in
    /// PyTorch. The windows are swept together, tap by tap: the comparisons of
    /// neighbouring windows are independent, and there is no branch to mispredict.
    fn row_max<T: WithDType>(&self, plane: &[T], oy: usize, best: &mut [T]) {
        let (y0, y1) = self.rows[oy];
        for (b, &(x0, _)) in best.iter_mut().zip(&self.cols) {
            *b = plane[y0 * self.w + x0];
        }
        for iy in y0..y1 {
            let row = &plane[iy * self.w..][..self.w];
            for &(lo, hi, start) in &self.taps {
                if lo >= hi {
                    continue;
                }
                for (b, &v) in best[lo..hi].iter_mut().zip(row[start..].iter().step_by(self.stride)) {
                    #[allow(clippy::eq_op)]
                    let take = v > *b || v != v;
                    *b = if take { v } else { *b };
                }
            }
        }
    }

    /// The offset in `plane` of the value PyTorch takes as window (`oy`, `ox`)'s
    /// maximum `max`: the first one equal to it, or the last NaN.
    fn argmax<T: WithDType>(&self, plane: &[T], oy: usize, ox: usize, max: T) -> usize {
        let ((y0, y1), (x0, x1)) = (self.rows[oy], self.cols[ox]);
        #[allow(clippy::eq_op)]
        let nan = max != max;
        let mut last_nan = y0 * self.w + x0;
        for iy in y0..y1 {
            let row = &plane[iy * self.w..][..x1];
            for ix in x0..x1 {
                if !nan && row[ix] == max {
                    return iy * self.w + ix;
                }
                #[allow(clippy::eq_op)]
                if row[ix] != row[ix] {
                    last_nan = iy * self.w + ix;
                }
            }
        }
        last_nan
    }

    /// The sum of window (`oy`, `ox`).
    #[inline]
    fn sum<T: WithDType>(&self, plane: &[T], oy: usize, ox: usize) -> T {
        let ((y0, y1), (x0, x1)) = (self.rows[oy], self.cols[ox]);
        let mut sum = T::from_f64(0.0);
        for iy in y0..y1 {
            for &v in &plane[iy * self.w + x0..iy * self.w + x1] {
                sum += v;
            }
        }
        sum
    }
}

/// Pools `(n, c, h, w)` into `(n, c, oh, ow)`.
struct PoolOp {
    kind: PoolKind,
    window: Window,
}

impl PoolOp {
    fn run<T: WithDType>(&self, x: &[T], (h, w): (usize, usize)) -> candle_core::Result<Vec<T>> {
        let windows = Windows::new(&self.window, (h, w))?;
        let (oh, ow) = (windows.rows.len(), windows.cols.len());
        // Average pooling has no padding, so every window is whole.
        let scale = T::from_f64(1.0 / (self.window.kernel.0 * self.window.kernel.1) as f64);
        let mut out = vec![T::from_f64(0.0); x.len() / (h * w) * oh * ow];
        let planes = out.par_chunks_mut(oh * ow).zip(x.par_chunks(h * w)).with_min_len(8);
        planes.for_each(|(dst, plane)| {
            for (oy, dst) in dst.chunks_exact_mut(ow).enumerate() {
                match self.kind {
                    PoolKind::Max => windows.row_max(plane, oy, dst),
                    PoolKind::Avg => {
                        for (ox, d) in dst.iter_mut().enumerate() {
                            *d = windows.sum(plane, oy, ox) * scale;
                        }
                    }
                }
            }
        });
        Ok(out)
    }
}

impl Kernel1 for PoolOp {
    fn apply<T: WithDType + Float>(&self, d: &[usize], x: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(x, (d[2], d[3]))
    }
}

impl CustomOp1 for PoolOp {
    fn name(&self) -> &'static str {
        match self.kind {
            PoolKind::Max => "max_pool2d",
            PoolKind::Avg => "avg_pool2d",
        }
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, c, h, w) = layout.shape().dims4()?;
        let (oh, ow) = self.window.output(h, w)?;
        Ok((on_cpu1(self, self.name(), storage, layout)?, Shape::from((n, c, oh, ow))))
    }

    fn bwd(&self, arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let op = PoolGrad { kind: self.kind, window: self.window };
        Ok(Some(arg.contiguous()?.apply_op3_no_bwd(&res.contiguous()?, &grad_res.contiguous()?, &op)?))
    }
}

/// The gradient of [`PoolOp`] with respect to its input, from the input, the
/// output (the maxima, whose places are found again) and the output's gradient.
struct PoolGrad {
    kind: PoolKind,
    window: Window,
}

impl PoolGrad {
    fn run<T: WithDType>(&self, x: &[T], out: &[T], grad: &[T], (h, w): (usize, usize)) -> candle_core::Result<Vec<T>> {
        let windows = Windows::new(&self.window, (h, w))?;
        let (oh, ow) = (windows.rows.len(), windows.cols.len());
        let scale = T::from_f64(1.0 / (self.window.kernel.0 * self.window.kernel.1) as f64);
        let mut res = vec![T::from_f64(0.0); x.len()];
        let planes = res.par_chunks_mut(h * w).zip(x.par_chunks(h * w)).zip(out.par_chunks(oh * ow));
        planes.zip(grad.par_chunks(oh * ow)).with_min_len(8).for_each(|(((dst, plane), out), g)| {
            for oy in 0..oh {
                let (out, g) = (&out[oy * ow..][..ow], &g[oy * ow..][..ow]);
                match self.kind {
                    PoolKind::Max => {
                        for (ox, (&max, &gv)) in out.iter().zip(g).enumerate() {
                            dst[windows.argmax(plane, oy, ox, max)] += gv;
                        }
                    }
                    PoolKind::Avg => {
                        let (y0, y1) = windows.rows[oy];
                        for (&gv, &(x0, x1)) in g.iter().zip(&windows.cols) {
                            let share = gv * scale;
                            for iy in y0..y1 {
                                for d in &mut dst[iy * w + x0..iy * w + x1] {
                                    *d += share;
                                }
                            }
                        }
                    }
                }
            }
        });
        Ok(res)
    }
}

impl Kernel3 for PoolGrad {
    fn apply<T: WithDType + Float>(&self, d: &[usize], x: &[T], out: &[T], g: &[T]) -> candle_core::Result<Vec<T>> {
        self.run(x, out, g, (d[2], d[3]))
    }
}

impl CustomOp3 for PoolGrad {
    fn name(&self) -> &'static str {
        "pool2d_grad"
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
        if l2.dims() != [n, c, oh, ow] || l3.dims() != [n, c, oh, ow] {
            candle_core::bail!(
                "pool2d_grad: expected an output and gradient of shape {:?}, got {:?} and {:?}",
                [n, c, oh, ow],
                l2.dims(),
                l3.dims()
            );
        }
        Ok((on_cpu3(self, self.name(), (s1, l1), (s2, l2), (s3, l3))?, l1.shape().clone()))
    }
}

/// The mean over every axis after the channels.
#[derive(Debug)]
pub struct GlobalAvgPool;

impl Layer for GlobalAvgPool {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        x.flatten_from(2)?.mean(2)
    }
}

/// Adaptive average pooling as two products with fixed averaging matrices,
/// one per axis: a bin is a rectangle, so its mean is the mean over its
/// columns of the means over its rows.
#[derive(Debug)]
pub struct AdaptiveAvgPool2d {
    /// `(out, h)`: row `i` averages input rows `start..end` of bin `i`.
    rows: Tensor,
    /// `(w, out)`: column `j` averages input columns of bin `j`.
    cols_t: Tensor,
}

impl AdaptiveAvgPool2d {
    pub fn new(h: usize, w: usize, out: usize, dtype: DType, device: &Device) -> Result<AdaptiveAvgPool2d> {
        let rows = bins(h, out);
        let cols = bins(w, out);
        let rows = Tensor::from_vec(rows, (out, h), device).nn()?.to_dtype(dtype).nn()?;
        let cols_t =
            Tensor::from_vec(cols, (out, w), device).nn()?.t().nn()?.contiguous().nn()?.to_dtype(dtype).nn()?;
        Ok(AdaptiveAvgPool2d { rows, cols_t })
    }
}

/// The `(out, n)` averaging matrix of PyTorch's adaptive bins: bin `i` covers
/// `floor(i n / out) .. ceil((i + 1) n / out)`.
fn bins(n: usize, out: usize) -> Vec<f64> {
    let mut m = vec![0.0; out * n];
    for i in 0..out {
        let start = i * n / out;
        let end = ((i + 1) * n).div_ceil(out);
        for j in start..end {
            m[i * n + j] = 1.0 / (end - start) as f64;
        }
    }
    m
}

impl Layer for AdaptiveAvgPool2d {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let (n, c, h, w) = x.dims4()?;
        let (out_h, out_w) = (self.rows.dim(0)?, self.cols_t.dim(1)?);
        // Columns first: (n c h, w) (w, ow) -> (n c, h, ow); then rows on the transpose.
        let by_cols = x.reshape((n * c * h, w))?.matmul(&self.cols_t)?.reshape((n * c, h, out_w))?;
        let by_rows = by_cols.transpose(1, 2)?.reshape((n * c * out_w, h))?.matmul(&self.rows.t()?)?;
        by_rows.reshape((n, c, out_w, out_h))?.transpose(2, 3)?.contiguous()
    }
}

#[cfg(test)]
mod tests {
    use candle_core::Var;
    use ironlearn_core::Rng;

    use super::*;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        let mut rng = Rng::new(seed);
        let v: Vec<f64> = (0..shape.iter().product::<usize>()).map(|_| rng.normal()).collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    fn values(t: &Tensor) -> Vec<f64> {
        t.flatten_all().unwrap().to_vec1::<f64>().unwrap()
    }

    #[test]
    fn max_pool_by_hand_with_padding_and_ties() {
        #[rustfmt::skip]
        let x = Var::from_vec(vec![
            1.0, 5.0, 2.0, 0.0,
            3.0, 5.0, 9.0, 1.0,
            4.0, 2.0, 8.0, 8.0,
            0.0, 7.0, 6.0, 3.0,
        ], (1, 1, 4, 4), &Device::Cpu).unwrap();
        let pool = Pool2d { kind: PoolKind::Max, window: Window::square(3, 2, 1, 1) };
        let y = pool.forward(&x, &mut Mode::eval()).unwrap();
        assert_eq!(values(&y), [5.0, 9.0, 7.0, 9.0]);
        // The tied 5s: the first (row 0) takes the gradient; the 9 is in two windows.
        let g = y.sum_all().unwrap().backward().unwrap();
        #[rustfmt::skip]
        let want = [
            0.0, 1.0, 0.0, 0.0,
            0.0, 0.0, 2.0, 0.0,
            0.0, 0.0, 0.0, 0.0,
            0.0, 1.0, 0.0, 0.0,
        ];
        assert_eq!(values(g.get(&x).unwrap()), want);
        // Overlapping windows (kernel 2, stride 1) with the 8s tied: the left one wins.
        let pool = Pool2d { kind: PoolKind::Max, window: Window::square(2, 1, 0, 1) };
        let y = pool.forward(&x, &mut Mode::eval()).unwrap();
        assert_eq!(values(&y), [5.0, 9.0, 9.0, 5.0, 9.0, 9.0, 7.0, 8.0, 8.0]);
        let g = y.sum_all().unwrap().backward().unwrap();
        assert_eq!(values(g.get(&x).unwrap()), [0., 1., 0., 0., 0., 1., 4., 0., 0., 0., 2., 0., 0., 1., 0., 0.]);
    }

    #[test]
    fn nan_wins_as_in_pytorch() {
        // PyTorch takes a NaN over anything, and the last NaN of a window for the gradient.
        let x = Var::from_vec(vec![1.0, f64::NAN, f64::NAN, 0.0, 2.0, f64::NAN, 3.0, -1.0], (1, 1, 2, 4), &Device::Cpu)
            .unwrap();
        let pool = Pool2d { kind: PoolKind::Max, window: Window::square(2, 2, 0, 1) };
        let y = pool.forward(&x, &mut Mode::eval()).unwrap();
        let v = values(&y);
        assert!(v[0].is_nan() && v[1].is_nan(), "{v:?}");
        let g = y.sum_all().unwrap().backward().unwrap();
        assert_eq!(values(g.get(&x).unwrap()), [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn padding_wider_than_the_plane() {
        // Kernel 5, padding 2 on a 2x1 plane: both windows hold the whole plane, and
        // the rightmost taps fall outside it.
        let x = Var::from_vec(vec![-1.0, 2.0], (1, 1, 2, 1), &Device::Cpu).unwrap();
        let pool = Pool2d { kind: PoolKind::Max, window: Window::square(5, 1, 2, 1) };
        let y = pool.forward(&x, &mut Mode::eval()).unwrap();
        assert_eq!(y.dims(), [1, 1, 2, 1]);
        assert_eq!(values(&y), [2.0, 2.0]);
        let g = y.sum_all().unwrap().backward().unwrap();
        assert_eq!(values(g.get(&x).unwrap()), [0.0, 2.0]);
    }

    #[test]
    fn window_pools_match_candle_forward() {
        let x = random(&[2, 3, 7, 6], 4);
        for (k, s) in [(2, 2), (3, 2), (2, 1), (3, 3)] {
            let max = Pool2d { kind: PoolKind::Max, window: Window::square(k, s, 0, 1) };
            let want = x.max_pool2d_with_stride(k, s).unwrap();
            assert_eq!(values(&max.forward(&x, &mut Mode::eval()).unwrap()), values(&want), "max k {k} s {s}");
            let avg = Pool2d { kind: PoolKind::Avg, window: Window::square(k, s, 0, 1) };
            let want = values(&x.avg_pool2d_with_stride(k, s).unwrap());
            let got = values(&avg.forward(&x, &mut Mode::eval()).unwrap());
            assert!(got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-12), "avg k {k} s {s}");
        }
    }

    #[test]
    fn adaptive_bins_as_pytorch() {
        // 5 into 2: rows 0..3 and 2..5 (overlapping); 3 into 4: 0..1, 0..2, 1..3, 2..3.
        assert_eq!(bins(5, 2), [1. / 3., 1. / 3., 1. / 3., 0., 0., 0., 0., 1. / 3., 1. / 3., 1. / 3.]);
        assert_eq!(bins(3, 4), [1., 0., 0., 0.5, 0.5, 0., 0., 0.5, 0.5, 0., 0., 1.]);
        let x = random(&[2, 3, 5, 7], 5);
        let pool = AdaptiveAvgPool2d::new(5, 7, 3, DType::F64, &Device::Cpu).unwrap();
        let y = pool.forward(&x, &mut Mode::eval()).unwrap();
        assert_eq!(y.dims(), [2, 3, 3, 3]);
        let (xv, yv) = (values(&x), values(&y));
        let edges = |i: usize, n: usize| (i * n / 3, ((i + 1) * n).div_ceil(3));
        for p in 0..6 {
            for i in 0..3 {
                for j in 0..3 {
                    let ((r0, r1), (c0, c1)) = (edges(i, 5), edges(j, 7));
                    let mut sum = 0.0;
                    for r in r0..r1 {
                        for c in c0..c1 {
                            sum += xv[p * 35 + r * 7 + c];
                        }
                    }
                    let want = sum / ((r1 - r0) * (c1 - c0)) as f64;
                    assert!((yv[p * 9 + i * 3 + j] - want).abs() < 1e-12);
                }
            }
        }
        let g = GlobalAvgPool.forward(&x, &mut Mode::eval()).unwrap();
        assert_eq!(g.dims(), [2, 3]);
        assert!((values(&g)[4] - xv[4 * 35..5 * 35].iter().sum::<f64>() / 35.0).abs() < 1e-12);
    }
}
