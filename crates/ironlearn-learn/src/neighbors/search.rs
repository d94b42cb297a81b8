//! The nearest-neighbour search every neighbour estimator shares.
//!
//! Euclidean distances come from blocked matrix products
//! (`||a||² + ||b||² - 2a·b`), the only way brute force is fast, but that
//! formula loses precision when points are close, and scikit-learn's own
//! answers are only as good as it. So the products only pick candidates
//! (which lets them be taken in single precision, twice as fast, see
//! [`euclidean_search`]):
//! every training row whose product distance, less its rounding bound, can
//! still beat the k-th best is re-measured exactly, and the k nearest are
//! ranked by the exact distance, ties by training index. The answer is then
//! the exact one, whatever the block size or thread count. The other metrics
//! are measured exactly by plain loops. A fitted kd-tree or ball tree (see
//! [`super::kd_tree`], [`super::ball_tree`]) measures the same exact
//! distances, so whichever search a model uses, its neighbours are the same
//! rows in the same order. The radius search follows the same paths and the
//! same rule: the products only pick candidates, the exact distance decides
//! (`<=` the radius, as scikit-learn).

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{ensure, Result};

use std::collections::BinaryHeap;

use crate::n_jobs::in_pool;
use faer::{Accum, MatMut, MatRef, Par};
use ndarray::{Array2, ArrayView2, Axis, CowArray, Ix2};
use rayon::prelude::*;

use super::ball_tree::BallTree;
use super::kd_tree::KdTree;

/// Query rows × training rows of one block of the loops, at most.
const BLOCK_ENTRIES: usize = 1 << 21;
/// Query rows in one block of the loops, at most.
const BLOCK_ROWS: usize = 256;
/// Query rows in one euclidean product tile, at most.
const QUERY_BLOCK: usize = 256;
/// Training rows in one euclidean product tile.
const TRAIN_BLOCK: usize = 512;

/// A distance between rows, resolved from the `metric` and `p` parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Metric {
    Euclidean,
    Manhattan,
    Chebyshev,
    /// Any `p > 0` other than 1 and 2; below 1 not a metric (brute force only, as scikit-learn).
    Minkowski(f64),
    Cosine,
}

impl Metric {
    /// The metric names the estimators accept (scikit-learn's for these metrics).
    pub(crate) const NAMES: &'static [&'static str] =
        &["minkowski", "euclidean", "l2", "manhattan", "l1", "cityblock", "chebyshev", "infinity", "cosine"];

    /// The metric named `name`; "minkowski" with p = 2 or 1 is euclidean or manhattan, as in scikit-learn.
    pub(crate) fn new(name: &str, p: f64) -> Metric {
        match name {
            "euclidean" | "l2" => Metric::Euclidean,
            "manhattan" | "l1" | "cityblock" => Metric::Manhattan,
            "chebyshev" | "infinity" => Metric::Chebyshev,
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
            Metric::Chebyshev => "chebyshev",
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
            Metric::Chebyshev => pairs.fold(0.0, |m, (x, y)| m.max((x - y).abs())),
            Metric::Minkowski(p) => pairs.map(|(x, y)| (x - y).abs().powf(p)).sum(),
            // Rows are normalised beforehand; scikit-learn clips to [0, 2].
            Metric::Cosine => (1.0 - pairs.map(|(x, y)| x * y).sum::<f64>()).clamp(0.0, 2.0),
        }
    }

    /// The share of one coordinate's difference in the reduced distance of
    /// the coordinate-wise metrics (what [`Metric::reduced`] combines).
    pub(crate) fn term(self, diff: f64) -> f64 {
        match self {
            Metric::Euclidean => diff * diff,
            Metric::Manhattan | Metric::Chebyshev => diff.abs(),
            Metric::Minkowski(p) => diff.abs().powf(p),
            Metric::Cosine => unreachable!("cosine is not a coordinate-wise metric"),
        }
    }

    /// How [`Metric::reduced`] combines the terms: their sum, or their largest (chebyshev).
    pub(crate) fn combine(self, acc: f64, term: f64) -> f64 {
        match self {
            Metric::Chebyshev => acc.max(term),
            _ => acc + term,
        }
    }

    /// Whether the metric is a true metric a tree can prune by (not cosine, not Minkowski with p < 1).
    fn tree_metric(self) -> bool {
        match self {
            Metric::Minkowski(p) => p >= 1.0,
            Metric::Cosine => false,
            _ => true,
        }
    }

    /// The reduced value of a distance (the radius a reduced distance is compared with).
    pub(crate) fn reach(self, radius: f64) -> f64 {
        match self {
            Metric::Euclidean => radius * radius,
            Metric::Minkowski(p) => radius.powf(p),
            Metric::Manhattan | Metric::Chebyshev | Metric::Cosine => radius,
        }
    }

    /// The distance from a reduced value.
    pub(crate) fn finish(self, r: f64) -> f64 {
        match self {
            Metric::Euclidean => r.sqrt(),
            Metric::Minkowski(p) => r.powf(1.0 / p),
            Metric::Manhattan | Metric::Chebyshev | Metric::Cosine => r,
        }
    }
}

/// The search a model uses, scikit-learn's `_fit_method`: "kd_tree",
/// "ball_tree" or "brute", with its rule for "auto" (`NeighborsBase._fit`):
/// brute force for more than 15 columns or `n_neighbors >= n_samples / 2`
/// (the radius estimators have no `n_neighbors`), else a kd-tree for every
/// metric it supports (all here but cosine and Minkowski with p < 1, which get
/// brute force; every metric a ball tree serves here a kd-tree serves too,
/// so "auto" never picks the ball tree). A metric the tree asked for does not
/// support is scikit-learn's error.
pub(crate) fn fit_method(
    algorithm: &str,
    metric: Metric,
    n_features: usize,
    n_samples: usize,
    n_neighbors: Option<usize>,
) -> Result<&'static str> {
    match algorithm {
        "auto" if n_features > 15 || n_neighbors.is_some_and(|k| k >= n_samples / 2) || !metric.tree_metric() => {
            Ok("brute")
        }
        "auto" | "kd_tree" | "ball_tree" => {
            let method = if algorithm == "ball_tree" { "ball_tree" } else { "kd_tree" };
            ensure!(
                metric != Metric::Cosine,
                InvalidValue,
                "Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['{method}']) to get valid \
                 options. Metric can also be a callable function."
            );
            ensure!(
                metric.tree_metric(),
                InvalidValue,
                "algorithm=\"{method}\" does not support 0 < p < 1 for the Minkowski metric. To resolve this problem \
                 either set p >= 1 or algorithm=\"brute\"."
            );
            Ok(method)
        }
        _ => Ok("brute"),
    }
}

/// The tree `method` searches, built over `x` at fit.
pub(crate) fn build_tree(method: &str, x: ArrayView2<'_, f64>, leaf_size: usize, metric: Metric) -> Tree {
    match method {
        "kd_tree" => Tree { kd: Some(KdTree::build(x, leaf_size)), ball: None },
        "ball_tree" => Tree { kd: None, ball: Some(BallTree::build(x, leaf_size, metric)) },
        _ => Tree::default(),
    }
}

/// The tree a fitted model keeps, if any: its `_tree` (kd) or `_ball_tree` field.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tree {
    pub kd: Option<KdTree>,
    pub ball: Option<BallTree>,
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
    /// The ball tree over `fit_x`, when the model searches one.
    pub ball: Option<&'a BallTree>,
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

    /// [`Query::kneighbors`] of `x`, or with `x` None of the training rows
    /// themselves, each without itself, as scikit-learn's `kneighbors(None)`:
    /// `k + 1` are found and the row itself dropped, or (when more than `k`
    /// duplicates come first) the first one.
    pub(crate) fn kneighbors_of(
        &self,
        x: Option<ArrayView2<'_, f64>>,
        k: usize,
    ) -> Result<(Array2<f64>, Array2<usize>)> {
        if let Some(x) = x {
            return self.kneighbors(x, k);
        }
        let n_fit = self.fit_x.nrows();
        ensure!(k > 0, InvalidValue, "Expected n_neighbors > 0. Got {k}");
        ensure!(
            k < n_fit,
            InvalidValue,
            "Expected n_neighbors < n_samples_fit, but n_neighbors = {k}, n_samples_fit = {n_fit}, n_samples = {n_fit}"
        );
        let (dist, ind) = self.kneighbors(self.fit_x, k + 1)?;
        let (mut out_dist, mut out_ind) = (Array2::zeros((n_fit, k)), Array2::zeros((n_fit, k)));
        for i in 0..n_fit {
            let skip = ind.row(i).iter().position(|&j| j == i).unwrap_or(0);
            let kept = (0..=k).filter(|&j| j != skip);
            for (col, j) in kept.enumerate() {
                out_dist[[i, col]] = dist[[i, j]];
                out_ind[[i, col]] = ind[[i, j]];
            }
        }
        Ok((out_dist, out_ind))
    }

    /// [`Query::radius_neighbors`] of `x`, or with `x` None of the training
    /// rows themselves, each without itself (scikit-learn's `radius_neighbors(None)`).
    pub(crate) fn radius_neighbors_of(
        &self,
        x: Option<ArrayView2<'_, f64>>,
        radius: f64,
    ) -> Result<Vec<(Vec<f64>, Vec<usize>)>> {
        let Some(x) = x else {
            let mut found = self.radius_neighbors(self.fit_x, radius)?;
            for (i, (dist, ind)) in found.iter_mut().enumerate() {
                if let Some(at) = ind.iter().position(|&j| j == i) {
                    dist.remove(at);
                    ind.remove(at);
                }
            }
            return Ok(found);
        };
        self.radius_neighbors(x, radius)
    }

    /// Training rows and queries as the metric measures them (cosine: unit rows).
    fn prepared<'b>(&'b self, x: ArrayView2<'b, f64>) -> (CowArray<'b, f64, Ix2>, CowArray<'b, f64, Ix2>) {
        match self.metric {
            Metric::Cosine => (CowArray::from(normalized(self.fit_x)), CowArray::from(normalized(x))),
            _ => (standard(self.fit_x), standard(x)),
        }
    }

    fn search(&self, x: ArrayView2<'_, f64>, k: usize) -> Vec<Vec<(f64, usize)>> {
        self.find(x, Select::Nearest(k))
    }

    fn search_radius(&self, x: ArrayView2<'_, f64>, radius: f64) -> Vec<Vec<(f64, usize)>> {
        self.find(x, Select::Within(self.metric.reach(radius)))
    }

    /// Each query row's kept training rows: from the tree, in parallel over
    /// rows, or by brute force, in parallel over blocks of rows.
    fn find(&self, x: ArrayView2<'_, f64>, select: Select) -> Vec<Vec<(f64, usize)>> {
        let metric = self.metric;
        let (train, queries) = self.prepared(x);
        let data = train.as_slice().expect("standard layout");
        let d = train.ncols();
        let one = |q: &[f64]| match (self.tree, self.ball, select) {
            (Some(t), _, Select::Nearest(k)) => t.kneighbors(data, d, q, k, metric),
            (Some(t), _, Select::Within(reach)) => t.within(data, d, q, reach, metric),
            (None, Some(b), Select::Nearest(k)) => b.kneighbors(data, d, q, k, metric),
            (None, Some(b), Select::Within(reach)) => b.within(data, d, q, reach, metric),
            (None, None, _) => unreachable!("a tree search has a tree"),
        };
        if self.tree.is_some() || self.ball.is_some() {
            return (0..queries.nrows())
                .into_par_iter()
                .map(|i| one(queries.row(i).as_slice().expect("standard layout")))
                .collect();
        }
        if metric == Metric::Euclidean {
            return euclidean_search(&train, queries.view(), select);
        }
        let rows = (BLOCK_ENTRIES / train.nrows().max(1)).clamp(1, BLOCK_ROWS);
        let blocks: Vec<_> = queries.axis_chunks_iter(Axis(0), rows).collect();
        blocks.into_par_iter().flat_map_iter(|block| plain_block(&train, block, select, metric)).collect()
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

/// A reduced distance ordered by `total_cmp`, for a max-heap.
#[derive(Debug, Clone, Copy)]
struct Key(f64);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The euclidean brute-force search: squared distances of a block of
/// queries and a block of training rows from one matrix product
/// (`||a||² + ||b||² - 2a·b`, faer's kernel), scanned once per query row
/// against a running bound (the k-th smallest upper rounding bound so far,
/// or the radius), as scikit-learn's `ArgKmin` scans its chunks; the few rows
/// whose lower rounding bound does not exceed the final bound are then
/// measured exactly and ranked (see the module documentation). Blocks bound
/// the memory (one product tile per thread) and keep the tile in cache.
///
/// The products only pick candidates, so they need not be exact, only
/// bounded: they are taken in single precision (the kernel does twice the
/// work per instruction, and the product is most of the search) of the rows
/// less the training mean (which keeps `||a||² + ||b||²`, hence the bound,
/// near the distances themselves). Rounding the centred values to `f32`
/// moves each difference `a_l - b_l` by at most ε₃₂(|a_l| + |b_l|), so the
/// squared distance by at most about 4ε₃₂(||a||² + ||b||²), and the product
/// adds d·ε₃₂ of the same; `c = (4d + 16)ε₃₂` is twice that, and gradual
/// underflow adds at most `d·1e-44` in all. The norms and the rest are in
/// `f64`. Values too large for `f32` products (`d·max² > 1e37`) are taken
/// in `f64` as they are.
fn euclidean_search(
    train: &CowArray<'_, f64, Ix2>,
    queries: ArrayView2<'_, f64>,
    select: Select,
) -> Vec<Vec<(f64, usize)>> {
    let d = train.ncols();
    let mean = train.mean_axis(Axis(0)).unwrap_or_else(|| ndarray::Array1::zeros(d));
    // Row-major (as `prepared` leaves them), a plain loop the compiler vectorises.
    let centred = |x: ArrayView2<'_, f64>| -> (Vec<f32>, f64) {
        let mut out = vec![0.0f32; x.len()];
        let rows = x.as_slice().expect("standard layout").chunks_exact(d.max(1));
        for (o, row) in out.chunks_exact_mut(d.max(1)).zip(rows) {
            for ((o, v), m) in o.iter_mut().zip(row).zip(&mean) {
                *o = (v - m) as f32;
            }
        }
        let largest = out.iter().fold(0.0f32, |a, v| if v.abs() > a { v.abs() } else { a });
        (out, f64::from(largest))
    };
    let (train32, train_max) = centred(train.view());
    let (queries32, queries_max) = centred(queries);
    let largest = train_max.max(queries_max);
    if largest.is_finite() && d as f64 * largest * largest <= 1e37 {
        let c = (4 * d + 16) as f64 * f64::from(f32::EPSILON);
        let products = Products { train: &train32, queries: &queries32, c, abs: d as f64 * 1e-44 };
        return products.search(train, queries, select);
    }
    // Rounding of ||a||² + ||b||² - 2a·b is below d·ε·(||a||² + ||b||²) each
    // for the two norms and the product (any summation order), plus a few ε for the sums; twice that is safe.
    let c = (4 * d + 16) as f64 * f64::EPSILON;
    let products = Products {
        train: train.as_slice().expect("standard layout"),
        queries: queries.as_slice().expect("standard layout"),
        c,
        abs: 0.0,
    };
    products.search(train, queries, select)
}

/// The rows whose products pick the candidates of [`euclidean_search`]
/// (row-major, as wide as the training rows), and the rounding bound of a
/// squared distance from them: `c·(||a||² + ||b||²) + abs`.
struct Products<'a, T> {
    train: &'a [T],
    queries: &'a [T],
    c: f64,
    abs: f64,
}

/// The precisions the products are taken in.
trait Precision:
    faer::traits::ComplexField
    + Copy
    + Default
    + PartialOrd
    + Into<f64>
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + Send
    + Sync
{
    /// The precision's machine epsilon.
    const EPSILON: f64;
    /// `v` rounded to the precision.
    fn round(v: f64) -> Self;
}

impl Precision for f32 {
    const EPSILON: f64 = f32::EPSILON as f64;
    fn round(v: f64) -> f32 {
        v as f32
    }
}

impl Precision for f64 {
    const EPSILON: f64 = f64::EPSILON;
    fn round(v: f64) -> f64 {
        v
    }
}

impl<T: Precision> Products<'_, T> {
    /// The kept rows of each query of `queries` (measured exactly on `train` and `queries`).
    fn search(
        &self,
        train: &CowArray<'_, f64, Ix2>,
        queries: ArrayView2<'_, f64>,
        select: Select,
    ) -> Vec<Vec<(f64, usize)>> {
        let (n, d) = train.dim();
        let data = train.as_slice().expect("standard layout");
        let exact_queries = queries.as_slice().expect("standard layout");
        let sq = |x: &[T]| -> Vec<f64> {
            x.chunks_exact(d.max(1)).map(|r| r.iter().map(|&v| v.into() * v.into()).sum()).collect()
        };
        let train_sq = if d == 0 { vec![0.0; n] } else { sq(self.train) };
        let max_sq = train_sq.iter().fold(0.0, |m: f64, &v| m.max(v));
        let train_sq_t: Vec<T> = train_sq.iter().map(|&v| T::round(v)).collect();
        let (c, abs) = (self.c, self.abs);
        // Enough blocks for every thread, but no more rows than one tile holds well.
        let rows = queries.nrows().div_ceil(4 * rayon::current_num_threads()).clamp(1, QUERY_BLOCK);
        let blocks: Vec<_> = (0..queries.nrows()).step_by(rows).collect();
        blocks
            .into_par_iter()
            .flat_map_iter(|first| {
                let m = rows.min(queries.nrows() - first);
                let q_data = &self.queries[first * d..(first + m) * d];
                let q_sq = if d == 0 { vec![0.0; m] } else { sq(q_data) };
                let mut bound = vec![
                    match select {
                        Select::Nearest(_) => f64::INFINITY,
                        Select::Within(reach) => reach,
                    };
                    m
                ];
                let mut heaps: Vec<BinaryHeap<Key>> = vec![BinaryHeap::new(); m];
                // (lower rounding bound, training row) of every row that may be kept.
                let mut cand: Vec<Vec<(f64, usize)>> = vec![Vec::new(); m];
                let mut tile = vec![T::default(); m * TRAIN_BLOCK.min(n)];
                for start in (0..n).step_by(TRAIN_BLOCK) {
                    let t = TRAIN_BLOCK.min(n - start);
                    let tile = &mut tile[..m * t];
                    faer::linalg::matmul::matmul(
                        MatMut::from_row_major_slice_mut(tile, m, t),
                        Accum::Replace,
                        MatRef::from_row_major_slice(q_data, m, d),
                        MatRef::from_row_major_slice(&self.train[start * d..(start + t) * d], t, d).transpose(),
                        T::one_impl(),
                        Par::Seq,
                    );
                    // faer's kernels leave the AVX state dirty (see `ironlearn_linalg::clean_simd_state`).
                    ironlearn_linalg::clean_simd_state();
                    let (sq, sq_t) = (&train_sq[start..start + t], &train_sq_t[start..start + t]);
                    for (i, products) in tile.chunks_exact(t).enumerate() {
                        let row = Row {
                            q_sq: q_sq[i],
                            c,
                            abs,
                            select,
                            cand: &mut cand[i],
                            heap: &mut heaps[i],
                            bound: &mut bound[i],
                        };
                        row.scan(products, sq, sq_t, start, max_sq);
                    }
                }
                (0..m)
                    .map(|i| {
                        let q = &exact_queries[(first + i) * d..(first + i + 1) * d];
                        let exact = cand[i]
                            .iter()
                            .filter(|c| c.0.partial_cmp(&bound[i]) != Some(std::cmp::Ordering::Greater))
                            .map(|&(_, j)| (Metric::Euclidean.reduced(q, &data[j * d..(j + 1) * d]), j))
                            .collect();
                        select.keep(exact)
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// Training rows tested at once by [`Row::scan`]'s first pass.
const LANES: usize = 16;

/// One query row's state in [`euclidean_search`]: its squared norm, the
/// rounding factor, its candidates, heap of upper bounds and running bound.
struct Row<'a> {
    q_sq: f64,
    c: f64,
    abs: f64,
    select: Select,
    cand: &'a mut Vec<(f64, usize)>,
    heap: &'a mut BinaryHeap<Key>,
    bound: &'a mut f64,
}

impl Row<'_> {
    /// Scans one tile row: `products[jj]` is the product with training row
    /// `start + jj`, whose squared norm is `sq[jj]` (`sq_t[jj]` rounded to
    /// the products' precision); `max_sq` bounds every training row's.
    ///
    /// Almost every row fails the bound, and the row-by-row test
    /// ([`Row::push`]) costs a dozen operations, so `LANES` rows are first
    /// tested together by a cheaper one, in the products' precision, that
    /// the compiler vectorises: `||b||² - 2a·b > (bound - ||a||²) + margin`
    /// rejects only rows that [`Row::push`] rejects too. Its rounding (a few
    /// ε of `||a||² + ||b||²` and of the bound, ε of the products'
    /// precision) is below the margin, twice the rounding bound
    /// `c·(||a||² + max ||b||²) + abs` plus 4ε of the bound, and with the
    /// norms below `f64::MAX / 64` nothing overflows (else every row goes row
    /// by row). Only a group where one row may pass goes row by row, so the
    /// candidates, and the answer, are those of the row-by-row test alone.
    fn scan<T: Precision>(mut self, products: &[T], sq: &[f64], sq_t: &[T], start: usize, max_sq: f64) {
        let q_sq = self.q_sq;
        let filter = q_sq <= f64::MAX / 64.0 && max_sq <= f64::MAX / 64.0;
        let margin = 2.0 * (self.c * (q_sq + max_sq) + self.abs);
        let threshold = |bound: f64| T::round((bound - q_sq) + (margin + 4.0 * T::EPSILON * bound.abs()));
        let mut limit = threshold(*self.bound);
        let mut base = 0;
        for (p, s) in products.chunks_exact(LANES).zip(sq_t.chunks_exact(LANES)) {
            let (p, s): (&[T; LANES], &[T; LANES]) = (p.try_into().expect("LANES"), s.try_into().expect("LANES"));
            if filter && !(0..LANES).fold(false, |any, l| any | (s[l] - (p[l] + p[l]) <= limit)) {
                base += LANES;
                continue;
            }
            for l in 0..LANES {
                self.push(p[l].into(), sq[base + l], start + base + l);
            }
            limit = threshold(*self.bound);
            base += LANES;
        }
        for (jj, (&p, &s)) in products.iter().zip(sq).enumerate().skip(base) {
            self.push(p.into(), s, start + jj);
        }
    }

    /// Keeps training row `j` (product `p`, squared norm `t_sq`) as a
    /// candidate if its lower rounding bound does not exceed the bound, and
    /// tightens the bound by its upper one.
    fn push(&mut self, p: f64, t_sq: f64, j: usize) {
        let s = self.q_sq + t_sq;
        let (dist, e) = (s - 2.0 * p, self.c * s + self.abs);
        // NaN (an overflow) stays a candidate.
        if dist - e > *self.bound {
            return;
        }
        self.cand.push((dist - e, j));
        if let Select::Nearest(k) = self.select {
            let upper = dist + e;
            if upper.is_nan() {
                return;
            }
            if self.heap.len() < k {
                self.heap.push(Key(upper));
            } else if self.heap.peek().is_some_and(|w| upper < w.0) {
                self.heap.pop();
                self.heap.push(Key(upper));
            }
            if self.heap.len() == k {
                // No row beyond the k-th smallest upper bound can be among the k nearest.
                *self.bound = self.heap.peek().expect("k > 0").0;
            }
        }
    }
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
        Query { estimator: "test", fit_x, metric, n_jobs, tree: None, ball: None }
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
        // More rows than one product tile holds, and more queries than one block.
        let train = Array2::from_shape_fn((2500, 3), &mut draw);
        let x = Array2::from_shape_fn((300, 3), &mut draw);
        for m in
            [Metric::Euclidean, Metric::Manhattan, Metric::Chebyshev, Metric::Minkowski(3.0), Metric::Minkowski(0.5)]
        {
            let (_, ind) = query(train.view(), m, None).kneighbors(x.view(), 7).unwrap();
            assert_eq!(ind, naive(train.view(), x.view(), 7, m), "{m:?}");
        }
    }

    #[test]
    fn single_and_double_precision_products_give_the_same_exact_neighbours() {
        // A grid of ties at every scale: small (gradual underflow in f32), ordinary, far from the
        // origin, and too large for f32 products (the f64 products then pick the candidates).
        let mut rng = Rng::new(5);
        let steps = Array2::from_shape_fn((1300, 4), |_| (rng.uniform() * 5.0).floor() - 2.0);
        for (scale, offset) in [(1e-30, 0.0), (1e-42, 1e-41), (0.25, 0.0), (0.5, 3e9), (1e19, 0.0), (1e150, -1e151)] {
            let rows = steps.mapv(|v| offset + scale * v);
            let (train, x) = (rows.slice(ndarray::s![..1000, ..]), rows.slice(ndarray::s![1000.., ..]));
            for k in [1, 6] {
                let (_, ind) = query(train, Metric::Euclidean, None).kneighbors(x, k).unwrap();
                assert_eq!(ind, naive(train, x, k, Metric::Euclidean), "scale {scale} offset {offset} k {k}");
            }
            let brute = query(train, Metric::Euclidean, None).radius_neighbors(x, 2.0 * scale).unwrap();
            for (q, (_, ind)) in x.rows().into_iter().zip(&brute) {
                let mut got = ind.clone();
                got.sort_unstable();
                let want: Vec<usize> = (0..train.nrows())
                    .filter(|&j| Metric::Euclidean.reduced(&q.to_vec(), &train.row(j).to_vec()).sqrt() <= 2.0 * scale)
                    .collect();
                assert_eq!(got, want, "scale {scale} offset {offset}");
            }
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
    fn the_attributes_are_the_saved_fields_but_the_training_data() {
        use crate::{
            KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors, RadiusNeighborsClassifier,
            RadiusNeighborsRegressor,
        };
        use ironlearn_core::{Fit, FitTransform, Fitted, Labels};
        fn same<M: Fitted + serde::Serialize>(m: &M) {
            let all = ironlearn_core::state::attributes(&ironlearn_core::state::to_parts(m).unwrap());
            assert!(!all.is_empty());
            assert_eq!(m.attributes(), all);
        }
        let x = ndarray::array![[0.0, 1.0], [1.0, 0.5], [2.0, 2.0], [3.0, 1.0]];
        let labels = Labels::from_strings(&["a", "b", "a", "b"]);
        let y = [1.0, 2.0, 3.0, 4.0];
        same(&KNeighborsClassifier { n_neighbors: 2, ..Default::default() }.fit(x.view(), &labels).unwrap());
        same(&KNeighborsRegressor { n_neighbors: 2, ..Default::default() }.fit(x.view(), &y[..]).unwrap());
        same(&NearestNeighbors::default().fit(x.view()).unwrap());
        let outlier = RadiusNeighborsClassifier { outlier_label: Some("a".into()), ..Default::default() };
        same(&outlier.fit(x.view(), &labels).unwrap());
        same(&RadiusNeighborsClassifier::default().fit(x.view(), &labels).unwrap());
        same(&RadiusNeighborsRegressor::default().fit(x.view(), &y[..]).unwrap());
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
    fn the_trees_find_brute_forces_neighbours_ties_included() {
        let mut rng = Rng::new(11);
        for (n, d, leaf_size) in [(1, 2, 30), (7, 1, 1), (400, 2, 1), (600, 3, 5), (900, 4, 30), (300, 6, 2)] {
            let train = grid(&mut rng, n, d);
            let x = grid(&mut rng, 80, d);
            let tree = KdTree::build(train.view(), leaf_size);
            for m in [Metric::Euclidean, Metric::Manhattan, Metric::Chebyshev, Metric::Minkowski(3.0)] {
                let ball_tree = BallTree::build(train.view(), leaf_size, m);
                let brute = query(train.view(), m, None);
                let kd = Query { tree: Some(&tree), ..query(train.view(), m, None) };
                let ball = Query { ball: Some(&ball_tree), ..query(train.view(), m, None) };
                for k in [1, 5.min(n), n] {
                    let case = format!("n={n} d={d} leaf={leaf_size} {m:?} k={k}");
                    let (db, ib) = brute.kneighbors(x.view(), k).unwrap();
                    let (dk, ik) = kd.kneighbors(x.view(), k).unwrap();
                    assert_eq!(ik, ib, "{case}");
                    assert_eq!(dk, db, "{case}");
                    assert_eq!(ball.kneighbors(x.view(), k).unwrap(), (db, ib.clone()), "{case} (ball tree)");
                    assert_eq!(ib, naive(train.view(), x.view(), k, m), "{case}");
                }
                // Radii on the grid's own distances: rows exactly at the radius are in.
                for radius in [0.0, 0.25, 0.5, 0.75] {
                    let case = format!("n={n} d={d} leaf={leaf_size} {m:?} radius={radius}");
                    let rb = brute.radius_neighbors(x.view(), radius).unwrap();
                    let rk = kd.radius_neighbors(x.view(), radius).unwrap();
                    assert_eq!(rk, rb, "{case}");
                    assert_eq!(ball.radius_neighbors(x.view(), radius).unwrap(), rb, "{case} (ball tree)");
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
        assert_eq!(fit_method("auto", Metric::new("minkowski", 2.0), 15, 100, Some(5)).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", Metric::new("minkowski", 2.0), 16, 100, Some(5)).unwrap(), "brute");
        assert_eq!(fit_method("auto", Metric::new("manhattan", 2.0), 3, 100, Some(49)).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", Metric::new("manhattan", 2.0), 3, 100, Some(50)).unwrap(), "brute");
        assert_eq!(fit_method("auto", Metric::new("minkowski", 2.0), 3, 100, None).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", Metric::new("cosine", 2.0), 3, 100, Some(5)).unwrap(), "brute");
        assert_eq!(fit_method("kd_tree", Metric::new("minkowski", 2.0), 40, 10, Some(9)).unwrap(), "kd_tree");
        assert_eq!(fit_method("ball_tree", Metric::new("l1", 2.0), 4, 10, None).unwrap(), "ball_tree");
        assert_eq!(fit_method("brute", Metric::new("cosine", 2.0), 4, 10, None).unwrap(), "brute");
        let err = fit_method("ball_tree", Metric::new("cosine", 2.0), 4, 10, None).unwrap_err().to_string();
        assert!(err.contains("Metric 'cosine' not valid. Use sorted(sklearn.neighbors.VALID_METRICS['ball_tree'])"));
        // Chebyshev is a kd-tree metric; Minkowski with p < 1 is no metric: brute force, or scikit-learn's error.
        assert_eq!(fit_method("auto", Metric::new("chebyshev", 2.0), 3, 100, Some(5)).unwrap(), "kd_tree");
        assert_eq!(fit_method("auto", Metric::new("minkowski", 0.5), 3, 100, Some(5)).unwrap(), "brute");
        assert_eq!(fit_method("brute", Metric::new("minkowski", 0.5), 3, 100, Some(5)).unwrap(), "brute");
        let err = fit_method("kd_tree", Metric::new("minkowski", 0.5), 3, 100, Some(5)).unwrap_err().to_string();
        assert!(err.contains("algorithm=\"kd_tree\" does not support 0 < p < 1 for the Minkowski metric"), "{err}");
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
