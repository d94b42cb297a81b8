//! Ordinary least squares.
//!
//! Solved by QR and an SVD of the small triangular factor, so collinear
//! features get the minimum-norm solution that scikit-learn (LAPACK `gelsd`)
//! returns, rather than an error or an unstable answer.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, register, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::center::center;
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
        check_fit_input(x, y.len())?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
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
