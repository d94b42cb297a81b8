//! Data in and results out: the reading options `train`, `predict` and
//! `evaluate` share, the reader's warnings, and output paths checked before
//! any work starts.

use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use ironlearn_core::Table;
use ironlearn_data::{ColumnType, ReadOptions};

use crate::rows::Places;

/// How to read a data file: the options `train`, `predict` and `evaluate` share.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Force a column's type, as column=numeric|categorical (repeatable).
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// The CSV field delimiter, one ASCII character (default: ',', or tab for .tsv).
    #[arg(long)]
    delimiter: Option<char>,
    /// The decimal separator of numbers in CSV: '.' (default) or ',' (then "1,5" is 1.5;
    /// such files are usually ';'-separated, so pass --delimiter ';' too).
    #[arg(long)]
    decimal: Option<char>,
}

pub(crate) fn read_options(read: &ReadArgs) -> Result<ReadOptions> {
    let mut opts = ReadOptions::default();
    if let Some(c) = read.delimiter {
        anyhow::ensure!(c.is_ascii() && c != '"', "--delimiter '{c}' must be one ASCII character other than '\"'");
        opts.delimiter = Some(c as u8);
    }
    if let Some(c) = read.decimal {
        anyhow::ensure!(c == '.' || c == ',', "--decimal '{c}' must be '.' or ','");
        anyhow::ensure!(
            opts.delimiter != Some(c as u8),
            "--decimal '{c}' and --delimiter '{c}' cannot be the same character"
        );
        opts.decimal = c as u8;
    }
    for t in &read.types {
        let (col, ty) = t.split_once('=').with_context(|| format!("--type '{t}' must look like column=numeric"))?;
        anyhow::ensure!(
            !opts.types.contains_key(col.trim()),
            "the type of column '{}' is given twice with --type; keep one --type {}=...",
            col.trim(),
            col.trim()
        );
        opts = opts.with_type(col.trim(), ty.trim().parse::<ColumnType>()?);
    }
    Ok(opts)
}

/// Reads a data file, with where each row is in it, telling the user on
/// stderr what the reader noticed (such as numbers written with decimal commas).
pub(crate) fn read_data(path: &Path, read: &ReadArgs) -> Result<(Table, Places)> {
    let report = ironlearn_data::read_table_report(path, &read_options(read)?)?;
    for w in report.warnings {
        eprintln!("ironlearn: warning: {w}");
    }
    let places = Places::of_file(path, report.lines, report.table.n_rows());
    Ok((report.table, places))
}

/// Checks, before any reading or training, that `out` can be written and is
/// none of `inputs`.
pub(crate) fn check_output(out: &Path, inputs: &[&Path]) -> Result<()> {
    ironlearn_data::check_output_path(out, inputs).map_err(|e| anyhow::anyhow!("--out {e}"))
}

/// Extensions of data files: a model saved under one of them would replace
/// (or pose as) a data file.
const DATA_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "txt", "parquet", "pq", "gz", "zst", "json", "jsonl", "npy", "npz", "xlsx", "xls", "arrow", "feather",
];

/// [`check_output`] for a model file: its name must not say it is data, so
/// that `--out data.csv` does not replace a data file with a model.
pub(crate) fn check_model_output(out: &Path, inputs: &[&Path]) -> Result<()> {
    check_output(out, inputs)?;
    let ext = out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    anyhow::ensure!(
        !DATA_EXTENSIONS.contains(&ext.as_str()),
        "--out {}: '.{ext}' is the extension of a data file, and a model is not data; \
         a model file should end in .ironlearn (such as --out model.ironlearn)",
        out.display()
    );
    Ok(())
}

/// A column lookup's error, with a hint when the file was read as one
/// column whose name holds another likely delimiter (a `;`-separated file
/// read with the default `,`).
pub(crate) fn column_error(e: ironlearn_core::Error, names: &[String]) -> anyhow::Error {
    let hint = match (&e, names) {
        (ironlearn_core::Error::UnknownColumn { .. }, [only]) => {
            [';', '\t', '|', ','].into_iter().find(|&c| only.contains(c))
        }
        _ => None,
    };
    match hint {
        Some(d) => {
            let d = d.escape_default();
            anyhow::anyhow!(
                "{e}: the file was read as one column; if '{d}' separates the columns, pass --delimiter '{d}'"
            )
        }
        None => e.into(),
    }
}
