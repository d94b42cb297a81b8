//! Ordinary least squares.
//!
//! Solved by QR and an SVD of the small triangular factor, so collinear
//! features get the minimum-norm solution that scikit-learn (LAPACK `gelsd`)
//! returns, rather than an error or an unstable answer.
//!
//! With many more rows than features and a well-conditioned problem, the
//! centred normal equations (one parallel pass over the raw data, see
//! [`super::gram`]) solved by Cholesky give the same answer much faster; the
//! condition number is read off the Gram matrix's eigenvalues (which also
//! give the singular values), and anything worse conditioned than
//! [`MAX_GRAM_CONDITION`] takes the QR path, whose error grows only with the
//! condition number, not its square.

use ironlearn_core::validate::{check_finite, check_fit_shape, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, register, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::center::center;
use super::gram::centred_gram;
use super::LinearState;

hyperparams! {
    /// Ordinary least squares linear regression.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::LinearRegression;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 3.0]];
    /// let y = [6.0, 8.0, 9.0, 11.0]; // y = 1·x0 + 2·x1 + 3
    /// let model = LinearRegression::default().fit(x.view(), &y[..])?;
    /// assert!((model.intercept() - 3.0).abs() < 1e-12);
    /// let pred = model.predict(array![[3.0, 5.0]].view())?;
    /// assert!((pred[0] - 16.0).abs() < 1e-12);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "linear_regression"]
    #[aliases("linear", "ols")]
    #[tags(task = Some(Task::Regression), sample_weight)]
    pub struct LinearRegression {
        /// Whether to fit an intercept; without one the line passes through the origin.
        fit_intercept: bool = true;
    }
}

/// A fitted [`LinearRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearRegressionModel {
    params: LinearRegression,
    #[serde(flatten)]
    state: LinearState,
    rank: usize,
    #[serde(rename = "singular_values")]
    singular: Vec<f64>,
}

impl LinearRegressionModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }

    /// The numerical rank of the centred design matrix.
    pub fn rank(&self) -> usize {
        self.rank
    }
}

impl Fit<[f64]> for LinearRegression {
    type Fitted = LinearRegressionModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<LinearRegressionModel> {
        self.validate()?;
        check_fit_shape(x, y.len())?;
        if let Err(e) = check_target(y).and_then(|()| check_sample_weight(w, y.len())) {
            // X's values are reported first, as scikit-learn's `check_X_y` does.
            check_finite(x, "X")?;
            return Err(e);
        }
        if w.is_none() && x.nrows() >= 2 * x.ncols() {
            if let Some(model) = self.fit_gram(x, y) {
                return Ok(model);
            }
        }
        // The Gram pass is the finite check when it succeeds (see `gram`); here it has not run or has stepped aside.
        check_finite(x, "X")?;
        let c = center(x, y, w, self.fit_intercept);
        let sol = ironlearn_linalg::lstsq_augmented(c.augmented())?;
        let coef = Array1::from(sol.x);
        let intercept = if self.fit_intercept { c.y_mean - c.x_mean.dot(&coef) } else { 0.0 };
        Ok(LinearRegressionModel {
            params: self.clone(),
            state: LinearState { coef, intercept },
            rank: sol.rank,
            singular: sol.singular_values,
        })
    }
}

/// The largest condition number of the centred data (`σ_max / σ_min`) solved
/// through its Gram matrix: the Gram matrix squares it, and `1e3² · ε ≈ 2e-10`
/// bounds the relative error of the coefficients.
const MAX_GRAM_CONDITION: f64 = 1e3;

impl LinearRegression {
    /// The fit from the centred normal equations, or `None` when the data is
    /// too ill-conditioned for them (or its means dwarf its spread).
    fn fit_gram(&self, x: ArrayView2<'_, f64>, y: &[f64]) -> Option<LinearRegressionModel> {
        let cg = centred_gram(x, y, self.fit_intercept)?;
        let eig = cg.g.self_adjoint_eigenvalues(faer::Side::Lower).ok()?; // ascending
        let (lo, hi) = (*eig.first()?, *eig.last()?);
        if !(lo > 0.0 && hi <= MAX_GRAM_CONDITION * MAX_GRAM_CONDITION * lo) {
            return None;
        }
        let llt = cg.g.llt(faer::Side::Lower).ok()?;
        let mut rhs = faer::Mat::from_fn(cg.xty.len(), 1, |i, _| cg.xty[i]);
        faer::linalg::solvers::Solve::solve_in_place(&llt, rhs.as_mut());
        let coef = Array1::from_iter((0..cg.xty.len()).map(|i| rhs[(i, 0)]));
        if !coef.iter().all(|v| v.is_finite()) {
            return None;
        }
        let intercept = if self.fit_intercept { cg.y_mean - Array1::from(cg.x_mean).dot(&coef) } else { 0.0 };
        Some(LinearRegressionModel {
            params: self.clone(),
            state: LinearState { coef, intercept },
            rank: eig.len(),
            singular: eig.iter().rev().map(|v| v.sqrt()).collect(),
        })
    }
}

impl Predict for LinearRegressionModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "LinearRegression")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for LinearRegression {
    type Model = LinearRegressionModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LinearRegressionModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for LinearRegressionModel {
    type Estimator = LinearRegression;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }

    fn attributes(&self) -> Vec<(String, ironlearn_core::Attribute)> {
        use ironlearn_core::Attribute;
        vec![
            ("coef_".into(), Attribute::Array(self.state.coef.clone().into_dyn())),
            ("intercept_".into(), Attribute::Number(self.state.intercept)),
            ("rank_".into(), Attribute::Number(self.rank as f64)),
            ("singular_".into(), Attribute::Array(Array1::from(self.singular.clone()).into_dyn())),
        ]
    }
}

register!(LinearRegression);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::sparse_ops::tests::sparse_data;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn gram_path_equals_qr_path_and_scikit_learn() {
        // X, y = sparse_data(200, 6) (see sparse_ops::tests); LinearRegression().fit(X, y)
        let (x, y) = sparse_data(200, 6);
        let coef = [
            -1.5301225588700462,
            -0.46482464517771327,
            0.5261648010788199,
            1.5250156068716656,
            2.4625232134137844,
            3.4835653904342276,
        ];
        let singular = [
            19.153751298752727,
            18.110777708752032,
            11.736090468502793,
            8.02877682105099,
            8.014411821627128,
            7.973206280784018,
        ];
        let p = LinearRegression::default();
        assert!(p.fit_gram(x.view(), &y).is_some());
        let gram = p.fit(x.view(), &y[..]).unwrap();
        // Unit weights take the QR path.
        let qr = p.fit_weighted(x.view(), &y, Some(&vec![1.0; 200])).unwrap();
        for m in [&gram, &qr] {
            close(m.coef().as_slice().unwrap(), &coef, 1e-10);
            close(&[m.intercept()], &[0.6014728115244301], 1e-10);
            close(&m.singular, &singular, 1e-10);
            assert_eq!(m.rank(), 6);
        }
    }

    #[test]
    fn the_gram_pass_finds_non_finite_values_and_names_their_cell() {
        // The Gram path skips the separate finite pass; NaN and infinity
        // anywhere must still fail with the cell, for both least-squares fits.
        let (x, y) = sparse_data(200, 6);
        assert!(LinearRegression::default().fit_gram(x.view(), &y).is_some());
        for (row, col, v, what) in
            [(0, 0, f64::NAN, "NaN"), (137, 4, f64::INFINITY, "infinity"), (199, 5, f64::NEG_INFINITY, "infinity")]
        {
            let mut bad = x.clone();
            bad[[row, col]] = v;
            let want = format!("(row {row}, column {col})");
            let errs = [
                LinearRegression::default().fit(bad.view(), &y[..]).unwrap_err().to_string(),
                LinearRegression { fit_intercept: false }.fit(bad.view(), &y[..]).unwrap_err().to_string(),
                crate::Ridge::default().fit(bad.view(), &y[..]).unwrap_err().to_string(),
            ];
            for e in errs {
                assert!(e.contains(what) && e.contains(&want), "{e} (want {want})");
            }
        }
        // NaN in both X and y: X is named first, as scikit-learn's check_X_y does.
        let (mut bad_x, mut bad_y) = (x.clone(), y.clone());
        bad_x[[3, 2]] = f64::NAN;
        bad_y[7] = f64::NAN;
        for e in [
            LinearRegression::default().fit(bad_x.view(), &bad_y[..]).unwrap_err().to_string(),
            crate::Ridge::default().fit(bad_x.view(), &bad_y[..]).unwrap_err().to_string(),
        ] {
            assert!(e.contains("Input X contains NaN") && e.contains("(row 3, column 2)"), "{e}");
        }
        // Finite values whose squares overflow step aside to the exact path ...
        let mut big = x.clone();
        big.column_mut(2).mapv_inplace(|v| v * 1e160);
        assert!(LinearRegression::default().fit_gram(big.view(), &y).is_none());
        // ... where the input is not blamed (the SVD's own limit is another matter).
        if let Err(e) = LinearRegression::default().fit(big.view(), &y[..]) {
            assert!(!e.to_string().contains("Input X"), "{e}");
        }
    }

    #[test]
    fn ill_conditioned_data_takes_the_qr_path() {
        let (mut x, y) = sparse_data(200, 6);
        // Column 5 nearly equals column 4: condition number far above 1e3.
        let c4 = x.column(4).to_owned();
        let noise = ndarray::Array1::from_iter((0..200).map(|i| (i % 3) as f64 * 1e-6));
        x.column_mut(5).assign(&(&c4 + &noise));
        let p = LinearRegression::default();
        assert!(p.fit_gram(x.view(), &y).is_none());
        // Exactly collinear: QR gives the minimum-norm answer and rank 5.
        x.column_mut(5).assign(&c4);
        assert!(p.fit_gram(x.view(), &y).is_none());
        let m = p.fit(x.view(), &y[..]).unwrap();
        assert_eq!(m.rank(), 5);
        assert!((m.coef()[4] - m.coef()[5]).abs() < 1e-8);
        // Large means against the spread also step aside.
        assert!(p.fit_gram((&x + 1e6).view(), &y).is_none());
    }
}
