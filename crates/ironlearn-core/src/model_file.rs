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
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
                extensions: BTreeMap::from([(
                    "outputs".to_string(),
                    serde_json::to_value(crate::signature::outputs(model))
                        .map_err(|e| Error::ModelFile(format!("output signature: {e}")))?,
                )]),
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

    /// The same file describing its input: feature names and types, so new
    /// data is matched by name (`ironlearn predict`, Python DataFrames).
    pub fn with_schema(mut self, schema: crate::Schema) -> Self {
        self.header.schema = schema;
        self
    }

    /// The same file naming the target column (a supervised model's).
    pub fn with_target_name(mut self, name: impl Into<String>) -> Self {
        if let Some(t) = self.header.target.as_mut() {
            t.name = Some(name.into());
        }
        self
    }

    /// The header and the parts a model is rebuilt from, moving the arrays (no copy).
    pub fn into_parts(self) -> (Header, Parts) {
        let parts = Parts { params: self.header.params.clone(), state: self.header.model.clone(), arrays: self.arrays };
        (self.header, parts)
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
    ///
    /// The header length the first 8 bytes declare is checked against the
    /// buffer before anything else, and a LightGBM or XGBoost model is named
    /// as such, with how to import it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_head(bytes, bytes.len() as u64)?;
        let tensors = safetensors::SafeTensors::deserialize(bytes).map_err(|e| match e {
            safetensors::SafeTensorError::MetadataIncompleteBuffer => Error::ModelFile(length_mismatch(bytes)),
            e => Error::ModelFile(format!("{NOT_OURS}: {e}")),
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

    /// Writes the file atomically: to a hidden temporary file beside `path`
    /// (`.NAME.tmp-PID-N`, never an existing file) renamed into place once it
    /// is complete and on disk, and removed if anything fails.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let bytes = self.to_bytes()?;
        write_atomically(path.as_ref(), |file| file.write_all(&bytes))
    }

    /// Reads and verifies a model file.
    ///
    /// Only a regular file is opened (a directory, a FIFO or a device such as
    /// `/dev/zero` is refused from its metadata), at most its size is read,
    /// and a foreign or non-model file is recognised from its first bytes
    /// before the rest is read.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let in_file = |e: Error| match e {
            Error::ModelFile(m) => Error::ModelFile(format!("{}: {m}", path.display())),
            e => e,
        };
        let bytes = read_model_bytes(path).map_err(in_file)?;
        Self::from_bytes(&bytes).map_err(in_file)
    }
}

/// What every "this is not one of our files" message starts with.
const NOT_OURS: &str = "not a readable ironlearn model file (truncated, corrupted or another format)";

/// The longest header a model file may declare, as safetensors allows.
const MAX_HEADER: u64 = 100_000_000;

/// How many leading bytes [`check_head`] looks at.
const HEAD: usize = 256;

/// Checks the start of a model file of `total` bytes: a foreign model is
/// named, and the declared header length must fit in the file and in [`MAX_HEADER`].
fn check_head(head: &[u8], total: u64) -> Result<()> {
    let head = &head[..head.len().min(HEAD)];
    if let Some(message) = foreign(head) {
        return Err(Error::ModelFile(message));
    }
    let Some(length) = head.get(..8) else {
        return Err(Error::ModelFile(format!("{NOT_OURS}: {total} bytes, too short for a model file")));
    };
    if length.iter().all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) {
        let text = String::from_utf8_lossy(&head[..head.len().min(24)]).replace(['\n', '\r'], " ");
        return Err(Error::ModelFile(format!("{NOT_OURS}: it is text (it starts with '{text}')")));
    }
    let declared = u64::from_le_bytes(length.try_into().expect("8 bytes"));
    let available = total - 8;
    if declared > MAX_HEADER || declared > available {
        return Err(Error::ModelFile(format!(
            "truncated or not a model file: it declares a {declared}-byte header, but {}",
            if declared > available {
                match available {
                    1 => "only 1 byte follows".to_string(),
                    n => format!("only {n} bytes follow"),
                }
            } else {
                format!("a model header holds at most {MAX_HEADER} bytes")
            }
        )));
    }
    Ok(())
}

/// Why a model file whose header checks out is not as long as the header
/// says: bytes appended after it (two files concatenated, a download with
/// trailing bytes) or bytes missing at its end.
fn length_mismatch(bytes: &[u8]) -> String {
    let declared = bytes.get(..8).map_or(0, |b| u64::from_le_bytes(b.try_into().expect("8 bytes")));
    let header = usize::try_from(declared).ok().and_then(|n| bytes.get(8..8 + n));
    let ends = header
        .and_then(|h| serde_json::from_slice::<serde_json::Map<String, Value>>(h).ok())
        .map(|m| m.values().filter_map(|t| t.get("data_offsets")?.get(1)?.as_u64()).max().unwrap_or(0));
    let Some(end) = ends.map(|e| 8 + declared + e) else {
        return format!("{NOT_OURS}: its length does not match its header");
    };
    let len = bytes.len() as u64;
    match len.cmp(&end) {
        std::cmp::Ordering::Greater => {
            let extra = len - end;
            format!(
                "{extra} unexpected byte{} after the model (it ends at byte {end} of {len}); was something appended \
                 to the file? Save the model again, or cut the file to its first {end} bytes",
                if extra == 1 { "" } else { "s" }
            )
        }
        _ => format!("{NOT_OURS}: the model needs {end} bytes, and the file has {len}"),
    }
}

/// Recognises another library's model file from its first bytes.
fn foreign(head: &[u8]) -> Option<String> {
    let text = head.trim_ascii_start();
    let after_tree = text.strip_prefix(b"tree\r\n").or_else(|| text.strip_prefix(b"tree\n"));
    let (library, import) = if after_tree.is_some_and(|t| t.starts_with(b"version=")) {
        ("a LightGBM text model", "from_lightgbm_text")
    } else if text.strip_prefix(b"{").is_some_and(|t| t.trim_ascii_start().starts_with(b"\"learner\"")) {
        ("an XGBoost JSON model", "from_xgboost_json")
    } else {
        return None;
    };
    Some(format!(
        "this is {library}, not an ironlearn model file; import it with \
         ironlearn.boost.Booster(model_file=...) in Python and save it with .save_model(...), \
         or with ironlearn::boost::{import} in Rust"
    ))
}

/// The bytes of the regular file at `path`, at most as many as it had when
/// opened; a non-model file is refused from its first bytes.
fn read_model_bytes(path: &Path) -> Result<Vec<u8>> {
    read_checked(path, check_head)
}

/// The bytes of a model file of any format (ironlearn, LightGBM text,
/// XGBoost JSON) at `path`, for a caller that tells the formats apart itself
/// (Python's `Booster(model_file=...)`).
///
/// As [`ModelFile::load`], only a regular file is opened (a directory, a
/// FIFO or a device such as `/dev/zero` is refused from its metadata), and
/// at most the size it had when opened is read.
pub fn read_model_file(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    read_checked(path.as_ref(), |_, _| Ok(()))
}

/// Reads the regular file at `path`, at most as many bytes as it had when
/// opened; `check` sees its first bytes and its size before the rest is read.
fn read_checked(path: &Path, check: impl FnOnce(&[u8], u64) -> Result<()>) -> Result<Vec<u8>> {
    let io = |e: io::Error| Error::io(path, e);
    let refuse = |kind: io::ErrorKind, message: String| Error::io(path, io::Error::new(kind, message));
    // From metadata before opening: opening a FIFO blocks until a writer comes.
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(refuse(io::ErrorKind::IsADirectory, "is a directory, not a model file".into()));
    }
    if !meta.is_file() {
        let message =
            format!("is not a regular file ({}); a model is read from a regular file", special_kind(&meta.file_type()));
        return Err(refuse(io::ErrorKind::InvalidInput, message));
    }
    let mut file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut head = Vec::with_capacity(HEAD);
    (&mut file).take(HEAD as u64).read_to_end(&mut head).map_err(io)?;
    check(&head, size.max(head.len() as u64))?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).max(head.len()));
    bytes.extend_from_slice(&head);
    file.take(size.saturating_sub(head.len() as u64)).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// A non-regular, non-directory file in words ("a FIFO"), for messages
/// that refuse to read one (model files here, data files in ironlearn-data).
pub fn special_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        } else if file_type.is_char_device() {
            return "a character device";
        } else if file_type.is_block_device() {
            return "a block device";
        } else if file_type.is_socket() {
            return "a socket";
        }
    }
    let _ = file_type;
    "a special file"
}

/// Writes `path` through `write` into a hidden temporary file in its
/// directory, renamed onto `path` (onto the file a symlink points to) once
/// complete; the temporary file is removed when anything fails.
fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let refuse = |message: String| Error::io(path, io::Error::new(io::ErrorKind::InvalidInput, message));
    let existing = fs::metadata(path).ok();
    match &existing {
        Some(meta) if meta.is_dir() => return Err(refuse("is a directory; name a file to write".into())),
        Some(meta) if !meta.is_file() => {
            // A FIFO or a device such as /dev/stdout: nothing to replace, so written in place.
            let mut file = OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, e))?;
            return write(&mut file).map_err(|e| Error::io(path, e));
        }
        _ => {}
    }
    let target = match &existing {
        Some(_) => fs::canonicalize(path).map_err(|e| Error::io(path, e))?,
        None => path.to_path_buf(),
    };
    let name = target.file_name().ok_or_else(|| refuse("names no file to write".into()))?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Short enough that the name stays within the usual 255-byte limit.
    let stem: String = name.to_string_lossy().chars().take(64).collect();
    let mut tries = 0;
    let (mut file, mut temp) = loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = TempFile(Some(dir.join(format!(".{stem}.tmp-{}-{n}", std::process::id()))));
        match OpenOptions::new().write(true).create_new(true).open(temp.path()) {
            Ok(file) => break (file, temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
            Err(e) => {
                let message = format!("cannot create a file in {}: {e}", dir.display());
                return Err(Error::io(path, io::Error::new(e.kind(), message)));
            }
        }
    };
    let written = write(&mut file).and_then(|()| file.sync_all());
    drop(file);
    written.map_err(|e| Error::io(path, e))?;
    if let Some(meta) = &existing {
        // The replaced file's permissions; best effort.
        let _ = fs::set_permissions(temp.path(), meta.permissions());
    }
    fs::rename(temp.path(), &target).map_err(|e| Error::io(path, e))?;
    temp.0 = None;
    Ok(())
}

/// A temporary file, removed when dropped unless its path was taken away.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().expect("a temporary file not yet renamed")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            // Best effort: the error that brought us here is the one to report.
            let _ = fs::remove_file(path);
        }
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
        a.data.hash_le_bytes(h);
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
        Self::from_parts(&file.into_parts().1)
    }

    fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        ModelFile::from_model(self)?.save(path)
    }

    fn load(path: impl AsRef<Path>) -> Result<Self> {
        let file = ModelFile::load(path)?;
        file.expect_kind(Self::KIND)?;
        Self::from_parts(&file.into_parts().1)
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

    #[test]
    fn bytes_after_or_missing_from_the_model_are_counted() {
        let bytes = tiny().to_bytes().unwrap();
        let mut appended = bytes.clone();
        appended.extend_from_slice(b"junk");
        let e = ModelFile::from_bytes(&appended).unwrap_err().to_string();
        assert!(e.contains("4 unexpected bytes after the model"), "{e}");
        let e = ModelFile::from_bytes(&bytes[..bytes.len() - 3]).unwrap_err().to_string();
        assert!(
            e.contains(&format!("truncated, corrupted or another format): the model needs {} bytes", bytes.len())),
            "{e}"
        );
    }

    fn tiny() -> ModelFile {
        let mut arrays = Arrays::new();
        arrays.put_vec("coef", vec![1.0f64, 2.0]);
        ModelFile {
            header: Header {
                format_version: FORMAT_VERSION,
                kind: "ridge".into(),
                library_version: VERSION.into(),
                created: "2000-01-01T00:00:00Z".into(),
                schema: Schema::numeric(2),
                target: None,
                params: serde_json::json!({}),
                metrics: BTreeMap::new(),
                data_fingerprint: None,
                model: Value::Null,
                train_rows: None,
                digest: None,
                extensions: BTreeMap::new(),
                checksum: None,
            },
            arrays,
        }
    }

    /// A fresh directory under the system's temporary directory, removed by the caller.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ironlearn-model-file-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        n.sort();
        n
    }

    #[test]
    fn a_declared_header_longer_than_the_file_is_refused_before_allocating() {
        let mut bytes = u64::MAX.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        let e = ModelFile::from_bytes(&bytes).unwrap_err().to_string();
        assert!(e.contains("truncated or not a model file") && e.contains("only 2 bytes follow"), "{e}");
        let e = check_head(&200_000_000u64.to_le_bytes(), 300_000_000).unwrap_err().to_string();
        assert!(e.contains("at most 100000000 bytes"), "{e}");
        let e = ModelFile::from_bytes(b"\x01\x00").unwrap_err().to_string();
        assert!(e.contains("2 bytes, too short"), "{e}");
        let e = ModelFile::from_bytes(b"a,b,y\n1,2,3\n").unwrap_err().to_string();
        assert!(e.contains("it is text (it starts with 'a,b,y 1,2,3 ')"), "{e}");
        let good = tiny().to_bytes().unwrap();
        let e = ModelFile::from_bytes(&good[..good.len() - 4]).unwrap_err().to_string();
        assert!(e.contains(NOT_OURS), "{e}");
        assert_eq!(ModelFile::from_bytes(&good).unwrap().arrays, tiny().arrays);
    }

    #[test]
    fn foreign_models_are_named_with_how_to_import_them() {
        let e = ModelFile::from_bytes(b"tree\nversion=v4\nnum_class=1\n").unwrap_err().to_string();
        assert!(e.contains("a LightGBM text model") && e.contains("Booster(model_file=...)"), "{e}");
        assert!(e.contains("from_lightgbm_text"), "{e}");
        let e = ModelFile::from_bytes(b"  {\n \"learner\": {}}").unwrap_err().to_string();
        assert!(e.contains("an XGBoost JSON model") && e.contains("from_xgboost_json"), "{e}");
    }

    #[test]
    fn only_regular_files_are_loaded() {
        let dir = scratch("special");
        let e = ModelFile::load(&dir).unwrap_err().to_string();
        assert!(e.ends_with("is a directory, not a model file"), "{e}");
        #[cfg(unix)]
        {
            let e = ModelFile::load("/dev/zero").unwrap_err().to_string();
            assert_eq!(e, "/dev/zero: is not a regular file (a character device); a model is read from a regular file");
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
            if made {
                let e = ModelFile::load(&fifo).unwrap_err().to_string();
                assert!(e.contains("(a FIFO)"), "{e}");
            }
        }
        let text = dir.join("lgb.txt");
        fs::write(&text, "tree\nversion=v3\n").unwrap();
        let e = ModelFile::load(&text).unwrap_err().to_string();
        assert!(e.starts_with("model file: ") && e.contains("lgb.txt: this is a LightGBM text model"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn saving_is_atomic_and_leaves_no_temporary_file() {
        let dir = scratch("save");
        let path = dir.join("m.model");
        tiny().save(&path).unwrap();
        tiny().save(&path).unwrap();
        assert_eq!(names(&dir), ["m.model"]);
        assert_eq!(ModelFile::load(&path).unwrap().arrays, tiny().arrays);
        // A failed write keeps the old file and removes the temporary one.
        let before = fs::read(&path).unwrap();
        let e = write_atomically(&path, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(e.to_string().ends_with("m.model: disk full"), "{e}");
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_eq!(names(&dir), ["m.model"]);
        // A user's file with a temporary-looking name is never touched.
        let theirs = dir.join(format!(".m.model.tmp-{}-0", std::process::id()));
        fs::write(&theirs, "mine").unwrap();
        tiny().save(&path).unwrap();
        assert_eq!(fs::read_to_string(&theirs).unwrap(), "mine");
        // A directory, and a missing directory, are refused with nothing left behind.
        let e = tiny().save(&dir).unwrap_err().to_string();
        assert!(e.ends_with("is a directory; name a file to write"), "{e}");
        let e = tiny().save(dir.join("nope/m.model")).unwrap_err().to_string();
        assert!(e.contains("cannot create a file in"), "{e}");
        assert_eq!(names(&dir).len(), 2);
        // A device is written in place, with no temporary file beside it.
        #[cfg(unix)]
        tiny().save("/dev/null").unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
