//! Adam (Kingma & Ba) with bias correction, and AdamW's decoupled weight
//! decay, as PyTorch's `torch.optim.Adam` / `AdamW`.

use super::{Rule, Step};

pub(super) struct Adam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    decoupled: bool,
    /// `1 / (1 - beta1^t)` and `1 / (1 - beta2^t)`, once per step.
    correct1: f64,
    correct2: f64,
}

impl Adam {
    pub fn new(beta1: f64, beta2: f64, eps: f64, weight_decay: f64, decoupled: bool, t: u64) -> Adam {
        let t = t.min(i32::MAX as u64) as i32;
        Adam {
            beta1,
            beta2,
            eps,
            weight_decay,
            decoupled,
            correct1: 1.0 / (1.0 - beta1.powi(t)),
            correct2: 1.0 / (1.0 - beta2.powi(t)),
        }
    }
}

impl Rule for Adam {
    #[inline(always)]
    fn update(&self, s: &Step, a: &mut f64, b: &mut f64, w: f64, g: f64) -> f64 {
        let (w, g) = match (s.decay, self.decoupled) {
            (true, true) => (w * (1.0 - s.lr * self.weight_decay), g),
            (true, false) => (w, g + self.weight_decay * w),
            (false, _) => (w, g),
        };
        let m = a;
        *m = self.beta1 * *m + (1.0 - self.beta1) * g;
        let m_hat = *m * self.correct1;
        let v = b;
        *v = self.beta2 * *v + (1.0 - self.beta2) * g * g;
        let v_hat = *v * self.correct2;
        w - s.lr * m_hat / (v_hat.sqrt() + self.eps)
    }
}
