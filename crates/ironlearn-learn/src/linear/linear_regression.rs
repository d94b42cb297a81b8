//! Ordinary least squares.
//!
//! Solved by QR and an SVD of the small triangular factor, so collinear
//! features get the minimum-norm solution that scikit-learn (LAPACK `gelsd`)
//! returns, rather than an error or an unstable answer.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    hyperparams, model::regression_target, Attribute, Estimator, Features, Fit, Model, Params, Parts, Persist, Predict,
    Prediction, Result, Target, Task,
};
use ndarray::{Array1, ArrayView2};

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
    pub struct LinearRegression {
        /// Whether to fit an intercept; without one the line passes through the origin.
        fit_intercept: bool = true;
    }
}

/// A fitted [`LinearRegression`].
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegressionModel {
    params: LinearRegression,
    state: LinearState,
    rank: usize,
    singular_values: Vec<f64>,
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
        let sol = ironlearn_linalg::lstsq_augmented(c.augmented());
        let coef = Array1::from(sol.x);
        let intercept = if self.fit_intercept { c.y_mean - c.x_mean.dot(&coef) } else { 0.0 };
        Ok(LinearRegressionModel {
            params: self.clone(),
            state: LinearState { coef, intercept },
            rank: sol.rank,
            singular_values: sol.singular_values,
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

impl Estimator for LinearRegression {
    fn kind(&self) -> &'static str {
        Self::NAME
    }
    fn params_json(&self) -> serde_json::Value {
        self.to_json()
    }
    fn task(&self) -> Option<Task> {
        Some(Task::Regression)
    }
    fn fit_data(&self, x: Features<'_>, y: Option<&Target>, w: Option<&[f64]>) -> Result<Box<dyn Model>> {
        Ok(Box::new(self.fit_weighted(x.to_dense()?.view(), regression_target(y)?, w)?))
    }
}

impl Model for LinearRegressionModel {
    fn kind(&self) -> &'static str {
        LinearRegression::NAME
    }
    fn task(&self) -> Task {
        Task::Regression
    }
    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }
    fn parts(&self) -> Result<Parts> {
        let mut parts = self.state.parts(self.params.to_json());
        parts.state["rank"] = self.rank.into();
        parts.arrays.put_vec("singular_values", self.singular_values.clone());
        Ok(parts)
    }
    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
    fn attributes(&self) -> Vec<(&'static str, Attribute)> {
        let mut a = self.state.attributes();
        a.push(("rank_", Attribute::Number(self.rank as f64)));
        a.push(("singular_", Attribute::Array(Array1::from(self.singular_values.clone()).into_dyn())));
        a
    }
}

impl Persist for LinearRegressionModel {
    const KIND: &'static str = LinearRegression::NAME;

    fn from_parts(parts: &Parts) -> Result<Self> {
        Ok(LinearRegressionModel {
            params: LinearRegression::from_value(&parts.params)?,
            state: LinearState::from_parts(parts)?,
            rank: parts.state["rank"].as_u64().unwrap_or_default() as usize,
            singular_values: parts.arrays.vec::<f64>("singular_values")?,
        })
    }
}
