//! Kernel functions as LIBSVM (and scikit-learn's `pairwise_kernels`) define them.
//!
//! An SVM spends nearly all its time on kernel values, so they are never
//! computed pair by pair: a training kernel row's dot products are
//! multiply-adds over the rows stored feature by feature ([`Columns`]), and
//! a block of a prediction's kernel matrix, or of the block solver's rows,
//! is one matrix product, with the
//! squared norms of the rows computed once for the RBF kernel
//! (`‖x−y‖² = ‖x‖² + ‖y‖² − 2xᵀy`, as LIBSVM's training kernel does) and
//! the exponentials eight at a time.

use faer::{Accum, MatMut, MatRef, Par};
use ironlearn_core::{bail, Result};
use ironlearn_linalg::vector_math;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows of a kernel matrix computed together: their block (rows × training
/// rows) stays in cache between the product and the mapping.
const ROWS: usize = 128;

/// scikit-learn's `gamma`: `"scale"`, `"auto"` or a non-negative number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Gamma {
    /// `"scale"` (`1 / (n_features · X.var())`) or `"auto"` (`1 / n_features`).
    Named(String),
    /// A fixed value.
    Value(f64),
}

impl Gamma {
    pub(crate) fn is_valid(g: &Gamma) -> bool {
        match g {
            Gamma::Named(s) => s == "scale" || s == "auto",
            Gamma::Value(v) => v.is_finite() && *v >= 0.0,
        }
    }

    /// The value for the training matrix `x`, as scikit-learn's `BaseLibSVM.fit` resolves it.
    pub(crate) fn resolve(&self, x: ArrayView2<'_, f64>) -> f64 {
        let p = x.ncols().max(1) as f64;
        match self {
            Gamma::Value(v) => *v,
            Gamma::Named(s) if s == "auto" => 1.0 / p,
            Gamma::Named(_) => {
                let n = x.len() as f64;
                let mean = x.sum() / n;
                let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                if var != 0.0 {
                    1.0 / (p * var)
                } else {
                    1.0
                }
            }
        }
    }
}

/// A kernel with its parameters resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kernel {
    /// `xᵀy`
    Linear,
    /// `(γ·xᵀy + coef0)^degree`
    Poly { gamma: f64, degree: i32, coef0: f64 },
    /// `exp(−γ‖x−y‖²)`
    Rbf { gamma: f64 },
    /// `tanh(γ·xᵀy + coef0)`
    Sigmoid { gamma: f64, coef0: f64 },
    /// `exp(−γ‖x−y‖₁)` (kernel ridge only)
    Laplacian { gamma: f64 },
    /// `xᵀy / (‖x‖‖y‖)` (kernel ridge only)
    Cosine,
    /// `exp(−γ Σ (x−y)²/(x+y))` (kernel ridge only)
    Chi2 { gamma: f64 },
}

/// LIBSVM's `powi`: integer powers by squaring.
fn powi(base: f64, times: i32) -> f64 {
    let (mut tmp, mut ret, mut t) = (base, 1.0, times);
    while t > 0 {
        if t % 2 == 1 {
            ret *= tmp;
        }
        tmp *= tmp;
        t /= 2;
    }
    ret
}

impl Kernel {
    /// The kernel named as scikit-learn's SVMs name it, with `gamma` already resolved.
    pub(crate) fn new(name: &str, gamma: f64, degree: i32, coef0: f64) -> Result<Kernel> {
        Ok(match name {
            "linear" => Kernel::Linear,
            "poly" => Kernel::Poly { gamma, degree, coef0 },
            "rbf" => Kernel::Rbf { gamma },
            "sigmoid" => Kernel::Sigmoid { gamma, coef0 },
            "laplacian" => Kernel::Laplacian { gamma },
            "cosine" => Kernel::Cosine,
            "chi2" => Kernel::Chi2 { gamma },
            _ => bail!(InvalidValue, "kernel '{name}' is not supported"),
        })
    }

    /// Whether rows need their squared norms (RBF, cosine).
    pub(crate) fn needs_norms(&self) -> bool {
        matches!(self, Kernel::Rbf { .. } | Kernel::Cosine)
    }

    /// Whether the kernel is a function of dot products (computed by matrix products).
    fn is_dot_based(&self) -> bool {
        !matches!(self, Kernel::Laplacian { .. } | Kernel::Chi2 { .. })
    }

    /// Maps the dot product `dot` of two rows with squared norms `na`, `nb` to the kernel value.
    #[inline]
    pub(crate) fn of_dot(&self, dot: f64, na: f64, nb: f64) -> f64 {
        match *self {
            Kernel::Linear => dot,
            Kernel::Poly { gamma, degree, coef0 } => powi(gamma * dot + coef0, degree),
            Kernel::Rbf { gamma } => vector_math::exp(-gamma * (na + nb - 2.0 * dot)),
            Kernel::Sigmoid { gamma, coef0 } => (gamma * dot + coef0).tanh(),
            Kernel::Cosine => {
                let d = (na * nb).sqrt();
                if d > 0.0 {
                    dot / d
                } else {
                    0.0
                }
            }
            Kernel::Laplacian { .. } | Kernel::Chi2 { .. } => unreachable!("not a dot-product kernel"),
        }
    }

    /// One kernel value, pair by pair (for the kernels that are not functions of dot products).
    fn pair(&self, a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
        match *self {
            Kernel::Laplacian { gamma } => {
                (-gamma * a.iter().zip(b.iter()).map(|(x, y)| (x - y).abs()).sum::<f64>()).exp()
            }
            Kernel::Chi2 { gamma } => {
                let s: f64 = a
                    .iter()
                    .zip(b.iter())
                    .map(|(x, y)| if x + y != 0.0 { (x - y) * (x - y) / (x + y) } else { 0.0 })
                    .sum();
                (-gamma * s).exp()
            }
            _ => {
                let (na, nb) = (a.dot(&a), b.dot(&b));
                self.of_dot(a.dot(&b), na, nb)
            }
        }
    }

    /// `K(x_i, x_i)` for every row of `x` (squared norms `norms` for the kernels that need them).
    pub(crate) fn diagonal(&self, x: ArrayView2<'_, f64>, norms: &[f64]) -> Vec<f64> {
        let mut k = [0.0];
        (0..x.nrows())
            .map(|i| {
                self.row_into(x, norms, i, i, i + 1, &mut k);
                k[0]
            })
            .collect()
    }

    /// The squared norms of the rows of `x`.
    pub(crate) fn norms(x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.rows().into_iter().map(|r| r.dot(&r)).collect()
    }

    /// The kernel matrix between the rows of `a` and of `b` (norms given or
    /// computed), by blocks of rows of `a` on the pool, each one matrix
    /// product (every value computed the same way whatever the threads).
    pub(crate) fn matrix(
        &self,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        b_norms: Option<ArrayView1<'_, f64>>,
    ) -> Array2<f64> {
        let nb = self.norms_of(b, b_norms);
        let mut k = Array2::zeros((a.nrows(), b.nrows()));
        k.axis_chunks_iter_mut(Axis(0), ROWS)
            .into_par_iter()
            .zip(a.axis_chunks_iter(Axis(0), ROWS))
            .for_each(|(out, ab)| self.block_into(ab, b, &nb, out));
        k
    }

    /// `Σ_j coef[c, j]·K(x_i, sv_j)` for every row `x_i` of `x` and row `c` of `coef`
    /// (decision values before the intercept), by blocks of rows on the pool,
    /// so that each kernel block stays small and in cache.
    pub(crate) fn weighted_sums(
        &self,
        x: ArrayView2<'_, f64>,
        sv: ArrayView2<'_, f64>,
        sv_norms: Option<ArrayView1<'_, f64>>,
        coef: ArrayView2<'_, f64>,
    ) -> Array2<f64> {
        let nb = self.norms_of(sv, sv_norms);
        let mut out = Array2::zeros((x.nrows(), coef.nrows()));
        out.axis_chunks_iter_mut(Axis(0), ROWS).into_par_iter().zip(x.axis_chunks_iter(Axis(0), ROWS)).for_each(
            |(mut o, xb)| {
                let mut k = Array2::zeros((xb.nrows(), sv.nrows()));
                self.block_into(xb, sv, &nb, k.view_mut());
                o.assign(&k.dot(&coef.t()));
            },
        );
        out
    }

    /// The squared norms of `b`'s rows where the kernel needs them (empty otherwise).
    fn norms_of(&self, b: ArrayView2<'_, f64>, given: Option<ArrayView1<'_, f64>>) -> Vec<f64> {
        match (self.needs_norms(), given) {
            (false, _) => Vec::new(),
            (true, Some(n)) => n.to_vec(),
            (true, None) => Kernel::norms(b).to_vec(),
        }
    }

    /// The kernel values between the rows of `a` and of `b` (squared norms
    /// `nb`) into `out` (standard layout): one matrix product, then the mapping.
    fn block_into(&self, a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>, nb: &[f64], mut out: ArrayViewMut2<'_, f64>) {
        if !self.is_dot_based() {
            for (i, mut row) in out.rows_mut().into_iter().enumerate() {
                for (j, v) in row.iter_mut().enumerate() {
                    *v = self.pair(a.row(i), b.row(j));
                }
            }
            return;
        }
        general_mat_mul(1.0, &a, &b.t(), 0.0, &mut out);
        if matches!(self, Kernel::Linear) {
            return;
        }
        for (mut row, ra) in out.rows_mut().into_iter().zip(a.rows()) {
            let ni = if nb.is_empty() { 0.0 } else { ra.dot(&ra) };
            self.map_dots(row.as_slice_mut().expect("a block of a standard-layout matrix"), ni, nb);
        }
    }

    /// The kernel values of row `i` of `x` against rows `from..to` (as
    /// [`Kernel::row_into`]), the dot products taken from `cols` (the same
    /// rows feature by feature), split over threads when the row is long
    /// enough to pay for it (every value is computed the same way whatever
    /// the split).
    pub(crate) fn row_par(
        &self,
        x: ArrayView2<'_, f64>,
        cols: &Columns,
        norms: &[f64],
        i: usize,
        from: usize,
        to: usize,
        out: &mut [f64],
    ) {
        const CHUNK: usize = 1024;
        let (Some(xi), true) = (x.row(i).to_slice(), self.is_dot_based()) else {
            return self.row_into(x, norms, i, from, to, out);
        };
        let ni = norms.get(i).copied().unwrap_or(0.0);
        let part = |start: usize, o: &mut [f64]| {
            let nj = if norms.is_empty() { &[][..] } else { &norms[start..start + o.len()] };
            self.row_of_columns(cols, xi, ni, nj, start, o);
        };
        if (to - from) * x.ncols() < (1 << 17) || to - from < 2 * CHUNK {
            return part(from, out);
        }
        out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, o)| part(from + c * CHUNK, o));
    }

    /// The kernel values of row `i` of `x` against rows `from..to` of `x` (with
    /// squared norms `norms` for RBF), written into `out` (one matrix-vector product).
    pub(crate) fn row_into(
        &self,
        x: ArrayView2<'_, f64>,
        norms: &[f64],
        i: usize,
        from: usize,
        to: usize,
        out: &mut [f64],
    ) {
        let xi = x.row(i);
        let block = x.slice(s![from..to, ..]);
        if self.is_dot_based() {
            let ni = norms.get(i).copied().unwrap_or(0.0);
            let nj = if norms.is_empty() { &[][..] } else { &norms[from..to] };
            match (block.as_slice(), xi.as_slice()) {
                (Some(rows), Some(xi)) if !xi.is_empty() => {
                    out.iter_mut().zip(rows.chunks_exact(xi.len())).for_each(|(o, r)| *o = vector_math::dot(r, xi))
                }
                _ => out.iter_mut().zip(block.dot(&xi)).for_each(|(o, d)| *o = d),
            }
            self.map_dots(out, ni, nj);
        } else {
            for (o, r) in out.iter_mut().zip(block.axis_iter(Axis(0))) {
                *o = self.pair(xi, r);
            }
        }
    }
}

/// Training rows stored feature by feature (`p × l`), in the solver's row
/// order: a kernel row's dot products are then `p` multiply-adds over
/// contiguous values, eight rows to a vector, where row by row each was a
/// dot product of `p` values (two vectors and a tail at 20 features).
pub(crate) struct Columns {
    data: Vec<f64>,
    l: usize,
}

impl Columns {
    pub(crate) fn new(x: ArrayView2<'_, f64>) -> Columns {
        let (l, p) = x.dim();
        let mut data = vec![0.0; l * p];
        for (j, row) in x.rows().into_iter().enumerate() {
            row.iter().enumerate().for_each(|(f, &v)| data[f * l + j] = v);
        }
        Columns { data, l }
    }

    /// Swaps rows `i` and `j` (the solver's shrinking does).
    pub(crate) fn swap(&mut self, i: usize, j: usize) {
        for col in self.data.chunks_exact_mut(self.l) {
            col.swap(i, j);
        }
    }

    /// `out[k] = xi · x_{from + k}`, summed feature by feature, 512 rows at
    /// a time (their sums stay in L1 while the features pass).
    #[inline(always)]
    fn dots(&self, xi: &[f64], from: usize, out: &mut [f64]) {
        for (c, part) in out.chunks_mut(512).enumerate() {
            let (start, len) = (from + c * 512, part.len());
            part.fill(0.0);
            for (col, &a) in self.data.chunks_exact(self.l).zip(xi) {
                for (o, &v) in part.iter_mut().zip(&col[start..start + len]) {
                    *o += a * v;
                }
            }
        }
    }
}

impl Kernel {
    /// The kernel rows of rows `rows` of `x` against all of its rows, into
    /// `out` (`rows.len() × l`): one matrix product of the rows with all of
    /// them (faer's kernels), then the mapping; the values of
    /// [`Kernel::row_par`] up to the rounding of the dot products.
    pub(crate) fn rows_of(&self, x: ArrayView2<'_, f64>, norms: &[f64], rows: &[usize], out: &mut [f64]) {
        let (l, p) = x.dim();
        let (Some(all), true) = (x.as_slice(), self.is_dot_based()) else {
            for (&r, o) in rows.iter().zip(out.chunks_exact_mut(l)) {
                self.row_into(x, norms, r, 0, l, o);
            }
            return;
        };
        let picked: Vec<f64> = rows.iter().flat_map(|&r| all[r * p..(r + 1) * p].iter().copied()).collect();
        let a = MatRef::from_row_major_slice(&picked, rows.len(), p);
        let b = MatRef::from_row_major_slice(all, l, p);
        let dst = MatMut::from_row_major_slice_mut(out, rows.len(), l);
        ironlearn_linalg::matmul(dst, Accum::Replace, a, b.transpose(), 1.0, Par::Seq);
        for (&r, o) in rows.iter().zip(out.chunks_exact_mut(l)) {
            self.map_dots(o, norms.get(r).copied().unwrap_or(0.0), norms);
        }
    }

    /// [`Columns::dots`] mapped to kernel values (with AVX-512 where the CPU
    /// has it; both paths give the same bits).
    fn row_of_columns(&self, cols: &Columns, xi: &[f64], ni: f64, nj: &[f64], from: usize, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if vector_math::avx512() {
            // SAFETY: the CPU has the features `row_of_columns_avx512` is compiled for.
            #[allow(unsafe_code)]
            return unsafe { self.row_of_columns_avx512(cols, xi, ni, nj, from, out) };
        }
        cols.dots(xi, from, out);
        self.map_dots_lanes(out, ni, nj)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn row_of_columns_avx512(&self, cols: &Columns, xi: &[f64], ni: f64, nj: &[f64], from: usize, out: &mut [f64]) {
        cols.dots(xi, from, out);
        self.map_dots_lanes(out, ni, nj)
    }

    /// Maps dot products with a row of squared norm `ni` (against rows of
    /// squared norms `nj`, empty for kernels without norms) to kernel values in
    /// place; the RBF kernel's exponentials eight at a time.
    fn map_dots(&self, dots: &mut [f64], ni: f64, nj: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        if vector_math::avx512() {
            // SAFETY: the CPU has the features `map_dots_avx512` is compiled for.
            #[allow(unsafe_code)]
            return unsafe { self.map_dots_avx512(dots, ni, nj) };
        }
        self.map_dots_lanes(dots, ni, nj)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn map_dots_avx512(&self, dots: &mut [f64], ni: f64, nj: &[f64]) {
        self.map_dots_lanes(dots, ni, nj)
    }

    #[inline(always)]
    fn map_dots_lanes(&self, dots: &mut [f64], ni: f64, nj: &[f64]) {
        match *self {
            Kernel::Linear => {}
            Kernel::Rbf { gamma } => {
                dots.iter_mut().zip(nj).for_each(|(v, &nj)| *v = vector_math::exp(-gamma * (ni + nj - 2.0 * *v)))
            }
            Kernel::Cosine => dots.iter_mut().zip(nj).for_each(|(v, &nj)| *v = self.of_dot(*v, ni, nj)),
            _ => dots.iter_mut().for_each(|v| *v = self.of_dot(*v, 0.0, 0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn kernels_match_scikit_learn() {
        // sklearn.metrics.pairwise: rbf_kernel(a, b, gamma=0.5), polynomial_kernel(a, b, 3, 0.5, 1),
        // sigmoid_kernel(a, b, 0.5, 1), laplacian_kernel(a, b, 0.5), cosine_similarity(a, b)
        let a = array![[1.0, 2.0], [0.0, -1.0]];
        let b = array![[0.5, 1.0], [2.0, 0.0], [0.0, 0.0]];
        let rbf = Kernel::Rbf { gamma: 0.5 }.matrix(a.view(), b.view(), None);
        assert!((rbf[[0, 0]] - (-0.5f64 * 1.25).exp()).abs() < 1e-12);
        assert!((rbf[[1, 1]] - (-0.5f64 * 5.0).exp()).abs() < 1e-12);
        let poly = Kernel::Poly { gamma: 0.5, degree: 3, coef0: 1.0 }.matrix(a.view(), b.view(), None);
        assert!((poly[[0, 1]] - 8.0).abs() < 1e-12);
        let sig = Kernel::Sigmoid { gamma: 0.5, coef0: 1.0 }.matrix(a.view(), b.view(), None);
        assert!((sig[[0, 0]] - 2.25f64.tanh()).abs() < 1e-12);
        let lap = Kernel::Laplacian { gamma: 0.5 }.matrix(a.view(), b.view(), None);
        assert!((lap[[0, 1]] - (-1.5f64).exp()).abs() < 1e-12);
        let cos = Kernel::Cosine.matrix(a.view(), b.view(), None);
        assert!((cos[[0, 1]] - 2.0 / (5.0f64.sqrt() * 2.0)).abs() < 1e-12);
        assert_eq!(cos[[0, 2]], 0.0);
        let mut row = [0.0; 3];
        let x = array![[1.0, 2.0], [0.5, 1.0], [2.0, 0.0]];
        let norms = Kernel::norms(x.view());
        Kernel::Rbf { gamma: 0.5 }.row_into(x.view(), norms.as_slice().unwrap(), 0, 0, 3, &mut row);
        assert!((row[0] - 1.0).abs() < 1e-12 && (row[1] - rbf[[0, 0]]).abs() < 1e-12);
    }

    #[test]
    fn matrices_of_one_feature_and_of_column_major_input() {
        // A one-column matrix is in both layouts, and ndarray's product is then column-major.
        let a = Array2::from_shape_fn((5, 1), |(i, _)| i as f64 * 0.3);
        let b = Array2::from_shape_fn((4, 1), |(i, _)| 1.0 - i as f64 * 0.2);
        let wide = Array2::from_shape_fn((5, 3), |(i, j)| (i + 2 * j) as f64 * 0.1).reversed_axes().to_owned();
        let wide = wide.t();
        for k in [Kernel::Rbf { gamma: 0.7 }, Kernel::Poly { gamma: 0.5, degree: 2, coef0: 1.0 }, Kernel::Cosine] {
            for (a, b) in [(a.view(), b.view()), (wide, wide)] {
                let m = k.matrix(a, b, None);
                for i in 0..a.nrows() {
                    for j in 0..b.nrows() {
                        assert!((m[[i, j]] - k.pair(a.row(i), b.row(j))).abs() < 1e-12, "{k:?} ({i}, {j})");
                    }
                }
            }
        }
    }

    #[test]
    fn rows_from_columns_equal_rows_from_rows_after_swaps() {
        // 3000 rows: the threaded path too; swapped as the solver's shrinking swaps.
        let (l, p) = (3000, 7);
        let mut x = Array2::from_shape_fn((l, p), |(i, j)| ((i * 31 + j * 17) % 23) as f64 / 7.0 - 1.5);
        let mut cols = Columns::new(x.view());
        for (a, b) in [(0, 2999), (5, 6), (100, 2000)] {
            cols.swap(a, b);
            let (mut ra, mut rb) = (x.row(a).to_owned(), x.row(b).to_owned());
            std::mem::swap(&mut ra, &mut rb);
            x.row_mut(a).assign(&ra);
            x.row_mut(b).assign(&rb);
        }
        let norms = Kernel::norms(x.view()).to_vec();
        let kernels = [
            Kernel::Rbf { gamma: 0.3 },
            Kernel::Linear,
            Kernel::Poly { gamma: 0.5, degree: 3, coef0: 1.0 },
            Kernel::Sigmoid { gamma: 0.1, coef0: 0.5 },
        ];
        for k in kernels {
            for (i, from, to) in [(0, 0, l), (2999, 10, 40), (6, 0, 2500)] {
                let (mut got, mut want) = (vec![0.0; to - from], vec![0.0; to - from]);
                k.row_par(x.view(), &cols, &norms, i, from, to, &mut got);
                k.row_into(x.view(), &norms, i, from, to, &mut want);
                for (g, w) in got.iter().zip(&want) {
                    assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()), "{k:?} row {i}: {g} vs {w}");
                }
            }
        }
    }

    #[test]
    fn gamma_scale_and_auto() {
        // X.var() over all entries: [[0, 2], [2, 4]] -> mean 2, var 2; scale = 1 / (2 * 2)
        let x = array![[0.0, 2.0], [2.0, 4.0]];
        assert_eq!(Gamma::Named("scale".into()).resolve(x.view()), 0.25);
        assert_eq!(Gamma::Named("auto".into()).resolve(x.view()), 0.5);
        assert_eq!(Gamma::Named("scale".into()).resolve(Array2::<f64>::ones((2, 2)).view()), 1.0);
        assert!(!Gamma::is_valid(&Gamma::Value(-1.0)));
        assert!(!Gamma::is_valid(&Gamma::Named("big".into())));
    }
}
