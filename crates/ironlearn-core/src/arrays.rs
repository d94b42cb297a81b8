//! The named arrays a model file carries beside its JSON header.
//!
//! Learned state that is large (coefficients, tree nodes, bin edges) travels
//! as typed little-endian arrays rather than JSON text: exact, compact, and
//! readable from Python with the `safetensors` package.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2};

use crate::{Error, Result};

/// The element types a model file may hold.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayData {
    F64(Vec<f64>),
    F32(Vec<f32>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    U8(Vec<u8>),
    /// Half precision, for compact network weights.
    F16(Vec<half::f16>),
    /// Brain floating point, for network weights trained in it.
    BF16(Vec<half::bf16>),
}

/// One array: its shape and values in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedArray {
    pub shape: Vec<usize>,
    pub data: ArrayData,
}

/// A type that can be stored in [`Arrays`].
pub trait Element: Copy + Sized {
    const NAME: &'static str;
    fn wrap(v: Vec<Self>) -> ArrayData;
    fn unwrap(d: &ArrayData) -> Option<&[Self]>;
    fn take(d: ArrayData) -> Option<Vec<Self>>;
}

macro_rules! element {
    ($t:ty, $variant:ident) => {
        impl Element for $t {
            const NAME: &'static str = stringify!($variant);
            fn wrap(v: Vec<Self>) -> ArrayData {
                ArrayData::$variant(v)
            }
            fn unwrap(d: &ArrayData) -> Option<&[Self]> {
                match d {
                    ArrayData::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn take(d: ArrayData) -> Option<Vec<Self>> {
                match d {
                    ArrayData::$variant(v) => Some(v),
                    _ => None,
                }
            }
        }
    };
}
element!(f64, F64);
element!(f32, F32);
element!(i64, I64);
element!(i32, I32);
element!(u32, U32);
element!(u8, U8);
element!(half::f16, F16);
element!(half::bf16, BF16);

impl ArrayData {
    pub fn len(&self) -> usize {
        match self {
            ArrayData::F64(v) => v.len(),
            ArrayData::F32(v) => v.len(),
            ArrayData::I64(v) => v.len(),
            ArrayData::I32(v) => v.len(),
            ArrayData::U32(v) => v.len(),
            ArrayData::U8(v) => v.len(),
            ArrayData::F16(v) => v.len(),
            ArrayData::BF16(v) => v.len(),
        }
    }

    /// The values widened to `f64`, for inspection.
    pub fn to_f64(&self) -> Vec<f64> {
        match self {
            ArrayData::F64(v) => v.clone(),
            ArrayData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ArrayData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            ArrayData::I32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ArrayData::U32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ArrayData::U8(v) => v.iter().map(|&x| f64::from(x)).collect(),
            ArrayData::F16(v) => v.iter().map(|&x| x.to_f64()).collect(),
            ArrayData::BF16(v) => v.iter().map(|&x| x.to_f64()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as little-endian bytes.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        fn bytes<T: Copy, const N: usize>(v: &[T], f: impl Fn(T) -> [u8; N]) -> Vec<u8> {
            v.iter().flat_map(|&x| f(x)).collect()
        }
        match self {
            ArrayData::F64(v) => bytes(v, f64::to_le_bytes),
            ArrayData::F32(v) => bytes(v, f32::to_le_bytes),
            ArrayData::I64(v) => bytes(v, i64::to_le_bytes),
            ArrayData::I32(v) => bytes(v, i32::to_le_bytes),
            ArrayData::U32(v) => bytes(v, u32::to_le_bytes),
            ArrayData::U8(v) => v.clone(),
            ArrayData::F16(v) => bytes(v, half::f16::to_le_bytes),
            ArrayData::BF16(v) => bytes(v, half::bf16::to_le_bytes),
        }
    }

    /// Feeds the little-endian bytes to a hasher a block at a time, without a
    /// copy of the whole array (loading a large model verifies its checksum).
    pub fn hash_le_bytes(&self, h: &mut impl sha2::Digest) {
        fn feed<T: Copy, const N: usize>(v: &[T], f: impl Fn(T) -> [u8; N], h: &mut impl sha2::Digest) {
            let mut buf = Vec::with_capacity(N * 8192);
            for chunk in v.chunks(8192) {
                buf.clear();
                chunk.iter().for_each(|&x| buf.extend_from_slice(&f(x)));
                h.update(&buf);
            }
        }
        match self {
            ArrayData::F64(v) => feed(v, f64::to_le_bytes, h),
            ArrayData::F32(v) => feed(v, f32::to_le_bytes, h),
            ArrayData::I64(v) => feed(v, i64::to_le_bytes, h),
            ArrayData::I32(v) => feed(v, i32::to_le_bytes, h),
            ArrayData::U32(v) => feed(v, u32::to_le_bytes, h),
            ArrayData::U8(v) => h.update(v),
            ArrayData::F16(v) => feed(v, half::f16::to_le_bytes, h),
            ArrayData::BF16(v) => feed(v, half::bf16::to_le_bytes, h),
        }
    }

    /// Values of type `dtype` (a safetensors dtype name) from little-endian bytes.
    pub fn from_le_bytes(dtype: &str, b: &[u8]) -> Option<ArrayData> {
        fn read<T, const N: usize>(b: &[u8], f: impl Fn([u8; N]) -> T) -> Option<Vec<T>> {
            b.len().is_multiple_of(N).then(|| b.chunks_exact(N).map(|c| f(c.try_into().unwrap())).collect())
        }
        Some(match dtype {
            "F64" => ArrayData::F64(read(b, f64::from_le_bytes)?),
            "F32" => ArrayData::F32(read(b, f32::from_le_bytes)?),
            "I64" => ArrayData::I64(read(b, i64::from_le_bytes)?),
            "I32" => ArrayData::I32(read(b, i32::from_le_bytes)?),
            "U32" => ArrayData::U32(read(b, u32::from_le_bytes)?),
            "U8" => ArrayData::U8(b.to_vec()),
            "F16" => ArrayData::F16(read(b, half::f16::from_le_bytes)?),
            "BF16" => ArrayData::BF16(read(b, half::bf16::from_le_bytes)?),
            _ => return None,
        })
    }

    pub fn dtype_name(&self) -> &'static str {
        match self {
            ArrayData::F64(_) => "F64",
            ArrayData::F32(_) => "F32",
            ArrayData::I64(_) => "I64",
            ArrayData::I32(_) => "I32",
            ArrayData::U32(_) => "U32",
            ArrayData::U8(_) => "U8",
            ArrayData::F16(_) => "F16",
            ArrayData::BF16(_) => "BF16",
        }
    }
}

/// Arrays by name, kept in name order so files are byte-for-byte reproducible.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arrays {
    map: BTreeMap<String, NamedArray>,
}

impl Arrays {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `values` with `shape`; the shape must hold exactly that many values.
    pub fn put<T: Element>(&mut self, name: impl Into<String>, shape: &[usize], values: Vec<T>) {
        assert_eq!(shape.iter().product::<usize>(), values.len(), "array shape does not match its length");
        self.map.insert(name.into(), NamedArray { shape: shape.to_vec(), data: T::wrap(values) });
    }

    /// Stores a vector.
    pub fn put_vec<T: Element>(&mut self, name: impl Into<String>, values: Vec<T>) {
        let n = values.len();
        self.put(name, &[n], values);
    }

    /// Stores a matrix.
    pub fn put_matrix(&mut self, name: impl Into<String>, m: &Array2<f64>) {
        let shape = [m.nrows(), m.ncols()];
        self.put(name, &shape, m.iter().copied().collect());
    }

    pub fn insert_raw(&mut self, name: String, array: NamedArray) {
        self.map.insert(name, array);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &NamedArray)> {
        self.map.iter()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn entry(&self, name: &str) -> Result<&NamedArray> {
        self.map.get(name).ok_or_else(|| Error::ModelFile(format!("array '{name}' is missing")))
    }

    /// The values and shape of `name`, which must hold elements of type `T`.
    pub fn get<T: Element>(&self, name: &str) -> Result<(&[usize], &[T])> {
        let a = self.entry(name)?;
        let values = T::unwrap(&a.data).ok_or_else(|| {
            Error::ModelFile(format!("array '{name}' holds {}, expected {}", a.data.dtype_name(), T::NAME))
        })?;
        Ok((&a.shape, values))
    }

    /// The shape and values of `name`, whatever their type.
    pub fn get_raw(&self, name: &str) -> Option<(&[usize], &ArrayData)> {
        self.map.get(name).map(|a| (a.shape.as_slice(), &a.data))
    }

    /// Removes `name` and returns its values, without a copy.
    pub fn take<T: Element>(&mut self, name: &str) -> Result<Vec<T>> {
        let a = self.map.remove(name).ok_or_else(|| Error::ModelFile(format!("array '{name}' is missing")))?;
        let found = a.data.dtype_name();
        T::take(a.data).ok_or_else(|| Error::ModelFile(format!("array '{name}' holds {found}, expected {}", T::NAME)))
    }

    /// A vector of `T`.
    pub fn vec<T: Element>(&self, name: &str) -> Result<Vec<T>> {
        Ok(self.get::<T>(name)?.1.to_vec())
    }

    /// A vector of `f64` of the expected length.
    pub fn vec_len(&self, name: &str, len: usize) -> Result<Array1<f64>> {
        let (_, v) = self.get::<f64>(name)?;
        if v.len() != len {
            return Err(Error::ModelFile(format!("array '{name}' has {} values, expected {len}", v.len())));
        }
        Ok(Array1::from(v.to_vec()))
    }

    /// A matrix of `f64`.
    pub fn matrix(&self, name: &str) -> Result<Array2<f64>> {
        let (shape, v) = self.get::<f64>(name)?;
        if shape.len() != 2 {
            return Err(Error::ModelFile(format!("array '{name}' has {} dimensions, expected 2", shape.len())));
        }
        Ok(Array2::from_shape_vec((shape[0], shape[1]), v.to_vec()).expect("shape was validated on load"))
    }

    /// Moves every array of `other` in here under `prefix/`.
    pub fn nest(&mut self, prefix: &str, other: Arrays) {
        for (k, v) in other.map {
            self.map.insert(format!("{prefix}/{k}"), v);
        }
    }

    /// Moves the arrays under `prefix/` out, with the prefix removed (no copy).
    pub fn take_sub(&mut self, prefix: &str) -> Arrays {
        let p = format!("{prefix}/");
        let keys: Vec<String> = self.map.keys().filter(|k| k.starts_with(&p)).cloned().collect();
        Arrays {
            map: keys.into_iter().filter_map(|k| self.map.remove(&k).map(|v| (k[p.len()..].to_string(), v))).collect(),
        }
    }

    /// The arrays under `prefix/`, with the prefix removed.
    pub fn sub(&self, prefix: &str) -> Arrays {
        let p = format!("{prefix}/");
        Arrays {
            map: self.map.iter().filter_map(|(k, v)| k.strip_prefix(&p).map(|s| (s.to_string(), v.clone()))).collect(),
        }
    }
}
