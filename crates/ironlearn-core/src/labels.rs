//! Class labels that stay labels.
//!
//! A classifier learns from codes `0..k` but users speak in labels ("setosa",
//! 7, true). `Labels` keeps both, so predictions come back as the labels the
//! model was trained on, and a saved model remembers them.

use crate::table::{format_number, Column, ColumnData};
use crate::{ensure, Error, Result};

/// Class codes with the class names they stand for; `classes` is sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    classes: Vec<String>,
    codes: Vec<u32>,
}

impl Labels {
    /// Labels from codes into `classes`.
    pub fn new(classes: Vec<String>, codes: Vec<u32>) -> Result<Self> {
        if let Some(bad) = codes.iter().find(|&&c| c as usize >= classes.len()) {
            crate::bail!(InvalidValue, "class code {bad} is out of range for {} classes", classes.len());
        }
        Ok(Labels { classes, codes })
    }

    /// Labels from text; classes are sorted as strings.
    pub fn from_strings<S: AsRef<str>>(values: &[S]) -> Self {
        let mut classes: Vec<String> = values.iter().map(|s| s.as_ref().to_string()).collect();
        classes.sort_unstable();
        classes.dedup();
        let codes =
            values.iter().map(|v| classes.binary_search_by(|c| c.as_str().cmp(v.as_ref())).unwrap() as u32).collect();
        Labels { classes, codes }
    }

    /// Labels from numbers; classes are sorted numerically. NaN is an error.
    pub fn from_f64(values: &[f64]) -> Result<Self> {
        if let Some(row) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::at_row(
                row,
                format!("class label {} is not allowed; labels must be finite", values[row]),
            ));
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        let codes = values.iter().map(|v| sorted.binary_search_by(|c| c.total_cmp(v)).unwrap() as u32).collect();
        Ok(Labels { classes: sorted.into_iter().map(format_number).collect(), codes })
    }

    /// The class labels of a target column; a missing label is an error naming its row.
    pub fn from_column(column: &Column) -> Result<Self> {
        match &column.data {
            ColumnData::Numeric(v) => {
                check_no_missing(column)?;
                Labels::from_f64(v)
            }
            ColumnData::Categorical { codes, levels } => {
                check_no_missing(column)?;
                // Drop levels that no row uses, keeping the sorted order.
                let mut used = vec![false; levels.len()];
                codes.iter().for_each(|&c| used[c as usize] = true);
                let mut remap = vec![0u32; levels.len()];
                let mut classes = Vec::new();
                for (i, l) in levels.iter().enumerate() {
                    if used[i] {
                        remap[i] = classes.len() as u32;
                        classes.push(l.clone());
                    }
                }
                let mut order: Vec<usize> = (0..classes.len()).collect();
                order.sort_by(|&a, &b| classes[a].cmp(&classes[b]));
                let mut rank = vec![0u32; classes.len()];
                order.iter().enumerate().for_each(|(r, &i)| rank[i] = r as u32);
                let sorted: Vec<String> = order.iter().map(|&i| classes[i].clone()).collect();
                Ok(Labels { classes: sorted, codes: codes.iter().map(|&c| rank[remap[c as usize] as usize]).collect() })
            }
        }
    }

    /// Maps labels given as text onto these classes; an unknown label is an error.
    pub fn encode<S: AsRef<str>>(&self, values: &[S]) -> Result<Vec<u32>> {
        values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                self.classes.iter().position(|c| c == v.as_ref()).map(|p| p as u32).ok_or_else(|| {
                    Error::at_row(row, format!("label '{}' is not one of the classes {:?}", v.as_ref(), self.classes))
                })
            })
            .collect()
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The label of row `i`.
    pub fn label(&self, i: usize) -> &str {
        &self.classes[self.codes[i] as usize]
    }

    /// Every row's label.
    pub fn to_strings(&self) -> Vec<String> {
        (0..self.len()).map(|i| self.label(i).to_string()).collect()
    }

    /// The rows at `indices`, with the same classes.
    pub fn take(&self, indices: &[usize]) -> Labels {
        Labels { classes: self.classes.clone(), codes: indices.iter().map(|&i| self.codes[i]).collect() }
    }

    /// The number of rows of each class.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        self.codes.iter().for_each(|&c| counts[c as usize] += 1);
        counts
    }

    /// Fails unless at least two classes occur, as every classifier needs.
    pub fn check_two_classes(&self) -> Result<()> {
        let present = self.counts().iter().filter(|&&c| c > 0).count();
        ensure!(
            present >= 2,
            InvalidValue,
            "the target has only one class ({}); a classifier needs at least 2",
            self.classes.first().map_or("none", String::as_str)
        );
        Ok(())
    }
}

fn check_no_missing(column: &Column) -> Result<()> {
    let n = column.n_missing();
    if n == column.len() {
        crate::bail!(Empty, "the target '{}' is missing in every row", column.name);
    }
    if n > 0 {
        let first = (0..column.len()).find(|&i| column.is_missing(i)).unwrap_or_default();
        let message = match n {
            1 => format!("the target '{}' is missing; drop or fill that row", column.name),
            2 => format!("the target '{}' is missing here and in 1 other row; drop or fill them", column.name),
            _ => format!("the target '{}' is missing here and in {} other rows; drop or fill them", column.name, n - 1),
        };
        return Err(Error::at_row(first, message));
    }
    Ok(())
}

/// The numeric values of a regression target; a missing value is an error naming its row.
pub fn target_values(column: &Column) -> Result<Vec<f64>> {
    if let ColumnData::Categorical { .. } = column.data {
        crate::bail!(InvalidValue, "the target '{}' is categorical; use a classifier or a numeric target", column.name);
    }
    check_no_missing(column)?;
    let v = column.as_numeric()?;
    if let Some(row) = v.iter().position(|x| x.is_infinite()) {
        return Err(Error::at_row(row, format!("the target '{}' is infinite", column.name)));
    }
    Ok(v.to_vec())
}
