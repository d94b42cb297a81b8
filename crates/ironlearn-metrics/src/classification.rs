//! Classification metrics on class codes (`0..n_classes`).

use ironlearn_core::{bail, ensure, Result};
use ndarray::{Array2, ArrayView2};

use crate::{check_lengths, weight};

/// How per-class scores are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// The score of one class (the positive class code).
    Binary(u32),
    /// The unweighted mean over classes present in `y_true` or `y_pred`.
    Macro,
    /// The mean over classes weighted by their support.
    Weighted,
    /// Global counts of true positives, false negatives and false positives.
    Micro,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The fraction of rows predicted correctly.
pub fn accuracy<T: PartialEq>(y_true: &[T], y_pred: &[T], w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), y_pred.len(), w)?;
    let (mut hit, mut total) = (0.0, 0.0);
    for i in 0..y_true.len() {
        total += weight(w, i);
        if y_true[i] == y_pred[i] {
            hit += weight(w, i);
        }
    }
    Ok(hit / total)
}

fn check_codes(y: &[u32], n_classes: usize, what: &str) -> Result<()> {
    if let Some(i) = y.iter().position(|&c| c as usize >= n_classes) {
        bail!(InvalidValue, "{what}[{i}] = {} is not a class code below {n_classes}", y[i]);
    }
    Ok(())
}

/// The confusion matrix: row = true class, column = predicted class.
pub fn confusion_matrix(y_true: &[u32], y_pred: &[u32], n_classes: usize, w: Option<&[f64]>) -> Result<Array2<f64>> {
    check_lengths(y_true.len(), y_pred.len(), w)?;
    check_codes(y_true, n_classes, "y_true")?;
    check_codes(y_pred, n_classes, "y_pred")?;
    let mut m = Array2::zeros((n_classes, n_classes));
    for i in 0..y_true.len() {
        m[[y_true[i] as usize, y_pred[i] as usize]] += weight(w, i);
    }
    Ok(m)
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Precision, recall and F1 with scikit-learn's conventions (0 where undefined).
pub fn precision_recall_f1(
    y_true: &[u32],
    y_pred: &[u32],
    n_classes: usize,
    average: Average,
    w: Option<&[f64]>,
) -> Result<Prf> {
    let cm = confusion_matrix(y_true, y_pred, n_classes, w)?;
    let tp: Vec<f64> = (0..n_classes).map(|k| cm[[k, k]]).collect();
    let pred: Vec<f64> = (0..n_classes).map(|k| cm.column(k).sum()).collect();
    let support: Vec<f64> = (0..n_classes).map(|k| cm.row(k).sum()).collect();
    let per_class = |k: usize| {
        let p = ratio(tp[k], pred[k]);
        let r = ratio(tp[k], support[k]);
        Prf { precision: p, recall: r, f1: ratio(2.0 * tp[k], pred[k] + support[k]) }
    };
    Ok(match average {
        Average::Binary(pos) => {
            ensure!((pos as usize) < n_classes, InvalidValue, "positive class {pos} is not below {n_classes}");
            per_class(pos as usize)
        }
        Average::Micro => {
            let t: f64 = tp.iter().sum();
            let p = ratio(t, pred.iter().sum());
            let r = ratio(t, support.iter().sum());
            Prf { precision: p, recall: r, f1: ratio(2.0 * p * r, p + r) }
        }
        Average::Macro | Average::Weighted => {
            let present: Vec<usize> = (0..n_classes).filter(|&k| support[k] > 0.0 || pred[k] > 0.0).collect();
            let wk = |k: usize| if average == Average::Macro { 1.0 } else { support[k] };
            let total: f64 = present.iter().map(|&k| wk(k)).sum();
            let mean = |f: &dyn Fn(Prf) -> f64| ratio(present.iter().map(|&k| wk(k) * f(per_class(k))).sum(), total);
            Prf { precision: mean(&|s| s.precision), recall: mean(&|s| s.recall), f1: mean(&|s| s.f1) }
        }
    })
}

/// Area under the ROC curve for a binary target; ties in `score` count half.
pub fn roc_auc(y_true: &[bool], score: &[f64], w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), score.len(), w)?;
    if let Some(i) = score.iter().position(|s| !s.is_finite()) {
        bail!(InvalidValue, "score[{i}] is {}; scores must be finite", score[i]);
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let (mut tp, mut fp, mut area) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let (tp0, fp0) = (tp, fp);
        let s = score[order[i]];
        while i < order.len() && score[order[i]] == s {
            let r = order[i];
            if y_true[r] {
                tp += weight(w, r);
            } else {
                fp += weight(w, r);
            }
            i += 1;
        }
        area += (fp - fp0) * (tp + tp0) / 2.0;
    }
    ensure!(
        tp > 0.0 && fp > 0.0,
        InvalidValue,
        "Only one class present in y_true. ROC AUC score is not defined in that case."
    );
    Ok(area / (tp * fp))
}

/// Macro-averaged one-vs-rest ROC AUC from class probabilities.
pub fn roc_auc_ovr(y_true: &[u32], proba: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<f64> {
    let k = proba.ncols();
    check_lengths(y_true.len(), proba.nrows(), w)?;
    check_codes(y_true, k, "y_true")?;
    if k == 2 {
        let pos: Vec<bool> = y_true.iter().map(|&c| c == 1).collect();
        return roc_auc(&pos, &proba.column(1).to_vec(), w);
    }
    let mut total = 0.0;
    for c in 0..k {
        let pos: Vec<bool> = y_true.iter().map(|&t| t as usize == c).collect();
        total += roc_auc(&pos, &proba.column(c).to_vec(), w)?;
    }
    Ok(total / k as f64)
}

/// Cross-entropy of class probabilities, clipped to `[ε, 1-ε]` and renormalised.
pub fn log_loss(y_true: &[u32], proba: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), proba.nrows(), w)?;
    check_codes(y_true, proba.ncols(), "y_true")?;
    let eps = f64::EPSILON;
    let (mut s, mut sw) = (0.0, 0.0);
    for (i, row) in proba.rows().into_iter().enumerate() {
        let sum: f64 = row.iter().map(|p| p.clamp(eps, 1.0 - eps)).sum();
        let p = row[y_true[i] as usize].clamp(eps, 1.0 - eps) / sum;
        s -= weight(w, i) * p.ln();
        sw += weight(w, i);
    }
    Ok(s / sw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn known_values() {
        // scikit-learn's documented examples.
        let (t, p) = ([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]);
        let m = precision_recall_f1(&t, &p, 3, Average::Macro, None).unwrap();
        assert!((m.precision - 0.222_222_222_222_222_2).abs() < 1e-12);
        assert!((m.recall - 1.0 / 3.0).abs() < 1e-12);
        assert!((m.f1 - 0.266_666_666_666_666_6).abs() < 1e-12);
        let w = precision_recall_f1(&t, &p, 3, Average::Weighted, None).unwrap();
        assert!((w.f1 - 0.266_666_666_666_666_6).abs() < 1e-12);
        let auc = roc_auc(&[false, false, true, true], &[0.1, 0.4, 0.35, 0.8], None).unwrap();
        assert!((auc - 0.75).abs() < 1e-15);
        let ll =
            log_loss(&[0, 1, 1, 0], array![[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.99, 0.01]].view(), None).unwrap();
        assert!((ll - 0.173_807_336_691_067_5).abs() < 1e-12, "{ll}");
        assert!(roc_auc(&[true, true], &[0.1, 0.2], None).is_err());
    }
}
