//! Extremely randomised trees for regression, as scikit-learn's `ExtraTreesRegressor`.
//!
//! The regression twin of [`super::ExtraTreesClassifier`]: one uniform
//! threshold per drawn feature instead of the best one, every tree on all the
//! rows by default. Cheaper to grow than a random forest, and the averaged
//! random thresholds give smoother predictions.

use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::forest::{check_regression_target, grow, ForestConfig, ForestTrees, MaxSamples, Target};
use crate::tree::{check_predict, MaxFeatures, Tree};

hyperparams! {
    /// Extremely randomised trees (random thresholds), as scikit-learn's `ExtraTreesRegressor`:
    /// the mean of the trees' predictions.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::ExtraTreesRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
    /// let y = [1.0, 1.0, 1.0, 5.0, 5.0, 5.0];
    /// let params = ExtraTreesRegressor { n_estimators: 20, random_state: 3, ..Default::default() };
    /// let model = params.fit(x.view(), &y[..])?;
    /// let p = model.predict(array![[0.0], [5.0]].view())?;
    /// assert!(p[0] < 2.0 && p[1] > 4.0);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "extra_trees_regressor"]
    #[tags(task = Some(Task::Regression), sample_weight, missing_values)]
    pub struct ExtraTreesRegressor {
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
        /// Whether each tree grows on a bootstrap of the rows (else, the default, on all of them).
        bootstrap: bool = false;
        /// Whether to score the forest (R²) on the rows each tree left out (`oob_score_`, `oob_prediction_`).
        oob_score: bool = false;
        /// Threads growing the trees (and predicting): None or -1 all, -2 all but one, k > 0 exactly k.
        /// The forest does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// The seed of the bootstraps, the features drawn and the thresholds; tree `i` draws from its own stream.
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

/// A fitted [`ExtraTreesRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtraTreesRegressorModel {
    params: ExtraTreesRegressor,
    /// Saved, not shown: turned into Python lists, a large forest's nodes cost more than its fit.
    #[serde(rename = "_trees", alias = "trees")]
    trees: ForestTrees,
    feature_importances: Vec<f64>,
    oob_score: Option<f64>,
    oob_prediction: Option<Array1<f64>>,
}

impl ExtraTreesRegressor {
    fn config(&self) -> ForestConfig<'_> {
        ForestConfig {
            estimator: "ExtraTreesRegressor",
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
            random_splits: true,
        }
    }
}

impl ExtraTreesRegressorModel {
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
        check_predict(x, self.trees.n_features, "ExtraTreesRegressor")?;
        self.trees.apply(x, self.params.n_jobs)
    }
}

impl Fit<[f64]> for ExtraTreesRegressor {
    type Fitted = ExtraTreesRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<ExtraTreesRegressorModel> {
        self.fit_from(x, y, w, None)
    }
}

impl ExtraTreesRegressor {
    /// Fits, keeping the trees of `previous` (warm start) when given.
    fn fit_from(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[f64],
        w: Option<&[f64]>,
        previous: Option<&ExtraTreesRegressorModel>,
    ) -> Result<ExtraTreesRegressorModel> {
        self.validate()?;
        check_regression_target(y, &self.criterion)?;
        let target = Target::Values { y, criterion: &self.criterion };
        let f = grow(&self.config(), x, &target, w, previous.map(|m| &m.trees))?;
        let (oob_score, oob_prediction) = f.oob.map_or((None, None), |(s, p)| (Some(s), Some(p.column(0).to_owned())));
        Ok(ExtraTreesRegressorModel {
            params: self.clone(),
            trees: f.trees,
            feature_importances: f.feature_importances,
            oob_score,
            oob_prediction,
        })
    }
}

impl Predict for ExtraTreesRegressorModel {
    type Output = Array1<f64>;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict(x, self.trees.n_features, "ExtraTreesRegressor")?;
        Ok(self.trees.mean_value(x, self.params.n_jobs)?.column(0).to_owned())
    }
}

impl Learn for ExtraTreesRegressor {
    type Model = ExtraTreesRegressorModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<ExtraTreesRegressorModel> {
        let previous = if self.warm_start { ctx.init_model_as::<ExtraTreesRegressorModel>()? } else { None };
        self.fit_from(data.dense()?.view(), data.values()?, data.weight, previous)
    }
}

impl Fitted for ExtraTreesRegressorModel {
    type Estimator = ExtraTreesRegressor;

    fn n_features_in(&self) -> usize {
        self.trees.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(ExtraTreesRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::forest::r2;
    use crate::ensemble::testing::{split_values, values};

    #[test]
    fn held_out_r2_is_scikit_learns() {
        // See `testing::split_values`; scikit-learn 1.9.1, ExtraTreesRegressor(random_state=s), s in 0..5,
        // held-out R² mean (min, max) on diabetes: 0.4422 (0.4264, 0.4565)
        let (xt, yt, xv, yv) = split_values("diabetes");
        let mut total = 0.0;
        for seed in 0..3 {
            let m = ExtraTreesRegressor { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
            total += r2(&yv, m.predict(xv.view()).unwrap().as_slice().unwrap());
        }
        let score = total / 3.0;
        assert!(score >= 0.4422 - 0.03, "R² {score}");
    }

    #[test]
    fn out_of_bag_score_is_close_to_scikit_learns() {
        // ExtraTreesRegressor(oob_score=True, bootstrap=True, random_state=s).fit(X, y) on diabetes, s in 0..5:
        // 0.4527 (0.4455, 0.4665)
        let (x, y) = values("diabetes");
        let m =
            ExtraTreesRegressor { bootstrap: true, oob_score: true, ..Default::default() }.fit(x.view(), &y).unwrap();
        let s = m.oob_score().unwrap();
        assert!((s - 0.4527).abs() < 0.03, "oob {s}");
    }

    #[test]
    fn the_thread_count_does_not_change_the_forest() {
        let (x, y) = values("diabetes");
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| ExtraTreesRegressor { n_estimators: 8, ..Default::default() }.fit(x.view(), &y).unwrap())
        };
        let one = fit(1);
        assert_eq!(one, fit(3));
        // Without a bootstrap, grown until pure, each tree fits its training rows.
        let p = one.predict(x.view()).unwrap();
        assert!(p.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-9));
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y) = values("diabetes");
        let e = ExtraTreesRegressor { oob_score: true, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(e.to_string().contains("Out of bag estimation only available if bootstrap=True"), "{e}");
        let mut bad = x.clone();
        bad[[2, 3]] = f64::INFINITY;
        let e = ExtraTreesRegressor::default().fit(bad.view(), &y).unwrap_err().to_string();
        assert!(e.contains("infinity"), "{e}");
        let e = ExtraTreesRegressor { ccp_alpha: f64::NAN, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(e.to_string().contains("ccp_alpha"), "{e}");
        let e = ExtraTreesRegressor { bootstrap: true, max_samples: Some(MaxSamples::Count(0)), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err();
        assert!(e.to_string().contains("max_samples"), "{e}");
    }

    #[test]
    fn missing_values_held_out_r2_is_scikit_learns() {
        // testing::split_values of diabetes after testing::inject_nan; scikit-learn 1.9.1,
        // ExtraTreesRegressor(random_state=s) for s in 0..5: R² 0.4219 (0.4074, 0.4393).
        let (mut xt, yt, mut xv, yv) = split_values("diabetes");
        crate::ensemble::testing::inject_nan(&mut xt);
        crate::ensemble::testing::inject_nan(&mut xv);
        let mut total = 0.0;
        for seed in 0..3 {
            let m = ExtraTreesRegressor { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
            total += r2(&yv, m.predict(xv.view()).unwrap().as_slice().unwrap());
        }
        let score = total / 3.0;
        assert!(score >= 0.4219 - 0.05, "R² {score} vs scikit-learn's 0.4219");
    }

    #[test]
    fn warm_start_grows_the_same_forest_as_one_fit() {
        let (x, y) = values("diabetes");
        let target = ironlearn_core::Target::Values(y.clone());
        let data = TrainData::supervised(Features::Dense(x.view()), &target);
        let learn = |p: &ExtraTreesRegressor, prev: Option<&ExtraTreesRegressorModel>| {
            let mut ctx =
                FitContext { init_model: prev.map(|m| m as &dyn ironlearn_core::Model), ..Default::default() };
            p.learn(&data, &mut ctx)
        };
        let p = ExtraTreesRegressor { n_estimators: 4, max_depth: Some(6), warm_start: true, ..Default::default() };
        let small = learn(&p, None).unwrap();
        let grown = learn(&ExtraTreesRegressor { n_estimators: 9, ..p.clone() }, Some(&small)).unwrap();
        let whole = ExtraTreesRegressor { n_estimators: 9, ..p.clone() }.fit(x.view(), &y).unwrap();
        assert_eq!(grown.trees(), whole.trees());
        assert_eq!(grown.predict(x.view()).unwrap(), whole.predict(x.view()).unwrap());
        let e = learn(&ExtraTreesRegressor { n_estimators: 2, ..p }, Some(&small)).unwrap_err();
        assert!(e.to_string().contains("must be larger or equal to len(estimators_)=4"), "{e}");
    }
}
