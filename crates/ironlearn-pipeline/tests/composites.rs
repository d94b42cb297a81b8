//! Composites built from a JSON spec: column routing, unions, nested parameters, one model file.

use ironlearn_core::{Features, Labels, ModelFile, Prediction, Table, Target};
use ironlearn_data::{read_table, ReadOptions};
use ironlearn_pipeline::{flat_params, from_spec, load_bytes, to_spec};
use serde_json::json;

fn penguins() -> (Table, Target) {
    let t =
        read_table(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/penguins.csv"), &ReadOptions::default()).unwrap();
    let (x, y) = t.split_off("species").unwrap();
    (x, Target::Labels(Labels::from_column(&y).unwrap()))
}

fn spec() -> serde_json::Value {
    json!({"kind": "pipeline", "params": {"steps": [
        {"name": "impute", "kind": "simple_imputer", "params": {"categorical_strategy": "constant"}},
        {"name": "columns", "kind": "column_transformer", "params": {
            "transformers": [
                {"name": "scale", "columns": "numeric", "kind": "standard_scaler", "params": {}},
                {"name": "onehot", "columns": ["island", "sex"], "kind": "one_hot_encoder", "params": {"handle_unknown": "ignore"}}
            ],
            "remainder": "drop"
        }},
        {"name": "model", "kind": "logistic_regression", "params": {"C": 0.5}}
    ]}})
}

fn accuracy(model: &dyn ironlearn_core::Model, x: &Table, y: &Target) -> f64 {
    let Prediction::Labels(p) = model.predict_data(Features::Table(x)).unwrap() else { panic!("labels") };
    let Target::Labels(t) = y else { panic!("labels") };
    p.codes().iter().zip(t.codes()).filter(|(a, b)| a == b).count() as f64 / t.len() as f64
}

#[test]
fn a_column_transformer_in_a_pipeline_learns_saves_and_reloads() {
    let (x, y) = penguins();
    let est = from_spec(&spec()).unwrap();
    let model = est.fit_data(Features::Table(&x), Some(&y), None).unwrap();
    let acc = accuracy(model.as_ref(), &x, &y);
    assert!(acc > 0.97, "training accuracy {acc}");
    // Scaled numbers and indicator columns, named part__column.
    let names = model.feature_names_out(&x.names());
    assert!(
        names.contains(&"scale__beak_length_mm".to_string()) && names.contains(&"onehot__island_Dream".to_string()),
        "{names:?}"
    );
    let bytes = ModelFile::from_model(model.as_ref()).unwrap().to_bytes().unwrap();
    let loaded = load_bytes(&bytes).unwrap();
    assert_eq!(
        loaded.model.predict_data(Features::Table(&x)).unwrap(),
        model.predict_data(Features::Table(&x)).unwrap()
    );
    assert_eq!(
        loaded.model.predict_proba_data(Features::Table(&x)).unwrap(),
        model.predict_proba_data(Features::Table(&x)).unwrap()
    );
}

#[test]
fn nested_parameters_read_and_change_by_path() {
    let est = from_spec(&spec()).unwrap();
    let flat = flat_params(est.as_ref());
    assert_eq!(flat["model__c"], json!(0.5));
    assert_eq!(flat["columns__scale__with_std"], json!(true));
    assert_eq!(flat["columns__remainder"], json!("drop"));
    let changes = json!({"columns__scale__with_std": false, "model__C": 2.0, "columns__remainder": "passthrough"});
    let changed = est.with_params(changes.as_object().unwrap()).unwrap();
    let flat = flat_params(changed.as_ref());
    assert_eq!((flat["columns__scale__with_std"].clone(), flat["model__c"].clone()), (json!(false), json!(2.0)));
    assert_eq!(flat["columns__remainder"], json!("passthrough"));
    // The original is untouched (a clone with new parameters), and the spec round-trips.
    assert_eq!(flat_params(est.as_ref())["model__c"], json!(0.5));
    assert_eq!(to_spec(from_spec(&to_spec(changed.as_ref())).unwrap().as_ref()), to_spec(changed.as_ref()));
    // Bad paths name the problem.
    let bad = |c: serde_json::Value| est.with_params(c.as_object().unwrap()).unwrap_err().to_string();
    assert!(bad(json!({"nope__alpha": 1})).contains("'nope__alpha' names no step"));
    assert!(bad(json!({"model__C": -1.0})).contains("parameter 'c'"));
    assert!(bad(json!({"columns__scale__bogus": 1})).contains("unknown parameter 'bogus'"));
}

#[test]
fn a_feature_union_puts_outputs_side_by_side() {
    let x = Table::from_array(ndarray::array![[1.0, 2.0], [3.0, 5.0], [5.0, 7.0]].view(), None).unwrap();
    let est = from_spec(&json!({"kind": "feature_union", "params": {"parts": [
        {"name": "raw", "kind": "standard_scaler", "params": {"with_mean": false, "with_std": false}},
        {"name": "scaled", "kind": "standard_scaler", "params": {}}
    ]}}))
    .unwrap();
    let model = est.fit_data(Features::Table(&x), None, None).unwrap();
    let out = model.transform_data(Features::Table(&x)).unwrap().into_dense().unwrap();
    assert_eq!(out.ncols(), 4);
    assert_eq!(out.column(0).to_vec(), [1.0, 3.0, 5.0]);
    assert!((out.column(2).sum()).abs() < 1e-12);
    assert_eq!(model.feature_names_out(&x.names()), ["raw__x0", "raw__x1", "scaled__x0", "scaled__x1"]);
    let bytes = ModelFile::from_model(model.as_ref()).unwrap().to_bytes().unwrap();
    let back = load_bytes(&bytes).unwrap().model.transform_data(Features::Table(&x)).unwrap().into_dense().unwrap();
    assert_eq!(back, out);
}

#[test]
fn bad_specs_are_refused_with_a_reason() {
    let err = |s: serde_json::Value| from_spec(&s).unwrap_err().to_string();
    assert!(err(json!({"params": {}})).contains("needs a kind"));
    assert!(err(json!({"kind": "pipeline", "params": {}})).contains("'steps'"));
    assert!(err(json!({"kind": "feature_union", "params": {"parts": [{"name": "m", "kind": "ridge"}]}}))
        .contains("not a transformer"));
    assert!(err(json!({"kind": "column_transformer", "params": {"transformers": [
        {"name": "a", "kind": "standard_scaler", "columns": 3}
    ]}}))
    .contains("expected a list of column names"));
    let ct = from_spec(&json!({"kind": "column_transformer", "params": {"transformers": [
        {"name": "a", "kind": "standard_scaler", "columns": ["nope"]}
    ]}}))
    .unwrap();
    let (x, _) = penguins();
    assert!(ct.fit_data(Features::Table(&x), None, None).unwrap_err().to_string().contains("unknown column 'nope'"));
}
