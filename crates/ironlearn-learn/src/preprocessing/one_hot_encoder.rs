//! One-hot encoding of categories.
//!
//! Each encoded column becomes one indicator column per category seen in
//! training, in place. Text columns and numeric columns are both encodable
//! (numbers as exact values, as scikit-learn does); a missing value is a
//! category of its own, named `nan`. With `columns = "categorical"` only text
//! columns are encoded and numbers pass through, which is what a table with
//! mixed columns needs before a linear model.

use std::collections::HashMap;

use ironlearn_core::table::format_number;
use ironlearn_core::{
    bail, ensure, hyperparams, register, Attribute, Column, ColumnData, Data, Domain, Features, FitContext,
    FitTransform, Fitted, Learn, Params, Result, Table, Task, TrainData, Transform, MISSING,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

hyperparams! {
    /// Encodes categories as indicator (0/1) columns.
    ///
    /// ```
    /// use ironlearn_core::{Column, Table};
    /// use ironlearn_learn::OneHotEncoder;
    ///
    /// let t = Table::new(vec![Column::categorical("color", &[Some("red"), Some("blue"), Some("red")])])?;
    /// let enc = OneHotEncoder::default().fit_table(&t)?;
    /// let out = enc.transform_table(&t)?;
    /// assert_eq!(out.names(), ["color_blue", "color_red"]);
    /// assert_eq!(out.column("color_red")?.as_numeric()?, &[1.0, 0.0, 1.0]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "one_hot_encoder"]
    #[aliases("onehot")]
    #[tags(task = Some(Task::Transform), missing_values, categorical)]
    pub struct OneHotEncoder {
        /// A category not seen in training: "error" fails, "ignore" encodes it as all zeros.
        handle_unknown: String = "error".into(), domain(Domain::choice(&["error", "ignore"]));
        /// Which columns to encode: "all", or "categorical" (text only; numbers pass through).
        columns: String = "all".into(), domain(Domain::choice(&["all", "categorical"]));
    }
}

/// The most values a dense encoding may hold: 2^28 numbers, 2 GiB. An
/// identifier column (one category per row) would otherwise grow the output
/// with the square of the rows until memory runs out.
pub const MAX_ENCODED_VALUES: usize = 1 << 28;

/// The categories of one encoded column, in output order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Categories {
    /// Category names (`nan` last for missing values).
    names: Vec<String>,
    /// The exact values, when the column was numeric.
    values: Option<Vec<f64>>,
    /// Whether the last category stands for missing values.
    missing: bool,
}

/// A fitted [`OneHotEncoder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotEncoderModel {
    params: OneHotEncoder,
    input_names: Vec<String>,
    /// Per input column: its categories, or `None` when it passes through.
    encoded: Vec<Option<Categories>>,
}

impl OneHotEncoder {
    fn check_weights(w: Option<&[f64]>) -> Result<()> {
        ensure!(w.is_none(), Unsupported, "one_hot_encoder does not use sample weights");
        Ok(())
    }

    /// Learns the categories of a table's columns.
    pub fn fit_table(&self, t: &Table) -> Result<OneHotEncoderModel> {
        self.validate()?;
        ensure!(t.n_rows() > 0, Empty, "Found array with 0 sample(s) while a minimum of 1 is required");
        let all = self.columns == "all";
        let encoded = t.columns().iter().map(|c| learn_categories(c, all)).collect::<Result<Vec<_>>>()?;
        let model = OneHotEncoderModel { params: self.clone(), input_names: t.names(), encoded };
        // Fitting is followed by encoding these rows: refuse now what that could not hold.
        model.check_size(t.n_rows())?;
        Ok(model)
    }
}

fn learn_categories(c: &Column, all: bool) -> Result<Option<Categories>> {
    Ok(match &c.data {
        ColumnData::Categorical { codes, levels } => {
            let mut used = vec![false; levels.len()];
            let mut missing = false;
            for &k in codes {
                if k == MISSING {
                    missing = true;
                } else {
                    used[k as usize] = true;
                }
            }
            let mut names: Vec<String> =
                levels.iter().zip(&used).filter(|(_, u)| **u).map(|(l, _)| l.clone()).collect();
            names.sort();
            if missing {
                names.push("nan".into());
            }
            Some(Categories { names, values: None, missing })
        }
        ColumnData::Numeric(v) if all => {
            if let Some(i) = v.iter().position(|x| x.is_infinite()) {
                return Err(ironlearn_core::Error::at_cell(i, format!("'{}'", c.name), "Input X contains infinity"));
            }
            let mut values: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            let missing = v.iter().any(|x| x.is_nan());
            let mut names: Vec<String> = values.iter().map(|x| format_number(*x)).collect();
            if missing {
                names.push("nan".into());
            }
            Some(Categories { names, values: Some(values), missing })
        }
        ColumnData::Numeric(_) => None,
    })
}

impl OneHotEncoderModel {
    /// The categories of each input column (empty for a pass-through column).
    pub fn categories(&self) -> Vec<Vec<String>> {
        self.encoded.iter().map(|e| e.as_ref().map_or_else(Vec::new, |c| c.names.clone())).collect()
    }

    /// Fails when encoding `n_rows` rows would exceed [`MAX_ENCODED_VALUES`],
    /// naming the column with the most categories.
    fn check_size(&self, n_rows: usize) -> Result<()> {
        let width = |e: &Option<Categories>| e.as_ref().map_or(1, |c| c.names.len());
        let n_cols: usize = self.encoded.iter().map(width).sum();
        let values = n_rows.saturating_mul(n_cols);
        if values <= MAX_ENCODED_VALUES {
            return Ok(());
        }
        let widest = (0..self.encoded.len()).max_by_key(|&j| width(&self.encoded[j])).unwrap_or(0);
        bail!(
            InvalidValue,
            "one-hot encoding {n_rows} rows would make {n_cols} columns ({values} values), over the limit of \
             {MAX_ENCODED_VALUES} values (2 GiB); column '{}' alone has {} categories: leave out columns with \
             about one category per row (identifiers), or group rare categories",
            self.input_names[widest],
            width(&self.encoded[widest])
        )
    }

    fn unknown(&self, column: &str, value: &str) -> Result<Option<usize>> {
        if self.params.handle_unknown == "ignore" {
            Ok(None)
        } else {
            bail!(
                InvalidValue,
                "Found unknown categories ['{value}'] in column '{column}' during transform; set handle_unknown=ignore to encode them as zeros"
            )
        }
    }

    /// The category index of each row of column `c` (`None` = all zeros).
    fn indices(&self, c: &Column, cats: &Categories) -> Result<Vec<Option<usize>>> {
        let missing_idx = cats.missing.then(|| cats.names.len() - 1);
        match (&c.data, &cats.values) {
            (ColumnData::Numeric(v), Some(values)) => v
                .iter()
                .map(|x| {
                    if x.is_nan() {
                        return match missing_idx {
                            Some(m) => Ok(Some(m)),
                            None => self.unknown(&c.name, "nan"),
                        };
                    }
                    match values.binary_search_by(|a| a.total_cmp(x)) {
                        Ok(p) => Ok(Some(p)),
                        Err(_) => self.unknown(&c.name, &format_number(*x)),
                    }
                })
                .collect(),
            (ColumnData::Categorical { codes, levels }, None) => {
                let lookup: HashMap<&str, usize> = cats
                    .names
                    .iter()
                    .take(cats.names.len() - usize::from(cats.missing))
                    .enumerate()
                    .map(|(i, n)| (n.as_str(), i))
                    .collect();
                let map: Vec<Option<usize>> = levels.iter().map(|l| lookup.get(l.as_str()).copied()).collect();
                codes
                    .iter()
                    .map(|&k| {
                        if k == MISSING {
                            return match missing_idx {
                                Some(m) => Ok(Some(m)),
                                None => self.unknown(&c.name, "nan"),
                            };
                        }
                        match map[k as usize] {
                            Some(i) => Ok(Some(i)),
                            None => self.unknown(&c.name, &levels[k as usize]),
                        }
                    })
                    .collect()
            }
            (ColumnData::Numeric(v), None) => {
                // A text column in training that arrives as numbers: match by text.
                let texts: Vec<Option<String>> = v.iter().map(|x| (!x.is_nan()).then(|| format_number(*x))).collect();
                self.indices(&Column::categorical(c.name.clone(), &texts), cats)
            }
            (ColumnData::Categorical { .. }, Some(_)) => {
                bail!(InvalidValue, "column '{}' was numeric in training but holds text now", c.name)
            }
        }
    }

    /// Encodes a table; encoded columns are replaced by their indicators in place.
    pub fn transform_table(&self, t: &Table) -> Result<Table> {
        ensure!(
            t.n_cols() == self.encoded.len(),
            Shape,
            "X has {} features, but OneHotEncoder is expecting {} features as input",
            t.n_cols(),
            self.encoded.len()
        );
        self.check_size(t.n_rows())?;
        let mut out = Vec::new();
        for (c, enc) in t.columns().iter().zip(&self.encoded) {
            match enc {
                None => out.push(Column::numeric(c.name.clone(), c.as_numeric()?.to_vec())),
                Some(cats) => {
                    let idx = self.indices(c, cats)?;
                    for (k, name) in cats.names.iter().enumerate() {
                        let v = idx.iter().map(|i| if *i == Some(k) { 1.0 } else { 0.0 }).collect();
                        out.push(Column::numeric(format!("{}_{name}", c.name), v));
                    }
                }
            }
        }
        Table::new(out)
    }
}

impl FitTransform for OneHotEncoder {
    type Fitted = OneHotEncoderModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<OneHotEncoderModel> {
        Self::check_weights(w)?;
        self.fit_table(&Table::from_array(x, None)?)
    }
}

impl Transform for OneHotEncoderModel {
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.transform_table(&Table::from_array(x, None)?)?.to_array()
    }
}

impl Learn for OneHotEncoder {
    type Model = OneHotEncoderModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<OneHotEncoderModel> {
        self.fit_table(&*data.x.to_table()?)
    }
}

impl Fitted for OneHotEncoderModel {
    type Estimator = OneHotEncoder;

    fn n_features_in(&self) -> usize {
        self.encoded.len()
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        let table = self.transform_table(&*x.to_table()?)?;
        Ok(match x {
            Features::Table(_) => Data::Table(table),
            _ => Data::Dense(table.to_array()?),
        })
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input
            .iter()
            .zip(&self.encoded)
            .flat_map(|(name, enc)| match enc {
                None => vec![name.clone()],
                Some(c) => c.names.iter().map(|k| format!("{name}_{k}")).collect(),
            })
            .collect()
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        vec![("categories_".into(), Attribute::Json(serde_json::to_value(self.categories()).unwrap_or_default()))]
    }
}

register!(OneHotEncoder);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoding_too_large_to_hold_is_refused_naming_the_limit() {
        let n = 20_000;
        let ids: Vec<Option<String>> = (0..n).map(|i| Some(format!("user{i}"))).collect();
        let t = Table::new(vec![Column::categorical("id", &ids), Column::numeric("a", vec![1.0; n])]).unwrap();
        let e = OneHotEncoder::default().fit_table(&t).unwrap_err().to_string();
        assert!(e.contains("over the limit of 268435456 values"), "{e}");
        assert!(e.contains("column 'id' alone has 20000 categories"), "{e}");
    }
}
