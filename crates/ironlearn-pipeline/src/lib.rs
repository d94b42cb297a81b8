//! Estimators by name, pipelines, and loading any model file.
//!
//! The CLI, the Python package and the server do not know estimator types at
//! compile time. This crate sits above every estimator crate and gives them
//! one door: the [`registry`] (name -> parameters, builder, loader), the
//! [`Pipeline`] that chains transformers and a final estimator into one
//! model, [`auto_pipeline`] (the preprocessing a table needs for a given
//! estimator), and [`load`] for any ironlearn model file.

mod auto;
mod load;
mod pipeline;
mod registry;

pub use auto::auto_pipeline;
pub use load::{load, load_bytes, load_file, Loaded};
pub use pipeline::{FittedPipeline, Pipeline};
pub use registry::{build, find, registry, Entry};
