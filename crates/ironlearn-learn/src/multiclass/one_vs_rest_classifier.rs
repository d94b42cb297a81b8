//! One binary classifier per class, each telling its class from the rest.
//!
//! scikit-learn's `OneVsRestClassifier` (`sklearn/multiclass.py`, version
//! 1.9): the members learn the labels "1" (the class) and "0" (the rest);
//! a row goes to the class whose member scores it highest (its decision
//! function, else its probability of "1"). With two classes one member,
//! for the second class, is enough, as in scikit-learn.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::{
    hyperparams, register, Error, Features, FitContext, Fitted, Labels, Learn, Model, Prediction, Result, SubModel,
    Tags, Target, Task, TrainData,
};
use ndarray::{s, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::sub_estimators::{build_for, context, fit_one, labels, proba_in};

hyperparams! {
    /// Fits one binary classifier per class (the class against the rest) and picks the highest score.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Labels, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::OneVsRestClassifier;
    /// let x = ndarray::array![[0.0], [0.2], [0.9], [1.1], [2.0], [2.2]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "b", "b", "c", "c"]));
    /// let ovr = OneVsRestClassifier { estimator: Some(EstimatorSpec::new("gaussian_nb")), ..Default::default() };
    /// let model = ovr.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_proba_data(Features::Dense(x.view()))?.dim(), (6, 3));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "one_vs_rest_classifier"]
    #[tags(task = Some(Task::Classification), predict_proba, decision_function)]
    pub struct OneVsRestClassifier {
        /// The binary classifier, `{"kind": K, "params": {...}}` (required).
        estimator: Option<EstimatorSpec> = None;
        /// Threads fitting the members (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`OneVsRestClassifier`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OneVsRestClassifierModel {
    params: OneVsRestClassifier,
    classes: Vec<String>,
    /// One member per class (one for the second class when there are two).
    estimators: Vec<SubModel>,
    /// How a member scores a row: "decision_function" or "predict_proba".
    score_method: String,
    n_features: usize,
}

const BINARY: [&str; 2] = ["0", "1"];

fn binary_classes() -> Vec<String> {
    BINARY.iter().map(|c| c.to_string()).collect()
}

impl OneVsRestClassifier {
    fn spec(&self) -> Result<&EstimatorSpec> {
        self.estimator.as_ref().ok_or_else(|| {
            Error::param(
                "estimator",
                "OneVsRestClassifier needs a binary classifier, e.g. {\"kind\": \"logistic_regression\"}",
            )
        })
    }
}

impl OneVsRestClassifierModel {
    /// The fitted members, in class order.
    pub fn estimators(&self) -> &[SubModel] {
        &self.estimators
    }

    fn name(&self) -> String {
        self.params.estimator.as_ref().map_or("estimator", |s| s.display_name()).to_string()
    }

    /// Each member's score of each row by `method` (scikit-learn's `_predict_binary`).
    fn scores(&self, x: Features<'_>, method: &str) -> Result<Array2<f64>> {
        crate::ensemble::bagging::check_width(x, self.n_features, "OneVsRestClassifier")?;
        let mut out = Array2::zeros((x.n_rows(), self.estimators.len()));
        for (j, m) in self.estimators.iter().enumerate() {
            out.column_mut(j).assign(&score(&**m, method, x).map_err(|e| context(&self.name(), e))?);
        }
        Ok(out)
    }
}

fn score(m: &dyn Model, method: &str, x: Features<'_>) -> Result<ndarray::Array1<f64>> {
    if method == "decision_function" {
        let d = m.decision_function_data(x)?;
        return Ok(d.column(0).to_owned());
    }
    Ok(proba_in(m, x, &binary_classes())?.column(1).to_owned())
}

impl Learn for OneVsRestClassifier {
    type Model = OneVsRestClassifierModel;

    const EXAMPLE_PARAMS: &'static str = r#"{"estimator": {"kind": "logistic_regression"}}"#;

    fn tags(&self) -> Tags {
        let member = self.estimator.as_ref().and_then(|s| s.build().ok()).map(|e| e.tags());
        let (proba, decision) = member.map_or((true, true), |t| (t.predict_proba, t.decision_function));
        Tags { predict_proba: proba, decision_function: decision, ..<Self as ironlearn_core::Params>::TAGS }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<OneVsRestClassifierModel> {
        crate::sub_estimators::check_finite_input(data)?;
        let spec = self.spec()?;
        let y = data.labels()?;
        let classes = y.classes().to_vec();
        let est = build_for(spec, Task::Classification)?;
        let positives: Vec<usize> = if classes.len() == 2 { vec![1] } else { (0..classes.len()).collect() };
        let targets = positives
            .iter()
            .map(|&k| {
                let codes = y.codes().iter().map(|&c| u32::from(c as usize == k)).collect();
                Ok(Target::Labels(Labels::new(binary_classes(), codes)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let name = spec.display_name();
        let estimators = crate::n_jobs::in_pool(self.n_jobs, || {
            targets
                .par_iter()
                .map(|t| fit_one(est.as_ref(), name, &TrainData { y: Some(t), ..TrainData::new(data.x.reborrow()) }))
                .collect::<Result<Vec<_>>>()
        })??;
        let x = data.dense()?;
        let first = x.slice(s![..1, ..]);
        let score_method = if estimators[0].decision_function_data(Features::Dense(first)).is_ok() {
            "decision_function"
        } else {
            "predict_proba"
        };
        Ok(OneVsRestClassifierModel {
            params: self.clone(),
            classes,
            estimators,
            score_method: score_method.into(),
            n_features: data.x.n_cols(),
        })
    }
}

impl Fitted for OneVsRestClassifierModel {
    type Estimator = OneVsRestClassifier;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let sc = self.scores(x, &self.score_method)?;
        if self.classes.len() == 2 {
            let thresh = if self.score_method == "decision_function" { 0.0 } else { 0.5 };
            return labels(&self.classes, sc.column(0).iter().map(|&v| usize::from(v > thresh)));
        }
        // The last of equal maxima wins, as in scikit-learn's loop.
        labels(
            &self.classes,
            sc.rows().into_iter().map(|r| {
                r.iter().enumerate().fold((0, f64::NEG_INFINITY), |b, (i, &v)| if v >= b.1 { (i, v) } else { b }).0
            }),
        )
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let mut y = self.scores(x, "predict_proba")?;
        if self.classes.len() == 2 {
            let p = y.column(0).to_owned();
            let mut out = Array2::zeros((x.n_rows(), 2));
            out.column_mut(0).assign(&p.mapv(|v| 1.0 - v));
            out.column_mut(1).assign(&p);
            return Ok(out);
        }
        for mut r in y.rows_mut() {
            let total = r.sum();
            r.mapv_inplace(|v| v / total);
        }
        Ok(y)
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        if self.score_method != "decision_function" {
            return Err(Error::Unsupported(format!(
                "'{}' has no decision_function, so neither has this OneVsRestClassifier",
                self.name()
            )));
        }
        self.scores(x, "decision_function")
    }
}

register!(OneVsRestClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::Estimator;

    fn iris() -> (Array2<f64>, Vec<String>) {
        crate::test_data::load("iris")
    }

    fn ovr(kind: &str, params: serde_json::Value) -> OneVsRestClassifier {
        OneVsRestClassifier { estimator: Some(EstimatorSpec::new(kind).with(params)), ..Default::default() }
    }

    fn close(got: &Array2<f64>, rows: &[usize], want: &[[f64; 3]], tol: f64) {
        for (&r, w) in rows.iter().zip(want) {
            for (g, w) in got.row(r).iter().zip(w) {
                assert!((g - w).abs() < tol, "row {r}: {g} vs {w}");
            }
        }
    }

    // scikit-learn 1.9.1, iris: m = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X, y)
    //   m.predict_proba(X)[ROWS], m.decision_function(X)[ROWS], m.predict(X)[[52, 70, 77, 83, 119, 129, 133, 134]]
    // L-BFGS stops within its tol of scikit-learn's optimum.
    #[test]
    fn logistic_members_as_scikit_learn() {
        let (x, y) = iris();
        let yt = Target::Labels(Labels::from_strings(&y));
        let m = ovr("logistic_regression", serde_json::json!({"max_iter": 1000}))
            .fit_data(Features::Dense(x.view()), Some(&yt), None)
            .unwrap();
        let rows = [0, 50, 77, 100, 133];
        let p = m.predict_proba_data(Features::Dense(x.view())).unwrap();
        close(
            &p,
            &rows,
            &[
                [0.8968134557993196, 0.10318547225445372, 1.0719462266627635e-6],
                [0.00680824301282148, 0.6274544170478105, 0.3657373399393681],
                [0.001194517457604319, 0.3836425743161396, 0.6151629082262562],
                [6.293019743782803e-5, 0.14720812473263734, 0.8527289450699249],
                [0.0009220980857883906, 0.4901347021045696, 0.5089431998096421],
            ],
            2e-3,
        );
        let d = m.decision_function_data(Features::Dense(x.view())).unwrap();
        close(
            &d,
            &rows,
            &[
                [4.123855685723466, -2.0582075127155175, -13.653178547162682],
                [-5.8271688500771734, -0.9908407315012919, -1.6745735930256274],
                [-6.863991508363908, -0.684817189272187, 0.15014305567376596],
                [-9.520703980572643, -1.575068258806847, 5.0164081162643885],
                [-6.901638058441145, 0.13728279606007643, 0.21995828256248018],
            ],
            2e-2,
        );
        let Prediction::Labels(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
        let got: Vec<&str> = [52, 70, 77, 83, 119, 129, 133, 134].iter().map(|&i| pred.label(i)).collect();
        let (c, v) = ("versicolor", "virginica");
        assert_eq!(got, [c, v, v, v, c, v, v, v]);
    }

    // scikit-learn 1.9.1, iris: m = OneVsRestClassifier(GaussianNB()).fit(X, y): m.predict_proba(X)[ROWS]
    // (probabilities of "1" normalised by their row sum; GaussianNB has no decision_function, so predict
    // takes the argmax of those); the rows predicted wrong.
    #[test]
    fn probability_members_as_scikit_learn() {
        let (x, y) = iris();
        let yt = Target::Labels(Labels::from_strings(&y));
        let m = ovr("gaussian_nb", serde_json::json!({})).fit_data(Features::Dense(x.view()), Some(&yt), None).unwrap();
        let p = m.predict_proba_data(Features::Dense(x.view())).unwrap();
        close(
            &p,
            &[0, 50, 77, 100, 133],
            &[
                [0.9999999999999992, 8.320827781756984e-16, 1.458636026973232e-23],
                [7.359563351160412e-110, 0.44902053350461035, 0.5509794664953896],
                [4.345702150912037e-139, 0.3118874316746331, 0.6881125683253669],
                [1.2882014704342444e-253, 4.905991471444586e-10, 0.9999999995094009],
                [6.591294107465896e-132, 0.49822285471135874, 0.5017771452886413],
            ],
            1e-9,
        );
        let Prediction::Labels(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
        let wrong: Vec<usize> = (0..150).filter(|&i| pred.label(i) != y[i]).collect();
        assert_eq!(wrong, [50, 52, 56, 70, 77, 83, 86, 106, 119]);
        let e = m.decision_function_data(Features::Dense(x.view())).unwrap_err().to_string();
        assert!(e.contains("decision_function"), "{e}");
    }

    // scikit-learn 1.9.1, iris rows 50..: OneVsRestClassifier(LogisticRegression(max_iter=1000)): one member,
    //   predict_proba(Xb)[[0, 20, 27, 70]], rows predicted wrong [20, 27, 33, 56].
    #[test]
    fn two_classes_one_member() {
        let (x, y) = iris();
        let xb = x.slice(s![50.., ..]).to_owned();
        let yt = Target::Labels(Labels::from_strings(&y[50..]));
        let m = ovr("logistic_regression", serde_json::json!({"max_iter": 1000}))
            .fit_data(Features::Dense(xb.view()), Some(&yt), None)
            .unwrap();
        let p = m.predict_proba_data(Features::Dense(xb.view())).unwrap();
        let want = [[0.8423599264585209, 0.1576400735414791], [0.4953577851585943, 0.5046422148414057]];
        for (&r, w) in [0, 20].iter().zip(want) {
            assert!((p[[r, 0]] - w[0]).abs() < 2e-3 && (p[[r, 1]] - w[1]).abs() < 2e-3, "{:?}", p.row(r));
        }
        let Prediction::Labels(pred) = m.predict_data(Features::Dense(xb.view())).unwrap() else { panic!() };
        let wrong: Vec<usize> = (0..100).filter(|&i| pred.label(i) != y[50 + i]).collect();
        assert_eq!(wrong, [20, 27, 33, 56]);
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = iris();
        let yt = Target::Labels(Labels::from_strings(&y));
        let err =
            |e: OneVsRestClassifier| e.fit_data(Features::Dense(x.view()), Some(&yt), None).unwrap_err().to_string();
        let e = err(OneVsRestClassifier::default());
        assert!(e.contains("estimator"), "{e}");
        let e = err(ovr("ridge", serde_json::json!({})));
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let m = ovr("gaussian_nb", serde_json::json!({})).fit_data(Features::Dense(x.view()), Some(&yt), None).unwrap();
        let e = m.predict_data(Features::Dense(x.slice(s![.., ..2]))).unwrap_err().to_string();
        assert!(e.contains("X has 2 features, but OneVsRestClassifier is expecting 4"), "{e}");
    }
}
