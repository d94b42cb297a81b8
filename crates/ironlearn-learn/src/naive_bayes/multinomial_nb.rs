//! Multinomial naive Bayes: features are counts drawn from one multinomial per class.
//!
//! The classic text classifier (word counts, tf-idf): fitting is one
//! weighted sum of the rows of each class, and prediction one product with
//! the log feature probabilities. Additive (Lidstone) smoothing `alpha`
//! keeps a word unseen in a class from ruling that class out.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::base::{
    check_non_negative, check_train, class_log_prior, count, effective_alpha, linear_jll, predict_labels,
    proba_from_jll, train_labels,
};

hyperparams! {
    /// Multinomial naive Bayes, for counts (word counts, tf-idf).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::MultinomialNB;
    /// use ndarray::array;
    ///
    /// let x = array![[3.0, 0.0], [2.0, 1.0], [0.0, 4.0], [1.0, 3.0]];
    /// let y = Labels::from_strings(&["ham", "ham", "spam", "spam"]);
    /// let model = MultinomialNB::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[5.0, 1.0], [0.0, 2.0]].view())?.to_strings(), ["ham", "spam"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "multinomial_nb"]
    #[aliases("multinomial_naive_bayes")]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, partial_fit, poor_score, positive_only)]
    pub struct MultinomialNB {
        /// Additive (Laplace/Lidstone) smoothing; 0 for none (with `force_alpha`).
        alpha: f64 = 1.0, domain(Domain::float_min(0.0)), check(|a| a.is_finite(), "a finite number");
        /// Keep `alpha` as given even below 1e-10; otherwise it is raised to 1e-10.
        force_alpha: bool = true;
        /// Learn the class priors from the data; otherwise they are uniform.
        fit_prior: bool = true;
        /// Prior probabilities of the classes, in class order; when given they are used as they are.
        class_prior: Option<Vec<f64>> = None;
    }
}

/// A fitted [`MultinomialNB`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultinomialNBModel {
    params: MultinomialNB,
    classes: Vec<String>,
    /// Weighted number of training rows per class.
    class_count: Vec<f64>,
    /// Weighted feature sums per class, (classes, features).
    feature_count: Array2<f64>,
    /// Log probability of each feature given the class, (classes, features).
    feature_log_prob: Array2<f64>,
    /// Log prior of each class.
    class_log_prior: Vec<f64>,
}

impl MultinomialNBModel {
    /// Log probability of each feature given the class (scikit-learn's `feature_log_prob_`).
    pub fn feature_log_prob(&self) -> &Array2<f64> {
        &self.feature_log_prob
    }

    /// Weighted feature sums per class.
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
        check_predict_input(x, self.feature_log_prob.ncols(), "MultinomialNB")?;
        Ok(linear_jll(x, &self.feature_log_prob, Some(&self.class_log_prior)))
    }
}

impl Fit<Labels> for MultinomialNB {
    type Fitted = MultinomialNBModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<MultinomialNBModel> {
        self.fit_after(x, y, w, None)
    }
}

impl MultinomialNB {
    /// Fits on `x`, adding to `prev`'s counts when given (`partial_fit`).
    fn fit_after(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        prev: Option<&MultinomialNBModel>,
    ) -> Result<MultinomialNBModel> {
        self.validate()?;
        check_train(x, y, w)?;
        check_non_negative(x, "MultinomialNB")?;
        let prev = prev.map(|m| (&m.classes[..], &m.class_count[..], &m.feature_count));
        let counts = count(x, y, w).after(prev, y, "MultinomialNB")?;
        let alpha = effective_alpha(self.alpha, self.force_alpha);
        let mut feature_log_prob = &counts.feature_count + alpha;
        for mut row in feature_log_prob.rows_mut() {
            let total = row.sum().ln();
            row.mapv_inplace(|v| v.ln() - total);
        }
        let class_log_prior = class_log_prior(&counts.class_count, self.fit_prior, self.class_prior.as_deref())?;
        Ok(MultinomialNBModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            class_count: counts.class_count,
            feature_count: counts.feature_count,
            feature_log_prob,
            class_log_prior,
        })
    }
}

impl Predict for MultinomialNBModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        predict_labels(&self.joint_log_likelihood(x)?, &self.classes)
    }
}

impl PredictProba for MultinomialNBModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(proba_from_jll(self.joint_log_likelihood(x)?))
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for MultinomialNB {
    type Model = MultinomialNBModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<MultinomialNBModel> {
        self.fit_after(
            data.dense()?.view(),
            &*train_labels(data)?,
            data.weight,
            ctx.init_model_as::<MultinomialNBModel>()?,
        )
    }
}

impl Fitted for MultinomialNBModel {
    type Estimator = MultinomialNB;

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

register!(MultinomialNB);

#[cfg(test)]
pub(crate) mod tests {
    use super::super::base::assert_close;
    use super::*;
    use ndarray::array;

    /// Count data shared by the discrete models' tests: (x, y, weights, x to predict).
    pub(crate) fn counts() -> (Array2<f64>, Labels, Vec<f64>, Array2<f64>) {
        let x = array![
            [2.0, 0.0, 1.0, 3.0],
            [1.0, 1.0, 0.0, 4.0],
            [3.0, 0.0, 2.0, 2.0],
            [0.0, 4.0, 1.0, 0.0],
            [1.0, 3.0, 0.0, 1.0],
            [0.0, 5.0, 2.0, 0.0],
            [2.0, 2.0, 4.0, 1.0],
            [0.0, 1.0, 5.0, 2.0]
        ];
        let y = Labels::from_strings(&["a", "a", "a", "b", "b", "b", "c", "c"]);
        let w = vec![1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.25, 1.5];
        (x, y, w, array![[1.0, 0.0, 2.0, 3.0], [0.0, 3.0, 1.0, 0.0], [2.0, 2.0, 2.0, 2.0]])
    }

    #[test]
    fn matches_scikit_learn() {
        // MultinomialNB().fit(Xc, y): feature_log_prob_, class_log_prior_, predict_proba(Xct)
        let (x, y, _, xt) = counts();
        let m = MultinomialNB::default().fit(x.view(), &y).unwrap();
        let flp = array![
            [-1.1895840668738364, -2.4423470353692043, -1.749199854809259, -0.8329091229351038],
            [-2.3513752571634776, -0.4795730802618863, -1.6582280766035324, -2.3513752571634776],
            [-1.9459101490553132, -1.6582280766035324, -0.7419373447293771, -1.6582280766035324]
        ];
        assert_close(m.feature_log_prob(), &flp, 1e-14);
        let prior = [-0.980829253011726, -0.980829253011726, -1.3862943611198904];
        m.class_log_prior().iter().zip(prior).for_each(|(a, b)| assert!((a - b).abs() < 1e-14));
        let proba = array![
            [0.8324958910055528, 0.0032843942940087773, 0.1642197147004386],
            [0.0024076275459489617, 0.9514008575958108, 0.04619151485823994],
            [0.4348305771668765, 0.12420498369154469, 0.44096443914157835]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["a", "b", "c"]);
    }

    #[test]
    fn weights_alpha_and_priors_match_scikit_learn() {
        // MultinomialNB(alpha=0.5, fit_prior=False).fit(Xc, y, sample_weight=w)
        let (x, y, w, xt) = counts();
        let p = MultinomialNB { alpha: 0.5, fit_prior: false, ..Default::default() };
        let m = p.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        let fc = array![[5.5, 2.0, 2.0, 12.0], [3.0, 18.0, 3.0, 3.0], [0.5, 2.0, 8.5, 3.25]];
        assert_close(m.feature_count(), &fc, 1e-15);
        assert_eq!(m.class_count(), [3.5, 5.0, 1.75]);
        let proba = array![
            [0.6491104328154784, 0.0046130135997317495, 0.34627655358479065],
            [0.0038259693884514115, 0.9359316702701543, 0.06024236034139415],
            [0.464640570828413, 0.247368960831811, 0.2879904683397766]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["a", "b", "a"]);

        // MultinomialNB(alpha=0.0, class_prior=[0.5, 0.25, 0.25]).fit(Xc, y)
        let p = MultinomialNB { alpha: 0.0, class_prior: Some(vec![0.5, 0.25, 0.25]), ..Default::default() };
        let proba = array![
            [0.9021162152165707, 0.00020099339791258489, 0.09768279138551642],
            [0.0007080519098414016, 0.9545475325040317, 0.04474441558612652],
            [0.43908902943372397, 0.026395810379589407, 0.5345151601866861]
        ];
        assert_close(&p.fit(x.view(), &y).unwrap().predict_proba(xt.view()).unwrap(), &proba, 1e-10);

        // MultinomialNB(alpha=0.0, force_alpha=False).fit(Xc, y): alpha raised to 1e-10
        let p = MultinomialNB { alpha: 0.0, force_alpha: false, ..Default::default() };
        let proba = array![
            [0.8734987167616867, 0.000389234717770605, 0.12611204852054309],
            [0.0003595153339510035, 0.9693483487655276, 0.03029213590052149],
            [0.3645200608158682, 0.0438262027116481, 0.5916537364724843]
        ];
        assert_close(&p.fit(x.view(), &y).unwrap().predict_proba(xt.view()).unwrap(), &proba, 1e-10);
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y, _, _) = counts();
        let err = |p: MultinomialNB, x: &Array2<f64>| p.fit(x.view(), &y).unwrap_err().to_string();
        let e = err(MultinomialNB::default(), &-&x);
        assert!(e.contains("Negative values in data passed to MultinomialNB (input X)."), "{e}");
        let e = err(MultinomialNB { alpha: -1.0, ..Default::default() }, &x);
        assert!(e.contains("alpha"), "{e}");
        let e = err(MultinomialNB { class_prior: Some(vec![1.0]), ..Default::default() }, &x);
        assert!(e.contains("Number of priors must match number of classes."), "{e}");
        let mut nan = x.clone();
        nan[[0, 0]] = f64::NAN;
        assert!(err(MultinomialNB::default(), &nan).contains("Input X contains NaN"));
        let m = MultinomialNB::default().fit(x.view(), &y).unwrap();
        let e = m.predict_proba(array![[1.0, 2.0]].view()).unwrap_err().to_string();
        assert!(e.contains("X has 2 features, but MultinomialNB is expecting 4 features as input"), "{e}");
    }
}
