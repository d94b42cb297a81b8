//! Matrix products that leave the SIMD register state clean.
//!
//! faer's x86 matrix-product kernels (the `private-gemm-x86` crate: hand-written
//! AVX/AVX-512 assembly) return without `vzeroupper`, so the calling thread keeps
//! "dirty" upper register halves. Until something clears them, every switch between
//! legacy-SSE code (Rust built for baseline x86-64, glibc's `exp`/`log` wrappers) and
//! VEX code (glibc's FMA `exp` behind those wrappers) pays a state transition: on this
//! project's benchmark host a loop of `f64::exp` ran 60 times slower after one small
//! faer product than before it (4 ms against 250 ms for 862k calls), and
//! `LogisticRegression` on digits spent 87% of its fit there. The compiler inserts
//! `vzeroupper` after its own AVX code, but not after those kernels; so every product
//! here is followed by [`clean_simd_state`].

use faer::{Accum, MatMut, MatRef, Par};

/// Clears the upper halves of the AVX registers on this thread (`vzeroupper`); a no-op
/// without AVX or off x86-64.
#[inline]
pub fn clean_simd_state() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX (checked just above), all that `vzeroupper` needs. It
        // only zeroes the upper register halves, which no Rust value lives in across
        // this call. There is no safe way to issue it: the intrinsic is an AVX
        // `target_feature` function, and faer's kernels (see the module doc) do not.
        #[allow(unsafe_code)]
        unsafe {
            std::arch::x86_64::_mm256_zeroupper()
        }
    }
}

/// `dst = alpha·a·b` (or `dst += alpha·a·b` with [`Accum::Add`]) with faer's kernels,
/// then [`clean_simd_state`]; `par` as faer's.
pub fn matmul(dst: MatMut<'_, f64>, accum: Accum, a: MatRef<'_, f64>, b: MatRef<'_, f64>, alpha: f64, par: Par) {
    faer::linalg::matmul::matmul(dst, accum, a, b, alpha, par);
    clean_simd_state();
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::Mat;

    #[test]
    fn product_is_faers() {
        let a = Mat::from_fn(37, 5, |i, j| (i * 7 + j) as f64 * 0.1);
        let b = Mat::from_fn(5, 3, |i, j| (i + 2 * j) as f64 - 1.0);
        let mut got = Mat::<f64>::zeros(37, 3);
        matmul(got.as_mut(), Accum::Replace, a.as_ref(), b.as_ref(), 2.0, Par::Seq);
        matmul(got.as_mut(), Accum::Add, a.as_ref(), b.as_ref(), 1.0, Par::Seq);
        let want = &a * &b * faer::Scale(3.0);
        assert!((got - want).norm_max() < 1e-12);
    }
}
