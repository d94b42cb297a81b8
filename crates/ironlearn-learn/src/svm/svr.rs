//! Epsilon-support vector regression, as scikit-learn's `SVR`.
//!
//! Kernel regression that ignores errors smaller than `epsilon` and so keeps
//! only the rows outside that band as support vectors; scikit-learn's `SVR`
//! is LIBSVM's epsilon-SVR, whose dual ([`libsvm`](super::libsvm)) this
//! solves with the same solver, giving the same support vectors.

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
    /// Epsilon-support vector regression (LIBSVM).
    ///
    /// Minimises `½‖w‖² + C·Σ_i w_i·max(0, |y_i − wᵀφ(x_i) − b| − ε)` in the kernel's feature
    /// space, `w_i` the sample weights.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::SVR;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
    /// let y = [0.0, 1.0, 2.0, 3.0, 4.0];
    /// let model = SVR { kernel: "linear".into(), epsilon: 0.01, ..Default::default() }.fit(x.view(), &y[..])?;
    /// assert!((model.predict(array![[2.5]].view())?[0] - 2.5).abs() < 0.05);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "svr"]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct SVR {
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
        /// Inverse regularisation strength: the cost of an error beyond `epsilon`.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// The half-width of the band in which errors cost nothing (in the units of y).
        epsilon: f64 = 0.1, domain(Domain::float_min(0.0));
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

/// A fitted [`SVR`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SVRModel {
    params: SVR,
    core: SingleCore,
}

impl SVRModel {
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

impl Fit<[f64]> for SVR {
    type Fitted = SVRModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<SVRModel> {
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
        let form = Formulation::EpsilonSvr { c: self.c, epsilon: self.epsilon };
        Ok(SVRModel { params: self.clone(), core: SingleCore::fit(x, y, w, &common, form)? })
    }
}

impl Predict for SVRModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        self.core.decision(x, "SVR")
    }
}

impl Learn for SVR {
    type Model = SVRModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<SVRModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for SVRModel {
    type Estimator = SVR;

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

register!(SVR);

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
            // diabetes std: SVR(C=100.0).fit(X, y)
            RegCase {
                params: SVR { c: 100.0, ..SVR::default() },
                weighted: false,
                support: &[
                    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                    27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
                    53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77,
                    78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101,
                    102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121,
                    122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141,
                    142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161,
                    162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
                    182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201,
                    202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221,
                    222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241,
                    242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261,
                    262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281,
                    282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301,
                    302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321,
                    322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341,
                    342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361,
                    362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381,
                    382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401,
                    402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421,
                    422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441,
                ],
                dual_head: &[-100.0, -37.86370728514644, -100.0, -41.267653119199025],
                dual_l1: 38162.2125037791,
                intercept: 161.44786887556103,
                output: &[
                    224.6176616077543,
                    47.859959587673785,
                    179.8813136821369,
                    100.25416847216317,
                    76.90003813933515,
                    214.69357472955937,
                ],
            },
            // diabetes std linear eps=5 weighted: SVR(C=2.0, epsilon=5.0, kernel='linear').fit(X, y, sample_weight=w)
            RegCase {
                params: SVR { kernel: "linear".into(), epsilon: 5.0, c: 2.0, ..SVR::default() },
                weighted: true,
                support: &[
                    1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 26, 27, 29, 30, 31,
                    32, 33, 34, 36, 37, 38, 39, 40, 41, 43, 44, 45, 46, 47, 48, 51, 52, 53, 54, 55, 57, 58, 59, 60, 61,
                    62, 64, 65, 66, 67, 68, 69, 71, 72, 73, 74, 75, 76, 78, 79, 80, 81, 82, 83, 85, 87, 88, 90, 92, 93,
                    94, 95, 96, 97, 99, 100, 101, 102, 103, 104, 106, 107, 108, 109, 110, 111, 113, 114, 115, 116, 117,
                    118, 120, 121, 122, 123, 124, 125, 127, 128, 129, 130, 131, 134, 135, 136, 137, 138, 139, 141, 142,
                    143, 144, 145, 146, 148, 149, 150, 151, 152, 153, 155, 156, 157, 158, 159, 160, 162, 163, 164, 165,
                    166, 167, 169, 171, 172, 173, 176, 177, 178, 179, 180, 181, 183, 184, 185, 186, 187, 188, 190, 191,
                    192, 193, 194, 195, 197, 198, 199, 200, 201, 202, 204, 205, 206, 207, 208, 209, 211, 212, 213, 214,
                    216, 218, 219, 220, 221, 222, 223, 225, 227, 228, 229, 230, 232, 233, 234, 235, 236, 237, 239, 240,
                    241, 242, 243, 244, 246, 247, 248, 249, 250, 251, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263,
                    264, 265, 267, 268, 269, 270, 271, 272, 274, 275, 276, 277, 279, 282, 283, 285, 286, 289, 290, 291,
                    293, 295, 296, 297, 298, 299, 300, 302, 303, 304, 306, 307, 309, 310, 311, 312, 313, 314, 316, 317,
                    318, 320, 321, 323, 324, 325, 326, 327, 328, 330, 331, 332, 333, 334, 335, 337, 338, 339, 340, 341,
                    342, 344, 345, 346, 348, 349, 351, 352, 353, 354, 355, 356, 358, 359, 360, 361, 362, 363, 365, 366,
                    368, 369, 370, 372, 373, 374, 375, 376, 377, 379, 380, 381, 382, 383, 384, 386, 387, 388, 389, 390,
                    393, 394, 395, 396, 397, 398, 400, 401, 402, 403, 404, 405, 407, 408, 410, 411, 412, 414, 415, 416,
                    417, 418, 419, 421, 422, 423, 424, 425, 426, 428, 429, 430, 431, 432, 433, 435, 436, 437, 438, 439,
                    440,
                ],
                dual_head: &[4.0, -6.0, 2.0, -6.0],
                dual_l1: 1401.0204638799632,
                intercept: 150.0245145279186,
                output: &[
                    192.9802814686732,
                    75.64707753029724,
                    150.75614907222618,
                    118.81030717993958,
                    40.258602570183314,
                    210.57528720369888,
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
    fn errors_name_the_problem() {
        let (x, y) = diabetes();
        let err = |p: SVR| p.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err(SVR { c: -1.0, ..SVR::default() }).contains("'c'"));
        assert!(err(SVR { epsilon: -1.0, ..SVR::default() }).contains("'epsilon'"));
        assert!(err(SVR { gamma: Gamma::Value(-0.5), ..SVR::default() }).contains("gamma"));
        let mut nan = x.clone();
        nan[[0, 0]] = f64::NAN;
        assert!(SVR::default().fit(nan.view(), &y).unwrap_err().to_string().contains("NaN"));
        let m = SVR::default().fit(x.view(), &y).unwrap();
        assert!(m.predict(x.slice(ndarray::s![.., ..3]).view()).is_err());
    }
}
