//! The typed kernel every estimator implements, and the type-erased face derived from it.
//!
//! An estimator is a hyperparameter struct (declared with
//! [`hyperparams!`](crate::hyperparams)) that implements [`Learn`], and a
//! fitted type that implements [`Fitted`]. From those two impls come the
//! [`Estimator`] and [`Model`] trait objects that the CLI, Python, pipelines
//! and the server drive by name, persistence (through serde, see
//! [`crate::state`]), the learned attributes, input checks against the
//! declared [`Tags`], and registration ([`register!`](crate::register)).
//! Nothing outside the estimator's own file is edited to add one.

use std::fmt;

use ndarray::{Array1, Array2};
use serde_json::{Map, Value};

use crate::model::{unsupported, Neighbors};
use crate::state::SaveState;
use crate::{
    Attribute, Data, Error, Estimator, Features, FitContext, Model, Params, Parts, Prediction, Result, Tags, Task,
    TrainData,
};

/// Fitting, typed: the hyperparameters learn a separate fitted type.
pub trait Learn: Params + Send + Sync + 'static {
    type Model: Fitted<Estimator = Self>;

    /// Parameters (a JSON object) that make a fittable example where the
    /// defaults do not (a voting ensemble needs its estimators): the
    /// conformance suite and scikit-learn's checks build it with them.
    const EXAMPLE_PARAMS: &'static str = "{}";

    /// The task; by default the one declared in the tags. An estimator whose
    /// task depends on its parameters (the booster's objective) overrides it.
    fn task(&self) -> Option<Task> {
        Self::TAGS.task
    }

    /// The tags; by default the declared ones. An estimator whose
    /// capabilities depend on its parameters (SGDClassifier's probabilities,
    /// by loss) overrides it.
    fn tags(&self) -> Tags {
        Self::TAGS
    }

    /// Fits on `data`; the hyperparameters are already validated and the
    /// input checked against the tags (a sparse matrix only reaches an
    /// estimator tagged `sparse`, weights only one tagged `sample_weight`).
    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<Self::Model>;
}

/// A fitted model, typed. Only `n_features_in` is required; a model
/// implements the outputs it has, and the others say they are unsupported.
pub trait Fitted: SaveState + Clone + Send + Sync + fmt::Debug + 'static {
    type Estimator: Learn<Model = Self>;

    /// The task; by default the estimator's declared one.
    fn task(&self) -> Task {
        <Self::Estimator as Params>::TAGS
            .task
            .expect("an estimator whose task the target decides says its model's task")
    }

    fn n_features_in(&self) -> usize;

    /// Class labels, for a classifier.
    fn classes(&self) -> Option<&[String]> {
        None
    }

    fn predict_data(&self, _x: Features<'_>) -> Result<Prediction> {
        Err(unsupported(Self::Estimator::NAME, "predict"))
    }

    fn predict_proba_data(&self, _x: Features<'_>) -> Result<Array2<f64>> {
        Err(unsupported(Self::Estimator::NAME, "predict_proba"))
    }

    fn decision_function_data(&self, _x: Features<'_>) -> Result<Array2<f64>> {
        Err(unsupported(Self::Estimator::NAME, "decision_function"))
    }

    fn transform_data(&self, _x: Features<'_>) -> Result<Data> {
        Err(unsupported(Self::Estimator::NAME, "transform"))
    }

    fn score_samples_data(&self, _x: Features<'_>) -> Result<Array1<f64>> {
        Err(unsupported(Self::Estimator::NAME, "score_samples"))
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        input.to_vec()
    }

    /// Nearest-neighbour queries (see [`Model::kneighbors_data`]).
    fn kneighbors_data(&self, _x: Option<Features<'_>>, _n_neighbors: Option<usize>) -> Result<Neighbors> {
        Err(unsupported(Self::Estimator::NAME, "nearest-neighbour queries"))
    }

    /// Radius queries (see [`Model::radius_neighbors_data`]).
    fn radius_neighbors_data(
        &self,
        _x: Option<Features<'_>>,
        _radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        Err(unsupported(Self::Estimator::NAME, "radius queries"))
    }

    /// Learned attributes; by default every saved field but the parameters.
    fn attributes(&self) -> Vec<(String, Attribute)> {
        self.shown_state().map(|p| crate::state::attributes(&p)).unwrap_or_default()
    }

    /// The model as text people read (see [`Model::text`]).
    fn text(&self, _feature_names: &[String], _options: &Value) -> Result<String> {
        Err(unsupported(Self::Estimator::NAME, "text form"))
    }
}

/// Checks the input against what the estimator declared it takes.
fn check_input(name: &str, tags: &Tags, task: Option<Task>, data: &TrainData<'_>) -> Result<()> {
    if matches!(data.x, Features::Sparse(_)) && !tags.sparse {
        return Err(Error::Unsupported(format!(
            "'{name}' takes dense input, not a sparse matrix; convert it (scipy: X.toarray()) if it fits in memory"
        )));
    }
    if data.weight.is_some() && !tags.sample_weight {
        return Err(Error::Unsupported(format!("'{name}' does not use sample weights; fit it without sample_weight")));
    }
    if data.group.is_some() && task != Some(Task::Ranking) && task.is_some() {
        return Err(Error::Unsupported(format!("'{name}' is not a ranker; query groups only apply to ranking")));
    }
    if data.y.is_none() && task.is_none_or(Task::supervised) {
        return Err(Error::InvalidValue(format!("'{name}' learns from a target; give y (the CLI's --target)")));
    }
    if let Some(y) = data.y {
        if y.len() != data.n_rows() && task.is_none_or(Task::supervised) {
            return Err(Error::Shape(format!(
                "Found input variables with inconsistent numbers of samples: X has {} rows, y has {}",
                data.n_rows(),
                y.len()
            )));
        }
    }
    Ok(())
}

impl<L: Learn> Estimator for L {
    fn kind(&self) -> &'static str {
        L::NAME
    }

    fn params_json(&self) -> Value {
        self.to_json()
    }

    fn task(&self) -> Option<Task> {
        Learn::task(self)
    }

    fn tags(&self) -> Tags {
        Learn::tags(self)
    }

    fn fit_with(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>> {
        self.validate()?;
        check_input(L::NAME, &L::TAGS, Learn::task(self), data)?;
        if let (Features::DenseF32(m), false) = (data.x, L::TAGS.f32) {
            // The documented conversion: float32 is widened for estimators that compute in float64.
            let wide = m.mapv(f64::from);
            let data = TrainData { x: Features::Dense(wide.view()), ..*data };
            return Ok(Box::new(self.learn(&data, ctx)?));
        }
        Ok(Box::new(self.learn(data, ctx)?))
    }

    fn with_params(&self, changes: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
        let Value::Object(mut merged) = self.to_json() else { unreachable!("hyperparameters serialize to an object") };
        // Through from_json so aliases resolve and every value is checked.
        let specs = L::specs();
        for (k, v) in changes {
            let key = crate::params::find_spec(&specs, k).map_or(k.as_str(), |s| s.name);
            merged.insert(key.to_string(), v.clone());
        }
        Ok(Box::new(L::from_json(&merged)?))
    }
}

impl<T: Fitted> Model for T {
    fn kind(&self) -> &'static str {
        T::Estimator::NAME
    }

    fn task(&self) -> Task {
        Fitted::task(self)
    }

    fn n_features_in(&self) -> usize {
        Fitted::n_features_in(self)
    }

    fn parts(&self) -> Result<Parts> {
        self.save_state()
    }

    fn classes(&self) -> Option<&[String]> {
        Fitted::classes(self)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Fitted::predict_data(self, x)
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Fitted::predict_proba_data(self, x)
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Fitted::decision_function_data(self, x)
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Fitted::transform_data(self, x)
    }

    fn score_samples_data(&self, x: Features<'_>) -> Result<Array1<f64>> {
        Fitted::score_samples_data(self, x)
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        Fitted::feature_names_out(self, input)
    }

    fn kneighbors_data(&self, x: Option<Features<'_>>, n_neighbors: Option<usize>) -> Result<Neighbors> {
        Fitted::kneighbors_data(self, x, n_neighbors)
    }

    fn radius_neighbors_data(
        &self,
        x: Option<Features<'_>>,
        radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        Fitted::radius_neighbors_data(self, x, radius)
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        Fitted::attributes(self)
    }

    fn text(&self, feature_names: &[String], options: &Value) -> Result<String> {
        Fitted::text(self, feature_names, options)
    }
}
