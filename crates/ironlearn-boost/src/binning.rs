//! Feature binning: every value becomes a small bin index.
//!
//! Histogram-based trees only ever compare bin indices, so each feature is
//! quantised once into at most `max_bin` bins (a `u8`). Numeric bins are cut
//! at quantiles of a seeded sample; a missing value gets its own bin, so each
//! split can learn on which side missing values belong. Categories get one
//! bin each (the most frequent first), with one shared bin for rare, unseen
//! and missing categories.

use std::ops::Range;

use ironlearn_core::{Error, Result, Rng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bin_bounds::numeric_bounds;
use crate::features::RawColumn;
use crate::sparse_rows::SparseRows;

/// How one feature's values map to bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BinMapper {
    /// Value bins are `(-inf, upper[0]]`, `(upper[0], upper[1]]`, ..., the last up to +inf.
    Numeric {
        upper: Vec<f64>,
        /// The bin of missing values, when training data had any (always the last bin).
        missing_bin: Option<u8>,
        /// The bin of 0.0, which missing values take when there is no missing bin.
        zero_bin: u8,
        /// The smallest and largest non-missing values seen (0 when there were none).
        #[serde(default)]
        range: [f64; 2],
        /// Zeros are missing values too (`zero_as_missing`): they take the missing bin.
        #[serde(default)]
        zero_missing: bool,
    },
    /// One bin per kept category index; the last bin holds all other categories.
    Categorical { categories: Vec<u32>, lookup: Vec<u8> },
}

impl BinMapper {
    /// The number of bins.
    pub fn n_bins(&self) -> usize {
        match self {
            BinMapper::Numeric { upper, missing_bin, .. } => upper.len() + usize::from(missing_bin.is_some()),
            BinMapper::Categorical { categories, .. } => categories.len() + 1,
        }
    }

    /// Whether every value falls into one bin (the feature cannot split).
    pub fn is_trivial(&self) -> bool {
        match self {
            BinMapper::Numeric { upper, missing_bin, .. } => upper.len() == 1 && missing_bin.is_none(),
            BinMapper::Categorical { categories, .. } => categories.is_empty(),
        }
    }

    /// The bin of a numeric value.
    #[inline]
    pub fn numeric_bin(upper: &[f64], missing_bin: Option<u8>, zero_bin: u8, v: f64) -> u8 {
        if v.is_nan() {
            return missing_bin.unwrap_or(zero_bin);
        }
        upper.partition_point(|u| *u < v) as u8
    }

    /// The bin of a category index (`None` = missing).
    #[inline]
    pub fn category_bin(categories: &[u32], lookup: &[u8], c: Option<u32>) -> u8 {
        match c {
            Some(c) => lookup.get(c as usize).copied().unwrap_or(categories.len() as u8),
            None => categories.len() as u8,
        }
    }

    /// The feature as LightGBM's model text describes it (`feature_infos`):
    /// `[min:max]` for a numeric feature, its categories by frequency for a
    /// categorical one, `none` for one that cannot split.
    pub fn lightgbm_info(&self) -> String {
        if self.is_trivial() {
            return "none".into();
        }
        match self {
            BinMapper::Numeric { range: [lo, hi], .. } => format!("[{lo}:{hi}]"),
            BinMapper::Categorical { categories, .. } => {
                categories.iter().map(u32::to_string).collect::<Vec<_>>().join(":")
            }
        }
    }

    /// The raw threshold of numeric bin `t`: values `<=` it fall in bins `0..=t`.
    pub fn upper_bound(&self, t: u8) -> f64 {
        match self {
            BinMapper::Numeric { upper, .. } => upper[t as usize],
            BinMapper::Categorical { .. } => f64::NAN,
        }
    }
}

/// Finds numeric bin boundaries from a sample of values.
/// What counts as a missing value (LightGBM's `use_missing` and `zero_as_missing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// NaN is missing: its own bin and a learnt direction.
    Nan,
    /// Nothing is missing: NaN is read as 0.
    None,
    /// Zero and NaN are missing.
    Zero,
}

impl Missing {
    pub fn from_params(use_missing: bool, zero_as_missing: bool) -> Missing {
        match (use_missing, zero_as_missing) {
            (false, _) => Missing::None,
            (true, true) => Missing::Zero,
            (true, false) => Missing::Nan,
        }
    }
}

/// `forced`: upper bounds the bins must keep (forcedbins_filename; empty for none).
pub fn numeric_mapper(
    values: &mut Vec<f64>,
    max_bin: usize,
    min_data_in_bin: usize,
    mode: Missing,
    forced: &[f64],
) -> BinMapper {
    match mode {
        Missing::None => values.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = 0.0),
        Missing::Zero => values.iter_mut().filter(|v| **v == 0.0).for_each(|v| *v = f64::NAN),
        Missing::Nan => {}
    }
    let has_missing = values.iter().any(|v| v.is_nan());
    values.retain(|v| !v.is_nan());
    sort_values(values);
    let value_bins = if has_missing { max_bin - 1 } else { max_bin };
    // One distinct value and nothing missing cannot split: one bin.
    let constant = values.first().is_none_or(|&lo| values.last() == Some(&lo));
    let upper = if constant && !has_missing {
        vec![f64::INFINITY]
    } else if !forced.is_empty() {
        crate::forced_bins::bounds(values, value_bins.max(1), min_data_in_bin, forced)
    } else {
        numeric_bounds(values, value_bins.max(1), min_data_in_bin)
    };
    let zero_bin = upper.partition_point(|u| *u < 0.0) as u8;
    let missing_bin = has_missing.then_some(upper.len() as u8);
    let range = [values.first().copied().unwrap_or(0.0), values.last().copied().unwrap_or(0.0)];
    BinMapper::Numeric { upper, missing_bin, zero_bin, range, zero_missing: mode == Missing::Zero }
}

/// Sorts non-NaN values ascending (-0.0 before 0.0): as `sort_by(f64::total_cmp)`,
/// on integer keys of the same order, which compare faster. The keys are
/// written over the values (the map is its own inverse), so nothing is allocated.
fn sort_values(values: &mut [f64]) {
    let flip = |b: u64| b ^ (((b as i64 >> 63) as u64) >> 1);
    values.iter_mut().for_each(|v| *v = f64::from_bits(flip(v.to_bits())));
    values.sort_unstable_by_key(|v| v.to_bits() as i64);
    values.iter_mut().for_each(|v| *v = f64::from_bits(flip(v.to_bits())));
}

/// Bins categories from their counts: the most frequent first (ties by
/// category), at most `max_bin - 1` of them.
fn categorical_from_counts(counts: std::collections::HashMap<u32, usize>, max_bin: usize) -> BinMapper {
    let mut order: Vec<(u32, usize)> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    order.truncate(max_bin - 1);
    let categories: Vec<u32> = order.iter().map(|(c, _)| *c).collect();
    let max_index = categories.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut lookup = vec![categories.len() as u8; max_index];
    categories.iter().enumerate().for_each(|(b, &c)| lookup[c as usize] = b as u8);
    BinMapper::Categorical { categories, lookup }
}

/// The binned matrix: one `u8` per row and feature, column-major, so a
/// feature's bins are contiguous for histograms and partitions.
#[derive(Debug, Clone)]
pub struct Binned {
    pub bins: Vec<u8>,
    /// The same bins row by row (empty unless asked for): small leaves read one cache line per row.
    pub rows: Vec<u8>,
    pub n_rows: usize,
    pub n_features: usize,
    /// Where each feature's bins start in a histogram.
    pub offsets: Vec<usize>,
    pub total_bins: usize,
    /// How each feature's histogram is best summed, from how concentrated its bins are.
    pub layout: Vec<Layout>,
    /// The bins other than each feature's most frequent one, row by row (on sparse data only).
    pub sparse: Option<SparseRows>,
}

/// How a feature's bins are distributed, which decides how to sum them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Bins spread out: sum every row.
    Spread,
    /// One bin holds 30-90% of the rows: its rows go to spare slots (so they
    /// do not wait on each other) and the bin is recovered from the total.
    Concentrated(u8),
    /// One bin holds over 90% of the rows: skip them (the branch is
    /// predictable) and recover the bin from the total.
    Sparse(u8),
}

impl Binned {
    /// The bins of feature `f`, one per row.
    #[inline]
    pub fn col(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n_rows..(f + 1) * self.n_rows]
    }

    /// The bin of row `r`, feature `f`.
    #[inline]
    pub fn get(&self, r: usize, f: usize) -> u8 {
        self.bins[f * self.n_rows + r]
    }

    /// Keeps a row-by-row copy of the bins, for summing small leaves.
    pub fn keep_rows(&mut self) {
        let (n, nf, bins) = (self.n_rows, self.n_features, &self.bins);
        let mut rows = vec![0u8; n * nf];
        rows.par_chunks_mut(BLOCK * nf.max(1)).enumerate().for_each(|(b, chunk)| {
            for (i, row) in chunk.chunks_mut(nf.max(1)).enumerate() {
                let r = b * BLOCK + i;
                for (f, v) in row.iter_mut().enumerate() {
                    *v = bins[f * n + r];
                }
            }
        });
        self.rows = rows;
    }

    /// Row `r`'s bins, one per feature.
    #[inline]
    pub fn row(&self, r: usize) -> &[u8] {
        &self.rows[r * self.n_features..(r + 1) * self.n_features]
    }
}

/// The largest integer category accepted (bins look categories up in a table of this size).
const MAX_CATEGORY: u32 = 10_000_000;

/// Rows at a time when binning in parallel.
const BLOCK: usize = 16 * 1024;

/// Learns bin mappers from a seeded sample of rows, `max_bin` bins at most per feature.
#[cfg(test)]
pub fn fit_mappers(
    columns: &[RawColumn<'_>],
    max_bin: usize,
    min_data_in_bin: usize,
    sample_cnt: usize,
    seed: u64,
    missing: Missing,
) -> Result<Vec<BinMapper>> {
    fit_mappers_by_feature(columns, &vec![max_bin; columns.len()], &[], min_data_in_bin, sample_cnt, seed, missing)
}

/// The parameters' bins per feature: `max_bin_by_feature` (checked: one
/// entry per feature, each in [2, 255]) or `max_bin` for every feature.
pub fn max_bins(p: &crate::Gbdt, nf: usize) -> Result<Vec<usize>> {
    if p.max_bin_by_feature.is_empty() {
        return Ok(vec![p.max_bin; nf]);
    }
    let by = &p.max_bin_by_feature;
    if by.len() != nf {
        return Err(Error::param("max_bin_by_feature", format!("has {} values for {nf} features", by.len())));
    }
    if let Some(f) = by.iter().position(|b| !(2..=255).contains(b)) {
        return Err(Error::param("max_bin_by_feature", format!("entry {f} is {}; each must be in [2, 255]", by[f])));
    }
    Ok(by.clone())
}

/// The bin mappers of training data under `p` (binning parameters, forced bins).
pub fn training_mappers(p: &crate::Gbdt, columns: &[RawColumn<'_>]) -> Result<Vec<BinMapper>> {
    let max_bins = max_bins(p, columns.len())?;
    let forced = crate::forced_bins::load(&p.forcedbins_filename, columns)?;
    let missing = Missing::from_params(p.use_missing, p.zero_as_missing);
    fit_mappers_by_feature(columns, &max_bins, &forced, p.min_data_in_bin, p.bin_construct_sample_cnt, p.seed, missing)
}

/// Learns bin mappers from a seeded sample of rows, `max_bins[f]` bins at
/// most for feature `f`, keeping its `forced[f]` bounds (`forced` may be empty).
pub fn fit_mappers_by_feature(
    columns: &[RawColumn<'_>],
    max_bins: &[usize],
    forced: &[Vec<f64>],
    min_data_in_bin: usize,
    sample_cnt: usize,
    seed: u64,
    missing: Missing,
) -> Result<Vec<BinMapper>> {
    debug_assert_eq!(max_bins.len(), columns.len());
    let n = columns.first().map_or(0, RawColumn::len);
    let sample: Option<Vec<usize>> = (n > sample_cnt).then(|| {
        // Selection sampling: a sorted, seeded sample without replacement.
        let mut rng = Rng::new(seed ^ 0x5EED_B1A5);
        let (mut need, mut left) = (sample_cnt, n);
        let mut idx = Vec::with_capacity(sample_cnt);
        for i in 0..n {
            if rng.below(left) < need {
                idx.push(i);
                need -= 1;
            }
            left -= 1;
        }
        idx
    });
    let n_used = sample.as_ref().map_or(n, Vec::len);
    let row_of = |i: usize| sample.as_ref().map_or(i, |s| s[i]);
    // A feature group's sampled values are read a tile of rows at a time:
    // a row's neighbouring features share its cache lines (in row-major data
    // a feature alone would cost a cache miss a value).
    let groups: Vec<Range<usize>> = {
        // Each feature's sort is most of the work: a task per thread at least;
        // and a group's values within `GROUP_BYTES` (peak memory while binning).
        let by_memory = (GROUP_BYTES / (n_used.max(1) * std::mem::size_of::<f64>())).clamp(1, GROUP);
        let group = columns.len().div_ceil(2 * rayon::current_num_threads()).clamp(1, by_memory);
        (0..columns.len()).step_by(group).map(|s| s..(s + group).min(columns.len())).collect()
    };
    let mappers: Vec<Vec<BinMapper>> = groups
        .into_par_iter()
        .map(|g| -> Result<Vec<BinMapper>> {
            let numeric = |f: &usize| matches!(columns[*f], RawColumn::Numeric { .. });
            let mut values: Vec<Vec<f64>> =
                g.clone().map(|f| Vec::with_capacity(if numeric(&f) { n_used } else { 0 })).collect();
            for tile in (0..n_used).step_by(TILE) {
                for (f, v) in g.clone().zip(values.iter_mut()).filter(|(f, _)| numeric(f)) {
                    v.extend((tile..(tile + TILE).min(n_used)).map(|i| columns[f].numeric(row_of(i))));
                }
            }
            g.zip(values)
                .map(|(f, mut values)| {
                    mapper(&columns[f], f, &mut values, max_bins[f], forced, min_data_in_bin, missing, &row_of)
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok(mappers.into_iter().flatten().collect())
}

/// Consecutive features binned by one task (a row's values of a group share a few cache lines).
const GROUP: usize = 16;
/// Sampled values one task holds at most: 4 MB, about what one feature's
/// values and row indices took at 200k samples before groups (5 features of
/// a 100k-row sample, 2 of the full 200k).
const GROUP_BYTES: usize = 4 << 20;
/// Rows read per feature of a group before the next feature (a tile of a group stays in L1/L2).
const TILE: usize = 512;

/// One feature's mapper: numeric from its sampled `values` (sorted here;
/// `row_of` maps a sample position to its row), categorical from every row.
#[allow(clippy::too_many_arguments)]
fn mapper(
    col: &RawColumn<'_>,
    f: usize,
    values: &mut Vec<f64>,
    max_bin: usize,
    forced: &[Vec<f64>],
    min_data_in_bin: usize,
    missing: Missing,
    row_of: &impl Fn(usize) -> usize,
) -> Result<BinMapper> {
    Ok(match col {
        RawColumn::Numeric { .. } => {
            if let Some(k) = values.iter().position(|v| v.is_infinite()) {
                return Err(Error::at_cell(
                    row_of(k),
                    format!("'{}'", col.name()),
                    "Input X contains infinity or a value too large; NaN is read as missing, infinity is not",
                ));
            }
            let forced = forced.get(f).map_or(&[][..], Vec::as_slice);
            numeric_mapper(values, max_bin, min_data_in_bin, missing, forced)
        }
        RawColumn::Categorical { .. } => {
            // Every row counts for categories, so rare levels are not lost to sampling.
            let mut dense: Vec<usize> = Vec::new();
            for i in 0..col.len() {
                if let Some(c) = col.category(i)? {
                    if c > MAX_CATEGORY {
                        return Err(Error::at_cell(
                            i,
                            format!("'{}'", col.name()),
                            format!("category {c} is above {MAX_CATEGORY}, the largest supported; re-encode the categories as 0, 1, 2, ..."),
                        ));
                    }
                    if c as usize >= dense.len() {
                        dense.resize(c as usize + 1, 0);
                    }
                    dense[c as usize] += 1;
                }
            }
            let counts = dense.iter().enumerate().filter(|(_, &k)| k > 0).map(|(c, &k)| (c as u32, k)).collect();
            categorical_from_counts(counts, max_bin)
        }
    })
}

/// The bins a data set gets under `params`, as training would bin it (what
/// LightGBM calls a constructed Dataset): each feature's number of bins (0
/// for a feature that cannot split) and every value's bin, row-major.
pub fn dataset_bins(
    x: &ironlearn_core::Features<'_>,
    params: &crate::Gbdt,
) -> Result<(Vec<usize>, ndarray::Array2<u8>)> {
    let (_, columns) = crate::features::training_columns(x, &params.categorical_feature)?;
    let mappers = training_mappers(params, &columns)?;
    let binned = bin_rows(&columns, &mappers)?;
    let bins = ndarray::Array2::from_shape_fn((binned.n_rows, mappers.len()), |(r, f)| binned.get(r, f));
    Ok((bin_counts(&mappers), bins))
}

/// Each feature's number of bins under `params` (0 for a feature that cannot
/// split), without binning the rows: [`dataset_bins`]' first half, at the
/// cost of the bin bounds alone.
pub fn dataset_bin_counts(x: &ironlearn_core::Features<'_>, params: &crate::Gbdt) -> Result<Vec<usize>> {
    let (_, columns) = crate::features::training_columns(x, &params.categorical_feature)?;
    Ok(bin_counts(&training_mappers(params, &columns)?))
}

fn bin_counts(mappers: &[BinMapper]) -> Vec<usize> {
    mappers.iter().map(|m| if m.is_trivial() { 0 } else { m.n_bins() }).collect()
}

/// Bins every row with the given mappers (training, validation or new data).
pub fn bin_rows(columns: &[RawColumn<'_>], mappers: &[BinMapper]) -> Result<Binned> {
    let n = columns.first().map_or(0, RawColumn::len);
    let nf = columns.len();
    let mut bins = vec![0u8; n * nf];
    // One task per block of rows and group of features, which it bins a tile
    // of rows at a time (see `GROUP`).
    let mut blocks: Vec<Vec<&mut [u8]>> = (0..n.div_ceil(BLOCK)).map(|_| Vec::with_capacity(nf)).collect();
    for col in bins.chunks_mut(n.max(1)) {
        col.chunks_mut(BLOCK).zip(blocks.iter_mut()).for_each(|(c, b)| b.push(c));
    }
    let mut tasks = Vec::new();
    for (b, outs) in blocks.into_iter().enumerate() {
        let mut outs = outs.into_iter();
        for f0 in (0..nf).step_by(GROUP) {
            tasks.push((b * BLOCK, f0, outs.by_ref().take(GROUP).collect::<Vec<_>>()));
        }
    }
    tasks.into_par_iter().try_for_each(|(start, f0, mut outs)| -> Result<()> {
        let len = outs.first().map_or(0, |o| o.len());
        for tile in (0..len).step_by(TILE) {
            let tile = tile..(tile + TILE).min(len);
            for (f, out) in (f0..).zip(outs.iter_mut()) {
                bin_column(&columns[f], &mappers[f], start + tile.start, &mut out[tile.clone()])?;
            }
        }
        Ok(())
    })?;
    let mut offsets = Vec::with_capacity(nf + 1);
    let mut total = 0;
    for m in mappers {
        offsets.push(total);
        total += m.n_bins();
    }
    offsets.push(total);
    let layout = (0..nf)
        .into_par_iter()
        .map(|f| {
            let mut counts = vec![0usize; mappers[f].n_bins()];
            // A strided sample is enough to find the dominant bin.
            let col = &bins[f * n..(f + 1) * n];
            let step = (n / 50_000).max(1);
            col.iter().step_by(step).for_each(|&b| counts[b as usize] += 1);
            let sampled = n.div_ceil(step);
            let (b, c) = counts.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0))).unwrap_or((0, &0));
            if *c * 10 > sampled * 9 {
                Layout::Sparse(b as u8)
            } else if *c * 10 > sampled * 3 {
                Layout::Concentrated(b as u8)
            } else {
                Layout::Spread
            }
        })
        .collect();
    Ok(Binned { bins, rows: Vec::new(), n_rows: n, n_features: nf, offsets, total_bins: total, layout, sparse: None })
}

/// Bins rows `start..start + out.len()` of `col` into `out`.
fn bin_column(col: &RawColumn<'_>, mapper: &BinMapper, start: usize, out: &mut [u8]) -> Result<()> {
    match mapper {
        BinMapper::Numeric { upper, missing_bin, zero_bin, zero_missing, .. } => {
            for (i, o) in out.iter_mut().enumerate() {
                let v = col.numeric(start + i);
                let v = if *zero_missing && v == 0.0 { f64::NAN } else { v };
                if v.is_infinite() {
                    return Err(Error::at_cell(
                        start + i,
                        format!("'{}'", col.name()),
                        "Input X contains infinity or a value too large; NaN is read as missing, infinity is not",
                    ));
                }
                *o = BinMapper::numeric_bin(upper, *missing_bin, *zero_bin, v);
            }
        }
        BinMapper::Categorical { categories, lookup } => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = BinMapper::category_bin(categories, lookup, col.category(start + i)?);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_their_own_bins() {
        let mut v = vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, f64::NAN];
        let m = numeric_mapper(&mut v, 255, 3, Missing::Nan, &[]);
        let BinMapper::Numeric { upper, missing_bin, .. } = &m else { panic!() };
        // LightGBM's bins: one for zero (empty here), then one per value.
        assert_eq!(upper, &[crate::bin_bounds::ZERO_THRESHOLD, 1.5f64.next_up(), 2.5f64.next_up(), f64::INFINITY]);
        assert_eq!(*missing_bin, Some(4));
        assert_eq!(BinMapper::numeric_bin(upper, *missing_bin, 0, 2.5), 2);
        assert_eq!(BinMapper::numeric_bin(upper, *missing_bin, 0, 2.6), 3);
        assert_eq!(BinMapper::numeric_bin(upper, *missing_bin, 0, f64::NAN), 4);
    }

    #[test]
    fn quantile_bins_are_balanced() {
        let mut v: Vec<f64> = (1..=10_000).map(|i| i as f64).collect();
        let m = numeric_mapper(&mut v, 11, 3, Missing::Nan, &[]);
        let BinMapper::Numeric { upper, .. } = &m else { panic!() };
        // The (empty) bin of zero, then 10 bins of the values.
        assert_eq!(upper.len(), 11);
        let counts: Vec<usize> = (1..11)
            .map(|b| (1..=10_000).filter(|&i| BinMapper::numeric_bin(upper, None, 0, i as f64) == b).count())
            .collect();
        assert!(counts.iter().all(|&c| (900..=1100).contains(&c)), "{counts:?}");
    }

    #[test]
    fn categories_by_frequency() {
        let counts = std::collections::HashMap::from([(5, 3), (2, 2)]);
        let m = categorical_from_counts(counts, 255);
        let BinMapper::Categorical { categories, lookup } = &m else { panic!() };
        assert_eq!(categories, &[5, 2]);
        assert_eq!(BinMapper::category_bin(categories, lookup, Some(2)), 1);
        assert_eq!(BinMapper::category_bin(categories, lookup, Some(9)), 2);
        assert_eq!(BinMapper::category_bin(categories, lookup, None), 2);
    }
}
