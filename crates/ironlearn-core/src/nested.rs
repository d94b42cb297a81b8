//! Estimators inside estimators: the parameter that names one, the fitted
//! one saved inside its parent, and composites found by name.
//!
//! Voting, stacking, bagging, calibration and one-vs-rest wrap other
//! estimators. Their hyperparameter is data ([`EstimatorSpec`]: a kind and
//! its parameters, as pipelines and grid searches describe candidates), so
//! the wrapper stays a plain `hyperparams!` struct that Python, the CLI and
//! the model file handle like any other. The fitted parts ([`SubModel`])
//! serialize with their parent through serde, so the parent's fitted type
//! derives its saving like every other model and needs no loader of its own.
//! Composites that are not registered estimators (pipelines) register a
//! builder and a loader here, so a spec may name them too.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::arrays::{ArrayData, NamedArray};
use crate::{Arrays, Error, Estimator, Model, Parts, Result};

/// A composite kind that is not a registered estimator (`pipeline`), found
/// by name like one: `inventory::submit!` it beside its type.
#[derive(Debug)]
pub struct Composite {
    pub name: &'static str,
    /// Builds it from its spec's parameters.
    pub build: fn(&Value) -> Result<Box<dyn Estimator>>,
    /// Rebuilds a fitted one from its saved parts.
    pub load: fn(Parts) -> Result<Box<dyn Model>>,
}

inventory::collect!(Composite);

fn composite(kind: &str) -> Option<&'static Composite> {
    inventory::iter::<Composite>.into_iter().find(|c| c.name == kind)
}

/// Builds estimator `kind` from its parameters: a composite or a registered estimator.
pub fn build_any(kind: &str, params: &Value) -> Result<Box<dyn Estimator>> {
    let empty = Value::Object(Map::new());
    let params = if params.is_null() { &empty } else { params };
    if let Some(c) = composite(kind) {
        return (c.build)(params);
    }
    let Value::Object(m) = params else {
        return Err(Error::param("params", format!("the parameters of '{kind}' must be an object, got {params}")));
    };
    crate::registry::build_estimator(kind, m)
}

/// Rebuilds a fitted model of `kind` from its saved parts.
pub fn load_parts(kind: &str, parts: Parts) -> Result<Box<dyn Model>> {
    if let Some(c) = composite(kind) {
        return (c.load)(parts);
    }
    let entry = crate::registry::find(kind)
        .map_err(|_| Error::ModelFile(format!("unknown model kind '{kind}' (written by a newer ironlearn?)")))?;
    (entry.load)(&parts)
}

/// An estimator given as a parameter: `{"kind": "ridge", "params": {"alpha": 2}}`,
/// or just its kind (`"ridge"`). A list of them may name each one (`name`),
/// as scikit-learn's `estimators=[("lr", LogisticRegression()), ...]` does;
/// the kind `"drop"` leaves a named one out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimatorSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: String,
    pub params: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SpecForm {
    Kind(String),
    Full {
        #[serde(default)]
        name: Option<String>,
        kind: String,
        #[serde(default)]
        params: Option<Map<String, Value>>,
    },
}

impl<'de> Deserialize<'de> for EstimatorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match SpecForm::deserialize(d)
            .map_err(|_| D::Error::custom("an estimator is its kind (\"ridge\") or {\"kind\": K, \"params\": {...}}"))?
        {
            SpecForm::Kind(kind) => Ok(EstimatorSpec { name: None, kind, params: Map::new() }),
            SpecForm::Full { name, kind, params } => {
                Ok(EstimatorSpec { name, kind, params: params.unwrap_or_default() })
            }
        }
    }
}

impl EstimatorSpec {
    /// Estimator `kind` with its default parameters.
    pub fn new(kind: &str) -> Self {
        EstimatorSpec { name: None, kind: kind.to_string(), params: Map::new() }
    }

    /// The same with parameters.
    pub fn with(mut self, params: Value) -> Self {
        if let Value::Object(m) = params {
            self.params = m;
        }
        self
    }

    /// Whether this entry is left out (`"drop"`).
    pub fn is_drop(&self) -> bool {
        self.kind == "drop"
    }

    /// Its name in a list: the given one, else the kind.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.kind)
    }

    /// The estimator it describes, with its parameters checked.
    pub fn build(&self) -> Result<Box<dyn Estimator>> {
        build_any(&self.kind, &Value::Object(self.params.clone()))
            .map_err(|e| Error::param(self.display_name(), e.to_string()))
    }
}

/// Checks a list of named estimators: at least one kept, names unique.
pub fn check_named(what: &str, list: &[EstimatorSpec]) -> Result<()> {
    if list.iter().all(EstimatorSpec::is_drop) {
        return Err(Error::param(what, "needs at least one estimator that is not 'drop'"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in list {
        if !seen.insert(s.display_name()) {
            return Err(Error::param(what, format!("names must be unique; '{}' is given twice", s.display_name())));
        }
    }
    Ok(())
}

/// A fitted estimator kept inside another fitted model and saved with it.
#[derive(Clone)]
pub struct SubModel(pub Arc<dyn Model>);

impl SubModel {
    pub fn new(model: Box<dyn Model>) -> Self {
        SubModel(Arc::from(model))
    }
}

impl Deref for SubModel {
    type Target = dyn Model;

    fn deref(&self) -> &dyn Model {
        self.0.as_ref()
    }
}

impl fmt::Debug for SubModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

// The nested state is the sub-model's JSON as its own `to_parts` wrote it,
// with array markers renamed so that the parent's loading leaves them alone;
// its arrays travel as typed sequences, which the parent lifts into its own
// binary arrays.
const NESTED_MARKERS: [(&str, &str); 2] = [("$array", "$sub_array"), ("$scalar", "$sub_scalar")];

fn rename_markers(v: &Value, outward: bool) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 => {
            let (k, x) = m.iter().next().expect("one entry");
            for (inner, outer) in NESTED_MARKERS {
                let (from, to) = if outward { (inner, outer) } else { (outer, inner) };
                if k == from {
                    return Value::Object(Map::from_iter([(to.to_string(), x.clone())]));
                }
            }
            Value::Object(m.iter().map(|(k, x)| (k.clone(), rename_markers(x, outward))).collect())
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), rename_markers(x, outward))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|x| rename_markers(x, outward)).collect()),
        other => other.clone(),
    }
}

#[derive(Serialize, Deserialize)]
struct SavedArray {
    dtype: String,
    shape: Vec<usize>,
    data: serde_value::Value,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    kind: String,
    params: Value,
    state: Value,
    arrays: BTreeMap<String, SavedArray>,
}

fn typed_values(data: &ArrayData) -> serde_value::Value {
    use serde_value::Value as V;
    let seq: Vec<V> = match data {
        ArrayData::F64(v) => v.iter().map(|&x| V::F64(x)).collect(),
        ArrayData::F32(v) => v.iter().map(|&x| V::F32(x)).collect(),
        ArrayData::I64(v) => v.iter().map(|&x| V::I64(x)).collect(),
        ArrayData::I32(v) => v.iter().map(|&x| V::I32(x)).collect(),
        ArrayData::U32(v) => v.iter().map(|&x| V::U32(x)).collect(),
        ArrayData::U8(v) => v.iter().map(|&x| V::U8(x)).collect(),
        ArrayData::F16(v) => v.iter().map(|&x| V::F32(x.to_f32())).collect(),
        ArrayData::BF16(v) => v.iter().map(|&x| V::F32(x.to_f32())).collect(),
    };
    V::Seq(seq)
}

fn from_values(dtype: &str, data: &serde_value::Value) -> std::result::Result<ArrayData, String> {
    use serde_value::Value as V;
    let V::Seq(items) = data else { return Err(format!("a nested {dtype} array is not a sequence")) };
    let num = |v: &V| -> Option<f64> {
        Some(match *v {
            V::F64(x) => x,
            V::F32(x) => f64::from(x),
            V::U8(x) => f64::from(x),
            V::U16(x) => f64::from(x),
            V::U32(x) => f64::from(x),
            V::U64(x) => x as f64,
            V::I8(x) => f64::from(x),
            V::I16(x) => f64::from(x),
            V::I32(x) => f64::from(x),
            V::I64(x) => x as f64,
            _ => return None,
        })
    };
    let int = |v: &V| -> Option<i64> {
        Some(match *v {
            V::U8(x) => i64::from(x),
            V::U16(x) => i64::from(x),
            V::U32(x) => i64::from(x),
            V::U64(x) => i64::try_from(x).ok()?,
            V::I8(x) => i64::from(x),
            V::I16(x) => i64::from(x),
            V::I32(x) => i64::from(x),
            V::I64(x) => x,
            // Integers shown as floats (a parent's attributes show every array as f64).
            V::F64(x) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => x as i64,
            _ => return None,
        })
    };
    let bad = || format!("a nested {dtype} array holds a value of another type");
    let floats = || items.iter().map(|v| num(v).ok_or_else(bad)).collect::<std::result::Result<Vec<f64>, String>>();
    let ints = || items.iter().map(|v| int(v).ok_or_else(bad)).collect::<std::result::Result<Vec<i64>, String>>();
    Ok(match dtype {
        "F64" => ArrayData::F64(floats()?),
        "F32" => ArrayData::F32(floats()?.into_iter().map(|x| x as f32).collect()),
        "F16" => ArrayData::F16(floats()?.into_iter().map(half::f16::from_f64).collect()),
        "BF16" => ArrayData::BF16(floats()?.into_iter().map(half::bf16::from_f64).collect()),
        "I64" => ArrayData::I64(ints()?),
        "I32" => ArrayData::I32(narrow(ints()?, dtype)?),
        "U32" => ArrayData::U32(narrow(ints()?, dtype)?),
        "U8" => ArrayData::U8(narrow(ints()?, dtype)?),
        other => return Err(format!("unknown nested array type '{other}'")),
    })
}

fn narrow<T: TryFrom<i64>>(v: Vec<i64>, dtype: &str) -> std::result::Result<Vec<T>, String> {
    v.into_iter().map(|x| T::try_from(x).map_err(|_| format!("{x} does not fit a nested {dtype} array"))).collect()
}

impl Serialize for SubModel {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let parts = self.0.parts().map_err(S::Error::custom)?;
        let arrays = parts
            .arrays
            .iter()
            .map(|(name, a)| {
                let saved = SavedArray {
                    dtype: a.data.dtype_name().to_string(),
                    shape: a.shape.clone(),
                    data: typed_values(&a.data),
                };
                (name.clone(), saved)
            })
            .collect();
        Saved {
            kind: self.0.kind().to_string(),
            params: parts.params,
            state: rename_markers(&parts.state, true),
            arrays,
        }
        .serialize(s)
    }
}

fn rebuild(saved: Saved) -> Result<Box<dyn Model>> {
    let bad = |m: String| Error::ModelFile(format!("a nested '{}' model: {m}", saved.kind));
    let mut arrays = Arrays::new();
    for (name, a) in saved.arrays {
        let data = from_values(&a.dtype, &a.data).map_err(bad)?;
        if a.shape.iter().product::<usize>() != data.len() {
            return Err(bad(format!("array '{name}' does not have its shape {:?}", a.shape)));
        }
        arrays.insert_raw(name, NamedArray { shape: a.shape, data });
    }
    let parts = Parts { params: saved.params, state: rename_markers(&saved.state, false), arrays };
    load_parts(&saved.kind, parts)
}

/// Rebuilds a fitted sub-model from its saved form as JSON (as its
/// parent's attributes show it), so that Python can hand it out.
pub fn load_saved_json(v: &Value) -> Result<Box<dyn Model>> {
    let saved: Saved =
        serde_json::from_value(v.clone()).map_err(|e| Error::ModelFile(format!("not a nested model: {e}")))?;
    rebuild(saved)
}

impl<'de> Deserialize<'de> for SubModel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        rebuild(Saved::deserialize(d)?).map(SubModel::new).map_err(D::Error::custom)
    }
}
