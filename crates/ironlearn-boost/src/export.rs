//! Writing a booster as a LightGBM text model.
//!
//! A LightGBM user switching to ironlearn keeps whatever reads their model
//! files: LightGBM itself, Treelite, ONNX converters and serving code. The
//! trees share LightGBM's layout and split semantics, so the text is a direct
//! transcription; the one thing LightGBM keeps elsewhere is the starting score,
//! which it folds into the first round's trees and so do we. A model LightGBM
//! cannot express (XGBoost's `f32(value) < threshold` splits) is an error,
//! never a file that predicts differently.

use std::fmt::Write;

use ironlearn_core::{bail, Result};

use crate::booster::{GbdtModel, Importance};
use crate::tree::{decision, Tree};

/// LightGBM's `objective=` line for the model, or `None` for a custom loss
/// (LightGBM writes none: its predictions are then raw scores).
fn objective_line(m: &GbdtModel) -> Result<Option<String>> {
    let k = m.num_outputs;
    Ok(Some(match m.objective.as_str() {
        "binary" => "binary sigmoid:1".to_string(),
        "multiclass" | "softmax" => format!("multiclass num_class:{k}"),
        "multiclassova" => {
            let scale = match m.transform {
                crate::objective::Transform::ScaledSigmoid(s) => s,
                _ => 1.0,
            };
            format!("multiclassova num_class:{k} sigmoid:{scale}")
        }
        "custom" | "none" => return Ok(None),
        name @ ("regression"
        | "regression_l1"
        | "huber"
        | "fair"
        | "quantile"
        | "mape"
        | "poisson"
        | "gamma"
        | "tweedie"
        | "cross_entropy"
        | "cross_entropy_lambda"
        | "lambdarank"
        | "rank_xendcg") => name.to_string(),
        other => bail!(NotImplemented, "objective '{other}' has no LightGBM text form; save in ironlearn's format"),
    }))
}

/// A LightGBM name is one whitespace-free token: LightGBM's Python package
/// replaces spaces with underscores the same way.
fn token(name: &str) -> String {
    name.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
}

fn join<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    values.into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
}

/// Shortest text that reads back as the same `f64` (LightGBM prints 17 digits for the same reason).
fn exact(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{v:?}")
    }
}

fn tree_text(t: &Tree, offset: f64, shrinkage: f64) -> Result<String> {
    let mut s = String::new();
    let n = t.num_leaves();
    let num_cat = t.cat_boundaries.len().saturating_sub(1);
    writeln!(s, "num_leaves={n}").unwrap();
    writeln!(s, "num_cat={num_cat}").unwrap();
    if let Some(d) = t.decision.iter().find(|&&d| d & decision::LESS_F32 != 0) {
        bail!(NotImplemented, "a split compares f32(value) < threshold (decision {d}, from an XGBoost model): LightGBM's text format cannot express it");
    }
    // LightGBM reads a linear tree's split fields even when it has one leaf (and none).
    if n > 1 || t.linear.is_some() {
        writeln!(s, "split_feature={}", join(&t.split_feature)).unwrap();
        writeln!(s, "split_gain={}", join(t.split_gain.iter().map(|g| *g as f32))).unwrap();
        writeln!(s, "threshold={}", join(t.threshold.iter().map(|&v| exact(v)))).unwrap();
        // ironlearn's decision bits are LightGBM's: categorical 1, default-left 2, missing zero 4, missing NaN 8.
        writeln!(s, "decision_type={}", join(&t.decision)).unwrap();
        writeln!(s, "left_child={}", join(&t.left_child)).unwrap();
        writeln!(s, "right_child={}", join(&t.right_child)).unwrap();
    }
    writeln!(s, "leaf_value={}", join(t.leaf_value.iter().map(|&v| exact(v + offset)))).unwrap();
    if !t.leaf_weight.is_empty() {
        writeln!(s, "leaf_weight={}", join(t.leaf_weight.iter().map(|&v| exact(v)))).unwrap();
    }
    writeln!(s, "leaf_count={}", join(t.leaf_count.iter().map(|&c| c.round() as i64))).unwrap();
    if n > 1 || t.linear.is_some() {
        writeln!(s, "internal_value={}", join(t.internal_value.iter().map(|&v| exact(v + offset)))).unwrap();
        if !t.internal_weight.is_empty() {
            writeln!(s, "internal_weight={}", join(t.internal_weight.iter().map(|&v| exact(v)))).unwrap();
        }
        writeln!(s, "internal_count={}", join(t.internal_count.iter().map(|&c| c.round() as i64))).unwrap();
    }
    if num_cat > 0 {
        writeln!(s, "cat_boundaries={}", join(&t.cat_boundaries)).unwrap();
        writeln!(s, "cat_threshold={}", join(&t.cat_threshold)).unwrap();
    }
    match &t.linear {
        None => writeln!(s, "is_linear=0").unwrap(),
        Some(l) => {
            // LightGBM's layout: each leaf's list followed by a space, and one more space after every leaf.
            let per_leaf = |lists: Vec<String>| {
                lists.iter().map(|l| if l.is_empty() { " ".into() } else { format!("{l}  ") }).collect::<String>()
            };
            writeln!(s, "is_linear=1").unwrap();
            writeln!(s, "leaf_const={}", join(l.leaf_const.iter().map(|&v| exact(v + offset)))).unwrap();
            writeln!(s, "num_features={}", join(l.leaf_features.iter().map(Vec::len))).unwrap();
            writeln!(s, "leaf_features={}", per_leaf(l.leaf_features.iter().map(join).collect())).unwrap();
            writeln!(
                s,
                "leaf_coeff={}",
                per_leaf(l.leaf_coeff.iter().map(|c| join(c.iter().map(|&v| exact(v)))).collect())
            )
            .unwrap();
        }
    }
    writeln!(s, "shrinkage={}", exact(shrinkage)).unwrap();
    s.push('\n');
    Ok(s)
}

/// The `parameters:` block: every LightGBM parameter, in `[name: value]` lines.
fn parameters(m: &GbdtModel) -> String {
    crate::lightgbm_config::parameters_block(m)
}

impl GbdtModel {
    /// The model in LightGBM's text format (`Booster.save_model`): rounds
    /// `start_iteration..start_iteration + num_iteration` (`None`: to the best
    /// iteration if there is one, else all). Loaded by LightGBM, it predicts
    /// what this model predicts. Text categories are written as LightGBM's
    /// Python package writes pandas categories (`pandas_categorical:`).
    pub fn to_lightgbm_text(&self, num_iteration: Option<usize>, start_iteration: usize) -> Result<String> {
        let k = self.num_outputs;
        let (start, end) = self.round_range(num_iteration, start_iteration);
        let mut trees: Vec<String> = Vec::with_capacity((end - start) * k);
        for (i, t) in self.trees[start * k..end * k].iter().enumerate() {
            // LightGBM has no starting score of its own: it lives in the first round's leaves.
            let offset = if start == 0 && i < k { self.init_score[i] } else { 0.0 };
            let shrinkage = t.shrinkage.unwrap_or(if (start == 0 && i < k) || self.averaged() {
                1.0
            } else {
                self.params.learning_rate
            });
            let body = tree_text(t, offset, shrinkage).map_err(|e| e.prefixed(&format!("tree {}", start * k + i)))?;
            trees.push(format!("Tree={i}\n{body}\n"));
        }
        if trees.is_empty() {
            // No round to carry the starting score: one single-leaf tree per output holds it.
            for (c, &init) in self.init_score.iter().enumerate() {
                trees.push(format!("Tree={c}\n{}\n", tree_text(&Tree::leaf(init, 0.0), 0.0, 1.0)?));
            }
        }
        let objective = objective_line(self)?;
        let names: Vec<String> = self.features.iter().map(|f| token(&f.name)).collect();
        let infos: Vec<String> =
            self.features.iter().map(|f| f.bin_info.clone().unwrap_or_else(|| "none".into())).collect();

        let mut s = String::new();
        s.push_str("tree\nversion=v4\n");
        writeln!(s, "num_class={k}").unwrap();
        writeln!(s, "num_tree_per_iteration={k}").unwrap();
        writeln!(s, "label_index=0").unwrap();
        writeln!(s, "max_feature_idx={}", names.len().saturating_sub(1)).unwrap();
        if let Some(o) = objective {
            writeln!(s, "objective={o}").unwrap();
        }
        if self.averaged() {
            s.push_str("average_output\n");
        }
        writeln!(s, "feature_names={}", names.join(" ")).unwrap();
        if !self.params.monotone_constraints.is_empty() {
            writeln!(s, "monotone_constraints={}", join(&self.params.monotone_constraints)).unwrap();
        }
        writeln!(s, "feature_infos={}", infos.join(" ")).unwrap();
        writeln!(s, "tree_sizes={}", join(trees.iter().map(String::len))).unwrap();
        s.push('\n');
        trees.iter().for_each(|t| s.push_str(t));
        s.push_str("end of trees\n\nfeature_importances:\n");
        let imp = self.feature_importance(Importance::Split, Some(end));
        let mut order: Vec<usize> = (0..imp.len()).filter(|&f| imp[f] >= 1.0).collect();
        order.sort_by(|&a, &b| imp[b].total_cmp(&imp[a]));
        for f in order {
            writeln!(s, "{}={}", names[f], imp[f] as u64).unwrap();
        }
        writeln!(s, "\nparameters:\n{}end of parameters", parameters(self)).unwrap();
        let levels: Vec<&Vec<String>> = self.features.iter().filter_map(|f| f.levels.as_ref()).collect();
        let pandas = if levels.is_empty() { "null".to_string() } else { serde_json::to_string(&levels).unwrap() };
        writeln!(s, "\npandas_categorical:{pandas}").unwrap();
        Ok(s)
    }
}
