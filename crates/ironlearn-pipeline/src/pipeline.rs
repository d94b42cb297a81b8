//! Chaining transformers and a final estimator into one model.
//!
//! A fitted pipeline is one model: one file, one `predict`. Each step sees
//! what the previous one produced; sample weights go to the final step only,
//! as in scikit-learn.

use std::collections::BTreeMap;

use ironlearn_core::{
    bail, ensure, Attribute, Data, Error, Estimator, Features, FitContext, Model, Neighbors, Parts, Prediction, Result,
    Tags, Task, TrainData,
};
use ndarray::{Array1, Array2};
use serde_json::{json, Map, Value};

/// Named steps: transformers, then a final estimator (or transformer).
#[derive(Debug)]
pub struct Pipeline {
    steps: Vec<(String, Box<dyn Estimator>)>,
}

impl Pipeline {
    /// A pipeline; every step but the last must be a transformer.
    pub fn new(steps: Vec<(String, Box<dyn Estimator>)>) -> Result<Self> {
        ensure!(!steps.is_empty(), InvalidValue, "a pipeline needs at least one step");
        for (i, (name, est)) in steps.iter().enumerate() {
            ensure!(
                !steps[..i].iter().any(|(n, _)| n == name),
                InvalidValue,
                "pipeline step name '{name}' is used twice"
            );
            if i + 1 < steps.len() && est.task() != Some(Task::Transform) {
                bail!(InvalidValue, "pipeline step '{name}' ({}) is not a transformer, so it must be last", est.kind());
            }
        }
        Ok(Pipeline { steps })
    }

    pub fn steps(&self) -> &[(String, Box<dyn Estimator>)] {
        &self.steps
    }

    /// The final estimator.
    pub fn last(&self) -> &dyn Estimator {
        self.steps.last().expect("a pipeline has a step").1.as_ref()
    }
}

impl Estimator for Pipeline {
    fn kind(&self) -> &'static str {
        "pipeline"
    }

    fn params_json(&self) -> Value {
        json!({ "steps": self.steps.iter().map(|(n, e)| json!({"name": n, "kind": e.kind(), "params": e.params_json()})).collect::<Vec<_>>() })
    }

    fn task(&self) -> Option<Task> {
        self.last().task()
    }

    fn tags(&self) -> Tags {
        self.last().tags()
    }

    fn fit_with(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>> {
        let mut fitted: Vec<(String, Box<dyn Model>)> = Vec::with_capacity(self.steps.len());
        let mut out: Option<Data> = None;
        let (last_name, last) = self.steps.last().expect("a pipeline has a step");
        let x = data.x;
        for (name, est) in &self.steps[..self.steps.len() - 1] {
            let view = current(&out, &x);
            let step_data = TrainData { y: data.y, ..TrainData::new(view) };
            let model = est.fit_with(&step_data, &mut FitContext::default()).map_err(|e| in_step(name, e))?;
            let next = model.transform_data(view).map_err(|e| in_step(name, e))?;
            fitted.push((name.clone(), model));
            out = Some(next);
        }
        let view = current(&out, &x);
        let last_data = TrainData { x: view, ..*data };
        let model = if fitted.is_empty() {
            last.fit_with(&last_data, ctx)
        } else {
            // Validation sets go through the fitted steps, as training data did.
            let prefix = FittedPipeline { steps: fitted };
            let ctx_valid = std::mem::take(&mut ctx.valid);
            let valid: Vec<(String, Option<Data>)> =
                ctx_valid.iter().map(|(n, v)| Ok((n.clone(), prefix.prefix_all(v.x)?))).collect::<Result<_>>()?;
            let mut inner = ctx.reborrow();
            inner.valid = ctx_valid
                .iter()
                .zip(&valid)
                .map(|((n, v), (_, d))| (n.clone(), TrainData { x: current(d, &v.x), ..*v }))
                .collect();
            fitted = prefix.steps;
            last.fit_with(&last_data, &mut inner)
        }
        .map_err(|e| in_step(last_name, e))?;
        fitted.push((last_name.clone(), model));
        Ok(Box::new(FittedPipeline { steps: fitted }))
    }

    /// Changes parameters of steps by `step__param` paths, as scikit-learn's pipelines do.
    fn with_params(&self, changes: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
        let mut per_step: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for (key, value) in changes {
            let (step, param) = key.split_once("__").ok_or_else(|| {
                Error::param(key.as_str(), "a pipeline's parameters are named step__param (such as ridge__alpha)")
            })?;
            ensure!(
                self.steps.iter().any(|(n, _)| n == step),
                InvalidValue,
                "'{key}' names no step; the steps are {}",
                self.steps.iter().map(|(n, _)| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            );
            per_step.entry(step).or_default().insert(param.to_string(), value.clone());
        }
        let steps = self
            .steps
            .iter()
            .map(|(name, est)| {
                Ok((
                    name.clone(),
                    match per_step.get(name.as_str()) {
                        Some(c) => est.with_params(c).map_err(|e| in_step(name, e))?,
                        None => est.with_params(&Map::new())?,
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(Pipeline::new(steps)?))
    }
}

/// The output of the last step run, or the input when none has run.
fn current<'s>(data: &'s Option<Data>, x: &'s Features<'_>) -> Features<'s> {
    match data {
        Some(d) => d.view(),
        None => x.reborrow(),
    }
}

fn in_step(name: &str, e: Error) -> Error {
    e.prefixed(&format!("step '{name}'"))
}

/// A fitted [`Pipeline`].
#[derive(Debug)]
pub struct FittedPipeline {
    steps: Vec<(String, Box<dyn Model>)>,
}

impl FittedPipeline {
    /// A pipeline of already fitted steps; every step but the last must transform.
    pub fn new(steps: Vec<(String, Box<dyn Model>)>) -> Result<Self> {
        ensure!(!steps.is_empty(), InvalidValue, "a pipeline needs at least one step");
        Ok(FittedPipeline { steps })
    }

    pub fn steps(&self) -> &[(String, Box<dyn Model>)] {
        &self.steps
    }

    /// The final fitted step.
    pub fn last(&self) -> &dyn Model {
        self.steps.last().expect("a pipeline has a step").1.as_ref()
    }

    /// Runs every step (used on validation sets while the last step fits).
    fn prefix_all(&self, x: Features<'_>) -> Result<Option<Data>> {
        let mut data: Option<Data> = None;
        for (name, m) in &self.steps {
            let view = current(&data, &x);
            let next = m.transform_data(view).map_err(|e| in_step(name, e))?;
            data = Some(next);
        }
        Ok(data)
    }

    /// What the last step sees: `x` through every step but the last (`None` when there is one step).
    pub fn transform_before_last(&self, x: Features<'_>) -> Result<Option<Data>> {
        self.prefix(x)
    }

    /// Runs every step but the last.
    fn prefix(&self, x: Features<'_>) -> Result<Option<Data>> {
        let mut data: Option<Data> = None;
        for (name, m) in &self.steps[..self.steps.len() - 1] {
            let view = current(&data, &x);
            let next = m.transform_data(view).map_err(|e| in_step(name, e))?;
            data = Some(next);
        }
        Ok(data)
    }

    /// Loads a pipeline from its saved parts.
    pub fn from_parts(parts: Parts) -> Result<Self> {
        let mut arrays = parts.arrays;
        let steps = crate::load::load_nested(&parts.state["steps"], &mut arrays, "pipeline")?;
        ensure!(!steps.is_empty(), InvalidValue, "a pipeline needs at least one step");
        Ok(FittedPipeline { steps: steps.into_iter().map(|(f, m)| (crate::load::part_name(&f), m)).collect() })
    }
}

impl Model for FittedPipeline {
    fn kind(&self) -> &'static str {
        "pipeline"
    }

    fn task(&self) -> Task {
        self.last().task()
    }

    fn n_features_in(&self) -> usize {
        self.steps[0].1.n_features_in()
    }

    fn parts(&self) -> Result<Parts> {
        let (params, steps, arrays) =
            crate::load::save_nested(self.steps.iter().map(|(name, m)| (json!({ "name": name }), m.as_ref())))?;
        Ok(Parts { params: json!({ "steps": params }), state: json!({ "steps": steps }), arrays })
    }

    fn classes(&self) -> Option<&[String]> {
        self.last().classes()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let d = self.prefix(x)?;
        self.last().predict_data(current(&d, &x))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let d = self.prefix(x)?;
        self.last().predict_proba_data(current(&d, &x))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let d = self.prefix(x)?;
        self.last().decision_function_data(current(&d, &x))
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        let d = self.prefix(x)?;
        self.last().transform_data(current(&d, &x))
    }

    fn score_samples_data(&self, x: Features<'_>) -> Result<Array1<f64>> {
        let d = self.prefix(x)?;
        self.last().score_samples_data(current(&d, &x))
    }

    fn kneighbors_data(&self, x: Option<Features<'_>>, n_neighbors: Option<usize>) -> Result<Neighbors> {
        let Some(x) = x else { return self.last().kneighbors_data(None, n_neighbors) };
        let d = self.prefix(x)?;
        self.last().kneighbors_data(Some(current(&d, &x)), n_neighbors)
    }

    fn radius_neighbors_data(
        &self,
        x: Option<Features<'_>>,
        radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        let Some(x) = x else { return self.last().radius_neighbors_data(None, radius) };
        let d = self.prefix(x)?;
        self.last().radius_neighbors_data(Some(current(&d, &x)), radius)
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.steps.iter().fold(input.to_vec(), |names, (_, m)| m.feature_names_out(&names))
    }

    /// The last step's text, naming the columns it sees (the earlier steps' outputs).
    fn text(&self, feature_names: &[String], options: &serde_json::Value) -> Result<String> {
        let (last, before) = self.steps.split_last().expect("a pipeline has a step");
        let names = before.iter().fold(feature_names.to_vec(), |names, (_, m)| m.feature_names_out(&names));
        last.1.text(&names, options)
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        self.last().attributes()
    }
}
