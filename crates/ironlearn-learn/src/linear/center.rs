//! Centring and weighting for least squares.
//!
//! With an intercept, least squares on `(x - x̄, y - ȳ)` (weighted means)
//! gives the coefficients, and the intercept follows as `ȳ - x̄·coef`.
//! Weights enter as `√w` row scaling, so weighted and unweighted fits share
//! one solver.

use faer::Mat;
use ndarray::{Array1, ArrayView2};
use rayon::prelude::*;

/// The centred, √w-scaled problem `(a, b)` and the means to recover the intercept.
pub(crate) struct Centered {
    pub a: Mat<f64>,
    pub b: Vec<f64>,
    pub x_mean: Array1<f64>,
    pub y_mean: f64,
}

pub(crate) fn center(x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>, fit_intercept: bool) -> Centered {
    let (n, p) = x.dim();
    let sw: f64 = w.map_or(n as f64, |w| w.iter().sum());
    let wi = |i: usize| w.map_or(1.0, |w| w[i]);
    let (x_mean, y_mean) = if fit_intercept {
        let xm: Vec<f64> = (0..p)
            .into_par_iter()
            .map(|j| x.column(j).iter().enumerate().map(|(i, v)| wi(i) * v).sum::<f64>() / sw)
            .collect();
        (Array1::from(xm), y.iter().enumerate().map(|(i, v)| wi(i) * v).sum::<f64>() / sw)
    } else {
        (Array1::zeros(p), 0.0)
    };
    let sqrt_w: Vec<f64> = (0..n).map(|i| wi(i).sqrt()).collect();
    let mut a = Mat::<f64>::zeros(n, p);
    // Columns are contiguous in faer: fill them in parallel.
    let cols: Vec<Vec<f64>> = (0..p)
        .into_par_iter()
        .map(|j| {
            let m = x_mean[j];
            x.column(j).iter().zip(&sqrt_w).map(|(v, s)| (v - m) * s).collect()
        })
        .collect();
    for (j, c) in cols.into_iter().enumerate() {
        a.col_mut(j).iter_mut().zip(c).for_each(|(d, s)| *d = s);
    }
    let b = y.iter().zip(&sqrt_w).map(|(v, s)| (v - y_mean) * s).collect();
    Centered { a, b, x_mean, y_mean }
}
