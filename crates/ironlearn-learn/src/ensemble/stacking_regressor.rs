//! Regressors whose predictions feed a final regressor.
//!
//! Where voting weighs members by hand, scikit-learn's `StackingRegressor`
//! learns how far to trust each one from their out-of-fold predictions. Its
//! default final estimator is `RidgeCV`, which ironlearn lacks; the default
//! here is `ridge` (alpha 1). The shared procedure is in [`super::stacking`].

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    hyperparams, register, Data, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, SubModel, Task,
    TrainData,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::stacking::{member_output, out_of_fold, stack};
use crate::sub_estimators::{build_for, context, fit_named, fit_one, kfold};

hyperparams! {
    /// Trains a final regressor on the out-of-fold predictions of several regressors.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::StackingRegressor;
    /// let x = ndarray::array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [8.0], [9.0]];
    /// let y = Target::Values((0..10).map(|v| 2.0 * v as f64).collect());
    /// let stack = StackingRegressor {
    ///     estimators: vec![EstimatorSpec::new("linear_regression"), EstimatorSpec::new("k_neighbors_regressor")
    ///         .with(serde_json::json!({"n_neighbors": 2}))],
    ///     ..Default::default()
    /// };
    /// let model = stack.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_data(Features::Dense(x.view()))?.to_matrix().dim(), (10, 1));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "stacking_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, transform)]
    pub struct StackingRegressor {
        /// The regressors, each `{"name": N, "kind": K, "params": {...}}` (scikit-learn's list of
        /// `(name, estimator)`); the kind "drop" leaves one out.
        estimators: Vec<EstimatorSpec> = Vec::new();
        /// The regressor trained on the members' predictions; None: ridge (scikit-learn's default is
        /// RidgeCV, which ironlearn lacks).
        final_estimator: Option<EstimatorSpec> = None;
        /// The number of folds (scikit-learn's `KFold(cv)`, not shuffled) of the out-of-fold predictions.
        cv: usize = 5, domain(Domain::int_min(2));
        /// Whether the final estimator also sees the original features.
        passthrough: bool = false;
        /// Threads fitting the members (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`StackingRegressor`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StackingRegressorModel {
    params: StackingRegressor,
    /// The members, fitted on all rows (dropped ones left out).
    estimators: Vec<SubModel>,
    /// Their names.
    names: Vec<String>,
    /// The final regressor.
    final_estimator: SubModel,
    n_features: usize,
}

impl StackingRegressor {
    fn final_spec(&self) -> EstimatorSpec {
        self.final_estimator.clone().unwrap_or_else(|| EstimatorSpec::new("ridge"))
    }
}

impl StackingRegressorModel {
    /// The fitted members with their names.
    pub fn estimators(&self) -> impl Iterator<Item = (&str, &SubModel)> {
        self.names.iter().map(String::as_str).zip(&self.estimators)
    }

    /// The final regressor.
    pub fn final_estimator(&self) -> &SubModel {
        &self.final_estimator
    }

    /// The features the final estimator sees.
    fn meta(&self, x: Features<'_>) -> Result<Array2<f64>> {
        super::bagging::check_width(x, self.n_features, "StackingRegressor")?;
        let outs = self
            .estimators
            .iter()
            .zip(&self.names)
            .map(|(m, n)| member_output(&**m, "predict", x, None).map_err(|e| context(n, e)))
            .collect::<Result<Vec<_>>>()?;
        stack(&outs, self.params.passthrough.then_some(x))
    }
}

impl Learn for StackingRegressor {
    type Model = StackingRegressorModel;

    const EXAMPLE_PARAMS: &'static str = r#"{"estimators": [
        {"name": "ridge", "kind": "ridge"},
        {"name": "tree", "kind": "decision_tree_regressor", "params": {"max_depth": 3}}], "cv": 2}"#;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<StackingRegressorModel> {
        crate::sub_estimators::check_finite_input(data)?;
        data.values()?;
        let final_est = build_for(&self.final_spec(), Task::Regression)?;
        let folds = kfold(data.n_rows(), self.cv)?;
        let fitted = fit_named(&self.estimators, Task::Regression, data, self.n_jobs)?;
        let kept: Vec<&EstimatorSpec> = self.estimators.iter().filter(|s| !s.is_drop()).collect();
        let methods = vec!["predict".to_string(); kept.len()];
        let outs = out_of_fold(&kept, Task::Regression, &methods, data, &folds, None, self.n_jobs)?;
        let meta = stack(&outs, self.passthrough.then_some(data.x))?;
        let meta_data = TrainData { x: Features::Dense(meta.view()), ..*data };
        let final_estimator = fit_one(final_est.as_ref(), "final_estimator", &meta_data)?;
        let (names, estimators) = fitted.into_iter().unzip();
        Ok(StackingRegressorModel {
            params: self.clone(),
            estimators,
            names,
            final_estimator,
            n_features: data.x.n_cols(),
        })
    }
}

impl Fitted for StackingRegressorModel {
    type Estimator = StackingRegressor;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let meta = self.meta(x)?;
        self.final_estimator.predict_data(Features::Dense(meta.view())).map_err(|e| context("final_estimator", e))
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Ok(Data::Dense(self.meta(x)?))
    }
}

register!(StackingRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::{Estimator, Target};

    fn spec(name: &str, kind: &str, params: serde_json::Value) -> EstimatorSpec {
        EstimatorSpec { name: Some(name.into()), ..EstimatorSpec::new(kind).with(params) }
    }

    // scikit-learn 1.9.1, diabetes: est = [("ridge", Ridge(alpha=0.5)), ("knn", KNeighborsRegressor())]
    //   StackingRegressor(est, final_estimator=Ridge()).fit(X, y).predict(X)[[0, 1, 2, 100, 441]]
    //   StackingRegressor(est, final_estimator=Ridge(), passthrough=True, cv=3): the same rows
    #[test]
    fn stacks_as_scikit_learn() {
        let (x, y) = crate::test_data::load("diabetes");
        let y = Target::Values(y.iter().map(|v| v.parse().unwrap()).collect());
        let est = vec![
            spec("ridge", "ridge", serde_json::json!({"alpha": 0.5})),
            spec("knn", "k_neighbors_regressor", serde_json::json!({})),
        ];
        let cases: [(bool, usize, [f64; 5]); 2] = [
            (
                false,
                5,
                [205.22146366726616, 70.3708040666119, 176.48978678989687, 167.9293670295256, 55.01092312708047],
            ),
            (
                true,
                3,
                [206.1915882163662, 70.78425703075209, 177.64899932956405, 167.6571115088674, 51.673631520537356],
            ),
        ];
        for (passthrough, cv, want) in cases {
            let m = StackingRegressor { estimators: est.clone(), passthrough, cv, ..Default::default() }
                .fit_data(Features::Dense(x.view()), Some(&y), None)
                .unwrap();
            let p = m.predict_data(Features::Dense(x.view())).unwrap().to_matrix();
            for (&i, w) in [0, 1, 2, 100, 441].iter().zip(want) {
                assert!((p[[i, 0]] - w).abs() < 1e-6, "row {i}: {} vs {w}", p[[i, 0]]);
            }
        }
    }

    // scikit-learn 1.9.1, diabetes, sw = 1 + arange(442) % 3:
    //   StackingRegressor([("r", Ridge(alpha=0.5)), ("lr", LinearRegression())], final_estimator=Ridge())
    //   .fit(X, y, sample_weight=sw).predict(X)[[0, 1, 2, 100, 441]]
    #[test]
    fn sample_weights_reach_members_and_final() {
        let (x, y) = crate::test_data::load("diabetes");
        let y = Target::Values(y.iter().map(|v| v.parse().unwrap()).collect());
        let sw: Vec<f64> = (0..442).map(|i| 1.0 + (i % 3) as f64).collect();
        let est = vec![
            spec("r", "ridge", serde_json::json!({"alpha": 0.5})),
            spec("lr", "linear_regression", serde_json::json!({})),
        ];
        let m = StackingRegressor { estimators: est, ..Default::default() }
            .fit_data(Features::Dense(x.view()), Some(&y), Some(&sw))
            .unwrap();
        let p = m.predict_data(Features::Dense(x.view())).unwrap().to_matrix();
        let want = [204.84994679922258, 70.43933108824855, 177.1268004629717, 166.80960471846421, 59.243087671053345];
        for (&i, w) in [0, 1, 2, 100, 441].iter().zip(want) {
            assert!((p[[i, 0]] - w).abs() < 1e-6, "row {i}: {} vs {w}", p[[i, 0]]);
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let x = ndarray::array![[0.0], [1.0], [2.0]];
        let y = Target::Values(vec![0.0, 1.0, 2.0]);
        let est = vec![spec("lr", "linear_regression", serde_json::json!({}))];
        let e = StackingRegressor { estimators: est.clone(), ..Default::default() }
            .fit_data(Features::Dense(x.view()), Some(&y), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Cannot have number of splits n_splits=5 greater than the number of samples: n_samples=3"));
        let e = StackingRegressor {
            estimators: est,
            final_estimator: Some(EstimatorSpec::new("gaussian_nb")),
            cv: 2,
            ..Default::default()
        }
        .fit_data(Features::Dense(x.view()), Some(&y), None)
        .unwrap_err()
        .to_string();
        assert!(e.contains("classification") && e.contains("gaussian_nb"), "{e}");
    }
}
