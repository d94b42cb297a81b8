//! A classifier whose scores are mapped onto calibrated probabilities.
//!
//! scikit-learn's `CalibratedClassifierCV` (`sklearn/calibration.py`,
//! version 1.9): for each stratified fold, the classifier is fitted on the
//! other folds and a calibrator per class (Platt's sigmoid, see
//! [`super::sigmoid`]) learns from its scores on the fold (its decision
//! function, else its probabilities); the calibrated probabilities of the
//! pairs are averaged (`ensemble`). Without `ensemble`, one classifier fitted
//! on all rows is calibrated on out-of-fold scores.

use ironlearn_core::nested::EstimatorSpec;
use ironlearn_core::validate::argmax;
use ironlearn_core::{
    hyperparams, register, Domain, Error, Estimator, Features, FitContext, Fitted, Learn, Model, Prediction, Result,
    SubModel, Task, TrainData,
};
use ndarray::{s, Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::sigmoid::Sigmoid;
use crate::sub_estimators::{build_for, complement, context, fit_one, labels, proba_in, stratified_kfold, Subset};

/// scikit-learn's `ensemble`: true, false or "auto" (true here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Ensemble {
    Flag(bool),
    /// "auto".
    Auto(String),
}

impl Default for Ensemble {
    fn default() -> Self {
        Ensemble::Auto("auto".into())
    }
}

hyperparams! {
    /// Calibrates a classifier's probabilities (Platt's sigmoid or isotonic regression), learned on held-out folds.
    ///
    /// ```
    /// use ironlearn_core::{Estimator, Features, Labels, Target};
    /// use ironlearn_core::nested::EstimatorSpec;
    /// use ironlearn_learn::CalibratedClassifierCV;
    /// let x = ndarray::array![[0.0], [0.1], [0.2], [0.3], [0.6], [0.7], [0.4], [0.8], [0.9], [1.0]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"]));
    /// let cal = CalibratedClassifierCV {
    ///     estimator: Some(EstimatorSpec::new("gaussian_nb")),
    ///     cv: 2,
    ///     ..Default::default()
    /// };
    /// let model = cal.fit_data(Features::Dense(x.view()), Some(&y), None)?;
    /// assert_eq!(model.predict_proba_data(Features::Dense(x.view()))?.dim(), (10, 2));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "calibrated_classifier_cv"]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba)]
    pub struct CalibratedClassifierCV {
        /// The classifier, `{"kind": K, "params": {...}}`; None: linear_svc.
        estimator: Option<EstimatorSpec> = None;
        /// "sigmoid" (Platt) or "isotonic".
        method: String = "sigmoid".into(), domain(Domain::choice(&["sigmoid", "isotonic"]));
        /// The number of stratified folds (scikit-learn's `StratifiedKFold(cv)`, not shuffled).
        cv: usize = 5, domain(Domain::int_min(2));
        /// Threads fitting the folds (None or -1: all); the result does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// true or "auto": one calibrated classifier per fold, probabilities averaged; false: one
        /// classifier fitted on all rows, calibrated on out-of-fold scores.
        ensemble: Ensemble = Ensemble::default();
    }
}

/// The calibrators of one classifier (with it, scikit-learn's `_CalibratedClassifier`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calibration {
    /// How the classifier scores rows: "decision_function" or "predict_proba".
    response: String,
    /// The class (index into the parent's classes) each calibrator gives the probability of.
    class_index: Vec<usize>,
    calibrators: Vec<Calibrator>,
}

/// One class's calibrator: Platt's sigmoid, or an isotonic step curve
/// (scikit-learn's `IsotonicRegression(out_of_bounds="clip")`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Calibrator {
    Sigmoid(Sigmoid),
    Isotonic { x: Vec<f64>, y: Vec<f64> },
}

impl Calibrator {
    fn fit(method: &str, f: &[f64], y: &[bool], weight: Option<&[f64]>) -> Calibrator {
        if method == "isotonic" {
            let target: Vec<f64> = y.iter().map(|&p| f64::from(u8::from(p))).collect();
            let (x, y) = crate::isotonic::isotonic_fit(f, &target, weight, true);
            Calibrator::Isotonic { x, y }
        } else {
            Calibrator::Sigmoid(Sigmoid::fit(f, y, weight))
        }
    }

    fn predict(&self, f: f64) -> f64 {
        match self {
            Calibrator::Sigmoid(s) => s.predict(f),
            Calibrator::Isotonic { x, y } => crate::isotonic::isotonic_predict_clipped(x, y, f),
        }
    }
}

/// A fitted [`CalibratedClassifierCV`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalibratedClassifierCVModel {
    params: CalibratedClassifierCV,
    classes: Vec<String>,
    /// The classifiers, one per fold (`ensemble`), else one fitted on all rows.
    estimators: Vec<SubModel>,
    /// Their calibrators.
    calibrations: Vec<Calibration>,
    n_features: usize,
}

/// A classifier's scores: its decision function, else its probabilities (of
/// the second class only, with two classes), with columns in `classes` order.
fn response(model: &dyn Model, method: &str, x: Features<'_>, classes: &[String]) -> Result<Array2<f64>> {
    if method == "decision_function" {
        return model.decision_function_data(x);
    }
    let p = proba_in(model, x, classes)?;
    Ok(if classes.len() == 2 { p.slice(s![.., 1..]).to_owned() } else { p })
}

/// Which response the fitted `model` gives: decision_function, else predict_proba.
fn response_method(est: &dyn Estimator, model: &dyn Model, x: Features<'_>) -> Result<&'static str> {
    let first = x.to_dense()?.slice(s![..1, ..]).to_owned();
    match model.decision_function_data(Features::Dense(first.view())) {
        Ok(_) => Ok("decision_function"),
        Err(Error::Unsupported(_)) if est.tags().predict_proba => Ok("predict_proba"),
        Err(Error::Unsupported(_)) => {
            Err(Error::param("estimator", format!("'{}' has neither decision_function nor predict_proba", est.kind())))
        }
        Err(e) => Err(e),
    }
}

/// Fits one calibrator per column of `pred` (scikit-learn's `_fit_calibrator`).
fn calibrate(
    method: &str,
    response: &str,
    pred: &Array2<f64>,
    codes: &[u32],
    n_classes: usize,
    weight: Option<&[f64]>,
) -> Result<Calibration> {
    let class_index: Vec<usize> = if n_classes == 2 { vec![1] } else { (0..n_classes).collect() };
    if pred.ncols() != class_index.len() {
        return Err(Error::InvalidValue(format!(
            "the classifier's {response} has {} columns for {n_classes} classes (a class missing from a fold?)",
            pred.ncols()
        )));
    }
    let calibrators = class_index
        .iter()
        .enumerate()
        .map(|(j, &k)| {
            let y: Vec<bool> = codes.iter().map(|&c| c as usize == k).collect();
            Calibrator::fit(method, pred.column(j).as_slice().unwrap_or(&pred.column(j).to_vec()), &y, weight)
        })
        .collect();
    Ok(Calibration { response: response.into(), class_index, calibrators })
}

impl Calibration {
    /// The calibrated probabilities of `estimator`, the classifier these calibrators belong to.
    fn predict_proba(&self, estimator: &dyn Model, x: Features<'_>, classes: &[String]) -> Result<Array2<f64>> {
        let pred = response(estimator, &self.response, x, classes)?;
        let k = classes.len();
        let mut proba = Array2::zeros((x.n_rows(), k));
        for (j, (&c, cal)) in self.class_index.iter().zip(&self.calibrators).enumerate() {
            proba.column_mut(c).assign(&pred.column(j).mapv(|f| cal.predict(f)));
        }
        if k == 2 {
            let p1 = proba.column(1).to_owned();
            proba.column_mut(0).assign(&p1.mapv(|v| 1.0 - v));
        } else {
            for mut r in proba.rows_mut() {
                let total = r.sum();
                if total == 0.0 {
                    r.fill(1.0 / k as f64);
                } else {
                    r.mapv_inplace(|v| v / total);
                }
            }
        }
        proba.mapv_inplace(|v| if v > 1.0 && v <= 1.0 + 1e-5 { 1.0 } else { v });
        Ok(proba)
    }
}

impl CalibratedClassifierCVModel {
    /// The calibrated classifiers (one per fold with `ensemble`), with their calibrators.
    pub fn calibrated_classifiers(&self) -> impl Iterator<Item = (&SubModel, &Calibration)> {
        self.estimators.iter().zip(&self.calibrations)
    }
}

impl Learn for CalibratedClassifierCV {
    type Model = CalibratedClassifierCVModel;

    // scikit-learn's own check parameters (sklearn/utils/_test_common/instance_generator.py).
    const EXAMPLE_PARAMS: &'static str = r#"{"estimator": {"kind": "logistic_regression"}, "cv": 3}"#;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<CalibratedClassifierCVModel> {
        crate::sub_estimators::check_finite_input(data)?;
        let ensemble = match &self.ensemble {
            Ensemble::Flag(b) => *b,
            Ensemble::Auto(s) if s == "auto" => true,
            Ensemble::Auto(s) => {
                return Err(Error::param("ensemble", format!("must be true, false or 'auto'; got '{s}'")))
            }
        };
        let y = data.labels()?;
        let classes = y.classes().to_vec();
        let n = data.n_rows();
        if y.counts().iter().any(|&c| c < self.cv) {
            return Err(Error::InvalidValue(format!(
                "Requesting {0}-fold cross-validation but provided less than {0} examples for at least one class.",
                self.cv
            )));
        }
        let spec = self.estimator.clone().unwrap_or_else(|| EstimatorSpec::new("linear_svc"));
        let name = spec.display_name().to_string();
        let est = build_for(&spec, Task::Classification)?;
        let takes_weight = est.tags().sample_weight;
        let folds = stratified_kfold(&y, self.cv)?;
        let x = data.dense()?;
        // The classifier fitted on the rows outside `test`, and its scores on `test`.
        let fold = |test: &Vec<usize>| -> Result<(SubModel, &'static str, Array2<f64>)> {
            let train = Subset::of(data, &complement(n, test))?;
            let train = if takes_weight { train } else { Subset { weight: None, ..train } };
            let model = fit_one(est.as_ref(), &name, &train.data())?;
            let xt = x.select(Axis(0), test);
            let method = response_method(est.as_ref(), &*model, Features::Dense(xt.view()))?;
            let pred =
                response(&*model, method, Features::Dense(xt.view()), &classes).map_err(|e| context(&name, e))?;
            Ok((model, method, pred))
        };
        let fitted = crate::n_jobs::in_pool(self.n_jobs, || folds.par_iter().map(fold).collect::<Result<Vec<_>>>())??;
        let weight_of = |rows: &[usize]| data.weight.map(|w| rows.iter().map(|&i| w[i]).collect::<Vec<_>>());
        let (estimators, calibrations) = if ensemble {
            let mut pairs = (Vec::new(), Vec::new());
            for ((model, method, pred), test) in fitted.into_iter().zip(&folds) {
                let codes: Vec<u32> = test.iter().map(|&i| y.codes()[i]).collect();
                pairs.1.push(calibrate(
                    &self.method,
                    method,
                    &pred,
                    &codes,
                    classes.len(),
                    weight_of(test).as_deref(),
                )?);
                pairs.0.push(model);
            }
            pairs
        } else {
            let width = fitted[0].2.ncols();
            let mut oof = Array2::zeros((n, width));
            for ((_, _, pred), test) in fitted.iter().zip(&folds) {
                if pred.ncols() != width {
                    return Err(Error::InvalidValue(format!(
                        "estimator '{name}': its scores have {} columns on one fold and {width} on another",
                        pred.ncols()
                    )));
                }
                for (k, &r) in test.iter().enumerate() {
                    oof.row_mut(r).assign(&pred.row(k));
                }
            }
            let all = if takes_weight { *data } else { TrainData { weight: None, ..*data } };
            let model = fit_one(est.as_ref(), &name, &all)?;
            let method = fitted[0].1;
            (vec![model], vec![calibrate(&self.method, method, &oof, y.codes(), classes.len(), data.weight)?])
        };
        Ok(CalibratedClassifierCVModel {
            params: self.clone(),
            classes,
            estimators,
            calibrations,
            n_features: data.x.n_cols(),
        })
    }
}

impl Fitted for CalibratedClassifierCVModel {
    type Estimator = CalibratedClassifierCV;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let p = Fitted::predict_proba_data(self, x)?;
        labels(&self.classes, p.rows().into_iter().map(|r| argmax(r.iter().copied())))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        crate::ensemble::bagging::check_width(x, self.n_features, "CalibratedClassifierCV")?;
        let name = self.params.estimator.as_ref().map_or("linear_svc", |s| s.display_name()).to_string();
        let mut out = Array2::zeros((x.n_rows(), self.classes.len()));
        for (m, cal) in self.calibrated_classifiers() {
            out += &cal.predict_proba(&**m, x, &self.classes).map_err(|e| context(&name, e))?;
        }
        out /= self.estimators.len() as f64;
        Ok(out)
    }
}

register!(CalibratedClassifierCV);

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::{Labels, Target};

    fn cal(kind: &str, params: serde_json::Value, cv: usize, ensemble: bool) -> CalibratedClassifierCV {
        CalibratedClassifierCV {
            estimator: Some(EstimatorSpec::new(kind).with(params)),
            cv,
            ensemble: Ensemble::Flag(ensemble),
            ..Default::default()
        }
    }

    fn proba(est: &CalibratedClassifierCV, x: ndarray::ArrayView2<'_, f64>, y: &[String]) -> Array2<f64> {
        let y = Target::Labels(Labels::from_strings(y));
        est.fit_data(Features::Dense(x), Some(&y), None).unwrap().predict_proba_data(Features::Dense(x)).unwrap()
    }

    fn close<const K: usize>(got: &Array2<f64>, rows: &[usize], want: &[[f64; K]], tol: f64) {
        for (&r, w) in rows.iter().zip(want) {
            for (g, w) in got.row(r).iter().zip(w) {
                assert!((g - w).abs() < tol, "row {r}: {g} vs {w}");
            }
        }
    }

    // scikit-learn 1.9.1, iris: CalibratedClassifierCV(GaussianNB(), method="isotonic", cv=3, ensemble=e)
    //   .fit(X, y).predict_proba(X)[[0, 50, 77, 100, 133]]
    #[test]
    fn isotonic_as_scikit_learn() {
        let (x, y) = crate::test_data::load("iris");
        let rows = [0, 50, 77, 100, 133];
        let iso = |ensemble| CalibratedClassifierCV {
            method: "isotonic".into(),
            ..cal("gaussian_nb", serde_json::json!({}), 3, ensemble)
        };
        let p = proba(&iso(true), x.view(), &y);
        let want = [
            [1.0, 0.0, 0.0],
            [1.3709677833756704e-99, 0.8382997453787996, 0.16170025462120047],
            [5.8110975504214936e-126, 0.16666666666666666, 0.8333333333333334],
            [5.233426877602001e-230, 0.0, 1.0],
            [4.616181190359874e-118, 0.6541935512659722, 0.34580644873402777],
        ];
        close(&p, &rows, &want, 1e-9);
        let p = proba(&iso(false), x.view(), &y);
        let want = [
            [1.0, 0.0, 0.0],
            [3.213809354580623e-109, 0.6, 0.4],
            [1.16988122234234e-138, 0.3196880037990255, 0.6803119962009746],
            [3.2324518075533018e-254, 0.0, 1.0],
            [2.683825826548812e-131, 0.6, 0.4],
        ];
        close(&p, &rows, &want, 1e-9);
    }

    // scikit-learn 1.9.1, iris: CalibratedClassifierCV(GaussianNB(), cv=3, ensemble=e).fit(X, y)
    //   .predict_proba(X)[[0, 50, 77, 100, 133]]; GaussianNB gives predict_proba (no decision_function).
    #[test]
    fn sigmoid_on_probabilities_as_scikit_learn() {
        let (x, y) = crate::test_data::load("iris");
        let rows = [0, 50, 77, 100, 133];
        let p = proba(&cal("gaussian_nb", serde_json::json!({}), 3, true), x.view(), &y);
        close(
            &p,
            &rows,
            &[
                [0.9045993518154383, 0.04964722387081993, 0.04575342431374183],
                [0.03039920377020943, 0.7476473329027028, 0.22195346332708785],
                [0.02902436510661842, 0.07507265128173012, 0.8959029836116515],
                [0.02870675321737773, 0.05380719033253556, 0.9174860564500867],
                [0.03092726998389868, 0.7536923039552469, 0.2153804260608544],
            ],
            1e-5,
        );
        let p = proba(&cal("gaussian_nb", serde_json::json!({}), 3, false), x.view(), &y);
        close(
            &p,
            &rows,
            &[
                [0.9337463598037529, 0.0348540135456971, 0.03139962665054995],
                [0.01039268320331619, 0.8832245759027243, 0.1063827408939595],
                [0.01012929426841964, 0.05847972843499245, 0.9313909772965879],
                [0.00998792855404903, 0.03729632745905748, 0.9527157439868935],
                [0.01072988323019292, 0.8115514197252034, 0.17771869704460366],
            ],
            1e-5,
        );
        // Two classes (iris rows 50..), cv=5: CalibratedClassifierCV(GaussianNB(), ensemble=e)
        let p = proba(&cal("gaussian_nb", serde_json::json!({}), 5, true), x.slice(s![50.., ..]), &y[50..]);
        close(
            &p,
            &[0, 20, 27, 70],
            &[
                [0.7636988169304122, 0.23630118306958772],
                [0.19833457582143393, 0.8016654241785659],
                [0.15033320219547336, 0.8496667978045267],
                [0.11606243177994631, 0.8839375682200536],
            ],
            1e-5,
        );
        let p = proba(&cal("gaussian_nb", serde_json::json!({}), 5, false), x.slice(s![50.., ..]), &y[50..]);
        close(
            &p,
            &[0, 20, 27, 70],
            &[
                [0.8476687979581713, 0.15233120204182868],
                [0.1399978800380961, 0.8600021199619039],
                [0.09568860690329783, 0.9043113930967022],
                [0.06566109729650904, 0.934338902703491],
            ],
            1e-5,
        );
    }

    // scikit-learn 1.9.1, iris: CalibratedClassifierCV(LogisticRegression(max_iter=1000), cv=3)
    //   .fit(X, y).predict_proba(X)[ROWS] (calibrates the decision function); L-BFGS tolerance.
    #[test]
    fn sigmoid_on_decision_function_as_scikit_learn() {
        let (x, y) = crate::test_data::load("iris");
        let p = proba(&cal("logistic_regression", serde_json::json!({"max_iter": 1000}), 3, true), x.view(), &y);
        close(
            &p,
            &[0, 50, 77, 100, 133],
            &[
                [0.756520460321401, 0.24332305233675786, 0.00015648734184111487],
                [0.039094303826602415, 0.49665831453397963, 0.464247381639418],
                [0.014730962876610236, 0.3759999140228447, 0.609269123100545],
                [0.0017980627674138866, 0.2922434594372552, 0.7059584777953308],
                [0.014511515141854248, 0.37724085838884935, 0.6082476264692964],
            ],
            2e-3,
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = crate::test_data::load("iris");
        let yt = Target::Labels(Labels::from_strings(&y));
        let err = |e: CalibratedClassifierCV| e.fit_data(Features::Dense(x.view()), Some(&yt), None).unwrap_err();
        let e = err(cal("ridge", serde_json::json!({}), 3, true)).to_string();
        assert!(e.contains("regression") && e.contains("ridge"), "{e}");
        let e = err(cal("gaussian_nb", serde_json::json!({}), 51, true)).to_string();
        assert!(
            e.contains("Requesting 51-fold cross-validation but provided less than 51 examples for at least one class"),
            "{e}"
        );
        let e =
            err(CalibratedClassifierCV { ensemble: Ensemble::Auto("yes".into()), ..Default::default() }).to_string();
        assert!(e.contains("ensemble"), "{e}");
        let e = err(CalibratedClassifierCV { cv: 1, ..Default::default() }).to_string();
        assert!(e.contains("cv"), "{e}");
    }
}
