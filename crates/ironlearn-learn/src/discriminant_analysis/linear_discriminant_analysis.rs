//! Linear discriminant analysis: one Gaussian per class with a shared covariance.
//!
//! With few rows, a handful of classes and roughly Gaussian features, the
//! shared-covariance model is hard to beat, has a closed form (no tuning, no
//! iterations) and doubles as a supervised projection onto at most
//! `n_classes - 1` discriminant axes. The three solvers are scikit-learn's,
//! step for step, so `coef_`, `intercept_` and the probabilities match
//! scikit-learn's to rounding: "svd" never forms the covariance (safe with
//! collinear features), "lsqr" solves `Σ·coef = means` directly, and
//! "eigen" solves the generalised eigenproblem of the between- and
//! within-class scatter; the last two take a shrunk covariance.

use faer::Side;
use ironlearn_core::validate::{argmax, check_predict_input};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Data, Domain, Features, FitContext, Fitted, Labels, Learn, Params, Prediction,
    Result, Task, TrainData,
};
use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::common::{
    class_covariance, covariance, eigh_descending, priors_ok, right_singular, shrinkage_ok, softmax_rows, thin_svd,
    to_faer, to_nd, Groups, Shrinkage,
};

hyperparams! {
    /// Linear discriminant analysis: Gaussian classes with a shared covariance; also a supervised projection.
    ///
    /// ```
    /// use ironlearn_core::Labels;
    /// use ironlearn_learn::LinearDiscriminantAnalysis;
    /// use ndarray::array;
    ///
    /// let x = array![[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]];
    /// let y = Labels::from_strings(&["a", "a", "a", "b", "b", "b"]);
    /// let model = LinearDiscriminantAnalysis::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[-0.8, -1.0]].view())?.to_strings(), ["a"]);
    /// assert_eq!(model.transform(x.view())?.ncols(), 1); // at most n_classes - 1 axes
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "linear_discriminant_analysis"]
    #[aliases("lda")]
    #[tags(task = Some(Task::Classification), predict_proba, transform, decision_function)]
    pub struct LinearDiscriminantAnalysis {
        /// "svd" (no covariance matrix formed; no shrinkage), "lsqr" (least squares; no transform) or
        /// "eigen" (generalised eigenproblem of the scatter matrices).
        solver: String = "svd".into(), domain(Domain::choice(&["svd", "lsqr", "eigen"]));
        /// Shrinkage of the covariance toward a scaled identity, for "lsqr" and "eigen": none, "auto"
        /// (Ledoit-Wolf) or a number in [0, 1].
        shrinkage: Option<Shrinkage> = None, check(shrinkage_ok, "'auto' or a number in [0, 1]");
        /// The class priors, in class order; by default the class shares of the training rows. Priors
        /// that do not sum to 1 are rescaled, as scikit-learn does (with a warning there).
        priors: Option<Vec<f64>> = None, check(priors_ok, "finite numbers");
        /// The number of axes `transform` keeps, at most min(n_features, n_classes - 1); all by default.
        n_components: Option<usize> = None, domain(Domain::int_min(1));
        /// Whether to keep the within-class covariance as `covariance_` ("svd"; the other solvers always do).
        store_covariance: bool = false;
        /// Singular values below this count as zero ("svd"): the rank of the scaled within-class data.
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
    }
}

/// A fitted [`LinearDiscriminantAnalysis`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearDiscriminantAnalysisModel {
    params: LinearDiscriminantAnalysis,
    classes: Vec<String>,
    #[serde(with = "ironlearn_core::state::array1")]
    priors: Array1<f64>,
    means: Array2<f64>,
    /// One row per class (a single row for two classes).
    coef: Array2<f64>,
    #[serde(with = "ironlearn_core::state::array1")]
    intercept: Array1<f64>,
    /// The discriminant axes, one per column ("svd" and "eigen").
    scalings: Option<Array2<f64>>,
    /// The prior-weighted overall mean ("svd").
    xbar: Option<Array1<f64>>,
    explained_variance_ratio: Option<Array1<f64>>,
    covariance: Option<Array2<f64>>,
    /// The number of axes `transform` gives at most.
    #[serde(rename = "_max_components")]
    max_components: usize,
}

impl LinearDiscriminantAnalysisModel {
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// The class means, one row per class.
    pub fn means(&self) -> &Array2<f64> {
        &self.means
    }

    /// The class priors used (summing to 1).
    pub fn priors(&self) -> &Array1<f64> {
        &self.priors
    }

    /// The discriminant axes, one per column; `None` for the "lsqr" solver.
    pub fn scalings(&self) -> Option<&Array2<f64>> {
        self.scalings.as_ref()
    }

    /// The share of between-class variance of each kept axis; `None` for "lsqr".
    pub fn explained_variance_ratio(&self) -> Option<&Array1<f64>> {
        self.explained_variance_ratio.as_ref()
    }

    /// The weighted within-class covariance ("lsqr", "eigen", or "svd" with `store_covariance`).
    pub fn covariance(&self) -> Option<&Array2<f64>> {
        self.covariance.as_ref()
    }

    /// The class labels, in the order of the probability columns.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// `x·coefᵀ + intercept`: one column for two classes (the second class's log-odds), else one per class.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.coef.ncols(), "LinearDiscriminantAnalysis")?;
        Ok(x.dot(&self.coef.t()) + &self.intercept)
    }

    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let d = self.decision_function(x)?;
        let codes = if d.ncols() == 1 {
            d.column(0).iter().map(|&z| u32::from(z > 0.0)).collect()
        } else {
            d.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect()
        };
        Labels::new(self.classes.clone(), codes)
    }

    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let d = self.decision_function(x)?;
        if d.ncols() > 1 {
            return Ok(softmax_rows(d));
        }
        let mut p = Array2::zeros((d.nrows(), 2));
        for (i, z) in d.column(0).iter().enumerate() {
            let q = if *z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) };
            p[[i, 0]] = 1.0 - q;
            p[[i, 1]] = q;
        }
        Ok(p)
    }

    /// The projection onto the first `n_components` discriminant axes (not for the "lsqr" solver).
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let Some(scalings) = &self.scalings else {
            bail!(NotImplemented, "transform not implemented for 'lsqr' solver (use 'svd' or 'eigen').");
        };
        check_predict_input(x, self.coef.ncols(), "LinearDiscriminantAnalysis")?;
        let k = self.max_components.min(scalings.ncols());
        let axes = scalings.slice(s![.., ..k]);
        Ok(match &self.xbar {
            Some(xbar) => (&x - xbar).dot(&axes),
            None => x.dot(&axes),
        })
    }
}

/// What a solver learns.
struct Solution {
    coef: Array2<f64>,
    intercept: Array1<f64>,
    scalings: Option<Array2<f64>>,
    xbar: Option<Array1<f64>>,
    explained_variance_ratio: Option<Array1<f64>>,
    covariance: Option<Array2<f64>>,
}

impl LinearDiscriminantAnalysis {
    /// Fits the class Gaussians and the discriminant axes.
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &Labels) -> Result<LinearDiscriminantAnalysisModel> {
        self.validate()?;
        ensure!(
            x.nrows() >= 2,
            Empty,
            "Found array with {} sample(s) (shape={:?}) while a minimum of 2 is required.",
            x.nrows(),
            x.shape()
        );
        let groups = Groups::new(x, y)?;
        let k = groups.n_classes();
        ensure!(x.nrows() > k, InvalidValue, "The number of samples must be more than the number of classes.");
        let priors = groups.priors(self.priors.as_deref(), true)?;
        let max_components = (k - 1).min(x.ncols());
        let max_components = match self.n_components {
            None => max_components,
            Some(n) => {
                ensure!(
                    n <= max_components,
                    InvalidValue,
                    "n_components cannot be larger than min(n_features, n_classes - 1)."
                );
                n
            }
        };
        let means = groups.means(x);
        let shrinkage = self.shrinkage.as_ref();
        let mut sol = match self.solver.as_str() {
            "svd" => {
                if shrinkage.is_some() {
                    bail!(NotImplemented, "shrinkage not supported with 'svd' solver.");
                }
                self.solve_svd(x, &groups, &priors, &means, max_components)?
            }
            "lsqr" => solve_lstsq(x, &groups, &priors, &means, shrinkage)?,
            _ => solve_eigen(x, &groups, &priors, &means, shrinkage, max_components)?,
        };
        if k == 2 {
            // The binary case keeps the second class's log-odds only, as scikit-learn.
            let d = &sol.coef.row(1) - &sol.coef.row(0);
            sol.coef = d.insert_axis(Axis(0));
            sol.intercept = Array1::from(vec![sol.intercept[1] - sol.intercept[0]]);
        }
        Ok(LinearDiscriminantAnalysisModel {
            params: self.clone(),
            classes: groups.classes,
            priors,
            means,
            coef: sol.coef,
            intercept: sol.intercept,
            scalings: sol.scalings,
            xbar: sol.xbar,
            explained_variance_ratio: sol.explained_variance_ratio,
            covariance: sol.covariance,
            max_components,
        })
    }

    /// scikit-learn's `_solve_svd`: whiten the within-class data by its SVD, then
    /// find the axes of the whitened class means by a second SVD.
    fn solve_svd(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
        priors: &Array1<f64>,
        means: &Array2<f64>,
        max_components: usize,
    ) -> Result<Solution> {
        let (n, p) = x.dim();
        let k = groups.n_classes();
        let covariance = if self.store_covariance { Some(class_covariance(x, groups, priors, None)?) } else { None };
        let mut xc = Array2::zeros((n, p));
        let mut row = 0;
        for (c, rows) in groups.rows.iter().enumerate() {
            for &i in rows {
                xc.row_mut(row).iter_mut().zip(x.row(i)).zip(means.row(c)).for_each(|((o, &v), &m)| *o = v - m);
                row += 1;
            }
        }
        let xbar = priors.dot(means);
        let std = xc.std_axis(Axis(0), 0.0).mapv(|s| if s == 0.0 { 1.0 } else { s });
        let xs = (xc / &std) * (1.0 / n as f64).sqrt();
        let (s2, v) = right_singular(xs.view())?;
        let sv: Vec<f64> = s2.iter().map(|v| v.sqrt()).collect();
        let rank = sv.iter().filter(|&&s| s > self.tol).count();
        // Scaling of the within-class covariance: V / std / S.
        let scalings = Array2::from_shape_fn((p, rank), |(j, r)| v[[j, r]] / std[j] / sv[r]);
        let fac = if k == 1 { 1.0 } else { 1.0 / (k - 1) as f64 };
        let centred_means = means - &xbar;
        let mut weighted = centred_means.clone();
        for (c, mut r) in weighted.rows_mut().into_iter().enumerate() {
            r *= (n as f64 * priors[c] * fac).sqrt();
        }
        let between = weighted.dot(&scalings);
        let (sb, vb) = thin_svd(between.view())?;
        let total: f64 = sb.iter().map(|s| s * s).sum();
        let ratio: Array1<f64> =
            sb.iter().take(max_components).map(|s| if total > 0.0 { s * s / total } else { 0.0 }).collect();
        let first = sb.first().copied().unwrap_or(0.0);
        let rank2 = sb.iter().filter(|&&s| s > self.tol * first).count();
        let scalings = scalings.dot(&vb.slice(s![.., ..rank2]));
        let coef = centred_means.dot(&scalings);
        let mut intercept: Array1<f64> =
            coef.rows().into_iter().zip(priors).map(|(r, pr)| -0.5 * r.dot(&r) + pr.ln()).collect();
        let coef = coef.dot(&scalings.t());
        intercept -= &coef.dot(&xbar);
        Ok(Solution {
            coef,
            intercept,
            scalings: Some(scalings),
            xbar: Some(xbar),
            explained_variance_ratio: Some(ratio),
            covariance,
        })
    }
}

/// `-½·diag(means·coefᵀ) + log(priors)`.
fn intercepts(means: &Array2<f64>, coef: &Array2<f64>, priors: &Array1<f64>) -> Array1<f64> {
    means.rows().into_iter().zip(coef.rows()).zip(priors).map(|((m, c), p)| -0.5 * m.dot(&c) + p.ln()).collect()
}

/// scikit-learn's `_solve_lstsq`: `coef = lstsq(Σ, meansᵀ)ᵀ` with the (shrunk) within-class covariance.
fn solve_lstsq(
    x: ArrayView2<'_, f64>,
    groups: &Groups,
    priors: &Array1<f64>,
    means: &Array2<f64>,
    shrinkage: Option<&Shrinkage>,
) -> Result<Solution> {
    let cov = class_covariance(x, groups, priors, shrinkage)?;
    let a = to_faer(cov.view());
    let mut coef = Array2::zeros(means.dim());
    for (c, mut row) in coef.rows_mut().into_iter().enumerate() {
        let b = means.row(c).to_vec();
        row.assign(&Array1::from(ironlearn_linalg::lstsq_min_norm(a.as_ref(), &b)?.x));
    }
    let intercept = intercepts(means, &coef, priors);
    Ok(Solution { coef, intercept, scalings: None, xbar: None, explained_variance_ratio: None, covariance: Some(cov) })
}

/// scikit-learn's `_solve_eigen`: the generalised eigenproblem `Sb·v = λ·Sw·v`,
/// solved through the Cholesky factor of `Sw` (eigenvectors with `vᵀ·Sw·v = 1`, as scipy's).
fn solve_eigen(
    x: ArrayView2<'_, f64>,
    groups: &Groups,
    priors: &Array1<f64>,
    means: &Array2<f64>,
    shrinkage: Option<&Shrinkage>,
    max_components: usize,
) -> Result<Solution> {
    let sw = class_covariance(x, groups, priors, shrinkage)?;
    let st = covariance(x, shrinkage)?;
    let sb = &st - &sw;
    let llt = to_faer(sw.view()).llt(Side::Lower).map_err(|_| {
        ironlearn_core::Error::InvalidValue(
            "the within-class covariance is not positive definite (collinear features); use solver 'svd' or \
             set shrinkage"
                .into(),
        )
    })?;
    let l = llt.L();
    // C = L⁻¹·Sb·L⁻ᵀ, symmetric.
    let mut a = to_faer(sb.view());
    l.solve_lower_triangular_in_place(a.as_mut());
    let mut c = a.transpose().to_owned();
    l.solve_lower_triangular_in_place(c.as_mut());
    let c = to_nd(c.as_ref());
    let c = (&c + &c.t()) * 0.5;
    let (values, y) = eigh_descending(c.view())?;
    // Eigenvectors of the pencil: L⁻ᵀ·y.
    let mut e = to_faer(y.view());
    l.transpose().solve_upper_triangular_in_place(e.as_mut());
    let evecs = to_nd(e.as_ref());
    let total: f64 = values.iter().sum();
    let ratio: Array1<f64> = values.iter().take(max_components).map(|v| v / total).collect();
    let coef = means.dot(&evecs).dot(&evecs.t());
    let intercept = intercepts(means, &coef, priors);
    Ok(Solution {
        coef,
        intercept,
        scalings: Some(evecs),
        xbar: None,
        explained_variance_ratio: Some(ratio),
        covariance: Some(sw),
    })
}

impl Learn for LinearDiscriminantAnalysis {
    type Model = LinearDiscriminantAnalysisModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<LinearDiscriminantAnalysisModel> {
        self.fit(data.dense()?.view(), &*data.labels()?)
    }
}

impl Fitted for LinearDiscriminantAnalysisModel {
    type Estimator = LinearDiscriminantAnalysis;

    fn n_features_in(&self) -> usize {
        self.coef.ncols()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Labels(self.predict(x.to_dense()?.view())?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.predict_proba(x.to_dense()?.view())
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.decision_function(x.to_dense()?.view())
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        Ok(Data::Dense(self.transform(x.to_dense()?.view())?))
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        let k = self.scalings.as_ref().map_or(0, |s| self.max_components.min(s.ncols()));
        (0..k).map(|i| format!("lineardiscriminantanalysis{i}")).collect()
    }
}

register!(LinearDiscriminantAnalysis);

#[cfg(test)]
mod tests {
    use super::super::common::{assert_close, load};
    use super::*;

    const IRIS_ROWS: [usize; 7] = [0, 60, 70, 83, 106, 133, 138];
    const WINE_ROWS: [usize; 7] = [0, 60, 61, 70, 83, 130, 140];

    struct Want<'a> {
        coef: &'a [f64],
        intercept: &'a [f64],
        proba: &'a [f64],
        evr: Option<&'a [f64]>,
        /// |transform| (the sign of each axis is arbitrary).
        abs_transform: Option<&'a [f64]>,
    }

    fn check(params: LinearDiscriminantAnalysis, data: &str, rows: &[usize], want: Want<'_>) {
        let (x, y) = load(data);
        check_on(params, x.view(), &y, x.select(Axis(0), rows).view(), want);
    }

    fn check_on(
        params: LinearDiscriminantAnalysis,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        at: ArrayView2<'_, f64>,
        want: Want<'_>,
    ) {
        let m = params.fit(x, y).unwrap();
        assert_close(m.coef().as_slice().unwrap(), want.coef, 1e-8);
        assert_close(m.intercept().as_slice().unwrap(), want.intercept, 1e-8);
        let p = m.predict_proba(at).unwrap();
        assert_close(p.as_standard_layout().as_slice().unwrap(), want.proba, 1e-8);
        if let Some(evr) = want.evr {
            assert_close(m.explained_variance_ratio().unwrap().as_slice().unwrap(), evr, 1e-8);
        }
        if let Some(t) = want.abs_transform {
            let got = m.transform(at).unwrap().mapv(f64::abs);
            assert_close(got.as_standard_layout().as_slice().unwrap(), t, 1e-7);
        }
    }

    #[test]
    fn svd_matches_scikit_learn_on_iris() {
        // LinearDiscriminantAnalysis().fit(X_iris, y) ; rows [0, 60, 70, 83, 106, 133, 138]
        check(
            LinearDiscriminantAnalysis::default(),
            "iris",
            &IRIS_ROWS,
            Want {
                coef: &[
                    6.443631080280982,
                    12.387058347553943,
                    -17.29227005224038,
                    -21.193933257467314,
                    -1.5624481512316915,
                    -4.46535048744007,
                    4.791495210114754,
                    3.125087132298996,
                    -4.881182929049287,
                    -7.921707860113858,
                    12.500774842125612,
                    18.06884612516832,
                ],
                intercept: &[-15.771290286756816, -2.0408182734588918, -34.19970866714024],
                proba: &[
                    1.0,
                    1.4247331046890866e-22,
                    3.699975405916063e-43,
                    8.513547290785766e-19,
                    0.9999989205321855,
                    1.079467814446324e-06,
                    2.0942270071289814e-28,
                    0.2490773339527488,
                    0.7509226660472511,
                    9.793100374109493e-33,
                    0.13896936814915004,
                    0.8610306318508499,
                    8.309620336284688e-34,
                    0.045888570256548335,
                    0.9541114297434516,
                    3.5032547218728643e-29,
                    0.7333635677090267,
                    0.2666364322909732,
                    1.2100632865214831e-29,
                    0.1880184927022485,
                    0.8119815072977515,
                ],
                evr: Some(&[0.9912126049653671, 0.008787395034632784]),
                abs_transform: Some(&[
                    8.14364756447061,
                    0.30347065512173005,
                    1.205880011224836,
                    2.6612021330795046,
                    3.753621947732786,
                    1.0551188999474614,
                    4.5441372311227575,
                    0.8917120731350175,
                    4.725488965458111,
                    0.504162099044261,
                    3.8538932997813564,
                    0.9525596391523163,
                    3.979852528936615,
                    0.6202542580636834,
                ]),
            },
        );
    }

    #[test]
    fn svd_matches_scikit_learn_on_wine() {
        // LinearDiscriminantAnalysis().fit(X_wine, y) ; rows [0, 60, 61, 70, 83, 130, 140]
        check(
            LinearDiscriminantAnalysis::default(),
            "wine",
            &WINE_ROWS,
            Want {
                coef: &[
                    2.904371250096392,
                    -0.04981850427531879,
                    5.3212539544361075,
                    -0.7907498407481448,
                    0.006735222747796349,
                    -2.2069657529211897,
                    4.936303505823965,
                    2.400842197922039,
                    -0.9951956483891812,
                    -0.8002780379160299,
                    0.2398004926635149,
                    4.1177200487814245,
                    0.014277577527174314,
                    -2.1598851497772458,
                    -0.7814444847614704,
                    -5.869986207020739,
                    0.3556010638109975,
                    0.001339297309542217,
                    0.03089698324409661,
                    1.3721077308848546,
                    4.223221098798293,
                    0.7614648374812245,
                    -0.6656788679851525,
                    3.8782246002308236,
                    -0.0348600149444233,
                    -0.006957144327817618,
                    -0.37512621086463643,
                    1.2171218785480882,
                    2.1419799455571336,
                    0.44597010569916024,
                    -0.01025975523119754,
                    2.667026950250402,
                    -8.097115744509136,
                    -9.197883076918314,
                    0.09692791237072307,
                    1.968325080499825,
                    -6.031295326740333,
                    -5.009800454521873,
                    -0.007258746392254857,
                ],
                intercept: &[-65.84508362643066, 32.0454835123874, 5.012650142315948],
                proba: &[
                    0.999999997674198,
                    2.325801996930445e-09,
                    1.8357825965583813e-18,
                    2.027192624369481e-06,
                    0.9999614939541824,
                    3.647885319308889e-05,
                    7.114859572301477e-09,
                    0.9669609322478842,
                    0.03303906063725614,
                    4.4982565775156086e-06,
                    0.9984658483347028,
                    0.0015296534087198943,
                    3.5312345058564143e-07,
                    0.9000447096898134,
                    0.099954937186736,
                    7.033549513166529e-07,
                    0.058525724293284224,
                    0.9414735723517645,
                    2.972878539884443e-08,
                    0.0001835067948968557,
                    0.9998164634763177,
                ],
                evr: Some(&[0.6874788878860782, 0.31252111211392175]),
                abs_transform: Some(&[
                    4.740360616560032,
                    1.9960303035510443,
                    0.8064973635957075,
                    1.4059629548996542,
                    2.4004690870186454,
                    1.464278445089217,
                    1.1899502671363866,
                    0.9080271962831002,
                    2.0521943673774787,
                    0.7970654160339905,
                    2.2654965793851054,
                    0.1889468877256716,
                    2.6922060339046734,
                    1.1508299760196525,
                ]),
            },
        );
    }

    #[test]
    fn lsqr_matches_scikit_learn() {
        // LinearDiscriminantAnalysis(solver='lsqr').fit(X_iris, y)
        check(
            LinearDiscriminantAnalysis { solver: "lsqr".into(), ..Default::default() },
            "iris",
            &IRIS_ROWS,
            Want {
                coef: &[
                    24.024659921347205,
                    24.069255607744676,
                    -16.76595818667742,
                    -17.75348038935146,
                    16.018580689834575,
                    7.216846772750651,
                    5.317807075677712,
                    6.565540000414863,
                    12.699845912016926,
                    3.7604894000768816,
                    13.027086707688598,
                    21.5092989932842,
                ],
                intercept: &[-88.0474466611231, -74.31697464782536, -106.47586504150661],
                proba: &[
                    1.0,
                    1.4247331046890765e-22,
                    3.699975405915748e-43,
                    8.513547290785464e-19,
                    0.9999989205321855,
                    1.079467814446278e-06,
                    2.0942270071288783e-28,
                    0.24907733395274323,
                    0.7509226660472569,
                    9.793100374109059e-33,
                    0.13896936814915165,
                    0.8610306318508484,
                    8.30962033628423e-34,
                    0.04588857025654689,
                    0.9541114297434531,
                    3.503254721872655e-29,
                    0.7333635677090351,
                    0.2666364322909649,
                    1.2100632865214074e-29,
                    0.1880184927022417,
                    0.8119815072977583,
                ],
                evr: None,
                abs_transform: None,
            },
        );
        // LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto').fit(X_wine, y)
        check(
            LinearDiscriminantAnalysis {
                solver: "lsqr".into(),
                shrinkage: Some(Shrinkage::Named("auto".into())),
                ..Default::default()
            },
            "wine",
            &WINE_ROWS,
            Want {
                coef: &WINE_AUTO_COEF,
                intercept: &[-522.5154626373978, -426.3275205452927, -456.9844800382283],
                proba: &[
                    0.9999999760901018,
                    2.3909897727776982e-08,
                    3.7167265143262263e-16,
                    3.484789514226667e-06,
                    0.9998228326567501,
                    0.00017368255373551491,
                    8.8441937882556e-08,
                    0.7958744925677991,
                    0.20412541899026296,
                    7.830024407925108e-06,
                    0.9658015126113161,
                    0.03419065736427594,
                    3.6628681147006983e-07,
                    0.1911104849918861,
                    0.8088891487213024,
                    3.3649621621527534e-07,
                    0.013682103822484125,
                    0.9863175596812997,
                    3.5849804426552e-08,
                    0.00041555729331799147,
                    0.9995844068568775,
                ],
                evr: None,
                abs_transform: None,
            },
        );
    }

    // LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto').fit(X_wine, y).coef_
    const WINE_AUTO_COEF: [f64; 39] = [
        54.68304211599189,
        2.1555737047162515,
        31.728082876538437,
        0.6949802016303753,
        0.4942464222214388,
        2.351761717038722,
        2.329813590814288,
        31.398106455617963,
        0.9483581748930376,
        -1.738737517958237,
        38.06937479785656,
        20.26649267422649,
        0.022607657679112998,
        49.871702479546975,
        1.5242092561285916,
        25.50770396629384,
        1.35786277743815,
        0.4679385227002963,
        2.3358892333604464,
        0.05756705794733161,
        34.26691780621553,
        2.096293070470992,
        -1.9687422990636794,
        39.670965660062116,
        17.138363987637504,
        0.0032490218266356687,
        52.45417333387583,
        3.221050249736762,
        30.25970379627533,
        1.5232163097681528,
        0.48641674812030194,
        1.6269277490429495,
        -5.634402052951848,
        31.271741753818773,
        0.8328744318406384,
        0.1991946318149656,
        26.503138940324092,
        11.844425411919655,
        0.005040249339841656,
    ];

    #[test]
    fn eigen_matches_scikit_learn() {
        // LinearDiscriminantAnalysis(solver='eigen', shrinkage=0.3).fit(X_iris, y)
        check(
            LinearDiscriminantAnalysis {
                solver: "eigen".into(),
                shrinkage: Some(Shrinkage::Fixed(0.3)),
                ..Default::default()
            },
            "iris",
            &IRIS_ROWS,
            Want {
                coef: &[
                    21.986063170144504,
                    20.589361680882813,
                    -9.546864205893769,
                    -7.028850770102347,
                    18.058484640470454,
                    9.197878083490265,
                    9.870532686625495,
                    4.837748892332633,
                    16.620875039955187,
                    7.939509679405441,
                    17.365645559010616,
                    12.28857981388971,
                ],
                intercept: &[-83.57658794534201, -91.66691798534727, -128.30918898684013],
                proba: &[
                    1.0,
                    2.0349047882431492e-17,
                    3.17963161529136e-33,
                    1.8539233824457084e-13,
                    0.9999968349222712,
                    3.165077543296553e-06,
                    1.989713387068269e-21,
                    0.44100337461642236,
                    0.5589966253835777,
                    1.3182967049334072e-25,
                    0.18529426132405807,
                    0.814705738675942,
                    2.063100781804783e-23,
                    0.6077963277937399,
                    0.39220367220626,
                    1.0774425012509652e-23,
                    0.45544871255479286,
                    0.5445512874452071,
                    2.8385272829472705e-22,
                    0.414594549990425,
                    0.585405450009575,
                ],
                evr: Some(&[0.677910241662283, 0.1629469315827855]),
                abs_transform: Some(&[
                    3.432624364212095,
                    0.46514568582467497,
                    4.451805251863455,
                    0.20839265737143053,
                    6.838688582394958,
                    0.06503195400222962,
                    7.696061580802425,
                    0.6312529563119125,
                    7.36643224700636,
                    0.27930758771311803,
                    7.241392367990978,
                    0.6733015945021721,
                    7.016289747689269,
                    0.272516355953054,
                ]),
            },
        );
        // LinearDiscriminantAnalysis(solver='eigen', shrinkage='auto', n_components=1).fit(X_wine, y)
        // (coef_ equals the lsqr one to ~1e-13)
        check(
            LinearDiscriminantAnalysis {
                solver: "eigen".into(),
                shrinkage: Some(Shrinkage::Named("auto".into())),
                n_components: Some(1),
                ..Default::default()
            },
            "wine",
            &WINE_ROWS,
            Want {
                coef: &WINE_AUTO_COEF,
                intercept: &[-522.5154626373854, -426.32752054528925, -456.9844800382149],
                proba: &[
                    0.9999999760901018,
                    2.390989772798085e-08,
                    3.716726514319043e-16,
                    3.4847895142038914e-06,
                    0.9998228326567514,
                    0.00017368255373420208,
                    8.844193788212664e-08,
                    0.795874492569138,
                    0.20412541898892392,
                    7.830024407872419e-06,
                    0.9658015126115697,
                    0.03419065736402254,
                    3.662868114700024e-07,
                    0.19111048499323055,
                    0.8088891487199579,
                    3.364962162157708e-07,
                    0.01368210382260149,
                    0.9863175596811823,
                    3.5849804426617075e-08,
                    0.000415557293321793,
                    0.9995844068568738,
                ],
                evr: Some(&[0.6945871165339713]),
                abs_transform: Some(&[
                    12.951015543413083,
                    7.70544521879218,
                    6.249290560659017,
                    7.072770637492607,
                    6.214857018150803,
                    6.148544477201221,
                    5.810177764382574,
                ]),
            },
        );
    }

    #[test]
    fn priors_are_used_and_renormalised() {
        // LinearDiscriminantAnalysis(priors=[0.2, 0.3, 0.5]).fit(X_iris, y)
        let want = Want {
            coef: &[
                8.064230774118933,
                15.2101057543321,
                -21.521652025889534,
                -26.9270958082477,
                0.05815154260628123,
                -1.6423030806619199,
                0.562113236465591,
                -2.6080754184813917,
                -3.260583235211344,
                -5.098660453335692,
                8.271392868476466,
                12.335683574387923,
            ],
            intercept: &[-9.73400417858462, 4.401932942821418, -27.24613182709387],
            proba: &[
                1.0,
                2.1370996570336817e-22,
                9.24993851479043e-43,
                5.675694109371085e-19,
                0.9999982008882707,
                1.7991117293550819e-06,
                9.303860317895686e-29,
                0.16598349048801703,
                0.8340165095119829,
                4.147807420199537e-33,
                0.08828943149302207,
                0.9117105685069778,
                3.3859996068528658e-34,
                0.02804797473764927,
                0.9719520252623507,
                1.9830083076741778e-29,
                0.6226778365127448,
                0.3773221634872552,
                5.233879608041461e-30,
                0.1219852919078946,
                0.8780147080921055,
            ],
            evr: Some(&[0.9892385076123428, 0.010761492387657202]),
            abs_transform: None,
        };
        let with = |p: Vec<f64>| LinearDiscriminantAnalysis { priors: Some(p), ..Default::default() };
        check(with(vec![0.2, 0.3, 0.5]), "iris", &IRIS_ROWS, want);
        // LinearDiscriminantAnalysis(priors=[2, 3, 5]): "The priors do not sum to 1. Renormalizing" -> [0.2, 0.3, 0.5]
        let (x, y) = load("iris");
        let m = with(vec![2.0, 3.0, 5.0]).fit(x.view(), &y).unwrap();
        assert_close(m.priors().as_slice().unwrap(), &[0.2, 0.3, 0.5], 1e-15);
    }

    #[test]
    fn two_classes_keep_one_coefficient_row() {
        // LinearDiscriminantAnalysis().fit(X_iris[:100], y[:100]) ; proba at iris rows [0, 60, 70, 83, 106, 133, 138]
        let (x, y) = load("iris");
        let idx: Vec<usize> = (0..100).collect();
        let (xb, yb) = (x.select(Axis(0), &idx), y.take(&idx));
        let want = Want {
            coef: &[-3.115071658986959, -18.390774860285603, 22.21040274595664, 31.47363769660259],
            intercept: &[-14.246673147368824],
            proba: &[1.0, 1.572502169605799e-25, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
            evr: Some(&[1.0]),
            abs_transform: Some(&[
                5.564545308223698,
                4.151242830017435,
                6.994309274678066,
                7.89577888025657,
                7.596258180011971,
                7.3188863003043965,
                7.322329263923017,
            ]),
        };
        check_on(LinearDiscriminantAnalysis::default(), xb.view(), &yb, x.select(Axis(0), &IRIS_ROWS).view(), want);
        let m = LinearDiscriminantAnalysis::default().fit(xb.view(), &yb).unwrap();
        assert_eq!(m.decision_function(x.view()).unwrap().ncols(), 1);
        assert_eq!(m.predict(xb.view()).unwrap().to_strings(), yb.to_strings());
    }

    #[test]
    fn stored_covariance_matches_scikit_learn() {
        // LinearDiscriminantAnalysis(store_covariance=True).fit(X_iris, y).covariance_
        let (x, y) = load("iris");
        let m = LinearDiscriminantAnalysis { store_covariance: true, ..Default::default() }.fit(x.view(), &y).unwrap();
        let want = [
            0.25970799999999994,
            0.09086666666666665,
            0.16416400000000003,
            0.03763333333333334,
            0.09086666666666665,
            0.11308000000000001,
            0.05413866666666667,
            0.032056,
            0.16416400000000003,
            0.05413866666666667,
            0.1814840000000001,
            0.041812,
            0.03763333333333334,
            0.032056,
            0.041812,
            0.04104399999999999,
        ];
        assert_close(m.covariance().unwrap().as_slice().unwrap(), &want, 1e-12);
        assert!(LinearDiscriminantAnalysis::default().fit(x.view(), &y).unwrap().covariance().is_none());
    }

    fn fit_err(params: LinearDiscriminantAnalysis, x: ArrayView2<'_, f64>, y: &Labels) -> String {
        params.fit(x, y).unwrap_err().to_string()
    }

    #[test]
    fn bad_input_and_parameters_are_errors_as_in_scikit_learn() {
        let (x, y) = load("iris");
        let lda = LinearDiscriminantAnalysis::default;
        let shrunk = LinearDiscriminantAnalysis { shrinkage: Some(Shrinkage::Fixed(0.5)), ..lda() };
        assert!(fit_err(shrunk, x.view(), &y).contains("shrinkage not supported with 'svd' solver."));
        let too_many = LinearDiscriminantAnalysis { n_components: Some(3), ..lda() };
        assert!(fit_err(too_many, x.view(), &y).contains("n_components cannot be larger than min(n_features"));
        let negative = LinearDiscriminantAnalysis { priors: Some(vec![-0.1, 0.6, 0.5]), ..lda() };
        assert!(fit_err(negative, x.view(), &y).contains("priors must be non-negative"));
        let short = LinearDiscriminantAnalysis { priors: Some(vec![0.5, 0.5]), ..lda() };
        assert!(fit_err(short, x.view(), &y).contains("priors has 2 values but there are 3 classes"));
        let bad_shrinkage = LinearDiscriminantAnalysis { shrinkage: Some(Shrinkage::Fixed(1.5)), ..lda() };
        assert!(fit_err(bad_shrinkage, x.view(), &y).contains("'shrinkage'"));
        let bad_name = LinearDiscriminantAnalysis { shrinkage: Some(Shrinkage::Named("oas".into())), ..lda() };
        assert!(fit_err(bad_name, x.view(), &y).contains("'shrinkage'"));
        // One row per class: "The number of samples must be more than the number of classes."
        let three = x.select(Axis(0), &[0, 50, 100]);
        assert!(
            fit_err(lda(), three.view(), &y.take(&[0, 50, 100])).contains("must be more than the number of classes")
        );
        let mut nan = x.clone();
        nan[[3, 1]] = f64::NAN;
        assert!(fit_err(lda(), nan.view(), &y).contains("NaN"));
        let one_class = y.take(&[0, 1, 2]);
        assert!(fit_err(lda(), x.select(Axis(0), &[0, 1, 2]).view(), &one_class).contains("only one class"));

        let m = lda().fit(x.view(), &y).unwrap();
        let narrow = x.slice(s![.., ..3]);
        let err = m.predict(narrow).unwrap_err().to_string();
        assert!(err.contains("X has 3 features, but LinearDiscriminantAnalysis is expecting 4 features"), "{err}");
        let err = m.predict_proba(nan.view()).unwrap_err().to_string();
        assert!(err.contains("NaN"), "{err}");
        let lsqr = LinearDiscriminantAnalysis { solver: "lsqr".into(), ..lda() }.fit(x.view(), &y).unwrap();
        assert!(lsqr.transform(x.view()).unwrap_err().to_string().contains("transform not implemented for 'lsqr'"));
    }

    #[test]
    fn parameters_parse_from_text_and_the_model_round_trips() {
        let p = LinearDiscriminantAnalysis::from_strs(&[("solver", "eigen"), ("shrinkage", "auto")]).unwrap();
        assert_eq!(p.shrinkage, Some(Shrinkage::Named("auto".into())));
        let p = LinearDiscriminantAnalysis::from_strs(&[("solver", "lsqr"), ("shrinkage", "0.25")]).unwrap();
        assert_eq!(p.shrinkage, Some(Shrinkage::Fixed(0.25)));
        assert!(LinearDiscriminantAnalysis::from_strs(&[("shrinkage", "2")]).is_err());
        let (x, y) = load("iris");
        let m = p.fit(x.view(), &y).unwrap();
        let parts = ironlearn_core::state::to_parts(&m).unwrap();
        let back: LinearDiscriminantAnalysisModel = ironlearn_core::state::from_parts(&parts).unwrap();
        assert_eq!(back, m);
    }
}
