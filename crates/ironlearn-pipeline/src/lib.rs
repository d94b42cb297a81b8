//! Estimators by name, pipelines, and loading any model file.
//!
//! The CLI, the Python package and the server do not know estimator types at
//! compile time. This crate sits above every estimator crate and gives them
//! one door: the [`registry`] (name -> parameters, builder, loader), the
//! [`Pipeline`] that chains transformers and a final estimator into one
//! model, [`ColumnTransformer`] and [`FeatureUnion`], estimators built from
//! a JSON spec ([`from_spec`]), [`auto_pipeline`] (the preprocessing a table needs for a given
//! estimator), and [`load`] for any ironlearn model file.

mod auto;
mod column_transformer;
mod load;
mod pipeline;
mod registry;
mod spec;

pub use auto::auto_pipeline;
pub use column_transformer::{
    ColumnTransformer, Columns, FeatureUnion, FittedColumnTransformer, FittedFeatureUnion, Remainder,
};
pub use ironlearn_core::nested::build_any;
pub use load::{load, load_bytes, load_file, Loaded};
pub use pipeline::{FittedPipeline, Pipeline};
pub use registry::{build, find, registry, Entry};
pub use spec::{flat_params, from_spec, to_spec};
