//! A decision tree regressor, grown as scikit-learn grows it.
//!
//! The regression twin of the classifier, on the same builder: leaves hold
//! the mean target of their rows, and splits lower the squared error (or the
//! Poisson deviance for counts, or the absolute error around the median)
//! exactly as scikit-learn's do. Missing values (NaN) are split on as
//! scikit-learn 1.4+ does, and `ccp_alpha` prunes the grown tree as there.

use ironlearn_core::validate::{check_not_empty, check_sample_weight, check_target};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::builder::{build, resolve_settings, Columns, MaxFeatures, Tree};
use super::criterion::{AbsCriterion, RegCriterion};
use super::export::{export_text, TextOptions};
use super::prune::{check_ccp_alpha, prune, pruning_path};

hyperparams! {
    /// A decision tree regressor (CART, exact best splits), as scikit-learn's `DecisionTreeRegressor`.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::DecisionTreeRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = [1.0, 1.0, 5.0, 7.0];
    /// let model = DecisionTreeRegressor { max_depth: Some(1), ..Default::default() }.fit(x.view(), &y[..])?;
    /// assert_eq!(model.tree().threshold[0], 1.5);
    /// assert_eq!(model.predict(array![[0.2], [2.8]].view())?.to_vec(), [1.0, 6.0]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "decision_tree_regressor"]
    #[aliases("tree_regressor")]
    #[tags(task = Some(Task::Regression), sample_weight, missing_values)]
    pub struct DecisionTreeRegressor {
        /// The loss a split lowers: "squared_error" (the variance), "absolute_error" (around the
        /// median, which the leaves then hold), or "poisson" (half Poisson deviance, for non-negative counts).
        criterion: String = "squared_error".into(),
            domain(Domain::choice(&["squared_error", "absolute_error", "poisson"]));
        /// How a node's split is chosen: "best" (the best threshold of every drawn feature) or
        /// "random" (the best of one random threshold per drawn feature).
        splitter: String = "best".into(), domain(Domain::choice(&["best", "random"]));
        /// The deepest a node may be (the root is at depth 0); None grows until the leaves are pure.
        max_depth: Option<usize> = None, domain(Domain::int_min(1));
        /// The fewest rows a node needs to be split.
        min_samples_split: usize = 2, domain(Domain::int_min(2));
        /// The fewest rows each child of a split must keep.
        min_samples_leaf: usize = 1, domain(Domain::int_min(1));
        /// The smallest share of the total sample weight each child of a split must keep.
        min_weight_fraction_leaf: f64 = 0.0, domain(Domain::float_range(0.0, 0.5));
        /// The features drawn at each node: None (all), an integer, a fraction of them, "sqrt" or "log2".
        max_features: Option<MaxFeatures> = None;
        /// The seed of the draws of features at each node.
        random_state: u64 = 0;
        /// With a value, the tree grows best-first up to this many leaves.
        max_leaf_nodes: Option<usize> = None, domain(Domain::int_min(2));
        /// A node is split only if the split lowers the weighted impurity by at least this.
        min_impurity_decrease: f64 = 0.0, domain(Domain::float_min(0.0));
        /// Minimal cost-complexity pruning: the grown tree is cut back to the subtree of the
        /// largest cost complexity below this; 0 prunes nothing.
        ccp_alpha: f64 = 0.0, domain(Domain::float_min(0.0));
    }
}

/// A fitted [`DecisionTreeRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeRegressorModel {
    params: DecisionTreeRegressor,
    tree: Tree,
    feature_importances: Vec<f64>,
}

impl DecisionTreeRegressorModel {
    /// The fitted tree's node arrays; each node's value is its weighted mean target.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Impurity-based feature importances, summing to one.
    pub fn feature_importances(&self) -> &[f64] {
        &self.feature_importances
    }

    /// The depth of the tree.
    pub fn get_depth(&self) -> usize {
        self.tree.max_depth
    }

    /// The number of leaves.
    pub fn get_n_leaves(&self) -> usize {
        self.tree.n_leaves()
    }

    /// The leaf (node index) of each row of `x`.
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Vec<usize>> {
        super::check_predict(x, self.tree.n_features, "DecisionTreeRegressor")?;
        Ok(self.tree.apply(x))
    }
}

impl DecisionTreeRegressor {
    /// The effective alphas of minimal cost-complexity pruning of the tree
    /// grown on `x`, `y` (with `ccp_alpha` 0) and the total leaf impurity of
    /// each subtree, as scikit-learn's `cost_complexity_pruning_path`.
    pub fn cost_complexity_pruning_path(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[f64],
        w: Option<&[f64]>,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let full = DecisionTreeRegressor { ccp_alpha: 0.0, ..self.clone() }.fit_weighted(x, y, w)?;
        Ok(pruning_path(&full.tree))
    }
}

impl Fit<[f64]> for DecisionTreeRegressor {
    type Fitted = DecisionTreeRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<DecisionTreeRegressorModel> {
        check_ccp_alpha(self.ccp_alpha)?;
        self.validate()?;
        check_not_empty(x)?;
        ensure!(
            x.nrows() == y.len(),
            Shape,
            "Found input variables with inconsistent numbers of samples: X has {} rows, y has {}",
            x.nrows(),
            y.len()
        );
        check_target(y)?;
        check_sample_weight(w, y.len())?;
        let poisson = self.criterion == "poisson";
        if poisson {
            if y.iter().any(|&v| v < 0.0) {
                bail!(InvalidValue, "Some value(s) of y are negative which is not allowed for Poisson regression.");
            }
            let total: f64 = y.iter().enumerate().map(|(i, v)| w.map_or(1.0, |w| w[i]) * v).sum();
            ensure!(total > 0.0, InvalidValue, "Sum of y is not positive which is necessary for Poisson regression.");
        }
        let columns = Columns::with_missing(x)?;
        let total_weight = w.map_or(x.nrows() as f64, |w| w.iter().sum());
        let mut settings = resolve_settings(
            self.max_depth,
            self.min_samples_split,
            self.min_samples_leaf,
            self.min_weight_fraction_leaf,
            &self.max_features,
            self.max_leaf_nodes,
            self.min_impurity_decrease,
            self.random_state,
            x.ncols(),
            total_weight,
        )?;
        settings.random_splits = self.splitter == "random";
        let tree = if self.criterion == "absolute_error" {
            build(&columns, w, &mut AbsCriterion::new(y, w), &settings)?
        } else {
            build(&columns, w, &mut RegCriterion::new(y, w, poisson), &settings)?
        };
        let tree = prune(&tree, self.ccp_alpha);
        Ok(DecisionTreeRegressorModel { params: self.clone(), feature_importances: tree.feature_importances(), tree })
    }
}

impl Predict for DecisionTreeRegressorModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        super::check_predict(x, self.tree.n_features, "DecisionTreeRegressor")?;
        let mut out = Array2::zeros((x.nrows(), 1));
        self.tree.predict_into(x, out.view_mut());
        Ok(out.column(0).to_owned())
    }
}

impl Learn for DecisionTreeRegressor {
    type Model = DecisionTreeRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<DecisionTreeRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for DecisionTreeRegressorModel {
    /// The rules in scikit-learn's `export_text` layout; `options` as [`TextOptions::from_json`].
    fn text(&self, feature_names: &[String], options: &serde_json::Value) -> Result<String> {
        export_text(&self.tree, feature_names, None, &TextOptions::from_json(options)?)
    }

    type Estimator = DecisionTreeRegressor;

    fn n_features_in(&self) -> usize {
        self.tree.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(DecisionTreeRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::testdata::{close, expect, load, probes, Want};

    fn diabetes() -> (Array2<f64>, Vec<f64>) {
        let (x, y) = load("diabetes");
        (x, y.iter().map(|v| v.parse().unwrap()).collect())
    }

    /// Fits on `name` and compares (node count, depth, leaves), the
    /// importances, the thresholds and features (small trees) and the
    /// predictions of the probe rows with scikit-learn's.
    #[allow(clippy::type_complexity)]
    fn check(
        name: &str,
        params: DecisionTreeRegressor,
        shape: (usize, usize, usize),
        importances: &[f64],
        tree: Option<(&[f64], &[i64])>,
        predictions: &[f64],
    ) {
        let (x, y) = diabetes();
        let m = params.fit(x.view(), &y).unwrap();
        let t = m.tree();
        assert_eq!((t.node_count(), m.get_depth(), m.get_n_leaves()), shape);
        close(m.feature_importances(), importances, 1e-12);
        if let Some((threshold, feature)) = tree {
            assert_eq!(t.threshold, threshold);
            assert_eq!(t.feature, feature);
        }
        let p = m.predict(probes(name, &x).view()).unwrap();
        close(p.as_slice().unwrap(), predictions, 1e-12);
    }

    #[test]
    fn diabetes_max_depth_3_matches_scikit_learn() {
        // DecisionTreeRegressor(max_depth=3).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { max_depth: Some(3), ..Default::default() },
            (15, 3, 8),
            &[
                0.02078003835653888,
                0.0,
                0.37584937246690475,
                0.0,
                0.0,
                0.0,
                0.021069918051207757,
                0.0,
                0.5823006711253487,
                0.0,
            ],
            Some((
                &[
                    4.600149869918823,
                    26.949999809265137,
                    55.5,
                    -2.0,
                    -2.0,
                    26.5,
                    -2.0,
                    -2.0,
                    27.75,
                    24.34999942779541,
                    -2.0,
                    -2.0,
                    32.75,
                    -2.0,
                    -2.0,
                ],
                &[8, 2, 6, -2, -2, 0, -2, -2, 2, 2, -2, -2, 2, -2, -2],
            )),
            &[
                208.57142857142858,
                137.6904761904762,
                176.86486486486487,
                83.36904761904762,
                208.57142857142858,
                208.57142857142858,
                176.86486486486487,
                208.57142857142858,
                137.6904761904762,
                176.86486486486487,
                137.6904761904762,
                108.80459770114942,
                268.8709677419355,
                83.36904761904762,
                208.57142857142858,
                268.8709677419355,
                208.57142857142858,
                176.86486486486487,
                208.57142857142858,
                154.66666666666666,
                208.57142857142858,
                137.6904761904762,
                208.57142857142858,
            ],
        );
    }

    #[test]
    fn diabetes_min_samples_leaf_10_matches_scikit_learn() {
        // DecisionTreeRegressor(min_samples_leaf=10).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { min_samples_leaf: 10, ..Default::default() },
            (67, 8, 34),
            &[
                0.008490504842843537,
                0.010974436612091886,
                0.3018090234392337,
                0.058831085911550896,
                0.011930920712400673,
                0.03940781975424256,
                0.01865243629487616,
                0.005149966304945263,
                0.4944338670988826,
                0.050319939028932746,
            ],
            None,
            &[
                253.07692307692307,
                170.45454545454547,
                236.15384615384616,
                77.16666666666667,
                253.07692307692307,
                180.3,
                139.94444444444446,
                200.91666666666666,
                101.6923076923077,
                176.08333333333334,
                143.66666666666666,
                78.83333333333333,
                290.42105263157896,
                77.16666666666667,
                200.91666666666666,
                290.42105263157896,
                133.63636363636363,
                139.94444444444446,
                200.91666666666666,
                200.92307692307693,
                235.68421052631578,
                143.66666666666666,
                133.63636363636363,
            ],
        );
    }

    #[test]
    fn diabetes_max_leaf_nodes_8_matches_scikit_learn() {
        // DecisionTreeRegressor(max_leaf_nodes=8).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { max_leaf_nodes: Some(8), ..Default::default() },
            (15, 5, 8),
            &[
                0.0,
                0.0,
                0.3659569197855024,
                0.03949389708685301,
                0.0,
                0.0,
                0.0,
                0.0,
                0.5669743668730685,
                0.02757481625457619,
            ],
            Some((
                &[
                    4.600149869918823,
                    26.949999809265137,
                    27.75,
                    24.34999942779541,
                    32.75,
                    -2.0,
                    -2.0,
                    99.5,
                    -2.0,
                    118.5,
                    -2.0,
                    -2.0,
                    -2.0,
                    -2.0,
                    -2.0,
                ],
                &[8, 2, 2, 2, 2, -2, -2, 3, -2, 9, -2, -2, -2, -2, -2],
            )),
            &[
                231.3409090909091,
                137.6904761904762,
                176.86486486486487,
                96.30994152046783,
                231.3409090909091,
                167.6,
                176.86486486486487,
                231.3409090909091,
                137.6904761904762,
                176.86486486486487,
                137.6904761904762,
                96.30994152046783,
                268.8709677419355,
                96.30994152046783,
                231.3409090909091,
                268.8709677419355,
                167.6,
                176.86486486486487,
                231.3409090909091,
                159.74468085106383,
                231.3409090909091,
                137.6904761904762,
                167.6,
            ],
        );
    }

    #[test]
    fn diabetes_poisson_max_depth_3_matches_scikit_learn() {
        // DecisionTreeRegressor(criterion='poisson', max_depth=3).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { criterion: "poisson".into(), max_depth: Some(3), ..Default::default() },
            (15, 3, 8),
            &[
                0.01662562606672302,
                0.0,
                0.35098199180594397,
                0.0,
                0.0,
                0.0,
                0.033842469002615096,
                0.0,
                0.598549913124718,
                0.0,
            ],
            Some((
                &[
                    4.600149869918823,
                    26.949999809265137,
                    55.5,
                    -2.0,
                    -2.0,
                    26.5,
                    -2.0,
                    -2.0,
                    27.75,
                    24.34999942779541,
                    -2.0,
                    -2.0,
                    32.75,
                    -2.0,
                    -2.0,
                ],
                &[8, 2, 6, -2, -2, 0, -2, -2, 2, 2, -2, -2, 2, -2, -2],
            )),
            &[
                208.57142857142858,
                137.6904761904762,
                176.86486486486487,
                83.36904761904762,
                208.57142857142858,
                208.57142857142858,
                176.86486486486487,
                208.57142857142858,
                137.6904761904762,
                176.86486486486487,
                137.6904761904762,
                108.80459770114942,
                268.8709677419355,
                83.36904761904762,
                208.57142857142858,
                268.8709677419355,
                208.57142857142858,
                176.86486486486487,
                208.57142857142858,
                154.66666666666666,
                208.57142857142858,
                137.6904761904762,
                208.57142857142858,
            ],
        );
    }

    #[test]
    fn diabetes_min_weight_fraction_leaf_matches_scikit_learn() {
        // DecisionTreeRegressor(max_depth=3, min_weight_fraction_leaf=0.1).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { max_depth: Some(3), min_weight_fraction_leaf: 0.1, ..Default::default() },
            (13, 3, 7),
            &[
                0.0,
                0.0,
                0.2949580254972804,
                0.05179858714796653,
                0.0,
                0.0,
                0.04692955489511101,
                0.0,
                0.6063138324596422,
                0.0,
            ],
            Some((
                &[
                    4.600149869918823,
                    26.949999809265137,
                    55.5,
                    -2.0,
                    -2.0,
                    -2.0,
                    27.75,
                    43.5,
                    -2.0,
                    -2.0,
                    101.5,
                    -2.0,
                    -2.0,
                ],
                &[8, 2, 6, -2, -2, -2, 2, 6, -2, -2, 3, -2, -2],
            )),
            &[
                199.4,
                145.625,
                178.6,
                83.36904761904762,
                248.70689655172413,
                199.4,
                145.625,
                248.70689655172413,
                145.625,
                178.6,
                145.625,
                108.80459770114942,
                248.70689655172413,
                83.36904761904762,
                248.70689655172413,
                199.4,
                199.4,
                145.625,
                199.4,
                159.74468085106383,
                248.70689655172413,
                178.6,
                199.4,
            ],
        );
    }

    #[test]
    fn diabetes_min_impurity_decrease_matches_scikit_learn() {
        // DecisionTreeRegressor(min_impurity_decrease=50.0).fit(X, y), X and y from data/diabetes.csv, probes as in `probes`
        check(
            "diabetes",
            DecisionTreeRegressor { min_impurity_decrease: 50.0, ..Default::default() },
            (35, 6, 18),
            &[
                0.016638056352536817,
                0.0,
                0.31805416236688483,
                0.0462237928215724,
                0.013896715530848848,
                0.03590065010713848,
                0.037365021309070635,
                0.0,
                0.48601618853329254,
                0.04590541297865547,
            ],
            None,
            &[
                231.3409090909091,
                137.6904761904762,
                236.15384615384616,
                83.36904761904762,
                231.3409090909091,
                167.6,
                113.15384615384616,
                231.3409090909091,
                137.6904761904762,
                174.3953488372093,
                137.6904761904762,
                105.68235294117648,
                290.42105263157896,
                83.36904761904762,
                231.3409090909091,
                290.42105263157896,
                167.6,
                113.15384615384616,
                231.3409090909091,
                140.33333333333334,
                231.3409090909091,
                137.6904761904762,
                167.6,
            ],
        );
    }

    #[test]
    fn sample_weights_match_scikit_learn() {
        // w = np.arange(442) % 3 + 0.5
        // DecisionTreeRegressor(max_depth=3).fit(X, y, sample_weight=w) on diabetes
        let (x, y) = diabetes();
        let w: Vec<f64> = (0..442).map(|i| (i % 3) as f64 + 0.5).collect();
        let m = DecisionTreeRegressor { max_depth: Some(3), ..Default::default() }
            .fit_weighted(x.view(), &y, Some(&w))
            .unwrap();
        let t = m.tree();
        let imp = [
            0.0,
            0.0,
            0.3562318138709548,
            0.020934914707251798,
            0.0,
            0.033223782323206094,
            0.022200105670960826,
            0.0,
            0.5674093834276265,
            0.0,
        ];
        close(m.feature_importances(), &imp, 1e-12);
        assert_eq!(t.n_node_samples, [442, 230, 178, 90, 88, 52, 29, 23, 212, 165, 39, 126, 47, 30, 17]);
        let wn = [662.0, 341.0, 265.0, 127.0, 138.0, 76.0, 40.5, 35.5, 321.0, 243.5, 62.5, 181.0, 77.5, 49.0, 28.5];
        assert_eq!(t.weighted_n_node_samples, wn);
        let thr = [
            4.639549970626831,
            26.949999809265137,
            55.5,
            -2.0,
            -2.0,
            97.5,
            -2.0,
            -2.0,
            31.550000190734863,
            24.34999942779541,
            -2.0,
            -2.0,
            129.79999542236328,
            -2.0,
            -2.0,
        ];
        assert_eq!(t.threshold, thr);
        let value = [
            152.13519637462235,
            112.44868035190616,
            99.35471698113207,
            112.68503937007874,
            87.08695652173913,
            158.10526315789474,
            136.39506172839506,
            182.8732394366197,
            194.29439252336448,
            174.74948665297742,
            139.2,
            187.02486187845304,
            255.70322580645163,
            277.765306122449,
            217.7719298245614,
        ];
        close(&t.value, &value, 1e-12);
    }

    #[test]
    fn full_tree_matches_scikit_learns_size() {
        // DecisionTreeRegressor(random_state=rs).fit(X, y) on diabetes: 863 or 865 nodes (tied
        // gains), depth 20; a full tree reproduces its training targets.
        let (x, y) = diabetes();
        let m = DecisionTreeRegressor::default().fit(x.view(), &y).unwrap();
        assert!([863, 865].contains(&m.tree().node_count()), "{}", m.tree().node_count());
        assert_eq!(m.get_depth(), 20);
        close(m.predict(x.view()).unwrap().as_slice().unwrap(), &y, 1e-12);
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y) = diabetes();
        let err = |p: DecisionTreeRegressor, y: &[f64]| p.fit(x.view(), y).unwrap_err().to_string();
        assert!(err(DecisionTreeRegressor { max_depth: Some(0), ..Default::default() }, &y).contains("max_depth"));
        let e = err(DecisionTreeRegressor { min_samples_split: 1, ..Default::default() }, &y);
        assert!(e.contains("min_samples_split"), "{e}");
        let e = err(DecisionTreeRegressor { min_weight_fraction_leaf: 0.6, ..Default::default() }, &y);
        assert!(e.contains("min_weight_fraction_leaf"), "{e}");
        let mut negative = y.clone();
        negative[0] = -1.0;
        let e = err(DecisionTreeRegressor { criterion: "poisson".into(), ..Default::default() }, &negative);
        assert!(e.contains("negative"), "{e}");
        let mut nan_y = y.clone();
        nan_y[2] = f64::NAN;
        assert!(err(DecisionTreeRegressor::default(), &nan_y).contains("NaN"));
        let mut bad = x.clone();
        bad[[5, 1]] = 1e300;
        let e = DecisionTreeRegressor::default().fit(bad.view(), &y).unwrap_err().to_string();
        assert!(e.contains("float32"), "{e}");
        let m = DecisionTreeRegressor { max_depth: Some(2), ..Default::default() }.fit(x.view(), &y).unwrap();
        let e = m.predict(x.slice(ndarray::s![.., ..9]).view()).unwrap_err().to_string();
        assert!(e.contains("X has 9 features, but DecisionTreeRegressor is expecting 10 features"), "{e}");
        assert!(m.predict(bad.view()).is_err());
        bad[[5, 1]] = f64::INFINITY;
        assert!(m.predict(bad.view()).unwrap_err().to_string().contains("infinity"));
        let e = err(DecisionTreeRegressor { ccp_alpha: -0.1, ..Default::default() }, &y);
        assert!(e.contains("ccp_alpha"), "{e}");
        let e = err(DecisionTreeRegressor { criterion: "friedman_mse".into(), ..Default::default() }, &y);
        assert!(e.contains("criterion"), "{e}");
    }

    /// Fits `params` on `x`, `y` (weights `w`) and compares with scikit-learn's tree and its predictions of `probes`.
    fn expect_fit(
        params: DecisionTreeRegressor,
        x: &Array2<f64>,
        y: &[f64],
        w: Option<&[f64]>,
        probes: &Array2<f64>,
        want: Want<'_>,
    ) {
        let m = params.fit_weighted(x.view(), y, w).unwrap();
        let p = m.predict(probes.view()).unwrap();
        expect(m.tree(), m.feature_importances(), p.as_slice().unwrap(), &want);
    }

    fn mae(max_depth: Option<usize>, min_samples_leaf: usize) -> DecisionTreeRegressor {
        DecisionTreeRegressor { criterion: "absolute_error".into(), max_depth, min_samples_leaf, ..Default::default() }
    }

    #[test]
    fn absolute_error_matches_scikit_learn() {
        let (x, y) = diabetes();
        let probes = probes("diabetes", &x);
        // DecisionTreeRegressor(criterion='absolute_error', max_depth=3).fit(X, y) on diabetes
        expect_fit(
            mae(Some(3), 1),
            &x,
            &y,
            None,
            &probes,
            Want {
                shape: (15, 3, 8),
                threshold: &[
                    4.600149869918823,
                    26.949999809265137,
                    4.16664981842041,
                    -2.0,
                    -2.0,
                    26.5,
                    -2.0,
                    -2.0,
                    27.75,
                    81.5,
                    -2.0,
                    -2.0,
                    32.75,
                    -2.0,
                    -2.0,
                ],
                feature: &[8, 2, 8, -2, -2, 0, -2, -2, 2, 3, -2, -2, 2, -2, -2],
                missing_go_to_left: &[0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
                importances: &[
                    0.020648967551622422,
                    0.0,
                    0.36567999186247585,
                    0.028684772657918828,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.584986267927983,
                    0.0,
                ],
                predictions: &[
                    220.0, 166.0, 166.0, 93.0, 220.0, 220.0, 166.0, 220.0, 115.5, 166.0, 166.0, 72.0, 274.0, 93.0,
                    220.0, 274.0, 220.0, 166.0, 220.0, 144.0, 220.0, 166.0, 220.0,
                ],
            },
        );
        // DecisionTreeRegressor(criterion='absolute_error', min_samples_leaf=20).fit(X, y)
        expect_fit(
            mae(None, 20),
            &x,
            &y,
            None,
            &probes,
            Want {
                shape: (33, 5, 17),
                threshold: &[],
                feature: &[],
                missing_go_to_left: &[],
                importances: &[
                    0.016227362381208536,
                    0.01515151515151515,
                    0.3223058992289761,
                    0.039806347498655206,
                    0.02599964138425677,
                    0.0,
                    0.012461897077281734,
                    0.0,
                    0.5680473372781065,
                    0.0,
                ],
                predictions: &[
                    245.5, 182.0, 199.5, 68.5, 245.5, 174.0, 151.0, 221.5, 151.0, 199.5, 134.0, 94.0, 274.0, 92.5,
                    245.5, 274.0, 174.0, 151.0, 245.5, 136.0, 221.5, 151.0, 174.0,
                ],
            },
        );
        // DecisionTreeRegressor(criterion='absolute_error', max_depth=3).fit(X, y, sample_weight=np.arange(442) % 3 + 0.5)
        let w: Vec<f64> = (0..442).map(|i| (i % 3) as f64 + 0.5).collect();
        expect_fit(
            mae(Some(3), 1),
            &x,
            &y,
            Some(&w),
            &probes,
            Want {
                shape: (15, 3, 8),
                threshold: &[
                    4.704999923706055,
                    26.949999809265137,
                    4.16664981842041,
                    -2.0,
                    -2.0,
                    35.54999923706055,
                    -2.0,
                    -2.0,
                    112.33499908447266,
                    32.04999923706055,
                    -2.0,
                    -2.0,
                    4.820250034332275,
                    -2.0,
                    -2.0,
                ],
                feature: &[8, 2, 8, -2, -2, 2, -2, -2, 3, 2, -2, -2, 8, -2, -2],
                missing_go_to_left: &[1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0],
                importances: &[
                    0.0,
                    0.0,
                    0.2254320097058727,
                    0.1507033478702823,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.623864642423845,
                    0.0,
                ],
                predictions: &[
                    242.0, 178.0, 178.0, 97.0, 178.0, 178.0, 144.0, 178.0, 178.0, 178.0, 178.0, 72.0, 274.0, 97.0,
                    178.0, 242.0, 178.0, 129.0, 178.0, 144.0, 129.0, 178.0, 178.0,
                ],
            },
        );
    }

    #[test]
    fn cost_complexity_pruning_matches_scikit_learn() {
        let (x, y) = diabetes();
        let probes = probes("diabetes", &x);
        // p = DecisionTreeRegressor(min_samples_leaf=30).cost_complexity_pruning_path(X, y) on diabetes
        let params = DecisionTreeRegressor { min_samples_leaf: 30, ..Default::default() };
        let (alphas, impurities) = params.cost_complexity_pruning_path(x.view(), &y, None).unwrap();
        close(
            &alphas,
            &[
                0.0,
                7.153939268014938,
                34.28877042406452,
                39.276401332556134,
                62.55505749929034,
                93.02618424601178,
                120.42410775498968,
                181.81695513882858,
                335.63676345241583,
                505.38960593815773,
                1728.8084308440666,
            ],
            1e-9,
        );
        close(
            &impurities,
            &[
                2821.508681011982,
                2828.662620279997,
                2862.951390704062,
                2902.2277920366178,
                2964.782849535908,
                3057.80903378192,
                3178.2331415369094,
                3360.050096675738,
                3695.686860128154,
                4201.076466066312,
                5929.884896910378,
            ],
            1e-9,
        );
        // DecisionTreeRegressor(min_samples_leaf=30, ccp_alpha=40.0).fit(X, y)
        let pruned = DecisionTreeRegressor { ccp_alpha: 40.0, ..params };
        expect_fit(
            pruned,
            &x,
            &y,
            None,
            &probes,
            Want {
                shape: (15, 4, 8),
                threshold: &[
                    4.600149869918823,
                    26.949999809265137,
                    55.5,
                    -2.0,
                    -2.0,
                    -2.0,
                    27.75,
                    24.34999942779541,
                    -2.0,
                    -2.0,
                    32.75,
                    99.5,
                    -2.0,
                    -2.0,
                    -2.0,
                ],
                feature: &[8, 2, 6, -2, -2, -2, 2, 2, -2, -2, 2, 3, -2, -2, -2],
                missing_go_to_left: &[0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
                importances: &[
                    0.0,
                    0.0,
                    0.36855874695293167,
                    0.03977468503984065,
                    0.0,
                    0.0,
                    0.02066120942117011,
                    0.0,
                    0.5710053585860576,
                    0.0,
                ],
                predictions: &[
                    231.3409090909091,
                    137.6904761904762,
                    176.86486486486487,
                    83.36904761904762,
                    231.3409090909091,
                    178.21212121212122,
                    176.86486486486487,
                    231.3409090909091,
                    137.6904761904762,
                    176.86486486486487,
                    137.6904761904762,
                    108.80459770114942,
                    268.8709677419355,
                    83.36904761904762,
                    231.3409090909091,
                    268.8709677419355,
                    178.21212121212122,
                    176.86486486486487,
                    231.3409090909091,
                    159.74468085106383,
                    231.3409090909091,
                    137.6904761904762,
                    178.21212121212122,
                ],
            },
        );
    }

    /// `x[start::step, col] = np.nan`
    fn nan_rows(x: &mut Array2<f64>, start: usize, step: usize, col: usize) {
        (start..x.nrows()).step_by(step).for_each(|i| x[[i, col]] = f64::NAN);
    }

    #[test]
    fn missing_values_match_scikit_learn() {
        // X[::4, 2] = X[::3, 8] = nan; P = X[::20] + 0.5; P[::2, 8] = nan (X, y: diabetes)
        let (mut x, y) = diabetes();
        nan_rows(&mut x, 0, 4, 2);
        nan_rows(&mut x, 0, 3, 8);
        let mut p = probes("diabetes", &x);
        nan_rows(&mut p, 0, 2, 8);
        let depth3 = DecisionTreeRegressor { max_depth: Some(3), ..Default::default() };
        // DecisionTreeRegressor(max_depth=3).fit(X, y)
        expect_fit(
            depth3.clone(),
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (15, 3, 8),
                threshold: &[
                    3.7050000429153442,
                    106.0,
                    27.149999618530273,
                    -2.0,
                    -2.0,
                    98.29999923706055,
                    -2.0,
                    -2.0,
                    26.399999618530273,
                    4.900000095367432,
                    -2.0,
                    -2.0,
                    111.5,
                    -2.0,
                    -2.0,
                ],
                feature: &[7, 3, 2, -2, -2, 5, -2, -2, 2, 7, -2, -2, 3, -2, -2],
                missing_go_to_left: &[0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0],
                importances: &[
                    0.0,
                    0.0,
                    0.29788288423111603,
                    0.19552248658354038,
                    0.0,
                    0.03868178690228891,
                    0.0,
                    0.46791284228305474,
                    0.0,
                    0.0,
                ],
                predictions: &[
                    187.58992805755395,
                    98.03649635036497,
                    187.58992805755395,
                    98.03649635036497,
                    187.58992805755395,
                    187.58992805755395,
                    187.58992805755395,
                    187.58992805755395,
                    98.03649635036497,
                    187.58992805755395,
                    187.58992805755395,
                    98.03649635036497,
                    255.44736842105263,
                    98.03649635036497,
                    187.58992805755395,
                    187.58992805755395,
                    187.58992805755395,
                    117.625,
                    187.58992805755395,
                    214.63636363636363,
                    214.63636363636363,
                    187.58992805755395,
                    187.58992805755395,
                ],
            },
        );
        // DecisionTreeRegressor(min_samples_leaf=10).fit(X, y)
        let msl = DecisionTreeRegressor { min_samples_leaf: 10, ..Default::default() };
        expect_fit(
            msl,
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (63, 9, 32),
                threshold: &[],
                feature: &[],
                missing_go_to_left: &[],
                importances: &[
                    0.007926720548846437,
                    0.013683137689379073,
                    0.25888582082629963,
                    0.16269136896029662,
                    0.016038597572241707,
                    0.041041872015262625,
                    0.04447753340167804,
                    0.35347276425958823,
                    0.045659020211610696,
                    0.05612316451479693,
                ],
                predictions: &[
                    187.75,
                    131.44444444444446,
                    192.35294117647058,
                    59.285714285714285,
                    111.3076923076923,
                    111.3076923076923,
                    187.75,
                    187.75,
                    65.0,
                    187.75,
                    226.52941176470588,
                    65.0,
                    215.75,
                    78.5,
                    111.3076923076923,
                    226.52941176470588,
                    187.75,
                    173.78947368421052,
                    226.52941176470588,
                    173.78947368421052,
                    173.78947368421052,
                    226.52941176470588,
                    187.75,
                ],
            },
        );
        // DecisionTreeRegressor(criterion='absolute_error', max_depth=3).fit(X, y)
        expect_fit(
            mae(Some(3), 1),
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (15, 3, 8),
                threshold: &[
                    27.25,
                    4.6549999713897705,
                    4.938050031661987,
                    -2.0,
                    -2.0,
                    20.34999942779541,
                    -2.0,
                    -2.0,
                    101.5,
                    195.5,
                    -2.0,
                    -2.0,
                    4.4542999267578125,
                    -2.0,
                    -2.0,
                ],
                feature: &[2, 7, 8, -2, -2, 2, -2, -2, 3, 4, -2, -2, 8, -2, -2],
                missing_go_to_left: &[1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0],
                importances: &[
                    0.0,
                    0.0,
                    0.4773766546329723,
                    0.10938628158844764,
                    0.055475330926594464,
                    0.0,
                    0.0,
                    0.250661853188929,
                    0.10709987966305655,
                    0.0,
                ],
                predictions: &[
                    94.0, 188.0, 240.0, 94.0, 94.0, 188.0, 94.0, 94.0, 94.0, 240.0, 94.0, 94.0, 240.0, 94.0, 94.0,
                    94.0, 240.0, 94.0, 94.0, 94.0, 94.0, 240.0, 240.0,
                ],
            },
        );
        // Fitted without NaN, NaN at predict: to the child with more rows.
        // P = X[::20] + 0.5; P[::2, 8] = P[1::3, 2] = nan; DecisionTreeRegressor(max_depth=3).fit(X, y)
        let (x, y) = diabetes();
        let mut p = probes("diabetes", &x);
        nan_rows(&mut p, 0, 2, 8);
        nan_rows(&mut p, 1, 3, 2);
        expect_fit(
            depth3,
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (15, 3, 8),
                threshold: &[
                    4.600149869918823,
                    26.949999809265137,
                    55.5,
                    -2.0,
                    -2.0,
                    26.5,
                    -2.0,
                    -2.0,
                    27.75,
                    24.34999942779541,
                    -2.0,
                    -2.0,
                    32.75,
                    -2.0,
                    -2.0,
                ],
                feature: &[8, 2, 6, -2, -2, 0, -2, -2, 2, 2, -2, -2, 2, -2, -2],
                missing_go_to_left: &[0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
                importances: &[
                    0.02078003835653888,
                    0.0,
                    0.37584937246690475,
                    0.0,
                    0.0,
                    0.0,
                    0.021069918051207757,
                    0.0,
                    0.5823006711253487,
                    0.0,
                ],
                predictions: &[
                    208.57142857142858,
                    176.86486486486487,
                    176.86486486486487,
                    83.36904761904762,
                    176.86486486486487,
                    208.57142857142858,
                    176.86486486486487,
                    176.86486486486487,
                    137.6904761904762,
                    176.86486486486487,
                    176.86486486486487,
                    108.80459770114942,
                    268.8709677419355,
                    83.36904761904762,
                    208.57142857142858,
                    268.8709677419355,
                    176.86486486486487,
                    176.86486486486487,
                    208.57142857142858,
                    108.80459770114942,
                    208.57142857142858,
                    137.6904761904762,
                    176.86486486486487,
                ],
            },
        );
    }
}
