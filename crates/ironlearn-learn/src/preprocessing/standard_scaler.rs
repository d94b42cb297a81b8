//! Standardisation: zero mean and unit variance per feature.
//!
//! Missing values (NaN) are ignored when fitting and kept when transforming,
//! as in scikit-learn, so the scaler can run before an imputer.

use ironlearn_core::validate::{check_no_inf, check_not_empty, check_predict_input, check_sample_weight};
use ironlearn_core::{
    hyperparams, register, Data, Features, FitContext, FitTransform, Fitted, Learn, Params, Result, Task, TrainData,
    Transform,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

hyperparams! {
    /// Standardises features: `(x - mean) / std`.
    ///
    /// ```
    /// use ironlearn_core::{FitTransform, Transform};
    /// use ironlearn_learn::StandardScaler;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]];
    /// let scaler = StandardScaler::default().fit(x.view())?;
    /// assert_eq!(scaler.mean().to_vec(), [0.5, 0.5]);
    /// assert_eq!(scaler.transform(array![[2.0, 2.0]].view())?, array![[3.0, 3.0]]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "standard_scaler"]
    #[aliases("scaler")]
    #[tags(task = Some(Task::Transform), sample_weight, missing_values)]
    pub struct StandardScaler {
        /// Whether to subtract the mean.
        with_mean: bool = true;
        /// Whether to divide by the standard deviation.
        with_std: bool = true;
    }
}

/// A fitted [`StandardScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerModel {
    params: StandardScaler,
    #[serde(with = "ironlearn_core::state::array1")]
    mean: Array1<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    var: Array1<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    scale: Array1<f64>,
}

impl StandardScalerModel {
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }

    pub fn var(&self) -> &Array1<f64> {
        &self.var
    }

    /// The divisor per feature (1 where the variance is zero).
    pub fn scale(&self) -> &Array1<f64> {
        &self.scale
    }
}

impl FitTransform for StandardScaler {
    type Fitted = StandardScalerModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<StandardScalerModel> {
        self.validate()?;
        check_not_empty(x)?;
        check_no_inf(x, "X")?;
        check_sample_weight(w, x.nrows())?;
        let p = x.ncols();
        let (mut mean, mut var) = (Array1::zeros(p), Array1::zeros(p));
        for j in 0..p {
            let col = x.column(j);
            let wi = |i: usize| w.map_or(1.0, |w| w[i]);
            let (mut sw, mut s) = (0.0, 0.0);
            for (i, v) in col.iter().enumerate().filter(|(_, v)| !v.is_nan()) {
                sw += wi(i);
                s += wi(i) * v;
            }
            if sw == 0.0 {
                (mean[j], var[j]) = (f64::NAN, f64::NAN);
                continue;
            }
            let m = s / sw;
            let ss: f64 =
                col.iter().enumerate().filter(|(_, v)| !v.is_nan()).map(|(i, v)| wi(i) * (v - m).powi(2)).sum();
            (mean[j], var[j]) = (m, ss / sw);
        }
        let scale = var.mapv(|v: f64| {
            let s = v.sqrt();
            // Constant features (up to rounding) are left unscaled, as in scikit-learn.
            if s.is_nan() || s < 10.0 * f64::EPSILON {
                1.0
            } else {
                s
            }
        });
        Ok(StandardScalerModel { params: self.clone(), mean, var, scale })
    }
}

impl Transform for StandardScalerModel {
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        // NaN passes through; only the feature count and infinities are checked.
        if x.ncols() != self.mean.len() {
            check_predict_input(x, self.mean.len(), "StandardScaler")?;
        }
        check_no_inf(x, "X")?;
        let mut out = x.to_owned();
        for (j, mut col) in out.columns_mut().into_iter().enumerate() {
            let m = if self.params.with_mean && self.mean[j].is_finite() { self.mean[j] } else { 0.0 };
            let s = if self.params.with_std { self.scale[j] } else { 1.0 };
            col.mapv_inplace(|v| (v - m) / s);
        }
        Ok(out)
    }
}

impl StandardScalerModel {
    /// Maps standardised values back to the original scale.
    pub fn inverse_transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.mean.len() {
            check_predict_input(x, self.mean.len(), "StandardScaler")?;
        }
        let mut out = x.to_owned();
        for (j, mut col) in out.columns_mut().into_iter().enumerate() {
            let m = if self.params.with_mean && self.mean[j].is_finite() { self.mean[j] } else { 0.0 };
            let s = if self.params.with_std { self.scale[j] } else { 1.0 };
            col.mapv_inplace(|v| v * s + m);
        }
        Ok(out)
    }
}

impl Learn for StandardScaler {
    type Model = StandardScalerModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<StandardScalerModel> {
        FitTransform::fit_weighted(self, data.dense()?.view(), data.weight)
    }
}

impl Fitted for StandardScalerModel {
    type Estimator = StandardScaler;

    fn n_features_in(&self) -> usize {
        self.mean.len()
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Ok(Data::Dense(self.transform(x.to_dense()?.view())?))
    }
}

register!(StandardScaler);
