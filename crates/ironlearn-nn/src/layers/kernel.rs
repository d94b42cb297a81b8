//! The CPU side shared by our custom ops: each op's kernel is one generic
//! function over f32 and f64, and these helpers pick the instance for the
//! inputs' dtype and hand it their contiguous values (every op makes its
//! inputs contiguous before applying itself).

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, Layout, WithDType};
use num_traits::Float;

/// The contiguous values of a custom op's input.
pub(super) fn contiguous<'a, T>(data: &'a [T], layout: &Layout, op: &str) -> candle_core::Result<&'a [T]> {
    match layout.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => candle_core::bail!("{op}: the input must be contiguous"),
    }
}

/// A kernel of one input; `dims` are the input's.
pub(super) trait Kernel1 {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], a: &[T]) -> candle_core::Result<Vec<T>>;
}

/// A kernel of two inputs of one dtype; `dims` are the first input's.
pub(super) trait Kernel2 {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], a: &[T], b: &[T]) -> candle_core::Result<Vec<T>>;
}

/// A kernel of three inputs of one dtype; `dims` are the first input's.
pub(super) trait Kernel3 {
    fn apply<T: WithDType + Float>(&self, dims: &[usize], a: &[T], b: &[T], c: &[T]) -> candle_core::Result<Vec<T>>;
}

pub(super) fn on_cpu1<K: Kernel1>(k: &K, name: &str, a: &CpuStorage, la: &Layout) -> candle_core::Result<CpuStorage> {
    let dims = la.dims();
    Ok(match a {
        CpuStorage::F32(x) => CpuStorage::F32(k.apply(dims, contiguous(x, la, name)?)?),
        CpuStorage::F64(x) => CpuStorage::F64(k.apply(dims, contiguous(x, la, name)?)?),
        other => candle_core::bail!("{name}: unsupported dtype {:?}", other.dtype()),
    })
}

pub(super) fn on_cpu2<K: Kernel2>(
    k: &K,
    name: &str,
    (a, la): (&CpuStorage, &Layout),
    (b, lb): (&CpuStorage, &Layout),
) -> candle_core::Result<CpuStorage> {
    let dims = la.dims();
    Ok(match (a, b) {
        (CpuStorage::F32(x), CpuStorage::F32(y)) => {
            CpuStorage::F32(k.apply(dims, contiguous(x, la, name)?, contiguous(y, lb, name)?)?)
        }
        (CpuStorage::F64(x), CpuStorage::F64(y)) => {
            CpuStorage::F64(k.apply(dims, contiguous(x, la, name)?, contiguous(y, lb, name)?)?)
        }
        _ => candle_core::bail!("{name}: unsupported dtypes {:?} and {:?}", a.dtype(), b.dtype()),
    })
}

pub(super) fn on_cpu3<K: Kernel3>(
    k: &K,
    name: &str,
    (a, la): (&CpuStorage, &Layout),
    (b, lb): (&CpuStorage, &Layout),
    (c, lc): (&CpuStorage, &Layout),
) -> candle_core::Result<CpuStorage> {
    let dims = la.dims();
    Ok(match (a, b, c) {
        (CpuStorage::F32(x), CpuStorage::F32(y), CpuStorage::F32(z)) => CpuStorage::F32(k.apply(
            dims,
            contiguous(x, la, name)?,
            contiguous(y, lb, name)?,
            contiguous(z, lc, name)?,
        )?),
        (CpuStorage::F64(x), CpuStorage::F64(y), CpuStorage::F64(z)) => CpuStorage::F64(k.apply(
            dims,
            contiguous(x, la, name)?,
            contiguous(y, lb, name)?,
            contiguous(z, lc, name)?,
        )?),
        _ => candle_core::bail!("{name}: unsupported dtypes {:?}, {:?} and {:?}", a.dtype(), b.dtype(), c.dtype()),
    })
}
