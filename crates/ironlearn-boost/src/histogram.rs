//! Gradient histograms: per feature and bin, the sums of gradients and hessians.
//!
//! Bins are stored column by column. A leaf's gradients are first gathered
//! into row order (once), then each feature's histogram, small enough to stay
//! in L1 cache, is summed by one thread over the leaf's rows in order: the
//! result does not depend on the number of threads. A feature whose most
//! frequent bin holds most rows skips that bin while summing and recovers it
//! from the leaf total afterwards, which saves most of the work on sparse data.
//! On data that is mostly one bin per feature (see `sparse_rows`), only each
//! row's other bins are listed and summed.

use std::ops::Range;

use rayon::prelude::*;

use crate::binning::{Binned, Layout};
use crate::sparse_rows::{Group, SparseRows};

/// `[sum of gradients, sum of hessians]`.
pub type Bin = [f64; 2];

/// Bin updates below which a histogram is built on one thread.
const PARALLEL_WORK: usize = 16 * 1024;
/// Rows below which one accumulator per feature beats two.
const TWO_ACCUMULATORS: usize = 4096;

/// How a leaf's histogram is summed; the data and the leaf's size decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Feature by feature over the leaf's rows (one column at a time).
    Columns,
    /// Row by row, in data kept by rows (see `row_wise`): a leaf below the
    /// root, or the root of narrow rows.
    Rows,
    /// Over each row's listed entries, one group of features at a time (data kept as `SparseRows`).
    SparseRows,
}

/// The mode for `rows` (`None`: every row).
pub fn mode(data: &Binned, rows: Option<&[u32]>) -> Mode {
    if data.sparse.is_some() {
        Mode::SparseRows
    } else if !data.rows.is_empty()
        && rows.map_or(ROOT_BY_ROWS.contains(&data.n_features), |r| {
            row_wise_pays(data.n_rows, data.n_features) || r.len() * ROW_WISE_FRACTION < data.n_rows
        })
    {
        Mode::Rows
    } else {
        Mode::Columns
    }
}

/// Builds the histogram of `rows` into `hist` for the features marked in
/// `features`; returns the rows' gradient and hessian sums. `gathered` is
/// scratch space. Rows `0..n` in order may be passed as `None`.
pub fn build(
    data: &Binned,
    rows: Option<&[u32]>,
    gh: &[[f32; 2]],
    features: &[bool],
    hist: &mut [Bin],
    gathered: &mut Vec<[f32; 2]>,
) -> Bin {
    let m = rows.map_or(data.n_rows, <[u32]>::len);
    let mode = mode(data, rows);
    let (total, og) = gather(mode, rows, gh, gathered);
    let parallel = m * data.n_features >= PARALLEL_WORK;
    let tasks = if parallel { rayon::current_num_threads() } else { 1 };
    let pieces = split_groups(data, feature_groups(data, mode, tasks, m), hist);
    let one = |(range, h): (Range<usize>, &mut [Bin])| build_range(data, mode, rows, og, total, features, range, h);
    if parallel {
        pieces.into_par_iter().for_each(one);
    } else {
        pieces.into_iter().for_each(one);
    }
    total
}

/// Consecutive ranges of features for `tasks` tasks, of about equal work on
/// a leaf of `rows` rows (summing its rows, then searching the bins); data
/// kept as sparse rows has its own groups. The ranges cover every feature.
pub fn feature_groups(data: &Binned, mode: Mode, tasks: usize, rows: usize) -> Vec<Range<usize>> {
    if let (Mode::SparseRows, Some(sparse)) = (mode, &data.sparse) {
        return sparse.groups.iter().map(|g| g.first..g.end).collect();
    }
    let nf = data.n_features;
    let tasks = tasks.clamp(1, nf.max(1));
    let weight = |f: usize| rows + SEARCH_COST * (data.offsets[f + 1] - data.offsets[f]);
    let total: usize = (0..nf).map(weight).sum();
    let mut groups = Vec::with_capacity(tasks);
    let (mut start, mut done) = (0, 0);
    for f in 0..nf {
        done += weight(f);
        if groups.len() + 1 < tasks && done * tasks >= total * (groups.len() + 1) {
            groups.push(start..f + 1);
            start = f + 1;
        }
    }
    groups.push(start..nf);
    groups.retain(|g| !g.is_empty());
    groups
}

/// The cost of searching a bin, in row updates (a bin's search costs a few of them).
pub const SEARCH_COST: usize = 4;

/// `hist` cut into the slices of `groups` (consecutive ranges covering every feature).
pub fn split_groups<'h>(
    data: &Binned,
    groups: Vec<Range<usize>>,
    hist: &'h mut [Bin],
) -> Vec<(Range<usize>, &'h mut [Bin])> {
    let mut pieces = Vec::with_capacity(groups.len());
    let mut rest = hist;
    for g in groups {
        let (head, tail) = rest.split_at_mut(data.offsets[g.end] - data.offsets[g.start]);
        pieces.push((g, head));
        rest = tail;
    }
    pieces
}

/// Builds the features of `range` marked in `features` into `hist`, the
/// histogram's slice for that range, from the rows' gradients `og` as
/// [`gather`] gives them and their sums `total`. Each feature's sums depend on the rows only, not
/// on the range it is built in.
#[allow(clippy::too_many_arguments)]
pub fn build_range(
    data: &Binned,
    mode: Mode,
    rows: Option<&[u32]>,
    og: &[[f32; 2]],
    total: Bin,
    features: &[bool],
    range: Range<usize>,
    hist: &mut [Bin],
) {
    if !features[range.clone()].iter().any(|&f| f) {
        return;
    }
    match (mode, rows, &data.sparse) {
        (Mode::SparseRows, _, Some(sparse)) => {
            let g = sparse.groups.iter().find(|g| g.first == range.start);
            sparse_group(data, sparse, g.expect("sparse ranges are the data's groups"), rows, og, total, hist);
        }
        (Mode::Rows, rows, _) => row_wise(data, rows, og, range, hist),
        _ => {
            // A block of features is summed a chunk of rows at a time, so the
            // chunk's gradients are read from memory once for the block, not
            // once per feature (1M x 10, the root: the columns' passes were
            // bound by reading the gradients). Accumulators are reset only as
            // far as each feature's bins go: zeroing all 12 KB for each feature
            // of a small leaf cost more than summing it.
            COL_SUMS.with_borrow_mut(|sums| {
                let base = data.offsets[range.start];
                let bins = |f: usize| data.offsets[f] - base..data.offsets[f + 1] - base;
                let two = og.len() >= TWO_ACCUMULATORS;
                // A leaf of one chunk: a feature at a time, in one set of accumulators that stays in L1.
                let per_block = if og.len() > ROW_CHUNK { FEATURE_BLOCK } else { 1 };
                let fs: Vec<usize> = range.filter(|&f| features[f]).collect();
                for block in fs.chunks(per_block) {
                    if sums.len() < block.len() {
                        sums.resize_with(block.len(), Sums::default);
                    }
                    let sums = &mut sums[..block.len()];
                    for (s, &f) in sums.iter_mut().zip(block) {
                        s.reset(bins(f).len(), data.layout[f], two);
                    }
                    for start in (0..og.len()).step_by(ROW_CHUNK) {
                        let end = (start + ROW_CHUNK).min(og.len());
                        let rows = rows.map(|r| &r[start..end]);
                        for (s, &f) in sums.iter_mut().zip(block) {
                            s.add_rows(data.col(f), rows, start, &og[start..end], data.layout[f], two);
                        }
                    }
                    for (s, &f) in sums.iter_mut().zip(block) {
                        s.finish(&mut hist[bins(f)], data.layout[f], total, two);
                    }
                }
            });
        }
    }
}

/// Features summed together over a chunk of rows: their accumulators (12 KB
/// each) stay in L2.
const FEATURE_BLOCK: usize = 16;
/// Rows a block of features sums at a time: their gradients (128 KB) stay
/// in L2 while each feature of the block reads them. A multiple of
/// [`GATHER`], so each feature adds in the order of one pass.
const ROW_CHUNK: usize = 16 * 1024;

thread_local! {
    /// The column sums' accumulators, one per feature of a block, kept between leaves.
    static COL_SUMS: std::cell::RefCell<Vec<Sums>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The gradients `mode` reads for `rows`, and their total: gathered into
/// `gathered` in the rows' order, except where every row is summed (`rows`
/// is `None`: `gh` itself) or a leaf of more than [`GATHER_ROWS`] rows is
/// summed row by row (`Mode::Rows` then reads each row's gradients by index
/// where it reads its bins: `gh` itself, without a buffer of the leaf's size).
///
/// Fixed chunks are summed in parallel and the partial sums folded in
/// order, so the total is the same on any thread count, and the same
/// whether or not the gradients are gathered.
pub fn gather<'g>(
    mode: Mode,
    rows: Option<&[u32]>,
    gh: &'g [[f32; 2]],
    gathered: &'g mut Vec<[f32; 2]>,
) -> (Bin, &'g [[f32; 2]]) {
    let (partials, og): (Vec<Bin>, &[[f32; 2]]) = match rows {
        None => (gh.par_chunks(SUM_CHUNK).map(|g| sum(g.iter().copied())).collect(), gh),
        Some(rows) if mode == Mode::Rows && rows.len() > GATHER_ROWS => {
            (rows.par_chunks(SUM_CHUNK).map(|r| sum(r.iter().map(|&r| gh[r as usize]))).collect(), gh)
        }
        Some(rows) => {
            gathered.resize(rows.len(), [0.0; 2]);
            let partials = gathered
                .par_chunks_mut(SUM_CHUNK)
                .zip(rows.par_chunks(SUM_CHUNK))
                .map(|(o, r)| {
                    o.iter_mut().zip(r).for_each(|(o, &r)| *o = gh[r as usize]);
                    sum(o.iter().copied())
                })
                .collect();
            (partials, &gathered[..])
        }
    };
    (partials.iter().fold([0.0; 2], |t, p| [t[0] + p[0], t[1] + p[1]]), og)
}

/// Rows whose gradients are gathered and summed as one task.
const SUM_CHUNK: usize = 16 * 1024;

/// The most rows of a leaf summed row by row whose gradients are gathered
/// first (2 MB): the tasks that sum its features then read them in order,
/// where each would otherwise read every row's at random (1M x 10
/// regression, two tasks: 5-11% of training). Larger leaves, the first
/// splits of large data, read them by row, so the buffer stays small.
const GATHER_ROWS: usize = 256 * 1024;

/// The sums of `g`'s gradients and hessians, in four interleaved partial
/// sums (one chain of dependent additions would wait on each one).
fn sum(mut g: impl ExactSizeIterator<Item = [f32; 2]>) -> Bin {
    let mut acc = [[0.0f64; 2]; 4];
    for _ in 0..g.len() / 4 {
        for (a, x) in acc.iter_mut().zip(g.by_ref()) {
            a[0] += f64::from(x[0]);
            a[1] += f64::from(x[1]);
        }
    }
    for x in g {
        acc[0][0] += f64::from(x[0]);
        acc[0][1] += f64::from(x[1]);
    }
    [(acc[0][0] + acc[1][0]) + (acc[2][0] + acc[3][0]), (acc[0][1] + acc[1][1]) + (acc[2][1] + acc[3][1])]
}

/// Row-major bins are kept only while the accumulators of all features, 16
/// bytes a bin, fit in L2 with room to spare (128 features of 255 bins)...
pub const ROW_WISE_MAX_BINS: usize = 128 * 256;
/// ... and while the copy stays below this many bytes.
pub const ROW_WISE_MAX_BYTES: usize = 1 << 30;
/// Above this many bytes of bins (a good part of L2), every leaf below the
/// root is summed row by row: its scattered column reads would miss cache
/// (100k x 100: 1.2x faster training; 100k x 10: 10% less time summing
/// leaves). Below it the columns stay cached and summing them is faster
/// (5k x 100, 500 KB: 0.85x row by row).
const ROW_WISE_MIN_BYTES: usize = 1 << 19;
/// Features for which a root kept by rows is summed by rows: one pass over
/// the copy, where the columns read every row's gradients once per feature.
/// Measured on 1M rows, regression, 2 threads, the root's histograms over
/// 100 trees: 28 features 1.28-1.40 -> 0.92-0.93 s (training 9% faster), 40
/// features 1.78-1.86 -> 1.35-1.40 s, 20 features 0.89-1.05 -> 0.69-0.72 s.
/// Narrower, the leaves after it ran slower and training lost 4-8% (10
/// features); wider, the accumulators of half the features outgrow L1 and
/// it gains nothing (64 features) or loses (100 features: 2.1-2.3 -> 2.8 s).
const ROOT_BY_ROWS: std::ops::RangeInclusive<usize> = 20..=40;
/// In smaller data, leaves holding under 1/ROW_WISE_FRACTION of the rows are
/// summed row by row (1/16 measured best on 1M x 28 rows with 255 leaves).
const ROW_WISE_FRACTION: usize = 16;

/// Sums the scattered `rows` over the features of `range` into `acc` with
/// `add`, the `i`th row `r`'s gradients being `gh[r]` (`by_row`) or `gh[i]`
/// (gathered). The row [`AHEAD`] places on (and its gradients, when read by
/// row) is prefetched while a row is summed, so the misses of the scattered
/// reads overlap the sums instead of stalling them.
#[inline(always)]
fn scattered(
    data: &Binned,
    rows: &[u32],
    range: Range<usize>,
    acc: &mut [[Bin; 256]],
    add: impl Fn(&mut [[Bin; 256]], &[u8], [f32; 2]),
    gh: &[[f32; 2]],
    by_row: bool,
) {
    let nf = data.n_features;
    let base = data.rows.as_ptr().wrapping_add(range.start);
    let ahead = rows.len().saturating_sub(AHEAD);
    for (i, &r) in rows.iter().enumerate() {
        if i < ahead {
            let next = rows[i + AHEAD] as usize;
            prefetch(base.wrapping_add(next * nf));
            if by_row {
                prefetch(gh.as_ptr().wrapping_add(next));
            }
        }
        let g = if by_row { gh[r as usize] } else { gh[i] };
        add(acc, &data.row(r as usize)[range.clone()], g);
    }
}

/// How many rows ahead a scattered sum prefetches: enough misses in flight
/// to cover memory's latency.
const AHEAD: usize = 32;

/// Asks for the cache line at `p`; a hint, which reads nothing and cannot fault.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86-64, and a prefetch of any address is harmless.
    #[allow(unsafe_code)]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Whether data of `rows` x `features` bins sums leaves row by row, at any
/// size above that: the copy costs a byte a value, and pays for it (1M x 100
/// regression: training 34.0 -> 19.4 s, peak 253 MB against LightGBM's 372;
/// higgs, 1M x 28: leaves summed 1.65x faster, peak 111 MB against 109).
pub fn row_wise_pays(rows: usize, features: usize) -> bool {
    rows * features > ROW_WISE_MIN_BYTES
}

/// Sums a leaf row by row over the features of `range` into `hist`, the
/// range's slice: a leaf's rows are scattered, so reading one column at a
/// time would fetch a cache line for each row and feature, while a row's bins
/// share a line or two. `gh` holds every row's gradients (indexed by row).
/// `None` sums every row, in order (a root).
fn row_wise(data: &Binned, rows: Option<&[u32]>, gh: &[[f32; 2]], range: Range<usize>, hist: &mut [Bin]) {
    let (f0, f1) = (range.start, range.end);
    let bins = |j: usize| data.offsets[f0 + j + 1] - data.offsets[f0 + j];
    ROW_ACC.with_borrow_mut(|acc| {
        if acc.len() < f1 - f0 {
            acc.resize(f1 - f0, [[0.0; 2]; 256]);
        }
        let acc = &mut acc[..f1 - f0];
        acc.iter_mut().enumerate().for_each(|(j, a)| a[..bins(j)].fill([0.0; 2]));
        // A `[Bin; 256]` indexed by a `u8`: no bounds check.
        let add = |acc: &mut [[Bin; 256]], row: &[u8], g: [f32; 2]| {
            let (g0, g1) = (f64::from(g[0]), f64::from(g[1]));
            for (&b, a) in row.iter().zip(acc.iter_mut()) {
                let e = &mut a[usize::from(b)];
                e[0] += g0;
                e[1] += g1;
            }
        };
        match rows {
            None => {
                let nf = data.n_features;
                data.rows.chunks_exact(nf).zip(gh).for_each(|(row, &g)| add(acc, &row[f0..f1], g));
            }
            // Gradients gathered in the rows' order ([`gather`]; every row's are
            // `gh` itself only for a leaf of all rows, which are in order) or,
            // for a leaf too large to gather, `gh` indexed by row.
            Some(rows) if gh.len() == rows.len() => scattered(data, rows, f0..f1, acc, add, gh, false),
            Some(rows) => scattered(data, rows, f0..f1, acc, add, gh, true),
        }
        let mut rest = hist;
        for (j, a) in acc.iter().enumerate() {
            let (h, tail) = rest.split_at_mut(bins(j));
            h.copy_from_slice(&a[..bins(j)]);
            rest = tail;
        }
    });
}

thread_local! {
    /// `row_wise`'s accumulators, one per feature, kept between leaves: for
    /// 100 features they are 400 KB, which cost more to allocate and zero
    /// than a small leaf's sums.
    static ROW_ACC: std::cell::RefCell<Vec<[Bin; 256]>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Sums one group of sparse rows over its non-dominant entries only, then
/// recovers every feature's dominant bin from the total; `h` is the group's
/// slice of the histogram.
fn sparse_group(
    data: &Binned,
    sparse: &SparseRows,
    g: &Group,
    rows: Option<&[u32]>,
    og: &[[f32; 2]],
    total: Bin,
    h: &mut [Bin],
) {
    h.fill([0.0; 2]);
    let add = |h: &mut [Bin], span: (usize, usize), g2: [f32; 2]| {
        let (g0, g1) = (f64::from(g2[0]), f64::from(g2[1]));
        for &b in &g.entries[span.0..span.1] {
            let e = &mut h[usize::from(b)];
            e[0] += g0;
            e[1] += g1;
        }
    };
    match rows {
        None => og.iter().enumerate().for_each(|(r, &x)| add(h, (g.starts[r] as usize, g.starts[r + 1] as usize), x)),
        Some(rows) => {
            // A leaf's rows are scattered: read the first and last entry of
            // a batch of rows before summing them, so that their cache
            // misses overlap instead of stalling one after another.
            let mut touched = 0u16;
            for (rows, og) in rows.chunks(TOUCH_BATCH).zip(og.chunks(TOUCH_BATCH)) {
                let mut spans = [(0usize, 0usize); TOUCH_BATCH];
                for (sp, &r) in spans.iter_mut().zip(rows) {
                    *sp = (g.starts[r as usize] as usize, g.starts[r as usize + 1] as usize);
                    if sp.1 > sp.0 {
                        touched ^= g.entries[sp.0] ^ g.entries[sp.1 - 1];
                    }
                }
                spans.iter().zip(og).for_each(|(&sp, &x)| add(h, sp, x));
            }
            std::hint::black_box(touched);
        }
    }
    let base = data.offsets[g.first];
    for f in g.first..g.end {
        let f_bins = &mut h[data.offsets[f] - base..data.offsets[f + 1] - base];
        recover_dominant(f_bins, sparse.dominant[f], total);
    }
}

/// Rows whose entries are fetched together (about the misses a core keeps in flight).
const TOUCH_BATCH: usize = 16;

/// Spare slots that take a concentrated feature's dominant bin, in turn.
const SPARE: usize = 8;

/// Sets a feature's skipped bin `d` to whatever the leaf's `total` leaves after its other bins.
fn recover_dominant(h: &mut [Bin], d: u8, total: Bin) {
    let (mut g, mut hs) = (0.0, 0.0);
    for (b, e) in h.iter().enumerate() {
        if b != usize::from(d) {
            g += e[0];
            hs += e[1];
        }
    }
    h[usize::from(d)] = [total[0] - g, total[1] - hs];
}

/// Rows whose bins are gathered at a time: a multiple of 2 and of `SPARE`,
/// so chunks pair and rotate rows exactly as one pass would.
const GATHER: usize = 256;

/// One feature's running sums.
#[derive(Debug)]
struct Sums {
    acc: [Bin; 256],
    /// Odd positions, with two accumulators.
    second: [Bin; 256],
    /// A concentrated feature's bins and the dominant bin's spare slots.
    wide: [Bin; 256 + SPARE],
}

impl Default for Sums {
    fn default() -> Sums {
        Sums { acc: [[0.0; 2]; 256], second: [[0.0; 2]; 256], wide: [[0.0; 2]; 256 + SPARE] }
    }
}

/// One feature's histogram is summed by [`Sums::reset`], [`Sums::add_rows`]
/// over consecutive chunks of the rows, then [`Sums::finish`].
///
/// With many rows, even and odd positions go to two accumulators (summed at
/// the end), which breaks the store-to-load chain when neighbouring rows share
/// a bin. A leaf's bins are first gathered a chunk at a time (the scattered
/// reads then overlap instead of stalling the sums). Every choice depends on
/// the data only and the order of additions is fixed, so the result is the
/// same on every run and thread count.
impl Sums {
    /// Zeroes the accumulators a feature of `nb` bins uses; `two` when the
    /// leaf has [`TWO_ACCUMULATORS`] rows or more.
    fn reset(&mut self, nb: usize, layout: Layout, two: bool) {
        // Only the bins this feature has are read back (the spare slots never are).
        match layout {
            Layout::Concentrated(_) => self.wide[..nb].fill([0.0; 2]),
            Layout::Spread if two => {
                self.acc[..nb].fill([0.0; 2]);
                self.second[..nb].fill([0.0; 2]);
            }
            _ => self.acc[..nb].fill([0.0; 2]),
        }
    }

    /// Adds the rows from position `start` of the leaf, `rows` (`None`: the
    /// rows from `start` in order), with gradients `og`, from column `col`.
    /// `start` is a multiple of [`GATHER`].
    fn add_rows(&mut self, col: &[u8], rows: Option<&[u32]>, start: usize, og: &[[f32; 2]], layout: Layout, two: bool) {
        match rows {
            None => self.add(&col[start..start + og.len()], og, layout, two),
            Some(rows) => {
                let mut bins = [0u8; GATHER];
                for (r, g) in rows.chunks(GATHER).zip(og.chunks(GATHER)) {
                    bins.iter_mut().zip(r).for_each(|(b, &r)| *b = col[r as usize]);
                    self.add(&bins[..r.len()], g, layout, two);
                }
            }
        }
    }

    /// Writes the feature's sums to `h`, recovering a skipped dominant bin from the leaf's `total`.
    fn finish(&mut self, h: &mut [Bin], layout: Layout, total: Bin, two: bool) {
        let nb = h.len();
        let (dominant, sums) = match layout {
            Layout::Spread => (None, &mut self.acc[..nb]),
            Layout::Sparse(d) => (Some(d), &mut self.acc[..nb]),
            Layout::Concentrated(d) => (Some(d), &mut self.wide[..nb]),
        };
        if dominant.is_none() && two {
            for (e, s) in sums.iter_mut().zip(self.second.iter()) {
                e[0] += s[0];
                e[1] += s[1];
            }
        }
        h.copy_from_slice(sums);
        if let Some(d) = dominant {
            recover_dominant(h, d, total);
        }
    }

    /// Adds rows with bins `bins` and gradients `og` (`bins.len()` even unless last).
    #[inline(always)]
    fn add(&mut self, bins: &[u8], og: &[[f32; 2]], layout: Layout, two: bool) {
        // Fixed-size accumulators indexed by a `u8`: no bounds checks in the loop.
        #[inline(always)]
        fn add(a: &mut [Bin; 256], b: u8, g: [f32; 2]) {
            let e = &mut a[b as usize];
            e[0] += f64::from(g[0]);
            e[1] += f64::from(g[1]);
        }
        match layout {
            Layout::Sparse(d) => {
                for (&b, &g) in bins.iter().zip(og) {
                    if b != d {
                        add(&mut self.acc, b, g);
                    }
                }
            }
            Layout::Concentrated(d) => {
                // The dominant bin's rows rotate over spare slots 256.. (a select,
                // not a branch), so they do not wait on each other; the bin is
                // recovered from the total.
                for (i, (&b, &g)) in bins.iter().zip(og).enumerate() {
                    let slot = if b == d { 256 + (i % SPARE) } else { usize::from(b) };
                    // `min` proves the index in bounds, so the loop has no check.
                    let e = &mut self.wide[slot.min(256 + SPARE - 1)];
                    e[0] += f64::from(g[0]);
                    e[1] += f64::from(g[1]);
                }
            }
            Layout::Spread if !two => bins.iter().zip(og).for_each(|(&b, &g)| add(&mut self.acc, b, g)),
            Layout::Spread => {
                let pairs = bins.len() / 2;
                for k in 0..pairs {
                    add(&mut self.acc, bins[2 * k], og[2 * k]);
                    add(&mut self.second, bins[2 * k + 1], og[2 * k + 1]);
                }
                if bins.len() % 2 == 1 {
                    add(&mut self.acc, bins[bins.len() - 1], og[bins.len() - 1]);
                }
            }
        }
    }
}

/// `larger = parent - smaller`, in place in `parent`.
pub fn subtract(parent: &mut [Bin], smaller: &[Bin]) {
    for (a, b) in parent.iter_mut().zip(smaller) {
        a[0] -= b[0];
        a[1] -= b[1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binning::{bin_rows, fit_mappers};
    use crate::features::RawColumn;
    use ironlearn_core::Rng;
    use ndarray::Array2;
    use proptest::prelude::*;

    fn naive(data: &Binned, rows: &[u32], gh: &[[f32; 2]]) -> Vec<Bin> {
        let mut h = vec![[0.0; 2]; data.total_bins];
        for &r in rows {
            for f in 0..data.n_features {
                let b = data.get(r as usize, f) as usize;
                h[data.offsets[f] + b][0] += f64::from(gh[r as usize][0]);
                h[data.offsets[f] + b][1] += f64::from(gh[r as usize][1]);
            }
        }
        h
    }

    /// Columns summed a block of features and a chunk of rows at a time add
    /// in the order of one pass per feature: the same bits.
    #[test]
    fn column_chunks_sum_as_one_pass() {
        let (n, nf) = (2 * ROW_CHUNK + 777, FEATURE_BLOCK + 3);
        let mut rng = Rng::new(7);
        // Spread, concentrated (about half the rows in one bin) and sparse features.
        let x = Array2::from_shape_fn((n, nf), |(_, j)| match j % 3 {
            0 => rng.normal(),
            1 if rng.uniform() < 0.5 => 0.0,
            2 if rng.uniform() < 0.95 => 0.0,
            _ => rng.normal(),
        });
        let cols: Vec<RawColumn<'_>> =
            (0..nf).map(|j| RawColumn::Numeric { name: String::new(), values: x.column(j) }).collect();
        let data =
            bin_rows(&cols, &fit_mappers(&cols, 64, 1, 100_000, 0, crate::binning::Missing::Nan).unwrap()).unwrap();
        assert!(data.rows.is_empty() && data.sparse.is_none(), "summed by columns");
        let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.normal() as f32, rng.uniform() as f32]).collect();
        let features: Vec<bool> = (0..nf).map(|f| f != 4).collect();
        let leaf: Vec<u32> = (0..n as u32).filter(|r| r % 5 != 2).collect();
        for rows in [None, Some(&leaf[..])] {
            let mut hist = vec![[0.0; 2]; data.total_bins];
            let total = build(&data, rows, &gh, &features, &mut hist, &mut Vec::new());
            let mut gathered = Vec::new();
            let (_, og) = gather(Mode::Columns, rows, &gh, &mut gathered);
            let two = og.len() >= TWO_ACCUMULATORS;
            let mut want = vec![[0.0; 2]; data.total_bins];
            let mut s = Sums::default();
            for f in (0..nf).filter(|&f| features[f]) {
                let h = &mut want[data.offsets[f]..data.offsets[f + 1]];
                s.reset(h.len(), data.layout[f], two);
                s.add_rows(data.col(f), rows, 0, og, data.layout[f], two);
                s.finish(h, data.layout[f], total, two);
            }
            assert_eq!(hist, want);
            let naive = naive(&data, rows.unwrap_or(&(0..n as u32).collect::<Vec<_>>()), &gh);
            for f in (0..nf).filter(|&f| features[f]) {
                for b in data.offsets[f]..data.offsets[f + 1] {
                    assert!((hist[b][0] - naive[b][0]).abs() < 1e-6 && (hist[b][1] - naive[b][1]).abs() < 1e-6);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn matches_naive_sums(seed in 0u64..1000, n in 1usize..6000, nf in 1usize..40, sparse in 0usize..2) {
            let mut rng = Rng::new(seed);
            let x = Array2::from_shape_fn((n, nf), |(_, j)| {
                if j % 2 == sparse { if rng.uniform() < 0.8 { 0.0 } else { rng.below(5) as f64 } } else { rng.normal() }
            });
            let cols: Vec<RawColumn<'_>> = (0..nf).map(|j| RawColumn::Numeric { name: String::new(), values: x.column(j) }).collect();
            let mappers = fit_mappers(&cols, 32, 1, 100_000, 0, crate::binning::Missing::Nan).unwrap();
            let columns = bin_rows(&cols, &mappers).unwrap();
            let mut by_rows = columns.clone();
            by_rows.keep_rows();
            let mut listed = columns.clone();
            listed.sparse = SparseRows::build(&listed, 1.0);
            prop_assert!(listed.sparse.is_some());
            let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.normal() as f32, rng.uniform() as f32]).collect();
            let all = vec![true; nf];
            let mut scratch = Vec::new();
            let subsets = [(0..n as u32).filter(|i| i % 3 != 1).collect::<Vec<_>>(), (0..n as u32).filter(|i| i % 97 == 5).collect(), (0..n as u32).collect()];
            for (rows, data) in subsets.iter().flat_map(|r| [(r, &columns), (r, &by_rows), (r, &listed)]) {
                let mut hist = vec![[0.0; 2]; data.total_bins];
                let full = rows.len() == n;
                build(data, if full { None } else { Some(rows) }, &gh, &all, &mut hist, &mut scratch);
                let want = naive(data, rows, &gh);
                for (a, b) in hist.iter().zip(&want) {
                    prop_assert!((a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6, "{a:?} vs {b:?}");
                }
                if !data.rows.is_empty() && !full {
                    // A leaf too large to gather reads its gradients by row: the
                    // same sums as from gathered gradients, bit for bit. (`hist`
                    // may come from the columns, which recover a dominant bin
                    // from the total: other roundings.)
                    let mut by_index = vec![[0.0; 2]; data.total_bins];
                    row_wise(data, Some(rows), &gh, 0..nf, &mut by_index);
                    let og: Vec<[f32; 2]> = rows.iter().map(|&r| gh[r as usize]).collect();
                    let mut from_gathered = vec![[0.0; 2]; data.total_bins];
                    row_wise(data, Some(rows), &og, 0..nf, &mut from_gathered);
                    prop_assert_eq!(&by_index, &from_gathered);
                }
            }
        }
    }
}
