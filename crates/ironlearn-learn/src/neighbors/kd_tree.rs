//! The kd-tree the neighbour estimators search when the data has few columns.
//!
//! Brute force measures every training row for every query; in a few
//! dimensions most rows are far from a query in one coordinate, and a tree of
//! bounding boxes skips them by the thousand. The tree is scikit-learn's
//! `KDTree` layout (a complete binary tree of `2^levels - 1` nodes, split at
//! the median of the widest coordinate, leaves of `leaf_size` to
//! `2 * leaf_size` rows), but its answers must be brute force's to the bit,
//! ties included: every row reached is measured by the same
//! [`Metric::reduced`] as brute force, candidates are ranked by (distance,
//! training index), and a box is skipped only when its lower bound is
//! strictly above the current k-th candidate, so a row at an equal distance
//! and a lower index is never missed. The bound is a sum of the same per-
//! coordinate terms over gaps that are no larger than any row's differences
//! (floating-point subtraction, squaring and summation are monotone), so it
//! never exceeds the distance the search then measures.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::search::Metric;

/// A kd-tree over the rows of a training matrix (the matrix itself is kept by the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct KdTree {
    leaf_size: usize,
    /// Training-row indices in tree order: node `i` holds `idx[start[i]..end[i]]`.
    idx: Vec<usize>,
    start: Vec<usize>,
    end: Vec<usize>,
    /// The bounding box of each node, nodes × columns.
    lower: Array2<f64>,
    upper: Array2<f64>,
}

/// A candidate ranked by (reduced distance, training index).
#[derive(Debug, Clone, Copy)]
struct Cand(f64, usize);

impl PartialEq for Cand {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cand {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

impl KdTree {
    /// Builds the tree over the rows of `x` (finite values) in scikit-learn's layout (see [`Layout`]).
    pub(crate) fn build(x: ArrayView2<'_, f64>, leaf_size: usize) -> KdTree {
        let n_nodes = Layout::n_nodes(x.nrows(), leaf_size);
        let (mut lower, mut upper) = (Array2::zeros((n_nodes, x.ncols())), Array2::zeros((n_nodes, x.ncols())));
        let layout = Layout::build(x, leaf_size, |node, _, lo, hi| {
            lower.row_mut(node).assign(&ndarray::aview1(lo));
            upper.row_mut(node).assign(&ndarray::aview1(hi));
        });
        KdTree { leaf_size, idx: layout.idx, start: layout.start, end: layout.end, lower, upper }
    }

    fn n_nodes(&self) -> usize {
        self.start.len()
    }

    fn is_leaf(&self, node: usize) -> bool {
        2 * node + 1 >= self.n_nodes()
    }

    /// The reduced distance from `q` to the box of `node`: no row of the node is nearer.
    fn lower_bound(&self, node: usize, q: &[f64], metric: Metric) -> f64 {
        let (lo, hi) = (self.lower.row(node), self.upper.row(node));
        q.iter()
            .zip(lo.iter().zip(hi))
            .map(|(&v, (&l, &h))| {
                let gap = if v < l {
                    l - v
                } else if v > h {
                    v - h
                } else {
                    0.0
                };
                metric.term(gap)
            })
            .fold(0.0, |acc, t| metric.combine(acc, t))
    }

    /// The `k` nearest rows of `data` (the training matrix, row-major with
    /// `d` columns) to `q`, as (reduced distance, index), ordered by distance then index.
    pub(crate) fn kneighbors(&self, data: &[f64], d: usize, q: &[f64], k: usize, metric: Metric) -> Vec<(f64, usize)> {
        let mut heap = BinaryHeap::with_capacity(k + 1);
        self.knn_node(0, self.lower_bound(0, q, metric), data, d, q, k, metric, &mut heap);
        heap.into_sorted_vec().into_iter().map(|Cand(r, i)| (r, i)).collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn knn_node(
        &self,
        node: usize,
        bound: f64,
        data: &[f64],
        d: usize,
        q: &[f64],
        k: usize,
        metric: Metric,
        heap: &mut BinaryHeap<Cand>,
    ) {
        // Strictly above: a row at the k-th distance with a lower index must still be found.
        if heap.len() == k && heap.peek().is_some_and(|w| bound > w.0) {
            return;
        }
        if self.is_leaf(node) {
            for &i in &self.idx[self.start[node]..self.end[node]] {
                let c = Cand(metric.reduced(q, &data[i * d..(i + 1) * d]), i);
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
        let (bl, br) = (self.lower_bound(left, q, metric), self.lower_bound(right, q, metric));
        if bl <= br {
            self.knn_node(left, bl, data, d, q, k, metric, heap);
            self.knn_node(right, br, data, d, q, k, metric, heap);
        } else {
            self.knn_node(right, br, data, d, q, k, metric, heap);
            self.knn_node(left, bl, data, d, q, k, metric, heap);
        }
    }

    /// Every row of `data` within reduced distance `reach` of `q` (`<=`), as
    /// (reduced distance, index), ordered by distance then index.
    pub(crate) fn within(&self, data: &[f64], d: usize, q: &[f64], reach: f64, metric: Metric) -> Vec<(f64, usize)> {
        let mut found = Vec::new();
        let mut stack = vec![0];
        while let Some(node) = stack.pop() {
            if self.lower_bound(node, q, metric) > reach {
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

/// The node layout scikit-learn's `KDTree` and `BallTree` share: a complete
/// binary tree of `2^levels - 1` nodes with `levels = floor(log2(max(1, (n - 1) / leaf_size))) + 1`,
/// each inner node split at the median of its widest coordinate, so leaves
/// hold `leaf_size` to `2 * leaf_size` rows. Node `i` holds the training rows
/// `idx[start[i]..end[i]]`; its children are `2i + 1` and `2i + 2`.
pub(crate) struct Layout {
    pub idx: Vec<usize>,
    pub start: Vec<usize>,
    pub end: Vec<usize>,
}

impl Layout {
    /// The node count for `n` rows (more levels than rows would leave empty leaves).
    pub(crate) fn n_nodes(n: usize, leaf_size: usize) -> usize {
        let ratio = (n.saturating_sub(1) as f64 / leaf_size.max(1) as f64).max(1.0);
        let levels = (ratio.log2().floor() as u32 + 1).min(usize::BITS - n.max(1).leading_zeros());
        (1usize << levels) - 1
    }

    /// Splits the rows of `x`, calling `visit(node, rows, lower, upper)` with
    /// each node's rows and bounding box.
    pub(crate) fn build(
        x: ArrayView2<'_, f64>,
        leaf_size: usize,
        mut visit: impl FnMut(usize, &[usize], &[f64], &[f64]),
    ) -> Layout {
        let n_nodes = Layout::n_nodes(x.nrows(), leaf_size);
        let mut layout = Layout { idx: (0..x.nrows()).collect(), start: vec![0; n_nodes], end: vec![0; n_nodes] };
        layout.split(x, 0, 0, x.nrows(), &mut visit);
        layout
    }

    fn split(
        &mut self,
        x: ArrayView2<'_, f64>,
        node: usize,
        start: usize,
        end: usize,
        visit: &mut impl FnMut(usize, &[usize], &[f64], &[f64]),
    ) {
        self.start[node] = start;
        self.end[node] = end;
        let d = x.ncols();
        let (mut lo, mut hi) = (vec![f64::INFINITY; d], vec![f64::NEG_INFINITY; d]);
        for &i in &self.idx[start..end] {
            for (j, &v) in x.row(i).iter().enumerate() {
                lo[j] = lo[j].min(v);
                hi[j] = hi[j].max(v);
            }
        }
        visit(node, &self.idx[start..end], &lo, &hi);
        if 2 * node + 1 >= self.start.len() {
            return;
        }
        let dim = (0..d).fold(0, |best, j| if hi[j] - lo[j] > hi[best] - lo[best] { j } else { best });
        let mid = start + (end - start) / 2;
        if end - start > 1 {
            self.idx[start..end]
                .select_nth_unstable_by(mid - start, |&a, &b| x[[a, dim]].total_cmp(&x[[b, dim]]).then(a.cmp(&b)));
        }
        self.split(x, 2 * node + 1, start, mid, visit);
        self.split(x, 2 * node + 2, mid, end, visit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_follow_scikit_learns_layout() {
        // scikit-learn: KDTree(np.zeros((n, 2)), leaf_size=ls).get_arrays()[2].shape[0] (node count)
        for (n, leaf_size, nodes) in [(1, 30, 1), (30, 30, 1), (100, 30, 3), (1000, 40, 31), (100_000, 30, 4095)] {
            let x = Array2::from_shape_fn((n, 2), |(i, j)| (i * (j + 3) % 17) as f64);
            let tree = KdTree::build(x.view(), leaf_size);
            assert_eq!(tree.n_nodes(), nodes, "n = {n}, leaf_size = {leaf_size}");
            let mut rows = tree.idx.clone();
            rows.sort_unstable();
            assert_eq!(rows, (0..n).collect::<Vec<_>>());
            let leaves = (0..nodes).filter(|&i| tree.is_leaf(i));
            assert!(leaves.into_iter().all(|i| tree.end[i] > tree.start[i]), "n = {n}: empty leaf");
        }
    }
}
