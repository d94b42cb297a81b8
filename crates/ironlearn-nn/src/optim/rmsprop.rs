//! RMSprop (Hinton's lecture notes), as PyTorch's `torch.optim.RMSprop`
//! without centring.

use super::{Rule, Step};

pub(super) struct RmsProp {
    pub alpha: f64,
    pub eps: f64,
    pub momentum: f64,
    pub weight_decay: f64,
}

impl Rule for RmsProp {
    #[inline(always)]
    fn update(&self, s: &Step, a: &mut f64, b: &mut f64, w: f64, g: f64) -> f64 {
        let g = if s.decay { g + self.weight_decay * w } else { g };
        let sq = a;
        *sq = self.alpha * *sq + (1.0 - self.alpha) * g * g;
        let d = g / (sq.sqrt() + self.eps);
        if self.momentum > 0.0 {
            let buf = b;
            *buf = self.momentum * *buf + d;
            w - s.lr * *buf
        } else {
            w - s.lr * d
        }
    }
}
