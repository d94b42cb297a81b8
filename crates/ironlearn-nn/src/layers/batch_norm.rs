//! Batch normalisation per feature of samples `[features]`, or per channel
//! of samples `[channels, ...]` (over the batch and every position), as
//! PyTorch's `BatchNorm1d` and `BatchNorm2d`. Training normalises with the
//! batch's mean and biased variance and moves the running statistics
//! towards the batch's mean and unbiased variance; inference uses the
//! running statistics.

use candle_core::{Tensor, Var};
use ironlearn_core::Result;

use super::{Builder, Layer, Mode, Param};
use crate::init::var_from;

#[derive(Debug)]
pub struct BatchNorm {
    pub weight: Var,
    pub bias: Var,
    pub running_mean: Var,
    pub running_var: Var,
    pub eps: f64,
    pub momentum: f64,
}

impl BatchNorm {
    pub fn new(dim: usize, eps: f64, momentum: f64, b: &mut Builder<'_>) -> Result<BatchNorm> {
        let v = |x: f64| var_from(vec![x; dim], &[dim], b.dtype, b.device);
        Ok(BatchNorm { weight: v(1.0)?, bias: v(0.0)?, running_mean: v(0.0)?, running_var: v(1.0)?, eps, momentum })
    }
}

impl Layer for BatchNorm {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        let channels = self.weight.dim(0)?;
        // Statistics over every axis but the channel axis (1), kept for broadcasting.
        let axes: Vec<usize> = (0..x.rank()).filter(|&a| a != 1).collect();
        let per_channel: Vec<usize> = (0..x.rank()).map(|a| if a == 1 { channels } else { 1 }).collect();
        let (mean, var) = if mode.train {
            let n = x.elem_count() / channels;
            if n < 2 {
                candle_core::bail!("batch_norm needs at least 2 values per channel in a training batch, got {n}");
            }
            let mean = x.mean_keepdim(axes.as_slice())?;
            let centred = x.broadcast_sub(&mean)?;
            let var = centred.sqr()?.mean_keepdim(axes.as_slice())?;
            let m = self.momentum;
            let unbiased = (var.detach() * (n as f64 / (n as f64 - 1.0)))?.flatten_all()?;
            self.running_mean
                .set(&((self.running_mean.as_tensor() * (1.0 - m))? + (mean.detach().flatten_all()? * m)?)?)?;
            self.running_var.set(&((self.running_var.as_tensor() * (1.0 - m))? + (unbiased * m)?)?)?;
            (mean, var)
        } else {
            let stat = |v: &Var| v.as_detached_tensor().reshape(per_channel.as_slice());
            (stat(&self.running_mean)?, stat(&self.running_var)?)
        };
        let normed = x.broadcast_sub(&mean)?.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        let (w, b) = (mode.param(&self.weight), mode.param(&self.bias));
        let (w, b) = (w.reshape(per_channel.as_slice())?, b.reshape(per_channel.as_slice())?);
        normed.broadcast_mul(&w)?.broadcast_add(&b)
    }

    fn params(&self) -> Vec<Param> {
        vec![
            Param { name: "weight".into(), var: self.weight.clone(), decay: false },
            Param { name: "bias".into(), var: self.bias.clone(), decay: false },
        ]
    }

    fn buffers(&self) -> Vec<(String, Var)> {
        vec![("running_mean".into(), self.running_mean.clone()), ("running_var".into(), self.running_var.clone())]
    }
}
