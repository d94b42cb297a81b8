//! Finding the best split of a leaf from its histogram.
//!
//! Gains, leaf outputs and the categorical search follow LightGBM's
//! definitions (L1 soft-thresholding, L2 shrinkage, "basic" monotone
//! constraints, categories ordered by smoothed gradient ratio), so models and
//! accuracy are comparable to LightGBM's on the same parameters. Path
//! smoothing and extremely randomized trees are LightGBM's too: a leaf's
//! output is pulled toward its parent's (in the gains as well), and with
//! `extra_trees` each feature is tried at one threshold drawn per node, from a
//! stream seeded by the node and the feature so that no thread count changes it.

use ironlearn_core::Rng;

use crate::binning::BinMapper;
use crate::histogram::Bin;

/// Gradient statistics of a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    pub g: f64,
    pub h: f64,
    pub count: usize,
}

/// The split-finding parameters.
#[derive(Debug, Clone)]
pub struct SplitParams {
    pub lambda_l1: f64,
    pub lambda_l2: f64,
    pub min_data_in_leaf: usize,
    pub min_sum_hessian_in_leaf: f64,
    pub min_gain_to_split: f64,
    pub max_cat_to_onehot: usize,
    pub max_cat_threshold: usize,
    pub cat_smooth: f64,
    pub cat_l2: f64,
    pub min_data_per_group: usize,
    /// Per feature: 1 increasing, -1 decreasing, 0 free.
    pub monotone: Vec<i8>,
    /// LightGBM's `path_smooth`; 0 disables.
    pub path_smooth: f64,
    /// One random threshold per feature and node (LightGBM's `extra_trees`).
    pub extra_trees: bool,
}

/// What a leaf's split search knows of the leaf besides its histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeafContext {
    pub total: Stats,
    pub bounds: Bounds,
    /// The leaf's own output: path smoothing pulls its children's toward it.
    pub output: f64,
    /// Seeds the random thresholds of `extra_trees` (forked per feature).
    pub seed: u64,
}

/// The best split found for a leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitInfo {
    /// Gain over not splitting.
    pub gain: f64,
    pub feature: usize,
    /// Numeric: bins `<= threshold` go left.
    pub threshold: u8,
    pub default_left: bool,
    /// Categorical: the bins that go left.
    pub left_bins: Option<Vec<u8>>,
    pub left: Stats,
    pub right: Stats,
    pub left_output: f64,
    pub right_output: f64,
}

/// Output bounds a leaf's value must respect (monotone constraints).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds { min: f64::NEG_INFINITY, max: f64::INFINITY }
    }
}

fn threshold_l1(s: f64, l1: f64) -> f64 {
    s.signum() * (s.abs() - l1).max(0.0)
}

/// The optimal leaf value for `(g, h)`, clamped to `bounds`.
pub fn leaf_output(g: f64, h: f64, l1: f64, l2: f64, bounds: Bounds) -> f64 {
    let out = -threshold_l1(g, l1) / (h + l2);
    out.clamp(bounds.min, bounds.max)
}

/// [`leaf_output`] pulled toward `parent` by path smoothing of strength
/// `smooth` for a leaf of `count` rows (LightGBM's `CalculateSplittedLeafOutput`:
/// smoothed, then clamped); without smoothing, exactly [`leaf_output`].
#[allow(clippy::too_many_arguments)]
pub fn smoothed_output(
    g: f64,
    h: f64,
    l1: f64,
    l2: f64,
    bounds: Bounds,
    smooth: f64,
    count: usize,
    parent: f64,
) -> f64 {
    if smooth <= 0.0 {
        return leaf_output(g, h, l1, l2, bounds);
    }
    let w = count as f64 / smooth;
    let out = -threshold_l1(g, l1) / (h + l2);
    (out * w / (w + 1.0) + parent / (w + 1.0)).clamp(bounds.min, bounds.max)
}

/// The loss reduction of a leaf with value `out`.
fn gain_given_output(g: f64, h: f64, l1: f64, l2: f64, out: f64) -> f64 {
    let sg = threshold_l1(g, l1);
    -(2.0 * sg * out + (h + l2) * out * out)
}

struct Scan<'a> {
    p: &'a SplitParams,
    total: Stats,
    bounds: Bounds,
    min_gain_shift: f64,
    parent_gain: f64,
    cnt_factor: f64,
    monotone: i8,
    /// The output children are smoothed toward.
    parent_output: f64,
}

impl Scan<'_> {
    fn count(&self, h: f64) -> usize {
        // Round half up; `f64::round` is a library call on baseline x86-64.
        (h * self.cnt_factor + 0.5) as usize
    }

    /// A child's output: optimal, smoothed toward the leaf's, clamped.
    fn output(&self, g: f64, h: f64, count: usize, l2: f64) -> f64 {
        smoothed_output(g, h, self.p.lambda_l1, l2, self.bounds, self.p.path_smooth, count, self.parent_output)
    }

    /// The gain of splitting into `left` and the rest, or `None` when a constraint fails.
    fn evaluate(&self, lg: f64, lh: f64, lc: usize, l2: f64) -> Option<(f64, Stats, Stats, f64, f64)> {
        let p = self.p;
        let (rg, rh) = (self.total.g - lg, self.total.h - lh);
        let rc = self.total.count.saturating_sub(lc);
        if lc < p.min_data_in_leaf
            || rc < p.min_data_in_leaf
            || lh < p.min_sum_hessian_in_leaf
            || rh < p.min_sum_hessian_in_leaf
        {
            return None;
        }
        let lo = self.output(lg, lh, lc, l2);
        let ro = self.output(rg, rh, rc, l2);
        if (self.monotone > 0 && lo > ro) || (self.monotone < 0 && lo < ro) {
            return None;
        }
        let gain = gain_given_output(lg, lh, p.lambda_l1, l2, lo) + gain_given_output(rg, rh, p.lambda_l1, l2, ro);
        (gain > self.min_gain_shift).then_some((
            gain,
            Stats { g: lg, h: lh, count: lc },
            Stats { g: rg, h: rh, count: rc },
            lo,
            ro,
        ))
    }
}

/// The best split of one feature, from its histogram slice.
pub fn best_split(
    feature: usize,
    hist: &[Bin],
    mapper: &BinMapper,
    leaf: &LeafContext,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let (total, bounds) = (leaf.total, leaf.bounds);
    if total.h <= 0.0 || mapper.is_trivial() {
        return None;
    }
    let (l1, l2) = (p.lambda_l1, p.lambda_l2);
    let own = smoothed_output(total.g, total.h, l1, l2, bounds, p.path_smooth, total.count, leaf.output);
    let parent_gain = gain_given_output(total.g, total.h, l1, l2, own);
    let scan = Scan {
        p,
        total,
        bounds,
        min_gain_shift: parent_gain + p.min_gain_to_split,
        parent_gain,
        cnt_factor: total.count as f64 / total.h,
        monotone: p.monotone.get(feature).copied().unwrap_or(0),
        parent_output: leaf.output,
    };
    // extra_trees: the one threshold (numeric) or category count (categorical) tried, drawn in `0..n`.
    let mut rng = p.extra_trees.then(|| Rng::new(leaf.seed).fork(feature as u64));
    let mut draw = |n: usize| rng.as_mut().map(|r| if n > 0 { r.below(n) } else { 0 });
    match mapper {
        // LightGBM's `NextInt(0, num_bin - 2)`.
        BinMapper::Numeric { missing_bin, .. } => {
            numeric(feature, hist, *missing_bin, &scan, draw(hist.len().saturating_sub(2)))
        }
        BinMapper::Categorical { categories, .. } => categorical(feature, &hist[..categories.len()], &scan, &mut draw),
    }
}

fn numeric(
    feature: usize,
    hist: &[Bin],
    missing_bin: Option<u8>,
    s: &Scan<'_>,
    only: Option<usize>,
) -> Option<SplitInfo> {
    let p = s.p;
    let value_bins = hist.len() - usize::from(missing_bin.is_some());
    let missing = missing_bin.map_or([0.0; 2], |m| hist[m as usize]);
    // Without L1, output bounds or a monotone constraint, a split's gain is
    // GL²/(HL+λ) + GR²/(HR+λ): score every threshold with that, and build the
    // split (outputs, statistics) for the winner only.
    let fast = p.lambda_l1 == 0.0 && s.monotone == 0 && s.bounds == Bounds::default() && p.path_smooth <= 0.0;
    let l2 = p.lambda_l2;
    let (tg, th) = (s.total.g, s.total.h);
    let mut best: Option<(f64, usize, bool)> = None;
    let mut best_gain = s.min_gain_shift;
    let directions: &[bool] = if s.count(missing[1]) > 0 && missing_bin.is_some() { &[false, true] } else { &[false] };
    for &default_left in directions {
        let (mut lg, mut lh) = if default_left { (missing[0], missing[1]) } else { (0.0, 0.0) };
        // With missing values on the right, the last threshold puts every
        // value left and the missing ones alone right (LightGBM's too).
        let thresholds = if default_left || missing_bin.is_none() { value_bins.saturating_sub(1) } else { value_bins };
        for (t, b) in hist.iter().enumerate().take(thresholds) {
            lg += b[0];
            lh += b[1];
            if lh < p.min_sum_hessian_in_leaf {
                continue;
            }
            let lc = s.count(lh);
            if lc < p.min_data_in_leaf {
                continue;
            }
            let rh = th - lh;
            if lc + p.min_data_in_leaf > s.total.count || rh < p.min_sum_hessian_in_leaf {
                break;
            }
            if only.is_some_and(|o| o != t) {
                continue;
            }
            let gain = if fast {
                let rg = tg - lg;
                lg * lg / (lh + l2) + rg * rg / (rh + l2)
            } else {
                match s.evaluate(lg, lh, lc, l2) {
                    Some((g, ..)) => g,
                    None => continue,
                }
            };
            if gain > best_gain {
                best_gain = gain;
                best = Some((gain, t, default_left));
            }
        }
    }
    let (gain, t, default_left) = best?;
    let (mut lg, mut lh) = if default_left { (missing[0], missing[1]) } else { (0.0, 0.0) };
    for b in &hist[..=t] {
        lg += b[0];
        lh += b[1];
    }
    let (_, left, right, lo, ro) = s.evaluate(lg, lh, s.count(lh), l2)?;
    Some(SplitInfo {
        gain: gain - s.parent_gain,
        feature,
        threshold: t as u8,
        default_left,
        left_bins: None,
        left,
        right,
        left_output: lo,
        right_output: ro,
    })
}

/// `draw(n)` gives extra_trees' random choice in `0..n` (`None` without it).
fn categorical(
    feature: usize,
    hist: &[Bin],
    s: &Scan<'_>,
    draw: &mut dyn FnMut(usize) -> Option<usize>,
) -> Option<SplitInfo> {
    let p = s.p;
    let used = hist.len();
    let mut best: Option<SplitInfo> = None;
    let mut consider = |left_bins: Vec<u8>, found: (f64, Stats, Stats, f64, f64)| {
        let (gain, left, right, lo, ro) = found;
        if best.as_ref().is_none_or(|b| gain - s.parent_gain > b.gain) {
            best = Some(SplitInfo {
                gain: gain - s.parent_gain,
                feature,
                threshold: 0,
                default_left: false,
                left_bins: Some(left_bins),
                left,
                right,
                left_output: lo,
                right_output: ro,
            });
        }
    };
    if used <= p.max_cat_to_onehot {
        // One category against the rest.
        let only = draw(used);
        for (c, b) in hist.iter().enumerate() {
            if only.is_some_and(|o| o != c) {
                continue;
            }
            if let Some(found) = s.evaluate(b[0], b[1], s.count(b[1]), p.lambda_l2) {
                consider(vec![c as u8], found);
            }
        }
        return best;
    }
    // Order categories by smoothed gradient ratio, then try prefixes from both ends.
    let mut order: Vec<usize> = (0..used).filter(|&c| s.count(hist[c][1]) as f64 >= p.cat_smooth).collect();
    let ratio = |c: usize| hist[c][0] / (hist[c][1] + p.cat_smooth);
    order.sort_by(|&a, &b| ratio(a).total_cmp(&ratio(b)));
    let n = order.len();
    let max_cats = p.max_cat_threshold.min(n.div_ceil(2));
    let l2 = p.lambda_l2 + p.cat_l2;
    // LightGBM's `NextInt(0, max_threshold)`: the last category of the left set.
    let only = draw(max_cats.min(n).saturating_sub(1));
    for reverse in [false, true] {
        let (mut lg, mut lh, mut group) = (0.0, 0.0, 0usize);
        for i in 0..n.min(max_cats) {
            let c = if reverse { order[n - 1 - i] } else { order[i] };
            lg += hist[c][0];
            lh += hist[c][1];
            group += s.count(hist[c][1]);
            let lc = s.count(lh);
            if lc < p.min_data_in_leaf || lh < p.min_sum_hessian_in_leaf {
                continue;
            }
            let rc = s.total.count.saturating_sub(lc);
            if rc < p.min_data_in_leaf || rc < p.min_data_per_group || s.total.h - lh < p.min_sum_hessian_in_leaf {
                break;
            }
            if group < p.min_data_per_group {
                continue;
            }
            group = 0;
            if only.is_some_and(|o| o != i) {
                continue;
            }
            if let Some(found) = s.evaluate(lg, lh, lc, l2) {
                let left: Vec<u8> =
                    (0..=i).map(|k| (if reverse { order[n - 1 - k] } else { order[k] }) as u8).collect();
                consider(left, found);
            }
        }
    }
    best
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Split settings that let any split through (shared by the learner's tests).
    pub(crate) fn params() -> SplitParams {
        SplitParams {
            lambda_l1: 0.0,
            lambda_l2: 0.0,
            min_data_in_leaf: 1,
            min_sum_hessian_in_leaf: 0.0,
            min_gain_to_split: 0.0,
            max_cat_to_onehot: 4,
            max_cat_threshold: 32,
            cat_smooth: 10.0,
            cat_l2: 10.0,
            min_data_per_group: 1,
            monotone: vec![],
            path_smooth: 0.0,
            extra_trees: false,
        }
    }

    fn leaf(total: Stats) -> LeafContext {
        LeafContext { total, bounds: Bounds::default(), output: 0.0, seed: 0 }
    }

    #[test]
    fn hand_computed_numeric_split() {
        // Three bins with gradient sums -4, -2, 6 over 2 rows each (h = 1 per row).
        let hist = [[-4.0, 2.0], [-2.0, 2.0], [6.0, 2.0]];
        let mapper = BinMapper::Numeric {
            upper: vec![1.0, 2.0, f64::INFINITY],
            missing_bin: None,
            zero_bin: 0,
            range: [0.0, 3.0],
            zero_missing: false,
        };
        let total = Stats { g: 0.0, h: 6.0, count: 6 };
        let s = best_split(0, &hist, &mapper, &leaf(total), &params()).unwrap();
        // Left = bins 0..=1: G=-6, H=4 -> 9; right: G=6, H=2 -> 18; parent 0. Gain 27.
        assert_eq!(s.threshold, 1);
        assert!((s.gain - 27.0).abs() < 1e-12);
        assert!((s.left_output - 1.5).abs() < 1e-12 && (s.right_output + 3.0).abs() < 1e-12);
    }

    #[test]
    fn missing_values_choose_their_side() {
        // Missing rows look like the high bin, so they should go right... unless they look low.
        let hist = [[-4.0, 2.0], [4.0, 2.0], [-4.0, 2.0]];
        let mapper = BinMapper::Numeric {
            upper: vec![1.0, f64::INFINITY],
            missing_bin: Some(2),
            zero_bin: 0,
            range: [0.0, 3.0],
            zero_missing: false,
        };
        let total = Stats { g: -4.0, h: 6.0, count: 6 };
        let s = best_split(0, &hist, &mapper, &leaf(total), &params()).unwrap();
        assert!(s.default_left);
        assert_eq!(s.left.count, 4);
    }

    #[test]
    fn monotone_constraint_rejects_wrong_direction() {
        let hist = [[4.0, 2.0], [-4.0, 2.0]];
        let mapper = BinMapper::Numeric {
            upper: vec![1.0, f64::INFINITY],
            missing_bin: None,
            zero_bin: 0,
            range: [0.0, 3.0],
            zero_missing: false,
        };
        let total = Stats { g: 0.0, h: 4.0, count: 4 };
        let mut p = params();
        p.monotone = vec![-1];
        assert!(best_split(0, &hist, &mapper, &leaf(total), &p).is_none());
        p.monotone = vec![1];
        assert!(best_split(0, &hist, &mapper, &leaf(total), &p).is_some());
    }
}
