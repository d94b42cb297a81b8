//! A decision tree classifier, grown as scikit-learn grows it.
//!
//! Trees are the base of the forests and the reference point for boosted
//! ones; users compare them with scikit-learn's node by node, so the growth
//! rules, the thresholds and the tie-free choices are scikit-learn's, and the
//! fitted tree is kept as its flat node arrays (see [`Tree`]).

use ironlearn_core::validate::{argmax, check_not_empty, check_sample_weight};
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Error, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    PredictProba, Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::builder::{build, resolve_settings, Columns, MaxFeatures, Tree};
use super::criterion::ClassCriterion;
use super::export::{export_text, TextOptions};
use super::prune::{check_ccp_alpha, prune, pruning_path};
use crate::ensemble::forest::{class_weights, ClassWeight};

hyperparams! {
    /// A decision tree classifier (CART, exact best splits), as scikit-learn's `DecisionTreeClassifier`.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict, PredictProba};
    /// use ironlearn_learn::DecisionTreeClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Labels::from_strings(&["no", "no", "yes", "yes"]);
    /// let model = DecisionTreeClassifier::default().fit(x.view(), &y)?;
    /// assert_eq!(model.tree().threshold[0], 1.5);
    /// assert_eq!(model.predict(array![[0.2], [2.8]].view())?.to_strings(), ["no", "yes"]);
    /// assert_eq!(model.predict_proba(array![[3.0]].view())?.row(0).to_vec(), [0.0, 1.0]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "decision_tree_classifier"]
    #[aliases("decision_tree", "tree_classifier")]
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba, missing_values)]
    pub struct DecisionTreeClassifier {
        /// The impurity a split lowers: "gini", or "entropy" (also called "log_loss").
        criterion: String = "gini".into(), domain(Domain::choice(&["gini", "entropy", "log_loss"]));
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
        /// Class weights: None, "balanced" (`n_samples / (n_classes * class count)`), or a weight
        /// per class label (classes left out weigh 1); they multiply the sample weights.
        class_weight: Option<ClassWeight> = None;
        /// Minimal cost-complexity pruning: the grown tree is cut back to the subtree of the
        /// largest cost complexity below this; 0 prunes nothing.
        ccp_alpha: f64 = 0.0, domain(Domain::float_min(0.0));
    }
}

/// A fitted [`DecisionTreeClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeClassifierModel {
    params: DecisionTreeClassifier,
    classes: Vec<String>,
    tree: Tree,
    feature_importances: Vec<f64>,
}

impl DecisionTreeClassifierModel {
    /// The fitted tree's node arrays; each node's value holds its weighted class fractions.
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
        self.check(x)?;
        Ok(self.tree.apply(x))
    }

    fn check(&self, x: ArrayView2<'_, f64>) -> Result<()> {
        super::check_predict(x, self.tree.n_features, "DecisionTreeClassifier")
    }
}

impl DecisionTreeClassifier {
    /// The effective alphas of minimal cost-complexity pruning of the tree
    /// grown on `x`, `y` (with `ccp_alpha` 0) and the total leaf impurity of
    /// each subtree, as scikit-learn's `cost_complexity_pruning_path`.
    pub fn cost_complexity_pruning_path(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let full = DecisionTreeClassifier { ccp_alpha: 0.0, ..self.clone() }.fit_weighted(x, y, w)?;
        Ok(pruning_path(&full.tree))
    }
}

impl Fit<Labels> for DecisionTreeClassifier {
    type Fitted = DecisionTreeClassifierModel;

    fn fit_weighted(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
    ) -> Result<DecisionTreeClassifierModel> {
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
        check_sample_weight(w, y.len())?;
        let columns = Columns::with_missing(x)?;
        // Sample weights times class weights (scikit-learn's `compute_sample_weight`).
        let weight: Option<Vec<f64>> = match &self.class_weight {
            None => w.map(<[f64]>::to_vec),
            Some(cw) => {
                if matches!(cw, ClassWeight::Preset(p) if p == "balanced_subsample") {
                    return Err(Error::param(
                        "class_weight",
                        "must be None, 'balanced' or a dict of class weights, got 'balanced_subsample' (a forest's)",
                    ));
                }
                let per_row = class_weights(cw, y.codes(), y.classes(), None, false)?.expect("a class weight");
                Some(match w {
                    Some(w) => w.iter().zip(&per_row).map(|(a, b)| a * b).collect(),
                    None => per_row,
                })
            }
        };
        let w = weight.as_deref();
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
        let mut crit = ClassCriterion::new(y.codes(), w, y.n_classes(), self.criterion != "gini");
        let tree = prune(&build(&columns, w, &mut crit, &settings)?, self.ccp_alpha);
        Ok(DecisionTreeClassifierModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            feature_importances: tree.feature_importances(),
            tree,
        })
    }
}

impl Predict for DecisionTreeClassifierModel {
    type Output = Labels;

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        self.check(x)?;
        let codes =
            self.tree.apply(x).into_iter().map(|leaf| argmax(self.tree.node_value(leaf).iter().copied()) as u32);
        Labels::new(self.classes.clone(), codes.collect())
    }
}

impl PredictProba for DecisionTreeClassifierModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        self.check(x)?;
        let mut p = Array2::zeros((x.nrows(), self.classes.len()));
        self.tree.predict_into(x, p.view_mut());
        Ok(p)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Learn for DecisionTreeClassifier {
    type Model = DecisionTreeClassifierModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<DecisionTreeClassifierModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for DecisionTreeClassifierModel {
    /// The rules in scikit-learn's `export_text` layout; `options` as [`TextOptions::from_json`].
    fn text(&self, feature_names: &[String], options: &serde_json::Value) -> Result<String> {
        export_text(&self.tree, feature_names, Some(&self.classes), &TextOptions::from_json(options)?)
    }

    type Estimator = DecisionTreeClassifier;

    fn n_features_in(&self) -> usize {
        self.tree.n_features
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

register!(DecisionTreeClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::testdata::{close, expect, load, probes, Want};

    fn fit(name: &str, params: &DecisionTreeClassifier) -> (Array2<f64>, DecisionTreeClassifierModel) {
        let (x, y) = load(name);
        let model = params.fit(x.view(), &Labels::from_strings(&y)).unwrap();
        (x, model)
    }

    /// Fits on `name` and compares (node count, depth, leaves), the
    /// importances, the thresholds and features (small trees) and the
    /// probabilities of the probe rows with scikit-learn's.
    #[allow(clippy::type_complexity)]
    fn check(
        name: &str,
        params: DecisionTreeClassifier,
        shape: (usize, usize, usize),
        importances: &[f64],
        tree: Option<(&[f64], &[i64])>,
        proba: &[f64],
    ) {
        let (x, m) = fit(name, &params);
        let t = m.tree();
        assert_eq!((t.node_count(), m.get_depth(), m.get_n_leaves()), shape);
        close(m.feature_importances(), importances, 1e-12);
        if let Some((threshold, feature)) = tree {
            assert_eq!(t.threshold, threshold);
            assert_eq!(t.feature, feature);
        }
        let probes = probes(name, &x);
        let p = m.predict_proba(probes.view()).unwrap();
        close(p.as_slice().unwrap(), proba, 1e-12);
        let labels = m.predict(probes.view()).unwrap();
        for (row, code) in p.rows().into_iter().zip(labels.codes()) {
            assert_eq!(argmax(row.iter().copied()), *code as usize);
        }
    }

    #[test]
    fn iris_gini_matches_scikit_learn() {
        // DecisionTreeClassifier(random_state=1).fit(X, y), X and y from data/iris.csv, probes as in `probes`
        // (random_state=1: of the tied splits, the one this tree takes)
        check(
            "iris",
            DecisionTreeClassifier { ..Default::default() },
            (17, 5, 9),
            &[0.026666666666666658, 0.0, 0.05072262479871173, 0.9226107085346216],
            None,
            &[
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
                0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0,
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0,
                0.0, 0.0, 1.0, 0.0, 0.0, 1.0,
            ],
        );
    }

    #[test]
    fn iris_entropy_matches_scikit_learn() {
        // DecisionTreeClassifier(criterion='entropy', random_state=1).fit(X, y), X and y from data/iris.csv, probes as in `probes`
        // (random_state=1: of the tied splits, the one this tree takes)
        check(
            "iris",
            DecisionTreeClassifier { criterion: "entropy".into(), ..Default::default() },
            (17, 5, 9),
            &[0.023175206571427805, 0.0, 0.06606581714132671, 0.9107589762872454],
            None,
            &[
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
                0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0,
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0,
                0.0, 0.0, 1.0, 0.0, 0.0, 1.0,
            ],
        );
    }

    #[test]
    fn iris_max_depth_2_matches_scikit_learn() {
        // DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y), X and y from data/iris.csv, probes as in `probes`
        // (random_state=0: of the tied splits, the one this tree takes)
        check(
            "iris",
            DecisionTreeClassifier { max_depth: Some(2), ..Default::default() },
            (5, 2, 3),
            &[0.0, 0.0, 0.0, 1.0],
            Some((&[0.800000011920929, -2.0, 1.75, -2.0, -2.0], &[3, -2, 3, -2, -2])),
            &[
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.9074074074074074,
                0.09259259259259259,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
            ],
        );
    }

    #[test]
    fn iris_min_samples_leaf_5_matches_scikit_learn() {
        // DecisionTreeClassifier(min_samples_leaf=5, random_state=0).fit(X, y), X and y from data/iris.csv, probes as in `probes`
        // (random_state=0: of the tied splits, the one this tree takes)
        check(
            "iris",
            DecisionTreeClassifier { min_samples_leaf: 5, ..Default::default() },
            (11, 4, 6),
            &[0.003809355067328164, 0.0, 0.050378410487645346, 0.9458122344450265],
            Some((
                &[
                    0.800000011920929,
                    -2.0,
                    1.75,
                    4.950000047683716,
                    5.1499998569488525,
                    -2.0,
                    -2.0,
                    -2.0,
                    4.950000047683716,
                    -2.0,
                    -2.0,
                ],
                &[3, -2, 3, 2, 0, -2, -2, -2, 2, -2, -2],
            )),
            &[
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.16666666666666666,
                0.8333333333333334,
                0.0,
                0.0,
                1.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.3333333333333333,
                0.6666666666666666,
                0.0,
                0.16666666666666666,
                0.8333333333333334,
                0.0,
                0.3333333333333333,
                0.6666666666666666,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
            ],
        );
    }

    #[test]
    fn iris_max_leaf_nodes_5_matches_scikit_learn() {
        // DecisionTreeClassifier(max_leaf_nodes=5, random_state=0).fit(X, y), X and y from data/iris.csv, probes as in `probes`
        // (random_state=0: of the tied splits, the one this tree takes)
        check(
            "iris",
            DecisionTreeClassifier { max_leaf_nodes: Some(5), ..Default::default() },
            (9, 4, 5),
            &[0.0, 0.0, 0.04664733492039371, 0.9533526650796063],
            Some((
                &[0.800000011920929, -2.0, 1.75, 4.950000047683716, -2.0, 1.6500000357627869, -2.0, -2.0, -2.0],
                &[3, -2, 3, 2, -2, 3, -2, -2, -2],
            )),
            &[
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.0,
                0.0,
                1.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.3333333333333333,
                0.6666666666666666,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.3333333333333333,
                0.6666666666666666,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
                0.0,
                0.021739130434782608,
                0.9782608695652174,
            ],
        );
    }

    #[test]
    fn wine_log_loss_max_depth_3_matches_scikit_learn() {
        // DecisionTreeClassifier(criterion='log_loss', max_depth=3, random_state=1).fit(X, y), X and y from data/wine.csv, probes as in `probes`
        // (random_state=1: of the tied splits, the one this tree takes)
        check(
            "wine",
            DecisionTreeClassifier { criterion: "log_loss".into(), max_depth: Some(3), ..Default::default() },
            (13, 3, 7),
            &[
                0.014290002557166082,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.41770560631810305,
                0.0,
                0.0,
                0.22540853230309243,
                0.025549070987649476,
                0.0,
                0.3170467878339889,
            ],
            Some((
                &[
                    1.5750000476837158,
                    3.8249999284744263,
                    -2.0,
                    0.9699999988079071,
                    -2.0,
                    -2.0,
                    724.5,
                    13.174999713897705,
                    -2.0,
                    -2.0,
                    3.4600000381469727,
                    -2.0,
                    -2.0,
                ],
                &[6, 9, -2, 10, -2, -2, 12, 0, -2, -2, 9, -2, -2],
            )),
            &[
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0,
                0.0, 0.0, 1.0, 0.0, 0.25, 0.75, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0,
                1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0,
            ],
        );
    }

    #[test]
    fn wine_max_leaf_nodes_6_matches_scikit_learn() {
        // DecisionTreeClassifier(max_leaf_nodes=6, random_state=0).fit(X, y), X and y from data/wine.csv, probes as in `probes`
        // (random_state=0: of the tied splits, the one this tree takes)
        check(
            "wine",
            DecisionTreeClassifier { max_leaf_nodes: Some(6), ..Default::default() },
            (11, 3, 6),
            &[
                0.0,
                0.0,
                0.0,
                0.0,
                0.03754317450480359,
                0.0,
                0.10557358910728253,
                0.0,
                0.0,
                0.0,
                0.06623881263039064,
                0.35523411796701343,
                0.4354103057905099,
            ],
            Some((
                &[
                    755.0,
                    2.1149998903274536,
                    2.165000081062317,
                    0.9350000023841858,
                    -2.0,
                    -2.0,
                    135.5,
                    -2.0,
                    -2.0,
                    -2.0,
                    -2.0,
                ],
                &[12, 11, 6, 10, -2, -2, 4, -2, -2, -2, -2],
            )),
            &[
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                1.0,
                0.0,
                0.0,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.0,
                0.025,
                0.975,
                0.0,
                0.25,
                0.75,
                0.0,
                0.025,
                0.975,
                0.03076923076923077,
                0.9384615384615385,
                0.03076923076923077,
                0.0,
                0.025,
                0.975,
            ],
        );
    }

    #[test]
    fn tied_splits_change_the_features_not_the_shape() {
        // DecisionTreeClassifier(random_state=rs).fit(X, y) on wine, rs in 0..10: 23 nodes, depth 5;
        // min_samples_leaf=4: 19 nodes, depth 4; the importances depend on rs (tied gains).
        for seed in [0, 1, 7] {
            let (_, m) = fit("wine", &DecisionTreeClassifier { random_state: seed, ..Default::default() });
            assert_eq!((m.tree().node_count(), m.get_depth()), (23, 5));
            let params = DecisionTreeClassifier { min_samples_leaf: 4, random_state: seed, ..Default::default() };
            let (_, m) = fit("wine", &params);
            assert_eq!((m.tree().node_count(), m.get_depth()), (19, 4));
        }
        // A full tree fits its training rows.
        let (x, y) = load("iris");
        let (_, m) = fit("iris", &DecisionTreeClassifier::default());
        assert_eq!(m.predict(x.view()).unwrap().to_strings(), y);
    }

    #[test]
    fn sample_weights_match_scikit_learn() {
        // w = np.where(np.arange(150) % 4 == 0, 0.0, np.arange(150) % 5 + 1.0)
        // DecisionTreeClassifier(max_depth=3, random_state=rs).fit(X, y, sample_weight=w) on iris:
        // rs in 0..4 split the root on petal width, rs=4 on petal length (a tie), the rest is the same.
        let (x, y) = load("iris");
        let w: Vec<f64> = (0..150).map(|i| if i % 4 == 0 { 0.0 } else { (i % 5) as f64 + 1.0 }).collect();
        let params = DecisionTreeClassifier { max_depth: Some(3), ..Default::default() };
        let m = params.fit_weighted(x.view(), &Labels::from_strings(&y), Some(&w)).unwrap();
        let t = m.tree();
        assert_eq!(t.n_node_samples, [112, 37, 75, 36, 35, 1, 39, 6, 33]);
        assert_eq!(t.weighted_n_node_samples, [335.0, 110.0, 225.0, 109.0, 107.0, 2.0, 116.0, 26.0, 90.0]);
        let (root, imp): (f64, &[f64]) = if t.feature[0] == 3 {
            (0.800000011920929, &[0.0, 0.0, 0.44354505107527237, 0.5564549489247276])
        } else {
            (2.350000023841858, &[0.0, 0.0, 0.9686622806072752, 0.031337719392724735])
        };
        assert_eq!(t.threshold[0], root);
        assert_eq!(&t.threshold[1..], [-2.0, 4.75, 1.6500000357627869, -2.0, -2.0, 1.75, -2.0, -2.0]);
        close(m.feature_importances(), imp, 1e-12);
        let p = m.predict_proba(probes("iris", &x).view()).unwrap();
        close(&p.row(8).to_vec(), &[0.0, 0.2692307692307692, 0.7307692307692307], 1e-12);
        close(&p.row(10).to_vec(), &[0.0, 0.011111111111111112, 0.9888888888888889], 1e-12);
    }

    #[test]
    fn max_features_draws_are_seeded() {
        let (x, y) = load("wine");
        let y = Labels::from_strings(&y);
        let fit = |mf: MaxFeatures, seed| {
            let params = DecisionTreeClassifier { max_features: Some(mf), random_state: seed, ..Default::default() };
            params.fit(x.view(), &y).unwrap()
        };
        for mf in [MaxFeatures::Rule("sqrt".into()), MaxFeatures::Rule("log2".into()), MaxFeatures::Count(3)] {
            let a = fit(mf.clone(), 5);
            assert_eq!(a, fit(mf.clone(), 5));
            assert_eq!(a.predict(x.view()).unwrap().codes(), y.codes());
        }
        let trees: Vec<_> = (0..4).map(|s| fit(MaxFeatures::Fraction(0.2), s).tree().clone()).collect();
        assert!(trees.iter().any(|t| t != &trees[0]), "the seed changes the drawn features");
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y) = load("iris");
        let y = Labels::from_strings(&y);
        let err = |p: DecisionTreeClassifier| p.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err(DecisionTreeClassifier { max_depth: Some(0), ..Default::default() }).contains("max_depth"));
        let e = err(DecisionTreeClassifier { min_samples_split: 1, ..Default::default() });
        assert!(e.contains("min_samples_split"), "{e}");
        let e = err(DecisionTreeClassifier { max_features: Some(MaxFeatures::Count(5)), ..Default::default() });
        assert!(e.contains("max_features"), "{e}");
        let e =
            err(DecisionTreeClassifier { max_features: Some(MaxFeatures::Rule("all".into())), ..Default::default() });
        assert!(e.contains("max_features"), "{e}");
        let e = err(DecisionTreeClassifier { max_leaf_nodes: Some(1), ..Default::default() });
        assert!(e.contains("max_leaf_nodes"), "{e}");
        let mut bad = x.clone();
        bad[[3, 2]] = f64::INFINITY;
        let e = DecisionTreeClassifier::default().fit(bad.view(), &y).unwrap_err().to_string();
        assert!(e.contains("infinity"), "{e}");
        let m = DecisionTreeClassifier::default().fit(x.view(), &y).unwrap();
        let e = m.predict(bad.view()).unwrap_err().to_string();
        assert!(e.contains("infinity"), "{e}");
        let e = err(DecisionTreeClassifier { ccp_alpha: -1.0, ..Default::default() });
        assert!(e.contains("ccp_alpha"), "{e}");
        let e = err(DecisionTreeClassifier {
            class_weight: Some(ClassWeight::Preset("balanced_subsample".into())),
            ..Default::default()
        });
        assert!(e.contains("class_weight"), "{e}");
        let e = err(DecisionTreeClassifier { splitter: "worst".into(), ..Default::default() });
        assert!(e.contains("splitter"), "{e}");
        let e = m.predict_proba(x.slice(ndarray::s![.., ..3]).view()).unwrap_err().to_string();
        assert!(e.contains("X has 3 features, but DecisionTreeClassifier is expecting 4 features"), "{e}");
        let e = DecisionTreeClassifier::default().fit(x.slice(ndarray::s![..10, ..]), &y).unwrap_err().to_string();
        assert!(e.contains("inconsistent numbers of samples"), "{e}");
    }

    #[test]
    fn parameters_parse_as_in_scikit_learn() {
        let mut m = serde_json::Map::new();
        m.insert("max_features".into(), serde_json::json!("sqrt"));
        m.insert("max_depth".into(), serde_json::json!(3));
        let p = DecisionTreeClassifier::from_json(&m).unwrap();
        assert_eq!(p.max_features, Some(MaxFeatures::Rule("sqrt".into())));
        m.insert("max_features".into(), serde_json::json!(0.5));
        assert_eq!(DecisionTreeClassifier::from_json(&m).unwrap().max_features, Some(MaxFeatures::Fraction(0.5)));
        m.insert("max_features".into(), serde_json::json!(2));
        assert_eq!(DecisionTreeClassifier::from_json(&m).unwrap().max_features, Some(MaxFeatures::Count(2)));
        m.insert("max_depth".into(), serde_json::json!(0));
        assert!(DecisionTreeClassifier::from_json(&m).unwrap_err().to_string().contains("max_depth"));
    }

    /// Fits `params` on `x`, `y` (weights `w`) and compares with scikit-learn's tree and its probabilities of `probes`.
    fn expect_fit(
        params: DecisionTreeClassifier,
        x: &Array2<f64>,
        y: &Labels,
        w: Option<&[f64]>,
        probes: &Array2<f64>,
        want: Want<'_>,
    ) {
        let m = params.fit_weighted(x.view(), y, w).unwrap();
        let p = m.predict_proba(probes.view()).unwrap();
        expect(m.tree(), m.feature_importances(), p.as_slice().unwrap(), &want);
    }

    fn labelled(name: &str) -> (Array2<f64>, Labels) {
        let (x, y) = load(name);
        (x, Labels::from_strings(&y))
    }

    #[test]
    fn class_weight_matches_scikit_learn() {
        let (x, y) = labelled("wine");
        let p = probes("wine", &x);
        let params = |cw: ClassWeight| DecisionTreeClassifier {
            class_weight: Some(cw),
            max_depth: Some(3),
            ..Default::default()
        };
        let balanced = || ClassWeight::Preset("balanced".into());
        // DecisionTreeClassifier(class_weight='balanced', max_depth=3, random_state=14).fit(X, y) on wine
        // (random_state=14: of the splits of a pure node (impurity 5.6e-16 from rounding), the one this tree takes)
        expect_fit(
            params(balanced()),
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (13, 3, 7),
                threshold: &[
                    1.399999976158142,
                    3.7249999046325684,
                    -2.0,
                    1.2649999856948853,
                    -2.0,
                    -2.0,
                    724.5,
                    0.6399999856948853,
                    -2.0,
                    -2.0,
                    3.4600000381469727,
                    -2.0,
                    -2.0,
                ],
                feature: &[6, 9, -2, 1, -2, -2, 12, 10, -2, -2, 9, -2, -2],
                missing_go_to_left: &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                importances: &[
                    0.0,
                    2.7636057602971504e-16,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.4060031592995573,
                    0.0,
                    0.0,
                    0.17939542117288057,
                    0.020241605721346912,
                    0.0,
                    0.39435981380621504,
                ],
                predictions: &[
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.020675596971461842,
                    0.9793244030285382,
                    0.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                ],
            },
        );
        // DecisionTreeClassifier(class_weight={'class_0': 1.0, 'class_1': 3.0}, max_depth=3, random_state=0).fit(X, y)
        let map = [("class_0".to_string(), 1.0), ("class_1".to_string(), 3.0)].into_iter().collect();
        expect_fit(
            params(ClassWeight::Map(map)),
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (11, 3, 6),
                threshold: &[
                    3.9450000524520874,
                    987.5,
                    1.4699999690055847,
                    -2.0,
                    -2.0,
                    -2.0,
                    1.399999976158142,
                    -2.0,
                    679.0,
                    -2.0,
                    -2.0,
                ],
                feature: &[9, 12, 11, -2, -2, -2, 6, -2, 12, -2, -2],
                missing_go_to_left: &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                importances: &[
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.28808532974576734,
                    0.0,
                    0.0,
                    0.4203440152906911,
                    0.0,
                    0.012760975381387584,
                    0.27880967958215386,
                ],
                predictions: &[
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.0,
                    0.9642857142857143,
                    0.03571428571428571,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.010638297872340425,
                    0.9893617021276596,
                    0.0,
                    0.0,
                    0.9642857142857143,
                    0.03571428571428571,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                ],
            },
        );
        // the same 'balanced' with sample_weight=np.arange(178) % 4 + 1.0 (class counts stay unweighted)
        let w: Vec<f64> = (0..178).map(|i| (i % 4) as f64 + 1.0).collect();
        expect_fit(
            params(balanced()),
            &x,
            &y,
            Some(&w),
            &p,
            Want {
                shape: (13, 3, 7),
                threshold: &[
                    2.190000057220459,
                    3.8249999284744263,
                    -2.0,
                    1.5800000429153442,
                    -2.0,
                    -2.0,
                    755.0,
                    13.174999713897705,
                    -2.0,
                    -2.0,
                    3.434999942779541,
                    -2.0,
                    -2.0,
                ],
                feature: &[11, 9, -2, 6, -2, -2, 12, 0, -2, -2, 9, -2, -2],
                missing_go_to_left: &[0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0],
                importances: &[
                    0.013708076467833305,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.022892204243485363,
                    0.0,
                    0.0,
                    0.13724599660281858,
                    0.0,
                    0.42571777980982795,
                    0.4004359428760348,
                ],
                predictions: &[
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.9828637815858262,
                    0.0,
                    0.0171362184141737,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.4292623941958888,
                    0.5707376058041113,
                    0.0,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.9893184895441552,
                    0.010681510455844744,
                    0.0,
                    0.011424491253123876,
                    0.988575508746876,
                    0.0,
                    0.011424491253123876,
                    0.988575508746876,
                    0.0,
                    0.011424491253123876,
                    0.988575508746876,
                    0.0,
                    0.011424491253123876,
                    0.988575508746876,
                    0.0,
                    0.011424491253123876,
                    0.988575508746876,
                ],
            },
        );
    }

    #[test]
    fn cost_complexity_pruning_matches_scikit_learn() {
        let (x, y) = labelled("iris");
        // p = DecisionTreeClassifier(random_state=1).cost_complexity_pruning_path(X, y) on iris
        let (alphas, impurities) =
            DecisionTreeClassifier::default().cost_complexity_pruning_path(x.view(), &y, None).unwrap();
        close(
            &alphas,
            &[
                0.0,
                0.006521739130434777,
                0.008888888888888889,
                0.013055555555555572,
                0.02966049382716049,
                0.25979602791196993,
                0.3333333333333334,
            ],
            1e-12,
        );
        close(
            &impurities,
            &[
                0.0,
                0.013043478260869554,
                0.030821256038647334,
                0.043876811594202904,
                0.07353730542136339,
                0.3333333333333333,
                0.6666666666666667,
            ],
            1e-12,
        );
        // DecisionTreeClassifier(random_state=1, ccp_alpha=0.02).fit(X, y)
        let params = DecisionTreeClassifier { ccp_alpha: 0.02, ..Default::default() };
        expect_fit(
            params,
            &x,
            &y,
            None,
            &probes("iris", &x),
            Want {
                shape: (7, 3, 4),
                threshold: &[0.800000011920929, -2.0, 1.75, 4.950000047683716, -2.0, -2.0, -2.0],
                feature: &[3, -2, 3, 2, -2, -2, -2],
                missing_go_to_left: &[0, 0, 1, 1, 0, 0, 0],
                importances: &[0.0, 0.0, 0.04762520388793004, 0.9523747961120699],
                predictions: &[
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.0,
                    0.9791666666666666,
                    0.020833333333333332,
                    0.0,
                    0.9791666666666666,
                    0.020833333333333332,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.9791666666666666,
                    0.020833333333333332,
                    0.0,
                    0.9791666666666666,
                    0.020833333333333332,
                    0.0,
                    0.9791666666666666,
                    0.020833333333333332,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.3333333333333333,
                    0.6666666666666666,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.3333333333333333,
                    0.6666666666666666,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
                    0.0,
                    0.021739130434782608,
                    0.9782608695652174,
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
        // X[::5, 2] = X[1::7, 3] = X[::11, 0] = nan; P = X[::7] + 0.11; P[::3, 2] = P[1::4, 3] = nan (iris)
        let (mut x, y) = labelled("iris");
        nan_rows(&mut x, 0, 5, 2);
        nan_rows(&mut x, 1, 7, 3);
        nan_rows(&mut x, 0, 11, 0);
        let mut p = probes("iris", &x);
        nan_rows(&mut p, 0, 3, 2);
        nan_rows(&mut p, 1, 4, 3);
        // DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
        let params = DecisionTreeClassifier { max_depth: Some(3), ..Default::default() };
        expect_fit(
            params,
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (9, 3, 5),
                threshold: &[0.75, -2.0, 1.75, 2.300000011920929, -2.0, -2.0, 5.950000047683716, -2.0, -2.0],
                feature: &[3, -2, 3, 2, -2, -2, 0, -2, -2],
                missing_go_to_left: &[0, 0, 1, 0, 0, 0, 0, 0, 0],
                importances: &[0.004384762948753098, 0.0, 0.1131540120304165, 0.8824612250208304],
                predictions: &[
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.0,
                    0.0,
                    1.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                    0.0,
                    0.0,
                    1.0,
                    0.016666666666666666,
                    0.8166666666666667,
                    0.16666666666666666,
                ],
            },
        );
        // DecisionTreeClassifier(random_state=14).fit(X, y) (of the tied splits, the ones this tree takes): a split sends only the missing values right (threshold inf)
        expect_fit(
            DecisionTreeClassifier::default(),
            &x,
            &y,
            None,
            &p,
            Want {
                shape: (31, 11, 16),
                threshold: &[
                    0.75,
                    -2.0,
                    1.75,
                    2.300000011920929,
                    -2.0,
                    4.950000047683716,
                    3.9000000953674316,
                    f64::INFINITY,
                    -2.0,
                    4.299999952316284,
                    -2.0,
                    4.700000047683716,
                    2.700000047683716,
                    -2.0,
                    6.450000047683716,
                    -2.0,
                    6.950000047683716,
                    -2.0,
                    -2.0,
                    -2.0,
                    -2.0,
                    1.550000011920929,
                    -2.0,
                    6.599999904632568,
                    -2.0,
                    -2.0,
                    5.950000047683716,
                    f64::INFINITY,
                    -2.0,
                    -2.0,
                    -2.0,
                ],
                feature: &[
                    3, -2, 3, 2, -2, 2, 1, 3, -2, 2, -2, 2, 1, -2, 0, -2, 0, -2, -2, -2, -2, 3, -2, 0, -2, -2, 0, 2,
                    -2, -2, -2,
                ],
                missing_go_to_left: &[
                    0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                ],
                importances: &[0.03184552845528456, 0.0275019607843137, 0.20325965537730248, 0.7373928553830992],
                predictions: &[
                    1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0,
                    0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0,
                    0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0,
                    0.0, 0.0, 1.0, 0.0, 0.0, 1.0,
                ],
            },
        );
    }

    #[test]
    fn the_random_splitter_is_extra_trees() {
        // splitter="random": one uniform threshold per drawn feature. scikit-learn 1.9.1,
        // DecisionTreeClassifier(splitter='random', random_state=s).fit(X, y) on iris grows a pure
        // tree (training accuracy 1.0) of 19 to 43 nodes for s in 0..20; the draws are ironlearn's.
        let (x, y) = labelled("iris");
        let p = |seed| DecisionTreeClassifier { splitter: "random".into(), random_state: seed, ..Default::default() };
        let a = p(0).fit(x.view(), &y).unwrap();
        assert_eq!(a, p(0).fit(x.view(), &y).unwrap());
        assert_ne!(a.tree(), p(1).fit(x.view(), &y).unwrap().tree());
        assert_eq!(a.predict(x.view()).unwrap().codes(), y.codes());
        assert!((15..=45).contains(&a.tree().node_count()), "{}", a.tree().node_count());
        let best = DecisionTreeClassifier::default().fit(x.view(), &y).unwrap();
        assert!(a.tree().node_count() > best.tree().node_count());
        // Missing values are taken by the random splitter too.
        let mut nan = x.clone();
        nan_rows(&mut nan, 0, 4, 2);
        let m = p(3).fit(nan.view(), &y).unwrap();
        assert_eq!(m.predict(nan.view()).unwrap().codes(), y.codes());
    }
}
