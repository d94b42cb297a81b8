//! Forced splits: the top of every tree fixed by a JSON file (LightGBM's
//! `forcedsplits_filename`).
//!
//! A user who knows how the data should be cut first (a date, a segment)
//! writes the cut as a tree of `{"feature", "threshold", "left", "right"}`
//! nodes; every tree starts with those splits, breadth-first, and grows
//! leaf-wise from there. LightGBM's rules are kept so that a file means what
//! it means there: a forced split ignores feature sampling, depth and leaf
//! size limits, sends missing values left, and a categorical one sends the
//! one category `threshold` left. A forced split that would not lower the loss
//! ends the forcing (what is left of the file included) and normal growth
//! takes over.

use std::collections::VecDeque;

use ironlearn_core::{Error, Result};
use serde_json::{Map, Value};

use crate::binning::{BinMapper, Binned};
use crate::learner::BinnedSplit;
use crate::split::{smoothed_output, Bounds, SplitInfo, SplitParams, Stats};

const PARAM: &str = "forcedsplits_filename";

/// One node of the file: split on `feature` at `threshold`, then the children's nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct ForcedSplit {
    pub feature: usize,
    pub threshold: f64,
    pub left: Option<Box<ForcedSplit>>,
    pub right: Option<Box<ForcedSplit>>,
}

impl ForcedSplit {
    /// The splits of the file `path` (`""`: none) for data of `n_features` features.
    pub fn load(path: &str, n_features: usize) -> Result<Option<ForcedSplit>> {
        if path.is_empty() {
            return Ok(None);
        }
        let bad = |m: String| Error::param(PARAM, format!("forced splits file '{path}': {m}"));
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| bad(format!("is not JSON: {e}")))?;
        let root = json.as_object().ok_or_else(|| bad("the root must be an object".into()))?;
        check(root, n_features, path)?;
        let root = parse(root).ok_or_else(|| bad("the root node needs a 'feature' and a 'threshold'".into()))?;
        Ok(Some(root))
    }
}

/// Checks the types and feature indices of every node, splits or not (as LightGBM checks them).
fn check(node: &Map<String, Value>, n_features: usize, path: &str) -> Result<()> {
    let bad = |m: String| Error::param(PARAM, format!("forced splits file '{path}': {m}"));
    if let Some(f) = node.get("feature") {
        let f = f.as_u64().ok_or_else(|| bad(format!("'feature' must be a feature index (0, 1, ...), got {f}")))?;
        if f >= n_features as u64 {
            return Err(Error::param(
                PARAM,
                format!(
                    "Forced splits file includes feature index {f}, but maximum feature index in dataset is {} ('{path}')",
                    n_features as i64 - 1
                ),
            ));
        }
    }
    if let Some(t) = node.get("threshold") {
        if !t.is_number() {
            return Err(bad(format!("'threshold' must be a number, got {t}")));
        }
    }
    for side in ["left", "right"] {
        match node.get(side) {
            None | Some(Value::Null) => {}
            Some(Value::Object(child)) => check(child, n_features, path)?,
            Some(other) => return Err(bad(format!("'{side}' must be a node (an object), got {other}"))),
        }
    }
    Ok(())
}

/// The split a checked node asks for; `None` for a node without both
/// `feature` and `threshold`, which is not split (nor is anything below it).
fn parse(node: &Map<String, Value>) -> Option<ForcedSplit> {
    let feature = node.get("feature")?.as_u64()? as usize;
    let threshold = node.get("threshold")?.as_f64()?;
    let child = |side: &str| node.get(side).and_then(Value::as_object).and_then(parse).map(Box::new);
    Some(ForcedSplit { feature, threshold, left: child("left"), right: child("right") })
}

/// What a forced split needs to know of its leaf.
#[derive(Debug, Clone, Copy)]
pub struct LeafRows<'a> {
    pub rows: &'a [u32],
    pub stats: Stats,
    pub bounds: Bounds,
    /// The leaf's output, toward which path smoothing pulls its children's.
    pub output: f64,
}

/// The forced splits still to make in one tree, with the leaf each applies to.
#[derive(Debug)]
pub struct Forcing<'a> {
    queue: VecDeque<(&'a ForcedSplit, usize)>,
    /// The split made last and its leaf: its children are queued once it is made.
    made: Option<(&'a ForcedSplit, usize)>,
}

impl<'a> Forcing<'a> {
    pub fn new(root: Option<&'a ForcedSplit>) -> Self {
        Forcing { queue: root.map(|r| (r, 0)).into_iter().collect(), made: None }
    }

    /// The next forced split and its leaf; `None` once forcing is over.
    /// `n_leaves` counts the tree's leaves now: a split keeps its leaf's index
    /// for the left child and gives the right child the last one.
    pub fn next<'r>(
        &mut self,
        n_leaves: usize,
        data: &Binned,
        mappers: &[BinMapper],
        gh: &[[f32; 2]],
        p: &SplitParams,
        leaf: impl FnOnce(usize) -> LeafRows<'r>,
    ) -> Option<(usize, SplitInfo)> {
        if let Some((node, li)) = self.made.take() {
            self.queue.extend(node.left.as_deref().map(|l| (l, li)));
            self.queue.extend(node.right.as_deref().map(|r| (r, n_leaves - 1)));
        }
        let (node, li) = self.queue.pop_front()?;
        match forced_split(node, &leaf(li), data, mappers, gh, p) {
            Some(s) => {
                self.made = Some((node, li));
                Some((li, s))
            }
            None => {
                self.queue.clear();
                None
            }
        }
    }
}

/// The routing of a forced split in bin space: numeric bins up to the
/// threshold's (and missing values) go left; a categorical split sends the
/// threshold's category left. `None` for a category without a bin of its own.
fn routing(node: &ForcedSplit, mapper: &BinMapper) -> Option<BinnedSplit> {
    Some(match mapper {
        BinMapper::Numeric { upper, missing_bin, zero_bin, .. } => BinnedSplit {
            feature: node.feature,
            threshold: BinMapper::numeric_bin(upper, *missing_bin, *zero_bin, node.threshold),
            default_left: true,
            missing_bin: *missing_bin,
            left_bins: None,
        },
        BinMapper::Categorical { categories, lookup } => {
            let t = node.threshold;
            if !(t >= 0.0 && t < f64::from(u32::MAX)) {
                return None;
            }
            let bin = BinMapper::category_bin(categories, lookup, Some(t as u32));
            if usize::from(bin) >= categories.len() {
                return None;
            }
            let mut left = vec![false; mapper.n_bins()];
            left[usize::from(bin)] = true;
            BinnedSplit {
                feature: node.feature,
                threshold: 0,
                default_left: false,
                missing_bin: None,
                left_bins: Some(left),
            }
        }
    })
}

/// The forced split of a leaf, or `None` when it would not lower the loss by
/// more than `min_gain_to_split` (or would leave a side empty).
fn forced_split(
    node: &ForcedSplit,
    leaf: &LeafRows<'_>,
    data: &Binned,
    mappers: &[BinMapper],
    gh: &[[f32; 2]],
    p: &SplitParams,
) -> Option<SplitInfo> {
    let split = routing(node, &mappers[node.feature])?;
    let (go_left, col) = (split.table(), data.col(node.feature));
    let (mut lg, mut lh, mut lc) = (0.0, 0.0, 0usize);
    for &r in leaf.rows {
        if go_left[usize::from(col[r as usize])] == 1 {
            let [g, h] = gh[r as usize];
            lg += f64::from(g);
            lh += f64::from(h);
            lc += 1;
        }
    }
    let total = leaf.stats;
    let left = Stats { g: lg, h: lh, count: lc };
    let right = Stats { g: total.g - lg, h: total.h - lh, count: total.count - lc };
    if left.count == 0 || right.count == 0 {
        return None;
    }
    let (l1, l2) = (p.lambda_l1, p.lambda_l2);
    let output = |s: Stats| smoothed_output(s.g, s.h, l1, l2, leaf.bounds, p.path_smooth, s.count, leaf.output);
    let parent_gain = loss_reduction(total, output(total), l1, l2);
    let (left_output, right_output) = (output(left), output(right));
    let gain = loss_reduction(left, left_output, l1, l2) + loss_reduction(right, right_output, l1, l2);
    // A NaN gain (a zero hessian) fails too.
    (gain > parent_gain + p.min_gain_to_split).then(|| SplitInfo {
        gain: gain - parent_gain,
        feature: node.feature,
        threshold: split.threshold,
        default_left: split.default_left,
        left_bins: split.left_bins.map(|l| (0..l.len()).filter(|&b| l[b]).map(|b| b as u8).collect()),
        left,
        right,
        left_output,
        right_output,
    })
}

/// How much a leaf of gradient sums `s` with value `out` lowers the loss (split.rs's gain).
fn loss_reduction(s: Stats, out: f64, l1: f64, l2: f64) -> f64 {
    let sg = s.g.signum() * (s.g.abs() - l1).max(0.0);
    -(2.0 * sg * out + (s.h + l2) * out * out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binning::{bin_rows, fit_mappers, Missing};
    use crate::features::RawColumn;
    use ndarray::Array1;

    /// Loads `text` written to a file of its own.
    fn load(text: &str, nf: usize) -> Result<Option<ForcedSplit>> {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ironlearn-forced-{}-{n}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let out = ForcedSplit::load(path.to_str().unwrap(), nf);
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn reads_a_tree_of_nodes() {
        let s =
            load(r#"{"feature": 1, "threshold": 0.5, "left": {"feature": 0, "threshold": -2}, "right": {"x": 1}}"#, 2)
                .unwrap()
                .unwrap();
        assert_eq!((s.feature, s.threshold), (1, 0.5));
        let l = s.left.as_deref().unwrap();
        assert_eq!((l.feature, l.threshold, l.left.is_none()), (0, -2.0, true));
        assert!(s.right.is_none(), "a node without feature and threshold is not split");
        assert_eq!(ForcedSplit::load("", 2).unwrap(), None);
    }

    #[test]
    fn bad_files_are_named() {
        let e = load(r#"{"feature": 0, "threshold": 0.5, "left": {"feature": 3, "threshold": 1}}"#, 3).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("Forced splits file includes feature index 3, but maximum feature index in dataset is 2"),
            "{m}"
        );
        // A node that is not split is checked too, as LightGBM checks it.
        let m = load(r#"{"feature": 0, "threshold": 0.5, "right": {"feature": 9}}"#, 3).unwrap_err().to_string();
        assert!(m.contains("feature index 9"), "{m}");
        for (text, says) in [
            ("{not json", "is not JSON"),
            ("[1, 2]", "root must be an object"),
            (r#"{"threshold": 1}"#, "needs a 'feature' and a 'threshold'"),
            (r#"{"feature": -1, "threshold": 1}"#, "'feature' must be a feature index"),
            (r#"{"feature": 0, "threshold": "a"}"#, "'threshold' must be a number"),
            (r#"{"feature": 0, "threshold": 1, "left": 3}"#, "'left' must be a node"),
        ] {
            let m = load(text, 3).unwrap_err().to_string();
            assert!(m.contains("forcedsplits_filename") && m.contains(says), "{text}: {m}");
        }
        let m = ForcedSplit::load("/no/such/forced.json", 3).unwrap_err().to_string();
        assert!(m.contains("/no/such/forced.json") && m.contains("cannot be read"), "{m}");
    }

    /// Rows 0..n with x = i and gradient `g(i)`, hessian 1.
    fn setup(n: usize, g: impl Fn(usize) -> f32) -> (Binned, Vec<BinMapper>, Vec<[f32; 2]>) {
        let x = Array1::from_shape_fn(n, |i| i as f64);
        let cols = [RawColumn::Numeric { name: String::new(), values: x.view() }];
        let mappers = fit_mappers(&cols, 255, 1, 100_000, 0, Missing::Nan).unwrap();
        let data = bin_rows(&cols, &mappers).unwrap();
        (data, mappers, (0..n).map(|i| [g(i), 1.0]).collect())
    }

    #[test]
    fn a_forced_split_sums_its_sides_and_is_dropped_when_it_does_not_help() {
        let (data, mappers, gh) = setup(10, |i| if i < 3 { -1.0 } else { 1.0 });
        let rows: Vec<u32> = (0..10).collect();
        let stats = Stats { g: 4.0, h: 10.0, count: 10 };
        let leaf = LeafRows { rows: &rows, stats, bounds: Bounds::default(), output: -0.4 };
        let p = crate::split::tests::params();
        let node = ForcedSplit { feature: 0, threshold: 4.2, left: None, right: None };
        let s = forced_split(&node, &leaf, &data, &mappers, &gh, &p).unwrap();
        // Left: x <= 4 (rows 0..=4): G = -3 + 2 = -1, H = 5; right: G = 5, H = 5.
        assert_eq!((s.left.count, s.right.count), (5, 5));
        assert_eq!((s.left.g, s.right.g), (-1.0, 5.0));
        assert!((s.left_output - 0.2).abs() < 1e-12 && (s.right_output + 1.0).abs() < 1e-12);
        // Gains: children 1/5 + 25/5 = 5.2, parent 16/10.
        assert!((s.gain - 3.6).abs() < 1e-12, "{}", s.gain);
        assert!((4.0..5.0).contains(&mappers[0].upper_bound(s.threshold)));
        // Beyond every value: one side empty, no split; and a gain under min_gain_to_split.
        let far = ForcedSplit { threshold: 1e9, ..node.clone() };
        assert!(forced_split(&far, &leaf, &data, &mappers, &gh, &p).is_none());
        let strict = SplitParams { min_gain_to_split: 3.7, ..p };
        assert!(forced_split(&node, &leaf, &data, &mappers, &gh, &strict).is_none());
    }

    #[test]
    fn forcing_goes_breadth_first_and_stops_at_a_useless_split() {
        let (data, mappers, gh) = setup(20, |i| (i as f32 - 9.5).signum() * (1.0 + (i % 3) as f32));
        let node = |threshold: f64, left, right| ForcedSplit { feature: 0, threshold, left, right };
        // Root at 9.5, its left child at 4.5 with a useless child (x <= 100), its right at 14.5.
        let tree = node(
            9.5,
            Some(Box::new(node(4.5, Some(Box::new(node(100.0, None, None))), None))),
            Some(Box::new(node(14.5, None, None))),
        );
        let rows: Vec<u32> = (0..20).collect();
        let p = crate::split::tests::params();
        let mut leaves: Vec<(usize, usize)> = vec![(0, 20)];
        let mut forcing = Forcing::new(Some(&tree));
        let mut made = Vec::new();
        let view = |l: (usize, usize)| {
            let r = &rows[l.0..l.1];
            let g: f64 = r.iter().map(|&i| f64::from(gh[i as usize][0])).sum();
            LeafRows {
                rows: r,
                stats: Stats { g, h: r.len() as f64, count: r.len() },
                bounds: Bounds::default(),
                output: 0.0,
            }
        };
        while let Some((li, s)) = forcing.next(leaves.len(), &data, &mappers, &gh, &p, |i| view(leaves[i])) {
            made.push((li, s.left.count));
            // Rows are sorted by x, so the left child is a prefix.
            let (a, b) = leaves[li];
            leaves[li] = (a, a + s.left.count);
            leaves.push((a + s.left.count, b));
        }
        assert_eq!(made, vec![(0, 10), (0, 5), (1, 5)]);
        assert_eq!(leaves, vec![(0, 5), (10, 15), (5, 10), (15, 20)]);
    }
}
