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
    assert!(fails(&["info", m, "--text"]).contains("a 'logistic_regression' model has no text form"));
    // A tree prints its rules, with the file's column names.
    let tm = dir.path().join("t.model");
    let tm = tm.to_str().unwrap();
    let iris = data("iris.csv");
    let iris = iris.to_str().unwrap();
    ok(&[
        "train",
        "--data",
        iris,
        "--target",
        "species",
        "--model",
        "decision_tree_classifier",
        "--set",
        "max_depth=1",
        "--out",
        tm,
    ]);
    let text = ok(&["info", tm, "--text"]);
    assert!(text.ends_with("\n|--- petal_width <= 0.80\n|   |--- class: setosa\n|--- petal_width >  0.80\n|   |--- class: versicolor\n"), "{text}");
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

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn decimal_commas_are_read_with_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a;b;y\n");
    for i in 0..30 {
        text.push_str(&format!("{i},5;{},25;{},5\n", i % 4, 2 * i + 1));
    }
    let data = write(dir.path(), "d.csv", &text);
    let model = dir.path().join("d.model");
    let m = model.to_str().unwrap();
    let args = ["train", "--data", &data, "--target", "y", "--model", "ridge", "--delimiter", ";", "--out", m];
    let out = run(&[&args[..], &["--decimal", ","]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    let info: serde_json::Value = serde_json::from_str(&ok(&["info", m, "--json"])).unwrap();
    assert_eq!(info["schema"]["fields"][0]["type"], "numeric", "{info}");
    let eval: serde_json::Value = serde_json::from_str(
        ok(&["evaluate", "--model", m, "--data", &data, "--delimiter", ";", "--decimal", ",", "--json"]).trim(),
    )
    .unwrap();
    assert!(eval["r2"].as_f64().unwrap() > 0.99, "{eval}");
}

#[test]
fn ranking_with_query_groups() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("qid,f,noise,rel\n");
    for q in 0..30 {
        for j in 0..8 {
            text.push_str(&format!("{},{j},{},{}\n", 100 + q, (q * 7 + j * 3) % 5, j / 2));
        }
    }
    let data = write(dir.path(), "rank.csv", &text);
    let model = dir.path().join("r.model");
    let m = model.to_str().unwrap();
    let out = ok(&[
        "train",
        "--data",
        &data,
        "--target",
        "rel",
        "--model",
        "gbdt",
        "--set",
        "objective=lambdarank",
        "--set",
        "min_data_in_leaf=2",
        "--group",
        "qid",
        "--out",
        m,
        "--json",
    ]);
    let held_out: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(held_out["ndcg@5"].as_f64().unwrap() > 0.9, "{held_out}");
    let info: serde_json::Value = serde_json::from_str(&ok(&["info", m, "--json"])).unwrap();
    assert_eq!(info["target"]["task"], "ranking");
    assert_eq!(info["extensions"]["group_column"], "qid");
    let names: Vec<&str> =
        info["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["f", "noise"], "the query ids are not a feature");
    let eval: serde_json::Value =
        serde_json::from_str(ok(&["evaluate", "--model", m, "--data", &data, "--json"]).trim()).unwrap();
    assert!(eval["ndcg@5"].as_f64().unwrap() > 0.9, "{eval}");
}

#[test]
fn missing_targets_are_dropped_and_counted_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a,y\n");
    for i in 0..20 {
        text.push_str(&format!("{i},{}\n", if i == 3 { String::new() } else { (2 * i).to_string() }));
    }
    let data = write(dir.path(), "m.csv", &text);
    let model = dir.path().join("m.model");
    let out = run(&[
        "train",
        "--data",
        &data,
        "--target",
        "y",
        "--model",
        "ridge",
        "--drop-missing-target",
        "--out",
        model.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("dropped 1 row with a missing target"), "{err}");
}

#[test]
fn unseen_category_levels_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("p.model");
    let m = model.to_str().unwrap();
    let penguins = data("penguins.csv");
    ok(&[
        "train",
        "--data",
        penguins.to_str().unwrap(),
        "--target",
        "species",
        "--model",
        "gbdt",
        "--quiet",
        "--out",
        m,
    ]);
    let text = std::fs::read_to_string(&penguins).unwrap().replace("Torgersen", "Atlantis");
    let renamed = write(dir.path(), "renamed.csv", &text);
    let out = run(&["predict", "--model", m, "--data", &renamed, "--out", dir.path().join("p.csv").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: column 'island' holds level 'Atlantis' the model never saw in training, in 52 rows"),
        "{err}"
    );
}

/// Saving goes through a hidden temporary file that never stays behind.
#[test]
fn saving_leaves_only_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.model");
    let iris = data("iris.csv");
    for _ in 0..2 {
        let m = model.to_str().unwrap();
        ok(&["train", "--data", iris.to_str().unwrap(), "--target", "sepal_length", "--model", "ridge", "--out", m]);
    }
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["m.model"]);
}

/// The progress bar: drawn on a terminal once training has run a second,
/// never into a pipe, and not with --quiet. A terminal comes from `script`
/// (util-linux); without it only the pipe is checked.
#[test]
fn the_progress_bar_is_for_terminals_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let names: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
    text.push_str(&format!("{},y\n", names.join(",")));
    let mut state = 12345u64;
    for _ in 0..20_000 {
        let mut sum = 0.0;
        for j in 0..10 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = (state >> 11) as f64 / (1u64 << 53) as f64;
            sum += v * (j + 1) as f64;
            text.push_str(&format!("{v:.4},"));
        }
        text.push_str(&format!("{sum:.4}\n"));
    }
    let data = write(dir.path(), "big.csv", &text);
    let bin = env!("CARGO_BIN_EXE_ironlearn");
    let line = |out: &str, quiet: bool| {
        format!(
            "{bin} train --data {data} --target y --model gbdt --set n_estimators=1200 --set num_leaves=63 \
             --test-size 0 --out {}{}",
            dir.path().join(out).display(),
            if quiet { " --quiet" } else { "" }
        )
    };
    let start = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
    };
    let has_script = Command::new("script").arg("--version").output().is_ok_and(|o| o.status.success());
    // The runs at once, to save time: each must last over a second for the bar to appear at all.
    let piped = start("sh", &["-c", &line("a.model", false)]).unwrap();
    let on_terminal = |out: &str, quiet: bool| start("script", &["-qec", &line(out, quiet), "/dev/null"]).unwrap();
    let terminals = has_script.then(|| (on_terminal("b.model", false), on_terminal("c.model", true)));
    let seconds = |text: &str| -> f64 {
        let after = text.split(" columns in ").nth(1).expect("a 'trained ... in Xs' line");
        after.split('s').next().unwrap().parse().unwrap()
    };
    let piped = piped.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "{err}");
    assert!(!err.contains("training gbdt ["), "a bar went into a pipe: {err}");
    let Some((shown, quiet)) = terminals else {
        eprintln!("no `script` here: the progress bar on a terminal is not checked");
        return;
    };
    let (shown, quiet) = (shown.wait_with_output().unwrap(), quiet.wait_with_output().unwrap());
    // `script` copies the terminal, stderr included, to its stdout.
    let (shown, quiet) = (String::from_utf8_lossy(&shown.stdout), String::from_utf8_lossy(&quiet.stdout));
    assert!(!quiet.contains("training gbdt ["), "--quiet drew a bar: {quiet}");
    if seconds(&shown) > 1.5 {
        assert!(shown.contains("training gbdt ["), "no bar on a terminal: {shown}");
        assert!(shown.contains("/1200"), "the bar counts the rounds: {shown}");
    } else {
        eprintln!("training took under 1.5 s: the bar's appearance is not checked");
    }
}

#[test]
fn meta_estimators_outlier_detectors_and_neighbour_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let iris = data("iris.csv");
    let iris = iris.to_str().unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    // A vote of two estimators given as JSON specs.
    let spec = r#"estimators=[{"name":"lr","kind":"logistic_regression"},{"name":"nb","kind":"gaussian_nb"}]"#;
    let (vote, out) = (file("vote.model"), file("vote.csv"));
    let metrics = ok(&["train", "--data", iris, "--target", "species", "--model", "voting_classifier", "--set", spec]
        .into_iter()
        .chain(["--set", "voting=soft", "--out", &vote, "--json", "--quiet"])
        .collect::<Vec<_>>());
    let metrics: serde_json::Value = serde_json::from_str(metrics.trim()).unwrap();
    assert!(metrics["accuracy"].as_f64().unwrap() > 0.9, "{metrics}");
    ok(&["predict", "--model", &vote, "--data", iris, "--out", &out]);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("prediction,proba_setosa,"));
    let e = fails(&["train", "--data", iris, "--target", "species", "--model", "voting_classifier", "--out", &vote]);
    assert!(e.contains("at least one estimator"), "{e}");
    // An outlier detector: no target; predictions are 1/-1 with a score.
    let (forest, out) = (file("if.model"), file("if.csv"));
    ok(&["train", "--data", iris, "--model", "isolation_forest", "--out", &forest, "--quiet"]);
    ok(&["predict", "--model", &forest, "--data", iris, "--out", &out]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("inlier,score\n"), "{text}");
    assert!(text.lines().skip(1).all(|l| l.starts_with("1,") || l.starts_with("-1,")));
    // A neighbour index: each row's nearest training rows, itself first.
    let (index, out) = (file("nn.model"), file("nn.csv"));
    ok(&[
        "train",
        "--data",
        iris,
        "--model",
        "nearest_neighbors",
        "--set",
        "n_neighbors=2",
        "--out",
        &index,
        "--quiet",
    ]);
    ok(&["predict", "--model", &index, "--data", iris, "--out", &out]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("neighbor_0,distance_0,neighbor_1,distance_1\n0,0,"), "{text}");
}

#[test]
fn neural_networks_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("mlp.model");
    let iris = data("iris.csv");
    let iris = iris.to_str().unwrap();
    let out = ok(&[
        "train",
        "--data",
        iris,
        "--target",
        "species",
        "--model",
        "mlp",
        "--set",
        "hidden=16,8",
        "--set",
        "solver=lbfgs",
        "--out",
        m.to_str().unwrap(),
        "--json",
    ]);
    let metrics: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(metrics["accuracy"].as_f64().unwrap() > 0.85, "{metrics}");
    let info: serde_json::Value = serde_json::from_str(&ok(&["info", m.to_str().unwrap(), "--json"])).unwrap();
    // Scaled first (the estimator asks for it), so the MLP is the pipeline's last step.
    let mlp = &info["params"]["steps"][2];
    assert_eq!(
        (&mlp["kind"], &mlp["params"]["hidden_layer_sizes"]),
        (&"mlp_classifier".into(), &serde_json::json!([16, 8]))
    );
    // Any architecture from a spec file; the output layer is added for the classes.
    let spec = write(
        dir.path(),
        "spec.json",
        r#"{"layers": [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "dropout", "rate": 0.1}]}"#,
    );
    let n = dir.path().join("nn.model");
    let out = ok(&[
        "train",
        "--data",
        iris,
        "--target",
        "species",
        "--model",
        "nn",
        "--spec",
        &spec,
        "--set",
        "epochs=100",
        "--set",
        "learning_rate=0.01",
        "--out",
        n.to_str().unwrap(),
        "--json",
    ]);
    let metrics: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(metrics["accuracy"].as_f64().unwrap() > 0.85, "{metrics}");
    let bad = write(
        dir.path(),
        "bad.json",
        r#"[{"type": "dense", "units": 4}, {"type": "residual", "layers": [{"type": "dense", "units": 3}]}]"#,
    );
    let e = fails(&[
        "train",
        "--data",
        iris,
        "--target",
        "species",
        "--model",
        "nn",
        "--spec",
        &bad,
        "--out",
        n.to_str().unwrap(),
        "--set",
        "task=classification",
    ]);
    assert!(e.contains("layer 1 (residual)"), "{e}");
    let e = fails(&["train", "--data", iris, "--target", "species", "--model", "ridge", "--spec", &spec]);
    assert!(e.contains("--spec") && e.contains("nn"), "{e}");
}
