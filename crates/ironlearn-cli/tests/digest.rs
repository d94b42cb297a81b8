//! The model digest from the command line: equal models have equal digests
//! whatever the thread count or the time they took, and different models differ.

use std::path::Path;
use std::process::Command;

fn digest(dir: &Path, name: &str, extra: &[&str]) -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/penguins.csv");
    let out = dir.join(name);
    let mut args = vec!["train", "--data", data.to_str().unwrap(), "--target", "species", "--model", "gbdt", "--quiet"];
    args.extend_from_slice(&["--set", "n_estimators=30", "--set", "bagging_fraction=0.8", "--set", "bagging_freq=1"]);
    args.extend_from_slice(&["--set", "feature_fraction=0.7", "--out", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let status = Command::new(env!("CARGO_BIN_EXE_ironlearn")).args(&args).output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let info =
        Command::new(env!("CARGO_BIN_EXE_ironlearn")).args(["info", out.to_str().unwrap(), "--json"]).output().unwrap();
    let header: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    header["digest"].as_str().expect("a digest in the header").to_string()
}

#[test]
fn the_same_training_gives_the_same_digest_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let one = digest(dir.path(), "one.model", &["--set", "num_threads=1"]);
    let two = digest(dir.path(), "two.model", &["--set", "num_threads=2"]);
    let four = digest(dir.path(), "four.model", &["--set", "num_threads=4"]);
    assert!(one.starts_with("sha256:"));
    assert_eq!((&one, &one), (&two, &four));
    // The held-out split's seed changes the metrics, not the model refit on every row.
    assert_eq!(digest(dir.path(), "split.model", &["--seed", "1"]), one);
    let other = digest(dir.path(), "other.model", &["--set", "seed=7"]);
    assert_ne!(one, other, "another sampling seed is another model");
}
