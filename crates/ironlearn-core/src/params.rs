//! Hyperparameters declared once.
//!
//! Each estimator's parameters are a plain struct written with
//! [`hyperparams!`](crate::hyperparams): every field states its default, its
//! accepted range and its aliases next to its doc comment. From that one
//! declaration come `Default`, serde, validation, the CLI's `--set key=value`,
//! the Python keyword arguments and `ironlearn models`, so they cannot drift.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Domain, Error, Result, Tags};

/// One hyperparameter: its name, aliases, default, domain and documentation.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub default: Value,
    /// The Rust type, as declared (`f64`, `usize`, `Option<u64>`, `String`, ...).
    #[serde(rename = "type")]
    pub rust_type: &'static str,
    /// The accepted values as data.
    pub domain: Domain,
    /// The accepted values in words ("an integer >= 1"); empty when any value of the type is accepted.
    pub accepts: String,
    pub doc: &'static str,
}

impl ParamSpec {
    /// Checks a JSON value against the domain; the error names the parameter.
    pub fn check(&self, value: &Value) -> Result<()> {
        if self.domain.contains(value) {
            Ok(())
        } else {
            Err(Error::param(self.name, format!("must be {}, got {value}", self.domain.describe())))
        }
    }

    /// Whether the parameter may be left unset (`None`).
    pub fn optional(&self) -> bool {
        self.rust_type.starts_with("Option")
    }
}

/// A hyperparameter struct.
pub trait Params: Serialize + DeserializeOwned + Default + Clone + std::fmt::Debug {
    /// The estimator's registry name, such as `"ridge"`.
    const NAME: &'static str;

    /// The struct's documentation; its first line is the one-line summary.
    const DOC: &'static str;

    /// Other names the estimator is known by (`ironlearn train --model ols`).
    const ALIASES: &'static [&'static str] = &[];

    /// What the estimator can do.
    const TAGS: Tags = Tags::DEFAULT;

    /// The parameters, in declaration order.
    fn specs() -> Vec<ParamSpec>;

    /// Checks every parameter's range; the error names the parameter.
    fn validate(&self) -> Result<()>;

    /// The parameters as a JSON object.
    fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("hyperparameters serialize")
    }

    /// Parameters from a JSON object, starting from the defaults. Aliases are
    /// accepted; an unknown name or a value of the wrong type is an error
    /// naming the parameter.
    fn from_json(values: &Map<String, Value>) -> Result<Self> {
        let specs = Self::specs();
        let mut merged = match Self::default().to_json() {
            Value::Object(m) => m,
            _ => unreachable!("hyperparameters serialize to an object"),
        };
        for (key, value) in values {
            let spec = find_spec(&specs, key).ok_or_else(|| Error::UnknownParam {
                name: key.clone(),
                estimator: Self::NAME.to_string(),
                accepted: specs.iter().map(|s| s.name.to_string()).collect(),
            })?;
            check_type(spec, value)?;
            spec.check(value)?;
            merged.insert(spec.name.to_string(), value.clone());
        }
        let params: Self = serde_json::from_value(Value::Object(merged))
            .map_err(|e| Error::param(Self::NAME, format!("invalid parameters: {e}")))?;
        params.validate()?;
        Ok(params)
    }

    /// Parameters from a JSON value that must be an object (as stored in a model file).
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Object(m) => Self::from_json(m),
            Value::Null => Self::from_json(&Map::new()),
            _ => Err(Error::ModelFile(format!("the parameters of '{}' are not a JSON object", Self::NAME))),
        }
    }

    /// Parameters from `key=value` text pairs, as the CLI's `--set` gives them.
    fn from_strs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Result<Self> {
        let specs = Self::specs();
        let mut map = Map::new();
        for (k, v) in pairs {
            let value = match find_spec(&specs, k.as_ref()) {
                Some(spec) => parse_text(spec, v.as_ref())?,
                None => Value::String(v.as_ref().to_string()), // from_json names the unknown key
            };
            map.insert(k.as_ref().to_string(), value);
        }
        Self::from_json(&map)
    }
}

/// The spec called `key`, by name or alias.
pub fn find_spec<'a>(specs: &'a [ParamSpec], key: &str) -> Option<&'a ParamSpec> {
    specs.iter().find(|s| s.name == key || s.aliases.contains(&key))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "none",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Whether the declared type takes one JSON type (a number, a bool, a
/// string, a list, or an option of one); a type of several forms (an enum
/// such as "sqrt" or a fraction) is judged by its own deserializer instead.
fn one_json_type(rust_type: &str) -> bool {
    let t = rust_type.replace(' ', "");
    let inner = t.strip_prefix("Option<").and_then(|s| s.strip_suffix('>')).unwrap_or(&t);
    matches!(inner, "f64" | "f32" | "usize" | "u64" | "u32" | "u8" | "i64" | "i32" | "bool" | "String")
        || inner.starts_with("Vec<")
}

fn check_type(spec: &ParamSpec, value: &Value) -> Result<()> {
    if !one_json_type(spec.rust_type) {
        return Ok(());
    }
    let ok = match (&spec.default, value) {
        (_, Value::Null) => spec.optional() || spec.default.is_null(),
        (Value::Null, _) => true, // optional: the struct's deserializer decides
        (Value::Number(d), Value::Number(v)) => d.is_f64() || !v.is_f64(),
        (Value::Bool(_), Value::Bool(_)) | (Value::String(_), Value::String(_)) => true,
        (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::param(
            spec.name,
            format!("expected {}, got {} ({value})", type_name(&spec.default), type_name(value)),
        ))
    }
}

/// Parses command-line text into the JSON type of the parameter's default.
pub fn parse_text(spec: &ParamSpec, text: &str) -> Result<Value> {
    let bad = |what: &str| Error::param(spec.name, format!("expected {what}, got '{text}'"));
    let t = text.trim();
    // A type of several forms reads the text as whichever form it is.
    let default = if one_json_type(spec.rust_type) { &spec.default } else { &Value::Null };
    Ok(match default {
        Value::Bool(_) => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Value::Number(n) if n.is_f64() => t.parse::<f64>().ok().and_then(json_f64).ok_or_else(|| bad("a number"))?,
        Value::Number(_) => match t.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => return Err(bad("an integer")),
        },
        Value::String(_) => Value::String(t.to_string()),
        Value::Array(_) => {
            let list = serde_json::from_str(t)
                .ok()
                .filter(Value::is_array)
                .or_else(|| serde_json::from_str(&format!("[{t}]")).ok())
                .unwrap_or_else(|| Value::Array(t.split(',').map(|s| Value::String(s.trim().to_string())).collect()));
            // A list of names may hold indices too ("categorical_feature=0,3"): as text, as typed.
            match list {
                Value::Array(items) if spec.rust_type.replace(' ', "") == "Vec<String>" => Value::Array(
                    items
                        .into_iter()
                        .map(|v| match v {
                            Value::Number(n) => Value::String(n.to_string()),
                            v => v,
                        })
                        .collect(),
                ),
                v => v,
            }
        }
        Value::Object(_) => serde_json::from_str(t).map_err(|_| bad("JSON"))?,
        Value::Null => {
            if matches!(t, "none" | "None" | "null" | "") {
                Value::Null
            } else if let Ok(i) = t.parse::<i64>() {
                Value::from(i)
            } else if let Some(v) = t.parse::<f64>().ok().and_then(json_f64) {
                v
            } else if let Ok(v @ (Value::Array(_) | Value::Object(_) | Value::Bool(_))) = serde_json::from_str(t) {
                v
            } else {
                Value::String(t.to_string())
            }
        }
    })
}

fn json_f64(x: f64) -> Option<Value> {
    serde_json::Number::from_f64(x).map(Value::Number)
}

/// Declares a hyperparameter struct: fields with defaults, domains, checks
/// and aliases, and the estimator's name, aliases and capability tags.
///
/// ```
/// ironlearn_core::hyperparams! {
///     /// A toy estimator's parameters.
///     #[name = "toy"]
///     #[aliases("toy_model")]
///     #[tags(task = Some(ironlearn_core::Task::Regression), sample_weight)]
///     pub struct Toy {
///         /// Strength of the penalty.
///         alpha: f64 = 1.0, alias("lambda"), domain(ironlearn_core::Domain::float_min(0.0));
///         /// Whether to centre the data.
///         center: bool = true;
///         /// An odd number of votes.
///         votes: usize = 3, check(|v| v % 2 == 1, "odd");
///     }
/// }
/// use ironlearn_core::Params;
/// let p = Toy::from_strs(&[("lambda", "0.5")]).unwrap();
/// assert_eq!(p.alpha, 0.5);
/// assert!(Toy::from_strs(&[("alpha", "-1")]).unwrap_err().to_string().contains("'alpha'"));
/// assert!(Toy { votes: 2, ..Toy::default() }.validate().is_err());
/// assert!(Toy::TAGS.sample_weight && !Toy::TAGS.sparse);
/// ```
#[macro_export]
macro_rules! hyperparams {
    (
        $(#[doc = $sdoc:literal])*
        #[name = $kind:literal]
        $(#[aliases($($ealias:literal),* $(,)?)])?
        $(#[tags($($tag:ident $(= $tagval:expr)?),* $(,)?)])?
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr
                $(, alias($($alias:literal),+ $(,)?))?
                $(, domain($domain:expr))?
                $(, check($check:expr, $msg:literal))?
                ;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $crate::Params for $name {
            const NAME: &'static str = $kind;
            const DOC: &'static str = concat!($($sdoc, "\n"),*);
            const ALIASES: &'static [&'static str] = &[$($($ealias),*)?];
            const TAGS: $crate::Tags = $crate::Tags {
                $($($tag: $crate::hyperparams!(@tag $($tagval)?),)*)?
                ..$crate::Tags::DEFAULT
            };

            fn specs() -> Vec<$crate::ParamSpec> {
                let defaults = <Self as Default>::default();
                vec![$({
                    let domain = $crate::hyperparams!(@domain $ty $(, $domain)?);
                    let accepts = $crate::hyperparams!(@accepts domain $(, $msg)?);
                    $crate::ParamSpec {
                        name: stringify!($field),
                        aliases: &[$($($alias),+)?],
                        default: serde_json::to_value(&defaults.$field).expect("default serializes"),
                        rust_type: stringify!($ty),
                        domain,
                        accepts,
                        doc: concat!($($doc),*).trim_ascii(),
                    }
                }),*]
            }

            #[allow(unused_variables)]
            fn validate(&self) -> $crate::Result<()> {
                $(
                    {
                        let domain: $crate::Domain = $crate::hyperparams!(@domain $ty $(, $domain)?);
                        let value = serde_json::to_value(&self.$field).expect("a parameter serializes");
                        if !domain.contains(&value) {
                            return Err($crate::Error::param(
                                stringify!($field),
                                format!("must be {}, got {value}", domain.describe()),
                            ));
                        }
                    }
                    $(
                        let check: fn(&$ty) -> bool = $check;
                        if !check(&self.$field) {
                            // The value as the user wrote it (JSON), not Rust's debug form.
                            let value = serde_json::to_value(&self.$field).expect("a parameter serializes");
                            return Err($crate::Error::param(
                                stringify!($field),
                                format!("must be {}, got {value}", $msg),
                            ));
                        }
                    )?
                )*
                Ok(())
            }
        }
    };
    (@tag $val:expr) => { $val };
    (@tag) => { true };
    (@domain $ty:ty, $domain:expr) => { $domain };
    (@domain $ty:ty) => { $crate::Domain::for_type(stringify!($ty)) };
    (@accepts $domain:ident, $msg:literal) => {{
        let d = $domain.describe();
        if d.is_empty() { $msg.to_string() } else { format!("{d}, {}", $msg) }
    }};
    (@accepts $domain:ident) => { $domain.describe() };
}
