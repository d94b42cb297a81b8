//! Keeping the pool's other threads awake through a boosting round.
//!
//! On small data a round is hundreds of parallel regions of a few
//! microseconds each (a split's histograms and search, a partition), with
//! serial work between them. Rayon's idle threads yield for a few tens of
//! microseconds and then sleep, so most regions first woke a sleeping
//! thread, which costs about as much as the region saves: measured on 455
//! to 20k rows, two threads trained no faster than one. OpenMP, which
//! LightGBM uses, spins its threads for a while before they sleep. Here each
//! other thread of the pool runs a spinner for the round: it takes work as
//! soon as there is any (through `rayon::yield_now`, so it runs the round's
//! jobs itself) and leaves once the round is over or it has found nothing to
//! do for [`IDLE_LIMIT`]. Which thread runs a job does not change what the
//! job computes, so models stay the same whatever the thread count.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a spinner waits for work before it leaves its thread to sleep.
const IDLE_LIMIT: Duration = Duration::from_micros(200);

/// Runs `f` on this thread while the pool's other threads spin for work.
pub fn warm<R>(f: impl FnOnce() -> R) -> R {
    let others = rayon::current_num_threads().saturating_sub(1);
    let Some(owner) = rayon::current_thread_index().filter(|_| others > 0) else { return f() };
    let done = AtomicBool::new(false);
    rayon::in_place_scope(|s| {
        for _ in 0..others {
            s.spawn(|_| spin(owner, &done));
        }
        let r = f();
        done.store(true, Ordering::Release);
        r
    })
}

/// A spinner's loop. It returns at once on the thread that started the
/// round (which may pop it while waiting for a job) and inside another
/// spinner (a job it runs may wait and pop one): there it would hold up
/// the job below it until the round ended.
fn spin(owner: usize, done: &AtomicBool) {
    if rayon::current_thread_index() == Some(owner) || SPINNING.get() {
        return;
    }
    SPINNING.set(true);
    let mut idle_since = Instant::now();
    while !done.load(Ordering::Acquire) {
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => idle_since = Instant::now(),
            _ if idle_since.elapsed() > IDLE_LIMIT => break,
            _ => std::hint::spin_loop(),
        }
    }
    SPINNING.set(false);
}

thread_local! {
    /// Whether this thread is inside a spinner.
    static SPINNING: Cell<bool> = const { Cell::new(false) };
}
