//! The `ironlearn` binary end to end, bad inputs included: every failure is a
//! non-zero exit with one line on stderr, never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ironlearn")).args(args).output().expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail and returns its one-line message.
fn fails(args: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(!err.contains("internal error") && !err.contains("panicked"), "{args:?} panicked: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: expected one line, got {err}");
    lines[0].to_string()
}

#[test]
fn train_predict_evaluate_info() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let m = model.to_str().unwrap();
    let out = ok(&[
        "train",
        "--data",
        data("iris.csv").to_str().unwrap(),
        "--target",
        "species",
        "--model",
        "logistic_regression",
        "--out",
        m,
        "--json",
    ]);
    let metrics: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(metrics["accuracy"].as_f64().unwrap() > 0.9);
    let pred = dir.path().join("p.csv");
    ok(&["predict", "--model", m, "--data", data("iris.csv").to_str().unwrap(), "--out", pred.to_str().unwrap()]);
    let text = std::fs::read_to_string(&pred).unwrap();
    assert!(text.starts_with("prediction,proba_setosa,proba_versicolor,proba_virginica\nsetosa,"), "{text}");
    assert_eq!(text.lines().count(), 151);
    let eval: serde_json::Value = serde_json::from_str(
        ok(&["evaluate", "--model", m, "--data", data("iris.csv").to_str().unwrap(), "--json"]).trim(),
    )
    .unwrap();
    assert!(eval["accuracy"].as_f64().unwrap() > 0.95);
    let info: serde_json::Value = serde_json::from_str(&ok(&["info", m, "--json"])).unwrap();
    assert!(ok(&["info", m]).contains("target:   species (classification, classes: setosa, versicolor, virginica)"));
    assert_eq!(info["kind"], "pipeline");
    assert_eq!(info["target"]["classes"], serde_json::json!(["setosa", "versicolor", "virginica"]));
    assert_eq!(info["schema"]["fields"][0]["name"], "sepal_length");
    assert!(info["data_fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert!(info["metrics"]["holdout_accuracy"].as_f64().is_some());
    // The booster, on a table with text and missing values, written as Parquet.
    let gm = dir.path().join("g.model");
    ok(&[
        "train",
        "--data",
        data("penguins.csv").to_str().unwrap(),
        "--target",
        "body_mass_g",
        "--model",
        "gbdt",
        "--set",
        "num_leaves=8",
        "--set",
        "min_child_samples=5",
        "--drop-missing-target",
        "--out",
        gm.to_str().unwrap(),
    ]);
    let pq = dir.path().join("p.parquet");
    ok(&[
        "predict",
        "--model",
        gm.to_str().unwrap(),
        "--data",
        data("penguins.csv").to_str().unwrap(),
        "--out",
        pq.to_str().unwrap(),
    ]);
    assert!(std::fs::metadata(&pq).unwrap().len() > 100);
    assert!(ok(&["models"]).contains("min_data_in_leaf"));
}

#[test]
fn bad_inputs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let iris = data("iris.csv");
    let iris = iris.to_str().unwrap();
    let out = dir.path().join("m.model");
    let m = out.to_str().unwrap();
    assert!(fails(&["train", "--data", "/nope.csv", "--target", "y", "--model", "ridge", "--out", m])
        .contains("/nope.csv: No such file"));
    assert!(fails(&["train", "--data", iris, "--target", "petal", "--model", "ridge", "--out", m])
        .contains("unknown column 'petal'"));
    assert!(fails(&["train", "--data", iris, "--target", "species", "--model", "svm", "--out", m])
        .contains("unknown model 'svm'"));
    assert!(fails(&["train", "--data", iris, "--target", "species", "--model", "ridge", "--out", m])
        .contains("the target 'species' is categorical"));
    assert!(fails(&[
        "train",
        "--data",
        iris,
        "--target",
        "species",
        "--model",
        "gbdt",
        "--set",
        "num_leaves=1",
        "--out",
        m
    ])
    .contains("parameter 'num_leaves': must be an integer in [2, 131072], got 1"));
    assert!(fails(&[
        "train", "--data", iris, "--target", "species", "--model", "gbdt", "--set", "leaves=8", "--out", m
    ])
    .contains("unknown parameter 'leaves' for gbdt"));
    assert!(fails(&["train", "--data", iris, "--target", "species", "--model", "gbdt", "--set", "oops", "--out", m])
        .contains("must look like key=value"));
    let ragged = dir.path().join("r.csv");
    std::fs::write(&ragged, "a,b,y\n1,2,3\n4,5\n").unwrap();
    assert!(fails(&["train", "--data", ragged.to_str().unwrap(), "--target", "y", "--model", "ridge", "--out", m])
        .contains("line 3: expected 3 fields"));
    let text = dir.path().join("t.csv");
    std::fs::write(&text, "a,y\n1,2\nx,3\n").unwrap();
    assert!(fails(&[
        "train",
        "--data",
        text.to_str().unwrap(),
        "--target",
        "y",
        "--model",
        "ridge",
        "--type",
        "a=numeric",
        "--out",
        m
    ])
    .contains("line 3, column 'a': cannot parse 'x' as a number"));
    let empty = dir.path().join("e.csv");
    std::fs::write(&empty, "").unwrap();
    assert!(fails(&["train", "--data", empty.to_str().unwrap(), "--target", "y", "--model", "ridge", "--out", m])
        .contains("empty"));
    let nolabel = dir.path().join("n.csv");
    std::fs::write(&nolabel, "a,y\n1,\n2,\n").unwrap();
    assert!(fails(&["train", "--data", nolabel.to_str().unwrap(), "--target", "y", "--model", "ridge", "--out", m])
        .contains("missing in every row"));
    let one_class = dir.path().join("o.csv");
    std::fs::write(&one_class, "a,y\n1,k\n2,k\n3,k\n4,k\n5,k\n").unwrap();
    assert!(fails(&[
        "train",
        "--data",
        one_class.to_str().unwrap(),
        "--target",
        "y",
        "--model",
        "logistic_regression",
        "--out",
        m
    ])
    .contains("only one class"));

    // Prediction against the wrong data, and broken model files.
    ok(&["train", "--data", iris, "--target", "species", "--model", "gbdt", "--out", m]);
    let other = data("wine.csv");
    assert!(fails(&["predict", "--model", m, "--data", other.to_str().unwrap(), "--out", "/tmp/x.csv"])
        .contains("lacks column(s) 'sepal_length'"));
    let bytes = std::fs::read(&out).unwrap();
    let broken = dir.path().join("broken.model");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    assert!(fails(&["info", broken.to_str().unwrap()]).contains("truncated, corrupted or another format"));
    let mut flipped = bytes.clone();
    let at = flipped.len() - 9;
    flipped[at] ^= 1;
    std::fs::write(&broken, &flipped).unwrap();
    assert!(fails(&["predict", "--model", broken.to_str().unwrap(), "--data", iris, "--out", "/tmp/x.csv"])
        .contains("checksum mismatch"));
    assert!(fails(&["info", iris]).contains("not a readable ironlearn model file"));
    // The cause is said once, not repeated by each layer.
    let gone = fails(&["info", "/nope.model"]);
    assert_eq!(gone.matches("No such file").count(), 1, "{gone}");
    assert!(fails(&["predict", "--model", m, "--data", iris, "--out", dir.path().join("p.xlsx").to_str().unwrap()])
        .contains("unknown file type"));
    // Another delimiter, said on the command line.
    let semi = dir.path().join("semi.csv");
    std::fs::write(&semi, "a;b;y\n1;2;3\n2;1;4\n3;5;5\n4;4;7\n5;3;8\n").unwrap();
    let semi = semi.to_str().unwrap();
    let semi_model = dir.path().join("semi.model");
    let sm = semi_model.to_str().unwrap();
    assert!(fails(&["train", "--data", semi, "--target", "y", "--model", "ridge", "--out", sm])
        .contains("the data has: 'a;b;y'"));
    ok(&[
        "train",
        "--data",
        semi,
        "--target",
        "y",
        "--model",
        "ridge",
        "--delimiter",
        ";",
        "--test-size",
        "0",
        "--out",
        sm,
    ]);
    let bad = fails(&["train", "--data", semi, "--target", "y", "--model", "ridge", "--delimiter", "é", "--out", sm]);
    assert!(bad.contains("--delimiter 'é' must be one ASCII character"), "{bad}");
}
