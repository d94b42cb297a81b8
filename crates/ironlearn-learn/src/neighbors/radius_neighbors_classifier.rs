//! Classification by a vote of every training row within a fixed distance.
//!
//! Where the density of the training rows varies, a fixed number of
//! neighbours reaches far in sparse regions and stays tiny in dense ones; a
//! fixed radius instead asks "what lies this close", and can answer "nothing"
//! (an outlier), which a k-nearest vote never does. scikit-learn's
//! `RadiusNeighborsClassifier` is the reference, outliers included.

use ironlearn_core::validate::{argmax, check_fit_input};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Labels, Learn, Params, Predict,
    PredictProba, Prediction, Result, Task, TrainData,
};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;
use super::search::{build_tree, fit_method, row_weights, Metric, Query};

hyperparams! {
    /// Radius-neighbours classification: the (weighted) vote of every
    /// training row within `radius` of the query, as scikit-learn's
    /// `RadiusNeighborsClassifier`.
    ///
    /// A query with no training row within the radius is an outlier: an
    /// error with `outlier_label` None (scikit-learn's message), else it gets
    /// `outlier_label` ("most_frequent": the most frequent training class),
    /// which must be one of the training classes (scikit-learn also allows
    /// another label, with a warning; see the parameter).
    ///
    /// ```
    /// use ironlearn_core::{Fit, Labels, Predict, PredictProba};
    /// use ironlearn_learn::RadiusNeighborsClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = Labels::from_strings(&["a", "a", "b", "b"]);
    /// let params = RadiusNeighborsClassifier { radius: 1.0, ..Default::default() };
    /// let model = params.fit(x.view(), &y)?;
    /// // scikit-learn: RadiusNeighborsClassifier(radius=1.0).fit(x, y).predict_proba([[1.2]]) == [[0.5, 0.5]]
    /// assert_eq!(model.predict_proba(array![[1.2]].view())?.row(0).to_vec(), [0.5, 0.5]);
    /// assert_eq!(model.predict(array![[2.5]].view())?.to_strings(), ["b"]);
    /// let found = model.radius_neighbors(array![[1.2]].view(), None)?;
    /// assert_eq!(found[0].1, [1, 2]); // nearest first
    /// // No training row within 1.0 of 10.0, and no outlier label: scikit-learn's error.
    /// assert!(model.predict(array![[10.0]].view()).is_err());
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "radius_neighbors_classifier"]
    #[aliases("radius_neighbours_classifier")]
    #[tags(task = Some(Task::Classification), neighbors, predict_proba, wants_scaling)]
    pub struct RadiusNeighborsClassifier {
        /// The distance within which training rows vote (`<=`).
        radius: f64 = 1.0, domain(Domain::float_min(0.0));
        /// "uniform" (every neighbour votes 1) or "distance" (votes weighted by inverse distance; a
        /// neighbour at distance zero takes the whole vote, shared with any other at zero).
        weights: String = "uniform".into(), domain(Domain::choice(&["uniform", "distance"]));
        /// The search: "kd_tree" or "ball_tree" (built at fit and saved in the model file), "brute", or
        /// "auto" (a kd-tree for at most 15 columns and a metric a tree serves, else brute force, as
        /// scikit-learn). Every choice gives the same neighbours.
        algorithm: String = "auto".into(), domain(Domain::choice(&["auto", "ball_tree", "kd_tree", "brute"]));
        /// The trees' leaf size (rows per leaf, between `leaf_size` and `2 * leaf_size`): speed only.
        leaf_size: usize = 30, domain(Domain::int_min(1));
        /// The power of the Minkowski metric (2 is euclidean, 1 manhattan). Below 1 it is no metric:
        /// brute force only, as scikit-learn.
        p: f64 = 2.0, domain(Domain::Float { min: Some(0.0), max: None, min_open: true, max_open: false, log: false });
        /// The distance: "minkowski" (with `p`), "euclidean" ("l2"), "manhattan" ("l1", "cityblock"),
        /// "chebyshev" ("infinity") or "cosine" (brute force only, as scikit-learn).
        metric: String = "minkowski".into(), domain(Domain::choice(Metric::NAMES));
        /// The class of a query with no training row within `radius`: None (such a query is an error),
        /// "most_frequent" (the most frequent training class) or a class label. A label that is no
        /// training class is refused at fit (scikit-learn predicts it with a warning, and zero
        /// probabilities).
        outlier_label: Option<String> = None;
        /// Threads over query rows: None or -1 all, -2 all but one, k > 0 exactly k.
        /// Results do not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`RadiusNeighborsClassifier`]: the training rows and their classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadiusNeighborsClassifierModel {
    params: RadiusNeighborsClassifier,
    classes: Vec<String>,
    effective_metric: String,
    n_samples_fit: usize,
    /// The class of an outlier, if any: scikit-learn's `outlier_label_`.
    outlier_label: Option<String>,
    #[serde(rename = "_fit_X")]
    fit_x: Array2<f64>,
    /// The class code of each training row.
    #[serde(rename = "_y")]
    y: Vec<u32>,
    /// The search: "kd_tree", "ball_tree" or "brute".
    #[serde(rename = "_fit_method")]
    fit_method: String,
    /// The kd-tree over `fit_x` when `fit_method` is "kd_tree", built at fit.
    #[serde(rename = "_tree", default)]
    tree: Option<KdTree>,
    /// The ball tree over `fit_x` when `fit_method` is "ball_tree", built at fit.
    #[serde(rename = "_ball_tree", default)]
    ball_tree: Option<BallTree>,
}

impl RadiusNeighborsClassifierModel {
    fn query(&self) -> Query<'_> {
        Query {
            estimator: "RadiusNeighborsClassifier",
            fit_x: self.fit_x.view(),
            metric: Metric::new(&self.params.metric, self.params.p),
            n_jobs: self.params.n_jobs,
            tree: self.tree.as_ref(),
            ball: self.ball_tree.as_ref(),
        }
    }

    /// The training rows within `radius` (default: the parameter) of each
    /// row of `x`, as scikit-learn's `radius_neighbors(X, radius,
    /// sort_results=True)`: per row, distances and training-row indices,
    /// nearest first, ties by index.
    pub fn radius_neighbors(&self, x: ArrayView2<'_, f64>, radius: Option<f64>) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        self.query().radius_neighbors(x, radius.unwrap_or(self.params.radius))
    }

    /// The search the model uses: "kd_tree", "ball_tree" or "brute".
    pub fn fit_method(&self) -> &str {
        &self.fit_method
    }

    /// The class given to outliers, if any (scikit-learn's `outlier_label_`).
    pub fn outlier_label(&self) -> Option<&str> {
        self.outlier_label.as_deref()
    }

    /// The training rows the model searches.
    pub fn fit_x(&self) -> &Array2<f64> {
        &self.fit_x
    }
}

impl Fit<Labels> for RadiusNeighborsClassifier {
    type Fitted = RadiusNeighborsClassifierModel;

    fn fit_weighted(
        &self,
        x: ArrayView2<'_, f64>,
        y: &Labels,
        w: Option<&[f64]>,
    ) -> Result<RadiusNeighborsClassifierModel> {
        self.validate()?;
        ensure!(
            w.is_none(),
            Unsupported,
            "RadiusNeighborsClassifier does not use sample weights; fit it without sample_weight"
        );
        check_fit_input(x, y.len())?;
        let classes = y.classes().to_vec();
        let outlier_label = match self.outlier_label.as_deref() {
            None => None,
            Some("most_frequent") => Some(classes[argmax(y.counts().iter().map(|&c| c as f64))].clone()),
            Some(label) if classes.iter().any(|c| c == label) => Some(label.to_string()),
            Some(label) => bail!(
                Unsupported,
                "outlier_label '{label}' is not one of the training classes ({}); scikit-learn would predict it \
                 with zero probabilities, which a model's classes cannot hold here",
                classes.join(", ")
            ),
        };
        let metric = Metric::new(&self.metric, self.p);
        let method = fit_method(&self.algorithm, metric, x.ncols(), x.nrows(), None)?;
        let tree = build_tree(method, x, self.leaf_size, metric);
        Ok(RadiusNeighborsClassifierModel {
            params: self.clone(),
            classes,
            effective_metric: metric.name().into(),
            n_samples_fit: x.nrows(),
            outlier_label,
            fit_x: x.to_owned(),
            y: y.codes().to_vec(),
            fit_method: method.into(),
            tree: tree.kd,
            ball_tree: tree.ball,
        })
    }
}

impl PredictProba for RadiusNeighborsClassifierModel {
    /// The (weighted) share of each class among the neighbours; an outlier
    /// has probability 1 for the outlier label, or is an error without one.
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        let found = self.radius_neighbors(x, None)?;
        let outliers: Vec<usize> = (0..found.len()).filter(|&i| found[i].1.is_empty()).collect();
        let outlier_code = self.outlier_label.as_ref().and_then(|l| self.classes.iter().position(|c| c == l));
        if !outliers.is_empty() && outlier_code.is_none() {
            let rows: Vec<String> = outliers.iter().map(usize::to_string).collect();
            bail!(
                InvalidValue,
                "No neighbors found for test samples array([{}]), you can try using larger radius, giving a label \
                 for outliers, or considering removing them from your dataset.",
                rows.join(", ")
            );
        }
        let mut proba = Array2::zeros((x.nrows(), self.classes.len()));
        for (mut row, (dist, ind)) in proba.rows_mut().into_iter().zip(&found) {
            if ind.is_empty() {
                row[outlier_code.expect("checked above")] = 1.0;
                continue;
            }
            let w = row_weights(dist, &self.params.weights);
            for (j, &t) in ind.iter().enumerate() {
                row[self.y[t] as usize] += w.as_ref().map_or(1.0, |w| w[j]);
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

impl Predict for RadiusNeighborsClassifierModel {
    type Output = Labels;

    /// The class with the largest (weighted) vote; the first class of equal votes, as scikit-learn.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Labels> {
        let proba = self.predict_proba(x)?;
        let codes = proba.rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect();
        Labels::new(self.classes.clone(), codes)
    }
}

impl Learn for RadiusNeighborsClassifier {
    type Model = RadiusNeighborsClassifierModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<RadiusNeighborsClassifierModel> {
        self.fit_weighted(data.dense()?.view(), &*data.labels()?, data.weight)
    }
}

impl Fitted for RadiusNeighborsClassifierModel {
    type Estimator = RadiusNeighborsClassifier;

    fn n_features_in(&self) -> usize {
        self.fit_x.ncols()
    }

    fn radius_neighbors_data(
        &self,
        x: Option<Features<'_>>,
        radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        let x = x.map(|f| f.to_dense()).transpose()?;
        self.query().radius_neighbors_of(x.as_ref().map(|x| x.view()), radius.unwrap_or(self.params.radius))
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

register!(RadiusNeighborsClassifier);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbors::{jittered_iris, standardized};
    use ndarray::array;

    /// `jittered_iris()` standardised by its training rows (see [`standardized`]).
    fn iris() -> (Array2<f64>, Labels, Array2<f64>) {
        let (x, y, test) = jittered_iris();
        let (x, test) = standardized(&x, &test);
        (x, Labels::from_strings(&y), test)
    }

    fn params(metric: &str, p: f64, radius: f64, weights: &str, algorithm: &str) -> RadiusNeighborsClassifier {
        RadiusNeighborsClassifier {
            radius,
            weights: weights.into(),
            metric: metric.into(),
            p,
            algorithm: algorithm.into(),
            outlier_label: Some("most_frequent".into()),
            ..Default::default()
        }
    }

    /// (metric, p, radius, weights, predicted class codes of the 50 test rows, outlier rows, some probability rows)
    type Case = (&'static str, f64, f64, &'static str, &'static str, &'static [usize], &'static [(usize, [f64; 3])]);

    // scikit-learn 1.9.1, on `iris()` (train, y, test):
    //   m = RadiusNeighborsClassifier(radius=r, weights=w, metric=metric, p=p, outlier_label="most_frequent",
    //       algorithm="brute").fit(train, y)
    //   m.predict(test), m.predict_proba(test)[rows], rows with no neighbour in m.radius_neighbors(test)
    // (An outlier's probabilities are 1 for the outlier label, as scikit-learn documents; its fast path for
    // uniform weights with manhattan or minkowski p=3 gives zeros instead, with the warning "Outlier label
    // most_frequent is not in training classes", a scikit-learn bug; the predicted class is the same.)
    const CASES: &[Case] = &[
        (
            "minkowski",
            2.0,
            0.6,
            "uniform",
            "00000200000000000111211121111111112222222222221222",
            &[5, 20, 36, 45],
            &[(18, [0.0, 0.8, 0.2]), (21, [0.0, 0.7777777777777778, 0.2222222222222222]), (26, [0.0, 0.7, 0.3])],
        ),
        (
            "minkowski",
            2.0,
            0.6,
            "distance",
            "00000200000000000111211121111111112222222222222222",
            &[5, 20, 36, 45],
            &[
                (18, [0.0, 0.778121489487926, 0.2218785105120739]),
                (21, [0.0, 0.8221371435929549, 0.17786285640704527]),
                (26, [0.0, 0.7582172064686947, 0.24178279353130533]),
            ],
        ),
        (
            "manhattan",
            2.0,
            1.0,
            "uniform",
            "00000200000000000111211121111111112222222222221222",
            &[5, 20, 36, 45],
            &[(18, [0.0, 0.8, 0.2])],
        ),
        (
            "manhattan",
            2.0,
            1.0,
            "distance",
            "00000200000000000111211121111111112222222222222222",
            &[5, 20, 36, 45],
            &[
                (18, [0.0, 0.7467742469075604, 0.2532257530924396]),
                (21, [0.0, 0.8527164641637629, 0.1472835358362371]),
                (26, [0.0, 0.8400338432014504, 0.15996615679854953]),
            ],
        ),
        (
            "minkowski",
            3.0,
            0.5,
            "uniform",
            "00000200000000000111211121111111112222222222221222",
            &[5, 20, 36, 38, 45],
            &[(18, [0.0, 0.8, 0.2])],
        ),
        (
            "minkowski",
            3.0,
            0.5,
            "distance",
            "00000200000000000111211121111111112222222222222222",
            &[5, 20, 36, 38, 45],
            &[
                (18, [0.0, 0.7852092399780383, 0.21479076002196176]),
                (21, [0.0, 0.8677558719422998, 0.13224412805770022]),
                (26, [0.0, 0.734554068803343, 0.2654459311966571]),
            ],
        ),
        (
            "cosine",
            2.0,
            0.01,
            "uniform",
            "00000200000000000221122122212222211122222222212222",
            &[5, 17, 18, 22, 24, 25, 26, 28, 29, 30, 31, 32, 37, 38, 41, 42, 47],
            &[(34, [0.0, 0.5, 0.5])],
        ),
        (
            "cosine",
            2.0,
            0.01,
            "distance",
            "00000200000000000221122122212222211122222222212222",
            &[5, 17, 18, 22, 24, 25, 26, 28, 29, 30, 31, 32, 37, 38, 41, 42, 47],
            &[(34, [0.0, 0.5659111557153237, 0.4340888442846763])],
        ),
    ];

    #[test]
    fn predictions_and_probabilities_match_scikit_learn_with_either_search() {
        let (x, y, test) = iris();
        for &(metric, p, radius, weights, classes, outliers, rows) in CASES {
            let algorithms: &[&str] =
                if metric == "cosine" { &["brute", "auto"] } else { &["brute", "kd_tree", "auto"] };
            for &algorithm in algorithms {
                let case = format!("{metric} p={p} {weights} {algorithm}");
                let model = params(metric, p, radius, weights, algorithm).fit(x.view(), &y).unwrap();
                let auto = if metric == "cosine" { "brute" } else { "kd_tree" };
                assert_eq!(model.fit_method(), if algorithm == "auto" { auto } else { algorithm }, "{case}");
                let codes: String = model.predict(test.view()).unwrap().codes().iter().map(|c| c.to_string()).collect();
                assert_eq!(codes, classes, "{case}");
                let proba = model.predict_proba(test.view()).unwrap();
                for (r, want) in rows.iter() {
                    for (got, want) in proba.row(*r).iter().zip(want) {
                        assert!((got - want).abs() < 1e-12, "{case} row {r}: {got} vs {want}");
                    }
                }
                let found = model.radius_neighbors(test.view(), None).unwrap();
                let empty: Vec<usize> = (0..found.len()).filter(|&i| found[i].1.is_empty()).collect();
                assert_eq!(empty, outliers, "{case}");
                // An outlier gets the most frequent class (virginica, 34 of 100 rows) with probability 1.
                assert!(outliers.iter().all(|&r| proba.row(r).to_vec() == [0.0, 0.0, 1.0]), "{case}");
                assert_eq!(model.outlier_label(), Some("virginica"));
            }
        }
    }

    #[test]
    fn radius_neighbors_match_scikit_learn() {
        // scikit-learn 1.9.1: RadiusNeighborsClassifier(radius=0.6, algorithm="brute").fit(train, y)
        //   .radius_neighbors(test[:2], sort_results=True)
        let dist: [&[f64]; 2] = [
            &[
                0.13069447462318134,
                0.18996697716841285,
                0.27127873785794815,
                0.2725195654011734,
                0.27813071936214184,
                0.3694632734170787,
                0.3958200663633259,
                0.45587948929753697,
                0.47328608667930255,
                0.49558512945635264,
                0.5181312371525918,
                0.5556333363541399,
            ],
            &[
                0.24704136884928163,
                0.2768955289938797,
                0.29425937711708966,
                0.3583438846842014,
                0.37199538610589467,
                0.44457150161846953,
                0.5126370382911091,
                0.5393973700498865,
                0.5516046615208978,
                0.5761633344656969,
            ],
        ];
        let ind: [&[usize]; 2] =
            [&[11, 26, 2, 18, 4, 24, 17, 7, 13, 32, 20, 28], &[31, 19, 1, 25, 22, 0, 8, 5, 16, 23]];
        let (x, y, test) = iris();
        for algorithm in ["brute", "kd_tree"] {
            let params = RadiusNeighborsClassifier { radius: 0.6, algorithm: algorithm.into(), ..Default::default() };
            let found = params.fit(x.view(), &y).unwrap().radius_neighbors(test.slice(ndarray::s![..2, ..]), None);
            for (i, (d, k)) in found.unwrap().into_iter().enumerate() {
                assert_eq!(k, ind[i], "{algorithm} row {i}");
                assert!(d.iter().zip(dist[i]).all(|(a, b)| (a - b).abs() < 1e-12), "{algorithm} row {i}: {d:?}");
            }
        }
    }

    #[test]
    fn outliers_without_a_label_are_scikit_learns_error() {
        let (x, y, test) = iris();
        let model = RadiusNeighborsClassifier { radius: 0.6, ..Default::default() }.fit(x.view(), &y).unwrap();
        let err = model.predict(test.view()).unwrap_err().to_string();
        // scikit-learn 1.9.1 (its array repr pads the numbers: "array([ 5, 20, 36, 45])").
        assert!(
            err.contains(
                "No neighbors found for test samples array([5, 20, 36, 45]), you can try using larger radius, \
                 giving a label for outliers, or considering removing them from your dataset."
            ),
            "{err}"
        );
        // A label given: that class, probability 1.
        let params =
            RadiusNeighborsClassifier { radius: 0.6, outlier_label: Some("setosa".into()), ..Default::default() };
        let model = params.fit(x.view(), &y).unwrap();
        assert_eq!(model.predict_proba(test.view()).unwrap().row(20).to_vec(), [1.0, 0.0, 0.0]);
        assert_eq!(model.predict(test.view()).unwrap().label(45), "setosa");
        // A label that is no class cannot be a model's prediction here.
        let params = RadiusNeighborsClassifier { outlier_label: Some("daisy".into()), ..Default::default() };
        let err = params.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("outlier_label 'daisy' is not one of the training classes"), "{err}");
    }

    #[test]
    fn zero_distances_take_the_whole_vote() {
        // scikit-learn: RadiusNeighborsClassifier(1.5, weights="distance").fit([[0], [0], [1], [2]], list("abba"))
        //   .predict_proba([[0], [0.5]]) == [[0.5, 0.5], [0.4, 0.6]]
        let x = array![[0.0], [0.0], [1.0], [2.0]];
        let y = Labels::from_strings(&["a", "b", "b", "a"]);
        let params = RadiusNeighborsClassifier { radius: 1.5, weights: "distance".into(), ..Default::default() };
        let proba = params.fit(x.view(), &y).unwrap().predict_proba(array![[0.0], [0.5]].view()).unwrap();
        assert_eq!(proba.row(0).to_vec(), [0.5, 0.5]);
        assert!((proba[[1, 0]] - 0.4).abs() < 1e-12 && (proba[[1, 1]] - 0.6).abs() < 1e-12, "{proba}");
    }

    #[test]
    fn bad_input_is_refused_with_scikit_learns_messages() {
        let (x, y, _) = iris();
        let params =
            RadiusNeighborsClassifier { metric: "cosine".into(), algorithm: "kd_tree".into(), ..Default::default() };
        let err = params.fit(x.view(), &y).unwrap_err().to_string();
        assert!(
            err.contains("Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['kd_tree'])"),
            "{err}"
        );
        let model = RadiusNeighborsClassifier::default().fit(x.view(), &y).unwrap();
        let err = model.predict(array![[1.0, 2.0, 3.0]].view()).unwrap_err().to_string();
        assert!(err.contains("X has 3 features, but RadiusNeighborsClassifier is expecting 4 features"), "{err}");
        let err = model.radius_neighbors(x.view(), Some(-1.0)).unwrap_err().to_string();
        assert!(err.contains("radius"), "{err}");
        let err = RadiusNeighborsClassifier { radius: -1.0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("radius"), "{err}");
        let w = vec![1.0; x.nrows()];
        assert!(RadiusNeighborsClassifier::default().fit_weighted(x.view(), &y, Some(&w)).is_err());
    }

    #[test]
    fn the_model_file_keeps_the_tree() {
        let (x, y, test) = iris();
        let model = params("minkowski", 2.0, 0.6, "distance", "kd_tree").fit(x.view(), &y).unwrap();
        let parts = ironlearn_core::state::to_parts(&model).unwrap();
        let back: RadiusNeighborsClassifierModel = ironlearn_core::state::from_parts(&parts).unwrap();
        assert_eq!(back, model);
        assert!(back.tree.is_some());
        assert_eq!(back.predict_proba(test.view()).unwrap(), model.predict_proba(test.view()).unwrap());
        let names: Vec<String> = Fitted::attributes(&model).into_iter().map(|(n, _)| n).collect();
        assert!(names.iter().any(|n| n == "outlier_label_"), "{names:?}");
    }
}
