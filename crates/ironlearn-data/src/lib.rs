//! Reading and writing tables.
//!
//! Every source (CSV, Parquet, an Arrow stream from Python) becomes a
//! [`Table`](ironlearn_core::Table) of numeric and categorical columns, with
//! errors that name the file, line and column of the problem.

mod arrow_convert;
mod csv_reader;
mod options;
mod writer;

pub use arrow_convert::{batches_to_table, table_to_batch};
pub use csv_reader::{read_csv, read_csv_from};
pub use options::{ColumnType, ReadOptions};
pub use writer::{write_csv, write_parquet, write_table};

use std::path::Path;

use ironlearn_core::{Error, Result, Table};

/// The file formats ironlearn reads and writes, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// The format of `path`, from its extension.
    pub fn of(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Ok(Format::Csv),
            "parquet" | "pq" => Ok(Format::Parquet),
            _ => Err(Error::InvalidValue(format!(
                "{}: unknown file type '.{ext}'; use .csv, .tsv or .parquet",
                path.display()
            ))),
        }
    }
}

/// Reads a CSV or Parquet file into a table.
pub fn read_table(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    let path = path.as_ref();
    match Format::of(path)? {
        Format::Csv => read_csv(path, options),
        Format::Parquet => read_parquet(path, options),
    }
}

/// Reads a Parquet file into a table.
pub fn read_parquet(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let bad = |e: &dyn std::fmt::Display| Error::Parse { location: path.display().to_string(), message: e.to_string() };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(&e))?;
    let schema = builder.schema().clone();
    let reader = builder.with_batch_size(64 * 1024).build().map_err(|e| bad(&e))?;
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| bad(&e))?;
    let table = batches_to_table(&schema, &batches)?;
    options.apply(table, &path.display().to_string())
}
