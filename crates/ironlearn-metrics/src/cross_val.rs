//! Cross-validation of any estimator by name.

use ironlearn_core::{Estimator, Features, Prediction, Result, Target, Task};
use ndarray::Axis;

use crate::split::Fold;
use crate::{accuracy, log_loss, mse, precision_recall_f1, r2, roc_auc_ovr, Average};

/// What a fold is scored by; higher is better (losses are negated, as in scikit-learn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    Accuracy,
    F1Macro,
    RocAuc,
    NegLogLoss,
    R2,
    NegMeanSquaredError,
}

impl Scoring {
    /// The default for a task: accuracy for classifiers, R² for regressors.
    pub fn default_for(task: Task) -> Scoring {
        match task {
            Task::Classification => Scoring::Accuracy,
            _ => Scoring::R2,
        }
    }
}

/// Fits `estimator` on each fold's train rows and scores it on its test rows.
pub fn cross_val_score(
    estimator: &dyn Estimator,
    x: Features<'_>,
    y: &Target,
    folds: &[Fold],
    scoring: Scoring,
) -> Result<Vec<f64>> {
    folds
        .iter()
        .map(|(train, test)| {
            let (x_train, x_test) = (take_rows(x, train)?, take_rows(x, test)?);
            let model = estimator.fit_data(x_train.view(), Some(&y.take(train)), None)?;
            let y_test = y.take(test);
            score(model.as_ref(), x_test.view(), &y_test, scoring)
        })
        .collect()
}

fn take_rows(x: Features<'_>, rows: &[usize]) -> Result<ironlearn_core::Data> {
    Ok(match x {
        Features::Table(t) => ironlearn_core::Data::Table(t.take(rows)),
        other => ironlearn_core::Data::Dense(other.to_dense()?.select(Axis(0), rows)),
    })
}

/// Scores a fitted model on `(x, y)`.
pub fn score(model: &dyn ironlearn_core::Model, x: Features<'_>, y: &Target, scoring: Scoring) -> Result<f64> {
    match scoring {
        Scoring::R2 | Scoring::NegMeanSquaredError => {
            let Prediction::Values(p) = model.predict_data(x)? else {
                return Err(ironlearn_core::Error::Unsupported("this scoring needs a regressor".into()));
            };
            let p = p.to_vec();
            let t = y.values()?;
            if scoring == Scoring::R2 {
                r2(t, &p, None)
            } else {
                mse(t, &p, None).map(|v| -v)
            }
        }
        Scoring::Accuracy | Scoring::F1Macro => {
            let Prediction::Labels(p) = model.predict_data(x)? else {
                return Err(ironlearn_core::Error::Unsupported("this scoring needs a classifier".into()));
            };
            let t = y.labels()?;
            let codes = t.encode(&p.to_strings())?;
            if scoring == Scoring::Accuracy {
                accuracy(t.codes(), &codes, None)
            } else {
                precision_recall_f1(t.codes(), &codes, t.n_classes(), Average::Macro, None).map(|s| s.f1)
            }
        }
        Scoring::RocAuc | Scoring::NegLogLoss => {
            let proba = model.predict_proba_data(x)?;
            let classes = model.classes().unwrap_or_default().to_vec();
            let t = y.labels()?;
            let codes = ironlearn_core::Labels::new(classes, vec![])?.encode(&t.to_strings())?;
            if scoring == Scoring::RocAuc {
                roc_auc_ovr(&codes, proba.view(), None)
            } else {
                log_loss(&codes, proba.view(), None).map(|v| -v)
            }
        }
    }
}
