//! Gaussian naive Bayes: one normal distribution per class and feature.
//!
//! The cheapest probabilistic classifier for continuous features: fitting
//! is one weighted mean and variance per class, with no iterations and no
//! hyperparameters to tune. A small share of the largest feature variance
//! (`var_smoothing`) is added to every variance, as in scikit-learn, so a
//! feature constant within a class does not give infinite densities.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    bail, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    PredictProba, Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::base::{check_continues, check_prior_values, check_train, predict_labels, proba_from_jll, train_labels};

hyperparams! {
    /// Gaussian naive Bayes: features independent and normal within each class.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::GaussianNB;
    /// use ndarray::array;
    ///
    /// let x = array![[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]];
    /// let y = Labels::from_strings(&["1", "1", "1", "2", "2", "2"]);
    /// let model = GaussianNB::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[-0.8, -1.0]].view())?.to_strings(), ["1"]);
    /// assert_eq!(model.theta().row(0).to_vec(), [-2.0, -4.0 / 3.0]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "gaussian_nb"]
    #[aliases("gaussian_naive_bayes")]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, partial_fit)]
    pub struct GaussianNB {
        /// Prior probabilities of the classes, in class order (they must sum to 1); `None` takes
        /// the weighted class shares of the training data.
        priors: Option<Vec<f64>> = None;
        /// Share of the largest feature variance added to every variance, for stability.
        var_smoothing: f64 = 1e-9, domain(Domain::float_min(0.0)), check(|v| v.is_finite(), "a finite number");
    }
}

/// A fitted [`GaussianNB`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianNBModel {
    params: GaussianNB,
    classes: Vec<String>,
    /// Mean of each feature per class, (classes, features).
    theta: Array2<f64>,
    /// Variance of each feature per class, `epsilon` included, (classes, features).
    var: Array2<f64>,
    /// Prior probability of each class.
    class_prior: Vec<f64>,
    /// Weighted number of training rows per class.
    class_count: Vec<f64>,
    /// The absolute amount added to every variance.
    epsilon: f64,
}

impl GaussianNBModel {
    /// Mean of each feature per class (scikit-learn's `theta_`).
    pub fn theta(&self) -> &Array2<f64> {
        &self.theta
    }

    /// Variance of each feature per class, smoothing included (scikit-learn's `var_`).
    pub fn var(&self) -> &Array2<f64> {
        &self.var
    }

    /// Prior probability of each class.
    pub fn class_prior(&self) -> &[f64] {
        &self.class_prior
    }

    /// Weighted number of training rows per class.
    pub fn class_count(&self) -> &[f64] {
        &self.class_count
    }

    /// The absolute amount added to every variance.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// `log P(c) + log P(x|c)` for every row and class.
    fn joint_log_likelihood(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.theta.ncols(), "GaussianNB")?;
        let mut jll = Array2::zeros((x.nrows(), self.classes.len()));
        for (c, mut col) in jll.axis_iter_mut(Axis(1)).enumerate() {
            let (theta, var) = (self.theta.row(c), self.var.row(c));
            let norm =
                self.class_prior[c].ln() - 0.5 * var.iter().map(|v| (2.0 * std::f64::consts::PI * v).ln()).sum::<f64>();
            for (out, row) in col.iter_mut().zip(x.rows()) {
                let dist: f64 = row.iter().zip(theta).zip(var).map(|((x, t), v)| (x - t).powi(2) / v).sum();
                *out = norm - 0.5 * dist;
            }
        }
        Ok(jll)
    }
}

/// Population variance of each column.
/// Rows a block of the statistics' passes takes: fixed, so the sums do not depend on the thread count.
const ROWS: usize = 4096;

/// Per-class and whole-column sums over the rows, in two passes as
/// scikit-learn's `np.average` and `np.var` take them (means first, then
/// squared deviations from them). Each pass reads the rows in order, a block
/// per task on the rayon pool, and sums the blocks in order: a column
/// walked row by row through a row-major matrix touched every cache line
/// once per feature.
struct Moments {
    /// Per class: the weight, and the weighted means and variances (k × p).
    total: Vec<f64>,
    mean: Array2<f64>,
    var: Array2<f64>,
    /// The largest unweighted variance of a column (for `var_smoothing`).
    max_column_var: f64,
}

impl Moments {
    fn of(x: ArrayView2<'_, f64>, codes: &[u32], w: Option<&[f64]>, k: usize) -> Moments {
        let (n, p) = x.dim();
        let x = x.as_standard_layout();
        let xs = x.as_slice().expect("standard layout is contiguous");
        let weight = |i: usize| w.map_or(1.0, |w| w[i]);
        let starts: Vec<usize> = (0..n).step_by(ROWS).collect();
        // Per block: k rows of class sums, then the column sums; and the class weights.
        let sums = |centre: Option<(&[f64], &[f64])>| -> (Vec<f64>, Vec<f64>) {
            let parts: Vec<(Vec<f64>, Vec<f64>)> = starts
                .par_iter()
                .map(|&s| {
                    let mut acc = vec![0.0; (k + 1) * p];
                    let mut tot = vec![0.0; k];
                    for i in s..(s + ROWS).min(n) {
                        let (c, wi, row) = (codes[i] as usize, weight(i), &xs[i * p..(i + 1) * p]);
                        tot[c] += wi;
                        let (class, column) = acc.split_at_mut(k * p);
                        let class = &mut class[c * p..(c + 1) * p];
                        match centre {
                            None => {
                                class.iter_mut().zip(row).for_each(|(a, &v)| *a += wi * v);
                                column.iter_mut().zip(row).for_each(|(a, &v)| *a += v);
                            }
                            Some((mean, col_mean)) => {
                                let m = &mean[c * p..(c + 1) * p];
                                class.iter_mut().zip(row).zip(m).for_each(|((a, &v), &m)| *a += wi * (v - m) * (v - m));
                                column
                                    .iter_mut()
                                    .zip(row)
                                    .zip(col_mean)
                                    .for_each(|((a, &v), &m)| *a += (v - m) * (v - m));
                            }
                        }
                    }
                    (acc, tot)
                })
                .collect();
            let (mut acc, mut tot) = (vec![0.0; (k + 1) * p], vec![0.0; k]);
            for (a, t) in &parts {
                acc.iter_mut().zip(a).for_each(|(s, v)| *s += v);
                tot.iter_mut().zip(t).for_each(|(s, v)| *s += v);
            }
            (acc, tot)
        };
        let (first, total) = sums(None);
        let div = |acc: &[f64]| -> (Vec<f64>, Vec<f64>) {
            let class = (0..k * p).map(|i| if total[i / p] != 0.0 { acc[i] / total[i / p] } else { 0.0 }).collect();
            (class, acc[k * p..].iter().map(|v| v / n as f64).collect())
        };
        let (mean, col_mean) = div(&first);
        let (second, _) = sums(Some((&mean, &col_mean)));
        let (var, col_var) = div(&second);
        Moments {
            total,
            mean: Array2::from_shape_vec((k, p), mean).expect("k × p"),
            var: Array2::from_shape_vec((k, p), var).expect("k × p"),
            max_column_var: col_var.into_iter().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

impl Fit<Labels> for GaussianNB {
    type Fitted = GaussianNBModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<GaussianNBModel> {
        self.fit_after(x, y, w, None)
    }
}

impl GaussianNB {
    /// Fits on `x`; with `prev` (`partial_fit`) each class's mean and
    /// variance are merged with the previous ones as scikit-learn's
    /// `_update_mean_variance` does (Chan et al.'s pairwise update).
    fn fit_after(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        prev: Option<&GaussianNBModel>,
    ) -> Result<GaussianNBModel> {
        self.validate()?;
        check_train(x, y, w)?;
        if let Some(m) = prev {
            check_continues(&m.classes, m.theta.ncols(), y, x.ncols(), "GaussianNB")?;
        }
        let (k, p) = (y.n_classes(), x.ncols());
        if let Some(priors) = &self.priors {
            check_prior_values(priors, k, "priors")?;
            // numpy's isclose(sum, 1.0).
            if (priors.iter().sum::<f64>() - 1.0).abs() > 1e-8 + 1e-5 {
                bail!(InvalidValue, "The sum of the priors should be 1.");
            }
        }
        let moments = Moments::of(x, y.codes(), w, k);
        let epsilon = self.var_smoothing * moments.max_column_var;
        let (mut theta, mut var, mut class_count) = match prev {
            // scikit-learn takes off this batch's epsilon, not the one the model added.
            Some(m) => (m.theta.clone(), &m.var - epsilon, m.class_count.clone()),
            None => (Array2::zeros((k, p)), Array2::zeros((k, p)), vec![0.0; k]),
        };
        let seen = {
            let mut seen = vec![false; k];
            y.codes().iter().for_each(|&c| seen[c as usize] = true);
            seen
        };
        for c in 0..k {
            let total = moments.total[c];
            let past = class_count[c];
            class_count[c] += total;
            // As scikit-learn: a class without weight keeps its mean and variance (0 at first).
            if !seen[c] || (w.is_some() && total.abs() <= 1e-8) {
                continue;
            }
            for j in 0..p {
                let (mean, v) = (moments.mean[[c, j]], moments.var[[c, j]]);
                if past == 0.0 {
                    (theta[[c, j]], var[[c, j]]) = (mean, v);
                } else {
                    let n = past + total;
                    let (old_mean, old_var) = (theta[[c, j]], var[[c, j]]);
                    theta[[c, j]] = (total * mean + past * old_mean) / n;
                    var[[c, j]] = (past * old_var + total * v + (total * past / n) * (old_mean - mean).powi(2)) / n;
                }
            }
        }
        var += epsilon;
        let class_prior = match &self.priors {
            Some(priors) => priors.clone(),
            None => {
                let total: f64 = class_count.iter().sum();
                class_count.iter().map(|c| c / total).collect()
            }
        };
        Ok(GaussianNBModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            theta,
            var,
            class_prior,
            class_count,
            epsilon,
        })
    }
}

impl Predict for GaussianNBModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        predict_labels(&self.joint_log_likelihood(x)?, &self.classes)
    }
}

impl PredictProba for GaussianNBModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(proba_from_jll(self.joint_log_likelihood(x)?))
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for GaussianNB {
    type Model = GaussianNBModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<GaussianNBModel> {
        self.fit_after(
            data.dense()?.view(),
            &*train_labels(data)?,
            data.weight,
            ctx.init_model_as::<GaussianNBModel>()?,
        )
    }
}

impl Fitted for GaussianNBModel {
    type Estimator = GaussianNB;

    fn n_features_in(&self) -> usize {
        self.theta.ncols()
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

register!(GaussianNB);

#[cfg(test)]
mod tests {
    use super::super::base::assert_close;
    use super::*;
    use ndarray::array;

    fn data() -> (Array2<f64>, Labels, Array2<f64>) {
        let x = array![
            [1.0, 2.5, -0.3],
            [1.5, 1.8, 0.2],
            [0.2, 3.1, 0.0],
            [3.3, 0.4, 1.1],
            [2.9, 0.9, 1.7],
            [3.6, 0.1, 0.8],
            [-1.2, -0.5, 2.2],
            [-0.7, -1.1, 2.9]
        ];
        let y = Labels::from_strings(&["a", "a", "a", "b", "b", "b", "c", "c"]);
        (x, y, array![[1.0, 1.0, 1.0], [3.0, 0.0, 1.0], [-1.0, 0.0, 2.5]])
    }

    #[test]
    fn matches_scikit_learn() {
        // GaussianNB().fit(Xg, y): theta_, var_, epsilon_, predict_proba(Xgt)
        let (x, y, xt) = data();
        let m = GaussianNB::default().fit(x.view(), &y).unwrap();
        let theta = array![
            [0.9, 2.466666666666667, -0.033333333333333326],
            [3.266666666666666, 0.46666666666666673, 1.2],
            [-0.95, -0.8, 2.55]
        ];
        assert_close(m.theta(), &theta, 1e-14);
        let var = array![
            [0.28666666959604165, 0.28222222515159723, 0.04222222515159722],
            [0.08222222515159727, 0.10888889181826389, 0.14000000292937495],
            [0.062500002929375, 0.09000000292937503, 0.12250000292937492]
        ];
        assert_close(m.var(), &var, 1e-14);
        assert!((m.epsilon() - 2.929375e-09).abs() < 1e-20);
        assert_eq!(m.class_prior(), [0.375, 0.375, 0.25]);
        let proba = array![
            [0.9999998507641128, 1.492358859274584e-07, 1.0926268656731778e-18],
            [8.971691790817294e-14, 0.9999999999999103, 4.230890842551834e-60],
            [9.190381666872366e-40, 2.9532669920208936e-50, 1.0]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.predict(xt.view()).unwrap().to_strings(), ["a", "b", "c"]);
    }

    #[test]
    fn weights_and_smoothing_match_scikit_learn() {
        // GaussianNB(var_smoothing=0.1).fit(Xg, y, sample_weight=w)
        let (x, y, xt) = data();
        let w = [1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.25, 1.5];
        let m = GaussianNB { var_smoothing: 0.1, ..Default::default() }.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        let theta = array![
            [1.1714285714285713, 2.1857142857142855, 0.02857142857142858],
            [3.12, 0.64, 1.4],
            [-0.7714285714285714, -1.0142857142857145, 2.8]
        ];
        assert_close(m.theta(), &theta, 1e-14);
        let var = array![
            [0.4978354591836735, 0.5255905612244898, 0.34069260204081636],
            [0.3745375000000001, 0.4033375, 0.4369375],
            [0.3235497448979592, 0.33701913265306127, 0.35293749999999996]
        ];
        assert_close(m.var(), &var, 1e-14);
        assert_eq!(m.class_count(), [3.5, 5.0, 1.75]);
        let proba = array![
            [0.9562608284878887, 0.043736966416100836, 2.205096010558987e-06],
            [0.00011336991715735041, 0.9998866300822578, 5.850298709619812e-13],
            [8.88159116241338e-08, 2.6847288473419035e-10, 0.9999999109156152]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
    }

    #[test]
    fn given_priors_match_scikit_learn() {
        // GaussianNB(priors=[0.2, 0.3, 0.5]).fit(Xg, y).predict_proba(Xgt)
        let (x, y, xt) = data();
        let m = GaussianNB { priors: Some(vec![0.2, 0.3, 0.5]), ..Default::default() }.fit(x.view(), &y).unwrap();
        let proba = array![
            [0.9999997761461865, 2.2385381218767642e-07, 4.097350440538527e-18],
            [5.981127860545036e-14, 0.99999999999994, 1.0577227106380045e-59],
            [2.450768444499271e-40, 1.1813067968083396e-50, 1.0]
        ];
        assert_close(&m.predict_proba(xt.view()).unwrap(), &proba, 1e-10);
        assert_eq!(m.class_prior(), [0.2, 0.3, 0.5]);
    }

    #[test]
    fn one_class_gives_probability_one() {
        let (x, _, xt) = data();
        let y = Labels::from_strings(&["z"; 8]);
        let m = GaussianNB::default().fit(x.view(), &y).unwrap();
        assert_eq!(m.predict_proba(xt.view()).unwrap(), Array2::<f64>::ones((3, 1)));
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y, _) = data();
        let err = |p: GaussianNB, x: &Array2<f64>| p.fit(x.view(), &y).unwrap_err().to_string();
        let e = err(GaussianNB { priors: Some(vec![0.5, 0.6, 0.1]), ..Default::default() }, &x);
        assert!(e.contains("The sum of the priors should be 1."), "{e}");
        let e = err(GaussianNB { priors: Some(vec![0.5, 0.5]), ..Default::default() }, &x);
        assert!(e.contains("Number of priors must match number of classes."), "{e}");
        let e = err(GaussianNB { priors: Some(vec![-0.5, 0.5, 1.0]), ..Default::default() }, &x);
        assert!(e.contains("Priors must be non-negative."), "{e}");
        let e = err(GaussianNB { var_smoothing: -1.0, ..Default::default() }, &x);
        assert!(e.contains("var_smoothing"), "{e}");
        let mut nan = x.clone();
        nan[[2, 1]] = f64::NAN;
        assert!(err(GaussianNB::default(), &nan).contains("Input X contains NaN"));
        let m = GaussianNB::default().fit(x.view(), &y).unwrap();
        let e = m.predict(array![[1.0, 2.0]].view()).unwrap_err().to_string();
        assert!(e.contains("X has 2 features, but GaussianNB is expecting 3 features as input"), "{e}");
        assert!(m.predict_proba(array![[1.0, f64::NAN, 0.0]].view()).is_err());
    }
}
