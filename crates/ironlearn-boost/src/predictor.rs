//! Fast batch prediction for trees with plain numeric splits.
//!
//! Every tree is laid out in pre-order in one array of 16-byte nodes: a
//! split's left child is the next node, so a node holds only its threshold,
//! its right child, its feature and where NaN goes; leaves are nodes too and
//! hold their value. Four nodes share a cache line and a path through a tree
//! mostly walks forward. Rows are walked eight at a time so their memory
//! chains overlap. Categorical splits test a bitset whose place is packed
//! into the node's value, against the category index computed once per block
//! (not at every split); XGBoost's splits compare in `f32`. Trees with
//! either walk a row at a time (interleaving them measured slower). Trees
//! with LightGBM's zero-as-missing use `Tree::predict`.

use crate::tree::{decision, Tree};

/// Rows walked together.
const LANES: usize = 8;
/// The feature value marking a leaf.
const LEAF: u16 = u16::MAX;
/// Set on a node index that points at a leaf, so a finished walk is seen without a load.
const IS_LEAF: u32 = 1 << 31;

const NAN_LEFT: u8 = 1;
const LEFT_IS_LEAF: u8 = 2;
const CATEGORICAL: u8 = 4;
const LESS_F32: u8 = 8;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// The split threshold, a leaf's value, or (categorical) the index of its category set.
    value: f64,
    /// The right child's index, `| IS_LEAF` when it is a leaf.
    right: u32,
    feature: u16,
    flags: u8,
}

/// Every tree of a model, packed for prediction.
#[derive(Debug, Clone)]
pub struct Packed {
    nodes: Vec<Node>,
    roots: Vec<u32>,
    /// The bitsets of categorical splits, one after another.
    words: Vec<u32>,
    /// Whether every split is `value <= threshold` (the fast loop applies).
    plain: bool,
    /// The features of categorical splits, whose values are turned into
    /// category indices once per block rather than at every split.
    categorical: Vec<usize>,
}

impl Packed {
    /// Packs the trees, or `None` when one of them needs the general path.
    pub fn new(trees: &[Tree]) -> Option<Packed> {
        if trees.iter().any(|t| {
            t.decision.iter().any(|&d| d & decision::MISSING_ZERO != 0)
                || t.split_feature.iter().any(|&f| f >= u32::from(LEAF))
        }) {
            return None;
        }
        let mut p = Packed {
            nodes: Vec::new(),
            roots: Vec::with_capacity(trees.len()),
            words: Vec::new(),
            plain: false,
            categorical: Vec::new(),
        };
        for t in trees {
            p.roots.push(p.nodes.len() as u32 | if t.num_splits() == 0 { IS_LEAF } else { 0 });
            p.push(t, if t.num_splits() == 0 { -1 } else { 0 });
        }
        p.plain = p.nodes.iter().all(|n| n.flags & (CATEGORICAL | LESS_F32) == 0);
        let splits = || p.nodes.iter().filter(|n| n.feature != LEAF);
        let mut categorical: Vec<usize> =
            splits().filter(|n| n.flags & CATEGORICAL != 0).map(|n| usize::from(n.feature)).collect();
        categorical.sort_unstable();
        categorical.dedup();
        // A feature split both ways (possible in an imported model) keeps its raw values.
        if splits().any(|n| n.flags & CATEGORICAL == 0 && categorical.binary_search(&usize::from(n.feature)).is_ok()) {
            return None;
        }
        p.categorical = categorical;
        (p.nodes.len() < IS_LEAF as usize).then_some(p)
    }

    /// Appends the subtree at `id` in pre-order.
    fn push(&mut self, t: &Tree, id: i32) {
        if id < 0 {
            self.nodes.push(Node { value: t.leaf_value[!id as usize], right: 0, feature: LEAF, flags: 0 });
            return;
        }
        let n = id as usize;
        let d = t.decision[n];
        let mut flags = 0;
        let mut value = t.threshold[n];
        if d & decision::CATEGORICAL != 0 {
            flags |= CATEGORICAL;
            let set = t.threshold[n] as usize;
            let (lo, hi) = (t.cat_boundaries[set] as usize, t.cat_boundaries[set + 1] as usize);
            // The set's place is kept in the node itself: one dependent load fewer per split.
            value = f64::from_bits((self.words.len() as u64) << 32 | (hi - lo) as u64);
            self.words.extend_from_slice(&t.cat_threshold[lo..hi]);
        } else if d & decision::LESS_F32 != 0 {
            flags |= LESS_F32;
            if d & decision::DEFAULT_LEFT != 0 {
                flags |= NAN_LEFT;
            }
        } else {
            let nan_left = if d & decision::MISSING_NAN != 0 { d & decision::DEFAULT_LEFT != 0 } else { 0.0 <= value };
            if nan_left {
                flags |= NAN_LEFT;
            }
        }
        if t.left_child[n] < 0 {
            flags |= LEFT_IS_LEAF;
        }
        let at = self.nodes.len();
        self.nodes.push(Node { value, right: 0, feature: t.split_feature[n] as u16, flags });
        self.push(t, t.left_child[n]);
        self.nodes[at].right = self.nodes.len() as u32 | if t.right_child[n] < 0 { IS_LEAF } else { 0 };
        self.push(t, t.right_child[n]);
    }

    /// Whether the row goes left at a node that is not a plain split.
    #[inline(always)]
    fn goes_left(&self, n: &Node, v: f64) -> bool {
        if n.flags & CATEGORICAL != 0 {
            // `v` holds a category index (see `category_index`).
            let c = v.to_bits() as usize;
            let bits = n.value.to_bits();
            let (start, len) = ((bits >> 32) as usize, bits as u32 as usize);
            c / 32 < len && (self.words[start + c / 32] >> (c % 32)) & 1 == 1
        } else {
            let left = if n.flags & LESS_F32 != 0 { (v as f32) < (n.value as f32) } else { v <= n.value };
            left | (v.is_nan() & (n.flags & NAN_LEFT != 0))
        }
    }

    /// Adds the first `n_trees` trees' outputs for the row-major rows `x` of
    /// width `nf` to `out` (`rows × k`, tree `t` feeding column `t % k`).
    pub fn add_block(&self, n_trees: usize, x: &[f64], nf: usize, k: usize, out: &mut [f64]) {
        let mut coded = Vec::new();
        let x = if self.categorical.is_empty() {
            x
        } else {
            coded.extend_from_slice(x);
            for row in coded.chunks_mut(nf.max(1)) {
                for &f in &self.categorical {
                    row[f] = f64::from_bits(category_index(row[f]));
                }
            }
            &coded
        };
        let nodes = &self.nodes;
        // A table lookup, not a branch, picks the child: the direction is unpredictable.
        let next = |i: u32, n: &Node, left: bool| -> u32 {
            [n.right, (i + 1) | if n.flags & LEFT_IS_LEAF != 0 { IS_LEAF } else { 0 }][usize::from(left)]
        };
        if self.plain {
            // Only `value <= threshold` splits: the common case gets its own loop.
            self.walk(n_trees, x, nf, k, out, true, |i, row| {
                let n = &nodes[i as usize];
                let v = row[n.feature as usize];
                next(i, n, (v <= n.value) | (v.is_nan() & (n.flags & NAN_LEFT != 0)))
            });
        } else {
            // Mixed trees branch on each node's kind; walking several rows at
            // once does not pay here (measured), so rows go one at a time.
            self.walk(n_trees, x, nf, k, out, false, |i, row| {
                let n = &nodes[i as usize];
                next(i, n, self.goes_left(n, row[n.feature as usize]))
            });
        }
    }

    #[inline(always)]
    fn walk(
        &self,
        n_trees: usize,
        x: &[f64],
        nf: usize,
        k: usize,
        out: &mut [f64],
        interleave: bool,
        step: impl Fn(u32, &[f64]) -> u32,
    ) {
        let rows = x.len() / nf.max(1);
        let nodes = &self.nodes;
        if interleave && rows < 4 {
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
                        out[i * k + (g * LANES + j) % k] += nodes[(a & !IS_LEAF) as usize].value;
                    }
                }
            }
            return;
        }
        for (t, &root) in self.roots[..n_trees].iter().enumerate() {
            let c = t % k;
            let mut i = 0;
            // Groups of LANES rows; a short tail repeats its last row in the spare lanes.
            while interleave && i < rows && (rows >= 4 || i + LANES <= rows) {
                let live = (rows - i).min(LANES);
                let r: [&[f64]; LANES] = std::array::from_fn(|j| {
                    let row = i + j.min(live - 1);
                    &x[row * nf..(row + 1) * nf]
                });
                let mut at = [root; LANES];
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
                    out[(i + j) * k + c] += nodes[(at[j] & !IS_LEAF) as usize].value;
                }
                i += live;
            }
            for i in i..rows {
                let row = &x[i * nf..(i + 1) * nf];
                let mut at = root;
                while at & IS_LEAF == 0 {
                    at = step(at, row);
                }
                out[i * k + c] += nodes[(at & !IS_LEAF) as usize].value;
            }
        }
    }
}

/// A categorical value's index, its bits stored in place of the value: missing
/// and negative values get one no set holds.
#[inline]
fn category_index(v: f64) -> u64 {
    if v.is_nan() || v < 0.0 {
        u64::MAX
    } else {
        v as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ironlearn_core::Rng;
    use proptest::prelude::*;

    fn random_tree(rng: &mut Rng, nf: usize, leaves: usize) -> Tree {
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
            let u = rng.uniform();
            let thr = if rng.uniform() < 0.1 { -0.0 } else { rng.normal() };
            // Features 0 and 1 are categorical, the others numeric.
            let f = if u < 0.2 { rng.below(2) } else { 2 + rng.below(nf - 2) } as u32;
            if u < 0.2 {
                let bits = vec![rng.next_u64() as u32, rng.next_u64() as u32];
                t.split(leaf, f, 0.0, decision::CATEGORICAL, 1.0, (rng.normal(), 1.0), (rng.normal(), 1.0), Some(bits));
            } else if u < 0.35 {
                let f32_thr = f64::from(thr as f32);
                t.split(
                    leaf,
                    f,
                    f32_thr,
                    decision::LESS_F32 | (d & decision::DEFAULT_LEFT),
                    1.0,
                    (rng.normal(), 1.0),
                    (rng.normal(), 1.0),
                    None,
                );
            } else {
                t.split(leaf, f, thr, d, 1.0, (rng.normal(), 1.0), (rng.normal(), 1.0), None);
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn packed_trees_predict_like_the_trees(seed in 0u64..10_000, rows in 1usize..40, k in 1usize..4) {
            let mut rng = Rng::new(seed);
            let nf = 5;
            let trees: Vec<Tree> = (0..3 * k).map(|_| { let l = 1 + rng.below(20); random_tree(&mut rng, nf, l) }).collect();
            let x: Vec<f64> = (0..rows * nf)
                .map(|_| {
                    let u = rng.uniform();
                    if u < 0.15 { f64::NAN } else if u < 0.25 { 0.0 } else if u < 0.5 { rng.below(70) as f64 - 3.0 } else { rng.normal() }
                })
                .collect();
            let p = Packed::new(&trees).unwrap();
            let mut out = vec![0.0; rows * k];
            p.add_block(trees.len(), &x, nf, k, &mut out);
            for i in 0..rows {
                for c in 0..k {
                    let want: f64 = trees.iter().enumerate().filter(|(t, _)| t % k == c).map(|(_, t)| t.predict(&x[i * nf..(i + 1) * nf])).sum();
                    prop_assert_eq!(out[i * k + c], want);
                }
            }
        }
    }
}
