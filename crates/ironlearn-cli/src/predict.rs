//! `ironlearn predict` and `ironlearn evaluate`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ironlearn_core::{Column, ColumnData, DType, Features, Prediction, Schema, Table, Task, MISSING};
use ironlearn_data::write_table;

use crate::input::{check_output, read_data, ReadArgs};
use crate::rows::Places;
use crate::train::{metrics, print_metrics, ranking_metrics, rows, target_for, GROUP_COLUMN};

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// The data to predict (.csv, .tsv or .parquet); extra columns are ignored.
    #[arg(long)]
    data: PathBuf,
    /// Where to write predictions (.csv or .parquet).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// Labelled data (.csv, .tsv or .parquet) holding the model's target column.
    #[arg(long)]
    data: PathBuf,
    /// The target column, if it is named differently than in training.
    #[arg(long)]
    target: Option<String>,
    /// A ranker's column of query ids, if it is named differently than in training.
    #[arg(long, value_name = "COLUMN")]
    group: Option<String>,
    /// Print metrics as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
}

fn load(path: &PathBuf) -> Result<ironlearn_pipeline::Loaded> {
    Ok(ironlearn_pipeline::load(path)?)
}

/// `table`'s columns as the model's schema has them, with a warning on
/// stderr for each categorical column holding levels the model never saw:
/// a typo or a new category is predicted as an unknown level, which is rarely
/// what was meant. Rows are named by `places`.
fn conform(table: &Table, schema: &Schema, places: &Places) -> Result<Table> {
    let x = table.conform(schema).map_err(|e| places.locate_or_name(e))?;
    for (field, column) in schema.fields.iter().zip(x.columns()) {
        let (DType::Categorical { categories }, ColumnData::Categorical { codes, levels }) =
            (&field.dtype, &column.data)
        else {
            continue;
        };
        let known = categories.len() as u32;
        let mut used = vec![0usize; levels.len()];
        codes.iter().filter(|&&c| c != MISSING && c >= known).for_each(|&c| used[c as usize] += 1);
        let unseen: Vec<&str> = levels.iter().zip(&used).filter(|(_, &n)| n > 0).map(|(l, _)| l.as_str()).collect();
        let Some(first) = codes.iter().position(|&c| c != MISSING && c >= known) else {
            continue;
        };
        let numbers = matches!(table.column(&field.name).map(|c| &c.data), Ok(ColumnData::Numeric(_)));
        eprintln!(
            "ironlearn: warning: column '{}' holds {} {} the model never saw in training, in {} \
             (the first at {}){}; they are predicted as an unknown level: check the spelling, \
             or retrain on data that has them",
            field.name,
            if unseen.len() == 1 { "level".to_string() } else { format!("{} levels", unseen.len()) },
            crate::target::listed(&unseen),
            rows(used.iter().sum()),
            places.name(first),
            if numbers { " (it holds numbers now; in training it held text)" } else { "" }
        );
    }
    Ok(x)
}

pub fn run_predict(a: PredictArgs) -> Result<()> {
    // Before any work: an output that cannot be written, or that is an input, fails now.
    ironlearn_data::Format::of(&a.out)?;
    check_output(&a.out, &[&a.data, &a.model])?;
    let loaded = load(&a.model)?;
    let (table, places) = read_data(&a.data, &a.read)?;
    let x = conform(&table, &loaded.header.schema, &places)?;
    let model = loaded.model.as_ref();
    let mut columns = Vec::new();
    if model.task() == Task::Neighbors {
        // An index predicts nothing: each row's nearest training rows (from 0) and their distances.
        let (dist, ind) = model.kneighbors_data(Some(Features::Table(&x)), None).map_err(|e| places.locate(e))?;
        for k in 0..ind.ncols() {
            columns.push(Column::numeric(format!("neighbor_{k}"), ind.column(k).iter().map(|&i| i as f64).collect()));
            columns.push(Column::numeric(format!("distance_{k}"), dist.column(k).to_vec()));
        }
        write_table(&a.out, &Table::new(columns)?)?;
        eprintln!("wrote the neighbours of {} to {}", rows(x.n_rows()), a.out.display());
        return Ok(());
    }
    match model.predict_data(Features::Table(&x)).map_err(|e| places.locate(e))? {
        Prediction::Values(v) => columns.push(Column::numeric("prediction", v.to_vec())),
        Prediction::Labels(l) => {
            let texts: Vec<Option<String>> = l.to_strings().into_iter().map(Some).collect();
            columns.push(Column::categorical("prediction", &texts));
            let proba = model.predict_proba_data(Features::Table(&x)).map_err(|e| places.locate(e))?;
            for (k, class) in l.classes().iter().enumerate() {
                columns.push(Column::numeric(format!("proba_{class}"), proba.column(k).to_vec()));
            }
        }
        Prediction::Matrix(m) => {
            for (k, col) in m.columns().into_iter().enumerate() {
                columns.push(Column::numeric(format!("prediction_{k}"), col.to_vec()));
            }
        }
        Prediction::Clusters(c) => columns.push(Column::numeric("cluster", c.iter().map(|&v| v as f64).collect())),
        Prediction::Outliers(o) => {
            columns.push(Column::numeric("inlier", o.iter().map(|&v| v as f64).collect()));
            if let Ok(s) = model.score_samples_data(Features::Table(&x)) {
                columns.push(Column::numeric("score", s.to_vec()));
            }
        }
    }
    write_table(&a.out, &Table::new(columns)?)?;
    let n = x.n_rows();
    eprintln!(
        "wrote {} to {}",
        if n == 1 { "1 prediction".into() } else { format!("{n} predictions") },
        a.out.display()
    );
    Ok(())
}

pub fn run_evaluate(a: EvaluateArgs) -> Result<()> {
    let loaded = load(&a.model)?;
    let title = |n: usize| format!("metrics on {} ({})", a.data.display(), rows(n));
    if loaded.model.task() == Task::Clustering {
        let (table, places) = read_data(&a.data, &a.read)?;
        let x = conform(&table, &loaded.header.schema, &places)?;
        let labels = crate::train::cluster_labels(loaded.model.as_ref(), &x, &places)?;
        let m = crate::train::cluster_metrics(loaded.model.as_ref(), &x, &labels)?;
        return print_metrics(&title(x.n_rows()), &m, a.json);
    }
    let info =
        loaded.header.target.clone().context("the model file does not describe a target; it cannot be evaluated")?;
    let name = a.target.or(info.name.clone()).context("name the target column with --target")?;
    let (table, places) = read_data(&a.data, &a.read)?;
    let target = table.column(&name).map_err(|e| crate::input::column_error(e, &table.names()))?.clone();
    let x = conform(&table, &loaded.header.schema, &places)?;
    crate::target::check_present(&target, &places, crate::target::Command::Evaluate)?;
    crate::target::check_stray_text(&target, &places, crate::target::Command::Evaluate)?;
    if let (Task::Classification, Some(classes)) = (info.task, &info.classes) {
        crate::target::check_known_labels(&target, classes)?;
    }
    let ranker = info.task == Task::Ranking || loaded.model.task() == Task::Ranking;
    let (y, _) = target_for(if ranker { Task::Ranking } else { info.task }, &target, &places)?;
    let m = if ranker {
        let saved = loaded.header.extensions.get(GROUP_COLUMN).and_then(|v| v.as_str()).map(String::from);
        let group = a.group.or(saved).context("a ranker is scored per query: name the query id column with --group")?;
        let sizes = crate::ranking::query_sizes(table.column(&group)?, &places)?;
        ranking_metrics(loaded.model.as_ref(), &x, &y, &sizes, &places)?
    } else {
        metrics(loaded.model.as_ref(), &x, &y, &places)?
    };
    print_metrics(&title(x.n_rows()), &m, a.json)
}
