//! Rust errors as the Python exceptions scikit-learn code expects.

use ironlearn_core::Error;
use pyo3::exceptions::{PyNotImplementedError, PyOSError, PyValueError};
use pyo3::PyErr;

/// Maps an ironlearn error onto a Python exception carrying the Rust message.
pub fn to_py(e: Error) -> PyErr {
    match e {
        Error::Io { .. } => PyOSError::new_err(e.to_string()),
        Error::NotImplemented(_) => PyNotImplementedError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// `?`-friendly conversion.
pub trait IntoPy<T> {
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}
