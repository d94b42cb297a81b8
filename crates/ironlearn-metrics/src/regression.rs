//! Regression metrics.

use ironlearn_core::Result;

use crate::{check_lengths, weight};

/// Mean squared error.
pub fn mse(y_true: &[f64], y_pred: &[f64], w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), y_pred.len(), w)?;
    let (mut s, mut sw) = (0.0, 0.0);
    for i in 0..y_true.len() {
        s += weight(w, i) * (y_true[i] - y_pred[i]).powi(2);
        sw += weight(w, i);
    }
    Ok(s / sw)
}

/// Root mean squared error.
pub fn rmse(y_true: &[f64], y_pred: &[f64], w: Option<&[f64]>) -> Result<f64> {
    mse(y_true, y_pred, w).map(f64::sqrt)
}

/// Mean absolute error.
pub fn mae(y_true: &[f64], y_pred: &[f64], w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), y_pred.len(), w)?;
    let (mut s, mut sw) = (0.0, 0.0);
    for i in 0..y_true.len() {
        s += weight(w, i) * (y_true[i] - y_pred[i]).abs();
        sw += weight(w, i);
    }
    Ok(s / sw)
}

/// The coefficient of determination R². A constant target scores 1 when
/// predicted exactly and 0 otherwise, as in scikit-learn.
pub fn r2(y_true: &[f64], y_pred: &[f64], w: Option<&[f64]>) -> Result<f64> {
    check_lengths(y_true.len(), y_pred.len(), w)?;
    let sw: f64 = (0..y_true.len()).map(|i| weight(w, i)).sum();
    let mean = (0..y_true.len()).map(|i| weight(w, i) * y_true[i]).sum::<f64>() / sw;
    let (mut ss_res, mut ss_tot) = (0.0, 0.0);
    for i in 0..y_true.len() {
        ss_res += weight(w, i) * (y_true[i] - y_pred[i]).powi(2);
        ss_tot += weight(w, i) * (y_true[i] - mean).powi(2);
    }
    Ok(if ss_tot == 0.0 {
        if ss_res == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        1.0 - ss_res / ss_tot
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let (t, p) = ([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]);
        // scikit-learn's documented examples.
        assert!((mse(&t, &p, None).unwrap() - 0.375).abs() < 1e-15);
        assert!((mae(&t, &p, None).unwrap() - 0.5).abs() < 1e-15);
        assert!((r2(&t, &p, None).unwrap() - 0.948_608_137_044_968).abs() < 1e-12);
        assert!(mse(&t, &p[..3], None).is_err());
    }
}
