//! Linear support vector regression, as scikit-learn's `LinearSVR`.
//!
//! The epsilon-insensitive loss ignores errors below `epsilon` and grows
//! linearly beyond, so outliers pull less than in least squares. scikit-learn's
//! `LinearSVR` is liblinear's dual coordinate descent (Ho and Lin, 2012), with
//! liblinear's penalised bias column for the intercept; users expect that
//! objective and those stopping rules, so [`liblinear`](super::liblinear)
//! follows it step for step.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Rng,
    Task, TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::liblinear::{primal_newton, svr_dual, PrimalLoss, RowSet, SparseRows};
use super::{build_rows, choose_solver, kept_rows, Dual, Solver};
use crate::linear::sgd::SgdX;
use crate::linear::sparse_ops::linear_predict;
use ironlearn_core::sparse::Csr;

hyperparams! {
    /// Linear support vector regression (liblinear).
    ///
    /// Minimises `½||w||² + C·Σ_i w_i·max(0, |y_i − wᵀx_i − b| − ε)` (loss
    /// "epsilon_insensitive") or the same with the excess squared (loss
    /// "squared_epsilon_insensitive"), `w_i` the sample weights; the intercept
    /// `b` is `intercept_scaling` times a weight that is penalised like the others.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::LinearSVR;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = [1.0, 3.0, 5.0, 7.0];
    /// let model = LinearSVR { c: 100.0, intercept_scaling: 10.0, ..Default::default() }.fit(x.view(), &y[..])?;
    /// let p = model.predict(array![[1.5]].view())?;
    /// assert!((p[0] - 4.0).abs() < 1e-2); // y = 2x + 1
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "linear_svr"]
    #[aliases("linearsvr")]
    #[tags(task = Some(Task::Regression), sample_weight, sparse, wants_scaling)]
    pub struct LinearSVR {
        /// The half-width of the band in which errors cost nothing (in the units of y).
        epsilon: f64 = 0.0, domain(Domain::finite());
        /// Stopping tolerance: the size of the projected gradient relative to its first pass (dual),
        /// or of the gradient relative to its value at zero (primal).
        tol: f64 = 1e-4, domain(Domain::positive());
        /// Inverse regularisation strength: the cost of an error beyond `epsilon`.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// "epsilon_insensitive" (L1 loss, dual only) or "squared_epsilon_insensitive" (L2 loss).
        loss: String = "epsilon_insensitive".to_string(),
            domain(Domain::choice(&["epsilon_insensitive", "squared_epsilon_insensitive"]));
        /// Whether to fit an intercept (as a penalised bias column, as liblinear does).
        fit_intercept: bool = true;
        /// The value of the bias column: larger values penalise the intercept less.
        intercept_scaling: f64 = 1.0, domain(Domain::positive());
        /// Solve the dual (true) or primal (false, squared loss only) problem; "auto" (or none)
        /// picks the primal when the loss allows it and there are at least as many rows as features.
        dual: Option<Dual> = None, check(Dual::is_valid, "\"auto\", true or false");
        /// The seed of the order in which the solver visits rows; a different stream from liblinear's.
        random_state: u64 = 0;
        /// The maximum number of passes of the solver.
        max_iter: usize = 1000, domain(Domain::int_min(0));
    }
}

/// A fitted [`LinearSVR`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearSVRModel {
    params: LinearSVR,
    #[serde(with = "ironlearn_core::state::array1")]
    coef: Array1<f64>,
    intercept: f64,
    n_iter: usize,
}

impl LinearSVRModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.coef
    }

    /// scikit-learn's `intercept_` (0 without `fit_intercept`).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Passes the solver made (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
}

impl Fit<[f64]> for LinearSVR {
    type Fitted = LinearSVRModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<LinearSVRModel> {
        self.validate()?;
        check_fit_input(x, y.len())?;
        self.fit_any(SgdX::Dense(x), y, w)
    }
}

impl LinearSVR {
    /// Fits on sparse (CSR) input without densifying it: liblinear's solvers on sparse rows.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &[f64], w: Option<&[f64]>) -> Result<LinearSVRModel> {
        self.validate()?;
        SgdX::Sparse(*x).check_fit(y.len())?;
        self.fit_any(SgdX::Sparse(*x), y, w)
    }

    fn fit_any(&self, x: SgdX<'_>, y: &[f64], w: Option<&[f64]>) -> Result<LinearSVRModel> {
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let (n, p) = x.dim();
        let solver = choose_solver(&self.loss, "l2", &self.dual, n, p)?;
        let bias = self.fit_intercept.then_some(self.intercept_scaling);
        let (keep, sw) = kept_rows(w, n);
        let rows: Box<dyn RowSet> = match x {
            SgdX::Dense(x) => Box::new(build_rows(x, &keep, bias)),
            SgdX::Sparse(x) => Box::new(SparseRows::from_csr(&x, &keep, bias)),
        };
        let rows = rows.as_ref();
        let yk: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
        let cost: Vec<f64> = sw.iter().map(|wi| self.c * wi).collect();
        let mut rng = Rng::new(self.random_state);
        let s = match solver {
            Solver::SvrDual { squared } => {
                svr_dual(rows, &yk, &cost, self.epsilon, squared, self.tol, self.max_iter, &mut rng)
            }
            Solver::SvrPrimal => {
                let loss = PrimalLoss::SquaredEpsilon { y: &yk, p: self.epsilon };
                primal_newton(rows, loss, &cost, self.tol, self.max_iter)
            }
            _ => unreachable!("a classification loss is not a LinearSVR loss"),
        };
        Ok(LinearSVRModel {
            params: self.clone(),
            coef: Array1::from(s.w[..p].to_vec()),
            intercept: if self.fit_intercept { self.intercept_scaling * s.w[p] } else { 0.0 },
            n_iter: s.n_iter,
        })
    }
}

impl Predict for LinearSVRModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.coef.len(), "LinearSVR")?;
        Ok(x.dot(&self.coef) + self.intercept)
    }
}

impl Learn for LinearSVR {
    type Model = LinearSVRModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LinearSVRModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, data.values()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for LinearSVRModel {
    type Estimator = LinearSVR;

    fn n_features_in(&self) -> usize {
        self.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(linear_predict(&x, self.coef.view(), self.intercept, "LinearSVR")?))
    }
}

register!(LinearSVR);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::tests::{assert_rel, scaled};
    use crate::test_data::load;
    use ndarray::{s, Array2};

    fn diabetes() -> (Array2<f64>, Vec<f64>) {
        let (x, y) = load("diabetes");
        (scaled(&x), y.iter().map(|v| v.parse().unwrap()).collect())
    }

    /// liblinear's primal objective, the bias weight `intercept / intercept_scaling` penalised too.
    fn objective(m: &LinearSVRModel, x: &Array2<f64>, y: &[f64], sw: Option<&[f64]>) -> f64 {
        let p = &m.params;
        let wb = if p.fit_intercept { m.intercept / p.intercept_scaling } else { 0.0 };
        let f = m.predict(x.view()).unwrap();
        let loss: f64 = (0..y.len())
            .map(|i| {
                let r = ((y[i] - f[i]).abs() - p.epsilon).max(0.0);
                let l = if p.loss == "squared_epsilon_insensitive" { r * r } else { r };
                p.c * sw.map_or(1.0, |s| s[i]) * l
            })
            .sum();
        0.5 * (m.coef.dot(&m.coef) + wb * wb) + loss
    }

    #[test]
    fn matches_scikit_learn() {
        // X: diabetes standardised (StandardScaler), y unscaled; scikit-learn 1.9.1,
        // LinearSVR(tol=1e-8, max_iter=1000000, **kw).fit(X, y): objective from coef_/intercept_ as
        // `objective` computes it, and predict(X[:5]).
        let tight = |p: LinearSVR| LinearSVR { tol: 1e-8, max_iter: 1_000_000, ..p };
        let cases: [(LinearSVR, f64, [f64; 5]); 4] = [
            // kw = {}
            (
                tight(LinearSVR::default()),
                29528.24651470655,
                [169.4607935145974, 61.69608612927033, 143.20865883591415, 142.51006904423207, 109.0370101880372],
            ),
            // kw = {epsilon: 10, C: 0.1, intercept_scaling: 10}
            (
                tight(LinearSVR { epsilon: 10.0, c: 0.1, intercept_scaling: 10.0, ..Default::default() }),
                2069.5508969601838,
                [168.82720100713922, 84.99984565143077, 153.99000991636808, 146.73907720291558, 126.09136613919604],
            ),
            // kw = {loss: "squared_epsilon_insensitive", epsilon: 5, C: 0.01} (dual="auto": the primal there)
            (
                tight(LinearSVR {
                    loss: "squared_epsilon_insensitive".into(),
                    epsilon: 5.0,
                    c: 0.01,
                    ..Default::default()
                }),
                22017.157291825275,
                [182.81890211630162, 57.164368922966474, 156.36114482604688, 145.1030061570935, 112.12202572433708],
            ),
            // kw = {loss: "squared_epsilon_insensitive", epsilon: 5, C: 0.01, fit_intercept: False}
            (
                tight(LinearSVR {
                    loss: "squared_epsilon_insensitive".into(),
                    epsilon: 5.0,
                    c: 0.01,
                    fit_intercept: false,
                    ..Default::default()
                }),
                109183.36431956926,
                [47.24809625613741, -78.40471230281238, 20.53047249211126, 9.426490054584674, -23.38954533831254],
            ),
        ];
        let (x, y) = diabetes();
        for (params, obj, pred) in &cases {
            let m = params.fit(x.view(), &y[..]).unwrap();
            assert_rel(objective(&m, &x, &y, None), *obj, 1e-4, &format!("{params:?}"));
            let got = m.predict(x.slice(s![..5, ..])).unwrap();
            for (g, w) in got.iter().zip(pred) {
                assert!((g - w).abs() < 1e-2, "{params:?}: predicted {g}, want {w}");
            }
        }
    }

    #[test]
    fn sample_weights_count_as_repeated_rows() {
        // Weight 2 on a row is the same problem as the row twice (the objective sums C·w_i·loss).
        let (x, y) = diabetes();
        let (x, y) = (x.slice(s![..100, ..]).to_owned(), &y[..100]);
        let w: Vec<f64> = (0..100).map(|i| if i < 50 { 2.0 } else { 1.0 }).collect();
        let params = LinearSVR { tol: 1e-10, max_iter: 1_000_000, epsilon: 5.0, ..Default::default() };
        let a = params.fit_weighted(x.view(), y, Some(&w)).unwrap();
        let rows: Vec<usize> = (0..100).chain(0..50).collect();
        let yy: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let b = params.fit(x.select(ndarray::Axis(0), &rows).view(), &yy[..]).unwrap();
        let (oa, ob) = (objective(&a, &x, y, Some(&w)), objective(&b, &x, y, Some(&w)));
        assert_rel(oa, ob, 1e-6, "weighted objective");
    }

    #[test]
    fn errors() {
        let (x, y) = diabetes();
        let err = |p: LinearSVR| p.fit(x.view(), &y[..]).unwrap_err().to_string();
        assert_eq!(
            err(LinearSVR { dual: Some(Dual::Fixed(false)), ..Default::default() }),
            "Unsupported set of arguments: The combination of penalty='l2' and loss='epsilon_insensitive' are not \
             supported when dual=False, Parameters: penalty='l2', loss='epsilon_insensitive', dual=False"
        );
        assert!(err(LinearSVR { c: -1.0, ..Default::default() }).contains("'c'"));
        assert!(err(LinearSVR { intercept_scaling: 0.0, ..Default::default() }).contains("'intercept_scaling'"));
        let mut yy = y.clone();
        yy[2] = f64::NAN;
        assert!(LinearSVR::default().fit(x.view(), &yy[..]).unwrap_err().to_string().contains("NaN"));
        let m = LinearSVR::default().fit(x.view(), &y[..]).unwrap();
        assert!(m.predict(x.slice(s![.., ..2])).unwrap_err().to_string().contains("expecting 10"));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<LinearSVRModel>(&json).unwrap(), m);
    }
}
