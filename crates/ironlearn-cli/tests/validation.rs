//! `train` gives the held-out rows to estimators that take validation sets:
//! the booster early-stops on them, and the refit on every row trains the rounds they chose.

use std::path::Path;
use std::process::Command;

#[test]
fn early_stopping_on_the_held_out_rows_sets_the_refit_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/diabetes.csv");
    let out = dir.path().join("es.model");
    let args = [
        "train",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "progression",
        "--model",
        "gbdt",
        "--quiet",
        "--set",
        "n_estimators=1000",
        "--set",
        "learning_rate=0.3",
        "--set",
        "early_stopping_round=5",
        "--out",
        out.to_str().unwrap(),
    ];
    let run = Command::new(env!("CARGO_BIN_EXE_ironlearn")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let chosen: usize = stderr
        .split("early stopping chose ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no early stopping reported: {stderr}"));
    assert!(chosen < 1000);
    let info =
        Command::new(env!("CARGO_BIN_EXE_ironlearn")).args(["info", out.to_str().unwrap(), "--json"]).output().unwrap();
    let header: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let step = &header["model"]["steps"][0];
    assert_eq!(step["params"]["n_estimators"], serde_json::json!(chosen));
    assert_eq!(step["state"]["n_trees"], serde_json::json!(chosen), "the refit trained another number of rounds");
}
