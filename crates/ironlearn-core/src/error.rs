//! One error type for every failure a user can cause.
//!
//! Data and user failures are values that name what is wrong (the column, the
//! row, the parameter, the limit) so the CLI can print them as one line and the
//! Python package can map them onto the exception scikit-learn would raise.
//! A broken internal invariant is a bug and panics instead.

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
}
