//! scikit-learn's `n_jobs`, on rayon.
//!
//! Estimators parallelise with rayon and their results do not depend on the
//! thread count; `n_jobs` only chooses how many threads do the work, as
//! scikit-learn users expect of it.

use ironlearn_core::{Error, Result};

/// The thread count for `n_jobs`: None (and 0) and -1 are every thread of
/// the current pool, -2 all but one, and so on.
pub(crate) fn threads(n_jobs: Option<i64>) -> usize {
    let all = rayon::current_num_threads() as i64;
    match n_jobs {
        None | Some(0) => all as usize,
        Some(j) if j < 0 => (all + 1 + j).max(1) as usize,
        Some(j) => j as usize,
    }
}

/// Runs `f` on `n_jobs` threads.
pub(crate) fn in_pool<T: Send>(n_jobs: Option<i64>, f: impl FnOnce() -> T + Send) -> Result<T> {
    let threads = threads(n_jobs);
    if threads == rayon::current_num_threads() {
        return Ok(f());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::InvalidValue(format!("n_jobs: cannot start {threads} threads: {e}")))?;
    Ok(pool.install(f))
}
