//! Training losses, as PyTorch defines them, each reduced to a weighted
//! mean over rows: `sum(w_i l_i) / sum(w_i)` (unweighted: the plain mean).
//!
//! Classification losses take raw scores (logits) and class indices and
//! work in log space (log-sum-exp with the row maximum taken out), so no
//! probability is ever rounded to 0 before its logarithm.

use candle_core::{DType, Tensor, D};
use ironlearn_core::{bail, Result};
use serde::{Deserialize, Serialize};

/// A loss between a network's outputs and the targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Loss {
    /// Mean squared error over the outputs of each row.
    Mse,
    /// Mean absolute error.
    Mae,
    /// Squared below `delta`, linear above.
    Huber {
        #[serde(default = "one")]
        delta: f64,
    },
    /// Softmax cross-entropy of logits against class indices.
    CrossEntropy {
        /// Mass spread evenly over all classes (0: none).
        #[serde(default)]
        label_smoothing: f64,
        /// A weight per class (PyTorch's `weight`): rows are weighted by their class.
        #[serde(default)]
        class_weight: Option<Vec<f64>>,
    },
    /// Logistic loss of logits against 0/1 targets, one per output.
    BinaryCrossEntropy,
    /// Negative log-likelihood of log-probabilities (a network ending in log-softmax) against class indices.
    Nll,
}

fn one() -> f64 {
    1.0
}

impl Loss {
    /// The loss for a task: cross-entropy for classes, squared error for values.
    pub fn default_for(classification: bool) -> Loss {
        if classification {
            Loss::CrossEntropy { label_smoothing: 0.0, class_weight: None }
        } else {
            Loss::Mse
        }
    }

    /// Whether the targets are class indices (u32) rather than values.
    pub fn takes_classes(&self) -> bool {
        matches!(self, Loss::CrossEntropy { .. } | Loss::Nll)
    }

    /// Checks the settings against the number of network outputs.
    pub fn check(&self, n_outputs: usize) -> Result<()> {
        match self {
            Loss::Huber { delta } if !(*delta > 0.0 && delta.is_finite()) => {
                bail!(InvalidValue, "huber loss: delta must be a positive number, got {delta}")
            }
            Loss::CrossEntropy { label_smoothing, class_weight } => {
                if !(0.0..=1.0).contains(label_smoothing) {
                    bail!(InvalidValue, "cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}");
                }
                if let Some(w) = class_weight {
                    if w.len() != n_outputs {
                        bail!(Shape, "cross_entropy: {} class weights for {n_outputs} classes", w.len());
                    }
                    if w.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                        bail!(InvalidValue, "cross_entropy: class weights must be finite and non-negative");
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The loss of outputs `out` (rows, outputs) against `target` (class indices
    /// `(rows,)` as u32, or values shaped like `out`), with optional row weights `(rows,)`.
    /// Sequence outputs `(rows, positions, ...)` take targets per position (class indices
    /// `(rows, positions)`); the loss is then the mean over every position, a row's
    /// weight applying to each of its positions.
    pub fn compute(&self, out: &Tensor, target: &Tensor, weight: Option<&Tensor>) -> candle_core::Result<Tensor> {
        let rows = out.dim(0)?;
        let (per_unit, class_weight) = if self.takes_classes() && out.rank() > 2 {
            let k = out.dim(D::Minus1)?;
            if target.elem_count() * k != out.elem_count() {
                candle_core::bail!("targets of shape {:?} for outputs of shape {:?}", target.dims(), out.dims());
            }
            self.per_row(&out.reshape(((), k))?, &target.flatten_all()?)?
        } else {
            self.per_row(out, target)?
        };
        let per_unit = per_unit.flatten_all()?;
        let units = per_unit.dim(0)?;
        let weight = match weight {
            Some(w) if units != rows => Some(w.unsqueeze(1)?.broadcast_as((rows, units / rows))?.flatten_all()?),
            w => w.cloned(),
        };
        let w = match (weight, class_weight) {
            (Some(w), Some(c)) => Some((w * c)?),
            (Some(w), None) => Some(w),
            (None, c) => c,
        };
        match w {
            None => per_unit.mean_all(),
            Some(w) => (per_unit * &w)?.sum_all()?.broadcast_div(&w.sum_all()?),
        }
    }

    /// The loss of each row, and the class weight of each row where the loss has them.
    fn per_row(&self, out: &Tensor, target: &Tensor) -> candle_core::Result<(Tensor, Option<Tensor>)> {
        let same_shape = || -> candle_core::Result<()> {
            if target.dims() != out.dims() {
                candle_core::bail!("targets of shape {:?} for outputs of shape {:?}", target.dims(), out.dims());
            }
            Ok(())
        };
        let values = || -> candle_core::Result<Tensor> {
            same_shape()?;
            out - target
        };
        Ok(match self {
            Loss::Mse => (values()?.sqr()?.mean(D::Minus1)?, None),
            Loss::Mae => (values()?.abs()?.mean(D::Minus1)?, None),
            Loss::Huber { delta } => {
                let a = values()?.abs()?;
                let q = a.clamp(0.0, *delta)?;
                (((q.sqr()? * 0.5)? + ((a - &q)? * *delta)?)?.mean(D::Minus1)?, None)
            }
            Loss::BinaryCrossEntropy => {
                same_shape()?;
                // max(z, 0) - z y + log(1 + exp(-|z|))
                let soft = (out.abs()?.neg()?.exp()? + 1.0)?.log()?;
                (((out.relu()? - (out * target)?)? + soft)?.mean(D::Minus1)?, None)
            }
            Loss::CrossEntropy { label_smoothing, class_weight } => {
                let logp = log_softmax(out)?;
                self.class_loss(&logp, target, *label_smoothing, class_weight.as_deref())?
            }
            Loss::Nll => self.class_loss(out, target, 0.0, None)?,
        })
    }

    fn class_loss(
        &self,
        logp: &Tensor,
        target: &Tensor,
        smoothing: f64,
        class_weight: Option<&[f64]>,
    ) -> candle_core::Result<(Tensor, Option<Tensor>)> {
        let k = logp.dim(D::Minus1)?;
        let ids = target.to_dtype(DType::U32)?;
        let picked = logp.gather(&ids.unsqueeze(1)?, 1)?.squeeze(1)?.neg()?;
        let cw = match class_weight {
            Some(w) => Some(Tensor::from_slice(w, k, logp.device())?.to_dtype(logp.dtype())?),
            None => None,
        };
        let row_weight = match &cw {
            Some(w) => Some(w.index_select(&ids, 0)?),
            None => None,
        };
        if smoothing == 0.0 {
            return Ok((picked, row_weight));
        }
        // PyTorch: (1-e) w[y] nll + e/K sum_k w_k (-logp_k), the mean divided by sum w[y].
        let spread = match &cw {
            Some(w) => logp.broadcast_mul(w)?.sum(D::Minus1)?.neg()?,
            None => logp.sum(D::Minus1)?.neg()?,
        };
        let spread = (spread * (smoothing / k as f64))?;
        Ok(match row_weight {
            Some(rw) => {
                // Divide the spread term by the row's weight, since compute() multiplies by it.
                let main = (picked * (1.0 - smoothing))?;
                ((main + spread.div(&rw)?)?, Some(rw))
            }
            None => (((picked * (1.0 - smoothing))? + spread)?, None),
        })
    }
}

/// `x - logsumexp(x)` over the last axis, the row maximum taken out first.
pub fn log_softmax(x: &Tensor) -> candle_core::Result<Tensor> {
    let max = x.max_keepdim(D::Minus1)?.detach();
    let shifted = x.broadcast_sub(&max)?;
    let lse = shifted.exp()?.sum_keepdim(D::Minus1)?.log()?;
    shifted.broadcast_sub(&lse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn t(v: &[f64], shape: &[usize]) -> Tensor {
        Tensor::from_slice(v, shape, &Device::Cpu).unwrap()
    }

    fn scalar(x: Tensor) -> f64 {
        x.to_scalar::<f64>().unwrap()
    }

    #[test]
    fn cross_entropy_against_hand_computation() {
        let out = t(&[1.0, 2.0, 0.5, -1.0, 0.0, 3.0], &[2, 3]);
        let y = Tensor::from_slice(&[1u32, 2], 2, &Device::Cpu).unwrap();
        let lse = |r: [f64; 3]| r.iter().map(|v| v.exp()).sum::<f64>().ln();
        let (l0, l1) = (lse([1.0, 2.0, 0.5]) - 2.0, lse([-1.0, 0.0, 3.0]) - 3.0);
        let ce = Loss::default_for(true);
        assert!((scalar(ce.compute(&out, &y, None).unwrap()) - (l0 + l1) / 2.0).abs() < 1e-12);
        // Class weights: a weighted mean by the rows' classes.
        let w = Loss::CrossEntropy { label_smoothing: 0.0, class_weight: Some(vec![1.0, 2.0, 0.5]) };
        let want = (2.0 * l0 + 0.5 * l1) / 2.5;
        assert!((scalar(w.compute(&out, &y, None).unwrap()) - want).abs() < 1e-12);
        // Label smoothing 0.1: 0.9 nll + 0.1 * mean over classes of -logp.
        let s = Loss::CrossEntropy { label_smoothing: 0.1, class_weight: None };
        let mean_neg = |r: [f64; 3]| r.iter().map(|v| lse(r) - v).sum::<f64>() / 3.0;
        let want = (0.9 * l0 + 0.1 * mean_neg([1.0, 2.0, 0.5]) + 0.9 * l1 + 0.1 * mean_neg([-1.0, 0.0, 3.0])) / 2.0;
        assert!((scalar(s.compute(&out, &y, None).unwrap()) - want).abs() < 1e-12);
    }

    #[test]
    fn regression_and_binary_losses() {
        let out = t(&[0.0, 2.0, -3.0, 1.0], &[4, 1]);
        let y = t(&[1.0, 1.0, 1.0, 1.0], &[4, 1]);
        assert!((scalar(Loss::Mse.compute(&out, &y, None).unwrap()) - (1.0 + 1.0 + 16.0) / 4.0).abs() < 1e-12);
        assert!((scalar(Loss::Mae.compute(&out, &y, None).unwrap()) - 6.0 / 4.0).abs() < 1e-12);
        let h = Loss::Huber { delta: 1.0 };
        assert!((scalar(h.compute(&out, &y, None).unwrap()) - (0.5 + 0.5 + 3.5) / 4.0).abs() < 1e-12);
        let w = t(&[1.0, 0.0, 0.0, 3.0], &[4]);
        assert!((scalar(Loss::Mse.compute(&out, &y, Some(&w)).unwrap()) - 0.25).abs() < 1e-12);
        let z = t(&[0.3, -40.0], &[2, 1]);
        let y = t(&[1.0, 0.0], &[2, 1]);
        let want = ((1.0 + (-0.3f64).exp()).ln() + (1.0 + (-40.0f64).exp()).ln()) / 2.0;
        assert!((scalar(Loss::BinaryCrossEntropy.compute(&z, &y, None).unwrap()) - want).abs() < 1e-12);
        assert!(Loss::Mse.compute(&z, &t(&[1.0, 2.0], &[1, 2]), None).is_err());
    }
}
