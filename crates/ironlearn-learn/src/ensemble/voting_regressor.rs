//! Several regressors averaged.
//!
//! scikit-learn's `VotingRegressor`: the (weighted) mean of the members'
//! predictions, which is steadier than any one member when their errors
//! differ.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    hyperparams, register, Features, FitContext, Fitted, Learn, Prediction, Result, SubModel, Task, TrainData,
};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

use crate::sub_estimators::{check_weights, context, fit_named, values_of};

hyperparams! {
    /// Averages the predictions of several regressors, optionally weighted.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::VotingRegressor;
    /// let x = ndarray::array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Target::Values(vec![0.0, 1.0, 2.0, 3.0]);
    /// let vote = VotingRegressor {
    ///     estimators: vec![EstimatorSpec::new("linear_regression"), EstimatorSpec::new("dummy_regressor")],
    ///     ..Default::default()
    /// };
    /// let model = vote.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// // (linear fit 3.0 + mean 1.5) / 2
    /// assert!((model.predict_data(Features::Dense(x.view()))?.to_matrix()[[3, 0]] - 2.25).abs() < 1e-9);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "voting_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight)]
    pub struct VotingRegressor {
        /// The regressors, each `{"name": N, "kind": K, "params": {...}}` (scikit-learn's list of
        /// `(name, estimator)`); the kind "drop" leaves one out.
        estimators: Vec<EstimatorSpec> = Vec::new();
        /// A weight per kept estimator (None: equal).
        weights: Option<Vec<f64>> = None;
        /// Threads fitting the estimators (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None;
    }
}

/// A fitted [`VotingRegressor`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VotingRegressorModel {
    params: VotingRegressor,
    /// The fitted estimators, in the order given (dropped ones left out).
    estimators: Vec<SubModel>,
    /// Their names.
    names: Vec<String>,
    n_features: usize,
}

impl VotingRegressorModel {
    /// The fitted estimators with their names.
    pub fn estimators(&self) -> impl Iterator<Item = (&str, &SubModel)> {
        self.names.iter().map(String::as_str).zip(&self.estimators)
    }
}

impl Learn for VotingRegressor {
    type Model = VotingRegressorModel;

    const EXAMPLE_PARAMS: &'static str = r#"{"estimators": [
        {"name": "ridge", "kind": "ridge"},
        {"name": "tree", "kind": "decision_tree_regressor", "params": {"max_depth": 3}}]}"#;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<VotingRegressorModel> {
        crate::sub_estimators::check_finite_input(data)?;
        data.values()?;
        let kept = self.estimators.iter().filter(|s| !s.is_drop()).count();
        check_weights(self.weights.as_deref(), kept)?;
        let (names, estimators) = fit_named(&self.estimators, Task::Regression, data, self.n_jobs)?.into_iter().unzip();
        Ok(VotingRegressorModel { params: self.clone(), estimators, names, n_features: data.x.n_cols() })
    }
}

impl Fitted for VotingRegressorModel {
    type Estimator = VotingRegressor;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let weights = self.params.weights.as_deref();
        let total: f64 = weights.map_or(self.estimators.len() as f64, |w| w.iter().sum());
        let mut out = Array1::zeros(x.n_rows());
        for (i, (m, n)) in self.estimators.iter().zip(&self.names).enumerate() {
            let v = values_of(&**m, x).map_err(|e| context(n, e))?;
            let w = weights.map_or(1.0, |w| w[i]) / total;
            out.iter_mut().zip(v).for_each(|(o, p)| *o += w * p);
        }
        Ok(Prediction::Values(out))
    }
}

register!(VotingRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::{Estimator, Target};

    fn spec(name: &str, kind: &str, params: serde_json::Value) -> EstimatorSpec {
        EstimatorSpec { name: Some(name.into()), ..EstimatorSpec::new(kind).with(params) }
    }

    // scikit-learn 1.9.1, X, y = diabetes (data/diabetes.csv):
    //   est = [("ridge", Ridge(alpha=0.5)), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    //          ("knn", KNeighborsRegressor())]
    //   VotingRegressor(est, weights=w).fit(X, y).predict(X)[[0, 1, 2, 100, 441]]
    #[test]
    fn averages_as_scikit_learn() {
        let (x, y) = crate::test_data::load("diabetes");
        let y = Target::Values(y.iter().map(|v| v.parse().unwrap()).collect());
        let est = vec![
            spec("ridge", "ridge", serde_json::json!({"alpha": 0.5})),
            spec("tree", "decision_tree_regressor", serde_json::json!({"max_depth": 3})),
            spec("knn", "k_neighbors_regressor", serde_json::json!({})),
        ];
        let cases: [(Option<Vec<f64>>, [f64; 5]); 2] = [
            (None, [195.87087159246653, 89.34739286035683, 178.74752521480286, 177.87555274737846, 83.45059159898459]),
            (
                Some(vec![1.0, 2.0, 0.5]),
                [202.7382980996652, 83.80320748574805, 191.23257263309634, 189.599453375304, 79.0345206902861],
            ),
        ];
        for (weights, want) in cases {
            let m = VotingRegressor { estimators: est.clone(), weights, ..Default::default() }
                .fit_data(Features::Dense(x.view()), Some(&y), None)
                .unwrap();
            let p = m.predict_data(Features::Dense(x.view())).unwrap().to_matrix();
            for (&i, w) in [0, 1, 2, 100, 441].iter().zip(want) {
                assert!((p[[i, 0]] - w).abs() < 1e-6, "row {i}: {} vs {w}", p[[i, 0]]);
            }
        }
        let dropped = vec![est[0].clone(), EstimatorSpec { name: Some("tree".into()), ..EstimatorSpec::new("drop") }];
        let m = VotingRegressor { estimators: dropped, ..Default::default() }
            .learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())
            .unwrap();
        assert_eq!(m.estimators().map(|(n, _)| n).collect::<Vec<_>>(), ["ridge"]);
    }
}
