//! `ironlearn info` and `ironlearn models`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use ironlearn_core::ModelFile;

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The model file.
    model: PathBuf,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run_info(a: InfoArgs) -> Result<()> {
    let file = ModelFile::load(&a.model)?;
    let mut header = serde_json::to_value(&file.header)?;
    let arrays: Vec<serde_json::Value> = file
        .arrays
        .iter()
        .map(|(name, arr)| serde_json::json!({ "name": name, "dtype": arr.data.dtype_name(), "shape": arr.shape }))
        .collect();
    header["arrays"] = arrays.into();
    crate::emit(&(serde_json::to_string_pretty(&header)? + "\n"))
}

pub fn run_models(a: ModelsArgs) -> Result<()> {
    let entries = ironlearn_pipeline::registry();
    if a.json {
        let all: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name, "aliases": e.aliases, "task": e.task, "summary": e.summary(), "params": (e.specs)()
                })
            })
            .collect();
        return crate::emit(&(serde_json::to_string_pretty(&all)? + "\n"));
    }
    use std::fmt::Write;
    let mut out = String::new();
    for e in entries {
        let task = e
            .task
            .map_or("regression or classification (from the target)".to_string(), |t| format!("{t:?}").to_lowercase());
        writeln!(out, "{}  [{task}]  {}", e.name, e.summary())?;
        if !e.aliases.is_empty() {
            writeln!(out, "  aliases: {}", e.aliases.join(", "))?;
        }
        for s in (e.specs)() {
            let accepts = if s.accepts.is_empty() { String::new() } else { format!(" ({})", s.accepts) };
            let aliases =
                if s.aliases.is_empty() { String::new() } else { format!(" [aliases: {}]", s.aliases.join(", ")) };
            writeln!(out, "    {:<26} default {}{accepts}{aliases}", s.name, s.default)?;
            writeln!(out, "    {:<26} {}", "", s.doc)?;
        }
        writeln!(out)?;
    }
    crate::emit(&out)
}
