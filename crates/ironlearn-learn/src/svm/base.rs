//! What the kernel SVMs share: input checks, the one-vs-one classifier's fit and
//! outputs (SVC, NuSVC) and the single decision function (SVR, NuSVR, OneClassSVM).
//!
//! scikit-learn's classifiers expose LIBSVM's model as it is (support vectors
//! grouped by class, `dual_coef_` in LIBSVM's `sv_coef` layout, signs flipped
//! for two classes), and derive `decision_function`, `predict` and
//! `predict_proba` from the pairwise decision values in ways users rely on
//! (the "ovr" shape, `break_ties`, pairwise coupling); doing it once here
//! keeps SVC and NuSVC identical where scikit-learn's are.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight};
use ironlearn_core::{bail, ensure, Attribute, Error, Labels, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::kernel::{Gamma, Kernel};
use super::libsvm::{
    multiclass_probability, sigmoid_predict, train_classifier, train_single, Decomposition, Formulation, Settings,
    SingleFit,
};
use super::ClassWeight;

/// The kernel parameters and solver settings every kernel SVM takes.
pub(crate) struct Common<'a> {
    pub kernel: &'a str,
    pub degree: usize,
    pub gamma: &'a Gamma,
    pub coef0: f64,
    pub tol: f64,
    pub cache_size: f64,
    pub shrinking: bool,
    pub max_iter: i64,
}

impl Common<'_> {
    /// Checks what the parameter domains cannot, and resolves the kernel for `x`.
    pub(crate) fn settings(&self, x: ArrayView2<'_, f64>) -> Result<Settings> {
        if self.kernel == "precomputed" {
            return Err(Error::Unsupported(
                "kernel='precomputed' is not supported here; use 'linear', 'poly', 'rbf' or 'sigmoid'".into(),
            ));
        }
        let gamma = self.gamma.resolve(x);
        ensure!(gamma >= 0.0, InvalidValue, "gamma < 0: gamma must be non-negative, got {gamma}");
        let kernel = Kernel::new(self.kernel, gamma, self.degree as i32, self.coef0)?;
        Ok(Settings {
            kernel,
            tol: self.tol,
            cache_size: self.cache_size,
            shrinking: self.shrinking,
            max_iter: usize::try_from(self.max_iter).ok(),
            decomposition: Decomposition::Auto,
        })
    }
}

/// The fit input checks of scikit-learn's `BaseLibSVM.fit`; returns the weights (1 without).
pub(crate) fn check_input(x: ArrayView2<'_, f64>, n: usize, w: Option<&[f64]>) -> Result<Vec<f64>> {
    check_fit_input(x, n)?;
    check_sample_weight(w, n)?;
    let w = w.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
    ensure!(w.iter().any(|&v| v > 0.0), InvalidValue, "Invalid input - all samples have zero or negative weights.");
    Ok(w)
}

fn rows(x: ArrayView2<'_, f64>, idx: &[usize]) -> Array2<f64> {
    x.select(Axis(0), idx)
}

/// A fitted one-vs-one classifier (SVC, NuSVC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClassifierCore {
    pub classes: Vec<String>,
    pub kernel: Kernel,
    pub support: Vec<usize>,
    pub support_vectors: Array2<f64>,
    pub n_support: Vec<usize>,
    /// LIBSVM's `sv_coef`, `(classes − 1) × support vectors`.
    pub sv_coef: Array2<f64>,
    /// LIBSVM's `rho`, one per pair.
    pub rho: Vec<f64>,
    pub prob_a: Vec<f64>,
    pub prob_b: Vec<f64>,
    pub class_weight: Vec<f64>,
    pub n_iter: Vec<usize>,
    pub fit_status: i32,
    pub ovr: bool,
    pub break_ties: bool,
}

/// How a classifier is fitted.
pub(crate) struct ClassifierSpec<'a> {
    pub form: Formulation,
    pub c: f64,
    pub class_weight: &'a Option<ClassWeight>,
    pub probability: bool,
    pub random_state: u64,
    pub decision_function_shape: &'a str,
    pub break_ties: bool,
}

impl ClassifierCore {
    pub(crate) fn fit(
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        common: &Common<'_>,
        spec: &ClassifierSpec<'_>,
    ) -> Result<ClassifierCore> {
        let n = y.len();
        let w = check_input(x, n, w)?;
        let k = y.n_classes();
        let counts = y.counts();
        let present = counts.iter().filter(|&&c| c > 0).count();
        ensure!(present >= 2, InvalidValue, "The number of classes has to be greater than one; got {present} class");
        let kept: Vec<usize> = (0..k)
            .map(|c| y.codes().iter().zip(&w).filter(|(&code, &wi)| code as usize == c && wi > 0.0).count())
            .collect();
        if kept.iter().filter(|&&c| c > 0).count() < 2 {
            bail!(InvalidValue, "Invalid input - all samples with positive weights belong to the same class.");
        }
        if let Some(c) = kept.iter().position(|&c| c == 0) {
            bail!(InvalidValue, "class '{}' has no sample with a positive weight", y.classes()[c]);
        }
        if let Formulation::NuSvc { nu } = spec.form {
            // LIBSVM's feasibility check, with weighted counts
            let mut wc = vec![0.0; k];
            y.codes().iter().zip(&w).for_each(|(&c, &wi)| wc[c as usize] += wi);
            for i in 0..k {
                for j in (i + 1)..k {
                    if nu * (wc[i] + wc[j]) / 2.0 > wc[i].min(wc[j]) {
                        bail!(
                            InvalidValue,
                            "specified nu is infeasible: nu={nu} needs nu·(n_{a} + n_{b})/2 <= min(n_{a}, n_{b}) \
                             for classes '{a}' and '{b}' ({} and {} samples)",
                            wc[i],
                            wc[j],
                            a = y.classes()[i],
                            b = y.classes()[j]
                        );
                    }
                }
            }
        }
        if spec.break_ties && spec.decision_function_shape == "ovo" {
            bail!(InvalidValue, "break_ties must be False when decision_function_shape is 'ovo'");
        }
        let settings = common.settings(x)?;
        let class_weight = class_weights(spec.class_weight, y)?;
        let class_c: Vec<f64> = class_weight.iter().map(|cw| spec.c * cw).collect();
        let fit = train_classifier(
            x,
            y.codes(),
            k,
            &w,
            &class_c,
            spec.form,
            &settings,
            spec.probability.then_some(spec.random_state),
        );
        Ok(ClassifierCore {
            classes: y.classes().to_vec(),
            kernel: settings.kernel,
            support_vectors: rows(x, &fit.support),
            support: fit.support,
            n_support: fit.n_support,
            sv_coef: fit.sv_coef,
            rho: fit.rho,
            prob_a: fit.prob_a,
            prob_b: fit.prob_b,
            class_weight,
            n_iter: fit.n_iter,
            fit_status: i32::from(fit.timed_out),
            ovr: spec.decision_function_shape == "ovr",
            break_ties: spec.break_ties,
        })
    }

    pub(crate) fn n_features(&self) -> usize {
        self.support_vectors.ncols()
    }

    /// LIBSVM's decision values, one column per pair `(i, j)`, positive for class `i`.
    pub(crate) fn pairwise(&self, x: ArrayView2<'_, f64>, name: &str) -> Result<Array2<f64>> {
        check_predict_input(x, self.n_features(), name)?;
        let k = self.classes.len();
        let start: Vec<usize> =
            self.n_support.iter().scan(0, |s, &c| Some(std::mem::replace(s, *s + c))).collect::<Vec<_>>();
        let n_pairs = self.rho.len();
        // one coefficient row per pair, zero outside the two classes
        let mut coef = Array2::zeros((n_pairs, self.support.len()));
        let mut p = 0;
        for i in 0..k {
            for j in (i + 1)..k {
                for s in start[i]..start[i] + self.n_support[i] {
                    coef[[p, s]] = self.sv_coef[[j - 1, s]];
                }
                for s in start[j]..start[j] + self.n_support[j] {
                    coef[[p, s]] = self.sv_coef[[i, s]];
                }
                p += 1;
            }
        }
        let norms = self.kernel.needs_norms().then(|| Kernel::norms(self.support_vectors.view()));
        let mut dec =
            self.kernel.weighted_sums(x, self.support_vectors.view(), norms.as_ref().map(|n| n.view()), coef.view());
        for mut row in dec.rows_mut() {
            row.iter_mut().zip(&self.rho).for_each(|(d, r)| *d -= r);
        }
        Ok(dec)
    }

    /// scikit-learn's `decision_function`.
    pub(crate) fn decision_function(&self, x: ArrayView2<'_, f64>, name: &str) -> Result<Array2<f64>> {
        let dec = self.pairwise(x, name)?;
        let k = self.classes.len();
        if k == 2 {
            return Ok(-dec);
        }
        if !self.ovr {
            return Ok(dec);
        }
        Ok(ovr_decision(&dec, k))
    }

    /// scikit-learn's `predict`: LIBSVM's vote, or the "ovr" argmax with `break_ties`.
    pub(crate) fn predict(&self, x: ArrayView2<'_, f64>, name: &str) -> Result<Labels> {
        let dec = self.pairwise(x, name)?;
        let k = self.classes.len();
        let codes: Vec<u32> = if self.break_ties && self.ovr && k > 2 {
            ovr_decision(&dec, k)
                .rows()
                .into_iter()
                .map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32)
                .collect()
        } else {
            dec.rows()
                .into_iter()
                .map(|r| {
                    let mut votes = vec![0usize; k];
                    let mut p = 0;
                    for i in 0..k {
                        for j in (i + 1)..k {
                            votes[if r[p] > 0.0 { i } else { j }] += 1;
                            p += 1;
                        }
                    }
                    let mut best = 0;
                    for c in 1..k {
                        if votes[c] > votes[best] {
                            best = c;
                        }
                    }
                    best as u32
                })
                .collect()
        };
        Labels::new(self.classes.clone(), codes)
    }

    /// LIBSVM's probabilities: the pairwise sigmoids, clipped, coupled.
    pub(crate) fn predict_proba(&self, x: ArrayView2<'_, f64>, name: &str) -> Result<Array2<f64>> {
        if self.prob_a.is_empty() {
            return Err(Error::Unsupported("predict_proba is not available when fitted with probability=False".into()));
        }
        let dec = self.pairwise(x, name)?;
        let k = self.classes.len();
        let mut out = Array2::zeros((x.nrows(), k));
        let min_prob = 1e-7;
        for (row, mut o) in dec.rows().into_iter().zip(out.rows_mut()) {
            let mut r = Array2::zeros((k, k));
            let mut p = 0;
            for i in 0..k {
                for j in (i + 1)..k {
                    let v = sigmoid_predict(row[p], self.prob_a[p], self.prob_b[p]).clamp(min_prob, 1.0 - min_prob);
                    r[[i, j]] = v;
                    r[[j, i]] = 1.0 - v;
                    p += 1;
                }
            }
            o.assign(&multiclass_probability(&r));
        }
        Ok(out)
    }

    /// scikit-learn's `dual_coef_` (signs flipped for two classes).
    pub(crate) fn dual_coef(&self) -> Array2<f64> {
        if self.classes.len() == 2 {
            -&self.sv_coef
        } else {
            self.sv_coef.clone()
        }
    }

    /// scikit-learn's `intercept_` (`−rho`, or `rho` for two classes).
    pub(crate) fn intercept(&self) -> Array1<f64> {
        let s = if self.classes.len() == 2 { 1.0 } else { -1.0 };
        self.rho.iter().map(|r| s * r).collect()
    }
}

/// scikit-learn's `_ovr_decision_function(dec < 0, -dec, k)`: votes plus confidences squashed into (−1/3, 1/3).
fn ovr_decision(dec: &Array2<f64>, k: usize) -> Array2<f64> {
    let mut out = Array2::zeros((dec.nrows(), k));
    for (r, mut o) in dec.rows().into_iter().zip(out.rows_mut()) {
        let mut votes = vec![0.0; k];
        let mut conf = vec![0.0; k];
        let mut p = 0;
        for i in 0..k {
            for j in (i + 1)..k {
                conf[i] += r[p];
                conf[j] -= r[p];
                if r[p] < 0.0 {
                    votes[j] += 1.0;
                } else {
                    votes[i] += 1.0;
                }
                p += 1;
            }
        }
        for c in 0..k {
            o[c] = votes[c] + conf[c] / (3.0 * (conf[c].abs() + 1.0));
        }
    }
    out
}

/// The class weights, in class order, as scikit-learn's `compute_class_weight` (unweighted counts).
fn class_weights(cw: &Option<ClassWeight>, y: &Labels) -> Result<Vec<f64>> {
    let classes = y.classes();
    let k = classes.len();
    match cw {
        None => Ok(vec![1.0; k]),
        Some(ClassWeight::Named(_)) => {
            let counts = y.counts();
            let n = y.len() as f64;
            Ok(counts.iter().map(|&c| if c > 0 { n / (k as f64 * c as f64) } else { 1.0 }).collect())
        }
        Some(ClassWeight::Weights(map)) => {
            if let Some(bad) = map.keys().find(|key| !classes.contains(key)) {
                bail!(InvalidValue, "The classes, ['{bad}'], are not in class_weight");
            }
            Ok(classes.iter().map(|c| map.get(c).copied().unwrap_or(1.0)).collect())
        }
    }
}

/// A fitted single decision function (SVR, NuSVR, OneClassSVM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SingleCore {
    pub kernel: Kernel,
    pub support: Vec<usize>,
    pub support_vectors: Array2<f64>,
    /// `1 × support vectors`.
    pub dual_coef: Array2<f64>,
    pub rho: f64,
    pub n_iter: usize,
    pub fit_status: i32,
}

impl SingleCore {
    pub(crate) fn fit(
        x: ArrayView2<'_, f64>,
        y: &[f64],
        w: Option<&[f64]>,
        common: &Common<'_>,
        form: Formulation,
    ) -> Result<SingleCore> {
        let w = check_input(x, y.len(), w)?;
        let settings = common.settings(x)?;
        let SingleFit { support, coef, rho, n_iter, timed_out } = train_single(x, y, &w, form, &settings);
        Ok(SingleCore {
            kernel: settings.kernel,
            support_vectors: rows(x, &support),
            dual_coef: Array2::from_shape_vec((1, coef.len()), coef).expect("one row"),
            support,
            rho,
            n_iter,
            fit_status: i32::from(timed_out),
        })
    }

    /// `Σ coef_j K(x, sv_j) − rho` per row.
    pub(crate) fn decision(&self, x: ArrayView2<'_, f64>, name: &str) -> Result<Array1<f64>> {
        check_predict_input(x, self.support_vectors.ncols(), name)?;
        let norms = self.kernel.needs_norms().then(|| Kernel::norms(self.support_vectors.view()));
        let s = self.kernel.weighted_sums(
            x,
            self.support_vectors.view(),
            norms.as_ref().map(|n| n.view()),
            self.dual_coef.view(),
        );
        Ok(s.column(0).mapv(|v| v - self.rho))
    }
}

fn arr1<T: Copy + Into<f64>>(v: &[T]) -> Attribute {
    Attribute::Array(Array1::from_iter(v.iter().map(|&x| x.into())).into_dyn())
}

fn arr_usize(v: &[usize]) -> Attribute {
    Attribute::Array(Array1::from_iter(v.iter().map(|&x| x as f64)).into_dyn())
}

impl ClassifierCore {
    /// scikit-learn's fitted attributes, by its names.
    pub(crate) fn attributes(&self) -> Vec<(String, Attribute)> {
        let mut out = vec![
            ("classes_".to_string(), Attribute::Strings(self.classes.clone())),
            ("support_".to_string(), arr_usize(&self.support)),
            ("support_vectors_".to_string(), Attribute::Array(self.support_vectors.clone().into_dyn())),
            ("n_support_".to_string(), arr_usize(&self.n_support)),
            ("dual_coef_".to_string(), Attribute::Array(self.dual_coef().into_dyn())),
            ("intercept_".to_string(), Attribute::Array(self.intercept().into_dyn())),
            ("class_weight_".to_string(), arr1(&self.class_weight)),
            ("n_iter_".to_string(), arr_usize(&self.n_iter)),
            ("fit_status_".to_string(), Attribute::Number(f64::from(self.fit_status))),
        ];
        if !self.prob_a.is_empty() {
            out.push(("probA_".to_string(), arr1(&self.prob_a)));
            out.push(("probB_".to_string(), arr1(&self.prob_b)));
        }
        out
    }
}

impl SingleCore {
    /// scikit-learn's fitted attributes, by its names (`offset_` added by OneClassSVM).
    pub(crate) fn attributes(&self) -> Vec<(String, Attribute)> {
        vec![
            ("support_".to_string(), arr_usize(&self.support)),
            ("support_vectors_".to_string(), Attribute::Array(self.support_vectors.clone().into_dyn())),
            ("n_support_".to_string(), arr_usize(&[self.support.len()])),
            ("dual_coef_".to_string(), Attribute::Array(self.dual_coef.clone().into_dyn())),
            ("intercept_".to_string(), arr1(&[-self.rho])),
            ("n_iter_".to_string(), Attribute::Number(self.n_iter as f64)),
            ("fit_status_".to_string(), Attribute::Number(f64::from(self.fit_status))),
        ]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::svm::tests::scaled;
    use crate::test_data::load;

    /// A reference fit of scikit-learn 1.9.1 (support indices into the full X).
    pub struct ClfCase<P> {
        pub data: &'static str,
        pub scaled: bool,
        pub params: P,
        pub weighted: bool,
        pub support: &'static [usize],
        pub n_support: &'static [usize],
        /// `dual_coef_[:, :4]`, row-major.
        pub dual_head: &'static [f64],
        /// `abs(dual_coef_).sum(1)`.
        pub dual_l1: &'static [f64],
        pub intercept: &'static [f64],
        /// `decision_function(X[::n//5])`, row-major.
        pub decision: &'static [f64],
        /// class index of `predict(X)`.
        pub predicted: &'static str,
    }

    /// Weights 1, 2, 3, 1, ... with every 7th row 0 (rows LIBSVM drops).
    pub fn weights(n: usize) -> Vec<f64> {
        (0..n).map(|i| if i % 7 == 0 { 0.0 } else { 1.0 + (i % 3) as f64 }).collect()
    }

    pub fn data(name: &str, scale: bool) -> (Array2<f64>, Labels) {
        let (x, y) = load(name);
        (if scale { scaled(&x) } else { x }, Labels::from_strings(&y))
    }

    pub fn probes(x: &Array2<f64>) -> Array2<f64> {
        let step = (x.nrows() / 5).max(1);
        x.select(Axis(0), &(0..x.nrows()).step_by(step).collect::<Vec<_>>())
    }

    pub fn close(got: &[f64], want: &[f64], tol: f64, what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol * w.abs().max(1.0), "{what}[{k}]: got {g}, want {w}");
        }
    }

    /// Compares a fitted classifier with scikit-learn's numbers.
    pub fn check_classifier<P>(core: &ClassifierCore, x: &Array2<f64>, case: &ClfCase<P>) {
        let what = case.data;
        assert_eq!(core.support, case.support, "{what}: support_");
        assert_eq!(core.n_support, case.n_support, "{what}: n_support_");
        let dc = core.dual_coef();
        let head: Vec<f64> =
            dc.rows().into_iter().flat_map(|r| r.iter().take(4).copied().collect::<Vec<_>>()).collect();
        close(&head, case.dual_head, 1e-4, &format!("{what} dual_coef_"));
        let l1: Vec<f64> = dc.rows().into_iter().map(|r| r.iter().map(|v| v.abs()).sum()).collect();
        close(&l1, case.dual_l1, 1e-5, &format!("{what} |dual_coef_|"));
        close(core.intercept().as_slice().unwrap(), case.intercept, 1e-4, &format!("{what} intercept_"));
        let d = core.decision_function(probes(x).view(), "test").unwrap();
        close(&d.iter().copied().collect::<Vec<_>>(), case.decision, 1e-4, &format!("{what} decision_function"));
        let pred: String = core.predict(x.view(), "test").unwrap().codes().iter().map(|c| c.to_string()).collect();
        let differ = pred.chars().zip(case.predicted.chars()).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{what}: predictions differ from scikit-learn's in {differ} rows");
    }

    pub fn diabetes() -> (Array2<f64>, Vec<f64>) {
        let (x, y) = load("diabetes");
        (scaled(&x), y.iter().map(|v| v.parse().unwrap()).collect())
    }

    /// A reference regression or one-class fit on diabetes (standardised) of scikit-learn 1.9.1.
    pub struct RegCase<P> {
        pub params: P,
        pub weighted: bool,
        pub support: &'static [usize],
        pub dual_head: &'static [f64],
        pub dual_l1: f64,
        pub intercept: f64,
        /// `predict` (regression) or `decision_function` (one-class) of `X[::n//5]`.
        pub output: &'static [f64],
    }

    pub fn check_single<P>(core: &SingleCore, x: &Array2<f64>, case: &RegCase<P>) {
        assert_eq!(core.support, case.support, "support_");
        let head: Vec<f64> = core.dual_coef.iter().take(4).copied().collect();
        close(&head, case.dual_head, 1e-4, "dual_coef_");
        close(&[core.dual_coef.iter().map(|v| v.abs()).sum()], &[case.dual_l1], 1e-5, "|dual_coef_|");
        close(&[-core.rho], &[case.intercept], 1e-4, "intercept_");
        let d = core.decision(probes(x).view(), "test").unwrap();
        close(d.as_slice().unwrap(), case.output, 1e-4, "output");
    }
}
