//! Lasso: least squares with an L1 penalty.
//!
//! The L1 penalty sets coefficients exactly to zero, so the fit selects
//! features. It is the elastic net with `l1_ratio = 1` and shares its
//! coordinate-descent solver ([`coordinate_descent`](super::coordinate_descent)),
//! scikit-learn's algorithm and stopping rule, so coefficients, `n_iter` and
//! `dual_gap` agree with scikit-learn's.

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
    /// Linear regression with an L1 penalty: minimises `1/(2n) ||y - Xw||² + α·||w||₁`
    /// (with sample weights, the weighted mean of the squared errors).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::Lasso;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]];
    /// let y = [0.0, 1.0, 2.0];
    /// let model = Lasso { alpha: 0.1, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: Lasso(alpha=0.1).fit(x, y): coef_ == [0.85, 0.0], intercept_ == 0.15
    /// assert!((model.coef()[0] - 0.85).abs() < 1e-12 && model.coef()[1] == 0.0);
    /// assert!((model.intercept() - 0.15).abs() < 1e-12);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "lasso"]
    #[tags(task = Some(Task::Regression), sample_weight, sparse, wants_scaling)]
    pub struct Lasso {
        /// Strength of the L1 penalty (0 is least squares, better fitted by `LinearRegression`).
        alpha: f64 = 1.0, alias("lambda"), domain(Domain::float_min(0.0));
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

/// A fitted [`Lasso`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LassoModel {
    params: Lasso,
    #[serde(flatten)]
    state: LinearState,
    n_iter: usize,
    dual_gap: f64,
}

impl LassoModel {
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

impl Fit<[f64]> for Lasso {
    type Fitted = LassoModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<LassoModel> {
        self.validate()?;
        let fit = fit_enet(x, y, w, &self.spec())?;
        Ok(self.model(fit))
    }
}

impl Lasso {
    /// Fits on sparse (CSR) input without densifying it (columns copied once,
    /// centring implicit, as scikit-learn does): the same model as on the dense matrix.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &[f64], w: Option<&[f64]>) -> Result<LassoModel> {
        self.validate()?;
        let fit = fit_enet_csr(x, y, w, &self.spec())?;
        Ok(self.model(fit))
    }

    fn spec(&self) -> EnetSpec<'_> {
        EnetSpec {
            alpha: self.alpha,
            l1_ratio: 1.0,
            fit_intercept: self.fit_intercept,
            settings: CdSettings { max_iter: self.max_iter, tol: self.tol, positive: self.positive, random: false },
            selection: &self.selection,
            random_state: self.random_state,
        }
    }

    fn model(&self, fit: EnetFit) -> LassoModel {
        LassoModel {
            params: self.clone(),
            state: LinearState { coef: fit.coef, intercept: fit.intercept },
            n_iter: fit.outcome.n_iter,
            dual_gap: fit.outcome.dual_gap,
        }
    }
}

impl Predict for LassoModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "Lasso")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for Lasso {
    type Model = LassoModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LassoModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, data.values()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for LassoModel {
    type Estimator = Lasso;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(linear_predict(&x, self.state.coef.view(), self.state.intercept, "Lasso")?))
    }
}

register!(Lasso);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::coordinate_descent::tests::{assert_close, diabetes, wide};
    use ndarray::array;

    struct Case {
        params: Lasso,
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
            // Lasso(alpha=1.0).fit(X, y) on diabetes
            Case {
                params: Lasso { alpha: 1.0, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    -0.01902671146185507,
                    -17.477049676119247,
                    5.842430566818586,
                    1.0915425837803825,
                    0.1561323959141369,
                    -0.31520351825358484,
                    -1.1877517129139785,
                    0.16243274585017708,
                    34.22471514072433,
                    0.3297322813049073,
                ],
                intercept: -202.30265547056476,
                n_iter: 343,
                dual_gap: 0.5846045678368205,
            },
            // Lasso(alpha=0.1).fit(X, y) on diabetes
            Case {
                params: Lasso { alpha: 0.1, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    -0.03422211482248264,
                    -22.318851988733133,
                    5.628241299242512,
                    1.1138756339309772,
                    -0.9347573458570055,
                    0.6133704224863749,
                    0.17617170932548015,
                    5.754523381801822,
                    64.32688762034529,
                    0.28537584656469406,
                ],
                intercept: -318.1204240146062,
                n_iter: 538,
                dual_gap: 0.5873314351200577,
            },
            // Lasso(alpha=0.5, positive=True).fit(X, y) on diabetes
            Case {
                params: Lasso { alpha: 0.5, positive: true, ..Default::default() },
                data: "diabetes",
                weighted: false,
                coef: &[
                    0.0,
                    0.0,
                    6.355535006471311,
                    0.9065640432377083,
                    0.0,
                    0.0,
                    0.0,
                    2.6684888113390275,
                    42.502934432165574,
                    0.16352037807247558,
                ],
                intercept: -324.36025791169493,
                n_iter: 12,
                dual_gap: 0.052965784257349484,
            },
            // Lasso(alpha=0.3).fit(X, y, sample_weight=1 + arange(n) % 3) on diabetes
            Case {
                params: Lasso { alpha: 0.3, ..Default::default() },
                data: "diabetes",
                weighted: true,
                coef: &[
                    -0.07384411694330288,
                    -17.850091251540885,
                    5.600724562207971,
                    1.0135784708313684,
                    -0.8101417831891359,
                    0.5354233644258595,
                    0.0,
                    5.065399459500084,
                    58.88457202894581,
                    0.3125024414875619,
                ],
                intercept: -292.2602712116727,
                n_iter: 253,
                dual_gap: 0.5377752720323029,
            },
            // Lasso(alpha=0.05).fit(X, y) on wide
            Case {
                params: Lasso { alpha: 0.05, ..Default::default() },
                data: "wide",
                weighted: false,
                coef: &[0.0, 0.0, -0.6288401354167256, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.5028534276501426, 0.0],
                intercept: 1.6785315057409647,
                n_iter: 521,
                dual_gap: 1.8301460466912944e-05,
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
        let err = Lasso { alpha: -1.0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("alpha"), "{err}");
        let err = Lasso { max_iter: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("max_iter"), "{err}");
        let err = Lasso { selection: "greedy".into(), ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("selection"), "{err}");

        let mut bad = x.clone();
        bad[[5, 2]] = f64::NAN;
        let err = Lasso::default().fit(bad.view(), &y).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
        let mut bad_y = y.clone();
        bad_y[1] = f64::INFINITY;
        assert!(Lasso::default().fit(x.view(), &bad_y).is_err());
        assert!(Lasso::default().fit(x.view(), &y[..10]).is_err());
        let w = vec![-1.0; y.len()];
        assert!(Lasso::default().fit_weighted(x.view(), &y, Some(&w)).is_err());
        let m = Lasso::default().fit(x.view(), &y).unwrap();
        let err = m.predict(array![[1.0, 2.0]].view()).unwrap_err();
        assert!(err.to_string().contains("X has 2 features, but Lasso is expecting 10 features"), "{err}");
    }

    #[test]
    fn constant_target_stops_at_once_and_random_selection_is_seeded() {
        let (x, y) = diabetes();
        let m = Lasso::default().fit(x.view(), &vec![3.0; y.len()]).unwrap();
        assert!(m.coef().iter().all(|&c| c == 0.0) && m.intercept() == 3.0 && m.n_iter() == 0);
        let p =
            Lasso { selection: "random".into(), random_state: 5, tol: 1e-8, max_iter: 100_000, ..Default::default() };
        let (a, b) = (p.fit(x.view(), &y).unwrap(), p.fit(x.view(), &y).unwrap());
        assert_eq!(a, b);
        let cyclic = Lasso { tol: 1e-8, max_iter: 100_000, ..Default::default() }.fit(x.view(), &y).unwrap();
        assert_close(a.coef().as_slice().unwrap(), cyclic.coef().as_slice().unwrap(), 1e-4);
    }

    #[test]
    fn model_round_trips_through_serde() {
        let (x, y) = wide();
        let m = Lasso::default().fit(x.view(), &y).unwrap();
        let back: LassoModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }
}

#[cfg(test)]
mod sparse_tests {
    use super::*;
    use crate::linear::sparse_ops::tests::{sparse_data, OwnedCsr};
    use crate::linear::ElasticNet;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn sparse_equals_dense_equals_scikit_learn() {
        // X, y = sparse_data(50, 6) (see sparse_ops::tests), Xs = scipy.sparse.csr_matrix(X),
        // w = np.arange(50) % 4 + 0.5; each model .fit(Xs, y, sample_weight=...)
        let (x, y) = sparse_data(50, 6);
        let o = OwnedCsr::from_dense(x.view());
        let w: Vec<f64> = (0..50).map(|i| (i % 4) as f64 + 0.5).collect();
        // (coef, intercept, n_iter, dual_gap)
        type Want = ([f64; 6], f64, usize, f64);
        let lasso: [(Lasso, Option<&[f64]>, Want); 3] = [
            // Lasso(alpha=0.05)
            (
                Lasso { alpha: 0.05, ..Default::default() },
                None,
                (
                    [
                        -1.3089320160273117,
                        -0.43352729351412983,
                        0.41633639712559545,
                        1.3423409314796453,
                        2.417117702184895,
                        3.4398899138218537,
                    ],
                    0.6775353339412695,
                    13,
                    0.00027961919481455765,
                ),
            ),
            // Lasso(alpha=0.05), sample_weight=w
            (
                Lasso { alpha: 0.05, ..Default::default() },
                Some(&w),
                (
                    [
                        -1.3576171849841856,
                        -0.3878998178500672,
                        0.42492146856137625,
                        1.3813201606365684,
                        2.395234304187496,
                        3.4293701399355276,
                    ],
                    0.669449493236355,
                    15,
                    0.00038531585169245377,
                ),
            ),
            // Lasso(alpha=0.02, positive=True)
            (
                Lasso { alpha: 0.02, positive: true, ..Default::default() },
                None,
                (
                    [0.0, 0.0, 0.5150425934584623, 0.7794953342688355, 2.351757870203067, 3.5781957046933432],
                    0.2508965534148708,
                    9,
                    0.00048211037995002923,
                ),
            ),
        ];
        for (p, w, (coef, intercept, n_iter, gap)) in lasso {
            let s = p.fit_csr(&o.csr(), &y, w).unwrap();
            let d = p.fit_weighted(x.view(), &y, w).unwrap();
            for m in [&s, &d] {
                close(m.coef().as_slice().unwrap(), &coef, 1e-9);
                close(&[m.intercept(), m.dual_gap()], &[intercept, gap], 1e-7);
                assert_eq!(m.n_iter(), n_iter);
            }
            let (Prediction::Values(a), Prediction::Values(b)) = (
                s.predict_data(Features::Sparse(o.csr())).unwrap(),
                d.predict_data(Features::Dense(x.view())).unwrap(),
            ) else {
                panic!()
            };
            close(a.as_slice().unwrap(), b.as_slice().unwrap(), 1e-9);
        }
        let enet: [(ElasticNet, Option<&[f64]>, Want); 2] = [
            // ElasticNet(alpha=0.1, l1_ratio=0.3)
            (
                ElasticNet { alpha: 0.1, l1_ratio: 0.3, ..Default::default() },
                None,
                (
                    [
                        -1.158297086064559,
                        -0.3146758181941234,
                        0.5728664201192761,
                        1.093788260231458,
                        2.127635396221094,
                        3.0622660489349527,
                    ],
                    0.943582144353591,
                    12,
                    0.00013945395845610164,
                ),
            ),
            // ElasticNet(alpha=0.1, l1_ratio=0.3, fit_intercept=False), sample_weight=w
            (
                ElasticNet { alpha: 0.1, l1_ratio: 0.3, fit_intercept: false, ..Default::default() },
                Some(&w),
                (
                    [
                        -1.0109994200264287,
                        -0.0968161086329353,
                        0.7343435453491619,
                        1.371993992549417,
                        2.379492870571652,
                        3.316548356538042,
                    ],
                    0.0,
                    13,
                    0.00031451080663146057,
                ),
            ),
        ];
        for (p, w, (coef, intercept, n_iter, gap)) in enet {
            let s = p.fit_csr(&o.csr(), &y, w).unwrap();
            let d = p.fit_weighted(x.view(), &y, w).unwrap();
            for m in [&s, &d] {
                close(m.coef().as_slice().unwrap(), &coef, 1e-9);
                close(&[m.intercept(), m.dual_gap()], &[intercept, gap], 1e-7);
                assert_eq!(m.n_iter(), n_iter);
            }
        }
        // Errors: length mismatch, NaN target, bad selection.
        assert!(Lasso::default().fit_csr(&o.csr(), &y[..3], None).is_err());
        let bad = Lasso { selection: "shuffled".into(), ..Default::default() };
        assert!(bad.fit_csr(&o.csr(), &y, None).is_err());
    }
}
