//! Adagrad (Duchi et al.): steps shrink with each value's summed squared
//! gradients, as PyTorch's `torch.optim.Adagrad` without learning-rate decay.

use super::{Rule, Step};

pub(super) struct Adagrad {
    pub eps: f64,
    pub weight_decay: f64,
}

impl Rule for Adagrad {
    #[inline(always)]
    fn update(&self, s: &Step, a: &mut f64, _b: &mut f64, w: f64, g: f64) -> f64 {
        let g = if s.decay { g + self.weight_decay * w } else { g };
        let sum = a;
        *sum += g * g;
        w - s.lr * g / (sum.sqrt() + self.eps)
    }
}
