//! LightGBM's "intermediate" and "advanced" monotone constraints, and its
//! penalty on monotone splits near the root.
//!
//! The "basic" method (in the learner) bounds both children of a monotone
//! split by the mean of their outputs, for good: a leaf is held to that bound
//! even where it touches none of the leaves on the other side. "intermediate"
//! bounds a leaf by the outputs of the leaves it actually faces across each
//! monotone split above it, and tightens the bounds of the leaves facing a new
//! split; "advanced" keeps those bounds per feature and per bin, so that a
//! split of a leaf answers only to the leaves its child faces. Both are the
//! method of Auguste et al. (<https://hal.science/hal-02862802>) as LightGBM
//! 4.7 implements it: when a leaf's bounds change, its best split is searched
//! again, and the outputs given at split time are kept (they are what the
//! other leaves' bounds were computed from).
//!
//! Missing values are where ironlearn departs from LightGBM, whose trees
//! then break their constraints. A split may part a feature's missing values
//! from the rest at the threshold the values are already below; LightGBM
//! reads it as one more split of the values and skips the leaves across a
//! split above it on the same feature and side, which only the values
//! between the two thresholds could have bounded. Here a split above is
//! skipped only when those values exist, and each leaf's range of a feature
//! holds its bins and whether it holds the missing bin, which goes with the
//! default side of each split. Two details are also exact here where
//! LightGBM's bounds are wider: going up from a right child, the bins start
//! after the threshold (LightGBM: at it), and a search from the left reads the
//! bounds of each threshold (LightGBM: of the first bin).

use ironlearn_core::{Error, Result};

use crate::split::{Bounds, Limits};

/// LightGBM's `monotone_constraints_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    Basic,
    Intermediate,
    Advanced,
}

impl Method {
    pub fn parse(name: &str) -> Result<Method> {
        Ok(match name {
            "basic" => Method::Basic,
            "intermediate" => Method::Intermediate,
            "advanced" => Method::Advanced,
            other => {
                let msg = format!("'{other}' is not a method: use basic, intermediate or advanced");
                return Err(Error::param("monotone_constraints_method", msg));
            }
        })
    }
}

/// The factor on the gain of a monotone split of a leaf at `depth` (the root
/// is 0) under LightGBM's `monotone_penalty`: about 0 on the first
/// `penalization` levels, then rising to 1.
pub fn split_penalty(depth: usize, penalization: f64) -> f64 {
    // LightGBM's kEpsilon, a float.
    const EPSILON: f64 = 1e-15f32 as f64;
    let d = depth as f64;
    if penalization >= d + 1.0 {
        EPSILON
    } else if penalization <= 1.0 {
        1.0 - penalization / 2f64.powi(depth as i32) + EPSILON
    } else {
        1.0 - 2f64.powf(penalization - 1.0 - d) + EPSILON
    }
}

/// A bound over the bins of one feature: `values[i]` holds from bin
/// `starts[i]` up to the next start (the first start is bin 0).
#[derive(Debug, Clone, PartialEq)]
struct Piecewise {
    starts: Vec<u32>,
    values: Vec<f64>,
}

impl Piecewise {
    fn flat(v: f64) -> Piecewise {
        Piecewise { starts: vec![0], values: vec![v] }
    }

    fn is_flat(&self) -> bool {
        self.values.len() == 1
    }

    /// Every value tightened by `v`: raised to it (`min`, a lower bound) or lowered to it.
    fn tighten_all(&mut self, v: f64, min: bool) {
        self.values.iter_mut().for_each(|x| *x = tighter(*x, v, min));
    }

    /// The values on bins `start..end` (of `n_bins`) tightened by `v`.
    fn tighten(&mut self, v: f64, start: u32, end: u32, n_bins: u32, min: bool) {
        if start >= end {
            return;
        }
        self.cut(start);
        if end < n_bins {
            self.cut(end);
        }
        for (s, x) in self.starts.iter().zip(self.values.iter_mut()) {
            if (start..end).contains(s) {
                *x = tighter(*x, v, min);
            }
        }
        // Neighbours with the same value are one piece.
        let mut i = 1;
        while i < self.values.len() {
            if self.values[i] == self.values[i - 1] {
                self.values.remove(i);
                self.starts.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Starts a piece at bin `at` (with the value already there).
    fn cut(&mut self, at: u32) {
        let i = self.starts.partition_point(|&s| s <= at);
        if self.starts[i - 1] != at {
            self.starts.insert(i, at);
            self.values.insert(i, self.values[i - 1]);
        }
    }

    /// The value of every bin.
    fn per_bin(&self, n_bins: usize) -> Vec<f64> {
        let mut out = vec![0.0; n_bins];
        for (i, (&s, &v)) in self.starts.iter().zip(&self.values).enumerate() {
            let end = self.starts.get(i + 1).map_or(n_bins, |&e| (e as usize).min(n_bins));
            out[(s as usize).min(n_bins)..end].fill(v);
        }
        out
    }
}

fn tighter(x: f64, v: f64, min: bool) -> f64 {
    if min {
        x.max(v)
    } else {
        x.min(v)
    }
}

/// "advanced": one feature's bounds over its bins, and whether each side
/// must be found again from the tree before the next search.
#[derive(Debug, Clone, PartialEq)]
struct FeatureBounds {
    min: Piecewise,
    max: Piecewise,
    stale_min: bool,
    stale_max: bool,
}

impl Default for FeatureBounds {
    fn default() -> Self {
        let b = Bounds::default();
        FeatureBounds { min: Piecewise::flat(b.min), max: Piecewise::flat(b.max), stale_min: false, stale_max: false }
    }
}

/// A leaf's bounds: one pair ("intermediate") or per feature and bin ("advanced").
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Flat(Bounds),
    ByFeature(Vec<FeatureBounds>),
}

impl Entry {
    /// Tightens every bound by `v`; `stale` asks "advanced" to find them again before the next search.
    fn tighten(&mut self, v: f64, min: bool, stale: bool) -> bool {
        match self {
            Entry::Flat(b) => {
                let old = *b;
                if min {
                    b.min = b.min.max(v);
                } else {
                    b.max = b.max.min(v);
                }
                *b != old
            }
            Entry::ByFeature(fs) => {
                for f in fs.iter_mut() {
                    if min {
                        f.min.tighten_all(v, true);
                        f.stale_min |= stale;
                    } else {
                        f.max.tighten_all(v, false);
                        f.stale_max |= stale;
                    }
                }
                // Even unchanged, the bounds may now be found tighter from the tree.
                true
            }
        }
    }
}

/// A split node as the constraints see it. Children are node indices, or `!leaf`.
#[derive(Debug, Clone)]
struct Node {
    parent: i32,
    left: i32,
    right: i32,
    feature: usize,
    threshold: u32,
    numerical: bool,
    /// Where missing values go (`Some(true)`: left); `None` when the feature has none.
    missing_left: Option<bool>,
}

impl Node {
    /// Whether the child on this side holds missing values.
    fn missing_on(&self, right: bool) -> bool {
        self.missing_left == Some(!right)
    }
}

/// A split just made, as [`Tracker::split`] records it.
#[derive(Debug, Clone, Copy)]
pub struct Made {
    /// The leaf split, which becomes the left child.
    pub leaf: usize,
    /// The right child's leaf index.
    pub new_leaf: usize,
    pub feature: usize,
    /// The last bin that goes left (numerical splits).
    pub threshold: u32,
    pub numerical: bool,
    /// Where missing values go (`Some(true)`: left); `None` when the feature has none.
    pub missing_left: Option<bool>,
    pub left_output: f64,
    pub right_output: f64,
}

/// A split passed on the way up from a leaf, which bounds where the leaf lies.
struct Step {
    feature: usize,
    threshold: u32,
    from_right: bool,
    /// Whether the leaf's side holds missing values.
    missing: bool,
}

/// The splits along the way up from a leaf that bound where it lies.
#[derive(Default)]
struct Path(Vec<Step>);

impl Path {
    fn push(&mut self, n: &Node, from_right: bool) {
        let missing = n.missing_on(from_right);
        self.0.push(Step { feature: n.feature, threshold: n.threshold, from_right, missing });
    }

    /// Whether the other child of `n` may hold leaves next to the path's
    /// leaf: not when a split on the same feature, passed on the same side,
    /// lies below with values between the two thresholds (the leaves there
    /// carry the bound across).
    fn other_side_may_touch(&self, n: &Node, from_right: bool) -> bool {
        n.numerical
            && !self.0.iter().any(|s| {
                s.feature == n.feature
                    && s.from_right == from_right
                    && if from_right { s.threshold > n.threshold } else { s.threshold < n.threshold }
            })
    }

    /// Whether each child of `n` may overlap the path's leaf in the features
    /// split on along the path (their values, or both their missing values).
    fn children_overlap(&self, n: &Node) -> (bool, bool) {
        let (mut left, mut right) = (true, true);
        if n.numerical {
            for s in self.0.iter().filter(|s| s.feature == n.feature) {
                if n.threshold >= s.threshold && !s.from_right && !(s.missing && n.missing_on(true)) {
                    right = false;
                }
                if n.threshold <= s.threshold && s.from_right && !(s.missing && n.missing_on(false)) {
                    left = false;
                }
            }
        }
        (left, right)
    }
}

/// "advanced": the bins of one feature where two leaves meet: values
/// `start..end`, and the missing bin if `missing`.
#[derive(Debug, Clone, Copy)]
struct Range {
    start: u32,
    end: u32,
    missing: bool,
}

impl Range {
    /// The part on one side of split `n` (on the range's feature).
    fn side(self, n: &Node, right: bool) -> Range {
        let cut = n.threshold + 1;
        let missing = self.missing && n.missing_on(right);
        if right {
            Range { start: self.start.max(cut), missing, ..self }
        } else {
            Range { end: self.end.min(cut), missing, ..self }
        }
    }
}

/// The bounds of every leaf of the tree being grown ("intermediate" and "advanced").
#[derive(Debug, Clone)]
pub struct Tracker {
    method: Method,
    monotone: Vec<i8>,
    /// Per feature, its bins (the missing-value bin last).
    n_bins: Vec<u32>,
    /// Per feature, whether its last bin holds missing values.
    has_missing: Vec<bool>,
    nodes: Vec<Node>,
    leaf_parent: Vec<i32>,
    /// The outputs leaves were given when made.
    outputs: Vec<f64>,
    /// Whether a monotone split lies above the leaf.
    in_monotone: Vec<bool>,
    entries: Vec<Entry>,
}

impl Tracker {
    /// A tree that is one leaf, unbounded; `method` is intermediate or
    /// advanced. Per feature: its bins, and whether the last holds missing values.
    pub fn new(method: Method, monotone: &[i8], n_bins: Vec<u32>, has_missing: Vec<bool>, root_output: f64) -> Tracker {
        debug_assert!(method != Method::Basic);
        Tracker {
            method,
            monotone: monotone.to_vec(),
            has_missing,
            nodes: Vec::new(),
            leaf_parent: vec![-1],
            outputs: vec![root_output],
            in_monotone: vec![false],
            entries: vec![Tracker::unbounded(method, n_bins.len())],
            n_bins,
        }
    }

    fn unbounded(method: Method, n_features: usize) -> Entry {
        match method {
            Method::Advanced => Entry::ByFeature(vec![FeatureBounds::default(); n_features]),
            _ => Entry::Flat(Bounds::default()),
        }
    }

    fn monotone_of(&self, f: usize) -> i8 {
        self.monotone.get(f).copied().unwrap_or(0)
    }

    /// Whether a monotone split lies above `leaf` (else nothing bounds it).
    pub fn in_monotone_subtree(&self, leaf: usize) -> bool {
        self.in_monotone[leaf]
    }

    /// The bounds on the children of `leaf`'s split on feature `f`; call
    /// [`Tracker::refresh`] for the leaf first.
    pub fn limits(&self, leaf: usize, f: usize) -> Limits {
        match &self.entries[leaf] {
            Entry::Flat(b) => Limits::Same(*b),
            Entry::ByFeature(fs) => {
                let fb = &fs[f];
                if fb.min.is_flat() && fb.max.is_flat() {
                    return Limits::Same(Bounds { min: fb.min.values[0], max: fb.max.values[0] });
                }
                let n = self.n_bins[f] as usize;
                let (mins, maxs) = (fb.min.per_bin(n), fb.max.per_bin(n));
                let missing = self.has_missing[f].then(|| Bounds { min: mins[n - 1], max: maxs[n - 1] });
                let n = n - usize::from(missing.is_some());
                // left[t]: value bins 0..=t; right[t]: value bins t + 1...
                let mut left = Vec::with_capacity(n);
                let mut acc = Bounds::default();
                for b in 0..n {
                    acc = Bounds { min: acc.min.max(mins[b]), max: acc.max.min(maxs[b]) };
                    left.push(acc);
                }
                let mut right = vec![Bounds::default(); n];
                let mut acc = Bounds::default();
                for b in (1..n).rev() {
                    acc = Bounds { min: acc.min.max(mins[b]), max: acc.max.min(maxs[b]) };
                    right[b - 1] = acc;
                }
                Limits::ByThreshold { left, right, missing }
            }
        }
    }

    /// "advanced": finds again from the tree the bounds of `leaf` on the
    /// numerical features in `features` that leaves facing it have changed
    /// (LightGBM does it lazily, before each search; only the lower bounds when
    /// both changed, the upper ones staying tightened as a whole).
    pub fn refresh(&mut self, leaf: usize, features: &[bool], numerical: &[bool]) {
        let Entry::ByFeature(fs) = &self.entries[leaf] else { return };
        let todo: Vec<(usize, bool)> = (0..fs.len())
            .filter(|&f| features[f] && numerical[f] && (fs[f].stale_min || fs[f].stale_max))
            .map(|f| (f, fs[f].stale_min))
            .collect();
        for (f, min) in todo {
            let missing = self.has_missing[f];
            let all = Range { start: 0, end: self.n_bins[f] - u32::from(missing), missing };
            let mut bound = Piecewise::flat(if min { f64::NEG_INFINITY } else { f64::INFINITY });
            self.find_up(f, !(leaf as i32), &mut Path::default(), &mut bound, min, all);
            let Entry::ByFeature(fs) = &mut self.entries[leaf] else { unreachable!() };
            if min {
                fs[f].min = bound;
            } else {
                fs[f].max = bound;
            }
            fs[f].stale_min = false;
            fs[f].stale_max = false;
        }
    }

    /// Records a split of a leaf whose children are given `leaf` and
    /// `new_leaf`; returns the other leaves whose bounds changed, among those
    /// `searched` says have a split to search again.
    pub fn split(&mut self, s: &Made, searched: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let node = self.nodes.len() as i32;
        let parent = self.leaf_parent[s.leaf];
        if parent >= 0 {
            let p = &mut self.nodes[parent as usize];
            if p.left == !(s.leaf as i32) {
                p.left = node;
            } else {
                p.right = node;
            }
        }
        self.nodes.push(Node {
            parent,
            left: !(s.leaf as i32),
            right: !(s.new_leaf as i32),
            feature: s.feature,
            threshold: s.threshold,
            numerical: s.numerical,
            missing_left: s.missing_left,
        });
        debug_assert_eq!(s.new_leaf, self.leaf_parent.len());
        self.leaf_parent[s.leaf] = node;
        self.leaf_parent.push(node);
        self.outputs[s.leaf] = s.left_output;
        self.outputs.push(s.right_output);
        let mono = self.monotone_of(s.feature);
        let in_monotone = mono != 0 || self.in_monotone[s.leaf];
        self.in_monotone[s.leaf] = in_monotone;
        self.in_monotone.push(in_monotone);
        if !in_monotone {
            // Nothing bounds either child.
            self.entries.push(Tracker::unbounded(self.method, self.n_bins.len()));
            return Vec::new();
        }
        let right = self.entries[s.leaf].clone();
        self.entries.push(right);
        if s.numerical && mono != 0 {
            // Each child is bounded by the other's output.
            let (l, r) = (s.leaf, s.new_leaf);
            self.entries[l].tighten(s.right_output, mono < 0, false);
            self.entries[r].tighten(s.left_output, mono > 0, false);
        }
        let mut changed = Vec::new();
        self.update_up(node, &mut Path::default(), s, searched, &mut changed);
        changed
    }

    /// Goes up from `node` to each monotone split above it, then down its
    /// other side to the leaves that face the new ones.
    fn update_up(
        &mut self,
        node: i32,
        path: &mut Path,
        s: &Made,
        searched: &dyn Fn(usize) -> bool,
        changed: &mut Vec<usize>,
    ) {
        let parent = self.nodes[node as usize].parent;
        if parent < 0 {
            return;
        }
        let p = self.nodes[parent as usize].clone();
        let from_right = p.right == node;
        if path.other_side_may_touch(&p, from_right) {
            let mono = self.monotone_of(p.feature);
            if mono != 0 {
                // The other side is above the new leaves (lower bounds) or below them.
                let other = if from_right { p.left } else { p.right };
                let lower = (mono > 0) != from_right;
                self.update_down(other, path, s, lower, (true, true), searched, changed);
            }
            path.push(&p, from_right);
        }
        self.update_up(parent, path, s, searched, changed);
    }

    /// Tightens the bounds of the leaves under `node` that face the new
    /// leaves; `uses` says which of the new leaves (left, right) they may face.
    #[allow(clippy::too_many_arguments)]
    fn update_down(
        &mut self,
        node: i32,
        path: &Path,
        s: &Made,
        lower: bool,
        uses: (bool, bool),
        searched: &dyn Fn(usize) -> bool,
        changed: &mut Vec<usize>,
    ) {
        if node < 0 {
            let leaf = !node as usize;
            if !searched(leaf) {
                return;
            }
            let (lo, hi) = match uses {
                (true, true) => (s.left_output.min(s.right_output), s.left_output.max(s.right_output)),
                (false, true) => (s.right_output, s.right_output),
                _ => (s.left_output, s.left_output),
            };
            // A lower bound is the largest output faced, an upper one the smallest.
            if self.entries[leaf].tighten(if lower { hi } else { lo }, lower, true) {
                changed.push(leaf);
            }
            return;
        }
        let n = self.nodes[node as usize].clone();
        let (go_left, go_right) = path.children_overlap(&n);
        // A split on the new split's feature parts its children from one of the
        // new leaves, unless both hold the missing values.
        let (mut left_faces_right, mut right_faces_left) = (true, true);
        if n.numerical && n.feature == s.feature {
            let missing = |left: Option<bool>, right: bool| left == Some(!right);
            right_faces_left = n.threshold < s.threshold || (n.missing_on(true) && missing(s.missing_left, false));
            left_faces_right = n.threshold > s.threshold || (n.missing_on(false) && missing(s.missing_left, true));
        }
        if go_left {
            self.update_down(n.left, path, s, lower, (uses.0, uses.1 && left_faces_right), searched, changed);
        }
        if go_right {
            self.update_down(n.right, path, s, lower, (uses.0 && right_faces_left, uses.1), searched, changed);
        }
    }

    /// "advanced": goes up from `node` (a leaf's `!index` at first) to each
    /// monotone split above it, then down its other side, tightening `bound`
    /// (lower if `min`) on the bins of feature `f` in `range` by the leaves there.
    fn find_up(&self, f: usize, node: i32, path: &mut Path, bound: &mut Piecewise, min: bool, mut range: Range) {
        let parent = if node < 0 { self.leaf_parent[!node as usize] } else { self.nodes[node as usize].parent };
        if parent < 0 {
            return;
        }
        let p = &self.nodes[parent as usize];
        let from_right = p.right == node;
        if p.feature == f && p.numerical {
            range = range.side(p, from_right);
        }
        if path.other_side_may_touch(p, from_right) {
            let mono = self.monotone_of(p.feature);
            // The other side bounds this one from below when it is the lower side.
            if mono != 0 && ((mono > 0) == from_right) == min {
                let other = if from_right { p.left } else { p.right };
                self.find_down(f, p.feature, other, path, bound, min, range);
            }
            path.push(p, from_right);
        }
        self.find_up(f, parent, path, bound, min, range);
    }

    /// Tightens `bound` by the leaves under `node` that face the path's leaf,
    /// each on the bins of `f` where it does.
    #[allow(clippy::too_many_arguments)]
    fn find_down(
        &self,
        f: usize,
        crossed: usize,
        node: i32,
        path: &Path,
        bound: &mut Piecewise,
        min: bool,
        range: Range,
    ) {
        if node < 0 {
            let (v, n) = (self.outputs[!node as usize], self.n_bins[f]);
            bound.tighten(v, range.start, range.end, n, min);
            if range.missing {
                bound.tighten(v, n - 1, n, n, min);
            }
            return;
        }
        let n = &self.nodes[node as usize];
        let (go_left, go_right) = path.children_overlap(n);
        let on_f = n.feature == f;
        // Below a monotone split not on `f`, one child's leaves bound more tightly than the other's:
        // the larger outputs for a lower bound.
        let (need_left, need_right) = match self.monotone_of(n.feature) {
            m if m == 0 || (on_f && crossed != f) => (true, true),
            m if (m < 0) == min => (true, false),
            _ => (false, true),
        };
        if go_left && (need_left || !go_right) {
            let r = if on_f { range.side(n, false) } else { range };
            self.find_down(f, crossed, n.left, path, bound, min, r);
        }
        if go_right && (need_right || !go_left) {
            let r = if on_f { range.side(n, true) } else { range };
            self.find_down(f, crossed, n.right, path, bound, min, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_penalty_forbids_the_first_levels_then_fades() {
        let eps = 1e-15f32 as f64;
        // penalization 2: depths 0 and 1 forbidden, then 1 - 2^(1 - depth).
        assert_eq!(split_penalty(0, 2.0), eps);
        assert_eq!(split_penalty(1, 2.0), eps);
        assert_eq!(split_penalty(2, 2.0), 0.5 + eps);
        assert_eq!(split_penalty(3, 2.0), 0.75 + eps);
        // penalization <= 1: 1 - p / 2^depth.
        assert_eq!(split_penalty(0, 0.5), 0.5 + eps);
        assert_eq!(split_penalty(2, 1.0), 0.75 + eps);
        assert_eq!(split_penalty(4, 0.0), 1.0 + eps);
    }

    #[test]
    fn piecewise_bounds_tighten_on_ranges_and_merge() {
        let mut p = Piecewise::flat(f64::NEG_INFINITY);
        p.tighten(1.0, 2, 5, 10, true);
        assert_eq!(
            p.per_bin(10),
            [
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                1.0,
                1.0,
                1.0,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY
            ]
        );
        p.tighten(0.5, 0, 10, 10, true);
        p.tighten(2.0, 4, 10, 10, true);
        assert_eq!(p.per_bin(10), [0.5, 0.5, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]);
        assert_eq!(p.starts, [0, 2, 4]);
        p.tighten(2.0, 0, 4, 10, true);
        assert!(p.is_flat() && p.values == [2.0]);
        p.tighten(3.0, 3, 3, 10, true);
        assert!(p.is_flat(), "an empty range changes nothing");
    }

    fn made(leaf: usize, new_leaf: usize, feature: usize, threshold: u32, outputs: (f64, f64)) -> Made {
        Made {
            leaf,
            new_leaf,
            feature,
            threshold,
            numerical: true,
            missing_left: None,
            left_output: outputs.0,
            right_output: outputs.1,
        }
    }

    /// Increasing in feature 0, free in feature 1: x0 <= 4 | x0 > 4, then the
    /// right side split on x1, then the left side split on x0 <= 1.
    fn grown(method: Method) -> (Tracker, Vec<Vec<usize>>) {
        let mut t = Tracker::new(method, &[1, 0], vec![10, 10], vec![false, false], 0.0);
        let all = |_: usize| true;
        let changed = vec![
            t.split(&made(0, 1, 0, 4, (-1.0, 1.0)), &all),
            // Leaf 1 (x0 > 4) splits on x1 <= 6: x1 low gets 0.5, high 3.
            t.split(&made(1, 2, 1, 6, (0.5, 3.0)), &all),
            // Leaf 0 (x0 <= 4) splits on x0 <= 1.
            t.split(&made(0, 3, 0, 1, (-2.0, -0.5)), &all),
        ];
        (t, changed)
    }

    #[test]
    fn intermediate_bounds_follow_the_leaves_faced() {
        let (t, changed) = grown(Method::Intermediate);
        // Leaf 1's split (not monotone) makes leaf 0 (x0 <= 4) face its children: leaf 0's
        // upper bound becomes the smaller of their outputs, 0.5 (from 1).
        assert_eq!(changed[1], vec![0]);
        // Leaf 0's split on x0 bounds each child by the other, within leaf 0's upper bound.
        assert_eq!(t.limits(0, 0), Limits::Same(Bounds { min: f64::NEG_INFINITY, max: -0.5 }));
        assert_eq!(t.limits(3, 1), Limits::Same(Bounds { min: -2.0, max: 0.5 }));
        // Leaves 1 and 2 (x0 > 4) face both new leaves: their lower bound becomes the larger, -0.5.
        assert_eq!(changed[2], vec![1, 2]);
        assert_eq!(t.limits(1, 0), Limits::Same(Bounds { min: -0.5, max: f64::INFINITY }));
        assert_eq!(t.limits(2, 1), Limits::Same(Bounds { min: -0.5, max: f64::INFINITY }));
        assert!((0..4).all(|l| t.in_monotone_subtree(l)));
        // A leaf without a split to search again is left alone.
        let mut t = Tracker::new(Method::Intermediate, &[1, 0], vec![10, 10], vec![false, false], 0.0);
        t.split(&made(0, 1, 0, 4, (-1.0, 1.0)), &|_| true);
        assert!(t.split(&made(1, 2, 1, 6, (0.5, 3.0)), &|l| l != 0).is_empty());
    }

    #[test]
    fn advanced_bounds_depend_on_the_bins_of_the_leaf_split() {
        let (mut t, _) = grown(Method::Advanced);
        // Leaf 3 is 1 < x0 <= 4 (any x1). Across the first split it faces leaf 1 (x1 <= 6,
        // output 0.5) and leaf 2 (x1 > 6, output 3): found from the tree, its upper bound on
        // x1 is 0.5 on bins 0..=6 and 3 above; its lower bound stays -2 (its sibling's output).
        t.refresh(3, &[true, true], &[true, true]);
        let Limits::ByThreshold { left, right, .. } = t.limits(3, 1) else { panic!("{:?}", t.limits(3, 1)) };
        // A split at bin t: the left child (bins 0..=t) faces leaf 1 whatever t.
        assert_eq!(left[3], Bounds { min: -2.0, max: 0.5 });
        assert_eq!(left[8].max, 0.5);
        // The right child (bins t + 1..) faces leaf 1 too until t = 6, then leaf 2 only.
        assert_eq!(right[3].max, 0.5);
        assert_eq!(right[6], Bounds { min: -2.0, max: 3.0 });
        // On x0 the leaf holds bins 2..=4 (1 < x0 <= 4): the upper bound 0.5 is found there only.
        let Limits::ByThreshold { left, right, .. } = t.limits(3, 0) else { panic!() };
        assert_eq!((left[1].max, left[2].max, right[3].max, right[4].max), (f64::INFINITY, 0.5, 0.5, f64::INFINITY));
        t.refresh(3, &[true, true], &[true, true]);
        assert_eq!(t.limits(3, 0), Limits::ByThreshold { left, right, missing: None }, "nothing stale: kept");
        // Intermediate holds the whole leaf to 0.5.
        let (t, _) = grown(Method::Intermediate);
        assert_eq!(t.limits(3, 1), Limits::Same(Bounds { min: -2.0, max: 0.5 }));
    }
}
