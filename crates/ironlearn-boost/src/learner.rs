//! Growing one tree, leaf by leaf.
//!
//! The leaf with the largest gain is split next (LightGBM's leaf-wise
//! growth). Each leaf owns a contiguous range of one row-index buffer; a split
//! partitions that range stably, so row order (and every sum) is the same
//! whatever the thread count. Only the smaller child's histogram is built;
//! the larger one is the parent's minus the smaller's.
//!
//! Histograms cover every feature of the tree, as subtraction needs; the
//! features a node may split on can be fewer (LightGBM's
//! `feature_fraction_bynode` and `interaction_constraints`), drawn from a
//! stream seeded by the tree and the node, never by the thread that runs it.
//!
//! LightGBM's optional split rules (`split_rules.rs`) act on each feature's
//! best split: gain factors and costs, which may stop a tree early, and the
//! "intermediate"/"advanced" monotone bounds (`monotone.rs`), which change as
//! the tree grows and send leaves whose bounds changed back to the search.

use ironlearn_core::Rng;
use rayon::prelude::*;

use crate::binning::{BinMapper, Binned};
use crate::cegb::Usage;
use crate::forced_splits::{ForcedSplit, Forcing, LeafRows};
use crate::histogram::{self, Bin};
use crate::monotone::{Made, Method, Tracker};
use crate::partition::partition;
use crate::phases::Phases;
use crate::split::{self, best_split, leaf_output, Bounds, LeafContext, SplitInfo, SplitParams, Stats};
use crate::split_lanes::LaneFound;
use crate::split_rules::SplitRules;
use crate::tree::{decision, Tree};

/// What the learner needs besides the data.
#[derive(Debug, Clone)]
pub struct LearnerParams {
    pub split: SplitParams,
    pub num_leaves: usize,
    /// 0 = unlimited.
    pub max_depth: usize,
    /// The fraction of the tree's features each node may split on.
    pub feature_fraction_bynode: f64,
    /// Per interaction constraint, whether it holds each feature; empty = unconstrained.
    pub interaction_constraints: Vec<Vec<bool>>,
    /// Seeds the per-node feature sampling.
    pub seed: u64,
    /// Seeds extra_trees' thresholds.
    pub extra_seed: u64,
    /// The splits every tree starts with (forcedsplits_filename).
    pub forced: Option<std::sync::Arc<ForcedSplit>>,
    /// Gain factors, CEGB's costs and the monotone method.
    pub rules: SplitRules,
}

impl LearnerParams {
    /// Whether a tree needs what the trees before it did ([`Carry`]): they must grow one after the other.
    pub fn trees_share_state(&self) -> bool {
        self.rules.cegb.is_some()
    }

    /// Whether nodes may split on fewer features than their tree has.
    fn per_node(&self) -> bool {
        self.feature_fraction_bynode < 1.0 || !self.interaction_constraints.is_empty()
    }

    /// The features leaf `leaf` may split on, `None` when all the tree's
    /// (LightGBM's `ColSampler::GetByNode`): those sharing an interaction
    /// constraint with every feature on the branch, then a sample of
    /// `round(fraction * tree features)` of them.
    fn node_features(&self, features: &[bool], leaf: &Leaf, tree: u64) -> Option<Vec<bool>> {
        if !self.per_node() {
            return None;
        }
        let allowed = |f: usize| {
            self.interaction_constraints.is_empty()
                || leaf.branch.contains(&f)
                || self.interaction_constraints.iter().any(|c| c[f] && leaf.branch.iter().all(|&b| c[b]))
        };
        let mut pick: Vec<usize> = (0..features.len()).filter(|&f| features[f] && allowed(f)).collect();
        let mut mask = vec![false; features.len()];
        if self.feature_fraction_bynode < 1.0 {
            let in_tree = features.iter().filter(|&&f| f).count();
            let take = ((in_tree as f64 * self.feature_fraction_bynode).round() as usize).max(in_tree.min(1));
            let mut rng = Rng::new(self.seed).fork(0xB7_0DE0_0000_0000 ^ tree).fork(leaf.node);
            rng.shuffle(&mut pick);
            pick.truncate(take);
        }
        pick.iter().for_each(|&f| mask[f] = true);
        Some(mask)
    }
}

/// A split in bin space, to route binned rows (validation and out-of-bag data).
#[derive(Debug, Clone)]
pub struct BinnedSplit {
    pub feature: usize,
    pub threshold: u8,
    pub default_left: bool,
    pub missing_bin: Option<u8>,
    /// Categorical: per bin, whether it goes left.
    pub left_bins: Option<Vec<bool>>,
}

impl BinnedSplit {
    #[inline]
    pub fn go_left(&self, bin: u8) -> bool {
        match &self.left_bins {
            Some(l) => l[bin as usize],
            None if Some(bin) == self.missing_bin => self.default_left,
            None => bin <= self.threshold,
        }
    }

    /// Per bin, 1 if it goes left (bins a categorical feature does not have go right).
    pub fn table(&self) -> [u8; 256] {
        std::array::from_fn(|b| match &self.left_bins {
            Some(l) => u8::from(l.get(b).copied().unwrap_or(false)),
            None => u8::from(self.go_left(b as u8)),
        })
    }
}

/// A grown tree with its routing in bin space and each leaf's rows.
#[derive(Debug)]
pub struct Grown {
    pub tree: Tree,
    pub splits: Vec<BinnedSplit>,
    /// Leaf `i` holds `rows[leaf_ranges[i].0..leaf_ranges[i].1]`.
    pub leaf_ranges: Vec<(usize, usize)>,
}

impl Grown {
    /// The leaf of row `r` of binned data.
    #[inline]
    pub fn leaf_of(&self, data: &Binned, r: usize) -> usize {
        let t = &self.tree;
        if self.splits.is_empty() {
            return 0;
        }
        let mut node = 0i32;
        while node >= 0 {
            let n = node as usize;
            let s = &self.splits[n];
            node = if s.go_left(data.get(r, s.feature)) { t.left_child[n] } else { t.right_child[n] };
        }
        !node as usize
    }
}

struct Leaf {
    start: usize,
    end: usize,
    stats: Stats,
    depth: usize,
    bounds: Bounds,
    hist: Option<Vec<Bin>>,
    best: Option<SplitInfo>,
    /// The output found when the leaf was made (path smoothing pulls its children toward it).
    output: f64,
    /// A number unique in the tree: the root is 0, split `k`'s children `2k + 1` and `2k + 2`.
    node: u64,
    /// The features split on above the leaf (kept under interaction constraints only).
    branch: Vec<usize>,
    /// Per feature, whether a search at this leaf or above found no split
    /// passing the limits and the leaf's own gain: as LightGBM, such a
    /// feature is not searched again below (with `lambda_l2` or `cat_l2` a
    /// subset could pass, so this decides which trees are grown).
    unsplittable: Vec<bool>,
}

impl Leaf {
    /// The split search's view of the leaf; `tree` seeds extra_trees.
    fn context(&self, p: &LearnerParams, tree: u64) -> LeafContext {
        let seed = if p.split.extra_trees { Rng::new(p.extra_seed).fork(tree).fork(self.node).next_u64() } else { 0 };
        LeafContext { total: self.stats, bounds: self.bounds, output: self.output, seed }
    }
}

/// Buffers kept from one tree to the next: a wide data set's histograms take
/// megabytes each, and fresh ones would be zeroed page by page every tree.
#[derive(Debug, Default)]
pub struct Scratch {
    hists: Vec<Vec<Bin>>,
    gathered: Vec<[f32; 2]>,
    partition: Vec<u32>,
}

/// What a model's trees pass on to the next: the features and rows CEGB's
/// costs were paid for (nothing without CEGB).
#[derive(Debug, Default)]
pub struct Carry {
    usage: Option<Usage>,
}

/// The tree-wide part of a leaf's split search.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    data: &'a Binned,
    mappers: &'a [BinMapper],
    p: &'a LearnerParams,
    features: &'a [bool],
    tree_id: u64,
}

/// What a leaf's search reads of the tree grown so far.
#[derive(Clone, Copy)]
struct View<'a> {
    rows: &'a [u32],
    tracker: Option<&'a Tracker>,
    usage: Option<&'a Usage>,
}

/// A leaf's search: its best split, and (for CEGB's coupled costs) each feature's before costs.
struct Found {
    best: Option<SplitInfo>,
    kept: Vec<Option<SplitInfo>>,
    /// The features this search found unsplittable (`Leaf::unsplittable`).
    unsplittable: Vec<usize>,
}

/// One feature's search at a leaf: `None` if not searched (outside the
/// node's features, or unsplittable above), else its best split, or
/// [`Unsplittable`].
type Search = Option<Result<Candidate, Unsplittable>>;

/// No split of the feature passed the limits and the leaf's gain.
struct Unsplittable;

/// Grows one tree on `rows` (partitioned in place) with gradients `gh`;
/// `tree` (unique per tree of a model) seeds its random choices; `carry`
/// passes what the model's trees share to the next one.
#[allow(clippy::too_many_arguments)]
pub fn grow(
    data: &Binned,
    mappers: &[BinMapper],
    p: &LearnerParams,
    features: &[bool],
    rows: &mut [u32],
    gh: &[[f32; 2]],
    buffers: &mut Scratch,
    ph: &mut Phases,
    tree_id: u64,
    carry: &mut Carry,
) -> Grown {
    let Scratch { hists: pool, gathered, partition: scratch } = buffers;
    let ctx = Ctx { data, mappers, p, features, tree_id };
    let rules = &p.rules;
    if let Some(c) = &rules.cegb {
        carry.usage.get_or_insert_with(|| Usage::new(c, data.n_features, data.n_rows));
    }
    let adjusted = rules.adjusts_gain();
    // CEGB's coupled costs: per leaf, each feature's best split before costs.
    let mut kept: Vec<Vec<Option<SplitInfo>>> = Vec::new();
    let keep = |kept: &mut Vec<Vec<Option<SplitInfo>>>, leaf: &mut Leaf, li: usize, found: &mut Found| {
        found.unsplittable.iter().for_each(|&f| leaf.unsplittable[f] = true);
        leaf.best = found.best.take();
        if !found.kept.is_empty() {
            kept.resize(kept.len().max(li + 1), Vec::new());
            kept[li] = std::mem::take(&mut found.kept);
        }
    };
    let numerical: Vec<bool> = mappers.iter().map(|m| matches!(m, BinMapper::Numeric { .. })).collect();
    let take = |pool: &mut Vec<Vec<Bin>>| pool.pop().unwrap_or_else(|| vec![[0.0; 2]; data.total_bins]);
    let mut root_hist = take(pool);
    let full = rows.len() == data.n_rows;
    let used = features.iter().filter(|&&f| f).count() as u64;
    ph.count("hist rows", rows.len() as u64);
    ph.count("hist updates", rows.len() as u64 * used);
    let sums = ph.time("histogram", || {
        histogram::build(data, (!full).then_some(&*rows), gh, features, &mut root_hist, gathered)
    });
    let root_stats = Stats { g: sums[0], h: sums[1], count: rows.len() };
    let root_output = leaf_output(root_stats.g, root_stats.h, p.split.lambda_l1, p.split.lambda_l2, Bounds::default());
    let mut tree = Tree::leaf(root_output, rows.len() as f64);
    // Hessian sums, as LightGBM records them (`leaf_weight`, `internal_weight`).
    tree.leaf_weight = vec![root_stats.h];
    let mut tracker = (rules.monotone_method != Method::Basic).then(|| {
        let n_bins = (0..data.n_features).map(|f| (data.offsets[f + 1] - data.offsets[f]) as u32).collect();
        let missing = mappers.iter().map(|m| matches!(m, BinMapper::Numeric { missing_bin: Some(_), .. })).collect();
        Tracker::new(rules.monotone_method, &p.split.monotone, n_bins, missing, root_output)
    });
    let mut splits = Vec::new();
    let mut leaves = vec![Leaf {
        start: 0,
        end: rows.len(),
        stats: root_stats,
        depth: 0,
        bounds: Bounds::default(),
        best: None,
        hist: Some(root_hist),
        output: root_output,
        node: 0,
        branch: Vec::new(),
        unsplittable: vec![false; data.n_features],
    }];
    let mut found = ph.time("find split", || {
        find_best(ctx, View { rows, tracker: tracker.as_ref(), usage: carry.usage.as_ref() }, &leaves[0], 0)
    });
    keep(&mut kept, &mut leaves[0], 0, &mut found);
    let mut n_splits = 0u64;
    let mut forcing = Forcing::new(p.forced.as_deref());
    while leaves.len() < p.num_leaves {
        // Forced splits first (forced_splits.rs), breadth-first; then the leaf with the largest gain
        // (the lowest index on ties).
        let forced = forcing.next(leaves.len(), data, mappers, gh, &p.split, |i| {
            let l = &leaves[i];
            LeafRows { rows: &rows[l.start..l.end], stats: l.stats, bounds: l.bounds, output: l.output }
        });
        let forced_leaf = forced.map(|(i, s)| {
            leaves[i].best = Some(s);
            i
        });
        let Some(li) = forced_leaf.or_else(|| {
            (0..leaves.len()).filter(|&i| leaves[i].best.is_some()).max_by(|&a, &b| {
                let (ga, gb) = (leaves[a].best.as_ref().unwrap().gain, leaves[b].best.as_ref().unwrap().gain);
                ga.total_cmp(&gb).then(b.cmp(&a))
            })
        }) else {
            break;
        };
        // Under gain rules a leaf's best may have no gain left: LightGBM then stops the tree.
        if adjusted
            && forced_leaf.is_none()
            && leaves[li].best.as_ref().is_some_and(|b| b.gain <= p.split.min_gain_to_split)
        {
            break;
        }
        let split = leaves[li].best.take().expect("filtered on Some");
        if let (Some(c), Some(u)) = (&rules.cegb, carry.usage.as_mut()) {
            // The split pays for its feature: other leaves' splits on it may now win.
            let l = &leaves[li];
            for (i, s) in c.pay(split.feature, li, &rows[l.start..l.end], u, &mut kept) {
                if leaves[i].best.as_ref().is_some_and(|b| beats(&s, b)) {
                    leaves[i].best = Some(s);
                }
            }
        }
        let mapper = &mappers[split.feature];
        let bsplit = BinnedSplit {
            feature: split.feature,
            threshold: split.threshold,
            default_left: split.default_left,
            missing_bin: match mapper {
                BinMapper::Numeric { missing_bin, .. } => *missing_bin,
                BinMapper::Categorical { .. } => None,
            },
            left_bins: split.left_bins.as_ref().map(|lb| {
                let mut v = vec![false; mapper.n_bins()];
                lb.iter().for_each(|&b| v[b as usize] = true);
                v
            }),
        };
        let (start, end) = (leaves[li].start, leaves[li].end);
        ph.count("partition rows", (end - start) as u64);
        let n_left = ph.time("partition", || partition(&mut rows[start..end], data, &bsplit, scratch));
        let mid = start + n_left;
        // Record the split in the tree.
        let (thr, dec, bits) = match (mapper, &split.left_bins) {
            (BinMapper::Categorical { categories, .. }, Some(lb)) => {
                let max = lb.iter().map(|&b| categories[b as usize]).max().unwrap_or(0) as usize;
                let mut words = vec![0u32; max / 32 + 1];
                lb.iter().for_each(|&b| {
                    let c = categories[b as usize] as usize;
                    words[c / 32] |= 1 << (c % 32);
                });
                (0.0, decision::CATEGORICAL, Some(words))
            }
            _ => {
                let mut d = 0;
                if bsplit.missing_bin.is_some() {
                    let zeros = matches!(mapper, BinMapper::Numeric { zero_missing: true, .. });
                    d |= if zeros { decision::MISSING_ZERO } else { decision::MISSING_NAN };
                }
                if split.default_left {
                    d |= decision::DEFAULT_LEFT;
                }
                (mapper.upper_bound(split.threshold), d, None)
            }
        };
        let right_leaf = tree.split(
            li,
            split.feature as u32,
            thr,
            dec,
            split.gain,
            (split.left_output, (mid - start) as f64),
            (split.right_output, (end - mid) as f64),
            bits,
        );
        debug_assert_eq!(right_leaf, leaves.len());
        let parent_weight = tree.leaf_weight[li];
        tree.internal_weight.push(parent_weight);
        tree.leaf_weight[li] = split.left.h;
        tree.leaf_weight.push(split.right.h);
        splits.push(bsplit);
        // Children's bounds under monotone constraints ("basic" method).
        let mono = p.split.monotone.get(split.feature).copied().unwrap_or(0);
        let parent_bounds = leaves[li].bounds;
        let (mut lb, mut rb) = (parent_bounds, parent_bounds);
        if mono != 0 && tracker.is_none() {
            let m = (split.left_output + split.right_output) / 2.0;
            if mono > 0 {
                lb.max = lb.max.min(m);
                rb.min = rb.min.max(m);
            } else {
                lb.min = lb.min.max(m);
                rb.max = rb.max.min(m);
            }
        }
        let depth = leaves[li].depth + 1;
        let left_smaller = mid - start <= end - mid;
        let (s0, s1) = if left_smaller { (start, mid) } else { (mid, end) };
        // The last split's children are never split: only their sums are needed.
        let last = leaves.len() + 1 == p.num_leaves;
        let hists = if last {
            pool.extend(leaves[li].hist.take());
            None
        } else {
            // A splittable leaf keeps its histogram; a forced split's leaf may have given it back.
            let parent_hist = leaves[li].hist.take().unwrap_or_else(|| {
                let mut h = take(pool);
                histogram::build(data, Some(&rows[start..end]), gh, features, &mut h, gathered);
                h
            });
            // The larger child keeps the parent's histogram, from which the
            // smaller one's is subtracted once that is built (`split_children`).
            let small_hist = take(pool);
            Some(if left_smaller { (small_hist, parent_hist) } else { (parent_hist, small_hist) })
        };
        // The smaller child's gradients in row order (after the parent's
        // histogram, which uses the same scratch), and their exact sums.
        let small_mode = histogram::mode(data, Some(&rows[s0..s1]));
        let (small_sums, small_gh) =
            ph.time("gather", || histogram::gather(small_mode, Some(&rows[s0..s1]), gh, gathered));
        let (left_hist, right_hist) = hists.unzip();
        // As LightGBM, the children's sums are those the split search found
        // (each hessian less LightGBM's epsilon); the counts are the rows'.
        let left = Stats { g: split.left.g, h: split.left.h, count: mid - start };
        let right = Stats { g: split.right.g, h: split.right.h, count: end - mid };
        let mut branch = Vec::new();
        if !p.interaction_constraints.is_empty() {
            branch = leaves[li].branch.clone();
            branch.push(split.feature);
        }
        let node = 2 * n_splits + 1;
        n_splits += 1;
        let unsplittable = std::mem::take(&mut leaves[li].unsplittable);
        leaves[li] = Leaf {
            start,
            end: mid,
            stats: left,
            depth,
            bounds: lb,
            hist: left_hist,
            best: None,
            output: split.left_output,
            node,
            branch: branch.clone(),
            unsplittable: unsplittable.clone(),
        };
        leaves.push(Leaf {
            start: mid,
            end,
            stats: right,
            depth,
            bounds: rb,
            hist: right_hist,
            best: None,
            output: split.right_output,
            node: node + 1,
            branch,
            unsplittable,
        });
        // "intermediate"/"advanced": the leaves facing the new ones get tighter bounds.
        let changed = match tracker.as_mut() {
            Some(t) => {
                let made = Made {
                    leaf: li,
                    new_leaf: right_leaf,
                    feature: split.feature,
                    threshold: u32::from(split.threshold),
                    numerical: split.left_bins.is_none(),
                    missing_left: splits[splits.len() - 1].missing_bin.map(|_| split.default_left),
                    left_output: split.left_output,
                    right_output: split.right_output,
                };
                t.split(&made, &|j| leaves[j].best.is_some())
            }
            None => Vec::new(),
        };
        if last {
            break;
        }
        let new = [li, leaves.len() - 1];
        let (small, large) = if left_smaller { (new[0], new[1]) } else { (new[1], new[0]) };
        if let Some(t) = tracker.as_mut() {
            new.iter().for_each(|&i| t.refresh(i, features, &numerical));
        }
        let mut large_hist = leaves[large].hist.take().expect("the larger child holds the parent's histogram");
        let mut small_hist = leaves[small].hist.take().expect("the smaller child has a histogram buffer");
        ph.count("hist rows", (s1 - s0) as u64);
        ph.count("hist updates", (s1 - s0) as u64 * used);
        let view = View { rows, tracker: tracker.as_ref(), usage: carry.usage.as_ref() };
        let children = Children {
            small: (&leaves[small], small),
            large: (&leaves[large], large),
            rows: &rows[s0..s1],
            mode: small_mode,
            gradients: small_gh,
            sums: small_sums,
        };
        let (small_found, large_found) =
            ph.time("histogram and search", || split_children(ctx, view, &children, &mut small_hist, &mut large_hist));
        leaves[small].hist = Some(small_hist);
        leaves[large].hist = Some(large_hist);
        let found = if left_smaller { [small_found, large_found] } else { [large_found, small_found] };
        for (&i, mut f) in new.iter().zip(found) {
            keep(&mut kept, &mut leaves[i], i, &mut f);
            if leaves[i].best.is_none() {
                if let Some(h) = leaves[i].hist.take() {
                    pool.push(h);
                }
            }
        }
        // Leaves whose bounds changed search again (LightGBM's RecomputeBestSplitForLeaf).
        for i in changed {
            if let Some(t) = tracker.as_mut() {
                t.refresh(i, features, &numerical);
            }
            let mut f = ph.time("find split", || {
                find_best(ctx, View { rows, tracker: tracker.as_ref(), usage: carry.usage.as_ref() }, &leaves[i], i)
            });
            keep(&mut kept, &mut leaves[i], i, &mut f);
            if leaves[i].best.is_none() {
                pool.extend(leaves[i].hist.take());
            }
        }
    }
    // As LightGBM, a leaf keeps the output its split search found (with
    // `cat_l2` below a categorical split, smoothed toward its parent, from
    // the sums with LightGBM's epsilons), within bounds tightened since
    // ("intermediate"/"advanced"), but for a monotone split's leaves, whose
    // outputs other leaves were bounded by.
    for (i, l) in leaves.iter_mut().enumerate() {
        pool.extend(l.hist.take());
        let kept = tracker.as_ref().is_some_and(|t| t.in_monotone_subtree(i));
        tree.leaf_value[i] = if kept { l.output } else { l.bounds.clamp(l.output) };
        tree.leaf_count[i] = l.stats.count as f64;
    }
    Grown { tree, splits, leaf_ranges: leaves.iter().map(|l| (l.start, l.end)).collect() }
}

/// Whether a leaf may be split at all (depth and size limits).
fn splittable(p: &LearnerParams, leaf: &Leaf) -> bool {
    !((p.max_depth > 0 && leaf.depth >= p.max_depth) || leaf.stats.count < 2 * p.split.min_data_in_leaf.max(1))
}

/// A range of features with its slices of the smaller and the larger child's histograms.
type Piece<'h> = (std::ops::Range<usize>, &'h mut [Bin], &'h mut [Bin]);

/// A split's two children, as [`split_children`] sees them.
struct Children<'a> {
    small: (&'a Leaf, usize),
    large: (&'a Leaf, usize),
    /// The smaller child's rows, how its histogram is summed, its gradients
    /// as `histogram::gather` gave them for that mode, and their sums.
    rows: &'a [u32],
    mode: histogram::Mode,
    gradients: &'a [[f32; 2]],
    sums: Bin,
}

/// Both children of a split, in one parallel region: each task takes a
/// range of features, sums the smaller child's histogram for them,
/// subtracts it from the parent's (in place: the larger child's), and
/// searches both children on those features. A feature's bins are then
/// searched on the core that summed them, while in its cache, and the pool
/// forks once per split, not four times (which cost as much as the work on
/// small leaves). Nothing is subtracted or searched for a child that cannot
/// split. Each feature's sums and search depend on the data only, and the
/// candidates are compared in feature order, so the result depends neither
/// on the ranges nor on the thread count.
fn split_children(
    ctx: Ctx<'_>,
    view: View<'_>,
    c: &Children<'_>,
    small_hist: &mut [Bin],
    large_hist: &mut [Bin],
) -> (Found, Found) {
    let Ctx { data, p, features, tree_id, .. } = ctx;
    let none = || Found { best: None, kept: Vec::new(), unsplittable: Vec::new() };
    let (small_ok, large_ok) = (splittable(p, c.small.0), splittable(p, c.large.0));
    if !small_ok && !large_ok {
        return (none(), none());
    }
    // Per child, `None` if it cannot split, else the features its node may split on (`None`: the tree's).
    let masks =
        [(small_ok, c.small.0), (large_ok, c.large.0)].map(|(ok, l)| ok.then(|| p.node_features(features, l, tree_id)));
    // (Both children inherit the parent's unsplittable features.)
    let searches = |m: &Option<Option<Vec<bool>>>, f: usize| {
        !c.small.0.unsplittable[f] && m.as_ref().is_some_and(|m| m.as_ref().map_or(features[f], |m| m[f]))
    };
    let (small_ctx, large_ctx) = (c.small.0.context(p, tree_id), c.large.0.context(p, tree_id));
    let mode = c.mode;
    let used = features.iter().filter(|&&f| f).count();
    let work = c.rows.len() * used
        + histogram::SEARCH_COST * data.total_bins * (usize::from(small_ok) + usize::from(large_ok));
    let parallel = work >= PARALLEL_SPLIT_WORK;
    let tasks = if parallel { rayon::current_num_threads() } else { 1 };
    let groups = histogram::feature_groups(data, mode, tasks, c.rows.len());
    let large_pieces = histogram::split_groups(data, groups.clone(), large_hist);
    let pieces: Vec<Piece<'_>> = histogram::split_groups(data, groups, small_hist)
        .into_iter()
        .zip(large_pieces)
        .map(|((range, hs), (_, hl))| (range, hs, hl))
        .collect();
    let one = |(range, hs, hl): Piece<'_>| {
        histogram::build_range(data, mode, Some(c.rows), c.gradients, c.sums, features, range.clone(), hs);
        let base = data.offsets[range.start];
        let bins = |f: usize| data.offsets[f] - base..data.offsets[f + 1] - base;
        let mut found = (Vec::with_capacity(range.len()), Vec::with_capacity(range.len()));
        // A batch of features is subtracted, then searched while in cache.
        let end = range.end;
        for batch in range.step_by(BATCH).map(|f| f..(f + BATCH).min(end)) {
            if large_ok {
                batch
                    .clone()
                    .filter(|&f| features[f])
                    .for_each(|f| histogram::subtract(&mut hl[bins(f)], &hs[bins(f)]));
            }
            let (small, large) = (c.small, c.large);
            // Numerical scans in lanes where no tracker bounds the children (`split::lane_scans`).
            let mut downs = [[None; BATCH]; 2];
            if view.tracker.is_none() {
                for (m, (ctx_m, h)) in [(&small_ctx, &*hs), (&large_ctx, &*hl)].into_iter().enumerate() {
                    let fs = batch.clone().filter(|&f| searches(&masks[m], f));
                    let fs = fs.map(|f| (f - batch.start, f, &h[bins(f)], &ctx.mappers[f]));
                    split::lane_scans(ctx_m, &p.split, fs, &mut downs[m]);
                }
            }
            for f in batch.clone() {
                let d = |m: usize| downs[m][f - batch.start];
                found.0.push(if searches(&masks[0], f) {
                    candidate(ctx, view, small.0, small.1, &small_ctx, f, &hs[bins(f)], d(0))
                } else {
                    None
                });
                found.1.push(if searches(&masks[1], f) {
                    candidate(ctx, view, large.0, large.1, &large_ctx, f, &hl[bins(f)], d(1))
                } else {
                    None
                });
            }
        }
        found
    };
    let found: Vec<_> =
        if parallel { pieces.into_par_iter().map(one).collect() } else { pieces.into_iter().map(one).collect() };
    let (small, large): (Vec<_>, Vec<_>) = found.into_iter().unzip();
    let small = if small_ok { gather(ctx, small.into_iter().flatten()) } else { none() };
    let large = if large_ok { gather(ctx, large.into_iter().flatten()) } else { none() };
    (small, large)
}

/// The higher-gain split; ties go to the first (the lower feature index).
fn better(best: Option<SplitInfo>, c: SplitInfo) -> Option<SplitInfo> {
    match best {
        Some(b) if b.gain >= c.gain => Some(b),
        _ => Some(c),
    }
}

/// Whether `a` beats `b` as LightGBM compares splits: the higher gain, then the lower feature.
fn beats(a: &SplitInfo, b: &SplitInfo) -> bool {
    a.gain > b.gain || (a.gain == b.gain && a.feature < b.feature)
}

/// One feature's best split under the tree's rules, and (CEGB) the same before costs.
type Candidate = (SplitInfo, Option<SplitInfo>);

/// Feature `f`'s search from its histogram `h`; `down` is its first
/// numerical scan when that was made in lanes (`split::lane_scans`).
#[allow(clippy::too_many_arguments)]
fn candidate(
    ctx: Ctx<'_>,
    view: View<'_>,
    leaf: &Leaf,
    li: usize,
    lctx: &LeafContext,
    f: usize,
    h: &[Bin],
    down: Option<LaneFound>,
) -> Search {
    let p = ctx.p;
    let limits = view.tracker.map(|t| t.limits(li, f));
    let Some(s) = best_split(f, h, &ctx.mappers[f], lctx, &p.split, limits.as_ref(), down) else {
        return Some(Err(Unsplittable));
    };
    if !p.rules.adjusts_gain() {
        return Some(Ok((s, None)));
    }
    let mono = p.split.monotone.get(f).copied().unwrap_or(0);
    let rows = &view.rows[leaf.start..leaf.end];
    Some(Ok(p.rules.apply(s, p.split.min_gain_to_split, mono, leaf.depth, rows, view.usage)))
}

/// The best of a leaf's searches, in feature order (one per feature).
fn gather(ctx: Ctx<'_>, searches: impl Iterator<Item = Search>) -> Found {
    let keep = ctx.p.rules.cegb.as_ref().is_some_and(|c| c.keeps_splits());
    let mut kept = if keep { vec![None; ctx.data.n_features] } else { Vec::new() };
    let (mut best, mut unsplittable) = (None, Vec::new());
    for (f, search) in searches.enumerate() {
        let (s, k) = match search {
            Some(Ok(c)) => c,
            Some(Err(Unsplittable)) => {
                unsplittable.push(f);
                continue;
            }
            None => continue,
        };
        if let Some(k) = k {
            let f = k.feature;
            kept[f] = Some(k);
        }
        best = better(best, s);
    }
    Found { best, kept, unsplittable }
}

fn find_best(ctx: Ctx<'_>, view: View<'_>, leaf: &Leaf, li: usize) -> Found {
    let Ctx { data, p, features, tree_id, .. } = ctx;
    let none = || Found { best: None, kept: Vec::new(), unsplittable: Vec::new() };
    if !splittable(p, leaf) {
        return none();
    }
    let Some(hist) = leaf.hist.as_ref() else { return none() };
    let node_features = p.node_features(features, leaf, tree_id);
    let features = node_features.as_deref().unwrap_or(features);
    let lctx = leaf.context(p, tree_id);
    let one = |f: usize| {
        if !features[f] || leaf.unsplittable[f] {
            return None;
        }
        let h = &hist[data.offsets[f]..data.offsets[f + 1]];
        candidate(ctx, view, leaf, li, &lctx, f, h, None)
    };
    // A few thousand bins are scanned in microseconds: fewer are not worth a task each.
    if data.total_bins < PARALLEL_SPLIT_BINS {
        return gather(ctx, (0..data.n_features).map(one));
    }
    let candidates: Vec<Search> = (0..data.n_features).into_par_iter().map(one).collect();
    gather(ctx, candidates.into_iter())
}

/// Features of a split's children subtracted and then searched together
/// (four lane scans, `split_lanes.rs`): few enough that their bins stay in cache.
const BATCH: usize = 32;

/// Histogram bins from which a leaf's features are searched in parallel.
const PARALLEL_SPLIT_BINS: usize = 4096;

/// Work (row updates; see `histogram::SEARCH_COST`) from which a split's
/// children are built and searched in parallel: a few microseconds, now
/// that the other threads spin through a round (`warm_pool.rs`). (Below
/// that, as on the 120-450-row sets, a region cost more than it saved.)
const PARALLEL_SPLIT_WORK: usize = 4 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(node: u64, branch: Vec<usize>) -> Leaf {
        let stats = Stats { g: 0.0, h: 1.0, count: 1 };
        let bounds = Bounds::default();
        Leaf {
            start: 0,
            end: 0,
            stats,
            depth: 0,
            bounds,
            hist: None,
            best: None,
            output: 0.0,
            node,
            branch,
            unsplittable: Vec::new(),
        }
    }

    #[test]
    fn node_features_are_a_sample_of_the_tree_features_within_the_constraints() {
        let split = crate::split::tests::params();
        let mut p = LearnerParams {
            split,
            num_leaves: 31,
            max_depth: 0,
            feature_fraction_bynode: 1.0,
            interaction_constraints: vec![],
            seed: 1,
            extra_seed: 6,
            forced: None,
            rules: SplitRules::default(),
        };
        let tree: Vec<bool> = (0..10).map(|f| f % 5 != 4).collect(); // 8 of 10 features
        assert_eq!(p.node_features(&tree, &leaf(0, vec![]), 0), None);
        p.feature_fraction_bynode = 0.5;
        let samples: Vec<Vec<bool>> = (0..6).map(|n| p.node_features(&tree, &leaf(n, vec![]), 0).unwrap()).collect();
        for s in &samples {
            assert_eq!(s.iter().filter(|&&f| f).count(), 4, "round(0.5 * 8) features");
            assert!(s.iter().zip(&tree).all(|(&s, &t)| !s || t), "only the tree's features");
        }
        assert!(samples.windows(2).any(|w| w[0] != w[1]), "nodes draw their own samples");
        assert_eq!(p.node_features(&tree, &leaf(3, vec![]), 0).unwrap(), samples[3], "seeded by the node");
        // Constraints {0, 1, 2} and {2, 3}: below a split on 2, both sets; below 2 then 3, only the second.
        p.feature_fraction_bynode = 1.0;
        p.interaction_constraints =
            [vec![0, 1, 2], vec![2, 3]].iter().map(|c| (0..10).map(|f| c.contains(&f)).collect()).collect();
        let on = |m: Vec<bool>| (0..10).filter(|&f| m[f]).collect::<Vec<_>>();
        assert_eq!(on(p.node_features(&tree, &leaf(0, vec![]), 0).unwrap()), vec![0, 1, 2, 3]);
        assert_eq!(on(p.node_features(&tree, &leaf(1, vec![2]), 0).unwrap()), vec![0, 1, 2, 3]);
        assert_eq!(on(p.node_features(&tree, &leaf(3, vec![2, 3]), 0).unwrap()), vec![2, 3]);
        assert_eq!(on(p.node_features(&tree, &leaf(3, vec![0]), 0).unwrap()), vec![0, 1, 2]);
    }
}
