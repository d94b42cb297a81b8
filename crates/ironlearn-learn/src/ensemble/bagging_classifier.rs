//! Any classifier, averaged over bootstraps of the rows and draws of the columns.
//!
//! Random forests do this for trees only; scikit-learn's `BaggingClassifier`
//! lowers the variance of any unstable classifier (deep trees, k-nearest
//! neighbours) the same way, and the rows a member did not see give a free
//! estimate of the accuracy (`oob_score`). The shared procedure is in
//! [`super::bagging`].

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::validate::argmax;
use ironlearn_core::{
    bail, hyperparams, register, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, SubModel, Tags, Task,
    TrainData,
};
use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::bagging::{check_width, fit_bags, member_input, out_of_bag, BagConfig, BaggingDraw};
use crate::sub_estimators::{codes_in, context, labels, proba_in};

hyperparams! {
    /// Fits copies of a classifier on random draws of the rows and columns and averages their probabilities.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Labels, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::BaggingClassifier;
    /// let x = ndarray::array![[0.0], [0.2], [0.4], [0.9], [1.1], [1.3], [2.0], [2.2], [2.4]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "a", "b", "b", "b", "c", "c", "c"]));
    /// let bag = BaggingClassifier {
    ///     estimator: Some(EstimatorSpec::new("gaussian_nb")),
    ///     n_estimators: 5,
    ///     ..Default::default()
    /// };
    /// let model = bag.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_proba_data(Features::Dense(x.view()))?.dim(), (9, 3));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "bagging_classifier"]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, decision_function)]
    pub struct BaggingClassifier {
        /// The member classifier, `{"kind": K, "params": {...}}`; None: a decision tree.
        estimator: Option<EstimatorSpec> = None;
        /// The number of members.
        n_estimators: usize = 10, domain(Domain::int_min(1));
        /// Rows drawn per member: None (as many as rows), an integer, or a fraction in (0, 1] of the rows
        /// (of the total sample weight, when weighted).
        max_samples: Option<BaggingDraw> = None;
        /// Columns drawn per member: an integer, or a fraction in (0, 1] of the columns.
        max_features: BaggingDraw = BaggingDraw::Fraction(1.0);
        /// Whether rows are drawn with replacement.
        bootstrap: bool = true;
        /// Whether columns are drawn with replacement.
        bootstrap_features: bool = false;
        /// Whether to score the ensemble on the rows each member left out (`oob_score_`,
        /// `oob_decision_function_`); needs `bootstrap`.
        oob_score: bool = false;
        /// Threads fitting the members (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// The seed of the draws; member `i` draws from its own stream and gets its own `random_state`.
        random_state: u64 = 0;
    }
}

/// A fitted [`BaggingClassifier`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaggingClassifierModel {
    params: BaggingClassifier,
    classes: Vec<String>,
    /// The fitted members.
    estimators: Vec<SubModel>,
    /// The columns each member sees, in its order.
    estimators_features: Vec<Vec<usize>>,
    /// Whether the members give probabilities (else they vote).
    member_proba: bool,
    n_features: usize,
    oob_score: Option<f64>,
    oob_decision_function: Option<Array2<f64>>,
}

impl BaggingClassifier {
    fn config(&self) -> BagConfig<'_> {
        BagConfig {
            estimator: &self.estimator,
            default: "decision_tree_classifier",
            task: Task::Classification,
            n_estimators: self.n_estimators,
            max_samples: &self.max_samples,
            max_features: &self.max_features,
            bootstrap: self.bootstrap,
            bootstrap_features: self.bootstrap_features,
            oob_score: self.oob_score,
            random_state: self.random_state,
            n_jobs: self.n_jobs,
        }
    }
}

/// The sum over members of their probabilities (or votes), on rows `x`.
fn add_member(out: &mut Array2<f64>, model: &SubModel, x: Features<'_>, proba: bool, classes: &[String]) -> Result<()> {
    if proba {
        *out += &proba_in(&**model, x, classes)?;
    } else {
        for (r, c) in codes_in(&**model, x, classes)?.into_iter().enumerate() {
            out[[r, c]] += 1.0;
        }
    }
    Ok(())
}

impl BaggingClassifierModel {
    /// The fitted members with the columns each sees.
    pub fn estimators(&self) -> impl Iterator<Item = (&SubModel, &[usize])> {
        self.estimators.iter().zip(self.estimators_features.iter().map(Vec::as_slice))
    }

    /// The accuracy on the out-of-bag rows, when fitted with `oob_score`.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// The out-of-bag class probabilities (NaN for a row every member saw).
    pub fn oob_decision_function(&self) -> Option<&Array2<f64>> {
        self.oob_decision_function.as_ref()
    }
}

impl Learn for BaggingClassifier {
    type Model = BaggingClassifierModel;

    // scikit-learn's own check parameters (sklearn/utils/_test_common/instance_generator.py).
    const EXAMPLE_PARAMS: &'static str = r#"{"n_estimators": 5}"#;

    /// `decision_function` where the member has one, as scikit-learn's `available_if`.
    fn tags(&self) -> Tags {
        let member = self.config().spec().build().ok().map(|e| e.tags());
        Tags {
            decision_function: member.is_some_and(|t| t.decision_function),
            ..<Self as ironlearn_core::Params>::TAGS
        }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<BaggingClassifierModel> {
        crate::sub_estimators::check_finite_input(data)?;
        let labels = data.labels()?;
        let classes = labels.classes().to_vec();
        let cfg = self.config();
        let (bags, plan) = fit_bags(&cfg, data)?;
        let (mut oob_score, mut oob_decision_function) = (None, None);
        if self.oob_score {
            let x = data.dense()?;
            let mut sums = Array2::<f64>::zeros((plan.n_samples, classes.len()));
            for bag in &bags {
                let rows = out_of_bag(plan.n_samples, bag);
                if rows.is_empty() {
                    continue;
                }
                let xr = x.select(Axis(0), &rows).select(Axis(1), &bag.features);
                let mut part = Array2::zeros((rows.len(), classes.len()));
                add_member(&mut part, &bag.model, Features::Dense(xr.view()), plan.member_proba, &classes)?;
                for (k, &r) in rows.iter().enumerate() {
                    let mut row = sums.row_mut(r);
                    row += &part.row(k);
                }
            }
            let codes = labels.codes();
            let hits = sums.rows().into_iter().zip(codes).filter(|(r, &c)| argmax(r.iter().copied()) == c as usize);
            oob_score = Some(hits.count() as f64 / plan.n_samples as f64);
            for mut r in sums.rows_mut() {
                let s = r.sum();
                r.mapv_inplace(|v| v / s);
            }
            oob_decision_function = Some(sums);
        }
        let (estimators, estimators_features) = bags.into_iter().map(|b| (b.model, b.features)).unzip();
        Ok(BaggingClassifierModel {
            params: self.clone(),
            classes,
            estimators,
            estimators_features,
            member_proba: plan.member_proba,
            n_features: plan.n_features,
            oob_score,
            oob_decision_function,
        })
    }
}

impl Fitted for BaggingClassifierModel {
    type Estimator = BaggingClassifier;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let p = self.predict_proba_data(x)?;
        labels(&self.classes, p.rows().into_iter().map(|r| argmax(r.iter().copied())))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_width(x, self.n_features, "BaggingClassifier")?;
        let mut out = Array2::zeros((x.n_rows(), self.classes.len()));
        let name = self.params.config().spec().display_name().to_string();
        let x = member_input(x)?;
        for (m, f) in self.estimators() {
            let xf = x.select(Axis(1), f);
            add_member(&mut out, m, Features::Dense(xf.view()), self.member_proba, &self.classes)
                .map_err(|e| context(&name, e))?;
        }
        out /= self.estimators.len() as f64;
        Ok(out)
    }

    /// The members' decision values averaged, as scikit-learn's: defined when
    /// every member saw every class (their columns line up).
    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        check_width(x, self.n_features, "BaggingClassifier")?;
        let name = self.params.config().spec().display_name().to_string();
        let x = member_input(x)?;
        let mut sum: Option<Array2<f64>> = None;
        for (i, (m, f)) in self.estimators().enumerate() {
            let seen = m.classes().map_or(0, <[String]>::len);
            if seen != self.classes.len() {
                bail!(
                    InvalidValue,
                    "member {i} of this BaggingClassifier saw {seen} of the {} classes in its draw, so the members' \
                     decision values do not line up; use predict_proba",
                    self.classes.len()
                );
            }
            let d = m
                .decision_function_data(Features::Dense(x.select(Axis(1), f).view()))
                .map_err(|e| context(&name, e))?;
            match &mut sum {
                Some(s) => *s += &d,
                None => sum = Some(d),
            }
        }
        let mut d = sum.expect("a fitted ensemble has members");
        d /= self.estimators.len() as f64;
        Ok(d)
    }
}

register!(BaggingClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::bagging::draw;
    use ironlearn_core::{Estimator, Labels, Target};

    fn iris() -> (Array2<f64>, Target) {
        let (x, y) = crate::test_data::load("iris");
        (x, Target::Labels(Labels::from_strings(&y)))
    }

    fn fit(est: &BaggingClassifier, x: &Array2<f64>, y: &Target) -> Result<BaggingClassifierModel> {
        est.learn(&TrainData::supervised(Features::Dense(x.view()), y), &mut FitContext::default())
    }

    // The members' decision values averaged (scikit-learn's definition), where they have them.
    #[test]
    fn decision_values_are_the_members_mean() {
        let (x, y) = iris();
        let est = BaggingClassifier {
            estimator: Some(EstimatorSpec::new("logistic_regression")),
            n_estimators: 4,
            max_features: BaggingDraw::Count(2),
            random_state: 5,
            ..Default::default()
        };
        assert!(Learn::tags(&est).decision_function && !Learn::tags(&BaggingClassifier::default()).decision_function);
        let m = fit(&est, &x, &y).unwrap();
        let got = m.decision_function_data(Features::Dense(x.view())).unwrap();
        let mut want = Array2::<f64>::zeros((150, 3));
        for (member, features) in m.estimators() {
            let xf = x.select(Axis(1), features);
            want += &member.decision_function_data(Features::Dense(xf.view())).unwrap();
        }
        want /= 4.0;
        assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() < 1e-12));
        // Trees have none: the error names the member.
        let trees = fit(&BaggingClassifier { n_estimators: 2, ..Default::default() }, &x, &y).unwrap();
        let e = trees.decision_function_data(Features::Dense(x.view())).unwrap_err().to_string();
        assert!(e.contains("decision_function") || e.contains("decision"), "{e}");
        // A member fitted on its drawn rows (LDA takes no sample weights) that missed a class (one
        // row of "c" in 150, 20 rows a member): named. Weighted members see every class, as in
        // scikit-learn (zero weights for the rows not drawn).
        let rare: Vec<&str> = (0..150)
            .map(|i| {
                if i == 149 {
                    "c"
                } else if i < 75 {
                    "a"
                } else {
                    "b"
                }
            })
            .collect();
        let rare = Target::Labels(Labels::from_strings(&rare));
        let small = BaggingClassifier {
            estimator: Some(EstimatorSpec::new("linear_discriminant_analysis")),
            n_estimators: 3,
            max_samples: Some(BaggingDraw::Count(20)),
            random_state: 1,
            ..Default::default()
        };
        let m = fit(&small, &x, &rare).unwrap();
        let e = m.decision_function_data(Features::Dense(x.view())).unwrap_err().to_string();
        assert!(e.contains("classes in its draw"), "{e}");
    }

    // The naive reference: the same draws, each member fitted by hand on its rows and columns,
    // probabilities averaged. KNeighbors takes no sample weights, so the members are fitted on the
    // drawn rows themselves (with repeats), as scikit-learn does.
    #[test]
    fn averages_members_fitted_on_their_draws() {
        let (x, y) = iris();
        let Target::Labels(l) = &y else { unreachable!() };
        let est = BaggingClassifier {
            estimator: Some(EstimatorSpec::new("k_neighbors_classifier")),
            n_estimators: 7,
            max_samples: Some(BaggingDraw::Fraction(0.5)),
            max_features: BaggingDraw::Count(2),
            random_state: 3,
            ..Default::default()
        };
        let m = fit(&est, &x, &y).unwrap();
        let got = m.predict_proba_data(Features::Dense(x.view())).unwrap();
        let cfg = est.config();
        let mut want = Array2::<f64>::zeros((150, 3));
        for i in 0..7 {
            let (_, features, rows) = draw(&cfg, i, (150, 4), (75, 2), None);
            assert_eq!(m.estimators_features[i], features);
            let xs = x.select(Axis(0), &rows).select(Axis(1), &features);
            let ys = Target::Labels(Labels::from_strings(&l.take(&rows).to_strings()));
            let knn = crate::KNeighborsClassifier::default();
            let member = knn.fit_data(Features::Dense(xs.view()), Some(&ys), None).unwrap();
            let xf = x.select(Axis(1), &features);
            want += &proba_in(&*member, Features::Dense(xf.view()), &m.classes).unwrap();
        }
        want /= 7.0;
        assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() < 1e-12));
        // Threads do not change the ensemble.
        let one = fit(&BaggingClassifier { n_jobs: Some(1), ..est.clone() }, &x, &y).unwrap();
        assert_eq!(one.predict_proba_data(Features::Dense(x.view())).unwrap(), got);
    }

    // scikit-learn 1.9.1, iris: BaggingClassifier(n_estimators=50, oob_score=True, random_state=r)
    //   .fit(X, y).oob_score_ for r in range(10): mean 0.9547, min 0.9467, max 0.96.
    //   BaggingClassifier(KNeighborsClassifier(), n_estimators=30, max_samples=0.5, max_features=0.5,
    //   oob_score=True, random_state=r): mean 0.954, min 0.94, max 0.96.
    // The draws differ from numpy's, so the scores are compared within the spread over seeds (±0.02).
    #[test]
    fn oob_score_near_scikit_learn() {
        let (x, y) = iris();
        let est = BaggingClassifier { n_estimators: 50, oob_score: true, ..Default::default() };
        let m = fit(&est, &x, &y).unwrap();
        let s = m.oob_score().unwrap();
        assert!((s - 0.9547).abs() < 0.02, "{s}");
        let d = m.oob_decision_function().unwrap();
        assert!(d.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9));
        let est = BaggingClassifier {
            estimator: Some(EstimatorSpec::new("k_neighbors_classifier")),
            n_estimators: 30,
            max_samples: Some(BaggingDraw::Fraction(0.5)),
            max_features: BaggingDraw::Fraction(0.5),
            oob_score: true,
            ..Default::default()
        };
        let s = fit(&est, &x, &y).unwrap().oob_score().unwrap();
        assert!((s - 0.954).abs() < 0.025, "{s}");
        // A member without predict_proba votes.
        let est = BaggingClassifier {
            estimator: Some(EstimatorSpec::new("ridge_classifier")),
            n_estimators: 4,
            ..Default::default()
        };
        let p = fit(&est, &x, &y).unwrap().predict_proba_data(Features::Dense(x.view())).unwrap();
        assert!(p.iter().all(|v| [0.0, 0.25, 0.5, 0.75, 1.0].contains(v)));
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = iris();
        let err = |e: BaggingClassifier| e.fit_data(Features::Dense(x.view()), Some(&y), None).unwrap_err().to_string();
        let e = err(BaggingClassifier { n_estimators: 0, ..Default::default() });
        assert!(e.contains("n_estimators"), "{e}");
        let e = err(BaggingClassifier { estimator: Some(EstimatorSpec::new("ridge")), ..Default::default() });
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let e = err(BaggingClassifier { oob_score: true, bootstrap: false, ..Default::default() });
        assert!(e.contains("Out of bag estimation only available if bootstrap=True"), "{e}");
        let e = err(BaggingClassifier { max_features: BaggingDraw::Count(5), ..Default::default() });
        assert!(e.contains("max_features must be <= n_features"), "{e}");
        let e = err(BaggingClassifier { max_features: BaggingDraw::Fraction(1.5), ..Default::default() });
        assert!(e.contains("max_features"), "{e}");
        let e = err(BaggingClassifier {
            bootstrap: false,
            max_samples: Some(BaggingDraw::Count(151)),
            ..Default::default()
        });
        assert!(e.contains("must be <= n_samples=150"), "{e}");
        let m = fit(&BaggingClassifier::default(), &x, &y).unwrap();
        let narrow = x.slice(ndarray::s![.., ..3]);
        let e = m.predict_data(Features::Dense(narrow)).unwrap_err().to_string();
        assert!(e.contains("X has 3 features, but BaggingClassifier is expecting 4"), "{e}");
    }
}
