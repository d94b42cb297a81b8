//! Splitting a leaf's rows between its children, stably.
//!
//! Every split moves each of its leaf's row indices to the left or the right
//! child's part of the leaf's range, keeping their order (so every later sum
//! adds in the same order whatever the thread count). Blocks of rows are
//! split in parallel into scratch space, then copied to their final places.
//!
//! Within a block, rows' directions are looked up first, a batch at a time
//! (independent loads, whose cache misses overlap). Where the CPU has
//! AVX-512F (checked at run time), sixteen rows at a time are then
//! compressed to the left or the right by their directions' mask; otherwise
//! each row is written to both ends and one count advances (no
//! unpredictable branch). Both give the same order (a property test holds
//! them to it). On 1M rows of ten features, where a tree moves about 6M
//! indices, the vector loop took a split from 2.1 to 1.4 ns a row (one
//! thread, copies included) and training from 4.46 to 3.99 s.

use rayon::prelude::*;

use crate::binning::Binned;
use crate::learner::BinnedSplit;

/// Rows per block when partitioning in parallel.
pub const BLOCK: usize = 16 * 1024;

/// Rows whose directions are looked up before they are moved.
const BATCH: usize = 256;

/// Stable partition of `rows` by the split; returns the number going left.
pub fn partition(rows: &mut [u32], data: &Binned, s: &BinnedSplit, scratch: &mut Vec<u32>) -> usize {
    let col = data.col(s.feature);
    let left = s.table();
    scratch.resize(rows.len(), 0);
    let block = if rows.len() < 2 * BLOCK { rows.len().max(1) } else { BLOCK };
    // Each block goes to its part of `scratch`: its left rows, then its right rows.
    let counts: Vec<usize> =
        rows.par_chunks(block).zip(scratch.par_chunks_mut(block)).map(|(b, o)| split_block(b, col, &left, o)).collect();
    let n_left: usize = counts.iter().sum();
    let (left_area, right_area) = rows.split_at_mut(n_left);
    let lefts = split_sizes(left_area, counts.iter().copied());
    let rights = split_sizes(right_area, scratch.chunks(block).zip(&counts).map(|(b, &nl)| b.len() - nl));
    scratch.par_chunks(block).zip(&counts).zip(lefts).zip(rights).for_each(|(((src, &nl), l), r)| {
        l.copy_from_slice(&src[..nl]);
        r.copy_from_slice(&src[nl..]);
    });
    n_left
}

/// Writes `block`'s rows going left (`left[bin]` is 1), then those going
/// right, each in order, to `out`; returns the number going left.
fn split_block(block: &[u32], col: &[u8], left: &[u8; 256], out: &mut [u32]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        return RIGHTS.with_borrow_mut(|rights| {
            rights.resize(block.len() + LANES, 0);
            // SAFETY: the CPU has AVX-512F, the feature the function is compiled for.
            #[allow(unsafe_code)]
            let nl = unsafe { split_avx512(block, col, left, out, rights) };
            out[nl..block.len()].copy_from_slice(&rights[..block.len() - nl]);
            nl
        });
    }
    split_scalar(block, col, left, out)
}

/// [`split_block`] a row at a time.
fn split_scalar(block: &[u32], col: &[u8], left: &[u8; 256], out: &mut [u32]) -> usize {
    let out = &mut out[..block.len()];
    let (mut nl, mut nr) = (0, 0);
    let last = out.len() - 1;
    let mut dirs = [0u8; BATCH];
    for chunk in block.chunks(BATCH) {
        dirs.iter_mut().zip(chunk).for_each(|(d, &r)| *d = left[usize::from(col[r as usize])]);
        // Both ends are written and one count advances; the slots meet only at the last row.
        for (&r, &d) in chunk.iter().zip(&dirs) {
            out[nl] = r;
            out[last - nr] = r;
            nl += usize::from(d);
            nr += usize::from(d ^ 1);
        }
    }
    // The right rows were written from the back.
    out[nl..].reverse();
    nl
}

thread_local! {
    /// A block's right rows, before they follow its left rows.
    static RIGHTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Row indices in a vector.
const LANES: usize = 16;

/// [`split_block`] sixteen rows at a time: left rows to `out`, right rows to
/// `rights` (`block.len() + LANES` long); returns the number going left.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn split_avx512(block: &[u32], col: &[u8], left: &[u8; 256], out: &mut [u32], rights: &mut [u32]) -> usize {
    use std::arch::x86_64::*;
    assert!(out.len() >= block.len() && rights.len() >= block.len() + LANES, "room for every row");
    let (mut nl, mut nr) = (0usize, 0usize);
    let mut dirs = [0u8; BATCH];
    for chunk in block.chunks(BATCH) {
        dirs.iter_mut().zip(chunk).for_each(|(d, &r)| *d = left[usize::from(col[r as usize])]);
        let full = chunk.len() / LANES;
        for (rows, d) in chunk.chunks_exact(LANES).zip(dirs.chunks_exact(LANES)) {
            // SAFETY (loads): `rows` is 16 u32s and `d` 16 bytes, what the unaligned loads read.
            #[allow(unsafe_code)]
            let (rv, dv) = unsafe { (_mm512_loadu_si512(rows.as_ptr().cast()), _mm_loadu_si128(d.as_ptr().cast())) };
            let dv = _mm512_cvtepu8_epi32(dv);
            let m = _mm512_test_epi32_mask(dv, dv);
            let c = m.count_ones() as usize;
            // SAFETY (stores): each writes 16 u32s. `nl + nr` counts the block's
            // rows before this vector, so `nl + 16` is within `out` (as long as
            // the block) and `nr + 16` within `rights` (16 longer); lanes past
            // the count are written over later or left unread.
            debug_assert!(nl + LANES <= out.len() && nr + LANES <= rights.len());
            #[allow(unsafe_code)]
            unsafe {
                _mm512_storeu_si512(out.as_mut_ptr().add(nl).cast(), _mm512_maskz_compress_epi32(m, rv));
                _mm512_storeu_si512(rights.as_mut_ptr().add(nr).cast(), _mm512_maskz_compress_epi32(!m, rv));
            }
            nl += c;
            nr += LANES - c;
        }
        for (&r, &d) in chunk[LANES * full..].iter().zip(&dirs[LANES * full..]) {
            if d == 1 {
                out[nl] = r;
                nl += 1;
            } else {
                rights[nr] = r;
                nr += 1;
            }
        }
    }
    nl
}

/// `slice` cut into consecutive pieces of the given sizes.
fn split_sizes(mut slice: &mut [u32], sizes: impl Iterator<Item = usize>) -> Vec<&mut [u32]> {
    sizes
        .map(|k| {
            let (head, tail) = std::mem::take(&mut slice).split_at_mut(k);
            slice = tail;
            head
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binning::{bin_rows, fit_mappers};
    use crate::features::RawColumn;
    use ironlearn_core::Rng;
    use ndarray::Array1;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn partition_is_a_stable_filter(seed in 0u64..1000, n in 1usize..(3 * BLOCK), keep in 1u64..4, kind in 0..3) {
            let mut rng = Rng::new(seed);
            let x = Array1::from_shape_fn(n, |_| rng.normal());
            let cols = [RawColumn::Numeric { name: String::new(), values: x.view() }];
            let data = bin_rows(&cols, &fit_mappers(&cols, 32, 1, 100_000, 0, crate::binning::Missing::Nan).unwrap()).unwrap();
            // Numeric, numeric with a missing bin sent left, or a category set.
            let split = BinnedSplit {
                feature: 0,
                threshold: rng.below(32) as u8,
                default_left: true,
                missing_bin: (kind == 1).then(|| rng.below(32) as u8),
                left_bins: (kind == 2).then(|| (0..40).map(|_| rng.below(2) == 1).collect()),
            };
            let mut rows: Vec<u32> = (0..n as u32).filter(|r| u64::from(*r) % keep == 0).collect();
            let want: Vec<u32> = rows.iter().copied().filter(|&r| split.go_left(data.get(r as usize, 0)))
                .chain(rows.iter().copied().filter(|&r| !split.go_left(data.get(r as usize, 0))))
                .collect();
            let mut one = vec![0; rows.len()];
            let n_one = split_scalar(&rows, data.col(0), &split.table(), &mut one);
            let n_left = partition(&mut rows, &data, &split, &mut Vec::new());
            prop_assert_eq!(n_left, want.iter().filter(|&&r| split.go_left(data.get(r as usize, 0))).count());
            prop_assert_eq!(&rows, &want);
            // The scalar loop (the path without AVX-512) on all the rows as one block.
            prop_assert_eq!(n_one, n_left);
            prop_assert_eq!(one, want);
        }
    }
}
