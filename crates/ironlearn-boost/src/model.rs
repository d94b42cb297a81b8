//! The booster as an estimator: typed fitting, the dynamic traits, the model file.

use ironlearn_core::{
    register, Attribute, Error, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Parts, Predict, Prediction,
    Result, SaveState, Target, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};

use crate::booster::{GbdtModel, Importance};
use crate::train::train;
use crate::Gbdt;

impl Gbdt {
    /// Fits on any features (a matrix or a table with categorical columns).
    pub fn fit_features(&self, x: Features<'_>, y: &Target, sample_weight: Option<&[f64]>) -> Result<GbdtModel> {
        let data = TrainData { weight: sample_weight, ..TrainData::supervised(x.reborrow(), y) };
        train(self, &data, &mut FitContext::default())
    }
}

impl Fit<[f64]> for Gbdt {
    type Fitted = GbdtModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<GbdtModel> {
        self.fit_features(Features::Dense(x), &Target::Values(y.to_vec()), w)
    }
}

impl Fit<Labels> for Gbdt {
    type Fitted = GbdtModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<GbdtModel> {
        self.fit_features(Features::Dense(x), &Target::Labels(y.clone()), w)
    }
}

impl GbdtModel {
    /// Whether the model predicts classes.
    pub fn is_classifier(&self) -> bool {
        self.classes.is_some()
    }

    /// Predicted values of a regressor (after the objective's transform).
    pub fn predict_values(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        if self.is_classifier() {
            return Err(Error::Unsupported("this booster is a classifier; use predict_labels or predict_proba".into()));
        }
        Ok(self.predict_transformed(Features::Dense(x), None)?.column(0).to_owned())
    }

    /// Class probabilities of a classifier, one column per class.
    pub fn predict_proba_features(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let p = self.predict_transformed(x, None)?;
        if !self.is_classifier() {
            return Err(Error::Unsupported("this booster is a regressor; it has no class probabilities".into()));
        }
        if self.num_outputs == 1 {
            let mut out = Array2::zeros((p.nrows(), 2));
            for (i, v) in p.column(0).iter().enumerate() {
                out[[i, 0]] = 1.0 - v;
                out[[i, 1]] = *v;
            }
            return Ok(out);
        }
        Ok(p)
    }

    /// Predicted labels of a classifier.
    pub fn predict_labels(&self, x: Features<'_>) -> Result<Labels> {
        let classes = self.classes.clone().ok_or_else(|| Error::Unsupported("this booster is a regressor".into()))?;
        let p = self.predict_proba_features(x)?;
        let codes = p.axis_iter(Axis(0)).map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32).collect();
        Labels::new(classes, codes)
    }
}

impl Predict for GbdtModel {
    type Output = Prediction;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Prediction> {
        self.predict_data(Features::Dense(x))
    }
}

impl Learn for Gbdt {
    type Model = GbdtModel;

    fn task(&self) -> Option<Task> {
        match self.objective.as_str() {
            "auto" => None,
            "binary" | "multiclass" | "softmax" | "multiclassova" | "multiclass_ova" | "ova" | "ovr" => {
                Some(Task::Classification)
            }
            "lambdarank" | "rank_xendcg" | "xendcg" | "xe_ndcg" | "xe_ndcg_mart" | "xendcg_mart" => Some(Task::Ranking),
            _ => Some(Task::Regression),
        }
    }

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<GbdtModel> {
        train(self, data, ctx)
    }
}

register!(Gbdt);

impl Fitted for GbdtModel {
    type Estimator = Gbdt;

    fn task(&self) -> Task {
        if self.is_classifier() {
            Task::Classification
        } else if matches!(self.objective.as_str(), "lambdarank" | "rank_xendcg") {
            Task::Ranking
        } else {
            Task::Regression
        }
    }

    fn n_features_in(&self) -> usize {
        self.features.len()
    }

    fn classes(&self) -> Option<&[String]> {
        self.classes.as_deref()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        if self.is_classifier() {
            Ok(Prediction::Labels(self.predict_labels(x)?))
        } else {
            Ok(Prediction::Values(self.predict_transformed(x, None)?.column(0).to_owned()))
        }
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_proba_features(x)
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_raw(x, None)
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        let mut a = vec![
            (
                "feature_importances_".to_string(),
                Attribute::Array(Array1::from(self.feature_importance(Importance::Split, None)).into_dyn()),
            ),
            (
                "feature_importances_gain_".to_string(),
                Attribute::Array(Array1::from(self.feature_importance(Importance::Gain, None)).into_dyn()),
            ),
            ("n_iter_".to_string(), Attribute::Number(self.num_iterations() as f64)),
            ("feature_name_".to_string(), Attribute::Strings(self.feature_names())),
        ];
        if let Some(b) = self.best_iteration {
            a.push(("best_iteration_".to_string(), Attribute::Number(b as f64)));
        }
        if let Some(c) = &self.classes {
            a.push(("classes_".to_string(), Attribute::Strings(c.clone())));
        }
        a
    }
}

/// The trees travel as a few concatenated arrays with per-tree offsets, not
/// as one array per tree field, so a 500-tree model is a dozen arrays.
impl SaveState for GbdtModel {
    fn save_state(&self) -> Result<Parts> {
        // The thread count never changes the model, so it is not part of the file.
        let params = Gbdt { num_threads: 0, ..self.params.clone() };
        Ok(Parts { params: params.to_json(), state: self.state_json(), arrays: self.trees_to_arrays() })
    }

    fn load_state(parts: &Parts) -> Result<Self> {
        let s = &parts.state;
        let bad = |what: &str| Error::ModelFile(format!("gbdt state: {what}"));
        let field = |name: &str| -> Result<serde_json::Value> {
            s.get(name).cloned().ok_or_else(|| bad(&format!("'{name}' is missing")))
        };
        let de = |name: &str| -> Result<serde_json::Value> { field(name) };
        let features: Vec<crate::FeatureInfo> =
            serde_json::from_value(de("features")?).map_err(|e| bad(&e.to_string()))?;
        let n_trees = field("n_trees")?.as_u64().ok_or_else(|| bad("n_trees"))? as usize;
        let num_outputs = field("num_outputs")?.as_u64().ok_or_else(|| bad("num_outputs"))? as usize;
        if num_outputs == 0 || !n_trees.is_multiple_of(num_outputs) {
            return Err(bad("the tree count is not a multiple of the outputs"));
        }
        let init_score: Vec<f64> = serde_json::from_value(de("init_score")?).map_err(|e| bad(&e.to_string()))?;
        if init_score.len() != num_outputs {
            return Err(bad("init_score has the wrong length"));
        }
        Ok(GbdtModel {
            params: Gbdt::from_value(&parts.params)?,
            trees: GbdtModel::trees_from_arrays(&parts.arrays, n_trees, features.len())?,
            features,
            objective: field("objective")?.as_str().unwrap_or("custom").to_string(),
            transform: serde_json::from_value(de("transform")?).map_err(|e| bad(&e.to_string()))?,
            num_outputs,
            classes: serde_json::from_value(de("classes")?).map_err(|e| bad(&e.to_string()))?,
            init_score,
            best_iteration: s.get("best_iteration").and_then(serde_json::Value::as_u64).map(|v| v as usize),
            evals: s
                .get("evals")
                .cloned()
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| bad(&e.to_string()))?
                .unwrap_or_default(),
            source: s.get("source").and_then(|v| v.as_str()).unwrap_or("ironlearn").to_string(),
            packed: Default::default(),
        })
    }
}
