//! The quickstart: several models on bundled data, cross-validated, the best
//! saved to a model file, reloaded, and used for prediction.
//!
//! Run it with `cargo run -p ironlearn --example quickstart`.

use anyhow::{ensure, Result};
use ironlearn::metrics::score;
use ironlearn::pipeline::{find, FittedPipeline};
use ironlearn::prelude::*;

struct Task {
    file: &'static str,
    target: &'static str,
    classify: bool,
    models: &'static [(&'static str, &'static [(&'static str, &'static str)])],
}

const TASKS: &[Task] = &[
    Task {
        file: "data/breast_cancer.csv",
        target: "diagnosis",
        classify: true,
        models: &[
            ("logistic_regression", &[]),
            ("logistic_regression", &[("C", "0.1")]),
            ("gbdt", &[("n_estimators", "200"), ("learning_rate", "0.05")]),
            ("mlp_classifier", &[("hidden_layer_sizes", "32"), ("max_iter", "300")]),
        ],
    },
    Task {
        file: "data/penguins.csv",
        target: "species",
        classify: true,
        models: &[("logistic_regression", &[]), ("gbdt", &[("num_leaves", "8"), ("min_data_in_leaf", "5")])],
    },
    Task {
        file: "data/diabetes.csv",
        target: "progression",
        classify: false,
        models: &[
            ("linear_regression", &[]),
            ("ridge", &[("alpha", "10")]),
            ("gbdt", &[("learning_rate", "0.03"), ("num_leaves", "8"), ("min_data_in_leaf", "10")]),
            ("mlp_regressor", &[("hidden_layer_sizes", "16"), ("solver", "lbfgs"), ("alpha", "10")]),
        ],
    },
];

fn main() -> Result<()> {
    let out_dir = std::path::Path::new("target/quickstart");
    std::fs::create_dir_all(out_dir)?;
    for task in TASKS {
        let table = read_table(task.file, &ReadOptions::default())?;
        let (x, target) = table.split_off(task.target)?;
        let y = if task.classify {
            Target::Labels(Labels::from_column(&target)?)
        } else {
            Target::Values(ironlearn::core::target_values(&target)?)
        };
        let folds = match &y {
            Target::Labels(l) => StratifiedKFold { n_splits: 5, shuffle: true, seed: 42 }.split(l.codes())?,
            other => KFold { n_splits: 5, shuffle: true, seed: 42 }.split(other.len())?,
        };
        let scoring = if task.classify { Scoring::Accuracy } else { Scoring::R2 };
        println!("\n{} ({} rows, {} features) — 5-fold {:?}", task.file, x.n_rows(), x.n_cols(), scoring);
        let mut board = Vec::new();
        for (name, params) in task.models {
            let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let entry = find(name)?;
            let pipeline = auto_pipeline(entry, (entry.build_from_strs)(&pairs)?, &x.schema())?;
            let started = std::time::Instant::now();
            let scores = cross_val_score(&pipeline, Features::Table(&x), &y, &folds, scoring)?;
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            let label = format!(
                "{name}{}",
                if params.is_empty() {
                    String::new()
                } else {
                    format!(" {}", pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "))
                }
            );
            board.push((label, mean, started.elapsed().as_secs_f64(), pipeline));
        }
        board.sort_by(|a, b| b.1.total_cmp(&a.1));
        println!("  {:<4} {:<70} {:>9} {:>8}", "rank", "model", "score", "seconds");
        for (i, (label, mean, secs, _)) in board.iter().enumerate() {
            println!("  {:<4} {:<70} {:>9.4} {:>8.3}", i + 1, label, mean, secs);
        }
        // Refit the best on all rows, save, reload, predict.
        let (label, _, _, best) = &board[0];
        let model = best.fit_data(Features::Table(&x), Some(&y), None)?;
        let mut file = ModelFile::from_model(model.as_ref())?;
        file.header.schema = x.schema();
        let path = out_dir.join(format!("{}.ironlearn", task.target));
        file.save(&path)?;
        let loaded = load(&path)?;
        let before = score(model.as_ref(), Features::Table(&x), &y, scoring)?;
        let after = score(loaded.model.as_ref(), Features::Table(&x), &y, scoring)?;
        ensure!(before == after, "the reloaded model scores {after}, the original {before}");
        let sample = x.take(&[0, 1, 2]);
        let shown = match loaded.model.predict_data(Features::Table(&sample))? {
            Prediction::Labels(l) => l.to_strings().join(", "),
            other => other.to_matrix().iter().map(|p| format!("{p:.1}")).collect::<Vec<_>>().join(", "),
        };
        let kind = loaded.model.as_ref() as &dyn std::any::Any;
        let steps = kind.downcast_ref::<FittedPipeline>().map(|p| p.steps().len()).unwrap_or(1);
        println!(
            "  best: {label}; saved to {} ({steps} steps), reloaded, same training score {after:.4}",
            path.display()
        );
        println!("  predictions for the first three rows: {shown}");
    }
    Ok(())
}
