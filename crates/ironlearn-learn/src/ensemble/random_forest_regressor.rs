//! A random forest regressor, as scikit-learn's `RandomForestRegressor`.
//!
//! The regression twin of the random forest classifier: the mean of deep
//! trees grown on bootstraps, the usual strong baseline for tabular
//! regression. By scikit-learn's default every tree considers every feature
//! (`max_features=1.0`), so the bootstrap alone decorrelates the trees.

use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::forest::{check_regression_target, grow, ForestConfig, ForestTrees, MaxSamples, Target};
use crate::tree::{check_predict, MaxFeatures, Tree};

hyperparams! {
    /// A random forest of decision tree regressors, as scikit-learn's `RandomForestRegressor`:
    /// the mean of the trees' predictions.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::RandomForestRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = [1.0, 1.0, 1.0, 5.0, 5.0, 5.0];
    /// let params = RandomForestRegressor { n_estimators: 20, random_state: 3, ..Default::default() };
    /// let model = params.fit(x.view(), &y[..])?;
    /// let p = model.predict(array![[0.0], [5.0]].view())?;
    /// assert!(p[0] < 2.0 && p[1] > 4.0);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "random_forest_regressor"]
    #[aliases("rf_regressor")]
    #[tags(task = Some(Task::Regression), sample_weight, missing_values)]
    pub struct RandomForestRegressor {
        /// The number of trees.
        n_estimators: usize = 100, domain(Domain::int_min(1));
        /// The loss a split lowers: "squared_error" (the variance), "absolute_error" (around the
        /// median), or "poisson" (half Poisson deviance, for non-negative counts).
        criterion: String = "squared_error".into(),
            domain(Domain::choice(&["squared_error", "absolute_error", "poisson"]));
        /// The deepest a node may be (the root is at depth 0); None grows until the leaves are pure.
        max_depth: Option<usize> = None, domain(Domain::int_min(1));
        /// The fewest rows a node needs to be split.
        min_samples_split: usize = 2, domain(Domain::int_min(2));
        /// The fewest rows each child of a split must keep.
        min_samples_leaf: usize = 1, domain(Domain::int_min(1));
        /// The smallest share of a tree's total sample weight each child of a split must keep.
        min_weight_fraction_leaf: f64 = 0.0, domain(Domain::float_range(0.0, 0.5));
        /// The features drawn at each node: a fraction of them (1.0: all), an integer, "sqrt", "log2" or None (all).
        max_features: Option<MaxFeatures> = Some(MaxFeatures::Fraction(1.0));
        /// With a value, each tree grows best-first up to this many leaves.
        max_leaf_nodes: Option<usize> = None, domain(Domain::int_min(2));
        /// A node is split only if the split lowers the weighted impurity by at least this.
        min_impurity_decrease: f64 = 0.0, domain(Domain::float_min(0.0));
        /// Whether each tree grows on a bootstrap of the rows (else on all of them).
        bootstrap: bool = true;
        /// Whether to score the forest (R²) on the rows each tree left out (`oob_score_`, `oob_prediction_`).
        oob_score: bool = false;
        /// Threads growing the trees (and predicting): None or -1 all, -2 all but one, k > 0 exactly k.
        /// The forest does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// The seed of the bootstraps and of the features drawn; tree `i` draws from its own stream.
        random_state: u64 = 0;
        /// Rows per bootstrap: None (as many as rows), an integer, or a fraction of the rows
        /// (of the total sample weight, when weighted).
        max_samples: Option<MaxSamples> = None;
        /// Whether to keep the trees of the previous fit (given as `init_model`) and grow only
        /// `n_estimators` minus their number more; tree `i` is the same either way.
        warm_start: bool = false;
        /// Minimal cost-complexity pruning of each tree; 0 prunes nothing.
        ccp_alpha: f64 = 0.0, domain(Domain::float_min(0.0));
    }
}

/// A fitted [`RandomForestRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForestRegressorModel {
    params: RandomForestRegressor,
    /// Saved, not shown: turned into Python lists, a large forest's nodes cost more than its fit.
    #[serde(rename = "_trees", alias = "trees")]
    trees: ForestTrees,
    feature_importances: Vec<f64>,
    oob_score: Option<f64>,
    oob_prediction: Option<Array1<f64>>,
}

impl RandomForestRegressor {
    fn config(&self) -> ForestConfig<'_> {
        ForestConfig {
            estimator: "RandomForestRegressor",
            n_estimators: self.n_estimators,
            max_depth: self.max_depth,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            min_weight_fraction_leaf: self.min_weight_fraction_leaf,
            max_features: &self.max_features,
            max_leaf_nodes: self.max_leaf_nodes,
            min_impurity_decrease: self.min_impurity_decrease,
            bootstrap: self.bootstrap,
            oob_score: self.oob_score,
            n_jobs: self.n_jobs,
            random_state: self.random_state,
            max_samples: &self.max_samples,
            ccp_alpha: self.ccp_alpha,
            random_splits: false,
        }
    }
}

impl RandomForestRegressorModel {
    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.n_trees()
    }

    /// Tree `i`'s node arrays (scikit-learn's `estimators_[i].tree_`).
    pub fn tree(&self, i: usize) -> &Tree {
        self.trees.tree(i)
    }

    /// Every tree, as flat arrays.
    pub fn trees(&self) -> &ForestTrees {
        &self.trees
    }

    /// The mean of the trees' impurity-based importances, summing to one.
    pub fn feature_importances(&self) -> &[f64] {
        &self.feature_importances
    }

    /// R² on the out-of-bag rows, when fitted with `oob_score`.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// Each row's mean prediction over the trees that left it out, when fitted with `oob_score`.
    pub fn oob_prediction(&self) -> Option<&Array1<f64>> {
        self.oob_prediction.as_ref()
    }

    /// The leaf of each row in each tree, `rows × trees`.
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Array2<usize>> {
        check_predict(x, self.trees.n_features, "RandomForestRegressor")?;
        self.trees.apply(x, self.params.n_jobs)
    }
}

impl Fit<[f64]> for RandomForestRegressor {
    type Fitted = RandomForestRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<RandomForestRegressorModel> {
        self.fit_from(x, y, w, None)
    }
}

impl RandomForestRegressor {
    /// Fits, keeping the trees of `previous` (warm start) when given.
    fn fit_from(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[f64],
        w: Option<&[f64]>,
        previous: Option<&RandomForestRegressorModel>,
    ) -> Result<RandomForestRegressorModel> {
        self.validate()?;
        check_regression_target(y, &self.criterion)?;
        let target = Target::Values { y, criterion: &self.criterion };
        let f = grow(&self.config(), x, &target, w, previous.map(|m| &m.trees))?;
        let (oob_score, oob_prediction) = f.oob.map_or((None, None), |(s, p)| (Some(s), Some(p.column(0).to_owned())));
        Ok(RandomForestRegressorModel {
            params: self.clone(),
            trees: f.trees,
            feature_importances: f.feature_importances,
            oob_score,
            oob_prediction,
        })
    }
}

impl Predict for RandomForestRegressorModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict(x, self.trees.n_features, "RandomForestRegressor")?;
        Ok(self.trees.mean_value(x, self.params.n_jobs)?.column(0).to_owned())
    }
}

impl Learn for RandomForestRegressor {
    type Model = RandomForestRegressorModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<RandomForestRegressorModel> {
        let previous = if self.warm_start { ctx.init_model_as::<RandomForestRegressorModel>()? } else { None };
        self.fit_from(data.dense()?.view(), data.values()?, data.weight, previous)
    }
}

impl Fitted for RandomForestRegressorModel {
    type Estimator = RandomForestRegressor;

    fn n_features_in(&self) -> usize {
        self.trees.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(RandomForestRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::forest::{r2, tree_seed};
    use crate::ensemble::testing::{split_values, values};
    use crate::DecisionTreeRegressor;

    #[test]
    fn held_out_r2_is_scikit_learns() {
        // See `testing::split_values`; scikit-learn 1.9.1, RandomForestRegressor(random_state=s), s in 0..5,
        // held-out R² mean (min, max) on diabetes: 0.4091 (0.3866, 0.4363)
        let (xt, yt, xv, yv) = split_values("diabetes");
        let mut total = 0.0;
        for seed in 0..3 {
            let m = RandomForestRegressor { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
            total += r2(&yv, m.predict(xv.view()).unwrap().as_slice().unwrap());
        }
        let score = total / 3.0;
        let sk = 0.4091;
        assert!(score >= sk - 0.03, "R² {score} vs scikit-learn's {sk}");
    }

    #[test]
    fn without_bootstrap_every_tree_is_the_decision_tree() {
        let (x, y) = values("diabetes");
        let params =
            RandomForestRegressor { n_estimators: 4, bootstrap: false, min_samples_leaf: 5, ..Default::default() };
        let forest = params.fit(x.view(), &y).unwrap();
        let tree = DecisionTreeRegressor { min_samples_leaf: 5, ..Default::default() }.fit(x.view(), &y).unwrap();
        for i in 0..4 {
            let seeded =
                DecisionTreeRegressor { min_samples_leaf: 5, random_state: tree_seed(0, i), ..Default::default() };
            assert_eq!(forest.tree(i), seeded.fit(x.view(), &y).unwrap().tree());
            // No tied splits here: every seed grows the same tree.
            assert_eq!(forest.tree(i), tree.tree());
        }
        assert_eq!(forest.predict(x.view()).unwrap(), tree.predict(x.view()).unwrap());
    }

    #[test]
    fn the_thread_count_does_not_change_the_forest() {
        let (x, y) = values("diabetes");
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let params = RandomForestRegressor { n_estimators: 8, oob_score: true, ..Default::default() };
            pool.install(|| params.fit(x.view(), &y).unwrap())
        };
        assert_eq!(fit(1), fit(3));
    }

    #[test]
    fn out_of_bag_score_is_close_to_scikit_learns() {
        // RandomForestRegressor(oob_score=True, random_state=s).fit(X, y) on diabetes, s in 0..5: 0.4190 (0.4087, 0.4262)
        let (x, y) = values("diabetes");
        let m = RandomForestRegressor { oob_score: true, ..Default::default() }.fit(x.view(), &y).unwrap();
        let s = m.oob_score().unwrap();
        assert!((s - 0.419).abs() < 0.03, "oob {s}");
        assert_eq!(m.oob_prediction().unwrap().len(), y.len());
    }

    #[test]
    fn poisson_and_bad_input() {
        let (x, y) = values("diabetes");
        let m = RandomForestRegressor { n_estimators: 5, criterion: "poisson".into(), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap();
        assert!(m.predict(x.view()).unwrap().iter().all(|&v| v > 0.0));
        let mut neg = y.clone();
        neg[0] = -1.0;
        let e = RandomForestRegressor { criterion: "poisson".into(), ..Default::default() }
            .fit(x.view(), &neg)
            .unwrap_err()
            .to_string();
        assert!(e.contains("negative"), "{e}");
        let e = RandomForestRegressor { n_estimators: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(e.to_string().contains("n_estimators"), "{e}");
        let e = RandomForestRegressor { bootstrap: false, oob_score: true, ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err();
        assert!(e.to_string().contains("Out of bag estimation only available if bootstrap=True"), "{e}");
        let e = RandomForestRegressor { max_samples: Some(MaxSamples::Fraction(-0.5)), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err();
        assert!(e.to_string().contains("max_samples"), "{e}");
        let mut bad = x.clone();
        bad[[0, 0]] = f64::INFINITY;
        assert!(RandomForestRegressor::default().fit(bad.view(), &y).unwrap_err().to_string().contains("infinity"));
        let e = m.predict(x.slice(ndarray::s![.., ..4]).view()).unwrap_err().to_string();
        assert!(e.contains("X has 4 features, but RandomForestRegressor is expecting 10 features"), "{e}");
        // Sample weights: a row weighted alone is the only one drawn.
        let mut w = vec![0.0; y.len()];
        w[7] = 1.0;
        let m = RandomForestRegressor { n_estimators: 3, ..Default::default() }
            .fit_weighted(x.view(), &y, Some(&w))
            .unwrap();
        assert!(m.predict(x.view()).unwrap().iter().all(|&v| v == y[7]));
    }

    #[test]
    fn missing_values_and_absolute_error_held_out_r2_is_scikit_learns() {
        // testing::split_values of diabetes after testing::inject_nan; scikit-learn 1.9.1,
        // RandomForestRegressor(random_state=s) for s in 0..5: R² 0.4028 (0.3950, 0.4086).
        let (mut xt, yt, mut xv, yv) = split_values("diabetes");
        crate::ensemble::testing::inject_nan(&mut xt);
        crate::ensemble::testing::inject_nan(&mut xv);
        let mut total = 0.0;
        for seed in 0..3 {
            let m = RandomForestRegressor { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
            total += r2(&yv, m.predict(xv.view()).unwrap().as_slice().unwrap());
        }
        let score = total / 3.0;
        assert!(score >= 0.4028 - 0.05, "R² {score} vs scikit-learn's 0.4028");
        // Without bootstrap or feature draws, each absolute-error tree is the decision tree.
        let (x, y) = values("diabetes");
        let params = RandomForestRegressor {
            n_estimators: 2,
            criterion: "absolute_error".into(),
            bootstrap: false,
            max_features: None,
            max_depth: Some(3),
            ..Default::default()
        };
        let forest = params.fit(x.view(), &y).unwrap();
        for i in 0..2 {
            let tree = DecisionTreeRegressor {
                criterion: "absolute_error".into(),
                max_depth: Some(3),
                random_state: tree_seed(0, i),
                ..Default::default()
            };
            assert_eq!(forest.tree(i), tree.fit(x.view(), &y).unwrap().tree());
        }
    }
}
