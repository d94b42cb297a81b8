//! Loading any model file into a model object.

use std::path::Path;

use ironlearn_core::{Arrays, Error, Header, Model, ModelFile, Parts, Result};
use serde_json::{json, Value};

/// A loaded model with the header it was saved with.
#[derive(Debug)]
pub struct Loaded {
    pub header: Header,
    pub model: Box<dyn Model>,
}

pub use ironlearn_core::nested::load_parts;

/// Builds the model a verified model file holds.
pub fn load_file(file: ModelFile) -> Result<Loaded> {
    let (header, parts) = file.into_parts();
    let model = load_parts(&header.kind, parts)?;
    Ok(Loaded { header, model })
}

/// Loads a model file from disk.
pub fn load(path: impl AsRef<Path>) -> Result<Loaded> {
    load_file(ModelFile::load(path)?)
}

/// Loads a model file from bytes.
pub fn load_bytes(bytes: &[u8]) -> Result<Loaded> {
    load_file(ModelFile::from_bytes(bytes)?)
}

/// The saved form of a composite's fitted parts: per part, its fields (name,
/// columns, ...) with its kind and parameters (the composite's parameters)
/// and with its state too (the composite's state); each part's arrays nest
/// under its index.
pub(crate) fn save_nested<'a>(
    parts: impl Iterator<Item = (Value, &'a dyn Model)>,
) -> Result<(Vec<Value>, Vec<Value>, Arrays)> {
    let (mut params, mut states, mut arrays) = (Vec::new(), Vec::new(), Arrays::new());
    for (i, (mut fields, model)) in parts.enumerate() {
        let p = model.parts()?;
        arrays.nest(&i.to_string(), p.arrays);
        fields["kind"] = json!(model.kind());
        fields["params"] = p.params;
        params.push(fields.clone());
        fields["state"] = p.state;
        states.push(fields);
    }
    Ok((params, states, arrays))
}

/// Rebuilds a composite's fitted parts saved by [`save_nested`], moving each
/// part's arrays out of `arrays`; returns each part's fields with its model.
pub(crate) fn load_nested(list: &Value, arrays: &mut Arrays, what: &str) -> Result<Vec<(Value, Box<dyn Model>)>> {
    let bad = |m: &str| Error::ModelFile(format!("{what}: {m}"));
    let list = list.as_array().ok_or_else(|| bad("no parts"))?;
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            p["name"].as_str().ok_or_else(|| bad("a part has no name"))?;
            let kind = p["kind"].as_str().ok_or_else(|| bad("a part has no kind"))?;
            let sub = Parts {
                params: p["params"].clone(),
                state: p["state"].clone(),
                arrays: arrays.take_sub(&i.to_string()),
            };
            Ok((p.clone(), load_parts(kind, sub)?))
        })
        .collect()
}

/// The name field of a part loaded by [`load_nested`].
pub(crate) fn part_name(fields: &Value) -> String {
    fields["name"].as_str().unwrap_or_default().to_string()
}
