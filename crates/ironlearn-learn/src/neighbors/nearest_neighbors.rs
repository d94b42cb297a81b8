//! Unsupervised nearest-neighbour search: the index the other neighbour estimators are built on, by itself.
//!
//! Many uses of neighbours need no target (duplicates, density, graph
//! building, retrieval), so scikit-learn's `NearestNeighbors` exposes the
//! search alone. It shares [`super::search`] with the supervised
//! estimators: the same exact neighbours, in the same order, whichever
//! search (`algorithm`) is used.

use ironlearn_core::validate::check_fit_input;
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Features, FitContext, FitTransform, Fitted, Learn, Neighbors, Params,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;
use super::search::{build_tree, fit_method, Metric, Query};

hyperparams! {
    /// The nearest training rows of queries, as scikit-learn's
    /// `NearestNeighbors`: `fit(X)` keeps the rows (and a search tree), and
    /// the fitted model answers [`NearestNeighborsModel::kneighbors`] and
    /// [`NearestNeighborsModel::radius_neighbors`]. It has no `predict` or
    /// `transform`.
    ///
    /// Every search (`algorithm`) gives the same exact neighbours, ties in
    /// distance going to the lower training row.
    ///
    /// ```
    /// use ironlearn_core::FitTransform;
    /// use ironlearn_learn::NearestNeighbors;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [4.0]];
    /// let model = NearestNeighbors { n_neighbors: 2, ..Default::default() }.fit(x.view())?;
    /// // scikit-learn: NearestNeighbors(n_neighbors=2).fit(x).kneighbors([[1.2]]) == ([[0.2, 0.8]], [[1, 2]])
    /// let (dist, ind) = model.kneighbors(Some(array![[1.2]].view()), None)?;
    /// assert_eq!(ind.row(0).to_vec(), [1, 2]);
    /// assert!((dist[[0, 0]] - 0.2).abs() < 1e-12);
    /// // Without queries: the training rows, each without itself.
    /// let (_, ind) = model.kneighbors(None, Some(1))?;
    /// assert_eq!(ind.column(0).to_vec(), [1, 0, 1, 2]);
    /// // scikit-learn: radius_neighbors([[1.5]], 1.0) == ([[0.5, 0.5]], [[1, 2]])
    /// let (dist, ind) = model.radius_neighbors(Some(array![[1.5]].view()), Some(1.0), true)?;
    /// assert_eq!((dist[0].to_vec(), ind[0].to_vec()), (vec![0.5, 0.5], vec![1, 2]));
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "nearest_neighbors"]
    #[aliases("nearest_neighbours")]
    #[tags(task = Some(Task::Neighbors), wants_scaling, neighbors)]
    pub struct NearestNeighbors {
        /// The number of neighbours `kneighbors` finds by default.
        n_neighbors: usize = 5, domain(Domain::int_min(1));
        /// The distance `radius_neighbors` searches within by default (`<=`).
        radius: f64 = 1.0, domain(Domain::float_min(0.0));
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
        /// Threads over query rows: None or -1 all, -2 all but one, k > 0 exactly k.
        /// Results do not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// Per query row, the distances and the training-row indices of its neighbours within a radius.
pub type RadiusNeighbors = (Vec<Array1<f64>>, Vec<Array1<usize>>);

/// A fitted [`NearestNeighbors`]: the training rows and the search over them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearestNeighborsModel {
    params: NearestNeighbors,
    effective_metric: String,
    n_samples_fit: usize,
    #[serde(rename = "_fit_X")]
    fit_x: Array2<f64>,
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

impl NearestNeighborsModel {
    fn query(&self) -> Query<'_> {
        Query {
            estimator: "NearestNeighbors",
            fit_x: self.fit_x.view(),
            metric: Metric::new(&self.params.metric, self.params.p),
            n_jobs: self.params.n_jobs,
            tree: self.tree.as_ref(),
            ball: self.ball_tree.as_ref(),
        }
    }

    /// The `n_neighbors` (default: the parameter) nearest training rows of
    /// each row of `x`, as scikit-learn's `kneighbors`: distances and
    /// training-row indices, `n_queries × n_neighbors`, nearest first, ties by
    /// training row. With `x` None, the neighbours of each training row but
    /// itself.
    pub fn kneighbors(
        &self,
        x: Option<ArrayView2<'_, f64>>,
        n_neighbors: Option<usize>,
    ) -> Result<(Array2<f64>, Array2<usize>)> {
        self.query().kneighbors_of(x, n_neighbors.unwrap_or(self.params.n_neighbors))
    }

    /// The training rows within `radius` (default: the parameter; `<=`) of
    /// each row of `x`, as scikit-learn's `radius_neighbors`: per row,
    /// distances and training-row indices. With `x` None, those of each
    /// training row but itself. The rows come nearest first, ties by training
    /// row, whatever `sort_results` (scikit-learn's order without sorting is
    /// unspecified, so a sorted one is one of its answers).
    pub fn radius_neighbors(
        &self,
        x: Option<ArrayView2<'_, f64>>,
        radius: Option<f64>,
        sort_results: bool,
    ) -> Result<RadiusNeighbors> {
        let _ = sort_results;
        let found = self.query().radius_neighbors_of(x, radius.unwrap_or(self.params.radius))?;
        Ok(found.into_iter().map(|(d, i)| (Array1::from(d), Array1::from(i))).unzip())
    }

    /// The search the model uses: "kd_tree", "ball_tree" or "brute".
    pub fn fit_method(&self) -> &str {
        &self.fit_method
    }

    /// scikit-learn's `effective_metric_` ("euclidean" for minkowski with p = 2, ...).
    pub fn effective_metric(&self) -> &str {
        &self.effective_metric
    }

    /// The number of training rows (scikit-learn's `n_samples_fit_`).
    pub fn n_samples_fit(&self) -> usize {
        self.n_samples_fit
    }

    /// The training rows the model searches.
    pub fn fit_x(&self) -> &Array2<f64> {
        &self.fit_x
    }
}

impl FitTransform for NearestNeighbors {
    type Fitted = NearestNeighborsModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<NearestNeighborsModel> {
        self.validate()?;
        ensure!(w.is_none(), Unsupported, "NearestNeighbors does not use sample weights; fit it without sample_weight");
        check_fit_input(x, x.nrows())?;
        let metric = Metric::new(&self.metric, self.p);
        let method = fit_method(&self.algorithm, metric, x.ncols(), x.nrows(), Some(self.n_neighbors))?;
        let tree = build_tree(method, x, self.leaf_size, metric);
        Ok(NearestNeighborsModel {
            params: self.clone(),
            effective_metric: metric.name().into(),
            n_samples_fit: x.nrows(),
            fit_x: x.to_owned(),
            fit_method: method.into(),
            tree: tree.kd,
            ball_tree: tree.ball,
        })
    }
}

impl Learn for NearestNeighbors {
    type Model = NearestNeighborsModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<NearestNeighborsModel> {
        self.fit_weighted(data.dense()?.view(), data.weight)
    }
}

impl Fitted for NearestNeighborsModel {
    type Estimator = NearestNeighbors;

    fn n_features_in(&self) -> usize {
        self.fit_x.ncols()
    }

    fn kneighbors_data(&self, x: Option<Features<'_>>, n_neighbors: Option<usize>) -> Result<Neighbors> {
        let x = x.map(|f| f.to_dense()).transpose()?;
        self.kneighbors(x.as_ref().map(|x| x.view()), n_neighbors)
    }

    fn radius_neighbors_data(
        &self,
        x: Option<Features<'_>>,
        radius: Option<f64>,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        let x = x.map(|f| f.to_dense()).transpose()?;
        self.query().radius_neighbors_of(x.as_ref().map(|x| x.view()), radius.unwrap_or(self.params.radius))
    }
}

register!(NearestNeighbors);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbors::jittered_iris;
    use ndarray::{array, s};

    struct Case {
        metric: &'static str,
        p: f64,
        radius: f64,
        ind: [[usize; 4]; 3],
        dist: [[f64; 4]; 3],
        self_ind: [[usize; 3]; 3],
        /// sum over all training rows of `ind[i][j] * (j + 1)` of `kneighbors(None)`.
        self_weighted_sum: usize,
        radius_row0: &'static [usize],
        radius_counts: [usize; 3],
        /// Neighbours of all training rows within the radius (`radius_neighbors(None)`), and the sum of their indices.
        self_radius_count: usize,
        self_radius_index_sum: usize,
    }

    // scikit-learn 1.9.1, on `jittered_iris()` (train, _, test):
    //   m = NearestNeighbors(n_neighbors=3, radius=radius, metric=metric, p=p, algorithm="brute").fit(train)
    //   dist, ind = m.kneighbors(test[:3], 4); dn, indn = m.kneighbors(None)
    //   self_weighted_sum = (indn * np.arange(1, 4)).sum()
    //   rd, ri = m.radius_neighbors(test[:3], sort_results=True); rdn, rin = m.radius_neighbors(None, sort_results=True)
    //   ("kd_tree" and "ball_tree" give the same, where they are allowed)
    const CASES: &[Case] = &[
        Case {
            metric: "minkowski",
            p: 2.0,
            radius: 0.5,
            ind: [[11, 2, 18, 4], [31, 19, 1, 5], [31, 1, 7, 19]],
            dist: [
                [0.09823707511866636, 0.14138052440904877, 0.1418236348742484, 0.17357907865319097],
                [0.14152977665037303, 0.17346624596489946, 0.2454914324017178, 0.297133743618014],
                [0.22361145996383916, 0.2643648898903025, 0.30076194533304457, 0.3161258204842833],
            ],
            self_ind: [[22, 16, 23], [31, 0, 19], [24, 11, 26]],
            self_weighted_sum: 29790,
            radius_row0: &[11, 2, 18, 4, 26, 32, 24, 17, 12, 30, 6, 7, 23, 20, 13, 28, 22, 15],
            radius_counts: [18, 10, 13],
            self_radius_count: 638,
            self_radius_index_sum: 23800,
        },
        Case {
            metric: "manhattan",
            p: 2.0,
            radius: 0.8,
            ind: [[11, 2, 18, 32], [31, 19, 22, 1], [31, 1, 7, 19]],
            dist: [
                [0.10140354419245876, 0.20047824242899176, 0.2037468991296191, 0.2987891609400871],
                [0.20069552183776848, 0.30066608235806064, 0.3062749706899453, 0.40175606931821006],
                [0.3002272178610156, 0.4997919535802906, 0.5013202340135815, 0.5993097134860932],
            ],
            self_ind: [[22, 16, 32], [31, 19, 23], [24, 11, 32]],
            self_weighted_sum: 29337,
            radius_row0: &[11, 2, 18, 32, 4, 26, 24, 30, 12, 6, 17, 7, 23, 28, 22, 0, 20, 13],
            radius_counts: [18, 11, 16],
            self_radius_count: 602,
            self_radius_index_sum: 21832,
        },
        Case {
            metric: "chebyshev",
            p: 2.0,
            radius: 0.4,
            ind: [[11, 2, 4, 18], [19, 31, 5, 25], [1, 31, 19, 7]],
            dist: [
                [0.09821769128542554, 0.10043344883346483, 0.10065374948889794, 0.10099602899811622],
                [0.10019328561472562, 0.10037445627237895, 0.19825522801104922, 0.19875070963326213],
                [0.19965014038093631, 0.20011631185169554, 0.20062353630219465, 0.20141630159043955],
            ],
            self_ind: [[22, 16, 23], [31, 0, 22], [24, 26, 11]],
            self_weighted_sum: 30265,
            radius_row0: &[11, 2, 4, 18, 26, 32, 24, 17, 6, 30, 7, 15, 23, 13, 12, 20, 28, 22],
            radius_counts: [18, 9, 12],
            self_radius_count: 686,
            self_radius_index_sum: 27024,
        },
        Case {
            metric: "minkowski",
            p: 3.0,
            radius: 0.5,
            ind: [[11, 2, 18, 4], [31, 19, 1, 5], [31, 1, 7, 19]],
            dist: [
                [0.09821786148417298, 0.12595660046663965, 0.12633765877576755, 0.14453821187775842],
                [0.12608849019682797, 0.14444232491963171, 0.21581846780074038, 0.2547590376217451],
                [0.20806455217993988, 0.22214446174435903, 0.2580725013468704, 0.26213403383934053],
            ],
            self_ind: [[22, 16, 23], [31, 0, 22], [24, 11, 26]],
            self_weighted_sum: 29858,
            radius_row0: &[11, 2, 18, 4, 26, 32, 24, 17, 12, 30, 6, 7, 23, 20, 13, 15, 28, 22, 1, 19, 10],
            radius_counts: [21, 14, 16],
            self_radius_count: 828,
            self_radius_index_sum: 32234,
        },
        Case {
            metric: "minkowski",
            p: 0.5,
            radius: 2.0,
            ind: [[11, 2, 18, 32], [31, 22, 19, 1], [31, 11, 18, 7]],
            dist: [
                [0.1676770118409451, 0.4421553711591148, 0.50881995244302, 0.6249386377294859],
                [0.438372616127875, 0.440648037577036, 0.9293459342196717, 1.224508948749734],
                [0.6199396617651944, 1.06495062377858, 1.2418561452172618, 1.543249812400757],
            ],
            self_ind: [[22, 16, 32], [19, 31, 23], [32, 24, 4]],
            self_weighted_sum: 29604,
            radius_row0: &[11, 2, 18, 32, 4, 26, 30, 24, 0, 12, 7, 31, 6, 23, 22],
            radius_counts: [15, 10, 9],
            self_radius_count: 418,
            self_radius_index_sum: 13817,
        },
        Case {
            metric: "cosine",
            p: 2.0,
            radius: 0.001,
            ind: [[6, 1, 11, 25], [5, 19, 4, 7], [12, 3, 30, 2]],
            dist: [
                [5.419785472748906e-06, 1.1865607025596248e-05, 0.00011971905451124698, 0.00015780600951775803],
                [5.950606554216975e-05, 6.326019820002138e-05, 0.0002292778128558659, 0.00025663895813776705],
                [5.195206159358534e-05, 0.0001332737041997989, 0.0002348896455049987, 0.00038569128068888237],
            ],
            self_ind: [[22, 13, 16], [6, 11, 32], [24, 12, 6]],
            self_weighted_sum: 28971,
            radius_row0: &[6, 1, 11, 25, 32, 4, 18, 8, 2, 26, 31, 24, 23, 12, 5, 3, 30],
            radius_counts: [17, 14, 14],
            self_radius_count: 1034,
            self_radius_index_sum: 49933,
        },
    ];

    #[test]
    fn every_search_matches_scikit_learn_for_every_metric() {
        let (train, _, test) = jittered_iris();
        for case in CASES {
            let trees = case.metric != "cosine" && case.p >= 1.0;
            let algorithms: &[&str] =
                if trees { &["auto", "brute", "kd_tree", "ball_tree"] } else { &["auto", "brute"] };
            for &algorithm in algorithms {
                let what = format!("{} p={} {algorithm}", case.metric, case.p);
                let params = NearestNeighbors {
                    n_neighbors: 3,
                    radius: case.radius,
                    metric: case.metric.into(),
                    p: case.p,
                    algorithm: algorithm.into(),
                    ..Default::default()
                };
                let model = params.fit(train.view()).unwrap();
                let method = if algorithm == "auto" {
                    if trees {
                        "kd_tree"
                    } else {
                        "brute"
                    }
                } else {
                    algorithm
                };
                assert_eq!(model.fit_method(), method, "{what}");
                let (dist, ind) = model.kneighbors(Some(test.slice(s![..3, ..])), Some(4)).unwrap();
                assert_eq!(ind, Array2::from(case.ind.to_vec()), "{what}");
                for (got, want) in dist.iter().zip(case.dist.as_flattened()) {
                    // scikit-learn's euclidean distances come from ||a||² + ||b||² - 2a·b.
                    assert!((got - want).abs() < 1e-9 * want.max(1e-3), "{what}: {got} vs {want}");
                }
                let (dist, ind) = model.kneighbors(None, None).unwrap();
                assert_eq!(ind.slice(s![..3, ..]), Array2::from(case.self_ind.to_vec()), "{what}");
                let weighted: usize = ind.indexed_iter().map(|((_, j), &v)| v * (j + 1)).sum();
                assert_eq!(weighted, case.self_weighted_sum, "{what}");
                assert!(dist.rows().into_iter().all(|r| r.windows(2).into_iter().all(|w| w[0] <= w[1])), "{what}");
                let (dist, ind) = model.radius_neighbors(Some(test.slice(s![..3, ..])), None, true).unwrap();
                assert_eq!(ind[0].to_vec(), case.radius_row0, "{what}");
                assert_eq!(ind.iter().map(|i| i.len()).collect::<Vec<_>>(), case.radius_counts, "{what}");
                assert!(dist.iter().flatten().all(|&d| d <= case.radius), "{what}");
                let (_, ind) = model.radius_neighbors(None, None, false).unwrap();
                assert_eq!(ind.iter().map(|i| i.len()).sum::<usize>(), case.self_radius_count, "{what}");
                assert_eq!(ind.iter().flatten().sum::<usize>(), case.self_radius_index_sum, "{what}");
                assert!(ind.iter().enumerate().all(|(i, found)| !found.iter().any(|&j| j == i)), "{what}");
            }
        }
    }

    #[test]
    fn a_row_with_more_duplicates_than_neighbours_drops_the_first() {
        // scikit-learn 1.9.1: NearestNeighbors(n_neighbors=1, algorithm="brute").fit([[0], [0], [0], [5]])
        //   .kneighbors() == ([[0], [0], [0], [5]], [[1], [0], [1], [0]]): row 2 finds rows 0 and 1 first (k + 1 = 2),
        //   not itself, and drops the first ("kd_tree" gives [[1], [0], [0], [0]], its own order of ties).
        let x = array![[0.0], [0.0], [0.0], [5.0]];
        let model =
            NearestNeighbors { n_neighbors: 1, algorithm: "brute".into(), ..Default::default() }.fit(x.view()).unwrap();
        let (dist, ind) = model.kneighbors(None, None).unwrap();
        assert_eq!(ind.column(0).to_vec(), [1, 0, 1, 0]);
        assert_eq!(dist.column(0).to_vec(), [0.0, 0.0, 0.0, 5.0]);
    }

    #[test]
    fn bad_input_is_refused_with_scikit_learns_messages() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]];
        let model = NearestNeighbors::default().fit(x.view()).unwrap();
        let err = model.kneighbors(Some(x.view()), Some(4)).unwrap_err().to_string();
        assert!(err.contains("Expected n_neighbors <= n_samples_fit, but n_neighbors = 4, n_samples_fit = 3"), "{err}");
        let err = model.kneighbors(None, Some(3)).unwrap_err().to_string();
        assert!(err.contains("Expected n_neighbors < n_samples_fit, but n_neighbors = 3, n_samples_fit = 3"), "{err}");
        let err = model.kneighbors(None, Some(0)).unwrap_err().to_string();
        assert!(err.contains("Expected n_neighbors > 0. Got 0"), "{err}");
        let err = model.kneighbors(Some(array![[1.0, f64::NAN]].view()), Some(1)).unwrap_err().to_string();
        assert!(err.contains("Input X contains NaN"), "{err}");
        let err = model.radius_neighbors(Some(array![[1.0]].view()), None, true).unwrap_err().to_string();
        assert!(err.contains("X has 1 features, but NearestNeighbors is expecting 2 features"), "{err}");
        let err = model.radius_neighbors(None, Some(-1.0), true).unwrap_err().to_string();
        assert!(err.contains("radius"), "{err}");
        let err = NearestNeighbors::default().fit(array![[0.0, f64::NAN]].view()).unwrap_err().to_string();
        assert!(err.contains("Input X contains NaN"), "{err}");
        let cosine_tree =
            NearestNeighbors { metric: "cosine".into(), algorithm: "kd_tree".into(), ..Default::default() };
        let err = cosine_tree.fit(x.view()).unwrap_err().to_string();
        assert!(
            err.contains("Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['kd_tree'])"),
            "{err}"
        );
        let p_tree = NearestNeighbors { p: 0.5, algorithm: "kd_tree".into(), ..Default::default() };
        let err = p_tree.fit(x.view()).unwrap_err().to_string();
        assert!(err.contains("algorithm=\"kd_tree\" does not support 0 < p < 1"), "{err}");
        for bad in
            [NearestNeighbors { p: 0.0, ..Default::default() }, NearestNeighbors { p: -1.0, ..Default::default() }]
        {
            assert!(bad.validate().unwrap_err().to_string().contains('p'));
        }
        let err = NearestNeighbors::default().fit_weighted(x.view(), Some(&[1.0; 3])).unwrap_err().to_string();
        assert!(err.contains("sample weights"), "{err}");
        let err = NearestNeighbors::default().fit(Array2::zeros((0, 2)).view()).unwrap_err();
        assert!(!err.to_string().is_empty());
    }

    #[test]
    fn the_model_file_keeps_the_tree() {
        let (train, _, test) = jittered_iris();
        for algorithm in ["kd_tree", "ball_tree", "brute"] {
            let params =
                NearestNeighbors { algorithm: algorithm.into(), metric: "chebyshev".into(), ..Default::default() };
            let model = params.fit(train.view()).unwrap();
            let parts = ironlearn_core::state::to_parts(&model).unwrap();
            let back: NearestNeighborsModel = ironlearn_core::state::from_parts(&parts).unwrap();
            assert_eq!(back, model);
            assert_eq!(
                back.kneighbors(Some(test.view()), None).unwrap(),
                model.kneighbors(Some(test.view()), None).unwrap()
            );
            assert_eq!(model.effective_metric(), "chebyshev");
            assert_eq!(model.n_samples_fit(), 100);
        }
    }
}
