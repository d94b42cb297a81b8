//! RMSprop (Hinton's lecture notes), as PyTorch's `torch.optim.RMSprop`
//! without centring.

use super::{Slots, Step};

pub(super) fn update(
    alpha: f64,
    eps: f64,
    momentum: f64,
    weight_decay: f64,
    s: &Step,
    slots: &mut Slots,
    i: usize,
    w: f64,
    g: f64,
) -> f64 {
    let g = if s.decay { g + weight_decay * w } else { g };
    let sq = &mut slots.a[i];
    *sq = alpha * *sq + (1.0 - alpha) * g * g;
    let d = g / (sq.sqrt() + eps);
    if momentum > 0.0 {
        let buf = &mut slots.b[i];
        *buf = momentum * *buf + d;
        w - s.lr * *buf
    } else {
        w - s.lr * d
    }
}
