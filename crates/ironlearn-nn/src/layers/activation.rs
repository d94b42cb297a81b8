//! Activations. The smooth ones are one custom op each way: the forward
//! pass maps every value once, and the backward pass multiplies the
//! gradient by the exact derivative, read from the input and the output, in
//! one more pass. candle's own backward passes chain four to seven ops, and
//! its GELU derivative rounds 1/sqrt(2 pi) to six digits (a relative error
//! near 1e-6 that PyTorch parity in float64 shows). Softmax is composed
//! (candle-nn's fused softmax has no backward). Float32 GELUs use a
//! float32 erfc (within 4e-7) rather than f64's `erf`.

use candle_core::{CpuStorage, CustomOp1, CustomOp3, DType, Layout, Shape, Tensor, WithDType, D};
use num_traits::Float;
use rayon::prelude::*;

use super::kernel::{on_cpu1, on_cpu3, Kernel1, Kernel3};
use super::{Layer, Mode};
use crate::spec::Activation;

/// Applies `a` to `x`.
pub fn activate(x: &Tensor, a: Activation) -> candle_core::Result<Tensor> {
    match a {
        Activation::Identity => Ok(x.clone()),
        Activation::Relu => x.relu(),
        Activation::LeakyRelu => x.maximum(&x.affine(0.01, 0.0)?),
        Activation::Gelu | Activation::GeluTanh | Activation::Silu | Activation::Sigmoid | Activation::Tanh => {
            x.contiguous()?.apply_op1(Pointwise(a))
        }
        Activation::Softmax => {
            let max = x.max_keepdim(D::Minus1)?.detach();
            let e = x.broadcast_sub(&max)?.exp()?;
            e.broadcast_div(&e.sum_keepdim(D::Minus1)?)
        }
    }
}

/// The logistic function, `1 / (1 + exp(-x))`.
pub fn sigmoid(x: &Tensor) -> candle_core::Result<Tensor> {
    activate(x, Activation::Sigmoid)
}

pub(crate) fn logistic<T: Float>(v: T) -> T {
    T::one() / (T::one() + (-v).exp())
}

const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The standard normal's distribution function and density at `x`, in f32:
/// Abramowitz and Stegun's 7.1.26 for erfc (absolute error below 1.5e-7;
/// with float32 rounding, 4e-7), sharing one `exp` with the density. Float32
/// GELUs run through this; float64 ones through the exact `erf`.
fn normal_cdf_pdf_f32(x: f32) -> (f32, f32) {
    let a = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t * (0.254_829_6 + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152 + t * 1.061_405_4))));
    let e = (-a * a).exp();
    let tail = 0.5 * poly * e;
    let cdf = if x < 0.0 { tail } else { 1.0 - tail };
    (cdf, e * INV_SQRT_2PI as f32)
}

/// One of the smooth activations, applied value by value.
struct Pointwise(Activation);

impl Pointwise {
    fn value(&self, x: f64) -> f64 {
        match self.0 {
            Activation::Gelu => 0.5 * x * (1.0 + candle_core::cpu::erf::erf_f64(x / std::f64::consts::SQRT_2)),
            Activation::GeluTanh => 0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)).tanh()),
            Activation::Silu => x * logistic(x),
            Activation::Sigmoid => logistic(x),
            Activation::Tanh => x.tanh(),
            other => unreachable!("{other:?} is not pointwise"),
        }
    }

    /// The derivative at `x`, whose value is `y`.
    fn slope(&self, x: f64, y: f64) -> f64 {
        match self.0 {
            Activation::Gelu => {
                let cdf = 0.5 * (1.0 + candle_core::cpu::erf::erf_f64(x / std::f64::consts::SQRT_2));
                cdf + x * INV_SQRT_2PI * (-0.5 * x * x).exp()
            }
            Activation::GeluTanh => {
                let t = (SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)).tanh();
                0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * 0.044715 * x * x)
            }
            Activation::Silu => {
                let s = logistic(x);
                s * (1.0 + x * (1.0 - s))
            }
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
            other => unreachable!("{other:?} is not pointwise"),
        }
    }

    /// The values in `T`; sigmoid, tanh and SiLU in `T` itself, the exact GELU of
    /// float64 through f64's `erf`.
    fn forward<T: WithDType + Float>(&self, x: &[T]) -> Vec<T> {
        let mut out = vec![T::zero(); x.len()];
        let chunks = out.par_chunks_mut(4096).zip(x.par_chunks(4096));
        let f32_gelu = T::DTYPE == DType::F32 && self.0 == Activation::Gelu;
        chunks.for_each(|(dst, src)| match self.0 {
            Activation::Gelu if f32_gelu => dst.iter_mut().zip(src).for_each(|(d, &v)| {
                let v = v.to_f64() as f32;
                *d = T::from_f64(f64::from(v * normal_cdf_pdf_f32(v).0));
            }),
            Activation::Sigmoid => dst.iter_mut().zip(src).for_each(|(d, &v)| *d = logistic(v)),
            Activation::Tanh => dst.iter_mut().zip(src).for_each(|(d, &v)| *d = v.tanh()),
            Activation::Silu => dst.iter_mut().zip(src).for_each(|(d, &v)| *d = v * logistic(v)),
            _ => dst.iter_mut().zip(src).for_each(|(d, &v)| *d = T::from_f64(self.value(v.to_f64()))),
        });
        out
    }

    fn backward<T: WithDType + Float>(&self, x: &[T], y: &[T], g: &[T]) -> Vec<T> {
        let mut out = vec![T::zero(); x.len()];
        let chunks = out.par_chunks_mut(4096).zip(x.par_chunks(4096)).zip(y.par_chunks(4096)).zip(g.par_chunks(4096));
        chunks.for_each(|(((dst, x), y), g)| {
            let one = T::one();
            let it = dst.iter_mut().zip(x).zip(y).zip(g);
            match self.0 {
                Activation::Gelu if T::DTYPE == DType::F32 => it.for_each(|(((d, &x), _), &g)| {
                    let v = x.to_f64() as f32;
                    let (cdf, pdf) = normal_cdf_pdf_f32(v);
                    *d = g * T::from_f64(f64::from(cdf + v * pdf));
                }),
                Activation::Sigmoid => it.for_each(|(((d, _), &y), &g)| *d = g * y * (one - y)),
                Activation::Tanh => it.for_each(|(((d, _), &y), &g)| *d = g * (one - y * y)),
                _ => it.for_each(|(((d, &x), &y), &g)| *d = g * T::from_f64(self.slope(x.to_f64(), y.to_f64()))),
            }
        });
        out
    }
}

impl CustomOp1 for Pointwise {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        Ok((on_cpu1(self, self.name(), storage, layout)?, layout.shape().clone()))
    }

    fn bwd(&self, arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let back = PointwiseGrad(Pointwise(self.0));
        Ok(Some(arg.contiguous()?.apply_op3_no_bwd(&res.contiguous()?, &grad_res.contiguous()?, &back)?))
    }
}

impl Kernel1 for Pointwise {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], x: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(self.forward(x))
    }
}

/// `grad * f'(x)` from the input, the output and the output's gradient.
struct PointwiseGrad(Pointwise);

impl Kernel3 for PointwiseGrad {
    fn apply<T: WithDType + Float>(&self, _dims: &[usize], x: &[T], y: &[T], g: &[T]) -> candle_core::Result<Vec<T>> {
        Ok(self.0.backward(x, y, g))
    }
}

impl CustomOp3 for PointwiseGrad {
    fn name(&self) -> &'static str {
        "activation_grad"
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
        if l1.dims() != l2.dims() || l1.dims() != l3.dims() {
            candle_core::bail!("{name}: shapes {:?}, {:?} and {:?} differ", l1.dims(), l2.dims(), l3.dims());
        }
        Ok((on_cpu3(self, name, (s1, l1), (s2, l2), (s3, l3))?, l1.shape().clone()))
    }
}

/// An activation used as a layer of its own.
#[derive(Debug)]
pub(super) struct ActivationLayer(pub Activation);

impl Layer for ActivationLayer {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        activate(x, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_normal_cdf_and_pdf_within_rounding() {
        for i in -800..=800 {
            let x = f64::from(i) / 100.0;
            let (cdf, pdf) = normal_cdf_pdf_f32(x as f32);
            let exact = 0.5 * (1.0 + candle_core::cpu::erf::erf_f64(x / std::f64::consts::SQRT_2));
            assert!((f64::from(cdf) - exact).abs() < 4e-7, "cdf({x}): {cdf} vs {exact}");
            assert!((f64::from(pdf) - INV_SQRT_2PI * (-0.5 * x * x).exp()).abs() < 1e-7, "pdf({x})");
        }
    }
}
