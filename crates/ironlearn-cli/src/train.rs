//! `ironlearn train`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use ironlearn_core::fingerprint::Fingerprint;
use ironlearn_core::{Features, Labels, ModelFile, Prediction, Table, Target, TargetInfo, Task};
use ironlearn_data::{read_table, ColumnType, ReadOptions};
use ironlearn_pipeline::{auto_pipeline, find, FittedPipeline};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The training data (.csv, .tsv or .parquet).
    #[arg(long)]
    data: PathBuf,
    /// The column to predict.
    #[arg(long)]
    target: String,
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
pub(crate) fn metrics(model: &dyn ironlearn_core::Model, x: &Table, y: &Target) -> Result<Vec<(String, f64)>> {
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

pub fn run(a: TrainArgs) -> Result<()> {
    let entry = find(&a.model)?;
    let params = key_values(&a.set)?;
    let estimator = ironlearn_pipeline::build_from_strs(entry.name, &params)?;
    let table = read_table(&a.data, &read_options(&a.read)?)?;
    let (mut rest, mut target_col) = table.split_off(&a.target)?;
    if a.drop_missing_target {
        let keep: Vec<usize> = (0..target_col.len()).filter(|&i| !target_col.is_missing(i)).collect();
        if keep.len() < target_col.len() {
            eprintln!("dropped {} row(s) with a missing target", target_col.len() - keep.len());
            rest = rest.take(&keep);
            target_col = target_col.take(&keep);
        }
    }
    let x = if a.features.is_empty() { rest } else { rest.select(&a.features)? };
    anyhow::ensure!(x.n_cols() > 0, "there are no feature columns besides the target '{}'", a.target);
    let task =
        estimator.task().unwrap_or(if target_col.is_categorical() { Task::Classification } else { Task::Regression });
    anyhow::ensure!(
        task != Task::Transform,
        "'{}' is a transformer; train needs a regressor or classifier",
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
    let started = Instant::now();
    let fitted: Box<dyn ironlearn_core::Model> = if entry.name == "gbdt" {
        Box::new(train_booster(&params, &x_train, &y_train)?)
    } else {
        let spinner = indicatif::ProgressBar::new_spinner().with_message(format!("training {}", entry.name));
        spinner.enable_steady_tick(std::time::Duration::from_millis(100));
        let m = ironlearn_core::Estimator::fit_data(&pipeline, Features::Table(&x_train), Some(&y_train), None);
        spinner.finish_and_clear();
        m?
    };
    let seconds = started.elapsed().as_secs_f64();
    let steps: Vec<&str> = pipeline.steps().iter().map(|(s, _)| s.as_str()).collect();
    eprintln!(
        "trained {} on {} rows x {} columns in {seconds:.2}s (pipeline: {})",
        entry.name,
        train_idx.len(),
        x.n_cols(),
        steps.join(" -> ")
    );
    let mut file = ModelFile::from_model(fitted.as_ref())?;
    if !test_idx.is_empty() {
        let m = metrics(fitted.as_ref(), &x.take(&test_idx), &y.take(&test_idx))?;
        print_metrics(&format!("held-out metrics ({} rows)", test_idx.len()), &m, a.json)?;
        file.set_metrics(m.into_iter().map(|(k, v)| (format!("holdout_{k}"), v)));
    }
    file.set_metrics([("train_seconds".to_string(), seconds)]);
    file.header.schema = x.schema();
    file.header.target = Some(target_info);
    let mut fp = Fingerprint::new();
    fp.features(Features::Table(&x_train)).target(&y_train);
    file.header.data_fingerprint = Some(fp.finish());
    file.save(&a.out)?;
    eprintln!("saved {}", a.out.display());
    Ok(())
}

/// Trains the booster with a progress bar over boosting rounds.
fn train_booster(params: &[(String, String)], x: &Table, y: &Target) -> Result<FittedPipeline> {
    use ironlearn_core::Params;
    let p = ironlearn_boost::Gbdt::from_strs(params)?;
    let bar = indicatif::ProgressBar::new(p.n_estimators as u64).with_message("boosting");
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rounds ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut cb = |it: &ironlearn_boost::Iteration<'_>| {
        bar.set_position(it.iteration as u64 + 1);
        std::ops::ControlFlow::Continue(())
    };
    let data = ironlearn_boost::Dataset::new(Features::Table(x), y);
    let options = ironlearn_boost::TrainOptions { callback: Some(&mut cb), ..Default::default() };
    let model = ironlearn_boost::train(&p, &data, options)?;
    bar.finish_and_clear();
    Ok(FittedPipeline::new(vec![("gbdt".into(), Box::new(model))])?)
}
