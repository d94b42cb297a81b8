//! The training loop: batches, forward, loss, backward, optimizer step;
//! per epoch the training (and validation) loss, reported through the
//! kernel's [`FitContext`] (progress bars, callbacks, cancellation, time
//! budgets) and handed to the caller's hook, which decides what an epoch's
//! end means (scikit-learn's stopping rules for the MLP estimators; patience
//! on the validation loss for a network from a spec).

use std::ops::ControlFlow;

use candle_core::{DType, Tensor};
use ironlearn_core::{FitContext, Progress, Result, Rng};
use serde::{Deserialize, Serialize};

use crate::convert::CandleResult;
use crate::layers::Mode;
use crate::loader::{epoch_order, for_each_batch, Dataset};
use crate::loss::Loss;
use crate::network::Network;
use crate::optim::{Clip, Optimizer, OptimizerSpec};
use crate::schedule::{LrSchedule, Schedule};

/// How to train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub loss: Loss,
    pub optimizer: OptimizerSpec,
    /// The base learning rate.
    pub lr: f64,
    pub schedule: Schedule,
    /// Steps over which the rate ramps up linearly from 0.
    pub warmup_steps: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub shuffle: bool,
    pub seed: u64,
    pub clip_norm: Option<f64>,
    pub clip_value: Option<f64>,
    /// scikit-learn's `alpha`: `0.5 * l2 * sum ||W||^2 / batch weight` added to every batch loss,
    /// over the parameters marked for decay.
    pub l2: f64,
    /// A factor on the data loss (scikit-learn's regression loss is half the squared error).
    pub loss_scale: f64,
}

/// The end of one epoch, as the hook sees it.
#[derive(Debug)]
pub struct EpochEnd<'a> {
    /// The epoch just finished, from 0.
    pub epoch: usize,
    /// The mean training loss over the epoch's batches (row-weighted), penalty included.
    pub train_loss: f64,
    /// The loss on the validation set, when there is one.
    pub valid_loss: Option<f64>,
    pub network: &'a Network,
    /// A factor on every later learning rate (scikit-learn's "adaptive" divides it by 5).
    pub lr_scale: &'a mut f64,
}

/// What a training run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub train_loss: Vec<f64>,
    pub valid_loss: Vec<f64>,
    /// Optimizer steps taken.
    pub steps: u64,
}

impl TrainReport {
    pub fn epochs(&self) -> usize {
        self.train_loss.len()
    }
}

/// The outputs of `net` for `x`, in inference mode, `chunk` rows at a time.
pub fn predict(net: &Network, x: &Tensor, chunk: usize) -> Result<Tensor> {
    let n = x.dims()[0];
    if n <= chunk {
        return net.forward(x, &mut Mode::eval()).nn();
    }
    let parts: Vec<Tensor> = (0..n)
        .step_by(chunk)
        .map(|s| net.forward(&x.narrow(0, s, chunk.min(n - s))?, &mut Mode::eval()))
        .collect::<candle_core::Result<_>>()
        .nn()?;
    Tensor::cat(&parts, 0).nn()
}

/// The loss of `net` on `data`, in inference mode.
pub fn evaluate(net: &Network, data: &Dataset, loss: &Loss) -> Result<f64> {
    let out = predict(net, &data.x, 4096)?;
    scalar(&loss.compute(&out, &data.y, data.w.as_ref()).nn()?)
}

fn scalar(t: &Tensor) -> Result<f64> {
    t.to_dtype(DType::F64).nn()?.to_scalar::<f64>().nn()
}

/// Trains `net` on `data` for up to `cfg.epochs` epochs; the hook sees each
/// epoch's end and may stop training with `Break`.
pub fn train(
    net: &Network,
    data: &Dataset,
    valid: Option<&Dataset>,
    cfg: &TrainConfig,
    ctx: &mut FitContext<'_>,
    mut hook: impl FnMut(EpochEnd<'_>) -> Result<ControlFlow<()>>,
) -> Result<TrainReport> {
    cfg.schedule.check()?;
    let n_out = net.output_shape().last().copied().unwrap_or(1);
    cfg.loss.check(n_out)?;
    let params = net.params();
    let mut opt = Optimizer::new(&cfg.optimizer, &params)?;
    let n = data.rows();
    let batch = cfg.batch_size.clamp(1, n.max(1));
    let steps_per_epoch = n.div_ceil(batch);
    let mut schedule = LrSchedule::new(&cfg.schedule, cfg.lr, cfg.warmup_steps, steps_per_epoch * cfg.epochs);
    let clip = Clip { norm: cfg.clip_norm, value: cfg.clip_value };
    let decayed: Vec<_> = params.iter().filter(|p| p.decay).map(|p| p.var.clone()).collect();
    let mut rng = Rng::new(cfg.seed);
    let mut report = TrainReport::default();
    let mut lr_scale = 1.0;
    for epoch in 0..cfg.epochs {
        let order = epoch_order(n, cfg.shuffle, &mut rng);
        let mut mode = Mode::train(rng.fork(epoch as u64));
        let mut total = 0.0;
        for_each_batch(data, &order, batch, |b| {
            let out = net.forward(&b.x, &mut mode).nn()?;
            let mut loss = cfg.loss.compute(&out, &b.y, b.w.as_ref()).nn()?;
            if cfg.loss_scale != 1.0 {
                loss = (loss * cfg.loss_scale).nn()?;
            }
            if cfg.l2 > 0.0 {
                let weight = match &b.w {
                    Some(w) => scalar(&w.sum_all().nn()?)?,
                    None => b.rows() as f64,
                };
                let mut sq = Tensor::zeros((), net.dtype(), net.device()).nn()?;
                for v in &decayed {
                    sq = (sq + v.as_tensor().sqr().nn()?.sum_all().nn()?).nn()?;
                }
                loss = (loss + (sq * (0.5 * cfg.l2 / weight)).nn()?).nn()?;
            }
            let grads = loss.backward().nn()?;
            let lr = schedule.lr(opt.steps() as usize) * lr_scale;
            opt.step(&params, &grads, lr, clip)?;
            total += scalar(&loss)? * b.rows() as f64;
            Ok(())
        })?;
        let train_loss = total / n as f64;
        if !train_loss.is_finite() {
            return Err(ironlearn_core::Error::InvalidValue(format!(
                "training diverged: the loss of epoch {epoch} is {train_loss}; lower the learning rate or scale the inputs"
            )));
        }
        let valid_loss = valid.map(|v| evaluate(net, v, &cfg.loss)).transpose()?;
        report.train_loss.push(train_loss);
        if let Some(v) = valid_loss {
            report.valid_loss.push(v);
        }
        report.steps = opt.steps();
        let mut evals = vec![("train".to_string(), "loss".to_string(), train_loss, false)];
        if let Some(v) = valid_loss {
            evals.push(("valid".to_string(), "loss".to_string(), v, false));
        }
        let stop_ctx = ctx.report(&Progress { iteration: epoch, total: Some(cfg.epochs), evals: &evals }).is_break();
        let stop_hook =
            hook(EpochEnd { epoch, train_loss, valid_loss, network: net, lr_scale: &mut lr_scale })?.is_break();
        if stop_ctx || stop_hook {
            break;
        }
        schedule.end_epoch(epoch + 1, valid_loss.unwrap_or(train_loss));
    }
    Ok(report)
}
