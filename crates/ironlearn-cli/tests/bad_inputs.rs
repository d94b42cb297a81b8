//! The catalogue of bad inputs: commands a new user might type, each of
//! which must end with a non-zero exit, no panic, and one `ironlearn: error:`
//! line that names the problem. Nothing here may be silently accepted.
//!
//! A case is a command line in which `@name` stands for a file of the
//! fixture directory, and the words its error line must contain. Every new
//! estimator adds its own cases (such as more clusters than rows).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A command that has not ended by then is a hang (a FIFO opened, `/dev/zero` read).
const LIMIT: Duration = Duration::from_secs(60);

/// Runs the binary, killing it if it outlives [`LIMIT`].
fn run(args: &[String]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ironlearn"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waiting works").is_none() {
        if started.elapsed() > LIMIT {
            child.kill().ok();
            panic!("{args:?} hung for {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().expect("the output is read")
}

/// The fixture files, made by the tests in a temporary directory.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        let iris = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/iris.csv")).unwrap();
        f.write("iris.csv", &iris);
        f.write("renamed_labels.csv", iris.replace("setosa", "Iris-setosa"));
        let mut lines = iris.lines();
        let mut text_feature = format!("{}\n", lines.next().unwrap());
        for (i, line) in lines.enumerate() {
            let rest = line.split_once(',').unwrap().1;
            let _ = writeln!(text_feature, "{},{rest}", if i % 2 == 0 { "big" } else { "small" });
        }
        f.write("text_feature.csv", text_feature);
        f.write("empty.csv", "");
        f.write("header_only.csv", "a,b,y\n");
        f.write("ragged.csv", "a,b,y\n1,2,3\n4,5\n");
        f.write("text_in_a.csv", "a,y\n1,2\nx,3\n2,4\n");
        f.write("semicolons.csv", "a;b;y\n1;2;3\n2;1;4\n3;5;5\n4;4;7\n5;3;8\n");
        f.write("decimal_commas.csv", rows("a;y", 20, |i| format!("{i},5;{},25", i * 2)));
        f.write("single.csv", "a,y\n1,2\n");
        f.write("two.csv", "a,y\n1,2\n2,5\n");
        f.write("constant.csv", rows("a,y", 30, |i| format!("{i},5")));
        f.write("one_class.csv", rows("a,y", 10, |i| format!("{i},k")));
        f.write(
            "one_row_class.csv",
            rows("a,y", 41, |i| format!("{i},{}", ["a", "b", "c"][usize::from(i == 40) + usize::from(i >= 20)])),
        );
        f.write(
            "continuous.csv",
            rows("a,b,y", 300, |i| format!("{},{},{}", i % 7, i % 11, f64::from(i * 37 % 101) / 7.3)),
        );
        f.write("ids.csv", rows("a,y", 100, |i| format!("{},{i}", i % 9)));
        f.write(
            "inf_feature.csv",
            rows("a,y", 20, |i| format!("{},{i}", if i == 13 { "inf".into() } else { i.to_string() })),
        );
        f.write(
            "inf_target.csv",
            rows("a,y", 20, |i| format!("{i},{}", if i == 7 { "-inf".into() } else { i.to_string() })),
        );
        f.write(
            "missing_target.csv",
            rows("a,y", 20, |i| format!("{i},{}", if i == 4 { String::new() } else { i.to_string() })),
        );
        f.write("linear30.csv", rows("a,y", 30, |i| format!("{i},{}", 2 * i)));
        f.write("no_target.csv", rows("a,y", 5, |i| format!("{i},")));
        f.write(
            "dropped_then_inf.csv",
            rows("a,y", 20, |i| match i {
                3 | 5 => format!("{i},"),
                11 => format!("inf,{i}"),
                _ => format!("{i},{i}"),
            }),
        );
        // A quoted field over two lines: the rows after it start a line later.
        f.write("quoted_lines.csv", "n,a,y\n\"two\nlines\",1,1\nb,2,\nc,3,3\nd,inf,4\ne,5,5\nf,6,6\n");
        let rank = |shuffled: bool| {
            rows("qid,f,rel", 40, move |i| {
                let q = if shuffled { i % 4 } else { i / 10 };
                format!("q{q},{},{}", i % 10, (i % 10) / 3)
            })
        };
        f.write("rank.csv", rank(false));
        f.write("rank_scattered.csv", rank(true));
        f.write("plain.csv.gz", "a,y\n1,2\n");
        f.write("sheet.xlsx", "not a spreadsheet");
        f.write("victim.csv", "a,y\n1,2\n");
        f.write("pandas_index.csv", rows(",a,y", 20, |i| format!("{},{i},{}", 19 - i, i * 2)));
        f.write("missing_species.csv", iris.replacen(",setosa", ",", 1));
        f.write("thousands.csv", rows("a,y", 20, |i| format!("\"{},{:03}\",{i}", i + 1, i * 37 % 1000)));
        f.write("commas.tsv", rows("a,y", 20, |i| format!("{i},{}", i * 2)));
        f.write(
            "stray_word.csv",
            rows("a,y", 30, |i| format!("{i},{}", if i == 7 { "n/a".into() } else { (i * 2).to_string() })),
        );
        f.write("linear.csv", rows("a,y", 30, |i| format!("{i},{}", i * 2 + i % 3)));
        f.write(
            "crlf_inf.csv",
            rows("a,y", 20, |i| format!("{},{i}\r", if i == 7 { "inf".into() } else { i.to_string() })),
        );
        f.write("unterminated.csv", "a,y\n1,2\n\"3,4\n5,6\n7,8\n");
        f.write("duplicate_points.csv", rows("a,b", 20, |i| format!("{},{}", i % 2, i % 2)));
        f.write("empty_feature.csv", rows("a,b,y", 20, |i| format!("{i},,{}", i * 2)));
        f.write("user_ids.csv", rows("id,a,y", 200, |i| format!("user{i},{},{}", i % 7, i % 2)));
        std::fs::create_dir(f.path("a_directory")).unwrap();
        std::fs::create_dir(f.path("a_directory.csv")).unwrap();
        #[cfg(unix)]
        {
            for fifo in ["fifo.csv", "fifo.model"] {
                let made = Command::new("mkfifo").arg(f.path(fifo)).status().is_ok_and(|s| s.success());
                assert!(made, "mkfifo makes a FIFO");
            }
            std::os::unix::fs::symlink(f.path("iris.csv"), f.path("alias.csv")).unwrap();
        }
        // A regressor to evaluate with.
        let out = f.args("train --data @linear.csv --target y --model ridge --out @linear.model");
        let trained = run(&out);
        assert!(trained.status.success(), "{}", String::from_utf8_lossy(&trained.stderr));
        // A model to predict and evaluate with, and broken copies of it.
        let out = f.args("train --data @iris.csv --target species --model gbdt --set n_estimators=5 --out @iris.model");
        let trained = run(&out);
        assert!(trained.status.success(), "{}", String::from_utf8_lossy(&trained.stderr));
        let bytes = std::fs::read(f.path("iris.model")).unwrap();
        f.write("model_copy.csv", &bytes);
        f.write("appended.model", [&bytes[..], b"junk"].concat());
        f.write("truncated.model", &bytes[..bytes.len() / 2]);
        let mut flipped = bytes.clone();
        let at = flipped.len() - 9;
        flipped[at] ^= 1;
        f.write("flipped.model", flipped);
        f.write("newer.model", safetensors_with(r#"{"__metadata__":{"ironlearn":"{\"format_version\":99}"}}"#));
        f.write("torch.model", safetensors_with(r#"{"__metadata__":{"format":"pt"}}"#));
        f.write("lightgbm.txt", "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\n");
        f.write("xgboost.json", r#"{"learner":{"attributes":{},"gradient_booster":{}},"version":[2,1,0]}"#);
        f.write("empty.model", "");
        let mut huge = u64::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(b"{\"x\":1}");
        f.write("huge_header.model", huge);
        f
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), contents).unwrap();
    }

    /// A command line split on spaces, `@name` naming a fixture file.
    fn args(&self, line: &str) -> Vec<String> {
        line.split_whitespace()
            .map(|w| match w.strip_prefix('@') {
                Some(name) => self.path(name).to_string_lossy().into_owned(),
                None => w.to_string(),
            })
            .collect()
    }

    /// Runs every case and fails with the list of those that misbehaved.
    fn check(&self, cases: &[(&str, &[&str])]) {
        let mut wrong = String::new();
        for (line, says) in cases {
            let out = run(&self.args(line));
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
            let problem = if out.status.success() {
                "succeeded".to_string()
            } else if out.status.code().is_none_or(|c| c > 2) {
                format!("exit status {:?}", out.status.code())
            } else if err.contains("internal error") || err.contains("panicked") {
                "panicked".to_string()
            } else if !last.starts_with("ironlearn: error: ") {
                "no one-line 'ironlearn: error:' message last".to_string()
            } else if let Some(missing) = says.iter().find(|s| !last.contains(*s)) {
                format!("the message lacks '{missing}'")
            } else {
                continue;
            };
            let _ = writeln!(wrong, "`{line}`: {problem}\n    stderr: {}", err.trim().replace('\n', "\n            "));
        }
        assert!(wrong.is_empty(), "bad inputs handled wrongly:\n{wrong}");
    }
}

/// A CSV text: `header`, then `n` rows made by `row`.
fn rows(header: &str, n: u32, row: impl Fn(u32) -> String) -> String {
    let mut s = format!("{header}\n");
    (0..n).for_each(|i| s.push_str(&(row(i) + "\n")));
    s
}

/// A safetensors file with this JSON header and no tensors.
fn safetensors_with(header: &str) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes
}

#[test]
fn bad_data_files() {
    let f = Fixture::new();
    let train = "train --target y --model ridge --out @m.model --data";
    f.check(&[
        (&format!("{train} @nope.csv"), &["nope.csv: No such file"]),
        (&format!("{train} @a_directory"), &["a_directory: is a directory, not a data file"]),
        (&format!("{train} @a_directory.csv"), &["is a directory, not a data file"]),
        #[cfg(unix)]
        (&format!("{train} @fifo.csv"), &["fifo.csv: is not a regular file (a FIFO)"]),
        #[cfg(unix)]
        (&format!("{train} /dev/zero"), &["/dev/zero: is not a regular file (a character device)"]),
        (&format!("{train} @empty.csv"), &["empty.csv is empty"]),
        (&format!("{train} @header_only.csv"), &["has a header but no data rows"]),
        (&format!("{train} @ragged.csv"), &["line 3: expected 3 fields like the header, found 2"]),
        (&format!("{train} @unterminated.csv"), &["an unterminated quote starting at line 3"]),
        (&format!("{train} @model_copy.csv"), &["this is an ironlearn model file, not data", "--model"]),
        // \r\n line ends count lines as \n does.
        (&format!("{train} @crlf_inf.csv"), &["infinity", "crlf_inf.csv line 9, column 'a'"]),
        (&format!("{train} @sheet.xlsx"), &["unknown file type '.xlsx'"]),
        (&format!("{train} @plain.csv.gz"), &["not a gzip file", "remove '.gz' from its name"]),
        (&format!("{train} @semicolons.csv"), &["pass --delimiter ';'"]),
        (&format!("{train} @semicolons.csv --delimiter é"), &["--delimiter 'é' must be one ASCII character"]),
        (&format!("{train} @semicolons.csv --delimiter ; --decimal ;"), &["--decimal ';' must be '.' or ','"]),
        (&format!("{train} @semicolons.csv --delimiter , --decimal ,"), &["cannot be the same character"]),
        // The default delimiter clashes too.
        (
            &format!("{train} @semicolons.csv --decimal ,"),
            &["the decimal separator ',' is also the field delimiter (',' by default)", "pass --delimiter ';'"],
        ),
        (
            &format!("{train} @text_in_a.csv --type a=numeric --type a=categorical"),
            &["the type of column 'a' is given twice with --type"],
        ),
        (&format!("{train} @text_in_a.csv --type a=numeric"), &["line 3, column 'a': cannot parse 'x' as a number"]),
        (&format!("{train} @text_in_a.csv --type b=numeric"), &["unknown column 'b'"]),
        (&format!("{train} @text_in_a.csv --type a=date"), &["unknown column type 'date'"]),
        (&format!("{train} @text_in_a.csv --type a"), &["--type 'a' must look like column=numeric"]),
        // Rows are named by their file line, whatever split of the file the model saw.
        (&format!("{train} @inf_feature.csv"), &["infinity", "inf_feature.csv line 15, column 'a'"]),
        (
            "train --target y --model gbdt --out @m.model --data @inf_feature.csv --test-size 0",
            &["infinity", "inf_feature.csv line 15, column 'a'"],
        ),
        (
            &format!("{train} @dropped_then_inf.csv --drop-missing-target"),
            &["infinity", "dropped_then_inf.csv line 13, column 'a'"],
        ),
        (
            "train --target y --model gbdt --out @m.model --data @quoted_lines.csv --drop-missing-target",
            &["infinity", "quoted_lines.csv line 6, column 'a'"],
        ),
    ]);
}

#[test]
fn decimal_commas_are_pointed_out_when_they_make_a_column_text() {
    let f = Fixture::new();
    let line = "train --data @decimal_commas.csv --delimiter ; --target y --model ridge --out @m.model";
    f.check(&[(line, &["the target 'y' is categorical"])]);
    let err = String::from_utf8(run(&f.args(line)).stderr).unwrap();
    assert!(
        err.contains("ironlearn: warning: ") && err.contains("column 'y' looks numeric with decimal commas"),
        "{err}"
    );
    assert!(err.contains("pass --decimal ','"), "{err}");
}

/// Commands that succeed but must say what is doubtful about their result:
/// each case is a command line and the words its `ironlearn: warning:` line must contain.
#[test]
fn doubtful_inputs_are_warned_about() {
    let f = Fixture::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "train --data @empty_feature.csv --target y --model ridge --out @m.model",
            &["the feature column 'b' is empty in every row", "--features a"],
        ),
        (
            "train --data @thousands.csv --target y --model ridge --out @m.model",
            &["column 'a' looks like numbers with thousands separators (e.g. '1,000')", "1000, not 1,000"],
        ),
        (
            "train --data @duplicate_points.csv --model kmeans --set n_clusters=5 --out @m.model",
            &["Number of distinct clusters (2) found smaller than n_clusters (5)"],
        ),
        (
            "train --data @iris.csv --target sepal_length --model ridge --test-size 0.005 --out @m.model",
            &["--test-size 0.005 holds out only 1 row", "give a larger --test-size"],
        ),
        (
            "train --data @linear30.csv --target y --model gbdt --test-size 0 --out @m.model",
            &["the model made no split", "with 30 rows, min_data_in_leaf (default 20) may allow no split"],
        ),
    ];
    let mut wrong = String::new();
    for (line, says) in cases {
        let out = run(&f.args(line));
        let err = String::from_utf8_lossy(&out.stderr);
        let warning = err.lines().find(|l| l.starts_with("ironlearn: warning: ") && says.iter().all(|s| l.contains(s)));
        if !out.status.success() || warning.is_none() {
            let _ = writeln!(wrong, "`{line}`: no warning saying {says:?}\n    stderr: {}", err.trim());
        }
    }
    assert!(wrong.is_empty(), "doubtful inputs not warned about:\n{wrong}");
}

/// What a message must not say: a fix that would not work, a count in the wrong number.
#[test]
fn messages_suggest_no_wrong_fix_and_count_in_words() {
    let f = Fixture::new();
    let stderr = |line: &str| String::from_utf8_lossy(&run(&f.args(line)).stderr).into_owned();
    // Thousands separators are not decimal commas: --decimal ',' would read 1,000 as 1.
    let err = stderr("train --data @thousands.csv --target y --model ridge --out @m.model");
    assert!(!err.contains("--decimal"), "{err}");
    // A comma-separated .tsv gets the delimiter hint, not a decimal-comma warning besides.
    let err = stderr("train --data @commas.tsv --target y --model ridge --out @m.model");
    assert!(!err.contains("warning") && !err.contains("decimal"), "{err}");
    let err = stderr("evaluate --model @iris.model --data @missing_species.csv");
    assert!(!err.contains("--drop-missing-target"), "{err}");
    let err = stderr("train --data @linear.csv --target y --model ridge --features a --out @m.model");
    assert!(err.contains("trained ridge on 24 rows x 1 column in"), "{err}");
}

#[test]
fn bad_columns_and_targets() {
    let f = Fixture::new();
    f.check(&[
        ("train --data @iris.csv --target petal --model ridge --out @m.model", &["unknown column 'petal'"]),
        (
            "train --data @iris.csv --target species --features species,sepal_length --model gbdt --out @m.model",
            &["'species' is the target; remove it from --features"],
        ),
        (
            "train --data @iris.csv --target species --features sepal_length,sepal_length --model gbdt --out @m.model",
            &["--features names 'sepal_length' twice"],
        ),
        // A pandas index written by to_csv has no name, and is no feature.
        (
            "train --data @pandas_index.csv --target y --model ridge --out @m.model",
            &["column 1 of the file has no name in the header", "index=False", "--features a"],
        ),
        (
            "train --data @iris.csv --target species --features petals --model gbdt --out @m.model",
            &["unknown column 'petals'"],
        ),
        (
            "train --data @iris.csv --target species --model ridge --out @m.model",
            &["the target 'species' is categorical"],
        ),
        (
            "train --data @inf_target.csv --target y --model ridge --out @m.model",
            &["the target 'y' is -inf at ", "/inf_target.csv line 9"],
        ),
        (
            "train --data @missing_target.csv --target y --model gbdt --out @m.model",
            &["missing in 1 row (the first at ", "/missing_target.csv line 6)", "--drop-missing-target"],
        ),
        ("train --data @no_target.csv --target y --model ridge --out @m.model", &["missing in every row"]),
        (
            "train --data @no_target.csv --target y --model ridge --drop-missing-target --out @m.model",
            &["the target 'y' is missing in every row, so --drop-missing-target leaves nothing to train on"],
        ),
        // A number column with one word in it: the word and its line are named.
        (
            "train --data @stray_word.csv --target y --model ridge --out @m.model",
            &["the target 'y' holds numbers, but also 'n/a' (at ", "stray_word.csv line 9)", "mark it missing"],
        ),
        (
            "train --data @stray_word.csv --target y --model gbdt --out @m.model",
            &["holds numbers, but also 'n/a' (at ", "--drop-missing-target"],
        ),
        (
            "evaluate --model @linear.model --data @stray_word.csv",
            &["holds numbers, but also 'n/a' (at ", "stray_word.csv line 9)", "remove those rows from the file"],
        ),
        (
            "train --data @single.csv --target y --model ridge --test-size 0 --out @m.model",
            &["there is 1 row to train on"],
        ),
        ("train --data @single.csv --target y --model ridge --out @m.model", &["there is 1 row to train on"]),
        (
            "train --data @two.csv --target y --model ridge --out @m.model",
            &["with 2 rows, --test-size 0.2 leaves 1 row to train on", "a smaller --test-size", "--test-size 0"],
        ),
        ("train --data @constant.csv --target y --model ridge --out @m.model", &["the target 'y' is 5 in every row"]),
        ("train --data @constant.csv --target y --model gbdt --out @m.model", &["only one class ('5')"]),
        (
            "train --data @one_class.csv --target y --model logistic_regression --out @m.model",
            &["only one class ('k')"],
        ),
        (
            "train --data @one_row_class.csv --target y --model logistic_regression --out @m.model",
            &["class 'c' of the target 'y' has only 1 row (", "/one_row_class.csv line 42)", "--test-size 0"],
        ),
        (
            "train --data @continuous.csv --target y --model gbdt --set objective=multiclass --out @m.model",
            &["the target 'y' holds continuous numbers", "--set objective=regression"],
        ),
        (
            "train --data @continuous.csv --target y --model logistic_regression --out @m.model",
            &["continuous numbers", "use a regressor such as ridge"],
        ),
        (
            "train --data @ids.csv --target y --model gbdt --set objective=multiclass --out @m.model",
            &["100 distinct values in 100 rows: more classes than half the rows"],
        ),
        // An identifier one-hot encoded would make a column per row.
        (
            "train --data @user_ids.csv --target y --model logistic_regression --out @m.model",
            &["column 'id' holds 200 distinct values in 200 rows, like an identifier", "--features a"],
        ),
        ("train --data @user_ids.csv --model kmeans --out @m.model", &["column 'id' holds 200 distinct values"]),
        (
            "train --data @iris.csv --model ridge --out @m.model",
            &["'ridge' learns from a target: name its column with --target"],
        ),
        (
            "train --data @iris.csv --target species --model kmeans --out @m.model",
            &["learns without a target; leave out --target"],
        ),
        (
            "train --data @iris.csv --target species --model gbdt --test-size=1.5 --out @m.model",
            &["--test-size must be in [0, 1)"],
        ),
        (
            "train --data @iris.csv --target species --model gbdt --test-size=-0.2 --out @m.model",
            &["--test-size must be in [0, 1)"],
        ),
    ]);
}

#[test]
fn bad_models_and_parameters() {
    let f = Fixture::new();
    let gbdt = "train --data @iris.csv --target species --model gbdt --out @m.model --set";
    let ridge = "train --data @iris.csv --target sepal_length --model ridge --out @m.model --set";
    let kmeans = "train --data @iris.csv --model kmeans --out @m.model --set";
    f.check(&[
        ("train --data @iris.csv --target species --model svm --out @m.model", &["unknown model 'svm'"]),
        (&format!("{gbdt} leaves=8"), &["unknown parameter 'leaves' for gbdt"]),
        (&format!("{gbdt} oops"), &["--set 'oops' must look like key=value"]),
        // A parameter set twice, by its name or by an alias, is not silently the last value.
        (&format!("{gbdt} n_estimators=5 --set n_estimators=7"), &["parameter 'n_estimators' is given twice"]),
        (
            &format!("{gbdt} n_estimators=5 --set num_iterations=9"),
            &["parameter 'n_estimators' is given twice (as 'n_estimators' and as 'num_iterations')"],
        ),
        // An integer in a closed range, and one that is not an integer.
        (&format!("{gbdt} num_leaves=1"), &["parameter 'num_leaves': must be an integer in [2, 131072], got 1"]),
        (&format!("{gbdt} max_bin=256"), &["parameter 'max_bin': must be an integer in [2, 255], got 256"]),
        (&format!("{gbdt} n_estimators=5.5"), &["parameter 'n_estimators': expected an integer, got '5.5'"]),
        (&format!("{gbdt} n_estimators=0"), &["parameter 'n_estimators': must be an integer >= 1, got 0"]),
        // Numbers with an open, a closed and a half-open bound, and non-finite ones.
        (&format!("{gbdt} learning_rate=0"), &["parameter 'learning_rate': must be a finite number > 0"]),
        (&format!("{gbdt} learning_rate=inf"), &["parameter 'learning_rate'", "'inf'"]),
        (&format!("{gbdt} learning_rate=nan"), &["parameter 'learning_rate'", "'nan'"]),
        (&format!("{ridge} alpha=-1"), &["parameter 'alpha': must be a finite number >= 0, got -1"]),
        (&format!("{ridge} alpha="), &["parameter 'alpha': expected a number, got ''"]),
        (&format!("{gbdt} feature_fraction=0"), &["parameter 'feature_fraction': must be a number in (0, 1]"]),
        (
            &format!("{gbdt} tweedie_variance_power=2"),
            &["parameter 'tweedie_variance_power': must be a number in [1, 2)"],
        ),
        // A choice, a boolean, and parameters typed only by their Rust type.
        (&format!("{gbdt} objective=foo"), &["parameter 'objective': must be one of 'auto'"]),
        (&format!("{kmeans} init=foo"), &["parameter 'init': must be one of 'k-means++', 'random'"]),
        (&format!("{ridge} fit_intercept=maybe"), &["parameter 'fit_intercept': expected true or false, got 'maybe'"]),
        (&format!("{gbdt} bagging_freq=-1"), &["parameter 'bagging_freq': must be an integer >= 0, got -1"]),
        (&format!("{gbdt} num_threads=-3"), &["parameter 'num_threads': must be an integer >= 0, got -3"]),
        (&format!("{gbdt} monotone_constraints=1,2"), &["monotone_constraints has 2 values for 4 features"]),
        (&format!("{gbdt} categorical_feature=zzz"), &["'zzz' is neither a feature name nor an index below 4"]),
        (&format!("{gbdt} categorical_feature=species"), &["names 'species', the target, which is not a feature"]),
        (&format!("{gbdt} metric=foo"), &["unknown metric 'foo'"]),
        (&format!("{gbdt} boosting=dart2"), &["parameter 'boosting': must be one of 'gbdt', 'dart', 'goss', 'rf'"]),
        // More clusters than rows, and none.
        (&format!("{kmeans} n_clusters=500"), &["n_clusters", "500", "150"]),
        (&format!("{kmeans} n_clusters=0"), &["parameter 'n_clusters': must be an integer in [1, "]),
    ]);
}

#[test]
fn bad_model_files() {
    let f = Fixture::new();
    let info = |name: &str| format!("info @{name}");
    let predict = |model: &str| format!("predict --model {model} --data @iris.csv --out @p.csv");
    f.check(&[
        (&info("nope.model"), &["nope.model: No such file"]),
        (&info("truncated.model"), &["truncated"]),
        (&predict("@flipped.model"), &["checksum mismatch: the file is corrupted"]),
        (&info("newer.model"), &["format version 99 is newer than this ironlearn", "upgrade ironlearn"]),
        (&info("torch.model"), &["a safetensors file, but not an ironlearn model"]),
        (&info("lightgbm.txt"), &["this is a LightGBM text model", "ironlearn.boost.Booster(model_file=...)"]),
        (&predict("@lightgbm.txt"), &["this is a LightGBM text model"]),
        (&info("xgboost.json"), &["this is an XGBoost JSON model", "from_xgboost_json"]),
        (&info("iris.csv"), &["not a readable ironlearn model file", "it is text (it starts with 'sepal_length"]),
        (&info("empty.model"), &["0 bytes, too short for a model file"]),
        (&info("appended.model"), &["4 unexpected bytes after the model"]),
        (&info("huge_header.model"), &["truncated or not a model file", "only 7 bytes follow"]),
        (&info("a_directory"), &["a_directory: is a directory, not a model file"]),
        (&predict("@a_directory"), &["is a directory, not a model file"]),
        #[cfg(unix)]
        ("info /dev/zero", &["/dev/zero: is not a regular file (a character device)"]),
        #[cfg(unix)]
        (&predict("/dev/zero"), &["/dev/zero: is not a regular file (a character device)"]),
        #[cfg(unix)]
        ("evaluate --model /dev/zero --data @iris.csv", &["/dev/zero: is not a regular file"]),
        #[cfg(unix)]
        ("evaluate --model @fifo.csv --data @iris.csv", &["fifo.csv: is not a regular file (a FIFO)"]),
        #[cfg(unix)]
        (&info("fifo.csv"), &["is not a regular file (a FIFO)"]),
    ]);
}

#[test]
fn predicting_and_evaluating_on_the_wrong_data() {
    let f = Fixture::new();
    f.check(&[
        ("predict --model @iris.model --data @single.csv --out @p.csv", &["lacks column(s) 'sepal_length'"]),
        (
            "predict --model @iris.model --data @text_feature.csv --out @p.csv",
            &["column 'sepal_length' must be numeric, but holds 'big' (", "/text_feature.csv line 2)"],
        ),
        (
            "evaluate --model @iris.model --data @renamed_labels.csv",
            &[
                "holds a label the model never saw in training: 'Iris-setosa'",
                "(it knows 'setosa', 'versicolor', 'virginica')",
            ],
        ),
        ("evaluate --model @iris.model --data @iris.csv --target kind", &["unknown column 'kind'"]),
        // evaluate has no --drop-missing-target: it says what can be done instead.
        (
            "evaluate --model @iris.model --data @missing_species.csv",
            &["missing in 1 row", "missing_species.csv line 2", "remove those rows from the file, or fill them in"],
        ),
        ("train --data @commas.tsv --target y --model ridge --out @m.model", &["pass --delimiter ','"]),
        ("evaluate --model @iris.model --data @single.csv", &["unknown column 'species'"]),
        ("predict --model @iris.model --data @a_directory --out @p.csv", &["is a directory, not a data file"]),
        #[cfg(unix)]
        ("evaluate --model @iris.model --data @fifo.csv", &["fifo.csv: is not a regular file (a FIFO)"]),
    ]);
}

#[test]
fn bad_outputs_fail_before_any_work_and_keep_the_inputs() {
    let f = Fixture::new();
    let before = std::fs::read(f.path("iris.csv")).unwrap();
    let train = "train --data @iris.csv --target species --model gbdt --out";
    let cases: &[(&str, &[&str])] = &[
        (&format!("{train} @iris.csv"), &["--out ", "the output is also an input", "choose another output file"]),
        #[cfg(unix)]
        (&format!("{train} @alias.csv"), &["the output is also an input"]),
        (&format!("{train} @missing_dir/m.model"), &["the directory ", "missing_dir does not exist"]),
        (&format!("{train} @a_directory"), &["a_directory: is a directory; name a file to write"]),
        ("predict --model @iris.model --data @iris.csv --out @iris.csv", &["the output is also an input"]),
        ("predict --model @iris.model --data @iris.csv --out @missing_dir/p.csv", &["missing_dir does not exist"]),
        ("predict --model @iris.model --data @iris.csv --out @p.xlsx", &["unknown file type '.xlsx'"]),
        // A FIFO blocks until read, /dev/full fails only after the work: both are refused first.
        #[cfg(unix)]
        ("predict --model @iris.model --data @iris.csv --out @fifo.csv", &["fifo.csv: is not a regular file (a FIFO)"]),
        #[cfg(unix)]
        (&format!("{train} @fifo.model"), &["fifo.model: is not a regular file (a FIFO)"]),
        #[cfg(unix)]
        (&format!("{train} /dev/full"), &["/dev/full: is not a regular file (a character device)"]),
        // A model saved over (or posing as) a data file.
        (&format!("{train} @victim.csv"), &["'.csv' is the extension of a data file", "should end in .ironlearn"]),
        (&format!("{train} @victim.parquet"), &["'.parquet' is the extension of a data file"]),
    ];
    f.check(cases);
    for (line, _) in cases {
        let out = run(&f.args(line));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.stdout.is_empty() && !err.contains("trained"), "`{line}` did work before failing: {err}");
    }
    assert_eq!(std::fs::read(f.path("iris.csv")).unwrap(), before, "an input was overwritten");
    assert_eq!(std::fs::read_to_string(f.path("victim.csv")).unwrap(), "a,y\n1,2\n", "a data file was replaced");
}

#[test]
fn bad_ranking_inputs() {
    let f = Fixture::new();
    let rank = "train --target rel --model gbdt --set objective=lambdarank --out @r.model --data";
    f.check(&[
        (&format!("{rank} @rank.csv"), &["ranks rows within queries", "--group COLUMN"]),
        (
            "train --data @rank.csv --target rel --model gbdt --group qid --out @r.model",
            &["--group qid gives query groups to a ranking objective", "objective=lambdarank"],
        ),
        (
            &format!("{rank} @rank_scattered.csv --group qid"),
            &[
                "query 'q0' of the --group column 'qid' comes back at ",
                "/rank_scattered.csv line 6",
                "sort the rows by 'qid'",
            ],
        ),
        (&format!("{rank} @rank.csv --group query"), &["unknown column 'query'"]),
        (
            &format!("{rank} @rank.csv --group qid --features qid,f"),
            &["'qid' holds the query ids (--group); remove it from --features"],
        ),
        (&format!("{rank} @rank.csv --group rel"), &["--group rel is the target"]),
    ]);
}
