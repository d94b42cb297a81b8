//! `ironlearn info` and `ironlearn models`.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use ironlearn_core::ModelFile;
use serde_json::Value;

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The model file.
    model: PathBuf,
    /// Print the whole header as JSON instead of a summary.
    #[arg(long)]
    json: bool,
    /// Print the model itself as text (a decision tree's rules) after the summary.
    #[arg(long, conflicts_with = "json")]
    text: bool,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// Print as JSON (names, tasks, capability tags and every parameter's domain).
    #[arg(long)]
    json: bool,
}

/// A JSON value as people write it: `0.1`, `gbdt`, `[1, 2]`.
pub(crate) fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// Parameters as `name=value`, in declaration order of the header.
pub(crate) fn params_text(params: &Value) -> String {
    match params {
        Value::Object(m) => m.iter().map(|(k, v)| format!("{k}={}", plain(v))).collect::<Vec<_>>().join(", "),
        other => plain(other),
    }
}

pub fn run_info(a: InfoArgs) -> Result<()> {
    let file = ModelFile::load(&a.model)?;
    let arrays: Vec<Value> = file
        .arrays
        .iter()
        .map(|(name, arr)| serde_json::json!({ "name": name, "dtype": arr.data.dtype_name(), "shape": arr.shape }))
        .collect();
    if a.json {
        let mut header = serde_json::to_value(&file.header)?;
        header["arrays"] = arrays.into();
        return crate::emit(&(serde_json::to_string_pretty(&header)? + "\n"));
    }
    let h = &file.header;
    let mut out = String::new();
    writeln!(
        out,
        "{}: a '{}' model (format {}, ironlearn {}, {})",
        a.model.display(),
        h.kind,
        h.format_version,
        h.library_version,
        h.created
    )?;
    match &h.target {
        Some(t) => {
            let classes = t.classes.as_ref().map_or(String::new(), |c| format!(", classes: {}", c.join(", ")));
            writeln!(out, "target:   {} ({}{classes})", t.name.as_deref().unwrap_or("unnamed"), t.task)?;
        }
        None => writeln!(out, "target:   none (learned without one)")?,
    }
    let fields: Vec<String> = h
        .schema
        .fields
        .iter()
        .map(|f| match &f.dtype {
            ironlearn_core::DType::Categorical { categories } => {
                format!("{} (categorical, {} levels)", f.name, categories.len())
            }
            _ => f.name.clone(),
        })
        .collect();
    writeln!(out, "features: {} — {}", fields.len(), fields.join(", "))?;
    if let Some(n) = h.train_rows {
        writeln!(out, "fitted on: {}", crate::train::rows(n as usize))?;
    }
    writeln!(out, "params:   {}", params_text(&h.params))?;
    if !h.metrics.is_empty() {
        let m: Vec<String> = h.metrics.iter().map(|(k, v)| format!("{k}={v:.6}")).collect();
        writeln!(out, "metrics:  {}", m.join(", "))?;
    }
    let total: usize = file.arrays.iter().map(|(_, a)| a.data.len()).sum();
    writeln!(out, "arrays:   {} holding {total} values", file.arrays.len())?;
    if let Some(d) = &h.digest {
        writeln!(out, "digest:   {d}")?;
    }
    if a.text {
        // Rebuilt from the file (its checksum checked again), then written out with the schema's column names.
        let loaded = ironlearn_pipeline::load(&a.model)?;
        let names: Vec<String> = h.schema.fields.iter().map(|f| f.name.clone()).collect();
        writeln!(out)?;
        out.push_str(&loaded.model.text(&names, &Value::Null)?);
    } else {
        writeln!(out, "(--json prints the whole header; --text the model itself, where it has a text form)")?;
    }
    crate::emit(&out)
}

pub fn run_models(a: ModelsArgs) -> Result<()> {
    let entries = ironlearn_pipeline::registry();
    if a.json {
        let all: Vec<Value> = entries.iter().map(|e| e.describe()).collect();
        return crate::emit(&(serde_json::to_string_pretty(&all)? + "\n"));
    }
    let mut out = String::new();
    for e in entries {
        let task = e.tags.task.map_or("regression or classification (from the target)".to_string(), |t| t.to_string());
        writeln!(out, "{}  [{task}]  {}", e.name, e.summary())?;
        if !e.aliases.is_empty() {
            writeln!(out, "  aliases: {}", e.aliases.join(", "))?;
        }
        for s in (e.specs)() {
            let accepts = if s.accepts.is_empty() { String::new() } else { format!(" ({})", s.accepts) };
            let aliases =
                if s.aliases.is_empty() { String::new() } else { format!(" [aliases: {}]", s.aliases.join(", ")) };
            writeln!(out, "    {:<26} default {}{accepts}{aliases}", s.name, plain(&s.default))?;
            writeln!(out, "    {:<26} {}", "", s.doc)?;
        }
        writeln!(out)?;
    }
    crate::emit(&out)
}
