//! Regression by the (weighted) mean target of the nearest training rows.
//!
//! No formula is fitted, so it follows any shape of response that nearby
//! rows share; the model is the training data, searched at every
//! prediction (see [`super::search`]). scikit-learn's
//! `KNeighborsRegressor` is the reference it must match.

use ironlearn_core::validate::{check_fit_input, check_target};
use ironlearn_core::{
    hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;
use super::search::{build_tree, fit_method, weights, Metric, Query};

hyperparams! {
    /// k-nearest-neighbours regression: the (weighted) mean target of the
    /// `n_neighbors` nearest training rows, as scikit-learn's `KNeighborsRegressor`.
    ///
    /// The search is a kd-tree, a ball tree or brute force, chosen as
    /// scikit-learn chooses (`algorithm`); all give the same exact neighbours,
    /// ties in distance going to the lower training row.
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::KNeighborsRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = [0.0, 1.0, 4.0, 9.0];
    /// let model = KNeighborsRegressor { n_neighbors: 2, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: KNeighborsRegressor(n_neighbors=2).fit(x, y).predict([[0.9]]) == [0.5]
    /// assert_eq!(model.predict(array![[0.9]].view())?.to_vec(), [0.5]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "k_neighbors_regressor"]
    #[aliases("knn_regressor", "kneighbors_regressor")]
    #[tags(task = Some(Task::Regression), neighbors, wants_scaling)]
    pub struct KNeighborsRegressor {
        /// The number of neighbours averaged.
        n_neighbors: usize = 5, domain(Domain::int_min(1));
        /// "uniform" (a plain mean) or "distance" (weighted by inverse distance; a neighbour at distance
        /// zero takes the whole weight, shared with any other at zero).
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

/// A fitted [`KNeighborsRegressor`]: the training rows and their targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KNeighborsRegressorModel {
    params: KNeighborsRegressor,
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
    #[serde(rename = "_y")]
    y: Vec<f64>,
}

impl KNeighborsRegressorModel {
    fn query(&self) -> Query<'_> {
        Query {
            estimator: "KNeighborsRegressor",
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

impl Fit<[f64]> for KNeighborsRegressor {
    type Fitted = KNeighborsRegressorModel;

    fn fit_weighted(&self, x: ArrayView2<'_, f64>, y: &[f64], w: Option<&[f64]>) -> Result<KNeighborsRegressorModel> {
        self.validate()?;
        ironlearn_core::ensure!(
            w.is_none(),
            Unsupported,
            "KNeighborsRegressor does not use sample weights; fit it without sample_weight"
        );
        check_fit_input(x, y.len())?;
        check_target(y)?;
        let metric = Metric::new(&self.metric, self.p);
        let method = fit_method(&self.algorithm, metric, x.ncols(), x.nrows(), Some(self.n_neighbors))?;
        let tree = build_tree(method, x, self.leaf_size, metric);
        Ok(KNeighborsRegressorModel {
            fit_method: method.into(),
            tree: tree.kd,
            ball_tree: tree.ball,
            params: self.clone(),
            effective_metric: metric.name().into(),
            n_samples_fit: x.nrows(),
            fit_x: x.to_owned(),
            y: y.to_vec(),
        })
    }
}

impl Predict for KNeighborsRegressorModel {
    type Output = Array1<f64>;

    /// The mean target of the neighbours, weighted by `weights`.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let (dist, ind) = self.kneighbors(Some(x), None)?;
        let w = weights(&dist, &self.params.weights);
        let k = ind.ncols() as f64;
        Ok(ind
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, row)| match &w {
                None => row.iter().map(|&t| self.y[t]).sum::<f64>() / k,
                Some(w) => {
                    let num: f64 = row.iter().zip(w.row(i)).map(|(&t, wt)| self.y[t] * wt).sum();
                    num / w.row(i).sum()
                }
            })
            .collect())
    }
}

impl Learn for KNeighborsRegressor {
    type Model = KNeighborsRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<KNeighborsRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for KNeighborsRegressorModel {
    type Estimator = KNeighborsRegressor;

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

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(KNeighborsRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Axis};

    /// Diabetes (unscaled) split into rows `i % 4 != 0` (train) and `i % 4 == 0` (test).
    fn diabetes() -> (Array2<f64>, Vec<f64>, Array2<f64>) {
        let (x, y) = crate::test_data::load("diabetes");
        let pick = |test: bool| -> Vec<usize> { (0..x.nrows()).filter(|i| (i % 4 == 0) == test).collect() };
        let y = pick(false).into_iter().map(|i| y[i].parse().unwrap()).collect();
        (x.select(Axis(0), &pick(false)), y, x.select(Axis(0), &pick(true)))
    }

    #[test]
    fn predictions_match_scikit_learn() {
        // scikit-learn 1.9.1, on `diabetes()` (train, y, test):
        //   p = KNeighborsRegressor(n_neighbors=5, weights=w, metric=metric, p=p, algorithm="brute")
        //       .fit(train, y).predict(test); p[:4], p.sum()   (algorithm="auto" gives the same)
        type Case = (&'static str, f64, &'static str, [f64; 4], f64);
        //   (p=0.5: brute force, as scikit-learn's "auto" for a Minkowski p < 1)
        let cases: [Case; 10] = [
            ("minkowski", 0.5, "uniform", [187.2, 99.0, 146.6, 115.4], 17143.2),
            (
                "minkowski",
                0.5,
                "distance",
                [183.04577874719573, 106.95504866128019, 143.26259165198883, 113.30264293366457],
                17070.53002859333,
            ),
            ("minkowski", 2.0, "uniform", [171.2, 135.6, 98.4, 76.4], 16793.0),
            (
                "minkowski",
                2.0,
                "distance",
                [176.16906414964782, 128.21976608507606, 102.59010352114596, 78.42128641554072],
                16722.03899337937,
            ),
            ("manhattan", 2.0, "uniform", [187.2, 86.2, 100.2, 115.4], 16948.600000000002),
            (
                "manhattan",
                2.0,
                "distance",
                [187.12434450184398, 92.50094198331557, 102.78699478656297, 112.47825948285517],
                16906.07803006288,
            ),
            ("minkowski", 3.0, "uniform", [199.2, 106.0, 98.4, 76.4], 16645.8),
            (
                "minkowski",
                3.0,
                "distance",
                [200.1661781537733, 102.66444947177312, 102.6744793160112, 78.5496519896952],
                16592.037815733354,
            ),
            ("cosine", 2.0, "uniform", [230.2, 87.2, 154.8, 79.0], 16676.0),
            (
                "cosine",
                2.0,
                "distance",
                [220.54549843108046, 85.07281859598345, 145.34528516347012, 83.46416304649088],
                16781.58217880205,
            ),
        ];
        let (x, y, test) = diabetes();
        for (metric, p, weights, first, sum) in cases {
            let params =
                KNeighborsRegressor { weights: weights.into(), metric: metric.into(), p, ..Default::default() };
            let pred = params.fit(x.view(), &y).unwrap().predict(test.view()).unwrap();
            for (got, want) in pred.iter().zip(first) {
                assert!((got - want).abs() < 1e-9, "{metric} p={p} {weights}: {got} vs {want}");
            }
            assert!((pred.sum() - sum).abs() < 1e-8, "{metric} p={p} {weights}: sum {} vs {sum}", pred.sum());
        }
    }

    #[test]
    fn zero_distances_take_the_whole_weight() {
        // scikit-learn: KNeighborsRegressor(2, weights="distance").fit([[0], [0], [1], [3]], [1, 2, 10, 20])
        //   .predict([[0], [2], [2.5]]) == [1.5, 15., 17.5]
        let x = array![[0.0], [0.0], [1.0], [3.0]];
        let params = KNeighborsRegressor { n_neighbors: 2, weights: "distance".into(), ..Default::default() };
        let model = params.fit(x.view(), &[1.0, 2.0, 10.0, 20.0]).unwrap();
        assert_eq!(model.predict(array![[0.0], [2.0], [2.5]].view()).unwrap().to_vec(), [1.5, 15.0, 17.5]);
    }

    #[test]
    fn bad_input_is_refused() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]];
        let y = [1.0, 2.0, 3.0];
        let model = KNeighborsRegressor { n_neighbors: 4, ..Default::default() }.fit(x.view(), &y).unwrap();
        let err = model.predict(x.view()).unwrap_err().to_string();
        assert!(
            err.contains(
                "Expected n_neighbors <= n_samples_fit, but n_neighbors = 4, n_samples_fit = 3, n_samples = 3"
            ),
            "{err}"
        );
        let model = KNeighborsRegressor { n_neighbors: 2, ..Default::default() }.fit(x.view(), &y).unwrap();
        let err = model.predict(array![[1.0]].view()).unwrap_err().to_string();
        assert!(err.contains("X has 1 features, but KNeighborsRegressor is expecting 2 features"), "{err}");
        let err = model.predict(array![[1.0, f64::INFINITY]].view()).unwrap_err().to_string();
        assert!(err.contains("Input X contains infinity"), "{err}");
        let err = KNeighborsRegressor::default().fit(x.view(), &[1.0, f64::NAN, 3.0]).unwrap_err().to_string();
        assert!(err.contains("Input y contains NaN"), "{err}");
        let err = KNeighborsRegressor { n_neighbors: 0, ..Default::default() }.fit(x.view(), &y).unwrap_err();
        assert!(err.to_string().contains("n_neighbors"), "{err}");
        let err = KNeighborsRegressor { metric: "hamming".into(), ..Default::default() }.validate().unwrap_err();
        assert!(err.to_string().contains("metric"), "{err}");
        // scikit-learn: p must be > 0; below 1 brute force only.
        let err = KNeighborsRegressor { p: 0.0, ..Default::default() }.validate().unwrap_err();
        assert!(err.to_string().contains("p"), "{err}");
        let params =
            KNeighborsRegressor { n_neighbors: 2, p: 0.5, algorithm: "ball_tree".into(), ..Default::default() };
        let err = params.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("algorithm=\"ball_tree\" does not support 0 < p < 1 for the Minkowski metric"), "{err}");
        let params = KNeighborsRegressor { algorithm: "auto".into(), ..params };
        assert_eq!(params.fit(x.view(), &y).unwrap().fit_method(), "brute");
    }
}
