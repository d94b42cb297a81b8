//! Sparse rows: each row's bins other than each feature's most frequent one.
//!
//! On wide, mostly-zero data (pixels, one-hot and count features) a column
//! pass reads every row of every feature although most of them fall into the
//! same bin. Listing, row by row, only the other bins cuts the histogram's
//! work to the non-zero entries; the skipped bin is recovered afterwards from
//! the leaf's total. The features are cut into groups whose histograms fit in
//! L2 cache, and each group is summed by one thread over the leaf's rows in
//! order, so the sums do not depend on the number of threads.

use rayon::prelude::*;

use crate::binning::Binned;

/// Bins in one group: its local bin index fits a `u16`, its histogram (16
/// bytes a bin) stays within a core's L2 cache.
const GROUP_BINS: usize = 16 * 1024;
/// The largest share of non-skipped entries for which sparse rows pay off
/// (two bytes an entry, against one byte a bin in the column layout).
pub const MAX_DENSITY: f64 = 0.5;

/// The non-dominant bins of every row, in groups of consecutive features.
#[derive(Debug, Clone)]
pub struct SparseRows {
    /// The skipped (most frequent) bin of each feature.
    pub dominant: Vec<u8>,
    pub groups: Vec<Group>,
}

/// Features `first..end`; row `r`'s entries are `entries[starts[r]..starts[r + 1]]`.
#[derive(Debug, Clone)]
pub struct Group {
    pub first: usize,
    pub end: usize,
    /// Row starts into `entries`, `n_rows + 1` of them.
    pub starts: Vec<u32>,
    /// Bin indices relative to the group's first bin (`offsets[first]`).
    pub entries: Vec<u16>,
}

impl SparseRows {
    /// Lists the entries of `data` that are not their feature's most frequent
    /// bin, if at most `max_density` of all entries are (and the lists fit
    /// 32-bit positions); `None` otherwise.
    pub fn build(data: &Binned, max_density: f64) -> Option<SparseRows> {
        let (n, nf) = (data.n_rows, data.n_features);
        if n == 0 || nf == 0 {
            return None;
        }
        // The most frequent bin of each feature and how many rows it leaves.
        let counted: Vec<(u8, usize)> = (0..nf)
            .into_par_iter()
            .map(|f| {
                let mut counts = [0usize; 256];
                data.col(f).iter().for_each(|&b| counts[b as usize] += 1);
                let (d, c) = counts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).unwrap();
                (d as u8, n - c)
            })
            .collect();
        let nnz: usize = counted.iter().map(|c| c.1).sum();
        if nnz as f64 > max_density * (n * nf) as f64 {
            return None;
        }
        // Consecutive features while the group's bins fit and its entries
        // stay under a fair share: one group per thread at least, for
        // parallelism, and no more, as every group costs a look-up per row.
        // The sums do not depend on the grouping, so neither does the model.
        let share = nnz.div_ceil(rayon::current_num_threads()).max(1);
        let mut bounds = vec![0];
        let (mut bins, mut entries) = (0, 0);
        for f in 0..nf {
            let fb = data.offsets[f + 1] - data.offsets[f];
            if f > *bounds.last().unwrap() && (bins + fb > GROUP_BINS || entries >= share) {
                bounds.push(f);
                (bins, entries) = (0, 0);
            }
            bins += fb;
            entries += counted[f].1;
        }
        bounds.push(nf);
        let spans: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
        let sizes: Vec<usize> = spans.iter().map(|&(a, b)| counted[a..b].iter().map(|c| c.1).sum()).collect();
        if sizes.iter().any(|&s| s > u32::MAX as usize) {
            return None;
        }
        let dominant: Vec<u8> = counted.iter().map(|c| c.0).collect();
        let groups = spans
            .into_par_iter()
            .zip(sizes)
            .map(|((first, end), size)| group(data, &dominant, first, end, size))
            .collect();
        Some(SparseRows { dominant, groups })
    }
}

/// Rows at a time when filling a group: each feature's slice of the block stays in cache.
const BLOCK: usize = 4096;

fn group(data: &Binned, dominant: &[u8], first: usize, end: usize, size: usize) -> Group {
    let n = data.n_rows;
    let base = data.offsets[first];
    let mut per_row = vec![0u32; n];
    for f in first..end {
        let d = dominant[f];
        data.col(f).iter().zip(per_row.iter_mut()).for_each(|(&b, c)| *c += u32::from(b != d));
    }
    let mut starts = Vec::with_capacity(n + 1);
    let mut at = 0u32;
    starts.push(0);
    for c in per_row {
        at += c;
        starts.push(at);
    }
    let mut entries = vec![0u16; size];
    let mut cursor = vec![0u32; BLOCK];
    for r0 in (0..n).step_by(BLOCK) {
        let r1 = (r0 + BLOCK).min(n);
        cursor[..r1 - r0].copy_from_slice(&starts[r0..r1]);
        for f in first..end {
            let (d, local) = (dominant[f], data.offsets[f] - base);
            for (i, &b) in data.col(f)[r0..r1].iter().enumerate() {
                if b != d {
                    entries[cursor[i] as usize] = (local + usize::from(b)) as u16;
                    cursor[i] += 1;
                }
            }
        }
    }
    Group { first, end, starts, entries }
}
