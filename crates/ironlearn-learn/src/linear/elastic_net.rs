//! Elastic net: least squares with a mix of L1 and L2 penalties.
//!
//! The L1 part sets coefficients exactly to zero (feature selection) and the
//! L2 part keeps correlated features together and the problem well posed.
//! There is no closed form, so it is solved by coordinate descent
//! ([`coordinate_descent`](super::coordinate_descent)), scikit-learn's
//! algorithm and stopping rule, so coefficients, `n_iter` and `dual_gap`
//! agree with scikit-learn's.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::coordinate_descent::{fit_enet, fit_enet_csr, CdSettings, EnetFit, EnetSpec};
use super::sparse_ops::linear_predict;
use super::LinearState;
use ironlearn_core::sparse::Csr;

hyperparams! {
    /// Linear regression with combined L1 and L2 penalties: minimises
    /// `1/(2n) ||y - Xw||² + α·l1_ratio·||w||₁ + ½·α·(1 - l1_ratio)·||w||²`
    /// (with sample weights, the weighted mean of the squared errors).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::ElasticNet;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]];
    /// let y = [0.0, 1.0, 2.0];
    /// let model = ElasticNet { alpha: 0.1, l1_ratio: 0.5, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: ElasticNet(alpha=0.1, l1_ratio=0.5).fit(x, y).coef_ == [0.44604258, 0.44554178]
    /// assert!((model.coef()[0] - 0.446_042_58).abs() < 1e-6);
    /// assert_eq!(model.n_iter(), 52);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "elastic_net"]
    #[aliases("elasticnet", "enet")]
    #[tags(task = Some(Task::Regression), sample_weight, sparse, wants_scaling)]
    pub struct ElasticNet {
        /// Strength of the penalty (0 is least squares, better fitted by `LinearRegression`).
        alpha: f64 = 1.0, alias("lambda"), domain(Domain::float_min(0.0));
        /// The L1 share of the penalty: 1 is the lasso, 0 ridge regression.
        l1_ratio: f64 = 0.5, domain(Domain::float_range(0.0, 1.0));
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// The maximum number of passes over the features.
        max_iter: usize = 1000, domain(Domain::int_min(1));
        /// Stop when the duality gap is at most `tol·||y||²` (checked once the largest
        /// coefficient update is at most `tol` times the largest coefficient).
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
        /// Whether to constrain the coefficients to be non-negative.
        positive: bool = false;
        /// The seed of the feature order when `selection` is "random" (a different stream from scikit-learn's).
        random_state: u64 = 0;
        /// "cyclic" updates the features in order; "random" draws a feature at each step.
        selection: String = "cyclic".to_string(), domain(Domain::choice(&["cyclic", "random"]));
    }
}

/// A fitted [`ElasticNet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetModel {
    params: ElasticNet,
    #[serde(flatten)]
    state: LinearState,
    n_iter: usize,
    dual_gap: f64,
}

impl ElasticNetModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }

    /// Passes over the features the solver made (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The final duality gap divided by the number of rows (scikit-learn's `dual_gap_`).
    pub fn dual_gap(&self) -> f64 {
        self.dual_gap
    }
}

impl Fit<[f64]> for ElasticNet {
    type Fitted = ElasticNetModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<ElasticNetModel> {
        self.validate()?;
        let fit = fit_enet(x, y, w, &self.spec())?;
        Ok(self.model(fit))
    }
}

impl ElasticNet {
    /// Fits on sparse (CSR) input without densifying it (columns copied once,
    /// centring implicit, as scikit-learn does): the same model as on the dense matrix.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &[f64], w: Option<&[f64]>) -> Result<ElasticNetModel> {
        self.validate()?;
        let fit = fit_enet_csr(x, y, w, &self.spec())?;
        Ok(self.model(fit))
    }

    fn spec(&self) -> EnetSpec<'_> {
        EnetSpec {
            alpha: self.alpha,
            l1_ratio: self.l1_ratio,
            fit_intercept: self.fit_intercept,
            settings: CdSettings { max_iter: self.max_iter, tol: self.tol, positive: self.positive, random: false },
            selection: &self.selection,
            random_state: self.random_state,
        }
    }

    fn model(&self, fit: EnetFit) -> ElasticNetModel {
        ElasticNetModel {
            params: self.clone(),
            state: LinearState { coef: fit.coef, intercept: fit.intercept },
            n_iter: fit.outcome.n_iter,
            dual_gap: fit.outcome.dual_gap,
        }
    }
}

impl Predict for ElasticNetModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "ElasticNet")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for ElasticNet {
    type Model = ElasticNetModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<ElasticNetModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, data.values()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for ElasticNetModel {
    type Estimator = ElasticNet;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(linear_predict(&x, self.state.coef.view(), self.state.intercept, "ElasticNet")?))
    }
}

register!(ElasticNet);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::coordinate_descent::tests::{assert_close, diabetes, wide};
    use ndarray::array;

    struct Case {
        params: ElasticNet,
        data: &'static str,
        weighted: bool,
        coef: &'static [f64],
        intercept: f64,
        n_iter: usize,
        dual_gap: f64,
    }

    #[test]
    fn matches_scikit_learn() {
        // X, y: the diabetes data unscaled, or the wide set of `coordinate_descent::tests::wide`.
        let cases = [
            // ElasticNet(alpha=0.5, l1_ratio=0.3).fit(X, y) on diabetes
            Case {
                params: ElasticNet { alpha: 0.5, l1_ratio: 0.3, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    -0.036038436362653976,
                    -7.960052889617916,
                    6.111636129247027,
                    1.063570950778424,
                    1.1085475699265273,
                    -1.2455506979570388,
                    -1.998000156969223,
                    0.9253262804941508,
                    4.703094879238843,
                    0.34742740050243975,
                ],
                intercept: -120.00302906659707,
                n_iter: 130,
                dual_gap: 0.5097295527735712,
            },
            // ElasticNet(alpha=1.0, l1_ratio=0.0).fit(X, y) on diabetes
            Case {
                params: ElasticNet { alpha: 1.0, l1_ratio: 0.0, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    -0.04908807928757763,
                    -3.8018303332485566,
                    5.949677831227812,
                    1.0551355208122069,
                    1.2117188455621013,
                    -1.3343919162432467,
                    -2.0756043338779295,
                    0.5598778139162055,
                    1.986490785111635,
                    0.3595114354691602,
                ],
                intercept: -112.80608992120531,
                n_iter: 65,
                dual_gap: 0.013156491497815032,
            },
            // ElasticNet(alpha=0.2, l1_ratio=0.7, fit_intercept=False).fit(X, y) on diabetes
            Case {
                params: ElasticNet { alpha: 0.2, l1_ratio: 0.7, fit_intercept: false, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    0.00810751432743581,
                    -19.80825914316517,
                    5.457760908710738,
                    0.9817325146043031,
                    1.3131851208985978,
                    -1.3689847504126675,
                    -2.977247948111126,
                    -3.9899371621528728,
                    1.9992241760323988,
                    0.10210293460945781,
                ],
                intercept: 0.0,
                n_iter: 1000,
                dual_gap: 1491.8071276346902,
            },
            // ElasticNet(alpha=0.3, l1_ratio=0.6).fit(X, y, sample_weight=1 + arange(n) % 3) on diabetes
            Case {
                params: ElasticNet { alpha: 0.3, l1_ratio: 0.6, ..Default::default() },
                data: "diabetes",
                weighted: true,
                coef: &[
                    -0.06755144447906443,
                    -11.595522092050729,
                    5.958788121683669,
                    1.015510805927442,
                    0.7002228517700966,
                    -0.8335000458544053,
                    -1.679569920437816,
                    1.7040962358760305,
                    12.736393512377843,
                    0.3514373351749567,
                ],
                intercept: -131.25886729223996,
                n_iter: 167,
                dual_gap: 0.565680415304778,
            },
            // ElasticNet(alpha=0.02, l1_ratio=0.5, positive=True, tol=1e-8).fit(X, y) on wide
            Case {
                params: ElasticNet { alpha: 0.02, l1_ratio: 0.5, positive: true, tol: 1e-8, ..Default::default() },
                data: "wide",
                weighted: false,
                coef: &[
                    0.4650085301361721,
                    0.3420748497074293,
                    0.0,
                    0.0,
                    0.0,
                    0.6585846696052414,
                    0.44660840807950547,
                    1.0208897778584989,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                ],
                intercept: 1.6987876599881688,
                n_iter: 1000,
                dual_gap: 4.988828288449154e-06,
            },
        ];
        for c in &cases {
            let (x, y) = if c.data == "diabetes" { diabetes() } else { wide() };
            let w: Vec<f64> = (0..y.len()).map(|i| 1.0 + (i % 3) as f64).collect();
            let m = c.params.fit_weighted(x.view(), &y, c.weighted.then_some(&w[..])).unwrap();
            assert_close(m.coef().as_slice().unwrap(), c.coef, 1e-6);
            assert!((m.intercept() - c.intercept).abs() <= 1e-6 * c.intercept.abs().max(1.0), "{}", m.intercept());
            assert_eq!(m.n_iter(), c.n_iter, "{:?}", c.params);
            assert!((m.dual_gap() - c.dual_gap).abs() <= 1e-4 * c.dual_gap, "{} vs {}", m.dual_gap(), c.dual_gap);
            let pred = m.predict(x.view()).unwrap();
            assert!((pred[3] - (x.row(3).dot(m.coef()) + m.intercept())).abs() < 1e-9);
        }
    }

    #[test]
    fn bad_parameters_and_input_are_errors() {
        let (x, y) = diabetes();
        let err = ElasticNet { alpha: -1.0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("alpha"), "{err}");
        let err = ElasticNet { max_iter: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("max_iter"), "{err}");
        let err = ElasticNet { selection: "greedy".into(), ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("selection"), "{err}");
        for r in [-0.1, 1.5] {
            let err = ElasticNet { l1_ratio: r, ..Default::default() }.fit(x.view(), &y).unwrap_err();
            assert!(err.to_string().contains("l1_ratio"), "{err}");
        }
        let mut bad = x.clone();
        bad[[5, 2]] = f64::NAN;
        let err = ElasticNet::default().fit(bad.view(), &y).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
        let mut bad_y = y.clone();
        bad_y[1] = f64::INFINITY;
        assert!(ElasticNet::default().fit(x.view(), &bad_y).is_err());
        assert!(ElasticNet::default().fit(x.view(), &y[..10]).is_err());
        let w = vec![-1.0; y.len()];
        assert!(ElasticNet::default().fit_weighted(x.view(), &y, Some(&w)).is_err());
        let m = ElasticNet::default().fit(x.view(), &y).unwrap();
        let err = m.predict(array![[1.0, 2.0]].view()).unwrap_err();
        assert!(err.to_string().contains("X has 2 features, but ElasticNet is expecting 10 features"), "{err}");
    }

    #[test]
    fn constant_target_stops_at_once_and_random_selection_is_seeded() {
        let (x, y) = diabetes();
        let m = ElasticNet::default().fit(x.view(), &vec![3.0; y.len()]).unwrap();
        assert!(m.coef().iter().all(|&c| c == 0.0) && m.intercept() == 3.0 && m.n_iter() == 0);
        let p = ElasticNet {
            selection: "random".into(),
            random_state: 5,
            tol: 1e-8,
            max_iter: 100_000,
            ..Default::default()
        };
        let (a, b) = (p.fit(x.view(), &y).unwrap(), p.fit(x.view(), &y).unwrap());
        assert_eq!(a, b);
        let cyclic = ElasticNet { tol: 1e-8, max_iter: 100_000, ..Default::default() }.fit(x.view(), &y).unwrap();
        assert_close(a.coef().as_slice().unwrap(), cyclic.coef().as_slice().unwrap(), 1e-4);
    }

    #[test]
    fn model_round_trips_through_serde() {
        let (x, y) = wide();
        let m = ElasticNet::default().fit(x.view(), &y).unwrap();
        let back: ElasticNetModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }
}
