//! The fitted booster: trees plus what is needed to read new data.
//!
//! Prediction walks flat trees over row blocks in parallel, each block
//! visiting every tree while the tree is hot in cache; leaf indices, SHAP
//! contributions, importances and a JSON dump come from the same trees.

use ironlearn_core::{bail, ensure, Arrays, Error, Features, Result};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::features::{prepare, FeatureInfo};
use crate::objective::Transform;
use crate::tree::Tree;
use crate::Gbdt;

/// A validation metric's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalHistory {
    pub data: String,
    pub metric: String,
    /// NaN (a metric undefined on the data) is written as JSON null and read back as NaN.
    #[serde(deserialize_with = "values_with_nan")]
    pub values: Vec<f64>,
}

fn values_with_nan<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<f64>, D::Error> {
    let values: Vec<Option<f64>> = Deserialize::deserialize(d)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A fitted gradient-boosted ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct GbdtModel {
    pub(crate) params: Gbdt,
    pub(crate) features: Vec<FeatureInfo>,
    pub(crate) objective: String,
    pub(crate) transform: Transform,
    /// Trees per boosting round (classes of a multiclass model, else 1).
    pub(crate) num_outputs: usize,
    pub(crate) classes: Option<Vec<String>>,
    pub(crate) init_score: Vec<f64>,
    pub(crate) trees: Vec<Tree>,
    pub(crate) best_iteration: Option<usize>,
    pub(crate) evals: Vec<EvalHistory>,
    /// Where the trees came from: "ironlearn", "lightgbm" or "xgboost".
    pub(crate) source: String,
    /// The trees packed for fast prediction, built on first use.
    pub(crate) packed: PackedCache,
}

/// A lazily built [`Packed`](crate::predictor::Packed); derived from the trees, so it takes no part in equality.
#[derive(Debug, Clone, Default)]
pub(crate) struct PackedCache(std::sync::OnceLock<Option<std::sync::Arc<crate::predictor::Packed>>>);

impl PartialEq for PackedCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl PackedCache {
    fn get(&self, trees: &[Tree]) -> Option<&std::sync::Arc<crate::predictor::Packed>> {
        self.0.get_or_init(|| crate::predictor::Packed::new(trees).map(std::sync::Arc::new)).as_ref()
    }
}

/// Which feature importance to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    /// How often a feature is used to split.
    Split,
    /// The total gain of its splits.
    Gain,
}

/// Rows per block of a large batch.
const BLOCK: usize = 128;
/// Values in a batch small enough to walk on the calling thread with pool
/// threads helping if they wake in time (see `shared_blocks`)...
const SHARED_VALUES: usize = 1 << 16;
/// ... or rows, whatever their width (Fashion-MNIST's 100 rows are 78k values).
const SHARED_ROWS: usize = 128;
/// Bytes of rows per block: every tree walks the whole block, so it must stay
/// in L2 (wide rows, such as Fashion-MNIST's 784 features, get fewer per block).
const BLOCK_BYTES: usize = 128 * 1024;

impl GbdtModel {
    pub fn params(&self) -> &Gbdt {
        &self.params
    }

    pub fn features(&self) -> &[FeatureInfo] {
        &self.features
    }

    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name.clone()).collect()
    }

    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    pub fn objective(&self) -> &str {
        &self.objective
    }

    pub fn num_outputs(&self) -> usize {
        self.num_outputs
    }

    pub fn init_score(&self) -> &[f64] {
        &self.init_score
    }

    pub fn classes(&self) -> Option<&[String]> {
        self.classes.as_deref()
    }

    /// Boosting rounds in the model.
    pub fn num_iterations(&self) -> usize {
        self.trees.len() / self.num_outputs.max(1)
    }

    /// The round early stopping chose (1-based), used by default for prediction.
    pub fn best_iteration(&self) -> Option<usize> {
        self.best_iteration
    }

    /// Validation metrics per round.
    pub fn evals(&self) -> &[EvalHistory] {
        &self.evals
    }

    pub fn transform(&self) -> Transform {
        self.transform
    }

    /// The number of trees used for `num_iteration` (default: the best iteration, else all).
    pub(crate) fn n_trees(&self, num_iteration: Option<usize>) -> usize {
        let iters = match num_iteration.filter(|&n| n > 0).or(self.best_iteration) {
            Some(n) => n.min(self.num_iterations()),
            None => self.num_iterations(),
        };
        iters * self.num_outputs
    }

    /// Raw scores, one column per output.
    pub fn predict_raw(&self, x: Features<'_>, num_iteration: Option<usize>) -> Result<Array2<f64>> {
        let prepared = prepare(&x, &self.features)?;
        Ok(self.raw_from_prepared(prepared.view(), num_iteration))
    }

    /// A random forest (`boosting = "rf"`): the prediction is the trees'
    /// average (each tree carries the starting score), not their sum.
    pub(crate) fn averaged(&self) -> bool {
        self.params.boosting == "rf"
    }

    /// For a forest, the number the trees' sum is divided by (rounds used), else 1.
    fn divisor(&self, num_iteration: Option<usize>) -> f64 {
        if self.averaged() {
            (self.n_trees(num_iteration) / self.num_outputs.max(1)).max(1) as f64
        } else {
            1.0
        }
    }

    pub(crate) fn raw_from_prepared(&self, x: ArrayView2<'_, f64>, num_iteration: Option<usize>) -> Array2<f64> {
        let mut raw = self.sum_from_prepared(x, num_iteration);
        let d = self.divisor(num_iteration);
        if d != 1.0 {
            // A forest's starting score is 0 (its trees carry it), so the whole sum is averaged.
            raw.mapv_inplace(|v| v / d);
        }
        raw
    }

    fn sum_from_prepared(&self, x: ArrayView2<'_, f64>, num_iteration: Option<usize>) -> Array2<f64> {
        let x = x.as_standard_layout();
        let (n, nf) = x.dim();
        let k = self.num_outputs;
        let trees = &self.trees[..self.n_trees(num_iteration)];
        let flat = x.as_slice().expect("standard layout is contiguous");
        let packed = self.packed.get(&self.trees);
        // Small batches still use every thread; large ones use cache-sized blocks.
        let widest = (BLOCK_BYTES / (8 * nf.max(1))).clamp(8, BLOCK) / 8 * 8;
        let threads = rayon::current_num_threads();
        let block = n.div_ceil(4 * threads).next_multiple_of(8).clamp(8, widest);
        if let Some(p) = packed.filter(|_| n > block && (n * nf.max(1) <= SHARED_VALUES || n <= SHARED_ROWS)) {
            let out =
                crate::shared_blocks::predict(p, flat, n, nf, k, trees.len(), block, &self.init_score, threads - 1);
            return Array2::from_shape_vec((n, k), out).expect("n·k scores");
        }
        let mut out = vec![0.0; n * k];
        let one_block = |(b, o): (usize, &mut [f64])| {
            let rows = o.len() / k;
            let base = b * block;
            for oi in o.chunks_mut(k) {
                oi.copy_from_slice(&self.init_score);
            }
            let block = &flat[base * nf..(base + rows) * nf];
            match packed {
                Some(p) => p.add_block(trees.len(), block, nf, k, o),
                None => {
                    for (t, tree) in trees.iter().enumerate() {
                        let c = t % k;
                        for i in 0..rows {
                            o[i * k + c] += tree.predict(&block[i * nf..(i + 1) * nf]);
                        }
                    }
                }
            }
        };
        if n <= block {
            // One block: handing it to the thread pool costs more than walking it here.
            out.chunks_mut(block * k).enumerate().for_each(one_block);
        } else {
            out.par_chunks_mut(block * k).enumerate().for_each(one_block);
        }
        Array2::from_shape_vec((n, k), out).expect("n·k scores")
    }

    /// Predictions after the objective's transform (probabilities for classifiers).
    pub fn predict_transformed(&self, x: Features<'_>, num_iteration: Option<usize>) -> Result<Array2<f64>> {
        let mut raw = self.predict_raw(x, num_iteration)?;
        raw.rows_mut().into_iter().for_each(|mut r| self.transform.apply(r.as_slice_mut().expect("row-major")));
        Ok(raw)
    }

    /// The leaf index of every row in every tree.
    pub fn predict_leaf(&self, x: Features<'_>, num_iteration: Option<usize>) -> Result<Array2<u32>> {
        let prepared = prepare(&x, &self.features)?;
        let x = prepared.as_standard_layout();
        let trees = &self.trees[..self.n_trees(num_iteration)];
        let rows: Vec<Vec<u32>> = x
            .outer_iter()
            .into_par_iter()
            .map(|r| {
                let r = r.to_slice().expect("row-major");
                trees.iter().map(|t| t.leaf_index(r) as u32).collect()
            })
            .collect();
        let flat: Vec<u32> = rows.into_iter().flatten().collect();
        Ok(Array2::from_shape_vec((x.nrows(), trees.len()), flat).expect("n·trees leaves"))
    }

    /// SHAP values: per row, `(features + 1) × outputs` columns, output-major, the
    /// last of each group being the expected value. Each group sums to the raw score.
    pub fn predict_contrib(&self, x: Features<'_>, num_iteration: Option<usize>) -> Result<Array2<f64>> {
        ensure!(
            self.trees.iter().all(|t| t.linear.is_none()),
            InvalidValue,
            "Predicting SHAP feature contributions is not implemented for linear trees."
        );
        let prepared = prepare(&x, &self.features)?;
        let x = prepared.as_standard_layout();
        let nf = self.features.len();
        let k = self.num_outputs;
        let trees = &self.trees[..self.n_trees(num_iteration)];
        let rows: Vec<Vec<f64>> = x
            .outer_iter()
            .into_par_iter()
            .map(|r| {
                let r = r.to_slice().expect("row-major");
                let mut phi = vec![0.0; (nf + 1) * k];
                for c in 0..k {
                    phi[c * (nf + 1) + nf] += self.init_score[c];
                }
                for (t, tree) in trees.iter().enumerate() {
                    let c = t % k;
                    crate::shap::tree_shap(tree, r, &mut phi[c * (nf + 1)..(c + 1) * (nf + 1)]);
                }
                phi
            })
            .collect();
        let d = self.divisor(num_iteration);
        let flat: Vec<f64> = rows.into_iter().flatten().map(|v| v / d).collect();
        Ok(Array2::from_shape_vec((x.nrows(), (nf + 1) * k), flat).expect("contributions"))
    }

    /// Feature importance over all trees (or the first `num_iteration` rounds).
    pub fn feature_importance(&self, kind: Importance, num_iteration: Option<usize>) -> Vec<f64> {
        let mut imp = vec![0.0; self.features.len()];
        for tree in &self.trees[..self.n_trees(num_iteration)] {
            for (n, &f) in tree.split_feature.iter().enumerate() {
                imp[f as usize] += match kind {
                    Importance::Split => 1.0,
                    Importance::Gain => tree.split_gain[n],
                };
            }
        }
        imp
    }

    /// The rounds `start..end` that LightGBM's `num_iteration` (`None` or 0:
    /// up to the best iteration, else all) and `start_iteration` select.
    pub(crate) fn round_range(&self, num_iteration: Option<usize>, start_iteration: usize) -> (usize, usize) {
        let total = self.num_iterations();
        let start = start_iteration.min(total);
        let end = match num_iteration.filter(|&n| n > 0).or(self.best_iteration) {
            Some(n) => (start + n).min(total),
            None => total,
        };
        (start, end)
    }

    /// The model as JSON (LightGBM's `dump_model` layout), rounds
    /// `start_iteration..` (`num_iteration` of them, else up to the best
    /// iteration or the end). As in LightGBM's dump, the starting score is
    /// in the first round's values (leaf and internal), as the text model
    /// has it; `init_score` still states it.
    pub fn dump(&self, num_iteration: Option<usize>, start_iteration: usize) -> serde_json::Value {
        let names = self.feature_names();
        let k = self.num_outputs;
        let (start, end) = self.round_range(num_iteration, start_iteration);
        let tree_info: Vec<serde_json::Value> = (start * k..end * k)
            .map(|i| {
                let mut j = self.trees[i].to_json(&names);
                if i < k && self.init_score[i] != 0.0 {
                    add_to_values(&mut j["tree_structure"], self.init_score[i]);
                }
                j["tree_index"] = i.into();
                j
            })
            .collect();
        serde_json::json!({
            "name": "tree",
            "version": "ironlearn",
            "source": self.source,
            "objective": self.objective,
            "num_class": self.num_outputs,
            "num_tree_per_iteration": self.num_outputs,
            "init_score": self.init_score,
            "best_iteration": self.best_iteration,
            "feature_names": names,
            "tree_info": tree_info,
        })
    }

    /// Sets a leaf's value (LightGBM's `set_leaf_output`).
    pub fn set_leaf_output(&mut self, tree: usize, leaf: usize, value: f64) -> Result<()> {
        let n_trees = self.trees.len();
        let t = self.trees.get_mut(tree).ok_or_else(|| {
            Error::InvalidValue(format!("tree index {tree} is out of range: the model has {n_trees} trees"))
        })?;
        let n_leaves = t.leaf_value.len();
        let v = t.leaf_value.get_mut(leaf).ok_or_else(|| {
            Error::InvalidValue(format!("leaf index {leaf} is out of range: tree {tree} has {n_leaves} leaves"))
        })?;
        ensure!(value.is_finite(), InvalidValue, "a leaf value must be finite, got {value}");
        *v = value;
        self.packed = PackedCache::default();
        Ok(())
    }

    /// Rounds `start..start + count` alone (`count` `None`: to the end), as
    /// LightGBM predicts from `start_iteration`: the starting score belongs to
    /// round 0, so a slice that skips it has none.
    pub fn rounds(&self, start: usize, count: Option<usize>) -> GbdtModel {
        let total = self.num_iterations();
        let start = start.min(total);
        let end = count.filter(|&c| c > 0).map_or(total, |c| (start + c).min(total));
        let mut m = self.clone();
        m.trees = self.trees[start * self.num_outputs..end * self.num_outputs].to_vec();
        if start > 0 {
            m.init_score = vec![0.0; self.num_outputs];
        }
        m.best_iteration = None;
        m.packed = PackedCache::default();
        m
    }

    /// Keeps only the first `iterations` rounds.
    pub fn truncate(&mut self, iterations: usize) {
        self.trees.truncate(iterations * self.num_outputs);
        self.packed = PackedCache::default();
        if self.best_iteration.is_some_and(|b| b > iterations) {
            self.best_iteration = Some(iterations);
        }
    }

    pub(crate) fn state_json(&self) -> serde_json::Value {
        serde_json::json!({
            "features": self.features,
            "objective": self.objective,
            "transform": self.transform,
            "num_outputs": self.num_outputs,
            "classes": self.classes,
            "init_score": self.init_score,
            "best_iteration": self.best_iteration,
            "evals": self.evals,
            "source": self.source,
            "n_trees": self.trees.len(),
        })
    }

    pub(crate) fn trees_to_arrays(&self) -> Arrays {
        let mut a = Arrays::new();
        let mut offs: [Vec<u32>; 4] = Default::default();
        for o in offs.iter_mut() {
            o.push(0);
        }
        let cat = |f: &dyn Fn(&Tree) -> usize, o: &mut Vec<u32>, t: &Tree| o.push(o.last().unwrap() + f(t) as u32);
        macro_rules! concat {
            ($field:ident, $t:ty) => {
                self.trees.iter().flat_map(|t| t.$field.iter().copied()).collect::<Vec<$t>>()
            };
        }
        for t in &self.trees {
            cat(&|t| t.num_splits(), &mut offs[0], t);
            cat(&|t| t.num_leaves(), &mut offs[1], t);
            cat(&|t| t.cat_boundaries.len(), &mut offs[2], t);
            cat(&|t| t.cat_threshold.len(), &mut offs[3], t);
        }
        let [o0, o1, o2, o3] = offs;
        a.put_vec("tree_split_offsets", o0);
        a.put_vec("tree_leaf_offsets", o1);
        a.put_vec("tree_cat_boundary_offsets", o2);
        a.put_vec("tree_cat_word_offsets", o3);
        a.put_vec("split_feature", concat!(split_feature, u32));
        a.put_vec("threshold", concat!(threshold, f64));
        a.put_vec("decision", concat!(decision, u8));
        a.put_vec("left_child", concat!(left_child, i32));
        a.put_vec("right_child", concat!(right_child, i32));
        a.put_vec("split_gain", concat!(split_gain, f64));
        a.put_vec("internal_value", concat!(internal_value, f64));
        a.put_vec("internal_count", concat!(internal_count, f64));
        a.put_vec("leaf_value", concat!(leaf_value, f64));
        a.put_vec("leaf_count", concat!(leaf_count, f64));
        a.put_vec("cat_boundaries", concat!(cat_boundaries, u32));
        a.put_vec("cat_threshold", concat!(cat_threshold, u32));
        // The hessian sums (LightGBM's leaf_weight, internal_weight), NaN where unknown (imported trees).
        if self.trees.iter().any(|t| !t.leaf_weight.is_empty()) {
            let known = |w: &[f64], n: usize| if w.len() == n { w.to_vec() } else { vec![f64::NAN; n] };
            a.put_vec(
                "leaf_weight",
                self.trees.iter().flat_map(|t| known(&t.leaf_weight, t.num_leaves())).collect::<Vec<_>>(),
            );
            a.put_vec(
                "internal_weight",
                self.trees.iter().flat_map(|t| known(&t.internal_weight, t.num_splits())).collect::<Vec<_>>(),
            );
        }
        crate::linear_tree::put_arrays(&self.trees, &mut a);
        // Only imported LightGBM trees record a shrinkage of their own (NaN: none).
        if self.trees.iter().any(|t| t.shrinkage.is_some()) {
            a.put_vec("tree_shrinkage", self.trees.iter().map(|t| t.shrinkage.unwrap_or(f64::NAN)).collect::<Vec<_>>());
        }
        a
    }

    pub(crate) fn trees_from_arrays(a: &Arrays, n_trees: usize, n_features: usize) -> Result<Vec<Tree>> {
        let offsets = |name: &str| -> Result<Vec<usize>> {
            let v: Vec<u32> = a.vec(name)?;
            ensure!(v.len() == n_trees + 1, InvalidValue, "{name} has {} entries for {n_trees} trees", v.len());
            ensure!(v.windows(2).all(|w| w[0] <= w[1]), InvalidValue, "{name} is not increasing");
            Ok(v.into_iter().map(|x| x as usize).collect())
        };
        let bad = |e: Error| Error::ModelFile(format!("gbdt trees: {e}"));
        let (so, lo, co, wo) = (
            offsets("tree_split_offsets").map_err(bad)?,
            offsets("tree_leaf_offsets").map_err(bad)?,
            offsets("tree_cat_boundary_offsets").map_err(bad)?,
            offsets("tree_cat_word_offsets").map_err(bad)?,
        );
        fn take<'a, T: ironlearn_core::arrays::Element>(a: &'a Arrays, name: &str, end: usize) -> Result<&'a [T]> {
            let (_, v) = a.get::<T>(name)?;
            if v.len() != end {
                bail!(InvalidValue, "array {name} has {} values, expected {end}", v.len());
            }
            Ok(v)
        }
        let (ns, nl, nc, nw) = (so[n_trees], lo[n_trees], co[n_trees], wo[n_trees]);
        let sf: &[u32] = take(a, "split_feature", ns).map_err(bad)?;
        let th: &[f64] = take(a, "threshold", ns).map_err(bad)?;
        let de: &[u8] = take(a, "decision", ns).map_err(bad)?;
        let lc: &[i32] = take(a, "left_child", ns).map_err(bad)?;
        let rc: &[i32] = take(a, "right_child", ns).map_err(bad)?;
        let sg: &[f64] = take(a, "split_gain", ns).map_err(bad)?;
        let iv: &[f64] = take(a, "internal_value", ns).map_err(bad)?;
        let ic: &[f64] = take(a, "internal_count", ns).map_err(bad)?;
        let lv: &[f64] = take(a, "leaf_value", nl).map_err(bad)?;
        let lcount: &[f64] = take(a, "leaf_count", nl).map_err(bad)?;
        let cb: &[u32] = take(a, "cat_boundaries", nc).map_err(bad)?;
        let ct: &[u32] = take(a, "cat_threshold", nw).map_err(bad)?;
        (0..n_trees)
            .map(|t| {
                let s = so[t]..so[t + 1];
                let tree = Tree {
                    split_feature: sf[s.clone()].to_vec(),
                    threshold: th[s.clone()].to_vec(),
                    decision: de[s.clone()].to_vec(),
                    left_child: lc[s.clone()].to_vec(),
                    right_child: rc[s.clone()].to_vec(),
                    split_gain: sg[s.clone()].to_vec(),
                    internal_value: iv[s.clone()].to_vec(),
                    internal_count: ic[s].to_vec(),
                    leaf_value: lv[lo[t]..lo[t + 1]].to_vec(),
                    leaf_count: lcount[lo[t]..lo[t + 1]].to_vec(),
                    cat_boundaries: cb[co[t]..co[t + 1]].to_vec(),
                    cat_threshold: ct[wo[t]..wo[t + 1]].to_vec(),
                    ..Default::default()
                };
                tree.validate(n_features).map_err(|m| Error::ModelFile(format!("gbdt tree {t}: {m}")))?;
                Ok(tree)
            })
            .collect::<Result<Vec<Tree>>>()
            .and_then(|mut trees| {
                if a.get_raw("leaf_weight").is_some() {
                    let lw: &[f64] = take(a, "leaf_weight", nl).map_err(bad)?;
                    let iw: &[f64] = take(a, "internal_weight", ns).map_err(bad)?;
                    let known = |w: &[f64]| if w.iter().all(|v| v.is_nan()) { Vec::new() } else { w.to_vec() };
                    for (t, tree) in trees.iter_mut().enumerate() {
                        tree.leaf_weight = known(&lw[lo[t]..lo[t + 1]]);
                        tree.internal_weight = known(&iw[so[t]..so[t + 1]]);
                    }
                }
                crate::linear_tree::read_arrays(a, &mut trees, n_features).map_err(bad)?;
                if a.get_raw("tree_shrinkage").is_some() {
                    let s: &[f64] = take(a, "tree_shrinkage", n_trees).map_err(bad)?;
                    trees.iter_mut().zip(s).for_each(|(t, &v)| t.shrinkage = (!v.is_nan()).then_some(v));
                }
                Ok(trees)
            })
    }
}

/// Adds `offset` to every leaf and internal value (and linear leaf constant) of a dumped tree.
fn add_to_values(node: &mut serde_json::Value, offset: f64) {
    for key in ["leaf_value", "internal_value", "leaf_const"] {
        if let Some(v) = node.get(key).and_then(serde_json::Value::as_f64) {
            node[key] = (v + offset).into();
        }
    }
    for child in ["left_child", "right_child"] {
        if let Some(c) = node.get_mut(child) {
            add_to_values(c, offset);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EvalHistory;

    #[test]
    fn a_nan_metric_value_reads_back_from_the_model_state() {
        let h = EvalHistory { data: "valid".into(), metric: "auc".into(), values: vec![0.5, f64::NAN] };
        let json = serde_json::to_string(&h).unwrap();
        assert!(json.contains("null"), "{json}");
        let back: EvalHistory = serde_json::from_str(&json).unwrap();
        assert_eq!(back.values[0], 0.5);
        assert!(back.values[1].is_nan());
    }
}
