//! Ridge regression: least squares with an L2 penalty.
//!
//! Solved from the normal equations by Cholesky, the fastest exact method
//! when the penalty makes the system well conditioned; with more features
//! than rows the dual system (rows × rows) is solved instead. Without
//! weights and with well-scaled means, the Gram matrix of the raw data is
//! centred afterwards (`XᵀX − n·x̄x̄ᵀ`), which saves copying `X`: one matrix
//! product reads the data once, in parallel.
//!
//! Sparse (CSR) input is solved by conjugate gradients on the normal
//! equations with the centring applied implicitly inside the products
//! (scikit-learn's `sparse_cg`), so the data is never densified; the
//! tolerance is tight, so the result is the dense solution.

use faer::Mat;
use ironlearn_core::validate::{check_finite, check_fit_shape, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::center::center;
use super::gram::{block_gram, centred_gram, CentredGram};
use super::sparse_ops::{check_csr_fit, conjugate_gradient, csr_col_sums, csr_dot_into, csr_t_dot, linear_predict};
use super::LinearState;
use ironlearn_core::sparse::Csr;

hyperparams! {
    /// Linear least squares with L2 regularisation: minimises
    /// `Σ wᵢ (yᵢ - xᵢ·β - β₀)² + α ||β||²`.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::Ridge;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]];
    /// let y = [0.0, 0.1, 1.0];
    /// let model = Ridge { alpha: 0.5, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: Ridge(alpha=0.5).fit(x, y).coef_ == [0.34545455, 0.34545455]
    /// assert!((model.coef()[0] - 0.345_454_545_454_545_4).abs() < 1e-12);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "ridge"]
    #[tags(task = Some(Task::Regression), sample_weight, sparse, wants_scaling)]
    pub struct Ridge {
        /// Strength of the L2 penalty.
        alpha: f64 = 1.0, alias("lambda", "lambda_l2"), domain(Domain::float_min(0.0));
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
    }
}

/// A fitted [`Ridge`] regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RidgeModel {
    params: Ridge,
    #[serde(flatten)]
    state: LinearState,
}

impl RidgeModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }
}

impl Fit<[f64]> for Ridge {
    type Fitted = RidgeModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<RidgeModel> {
        self.validate()?;
        check_fit_shape(x, y.len())?;
        if let Err(e) = check_target(y).and_then(|()| check_sample_weight(w, y.len())) {
            // X's values are reported first, as scikit-learn's `check_X_y` does.
            check_finite(x, "X")?;
            return Err(e);
        }
        if w.is_none() && x.nrows() >= x.ncols() {
            if let Some(model) = self.fit_raw_gram(x, y)? {
                return Ok(model);
            }
        }
        // The Gram pass is the finite check when it succeeds (see `gram`); here it has not run or has stepped aside.
        check_finite(x, "X")?;
        let c = center(x, y, w, self.fit_intercept);
        let (a, b) = (c.a(), c.b());
        let (n, p) = (a.nrows(), a.ncols());
        let coef = if p <= n {
            // The Gram matrix of `[A | b]` holds `AᵀA` and `Aᵀb` at once.
            let g = block_gram(c.augmented());
            let mut g_a = g.submatrix(0, 0, p, p).to_owned();
            (0..p).for_each(|j| g_a[(j, j)] += self.alpha);
            let rhs: Vec<f64> = (0..p).map(|j| g[(j, p)]).collect();
            let g = g_a;
            ironlearn_linalg::solve_spd(g.as_ref(), &rhs)?
        } else {
            // Dual: (A Aᵀ + αI) u = b, β = Aᵀ u.
            let mut k = Mat::<f64>::zeros(n, n);
            ironlearn_linalg::matmul(k.as_mut(), faer::Accum::Replace, a, a.transpose(), 1.0, faer::Par::rayon(0));
            (0..n).for_each(|i| k[(i, i)] += self.alpha);
            let u = ironlearn_linalg::solve_spd(k.as_ref(), b)?;
            (0..p).map(|j| a.col(j).iter().zip(&u).map(|(a, b)| a * b).sum()).collect()
        };
        let coef = Array1::from(coef);
        let intercept = if self.fit_intercept { c.y_mean - c.x_mean.dot(&coef) } else { 0.0 };
        Ok(RidgeModel { params: self.clone(), state: LinearState { coef, intercept } })
    }
}

/// Relative tolerance of the conjugate gradients on sparse input: tight, so the result is the exact solution.
const CG_TOL: f64 = 1e-12;

impl Ridge {
    /// The unweighted fit from the Gram matrix of the uncentred data, centred
    /// afterwards; `None` when a column's mean dwarfs its spread (the
    /// subtraction would cancel digits) or is constant, where the centred copy is used.
    fn fit_raw_gram(&self, x: ArrayView2<'_, f64>, y: &[f64]) -> Result<Option<RidgeModel>> {
        let Some(CentredGram { mut g, xty, x_mean, y_mean }) = centred_gram(x, y, self.fit_intercept) else {
            return Ok(None);
        };
        (0..g.nrows()).for_each(|j| g[(j, j)] += self.alpha);
        let coef = Array1::from(ironlearn_linalg::solve_spd(g.as_ref(), &xty)?);
        let intercept = if self.fit_intercept { y_mean - Array1::from(x_mean).dot(&coef) } else { 0.0 };
        Ok(Some(RidgeModel { params: self.clone(), state: LinearState { coef, intercept } }))
    }

    /// Fits on sparse (CSR) input without densifying it: conjugate gradients on
    /// `(AᵀWA + αI) β = AᵀW(y − ȳ)`, `A = X − 1·x̄ᵀ` applied implicitly.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &[f64], w: Option<&[f64]>) -> Result<RidgeModel> {
        self.validate()?;
        check_csr_fit(x, y.len())?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let (n, p) = (x.n_rows(), x.n_cols());
        let sw: f64 = w.map_or(n as f64, |w| w.iter().sum());
        let (x_mean, y_mean) = if self.fit_intercept {
            let ym = w.map_or_else(|| y.iter().sum::<f64>(), |w| w.iter().zip(y).map(|(a, b)| a * b).sum()) / sw;
            (csr_col_sums(x, w).into_iter().map(|s| s / sw).collect::<Vec<_>>(), ym)
        } else {
            (vec![0.0; p], 0.0)
        };
        let mut rhs_rows: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
        if let Some(w) = w {
            rhs_rows.iter_mut().zip(w).for_each(|(r, w)| *r *= w);
        }
        let rhs = csr_t_dot(x, &rhs_rows); // the mean term vanishes: Σ wᵢ(yᵢ − ȳ) = 0
        let mut u = vec![0.0; n];
        let apply = |v: &[f64]| -> Vec<f64> {
            csr_dot_into(x, v, &mut u);
            let shift: f64 = x_mean.iter().zip(v).map(|(m, v)| m * v).sum();
            u.iter_mut().for_each(|u| *u -= shift);
            if let Some(w) = w {
                u.iter_mut().zip(w).for_each(|(u, w)| *u *= w);
            }
            let total: f64 = u.iter().sum();
            let mut out = csr_t_dot(x, &u);
            out.iter_mut().zip(&x_mean).zip(v).for_each(|((o, m), v)| *o += -m * total + self.alpha * v);
            out
        };
        let (coef, _) = conjugate_gradient(apply, &rhs, CG_TOL, 10 * p + 1000);
        let coef = Array1::from(coef);
        let intercept = if self.fit_intercept { y_mean - Array1::from(x_mean).dot(&coef) } else { 0.0 };
        Ok(RidgeModel { params: self.clone(), state: LinearState { coef, intercept } })
    }
}

impl Predict for RidgeModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "Ridge")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for Ridge {
    type Model = RidgeModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<RidgeModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, data.values()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for RidgeModel {
    type Estimator = Ridge;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(linear_predict(&x, self.state.coef.view(), self.state.intercept, "Ridge")?))
    }
}

register!(Ridge);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::sparse_ops::tests::{sparse_data, OwnedCsr};
    use ironlearn_core::Target;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn sparse_equals_dense_equals_scikit_learn() {
        // X, y = sparse_data(30, 5) (see sparse_ops::tests), Xs = scipy.sparse.csr_matrix(X),
        // w = np.arange(30) % 4 + 0.5
        let (x, y) = sparse_data(30, 5);
        let o = OwnedCsr::from_dense(x.view());
        let w: Vec<f64> = (0..30).map(|i| (i % 4) as f64 + 0.5).collect();
        type Case<'a> = (Ridge, Option<&'a [f64]>, [f64; 5], f64);
        let cases: [Case<'_>; 3] = [
            // Ridge(alpha=0.7).fit(Xs, y)
            (
                Ridge { alpha: 0.7, ..Default::default() },
                None,
                [-1.1953771456162525, -0.4997128867029668, 0.40741923911694, 1.2576992491358647, 2.4211642097158785],
                0.6912031088456692,
            ),
            // Ridge(alpha=0.7, tol=1e-12).fit(Xs, y, sample_weight=w)
            (
                Ridge { alpha: 0.7, ..Default::default() },
                Some(&w),
                [-1.254090093287453, -0.4599503445738974, 0.39322611138720426, 1.2510656128464388, 2.3513774595487744],
                0.7386601755277011,
            ),
            // Ridge(alpha=0.7, fit_intercept=False).fit(Xs, y)
            (
                Ridge { alpha: 0.7, fit_intercept: false },
                None,
                [-1.1104147443573065, -0.3986027802144824, 0.6787056367432153, 1.4948483149644836, 2.625678655254989],
                0.0,
            ),
        ];
        for (params, w, coef, intercept) in cases {
            let sparse = params.fit_csr(&o.csr(), &y, w).unwrap();
            let dense = params.fit_weighted(x.view(), &y, w).unwrap();
            close(sparse.coef().as_slice().unwrap(), &coef, 1e-9);
            close(dense.coef().as_slice().unwrap(), &coef, 1e-9);
            close(&[sparse.intercept(), dense.intercept()], &[intercept, intercept], 1e-9);
            // Predictions on CSR equal those on the dense matrix.
            let p_sparse = sparse.predict_data(Features::Sparse(o.csr())).unwrap();
            let p_dense = dense.predict_data(Features::Dense(x.view())).unwrap();
            let (Prediction::Values(a), Prediction::Values(b)) = (p_sparse, p_dense) else { panic!() };
            close(a.as_slice().unwrap(), b.as_slice().unwrap(), 1e-9);
        }
        // Through the kernel: the `sparse` tag lets CSR in.
        let target = Target::Values(y.clone());
        let data = TrainData::supervised(Features::Sparse(o.csr()), &target);
        let m = Ridge { alpha: 0.7, ..Default::default() }.learn(&data, &mut FitContext::default()).unwrap();
        close(m.coef().as_slice().unwrap(), &cases_first_coef(), 1e-9);
        // Wrong width at predict is an error, as for dense input.
        let narrow = OwnedCsr::from_dense(x.slice(ndarray::s![.., ..4]));
        let err = m.predict_data(Features::Sparse(narrow.csr())).unwrap_err().to_string();
        assert!(err.contains("X has 4 features, but Ridge is expecting 5"), "{err}");
    }

    fn cases_first_coef() -> [f64; 5] {
        [-1.1953771456162525, -0.4997128867029668, 0.40741923911694, 1.2576992491358647, 2.4211642097158785]
    }

    #[test]
    fn raw_gram_path_equals_centred_path() {
        // Unweighted fits centre the Gram matrix afterwards; unit weights take the centred copy.
        let (x, y) = sparse_data(200, 6);
        let ones = vec![1.0; 200];
        for shift in [0.0, 1e5] {
            // A large offset makes the raw path step aside (cancellation); both must agree anyway.
            let xs = &x + shift;
            let p = Ridge { alpha: 0.3, ..Default::default() };
            let a = p.fit(xs.view(), &y[..]).unwrap();
            let b = p.fit_weighted(xs.view(), &y, Some(&ones)).unwrap();
            close(a.coef().as_slice().unwrap(), b.coef().as_slice().unwrap(), 1e-8);
            close(&[a.intercept()], &[b.intercept()], 1e-6);
        }
        let p = Ridge { alpha: 0.3, ..Default::default() };
        assert!(p.fit_raw_gram((&x + 1e5).view(), &y).unwrap().is_none());
        assert!(p.fit_raw_gram(x.view(), &y).unwrap().is_some());
        // A constant column also takes the exact path.
        let mut xc = x.clone();
        xc.column_mut(0).fill(3.0);
        assert!(p.fit_raw_gram(xc.view(), &y).unwrap().is_none());
    }

    #[test]
    fn sparse_input_errors() {
        let (x, y) = sparse_data(10, 3);
        let o = OwnedCsr::from_dense(x.view());
        let err = Ridge::default().fit_csr(&o.csr(), &y[..9], None).unwrap_err().to_string();
        assert!(err.contains("inconsistent numbers of samples"), "{err}");
        let mut bad = y.clone();
        bad[2] = f64::NAN;
        assert!(Ridge::default().fit_csr(&o.csr(), &bad, None).is_err());
        assert!(Ridge { alpha: -1.0, ..Default::default() }.fit_csr(&o.csr(), &y, None).is_err());
    }
}
