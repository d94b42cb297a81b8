//! Linear models.

mod center;
pub(crate) mod coordinate_descent;
mod elastic_net;
mod elastic_net_cv;
mod enet_cv;
mod gamma_regressor;
mod glm;
pub(crate) mod gram;
mod huber_regressor;
mod lasso;
mod lasso_cv;
mod linear_regression;
pub(crate) mod linprog;
mod logistic_regression;
mod poisson_regressor;
mod quantile_regressor;
mod ridge;
mod ridge_classifier;
pub(crate) mod sgd;
mod sgd_classifier;
mod sgd_regressor;
pub(crate) mod sparse_ops;
mod syrk;
mod tweedie_regressor;

pub use elastic_net::{ElasticNet, ElasticNetModel};
pub use elastic_net_cv::{ElasticNetCV, ElasticNetCVModel};
pub use enet_cv::{Alphas, L1Ratio};
pub use gamma_regressor::{GammaRegressor, GammaRegressorModel};
pub use huber_regressor::{HuberRegressor, HuberRegressorModel};
pub use lasso::{Lasso, LassoModel};
pub use lasso_cv::{LassoCV, LassoCVModel};
pub use linear_regression::{LinearRegression, LinearRegressionModel};
pub use logistic_regression::{LogisticRegression, LogisticRegressionModel};
pub use poisson_regressor::{PoissonRegressor, PoissonRegressorModel};
pub use quantile_regressor::{QuantileRegressor, QuantileRegressorModel};
pub use ridge::{Ridge, RidgeModel};
pub use ridge_classifier::{ClassWeight, RidgeClassifier, RidgeClassifierModel};
pub use sgd_classifier::{SGDClassifier, SGDClassifierModel};
pub use sgd_regressor::{SGDRegressor, SGDRegressorModel};
pub use tweedie_regressor::{TweedieRegressor, TweedieRegressorModel};

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

/// The learned state shared by the least-squares regressors: `y = x·coef + intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LinearState {
    #[serde(with = "ironlearn_core::state::array1")]
    pub coef: Array1<f64>,
    pub intercept: f64,
}

impl LinearState {
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&self.coef) + self.intercept
    }
}
