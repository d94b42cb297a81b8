//! Extremely randomised trees for classification, as scikit-learn's `ExtraTreesClassifier`.
//!
//! Where a random forest searches the best threshold of each drawn feature,
//! these trees draw one threshold per feature, uniformly between its
//! smallest and largest value in the node, and keep the best of those. The
//! extra randomness decorrelates the trees further (often as accurate as a
//! random forest) and removes the sort from every node, so they grow several
//! times faster. By scikit-learn's default they grow on all the rows, no bootstrap.

use ironlearn_core::validate::argmax;
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::forest::{grow, ClassWeight, ForestConfig, ForestTrees, MaxSamples, Target};
use crate::tree::{check_predict, MaxFeatures, Tree};

hyperparams! {
    /// Extremely randomised trees (random thresholds), as scikit-learn's `ExtraTreesClassifier`:
    /// the mean of the trees' class probabilities.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict, PredictProba};
    /// use ironlearn_learn::ExtraTreesClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0]];
    /// let y = Labels::from_strings(&["no", "no", "no", "yes", "yes", "yes"]);
    /// let params = ExtraTreesClassifier { n_estimators: 20, random_state: 7, ..Default::default() };
    /// let model = params.fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[0.2, 0.0], [4.8, 1.0]].view())?.to_strings(), ["no", "yes"]);
    /// let p = model.predict_proba(array![[0.0, 1.0]].view())?;
    /// assert!((p.row(0).sum() - 1.0).abs() < 1e-12);
    /// assert_eq!(model.n_trees(), 20);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "extra_trees_classifier"]
    #[aliases("extra_trees")]
    #[tags(task = Some(Task::Classification), sample_weight, missing_values, predict_proba)]
    pub struct ExtraTreesClassifier {
        /// The number of trees.
        n_estimators: usize = 100, domain(Domain::int_min(1));
        /// The impurity a split lowers: "gini", or "entropy" (also called "log_loss").
        criterion: String = "gini".into(), domain(Domain::choice(&["gini", "entropy", "log_loss"]));
        /// The deepest a node may be (the root is at depth 0); None grows until the leaves are pure.
        max_depth: Option<usize> = None, domain(Domain::int_min(1));
        /// The fewest rows a node needs to be split.
        min_samples_split: usize = 2, domain(Domain::int_min(2));
        /// The fewest rows each child of a split must keep.
        min_samples_leaf: usize = 1, domain(Domain::int_min(1));
        /// The smallest share of a tree's total sample weight each child of a split must keep.
        min_weight_fraction_leaf: f64 = 0.0, domain(Domain::float_range(0.0, 0.5));
        /// The features drawn at each node: "sqrt", "log2", an integer, a fraction of them, or None (all).
        max_features: Option<MaxFeatures> = Some(MaxFeatures::Rule("sqrt".into()));
        /// With a value, each tree grows best-first up to this many leaves.
        max_leaf_nodes: Option<usize> = None, domain(Domain::int_min(2));
        /// A node is split only if the split lowers the weighted impurity by at least this.
        min_impurity_decrease: f64 = 0.0, domain(Domain::float_min(0.0));
        /// Whether each tree grows on a bootstrap of the rows (else, the default, on all of them).
        bootstrap: bool = false;
        /// Whether to score the forest on the rows each tree left out (`oob_score_`, `oob_decision_function_`).
        oob_score: bool = false;
        /// Threads growing the trees (and predicting): None or -1 all, -2 all but one, k > 0 exactly k.
        /// The forest does not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// The seed of the bootstraps, the features drawn and the thresholds; tree `i` draws from its own stream.
        random_state: u64 = 0;
        /// Class weights: None, "balanced" (inverse class frequencies), "balanced_subsample" (the same,
        /// over each bootstrap), or a weight per class label.
        class_weight: Option<ClassWeight> = None;
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

/// A fitted [`ExtraTreesClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtraTreesClassifierModel {
    params: ExtraTreesClassifier,
    classes: Vec<String>,
    /// Saved, not shown: turned into Python lists, a large forest's nodes cost more than its fit.
    #[serde(rename = "_trees", alias = "trees")]
    trees: ForestTrees,
    feature_importances: Vec<f64>,
    oob_score: Option<f64>,
    oob_decision_function: Option<Array2<f64>>,
}

impl ExtraTreesClassifier {
    fn config(&self) -> ForestConfig<'_> {
        ForestConfig {
            estimator: "ExtraTreesClassifier",
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

impl ExtraTreesClassifierModel {
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

    /// The accuracy on the out-of-bag rows, when fitted with `oob_score`.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// Each row's mean class probabilities over the trees that left it out, when fitted with `oob_score`.
    pub fn oob_decision_function(&self) -> Option<&Array2<f64>> {
        self.oob_decision_function.as_ref()
    }

    /// The leaf of each row in each tree, `rows × trees`.
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Result<Array2<usize>> {
        check_predict(x, self.trees.n_features, "ExtraTreesClassifier")?;
        self.trees.apply(x, self.params.n_jobs)
    }
}

impl Fit<Labels> for ExtraTreesClassifier {
    type Fitted = ExtraTreesClassifierModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<ExtraTreesClassifierModel> {
        self.fit_from(x, y, w, None)
    }
}

impl ExtraTreesClassifier {
    /// Fits, keeping the trees of `previous` (warm start) when given.
    fn fit_from(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
        previous: Option<&ExtraTreesClassifierModel>,
    ) -> Result<ExtraTreesClassifierModel> {
        self.validate()?;
        if let Some(prev) = previous {
            ironlearn_core::ensure!(
                prev.classes == y.classes(),
                InvalidValue,
                "warm_start: the classes {:?} differ from the previous fit's {:?}",
                y.classes(),
                prev.classes
            );
        }
        let target = Target::Classes {
            codes: y.codes(),
            classes: y.classes(),
            entropy: self.criterion != "gini",
            class_weight: &self.class_weight,
        };
        let f = grow(&self.config(), x, &target, w, previous.map(|m| &m.trees))?;
        let (oob_score, oob_decision_function) = f.oob.map_or((None, None), |(s, p)| (Some(s), Some(p)));
        Ok(ExtraTreesClassifierModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            trees: f.trees,
            feature_importances: f.feature_importances,
            oob_score,
            oob_decision_function,
        })
    }
}

impl Predict for ExtraTreesClassifierModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let p = self.predict_proba(x)?;
        let codes = p.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect();
        Labels::new(self.classes.clone(), codes)
    }
}

impl PredictProba for ExtraTreesClassifierModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict(x, self.trees.n_features, "ExtraTreesClassifier")?;
        self.trees.mean_value(x, self.params.n_jobs)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for ExtraTreesClassifier {
    type Model = ExtraTreesClassifierModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<ExtraTreesClassifierModel> {
        let previous = if self.warm_start { ctx.init_model_as::<ExtraTreesClassifierModel>()? } else { None };
        self.fit_from(data.dense()?.view(), &*data.labels()?, data.weight, previous)
    }
}

impl Fitted for ExtraTreesClassifierModel {
    type Estimator = ExtraTreesClassifier;

    fn n_features_in(&self) -> usize {
        self.trees.n_features
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
}

register!(ExtraTreesClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::testing::{accuracy, labels, split};

    #[test]
    fn held_out_accuracy_is_scikit_learns() {
        // See `testing::split`; scikit-learn 1.9.1, ExtraTreesClassifier(random_state=s) for s in 0..5,
        // held-out accuracy mean (min, max): iris 0.9737 (0.9737, 0.9737), wine 1.0 (1.0, 1.0),
        // breast_cancer 0.9762 (0.9650, 0.9930).
        for (name, sk) in [("iris", 0.9737), ("wine", 1.0), ("breast_cancer", 0.9762)] {
            let (xt, yt, xv, yv) = split(name);
            let mut total = 0.0;
            for seed in 0..3 {
                let m = ExtraTreesClassifier { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
                total += accuracy(&m.predict(xv.view()).unwrap(), &yv);
            }
            let acc = total / 3.0;
            assert!(acc >= sk - 0.03, "{name}: accuracy {acc} vs scikit-learn's {sk}");
        }
    }

    #[test]
    fn the_attributes_are_scikit_learns_without_the_trees() {
        use ironlearn_core::Attribute;
        let (x, y) = labels("iris");
        let m = ExtraTreesClassifier { n_estimators: 5, bootstrap: true, oob_score: true, ..Default::default() }
            .fit(x.view(), &y)
            .unwrap();
        let attrs = Fitted::attributes(&m);
        let names: Vec<&str> = attrs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["classes_", "feature_importances_", "oob_decision_function_", "oob_score_"]);
        let get = |attrs: &[(String, Attribute)], k: &str| attrs.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert!(
            matches!(get(&attrs, "feature_importances_"), Attribute::Array(a) if a.as_slice() == Some(m.feature_importances()))
        );
        assert!(matches!(get(&attrs, "oob_score_"), Attribute::Number(s) if Some(s) == m.oob_score()));
        assert!(matches!(get(&attrs, "oob_decision_function_"), Attribute::Array(a) if a.shape() == [150, 3]));
        let plain = ExtraTreesClassifier { n_estimators: 2, ..Default::default() }.fit(x.view(), &y).unwrap();
        assert!(matches!(get(&Fitted::attributes(&plain), "oob_score_"), Attribute::Json(serde_json::Value::Null)));
        // The trees are saved all the same.
        let parts = ironlearn_core::SaveState::save_state(&m).unwrap();
        assert!(parts.state.get("_trees").is_some());
    }

    #[test]
    fn thresholds_are_drawn_between_the_node_extremes() {
        let (x, y) = labels("iris");
        let m = ExtraTreesClassifier { n_estimators: 10, ..Default::default() }.fit(x.view(), &y).unwrap();
        // Without a bootstrap every tree fits its training rows (grown until pure).
        assert_eq!(m.predict(x.view()).unwrap(), y);
        let t = m.tree(0);
        let f = t.feature[0] as usize;
        let col = x.column(f);
        let (lo, hi) = col.iter().fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(t.threshold[0] >= lo as f32 as f64 && t.threshold[0] < hi as f32 as f64);
        // Unlike the best splitter, the thresholds are not midpoints and differ between trees.
        assert!(
            (0..10).map(|i| m.tree(i).threshold[0].to_bits()).collect::<std::collections::BTreeSet<_>>().len() > 1
                || (0..10).map(|i| m.tree(i).feature[0]).collect::<std::collections::BTreeSet<_>>().len() > 1
        );
    }

    #[test]
    fn the_thread_count_does_not_change_the_forest() {
        let (x, y) = labels("wine");
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let params =
                ExtraTreesClassifier { n_estimators: 12, bootstrap: true, oob_score: true, ..Default::default() };
            pool.install(|| params.fit(x.view(), &y).unwrap())
        };
        assert_eq!(fit(1), fit(3));
    }

    #[test]
    fn out_of_bag_score_is_close_to_scikit_learns() {
        // ExtraTreesClassifier(oob_score=True, bootstrap=True, random_state=s).fit(X, y), s in 0..5:
        // iris 0.9507 (0.94, 0.96), breast_cancer 0.9634 (0.9613, 0.9649)
        for (name, sk) in [("iris", 0.9507), ("breast_cancer", 0.9634)] {
            let (x, y) = labels(name);
            let p = ExtraTreesClassifier { bootstrap: true, oob_score: true, ..Default::default() };
            let s = p.fit(x.view(), &y).unwrap().oob_score().unwrap();
            assert!((s - sk).abs() < 0.025, "{name}: oob {s} vs {sk}");
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y) = labels("iris");
        let e = ExtraTreesClassifier { oob_score: true, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(e.to_string().contains("Out of bag estimation only available if bootstrap=True"), "{e}");
        let e = ExtraTreesClassifier { max_samples: Some(MaxSamples::Count(10)), ..Default::default() }
            .fit(x.view(), &y)
            .unwrap_err();
        assert!(e.to_string().contains("`max_sample` cannot be set if `bootstrap=False`"), "{e}");
        let e = ExtraTreesClassifier { n_estimators: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(e.to_string().contains("n_estimators"), "{e}");
        let m = ExtraTreesClassifier { n_estimators: 2, ..Default::default() }.fit(x.view(), &y).unwrap();
        let e = m.predict(x.slice(ndarray::s![.., ..2]).view()).unwrap_err().to_string();
        assert!(e.contains("X has 2 features, but ExtraTreesClassifier is expecting 4 features"), "{e}");
    }

    #[test]
    fn missing_values_held_out_accuracy_is_scikit_learns() {
        // testing::split of breast_cancer after testing::inject_nan; scikit-learn 1.9.1,
        // ExtraTreesClassifier(random_state=s) for s in 0..5: accuracy 0.9734 (0.9650, 0.9790).
        let (mut xt, yt, mut xv, yv) = split("breast_cancer");
        crate::ensemble::testing::inject_nan(&mut xt);
        crate::ensemble::testing::inject_nan(&mut xv);
        let mut total = 0.0;
        for seed in 0..3 {
            let m = ExtraTreesClassifier { random_state: seed, ..Default::default() }.fit(xt.view(), &yt).unwrap();
            total += accuracy(&m.predict(xv.view()).unwrap(), &yv);
        }
        let acc = total / 3.0;
        assert!(acc >= 0.9734 - 0.03, "accuracy {acc} vs scikit-learn's 0.9734");
    }
}
