//! Linear support vector classification, as scikit-learn's `LinearSVC`.
//!
//! A linear SVM scales to many rows where a kernel SVM cannot: liblinear's
//! dual coordinate descent costs one pass over a row per update and never
//! forms the kernel matrix. scikit-learn's `LinearSVC` is liblinear, so its
//! users expect liblinear's objective (the intercept is a regularised bias
//! column), its one-vs-rest scheme (class weights scale only the positive
//! side of each binary problem) and its stopping rules; the solvers in
//! [`liblinear`](super::liblinear) follow it step for step. The
//! one-vs-rest problems are solved in parallel, each with its own random
//! stream derived from `random_state`, so the model does not depend on
//! the number of threads.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight};
use ironlearn_core::{
    bail, hyperparams, register, Domain, Error, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    Prediction, Result, Rng, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::liblinear::{l1r_l2_svc, primal_newton, svc_dual, PrimalLoss, RowSet, Solution, SparseRows};
use super::{build_rows, choose_solver, kept_rows, ClassWeight, Dual, Solver};
use crate::linear::sgd::SgdX;
use crate::linear::sparse_ops::{linear_scores, Csc};
use ironlearn_core::sparse::Csr;

hyperparams! {
    /// Linear support vector classification (liblinear), one-vs-rest for more than two classes.
    ///
    /// Minimises `½||w||² + C·Σ_i c_i·loss(y_i (wᵀx_i + b))` (penalty "l2") or
    /// `||w||₁ + C·Σ_i c_i·max(0, 1 − y_i (wᵀx_i + b))²` (penalty "l1"), where
    /// `c_i` is the row's sample weight times its class weight and the intercept
    /// `b` is `intercept_scaling` times a weight that is penalised like the others.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::LinearSVC;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 2.0]];
    /// let y = Labels::from_strings(&["no", "no", "yes", "yes"]);
    /// let model = LinearSVC::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.5, 0.5], [2.5, 2.5]].view())?.to_strings(), ["no", "yes"]);
    /// assert_eq!(model.coef().dim(), (1, 2)); // one row for two classes
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "linear_svc"]
    #[aliases("linearsvc")]
    #[tags(task = Some(Task::Classification), sample_weight, sparse, wants_scaling, decision_function)]
    pub struct LinearSVC {
        /// The norm of the penalty: "l2" (dense coefficients) or "l1" (sparse ones, with loss
        /// "squared_hinge" and `dual` false only).
        penalty: String = "l2".to_string(), domain(Domain::choice(&["l1", "l2"]));
        /// "hinge" (the standard SVM loss) or "squared_hinge" (its square, differentiable).
        loss: String = "squared_hinge".to_string(), domain(Domain::choice(&["hinge", "squared_hinge"]));
        /// Solve the dual (true) or primal (false) problem; "auto" (or none) picks the dual when
        /// there are fewer rows than features and the combination allows it, else the primal.
        dual: Option<Dual> = None, check(Dual::is_valid, "\"auto\", true or false");
        /// Stopping tolerance: the spread of the projected gradient (dual), or the size of the
        /// (sub-)gradient relative to its value at zero, times the minority share of the rows (primal).
        tol: f64 = 1e-4, domain(Domain::positive());
        /// Inverse regularisation strength: the cost of a margin violation.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// "ovr" (one binary problem per class); "crammer_singer" is not supported.
        multi_class: String = "ovr".to_string(), domain(Domain::choice(&["ovr", "crammer_singer"]));
        /// Whether to fit an intercept (as a penalised bias column, as liblinear does).
        fit_intercept: bool = true;
        /// The value of the bias column: larger values penalise the intercept less.
        intercept_scaling: f64 = 1.0, domain(Domain::positive());
        /// None, "balanced" (weights inverse to the weighted class counts) or
        /// `{class label: weight}`, multiplying `C` for the rows of that class.
        class_weight: Option<ClassWeight> = None, check(ClassWeight::is_valid, "None, \"balanced\" or a map of finite weights");
        /// The seed of the order in which the solver visits rows (or features); a different
        /// stream from liblinear's.
        random_state: u64 = 0;
        /// The maximum number of passes of the solver.
        max_iter: usize = 1000, domain(Domain::int_min(0));
    }
}

/// A fitted [`LinearSVC`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearSVCModel {
    params: LinearSVC,
    classes: Vec<String>,
    /// One row per class (a single row for two classes), one column per feature.
    coef: Array2<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    intercept: Array1<f64>,
    n_iter: usize,
}

impl LinearSVCModel {
    /// scikit-learn's `coef_`: (1, features) for two classes, else (classes, features).
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    /// scikit-learn's `intercept_` (zeros without `fit_intercept`).
    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// The most passes any one-vs-rest problem took (scikit-learn's `n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The signed distances to the hyperplanes: (rows, 1) for two classes, else (rows, classes).
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.coef.ncols(), "LinearSVC")?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }
}

/// The class weights, in class order, as scikit-learn's `compute_class_weight`.
fn class_weights(cw: &Option<ClassWeight>, classes: &[String], codes: &[u32], w: &[f64]) -> Result<Vec<f64>> {
    let k = classes.len();
    match cw {
        None => Ok(vec![1.0; k]),
        Some(ClassWeight::Named(_)) => {
            let mut counts = vec![0.0; k];
            codes.iter().zip(w).for_each(|(&c, &wi)| counts[c as usize] += wi);
            let present = counts.iter().filter(|&&c| c > 0.0).count() as f64;
            let total: f64 = counts.iter().sum();
            Ok(counts.iter().map(|&c| if c > 0.0 { total / (present * c) } else { 1.0 }).collect())
        }
        Some(ClassWeight::Weights(map)) => {
            let unweighted: Vec<&str> = classes.iter().filter(|c| !map.contains_key(*c)).map(String::as_str).collect();
            if !unweighted.is_empty() && k - unweighted.len() != map.len() {
                let list = unweighted.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
                bail!(InvalidValue, "The classes, [{list}], are not in class_weight");
            }
            Ok(classes.iter().map(|c| map.get(c).copied().unwrap_or(1.0)).collect())
        }
    }
}

impl Fit<Labels> for LinearSVC {
    type Fitted = LinearSVCModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<LinearSVCModel> {
        self.validate()?;
        check_fit_input(x, y.len())?;
        self.fit_any(SgdX::Dense(x), y, w)
    }
}

/// The data column by column for the L1 primal solver.
enum Cols {
    Dense(Vec<f64>),
    Sparse(Csc),
}

impl LinearSVC {
    /// Fits on sparse (CSR) input without densifying it: liblinear's solvers on sparse rows.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &Labels, w: Option<&[f64]>) -> Result<LinearSVCModel> {
        self.validate()?;
        SgdX::Sparse(*x).check_fit(y.len())?;
        self.fit_any(SgdX::Sparse(*x), y, w)
    }

    fn fit_any(&self, x: SgdX<'_>, y: &Labels, w: Option<&[f64]>) -> Result<LinearSVCModel> {
        check_sample_weight(w, y.len())?;
        let counts = y.counts();
        if counts.iter().filter(|&&c| c > 0).count() < 2 {
            let only = counts.iter().position(|&c| c > 0).map_or("none", |i| y.classes()[i].as_str());
            bail!(
                InvalidValue,
                "This solver needs samples of at least 2 classes in the data, but the data contains only one class: \
                 '{only}'"
            );
        }
        if self.multi_class == "crammer_singer" {
            return Err(Error::Unsupported(
                "multi_class='crammer_singer' is not supported by LinearSVC here; use multi_class='ovr'".into(),
            ));
        }
        let (n, p) = x.dim();
        let solver = choose_solver(&self.loss, &self.penalty, &self.dual, n, p)?;
        let bias = self.fit_intercept.then_some(self.intercept_scaling);
        let (keep, sw) = kept_rows(w, n);
        let all_codes = y.codes();
        let full_w: Vec<f64> = w.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let cw = class_weights(&self.class_weight, y.classes(), all_codes, &full_w)?;
        let primal_l1 = matches!(solver, Solver::L1rL2Svc);
        let (rows, cols): (Box<dyn RowSet>, Option<Cols>) = match x {
            SgdX::Dense(x) => {
                let rows = build_rows(x, &keep, bias);
                let cols = primal_l1.then(|| Cols::Dense(rows.columns()));
                (Box::new(rows), cols)
            }
            SgdX::Sparse(x) => {
                let rows = SparseRows::from_csr(&x, &keep, bias);
                let cols = primal_l1.then(|| Cols::Sparse(rows.columns()));
                (Box::new(rows), cols)
            }
        };
        let rows = rows.as_ref();
        let codes: Vec<u32> = keep.iter().map(|&i| all_codes[i]).collect();
        let n_classes = y.n_classes();
        let n_models = if n_classes == 2 { 1 } else { n_classes };
        let root = Rng::new(self.random_state);
        let solutions: Vec<Solution> = (0..n_models)
            .into_par_iter()
            .map(|m| {
                // Binary: class 1 against class 0, each with its class weight; one-vs-rest:
                // class m against the rest, only the positive side weighted (as liblinear).
                let positive = if n_models == 1 { 1 } else { m as u32 };
                let yb: Vec<f64> = codes.iter().map(|&c| if c == positive { 1.0 } else { -1.0 }).collect();
                let cost: Vec<f64> = codes
                    .iter()
                    .zip(&sw)
                    .map(|(&c, &wi)| {
                        let class = if c == positive {
                            cw[c as usize]
                        } else if n_models == 1 {
                            cw[0]
                        } else {
                            1.0
                        };
                        self.c * wi * class
                    })
                    .collect();
                let mut rng = root.fork(m as u64);
                // liblinear's tolerance of its primal solvers
                let primal_eps = || {
                    let pos = yb.iter().filter(|&&v| v > 0.0).count();
                    let l = yb.len();
                    self.tol * pos.min(l - pos).max(1) as f64 / l as f64
                };
                match solver {
                    Solver::SvcDual { squared } => {
                        svc_dual(rows, &yb, &cost, squared, self.tol, self.max_iter, &mut rng)
                    }
                    Solver::SvcPrimal => {
                        primal_newton(rows, PrimalLoss::SquaredHinge { y: &yb }, &cost, primal_eps(), self.max_iter)
                    }
                    Solver::L1rL2Svc => {
                        let (eps, l) = (primal_eps(), yb.len());
                        match cols.as_ref().expect("columns for the primal solver") {
                            Cols::Dense(c) => l1r_l2_svc(c.as_slice(), l, &yb, &cost, eps, self.max_iter, &mut rng),
                            Cols::Sparse(c) => l1r_l2_svc(c, l, &yb, &cost, eps, self.max_iter, &mut rng),
                        }
                    }
                    Solver::SvrDual { .. } | Solver::SvrPrimal => {
                        unreachable!("a regression loss is not a LinearSVC loss")
                    }
                }
            })
            .collect();
        let mut coef = Array2::zeros((n_models, p));
        let mut intercept = Array1::zeros(n_models);
        for (m, s) in solutions.iter().enumerate() {
            coef.row_mut(m).iter_mut().zip(&s.w[..p]).for_each(|(c, v)| *c = *v);
            if self.fit_intercept {
                intercept[m] = self.intercept_scaling * s.w[p];
            }
        }
        Ok(LinearSVCModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            coef,
            intercept,
            n_iter: solutions.iter().map(|s| s.n_iter).max().unwrap_or(0),
        })
    }
}

impl Predict for LinearSVCModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        self.labels_from(self.decision_function(x)?)
    }
}

impl LinearSVCModel {
    fn labels_from(&self, s: Array2<f64>) -> Result<Labels> {
        let codes = if s.ncols() == 1 {
            s.column(0).iter().map(|&z| u32::from(z > 0.0)).collect()
        } else {
            s.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32).collect()
        };
        Labels::new(self.classes.clone(), codes)
    }
}

impl Learn for LinearSVC {
    type Model = LinearSVCModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LinearSVCModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, &*data.labels()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for LinearSVCModel {
    type Estimator = LinearSVC;

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let s = linear_scores(&x, self.coef.view(), self.intercept.view(), "LinearSVC")?;
        Ok(Prediction::Labels(self.labels_from(s)?))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        linear_scores(&x, self.coef.view(), self.intercept.view(), "LinearSVC")
    }
}

register!(LinearSVC);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::tests::{assert_rel, scaled};
    use crate::test_data::load;
    use ironlearn_core::Params;

    fn data(name: &str) -> (Array2<f64>, Labels) {
        let (x, y) = load(name);
        (scaled(&x), Labels::from_strings(&y))
    }

    /// The primal objective of each one-vs-rest problem, as liblinear states it
    /// (the bias weight `intercept / intercept_scaling` penalised too).
    fn objectives(m: &LinearSVCModel, x: &Array2<f64>, y: &Labels, sw: Option<&[f64]>, cw: &[f64]) -> Vec<f64> {
        let p = &m.params;
        let k = y.n_classes();
        let scores = m.decision_function(x.view()).unwrap();
        (0..m.coef.nrows())
            .map(|j| {
                let pos = if k == 2 { 1 } else { j as u32 };
                let w = m.coef.row(j);
                let wb = if p.fit_intercept { m.intercept[j] / p.intercept_scaling } else { 0.0 };
                let reg = if p.penalty == "l2" {
                    0.5 * (w.dot(&w) + wb * wb)
                } else {
                    w.iter().map(|v| v.abs()).sum::<f64>() + wb.abs()
                };
                let loss: f64 = (0..x.nrows())
                    .map(|i| {
                        let c = y.codes()[i];
                        let yi = if c == pos { 1.0 } else { -1.0 };
                        let class = if c == pos {
                            cw[pos as usize]
                        } else if k == 2 {
                            cw[0]
                        } else {
                            1.0
                        };
                        let margin = (1.0 - yi * scores[[i, j]]).max(0.0);
                        let l = if p.loss == "squared_hinge" { margin * margin } else { margin };
                        p.c * sw.map_or(1.0, |s| s[i]) * class * l
                    })
                    .sum();
                reg + loss
            })
            .collect()
    }

    /// The class index of every row's prediction, as one string of digits.
    fn predicted(m: &LinearSVCModel, x: &Array2<f64>) -> String {
        m.predict(x.view()).unwrap().codes().iter().map(|c| c.to_string()).collect()
    }

    struct Case {
        data: &'static str,
        params: LinearSVC,
        weighted: bool,
        class_weights: &'static [f64],
        objective: &'static [f64],
        decision: &'static [&'static [f64]],
        predicted: &'static str,
    }

    const PRED_BC: &str = "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100111100001000001011111111111011000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000110010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100101011000100000000000101100000000000000000000000001111110";

    fn check(case: &Case) {
        let (x, y) = data(case.data);
        let sw: Option<Vec<f64>> = case.weighted.then(|| weights(x.nrows()));
        let m = case.params.fit_weighted(x.view(), &y, sw.as_deref()).unwrap();
        let got = objectives(&m, &x, &y, sw.as_deref(), case.class_weights);
        assert_eq!(got.len(), case.objective.len());
        for (g, w) in got.iter().zip(case.objective) {
            assert_rel(*g, *w, 1e-4, &format!("{} objective", case.data));
        }
        let step = (x.nrows() / 5).max(1);
        let probes = x.select(ndarray::Axis(0), &(0..x.nrows()).step_by(step).collect::<Vec<_>>());
        let d = m.decision_function(probes.view()).unwrap();
        for (row, want) in d.rows().into_iter().zip(case.decision) {
            for (g, w) in row.iter().zip(*want) {
                assert!((g - w).abs() < 2e-3 * w.abs().max(1.0), "{} decision: got {g}, want {w}", case.data);
            }
        }
        let pred = predicted(&m, &x);
        let differ = pred.chars().zip(case.predicted.chars()).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{}: predictions differ from scikit-learn's in {differ} rows", case.data);
    }

    /// Weights 1, 2, 3, 1, ... with every 7th row 0 (rows liblinear drops).
    fn weights(n: usize) -> Vec<f64> {
        (0..n).map(|i| if i % 7 == 0 { 0.0 } else { 1.0 + (i % 3) as f64 }).collect()
    }

    fn tight(p: LinearSVC) -> LinearSVC {
        LinearSVC { tol: 1e-8, max_iter: 100_000, ..p }
    }

    #[test]
    fn matches_scikit_learn() {
        // X: the data set standardised (StandardScaler), y its last column; reference numbers from
        // scikit-learn 1.9.1: objective computed from coef_/intercept_ as `objectives` does,
        // decision_function(X[::n//5]), predict(X).
        let cases = [
            // LinearSVC(tol=1e-8, max_iter=100000).fit(X, y): primal (dual="auto", n > p) by TRON there,
            // through the dual here
            Case {
                data: "breast_cancer",
                params: tight(LinearSVC::default()),
                weighted: false,
                class_weights: &[1.0, 1.0],
                objective: &[31.055638011567893],
                decision: &[
                    &[10.836036183844802],
                    &[-4.505080939816969],
                    &[-4.573250079481471],
                    &[14.218144765570461],
                    &[-2.0011107129367427],
                    &[7.453639324108169],
                ],
                predicted: PRED_BC,
            },
            // LinearSVC(loss="hinge", C=0.5, tol=1e-8, max_iter=100000).fit(X, y)
            Case {
                data: "breast_cancer",
                params: tight(LinearSVC { loss: "hinge".into(), c: 0.5, ..Default::default() }),
                weighted: false,
                class_weights: &[1.0, 1.0],
                objective: &[15.090340456973921],
                decision: &[
                    &[11.686727140162951],
                    &[-6.477055524768144],
                    &[-6.3373476822204955],
                    &[15.994948482358446],
                    &[-2.687143417112293],
                    &[8.501275459273183],
                ],
                predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100110100001000001011111111111011000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000110010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100101011000100000000000101100001000000000000000000001111110",
            },
            // LinearSVC(class_weight={"malignant": 2.0}, loss="hinge", tol=1e-8, max_iter=100000).fit(X, y)
            Case {
                data: "breast_cancer",
                params: tight(LinearSVC {
                    loss: "hinge".into(),
                    class_weight: Some(ClassWeight::Weights([("malignant".to_string(), 2.0)].into())),
                    ..Default::default()
                }),
                weighted: false,
                class_weights: &[1.0, 2.0],
                objective: &[38.58338272342155],
                decision: &[
                    &[14.719234632195304],
                    &[-7.423750193549215],
                    &[-7.0844220064815016],
                    &[19.797233946393405],
                    &[-2.7799926004430833],
                    &[10.20481510555613],
                ],
                predicted: "11111111111111111110001111111111111110110111110100000110110000101100001010010110001101110001001100011000010010000000011101100011010110100010010000100000000010000110100110011000010011101010001001101111011101010010111100110001000001100100110100001000001011111111111111000000101001001011000000000000000010100000000000000100010100001110000101010001000000011100000000000110111011000001000001000100110000001000000010000110010000000000001011010000010010100101000000001100000010000000000100000001010010000011010100000100101011000100000000000101100001000000000000000000001111110",
            },
            // LinearSVC(loss="hinge", dual=True, tol=1e-8, max_iter=100000).fit(X, y)
            Case {
                data: "iris",
                params: tight(LinearSVC { loss: "hinge".into(), dual: Some(Dual::Fixed(true)), ..Default::default() }),
                weighted: false,
                class_weights: &[1.0, 1.0, 1.0],
                objective: &[1.623232987792399, 86.39805130108013, 20.682566261550775],
                decision: &[
                    &[2.103585960755488, -1.63382247716939, -8.154894660736009],
                    &[1.576928824022505, -0.6168988245702385, -7.3841387815887884],
                    &[-1.6044384069553395, 1.8474363780449221, -1.9169764566149858],
                    &[-1.6012970237929536, 0.5795406433646925, -1.1140024825332242],
                    &[-2.9879775692177475, -1.62128616378412, 2.296158640326627],
                ],
                predicted: "000000000000000000000000000000000000000001000000001111112111111111211121111112111112221111111111111122222222222222222221222222222222211222222222222222",
            },
            // LinearSVC(fit_intercept=False, tol=1e-8, max_iter=100000).fit(X, y)
            Case {
                data: "iris",
                params: tight(LinearSVC { fit_intercept: false, ..Default::default() }),
                weighted: false,
                class_weights: &[1.0, 1.0, 1.0],
                objective: &[4.033715436444268, 115.54222024304632, 64.6959334150751],
                decision: &[
                    &[4.69876298315956, -0.42688195877527174, -1.0259266396902353],
                    &[3.5251334875669764, 0.03254836676421141, -1.2594624376756758],
                    &[-2.1648085625497666, 1.0912810476903052, -0.8755589639278314],
                    &[-1.6599886174896723, 0.6830404840368908, -0.289073719866819],
                    &[-3.0406834167200976, -0.3820621484021574, 1.5487393533753537],
                ],
                predicted: "000000000000000000000000000000000000000000000000002221112111121122211121111212211111222121111111111122222221122222222221222222222122211222222222222222",
            },
            // sw = 1 + i % 3, sw[::7] = 0;
            // LinearSVC(class_weight="balanced", intercept_scaling=3.0, tol=1e-8, max_iter=100000)
            //     .fit(X, y, sample_weight=sw); class weights from compute_class_weight("balanced", ..., sample_weight=sw)
            Case {
                data: "iris",
                params: tight(LinearSVC {
                    class_weight: Some(ClassWeight::Named("balanced".into())),
                    intercept_scaling: 3.0,
                    ..Default::default()
                }),
                weighted: true,
                class_weights: &[1.0198412698412698, 1.007843137254902, 0.9734848484848485],
                objective: &[0.8387499553238302, 160.21262068618094, 14.731367168601135],
                decision: &[
                    &[1.5182233643816663, -0.8445435712963196, -7.476387638092104],
                    &[1.2602086754883974, -0.36532809112846126, -6.991135474735053],
                    &[-1.139197198884748, 0.8732218676552164, -2.531042229459021],
                    &[-1.5176686384105922, 0.21445480029901048, -1.30462709867627],
                    &[-3.175775746834253, -0.8199692979278982, 2.2269839997194936],
                ],
                predicted: "000000000000000000000000000000000000000000000000001111112111111111211121111112111112221111111111111122222222222222222221222222222222211222222222222222",
            },
            // LinearSVC(penalty="l1", dual=False, C=0.3, tol=1e-8, max_iter=100000).fit(X, y)
            Case {
                data: "wine",
                params: tight(LinearSVC {
                    penalty: "l1".into(),
                    dual: Some(Dual::Fixed(false)),
                    c: 0.3,
                    ..Default::default()
                }),
                weighted: false,
                class_weights: &[1.0, 1.0, 1.0],
                objective: &[4.30146690033256, 6.282998905724462, 4.221586697858408],
                decision: &[
                    &[2.4690629906830344, -2.224775319340579, -1.5051471943815946],
                    &[0.7480885930969198, -0.910906017467256, -1.5495216150436746],
                    &[-1.6556909413848553, 0.3904556167834503, -0.40404495319827594],
                    &[-1.8452096700591438, 1.9243604270365462, -1.419711505662844],
                    &[-1.1415471406812627, -1.0256912935305882, 0.8019523399405283],
                    &[-0.9686073923227334, -3.614228446932378, 2.366157418761449],
                ],
                predicted: "0000000000000000000000000000000000000000000000000000000000011111111111111111111111111111111111111111111111111111111111111111111111222222222222222222222222222222222222222222222222",
            },
        ];
        for case in &cases {
            check(case);
        }
    }

    #[test]
    fn l1_penalty_gives_sparse_coefficients() {
        // scikit-learn (wine case of `matches_scikit_learn`): 14 of the 39 coefficients are exactly 0
        let (x, y) = data("wine");
        let params =
            tight(LinearSVC { penalty: "l1".into(), dual: Some(Dual::Fixed(false)), c: 0.3, ..Default::default() });
        let m = params.fit(x.view(), &y).unwrap();
        let zeros = m.coef().iter().filter(|v| **v == 0.0).count();
        assert!((13..=15).contains(&zeros), "{zeros} zero coefficients");
    }

    #[test]
    fn default_tolerance_reaches_the_optimum_closely() {
        // LinearSVC(dual=True).fit(X, y) on breast_cancer: objective 31.0556380174842, n_iter_ 987
        // (the optimum 31.055638011567893, see `matches_scikit_learn`)
        let (x, y) = data("breast_cancer");
        let m = LinearSVC { dual: Some(Dual::Fixed(true)), ..Default::default() }.fit(x.view(), &y).unwrap();
        assert_rel(objectives(&m, &x, &y, None, &[1.0, 1.0])[0], 31.055638011567893, 1e-6, "objective");
        assert!(m.n_iter() >= 100 && m.n_iter() <= 1000, "{}", m.n_iter());
    }

    #[test]
    fn same_model_whatever_the_thread_count() {
        let (x, y) = data("iris");
        let params = LinearSVC { loss: "hinge".into(), random_state: 7, ..Default::default() };
        let fit = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| params.fit(x.view(), &y).unwrap())
        };
        let one = fit(1);
        assert_eq!(one, fit(4));
        assert_eq!(one, params.fit(x.view(), &y).unwrap());
    }

    #[test]
    fn zero_weights_drop_rows() {
        // Rows of weight 0 are left out, as liblinear does: the same model as without them.
        let (x, y) = data("iris");
        let mut w = vec![1.0; x.nrows()];
        let keep: Vec<usize> = (0..x.nrows()).filter(|i| i % 5 != 0).collect();
        (0..x.nrows()).filter(|i| i % 5 == 0).for_each(|i| w[i] = 0.0);
        let params = tight(LinearSVC::default());
        let a = params.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        let b = params.fit(x.select(ndarray::Axis(0), &keep).view(), &y.take(&keep)).unwrap();
        assert!((a.coef() - b.coef()).iter().all(|d| d.abs() < 1e-5));
    }

    #[test]
    fn errors() {
        let (x, y) = data("iris");
        let msg = |p: LinearSVC| p.fit(x.view(), &y).unwrap_err().to_string();
        // scikit-learn's messages (dual="auto" resolves to True here: no primal for this combination)
        assert_eq!(
            msg(LinearSVC { penalty: "l1".into(), loss: "hinge".into(), ..Default::default() }),
            "Unsupported set of arguments: The combination of penalty='l1' and loss='hinge' is not supported, \
             Parameters: penalty='l1', loss='hinge', dual=True"
        );
        assert_eq!(
            msg(LinearSVC { penalty: "l1".into(), dual: Some(Dual::Fixed(true)), ..Default::default() }),
            "Unsupported set of arguments: The combination of penalty='l1' and loss='squared_hinge' are not \
             supported when dual=True, Parameters: penalty='l1', loss='squared_hinge', dual=True"
        );
        assert_eq!(
            msg(LinearSVC { loss: "hinge".into(), dual: Some(Dual::Fixed(false)), ..Default::default() }),
            "Unsupported set of arguments: The combination of penalty='l2' and loss='hinge' are not supported \
             when dual=False, Parameters: penalty='l2', loss='hinge', dual=False"
        );
        assert!(
            msg(LinearSVC { multi_class: "crammer_singer".into(), ..Default::default() }).contains("crammer_singer")
        );
        assert!(msg(LinearSVC { c: 0.0, ..Default::default() }).contains("'c'"));
        assert!(msg(LinearSVC { dual: Some(Dual::Named("yes".into())), ..Default::default() }).contains("'dual'"));
        assert!(msg(LinearSVC { class_weight: Some(ClassWeight::Named("even".into())), ..Default::default() })
            .contains("'class_weight'"));
        let cw = LinearSVC {
            class_weight: Some(ClassWeight::Weights([("setosa".into(), 2.0), ("tulip".into(), 1.0)].into())),
            ..Default::default()
        };
        assert_eq!(msg(cw), "The classes, ['versicolor', 'virginica'], are not in class_weight");
        let mut bad = x.clone();
        bad[[3, 1]] = f64::NAN;
        assert!(LinearSVC::default().fit(bad.view(), &y).unwrap_err().to_string().contains("NaN"));
        let one = Labels::from_strings(&vec!["a"; x.nrows()]);
        assert_eq!(
            LinearSVC::default().fit(x.view(), &one).unwrap_err().to_string(),
            "This solver needs samples of at least 2 classes in the data, but the data contains only one class: 'a'"
        );
        let m = LinearSVC::default().fit(x.view(), &y).unwrap();
        assert!(m.predict(x.slice(ndarray::s![.., ..3]).view()).unwrap_err().to_string().contains("expecting 4"));
        assert!(m.predict_proba_data(Features::Dense(x.view())).is_err());
        // "auto", true and false from JSON (Python, the CLI)
        for v in ["\"auto\"", "true", "false", "null"] {
            let map = serde_json::from_str(&format!("{{\"dual\": {v}}}")).unwrap();
            assert!(LinearSVC::from_json(&map).is_ok(), "{v}");
        }
        let map = serde_json::from_str("{\"class_weight\": {\"setosa\": 2}}").unwrap();
        assert!(LinearSVC::from_json(&map).is_ok());
    }

    #[test]
    fn round_trips_through_the_model_file() {
        let (x, y) = data("iris");
        let m = LinearSVC { class_weight: Some(ClassWeight::Named("balanced".into())), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap();
        let json = serde_json::to_string(&m).unwrap();
        let back: LinearSVCModel = serde_json::from_str(&json).unwrap();
        assert_eq!(m, back);
    }
}

#[cfg(test)]
mod sparse_tests {
    use super::*;
    use crate::linear::sparse_ops::tests::{sparse_data, OwnedCsr};
    use crate::svm::LinearSVR;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }

    // X, y = sparse_data(60, 5) (see linear::sparse_ops::tests), Xs = scipy.sparse.csr_matrix(X),
    // yb = np.where(y > np.median(y), 'b', 'a'), y3 = ['p','q','r'][i % 3]; tol=1e-10, max_iter=100000.
    #[test]
    fn sparse_equals_dense_equals_scikit_learn() {
        let (x, y) = sparse_data(60, 5);
        let o = OwnedCsr::from_dense(x.view());
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        let median = (sorted[29] + sorted[30]) / 2.0;
        let yb = Labels::from_strings(&y.iter().map(|&v| if v > median { "b" } else { "a" }).collect::<Vec<_>>());
        let y3 = Labels::from_strings(&(0..60).map(|i| ["p", "q", "r"][i % 3]).collect::<Vec<_>>());
        let tight = LinearSVC { tol: 1e-10, max_iter: 100_000, ..Default::default() };
        let cases: [(LinearSVC, &Labels, Vec<f64>, Vec<f64>); 3] = [
            // LinearSVC(loss='hinge', dual=True, C=0.5)
            (
                LinearSVC { loss: "hinge".into(), dual: Some(Dual::Fixed(true)), c: 0.5, ..tight.clone() },
                &yb,
                vec![-0.09334889148195862, 0.1636270228612484, 0.0, 0.6767794632438149, 1.4492679167737303],
                vec![-1.0],
            ),
            // LinearSVC(dual=False) on three classes
            (
                LinearSVC { dual: Some(Dual::Fixed(false)), ..tight.clone() },
                &y3,
                vec![
                    0.2932300722810082,
                    -0.20588199566545592,
                    -0.3894507544108652,
                    0.8437694494306042,
                    -0.6021388492021419,
                    -0.11766562161955375,
                    0.4383404459754752,
                    -0.29470840948111937,
                    -0.33858279259779656,
                    1.2820053105034168,
                    -0.18028839933010526,
                    -0.23871325959414397,
                    0.6723274317321203,
                    -0.5187798198401669,
                    -0.6981597738738344,
                ],
                vec![-0.30695467980913727, -0.47555298944078556, -0.19643722797004248],
            ),
            // LinearSVC(penalty='l1', dual=False, C=0.3)
            (
                LinearSVC { penalty: "l1".into(), dual: Some(Dual::Fixed(false)), c: 0.3, ..tight.clone() },
                &yb,
                vec![-0.061900740783411644, 0.0, 0.16312846063495826, 0.2600489178596299, 1.0440236129485454],
                vec![-0.47880258587229196],
            ),
        ];
        for (p, labels, coef, intercept) in cases {
            let s = p.fit_csr(&o.csr(), labels, None).unwrap();
            let d = p.fit_weighted(x.view(), labels, None).unwrap();
            for m in [&s, &d] {
                close(m.coef().as_slice().unwrap(), &coef, 1e-5);
                close(m.intercept().as_slice().unwrap(), &intercept, 1e-5);
            }
            let a = s.decision_function_data(Features::Sparse(o.csr())).unwrap();
            let b = s.decision_function(x.view()).unwrap();
            assert!((a - b).iter().all(|d| d.abs() < 1e-12));
            let Prediction::Labels(pl) = s.predict_data(Features::Sparse(o.csr())).unwrap() else { panic!() };
            assert_eq!(pl.to_strings(), s.predict(x.view()).unwrap().to_strings());
        }
        // LinearSVR(epsilon=0.2, C=0.5) (dual) and LinearSVR(loss='squared_epsilon_insensitive', dual=False)
        let svr = [
            (
                LinearSVR { epsilon: 0.2, c: 0.5, tol: 1e-10, max_iter: 100_000, ..Default::default() },
                [-1.2754010695094493, -0.5665648969395427, 0.4281458037493769, 1.3481283421871788, 2.4134045720977206],
                0.6760427807585543,
            ),
            (
                LinearSVR {
                    loss: "squared_epsilon_insensitive".into(),
                    dual: Some(Dual::Fixed(false)),
                    tol: 1e-10,
                    max_iter: 100_000,
                    ..Default::default()
                },
                [-1.4151034765441153, -0.5598939742338574, 0.4713616481042638, 1.475549192792985, 2.517970221497973],
                0.6049615256891743,
            ),
        ];
        for (p, coef, intercept) in svr {
            let s = p.fit_csr(&o.csr(), &y, None).unwrap();
            let d = ironlearn_core::Fit::fit(&p, x.view(), &y[..]).unwrap();
            for m in [&s, &d] {
                close(m.coef().as_slice().unwrap(), &coef, 1e-5);
                close(&[m.intercept()], &[intercept], 1e-5);
            }
            let Prediction::Values(a) = s.predict_data(Features::Sparse(o.csr())).unwrap() else { panic!() };
            let Prediction::Values(b) = s.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
            close(a.as_slice().unwrap(), b.as_slice().unwrap(), 1e-12);
        }
        // Errors on sparse input, as on dense: one class, row-count mismatch.
        let one = Labels::from_strings(&["a"; 60]);
        assert!(tight.fit_csr(&o.csr(), &one, None).unwrap_err().to_string().contains("only one class"));
        assert!(LinearSVR::default().fit_csr(&o.csr(), &y[..5], None).is_err());
    }

    #[test]
    fn sparse_rows_sum_duplicates_and_append_the_bias() {
        let (indptr, indices, data) = ([0u64, 3, 4], [2u32, 0, 2, 1], [1.0, 5.0, 2.0, 7.0]);
        let m = Csr::new(2, 3, &indptr, &indices, &data).unwrap();
        let rows = SparseRows::from_csr(&m, &[1, 0], Some(10.0));
        assert_eq!((rows.n(), rows.d()), (2, 4));
        assert_eq!(rows.dot_row(1, &[1.0, 1.0, 1.0, 1.0]), 18.0);
        assert_eq!(rows.sq_norm_row(1), 25.0 + 9.0 + 100.0);
        assert_eq!(rows.dot_row(0, &[0.0, 2.0, 0.0, 0.5]), 19.0);
    }
}
