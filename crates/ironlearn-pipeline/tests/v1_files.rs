//! Model files written by format version 1 (the CLI before the estimator
//! kernel, committed under fixtures/v1 with the predictions it made) still
//! load and predict the same; the booster still trains the same trees.

use std::path::PathBuf;

use ironlearn_core::{ColumnData, Features, Labels, ModelFile, Prediction, Table, Target};
use ironlearn_data::{read_table, ReadOptions};
use ironlearn_pipeline::{auto_pipeline, find, load};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn data(name: &str) -> Table {
    read_table(path(&format!("../../data/{name}")), &ReadOptions::default()).unwrap()
}

fn numbers(t: &Table, column: &str) -> Vec<f64> {
    t.column(column).unwrap().as_numeric().unwrap().to_vec()
}

#[test]
fn version_1_regressors_predict_as_they_did() {
    let x = data("diabetes.csv");
    for kind in ["ridge", "linear_regression"] {
        let loaded = load(path(&format!("tests/fixtures/v1/{kind}.model"))).unwrap();
        assert_eq!(loaded.header.format_version, 1);
        let x = x.conform(&loaded.header.schema).unwrap();
        let Prediction::Values(p) = loaded.model.predict_data(Features::Table(&x)).unwrap() else { panic!("values") };
        let want = numbers(&data_file(kind), "prediction");
        for (a, b) in p.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{kind}: {a} vs {b}");
        }
    }
}

fn data_file(kind: &str) -> Table {
    read_table(path(&format!("tests/fixtures/v1/{kind}.predictions.csv")), &ReadOptions::default()).unwrap()
}

#[test]
fn version_1_classifiers_predict_as_they_did() {
    let x = data("penguins.csv");
    for kind in ["logistic_regression", "gbdt"] {
        let loaded = load(path(&format!("tests/fixtures/v1/{kind}.model"))).unwrap();
        let x = x.conform(&loaded.header.schema).unwrap();
        let want = data_file(kind);
        let Prediction::Labels(p) = loaded.model.predict_data(Features::Table(&x)).unwrap() else { panic!("labels") };
        let ColumnData::Categorical { .. } = &want.column("prediction").unwrap().data else { panic!("text") };
        let want_labels: Vec<String> = (0..x.n_rows()).map(|i| want.column("prediction").unwrap().text(i)).collect();
        assert_eq!(p.to_strings(), want_labels, "{kind}");
        let proba = loaded.model.predict_proba_data(Features::Table(&x)).unwrap();
        for (k, class) in p.classes().iter().enumerate() {
            let col = numbers(&want, &format!("proba_{class}"));
            for (a, b) in proba.column(k).iter().zip(&col) {
                assert!((a - b).abs() <= 1e-12, "{kind} {class}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn the_booster_file_keeps_the_version_1_layout() {
    let old = ModelFile::load(path("tests/fixtures/v1/gbdt.model")).unwrap();
    let (x, y) = data("penguins.csv").split_off("species").unwrap();
    let y = Target::Labels(Labels::from_column(&y).unwrap());
    let entry = find("gbdt").unwrap();
    let pairs: Vec<(String, String)> =
        [("n_estimators", "20"), ("num_leaves", "8"), ("bagging_fraction", "0.8"), ("bagging_freq", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let pipeline = auto_pipeline(entry, (entry.build_from_strs)(&pairs).unwrap(), &x.schema()).unwrap();
    let model = ironlearn_core::Estimator::fit_data(&pipeline, Features::Table(&x), Some(&y), None).unwrap();
    let new = ModelFile::from_model(model.as_ref()).unwrap();
    // The trees themselves changed on purpose when the bins and the split
    // search took LightGBM's rules; the file's arrays did not: every array of
    // version 1 is still written, with the same type.
    assert!(old.arrays.len() > 10);
    for (name, array) in old.arrays.iter() {
        let got = new.arrays.iter().find(|(n, _)| *n == name).map(|(_, a)| a.data.dtype_name());
        assert_eq!(got, Some(array.data.dtype_name()), "array '{name}'");
    }
    // Later versions add parameters and per-feature facts (with defaults); every old value stays.
    assert_eq!(only_keys_of(&new.header.model, &old.header.model), old.header.model);
}

/// `new` keeping only the object keys that `old` has, at every depth.
fn only_keys_of(new: &serde_json::Value, old: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (new, old) {
        (Value::Object(n), Value::Object(o)) => Value::Object(
            n.iter().filter(|(k, _)| o.contains_key(*k)).map(|(k, v)| (k.clone(), only_keys_of(v, &o[k]))).collect(),
        ),
        (Value::Array(n), Value::Array(o)) if n.len() == o.len() => {
            Value::Array(n.iter().zip(o).map(|(a, b)| only_keys_of(a, b)).collect())
        }
        _ => new.clone(),
    }
}
