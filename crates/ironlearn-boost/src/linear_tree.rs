//! Linear trees (LightGBM's `linear_tree`): leaves that are linear models.
//!
//! A constant leaf needs many splits to follow a trend; a leaf that fits a
//! linear model of the features its branch split on follows it with few.
//! The splits are grown as usual; each leaf's model then takes one Newton
//! step of the loss over its rows (Eq. 3 of Shi, Li & Li, "Gradient Boosting
//! With Piece-Wise Linear Regression Trees"): `-(XᵀHX + λ)⁻¹ Xᵀg`, where X
//! holds the features and a column of ones, H the hessians, g the gradients
//! and λ = `linear_lambda` (the constant is not regularised). Everything
//! follows LightGBM's rule so its models and ours read alike: the features
//! are the numerical ones on the branch, rows with a NaN among them are left
//! out, the values are the training data's as `f32` (which LightGBM keeps),
//! the system is solved by full-pivot LU with Eigen's rank cut (a singular
//! system gives 0 for the unresolved coefficients), a leaf with fewer usable
//! rows than unknowns (counted LightGBM's way) or the first tree of a model
//! keeps its constant, and coefficients within 1e-35 of zero are dropped.
//! Sums run over each leaf's rows in row order, in fixed chunks folded in
//! order, so no thread count changes a model.

use ironlearn_core::{ensure, Arrays, Error, Features, Result};
use rayon::prelude::*;

use crate::features::{predict_columns, FeatureInfo, RawColumn};
use crate::tree::{round_to_zero, LinearLeaves, Tree};
use crate::Gbdt;

/// Rows summed in one piece; a leaf's pieces are added in order.
const CHUNK: usize = 1 << 14;

/// LightGBM's refusals, in its words.
pub(crate) fn check_params(p: &Gbdt) -> Result<()> {
    if !p.linear_tree {
        return Ok(());
    }
    ensure!(!p.zero_as_missing, InvalidValue, "zero_as_missing must be false when fitting linear trees.");
    ensure!(
        !matches!(p.objective.as_str(), "regression_l1" | "l1" | "mae" | "mean_absolute_error"),
        InvalidValue,
        "Cannot use regression_l1 objective when fitting linear trees."
    );
    ensure!(
        p.boosting != "dart",
        NotImplemented,
        "linear_tree with boosting 'dart' (dropped linear trees' scores are not recomputed); use gbdt"
    );
    Ok(())
}

/// The numerical features' values as `f32`, as LightGBM keeps them for
/// linear trees: the training scores and the fit read these.
#[derive(Debug, Clone)]
pub(crate) struct RawColumns {
    /// `None` for a categorical feature (linear models leave those out).
    cols: Vec<Option<Vec<f32>>>,
    /// Whether the feature holds a NaN.
    has_nan: Vec<bool>,
}

impl RawColumns {
    pub(crate) fn new(columns: &[RawColumn<'_>]) -> RawColumns {
        let cols: Vec<Option<Vec<f32>>> = columns
            .par_iter()
            .map(|c| match c {
                RawColumn::Numeric { values, .. } => Some(values.iter().map(|&v| v as f32).collect()),
                RawColumn::Categorical { .. } => None,
            })
            .collect();
        let has_nan = cols.iter().map(|c| c.as_ref().is_some_and(|v| v.iter().any(|x| x.is_nan()))).collect();
        RawColumns { cols, has_nan }
    }

    /// The columns of new data, read as the model's features.
    pub(crate) fn from_features(x: &Features<'_>, infos: &[FeatureInfo]) -> Result<RawColumns> {
        Ok(RawColumns::new(&predict_columns(x, infos)?))
    }

    /// Feature `f` of row `r`; NaN for a categorical feature (the leaf value is used then).
    #[inline]
    fn value(&self, f: usize, r: usize) -> f64 {
        self.cols[f].as_ref().map_or(f64::NAN, |c| f64::from(c[r]))
    }

    /// Whether any split of `tree` is on a feature holding a NaN: only then
    /// does LightGBM count rows its NaN-aware way.
    fn any_nan(&self, tree: &Tree) -> bool {
        tree.split_feature.iter().any(|&f| self.has_nan.get(f as usize).copied().unwrap_or(false))
    }
}

/// What `tree` adds to the score of row `r` (of the data `raw` holds), which reaches `leaf`.
#[inline]
pub(crate) fn output(tree: &Tree, raw: Option<&RawColumns>, leaf: usize, r: usize) -> f64 {
    match (&tree.linear, raw) {
        (None, _) => tree.leaf_value[leaf],
        (Some(l), Some(raw)) => l.output(leaf, tree.leaf_value[leaf], |f| raw.value(f, r)),
        (Some(_), None) => unreachable!("a trainer that grows linear trees keeps the raw values"),
    }
}

/// The sums of one leaf's system: `XᵀHX`'s upper triangle row by row, `Xᵀg`,
/// and LightGBM's count of usable values.
struct Sums {
    xthx: Vec<f64>,
    xtg: Vec<f64>,
    count: usize,
}

impl Sums {
    fn zero(m: usize) -> Sums {
        Sums { xthx: vec![0.0; (m + 1) * (m + 2) / 2], xtg: vec![0.0; m + 1], count: 0 }
    }

    fn add(&mut self, o: &Sums) {
        self.xthx.iter_mut().zip(&o.xthx).for_each(|(a, b)| *a += b);
        self.xtg.iter_mut().zip(&o.xtg).for_each(|(a, b)| *a += b);
        self.count += o.count;
    }

    /// Over `rows` (ascending), with features `fs`; `nan_aware` counts as
    /// LightGBM does when the tree splits on a feature holding NaN: one per
    /// value read before the first NaN, rows with a NaN skipped.
    fn over(rows: &[u32], fs: &[u32], gh: &[[f32; 2]], raw: &RawColumns, nan_aware: bool) -> Sums {
        let m = fs.len();
        let mut s = Sums::zero(m);
        let cols: Vec<Option<&[f32]>> = fs.iter().map(|&f| raw.cols[f as usize].as_deref()).collect();
        let mut x = vec![1.0f32; m + 1];
        'rows: for &r in rows {
            let r = r as usize;
            for (j, c) in cols.iter().enumerate() {
                let v = c.map_or(f32::NAN, |c| c[r]);
                if nan_aware {
                    if v.is_nan() {
                        continue 'rows;
                    }
                    s.count += 1;
                }
                x[j] = v;
            }
            let [g, h] = gh[r].map(f64::from);
            let mut at = 0;
            for a in 0..=m {
                let xa = f64::from(x[a]);
                s.xtg[a] += xa * g;
                let xah = xa * h;
                for &xb in &x[a..] {
                    s.xthx[at] += xah * f64::from(xb);
                    at += 1;
                }
            }
        }
        if !nan_aware {
            s.count = rows.len();
        }
        s
    }

    /// Over a leaf's rows, in fixed chunks added in order.
    fn leaf(rows: &[u32], fs: &[u32], gh: &[[f32; 2]], raw: &RawColumns, nan_aware: bool) -> Sums {
        let parts: Vec<Sums> = rows.par_chunks(CHUNK).map(|c| Sums::over(c, fs, gh, raw, nan_aware)).collect();
        let mut total = Sums::zero(fs.len());
        parts.iter().for_each(|p| total.add(p));
        total
    }

    /// The Newton step `-(XᵀHX + λ)⁻¹ Xᵀg` (coefficients, then the constant),
    /// or `None` when the leaf has too few usable values.
    fn solve(&self, lambda: f64) -> Option<Vec<f64>> {
        let n = self.xtg.len();
        if self.count < n {
            return None;
        }
        let mut a = vec![0.0; n * n];
        let mut at = 0;
        for i in 0..n {
            for j in i..n {
                a[i * n + j] = self.xthx[at];
                a[j * n + i] = self.xthx[at];
                at += 1;
            }
            if i + 1 < n {
                a[i * n + i] += lambda;
            }
        }
        let inv = FullPivLu::new(a, n).inverse();
        Some((0..n).map(|i| -(0..n).map(|j| inv[i * n + j] * self.xtg[j]).sum::<f64>()).collect())
    }
}

/// The sorted, distinct numerical features split on above each leaf.
fn branch_features(tree: &Tree, raw: &RawColumns) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); tree.num_leaves()];
    if tree.num_splits() == 0 {
        return out;
    }
    let mut stack = vec![(0i32, Vec::new())];
    while let Some((node, mut path)) = stack.pop() {
        if node < 0 {
            path.sort_unstable();
            path.dedup();
            path.retain(|&f| raw.cols.get(f as usize).is_some_and(Option::is_some));
            out[!node as usize] = path;
            continue;
        }
        let n = node as usize;
        path.push(tree.split_feature[n]);
        stack.push((tree.left_child[n], path.clone()));
        stack.push((tree.right_child[n], path));
    }
    out
}

/// Each leaf's and split node's sum of hessians over the rows of the leaves below it.
fn hessian_sums(tree: &Tree, rows: &[u32], ranges: &[(usize, usize)], gh: &[[f32; 2]]) -> (Vec<f64>, Vec<f64>) {
    let leaves: Vec<f64> =
        ranges.iter().map(|&(s, e)| rows[s..e].iter().map(|&r| f64::from(gh[r as usize][1])).sum()).collect();
    fn below(t: &Tree, id: i32, leaves: &[f64], internal: &mut [f64]) -> f64 {
        if id < 0 {
            return leaves[!id as usize];
        }
        let n = id as usize;
        internal[n] = below(t, t.left_child[n], leaves, internal) + below(t, t.right_child[n], leaves, internal);
        internal[n]
    }
    let mut internal = vec![0.0; tree.num_splits()];
    if tree.num_splits() > 0 {
        below(tree, 0, &leaves, &mut internal);
    }
    (leaves, internal)
}

/// Fits the linear models of a tree just grown on `rows` (leaf `i` holds
/// `rows[ranges[i].0..ranges[i].1]`, ascending) from the gradients it was
/// grown with, and records its hessian sums. The first tree of a model, and
/// a tree without splits, keep their constants (LightGBM's rule).
pub(crate) fn fit(
    tree: &mut Tree,
    rows: &[u32],
    ranges: &[(usize, usize)],
    gh: &[[f32; 2]],
    raw: &RawColumns,
    lambda: f64,
    first: bool,
) -> Result<()> {
    (tree.leaf_weight, tree.internal_weight) = hessian_sums(tree, rows, ranges, gh);
    if first || tree.num_splits() == 0 {
        tree.linear = Some(LinearLeaves::constant(&tree.leaf_value));
        return Ok(());
    }
    let features = branch_features(tree, raw);
    let nan_aware = raw.any_nan(tree);
    let mut lin = LinearLeaves::constant(&tree.leaf_value);
    let solved: Vec<Option<Vec<f64>>> = ranges
        .par_iter()
        .zip(&features)
        .map(|(&(s, e), fs)| Sums::leaf(&rows[s..e], fs, gh, raw, nan_aware).solve(lambda))
        .collect();
    for (leaf, (step, fs)) in solved.into_iter().zip(features).enumerate() {
        let Some(step) = step else { continue };
        let m = fs.len();
        ensure_finite(&step, leaf)?;
        let kept: Vec<usize> = (0..m).filter(|&i| step[i].abs() > 1e-35).collect();
        lin.leaf_features[leaf] = kept.iter().map(|&i| fs[i]).collect();
        lin.leaf_coeff[leaf] = kept.iter().map(|&i| step[i]).collect();
        lin.leaf_const[leaf] = round_to_zero(step[m]);
    }
    tree.linear = Some(lin);
    Ok(())
}

fn ensure_finite(step: &[f64], leaf: usize) -> Result<()> {
    if let Some(v) = step.iter().find(|v| !v.is_finite()) {
        return Err(Error::InvalidValue(format!(
            "the linear model of leaf {leaf} is not finite ({v}): a feature on its branch holds an infinite \
             or huge value; clip it, or raise linear_lambda"
        )));
    }
    Ok(())
}

/// Refits a linear tree's models on new data (LightGBM's refit of linear
/// trees): each leaf keeps its features; its coefficients and constant
/// become `decay * old + (1 - decay) * shrinkage * new`. `leaf_of(i)` is row
/// `i`'s leaf; the leaf values must already be refit. `bias` is a starting
/// score LightGBM would hold in the tree's constants and leaf values (this
/// tree holds it apart).
#[allow(clippy::too_many_arguments)]
pub(crate) fn refit(
    tree: &mut Tree,
    leaf_of: impl Fn(usize) -> usize,
    gh: &[[f32; 2]],
    raw: &RawColumns,
    lambda: f64,
    decay: f64,
    shrinkage: f64,
    bias: f64,
) -> Result<()> {
    let nan_aware = raw.any_nan(tree);
    let Some(old) = tree.linear.take() else { return Ok(()) };
    let mut rows = vec![Vec::new(); tree.num_leaves()];
    for i in 0..gh.len() {
        rows[leaf_of(i)].push(i as u32);
    }
    let features: Vec<Vec<u32>> = old
        .leaf_features
        .iter()
        .map(|fs| fs.iter().copied().filter(|&f| raw.cols.get(f as usize).is_some_and(Option::is_some)).collect())
        .collect();
    let solved: Vec<Option<Vec<f64>>> =
        rows.par_iter().zip(&features).map(|(r, fs)| Sums::leaf(r, fs, gh, raw, nan_aware).solve(lambda)).collect();
    let mut lin = old.clone();
    let blend = |old: f64, new: f64| decay * old + (1.0 - decay) * new * shrinkage;
    let constant = |old: f64, new: f64| round_to_zero(blend(old + bias, new)) - bias;
    for (leaf, (step, fs)) in solved.into_iter().zip(features).enumerate() {
        let m = fs.len();
        match step {
            None => {
                lin.leaf_const[leaf] = constant(old.leaf_const[leaf], tree.leaf_value[leaf] + bias);
                lin.leaf_coeff[leaf] = vec![0.0; m];
            }
            Some(step) => {
                ensure_finite(&step, leaf)?;
                let old_coeff = &old.leaf_coeff[leaf];
                lin.leaf_coeff[leaf] =
                    (0..m).map(|i| round_to_zero(blend(old_coeff.get(i).copied().unwrap_or(0.0), step[i]))).collect();
                lin.leaf_const[leaf] = constant(old.leaf_const[leaf], step[m]);
            }
        }
        lin.leaf_features[leaf] = fs;
    }
    tree.linear = Some(lin);
    Ok(())
}

/// Eigen's `FullPivLU` (what LightGBM solves with), for its handling of
/// singular systems: pivots below `max pivot × ε × n` count as zero, and the
/// unknowns they leave free are 0.
struct FullPivLu {
    lu: Vec<f64>,
    n: usize,
    /// Row and column swapped with `k` at step `k`.
    row_swaps: Vec<usize>,
    col_swaps: Vec<usize>,
    rank: usize,
}

impl FullPivLu {
    fn new(mut lu: Vec<f64>, n: usize) -> FullPivLu {
        let (mut row_swaps, mut col_swaps): (Vec<usize>, Vec<usize>) = ((0..n).collect(), (0..n).collect());
        let mut nonzero = n;
        let mut max_pivot = 0.0f64;
        for k in 0..n {
            // The biggest entry of the corner, the first in column-major order.
            let (mut best, mut pr, mut pc) = (-1.0, k, k);
            for c in k..n {
                for r in k..n {
                    let v = lu[r * n + c].abs();
                    if v > best {
                        (best, pr, pc) = (v, r, c);
                    }
                }
            }
            if best == 0.0 {
                nonzero = k;
                break;
            }
            max_pivot = max_pivot.max(best);
            (row_swaps[k], col_swaps[k]) = (pr, pc);
            if pr != k {
                for c in 0..n {
                    lu.swap(k * n + c, pr * n + c);
                }
            }
            if pc != k {
                for r in 0..n {
                    lu.swap(r * n + k, r * n + pc);
                }
            }
            let p = lu[k * n + k];
            for r in k + 1..n {
                lu[r * n + k] /= p;
            }
            for r in k + 1..n {
                let l = lu[r * n + k];
                for c in k + 1..n {
                    lu[r * n + c] -= l * lu[k * n + c];
                }
            }
        }
        let cut = max_pivot * f64::EPSILON * n as f64;
        let rank = (0..nonzero).filter(|&i| lu[i * n + i].abs() > cut).count();
        FullPivLu { lu, n, row_swaps, col_swaps, rank }
    }

    /// The solution of `A x = b` (Eigen's `solve`).
    fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (n, lu, r) = (self.n, &self.lu, self.rank);
        let mut x = vec![0.0; n];
        if r == 0 {
            return x;
        }
        let mut c = b.to_vec();
        for (k, &s) in self.row_swaps.iter().enumerate() {
            c.swap(k, s);
        }
        for i in 0..n {
            c[i] -= (0..i).map(|j| lu[i * n + j] * c[j]).sum::<f64>();
        }
        for i in (0..r).rev() {
            c[i] = (c[i] - (i + 1..r).map(|j| lu[i * n + j] * c[j]).sum::<f64>()) / lu[i * n + i];
        }
        let mut q: Vec<usize> = (0..n).collect();
        for (k, &s) in self.col_swaps.iter().enumerate() {
            q.swap(k, s);
        }
        for i in 0..r {
            x[q[i]] = c[i];
        }
        x
    }

    /// The inverse, row-major (Eigen's `inverse`: the solutions for the unit vectors).
    fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        let mut inv = vec![0.0; n * n];
        for j in 0..n {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            for (i, v) in self.solve(&e).into_iter().enumerate() {
                inv[i * n + j] = v;
            }
        }
        inv
    }
}

/// The linear models in the model file: arrays written only when a tree is
/// linear, so other models' files are unchanged.
pub(crate) fn put_arrays(trees: &[Tree], a: &mut Arrays) {
    if trees.iter().all(|t| t.linear.is_none()) {
        return;
    }
    let lins = || trees.iter().filter_map(|t| t.linear.as_ref());
    a.put_vec("tree_linear", trees.iter().map(|t| u8::from(t.linear.is_some())).collect::<Vec<u8>>());
    a.put_vec("linear_const", lins().flat_map(|l| l.leaf_const.iter().copied()).collect::<Vec<f64>>());
    a.put_vec(
        "linear_num_features",
        lins().flat_map(|l| l.leaf_features.iter().map(|f| f.len() as u32)).collect::<Vec<u32>>(),
    );
    a.put_vec("linear_features", lins().flat_map(|l| l.leaf_features.iter().flatten().copied()).collect::<Vec<u32>>());
    a.put_vec("linear_coeff", lins().flat_map(|l| l.leaf_coeff.iter().flatten().copied()).collect::<Vec<f64>>());
}

/// Reads back what [`put_arrays`] wrote, checking every count and feature.
pub(crate) fn read_arrays(a: &Arrays, trees: &mut [Tree], n_features: usize) -> Result<()> {
    if a.get_raw("tree_linear").is_none() {
        return Ok(());
    }
    let (_, flags) = a.get::<u8>("tree_linear")?;
    let (_, consts) = a.get::<f64>("linear_const")?;
    let (_, counts) = a.get::<u32>("linear_num_features")?;
    let (_, feats) = a.get::<u32>("linear_features")?;
    let (_, coeffs) = a.get::<f64>("linear_coeff")?;
    ensure!(flags.len() == trees.len(), ModelFile, "tree_linear has {} entries for {} trees", flags.len(), trees.len());
    ensure!(consts.len() == counts.len(), ModelFile, "linear_const and linear_num_features differ in length");
    ensure!(feats.len() == coeffs.len(), ModelFile, "linear_features and linear_coeff differ in length");
    let (mut leaf, mut at) = (0, 0);
    for (t, tree) in trees.iter_mut().enumerate().filter(|(t, _)| flags[*t] != 0) {
        let n = tree.num_leaves();
        ensure!(leaf + n <= consts.len(), ModelFile, "the linear models end before tree {t}'s");
        let mut lin = LinearLeaves { leaf_const: consts[leaf..leaf + n].to_vec(), ..Default::default() };
        for &c in &counts[leaf..leaf + n] {
            let end = at + c as usize;
            ensure!(end <= feats.len(), ModelFile, "tree {t}'s linear models name more features than stored");
            lin.leaf_features.push(feats[at..end].to_vec());
            lin.leaf_coeff.push(coeffs[at..end].to_vec());
            at = end;
        }
        leaf += n;
        tree.linear = Some(lin);
        tree.validate(n_features).map_err(|m| Error::ModelFile(format!("tree {t}: {m}")))?;
    }
    ensure!(leaf == consts.len() && at == feats.len(), ModelFile, "linear models are stored beyond the linear trees'");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::decision;

    fn raw(cols: Vec<Vec<f64>>) -> RawColumns {
        RawColumns {
            has_nan: cols.iter().map(|c| c.iter().any(|v| v.is_nan())).collect(),
            cols: cols.into_iter().map(|c| Some(c.into_iter().map(|v| v as f32).collect())).collect(),
        }
    }

    /// Squared loss at score 0: g = -y, h = 1, so the step is the least-squares fit of y.
    fn l2(y: &[f64]) -> Vec<[f32; 2]> {
        y.iter().map(|&v| [-v as f32, 1.0]).collect()
    }

    #[test]
    fn a_leaf_fits_least_squares_and_lambda_shrinks_the_slope() {
        // Leaf 0 (x <= 5): y = 2x + 1; leaf 1: y = -x + 20 (x exact in f32).
        let x: Vec<f64> = (0..12).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|&v| if v <= 5.0 { 2.0 * v + 1.0 } else { -v + 20.0 }).collect();
        let mut t = Tree::leaf(0.0, 12.0);
        t.split(0, 0, 5.0, decision::MISSING_NAN, 1.0, (0.5, 6.0), (0.7, 6.0), None);
        let rows: Vec<u32> = (0..12).collect();
        let ranges = [(0, 6), (6, 12)];
        let r = raw(vec![x.clone()]);
        fit(&mut t, &rows, &ranges, &l2(&y), &r, 0.0, false).unwrap();
        assert_eq!((t.leaf_weight.clone(), t.internal_weight.clone()), (vec![6.0, 6.0], vec![12.0]));
        let lin = t.linear.clone().unwrap();
        assert_eq!(lin.leaf_features, vec![vec![0], vec![0]]);
        assert!((lin.leaf_coeff[0][0] - 2.0).abs() < 1e-12 && (lin.leaf_const[0] - 1.0).abs() < 1e-12, "{lin:?}");
        assert!((lin.leaf_coeff[1][0] + 1.0).abs() < 1e-12 && (lin.leaf_const[1] - 20.0).abs() < 1e-12, "{lin:?}");
        for (&xi, &yi) in x.iter().zip(&y) {
            assert!((t.predict(&[xi]) - yi).abs() < 1e-10);
        }
        // Ridge on the slope only: slope = Sxy / (Sxx + λ) on centred data is not what this is
        // (the constant is unpenalised but not centred), so compare with the normal equations directly.
        let mut t2 = t.clone();
        t2.linear = None;
        fit(&mut t2, &rows, &ranges, &l2(&y), &r, 10.0, false).unwrap();
        let (xs, ys) = (&x[..6], &y[..6]);
        let (sx, sxx, sy, sxy) = (
            xs.iter().sum::<f64>(),
            xs.iter().map(|v| v * v).sum::<f64>(),
            ys.iter().sum::<f64>(),
            xs.iter().zip(ys).map(|(a, b)| a * b).sum::<f64>(),
        );
        // [sxx + λ, sx; sx, n] [w; c] = [sxy; sy]
        let det = (sxx + 10.0) * 6.0 - sx * sx;
        let w = (6.0 * sxy - sx * sy) / det;
        let c = ((sxx + 10.0) * sy - sx * sxy) / det;
        let l = t2.linear.unwrap();
        assert!((l.leaf_coeff[0][0] - w).abs() < 1e-12 && (l.leaf_const[0] - c).abs() < 1e-12);
        assert!(w < 2.0);
    }

    #[test]
    fn nan_rows_are_left_out_and_predict_the_leaf_value() {
        let x = vec![1.0, 2.0, f64::NAN, 3.0, 4.0, 10.0, 11.0, 12.0];
        let y = vec![2.0, 4.0, 100.0, 6.0, 8.0, 0.0, 0.0, 0.0];
        let mut t = Tree::leaf(0.0, 8.0);
        t.split(0, 0, 5.0, decision::MISSING_NAN | decision::DEFAULT_LEFT, 1.0, (3.0, 5.0), (0.0, 3.0), None);
        let rows: Vec<u32> = (0..8).collect();
        fit(&mut t, &rows, &[(0, 5), (5, 8)], &l2(&y), &raw(vec![x]), 0.0, false).unwrap();
        let l = t.linear.clone().unwrap();
        assert!((l.leaf_coeff[0][0] - 2.0).abs() < 1e-12 && l.leaf_const[0].abs() < 1e-12, "{l:?}");
        assert_eq!(t.predict(&[f64::NAN]), 3.0);
        // The right leaf's slope is 0: dropped, its constant is the mean.
        assert!(l.leaf_features[1].is_empty() && l.leaf_const[1].abs() < 1e-12);
    }

    #[test]
    fn too_few_rows_first_trees_and_stumps_keep_their_constants() {
        let x = vec![1.0, 2.0, 3.0];
        let mut t = Tree::leaf(0.0, 3.0);
        t.split(0, 0, 1.5, decision::MISSING_NAN, 1.0, (0.25, 1.0), (0.75, 2.0), None);
        let rows = [0, 1, 2];
        // Leaf 0 has one row for two unknowns.
        fit(&mut t, &rows, &[(0, 1), (1, 3)], &l2(&[1.0, 2.0, 5.0]), &raw(vec![x.clone()]), 0.0, false).unwrap();
        let l = t.linear.clone().unwrap();
        assert_eq!((l.leaf_const[0], l.leaf_features[0].len()), (0.25, 0));
        assert!((l.leaf_coeff[1][0] - 3.0).abs() < 1e-12);
        t.linear = None;
        fit(&mut t, &rows, &[(0, 1), (1, 3)], &l2(&[1.0, 2.0, 5.0]), &raw(vec![x]), 0.0, true).unwrap();
        assert_eq!(t.linear.unwrap(), LinearLeaves::constant(&[0.25, 0.75]));
    }

    #[test]
    fn a_singular_system_gives_zero_for_the_free_coefficient() {
        // Features 0 and 1 are equal in the leaf: Eigen's LU resolves one, the other is 0.
        let x0: Vec<f64> = (0..10).map(f64::from).collect();
        let y: Vec<f64> = x0.iter().map(|v| 3.0 * v + 1.0).collect();
        let mut t = Tree::leaf(0.0, 10.0);
        t.split(0, 0, 100.0, decision::MISSING_NAN, 1.0, (0.0, 10.0), (0.0, 0.0), None);
        t.split(0, 1, 100.0, decision::MISSING_NAN, 1.0, (0.0, 10.0), (0.0, 0.0), None);
        let rows: Vec<u32> = (0..10).collect();
        fit(&mut t, &rows, &[(0, 10), (10, 10), (10, 10)], &l2(&y), &raw(vec![x0.clone(), x0.clone()]), 0.0, false)
            .unwrap();
        let l = t.linear.clone().unwrap();
        assert_eq!(l.leaf_features[0].len(), 1, "{l:?}");
        assert!((l.leaf_coeff[0][0] - 3.0).abs() < 1e-9 && (l.leaf_const[0] - 1.0).abs() < 1e-9, "{l:?}");
        for v in &x0 {
            assert!((t.predict(&[*v, *v]) - (3.0 * v + 1.0)).abs() < 1e-9);
        }
    }

    #[test]
    fn full_pivot_lu_inverts() {
        let a = vec![4.0, 1.0, 2.0, 1.0, 3.0, 0.5, 2.0, 0.5, 5.0];
        let inv = FullPivLu::new(a.clone(), 3).inverse();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn sums_do_not_depend_on_chunking() {
        let n = 3 * CHUNK + 17;
        let x: Vec<f64> = (0..n).map(|i| (i % 97) as f64 * 0.37).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.5 * v - 2.0).collect();
        let r = raw(vec![x]);
        let rows: Vec<u32> = (0..n as u32).collect();
        let gh = l2(&y);
        let pool = |k| rayon::ThreadPoolBuilder::new().num_threads(k).build().unwrap();
        let a = pool(1).install(|| Sums::leaf(&rows, &[0], &gh, &r, false));
        let b = pool(4).install(|| Sums::leaf(&rows, &[0], &gh, &r, false));
        assert_eq!((a.xthx, a.xtg), (b.xthx, b.xtg));
    }

    /// Data with a trend in every leaf, NaN in one feature, and a categorical one.
    fn data(n: usize) -> (ndarray::Array2<f64>, Vec<f64>) {
        let x = ndarray::Array2::from_shape_fn((n, 3), |(i, j)| match j {
            0 => (i % 1000) as f64 / 100.0,
            1 if i % 17 == 0 => f64::NAN,
            1 => ((i * 7919) % 1000) as f64 / 250.0 - 2.0,
            _ => (i % 3) as f64,
        });
        let y = x.rows().into_iter().map(|r| 2.0 * r[0] + if r[1] > 0.0 { r[1] * 3.0 } else { 0.0 } + r[2]).collect();
        (x, y)
    }

    #[test]
    fn training_does_not_depend_on_the_thread_count_and_saves_exactly() {
        use ironlearn_core::{Fit, SaveState};
        let (x, y) = data(2 * CHUNK + 100);
        let p = Gbdt {
            linear_tree: true,
            n_estimators: 8,
            categorical_feature: vec!["2".into()],
            bagging_fraction: 0.8,
            bagging_freq: 1,
            ..Default::default()
        };
        let one = Gbdt { num_threads: 1, ..p.clone() }.fit(x.view(), &y[..]).unwrap();
        let four = Gbdt { num_threads: 4, ..p }.fit(x.view(), &y[..]).unwrap();
        assert_eq!(one.trees(), four.trees());
        let lin: Vec<&LinearLeaves> = one.trees().iter().map(|t| t.linear.as_ref().unwrap()).collect();
        assert!(lin[0].leaf_coeff.iter().all(Vec::is_empty), "the first tree keeps its constants");
        assert!(lin[1..].iter().any(|l| l.leaf_features.iter().flatten().any(|&f| f == 0)));
        assert!(lin.iter().all(|l| l.leaf_features.iter().flatten().all(|&f| f != 2)), "categorical features stay out");
        // The model file and LightGBM's text give back the same predictions, bit for bit.
        let back = crate::GbdtModel::load_state(&one.save_state().unwrap()).unwrap();
        assert_eq!(back.trees(), one.trees());
        let text = crate::from_lightgbm_text(&one.to_lightgbm_text(None, 0).unwrap()).unwrap();
        let x = x.slice(ndarray::s![..2000, ..]);
        let (a, b) =
            (one.predict_raw(Features::Dense(x), None).unwrap(), text.predict_raw(Features::Dense(x), None).unwrap());
        assert_eq!(a, back.predict_raw(Features::Dense(x), None).unwrap());
        assert!(a.iter().zip(&b).all(|(u, v)| (u - v).abs() < 1e-9), "LightGBM text changes predictions");
    }

    #[test]
    fn fits_better_than_constant_leaves_and_refuses_what_lightgbm_refuses() {
        use ironlearn_core::Fit;
        let (x, y) = data(3000);
        let p = Gbdt { n_estimators: 10, num_leaves: 4, learning_rate: 0.5, ..Default::default() };
        let mse = |m: &crate::GbdtModel| {
            let pred = m.predict_raw(Features::Dense(x.view()), None).unwrap();
            pred.iter().zip(&y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len() as f64
        };
        let constant = p.fit(x.view(), &y[..]).unwrap();
        let linear = Gbdt { linear_tree: true, ..p.clone() }.fit(x.view(), &y[..]).unwrap();
        assert!(mse(&linear) < 0.7 * mse(&constant), "{} vs {}", mse(&linear), mse(&constant));
        let err = |q: Gbdt| q.fit(x.view(), &y[..]).unwrap_err().to_string();
        let l1 = err(Gbdt { linear_tree: true, objective: "mae".into(), ..p.clone() });
        assert!(l1.contains("Cannot use regression_l1 objective when fitting linear trees."), "{l1}");
        let zero = err(Gbdt { linear_tree: true, zero_as_missing: true, ..p.clone() });
        assert!(zero.contains("zero_as_missing must be false when fitting linear trees."), "{zero}");
        let shap = linear.predict_contrib(Features::Dense(x.view()), None).unwrap_err().to_string();
        assert!(shap.contains("not implemented for linear trees"), "{shap}");
    }

    #[test]
    fn model_file_arrays_round_trip() {
        let mut t = Tree::leaf(0.0, 2.0);
        t.split(0, 1, 0.5, 0, 1.0, (1.0, 1.0), (2.0, 1.0), None);
        t.linear = Some(LinearLeaves {
            leaf_const: vec![0.5, -1.0],
            leaf_features: vec![vec![1], vec![]],
            leaf_coeff: vec![vec![0.25], vec![]],
        });
        let trees = vec![Tree::leaf(3.0, 1.0), t];
        let mut a = Arrays::new();
        put_arrays(&trees, &mut a);
        let mut back = vec![Tree::leaf(3.0, 1.0), trees[1].clone()];
        back[1].linear = None;
        read_arrays(&a, &mut back, 2).unwrap();
        assert_eq!(back, trees);
        assert!(read_arrays(&a, &mut back, 1).is_err());
        let mut none = Arrays::new();
        put_arrays(&[Tree::leaf(1.0, 1.0)], &mut none);
        assert!(none.is_empty());
    }
}
