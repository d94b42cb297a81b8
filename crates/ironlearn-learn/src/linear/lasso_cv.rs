//! The lasso with its penalty chosen by cross-validation.
//!
//! The lasso's `alpha` decides how many features survive, and the right
//! value depends on the data's scale and noise; guessing it is the usual
//! way a lasso goes wrong. `LassoCV` fits the whole path of penalties on
//! each fold and keeps the one with the least held-out squared error, as
//! scikit-learn's `LassoCV` (its grid, folds and choice; see
//! [`enet_cv`](super::enet_cv)), then refits on every row.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayD, ArrayView2};
use serde::{Deserialize, Serialize};

use super::coordinate_descent::CdSettings;
use super::enet_cv::{alphas_ok, fit_cv, Alphas, CvSpec};
use super::LinearState;

hyperparams! {
    /// The lasso (`1/(2n) ||y - Xw||² + α·||w||₁`) with `α` chosen by k-fold
    /// cross-validation along a regularisation path, then refitted on all rows.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::linear::Alphas;
    /// use ironlearn_learn::LassoCV;
    /// use ndarray::Array2;
    ///
    /// let x = Array2::from_shape_fn((20, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
    /// let y: Vec<f64> = (0..20).map(|i| 2.0 * x[[i, 0]] + 0.1 * ((i % 3) as f64)).collect();
    /// let params = LassoCV { alphas: Alphas::List(vec![0.01, 0.1, 1.0]), cv: 4, ..Default::default() };
    /// let model = params.fit(x.view(), &y[..])?;
    /// // scikit-learn: LassoCV(alphas=[0.01, 0.1, 1.0], cv=4).fit(x, y): alpha_ == 0.1, coef_[0] == 1.98326978
    /// assert_eq!(model.alpha(), 0.1);
    /// assert!((model.coef()[0] - 1.983_269_78).abs() < 1e-6);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "lasso_cv"]
    #[aliases("lassocv")]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct LassoCV {
        /// The length of the path, `alpha_min / alpha_max` (for an automatic grid).
        eps: f64 = 1e-3, domain(Domain::positive());
        /// The penalties to try: an integer (that many on an automatic grid from the smallest that
        /// zeroes every coefficient down to `eps` times it, log-spaced) or a list of values.
        alphas: Alphas = Alphas::Count(100), check(alphas_ok, "an integer >= 1 or a non-empty list of numbers >= 0");
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// The maximum number of passes over the features, per penalty.
        max_iter: usize = 1000, domain(Domain::int_min(1));
        /// Stop when the duality gap is at most `tol·||y||²`.
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
        /// The number of folds (scikit-learn's `KFold(cv)`, contiguous and not shuffled).
        cv: usize = 5, domain(Domain::int_min(2));
        /// Threads fitting the folds: None or -1 all, -2 all but one, k > 0 exactly k. The model does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// Whether to constrain the coefficients to be non-negative.
        positive: bool = false;
        /// The seed of the feature order when `selection` is "random" (a different stream from scikit-learn's).
        random_state: u64 = 0;
        /// "cyclic" updates the features in order; "random" draws a feature at each step.
        selection: String = "cyclic".to_string(), domain(Domain::choice(&["cyclic", "random"]));
    }
}

/// A fitted [`LassoCV`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LassoCVModel {
    params: LassoCV,
    #[serde(flatten)]
    state: LinearState,
    alpha: f64,
    alphas: ArrayD<f64>,
    mse_path: ArrayD<f64>,
    n_iter: usize,
    dual_gap: f64,
}

impl LassoCVModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }

    /// The chosen penalty (scikit-learn's `alpha_`).
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The penalties tried, largest first (scikit-learn's `alphas_`).
    pub fn alphas(&self) -> &ArrayD<f64> {
        &self.alphas
    }

    /// The test error of each penalty on each fold, `(n_alphas, n_folds)` (scikit-learn's `mse_path_`).
    pub fn mse_path(&self) -> &ArrayD<f64> {
        &self.mse_path
    }

    /// Passes over the features of the final fit (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The final fit's duality gap divided by the number of rows (scikit-learn's `dual_gap_`).
    pub fn dual_gap(&self) -> f64 {
        self.dual_gap
    }
}

impl Fit<[f64]> for LassoCV {
    type Fitted = LassoCVModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<LassoCVModel> {
        self.validate()?;
        let spec = CvSpec {
            l1_ratios: vec![1.0],
            alphas: &self.alphas,
            eps: self.eps,
            cv: self.cv,
            fit_intercept: self.fit_intercept,
            settings: CdSettings { max_iter: self.max_iter, tol: self.tol, positive: self.positive, random: false },
            selection: &self.selection,
            random_state: self.random_state,
            n_jobs: self.n_jobs,
        };
        let cv = fit_cv(x, y, w, &spec)?;
        Ok(LassoCVModel {
            params: self.clone(),
            state: LinearState { coef: cv.fit.coef, intercept: cv.fit.intercept },
            alpha: cv.alpha,
            alphas: cv.alphas,
            mse_path: cv.mse_path,
            n_iter: cv.fit.outcome.n_iter,
            dual_gap: cv.fit.outcome.dual_gap,
        })
    }
}

impl Predict for LassoCVModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "LassoCV")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for LassoCV {
    type Model = LassoCVModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LassoCVModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for LassoCVModel {
    type Estimator = LassoCV;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(LassoCV);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::coordinate_descent::tests::{assert_close, diabetes};
    use ndarray::array;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(1.0), "got {got}, want {want}");
    }

    #[test]
    fn default_grid_matches_scikit_learn() {
        // LassoCV().fit(X, y) on diabetes (unscaled)
        let (x, y) = diabetes();
        let m = LassoCV::default().fit(x.view(), &y).unwrap();
        close(m.alpha(), 0.5644043529002266, 1e-9);
        assert_close(
            m.coef().as_slice().unwrap(),
            &[
                -0.025366038530683657,
                -19.77154162994357,
                5.749035103780777,
                1.1012512849171925,
                -0.2804390585000348,
                0.04904975799119233,
                -0.6288880135757487,
                2.660923833582091,
                46.52180538084446,
                0.3088357795780904,
            ],
            1e-6,
        );
        close(m.intercept(), -249.7206575424723, 1e-6);
        assert_eq!(m.n_iter(), 376);
        assert_eq!(m.alphas().shape(), &[100]);
        assert_close(
            &m.alphas().as_slice().unwrap()[..3],
            &[564.4043529002266, 526.3653885102093, 490.8901230081076],
            1e-10,
        );
        assert_eq!(m.mse_path().shape(), &[100, 5]);
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[5320.66403292665, 6521.235997165425, 6237.336453407287], 1e-8);
        close(mse[499], 2957.689363705421, 1e-6);
    }

    #[test]
    fn explicit_alphas_weights_and_positive_match_scikit_learn() {
        let (x, y) = diabetes();
        // LassoCV(alphas=[0.01, 0.1, 1, 10], cv=3).fit(X, y)
        let p = LassoCV { alphas: Alphas::List(vec![0.01, 0.1, 1.0, 10.0]), cv: 3, ..Default::default() };
        let m = p.fit(x.view(), &y).unwrap();
        assert_eq!(m.alpha(), 0.01);
        assert_eq!(m.alphas().as_slice().unwrap(), &[10.0, 1.0, 0.1, 0.01]);
        assert_eq!(m.mse_path().shape(), &[4, 3]);
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[3417.80270347459, 3290.4615887272307, 3024.4910783947053], 1e-8);
        close(mse[11], 2794.9611216380313, 1e-6);
        close(m.coef()[8], 68.0674687930877, 1e-6);
        close(m.intercept(), -332.9223359795584, 1e-6);
        assert_eq!(m.n_iter(), 675);

        // LassoCV(alphas=30, eps=1e-4, fit_intercept=False, positive=True).fit(X, y)
        let p = LassoCV {
            alphas: Alphas::Count(30),
            eps: 1e-4,
            fit_intercept: false,
            positive: true,
            ..Default::default()
        };
        let m = p.fit(x.view(), &y).unwrap();
        close(m.alpha(), 2.9338972850678733, 1e-9);
        assert_close(
            m.coef().as_slice().unwrap(),
            &[0.0, 0.0, 4.398738772737026, 0.007460221493885761, 0.0, 0.0, 0.0, 9.51921127487667, 0.0, 0.0],
            1e-6,
        );
        assert_eq!(m.intercept(), 0.0);
        assert_eq!(m.n_iter(), 94);

        // LassoCV(alphas=20).fit(X, y, sample_weight=1 + np.arange(n) % 3)
        let w: Vec<f64> = (0..y.len()).map(|i| 1.0 + (i % 3) as f64).collect();
        let m =
            LassoCV { alphas: Alphas::Count(20), ..Default::default() }.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        close(m.alpha(), 0.6137112233210936, 1e-9);
        assert_close(
            m.coef().as_slice().unwrap(),
            &[
                -0.07005893510530316,
                -16.079275211012483,
                5.682770732849583,
                1.0066094157476817,
                -0.4126875598039766,
                0.20188164385891505,
                -0.5080115346342694,
                2.7750308468932032,
                48.045485031155614,
                0.319113228960768,
            ],
            1e-6,
        );
        close(m.intercept(), -248.94831937922427, 1e-6);
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[5327.0440489093435, 5865.174781613522, 6348.482170876969], 1e-8);
        close(mse[99], 3203.684119996962, 1e-6);
    }

    #[test]
    fn errors_and_determinism() {
        let (x, y) = diabetes();
        // LassoCV().fit(X[:3], y[:3]) raises this ValueError.
        let err = LassoCV::default().fit(x.slice(ndarray::s![..3, ..]), &y[..3]).unwrap_err().to_string();
        assert!(
            err.contains("Cannot have number of splits n_splits=5 greater than the number of samples: n_samples=3."),
            "{err}"
        );
        let err = LassoCV { cv: 1, ..Default::default() }.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("cv"), "{err}");
        let err = LassoCV { alphas: Alphas::Count(0), ..Default::default() }.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("alphas"), "{err}");
        let p = LassoCV { alphas: Alphas::List(vec![0.1, -1.0]), ..Default::default() };
        let err = p.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("alphas[1] == -1, must be >= 0.0."), "{err}");
        let err = LassoCV { eps: 0.0, ..Default::default() }.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("eps"), "{err}");
        let mut bad = x.clone();
        bad[[3, 3]] = f64::NAN;
        assert!(LassoCV::default().fit(bad.view(), &y).is_err());

        let p = LassoCV { alphas: Alphas::Count(10), n_jobs: Some(1), ..Default::default() };
        let one = p.fit(x.view(), &y).unwrap();
        let all = LassoCV { n_jobs: Some(-1), ..p }.fit(x.view(), &y).unwrap();
        assert_eq!(one.coef(), all.coef());
        assert_eq!(one.mse_path(), all.mse_path());
        let err = one.predict(array![[1.0, 2.0]].view()).unwrap_err().to_string();
        assert!(err.contains("X has 2 features, but LassoCV is expecting 10 features"), "{err}");
        let back: LassoCVModel = serde_json::from_str(&serde_json::to_string(&one).unwrap()).unwrap();
        assert_eq!(back, one);
    }

    #[test]
    fn params_parse_from_text() {
        let p = LassoCV::from_strs(&[("alphas", "[0.1, 1]"), ("cv", "3")]).unwrap();
        assert_eq!(p.alphas, Alphas::List(vec![0.1, 1.0]));
        let p = LassoCV::from_strs(&[("alphas", "7")]).unwrap();
        assert_eq!(p.alphas, Alphas::Count(7));
    }
}
