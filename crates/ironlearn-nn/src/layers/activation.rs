//! Activations. Most are candle's unary ops, which have backward passes;
//! the logistic function is a custom op so its gradient reads the output
//! (`s (1 - s)`) instead of recomputing through four ops, and softmax is
//! composed (candle-nn's fused softmax has no backward).

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, Layout, Shape, Tensor, D};

use super::{Layer, Mode};
use crate::spec::Activation;

/// Applies `a` to `x`.
pub fn activate(x: &Tensor, a: Activation) -> candle_core::Result<Tensor> {
    match a {
        Activation::Identity => Ok(x.clone()),
        Activation::Relu => x.relu(),
        Activation::LeakyRelu => x.maximum(&x.affine(0.01, 0.0)?),
        Activation::Gelu => x.gelu_erf(),
        Activation::GeluTanh => x.gelu(),
        Activation::Silu => x.silu(),
        Activation::Sigmoid => sigmoid(x),
        Activation::Tanh => x.tanh(),
        Activation::Softmax => {
            let max = x.max_keepdim(D::Minus1)?.detach();
            let e = x.broadcast_sub(&max)?.exp()?;
            e.broadcast_div(&e.sum_keepdim(D::Minus1)?)
        }
    }
}

/// The logistic function, `1 / (1 + exp(-x))`.
pub fn sigmoid(x: &Tensor) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op1(Sigmoid)
}

struct Sigmoid;

fn logistic<T: num_like::Float>(v: T) -> T {
    T::ONE / (T::ONE + (-v).exp())
}

mod num_like {
    pub trait Float:
        Copy + std::ops::Neg<Output = Self> + std::ops::Add<Output = Self> + std::ops::Div<Output = Self>
    {
        const ONE: Self;
        fn exp(self) -> Self;
    }
    impl Float for f32 {
        const ONE: f32 = 1.0;
        fn exp(self) -> f32 {
            f32::exp(self)
        }
    }
    impl Float for f64 {
        const ONE: f64 = 1.0;
        fn exp(self) -> f64 {
            f64::exp(self)
        }
    }
}

fn map<T: Copy, U>(data: &[T], layout: &Layout, f: impl Fn(T) -> U) -> candle_core::Result<Vec<U>> {
    match layout.contiguous_offsets() {
        Some((a, b)) => Ok(data[a..b].iter().map(|&v| f(v)).collect()),
        None => candle_core::bail!("sigmoid: the input must be contiguous"),
    }
}

impl CustomOp1 for Sigmoid {
    fn name(&self) -> &'static str {
        "sigmoid"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let out = match storage {
            CpuStorage::F32(v) => CpuStorage::F32(map(v, layout, logistic)?),
            CpuStorage::F64(v) => CpuStorage::F64(map(v, layout, logistic)?),
            other => candle_core::bail!("sigmoid: unsupported dtype {:?}", other.dtype()),
        };
        Ok((out, layout.shape().clone()))
    }

    fn bwd(&self, _arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> candle_core::Result<Option<Tensor>> {
        // d sigmoid = s (1 - s)
        let ds = (res * (res.ones_like()? - res)?)?;
        Ok(Some((grad_res * ds)?))
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
