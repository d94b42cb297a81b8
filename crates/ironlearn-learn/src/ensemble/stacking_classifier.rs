//! Classifiers whose outputs feed a final classifier.
//!
//! Where voting weighs members by hand, scikit-learn's `StackingClassifier`
//! learns how far to trust each one (and in which region) from their
//! out-of-fold outputs. The shared procedure is in [`super::stacking`].

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    hyperparams, register, Data, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, SubModel, Tags, Task,
    TrainData,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::stacking::{member_output, out_of_fold, resolve_method, stack};
use crate::sub_estimators::{build_for, context, fit_named, fit_one, proba_in, stratified_kfold};

hyperparams! {
    /// Trains a final classifier on the out-of-fold outputs of several classifiers.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Labels, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::StackingClassifier;
    /// let x = ndarray::array![[0.0], [0.1], [0.2], [0.3], [0.4], [1.0], [1.1], [1.2], [1.3], [1.4]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"]));
    /// let stack = StackingClassifier {
    ///     estimators: vec![EstimatorSpec::new("gaussian_nb"), EstimatorSpec::new("k_neighbors_classifier")
    ///         .with(serde_json::json!({"n_neighbors": 3}))],
    ///     ..Default::default()
    /// };
    /// let model = stack.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_proba_data(Features::Dense(x.view()))?.dim(), (10, 2));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "stacking_classifier"]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, decision_function, transform)]
    pub struct StackingClassifier {
        /// The classifiers, each `{"name": N, "kind": K, "params": {...}}` (scikit-learn's list of
        /// `(name, estimator)`); the kind "drop" leaves one out.
        estimators: Vec<EstimatorSpec> = Vec::new();
        /// The classifier trained on the members' outputs; None: logistic_regression.
        final_estimator: Option<EstimatorSpec> = None;
        /// The number of stratified folds (scikit-learn's `StratifiedKFold(cv)`, not shuffled) of the
        /// out-of-fold outputs.
        cv: usize = 5, domain(Domain::int_min(2));
        /// Each member's output: "auto" (predict_proba, else decision_function, else predict),
        /// "predict_proba", "decision_function" or "predict".
        stack_method: String = "auto".into(),
            domain(Domain::choice(&["auto", "predict_proba", "decision_function", "predict"]));
        /// Whether the final estimator also sees the original features.
        passthrough: bool = false;
        /// Threads fitting the members (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`StackingClassifier`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StackingClassifierModel {
    params: StackingClassifier,
    classes: Vec<String>,
    /// The members, fitted on all rows (dropped ones left out).
    estimators: Vec<SubModel>,
    /// Their names.
    names: Vec<String>,
    /// The output each member gives the final estimator.
    stack_method: Vec<String>,
    /// The final classifier.
    final_estimator: SubModel,
    n_features: usize,
}

impl StackingClassifier {
    fn final_spec(&self) -> EstimatorSpec {
        self.final_estimator.clone().unwrap_or_else(|| EstimatorSpec::new("logistic_regression"))
    }
}

impl StackingClassifierModel {
    /// The fitted members with their names.
    pub fn estimators(&self) -> impl Iterator<Item = (&str, &SubModel)> {
        self.names.iter().map(String::as_str).zip(&self.estimators)
    }

    /// The final classifier.
    pub fn final_estimator(&self) -> &SubModel {
        &self.final_estimator
    }

    /// The features the final estimator sees.
    fn meta(&self, x: Features<'_>) -> Result<Array2<f64>> {
        super::bagging::check_width(x, self.n_features, "StackingClassifier")?;
        let outs = self
            .estimators
            .iter()
            .zip(&self.names)
            .zip(&self.stack_method)
            .map(|((m, n), s)| member_output(&**m, s, x, Some(&self.classes)).map_err(|e| context(n, e)))
            .collect::<Result<Vec<_>>>()?;
        stack(&outs, self.params.passthrough.then_some(x))
    }
}

impl Learn for StackingClassifier {
    type Model = StackingClassifierModel;

    const EXAMPLE_PARAMS: &'static str = r#"{"estimators": [
        {"name": "nb", "kind": "gaussian_nb"},
        {"name": "tree", "kind": "decision_tree_classifier", "params": {"max_depth": 3}}], "cv": 2}"#;

    fn tags(&self) -> Tags {
        let (proba, decision) = self
            .final_spec()
            .build()
            .map(|e| (e.tags().predict_proba, e.tags().decision_function))
            .unwrap_or((true, true));
        Tags { predict_proba: proba, decision_function: decision, ..<Self as ironlearn_core::Params>::TAGS }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<StackingClassifierModel> {
        crate::sub_estimators::check_finite_input(data)?;
        let labels = data.labels()?;
        let classes = labels.classes().to_vec();
        let final_est = build_for(&self.final_spec(), Task::Classification)?;
        let folds = stratified_kfold(&labels, self.cv)?;
        let fitted = fit_named(&self.estimators, Task::Classification, data, self.n_jobs)?;
        let kept: Vec<&EstimatorSpec> = self.estimators.iter().filter(|s| !s.is_drop()).collect();
        let methods = kept
            .iter()
            .zip(&fitted)
            .map(|(s, (_, m))| Ok(resolve_method(&self.stack_method, &*s.build()?, &**m, data.x)))
            .collect::<Result<Vec<_>>>()?;
        let outs = out_of_fold(&kept, Task::Classification, &methods, data, &folds, Some(&classes), self.n_jobs)?;
        let meta = stack(&outs, self.passthrough.then_some(data.x))?;
        let meta_data = TrainData { x: Features::Dense(meta.view()), ..*data };
        let final_estimator = fit_one(final_est.as_ref(), "final_estimator", &meta_data)?;
        let (names, estimators) = fitted.into_iter().unzip();
        Ok(StackingClassifierModel {
            params: self.clone(),
            classes,
            estimators,
            names,
            stack_method: methods,
            final_estimator,
            n_features: data.x.n_cols(),
        })
    }
}

impl Fitted for StackingClassifierModel {
    type Estimator = StackingClassifier;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let meta = self.meta(x)?;
        self.final_estimator.predict_data(Features::Dense(meta.view())).map_err(|e| context("final_estimator", e))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let meta = self.meta(x)?;
        proba_in(&*self.final_estimator, Features::Dense(meta.view()), &self.classes)
            .map_err(|e| context("final_estimator", e))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let meta = self.meta(x)?;
        self.final_estimator
            .decision_function_data(Features::Dense(meta.view()))
            .map_err(|e| context("final_estimator", e))
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Ok(Data::Dense(self.meta(x)?))
    }
}

register!(StackingClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::{Estimator, Labels, Target};

    fn iris() -> (Array2<f64>, Vec<String>) {
        crate::test_data::load("iris")
    }

    fn spec(name: &str, kind: &str) -> EstimatorSpec {
        EstimatorSpec { name: Some(name.into()), ..EstimatorSpec::new(kind) }
    }

    fn members() -> Vec<EstimatorSpec> {
        let lr = EstimatorSpec::new("logistic_regression").with(serde_json::json!({"max_iter": 1000}));
        vec![spec("nb", "gaussian_nb"), EstimatorSpec { name: Some("lr".into()), ..lr }]
    }

    fn close(got: &Array2<f64>, rows: &[usize], want: &[&[f64]], tol: f64) {
        for (&r, w) in rows.iter().zip(want) {
            for (g, w) in got.row(r).iter().zip(*w) {
                assert!((g - w).abs() < tol, "row {r}: {g} vs {w}");
            }
        }
    }

    // scikit-learn 1.9.1, iris: est = [("nb", GaussianNB()), ("lr", LogisticRegression(max_iter=1000))]
    // (not KNeighbors: iris has distance ties that the two libraries break differently)
    //   StackingClassifier(est).fit(X, y).predict_proba(X)[[0, 50, 77, 100, 133]]
    //   StackingClassifier(est, stack_method="predict", passthrough=True, cv=3).fit(X, y).predict_proba(...)
    // The final LogisticRegression's L-BFGS stops within its tol of scikit-learn's optimum.
    #[test]
    fn stacks_as_scikit_learn() {
        let (x, y) = iris();
        let y = Target::Labels(Labels::from_strings(&y));
        let rows = [0, 50, 77, 100, 133];
        let m = StackingClassifier { estimators: members(), ..Default::default() }
            .fit_data(Features::Dense(x.view()), Some(&y), None)
            .unwrap();
        let want: [&[f64]; 5] = [
            &[0.9695307649332525, 0.0157043544178573, 0.01476488064889017],
            &[0.01578119307900919, 0.9284470126438182, 0.05577179427717247],
            &[0.02986823186262887, 0.25797686702387695, 0.7121549011134942],
            &[0.01006481292435825, 0.02204831868854704, 0.9678868683870948],
            &[0.03237730352055824, 0.5868059816759537, 0.38081671480348817],
        ];
        close(&m.predict_proba_data(Features::Dense(x.view())).unwrap(), &rows, &want, 1e-3);
        assert_eq!(m.transform_data(Features::Dense(x.view())).unwrap().into_dense().unwrap().ncols(), 6);
        let est = StackingClassifier {
            estimators: members(),
            stack_method: "predict".into(),
            passthrough: true,
            cv: 3,
            ..Default::default()
        };
        let m = est.fit_data(Features::Dense(x.view()), Some(&y), None).unwrap();
        let want: [&[f64]; 5] = [
            &[0.9852123657143319, 0.01478760571420829, 2.857145972369586e-8],
            &[0.0021938936558336475, 0.9568008159127604, 0.04100529043140584],
            &[7.602459046409781e-5, 0.23052900197326376, 0.7693949734362721],
            &[6.126183920244755e-7, 0.01023119134222791, 0.98976819603938],
            &[0.0003232053872085134, 0.3742938836030689, 0.6253829110097225],
        ];
        close(&m.predict_proba_data(Features::Dense(x.view())).unwrap(), &rows, &want, 1e-3);
    }

    // scikit-learn 1.9.1, iris: StackingClassifier([("rc", RidgeClassifier()), ("nb", GaussianNB())]).fit(X, y):
    //   stack_method_ == ["decision_function", "predict_proba"], predict_proba(X)[[0, 50, 77, 100, 133]]
    #[test]
    fn auto_picks_decision_function_without_probabilities() {
        let (x, y) = iris();
        let y = Target::Labels(Labels::from_strings(&y));
        let est = StackingClassifier {
            estimators: vec![spec("rc", "ridge_classifier"), spec("nb", "gaussian_nb")],
            ..Default::default()
        };
        let m = est.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default()).unwrap();
        assert_eq!(m.stack_method, ["decision_function", "predict_proba"]);
        let want: [&[f64]; 5] = [
            &[0.9822664992039942, 0.017580499904644914, 0.00015300089136077044],
            &[0.02634434806649822, 0.8967105315678736, 0.07694512036562812],
            &[0.018812220959309428, 0.1793555411041509, 0.8018322379365397],
            &[0.0007411843680282937, 0.02473843102041052, 0.9745203846115613],
            &[0.010248627377004266, 0.6548731950277868, 0.33487817759520877],
        ];
        close(&m.predict_proba_data(Features::Dense(x.view())).unwrap(), &[0, 50, 77, 100, 133], &want, 1e-3);
    }

    // scikit-learn 1.9.1, iris rows 50.. (two classes): StackingClassifier(est).fit(Xb, yb):
    //   transform(Xb).shape == (100, 2) (the first probability column dropped), predict_proba(Xb)[[0, 20, 27, 70]]
    #[test]
    fn binary_keeps_one_probability_column() {
        let (x, y) = iris();
        let xb = x.slice(ndarray::s![50.., ..]).to_owned();
        let y = Target::Labels(Labels::from_strings(&y[50..]));
        let m = StackingClassifier { estimators: members(), ..Default::default() }
            .fit_data(Features::Dense(xb.view()), Some(&y), None)
            .unwrap();
        assert_eq!(m.transform_data(Features::Dense(xb.view())).unwrap().into_dense().unwrap().ncols(), 2);
        let want: [&[f64]; 4] = [
            &[0.8553828182158207, 0.1446171817841793],
            &[0.3053105574869196, 0.6946894425130804],
            &[0.2477694138912354, 0.7522305861087646],
            &[0.07237349111940261, 0.9276265088805974],
        ];
        close(&m.predict_proba_data(Features::Dense(xb.view())).unwrap(), &[0, 20, 27, 70], &want, 1e-3);
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = iris();
        let y = Target::Labels(Labels::from_strings(&y));
        let fit = |e: StackingClassifier, n: usize| {
            let x = x.slice(ndarray::s![..n, ..]);
            let y = match &y {
                Target::Labels(l) => {
                    Target::Labels(Labels::from_strings(&l.take(&(0..n).collect::<Vec<_>>()).to_strings()))
                }
                _ => unreachable!(),
            };
            e.fit_data(Features::Dense(x), Some(&y), None).unwrap_err().to_string()
        };
        let x3 = ndarray::array![[0.0], [1.0], [2.0], [3.0]];
        let y3 = Target::Labels(Labels::from_strings(&["a", "a", "b", "b"]));
        let e = StackingClassifier { estimators: members(), ..Default::default() }
            .fit_data(Features::Dense(x3.view()), Some(&y3), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Cannot have number of splits n_splits=5 greater than the number of samples: n_samples=4"));
        let x6 = ndarray::array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let y6 = Target::Labels(Labels::from_strings(&["a", "a", "b", "b", "c", "c"]));
        let e = StackingClassifier { estimators: members(), cv: 3, ..Default::default() }
            .fit_data(Features::Dense(x6.view()), Some(&y6), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("n_splits=3 cannot be greater than the number of members in each class."), "{e}");
        let e = fit(StackingClassifier { estimators: vec![spec("r", "ridge")], ..Default::default() }, 150);
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let e = fit(
            StackingClassifier {
                estimators: members(),
                final_estimator: Some(EstimatorSpec::new("ridge")),
                ..Default::default()
            },
            150,
        );
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let e = fit(StackingClassifier { estimators: members(), cv: 1, ..Default::default() }, 150);
        assert!(e.contains("cv"), "{e}");
        let e = fit(StackingClassifier::default(), 150);
        assert!(e.contains("at least one estimator"), "{e}");
    }
}
