//! Complement naive Bayes: each class is scored by how unlike its complement a row is.
//!
//! Estimating each class's word distribution from the rows of all *other*
//! classes gives every class about the same amount of data, which corrects
//! the multinomial model's bias towards large classes on imbalanced text
//! (Rennie et al., 2003). The weights are scikit-learn's, with its optional
//! second normalisation (`norm`).

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::base::{
    check_non_negative, check_train, class_log_prior, count, effective_alpha, linear_jll, predict_labels,
    proba_from_jll, train_labels,
};

hyperparams! {
    /// Complement naive Bayes, for counts with imbalanced classes.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::ComplementNB;
    /// use ndarray::array;
    ///
    /// let x = array![[3.0, 0.0], [2.0, 1.0], [4.0, 0.0], [0.0, 4.0]];
    /// let y = Labels::from_strings(&["ham", "ham", "ham", "spam"]);
    /// let model = ComplementNB::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[5.0, 1.0], [0.0, 2.0]].view())?.to_strings(), ["ham", "spam"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "complement_nb"]
    #[aliases("complement_naive_bayes")]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, partial_fit, poor_score, positive_only)]
    pub struct ComplementNB {
        /// Additive (Laplace/Lidstone) smoothing; 0 for none (with `force_alpha`).
        alpha: f64 = 1.0, domain(Domain::float_min(0.0)), check(|a| a.is_finite(), "a finite number");
        /// Keep `alpha` as given even below 1e-10; otherwise it is raised to 1e-10.
        force_alpha: bool = true;
        /// Learn the class prior from the data; only used when training has a single class.
        fit_prior: bool = true;
        /// Prior probabilities of the classes; only used when training has a single class.
        class_prior: Option<Vec<f64>> = None;
        /// Normalise the weights of each class a second time (the full algorithm of the paper).
        norm: bool = false;
    }
}

/// A fitted [`ComplementNB`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplementNBModel {
    params: ComplementNB,
    classes: Vec<String>,
    /// Weighted number of training rows per class.
    class_count: Vec<f64>,
    /// Weighted feature sums per class, (classes, features).
    feature_count: Array2<f64>,
    /// Weighted feature sums over all classes.
    #[serde(with = "ironlearn_core::state::array1")]
    feature_all: Array1<f64>,
    /// The weight of each feature for each class (larger: more likely), (classes, features).
    feature_log_prob: Array2<f64>,
    /// Log prior of each class (only used with a single class).
    class_log_prior: Vec<f64>,
}

impl ComplementNBModel {
    /// The weight of each feature for each class (scikit-learn's `feature_log_prob_`).
    pub fn feature_log_prob(&self) -> &Array2<f64> {
        &self.feature_log_prob
    }

    /// Weighted feature sums per class.
    pub fn feature_count(&self) -> &Array2<f64> {
        &self.feature_count
    }

    /// Weighted feature sums over all classes.
    pub fn feature_all(&self) -> &Array1<f64> {
        &self.feature_all
    }

    /// Weighted number of training rows per class.
    pub fn class_count(&self) -> &[f64] {
        &self.class_count
    }

    fn joint_log_likelihood(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.feature_log_prob.ncols(), "ComplementNB")?;
        let bias = (self.classes.len() == 1).then_some(self.class_log_prior.as_slice());
        Ok(linear_jll(x, &self.feature_log_prob, bias))
    }
}

impl Fit<Labels> for ComplementNB {
    type Fitted = ComplementNBModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<ComplementNBModel> {
        self.fit_after(x, y, w, None)
    }
}

impl ComplementNB {
    /// Fits on `x`, adding to `prev`'s counts when given (`partial_fit`).
    fn fit_after(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        prev: Option<&ComplementNBModel>,
    ) -> Result<ComplementNBModel> {
        self.validate()?;
        check_train(x, y, w)?;
        check_non_negative(x, "ComplementNB")?;
        let prev = prev.map(|m| (&m.classes[..], &m.class_count[..], &m.feature_count));
        let counts = count(x, y, w).after(prev, y, "ComplementNB")?;
        let alpha = effective_alpha(self.alpha, self.force_alpha);
        let feature_all = counts.feature_count.sum_axis(Axis(0));
        // The counts of each class's complement, normalised and logged.
        let mut feature_log_prob = -&counts.feature_count + &feature_all + alpha;
        for mut row in feature_log_prob.rows_mut() {
            let total = row.sum();
            row.mapv_inplace(|v| (v / total).ln());
            if self.norm {
                let summed = row.sum();
                row.mapv_inplace(|v| v / summed);
            } else {
                row.mapv_inplace(|v| -v);
            }
        }
        let class_log_prior = class_log_prior(&counts.class_count, self.fit_prior, self.class_prior.as_deref())?;
        Ok(ComplementNBModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            class_count: counts.class_count,
            feature_count: counts.feature_count,
            feature_all,
            feature_log_prob,
            class_log_prior,
        })
    }
}

impl Predict for ComplementNBModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        predict_labels(&self.joint_log_likelihood(x)?, &self.classes)
    }
}

impl PredictProba for ComplementNBModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(proba_from_jll(self.joint_log_likelihood(x)?))
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for ComplementNB {
    type Model = ComplementNBModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<ComplementNBModel> {
        self.fit_after(
            data.dense()?.view(),
            &*train_labels(data)?,
            data.weight,
            ctx.init_model_as::<ComplementNBModel>()?,
        )
    }
}

impl Fitted for ComplementNBModel {
    type Estimator = ComplementNB;

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

register!(ComplementNB);

#[cfg(test)]
mod tests {
    use super::super::base::assert_close;
    use super::super::multinomial_nb::tests::counts;
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_scikit_learn() {
        // ComplementNB().fit(Xc, y): feature_log_prob_, feature_all_, predict_proba(Xct)
        let (x, y, _, xt) = counts();
        let m = ComplementNB::default().fit(x.view(), &y).unwrap();
        let flp = array![
            [2.2512917986064953, 0.8649974374866046, 1.072636802264849, 2.0281482472922856],
            [1.491654876777717, 2.0794415416798357, 1.1239300966523995, 1.1239300966523995],
            [1.6094379124341003, 1.0498221244986778, 1.742969305058623, 1.2909841813155656]
        ];
        assert_close(m.feature_log_prob(), &flp, 1e-14);
        assert_eq!(m.feature_all().to_vec(), [9.0, 16.0, 15.0, 13.0]);
        let proba = array![
            [0.7969916527335481, 0.027416346426146945, 0.1755920008403042],
            [0.022404437309779025, 0.9013418887416004, 0.07625367394862052],
            [0.5550129680487932, 0.250324013210158, 0.1946630187410486]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["a", "b", "a"]);
    }

    #[test]
    fn norm_and_weights_match_scikit_learn() {
        // ComplementNB(alpha=0.7, norm=True).fit(Xc, y, sample_weight=w)
        let (x, y, w, xt) = counts();
        let p = ComplementNB { alpha: 0.7, norm: true, ..Default::default() };
        let m = p.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        let flp = array![
            [0.37688845665013554, 0.12110376645579547, 0.20588660070055007, 0.29612117619351896],
            [0.29297045241049174, 0.3523305683635127, 0.20694583728569002, 0.14775314194030564],
            [0.2860665477264854, 0.15107572661109422, 0.3657591540409566, 0.1970985716214639]
        ];
        assert_close(m.feature_log_prob(), &flp, 1e-14);
        let proba = array![
            [0.3961093027099375, 0.2338749466039676, 0.3700157506860949],
            [0.23326655107289537, 0.46727663012810233, 0.29945681879900243],
            [0.3333333333333332, 0.3333333333333332, 0.3333333333333332]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
    }

    #[test]
    fn one_class_gives_probability_one() {
        // ComplementNB().fit(Xc, ["z"] * 8).predict_proba(Xct) == [[1], [1], [1]]
        let (x, _, _, xt) = counts();
        let m = ComplementNB::default().fit(x.view(), &Labels::from_strings(&["z"; 8])).unwrap();
        assert_eq!(m.predict_proba(xt.view()).unwrap(), Array2::<f64>::ones((3, 1)));
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["z", "z", "z"]);
    }

    #[test]
    fn bad_input_is_refused() {
        let (mut x, y, _, _) = counts();
        assert!(ComplementNB { alpha: f64::NAN, ..Default::default() }.fit(x.view(), &y).is_err());
        x[[3, 2]] = -0.5;
        let e = ComplementNB::default().fit(x.view(), &y).unwrap_err().to_string();
        assert!(e.contains("Negative values in data passed to ComplementNB (input X)."), "{e}");
    }
}
