//! A model rebuilt from a (re-signed, see `model_load`) model file predicts
//! on a small table that matches its schema, and on a dense matrix: an error
//! or a prediction, never a panic.
#![no_main]

mod common;

use ironlearn_core::{Column, DType, Features, Table};
use libfuzzer_sys::fuzz_target;
use ndarray::Array2;

/// Wider inputs are not built (the schema's width is the file's to declare).
const MAX_WIDTH: usize = 1000;

fuzz_target!(|data: &[u8]| {
    let Some(file) = common::resigned(data) else { return };
    let Ok(bytes) = file.to_bytes() else { return };
    let Ok(loaded) = ironlearn_pipeline::load_bytes(&bytes) else { return };
    let model = &loaded.model;
    let fields = &loaded.header.schema.fields;
    if fields.len() <= MAX_WIDTH {
        let columns = fields
            .iter()
            .map(|f| match &f.dtype {
                DType::Numeric => Column::numeric(f.name.clone(), vec![0.5, -1e6, f64::NAN]),
                DType::Categorical { categories } => {
                    Column::categorical(f.name.clone(), &[categories.first().map(String::as_str), Some("unseen"), None])
                }
            })
            .collect();
        if let Ok(table) = Table::new(columns) {
            let _ = model.predict_data(Features::Table(&table));
            let _ = model.predict_proba_data(Features::Table(&table));
            let _ = model.transform_data(Features::Table(&table));
        }
    }
    let width = model.n_features_in();
    if width <= MAX_WIDTH {
        let x = Array2::from_elem((3, width), 0.25);
        let _ = model.predict_data(Features::Dense(x.view()));
        let _ = model.predict_proba_data(Features::Dense(x.view()));
    }
});
