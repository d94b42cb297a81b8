//! The booster's view of input features: numbers, and categories as indices.
//!
//! Categories arrive either as text columns of a table (indices into the
//! levels seen in training) or, as in LightGBM, as non-negative integers in a
//! numeric column named by `categorical_feature`. The model remembers which,
//! so new data is mapped onto the same indices, by text where it was text.

use std::collections::HashMap;

use ironlearn_core::table::format_number;
use ironlearn_core::{bail, ensure, ColumnData, Error, Features, Result, MISSING};
use ndarray::{Array2, ArrayView1, CowArray, Ix2};
use serde::{Deserialize, Serialize};

/// A feature as the model records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureInfo {
    pub name: String,
    #[serde(default)]
    pub categorical: bool,
    /// The category texts of a text column; `None` for integer categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// The training data's range or categories in LightGBM's `feature_infos`
    /// notation, written back when the model is saved as LightGBM text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin_info: Option<String>,
}

/// One input column, borrowed.
#[derive(Debug)]
pub enum RawColumn<'a> {
    Numeric { name: String, values: ArrayView1<'a, f64> },
    Categorical { name: String, source: CategorySource<'a> },
}

/// Where category indices come from.
#[derive(Debug)]
pub enum CategorySource<'a> {
    /// Table codes, mapped to the model's indices (`u32::MAX` = unseen).
    Codes { codes: &'a [u32], map: Vec<u32> },
    /// Integers stored as numbers.
    Integers(ArrayView1<'a, f64>),
    /// Numbers matched to the model's level texts.
    NumbersAsText { values: ArrayView1<'a, f64>, levels: HashMap<String, u32> },
}

impl RawColumn<'_> {
    pub fn len(&self) -> usize {
        match self {
            RawColumn::Numeric { values, .. } => values.len(),
            RawColumn::Categorical { source, .. } => match source {
                CategorySource::Codes { codes, .. } => codes.len(),
                CategorySource::Integers(v) | CategorySource::NumbersAsText { values: v, .. } => v.len(),
            },
        }
    }

    pub fn name(&self) -> &str {
        match self {
            RawColumn::Numeric { name, .. } | RawColumn::Categorical { name, .. } => name,
        }
    }

    #[inline]
    pub fn numeric(&self, i: usize) -> f64 {
        match self {
            RawColumn::Numeric { values, .. } => values[i],
            RawColumn::Categorical { .. } => f64::NAN,
        }
    }

    /// The category index of row `i`: `None` when missing, `u32::MAX` when unseen.
    #[inline]
    pub fn category(&self, i: usize) -> Result<Option<u32>> {
        let RawColumn::Categorical { source, name } = self else { return Ok(None) };
        Ok(match source {
            CategorySource::Codes { codes, map } => match codes[i] {
                MISSING => None,
                c => Some(map.get(c as usize).copied().unwrap_or(u32::MAX)),
            },
            CategorySource::Integers(v) => integer_category(name, v[i], i)?,
            CategorySource::NumbersAsText { values, levels } => {
                let v = values[i];
                if v.is_nan() {
                    None
                } else {
                    Some(levels.get(&format_number(v)).copied().unwrap_or(u32::MAX))
                }
            }
        })
    }
}

fn integer_category(name: &str, v: f64, row: usize) -> Result<Option<u32>> {
    // As LightGBM: a fraction is rounded towards 0, and a negative category is missing.
    let c = v.trunc();
    if v.is_nan() || c < 0.0 {
        return Ok(None);
    }
    if c >= f64::from(i32::MAX) {
        return Err(Error::at_cell(
            row,
            format!("'{name}'"),
            format!("a categorical feature must hold integers below 2^31 - 1, got {v}"),
        ));
    }
    Ok(Some(c as u32))
}

/// Which features are categorical, from `categorical_feature` (names or indices).
fn categorical_set(names: &[String], spec: &[String]) -> Result<Vec<bool>> {
    let mut set = vec![false; names.len()];
    for s in spec.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let s = s.strip_prefix("name:").unwrap_or(s);
        let idx = match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => match s.parse::<usize>() {
                Ok(i) if i < names.len() => i,
                _ => {
                    return Err(Error::param(
                        "categorical_feature",
                        format!("'{s}' is neither a feature name nor an index below {}", names.len()),
                    ))
                }
            },
        };
        set[idx] = true;
    }
    Ok(set)
}

/// The training columns and the feature records the model keeps.
pub fn training_columns<'a>(
    x: &Features<'a>,
    categorical_feature: &[String],
) -> Result<(Vec<FeatureInfo>, Vec<RawColumn<'a>>)> {
    let names = x.names();
    let cat = categorical_set(&names, categorical_feature)?;
    let mut infos = Vec::with_capacity(names.len());
    let mut cols = Vec::with_capacity(names.len());
    match *x {
        Features::Dense(m) => {
            for (j, name) in names.into_iter().enumerate() {
                let values = m.index_axis_move(ndarray::Axis(1), j);
                cols.push(if cat[j] {
                    RawColumn::Categorical { name: name.clone(), source: CategorySource::Integers(values) }
                } else {
                    RawColumn::Numeric { name: name.clone(), values }
                });
                infos.push(FeatureInfo { name, categorical: cat[j], levels: None, bin_info: None });
            }
        }
        Features::DenseF32(_) | Features::Sparse(_) => {
            return Err(ironlearn_core::Error::Unsupported(format!(
                "the booster trains on a float64 matrix or a table, not {}",
                x.kind()
            )))
        }
        Features::Table(t) => {
            for (j, c) in t.columns().iter().enumerate() {
                let (info, col) = match &c.data {
                    ColumnData::Numeric(v) if cat[j] => (
                        FeatureInfo { name: c.name.clone(), categorical: true, levels: None, bin_info: None },
                        RawColumn::Categorical {
                            name: c.name.clone(),
                            source: CategorySource::Integers(ArrayView1::from(v.as_slice())),
                        },
                    ),
                    ColumnData::Numeric(v) => (
                        FeatureInfo { name: c.name.clone(), categorical: false, levels: None, bin_info: None },
                        RawColumn::Numeric { name: c.name.clone(), values: ArrayView1::from(v.as_slice()) },
                    ),
                    ColumnData::Categorical { codes, levels } => (
                        FeatureInfo {
                            name: c.name.clone(),
                            categorical: true,
                            levels: Some(levels.clone()),
                            bin_info: None,
                        },
                        RawColumn::Categorical {
                            name: c.name.clone(),
                            source: CategorySource::Codes { codes, map: (0..levels.len() as u32).collect() },
                        },
                    ),
                };
                infos.push(info);
                cols.push(col);
            }
        }
    }
    Ok((infos, cols))
}

/// The columns of new data, mapped onto the model's features.
pub fn predict_columns<'a>(x: &Features<'a>, infos: &[FeatureInfo]) -> Result<Vec<RawColumn<'a>>> {
    ensure!(
        x.n_cols() == infos.len(),
        Shape,
        "X has {} features, but the booster is expecting {} features as input",
        x.n_cols(),
        infos.len()
    );
    let level_index = |levels: &[String]| -> HashMap<String, u32> {
        levels.iter().enumerate().map(|(i, l)| (l.clone(), i as u32)).collect()
    };
    match *x {
        Features::Dense(m) => Ok(infos
            .iter()
            .enumerate()
            .map(|(j, info)| {
                let values = m.index_axis_move(ndarray::Axis(1), j);
                match (&info.categorical, &info.levels) {
                    (false, _) => RawColumn::Numeric { name: info.name.clone(), values },
                    (true, None) => {
                        RawColumn::Categorical { name: info.name.clone(), source: CategorySource::Integers(values) }
                    }
                    (true, Some(levels)) => RawColumn::Categorical {
                        name: info.name.clone(),
                        source: CategorySource::NumbersAsText { values, levels: level_index(levels) },
                    },
                }
            })
            .collect()),
        Features::DenseF32(_) | Features::Sparse(_) => Err(ironlearn_core::Error::Unsupported(format!(
            "the booster reads a float64 matrix or a table, not {}",
            x.kind()
        ))),
        Features::Table(t) => t
            .columns()
            .iter()
            .zip(infos)
            .map(|(c, info)| -> Result<RawColumn<'a>> {
                Ok(match (&c.data, info.categorical, &info.levels) {
                    (ColumnData::Numeric(v), false, _) => {
                        RawColumn::Numeric { name: c.name.clone(), values: ArrayView1::from(v.as_slice()) }
                    }
                    (ColumnData::Numeric(v), true, None) => RawColumn::Categorical {
                        name: c.name.clone(),
                        source: CategorySource::Integers(ArrayView1::from(v.as_slice())),
                    },
                    (ColumnData::Numeric(v), true, Some(levels)) => RawColumn::Categorical {
                        name: c.name.clone(),
                        source: CategorySource::NumbersAsText {
                            values: ArrayView1::from(v.as_slice()),
                            levels: level_index(levels),
                        },
                    },
                    (ColumnData::Categorical { codes, levels }, true, Some(model_levels)) => {
                        let index = level_index(model_levels);
                        let map = levels.iter().map(|l| index.get(l).copied().unwrap_or(u32::MAX)).collect();
                        RawColumn::Categorical { name: c.name.clone(), source: CategorySource::Codes { codes, map } }
                    }
                    (ColumnData::Categorical { .. }, _, _) => bail!(
                        InvalidValue,
                        "column '{}' holds text, but the model was trained on numbers there",
                        c.name
                    ),
                })
            })
            .collect(),
    }
}

/// New data as a row-major matrix the trees read directly: numbers as they
/// are, categories as their model index (NaN when missing, -1 when unseen).
/// Dense input without categorical features is borrowed, not copied.
pub fn prepare<'a>(x: &Features<'a>, infos: &[FeatureInfo]) -> Result<CowArray<'a, f64, Ix2>> {
    if let Features::DenseF32(m) = *x {
        let wide = m.mapv(f64::from);
        return Ok(CowArray::from(prepare(&Features::Dense(wide.view()), infos)?.into_owned()));
    }
    if let Features::Dense(m) = *x {
        if !infos.iter().any(|f| f.categorical && f.levels.is_some()) {
            ensure!(
                m.ncols() == infos.len(),
                Shape,
                "X has {} features, but the booster is expecting {} features as input",
                m.ncols(),
                infos.len()
            );
            ironlearn_core::validate::check_no_inf(m, "X")?;
            return Ok(CowArray::from(m));
        }
    }
    let cols = predict_columns(x, infos)?;
    let n = x.n_rows();
    let mut out = Array2::<f64>::zeros((n, cols.len()));
    for (j, c) in cols.iter().enumerate() {
        for i in 0..n {
            out[[i, j]] = match c {
                RawColumn::Numeric { values, name } => {
                    let v = values[i];
                    if v.is_infinite() {
                        return Err(Error::at_cell(
                            i,
                            format!("'{name}'"),
                            "Input X contains infinity or a value too large; NaN is read as missing, infinity is not",
                        ));
                    }
                    v
                }
                RawColumn::Categorical { .. } => match c.category(i)? {
                    None => f64::NAN,
                    Some(u32::MAX) => -1.0,
                    Some(k) => f64::from(k),
                },
            };
        }
    }
    Ok(CowArray::from(out))
}
