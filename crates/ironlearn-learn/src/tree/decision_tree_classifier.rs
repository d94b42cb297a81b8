//! A decision tree classifier, grown as scikit-learn grows it.
//!
//! Trees are the base of the forests and the reference point for boosted
//! ones; users compare them with scikit-learn's node by node, so the growth
//! rules, the thresholds and the tie-free choices are scikit-learn's, and the
//! fitted tree is kept as its flat node arrays (see [`Tree`]).

use ironlearn_core::validate::{argmax, check_not_empty, check_sample_weight};
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    PredictProba, Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::builder::{build, resolve_settings, Columns, MaxFeatures, Tree};
use super::criterion::ClassCriterion;
use super::export::{export_text, TextOptions};

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
    #[tags(task = Some(Task::Classification), sample_weight, predict_proba)]
    pub struct DecisionTreeClassifier {
        /// The impurity a split lowers: "gini", or "entropy" (also called "log_loss").
        criterion: String = "gini".into(), domain(Domain::choice(&["gini", "entropy", "log_loss"]));
        /// How a node's split is chosen: "best" (the best threshold of every drawn feature).
        splitter: String = "best".into(), domain(Domain::choice(&["best"]));
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

impl Fit<Labels> for DecisionTreeClassifier {
    type Fitted = DecisionTreeClassifierModel;

    fn fit_weighted(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
    ) -> Result<DecisionTreeClassifierModel> {
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
        let columns = Columns::new(x)?;
        let total_weight = w.map_or(x.nrows() as f64, |w| w.iter().sum());
        let settings = resolve_settings(
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
        let mut crit = ClassCriterion::new(y.codes(), w, y.n_classes(), self.criterion != "gini");
        let tree = build(&columns, w, &mut crit, &settings)?;
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
    use crate::tree::testdata::{close, load, probes};

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
        bad[[3, 2]] = f64::NAN;
        let e = DecisionTreeClassifier::default().fit(bad.view(), &y).unwrap_err().to_string();
        assert!(e.contains("NaN") && e.contains("missing values"), "{e}");
        let m = DecisionTreeClassifier::default().fit(x.view(), &y).unwrap();
        let e = m.predict(bad.view()).unwrap_err().to_string();
        assert!(e.contains("NaN"), "{e}");
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
}
