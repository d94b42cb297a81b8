//! Tweedie regression: the GLM family between normal, Poisson, Gamma and beyond.
//!
//! //! One power parameter spans the normal (0), Poisson (1), compound
//! Poisson-Gamma (between 1 and 2: many exact zeros plus positive amounts,
//! as in insurance losses), Gamma (2) and inverse Gaussian (3)
//! distributions, so the variance-to-mean relation can be tuned rather than
//! assumed.
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
    /// Generalised linear model with a Tweedie distribution (variance ∝ mean^power) and a chosen link.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::TweedieRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 3.0]];
    /// let y = [2.0, 3.5, 5.0, 5.5];
    /// let model = TweedieRegressor::default().fit(x.view(), &y[..])?;
    /// // scikit-learn: TweedieRegressor().fit(x, y).coef_ == [0.599, 0.299], intercept_ == 1.600
    /// assert!((model.coef()[0] - 0.599).abs() < 1e-3 && (model.intercept() - 1.600).abs() < 1e-3);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "tweedie_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct TweedieRegressor {
        /// The Tweedie power: 0 normal, 1 Poisson, in (1, 2) compound Poisson-Gamma, 2 Gamma, 3 inverse
        /// Gaussian; y must be >= 0 for powers in (0, 2) and > 0 from 2 on.
        power: f64 = 0.0, domain(Domain::finite());
        /// The link: "auto" (identity for power <= 0, log otherwise), "identity" or "log".
        link: String = "auto".into(), domain(Domain::choice(&["auto", "identity", "log"]));
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

/// A fitted [`TweedieRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TweedieRegressorModel {
    params: TweedieRegressor,
    #[serde(flatten)]
    state: GlmState,
}

impl TweedieRegressorModel {
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

impl Fit<[f64]> for TweedieRegressor {
    type Fitted = TweedieRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<TweedieRegressorModel> {
        self.validate()?;
        let settings = Settings {
            alpha: self.alpha,
            fit_intercept: self.fit_intercept,
            solver: &self.solver,
            max_iter: self.max_iter,
            tol: self.tol,
        };
        let link = Link::from_name(&self.link, self.power)?;
        let family = Family { power: self.power, link };
        let loss = if link == Link::Log { "HalfTweedieLoss" } else { "HalfTweedieLossIdentity" };
        let state = fit_glm(x, y, w, family, &settings, loss)?;
        Ok(TweedieRegressorModel { params: self.clone(), state })
    }
}

impl Predict for TweedieRegressorModel {
    type Output = Array1<f64>;

    /// The predicted mean, `link⁻¹(x·coef + intercept)`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.state.predict(x, "TweedieRegressor")
    }
}

impl Learn for TweedieRegressor {
    type Model = TweedieRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<TweedieRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for TweedieRegressorModel {
    type Estimator = TweedieRegressor;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(TweedieRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::glm::test_support::*;

    fn tight(power: f64, alpha: f64, solver: &str) -> TweedieRegressor {
        TweedieRegressor { power, alpha, solver: solver.into(), tol: 1e-10, max_iter: 1000, ..Default::default() }
    }

    #[test]
    fn powers_match_scikit_learn_with_both_solvers() {
        // X standardised; TweedieRegressor(power=P, alpha=A, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
        let (x, y) = diabetes();
        let cases: [(f64, f64, [f64; 10], f64); 3] = [
            (
                1.5,
                0.1,
                [
                    5.543455167156199e-05,
                    -0.08196241873768602,
                    0.1440902524412512,
                    0.1009217260787619,
                    -0.20124336823161362,
                    0.16079339771019382,
                    -0.045523164733703346,
                    -0.01644646822735509,
                    0.2396795744247029,
                    0.014339575758896623,
                ],
                4.957370572320026,
            ),
            (
                0.0,
                0.5,
                [
                    0.9578673162482548,
                    -6.24252130339367,
                    18.240459667675122,
                    11.645616669407774,
                    -0.7223596231699675,
                    -2.7751475694926633,
                    -8.31640349666751,
                    5.802232387635979,
                    15.62509244518592,
                    5.274329768104805,
                ],
                152.133484162896,
            ),
            (
                3.0,
                0.01,
                [
                    0.008185351328799006,
                    -0.02547510209035064,
                    0.07793599625917674,
                    0.05587761647543959,
                    0.005592777834204088,
                    0.001998803391132918,
                    -0.05422794080424361,
                    0.03577424775808554,
                    0.07767234927346531,
                    0.027213315629445664,
                ],
                4.9406456497033,
            ),
        ];
        for (power, alpha, coef, intercept) in cases {
            for solver in SOLVERS {
                let m = tight(power, alpha, solver).fit(x.view(), &y).unwrap();
                assert_close(m.coef(), &coef, 1e-6);
                assert!(
                    (m.intercept() - intercept).abs() < 1e-6 * intercept.abs(),
                    "{power} {solver}: {}",
                    m.intercept()
                );
            }
        }
    }

    #[test]
    fn identity_link_matches_scikit_learn() {
        // TweedieRegressor(power=1, link="identity", alpha=0.01, solver="newton-cholesky", tol=1e-10,
        //                  max_iter=1000).fit(Xc, yc + 1)
        let (x, yc, _) = counts();
        let y1: Vec<f64> = yc.iter().map(|v| v + 1.0).collect();
        for solver in SOLVERS {
            let m =
                TweedieRegressor { link: "identity".into(), ..tight(1.0, 0.01, solver) }.fit(x.view(), &y1).unwrap();
            assert_close(m.coef(), &[0.5818115948293048, -0.72923730786969, 0.6781408321014789], 1e-6);
            assert!((m.intercept() - 3.0162508637136916).abs() < 1e-6);
        }
    }

    #[test]
    fn errors() {
        let (x, yc, _) = counts();
        let neg: Vec<f64> = yc.iter().map(|v| -v).collect();
        let err = TweedieRegressor { power: 1.5, ..Default::default() }.fit(x.view(), &neg).unwrap_err().to_string();
        assert!(err.contains("out of the valid range of the loss 'HalfTweedieLoss'"), "{err}");
        let bad = TweedieRegressor { power: 1.0, link: "identity".into(), ..Default::default() };
        let err = bad.fit(x.view(), &neg).unwrap_err().to_string();
        assert!(err.contains("'HalfTweedieLossIdentity'"), "{err}");
        let err = TweedieRegressor { power: 3.0, ..Default::default() }.fit(x.view(), &yc).unwrap_err().to_string();
        assert!(err.contains("out of the valid range"), "{err}");
        let bad = TweedieRegressor { link: "logit".into(), ..Default::default() };
        assert!(bad.fit(x.view(), &yc).unwrap_err().to_string().contains("link"));
        // scikit-learn >= 1.1 accepts powers in (0, 1) (y >= 0): so does this.
        assert!(TweedieRegressor { power: 0.5, ..Default::default() }.fit(x.view(), &yc).is_ok());
    }
}
