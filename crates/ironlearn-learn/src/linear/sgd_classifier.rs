//! Linear classifiers (SVM, logistic, modified Huber, perceptron) fitted by
//! stochastic gradient descent.
//!
//! SGD is the linear model that scales to rows that do not fit a batch
//! solver and learns online: `partial_fit` continues from the previous
//! model one epoch at a time, as scikit-learn's does. The updates are
//! scikit-learn's own (see [`super::sgd`]), so with `shuffle=false` the
//! coefficients equal scikit-learn's; with shuffling the order comes from
//! our generator, not scikit-learn's, and only the quality agrees.
//! Several classes are learned one-vs-all, each binary problem on its own
//! thread with its own random stream, so the model does not depend on the
//! thread count.
//!
//! CSR input is used as it is, with scikit-learn's sparse rules (see
//! [`super::sgd::plain_sgd_x`]: lazy L1 step, intercept decay 0.01), so the
//! model equals scikit-learn's on the same sparse matrix.

use ironlearn_core::validate::{argmax, check_sample_weight};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, FitContext, Fitted, Labels, Learn, Params, Prediction,
    Result, Rng, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::sparse_ops::linear_scores;
use ironlearn_core::sparse::Csr;

use super::sgd::{
    plain_sgd_x, sgd_config, use_average, validation_split, Loss, SgdConfig, SgdParams, SgdWeights, SgdX, Validation,
};

hyperparams! {
    /// A linear classifier (SVM, logistic regression, ...) fitted by stochastic gradient descent, as scikit-learn's.
    ///
    /// ```
    /// use ironlearn_core::{FitContext, Fitted, Labels, Target, TrainData, Learn, Features, Prediction};
    /// use ironlearn_learn::SGDClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[-2.0], [-1.0], [1.0], [2.0]];
    /// let y = Target::Labels(Labels::from_strings(&["no", "no", "yes", "yes"]));
    /// let params = SGDClassifier { loss: "log_loss".into(), shuffle: false, ..Default::default() };
    /// let model = params.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())?;
    /// let Prediction::Labels(p) = model.predict_data(Features::Dense(array![[-1.5], [1.5]].view()))? else { panic!() };
    /// assert_eq!(p.to_strings(), ["no", "yes"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "sgd_classifier"]
    #[aliases("sgd_classification")]
    #[tags(task = Some(Task::Classification), sample_weight, sparse, predict_proba, partial_fit, wants_scaling, decision_function)]
    pub struct SGDClassifier {
        /// The loss: "hinge" (linear SVM), "log_loss" (logistic regression), "modified_huber", "squared_hinge",
        /// "perceptron", or the regression losses "squared_error", "huber", "epsilon_insensitive",
        /// "squared_epsilon_insensitive".
        loss: String = "hinge".into(),
            domain(Domain::choice(&[
                "hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron", "squared_error", "huber",
                "epsilon_insensitive", "squared_epsilon_insensitive",
            ]));
        /// The penalty: "l2", "l1", "elasticnet", or none (null).
        penalty: Option<String> = Some("l2".into()), domain(Domain::choice(&["l2", "l1", "elasticnet"]));
        /// The strength of the penalty; with learning_rate "optimal" it also sets the step sizes.
        alpha: f64 = 0.0001, domain(Domain::float_min(0.0));
        /// The share of L1 in the elastic-net penalty (0: L2 only, 1: L1 only).
        l1_ratio: f64 = 0.15, domain(Domain::float_range(0.0, 1.0));
        /// Whether to fit an intercept.
        fit_intercept: bool = true;
        /// The maximum number of epochs (passes over the data).
        max_iter: usize = 1000, domain(Domain::int_min(1));
        /// Stop when the epoch objective (or validation score) fails to improve by `tol` for
        /// `n_iter_no_change` epochs; none runs `max_iter` epochs.
        tol: Option<f64> = Some(1e-3), domain(Domain::float_min(0.0));
        /// Whether to shuffle the rows before each epoch.
        shuffle: bool = true;
        /// The width of the insensitive zone of "huber", "epsilon_insensitive" and "squared_epsilon_insensitive".
        epsilon: f64 = 0.1, domain(Domain::float_min(0.0));
        /// The seed of the shuffles and of the validation split (a different stream from scikit-learn's).
        random_state: u64 = 0;
        /// The step-size schedule: "optimal" (1 / (alpha·(t + t0))), "constant" (eta0), "invscaling"
        /// (eta0 / t^power_t) or "adaptive" (eta0, divided by 5 when progress stalls).
        learning_rate: String = "optimal".into(),
            domain(Domain::choice(&["optimal", "constant", "invscaling", "adaptive"]));
        /// The initial step size of "constant", "invscaling" and "adaptive".
        eta0: f64 = 0.01, domain(Domain::positive());
        /// The exponent of "invscaling".
        power_t: f64 = 0.5, domain(Domain::finite());
        /// Stop on the score of a held-out validation share instead of the training objective.
        early_stopping: bool = false;
        /// The share of rows held out when `early_stopping` is on.
        validation_fraction: f64 = 0.1, domain(Domain::float_between(0.0, 1.0, true, true));
        /// Epochs without improvement before stopping (or, for "adaptive", dividing the step size).
        n_iter_no_change: usize = 5, domain(Domain::int_min(1));
        /// Class weights: "balanced" (n_rows / (n_classes · class count)), a map from label to weight, or none.
        class_weight: Option<serde_json::Value> = None,
            check(|v| match v {
                None => true,
                Some(serde_json::Value::String(s)) => s == "balanced",
                Some(serde_json::Value::Object(m)) => m.values().all(|w| w.as_f64().is_some_and(f64::is_finite)),
                Some(_) => false,
            }, "'balanced', a map {label: weight} or none");
        /// Average the weights over the updates from update `average` on (0: no averaging; scikit-learn's True is 1).
        average: usize = 0;
    }
}

/// A fitted [`SGDClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SGDClassifierModel {
    params: SGDClassifier,
    classes: Vec<String>,
    /// One row per binary problem (a single row for two classes), one column per feature.
    coef: Array2<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    intercept: Array1<f64>,
    n_iter: usize,
    /// The step count the next `partial_fit` continues from (scikit-learn's `t_`).
    t: f64,
    /// The unaveraged and averaged weights of each binary problem, kept for `partial_fit` when averaging.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    state: Vec<SgdWeights>,
}

impl SGDClassifierModel {
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// Epochs run by the last fit (the most over the one-vs-all problems).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// scikit-learn's `t_`: the number of updates made plus one.
    pub fn t(&self) -> f64 {
        self.t
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    fn scores_data(&self, x: &Features<'_>) -> Result<Array2<f64>> {
        linear_scores(x, self.coef.view(), self.intercept.view(), "SGDClassifier")
    }

    fn probabilities(&self, x: &Features<'_>) -> Result<Array2<f64>> {
        let loss = self.params.loss.as_str();
        if loss != "log_loss" && loss != "modified_huber" {
            bail!(
                Unsupported,
                "predict_(log_)proba only supported when loss='log_loss' or loss='modified_huber' ('{loss}' given)"
            );
        }
        let s = self.scores_data(x)?;
        let to_p = |z: f64| if loss == "log_loss" { sigmoid(z) } else { (z.clamp(-1.0, 1.0) + 1.0) / 2.0 };
        if s.ncols() == 1 {
            let mut p = Array2::zeros((s.nrows(), 2));
            for (i, &z) in s.column(0).iter().enumerate() {
                let q = to_p(z);
                p[[i, 0]] = 1.0 - q;
                p[[i, 1]] = q;
            }
            return Ok(p);
        }
        let k = s.ncols();
        let mut p = s.mapv(to_p);
        for mut row in p.axis_iter_mut(Axis(0)) {
            let sum = row.sum();
            if sum == 0.0 {
                // Every class clipped to zero (modified Huber): uniform, as scikit-learn.
                row.fill(1.0 / k as f64);
            } else {
                row.mapv_inplace(|v| v / sum);
            }
        }
        Ok(p)
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl SGDClassifier {
    pub(crate) fn config(&self, max_iter: usize) -> Result<SgdConfig> {
        sgd_config(SgdParams {
            loss: &self.loss,
            penalty: self.penalty.as_deref(),
            alpha: self.alpha,
            l1_ratio: self.l1_ratio,
            fit_intercept: self.fit_intercept,
            max_iter,
            tol: self.tol,
            n_iter_no_change: self.n_iter_no_change,
            shuffle: self.shuffle,
            epsilon: self.epsilon,
            learning_rate: &self.learning_rate,
            eta0: self.eta0,
            power_t: self.power_t,
            average: self.average,
        })
    }

    /// The weight of each class, in class order.
    fn class_weights(&self, y: &Labels) -> Result<Vec<f64>> {
        let k = y.n_classes();
        match &self.class_weight {
            None => Ok(vec![1.0; k]),
            Some(serde_json::Value::String(_)) => {
                let counts = y.counts();
                let n = y.len() as f64;
                // Classes absent from this batch cannot be balanced (scikit-learn refuses too).
                if let Some(c) = counts.iter().position(|&c| c == 0) {
                    bail!(InvalidValue, "classes should have valid labels that are in y: '{}' is not", y.classes()[c]);
                }
                Ok(counts.iter().map(|&c| n / (k as f64 * c as f64)).collect())
            }
            Some(serde_json::Value::Object(m)) => {
                let mut w = vec![1.0; k];
                for (label, v) in m {
                    let Some(c) = y.classes().iter().position(|l| l == label) else {
                        bail!(InvalidValue, "The classes, ['{label}'], are not in class_weight");
                    };
                    w[c] = v.as_f64().unwrap_or(1.0);
                }
                Ok(w)
            }
            Some(_) => unreachable!("checked by validate"),
        }
    }

    /// Fits, or continues `prev` for one epoch (`partial_fit`).
    pub fn fit_continue(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        sample_weight: Option<&[f64]>,
        prev: Option<&SGDClassifierModel>,
    ) -> Result<SGDClassifierModel> {
        self.fit_batch(SgdX::Dense(x), y, sample_weight, prev, prev.is_some())
    }

    /// [`SGDClassifier::fit_continue`] on sparse (CSR) input, used as it is.
    pub fn fit_continue_csr(
        &self,
        x: &Csr<'_>,
        y: &Labels,
        sample_weight: Option<&[f64]>,
        prev: Option<&SGDClassifierModel>,
    ) -> Result<SGDClassifierModel> {
        self.fit_batch(SgdX::Sparse(*x), y, sample_weight, prev, prev.is_some())
    }

    /// Fits; with `partial` (a `partial_fit` batch, the first one too) one
    /// epoch under partial_fit's rules, continuing `prev` when given.
    fn fit_batch(
        &self,
        x: SgdX<'_>,
        y: &Labels,
        sample_weight: Option<&[f64]>,
        prev: Option<&SGDClassifierModel>,
        partial: bool,
    ) -> Result<SGDClassifierModel> {
        self.validate()?;
        x.check_fit(y.len())?;
        check_sample_weight(sample_weight, y.len())?;
        if y.n_classes() < 2 {
            // A batch of partial_fit may lack classes, but the model needs two.
            y.check_two_classes()?;
        }
        let (n, p) = x.dim();
        let n_classes = y.n_classes();
        if partial {
            ensure!(!self.early_stopping, InvalidValue, "early_stopping should be False with partial_fit");
        }
        if partial {
            ensure!(
                !matches!(self.class_weight, Some(serde_json::Value::String(_))),
                InvalidValue,
                "class_weight 'balanced' is not supported for partial_fit. In order to use 'balanced' weights, use \
                 compute_class_weight('balanced', classes=classes, y=y) and pass the resulting weights as the \
                 class_weight parameter."
            );
        }
        if let Some(prev) = prev {
            ensure!(
                prev.classes == y.classes(),
                InvalidValue,
                "`classes={:?}` is not the same as on last call to partial_fit, was: {:?}",
                y.classes(),
                prev.classes
            );
            ensure!(
                prev.coef.ncols() == p,
                Shape,
                "Number of features {p} does not match previous data {}.",
                prev.coef.ncols()
            );
        }
        let cfg = self.config(if partial { 1 } else { self.max_iter })?;
        let class_weight = self.class_weights(y)?;
        let weights: Vec<f64> = sample_weight.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let k = if n_classes == 2 { 1 } else { n_classes };
        let averaging = self.average > 0;
        let start: Vec<SgdWeights> = match prev {
            Some(m) if !m.state.is_empty() => m.state.clone(),
            Some(m) => (0..k)
                .map(|i| SgdWeights {
                    coef: m.coef.row(i).to_vec(),
                    intercept: m.intercept[i],
                    average_coef: if averaging { vec![0.0; p] } else { Vec::new() },
                    average_intercept: 0.0,
                })
                .collect(),
            None => vec![SgdWeights::zeros(p, averaging); k],
        };
        let t0 = prev.map_or(1.0, |m| m.t);
        let codes = y.codes();
        let mask = if self.early_stopping {
            Some(validation_split(n, self.validation_fraction, Some(codes), &weights, self.random_state)?)
        } else {
            None
        };
        let label_encode = cfg.loss == Loss::Log;
        let root = Rng::new(self.random_state);
        let results: Vec<Result<(SgdWeights, usize)>> = start
            .into_par_iter()
            .enumerate()
            .map(|(i, mut w)| {
                let pos = if k == 1 { 1 } else { i };
                let negative = if label_encode { 0.0 } else { -1.0 };
                let yi: Vec<f64> = codes.iter().map(|&c| if c as usize == pos { 1.0 } else { negative }).collect();
                let (weight_pos, weight_neg) =
                    if k == 1 { (class_weight[1], class_weight[0]) } else { (class_weight[i], 1.0) };
                let score = |coef: &[f64], b: f64| binary_accuracy(x, &yi, &weights, mask.as_deref(), coef, b);
                let validation = mask.as_deref().map(|m| Validation { mask: m, score: &score });
                let n_iter = plain_sgd_x(
                    &cfg,
                    x,
                    &yi,
                    &weights,
                    weight_pos,
                    weight_neg,
                    &mut w,
                    t0,
                    validation.as_ref(),
                    root.fork(i as u64),
                )?;
                Ok((w, n_iter))
            })
            .collect();
        let results: Vec<(SgdWeights, usize)> = results.into_iter().collect::<Result<_>>()?;
        let n_iter = results.iter().map(|r| r.1).max().unwrap_or(0);
        let t = t0 + (n_iter * n) as f64;
        let averaged = use_average(self.average, t);
        let mut coef = Array2::zeros((k, p));
        let mut intercept = Array1::zeros(k);
        for (i, (w, _)) in results.iter().enumerate() {
            let (c, b) = if averaged { (&w.average_coef, w.average_intercept) } else { (&w.coef, w.intercept) };
            coef.row_mut(i).assign(&ndarray::ArrayView1::from(c.as_slice()));
            intercept[i] = b;
        }
        Ok(SGDClassifierModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            coef,
            intercept,
            n_iter,
            t,
            state: if averaging { results.into_iter().map(|r| r.0).collect() } else { Vec::new() },
        })
    }
}

/// Accuracy of the sign of `x·coef + b` on the held-out rows, weighted.
fn binary_accuracy(x: SgdX<'_>, y: &[f64], w: &[f64], mask: Option<&[bool]>, coef: &[f64], b: f64) -> f64 {
    let (mut hit, mut total) = (0.0, 0.0);
    for i in 0..x.dim().0 {
        if !mask.is_some_and(|m| m[i]) {
            continue;
        }
        let s: f64 = x.row_dot(i, coef) + b;
        if (s > 0.0) == (y[i] > 0.0) {
            hit += w[i];
        }
        total += w[i];
    }
    hit / total
}

impl Learn for SGDClassifier {
    type Model = SGDClassifierModel;

    /// Probabilities only from the losses that model them, as scikit-learn.
    fn tags(&self) -> ironlearn_core::Tags {
        ironlearn_core::Tags {
            predict_proba: matches!(self.loss.as_str(), "log_loss" | "modified_huber"),
            ..Self::TAGS
        }
    }

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<SGDClassifierModel> {
        let prev = ctx.init_model_as::<SGDClassifierModel>()?;
        let partial = ctx.partial || prev.is_some();
        let labels = data.target()?.labels()?;
        if let Features::Sparse(m) = &data.x {
            return self.fit_batch(SgdX::Sparse(*m), &labels, data.weight, prev, partial);
        }
        self.fit_batch(SgdX::Dense(data.dense()?.view()), &labels, data.weight, prev, partial)
    }
}

impl Fitted for SGDClassifierModel {
    type Estimator = SGDClassifier;

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let s = self.scores_data(&x)?;
        let codes = if s.ncols() == 1 {
            s.column(0).iter().map(|&z| u32::from(z > 0.0)).collect()
        } else {
            s.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect()
        };
        Ok(Prediction::Labels(Labels::new(self.classes.clone(), codes)?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.probabilities(&x)
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.scores_data(&x)
    }
}

register!(SGDClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::sgd::{assert_close, scaled_data};
    use ironlearn_core::Target;

    fn fit(params: &SGDClassifier, name: &str, w: Option<&[f64]>) -> SGDClassifierModel {
        let (x, y) = scaled_data(name);
        params.fit_continue(x.view(), &Labels::from_strings(&y), w, None).unwrap()
    }

    fn check(m: &SGDClassifierModel, n_iter: usize, t: f64, coef: &[f64], intercept: &[f64]) {
        assert_eq!(m.n_iter(), n_iter);
        assert_eq!(m.t(), t);
        assert_close(m.coef().as_slice().unwrap(), coef, "coef");
        assert_close(m.intercept().as_slice().unwrap(), intercept, "intercept");
    }

    fn base() -> SGDClassifier {
        SGDClassifier { shuffle: false, ..Default::default() }
    }

    // The data: data/<name>.csv standardised (see scaled_data), as X below.
    // Reference: SGDClassifier(shuffle=False, ...).fit(X, y) in scikit-learn 1.9.1.

    #[test]
    fn hinge_l2_optimal_matches_scikit_learn() {
        // SGDClassifier(shuffle=False).fit(X_iris, y)
        check(
            &fit(&base(), "iris", None),
            18,
            2701.0,
            &[
                -1.1683303719447207,
                4.09072743139631,
                -7.132720619976853,
                -6.763690320116159,
                8.209724063761552,
                0.17778932272044234,
                -5.339545529956165,
                -24.27004500237523,
                -2.2788675113451577,
                -11.311789874574487,
                27.006306809608706,
                26.32643685806007,
            ],
            &[-8.566026316287585, -14.7374364568516, -28.438210052013407],
        );
    }

    #[test]
    fn log_loss_elasticnet_invscaling_matches_scikit_learn() {
        // SGDClassifier(loss="log_loss", penalty="elasticnet", learning_rate="invscaling", eta0=0.1, shuffle=False)
        let p = SGDClassifier {
            loss: "log_loss".into(),
            penalty: Some("elasticnet".into()),
            learning_rate: "invscaling".into(),
            eta0: 0.1,
            ..base()
        };
        check(
            &fit(&p, "iris", None),
            37,
            5551.0,
            &[
                -0.7132101080065919,
                1.0748708481620302,
                -1.1904540302318072,
                -1.1017775013946443,
                -0.02688398503036745,
                -0.9300302380480401,
                0.18518593082770887,
                -0.10754386713379845,
                0.5449125119587489,
                0.09382714783235198,
                0.9326685960729204,
                1.231417467774478,
            ],
            &[-0.8223719091006882, -0.7564276042208077, -1.2411979602826675],
        );
    }

    #[test]
    fn modified_huber_l1_constant_matches_scikit_learn() {
        // SGDClassifier(loss="modified_huber", penalty="l1", learning_rate="constant", eta0=0.01, shuffle=False)
        let p = SGDClassifier {
            loss: "modified_huber".into(),
            penalty: Some("l1".into()),
            learning_rate: "constant".into(),
            ..base()
        };
        check(
            &fit(&p, "iris", None),
            29,
            4351.0,
            &[
                -0.28074276388529057,
                0.4974212974410978,
                -0.6476047420498858,
                -0.5738788550177943,
                -0.026864978597718355,
                -0.3721332862890798,
                -0.18881030952952374,
                -0.49824527852724765,
                -0.19517646673960637,
                -0.3831733055679745,
                1.6190267698291891,
                1.8618354796289596,
            ],
            &[-0.7076494078681921, -0.4314761551985515, -2.0001341268702584],
        );
    }

    #[test]
    fn squared_hinge_no_penalty_adaptive_matches_scikit_learn() {
        // SGDClassifier(loss="squared_hinge", penalty=None, learning_rate="adaptive", eta0=0.1, shuffle=False)
        let p = SGDClassifier {
            loss: "squared_hinge".into(),
            penalty: None,
            learning_rate: "adaptive".into(),
            eta0: 0.1,
            ..base()
        };
        check(
            &fit(&p, "iris", None),
            51,
            7651.0,
            &[
                -0.3505270146995001,
                0.7516224480793096,
                -1.0642377359208754,
                -0.9759588723669077,
                0.1899331998306932,
                -0.5526909527009204,
                0.34299055230404435,
                -0.606137855659101,
                -0.47029713896012165,
                -0.5091097386512826,
                2.61746937541021,
                2.779239902415367,
            ],
            &[-0.9161045491553858, -0.40424933567180155, -3.2869089012416106],
        );
    }

    #[test]
    fn perceptron_binary_matches_scikit_learn() {
        // SGDClassifier(loss="perceptron", alpha=0.001, shuffle=False).fit(X_cancer, y)
        let p = SGDClassifier { loss: "perceptron".into(), alpha: 0.001, ..base() };
        check(
            &fit(&p, "breast_cancer", None),
            24,
            13657.0,
            &[
                -0.20200048694459033,
                -0.1687857676390977,
                -0.2489032093553484,
                -0.011780785692667108,
                0.4963200812379245,
                -0.8702624609488212,
                0.5681926561537679,
                0.5115083466463739,
                -0.21337218374857045,
                -0.27210293143000797,
                1.1424085001348283,
                -0.3936333372784671,
                0.32174108434461934,
                1.2592707214760746,
                0.2811496266913541,
                0.029422875474963132,
                -1.0030850551581048,
                0.18153957809010005,
                -0.03330782195457148,
                -0.293566538858098,
                0.8930230174564605,
                1.1344349442693336,
                0.5535004859271297,
                0.9853797278000944,
                0.321389074500518,
                -0.14230640608977735,
                0.6197689342785091,
                0.8292957506909068,
                0.6135083760174552,
                0.17199169675446327,
            ],
            &[0.08199716714263307],
        );
    }

    #[test]
    fn balanced_weights_and_averaging_match_scikit_learn() {
        // sw = [1 + i % 3]; SGDClassifier(loss="log_loss", alpha=0.01, class_weight="balanced", average=True,
        // shuffle=False).fit(X_cancer, y, sample_weight=sw)
        let p = SGDClassifier {
            loss: "log_loss".into(),
            alpha: 0.01,
            class_weight: Some("balanced".into()),
            average: 1,
            ..base()
        };
        let sw: Vec<f64> = (0..569).map(|i| 1.0 + (i % 3) as f64).collect();
        check(
            &fit(&p, "breast_cancer", Some(&sw)),
            16,
            9105.0,
            &[
                0.6228534987910637,
                0.5586198890061643,
                0.6280031874265923,
                0.7386195729709608,
                0.1509587197533805,
                -0.11227917938798883,
                0.9187412010522192,
                1.0291113869279607,
                0.26825958789420357,
                -0.4908817769066456,
                1.0686884925918734,
                -0.05026505339448807,
                0.8799061458665821,
                1.052258306822141,
                0.1600047802548792,
                -0.6230411314082405,
                -0.43568615201780747,
                0.06883163559846908,
                -0.12107353206131169,
                -0.5195910117005847,
                1.0824273094874621,
                1.4416734773354885,
                1.0565762312673974,
                1.1443021705644616,
                0.8683301815766781,
                0.10548407170260263,
                0.8032584522886733,
                1.003696770728695,
                0.9847791576184132,
                0.08294345915640892,
            ],
            &[0.779867017626277],
        );
    }

    #[test]
    fn late_averaging_with_elasticnet_and_no_tol_matches_scikit_learn() {
        // SGDClassifier(average=50, penalty="elasticnet", l1_ratio=0.5, tol=None, max_iter=7, shuffle=False)
        let p = SGDClassifier {
            average: 50,
            penalty: Some("elasticnet".into()),
            l1_ratio: 0.5,
            tol: None,
            max_iter: 7,
            ..base()
        };
        check(
            &fit(&p, "iris", None),
            7,
            1051.0,
            &[
                -2.6513192683137263,
                12.21803923114518,
                -18.81068205641525,
                -18.041549905986226,
                13.786937916825545,
                -14.950615614831383,
                1.1285342399441916,
                -14.140530252775912,
                -4.685210021175174,
                -3.278673991046228,
                27.36516941171615,
                29.656707922603697,
            ],
            &[-8.042311636752803, -8.890939352430468, -30.278523880217058],
        );
    }

    #[test]
    fn partial_fit_sequence_matches_scikit_learn() {
        // m = SGDClassifier(loss="log_loss", shuffle=False)
        // m.partial_fit(X[:75], y[:75], classes=np.unique(y)); m.partial_fit(X[75:], y[75:]); m.partial_fit(X, y)
        let (x, y) = scaled_data("iris");
        let all = Labels::from_strings(&y);
        let classes = all.classes().to_vec();
        let batch = |r: std::ops::Range<usize>| {
            let codes = all.codes()[r].to_vec();
            Labels::new(classes.clone(), codes).unwrap()
        };
        let p = SGDClassifier { loss: "log_loss".into(), ..base() };
        let learn = |rows: std::ops::Range<usize>, prev: Option<&SGDClassifierModel>| {
            let target = Target::Labels(batch(rows.clone()));
            let xs = x.slice(ndarray::s![rows, ..]);
            let data = TrainData::supervised(Features::Dense(xs), &target);
            let mut ctx =
                FitContext { init_model: prev.map(|m| m as &dyn ironlearn_core::Model), ..Default::default() };
            p.learn(&data, &mut ctx).unwrap()
        };
        // The first call of partial_fit: one epoch from zero.
        let first = SGDClassifier { max_iter: 1, ..p.clone() }.fit_continue(
            x.slice(ndarray::s![..75, ..]),
            &batch(0..75),
            None,
            None,
        );
        let m1 = first.unwrap();
        check(
            &m1,
            1,
            76.0,
            &[
                4.537645801895582,
                18.845589862318516,
                -5.154069112735316,
                -4.670411816341842,
                -4.537645801895582,
                -18.845589862318516,
                5.154069112735316,
                4.670411816341842,
                -4.9247446731328415,
                8.10571450343881,
                0.05670155160634493,
                2.4851463131327374,
            ],
            &[-7.734214781976044, 7.734214781976044, -23.705910967805032],
        );
        let m2 = learn(75..150, Some(&m1));
        check(
            &m2,
            1,
            151.0,
            &[
                2.6499422710653633,
                11.00610437160135,
                -8.35175336194886,
                -8.784997853555424,
                2.838069797701884,
                2.3436292453353094,
                -13.010350117759778,
                -19.820258508941706,
                -8.823559974688195,
                -0.7656947337203815,
                17.457910500981995,
                26.01007199910248,
            ],
            &[-16.60852507902023, -10.514790746749803, -2.4094552704387087],
        );
        let m3 = learn(0..150, Some(&m2));
        check(
            &m3,
            1,
            301.0,
            &[
                -1.1640542119054251,
                14.810752591954232,
                -18.381840777436715,
                -17.056322138976686,
                0.5513944211570856,
                -10.012956491417297,
                -16.510948003722504,
                -24.217737875110274,
                1.5368193598913036,
                6.2510282155420045,
                25.104778611541505,
                30.65722867439368,
            ],
            &[-19.419702073311676, -6.585892625123553, -12.547045828808885],
        );
        // A later batch may hold a single class, as in scikit-learn.
        assert_eq!(learn(0..10, Some(&m3)).t(), 311.0);
        // m.predict_proba(X[[0, 60, 120]]) (one-vs-all sigmoids, normalised)
        let rows = x.select(Axis(0), &[0, 60, 120]);
        let proba = m3.predict_proba_data(Features::Dense(rows.view())).unwrap();
        let want = [
            0.5000000000000001,
            0.49999999999999994,
            1.943604490770673e-36,
            3.477665408948169e-21,
            1.0,
            1.4754818345484293e-18,
            3.0724357845993006e-27,
            7.33122574779147e-28,
            1.0,
        ];
        for (g, w) in proba.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{g} vs {w}");
        }
    }

    #[test]
    fn shuffled_fits_are_as_good_as_scikit_learns_and_deterministic() {
        // SGDClassifier(random_state=0).fit(X_iris, y).score(X_iris, y) == 0.96;
        // SGDClassifier(loss="log_loss", random_state=0) on breast_cancer: 0.984
        for (name, loss, sklearn_acc) in [("iris", "hinge", 0.96), ("breast_cancer", "log_loss", 0.984)] {
            let (x, y) = scaled_data(name);
            let labels = Labels::from_strings(&y);
            let p = SGDClassifier { loss: loss.into(), random_state: 7, ..Default::default() };
            let m = p.fit_continue(x.view(), &labels, None, None).unwrap();
            let Prediction::Labels(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { unreachable!() };
            let acc = pred.codes().iter().zip(labels.codes()).filter(|(a, b)| a == b).count() as f64 / y.len() as f64;
            assert!(acc >= sklearn_acc - 0.04, "{name}: accuracy {acc}");
            assert_eq!(m, p.fit_continue(x.view(), &labels, None, None).unwrap());
        }
    }

    #[test]
    fn early_stopping_stops_on_the_validation_score() {
        let (x, y) = scaled_data("breast_cancer");
        let labels = Labels::from_strings(&y);
        let p = SGDClassifier { early_stopping: true, random_state: 1, ..Default::default() };
        let m = p.fit_continue(x.view(), &labels, None, None).unwrap();
        assert!(m.n_iter() < 100, "{}", m.n_iter());
        let Prediction::Labels(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { unreachable!() };
        let acc = pred.codes().iter().zip(labels.codes()).filter(|(a, b)| a == b).count() as f64 / y.len() as f64;
        assert!(acc > 0.95, "{acc}");
    }

    #[test]
    fn modified_huber_probabilities_and_other_losses_refuse() {
        // SGDClassifier(loss="modified_huber", shuffle=False).fit(X_cancer, y).predict_proba(X[:3]) == [[0, 1]] * 3
        let (x, y) = scaled_data("breast_cancer");
        let p = SGDClassifier { loss: "modified_huber".into(), ..base() };
        let m = p.fit_continue(x.view(), &Labels::from_strings(&y), None, None).unwrap();
        let proba = m.predict_proba_data(Features::Dense(x.slice(ndarray::s![..3, ..]))).unwrap();
        assert_eq!(proba.as_slice().unwrap(), [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        let hinge = base().fit_continue(x.view(), &Labels::from_strings(&y), None, None).unwrap();
        let err = hinge.predict_proba_data(Features::Dense(x.view())).unwrap_err().to_string();
        assert!(err.contains("only supported when loss='log_loss' or loss='modified_huber' ('hinge' given)"), "{err}");
    }

    #[test]
    fn bad_input_and_parameters_are_refused() {
        let (x, y) = scaled_data("iris");
        let labels = Labels::from_strings(&y);
        let err = |p: SGDClassifier| p.fit_continue(x.view(), &labels, None, None).unwrap_err().to_string();
        assert!(err(SGDClassifier { loss: "hinges".into(), ..base() }).contains("'loss'"));
        assert!(err(SGDClassifier { alpha: -1.0, ..base() }).contains("'alpha'"));
        assert!(
            err(SGDClassifier { alpha: 0.0, ..base() }).contains("alpha must be > 0 since learning_rate is 'optimal'")
        );
        assert!(err(SGDClassifier { eta0: 0.0, learning_rate: "constant".into(), ..base() }).contains("'eta0'"));
        assert!(err(SGDClassifier { class_weight: Some("even".into()), ..base() }).contains("'class_weight'"));
        let mut nan = x.clone();
        nan[[3, 1]] = f64::NAN;
        assert!(base().fit_continue(nan.view(), &labels, None, None).unwrap_err().to_string().contains("NaN"));
        let m = base().fit_continue(x.view(), &labels, None, None).unwrap();
        let narrow = x.slice(ndarray::s![.., ..3]);
        let e = m.predict_data(Features::Dense(narrow)).unwrap_err().to_string();
        assert!(e.contains("X has 3 features, but SGDClassifier is expecting 4 features"), "{e}");
        let e = base().fit_continue(narrow, &labels, None, Some(&m)).unwrap_err().to_string();
        assert!(e.contains("Number of features 3 does not match previous data 4"), "{e}");
        let p = SGDClassifier { early_stopping: true, ..base() };
        let e = p.fit_continue(x.view(), &labels, None, Some(&m)).unwrap_err().to_string();
        assert!(e.contains("early_stopping should be False with partial_fit"), "{e}");
    }
}
