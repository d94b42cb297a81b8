//! Estimators built from a JSON spec, and their nested parameters.
//!
//! Grid search, stacking and AutoML describe candidates as data. Every
//! estimator's spec is `{"kind": K, "params": P}`: for a registered estimator
//! P holds its hyperparameters; for a composite P lists its parts, each a
//! spec with a name (`pipeline`: `steps`; `column_transformer`:
//! `transformers`, each with `columns`, and `remainder`; `feature_union`:
//! `parts`). An estimator's `params_json` is its P, so a spec round-trips,
//! and parameters of nested parts read and change as `step__param` paths,
//! as in scikit-learn.

use ironlearn_core::nested::{build_any, Composite};
use ironlearn_core::registry::inventory;
use ironlearn_core::{Error, Estimator, Result};
use serde_json::{json, Map, Value};

use crate::{
    ColumnTransformer, Columns, FeatureUnion, FittedColumnTransformer, FittedFeatureUnion, FittedPipeline, Pipeline,
    Remainder,
};

fn list<'a>(params: &'a Value, key: &str, kind: &str) -> Result<&'a Vec<Value>> {
    params[key].as_array().ok_or_else(|| Error::param(key, format!("a {kind} spec needs a list '{key}'")))
}

fn named(part: &Value) -> Result<(String, Box<dyn Estimator>)> {
    let name = part["name"].as_str().ok_or_else(|| Error::param("name", format!("every part needs a name: {part}")))?;
    Ok((name.to_string(), from_spec(part)?))
}

/// Builds the estimator `{"kind": K, "params": P}` describes, recursively.
pub fn from_spec(spec: &Value) -> Result<Box<dyn Estimator>> {
    let kind = spec["kind"].as_str().ok_or_else(|| Error::param("kind", format!("a spec needs a kind: {spec}")))?;
    build_any(kind, spec.get("params").unwrap_or(&Value::Null))
}

fn pipeline(params: &Value) -> Result<Box<dyn Estimator>> {
    Ok(Box::new(Pipeline::new(list(params, "steps", "pipeline")?.iter().map(named).collect::<Result<_>>()?)?))
}

fn column_transformer(params: &Value) -> Result<Box<dyn Estimator>> {
    let transformers = list(params, "transformers", "column_transformer")?
        .iter()
        .map(|t| {
            let (name, est) = named(t)?;
            Ok((name, est, Columns::from_json(&t["columns"])?))
        })
        .collect::<Result<_>>()?;
    let remainder = match params["remainder"].as_str() {
        None | Some("drop") => Remainder::Drop,
        Some("passthrough") => Remainder::Passthrough,
        Some(other) => {
            return Err(Error::param("remainder", format!("must be 'drop' or 'passthrough', got '{other}'")))
        }
    };
    Ok(Box::new(ColumnTransformer::new(transformers, remainder)?))
}

fn feature_union(params: &Value) -> Result<Box<dyn Estimator>> {
    Ok(Box::new(FeatureUnion::new(list(params, "parts", "feature_union")?.iter().map(named).collect::<Result<_>>()?)?))
}

inventory::submit! {
    Composite { name: "pipeline", build: pipeline, load: |p| Ok(Box::new(FittedPipeline::from_parts(p)?)) }
}
inventory::submit! {
    Composite {
        name: "column_transformer",
        build: column_transformer,
        load: |p| Ok(Box::new(FittedColumnTransformer::from_parts(p)?)),
    }
}
inventory::submit! {
    Composite { name: "feature_union", build: feature_union, load: |p| Ok(Box::new(FittedFeatureUnion::from_parts(p)?)) }
}

/// The spec of an estimator.
pub fn to_spec(est: &dyn Estimator) -> Value {
    json!({ "kind": est.kind(), "params": est.params_json() })
}

/// Every parameter, nested ones as `part__param` paths (scikit-learn's `get_params(deep=True)`).
pub fn flat_params(est: &dyn Estimator) -> Map<String, Value> {
    let mut out = Map::new();
    flatten(est.kind(), &est.params_json(), "", &mut out);
    out
}

fn flatten(kind: &str, params: &Value, prefix: &str, out: &mut Map<String, Value>) {
    let parts_key = match kind {
        "pipeline" => Some("steps"),
        "column_transformer" => Some("transformers"),
        "feature_union" => Some("parts"),
        _ => None,
    };
    match (parts_key, params) {
        (Some(key), _) => {
            for p in params[key].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                let kind = p["kind"].as_str().unwrap_or_default();
                flatten(kind, &p["params"], &format!("{prefix}{name}__"), out);
            }
            if let Some(r) = params.get("remainder") {
                out.insert(format!("{prefix}remainder"), r.clone());
            }
        }
        (None, Value::Object(m)) => {
            for (k, v) in m {
                out.insert(format!("{prefix}{k}"), v.clone());
            }
        }
        _ => {}
    }
}
