//! One error type for every failure a user can cause.
//!
//! Data and user failures are values that name what is wrong (the column, the
//! row, the parameter, the limit) so the CLI can print them as one line and the
//! Python package can map them onto the exception scikit-learn would raise.
//! A broken internal invariant is a bug and panics instead.
//!
//! Rows are numbered one way: "row N" counts from 0 in the data as the
//! program holds it (an array, a table, a Parquet file), as numpy and pandas
//! index rows; "line N" is a text file's line, from 1 as editors show it. The
//! library reports rows; the CLI turns a row of a CSV file into its line.

use std::path::PathBuf;

/// The result type of every fallible ironlearn function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong because of the data, the parameters or a file.
///
/// `Debug` prints the message and its causes as a reader wants them, so a
/// `main` that returns `Result<(), ironlearn::Error>` ends with a readable line.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file could not be parsed; `location` names the line and column.
    #[error("{location}: {message}")]
    Parse { location: String, message: String },
    /// A column name that the data does not have.
    #[error("unknown column '{name}'; the data has: {}", list(available))]
    UnknownColumn { name: String, available: Vec<String> },
    /// The input holds no rows or no usable values.
    #[error("empty data: {0}")]
    Empty(String),
    /// A shape mismatch: wrong number of features, rows or outputs.
    #[error("{0}")]
    Shape(String),
    /// A value that is not allowed, such as NaN or infinity, or an unseen category.
    #[error("{0}")]
    InvalidValue(String),
    /// A value that is not allowed, in one row of the data. `row` counts from
    /// 0 in the rows the function was given, as an array's rows are numbered;
    /// `data` names a validation set (none: the input itself). A caller that
    /// knows where the rows came from names them its own way: the CLI gives
    /// the file's line (see [`Error::row`]).
    #[error("{message} ({})", place(data.as_deref(), *row, column.as_deref()))]
    Row { message: String, row: usize, column: Option<String>, data: Option<String> },
    /// A hyperparameter with a wrong value or type.
    #[error("parameter '{name}': {message}")]
    Param { name: String, message: String },
    /// A hyperparameter the estimator does not have.
    #[error("unknown parameter '{name}' for {estimator}; accepted: {}", list(accepted))]
    UnknownParam { name: String, estimator: String, accepted: Vec<String> },
    /// A model file that is truncated, corrupted, foreign, newer, or of another kind.
    #[error("model file: {0}")]
    ModelFile(String),
    /// The operation is valid in general but not for this model.
    #[error("{0}")]
    Unsupported(String),
    /// A path of the product that is not implemented yet.
    #[error("not implemented yet: {0}")]
    NotImplemented(String),
    /// An iterative solver stopped before it converged and the caller asked for an error.
    #[error("did not converge: {0}")]
    NotConverged(String),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !self.to_string().contains(&text) {
                write!(f, "\n  caused by: {text}")?;
            }
            source = cause.source();
        }
        Ok(())
    }
}

fn place(data: Option<&str>, row: usize, column: Option<&str>) -> String {
    let mut s = data.map(|d| format!("validation set '{d}', ")).unwrap_or_default();
    s.push_str(&format!("row {row}"));
    if let Some(c) = column {
        s.push_str(&format!(", column {c}"));
    }
    s
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s = names.iter().take(SHOWN).map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(", ... ({} in all)", names.len()));
    }
    s
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// A bad value in row `row` (from 0) of the input.
    pub fn at_row(row: usize, message: impl Into<String>) -> Self {
        Error::Row { message: message.into(), row, column: None, data: None }
    }

    /// A bad value in row `row` (from 0) and column `column` of the input;
    /// `column` is written as the message shows it (`'age'`, or an index).
    pub fn at_cell(row: usize, column: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Error::Row { message: message.into(), row, column: Some(column.to_string()), data: None }
    }

    /// The same error, found in the validation set `name` rather than in the
    /// training input: a row error names the set, others are prefixed with it.
    pub fn in_data(self, name: &str) -> Self {
        match self {
            Error::Row { message, row, column, data: None } => {
                Error::Row { message, row, column, data: Some(name.to_string()) }
            }
            e => e.prefixed(&format!("validation set '{name}'")),
        }
    }

    /// The same error, its message prefixed with where it happened (a
    /// pipeline step, a validation set); errors of files and parameters,
    /// which name their place already, are unchanged.
    pub fn prefixed(self, prefix: &str) -> Self {
        match self {
            Error::InvalidValue(m) => Error::InvalidValue(format!("{prefix}: {m}")),
            Error::Shape(m) => Error::Shape(format!("{prefix}: {m}")),
            Error::Row { message, row, column, data } => {
                Error::Row { message: format!("{prefix}: {message}"), row, column, data }
            }
            e => e,
        }
    }

    /// The row (from 0) and validation set of a [`Error::Row`] error.
    pub fn row(&self) -> Option<(usize, Option<&str>)> {
        match self {
            Error::Row { row, data, .. } => Some((*row, data.as_deref())),
            _ => None,
        }
    }

    /// A bad hyperparameter value.
    pub fn param(name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Param { name: name.into(), message: message.into() }
    }
}

/// Returns early with an error built by `format!`.
///
/// `bail!(Shape, "expected {} rows", n)` returns `Err(Error::Shape(format!(..)))`.
#[macro_export]
macro_rules! bail {
    ($variant:ident, $($arg:tt)*) => {
        return Err($crate::Error::$variant(format!($($arg)*)))
    };
}

/// Returns early with an error unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $variant:ident, $($arg:tt)*) => {
        if !$cond {
            $crate::bail!($variant, $($arg)*);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_like_the_message() {
        let e = Error::param("alpha", "must be >= 0, got -1");
        assert_eq!(format!("{e:?}"), "parameter 'alpha': must be >= 0, got -1");
        let io = Error::io("x.csv", std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"));
        assert_eq!(format!("{io:?}"), "x.csv: No such file");
    }

    #[test]
    fn a_row_error_names_its_place() {
        let e = Error::at_cell(3, "'age'", "Input X contains NaN");
        assert_eq!(e.to_string(), "Input X contains NaN (row 3, column 'age')");
        assert_eq!(e.row(), Some((3, None)));
        let v = e.in_data("holdout");
        assert_eq!(v.to_string(), "Input X contains NaN (validation set 'holdout', row 3, column 'age')");
        assert_eq!(v.row(), Some((3, Some("holdout"))));
        assert_eq!(Error::at_row(0, "label 'x' is unknown").to_string(), "label 'x' is unknown (row 0)");
        assert_eq!(Error::Shape("2 columns".into()).in_data("v").to_string(), "validation set 'v': 2 columns");
    }
}
