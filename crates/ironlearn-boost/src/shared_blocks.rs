//! Prediction of a small batch on the calling thread, with help.
//!
//! Handing a batch to rayon's pool costs two thread wake-ups: a worker's,
//! and the caller's once the work is done. On a shared host each can take
//! tens of microseconds, as long as walking 100 rows through 100 trees, and
//! meanwhile the calling thread sleeps. So for a small batch the calling
//! thread walks the blocks itself, taking them from a shared counter, and
//! helpers spawned on the pool take blocks from the same counter if they
//! wake in time. The caller returns once every block is done: it waits only
//! for blocks a helper has started, never for a helper to wake. A block's
//! scores are the same whoever walks it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::predictor::Packed;

/// One batch, owned, so that a helper that wakes after the caller returned
/// finds it still there (and every block taken).
struct Batch {
    packed: Arc<Packed>,
    x: Vec<f64>,
    n: usize,
    nf: usize,
    k: usize,
    n_trees: usize,
    block: usize,
    init: Vec<f64>,
    next: AtomicUsize,
    done: Vec<OnceLock<Vec<f64>>>,
}

impl Batch {
    /// Walks blocks until none is left.
    fn run(&self) {
        loop {
            let b = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = self.done.get(b) else { return };
            let start = b * self.block;
            let rows = self.block.min(self.n - start);
            let mut out = self.init.repeat(rows);
            self.packed.add_block(
                self.n_trees,
                &self.x[start * self.nf..(start + rows) * self.nf],
                self.nf,
                self.k,
                &mut out,
            );
            assert!(slot.set(out).is_ok(), "a block taken twice");
        }
    }
}

/// The `n × k` scores of the row-major rows `x` (`n × nf`), walked in blocks
/// of `block` rows by the calling thread and up to `helpers` pool threads;
/// each row's scores start at `init`.
#[allow(clippy::too_many_arguments)]
pub fn predict(
    packed: &Arc<Packed>,
    x: &[f64],
    n: usize,
    nf: usize,
    k: usize,
    n_trees: usize,
    block: usize,
    init: &[f64],
    helpers: usize,
) -> Vec<f64> {
    let batch = Arc::new(Batch {
        packed: Arc::clone(packed),
        x: x.to_vec(),
        n,
        nf,
        k,
        n_trees,
        block,
        init: init.to_vec(),
        next: AtomicUsize::new(0),
        done: (0..n.div_ceil(block)).map(|_| OnceLock::new()).collect(),
    });
    for _ in 0..helpers.min(batch.done.len() - 1) {
        let batch = Arc::clone(&batch);
        rayon::spawn(move || batch.run());
    }
    batch.run();
    let mut out = Vec::with_capacity(n * k);
    for slot in &batch.done {
        // Taken by a helper and not yet done: wait for that one block.
        let mut spins = 0u32;
        let scores = loop {
            if let Some(s) = slot.get() {
                break s;
            }
            spins += 1;
            if spins < 1024 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        };
        out.extend_from_slice(scores);
    }
    out
}
