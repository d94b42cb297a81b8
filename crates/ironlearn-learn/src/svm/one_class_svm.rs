//! Unsupervised outlier detection, as scikit-learn's `OneClassSVM`.
//!
//! The one-class SVM separates the data from the origin in the kernel's
//! feature space, leaving a share `nu` of the rows outside; with the RBF
//! kernel its boundary follows the support of the data, so it flags rows
//! unlike the training set. scikit-learn's `OneClassSVM` is LIBSVM's
//! one-class formulation, solved here by the same solver
//! ([`libsvm`](super::libsvm)).

use ironlearn_core::{
    hyperparams, register, Attribute, Domain, Features, FitContext, Fitted, Learn, Params, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::base::{Common, SingleCore};
use super::kernel::Gamma;
use super::libsvm::Formulation;

hyperparams! {
    /// One-class SVM (LIBSVM): a boundary around the training data in the kernel's feature space.
    ///
    /// Minimises `½‖w‖² − ρ + (1/(ν n))·Σ_i w_i·max(0, ρ − wᵀφ(x_i))`; a row is an inlier (1) when
    /// `wᵀφ(x) − ρ > 0`, else an outlier (−1).
    ///
    /// ```
    /// use ironlearn_learn::OneClassSVM;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [0.1, 0.1], [0.05, 0.05]];
    /// let model = OneClassSVM { gamma: ironlearn_learn::svm::Gamma::Value(1.0), ..Default::default() }.fit(x.view())?;
    /// assert_eq!(model.predict(array![[0.05, 0.05], [5.0, 5.0]].view())?.to_vec(), [1, -1]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "one_class_svm"]
    #[aliases("oneclasssvm")]
    #[tags(task = Some(Task::OutlierDetection), sample_weight, wants_scaling)]
    pub struct OneClassSVM {
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
        /// An upper bound on the share of training rows outside the boundary and a lower bound
        /// on the share of support vectors, in (0, 1].
        nu: f64 = 0.5, domain(Domain::float_between(0.0, 1.0, true, false));
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

/// A fitted [`OneClassSVM`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneClassSVMModel {
    params: OneClassSVM,
    core: SingleCore,
}

impl OneClassSVM {
    pub fn fit(&self, x: ArrayView2<'_, f64>) -> Result<OneClassSVMModel> {
        self.fit_weighted(x, None)
    }

    pub fn fit_weighted(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<OneClassSVMModel> {
        self.validate()?;
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
        let ones = vec![1.0; x.nrows()];
        let core = SingleCore::fit(x, &ones, w, &common, Formulation::OneClass { nu: self.nu })?;
        Ok(OneClassSVMModel { params: self.clone(), core })
    }
}

impl OneClassSVMModel {
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

    /// scikit-learn's `offset_` (`ρ`): `decision_function = score_samples − offset_`.
    pub fn offset(&self) -> f64 {
        self.core.rho
    }

    /// scikit-learn's `intercept_` (`−ρ`).
    pub fn intercept(&self) -> f64 {
        -self.core.rho
    }

    /// scikit-learn's `n_iter_`.
    pub fn n_iter(&self) -> usize {
        self.core.n_iter
    }

    /// The signed distance to the boundary: positive for inliers.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.core.decision(x, "OneClassSVM")
    }

    /// The unshifted score `Σ_j coef_j K(x, sv_j)`: larger is more normal.
    pub fn score_samples(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        Ok(self.decision_function(x)? + self.core.rho)
    }

    /// 1 for inliers, −1 for outliers.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<i64>> {
        Ok(self.decision_function(x)?.mapv(|d| if d > 0.0 { 1 } else { -1 }))
    }
}

impl Learn for OneClassSVM {
    type Model = OneClassSVMModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<OneClassSVMModel> {
        self.fit_weighted(data.dense()?.view(), data.weight)
    }
}

impl Fitted for OneClassSVMModel {
    type Estimator = OneClassSVM;

    fn n_features_in(&self) -> usize {
        self.core.support_vectors.ncols()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Outliers(self.predict(x.to_dense()?.view())?))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Ok(self.decision_function(x.to_dense()?.view())?.insert_axis(ndarray::Axis(1)))
    }

    fn score_samples_data(&self, x: Features<'_>) -> Result<Array1<f64>> {
        self.score_samples(x.to_dense()?.view())
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        let mut a = self.core.attributes();
        a.push(("offset_".to_string(), Attribute::Number(self.core.rho)));
        a
    }
}

register!(OneClassSVM);

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
            // diabetes std: OneClassSVM(nu=0.1).fit(X)
            RegCase {
                params: OneClassSVM { nu: 0.1, ..OneClassSVM::default() },
                weighted: false,
                support: &[
                    7, 10, 11, 15, 23, 29, 32, 35, 41, 43, 58, 76, 78, 84, 110, 117, 123, 127, 130, 141, 145, 161, 186,
                    202, 215, 230, 242, 246, 248, 256, 258, 260, 261, 266, 267, 276, 281, 286, 293, 321, 322, 327, 336,
                    340, 344, 349, 350, 352, 353, 367, 379, 382, 387, 394, 402, 405, 406, 408, 412, 422, 425, 441,
                ],
                dual_head: &[0.9030874695159556, 1.0, 1.0, 1.0],
                dual_l1: 44.20000000000035,
                intercept: -3.961784086196521,
                output: &[
                    1.5714840634396179,
                    0.17238951728874063,
                    2.2405407916678657,
                    1.1031183402552474,
                    0.0004586189278108499,
                    1.9978098465198952,
                ],
            },
            // diabetes std weighted poly: OneClassSVM(coef0=1.0, degree=2, gamma='auto', kernel='poly', nu=0.3).fit(X, sample_weight=w)
            RegCase {
                params: OneClassSVM {
                    nu: 0.3,
                    kernel: "poly".into(),
                    gamma: Gamma::Named("auto".into()),
                    coef0: 1.0,
                    degree: 2,
                    ..OneClassSVM::default()
                },
                weighted: true,
                support: &[
                    3, 4, 8, 12, 13, 16, 18, 19, 24, 25, 27, 30, 36, 37, 39, 45, 50, 51, 52, 53, 54, 62, 67, 68, 73,
                    74, 75, 81, 89, 99, 100, 101, 107, 111, 118, 120, 121, 124, 125, 132, 137, 142, 143, 146, 148, 150,
                    151, 153, 156, 157, 159, 162, 164, 176, 178, 179, 180, 184, 188, 190, 192, 194, 195, 199, 200, 201,
                    205, 206, 207, 211, 213, 218, 221, 222, 228, 229, 241, 243, 244, 255, 257, 265, 271, 274, 275, 279,
                    288, 293, 295, 299, 300, 302, 306, 310, 312, 314, 316, 319, 326, 328, 337, 338, 339, 341, 347, 348,
                    355, 356, 359, 360, 363, 365, 369, 372, 383, 386, 388, 395, 397, 398, 404, 407, 410, 415, 424, 430,
                    435, 437, 439, 440,
                ],
                dual_head: &[1.0, 2.0, 3.0, 1.0],
                dual_l1: 226.80000000000047,
                intercept: -238.19380772932328,
                output: &[
                    1.4219091684431078,
                    2.047272625570969,
                    -3.8096897086479657,
                    0.4735862308454841,
                    20.822099239178158,
                    -3.2849534215742437,
                ],
            },
        ];
        let (x, _) = diabetes();
        for case in &cases {
            let w = case.weighted.then(|| weights(x.nrows()));
            let m = case.params.fit_weighted(x.view(), w.as_deref()).unwrap();
            check_single(&m.core, &x, case);
        }
    }

    #[test]
    fn outliers_and_scores() {
        // OneClassSVM(nu=0.1).fit(X): (predict(X) == -1).sum() and score_samples(X[::88]), scikit-learn 1.9.1
        let (x, _) = diabetes();
        let m = OneClassSVM { nu: 0.1, ..OneClassSVM::default() }.fit(x.view()).unwrap();
        let pred = m.predict(x.view()).unwrap();
        assert_eq!(pred.iter().filter(|&&p| p == -1).count(), 42);
        let probes = crate::svm::base::tests::probes(&x);
        crate::svm::base::tests::close(
            m.score_samples(probes.view()).unwrap().as_slice().unwrap(),
            &[
                5.533268149636139,
                4.134173603485261,
                6.2023248778643865,
                5.064902426451768,
                3.9622427051243316,
                5.959593932716416,
            ],
            1e-4,
            "score_samples",
        );
        assert_eq!(m.task(), ironlearn_core::Task::OutlierDetection);
        let e = OneClassSVM { nu: 0.0, ..OneClassSVM::default() }.fit(x.view()).unwrap_err().to_string();
        assert!(e.contains("'nu'"), "{e}");
    }
}
