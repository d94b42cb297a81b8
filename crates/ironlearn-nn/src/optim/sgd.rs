//! Stochastic gradient descent with momentum and Nesterov momentum
//! (PyTorch's `torch.optim.SGD`, dampening 0).

use super::{Rule, Step};

pub(super) struct Sgd {
    pub momentum: f64,
    pub nesterov: bool,
    pub weight_decay: f64,
}

impl Rule for Sgd {
    #[inline(always)]
    fn update(&self, s: &Step, a: &mut f64, _b: &mut f64, w: f64, g: f64) -> f64 {
        let g = if s.decay { g + self.weight_decay * w } else { g };
        let d = if self.momentum == 0.0 {
            g
        } else {
            let buf = a;
            *buf = if s.t == 1 { g } else { self.momentum * *buf + g };
            if self.nesterov {
                g + self.momentum * *buf
            } else {
                *buf
            }
        };
        w - s.lr * d
    }
}
