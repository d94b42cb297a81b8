//! The split search of several numerical features at once, one per vector lane.
//!
//! A numerical feature's scan (`split.rs`) sums its bins one at a time from
//! the top down, each sum waiting on the one before, and scores every
//! threshold with two divisions. So a scalar scan is bound by that chain and
//! by the divider, and with tens to hundreds of features of 255 bins it was
//! a quarter to a half of training. Scanning [`LANES`] features side by side
//! keeps that many independent chains in flight, and the gains are first
//! estimated with reciprocals, so that only the few thresholds near a
//! lane's best are divided at. Each lane adds, rounds, compares and divides
//! exactly as the scalar scan does, in the same order, so the sums, gains and
//! chosen thresholds are the same bit for bit (a property test holds them to
//! it). The kernel needs AVX-512, checked at run time; without it every
//! feature is scanned on its own.

use crate::histogram::Bin;

/// Features scanned together: one AVX-512 register of `f64`s.
pub const LANES: usize = 8;

/// The bins a lane may hold (a `u8` bin index).
const MAX_BINS: usize = 256;

/// A leaf's constants for the closed-form scan (no bounds, monotone
/// constraint, smoothing, drawn threshold or L1).
#[derive(Debug, Clone, Copy)]
pub struct LaneLeaf {
    /// The leaf's gradient sum.
    pub g: f64,
    /// The leaf's hessian sum with LightGBM's two epsilons.
    pub h: f64,
    pub count: f64,
    /// Rows per unit of hessian: a bin's count is estimated from its hessian.
    pub cnt_factor: f64,
    pub min_data: f64,
    pub min_hess: f64,
    pub l2: f64,
    /// The gain a threshold must exceed (the leaf's own plus `min_gain_to_split`).
    pub min_gain: f64,
    /// Where the scanned side's hessian sum starts (LightGBM's epsilon).
    pub epsilon: f64,
}

/// A lane's best threshold: its gain, the threshold, the left side's
/// gradient and hessian sums and its count; `None` if none beat `min_gain`.
pub type LaneFound = Option<(f64, usize, [f64; 2], i64)>;

/// Whether this CPU scans in lanes (AVX-512); otherwise every feature is
/// scanned on its own, as `split.rs` does.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The scans with missing values left of up to [`LANES`] features, each
/// given as its histogram and top bin: the right side is summed from the top
/// bin down to bin 1, and bin `t` makes threshold `t - 1`. Per lane, the
/// result of `split.rs`'s `Sweep::down` over the same bins. Only where
/// [`available`].
pub fn down(leaf: &LaneLeaf, features: &[(&[Bin], usize)]) -> [LaneFound; LANES] {
    assert!(features.len() <= LANES, "at most {LANES} features a scan");
    assert!(features.iter().all(|&(h, top)| top < h.len() && top < MAX_BINS), "a top bin within its histogram");
    assert!(available(), "lane scans need AVX-512");
    // Missing lanes scan one zero bin, and find nothing.
    let zero: &[Bin] = &[[0.0; 2]];
    let lanes: [(&[Bin], usize); LANES] = std::array::from_fn(|j| features.get(j).copied().unwrap_or((zero, 0)));
    STEPS.with_borrow_mut(|steps| {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the CPU has AVX-512F (asserted above), the only feature
        // `scan_avx512` is compiled for.
        #[allow(unsafe_code)]
        let [best, best_k, best_g, best_h, best_c] = unsafe { scan_avx512(leaf, &lanes, steps) };
        #[cfg(not(target_arch = "x86_64"))]
        let [best, best_k, best_g, best_h, best_c]: [[f64; LANES]; 5] = unreachable!("asserted available");
        let LaneLeaf { g: tg, h: th, count: n, min_gain, .. } = *leaf;
        std::array::from_fn(|j| {
            let found = j < features.len() && best[j] > min_gain;
            // Step `k` read bin `top - k`, which makes threshold `top - k - 1`.
            let t = features.get(j).map_or(0, |&(_, top)| top - best_k[j] as usize - 1);
            found.then(|| (best[j], t, [tg - best_g[j], th - best_h[j]], (n - best_c[j]) as i64))
        })
    })
}

/// What the first pass of [`scan_avx512`] keeps of a step, per lane: the
/// scanned side's gradient, hessian and count, and the estimated gain.
type Step = [[f64; LANES]; 4];

/// The lanes' scans (each lane's bins from its top down): per lane, the best
/// gain (from `min_gain`), the step it was found at and the scanned side's
/// gradient, hessian and count there.
///
/// Each lane computes what the scalar scan does, operation for operation:
/// the sums in scan order; the count `(h * f + 0.5) as i64` as a truncated
/// `f64` (exact below 2^53; 0 for NaN); the same ordered comparisons (false
/// with NaN); the gain `(g·g)/(h+λ)` of each side, the other side first; a
/// lane stops where the scalar scan breaks, and a gain wins only when
/// strictly above the best so far, so ties keep the earlier threshold.
///
/// Divisions are what a scan waits on (an 8-lane division issues every 16
/// cycles on some cores), and only the thresholds whose gain is near the
/// lane's best need one. So a first pass estimates every gain with
/// reciprocals good to 2^-14 (a gain's two terms are non-negative, so the
/// estimate is within 2^-13 of it) and keeps the largest estimate `m`; the
/// second pass divides only at the steps estimated at `m·(1 - 2^-10)` or
/// more, which include every step whose gain is the lane's maximum. The
/// first of those in scan order is the scalar scan's choice. (Nor is a
/// step at an empty bin divided at: it repeats the step before.) A lane whose
/// estimates cannot be trusted (a denominator not positive or near
/// overflow, an estimate not finite, or all of them near underflow) divides
/// at every step.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn scan_avx512(leaf: &LaneLeaf, lanes: &[(&[Bin], usize); LANES], steps: &mut [Step]) -> [[f64; LANES]; 5] {
    use std::arch::x86_64::*;
    let lt = |a, b| _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b);
    let splat = |x: f64| _mm512_set1_pd(x);
    // SAFETY (loads and stores): each pointer is to an `[f64; 8]`, the 64
    // bytes an unaligned `__m512d` access reads or writes.
    #[allow(unsafe_code)]
    let load = |a: &[f64; LANES]| unsafe { _mm512_loadu_pd(a.as_ptr()) };
    #[allow(unsafe_code)]
    let store = |a: &mut [f64; LANES], v| unsafe { _mm512_storeu_pd(a.as_mut_ptr(), v) };
    // Lane `j`'s (gradient, hessian) at step `k`: bin `top_j - k`, or bin 0 once past its top (not scanned).
    let pair = |j: usize, k: usize| {
        let (hist, top) = lanes[j];
        let b = hist[top.saturating_sub(k)];
        _mm_set_pd(b[1], b[0])
    };
    let four = |j: usize, k: usize| {
        let lo = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(pair(j, k)), pair(j + 1, k));
        let hi = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(pair(j + 2, k)), pair(j + 3, k));
        _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(lo), hi)
    };
    // A step's pairs, lanes 0-3 in `a` and 4-7 in `b`: the gradients, then the hessians.
    let (gradients, hessians) =
        (_mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1));
    let LaneLeaf { g: tg, h: th, count: n, cnt_factor, min_data, min_hess, l2, min_gain, epsilon, .. } = *leaf;
    let (tg, th, n, cf, half) = (splat(tg), splat(th), splat(n), splat(cnt_factor), splat(0.5));
    let (min_data, min_hess, l2, zero, inf) =
        (splat(min_data), splat(min_hess), splat(l2), splat(0.0), splat(f64::INFINITY));
    let (mut g, mut h, mut c) = (zero, splat(epsilon), zero);
    // A lane scans while the step is below its limit: its top, or the step where it stopped.
    let mut limit = _mm512_set_pd(
        lanes[7].1 as f64,
        lanes[6].1 as f64,
        lanes[5].1 as f64,
        lanes[4].1 as f64,
        lanes[3].1 as f64,
        lanes[2].1 as f64,
        lanes[1].1 as f64,
        lanes[0].1 as f64,
    );
    let n_steps = lanes.iter().map(|&(_, top)| top).max().unwrap_or(0);
    let steps = &mut steps[..n_steps];
    let mut scored = [0u8; MAX_BINS];
    let (mut most, mut untrusted) = (splat(f64::NEG_INFINITY), 0u8);
    for (k, (step, scored)) in steps.iter_mut().zip(&mut scored).enumerate() {
        let kf = splat(k as f64);
        let (a, b) = (four(0, k), four(4, k));
        let (bg, bh) = (_mm512_permutex2var_pd(a, gradients, b), _mm512_permutex2var_pd(a, hessians, b));
        g = _mm512_add_pd(g, bg);
        h = _mm512_add_pd(h, bh);
        let r = _mm512_roundscale_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(_mm512_add_pd(
            _mm512_mul_pd(bh, cf),
            half,
        ));
        c = _mm512_add_pd(c, _mm512_maskz_mov_pd(_mm512_cmp_pd_mask::<_CMP_ORD_Q>(r, r), r));
        let active = lt(kf, limit);
        let valid = !(lt(c, min_data) | lt(h, min_hess));
        let other_h = _mm512_sub_pd(th, h);
        let stop = active & valid & (lt(_mm512_sub_pd(n, c), min_data) | lt(other_h, min_hess));
        limit = _mm512_mask_blend_pd(stop, limit, kf);
        // At an empty bin after the first, the sums and so the gain are the
        // last step's: it cannot be strictly better, and is not scored.
        let empty = _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(bg, zero) & _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(bh, zero);
        let repeated = if k > 0 { empty } else { 0 };
        let scores = active & valid & !stop & !repeated;
        let (lg, dl, dr) = (_mm512_sub_pd(tg, g), _mm512_add_pd(other_h, l2), _mm512_add_pd(h, l2));
        let estimate = _mm512_add_pd(
            _mm512_mul_pd(_mm512_mul_pd(lg, lg), _mm512_rcp14_pd(dl)),
            _mm512_mul_pd(_mm512_mul_pd(g, g), _mm512_rcp14_pd(dr)),
        );
        let (big, positive) = (splat(1e300), lt(zero, dl) & lt(zero, dr));
        untrusted |= scores & !(positive & lt(dl, big) & lt(dr, big) & lt(estimate, inf));
        most = _mm512_mask_max_pd(most, scores, most, estimate);
        for (s, v) in step.iter_mut().zip([g, h, c, estimate]) {
            store(s, v);
        }
        *scored = scores;
    }
    untrusted |= lt(most, splat(1e-280));
    let near =
        _mm512_mask_blend_pd(untrusted, _mm512_mul_pd(most, splat(1.0 - 1.0 / 1024.0)), splat(f64::NEG_INFINITY));
    let mut best = splat(min_gain);
    let (mut best_k, mut best_g, mut best_h, mut best_c) = (zero, zero, zero, zero);
    for (k, (step, &scored)) in steps.iter().zip(&scored).enumerate() {
        let candidates = scored & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(load(&step[3]), near);
        if candidates == 0 {
            continue;
        }
        let (g, h, c) = (load(&step[0]), load(&step[1]), load(&step[2]));
        let lg = _mm512_sub_pd(tg, g);
        let v = _mm512_add_pd(
            _mm512_div_pd(_mm512_mul_pd(lg, lg), _mm512_add_pd(_mm512_sub_pd(th, h), l2)),
            _mm512_div_pd(_mm512_mul_pd(g, g), _mm512_add_pd(h, l2)),
        );
        let better = candidates & _mm512_cmp_pd_mask::<_CMP_GT_OQ>(v, best);
        let kf = splat(k as f64);
        best = _mm512_mask_blend_pd(better, best, v);
        best_k = _mm512_mask_blend_pd(better, best_k, kf);
        best_g = _mm512_mask_blend_pd(better, best_g, g);
        best_h = _mm512_mask_blend_pd(better, best_h, h);
        best_c = _mm512_mask_blend_pd(better, best_c, c);
    }
    let mut out = [[0.0; LANES]; 5];
    for (o, v) in out.iter_mut().zip([best, best_k, best_g, best_h, best_c]) {
        store(o, v);
    }
    out
}

thread_local! {
    /// Per thread: the first pass's steps, reused (64 KB).
    static STEPS: std::cell::RefCell<Vec<Step>> = std::cell::RefCell::new(vec![[[0.0; LANES]; 4]; MAX_BINS]);
}
