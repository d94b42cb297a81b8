//! Where training time goes, for `IRONLEARN_TRACE=1` (measured, never guessed).

use std::time::{Duration, Instant};

/// Accumulated time per training phase.
#[derive(Debug, Default)]
pub struct Phases {
    enabled: bool,
    items: Vec<(&'static str, Duration)>,
    counts: Vec<(&'static str, u64)>,
}

impl Phases {
    pub fn from_env() -> Self {
        Phases { enabled: std::env::var_os("IRONLEARN_TRACE").is_some(), items: Vec::new(), counts: Vec::new() }
    }

    /// Runs `f`, adding its time to `name` when tracing.
    #[inline]
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        if !self.enabled {
            return f();
        }
        let t = Instant::now();
        let out = f();
        let d = t.elapsed();
        match self.items.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += d,
            None => self.items.push((name, d)),
        }
        out
    }

    /// Adds `n` to the counter `name` (shown with the times).
    pub fn count(&mut self, name: &'static str, n: u64) {
        if self.enabled {
            match self.counts.iter_mut().find(|(c, _)| *c == name) {
                Some((_, total)) => *total += n,
                None => self.counts.push((name, n)),
            }
        }
    }

    /// Empty phases for a task running beside others, to [`Phases::merge`]
    /// afterwards (parallel tasks' times then add up, as CPU time does).
    pub fn for_task(&self) -> Self {
        Phases { enabled: self.enabled, items: Vec::new(), counts: Vec::new() }
    }

    /// Adds a task's times and counts to these.
    pub fn merge(&mut self, task: Phases) {
        for (name, d) in task.items {
            match self.items.iter_mut().find(|(n, _)| *n == name) {
                Some((_, total)) => *total += d,
                None => self.items.push((name, d)),
            }
        }
        for (name, c) in task.counts {
            self.count(name, c);
        }
    }

    pub fn report(&self) {
        for (n, c) in &self.counts {
            eprintln!("ironlearn trace: {n:<16} {c}");
        }
        if self.enabled {
            let total: f64 = self.items.iter().map(|(_, d)| d.as_secs_f64()).sum();
            for (n, d) in &self.items {
                eprintln!(
                    "ironlearn trace: {n:<16} {:>8.3}s {:>5.1}%",
                    d.as_secs_f64(),
                    100.0 * d.as_secs_f64() / total
                );
            }
        }
    }
}
