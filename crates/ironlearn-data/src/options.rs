//! How to read a file: delimiter, decimal separator, missing-value markers,
//! column types.

use std::collections::BTreeMap;

use ironlearn_core::{Column, ColumnData, Error, Result, Table, MISSING};

/// A column type to force instead of inferring it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Numeric,
    Categorical,
}

impl std::str::FromStr for ColumnType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "numeric" | "number" | "float" | "int" => Ok(ColumnType::Numeric),
            "categorical" | "category" | "string" | "str" => Ok(ColumnType::Categorical),
            _ => Err(Error::InvalidValue(format!("unknown column type '{s}'; use numeric or categorical"))),
        }
    }
}

/// Options for reading a table.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The field delimiter; by default `,` (tab for `.tsv`).
    pub delimiter: Option<u8>,
    /// Texts that mean "missing", compared after trimming spaces.
    pub missing: Vec<String>,
    /// Per-column types that override inference.
    pub types: BTreeMap<String, ColumnType>,
    /// The decimal separator of numbers in text: `.` (the default) or `,`.
    ///
    /// With `,`, "1,5" reads as 1.5 and a value holding a `.` is not a number
    /// (in such files a `.` groups thousands, and guessing would misread
    /// "1.234"). The delimiter is not changed: such files are usually
    /// `;`-separated, so set `delimiter` too, or quote the numbers.
    pub decimal: u8,
}

impl Default for ReadOptions {
    fn default() -> Self {
        let missing = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "#N/A", "?"];
        ReadOptions {
            delimiter: None,
            missing: missing.map(String::from).to_vec(),
            types: BTreeMap::new(),
            decimal: b'.',
        }
    }
}

impl ReadOptions {
    /// Forces `column` to `ty`.
    pub fn with_type(mut self, column: impl Into<String>, ty: ColumnType) -> Self {
        self.types.insert(column.into(), ty);
        self
    }

    pub(crate) fn is_missing(&self, s: &str) -> bool {
        let t = s.trim();
        self.missing.iter().any(|m| m == t)
    }

    /// The number `s` holds, written with this decimal separator, if any.
    pub(crate) fn parse_number(&self, s: &str) -> Option<f64> {
        let t = s.trim();
        if self.decimal == b'.' {
            return t.parse().ok();
        }
        if t.contains('.') {
            None
        } else if t.contains(',') {
            t.replacen(',', ".", 1).parse().ok()
        } else {
            t.parse().ok()
        }
    }

    pub(crate) fn check_decimal(&self) -> Result<()> {
        match self.decimal {
            b'.' | b',' => Ok(()),
            d => Err(Error::InvalidValue(format!(
                "the decimal separator must be '.' or ',', not '{}'",
                char::from(d).escape_default()
            ))),
        }
    }

    /// Checks that every overridden column exists, then applies the overrides to
    /// an already typed table (Parquet, Arrow).
    pub(crate) fn apply(&self, table: Table, source: &str) -> Result<Table> {
        self.check_columns(&table.names())?;
        if self.types.is_empty() {
            return check_rows(table, source);
        }
        let columns = table
            .into_columns()
            .into_iter()
            .map(|c| match (self.types.get(&c.name), &c.data) {
                (Some(ColumnType::Categorical), ColumnData::Numeric(v)) => {
                    let texts: Vec<Option<String>> =
                        v.iter().map(|x| (!x.is_nan()).then(|| ironlearn_core::table::format_number(*x))).collect();
                    Ok(Column::categorical(c.name, &texts))
                }
                (Some(ColumnType::Numeric), ColumnData::Categorical { codes, levels }) => {
                    let parsed = levels
                        .iter()
                        .map(|l| {
                            self.parse_number(l).ok_or_else(|| {
                                // Rows count from 0, as everywhere; these files have no lines.
                                let row = codes.iter().position(|&k| k != MISSING && levels[k as usize] == *l);
                                Error::Parse {
                                    location: format!("{source} row {}, column '{}'", row.unwrap_or(0), c.name),
                                    message: format!("cannot parse '{l}' as a number"),
                                }
                            })
                        })
                        .collect::<Result<Vec<f64>>>()?;
                    let v = codes.iter().map(|&k| if k == MISSING { f64::NAN } else { parsed[k as usize] }).collect();
                    Ok(Column::numeric(c.name, v))
                }
                _ => Ok(c),
            })
            .collect::<Result<Vec<_>>>()?;
        check_rows(Table::new(columns)?, source)
    }

    pub(crate) fn check_columns(&self, names: &[String]) -> Result<()> {
        for name in self.types.keys() {
            if !names.contains(name) {
                return Err(Error::UnknownColumn { name: name.clone(), available: names.to_vec() });
            }
        }
        Ok(())
    }
}

fn check_rows(table: Table, source: &str) -> Result<Table> {
    if table.n_cols() == 0 {
        return Err(Error::Empty(format!("{source} has no columns")));
    }
    if table.n_rows() == 0 {
        return Err(Error::Empty(format!("{source} has a header but no data rows")));
    }
    Ok(table)
}
