//! Ridge regression: least squares with an L2 penalty.
//!
//! Solved from the normal equations by Cholesky, the fastest exact method
//! when the penalty makes the system well conditioned; with more features
//! than rows the dual system (rows × rows) is solved instead.

use faer::Mat;
use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::center::center;
use super::LinearState;

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
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
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
        check_fit_input(x, y.len())?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let c = center(x, y, w, self.fit_intercept);
        let (a, b) = (c.a(), c.b());
        let (n, p) = (a.nrows(), a.ncols());
        let coef = if p <= n {
            // The Gram matrix of `[A | b]` holds `AᵀA` and `Aᵀb` at once.
            let g = ironlearn_linalg::gram(c.augmented());
            let mut g_a = g.submatrix(0, 0, p, p).to_owned();
            (0..p).for_each(|j| g_a[(j, j)] += self.alpha);
            let rhs: Vec<f64> = (0..p).map(|j| g[(j, p)]).collect();
            let g = g_a;
            ironlearn_linalg::solve_spd(g.as_ref(), &rhs)?
        } else {
            // Dual: (A Aᵀ + αI) u = b, β = Aᵀ u.
            let mut k = Mat::<f64>::zeros(n, n);
            faer::linalg::matmul::matmul(k.as_mut(), faer::Accum::Replace, a, a.transpose(), 1.0, faer::Par::rayon(0));
            (0..n).for_each(|i| k[(i, i)] += self.alpha);
            let u = ironlearn_linalg::solve_spd(k.as_ref(), b)?;
            (0..p).map(|j| a.col(j).iter().zip(&u).map(|(a, b)| a * b).sum()).collect()
        };
        let coef = Array1::from(coef);
        let intercept = if self.fit_intercept { c.y_mean - c.x_mean.dot(&coef) } else { 0.0 };
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
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for RidgeModel {
    type Estimator = Ridge;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(Ridge);
