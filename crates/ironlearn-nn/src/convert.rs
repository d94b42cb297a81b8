//! Crossing between candle and the rest of ironlearn: errors and arrays.
//!
//! candle's errors are not ours, and the orphan rule forbids a `From`
//! between two foreign types, so results are mapped with
//! [`CandleResult::nn`]. The spec's shapes are checked before a network is
//! built, so a candle error reaching a user is a shape or dtype the checks
//! missed; it is reported with candle's own message.

use candle_core::{DType, Device, Tensor};
use ironlearn_core::{Error, Result};
use ndarray::{Array2, ArrayView2};

/// Maps candle's error into ironlearn's.
pub fn from_candle(e: candle_core::Error) -> Error {
    Error::InvalidValue(format!("tensor operation failed: {e}"))
}

/// `.nn()?` on a candle result.
pub trait CandleResult<T> {
    fn nn(self) -> Result<T>;
}

impl<T> CandleResult<T> for candle_core::Result<T> {
    fn nn(self) -> Result<T> {
        self.map_err(from_candle)
    }
}

/// A row-major tensor of `dtype` holding `x`.
pub(crate) fn tensor_from_f64(x: ArrayView2<'_, f64>, dtype: DType, device: &Device) -> Result<Tensor> {
    let shape = (x.nrows(), x.ncols());
    match dtype {
        DType::F32 => Tensor::from_iter(x.iter().map(|&v| v as f32), device).nn()?.reshape(shape).nn(),
        _ => Tensor::from_iter(x.iter().copied(), device).nn()?.reshape(shape).nn()?.to_dtype(dtype).nn(),
    }
}

/// A row-major tensor of `dtype` holding `x`.
pub(crate) fn tensor_from_f32(x: ArrayView2<'_, f32>, dtype: DType, device: &Device) -> Result<Tensor> {
    let shape = (x.nrows(), x.ncols());
    Tensor::from_iter(x.iter().copied(), device).nn()?.reshape(shape).nn()?.to_dtype(dtype).nn()
}

/// A 2-d tensor as an `f64` matrix.
pub(crate) fn to_array2(t: &Tensor) -> Result<Array2<f64>> {
    let (r, c) = t.dims2().nn()?;
    let v = t.to_dtype(DType::F64).nn()?.flatten_all().nn()?.to_vec1::<f64>().nn()?;
    Ok(Array2::from_shape_vec((r, c), v).expect("a tensor's element count is its shape's product"))
}
