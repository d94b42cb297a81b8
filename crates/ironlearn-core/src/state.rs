//! A fitted model's state saved through serde, with its arrays kept binary.
//!
//! Writing `to_parts`/`from_parts` by hand for every model is glue that
//! drifts from the struct it saves. Instead a fitted type derives
//! `Serialize`/`Deserialize`; its value tree is split here into a JSON
//! skeleton for the header and named little-endian arrays for every numeric
//! sequence that is long or holds a non-finite value (JSON has no NaN), so
//! the file stays exact, compact and readable from Python. A field called
//! `params` becomes the file's parameters; the other top-level fields are
//! the learned attributes (`coef` is shown as `coef_`).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use serde_value::Value;

use crate::arrays::{ArrayData, NamedArray};
use crate::{Arrays, Attribute, Error, Parts, Result};

/// Sequences of at least this many numbers travel as arrays.
const LIFT_LEN: usize = 8;
/// The key of a JSON object that stands for an array: `{"$array": "coef"}`.
const MARKER: &str = "$array";
/// The key of a JSON object that stands for a non-finite number, kept as a one-value array.
const SCALAR: &str = "$scalar";

fn bad(e: impl std::fmt::Display) -> Error {
    Error::ModelFile(format!("model state: {e}"))
}

/// Saving and loading a fitted model's parts. Every serde type has it;
/// a model with a layout of its own (the booster's trees) implements it by hand.
pub trait SaveState: Sized {
    fn save_state(&self) -> Result<Parts>;
    fn load_state(parts: &Parts) -> Result<Self>;

    /// The state the learned attributes are read from: the saved state, or
    /// any part of it that holds every field not named with a leading `_`.
    fn shown_state(&self) -> Result<Parts> {
        self.save_state()
    }
}

impl<T: Serialize + DeserializeOwned> SaveState for T {
    fn save_state(&self) -> Result<Parts> {
        to_parts(self)
    }

    fn load_state(parts: &Parts) -> Result<Self> {
        from_parts(parts)
    }

    /// Only the fields attributes show are serialized: a model's hidden
    /// state (a neighbour index's training rows, a forest's trees) can be
    /// far larger than the model's attributes, and Python reads the
    /// attributes after every fit.
    fn shown_state(&self) -> Result<Parts> {
        match self.serialize(shown::Fields) {
            Ok(fields) => {
                let mut arrays = Arrays::new();
                let state = to_json(Value::Map(fields), "", &mut arrays)?;
                Ok(Parts { params: Json::Null, state, arrays })
            }
            // Not a struct: everything is saved state.
            Err(_) => to_parts(self),
        }
    }
}

/// A serializer that keeps a struct's fields whose names do not start
/// with `_` (nor `params`), each as a serde value, and refuses anything
/// but a struct.
mod shown {
    use std::collections::BTreeMap;

    use serde::ser::{Impossible, Serialize, SerializeStruct, Serializer};
    use serde_value::{SerializerError as E, Value};

    pub struct Fields;

    pub struct Kept(BTreeMap<Value, Value>);

    type Map = BTreeMap<Value, Value>;

    fn not_struct<T>() -> Result<T, E> {
        Err(E::Custom("not a struct".into()))
    }

    macro_rules! refuse {
        ($($f:ident($($t:ty),*);)*) => {
            $(fn $f(self, $(_: $t),*) -> Result<Map, E> { not_struct() })*
        };
    }

    impl Serializer for Fields {
        type Ok = Map;
        type Error = E;
        type SerializeSeq = Impossible<Map, E>;
        type SerializeTuple = Impossible<Map, E>;
        type SerializeTupleStruct = Impossible<Map, E>;
        type SerializeTupleVariant = Impossible<Map, E>;
        type SerializeMap = Impossible<Map, E>;
        type SerializeStruct = Kept;
        type SerializeStructVariant = Impossible<Map, E>;

        refuse! {
            serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32); serialize_i64(i64);
            serialize_u8(u8); serialize_u16(u16); serialize_u32(u32); serialize_u64(u64);
            serialize_f32(f32); serialize_f64(f64); serialize_char(char); serialize_str(&str);
            serialize_bytes(&[u8]); serialize_none(); serialize_unit(); serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Map, E> {
            not_struct()
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result<Map, E> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Map, E> {
            not_struct()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, E> {
            not_struct()
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, E> {
            not_struct()
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, E> {
            not_struct()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, E> {
            not_struct()
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, E> {
            not_struct()
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Kept, E> {
            Ok(Kept(BTreeMap::new()))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, E> {
            not_struct()
        }
    }

    impl SerializeStruct for Kept {
        type Ok = Map;
        type Error = E;

        fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), E> {
            if !key.starts_with('_') && key != "params" {
                self.0.insert(Value::String(key.into()), serde_value::to_value(value)?);
            }
            Ok(())
        }

        fn end(self) -> Result<Map, E> {
            Ok(self.0)
        }
    }
}

/// Splits a serializable fitted model into parts.
pub fn to_parts<T: Serialize>(model: &T) -> Result<Parts> {
    let tree = serde_value::to_value(model).map_err(bad)?;
    let mut arrays = Arrays::new();
    let mut state = to_json(tree, "", &mut arrays)?;
    let params = match &mut state {
        Json::Object(m) => m.remove("params").unwrap_or(Json::Null),
        _ => Json::Null,
    };
    Ok(Parts { params, state, arrays })
}

/// Rebuilds a fitted model from parts written by [`to_parts`].
pub fn from_parts<T: DeserializeOwned>(parts: &Parts) -> Result<T> {
    let mut state = parts.state.clone();
    if let Json::Object(m) = &mut state {
        if !parts.params.is_null() {
            m.insert("params".into(), parts.params.clone());
        }
        legacy_arrays(m, &parts.arrays);
    }
    let tree = from_json(&state, &parts.arrays)?;
    T::deserialize(serde_value::ValueDeserializer::<serde_value::DeserializerError>::new(tree)).map_err(bad)
}

/// The learned attributes: each top-level field but `params`, named with a trailing `_`.
pub fn attributes(parts: &Parts) -> Vec<(String, Attribute)> {
    let Json::Object(fields) = &parts.state else { return Vec::new() };
    fields
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (format!("{k}_"), attribute(v, &parts.arrays)))
        .collect()
}

fn attribute(v: &Json, arrays: &Arrays) -> Attribute {
    let as_array = |name: &str| -> Option<Attribute> {
        let (shape, data) = arrays.get_raw(name)?;
        let values: Vec<f64> = data.to_f64();
        ndarray::ArrayD::from_shape_vec(shape.to_vec(), values).ok().map(Attribute::Array)
    };
    match v {
        Json::Number(n) => Attribute::Number(n.as_f64().unwrap_or(f64::NAN)),
        Json::Object(m) if m.len() == 1 && m.contains_key(MARKER) => {
            m[MARKER].as_str().and_then(as_array).unwrap_or(Attribute::Json(v.clone()))
        }
        // ndarray's serde layout: {"v": 1, "dim": [...], "data": ...}.
        Json::Object(m) if m.contains_key("dim") && m.contains_key("data") => {
            let dim: Option<Vec<usize>> = serde_json::from_value(m["dim"].clone()).ok();
            let data: Option<Vec<f64>> = match &m["data"] {
                Json::Object(d) => {
                    d.get(MARKER).and_then(Json::as_str).and_then(|n| arrays.get_raw(n)).map(|(_, a)| a.to_f64())
                }
                other => serde_json::from_value(other.clone()).ok(),
            };
            match (dim, data) {
                (Some(d), Some(x)) => {
                    ndarray::ArrayD::from_shape_vec(d, x).map_or(Attribute::Json(v.clone()), Attribute::Array)
                }
                _ => Attribute::Json(v.clone()),
            }
        }
        Json::Array(items) if items.iter().all(Json::is_string) => {
            Attribute::Strings(items.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        }
        Json::Array(items) if items.iter().all(Json::is_number) => Attribute::Array(
            ndarray::Array1::from_iter(items.iter().map(|x| x.as_f64().unwrap_or(f64::NAN))).into_dyn(),
        ),
        other => Attribute::Json(resolved(other, arrays)),
    }
}

/// Nested state with every array marker replaced by the array's values (as
/// nested JSON lists of its shape), so that no attribute shows a marker.
fn resolved(v: &Json, arrays: &Arrays) -> Json {
    match v {
        Json::Object(m) if m.len() == 1 && m.contains_key(MARKER) => {
            let Some((shape, data)) = m[MARKER].as_str().and_then(|n| arrays.get_raw(n)) else { return v.clone() };
            let values = data.to_f64();
            let inner = shape.iter().skip(1).product::<usize>().max(1);
            match shape.len() {
                0 | 1 => Json::from(values),
                _ => Json::Array(values.chunks(inner).map(|c| Json::from(c.to_vec())).collect()),
            }
        }
        Json::Object(m) => Json::Object(m.iter().map(|(k, x)| (k.clone(), resolved(x, arrays))).collect()),
        Json::Array(items) => Json::Array(items.iter().map(|x| resolved(x, arrays)).collect()),
        other => other.clone(),
    }
}

/// Files of format version 1 kept a model's arrays at top level, each named
/// after its field, with no marker in the state: such an array fills the
/// field of its name (a matrix in ndarray's layout).
fn legacy_arrays(state: &mut Map<String, Json>, arrays: &Arrays) {
    for (name, a) in arrays.iter() {
        if name.contains('/') || state.contains_key(name) {
            continue;
        }
        let marker = Json::Object(Map::from_iter([(MARKER.to_string(), Json::String(name.clone()))]));
        let value =
            if a.shape.len() == 2 { serde_json::json!({ "v": 1, "dim": a.shape, "data": marker }) } else { marker };
        state.insert(name.clone(), value);
    }
}

/// Serde for a one-dimensional ndarray as a plain sequence (`#[serde(with = "ironlearn_core::state::array1")]`),
/// the layout version 1 files used for vectors.
pub mod array1 {
    use ndarray::Array1;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(a: &Array1<f64>, s: S) -> Result<S::Ok, S::Error> {
        match a.as_slice() {
            Some(v) => v.serialize(s),
            None => a.to_vec().serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array1<f64>, D::Error> {
        Ok(Array1::from(Vec::<f64>::deserialize(d)?))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}/{key}")
    }
}

/// The numbers of a sequence as one typed array, when they all have one type.
fn numeric(items: &[Value]) -> Option<ArrayData> {
    macro_rules! all {
        ($variant:ident, $conv:expr, $data:ident) => {
            if items.iter().all(|v| matches!(v, Value::$variant(_))) {
                return Some(ArrayData::$data(
                    items.iter().map(|v| if let Value::$variant(x) = v { $conv(*x) } else { unreachable!() }).collect(),
                ));
            }
        };
    }
    if items.is_empty() {
        return None;
    }
    all!(F64, |x: f64| x, F64);
    all!(F32, |x: f32| x, F32);
    all!(U8, |x: u8| x, U8);
    all!(U32, |x: u32| x, U32);
    all!(I32, |x: i32| x, I32);
    all!(I64, |x: i64| x, I64);
    all!(U16, |x: u16| x as u32, U32);
    all!(I16, |x: i16| x as i32, I32);
    if items.iter().all(|v| matches!(v, Value::U64(x) if *x <= i64::MAX as u64)) {
        return Some(ArrayData::I64(items.iter().map(|v| if let Value::U64(x) = v { *x as i64 } else { 0 }).collect()));
    }
    None
}

fn lift(path: &str, data: ArrayData, arrays: &mut Arrays) -> Json {
    marker(MARKER, path, data, arrays)
}

fn marker(key: &str, path: &str, data: ArrayData, arrays: &mut Arrays) -> Json {
    let n = data.len();
    arrays.insert_raw(path.to_string(), NamedArray { shape: vec![n], data });
    Json::Object(Map::from_iter([(key.to_string(), Json::String(path.to_string()))]))
}

fn number(x: f64) -> Option<Json> {
    serde_json::Number::from_f64(x).map(Json::Number)
}

fn to_json(v: Value, path: &str, arrays: &mut Arrays) -> Result<Json> {
    Ok(match v {
        Value::Bool(b) => Json::Bool(b),
        Value::U8(x) => x.into(),
        Value::U16(x) => x.into(),
        Value::U32(x) => x.into(),
        Value::U64(x) => x.into(),
        Value::I8(x) => x.into(),
        Value::I16(x) => x.into(),
        Value::I32(x) => x.into(),
        Value::I64(x) => x.into(),
        // A non-finite scalar travels as a one-value array: JSON cannot hold it.
        Value::F32(x) => number(f64::from(x)).unwrap_or_else(|| marker(SCALAR, path, ArrayData::F32(vec![x]), arrays)),
        Value::F64(x) => number(x).unwrap_or_else(|| marker(SCALAR, path, ArrayData::F64(vec![x]), arrays)),
        Value::Char(c) => Json::String(c.to_string()),
        Value::String(s) => Json::String(s),
        Value::Unit | Value::Option(None) => Json::Null,
        Value::Option(Some(v)) | Value::Newtype(v) => to_json(*v, path, arrays)?,
        Value::Seq(items) => {
            let non_finite = items.iter().any(|v| match v {
                Value::F64(x) => !x.is_finite(),
                Value::F32(x) => !x.is_finite(),
                _ => false,
            });
            match numeric(&items) {
                Some(data) if items.len() >= LIFT_LEN || non_finite => lift(path, data, arrays),
                _ => Json::Array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| to_json(v, &join(path, &i.to_string()), arrays))
                        .collect::<Result<_>>()?,
                ),
            }
        }
        Value::Map(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Value::String(s) => s,
                    Value::Char(c) => c.to_string(),
                    other => return Err(bad(format!("map key {other:?} is not a string"))),
                };
                let value = to_json(v, &join(path, &key), arrays)?;
                out.insert(key, value);
            }
            Json::Object(out)
        }
        Value::Bytes(b) => lift(path, ArrayData::U8(b), arrays),
    })
}

fn from_json(v: &Json, arrays: &Arrays) -> Result<Value> {
    Ok(match v {
        Json::Null => Value::Option(None),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Value::U64(u),
            (None, Some(i)) => Value::I64(i),
            _ => Value::F64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Seq(items.iter().map(|x| from_json(x, arrays)).collect::<Result<_>>()?),
        Json::Object(m) if m.len() == 1 && (m.contains_key(MARKER) || m.contains_key(SCALAR)) => {
            let (key, name) = m.iter().next().expect("one entry");
            let name = name.as_str().ok_or_else(|| bad(format!("the {key} marker is not a name")))?;
            let (_, data) = arrays.get_raw(name).ok_or_else(|| bad(format!("array '{name}' is missing")))?;
            let mut values: Vec<Value> = match data {
                ArrayData::F64(v) => v.iter().map(|&x| Value::F64(x)).collect(),
                ArrayData::F32(v) => v.iter().map(|&x| Value::F32(x)).collect(),
                ArrayData::I64(v) => v.iter().map(|&x| Value::I64(x)).collect(),
                ArrayData::I32(v) => v.iter().map(|&x| Value::I32(x)).collect(),
                ArrayData::U32(v) => v.iter().map(|&x| Value::U32(x)).collect(),
                ArrayData::U8(v) => v.iter().map(|&x| Value::U8(x)).collect(),
                other => {
                    return Err(bad(format!("array '{name}' holds {}, which no model state uses", other.dtype_name())))
                }
            };
            if key == SCALAR {
                if values.len() != 1 {
                    return Err(bad(format!("array '{name}' should hold one number, not {}", values.len())));
                }
                values.pop().expect("one value")
            } else {
                Value::Seq(values)
            }
        }
        Json::Object(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                out.insert(Value::String(k.clone()), from_json(v, arrays)?);
            }
            Value::Map(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Fitted {
        params: BTreeMap<String, f64>,
        coef: ndarray::Array2<f64>,
        mean: Vec<f64>,
        codes: Vec<u32>,
        counts: Vec<usize>,
        scale: f64,
        missing: f64,
        names: Vec<String>,
        best: Option<usize>,
        short: Vec<f64>,
    }

    #[test]
    fn state_round_trips_exactly_with_arrays_binary() {
        let m = Fitted {
            params: BTreeMap::from([("alpha".to_string(), 0.5)]),
            coef: ndarray::Array2::from_shape_fn((4, 5), |(i, j)| (i * 5 + j) as f64 / 3.0),
            mean: vec![f64::NAN, 1.0, f64::INFINITY],
            codes: (0..40).collect(),
            counts: (0..20).collect(),
            scale: 0.1 + 0.2,
            missing: f64::NAN,
            names: vec!["a".into(), "b".into()],
            best: None,
            short: vec![1.0, 2.5],
        };
        let parts = to_parts(&m).unwrap();
        assert_eq!(parts.params, serde_json::json!({"alpha": 0.5}));
        assert!(parts.state.get("params").is_none());
        let names: Vec<&String> = parts.arrays.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["codes", "coef/data", "counts", "mean", "missing"]);
        let back: Fitted = from_parts(&parts).unwrap();
        assert!(back.mean[0].is_nan() && back.missing.is_nan());
        assert_eq!((back.coef.clone(), back.codes.clone(), back.scale), (m.coef.clone(), m.codes.clone(), m.scale));
        assert_eq!((back.counts, back.names, back.best, back.short), (m.counts, m.names, m.best, m.short));
        let attrs = attributes(&parts);
        let coef = attrs.iter().find(|(n, _)| n == "coef_").unwrap();
        assert_eq!(coef.1, Attribute::Array(m.coef.into_dyn()));
        assert!(attrs.iter().any(|(n, a)| n == "scale_" && *a == Attribute::Number(0.1 + 0.2)));
    }
}
