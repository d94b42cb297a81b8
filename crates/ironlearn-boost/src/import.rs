//! Loading LightGBM text models and XGBoost JSON models.
//!
//! Users already serve boosters they trained elsewhere; these readers turn
//! those files into a [`GbdtModel`] with the same split semantics, so
//! predictions match the original library (to float rounding) and the model
//! can be saved in ironlearn's own format, explained with TreeSHAP and served.
//! Anything the reader does not understand is an error naming it, never a
//! silently different model.

use ironlearn_core::{bail, ensure, Error, Result};
use serde_json::Value;

use crate::booster::GbdtModel;
use crate::features::FeatureInfo;
use crate::objective::Transform;
use crate::tree::{decision, LinearLeaves, Tree};
use crate::Gbdt;

fn err(source: &str, msg: impl std::fmt::Display) -> Error {
    Error::ModelFile(format!("{source} model: {msg}"))
}

fn parse_list<T: std::str::FromStr>(source: &str, key: &str, text: &str) -> Result<Vec<T>> {
    text.split_whitespace()
        .map(|s| s.parse::<T>().map_err(|_| err(source, format!("'{key}' holds '{s}', not a number"))))
        .collect()
}

/// Reads a LightGBM model saved by `Booster.save_model` (text format).
pub fn from_lightgbm_text(text: &str) -> Result<GbdtModel> {
    const SRC: &str = "LightGBM";
    let mut lines = text.lines().map(str::trim);
    ensure!(lines.next() == Some("tree"), ModelFile, "not a LightGBM text model (it must start with 'tree')");
    let mut header = std::collections::HashMap::new();
    let mut trees_text: Vec<std::collections::HashMap<String, String>> = Vec::new();
    let mut current: Option<std::collections::HashMap<String, String>> = None;
    // A random forest: the prediction is the trees' average.
    let mut average = false;
    for line in lines {
        if line == "end of trees" {
            break;
        }
        if line.starts_with("Tree=") {
            if let Some(t) = current.take() {
                trees_text.push(t);
            }
            current = Some(std::collections::HashMap::new());
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            match current.as_mut() {
                Some(t) => t.insert(k.to_string(), v.to_string()),
                None => header.insert(k.to_string(), v.to_string()),
            };
        } else if line == "average_output" {
            average = true;
        }
    }
    if let Some(t) = current.take() {
        trees_text.push(t);
    }
    let get = |k: &str| header.get(k).ok_or_else(|| err(SRC, format!("the header has no '{k}'")));
    let num_class: usize = get("num_class")?.parse().map_err(|_| err(SRC, "num_class is not a number"))?;
    let per_iter: usize = get("num_tree_per_iteration")?.parse().map_err(|_| err(SRC, "num_tree_per_iteration"))?;
    let max_feature: usize = get("max_feature_idx")?.parse().map_err(|_| err(SRC, "max_feature_idx"))?;
    let nf = max_feature + 1;
    let names: Vec<String> = match header.get("feature_names") {
        Some(s) => s.split_whitespace().map(String::from).collect(),
        None => (0..nf).map(|i| format!("Column_{i}")).collect(),
    };
    ensure!(names.len() == nf, ModelFile, "LightGBM model: {} feature names for {nf} features", names.len());
    let infos: Vec<String> =
        header.get("feature_infos").map(|s| s.split_whitespace().map(String::from).collect()).unwrap_or_default();
    // LightGBM writes no objective for a custom loss: raw scores, as there.
    let objective_line = header.get("objective").cloned().unwrap_or_else(|| "custom".into());
    let mut obj = objective_line.split_whitespace();
    let objective = obj.next().unwrap_or("regression").to_string();
    let mut scale = 1.0;
    for extra in obj {
        if let Some(s) = extra.strip_prefix("sigmoid:") {
            scale = s
                .parse::<f64>()
                .ok()
                .filter(|v| *v > 0.0)
                .ok_or_else(|| err(SRC, format!("sigmoid:{s} is not a positive number")))?;
        }
    }
    let sigmoid = if scale == 1.0 { Transform::Sigmoid } else { Transform::ScaledSigmoid(scale) };
    let (transform, classes) = match objective.as_str() {
        "binary" => (sigmoid, Some(vec!["0".into(), "1".into()])),
        "multiclass" | "softmax" => (Transform::Softmax, Some((0..num_class).map(|c| c.to_string()).collect())),
        "multiclassova" | "multiclass_ova" | "ova" | "ovr" => {
            (sigmoid, Some((0..num_class).map(|c| c.to_string()).collect()))
        }
        "cross_entropy" | "xentropy" => (Transform::Sigmoid, None),
        "poisson" | "gamma" | "tweedie" => (Transform::Exp, None),
        "regression" | "regression_l2" | "regression_l1" | "huber" | "fair" | "quantile" | "mape" | "lambdarank"
        | "rank_xendcg" | "custom" => (Transform::Identity, None),
        other => bail!(NotImplemented, "LightGBM objective '{other}' cannot be imported yet"),
    };
    ensure!(per_iter >= 1, ModelFile, "LightGBM model: num_tree_per_iteration is 0");
    let mut features: Vec<FeatureInfo> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let info = infos.get(i).map(String::as_str).unwrap_or("none");
            FeatureInfo {
                name: n.clone(),
                categorical: !info.starts_with('[') && info.contains(':'),
                levels: None,
                bin_info: infos.get(i).cloned(),
            }
        })
        .collect();
    set_pandas_levels(text, &mut features);
    let mut trees = Vec::with_capacity(trees_text.len());
    for (i, t) in trees_text.iter().enumerate() {
        let tree = lightgbm_tree(t).map_err(|e| err(SRC, format!("tree {i}: {e}")))?;
        tree.validate(nf).map_err(|m| err(SRC, format!("tree {i}: {m}")))?;
        trees.push(tree);
    }
    ensure!(
        trees.len() % per_iter == 0,
        ModelFile,
        "LightGBM model: {} trees for {per_iter} per iteration",
        trees.len()
    );
    let mut params = if average { Gbdt { boosting: "rf".into(), ..Gbdt::default() } } else { Gbdt::default() };
    // Linear trees refit with the model's linear_lambda, as LightGBM's refit does.
    params.linear_tree = trees.iter().any(|t| t.linear.is_some());
    if let Some(v) = text.lines().find_map(|l| l.trim().strip_prefix("[linear_lambda: ")?.strip_suffix(']')) {
        params.linear_lambda = v
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| *v >= 0.0)
            .ok_or_else(|| err(SRC, format!("linear_lambda is '{v}'")))?;
    }
    Ok(GbdtModel {
        params,
        features,
        objective,
        transform,
        num_outputs: per_iter,
        classes,
        init_score: vec![0.0; per_iter],
        trees,
        best_iteration: None,
        evals: Vec::new(),
        source: "lightgbm".into(),
        packed: Default::default(),
    })
}

/// LightGBM's Python package appends the training DataFrame's category lists
/// (`pandas_categorical:[[...], ...]`, one per category column, in column
/// order); a category's code is its index there. When there is one list of
/// texts per categorical feature, they become the features' levels, so text
/// columns predict as in Python. Anything else (integer categories, a count
/// that does not match) leaves the features on integer codes.
fn set_pandas_levels(text: &str, features: &mut [FeatureInfo]) {
    let Some(json) = text.lines().rev().find_map(|l| l.trim().strip_prefix("pandas_categorical:")) else { return };
    let Ok(Value::Array(lists)) = serde_json::from_str::<Value>(json) else { return };
    let levels: Option<Vec<Vec<String>>> = lists
        .iter()
        .map(|l| l.as_array()?.iter().map(|v| v.as_str().map(String::from)).collect::<Option<Vec<_>>>())
        .collect();
    let (Some(levels), cats) = (levels, features.iter().filter(|f| f.categorical).count()) else { return };
    if levels.is_empty() || levels.len() != cats {
        return;
    }
    for (f, l) in features.iter_mut().filter(|f| f.categorical).zip(levels) {
        f.levels = Some(l);
    }
}

fn lightgbm_tree(t: &std::collections::HashMap<String, String>) -> Result<Tree> {
    const SRC: &str = "LightGBM";
    let field = |k: &str| t.get(k).map(String::as_str).ok_or_else(|| err(SRC, format!("'{k}' is missing")));
    let num_leaves: usize = field("num_leaves")?.parse().map_err(|_| err(SRC, "num_leaves"))?;
    let leaf_value: Vec<f64> = parse_list(SRC, "leaf_value", field("leaf_value")?)?;
    ensure!(
        leaf_value.len() == num_leaves,
        ModelFile,
        "LightGBM model: {} leaf values for {num_leaves} leaves",
        leaf_value.len()
    );
    let linear = match t.get("is_linear").map(|v| v.trim()) {
        None | Some("0") => None,
        Some("1") => Some(lightgbm_linear(t, num_leaves)?),
        Some(other) => bail!(ModelFile, "LightGBM model: is_linear is '{other}', not 0 or 1"),
    };
    let shrinkage = match t.get("shrinkage") {
        Some(v) => Some(v.trim().parse::<f64>().map_err(|_| err(SRC, format!("shrinkage is '{v}', not a number")))?),
        None => None,
    };
    // LightGBM's dumps show the hessian sums of linear trees (kept with those only).
    let weights = |k: &str, n: usize| -> Result<Vec<f64>> {
        match t.get(k).filter(|_| linear.is_some()) {
            Some(v) => {
                let w: Vec<f64> = parse_list(SRC, k, v)?;
                ensure!(w.len() == n, ModelFile, "LightGBM model: {} {k} values, expected {n}", w.len());
                Ok(w)
            }
            None => Ok(Vec::new()),
        }
    };
    let leaf_weight = weights("leaf_weight", num_leaves)?;
    if num_leaves == 1 {
        return Ok(Tree { linear, shrinkage, leaf_weight, ..Tree::leaf(leaf_value[0], 0.0) });
    }
    let opt = |k: &str, n: usize| -> Result<Vec<f64>> { t.get(k).map_or(Ok(vec![0.0; n]), |s| parse_list(SRC, k, s)) };
    let lgb_decision: Vec<u8> = parse_list::<i32>(SRC, "decision_type", field("decision_type")?)?
        .into_iter()
        .map(|d| {
            let mut out = 0;
            if d & 1 != 0 {
                out |= decision::CATEGORICAL;
            }
            if d & 2 != 0 {
                out |= decision::DEFAULT_LEFT;
            }
            match (d >> 2) & 3 {
                1 => out |= decision::MISSING_ZERO,
                2 => out |= decision::MISSING_NAN,
                _ => {}
            }
            out
        })
        .collect();
    let n = num_leaves - 1;
    let tree = Tree {
        split_feature: parse_list(SRC, "split_feature", field("split_feature")?)?,
        threshold: parse_list(SRC, "threshold", field("threshold")?)?,
        decision: lgb_decision,
        left_child: parse_list(SRC, "left_child", field("left_child")?)?,
        right_child: parse_list(SRC, "right_child", field("right_child")?)?,
        split_gain: opt("split_gain", n)?,
        internal_value: opt("internal_value", n)?,
        internal_count: opt("internal_count", n)?,
        leaf_count: opt("leaf_count", num_leaves)?,
        leaf_value,
        cat_boundaries: t.get("cat_boundaries").map_or(Ok(vec![0]), |s| parse_list(SRC, "cat_boundaries", s))?,
        cat_threshold: t.get("cat_threshold").map_or(Ok(vec![]), |s| parse_list(SRC, "cat_threshold", s))?,
        internal_weight: weights("internal_weight", n)?,
        leaf_weight,
        linear,
        shrinkage,
    };
    Ok(tree)
}

/// A linear tree's leaf models: `leaf_const`, and `num_features` per leaf
/// splitting the concatenated `leaf_features` and `leaf_coeff` (LightGBM
/// reads a missing field as zeros or no features).
fn lightgbm_linear(t: &std::collections::HashMap<String, String>, num_leaves: usize) -> Result<LinearLeaves> {
    const SRC: &str = "LightGBM";
    let list = |k: &str| t.get(k).map(String::as_str).unwrap_or("");
    let mut leaf_const: Vec<f64> = parse_list(SRC, "leaf_const", list("leaf_const"))?;
    if t.get("leaf_const").is_none() {
        leaf_const = vec![0.0; num_leaves];
    }
    let counts: Vec<usize> = parse_list(SRC, "num_features", list("num_features"))?;
    let features: Vec<u32> = parse_list(SRC, "leaf_features", list("leaf_features"))?;
    let coeffs: Vec<f64> = parse_list(SRC, "leaf_coeff", list("leaf_coeff"))?;
    let total: usize = counts.iter().sum();
    ensure!(
        leaf_const.len() == num_leaves && (counts.is_empty() || counts.len() == num_leaves),
        ModelFile,
        "LightGBM model: a linear tree of {num_leaves} leaves has {} leaf_const and {} num_features values",
        leaf_const.len(),
        counts.len()
    );
    ensure!(
        features.len() == total && coeffs.len() == total,
        ModelFile,
        "LightGBM model: num_features adds up to {total}, but there are {} leaf_features and {} leaf_coeff values",
        features.len(),
        coeffs.len()
    );
    let mut lin = LinearLeaves { leaf_const, ..Default::default() };
    let mut at = 0;
    for leaf in 0..num_leaves {
        let c = counts.get(leaf).copied().unwrap_or(0);
        lin.leaf_features.push(features[at..at + c].to_vec());
        lin.leaf_coeff.push(coeffs[at..at + c].to_vec());
        at += c;
    }
    Ok(lin)
}

fn json_num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_matches(|c| c == '[' || c == ']').split(',').next()?.trim().parse().ok(),
        _ => None,
    }
}

fn json_nums(v: &Value) -> Vec<f64> {
    match v {
        Value::String(s) => {
            s.trim().trim_matches(|c| c == '[' || c == ']').split(',').filter_map(|x| x.trim().parse().ok()).collect()
        }
        Value::Array(a) => a.iter().filter_map(json_num).collect(),
        other => json_num(other).into_iter().collect(),
    }
}

/// Reads an XGBoost model saved as JSON (`Booster.save_model("m.json")`).
pub fn from_xgboost_json(text: &str) -> Result<GbdtModel> {
    const SRC: &str = "XGBoost";
    let root: Value = serde_json::from_str(text).map_err(|e| err(SRC, format!("not JSON: {e}")))?;
    let learner = root.get("learner").ok_or_else(|| err(SRC, "no 'learner' object"))?;
    let booster = &learner["gradient_booster"];
    let name = booster["name"].as_str().unwrap_or("");
    ensure!(name == "gbtree", NotImplemented, "XGBoost booster '{name}' cannot be imported yet (only gbtree)");
    let params = &learner["learner_model_param"];
    let nf = json_num(&params["num_feature"]).ok_or_else(|| err(SRC, "num_feature"))? as usize;
    let num_class = json_num(&params["num_class"]).unwrap_or(0.0) as usize;
    let objective = learner["objective"]["name"].as_str().unwrap_or("reg:squarederror").to_string();
    let k = num_class.max(1);
    let base = json_nums(&params["base_score"]);
    ensure!(!base.is_empty(), ModelFile, "XGBoost model: no base_score");
    type Link = fn(f64) -> f64;
    let (transform, classes, to_margin): (Transform, Option<Vec<String>>, Link) = match objective.as_str() {
        "binary:logistic" => (Transform::Sigmoid, Some(vec!["0".into(), "1".into()]), |p| (p / (1.0 - p)).ln()),
        "reg:logistic" => (Transform::Sigmoid, None, |p| (p / (1.0 - p)).ln()),
        "binary:logitraw" => (Transform::Identity, None, |p| (p / (1.0 - p)).ln()),
        "multi:softprob" | "multi:softmax" => {
            (Transform::Softmax, Some((0..k).map(|c| c.to_string()).collect()), |b| b)
        }
        "count:poisson" | "reg:gamma" | "reg:tweedie" => (Transform::Exp, None, f64::ln),
        "reg:squarederror"
        | "reg:linear"
        | "reg:absoluteerror"
        | "reg:pseudohubererror"
        | "reg:quantileerror"
        | "reg:squaredlogerror"
        | "rank:pairwise"
        | "rank:ndcg"
        | "rank:map" => (Transform::Identity, None, |b| b),
        other => bail!(NotImplemented, "XGBoost objective '{other}' cannot be imported yet"),
    };
    let init_score: Vec<f64> = (0..k).map(|c| to_margin(*base.get(c).unwrap_or(&base[0]))).collect();
    let names: Vec<String> = match learner["feature_names"].as_array() {
        Some(a) if a.len() == nf => a.iter().map(|v| v.as_str().unwrap_or("").to_string()).collect(),
        _ => (0..nf).map(|i| format!("f{i}")).collect(),
    };
    let model = &booster["model"];
    let trees_json = model["trees"].as_array().ok_or_else(|| err(SRC, "no trees"))?;
    let info: Vec<usize> = model["tree_info"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).map(|v| v as usize).collect())
        .unwrap_or_default();
    let mut trees = Vec::with_capacity(trees_json.len());
    for (i, t) in trees_json.iter().enumerate() {
        if info.get(i).is_some_and(|&c| c != i % k) {
            bail!(NotImplemented, "XGBoost model: tree {i} is for output {} out of round-robin order", info[i]);
        }
        let tree = xgboost_tree(t).map_err(|e| err(SRC, format!("tree {i}: {e}")))?;
        tree.validate(nf).map_err(|m| err(SRC, format!("tree {i}: {m}")))?;
        trees.push(tree);
    }
    ensure!(trees.len() % k == 0, ModelFile, "XGBoost model: {} trees for {k} outputs", trees.len());
    Ok(GbdtModel {
        params: Gbdt::default(),
        features: names
            .into_iter()
            .map(|name| FeatureInfo { name, categorical: false, levels: None, bin_info: None })
            .collect(),
        objective,
        transform,
        num_outputs: k,
        classes,
        init_score,
        trees,
        best_iteration: None,
        evals: Vec::new(),
        source: "xgboost".into(),
        packed: Default::default(),
    })
}

fn xgboost_tree(t: &Value) -> Result<Tree> {
    const SRC: &str = "XGBoost";
    let ints = |k: &str| -> Result<Vec<i64>> {
        t[k].as_array()
            .ok_or_else(|| err(SRC, format!("'{k}' is missing")))?
            .iter()
            .map(|v| v.as_i64().ok_or_else(|| err(SRC, k)))
            .collect()
    };
    let floats = |k: &str| -> Result<Vec<f64>> {
        t[k].as_array()
            .ok_or_else(|| err(SRC, format!("'{k}' is missing")))?
            .iter()
            .map(|v| v.as_f64().ok_or_else(|| err(SRC, k)))
            .collect()
    };
    let left = ints("left_children")?;
    let right = ints("right_children")?;
    let feature = ints("split_indices")?;
    let cond = floats("split_conditions")?;
    let default_left = ints("default_left")?;
    let hess = floats("sum_hessian")?;
    let gain = floats("loss_changes")?;
    let split_type =
        t["split_type"].as_array().map(|a| a.iter().filter_map(Value::as_i64).collect::<Vec<_>>()).unwrap_or_default();
    let n = left.len();
    ensure!(
        [right.len(), feature.len(), cond.len(), default_left.len(), hess.len(), gain.len()].iter().all(|&l| l == n)
            && n > 0,
        ModelFile,
        "inconsistent node arrays"
    );
    if split_type.iter().any(|&s| s != 0) {
        bail!(NotImplemented, "XGBoost categorical splits cannot be imported yet");
    }
    if left[0] == -1 {
        return Ok(Tree::leaf(cond[0], hess[0]));
    }
    // Number split nodes and leaves in XGBoost's node order.
    let mut split_id = vec![-1i32; n];
    let mut leaf_id = vec![-1i32; n];
    let (mut ns, mut nl) = (0, 0);
    for i in 0..n {
        if left[i] == -1 {
            leaf_id[i] = nl;
            nl += 1;
        } else {
            split_id[i] = ns;
            ns += 1;
        }
    }
    let child = |c: i64| -> Result<i32> {
        let c =
            usize::try_from(c).ok().filter(|&c| c < n).ok_or_else(|| err(SRC, format!("child {c} out of range")))?;
        Ok(if left[c] == -1 { !leaf_id[c] } else { split_id[c] })
    };
    let mut tree = Tree { cat_boundaries: vec![0], ..Default::default() };
    for i in (0..n).filter(|&i| left[i] != -1) {
        tree.split_feature.push(u32::try_from(feature[i]).map_err(|_| err(SRC, "negative feature index"))?);
        tree.threshold.push(cond[i]);
        tree.decision.push(decision::LESS_F32 | if default_left[i] != 0 { decision::DEFAULT_LEFT } else { 0 });
        tree.left_child.push(child(left[i])?);
        tree.right_child.push(child(right[i])?);
        tree.split_gain.push(gain[i]);
        tree.internal_value.push(0.0);
        tree.internal_count.push(hess[i]);
    }
    for i in (0..n).filter(|&i| left[i] == -1) {
        tree.leaf_value.push(cond[i]);
        tree.leaf_count.push(hess[i]);
    }
    Ok(tree)
}
