//! Fast batch prediction.
//!
//! Every tree is laid out in pre-order in one array of 16-byte nodes: a
//! split's left child is the next node, so a node holds only its test, its
//! right child and its feature; leaves are nodes too and hold their value.
//! Four nodes share a cache line and a path through a tree mostly walks
//! forward. Rows are walked eight at a time so their memory chains overlap.
//!
//! Trees with only `value <= threshold` splits are walked on the raw values
//! (a block of rows without NaN by a step that never asks where NaN goes).
//! Any other split (categorical, XGBoost's `f32` comparison) would make the
//! walk branch on the node's kind, and that branch is as unpredictable as
//! the split itself. So such models code each value once per block instead:
//! a numeric value becomes its rank among the model's thresholds on that
//! feature, a categorical one its category, NaN zero. Every split is then the
//! same branch-free test: the code is below the node's rank, or its bit is
//! set in the node's bitset (categories, and NaN's default direction). Trees
//! with LightGBM's zero-as-missing use `Tree::predict`. A linear tree's
//! leaves are marked and point at their models, evaluated on the raw row.

use crate::tree::{decision, LinearLeaves, Tree};

/// Rows walked together.
const LANES: usize = 8;
/// The feature value marking a leaf.
const LEAF: u16 = u16::MAX;
/// Set on a node index that points at a leaf, so a finished walk is seen without a load.
const IS_LEAF: u32 = 1 << 31;

/// `Node::meta`'s bit for "the left child is a leaf" (both layouts): the
/// same bit as `IS_LEAF`, so the left child's index is `(i + 1) | (meta & IS_LEAF)`.
const LEFT_IS_LEAF: u32 = IS_LEAF;
/// The most words the coded bitsets may take in all (16 MiB): a model with
/// more (categories numbered in the millions) takes the general path.
const MAX_WORDS: usize = 1 << 22;
/// `Node::meta`'s bit for "NaN goes left" (plain layout; the coded layout
/// keeps NaN's direction in the node's bitset).
const NAN_LEFT: u32 = 1 << 16;
/// A leaf node's bit for "a linear model": its `right` indexes `Packed::linear`.
const LINEAR_LEAF: u32 = 1 << 17;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// A leaf's value; the plain layout's threshold; the coded layout's
    /// rank (low 32 bits) and bitset start (high 32 bits).
    value: f64,
    /// The right child's index, `| IS_LEAF` when it is a leaf.
    right: u32,
    /// The feature (bits 0..16), `NAN_LEFT` and `LEFT_IS_LEAF`.
    meta: u32,
}

impl Node {
    fn new(value: f64, feature: u16, nan_left: bool, left_is_leaf: bool) -> Node {
        let flags = if nan_left { NAN_LEFT } else { 0 } | if left_is_leaf { LEFT_IS_LEAF } else { 0 };
        Node { value, right: 0, meta: u32::from(feature) | flags }
    }

    #[inline(always)]
    fn feature(&self) -> usize {
        usize::from(self.meta as u16)
    }

    /// The left child of this node, at index `i`.
    #[inline(always)]
    fn left(&self, i: u32) -> u32 {
        (i + 1) | (self.meta & LEFT_IS_LEAF)
    }
}

/// How the coded layout turns one feature's values into codes.
#[derive(Debug, Clone)]
enum Coding {
    /// `value <= t` splits, on these sorted distinct thresholds.
    AtMost(Vec<f64>),
    /// XGBoost's `f32(value) < t` splits, on these sorted distinct thresholds.
    LessF32(Vec<f32>),
    /// Categories; those at or above the limit (in no split's set) share one code.
    Categorical(u32),
}

impl Coding {
    /// The code of a value: 0 for NaN, else one more than its rank (numeric)
    /// or its category (categorical; negative values code as NaN, which no set holds).
    #[inline]
    fn code(&self, v: f64) -> u32 {
        if v.is_nan() {
            return 0;
        }
        let code = match self {
            Coding::AtMost(ts) => ts.partition_point(|&t| t < v),
            Coding::LessF32(ts) => {
                let v = v as f32;
                ts.partition_point(|&t| t <= v)
            }
            Coding::Categorical(_) if v < 0.0 => return 0,
            Coding::Categorical(limit) => (v as u64).min(u64::from(*limit)) as usize,
        };
        code as u32 + 1
    }

    /// The code limit of a numeric split at `threshold`: codes `1..=rank` go left.
    fn rank(&self, threshold: f64) -> u32 {
        let r = match self {
            Coding::AtMost(ts) => ts.partition_point(|&t| t < threshold),
            Coding::LessF32(ts) => ts.partition_point(|&t| t < threshold as f32),
            Coding::Categorical(_) => unreachable!("categorical splits have no rank"),
        };
        r as u32 + 1
    }

    /// The highest code `code` returns.
    fn max_code(&self) -> u32 {
        match self {
            Coding::AtMost(ts) => ts.len() as u32 + 1,
            Coding::LessF32(ts) => ts.len() as u32 + 1,
            Coding::Categorical(limit) => limit + 1,
        }
    }

    /// Words in a bitset over every code.
    fn words(&self) -> usize {
        self.max_code() as usize / 32 + 1
    }
}

/// Every tree of a model, packed for prediction.
#[derive(Debug, Clone)]
pub struct Packed {
    nodes: Vec<Node>,
    roots: Vec<u32>,
    /// One more than the highest feature a split tests: the least row width.
    features: usize,
    /// The coded layout's feature codings and bitsets, `None` for the plain layout.
    coded: Option<Coded>,
    /// The linear trees' leaf models, one after another.
    linear: LinearLeaves,
}

#[derive(Debug, Clone)]
struct Coded {
    /// The features that splits use, with their coding.
    codings: Vec<(usize, Coding)>,
    /// Bitsets one after another, each as long as its feature's codes need
    /// (so the walk indexes a bitset by the code alone): first the numeric
    /// splits' shared sets, NaN going right (at 0) and left (at `nan_left`),
    /// then each categorical split's own.
    words: Vec<u32>,
    nan_left: u32,
}

impl Packed {
    /// Packs the trees, or `None` when one of them needs the general path.
    pub fn new(trees: &[Tree]) -> Option<Packed> {
        let splits = || trees.iter().flat_map(|t| (0..t.num_splits()).map(move |n| (t, n)));
        if splits().any(|(t, n)| t.decision[n] & decision::MISSING_ZERO != 0 || t.split_feature[n] >= u32::from(LEAF)) {
            return None;
        }
        let plain = splits().all(|(t, n)| t.decision[n] & (decision::CATEGORICAL | decision::LESS_F32) == 0);
        let coded = if plain { None } else { Some(Coded::new(trees)?) };
        let linear = LinearLeaves::default();
        let mut p = Packed { nodes: Vec::new(), roots: Vec::with_capacity(trees.len()), features: 0, coded, linear };
        for t in trees {
            p.roots.push(p.nodes.len() as u32 | if t.num_splits() == 0 { IS_LEAF } else { 0 });
            p.push(t, if t.num_splits() == 0 { -1 } else { 0 })?;
        }
        if p.nodes.len() >= IS_LEAF as usize {
            return None;
        }
        p.check();
        Some(p)
    }

    /// Checks what the walk relies on instead of bounds checks: every child
    /// and root index points at a node, every split's feature is below
    /// `features`, and every coded split's bitset lies within `words`.
    fn check(&self) {
        let in_nodes = |i: u32| ((i & !IS_LEAF) as usize) < self.nodes.len();
        assert!(self.roots.iter().all(|&r| in_nodes(r)), "a root outside the packed nodes");
        let mut stack: Vec<u32> = self.roots.iter().copied().filter(|r| r & IS_LEAF == 0).collect();
        let mut seen = vec![false; self.nodes.len()];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i as usize], true) {
                continue;
            }
            let n = &self.nodes[i as usize];
            let left = n.left(i);
            assert!(in_nodes(left) && in_nodes(n.right), "a child outside the packed nodes");
            assert!(n.feature() < self.features, "a split on a feature beyond the packed width");
            if let Some(coded) = &self.coded {
                let start = (n.value.to_bits() >> 32) as usize;
                let words = coded.coding(n.feature()).map_or(0, Coding::words);
                assert!(start + words <= coded.words.len(), "a bitset outside the packed words");
            }
            stack.extend([left, n.right].into_iter().filter(|c| c & IS_LEAF == 0));
        }
    }

    /// Appends the subtree at `id` in pre-order.
    fn push(&mut self, t: &Tree, id: i32) -> Option<()> {
        if id < 0 {
            let leaf = !id as usize;
            let mut node = Node::new(t.leaf_value[leaf], LEAF, false, false);
            if let Some(l) = &t.linear {
                node.meta |= LINEAR_LEAF;
                node.right = u32::try_from(self.linear.leaf_const.len()).ok()?;
                let top = l.leaf_features[leaf].iter().max().map_or(0, |&f| f as usize + 1);
                self.features = self.features.max(top);
                self.linear.leaf_const.push(l.leaf_const[leaf]);
                self.linear.leaf_features.push(l.leaf_features[leaf].clone());
                self.linear.leaf_coeff.push(l.leaf_coeff[leaf].clone());
            }
            self.nodes.push(node);
            return Some(());
        }
        let n = id as usize;
        let d = t.decision[n];
        let feature = t.split_feature[n] as usize;
        let (value, nan_left) = match &mut self.coded {
            None => {
                let nan_left = if d & decision::MISSING_NAN != 0 {
                    d & decision::DEFAULT_LEFT != 0
                } else {
                    0.0 <= t.threshold[n]
                };
                (t.threshold[n], nan_left)
            }
            Some(coded) => {
                let coding = coded.coding(feature).expect("every split feature is coded");
                let (rank, start) = if d & decision::CATEGORICAL != 0 {
                    let set = t.threshold[n] as usize;
                    let (lo, hi) = (t.cat_boundaries[set] as usize, t.cat_boundaries[set + 1] as usize);
                    let words = coding.words();
                    (0, coded.push_categories(&t.cat_threshold[lo..hi], words)?)
                } else {
                    let nan_left = if d & (decision::MISSING_NAN | decision::LESS_F32) != 0 {
                        d & decision::DEFAULT_LEFT != 0
                    } else {
                        0.0 <= t.threshold[n]
                    };
                    (coding.rank(t.threshold[n]), if nan_left { coded.nan_left } else { 0 })
                };
                (f64::from_bits(u64::from(start) << 32 | u64::from(rank)), false)
            }
        };
        let at = self.nodes.len();
        self.nodes.push(Node::new(value, feature as u16, nan_left, t.left_child[n] < 0));
        self.features = self.features.max(feature + 1);
        self.push(t, t.left_child[n])?;
        self.nodes[at].right = self.nodes.len() as u32 | if t.right_child[n] < 0 { IS_LEAF } else { 0 };
        self.push(t, t.right_child[n])
    }

    /// Adds the first `n_trees` trees' outputs for the row-major rows `x` of
    /// width `nf` to `out` (`rows × k`, tree `t` feeding column `t % k`).
    pub fn add_block(&self, n_trees: usize, x: &[f64], nf: usize, k: usize, out: &mut [f64]) {
        // The steps below index without bounds checks (with them, the loop over
        // a group's rows is not unrolled and prediction is 1.5x slower, measured):
        // `check` has shown every index they follow to be in bounds, given this.
        assert!(nf >= self.features && x.len().is_multiple_of(nf.max(1)), "rows narrower than the model");
        let nodes = &self.nodes;
        // A select, not a branch, picks the child: the direction is unpredictable.
        let next = |i: u32, n: &Node, left: bool| -> u32 { std::hint::select_unpredictable(left, n.left(i), n.right) };
        // SAFETY (both plain steps): `walk` steps only from roots and children
        // (not leaves), which `check` bounds by `nodes`; `row` has `nf >= features` values.
        #[allow(unsafe_code)]
        let at = |i: u32, row: &[f64]| unsafe {
            let n = nodes.get_unchecked(i as usize);
            (n, *row.get_unchecked(n.feature()))
        };
        match &self.coded {
            // Without NaN in the block, no step needs to ask where NaN goes.
            None if !x.iter().any(|v| v.is_nan()) => self.walk(n_trees, x, x, nf, k, out, |i, row: &[f64]| {
                let (n, v) = at(i, row);
                next(i, n, v <= n.value)
            }),
            None => self.walk(n_trees, x, x, nf, k, out, |i, row: &[f64]| {
                let (n, v) = at(i, row);
                next(i, n, (v <= n.value) | (v.is_nan() & (n.meta & NAN_LEFT != 0)))
            }),
            Some(coded) => {
                let mut codes = vec![0u32; x.len()];
                for (row, c) in x.chunks_exact(nf.max(1)).zip(codes.chunks_exact_mut(nf.max(1))) {
                    for (f, coding) in &coded.codings {
                        c[*f] = coding.code(row[*f]);
                    }
                }
                let words = &coded.words;
                self.walk(n_trees, &codes, x, nf, k, out, |i, row: &[u32]| {
                    // SAFETY: as above; `check` bounds the bitset over every code of the
                    // node's feature by `words`, and `code` gives no other codes.
                    #[allow(unsafe_code)]
                    let (n, c, word) = unsafe {
                        let n = nodes.get_unchecked(i as usize);
                        let c = *row.get_unchecked(n.feature());
                        let start = (n.value.to_bits() >> 32) as usize;
                        (n, c, *words.get_unchecked(start + (c >> 5) as usize))
                    };
                    let rank = n.value.to_bits() as u32;
                    next(i, n, (c.wrapping_sub(1) < rank) | ((word >> (c & 31)) & 1 != 0))
                })
            }
        }
    }

    /// What the leaf node at `at` adds for the raw row `row`.
    #[inline(always)]
    fn leaf_output(&self, at: u32, row: &[f64]) -> f64 {
        let n = &self.nodes[(at & !IS_LEAF) as usize];
        if n.meta & LINEAR_LEAF == 0 {
            return n.value;
        }
        self.linear.output(n.right as usize, n.value, |f| row[f])
    }

    /// Walks the rows `x` (values or codes) of the raw rows `raw` through the trees.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn walk<T>(
        &self,
        n_trees: usize,
        x: &[T],
        raw: &[f64],
        nf: usize,
        k: usize,
        out: &mut [f64],
        step: impl Fn(u32, &[T]) -> u32,
    ) {
        let rows = x.len() / nf.max(1);
        let raw_row = |i: usize| &raw[i * nf..(i + 1) * nf];
        if rows < 4 {
            // Too few rows to walk together: walk LANES trees together instead,
            // adding their outputs in tree order as below.
            for (i, row) in x.chunks_exact(nf.max(1)).enumerate() {
                for (g, roots) in self.roots[..n_trees].chunks(LANES).enumerate() {
                    let mut at: [u32; LANES] = std::array::from_fn(|j| roots[j.min(roots.len() - 1)]);
                    loop {
                        let mut active = false;
                        for a in at.iter_mut() {
                            if *a & IS_LEAF == 0 {
                                *a = step(*a, row);
                                active = true;
                            }
                        }
                        if !active {
                            break;
                        }
                    }
                    for (j, &a) in at.iter().enumerate().take(roots.len()) {
                        out[i * k + (g * LANES + j) % k] += self.leaf_output(a, raw_row(i));
                    }
                }
            }
            return;
        }
        for (t, &root) in self.roots[..n_trees].iter().enumerate() {
            let c = t % k;
            // Groups of LANES rows; a short tail repeats its last row in the spare lanes.
            for i in (0..rows).step_by(LANES) {
                let live = (rows - i).min(LANES);
                let r: [&[T]; LANES] = std::array::from_fn(|j| {
                    let row = i + j.min(live - 1);
                    &x[row * nf..(row + 1) * nf]
                });
                let mut at = [root; LANES];
                // Every lane steps until all are at leaves; a finished lane
                // keeps its leaf, by a select rather than a branch.
                loop {
                    let mut active = false;
                    for j in 0..LANES {
                        if at[j] & IS_LEAF == 0 {
                            at[j] = step(at[j], r[j]);
                            active = true;
                        }
                    }
                    if !active {
                        break;
                    }
                }
                for j in 0..live {
                    out[(i + j) * k + c] += self.leaf_output(at[j], raw_row(i + j));
                }
            }
        }
    }
}

impl Coded {
    /// The codings of the features that splits use, or `None` when a feature
    /// is split in two ways (possible in an imported model) or on a NaN threshold.
    fn new(trees: &[Tree]) -> Option<Coded> {
        let mut codings: Vec<Option<Coding>> = Vec::new();
        for t in trees {
            for n in 0..t.num_splits() {
                let (f, d, thr) = (t.split_feature[n] as usize, t.decision[n], t.threshold[n]);
                if codings.len() <= f {
                    codings.resize(f + 1, None);
                }
                let coding = codings[f].get_or_insert_with(|| {
                    if d & decision::CATEGORICAL != 0 {
                        Coding::Categorical(0)
                    } else if d & decision::LESS_F32 != 0 {
                        Coding::LessF32(Vec::new())
                    } else {
                        Coding::AtMost(Vec::new())
                    }
                });
                match (coding, d & decision::CATEGORICAL != 0, d & decision::LESS_F32 != 0) {
                    (Coding::Categorical(limit), true, _) => {
                        // One past the highest category in the split's set.
                        let set = thr as usize;
                        let bits = &t.cat_threshold[t.cat_boundaries[set] as usize..t.cat_boundaries[set + 1] as usize];
                        let top = bits.iter().enumerate().rev().find(|(_, &w)| w != 0);
                        let past = top.map_or(0, |(w, &b)| w * 32 + 32 - b.leading_zeros() as usize);
                        *limit = (*limit).max(u32::try_from(past).ok()?);
                    }
                    (Coding::LessF32(ts), false, true) if !thr.is_nan() => ts.push(thr as f32),
                    (Coding::AtMost(ts), false, false) if !thr.is_nan() => ts.push(thr),
                    _ => return None,
                }
            }
        }
        for coding in codings.iter_mut().flatten() {
            match coding {
                Coding::AtMost(ts) => {
                    ts.sort_by(f64::total_cmp);
                    ts.dedup_by(|a, b| a == b);
                }
                Coding::LessF32(ts) => {
                    ts.sort_by(f32::total_cmp);
                    ts.dedup_by(|a, b| a == b);
                }
                Coding::Categorical(_) => {}
            }
        }
        let codings: Vec<(usize, Coding)> =
            codings.into_iter().enumerate().filter_map(|(f, c)| Some((f, c?))).collect();
        if codings.iter().any(|(_, c)| 2 * c.words() > MAX_WORDS) {
            return None;
        }
        let numeric = codings.iter().filter(|(_, c)| !matches!(c, Coding::Categorical(_)));
        let n = numeric.map(|(_, c)| c.words()).max().unwrap_or(1);
        let mut words = vec![0; 2 * n];
        words[n] = 1;
        Some(Coded { codings, words, nan_left: n as u32 })
    }

    fn coding(&self, feature: usize) -> Option<&Coding> {
        let at = self.codings.binary_search_by_key(&feature, |(f, _)| *f).ok()?;
        Some(&self.codings[at].1)
    }

    /// Appends a split's category bitset of `words` words, shifted one bit up
    /// for the codes (code 0, NaN, is in no set); its start.
    fn push_categories(&mut self, set: &[u32], words: usize) -> Option<u32> {
        let start = u32::try_from(self.words.len()).ok()?;
        if self.words.len() + words > MAX_WORDS {
            return None;
        }
        self.words.extend(std::iter::repeat_n(0, words));
        for (w, &bits) in set.iter().enumerate() {
            for b in (0..32).filter(|b| (bits >> b) & 1 == 1) {
                let c = w * 32 + b + 1;
                self.words[start as usize + c / 32] |= 1 << (c % 32);
            }
        }
        Some(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::Rng;
    use proptest::prelude::*;

    /// A random tree on `nf` features: 0 and 1 categorical, 2 compared as
    /// `f32` (XGBoost), the rest `value <= threshold`; only the last kind when `plain`.
    fn random_tree(rng: &mut Rng, nf: usize, leaves: usize, plain: bool) -> Tree {
        let mut t = Tree::leaf(rng.normal(), 1.0);
        while t.num_leaves() < leaves {
            let leaf = rng.below(t.num_leaves());
            let mut d = 0;
            if rng.uniform() < 0.5 {
                d |= decision::MISSING_NAN;
            }
            if rng.uniform() < 0.5 {
                d |= decision::DEFAULT_LEFT;
            }
            let u = if plain { 1.0 } else { rng.uniform() };
            // Some thresholds equal the data's integers and zeros, to test ties.
            let thr = match rng.below(3) {
                0 => -0.0,
                1 => rng.below(10) as f64 - 3.0,
                _ => rng.normal(),
            };
            let (left, right) = ((rng.normal(), 1.0), (rng.normal(), 1.0));
            if u < 0.2 {
                let bits = vec![rng.next_u64() as u32, rng.next_u64() as u32];
                t.split(leaf, rng.below(2) as u32, 0.0, decision::CATEGORICAL, 1.0, left, right, Some(bits));
            } else if u < 0.35 {
                let d = decision::LESS_F32 | (d & decision::DEFAULT_LEFT);
                t.split(leaf, 2, f64::from(thr as f32), d, 1.0, left, right, None);
            } else {
                t.split(leaf, (3 + rng.below(nf - 3)) as u32, thr, d, 1.0, left, right, None);
            }
        }
        t
    }

    #[test]
    fn a_feature_split_both_ways_is_not_packed() {
        let mut t = Tree::leaf(0.0, 1.0);
        t.split(0, 0, 0.0, decision::CATEGORICAL, 1.0, (1.0, 1.0), (2.0, 1.0), Some(vec![0b101]));
        assert!(Packed::new(std::slice::from_ref(&t)).is_some());
        t.split(0, 0, 1.5, 0, 1.0, (3.0, 1.0), (4.0, 1.0), None);
        assert!(Packed::new(&[t]).is_none());
    }

    /// Random linear models on the leaves of `t`, over features 3 and up.
    fn make_linear(rng: &mut Rng, t: &mut Tree, nf: usize) {
        let n = t.num_leaves();
        let mut l = crate::tree::LinearLeaves::constant(&t.leaf_value);
        for leaf in 0..n {
            l.leaf_const[leaf] = rng.normal();
            let fs: Vec<u32> = (3..nf as u32).filter(|_| rng.uniform() < 0.5).collect();
            l.leaf_coeff[leaf] = fs.iter().map(|_| rng.normal()).collect();
            l.leaf_features[leaf] = fs;
        }
        t.linear = Some(l);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn packed_trees_predict_like_the_trees(seed in 0u64..10_000, rows in 1usize..40, k in 1usize..4, plain: bool, nan: bool, linear: bool) {
            let mut rng = Rng::new(seed);
            let nf = 6;
            let mut trees: Vec<Tree> = (0..3 * k).map(|_| { let l = 1 + rng.below(20); random_tree(&mut rng, nf, l, plain) }).collect();
            if linear {
                trees.iter_mut().step_by(2).for_each(|t| make_linear(&mut rng, t, nf));
            }
            let x: Vec<f64> = (0..rows * nf)
                .map(|_| {
                    let u = rng.uniform();
                    match u {
                        _ if u < 0.15 && nan => f64::NAN,
                        _ if u < 0.2 => 0.0,
                        _ if u < 0.25 => -0.0,
                        _ if u < 0.28 => f64::INFINITY,
                        _ if u < 0.3 => 0.5 + rng.below(3) as f64,
                        _ if u < 0.5 => rng.below(70) as f64 - 3.0,
                        _ => rng.normal(),
                    }
                })
                .collect();
            let p = Packed::new(&trees).unwrap();
            let only_at_most = trees.iter().all(|t| t.decision.iter().all(|d| d & (decision::CATEGORICAL | decision::LESS_F32) == 0));
            prop_assert_eq!(p.coded.is_none(), only_at_most);
            let mut out = vec![0.0; rows * k];
            p.add_block(trees.len(), &x, nf, k, &mut out);
            for i in 0..rows {
                for c in 0..k {
                    let want: f64 = trees.iter().enumerate().filter(|(t, _)| t % k == c).map(|(_, t)| t.predict(&x[i * nf..(i + 1) * nf])).sum();
                    let got = out[i * k + c];
                    // Infinite values times coefficients of both signs give NaN both ways.
                    prop_assert!(got == want || (got.is_nan() && want.is_nan()), "{got} vs {want}");
                }
            }
        }
    }
}
