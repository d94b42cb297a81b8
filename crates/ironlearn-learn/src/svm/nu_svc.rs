//! Nu-support vector classification, as scikit-learn's `NuSVC`.
//!
//! `C` has no scale users can reason about; nu-SVC replaces it by `nu`, a
//! bound on the share of margin errors and of support vectors, and is
//! otherwise SVC: LIBSVM's one-vs-one problems, solved by its ν solver,
//! with the same outputs. The solver is in [`libsvm`](super::libsvm), the
//! one-vs-one outputs in [`base`](super::base).

use ironlearn_core::{
    hyperparams, register, Attribute, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    Prediction, Result, Tags, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::base::{ClassifierCore, ClassifierSpec, Common};
use super::kernel::Gamma;
use super::libsvm::Formulation;
use super::ClassWeight;

hyperparams! {
    /// Nu-support vector classification (LIBSVM), one-vs-one for more than two classes.
    ///
    /// Minimises `½‖w‖² − νρ + (1/n)·Σ_i w_i·max(0, ρ − y_i (wᵀφ(x_i) + b))` over `w`, `b` and
    /// the margin `ρ ≥ 0`, `w_i` the sample weights (class weights have no effect, as in LIBSVM).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::NuSVC;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [3.0, 3.0], [3.0, 4.0], [4.0, 3.0]];
    /// let y = Labels::from_strings(&["a", "a", "a", "b", "b", "b"]);
    /// let model = NuSVC::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.5, 0.5], [3.5, 3.5]].view())?.to_strings(), ["a", "b"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "nu_svc"]
    #[aliases("nusvc")]
    #[tags(task = Some(Task::Classification), sample_weight, wants_scaling, decision_function)]
    pub struct NuSVC {
        /// An upper bound on the share of margin errors and a lower bound on the share of
        /// support vectors, in (0, 1].
        nu: f64 = 0.5, domain(Domain::float_between(0.0, 1.0, true, false));
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
        /// Whether to use LIBSVM's shrinking heuristic.
        shrinking: bool = true;
        /// Whether to fit Platt-scaled probabilities (5-fold cross-validation inside the fit).
        probability: bool = false;
        /// Stopping tolerance: the largest violation of the optimality conditions.
        tol: f64 = 1e-3, domain(Domain::positive());
        /// The kernel cache, in MB.
        cache_size: f64 = 200.0, domain(Domain::positive());
        /// None, "balanced" or `{class label: weight}`, (accepted, without effect on the ν problem, as in LIBSVM).
        class_weight: Option<ClassWeight> = None, check(ClassWeight::is_valid, "None, \"balanced\" or a map of finite weights");
        /// Unused (scikit-learn's LIBSVM logging).
        verbose: bool = false;
        /// The most solver iterations per pairwise problem; -1 for no limit.
        max_iter: i64 = -1, domain(Domain::int_min(-1));
        /// "ovr" (votes plus confidences, one column per class) or "ovo" (one column per pair).
        decision_function_shape: String = "ovr".to_string(), domain(Domain::choice(&["ovo", "ovr"]));
        /// With "ovr" and more than two classes, predict the argmax of `decision_function`
        /// instead of LIBSVM's vote.
        break_ties: bool = false;
        /// The seed of the cross-validation folds of `probability`; a different stream from LIBSVM's.
        random_state: u64 = 0;
    }
}

/// A fitted [`NuSVC`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NuSVCModel {
    params: NuSVC,
    core: ClassifierCore,
}

impl NuSVCModel {
    pub fn classes(&self) -> &[String] {
        &self.core.classes
    }

    /// scikit-learn's `support_`: the row indices of the support vectors, grouped by class.
    pub fn support(&self) -> &[usize] {
        &self.core.support
    }

    pub fn support_vectors(&self) -> &Array2<f64> {
        &self.core.support_vectors
    }

    /// scikit-learn's `n_support_`: support vectors per class.
    pub fn n_support(&self) -> &[usize] {
        &self.core.n_support
    }

    /// scikit-learn's `dual_coef_`: `(classes − 1) × support vectors`.
    pub fn dual_coef(&self) -> Array2<f64> {
        self.core.dual_coef()
    }

    /// scikit-learn's `intercept_`: one per pair of classes.
    pub fn intercept(&self) -> Array1<f64> {
        self.core.intercept()
    }

    /// scikit-learn's `probA_` and `probB_` (empty without `probability`).
    pub fn prob_ab(&self) -> (&[f64], &[f64]) {
        (&self.core.prob_a, &self.core.prob_b)
    }

    /// scikit-learn's `n_iter_`: solver iterations per pairwise problem.
    pub fn n_iter(&self) -> &[usize] {
        &self.core.n_iter
    }

    /// scikit-learn's `fit_status_`: 1 when `max_iter` stopped a solver, else 0.
    pub fn fit_status(&self) -> i32 {
        self.core.fit_status
    }

    /// scikit-learn's `class_weight_`.
    pub fn class_weight(&self) -> &[f64] {
        &self.core.class_weight
    }

    /// scikit-learn's `decision_function`: (rows, 1) for two classes, else per class ("ovr")
    /// or per pair ("ovo").
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.core.decision_function(x, "NuSVC")
    }

    /// Class probabilities (only with `probability`).
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.core.predict_proba(x, "NuSVC")
    }
}

impl NuSVC {
    fn common(&self) -> Common<'_> {
        Common {
            kernel: &self.kernel,
            degree: self.degree,
            gamma: &self.gamma,
            coef0: self.coef0,
            tol: self.tol,
            cache_size: self.cache_size,
            shrinking: self.shrinking,
            max_iter: self.max_iter,
        }
    }
}

impl Fit<Labels> for NuSVC {
    type Fitted = NuSVCModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<NuSVCModel> {
        self.validate()?;
        let spec = ClassifierSpec {
            form: Formulation::NuSvc { nu: self.nu },
            c: 1.0,
            class_weight: &self.class_weight,
            probability: self.probability,
            random_state: self.random_state,
            decision_function_shape: &self.decision_function_shape,
            break_ties: self.break_ties,
        };
        let core = ClassifierCore::fit(x, y, w, &self.common(), &spec)?;
        Ok(NuSVCModel { params: self.clone(), core })
    }
}

impl Predict for NuSVCModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        self.core.predict(x, "NuSVC")
    }
}

impl Learn for NuSVC {
    type Model = NuSVCModel;

    fn tags(&self) -> Tags {
        Tags { predict_proba: self.probability, ..Self::TAGS }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<NuSVCModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for NuSVCModel {
    type Estimator = NuSVC;

    fn n_features_in(&self) -> usize {
        self.core.n_features()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.core.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Labels(self.predict(x.to_dense()?.view())?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_proba(x.to_dense()?.view())
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.decision_function(x.to_dense()?.view())
    }

    fn attributes(&self) -> Vec<(String, Attribute)> {
        self.core.attributes()
    }
}

register!(NuSVC);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::base::tests::{check_classifier, data, weights, ClfCase};

    #[test]
    fn matches_scikit_learn() {
        // X standardised (StandardScaler), y its last column; w = weights(n); scikit-learn 1.9.1.
        // support_ as indices into X, dual_coef_[:, :4], abs(dual_coef_).sum(1), intercept_,
        // decision_function(X[::n//5]), predict(X).
        let cases = [
        // iris std: NuSVC().fit(X, y)
        ClfCase { data: "iris", scaled: true, params: NuSVC::default(), weighted: false,
            support: &[1, 3, 5, 8, 9, 12, 13, 14, 15, 16, 18, 19, 20, 22, 23, 25, 30, 31, 32, 33, 34, 36, 38, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 70, 72, 75, 76, 77, 78, 79, 80, 81, 83, 84, 85, 86, 87, 88, 89, 91, 93, 95, 98, 100, 101, 103, 105, 106, 108, 109, 110, 111, 113, 114, 116, 117, 118, 119, 121, 122, 123, 125, 126, 127, 129, 130, 131, 133, 134, 135, 136, 137, 138, 142, 144, 146, 147, 148, 149],
            n_support: &[29, 39, 36],
            dual_head: &[0.07791480663966266, 0.07791480663966266, 0.07791480663966266, 0.07791480663966266, 0.07091941126547346, 0.07091941126547346, 0.07091941126547346, 0.07091941126547346], dual_l1: &[5.668725613619969, 23.482207512758364],
            intercept: &[-0.05706070317780361, -0.10854625476248117, -0.017679449937544313],
            decision: &[2.229082730868506, 0.8726101532926375, -0.20407708128259638, 2.220835646409957, 0.9156948921380006, -0.20632441078554292, -0.1506164478666677, 2.2026425952189728, 0.8597651825939812, -0.2050432822403098, 2.2249348919313867, 0.8923805226616404, -0.21006456383530855, 0.8598812208158793, 2.236132223714364],
            predicted: "000000000000000000000000000000000000000000000000001111111111111111111111111112111112111111111111111122222212222222222221222222222222212222222222222222" },
        // wine std nu=0.2: NuSVC(nu=0.2).fit(X, y)
        ClfCase { data: "wine", scaled: true, params: NuSVC { nu: 0.2, ..NuSVC::default() }, weighted: false,
            support: &[3, 4, 13, 14, 18, 21, 23, 24, 25, 27, 30, 33, 37, 38, 39, 41, 43, 44, 45, 50, 59, 61, 62, 65, 66, 68, 69, 70, 71, 72, 73, 74, 77, 78, 79, 81, 83, 92, 95, 96, 98, 102, 109, 110, 112, 118, 121, 122, 123, 127, 129, 130, 133, 134, 135, 136, 137, 139, 140, 141, 143, 144, 145, 146, 152, 153, 154, 158, 159, 169, 175],
            n_support: &[20, 31, 20],
            dual_head: &[0.13482631294769257, 0.8122094785383096, 0.7963635229149931, 0.0, 0.21748381832525548, 0.3681059104930921, 0.38784025980415027, 0.04043087954893381], dual_l1: &[25.2673372219004, 24.36672065704074],
            intercept: &[-0.7793911123104807, -0.06911795176527934, 0.46816014608478757],
            decision: &[2.240869806474551, 0.8619689270216341, -0.21832215218287193, 2.2367006637834828, 0.9634543252038587, -0.23312344110826122, -0.20707384806603463, 2.2071256662386523, 0.999639073034716, -0.20647138393180842, 2.237360599122254, 0.8472685174036714, -0.2223795036126967, 0.9710253596930576, 2.225787426662157, -0.20194903716973026, 0.8671828914685721, 2.2291491649834674],
            predicted: "0000000000000000000000000000000000000000000000000000000000011111111111111111111111111111111111111111111111111111111111111111111111222222222222222222222222222222222222222222222222" },
        // breast_cancer std weighted: NuSVC(nu=0.3).fit(X, y, sample_weight=w)
        ClfCase { data: "breast_cancer", scaled: true, params: NuSVC { nu: 0.3, ..NuSVC::default() }, weighted: true,
            support: &[60, 68, 71, 81, 88, 89, 90, 101, 106, 109, 116, 128, 148, 150, 151, 152, 157, 176, 178, 191, 192, 204, 208, 209, 225, 227, 228, 232, 242, 243, 247, 275, 288, 290, 291, 298, 314, 318, 340, 347, 356, 363, 375, 376, 377, 380, 396, 410, 421, 423, 447, 456, 457, 465, 466, 471, 472, 473, 484, 485, 486, 491, 495, 496, 500, 505, 508, 520, 523, 526, 528, 531, 537, 541, 542, 543, 554, 558, 559, 561, 3, 5, 9, 10, 12, 13, 16, 22, 25, 29, 31, 36, 38, 39, 40, 41, 43, 44, 47, 54, 73, 75, 78, 82, 83, 86, 99, 100, 108, 122, 131, 135, 138, 141, 146, 167, 171, 172, 180, 181, 184, 186, 190, 193, 194, 197, 205, 207, 212, 213, 214, 215, 253, 255, 257, 258, 261, 263, 265, 274, 277, 297, 330, 351, 352, 368, 379, 389, 414, 430, 435, 444, 461, 468, 479, 489, 501, 503, 514, 536, 562, 566],
            n_support: &[80, 82],
            dual_head: &[-0.11048564767551101, -0.33145694302653306, -0.33145694302653306, -0.11048564767551101], dual_l1: &[32.283906250784426],
            intercept: &[0.18107954189303974],
            decision: &[0.7250456540528333, -1.6785788931696317, -1.70373944453827, 1.2162901843055705, -1.1506261303702432, 1.4818970609451683],
            predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110011101110000001100011000010010000000011101100011010110100010010000100000000010000110100110001000010011101010001001101111011100010010111100110001000001100100110100001000001011101111111011000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000000000100110000001000000010000000010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100100011000100000000000101100001000000000000000000001111110" },
        ];
        for case in &cases {
            let (x, y) = data(case.data, case.scaled);
            let w = case.weighted.then(|| weights(x.nrows()));
            let m = case.params.fit_weighted(x.view(), &y, w.as_deref()).unwrap();
            check_classifier(&m.core, &x, case);
        }
    }

    #[test]
    fn infeasible_nu_is_named() {
        // 10 rows of "a", 2 of "b": nu·12/2 > 2 for nu = 0.5
        let x = Array2::from_shape_fn((12, 2), |(i, j)| (i * 3 + j) as f64);
        let y = Labels::from_strings(&[["a"; 10].as_slice(), ["b"; 2].as_slice()].concat());
        let e = NuSVC::default().fit(x.view(), &y).unwrap_err().to_string();
        assert!(e.contains("specified nu is infeasible"), "{e}");
        assert!(NuSVC { nu: 0.3, ..NuSVC::default() }.fit(x.view(), &y).is_ok());
        assert!(NuSVC { nu: 0.0, ..NuSVC::default() }.fit(x.view(), &y).unwrap_err().to_string().contains("'nu'"));
        assert!(NuSVC { nu: 1.5, ..NuSVC::default() }.fit(x.view(), &y).unwrap_err().to_string().contains("'nu'"));
    }
}
