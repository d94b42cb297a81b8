//! C-support vector classification, as scikit-learn's `SVC`.
//!
//! A kernel SVM draws non-linear boundaries from few support vectors, and is
//! the classifier many small and medium problems are tuned on; scikit-learn's
//! `SVC` is LIBSVM, so its users expect LIBSVM's model: one-vs-one pairwise
//! problems, its support vectors and coefficients, its Platt-scaled
//! probabilities. The solver is in [`libsvm`](super::libsvm), the
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
    /// C-support vector classification (LIBSVM), one-vs-one for more than two classes.
    ///
    /// Minimises `½‖w‖² + Σ_i C_i·max(0, 1 − y_i (wᵀφ(x_i) + b))` in the kernel's feature
    /// space, `C_i` being `C` times the row's sample weight and class weight.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::SVC;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [3.0, 3.0], [3.0, 4.0], [4.0, 3.0]];
    /// let y = Labels::from_strings(&["a", "a", "a", "b", "b", "b"]);
    /// let model = SVC::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.5, 0.5], [3.5, 3.5]].view())?.to_strings(), ["a", "b"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "svc"]
    #[tags(task = Some(Task::Classification), sample_weight, wants_scaling, decision_function)]
    pub struct SVC {
        /// Inverse regularisation strength: the cost of a margin violation.
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
        /// Whether to use LIBSVM's shrinking heuristic.
        shrinking: bool = true;
        /// Whether to fit Platt-scaled probabilities (5-fold cross-validation inside the fit).
        probability: bool = false;
        /// Stopping tolerance: the largest violation of the optimality conditions.
        tol: f64 = 1e-3, domain(Domain::positive());
        /// The kernel cache, in MB.
        cache_size: f64 = 200.0, domain(Domain::positive());
        /// None, "balanced" or `{class label: weight}`, multiplying `C` for the rows of that class.
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

/// A fitted [`SVC`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SVCModel {
    params: SVC,
    core: ClassifierCore,
}

impl SVCModel {
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
        self.core.decision_function(x, "SVC")
    }

    /// Class probabilities (only with `probability`).
    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.core.predict_proba(x, "SVC")
    }
}

impl SVC {
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

impl Fit<Labels> for SVC {
    type Fitted = SVCModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<SVCModel> {
        self.validate()?;
        let spec = ClassifierSpec {
            form: Formulation::CSvc,
            c: self.c,
            class_weight: &self.class_weight,
            probability: self.probability,
            random_state: self.random_state,
            decision_function_shape: &self.decision_function_shape,
            break_ties: self.break_ties,
        };
        let core = ClassifierCore::fit(x, y, w, &self.common(), &spec)?;
        Ok(SVCModel { params: self.clone(), core })
    }
}

impl Predict for SVCModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        self.core.predict(x, "SVC")
    }
}

impl Learn for SVC {
    type Model = SVCModel;

    fn tags(&self) -> Tags {
        Tags { predict_proba: self.probability, ..Self::TAGS }
    }

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<SVCModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for SVCModel {
    type Estimator = SVC;

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

register!(SVC);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::base::tests::{check_classifier, close, data, probes, weights, ClfCase};
    use crate::svm::kernel::Gamma;
    use ironlearn_core::Error;

    #[test]
    fn matches_scikit_learn() {
        // X: the data set (standardised by StandardScaler where `scaled`), y its last column;
        // w = weights(n); scikit-learn 1.9.1. support_ given as indices into X (scikit-learn's
        // index the rows with positive weight), dual_coef_[:, :4], abs(dual_coef_).sum(1),
        // intercept_, decision_function(X[::n//5]), predict(X).
        let cases = [
        // iris raw: SVC().fit(X, y)
        ClfCase { data: "iris", scaled: false, params: SVC::default(), weighted: false,
            support: &[18, 20, 23, 24, 25, 41, 44, 50, 51, 52, 54, 55, 56, 57, 58, 63, 64, 66, 68, 70, 72, 73, 75, 76, 77, 78, 79, 83, 84, 85, 86, 87, 90, 91, 93, 98, 101, 106, 110, 111, 113, 116, 119, 121, 123, 126, 127, 129, 131, 133, 134, 137, 138, 139, 141, 142, 145, 146, 147, 149],
            n_support: &[7, 29, 24],
            dual_head: &[0.0, 0.3169291682042101, 1.0, 1.0, 0.2681080283454389, 0.0, 0.021145270773092383, 0.26526426249873], dual_l1: &[10.80738765589955, 48.02409425439197],
            intercept: &[0.1263169546904858, -0.06446388127928576, -0.10704314708709724],
            decision: &[2.2354374928528697, 1.1609625536715076, -0.2565070925553607, 2.2266608376055, 1.1766332304574385, -0.2549394942189223, -0.1850725047844541, 2.2437444338505452, 0.8014879369111146, -0.2268803946027129, 2.235923185609445, 0.9249278948995576, -0.23314620391441415, 0.9094723208507649, 2.2432419628534195],
            predicted: "000000000000000000000000000000000000000000000000001111111111111111111111111112111112111111111111111122222212222222222222222222222222222222122222222222" },
        // wine std: SVC(C=10.0).fit(X, y)
        ClfCase { data: "wine", scaled: true, params: SVC { c: 10.0, ..SVC::default() }, weighted: false,
            support: &[3, 13, 14, 18, 21, 23, 24, 25, 27, 30, 33, 37, 38, 39, 41, 43, 44, 50, 59, 61, 62, 65, 66, 68, 69, 70, 71, 72, 73, 74, 78, 79, 81, 83, 95, 96, 98, 102, 110, 112, 118, 121, 122, 123, 130, 132, 134, 137, 138, 139, 141, 143, 144, 145, 146, 152, 153, 155, 157, 158, 162, 169, 170],
            n_support: &[18, 26, 19],
            dual_head: &[0.14101129019647826, 0.548016787248385, 0.0, 0.0, 0.2389450179617167, 0.42078468115501816, 0.032242955640803206, 0.1961834006082735], dual_l1: &[32.23569441602431, 37.4136610533536],
            intercept: &[-0.7455143182067703, -0.08512714647778616, 0.4039747578521946],
            decision: &[2.2416133296755776, 0.8530796974721251, -0.21621420902449429, 2.2357200027412194, 0.9987823016729677, -0.23561508318247737, -0.2213835920179451, 2.231408637868932, 0.9244926432477196, -0.21079678780637942, 2.252498636434325, 0.8053611009776953, -0.22491468958503044, 0.9612777804134862, 2.2293595702436075, -0.2014408586004621, 0.8528213394292006, 2.2328692967878814],
            predicted: "0000000000000000000000000000000000000000000000000000000000011111111111111111111111111111111111111111111111111111111111111111111111222222222222222222222222222222222222222222222222" },
        // breast_cancer std: SVC().fit(X, y)
        ClfCase { data: "breast_cancer", scaled: true, params: SVC::default(), weighted: false,
            support: &[49, 68, 71, 81, 89, 106, 109, 112, 128, 151, 152, 157, 192, 208, 225, 228, 238, 242, 247, 275, 288, 290, 291, 314, 340, 347, 363, 377, 396, 406, 410, 413, 421, 447, 448, 455, 456, 457, 462, 465, 466, 469, 471, 476, 481, 484, 491, 495, 496, 504, 505, 508, 526, 528, 537, 541, 542, 560, 561, 0, 3, 5, 7, 9, 10, 12, 13, 29, 38, 39, 40, 41, 42, 44, 54, 73, 78, 82, 86, 91, 99, 100, 108, 122, 126, 135, 138, 146, 171, 172, 180, 184, 190, 193, 194, 197, 205, 212, 213, 215, 255, 258, 261, 263, 265, 277, 297, 329, 330, 352, 368, 385, 414, 461, 468, 479, 489, 514, 536],
            n_support: &[59, 60],
            dual_head: &[-1.0, -1.0, -0.5269880335014727, -1.0], dual_l1: &[89.94844255482496],
            intercept: &[0.2353734544421513],
            decision: &[1.0001320901324005, -2.606008971209415, -2.253256231272264, 1.4044557630350083, -1.7978144098074356, 2.0724521181522326],
            predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100110100001000001011101111111011000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000010010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100100011000100000000000101100000000000000000000000001111110" },
        // breast_cancer std linear weighted: SVC(C=0.5, kernel='linear').fit(X, y, sample_weight=w)
        ClfCase { data: "breast_cancer", scaled: true, params: SVC { kernel: "linear".into(), c: 0.5, ..SVC::default() }, weighted: true,
            support: &[68, 81, 89, 157, 204, 208, 225, 228, 291, 340, 363, 396, 410, 466, 491, 526, 541, 542, 13, 38, 40, 73, 86, 135, 146, 184, 190, 194, 197, 205, 213, 215, 255, 263, 297, 514],
            n_support: &[18, 18],
            dual_head: &[-0.11042010905494555, -0.5, -0.2668998799747072, -1.0], dual_l1: &[24.206395870964492],
            intercept: &[0.04405418424311475],
            decision: &[13.964179924524284, -6.921373897131265, -6.887566418864243, 18.383739979843366, -2.592347189846651, 9.976543212471283],
            predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100111100001000001011111111111111000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000110010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100101011000100000000000101100001000000000000000000001111110" },
        // iris poly balanced: SVC(class_weight='balanced', coef0=1.0, degree=2, gamma='auto', kernel='poly').fit(X, y)
        ClfCase { data: "iris", scaled: true, params: SVC { kernel: "poly".into(), degree: 2, gamma: Gamma::Named("auto".into()), coef0: 1.0, class_weight: Some(ClassWeight::Named("balanced".into())), ..SVC::default() }, weighted: false,
            support: &[23, 41, 52, 53, 54, 56, 63, 66, 68, 70, 72, 76, 77, 78, 83, 84, 85, 86, 98, 106, 110, 116, 119, 123, 126, 127, 129, 133, 134, 137, 138, 149],
            n_support: &[2, 17, 13],
            dual_head: &[0.5973033905170451, 0.4077060721869009, -0.0, -0.0, 0.43889320716791774, 0.047368473745611504, 1.0, 0.2907574298593967], dual_l1: &[2.496280606321421, 26.1008006956404],
            intercept: &[-0.9693389803558696, -0.4217909768492173, 2.4697412367510596],
            decision: &[2.2524605838417475, 1.2410210528618943, -0.28382323428945516, 2.244859754554558, 1.2354369907893967, -0.27933093371162937, -0.22837481998335518, 2.247932708086079, 0.8596445052882109, -0.23056828580148586, 2.2438900036162495, 0.8914196807716802, -0.23616062932040652, 0.7919159838657428, 2.2678670187829266],
            predicted: "000000000000000000000000000000000000000000000000001111111111111111111111111112111112111111111111111122222222222222222222222222222222212222222222222222" },
        // wine sigmoid ovo weights: SVC(class_weight={'class_1': 2.0, 'class_2': 0.5}, coef0=0.5, decision_function_shape='ovo', gamma=0.01, kernel='sigmoid').fit(X, y)
        ClfCase { data: "wine", scaled: true, params: SVC { kernel: "sigmoid".into(), gamma: Gamma::Value(0.01), coef0: 0.5, decision_function_shape: "ovo".into(), class_weight: Some(ClassWeight::Weights([("class_1".to_string(), 2.0), ("class_2".to_string(), 0.5)].into())), ..SVC::default() }, weighted: false,
            support: &[1, 2, 4, 9, 11, 12, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 32, 33, 34, 35, 36, 37, 38, 40, 41, 43, 44, 45, 47, 48, 50, 51, 54, 55, 56, 57, 61, 62, 63, 65, 66, 68, 69, 70, 71, 72, 73, 74, 78, 81, 83, 84, 92, 95, 96, 98, 104, 107, 109, 112, 118, 120, 121, 122, 123, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177],
            n_support: &[39, 30, 48],
            dual_head: &[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0], dual_l1: &[89.82210908675097, 61.87446584860166],
            intercept: &[-0.36122394521436635, 0.28030645089348605, 0.7757334265807219],
            decision: &[1.1215082163118126, 1.5147094220759576, 1.0898715240563388, 0.2047350041127523, 1.0551547870075066, 1.1893289196454553, -1.168110023301199, -0.342754407051288, 0.7485325977132293, -1.5286138691849744, -0.22592982901463743, 1.2059327824943693, -0.7093806128547968, -0.7370212565748584, 0.1584153468676659, 0.04822341018494508, -1.0058918632214344, -0.9650205336090034],
            predicted: "0000100000000000000000000100000000000000000000000000000000011111111111111111111111111111111111111111111111111111111111111111111111112112222111112122222222222222221222222212222222" },
        // iris std probability: SVC(probability=True, random_state=0).fit(X, y)
        ClfCase { data: "iris", scaled: true, params: SVC { probability: true, ..SVC::default() }, weighted: false,
            support: &[8, 13, 15, 20, 22, 23, 25, 41, 50, 52, 53, 54, 56, 57, 59, 60, 63, 66, 68, 70, 72, 76, 77, 78, 83, 84, 85, 86, 87, 98, 106, 108, 110, 116, 118, 119, 121, 123, 125, 126, 127, 129, 131, 133, 134, 137, 138, 142, 146, 148, 149],
            n_support: &[8, 22, 21],
            dual_head: &[0.09044193403705042, 0.0, 0.8676727144411697, 0.0, 0.0, 0.1483536849938923, 0.9484029707596414, 0.13900834876156112], dual_l1: &[9.512605136377235, 37.63724736658324],
            intercept: &[0.01942134760225545, -0.13122672000467428, 0.06293108411422838],
            decision: &[2.23185101692218, 0.8843405519849988, -0.21226656821276285, 2.227722106987862, 0.9249713838076664, -0.21701766154931, -0.18602157402699235, 2.222226780233796, 0.8585299415439934, -0.22675232825497346, 2.2373557389497054, 0.9144021477533346, -0.218372223172588, 0.8452353064535348, 2.2448274292138866],
            predicted: "000000000000000000000000000000000000000000000000001111111111111111111111111112111112111111111111111122222222222222222221222222222222212222222222222222" },
        // breast_cancer std probability: SVC(probability=True, random_state=0).fit(X, y)
        ClfCase { data: "breast_cancer", scaled: true, params: SVC { probability: true, ..SVC::default() }, weighted: false,
            support: &[49, 68, 71, 81, 89, 106, 109, 112, 128, 151, 152, 157, 192, 208, 225, 228, 238, 242, 247, 275, 288, 290, 291, 314, 340, 347, 363, 377, 396, 406, 410, 413, 421, 447, 448, 455, 456, 457, 462, 465, 466, 469, 471, 476, 481, 484, 491, 495, 496, 504, 505, 508, 526, 528, 537, 541, 542, 560, 561, 0, 3, 5, 7, 9, 10, 12, 13, 29, 38, 39, 40, 41, 42, 44, 54, 73, 78, 82, 86, 91, 99, 100, 108, 122, 126, 135, 138, 146, 171, 172, 180, 184, 190, 193, 194, 197, 205, 212, 213, 215, 255, 258, 261, 263, 265, 277, 297, 329, 330, 352, 368, 385, 414, 461, 468, 479, 489, 514, 536],
            n_support: &[59, 60],
            dual_head: &[-1.0, -1.0, -0.5269880335014727, -1.0], dual_l1: &[89.94844255482496],
            intercept: &[0.2353734544421513],
            decision: &[1.0001320901324005, -2.606008971209415, -2.253256231272264, 1.4044557630350083, -1.7978144098074356, 2.0724521181522326],
            predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100110100001000001011101111111011000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000010010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100100011000100000000000101100000000000000000000000001111110" },
        ];
        for case in &cases {
            let (x, y) = data(case.data, case.scaled);
            let w = case.weighted.then(|| weights(x.nrows()));
            let m = case.params.fit_weighted(x.view(), &y, w.as_deref()).unwrap();
            check_classifier(&m.core, &x, case);
        }
    }

    #[test]
    fn probabilities_close_to_scikit_learn() {
        // SVC(probability=True, random_state=0).fit(X, y).predict_proba(X[::n//5]), scikit-learn 1.9.1,
        // X standardised; the folds of the internal cross-validation differ (another random stream).
        let cases: [(&str, &[f64]); 2] = [
            (
                "iris",
                &[
                    0.9796692405637776,
                    0.01121202260575784,
                    0.009118736830464751,
                    0.9744249595103772,
                    0.015719055601045518,
                    0.0098559848885771,
                    0.025178978341536363,
                    0.945767539894214,
                    0.029053481764249475,
                    0.00576196122070634,
                    0.9788421907545273,
                    0.015395848024766422,
                    0.006147124080371395,
                    0.0026233146956128367,
                    0.9912295612240158,
                ],
            ),
            (
                "breast_cancer",
                &[
                    0.01459758091060968,
                    0.9854024190893903,
                    0.9999321136299659,
                    6.788637003414939e-05,
                    0.9997379070676063,
                    0.0002620929323935661,
                    0.003140019548523214,
                    0.9968599804514766,
                    0.9985006310471385,
                    0.0014993689528614842,
                    1.7860973772509695e-07,
                    0.9999998213902623,
                ],
            ),
        ];
        for (name, want) in cases {
            let (x, y) = data(name, true);
            let m = SVC { probability: true, ..SVC::default() }.fit(x.view(), &y).unwrap();
            let p = m.predict_proba(probes(&x).view()).unwrap();
            for (g, w) in p.iter().zip(want) {
                assert!((g - w).abs() < 0.03, "{name}: predict_proba {g}, scikit-learn {w}");
            }
            p.rows().into_iter().for_each(|r| assert!((r.sum() - 1.0).abs() < 1e-9));
            assert!(m.prob_ab().0.iter().all(|a| *a < 0.0), "{name}: probA_ should be negative");
            // the same seed gives the same model
            let again = SVC { probability: true, ..SVC::default() }.fit(x.view(), &y).unwrap();
            assert_eq!(m, again);
        }
        let (x, y) = data("iris", true);
        let m = SVC::default().fit(x.view(), &y).unwrap();
        assert!(matches!(m.predict_proba(x.view()), Err(Error::Unsupported(_))));
        assert!(
            !SVC::default().tags().predict_proba && SVC { probability: true, ..SVC::default() }.tags().predict_proba
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let (x, y) = data("iris", true);
        let err = |p: SVC, x: &Array2<f64>, y: &Labels| p.fit(x.view(), y).unwrap_err().to_string();
        assert!(err(SVC { c: 0.0, ..SVC::default() }, &x, &y).contains("'c'"));
        assert!(err(SVC { gamma: Gamma::Value(-1.0), ..SVC::default() }, &x, &y).contains("gamma"));
        assert!(err(SVC { gamma: Gamma::Named("big".into()), ..SVC::default() }, &x, &y).contains("gamma"));
        assert!(err(SVC { kernel: "precomputed".into(), ..SVC::default() }, &x, &y).contains("precomputed"));
        let mut nan = x.clone();
        nan[[3, 1]] = f64::NAN;
        assert!(err(SVC::default(), &nan, &y).contains("NaN"));
        let one = Labels::from_strings(&vec!["a"; x.nrows()]);
        assert!(err(SVC::default(), &x, &one).contains("greater than one"));
        let bad =
            SVC { class_weight: Some(ClassWeight::Weights([("nope".to_string(), 1.0)].into())), ..SVC::default() };
        assert!(err(bad, &x, &y).contains("nope"));
        let ovo = SVC { break_ties: true, decision_function_shape: "ovo".into(), ..SVC::default() };
        assert!(err(ovo, &x, &y).contains("break_ties"));
        let m = SVC::default().fit(x.view(), &y).unwrap();
        assert!(m.predict(x.slice(ndarray::s![.., ..2]).view()).is_err());
        let zero = vec![0.0; x.nrows()];
        assert!(SVC::default().fit_weighted(x.view(), &y, Some(&zero)).unwrap_err().to_string().contains("zero"));
    }

    #[test]
    fn shapes_ties_and_limits() {
        let (x, y) = data("wine", true);
        let ovr = SVC::default().fit(x.view(), &y).unwrap();
        let d = ovr.decision_function(x.view()).unwrap();
        assert_eq!(d.dim(), (x.nrows(), 3));
        // break_ties: argmax of the "ovr" decision function
        let bt = SVC { break_ties: true, ..SVC::default() }.fit(x.view(), &y).unwrap();
        let codes: Vec<u32> =
            d.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32).collect();
        assert_eq!(bt.predict(x.view()).unwrap().codes(), &codes[..]);
        // max_iter stops the solver and says so
        let short = SVC { max_iter: 5, ..SVC::default() }.fit(x.view(), &y).unwrap();
        assert_eq!(short.fit_status(), 1);
        assert!(short.n_iter().iter().all(|&n| n <= 5));
        assert_eq!(ovr.fit_status(), 0);
        // without shrinking, and with a tiny cache, the same model within tolerance
        let plain = SVC { shrinking: false, cache_size: 0.001, ..SVC::default() }.fit(x.view(), &y).unwrap();
        assert_eq!(plain.support(), ovr.support());
        close(plain.intercept().as_slice().unwrap(), ovr.intercept().as_slice().unwrap(), 1e-3, "intercept");
    }
}
