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
//!
//! A helper then stays awake for [`LINGER`], taking blocks of the next batch
//! if one comes, as OpenMP's threads spin after a parallel region (200 ms by
//! default in LLVM's runtime): a service predicting batch after batch would
//! otherwise pay a wake-up per call, and a helper that wakes late walks
//! little. Measured on a 500-tree, 255-leaf model, 100 rows a call, 2
//! threads: 135k rows/s in the benchmark's harness (calls after a pause),
//! 250k back to back; one thread, 138k.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a helper waits for the next batch before it leaves its thread.
const LINGER: Duration = Duration::from_millis(1);

/// The latest batch with blocks to help with, and its number.
static LATEST: Mutex<Option<Arc<Batch>>> = Mutex::new(None);
static GENERATION: AtomicUsize = AtomicUsize::new(0);
/// Helpers waiting for a batch.
static LINGERING: AtomicUsize = AtomicUsize::new(0);

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
    let wanted = helpers.min(batch.done.len() - 1);
    if wanted > 0 {
        *LATEST.lock().expect("no helper panicked") = Some(Arc::clone(&batch));
        GENERATION.fetch_add(1, Ordering::Release);
        // Helpers still waiting take this batch; spawn only the rest. (One
        // that stops waiting meanwhile only leaves more blocks to the caller.)
        for _ in 0..wanted.saturating_sub(LINGERING.load(Ordering::Acquire)) {
            let batch = Arc::clone(&batch);
            rayon::spawn(move || help(&batch));
        }
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
    if wanted > 0 {
        // Every block is done: the batch (and the model it holds) need not outlive the call.
        let mut latest = LATEST.lock().expect("no helper panicked");
        if latest.as_ref().is_some_and(|b| Arc::ptr_eq(b, &batch)) {
            *latest = None;
        }
    }
    out
}

/// A helper's job: walk blocks of `batch`, then of any batch that comes
/// within [`LINGER`], running the pool's other jobs while it waits.
fn help(batch: &Batch) {
    batch.run();
    // A helper started by a job this one ran while waiting only walks its batch.
    if HELPING.get() {
        return;
    }
    HELPING.set(true);
    LINGERING.fetch_add(1, Ordering::AcqRel);
    let mut seen = GENERATION.load(Ordering::Acquire);
    let mut since = Instant::now();
    while since.elapsed() < LINGER {
        let g = GENERATION.load(Ordering::Acquire);
        if g != seen {
            seen = g;
            let next = LATEST.lock().expect("no helper panicked").clone();
            if let Some(b) = next {
                b.run();
            }
            since = Instant::now();
        } else if !matches!(rayon::yield_now(), Some(rayon::Yield::Executed)) {
            std::hint::spin_loop();
        }
    }
    LINGERING.fetch_sub(1, Ordering::AcqRel);
    HELPING.set(false);
}

thread_local! {
    /// Whether this thread is a helper waiting for batches.
    static HELPING: Cell<bool> = const { Cell::new(false) };
}
