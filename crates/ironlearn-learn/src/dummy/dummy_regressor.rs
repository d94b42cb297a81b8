//! A regressor that predicts one number learned from the target alone.
//!
//! A model's R² or RMSE means little until it is set beside the answer
//! that ignores the features; scikit-learn's `DummyRegressor` is that
//! answer, and this is it with the same strategies and weighting.

use ironlearn_core::validate::{check_no_inf, check_not_empty, check_sample_weight, check_target};
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, Task, TrainData,
};
use ndarray::Array1;
use serde::{Deserialize, Serialize};

hyperparams! {
    /// Predicts a constant: the (weighted) mean, median or a quantile of the target, or a given value.
    ///
    /// ```
    /// use ironlearn_learn::DummyRegressor;
    /// let model = DummyRegressor { strategy: "median".into(), ..Default::default() }.fit_values(&[1.0, 2.0, 10.0], None)?;
    /// assert_eq!(model.constant(), 2.0);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "dummy_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, missing_values, categorical, f32, poor_score)]
    pub struct DummyRegressor {
        /// "mean", "median", "quantile" (the `quantile` below) or "constant" (the `constant` below).
        strategy: String = "mean".into(), domain(Domain::choice(&["mean", "median", "quantile", "constant"]));
        /// The quantile predicted by strategy "quantile".
        quantile: f64 = 0.5, domain(Domain::float_range(0.0, 1.0));
        /// The value predicted by strategy "constant".
        constant: f64 = 0.0, domain(Domain::finite());
    }
}

/// A fitted [`DummyRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DummyRegressorModel {
    params: DummyRegressor,
    constant: f64,
    n_features: usize,
}

impl DummyRegressorModel {
    /// The value every row gets.
    pub fn constant(&self) -> f64 {
        self.constant
    }
}

/// The weighted `q`-quantile as scikit-learn's `_weighted_percentile` takes
/// it: the smallest value whose cumulative weight reaches `q` of the total.
fn weighted_quantile(y: &[f64], w: Option<&[f64]>, q: f64) -> f64 {
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    if w.is_none() {
        // numpy's linear interpolation, as scikit-learn uses without weights.
        let pos = q * (y.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        let frac = pos - lo as f64;
        return y[order[lo]] + frac * (y[order[hi]] - y[order[lo]]);
    }
    let w = w.expect("weights");
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    for &i in &order {
        acc += w[i];
        if acc >= q * total {
            return y[i];
        }
    }
    y[*order.last().expect("a non-empty target")]
}

impl DummyRegressor {
    /// Learns the constant from the target alone.
    pub fn fit_values(&self, y: &[f64], sample_weight: Option<&[f64]>) -> Result<DummyRegressorModel> {
        ensure!(!y.is_empty(), Empty, "the target has no values");
        check_target(y)?;
        check_sample_weight(sample_weight, y.len())?;
        let constant = match self.strategy.as_str() {
            "mean" => match sample_weight {
                Some(w) => y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>(),
                None => y.iter().sum::<f64>() / y.len() as f64,
            },
            "median" => weighted_quantile(y, sample_weight, 0.5),
            "quantile" => weighted_quantile(y, sample_weight, self.quantile),
            _ => self.constant,
        };
        Ok(DummyRegressorModel { params: self.clone(), constant, n_features: 0 })
    }
}

impl Learn for DummyRegressor {
    type Model = DummyRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<DummyRegressorModel> {
        ensure!(data.n_rows() > 0 && data.x.n_cols() > 0, Empty, "Found array with 0 sample(s) or 0 feature(s)");
        if let Features::Dense(x) = data.x {
            check_not_empty(x)?;
            check_no_inf(x, "X")?;
        }
        let mut model = self.fit_values(data.values()?, data.weight)?;
        model.n_features = data.x.n_cols();
        Ok(model)
    }
}

impl Fitted for DummyRegressorModel {
    type Estimator = DummyRegressor;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        ensure!(
            x.n_cols() == self.n_features,
            Shape,
            "X has {} features, but DummyRegressor is expecting {} features as input",
            x.n_cols(),
            self.n_features
        );
        if let Features::Dense(m) = x {
            check_no_inf(m, "X")?;
        }
        Ok(Prediction::Values(Array1::from_elem(x.n_rows(), self.constant)))
    }
}

register!(DummyRegressor);

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(strategy: &str, y: &[f64], w: Option<&[f64]>) -> f64 {
        DummyRegressor { strategy: strategy.into(), quantile: 0.25, constant: 7.0 }.fit_values(y, w).unwrap().constant()
    }

    #[test]
    fn strategies_match_scikit_learn() {
        let y = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0];
        // DummyRegressor(strategy=...).fit(X, y).constant_ in scikit-learn 1.9.
        assert_eq!(fit("mean", &y, None), 23.0 / 6.0);
        assert_eq!(fit("median", &y, None), 3.5);
        assert_eq!(fit("quantile", &y, None), 1.5); // np.percentile(y, 25)
        assert_eq!(fit("constant", &y, None), 7.0);
        let w = [1.0, 1.0, 1.0, 1.0, 1.0, 5.0];
        assert_eq!(fit("mean", &y, Some(&w)), 59.0 / 10.0);
        assert_eq!(fit("median", &y, Some(&w)), 5.0);
        assert_eq!(fit("quantile", &y, Some(&w)), 3.0);
        let w2 = [1.0, 2.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!((fit("median", &y, Some(&w2)), fit("quantile", &y, Some(&w2))), (3.0, 1.0));
    }

    #[test]
    fn predicts_the_constant_and_checks_width() {
        let x = ndarray::Array2::<f64>::zeros((4, 2));
        let y = ironlearn_core::Target::Values(vec![1.0, 2.0, 3.0, 4.0]);
        let m = DummyRegressor::default()
            .learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())
            .unwrap();
        assert_eq!(m.predict_data(Features::Dense(x.view())).unwrap(), Prediction::Values(Array1::from_elem(4, 2.5)));
        let narrow = ndarray::Array2::<f64>::zeros((4, 1));
        assert!(m
            .predict_data(Features::Dense(narrow.view()))
            .unwrap_err()
            .to_string()
            .contains("expecting 2 features"));
    }
}
