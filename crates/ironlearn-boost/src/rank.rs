//! Learning to rank: LambdaRank and XE-NDCG gradients, and NDCG.
//!
//! Rows come in query groups (consecutive rows, sizes given by the user).
//! Within a query every pair of documents with different relevance pulls
//! their scores apart, weighted by how much swapping them would change NDCG,
//! as LightGBM's `lambdarank` objective does (with its normalisation).
//! `rank_xendcg` instead fits the softmax of a query's scores to a target
//! distribution drawn from the labels with a little noise; the noise comes
//! from LightGBM's own generator, seeded per query, so the gradients are
//! LightGBM's to the last bit.

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::position_bias::PositionBias;

/// The gain of relevance label `i`: `2^i - 1` unless the user gives `label_gain`.
pub fn default_label_gain() -> Vec<f64> {
    (0..31).map(|i| f64::from((1u32 << i) - 1)).collect()
}

fn discount(rank: usize) -> f64 {
    1.0 / (rank as f64 + 2.0).log2()
}

/// DCG of `labels` in the order `order`, truncated at `k`.
fn dcg(labels: &[f64], order: &[usize], k: usize, gain: &[f64]) -> f64 {
    order.iter().take(k).enumerate().map(|(r, &i)| gain_of(gain, labels[i]) * discount(r)).sum()
}

fn gain_of(gain: &[f64], label: f64) -> f64 {
    gain.get(label as usize).copied().unwrap_or_else(|| 2f64.powf(label) - 1.0)
}

/// The best possible DCG@k of a query's labels.
fn max_dcg(labels: &[f64], k: usize, gain: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| labels[b].total_cmp(&labels[a]));
    dcg(labels, &order, k, gain)
}

/// Documents ranked by score, best first (stable for ties).
fn ranking(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

/// NDCG@k averaged over queries; a query without relevant documents scores 1.
pub fn ndcg(scores: &[f64], labels: &[f64], boundaries: &[usize], k: usize, gain: &[f64]) -> f64 {
    let q = boundaries.len().saturating_sub(1);
    if q == 0 {
        return 0.0;
    }
    let total: f64 = (0..q)
        .into_par_iter()
        .map(|g| {
            let (s, e) = (boundaries[g], boundaries[g + 1]);
            let best = max_dcg(&labels[s..e], k, gain);
            if best <= 0.0 {
                1.0
            } else {
                dcg(&labels[s..e], &ranking(&scores[s..e]), k, gain) / best
            }
        })
        .collect::<Vec<_>>()
        .iter()
        .sum();
    total / q as f64
}

/// LambdaRank with NDCG, as configured by the booster's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lambdarank {
    /// Query `g` is rows `boundaries[g]..boundaries[g + 1]`.
    #[serde(skip)]
    pub boundaries: Vec<usize>,
    pub label_gain: Vec<f64>,
    pub truncation_level: usize,
    /// Unbiased lambdarank's position factors, when rows have positions.
    #[serde(skip)]
    pub position_bias: Option<PositionBias>,
}

impl Lambdarank {
    /// Gradients at `scores` (plus the position factors, which they then update).
    pub(crate) fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        let adjusted = self.position_bias.as_ref().map(|b| b.adjust(scores));
        let scores = adjusted.as_deref().unwrap_or(scores);
        let mut slices: Vec<(usize, &mut [[f32; 2]])> = Vec::with_capacity(self.boundaries.len());
        let mut rest = &mut *out;
        for w in self.boundaries.windows(2) {
            let (head, tail) = rest.split_at_mut(w[1] - w[0]);
            slices.push((w[0], head));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(start, o)| {
            let n = o.len();
            self.one_query(&scores[start..start + n], &labels[start..start + n], o);
            if let Some(w) = weights {
                o.iter_mut().enumerate().for_each(|(i, gh)| {
                    gh[0] *= w[start + i] as f32;
                    gh[1] *= w[start + i] as f32;
                });
            }
        });
        if let Some(b) = &self.position_bias {
            b.update(out);
        }
    }

    fn one_query(&self, scores: &[f64], labels: &[f64], out: &mut [[f32; 2]]) {
        let n = scores.len();
        let mut lambdas = vec![0.0f64; n];
        let mut hessians = vec![0.0f64; n];
        let best = max_dcg(labels, self.truncation_level, &self.label_gain);
        if n > 1 && best > 0.0 {
            let inv_max = 1.0 / best;
            let order = ranking(scores);
            let (best_score, worst_score) = (scores[order[0]], scores[order[n - 1]]);
            let mut sum_lambdas = 0.0;
            for i in 0..(n - 1).min(self.truncation_level) {
                for j in i + 1..n {
                    let (a, b) = (order[i], order[j]);
                    if labels[a] == labels[b] {
                        continue;
                    }
                    let (hi_rank, lo_rank) = if labels[a] > labels[b] { (i, j) } else { (j, i) };
                    let (hi, lo) = (order[hi_rank], order[lo_rank]);
                    let delta_score = scores[hi] - scores[lo];
                    let gap = gain_of(&self.label_gain, labels[hi]) - gain_of(&self.label_gain, labels[lo]);
                    let mut delta_ndcg = gap * (discount(hi_rank) - discount(lo_rank)).abs() * inv_max;
                    if best_score != worst_score {
                        delta_ndcg /= 0.01 + delta_score.abs();
                    }
                    let p = 1.0 / (1.0 + delta_score.exp());
                    let lambda = -p * delta_ndcg;
                    let hess = p * (1.0 - p) * delta_ndcg;
                    lambdas[lo] -= lambda;
                    hessians[lo] += hess;
                    lambdas[hi] += lambda;
                    hessians[hi] += hess;
                    sum_lambdas -= 2.0 * lambda;
                }
            }
            if sum_lambdas > 0.0 {
                let norm = (1.0 + sum_lambdas).log2() / sum_lambdas;
                lambdas.iter_mut().for_each(|l| *l *= norm);
                hessians.iter_mut().for_each(|h| *h *= norm);
            }
        }
        for i in 0..n {
            out[i] = [lambdas[i] as f32, hessians[i].max(1e-16) as f32];
        }
    }
}

/// LightGBM's random generator (`utils/random.h`): a linear congruential one.
fn next_float(state: &mut u32) -> f32 {
    *state = state.wrapping_mul(214_013).wrapping_add(2_531_011);
    ((*state >> 16) & 0x7FFF) as f32 / 32768.0
}

/// One generator state per query, advanced by every round's gradients.
#[derive(Debug, Default)]
pub struct QueryRngs(Vec<AtomicU32>);

impl QueryRngs {
    /// LightGBM seeds query `q`'s generator with `seed + q`.
    fn new(seed: i64, queries: usize) -> Self {
        QueryRngs((0..queries).map(|q| AtomicU32::new((seed as i32).wrapping_add(q as i32) as u32)).collect())
    }
}

impl Clone for QueryRngs {
    fn clone(&self) -> Self {
        QueryRngs(self.0.iter().map(|s| AtomicU32::new(s.load(Ordering::Relaxed))).collect())
    }
}

impl PartialEq for QueryRngs {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| a.load(Ordering::Relaxed) == b.load(Ordering::Relaxed))
    }
}

/// XE-NDCG (LightGBM's `rank_xendcg`): the cross-entropy between the softmax
/// of a query's scores and the distribution `2^label - noise`, normalised,
/// with LightGBM's third-order approximation of the gradient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankXendcg {
    /// Query `g` is rows `boundaries[g]..boundaries[g + 1]`; every row is one query when empty.
    #[serde(skip)]
    pub boundaries: Vec<usize>,
    /// LightGBM's `objective_seed`.
    pub seed: i64,
    #[serde(skip)]
    rngs: QueryRngs,
}

impl RankXendcg {
    pub fn new(seed: i64) -> Self {
        RankXendcg { boundaries: Vec::new(), seed, rngs: QueryRngs::default() }
    }

    /// Sets the query groups and restarts the generators, as LightGBM's `Init`.
    pub fn set_boundaries(&mut self, boundaries: Vec<usize>) {
        self.rngs = QueryRngs::new(self.seed, boundaries.len().saturating_sub(1));
        self.boundaries = boundaries;
    }

    pub(crate) fn gradients(&self, scores: &[f64], labels: &[f64], weights: Option<&[f64]>, out: &mut [[f32; 2]]) {
        if self.boundaries.len() < 2 {
            // Not given groups (the training loop refuses that): the rows are one query.
            let mut one = self.clone();
            one.set_boundaries(vec![0, scores.len()]);
            return one.gradients(scores, labels, weights, out);
        }
        let mut slices: Vec<(usize, &mut [[f32; 2]])> = Vec::with_capacity(self.boundaries.len());
        let mut rest = out;
        for w in self.boundaries.windows(2) {
            let (head, tail) = rest.split_at_mut(w[1] - w[0]);
            slices.push((w[0], head));
            rest = tail;
        }
        slices.into_par_iter().enumerate().for_each(|(q, (start, o))| {
            let n = o.len();
            let mut state = self.rngs.0[q].load(Ordering::Relaxed);
            xendcg_one_query(&scores[start..start + n], &labels[start..start + n], &mut state, o);
            self.rngs.0[q].store(state, Ordering::Relaxed);
            if let Some(w) = weights {
                // LightGBM multiplies in f32.
                o.iter_mut().enumerate().for_each(|(i, gh)| {
                    gh[0] *= w[start + i] as f32;
                    gh[1] *= w[start + i] as f32;
                });
            }
            // The hessian floor of the crate's other losses: a leaf of single-document queries stays finite.
            o.iter_mut().for_each(|gh| gh[1] = gh[1].max(1e-16));
        });
    }
}

/// LightGBM's `RankXENDCG::GetGradientsForOneQuery`, with its `f32` accumulation of the lambdas.
fn xendcg_one_query(scores: &[f64], labels: &[f64], state: &mut u32, out: &mut [[f32; 2]]) {
    let n = scores.len();
    if n <= 1 {
        out.iter_mut().for_each(|o| *o = [0.0, 0.0]);
        return;
    }
    // rho: the softmax of the scores.
    let m = scores.iter().copied().fold(scores[0], f64::max);
    let mut rho: Vec<f64> = scores.iter().map(|s| (s - m).exp()).collect();
    let total: f64 = rho.iter().sum();
    rho.iter_mut().for_each(|r| *r /= total);
    // phi = 2^label - noise, the unnormalised target distribution.
    let mut params: Vec<f64> = labels.iter().map(|&l| 2f64.powi(l as i32) - f64::from(next_float(state))).collect();
    let inv_denominator = 1.0 / params.iter().sum::<f64>().max(1e-15);
    let mut lambdas = vec![0f32; n];
    let mut sum_l1 = 0.0;
    for i in 0..n {
        let term = -params[i] * inv_denominator + rho[i];
        lambdas[i] = term as f32;
        params[i] = term / (1.0 - rho[i]);
        sum_l1 += params[i];
    }
    let mut sum_l2 = 0.0;
    for i in 0..n {
        let term = rho[i] * (sum_l1 - params[i]);
        lambdas[i] += term as f32;
        params[i] = term / (1.0 - rho[i]);
        sum_l2 += params[i];
    }
    for i in 0..n {
        lambdas[i] += (rho[i] * (sum_l2 - params[i])) as f32;
        out[i] = [lambdas[i], (rho[i] * (1.0 - rho[i])) as f32];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_of_known_rankings() {
        let gain = default_label_gain();
        // Perfect order scores 1; the reversed order of labels [2, 1, 0]:
        // DCG = 0/1 + 1/log2(3) + 3/2, ideal = 3 + 1/log2(3).
        let labels = [2.0, 1.0, 0.0];
        assert!((ndcg(&[3.0, 2.0, 1.0], &labels, &[0, 3], 3, &gain) - 1.0).abs() < 1e-12);
        let want = (1.0 / 3f64.log2() + 1.5) / (3.0 + 1.0 / 3f64.log2());
        assert!((ndcg(&[1.0, 2.0, 3.0], &labels, &[0, 3], 3, &gain) - want).abs() < 1e-12);
    }

    #[test]
    fn gradients_push_relevant_documents_up() {
        let r = Lambdarank {
            boundaries: vec![0, 3],
            label_gain: default_label_gain(),
            truncation_level: 30,
            position_bias: None,
        };
        let mut out = vec![[0.0f32; 2]; 3];
        r.gradients(&[0.0, 0.0, 0.0], &[0.0, 2.0, 1.0], None, &mut out);
        // Gradients are minimised, so the most relevant document gets the most negative one.
        assert!(out[1][0] < out[2][0] && out[2][0] < out[0][0], "{out:?}");
        assert!((out.iter().map(|g| g[0]).sum::<f32>()).abs() < 1e-6);
    }

    #[test]
    fn positions_shift_the_scores_the_gradients_see_and_learn_their_factors() {
        let plain = Lambdarank {
            boundaries: vec![0, 3, 6],
            label_gain: default_label_gain(),
            truncation_level: 30,
            position_bias: None,
        };
        let positions = vec![0, 1, 2, 0, 1, 2];
        let biased =
            Lambdarank { position_bias: Some(PositionBias::new(positions.clone(), 0.1, 0.0)), ..plain.clone() };
        // Clicks at the top whatever the scores: position 0 is relevant in both queries.
        let (scores, labels) = ([0.3, 0.1, -0.2, -0.5, 0.2, 0.4], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        let (mut a, mut b) = (vec![[0.0f32; 2]; 6], vec![[0.0f32; 2]; 6]);
        // Round 1: the factors start at 0, so the gradients are lambdarank's own.
        biased.gradients(&scores, &labels, None, &mut a);
        plain.gradients(&scores, &labels, None, &mut b);
        assert_eq!(a, b);
        let factors = biased.position_bias.as_ref().unwrap().factors();
        assert!(factors[0] > 0.0 && factors[0] > factors[2], "the top position earns the clicks: {factors:?}");
        // Round 2: the gradients are lambdarank's at the scores plus each row's factor.
        let shifted: Vec<f64> =
            scores.iter().zip(&positions).map(|(s, &p)| s + f64::from(factors[p as usize])).collect();
        biased.gradients(&scores, &labels, None, &mut a);
        plain.gradients(&shifted, &labels, None, &mut b);
        assert_eq!(a, b);
    }
}
