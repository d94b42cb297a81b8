//! Stochastic gradient descent with momentum and Nesterov momentum
//! (PyTorch's `torch.optim.SGD`, dampening 0).

use super::{Slots, Step};

pub(super) fn update(
    momentum: f64,
    nesterov: bool,
    weight_decay: f64,
    s: &Step,
    slots: &mut Slots,
    i: usize,
    w: f64,
    g: f64,
) -> f64 {
    let g = if s.decay { g + weight_decay * w } else { g };
    let d = if momentum == 0.0 {
        g
    } else {
        let buf = &mut slots.a[i];
        *buf = if s.t == 1 { g } else { momentum * *buf + g };
        if nesterov {
            g + momentum * *buf
        } else {
            *buf
        }
    };
    w - s.lr * d
}
