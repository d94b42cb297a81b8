//! `ironlearn train`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ironlearn_core::fingerprint::Fingerprint;
use ironlearn_core::{
    Attribute, Error, Estimator, Features, FitContext, Labels, Model, ModelFile, Prediction, Progress, Table, Target,
    TargetInfo, Task, TrainData,
};
use ironlearn_pipeline::{auto_pipeline, find, Entry};

use crate::input::{check_model_output, column_error, read_data, ReadArgs};
use crate::ranking::{self, NDCG_AT};
use crate::rows::Places;
use crate::target;

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
    /// A network's architecture, read from a JSON file (the `spec` parameter of `--model nn`).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Feature columns, comma-separated (default: every other column).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Ranking (objective=lambdarank): the column of query ids; consecutive rows with
    /// the same id form one query. It is not used as a feature.
    #[arg(long, value_name = "COLUMN")]
    group: Option<String>,
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

/// The `--set` pairs; a parameter set twice, by its name or an alias
/// (`n_estimators` and `num_iterations`), is refused rather than the last one silently winning.
fn key_values(entry: &Entry, set: &[String]) -> Result<Vec<(String, String)>> {
    let specs = (entry.specs)();
    let canonical = |k: &str| ironlearn_core::params::find_spec(&specs, k).map_or(k.to_string(), |s| s.name.into());
    let mut seen: Vec<(String, &str)> = Vec::new();
    set.iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').with_context(|| format!("--set '{kv}' must look like key=value"))?;
            let (k, v) = (k.trim(), v.trim());
            let name = canonical(k);
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                let same = if *first == k { String::new() } else { format!(" (as '{first}' and as '{k}')") };
                anyhow::bail!("parameter '{name}' is given twice{same} with --set; keep one --set {name}=...");
            }
            seen.push((name, k));
            Ok((k.to_string(), v.to_string()))
        })
        .collect()
}

/// The target as the task needs it, with the model file's description of it;
/// rows are named by `places`.
pub(crate) fn target_for(task: Task, column: &ironlearn_core::Column, places: &Places) -> Result<(Target, TargetInfo)> {
    Ok(match task {
        Task::Classification => {
            let labels = Labels::from_column(column).map_err(|e| places.locate(e))?;
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
            Target::Values(ironlearn_core::target_values(column).map_err(|e| places.locate(e))?),
            TargetInfo {
                name: Some(column.name.clone()),
                task: if task == Task::Ranking { Task::Ranking } else { Task::Regression },
                classes: None,
                dtype: Some("float64".into()),
            },
        ),
    })
}

/// Held-out metrics of a fitted model; rows of `x` are named by `places`.
pub(crate) fn metrics(model: &dyn Model, x: &Table, y: &Target, places: &Places) -> Result<Vec<(String, f64)>> {
    let pred = model.predict_data(Features::Table(x)).map_err(|e| places.locate(e))?;
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

/// The cluster of each row of `x`, whose rows are named by `places`.
pub(crate) fn cluster_labels(model: &dyn Model, x: &Table, places: &Places) -> Result<Vec<i64>> {
    match model.predict_data(Features::Table(x)).map_err(|e| places.locate(e))? {
        Prediction::Clusters(labels) => Ok(labels.to_vec()),
        _ => anyhow::bail!("a '{}' model does not assign clusters", model.kind()),
    }
}

/// Inertia (from the model's cluster centres) and silhouette of a clustering
/// of `x` into `labels`.
pub(crate) fn cluster_metrics(model: &dyn Model, x: &Table, labels: &[i64]) -> Result<Vec<(String, f64)>> {
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

/// Warns, as scikit-learn does, when a clustering found fewer distinct
/// clusters than it has centres: duplicate points leave some centres equal.
fn warn_fewer_clusters(model: &dyn Model, labels: &[i64]) {
    let centres = model.attributes().into_iter().find(|(n, _)| n == "cluster_centers_");
    let Some((_, Attribute::Array(c))) = centres else { return };
    let n_clusters = c.shape().first().copied().unwrap_or(0);
    let mut distinct: Vec<i64> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < n_clusters {
        eprintln!(
            "ironlearn: warning: Number of distinct clusters ({}) found smaller than n_clusters ({n_clusters}), \
             possibly due to duplicate points in the data; lower n_clusters (--set n_clusters={})",
            distinct.len(),
            distinct.len()
        );
    }
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
                let values = if distinct.len() == 1 {
                    "1 integer value".into()
                } else {
                    format!("{} integer values", distinct.len())
                };
                (Task::Classification, format!("the target has {values}"))
            } else {
                (Task::Regression, "the target is numeric".into())
            }
        }
    }
}

/// How long fitting runs before its progress bar appears: short work stays quiet.
const BAR_AFTER: Duration = Duration::from_secs(1);

/// Whether `train` may draw a progress bar: not with `--quiet`, and only on a
/// terminal (indicatif's stderr target would also hide itself elsewhere; this
/// says so where it is decided).
fn bar_allowed(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// Fits `estimator` on `data`, whose rows are named by `places`; an
/// iterative estimator's rounds, epochs or iterations drive a progress bar on
/// stderr once fitting has taken [`BAR_AFTER`].
fn fit(
    estimator: &dyn Estimator,
    data: &TrainData<'_>,
    places: &Places,
    quiet: bool,
    what: &str,
) -> Result<Box<dyn Model>> {
    fit_validated(estimator, (data, places), None, quiet, what)
}

/// Fewer held-out rows than this give metrics that say little, and a warning.
const MIN_HELD_OUT: usize = 5;

/// The name of the held-out rows when they are a validation set.
const HOLDOUT: &str = "holdout";

/// Fits with a progress bar; a validation set, when given, is scored every
/// iteration by estimators that take one (the bar shows its first metric),
/// and drives their early stopping.
fn fit_validated(
    estimator: &dyn Estimator,
    (data, places): (&TrainData<'_>, &Places),
    valid: Option<(TrainData<'_>, &Places)>,
    quiet: bool,
    what: &str,
) -> Result<Box<dyn Model>> {
    let allowed = bar_allowed(quiet);
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_message(what.to_string());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut shown = false;
    let mut cb = |p: &Progress<'_>| {
        if allowed && !shown && started.elapsed() >= BAR_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        if let Some(t) = p.total {
            bar.set_length(t as u64);
        }
        if let Some((data, metric, value, _)) = p.evals.first() {
            bar.set_message(format!("{what} ({data} {metric} {value:.6})"));
        }
        bar.set_position(p.iteration as u64 + 1);
        std::ops::ControlFlow::Continue(())
    };
    let mut ctx = FitContext { callback: Some(&mut cb), ..Default::default() };
    if let Some((v, _)) = valid.as_ref().filter(|_| estimator.tags().validation) {
        // A shorter lifetime than the caller's, the callback's.
        ctx.valid.push((HOLDOUT.to_string(), TrainData { x: v.x.reborrow(), ..*v }));
    }
    let model = estimator.fit_with(data, &mut ctx);
    drop(ctx);
    bar.finish_and_clear();
    model.map_err(|e| places.locate_in(e, valid.as_ref().map(|(_, p)| (HOLDOUT, *p))))
}

/// The rounds early stopping kept, when it stopped a model whose estimator counts rounds in `n_estimators`.
fn early_stopped_rounds(model: &dyn Model) -> Option<usize> {
    let best = model.attributes().into_iter().find(|(n, _)| n == "best_iteration_");
    match best {
        Some((_, ironlearn_core::Attribute::Number(b))) if b >= 1.0 => Some(b as usize),
        _ => None,
    }
}

/// The estimator `--set` asks for; a failure that names the model rather
/// than a parameter is traced to the `--set` that causes it.
fn build(entry: &Entry, params: &[(String, String)]) -> Result<Box<dyn Estimator>> {
    (entry.build_from_strs)(params).map_err(|e| {
        if let Error::Param { name, message } = &e {
            let culprit = params.iter().find(|kv| (entry.build_from_strs)(std::slice::from_ref(*kv)).is_err());
            if let (true, Some((k, v))) = (name == entry.name, culprit) {
                let message = message.strip_prefix("invalid parameters: ").unwrap_or(message);
                return anyhow::anyhow!("parameter '{k}' (--set {k}={v}): {message}");
            }
        }
        e.into()
    })
}

/// How to ask `entry` for a regression instead of a classification.
fn regression_hint(entry: &Entry) -> String {
    if (entry.specs)().iter().any(|s| s.name == "objective") {
        "for a numeric target use a regression objective (--set objective=regression)".into()
    } else {
        format!("'{}' is a classifier: for a numeric target use a regressor such as ridge or gbdt", entry.name)
    }
}

pub fn run(a: TrainArgs) -> Result<()> {
    let entry = find(&a.model)?;
    let mut params = key_values(entry, &a.set)?;
    if let Some(path) = &a.spec {
        anyhow::ensure!(
            (entry.specs)().iter().any(|s| s.name == "spec"),
            "--spec gives a network architecture, and '{}' takes none; use --model nn",
            entry.name
        );
        anyhow::ensure!(
            !params.iter().any(|(k, _)| k == "spec"),
            "the spec is given twice: by --spec and by --set spec=..."
        );
        let text = std::fs::read_to_string(path).with_context(|| format!("--spec {}", path.display()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("--spec {}: not JSON", path.display()))?;
        // `{"layers": [...]}` or the bare list: the parameter holds the list.
        let layers = value.get("layers").cloned().unwrap_or(value);
        params.push(("spec".into(), layers.to_string()));
    }
    let estimator = build(entry, &params)?;
    anyhow::ensure!((0.0..1.0).contains(&a.test_size), "--test-size must be in [0, 1), got {}", a.test_size);
    // Before any reading or training: a bad --out fails now, not after minutes of work.
    check_model_output(&a.out, &[&a.data])?;
    let declared = estimator.task();
    match (&a.group, declared == Some(Task::Ranking)) {
        (None, true) => anyhow::bail!(
            "'{}' with these parameters ranks rows within queries: name the column of query ids with --group COLUMN",
            entry.name
        ),
        (Some(g), false) => anyhow::bail!(
            "--group {g} gives query groups to a ranking objective, and '{}' does not rank; \
             for ranking use --model gbdt --set objective=lambdarank",
            entry.name
        ),
        _ => {}
    }
    let (table, mut places) = read_data(&a.data, &a.read)?;
    let Some(target_name) = a.target.clone() else {
        anyhow::ensure!(
            declared.is_some_and(|t| !t.supervised()),
            "'{}' learns from a target: name its column with --target",
            entry.name
        );
        return train_unsupervised(&a, entry, estimator, table, &places);
    };
    let names = table.names();
    let (mut rest, mut target_col) = table.split_off(&target_name).map_err(|e| column_error(e, &names))?;
    let mut group_col = match &a.group {
        Some(g) => {
            anyhow::ensure!(g != &target_name, "--group {g} is the target; name the column of query ids");
            anyhow::ensure!(!a.features.contains(g), "'{g}' holds the query ids (--group); remove it from --features");
            let (r, c) = rest.split_off(g)?;
            rest = r;
            Some(c)
        }
        None => None,
    };
    if a.drop_missing_target {
        let keep: Vec<usize> = (0..target_col.len()).filter(|&i| !target_col.is_missing(i)).collect();
        anyhow::ensure!(
            !keep.is_empty(),
            "the target '{target_name}' is missing in every row, so --drop-missing-target leaves nothing to train on; \
             is --target the right column?"
        );
        if keep.len() < target_col.len() {
            eprintln!("dropped {} with a missing target", rows(target_col.len() - keep.len()));
            rest = rest.take(&keep);
            target_col = target_col.take(&keep);
            group_col = group_col.map(|c| c.take(&keep));
            places = places.take(&keep);
        }
    }
    check_params_name_features(entry, &params, &target_name, a.group.as_deref())?;
    let x = select_features(rest, &a.features, Some(&target_name))?;
    check_feature_columns(&x, &names)?;
    let n = x.n_rows();
    anyhow::ensure!(n >= 2, "there is {} to train on; a model needs at least 2", rows(n));
    target::check_present(&target_col, &places, target::Command::Train)?;
    target::check_stray_text(&target_col, &places, target::Command::Train)?;
    let task = match declared {
        Some(t) => t,
        None => {
            let (t, why) = task_from_target(&target_col);
            // The parameter that chooses the task: the booster's objective, a network's task.
            let choose = if (entry.specs)().iter().any(|s| s.name == "objective") { "the objective" } else { "task" };
            eprintln!("task: {t} ({why}; set {choose} to choose otherwise)");
            t
        }
    };
    anyhow::ensure!(
        task.supervised(),
        "'{}' is a {task} model and learns without a target; leave out --target",
        entry.name
    );
    target::check_learnable(&target_col, task, &regression_hint(entry))?;
    let (y, target_info) = target_for(task, &target_col, &places)?;
    let groups = group_col.as_ref().map(|g| ranking::query_sizes(g, &places)).transpose()?;
    let split = if a.test_size == 0.0 {
        None
    } else if let Some(sizes) = &groups {
        Some(ranking::split_queries(sizes, a.test_size, a.seed)?)
    } else {
        let strata = match &y {
            Target::Labels(l) => {
                target::check_class_sizes(&target_name, l, &places)?;
                Some(l.codes().to_vec())
            }
            _ => None,
        };
        let (train, test) = ironlearn_metrics::train_test_split(n, a.test_size, a.seed, strata.as_deref())?;
        Some(ranking::QuerySplit { train, train_sizes: Vec::new(), test, test_sizes: Vec::new() })
    };
    if let Some(split) = split.as_ref().filter(|s| s.train.len() < 2) {
        anyhow::bail!(
            "with {}, --test-size {} leaves {} to train on; give a smaller --test-size or more rows, \
             or train on every row with --test-size 0",
            rows(n),
            a.test_size,
            rows(split.train.len())
        );
    }
    if let Some(split) = split.as_ref().filter(|s| s.test.len() < MIN_HELD_OUT) {
        eprintln!(
            "ironlearn: warning: with {}, --test-size {} holds out only {}: metrics on so few rows say little; \
             give a larger --test-size, or --test-size 0 to train on every row without held-out metrics",
            rows(n),
            a.test_size,
            rows(split.test.len())
        );
    }
    check_identifiers(entry, &x)?;
    let pipeline = auto_pipeline(entry, estimator, &x.schema())?;
    let steps: Vec<&str> = pipeline.steps().iter().map(|(s, _)| s.as_str()).collect();
    let what = format!("training {}", entry.name);
    let mut held_out = Vec::new();
    let mut fitted = None;
    let mut best_rounds: Option<usize> = None;
    let mut seconds = 0.0;
    if let Some(split) = &split {
        let (x_train, y_train) = (x.take(&split.train), y.take(&split.train));
        let data = TrainData {
            group: groups.is_some().then_some(split.train_sizes.as_slice()),
            ..TrainData::supervised(Features::Table(&x_train), &y_train)
        };
        let (x_test, y_test) = (x.take(&split.test), y.take(&split.test));
        let valid = TrainData {
            group: groups.is_some().then_some(split.test_sizes.as_slice()),
            ..TrainData::supervised(Features::Table(&x_test), &y_test)
        };
        let (train_places, test_places) = (places.take(&split.train), places.take(&split.test));
        let started = Instant::now();
        let model = fit_validated(&pipeline, (&data, &train_places), Some((valid, &test_places)), a.quiet, &what)?;
        seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "trained {} on {} x {} in {seconds:.2}s (pipeline: {})",
            entry.name,
            rows(split.train.len()),
            columns(x.n_cols()),
            steps.join(" -> ")
        );
        best_rounds = early_stopped_rounds(model.as_ref());
        held_out = match &groups {
            Some(_) => ranking_metrics(model.as_ref(), &x_test, &y_test, &split.test_sizes, &test_places)?,
            None => metrics(model.as_ref(), &x_test, &y_test, &test_places)?,
        };
        print_metrics(&format!("held-out metrics ({})", rows(split.test.len())), &held_out, a.json)?;
        if a.no_refit {
            fitted = Some((model, x_train, y_train));
        }
    }
    let (fitted, seen_x, seen_y) = match fitted {
        Some(f) => f,
        None => {
            // As GridSearchCV's refit: the saved model learns from every row.
            let data = TrainData { group: groups.as_deref(), ..TrainData::supervised(Features::Table(&x), &y) };
            let started = Instant::now();
            let what = if split.is_some() { format!("refitting {} on every row", entry.name) } else { what };
            // Early stopping on the held-out rows chose the number of rounds; the refit trains that many.
            let refit = match best_rounds {
                Some(best) => {
                    eprintln!("early stopping chose {best} rounds on the held-out rows; the refit trains {best}");
                    let key = format!("{}__n_estimators", entry.name);
                    Some(pipeline.with_params(&serde_json::Map::from_iter([(key, serde_json::json!(best))]))?)
                }
                None => None,
            };
            let model = fit(refit.as_deref().unwrap_or(&pipeline), &data, &places, a.quiet, &what)?;
            seconds = started.elapsed().as_secs_f64();
            if split.is_some() {
                eprintln!("refit on all {} (--no-refit keeps the model of the training split)", rows(n));
            } else {
                eprintln!(
                    "trained {} on {} x {} in {seconds:.2}s (pipeline: {})",
                    entry.name,
                    rows(n),
                    columns(x.n_cols()),
                    steps.join(" -> ")
                );
            }
            (model, x, y)
        }
    };
    warn_if_no_split(fitted.as_ref(), entry, seen_x.n_rows());
    let mut file = ModelFile::from_model(fitted.as_ref())?;
    file.set_metrics(held_out.into_iter().map(|(k, v)| (format!("holdout_{k}"), v)));
    file.set_metrics([("train_seconds".to_string(), seconds)]);
    file.header.schema = seen_x.schema();
    file.header.target = Some(target_info);
    file.header.train_rows = Some(seen_x.n_rows() as u64);
    if let Some(g) = &a.group {
        file.header.extensions.insert(GROUP_COLUMN.into(), g.clone().into());
    }
    let mut fp = Fingerprint::new();
    fp.features(Features::Table(&seen_x)).target(&seen_y);
    file.header.data_fingerprint = Some(fp.finish());
    file.save(&a.out)?;
    eprintln!("saved {} (fitted on {})", a.out.display(), rows(seen_x.n_rows()));
    Ok(())
}

/// Warns when a tree model made no split at all: it then predicts one value
/// for every row, which the metrics alone do not say.
fn warn_if_no_split(model: &dyn Model, entry: &Entry, rows: usize) {
    let importances = model.attributes().into_iter().find(|(n, _)| n == "feature_importances_");
    let Some((_, Attribute::Array(a))) = importances else { return };
    if a.is_empty() || a.iter().any(|&v| v != 0.0) {
        return;
    }
    let hint = if (entry.specs)().iter().any(|s| s.name == "min_data_in_leaf") {
        format!(
            " with {}, min_data_in_leaf (default 20) may allow no split: lower it (--set min_data_in_leaf=5)",
            self::rows(rows)
        )
    } else {
        String::new()
    };
    eprintln!(
        "ironlearn: warning: the model made no split: every tree is a single leaf, so every row gets the same prediction;{hint}"
    );
}

/// The model file extension naming a ranker's query id column, for `evaluate`.
pub(crate) const GROUP_COLUMN: &str = "group_column";

/// NDCG@5 of a ranker, the mean over the queries of `x` (sizes in row
/// order); rows of `x` are named by `places`.
pub(crate) fn ranking_metrics(
    model: &dyn Model,
    x: &Table,
    y: &Target,
    sizes: &[usize],
    places: &Places,
) -> Result<Vec<(String, f64)>> {
    let Prediction::Values(scores) = model.predict_data(Features::Table(x)).map_err(|e| places.locate(e))? else {
        anyhow::bail!("a '{}' model does not score rows", model.kind());
    };
    let scores = scores.to_vec();
    let ndcg = ranking::ndcg(y.values()?, &scores, sizes, NDCG_AT);
    Ok(vec![(format!("ndcg@{NDCG_AT}"), ndcg)])
}

/// "1 column", "2 columns".
fn columns(n: usize) -> String {
    counted(n, "column")
}

/// "1 row", "2 rows".
pub(crate) fn rows(n: usize) -> String {
    counted(n, "row")
}

/// `n` things, in the right number ("1 row", "2 rows").
fn counted(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Fails when a parameter that lists feature columns (`categorical_feature`)
/// names the target or the query id column, which are no features.
fn check_params_name_features(
    entry: &Entry,
    params: &[(String, String)],
    target: &str,
    group: Option<&str>,
) -> Result<()> {
    let specs = (entry.specs)();
    for (k, v) in params {
        let Some(spec) = ironlearn_core::params::find_spec(&specs, k) else { continue };
        if spec.name != "categorical_feature" {
            continue;
        }
        for name in v.split(',').map(str::trim) {
            let what = if name == target {
                "the target"
            } else if Some(name) == group {
                "the query id column (--group)"
            } else {
                continue;
            };
            anyhow::bail!(
                "parameter '{}' (--set {k}={v}) names '{name}', {what}, which is not a feature; \
                 list feature columns only",
                spec.name
            );
        }
    }
    Ok(())
}

/// Checks the feature columns: a column without a header name (the index pandas' `to_csv` writes) is refused, as
/// it would silently be learned from; one empty in every row is warned about.
/// `file_names` are the file's columns, in order, to say where one is.
fn check_feature_columns(x: &Table, file_names: &[String]) -> Result<()> {
    let others = |name: &str, joint: &str| -> String {
        let kept: Vec<String> = x.names().into_iter().filter(|c| c != name && !c.is_empty()).collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("{joint} leave it out with --features {}", kept.join(","))
        }
    };
    if x.names().iter().any(String::is_empty) {
        if let Some(i) = file_names.iter().position(|n| n.is_empty()) {
            anyhow::bail!(
                "column {} of the file has no name in the header (as the index pandas' to_csv writes), and would be \
                 learned from as a feature; drop it (write the file with df.to_csv(..., index=False)){}",
                i + 1,
                others("", ", or")
            );
        }
    }
    for column in x.columns() {
        if column.n_missing() == column.len() {
            eprintln!(
                "ironlearn: warning: the feature column '{}' is empty in every row: there is nothing to learn \
                 from it{}",
                column.name,
                others(&column.name, ";")
            );
        }
    }
    Ok(())
}

/// Fails on a text column holding about one value per row (an identifier)
/// when `entry` one-hot encodes text: it would make a column per row, too
/// large to hold and with nothing to say about new rows.
fn check_identifiers(entry: &Entry, x: &Table) -> Result<()> {
    if entry.tags.categorical {
        return Ok(());
    }
    let n = x.n_rows();
    for column in x.columns() {
        let ironlearn_core::ColumnData::Categorical { codes, levels } = &column.data else { continue };
        let mut used = vec![false; levels.len()];
        codes.iter().filter(|&&k| k != ironlearn_core::MISSING).for_each(|&k| used[k as usize] = true);
        let distinct = used.iter().filter(|&&u| u).count();
        if distinct > 50 && distinct * 10 >= n * 9 {
            let others: Vec<String> = x.names().into_iter().filter(|c| c != &column.name).collect();
            let fix = if others.is_empty() {
                "it is the only feature: give columns that describe the rows".to_string()
            } else {
                format!("leave it out with --features {}", others.join(","))
            };
            anyhow::bail!(
                "column '{}' holds {distinct} distinct values in {}, like an identifier; '{}' one-hot encodes \
                 text, which would make a column for each of them that says nothing about new rows: {fix}",
                column.name,
                rows(n),
                entry.name
            );
        }
    }
    Ok(())
}

fn select_features(x: Table, features: &[String], target: Option<&str>) -> Result<Table> {
    for (i, f) in features.iter().enumerate() {
        anyhow::ensure!(!features[..i].contains(f), "--features names '{f}' twice; name each column once");
    }
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
    entry: &Entry,
    estimator: Box<dyn Estimator>,
    table: Table,
    places: &Places,
) -> Result<()> {
    let names = table.names();
    let x = select_features(table, &a.features, None)?;
    check_feature_columns(&x, &names)?;
    anyhow::ensure!(x.n_rows() >= 2, "there is {} to train on; a model needs at least 2", rows(x.n_rows()));
    check_identifiers(entry, &x)?;
    let pipeline = auto_pipeline(entry, estimator, &x.schema())?;
    let started = Instant::now();
    let what = format!("training {}", entry.name);
    let fitted = fit(&pipeline, &TrainData::new(Features::Table(&x)), places, a.quiet, &what)?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("trained {} on {} x {} in {seconds:.2}s", entry.name, rows(x.n_rows()), columns(x.n_cols()));
    let mut file = ModelFile::from_model(fitted.as_ref())?;
    if fitted.task() == Task::Clustering {
        let labels = cluster_labels(fitted.as_ref(), &x, places)?;
        warn_fewer_clusters(fitted.as_ref(), &labels);
        let m = cluster_metrics(fitted.as_ref(), &x, &labels)?;
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
