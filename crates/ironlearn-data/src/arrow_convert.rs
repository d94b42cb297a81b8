//! Arrow arrays to and from table columns.
//!
//! Parquet files and Python DataFrames (through the Arrow C stream interface)
//! both arrive as Arrow record batches. Numbers of any width, booleans, dates
//! and timestamps become numeric columns (nulls become NaN); strings and
//! dictionary-encoded strings become categorical columns. Any other type is an
//! error naming the column, never a silently dropped column.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use ironlearn_core::{Column, ColumnData, Error, Result, Table, MISSING};

/// Concatenates record batches of one schema into a table.
pub fn batches_to_table(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<Table> {
    let columns = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(j, field)| {
            let parts: Vec<&dyn Array> = batches.iter().map(|b| b.column(j).as_ref()).collect();
            convert_column(field.name(), field.data_type(), &parts)
        })
        .collect::<Result<Vec<_>>>()?;
    Table::new(columns)
}

fn convert_column(name: &str, dtype: &DataType, parts: &[&dyn Array]) -> Result<Column> {
    let n: usize = parts.iter().map(|a| a.len()).sum();
    macro_rules! numeric {
        ($t:ty) => {{
            let mut v = Vec::with_capacity(n);
            for a in parts {
                let a = a.as_primitive::<$t>();
                v.extend((0..a.len()).map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) as f64 }));
            }
            return Ok(Column::numeric(name, v));
        }};
    }
    use arrow_schema::TimeUnit;
    match dtype {
        DataType::Float64 => numeric!(Float64Type),
        DataType::Float32 => numeric!(Float32Type),
        DataType::Int8 => numeric!(Int8Type),
        DataType::Int16 => numeric!(Int16Type),
        DataType::Int32 => numeric!(Int32Type),
        DataType::Int64 => numeric!(Int64Type),
        DataType::UInt8 => numeric!(UInt8Type),
        DataType::UInt16 => numeric!(UInt16Type),
        DataType::UInt32 => numeric!(UInt32Type),
        DataType::UInt64 => numeric!(UInt64Type),
        DataType::Date32 => numeric!(Date32Type),
        DataType::Date64 => numeric!(Date64Type),
        DataType::Timestamp(TimeUnit::Second, _) => numeric!(TimestampSecondType),
        DataType::Timestamp(TimeUnit::Millisecond, _) => numeric!(TimestampMillisecondType),
        DataType::Timestamp(TimeUnit::Microsecond, _) => numeric!(TimestampMicrosecondType),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => numeric!(TimestampNanosecondType),
        DataType::Boolean => {
            let mut v = Vec::with_capacity(n);
            for a in parts {
                let a = a.as_boolean();
                v.extend((0..a.len()).map(|i| if a.is_null(i) { f64::NAN } else { f64::from(u8::from(a.value(i))) }));
            }
            Ok(Column::numeric(name, v))
        }
        DataType::Null => Ok(Column::numeric(name, vec![f64::NAN; n])),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            let mut builder = CategoryBuilder::with_capacity(n);
            for a in parts {
                push_strings(name, *a, &mut builder)?;
            }
            Ok(builder.finish(name))
        }
        other => Err(unsupported(name, other)),
    }
}

fn unsupported(name: &str, dtype: &DataType) -> Error {
    Error::InvalidValue(format!(
        "column '{name}' has type {dtype}, which ironlearn cannot use; convert it to numbers or strings"
    ))
}

fn push_strings(name: &str, a: &dyn Array, b: &mut CategoryBuilder) -> Result<()> {
    match a.data_type() {
        DataType::Utf8 => (0..a.len()).for_each(|i| b.push(a.as_string::<i32>(), i)),
        DataType::LargeUtf8 => (0..a.len()).for_each(|i| b.push(a.as_string::<i64>(), i)),
        DataType::Utf8View => {
            let s = a.as_string_view();
            (0..a.len()).for_each(|i| b.push_opt((!s.is_null(i)).then(|| s.value(i))));
        }
        DataType::Dictionary(key, value) => {
            let values_ok = matches!(value.as_ref(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
            if !values_ok {
                return Err(unsupported(name, a.data_type()));
            }
            macro_rules! dict {
                ($k:ty) => {{
                    let d = a.as_dictionary::<$k>();
                    let mut levels = CategoryBuilder::with_capacity(d.values().len());
                    push_strings(name, d.values().as_ref(), &mut levels)?;
                    for i in 0..d.len() {
                        let text = d.key(i).and_then(|k| {
                            let code = levels.codes[k];
                            (code != MISSING).then(|| levels.levels[code as usize].clone())
                        });
                        b.push_opt(text.as_deref());
                    }
                }};
            }
            match key.as_ref() {
                DataType::Int8 => dict!(Int8Type),
                DataType::Int16 => dict!(Int16Type),
                DataType::Int32 => dict!(Int32Type),
                DataType::Int64 => dict!(Int64Type),
                DataType::UInt8 => dict!(UInt8Type),
                DataType::UInt16 => dict!(UInt16Type),
                DataType::UInt32 => dict!(UInt32Type),
                DataType::UInt64 => dict!(UInt64Type),
                _ => return Err(unsupported(name, a.data_type())),
            }
        }
        other => return Err(unsupported(name, other)),
    }
    Ok(())
}

/// Builds a categorical column by interning strings, then sorting the levels.
struct CategoryBuilder {
    index: HashMap<String, u32>,
    levels: Vec<String>,
    codes: Vec<u32>,
}

impl CategoryBuilder {
    fn with_capacity(n: usize) -> Self {
        CategoryBuilder { index: HashMap::new(), levels: Vec::new(), codes: Vec::with_capacity(n) }
    }

    fn push<O: arrow_array::OffsetSizeTrait>(&mut self, a: &arrow_array::GenericStringArray<O>, i: usize) {
        self.push_opt((!a.is_null(i)).then(|| a.value(i)));
    }

    fn push_opt(&mut self, s: Option<&str>) {
        let code = match s {
            None => MISSING,
            Some(s) => match self.index.get(s) {
                Some(&c) => c,
                None => {
                    let c = self.levels.len() as u32;
                    self.index.insert(s.to_string(), c);
                    self.levels.push(s.to_string());
                    c
                }
            },
        };
        self.codes.push(code);
    }

    fn finish(self, name: &str) -> Column {
        let mut order: Vec<usize> = (0..self.levels.len()).collect();
        order.sort_by(|&a, &b| self.levels[a].cmp(&self.levels[b]));
        let mut rank = vec![0u32; order.len()];
        order.iter().enumerate().for_each(|(r, &i)| rank[i] = r as u32);
        let levels: Vec<String> = order.iter().map(|&i| self.levels[i].clone()).collect();
        let codes = self.codes.iter().map(|&c| if c == MISSING { MISSING } else { rank[c as usize] }).collect();
        Column { name: name.to_string(), data: ColumnData::Categorical { codes, levels } }
    }
}

/// A table as one Arrow record batch (numeric as Float64, categories as Utf8).
pub fn table_to_batch(table: &Table) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for c in table.columns() {
        match &c.data {
            ColumnData::Numeric(v) => {
                fields.push(Field::new(&c.name, DataType::Float64, true));
                arrays.push(Arc::new(Float64Array::from(v.clone())));
            }
            ColumnData::Categorical { codes, levels } => {
                fields.push(Field::new(&c.name, DataType::Utf8, true));
                let values: StringArray =
                    codes.iter().map(|&k| (k != MISSING).then(|| levels[k as usize].as_str())).collect();
                arrays.push(Arc::new(values));
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| Error::InvalidValue(e.to_string()))
}
