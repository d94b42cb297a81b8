//! Writing tables: predictions go out as CSV or Parquet.

use std::path::Path;

use ironlearn_core::{Error, Result, Table};

use crate::{table_to_batch, Format};

/// Writes a table as CSV or Parquet, by the extension of `path`.
pub fn write_table(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let path = path.as_ref();
    match Format::of(path)? {
        Format::Csv => write_csv(path, table),
        Format::Parquet => write_parquet(path, table),
    }
}

/// Writes a table as CSV; missing values are empty fields.
pub fn write_csv(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let path = path.as_ref();
    let io = |e: std::io::Error| Error::io(path, e);
    let mut w = csv::Writer::from_path(path).map_err(|e| Error::io(path, e.into()))?;
    let cw = |e: csv::Error| Error::io(path, e.into());
    w.write_record(table.names()).map_err(cw)?;
    let mut row = Vec::with_capacity(table.n_cols());
    for i in 0..table.n_rows() {
        row.clear();
        row.extend(table.columns().iter().map(|c| c.text(i)));
        w.write_record(&row).map_err(cw)?;
    }
    w.flush().map_err(io)
}

/// Writes a table as a Parquet file (Snappy-compressed).
pub fn write_parquet(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    let path = path.as_ref();
    let batch = table_to_batch(table)?;
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let fail = |e: parquet::errors::ParquetError| Error::InvalidValue(format!("{}: {e}", path.display()));
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(fail)?;
    w.write(&batch).map_err(fail)?;
    w.close().map_err(fail)?;
    Ok(())
}
