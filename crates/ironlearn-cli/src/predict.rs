//! `ironlearn predict` and `ironlearn evaluate`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use ironlearn_core::{Column, Features, Prediction, Table};
use ironlearn_data::{read_table, write_table};

use crate::train::{metrics, print_metrics, read_options, target_for, ReadArgs};

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
    /// Print metrics as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
}

fn load(path: &PathBuf) -> Result<ironlearn_pipeline::Loaded> {
    Ok(ironlearn_pipeline::load(path)?)
}

pub fn run_predict(a: PredictArgs) -> Result<()> {
    let loaded = load(&a.model)?;
    let table = read_table(&a.data, &read_options(&a.read)?)?;
    let x = table.conform(&loaded.header.schema).with_context(|| format!("{}", a.data.display()))?;
    let model = loaded.model.as_ref();
    let mut columns = Vec::new();
    match model.predict_data(Features::Table(&x))? {
        Prediction::Values(v) => columns.push(Column::numeric("prediction", v.to_vec())),
        Prediction::Labels(l) => {
            let texts: Vec<Option<String>> = l.to_strings().into_iter().map(Some).collect();
            columns.push(Column::categorical("prediction", &texts));
            let proba = model.predict_proba_data(Features::Table(&x))?;
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
    eprintln!("wrote {} predictions to {}", x.n_rows(), a.out.display());
    Ok(())
}

pub fn run_evaluate(a: EvaluateArgs) -> Result<()> {
    let loaded = load(&a.model)?;
    if loaded.model.task() == ironlearn_core::Task::Clustering {
        let table = read_table(&a.data, &read_options(&a.read)?)?;
        let x = table.conform(&loaded.header.schema)?;
        let m = crate::train::cluster_metrics(loaded.model.as_ref(), &x)?;
        return print_metrics(
            &format!("metrics on {} ({})", a.data.display(), crate::train::rows(x.n_rows())),
            &m,
            a.json,
        );
    }
    let info =
        loaded.header.target.clone().context("the model file does not describe a target; it cannot be evaluated")?;
    let name = a.target.or(info.name.clone()).context("name the target column with --target")?;
    let table = read_table(&a.data, &read_options(&a.read)?)?;
    let target = table.column(&name)?.clone();
    let x = table.conform(&loaded.header.schema)?;
    let (y, _) = target_for(info.task, &target)?;
    let m = metrics(loaded.model.as_ref(), &x, &y)?;
    print_metrics(&format!("metrics on {} ({} rows)", a.data.display(), x.n_rows()), &m, a.json)
}
