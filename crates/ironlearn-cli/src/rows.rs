//! Rows named the way the user sees the file.
//!
//! The library numbers a row by its index, from 0, in the data it was given;
//! the CLI gives it a subset of the file (rows with a missing target dropped,
//! a training or held-out split), so such an index means nothing to someone
//! looking at the file. Every message of the CLI names a CSV row by the file
//! line it starts on, and a Parquet row by its index in the file, from 0.

use std::path::Path;
use std::sync::Arc;

use ironlearn_core::Error;

/// Where each row of a table came from in its file.
#[derive(Debug, Clone)]
pub(crate) struct Places {
    source: Arc<str>,
    /// The file line of each row of the file, for text files.
    lines: Option<Arc<[u64]>>,
    /// The file row of each row of the table.
    origin: Vec<usize>,
}

impl Places {
    /// The rows of `path` as read, in file order.
    pub(crate) fn of_file(path: &Path, lines: Option<Vec<u64>>, n_rows: usize) -> Places {
        Places {
            source: path.display().to_string().into(),
            lines: lines.map(Into::into),
            origin: (0..n_rows).collect(),
        }
    }

    /// These rows' subset `rows` (indices into this table), in that order.
    pub(crate) fn take(&self, rows: &[usize]) -> Places {
        Places { origin: rows.iter().map(|&i| self.origin[i]).collect(), ..self.clone() }
    }

    /// Row `row` of the table, as the file has it: "data.csv line 7" or "data.parquet row 6".
    pub(crate) fn name(&self, row: usize) -> String {
        let at = self.origin[row];
        match &self.lines {
            Some(lines) => format!("{} line {}", self.source, lines[at]),
            None => format!("{} row {at}", self.source),
        }
    }

    /// A library error; one that names a row of this table (not of a
    /// validation set) names it as the file has it instead.
    pub(crate) fn locate(&self, e: Error) -> anyhow::Error {
        self.locate_in(e, None)
    }

    /// [`Places::locate`], naming the file in an error without a row.
    pub(crate) fn locate_or_name(&self, e: Error) -> anyhow::Error {
        match e.row() {
            Some(_) => self.locate(e),
            None => anyhow::Error::from(e).context(self.source.to_string()),
        }
    }

    /// [`Places::locate`] for fitting with a validation set: a row of the
    /// set named `valid.0` is found in `valid.1`.
    pub(crate) fn locate_in(&self, e: Error, valid: Option<(&str, &Places)>) -> anyhow::Error {
        let places = match (e.row(), valid) {
            (Some((row, None)), _) if row < self.origin.len() => self,
            (Some((row, Some(set))), Some((name, v))) if set == name && row < v.origin.len() => v,
            _ => return e.into(),
        };
        let Error::Row { message, row, column, .. } = e else { unreachable!("a row error") };
        let column = column.map(|c| format!(", column {c}")).unwrap_or_default();
        anyhow::anyhow!("{message} ({}{column})", places.name(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_a_subset_are_named_by_their_file_line() {
        let csv = Places::of_file(Path::new("d.csv"), Some(vec![2, 3, 5, 6]), 4);
        let train = csv.take(&[3, 1]);
        assert_eq!(train.name(0), "d.csv line 6");
        let e = train.locate(Error::at_cell(1, "'a'", "Input X contains inf"));
        assert_eq!(e.to_string(), "Input X contains inf (d.csv line 3, column 'a')");
        let pq = Places::of_file(Path::new("d.parquet"), None, 4).take(&[2]);
        assert_eq!(pq.locate(Error::at_row(0, "bad")).to_string(), "bad (d.parquet row 2)");
    }

    #[test]
    fn a_validation_row_is_found_in_the_validation_rows() {
        let csv = Places::of_file(Path::new("d.csv"), Some(vec![2, 3, 4, 5]), 4);
        let (train, test) = (csv.take(&[0, 1, 2]), csv.take(&[3]));
        let e = Error::at_row(0, "bad").in_data("holdout");
        assert_eq!(train.locate_in(e, Some(("holdout", &test))).to_string(), "bad (d.csv line 5)");
        // An unknown set, or a row past the end, is left as the library said it.
        let e = Error::at_row(0, "bad").in_data("other");
        assert_eq!(train.locate_in(e, Some(("holdout", &test))).to_string(), "bad (validation set 'other', row 0)");
        assert_eq!(train.locate(Error::at_row(9, "bad")).to_string(), "bad (row 9)");
    }
}
