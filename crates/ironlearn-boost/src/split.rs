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
//! LightGBM's "intermediate" and "advanced" monotone methods bound a split's
//! children by [`Limits`] of their own (found in `monotone.rs`), the second
//! per threshold.

use ironlearn_core::Rng;

use crate::binning::BinMapper;
use crate::histogram::Bin;
use crate::split_lanes::{self, LaneFound, LaneLeaf, LANES};

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

impl Bounds {
    /// `v` within the bounds (LightGBM's order of tests: bounds that cross give the lower one).
    #[inline]
    pub(crate) fn clamp(self, v: f64) -> f64 {
        if v < self.min {
            self.min
        } else if v > self.max {
            self.max
        } else {
            v
        }
    }

    fn crossed(self) -> bool {
        self.min > self.max
    }

    /// Both bounds at once.
    fn and(self, o: Bounds) -> Bounds {
        Bounds { min: self.min.max(o.min), max: self.max.min(o.max) }
    }
}

/// Bounds on a split's children other than their leaf's (LightGBM's
/// "intermediate" and "advanced" monotone constraints).
#[derive(Debug, Clone, PartialEq)]
pub enum Limits {
    /// Both children, whatever the threshold.
    Same(Bounds),
    /// Per threshold `t` of a numerical feature: the left child's (value bins
    /// `0..=t`) and the right one's (the rest); the missing values' join the
    /// side they go to.
    ByThreshold { left: Vec<Bounds>, right: Vec<Bounds>, missing: Option<Bounds> },
}

fn threshold_l1(s: f64, l1: f64) -> f64 {
    s.signum() * (s.abs() - l1).max(0.0)
}

/// The optimal leaf value for `(g, h)`, clamped to `bounds`.
pub fn leaf_output(g: f64, h: f64, l1: f64, l2: f64, bounds: Bounds) -> f64 {
    let out = -threshold_l1(g, l1) / (h + l2);
    bounds.clamp(out)
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
    bounds.clamp(out * w / (w + 1.0) + parent / (w + 1.0))
}

/// LightGBM's `kEpsilon` (a `float`): a scan's hessian sum starts from it,
/// and a leaf's total carries two, so that no sum is 0.
const EPSILON: f64 = 1e-15f32 as f64;

/// The loss reduction of a leaf at its optimal, unbounded value: G²/(H+λ)
/// (G soft-thresholded by L1), LightGBM's closed form.
#[inline(always)]
fn plain_gain(g: f64, h: f64, l1: f64, l2: f64) -> f64 {
    // (Without L1 the soft-thresholding is skipped: this is the scans' inner loop.)
    let sg = if l1 > 0.0 { threshold_l1(g, l1) } else { g };
    sg * sg / (h + l2)
}

/// The loss reduction of a leaf with value `out`.
fn gain_given_output(g: f64, h: f64, l1: f64, l2: f64, out: f64) -> f64 {
    let sg = threshold_l1(g, l1);
    -(2.0 * sg * out + (h + l2) * out * out)
}

struct Scan<'a> {
    p: &'a SplitParams,
    total: Stats,
    /// The children's bounds (`by_threshold`, when given, holds them per threshold).
    bounds: Bounds,
    by_threshold: Option<(&'a [Bounds], &'a [Bounds], Option<Bounds>)>,
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
    fn output(&self, g: f64, h: f64, count: usize, l2: f64, bounds: Bounds) -> f64 {
        smoothed_output(g, h, self.p.lambda_l1, l2, bounds, self.p.path_smooth, count, self.parent_output)
    }

    /// The children's bounds when threshold `t` splits a numerical feature.
    fn bounds_at(&self, t: usize, default_left: bool) -> (Bounds, Bounds) {
        match self.by_threshold {
            Some((left, right, missing)) => {
                let (l, r) = (left[t], right[t]);
                match missing {
                    Some(m) if default_left => (l.and(m), r),
                    Some(m) => (l, r.and(m)),
                    None => (l, r),
                }
            }
            None => (self.bounds, self.bounds),
        }
    }

    /// The children's gain and outputs from their sums `l` and `r`, or
    /// `None` when their bounds cross or their outputs break the monotone
    /// constraint.
    fn children(
        &self,
        l: [f64; 2],
        lc: usize,
        r: [f64; 2],
        rc: usize,
        l2: f64,
        (lb, rb): (Bounds, Bounds),
    ) -> Option<(f64, f64, f64)> {
        if lb.crossed() || rb.crossed() {
            return None;
        }
        let lo = self.output(l[0], l[1], lc, l2, lb);
        let ro = self.output(r[0], r[1], rc, l2, rb);
        if (self.monotone > 0 && lo > ro) || (self.monotone < 0 && lo < ro) {
            return None;
        }
        let l1 = self.p.lambda_l1;
        Some((gain_given_output(l[0], l[1], l1, l2, lo) + gain_given_output(r[0], r[1], l1, l2, ro), lo, ro))
    }
}

/// The first scans of a leaf's numerical features, [`LANES`] at a time
/// (`split_lanes.rs`), for those whose first scan is the closed form over
/// every bin (no bounds: the caller has none beyond the leaf's): each of
/// `features` is `(slot, feature, histogram, mapper)`, and its result goes
/// to `found[slot]` for [`best_split`]; the others' slots are left alone.
pub fn lane_scans<'h>(
    leaf: &LeafContext,
    p: &SplitParams,
    features: impl Iterator<Item = (usize, usize, &'h [Bin], &'h BinMapper)>,
    found: &mut [Option<LaneFound>],
) {
    let Some(lanes) = lane_leaf(leaf, p) else { return };
    // Up to LANES features at a time: their slots, histograms and top bins.
    let (mut slots, mut hists, mut len) = ([0; LANES], [(&[][..], 0); LANES], 0);
    let mut scan = |slots: &[usize], hists: &[(&[Bin], usize)]| {
        let downs = split_lanes::down(&lanes, hists);
        slots.iter().zip(downs).for_each(|(&i, d)| found[i] = Some(d));
    };
    for (slot, feature, hist, mapper) in features {
        if let Some(top) = lane_top(feature, hist, mapper, leaf, p) {
            (slots[len], hists[len]) = (slot, (hist, top));
            len += 1;
            if len == LANES {
                scan(&slots, &hists);
                len = 0;
            }
        }
    }
    // A lane scan costs the same for one feature as for LANES: a few are scanned alone.
    if len >= LANES / 2 {
        scan(&slots[..len], &hists[..len]);
    }
}

/// The leaf's constants for lane scans, or `None` when its scans are not
/// the closed form without L1 (bounds, smoothing, drawn thresholds), it
/// has no hessian, or the CPU has no lanes.
fn lane_leaf(leaf: &LeafContext, p: &SplitParams) -> Option<LaneLeaf> {
    let total = leaf.total;
    let closed_form = leaf.bounds == Bounds::default() && p.path_smooth <= 0.0 && !p.extra_trees;
    if !split_lanes::available() || total.h <= 0.0 || !closed_form || p.lambda_l1 > 0.0 {
        return None;
    }
    let th = total.h + 2.0 * EPSILON;
    let l2 = p.lambda_l2;
    Some(LaneLeaf {
        g: total.g,
        h: th,
        count: total.count as f64,
        cnt_factor: total.count as f64 / th,
        min_data: p.min_data_in_leaf as f64,
        min_hess: p.min_sum_hessian_in_leaf,
        l2,
        min_gain: plain_gain(total.g, th, 0.0, l2) + p.min_gain_to_split,
        epsilon: EPSILON,
    })
}

/// The top bin of `f`'s first scan when [`numeric_scan`] would run it in
/// closed form over every bin with missing values left, else `None`.
fn lane_top(feature: usize, hist: &[Bin], mapper: &BinMapper, leaf: &LeafContext, p: &SplitParams) -> Option<usize> {
    let BinMapper::Numeric { missing_bin, .. } = mapper else { return None };
    let n = hist.len();
    let value_bins = n - usize::from(missing_bin.is_some());
    let free = p.monotone.get(feature).copied().unwrap_or(0) == 0;
    // Not the bitmap scan of `numeric_scan`, nor the two-bin case.
    let skips = (p.min_data_in_leaf >= 1 || p.min_sum_hessian_in_leaf > EPSILON) && leaf.total.count * 2 < value_bins;
    // A few bins are scanned faster alone than a lane scan's passes are set up.
    (free && !mapper.is_trivial() && (LANE_MIN_BINS..=256).contains(&n) && !skips).then(|| {
        if missing_bin.is_some() {
            value_bins - 1
        } else {
            n - 1
        }
    })
}

/// Bins from which a feature's scan joins a lane scan (measured: a feature
/// of 17 bins, as in the digits set, was scanned faster alone).
const LANE_MIN_BINS: usize = 32;

/// The best split of one feature, from its histogram slice; `limits` bound
/// the children (else the leaf's bounds do); `down` is the result of its
/// first numerical scan when that was already made (by [`lane_scans`]).
#[allow(clippy::too_many_arguments)]
pub fn best_split(
    feature: usize,
    hist: &[Bin],
    mapper: &BinMapper,
    leaf: &LeafContext,
    p: &SplitParams,
    limits: Option<&Limits>,
    down: Option<LaneFound>,
) -> Option<SplitInfo> {
    let (total, bounds) = (leaf.total, leaf.bounds);
    if total.h <= 0.0 || mapper.is_trivial() {
        return None;
    }
    // The lanes' scan found nothing, and there is no second scan (missing values right).
    if matches!((down, mapper), (Some(None), BinMapper::Numeric { missing_bin: None, .. })) {
        return None;
    }
    let (l1, l2) = (p.lambda_l1, p.lambda_l2);
    // LightGBM's: the leaf's hessian carries two epsilons, and its gain
    // ignores the output bounds (they bound the children only).
    let th = total.h + 2.0 * EPSILON;
    let parent_gain = if p.path_smooth > 0.0 {
        let own = smoothed_output(total.g, th, l1, l2, Bounds::default(), p.path_smooth, total.count, leaf.output);
        gain_given_output(total.g, th, l1, l2, own)
    } else {
        plain_gain(total.g, th, l1, l2)
    };
    let (bounds, by_threshold) = match limits {
        None => (bounds, None),
        Some(Limits::Same(b)) => (*b, None),
        // A categorical feature's bounds do not depend on a threshold: those over all its bins.
        Some(Limits::ByThreshold { left, right, missing }) if matches!(mapper, BinMapper::Numeric { .. }) => {
            (Bounds::default(), Some((&left[..], &right[..], *missing)))
        }
        Some(Limits::ByThreshold { left, missing, .. }) => {
            (left[left.len() - 1].and(missing.unwrap_or_default()), None)
        }
    };
    let scan = Scan {
        p,
        total,
        bounds,
        by_threshold,
        min_gain_shift: parent_gain + p.min_gain_to_split,
        parent_gain,
        cnt_factor: total.count as f64 / th,
        monotone: p.monotone.get(feature).copied().unwrap_or(0),
        parent_output: leaf.output,
    };
    // extra_trees: the one threshold (numeric) or category count (categorical) tried, drawn in `0..n`.
    let mut rng = p.extra_trees.then(|| Rng::new(leaf.seed).fork(feature as u64));
    let mut draw = |n: usize| rng.as_mut().map(|r| if n > 0 { r.below(n) } else { 0 });
    match mapper {
        // LightGBM's `NextInt(0, num_bin - 2)`.
        BinMapper::Numeric { missing_bin, .. } => {
            numeric(feature, hist, *missing_bin, &scan, draw(hist.len().saturating_sub(2)), down)
        }
        BinMapper::Categorical { categories, .. } => categorical(feature, &hist[..categories.len()], &scan, &mut draw),
    }
}

/// LightGBM's rounding of a bin's count estimated from its hessian.
#[inline]
fn round_count(h: f64, cnt_factor: f64) -> i64 {
    (h * cnt_factor + 0.5) as i64
}

/// The best threshold of a numerical feature by LightGBM's two scans and
/// their arithmetic, so that equal gains break as in LightGBM: missing
/// values left, the right side summed from the top bin down (the highest of
/// equal thresholds wins); then, when the feature has missing values,
/// missing values right, the left side summed from the bottom up (the
/// lowest wins), a later candidate winning only when strictly better. Child
/// counts are estimated from the hessians of the summed side, bin by bin.
///
/// A leaf with fewer rows than half the bins leaves most of them empty, and
/// an empty bin (both sums exactly zero) changes no sum, count or gain: at
/// it a scan can only skip, stop where it stopped one bin before, or tie the
/// gain it had there. So the scans visit only the other bins (found with a
/// bitmap) and choose the same threshold, provided every threshold shares
/// the leaf's bounds, no single threshold was drawn (`extra_trees`), and a
/// scan cannot take a threshold before it has summed a row.
fn numeric(
    feature: usize,
    hist: &[Bin],
    missing_bin: Option<u8>,
    s: &Scan<'_>,
    only: Option<usize>,
    down: Option<LaneFound>,
) -> Option<SplitInfo> {
    numeric_scan(feature, hist, missing_bin, s, only, true, down)
}

/// [`numeric`], visiting every bin when `may_skip` is false.
fn numeric_scan(
    feature: usize,
    hist: &[Bin],
    missing_bin: Option<u8>,
    s: &Scan<'_>,
    only: Option<usize>,
    may_skip: bool,
    down: Option<LaneFound>,
) -> Option<SplitInfo> {
    let p = s.p;
    let value_bins = hist.len() - usize::from(missing_bin.is_some());
    let th = s.total.h + 2.0 * EPSILON;
    let n = s.total.count as i64;
    let sweep = Sweep {
        s,
        hist,
        // Without output bounds, a monotone constraint or smoothing, a side's
        // gain is the closed form: score every threshold with it, and build the
        // split (outputs, statistics) for the winner only.
        fast: s.monotone == 0 && s.bounds == Bounds::default() && s.by_threshold.is_none() && p.path_smooth <= 0.0,
        th,
        n,
        min_data: p.min_data_in_leaf as i64,
        only,
    };
    let skip_empty = may_skip
        && only.is_none()
        && s.by_threshold.is_none()
        && (p.min_data_in_leaf >= 1 || p.min_sum_hessian_in_leaf > EPSILON)
        && s.total.count * 2 < value_bins
        && hist.len() <= 256;
    let filled = skip_empty.then(|| Bits::filled(hist));
    let mut best = Best { gain: s.min_gain_shift, found: None };
    let missing = missing_bin.is_some();
    // With one value bin and the missing one, the only split is values left, missing right.
    let two_bins = hist.len() <= 2;
    let reverse_left = !(missing && two_bins);
    let top = if missing && !two_bins { value_bins - 1 } else { hist.len() - 1 };
    match (&filled, down) {
        (_, Some(found)) => {
            debug_assert!(sweep.fast && only.is_none() && filled.is_none() && reverse_left);
            if let Some((gain, t, l, lc)) = found {
                best = Best { gain, found: Some((gain, t, true, l, lc)) };
            }
        }
        (Some(bits), None) => sweep.down(bits.down(1, top), reverse_left, &mut best),
        (None, None) => sweep.down((1..top + 1).rev(), reverse_left, &mut best),
    }
    if missing && !two_bins {
        // Missing values right; the last threshold leaves them alone there.
        match &filled {
            Some(bits) => sweep.up(bits.up(value_bins), &mut best),
            None => sweep.up(0..value_bins, &mut best),
        }
    }
    let (gain, t, default_left, l, lc) = best.found?;
    let rc = n - lc;
    let r = [s.total.g - l[0], th - l[1]];
    let (_, lo, ro) = s.children(l, lc as usize, r, rc as usize, p.lambda_l2, s.bounds_at(t, default_left))?;
    Some(SplitInfo {
        gain: gain - s.parent_gain,
        feature,
        threshold: t as u8,
        default_left,
        left_bins: None,
        // The sums as LightGBM passes them on: each side's hessian less its epsilon.
        left: Stats { g: l[0], h: l[1] - EPSILON, count: lc as usize },
        right: Stats { g: r[0], h: r[1] - EPSILON, count: rc as usize },
        left_output: lo,
        right_output: ro,
    })
}

/// The best threshold a numerical feature's scans found so far.
struct Best {
    gain: f64,
    /// (gain, threshold, missing left, the left sums as scanned, left count)
    found: Option<(f64, usize, bool, [f64; 2], i64)>,
}

/// What both scans of a numerical feature read.
struct Sweep<'a> {
    s: &'a Scan<'a>,
    hist: &'a [Bin],
    fast: bool,
    /// The leaf's hessian with LightGBM's two epsilons, and its row count.
    th: f64,
    n: i64,
    min_data: i64,
    only: Option<usize>,
}

impl Sweep<'_> {
    /// Missing values left (`missing_left`): the right side summed over bins
    /// `ts`, from the top down; bin `t` makes threshold `t - 1`.
    #[inline(always)]
    fn down(&self, ts: impl Iterator<Item = usize>, missing_left: bool, best: &mut Best) {
        let (s, p) = (self.s, self.s.p);
        let (l1, l2, min_hess) = (p.lambda_l1, p.lambda_l2, p.min_sum_hessian_in_leaf);
        let (mut rg, mut rh, mut rc) = (0.0, EPSILON, 0i64);
        for t in ts {
            let b = self.hist[t];
            rg += b[0];
            rh += b[1];
            rc += round_count(b[1], s.cnt_factor);
            if rc < self.min_data || rh < min_hess {
                continue;
            }
            let lc = self.n - rc;
            if lc < self.min_data {
                break;
            }
            let lh = self.th - rh;
            if lh < min_hess {
                break;
            }
            if self.only.is_some_and(|o| o != t - 1) {
                continue;
            }
            let l = [s.total.g - rg, lh];
            let gain = if self.fast {
                plain_gain(l[0], lh, l1, l2) + plain_gain(rg, rh, l1, l2)
            } else {
                match s.children(l, lc as usize, [rg, rh], rc as usize, l2, s.bounds_at(t - 1, missing_left)) {
                    Some((g, ..)) => g,
                    None => continue,
                }
            };
            if gain > best.gain {
                best.gain = gain;
                best.found = Some((gain, t - 1, missing_left, l, lc));
            }
        }
    }

    /// Missing values right: the left side summed over value bins `ts`, from
    /// the bottom up; bin `t` makes threshold `t`.
    #[inline(always)]
    fn up(&self, ts: impl Iterator<Item = usize>, best: &mut Best) {
        let (s, p) = (self.s, self.s.p);
        let (l1, l2, min_hess) = (p.lambda_l1, p.lambda_l2, p.min_sum_hessian_in_leaf);
        let (tg, n) = (s.total.g, self.n);
        let (mut lg, mut lh, mut lc) = (0.0, EPSILON, 0i64);
        for t in ts {
            let b = self.hist[t];
            lg += b[0];
            lh += b[1];
            lc += round_count(b[1], s.cnt_factor);
            if lc < self.min_data || lh < min_hess {
                continue;
            }
            if n - lc < self.min_data {
                break;
            }
            let rh = self.th - lh;
            if rh < min_hess {
                break;
            }
            if self.only.is_some_and(|o| o != t) {
                continue;
            }
            let gain = if self.fast {
                plain_gain(lg, lh, l1, l2) + plain_gain(tg - lg, rh, l1, l2)
            } else {
                match s.children([lg, lh], lc as usize, [tg - lg, rh], (n - lc) as usize, l2, s.bounds_at(t, false)) {
                    Some((g, ..)) => g,
                    None => continue,
                }
            };
            if gain > best.gain {
                best.gain = gain;
                best.found = Some((gain, t, false, [lg, lh], lc));
            }
        }
    }
}

/// Which of up to 256 bins hold a non-zero sum.
struct Bits([u64; 4]);

impl Bits {
    fn filled(hist: &[Bin]) -> Bits {
        let mut words = [0u64; 4];
        for (w, chunk) in words.iter_mut().zip(hist.chunks(64)) {
            for (i, b) in chunk.iter().enumerate() {
                *w |= u64::from((b[0] != 0.0) | (b[1] != 0.0)) << i;
            }
        }
        Bits(words)
    }

    /// The filled bins in `lo..=hi`, from the top down.
    fn down(&self, lo: usize, hi: usize) -> impl Iterator<Item = usize> {
        let mut words = self.0;
        let keep = |w: usize| {
            let (first, last) = (w * 64, w * 64 + 63);
            let above = if hi >= last {
                u64::MAX
            } else if hi < first {
                0
            } else {
                u64::MAX >> (63 - (hi - first))
            };
            let below = if lo <= first {
                u64::MAX
            } else if lo > last {
                0
            } else {
                u64::MAX << (lo - first)
            };
            above & below
        };
        words.iter_mut().enumerate().for_each(|(w, x)| *x &= keep(w));
        let mut w = 3usize;
        std::iter::from_fn(move || loop {
            if words[w] != 0 {
                let b = 63 - words[w].leading_zeros() as usize;
                words[w] ^= 1 << b;
                return Some(w * 64 + b);
            }
            if w == 0 {
                return None;
            }
            w -= 1;
        })
    }

    /// The filled bins in `0..end`, from the bottom up.
    fn up(&self, end: usize) -> impl Iterator<Item = usize> {
        let mut words = self.0;
        for (w, x) in words.iter_mut().enumerate() {
            let first = w * 64;
            *x &= if end >= first + 64 {
                u64::MAX
            } else if end <= first {
                0
            } else {
                (1u64 << (end - first)) - 1
            };
        }
        let mut w = 0usize;
        std::iter::from_fn(move || loop {
            if words[w] != 0 {
                let b = words[w].trailing_zeros() as usize;
                words[w] &= words[w] - 1;
                return Some(w * 64 + b);
            }
            if w == 3 {
                return None;
            }
            w += 1;
        })
    }
}

/// A categorical scan's best so far: its raw gain, the category side's bins,
/// gradient and hessian sums and count, and the L2 it was scored with.
type CatBest = (f64, Vec<u8>, [f64; 2], i64, f64);

/// `draw(n)` gives extra_trees' random choice in `0..n` (`None` without it).
///
/// LightGBM's arithmetic, so that equal gains break as in LightGBM (a
/// categorical split and its complement often tie): the category side's
/// hessian starts at LightGBM's epsilon, the leaf's carries two, counts are
/// summed per bin, raw gains are compared, and without bounds or smoothing
/// a side's gain is the closed form.
fn categorical(
    feature: usize,
    hist: &[Bin],
    s: &Scan<'_>,
    draw: &mut dyn FnMut(usize) -> Option<usize>,
) -> Option<SplitInfo> {
    let p = s.p;
    let (tg, th, n) = (s.total.g, s.total.h + 2.0 * EPSILON, s.total.count as i64);
    let fast = s.monotone == 0 && s.bounds == Bounds::default() && p.path_smooth <= 0.0;
    let l1 = p.lambda_l1;
    // The gain of the category side `l` and the rest `r` (`None`: a constraint fails).
    let gain = |l: [f64; 2], lc: i64, r: [f64; 2], l2: f64| -> Option<f64> {
        if fast {
            return Some(plain_gain(r[0], r[1], l1, l2) + plain_gain(l[0], l[1], l1, l2));
        }
        let (g, ..) = s.children(l, lc as usize, r, (n - lc) as usize, l2, (s.bounds, s.bounds))?;
        Some(g)
    };
    let mut best: Option<CatBest> = None;
    let better = |best: &Option<CatBest>, g: f64| g > s.min_gain_shift && best.as_ref().is_none_or(|b| g > b.0);
    let used = hist.len();
    if used <= p.max_cat_to_onehot {
        // One category against the rest.
        let only = draw(used);
        for (c, b) in hist.iter().enumerate() {
            let cnt = round_count(b[1], s.cnt_factor);
            if cnt < p.min_data_in_leaf as i64 || b[1] < p.min_sum_hessian_in_leaf {
                continue;
            }
            let other_h = th - b[1] - EPSILON;
            if n - cnt < p.min_data_in_leaf as i64 || other_h < p.min_sum_hessian_in_leaf {
                continue;
            }
            if only.is_some_and(|o| o != c) {
                continue;
            }
            let l = [b[0], b[1] + EPSILON];
            if let Some(g) = gain(l, cnt, [tg - b[0], other_h], p.lambda_l2) {
                if better(&best, g) {
                    best = Some((g, vec![c as u8], l, cnt, p.lambda_l2));
                }
            }
        }
    } else {
        // Categories ordered by smoothed gradient ratio; prefixes from both ends.
        let mut order: Vec<usize> = (0..used).filter(|&c| s.count(hist[c][1]) as f64 >= p.cat_smooth).collect();
        let ratio = |c: usize| hist[c][0] / (hist[c][1] + p.cat_smooth);
        order.sort_by(|&a, &b| ratio(a).total_cmp(&ratio(b)));
        let k = order.len();
        let max_cats = p.max_cat_threshold.min(k.div_ceil(2));
        let l2 = p.lambda_l2 + p.cat_l2;
        // LightGBM's `NextInt(0, max_threshold)`: the last category of the left set.
        let only = draw(max_cats.min(k).saturating_sub(1));
        let (min_data, per_group) = (p.min_data_in_leaf as i64, p.min_data_per_group as i64);
        for reverse in [false, true] {
            let at = |i: usize| if reverse { order[k - 1 - i] } else { order[i] };
            let (mut lg, mut lh, mut lc, mut group) = (0.0, EPSILON, 0i64, 0i64);
            for i in 0..k.min(max_cats) {
                let b = hist[at(i)];
                let cnt = round_count(b[1], s.cnt_factor);
                lg += b[0];
                lh += b[1];
                lc += cnt;
                group += cnt;
                if lc < min_data || lh < p.min_sum_hessian_in_leaf {
                    continue;
                }
                let rc = n - lc;
                if rc < min_data || rc < per_group {
                    break;
                }
                let rh = th - lh;
                if rh < p.min_sum_hessian_in_leaf {
                    break;
                }
                if group < per_group {
                    continue;
                }
                group = 0;
                if only.is_some_and(|o| o != i) {
                    continue;
                }
                if let Some(g) = gain([lg, lh], lc, [tg - lg, rh], l2) {
                    if better(&best, g) {
                        best = Some((g, (0..=i).map(|j| at(j) as u8).collect(), [lg, lh], lc, l2));
                    }
                }
            }
        }
    }
    let (g, left_bins, l, lc, l2) = best?;
    let r = [tg - l[0], th - l[1]];
    let (lo, ro) =
        (s.output(l[0], l[1], lc as usize, l2, s.bounds), s.output(r[0], r[1], (n - lc) as usize, l2, s.bounds));
    Some(SplitInfo {
        gain: g - s.parent_gain,
        feature,
        threshold: 0,
        default_left: false,
        left_bins: Some(left_bins),
        // The sums as LightGBM passes them on: each side's hessian less its epsilon.
        left: Stats { g: l[0], h: l[1] - EPSILON, count: lc as usize },
        right: Stats { g: r[0], h: r[1] - EPSILON, count: (n - lc) as usize },
        left_output: lo,
        right_output: ro,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Split settings that let any split through (shared by the learner's tests).
    /// A split with only a feature, a gain and a threshold, for tests of what acts on gains.
    pub(crate) fn split_info(feature: usize, gain: f64, threshold: u8) -> SplitInfo {
        SplitInfo {
            gain,
            feature,
            threshold,
            default_left: false,
            left_bins: None,
            left: Stats::default(),
            right: Stats::default(),
            left_output: 0.0,
            right_output: 0.0,
        }
    }

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

    /// A numerical feature's mapper of `n_bins` bins, the last for missing values if `missing`.
    fn numeric_mapper(n_bins: usize, missing: bool) -> BinMapper {
        BinMapper::Numeric {
            upper: (0..n_bins - usize::from(missing)).map(|i| i as f64).collect(),
            missing_bin: missing.then_some((n_bins - 1) as u8),
            zero_bin: 0,
            range: [0.0, n_bins as f64],
            zero_missing: false,
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
        let s = best_split(0, &hist, &mapper, &leaf(total), &params(), None, None).unwrap();
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
        let s = best_split(0, &hist, &mapper, &leaf(total), &params(), None, None).unwrap();
        assert!(s.default_left);
        assert_eq!(s.left.count, 4);
    }

    #[test]
    fn limits_bound_each_threshold_and_missing_values_join_their_side() {
        // Bins 0..3 hold values, bin 3 the missing ones.
        let hist = [[-4.0, 2.0], [-2.0, 2.0], [2.0, 2.0], [-6.0, 2.0]];
        let mapper = BinMapper::Numeric {
            upper: vec![1.0, 2.0, f64::INFINITY],
            missing_bin: Some(3),
            zero_bin: 0,
            range: [0.0, 3.0],
            zero_missing: false,
        };
        let total = Stats { g: -10.0, h: 8.0, count: 8 };
        let free = best_split(0, &hist, &mapper, &leaf(total), &params(), None, None).unwrap();
        // Unbounded: missing values go left with bins 0 and 1 (gain 12^2/6 + 2^2/2 = 26 over
        // 10^2/4 = 25 for bin 0 alone).
        assert_eq!((free.threshold, free.default_left), (1, true));
        // The missing values pull their side up (output 3 alone): held to at most 0 wherever
        // they go, no split beats the leaf; held to at most 1.5, the best split keeps them left
        // with bins 0 and 1, clamped.
        let b = |min: f64, max: f64| Bounds { min, max };
        let unb = Bounds::default();
        let missing_at_most = |m: f64| Limits::ByThreshold {
            left: vec![unb; 3],
            right: vec![unb; 3],
            missing: Some(b(f64::NEG_INFINITY, m)),
        };
        assert!(best_split(0, &hist, &mapper, &leaf(total), &params(), Some(&missing_at_most(0.0)), None).is_none());
        let s = best_split(0, &hist, &mapper, &leaf(total), &params(), Some(&missing_at_most(1.5)), None).unwrap();
        assert_eq!((s.threshold, s.default_left, s.left_output), (1, true, 1.5));
        // -1 but for LightGBM's epsilon in the hessian sums.
        assert!((s.right_output + 1.0).abs() < 1e-12, "{}", s.right_output);
        // Per threshold: the right child of threshold 1 must stay below -5, which costs more
        // than its gain: threshold 0 wins.
        let limits = Limits::ByThreshold {
            left: vec![unb; 3],
            right: vec![unb, b(f64::NEG_INFINITY, -5.0), unb],
            missing: None,
        };
        let s = best_split(0, &hist, &mapper, &leaf(total), &params(), Some(&limits), None).unwrap();
        assert_eq!((s.threshold, s.default_left), (0, true), "threshold 1 is bounded, 0 is not");
        // Crossed bounds allow no split; Same bounds clamp both children.
        let crossed = Limits::Same(b(1.0, 0.0));
        assert!(best_split(0, &hist, &mapper, &leaf(total), &params(), Some(&crossed), None).is_none());
        let s = best_split(0, &hist, &mapper, &leaf(total), &params(), Some(&Limits::Same(b(0.0, 2.0))), None).unwrap();
        assert!((s.left_output - 2.0).abs() < 1e-12 && s.right_output == 0.0, "{s:?}");
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
        assert!(best_split(0, &hist, &mapper, &leaf(total), &p, None, None).is_none());
        p.monotone = vec![1];
        assert!(best_split(0, &hist, &mapper, &leaf(total), &p, None, None).is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Skipping a small leaf's empty bins picks the split that visiting every bin picks.
        #[test]
        fn skipping_empty_bins_changes_no_split(
            seed in 0u64..10_000,
            n_bins in 3usize..257,
            filled in 1usize..40,
            missing in proptest::bool::ANY,
            min_data in 1usize..6,
            monotone in -1i8..2,
        ) {
            let mut rng = Rng::new(seed);
            let mut hist = vec![[0.0f64; 2]; n_bins];
            let mut total = Stats::default();
            for _ in 0..filled {
                // The edges (first bins, the top value bin, the missing bin) often, the rest at random.
                let b = match rng.below(6) {
                    0 => 0,
                    1 => 1,
                    2 => n_bins - 1,
                    3 => n_bins - 2,
                    _ => rng.below(n_bins),
                };
                let rows = 1 + rng.below(3);
                for _ in 0..rows {
                    let (g, h) = (rng.normal(), 0.1 + rng.uniform());
                    hist[b][0] += g;
                    hist[b][1] += h;
                    total.g += g;
                    total.h += h;
                    total.count += 1;
                }
            }
            let mapper = numeric_mapper(n_bins, missing);
            let mut p = params();
            p.min_data_in_leaf = min_data;
            p.monotone = vec![monotone];
            let th = total.h + 2.0 * EPSILON;
            let scan = Scan {
                p: &p,
                total,
                bounds: Bounds::default(),
                by_threshold: None,
                min_gain_shift: plain_gain(total.g, th, 0.0, 0.0),
                parent_gain: plain_gain(total.g, th, 0.0, 0.0),
                cnt_factor: total.count as f64 / th,
                monotone,
                parent_output: 0.0,
            };
            let BinMapper::Numeric { missing_bin, .. } = mapper else { unreachable!() };
            let all = numeric_scan(0, &hist, missing_bin, &scan, None, false, None);
            let some = numeric_scan(0, &hist, missing_bin, &scan, None, true, None);
            proptest::prop_assert_eq!(all, some);
        }

        /// Scanning features in lanes picks, for each, the split that scanning
        /// it alone picks, bit for bit: on gains that tie often (gradients and
        /// hessians from a few values), empty bins, rows of zero hessian, and
        /// every stopping rule. (Without AVX-512 both sides scan alone.)
        #[test]
        fn lane_scans_pick_the_splits_of_scalar_scans(
            seed in 0u64..10_000,
            n_features in 1usize..10,
            rows in 1usize..3000,
            min_data in 0usize..30,
            min_hess in proptest::sample::select(vec![0.0, 1e-3, 1.0]),
            l2 in proptest::sample::select(vec![0.0, 1.0]),
            min_gain in proptest::sample::select(vec![0.0, 0.5]),
        ) {
            let mut rng = Rng::new(seed);
            let gh: Vec<[f64; 2]> =
                (0..rows).map(|_| [0.5 * rng.below(5) as f64 - 1.0, [0.0, 0.25, 1.0][rng.below(3)]]).collect();
            let mut total = Stats { count: rows, ..Stats::default() };
            gh.iter().for_each(|&[g, h]| (total.g, total.h) = (total.g + g, total.h + h));
            let (mut hists, mut mappers) = (Vec::new(), Vec::new());
            for _ in 0..n_features {
                let missing = rng.below(3) == 0;
                let n_bins = 3 + rng.below(254);
                // Rows crowd into a few bins, or spread over all of them.
                let spread = if rng.below(2) == 0 { n_bins } else { 1 + rng.below(8) };
                let mut hist = vec![[0.0f64; 2]; n_bins];
                for &[g, h] in &gh {
                    let b = rng.below(spread) * (n_bins / spread);
                    hist[b][0] += g;
                    hist[b][1] += h;
                }
                hists.push(hist);
                mappers.push(numeric_mapper(n_bins, missing));
            }
            let mut p = params();
            (p.min_data_in_leaf, p.min_sum_hessian_in_leaf, p.lambda_l2, p.min_gain_to_split) = (min_data, min_hess, l2, min_gain);
            let leaf = leaf(total);
            let mut downs = vec![None; n_features];
            let features = hists.iter().zip(&mappers).enumerate().map(|(f, (h, m))| (f, f, &h[..], m));
            lane_scans(&leaf, &p, features, &mut downs);
            for f in 0..n_features {
                let alone = best_split(f, &hists[f], &mappers[f], &leaf, &p, None, None);
                let given = best_split(f, &hists[f], &mappers[f], &leaf, &p, None, downs[f]);
                proptest::prop_assert_eq!(alone, given, "feature {}", f);
            }
        }
    }
}
