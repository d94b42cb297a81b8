//! The fitted tree as flat node arrays, and the exact ("best") tree builder.
//!
//! The layout and the growth rules are scikit-learn's (`_tree.pyx`,
//! `_splitter.pyx`), so a fitted tree can be dumped and compared node by node,
//! and the forests reuse the same builder. Features are compared as `f32`, as
//! scikit-learn stores them: thresholds sit halfway between consecutive
//! distinct `f32` values, so the same data gives the same thresholds and the
//! same predictions.
//!
//! Each node sorts its samples' values of each drawn feature (one buffer for
//! the whole fit); nothing of the size of the data is allocated per node.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use ironlearn_core::{bail, Error, Result, Rng};
use ndarray::{ArrayView2, ArrayViewMut1};
use serde::{Deserialize, Serialize};

use super::criterion::Criterion;

/// The child index of a leaf (scikit-learn's `TREE_LEAF`).
pub const TREE_LEAF: i64 = -1;
/// The feature and threshold of a leaf (scikit-learn's `TREE_UNDEFINED`).
pub const TREE_UNDEFINED: i64 = -2;

/// Values closer than this are one value (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// A fitted binary tree, one entry per node in every array (scikit-learn's `tree_`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// The left child of each node, or -1 for a leaf.
    pub children_left: Vec<i64>,
    /// The right child of each node, or -1 for a leaf.
    pub children_right: Vec<i64>,
    /// The feature each node splits on, or -2 for a leaf.
    pub feature: Vec<i64>,
    /// Rows with `x[feature] <= threshold` go left; -2 for a leaf.
    pub threshold: Vec<f64>,
    /// Each node's value, `n_values` per node (class fractions, or the mean target), row by row.
    pub value: Vec<f64>,
    /// Values per node: the number of classes, or 1.
    pub n_values: usize,
    /// Each node's impurity.
    pub impurity: Vec<f64>,
    /// Training rows (of positive weight) reaching each node.
    pub n_node_samples: Vec<usize>,
    /// Their total weight.
    pub weighted_n_node_samples: Vec<f64>,
    /// The depth of the deepest node (the root has depth 0).
    pub max_depth: usize,
    /// The number of features the tree was fitted on.
    pub n_features: usize,
    /// Where a missing value (NaN) goes at each split node: left if true.
    /// Learned where the node's training rows had missing values, else the
    /// child with more rows (scikit-learn's `missing_go_to_left`).
    #[serde(default)]
    pub missing_go_to_left: Vec<bool>,
}

impl Tree {
    pub(crate) fn new(n_values: usize, n_features: usize) -> Self {
        Tree {
            children_left: Vec::new(),
            children_right: Vec::new(),
            feature: Vec::new(),
            threshold: Vec::new(),
            value: Vec::new(),
            n_values,
            impurity: Vec::new(),
            n_node_samples: Vec::new(),
            weighted_n_node_samples: Vec::new(),
            max_depth: 0,
            n_features,
            missing_go_to_left: Vec::new(),
        }
    }

    /// Empty, for a tree of `n_values` values per node on `n_features` features (its buffers kept).
    fn reset(&mut self, n_values: usize, n_features: usize) {
        self.children_left.clear();
        self.children_right.clear();
        self.feature.clear();
        self.threshold.clear();
        self.value.clear();
        self.impurity.clear();
        self.n_node_samples.clear();
        self.weighted_n_node_samples.clear();
        self.missing_go_to_left.clear();
        (self.n_values, self.n_features, self.max_depth) = (n_values, n_features, 0);
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.feature.len()
    }

    /// The number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.children_left.iter().filter(|&&c| c == TREE_LEAF).count()
    }

    /// The value of node `node`.
    pub fn node_value(&self, node: usize) -> &[f64] {
        &self.value[node * self.n_values..(node + 1) * self.n_values]
    }

    #[allow(clippy::too_many_arguments)]
    fn add_node(
        &mut self,
        parent: Option<(usize, bool)>,
        split: Option<(usize, f64, bool)>,
        impurity: f64,
        n: usize,
        wn: f64,
        value: &[f64],
    ) -> usize {
        let id = self.feature.len();
        if let Some((p, is_left)) = parent {
            if is_left {
                self.children_left[p] = id as i64;
            } else {
                self.children_right[p] = id as i64;
            }
        }
        self.children_left.push(TREE_LEAF);
        self.children_right.push(TREE_LEAF);
        let (f, t, m) = split.map_or((TREE_UNDEFINED, TREE_UNDEFINED as f64, false), |(f, t, m)| (f as i64, t, m));
        self.feature.push(f);
        self.missing_go_to_left.push(m);
        self.threshold.push(t);
        self.impurity.push(impurity);
        self.n_node_samples.push(n);
        self.weighted_n_node_samples.push(wn);
        self.value.extend_from_slice(value);
        id
    }

    fn set_leaf(&mut self, node: usize) {
        self.children_left[node] = TREE_LEAF;
        self.children_right[node] = TREE_LEAF;
        self.feature[node] = TREE_UNDEFINED;
        self.threshold[node] = TREE_UNDEFINED as f64;
        self.missing_go_to_left[node] = false;
    }

    /// Whether a missing value goes left at split node `node` (false for
    /// trees saved before missing values were supported).
    pub fn missing_left(&self, node: usize) -> bool {
        self.missing_go_to_left.get(node).copied().unwrap_or(false)
    }

    /// The leaf each row of `x` falls into (scikit-learn's `apply`); the
    /// width and finiteness of `x` are the caller's to check.
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Vec<usize> {
        x.rows()
            .into_iter()
            .map(|row| {
                let mut node = 0;
                while self.children_left[node] != TREE_LEAF {
                    let v = row[self.feature[node] as usize];
                    let left =
                        if v.is_nan() { self.missing_left(node) } else { f64::from(v as f32) <= self.threshold[node] };
                    node = if left { self.children_left[node] as usize } else { self.children_right[node] as usize };
                }
                node
            })
            .collect()
    }

    /// Impurity-based importances (the weighted impurity decrease each
    /// feature brings), normalised to sum to one unless all are zero.
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut imp = vec![0.0; self.n_features];
        for node in 0..self.node_count() {
            let (l, r) = (self.children_left[node], self.children_right[node]);
            if l == TREE_LEAF {
                continue;
            }
            let (l, r) = (l as usize, r as usize);
            let w = &self.weighted_n_node_samples;
            imp[self.feature[node] as usize] +=
                w[node] * self.impurity[node] - w[l] * self.impurity[l] - w[r] * self.impurity[r];
        }
        let root = self.weighted_n_node_samples.first().copied().unwrap_or(1.0);
        imp.iter_mut().for_each(|v| *v /= root);
        let total: f64 = imp.iter().sum();
        if total > 0.0 {
            imp.iter_mut().for_each(|v| *v /= total);
        }
        imp
    }

    /// Writes the value of the leaf of each row of `x` into the rows of `out`.
    pub fn predict_into(&self, x: ArrayView2<'_, f64>, mut out: ndarray::ArrayViewMut2<'_, f64>) {
        for (leaf, row) in self.apply(x).into_iter().zip(out.rows_mut()) {
            let mut row: ArrayViewMut1<'_, f64> = row;
            row.iter_mut().zip(self.node_value(leaf)).for_each(|(o, v)| *o = *v);
        }
    }
}

/// The resolved growth limits of one tree.
#[derive(Debug, Clone)]
pub struct TreeSettings {
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub min_weight_leaf: f64,
    pub max_features: usize,
    pub max_leaf_nodes: Option<usize>,
    pub min_impurity_decrease: f64,
    pub seed: u64,
    /// scikit-learn's "random" splitter (extremely randomised trees): one
    /// uniform threshold per drawn feature instead of the best one.
    pub random_splits: bool,
}

/// scikit-learn's `max_features`: `None` (all), an integer, a fraction, "sqrt" or "log2".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MaxFeatures {
    /// This many features.
    Count(usize),
    /// This fraction of the features (at least one).
    Fraction(f64),
    /// "sqrt" or "log2" of the number of features (at least one).
    Rule(String),
}

fn check(ok: bool, name: &str, message: String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::param(name, message))
    }
}

/// The parameters both trees share, checked and resolved for data of
/// `n_samples` rows, `n_features` columns and total weight `total_weight`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn resolve_settings(
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    min_weight_fraction_leaf: f64,
    max_features: &Option<MaxFeatures>,
    max_leaf_nodes: Option<usize>,
    min_impurity_decrease: f64,
    random_state: u64,
    n_features: usize,
    total_weight: f64,
) -> Result<TreeSettings> {
    check(max_depth != Some(0), "max_depth", "must be an integer >= 1 or None, got 0".into())?;
    check(min_samples_split >= 2, "min_samples_split", format!("must be an integer >= 2, got {min_samples_split}"))?;
    check(min_samples_leaf >= 1, "min_samples_leaf", format!("must be an integer >= 1, got {min_samples_leaf}"))?;
    check(
        (0.0..=0.5).contains(&min_weight_fraction_leaf),
        "min_weight_fraction_leaf",
        format!("must be in [0, 0.5], got {min_weight_fraction_leaf}"),
    )?;
    if let Some(m) = max_leaf_nodes {
        check(m >= 2, "max_leaf_nodes", format!("must be an integer >= 2 or None, got {m}"))?;
    }
    check(
        min_impurity_decrease >= 0.0 && min_impurity_decrease.is_finite(),
        "min_impurity_decrease",
        format!("must be a finite number >= 0, got {min_impurity_decrease}"),
    )?;
    let bad = |what: String| Err(Error::param("max_features", what));
    let max_features = match max_features {
        None => n_features,
        Some(MaxFeatures::Count(k)) => {
            if *k == 0 || *k > n_features {
                return bad(format!("must be in (0, n_features={n_features}], got {k}"));
            }
            *k
        }
        Some(MaxFeatures::Fraction(f)) => {
            if !(*f > 0.0 && *f <= 1.0) {
                return bad(format!("must be a float in (0.0, 1.0], got {f}"));
            }
            ((f * n_features as f64) as usize).max(1)
        }
        Some(MaxFeatures::Rule(r)) => match r.as_str() {
            "sqrt" => ((n_features as f64).sqrt() as usize).max(1),
            "log2" => ((n_features as f64).log2() as usize).max(1),
            _ => return bad(format!("must be an integer, a float, 'sqrt', 'log2' or None, got '{r}'")),
        },
    };
    Ok(TreeSettings {
        max_depth: max_depth.unwrap_or(i32::MAX as usize),
        min_samples_split: min_samples_split.max(2 * min_samples_leaf),
        min_samples_leaf,
        min_weight_leaf: min_weight_fraction_leaf * total_weight,
        max_features,
        max_leaf_nodes,
        min_impurity_decrease,
        seed: random_state,
        random_splits: false,
    })
}

/// The features as `f32`, column by column, as the builder reads them.
#[derive(Debug)]
pub struct Columns {
    data: Vec<f32>,
    n_rows: usize,
    n_cols: usize,
}

impl Columns {
    /// Copies `x`, refusing NaN, infinity and values too large for `f32`, naming the cell.
    pub fn new(x: ArrayView2<'_, f64>) -> Result<Self> {
        Self::build(x, false)
    }

    /// Copies `x`, keeping NaN (missing values, which the splits learn to
    /// send left or right), refusing infinity and values too large for `f32`.
    pub fn with_missing(x: ArrayView2<'_, f64>) -> Result<Self> {
        Self::build(x, true)
    }

    fn build(x: ArrayView2<'_, f64>, allow_nan: bool) -> Result<Self> {
        let (n_rows, n_cols) = x.dim();
        let mut data = Vec::with_capacity(n_rows * n_cols);
        for (j, col) in x.columns().into_iter().enumerate() {
            for (i, &v) in col.iter().enumerate() {
                if v.is_nan() {
                    if allow_nan {
                        data.push(f32::NAN);
                        continue;
                    }
                    return Err(Error::at_cell(i, j, "Input X contains NaN"));
                }
                let f = v as f32;
                if !f.is_finite() {
                    return Err(Error::at_cell(
                        i,
                        j,
                        "Input X contains infinity or a value too large for dtype('float32')",
                    ));
                }
                data.push(f);
            }
        }
        Ok(Columns { data, n_rows, n_cols })
    }

    fn col(&self, j: usize) -> &[f32] {
        &self.data[j * self.n_rows..(j + 1) * self.n_rows]
    }
}

/// The best split of a node.
struct Split {
    feature: usize,
    threshold: f64,
    missing_go_to_left: bool,
    pos: usize,
    improvement: f64,
    impurity_left: f64,
    impurity_right: f64,
}

/// A candidate split: its proxy gain, feature, threshold, where missing values go, and split position.
#[derive(Clone, Copy)]
struct Candidate {
    proxy: f64,
    feature: usize,
    threshold: f64,
    missing_left: bool,
}

/// The working buffers of one fit.
struct Splitter<'a> {
    x: &'a Columns,
    s: &'a TreeSettings,
    /// The rows of positive weight, grouped by node.
    samples: Vec<usize>,
    /// (value, row) of the feature being scanned, at the node's positions.
    sorted: Vec<(f32, usize)>,
    /// The values of the feature being drawn, at the node's positions (random splits).
    vals: Vec<f32>,
    /// Those of the best candidate so far (swapped with `vals`), for the
    /// partition of the node, which then reads them in order instead of
    /// gathering them again.
    best_vals: Vec<f32>,
    /// A node's right rows while it is partitioned.
    scratch: Vec<usize>,
    /// The order of a scan, for criteria that precompute along it.
    order: Vec<usize>,
    features: Vec<usize>,
    is_constant: Vec<bool>,
    rng: Rng,
    weighted_n_samples: f64,
}

impl Splitter<'_> {
    /// The best split of `samples[start..end]`; features listed in
    /// `constants` are known constant there, and those found constant are added.
    fn split<C: Criterion>(
        &mut self,
        crit: &mut C,
        start: usize,
        end: usize,
        impurity: f64,
        constants: &mut Vec<usize>,
    ) -> Option<Split> {
        let s = self.s;
        self.is_constant.fill(false);
        constants.iter().for_each(|&f| self.is_constant[f] = true);
        self.features.clear();
        self.features.extend((0..self.x.n_cols).filter(|&f| !self.is_constant[f]));
        let mut f_i = self.features.len();
        let (mut visited, mut found_variable) = (0, false);
        let mut best: Option<Candidate> = None;
        while f_i > 0 && (visited < s.max_features || !found_variable) {
            let j = self.rng.below(f_i);
            self.features.swap(j, f_i - 1);
            f_i -= 1;
            visited += 1;
            let f = self.features[f_i];
            let variable = if s.random_splits {
                self.random_threshold(crit, f, start, end, &mut best)
            } else {
                self.best_threshold(crit, f, start, end, &mut best)
            };
            if variable {
                found_variable = true;
            } else {
                constants.push(f);
            }
        }
        let Candidate { feature, threshold, missing_left, .. } = best?;
        // Left rows first, each side in its previous order.
        let col = self.x.col(feature);
        // Each row is written to both sides and one count advances: no
        // branch on a direction that is often a coin flip (`l <= i`, so a
        // row is read before its slot is written over).
        let (mut l, mut r) = (start, 0);
        let gathered = s.random_splits;
        for i in start..end {
            let row = self.samples[i];
            let v = if gathered { self.best_vals[i - start] } else { col[row] };
            let left = if v.is_nan() { missing_left } else { f64::from(v) <= threshold };
            self.samples[l] = row;
            self.scratch[r] = row;
            l += usize::from(left);
            r += usize::from(!left);
        }
        let pos = l;
        self.samples[l..end].copy_from_slice(&self.scratch[..r]);
        if C::NEEDS_ORDER {
            crit.prepare(&self.samples[start..end]);
        }
        crit.reset();
        self.samples[start..pos].iter().for_each(|&r| crit.move_left(r));
        let (il, ir) = crit.children_impurity(&self.samples[start..pos], &self.samples[pos..end]);
        let improvement = crit.improvement(self.weighted_n_samples, impurity, il, ir);
        Some(Split {
            feature,
            threshold,
            missing_go_to_left: missing_left,
            pos,
            improvement,
            impurity_left: il,
            impurity_right: ir,
        })
    }

    /// scikit-learn's `BestSplitter` for feature `f` of `samples[start..end]`:
    /// false if the feature is constant there; else every threshold between
    /// distinct sorted values is tried, with the missing values (if any) on
    /// the right, then on the left, and "missing values alone on the right".
    fn best_threshold<C: Criterion>(
        &mut self,
        crit: &mut C,
        f: usize,
        start: usize,
        end: usize,
        best: &mut Option<Candidate>,
    ) -> bool {
        let s = self.s;
        let col = self.x.col(f);
        let node = &mut self.sorted[start..end];
        let n = node.len();
        // Non-missing values first (sorted), missing values at the end.
        let mut k = 0;
        let mut m = n;
        for &row in &self.samples[start..end] {
            let v = col[row];
            if v.is_nan() {
                m -= 1;
                node[m] = (v, row);
            } else {
                node[k] = (v, row);
                k += 1;
            }
        }
        let n_missing = n - k;
        if k == 0 {
            return false;
        }
        node[..k].sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        if n_missing == 0 && f64::from(node[k - 1].0) <= f64::from(node[0].0) + FEATURE_THRESHOLD {
            return false;
        }
        for missing_left in [false, true].into_iter().take(if n_missing > 0 { 2 } else { 1 }) {
            if C::NEEDS_ORDER {
                self.order.clear();
                if missing_left {
                    self.order.extend(node[k..].iter().map(|p| p.1));
                }
                self.order.extend(node[..k].iter().map(|p| p.1));
                if !missing_left {
                    self.order.extend(node[k..].iter().map(|p| p.1));
                }
                crit.prepare(&self.order);
            }
            crit.reset();
            let base = if missing_left {
                node[k..].iter().for_each(|p| crit.move_left(p.1));
                n_missing
            } else {
                0
            };
            let mut p = 0;
            while p < k {
                while p + 1 < k && f64::from(node[p + 1].0) <= f64::from(node[p].0) + FEATURE_THRESHOLD {
                    crit.move_left(node[p].1);
                    p += 1;
                }
                crit.move_left(node[p].1);
                p += 1;
                let n_left = base + p;
                if n_left >= n {
                    break;
                }
                if n_left < s.min_samples_leaf || n - n_left < s.min_samples_leaf {
                    continue;
                }
                if crit.weighted_n_left() < s.min_weight_leaf || crit.weighted_n_right() < s.min_weight_leaf {
                    continue;
                }
                let proxy = crit.proxy_improvement();
                if best.is_none_or(|b| proxy > b.proxy) {
                    let threshold = if p == k {
                        // Every non-missing value left, the missing ones right.
                        f64::INFINITY
                    } else {
                        f64::from(node[p - 1].0) / 2.0 + f64::from(node[p].0) / 2.0
                    };
                    let missing_left = if n_missing == 0 { n_left > n - n_left } else { missing_left };
                    *best = Some(Candidate { proxy, feature: f, threshold, missing_left });
                }
            }
        }
        true
    }

    /// scikit-learn's `RandomSplitter` for feature `f` of `samples[start..end]`:
    /// false if the feature is constant there, else one threshold drawn
    /// uniformly between its smallest and largest value (the missing values,
    /// if any, sent to a side drawn at random), kept if both children keep
    /// enough rows and weight and it beats `best`.
    fn random_threshold<C: Criterion>(
        &mut self,
        crit: &mut C,
        f: usize,
        start: usize,
        end: usize,
        best: &mut Option<Candidate>,
    ) -> bool {
        let s = self.s;
        let col = self.x.col(f);
        let rows = &self.samples[start..end];
        // One gather of the feature's values (4 bytes a row, the rows stay in
        // `samples`); the passes below read them in place, without branches
        // where they can (the comparisons skip NaN).
        let vals = &mut self.vals[..rows.len()];
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        let mut n_missing = 0;
        for (slot, &row) in vals.iter_mut().zip(rows) {
            let v = col[row];
            *slot = v;
            n_missing += usize::from(v.is_nan());
            // A comparison, false for NaN, is one `minss`/`maxss` (`f32::min` is three more).
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
        }
        let n = rows.len();
        let (lo, hi) = (f64::from(lo), f64::from(hi));
        if n_missing == n || (n_missing == 0 && hi <= lo + FEATURE_THRESHOLD) {
            return false;
        }
        let mut t = (hi - lo) * self.rng.uniform() + lo;
        let missing_left = n_missing > 0 && self.rng.below(2) == 1;
        if t == hi {
            t = lo;
        }
        let goes_left = |v: f32| if v.is_nan() { missing_left } else { f64::from(v) <= t };
        let n_left = if n_missing == 0 {
            vals.iter().map(|&v| usize::from(f64::from(v) <= t)).sum()
        } else {
            vals.iter().filter(|&&v| goes_left(v)).count()
        };
        if n_left < s.min_samples_leaf || n - n_left < s.min_samples_leaf {
            return true;
        }
        let pairs = || vals.iter().zip(rows);
        crit.reset();
        if C::NEEDS_ORDER {
            self.order.clear();
            self.order.extend(pairs().filter(|p| goes_left(*p.0)).map(|p| *p.1));
            self.order.extend(pairs().filter(|p| !goes_left(*p.0)).map(|p| *p.1));
            crit.prepare(&self.order);
            pairs().filter(|p| goes_left(*p.0)).for_each(|p| crit.move_left(*p.1));
        } else {
            // The other criteria's proxies and the weight checks are symmetric in the two
            // children: moving the smaller side gives the same candidate for less work.
            let side = 2 * n_left <= n;
            pairs().for_each(|(&v, &r)| crit.move_left_if(r, goes_left(v) == side));
        }
        if crit.weighted_n_left() < s.min_weight_leaf || crit.weighted_n_right() < s.min_weight_leaf {
            return true;
        }
        let proxy = crit.proxy_improvement();
        if best.is_none_or(|b| proxy > b.proxy) {
            let missing_left = if n_missing > 0 { missing_left } else { n_left > n - n_left };
            *best = Some(Candidate { proxy, feature: f, threshold: t, missing_left });
            std::mem::swap(&mut self.vals, &mut self.best_vals);
        }
        true
    }
}

/// Grows a tree on `x` with the criterion `crit` (which holds the target and
/// weights); rows of zero weight take no part, as in scikit-learn.
pub(crate) fn build<C: Criterion>(
    x: &Columns,
    weight: Option<&[f64]>,
    crit: &mut C,
    settings: &TreeSettings,
) -> Result<Tree> {
    let mut tree = Tree::new(crit.n_values(), x.n_cols);
    build_into(x, weight, crit, settings, &mut tree)?;
    Ok(tree)
}

/// [`build`] into `tree`, whatever it held: a forest grows each thread's
/// trees in one buffer and keeps an exact copy of each, where every tree's
/// arrays growing by doubling were copied into fresh memory at each step.
pub(crate) fn build_into<C: Criterion>(
    x: &Columns,
    weight: Option<&[f64]>,
    crit: &mut C,
    settings: &TreeSettings,
    tree: &mut Tree,
) -> Result<()> {
    let samples: Vec<usize> = (0..x.n_rows).filter(|&i| weight.is_none_or(|w| w[i] > 0.0)).collect();
    if samples.is_empty() {
        bail!(InvalidValue, "sample_weight is zero for every row");
    }
    let weighted_n_samples = weight.map_or(x.n_rows as f64, |w| w.iter().sum());
    let mut sp = Splitter {
        x,
        s: settings,
        sorted: if settings.random_splits { Vec::new() } else { vec![(0.0, 0); samples.len()] },
        vals: if settings.random_splits { vec![0.0; samples.len()] } else { Vec::new() },
        best_vals: if settings.random_splits { vec![0.0; samples.len()] } else { Vec::new() },
        order: Vec::new(),
        scratch: vec![0; samples.len()],
        samples,
        features: Vec::with_capacity(x.n_cols),
        is_constant: vec![false; x.n_cols],
        rng: Rng::new(settings.seed),
        weighted_n_samples,
    };
    tree.reset(crit.n_values(), x.n_cols);
    if settings.max_leaf_nodes.is_some() {
        best_first(&mut sp, crit, tree);
    } else {
        depth_first(&mut sp, crit, tree);
    }
    Ok(())
}

struct Record {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    impurity: Option<f64>,
    constants: Vec<usize>,
}

/// Whether a node of `n` rows and weight `wn` at `depth` must be a leaf before any split is tried.
fn stops(s: &TreeSettings, n: usize, wn: f64, depth: usize, impurity: f64) -> bool {
    depth >= s.max_depth
        || n < s.min_samples_split
        || n < 2 * s.min_samples_leaf
        || wn < 2.0 * s.min_weight_leaf
        || impurity <= f64::EPSILON
}

/// A node's split, if it is worth making.
fn try_split<C: Criterion>(sp: &mut Splitter<'_>, crit: &mut C, r: &mut Record, impurity: f64) -> Option<Split> {
    let n = r.end - r.start;
    if stops(sp.s, n, crit.weighted_n_node(), r.depth, impurity) {
        return None;
    }
    sp.split(crit, r.start, r.end, impurity, &mut r.constants)
        .filter(|s| s.pos < r.end && s.improvement + f64::EPSILON >= sp.s.min_impurity_decrease)
}

fn depth_first<C: Criterion>(sp: &mut Splitter<'_>, crit: &mut C, tree: &mut Tree) {
    let mut value = vec![0.0; crit.n_values()];
    let mut stack =
        vec![Record { start: 0, end: sp.samples.len(), depth: 0, parent: None, impurity: None, constants: Vec::new() }];
    while let Some(mut r) = stack.pop() {
        crit.init(&sp.samples[r.start..r.end]);
        crit.node_value(&mut value);
        let impurity = r.impurity.unwrap_or_else(|| crit.node_impurity(&sp.samples[r.start..r.end]));
        let split = try_split(sp, crit, &mut r, impurity);
        let id = tree.add_node(
            r.parent,
            split.as_ref().map(|s| (s.feature, s.threshold, s.missing_go_to_left)),
            impurity,
            r.end - r.start,
            crit.weighted_n_node(),
            &value,
        );
        tree.max_depth = tree.max_depth.max(r.depth);
        if let Some(s) = split {
            let child = |start, end, left, imp| Record {
                start,
                end,
                depth: r.depth + 1,
                parent: Some((id, left)),
                impurity: Some(imp),
                constants: r.constants.clone(),
            };
            stack.push(child(s.pos, r.end, false, s.impurity_right));
            stack.push(child(r.start, s.pos, true, s.impurity_left));
        }
    }
}

/// A node waiting in the best-first frontier.
struct Frontier {
    node: usize,
    improvement: f64,
    record: Record,
    split: Option<Split>,
}

impl PartialEq for Frontier {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Frontier {}
impl PartialOrd for Frontier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Frontier {
    /// The largest improvement first; among equal ones, the older node.
    fn cmp(&self, other: &Self) -> Ordering {
        self.improvement.total_cmp(&other.improvement).then(other.node.cmp(&self.node))
    }
}

fn add_split_node<C: Criterion>(sp: &mut Splitter<'_>, crit: &mut C, tree: &mut Tree, mut r: Record) -> Frontier {
    let mut value = vec![0.0; crit.n_values()];
    crit.init(&sp.samples[r.start..r.end]);
    crit.node_value(&mut value);
    let impurity = r.impurity.unwrap_or_else(|| crit.node_impurity(&sp.samples[r.start..r.end]));
    let split = try_split(sp, crit, &mut r, impurity);
    let node = tree.add_node(
        r.parent,
        split.as_ref().map(|s| (s.feature, s.threshold, s.missing_go_to_left)),
        impurity,
        r.end - r.start,
        crit.weighted_n_node(),
        &value,
    );
    Frontier { node, improvement: split.as_ref().map_or(0.0, |s| s.improvement), record: r, split }
}

fn best_first<C: Criterion>(sp: &mut Splitter<'_>, crit: &mut C, tree: &mut Tree) {
    let mut split_budget = sp.s.max_leaf_nodes.expect("best-first growth has a leaf limit") - 1;
    let root =
        Record { start: 0, end: sp.samples.len(), depth: 0, parent: None, impurity: None, constants: Vec::new() };
    let mut frontier = BinaryHeap::new();
    frontier.push(add_split_node(sp, crit, tree, root));
    while let Some(f) = frontier.pop() {
        let r = &f.record;
        tree.max_depth = tree.max_depth.max(r.depth);
        match f.split {
            Some(s) if split_budget > 0 => {
                split_budget -= 1;
                let child = |start, end, left, imp| Record {
                    start,
                    end,
                    depth: r.depth + 1,
                    parent: Some((f.node, left)),
                    impurity: Some(imp),
                    constants: r.constants.clone(),
                };
                let left = add_split_node(sp, crit, tree, child(r.start, s.pos, true, s.impurity_left));
                let right = add_split_node(sp, crit, tree, child(s.pos, r.end, false, s.impurity_right));
                frontier.push(left);
                frontier.push(right);
            }
            _ => tree.set_leaf(f.node),
        }
    }
}
