//! What every naive Bayes classifier shares.
//!
//! A naive Bayes model is its joint log-likelihood `log P(c) + log P(x|c)`;
//! predictions are its argmax and probabilities its row-wise softmax. The
//! discrete models (multinomial, complement, Bernoulli) also share their
//! sufficient statistics (weighted class and feature counts), their
//! smoothing parameter and their class priors, computed here as
//! scikit-learn's `_BaseDiscreteNB` does.

use ironlearn_core::validate::{all_values, argmax, check_fit_input, check_sample_weight};
use ironlearn_core::{bail, ensure, Error, Labels, Result, TrainData};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use std::borrow::Cow;

/// The labels of the training data; one class is allowed, as in scikit-learn
/// (every probability is then 1).
pub(crate) fn train_labels<'a>(data: &TrainData<'a>) -> Result<Cow<'a, Labels>> {
    data.target()?.labels()
}

/// The checks of every naive Bayes `fit`: finite, non-empty `x` with a row per
/// label, and valid weights.
pub(crate) fn check_train(x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<()> {
    check_fit_input(x, y.len())?;
    check_sample_weight(w, y.len())
}

/// The predicted classes: the argmax of the joint log-likelihood (the first of ties).
pub(crate) fn predict_labels(jll: &Array2<f64>, classes: &[String]) -> Result<Labels> {
    let codes = jll.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect();
    Labels::new(classes.to_vec(), codes)
}

/// Class probabilities from the joint log-likelihood: `exp(jll - logsumexp(jll))` per row
/// (NaN where every class has likelihood 0, as in scikit-learn).
pub(crate) fn proba_from_jll(mut jll: Array2<f64>) -> Array2<f64> {
    for mut row in jll.axis_iter_mut(Axis(0)) {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // (v - m) - ln Σ exp(v - m): subtracting the max first keeps the digits a large |m| would take.
        let ln_sum = row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
        row.mapv_inplace(|v| ((v - m) - ln_sum).exp());
    }
    jll
}

/// Fails on a negative value, with scikit-learn's message.
pub(crate) fn check_non_negative(x: ArrayView2<'_, f64>, estimator: &str) -> Result<()> {
    // The cell is only looked for once a negative value is known to be there.
    let ok = |v: &f64| *v >= 0.0 || v.is_nan();
    let none_negative = |s: &[f64]| all_values(s, ok);
    if x.as_slice_memory_order().map_or_else(|| x.iter().all(ok), none_negative) {
        return Ok(());
    }
    if let Some(((row, col), _)) = x.indexed_iter().find(|(_, v)| **v < 0.0) {
        return Err(Error::at_cell(row, col, format!("Negative values in data passed to {estimator} (input X).")));
    }
    Ok(())
}

/// Checks user-given class priors: one per class, each non-negative.
pub(crate) fn check_prior_values(priors: &[f64], n_classes: usize, name: &str) -> Result<()> {
    ensure!(priors.len() == n_classes, InvalidValue, "Number of priors must match number of classes.");
    if let Some(i) = priors.iter().position(|p| !p.is_finite() || *p < 0.0) {
        bail!(InvalidValue, "{name}[{i}] is {}: Priors must be non-negative.", priors[i]);
    }
    Ok(())
}

/// The weighted sufficient statistics of the discrete models.
pub(crate) struct Counts {
    /// Weighted rows per class.
    pub class_count: Vec<f64>,
    /// Weighted feature sums per class: `Yᵀ X`, (classes, features).
    pub feature_count: Array2<f64>,
}

impl Counts {
    /// These counts added to a previous fit's (`partial_fit`: `(classes,
    /// class counts, feature counts)`), which must have the same classes and width.
    pub(crate) fn after(
        mut self,
        prev: Option<(&[String], &[f64], &Array2<f64>)>,
        y: &Labels,
        name: &str,
    ) -> Result<Counts> {
        let Some((classes, class_count, feature_count)) = prev else { return Ok(self) };
        check_continues(classes, feature_count.ncols(), y, self.feature_count.ncols(), name)?;
        self.class_count.iter_mut().zip(class_count).for_each(|(a, b)| *a += b);
        self.feature_count += feature_count;
        Ok(self)
    }
}

/// A `partial_fit` batch must have the model's width and classes.
pub(crate) fn check_continues(classes: &[String], width: usize, y: &Labels, x_width: usize, name: &str) -> Result<()> {
    ensure!(x_width == width, Shape, "X has {x_width} features, but {name} is expecting {width} features as input");
    ensure!(
        y.classes() == classes,
        InvalidValue,
        "partial_fit was given classes {:?}, but {name} was fitted with {:?}",
        y.classes(),
        classes
    );
    Ok(())
}

/// Rows a task of [`count`] sums: fixed, so the counts do not depend on the thread count.
const COUNT_ROWS: usize = 4096;

/// Counts `x` (already binarised where the model wants it) per class of `y`:
/// blocks of rows on the rayon pool, each row added to its class's sums,
/// the blocks summed in order.
pub(crate) fn count(x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Counts {
    let (k, n, p) = (y.n_classes(), x.nrows(), x.ncols());
    let codes = y.codes();
    let starts: Vec<usize> = (0..n).step_by(COUNT_ROWS).collect();
    let parts: Vec<(Vec<f64>, Array2<f64>)> = starts
        .par_iter()
        .map(|&s| {
            let (mut class_count, mut feature_count) = (vec![0.0; k], Array2::zeros((k, p)));
            for i in s..(s + COUNT_ROWS).min(n) {
                let (c, wi) = (codes[i] as usize, w.map_or(1.0, |w| w[i]));
                class_count[c] += wi;
                feature_count.row_mut(c).scaled_add(wi, &x.row(i));
            }
            (class_count, feature_count)
        })
        .collect();
    let (mut class_count, mut feature_count) = (vec![0.0; k], Array2::zeros((k, p)));
    for (cc, fc) in &parts {
        class_count.iter_mut().zip(cc).for_each(|(a, b)| *a += b);
        feature_count += fc;
    }
    Counts { class_count, feature_count }
}

/// The smoothing actually used: below 1e-10 it is raised to 1e-10 unless `force_alpha`.
pub(crate) fn effective_alpha(alpha: f64, force_alpha: bool) -> f64 {
    if force_alpha {
        alpha
    } else {
        alpha.max(1e-10)
    }
}

/// The log class priors: given ones, the class shares (`fit_prior`), or uniform.
pub(crate) fn class_log_prior(class_count: &[f64], fit_prior: bool, class_prior: Option<&[f64]>) -> Result<Vec<f64>> {
    let k = class_count.len();
    Ok(match class_prior {
        Some(p) => {
            check_prior_values(p, k, "class_prior")?;
            p.iter().map(|q| q.ln()).collect()
        }
        None if fit_prior => {
            let total = class_count.iter().sum::<f64>().ln();
            class_count.iter().map(|c| c.ln() - total).collect()
        }
        None => vec![-(k as f64).ln(); k],
    })
}

/// `x · flpᵀ + bias`: the linear joint log-likelihood of the discrete models.
pub(crate) fn linear_jll(x: ArrayView2<'_, f64>, flp: &Array2<f64>, bias: Option<&[f64]>) -> Array2<f64> {
    let mut jll = x.dot(&flp.t());
    if let Some(b) = bias {
        for mut row in jll.rows_mut() {
            row.iter_mut().zip(b).for_each(|(v, b)| *v += b);
        }
    }
    jll
}

/// Asserts `a` and `b` agree to the relative tolerance `tol` (tiny probabilities included).
#[cfg(test)]
pub(crate) fn assert_close(a: &Array2<f64>, b: &Array2<f64>, tol: f64) {
    assert_eq!(a.dim(), b.dim());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol * y.abs() + 1e-300, "{x} vs {y}\n{a}\n{b}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn probabilities_are_the_softmax_of_the_joint_log_likelihood() {
        let p = proba_from_jll(array![[0.0, 0.0], [-1000.0, -1001.0], [f64::NEG_INFINITY, 0.0]]);
        assert_eq!(p.row(0).to_vec(), [0.5, 0.5]);
        let e = (-1.0f64).exp();
        assert!((p[[1, 0]] - 1.0 / (1.0 + e)).abs() < 1e-14, "{p}");
        assert_eq!(p.row(2).to_vec(), [0.0, 1.0]);
    }

    #[test]
    fn counts_are_weighted_per_class() {
        let y = Labels::from_strings(&["a", "b", "a"]);
        let c = count(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].view(), &y, Some(&[1.0, 2.0, 0.5]));
        assert_eq!(c.class_count, [1.5, 2.0]);
        assert_eq!(c.feature_count, array![[3.5, 5.0], [6.0, 8.0]]);
    }

    #[test]
    fn alpha_is_floored_only_without_force_alpha() {
        assert_eq!(effective_alpha(0.0, true), 0.0);
        assert_eq!(effective_alpha(0.0, false), 1e-10);
        assert_eq!(effective_alpha(0.5, false), 0.5);
    }
}
