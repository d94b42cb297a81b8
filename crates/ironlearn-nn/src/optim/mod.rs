//! Optimizers, as PyTorch defines them, updating parameters in place.
//!
//! Each update is one fused pass over a parameter and its gradient (an
//! in-place custom op), with the optimizer's state (momentum, moments) in
//! f64 beside it: no temporaries per parameter and step, where composing
//! tensor ops costs about a dozen. Gradient clipping happens inside the same
//! pass. Weight decay applies to the parameters a layer marks for it
//! (weights and embeddings, not biases or normalisation scales).

mod adagrad;
mod adam;
mod rmsprop;
mod sgd;

use std::sync::Mutex;

use candle_core::backend::BackendStorage;
use candle_core::backprop::GradStore;
use candle_core::{CpuStorage, InplaceOp2, Layout, Tensor};
use ironlearn_core::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::convert::CandleResult;
use crate::layers::Param;

/// Which optimizer, with its settings (the learning rate comes from the schedule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerSpec {
    Sgd {
        #[serde(default)]
        momentum: f64,
        #[serde(default)]
        nesterov: bool,
        #[serde(default)]
        weight_decay: f64,
    },
    Adam {
        #[serde(default = "beta1")]
        beta1: f64,
        #[serde(default = "beta2")]
        beta2: f64,
        #[serde(default = "eps8")]
        eps: f64,
        #[serde(default)]
        weight_decay: f64,
    },
    /// Adam with decoupled weight decay (Loshchilov & Hutter).
    #[serde(rename = "adamw")]
    AdamW {
        #[serde(default = "beta1")]
        beta1: f64,
        #[serde(default = "beta2")]
        beta2: f64,
        #[serde(default = "eps8")]
        eps: f64,
        #[serde(default = "adamw_decay")]
        weight_decay: f64,
    },
    #[serde(rename = "rmsprop")]
    RmsProp {
        #[serde(default = "rms_alpha")]
        alpha: f64,
        #[serde(default = "eps8")]
        eps: f64,
        #[serde(default)]
        momentum: f64,
        #[serde(default)]
        weight_decay: f64,
    },
    Adagrad {
        #[serde(default = "eps10")]
        eps: f64,
        #[serde(default)]
        weight_decay: f64,
        #[serde(default)]
        initial_accumulator: f64,
    },
}

fn beta1() -> f64 {
    0.9
}
fn beta2() -> f64 {
    0.999
}
fn eps8() -> f64 {
    1e-8
}
fn eps10() -> f64 {
    1e-10
}
fn adamw_decay() -> f64 {
    0.01
}
fn rms_alpha() -> f64 {
    0.99
}

impl Default for OptimizerSpec {
    fn default() -> Self {
        OptimizerSpec::Adam { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }
    }
}

impl OptimizerSpec {
    /// Checks the settings' ranges.
    pub fn check(&self) -> Result<()> {
        let unit = |name: &str, v: f64| -> Result<()> {
            if !(0.0..1.0).contains(&v) {
                bail!(InvalidValue, "optimizer: {name} must be in [0, 1), got {v}");
            }
            Ok(())
        };
        let nonneg = |name: &str, v: f64| -> Result<()> {
            if !(v >= 0.0 && v.is_finite()) {
                bail!(InvalidValue, "optimizer: {name} must be a non-negative number, got {v}");
            }
            Ok(())
        };
        match *self {
            OptimizerSpec::Sgd { momentum, nesterov, weight_decay } => {
                unit("momentum", momentum)?;
                nonneg("weight_decay", weight_decay)?;
                if nesterov && momentum == 0.0 {
                    bail!(InvalidValue, "optimizer: nesterov momentum needs momentum > 0");
                }
            }
            OptimizerSpec::Adam { beta1, beta2, eps, weight_decay }
            | OptimizerSpec::AdamW { beta1, beta2, eps, weight_decay } => {
                unit("beta1", beta1)?;
                unit("beta2", beta2)?;
                nonneg("eps", eps)?;
                nonneg("weight_decay", weight_decay)?;
            }
            OptimizerSpec::RmsProp { alpha, eps, momentum, weight_decay } => {
                unit("alpha", alpha)?;
                unit("momentum", momentum)?;
                nonneg("eps", eps)?;
                nonneg("weight_decay", weight_decay)?;
            }
            OptimizerSpec::Adagrad { eps, weight_decay, initial_accumulator } => {
                nonneg("eps", eps)?;
                nonneg("weight_decay", weight_decay)?;
                nonneg("initial_accumulator", initial_accumulator)?;
            }
        }
        Ok(())
    }
}

/// Per-parameter state: up to two running quantities per value.
#[derive(Debug, Clone)]
pub(crate) struct Slots {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
}

/// What every value's update in one step shares.
pub(crate) struct Step {
    pub lr: f64,
    /// The step count, from 1.
    pub t: u64,
    /// Whether weight decay applies to this parameter.
    pub decay: bool,
}

/// One optimizer's update of a value, with its settings and the step's
/// constants worked out once per parameter; monomorphised into the update
/// loop, so the loop has no call per value.
pub(crate) trait Rule {
    /// The new value of `w` from its gradient `g`, with the value's two state slots `a` and `b`.
    fn update(&self, s: &Step, a: &mut f64, b: &mut f64, w: f64, g: f64) -> f64;
}

/// An optimizer and its state for one network's parameters.
#[derive(Debug)]
pub struct Optimizer {
    spec: OptimizerSpec,
    slots: Vec<Slots>,
    t: u64,
}

/// Gradient clipping applied in the update pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clip {
    /// Rescale all gradients together so their global L2 norm is at most this.
    pub norm: Option<f64>,
    /// Clamp each gradient value into `[-value, value]`.
    pub value: Option<f64>,
}

impl Optimizer {
    pub fn new(spec: &OptimizerSpec, params: &[Param]) -> Result<Optimizer> {
        spec.check()?;
        let init = match spec {
            OptimizerSpec::Adagrad { initial_accumulator, .. } => *initial_accumulator,
            _ => 0.0,
        };
        let slots = params
            .iter()
            .map(|p| {
                let n = p.var.elem_count();
                Slots { a: vec![init; n], b: vec![0.0; n] }
            })
            .collect();
        Ok(Optimizer { spec: spec.clone(), slots, t: 0 })
    }

    /// The number of steps taken.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// One update of every parameter from its gradient in `grads`, at learning rate `lr`.
    /// A parameter without a gradient (nothing it feeds reached the loss) is left alone.
    pub fn step(&mut self, params: &[Param], grads: &GradStore, lr: f64, clip: Clip) -> Result<()> {
        assert_eq!(params.len(), self.slots.len(), "an optimizer serves the parameters it was made for");
        self.t += 1;
        let scale = match clip.norm {
            Some(max) => {
                let mut sq = 0.0;
                for p in params {
                    if let Some(g) = grads.get(&p.var) {
                        let s = g.sqr().nn()?.sum_all().nn()?.to_dtype(candle_core::DType::F64).nn()?;
                        sq += s.to_scalar::<f64>().nn()?;
                    }
                }
                let norm = sq.sqrt();
                if norm > max {
                    max / (norm + 1e-6)
                } else {
                    1.0
                }
            }
            None => 1.0,
        };
        let clamp = Clamp { scale, limit: clip.value.unwrap_or(f64::INFINITY) };
        let t = self.t;
        for (p, slots) in params.iter().zip(&mut self.slots) {
            let Some(g) = grads.get(&p.var) else { continue };
            let g = g.contiguous().nn()?;
            let step = Step { lr, t, decay: p.decay };
            let var = p.var.as_tensor();
            match self.spec {
                OptimizerSpec::Sgd { momentum, nesterov, weight_decay } => {
                    apply(var, &g, sgd::Sgd { momentum, nesterov, weight_decay }, step, clamp, slots)
                }
                OptimizerSpec::Adam { beta1, beta2, eps, weight_decay } => {
                    apply(var, &g, adam::Adam::new(beta1, beta2, eps, weight_decay, false, t), step, clamp, slots)
                }
                OptimizerSpec::AdamW { beta1, beta2, eps, weight_decay } => {
                    apply(var, &g, adam::Adam::new(beta1, beta2, eps, weight_decay, true, t), step, clamp, slots)
                }
                OptimizerSpec::RmsProp { alpha, eps, momentum, weight_decay } => {
                    apply(var, &g, rmsprop::RmsProp { alpha, eps, momentum, weight_decay }, step, clamp, slots)
                }
                OptimizerSpec::Adagrad { eps, weight_decay, .. } => {
                    apply(var, &g, adagrad::Adagrad { eps, weight_decay }, step, clamp, slots)
                }
            }?;
        }
        Ok(())
    }
}

/// Gradient scaling (clipping by norm) and clamping (by value).
#[derive(Clone, Copy)]
struct Clamp {
    scale: f64,
    limit: f64,
}

fn apply<R: Rule>(var: &Tensor, g: &Tensor, rule: R, step: Step, clamp: Clamp, slots: &mut Slots) -> Result<()> {
    var.inplace_op2(g, &Elementwise { rule, step, clamp, slots: Mutex::new(slots) }).nn()
}

/// `param[i] = rule(param[i], grad[i])` in one pass, for f32 and f64 tensors.
struct Elementwise<'a, R> {
    rule: R,
    step: Step,
    clamp: Clamp,
    slots: Mutex<&'a mut Slots>,
}

impl<R: Rule> Elementwise<'_, R> {
    /// The update loop, over the value, gradient and both state slots together (no bounds
    /// checks), compiled for the best vector instructions this CPU has (`pulp` picks them at
    /// run time).
    fn run<T: Copy>(&self, w: &mut [T], g: &[T], slots: &mut Slots, to: fn(T) -> f64, from: fn(f64) -> T) {
        let Clamp { scale, limit } = self.clamp;
        pulp::Arch::new().dispatch(
            #[inline(always)]
            || {
                let state = slots.a.iter_mut().zip(slots.b.iter_mut());
                for ((w, g), (a, b)) in w.iter_mut().zip(g).zip(state) {
                    let g = (to(*g) * scale).clamp(-limit, limit);
                    *w = from(self.rule.update(&self.step, a, b, to(*w), g));
                }
            },
        )
    }
}

impl<R: Rule> InplaceOp2 for Elementwise<'_, R> {
    fn name(&self) -> &'static str {
        "optimizer-step"
    }

    fn cpu_fwd(&self, s1: &mut CpuStorage, l1: &Layout, s2: &CpuStorage, l2: &Layout) -> candle_core::Result<()> {
        let (Some((a0, a1)), Some((b0, b1))) = (l1.contiguous_offsets(), l2.contiguous_offsets()) else {
            candle_core::bail!("optimizer step: parameters and gradients must be contiguous");
        };
        let mut guard = self.slots.lock().expect("an update does not panic");
        let slots: &mut Slots = &mut guard;
        match (s1, s2) {
            (CpuStorage::F32(w), CpuStorage::F32(g)) => {
                self.run(&mut w[a0..a1], &g[b0..b1], slots, f64::from, |v| v as f32)
            }
            (CpuStorage::F64(w), CpuStorage::F64(g)) => self.run(&mut w[a0..a1], &g[b0..b1], slots, |v| v, |v| v),
            (w, g) => candle_core::bail!("optimizer step: a {:?} parameter with a {:?} gradient", w.dtype(), g.dtype()),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
