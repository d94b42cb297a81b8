//! A tree's rules as text, in scikit-learn's `export_text` layout.
//!
//! A fitted tree is read by people more often than by programs (a model
//! review, a notebook cell, `ironlearn info --text`), and people who know
//! scikit-learn read its layout at a glance; so the text is the same,
//! character for character, for the same tree and options.

use ironlearn_core::{ensure, Result};
use serde_json::Value;

use super::builder::Tree;

/// How the rules are written (scikit-learn's `export_text` parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct TextOptions {
    /// Nodes deeper than this are summarised as a truncated branch.
    pub max_depth: usize,
    /// Indentation per level.
    pub spacing: usize,
    /// Digits after the point in thresholds and values.
    pub decimals: usize,
    /// Classifiers: each leaf's weighted class counts too.
    pub show_weights: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { max_depth: 10, spacing: 3, decimals: 2, show_weights: false }
    }
}

impl TextOptions {
    /// From a JSON object of any of the fields (the faces' options); unknown keys are an error.
    pub fn from_json(v: &Value) -> Result<TextOptions> {
        let mut o = TextOptions::default();
        let Some(map) = v.as_object() else { return Ok(o) };
        for (k, v) in map {
            let int = || v.as_u64().map(|n| n as usize);
            match k.as_str() {
                "max_depth" => o.max_depth = int().unwrap_or(o.max_depth),
                "spacing" => o.spacing = int().unwrap_or(o.spacing),
                "decimals" => o.decimals = int().unwrap_or(o.decimals),
                "show_weights" => o.show_weights = v.as_bool().unwrap_or(false),
                other => ironlearn_core::bail!(
                    InvalidValue,
                    "unknown text option '{other}'; the options are max_depth, spacing, decimals, show_weights"
                ),
            }
        }
        ensure!(o.spacing > 0, InvalidValue, "spacing must be > 0, given {}", o.spacing);
        Ok(o)
    }
}

/// The rules of `tree`; `classes` names a classifier's classes (`None`: a regressor).
pub fn export_text(
    tree: &Tree,
    feature_names: &[String],
    classes: Option<&[String]>,
    o: &TextOptions,
) -> Result<String> {
    ensure!(
        feature_names.is_empty() || feature_names.len() == tree.n_features,
        Shape,
        "feature_names must contain {} elements, got {}",
        tree.n_features,
        feature_names.len()
    );
    let mut out = String::new();
    write_node(tree, feature_names, classes, o, 0, 1, &mut out);
    Ok(out)
}

fn write_node(
    tree: &Tree,
    names: &[String],
    classes: Option<&[String]>,
    o: &TextOptions,
    node: usize,
    depth: usize,
    out: &mut String,
) {
    let mut indent = format!("|{}", " ".repeat(o.spacing)).repeat(depth);
    indent.truncate(indent.len() - o.spacing);
    indent.push_str(&"-".repeat(o.spacing));
    if depth > o.max_depth + 1 {
        match subtree_depth(tree, node) {
            1 => leaf(tree, classes, o, node, &indent, out),
            d => out.push_str(&format!("{indent} truncated branch of depth {d}\n")),
        }
        return;
    }
    let f = tree.feature[node];
    if f < 0 {
        leaf(tree, classes, o, node, &indent, out);
        return;
    }
    let name = names.get(f as usize).cloned().unwrap_or_else(|| format!("feature_{f}"));
    let threshold = format!("{:.*}", o.decimals, tree.threshold[node]);
    out.push_str(&format!("{indent} {name} <= {threshold}\n"));
    write_node(tree, names, classes, o, tree.children_left[node] as usize, depth + 1, out);
    out.push_str(&format!("{indent} {name} >  {threshold}\n"));
    write_node(tree, names, classes, o, tree.children_right[node] as usize, depth + 1, out);
}

fn leaf(tree: &Tree, classes: Option<&[String]>, o: &TextOptions, node: usize, indent: &str, out: &mut String) {
    let k = tree.n_values;
    let value = &tree.value[node * k..(node + 1) * k];
    let list = |scale: f64| {
        let items: Vec<String> = value.iter().map(|v| format!("{:.*}", o.decimals, v * scale)).collect();
        format!("[{}]", items.join(", "))
    };
    match classes {
        Some(classes) => {
            // The first of equal shares, as numpy's argmax.
            let best = (0..k).fold(0, |b, c| if value[c] > value[b] { c } else { b });
            let weights = if o.show_weights {
                format!(" weights: {}", list(tree.weighted_n_node_samples[node]))
            } else {
                String::new()
            };
            out.push_str(&format!("{indent}{weights} class: {}\n", classes[best]));
        }
        None => out.push_str(&format!("{indent} value: {}\n", list(1.0))),
    }
}

/// The depth of the subtree under `node` (a leaf: 1).
fn subtree_depth(tree: &Tree, node: usize) -> usize {
    if tree.feature[node] < 0 {
        return 1;
    }
    let (l, r) = (tree.children_left[node] as usize, tree.children_right[node] as usize);
    1 + subtree_depth(tree, l).max(subtree_depth(tree, r))
}
