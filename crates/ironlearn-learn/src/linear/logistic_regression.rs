//! Logistic regression with an L2 penalty, fitted by L-BFGS.
//!
//! The objective is scikit-learn's: the weighted mean log loss plus
//! `||W||² / (2·C·Σw)`, binary with one coefficient vector, multinomial
//! (softmax) with one per class. Products with the data run over fixed row
//! blocks summed in block order, so the model does not depend on the
//! number of threads. Each evaluation reads the data once: a block's
//! scores, residuals and gradient are made while it is in cache (the
//! binary loss row by row, with no product buffers), since an L-BFGS fit on
//! tall data is a handful of passes bound by memory, not arithmetic.
//!
//! Sparse (CSR) input runs the same objective with sparse products (no
//! densifying; the intercept is a separate unpenalised term, so no centring
//! is needed). `class_weight` multiplies the sample weights, as scikit-learn does.

use faer::{Accum, Mat, MatRef, Par};
use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ridge_classifier::{class_weight_ok, class_weights, ClassWeight};
use super::sparse_ops::{check_csr_fit, csr_dot_t, csr_t_dot_many, linear_scores};
use ironlearn_core::sparse::Csr;

hyperparams! {
    /// Logistic regression (binary or multinomial) with an L2 penalty.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict, PredictProba};
    /// use ironlearn_learn::LogisticRegression;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Labels::from_strings(&["no", "no", "yes", "yes"]);
    /// let model = LogisticRegression::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.2], [2.8]].view())?.to_strings(), ["no", "yes"]);
    /// let p = model.predict_proba(array![[1.5]].view())?;
    /// assert!((p[[0, 0]] - 0.5).abs() < 1e-3); // symmetric data: even odds at the middle
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "logistic_regression"]
    #[aliases("logistic", "logreg")]
    #[tags(task = Some(Task::Classification), sample_weight, sparse, predict_proba, wants_scaling, decision_function)]
    pub struct LogisticRegression {
        /// Inverse regularisation strength: smaller values penalise more.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// The maximum number of L-BFGS iterations.
        max_iter: usize = 100, domain(Domain::int_min(1));
        /// Stop when the largest gradient component is at most this (scikit-learn's `tol`).
        tol: f64 = 1e-4, domain(Domain::positive());
        /// Weights per class, multiplying the sample weights: a dict of class label to weight, or
        /// "balanced" (`Σw / (n_classes · Σw of the class)`); None gives every class weight 1.
        class_weight: Option<ClassWeight> = None,
            check(class_weight_ok, "'balanced' or a dict of non-negative weights per class");
    }
}

/// A fitted [`LogisticRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionModel {
    params: LogisticRegression,
    classes: Vec<String>,
    /// One row per class (a single row for two classes), one column per feature.
    coef: Array2<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    intercept: Array1<f64>,
    n_iter: usize,
    converged: bool,
}

impl LogisticRegressionModel {
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// L-BFGS iterations used.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the solver reached `tol` within `max_iter`.
    pub fn converged(&self) -> bool {
        self.converged
    }

    fn scores_data(&self, x: &Features<'_>) -> Result<Array2<f64>> {
        linear_scores(x, self.coef.view(), self.intercept.view(), "LogisticRegression")
    }

    fn scores(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.coef.ncols(), "LogisticRegression")?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }
}

/// Rows of a block for the sparse products (fixed, so sums do not depend on the thread count).
const BLOCK: usize = 8192;

/// Bytes of dense rows a block holds: small enough to stay in L2 between
/// its two products, so each evaluation reads the data from memory once.
const BLOCK_BYTES: usize = 256 * 1024;

/// The data: dense rows (borrowed when in standard layout) or a CSR matrix.
struct Design<'a> {
    dense: std::borrow::Cow<'a, [f64]>,
    sparse: Option<Csr<'a>>,
    n: usize,
    p: usize,
}

impl<'a> Design<'a> {
    fn from_csr(x: Csr<'a>) -> Self {
        Design { dense: std::borrow::Cow::Borrowed(&[]), sparse: Some(x), n: x.n_rows(), p: x.n_cols() }
    }

    fn new(x: ArrayView2<'a, f64>) -> Self {
        let (n, p) = x.dim();
        let dense = match x.to_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(x.iter().copied().collect()),
        };
        Design { dense, sparse: None, n, p }
    }

    /// Rows of a dense block (a function of the width alone).
    fn block_rows(&self) -> usize {
        (BLOCK_BYTES / (8 * self.p.max(1))).clamp(64, BLOCK)
    }

    /// The binary objective's pass over dense rows: each row's score, loss
    /// and residual, and the residual times the row added to the gradient,
    /// while the row is in L1 (no score buffer, no product packing the
    /// block). Returns the loss, the gradient of the coefficients and the
    /// residuals' sum, summed per block and then in block order.
    fn binary_pass(&self, w: &[f64], b: f64, weights: &[f64], codes: &[u32]) -> (f64, Vec<f64>, f64) {
        let p = self.p;
        let rows = self.block_rows();
        let starts: Vec<usize> = (0..self.n).step_by(rows).collect();
        let parts: Vec<(f64, Vec<f64>, f64)> = starts
            .par_iter()
            .map(|&s| {
                let e = (s + rows).min(self.n);
                let block =
                    Block { x: &self.dense[s * p..e * p], p, w, b, weights: &weights[s..e], codes: &codes[s..e] };
                let mut g = vec![0.0; p];
                #[cfg(target_arch = "x86_64")]
                if avx512() {
                    // SAFETY: the CPU has the features `binary_rows_avx512` is compiled for.
                    #[allow(unsafe_code)]
                    let (loss, rsum) = unsafe { binary_rows_avx512(&block, &mut g) };
                    return (loss, g, rsum);
                }
                let (loss, rsum) = binary_rows(&block, &mut g);
                (loss, g, rsum)
            })
            .collect();
        let (mut loss, mut total, mut rsum) = (0.0, vec![0.0; p], 0.0);
        for (l, g, r) in &parts {
            loss += l;
            total.iter_mut().zip(g).for_each(|(t, v)| *t += v);
            rsum += r;
        }
        (loss, total, rsum)
    }

    /// One pass over the data for `w` of shape (k, p): each block's scores
    /// `Z_b = X_b Wᵀ` (rows, k) are turned by `residuals(first row, Z_b)` into
    /// residuals in place (it returns the block's loss), then `R_bᵀ X_b` is
    /// taken while the block is in cache. Returns the loss, `Rᵀ X` (k, p) and
    /// each residual column's sum, all summed in block order.
    fn pass(
        &self,
        w: MatRef<'_, f64>,
        residuals: impl Fn(usize, &mut Mat<f64>) -> f64 + Sync,
    ) -> (f64, Mat<f64>, Vec<f64>) {
        let (k, p) = (w.nrows(), self.p);
        let col_sums = |r: &Mat<f64>| (0..k).map(|c| r.col(c).iter().sum::<f64>()).collect::<Vec<f64>>();
        if let Some(x) = &self.sparse {
            let wa = Array2::from_shape_fn((k, p), |(c, j)| w[(c, j)]);
            let z = csr_dot_t(x, wa.view());
            let (mut loss, mut sums, mut flat) = (0.0, vec![0.0; k], Vec::with_capacity(self.n * k));
            for s in (0..self.n).step_by(BLOCK) {
                let e = (s + BLOCK).min(self.n);
                let mut r = Mat::from_fn(e - s, k, |i, c| z[[s + i, c]]);
                loss += residuals(s, &mut r);
                sums.iter_mut().zip(col_sums(&r)).for_each(|(t, v)| *t += v);
                flat.extend((0..e - s).flat_map(|i| (0..k).map(move |c| (i, c))).map(|(i, c)| r[(i, c)]));
            }
            let g = csr_t_dot_many(x, &flat, k);
            return (loss, Mat::from_fn(k, p, |c, j| g[[c, j]]), sums);
        }
        let rows = self.block_rows();
        let starts: Vec<usize> = (0..self.n).step_by(rows).collect();
        let parts: Vec<(f64, Mat<f64>, Vec<f64>)> = starts
            .par_iter()
            .map(|&s| {
                let e = (s + rows).min(self.n);
                let xb = MatRef::from_row_major_slice(&self.dense[s * p..e * p], e - s, p);
                let mut r = Mat::zeros(e - s, k);
                ironlearn_linalg::matmul(r.as_mut(), Accum::Replace, xb, w.transpose(), 1.0, Par::Seq);
                let loss = residuals(s, &mut r);
                let mut g = Mat::zeros(k, p);
                ironlearn_linalg::matmul(g.as_mut(), Accum::Replace, r.transpose(), xb, 1.0, Par::Seq);
                (loss, g, col_sums(&r))
            })
            .collect();
        let (mut loss, mut total, mut sums) = (0.0, Mat::zeros(k, p), vec![0.0; k]);
        for (l, g, cs) in &parts {
            loss += l;
            total += g;
            sums.iter_mut().zip(cs).for_each(|(t, v)| *t += v);
        }
        (loss, total, sums)
    }
}

/// A block of dense rows for the binary pass.
struct Block<'a> {
    x: &'a [f64],
    p: usize,
    w: &'a [f64],
    b: f64,
    weights: &'a [f64],
    codes: &'a [u32],
}

#[cfg(target_arch = "x86_64")]
fn avx512() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn binary_rows_avx512(block: &Block<'_>, g: &mut [f64]) -> (f64, f64) {
    binary_rows(block, g)
}

/// The block's `(loss, Σ residuals)`, adding each residual times its row to
/// `g`. Eight rows at a time: their scores (each a dot product whose eight
/// partial sums are the lanes, added in a fixed tree), then their losses
/// and residuals across the lanes (the exponential and logarithm as
/// vectorisable arithmetic), then the gradient row by row. The same source
/// compiles for AVX-512 and without, to the same bits.
#[inline(always)]
fn binary_rows(block: &Block<'_>, g: &mut [f64]) -> (f64, f64) {
    let (mut loss, mut rsum) = (0.0, 0.0);
    let p = block.p;
    let n = block.weights.len();
    let (mut z, mut wl, mut yl) = ([0.0f64; 8], [0.0f64; 8], [0u32; 8]);
    for s in (0..n).step_by(8) {
        let m = (n - s).min(8);
        for k in 0..8 {
            // Lanes past the block's end score 0 with weight 0: computed, never used.
            (z[k], wl[k], yl[k]) = if k < m {
                let xi = &block.x[(s + k) * p..(s + k + 1) * p];
                (ironlearn_linalg::vector_math::dot(xi, block.w) + block.b, block.weights[s + k], block.codes[s + k])
            } else {
                (0.0, 0.0, 0)
            };
        }
        let mut lr = [(0.0f64, 0.0f64); 8];
        for k in 0..8 {
            lr[k] = binary_point(z[k], yl[k], wl[k]);
        }
        for (k, &(l, r)) in lr.iter().enumerate().take(m) {
            loss += l;
            rsum += r;
            let xi = &block.x[(s + k) * p..(s + k + 1) * p];
            g.iter_mut().zip(xi).for_each(|(gj, &xj)| *gj += r * xj);
        }
    }
    (loss, rsum)
}

/// A row's weighted loss and residual at score `z`, class code `y` and weight `w`.
#[inline(always)]
fn binary_point(z: f64, y: u32, w: f64) -> (f64, f64) {
    let t = if y == 1 { 1.0 } else { 0.0 };
    // log(1 + e^z) and the sigmoid (as `sigmoid` computes it) from one
    // exponential, e^(-|z|), without overflow on either side.
    let e = ironlearn_linalg::vector_math::exp(-z.abs());
    let u = 1.0 + e;
    let log1p = ln_1p_unit(e);
    let (l, q) = if z > 0.0 { (z + log1p, 1.0 / u) } else { (log1p, e / u) };
    (w * (l - t * z), w * (q - t))
}

/// `1 / (2k + 1)` for k = 0..=17: the series of `atanh(s) / s` in `s²`.
const ATANH: [f64; 18] = {
    let mut c = [0.0; 18];
    let mut k = 0;
    while k < 18 {
        c[k] = 1.0 / (2 * k + 1) as f64;
        k += 1;
    }
    c
};

/// `ln(1 + e)` for `e` in [0, 1] as `2·atanh(s)`, `s = e / (2 + e)` in
/// [0, 1/3]: a polynomial in `s²` (the first term left out is below
/// 2e-19), arithmetic that vectorises where libm's `log1p` (a quarter of a
/// fit at 200k x 50) and `ln` are calls. Within 6 ulp of `log1p` (a test;
/// 88% of values within 1), far below what the solver's tolerance can see.
#[inline(always)]
fn ln_1p_unit(e: f64) -> f64 {
    let s = e / (2.0 + e);
    let t = s * s;
    let (t2, pair) = (t * t, |i: usize| ATANH[i] + ATANH[i + 1] * t);
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    // Estrin's scheme over the nine pairs: the additions wait on few products.
    let low = (pair(0) + t2 * pair(2)) + t4 * (pair(4) + t2 * pair(6));
    let high = (pair(8) + t2 * pair(10)) + t4 * (pair(12) + t2 * pair(14));
    let series = low + t8 * (high + t8 * pair(16));
    2.0 * s * series
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Fit<Labels> for LogisticRegression {
    type Fitted = LogisticRegressionModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<LogisticRegressionModel> {
        self.validate()?;
        check_fit_input(x, y.len())?;
        self.fit_design(&Design::new(x), y, w)
    }
}

impl LogisticRegression {
    /// Fits on sparse (CSR) input without densifying it; the same model as on the dense matrix.
    pub fn fit_csr(&self, x: &Csr<'_>, y: &Labels, w: Option<&[f64]>) -> Result<LogisticRegressionModel> {
        self.validate()?;
        check_csr_fit(x, y.len())?;
        self.fit_design(&Design::from_csr(*x), y, w)
    }

    fn fit_design(&self, design: &Design<'_>, y: &Labels, w: Option<&[f64]>) -> Result<LogisticRegressionModel> {
        check_sample_weight(w, y.len())?;
        y.check_two_classes()?;
        let (n, p) = (design.n, design.p);
        let n_classes = y.n_classes();
        let k = if n_classes == 2 { 1 } else { n_classes };
        let mut weights: Vec<f64> = w.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        if let Some(cw) = &self.class_weight {
            let per_class = match cw {
                // scikit-learn's compute_class_weight with the sample weights: Σw / (k · Σw of the class).
                ClassWeight::Named(name) if name == "balanced" => {
                    let mut counts = vec![0.0; n_classes];
                    y.codes().iter().zip(&weights).for_each(|(&c, w)| counts[c as usize] += w);
                    let total: f64 = counts.iter().sum();
                    counts.iter().map(|&c| if c > 0.0 { total / (n_classes as f64 * c) } else { 1.0 }).collect()
                }
                other => class_weights(Some(other), y)?,
            };
            weights.iter_mut().zip(y.codes()).for_each(|(w, &c)| *w *= per_class[c as usize]);
        }
        ironlearn_core::ensure!(
            weights.iter().any(|&v| v > 0.0),
            InvalidValue,
            "the class and sample weights are zero for every row"
        );
        let sw: f64 = weights.iter().sum();
        let l2 = 1.0 / (self.c * sw);
        let codes = y.codes();
        let fit_b = self.fit_intercept;
        let objective = |theta: &[f64], grad: &mut [f64]| -> f64 {
            let wmat = Mat::from_fn(k, p, |c, j| theta[c * p + j]);
            let b = &theta[k * p..];
            let residuals = |first: usize, zb: &mut Mat<f64>| -> f64 {
                let mut loss = 0.0;
                for i in 0..zb.nrows() {
                    let (wi, yi) = (weights[first + i], codes[first + i] as usize);
                    if k == 1 {
                        let (l, r) = binary_point(zb[(i, 0)] + b[0], yi as u32, wi);
                        loss += l;
                        zb[(i, 0)] = r;
                    } else {
                        let m = (0..k).map(|c| zb[(i, c)] + b[c]).fold(f64::NEG_INFINITY, f64::max);
                        let zy = zb[(i, yi)] + b[yi];
                        // Each exponential once: kept in place, then normalised.
                        let mut s = 0.0;
                        for c in 0..k {
                            let e = (zb[(i, c)] + b[c] - m).exp();
                            zb[(i, c)] = e;
                            s += e;
                        }
                        loss += wi * (m + s.ln() - zy);
                        for c in 0..k {
                            let pc = zb[(i, c)] / s;
                            zb[(i, c)] = wi * (pc - if c == yi { 1.0 } else { 0.0 });
                        }
                    }
                }
                loss
            };
            if k == 1 && design.sparse.is_none() {
                let (loss, g, rsum) = design.binary_pass(&theta[..p], b[0], &weights, codes);
                let mut penalty = 0.0;
                for j in 0..p {
                    penalty += theta[j] * theta[j];
                    grad[j] = g[j] / sw + l2 * theta[j];
                }
                grad[p] = if fit_b { rsum / sw } else { 0.0 };
                return loss / sw + 0.5 * l2 * penalty;
            }
            let (loss, g, sums) = design.pass(wmat.as_ref(), residuals);
            let mut penalty = 0.0;
            for c in 0..k {
                for j in 0..p {
                    let t = theta[c * p + j];
                    penalty += t * t;
                    grad[c * p + j] = g[(c, j)] / sw + l2 * t;
                }
                grad[k * p + c] = if fit_b { sums[c] / sw } else { 0.0 };
            }
            loss / sw + 0.5 * l2 * penalty
        };
        let opts = ironlearn_linalg::Lbfgs { max_iter: self.max_iter, gtol: self.tol, ..Default::default() };
        let res = ironlearn_linalg::minimize(objective, vec![0.0; k * p + k], &opts);
        let coef = Array2::from_shape_vec((k, p), res.x[..k * p].to_vec()).expect("k·p coefficients");
        Ok(LogisticRegressionModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            coef,
            intercept: Array1::from(res.x[k * p..].to_vec()),
            n_iter: res.n_iter,
            converged: res.converged,
        })
    }
}

impl Predict for LogisticRegressionModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        self.labels_from(self.scores(x)?)
    }
}

impl LogisticRegressionModel {
    fn labels_from(&self, s: Array2<f64>) -> Result<Labels> {
        let codes = if s.ncols() == 1 {
            s.column(0).iter().map(|&z| u32::from(z > 0.0)).collect()
        } else {
            s.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32).collect()
        };
        Labels::new(self.classes.clone(), codes)
    }
}

impl PredictProba for LogisticRegressionModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        Ok(proba_from(self.scores(x)?))
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

/// Class probabilities from decision scores (one column: binary).
fn proba_from(s: Array2<f64>) -> Array2<f64> {
    if s.ncols() == 1 {
        let mut p = Array2::zeros((s.nrows(), 2));
        for (i, z) in s.column(0).iter().enumerate() {
            let q = sigmoid(*z);
            p[[i, 0]] = 1.0 - q;
            p[[i, 1]] = q;
        }
        return p;
    }
    let mut p = s;
    for mut row in p.axis_iter_mut(Axis(0)) {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|z| (z - m).exp());
        let sum = row.sum();
        row.mapv_inplace(|e| e / sum);
    }
    p
}

impl Learn for LogisticRegression {
    type Model = LogisticRegressionModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LogisticRegressionModel> {
        if let Features::Sparse(m) = &data.x {
            return self.fit_csr(m, &*data.labels()?, data.weight);
        }
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for LogisticRegressionModel {
    type Estimator = LogisticRegression;

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Labels(self.labels_from(self.scores_data(&x)?)?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Ok(proba_from(self.scores_data(&x)?))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.scores_data(&x)
    }
}

register!(LogisticRegression);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_1p_unit_is_within_six_ulp_of_libm() {
        let mut worst = 0;
        let grid = (0..=200_000).map(|i| i as f64 / 200_000.0);
        let tiny = (0..1000).map(|i| f64::from_bits(1 + i * 4_503_599_627_370_496)); // 0 up through the exponents
        for e in grid.chain(tiny).filter(|e| (0.0..=1.0).contains(e)) {
            let (got, want) = (ln_1p_unit(e), e.ln_1p());
            worst = worst.max(got.to_bits().abs_diff(want.to_bits()));
        }
        assert!(worst <= 6, "{worst} ulp");
    }
    use crate::linear::sparse_ops::tests::{sparse_data, OwnedCsr};
    use std::collections::BTreeMap;

    fn close(got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn sparse_equals_dense_equals_scikit_learn_with_class_weight() {
        // X, y = sparse_data(40, 4) (see sparse_ops::tests); Xs = scipy.sparse.csr_matrix(X)
        // yb = ['a' if v < np.median(y) else 'b' for v in y]; y3 = np.array(['p','q','r'])[np.arange(40) % 3]
        // w = np.arange(40) % 4 + 0.5; LogisticRegression(tol=1e-10, max_iter=1000, **kw).fit(Xs, yy, sample_weight=fw)
        let (x, y) = sparse_data(40, 4);
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        let median = (sorted[19] + sorted[20]) / 2.0;
        let yb: Vec<&str> = y.iter().map(|&v| if v < median { "a" } else { "b" }).collect();
        let y3: Vec<&str> = (0..40).map(|i| ["p", "q", "r"][i % 3]).collect();
        let w: Vec<f64> = (0..40).map(|i| (i % 4) as f64 + 0.5).collect();
        let dict = ClassWeight::Weights(BTreeMap::from([("p".to_string(), 2.0), ("r".to_string(), 0.5)]));
        let balanced = || Some(ClassWeight::Named("balanced".into()));
        type Case<'a> = (&'a [&'a str], Option<ClassWeight>, Option<&'a [f64]>, Vec<f64>, Vec<f64>);
        let cases: Vec<Case<'_>> = vec![
            (
                &yb,
                None,
                None,
                vec![-0.5918271773396777, -0.7083755303269197, 1.2402094743730239, 1.844185380234121],
                vec![-0.7755732425865323],
            ),
            // class_weight='balanced', sample_weight=w
            (
                &yb,
                balanced(),
                Some(&w),
                vec![-0.5562807069342469, -0.6798684633216859, 1.5266341143205742, 2.378914591961598],
                vec![-1.1039503326934337],
            ),
            // class_weight={'p': 2.0, 'r': 0.5}
            (
                &y3,
                Some(dict),
                None,
                vec![
                    0.4704877086256111,
                    -0.48325474321296563,
                    -0.5696625264087622,
                    0.9337139631665935,
                    -0.2559748517219674,
                    0.8198011089833248,
                    -0.4855888275410485,
                    -0.5521751485739166,
                    -0.21451285690364327,
                    -0.33654636577035907,
                    1.0552513539498107,
                    -0.3815388145926767,
                ],
                vec![0.5015477722432954, 0.13043618202107649, -0.6319839542643713],
            ),
            // class_weight='balanced', sample_weight=w (weighted class counts)
            (
                &y3,
                balanced(),
                Some(&w),
                vec![
                    1.0359168338740854,
                    -0.35887421320492363,
                    -0.31214276610479447,
                    1.5235846884356665,
                    -0.5158898572258379,
                    0.839950173383416,
                    -0.41271326411079884,
                    -0.7561045485175624,
                    -0.5200269766482468,
                    -0.4810759601784927,
                    0.724856030215594,
                    -0.767480139918104,
                ],
                vec![-0.776697824177845, 0.3732579624648569, 0.4034398617129878],
            ),
        ];
        let o = OwnedCsr::from_dense(x.view());
        for (labels, class_weight, w, coef, intercept) in cases {
            let labels = Labels::from_strings(labels);
            let p = LogisticRegression { tol: 1e-10, max_iter: 1000, class_weight, ..Default::default() };
            let dense = p.fit_weighted(x.view(), &labels, w).unwrap();
            let sparse = p.fit_csr(&o.csr(), &labels, w).unwrap();
            for m in [&dense, &sparse] {
                close(m.coef().as_slice().unwrap(), &coef, 1e-6);
                close(m.intercept().as_slice().unwrap(), &intercept, 1e-6);
            }
            let pd = dense.predict_proba_data(Features::Dense(x.view())).unwrap();
            let ps = sparse.predict_proba_data(Features::Sparse(o.csr())).unwrap();
            assert!((pd - ps).iter().all(|d| d.abs() < 1e-6));
            let (Prediction::Labels(a), Prediction::Labels(b)) = (
                dense.predict_data(Features::Dense(x.view())).unwrap(),
                sparse.predict_data(Features::Sparse(o.csr())).unwrap(),
            ) else {
                panic!()
            };
            assert_eq!(a.to_strings(), b.to_strings());
        }
    }

    #[test]
    fn class_weight_errors() {
        let (x, _) = sparse_data(6, 2);
        let y = Labels::from_strings(&["a", "b", "a", "b", "a", "b"]);
        let unknown = ClassWeight::Weights(BTreeMap::from([("z".to_string(), 2.0)]));
        let err = LogisticRegression { class_weight: Some(unknown), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'z'"), "{err}");
        let bad = LogisticRegression { class_weight: Some(ClassWeight::Named("even".into())), ..Default::default() };
        assert!(bad.fit(x.view(), &y).is_err());
        let zero = ClassWeight::Weights(BTreeMap::from([("a".to_string(), 0.0), ("b".to_string(), 0.0)]));
        let err = LogisticRegression { class_weight: Some(zero), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err()
            .to_string();
        assert!(err.contains("zero for every row"), "{err}");
        // The width is checked for sparse input too.
        let model = LogisticRegression::default().fit(x.view(), &y).unwrap();
        let o = OwnedCsr::from_dense(x.slice(ndarray::s![.., ..1]));
        assert!(model.decision_function_data(Features::Sparse(o.csr())).is_err());
    }
}
