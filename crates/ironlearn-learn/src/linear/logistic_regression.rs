//! Logistic regression with an L2 penalty, fitted by L-BFGS.
//!
//! The objective is scikit-learn's: the weighted mean log loss plus
//! `||W||² / (2·C·Σw)`, binary with one coefficient vector, multinomial
//! (softmax) with one per class. Products with the data run over fixed row
//! blocks summed in block order, so the model does not depend on the
//! number of threads.

use faer::{Accum, Mat, MatRef, Par};
use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, wants_scaling)]
    pub struct LogisticRegression {
        /// Inverse regularisation strength: smaller values penalise more.
        c: f64 = 1.0, alias("C"), domain(Domain::positive());
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// The maximum number of L-BFGS iterations.
        max_iter: usize = 100, domain(Domain::int_min(1));
        /// Stop when the largest gradient component is at most this (scikit-learn's `tol`).
        tol: f64 = 1e-4, domain(Domain::positive());
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

    fn scores(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.coef.ncols(), "LogisticRegression")?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }
}

const BLOCK: usize = 8192;

/// The data as row blocks, for thread-count-independent products.
struct Design {
    blocks: Vec<Mat<f64>>,
    n: usize,
    p: usize,
}

impl Design {
    fn new(x: ArrayView2<'_, f64>) -> Self {
        let (n, p) = x.dim();
        let starts: Vec<usize> = (0..n).step_by(BLOCK).collect();
        let blocks = starts
            .par_iter()
            .map(|&s| {
                let e = (s + BLOCK).min(n);
                Mat::from_fn(e - s, p, |i, j| x[[s + i, j]])
            })
            .collect();
        Design { blocks, n, p }
    }

    /// `X Wᵀ`, with `w` of shape (k, p): (n, k).
    fn forward(&self, w: MatRef<'_, f64>) -> Vec<Mat<f64>> {
        self.blocks
            .par_iter()
            .map(|b| {
                let mut z = Mat::zeros(b.nrows(), w.nrows());
                faer::linalg::matmul::matmul(z.as_mut(), Accum::Replace, b.as_ref(), w.transpose(), 1.0, Par::Seq);
                z
            })
            .collect()
    }

    /// `Rᵀ X` for residual blocks `r` of shape (rows, k): (k, p), summed in block order.
    fn backward(&self, r: &[Mat<f64>]) -> Mat<f64> {
        let parts: Vec<Mat<f64>> = self
            .blocks
            .par_iter()
            .zip(r)
            .map(|(b, rb)| {
                let mut g = Mat::zeros(rb.ncols(), self.p);
                faer::linalg::matmul::matmul(g.as_mut(), Accum::Replace, rb.transpose(), b.as_ref(), 1.0, Par::Seq);
                g
            })
            .collect();
        let mut total = Mat::zeros(r.first().map_or(0, |m| m.ncols()), self.p);
        parts.iter().for_each(|g| total += g);
        total
    }
}

fn log1p_exp(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
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
        check_sample_weight(w, y.len())?;
        y.check_two_classes()?;
        let design = Design::new(x);
        let (n, p) = (design.n, design.p);
        let n_classes = y.n_classes();
        let k = if n_classes == 2 { 1 } else { n_classes };
        let weights: Vec<f64> = w.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        let sw: f64 = weights.iter().sum();
        let l2 = 1.0 / (self.c * sw);
        let codes = y.codes();
        let fit_b = self.fit_intercept;
        let objective = |theta: &[f64], grad: &mut [f64]| -> f64 {
            let wmat = Mat::from_fn(k, p, |c, j| theta[c * p + j]);
            let b = &theta[k * p..];
            let mut z = design.forward(wmat.as_ref());
            let mut loss = 0.0;
            let mut row = 0;
            for zb in z.iter_mut() {
                for i in 0..zb.nrows() {
                    let (wi, yi) = (weights[row], codes[row] as usize);
                    if k == 1 {
                        let zi = zb[(i, 0)] + b[0];
                        let t = if yi == 1 { 1.0 } else { 0.0 };
                        loss += wi * (log1p_exp(zi) - t * zi);
                        zb[(i, 0)] = wi * (sigmoid(zi) - t);
                    } else {
                        let m = (0..k).map(|c| zb[(i, c)] + b[c]).fold(f64::NEG_INFINITY, f64::max);
                        let s: f64 = (0..k).map(|c| (zb[(i, c)] + b[c] - m).exp()).sum();
                        loss += wi * (m + s.ln() - (zb[(i, yi)] + b[yi]));
                        for c in 0..k {
                            let pc = (zb[(i, c)] + b[c] - m).exp() / s;
                            zb[(i, c)] = wi * (pc - if c == yi { 1.0 } else { 0.0 });
                        }
                    }
                    row += 1;
                }
            }
            let g = design.backward(&z);
            let mut penalty = 0.0;
            for c in 0..k {
                for j in 0..p {
                    let t = theta[c * p + j];
                    penalty += t * t;
                    grad[c * p + j] = g[(c, j)] / sw + l2 * t;
                }
                grad[k * p + c] =
                    if fit_b { z.iter().map(|zb| zb.col(c).iter().sum::<f64>()).sum::<f64>() / sw } else { 0.0 };
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
        let s = self.scores(x)?;
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
        let s = self.scores(x)?;
        if s.ncols() == 1 {
            let mut p = Array2::zeros((s.nrows(), 2));
            for (i, z) in s.column(0).iter().enumerate() {
                let q = sigmoid(*z);
                p[[i, 0]] = 1.0 - q;
                p[[i, 1]] = q;
            }
            return Ok(p);
        }
        let mut p = s;
        for mut row in p.axis_iter_mut(Axis(0)) {
            let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.mapv_inplace(|z| (z - m).exp());
            let sum = row.sum();
            row.mapv_inplace(|e| e / sum);
        }
        Ok(p)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for LogisticRegression {
    type Model = LogisticRegressionModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LogisticRegressionModel> {
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
        Ok(Prediction::Labels(self.predict(x.to_dense()?.view())?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_proba(x.to_dense()?.view())
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.scores(x.to_dense()?.view())
    }
}

register!(LogisticRegression);
