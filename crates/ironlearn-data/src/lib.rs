//! Reading and writing tables.
//!
//! Every source (CSV, Parquet, an Arrow stream from Python) becomes a
//! [`Table`](ironlearn_core::Table) of numeric and categorical columns, with
//! errors that name the file, line and column of the problem. Paths are
//! checked before they are opened or written (see [`check_input_file`] and
//! [`check_output_path`]), and CSV may be gzip- or zstd-compressed.

mod arrow_convert;
mod compression;
mod csv_reader;
mod files;
mod guard;
mod options;
mod parquet_check;
mod writer;

pub use arrow_convert::{batches_to_table, table_to_batch};
pub use csv_reader::{read_csv, read_csv_from};
pub use files::{check_input_file, check_output_path};
pub use options::{ColumnType, ReadOptions};
pub use writer::{write_csv, write_parquet, write_table};

use std::path::Path;

use ironlearn_core::{Error, Result, Table};

use compression::Compression;

/// The file formats ironlearn reads and writes, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// The format of `path`, from its extension; for a compressed file
    /// (`.gz`, `.zst`), from the extension before that.
    pub fn of(path: &Path) -> Result<Format> {
        let (compression, ext) = Compression::split(path);
        match (ext.as_str(), compression) {
            ("csv" | "tsv" | "txt", _) => Ok(Format::Csv),
            ("parquet" | "pq", Compression::None) => Ok(Format::Parquet),
            ("parquet" | "pq", _) => Err(Error::InvalidValue(format!(
                "{}: compressed Parquet files are not read; Parquet compresses its own columns, \
                 so decompress the file first",
                path.display()
            ))),
            _ => Err(Error::InvalidValue(format!(
                "{}: unknown file type '{}{}'; use .csv, .tsv or .parquet (CSV may be compressed: .csv.gz, .csv.zst)",
                path.display(),
                if ext.is_empty() { String::new() } else { format!(".{ext}") },
                compression.suffix()
            ))),
        }
    }
}

/// Reads a CSV or Parquet file into a table.
pub fn read_table(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    read_table_with_warnings(path, options).map(|(table, _)| table)
}

/// Reads a CSV or Parquet file into a table, with what the caller should tell
/// the user about how it was read (one message per problem, without a
/// trailing newline), such as a text column that looks like numbers written
/// with decimal commas.
pub fn read_table_with_warnings(path: impl AsRef<Path>, options: &ReadOptions) -> Result<(Table, Vec<String>)> {
    read_table_report(path, options).map(|r| (r.table, r.warnings))
}

/// A table as read from a file, with what the reader knows about it.
#[derive(Debug)]
pub struct ReadReport {
    pub table: Table,
    /// What the caller should tell the user about how the file was read.
    pub warnings: Vec<String>,
    /// For a text file, the line (from 1, the header being line 1) where each
    /// row starts, so that messages can point into the file; a quoted field
    /// may span lines. `None` for Parquet, whose rows are named by index.
    pub lines: Option<Vec<u64>>,
}

/// Reads a CSV or Parquet file into a table, with its warnings and the file
/// line of each row (see [`ReadReport`]).
pub fn read_table_report(path: impl AsRef<Path>, options: &ReadOptions) -> Result<ReadReport> {
    let path = path.as_ref();
    // A directory or a FIFO is named as such, before its (lack of) extension is.
    check_input_file(path)?;
    let mut warnings = Vec::new();
    let (table, lines) = match Format::of(path)? {
        Format::Csv => {
            let (table, lines) = csv_reader::read_csv_file(path, options, &mut warnings)?;
            (table, Some(lines))
        }
        Format::Parquet => (read_parquet(path, options)?, None),
    };
    Ok(ReadReport { table, warnings, lines })
}

/// Reads a Parquet file into a table.
pub fn read_parquet(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    let path = path.as_ref();
    options.check_decimal()?;
    check_input_file(path)?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_parquet_from(file, &path.display().to_string(), options)
}

/// Reads a Parquet file held in memory into a table; errors name it "Parquet data".
pub fn read_parquet_bytes(bytes: &[u8], options: &ReadOptions) -> Result<Table> {
    options.check_decimal()?;
    read_parquet_from(bytes::Bytes::copy_from_slice(bytes), "Parquet data", options)
}

/// Reads Parquet from a file or from memory; `source` names it in errors.
fn read_parquet_from<R>(reader: R, source: &str, options: &ReadOptions) -> Result<Table>
where
    R: parquet::file::reader::ChunkReader + 'static,
{
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
    let bad = |e: &dyn std::fmt::Display| Error::Parse { location: source.to_string(), message: e.to_string() };
    let malformed =
        |m: String| Error::Parse { location: source.to_string(), message: format!("not a readable Parquet file: {m}") };
    // The parquet crate panics on some malformed files, and takes unbounded
    // time on others unless their structure is checked first (parquet_check).
    let (schema, batches) = guard::contain_panics(source, || {
        parquet_check::check_footer(&reader).map_err(malformed)?;
        let metadata = ArrowReaderMetadata::load(&reader, Default::default()).map_err(|e| bad(&e))?;
        parquet_check::check_pages(&reader, metadata.metadata()).map_err(malformed)?;
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(reader, metadata);
        let schema = builder.schema().clone();
        let reader = builder.with_batch_size(64 * 1024).build().map_err(|e| bad(&e))?;
        let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| bad(&e))?;
        Ok((schema, batches))
    })?;
    let table = batches_to_table(&schema, &batches)?;
    options.apply(table, source)
}
