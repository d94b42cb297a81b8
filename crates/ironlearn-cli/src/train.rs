//! `ironlearn train`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use ironlearn_core::fingerprint::Fingerprint;
use ironlearn_core::{
    Attribute, Estimator, Features, FitContext, Labels, Model, ModelFile, Prediction, Progress, Table, Target,
    TargetInfo, Task, TrainData,
};
use ironlearn_data::{read_table, ColumnType, ReadOptions};
use ironlearn_pipeline::{auto_pipeline, find};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training data (.csv, .tsv or .parquet).
    #[arg(long)]
    data: PathBuf,
    /// The column to predict (not given for clustering, transformers and outlier detection).
    #[arg(long)]
    target: Option<String>,
    /// The model name (see `ironlearn models`).
    #[arg(long)]
    model: String,
    /// A hyperparameter, as key=value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Feature columns, comma-separated (default: every other column).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// The fraction of rows held out for evaluation (0 trains on everything).
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// The seed of the held-out split.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where to save the model.
    #[arg(long, default_value = "model.ironlearn")]
    out: PathBuf,
    /// Print metrics as JSON.
    #[arg(long)]
    json: bool,
    /// Drop rows whose target is missing (reported on stderr) instead of failing.
    #[arg(long)]
    drop_missing_target: bool,
    /// Save the model fitted on the training split only, instead of refitting on every row.
    #[arg(long)]
    no_refit: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// How to read a data file: the options `train`, `predict` and `evaluate` share.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Force a column's type, as column=numeric|categorical (repeatable).
    #[arg(long = "type", value_name = "COLUMN=TYPE")]
    types: Vec<String>,
    /// The CSV field delimiter, one ASCII character (default: ',', or tab for .tsv).
    #[arg(long)]
    delimiter: Option<char>,
}

pub(crate) fn read_options(read: &ReadArgs) -> Result<ReadOptions> {
    let mut opts = ReadOptions::default();
    if let Some(c) = read.delimiter {
        anyhow::ensure!(c.is_ascii() && c != '"', "--delimiter '{c}' must be one ASCII character other than '\"'");
        opts.delimiter = Some(c as u8);
    }
    for t in &read.types {
        let (col, ty) = t.split_once('=').with_context(|| format!("--type '{t}' must look like column=numeric"))?;
        opts = opts.with_type(col.trim(), ty.trim().parse::<ColumnType>()?);
    }
    Ok(opts)
}

fn key_values(set: &[String]) -> Result<Vec<(String, String)>> {
    set.iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').with_context(|| format!("--set '{kv}' must look like key=value"))?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// The target as the task needs it, with the model file's description of it.
pub(crate) fn target_for(task: Task, column: &ironlearn_core::Column) -> Result<(Target, TargetInfo)> {
    Ok(match task {
        Task::Classification => {
            let labels = Labels::from_column(column)?;
            let dtype = match &column.data {
                ironlearn_core::ColumnData::Categorical { .. } => "str",
                ironlearn_core::ColumnData::Numeric(v) if v.iter().all(|x| x.fract() == 0.0) => "int64",
                ironlearn_core::ColumnData::Numeric(_) => "float64",
            };
            let info = TargetInfo {
                name: Some(column.name.clone()),
                task,
                classes: Some(labels.classes().to_vec()),
                dtype: Some(dtype.into()),
            };
            (Target::Labels(labels), info)
        }
        _ => (
            Target::Values(ironlearn_core::target_values(column)?),
            TargetInfo {
                name: Some(column.name.clone()),
                task: Task::Regression,
                classes: None,
                dtype: Some("float64".into()),
            },
        ),
    })
}

/// Held-out metrics of a fitted model.
pub(crate) fn metrics(model: &dyn Model, x: &Table, y: &Target) -> Result<Vec<(String, f64)>> {
    let pred = model.predict_data(Features::Table(x))?;
    Ok(match (pred, y) {
        (Prediction::Values(p), Target::Values(t)) => ironlearn_metrics::regression_report(t, &p.to_vec())?,
        (Prediction::Labels(p), Target::Labels(t)) => {
            let proba = model.predict_proba_data(Features::Table(x)).ok();
            let classes = model.classes().unwrap_or_default();
            ironlearn_metrics::classification_report(t, &p, proba.as_ref().map(|a| a.view()), classes)?
        }
        _ => anyhow::bail!("the model's predictions do not match the target's type"),
    })
}

/// Inertia (from the model's cluster centres) and silhouette of a clustering on `x`.
pub(crate) fn cluster_metrics(model: &dyn Model, x: &Table) -> Result<Vec<(String, f64)>> {
    let Prediction::Clusters(labels) = model.predict_data(Features::Table(x))? else {
        anyhow::bail!("a '{}' model does not assign clusters", model.kind());
    };
    // The numbers the model saw, after its preprocessing steps.
    let pipeline = (model as &dyn std::any::Any).downcast_ref::<ironlearn_pipeline::FittedPipeline>();
    let dense = match pipeline.map(|p| p.transform_before_last(Features::Table(x))).transpose()?.flatten() {
        Some(d) => d.into_dense()?,
        None => x.to_array()?,
    };
    let mut out = Vec::new();
    let centres = model.attributes().into_iter().find(|(n, _)| n == "cluster_centers_");
    if let Some((_, Attribute::Array(c))) = centres {
        let c = c.into_dimensionality::<ndarray::Ix2>()?;
        let inertia: f64 = dense
            .rows()
            .into_iter()
            .zip(labels.iter())
            .map(|(r, &l)| r.iter().zip(c.row(l as usize)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>())
            .sum();
        out.push(("inertia".to_string(), inertia));
    }
    // O(n²): estimated on at most 5000 evenly spaced rows.
    let step = dense.nrows().div_ceil(5000).max(1);
    let rows: Vec<usize> = (0..dense.nrows()).step_by(step).collect();
    let sample = dense.select(ndarray::Axis(0), &rows);
    let sampled: Vec<i64> = rows.iter().map(|&i| labels[i]).collect();
    if let Ok(s) = ironlearn_metrics::silhouette_score(sample.view(), &sampled) {
        out.push(("silhouette".to_string(), s));
    }
    Ok(out)
}

pub(crate) fn print_metrics(title: &str, m: &[(String, f64)], json: bool) -> Result<()> {
    if json {
        let obj: serde_json::Map<String, serde_json::Value> =
            m.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect();
        return crate::emit(&format!("{}\n", serde_json::Value::Object(obj)));
    }
    let mut out = format!("{title}\n");
    for (k, v) in m {
        out.push_str(&format!("  {k:<10} {v:.6}\n"));
    }
    crate::emit(&out)
}

/// The task a target implies when the estimator leaves it open: text, or a
/// numeric column of at most two integer values, is a classification (as
/// scikit-learn's `type_of_target` reads a 0/1 column); other numbers are a regression.
fn task_from_target(column: &ironlearn_core::Column) -> (Task, String) {
    use ironlearn_core::ColumnData;
    match &column.data {
        ColumnData::Categorical { .. } => (Task::Classification, "the target holds text".into()),
        ColumnData::Numeric(v) => {
            let mut distinct: Vec<u64> = v.iter().filter(|x| !x.is_nan()).map(|x| x.to_bits()).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let integers = v.iter().all(|x| x.is_nan() || x.fract() == 0.0);
            if integers && distinct.len() <= 2 {
                (Task::Classification, format!("the target has {} integer values", distinct.len()))
            } else {
                (Task::Regression, "the target is numeric".into())
            }
        }
    }
}

/// A progress bar over the iterations of fitting, on stderr when it is a terminal.
fn progress_bar(quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(format!("training {what}"));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}

/// Fits `estimator` on `data` with a progress bar.
fn fit(estimator: &dyn Estimator, data: &TrainData<'_>, quiet: bool, name: &str) -> Result<Box<dyn Model>> {
    let bar = progress_bar(quiet, name);
    let mut cb = |p: &Progress<'_>| {
        if let Some(t) = p.total {
            bar.set_length(t as u64);
        }
        bar.set_position(p.iteration as u64 + 1);
        std::ops::ControlFlow::Continue(())
    };
    let mut ctx = FitContext { callback: Some(&mut cb), ..Default::default() };
    let model = estimator.fit_with(data, &mut ctx);
    drop(ctx);
    bar.finish_and_clear();
    Ok(model?)
}

pub fn run(a: TrainArgs) -> Result<()> {
    let entry = find(&a.model)?;
    let params = key_values(&a.set)?;
    let estimator = (entry.build_from_strs)(&params)?;
    let table = read_table(&a.data, &read_options(&a.read)?)?;
    let declared = estimator.task();
    let Some(target_name) = a.target.clone() else {
        anyhow::ensure!(
            declared.is_some_and(|t| !t.supervised()),
            "'{}' learns from a target: name its column with --target",
            entry.name
        );
        return train_unsupervised(&a, entry, estimator, table);
    };
    let (mut rest, mut target_col) = table.split_off(&target_name)?;
    if a.drop_missing_target {
        let keep: Vec<usize> = (0..target_col.len()).filter(|&i| !target_col.is_missing(i)).collect();
        if keep.len() < target_col.len() {
            eprintln!("dropped {} row(s) with a missing target", target_col.len() - keep.len());
            rest = rest.take(&keep);
            target_col = target_col.take(&keep);
        }
    }
    let x = select_features(rest, &a.features, Some(&target_name))?;
    let task = match declared {
        Some(t) => t,
        None => {
            let (t, why) = task_from_target(&target_col);
            eprintln!("task: {t} ({why}; set the objective to choose otherwise)");
            t
        }
    };
    anyhow::ensure!(
        task.supervised(),
        "'{}' is a {task} model and learns without a target; leave out --target",
        entry.name
    );
    let (y, target_info) = target_for(task, &target_col)?;
    let n = x.n_rows();
    let (train_idx, test_idx) = if a.test_size > 0.0 {
        let strata = match &y {
            Target::Labels(l) if l.counts().iter().all(|&c| c >= 2) => Some(l.codes().to_vec()),
            _ => None,
        };
        ironlearn_metrics::train_test_split(n, a.test_size, a.seed, strata.as_deref())?
    } else {
        ((0..n).collect(), Vec::new())
    };
    let (x_train, y_train) = (x.take(&train_idx), y.take(&train_idx));
    let pipeline = auto_pipeline(entry, estimator, &x.schema())?;
    let steps: Vec<&str> = pipeline.steps().iter().map(|(s, _)| s.as_str()).collect();
    let started = Instant::now();
    let mut fitted = fit(&pipeline, &TrainData::supervised(Features::Table(&x_train), &y_train), a.quiet, entry.name)?;
    let mut seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "trained {} on {} rows x {} columns in {seconds:.2}s (pipeline: {})",
        entry.name,
        train_idx.len(),
        x.n_cols(),
        steps.join(" -> ")
    );
    let mut held_out = Vec::new();
    if !test_idx.is_empty() {
        let m = metrics(fitted.as_ref(), &x.take(&test_idx), &y.take(&test_idx))?;
        print_metrics(&format!("held-out metrics ({})", rows(test_idx.len())), &m, a.json)?;
        held_out = m;
    }
    let (mut seen_x, mut seen_y) = (x_train, y_train);
    if !test_idx.is_empty() && !a.no_refit {
        // As GridSearchCV's refit: the saved model learns from every row.
        let started = Instant::now();
        fitted = fit(&pipeline, &TrainData::supervised(Features::Table(&x), &y), a.quiet, entry.name)?;
        seconds = started.elapsed().as_secs_f64();
        eprintln!("refit on all {} (--no-refit keeps the model of the training split)", rows(n));
        (seen_x, seen_y) = (x, y);
    }
    let mut file = ModelFile::from_model(fitted.as_ref())?;
    file.set_metrics(held_out.into_iter().map(|(k, v)| (format!("holdout_{k}"), v)));
    file.set_metrics([("train_seconds".to_string(), seconds)]);
    file.header.schema = seen_x.schema();
    file.header.target = Some(target_info);
    file.header.train_rows = Some(seen_x.n_rows() as u64);
    let mut fp = Fingerprint::new();
    fp.features(Features::Table(&seen_x)).target(&seen_y);
    file.header.data_fingerprint = Some(fp.finish());
    file.save(&a.out)?;
    eprintln!("saved {} (fitted on {})", a.out.display(), rows(seen_x.n_rows()));
    Ok(())
}

/// "1 row", "2 rows".
pub(crate) fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{n} rows")
    }
}

fn select_features(x: Table, features: &[String], target: Option<&str>) -> Result<Table> {
    if let Some(t) = target {
        anyhow::ensure!(!features.iter().any(|f| f == t), "'{t}' is the target; remove it from --features");
    }
    let x = if features.is_empty() { x } else { x.select(features)? };
    anyhow::ensure!(x.n_cols() > 0, "there are no feature columns to learn from");
    Ok(x)
}

/// Clustering, transformers and outlier detection: fitted on every row, scored on the same rows.
fn train_unsupervised(
    a: &TrainArgs,
    entry: &ironlearn_pipeline::Entry,
    estimator: Box<dyn Estimator>,
    table: Table,
) -> Result<()> {
    let x = select_features(table, &a.features, None)?;
    let pipeline = auto_pipeline(entry, estimator, &x.schema())?;
    let started = Instant::now();
    let fitted = fit(&pipeline, &TrainData::new(Features::Table(&x)), a.quiet, entry.name)?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("trained {} on {} x {} columns in {seconds:.2}s", entry.name, rows(x.n_rows()), x.n_cols());
    let mut file = ModelFile::from_model(fitted.as_ref())?;
    if fitted.task() == Task::Clustering {
        let m = cluster_metrics(fitted.as_ref(), &x)?;
        print_metrics(&format!("training metrics ({})", rows(x.n_rows())), &m, a.json)?;
        file.set_metrics(m);
    }
    file.set_metrics([("train_seconds".to_string(), seconds)]);
    file.header.schema = x.schema();
    file.header.target = None;
    file.header.train_rows = Some(x.n_rows() as u64);
    let mut fp = Fingerprint::new();
    fp.features(Features::Table(&x));
    file.header.data_fingerprint = Some(fp.finish());
    file.save(&a.out)?;
    eprintln!("saved {}", a.out.display());
    Ok(())
}
