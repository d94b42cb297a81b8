//! Gamma regression: a GLM with a log link for positive, skewed targets.
//!
//! //! Claim sizes, durations and prices are positive with a spread that grows
//! in proportion to the mean (a constant coefficient of variation); a Gamma
//! GLM models exactly that, where least squares would be dominated by the
//! largest values.
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
    /// Generalised linear model with a Gamma distribution and a log link, for positive targets (y > 0).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::GammaRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 2.0], [2.0, 3.0], [3.0, 4.0], [4.0, 3.0]];
    /// let y = [19.0, 26.0, 33.0, 30.0];
    /// let model = GammaRegressor::default().fit(x.view(), &y[..])?;
    /// // scikit-learn: GammaRegressor().fit(x, y).coef_ == [0.073, 0.067] (to 3 decimals)
    /// assert!((model.coef()[0] - 0.073).abs() < 1e-3 && (model.coef()[1] - 0.067).abs() < 1e-3);
    /// assert!(GammaRegressor::default().fit(x.view(), &[1.0, 0.0, 2.0, 3.0][..]).is_err()); // y must be > 0
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "gamma_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling, positive_target)]
    pub struct GammaRegressor {
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

/// A fitted [`GammaRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaRegressorModel {
    params: GammaRegressor,
    #[serde(flatten)]
    state: GlmState,
}

impl GammaRegressorModel {
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

impl Fit<[f64]> for GammaRegressor {
    type Fitted = GammaRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<GammaRegressorModel> {
        self.validate()?;
        let settings = Settings {
            alpha: self.alpha,
            fit_intercept: self.fit_intercept,
            solver: &self.solver,
            max_iter: self.max_iter,
            tol: self.tol,
        };
        let family = Family { power: 2.0, link: Link::Log };
        let state = fit_glm(x, y, w, family, &settings, "HalfGammaLoss")?;
        Ok(GammaRegressorModel { params: self.clone(), state })
    }
}

impl Predict for GammaRegressorModel {
    type Output = Array1<f64>;

    /// The predicted mean, `link⁻¹(x·coef + intercept)`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.state.predict(x, "GammaRegressor")
    }
}

impl Learn for GammaRegressor {
    type Model = GammaRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<GammaRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for GammaRegressorModel {
    type Estimator = GammaRegressor;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(GammaRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::glm::test_support::*;

    fn tight(alpha: f64, solver: &str) -> GammaRegressor {
        GammaRegressor { alpha, solver: solver.into(), tol: 1e-10, max_iter: 1000, ..Default::default() }
    }

    #[test]
    fn diabetes_matches_scikit_learn_with_both_solvers() {
        // X standardised; GammaRegressor(alpha=0.1, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(X, y)
        let (x, y) = diabetes();
        let coef = [
            0.0012898594814927766,
            -0.07912044929159648,
            0.1381122696016575,
            0.09761630847571738,
            -0.02965745202757589,
            0.005445198786396632,
            -0.09337563781188946,
            0.009588241604468976,
            0.15851663682714393,
            0.017060799941752268,
        ];
        for solver in SOLVERS {
            let m = tight(0.1, solver).fit(x.view(), &y).unwrap();
            assert_close(m.coef(), &coef, 1e-6);
            assert!((m.intercept() - 4.957315965263158).abs() < 1e-6, "{solver}: {}", m.intercept());
        }
    }

    #[test]
    fn no_intercept_matches_scikit_learn() {
        // GammaRegressor(alpha=0.05, fit_intercept=False, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(Xc, yg)
        let (x, _, yg) = counts();
        for solver in SOLVERS {
            let m = GammaRegressor { fit_intercept: false, ..tight(0.05, solver) }.fit(x.view(), &yg).unwrap();
            assert_close(m.coef(), &[0.5039165831864886, -0.1609486000801104, 0.40030828289349585], 1e-7);
            assert_eq!(m.intercept(), 0.0);
        }
    }

    #[test]
    fn defaults_match_scikit_learn() {
        // GammaRegressor(solver="newton-cholesky").fit(X, y): n_iter_ == 3
        let (x, y) = diabetes();
        let m = GammaRegressor { solver: "newton-cholesky".into(), ..Default::default() }.fit(x.view(), &y).unwrap();
        let coef = [
            0.00911582621867437,
            -0.029813321430863068,
            0.09158628614086241,
            0.06316698324443981,
            0.002924790170602098,
            -0.002652530784328165,
            -0.05572114347762039,
            0.035856865792566285,
            0.08606775770178626,
            0.03029510549393093,
        ];
        assert_close(m.coef(), &coef, 1e-6);
        assert!((m.intercept() - 4.966114962610928).abs() < 1e-6);
        assert_eq!(m.n_iter(), 3);
    }

    #[test]
    fn errors() {
        let (x, yc, _) = counts();
        // yc holds zeros: outside the Gamma range (y > 0).
        let err = GammaRegressor::default().fit(x.view(), &yc).unwrap_err().to_string();
        assert!(err.contains("Some value(s) of y are out of the valid range of the loss 'HalfGammaLoss'"), "{err}");
        let err = GammaRegressor::default().fit(x.view(), &yc[..10]).unwrap_err().to_string();
        assert!(err.contains("inconsistent numbers of samples"), "{err}");
    }
}
