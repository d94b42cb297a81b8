//! Nu-support vector regression, as scikit-learn's `NuSVR`.
//!
//! The width of SVR's insensitive band is hard to choose in advance; nu-SVR
//! learns it, with `nu` bounding the share of rows outside the band (and
//! of support vectors) instead. scikit-learn's `NuSVR` is LIBSVM's, whose
//! dual ([`libsvm`](super::libsvm), the ν solver) this solves the same way.

use ironlearn_core::validate::check_target;
use ironlearn_core::{
    hyperparams, register, Attribute, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::base::{Common, SingleCore};
use super::kernel::Gamma;
use super::libsvm::Formulation;

hyperparams! {
    /// Nu-support vector regression (LIBSVM).
    ///
    /// Minimises `½‖w‖² + C·(ν·ε + (1/n)·Σ_i w_i·max(0, |y_i − wᵀφ(x_i) − b| − ε))` over `w`, `b`
    /// and the band's half-width `ε ≥ 0`.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::NuSVR;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
    /// let y = [0.0, 1.0, 2.0, 3.0, 4.0];
    /// let model = NuSVR { kernel: "linear".into(), nu: 0.9, ..Default::default() }.fit(x.view(), &y[..])?;
    /// assert!((model.predict(array![[2.5]].view())?[0] - 2.5).abs() < 0.05);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "nu_svr"]
    #[aliases("nusvr")]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct NuSVR {
        /// An upper bound on the share of rows outside the band and a lower bound on the share
        /// of support vectors, in (0, 1].
        nu: f64 = 0.5, domain(Domain::float_between(0.0, 1.0, true, false));
        /// Inverse regularisation strength.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// "linear", "poly", "rbf" or "sigmoid" ("precomputed" is not supported).
        kernel: String = "rbf".to_string(),
            domain(Domain::choice(&["linear", "poly", "rbf", "sigmoid", "precomputed"]));
        /// The degree of the "poly" kernel.
        degree: usize = 3;
        /// The kernel coefficient of "rbf", "poly" and "sigmoid": "scale" (1 / (n_features · X.var())),
        /// "auto" (1 / n_features) or a non-negative number.
        gamma: Gamma = Gamma::Named("scale".to_string()), check(Gamma::is_valid, "\"scale\", \"auto\" or a number >= 0");
        /// The constant term of the "poly" and "sigmoid" kernels.
        coef0: f64 = 0.0;
        /// Stopping tolerance: the largest violation of the optimality conditions.
        tol: f64 = 1e-3, domain(Domain::positive());
        /// Whether to use LIBSVM's shrinking heuristic.
        shrinking: bool = true;
        /// The kernel cache, in MB.
        cache_size: f64 = 200.0, domain(Domain::positive());
        /// Unused (scikit-learn's LIBSVM logging).
        verbose: bool = false;
        /// The most solver iterations; -1 for no limit.
        max_iter: i64 = -1, domain(Domain::int_min(-1));
    }
}

/// A fitted [`NuSVR`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NuSVRModel {
    params: NuSVR,
    core: SingleCore,
}

impl NuSVRModel {
    /// scikit-learn's `support_`.
    pub fn support(&self) -> &[usize] {
        &self.core.support
    }

    pub fn support_vectors(&self) -> &Array2<f64> {
        &self.core.support_vectors
    }

    /// scikit-learn's `dual_coef_` (1 × support vectors).
    pub fn dual_coef(&self) -> &Array2<f64> {
        &self.core.dual_coef
    }

    /// scikit-learn's `intercept_`.
    pub fn intercept(&self) -> f64 {
        -self.core.rho
    }

    /// scikit-learn's `n_iter_`.
    pub fn n_iter(&self) -> usize {
        self.core.n_iter
    }

    /// scikit-learn's `fit_status_`: 1 when `max_iter` stopped the solver, else 0.
    pub fn fit_status(&self) -> i32 {
        self.core.fit_status
    }
}

impl Fit<[f64]> for NuSVR {
    type Fitted = NuSVRModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<NuSVRModel> {
        self.validate()?;
        check_target(y)?;
        let common = Common {
            kernel: &self.kernel,
            degree: self.degree,
            gamma: &self.gamma,
            coef0: self.coef0,
            tol: self.tol,
            cache_size: self.cache_size,
            shrinking: self.shrinking,
            max_iter: self.max_iter,
        };
        let form = Formulation::NuSvr { c: self.c, nu: self.nu };
        Ok(NuSVRModel { params: self.clone(), core: SingleCore::fit(x, y, w, &common, form)? })
    }
}

impl Predict for NuSVRModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.core.decision(x, "NuSVR")
    }
}

impl Learn for NuSVR {
    type Model = NuSVRModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<NuSVRModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for NuSVRModel {
    type Estimator = NuSVR;

    fn n_features_in(&self) -> usize {
        self.core.support_vectors.ncols()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        self.core.attributes()
    }
}

register!(NuSVR);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::base::tests::{check_single, diabetes, weights, RegCase};
    #[allow(unused_imports)]
    use crate::svm::kernel::Gamma;

    #[test]
    fn matches_scikit_learn() {
        // X: diabetes standardised (StandardScaler), y unscaled; w = weights(n); scikit-learn 1.9.1.
        // support_ as indices into X, dual_coef_[0, :4], abs(dual_coef_).sum(), intercept_, and
        // predict (decision_function for OneClassSVM) of X[::n//5].
        let cases = [
            // diabetes std: NuSVR(C=100.0, nu=0.3).fit(X, y)
            RegCase {
                params: NuSVR { c: 100.0, nu: 0.3, ..NuSVR::default() },
                weighted: false,
                support: &[
                    0, 2, 6, 7, 8, 9, 11, 12, 18, 20, 22, 25, 27, 29, 32, 33, 36, 37, 40, 41, 42, 45, 51, 52, 54, 55,
                    56, 57, 64, 68, 69, 71, 74, 75, 77, 78, 81, 83, 92, 96, 97, 99, 102, 104, 105, 109, 111, 112, 113,
                    117, 119, 120, 122, 123, 130, 138, 141, 142, 143, 147, 150, 152, 156, 160, 163, 164, 166, 176, 180,
                    184, 185, 190, 191, 194, 195, 197, 199, 200, 204, 205, 208, 209, 210, 211, 212, 217, 218, 221, 222,
                    232, 235, 236, 238, 239, 241, 244, 246, 247, 248, 250, 252, 253, 254, 256, 257, 258, 259, 260, 261,
                    266, 274, 276, 279, 280, 282, 283, 287, 289, 290, 295, 297, 300, 304, 306, 310, 313, 318, 320, 328,
                    330, 331, 336, 337, 338, 339, 340, 341, 346, 349, 353, 354, 359, 360, 361, 362, 363, 364, 368, 376,
                    377, 378, 379, 380, 382, 384, 385, 387, 389, 394, 395, 396, 398, 404, 405, 410, 417, 419, 423, 424,
                    426, 427, 430, 431, 432, 434, 435, 441,
                ],
                dual_head: &[-100.0, -16.36908073283366, 100.0, -100.0],
                dual_l1: 13260.0,
                intercept: 171.4431454617313,
                output: &[
                    219.79272512922807,
                    91.0874494931582,
                    158.32576545784198,
                    123.47073163240512,
                    118.30002078352314,
                    216.59122987604187,
                ],
            },
        ];
        let (x, y) = diabetes();
        for case in &cases {
            let w = case.weighted.then(|| weights(x.nrows()));
            let m = case.params.fit_weighted(x.view(), &y, w.as_deref()).unwrap();
            check_single(&m.core, &x, case);
        }
    }

    #[test]
    fn nu_out_of_range_is_named() {
        let (x, y) = diabetes();
        for nu in [0.0, 1.5] {
            let e = NuSVR { nu, ..NuSVR::default() }.fit(x.view(), &y).unwrap_err().to_string();
            assert!(e.contains("'nu'"), "{e}");
        }
    }
}
