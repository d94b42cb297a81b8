//! Loading any model file into a model object.

use std::path::Path;

use ironlearn_core::{Header, Model, ModelFile, Parts, Result};

use crate::{find, FittedPipeline};

/// A loaded model with the header it was saved with.
#[derive(Debug)]
pub struct Loaded {
    pub header: Header,
    pub model: Box<dyn Model>,
}

/// Rebuilds a model of `kind` from its parts.
pub fn load_parts(kind: &str, parts: Parts) -> Result<Box<dyn Model>> {
    match kind {
        "pipeline" => return Ok(Box::new(FittedPipeline::from_parts(parts)?)),
        "column_transformer" => return Ok(Box::new(crate::FittedColumnTransformer::from_parts(parts)?)),
        "feature_union" => return Ok(Box::new(crate::FittedFeatureUnion::from_parts(parts)?)),
        _ => {}
    }
    let entry = find(kind).map_err(|_| {
        ironlearn_core::Error::ModelFile(format!("unknown model kind '{kind}' (written by a newer ironlearn?)"))
    })?;
    (entry.load)(&parts)
}

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
