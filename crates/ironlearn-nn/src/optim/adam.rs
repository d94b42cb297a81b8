//! Adam (Kingma & Ba) with bias correction, and AdamW's decoupled weight
//! decay, as PyTorch's `torch.optim.Adam` / `AdamW`.

use super::{Slots, Step};

pub(super) fn update(
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    decoupled: bool,
    s: &Step,
    slots: &mut Slots,
    i: usize,
    w: f64,
    g: f64,
) -> f64 {
    let (w, g) = match (s.decay, decoupled) {
        (true, true) => (w * (1.0 - s.lr * weight_decay), g),
        (true, false) => (w, g + weight_decay * w),
        (false, _) => (w, g),
    };
    let m = &mut slots.a[i];
    *m = beta1 * *m + (1.0 - beta1) * g;
    let v = &mut slots.b[i];
    *v = beta2 * *v + (1.0 - beta2) * g * g;
    let t = s.t as i32;
    let m_hat = *m / (1.0 - beta1.powi(t));
    let v_hat = *v / (1.0 - beta2.powi(t));
    w - s.lr * m_hat / (v_hat.sqrt() + eps)
}
