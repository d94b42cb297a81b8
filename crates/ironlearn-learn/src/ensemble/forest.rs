//! What the four forests share: growing the trees in parallel, the
//! bootstrap, class weights, out-of-bag estimates and the flat storage of
//! every tree.
//!
//! scikit-learn's `BaseForest` is the reference (`sklearn/ensemble/_forest.py`,
//! version 1.9): a bootstrap is a tree's sample weights (the number of times
//! each row was drawn), rows are drawn in proportion to their sample weight,
//! and the trees are the decision trees of [`crate::tree`]. Each tree draws
//! from its own stream, forked from `random_state` by its index, so the forest
//! does not depend on how many threads grow it.

use std::collections::BTreeMap;

use ironlearn_core::validate::{check_not_empty, check_sample_weight, check_target};
use ironlearn_core::{bail, ensure, Error, Result, Rng};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::n_jobs::in_pool;
use crate::tree::builder::{build_into, resolve_settings, Columns, MaxFeatures, Tree, TREE_LEAF};
use crate::tree::criterion::{AbsCriterion, ClassCriterion, RegCriterion};
use crate::tree::prune::{check_ccp_alpha, prune};

/// scikit-learn's `max_samples`: rows drawn per bootstrap, a count or a
/// fraction of the rows (of the total sample weight, when weighted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MaxSamples {
    /// This many rows.
    Count(usize),
    /// This fraction of the rows (or of the total sample weight).
    Fraction(f64),
}

/// scikit-learn's `class_weight`: "balanced", "balanced_subsample", or a weight per class label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassWeight {
    /// "balanced" or "balanced_subsample".
    Preset(String),
    /// The weight of each class, by label; classes left out weigh 1.
    Map(BTreeMap<String, f64>),
}

/// The parameters every forest shares, as one view.
pub(crate) struct ForestConfig<'a> {
    pub estimator: &'static str,
    pub n_estimators: usize,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub min_weight_fraction_leaf: f64,
    pub max_features: &'a Option<MaxFeatures>,
    pub max_leaf_nodes: Option<usize>,
    pub min_impurity_decrease: f64,
    pub bootstrap: bool,
    pub oob_score: bool,
    pub n_jobs: Option<i64>,
    pub random_state: u64,
    pub max_samples: &'a Option<MaxSamples>,
    /// Extremely randomised trees (scikit-learn's "random" splitter).
    pub random_splits: bool,
    /// Minimal cost-complexity pruning of each tree.
    pub ccp_alpha: f64,
}

/// The target of a forest.
pub(crate) enum Target<'a> {
    Classes {
        codes: &'a [u32],
        classes: &'a [String],
        entropy: bool,
        class_weight: &'a Option<ClassWeight>,
    },
    /// `criterion`: "squared_error", "absolute_error" or "poisson".
    Values {
        y: &'a [f64],
        criterion: &'a str,
    },
}

impl Target<'_> {
    fn n_values(&self) -> usize {
        match self {
            Target::Classes { classes, .. } => classes.len(),
            Target::Values { .. } => 1,
        }
    }
}

/// Every tree of a forest, each with its own node arrays as it was grown
/// (copying 7M nodes into shared arrays cost a third of a 100-tree
/// ExtraTrees fit on 50k rows, in fresh memory this host faults in slowly).
/// The model file holds them as [`FlatTrees`]: a few long arrays, not one
/// set per tree.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestTrees {
    trees: Vec<Tree>,
    /// Values per node: the number of classes, or 1.
    pub n_values: usize,
    pub n_features: usize,
    /// The compact copy of the splits that prediction walks (built at fit, or
    /// on the first prediction of a loaded forest).
    walk: WalkNodes,
}

/// How [`ForestTrees`] are saved: every tree's nodes one after the other.
#[derive(Serialize, Deserialize)]
#[serde(rename = "ForestTrees")]
struct FlatTrees {
    /// Tree `i` owns nodes `node_offset[i]..node_offset[i + 1]`.
    node_offset: Vec<usize>,
    /// Children as node indices within their tree, -1 for a leaf.
    children_left: Vec<i64>,
    children_right: Vec<i64>,
    /// The feature each node splits on, -2 for a leaf.
    feature: Vec<i64>,
    /// Rows with `x[feature] <= threshold` go left (compared as `f32`, as the trees do).
    threshold: Vec<f64>,
    /// `n_values` values per node: class fractions or the mean target.
    value: Vec<f64>,
    n_values: usize,
    impurity: Vec<f64>,
    n_node_samples: Vec<usize>,
    weighted_n_node_samples: Vec<f64>,
    /// The depth of each tree.
    max_depth: Vec<usize>,
    n_features: usize,
    /// Where a missing value goes at each split node: left if true.
    #[serde(default)]
    missing_go_to_left: Vec<bool>,
}

impl Serialize for ForestTrees {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut f = FlatTrees {
            node_offset: vec![0],
            children_left: Vec::new(),
            children_right: Vec::new(),
            feature: Vec::new(),
            threshold: Vec::new(),
            value: Vec::new(),
            n_values: self.n_values,
            impurity: Vec::new(),
            n_node_samples: Vec::new(),
            weighted_n_node_samples: Vec::new(),
            max_depth: Vec::new(),
            n_features: self.n_features,
            missing_go_to_left: Vec::new(),
        };
        for t in &self.trees {
            f.missing_go_to_left.extend((0..t.node_count()).map(|i| t.missing_left(i)));
            f.children_left.extend_from_slice(&t.children_left);
            f.children_right.extend_from_slice(&t.children_right);
            f.feature.extend_from_slice(&t.feature);
            f.threshold.extend_from_slice(&t.threshold);
            f.value.extend_from_slice(&t.value);
            f.impurity.extend_from_slice(&t.impurity);
            f.n_node_samples.extend_from_slice(&t.n_node_samples);
            f.weighted_n_node_samples.extend_from_slice(&t.weighted_n_node_samples);
            f.max_depth.push(t.max_depth);
            f.node_offset.push(f.feature.len());
        }
        f.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ForestTrees {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let f = FlatTrees::deserialize(d)?;
        ForestTrees::from_flat(f).map_err(serde::de::Error::custom)
    }
}

/// One node as prediction reads it: 16 bytes, so that a step reads one
/// small record instead of five arrays (children, feature, threshold and
/// missing-value side). A leaf points to itself on both sides, so that a
/// group of rows walks a tree in lock step without branching on leaves.
#[derive(Debug, Clone, Copy)]
struct WalkNode {
    /// The largest `f32` not above the threshold: for an `f32` value `v`,
    /// `v <= threshold` exactly when `f64::from(v) <= ` the `f64` threshold.
    threshold: f32,
    /// The feature, with [`MISSING_LEFT`] set where a missing value goes left.
    feature: u32,
    left: u32,
    right: u32,
}

/// The bit of [`WalkNode::feature`] that sends missing values left.
const MISSING_LEFT: u32 = 1 << 31;

/// Rows walked together through a tree: their node reads are independent,
/// so the processor overlaps their cache misses.
const LANES: usize = 8;

/// The largest `f32` not greater than `t` (NaN for NaN).
fn f32_at_most(t: f64) -> f32 {
    let y = t as f32;
    if f64::from(y) > t {
        y.next_down()
    } else {
        y
    }
}

/// The [`WalkNode`]s of a forest, derived from its arrays; not saved, and
/// not part of equality.
#[derive(Debug, Clone, Default)]
struct WalkNodes(std::sync::OnceLock<(Vec<WalkNode>, Vec<usize>)>);

impl PartialEq for WalkNodes {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl ForestTrees {
    pub(crate) fn from_trees(trees: Vec<Tree>, n_values: usize, n_features: usize) -> Self {
        let mut f = ForestTrees { trees: Vec::new(), n_values, n_features, walk: WalkNodes::default() };
        f.append(trees);
        f
    }

    /// Adds `trees` after the ones already held.
    fn append(&mut self, trees: Vec<Tree>) {
        self.trees.extend(trees);
        self.walk = WalkNodes::default();
        self.walk_nodes();
    }

    /// The trees of a saved forest, each checked against the others' arrays
    /// (a file that does not hold a forest is refused, not walked).
    fn from_flat(f: FlatTrees) -> std::result::Result<Self, String> {
        let nodes = f.feature.len();
        let n_trees = f.node_offset.len().checked_sub(1).filter(|&t| t > 0).ok_or("the forest has no trees")?;
        if f.n_values == 0 {
            return Err("the forest's nodes hold no values".into());
        }
        if f.node_offset[0] != 0 || f.node_offset.windows(2).any(|w| w[0] > w[1]) || f.node_offset[n_trees] != nodes {
            return Err(format!("the forest's node offsets do not cut its {nodes} nodes into trees"));
        }
        let lens = [f.children_left.len(), f.children_right.len(), f.threshold.len(), f.impurity.len()];
        let more = [f.n_node_samples.len(), f.weighted_n_node_samples.len()];
        if lens.iter().chain(&more).any(|&l| l != nodes) || Some(f.value.len()) != nodes.checked_mul(f.n_values) {
            return Err(format!("the forest's node arrays are not all {nodes} nodes long"));
        }
        if f.max_depth.len() != n_trees || (!f.missing_go_to_left.is_empty() && f.missing_go_to_left.len() != nodes) {
            return Err(format!("the forest's per-tree or missing-value arrays do not match its {n_trees} trees"));
        }
        let mut trees = Vec::with_capacity(n_trees);
        for (i, r) in f.node_offset.windows(2).map(|w| w[0]..w[1]).enumerate() {
            // A split node's children come after it in its tree (as the
            // builders number them), so every walk ends at a leaf; a leaf has
            // neither child.
            let (size, nf) = (r.len() as i64, f.n_features as i64);
            let node_ok = |k: usize| {
                let (at, left, right) = (r.start + k, f.children_left[r.start + k], f.children_right[r.start + k]);
                let child_ok = |c: i64| c > k as i64 && c < size;
                (left == TREE_LEAF && right == TREE_LEAF)
                    || (child_ok(left) && child_ok(right) && (0..nf).contains(&f.feature[at]))
            };
            if r.is_empty() || !(0..r.len()).all(node_ok) {
                return Err(format!("tree {i} of the forest has a child or feature out of range"));
            }
            trees.push(Tree {
                children_left: f.children_left[r.clone()].to_vec(),
                children_right: f.children_right[r.clone()].to_vec(),
                feature: f.feature[r.clone()].to_vec(),
                threshold: f.threshold[r.clone()].to_vec(),
                value: f.value[r.start * f.n_values..r.end * f.n_values].to_vec(),
                n_values: f.n_values,
                impurity: f.impurity[r.clone()].to_vec(),
                n_node_samples: f.n_node_samples[r.clone()].to_vec(),
                weighted_n_node_samples: f.weighted_n_node_samples[r.clone()].to_vec(),
                max_depth: f.max_depth[i],
                n_features: f.n_features,
                missing_go_to_left: f.missing_go_to_left.get(r).map(<[bool]>::to_vec).unwrap_or_default(),
            });
        }
        Ok(ForestTrees { trees, n_values: f.n_values, n_features: f.n_features, walk: WalkNodes::default() })
    }

    /// The compact nodes prediction walks (every tree's, one after the
    /// other) and where each tree's start, built once.
    fn walk_nodes(&self) -> &(Vec<WalkNode>, Vec<usize>) {
        self.walk.0.get_or_init(|| {
            let mut nodes = Vec::with_capacity(self.trees.iter().map(Tree::node_count).sum());
            let mut offsets = Vec::with_capacity(self.trees.len() + 1);
            for t in &self.trees {
                offsets.push(nodes.len());
                nodes.extend((0..t.node_count()).map(|at| {
                    if t.children_left[at] == TREE_LEAF {
                        return WalkNode { threshold: 0.0, feature: 0, left: at as u32, right: at as u32 };
                    }
                    let side = if t.missing_left(at) { MISSING_LEFT } else { 0 };
                    WalkNode {
                        threshold: f32_at_most(t.threshold[at]),
                        feature: t.feature[at] as u32 | side,
                        left: t.children_left[at] as u32,
                        right: t.children_right[at] as u32,
                    }
                }));
            }
            offsets.push(nodes.len());
            (nodes, offsets)
        })
    }

    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// Tree `i` (scikit-learn's `estimators_[i].tree_`).
    pub fn tree(&self, i: usize) -> &Tree {
        &self.trees[i]
    }

    /// The leaf (node index within tree `i`) of each row of `xs` (`rows ×
    /// width`, as `f32`), into `leaves`. Rows go through in groups of
    /// [`LANES`], each step moving every row of the group one level down
    /// (a row at a leaf stays there), until none moves.
    fn leaves(&self, tree: &[WalkNode], xs: &[f32], width: usize, leaves: &mut [u32]) {
        let step = |at: u32, row: &[f32]| {
            let n = tree[at as usize];
            let v = row[(n.feature & !MISSING_LEFT) as usize];
            let left = (v <= n.threshold) | (v.is_nan() & (n.feature & MISSING_LEFT != 0));
            if left {
                n.left
            } else {
                n.right
            }
        };
        let done = leaves.len() - leaves.len() % LANES;
        for (g, out) in leaves.chunks_exact_mut(LANES).enumerate() {
            let rows = &xs[g * LANES * width..(g + 1) * LANES * width];
            let mut at = [0u32; LANES];
            loop {
                let mut moved = false;
                for (k, a) in at.iter_mut().enumerate() {
                    let next = step(*a, &rows[k * width..(k + 1) * width]);
                    moved |= next != *a;
                    *a = next;
                }
                if !moved {
                    break;
                }
            }
            out.copy_from_slice(&at);
        }
        for (r, out) in leaves.iter_mut().enumerate().skip(done) {
            let row = &xs[r * width..(r + 1) * width];
            let mut at = 0;
            loop {
                let next = step(at, row);
                if next == at {
                    break;
                }
                at = next;
            }
            *out = at;
        }
    }

    /// Calls `each(block index, leaves)` for every block of [`ROW_BLOCK`]
    /// rows and every tree in order, `leaves` holding the leaf of each of
    /// the block's rows in that tree; the blocks run in parallel.
    fn walk_blocks<T: Send + Sync>(
        &self,
        x: ArrayView2<'_, f64>,
        out: &mut Array2<T>,
        n_jobs: Option<i64>,
        each: impl Fn(usize, &mut ndarray::ArrayViewMut2<'_, T>, &[u32]) + Sync,
    ) -> Result<()> {
        let (nodes, offsets) = self.walk_nodes();
        let width = x.ncols().max(1);
        in_pool(n_jobs, || {
            out.axis_chunks_iter_mut(Axis(0), ROW_BLOCK).into_par_iter().enumerate().for_each(|(b, mut block)| {
                let rows = x.slice(ndarray::s![b * ROW_BLOCK..b * ROW_BLOCK + block.nrows(), ..]);
                // The block's rows as `f32`, which is how the splits compare them.
                let mut xs = vec![0f32; rows.nrows() * width];
                for (dst, row) in xs.chunks_exact_mut(width).zip(rows.rows()) {
                    dst.iter_mut().zip(row).for_each(|(d, &v)| *d = v as f32);
                }
                let mut leaves = vec![0u32; rows.nrows()];
                // Tree by tree over the block's rows, so that each tree's nodes stay in cache.
                for i in 0..self.n_trees() {
                    self.leaves(&nodes[offsets[i]..offsets[i + 1]], &xs, width, &mut leaves);
                    each(i, &mut block, &leaves);
                }
            })
        })?;
        Ok(())
    }

    /// The leaf of each row in each tree (scikit-learn's `apply`), `rows × trees`.
    pub fn apply(&self, x: ArrayView2<'_, f64>, n_jobs: Option<i64>) -> Result<Array2<usize>> {
        let mut out = Array2::zeros((x.nrows(), self.n_trees()));
        self.walk_blocks(x, &mut out, n_jobs, |i, block, leaves| {
            block.column_mut(i).iter_mut().zip(leaves).for_each(|(o, &l)| *o = l as usize);
        })?;
        Ok(out)
    }

    /// The mean over the trees of the leaf values of each row, `rows × n_values`;
    /// each row sums the trees in order (as scikit-learn does with one
    /// thread), so the result does not depend on the threads.
    pub fn mean_value(&self, x: ArrayView2<'_, f64>, n_jobs: Option<i64>) -> Result<Array2<f64>> {
        let (nv, n_trees) = (self.n_values, self.n_trees());
        let mut out = Array2::zeros((x.nrows(), nv));
        self.walk_blocks(x, &mut out, n_jobs, |i, block, leaves| {
            let tree = &self.trees[i];
            for (mut o, &l) in block.rows_mut().into_iter().zip(leaves) {
                o.iter_mut().zip(tree.node_value(l as usize)).for_each(|(o, v)| *o += v);
            }
        })?;
        out.mapv_inplace(|v| v / n_trees as f64);
        Ok(out)
    }

    /// The mean of the trees' normalised importances (trees of one node left
    /// out), normalised again; zeros if every tree is a single leaf.
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut sum = vec![0.0; self.n_features];
        let grown: Vec<&Tree> = self.trees.iter().filter(|t| t.node_count() > 1).collect();
        if grown.is_empty() {
            return sum;
        }
        for t in &grown {
            t.feature_importances().iter().zip(&mut sum).for_each(|(v, s)| *s += v);
        }
        sum.iter_mut().for_each(|v| *v /= grown.len() as f64);
        let total: f64 = sum.iter().sum();
        if total > 0.0 {
            sum.iter_mut().for_each(|v| *v /= total);
        }
        sum
    }
}

/// Rows per parallel block at prediction.
const ROW_BLOCK: usize = 256;

/// A fitted forest, before the estimator wraps it.
pub(crate) struct GrownForest {
    pub trees: ForestTrees,
    pub feature_importances: Vec<f64>,
    /// The out-of-bag score and predictions (`rows × n_values`), when asked for.
    pub oob: Option<(f64, Array2<f64>)>,
}

/// The parameter checks that need no data.
fn check_config(cfg: &ForestConfig<'_>) -> Result<()> {
    ensure!(
        cfg.n_estimators >= 1,
        InvalidValue,
        "The 'n_estimators' parameter of {} must be an int in the range [1, inf). Got {} instead.",
        cfg.estimator,
        cfg.n_estimators
    );
    if let Some(m) = cfg.max_samples {
        let ok = match m {
            MaxSamples::Count(c) => *c >= 1,
            MaxSamples::Fraction(f) => *f > 0.0 && f.is_finite(),
        };
        if !ok {
            let got = match m {
                MaxSamples::Count(c) => c.to_string(),
                MaxSamples::Fraction(f) => f.to_string(),
            };
            return Err(Error::param(
                "max_samples",
                format!(
                    "The 'max_samples' parameter of {} must be None, a float in the range (0.0, inf) or an int in \
                     the range [1, inf). Got {got} instead.",
                    cfg.estimator
                ),
            ));
        }
        if !cfg.bootstrap {
            return Err(Error::param(
                "max_samples",
                "`max_sample` cannot be set if `bootstrap=False`. Either switch to `bootstrap=True` or set \
                 `max_sample=None`."
                    .to_string(),
            ));
        }
    }
    if cfg.oob_score && !cfg.bootstrap {
        bail!(InvalidValue, "Out of bag estimation only available if bootstrap=True");
    }
    check_ccp_alpha(cfg.ccp_alpha)?;
    if cfg.n_jobs == Some(0) {
        return Err(Error::param("n_jobs", "must be None, a negative number or a positive number of threads, got 0"));
    }
    Ok(())
}

/// The weight of each row from `class_weight` over the whole target
/// (scikit-learn's `compute_sample_weight`); "balanced" weighs each class by
/// `total / (n_classes * class total)`, counting the sample weights.
pub(crate) fn class_weights(
    cw: &ClassWeight,
    codes: &[u32],
    classes: &[String],
    sw: Option<&[f64]>,
    bootstrap: bool,
) -> Result<Option<Vec<f64>>> {
    let per_class = match cw {
        ClassWeight::Preset(p) if p == "balanced_subsample" && bootstrap => return Ok(None),
        ClassWeight::Preset(p) if p == "balanced" || p == "balanced_subsample" => {
            let mut totals = vec![0.0; classes.len()];
            codes.iter().enumerate().for_each(|(i, &c)| totals[c as usize] += sw.map_or(1.0, |w| w[i]));
            let all: f64 = totals.iter().sum();
            totals.iter().map(|t| all / (classes.len() as f64 * t)).collect::<Vec<_>>()
        }
        ClassWeight::Preset(p) => {
            return Err(Error::param(
                "class_weight",
                format!(
                    "Valid presets for class_weight include \"balanced\" and \"balanced_subsample\".Given \"{p}\"."
                ),
            ))
        }
        ClassWeight::Map(m) => {
            let weights: Vec<f64> = classes.iter().map(|c| m.get(c).copied().unwrap_or(1.0)).collect();
            let missing: Vec<&String> = classes.iter().filter(|c| !m.contains_key(*c)).collect();
            if !missing.is_empty() && m.keys().any(|k| !classes.contains(k)) {
                return Err(Error::param("class_weight", format!("The classes, {missing:?}, are not in class_weight")));
            }
            weights
        }
    };
    Ok(Some(codes.iter().map(|&c| per_class[c as usize]).collect()))
}

/// The number of rows each bootstrap draws (scikit-learn's `_get_n_samples_bootstrap`).
fn n_bootstrap(max_samples: &Option<MaxSamples>, n: usize, weight: Option<&[f64]>) -> usize {
    match max_samples {
        None => n,
        Some(MaxSamples::Count(c)) => *c,
        Some(MaxSamples::Fraction(f)) => {
            let total = weight.map_or(n as f64, |w| w.iter().sum());
            ((f * total) as usize).max(1)
        }
    }
}

/// How many times each row is drawn, `n_draws` draws with replacement, in
/// proportion to `weight` (uniform without).
fn bootstrap_counts(rng: &mut Rng, n: usize, n_draws: usize, cumulative: Option<&[f64]>) -> Vec<f64> {
    let mut counts = vec![0.0; n];
    match cumulative {
        None => (0..n_draws).for_each(|_| counts[rng.below(n)] += 1.0),
        Some(cum) => {
            let total = cum[n - 1];
            for _ in 0..n_draws {
                let u = rng.uniform() * total;
                let i = cum.partition_point(|&c| c <= u).min(n - 1);
                counts[i] += 1.0;
            }
        }
    }
    counts
}

/// Tree `i`'s seed (its `random_state` as a decision tree) and the stream
/// its bootstrap draws from, forked from the forest's `random_state` stream.
fn tree_stream(root: &Rng, i: usize) -> (u64, Rng) {
    let mut rng = root.fork(i as u64);
    (rng.next_u64(), rng)
}

/// The `random_state` tree `i` of a forest seeded with `random_state` grows with.
#[cfg(test)]
pub(crate) fn tree_seed(random_state: u64, i: usize) -> u64 {
    tree_stream(&Rng::new(random_state), i).0
}

/// Grows the forest on `x` and `target`, with optional sample weights;
/// with `previous` (warm start), its trees are kept and only trees
/// `previous.n_trees()..n_estimators` are grown. Tree `i` depends only on
/// `random_state` and `i`, so a warm-started forest equals one grown at once.
pub(crate) fn grow(
    cfg: &ForestConfig<'_>,
    x: ArrayView2<'_, f64>,
    target: &Target<'_>,
    sw: Option<&[f64]>,
    previous: Option<&ForestTrees>,
) -> Result<GrownForest> {
    check_config(cfg)?;
    check_not_empty(x)?;
    let n = x.nrows();
    let n_y = match target {
        Target::Classes { codes, .. } => codes.len(),
        Target::Values { y, .. } => y.len(),
    };
    ensure!(n == n_y, Shape, "Found input variables with inconsistent numbers of samples: X has {n} rows, y has {n_y}");
    check_sample_weight(sw, n)?;
    let n_old = previous.map_or(0, ForestTrees::n_trees);
    if let Some(prev) = previous {
        ensure!(
            cfg.n_estimators >= n_old,
            InvalidValue,
            "n_estimators={} must be larger or equal to len(estimators_)={n_old} when warm_start==True",
            cfg.n_estimators
        );
        ensure!(
            prev.n_features == x.ncols() && prev.n_values == target.n_values(),
            Shape,
            "warm_start: X has {} features and {} classes/outputs, but the previous forest was fitted with {} and {}",
            x.ncols(),
            target.n_values(),
            prev.n_features,
            prev.n_values
        );
    }
    let columns = Columns::with_missing(x)?;
    // The weights of the rows: sample weights times class weights (scikit-learn's `_sample_weight`).
    let mut weight: Option<Vec<f64>> = sw.map(<[f64]>::to_vec);
    let mut subsample_balance = false;
    if let Target::Classes { codes, classes, class_weight: Some(cw), .. } = target {
        subsample_balance = matches!(cw, ClassWeight::Preset(p) if p == "balanced_subsample") && cfg.bootstrap;
        if let Some(cw) = class_weights(cw, codes, classes, None, cfg.bootstrap)? {
            weight = Some(match weight {
                Some(w) => w.iter().zip(&cw).map(|(a, b)| a * b).collect(),
                None => cw,
            });
        }
    }
    let weight = weight.as_deref();
    let base = resolve_settings(
        cfg.max_depth,
        cfg.min_samples_split,
        cfg.min_samples_leaf,
        cfg.min_weight_fraction_leaf,
        cfg.max_features,
        cfg.max_leaf_nodes,
        cfg.min_impurity_decrease,
        cfg.random_state,
        x.ncols(),
        weight.map_or(n as f64, |w| w.iter().sum()),
    )?;
    let n_draws = n_bootstrap(cfg.max_samples, n, weight);
    let cumulative: Option<Vec<f64>> = weight.map(|w| {
        w.iter()
            .scan(0.0, |acc, v| {
                *acc += v;
                Some(*acc)
            })
            .collect()
    });
    if cfg.bootstrap && cumulative.as_ref().is_some_and(|c| c[n - 1] <= 0.0) {
        bail!(InvalidValue, "sample_weight is zero for every row");
    }
    let root = Rng::new(cfg.random_state);
    let n_values = target.n_values();
    // Tree i's bootstrap counts, from its own stream (after its seed).
    let counts_of = |i: usize| -> Option<Vec<f64>> {
        let (_, mut rng) = tree_stream(&root, i);
        cfg.bootstrap.then(|| bootstrap_counts(&mut rng, n, n_draws, cumulative.as_deref()))
    };
    // One tree: its seed and bootstrap come from its own stream.
    let grow_one = |grown: &mut Tree, i: usize| -> Result<Tree> {
        let (seed, _) = tree_stream(&root, i);
        let mut settings = base.clone();
        settings.seed = seed;
        settings.random_splits = cfg.random_splits;
        let mut tree_weight = counts_of(i);
        if let (true, Some(w), Target::Classes { codes, classes, .. }) = (subsample_balance, &mut tree_weight, target) {
            // "balanced_subsample": classes balanced over the drawn rows.
            let mut totals = vec![0.0; classes.len()];
            codes.iter().zip(w.iter()).for_each(|(&c, &k)| totals[c as usize] += k);
            let drawn: f64 = totals.iter().sum();
            let present = totals.iter().filter(|&&t| t > 0.0).count() as f64;
            w.iter_mut().zip(*codes).for_each(|(k, &c)| {
                let t = totals[c as usize];
                *k *= if t > 0.0 { drawn / (present * t) } else { 0.0 };
            });
        }
        let tw = if cfg.bootstrap { tree_weight.as_deref() } else { weight };
        settings.min_weight_leaf = cfg.min_weight_fraction_leaf * tw.map_or(n as f64, |w| w.iter().sum());
        match target {
            Target::Classes { codes, classes, entropy, .. } => build_into(
                &columns,
                tw,
                &mut ClassCriterion::new(codes, tw, classes.len(), *entropy),
                &settings,
                grown,
            )?,
            Target::Values { y, criterion: "absolute_error" } => {
                build_into(&columns, tw, &mut AbsCriterion::new(y, tw), &settings, grown)?
            }
            Target::Values { y, criterion } => {
                build_into(&columns, tw, &mut RegCriterion::new(y, tw, *criterion == "poisson"), &settings, grown)?
            }
        }
        // The tree as grown, in arrays of its size, or pruned.
        Ok(if cfg.ccp_alpha == 0.0 { grown.clone() } else { prune(grown, cfg.ccp_alpha) })
    };
    let new: Vec<Tree> = in_pool(cfg.n_jobs, || {
        let scratch = || Tree::new(n_values, x.ncols());
        (n_old..cfg.n_estimators.max(n_old)).into_par_iter().map_init(scratch, grow_one).collect::<Result<Vec<_>>>()
    })??;
    let mut trees = match previous {
        Some(prev) => prev.clone(),
        None => ForestTrees::from_trees(Vec::new(), n_values, x.ncols()),
    };
    trees.append(new);
    let oob = if cfg.oob_score { Some(out_of_bag(x, &trees, &counts_of, target, n_values, cfg.n_jobs)?) } else { None };
    Ok(GrownForest { feature_importances: trees.feature_importances(), trees, oob })
}

/// The out-of-bag predictions (the mean over the trees that did not draw
/// the row; zero for a row every tree drew) and their score: accuracy, or R².
fn out_of_bag(
    x: ArrayView2<'_, f64>,
    trees: &ForestTrees,
    counts_of: &(dyn Fn(usize) -> Option<Vec<f64>> + Sync),
    target: &Target<'_>,
    n_values: usize,
    n_jobs: Option<i64>,
) -> Result<(f64, Array2<f64>)> {
    let n = x.nrows();
    // Each tree's leaf values for its out-of-bag rows, in parallel; summed in tree order.
    let per_tree: Vec<(Vec<usize>, Array2<f64>)> = in_pool(n_jobs, || {
        (0..trees.n_trees())
            .into_par_iter()
            .map(|i| {
                let counts = counts_of(i);
                let rows: Vec<usize> =
                    counts.as_ref().map_or(Vec::new(), |c| (0..n).filter(|&i| c[i] == 0.0).collect());
                let sub = x.select(Axis(0), &rows);
                let mut out = Array2::zeros((rows.len(), n_values));
                trees.tree(i).predict_into(sub.view(), out.view_mut());
                (rows, out)
            })
            .collect()
    })?;
    let mut pred = Array2::<f64>::zeros((n, n_values));
    let mut seen = vec![0usize; n];
    for (rows, values) in &per_tree {
        for (&r, v) in rows.iter().zip(values.rows()) {
            pred.row_mut(r).iter_mut().zip(v).for_each(|(p, v)| *p += v);
            seen[r] += 1;
        }
    }
    for (mut row, &k) in pred.rows_mut().into_iter().zip(&seen) {
        row.mapv_inplace(|v| v / k.max(1) as f64);
    }
    let score = match target {
        Target::Classes { codes, .. } => {
            let right = pred
                .rows()
                .into_iter()
                .zip(*codes)
                .filter(|(p, &c)| ironlearn_core::validate::argmax(p.iter().copied()) == c as usize)
                .count();
            right as f64 / n as f64
        }
        Target::Values { y, .. } => r2(y, pred.column(0).as_slice().unwrap_or(&pred.column(0).to_vec())),
    };
    Ok((score, pred))
}

/// The coefficient of determination (scikit-learn's `r2_score`, unweighted).
pub(crate) fn r2(y: &[f64], pred: &[f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b) * (a - b)).sum();
    let ss_tot: f64 = y.iter().map(|a| (a - mean) * (a - mean)).sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// The regression checks of scikit-learn's forests (finite target, Poisson's sign).
pub(crate) fn check_regression_target(y: &[f64], criterion: &str) -> Result<()> {
    let poisson = criterion == "poisson";
    check_target(y)?;
    if poisson {
        if y.iter().any(|&v| v < 0.0) {
            bail!(InvalidValue, "Some value(s) of y are negative which is not allowed for Poisson regression.");
        }
        ensure!(
            y.iter().sum::<f64>() > 0.0,
            InvalidValue,
            "Sum of y is not strictly positive which is necessary for Poisson regression."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::testing::{inject_nan, split};
    use crate::ensemble::ExtraTreesClassifier;
    use ironlearn_core::Fit;

    #[test]
    fn f32_at_most_compares_as_the_f64_threshold() {
        let ts = [0.1, -0.1, 1.5, 1e300, -1e300, 3.4028235677973366e38, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0];
        let vs = [0.1f32, -0.1, 1.5, 0.099_999_994, 0.100_000_01, f32::MAX, f32::INFINITY, f32::NEG_INFINITY, 0.0];
        for &t in &ts {
            let t32 = f32_at_most(t);
            assert!(f64::from(t32) <= t, "{t}");
            for &v in &vs {
                assert_eq!(v <= t32, f64::from(v) <= t, "{v} <= {t}");
            }
        }
        assert!(f32_at_most(f64::NAN).is_nan());
    }

    #[test]
    fn walking_the_compact_nodes_finds_each_trees_leaf() {
        // Missing values, and a row count that is neither a multiple of the
        // lanes nor of the block.
        let (mut xt, yt, mut xv, _) = split("breast_cancer");
        inject_nan(&mut xt);
        inject_nan(&mut xv);
        let xv = ndarray::concatenate(Axis(0), &[xv.view(), xv.view(), xv.view()]).unwrap();
        let m = ExtraTreesClassifier { n_estimators: 7, random_state: 3, ..Default::default() }
            .fit(xt.view(), &yt)
            .unwrap();
        let f = m.trees();
        let leaves = f.apply(xv.view(), Some(2)).unwrap();
        let mut sum = Array2::<f64>::zeros((xv.nrows(), f.n_values));
        for i in 0..f.n_trees() {
            let t = f.tree(i);
            let want = t.apply(xv.view());
            assert_eq!(leaves.column(i).to_vec(), want);
            for (mut s, &l) in sum.rows_mut().into_iter().zip(&want) {
                s.iter_mut().zip(t.node_value(l)).for_each(|(s, v)| *s += v);
            }
        }
        sum.mapv_inplace(|v| v / f.n_trees() as f64);
        assert_eq!(f.mean_value(xv.view(), Some(1)).unwrap(), sum);
        assert_eq!(f.mean_value(xv.view(), Some(2)).unwrap(), sum);
        // A loaded forest builds its walk on first use.
        let loaded: ForestTrees = serde_json::from_str(&serde_json::to_string(f).unwrap()).unwrap();
        assert_eq!(loaded.mean_value(xv.view(), Some(1)).unwrap(), sum);
        assert_eq!(&loaded, f);
    }

    #[test]
    fn a_saved_forest_whose_arrays_disagree_is_refused() {
        let (xt, yt, _, _) = split("iris");
        let m = ExtraTreesClassifier { n_estimators: 3, random_state: 1, ..Default::default() }
            .fit(xt.view(), &yt)
            .unwrap();
        let saved = serde_json::to_value(m.trees()).unwrap();
        let load = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = saved.clone();
            edit(&mut v);
            serde_json::from_value::<ForestTrees>(v).map(|_| ()).map_err(|e| e.to_string())
        };
        assert_eq!(load(&|_| ()), Ok(()));
        let nodes = saved["feature"].as_array().unwrap().len();
        type Edit<'a> = &'a dyn Fn(&mut serde_json::Value);
        let cases: [(Edit<'_>, &str); 10] = [
            (&|v| v["node_offset"][3] = (nodes + 1).into(), "node offsets"),
            (&|v| v["node_offset"] = serde_json::json!([0]), "no trees"),
            (&|v| v["n_values"] = 0.into(), "no values"),
            (&|v| v["n_values"] = (u64::MAX / 2).into(), "node arrays"),
            (&|v| v["impurity"].as_array_mut().unwrap().push(0.0.into()), "node arrays"),
            (&|v| v["children_left"][0] = 100_000.into(), "tree 0 of the forest has a child"),
            (&|v| v["feature"][0] = 4.into(), "tree 0 of the forest has a child or feature"),
            // A child before its parent (a cycle would never reach a leaf) or a split without a feature.
            (&|v| v["children_left"][2] = 1.into(), "tree 0 of the forest has a child"),
            (&|v| v["feature"][0] = (-2).into(), "tree 0 of the forest has a child or feature"),
            (&|v| v["children_right"][0] = (-1).into(), "tree 0 of the forest has a child"),
        ];
        for (edit, want) in cases {
            let err = load(edit).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
    }
}
