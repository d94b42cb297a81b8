//! The ridge classifier: classification as multi-output ridge regression.
//!
//! Coding each class as a ±1 target column and solving one penalised least
//! squares problem for all columns at once is the cheapest linear classifier
//! there is: one Gram matrix, one Cholesky factorisation, no iterations, and
//! often as accurate as logistic regression on standardised features. The
//! coding, the class weights and the weighted centring are scikit-learn's, so
//! `coef_` and `intercept_` agree with scikit-learn's to rounding.

use std::collections::BTreeMap;

use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, Par, Side};
use ironlearn_core::validate::{argmax, check_fit_input, check_predict_input, check_sample_weight};
use ironlearn_core::{
    bail, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// scikit-learn's `class_weight`: "balanced" or a weight per class label (classes not named weigh 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassWeight {
    /// "balanced": `n_samples / (n_classes · count(class))`.
    Named(String),
    /// A weight per class label.
    Weights(BTreeMap<String, f64>),
}

/// Whether a class weight lies in scikit-learn's domain.
pub(crate) fn class_weight_ok(c: &Option<ClassWeight>) -> bool {
    match c {
        None => true,
        Some(ClassWeight::Named(n)) => n == "balanced",
        Some(ClassWeight::Weights(m)) => m.values().all(|v| v.is_finite() && *v >= 0.0),
    }
}

/// The weight of each class, in class order (scikit-learn's `compute_class_weight`).
pub(crate) fn class_weights(c: Option<&ClassWeight>, y: &Labels) -> Result<Vec<f64>> {
    let k = y.n_classes();
    Ok(match c {
        None => vec![1.0; k],
        Some(ClassWeight::Named(n)) if n == "balanced" => {
            let counts = y.counts();
            let present = counts.iter().filter(|&&c| c > 0).count() as f64;
            counts.iter().map(|&c| if c > 0 { y.len() as f64 / (present * c as f64) } else { 1.0 }).collect()
        }
        Some(ClassWeight::Named(n)) => bail!(InvalidValue, "class_weight must be 'balanced' or a dict, got '{n}'"),
        Some(ClassWeight::Weights(m)) => {
            if let Some(label) = m.keys().find(|l| !y.classes().contains(l)) {
                bail!(InvalidValue, "class_weight names the class '{label}', which is not in the data");
            }
            y.classes().iter().map(|c| m.get(c).copied().unwrap_or(1.0)).collect()
        }
    })
}

hyperparams! {
    /// Classifier using ridge regression on ±1-coded classes (one column per class, one for two classes).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict};
    /// use ironlearn_learn::RidgeClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Labels::from_strings(&["no", "no", "yes", "yes"]);
    /// let model = RidgeClassifier::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.2], [2.8]].view())?.to_strings(), ["no", "yes"]);
    /// // scikit-learn: RidgeClassifier().fit(x, y).coef_ == [[0.66666667]]
    /// assert!((model.coef()[[0, 0]] - 2.0 / 3.0).abs() < 1e-12);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "ridge_classifier"]
    #[tags(task = Some(Task::Classification), sample_weight, wants_scaling, decision_function)]
    pub struct RidgeClassifier {
        /// Strength of the L2 penalty.
        alpha: f64 = 1.0, alias("lambda", "lambda_l2"), domain(Domain::float_min(0.0));
        /// Whether to fit an (unpenalised) intercept per class.
        fit_intercept: bool = true;
        /// Per-class weights multiplying the sample weights: none, "balanced" or {label: weight}.
        class_weight: Option<ClassWeight> = None,
            check(class_weight_ok, "'balanced' or a dict of non-negative weights per class");
    }
}

/// A fitted [`RidgeClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RidgeClassifierModel {
    params: RidgeClassifier,
    classes: Vec<String>,
    /// One row per class (a single row for two classes), one column per feature.
    coef: Array2<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    intercept: Array1<f64>,
}

impl RidgeClassifierModel {
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// The decision scores, `x·coefᵀ + intercept`: one column for two classes (positive: the second class).
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.coef.ncols(), "RidgeClassifier")?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }
}

/// Multi-output ridge: `(AᵀA + αI) B = AᵀY` on the weighted, centred data;
/// returns the coefficients (targets × features) and intercepts.
///
/// `AᵀA` and `AᵀY` are summed over fixed row blocks (see [`super::gram`]):
/// each block is centred and weighted into a small buffer, so the full
/// centred copies of `X` and `Y` are never built, and the result does not
/// depend on the thread count.
pub(crate) fn ridge_multi(
    x: ArrayView2<'_, f64>,
    y: &Array2<f64>,
    w: &[f64],
    alpha: f64,
    fit_intercept: bool,
) -> Result<(Array2<f64>, Array1<f64>)> {
    let ((n, p), k) = (x.dim(), y.ncols());
    let sw: f64 = w.iter().sum();
    let (x_mean, y_mean): (Vec<f64>, Vec<f64>) = if fit_intercept {
        // Row by row, each column's sum still in row order.
        let mut xs = vec![0.0; p];
        let mut ys = vec![0.0; k];
        for ((xr, yr), &wi) in x.rows().into_iter().zip(y.rows()).zip(w) {
            xs.iter_mut().zip(xr).for_each(|(s, v)| *s += wi * v);
            ys.iter_mut().zip(yr).for_each(|(s, v)| *s += wi * v);
        }
        (xs.iter().map(|s| s / sw).collect(), ys.iter().map(|s| s / sw).collect())
    } else {
        (vec![0.0; p], vec![0.0; k])
    };
    let sq: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
    let starts: Vec<usize> = (0..n).step_by(super::gram::ROWS).collect();
    let parts: Vec<(Mat<f64>, Mat<f64>)> = starts
        .par_iter()
        .map(|&s| {
            let e = (s + super::gram::ROWS).min(n);
            let a = Mat::from_fn(e - s, p, |i, j| (x[[s + i, j]] - x_mean[j]) * sq[s + i]);
            let b = Mat::from_fn(e - s, k, |i, c| (y[[s + i, c]] - y_mean[c]) * sq[s + i]);
            let mut g = Mat::<f64>::zeros(p, p);
            ironlearn_linalg::matmul(g.as_mut(), Accum::Replace, a.transpose(), a.as_ref(), 1.0, Par::Seq);
            let mut r = Mat::<f64>::zeros(p, k);
            ironlearn_linalg::matmul(r.as_mut(), Accum::Replace, a.transpose(), b.as_ref(), 1.0, Par::Seq);
            (g, r)
        })
        .collect();
    let mut g = Mat::<f64>::zeros(p, p);
    let mut rhs = Mat::<f64>::zeros(p, k);
    for (gb, rb) in &parts {
        g += gb;
        rhs += rb;
    }
    (0..p).for_each(|j| g[(j, j)] += alpha);
    let solved = g.llt(Side::Lower).ok().map(|llt| {
        let mut r = rhs.clone();
        llt.solve_in_place(r.as_mut());
        r
    });
    let coef = match solved.filter(|r| (0..k).all(|c| (0..p).all(|j| r[(j, c)].is_finite()))) {
        Some(r) => Array2::from_shape_fn((k, p), |(c, j)| r[(j, c)]),
        None => {
            // Singular (alpha = 0 with collinear features): the minimum-norm solution per target.
            let mut coef = Array2::zeros((k, p));
            for c in 0..k {
                let col: Vec<f64> = (0..p).map(|j| rhs[(j, c)]).collect();
                let s = ironlearn_linalg::solve_spd(g.as_ref(), &col)?;
                coef.row_mut(c).assign(&Array1::from(s));
            }
            coef
        }
    };
    let intercept = if fit_intercept {
        Array1::from_shape_fn(k, |c| y_mean[c] - (0..p).map(|j| x_mean[j] * coef[[c, j]]).sum::<f64>())
    } else {
        Array1::zeros(k)
    };
    Ok((coef, intercept))
}

impl Fit<Labels> for RidgeClassifier {
    type Fitted = RidgeClassifierModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<RidgeClassifierModel> {
        self.validate()?;
        check_fit_input(x, y.len())?;
        check_sample_weight(w, y.len())?;
        y.check_two_classes()?;
        let cw = class_weights(self.class_weight.as_ref(), y)?;
        let codes = y.codes();
        let weights: Vec<f64> = (0..y.len()).map(|i| w.map_or(1.0, |w| w[i]) * cw[codes[i] as usize]).collect();
        if weights.iter().all(|&v| v == 0.0) {
            bail!(InvalidValue, "the sample and class weights are zero for every row");
        }
        // scikit-learn's LabelBinarizer(neg_label=-1): one column for two classes (+1: the second).
        let n_classes = y.n_classes();
        let targets = if n_classes == 2 {
            Array2::from_shape_fn((y.len(), 1), |(i, _)| if codes[i] == 1 { 1.0 } else { -1.0 })
        } else {
            Array2::from_shape_fn((y.len(), n_classes), |(i, c)| if codes[i] as usize == c { 1.0 } else { -1.0 })
        };
        let (coef, intercept) = ridge_multi(x, &targets, &weights, self.alpha, self.fit_intercept)?;
        Ok(RidgeClassifierModel { params: self.clone(), classes: y.classes().to_vec(), coef, intercept })
    }
}

impl Predict for RidgeClassifierModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let s = self.decision_function(x)?;
        let codes = if s.ncols() == 1 {
            s.column(0).iter().map(|&z| u32::from(z > 0.0)).collect()
        } else {
            s.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect()
        };
        Labels::new(self.classes.clone(), codes)
    }
}

impl Learn for RidgeClassifier {
    type Model = RidgeClassifierModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<RidgeClassifierModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for RidgeClassifierModel {
    type Estimator = RidgeClassifier;

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Labels(self.predict(x.to_dense()?.view())?))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.decision_function(x.to_dense()?.view())
    }
}

register!(RidgeClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data::load;

    fn iris() -> (Array2<f64>, Labels) {
        let (x, y) = load("iris");
        (x, Labels::from_strings(&y))
    }

    fn assert_close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (i, (u, v)) in a.iter().zip(b).enumerate() {
            assert!((u - v).abs() <= tol, "[{i}]: {u} vs {v}");
        }
    }

    #[test]
    fn multiclass_matches_scikit_learn() {
        // RidgeClassifier(alpha=1.0).fit(X, y) on iris
        let (x, y) = iris();
        let m = RidgeClassifier::default().fit(x.view(), &y).unwrap();
        let coef = [
            0.12726862685332394,
            0.47083648636124836,
            -0.4453661654462578,
            -0.12120317405244915,
            -0.02760743659095599,
            -0.8779879015502454,
            0.3719963526001524,
            -0.8328757056772988,
            -0.09966119026236418,
            0.4071514151889975,
            0.07336981284610646,
            0.9540788797297409,
        ];
        assert_close(m.coef().as_slice().unwrap(), &coef, 1e-10);
        assert_close(
            m.intercept().as_slice().unwrap(),
            &[-0.6974613707207713, 2.113221102090371, -2.4157597313696186],
            1e-10,
        );
        let acc = m.predict(x.view()).unwrap().codes().iter().zip(y.codes()).filter(|(a, b)| a == b).count();
        assert!(acc > 120, "{acc}");
    }

    #[test]
    fn weights_match_scikit_learn() {
        // w = np.arange(150) % 3 + 0.5
        // RidgeClassifier(alpha=0.5, class_weight={'setosa': 2.0}).fit(X, y, sample_weight=w)
        let (x, y) = iris();
        let w: Vec<f64> = (0..150).map(|i| (i % 3) as f64 + 0.5).collect();
        let params = RidgeClassifier {
            alpha: 0.5,
            class_weight: Some(ClassWeight::Weights([("setosa".to_string(), 2.0)].into())),
            ..Default::default()
        };
        let m = params.fit_weighted(x.view(), &y, Some(&w)).unwrap();
        let coef = [
            0.03987309482547559,
            0.40544413119497646,
            -0.4201602589193875,
            -0.16183682224642185,
            0.23303605496213942,
            -0.8298005547905625,
            0.23127569136337064,
            -0.6390577451758114,
            -0.2729091497876103,
            0.424356423595583,
            0.18888456755601135,
            0.8008945674222413,
        ];
        assert_close(m.coef().as_slice().unwrap(), &coef, 1e-10);
        let b = [-0.0014206660005964336, 0.6670429652828459, -1.6656222992822567];
        assert_close(m.intercept().as_slice().unwrap(), &b, 1e-10);
    }

    #[test]
    fn binary_balanced_and_no_intercept_match_scikit_learn() {
        // Xb, yb = X[50:130], y[50:130]
        // RidgeClassifier(alpha=2.0, class_weight='balanced').fit(Xb, yb)
        let (x, y) = iris();
        let xb = x.slice(ndarray::s![50..130, ..]).to_owned();
        let yb = Labels::from_strings(&y.to_strings()[50..130]);
        let params = RidgeClassifier {
            alpha: 2.0,
            class_weight: Some(ClassWeight::Named("balanced".into())),
            ..Default::default()
        };
        let m = params.fit(xb.view(), &yb).unwrap();
        let coef = [-0.3693421911233766, -0.40646812839684726, 0.7896555094140358, 1.018379063655761];
        assert_close(m.coef().as_slice().unwrap(), &coef, 1e-10);
        assert_close(m.intercept().as_slice().unwrap(), &[-2.120206118484965], 1e-10);
        let d = m.decision_function(xb.slice(ndarray::s![..3, ..])).unwrap();
        assert_close(d.as_slice().unwrap(), &[-0.8691878838544782, -0.7036757646976834, -0.5318378436540725], 1e-10);
        // RidgeClassifier(alpha=2.0, fit_intercept=False).fit(Xb, yb)
        let m = RidgeClassifier { alpha: 2.0, fit_intercept: false, ..Default::default() }.fit(xb.view(), &yb).unwrap();
        let coef = [-0.652497944671331, -0.7049919949337325, 0.8682461798284637, 1.0510059929896423];
        assert_close(m.coef().as_slice().unwrap(), &coef, 1e-10);
        assert_eq!(m.intercept()[0], 0.0);
    }

    /// Over several row blocks, the blocked sums solve the same normal equations as the plain ones.
    #[test]
    fn blocked_sums_solve_the_normal_equations() {
        let n = 2 * crate::linear::gram::ROWS + 77;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * (j + 2)) as f64 * 0.41).sin() + j as f64);
        let y = Array2::from_shape_fn((n, 2), |(i, c)| if (i + c) % 3 == 0 { 1.0 } else { -1.0 });
        let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 4) as f64).collect();
        let (coef, intercept) = ridge_multi(x.view(), &y, &w, 2.0, true).unwrap();
        // The weighted residuals are orthogonal to the centred columns, up to the penalty: Xcᵀ W r = α·coef.
        let sw: f64 = w.iter().sum();
        let x_mean: Vec<f64> = (0..3).map(|j| (0..n).map(|i| w[i] * x[[i, j]]).sum::<f64>() / sw).collect();
        for c in 0..2 {
            let r: Vec<f64> = (0..n)
                .map(|i| y[[i, c]] - intercept[c] - (0..3).map(|j| x[[i, j]] * coef[[c, j]]).sum::<f64>())
                .collect();
            assert!((0..n).map(|i| w[i] * r[i]).sum::<f64>().abs() < 1e-8);
            for j in 0..3 {
                let g: f64 = (0..n).map(|i| w[i] * (x[[i, j]] - x_mean[j]) * r[i]).sum();
                assert!((g - 2.0 * coef[[c, j]]).abs() < 1e-8, "{g} vs {}", 2.0 * coef[[c, j]]);
            }
        }
    }

    #[test]
    fn errors() {
        let (x, y) = iris();
        let bad = RidgeClassifier { alpha: -1.0, ..Default::default() };
        assert!(bad.fit(x.view(), &y).unwrap_err().to_string().contains("alpha"));
        let bad = RidgeClassifier { class_weight: Some(ClassWeight::Named("even".into())), ..Default::default() };
        assert!(bad.fit(x.view(), &y).unwrap_err().to_string().contains("class_weight"));
        let bad = RidgeClassifier {
            class_weight: Some(ClassWeight::Weights([("rose".to_string(), 1.0)].into())),
            ..Default::default()
        };
        assert!(bad.fit(x.view(), &y).unwrap_err().to_string().contains("rose"));
        let mut xn = x.clone();
        xn[[3, 1]] = f64::NAN;
        assert!(RidgeClassifier::default().fit(xn.view(), &y).unwrap_err().to_string().contains("NaN"));
        let one = Labels::from_strings(&vec!["a"; 150]);
        assert!(RidgeClassifier::default().fit(x.view(), &one).is_err());
        let m = RidgeClassifier::default().fit(x.view(), &y).unwrap();
        let err = m.predict(x.slice(ndarray::s![.., ..3])).unwrap_err().to_string();
        assert!(err.contains("3 features") && err.contains("expecting 4"), "{err}");
    }

    #[test]
    fn params_from_json() {
        let p = RidgeClassifier::from_json(
            &serde_json::json!({"class_weight": {"setosa": 2.0}}).as_object().unwrap().clone(),
        )
        .unwrap();
        assert_eq!(p.class_weight, Some(ClassWeight::Weights([("setosa".to_string(), 2.0)].into())));
        let p = RidgeClassifier::from_strs(&[("class_weight", "balanced")]).unwrap();
        assert_eq!(p.class_weight, Some(ClassWeight::Named("balanced".into())));
        assert!(RidgeClassifier::from_strs(&[("class_weight", "even")]).is_err());
    }
}
