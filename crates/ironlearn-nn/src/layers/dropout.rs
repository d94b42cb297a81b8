//! Inverted dropout: in training each value is kept with probability
//! `1 - rate` and scaled by `1 / (1 - rate)`, so inference is the identity.
//! The mask comes from the pass's seeded stream, not candle's generator, so
//! a seed fixes it whatever the thread count.

use candle_core::Tensor;

use super::{Layer, Mode};

#[derive(Debug)]
pub struct Dropout {
    pub rate: f64,
}

impl Layer for Dropout {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor> {
        dropout(x, self.rate, mode)
    }
}

/// `x` with dropout at `rate` in training, unchanged in inference.
pub(crate) fn dropout(x: &Tensor, rate: f64, mode: &mut Mode) -> candle_core::Result<Tensor> {
    if !mode.train || rate == 0.0 {
        return Ok(x.clone());
    }
    let scale = (1.0 / (1.0 - rate)) as f32;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if mode.rng.uniform() < rate { 0.0 } else { scale }).collect();
    let mask = Tensor::from_vec(mask, x.shape(), x.device())?.to_dtype(x.dtype())?;
    x.mul(&mask)
}
