//! CSV with type inference.
//!
//! A column is numeric when every value that is not a missing marker parses
//! as a number, categorical otherwise; `ReadOptions::types` overrides that.
//! Errors carry the file name, the line number in the file (the header is
//! line 1) and the column name. A text column whose values all look like
//! numbers written with decimal commas is still text, since "1,5" could be a
//! pair as well as a number, but the reader says so: such files are common in
//! locales that write 1,5, and a silently categorical price column would
//! quietly spoil a model.

use std::io::Read;
use std::path::Path;

use ironlearn_core::{Column, Error, Result, Table};

use crate::compression::Compression;
use crate::{files, ColumnType, ReadOptions};

/// Reads a CSV file (`.tsv` files are tab-separated; `.gz` and `.zst` files
/// are decompressed as they are read).
pub fn read_csv(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    read_csv_file(path.as_ref(), options, &mut Vec::new()).map(|(table, _)| table)
}

/// Reads CSV from any reader; `source` names it in errors.
pub fn read_csv_from(reader: impl Read, source: &str, options: &ReadOptions) -> Result<Table> {
    read_csv_with_warnings(reader, source, options, &mut Vec::new()).map(|(table, _)| table)
}

/// [`read_csv`], adding to `warnings` what the user should hear about, with
/// the file line where each row starts.
pub(crate) fn read_csv_file(
    path: &Path,
    options: &ReadOptions,
    warnings: &mut Vec<String>,
) -> Result<(Table, Vec<u64>)> {
    let (compression, ext) = Compression::split(path);
    let reader = compression.decoder(path, files::open_input(path)?)?;
    let mut options = options.clone();
    if options.delimiter.is_none() && ext == "tsv" {
        options.delimiter = Some(b'\t');
    }
    read_csv_with_warnings(reader, &path.display().to_string(), &options, warnings)
}

fn read_csv_with_warnings(
    reader: impl Read,
    source: &str,
    options: &ReadOptions,
    warnings: &mut Vec<String>,
) -> Result<(Table, Vec<u64>)> {
    options.check_decimal()?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(options.delimiter.unwrap_or(b','))
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = rdr.headers().map_err(|e| csv_error(source, e, None))?.clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
        return Err(Error::Empty(format!("{source} is empty (no header row)")));
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    options.check_columns(&names)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(source, e, Some(&headers)))?;
        lines.push(rec.position().map_or(0, |p| p.line()));
        records.push(rec);
    }
    if records.is_empty() {
        return Err(Error::Empty(format!("{source} has a header but no data rows")));
    }
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| build_column(name, j, &records, &lines, source, options, warnings))
        .collect::<Result<Vec<_>>>()?;
    Ok((Table::new(columns)?, lines))
}

fn build_column(
    name: &str,
    j: usize,
    records: &[csv::StringRecord],
    lines: &[u64],
    source: &str,
    options: &ReadOptions,
    warnings: &mut Vec<String>,
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
            } else if let Some(v) = options.parse_number(s) {
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
    if forced.is_none() && options.decimal == b'.' {
        if let Some(example) = decimal_comma_example(&texts) {
            warnings.push(format!(
                "{source}: column '{name}' looks numeric with decimal commas (e.g. '{example}'); \
                 it was read as text — pass --decimal ',' to read it as numbers"
            ));
        }
    }
    Ok(Column::categorical(name, &texts))
}

/// A value with a decimal comma, if every present value reads as a number
/// written with one ("3,14", "-0,5", "12") and at least one has it.
fn decimal_comma_example<'a>(texts: &[Option<&'a str>]) -> Option<&'a str> {
    let mut example = None;
    for &t in texts.iter().flatten() {
        let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (whole, fraction) = match unsigned.split_once(',') {
            Some((w, f)) => (w, Some(f)),
            None => (unsigned, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !fraction.is_none_or(digits) {
            return None;
        }
        if fraction.is_some() && example.is_none() {
            example = Some(t);
        }
    }
    example
}

/// The error for a malformed file, at the file line where the bad record starts.
fn csv_error(source: &str, e: csv::Error, header: Option<&csv::StringRecord>) -> Error {
    let location = match e.position() {
        Some(p) => format!("{source} line {}", p.line()),
        None => source.to_string(),
    };
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let mut message = format!("expected {expected_len} fields like the header, found {len}");
            if let Some(hint) = header.and_then(delimiter_hint) {
                message.push_str(&hint);
            }
            message
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".into(),
        _ => e.to_string(),
    };
    Error::Parse { location, message }
}

/// A hint for a header read as one field that holds another likely delimiter,
/// as when a `;`-separated file is read with the default `,`.
fn delimiter_hint(header: &csv::StringRecord) -> Option<String> {
    if header.len() != 1 {
        return None;
    }
    let d = [';', '\t', '|', ','].into_iter().find(|&c| header[0].contains(c))?;
    let d = d.escape_default();
    Some(format!("; the header is one field that holds '{d}': if '{d}' separates the columns, pass --delimiter '{d}'"))
}
