//! Poisson regression: a GLM with a log link for counts and rates.
//!
//! //! Counts (claims, visits, defects) have a variance that grows with the mean
//! and cannot be negative; least squares ignores both, a Poisson GLM models
//! them, and its log link makes effects multiplicative.
//! The objective, its solvers and their stopping rules are scikit-learn's
//! (see `glm.rs`), so `coef_` and `intercept_` match scikit-learn's at the
//! optimum whichever solver is used.

use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::glm::{fit_glm, Family, GlmState, Link, Settings};

hyperparams! {
    /// Generalised linear model with a Poisson distribution and a log link, for counts (y >= 0).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::PoissonRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 3.0]];
    /// let y = [12.0, 17.0, 22.0, 21.0];
    /// let model = PoissonRegressor::default().fit(x.view(), &y[..])?;
    /// // scikit-learn: PoissonRegressor().fit(x, y).coef_ == [0.121, 0.158] (to 3 decimals)
    /// assert!((model.coef()[0] - 0.121).abs() < 1e-3 && (model.coef()[1] - 0.158).abs() < 1e-3);
    /// assert!(model.predict(x.view())?.iter().all(|&m| m > 0.0));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "poisson_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling, positive_target)]
    pub struct PoissonRegressor {
        /// Strength of the L2 penalty on the coefficients (not the intercept).
        alpha: f64 = 1.0, alias("lambda", "lambda_l2"), domain(Domain::float_min(0.0));
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// "lbfgs" or "newton-cholesky" (Newton steps solved by Cholesky; best with few features).
        solver: String = "lbfgs".into(), domain(Domain::choice(&["lbfgs", "newton-cholesky"]));
        /// The maximum number of solver iterations.
        max_iter: usize = 100, domain(Domain::int_min(1));
        /// Stop when the largest gradient component is at most this (and, for Newton, half the squared
        /// Newton decrement).
        tol: f64 = 1e-4, domain(Domain::positive());
    }
}

/// A fitted [`PoissonRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoissonRegressorModel {
    params: PoissonRegressor,
    #[serde(flatten)]
    state: GlmState,
}

impl PoissonRegressorModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }

    /// Solver iterations used.
    pub fn n_iter(&self) -> usize {
        self.state.n_iter
    }
}

impl Fit<[f64]> for PoissonRegressor {
    type Fitted = PoissonRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<PoissonRegressorModel> {
        self.validate()?;
        let settings = Settings {
            alpha: self.alpha,
            fit_intercept: self.fit_intercept,
            solver: &self.solver,
            max_iter: self.max_iter,
            tol: self.tol,
        };
        let family = Family { power: 1.0, link: Link::Log };
        let state = fit_glm(x, y, w, family, &settings, "HalfPoissonLoss")?;
        Ok(PoissonRegressorModel { params: self.clone(), state })
    }
}

impl Predict for PoissonRegressorModel {
    type Output = Array1<f64>;

    /// The predicted mean, `link⁻¹(x·coef + intercept)`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.state.predict(x, "PoissonRegressor")
    }
}

impl Learn for PoissonRegressor {
    type Model = PoissonRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<PoissonRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for PoissonRegressorModel {
    type Estimator = PoissonRegressor;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(PoissonRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::glm::test_support::*;

    fn tight(alpha: f64, solver: &str) -> PoissonRegressor {
        PoissonRegressor { alpha, solver: solver.into(), tol: 1e-10, max_iter: 1000, ..Default::default() }
    }

    #[test]
    fn diabetes_matches_scikit_learn_with_both_solvers() {
        // X standardised; PoissonRegressor(alpha=0.1, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
        let (x, y) = diabetes();
        let coef = [
            0.0010633125176767603,
            -0.07530760554331037,
            0.14209489781237472,
            0.098915282806209,
            -0.39572582810627815,
            0.3167565645128,
            0.0467834687184946,
            0.00511203488131083,
            0.3157532516419682,
            0.017183722976934383,
        ];
        for solver in SOLVERS {
            let m = tight(0.1, solver).fit(x.view(), &y).unwrap();
            assert_close(m.coef(), &coef, 1e-6);
            assert!((m.intercept() - 4.957372317820508).abs() < 1e-6, "{solver}: {}", m.intercept());
        }
    }

    #[test]
    fn counts_and_weights_match_scikit_learn() {
        let (x, yc, _) = counts();
        // PoissonRegressor(alpha=0.01, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(Xc, yc): n_iter_ == 5
        // w = np.arange(40) % 4 + 0.5; the same .fit(Xc, yc, sample_weight=w)
        let w: Vec<f64> = (0..40).map(|i| (i % 4) as f64 + 0.5).collect();
        for solver in SOLVERS {
            let m = tight(0.01, solver).fit(x.view(), &yc).unwrap();
            assert_close(m.coef(), &[0.34533868378473076, -0.3796094401647619, 0.3444405608042989], 1e-7);
            assert!((m.intercept() - 0.6127089250321659).abs() < 1e-7);
            if solver == "newton-cholesky" {
                assert_eq!(m.n_iter(), 5);
            }
            let m = tight(0.01, solver).fit_weighted(x.view(), &yc, Some(&w)).unwrap();
            assert_close(m.coef(), &[0.2583988308880829, -0.5255287471551666, 0.38476466371905954], 1e-7);
            assert!((m.intercept() - 0.6734668352251373).abs() < 1e-7);
        }
    }

    #[test]
    fn defaults_match_scikit_learn() {
        // PoissonRegressor(solver="newton-cholesky").fit(X, y): n_iter_ == 4
        let (x, y) = diabetes();
        let m = PoissonRegressor { solver: "newton-cholesky".into(), ..Default::default() }.fit(x.view(), &y).unwrap();
        let coef = [
            0.0017997347029263073,
            -0.07353683260915729,
            0.14461578877175393,
            0.09830898392713329,
            -0.2452700203391324,
            0.19641019678916458,
            -0.018414655628804,
            -0.009245525919589822,
            0.2513391920406613,
            0.017767398356232176,
        ];
        assert_close(m.coef(), &coef, 1e-6);
        assert_eq!(m.n_iter(), 4);
        // PoissonRegressor().fit(X, y) (lbfgs, tol=1e-4: close to the optimum, not at it)
        let m = PoissonRegressor::default().fit(x.view(), &y).unwrap();
        assert_close(m.coef(), &coef, 1e-4);
        let pred = m.predict(x.view()).unwrap();
        assert!(pred.iter().all(|&v| v > 0.0));
    }

    #[test]
    fn errors() {
        let (x, yc, _) = counts();
        let neg: Vec<f64> = yc.iter().map(|v| -v).collect();
        let err = PoissonRegressor::default().fit(x.view(), &neg).unwrap_err().to_string();
        assert!(err.contains("Some value(s) of y are out of the valid range of the loss 'HalfPoissonLoss'"), "{err}");
        let mut xn = x.clone();
        xn[[2, 1]] = f64::NAN;
        assert!(PoissonRegressor::default().fit(xn.view(), &yc).unwrap_err().to_string().contains("NaN"));
        let mut yn = yc.clone();
        yn[4] = f64::NAN;
        assert!(PoissonRegressor::default().fit(x.view(), &yn).unwrap_err().to_string().contains("NaN"));
        let bad = PoissonRegressor { solver: "sag".into(), ..Default::default() };
        assert!(bad.fit(x.view(), &yc).unwrap_err().to_string().contains("solver"));
        let bad = PoissonRegressor { alpha: -1.0, ..Default::default() };
        assert!(bad.fit(x.view(), &yc).unwrap_err().to_string().contains("alpha"));
        let m = PoissonRegressor::default().fit(x.view(), &yc).unwrap();
        let err = m.predict(x.slice(ndarray::s![.., ..2])).unwrap_err().to_string();
        assert!(err.contains("2 features") && err.contains("expecting 3"), "{err}");
    }
}
