//! Linear quantile regression with an optional L1 penalty.
//!
//! Least squares fits the conditional mean; when the spread of the target
//! changes with the features, or outliers pull the mean, a conditional
//! quantile (the median, or the 10th and 90th percentiles for an interval)
//! says more. Its pinball loss is piecewise linear, so the fit is a linear
//! program, as in scikit-learn (which calls HiGHS through scipy).
//!
//! scikit-learn's LP has `2p + 2n` columns; this solves its dual instead,
//! `max y·d` over `-(1-q)·wᵢ ≤ dᵢ ≤ q·wᵢ` with `Σ dᵢ = 0` (the intercept) and
//! `|Σ xᵢⱼ dᵢ| ≤ α·Σw` (each coefficient), which has one row per parameter:
//! the interior-point solver ([`linprog`](super::linprog)) then works on a
//! `(p+1) × (p+1)` system per step, and the coefficients are the multipliers
//! of the rows. The optimum of an LP is a vertex (HiGHS returns one); the
//! interior point ends near it, so the fit is finished by solving exactly
//! for the vertex its nearly-zero residuals and coefficients point to, kept
//! only when its objective is no worse. Where the optimum is unique this is
//! HiGHS's answer to rounding.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::linprog::{linprog, LpOptions};
use super::LinearState;

hyperparams! {
    /// Linear regression of a conditional quantile: minimises
    /// `1/Σw · Σ wᵢ·pinball_q(yᵢ - xᵢ·w - b) + α·||w||₁` (the intercept is not penalised).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::QuantileRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
    /// let y = [0.0, 1.0, 2.0, 3.0, 10.0];
    /// let model = QuantileRegressor { quantile: 0.5, alpha: 0.0, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: QuantileRegressor(quantile=0.5, alpha=0).fit(x, y): coef_ == [1.0], intercept_ == 0.0
    /// assert!((model.coef()[0] - 1.0).abs() < 1e-9 && model.intercept().abs() < 1e-9);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "quantile_regressor"]
    #[aliases("quantile_regression")]
    // poor_score: scikit-learn's default `alpha=1` zeroes every coefficient on unit-scale data.
    #[tags(task = Some(Task::Regression), sample_weight, poor_score)]
    pub struct QuantileRegressor {
        /// The quantile to predict, strictly between 0 and 1 (0.5: the median).
        quantile: f64 = 0.5, domain(Domain::float_between(0.0, 1.0, true, true));
        /// Strength of the L1 penalty on the coefficients.
        alpha: f64 = 1.0, domain(Domain::float_min(0.0));
        /// Whether to fit an (unpenalised) intercept.
        fit_intercept: bool = true;
        /// The LP solver: every HiGHS variant ("highs", "highs-ds", "highs-ipm") is served by the same
        /// interior-point solver and gives the same optimum; "interior-point" and "revised simplex"
        /// are gone from SciPy >= 1.11 and are errors, as in scikit-learn.
        solver: String = "highs".to_string(),
            domain(Domain::choice(&["highs-ds", "highs-ipm", "highs", "interior-point", "revised simplex"]));
    }
}

/// A fitted [`QuantileRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantileRegressorModel {
    params: QuantileRegressor,
    #[serde(flatten)]
    state: LinearState,
    n_iter: usize,
}

impl QuantileRegressorModel {
    pub fn coef(&self) -> &Array1<f64> {
        &self.state.coef
    }

    pub fn intercept(&self) -> f64 {
        self.state.intercept
    }

    /// Interior-point iterations (scikit-learn's `n_iter_` counts HiGHS's, a different measure).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
}

/// `Σ wᵢ·pinball_q(rᵢ) + α·Σ|βⱼ|` for the parameters `beta` (intercept first when fitted).
struct Objective<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [f64],
    w: &'a [f64],
    q: f64,
    alpha: f64,
    fit_intercept: bool,
}

impl Objective<'_> {
    fn residuals(&self, beta: &[f64]) -> Vec<f64> {
        let (b0, coef) = if self.fit_intercept { (beta[0], &beta[1..]) } else { (0.0, beta) };
        self.x
            .rows()
            .into_iter()
            .zip(self.y)
            .map(|(row, y)| y - b0 - row.iter().zip(coef).map(|(a, b)| a * b).sum::<f64>())
            .collect()
    }

    fn value(&self, beta: &[f64]) -> f64 {
        let r = self.residuals(beta);
        let loss: f64 =
            r.iter().zip(self.w).map(|(r, w)| w * if *r >= 0.0 { self.q * r } else { (self.q - 1.0) * r }).sum();
        let coef = if self.fit_intercept { &beta[1..] } else { beta };
        loss + self.alpha * coef.iter().map(|v| v.abs()).sum::<f64>()
    }
}

/// Solves the dense square system `m v = r` by Gaussian elimination with partial pivoting; None if singular.
fn solve_square(mut m: Vec<f64>, mut r: Vec<f64>, k: usize) -> Option<Vec<f64>> {
    let scale = m.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    for col in 0..k {
        let piv = (col..k).max_by(|&a, &b| m[a * k + col].abs().total_cmp(&m[b * k + col].abs()))?;
        if m[piv * k + col].abs() <= 1e-13 * scale {
            return None;
        }
        if piv != col {
            for j in 0..k {
                m.swap(piv * k + j, col * k + j);
            }
            r.swap(piv, col);
        }
        for i in col + 1..k {
            let f = m[i * k + col] / m[col * k + col];
            if f != 0.0 {
                for j in col..k {
                    m[i * k + j] -= f * m[col * k + j];
                }
                r[i] -= f * r[col];
            }
        }
    }
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|j| m[i * k + j] * r[j]).sum();
        r[i] = (r[i] - s) / m[i * k + i];
    }
    r.iter().all(|v| v.is_finite()).then_some(r)
}

/// The vertex the interior-point solution `beta` points to: the parameters that are not
/// (nearly) zero, fitted exactly through as many rows of smallest residual. None when
/// that system is singular.
fn vertex(obj: &Objective<'_>, beta: &[f64], threshold: f64) -> Option<Vec<f64>> {
    let offset = usize::from(obj.fit_intercept);
    let big = beta.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1e-300);
    let support: Vec<usize> =
        (0..beta.len()).filter(|&j| j < offset || obj.alpha == 0.0 || beta[j].abs() > threshold * big).collect();
    let k = support.len();
    if k == 0 {
        return Some(vec![0.0; beta.len()]);
    }
    let r = obj.residuals(beta);
    let mut rows: Vec<usize> = (0..r.len()).collect();
    rows.sort_by(|&a, &b| r[a].abs().total_cmp(&r[b].abs()));
    if rows.len() < k {
        return None;
    }
    let col = |i: usize, j: usize| if j < offset { 1.0 } else { obj.x[[i, j - offset]] };
    let m: Vec<f64> = rows[..k].iter().flat_map(|&i| support.iter().map(move |&j| col(i, j))).collect();
    let rhs: Vec<f64> = rows[..k].iter().map(|&i| obj.y[i]).collect();
    let sol = solve_square(m, rhs, k)?;
    let mut out = vec![0.0; beta.len()];
    support.iter().zip(sol).for_each(|(&j, v)| out[j] = v);
    Some(out)
}

impl Fit<[f64]> for QuantileRegressor {
    type Fitted = QuantileRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<QuantileRegressorModel> {
        self.validate()?;
        if matches!(self.solver.as_str(), "interior-point" | "revised simplex") {
            bail!(InvalidValue, "Solver {} is not anymore available in SciPy >= 1.11.0.", self.solver);
        }
        check_fit_input(x, y.len())?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let p = x.ncols();
        // Rows of zero weight carry nothing (scikit-learn drops them too).
        let rows: Vec<usize> = (0..y.len()).filter(|&i| w.is_none_or(|w| w[i] != 0.0)).collect();
        ensure!(!rows.is_empty(), InvalidValue, "sample_weight has no positive value");
        let xs = x.select(ndarray::Axis(0), &rows);
        let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let ws: Vec<f64> = rows.iter().map(|&i| w.map_or(1.0, |w| w[i])).collect();
        let n = rows.len();
        let total: f64 = ws.iter().sum();
        // 1/Σw · loss + α·L1 is minimised where loss + (α·Σw)·L1 is.
        let alpha = self.alpha * total;
        let q = self.quantile;
        let offset = usize::from(self.fit_intercept);
        let m = offset + p;
        // The dual: columns d (one per row), then r (one per coefficient) when penalised.
        let n_r = if alpha > 0.0 { p } else { 0 };
        let cols = n + n_r;
        let mut a = Array2::<f64>::zeros((m, cols));
        for (i, row) in xs.rows().into_iter().enumerate() {
            if self.fit_intercept {
                a[[0, i]] = 1.0;
            }
            for j in 0..p {
                a[[offset + j, i]] = row[j];
            }
        }
        for j in 0..n_r {
            a[[offset + j, n + j]] = -1.0;
        }
        let mut c = Array1::<f64>::zeros(cols);
        let mut lo = Array1::<f64>::zeros(cols);
        let mut hi = Array1::<f64>::zeros(cols);
        for i in 0..n {
            c[i] = -ys[i];
            lo[i] = -(1.0 - q) * ws[i];
            hi[i] = q * ws[i];
        }
        for j in 0..n_r {
            lo[n + j] = -alpha;
            hi[n + j] = alpha;
        }
        let b = Array1::<f64>::zeros(m);
        let sol = linprog(c.view(), a.view(), b.view(), lo.view(), hi.view(), &LpOptions::default());
        // The parameters are minus the multipliers of the rows.
        let mut beta: Vec<f64> = sol.y.iter().map(|v| -v).collect();
        let obj = Objective { x: xs.view(), y: &ys, w: &ws, q, alpha, fit_intercept: self.fit_intercept };
        let mut best = obj.value(&beta);
        for threshold in [1e-10, 1e-8, 1e-6] {
            if let Some(v) = vertex(&obj, &beta, threshold) {
                let value = obj.value(&v);
                if value.is_finite() && (value <= best + 1e-12 * best.abs().max(1.0) || !best.is_finite()) {
                    (beta, best) = (v, value);
                }
            }
        }
        ensure!(
            beta.iter().all(|v| v.is_finite()),
            InvalidValue,
            "Linear programming for QuantileRegressor did not succeed: non-finite parameters"
        );
        let (intercept, coef) = if self.fit_intercept { (beta[0], beta[1..].to_vec()) } else { (0.0, beta) };
        Ok(QuantileRegressorModel {
            params: self.clone(),
            state: LinearState { coef: Array1::from(coef), intercept },
            n_iter: sol.iterations,
        })
    }
}

impl Predict for QuantileRegressorModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.state.coef.len(), "QuantileRegressor")?;
        Ok(self.state.predict(x))
    }
}

impl Learn for QuantileRegressor {
    type Model = QuantileRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<QuantileRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for QuantileRegressorModel {
    type Estimator = QuantileRegressor;

    fn n_features_in(&self) -> usize {
        self.state.coef.len()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(QuantileRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linear::coordinate_descent::tests::diabetes;
    use ndarray::array;

    /// scikit-learn's objective: the weighted mean pinball loss plus `alpha·||coef||₁`.
    fn objective(m: &QuantileRegressorModel, x: ArrayView2<'_, f64>, y: &[f64], w: &[f64], q: f64, alpha: f64) -> f64 {
        let pred = m.predict(x).unwrap();
        let loss: f64 = y
            .iter()
            .zip(&pred)
            .zip(w)
            .map(|((y, p), w)| {
                let r = y - p;
                w * if r >= 0.0 { q * r } else { (q - 1.0) * r }
            })
            .sum();
        loss / w.iter().sum::<f64>() + alpha * m.coef().iter().map(|v| v.abs()).sum::<f64>()
    }

    struct Case {
        q: f64,
        alpha: f64,
        objective: f64,
        coef: [f64; 10],
        intercept: f64,
    }

    #[test]
    fn matches_scikit_learn_highs_on_diabetes() {
        // m = QuantileRegressor(quantile=q, alpha=a).fit(X, y)   (diabetes, unscaled; HiGHS)
        // objective = mean(pinball_q(y - m.predict(X))) + a * sum(|m.coef_|)
        let cases = [
            Case {
                q: 0.1,
                alpha: 0.0,
                objective: 8.515882905527281,
                coef: [
                    0.3090741971939314,
                    0.5637291815182841,
                    3.679483320570149,
                    0.4009344689479994,
                    -0.3849091969233663,
                    0.00882980691985904,
                    1.154157378653293,
                    15.687351721985284,
                    44.482643257223025,
                    0.0510377744760382,
                ],
                intercept: -331.19801026391536,
            },
            Case {
                q: 0.1,
                alpha: 0.1,
                objective: 9.347755592658531,
                coef: [
                    0.07131836101297273,
                    0.0,
                    1.7583998885452248,
                    0.13636173636220694,
                    1.10257256549696,
                    -0.9621722562778603,
                    -1.467995790880785,
                    0.0,
                    0.0,
                    0.18415624243656786,
                ],
                intercept: -26.5747473886174,
            },
            Case {
                q: 0.5,
                alpha: 0.0,
                objective: 21.520750342938967,
                coef: [
                    0.034191695792294134,
                    -31.112628228085903,
                    5.0211818633324645,
                    1.401579274341208,
                    -1.1787331651499127,
                    0.6488785052505712,
                    0.5416172068027569,
                    9.515700203169436,
                    69.48084388762605,
                    0.2104542639570742,
                ],
                intercept: -328.56678834563803,
            },
            Case {
                q: 0.5,
                alpha: 0.1,
                objective: 23.93100539310978,
                coef: [
                    0.0,
                    0.0,
                    5.427075813388106,
                    1.2626265039733435,
                    1.1857056279433427,
                    -1.3279843784770737,
                    -1.994160821804767,
                    0.0,
                    0.0,
                    0.3829598566435749,
                ],
                intercept: -121.18282691668131,
            },
            Case {
                q: 0.9,
                alpha: 0.0,
                objective: 9.087896783858504,
                coef: [
                    -0.3014192258418103,
                    -24.544407478616918,
                    5.484395665823647,
                    1.5085990581717998,
                    -2.4890265189314587,
                    2.231464619579098,
                    1.20230464734858,
                    0.9382497825018735,
                    107.95454888605009,
                    0.6153740756132161,
                ],
                intercept: -420.1132475389324,
            },
            Case {
                q: 0.9,
                alpha: 0.1,
                objective: 10.863865780874614,
                coef: [
                    0.0,
                    0.0,
                    5.880862293853936,
                    1.0878983482761018,
                    0.16971024511745186,
                    -0.09404482033652141,
                    -1.3806931863498046,
                    0.0,
                    0.0,
                    0.9541965653099187,
                ],
                intercept: -69.71917489406444,
            },
        ];
        let (x, y) = diabetes();
        let ones = vec![1.0; y.len()];
        for c in &cases {
            let m =
                QuantileRegressor { quantile: c.q, alpha: c.alpha, ..Default::default() }.fit(x.view(), &y).unwrap();
            let obj = objective(&m, x.view(), &y, &ones, c.q, c.alpha);
            assert!(
                (obj - c.objective).abs() <= 1e-8 * c.objective,
                "q {} alpha {}: {obj} vs {}",
                c.q,
                c.alpha,
                c.objective
            );
            for (j, (g, w)) in m.coef().iter().zip(&c.coef).enumerate() {
                assert!((g - w).abs() <= 1e-6 * w.abs().max(1.0), "q {} alpha {} coef[{j}]: {g} vs {w}", c.q, c.alpha);
            }
            assert!(
                (m.intercept() - c.intercept).abs() <= 1e-6 * c.intercept.abs(),
                "{} vs {}",
                m.intercept(),
                c.intercept
            );
        }
    }

    #[test]
    fn weights_and_no_intercept_match_scikit_learn() {
        let (x, y) = diabetes();
        // QuantileRegressor(quantile=0.3, alpha=0.05).fit(X, y, sample_weight=1 + arange(n) % 3)
        let w: Vec<f64> = (0..y.len()).map(|i| 1.0 + (i % 3) as f64).collect();
        let m = QuantileRegressor { quantile: 0.3, alpha: 0.05, ..Default::default() }
            .fit_weighted(x.view(), &y, Some(&w))
            .unwrap();
        let obj = objective(&m, x.view(), &y, &w, 0.3, 0.05);
        assert!((obj - 19.35052309784269).abs() <= 1e-8 * 19.35, "{obj}");
        let want = [
            -0.03173901880877451,
            0.0,
            5.748415078532987,
            0.6631589114008051,
            1.3871945425253145,
            -1.402639957123389,
            -1.9584785494828771,
            0.0,
            0.0,
            0.0,
        ];
        for (g, w) in m.coef().iter().zip(want) {
            assert!((g - w).abs() <= 1e-6 * w.abs().max(1.0), "{:?}", m.coef());
        }
        assert!((m.intercept() + 98.53285741970105).abs() <= 1e-6 * 98.5);
        // QuantileRegressor(quantile=0.7, alpha=0, fit_intercept=False).fit(X, y)
        let m = QuantileRegressor { quantile: 0.7, alpha: 0.0, fit_intercept: false, ..Default::default() }
            .fit(x.view(), &y)
            .unwrap();
        let obj = objective(&m, x.view(), &y, &vec![1.0; y.len()], 0.7, 0.0);
        assert!((obj - 19.318545985297476).abs() <= 1e-8 * 19.3, "{obj}");
        assert!((m.coef()[8] - 13.343436645062091).abs() <= 1e-6 * 13.3, "{:?}", m.coef());
        assert_eq!(m.intercept(), 0.0);
        // Zero weights drop rows: the same fit as without them.
        let mut w0 = vec![1.0; y.len()];
        w0[..40].iter_mut().for_each(|v| *v = 0.0);
        let p = QuantileRegressor { quantile: 0.4, alpha: 0.0, ..Default::default() };
        let a = p.fit_weighted(x.view(), &y, Some(&w0)).unwrap();
        let b = p.fit(x.slice(ndarray::s![40.., ..]), &y[40..]).unwrap();
        for (g, w) in a.coef().iter().zip(b.coef()) {
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0));
        }
    }

    #[test]
    fn rank_deficient_input_reaches_the_highs_objective() {
        // X = [wide | 2.0 | wide[:, :1]]: `coordinate_descent::tests::wide` (rank 2), a constant column
        // and a duplicate column. m = QuantileRegressor(quantile=q, alpha=a).fit(X, y);
        // mean(pinball_q(y - m.predict(X))) + a * sum(|m.coef_|) (the optimum is not unique here).
        let (w, y) = crate::linear::coordinate_descent::tests::wide();
        let x = Array2::from_shape_fn((8, 14), |(i, j)| match j {
            12 => 2.0,
            13 => w[[i, 0]],
            _ => w[[i, j]],
        });
        let ones = vec![1.0; 8];
        for (q, a, want) in
            [(0.5, 0.0, 0.10980907672190736), (0.2, 0.01, 0.09228088889642172), (0.8, 0.5, 0.6035243112109628)]
        {
            let m = QuantileRegressor { quantile: q, alpha: a, ..Default::default() }.fit(x.view(), &y).unwrap();
            let obj = objective(&m, x.view(), &y, &ones, q, a);
            assert!((obj - want).abs() <= 1e-8 * want, "q {q} alpha {a}: {obj} vs {want}");
        }
    }

    #[test]
    fn bad_parameters_and_input_are_errors() {
        let (x, y) = diabetes();
        for q in [0.0, 1.0, -0.5, 1.5] {
            let err = QuantileRegressor { quantile: q, ..Default::default() }.fit(x.view(), &y).unwrap_err();
            assert!(err.to_string().contains("quantile"), "{err}");
        }
        let err = QuantileRegressor { alpha: -0.1, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("alpha"), "{err}");
        let err = QuantileRegressor { solver: "interior-point".into(), ..Default::default() }.fit(x.view(), &y);
        assert!(err.unwrap_err().to_string().contains("Solver interior-point is not anymore available"));
        let err = QuantileRegressor { solver: "glpk".into(), ..Default::default() }.fit(x.view(), &y);
        assert!(err.unwrap_err().to_string().contains("solver"));
        let mut bad = x.clone();
        bad[[0, 0]] = f64::NAN;
        assert!(QuantileRegressor::default().fit(bad.view(), &y).is_err());
        assert!(QuantileRegressor::default().fit_weighted(x.view(), &y, Some(&vec![0.0; y.len()])).is_err());
        let m = QuantileRegressor::default().fit(x.view(), &y).unwrap();
        let err = m.predict(array![[1.0]].view()).unwrap_err();
        assert!(err.to_string().contains("X has 1 features, but QuantileRegressor is expecting 10 features"), "{err}");
        let back: QuantileRegressorModel = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }
}
