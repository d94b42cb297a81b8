//! LightGBM's two percentile rules, used for the starting score and the leaf
//! values of the L1, quantile and MAPE losses.
//!
//! They are not the textbook ones and must be copied exactly for the models
//! to agree: without weights LightGBM interpolates linearly between order
//! statistics (numpy's "linear" percentile); with weights it walks the
//! weighted CDF and interpolates only when the step it lands in weighs at
//! least 1 (`WeightedPercentileFun` in `regression_objective.hpp`, 4.7.0).
//! The starting score is computed in LightGBM's label type, `f32`: with
//! `in_f32` the values and the differences between them are rounded as there.

/// Rounds to `f32` when LightGBM computes in its label type.
fn round(x: f64, in_f32: bool) -> f64 {
    if in_f32 {
        f64::from(x as f32)
    } else {
        x
    }
}

/// LightGBM's `PercentileFun`: the `alpha` quantile, linearly interpolated.
/// `values` is reordered.
pub(crate) fn percentile(values: &mut [f64], alpha: f64, in_f32: bool) -> f64 {
    let n = values.len();
    if n <= 1 {
        return values.first().map_or(0.0, |&v| round(v, in_f32));
    }
    values.iter_mut().for_each(|v| *v = round(*v, in_f32));
    // LightGBM counts from the largest value down.
    values.sort_by(|a, b| b.total_cmp(a));
    let float_pos = (n - 1) as f64 * (1.0 - alpha);
    let pos = float_pos.floor() as i64 + 1;
    if pos < 1 {
        return values[0];
    }
    let pos = pos as usize;
    if pos >= n {
        return values[n - 1];
    }
    let bias = float_pos - (pos - 1) as f64;
    let (v1, v2) = (values[pos - 1], values[pos]);
    round(v1 - round(v1 - v2, in_f32) * bias, in_f32)
}

/// LightGBM's `WeightedPercentileFun` over `(value, weight)` pairs; `values` is reordered.
pub(crate) fn weighted_percentile(values: &mut [(f64, f64)], alpha: f64, in_f32: bool) -> f64 {
    let n = values.len();
    if n <= 1 {
        return values.first().map_or(0.0, |v| round(v.0, in_f32));
    }
    values.iter_mut().for_each(|v| v.0 = round(v.0, in_f32));
    // A stable sort by value, as `std::stable_sort` with `<`.
    values.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let cdf: Vec<f64> = values
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v.1;
            Some(*acc)
        })
        .collect();
    let threshold = cdf[n - 1] * alpha;
    let pos = cdf.partition_point(|&c| c <= threshold).min(n - 1);
    if pos == 0 || pos == n - 1 {
        return values[pos].0;
    }
    let (v1, v2) = (values[pos - 1].0, values[pos].0);
    let step = cdf[pos] - cdf[pos - 1];
    if step >= 1.0 {
        round((threshold - cdf[pos - 1]) / step * round(v2 - v1, in_f32) + v1, in_f32)
    } else {
        v1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unweighted_is_the_linear_percentile() {
        let mut v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(percentile(&mut v, 0.5, false), 2.5);
        let mut v = [4.0, 1.0, 3.0, 2.0];
        // (n - 1) * 0.9 = 2.7 from the bottom: 3 + 0.7 * (4 - 3).
        assert!((percentile(&mut v, 0.9, false) - 3.7).abs() < 1e-12);
        assert_eq!(percentile(&mut [7.0], 0.3, false), 7.0);
    }

    #[test]
    fn weighted_interpolates_inside_the_step_it_lands_in() {
        // LightGBM 4.7.0's regression test (issue 7151): y = [2, 3, 4, 5], w = [4, 3, 2, 1]
        // gives 2 + 1/3 (cdf 4, 7, 9, 10; threshold 5 lies in the step from 4 to 7).
        let mut v = [(2.0, 4.0), (3.0, 3.0), (4.0, 2.0), (5.0, 1.0)];
        assert!((weighted_percentile(&mut v, 0.5, false) - (2.0 + 1.0 / 3.0)).abs() < 1e-12);
        // Unit weights: the lower median, not the mean of the middle two.
        let mut v = [(4.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)];
        assert_eq!(weighted_percentile(&mut v, 0.5, false), 2.0);
        // A step lighter than 1 is not interpolated.
        let mut v = [(1.0, 0.25), (2.0, 0.25), (3.0, 0.25), (4.0, 0.25)];
        assert_eq!(weighted_percentile(&mut v, 0.6, false), 2.0);
    }
}
