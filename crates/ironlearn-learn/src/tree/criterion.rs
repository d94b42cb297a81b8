//! Split criteria, with scikit-learn's impurities and its cheap "proxy" gain.
//!
//! The splitter scans each feature's sorted values and moves one sample at a
//! time from the right child to the left; a criterion keeps running sums so
//! that each candidate costs O(classes), and ranks candidates by the proxy
//! (a quantity that orders splits as the impurity decrease does, without its
//! constant terms), exactly as scikit-learn's `_criterion.pyx` does, so that
//! both pick the same split.

/// A node's running statistics for one criterion.
pub(crate) trait Criterion {
    /// Whether [`Criterion::prepare`] must see each scan's order of rows
    /// before it starts (the absolute error precomputes its medians).
    const NEEDS_ORDER: bool = false;
    /// The rows of the node in the order the coming scan moves them left.
    fn prepare(&mut self, _order: &[usize]) {}
    /// Starts a node holding `samples`; the left child is empty.
    fn init(&mut self, samples: &[usize]);
    /// Empties the left child again.
    fn reset(&mut self);
    /// Moves `sample` from the right child to the left one.
    fn move_left(&mut self, sample: usize);
    /// Moves `sample` left if `go`. The sums criteria add zero instead of
    /// branching: a random split's rows go either way at random, and the
    /// branch mispredicted on half of them. Adding `+0.0` leaves every sum
    /// bit for bit as it was.
    fn move_left_if(&mut self, sample: usize, go: bool) {
        if go {
            self.move_left(sample);
        }
    }
    fn weighted_n_node(&self) -> f64;
    fn weighted_n_left(&self) -> f64;
    fn weighted_n_right(&self) -> f64 {
        self.weighted_n_node() - self.weighted_n_left()
    }
    /// The impurity of the node (whose samples are `samples`).
    fn node_impurity(&self, samples: &[usize]) -> f64;
    /// A quantity ordered as the impurity decrease of the current split.
    fn proxy_improvement(&self) -> f64;
    /// The impurities of the left and right children of the current split
    /// (`left` and `right` are their samples).
    fn children_impurity(&self, left: &[usize], right: &[usize]) -> (f64, f64);
    /// The node's value: class fractions, or the mean target.
    fn node_value(&self, out: &mut [f64]);
    /// The number of values per node.
    fn n_values(&self) -> usize;
    /// The decrease of impurity of the current split (see [`impurity_improvement`]).
    fn improvement(&self, weighted_n_samples: f64, parent: f64, left: f64, right: f64) -> f64 {
        impurity_improvement(self, weighted_n_samples, parent, left, right)
    }
}

/// The decrease of impurity a split brings, weighted by the node's share of
/// the training weight (scikit-learn's `impurity_improvement`).
pub(crate) fn impurity_improvement<C: Criterion + ?Sized>(
    c: &C,
    weighted_n_samples: f64,
    parent: f64,
    left: f64,
    right: f64,
) -> f64 {
    let wn = c.weighted_n_node();
    (wn / weighted_n_samples) * (parent - c.weighted_n_right() / wn * right - c.weighted_n_left() / wn * left)
}

/// Gini or entropy (base 2) over class codes.
pub(crate) struct ClassCriterion<'a> {
    codes: &'a [u32],
    weight: Option<&'a [f64]>,
    entropy: bool,
    total: Vec<f64>,
    left: Vec<f64>,
    wn: f64,
    wl: f64,
}

impl<'a> ClassCriterion<'a> {
    pub fn new(codes: &'a [u32], weight: Option<&'a [f64]>, n_classes: usize, entropy: bool) -> Self {
        ClassCriterion {
            codes,
            weight,
            entropy,
            total: vec![0.0; n_classes],
            left: vec![0.0; n_classes],
            wn: 0.0,
            wl: 0.0,
        }
    }

    fn w(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }

    fn impurity_of(&self, counts: impl Iterator<Item = f64>, wn: f64) -> f64 {
        if self.entropy {
            let mut e = 0.0;
            for c in counts {
                if c > 0.0 {
                    let p = c / wn;
                    e -= p * p.log2();
                }
            }
            e
        } else {
            let sq: f64 = counts.map(|c| c * c).sum();
            1.0 - sq / (wn * wn)
        }
    }

    fn left_right(&self) -> (f64, f64) {
        let wl = self.wl;
        let wr = self.wn - self.wl;
        let left = self.impurity_of(self.left.iter().copied(), wl);
        let right = self.impurity_of(self.total.iter().zip(&self.left).map(|(t, l)| t - l), wr);
        (left, right)
    }
}

impl Criterion for ClassCriterion<'_> {
    fn init(&mut self, samples: &[usize]) {
        self.total.fill(0.0);
        self.wn = 0.0;
        for &s in samples {
            let w = self.w(s);
            self.total[self.codes[s] as usize] += w;
            self.wn += w;
        }
        self.reset();
    }

    fn reset(&mut self) {
        self.left.fill(0.0);
        self.wl = 0.0;
    }

    fn move_left(&mut self, s: usize) {
        let w = self.w(s);
        self.left[self.codes[s] as usize] += w;
        self.wl += w;
    }

    fn move_left_if(&mut self, s: usize, go: bool) {
        // A product, not a select, which the compiler turned back into a branch (weights are finite).
        let w = self.w(s) * f64::from(u8::from(go));
        self.left[self.codes[s] as usize] += w;
        self.wl += w;
    }

    fn weighted_n_node(&self) -> f64 {
        self.wn
    }

    fn weighted_n_left(&self) -> f64 {
        self.wl
    }

    fn node_impurity(&self, _: &[usize]) -> f64 {
        self.impurity_of(self.total.iter().copied(), self.wn)
    }

    fn proxy_improvement(&self) -> f64 {
        let (l, r) = self.left_right();
        -self.weighted_n_right() * r - self.wl * l
    }

    fn children_impurity(&self, _: &[usize], _: &[usize]) -> (f64, f64) {
        self.left_right()
    }

    fn node_value(&self, out: &mut [f64]) {
        for (o, t) in out.iter_mut().zip(&self.total) {
            *o = t / self.wn;
        }
    }

    fn n_values(&self) -> usize {
        self.total.len()
    }
}

/// The regression criteria: squared error (variance) or half Poisson deviance.
pub(crate) struct RegCriterion<'a> {
    y: &'a [f64],
    weight: Option<&'a [f64]>,
    poisson: bool,
    sum: f64,
    sq_sum: f64,
    wn: f64,
    sum_left: f64,
    sq_left: f64,
    wl: f64,
}

impl<'a> RegCriterion<'a> {
    pub fn new(y: &'a [f64], weight: Option<&'a [f64]>, poisson: bool) -> Self {
        RegCriterion { y, weight, poisson, sum: 0.0, sq_sum: 0.0, wn: 0.0, sum_left: 0.0, sq_left: 0.0, wl: 0.0 }
    }

    fn w(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }

    /// Half Poisson deviance of `samples` around their weighted mean `sum / wn`.
    fn poisson_loss(&self, samples: &[usize], sum: f64, wn: f64) -> f64 {
        if sum <= f64::EPSILON {
            return f64::INFINITY;
        }
        let mean = sum / wn;
        let mut loss = 0.0;
        for &s in samples {
            let y = self.y[s];
            if y > 0.0 {
                loss += self.w(s) * y * (y / mean).ln();
            }
        }
        loss / wn
    }
}

impl Criterion for RegCriterion<'_> {
    fn init(&mut self, samples: &[usize]) {
        let (mut s1, mut s2, mut wn) = (0.0, 0.0, 0.0);
        for &s in samples {
            let (w, y) = (self.w(s), self.y[s]);
            s1 += w * y;
            s2 += w * y * y;
            wn += w;
        }
        (self.sum, self.sq_sum, self.wn) = (s1, s2, wn);
        self.reset();
    }

    fn reset(&mut self) {
        (self.sum_left, self.sq_left, self.wl) = (0.0, 0.0, 0.0);
    }

    fn move_left(&mut self, s: usize) {
        let (w, y) = (self.w(s), self.y[s]);
        self.sum_left += w * y;
        self.sq_left += w * y * y;
        self.wl += w;
    }

    fn move_left_if(&mut self, s: usize, go: bool) {
        // The weight times 0 or 1 (see `ClassCriterion`); `(0 * y) * y` is a zero for any finite `y`.
        let (w, y) = (self.w(s) * f64::from(u8::from(go)), self.y[s]);
        self.sum_left += w * y;
        self.sq_left += w * y * y;
        self.wl += w;
    }

    fn weighted_n_node(&self) -> f64 {
        self.wn
    }

    fn weighted_n_left(&self) -> f64 {
        self.wl
    }

    fn node_impurity(&self, samples: &[usize]) -> f64 {
        if self.poisson {
            return self.poisson_loss(samples, self.sum, self.wn);
        }
        let mean = self.sum / self.wn;
        self.sq_sum / self.wn - mean * mean
    }

    fn proxy_improvement(&self) -> f64 {
        let wl = self.wl;
        let wr = self.wn - wl;
        let sl = self.sum_left;
        let sr = self.sum - sl;
        if self.poisson {
            if sl <= f64::EPSILON || sr <= f64::EPSILON {
                return f64::NEG_INFINITY;
            }
            return sl * (sl / wl).ln() + sr * (sr / wr).ln();
        }
        sl * sl / wl + sr * sr / wr
    }

    fn children_impurity(&self, left: &[usize], right: &[usize]) -> (f64, f64) {
        let wl = self.wl;
        let wr = self.wn - wl;
        let sl = self.sum_left;
        let sr = self.sum - sl;
        if self.poisson {
            return (self.poisson_loss(left, sl, wl), self.poisson_loss(right, sr, wr));
        }
        let ml = sl / wl;
        let mr = sr / wr;
        (self.sq_left / wl - ml * ml, (self.sq_sum - self.sq_left) / wr - mr * mr)
    }

    fn node_value(&self, out: &mut [f64]) {
        out[0] = self.sum / self.wn;
    }

    fn n_values(&self) -> usize {
        1
    }
}

/// The absolute error around the weighted median (scikit-learn's `MAE`).
///
/// As scikit-learn 1.9 does, each scan precomputes, for every split position
/// of the coming order of rows, the absolute error and the median of the
/// rows before it (forward) and after it (backward), with a Fenwick tree of
/// weights and weighted targets over the node's target ranks: O(n log n) a
/// scan. The arithmetic is scikit-learn's, step by step, so tied splits
/// compare as there.
pub(crate) struct AbsCriterion<'a> {
    y: &'a [f64],
    weight: Option<&'a [f64]>,
    order: Vec<usize>,
    sorted_y: Vec<f64>,
    ranks: Vec<usize>,
    left_abs: Vec<f64>,
    right_abs: Vec<f64>,
    medians: Vec<f64>,
    fenwick: Fenwick,
    median: f64,
    wn: f64,
    wl: f64,
    pos: usize,
}

/// scikit-learn's `WeightedFenwickTree`: prefix sums of weights and of weighted targets.
#[derive(Default)]
struct Fenwick {
    w: Vec<f64>,
    wy: Vec<f64>,
    size: usize,
    max_pow2: usize,
    total_w: f64,
    total_wy: f64,
}

impl Fenwick {
    fn reset(&mut self, size: usize) {
        self.w.clear();
        self.w.resize(size + 1, 0.0);
        self.wy.clear();
        self.wy.resize(size + 1, 0.0);
        self.size = size;
        (self.total_w, self.total_wy) = (0.0, 0.0);
        let mut p = 1;
        while p <= size {
            p <<= 1;
        }
        self.max_pow2 = p >> 1;
    }

    fn add(&mut self, idx: usize, y: f64, weight: f64) {
        let wy = weight * y;
        let mut i = idx + 1;
        while i <= self.size {
            self.w[i] += weight;
            self.wy[i] += wy;
            i += i & i.wrapping_neg();
        }
        self.total_w += weight;
        self.total_wy += wy;
    }

    /// (index, weight before it, weighted target before it, previous index),
    /// as scikit-learn's `search`.
    fn search(&self, target: f64) -> (usize, f64, f64, usize) {
        let (mut current, mut cw, mut cwy) = (0usize, 0.0, 0.0);
        let mut target_weight = target;
        let mut bit = self.max_pow2;
        let mut equal: Option<(f64, usize)> = None;
        while bit != 0 {
            let next = current + bit;
            if next <= self.size {
                let node = self.w[next];
                if target_weight == node {
                    equal = Some((target_weight, bit));
                    break;
                } else if target_weight > node {
                    target_weight -= node;
                    current = next;
                    cw += node;
                    cwy += self.wy[next];
                }
            }
            bit >>= 1;
        }
        let Some((equal_target, equal_bit)) = equal else { return (current, cw, cwy, current) };
        let mut prev = current;
        while bit != 0 {
            let next = prev + bit;
            if next <= self.size {
                let node = self.w[next];
                if target_weight > node {
                    target_weight -= node;
                    prev = next;
                }
            }
            bit >>= 1;
        }
        let (mut bit, mut target_weight) = (equal_bit, equal_target);
        while bit != 0 {
            let next = current + bit;
            if next <= self.size {
                let node = self.w[next];
                if target_weight >= node {
                    target_weight -= node;
                    current = next;
                    cw += node;
                    cwy += self.wy[next];
                }
            }
            bit >>= 1;
        }
        (current, cw, cwy, prev)
    }
}

impl<'a> AbsCriterion<'a> {
    pub fn new(y: &'a [f64], weight: Option<&'a [f64]>) -> Self {
        AbsCriterion {
            y,
            weight,
            order: Vec::new(),
            sorted_y: Vec::new(),
            ranks: Vec::new(),
            left_abs: Vec::new(),
            right_abs: Vec::new(),
            medians: Vec::new(),
            fenwick: Fenwick::default(),
            median: 0.0,
            wn: 0.0,
            wl: 0.0,
            pos: 0,
        }
    }

    fn w(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }

    /// Fills `left_abs` (forward) or `right_abs` and `medians` (backward), as
    /// scikit-learn's `precompute_absolute_errors`.
    fn precompute(&mut self, forward: bool) {
        let n = self.order.len();
        self.fenwick.reset(n);
        for step in 0..n {
            let p = if forward { step } else { n - 1 - step };
            let i = self.order[p];
            let rank = self.ranks[p];
            self.fenwick.add(rank, self.sorted_y[rank], self.w(i));
            let half = 0.5 * self.fenwick.total_w;
            let (m, w_left, wy_left, prev) = self.fenwick.search(half);
            let median = if m != prev { (self.sorted_y[prev] + self.sorted_y[m]) / 2.0 } else { self.sorted_y[m] };
            let w_right = self.fenwick.total_w - w_left;
            let wy_right = self.fenwick.total_wy - wy_left;
            let ae = (wy_right - median * w_right) + (median * w_left - wy_left);
            if forward {
                self.left_abs[p] = ae;
            } else {
                self.right_abs[p] = ae;
                self.medians[p] = median;
            }
        }
    }

    fn left_right(&self) -> (f64, f64) {
        let left = if self.pos > 0 { self.left_abs[self.pos - 1] } else { 0.0 };
        let right = if self.pos < self.order.len() { self.right_abs[self.pos] } else { 0.0 };
        (left / self.wl, right / (self.wn - self.wl))
    }
}

impl Criterion for AbsCriterion<'_> {
    const NEEDS_ORDER: bool = true;

    fn prepare(&mut self, order: &[usize]) {
        let n = order.len();
        self.order.clear();
        self.order.extend_from_slice(order);
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| self.y[order[a]].total_cmp(&self.y[order[b]]));
        self.sorted_y.clear();
        self.sorted_y.extend(idx.iter().map(|&a| self.y[order[a]]));
        self.ranks.resize(n, 0);
        idx.iter().enumerate().for_each(|(r, &a)| self.ranks[a] = r);
        for v in [&mut self.left_abs, &mut self.right_abs, &mut self.medians] {
            v.clear();
            v.resize(n, 0.0);
        }
        self.precompute(true);
        self.precompute(false);
        self.reset();
    }

    fn init(&mut self, samples: &[usize]) {
        self.wn = samples.iter().map(|&s| self.w(s)).sum();
        self.prepare(samples);
        self.median = self.medians.first().copied().unwrap_or(0.0);
    }

    fn reset(&mut self) {
        self.wl = 0.0;
        self.pos = 0;
    }

    fn move_left(&mut self, s: usize) {
        self.wl += self.w(s);
        self.pos += 1;
    }

    fn weighted_n_node(&self) -> f64 {
        self.wn
    }

    fn weighted_n_left(&self) -> f64 {
        self.wl
    }

    fn node_impurity(&self, _: &[usize]) -> f64 {
        self.right_abs.first().copied().unwrap_or(0.0) / self.wn
    }

    fn proxy_improvement(&self) -> f64 {
        let (l, r) = self.left_right();
        -self.weighted_n_right() * r - self.wl * l
    }

    fn children_impurity(&self, _: &[usize], _: &[usize]) -> (f64, f64) {
        self.left_right()
    }

    fn node_value(&self, out: &mut [f64]) {
        out[0] = self.median;
    }

    fn n_values(&self) -> usize {
        1
    }
}
