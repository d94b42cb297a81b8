//! Gradient histograms: per feature and bin, the sums of gradients and hessians.
//!
//! Rows are read row-wise (one cache line of bins per row) and features are
//! split into contiguous groups, one per thread, so each feature's histogram
//! is always summed by one thread in row order: the result does not depend on
//! the number of threads. Each feature's most frequent bin is skipped while
//! summing and recovered from the leaf total afterwards, which saves most of
//! the work on sparse features.

use rayon::prelude::*;

use crate::binning::Binned;

/// `[sum of gradients, sum of hessians]`.
pub type Bin = [f64; 2];

/// Rows below which a histogram is built on one thread.
const PARALLEL_ROWS: usize = 4096;

/// Builds the histogram of `rows` into `hist`; returns the rows' gradient and hessian sums.
pub fn build(data: &Binned, rows: &[u32], gh: &[[f32; 2]], hist: &mut [Bin], threads: usize) -> Bin {
    let nf = data.n_features;
    let groups = if rows.len() < PARALLEL_ROWS { 1 } else { threads.clamp(1, nf.max(1)) };
    if groups == 1 {
        return accumulate(data, rows, gh, 0, nf, hist);
    }
    // Contiguous feature ranges with similar bin counts, one per group.
    let per = data.total_bins.div_ceil(groups);
    let mut bounds = vec![0];
    for f in 0..nf {
        if data.offsets[f + 1] - data.offsets[*bounds.last().unwrap()] >= per && f + 1 < nf {
            bounds.push(f + 1);
        }
    }
    bounds.push(nf);
    let mut slices = Vec::with_capacity(bounds.len() - 1);
    let mut rest = hist;
    for w in bounds.windows(2) {
        let len = data.offsets[w[1]] - data.offsets[w[0]];
        let (head, tail) = rest.split_at_mut(len);
        slices.push((w[0], w[1], head));
        rest = tail;
    }
    let sums: Vec<Bin> = slices.into_par_iter().map(|(f0, f1, h)| accumulate(data, rows, gh, f0, f1, h)).collect();
    sums[0]
}

/// Sums features `f0..f1` over `rows` into `hist` (which covers exactly those features).
fn accumulate(data: &Binned, rows: &[u32], gh: &[[f32; 2]], f0: usize, f1: usize, hist: &mut [Bin]) -> Bin {
    hist.iter_mut().for_each(|b| *b = [0.0; 2]);
    let nf = data.n_features;
    let base = data.offsets[f0];
    let offs: Vec<usize> = data.offsets[f0..f1].iter().map(|o| o - base).collect();
    let mfb = &data.most_freq[f0..f1];
    let (mut sg, mut sh) = (0.0f64, 0.0f64);
    let bins = &data.bins;
    for &r in rows {
        let r = r as usize;
        let [g, h] = gh[r];
        let (g, h) = (f64::from(g), f64::from(h));
        sg += g;
        sh += h;
        let row = &bins[r * nf + f0..r * nf + f1];
        for ((&b, &off), &m) in row.iter().zip(&offs).zip(mfb) {
            if b != m {
                let e = &mut hist[off + b as usize];
                e[0] += g;
                e[1] += h;
            }
        }
    }
    // The skipped bin holds whatever the other bins do not.
    for (k, &m) in mfb.iter().enumerate() {
        let end = if k + 1 < offs.len() { offs[k + 1] } else { hist.len() };
        let (mut og, mut oh) = (0.0, 0.0);
        for (b, e) in hist[offs[k]..end].iter().enumerate() {
            if b != m as usize {
                og += e[0];
                oh += e[1];
            }
        }
        hist[offs[k] + m as usize] = [sg - og, sh - oh];
    }
    [sg, sh]
}

/// `larger = parent - smaller`, in place in `parent`.
pub fn subtract(parent: &mut [Bin], smaller: &[Bin]) {
    parent.par_chunks_mut(4096).zip(smaller.par_chunks(4096)).for_each(|(p, s)| {
        for (a, b) in p.iter_mut().zip(s) {
            a[0] -= b[0];
            a[1] -= b[1];
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binning::{bin_rows, fit_mappers};
    use crate::features::RawColumn;
    use ironlearn_core::Rng;
    use ndarray::Array2;
    use proptest::prelude::*;

    fn naive(data: &Binned, rows: &[u32], gh: &[[f32; 2]]) -> Vec<Bin> {
        let mut h = vec![[0.0; 2]; data.total_bins];
        for &r in rows {
            for f in 0..data.n_features {
                let b = data.bins[r as usize * data.n_features + f] as usize;
                h[data.offsets[f] + b][0] += f64::from(gh[r as usize][0]);
                h[data.offsets[f] + b][1] += f64::from(gh[r as usize][1]);
            }
        }
        h
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn matches_naive_sums(seed in 0u64..1000, n in 1usize..6000, nf in 1usize..7, threads in 1usize..4) {
            let mut rng = Rng::new(seed);
            let x = Array2::from_shape_fn((n, nf), |(_, j)| {
                if j % 2 == 0 { (rng.below(5)) as f64 } else { rng.normal() }
            });
            let cols: Vec<RawColumn<'_>> = (0..nf).map(|j| RawColumn::Numeric { name: String::new(), values: x.column(j) }).collect();
            let mappers = fit_mappers(&cols, 32, 1, 100_000, 0).unwrap();
            let data = bin_rows(&cols, &mappers).unwrap();
            let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.normal() as f32, rng.uniform() as f32]).collect();
            let rows: Vec<u32> = (0..n as u32).filter(|i| i % 3 != 1).collect();
            let mut hist = vec![[0.0; 2]; data.total_bins];
            build(&data, &rows, &gh, &mut hist, threads);
            let want = naive(&data, &rows, &gh);
            for (a, b) in hist.iter().zip(&want) {
                prop_assert!((a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6, "{a:?} vs {b:?}");
            }
        }
    }
}
