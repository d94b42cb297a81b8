//! Forced bin boundaries (LightGBM's `forcedbins_filename`).
//!
//! Trees can only split between bins, so a threshold that matters (a legal
//! limit, a round number) may be out of reach of bins cut at the data's
//! quantiles. A JSON file names such upper bounds per feature, and LightGBM's
//! rule combines them with the data: zero keeps its bin, the forced bounds
//! come next (as many as `max_bin` leaves room for, in the file's order), and
//! the bins still free go to the intervals between them in proportion to the
//! values each holds, every interval cut by the usual greedy rule.

use ironlearn_core::{Error, Result};
use serde_json::Value;

use crate::bin_bounds::{distinct, greedy, ZERO_THRESHOLD};
use crate::features::RawColumn;

const PARAM: &str = "forcedbins_filename";

/// The forced upper bounds of each feature from the file `path` (`""`: none,
/// an empty list). Categorical features ignore theirs, as in LightGBM.
pub fn load(path: &str, columns: &[RawColumn<'_>]) -> Result<Vec<Vec<f64>>> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let bad = |m: String| Error::param(PARAM, format!("forced bins file '{path}': {m}"));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| bad(format!("is not JSON: {e}")))?;
    let entries =
        json.as_array().ok_or_else(|| bad("must be a list of {\"feature\", \"bin_upper_bound\"} objects".into()))?;
    let mut forced = vec![Vec::new(); columns.len()];
    for (i, entry) in entries.iter().enumerate() {
        let f = entry
            .get("feature")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(format!("entry {i} needs a 'feature' index (0, 1, ...)")))?;
        if f >= columns.len() as u64 {
            return Err(bad(format!("entry {i} names feature {f}, but the data has {} features", columns.len())));
        }
        let bounds = entry
            .get("bin_upper_bound")
            .and_then(Value::as_array)
            .and_then(|b| b.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>())
            .ok_or_else(|| bad(format!("entry {i} needs 'bin_upper_bound', a list of numbers")))?;
        if matches!(columns[f as usize], RawColumn::Numeric { .. }) {
            forced[f as usize].extend(bounds);
        }
    }
    // Repeated bounds once (LightGBM drops repeats next to each other).
    forced.iter_mut().for_each(Vec::dedup);
    Ok(forced)
}

/// The upper bounds of the value bins of `sorted` (ascending, no NaN), the
/// last `+inf`, that keep the `forced` ones: at most `max_bin` bins.
pub fn bounds(sorted: &[f64], max_bin: usize, min_data_in_bin: usize, forced: &[f64]) -> Vec<f64> {
    let (values, counts) = distinct(sorted);
    let negatives = values.iter().position(|&v| v > -ZERO_THRESHOLD).unwrap_or(values.len());
    let positives = values[negatives..].iter().any(|&v| v > ZERO_THRESHOLD);
    // Zero's bin (what room allows), the last bin, then the forced bounds.
    let mut bounds = Vec::new();
    if max_bin == 2 {
        bounds.push(if negatives == 0 { ZERO_THRESHOLD } else { -ZERO_THRESHOLD });
    } else if max_bin >= 3 {
        if negatives > 0 {
            bounds.push(-ZERO_THRESHOLD);
        }
        if positives {
            bounds.push(ZERO_THRESHOLD);
        }
    }
    bounds.push(f64::INFINITY);
    let room = max_bin.saturating_sub(bounds.len());
    bounds.extend(forced.iter().copied().filter(|b| b.abs() > ZERO_THRESHOLD).take(room));
    bounds.sort_by(f64::total_cmp);
    // The free bins, shared among the intervals by their counts; the last takes what is left.
    let free = max_bin.saturating_sub(bounds.len());
    let total = sorted.len().max(1);
    let mut added = Vec::new();
    let mut v = 0;
    for (i, &upper) in bounds.iter().enumerate() {
        let start = v;
        while v < values.len() && values[v] < upper {
            v += 1;
        }
        let in_bin: usize = counts[start..v].iter().sum();
        let left = max_bin.saturating_sub(bounds.len() + added.len());
        let share = ((in_bin * free) as f64 / total as f64).round() as usize;
        let bins = if i + 1 == bounds.len() { left + 1 } else { share.min(left) + 1 };
        // One bin needs no cut.
        if v > start + 1 && bins > 1 {
            let cut = greedy(&values[start..v], &counts[start..v], bins, in_bin, min_data_in_bin);
            added.extend_from_slice(&cut[..cut.len() - 1]);
        }
    }
    bounds.extend(added);
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    debug_assert!(bounds.len() <= max_bin.max(1));
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// Which bin each value falls in, numbered from 0.
    fn bin_of(bounds: &[f64], v: f64) -> usize {
        bounds.partition_point(|u| *u < v)
    }

    #[test]
    fn forced_bounds_are_kept_and_the_rest_share_the_free_bins() {
        // 0, 0.01, ..., 0.99 (LightGBM's test_forced_bins).
        let x: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        // max_bin 5: zero's bin, the three forced bounds and the last bin; nothing is left.
        let b = bounds(&x, 5, 3, &[0.3, 0.35, 0.4]);
        assert_eq!(b, vec![ZERO_THRESHOLD, 0.3, 0.35, 0.4, f64::INFINITY]);
        // max_bin 11: six bounds, five free bins, one per interval of 20 values but the first.
        let b = bounds(&x, 11, 3, &[0.19, 0.39, 0.59, 0.79]);
        assert_eq!(b.len(), 11);
        for f in [0.19, 0.39, 0.59, 0.79] {
            assert!(b.contains(&f), "{b:?}");
        }
        let mut counts = vec![0; b.len()];
        x[1..].iter().for_each(|&v| counts[bin_of(&b, v)] += 1);
        assert_eq!(counts[0], 0, "zero's bin holds only zero");
        assert!(counts[1..].iter().all(|&c| (9..=11).contains(&c)), "{counts:?}");
        // Negative values: their side of zero.
        let neg: Vec<f64> = x.iter().rev().map(|v| -v).collect();
        let b = bounds(&neg, 5, 3, &[-0.1, -0.15, -0.2]);
        assert_eq!(b, vec![-0.2, -0.15, -0.1, -ZERO_THRESHOLD, f64::INFINITY]);
    }

    #[test]
    fn max_bin_limits_the_forced_bounds_in_file_order() {
        let x: Vec<f64> = (1..=50).map(f64::from).collect();
        // Zero's bin and the last take 2 of 4: the first two forced bounds (not zero) fit.
        let b = bounds(&x, 4, 3, &[40.0, 0.0, 10.0, 20.0]);
        assert_eq!(b, vec![ZERO_THRESHOLD, 10.0, 40.0, f64::INFINITY]);
        // A bound beyond the data makes an empty bin; no bound is repeated.
        let b = bounds(&x, 255, 3, &[100.0, 100.0, 25.5]);
        assert!(b.contains(&100.0) && b.contains(&25.5) && b.windows(2).all(|w| w[0] < w[1]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn bounds_keep_the_forced_ones_within_max_bin(
            mut values in proptest::collection::vec(-5i32..5, 0..60),
            forced in proptest::collection::vec(-6i32..6, 1..8),
            max_bin in 1usize..12,
            min_data_in_bin in 1usize..4,
        ) {
            values.sort_unstable();
            let sorted: Vec<f64> = values.iter().map(|&v| f64::from(v) / 2.0).collect();
            let forced: Vec<f64> = forced.iter().map(|&v| f64::from(v) / 2.0 + 0.25).collect();
            let b = bounds(&sorted, max_bin, min_data_in_bin, &forced);
            proptest::prop_assert!(b.len() <= max_bin.max(1), "{b:?}");
            proptest::prop_assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
            proptest::prop_assert_eq!(b.last().copied(), Some(f64::INFINITY));
            // With room for them all, every forced bound is a bin bound.
            if max_bin >= forced.len() + 3 {
                proptest::prop_assert!(forced.iter().all(|f| b.contains(f)), "{b:?}");
            }
        }
    }

    #[test]
    fn files_are_read_and_checked() {
        let x = Array1::from_vec(vec![1.0, 2.0]);
        let cols = [
            RawColumn::Numeric { name: "a".into(), values: x.view() },
            RawColumn::Numeric { name: "b".into(), values: x.view() },
        ];
        let load_text = |text: &str| {
            let path = std::env::temp_dir().join(format!("ironlearn-forced-bins-{}.json", std::process::id()));
            std::fs::write(&path, text).unwrap();
            let out = load(path.to_str().unwrap(), &cols);
            std::fs::remove_file(&path).unwrap();
            out
        };
        let f = load_text(
            r#"[{"feature": 1, "bin_upper_bound": [0.5, 0.5, 1.5]}, {"feature": 1, "bin_upper_bound": [3]}]"#,
        );
        assert_eq!(f.unwrap(), vec![vec![], vec![0.5, 1.5, 3.0]]);
        assert_eq!(load("", &cols).unwrap(), Vec::<Vec<f64>>::new());
        for (text, says) in [
            ("{}", "must be a list"),
            (r#"[{"bin_upper_bound": [1]}]"#, "entry 0 needs a 'feature'"),
            (r#"[{"feature": 2, "bin_upper_bound": [1]}]"#, "names feature 2, but the data has 2 features"),
            (r#"[{"feature": 0, "bin_upper_bound": ["a"]}]"#, "needs 'bin_upper_bound'"),
            ("[", "is not JSON"),
        ] {
            let m = load_text(text).unwrap_err().to_string();
            assert!(m.contains("forcedbins_filename") && m.contains(says), "{text}: {m}");
        }
        let m = load("/no/such/bins.json", &cols).unwrap_err().to_string();
        assert!(m.contains("/no/such/bins.json"), "{m}");
    }
}
