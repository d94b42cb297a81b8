//! Writing tables: predictions go out as CSV or Parquet.
//!
//! Every writer goes through a temporary file renamed into place (see
//! `files`), so an output is either the whole new table or what was there
//! before. CSV is compressed when its name ends in `.gz` or `.zst`, and `.tsv`
//! is tab-separated, matching what the readers expect of those names.

use std::path::Path;

use ironlearn_core::{Error, Result, Table};

use crate::compression::{Compression, Encoder};
use crate::files::write_atomically;
use crate::{table_to_batch, Format};

/// Writes a table as CSV or Parquet, by the extension of `path`.
pub fn write_table(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let path = path.as_ref();
    match Format::of(path)? {
        Format::Csv => write_csv(path, table),
        Format::Parquet => write_parquet(path, table),
    }
}

/// Writes a table as CSV (tab-separated for `.tsv`, compressed for `.gz` and
/// `.zst`); missing values are empty fields.
pub fn write_csv(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let path = path.as_ref();
    let (compression, ext) = Compression::split(path);
    let delimiter = if ext == "tsv" { b'\t' } else { b',' };
    let io = |e: std::io::Error| Error::io(path, e);
    let cw = |e: csv::Error| Error::io(path, e.into());
    write_atomically(path, |file| {
        let sink = Encoder::new(file, compression).map_err(io)?;
        let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(sink);
        w.write_record(table.names()).map_err(cw)?;
        let mut row = Vec::with_capacity(table.n_cols());
        for i in 0..table.n_rows() {
            row.clear();
            row.extend(table.columns().iter().map(|c| c.text(i)));
            w.write_record(&row).map_err(cw)?;
        }
        let sink = w.into_inner().map_err(|e| io(e.into_error()))?;
        sink.finish().map_err(io)?;
        Ok(())
    })
}

/// Writes a table as a Parquet file (Snappy-compressed).
pub fn write_parquet(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    let path = path.as_ref();
    let batch = table_to_batch(table)?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let fail = |e: parquet::errors::ParquetError| Error::InvalidValue(format!("{}: {e}", path.display()));
    write_atomically(path, |file| {
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(fail)?;
        w.write(&batch).map_err(fail)?;
        w.close().map_err(fail)?;
        Ok(())
    })
}
