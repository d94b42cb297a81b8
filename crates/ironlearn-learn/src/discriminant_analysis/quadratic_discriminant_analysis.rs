//! Quadratic discriminant analysis: one Gaussian per class, each with its own covariance.
//!
//! When classes differ in spread as well as in location, a shared
//! covariance (LDA) draws the wrong boundary; giving each class its own makes
//! the boundary quadratic at the cost of `p²/2` parameters per class, which
//! is why a covariance that is not of full rank is an error (as in
//! scikit-learn) and `reg_param` or `shrinkage` are the ways out. Each class
//! is stored as scikit-learn stores it, rotations and scalings (the
//! eigen-decomposition of its covariance), so scores match scikit-learn's.

use ironlearn_core::validate::{argmax, check_predict_input};
use ironlearn_core::{
    bail, hyperparams, register, Domain, Features, FitContext, Fitted, Labels, Learn, Params, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::common::{covariance, eigh_descending, priors_ok, right_singular, shrinkage_ok, Groups, Shrinkage};

hyperparams! {
    /// Quadratic discriminant analysis: a Gaussian with its own covariance per class.
    ///
    /// ```
    /// use ironlearn_core::Labels;
    /// use ironlearn_learn::QuadraticDiscriminantAnalysis;
    /// use ndarray::array;
    ///
    /// let x = array![[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]];
    /// let y = Labels::from_strings(&["1", "1", "1", "2", "2", "2"]);
    /// let model = QuadraticDiscriminantAnalysis::default().fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[-0.8, -1.0]].view())?.to_strings(), ["1"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "quadratic_discriminant_analysis"]
    #[aliases("qda")]
    #[tags(task = Some(Task::Classification), predict_proba, decision_function)]
    pub struct QuadraticDiscriminantAnalysis {
        /// "svd" (the SVD of each class's centred rows; `reg_param` applies) or "eigen" (the
        /// eigen-decomposition of each class's covariance; `shrinkage` applies).
        solver: String = "svd".into(), domain(Domain::choice(&["svd", "eigen"]));
        /// Shrinkage of each class covariance toward a scaled identity, "eigen" only: none, "auto"
        /// (Ledoit-Wolf) or a number in [0, 1].
        shrinkage: Option<Shrinkage> = None, check(shrinkage_ok, "'auto' or a number in [0, 1]");
        /// The class priors, in class order; by default the class shares. Used as given, as in
        /// scikit-learn (the probabilities are normalised anyway).
        priors: Option<Vec<f64>> = None, check(priors_ok, "finite numbers");
        /// "svd": each class's variances become `(1 - reg_param)·s² + reg_param`.
        reg_param: f64 = 0.0, domain(Domain::float_range(0.0, 1.0));
        /// Whether to keep each class's covariance as `covariance_`.
        store_covariance: bool = false;
        /// Variances at or below this make a class covariance rank deficient, which is an error.
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
    }
}

/// A fitted [`QuadraticDiscriminantAnalysis`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuadraticDiscriminantAnalysisModel {
    params: QuadraticDiscriminantAnalysis,
    classes: Vec<String>,
    #[serde(with = "ironlearn_core::state::array1")]
    priors: Array1<f64>,
    means: Array2<f64>,
    /// Per class, the variances along its principal axes (largest first).
    scalings: Vec<Vec<f64>>,
    /// Per class, the principal axes, one per column.
    rotations: Vec<Array2<f64>>,
    /// Per class, its covariance (with `store_covariance`).
    covariance: Option<Vec<Array2<f64>>>,
}

impl QuadraticDiscriminantAnalysisModel {
    /// The class means, one row per class.
    pub fn means(&self) -> &Array2<f64> {
        &self.means
    }

    pub fn priors(&self) -> &Array1<f64> {
        &self.priors
    }

    /// Per class, the variances along its principal axes.
    pub fn scalings(&self) -> &[Vec<f64>] {
        &self.scalings
    }

    /// Per class, the principal axes (columns).
    pub fn rotations(&self) -> &[Array2<f64>] {
        &self.rotations
    }

    /// Per class, its covariance, if `store_covariance` was set.
    pub fn covariance(&self) -> Option<&[Array2<f64>]> {
        self.covariance.as_deref()
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The log posterior of each class up to a constant (scikit-learn's `_decision_function`).
    fn log_posterior(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.means.ncols(), "QuadraticDiscriminantAnalysis")?;
        let mut out = Array2::zeros((x.nrows(), self.classes.len()));
        for (c, mut col) in out.columns_mut().into_iter().enumerate() {
            let s = &self.scalings[c];
            let mut r = self.rotations[c].clone();
            for (j, mut axis) in r.columns_mut().into_iter().enumerate() {
                axis /= s[j].sqrt();
            }
            let z = (&x - &self.means.row(c)).dot(&r);
            let u: f64 = s.iter().map(|v| v.ln()).sum();
            let log_prior = self.priors[c].ln();
            for (o, zr) in col.iter_mut().zip(z.rows()) {
                *o = -0.5 * (zr.dot(&zr) + u) + log_prior;
            }
        }
        Ok(out)
    }

    /// One column for two classes (the second class's log-likelihood ratio), else one per class.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let d = self.log_posterior(x)?;
        if d.ncols() == 2 {
            return Ok((&d.column(1) - &d.column(0)).insert_axis(Axis(1)));
        }
        Ok(d)
    }

    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let d = self.log_posterior(x)?;
        Labels::new(self.classes.clone(), d.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect())
    }

    pub fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let mut d = self.log_posterior(x)?;
        for mut row in d.rows_mut() {
            let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.mapv_inplace(|v| v - m);
            let log_sum = row.iter().map(|v| v.exp()).sum::<f64>().ln();
            row.mapv_inplace(|v| (v - log_sum).exp());
        }
        Ok(d)
    }
}

impl QuadraticDiscriminantAnalysis {
    /// Fits one Gaussian per class.
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: &Labels) -> Result<QuadraticDiscriminantAnalysisModel> {
        self.validate()?;
        let groups = Groups::new(x, y)?;
        let priors = groups.priors(self.priors.as_deref(), false)?;
        let svd = self.solver == "svd";
        if svd && self.shrinkage.is_some() {
            bail!(NotImplemented, "shrinkage not supported with 'svd' solver.");
        }
        let p = x.ncols();
        let (mut scalings, mut rotations, mut covs) = (Vec::new(), Vec::new(), Vec::new());
        for (c, label) in groups.classes.iter().enumerate() {
            let xg = groups.select(x, c);
            let ng = xg.nrows();
            if ng == 1 {
                bail!(InvalidValue, "y has only 1 sample in class {label}, covariance is ill defined.");
            }
            let (scaling, rotation) = if svd {
                let mean = xg.mean_axis(Axis(0)).expect("rows");
                let (s2, v) = right_singular((&xg - &mean).view())?;
                let r = self.reg_param;
                (s2.iter().map(|s2| (1.0 - r) * s2 / ng as f64 + r).collect::<Vec<f64>>(), v)
            } else {
                eigh_descending(covariance(xg.view(), self.shrinkage.as_ref())?.view())?
            };
            let rank = scaling.iter().filter(|&&s| s > self.tol).count();
            if rank < p {
                if svd && ng <= p {
                    bail!(
                        InvalidValue,
                        "The covariance matrix of class {label} is not full rank. When using `solver='svd'` the \
                         number of samples in each class should be more than the number of features, but class \
                         {label} has {ng} samples and {p} features. Try using `solver='eigen'` and setting the \
                         parameter `shrinkage` for regularization."
                    );
                }
                let param = if svd { "reg_param" } else { "shrinkage" };
                bail!(
                    InvalidValue,
                    "The covariance matrix of class {label} is not full rank. Increase the value of `{param}` to \
                     reduce the collinearity."
                );
            }
            if self.store_covariance {
                let mut scaled = rotation.clone();
                for (j, mut axis) in scaled.columns_mut().into_iter().enumerate() {
                    axis *= scaling[j];
                }
                covs.push(scaled.dot(&rotation.t()));
            }
            scalings.push(scaling);
            rotations.push(rotation);
        }
        Ok(QuadraticDiscriminantAnalysisModel {
            params: self.clone(),
            means: groups.means(x),
            classes: groups.classes,
            priors,
            scalings,
            rotations,
            covariance: self.store_covariance.then_some(covs),
        })
    }
}

impl Learn for QuadraticDiscriminantAnalysis {
    type Model = QuadraticDiscriminantAnalysisModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<QuadraticDiscriminantAnalysisModel> {
        self.fit(data.dense()?.view(), &*data.labels()?)
    }
}

impl Fitted for QuadraticDiscriminantAnalysisModel {
    type Estimator = QuadraticDiscriminantAnalysis;

    fn n_features_in(&self) -> usize {
        self.means.ncols()
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
}

register!(QuadraticDiscriminantAnalysis);

#[cfg(test)]
mod tests {
    use super::super::common::{assert_close, load};
    use super::*;
    use ndarray::{array, s};

    const IRIS_ROWS: [usize; 7] = [0, 60, 70, 83, 106, 133, 138];
    const WINE_ROWS: [usize; 7] = [0, 60, 61, 70, 83, 130, 140];

    fn check(params: QuadraticDiscriminantAnalysis, data: &str, rows: &[usize], proba: &[f64], dec: &[f64]) {
        let (x, y) = load(data);
        let m = params.fit(x.view(), &y).unwrap();
        let at = x.select(Axis(0), rows);
        assert_close(m.predict_proba(at.view()).unwrap().as_slice().unwrap(), proba, 1e-8);
        assert_close(m.decision_function(at.view()).unwrap().as_slice().unwrap(), dec, 1e-8);
    }

    #[test]
    fn svd_matches_scikit_learn_on_iris() {
        // QuadraticDiscriminantAnalysis().fit(X_iris, y) ; rows [0, 60, 70, 83, 106, 133, 138]
        check(
            QuadraticDiscriminantAnalysis::default(),
            "iris",
            &IRIS_ROWS,
            &[
                1.0,
                1.5312975572378914e-26,
                4.6316601818145383e-42,
                2.9925783100017256e-42,
                0.9999479697636235,
                5.203023637645092e-05,
                8.144832004443966e-106,
                0.32845133430091455,
                0.6715486656990854,
                1.9305870608664463e-116,
                0.14735761598031386,
                0.8526423840196861,
                3.0599587765330205e-95,
                0.003396516192619551,
                0.9966034838073805,
                2.5061784219118366e-113,
                0.6022879816361063,
                0.39771201836389364,
                1.3121850007936775e-107,
                0.13399046078429733,
                0.8660095392157028,
            ],
            &[
                5.246333600879574,
                -54.19476336434899,
                -89.92932493045697,
                -94.51447530797387,
                1.0979112393226533,
                -8.76572226867976,
                -240.82850463284956,
                0.034765011048649486,
                0.7499628157570257,
                -264.2752057326791,
                0.2519480365440574,
                2.0074258569582586,
                -218.29718883297545,
                -6.355011464594882,
                -0.6734087401416307,
                -257.1320789141022,
                1.634257969148489,
                1.2192504348435051,
                -244.12076542541948,
                -0.025840832082600462,
                1.8402864824397664,
            ],
        );
    }

    #[test]
    fn reg_param_matches_scikit_learn_on_wine() {
        // QuadraticDiscriminantAnalysis(reg_param=0.1).fit(X_wine, y) ; rows [0, 60, 61, 70, 83, 130, 140]
        check(
            QuadraticDiscriminantAnalysis { reg_param: 0.1, ..Default::default() },
            "wine",
            &WINE_ROWS,
            &[
                0.9999999861264184,
                1.3873581567160522e-08,
                7.400486273234476e-27,
                8.16502053888385e-08,
                0.9945922884313814,
                0.005407629918413333,
                2.337898424159199e-11,
                0.4339893505012212,
                0.5660106494753997,
                2.2051738913303702e-05,
                0.9760394559893679,
                0.02393849227171886,
                1.5000041696835737e-08,
                0.4501233853085954,
                0.5498765996913629,
                4.421837385064528e-09,
                0.43559562376211025,
                0.5644043718160523,
                3.795629941758588e-11,
                0.0008235893435073213,
                0.9991764106185362,
            ],
            &[
                -6.70715333221362,
                -24.800432730273567,
                -66.87540511852887,
                -24.242897963237734,
                -7.9274988473521,
                -13.142020836012486,
                -34.91973693678111,
                -11.275288613539137,
                -11.009695715969123,
                -19.84064247589482,
                -9.14277564616283,
                -12.850790939291247,
                -28.218359142079024,
                -11.001379830246211,
                -10.801207676146559,
                -28.292016162444735,
                -9.886346567621464,
                -9.627289946268025,
                -28.71288380338929,
                -11.82013669189752,
                -4.7191220988029245,
            ],
        );
    }

    #[test]
    fn eigen_with_shrinkage_matches_scikit_learn_on_wine() {
        // QuadraticDiscriminantAnalysis(solver='eigen', shrinkage='auto').fit(X_wine, y)
        check(
            QuadraticDiscriminantAnalysis {
                solver: "eigen".into(),
                shrinkage: Some(Shrinkage::Named("auto".into())),
                ..Default::default()
            },
            "wine",
            &WINE_ROWS,
            &[
                0.9999999995127977,
                4.872022378983509e-10,
                1.4905824172411223e-52,
                9.809750445939902e-14,
                0.9999998336225783,
                1.6637732346576702e-07,
                3.172226660843651e-14,
                0.9992663156307076,
                0.0007336843692606241,
                1.1621267555978253e-10,
                0.9790657957626984,
                0.020934204121089022,
                2.3182694281507727e-14,
                0.9986057622044504,
                0.0013942377955264286,
                2.02814344330542e-17,
                0.0013962307003668386,
                0.9986037692996332,
                7.585818871064486e-18,
                0.0006058295401662813,
                0.9993941704598337,
            ],
            &[
                -3.022107821957944,
                -24.464449627626735,
                -122.35736572952457,
                -38.280906858859076,
                -8.328092557831464,
                -23.937099986548915,
                -40.970152444155495,
                -9.889128853866227,
                -17.105826536682706,
                -30.667137318451648,
                -7.812694556580801,
                -11.657909021883006,
                -40.97138692219482,
                -9.577411802115126,
                -16.15142398763134,
                -44.29594771719837,
                -12.43310098109326,
                -5.860519157278816,
                -42.63519779341417,
                -10.623858584082717,
                -3.215552698893903,
            ],
        );
    }

    #[test]
    fn priors_are_used_as_given() {
        // QuadraticDiscriminantAnalysis(priors=[0.2, 0.3, 0.5]).fit(X_iris, y)
        check(
            QuadraticDiscriminantAnalysis { priors: Some(vec![0.2, 0.3, 0.5]), ..Default::default() },
            "iris",
            &IRIS_ROWS,
            &[
                1.0,
                2.2969463358568274e-26,
                1.1579150454536356e-41,
                1.994983007042878e-42,
                0.9999132859472076,
                8.671405279230895e-05,
                3.750702037258648e-106,
                0.22687817649841371,
                0.7731218235015863,
                8.206037067001498e-117,
                0.09395241090267685,
                0.9060475890973232,
                1.2256486848550504e-95,
                0.002040682199625739,
                0.9979593178003743,
                1.3206315803767813e-113,
                0.47606378824172196,
                0.523936211758278,
                5.545983560271911e-108,
                0.08494711785611392,
                0.915052882143886,
            ],
            &[
                4.735507977113583,
                -54.300123880006815,
                -89.52385982234881,
                -95.02530093173986,
                0.992550723664827,
                -8.360257160571596,
                -241.33933025661554,
                -0.07059550460917685,
                1.15542792386519,
                -264.7860313564451,
                0.14658752088623106,
                2.4128909650664228,
                -218.80801445674143,
                -6.460371980252708,
                -0.26794363203346616,
                -257.64290453786816,
                1.5288974534906628,
                1.6247155429516695,
                -244.63159104918546,
                -0.1312013477404268,
                2.245751590547931,
            ],
        );
    }

    #[test]
    fn priors_not_summing_to_one_shift_the_scores_only() {
        // scikit-learn's QDA takes priors as given: log(priors) enters the scores, and predict_proba normalises.
        let (x, y) = load("iris");
        let fit = |p: Vec<f64>| {
            QuadraticDiscriminantAnalysis { priors: Some(p), ..Default::default() }.fit(x.view(), &y).unwrap()
        };
        let (unit, scaled) = (fit(vec![0.2, 0.3, 0.5]), fit(vec![2.0, 3.0, 5.0]));
        assert_eq!(scaled.priors().to_vec(), [2.0, 3.0, 5.0]);
        let at = x.select(Axis(0), &IRIS_ROWS);
        let (pu, ps) = (unit.predict_proba(at.view()).unwrap(), scaled.predict_proba(at.view()).unwrap());
        assert_close(ps.as_slice().unwrap(), pu.as_slice().unwrap(), 1e-12);
        let shift = scaled.decision_function(at.view()).unwrap() - unit.decision_function(at.view()).unwrap();
        assert!(shift.iter().all(|d| (d - 10f64.ln()).abs() < 1e-9), "{shift}");
    }

    #[test]
    fn two_classes_and_stored_covariance() {
        // QuadraticDiscriminantAnalysis(store_covariance=True).fit(X_iris[:100], y[:100]) ; iris rows as above
        let (x, y) = load("iris");
        let idx: Vec<usize> = (0..100).collect();
        let m = QuadraticDiscriminantAnalysis { store_covariance: true, ..Default::default() }
            .fit(x.select(Axis(0), &idx).view(), &y.take(&idx))
            .unwrap();
        let at = x.select(Axis(0), &IRIS_ROWS);
        let proba = [
            1.0,
            1.5312975572378805e-26,
            2.9927340226603537e-42,
            1.0,
            2.4797682803693295e-105,
            1.0,
            1.31013727931401e-115,
            1.0,
            9.00910993205954e-93,
            1.0,
            4.161096515829206e-113,
            1.0,
            9.79312253359657e-107,
            1.0,
        ];
        assert_close(m.predict_proba(at.view()).unwrap().as_slice().unwrap(), &proba, 1e-8);
        let dec = [
            -59.44109696522857,
            95.61238654729652,
            240.8632696438982,
            264.52715376922316,
            211.94217736838058,
            258.7663368832507,
            244.09492459333688,
        ];
        assert_close(m.decision_function(at.view()).unwrap().as_slice().unwrap(), &dec, 1e-8);
        // QuadraticDiscriminantAnalysis(store_covariance=True).fit(X_iris, y).covariance_[0] (setosa: the same rows)
        let cov0 = [
            0.12176400000000022,
            0.09723200000000005,
            0.016028000000000018,
            0.01012400000000001,
            0.09723200000000007,
            0.14081600000000002,
            0.011463999999999985,
            0.009111999999999999,
            0.016028000000000018,
            0.011463999999999981,
            0.029556,
            0.005948000000000004,
            0.010124000000000011,
            0.009111999999999999,
            0.005948000000000003,
            0.010884000000000005,
        ];
        assert_close(m.covariance().unwrap()[0].as_standard_layout().as_slice().unwrap(), &cov0, 1e-12);
    }

    #[test]
    fn errors_follow_scikit_learn() {
        let qda = QuadraticDiscriminantAnalysis::default;
        let err = |p: QuadraticDiscriminantAnalysis, x: ArrayView2<'_, f64>, y: &[&str]| {
            p.fit(x, &Labels::from_strings(y)).unwrap_err().to_string()
        };
        // QDA().fit([[0,1],[1,0],[2,2],[3,1],[1,1]], [0,0,0,0,1]): ValueError
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0], [1.0, 1.0]];
        let e = err(qda(), x.view(), &["0", "0", "0", "0", "1"]);
        assert!(e.contains("y has only 1 sample in class 1, covariance is ill defined."), "{e}");
        // QDA().fit([[0,1],[1,0],[2,2],[3,1]], [0,0,1,1]): LinAlgError (2 samples, 2 features)
        let e = err(qda(), x.slice(s![..4, ..]), &["0", "0", "1", "1"]);
        assert!(e.contains("The covariance matrix of class 0 is not full rank. When using `solver='svd'`"), "{e}");
        // QDA(solver='eigen').fit(c_[X_iris[:, :2], X_iris[:, 0]], y): LinAlgError (collinear)
        let (xi, yi) = load("iris");
        let collinear = ndarray::concatenate![Axis(1), xi.slice(s![.., ..2]), xi.slice(s![.., ..1])];
        let e = qda_eigen().fit(collinear.view(), &yi).unwrap_err().to_string();
        assert!(e.contains("class setosa is not full rank. Increase the value of `shrinkage`"), "{e}");
        let shrunk = QuadraticDiscriminantAnalysis { shrinkage: Some(Shrinkage::Fixed(0.1)), ..qda() };
        assert!(shrunk.fit(xi.view(), &yi).unwrap_err().to_string().contains("shrinkage not supported with 'svd'"));
        let mut nan = xi.clone();
        nan[[5, 2]] = f64::NAN;
        assert!(qda().fit(nan.view(), &yi).unwrap_err().to_string().contains("NaN"));
        let bad_reg = QuadraticDiscriminantAnalysis { reg_param: 1.5, ..qda() };
        assert!(bad_reg.fit(xi.view(), &yi).unwrap_err().to_string().contains("'reg_param'"));
        let m = qda().fit(xi.view(), &yi).unwrap();
        let e = m.predict(xi.slice(s![.., ..3])).unwrap_err().to_string();
        assert!(e.contains("X has 3 features, but QuadraticDiscriminantAnalysis is expecting 4 features"), "{e}");
        assert!(m.predict_proba(nan.view()).unwrap_err().to_string().contains("NaN"));
    }

    fn qda_eigen() -> QuadraticDiscriminantAnalysis {
        QuadraticDiscriminantAnalysis { solver: "eigen".into(), ..Default::default() }
    }

    #[test]
    fn the_model_round_trips() {
        let (x, y) = load("iris");
        let m =
            QuadraticDiscriminantAnalysis { store_covariance: true, ..Default::default() }.fit(x.view(), &y).unwrap();
        let parts = ironlearn_core::state::to_parts(&m).unwrap();
        let back: QuadraticDiscriminantAnalysisModel = ironlearn_core::state::from_parts(&parts).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.predict(x.view()).unwrap().to_strings(), m.predict(x.view()).unwrap().to_strings());
    }
}
