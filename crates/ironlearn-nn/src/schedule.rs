//! Learning-rate schedules, as PyTorch's `lr_scheduler` module defines
//! them. Epoch-based schedules change the rate between epochs; warm-up and
//! one-cycle change it every step, because they are defined over steps.

use ironlearn_core::{bail, Result};
use serde::{Deserialize, Serialize};

/// How the learning rate moves during training.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// The base rate throughout.
    #[default]
    Constant,
    /// Multiplied by `gamma` every `step_size` epochs.
    Step { step_size: usize, gamma: f64 },
    /// Multiplied by `gamma` every epoch.
    Exponential { gamma: f64 },
    /// Cosine annealing from the base rate to `eta_min` over `t_max` epochs.
    Cosine {
        t_max: usize,
        #[serde(default)]
        eta_min: f64,
    },
    /// One cycle (Smith): up from `max_lr / div_factor` to `max_lr` over `pct_start`
    /// of the steps, then cosine down to `max_lr / (div_factor * final_div_factor)`.
    OneCycle {
        max_lr: f64,
        #[serde(default = "pct_start")]
        pct_start: f64,
        #[serde(default = "div_factor")]
        div_factor: f64,
        #[serde(default = "final_div_factor")]
        final_div_factor: f64,
    },
    /// Multiplied by `factor` when the monitored loss has not improved by
    /// `threshold` (relative) for `patience` epochs, down to `min_lr`.
    ReduceOnPlateau {
        #[serde(default = "plateau_factor")]
        factor: f64,
        #[serde(default = "plateau_patience")]
        patience: usize,
        #[serde(default = "plateau_threshold")]
        threshold: f64,
        #[serde(default)]
        min_lr: f64,
    },
}

fn pct_start() -> f64 {
    0.3
}
fn div_factor() -> f64 {
    25.0
}
fn final_div_factor() -> f64 {
    1e4
}
fn plateau_factor() -> f64 {
    0.1
}
fn plateau_patience() -> usize {
    10
}
fn plateau_threshold() -> f64 {
    1e-4
}

impl Schedule {
    pub fn check(&self) -> Result<()> {
        let positive = |name: &str, v: f64| -> Result<()> {
            if !(v > 0.0 && v.is_finite()) {
                bail!(InvalidValue, "schedule: {name} must be a positive number, got {v}");
            }
            Ok(())
        };
        match *self {
            Schedule::Constant => {}
            Schedule::Step { step_size, gamma } => {
                if step_size == 0 {
                    bail!(InvalidValue, "schedule: step_size must be at least 1");
                }
                positive("gamma", gamma)?;
            }
            Schedule::Exponential { gamma } => positive("gamma", gamma)?,
            Schedule::Cosine { t_max, eta_min } => {
                if t_max == 0 {
                    bail!(InvalidValue, "schedule: t_max must be at least 1");
                }
                if eta_min.is_nan() || eta_min < 0.0 {
                    bail!(InvalidValue, "schedule: eta_min must be non-negative");
                }
            }
            Schedule::OneCycle { max_lr, pct_start, div_factor, final_div_factor } => {
                positive("max_lr", max_lr)?;
                positive("div_factor", div_factor)?;
                positive("final_div_factor", final_div_factor)?;
                if !(pct_start > 0.0 && pct_start < 1.0) {
                    bail!(InvalidValue, "schedule: pct_start must be in (0, 1), got {pct_start}");
                }
            }
            Schedule::ReduceOnPlateau { factor, threshold, min_lr, .. } => {
                if !(factor > 0.0 && factor < 1.0) {
                    bail!(InvalidValue, "schedule: factor must be in (0, 1), got {factor}");
                }
                if !(threshold >= 0.0 && min_lr >= 0.0) {
                    bail!(InvalidValue, "schedule: threshold and min_lr must be non-negative");
                }
            }
        }
        Ok(())
    }
}

/// A schedule running over one training: the rate for each step.
#[derive(Debug, Clone)]
pub struct LrSchedule {
    schedule: Schedule,
    base: f64,
    warmup: usize,
    total_steps: usize,
    /// The epoch-level rate (before warm-up and per-step schedules).
    epoch_lr: f64,
    best: f64,
    bad_epochs: usize,
}

impl LrSchedule {
    /// `total_steps` is the planned number of optimizer steps (one-cycle spans them);
    /// `warmup` steps ramp the rate linearly from 0.
    pub fn new(schedule: &Schedule, base: f64, warmup: usize, total_steps: usize) -> LrSchedule {
        LrSchedule {
            schedule: schedule.clone(),
            base,
            warmup,
            total_steps: total_steps.max(1),
            epoch_lr: base,
            best: f64::INFINITY,
            bad_epochs: 0,
        }
    }

    /// The rate for optimizer step `step` (from 0).
    pub fn lr(&self, step: usize) -> f64 {
        let lr = match self.schedule {
            Schedule::OneCycle { max_lr, pct_start, div_factor, final_div_factor } => {
                let initial = max_lr / div_factor;
                let min = initial / final_div_factor;
                let up = (pct_start * self.total_steps as f64 - 1.0).max(1.0);
                let down = (self.total_steps as f64 - 1.0 - up).max(1.0);
                let s = step as f64;
                let cos =
                    |from: f64, to: f64, pct: f64| to + (from - to) / 2.0 * (1.0 + (std::f64::consts::PI * pct).cos());
                if s <= up {
                    cos(initial, max_lr, s / up)
                } else {
                    cos(max_lr, min, ((s - up) / down).min(1.0))
                }
            }
            _ => self.epoch_lr,
        };
        if step < self.warmup {
            lr * (step + 1) as f64 / (self.warmup + 1) as f64
        } else {
            lr
        }
    }

    /// Moves to the next epoch, `finished` epochs done, with the monitored loss of the last one.
    pub fn end_epoch(&mut self, finished: usize, monitored: f64) {
        let e = finished as f64;
        self.epoch_lr = match self.schedule {
            Schedule::Constant | Schedule::OneCycle { .. } => self.base,
            Schedule::Step { step_size, gamma } => self.base * gamma.powi((finished / step_size) as i32),
            Schedule::Exponential { gamma } => self.base * gamma.powf(e),
            Schedule::Cosine { t_max, eta_min } => {
                let pct = (e / t_max as f64).min(1.0);
                eta_min + (self.base - eta_min) * (1.0 + (std::f64::consts::PI * pct).cos()) / 2.0
            }
            Schedule::ReduceOnPlateau { factor, patience, threshold, min_lr } => {
                if monitored < self.best * (1.0 - threshold) {
                    self.best = monitored;
                    self.bad_epochs = 0;
                } else {
                    self.bad_epochs += 1;
                }
                if self.bad_epochs > patience {
                    self.bad_epochs = 0;
                    (self.epoch_lr * factor).max(min_lr)
                } else {
                    self.epoch_lr
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epochs(s: Schedule, n: usize, losses: &[f64]) -> Vec<f64> {
        let mut lr = LrSchedule::new(&s, 1.0, 0, 100);
        (0..n)
            .map(|e| {
                let r = lr.lr(e);
                lr.end_epoch(e + 1, losses.get(e).copied().unwrap_or(1.0));
                r
            })
            .collect()
    }

    #[test]
    fn epoch_schedules_as_pytorch() {
        assert_eq!(epochs(Schedule::Step { step_size: 2, gamma: 0.5 }, 5, &[]), [1.0, 1.0, 0.5, 0.5, 0.25]);
        assert_eq!(epochs(Schedule::Exponential { gamma: 0.5 }, 3, &[]), [1.0, 0.5, 0.25]);
        let c = epochs(Schedule::Cosine { t_max: 4, eta_min: 0.0 }, 5, &[]);
        let want = [1.0, 0.853_553_390_593_273_8, 0.5, 0.146_446_609_406_726_24, 0.0];
        c.iter().zip(want).for_each(|(a, b)| assert!((a - b).abs() < 1e-12, "{c:?}"));
        let p = Schedule::ReduceOnPlateau { factor: 0.5, patience: 1, threshold: 0.0, min_lr: 0.2 };
        assert_eq!(
            epochs(p, 7, &[3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]),
            [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25f64.max(0.2)]
        );
    }

    #[test]
    fn warmup_and_one_cycle() {
        let lr = LrSchedule::new(&Schedule::Constant, 1.0, 3, 10);
        assert_eq!((0..5).map(|s| lr.lr(s)).collect::<Vec<_>>(), [0.25, 0.5, 0.75, 1.0, 1.0]);
        let s = Schedule::OneCycle { max_lr: 1.0, pct_start: 0.3, div_factor: 25.0, final_div_factor: 1e4 };
        let lr = LrSchedule::new(&s, 0.1, 0, 100);
        assert!((lr.lr(0) - 0.04).abs() < 1e-12);
        let peak = (0..100).map(|s| lr.lr(s)).fold(0.0, f64::max);
        assert!((peak - 1.0).abs() < 1e-12);
        assert!((lr.lr(99) - 0.04 / 1e4).abs() < 1e-12);
    }
}
