//! Adagrad (Duchi et al.): steps shrink with each value's summed squared
//! gradients, as PyTorch's `torch.optim.Adagrad` without learning-rate decay.

use super::{Slots, Step};

pub(super) fn update(eps: f64, weight_decay: f64, s: &Step, slots: &mut Slots, i: usize, w: f64, g: f64) -> f64 {
    let g = if s.decay { g + weight_decay * w } else { g };
    let sum = &mut slots.a[i];
    *sum += g * g;
    w - s.lr * g / (sum.sqrt() + eps)
}
