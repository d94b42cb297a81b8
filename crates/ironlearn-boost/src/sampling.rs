//! Which rows a round's trees are grown from (LightGBM's data sample strategies).
//!
//! Growing each tree from a part of the rows makes training faster and the
//! trees less alike. Bagging draws rows at random (or whole queries, so a
//! ranking objective still sees every document of a drawn query); GOSS keeps
//! the rows the model gets most wrong and a sample of the rest, whose
//! gradients are scaled up so that the histograms' sums stay unbiased.
//!
//! Every draw comes from a stream forked per block of rows from the round's
//! seeded stream, and a block is sampled on its own: the bag does not depend
//! on the thread count. Bags and out-of-bag lists are in ascending row order.

use ironlearn_core::{ensure, Error, Result, Rng};
use rayon::prelude::*;

use crate::Gbdt;

/// The parameters as training reads them, checked as LightGBM checks them:
/// boosting "goss" is gbdt with data_sample_strategy "goss", and GOSS takes
/// no bagging (nor bagging by query, which it turns off as LightGBM does).
pub(crate) fn resolve(p: &Gbdt, has_queries: bool) -> Result<Gbdt> {
    let mut p = p.clone();
    if p.boosting == "goss" {
        p.boosting = "gbdt".into();
        p.data_sample_strategy = "goss".into();
    }
    if p.data_sample_strategy == "goss" {
        ensure!(
            !(p.bagging_freq > 0 && p.bagging_fraction != 1.0),
            InvalidValue,
            "Cannot use bagging in GOSS: with data_sample_strategy 'goss' leave bagging_freq at 0 or bagging_fraction at 1"
        );
        if p.top_rate <= 0.0 || p.other_rate <= 0.0 {
            let name = if p.top_rate <= 0.0 { "top_rate" } else { "other_rate" };
            return Err(Error::param(name, "GOSS needs top_rate > 0 and other_rate > 0"));
        }
        if p.top_rate + p.other_rate > 1.0 {
            return Err(Error::param(
                "other_rate",
                format!("GOSS needs top_rate + other_rate <= 1, got {} + {}", p.top_rate, p.other_rate),
            ));
        }
        p.bagging_by_query = false;
    } else if p.bagging_by_query && p.bagging_freq > 0 && p.bagging_fraction < 1.0 {
        ensure!(
            has_queries,
            InvalidValue,
            "bagging_by_query draws whole queries: the training data needs query groups (group)"
        );
    }
    Ok(p)
}

/// Rows (or queries) per independently sampled block.
const BLOCK: usize = 16 * 1024;

/// The rows of a round's trees, and the others.
pub(crate) type Bag = (Vec<u32>, Vec<u32>);

fn concat(parts: Vec<Bag>) -> Bag {
    let mut bag = Vec::new();
    let mut oob = Vec::new();
    for (i, o) in parts {
        bag.extend(i);
        oob.extend(o);
    }
    (bag, oob)
}

/// Bernoulli sampling of `0..n`, each kept with probability `fraction`.
pub(crate) fn draw_bag(n: usize, fraction: f64, rng: &Rng) -> Bag {
    let parts: Vec<Bag> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut r = rng.fork(b as u64);
            let (mut inb, mut out) = (Vec::new(), Vec::new());
            for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                if r.uniform() < fraction {
                    inb.push(i as u32);
                } else {
                    out.push(i as u32);
                }
            }
            (inb, out)
        })
        .collect();
    concat(parts)
}

/// Bagging by query: each query (rows `bounds[q]..bounds[q + 1]`) joins the bag with probability `fraction`.
pub(crate) fn draw_query_bag(bounds: &[usize], fraction: f64, rng: &Rng) -> Bag {
    let (queries, others) = draw_bag(bounds.len() - 1, fraction, rng);
    let rows = |qs: Vec<u32>| -> Vec<u32> {
        qs.into_iter().flat_map(|q| bounds[q as usize] as u32..bounds[q as usize + 1] as u32).collect()
    };
    (rows(queries), rows(others))
}

/// Rounds before GOSS starts sampling: LightGBM lets the first `1 / learning_rate`
/// rounds see every row, while all gradients are still large.
pub(crate) fn goss_warmup(learning_rate: f64) -> usize {
    (1.0 / learning_rate) as usize
}

/// Gradient-based one-side sampling of `n` rows whose `k` outputs' gradients
/// are `gh` (output-major). In each block, the `top_rate` of rows with the
/// largest `sum |gradient x hessian|` are kept (every row tied with the last of
/// them too), and `other_rate` of the block is drawn from the rest, whose
/// gradients and hessians are multiplied by `(rows - top) / other` in `gh`.
pub(crate) fn goss(gh: &mut [[f32; 2]], n: usize, k: usize, top_rate: f64, other_rate: f64, rng: &Rng) -> Bag {
    let gh_read: &[[f32; 2]] = gh;
    let magnitude = |i: usize| -> f32 { (0..k).map(|c| (gh_read[c * n + i][0] * gh_read[c * n + i][1]).abs()).sum() };
    // Per block: its bag, its out-of-bag rows, and the drawn rows with their factor.
    let parts: Vec<(Bag, Vec<u32>, f32)> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let start = b * BLOCK;
            let cnt = BLOCK.min(n - start);
            let mags: Vec<f32> = (start..start + cnt).map(magnitude).collect();
            let top = ((cnt as f64 * top_rate) as usize).max(1);
            let other = (cnt as f64 * other_rate) as usize;
            let mut sorted = mags.clone();
            sorted.select_nth_unstable_by(top - 1, |a, b| b.total_cmp(a));
            let threshold = sorted[top - 1];
            let multiply = (cnt - top) as f32 / other as f32;
            let mut r = rng.fork(b as u64);
            let (mut inb, mut out, mut drawn) = (Vec::new(), Vec::new(), Vec::new());
            let mut big = 0usize;
            for (i, &m) in mags.iter().enumerate() {
                let row = (start + i) as u32;
                if m >= threshold {
                    inb.push(row);
                    big += 1;
                    continue;
                }
                // Draws exactly `other` of the rest (fewer when ties took places of the top).
                let need = other as f64 - drawn.len() as f64;
                let left = (cnt - i) as f64 - (top as f64 - big as f64);
                if r.uniform() < need / left {
                    inb.push(row);
                    drawn.push(row);
                } else {
                    out.push(row);
                }
            }
            ((inb, out), drawn, multiply)
        })
        .collect();
    let mut bags = Vec::with_capacity(parts.len());
    for (bag, drawn, multiply) in parts {
        for c in 0..k {
            for &r in &drawn {
                let v = &mut gh[c * n + r as usize];
                v[0] *= multiply;
                v[1] *= multiply;
            }
        }
        bags.push(bag);
    }
    concat(bags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bags_partition_the_rows_in_order() {
        let (bag, oob) = draw_bag(40_000, 0.3, &Rng::new(1));
        let mut all: Vec<u32> = bag.iter().chain(&oob).copied().collect();
        assert!(bag.windows(2).all(|w| w[0] < w[1]) && oob.windows(2).all(|w| w[0] < w[1]));
        all.sort_unstable();
        assert_eq!(all, (0..40_000).collect::<Vec<u32>>());
        let rate = bag.len() as f64 / 40_000.0;
        assert!((rate - 0.3).abs() < 0.01, "{rate}");
    }

    #[test]
    fn query_bags_take_whole_queries() {
        // 300 queries of 1 to 7 rows.
        let mut bounds = vec![0];
        for q in 0..300 {
            bounds.push(bounds.last().unwrap() + 1 + q % 7);
        }
        let n = *bounds.last().unwrap();
        let (bag, oob) = draw_query_bag(&bounds, 0.5, &Rng::new(3));
        assert_eq!(bag.len() + oob.len(), n);
        let query_of = |r: u32| bounds.partition_point(|&b| b <= r as usize) - 1;
        let kept: std::collections::BTreeSet<usize> = bag.iter().map(|&r| query_of(r)).collect();
        for q in 0..300 {
            let rows = bounds[q + 1] - bounds[q];
            let inside = bag.iter().filter(|&&r| query_of(r) == q).count();
            assert_eq!(inside, if kept.contains(&q) { rows } else { 0 }, "query {q}");
        }
        assert!(kept.len() > 100 && kept.len() < 200, "{}", kept.len());
        assert!(bag.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn goss_keeps_the_largest_gradients_and_scales_a_sample_of_the_rest() {
        let n = 1000;
        // Two outputs; row i's magnitude grows with i.
        let mut gh: Vec<[f32; 2]> = (0..2 * n).map(|j| [(j % n) as f32, 1.0]).collect();
        let (bag, oob) = goss(&mut gh, n, 2, 0.2, 0.1, &Rng::new(7));
        assert_eq!(bag.len() + oob.len(), n);
        // The top 200 (rows 800..1000) are in, untouched; exactly 100 of the others are drawn, scaled by 800 / 100.
        assert!((800..1000).all(|r| bag.contains(&r)));
        let drawn: Vec<u32> = bag.iter().copied().filter(|&r| r < 800).collect();
        assert_eq!(drawn.len(), 100);
        for c in 0..2 {
            for r in 0..n as u32 {
                let want = if drawn.contains(&r) { 8.0 } else { 1.0 };
                assert_eq!(gh[c * n + r as usize], [r as f32 * want, want], "output {c} row {r}");
            }
        }
    }

    #[test]
    fn goss_keeps_ties_of_the_threshold() {
        let n = 100;
        let mut gh = vec![[1.0f32, 1.0]; n];
        let (bag, oob) = goss(&mut gh, n, 1, 0.2, 0.1, &Rng::new(0));
        assert_eq!((bag.len(), oob.len()), (n, 0));
        assert!(gh.iter().all(|v| *v == [1.0, 1.0]));
    }

    #[test]
    fn goss_does_not_depend_on_the_thread_count() {
        let n = 50_000;
        let base: Vec<[f32; 2]> = (0..n).map(|i| [((i * 7919) % 1013) as f32 - 500.0, 1.0]).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let mut gh = base.clone();
            let bag = pool.install(|| goss(&mut gh, n, 1, 0.1, 0.2, &Rng::new(11)));
            (bag, gh)
        };
        assert_eq!(run(1), run(4));
    }

    #[test]
    fn goss_waits_one_over_the_learning_rate() {
        assert_eq!(goss_warmup(0.1), 10);
        assert_eq!(goss_warmup(0.05), 20);
        assert_eq!(goss_warmup(0.3), 3);
    }
}
