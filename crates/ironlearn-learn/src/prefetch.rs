//! Asking the CPU for memory before it is read.
//!
//! Solvers that visit rows in a shuffled order (stochastic gradient descent,
//! liblinear's coordinate descent) read each row from memory at random: the
//! hardware prefetcher cannot guess the next one, and each row's cache
//! misses would stall the updates. The solver knows the order, so it asks
//! for a row a few visits ahead. A prefetch is a hint: it changes no result.

/// Prefetches every cache line of `data` into all cache levels.
#[inline(always)]
pub(crate) fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let (start, bytes) = (data.as_ptr().cast::<i8>(), std::mem::size_of_val(data));
        for offset in (0..bytes).step_by(64) {
            // SAFETY: SSE is part of x86-64; a prefetch reads nothing and
            // never faults, and the address is within `data` anyway.
            #[allow(unsafe_code)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset))
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Visits ahead of the current one whose rows are prefetched: far enough
/// that a row arrives before it is needed (a visit of 50 features takes
/// about 100 ns, a miss to memory about as long), near enough that the
/// rows in flight stay few.
pub(crate) const AHEAD: usize = 4;
