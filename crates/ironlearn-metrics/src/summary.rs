//! The standard metrics of a task, as one report.

use ironlearn_core::{Labels, Result};
use ndarray::ArrayView2;

use crate::{accuracy, log_loss, mae, precision_recall_f1, r2, rmse, roc_auc_ovr, Average};

/// R², RMSE and MAE of a regressor.
pub fn regression_report(y_true: &[f64], y_pred: &[f64]) -> Result<Vec<(String, f64)>> {
    Ok(vec![
        ("r2".into(), r2(y_true, y_pred, None)?),
        ("rmse".into(), rmse(y_true, y_pred, None)?),
        ("mae".into(), mae(y_true, y_pred, None)?),
    ])
}

/// Accuracy, macro F1, and (given probabilities) log loss and ROC AUC of a classifier.
/// `y_pred` and the probability columns use the classes of `model_classes`.
pub fn classification_report(
    y_true: &Labels,
    y_pred: &Labels,
    proba: Option<ArrayView2<'_, f64>>,
    model_classes: &[String],
) -> Result<Vec<(String, f64)>> {
    let classes = Labels::new(model_classes.to_vec(), vec![])?;
    // Labels the model never saw count as wrong; map them past its classes.
    let truth: Vec<u32> = y_true
        .to_strings()
        .iter()
        .map(|s| model_classes.iter().position(|c| c == s).map_or(model_classes.len() as u32, |p| p as u32))
        .collect();
    let pred = classes.encode(&y_pred.to_strings())?;
    let k = model_classes.len() + usize::from(truth.iter().any(|&t| t as usize == model_classes.len()));
    let mut out = vec![
        ("accuracy".into(), accuracy(&truth, &pred, None)?),
        ("f1_macro".into(), precision_recall_f1(&truth, &pred, k, Average::Macro, None)?.f1),
    ];
    if let Some(p) = proba {
        if truth.iter().all(|&t| (t as usize) < model_classes.len()) {
            out.push(("log_loss".into(), log_loss(&truth, p, None)?));
            if let Ok(auc) = roc_auc_ovr(&truth, p, None) {
                out.push(("roc_auc".into(), auc));
            }
        }
    }
    Ok(out)
}
