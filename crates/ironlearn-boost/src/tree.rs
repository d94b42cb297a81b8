//! One regression tree in a flat layout.
//!
//! Nodes live in parallel arrays, children are indices, and a negative child
//! `!i` is leaf `i`: the layout of LightGBM's trees, which keeps single-row
//! prediction to a tight loop over a few cache lines and lets LightGBM and
//! XGBoost models load into the same structure. Split semantics cover all
//! three sources: `value <= threshold` with a learned direction for missing
//! values (ours, LightGBM), LightGBM's "zero as missing", categorical bitsets,
//! and XGBoost's `f32(value) < threshold`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Decision bits of a split node.
pub mod decision {
    /// A categorical split: categories in the node's bitset go left.
    pub const CATEGORICAL: u8 = 1;
    /// Missing values go left.
    pub const DEFAULT_LEFT: u8 = 2;
    /// Zero (and NaN) count as missing (LightGBM's `missing_type=Zero`).
    pub const MISSING_ZERO: u8 = 4;
    /// NaN counts as missing; without a missing flag NaN is compared as 0.
    pub const MISSING_NAN: u8 = 8;
    /// XGBoost: compare `f32(value) < threshold` instead of `value <= threshold`.
    pub const LESS_F32: u8 = 16;
}
use decision::*;

/// A tree: split nodes and leaves in flat arrays.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tree {
    pub split_feature: Vec<u32>,
    /// The numeric threshold, or the index of a categorical bitset.
    pub threshold: Vec<f64>,
    pub decision: Vec<u8>,
    pub left_child: Vec<i32>,
    pub right_child: Vec<i32>,
    pub split_gain: Vec<f64>,
    /// Each split node's output before the split, and its training rows (its cover).
    pub internal_value: Vec<f64>,
    pub internal_count: Vec<f64>,
    pub leaf_value: Vec<f64>,
    pub leaf_count: Vec<f64>,
    /// Bitset `k` is `cat_threshold[cat_boundaries[k]..cat_boundaries[k + 1]]`.
    pub cat_boundaries: Vec<u32>,
    pub cat_threshold: Vec<u32>,
    /// A linear tree's leaf models (LightGBM's `linear_tree`); `None` for constant leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear: Option<LinearLeaves>,
    /// Each leaf's and split node's sum of training hessians (LightGBM's
    /// `leaf_weight`, `internal_weight`), which LightGBM's dumps show; kept
    /// with linear trees, empty when not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaf_weight: Vec<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal_weight: Vec<f64>,
    /// The tree's own shrinkage where the learning rate is not it (a
    /// LightGBM text model's, a DART round's): refit scales new outputs by
    /// it. `None`: the model's learning rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
}

/// Each leaf's linear model: `leaf_const + sum(coeff * value)` over its
/// features, or the leaf's value when one of them is missing (NaN).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LinearLeaves {
    pub leaf_const: Vec<f64>,
    /// Leaf `i`'s features (ascending) and their coefficients, side by side.
    pub leaf_features: Vec<Vec<u32>>,
    pub leaf_coeff: Vec<Vec<f64>>,
}

impl LinearLeaves {
    /// Constant models equal to the leaf values, with no features.
    pub fn constant(leaf_value: &[f64]) -> LinearLeaves {
        let n = leaf_value.len();
        LinearLeaves { leaf_const: leaf_value.to_vec(), leaf_features: vec![vec![]; n], leaf_coeff: vec![vec![]; n] }
    }

    /// Leaf `leaf`'s output for a row whose feature `f` is `value(f)`; `fallback` (the leaf value) when one is NaN.
    #[inline]
    pub fn output(&self, leaf: usize, fallback: f64, value: impl Fn(usize) -> f64) -> f64 {
        let mut out = self.leaf_const[leaf];
        for (&f, &c) in self.leaf_features[leaf].iter().zip(&self.leaf_coeff[leaf]) {
            let v = value(f as usize);
            if v.is_nan() {
                return fallback;
            }
            out += c * v;
        }
        out
    }
}

impl Tree {
    /// A tree that is a single leaf.
    pub fn leaf(value: f64, count: f64) -> Tree {
        Tree { leaf_value: vec![value], leaf_count: vec![count], cat_boundaries: vec![0], ..Default::default() }
    }

    pub fn num_leaves(&self) -> usize {
        self.leaf_value.len()
    }

    pub fn num_splits(&self) -> usize {
        self.split_feature.len()
    }

    /// Splits leaf `leaf`; the left child keeps its index, the right child is
    /// the new last leaf. Returns the new leaf's index.
    #[allow(clippy::too_many_arguments)]
    pub fn split(
        &mut self,
        leaf: usize,
        feature: u32,
        threshold: f64,
        decision: u8,
        gain: f64,
        (left_value, left_count): (f64, f64),
        (right_value, right_count): (f64, f64),
        category_bits: Option<Vec<u32>>,
    ) -> usize {
        debug_assert!(self.linear.is_none(), "linear leaves are fitted once the tree is grown");
        let node = self.split_feature.len() as i32;
        // Re-point the parent's child from the leaf to the new node.
        if node > 0 {
            if let Some(p) = self.left_child.iter().position(|&c| c == !(leaf as i32)) {
                self.left_child[p] = node;
            } else if let Some(p) = self.right_child.iter().position(|&c| c == !(leaf as i32)) {
                self.right_child[p] = node;
            }
        }
        let new_leaf = self.leaf_value.len();
        let threshold = match category_bits {
            Some(bits) => {
                if self.cat_boundaries.is_empty() {
                    self.cat_boundaries.push(0);
                }
                self.cat_threshold.extend(bits);
                self.cat_boundaries.push(self.cat_threshold.len() as u32);
                (self.cat_boundaries.len() - 2) as f64
            }
            None => threshold,
        };
        self.split_feature.push(feature);
        self.threshold.push(threshold);
        self.decision.push(decision);
        self.left_child.push(!(leaf as i32));
        self.right_child.push(!(new_leaf as i32));
        self.split_gain.push(gain);
        self.internal_value.push(self.leaf_value[leaf]);
        self.internal_count.push(self.leaf_count[leaf]);
        self.leaf_value[leaf] = left_value;
        self.leaf_count[leaf] = left_count;
        self.leaf_value.push(right_value);
        self.leaf_count.push(right_count);
        new_leaf
    }

    fn in_bitset(&self, set: usize, v: f64) -> bool {
        if v.is_nan() || v < 0.0 {
            return false;
        }
        let c = v as usize;
        let (lo, hi) = (self.cat_boundaries[set] as usize, self.cat_boundaries[set + 1] as usize);
        let word = c / 32;
        word < hi - lo && (self.cat_threshold[lo + word] >> (c % 32)) & 1 == 1
    }

    /// Whether `v` goes to the left child of split node `n`.
    #[inline]
    pub fn go_left(&self, n: usize, v: f64) -> bool {
        let d = self.decision[n];
        if d & CATEGORICAL != 0 {
            return self.in_bitset(self.threshold[n] as usize, v);
        }
        if d & LESS_F32 != 0 {
            if v.is_nan() {
                return d & DEFAULT_LEFT != 0;
            }
            return (v as f32) < (self.threshold[n] as f32);
        }
        let is_missing =
            if d & MISSING_ZERO != 0 { v.is_nan() || v.abs() <= 1e-35 } else { d & MISSING_NAN != 0 && v.is_nan() };
        if is_missing {
            return d & DEFAULT_LEFT != 0;
        }
        let v = if v.is_nan() { 0.0 } else { v };
        v <= self.threshold[n]
    }

    /// The leaf a row falls into.
    #[inline]
    pub fn leaf_index(&self, row: &[f64]) -> usize {
        if self.split_feature.is_empty() {
            return 0;
        }
        let mut node = 0i32;
        while node >= 0 {
            let n = node as usize;
            node = if self.go_left(n, row[self.split_feature[n] as usize]) {
                self.left_child[n]
            } else {
                self.right_child[n]
            };
        }
        !node as usize
    }

    /// The tree's output for a row.
    #[inline]
    pub fn predict(&self, row: &[f64]) -> f64 {
        let leaf = self.leaf_index(row);
        match &self.linear {
            None => self.leaf_value[leaf],
            Some(l) => l.output(leaf, self.leaf_value[leaf], |f| row[f]),
        }
    }

    /// Multiplies every leaf's output by `rate` (the learning rate), linear models included.
    pub fn shrink(&mut self, rate: f64) {
        self.leaf_value.iter_mut().for_each(|v| *v *= rate);
        if let Some(l) = &mut self.linear {
            // As LightGBM, values within 1e-35 of zero become zero.
            let scaled = |v: &mut f64| *v = round_to_zero(*v * rate);
            l.leaf_const.iter_mut().for_each(scaled);
            l.leaf_coeff.iter_mut().flatten().for_each(scaled);
        }
    }

    /// The tree as nested JSON, in LightGBM's `dump_model` layout.
    pub fn to_json(&self, feature_names: &[String]) -> Value {
        fn node(t: &Tree, id: i32, names: &[String]) -> Value {
            if id < 0 {
                let l = !id as usize;
                let mut leaf = json!({ "leaf_index": l, "leaf_value": t.leaf_value[l], "leaf_count": t.leaf_count[l] });
                if let Some(&w) = t.leaf_weight.get(l) {
                    leaf["leaf_weight"] = json!(w);
                }
                if let Some(lin) = &t.linear {
                    leaf["leaf_const"] = json!(lin.leaf_const[l]);
                    leaf["leaf_features"] = json!(lin.leaf_features[l]);
                    leaf["leaf_coeff"] = json!(lin.leaf_coeff[l]);
                }
                return leaf;
            }
            let n = id as usize;
            let d = t.decision[n];
            let f = t.split_feature[n] as usize;
            let threshold = if d & CATEGORICAL != 0 {
                let set = t.threshold[n] as usize;
                let (lo, hi) = (t.cat_boundaries[set] as usize, t.cat_boundaries[set + 1] as usize);
                let cats: Vec<String> = (0..(hi - lo) * 32)
                    .filter(|&c| (t.cat_threshold[lo + c / 32] >> (c % 32)) & 1 == 1)
                    .map(|c| c.to_string())
                    .collect();
                Value::String(cats.join("||"))
            } else {
                json!(t.threshold[n])
            };
            let mut split = json!({
                "split_index": n,
                "split_feature": f,
                "split_feature_name": names.get(f).cloned().unwrap_or_default(),
                "split_gain": t.split_gain[n],
                "threshold": threshold,
                "decision_type": if d & CATEGORICAL != 0 { "==" } else if d & LESS_F32 != 0 { "<" } else { "<=" },
                "default_left": d & DEFAULT_LEFT != 0,
                "missing_type": if d & MISSING_ZERO != 0 { "Zero" } else if d & MISSING_NAN != 0 { "NaN" } else { "None" },
                "internal_value": t.internal_value[n],
                "internal_count": t.internal_count[n],
                "left_child": node(t, t.left_child[n], names),
                "right_child": node(t, t.right_child[n], names),
            });
            if let Some(&w) = t.internal_weight.get(n) {
                split["internal_weight"] = json!(w);
            }
            split
        }
        json!({ "num_leaves": self.num_leaves(), "tree_structure": node(self, if self.split_feature.is_empty() { -1 } else { 0 }, feature_names) })
    }

    /// Checks the structure of a loaded tree: every index in range, every leaf reached once.
    pub fn validate(&self, n_features: usize) -> Result<(), String> {
        let s = self.split_feature.len();
        let l = self.leaf_value.len();
        let same = [
            self.threshold.len(),
            self.decision.len(),
            self.left_child.len(),
            self.right_child.len(),
            self.split_gain.len(),
            self.internal_value.len(),
            self.internal_count.len(),
        ];
        if same.iter().any(|&k| k != s) || self.leaf_count.len() != l || l != s + 1 {
            return Err(format!("inconsistent array lengths ({s} splits, {l} leaves)"));
        }
        if let Some(f) = self.split_feature.iter().find(|&&f| f as usize >= n_features) {
            return Err(format!("split on feature {f}, but the model has {n_features}"));
        }
        let mut seen_leaf = vec![false; l];
        let mut seen_node = vec![false; s];
        let mut stack = if s == 0 { vec![] } else { vec![0i32] };
        while let Some(id) = stack.pop() {
            let n = id as usize;
            if n >= s || std::mem::replace(&mut seen_node[n], true) {
                return Err(format!("node {n} is out of range or reached twice"));
            }
            for c in [self.left_child[n], self.right_child[n]] {
                if c >= 0 {
                    stack.push(c);
                } else {
                    let leaf = !c as usize;
                    if leaf >= l || std::mem::replace(&mut seen_leaf[leaf], true) {
                        return Err(format!("leaf {leaf} is out of range or reached twice"));
                    }
                }
            }
            if self.decision[n] & CATEGORICAL != 0 {
                let k = self.threshold[n];
                // `k as usize` saturates, so a huge threshold is compared, not overflowed.
                if k < 0.0 || k as usize >= self.cat_boundaries.len().saturating_sub(1) {
                    return Err(format!("node {n} names a missing category set"));
                }
            }
        }
        if s > 0 && seen_leaf.iter().any(|x| !x) {
            return Err("a leaf is unreachable".into());
        }
        if !(self.leaf_weight.is_empty() || self.leaf_weight.len() == l)
            || !(self.internal_weight.is_empty() || self.internal_weight.len() == s)
        {
            return Err(format!("the weights are not one per leaf and split ({l} leaves, {s} splits)"));
        }
        if let Some(lin) = &self.linear {
            if [lin.leaf_const.len(), lin.leaf_features.len(), lin.leaf_coeff.len()].iter().any(|&k| k != l) {
                return Err(format!("the linear models are not one per leaf ({l} leaves)"));
            }
            for (leaf, (fs, cs)) in lin.leaf_features.iter().zip(&lin.leaf_coeff).enumerate() {
                if fs.len() != cs.len() {
                    return Err(format!(
                        "leaf {leaf}'s linear model has {} features but {} coefficients",
                        fs.len(),
                        cs.len()
                    ));
                }
                if let Some(f) = fs.iter().find(|&&f| f as usize >= n_features) {
                    return Err(format!("leaf {leaf}'s linear model uses feature {f}, but the model has {n_features}"));
                }
            }
        }
        if self.cat_boundaries.windows(2).any(|w| w[0] > w[1])
            || self.cat_boundaries.last().is_some_and(|&e| e as usize > self.cat_threshold.len())
        {
            return Err("category sets are out of range".into());
        }
        Ok(())
    }
}

/// LightGBM's `MaybeRoundToZero`: values within 1e-35 of zero become zero.
pub(crate) fn round_to_zero(v: f64) -> f64 {
    if v.abs() <= 1e-35 {
        0.0
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_predict() {
        let mut t = Tree::leaf(0.0, 10.0);
        let r = t.split(0, 0, 1.5, MISSING_NAN | DEFAULT_LEFT, 1.0, (-1.0, 4.0), (1.0, 6.0), None);
        assert_eq!(r, 1);
        let r2 = t.split(1, 1, 0.0, 0, 0.5, (2.0, 3.0), (3.0, 3.0), None);
        assert_eq!(r2, 2);
        assert_eq!(t.predict(&[1.0, 5.0]), -1.0);
        assert_eq!(t.predict(&[2.0, -1.0]), 2.0);
        assert_eq!(t.predict(&[2.0, 1.0]), 3.0);
        assert_eq!(t.predict(&[f64::NAN, 1.0]), -1.0); // missing goes left
        assert_eq!(t.predict(&[2.0, f64::NAN]), 2.0); // no missing flag: NaN compares as 0
        assert!(t.validate(2).is_ok());
        assert!(t.validate(1).is_err());
    }

    #[test]
    fn categorical_bitsets() {
        let mut t = Tree::leaf(0.0, 1.0);
        t.split(0, 0, 0.0, CATEGORICAL, 1.0, (1.0, 1.0), (2.0, 1.0), Some(vec![0b1010, 1]));
        assert_eq!(t.predict(&[1.0]), 1.0);
        assert_eq!(t.predict(&[3.0]), 1.0);
        assert_eq!(t.predict(&[32.0]), 1.0);
        assert_eq!(t.predict(&[2.0]), 2.0);
        assert_eq!(t.predict(&[99.0]), 2.0);
        assert_eq!(t.predict(&[f64::NAN]), 2.0);
        assert_eq!(t.predict(&[-1.0]), 2.0);
    }
}
