//! The in-memory table every data source turns into.
//!
//! Files, DataFrames and Arrow streams differ in their types; estimators want
//! two things only: numbers (with NaN for a missing value) and categories
//! (dictionary codes with their levels). A `Table` holds exactly those, with
//! the column names, so that categorical data is never silently dropped and a
//! model can check new data against the schema it was trained on.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::{bail, ensure, Error, Result};

/// The code of a missing value in a categorical column.
pub const MISSING: u32 = u32::MAX;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Numbers; NaN marks a missing value.
    Numeric(Vec<f64>),
    /// Codes into `levels`; [`MISSING`] marks a missing value.
    Categorical { codes: Vec<u32>, levels: Vec<String> },
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// The type of a column, as a model's schema records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum DType {
    Numeric,
    /// A categorical column and the categories seen in training, in code order.
    Categorical {
        categories: Vec<String>,
    },
}

/// A column's name and type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(flatten)]
    pub dtype: DType,
}

/// The names and types of a table's columns, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    /// `n` numeric features named `x0`, `x1`, ...
    pub fn numeric(n: usize) -> Self {
        Self::numeric_named(default_names(n))
    }

    /// Numeric features with the given names.
    pub fn numeric_named(names: Vec<String>) -> Self {
        Schema { fields: names.into_iter().map(|name| Field { name, dtype: DType::Numeric }).collect() }
    }

    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// `x0`, `x1`, ... the names of unnamed features.
pub fn default_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("x{i}")).collect()
}

impl Column {
    /// A numeric column.
    pub fn numeric(name: impl Into<String>, values: Vec<f64>) -> Self {
        Column { name: name.into(), data: ColumnData::Numeric(values) }
    }

    /// A categorical column from optional strings; levels are sorted.
    pub fn categorical<S: AsRef<str>>(name: impl Into<String>, values: &[Option<S>]) -> Self {
        let mut levels: Vec<String> = values.iter().flatten().map(|s| s.as_ref().to_string()).collect();
        levels.sort_unstable();
        levels.dedup();
        let codes = values
            .iter()
            .map(|v| match v {
                Some(s) => levels.binary_search_by(|l| l.as_str().cmp(s.as_ref())).expect("level present") as u32,
                None => MISSING,
            })
            .collect();
        Column { name: name.into(), data: ColumnData::Categorical { codes, levels } }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Numeric(v) => v[row].is_nan(),
            ColumnData::Categorical { codes, .. } => codes[row] == MISSING,
        }
    }

    pub fn n_missing(&self) -> usize {
        (0..self.len()).filter(|&i| self.is_missing(i)).count()
    }

    pub fn dtype(&self) -> DType {
        match &self.data {
            ColumnData::Numeric(_) => DType::Numeric,
            ColumnData::Categorical { levels, .. } => DType::Categorical { categories: levels.clone() },
        }
    }

    pub fn is_categorical(&self) -> bool {
        matches!(self.data, ColumnData::Categorical { .. })
    }

    /// The value at `row` as text (empty for a missing value).
    pub fn text(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric(v) if v[row].is_nan() => String::new(),
            ColumnData::Numeric(v) => format_number(v[row]),
            ColumnData::Categorical { codes, levels } => match codes[row] {
                MISSING => String::new(),
                c => levels[c as usize].clone(),
            },
        }
    }

    /// The rows at `indices`, in that order.
    pub fn take(&self, indices: &[usize]) -> Column {
        let data = match &self.data {
            ColumnData::Numeric(v) => ColumnData::Numeric(indices.iter().map(|&i| v[i]).collect()),
            ColumnData::Categorical { codes, levels } => {
                ColumnData::Categorical { codes: indices.iter().map(|&i| codes[i]).collect(), levels: levels.clone() }
            }
        };
        Column { name: self.name.clone(), data }
    }

    /// This column's values as numbers; an error names a categorical column.
    pub fn as_numeric(&self) -> Result<&[f64]> {
        match &self.data {
            ColumnData::Numeric(v) => Ok(v),
            ColumnData::Categorical { .. } => Err(Error::InvalidValue(format!(
                "column '{}' is categorical; encode it (one_hot_encoder) or use an estimator with native categorical support",
                self.name
            ))),
        }
    }

    /// Recodes this column onto `dtype`: categories onto the schema's
    /// categories (unseen ones are appended after them), numbers stay numbers.
    fn conform(&self, dtype: &DType) -> Result<Column> {
        let data = match (dtype, &self.data) {
            (DType::Numeric, ColumnData::Numeric(v)) => ColumnData::Numeric(v.clone()),
            (DType::Numeric, ColumnData::Categorical { codes, levels }) => {
                // Text that is all numbers (a CSV read without hints) is numeric after all.
                let parsed: Vec<Option<f64>> = levels.iter().map(|l| l.trim().parse::<f64>().ok()).collect();
                if let Some(row) = codes.iter().position(|&c| c != MISSING && parsed[c as usize].is_none()) {
                    return Err(Error::at_row(
                        row,
                        format!("column '{}' must be numeric, but holds '{}'", self.name, levels[codes[row] as usize]),
                    ));
                }
                let parsed: Vec<f64> = parsed.into_iter().map(|p| p.expect("checked above")).collect();
                ColumnData::Numeric(
                    codes.iter().map(|&c| if c == MISSING { f64::NAN } else { parsed[c as usize] }).collect(),
                )
            }
            (DType::Categorical { categories }, data) => {
                let own: Vec<Option<String>> = match data {
                    ColumnData::Categorical { levels, .. } => levels.iter().cloned().map(Some).collect(),
                    ColumnData::Numeric(_) => Vec::new(),
                };
                let mut levels = categories.clone();
                let mut lookup = |text: &str| -> u32 {
                    match levels.iter().position(|c| c == text) {
                        Some(p) => p as u32,
                        None => {
                            levels.push(text.to_string());
                            (levels.len() - 1) as u32
                        }
                    }
                };
                let codes = match data {
                    ColumnData::Categorical { codes, .. } => {
                        let map: Vec<u32> = own.iter().map(|l| lookup(l.as_deref().unwrap_or_default())).collect();
                        codes.iter().map(|&c| if c == MISSING { MISSING } else { map[c as usize] }).collect()
                    }
                    ColumnData::Numeric(v) => {
                        v.iter().map(|x| if x.is_nan() { MISSING } else { lookup(&format_number(*x)) }).collect()
                    }
                };
                ColumnData::Categorical { codes, levels }
            }
        };
        Ok(Column { name: self.name.clone(), data })
    }
}

/// Formats a number as a CSV writer would: integers without a fraction.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Columns of equal length with unique names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    columns: Vec<Column>,
    n_rows: usize,
}

impl Table {
    /// A table from columns; they must have equal lengths and unique names.
    pub fn new(columns: Vec<Column>) -> Result<Self> {
        let n_rows = columns.first().map_or(0, Column::len);
        for (i, c) in columns.iter().enumerate() {
            ensure!(
                c.len() == n_rows,
                Shape,
                "column '{}' has {} rows but column '{}' has {n_rows}",
                c.name,
                c.len(),
                columns[0].name
            );
            ensure!(!columns[..i].iter().any(|o| o.name == c.name), InvalidValue, "duplicate column name '{}'", c.name);
        }
        Ok(Table { columns, n_rows })
    }

    /// A numeric table from a dense matrix; names default to `x0`, `x1`, ...
    pub fn from_array(x: ArrayView2<'_, f64>, names: Option<Vec<String>>) -> Result<Self> {
        let names = names.unwrap_or_else(|| default_names(x.ncols()));
        ensure!(names.len() == x.ncols(), Shape, "{} names for {} columns", names.len(), x.ncols());
        let columns = names.into_iter().zip(x.columns()).map(|(n, c)| Column::numeric(n, c.to_vec())).collect();
        Table::new(columns)
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn into_columns(self) -> Vec<Column> {
        self.columns
    }

    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    pub fn schema(&self) -> Schema {
        Schema { fields: self.columns.iter().map(|c| Field { name: c.name.clone(), dtype: c.dtype() }).collect() }
    }

    fn position(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| Error::UnknownColumn { name: name.to_string(), available: self.names() })
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column> {
        Ok(&self.columns[self.position(name)?])
    }

    /// The named columns, in the order given.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table> {
        let columns = names.iter().map(|n| self.column(n.as_ref()).cloned()).collect::<Result<_>>()?;
        Table::new(columns)
    }

    /// Splits off the column `name`, returning the rest and that column.
    pub fn split_off(mut self, name: &str) -> Result<(Table, Column)> {
        let i = self.position(name)?;
        let column = self.columns.remove(i);
        Ok((self, column))
    }

    /// The rows at `indices`, in that order.
    pub fn take(&self, indices: &[usize]) -> Table {
        Table { columns: self.columns.iter().map(|c| c.take(indices)).collect(), n_rows: indices.len() }
    }

    /// Whether every column is numeric.
    pub fn is_numeric(&self) -> bool {
        self.columns.iter().all(|c| !c.is_categorical())
    }

    /// The table as a row-major matrix; fails on a categorical column.
    pub fn to_array(&self) -> Result<Array2<f64>> {
        let mut x = Array2::zeros((self.n_rows, self.columns.len()));
        for (j, c) in self.columns.iter().enumerate() {
            x.column_mut(j).iter_mut().zip(c.as_numeric()?).for_each(|(d, s)| *d = *s);
        }
        Ok(x)
    }

    /// Selects and recodes the columns of `schema`, in its order. Extra
    /// columns are ignored; a missing one is an error naming it; categories
    /// keep the schema's codes, with unseen ones appended after them.
    pub fn conform(&self, schema: &Schema) -> Result<Table> {
        let missing: Vec<&str> =
            schema.fields.iter().filter(|f| self.position(&f.name).is_err()).map(|f| f.name.as_str()).collect();
        if !missing.is_empty() {
            bail!(
                Shape,
                "the data lacks column(s) {} that the model was trained on; it has: {}",
                missing.iter().map(|m| format!("'{m}'")).collect::<Vec<_>>().join(", "),
                self.names().join(", ")
            );
        }
        let columns = schema
            .fields
            .iter()
            .map(|f| self.column(&f.name).and_then(|c| c.conform(&f.dtype)))
            .collect::<Result<_>>()?;
        Table::new(columns)
    }
}
