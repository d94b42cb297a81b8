//! Several classifiers voting on each row.
//!
//! Models that err differently cancel each other's mistakes; scikit-learn's
//! `VotingClassifier` is the simplest way to use that, by majority of the
//! predicted labels ("hard") or by the average of the probabilities
//! ("soft"), optionally weighted.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, SubModel, Tags,
    Task, TrainData,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::sub_estimators::{average, check_weights, codes_in, fit_named, labels, proba_in};

hyperparams! {
    /// Combines classifiers by majority vote ("hard") or by their averaged probabilities ("soft").
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Labels, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::VotingClassifier;
    /// let x = ndarray::array![[0.0], [0.2], [0.9], [1.1], [2.0], [2.2]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "b", "b", "c", "c"]));
    /// let vote = VotingClassifier {
    ///     estimators: vec![EstimatorSpec::new("gaussian_nb"), EstimatorSpec::new("decision_tree_classifier")],
    ///     voting: "soft".into(),
    ///     ..Default::default()
    /// };
    /// let model = vote.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_proba_data(Features::Dense(x.view()))?.dim(), (6, 3));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "voting_classifier"]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba)]
    pub struct VotingClassifier {
        /// The classifiers, each `{"name": N, "kind": K, "params": {...}}` (scikit-learn's list of
        /// `(name, estimator)`); the kind "drop" leaves one out.
        estimators: Vec<EstimatorSpec> = Vec::new();
        /// "hard": the most voted label; "soft": the largest averaged probability.
        voting: String = "hard".into(), domain(Domain::choice(&["hard", "soft"]));
        /// A weight per kept estimator, for its votes or probabilities (None: equal).
        weights: Option<Vec<f64>> = None;
        /// Threads fitting the estimators (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None;
    }
}

/// A fitted [`VotingClassifier`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VotingClassifierModel {
    params: VotingClassifier,
    classes: Vec<String>,
    /// The fitted estimators, in the order given (dropped ones left out).
    estimators: Vec<SubModel>,
    /// Their names.
    names: Vec<String>,
    n_features: usize,
}

impl VotingClassifierModel {
    /// The fitted estimators with their names.
    pub fn estimators(&self) -> impl Iterator<Item = (&str, &SubModel)> {
        self.names.iter().map(String::as_str).zip(&self.estimators)
    }

    fn soft(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let probs = self
            .estimators
            .iter()
            .zip(&self.names)
            .map(|(m, n)| proba_in(&**m, x, &self.classes).map_err(|e| crate::sub_estimators::context(n, e)))
            .collect::<Result<Vec<_>>>()?;
        Ok(average(&probs, self.params.weights.as_deref()))
    }
}

impl Learn for VotingClassifier {
    type Model = VotingClassifierModel;

    const EXAMPLE_PARAMS: &'static str = r#"{"estimators": [
        {"name": "lr", "kind": "logistic_regression"},
        {"name": "nb", "kind": "gaussian_nb"},
        {"name": "tree", "kind": "decision_tree_classifier", "params": {"max_depth": 3}}]}"#;

    fn tags(&self) -> Tags {
        Tags { predict_proba: self.voting == "soft", ..<Self as ironlearn_core::Params>::TAGS }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<VotingClassifierModel> {
        crate::sub_estimators::check_finite_input(data)?;
        let labels = data.labels()?;
        let kept = self.estimators.iter().filter(|s| !s.is_drop()).count();
        check_weights(self.weights.as_deref(), kept)?;
        let fitted = fit_named(&self.estimators, Task::Classification, data, self.n_jobs)?;
        let (names, estimators) = fitted.into_iter().unzip();
        Ok(VotingClassifierModel {
            params: self.clone(),
            classes: labels.classes().to_vec(),
            estimators,
            names,
            n_features: data.x.n_cols(),
        })
    }
}

impl Fitted for VotingClassifierModel {
    type Estimator = VotingClassifier;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        if self.params.voting == "soft" {
            let p = self.soft(x)?;
            return labels(
                &self.classes,
                p.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied())),
            );
        }
        let mut votes = Array2::<f64>::zeros((x.n_rows(), self.classes.len()));
        for (i, (m, n)) in self.estimators.iter().zip(&self.names).enumerate() {
            let w = self.params.weights.as_ref().map_or(1.0, |w| w[i]);
            let codes = codes_in(&**m, x, &self.classes).map_err(|e| crate::sub_estimators::context(n, e))?;
            for (r, c) in codes.into_iter().enumerate() {
                votes[[r, c]] += w;
            }
        }
        labels(&self.classes, votes.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied())))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        ensure!(
            self.params.voting == "soft",
            Unsupported,
            "predict_proba is not available when voting='hard'; fit with voting='soft'"
        );
        self.soft(x)
    }
}

register!(VotingClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::{Estimator, Labels, Target};

    fn iris() -> (Array2<f64>, Target) {
        let (x, y) = crate::test_data::load("iris");
        (x, Target::Labels(Labels::from_strings(&y)))
    }

    fn specs() -> Vec<EstimatorSpec> {
        let mut lr = EstimatorSpec::new("logistic_regression").with(serde_json::json!({"max_iter": 1000}));
        lr.name = Some("lr".into());
        let mut nb = EstimatorSpec::new("gaussian_nb");
        nb.name = Some("nb".into());
        let mut tree = EstimatorSpec::new("decision_tree_classifier").with(serde_json::json!({"max_depth": 2}));
        tree.name = Some("tree".into());
        vec![lr, nb, tree]
    }

    // scikit-learn 1.9.1, X, y = iris (data/iris.csv):
    //   est = [("lr", LogisticRegression(max_iter=1000)), ("nb", GaussianNB()),
    //          ("tree", DecisionTreeClassifier(max_depth=2, random_state=0))]
    //   VotingClassifier(est, voting=v, weights=w).fit(X, y).predict(X)[PROBE]  (the rows where they disagree)
    //   VotingClassifier(est, voting="soft").fit(X, y).predict_proba(X)[77]
    const PROBE: [usize; 7] = [52, 77, 83, 119, 129, 133, 134];

    #[test]
    fn votes_as_scikit_learn() {
        let (x, y) = iris();
        let (c, v) = ("versicolor", "virginica");
        type Case<'a> = (&'a str, Option<Vec<f64>>, [&'a str; 7]);
        let cases: [Case<'_>; 3] = [
            ("hard", None, [c, v, c, c, v, c, v]),
            ("soft", None, [c, v, c, c, v, c, c]),
            ("soft", Some(vec![1.0, 1.0, 3.0]), [c; 7]),
        ];
        for (voting, weights, want) in cases {
            let est = VotingClassifier { estimators: specs(), voting: voting.into(), weights, ..Default::default() };
            let m = est.fit_data(Features::Dense(x.view()), Some(&y), None).unwrap();
            let Prediction::Labels(p) = m.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
            let got: Vec<&str> = PROBE.iter().map(|&i| p.label(i)).collect();
            assert_eq!(got, want, "{voting}");
        }
        let est = VotingClassifier { estimators: specs(), voting: "soft".into(), ..Default::default() };
        let p = est.fit_data(Features::Dense(x.view()), Some(&y), None).unwrap();
        let p = p.predict_proba_data(Features::Dense(x.view())).unwrap();
        for (got, want) in p.row(77).iter().zip([0.00019152462682424864, 0.4879985258903889, 0.511809949482787]) {
            // LogisticRegression's L-BFGS stops within its tol of scikit-learn's optimum.
            assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        }
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = iris();
        let fit = |e: VotingClassifier| e.fit_data(Features::Dense(x.view()), Some(&y), None).unwrap_err().to_string();
        assert!(fit(VotingClassifier::default()).contains("at least one estimator"));
        let e = fit(VotingClassifier { estimators: specs(), weights: Some(vec![1.0]), ..Default::default() });
        assert!(e.contains("weights") && e.contains("equal"), "{e}");
        let e = fit(VotingClassifier { estimators: vec![EstimatorSpec::new("ridge")], ..Default::default() });
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let mut twice = specs();
        twice[1].name = Some("lr".into());
        assert!(fit(VotingClassifier { estimators: twice, ..Default::default() }).contains("'lr' is given twice"));
        let m = VotingClassifier { estimators: specs(), ..Default::default() }
            .fit_data(Features::Dense(x.view()), Some(&y), None)
            .unwrap();
        assert!(m.predict_proba_data(Features::Dense(x.view())).unwrap_err().to_string().contains("voting='hard'"));
    }
}
