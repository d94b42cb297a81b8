//! Numeric bin boundaries by LightGBM's rule.
//!
//! Bins decide which thresholds a tree can choose, so using LightGBM's rule
//! gives the same candidate splits as LightGBM: on small data, where one bin
//! more or less moves a split by several rows, that decides the model. The
//! rule keeps zero in a bin of its own (so sparse data's zeros never share a
//! bin with either sign, and a split "zero vs the rest" always exists), cuts
//! each side of zero greedily into bins of at least `min_data_in_bin`
//! values, and gives values too frequent for the mean bin size a bin each.

/// Values within this distance of zero count as zero.
pub const ZERO_THRESHOLD: f64 = 1e-35;

/// The upper bounds of the value bins of `sorted` (ascending, no NaN), the
/// last one `+inf`; at most `max_bin` bins.
pub fn numeric_bounds(sorted: &[f64], max_bin: usize, min_data_in_bin: usize) -> Vec<f64> {
    let (values, counts) = distinct(sorted);
    bounds_around_zero(&values, &counts, max_bin, sorted.len(), min_data_in_bin)
}

/// Whether `b` is `a` or the next double above it (`a <= b`).
fn equal_ordered(a: f64, b: f64) -> bool {
    b <= a.next_up()
}

/// The distinct values of `sorted` (ascending) with their counts, values
/// within `ZERO_THRESHOLD` of zero counted as zero, which is inserted where it
/// belongs (between the signs, even with no such value).
///
/// The vectors are sized by a first pass: grown by doubling they would
/// allocate a buffer of each size on the way, which an allocator that keeps
/// freed memory for reuse (mimalloc) holds long after binning.
pub(crate) fn distinct(sorted: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let zero_cnt = sorted.iter().filter(|v| v.abs() <= ZERO_THRESHOLD).count();
    let nonzero = || sorted.iter().copied().filter(|v| v.abs() > ZERO_THRESHOLD);
    let (mut size, mut prev) = (1, None);
    for v in nonzero() {
        if !prev.is_some_and(|p| equal_ordered(p, v)) {
            size += 1;
        }
        prev = Some(v);
    }
    let last = prev;
    let (mut values, mut counts) = (Vec::with_capacity(size), Vec::with_capacity(size));
    if nonzero().next().is_none_or(|first| first > 0.0 && zero_cnt > 0) {
        values.push(0.0);
        counts.push(zero_cnt);
    }
    let mut prev: Option<f64> = None;
    for v in nonzero() {
        if let Some(p) = prev {
            if equal_ordered(p, v) {
                // Values one ulp apart are one value: the larger.
                *values.last_mut().expect("pushed before") = v;
                *counts.last_mut().expect("pushed before") += 1;
                prev = Some(v);
                continue;
            }
            if p < 0.0 && v > 0.0 {
                values.push(0.0);
                counts.push(zero_cnt);
            }
        }
        values.push(v);
        counts.push(1);
        prev = Some(v);
    }
    if last.is_some_and(|v| v < 0.0) && zero_cnt > 0 {
        values.push(0.0);
        counts.push(zero_cnt);
    }
    (values, counts)
}

/// Negative values, zero and positive values binned apart.
fn bounds_around_zero(
    values: &[f64],
    counts: &[usize],
    max_bin: usize,
    total: usize,
    min_data_in_bin: usize,
) -> Vec<f64> {
    let mut bounds = Vec::new();
    let left = values.iter().position(|&v| v > -ZERO_THRESHOLD).unwrap_or(values.len());
    let in_range = |lo: usize, hi: usize| counts[lo..hi].iter().sum::<usize>();
    let zero_cnt: usize = values.iter().zip(counts).filter(|(v, _)| v.abs() <= ZERO_THRESHOLD).map(|(_, &c)| c).sum();
    if left > 0 && max_bin > 1 {
        let left_data = in_range(0, left);
        let left_max_bin = ((left_data as f64 / (total - zero_cnt) as f64 * (max_bin - 1) as f64) as usize).max(1);
        bounds = greedy(&values[..left], &counts[..left], left_max_bin, left_data, min_data_in_bin);
        if let Some(last) = bounds.last_mut() {
            *last = -ZERO_THRESHOLD;
        }
    }
    let right = (left..values.len()).find(|&i| values[i] > ZERO_THRESHOLD);
    let right_max_bin = (max_bin - 1).saturating_sub(bounds.len());
    match right {
        Some(r) if right_max_bin > 0 => {
            let right_data = in_range(r, values.len());
            bounds.push(ZERO_THRESHOLD);
            bounds.extend(greedy(&values[r..], &counts[r..], right_max_bin, right_data, min_data_in_bin));
        }
        _ => bounds.push(f64::INFINITY),
    }
    debug_assert!(bounds.len() <= max_bin);
    bounds
}

/// One side's bins: each distinct value its own bin when they are few
/// (merged up to `min_data_in_bin`), otherwise bins of about equal counts in
/// which a value more frequent than the mean bin size gets a bin alone.
pub(crate) fn greedy(
    values: &[f64],
    counts: &[usize],
    max_bin: usize,
    total: usize,
    min_data_in_bin: usize,
) -> Vec<f64> {
    assert!(max_bin > 0, "a side of zero has at least one bin");
    let n = values.len();
    let mut bounds = Vec::new();
    let push = |bounds: &mut Vec<f64>, v: f64| {
        let v = v.next_up();
        if bounds.last().is_none_or(|&b| !equal_ordered(b, v)) {
            bounds.push(v);
            true
        } else {
            false
        }
    };
    if n <= max_bin {
        let mut in_bin = 0;
        for i in 0..n - 1 {
            in_bin += counts[i];
            if in_bin >= min_data_in_bin && push(&mut bounds, (values[i] + values[i + 1]) / 2.0) {
                in_bin = 0;
            }
        }
        bounds.push(f64::INFINITY);
        return bounds;
    }
    let max_bin = total.checked_div(min_data_in_bin).map_or(max_bin, |cap| max_bin.min(cap).max(1));
    let mut mean_size = total as f64 / max_bin as f64;
    let big: Vec<bool> = counts.iter().map(|&c| c as f64 >= mean_size).collect();
    // Signed, as LightGBM's: with many frequent values no bins may be left.
    let mut rest_bins = max_bin as i64 - big.iter().filter(|&&b| b).count() as i64;
    let mut rest_count =
        total as i64 - counts.iter().zip(&big).filter(|(_, &b)| b).map(|(&c, _)| c as i64).sum::<i64>();
    mean_size = rest_count as f64 / rest_bins as f64;
    let (mut upper, mut lower) = (vec![f64::INFINITY; max_bin], vec![f64::INFINITY; max_bin]);
    let mut bins = 0;
    lower[0] = values[0];
    let mut in_bin = 0;
    for i in 0..n - 1 {
        if !big[i] {
            rest_count -= counts[i] as i64;
        }
        in_bin += counts[i];
        // LightGBM compares with half the mean size in single precision.
        let half = (mean_size as f32 * 0.5) as f64;
        if big[i] || in_bin as f64 >= mean_size || (big[i + 1] && in_bin as f64 >= half.max(1.0)) {
            upper[bins] = values[i];
            bins += 1;
            lower[bins] = values[i + 1];
            if bins >= max_bin - 1 {
                break;
            }
            in_bin = 0;
            if !big[i] {
                rest_bins -= 1;
                mean_size = rest_count as f64 / rest_bins as f64;
            }
        }
    }
    bins += 1;
    for i in 0..bins - 1 {
        push(&mut bounds, (upper[i] + lower[i + 1]) / 2.0);
    }
    bounds.push(f64::INFINITY);
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_gets_its_own_bin() {
        // Positive values only: an (empty) bin up to zero, then the values.
        let b = numeric_bounds(&[1.0, 1.0, 1.0, 2.0, 2.0, 2.0], 255, 3);
        assert_eq!(b, vec![ZERO_THRESHOLD, 1.5f64.next_up(), f64::INFINITY]);
        // Both signs: negatives, zero, positives.
        let b = numeric_bounds(&[-2.0, -2.0, -2.0, -1.0, -1.0, -1.0, 3.0, 3.0, 3.0], 255, 3);
        assert_eq!(b, vec![(-1.5f64).next_up(), -ZERO_THRESHOLD, ZERO_THRESHOLD, f64::INFINITY]);
    }

    #[test]
    fn min_data_in_bin_merges_rare_values() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        // 100 distinct values, two per bin, plus the bin of zero (LightGBM's
        // test_feature_num_bin: 100 // min_data_in_bin + 1).
        assert_eq!(numeric_bounds(&v, 255, 2).len(), 51);
        assert_eq!(numeric_bounds(&v, 255, 10).len(), 11);
    }

    #[test]
    fn many_values_make_balanced_bins_and_frequent_ones_stand_alone() {
        let mut v: Vec<f64> = (1..=10_000).map(f64::from).collect();
        v.extend(std::iter::repeat_n(5000.5, 3000));
        v.sort_by(f64::total_cmp);
        let b = numeric_bounds(&v, 10, 3);
        assert!(b.len() <= 10);
        let bin = |x: f64| b.partition_point(|u| *u < x);
        // The frequent value is alone in its bin.
        assert_ne!(bin(5000.0), bin(5000.5));
        assert_ne!(bin(5000.5), bin(5001.0));
    }
}
