//! Filling missing values.
//!
//! Numbers are filled by the column's mean, median, most frequent value or a
//! constant; categories by their most frequent level or a constant level. A
//! column with no observed value is filled with `fill_value` (or
//! `fill_category`) and kept, so the output has as many columns as the input
//! (scikit-learn's `keep_empty_features=True`).

use ironlearn_core::{
    bail, ensure, hyperparams, register, Attribute, Column, ColumnData, Data, Domain, Features, FitContext,
    FitTransform, Fitted, Learn, Params, Result, Table, Task, TrainData, Transform, MISSING,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

hyperparams! {
    /// Replaces missing values (NaN, or a missing category) column by column.
    ///
    /// ```
    /// use ironlearn_core::{FitTransform, Transform};
    /// use ironlearn_learn::SimpleImputer;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, f64::NAN], [3.0, 4.0], [f64::NAN, 8.0]];
    /// let imp = SimpleImputer::default().fit(x.view())?;
    /// assert_eq!(imp.transform(x.view())?, array![[1.0, 6.0], [3.0, 4.0], [2.0, 8.0]]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "simple_imputer"]
    #[aliases("imputer")]
    #[tags(task = Some(Task::Transform), missing_values, categorical)]
    pub struct SimpleImputer {
        /// How numeric columns are filled: "mean", "median", "most_frequent" or "constant".
        strategy: String = "mean".into(),
            domain(Domain::choice(&["mean", "median", "most_frequent", "constant"]));
        /// How categorical columns are filled: "most_frequent" or "constant".
        categorical_strategy: String = "most_frequent".into(),
            domain(Domain::choice(&["most_frequent", "constant"]));
        /// The number used by "constant", and for a numeric column with no observed value.
        fill_value: f64 = 0.0, domain(Domain::finite());
        /// The category used by "constant", and for a categorical column with no observed value.
        fill_category: String = "missing".into();
    }
}

/// What one column's missing values become.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Fill {
    Number(f64),
    Category(String),
}

/// A fitted [`SimpleImputer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleImputerModel {
    params: SimpleImputer,
    fills: Vec<Fill>,
}

fn most_frequent_number(v: &[f64]) -> Option<f64> {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    s.sort_by(f64::total_cmp);
    let mut best: Option<(f64, usize)> = None;
    let mut i = 0;
    while i < s.len() {
        let j = s[i..].iter().position(|x| *x != s[i]).map_or(s.len(), |k| i + k);
        // Ties go to the smallest value, as in scikit-learn.
        if best.is_none_or(|(_, c)| j - i > c) {
            best = Some((s[i], j - i));
        }
        i = j;
    }
    best.map(|(v, _)| v)
}

impl SimpleImputer {
    /// Learns the fill value of each column of a table.
    pub fn fit_table(&self, t: &Table) -> Result<SimpleImputerModel> {
        self.validate()?;
        ensure!(t.n_rows() > 0, Empty, "Found array with 0 sample(s) while a minimum of 1 is required");
        let fills = t
            .columns()
            .iter()
            .map(|c| -> Result<Fill> {
                Ok(match &c.data {
                    ColumnData::Numeric(v) => {
                        if let Some(i) = v.iter().position(|x| x.is_infinite()) {
                            return Err(ironlearn_core::Error::at_cell(
                                i,
                                format!("'{}'", c.name),
                                "Input X contains infinity",
                            ));
                        }
                        let seen: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                        let value = match self.strategy.as_str() {
                            _ if seen.is_empty() => self.fill_value,
                            "mean" => seen.iter().sum::<f64>() / seen.len() as f64,
                            "median" => {
                                let mut s = seen.clone();
                                s.sort_by(f64::total_cmp);
                                let m = s.len() / 2;
                                if s.len() % 2 == 1 {
                                    s[m]
                                } else {
                                    0.5 * (s[m - 1] + s[m])
                                }
                            }
                            "most_frequent" => most_frequent_number(&seen).unwrap_or(self.fill_value),
                            _ => self.fill_value,
                        };
                        Fill::Number(value)
                    }
                    ColumnData::Categorical { codes, levels } => {
                        let mut counts = vec![0usize; levels.len()];
                        codes.iter().filter(|&&k| k != MISSING).for_each(|&k| counts[k as usize] += 1);
                        let best = (0..levels.len())
                            .filter(|&k| counts[k] > 0)
                            .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(levels[b].cmp(&levels[a])));
                        match (self.categorical_strategy.as_str(), best) {
                            ("most_frequent", Some(k)) => Fill::Category(levels[k].clone()),
                            _ => Fill::Category(self.fill_category.clone()),
                        }
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SimpleImputerModel { params: self.clone(), fills })
    }
}

impl SimpleImputerModel {
    /// Each column's fill value, as text for categorical columns.
    pub fn statistics(&self) -> Vec<String> {
        self.fills
            .iter()
            .map(|f| match f {
                Fill::Number(v) => v.to_string(),
                Fill::Category(c) => c.clone(),
            })
            .collect()
    }

    /// Fills the missing values of a table.
    pub fn transform_table(&self, t: &Table) -> Result<Table> {
        ensure!(
            t.n_cols() == self.fills.len(),
            Shape,
            "X has {} features, but SimpleImputer is expecting {} features as input",
            t.n_cols(),
            self.fills.len()
        );
        let columns = t
            .columns()
            .iter()
            .zip(&self.fills)
            .map(|(c, fill)| -> Result<Column> {
                Ok(match (&c.data, fill) {
                    (ColumnData::Numeric(v), Fill::Number(f)) => {
                        if let Some(i) = v.iter().position(|x| x.is_infinite()) {
                            return Err(ironlearn_core::Error::at_cell(
                                i,
                                format!("'{}'", c.name),
                                "Input X contains infinity",
                            ));
                        }
                        Column::numeric(c.name.clone(), v.iter().map(|x| if x.is_nan() { *f } else { *x }).collect())
                    }
                    (ColumnData::Categorical { codes, levels }, Fill::Category(f)) => {
                        let mut levels = levels.clone();
                        let code = match levels.iter().position(|l| l == f) {
                            Some(p) => p as u32,
                            None => {
                                levels.push(f.clone());
                                (levels.len() - 1) as u32
                            }
                        };
                        let codes = codes.iter().map(|&k| if k == MISSING { code } else { k }).collect();
                        Column { name: c.name.clone(), data: ColumnData::Categorical { codes, levels } }
                    }
                    _ => bail!(
                        InvalidValue,
                        "column '{}' changed type between fit and transform (numeric vs categorical)",
                        c.name
                    ),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Table::new(columns)
    }
}

impl FitTransform for SimpleImputer {
    type Fitted = SimpleImputerModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<SimpleImputerModel> {
        ensure!(w.is_none(), Unsupported, "simple_imputer does not use sample weights");
        self.fit_table(&Table::from_array(x, None)?)
    }
}

impl Transform for SimpleImputerModel {
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.transform_table(&Table::from_array(x, None)?)?.to_array()
    }
}

impl Learn for SimpleImputer {
    type Model = SimpleImputerModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<SimpleImputerModel> {
        self.fit_table(&*data.x.to_table()?)
    }
}

impl Fitted for SimpleImputerModel {
    type Estimator = SimpleImputer;

    fn n_features_in(&self) -> usize {
        self.fills.len()
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Ok(match x {
            Features::Table(t) => Data::Table(self.transform_table(t)?),
            other => Data::Dense(self.transform(other.to_dense()?.view())?),
        })
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        let numeric: Option<Vec<f64>> = self
            .fills
            .iter()
            .map(|f| match f {
                Fill::Number(v) => Some(*v),
                Fill::Category(_) => None,
            })
            .collect();
        let stats = match numeric {
            Some(v) => Attribute::Array(ndarray::Array1::from(v).into_dyn()),
            None => Attribute::Strings(self.statistics()),
        };
        vec![("statistics_".into(), stats)]
    }
}

register!(SimpleImputer);
