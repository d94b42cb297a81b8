//! Bernoulli naive Bayes: features are present or absent, one Bernoulli per class and feature.
//!
//! Unlike the multinomial model it counts the absence of a feature as
//! evidence too, which suits short documents and binary indicators. Inputs
//! are binarised at `binarize` (values above it are 1) both in `fit` and in
//! `predict`, as in scikit-learn.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use serde::{Deserialize, Serialize};

use super::base::{
    check_train, class_log_prior, count, effective_alpha, linear_jll, predict_labels, proba_from_jll, train_labels,
};

hyperparams! {
    /// Bernoulli naive Bayes, for binary (or binarised) features.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::BernoulliNB;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0]];
    /// let y = Labels::from_strings(&["x", "x", "y", "y"]);
    /// let model = BernoulliNB::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[3.0, 0.0, 0.0], [0.0, 0.5, 1.0]].view())?.to_strings(), ["x", "y"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "bernoulli_nb"]
    #[aliases("bernoulli_naive_bayes")]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, partial_fit, poor_score)]
    pub struct BernoulliNB {
        /// Additive (Laplace/Lidstone) smoothing; 0 for none (with `force_alpha`).
        alpha: f64 = 1.0, domain(Domain::float_min(0.0)), check(|a| a.is_finite(), "a finite number");
        /// Keep `alpha` as given even below 1e-10; otherwise it is raised to 1e-10.
        force_alpha: bool = true;
        /// Threshold above which a value counts as 1 (at or below: 0); `None` takes the input as
        /// already binary.
        binarize: Option<f64> = Some(0.0), domain(Domain::float_min(0.0)),
            check(|b| b.is_none_or(f64::is_finite), "None or a finite number");
        /// Learn the class priors from the data; otherwise they are uniform.
        fit_prior: bool = true;
        /// Prior probabilities of the classes, in class order; when given they are used as they are.
        class_prior: Option<Vec<f64>> = None;
    }
}

/// A fitted [`BernoulliNB`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BernoulliNBModel {
    params: BernoulliNB,
    classes: Vec<String>,
    /// Weighted number of training rows per class.
    class_count: Vec<f64>,
    /// Weighted count of ones per class and feature, (classes, features).
    feature_count: Array2<f64>,
    /// Log probability that a feature is 1 given the class, (classes, features).
    feature_log_prob: Array2<f64>,
    /// Log prior of each class.
    class_log_prior: Vec<f64>,
}

impl BernoulliNBModel {
    /// Log probability that each feature is 1 given the class (scikit-learn's `feature_log_prob_`).
    pub fn feature_log_prob(&self) -> &Array2<f64> {
        &self.feature_log_prob
    }

    /// Weighted count of ones per class and feature.
    pub fn feature_count(&self) -> &Array2<f64> {
        &self.feature_count
    }

    /// Weighted number of training rows per class.
    pub fn class_count(&self) -> &[f64] {
        &self.class_count
    }

    /// Log prior of each class.
    pub fn class_log_prior(&self) -> &[f64] {
        &self.class_log_prior
    }

    fn joint_log_likelihood(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.feature_log_prob.ncols(), "BernoulliNB")?;
        let x = binarized(x, self.params.binarize);
        // log P(x|c) = Σ x·log p + (1 - x)·log(1 - p) = x·(log p - log(1 - p)) + Σ log(1 - p).
        let neg_prob = self.feature_log_prob.mapv(|v| (1.0 - v.exp()).ln());
        let bias: Vec<f64> =
            neg_prob.rows().into_iter().zip(&self.class_log_prior).map(|(r, prior)| prior + r.sum()).collect();
        Ok(linear_jll(x.view(), &(&self.feature_log_prob - &neg_prob), Some(&bias)))
    }
}

/// `x` with values above `threshold` set to 1 and the others to 0; as it is without a threshold.
fn binarized(x: ArrayView2<'_, f64>, threshold: Option<f64>) -> CowArray<'_, f64, Ix2> {
    match threshold {
        Some(t) => CowArray::from(x.mapv(|v| if v > t { 1.0 } else { 0.0 })),
        None => CowArray::from(x),
    }
}

impl Fit<Labels> for BernoulliNB {
    type Fitted = BernoulliNBModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<BernoulliNBModel> {
        self.fit_after(x, y, w, None)
    }
}

impl BernoulliNB {
    /// Fits on `x`, adding to `prev`'s counts when given (`partial_fit`).
    fn fit_after(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        prev: Option<&BernoulliNBModel>,
    ) -> Result<BernoulliNBModel> {
        self.validate()?;
        check_train(x, y, w)?;
        let prev = prev.map(|m| (&m.classes[..], &m.class_count[..], &m.feature_count));
        let counts = count(binarized(x, self.binarize).view(), y, w).after(prev, y, "BernoulliNB")?;
        let alpha = effective_alpha(self.alpha, self.force_alpha);
        let mut feature_log_prob = &counts.feature_count + alpha;
        for (mut row, n) in feature_log_prob.rows_mut().into_iter().zip(&counts.class_count) {
            let total = (n + 2.0 * alpha).ln();
            row.mapv_inplace(|v| v.ln() - total);
        }
        let class_log_prior = class_log_prior(&counts.class_count, self.fit_prior, self.class_prior.as_deref())?;
        Ok(BernoulliNBModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            class_count: counts.class_count,
            feature_count: counts.feature_count,
            feature_log_prob,
            class_log_prior,
        })
    }
}

impl Predict for BernoulliNBModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        predict_labels(&self.joint_log_likelihood(x)?, &self.classes)
    }
}

impl PredictProba for BernoulliNBModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(proba_from_jll(self.joint_log_likelihood(x)?))
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for BernoulliNB {
    type Model = BernoulliNBModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<BernoulliNBModel> {
        self.fit_after(
            data.dense()?.view(),
            &*train_labels(data)?,
            data.weight,
            ctx.init_model_as::<BernoulliNBModel>()?,
        )
    }
}

impl Fitted for BernoulliNBModel {
    type Estimator = BernoulliNB;

    fn n_features_in(&self) -> usize {
        self.feature_log_prob.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Labels(self.predict(x.to_dense()?.view())?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_proba(x.to_dense()?.view())
    }
}

register!(BernoulliNB);

#[cfg(test)]
mod tests {
    use super::super::base::assert_close;
    use super::super::multinomial_nb::tests::counts;
    use super::*;
    use ndarray::array;
    use std::f64::consts::LN_2;

    #[test]
    fn matches_scikit_learn() {
        // BernoulliNB(binarize=1.0).fit(Xc, y): feature_log_prob_, predict_proba(Xct)
        let (x, y, _, xt) = counts();
        let m = BernoulliNB { binarize: Some(1.0), ..Default::default() }.fit(x.view(), &y).unwrap();
        let flp = array![
            [-0.5108256237659905, -1.6094379124341003, -0.916290731874155, -0.2231435513142097],
            [-1.6094379124341003, -0.2231435513142097, -0.916290731874155, -1.6094379124341003],
            [-LN_2, -LN_2, -0.2876820724517808, -LN_2]
        ];
        assert_close(m.feature_log_prob(), &flp, 1e-14);
        let proba = array![
            [0.5762521102982556, 0.07203151378728197, 0.3517163759144624],
            [0.028433211570737475, 0.9098627702635995, 0.061704018165662886],
            [0.33773087071240127, 0.11257695690413372, 0.5496921723834649]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["a", "b", "c"]);
    }

    #[test]
    fn weights_without_binarize_match_scikit_learn() {
        // B = (Xc > 1).astype(float)
        // BernoulliNB(alpha=0.3, binarize=None, fit_prior=False).fit(B, y, sample_weight=w)
        //     .predict_proba((Xct > 1).astype(float))
        let (x, y, w, xt) = counts();
        let b = |a: &Array2<f64>| a.mapv(|v| f64::from(u8::from(v > 1.0)));
        let p = BernoulliNB { alpha: 0.3, binarize: None, fit_prior: false, ..Default::default() };
        let m = p.fit_weighted(b(&x).view(), &y, Some(&w)).unwrap();
        let fc = array![[1.5, 0.0, 0.5, 3.5], [0.0, 5.0, 1.0, 0.0], [0.25, 0.25, 1.75, 1.5]];
        assert_close(m.feature_count(), &fc, 1e-15);
        let proba = array![
            [0.19320374935342105, 0.0012956138565563113, 0.8055006367900227],
            [0.003669858671628337, 0.988199062509879, 0.008131078818492671],
            [0.13497734735677203, 0.014650032754427108, 0.8503726198888011]
        ];
        assert_close(&m.predict_proba(b(&xt).view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(b(&xt).view()).unwrap().to_strings(), ["c", "b", "c"]);
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y, _, _) = counts();
        let err = |p: BernoulliNB| p.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err(BernoulliNB { alpha: -0.5, ..Default::default() }).contains("alpha"));
        assert!(err(BernoulliNB { binarize: Some(-1.0), ..Default::default() }).contains("binarize"));
        let e = err(BernoulliNB { class_prior: Some(vec![0.5, -0.5, 1.0]), ..Default::default() });
        assert!(e.contains("Priors must be non-negative."), "{e}");
        let m = BernoulliNB::default().fit(x.view(), &y).unwrap();
        let e = m.predict(array![[1.0, 2.0, 3.0, 4.0, 5.0]].view()).unwrap_err().to_string();
        assert!(e.contains("X has 5 features, but BernoulliNB is expecting 4 features as input"), "{e}");
        assert!(m.predict(array![[1.0, 2.0, f64::NAN, 4.0]].view()).unwrap_err().to_string().contains("NaN"));
    }
}
