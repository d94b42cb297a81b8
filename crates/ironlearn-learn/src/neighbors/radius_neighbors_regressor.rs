//! Regression by the (weighted) mean target of every training row within a fixed distance.
//!
//! A fixed radius averages over what is truly near, however many rows that
//! is, where k nearest neighbours reach as far as they must; a query with
//! nothing near gets no answer (NaN, as scikit-learn, which also warns)
//! rather than the mean of far-away rows. scikit-learn's
//! `RadiusNeighborsRegressor` is the reference.

use ironlearn_core::validate::{check_fit_input, check_target};
use ironlearn_core::{
    ensure, hyperparams, register, Domain, Features, Fit, FitContext, Fitted, Learn, Params, Predict, Prediction,
    Result, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;
use super::search::{build_tree, fit_method, row_weights, Metric, Query};

hyperparams! {
    /// Radius-neighbours regression: the (weighted) mean target of every
    /// training row within `radius` of the query, as scikit-learn's
    /// `RadiusNeighborsRegressor`. A query with no training row within the
    /// radius is predicted NaN (scikit-learn also warns "One or more samples
    /// have no neighbors within specified radius; predicting NaN.").
    ///
    /// ```
    /// use ironlearn_core::{Fit, Predict};
    /// use ironlearn_learn::RadiusNeighborsRegressor;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let y = [0.0, 1.0, 4.0, 9.0];
    /// let model = RadiusNeighborsRegressor { radius: 1.0, ..Default::default() }.fit(x.view(), &y[..])?;
    /// // scikit-learn: RadiusNeighborsRegressor(radius=1.0).fit(x, y).predict([[0.9], [9.0]]) == [0.5, nan]
    /// let pred = model.predict(array![[0.9], [9.0]].view())?;
    /// assert!(pred[0] == 0.5 && pred[1].is_nan());
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "radius_neighbors_regressor"]
    #[aliases("radius_neighbours_regressor")]
    #[tags(task = Some(Task::Regression), neighbors, wants_scaling)]
    pub struct RadiusNeighborsRegressor {
        /// The distance within which training rows are averaged (`<=`).
        radius: f64 = 1.0, domain(Domain::float_min(0.0));
        /// "uniform" (a plain mean) or "distance" (weighted by inverse distance; a neighbour at distance
        /// zero takes the whole weight, shared with any other at zero).
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
        /// Threads over query rows: None or -1 all, -2 all but one, k > 0 exactly k.
        /// Results do not depend on it.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
    }
}

/// A fitted [`RadiusNeighborsRegressor`]: the training rows and their targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadiusNeighborsRegressorModel {
    params: RadiusNeighborsRegressor,
    effective_metric: String,
    n_samples_fit: usize,
    #[serde(rename = "_fit_X")]
    fit_x: Array2<f64>,
    #[serde(rename = "_y")]
    y: Vec<f64>,
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

impl RadiusNeighborsRegressorModel {
    fn query(&self) -> Query<'_> {
        Query {
            estimator: "RadiusNeighborsRegressor",
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

    /// The training rows the model searches.
    pub fn fit_x(&self) -> &Array2<f64> {
        &self.fit_x
    }
}

impl Fit<[f64]> for RadiusNeighborsRegressor {
    type Fitted = RadiusNeighborsRegressorModel;

    fn fit_weighted(
        &self,
        x: ArrayView2<'_, f64>,
        y: &[f64],
        w: Option<&[f64]>,
    ) -> Result<RadiusNeighborsRegressorModel> {
        self.validate()?;
        ensure!(
            w.is_none(),
            Unsupported,
            "RadiusNeighborsRegressor does not use sample weights; fit it without sample_weight"
        );
        check_fit_input(x, y.len())?;
        check_target(y)?;
        let metric = Metric::new(&self.metric, self.p);
        let method = fit_method(&self.algorithm, metric, x.ncols(), x.nrows(), None)?;
        let tree = build_tree(method, x, self.leaf_size, metric);
        Ok(RadiusNeighborsRegressorModel {
            params: self.clone(),
            effective_metric: metric.name().into(),
            n_samples_fit: x.nrows(),
            fit_x: x.to_owned(),
            y: y.to_vec(),
            fit_method: method.into(),
            tree: tree.kd,
            ball_tree: tree.ball,
        })
    }
}

impl Predict for RadiusNeighborsRegressorModel {
    type Output = Array1<f64>;

    /// The mean target of the neighbours, weighted by `weights`; NaN for a query without neighbours.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        let found = self.radius_neighbors(x, None)?;
        Ok(found
            .iter()
            .map(|(dist, ind)| match row_weights(dist, &self.params.weights) {
                _ if ind.is_empty() => f64::NAN,
                None => ind.iter().map(|&t| self.y[t]).sum::<f64>() / ind.len() as f64,
                Some(w) => {
                    let num: f64 = ind.iter().zip(&w).map(|(&t, wt)| self.y[t] * wt).sum();
                    num / w.iter().sum::<f64>()
                }
            })
            .collect())
    }
}

impl Learn for RadiusNeighborsRegressor {
    type Model = RadiusNeighborsRegressorModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<RadiusNeighborsRegressorModel> {
        self.fit_weighted(data.dense()?.view(), data.values()?, data.weight)
    }
}

impl Fitted for RadiusNeighborsRegressorModel {
    type Estimator = RadiusNeighborsRegressor;

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

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Values(self.predict(x.to_dense()?.view())?))
    }
}

register!(RadiusNeighborsRegressor);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbors::standardized;
    use ndarray::{array, Axis};

    /// Diabetes split into rows `i % 4 != 0` (train) and `i % 4 == 0` (test),
    /// standardised by the training rows (see [`standardized`]).
    fn diabetes() -> (Array2<f64>, Vec<f64>, Array2<f64>) {
        let (x, y) = crate::test_data::load("diabetes");
        let pick = |test: bool| -> Vec<usize> { (0..x.nrows()).filter(|i| (i % 4 == 0) == test).collect() };
        let y = pick(false).into_iter().map(|i| y[i].parse().unwrap()).collect();
        let (train, test) = standardized(&x.select(Axis(0), &pick(false)), &x.select(Axis(0), &pick(true)));
        (train, y, test)
    }

    #[test]
    fn predictions_match_scikit_learn_with_either_search() {
        // scikit-learn 1.9.1, on `diabetes()` (train, y, test):
        //   p = RadiusNeighborsRegressor(radius=r, weights=w, metric=metric, p=p, algorithm="brute")
        //       .fit(train, y).predict(test); p[:4], np.nansum(p), np.flatnonzero(np.isnan(p))
        // (with the warning "One or more samples have no neighbors within specified radius; predicting NaN.")
        type Case = (&'static str, f64, f64, &'static str, [f64; 4], f64, &'static [usize]);
        let cases: [Case; 8] = [
            (
                "minkowski",
                2.0,
                2.5,
                "uniform",
                [186.73333333333332, 116.54545454545455, 155.96875, 107.65],
                16746.1878237081,
                &[8],
            ),
            (
                "minkowski",
                2.0,
                2.5,
                "distance",
                [188.12701738241483, 113.6659801566054, 155.07217656361306, 105.23052990636761],
                16727.14644855036,
                &[8],
            ),
            (
                "manhattan",
                2.0,
                6.0,
                "uniform",
                [190.16129032258064, 112.6590909090909, 154.58333333333334, 102.66153846153846],
                16601.60393272159,
                &[8, 19],
            ),
            (
                "manhattan",
                2.0,
                6.0,
                "distance",
                [191.96055087515472, 109.76285535921326, 151.48708813986443, 101.0064977123669],
                16613.90490186432,
                &[8, 19],
            ),
            (
                "minkowski",
                3.0,
                2.0,
                "uniform",
                [169.0, 124.88372093023256, 154.66666666666666, 107.96666666666667],
                16932.213782483468,
                &[62, 88],
            ),
            (
                "minkowski",
                3.0,
                2.0,
                "distance",
                [173.25033386417738, 121.18237832900246, 155.81222784799172, 105.77439373413684],
                16898.03659455553,
                &[62, 88],
            ),
            (
                "cosine",
                2.0,
                0.3,
                "uniform",
                [231.11111111111111, 83.25, 236.5, 87.61111111111111],
                17397.996373009217,
                &[37],
            ),
            (
                "cosine",
                2.0,
                0.3,
                "distance",
                [234.75527958400235, 82.95558240899611, 231.54716711870083, 88.05143001883458],
                17332.155634814473,
                &[37],
            ),
        ];
        let (x, y, test) = diabetes();
        for (metric, p, radius, weights, first, sum, nan) in cases {
            let algorithms: &[&str] =
                if metric == "cosine" { &["brute", "auto"] } else { &["brute", "kd_tree", "auto"] };
            for &algorithm in algorithms {
                let case = format!("{metric} p={p} {weights} {algorithm}");
                let params = RadiusNeighborsRegressor {
                    radius,
                    weights: weights.into(),
                    metric: metric.into(),
                    p,
                    algorithm: algorithm.into(),
                    ..Default::default()
                };
                let pred = params.fit(x.view(), &y).unwrap().predict(test.view()).unwrap();
                for (got, want) in pred.iter().zip(first) {
                    assert!((got - want).abs() < 1e-9, "{case}: {got} vs {want}");
                }
                let got_nan: Vec<usize> = (0..pred.len()).filter(|&i| pred[i].is_nan()).collect();
                assert_eq!(got_nan, nan, "{case}");
                let total: f64 = pred.iter().filter(|v| !v.is_nan()).sum();
                assert!((total - sum).abs() < 1e-8, "{case}: sum {total} vs {sum}");
            }
        }
    }

    #[test]
    fn zero_distances_take_the_whole_weight() {
        // scikit-learn: RadiusNeighborsRegressor(1.0, weights="distance").fit([[0], [0], [1], [3]], [1, 2, 10, 20])
        //   .predict([[0], [2], [2.5]]) == [1.5, 15., 20.]
        let x = array![[0.0], [0.0], [1.0], [3.0]];
        let params = RadiusNeighborsRegressor { radius: 1.0, weights: "distance".into(), ..Default::default() };
        let model = params.fit(x.view(), &[1.0, 2.0, 10.0, 20.0]).unwrap();
        assert_eq!(model.predict(array![[0.0], [2.0], [2.5]].view()).unwrap().to_vec(), [1.5, 15.0, 20.0]);
    }

    #[test]
    fn bad_input_is_refused() {
        let (x, y, _) = diabetes();
        let params =
            RadiusNeighborsRegressor { metric: "cosine".into(), algorithm: "ball_tree".into(), ..Default::default() };
        let err = params.fit(x.view(), &y).unwrap_err().to_string();
        assert!(err.contains("Metric 'cosine' not valid"), "{err}");
        let model = RadiusNeighborsRegressor::default().fit(x.view(), &y).unwrap();
        let err = model.predict(array![[1.0, f64::NAN]].view()).unwrap_err().to_string();
        assert!(err.contains("X has 2 features"), "{err}");
        let err = RadiusNeighborsRegressor::default().fit(x.view(), &y[1..]).unwrap_err();
        assert!(!err.to_string().is_empty());
    }

    #[test]
    fn the_model_file_keeps_the_tree() {
        let (x, y, test) = diabetes();
        let model = RadiusNeighborsRegressor { radius: 2.5, ..Default::default() }.fit(x.view(), &y).unwrap();
        assert_eq!(model.fit_method(), "kd_tree");
        let parts = ironlearn_core::state::to_parts(&model).unwrap();
        let back: RadiusNeighborsRegressorModel = ironlearn_core::state::from_parts(&parts).unwrap();
        assert_eq!(back, model);
        let (a, b) = (back.predict(test.view()).unwrap(), model.predict(test.view()).unwrap());
        assert!(a.iter().zip(&b).all(|(a, b)| a == b || (a.is_nan() && b.is_nan())));
    }
}
