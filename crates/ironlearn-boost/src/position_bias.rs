//! Unbiased lambdarank: a bias per display position, learnt with the trees.
//!
//! Relevance labels read from clicks favour whatever was shown first, so a
//! ranker fit to them learns the old ranking's positions as much as
//! relevance. Given each row's position, LightGBM's unbiased lambdarank adds
//! a learnt factor per position to the scores its gradients see, and moves
//! the factors by one regularised Newton step per round on those gradients:
//! the position's share of the labels goes to the factors, not to the trees.
//! The factors are not part of the model (positions are unknown when
//! predicting).

use std::sync::Mutex;

/// The position factors and what updates them.
#[derive(Debug, Default)]
pub struct PositionBias {
    /// Each row's position id, from 0.
    positions: Vec<u32>,
    /// One factor per position id, `f32` as LightGBM keeps them.
    factors: Mutex<Vec<f32>>,
    /// The step size (the booster's learning rate, as in LightGBM).
    learning_rate: f64,
    /// L2 regularisation of the factors (`lambdarank_position_bias_regularization`).
    regularization: f64,
}

impl PositionBias {
    /// Factors at 0 for the positions `0..=max(positions)`.
    pub fn new(positions: Vec<u32>, learning_rate: f64, regularization: f64) -> Self {
        let n = positions.iter().max().map_or(0, |&m| m as usize + 1);
        PositionBias { positions, factors: Mutex::new(vec![0.0; n]), learning_rate, regularization }
    }

    /// The current factors.
    pub fn factors(&self) -> Vec<f32> {
        self.factors.lock().expect("no update panicked").clone()
    }

    /// `scores` with each row's position factor added.
    pub fn adjust(&self, scores: &[f64]) -> Vec<f64> {
        let f = self.factors();
        scores.iter().zip(&self.positions).map(|(s, &p)| s + f64::from(f[p as usize])).collect()
    }

    /// One Newton step of every factor from a round's (weighted) gradients:
    /// the loss's derivatives with respect to a factor are minus the sums of
    /// its rows' gradients and hessians, summed here in row order.
    pub fn update(&self, gh: &[[f32; 2]]) {
        let mut factors = self.factors.lock().expect("no update panicked");
        let n = factors.len();
        let (mut first, mut second, mut count) = (vec![0.0f64; n], vec![0.0f64; n], vec![0usize; n]);
        for (&p, &[g, h]) in self.positions.iter().zip(gh) {
            let p = p as usize;
            first[p] -= f64::from(g);
            second[p] -= f64::from(h);
            count[p] += 1;
        }
        for (i, f) in factors.iter_mut().enumerate() {
            let reg = self.regularization * count[i] as f64;
            let d1 = first[i] - f64::from(*f) * reg;
            let d2 = second[i] - reg;
            *f = (f64::from(*f) + self.learning_rate * d1 / (d2.abs() + 0.001)) as f32;
        }
    }
}

impl Clone for PositionBias {
    fn clone(&self) -> Self {
        PositionBias {
            positions: self.positions.clone(),
            factors: Mutex::new(self.factors()),
            learning_rate: self.learning_rate,
            regularization: self.regularization,
        }
    }
}

impl PartialEq for PositionBias {
    fn eq(&self, other: &Self) -> bool {
        self.positions == other.positions
            && self.factors() == other.factors()
            && self.learning_rate == other.learning_rate
            && self.regularization == other.regularization
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newton_step_per_position() {
        // Positions 0, 1, 0 with gradients -1, 2, -3 and hessians 1: position 0's
        // derivatives are 4 and -2, position 1's -2 and -1.
        let b = PositionBias::new(vec![0, 1, 0], 0.5, 0.0);
        assert_eq!(b.adjust(&[1.0, 2.0, 3.0]), vec![1.0, 2.0, 3.0]);
        b.update(&[[-1.0, 1.0], [2.0, 1.0], [-3.0, 1.0]]);
        let want = [0.5 * 4.0 / 2.001, 0.5 * -2.0 / 1.001];
        let f = b.factors();
        assert!((f64::from(f[0]) - want[0]).abs() < 1e-6 && (f64::from(f[1]) - want[1]).abs() < 1e-6, "{f:?}");
        assert_eq!(b.adjust(&[0.0, 0.0, 0.0]), vec![f64::from(f[0]), f64::from(f[1]), f64::from(f[0])]);
        // Regularisation pulls a factor back: with no gradient it shrinks toward 0.
        let r = PositionBias::new(vec![0, 0], 1.0, 1.0);
        *r.factors.lock().unwrap() = vec![1.0];
        r.update(&[[0.0, 0.0], [0.0, 0.0]]);
        // d1 = -1 * 2, d2 = -2: 1 + (-2) / 2.001.
        assert!((f64::from(r.factors()[0]) - (1.0 - 2.0 / 2.001)).abs() < 1e-6);
    }
}
