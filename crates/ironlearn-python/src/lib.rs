//! The Python extension module `ironlearn._native`.
//!
//! A thin layer: Python (`python/ironlearn`) owns the scikit-learn and
//! LightGBM conventions; this module moves arrays in (zero-copy for float64
//! numpy arrays, Arrow C streams for DataFrames), runs Rust with the GIL
//! released, and maps errors onto the exception types scikit-learn raises.

use pyo3::prelude::*;

#[cfg(feature = "boost")]
mod booster;
#[cfg(feature = "boost")]
mod booster_methods;
mod errors;
mod frame;
mod metrics;
mod native_model;
#[cfg(feature = "boost")]
mod trainer;

/// Training allocates and frees tensors of megabytes every step; glibc's malloc hands
/// them back to the kernel and faults them in again, mimalloc keeps them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The `ironlearn._native` module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", ironlearn_core::VERSION)?;
    m.add_class::<frame::Frame>()?;
    m.add_class::<native_model::NativeModel>()?;
    m.add_function(wrap_pyfunction!(frame::frame_from_columns, m)?)?;
    m.add_function(wrap_pyfunction!(frame::frame_from_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::fit, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::load_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::load_file, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::read_model_file, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::estimators, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::nested_model, m)?)?;
    m.add_function(wrap_pyfunction!(native_model::estimator_tags, m)?)?;
    #[cfg(feature = "boost")]
    m.add_class::<trainer::NativeTrainer>()?;
    #[cfg(feature = "boost")]
    m.add_function(wrap_pyfunction!(booster::import_lightgbm, m)?)?;
    #[cfg(feature = "boost")]
    m.add_function(wrap_pyfunction!(booster::dataset_bins, m)?)?;
    #[cfg(feature = "boost")]
    m.add_function(wrap_pyfunction!(booster::dataset_bin_counts, m)?)?;
    #[cfg(feature = "boost")]
    m.add_function(wrap_pyfunction!(booster::import_xgboost, m)?)?;
    metrics::register(m)?;
    Ok(())
}
