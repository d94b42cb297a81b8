//! Kernel ridge regression, as scikit-learn's `KernelRidge`.
//!
//! Ridge regression in a kernel's feature space has a closed form in the
//! dual, `(K + αI)·a = y`, so for a few thousand rows it is the fastest
//! exact non-linear regressor and a common baseline next to SVR. scikit-learn
//! solves it by Cholesky (sample weights scale the system by their square
//! roots) and falls back to least squares when the matrix is singular;
//! [`ironlearn_linalg::solve_spd`] does the same. The kernels are those of
//! [`svm::kernel`](crate::svm::kernel), computed by matrix products.

use ironlearn_core::validate::{check_fit_input, check_predict_input, check_sample_weight, check_target};
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Error, Features, Fit, FitContext, Fitted, Learn, Params, Predict,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::svm::kernel::Kernel;

hyperparams! {
    /// Kernel ridge regression: least squares with an L2 penalty in the kernel's feature space.
    ///
    /// Solves `(K + α·I)·dual_coef = y` (with sample weights `w`, `(W½ K W½ + α·I)·z = W½ y`
    /// and `dual_coef = W½ z`); predictions are `K(X, X_fit)·dual_coef`. No intercept is fitted.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::KernelRidge;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = [0.0, 2.0, 4.0, 6.0];
    /// let model = KernelRidge { alpha: 1e-6, ..Default::default() }.fit(x.view(), &y[..])?;
    /// assert!((model.predict(array![[1.5]].view())?[0] - 3.0).abs() < 1e-4);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "kernel_ridge"]
    #[aliases("kernelridge")]
    #[tags(task = Some(Task::Regression), sample_weight, wants_scaling)]
    pub struct KernelRidge {
        /// The strength of the L2 penalty (added to the kernel matrix's diagonal).
        alpha: f64 = 1.0, domain(Domain::float_min(0.0));
        /// "linear", "poly" ("polynomial"), "rbf", "sigmoid", "laplacian", "cosine" or "chi2"
        /// ("precomputed" and callables are not supported).
        kernel: String = "linear".to_string(),
            domain(Domain::choice(&["linear", "poly", "polynomial", "rbf", "sigmoid", "laplacian", "cosine", "chi2", "precomputed"]));
        /// The kernel coefficient of "rbf", "laplacian", "poly", "sigmoid" and "chi2"; none means
        /// 1 / n_features (1 for "chi2"), as scikit-learn's pairwise kernels.
        gamma: Option<f64> = None, check(|g: &Option<f64>| g.is_none_or(|v| v.is_finite()), "None or a finite number");
        /// The degree of the "poly" kernel.
        degree: f64 = 3.0, domain(Domain::float_min(0.0));
        /// The constant term of the "poly" and "sigmoid" kernels.
        coef0: f64 = 1.0;
    }
}

/// A fitted [`KernelRidge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KernelRidgeModel {
    params: KernelRidge,
    kernel: Kernel,
    /// scikit-learn's `X_fit_`.
    x_fit: Array2<f64>,
    /// scikit-learn's `dual_coef_`.
    dual_coef: Vec<f64>,
}

impl KernelRidgeModel {
    pub fn dual_coef(&self) -> &[f64] {
        &self.dual_coef
    }

    pub fn x_fit(&self) -> &Array2<f64> {
        &self.x_fit
    }
}

impl KernelRidge {
    fn resolved_kernel(&self, p: usize) -> Result<Kernel> {
        if self.kernel == "precomputed" {
            return Err(Error::Unsupported(
                "kernel='precomputed' is not supported by KernelRidge here; pass the features and a kernel name".into(),
            ));
        }
        let default = if self.kernel == "chi2" { 1.0 } else { 1.0 / p.max(1) as f64 };
        let gamma = self.gamma.unwrap_or(default);
        let name = if self.kernel == "polynomial" { "poly" } else { self.kernel.as_str() };
        if name == "poly" {
            ensure!(self.degree.fract() == 0.0, InvalidValue, "degree must be a whole number, got {}", self.degree);
        }
        Kernel::new(name, gamma, self.degree as i32, self.coef0)
    }
}

impl Fit<[f64]> for KernelRidge {
    type Fitted = KernelRidgeModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<KernelRidgeModel> {
        self.validate()?;
        check_fit_input(x, y.len())?;
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let kernel = self.resolved_kernel(x.ncols())?;
        if matches!(kernel, Kernel::Chi2 { .. }) {
            ensure!(x.iter().all(|&v| v >= 0.0), InvalidValue, "X contains negative values.");
        }
        let n = x.nrows();
        let mut k = kernel.matrix(x, x, None);
        let sw: Option<Vec<f64>> = w.map(|w| w.iter().map(|v| v.max(0.0).sqrt()).collect());
        let mut rhs = y.to_vec();
        if let Some(sw) = &sw {
            for (i, mut row) in k.rows_mut().into_iter().enumerate() {
                row.iter_mut().zip(sw).for_each(|(v, s)| *v *= sw[i] * s);
            }
            rhs.iter_mut().zip(sw).for_each(|(v, s)| *v *= s);
        }
        for i in 0..n {
            k[[i, i]] += self.alpha;
        }
        let a = ironlearn_linalg::to_faer(k.view());
        let mut dual_coef = ironlearn_linalg::solve_spd(a.as_ref(), &rhs)?;
        if let Some(sw) = &sw {
            dual_coef.iter_mut().zip(sw).for_each(|(v, s)| *v *= s);
        }
        Ok(KernelRidgeModel { params: self.clone(), kernel, x_fit: x.to_owned(), dual_coef })
    }
}

impl Predict for KernelRidgeModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict_input(x, self.x_fit.ncols(), "KernelRidge")?;
        if matches!(self.kernel, Kernel::Chi2 { .. }) {
            ensure!(x.iter().all(|&v| v >= 0.0), InvalidValue, "X contains negative values.");
        }
        let coef = Array2::from_shape_vec((1, self.dual_coef.len()), self.dual_coef.clone()).expect("one row");
        let norms = self.kernel.needs_norms().then(|| Kernel::norms(self.x_fit.view()));
        let s = self.kernel.weighted_sums(x, self.x_fit.view(), norms.as_ref().map(|v| v.view()), coef.view());
        Ok(s.column(0).to_owned())
    }
}

impl Learn for KernelRidge {
    type Model = KernelRidgeModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<KernelRidgeModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for KernelRidgeModel {
    type Estimator = KernelRidge;

    fn n_features_in(&self) -> usize {
        self.x_fit.ncols()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(KernelRidge);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svm::base::tests::{close, diabetes, weights};
    use crate::test_data::load;

    #[test]
    fn matches_scikit_learn() {
        // X: diabetes standardised (StandardScaler), y unscaled; w = weights(n) (1, 2, 3, ..., every
        // 7th row 0); scikit-learn 1.9.1: dual_coef_[:4] and predict(X[::88]).
        let cases: Vec<(KernelRidge, bool, &[f64], &[f64])> = vec![
            // KernelRidge(**{}).fit(X, y)
            (
                KernelRidge::default(),
                false,
                &[97.64747367883966, 158.49923658443615, 116.86867282852809, 192.0633537534987],
                &[
                    53.35252632116749,
                    -71.63653491502595,
                    5.4397503485339485,
                    -27.4996923679696,
                    -91.61083421022693,
                    59.09789263622014,
                ],
            ),
            // KernelRidge(**{}).fit(X, y, sample_weight=w)
            (
                KernelRidge::default(),
                true,
                &[0.0, 335.1207961078036, 330.0460086374962, 188.79171998543015],
                &[
                    69.31470600603512,
                    -69.02304967434748,
                    4.412276546220596,
                    -27.120687687164263,
                    -84.96662860947845,
                    67.12965825711854,
                ],
            ),
            // KernelRidge(**{'kernel': 'rbf', 'alpha': 0.1}).fit(X, y)
            (
                KernelRidge { kernel: "rbf".into(), alpha: 0.1, ..KernelRidge::default() },
                false,
                &[-623.5231136322194, -78.05237153130489, -232.91670893016644, -154.2899154445578],
                &[
                    213.3523113632225,
                    51.77037760269579,
                    185.4829549390177,
                    115.48650631259369,
                    67.72673752583245,
                    193.77290837187138,
                ],
            ),
            // KernelRidge(**{'kernel': 'rbf', 'alpha': 0.1}).fit(X, y, sample_weight=w)
            (
                KernelRidge { kernel: "rbf".into(), alpha: 0.1, ..KernelRidge::default() },
                true,
                &[0.0, -238.81071352799134, -495.1541086067322, -193.68819257519488],
                &[
                    248.54369837554634,
                    41.912245433047865,
                    197.998172016223,
                    121.57288442198566,
                    69.65305977097015,
                    215.19764046117137,
                ],
            ),
            // KernelRidge(**{'kernel': 'poly', 'alpha': 0.5, 'degree': 2}).fit(X, y)
            (
                KernelRidge { kernel: "poly".into(), alpha: 0.5, degree: 2.0, ..KernelRidge::default() },
                false,
                &[-121.12080896193437, 7.180167304460295, -101.1983554119093, 22.45845154232193],
                &[
                    211.56040448096581,
                    75.79258766065283,
                    165.0240503746757,
                    109.5124555329019,
                    74.06089948248051,
                    211.6125901328303,
                ],
            ),
            // KernelRidge(**{'kernel': 'poly', 'alpha': 0.5, 'degree': 2}).fit(X, y, sample_weight=w)
            (
                KernelRidge { kernel: "poly".into(), alpha: 0.5, degree: 2.0, ..KernelRidge::default() },
                true,
                &[0.0, 53.116486224153924, -271.2915660547883, 24.262451007191682],
                &[
                    217.3357181445964,
                    65.99653604208865,
                    163.24145270506293,
                    114.64227970633237,
                    90.46405705435453,
                    216.37188724911215,
                ],
            ),
            // KernelRidge(**{'kernel': 'laplacian', 'gamma': 0.05}).fit(X, y)
            (
                KernelRidge { kernel: "laplacian".into(), gamma: Some(0.05), ..KernelRidge::default() },
                false,
                &[-60.900619122929015, -0.3835040495318673, -33.55987215595486, 16.83758124461998],
                &[
                    211.90061912292882,
                    77.37664893563078,
                    178.31710699606717,
                    131.89028849965123,
                    69.54458165817798,
                    206.13509056564325,
                ],
            ),
            // KernelRidge(**{'kernel': 'laplacian', 'gamma': 0.05}).fit(X, y, sample_weight=w)
            (
                KernelRidge { kernel: "laplacian".into(), gamma: Some(0.05), ..KernelRidge::default() },
                true,
                &[0.0, 7.82770889678784, -99.29099154045134, 0.62825542698717],
                &[
                    231.4384398834808,
                    71.05297162347162,
                    181.51827255342872,
                    134.77873846210497,
                    74.86185298712516,
                    217.47104055416216,
                ],
            ),
            // KernelRidge(**{'kernel': 'sigmoid', 'gamma': 0.01}).fit(X, y)
            (
                KernelRidge { kernel: "sigmoid".into(), gamma: Some(0.01), ..KernelRidge::default() },
                false,
                &[-38.116801881649344, -4.727123634602576, -27.660979171569387, 47.2461694725679],
                &[
                    189.11680188164854,
                    102.17220170608923,
                    160.75158268335755,
                    138.17540617022297,
                    71.96878511143647,
                    192.021619229518,
                ],
            ),
            // KernelRidge(**{'kernel': 'sigmoid', 'gamma': 0.01}).fit(X, y, sample_weight=w)
            (
                KernelRidge { kernel: "sigmoid".into(), gamma: Some(0.01), ..KernelRidge::default() },
                true,
                &[0.0, 9.98090696094771, -95.27885490727367, 39.99823584751302],
                &[
                    196.8941493551735,
                    101.51449474243435,
                    160.9514174816036,
                    143.04545787045512,
                    59.38069458136365,
                    202.20717977083626,
                ],
            ),
            // KernelRidge(**{'kernel': 'cosine'}).fit(X, y)
            (
                KernelRidge { kernel: "cosine".into(), ..KernelRidge::default() },
                false,
                &[69.39300423714965, 168.41553310758522, 98.94945878654516, 196.06493789818475],
                &[
                    81.6069957628495,
                    -73.46457294507061,
                    30.64967410276043,
                    -2.2159147218909823,
                    -88.51387173339246,
                    75.65578704944848,
                ],
            ),
            // KernelRidge(**{'kernel': 'cosine'}).fit(X, y, sample_weight=w)
            (
                KernelRidge { kernel: "cosine".into(), ..KernelRidge::default() },
                true,
                &[0.0, 348.8929762279123, 259.85330643083967, 192.41211797811948],
                &[
                    103.4263855628196,
                    -77.37423313230144,
                    29.81897602781993,
                    -2.101902670345737,
                    -83.63009297816839,
                    90.78271040747768,
                ],
            ),
        ];
        let (x, y) = diabetes();
        let probes = x.select(ndarray::Axis(0), &(0..x.nrows()).step_by(88).collect::<Vec<_>>());
        for (params, weighted, dual, pred) in cases {
            let w = weighted.then(|| weights(x.nrows()));
            let m = params.fit_weighted(x.view(), &y, w.as_deref()).unwrap();
            let what = format!("{} weighted={weighted}", params.kernel);
            close(&m.dual_coef()[..4], dual, 1e-6, &format!("{what} dual_coef_"));
            close(m.predict(probes.view()).unwrap().as_slice().unwrap(), pred, 1e-6, &format!("{what} predict"));
        }
    }

    #[test]
    fn chi2_and_errors() {
        // KernelRidge(kernel='chi2', gamma=0.5, alpha=0.1).fit(X[:, 1:], X[:, 0]).predict(X[::30, 1:]), iris
        let (iris, _) = load("iris");
        let x = iris.slice(ndarray::s![.., 1..]).to_owned();
        let y: Vec<f64> = iris.column(0).to_vec();
        let m = KernelRidge { kernel: "chi2".into(), gamma: Some(0.5), alpha: 0.1, ..KernelRidge::default() }
            .fit(x.view(), &y)
            .unwrap();
        let probes = x.select(ndarray::Axis(0), &(0..x.nrows()).step_by(30).collect::<Vec<_>>());
        close(
            m.predict(probes.view()).unwrap().as_slice().unwrap(),
            &[5.06166385951087, 4.876286762817317, 5.0242187067498, 5.960787770345704, 6.7588036512952545],
            1e-6,
            "chi2 predict",
        );
        let neg = -&x;
        let chi2 = KernelRidge { kernel: "chi2".into(), ..KernelRidge::default() };
        assert!(chi2.fit(neg.view(), &y).unwrap_err().to_string().contains("negative"));
        assert!(KernelRidge { alpha: -1.0, ..KernelRidge::default() }
            .fit(x.view(), &y)
            .unwrap_err()
            .to_string()
            .contains("'alpha'"));
        let pre = KernelRidge { kernel: "precomputed".into(), ..KernelRidge::default() };
        assert!(matches!(pre.fit(x.view(), &y), Err(Error::Unsupported(_))));
        let mut nan = x.clone();
        nan[[2, 2]] = f64::NAN;
        assert!(KernelRidge::default().fit(nan.view(), &y).unwrap_err().to_string().contains("NaN"));
        assert!(m.predict(x.slice(ndarray::s![.., ..2]).view()).is_err());
        // alpha = 0 with a singular kernel matrix falls back to least squares, as scikit-learn
        let lin = KernelRidge { alpha: 0.0, ..KernelRidge::default() }.fit(x.view(), &y).unwrap();
        assert!(lin.dual_coef().iter().all(|v| v.is_finite()));
    }
}
