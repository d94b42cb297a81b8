//! The typed API: parameters fit into a separate model type.
//!
//! A fitted model is its own type, so "predict before fit" cannot compile.
//! Each trait has one required method; the rest are provided.

use ndarray::{Array2, ArrayView2};

use crate::{Labels, Result};

/// Supervised learning: `params.fit(x, y)` returns the fitted model.
///
/// `Y` is `[f64]` for regression and [`Labels`] for classification.
pub trait Fit<Y: ?Sized> {
    type Fitted;

    /// Fits with optional per-row weights; an estimator that cannot use
    /// weights returns an error when they are given.
    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Y, sample_weight: Option<&[f64]>) -> Result<Self::Fitted>;

    fn fit(&self, x: ArrayView2<'_, f64>, y: &Y) -> Result<Self::Fitted> {
        self.fit_weighted(x, y, None)
    }
}

/// Unsupervised fitting: transformers and clustering.
pub trait FitTransform {
    type Fitted;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, sample_weight: Option<&[f64]>) -> Result<Self::Fitted>;

    fn fit(&self, x: ArrayView2<'_, f64>) -> Result<Self::Fitted> {
        self.fit_weighted(x, None)
    }

    /// Fits, then transforms the same data.
    fn fit_transform(&self, x: ArrayView2<'_, f64>) -> Result<(Self::Fitted, Array2<f64>)>
    where
        Self::Fitted: Transform,
    {
        let fitted = self.fit(x)?;
        let out = fitted.transform(x)?;
        Ok((fitted, out))
    }
}

/// Prediction: values for a regressor, labels for a classifier.
pub trait Predict {
    type Output;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Self::Output>;
}

/// Class probabilities, one column per class in the order of `classes()`.
pub trait PredictProba: Predict<Output = Labels> {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>>;

    /// The class labels, in the order of the probability columns.
    fn classes(&self) -> &[String];
}

/// A fitted transformation of the features.
pub trait Transform {
    fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>>;
}
