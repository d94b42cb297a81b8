//! The ball tree the neighbour estimators search when asked (`algorithm="ball_tree"`).
//!
//! A kd-tree bounds a node by a box, which only coordinate-wise metrics can
//! measure a query's gap to; a ball (a centroid and the largest distance of
//! a node's rows from it) bounds a node for any true metric, by the triangle
//! inequality: no row of the node is nearer the query than
//! `d(query, centroid) - radius`. scikit-learn's `BallTree` uses the layout
//! of its `KDTree` (see [`Layout`]), centroids as the mean of a node's rows,
//! and so does this one. Its answers must be brute force's to the bit, ties
//! included: every row reached is measured by the same [`Metric::reduced`],
//! candidates are ranked by (distance, training index), and a node is
//! skipped only when its bound, less a margin far above any rounding of the
//! distances it is computed from, is strictly above the current k-th
//! candidate (or the radius).

use std::collections::BinaryHeap;

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::kd_tree::Layout;
use super::search::Metric;

/// The relative margin taken off a node's bound: rounding in the distances
/// of `d` terms is near `d·ε` relative, far below this for any width.
const MARGIN: f64 = 1e-8;

/// A ball tree over the rows of a training matrix (the matrix itself is kept by the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct BallTree {
    leaf_size: usize,
    /// Training-row indices in tree order: node `i` holds `idx[start[i]..end[i]]`.
    idx: Vec<usize>,
    start: Vec<usize>,
    end: Vec<usize>,
    /// The mean of each node's rows, nodes × columns.
    centroid: Array2<f64>,
    /// The largest distance (not reduced) of a node's rows from its centroid.
    radius: Array1<f64>,
}

/// A candidate ranked by (reduced distance, training index).
#[derive(Debug, Clone, Copy)]
struct Cand(f64, usize);

impl PartialEq for Cand {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cand {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

impl BallTree {
    /// Builds the tree over the rows of `x` (finite values) for `metric` (a true metric: not cosine, p >= 1).
    pub(crate) fn build(x: ArrayView2<'_, f64>, leaf_size: usize, metric: Metric) -> BallTree {
        let n_nodes = Layout::n_nodes(x.nrows(), leaf_size);
        let mut centroid = Array2::zeros((n_nodes, x.ncols()));
        let mut radius = Array1::zeros(n_nodes);
        let layout = Layout::build(x, leaf_size, |node, rows, _, _| {
            let mut c = centroid.row_mut(node);
            for &i in rows {
                c += &x.row(i);
            }
            c /= rows.len().max(1) as f64;
            let c = c.to_vec();
            let far = rows.iter().map(|&i| metric.reduced(&c, &x.row(i).to_vec())).fold(0.0, f64::max);
            radius[node] = metric.finish(far);
        });
        BallTree { leaf_size, idx: layout.idx, start: layout.start, end: layout.end, centroid, radius }
    }

    fn is_leaf(&self, node: usize) -> bool {
        2 * node + 1 >= self.start.len()
    }

    /// A distance (not reduced) below which no row of `node` lies from `q`, never above any row's.
    fn lower_bound(&self, node: usize, q: &[f64], metric: Metric) -> f64 {
        let c = self.centroid.row(node);
        let to_centre = metric.finish(metric.reduced(q, c.as_slice().expect("standard layout")));
        let r = self.radius[node];
        // NaN (an overflow) prunes nothing: every comparison with it is false.
        (to_centre - r - MARGIN * (to_centre + r)).max(0.0)
    }

    /// The `k` nearest rows of `data` (the training matrix, row-major with
    /// `d` columns) to `q`, as (reduced distance, index), ordered by distance then index.
    pub(crate) fn kneighbors(&self, data: &[f64], d: usize, q: &[f64], k: usize, metric: Metric) -> Vec<(f64, usize)> {
        let mut heap = BinaryHeap::with_capacity(k + 1);
        let search = Search { tree: self, data, d, q, metric };
        search.knn(0, search.tree.lower_bound(0, q, metric), k, &mut heap);
        heap.into_sorted_vec().into_iter().map(|Cand(r, i)| (r, i)).collect()
    }

    /// Every row of `data` within reduced distance `reach` of `q` (`<=`), as
    /// (reduced distance, index), ordered by distance then index.
    pub(crate) fn within(&self, data: &[f64], d: usize, q: &[f64], reach: f64, metric: Metric) -> Vec<(f64, usize)> {
        let radius = metric.finish(reach);
        let mut found = Vec::new();
        let mut stack = vec![0];
        while let Some(node) = stack.pop() {
            if self.lower_bound(node, q, metric) > radius {
                continue;
            }
            if self.is_leaf(node) {
                for &i in &self.idx[self.start[node]..self.end[node]] {
                    let r = metric.reduced(q, &data[i * d..(i + 1) * d]);
                    if r <= reach {
                        found.push((r, i));
                    }
                }
            } else {
                stack.extend([2 * node + 2, 2 * node + 1]);
            }
        }
        found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found
    }
}

/// One query's k-nearest search.
struct Search<'a> {
    tree: &'a BallTree,
    data: &'a [f64],
    d: usize,
    q: &'a [f64],
    metric: Metric,
}

impl Search<'_> {
    fn knn(&self, node: usize, bound: f64, k: usize, heap: &mut BinaryHeap<Cand>) {
        let (tree, metric) = (self.tree, self.metric);
        // Strictly above: a row at the k-th distance with a lower index must still be found.
        if heap.len() == k && heap.peek().is_some_and(|w| bound > metric.finish(w.0)) {
            return;
        }
        if tree.is_leaf(node) {
            for &i in &tree.idx[tree.start[node]..tree.end[node]] {
                let c = Cand(metric.reduced(self.q, &self.data[i * self.d..(i + 1) * self.d]), i);
                if heap.len() < k {
                    heap.push(c);
                } else if heap.peek().is_some_and(|w| c < *w) {
                    heap.pop();
                    heap.push(c);
                }
            }
            return;
        }
        let (left, right) = (2 * node + 1, 2 * node + 2);
        let (bl, br) = (tree.lower_bound(left, self.q, metric), tree.lower_bound(right, self.q, metric));
        if bl <= br {
            self.knn(left, bl, k, heap);
            self.knn(right, br, k, heap);
        } else {
            self.knn(right, br, k, heap);
            self.knn(left, bl, k, heap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_lies_within_its_nodes_ball() {
        // scikit-learn: BallTree(np.zeros((n, 2)), leaf_size=ls).get_arrays()[2].shape[0] (node count)
        for (n, leaf_size, nodes) in [(1, 30, 1), (100, 30, 3), (1000, 40, 31)] {
            let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * (j + 3)) % 17) as f64 * 0.5);
            for metric in [Metric::Euclidean, Metric::Manhattan, Metric::Chebyshev, Metric::Minkowski(3.0)] {
                let tree = BallTree::build(x.view(), leaf_size, metric);
                assert_eq!(tree.start.len(), nodes);
                for node in 0..nodes {
                    let c = tree.centroid.row(node).to_vec();
                    for &i in &tree.idx[tree.start[node]..tree.end[node]] {
                        let r = metric.finish(metric.reduced(&c, &x.row(i).to_vec()));
                        assert!(r <= tree.radius[node], "{metric:?} node {node} row {i}");
                    }
                }
            }
        }
    }
}
