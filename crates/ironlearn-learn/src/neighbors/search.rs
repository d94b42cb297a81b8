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
//! are measured exactly by plain loops.

use ironlearn_core::validate::check_predict_input;
use ironlearn_core::{ensure, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis, CowArray, Ix2};
use rayon::prelude::*;

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
    fn reduced(self, a: &[f64], b: &[f64]) -> f64 {
        let pairs = a.iter().zip(b);
        match self {
            Metric::Euclidean => pairs.map(|(x, y)| (x - y) * (x - y)).sum(),
            Metric::Manhattan => pairs.map(|(x, y)| (x - y).abs()).sum(),
            Metric::Minkowski(p) => pairs.map(|(x, y)| (x - y).abs().powf(p)).sum(),
            // Rows are normalised beforehand; scikit-learn clips to [0, 2].
            Metric::Cosine => (1.0 - pairs.map(|(x, y)| x * y).sum::<f64>()).clamp(0.0, 2.0),
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

/// What a query needs from the fitted model and its parameters.
pub(crate) struct Query<'a> {
    /// The estimator's name, for messages.
    pub estimator: &'static str,
    pub fit_x: ArrayView2<'a, f64>,
    pub metric: Metric,
    pub n_jobs: Option<i64>,
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
        let threads = threads(self.n_jobs);
        if threads == rayon::current_num_threads() {
            return Ok(self.search(x, k));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| ironlearn_core::Error::InvalidValue(format!("n_jobs: cannot start {threads} threads: {e}")))?;
        Ok(pool.install(|| self.search(x, k)))
    }

    fn search(&self, x: ArrayView2<'_, f64>, k: usize) -> (Array2<f64>, Array2<usize>) {
        let (n_fit, n_q) = (self.fit_x.nrows(), x.nrows());
        let (train, queries) = match self.metric {
            Metric::Cosine => (CowArray::from(normalized(self.fit_x)), CowArray::from(normalized(x))),
            _ => (self.fit_x.as_standard_layout(), x.as_standard_layout()),
        };
        let train_sq: Array1<f64> = train.rows().into_iter().map(|r| r.dot(&r)).collect();
        let rows = (BLOCK_ENTRIES / n_fit.max(1)).clamp(1, BLOCK_ROWS);
        let blocks: Vec<_> = queries.axis_chunks_iter(Axis(0), rows).collect();
        let found: Vec<Vec<(f64, usize)>> = blocks
            .into_par_iter()
            .flat_map_iter(|block| match self.metric {
                Metric::Euclidean => euclidean_block(&train, &train_sq, block, k),
                m => plain_block(&train, block, k, m),
            })
            .collect();
        let mut dist = Array2::zeros((n_q, k));
        let mut ind = Array2::zeros((n_q, k));
        for (i, row) in found.iter().enumerate() {
            for (j, &(r, idx)) in row.iter().enumerate() {
                dist[[i, j]] = self.metric.finish(r);
                ind[[i, j]] = idx;
            }
        }
        (dist, ind)
    }
}

/// The thread count for scikit-learn's `n_jobs`: None and -1 are every
/// thread of the current pool, -2 all but one, and so on.
fn threads(n_jobs: Option<i64>) -> usize {
    let all = rayon::current_num_threads() as i64;
    match n_jobs {
        None | Some(0) => all as usize,
        Some(j) if j < 0 => (all + 1 + j).max(1) as usize,
        Some(j) => j as usize,
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
    k: usize,
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
            smallest(all, k)
        })
        .collect()
}

/// Squared euclidean distances of a query block from one matrix product,
/// then the exact re-ranking of the rows that may be among the `k` nearest.
fn euclidean_block(
    train: &CowArray<'_, f64, Ix2>,
    train_sq: &Array1<f64>,
    block: ArrayView2<'_, f64>,
    k: usize,
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
            for (j, u) in upper.iter_mut().enumerate() {
                let (d, e) = approx(j);
                *u = d + e;
            }
            // No row beyond the k-th smallest upper bound can be among the k nearest.
            let (_, bound, _) = upper.select_nth_unstable_by(k - 1, f64::total_cmp);
            let bound = *bound;
            let q = q.to_vec();
            let cand = (0..train.nrows())
                .filter(|&j| {
                    let (d, e) = approx(j);
                    // NaN (an overflow) stays a candidate.
                    (d - e).partial_cmp(&bound) != Some(std::cmp::Ordering::Greater)
                })
                .map(|j| (Metric::Euclidean.reduced(&q, train.row(j).as_slice().expect("standard layout")), j))
                .collect();
            smallest(cand, k)
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

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::Rng;

    fn query(fit_x: ArrayView2<'_, f64>, metric: Metric, n_jobs: Option<i64>) -> Query<'_> {
        Query { estimator: "test", fit_x, metric, n_jobs }
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
}
