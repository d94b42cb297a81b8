//! k-means clustering, step for step as scikit-learn's `KMeans` runs it.
//!
//! People check a port of k-means by fitting both libraries from the same
//! initial centres and comparing, so every step that changes the result is
//! scikit-learn's: the data are centred before distances are taken, the
//! tolerance is relative to the mean feature variance, an empty cluster is
//! moved to the row farthest from its centre, a run stops on unchanged labels
//! or a small centre shift and then relabels the rows once more, and of several
//! runs the one with the lowest inertia is kept. Only the seeding draws differ,
//! because they come from our own [`Rng`], which does not change with a
//! dependency.
//!
//! Elkan's variant keeps triangle-inequality bounds to skip most distances
//! when clusters are well apart, and reaches the same centres as Lloyd's.
//! Rows are split into blocks whose size depends only on the row count, and
//! partial sums are added in block order, so the model does not depend on the
//! number of threads.

use faer::{Accum, MatMut, MatRef, Par};
use ironlearn_core::validate::{check_finite, check_not_empty, check_predict_input, check_sample_weight};
use ironlearn_core::{
    ensure, hyperparams, register, Data as Output, Domain, Error, Features, FitContext, Fitted, Learn, Params,
    Prediction, Result, Rng, Task, TrainData,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

hyperparams! {
    /// k-means clustering: `n_clusters` centres that minimise the weighted sum
    /// of squared distances from each row to its nearest centre (the inertia).
    ///
    /// ```
    /// use ironlearn_learn::KMeans;
    /// use ndarray::array;
    ///
    /// let x = array![[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]];
    /// let model = KMeans { n_clusters: 2, ..Default::default() }.fit(x.view(), None)?;
    /// // scikit-learn: KMeans(n_clusters=2).fit(x).inertia_ == 16.0
    /// assert!((model.inertia() - 16.0).abs() < 1e-9);
    /// let labels = model.labels();
    /// assert_eq!(model.predict(array![[0.0, 0.0], [12.0, 3.0]].view())?, [labels[0], labels[3]]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "kmeans"]
    #[aliases("k_means")]
    #[tags(task = Some(Task::Clustering), sample_weight, wants_scaling, transform)]
    pub struct KMeans {
        /// The number of clusters, and of centres.
        n_clusters: usize = 8, domain(Domain::int_range(1, u32::MAX as i64));
        /// How a run picks its first centres: "k-means++" (greedy k-means++,
        /// spreading them out) or "random" (rows drawn in proportion to their weight).
        init: String = "k-means++".to_string(),
            domain(Domain::choice(&["k-means++", "random"]));
        /// The number of runs from different initial centres; the run with the
        /// lowest inertia is kept.
        n_init: usize = 1, domain(Domain::int_min(1));
        /// The most iterations of one run.
        max_iter: usize = 300, domain(Domain::int_min(1));
        /// A run stops when the squared centre shift, summed over centres, is
        /// at most `tol` times the mean per-feature variance of X.
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
        /// "lloyd", or "elkan" (the same result, fewer distances when clusters are well apart).
        algorithm: String = "lloyd".to_string(),
            domain(Domain::choice(&["lloyd", "elkan"]));
        /// The seed of the initial centres; run `r` of `n_init` uses the stream `Rng::new(seed).fork(r)`.
        random_state: u64 = 0;
    }
}

/// A fitted [`KMeans`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansModel {
    pub(crate) params: KMeans,
    pub(crate) cluster_centers: Array2<f64>,
    pub(crate) labels: Vec<u32>,
    pub(crate) inertia: f64,
    pub(crate) n_iter: usize,
}

impl Learn for KMeans {
    type Model = KMeansModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<KMeansModel> {
        self.fit(data.dense()?.view(), data.weight)
    }
}

impl Fitted for KMeansModel {
    type Estimator = KMeans;

    fn n_features_in(&self) -> usize {
        self.cluster_centers.ncols()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let labels = self.predict(x.to_dense()?.view())?;
        Ok(Prediction::Clusters(Array1::from_iter(labels.into_iter().map(i64::from))))
    }

    /// Distances to every centre, as scikit-learn's `transform`.
    fn transform_data(&self, x: Features<'_>) -> Result<Output> {
        Ok(Output::Dense(self.transform(x.to_dense()?.view())?))
    }

    fn feature_names_out(&self, _input: &[String]) -> Vec<String> {
        (0..self.cluster_centers.nrows()).map(|k| format!("kmeans{k}")).collect()
    }
}

register!(KMeans);

/// Rows per distance product: enough for an efficient matrix product, few enough to stay in cache.
const CHUNK: usize = 256;
/// At most this many blocks of parallel work, so the partial sums stay small whatever the row count.
const MAX_BLOCKS: usize = 64;

/// The training data as every run sees it: centred, with squared row norms and weights.
struct Data {
    /// Standard layout.
    x: Array2<f64>,
    x_sq: Vec<f64>,
    w: Vec<f64>,
    mean: Vec<f64>,
    /// The absolute tolerance on the summed squared centre shift.
    tol: f64,
}

impl Data {
    fn rows(&self) -> Rows<'_> {
        Rows::of(self.x.view())
    }
}

/// The outcome of one run, in centred coordinates.
struct Run {
    centers: Array2<f64>,
    labels: Vec<u32>,
    inertia: f64,
    n_iter: usize,
}

impl KMeans {
    /// Clusters `x`, keeping the best of `n_init` runs.
    pub fn fit(&self, x: ArrayView2<'_, f64>, sample_weight: Option<&[f64]>) -> Result<KMeansModel> {
        let d = self.prepare(x, sample_weight)?;
        let mut best: Option<Run> = None;
        for r in 0..self.n_init {
            let run = self.seeded_run(&d, r)?;
            // As scikit-learn: a lower inertia with the same partition is not a better run.
            if best
                .as_ref()
                .is_none_or(|b| run.inertia < b.inertia && !same_clustering(&run.labels, &b.labels, self.n_clusters))
            {
                best = Some(run);
            }
        }
        Ok(self.model(&d, best.expect("n_init >= 1 was validated")))
    }

    /// One run from the given initial centres (`n_init` and `init` are not
    /// used), like scikit-learn's `KMeans(init=init_centers, n_init=1)`.
    pub fn fit_from_centers(
        &self,
        x: ArrayView2<'_, f64>,
        sample_weight: Option<&[f64]>,
        init_centers: ArrayView2<'_, f64>,
    ) -> Result<KMeansModel> {
        let d = self.prepare(x, sample_weight)?;
        ensure!(
            init_centers.dim() == (self.n_clusters, x.ncols()),
            Shape,
            "init_centers has shape {:?}, but n_clusters={} and X has {} features",
            init_centers.shape(),
            self.n_clusters,
            x.ncols()
        );
        check_finite(init_centers, "init_centers")?;
        let init = Array2::from_shape_fn(init_centers.dim(), |(i, j)| init_centers[[i, j]] - d.mean[j]);
        Ok(self.model(&d, self.run(&d, init)))
    }

    fn prepare(&self, x: ArrayView2<'_, f64>, w: Option<&[f64]>) -> Result<Data> {
        self.validate()?;
        check_not_empty(x)?;
        check_finite(x, "X")?;
        check_sample_weight(w, x.nrows())?;
        let (n, p) = x.dim();
        if n < self.n_clusters {
            return Err(Error::param(
                "n_clusters",
                format!("n_samples={n} should be >= n_clusters={}", self.n_clusters),
            ));
        }
        // Centring makes `||x||² - 2x·c + ||c||²` lose less to cancellation, as in scikit-learn.
        let mean: Vec<f64> = x.sum_axis(Axis(0)).iter().map(|s| s / n as f64).collect();
        let mut x = x.as_standard_layout().into_owned();
        x.as_slice_mut()
            .expect("standard layout")
            .par_chunks_mut(p)
            .for_each(|r| r.iter_mut().zip(&mean).for_each(|(v, m)| *v -= m));
        let x_sq = row_sq_norms(Rows::of(x.view()));
        // The mean over features of the (population) variance, from the centred data.
        let mean_var = x_sq.iter().sum::<f64>() / (n * p) as f64;
        let tol = if self.tol == 0.0 { 0.0 } else { self.tol * mean_var };
        let w = w.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        Ok(Data { x, x_sq, w, mean, tol })
    }

    /// Run `r` of `n_init`: its own random stream, its own initial centres.
    fn seeded_run(&self, d: &Data, r: usize) -> Result<Run> {
        let mut rng = Rng::new(self.random_state).fork(r as u64);
        let init = match self.init.as_str() {
            "k-means++" => kmeans_plusplus(d, self.n_clusters, &mut rng),
            "random" => random_init(d, self.n_clusters, &mut rng)?,
            other => unreachable!("init '{other}' passed validation"),
        };
        Ok(self.run(d, init))
    }

    /// Lloyd or Elkan iterations from `centers` (centred coordinates).
    fn run(&self, d: &Data, mut centers: Array2<f64>) -> Run {
        let (x, n) = (d.rows(), d.x.nrows());
        let w = Some(&d.w[..]);
        let mut labels = vec![0u32; n];
        // With one cluster there are no bounds to keep; scikit-learn falls back to Lloyd too.
        let mut elkan = (self.algorithm == "elkan" && self.n_clusters > 1)
            .then(|| Elkan::new(x, Rows::of(centers.view()), &mut labels));
        let mut labels_old = vec![u32::MAX; n];
        let (mut n_iter, mut strict) = (0, false);
        for i in 0..self.max_iter {
            n_iter = i + 1;
            let c = Rows::of(centers.view());
            let sums = match &mut elkan {
                Some(e) => e.step(x, w, c, &mut labels),
                None => assign(x, c, &mut labels, w),
            }
            .expect("weights were given");
            let (new, shift) = update_centers(d, c, &labels, sums);
            if let Some(e) = &mut elkan {
                e.shift_bounds(&labels, &shift);
                e.set_centers(Rows::of(new.view()));
            }
            centers = new;
            if labels == labels_old {
                strict = true;
                break;
            }
            if shift.iter().map(|s| s * s).sum::<f64>() <= d.tol {
                break;
            }
            labels_old.copy_from_slice(&labels);
        }
        let c = Rows::of(centers.view());
        if !strict {
            // The centres moved after the last labelling: label again so labels match centres.
            match &mut elkan {
                Some(e) => e.step(x, None, c, &mut labels),
                None => assign(x, c, &mut labels, None),
            };
        }
        let inertia = inertia(x, w, c, &labels);
        Run { centers, labels, inertia, n_iter }
    }

    fn model(&self, d: &Data, run: Run) -> KMeansModel {
        let mut centers = run.centers;
        for mut c in centers.rows_mut() {
            c.iter_mut().zip(&d.mean).for_each(|(v, m)| *v += m);
        }
        KMeansModel {
            params: self.clone(),
            cluster_centers: centers,
            labels: run.labels,
            inertia: run.inertia,
            n_iter: run.n_iter,
        }
    }
}

impl KMeansModel {
    /// The centres, one row per cluster.
    pub fn cluster_centers(&self) -> &Array2<f64> {
        &self.cluster_centers
    }

    /// The cluster of each training row.
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// The weighted sum of squared distances from the training rows to their centres.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// The iterations of the kept run.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The nearest centre of each row (the lowest index on a tie).
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<u32>> {
        check_predict_input(x, self.cluster_centers.ncols(), "KMeans")?;
        let mut labels = vec![0; x.nrows()];
        assign(Rows::of(x.as_standard_layout().view()), self.centers(), &mut labels, None);
        Ok(labels)
    }

    /// The Euclidean distance from each row (one output row) to each centre (one column).
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        check_predict_input(x, self.cluster_centers.ncols(), "KMeans")?;
        let mut d = sq_dists(Rows::of(x.as_standard_layout().view()), self.centers());
        d.par_mapv_inplace(f64::sqrt);
        Ok(d)
    }

    /// The negative inertia of `x` under these centres (higher is better).
    pub fn score(&self, x: ArrayView2<'_, f64>, sample_weight: Option<&[f64]>) -> Result<f64> {
        check_predict_input(x, self.cluster_centers.ncols(), "KMeans")?;
        check_sample_weight(sample_weight, x.nrows())?;
        let x = x.as_standard_layout();
        let mut labels = vec![0; x.nrows()];
        assign(Rows::of(x.view()), self.centers(), &mut labels, None);
        Ok(-inertia(Rows::of(x.view()), sample_weight, self.centers(), &labels))
    }

    fn centers(&self) -> Rows<'_> {
        Rows::of(self.cluster_centers.view())
    }
}

/// A matrix in standard layout as one slice: how the kernels read rows.
#[derive(Clone, Copy)]
struct Rows<'a> {
    v: &'a [f64],
    /// Columns, at least 1.
    p: usize,
}

impl<'a> Rows<'a> {
    fn of(x: ArrayView2<'a, f64>) -> Self {
        Rows { v: x.to_slice().expect("standard layout"), p: x.ncols() }
    }

    fn n(&self) -> usize {
        self.v.len() / self.p
    }

    fn row(&self, i: usize) -> &'a [f64] {
        &self.v[i * self.p..(i + 1) * self.p]
    }

    /// Rows `start..start + m`.
    fn range(&self, start: usize, m: usize) -> Rows<'a> {
        Rows { v: &self.v[start * self.p..(start + m) * self.p], p: self.p }
    }
}

/// Rows per block of parallel work: a function of the row count alone, so
/// partial sums added in block order do not depend on the thread count.
fn block_rows(n: usize) -> usize {
    n.div_ceil(MAX_BLOCKS).div_ceil(CHUNK).max(1) * CHUNK
}

/// `||a - b||²`, in four running sums so the compiler can vectorise it.
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4.remainder().iter().zip(b4.remainder()).map(|(x, y)| (x - y) * (x - y)).sum();
    let mut acc = [0.0; 4];
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            acc[l] += (x[l] - y[l]) * (x[l] - y[l]);
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

fn row_sq_norms(x: Rows<'_>) -> Vec<f64> {
    x.v.par_chunks(x.p).map(|r| r.iter().map(|v| v * v).sum()).collect()
}

/// `out = x·cᵀ`, row-major: one single-threaded product per chunk of rows,
/// the chunks running in parallel.
fn dot_t(x: Rows<'_>, c: Rows<'_>, out: &mut [f64]) {
    let (m, k, p) = (x.n(), c.n(), x.p);
    let x = MatRef::from_row_major_slice(x.v, m, p);
    let c = MatRef::from_row_major_slice(c.v, k, p);
    faer::linalg::matmul::matmul(
        MatMut::from_row_major_slice_mut(out, m, k),
        Accum::Replace,
        x,
        c.transpose(),
        1.0,
        Par::Seq,
    );
    // faer's kernels leave the AVX state dirty (see `ironlearn_linalg::clean_simd_state`).
    ironlearn_linalg::clean_simd_state();
}

/// Weighted row sums per cluster, for the M-step.
struct Sums {
    /// Row-major, `k × p`.
    sum: Vec<f64>,
    weight: Vec<f64>,
}

impl Sums {
    fn zeros(k: usize, p: usize) -> Self {
        Sums { sum: vec![0.0; k * p], weight: vec![0.0; k] }
    }

    fn add(&mut self, j: usize, row: &[f64], w: f64) {
        let p = row.len();
        self.weight[j] += w;
        self.sum[j * p..(j + 1) * p].iter_mut().zip(row).for_each(|(s, v)| *s += v * w);
    }

    /// Adds the blocks' partial sums in block order.
    fn fold(parts: Vec<Option<Sums>>) -> Option<Sums> {
        parts.into_iter().flatten().reduce(|mut a, b| {
            a.sum.iter_mut().zip(&b.sum).for_each(|(a, b)| *a += b);
            a.weight.iter_mut().zip(&b.weight).for_each(|(a, b)| *a += b);
            a
        })
    }
}

/// Lloyd's E-step: labels each row with its nearest centre, by
/// `||c||² - 2x·c` from blocked matrix products (the first centre on a tie).
/// With weights, also returns the weighted sums per cluster.
fn assign(x: Rows<'_>, c: Rows<'_>, labels: &mut [u32], w: Option<&[f64]>) -> Option<Sums> {
    let (k, p) = (c.n(), c.p);
    let c_sq = row_sq_norms(c);
    let b = block_rows(labels.len());
    let parts: Vec<Option<Sums>> = labels
        .par_chunks_mut(b)
        .enumerate()
        .map(|(bi, block)| {
            let mut sums = w.map(|_| Sums::zeros(k, p));
            let mut dots = vec![0.0; CHUNK * k];
            for (ci, chunk) in block.chunks_mut(CHUNK).enumerate() {
                let start = bi * b + ci * CHUNK;
                let dots = &mut dots[..chunk.len() * k];
                dot_t(x.range(start, chunk.len()), c, dots);
                for (i, (label, dots)) in chunk.iter_mut().zip(dots.chunks(k)).enumerate() {
                    let (mut best, mut best_d) = (0, c_sq[0] - 2.0 * dots[0]);
                    for j in 1..k {
                        let d = c_sq[j] - 2.0 * dots[j];
                        if d < best_d {
                            (best, best_d) = (j, d);
                        }
                    }
                    *label = best as u32;
                    if let (Some(s), Some(w)) = (&mut sums, w) {
                        s.add(best, x.row(start + i), w[start + i]);
                    }
                }
            }
            sums
        })
        .collect();
    Sums::fold(parts)
}

/// Squared distances `max(0, ||x||² - 2x·c + ||c||²)`, one row per row of `x`, one column per row of `c`.
fn sq_dists(x: Rows<'_>, c: Rows<'_>) -> Array2<f64> {
    let (x_sq, c_sq, k) = (row_sq_norms(x), row_sq_norms(c), c.n());
    let mut out = vec![0.0; x.n() * k];
    out.par_chunks_mut(CHUNK * k).enumerate().for_each(|(ci, o)| {
        let start = ci * CHUNK;
        dot_t(x.range(start, o.len() / k), c, o);
        for (o, x_sq) in o.chunks_mut(k).zip(&x_sq[start..]) {
            o.iter_mut().zip(&c_sq).for_each(|(o, c_sq)| *o = (x_sq - 2.0 * *o + c_sq).max(0.0));
        }
    });
    Array2::from_shape_vec((x.n(), k), out).expect("n × k values")
}

/// The M-step: the weighted mean of each cluster, with empty clusters first
/// given the rows farthest from their centres; returns the centres and how far each moved.
fn update_centers(d: &Data, old: Rows<'_>, labels: &[u32], mut s: Sums) -> (Array2<f64>, Vec<f64>) {
    relocate_empty(d, old, labels, &mut s);
    let (k, p) = (old.n(), old.p);
    let mut c = s.sum;
    for (row, &wj) in c.chunks_mut(p).zip(&s.weight) {
        if wj > 0.0 {
            let a = 1.0 / wj;
            row.iter_mut().for_each(|v| *v *= a);
        }
    }
    // A cluster still empty (every row sits on its centre) joins the heaviest, as in scikit-learn.
    let heaviest = ironlearn_core::validate::argmax(s.weight.iter().copied());
    for j in (0..k).filter(|&j| s.weight[j] <= 0.0) {
        c.copy_within(heaviest * p..(heaviest + 1) * p, j * p);
    }
    let shift = c.chunks(p).enumerate().map(|(j, row)| sq_dist(row, old.row(j)).sqrt()).collect();
    (Array2::from_shape_vec((k, p), c).expect("k × p values"), shift)
}

/// Gives each empty cluster one of the rows farthest from their current
/// centres (the farthest to the first empty cluster), moving its weight over.
fn relocate_empty(d: &Data, old: Rows<'_>, labels: &[u32], s: &mut Sums) {
    let empty: Vec<usize> = (0..s.weight.len()).filter(|&j| s.weight[j] == 0.0).collect();
    if empty.is_empty() {
        return;
    }
    let (x, p) = (d.rows(), old.p);
    let dist: Vec<f64> = labels.par_iter().enumerate().map(|(i, &l)| sq_dist(x.row(i), old.row(l as usize))).collect();
    if dist.iter().all(|&v| v == 0.0) {
        return; // more clusters than distinct rows: nothing to move
    }
    let farther = |a: &usize, b: &usize| dist[*b].total_cmp(&dist[*a]).then(a.cmp(b));
    let mut far: Vec<usize> = (0..dist.len()).collect();
    if empty.len() < far.len() {
        far.select_nth_unstable_by(empty.len() - 1, farther);
        far.truncate(empty.len());
    }
    far.sort_unstable_by(farther);
    for (&j, &i) in empty.iter().zip(&far) {
        let (wi, from) = (d.w[i], labels[i] as usize);
        for (f, &v) in x.row(i).iter().enumerate() {
            s.sum[from * p + f] -= v * wi;
            s.sum[j * p + f] = v * wi;
        }
        s.weight[j] = wi;
        s.weight[from] -= wi;
    }
}

/// `Σ wᵢ ||xᵢ - c_labelᵢ||²`, from direct differences (no cancellation).
fn inertia(x: Rows<'_>, w: Option<&[f64]>, c: Rows<'_>, labels: &[u32]) -> f64 {
    let b = block_rows(labels.len());
    let parts: Vec<f64> = labels
        .par_chunks(b)
        .enumerate()
        .map(|(bi, block)| {
            (bi * b..)
                .zip(block)
                .map(|(i, &l)| w.map_or(1.0, |w| w[i]) * sq_dist(x.row(i), c.row(l as usize)))
                .sum::<f64>()
        })
        .collect();
    parts.iter().sum()
}

/// Elkan's bounds: per row, an upper bound on the distance to its centre and
/// a lower bound on the distance to every centre; a centre is skipped when
/// the bounds or half the centre-to-centre distance show it cannot be nearer.
struct Elkan {
    upper: Vec<f64>,
    /// Row-major, one row of `k` per data row.
    lower: Vec<f64>,
    /// Half the distance between each pair of centres, row-major `k × k`.
    half: Vec<f64>,
    /// Half the distance from each centre to its nearest other centre.
    next: Vec<f64>,
}

impl Elkan {
    /// The bounds for centres `c`, labelling every row on the way.
    fn new(x: Rows<'_>, c: Rows<'_>, labels: &mut [u32]) -> Self {
        let (n, k) = (x.n(), c.n());
        let mut e = Elkan { upper: vec![0.0; n], lower: vec![0.0; n * k], half: vec![], next: vec![] };
        e.set_centers(c);
        let (half, b) = (&e.half, block_rows(n));
        labels
            .par_chunks_mut(b)
            .zip(e.upper.par_chunks_mut(b))
            .zip(e.lower.par_chunks_mut(b * k))
            .enumerate()
            .for_each(|(bi, ((labels, upper), lower))| {
                for (r, ((label, ub), lb)) in labels.iter_mut().zip(upper).zip(lower.chunks_mut(k)).enumerate() {
                    let xi = x.row(bi * b + r);
                    let (mut best, mut min) = (0, sq_dist(xi, c.row(0)).sqrt());
                    lb[0] = min;
                    for j in 1..k {
                        if min > half[best * k + j] {
                            let d = sq_dist(xi, c.row(j)).sqrt();
                            lb[j] = d;
                            if d < min {
                                (best, min) = (j, d);
                            }
                        }
                    }
                    (*label, *ub) = (best as u32, min);
                }
            });
        e
    }

    fn set_centers(&mut self, c: Rows<'_>) {
        let k = c.n();
        self.half = (0..k * k).map(|ij| sq_dist(c.row(ij / k), c.row(ij % k)).sqrt() / 2.0).collect();
        self.next = (0..k)
            .map(|j| (0..k).filter(|&i| i != j).map(|i| self.half[i * k + j]).fold(f64::INFINITY, f64::min))
            .collect();
    }

    /// The E-step with bounds: the same labels as Lloyd's; with weights, also the sums per cluster.
    fn step(&mut self, x: Rows<'_>, w: Option<&[f64]>, c: Rows<'_>, labels: &mut [u32]) -> Option<Sums> {
        let (k, p) = (c.n(), c.p);
        let Elkan { upper, lower, half, next } = self;
        let b = block_rows(labels.len());
        let parts: Vec<Option<Sums>> = labels
            .par_chunks_mut(b)
            .zip(upper.par_chunks_mut(b))
            .zip(lower.par_chunks_mut(b * k))
            .enumerate()
            .map(|(bi, ((labels, upper), lower))| {
                let mut sums = w.map(|_| Sums::zeros(k, p));
                for (r, ((label_r, ub_r), lb)) in labels.iter_mut().zip(upper).zip(lower.chunks_mut(k)).enumerate() {
                    let i = bi * b + r;
                    let xi = x.row(i);
                    let (mut label, mut ub) = (*label_r as usize, *ub_r);
                    if next[label] < ub {
                        let mut tight = false;
                        for j in 0..k {
                            if j != label && ub > lb[j] && ub > half[label * k + j] {
                                if !tight {
                                    ub = sq_dist(xi, c.row(label)).sqrt();
                                    lb[label] = ub;
                                    tight = true;
                                }
                                if ub > lb[j] || ub > half[label * k + j] {
                                    let d = sq_dist(xi, c.row(j)).sqrt();
                                    lb[j] = d;
                                    if d < ub {
                                        (label, ub) = (j, d);
                                    }
                                }
                            }
                        }
                        (*label_r, *ub_r) = (label as u32, ub);
                    }
                    if let (Some(s), Some(w)) = (&mut sums, w) {
                        s.add(label, xi, w[i]);
                    }
                }
                sums
            })
            .collect();
        Sums::fold(parts)
    }

    /// Loosens the bounds by how far each centre moved.
    fn shift_bounds(&mut self, labels: &[u32], shift: &[f64]) {
        let k = shift.len();
        self.upper.par_iter_mut().zip(labels).for_each(|(u, &l)| *u += shift[l as usize]);
        self.lower.par_chunks_mut(k).for_each(|lb| {
            lb.iter_mut().zip(shift).for_each(|(v, s)| *v = (*v - s).max(0.0));
        });
    }
}

/// A row drawn with probability proportional to `w`.
fn draw(w: &[f64], rng: &mut Rng) -> usize {
    let total: f64 = w.iter().sum();
    let r = rng.uniform() * total;
    let mut acc = 0.0;
    for (i, &v) in w.iter().enumerate() {
        acc += v;
        if acc > r {
            return i;
        }
    }
    // Rounding left `r` at the total: the last row that can be drawn.
    w.iter().rposition(|&v| v > 0.0).unwrap_or(w.len() - 1)
}

/// Greedy k-means++, as scikit-learn seeds: each new centre is, of
/// `2 + ⌊ln k⌋` rows drawn in proportion to weight × squared distance to the
/// nearest centre so far, the one that leaves the lowest weighted potential.
fn kmeans_plusplus(d: &Data, k: usize, rng: &mut Rng) -> Array2<f64> {
    let n = d.x.nrows();
    let trials = 2 + (k as f64).ln() as usize;
    let mut chosen = vec![draw(&d.w, rng)];
    let (mut closest, _) = capped_sq_dists(d, &vec![f64::INFINITY; n], &chosen);
    for _ in 1..k {
        let cum: Vec<f64> =
            d.w.iter()
                .zip(&closest)
                .scan(0.0, |acc, (w, d)| {
                    *acc += w * d;
                    Some(*acc)
                })
                .collect();
        let pot = cum[n - 1];
        let cand: Vec<usize> = (0..trials)
            .map(|_| {
                let r = rng.uniform() * pot;
                cum.partition_point(|&v| v <= r).min(n - 1)
            })
            .collect();
        let (dist, pots) = capped_sq_dists(d, &closest, &cand);
        let best = (1..trials).fold(0, |best, t| if pots[t] < pots[best] { t } else { best });
        closest = dist.chunks(trials).map(|r| r[best]).collect();
        chosen.push(cand[best]);
    }
    d.x.select(Axis(0), &chosen)
}

/// For candidate rows `cand`: each row's squared distance to each candidate,
/// capped at `closest` (row-major, one row of `cand.len()` per data row), and
/// the weighted potential `Σ wᵢ min(closestᵢ, dᵢ)` each candidate would leave.
fn capped_sq_dists(d: &Data, closest: &[f64], cand: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let t = cand.len();
    let c = d.x.select(Axis(0), cand);
    let (x, c) = (d.rows(), Rows::of(c.view()));
    let c_sq = row_sq_norms(c);
    let b = block_rows(x.n());
    let mut dist = vec![0.0; x.n() * t];
    let parts: Vec<Vec<f64>> = dist
        .par_chunks_mut(b * t)
        .enumerate()
        .map(|(bi, out)| {
            let mut pots = vec![0.0; t];
            for (ci, out) in out.chunks_mut(CHUNK * t).enumerate() {
                let start = bi * b + ci * CHUNK;
                dot_t(x.range(start, out.len() / t), c, out);
                for (r, o) in (start..).zip(out.chunks_mut(t)) {
                    for j in 0..t {
                        o[j] = (d.x_sq[r] - 2.0 * o[j] + c_sq[j]).max(0.0).min(closest[r]);
                        pots[j] += d.w[r] * o[j];
                    }
                }
            }
            pots
        })
        .collect();
    let pots = parts.iter().fold(vec![0.0; t], |mut a, p| {
        a.iter_mut().zip(p).for_each(|(a, p)| *a += p);
        a
    });
    (dist, pots)
}

/// `k` distinct rows drawn without replacement in proportion to their weight
/// (Efraimidis–Spirakis keys `ln(u) / w`, largest first).
fn random_init(d: &Data, k: usize, rng: &mut Rng) -> Result<Array2<f64>> {
    let positive = d.w.iter().filter(|&&v| v > 0.0).count();
    ensure!(
        positive >= k,
        InvalidValue,
        "init='random' needs n_clusters={k} rows with a positive sample_weight, but only {positive} have one"
    );
    let mut keys: Vec<(f64, usize)> =
        d.w.iter().enumerate().filter(|(_, &w)| w > 0.0).map(|(i, &w)| ((1.0 - rng.uniform()).ln() / w, i)).collect();
    let larger = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if k < keys.len() {
        keys.select_nth_unstable_by(k - 1, larger);
        keys.truncate(k);
    }
    keys.sort_unstable_by(larger);
    let rows: Vec<usize> = keys.iter().map(|&(_, i)| i).collect();
    Ok(d.x.select(Axis(0), &rows))
}

/// Whether two labellings are the same partition, up to renaming the clusters.
fn same_clustering(a: &[u32], b: &[u32], k: usize) -> bool {
    let mut map = vec![u32::MAX; k];
    a.iter().zip(b).all(|(&la, &lb)| {
        let m = &mut map[la as usize];
        if *m == u32::MAX {
            *m = lb;
        }
        *m == lb
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array1};

    // 45 rows of three overlapping Gaussian blobs (numpy default_rng(7), rounded
    // to 3 decimals) and weights with one zero; scikit-learn 1.9.1 numbers from
    // /tmp/kmeans_fixture.py (not committed).
    const X: [[f64; 3]; 45] = [
        [-2.767, 4.101, 0.73],
        [4.168, 4.489, -1.721],
        [-1.678, 3.451, 0.805],
        [0.213, 5.918, 1.919],
        [-0.7, -0.063, 0.147],
        [3.264, 2.398, 0.165],
        [1.967, 3.841, -2.59],
        [-0.306, -1.648, 0.353],
        [0.046, 1.629, 3.338],
        [-0.031, 3.869, 2.558],
        [-1.115, 4.264, 3.251],
        [0.904, -1.747, -0.595],
        [-2.472, -1.676, -2.394],
        [-0.145, 0.144, 0.083],
        [-0.807, 0.637, 0.464],
        [2.423, 4.516, 0.849],
        [1.441, 3.097, 0.75],
        [-1.051, 1.379, -1.05],
        [-2.597, 1.529, 3.472],
        [-0.811, 3.267, 3.641],
        [-1.158, -0.591, -1.289],
        [2.166, 5.601, 0.991],
        [0.984, 1.901, 4.013],
        [2.675, 4.981, -0.556],
        [2.744, 1.552, -0.015],
        [3.867, 4.87, -0.878],
        [0.078, 1.742, -0.64],
        [0.204, -0.243, -3.272],
        [0.17, 1.002, 4.624],
        [2.755, 3.888, -0.086],
        [-0.229, 2.732, 3.913],
        [1.457, 2.247, -0.255],
        [-1.593, 0.099, 1.766],
        [2.605, 3.458, -0.157],
        [0.989, 4.117, 0.155],
        [0.676, 1.656, 2.897],
        [-2.646, 2.604, 1.83],
        [1.368, 2.993, 3.758],
        [0.116, 2.232, 2.846],
        [2.398, 2.874, 1.634],
        [0.137, -1.21, -0.038],
        [-0.042, 1.15, -0.759],
        [-1.989, -0.621, -1.272],
        [0.002, 0.388, -0.356],
        [3.896, 2.575, -0.479],
    ];
    #[rustfmt::skip]
    const W: [f64; 45] = [
        1.06, 2.89, 1.5, 1.96, 1.98, 0.0, 0.37, 1.35, 2.34, 2.48, 2.24, 0.52, 2.76, 2.45, 2.66, 1.67, 2.76, 0.33,
        0.28, 0.26, 0.91, 0.9, 0.73, 1.79, 0.31, 1.85, 0.66, 2.1, 0.26, 1.07, 2.83, 1.71, 2.47, 2.04, 1.91, 0.74,
        1.81, 0.31, 2.44, 2.89, 2.59, 0.34, 1.15, 1.09, 0.52,
    ];
    #[rustfmt::skip]
    const LABELS: [u32; 45] = [
        0, 1, 0, 0, 2, 1, 1, 2, 0, 0, 0, 2, 2, 2, 2, 1, 1, 2, 0, 0, 2, 1, 0, 1, 1, 1, 2, 2, 0, 1, 0, 1, 2, 1, 1, 0,
        0, 0, 0, 1, 2, 2, 2, 2, 1,
    ];
    const CENTERS: [[f64; 3]; 3] = [
        [-0.5534000000000002, 2.8765333333333336, 2.9063333333333334],
        [2.5876666666666663, 3.6336, -0.1462],
        [-0.5958666666666667, -0.15066666666666695, -0.5901333333333334],
    ];
    const INERTIA: f64 = 163.95465280000002;

    fn x() -> Array2<f64> {
        Array2::from_shape_fn((45, 3), |(i, j)| X[i][j])
    }

    /// The fixture's rows 0, 1, 2 as initial centres.
    fn rows012() -> Array2<f64> {
        x().select(Axis(0), &[0, 1, 2])
    }

    fn from_centers(algorithm: &str, max_iter: usize, w: Option<&[f64]>, init: Array2<f64>) -> KMeansModel {
        let km = KMeans { n_clusters: 3, max_iter, algorithm: algorithm.into(), ..Default::default() };
        km.fit_from_centers(x().view(), w, init.view()).unwrap()
    }

    fn assert_close(a: f64, b: f64, rel: f64) {
        assert!((a - b).abs() <= rel * b.abs().max(1e-300), "{a} vs {b}");
    }

    fn assert_centers(m: &KMeansModel, want: &[[f64; 3]]) {
        for (got, want) in m.cluster_centers().rows().into_iter().zip(want) {
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-10, "centre {got} vs {want:?}");
            }
        }
    }

    /// Random blobs, large enough for several row blocks.
    fn blobs(n: usize, seed: u64) -> Array2<f64> {
        let mut rng = Rng::new(seed);
        Array2::from_shape_fn((n, 4), |(i, j)| (i % 5) as f64 * 2.0 * ((j + i % 5) % 2) as f64 + rng.normal())
    }

    #[test]
    fn matches_sklearn_from_fixed_centers() {
        for algorithm in ["lloyd", "elkan"] {
            let m = from_centers(algorithm, 300, None, rows012());
            assert_close(m.inertia(), INERTIA, 1e-10);
            assert_eq!(m.n_iter(), 5, "{algorithm}");
            assert_eq!(m.labels(), LABELS);
            assert_centers(&m, &CENTERS);
        }
    }

    #[test]
    fn matches_sklearn_with_sample_weights() {
        // Row 5 has weight 0: it is labelled but does not pull its centre.
        for algorithm in ["lloyd", "elkan"] {
            let m = from_centers(algorithm, 300, Some(&W), rows012());
            assert_close(m.inertia(), 231.6766727465182, 1e-10);
            assert_eq!(m.n_iter(), 5, "{algorithm}");
            assert_eq!(m.labels(), LABELS);
            assert_centers(
                &m,
                &[
                    [-0.5604919962335216, 3.1568323917137477, 2.724537664783428],
                    [2.5193020282186946, 3.813779100529101, -0.011268518518518733],
                    [-0.7471605308219179, -0.3454383561643839, -0.48673073630137],
                ],
            );
        }
    }

    #[test]
    fn stopped_at_max_iter_labels_match_the_final_centers() {
        // Not converged after 2 iterations: scikit-learn labels once more with the last centres.
        #[rustfmt::skip]
        let labels: [u32; 45] = [
            0, 1, 0, 0, 2, 1, 1, 2, 2, 0, 0, 2, 2, 2, 2, 1, 1, 2, 0, 0, 2, 1, 2, 1, 1, 1, 2, 2, 2, 1, 0, 1, 2, 1, 1,
            2, 0, 0, 2, 1, 2, 2, 2, 2, 1,
        ];
        for algorithm in ["lloyd", "elkan"] {
            let m = from_centers(algorithm, 2, None, rows012());
            assert_close(m.inertia(), 251.00737677333336, 1e-10);
            assert_eq!(m.n_iter(), 2);
            assert_eq!(m.labels(), labels);
            assert_centers(
                &m,
                &[
                    [-1.5985999999999998, 4.0676000000000005, 1.707],
                    [2.5876666666666663, 3.6336, -0.1462],
                    [-0.36984000000000006, 0.8219999999999998, 1.04832],
                ],
            );
        }
    }

    #[test]
    fn empty_cluster_is_moved_to_the_farthest_row() {
        // The third centre starts far from every row; scikit-learn moves it and needs 7 iterations.
        let mut init = rows012();
        init.row_mut(2).fill(100.0);
        for algorithm in ["lloyd", "elkan"] {
            let m = from_centers(algorithm, 300, None, init.clone());
            assert_close(m.inertia(), INERTIA, 1e-10);
            assert_eq!(m.n_iter(), 7, "{algorithm}");
            assert_eq!(m.labels(), LABELS);
            assert_centers(&m, &CENTERS);
            let w = from_centers(algorithm, 300, Some(&W), init.clone());
            assert_close(w.inertia(), 231.6766727465182, 1e-10);
            assert_eq!(w.n_iter(), 7, "{algorithm}");
        }
    }

    #[test]
    fn transform_predict_and_score_match_sklearn() {
        let m = from_centers("lloyd", 300, None, rows012());
        let q = array![[0.5, 1.0, -0.5], [2.5, 2.0, 2.0]];
        let want = array![
            [4.029160668041037, 3.3792566506720245, 1.5915657531709668],
            [3.3034833669258212, 2.6986123924054835, 4.573679942161819]
        ];
        let got = m.transform(q.view()).unwrap();
        assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() < 1e-12), "{got}");
        assert_eq!(m.predict(q.view()).unwrap(), [2, 1]);
        assert_close(m.score(q.view(), None).unwrap(), -9.815590391111112, 1e-12);
        assert_close(m.score(q.view(), Some(&[2.0, 0.5])).unwrap(), -8.707417515555557, 1e-12);
    }

    #[test]
    fn doc_example() {
        // scikit-learn: KMeans(n_clusters=2, random_state=0).fit(x): inertia 16.0, labels [1, 1, 1, 0, 0, 0].
        let x = array![[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]];
        let m = KMeans { n_clusters: 2, ..Default::default() }.fit(x.view(), None).unwrap();
        assert!((m.inertia() - 16.0).abs() < 1e-9);
        let l = m.labels();
        assert!(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
        assert_eq!(m.predict(array![[0.0, 0.0], [12.0, 3.0]].view()).unwrap(), [l[0], l[3]]);
    }

    #[test]
    fn predict_on_the_training_rows_gives_the_stored_labels() {
        let x = blobs(2000, 3);
        let w: Vec<f64> = (0..2000).map(|i| 0.5 + (i % 7) as f64).collect();
        for algorithm in ["lloyd", "elkan"] {
            for init in ["k-means++", "random"] {
                for w in [None, Some(&w[..])] {
                    let km = KMeans {
                        n_clusters: 5,
                        init: init.into(),
                        algorithm: algorithm.into(),
                        max_iter: 4,
                        ..Default::default()
                    };
                    let m = km.fit(x.view(), w).unwrap();
                    assert_eq!(m.predict(x.view()).unwrap(), m.labels(), "{algorithm} {init}");
                    assert_close(-m.score(x.view(), w).unwrap(), m.inertia(), 1e-12);
                }
            }
        }
    }

    #[test]
    fn elkan_and_lloyd_agree_from_the_same_seed() {
        let x = blobs(3000, 11);
        let fit = |algorithm: &str| {
            KMeans { n_clusters: 7, algorithm: algorithm.into(), random_state: 5, ..Default::default() }
                .fit(x.view(), None)
                .unwrap()
        };
        let (l, e) = (fit("lloyd"), fit("elkan"));
        assert_eq!(l.labels(), e.labels());
        assert_eq!(l.n_iter(), e.n_iter());
        assert_close(e.inertia(), l.inertia(), 1e-12);
        assert!(l.cluster_centers().iter().zip(e.cluster_centers()).all(|(a, b)| (a - b).abs() < 1e-10));
    }

    #[test]
    fn same_seed_same_model_whatever_the_thread_count() {
        let x = blobs(5000, 1);
        let fit = |threads: usize, seed: u64, algorithm: &str| {
            let km = KMeans {
                n_clusters: 6,
                n_init: 2,
                random_state: seed,
                algorithm: algorithm.into(),
                ..Default::default()
            };
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| km.fit(x.view(), None).unwrap())
        };
        for algorithm in ["lloyd", "elkan"] {
            let one = fit(1, 42, algorithm);
            assert_eq!(one, fit(3, 42, algorithm));
            assert_eq!(one, fit(2, 42, algorithm));
        }
        let (a, b) = (fit(2, 1, "lloyd"), fit(2, 2, "lloyd"));
        assert_ne!(a.cluster_centers(), b.cluster_centers(), "different seeds, different initial centres");
    }

    #[test]
    fn n_init_keeps_the_lowest_inertia() {
        let x = blobs(600, 9);
        let km = KMeans { n_clusters: 9, n_init: 6, init: "random".into(), random_state: 3, ..Default::default() };
        let d = km.prepare(x.view(), None).unwrap();
        let inertias: Vec<f64> = (0..6).map(|r| km.seeded_run(&d, r).unwrap().inertia).collect();
        let lowest = inertias.iter().copied().fold(f64::INFINITY, f64::min);
        assert!(inertias.iter().any(|&v| v > lowest * (1.0 + 1e-9)), "the runs should differ: {inertias:?}");
        assert_eq!(km.fit(x.view(), None).unwrap().inertia(), lowest);
        // Run 0 of several is the run of n_init = 1.
        assert_eq!(KMeans { n_init: 1, ..km.clone() }.fit(x.view(), None).unwrap().inertia(), inertias[0]);
    }

    #[test]
    fn seeding_never_picks_a_row_without_weight() {
        // Far outliers with weight 0 would be the likeliest k-means++ picks otherwise.
        let mut x = blobs(300, 4);
        let mut w = vec![1.0; 300];
        for i in (0..300).step_by(10) {
            x.row_mut(i).fill(1e3 + i as f64);
            w[i] = 0.0;
        }
        let km = KMeans { n_clusters: 8, ..Default::default() };
        let d = km.prepare(x.view(), Some(&w)).unwrap();
        let mean = Array1::from(d.mean.clone());
        for seed in 0..20 {
            let mut rng = Rng::new(seed);
            let c = kmeans_plusplus(&d, 8, &mut rng) + &mean;
            assert!(c.iter().all(|v| v.abs() < 100.0), "seed {seed}: {c}");
            let c = random_init(&d, 8, &mut rng).unwrap() + &mean;
            assert!(c.iter().all(|v| v.abs() < 100.0), "seed {seed}: {c}");
        }
    }

    #[test]
    fn random_init_draws_distinct_rows() {
        let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 2 + j) as f64);
        let w = [0.0, 1.0, 0.0, 3.0, 0.0, 0.5, 0.0, 0.0, 2.0, 0.0];
        let km = KMeans { n_clusters: 4, init: "random".into(), max_iter: 1, ..Default::default() };
        let d = km.prepare(x.view(), Some(&w)).unwrap();
        let mut c = random_init(&d, 4, &mut Rng::new(0)).unwrap() + &Array1::from(d.mean.clone());
        let mut rows: Vec<f64> = c.column_mut(0).iter().map(|v| v.round()).collect();
        rows.sort_by(f64::total_cmp);
        assert_eq!(rows, [2.0, 6.0, 10.0, 16.0], "the four rows with weight");
        let err = KMeans { n_clusters: 5, ..km }.fit(x.view(), Some(&w)).unwrap_err().to_string();
        assert!(err.contains("n_clusters=5") && err.contains("only 4"), "{err}");
    }

    #[test]
    fn identical_rows_leave_clusters_empty_without_failing() {
        let x = Array2::from_elem((5, 2), 1.5);
        for algorithm in ["lloyd", "elkan"] {
            let m = KMeans { n_clusters: 3, algorithm: algorithm.into(), ..Default::default() }
                .fit(x.view(), None)
                .unwrap();
            assert_eq!(m.inertia(), 0.0);
            assert!(m.cluster_centers().iter().all(|&v| v == 1.5));
        }
    }

    #[test]
    fn one_cluster_is_the_weighted_mean() {
        let x = array![[0.0, 1.0], [2.0, 3.0], [4.0, 9.0]];
        let m = KMeans { n_clusters: 1, algorithm: "elkan".into(), ..Default::default() }
            .fit(x.view(), Some(&[1.0, 1.0, 2.0]))
            .unwrap();
        assert!(m.cluster_centers().iter().zip([2.5, 5.5]).all(|(c, want)| (c - want).abs() < 1e-12));
        assert_eq!(m.labels(), [0, 0, 0]);
        assert_close(m.inertia(), 26.5 + 6.5 + 2.0 * 14.5, 1e-12);
    }

    #[test]
    fn errors_name_the_problem() {
        let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 1.0]];
        let err = KMeans::default().fit(x.view(), None).unwrap_err().to_string();
        assert!(err.contains("n_samples=5 should be >= n_clusters=8"), "{err}");
        assert!(err.contains("n_clusters"), "{err}");

        let mut bad = x.clone();
        bad[[3, 1]] = f64::NAN;
        let err = KMeans { n_clusters: 2, ..Default::default() }.fit(bad.view(), None).unwrap_err().to_string();
        assert!(err.contains("NaN") && err.contains("row 3"), "{err}");

        let m = KMeans { n_clusters: 2, ..Default::default() }.fit(x.view(), None).unwrap();
        let err = m.predict(array![[1.0, 2.0, 3.0]].view()).unwrap_err().to_string();
        assert!(err.contains("X has 3 features, but KMeans is expecting 2 features"), "{err}");
        assert!(m.transform(array![[1.0]].view()).is_err());
        assert!(m.score(x.view(), Some(&[1.0])).is_err());

        let err = KMeans { init: "kmeans".into(), ..Default::default() }.fit(x.view(), None).unwrap_err();
        assert!(matches!(&err, Error::Param { name, .. } if name == "init"), "{err}");
        let err = KMeans { algorithm: "full".into(), ..Default::default() }.fit(x.view(), None).unwrap_err();
        assert!(matches!(&err, Error::Param { name, .. } if name == "algorithm"), "{err}");
        for bad in [KMeans { n_clusters: 0, ..Default::default() }, KMeans { tol: f64::NAN, ..Default::default() }] {
            assert!(matches!(bad.fit(x.view(), None), Err(Error::Param { .. })));
        }

        let km = KMeans { n_clusters: 2, ..Default::default() };
        let err = km.fit_from_centers(x.view(), None, array![[1.0, 2.0]].view()).unwrap_err().to_string();
        assert!(err.contains("[1, 2]") && err.contains("n_clusters=2"), "{err}");
        assert!(km.fit(x.view(), Some(&[1.0, -1.0, 1.0, 1.0, 1.0])).is_err());
        assert!(km.fit(Array2::zeros((0, 2)).view(), None).is_err());
    }

    #[test]
    fn parameters_round_trip_by_name() {
        let km = KMeans::from_strs(&[("n_clusters", "3"), ("algorithm", "elkan"), ("init", "random")]).unwrap();
        assert_eq!((km.n_clusters, km.algorithm.as_str(), km.init.as_str()), (3, "elkan", "random"));
        assert_eq!(KMeans::NAME, "kmeans");
        assert!(KMeans::from_strs(&[("init", "kmeans")]).is_err());
    }
}
