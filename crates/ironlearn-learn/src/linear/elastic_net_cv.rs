//! The elastic net with its penalty (and L1 share) chosen by cross-validation.
//!
//! The elastic net has two knobs, and their right values depend on the
//! data's scale, noise and correlations; guessing them is the usual way it
//! goes wrong. `ElasticNetCV` fits the whole path of penalties for each
//! `l1_ratio` on each fold and keeps the pair with the least held-out
//! squared error, as scikit-learn's `ElasticNetCV` (its grids, folds and
//! choice; see [`enet_cv`](super::enet_cv)), then refits on every row.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayD, ArrayView2};
use serde::{Deserialize, Serialize};

use super::coordinate_descent::CdSettings;
use super::enet_cv::{alphas_ok, fit_cv, Alphas, CvSpec, L1Ratio};
use super::LinearState;

hyperparams! {
    /// The elastic net (`1/(2n) ||y - Xw||² + α·l1_ratio·||w||₁ + ½·α·(1 - l1_ratio)·||w||²`)
    /// with `α` (and `l1_ratio`, given several) chosen by k-fold cross-validation along
    /// regularisation paths, then refitted on all rows.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::linear::{Alphas, L1Ratio};
    /// use ironlearn_learn::ElasticNetCV;
    /// use ndarray::Array2;
    ///
    /// let x = Array2::from_shape_fn((20, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64);
    /// let y: Vec<f64> = (0..20).map(|i| 2.0 * x[[i, 0]] + 0.1 * ((i % 3) as f64)).collect();
    /// let params = ElasticNetCV {
    ///     l1_ratio: L1Ratio::Many(vec![0.5, 1.0]),
    ///     alphas: Alphas::List(vec![0.01, 0.1, 1.0]),
    ///     cv: 4,
    ///     ..Default::default()
    /// };
    /// let model = params.fit(x.view(), &y[..])?;
    /// // scikit-learn: ElasticNetCV(l1_ratio=[0.5, 1.0], alphas=[0.01, 0.1, 1.0], cv=4).fit(x, y):
    /// // alpha_ == 0.1, l1_ratio_ == 1.0, coef_[0] == 1.98326978
    /// assert_eq!((model.alpha(), model.l1_ratio()), (0.1, 1.0));
    /// assert!((model.coef()[0] - 1.983_269_78).abs() < 1e-6);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "elastic_net_cv"]
    #[aliases("elasticnetcv", "enet_cv")]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct ElasticNetCV {
        /// The L1 share of the penalty (1 is the lasso, 0 ridge regression), or a list of shares to try.
        l1_ratio: L1Ratio = L1Ratio::One(0.5), check(l1_ratio_ok, "a number in [0, 1] or a non-empty list of them");
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

/// A fitted [`ElasticNetCV`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetCVModel {
    params: ElasticNetCV,
    #[serde(flatten)]
    state: LinearState,
    alpha: f64,
    l1_ratio: f64,
    alphas: ArrayD<f64>,
    mse_path: ArrayD<f64>,
    n_iter: usize,
    dual_gap: f64,
}

impl ElasticNetCVModel {
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

    /// The chosen L1 share (scikit-learn's `l1_ratio_`).
    pub fn l1_ratio(&self) -> f64 {
        self.l1_ratio
    }

    /// The penalties tried, largest first (scikit-learn's `alphas_`): one row per `l1_ratio`
    /// for an automatic grid and several `l1_ratio`s.
    pub fn alphas(&self) -> &ArrayD<f64> {
        &self.alphas
    }

    /// The test error of each penalty on each fold (scikit-learn's `mse_path_`): `(n_alphas, n_folds)`,
    /// or `(n_l1_ratio, n_alphas, n_folds)` for several `l1_ratio`s.
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

impl Fit<[f64]> for ElasticNetCV {
    type Fitted = ElasticNetCVModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<ElasticNetCVModel> {
        self.validate()?;
        let spec = CvSpec {
            l1_ratios: self.l1_ratio.values(),
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
        Ok(ElasticNetCVModel {
            params: self.clone(),
            state: LinearState { coef: cv.fit.coef, intercept: cv.fit.intercept },
            alpha: cv.alpha,
            l1_ratio: cv.l1_ratio,
            alphas: cv.alphas,
            mse_path: cv.mse_path,
            n_iter: cv.fit.outcome.n_iter,
            dual_gap: cv.fit.outcome.dual_gap,
        })
    }
}

impl Predict for ElasticNetCVModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "ElasticNetCV")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for ElasticNetCV {
    type Model = ElasticNetCVModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<ElasticNetCVModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for ElasticNetCVModel {
    type Estimator = ElasticNetCV;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

/// Whether `l1_ratio` is one share in [0, 1] or a non-empty list of them.
fn l1_ratio_ok(r: &L1Ratio) -> bool {
    let v = r.values();
    !v.is_empty() && v.iter().all(|r| (0.0..=1.0).contains(r))
}

register!(ElasticNetCV);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::coordinate_descent::tests::{assert_close, diabetes};

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(1.0), "got {got}, want {want}");
    }

    #[test]
    fn default_matches_scikit_learn() {
        // ElasticNetCV().fit(X, y) on diabetes (unscaled)
        let (x, y) = diabetes();
        let m = ElasticNetCV::default().fit(x.view(), &y).unwrap();
        close(m.alpha(), 1.1288087058004532, 1e-9);
        assert_eq!(m.l1_ratio(), 0.5);
        assert_close(
            m.coef().as_slice().unwrap(),
            &[
                -0.0398052893285674,
                -5.185379232079648,
                6.063871682389995,
                1.0509009061369596,
                1.200657080534731,
                -1.3165977116750183,
                -2.0993740502823046,
                0.14527511605805174,
                2.4399145376409064,
                0.3503988579980621,
            ],
            1e-6,
        );
        close(m.intercept(), -112.19997145628687, 1e-6);
        assert_eq!(m.n_iter(), 103);
        assert_eq!((m.alphas().shape(), m.mse_path().shape()), (&[100][..], &[100, 5][..]));
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[5330.5813133716365, 6521.235997165425, 6244.979939602036], 1e-8);
        close(mse[499], 3123.7316261622123, 1e-6);
    }

    #[test]
    fn several_l1_ratios_match_scikit_learn() {
        let (x, y) = diabetes();
        // ElasticNetCV(l1_ratio=[0.1, 0.5, 0.9], alphas=20, cv=4).fit(X, y)
        let p = ElasticNetCV {
            l1_ratio: L1Ratio::Many(vec![0.1, 0.5, 0.9]),
            alphas: Alphas::Count(20),
            cv: 4,
            ..Default::default()
        };
        let m = p.fit(x.view(), &y).unwrap();
        close(m.alpha(), 0.6271159476669185, 1e-9);
        assert_eq!(m.l1_ratio(), 0.9);
        assert_close(
            m.coef().as_slice().unwrap(),
            &[
                -0.01519566970496277,
                -15.070649279986815,
                6.015818911526759,
                1.0961069237478849,
                0.7566493459430305,
                -0.9075023724118367,
                -1.7299789290675425,
                1.0364988849192958,
                14.912941442637342,
                0.34812189502857677,
            ],
            1e-6,
        );
        close(m.intercept(), -144.84000572814793, 1e-6);
        assert_eq!(m.n_iter(), 207);
        assert_eq!((m.alphas().shape(), m.mse_path().shape()), (&[3, 20][..], &[3, 20, 4][..]));
        let alphas: Vec<f64> = m.alphas().iter().copied().collect();
        assert_close(&alphas[..3], &[5644.043529002266, 3923.698402674952, 2727.7268639130275], 1e-10);
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[5307.952378904013, 6260.465803501841, 6294.296912733083], 1e-8);
        close(mse[239], 2905.9819529988163, 1e-6);

        // ElasticNetCV(l1_ratio=[0.2, 0.7], alphas=[0.05, 0.5, 5.0]).fit(X, y)
        let p = ElasticNetCV {
            l1_ratio: L1Ratio::Many(vec![0.2, 0.7]),
            alphas: Alphas::List(vec![0.05, 0.5, 5.0]),
            ..Default::default()
        };
        let m = p.fit(x.view(), &y).unwrap();
        assert_eq!((m.alpha(), m.l1_ratio()), (0.05, 0.7));
        assert_eq!(m.alphas().as_slice().unwrap(), &[5.0, 0.5, 0.05]);
        assert_eq!(m.mse_path().shape(), &[2, 3, 5]);
        let mse: Vec<f64> = m.mse_path().iter().copied().collect();
        assert_close(&mse[..3], &[3273.79038320407, 3331.744327045896, 3217.5504736821476], 1e-8);
        close(mse[29], 2964.3304116418744, 1e-6);
        close(m.coef()[8], 43.189998442243926, 1e-6);
        close(m.intercept(), -246.21576986152192, 1e-6);
        assert_eq!(m.n_iter(), 378);
    }

    #[test]
    fn errors() {
        let (x, y) = diabetes();
        let err = ElasticNetCV::default().fit(x.slice(ndarray::s![..3, ..]), &y[..3]).unwrap_err().to_string();
        assert!(err.contains("Cannot have number of splits n_splits=5 greater than the number of samples"), "{err}");
        for r in [L1Ratio::One(1.5), L1Ratio::Many(vec![0.5, -0.1]), L1Ratio::Many(vec![])] {
            let err = ElasticNetCV { l1_ratio: r, ..Default::default() }.fit(x.view(), &y).unwrap_err().to_string();
            assert!(err.contains("l1_ratio"), "{err}");
        }
        // ElasticNetCV(l1_ratio=0).fit(X, y) raises this ValueError.
        let err = ElasticNetCV { l1_ratio: L1Ratio::One(0.0), ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("Automatic alpha grid generation is not supported for l1_ratio=0"), "{err}");
        let p =
            ElasticNetCV { l1_ratio: L1Ratio::One(0.0), alphas: Alphas::List(vec![1.0, 10.0]), ..Default::default() };
        assert!(p.fit(x.view(), &y).is_ok());
        let p = ElasticNetCV::from_strs(&[("l1_ratio", "[0.1, 0.9]")]).unwrap();
        assert_eq!(p.l1_ratio, L1Ratio::Many(vec![0.1, 0.9]));
        assert!(ElasticNetCV::from_strs(&[("l1_ratio", "2")]).is_err());
    }
}
