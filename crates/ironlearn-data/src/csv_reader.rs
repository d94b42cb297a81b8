//! CSV with type inference.
//!
//! A column is numeric when every value that is not a missing marker parses
//! as a number, categorical otherwise; `ReadOptions::types` overrides that.
//! Errors carry the file name, the line number and the column name.

use std::io::Read;
use std::path::Path;

use ironlearn_core::{Column, Error, Result, Table};

use crate::{ColumnType, ReadOptions};

/// Reads a CSV file (`.tsv` files are tab-separated).
pub fn read_csv(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut options = options.clone();
    if options.delimiter.is_none() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv")) {
        options.delimiter = Some(b'\t');
    }
    read_csv_from(std::io::BufReader::new(file), &path.display().to_string(), &options)
}

/// Reads CSV from any reader; `source` names it in errors.
pub fn read_csv_from(reader: impl Read, source: &str, options: &ReadOptions) -> Result<Table> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(options.delimiter.unwrap_or(b','))
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = rdr.headers().map_err(|e| csv_error(source, e))?.clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
        return Err(Error::Empty(format!("{source} is empty (no header row)")));
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    options.check_columns(&names)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(source, e))?;
        lines.push(rec.position().map_or(0, |p| p.line()));
        records.push(rec);
    }
    if records.is_empty() {
        return Err(Error::Empty(format!("{source} has a header but no data rows")));
    }
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| build_column(name, j, &records, &lines, source, options))
        .collect::<Result<Vec<_>>>()?;
    Table::new(columns)
}

fn build_column(
    name: &str,
    j: usize,
    records: &[csv::StringRecord],
    lines: &[u64],
    source: &str,
    options: &ReadOptions,
) -> Result<Column> {
    let cell = |i: usize| records[i].get(j).unwrap_or("");
    let forced = options.types.get(name).copied();
    if forced != Some(ColumnType::Categorical) {
        let mut values = Vec::with_capacity(records.len());
        let mut failed = None;
        for i in 0..records.len() {
            let s = cell(i);
            if options.is_missing(s) {
                values.push(f64::NAN);
            } else if let Ok(v) = s.trim().parse::<f64>() {
                values.push(v);
            } else {
                failed = Some(i);
                break;
            }
        }
        match (failed, forced) {
            (None, _) => return Ok(Column::numeric(name, values)),
            (Some(i), Some(ColumnType::Numeric)) => {
                return Err(Error::Parse {
                    location: format!("{source} line {}, column '{name}'", lines[i]),
                    message: format!("cannot parse '{}' as a number", cell(i)),
                })
            }
            _ => {}
        }
    }
    let texts: Vec<Option<&str>> =
        (0..records.len()).map(cell).map(|s| (!options.is_missing(s)).then(|| s.trim())).collect();
    Ok(Column::categorical(name, &texts))
}

fn csv_error(source: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::Parse {
            location: format!("{source} line {line}"),
            message: format!("expected {expected_len} fields like the header, found {len}"),
        },
        csv::ErrorKind::Utf8 { .. } => {
            Error::Parse { location: format!("{source} line {line}"), message: "the text is not valid UTF-8".into() }
        }
        csv::ErrorKind::Io(_) => Error::Parse { location: source.to_string(), message: e.to_string() },
        _ => Error::Parse { location: format!("{source} line {line}"), message: e.to_string() },
    }
}
