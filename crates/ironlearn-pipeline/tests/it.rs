//! Pipelines and the model file: round trips, and every way a file can be bad.

use ironlearn_core::{Error, Features, Labels, ModelFile, Prediction, Table, Target};
use ironlearn_data::{read_table, ReadOptions};
use ironlearn_pipeline::{auto_pipeline, build, find, load_bytes};

fn penguins() -> (Table, Target) {
    let t =
        read_table(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/penguins.csv"), &ReadOptions::default()).unwrap();
    let (x, y) = t.split_off("species").unwrap();
    (x, Target::Labels(Labels::from_column(&y).unwrap()))
}

fn fitted_file() -> (ModelFile, Table) {
    let (x, y) = penguins();
    let entry = find("logistic_regression").unwrap();
    let p = auto_pipeline(entry, build("logistic_regression", &Default::default()).unwrap(), &x.schema()).unwrap();
    let m = ironlearn_core::Estimator::fit_data(&p, Features::Table(&x), Some(&y), None).unwrap();
    let mut f = ModelFile::from_model(m.as_ref()).unwrap();
    f.header.schema = x.schema();
    (f, x)
}

#[test]
fn a_pipeline_with_text_and_missing_values_round_trips() {
    let (file, x) = fitted_file();
    let bytes = file.to_bytes().unwrap();
    let loaded = load_bytes(&bytes).unwrap();
    assert_eq!(loaded.header.kind, "pipeline");
    let Prediction::Labels(l) = loaded.model.predict_data(Features::Table(&x)).unwrap() else { panic!() };
    let acc = l.to_strings().iter().zip(penguins().1.labels().unwrap().to_strings()).filter(|(a, b)| *a == b).count();
    assert!(acc as f64 / x.n_rows() as f64 > 0.97);
    // New data with columns reordered, extra columns and an unseen category.
    let csv =
        "sex,island,extra,beak_length_mm,beak_depth_mm,flipper_length_mm,body_mass_g\nMALE,Atlantis,1,39,18,181,3750\n";
    let new = ironlearn_data::read_csv_from(csv.as_bytes(), "new.csv", &ReadOptions::default()).unwrap();
    let conformed = new.conform(&loaded.header.schema).unwrap();
    assert!(loaded.model.predict_data(Features::Table(&conformed)).is_ok());
    let missing =
        ironlearn_data::read_csv_from("island,sex\nDream,MALE\n".as_bytes(), "m.csv", &ReadOptions::default()).unwrap();
    let err = missing.conform(&loaded.header.schema).unwrap_err().to_string();
    assert!(err.contains("lacks column(s) 'beak_length_mm'"), "{err}");
}

#[test]
fn a_missing_category_is_a_level_of_its_own() {
    // The target is 10 where the colour is missing, 0 otherwise: only a
    // separate level for missing lets a linear model see that.
    let mut csv = String::from("colour,y\n");
    for i in 0..60 {
        csv += ["red,0\n", "blue,0\n", ",10\n"][i % 3];
    }
    let t = ironlearn_data::read_csv_from(csv.as_bytes(), "c.csv", &ReadOptions::default()).unwrap();
    let (x, y) = t.split_off("y").unwrap();
    let y = Target::Values(ironlearn_core::target_values(&y).unwrap());
    let p = auto_pipeline(
        find("linear_regression").unwrap(),
        build("linear_regression", &Default::default()).unwrap(),
        &x.schema(),
    )
    .unwrap();
    let m = ironlearn_core::Estimator::fit_data(&p, Features::Table(&x), Some(&y), None).unwrap();
    let Prediction::Values(v) = m.predict_data(Features::Table(&x)).unwrap() else { panic!() };
    for (i, p) in v.iter().enumerate() {
        assert!((p - [0.0, 0.0, 10.0][i % 3]).abs() < 1e-9, "row {i}: {p}");
    }
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let (file, _) = fitted_file();
    let bytes = file.to_bytes().unwrap();
    let msg = |b: &[u8]| load_bytes(b).unwrap_err().to_string();
    // Truncated.
    assert!(msg(&bytes[..bytes.len() - 7]).contains("truncated, corrupted or another format"));
    assert!(msg(&bytes[..5]).contains("truncated, corrupted or another format"));
    // A flipped bit in the arrays.
    let mut flipped = bytes.clone();
    let at = flipped.len() - 20;
    flipped[at] ^= 0x10;
    assert!(msg(&flipped).contains("checksum mismatch"));
    // Not a model at all.
    assert!(msg(b"hello world, this is not a model file").contains("not a readable ironlearn model file"));
    // A foreign safetensors file.
    let foreign = safetensors_without_header();
    assert!(msg(&foreign).contains("not an ironlearn model"));
    // A newer format version.
    let mut newer = file.clone();
    newer.header.format_version = 99;
    let m = msg(&newer.to_bytes().unwrap());
    assert!(m.contains("format version 99 is newer"), "{m}");
    // The wrong kind for a typed loader.
    use ironlearn_core::Persist;
    let err = ironlearn_learn::RidgeModel::from_bytes(&bytes).unwrap_err();
    assert!(
        matches!(err, Error::ModelFile(_)) && err.to_string().contains("holds a 'pipeline' model, not a 'ridge' model")
    );
    // An unknown kind (a newer ironlearn's model).
    let mut unknown = file;
    unknown.header.kind = "transformer_xl".into();
    assert!(msg(&unknown.to_bytes().unwrap()).contains("unknown model kind 'transformer_xl'"));
}

fn safetensors_without_header() -> Vec<u8> {
    // {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} plus 4 bytes, padded to 8.
    let header = br#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    "#;
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header);
    out.extend_from_slice(&1.0f32.to_le_bytes());
    out
}

#[test]
fn files_are_reproducible() {
    let (mut a, _) = fitted_file();
    let (mut b, _) = fitted_file();
    a.header.created = "x".into();
    b.header.created = "x".into();
    assert_eq!(a.to_bytes().unwrap(), b.to_bytes().unwrap());
}

#[test]
fn parameters_are_validated_by_name() {
    let err = (find("ridge").unwrap().build_from_strs)(&[("alpha".into(), "-2".into())]).unwrap_err().to_string();
    assert_eq!(err, "parameter 'alpha': must be a finite number >= 0, got -2.0");
    let err = (find("gbdt").unwrap().build_from_strs)(&[("num_leafs".into(), "8".into())]).unwrap_err().to_string();
    assert!(err.starts_with("unknown parameter 'num_leafs' for gbdt; accepted: 'objective'"), "{err}");
    let err = (find("gbdt").unwrap().build_from_strs)(&[("num_leaves".into(), "many".into())]).unwrap_err().to_string();
    assert_eq!(err, "parameter 'num_leaves': expected an integer, got 'many'");
    // LightGBM aliases land on the canonical name.
    assert!((find("lightgbm").unwrap().build_from_strs)(&[
        ("min_child_samples".into(), "3".into()),
        ("eta".into(), "0.3".into())
    ])
    .is_ok());
    // Lists from text: indices in a list of names stay text, one number is a list of one.
    let gbdt =
        |k: &str, v: &str| (find("gbdt").unwrap().build_from_strs)(&[(k.into(), v.into())]).map(|e| e.params_json());
    for (text, want) in [
        ("0,3", serde_json::json!(["0", "3"])),
        ("10", serde_json::json!(["10"])),
        ("a,b", serde_json::json!(["a", "b"])),
    ] {
        assert_eq!(gbdt("categorical_feature", text).unwrap()["categorical_feature"], want, "{text}");
    }
    assert_eq!(gbdt("eval_at", "3").unwrap()["eval_at"], serde_json::json!([3]));
    let err = find("svm").unwrap_err().to_string();
    assert!(err.contains("unknown model 'svm'; available: ") && err.contains("gbdt, "), "{err}");
}
