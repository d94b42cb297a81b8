//! Python inputs as features: numpy arrays borrowed, tables built once.

use arrow_array::ffi_stream::RecordBatchStreamReader;
use arrow_array::RecordBatchReader;
use ironlearn_core::{Column, Features, Table};
use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList};

use crate::errors::IntoPy;

/// A table of named numeric and categorical columns, owned by Rust.
#[pyclass(module = "ironlearn._native", frozen)]
#[derive(Debug)]
pub struct Frame {
    pub table: Table,
}

#[pymethods]
impl Frame {
    #[getter]
    fn names(&self) -> Vec<String> {
        self.table.names()
    }

    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.table.n_rows(), self.table.n_cols())
    }

    /// The columns: float64 arrays, or lists of optional strings for categories.
    fn to_columns<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        use numpy::IntoPyArray;
        self.table
            .columns()
            .iter()
            .map(|c| -> PyResult<Bound<'py, PyAny>> {
                Ok(match &c.data {
                    ironlearn_core::ColumnData::Numeric(v) => v.clone().into_pyarray(py).into_any(),
                    ironlearn_core::ColumnData::Categorical { .. } => {
                        let texts: Vec<Option<String>> =
                            (0..c.len()).map(|i| (!c.is_missing(i)).then(|| c.text(i))).collect();
                        texts.into_pyobject(py)?.into_any()
                    }
                })
            })
            .collect()
    }

    /// Which columns hold categories.
    #[getter]
    fn categorical(&self) -> Vec<bool> {
        self.table.columns().iter().map(Column::is_categorical).collect()
    }
}

/// Builds a frame from column names and columns: float64 arrays, or lists of
/// optional strings for categorical columns.
#[pyfunction]
pub fn frame_from_columns(names: Vec<String>, columns: &Bound<'_, PyList>) -> PyResult<Frame> {
    if names.len() != columns.len() {
        return Err(PyValueError::new_err(format!("{} names for {} columns", names.len(), columns.len())));
    }
    let mut cols = Vec::with_capacity(names.len());
    for (name, c) in names.into_iter().zip(columns.iter()) {
        if let Ok(a) = c.extract::<PyReadonlyArray1<'_, f64>>() {
            cols.push(Column::numeric(name, a.as_array().to_vec()));
        } else if let Ok(texts) = c.extract::<Vec<Option<String>>>() {
            cols.push(Column::categorical(name, &texts));
        } else {
            return Err(PyTypeError::new_err(format!("column '{name}' must be a float64 array or a list of strings")));
        }
    }
    Ok(Frame { table: Table::new(cols).py()? })
}

/// Builds a frame from any object with `__arrow_c_stream__` (pyarrow, polars, pandas).
#[pyfunction]
pub fn frame_from_arrow(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Frame> {
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the Arrow PyCapsule interface guarantees that a capsule named
    // "arrow_array_stream" points to a valid FFI_ArrowArrayStream; `from_raw`
    // moves the stream out and leaves a released stream in the capsule, so the
    // capsule's destructor does not release it again.
    #[allow(unsafe_code)]
    let reader = unsafe { RecordBatchStreamReader::from_raw(ptr.as_ptr().cast()) }
        .map_err(|e| PyValueError::new_err(format!("cannot read the Arrow stream: {e}")))?;
    let schema = reader.schema();
    let table = py.detach(move || -> Result<Table, String> {
        let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
        ironlearn_data::batches_to_table(&schema, &batches).map_err(|e| e.to_string())
    });
    Ok(Frame { table: table.map_err(PyValueError::new_err)? })
}

/// A scipy CSR matrix as `(n_rows, n_cols, indptr, indices, data)`: indptr
/// as uint64, indices viewed as uint32 (scipy's int32 indices are never
/// negative), data as float64, all borrowed.
pub type CsrParts<'py> =
    (usize, usize, PyReadonlyArray1<'py, u64>, PyReadonlyArray1<'py, u32>, PyReadonlyArray1<'py, f64>);

/// Features from Python: a float64 or float32 matrix or a CSR matrix (borrowed), or a frame.
#[derive(FromPyObject)]
pub enum XInput<'py> {
    Dense(PyReadonlyArray2<'py, f64>),
    DenseF32(PyReadonlyArray2<'py, f32>),
    Frame(PyRef<'py, Frame>),
    Sparse(CheckedCsr<'py>),
}

/// CSR parts whose consistency was checked when they arrived.
pub struct CheckedCsr<'py>(CsrParts<'py>);

impl<'py> FromPyObject<'_, 'py> for CheckedCsr<'py> {
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let parts: CsrParts<'py> = ob.extract()?;
        ironlearn_core::Csr::new(parts.0, parts.1, parts.2.as_slice()?, parts.3.as_slice()?, parts.4.as_slice()?)
            .py()?;
        Ok(CheckedCsr(parts))
    }
}

impl XInput<'_> {
    pub fn features(&self) -> Features<'_> {
        match self {
            XInput::Dense(a) => Features::Dense(a.as_array()),
            XInput::DenseF32(a) => Features::DenseF32(a.as_array()),
            XInput::Frame(f) => Features::Table(&f.table),
            XInput::Sparse(CheckedCsr((rows, cols, indptr, indices, data))) => {
                let slices = (indptr.as_slice(), indices.as_slice(), data.as_slice());
                let (Ok(p), Ok(i), Ok(d)) = slices else { unreachable!("contiguity was checked on extraction") };
                Features::Sparse(ironlearn_core::Csr::new(*rows, *cols, p, i, d).expect("checked on extraction"))
            }
        }
    }
}
