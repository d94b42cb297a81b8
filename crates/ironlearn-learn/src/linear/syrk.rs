//! `BᵀB` for `B = [X | y | 1]` over a block of rows, by its lower triangle only.
//!
//! The normal equations of a tall, narrow problem are one product `XᵀX`
//! (with `Xᵀy` and the column sums): for 1M x 50 that is the whole fit.
//! A general product computes all of `XᵀX`, twice the work of its lower
//! triangle, and pads 50 columns to its 48 + 8 row tiles; `Xᵀ[y | 1]` is a
//! second product over the same rows. Here, for up to [`MAX_P`] features
//! where the CPU has AVX-512, each row is copied once into a zero-padded
//! buffer as `[x | y | 1 | 0…]` (a multiple of eight wide) and only the
//! tiles on and below the diagonal are accumulated, three tiles of 8 x 8 a
//! pass (24 of the 32 vector registers), by fused multiply-adds in row
//! order. Elsewhere the caller keeps the general product (faer's kernels,
//! which also choose their instructions at run time, so the rounding of
//! the Gram matrix depends on the CPU either way, never on the threads).

/// The most features the kernel takes (`p + 2` columns fit eight vectors).
pub(crate) const MAX_P: usize = 62;

/// Rows copied into the padded buffer at a time (at 64 columns, 128 kB: in L2).
const CHUNK: usize = 256;

/// Whether [`gram_rows`] runs for `p` features on this CPU.
pub(crate) fn available(p: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        p <= MAX_P && std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = p;
        false
    }
}

/// Columns of the padded rows `[x | y | 1 | 0…]` for `p` features.
pub(crate) fn width(p: usize) -> usize {
    (p + 2).div_ceil(8) * 8
}

/// Overwrites `out` (`width(p)²`, column-major) with the blocks on and
/// below the diagonal of `BᵀB` for the rows `xs` (row-major, `p` columns)
/// and targets `y`; entry `(j, k)`, `j >= k`, is `out[k * width + j]`.
/// Call only where [`available`] says so.
pub(crate) fn gram_rows(xs: &[f64], y: &[f64], p: usize, out: &mut [f64]) {
    assert!(available(p) && xs.len() == y.len() * p && out.len() == width(p) * width(p));
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `available` checked that the CPU has AVX-512F.
    #[allow(unsafe_code)]
    unsafe {
        avx512::gram_rows(xs, y, p, out)
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{width, CHUNK};

    #[target_feature(enable = "avx512f")]
    pub(super) fn gram_rows(xs: &[f64], y: &[f64], p: usize, out: &mut [f64]) {
        let q = width(p);
        let blocks = q / 8;
        out.fill(0.0);
        let mut buf = vec![0.0f64; CHUNK * q];
        for start in (0..y.len()).step_by(CHUNK) {
            let m = (y.len() - start).min(CHUNK);
            for i in 0..m {
                let row = &mut buf[i * q..(i + 1) * q];
                row[..p].copy_from_slice(&xs[(start + i) * p..(start + i + 1) * p]);
                row[p] = y[start + i];
                row[p + 1] = 1.0;
            }
            let rows = &buf[..m * q];
            for kb in 0..blocks {
                let mut jb = kb;
                while jb < blocks {
                    match blocks - jb {
                        1 => tiles::<1>(rows, q, jb, kb, out),
                        2 => tiles::<2>(rows, q, jb, kb, out),
                        _ => tiles::<3>(rows, q, jb, kb, out),
                    }
                    jb += (blocks - jb).min(3);
                }
            }
        }
    }

    /// Adds the `T` tiles at row blocks `jb..jb + T`, column block `kb`, over
    /// the padded rows `rows` (`q` wide) into `out`.
    #[target_feature(enable = "avx512f")]
    fn tiles<const T: usize>(rows: &[f64], q: usize, jb: usize, kb: usize, out: &mut [f64]) {
        assert!((jb + T) * 8 <= q && kb * 8 + 8 <= q && rows.len().is_multiple_of(q) && out.len() == q * q);
        let mut acc = [[_mm512_setzero_pd(); 8]; T];
        for row in rows.chunks_exact(q) {
            let p = row.as_ptr();
            // SAFETY: `(jb + T) * 8 <= q` and `kb * 8 + 8 <= q` (asserted), within the row.
            unsafe {
                let a: [__m512d; T] = std::array::from_fn(|t| _mm512_loadu_pd(p.add((jb + t) * 8)));
                for c in 0..8 {
                    let b = _mm512_set1_pd(*p.add(kb * 8 + c));
                    for t in 0..T {
                        acc[t][c] = _mm512_fmadd_pd(a[t], b, acc[t][c]);
                    }
                }
            }
        }
        for (t, tile) in acc.iter().enumerate() {
            for (c, v) in tile.iter().enumerate() {
                let at = (kb * 8 + c) * q + (jb + t) * 8;
                let dst = &mut out[at..at + 8];
                // SAFETY: `dst` holds eight values.
                unsafe {
                    let sum = _mm512_add_pd(_mm512_loadu_pd(dst.as_ptr()), *v);
                    _mm512_storeu_pd(dst.as_mut_ptr(), sum);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_blocks_equal_the_naive_sums() {
        for p in [1, 5, 6, 7, 14, 50, 62] {
            if !available(p) {
                return;
            }
            let n = 700; // more than two chunks
            let xs: Vec<f64> = (0..n * p).map(|i| ((i * 7919) % 1013) as f64 / 97.0 - 5.0).collect();
            let y: Vec<f64> = (0..n).map(|i| ((i * 31) % 17) as f64 - 8.0).collect();
            let q = width(p);
            let mut out = vec![f64::NAN; q * q];
            gram_rows(&xs, &y, p, &mut out);
            let b = |i: usize, j: usize| match j {
                j if j < p => xs[i * p + j],
                j if j == p => y[i],
                j if j == p + 1 => 1.0,
                _ => 0.0,
            };
            for k in 0..q {
                for j in (k / 8 * 8)..q {
                    let want: f64 = (0..n).map(|i| b(i, j) * b(i, k)).sum();
                    let got = out[k * q + j];
                    assert!((got - want).abs() <= 1e-9 * (1.0 + want.abs()), "p {p} ({j}, {k}): {got} vs {want}");
                }
            }
        }
    }
}
