//! DART: dropouts in boosting (Rashmi and Gilad-Bachrach, 2015; LightGBM's `boosting = "dart"`).
//!
//! In plain boosting the first trees do most of the work and later ones only
//! correct small residues, so they overspecialise. Each DART round instead
//! drops a random set of earlier trees, fits the new tree to the gradients of
//! the model without them, and then scales the new tree and the dropped ones
//! so that together they weigh what the dropped ones weighed before (with k
//! dropped: the new one by `1 / (k + 1)`, the dropped by `k / (k + 1)`, or
//! XGBoost's `lr / (k + lr)` and `k / (k + lr)`).
//!
//! The trainer applies the scaling to the stored trees (their leaf and
//! internal values), so a DART model predicts as the plain sum of its trees
//! and is saved, loaded and continued like any other; the rounds of an
//! initial model are never dropped. As in LightGBM the first round's trees
//! carry the starting score, so dropping them drops it too. A round fitted to
//! gradients given by the caller (`Trainer::step(Some(..))`) drops its trees
//! when the round starts, after those gradients were computed.

use crate::lightgbm_random::LightGbmRandom;
use crate::tree::Tree;
use crate::Gbdt;

/// The drop settings and the weight of every round grown so far.
#[derive(Debug, Clone)]
pub(crate) struct Dart {
    drop_rate: f64,
    max_drop: i64,
    skip_drop: f64,
    xgboost: bool,
    uniform: bool,
    learning_rate: f64,
    /// LightGBM's generator, one stream for the whole run, so drops are LightGBM's.
    random: LightGbmRandom,
    /// Weight of each round this trainer grew (weighted drops only), and their sum.
    weights: Vec<f64>,
    sum_weight: f64,
}

impl Dart {
    pub(crate) fn new(p: &Gbdt) -> Dart {
        Dart {
            drop_rate: p.drop_rate,
            max_drop: p.max_drop,
            skip_drop: p.skip_drop,
            xgboost: p.xgboost_dart_mode,
            uniform: p.uniform_drop,
            learning_rate: p.learning_rate,
            random: LightGbmRandom::new(crate::lightgbm_config::drop_seed(p)),
            weights: Vec::new(),
            sum_weight: 0.0,
        }
    }

    /// New settings for the rounds to come, as LightGBM's `DART::ResetConfig`:
    /// the generator starts again from `drop_seed` and the weight sum from 0
    /// (the rounds' weights stay).
    pub(crate) fn reset(&mut self, p: &Gbdt) {
        self.drop_rate = p.drop_rate;
        self.max_drop = p.max_drop;
        self.skip_drop = p.skip_drop;
        self.xgboost = p.xgboost_dart_mode;
        self.uniform = p.uniform_drop;
        self.learning_rate = p.learning_rate;
        self.random = LightGbmRandom::new(crate::lightgbm_config::drop_seed(p));
        self.sum_weight = 0.0;
    }

    /// The rounds (of this trainer, from 0) that round `rounds` drops, ascending.
    pub(crate) fn choose(&mut self, rounds: usize) -> Vec<usize> {
        let r = &mut self.random;
        let mut drops = Vec::new();
        if f64::from(r.next_float()) < self.skip_drop {
            return drops;
        }
        let limit = if self.max_drop > 0 { self.max_drop as usize } else { usize::MAX };
        let mut rate = self.drop_rate;
        if self.uniform {
            if self.max_drop > 0 {
                rate = rate.min(self.max_drop as f64 / rounds as f64);
            }
            for i in 0..rounds {
                if f64::from(r.next_float()) < rate {
                    drops.push(i);
                    if drops.len() >= limit {
                        break;
                    }
                }
            }
        } else if rounds > 0 {
            // A round is dropped in proportion to its weight, which shrinks each time it is dropped.
            let inv_average = self.weights.len() as f64 / self.sum_weight;
            if self.max_drop > 0 {
                rate = rate.min(self.max_drop as f64 * inv_average / self.sum_weight);
            }
            for (i, &w) in self.weights.iter().enumerate().take(rounds) {
                if f64::from(r.next_float()) < rate * w * inv_average {
                    drops.push(i);
                    if drops.len() >= limit {
                        break;
                    }
                }
            }
        }
        drops
    }

    /// The new tree's shrinkage when `dropped` trees were dropped.
    pub(crate) fn shrinkage(&self, dropped: usize) -> f64 {
        let k = dropped as f64;
        match (self.xgboost, dropped) {
            (true, 0) => self.learning_rate,
            (true, _) => self.learning_rate / (self.learning_rate + k),
            (false, _) => self.learning_rate / (1.0 + k),
        }
    }

    /// What the dropped trees are scaled by when `dropped` (> 0) were dropped.
    pub(crate) fn kept(&self, dropped: usize) -> f64 {
        let k = dropped as f64;
        k / (k + if self.xgboost { self.learning_rate } else { 1.0 })
    }

    /// Records a grown round that dropped `drops` and whose trees were shrunk by `shrinkage`.
    pub(crate) fn add_round(&mut self, drops: &[usize], shrinkage: f64) {
        if self.uniform {
            return;
        }
        let k = drops.len() as f64;
        let c = if self.xgboost { self.learning_rate } else { 1.0 };
        for &i in drops {
            self.sum_weight -= self.weights[i] / (k + c);
            self.weights[i] *= k / (k + c);
        }
        self.weights.push(shrinkage);
        self.sum_weight += shrinkage;
    }

    /// Forgets the last round (rolled back); the scaling it applied to earlier rounds stays, as in LightGBM.
    pub(crate) fn remove_last(&mut self) {
        if let Some(w) = self.weights.pop() {
            self.sum_weight -= w;
        }
    }
}

/// Multiplies a tree's outputs (leaf values, linear models, internal values)
/// and its recorded shrinkage by `factor`, as LightGBM's `Tree::Shrinkage`
/// does (a value within 1e-35 of 0 becomes 0).
pub(crate) fn scale(tree: &mut Tree, factor: f64) {
    let round = |v: f64| if v.abs() <= 1e-35 { 0.0 } else { v };
    tree.shrink(factor);
    tree.leaf_value.iter_mut().for_each(|v| *v = round(*v));
    tree.internal_value.iter_mut().for_each(|v| *v = round(*v * factor));
    if let Some(s) = &mut tree.shrinkage {
        *s *= factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dart(f: impl FnOnce(&mut Gbdt)) -> Dart {
        let mut p = Gbdt { boosting: "dart".into(), ..Default::default() };
        f(&mut p);
        Dart::new(&p)
    }

    #[test]
    fn shrinkage_and_scaling_keep_the_dropped_weight() {
        let d = dart(|p| p.learning_rate = 0.2);
        // 3 dropped: new tree lr / 4, dropped trees 3 / 4; a fit of the dropped
        // residue r gives back (3/4) r + (1/4) r = r.
        assert_eq!(d.shrinkage(3), 0.2 / 4.0);
        assert_eq!(d.kept(3), 0.75);
        assert_eq!(d.shrinkage(0), 0.2);
        let x = dart(|p| {
            p.learning_rate = 0.2;
            p.xgboost_dart_mode = true;
        });
        assert_eq!(x.shrinkage(0), 0.2);
        assert!((x.shrinkage(3) - 0.2 / 3.2).abs() < 1e-15);
        assert!((x.kept(3) - 3.0 / 3.2).abs() < 1e-15);
    }

    #[test]
    fn skip_drop_one_never_drops_and_zero_always_draws() {
        let mut never = dart(|p| p.skip_drop = 1.0);
        // Uniform drops at rate 1 with no cap drop every earlier round.
        let mut always = dart(|p| {
            p.skip_drop = 0.0;
            p.drop_rate = 1.0;
            p.uniform_drop = true;
            p.max_drop = 0;
        });
        for round in 0..20 {
            assert!(never.choose(round).is_empty());
            never.add_round(&[], never.shrinkage(0));
            let drops = always.choose(round);
            assert_eq!(drops, (0..round).collect::<Vec<_>>(), "round {round}");
            always.add_round(&drops, always.shrinkage(drops.len()));
        }
    }

    #[test]
    fn weights_follow_the_drops() {
        let mut d = dart(|p| p.learning_rate = 0.1);
        d.add_round(&[], 0.1);
        d.add_round(&[], 0.1);
        // Round 2 drops round 0: it keeps 1/2 of its weight; the new one weighs 0.1 / 2.
        d.add_round(&[0], d.shrinkage(1));
        assert_eq!(d.weights, vec![0.05, 0.1, 0.05]);
        assert!((d.sum_weight - 0.2).abs() < 1e-15);
        d.remove_last();
        assert_eq!(d.weights, vec![0.05, 0.1]);
        assert!((d.sum_weight - 0.15).abs() < 1e-15);
    }

    #[test]
    fn drop_rate_sets_how_many_are_dropped() {
        // skip_drop 0, uniform drops at rate 0.3 of 1000 rounds, no cap: about 300 per round.
        let mut d = dart(|p| {
            p.skip_drop = 0.0;
            p.drop_rate = 0.3;
            p.uniform_drop = true;
            p.max_drop = -1;
        });
        let mean = (0..20).map(|r| d.choose(1000 + r).len()).sum::<usize>() as f64 / 20.0;
        assert!((mean - 300.0).abs() < 15.0, "{mean}");
        // max_drop caps the rate at max_drop / rounds: 5 of 1000.
        let mut capped = dart(|p| {
            p.skip_drop = 0.0;
            p.drop_rate = 0.3;
            p.uniform_drop = true;
            p.max_drop = 5;
        });
        assert!((0..20).all(|r| capped.choose(1000 + r).len() <= 5));
    }

    #[test]
    fn scaling_rounds_tiny_values_to_zero() {
        let mut t = Tree::leaf(2.0, 10.0);
        t.leaf_value.push(1e-36);
        t.internal_value.push(3.0);
        t.shrinkage = Some(0.1);
        scale(&mut t, 0.5);
        assert_eq!((t.leaf_value, t.internal_value, t.shrinkage), (vec![1.0, 0.0], vec![1.5], Some(0.05)));
    }
}
