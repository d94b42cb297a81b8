//! Reshaping each sample; the batch axis is kept. `flatten` is a reshape
//! to one axis.

use candle_core::Tensor;

use super::{Layer, Mode};

#[derive(Debug)]
pub struct Reshape {
    /// The per-sample shape.
    pub shape: Vec<usize>,
}

impl Layer for Reshape {
    fn forward(&self, x: &Tensor, _mode: &mut Mode) -> candle_core::Result<Tensor> {
        let mut shape = vec![x.dim(0)?];
        shape.extend_from_slice(&self.shape);
        x.reshape(shape)
    }
}
