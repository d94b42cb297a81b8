//! Isotonic regression: the monotone step function closest to the target.
//!
//! When all that is known is that the target rises (or falls) with one
//! feature, any parametric curve imposes a shape the data may not have;
//! the least-squares monotone fit imposes nothing else. It is also how
//! scores are calibrated into probabilities (`CalibratedClassifierCV`), which
//! is why the fit itself is a plain function, [`isotonic_fit`].
//!
//! Every step is scikit-learn's `IsotonicRegression`, so thresholds and
//! predictions agree with it: equal `x` (within `1e-15`) are merged into one
//! point with the weighted mean target, pool-adjacent-violators solves the
//! weighted problem, points inside flat runs are dropped, the result is
//! clipped to `[y_min, y_max]`, and predictions interpolate linearly between
//! thresholds with scipy's `interp1d` arithmetic.

use ironlearn_core::validate::{check_finite, check_sample_weight, check_target};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

/// scikit-learn's `increasing`: true, false, or "auto" (the sign of Spearman's correlation of `x` and `y`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Increasing {
    Flag(bool),
    /// "auto".
    Auto(String),
}

fn increasing_ok(v: &Increasing) -> bool {
    match v {
        Increasing::Flag(_) => true,
        Increasing::Auto(s) => s == "auto",
    }
}

hyperparams! {
    /// Monotone (non-decreasing or non-increasing) least-squares fit of `y` on one feature,
    /// predicted by linear interpolation between the fitted points.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::IsotonicRegression;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0], [2.0], [3.0], [4.0]];
    /// let model = IsotonicRegression::default().fit(x.view(), &[1.0, 3.0, 2.0, 4.0][..])?;
    /// // scikit-learn: IsotonicRegression().fit(x, y).y_thresholds_ == [1.0, 2.5, 2.5, 4.0]
    /// assert_eq!(model.y_thresholds().to_vec(), [1.0, 2.5, 2.5, 4.0]);
    /// assert_eq!(model.predict(array![[1.5]].view())?[0], 1.75);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "isotonic_regression"]
    #[aliases("isotonic")]
    #[tags(task = Some(Task::Regression), sample_weight, one_feature)]
    pub struct IsotonicRegression {
        /// A lower bound on the fitted values (None: no bound).
        y_min: Option<f64> = None, domain(Domain::finite());
        /// An upper bound on the fitted values (None: no bound).
        y_max: Option<f64> = None, domain(Domain::finite());
        /// Whether the fit rises with `x` (true), falls (false), or follows the sign of
        /// Spearman's correlation of `x` and `y` ("auto").
        increasing: Increasing = Increasing::Flag(true), check(increasing_ok, "true, false or 'auto'");
        /// Predictions outside the fitted range of `x`: "nan", "clip" (the nearest end's value),
        /// or "raise" (an error).
        out_of_bounds: String = "nan".to_string(), domain(Domain::choice(&["nan", "clip", "raise"]));
    }
}

/// A fitted [`IsotonicRegression`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsotonicRegressionModel {
    params: IsotonicRegression,
    #[serde(rename = "X_min")]
    x_min: f64,
    #[serde(rename = "X_max")]
    x_max: f64,
    #[serde(rename = "X_thresholds", with = "ironlearn_core::state::array1")]
    x_thresholds: Array1<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    y_thresholds: Array1<f64>,
    increasing: bool,
}

/// Average ranks (ties share the mean of their ranks), as scipy's `rankdata`.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        order[i..=j].iter().for_each(|&k| r[k] = rank);
        i = j + 1;
    }
    r
}

/// scikit-learn's `check_increasing`: whether Spearman's rho is >= 0 (false when undefined,
/// as for a constant `x` or `y`, since NaN >= 0 is false).
fn spearman_increasing(x: &[f64], y: &[f64]) -> bool {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let rho = sxy / (sxx * syy).sqrt();
    rho >= 0.0
}

/// Weighted pool-adjacent-violators: the non-decreasing sequence closest to `y` in weighted least squares.
fn pava(y: &[f64], w: &[f64]) -> Vec<f64> {
    // Blocks of (mean, weight, length).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(y.len());
    for (&v, &wv) in y.iter().zip(w) {
        blocks.push((v, wv, 1));
        while blocks.len() >= 2 {
            let (v2, w2, n2) = blocks[blocks.len() - 1];
            let (v1, w1, n1) = blocks[blocks.len() - 2];
            if v1 <= v2 {
                break;
            }
            blocks.pop();
            let total = w1 + w2;
            *blocks.last_mut().expect("two blocks") = ((w1 * v1 + w2 * v2) / total, total, n1 + n2);
        }
    }
    blocks.iter().flat_map(|&(v, _, n)| std::iter::repeat_n(v, n)).collect()
}

/// The fitted points before trimming: sorted unique `x` and the monotone values there.
fn fit_points(
    x: &[f64],
    y: &[f64],
    w: Option<&[f64]>,
    increasing: bool,
    y_min: Option<f64>,
    y_max: Option<f64>,
) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(x.len(), y.len(), "isotonic_fit: x and y differ in length");
    // Rows of zero weight carry nothing; the rest in order of (x, y), as `np.lexsort((y, x))`.
    let mut rows: Vec<usize> = (0..x.len()).filter(|&i| w.is_none_or(|w| w[i] > 0.0)).collect();
    rows.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    // Equal x (within 1e-15, scikit-learn's `_make_unique`) become one point with the weighted mean y.
    let (mut ux, mut uy, mut uw) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cur_x, mut cur_y, mut cur_w) = (f64::NAN, 0.0, 0.0);
    for &i in &rows {
        let wi = w.map_or(1.0, |w| w[i]);
        if ux.is_empty() && cur_x.is_nan() {
            (cur_x, cur_y, cur_w) = (x[i], y[i] * wi, wi);
        } else if x[i] - cur_x >= 1e-15 {
            ux.push(cur_x);
            uy.push(cur_y / cur_w);
            uw.push(cur_w);
            (cur_x, cur_y, cur_w) = (x[i], y[i] * wi, wi);
        } else {
            cur_w += wi;
            cur_y += y[i] * wi;
        }
    }
    if !cur_x.is_nan() {
        ux.push(cur_x);
        uy.push(cur_y / cur_w);
        uw.push(cur_w);
    }
    let mut fitted = if increasing {
        pava(&uy, &uw)
    } else {
        let (ry, rw): (Vec<f64>, Vec<f64>) = uy.iter().rev().zip(uw.iter().rev()).map(|(a, b)| (*a, *b)).unzip();
        let mut f = pava(&ry, &rw);
        f.reverse();
        f
    };
    let (lo, hi) = (y_min.unwrap_or(f64::NEG_INFINITY), y_max.unwrap_or(f64::INFINITY));
    fitted.iter_mut().for_each(|v| *v = v.max(lo).min(hi));
    (ux, fitted)
}

/// Drops the points inside flat runs (equal to both neighbours), which interpolation does not need.
fn trim(x: Vec<f64>, y: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    let keep = |i: usize| i == 0 || i + 1 == n || y[i] != y[i - 1] || y[i] != y[i + 1];
    let idx: Vec<usize> = (0..n).filter(|&i| keep(i)).collect();
    (idx.iter().map(|&i| x[i]).collect(), idx.iter().map(|&i| y[i]).collect())
}

/// The isotonic fit of `y` on `x` with optional sample weights, as scikit-learn's
/// `IsotonicRegression(increasing=...).fit(x, y, sample_weight)`: returns its
/// `(X_thresholds_, y_thresholds_)`, the points between which predictions
/// interpolate linearly. Rows of zero weight are ignored; equal `x` are merged.
/// For use by other estimators (calibration): the input is taken as given
/// (finite values, non-negative weights); with no row of positive weight the
/// result is empty.
///
/// # Panics
///
/// If `x`, `y` (and `w`) differ in length.
pub fn isotonic_fit(x: &[f64], y: &[f64], w: Option<&[f64]>, increasing: bool) -> (Vec<f64>, Vec<f64>) {
    if let Some(w) = w {
        assert_eq!(w.len(), x.len(), "isotonic_fit: the weights and x differ in length");
    }
    let (px, py) = fit_points(x, y, w, increasing, None, None);
    trim(px, py)
}

/// Python's `repr` of a float, for messages that quote scikit-learn's.
fn py_float(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

impl Fit<[f64]> for IsotonicRegression {
    type Fitted = IsotonicRegressionModel;

    /// Fits on one feature (`x` has one column) and a target, with optional sample weights.
    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<IsotonicRegressionModel> {
        self.validate()?;
        ensure!(x.ncols() == 1, Shape, "Isotonic regression input X should be a 1d array or 2d array with 1 feature");
        ensure!(
            x.nrows() == y.len(),
            Shape,
            "Found input variables with inconsistent numbers of samples: [{}, {}]",
            x.nrows(),
            y.len()
        );
        ensure!(
            !y.is_empty(),
            InvalidValue,
            "Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required."
        );
        check_finite(x, "X")?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        if let Some(w) = w {
            ensure!(w.iter().any(|&v| v > 0.0), InvalidValue, "sample_weight has no positive value");
        }
        let xs: Vec<f64> = x.column(0).to_vec();
        let increasing = match &self.increasing {
            Increasing::Flag(b) => *b,
            Increasing::Auto(_) => spearman_increasing(&xs, y),
        };
        let (px, py) = fit_points(&xs, y, w, increasing, self.y_min, self.y_max);
        let (x_min, x_max) = (px[0], px[px.len() - 1]);
        let (tx, ty) = trim(px, py);
        Ok(IsotonicRegressionModel {
            params: self.clone(),
            x_min,
            x_max,
            x_thresholds: Array1::from(tx),
            y_thresholds: Array1::from(ty),
            increasing,
        })
    }
}

impl IsotonicRegressionModel {
    /// The smallest `x` fitted (scikit-learn's `X_min_`).
    pub fn x_min(&self) -> f64 {
        self.x_min
    }

    /// The largest `x` fitted (scikit-learn's `X_max_`).
    pub fn x_max(&self) -> f64 {
        self.x_max
    }

    /// The `x` of the fitted points, increasing (scikit-learn's `X_thresholds_`).
    pub fn x_thresholds(&self) -> &Array1<f64> {
        &self.x_thresholds
    }

    /// The fitted values at [`Self::x_thresholds`] (scikit-learn's `y_thresholds_`).
    pub fn y_thresholds(&self) -> &Array1<f64> {
        &self.y_thresholds
    }

    /// Whether the fit rises with `x` (scikit-learn's `increasing_`).
    pub fn increasing(&self) -> bool {
        self.increasing
    }
}

impl Predict for IsotonicRegressionModel {
    type Output = Array1<f64>;

    /// Interpolated values at `x` (one column), handling points outside `[X_min_, X_max_]` by `out_of_bounds`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        ensure!(x.ncols() == 1, Shape, "Isotonic regression input X should be a 1d array or 2d array with 1 feature");
        check_finite(x, "X")?;
        let (tx, ty) =
            (self.x_thresholds.as_slice().expect("contiguous"), self.y_thresholds.as_slice().expect("contiguous"));
        let mut t: Vec<f64> = x.column(0).to_vec();
        if self.params.out_of_bounds == "clip" {
            t.iter_mut().for_each(|v| *v = v.max(self.x_min).min(self.x_max));
        }
        if ty.len() == 1 {
            // One point: a constant, whatever `out_of_bounds` says (as scikit-learn).
            return Ok(Array1::from_elem(t.len(), ty[0]));
        }
        let (lo, hi) = (tx[0], tx[tx.len() - 1]);
        if self.params.out_of_bounds == "raise" {
            if let Some(v) = t.iter().find(|&&v| v < lo) {
                bail!(
                    InvalidValue,
                    "A value ({}) in x_new is below the interpolation range's minimum value ({}).",
                    py_float(*v),
                    py_float(lo)
                );
            }
            if let Some(v) = t.iter().find(|&&v| v > hi) {
                bail!(
                    InvalidValue,
                    "A value ({}) in x_new is above the interpolation range's maximum value ({}).",
                    py_float(*v),
                    py_float(hi)
                );
            }
        }
        Ok(t.iter().map(|&v| interp(tx, ty, v)).collect())
    }
}

/// The fitted curve of [`isotonic_fit`] at `v`, clipped to its ends
/// (scikit-learn's `out_of_bounds="clip"`); constant with one point, NaN with none.
pub fn isotonic_predict_clipped(tx: &[f64], ty: &[f64], v: f64) -> f64 {
    match tx.len() {
        0 => f64::NAN,
        1 => ty[0],
        n => interp(tx, ty, v.clamp(tx[0], tx[n - 1])),
    }
}

/// scipy's `interp1d(kind="linear")` at `v`, NaN outside the range.
fn interp(tx: &[f64], ty: &[f64], v: f64) -> f64 {
    if v < tx[0] || v > tx[tx.len() - 1] {
        return f64::NAN;
    }
    // `searchsorted(side="left")`, clipped to [1, n - 1].
    let hi = tx.partition_point(|&a| a < v).clamp(1, tx.len() - 1);
    let lo = hi - 1;
    let slope = (ty[hi] - ty[lo]) / (tx[hi] - tx[lo]);
    slope * (v - tx[lo]) + ty[lo]
}

impl Learn for IsotonicRegression {
    type Model = IsotonicRegressionModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<IsotonicRegressionModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for IsotonicRegressionModel {
    type Estimator = IsotonicRegression;

    fn n_features_in(&self) -> usize {
        1
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(IsotonicRegression);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    const X: [f64; 11] = [3., 1., 2., 2., 5., 4., 4., 6., 7., 7., 8.];
    const Y: [f64; 11] = [2., 1., 4., 0., 3., 6., 1., 5., 4., 9., 7.];
    const W: [f64; 11] = [1., 2., 1., 3., 1., 0.5, 2., 1., 0., 1., 2.];
    const T: [f64; 10] = [0.5, 1., 1.5, 2., 3.3, 4., 6.5, 7.9, 8., 9.];

    fn col(v: &[f64]) -> Array2<f64> {
        Array2::from_shape_vec((v.len(), 1), v.to_vec()).unwrap()
    }

    fn same(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-12 * w.abs().max(1.0), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn ties_and_weights_match_scikit_learn() {
        // IsotonicRegression().fit(X, Y): ties at x = 2, 4, 7 averaged
        let m = IsotonicRegression::default().fit(col(&X).view(), &Y).unwrap();
        same(m.x_thresholds().as_slice().unwrap(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        same(
            m.y_thresholds().as_slice().unwrap(),
            &[1.0, 2.0, 2.0, 3.3333333333333335, 3.3333333333333335, 5.0, 6.5, 7.0],
        );
        assert_eq!((m.x_min(), m.x_max(), m.increasing()), (1.0, 8.0, true));
        let nan = f64::NAN;
        same(
            m.predict(col(&T).view()).unwrap().as_slice().unwrap(),
            &[nan, 1.0, 1.5, 2.0, 2.4, 3.3333333333333335, 5.75, 6.95, 7.0, nan],
        );
        // IsotonicRegression().fit(X, Y, sample_weight=W): the zero-weight row (7, 4) is dropped
        let m = IsotonicRegression::default().fit_weighted(col(&X).view(), &Y, Some(&W)).unwrap();
        same(
            m.y_thresholds().as_slice().unwrap(),
            &[1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 7.666666666666667, 7.666666666666667],
        );
        same(
            m.predict(col(&T).view()).unwrap().as_slice().unwrap(),
            &[nan, 1.0, 1.0, 1.0, 2.0, 2.0, 6.333333333333334, 7.666666666666667, 7.666666666666667, nan],
        );
        let (tx, ty) = isotonic_fit(&X, &Y, Some(&W), true);
        assert_eq!(
            (tx.as_slice(), ty.as_slice()),
            (m.x_thresholds().as_slice().unwrap(), m.y_thresholds().as_slice().unwrap())
        );
    }

    #[test]
    fn decreasing_bounds_clip_and_auto_match_scikit_learn() {
        let xa: Vec<f64> = (0..10).map(|i| i as f64 * 0.5).collect();
        let ya = [9., 8., 8.5, 6., 7., 3., 4., 1., 2., 0.];
        let wa: Vec<f64> = (1..=10).map(f64::from).collect();
        // IsotonicRegression(increasing=False, out_of_bounds="clip", y_min=1.0, y_max=8.0)
        //     .fit(xa, ya, sample_weight=arange(1, 11))
        let p = IsotonicRegression {
            increasing: Increasing::Flag(false),
            out_of_bounds: "clip".into(),
            y_min: Some(1.0),
            y_max: Some(8.0),
        };
        let m = p.fit_weighted(col(&xa).view(), &ya, Some(&wa)).unwrap();
        same(m.x_thresholds().as_slice().unwrap(), &[0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]);
        same(
            m.y_thresholds().as_slice().unwrap(),
            &[
                8.0,
                8.0,
                6.555555555555555,
                6.555555555555555,
                3.5384615384615383,
                3.5384615384615383,
                1.5294117647058822,
                1.5294117647058822,
                1.0,
            ],
        );
        same(
            m.predict(array![[-1.0], [0.75], [2.2], [10.0]].view()).unwrap().as_slice().unwrap(),
            &[8.0, 8.0, 5.3487179487179475, 1.0],
        );
        // IsotonicRegression(increasing="auto").fit(arange(10.), ya): Spearman's rho < 0
        let x10: Vec<f64> = (0..10).map(f64::from).collect();
        let p = IsotonicRegression { increasing: Increasing::Auto("auto".into()), ..Default::default() };
        let m = p.fit(col(&x10).view(), &ya).unwrap();
        assert!(!m.increasing());
        same(m.y_thresholds().as_slice().unwrap(), &[9.0, 8.25, 8.25, 6.5, 6.5, 3.5, 3.5, 1.5, 1.5, 0.0]);
        same(m.predict(array![[0.0], [2.5], [9.0]].view()).unwrap().as_slice().unwrap(), &[9.0, 7.375, 0.0]);
        // IsotonicRegression(increasing="auto").fit([1, 1, 1], [1, 2, 3]): rho undefined, so decreasing;
        // one point left, predicted everywhere.
        let m = p.fit(array![[1.0], [1.0], [1.0]].view(), &[1.0, 2.0, 3.0]).unwrap();
        assert!(!m.increasing());
        assert_eq!(m.predict(array![[5.0]].view()).unwrap()[0], 2.0);
        assert!(IsotonicRegression::from_strs(&[("increasing", "auto")]).is_ok());
        assert_eq!(
            IsotonicRegression::from_strs(&[("increasing", "false")]).unwrap().increasing,
            Increasing::Flag(false)
        );
    }

    #[test]
    fn errors_name_the_problem() {
        // IsotonicRegression(out_of_bounds="raise").fit([1, 2, 3], [1, 3, 2]).predict([2, 3.25, 0.1])
        let p = IsotonicRegression { out_of_bounds: "raise".into(), ..Default::default() };
        let m = p.fit(array![[1.0], [2.0], [3.0]].view(), &[1.0, 3.0, 2.0]).unwrap();
        let err = m.predict(array![[2.0], [3.25], [0.1]].view()).unwrap_err().to_string();
        assert!(
            err.contains("A value (0.1) in x_new is below the interpolation range's minimum value (1.0)."),
            "{err}"
        );
        let err = m.predict(array![[3.25]].view()).unwrap_err().to_string();
        assert!(
            err.contains("A value (3.25) in x_new is above the interpolation range's maximum value (3.0)."),
            "{err}"
        );
        let err = IsotonicRegression::default().fit(Array2::ones((3, 2)).view(), &[1.0, 2.0, 3.0]).unwrap_err();
        assert!(
            err.to_string().contains("Isotonic regression input X should be a 1d array or 2d array with 1 feature"),
            "{err}"
        );
        assert!(m.predict(Array2::ones((3, 2)).view()).is_err());
        assert!(m.predict(array![[f64::NAN]].view()).is_err());
        let err = IsotonicRegression { increasing: Increasing::Auto("up".into()), ..Default::default() }
            .fit(col(&X).view(), &Y)
            .unwrap_err();
        assert!(err.to_string().contains("increasing"), "{err}");
        let err = IsotonicRegression { out_of_bounds: "wrap".into(), ..Default::default() }.fit(col(&X).view(), &Y);
        assert!(err.unwrap_err().to_string().contains("out_of_bounds"));
        assert!(IsotonicRegression::default().fit(col(&X).view(), &Y[..3]).is_err());
        assert!(IsotonicRegression::default().fit_weighted(col(&X).view(), &Y, Some(&[0.0; 11])).is_err());
        let mut bad = Y;
        bad[2] = f64::NAN;
        assert!(IsotonicRegression::default().fit(col(&X).view(), &bad).is_err());
    }

    #[test]
    fn model_round_trips_and_names_attributes_as_scikit_learn() {
        let m = IsotonicRegression::default().fit(col(&X).view(), &Y).unwrap();
        let back: IsotonicRegressionModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        let names: Vec<String> = m.attributes().into_iter().map(|(n, _)| n).collect();
        for want in ["X_min_", "X_max_", "X_thresholds_", "y_thresholds_", "increasing_"] {
            assert!(names.iter().any(|n| n == want), "{names:?}");
        }
    }
}
