//! The brute-force k-nearest-neighbour search both neighbour estimators share.
//!
//! Euclidean distances come from blocked matrix products
//! (`||a||² + ||b||² - 2a·b`), the only way brute force is fast, but that
//! formula loses precision when points are close, and scikit-learn's own
//! answers are only as good as it. So the products only pick candidates:
//! every training row whose product distance, less its rounding bound, can
//! still beat the k-th best is re-measured exactly, and the k nearest are
//! ranked by the exact distance, ties by training index. The answer is then
//! the exact one, whatever the block size or thread count. The other metrics
//! are measured exactly by plain loops. A fitted kd-tree (see
//! [`super::kd_tree`]) measures the same exact distances, so whichever search
//! a model uses, its neighbours are the same rows in the same order. The
//! radius search follows the same two paths and the same rule: the products
//! only pick candidates, the exact distance decides (`<=` the radius, as
//! scikit-learn).

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{ensure, Result};

use crate::n_jobs::in_pool;
use ndarray::{Array1, Array2, ArrayView2, Axis, CowArray, Ix2};
use rayon::prelude::*;

use super::kd_tree::KdTree;

/// Query rows × training rows of one block's distance matrix, at most.
const BLOCK_ENTRIES: usize = 1 << 21;
/// Query rows in one block, at most.
const BLOCK_ROWS: usize = 256;

/// A distance between rows, resolved from the `metric` and `p` parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Metric {
    Euclidean,
    Manhattan,
    Minkowski(f64),
    Cosine,
}

impl Metric {
    /// The metric named `name`; "minkowski" with p = 2 or 1 is euclidean or manhattan, as in scikit-learn.
    pub(crate) fn new(name: &str, p: f64) -> Metric {
        match name {
            "euclidean" | "l2" => Metric::Euclidean,
            "manhattan" | "l1" | "cityblock" => Metric::Manhattan,
            "cosine" => Metric::Cosine,
            _ if p == 2.0 => Metric::Euclidean,
            _ if p == 1.0 => Metric::Manhattan,
            _ => Metric::Minkowski(p),
        }
    }

    /// scikit-learn's `effective_metric_`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Metric::Euclidean => "euclidean",
            Metric::Manhattan => "manhattan",
            Metric::Minkowski(_) => "minkowski",
            Metric::Cosine => "cosine",
        }
    }

    /// A value that ranks as the distance does and costs less (no root).
    pub(crate) fn reduced(self, a: &[f64], b: &[f64]) -> f64 {
        let pairs = a.iter().zip(b);
        match self {
            Metric::Euclidean => pairs.map(|(x, y)| (x - y) * (x - y)).sum(),
            Metric::Manhattan => pairs.map(|(x, y)| (x - y).abs()).sum(),
            Metric::Minkowski(p) => pairs.map(|(x, y)| (x - y).abs().powf(p)).sum(),
            // Rows are normalised beforehand; scikit-learn clips to [0, 2].
            Metric::Cosine => (1.0 - pairs.map(|(x, y)| x * y).sum::<f64>()).clamp(0.0, 2.0),
        }
    }

    /// The share of one coordinate's difference in the reduced distance of
    /// the coordinate-wise metrics (what [`Metric::reduced`] sums).
    pub(crate) fn term(self, diff: f64) -> f64 {
        match self {
            Metric::Euclidean => diff * diff,
            Metric::Manhattan => diff.abs(),
            Metric::Minkowski(p) => diff.abs().powf(p),
            Metric::Cosine => unreachable!("cosine is not a coordinate-wise metric"),
        }
    }

    /// The reduced value of a distance (the radius a reduced distance is compared with).
    fn reach(self, radius: f64) -> f64 {
        match self {
            Metric::Euclidean => radius * radius,
            Metric::Minkowski(p) => radius.powf(p),
            Metric::Manhattan | Metric::Cosine => radius,
        }
    }

    /// The distance from a reduced value.
    fn finish(self, r: f64) -> f64 {
        match self {
            Metric::Euclidean => r.sqrt(),
            Metric::Minkowski(p) => r.powf(1.0 / p),
            Metric::Manhattan | Metric::Cosine => r,
        }
    }
}

/// The search a model uses, scikit-learn's `_fit_method`: "kd_tree",
/// "ball_tree" or "brute", with its rule for "auto" (`NeighborsBase._fit`):
/// brute force for more than 15 columns or `n_neighbors >= n_samples / 2`
/// (the radius estimators have no `n_neighbors`), else a kd-tree for every
/// metric it supports (all but cosine) and brute force for cosine. "ball_tree"
/// is accepted but searched by brute force (the same exact neighbours). A
/// metric the tree asked for does not support is scikit-learn's error.
pub(crate) fn fit_method(
    algorithm: &str,
    metric: &str,
    n_features: usize,
    n_samples: usize,
    n_neighbors: Option<usize>,
) -> Result<&'static str> {
    let tree_metric = metric != "cosine";
    match algorithm {
        "auto" if n_features > 15 || n_neighbors.is_some_and(|k| k >= n_samples / 2) || !tree_metric => Ok("brute"),
        "auto" | "kd_tree" | "ball_tree" => {
            let method = if algorithm == "ball_tree" { "ball_tree" } else { "kd_tree" };
            ensure!(
                tree_metric,
                InvalidValue,
                "Metric '{metric}' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['{method}']) to get valid \
                 options. Metric can also be a callable function."
            );
            Ok(method)
        }
        _ => Ok("brute"),
    }
}

/// The search of a model file written before models kept theirs.
pub(crate) fn brute() -> String {
    "brute".into()
}

/// What a query needs from the fitted model and its parameters.
pub(crate) struct Query<'a> {
    /// The estimator's name, for messages.
    pub estimator: &'static str,
    pub fit_x: ArrayView2<'a, f64>,
    pub metric: Metric,
    pub n_jobs: Option<i64>,
    /// The kd-tree over `fit_x`, when the model searches one.
    pub tree: Option<&'a KdTree>,
}

impl Query<'_> {
    /// The `k` nearest training rows of each row of `x`: distances and
    /// indices, `x.nrows() × k`, nearest first, ties by training index.
    /// Checks `x` (width, finite values) and `k` with scikit-learn's messages.
    pub(crate) fn kneighbors(&self, x: ArrayView2<'_, f64>, k: usize) -> Result<(Array2<f64>, Array2<usize>)> {
        let n_fit = self.fit_x.nrows();
        ensure!(k > 0, InvalidValue, "Expected n_neighbors > 0. Got {k}");
        ensure!(
            k <= n_fit,
            InvalidValue,
            "Expected n_neighbors <= n_samples_fit, but n_neighbors = {k}, n_samples_fit = {n_fit}, n_samples = {}",
            x.nrows()
        );
        check_predict_input(x, self.fit_x.ncols(), self.estimator)?;
        let found = in_pool(self.n_jobs, || self.search(x, k))?;
        let mut dist = Array2::zeros((x.nrows(), k));
        let mut ind = Array2::zeros((x.nrows(), k));
        for (i, row) in found.iter().enumerate() {
            for (j, &(r, idx)) in row.iter().enumerate() {
                dist[[i, j]] = self.metric.finish(r);
                ind[[i, j]] = idx;
            }
        }
        Ok((dist, ind))
    }

    /// The training rows within distance `radius` (`<=`) of each row of `x`:
    /// per row, distances and indices, nearest first, ties by training index
    /// (scikit-learn's `radius_neighbors` with `sort_results=True`).
    pub(crate) fn radius_neighbors(&self, x: ArrayView2<'_, f64>, radius: f64) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        ensure!(
            radius >= 0.0,
            InvalidValue,
            "The 'radius' parameter must be a float in the range [0.0, inf). Got {radius} instead."
        );
        check_predict_input(x, self.fit_x.ncols(), self.estimator)?;
        let found = in_pool(self.n_jobs, || self.search_radius(x, radius))?;
        Ok(found.into_iter().map(|row| row.into_iter().map(|(r, i)| (self.metric.finish(r), i)).unzip()).collect())
    }

    /// Training rows and queries as the metric measures them (cosine: unit rows).
    fn prepared<'b>(&'b self, x: ArrayView2<'b, f64>) -> (CowArray<'b, f64, Ix2>, CowArray<'b, f64, Ix2>) {
        match self.metric {
            Metric::Cosine => (CowArray::from(normalized(self.fit_x)), CowArray::from(normalized(x))),
            _ => (standard(self.fit_x), standard(x)),
        }
    }

    /// Each query row's answer from the kd-tree, in parallel over rows.
    fn tree_search<F>(&self, x: ArrayView2<'_, f64>, one: F) -> Vec<Vec<(f64, usize)>>
    where
        F: Fn(&KdTree, &[f64], usize, &[f64]) -> Vec<(f64, usize)> + Sync,
    {
        let (train, queries) = self.prepared(x);
        let tree = self.tree.expect("a tree search has a tree");
        let data = train.as_slice().expect("standard layout");
        let d = train.ncols();
        (0..queries.nrows())
            .into_par_iter()
            .map(|i| one(tree, data, d, queries.row(i).as_slice().expect("standard layout")))
            .collect()
    }

    fn search(&self, x: ArrayView2<'_, f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
        if self.tree.is_some() {
            let metric = self.metric;
            return self.tree_search(x, |t, data, d, q| t.kneighbors(data, d, q, k, metric));
        }
        let n_fit = self.fit_x.nrows();
        let (train, queries) = self.prepared(x);
        let train_sq: Array1<f64> = train.rows().into_iter().map(|r| r.dot(&r)).collect();
        let rows = (BLOCK_ENTRIES / n_fit.max(1)).clamp(1, BLOCK_ROWS);
        let blocks: Vec<_> = queries.axis_chunks_iter(Axis(0), rows).collect();
        blocks
            .into_par_iter()
            .flat_map_iter(|block| match self.metric {
                Metric::Euclidean => euclidean_block(&train, &train_sq, block, Select::Nearest(k)),
                m => plain_block(&train, block, Select::Nearest(k), m),
            })
            .collect()
    }

    fn search_radius(&self, x: ArrayView2<'_, f64>, radius: f64) -> Vec<Vec<(f64, usize)>> {
        let metric = self.metric;
        let reach = metric.reach(radius);
        if self.tree.is_some() {
            return self.tree_search(x, |t, data, d, q| t.within(data, d, q, reach, metric));
        }
        let n_fit = self.fit_x.nrows();
        let (train, queries) = self.prepared(x);
        let train_sq: Array1<f64> = train.rows().into_iter().map(|r| r.dot(&r)).collect();
        let rows = (BLOCK_ENTRIES / n_fit.max(1)).clamp(1, BLOCK_ROWS);
        let blocks: Vec<_> = queries.axis_chunks_iter(Axis(0), rows).collect();
        blocks
            .into_par_iter()
            .flat_map_iter(|block| match metric {
                Metric::Euclidean => euclidean_block(&train, &train_sq, block, Select::Within(reach)),
                m => plain_block(&train, block, Select::Within(reach), m),
            })
            .collect()
    }
}

/// `x` in row-major order, copied only if it is not.
fn standard(x: ArrayView2<'_, f64>) -> CowArray<'_, f64, Ix2> {
    if x.is_standard_layout() {
        CowArray::from(x)
    } else {
        CowArray::from(x.as_standard_layout().into_owned())
    }
}

/// Which training rows a search keeps.
#[derive(Debug, Clone, Copy)]
enum Select {
    /// The `k` nearest.
    Nearest(usize),
    /// Those within this reduced distance (`<=`).
    Within(f64),
}

impl Select {
    /// The kept rows of `cand` (exact reduced distances), ordered by distance then index.
    fn keep(self, cand: Vec<(f64, usize)>) -> Vec<(f64, usize)> {
        match self {
            Select::Nearest(k) => smallest(cand, k),
            Select::Within(reach) => {
                let mut kept: Vec<_> = cand.into_iter().filter(|c| c.0 <= reach).collect();
                kept.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                kept
            }
        }
    }
}

/// Rows scaled to unit length; a zero row stays zero, as scikit-learn's `normalize` leaves it.
fn normalized(x: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut out = x.to_owned();
    for mut row in out.rows_mut() {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row.mapv_inplace(|v| v / norm);
        }
    }
    out
}

/// The `k` smallest of `(reduced distance, index)` pairs, ordered by distance then index.
fn smallest(mut cand: Vec<(f64, usize)>, k: usize) -> Vec<(f64, usize)> {
    let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if cand.len() > k {
        cand.select_nth_unstable_by(k - 1, order);
        cand.truncate(k);
    }
    cand.sort_unstable_by(order);
    cand
}

/// Exact loops over every training row.
fn plain_block(
    train: &CowArray<'_, f64, Ix2>,
    block: ArrayView2<'_, f64>,
    select: Select,
    metric: Metric,
) -> Vec<Vec<(f64, usize)>> {
    block
        .rows()
        .into_iter()
        .map(|q| {
            let q = q.to_vec();
            let all = train
                .rows()
                .into_iter()
                .enumerate()
                .map(|(j, t)| (metric.reduced(&q, t.as_slice().expect("standard layout")), j))
                .collect();
            select.keep(all)
        })
        .collect()
}

/// Squared euclidean distances of a query block from one matrix product,
/// then the exact measure of the rows that may be kept.
fn euclidean_block(
    train: &CowArray<'_, f64, Ix2>,
    train_sq: &Array1<f64>,
    block: ArrayView2<'_, f64>,
    select: Select,
) -> Vec<Vec<(f64, usize)>> {
    let products = block.dot(&train.t());
    // Rounding of ||a||² + ||b||² - 2a·b is below p·ε·(||a||² + ||b||²) each
    // for the two norms and the product, plus a few ε for the sums; twice that is safe.
    let c = (4 * train.ncols() + 16) as f64 * f64::EPSILON;
    let mut upper = vec![0.0; train.nrows()];
    block
        .rows()
        .into_iter()
        .zip(products.rows())
        .map(|(q, prod)| {
            let q_sq = q.dot(&q);
            let approx = |j: usize| {
                let d = q_sq + train_sq[j] - 2.0 * prod[j];
                (d, c * (q_sq + train_sq[j]))
            };
            let bound = match select {
                Select::Within(reach) => reach,
                Select::Nearest(k) => {
                    for (j, u) in upper.iter_mut().enumerate() {
                        let (d, e) = approx(j);
                        *u = d + e;
                    }
                    // No row beyond the k-th smallest upper bound can be among the k nearest.
                    *upper.select_nth_unstable_by(k - 1, f64::total_cmp).1
                }
            };
            let q = q.to_vec();
            let cand = (0..train.nrows())
                .filter(|&j| {
                    let (d, e) = approx(j);
                    // NaN (an overflow) stays a candidate.
                    (d - e).partial_cmp(&bound) != Some(std::cmp::Ordering::Greater)
                })
                .map(|j| (Metric::Euclidean.reduced(&q, train.row(j).as_slice().expect("standard layout")), j))
                .collect();
            select.keep(cand)
        })
        .collect()
}

/// scikit-learn's neighbour weights: none for "uniform"; for "distance" the
/// inverse distances, except that a query at zero distance from some
/// training rows gives those weight 1 and the others 0.
pub(crate) fn weights(dist: &Array2<f64>, kind: &str) -> Option<Array2<f64>> {
    if kind != "distance" {
        return None;
    }
    let mut w = dist.mapv(|d| 1.0 / d);
    for mut row in w.rows_mut() {
        if row.iter().any(|v| v.is_infinite()) {
            row.mapv_inplace(|v| if v.is_infinite() { 1.0 } else { 0.0 });
        }
    }
    Some(w)
}

/// [`weights`] for one query's neighbours within a radius (any number of them).
pub(crate) fn row_weights(dist: &[f64], kind: &str) -> Option<Vec<f64>> {
    if kind != "distance" {
        return None;
    }
    let zero = dist.contains(&0.0);
    Some(dist.iter().map(|&d| if zero { f64::from(u8::from(d == 0.0)) } else { 1.0 / d }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::Rng;

    fn query(fit_x: ArrayView2<'_, f64>, metric: Metric, n_jobs: Option<i64>) -> Query<'_> {
        Query { estimator: "test", fit_x, metric, n_jobs, tree: None }
    }

    /// Every pair measured exactly and fully sorted: what the search must return.
    fn naive(train: ArrayView2<'_, f64>, x: ArrayView2<'_, f64>, k: usize, m: Metric) -> Array2<usize> {
        let mut out = Array2::zeros((x.nrows(), k));
        for (i, q) in x.rows().into_iter().enumerate() {
            let mut all: Vec<(f64, usize)> =
                train.rows().into_iter().enumerate().map(|(j, t)| (m.reduced(&q.to_vec(), &t.to_vec()), j)).collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            (0..k).for_each(|j| out[[i, j]] = all[j].1);
        }
        out
    }

    #[test]
    fn blocked_products_give_the_exact_neighbours_ties_by_index() {
        let mut rng = Rng::new(7);
        // Coarse steps far from the origin: many exact ties, and products that cancel badly.
        let mut draw = |_| 1e6 + 1.0 / 3.0 + (rng.uniform() * 4.0).floor() / 8.0;
        let train = Array2::from_shape_fn((300, 3), &mut draw);
        let x = Array2::from_shape_fn((50, 3), &mut draw);
        for m in [Metric::Euclidean, Metric::Manhattan, Metric::Minkowski(3.0)] {
            let (_, ind) = query(train.view(), m, None).kneighbors(x.view(), 7).unwrap();
            assert_eq!(ind, naive(train.view(), x.view(), 7, m), "{m:?}");
        }
    }

    #[test]
    fn the_thread_count_does_not_change_the_answer() {
        let mut rng = Rng::new(3);
        let train = Array2::from_shape_fn((500, 4), |_| rng.uniform());
        let x = Array2::from_shape_fn((700, 4), |_| rng.uniform());
        let one = query(train.view(), Metric::Euclidean, Some(1)).kneighbors(x.view(), 5).unwrap();
        let three = query(train.view(), Metric::Euclidean, Some(3)).kneighbors(x.view(), 5).unwrap();
        assert_eq!(one, three);
    }

    #[test]
    fn zero_distances_take_all_the_weight() {
        let d = ndarray::array![[0.0, 2.0, 0.0], [1.0, 2.0, 4.0]];
        let w = weights(&d, "distance").unwrap();
        assert_eq!(w, ndarray::array![[1.0, 0.0, 1.0], [1.0, 0.5, 0.25]]);
        assert!(weights(&d, "uniform").is_none());
    }

    /// Random rows on a coarse grid (many exact ties in every metric).
    fn grid(rng: &mut Rng, n: usize, d: usize) -> Array2<f64> {
        Array2::from_shape_fn((n, d), |_| (rng.uniform() * 6.0).floor() * 0.25 - 0.5)
    }

    #[test]
    fn the_kd_tree_finds_brute_forces_neighbours_ties_included() {
        let mut rng = Rng::new(11);
        for (n, d, leaf_size) in [(1, 2, 30), (7, 1, 1), (400, 2, 1), (600, 3, 5), (900, 4, 30), (300, 6, 2)] {
            let train = grid(&mut rng, n, d);
            let x = grid(&mut rng, 80, d);
            let tree = KdTree::build(train.view(), leaf_size);
            for m in [Metric::Euclidean, Metric::Manhattan, Metric::Minkowski(3.0)] {
                let brute = query(train.view(), m, None);
                let kd = Query { tree: Some(&tree), ..query(train.view(), m, None) };
                for k in [1, 5.min(n), n] {
                    let case = format!("n={n} d={d} leaf={leaf_size} {m:?} k={k}");
                    let (db, ib) = brute.kneighbors(x.view(), k).unwrap();
                    let (dk, ik) = kd.kneighbors(x.view(), k).unwrap();
                    assert_eq!(ik, ib, "{case}");
                    assert_eq!(dk, db, "{case}");
                    assert_eq!(ib, naive(train.view(), x.view(), k, m), "{case}");
                }
                // Radii on the grid's own distances: rows exactly at the radius are in.
                for radius in [0.0, 0.25, 0.5, 0.75] {
                    let case = format!("n={n} d={d} leaf={leaf_size} {m:?} radius={radius}");
                    let rb = brute.radius_neighbors(x.view(), radius).unwrap();
                    let rk = kd.radius_neighbors(x.view(), radius).unwrap();
                    assert_eq!(rk, rb, "{case}");
                    for (q, (dist, ind)) in x.rows().into_iter().zip(&rb) {
                        let want: Vec<usize> = (0..n)
                            .filter(|&j| m.finish(m.reduced(&q.to_vec(), &train.row(j).to_vec())) <= radius)
                            .collect();
                        let mut got = ind.clone();
                        got.sort_unstable();
                        assert_eq!(got, want, "{case}");
                        assert!(dist.windows(2).all(|w| w[0] <= w[1]), "{case}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_search_follows_scikit_learns_auto_rule() {
        // sklearn/neighbors/_base.py `_fit`: brute force past 15 columns or for n_neighbors >= n_samples // 2.
        assert_eq!(fit_method("auto", "minkowski", 15, 100, Some(5)).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", "minkowski", 16, 100, Some(5)).unwrap(), "brute");
        assert_eq!(fit_method("auto", "manhattan", 3, 100, Some(49)).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", "manhattan", 3, 100, Some(50)).unwrap(), "brute");
        assert_eq!(fit_method("auto", "minkowski", 3, 100, None).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", "cosine", 3, 100, Some(5)).unwrap(), "brute");
        assert_eq!(fit_method("kd_tree", "minkowski", 40, 10, Some(9)).unwrap(), "kd_tree");
        assert_eq!(fit_method("ball_tree", "l1", 4, 10, None).unwrap(), "ball_tree");
        assert_eq!(fit_method("brute", "cosine", 4, 10, None).unwrap(), "brute");
        let err = fit_method("ball_tree", "cosine", 4, 10, None).unwrap_err().to_string();
        assert!(err.contains("Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['ball_tree'])"));
    }

    /// The kd-tree against brute force on 100 000 × 3 (`cargo test -- --ignored --nocapture kd_tree_is_faster`).
    #[test]
    #[ignore = "a timing, seconds long"]
    fn the_kd_tree_is_faster_on_many_rows_of_few_columns() {
        let mut rng = Rng::new(5);
        let train = Array2::from_shape_fn((100_000, 3), |_| rng.uniform());
        let x = Array2::from_shape_fn((2_000, 3), |_| rng.uniform());
        let t = std::time::Instant::now();
        let tree = KdTree::build(train.view(), 30);
        let build = t.elapsed();
        let brute = query(train.view(), Metric::Euclidean, None);
        let kd = Query { tree: Some(&tree), ..query(train.view(), Metric::Euclidean, None) };
        let t = std::time::Instant::now();
        let b = brute.kneighbors(x.view(), 5).unwrap();
        let brute_time = t.elapsed();
        let t = std::time::Instant::now();
        let k = kd.kneighbors(x.view(), 5).unwrap();
        let kd_time = t.elapsed();
        let t = std::time::Instant::now();
        let rb = brute.radius_neighbors(x.view(), 0.02).unwrap();
        let brute_radius = t.elapsed();
        let t = std::time::Instant::now();
        let rk = kd.radius_neighbors(x.view(), 0.02).unwrap();
        let kd_radius = t.elapsed();
        println!(
            "100000 x 3, 2000 queries: build {build:?}; k=5: brute {brute_time:?}, kd-tree {kd_time:?}; \
             radius 0.02: brute {brute_radius:?}, kd-tree {kd_radius:?}"
        );
        assert_eq!(b, k);
        assert_eq!(rb, rk);
        assert!(kd_time < brute_time && kd_radius < brute_radius);
    }
}
