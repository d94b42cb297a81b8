//! Classification by a vote of the nearest training rows.
//!
//! The model is the training data itself: nothing is learned, every
//! prediction searches it (see [`super::search`]). That makes it the
//! baseline for "how far does similarity alone go", and scikit-learn's
//! `KNeighborsClassifier` is the reference it must match, vote for vote.

use ironlearn_core::validate::{argmax, check_fit_input};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict, PredictProba,
    Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;
use super::search::{build_tree, fit_method, weights, Metric, Query};

hyperparams! {
    /// k-nearest-neighbours classification: the (weighted) vote of the
    /// `n_neighbors` nearest training rows, as scikit-learn's `KNeighborsClassifier`.
    ///
    /// The search is a kd-tree, a ball tree or brute force, chosen as
    /// scikit-learn chooses (`algorithm`); all give the same exact neighbours,
    /// ties in distance going to the lower training row.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict, PredictProba};
    /// use ironlearn_learn::KNeighborsClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Labels::from_strings(&["a", "a", "b", "b"]);
    /// let model = KNeighborsClassifier { n_neighbors: 3, ..Default::default() }.fit(x.view(), &y)?;
    /// assert_eq!(model.predict(array![[1.1]].view())?.to_strings(), ["a"]);
    /// // scikit-learn: KNeighborsClassifier(3).fit(x, y).predict_proba([[1.1]]) == [[2/3, 1/3]]
    /// assert_eq!(model.predict_proba(array![[1.1]].view())?.row(0).to_vec(), [2.0 / 3.0, 1.0 / 3.0]);
    /// let (dist, ind) = model.kneighbors(Some(array![[1.1]].view()), Some(2))?;
    /// assert_eq!(ind.row(0).to_vec(), [1, 2]); // scikit-learn: kneighbors([[1.1]], 2) == ([[0.1, 0.9]], [[1, 2]])
    /// assert!((dist[[0, 0]] - 0.1).abs() < 1e-12);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "k_neighbors_classifier"]
    #[aliases("knn_classifier", "kneighbors_classifier")]
    #[tags(task = Some(Task::Classification), neighbors, predict_proba, wants_scaling)]
    pub struct KNeighborsClassifier {
        /// The number of neighbours that vote.
        n_neighbors: usize = 5, domain(Domain::int_min(1));
        /// "uniform" (every neighbour votes 1) or "distance" (votes weighted by inverse distance; a
        /// neighbour at distance zero takes the whole vote, shared with any other at zero).
        weights: String = "uniform".into(), domain(Domain::choice(&["uniform", "distance"]));
        /// The search: "kd_tree" or "ball_tree" (built at fit and saved in the model file), "brute", or
        /// "auto" (a kd-tree for at most 15 columns, `n_neighbors` below half the training rows and a
        /// metric a tree serves, else brute force, as scikit-learn). Every choice gives the same exact
        /// neighbours.
        algorithm: String = "auto".into(), domain(Domain::choice(&["auto", "ball_tree", "kd_tree", "brute"]));
        /// The trees' leaf size (rows per leaf, between `leaf_size` and `2 * leaf_size`): speed only.
        leaf_size: usize = 30, domain(Domain::int_min(1));
        /// The power of the Minkowski metric (2 is euclidean, 1 manhattan). Below 1 it is no metric:
        /// brute force only, as scikit-learn.
        p: f64 = 2.0, domain(Domain::Float { min: Some(0.0), max: None, min_open: true, max_open: false, log: false });
        /// The distance: "minkowski" (with `p`), "euclidean" ("l2"), "manhattan" ("l1", "cityblock"),
        /// "chebyshev" ("infinity") or "cosine" (brute force only, as scikit-learn).
        metric: String = "minkowski".into(), domain(Domain::choice(Metric::NAMES));
        /// Threads over blocks of query rows: None or -1 all, -2 all but one, k > 0 exactly k.
        /// Results do not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`KNeighborsClassifier`]: the training rows and their classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KNeighborsClassifierModel {
    params: KNeighborsClassifier,
    classes: Vec<String>,
    effective_metric: String,
    n_samples_fit: usize,
    #[serde(rename = "_fit_X")]
    fit_x: Array2<f64>,
    /// The search: "kd_tree", "ball_tree" or "brute".
    #[serde(rename = "_fit_method", default = "super::search::brute")]
    fit_method: String,
    /// The kd-tree over `fit_x` when `fit_method` is "kd_tree", built at fit.
    #[serde(rename = "_tree", default)]
    tree: Option<KdTree>,
    /// The ball tree over `fit_x` when `fit_method` is "ball_tree", built at fit.
    #[serde(rename = "_ball_tree", default)]
    ball_tree: Option<BallTree>,
    /// The class code of each training row.
    #[serde(rename = "_y")]
    y: Vec<u32>,
}

impl KNeighborsClassifierModel {
    fn query(&self) -> Query<'_> {
        Query {
            estimator: "KNeighborsClassifier",
            fit_x: self.fit_x.view(),
            metric: Metric::new(&self.params.metric, self.params.p),
            n_jobs: self.params.n_jobs,
            tree: self.tree.as_ref(),
            ball: self.ball_tree.as_ref(),
        }
    }

    /// The nearest training rows of each row of `x` as scikit-learn's
    /// `kneighbors`: distances and training-row indices, nearest first.
    /// `n_neighbors` defaults to the parameter; with `x` None, the
    /// neighbours of each training row but itself.
    pub fn kneighbors(
        &self,
        x: Option<ArrayView2<'_, f64>>,
        n_neighbors: Option<usize>,
    ) -> Result<(Array2<f64>, Array2<usize>)> {
        self.query().kneighbors_of(x, n_neighbors.unwrap_or(self.params.n_neighbors))
    }

    /// The search the model uses: "kd_tree", "ball_tree" or "brute".
    pub fn fit_method(&self) -> &str {
        &self.fit_method
    }

    /// The training rows the model searches.
    pub fn fit_x(&self) -> &Array2<f64> {
        &self.fit_x
    }
}

impl Fit<Labels> for KNeighborsClassifier {
    type Fitted = KNeighborsClassifierModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &Labels, w: Option<&[f64]>) -> Result<KNeighborsClassifierModel> {
        self.validate()?;
        ironlearn_core::ensure!(
            w.is_none(),
            Unsupported,
            "KNeighborsClassifier does not use sample weights; fit it without sample_weight"
        );
        check_fit_input(x, y.len())?;
        let metric = Metric::new(&self.metric, self.p);
        let method = fit_method(&self.algorithm, metric, x.ncols(), x.nrows(), Some(self.n_neighbors))?;
        let tree = build_tree(method, x, self.leaf_size, metric);
        Ok(KNeighborsClassifierModel {
            fit_method: method.into(),
            tree: tree.kd,
            ball_tree: tree.ball,
            params: self.clone(),
            classes: y.classes().to_vec(),
            effective_metric: metric.name().into(),
            n_samples_fit: x.nrows(),
            fit_x: x.to_owned(),
            y: y.codes().to_vec(),
        })
    }
}

impl PredictProba for KNeighborsClassifierModel {
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let (dist, ind) = self.kneighbors(Some(x), None)?;
        let w = weights(&dist, &self.params.weights);
        let mut proba = Array2::zeros((x.nrows(), self.classes.len()));
        for (i, mut row) in proba.rows_mut().into_iter().enumerate() {
            for (j, &t) in ind.row(i).iter().enumerate() {
                row[self.y[t] as usize] += w.as_ref().map_or(1.0, |w| w[[i, j]]);
            }
            let total = row.sum();
            if total != 0.0 {
                row /= total;
            }
        }
        Ok(proba)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }
}

impl Predict for KNeighborsClassifierModel {
    type Output = Labels;

    /// The class with the largest (weighted) vote; the first class of equal votes, as scikit-learn.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let proba = self.predict_proba(x)?;
        let codes = proba.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect();
        Labels::new(self.classes.clone(), codes)
    }
}

impl Learn for KNeighborsClassifier {
    type Model = KNeighborsClassifierModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<KNeighborsClassifierModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for KNeighborsClassifierModel {
    type Estimator = KNeighborsClassifier;

    fn n_features_in(&self) -> usize {
        self.fit_x.ncols()
    }

    fn kneighbors_data(
        &self,
        x: Option<Features<'_>>,
        n_neighbors: Option<usize>,
    ) -> Result<ironlearn_core::Neighbors> {
        let x = x.map(|f| f.to_dense()).transpose()?;
        self.kneighbors(x.as_ref().map(|x| x.view()), n_neighbors)
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

register!(KNeighborsClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbors::jittered_iris;
    use ndarray::array;

    fn fit(metric: &str, p: f64, weights: &str) -> (KNeighborsClassifierModel, Array2<f64>) {
        let (x, y, test) = jittered_iris();
        let params = KNeighborsClassifier {
            n_neighbors: 7,
            weights: weights.into(),
            metric: metric.into(),
            p,
            ..Default::default()
        };
        (params.fit(x.view(), &Labels::from_strings(&y)).unwrap(), test)
    }

    /// (metric, p, weights, predicted class codes of the 50 test rows, some probability rows)
    type Case = (&'static str, f64, &'static str, &'static str, &'static [(usize, [f64; 3])]);

    // scikit-learn 1.9.1, on `jittered_iris()` (train, y, test):
    //   m = KNeighborsClassifier(n_neighbors=7, weights=w, metric=metric, p=p, algorithm="brute").fit(train, y)
    //   m.predict(test), m.predict_proba(test)[rows]   (algorithm="auto", "kd_tree", "ball_tree" give the same)
    const CASES: &[Case] = &[
        (
            "minkowski",
            2.0,
            "uniform",
            "00000000000000000111111111111111112222222222221222",
            &[
                (21, [0.0, 0.7142857142857143, 0.2857142857142857]),
                (24, [0.0, 0.5714285714285714, 0.42857142857142855]),
                (28, [0.0, 0.8571428571428571, 0.14285714285714285]),
            ],
        ),
        (
            "minkowski",
            2.0,
            "distance",
            "00000000000000000111111111111111112222222222222222",
            &[
                (21, [0.0, 0.8064939901949838, 0.19350600980501628]),
                (24, [0.0, 0.5148034481440501, 0.48519655185594995]),
                (28, [0.0, 0.8897380260113228, 0.1102619739886773]),
            ],
        ),
        (
            "manhattan",
            2.0,
            "uniform",
            "00000000000000000111111111111111112222222222221222",
            &[
                (18, [0.0, 0.8571428571428571, 0.14285714285714285]),
                (21, [0.0, 0.7142857142857143, 0.2857142857142857]),
                (24, [0.0, 0.5714285714285714, 0.42857142857142855]),
            ],
        ),
        (
            "manhattan",
            2.0,
            "distance",
            "00000000000000000111111121111111112222222222221222",
            &[
                (18, [0.0, 0.8748061185701691, 0.12519388142983084]),
                (21, [0.0, 0.8236411075509245, 0.1763588924490755]),
                (24, [0.0, 0.4539295321520218, 0.5460704678479782]),
            ],
        ),
        (
            "minkowski",
            3.0,
            "uniform",
            "00000000000000000111111111111111112222222222222222",
            &[
                (21, [0.0, 0.7142857142857143, 0.2857142857142857]),
                (24, [0.0, 0.5714285714285714, 0.42857142857142855]),
                (28, [0.0, 0.8571428571428571, 0.14285714285714285]),
            ],
        ),
        (
            "minkowski",
            3.0,
            "distance",
            "00000000000000000111111111111111112222222222222222",
            &[
                (21, [0.0, 0.8059083247746874, 0.19409167522531254]),
                (24, [0.0, 0.5368076453098464, 0.4631923546901538]),
                (28, [0.0, 0.8886694801500848, 0.11133051984991511]),
            ],
        ),
        (
            "cosine",
            2.0,
            "uniform",
            "00000000000000000111111121111111112222222222222222",
            &[
                (21, [0.0, 0.8571428571428571, 0.14285714285714285]),
                (22, [0.0, 0.7142857142857143, 0.2857142857142857]),
                (24, [0.0, 0.2857142857142857, 0.7142857142857143]),
            ],
        ),
        (
            "cosine",
            2.0,
            "distance",
            "00000000000000000111111121111111112222222222222222",
            &[
                (21, [0.0, 0.9236428607139466, 0.07635713928605349]),
                (22, [0.0, 0.7674942747130422, 0.2325057252869579]),
                (24, [0.0, 0.2860976362191852, 0.7139023637808148]),
            ],
        ),
        (
            "chebyshev",
            2.0,
            "uniform",
            "00000000000000000111111111111111112222222222222222",
            &[
                (18, [0.0, 0.8571428571428571, 0.14285714285714285]),
                (21, [0.0, 0.5714285714285714, 0.42857142857142855]),
                (24, [0.0, 0.5714285714285714, 0.42857142857142855]),
            ],
        ),
        (
            "chebyshev",
            2.0,
            "distance",
            "00000000000000000111111111111111112222222222222222",
            &[
                (18, [0.0, 0.8962977531597833, 0.10370224684021673]),
                (21, [0.0, 0.7250184502683634, 0.2749815497316367]),
                (24, [0.0, 0.5600808628417989, 0.4399191371582011]),
            ],
        ),
    ];

    #[test]
    fn predictions_and_probabilities_match_scikit_learn() {
        for &(metric, p, weights, classes, rows) in CASES {
            let (model, test) = fit(metric, p, weights);
            // Every search the metric allows gives the same probabilities (scikit-learn: the same for these data).
            for algorithm in ["brute", "kd_tree", "ball_tree"].into_iter().filter(|_| metric != "cosine") {
                let params = KNeighborsClassifier { algorithm: algorithm.into(), ..model.params.clone() };
                let (x, y, _) = jittered_iris();
                let other = params.fit(x.view(), &Labels::from_strings(&y)).unwrap();
                assert_eq!(other.fit_method(), algorithm);
                assert_eq!(other.predict_proba(test.view()).unwrap(), model.predict_proba(test.view()).unwrap());
            }
            let codes: String = model.predict(test.view()).unwrap().codes().iter().map(|c| c.to_string()).collect();
            assert_eq!(codes, classes, "{metric} p={p} {weights}");
            let proba = model.predict_proba(test.view()).unwrap();
            for (r, want) in rows {
                for (got, want) in proba.row(*r).iter().zip(want) {
                    assert!((got - want).abs() < 1e-9, "{metric} p={p} {weights} row {r}: {got} vs {want}");
                }
            }
            // Rows of the probability sum to one; the prediction is their argmax.
            assert!(proba.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
        }
        assert_eq!(PredictProba::classes(&fit("minkowski", 2.0, "uniform").0), ["setosa", "versicolor", "virginica"]);
    }

    #[test]
    fn kneighbors_match_scikit_learn() {
        // scikit-learn 1.9.1: KNeighborsClassifier(metric=metric, p=p, algorithm="brute")
        //   .fit(train, y).kneighbors(test[:2], 4)
        type Found = (&'static str, f64, [[usize; 4]; 2], [[f64; 4]; 2]);
        let cases: [Found; 4] = [
            (
                "minkowski",
                2.0,
                [[11, 2, 18, 4], [31, 19, 1, 5]],
                [
                    [0.09823707511866636, 0.14138052440904877, 0.1418236348742484, 0.17357907865319097],
                    [0.14152977665037303, 0.17346624596489946, 0.2454914324017178, 0.297133743618014],
                ],
            ),
            (
                "manhattan",
                2.0,
                [[11, 2, 18, 32], [31, 19, 22, 1]],
                [
                    [0.10140354419245876, 0.20047824242899176, 0.2037468991296191, 0.2987891609400871],
                    [0.20069552183776848, 0.30066608235806064, 0.3062749706899453, 0.40175606931821006],
                ],
            ),
            (
                "minkowski",
                3.0,
                [[11, 2, 18, 4], [31, 19, 1, 5]],
                [
                    [0.09821786148417298, 0.12595660046663965, 0.12633765877576755, 0.14453821187775842],
                    [0.12608849019682797, 0.14444232491963171, 0.21581846780074038, 0.2547590376217451],
                ],
            ),
            (
                "cosine",
                2.0,
                [[6, 1, 11, 25], [5, 19, 4, 7]],
                [
                    [5.419785472748906e-06, 1.1865607025596248e-05, 0.00011971905451124698, 0.00015780600951775803],
                    [5.950606554216975e-05, 6.326019820002138e-05, 0.0002292778128558659, 0.00025663895813776705],
                ],
            ),
        ];
        for (metric, p, ind, dist) in cases {
            let (model, test) = fit(metric, p, "uniform");
            let (d, i) = model.kneighbors(Some(test.slice(ndarray::s![..2, ..])), Some(4)).unwrap();
            assert_eq!(i, Array2::from(ind.to_vec()), "{metric} p={p}");
            for (got, want) in d.iter().zip(dist.as_flattened()) {
                // scikit-learn's own euclidean distances come from ||a||² + ||b||² - 2a·b.
                assert!((got - want).abs() < 1e-9 * want.max(1e-3), "{metric} p={p}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn zero_distances_take_the_whole_vote() {
        // scikit-learn: KNeighborsClassifier(3, weights="distance").fit([[0], [0], [1], [2]], list("abba"))
        //   .predict_proba([[0], [0.5]]) == [[0.5, 0.5], [1/3, 2/3]]
        let x = array![[0.0], [0.0], [1.0], [2.0]];
        let y = Labels::from_strings(&["a", "b", "b", "a"]);
        let params = KNeighborsClassifier { n_neighbors: 3, weights: "distance".into(), ..Default::default() };
        let proba = params.fit(x.view(), &y).unwrap().predict_proba(array![[0.0], [0.5]].view()).unwrap();
        assert_eq!(proba, array![[0.5, 0.5], [1.0 / 3.0, 2.0 / 3.0]]);
        // A training row asked again: its own class only (scikit-learn: [[0, 1, 0]] on iris row 60 of train).
        let (model, _) = fit("minkowski", 2.0, "distance");
        let row = model.fit_x().slice(ndarray::s![60..61, ..]).to_owned();
        assert_eq!(model.predict_proba(row.view()).unwrap().row(0).to_vec(), [0.0, 1.0, 0.0]);
        assert_eq!(model.kneighbors(Some(row.view()), Some(3)).unwrap().1.row(0).to_vec(), [60, 48, 64]);
    }

    #[test]
    fn bad_input_is_refused_with_scikit_learns_messages() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]];
        let y = Labels::from_strings(&["a", "b", "a"]);
        let model = KNeighborsClassifier::default().fit(x.view(), &y).unwrap();
        let err = model.predict(x.view()).unwrap_err().to_string();
        assert!(
            err.contains(
                "Expected n_neighbors <= n_samples_fit, but n_neighbors = 5, n_samples_fit = 3, n_samples = 3"
            ),
            "{err}"
        );
        let err = model.kneighbors(Some(x.view()), Some(0)).unwrap_err().to_string();
        assert!(err.contains("Expected n_neighbors > 0. Got 0"), "{err}");
        let err = KNeighborsClassifier { n_neighbors: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("n_neighbors"), "{err}");
        let err = model.kneighbors(Some(array![[1.0, 2.0, 3.0]].view()), Some(1)).unwrap_err().to_string();
        assert!(err.contains("X has 3 features, but KNeighborsClassifier is expecting 2 features"), "{err}");
        let err = model.kneighbors(Some(array![[1.0, f64::NAN]].view()), Some(1)).unwrap_err().to_string();
        assert!(err.contains("Input X contains NaN"), "{err}");
        let bad = array![[0.0, 1.0], [f64::NAN, 0.0], [2.0, 2.0]];
        let err = KNeighborsClassifier::default().fit(bad.view(), &y).unwrap_err().to_string();
        assert!(err.contains("Input X contains NaN"), "{err}");
        let err = KNeighborsClassifier { n_jobs: Some(0), ..Default::default() }.validate().unwrap_err();
        assert!(err.to_string().contains("n_jobs"), "{err}");
    }

    #[test]
    fn the_model_file_is_the_training_data() {
        let (model, test) = fit("manhattan", 2.0, "distance");
        let parts = ironlearn_core::state::to_parts(&model).unwrap();
        let back: KNeighborsClassifierModel = ironlearn_core::state::from_parts(&parts).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.predict_proba(test.view()).unwrap(), model.predict_proba(test.view()).unwrap());
        let names: Vec<String> = Fitted::attributes(&model).into_iter().map(|(n, _)| n).collect();
        assert!(names.iter().any(|n| n.starts_with("effective_metric")), "{names:?}");
    }

    #[test]
    fn the_search_is_chosen_as_scikit_learn_chooses_and_changes_nothing() {
        // scikit-learn 1.9.1, KNeighborsClassifier(**kw).fit(train, y)._fit_method on 100 rows × 4:
        //   n_neighbors=7: "kd_tree"; metric="cosine": "brute"; n_neighbors=50: "brute"; n_neighbors=49, p=3:
        //   "kd_tree"; algorithm="ball_tree": "ball_tree"
        let (x, y, test) = jittered_iris();
        let y = Labels::from_strings(&y);
        let cases = [(7, "minkowski", 2.0, "auto", "kd_tree"), (7, "cosine", 2.0, "auto", "brute")];
        let more = [(50, "minkowski", 2.0, "auto", "brute"), (49, "minkowski", 3.0, "auto", "kd_tree")];
        for (k, metric, p, algorithm, method) in
            cases.into_iter().chain(more).chain([(7, "l1", 2.0, "ball_tree", "ball_tree")])
        {
            let params = KNeighborsClassifier {
                n_neighbors: k,
                metric: metric.into(),
                p,
                algorithm: algorithm.into(),
                ..Default::default()
            };
            let model = params.fit(x.view(), &y).unwrap();
            assert_eq!(model.fit_method(), method, "{k} {metric} {p} {algorithm}");
            let brute = KNeighborsClassifier { algorithm: "brute".into(), ..params }.fit(x.view(), &y).unwrap();
            assert_eq!(
                model.kneighbors(Some(test.view()), None).unwrap(),
                brute.kneighbors(Some(test.view()), None).unwrap()
            );
        }
    }
}
