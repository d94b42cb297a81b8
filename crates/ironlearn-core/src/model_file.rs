//! One file format for every model.
//!
//! A model file is a safetensors file: a JSON header and named little-endian
//! arrays, memory-mappable and readable from Python. ironlearn's own header
//! (format version, kind, library version, input schema, target, parameters,
//! metrics, training-data fingerprint, creation time, the model's small state,
//! and a SHA-256 checksum over all of it) sits under the `ironlearn` key of
//! the safetensors metadata. Loading parses data only and never executes
//! code; it checks the format, version, checksum and kind before any model
//! sees the payload.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::arrays::{ArrayData, NamedArray};
use crate::{Arrays, Error, Model, Parts, Result, Schema, Task, VERSION};

/// The version of the file layout this build writes; it reads every version up to it.
///
/// Version 2 added the model digest, the training row count and the
/// extension section; from version 2 on a reader ignores header fields it
/// does not know, so additions need no new version.
pub const FORMAT_VERSION: u32 = 2;

const KEY: &str = "ironlearn";

/// What a classifier or regressor was trained to predict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// The target column's name, when it had one.
    pub name: Option<String>,
    pub task: Task,
    /// The class labels of a classifier, in code order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// The labels' original type ("int64", "float64", "str", "bool"), so they come back as they went in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtype: Option<String>,
}

/// The JSON header of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format_version: u32,
    pub kind: String,
    pub library_version: String,
    /// UTC creation time (RFC 3339); `SOURCE_DATE_EPOCH` fixes it for reproducible files.
    pub created: String,
    pub schema: Schema,
    pub target: Option<TargetInfo>,
    pub params: Value,
    pub metrics: BTreeMap<String, f64>,
    pub data_fingerprint: Option<String>,
    /// The model's own small state.
    pub model: Value,
    /// How many rows the saved model was fitted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_rows: Option<u64>,
    /// SHA-256 of the model alone (kind, schema, target, parameters, state and
    /// arrays): equal for equal models, whenever and however fast they were trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Named additions (a run id, an output signature, an ONNX opset) that
    /// need no new format version; readers ignore the ones they do not know.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Value>,
    pub checksum: Option<String>,
}

/// A model file in memory: header and arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub header: Header,
    pub arrays: Arrays,
}

impl ModelFile {
    /// The file for `model`, with numeric features named `x0`, `x1`, ... until
    /// the caller sets a richer schema.
    pub fn from_model(model: &dyn Model) -> Result<Self> {
        let Parts { params, state, arrays } = model.parts()?;
        let task = model.task();
        let target = task.supervised().then(|| TargetInfo {
            name: None,
            task,
            classes: model.classes().map(<[String]>::to_vec),
            dtype: None,
        });
        Ok(ModelFile {
            header: Header {
                format_version: FORMAT_VERSION,
                kind: model.kind().to_string(),
                library_version: VERSION.to_string(),
                created: now_rfc3339(),
                schema: Schema::numeric(model.n_features_in()),
                target,
                params,
                metrics: BTreeMap::new(),
                data_fingerprint: None,
                model: state,
                train_rows: None,
                digest: None,
                extensions: BTreeMap::new(),
                checksum: None,
            },
            arrays,
        })
    }

    /// The SHA-256 of the model alone: what it predicts from and with, not
    /// when it was made, how long it took or how well it scored.
    pub fn digest(&self) -> Result<String> {
        let h = &self.header;
        let identity = serde_json::json!({
            "kind": h.kind, "schema": h.schema, "target": h.target, "params": h.params, "model": h.model,
        });
        let mut sha = Sha256::new();
        sha.update(serde_json::to_vec(&identity).map_err(|e| Error::ModelFile(format!("header: {e}")))?);
        hash_arrays(&mut sha, &self.arrays);
        Ok(hex(sha))
    }

    /// The parts a model is rebuilt from.
    pub fn parts(&self) -> Parts {
        Parts { params: self.header.params.clone(), state: self.header.model.clone(), arrays: self.arrays.clone() }
    }

    /// Fails unless the file holds a model of `kind`.
    pub fn expect_kind(&self, kind: &str) -> Result<()> {
        if self.header.kind != kind {
            return Err(Error::ModelFile(format!(
                "the file holds a '{}' model, not a '{kind}' model",
                self.header.kind
            )));
        }
        Ok(())
    }

    /// Records metrics; non-finite values are left out (JSON cannot hold them).
    pub fn set_metrics(&mut self, metrics: impl IntoIterator<Item = (String, f64)>) {
        self.header.metrics.extend(metrics.into_iter().filter(|(_, v)| v.is_finite()));
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut header = self.header.clone();
        header.format_version = header.format_version.max(FORMAT_VERSION);
        header.digest = Some(self.digest()?);
        header.checksum = None;
        header.checksum = Some(checksum(&header, &self.arrays)?);
        let meta = serde_json::to_string(&header).map_err(|e| Error::ModelFile(format!("header: {e}")))?;
        let tensors: Vec<(String, Tensor<'_>)> = self
            .arrays
            .iter()
            .map(|(name, a)| {
                (name.clone(), Tensor { shape: a.shape.clone(), data: &a.data, bytes: a.data.to_le_bytes() })
            })
            .collect();
        let info = std::collections::HashMap::from([(KEY.to_string(), meta)]);
        safetensors::serialize(tensors, Some(info)).map_err(|e| Error::ModelFile(format!("cannot write: {e}")))
    }

    /// Reads and verifies a model file from bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let tensors = safetensors::SafeTensors::deserialize(bytes).map_err(|e| {
            Error::ModelFile(format!(
                "not a readable ironlearn model file (truncated, corrupted or another format): {e}"
            ))
        })?;
        let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes)
            .map_err(|e| Error::ModelFile(format!("unreadable metadata: {e}")))?;
        let text = metadata.metadata().as_ref().and_then(|m| m.get(KEY)).ok_or_else(|| {
            Error::ModelFile("a safetensors file, but not an ironlearn model (it has no ironlearn header)".into())
        })?;
        let raw: Value = serde_json::from_str(text).map_err(|e| Error::ModelFile(format!("corrupted header: {e}")))?;
        let version = raw.get("format_version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(FORMAT_VERSION) {
            return Err(Error::ModelFile(format!(
                "format version {version} is newer than this ironlearn ({VERSION}) reads (up to {FORMAT_VERSION}); upgrade ironlearn"
            )));
        }
        if version == 0 {
            return Err(Error::ModelFile("the header has no valid format_version".into()));
        }
        let header: Header =
            serde_json::from_value(raw).map_err(|e| Error::ModelFile(format!("corrupted header: {e}")))?;
        let mut arrays = Arrays::new();
        for (name, view) in tensors.iter() {
            let dtype = format!("{:?}", view.dtype());
            let data = ArrayData::from_le_bytes(&dtype, view.data())
                .ok_or_else(|| Error::ModelFile(format!("array '{name}' has unsupported type {dtype}")))?;
            arrays.insert_raw(name.to_string(), NamedArray { shape: view.shape().to_vec(), data });
        }
        let expected = header.checksum.clone().ok_or_else(|| Error::ModelFile("the header has no checksum".into()))?;
        let mut unsigned = header.clone();
        unsigned.checksum = None;
        // A version 1 header lacks the newer optional fields, which are not
        // serialized when absent, so one checksum function serves both.
        if checksum(&unsigned, &arrays)? != expected {
            return Err(Error::ModelFile("checksum mismatch: the file is corrupted".into()));
        }
        Ok(ModelFile { header, arrays })
    }

    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.to_bytes()?;
        // Write beside the target and rename, so a crash never leaves half a model.
        let tmp = path.with_extension("tmp-ironlearn");
        std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    }

    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|e| match e {
            Error::ModelFile(m) => Error::ModelFile(format!("{}: {m}", path.display())),
            e => e,
        })
    }
}

struct Tensor<'a> {
    shape: Vec<usize>,
    data: &'a ArrayData,
    bytes: Vec<u8>,
}

impl safetensors::View for Tensor<'_> {
    fn dtype(&self) -> safetensors::Dtype {
        use safetensors::Dtype;
        match self.data {
            ArrayData::F64(_) => Dtype::F64,
            ArrayData::F32(_) => Dtype::F32,
            ArrayData::I64(_) => Dtype::I64,
            ArrayData::I32(_) => Dtype::I32,
            ArrayData::U32(_) => Dtype::U32,
            ArrayData::U8(_) => Dtype::U8,
            ArrayData::F16(_) => Dtype::F16,
            ArrayData::BF16(_) => Dtype::BF16,
        }
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        std::borrow::Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

fn checksum(header: &Header, arrays: &Arrays) -> Result<String> {
    let mut h = Sha256::new();
    let json = serde_json::to_vec(header).map_err(|e| Error::ModelFile(format!("header: {e}")))?;
    h.update(&json);
    hash_arrays(&mut h, arrays);
    Ok(hex(h))
}

fn hash_arrays(h: &mut Sha256, arrays: &Arrays) {
    for (name, a) in arrays.iter() {
        h.update(name.as_bytes());
        h.update(a.data.dtype_name().as_bytes());
        a.shape.iter().for_each(|d| h.update((*d as u64).to_le_bytes()));
        h.update(a.data.to_le_bytes());
    }
}

fn hex(h: Sha256) -> String {
    format!("sha256:{}", h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Saving and loading a typed model: every [`Fitted`](crate::Fitted) model has it.
pub trait Persist: Model + Sized {
    /// The kind written into the header.
    const KIND: &'static str;

    /// Rebuilds the model from its saved parts; fails on inconsistent parts.
    fn from_parts(parts: &Parts) -> Result<Self>;

    fn to_bytes(&self) -> Result<Vec<u8>> {
        ModelFile::from_model(self)?.to_bytes()
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let file = ModelFile::from_bytes(bytes)?;
        file.expect_kind(Self::KIND)?;
        Self::from_parts(&file.parts())
    }

    fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        ModelFile::from_model(self)?.save(path)
    }

    fn load(path: impl AsRef<Path>) -> Result<Self> {
        let file = ModelFile::load(path)?;
        file.expect_kind(Self::KIND)?;
        Self::from_parts(&file.parts())
    }
}

impl<T: crate::Fitted> Persist for T {
    const KIND: &'static str = <T::Estimator as crate::Params>::NAME;

    fn from_parts(parts: &Parts) -> Result<Self> {
        T::load_state(parts)
    }
}

/// The current UTC time as RFC 3339, or `SOURCE_DATE_EPOCH` when set.
pub fn now_rfc3339() -> String {
    let time = match std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<u64>().ok()) {
        Some(secs) => std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs),
        None => std::time::SystemTime::now(),
    };
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        std::env::set_var("SOURCE_DATE_EPOCH", "951782400"); // 2000-02-29
        assert_eq!(now_rfc3339(), "2000-02-29T00:00:00Z");
        std::env::set_var("SOURCE_DATE_EPOCH", "1798761599");
        assert_eq!(now_rfc3339(), "2026-12-31T23:59:59Z");
        std::env::remove_var("SOURCE_DATE_EPOCH");
    }
}
