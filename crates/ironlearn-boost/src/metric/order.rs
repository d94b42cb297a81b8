//! Metrics of how the scores order the rows: AUC, average precision, AUC-mu.
//!
//! Written as LightGBM 4.7.0 computes them (`binary_metric.hpp`,
//! `multiclass_metric.hpp`), ties and edge cases included: rows with equal
//! scores form one step of the curve, a set with a single class scores 1, and
//! AUC-mu puts class j first among tied distances.

use super::class_of;

/// Rows by descending score; equal scores stay together (any order among them).
fn by_score_descending(score: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_unstable_by(|&a, &b| score[b].total_cmp(&score[a]));
    idx
}

/// `(positive, negative)` weight of a row: labels above 0 are positive, at or below 0 negative.
fn split(y: f64, w: f64) -> (f64, f64) {
    (if y > 0.0 { w } else { 0.0 }, if y <= 0.0 { w } else { 0.0 })
}

/// LightGBM's `AUCMetric::Eval`: the area under the ROC curve, ties counted half.
pub(super) fn auc(score: &[f64], y: &[f64], weights: Option<&[f64]>) -> f64 {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let sum_weights: f64 = weights.map_or(y.len() as f64, |w| w.iter().sum());
    let idx = by_score_descending(score);
    let (mut cur_pos, mut cur_neg, mut sum_pos, mut accum) = (0.0, 0.0, 0.0, 0.0);
    let mut threshold = score[idx[0]];
    for &i in &idx {
        if score[i] != threshold {
            threshold = score[i];
            accum += cur_neg * (cur_pos * 0.5 + sum_pos);
            sum_pos += cur_pos;
            (cur_pos, cur_neg) = (0.0, 0.0);
        }
        let (p, n) = split(y[i], w(i));
        cur_pos += p;
        cur_neg += n;
    }
    accum += cur_neg * (cur_pos * 0.5 + sum_pos);
    sum_pos += cur_pos;
    if sum_pos > 0.0 && sum_pos != sum_weights {
        accum / (sum_pos * (sum_weights - sum_pos))
    } else {
        1.0
    }
}

/// LightGBM's `AveragePrecisionMetric::Eval`: precision averaged over the
/// positives, one step per distinct score.
pub(super) fn average_precision(score: &[f64], y: &[f64], weights: Option<&[f64]>) -> f64 {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let sum_weights: f64 = weights.map_or(y.len() as f64, |w| w.iter().sum());
    let idx = by_score_descending(score);
    let (mut cur_pos, mut cur_neg, mut sum_pos, mut sum_pred_pos, mut accum) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut threshold = score[idx[0]];
    let mut step = |cur_pos: f64, cur_neg: f64, sum_pos: &mut f64| {
        *sum_pos += cur_pos;
        sum_pred_pos += cur_pos + cur_neg;
        accum += cur_pos * (*sum_pos / sum_pred_pos);
    };
    for &i in &idx {
        if score[i] != threshold {
            threshold = score[i];
            step(cur_pos, cur_neg, &mut sum_pos);
            (cur_pos, cur_neg) = (0.0, 0.0);
        }
        let (p, n) = split(y[i], w(i));
        cur_pos += p;
        cur_neg += n;
    }
    step(cur_pos, cur_neg, &mut sum_pos);
    if sum_pos > 0.0 && sum_pos != sum_weights {
        accum / sum_pos
    } else {
        1.0
    }
}

/// LightGBM's `AucMuMetric::Eval` on raw class-major scores with `cost`, the
/// flattened k x k matrix of misclassification costs (empty: 1 off the diagonal).
pub(super) fn auc_mu(raw: &[f64], y: &[f64], weights: Option<&[f64]>, cost: &[f64]) -> f64 {
    const EPSILON: f64 = 1e-15;
    let n = y.len();
    let k = raw.len() / n;
    let Some(class) = y.iter().map(|&v| class_of(v, k)).collect::<Option<Vec<usize>>>() else { return f64::NAN };
    if k < 2 || !(cost.is_empty() || cost.len() == k * k) {
        return f64::NAN;
    }
    let c = |i: usize, j: usize| match (i == j, cost.is_empty()) {
        (true, _) => 0.0,
        (false, true) => 1.0,
        (false, false) => cost[i * k + j],
    };
    let w = |a: usize| weights.map_or(1.0, |w| w[a]);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); k];
    class.iter().enumerate().for_each(|(a, &ca)| rows[ca].push(a));
    // Unweighted, a class's size; weighted, its weight.
    let mass: Vec<f64> =
        rows.iter().map(|r| if weights.is_some() { r.iter().map(|&a| w(a)).sum() } else { r.len() as f64 }).collect();
    let mut total = 0.0;
    for i in 0..k {
        for j in i + 1..k {
            // Rows of classes i and j by their distance from the hyperplane separating them.
            let v: Vec<f64> = (0..k).map(|m| c(i, m) - c(j, m)).collect();
            let t1 = v[i] - v[j];
            let mut dist: Vec<(usize, f64)> = rows[i]
                .iter()
                .chain(&rows[j])
                .map(|&a| (a, t1 * (0..k).fold(0.0, |s, m| s + v[m] * raw[m * n + a])))
                .collect();
            dist.sort_by(|a, b| a.1.total_cmp(&b.1).then(class[b.0].cmp(&class[a.0])));
            // LightGBM's comparator also puts class j first among distances within EPSILON.
            let mut start = 0;
            for e in 1..=dist.len() {
                if e == dist.len() || (dist[e].1 - dist[e - 1].1).abs() >= EPSILON {
                    dist[start..e].sort_by_key(|&(a, _)| std::cmp::Reverse(class[a]));
                    start = e;
                }
            }
            let (mut num_j, mut last_j_dist, mut num_current_j, mut s) = (0.0, 0.0, 0.0, 0.0);
            for &(a, d) in &dist {
                let wa = w(a);
                let tied = (d - last_j_dist).abs() < EPSILON;
                if class[a] == i {
                    // Members of class j at the same distance count half.
                    s += wa * if tied { num_j - 0.5 * num_current_j } else { num_j };
                } else {
                    num_j += wa;
                    if tied {
                        num_current_j += wa;
                    } else {
                        last_j_dist = d;
                        num_current_j = wa;
                    }
                }
            }
            total += (s / mass[i]) / mass[j];
        }
    }
    (2.0 * total / k as f64) / (k as f64 - 1.0)
}
