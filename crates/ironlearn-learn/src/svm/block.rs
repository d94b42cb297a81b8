//! LIBSVM's dual problems solved a block of variables at a time, for the larger ones.
//!
//! LIBSVM moves two variables per iteration, and every iteration reads two
//! kernel rows and the whole gradient: a 10k-row binary SVC takes about
//! 9,000 such passes over `l` values, its kernel rows computed one at a
//! time. ThunderSVM's decomposition (Wen, Shi and He, JMLR 2018; oneDAL's
//! `thunder` method, which scikit-learn-intelex runs) takes `q` variables at
//! a time instead: the most violating ones by LIBSVM's first-order rule,
//! half of them kept from the last block. Their kernel rows are computed
//! together (and kept in an LRU cache of up to four blocks' rows, within
//! `cache_size` where that holds a block), the
//! `q × q` subproblem is solved in cache by LIBSVM's own SMO with its
//! second-order selection, to a tenth of its starting violation, and the
//! gradient of every variable is updated once per block. It is the same
//! problem with the same stopping rule (the maximal violation below
//! `tol`), so the same solution to within the tolerance, in a few dozen
//! blocks where LIBSVM took thousands of pairs. Every step is sequential
//! or sums in a fixed order, so the result does not depend on the threads.

use ndarray::Array2;
use rayon::prelude::*;

use super::kernel::Kernel;
use super::libsvm::{intercept, solve as smo, Bound, QMatrix, Settings, Solution, Solver};

/// The largest block (measured: 256 to 1024 within 10% of each other on 2k-20k
/// rows, 512 the best or level; its `Q_BB`, 1 MB in single precision, stays in cache).
pub(crate) const MAX_BLOCK: usize = 512;

/// Whether blocks beat pairs on `n` variables of `p` features: measured on
/// this project's benchmark host (`BENCHMARKS.md`), they do from about 2,000
/// variables at 20 features, and from fewer the more features a kernel row
/// costs (400 rows of Fashion-MNIST's 784, 1,000 of 60), and lose below
/// (digits' pairs, 270 rows of 64, by a third).
pub(crate) fn pays(n: usize, p: usize) -> bool {
    n * p.max(24) >= 50_000
}
/// Kernel rows computed by one matrix product.
const ROWS_PER_PRODUCT: usize = 64;
/// The subproblem's SMO iterations allowed per variable of the block (as oneDAL).
const INNER_PER_VARIABLE: usize = 100;

/// Solves `min ½αᵀQα + pᵀα, yᵀα = δ, 0 ≤ α_i ≤ C_i` (with `nu`, the ν form's
/// two constraints) from the feasible `alpha`, where variable `v` stands for
/// row `v mod l` of `x` and `Q_vw = y_v y_w K(x_{v mod l}, x_{w mod l})`, in
/// blocks of up to `max_block` variables.
#[allow(clippy::too_many_arguments)]
pub(super) fn solve(
    x: Array2<f64>,
    p: &[f64],
    y: &[i8],
    mut alpha: Vec<f64>,
    c: &[f64],
    s: &Settings,
    nu: bool,
    max_block: usize,
) -> Solution {
    let (n, l) = (p.len(), x.nrows());
    let q = block_size(n, l, max_block);
    let mut rows = Rows::new(x, s.kernel, s.cache_size, q);
    let mut g = p.to_vec();
    let mut clock = 0;
    // the gradient of the starting point: G = p + Qα
    let start: Vec<usize> = (0..n).filter(|&v| alpha[v] != 0.0).collect();
    for part in start.chunks(q) {
        let coef = Coefficients::of(part.iter().map(|&v| (v % l, f64::from(y[v]) * alpha[v])), l);
        clock += 1;
        rows.hold(&coef.rows, clock);
        rows.add_to_gradient(&coef, y, &mut g);
    }
    let (mut n_iter, mut timed_out) = (0, false);
    let mut keep: Vec<usize> = Vec::new();
    while violation(y, &g, &alpha, c, nu) >= s.tol {
        let left = match s.max_iter {
            Some(m) if n_iter >= m => {
                timed_out = true;
                break;
            }
            Some(m) => m - n_iter,
            None => usize::MAX,
        };
        let ws = select(y, &g, &alpha, c, q, &keep, nu);
        let mut distinct: Vec<usize> = ws.iter().map(|&v| v % l).collect();
        distinct.sort_unstable();
        distinct.dedup();
        clock += 1;
        rows.hold(&distinct, clock);
        let mut sub = Subproblem::new(&rows, &ws, y, &g, &alpha, c);
        let local = Settings {
            tol: s.tol.max(0.1 * violation(&sub.y, &sub.g, &sub.alpha, &sub.c, nu)),
            shrinking: false,
            max_iter: Some(left.min(INNER_PER_VARIABLE * ws.len())),
            ..*s
        };
        let sol = smo(&mut sub.q, &sub.p, &sub.y, sub.alpha, &sub.c, &local, nu);
        n_iter += sol.n_iter;
        let moved: Vec<(usize, f64)> =
            ws.iter().zip(&sol.alpha).filter(|(&v, &a)| a != alpha[v]).map(|(&v, &a)| (v, a - alpha[v])).collect();
        if moved.is_empty() {
            // nothing moved (the steps round to nothing): LIBSVM would repeat them until
            // `max_iter`; stopped here and reported as not converged
            timed_out = true;
            break;
        }
        ws.iter().zip(&sol.alpha).for_each(|(&v, &a)| alpha[v] = a);
        let coef = Coefficients::of(moved.iter().map(|&(v, d)| (v % l, f64::from(y[v]) * d)), l);
        rows.add_to_gradient(&coef, y, &mut g);
        keep = ws[ws.len() - ws.len() / 2..].to_vec();
    }
    let status: Vec<Bound> = alpha.iter().zip(c).map(|(&a, &c)| Solver::bound(a, c)).collect();
    let (rho, r) = intercept(y, &g, &status, nu);
    Solution { alpha, rho, r, n_iter, timed_out }
}

/// The block size: a power of two up to `max_block` and half the
/// variables, with its kernel rows (`q × l` floats) within 1 GiB; at least
/// 8, so that the half of a block chosen afresh holds a pair of each sign
/// (the ν form's pairs stay within a sign), or else all the variables.
fn block_size(n: usize, l: usize, max_block: usize) -> usize {
    let fits = ((1usize << 30) / (4 * l.max(1))).max(16);
    let q = (n / 2).min(max_block).min(fits).max(8);
    if q >= n {
        n
    } else {
        1 << q.ilog2()
    }
}

/// Whether variable `v` may move up (`y_v α_v` grow) or down.
fn up(y: i8, a: f64, c: f64) -> bool {
    if y == 1 {
        a < c
    } else {
        a > 0.0
    }
}

fn low(y: i8, a: f64, c: f64) -> bool {
    if y == 1 {
        a > 0.0
    } else {
        a < c
    }
}

/// The maximal violation of the optimality conditions (LIBSVM's `Gmax + Gmax2`;
/// for ν, the larger of the two signs'): the problem is solved when it is below `tol`.
fn violation(y: &[i8], g: &[f64], alpha: &[f64], c: &[f64], nu: bool) -> f64 {
    // per group: the smallest y·G that may move up, the largest that may move down
    let mut ends = [(f64::INFINITY, f64::NEG_INFINITY); 2];
    for v in 0..g.len() {
        let e = &mut ends[usize::from(nu && y[v] != 1)];
        let f = f64::from(y[v]) * g[v];
        if up(y[v], alpha[v], c[v]) {
            e.0 = e.0.min(f);
        }
        if low(y[v], alpha[v], c[v]) {
            e.1 = e.1.max(f);
        }
    }
    ends.iter().map(|&(lo, hi)| hi - lo).fold(f64::NEG_INFINITY, f64::max)
}

/// The next block: `keep`, then alternately the variables that may move up with
/// the smallest `y·G` and those that may move down with the largest (per sign
/// for ν, whose pairs stay within a sign), then any others to fill it.
fn select(y: &[i8], g: &[f64], alpha: &[f64], c: &[f64], q: usize, keep: &[usize], nu: bool) -> Vec<usize> {
    let n = g.len();
    let f: Vec<f64> = (0..n).map(|v| f64::from(y[v]) * g[v]).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| f[a].total_cmp(&f[b]).then(a.cmp(&b)));
    let mut chosen = vec![false; n];
    let mut ws = Vec::with_capacity(q);
    for &v in keep {
        chosen[v] = true;
        ws.push(v);
    }
    let groups: &[i8] = if nu { &[1, -1] } else { &[0] };
    let (mut left, mut right) = (vec![0; groups.len()], vec![n; groups.len()]);
    'fill: loop {
        let before = ws.len();
        for (k, &sign) in groups.iter().enumerate() {
            let fits = |v: usize| sign == 0 || y[v] == sign;
            while left[k] < n {
                let v = order[left[k]];
                left[k] += 1;
                if !chosen[v] && fits(v) && up(y[v], alpha[v], c[v]) {
                    chosen[v] = true;
                    ws.push(v);
                    break;
                }
            }
            if ws.len() == q {
                break 'fill;
            }
            while right[k] > 0 {
                right[k] -= 1;
                let v = order[right[k]];
                if !chosen[v] && fits(v) && low(y[v], alpha[v], c[v]) {
                    chosen[v] = true;
                    ws.push(v);
                    break;
                }
            }
            if ws.len() == q {
                break 'fill;
            }
        }
        if ws.len() == before {
            break;
        }
    }
    for v in 0..n {
        if ws.len() == q {
            break;
        }
        if !chosen[v] {
            chosen[v] = true;
            ws.push(v);
        }
    }
    ws
}

/// Coefficients per row (`Σ y_v Δα_v` over the variables of a row), rows in first-seen order.
struct Coefficients {
    rows: Vec<usize>,
    values: Vec<f64>,
}

impl Coefficients {
    fn of(terms: impl Iterator<Item = (usize, f64)>, l: usize) -> Coefficients {
        let mut at = vec![usize::MAX; l];
        let (mut rows, mut values) = (Vec::new(), Vec::new());
        for (r, v) in terms {
            if at[r] == usize::MAX {
                at[r] = rows.len();
                rows.push(r);
                values.push(0.0);
            }
            values[at[r]] += v;
        }
        // a row whose variables cancel (the regression duals' pairs, equal at the ν start) adds nothing
        let (rows, values) = rows.into_iter().zip(values).filter(|&(_, v)| v != 0.0).unzip();
        Coefficients { rows, values }
    }
}

/// Kernel rows of the training rows, each held whole in single precision (as
/// LIBSVM's cache), in an LRU cache of one to four blocks' rows.
struct Rows {
    x: Array2<f64>,
    norms: Vec<f64>,
    kernel: Kernel,
    diagonal: Vec<f64>,
    /// `slots × l` values, grown as slots are first used.
    data: Vec<f32>,
    slot_of: Vec<usize>,
    owner: Vec<usize>,
    /// The block that last used each slot.
    used: Vec<u64>,
    capacity: usize,
}

impl Rows {
    fn new(x: Array2<f64>, kernel: Kernel, cache_mb: f64, q: usize) -> Rows {
        let l = x.nrows();
        let norms = if kernel.needs_norms() { Kernel::norms(x.view()).to_vec() } else { Vec::new() };
        let diagonal = kernel.diagonal(x.view(), &norms);
        let budget = (cache_mb * f64::from(1 << 20) / (4.0 * l as f64)) as usize;
        // Four blocks' rows at most: more saved almost no rows here, and every
        // fit faults its cache's pages in afresh (on this project's host, up to
        // 3.4 s a GB), which took a third of a 10k-row fit at 200 MB.
        let capacity = budget.min(4 * q).min(l).max(q.min(l));
        Rows {
            x,
            norms,
            kernel,
            diagonal,
            // reserved, not touched: pages are faulted in only as rows are stored
            data: Vec::with_capacity(capacity * l),
            slot_of: vec![usize::MAX; l],
            owner: Vec::new(),
            used: Vec::new(),
            capacity,
        }
    }

    fn row(&self, r: usize) -> &[f32] {
        let l = self.x.nrows();
        let s = self.slot_of[r];
        &self.data[s * l..(s + 1) * l]
    }

    /// Makes the distinct rows `need` held, stamped with `clock`, computing the
    /// missing ones together (in place of the least recently used others).
    fn hold(&mut self, need: &[usize], clock: u64) {
        let l = self.x.nrows();
        let mut missing = Vec::new();
        for &r in need {
            match self.slot_of[r] {
                usize::MAX => missing.push(r),
                s => self.used[s] = clock,
            }
        }
        let fresh = (self.capacity - self.owner.len()).min(missing.len());
        let mut victims: Vec<usize> = (0..self.owner.len()).filter(|&s| self.used[s] != clock).collect();
        victims.sort_unstable_by_key(|&s| (self.used[s], s));
        let mut todo = vec![usize::MAX; self.owner.len() + fresh];
        for (k, &r) in missing.iter().enumerate() {
            let s = if k < fresh {
                self.owner.push(r);
                self.used.push(clock);
                self.owner.len() - 1
            } else {
                let s = victims[k - fresh];
                self.slot_of[self.owner[s]] = usize::MAX;
                self.owner[s] = r;
                self.used[s] = clock;
                s
            };
            self.slot_of[r] = s;
            todo[s] = r;
        }
        self.data.resize(self.owner.len() * l, 0.0);
        let Rows { x, norms, kernel, data, .. } = self;
        let mut jobs: Vec<(&mut [f32], usize)> =
            data.chunks_mut(l).zip(todo).filter(|(_, r)| *r != usize::MAX).collect();
        jobs.par_chunks_mut(ROWS_PER_PRODUCT).for_each(|group| {
            let rows: Vec<usize> = group.iter().map(|(_, r)| *r).collect();
            let mut values = vec![0.0; rows.len() * l];
            kernel.rows_of(x.view(), norms, &rows, &mut values);
            for ((dst, _), v) in group.iter_mut().zip(values.chunks_exact(l)) {
                dst.iter_mut().zip(v).for_each(|(d, &v)| *d = v as f32);
            }
        });
    }

    /// `G_v += y_v Σ_r coef_r K(x_r, x_{v mod l})` for every variable `v`, the
    /// rows `coef` names held; by chunks of the row positions over the
    /// threads, each position summed over the rows in their order.
    fn add_to_gradient(&self, coef: &Coefficients, y: &[i8], g: &mut [f64]) {
        const CHUNK: usize = 1024;
        let l = self.x.nrows();
        let rows: Vec<(&[f32], f64)> =
            coef.rows.iter().map(|&r| self.row(r)).zip(coef.values.iter().copied()).collect();
        let mut sums = vec![0.0; l];
        sums.par_chunks_mut(CHUNK).enumerate().for_each(|(b, out)| {
            let span = b * CHUNK..b * CHUNK + out.len();
            for &(row, c) in &rows {
                for (o, &k) in out.iter_mut().zip(&row[span.clone()]) {
                    *o += c * f64::from(k);
                }
            }
        });
        for (v, gv) in g.iter_mut().enumerate() {
            *gv += f64::from(y[v]) * sums[v % l];
        }
    }
}

/// The subproblem of one block: `min ½α_BᵀQ_BBα_B + p_Bᵀα_B` with
/// `p_B = G_B − Q_BB α_B`, the others fixed.
struct Subproblem {
    q: BlockQ,
    p: Vec<f64>,
    y: Vec<i8>,
    g: Vec<f64>,
    alpha: Vec<f64>,
    c: Vec<f64>,
}

impl Subproblem {
    fn new(rows: &Rows, ws: &[usize], y: &[i8], g: &[f64], alpha: &[f64], c: &[f64]) -> Subproblem {
        let (m, l) = (ws.len(), rows.x.nrows());
        // each kernel row read in increasing order of position
        let mut by_row: Vec<usize> = (0..m).collect();
        by_row.sort_unstable_by_key(|&k| ws[k] % l);
        let mut q = vec![0.0f32; m * m];
        q.par_chunks_exact_mut(m).zip(ws).for_each(|(qa, &a)| {
            let row = rows.row(a % l);
            let ya = f32::from(y[a]);
            for &k in &by_row {
                let b = ws[k];
                qa[k] = ya * f32::from(y[b]) * row[b % l];
            }
        });
        let alpha: Vec<f64> = ws.iter().map(|&v| alpha[v]).collect();
        let g: Vec<f64> = ws.iter().map(|&v| g[v]).collect();
        let p = q
            .chunks_exact(m)
            .zip(&g)
            .map(|(qa, &ga)| ga - qa.iter().zip(&alpha).map(|(&k, &a)| f64::from(k) * a).sum::<f64>())
            .collect();
        Subproblem {
            q: BlockQ { q, m, diagonal: ws.iter().map(|&v| rows.diagonal[v % l]).collect() },
            p,
            y: ws.iter().map(|&v| y[v]).collect(),
            g,
            alpha,
            c: ws.iter().map(|&v| c[v]).collect(),
        }
    }
}

/// `Q_BB`, dense.
struct BlockQ {
    q: Vec<f32>,
    m: usize,
    diagonal: Vec<f64>,
}

impl QMatrix for BlockQ {
    fn row(&mut self, i: usize, len: usize) -> &[f32] {
        &self.q[i * self.m..i * self.m + len]
    }

    fn rows2(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]) {
        (&self.q[i * self.m..i * self.m + len], &self.q[j * self.m..j * self.m + len])
    }

    fn diagonal(&self) -> Vec<f64> {
        self.diagonal.clone()
    }

    fn swap_index(&mut self, _: usize, _: usize) {
        unreachable!("a block's subproblem is solved without shrinking")
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2};

    use super::super::libsvm::{train_one, Decomposition, Formulation, Settings, Solution};
    use super::super::tests::scaled;
    use super::*;
    use crate::test_data;

    fn settings(decomposition: Decomposition, tol: f64, p: usize) -> Settings {
        Settings {
            kernel: Kernel::Rbf { gamma: 1.0 / p as f64 },
            tol,
            cache_size: 200.0,
            shrinking: true,
            max_iter: None,
            decomposition,
        }
    }

    /// The decision values on the training rows.
    fn decision(x: &Array2<f64>, s: &Settings, sol: &Solution) -> Array1<f64> {
        s.kernel.matrix(x.view(), x.view(), None).dot(&Array1::from(sol.alpha.clone())) - sol.rho
    }

    /// Every formulation, the classification ones on breast_cancer and the
    /// regression ones on diabetes (standardised), weighted and with unequal
    /// class costs: blocks of 16 variables (dozens of blocks) and of 1024
    /// reach LIBSVM's decision function, solved tightly.
    #[test]
    fn blocks_reach_the_solution_of_pairs() {
        let (xc, labels) = test_data::load("breast_cancer");
        let xc = scaled(&xc);
        let yc: Vec<f64> = labels.iter().map(|v| if v == "malignant" { 1.0 } else { -1.0 }).collect();
        let (xr, target) = test_data::load("diabetes");
        let xr = scaled(&xr);
        let t: Vec<f64> = target.iter().map(|v| v.parse::<f64>().unwrap()).collect();
        let (m, sd) = (t.iter().sum::<f64>() / t.len() as f64, 77.0);
        let yr: Vec<f64> = t.iter().map(|v| (v - m) / sd).collect();
        let weights = |n: usize| (0..n).map(|i| 0.5 + (i % 4) as f64 * 0.5).collect::<Vec<f64>>();
        let cases = [
            (Formulation::CSvc, (1.0, 2.5), &xc, &yc),
            (Formulation::NuSvc { nu: 0.3 }, (0.0, 0.0), &xc, &yc),
            (Formulation::OneClass { nu: 0.2 }, (0.0, 0.0), &xc, &yc),
            (Formulation::EpsilonSvr { c: 3.0, epsilon: 0.1 }, (0.0, 0.0), &xr, &yr),
            (Formulation::NuSvr { c: 3.0, nu: 0.4 }, (0.0, 0.0), &xr, &yr),
        ];
        for (form, costs, x, y) in cases {
            let w = weights(y.len());
            let pairs = settings(Decomposition::Pairs, 1e-7, x.ncols());
            let want = train_one((*x).clone(), y, &w, form, costs, &pairs);
            let want_d = decision(x, &pairs, &want);
            let scale = want_d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            for q in [16, 1024] {
                let blocks = settings(Decomposition::Blocks(q), 1e-7, x.ncols());
                let got = train_one((*x).clone(), y, &w, form, costs, &blocks);
                assert!(!got.timed_out, "{form:?}");
                let got_d = decision(x, &blocks, &got);
                let worst = (&got_d - &want_d).iter().fold(0.0f64, |m, v| m.max(v.abs()));
                assert!(
                    worst <= 1e-4 * scale,
                    "{form:?}, blocks of {q}: decision values differ by {worst} (scale {scale})"
                );
                assert!(
                    (got.rho - want.rho).abs() <= 1e-4 * want.rho.abs().max(1.0),
                    "{form:?}: rho {} vs {}",
                    got.rho,
                    want.rho
                );
            }
        }
    }

    /// The same bits on one thread as on two, and `max_iter` counts the inner iterations.
    #[test]
    fn deterministic_and_bounded() {
        let (x, labels) = test_data::load("breast_cancer");
        let x = scaled(&x);
        let y: Vec<f64> = labels.iter().map(|v| if v == "malignant" { 1.0 } else { -1.0 }).collect();
        let w = vec![1.0; y.len()];
        let s = settings(Decomposition::Blocks(64), 1e-3, x.ncols());
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| train_one(x.clone(), &y, &w, Formulation::CSvc, (1.0, 1.0), &s))
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one.alpha, two.alpha);
        assert_eq!(one.rho.to_bits(), two.rho.to_bits());
        assert!(one.n_iter > 50 && !one.timed_out, "{} iterations", one.n_iter);
        let capped = Settings { max_iter: Some(50), ..s };
        let short = train_one(x.clone(), &y, &w, Formulation::CSvc, (1.0, 1.0), &capped);
        assert!(short.timed_out && short.n_iter == 50, "{} iterations", short.n_iter);
    }

    /// Problems of a few rows, forced into blocks: one block of every variable, LIBSVM's answer.
    #[test]
    fn tiny_problems() {
        let x = ndarray::array![[0.0, 1.0], [1.0, 0.5], [2.0, 2.0], [0.5, 3.0], [3.0, 0.0]];
        let y = [1.0, -1.0, 1.0, -1.0, -1.0];
        for n in 2..=5 {
            let (xs, ys) = (x.slice(ndarray::s![..n, ..]).to_owned(), &y[..n]);
            let w = vec![1.0; n];
            for form in [
                Formulation::CSvc,
                Formulation::NuSvc { nu: 0.5 },
                Formulation::OneClass { nu: 0.5 },
                Formulation::EpsilonSvr { c: 1.0, epsilon: 0.1 },
                Formulation::NuSvr { c: 1.0, nu: 0.5 },
            ] {
                let pairs = train_one(xs.clone(), ys, &w, form, (1.0, 1.0), &settings(Decomposition::Pairs, 1e-9, 2));
                let blocks =
                    train_one(xs.clone(), ys, &w, form, (1.0, 1.0), &settings(Decomposition::Blocks(512), 1e-9, 2));
                assert!(!blocks.timed_out, "{form:?} on {n} rows");
                for (a, b) in blocks.alpha.iter().zip(&pairs.alpha) {
                    assert!((a - b).abs() < 1e-6, "{form:?} on {n} rows: {:?} vs {:?}", blocks.alpha, pairs.alpha);
                }
            }
        }
    }

    #[test]
    fn block_sizes_are_powers_of_two_within_memory() {
        assert_eq!(block_size(569, 569, 1024), 256);
        assert_eq!(block_size(10_000, 10_000, 1024), 1024);
        assert_eq!(block_size(20_000, 10_000, 16), 16);
        assert_eq!(block_size(20_000, 10_000, 2), 8);
        assert_eq!(block_size(3, 3, 1024), 3);
        assert_eq!(block_size(12, 6, 1024), 8);
        // 4 M rows: 64 rows of 16 MB is the 1 GiB bound
        assert_eq!(block_size(1 << 22, 1 << 22, 1024), 64);
    }
}
