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

use std::cell::RefCell;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

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
    let mut input = files::open_input(path)?;
    let head = std::io::BufRead::fill_buf(&mut input).map_err(|e| Error::io(path, e))?;
    if looks_like_model_file(head) {
        return Err(Error::Parse {
            location: path.display().to_string(),
            message:
                "this is an ironlearn model file, not data; pass it as --model \
                      (ironlearn predict --model MODEL --data DATA --out OUT), and give a CSV or Parquet file as --data"
                    .into(),
        });
    }
    let reader = compression.decoder(path, input)?;
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
    let delimiter = options.delimiter.unwrap_or(b',');
    if options.decimal == delimiter {
        let d = char::from(delimiter).escape_default();
        let given = if options.delimiter.is_some() { "" } else { " by default" };
        return Err(Error::InvalidValue(format!(
            "{source}: the decimal separator '{d}' is also the field delimiter ('{d}'{given}), so \"1,5\" would be \
             two fields; such files separate fields with ';': pass --delimiter ';' (or the file's delimiter)"
        )));
    }
    let index = Rc::new(RefCell::new(LineIndex::default()));
    let reader = Indexed { inner: reader, offset: 0, in_run: false, index: Rc::clone(&index) };
    // Field counts are checked here rather than by the csv crate, to tell an
    // unterminated quote from a short row.
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(true).flexible(true).from_reader(reader);
    let headers = rdr.headers().map_err(|e| csv_error(source, e, &index.borrow()))?.clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
        return Err(Error::Empty(format!("{source} is empty (no header row)")));
    }
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    options.check_columns(&names)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut rows = rdr.records();
    while let Some(rec) = rows.next() {
        let rec = rec.map_err(|e| csv_error(source, e, &index.borrow()))?;
        let line = rec.position().map_or(0, |p| index.borrow().line_at(p.byte()));
        if rec.len() != headers.len() {
            // A quote left open swallows the rest of the file into one field.
            let unterminated = rec.iter().any(|f| f.contains('\n')) && rows.next().is_none();
            if unterminated {
                return Err(Error::Parse {
                    location: source.to_string(),
                    message: format!(
                        "an unterminated quote starting at line {line} runs to the end of the file; close the \
                         quoted field with '\"' (a '\"' inside a quoted field is written '\"\"')"
                    ),
                });
            }
            let mut message = format!("expected {} fields like the header, found {}", headers.len(), rec.len());
            message.push_str(&delimiter_hint(&headers).unwrap_or_default());
            return Err(Error::Parse { location: format!("{source} line {line}"), message });
        }
        lines.push(line);
        records.push(rec);
    }
    if records.is_empty() {
        return Err(Error::Empty(format!("{source} has a header but no data rows")));
    }
    // A header read as one field gets the delimiter hint; what its values
    // look like as numbers would only distract from it.
    let mut unheard = Vec::new();
    let warnings = if headers.len() == 1 && delimiter_hint(&headers).is_some() { &mut unheard } else { warnings };
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
        if let Some(CommaNumbers::Thousands(example)) = comma_numbers(&texts) {
            warnings.push(format!(
                "{source}: column '{name}' looks like numbers with thousands separators (e.g. '{example}'); \
                 it was read as text — write the numbers without separators (1000, not 1,000)"
            ));
        } else if let Some(CommaNumbers::Decimal(example)) = comma_numbers(&texts) {
            let fix = if options.delimiter.unwrap_or(b',') == b',' {
                "a comma-separated file cannot hold decimal commas as numbers: save it ';'-separated and \
                 pass --delimiter ';' --decimal ','"
            } else {
                "pass --decimal ',' to read it as numbers"
            };
            warnings.push(format!(
                "{source}: column '{name}' looks numeric with decimal commas (e.g. '{example}'); \
                 it was read as text — {fix}"
            ));
        }
    }
    Ok(Column::categorical(name, &texts))
}

/// How a text column's values with commas read as numbers, with an example.
#[derive(Debug, PartialEq)]
enum CommaNumbers<'a> {
    /// "3,14", "-0,5": decimal commas.
    Decimal(&'a str),
    /// "1,000", "12,345,678.5": commas grouping thousands.
    Thousands(&'a str),
}

/// How the commas of a column read, if every present value is a number
/// written with them ("3,14", "-0,5", "12", or "1,000", "2,500,000") and at
/// least one has one. When every comma groups thousands (d,ddd), the column is
/// one of thousands separators: "1,000" is then not 1.0.
fn comma_numbers<'a>(texts: &[Option<&'a str>]) -> Option<CommaNumbers<'a>> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (mut example, mut grouped, mut points) = (None, true, false);
    for &t in texts.iter().flatten() {
        let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (whole, point) = match unsigned.split_once('.') {
            Some((w, f)) if digits(f) => (w, true),
            Some(_) => return None,
            None => (unsigned, false),
        };
        let parts: Vec<&str> = whole.split(',').collect();
        if parts.len() == 1 {
            if !digits(whole) {
                return None;
            }
            points |= point;
            continue;
        }
        let group = (1..=3).contains(&parts[0].len())
            && parts.iter().all(|p| digits(p))
            && parts[1..].iter().all(|p| p.len() == 3);
        let decimal = parts.len() == 2 && !point && digits(parts[0]) && digits(parts[1]);
        if !group && !decimal {
            return None;
        }
        grouped &= group;
        example.get_or_insert(t);
    }
    let example = example?;
    match (grouped, points) {
        (true, _) => Some(CommaNumbers::Thousands(example)),
        // A decimal point beside decimal commas: no one way to read the column.
        (false, true) => None,
        (false, false) => Some(CommaNumbers::Decimal(example)),
    }
}

/// The error for a malformed file, at the file line where the bad record starts.
fn csv_error(source: &str, e: csv::Error, index: &LineIndex) -> Error {
    let location = match e.position() {
        Some(p) => format!("{source} line {}", index.line_at(p.byte())),
        None => source.to_string(),
    };
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".into(),
        _ => e.to_string(),
    };
    Error::Parse { location, message }
}

/// Whether `head`, a file's first bytes, starts an ironlearn model file (a
/// safetensors file: an 8-byte little-endian header length, then a JSON object).
fn looks_like_model_file(head: &[u8]) -> bool {
    match (head.get(..8), head.get(8..10)) {
        (Some(length), Some(b"{\"")) => {
            let length = u64::from_le_bytes(length.try_into().expect("8 bytes"));
            (2..100_000_000).contains(&length)
        }
        _ => false,
    }
}

/// Where the lines of a text start, to name the line of a record from its byte offset.
///
/// The csv crate's `Position::line` is one too low after a `\r\n` line end
/// (a record's position is taken before the `\n` that ends the previous
/// line is counted) and counts skipped blank lines wrongly, so lines are
/// counted here: each run of line-end bytes (`\r`, `\n`) is kept with the
/// count of `\n` up to its end. A record starting at byte `b` starts its
/// text after the last run that starts at or before `b`.
#[derive(Debug, Default)]
struct LineIndex {
    /// The byte offset where each run of line-end bytes starts.
    starts: Vec<u64>,
    /// The number of `\n` bytes up to the end of each run.
    newlines: Vec<u64>,
}

impl LineIndex {
    /// The line (from 1) of the first text at or after byte `b`.
    fn line_at(&self, b: u64) -> u64 {
        let runs = self.starts.partition_point(|&s| s <= b);
        1 + runs.checked_sub(1).map_or(0, |r| self.newlines[r])
    }
}

/// A reader that fills a [`LineIndex`] with what passes through it.
struct Indexed<R> {
    inner: R,
    offset: u64,
    /// Whether the last byte read was a line end.
    in_run: bool,
    index: Rc<RefCell<LineIndex>>,
}

impl<R: Read> Read for Indexed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut index = self.index.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            let line_end = b == b'\n' || b == b'\r';
            if line_end && !self.in_run {
                let before = index.newlines.last().copied().unwrap_or(0);
                index.starts.push(self.offset + i as u64);
                index.newlines.push(before);
            }
            if b == b'\n' {
                *index.newlines.last_mut().expect("a run") += 1;
            }
            self.in_run = line_end;
        }
        self.offset += n as u64;
        Ok(n)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_read_as_decimals_or_as_thousands() {
        let read = |v: &[&'static str]| comma_numbers(&v.iter().map(|s| Some(*s)).collect::<Vec<_>>());
        assert_eq!(read(&["3,14", "-0,5", "12"]), Some(CommaNumbers::Decimal("3,14")));
        assert_eq!(read(&["1,000", "12", "2,500,000", "3,250.5"]), Some(CommaNumbers::Thousands("1,000")));
        assert_eq!(read(&["1,000", "2,5"]), Some(CommaNumbers::Decimal("1,000")));
        assert_eq!(read(&["1,5", "2.5"]), None);
        assert_eq!(read(&["1,2,3"]), None);
        assert_eq!(read(&["12", "3"]), None);
    }
}
