//! Refitting a booster's leaf values on new data, keeping its trees' shapes.
//!
//! LightGBM's `Booster.refit`: when data drifts, the splits learnt on the old
//! data often still separate the new data well while the leaf values are
//! stale. Round by round, the gradients of the loss at the new data's current
//! scores give each leaf a new value, blended with the old one by
//! `decay_rate` (new values scaled by the tree's shrinkage: the learning
//! rate, or what a LightGBM model records); the scores then move by the
//! blended value, so later rounds are refit against what earlier ones now
//! predict. A linear tree's leaf models are refit the same way (LightGBM's
//! rule, in `linear_tree`).

use ironlearn_core::{bail, ensure, validate::check_sample_weight, Features, Result, Target};
use rayon::prelude::*;

use crate::booster::GbdtModel;
use crate::linear_tree::{self, RawColumns};
use crate::objective::{resolve_objective, Objective};
use crate::split::{leaf_output, Bounds};
use crate::Gbdt;

impl GbdtModel {
    /// A copy whose leaf values are refit to `(x, y)`: each leaf becomes
    /// `decay_rate * old + (1 - decay_rate) * learning_rate * new`, where
    /// `new` is the regularised Newton step of the leaf's rows (LightGBM's
    /// `refit_decay_rate` rule; the first round's trees, which hold the
    /// starting score in LightGBM, are refit with it and unshrunk).
    pub fn refit(&self, x: Features<'_>, y: &Target, weight: Option<&[f64]>, decay_rate: f64) -> Result<GbdtModel> {
        ensure!((0.0..=1.0).contains(&decay_rate), InvalidValue, "decay_rate must be in [0, 1], got {decay_rate}");
        let n = x.n_rows();
        ensure!(y.len() == n, Shape, "X has {n} rows but y has {}", y.len());
        check_sample_weight(weight, n)?;
        let k = self.num_outputs;
        if matches!(self.objective.as_str(), "custom" | "none" | "lambdarank") {
            bail!(NotImplemented, "refitting a model trained with objective '{}'", self.objective);
        }
        let named =
            Gbdt { objective: self.objective.clone(), num_class: if k > 1 { k } else { 0 }, ..self.params.clone() };
        let (objective, labels, classes) = resolve_objective(&named, y)?;
        if let (Some(mine), Some(theirs)) = (&self.classes, &classes) {
            ensure!(mine == theirs, InvalidValue, "the refit data's classes {theirs:?} are not the model's {mine:?}");
        }
        self.refit_with(&objective, x, &labels, weight, decay_rate)
    }

    fn refit_with(
        &self,
        objective: &dyn Objective,
        x: Features<'_>,
        labels: &[f64],
        weight: Option<&[f64]>,
        decay_rate: f64,
    ) -> Result<GbdtModel> {
        let p = &self.params;
        let k = self.num_outputs;
        let n = x.n_rows();
        ensure!(
            objective.num_outputs() == k,
            InvalidValue,
            "the objective has {} outputs, the model {k}",
            objective.num_outputs()
        );
        let leaves = self.predict_leaf(x, Some(self.num_iterations()))?;
        let raw = match self.trees.iter().any(|t| t.linear.is_some()) {
            true => Some(RawColumns::from_features(&x, &self.features)?),
            false => None,
        };
        // As LightGBM, scores start at 0: the starting score is part of the first round's trees.
        let mut scores = vec![0.0; n * k];
        let mut gh = vec![[0.0f32; 2]; n * k];
        let mut out = self.clone();
        for round in 0..self.num_iterations() {
            objective.gradients(&scores, labels, weight, &mut gh);
            for c in 0..k {
                let t = round * k + c;
                let tree = &mut out.trees[t];
                let mut sums = vec![(0.0f64, 1e-15f64); tree.num_leaves()];
                for i in 0..n {
                    let [g, h] = gh[c * n + i];
                    let s = &mut sums[leaves[[i, t]] as usize];
                    s.0 += f64::from(g);
                    s.1 += f64::from(h);
                }
                // LightGBM's first trees carry the starting score (`bias` here, kept apart) and are
                // then unshrunk; an imported tree records its shrinkage.
                let bias = if round == 0 && self.init_score[c].abs() > 1e-15 { self.init_score[c] } else { 0.0 };
                let shrinkage = tree.shrinkage.unwrap_or(if bias != 0.0 { 1.0 } else { p.learning_rate });
                for (v, (g, h)) in tree.leaf_value.iter_mut().zip(&sums) {
                    let new = leaf_output(*g, *h, p.lambda_l1, p.lambda_l2, Bounds::default()) * shrinkage;
                    *v = decay_rate * (*v + bias) + (1.0 - decay_rate) * new - bias;
                }
                if let Some(raw) = &raw {
                    let (gh, leaf_of) = (&gh[c * n..(c + 1) * n], |i: usize| leaves[[i, t]] as usize);
                    let (lambda, decay) = (p.linear_lambda, decay_rate);
                    linear_tree::refit(tree, leaf_of, gh, raw, lambda, decay, shrinkage, bias)?;
                }
                let tree = &*tree;
                scores[c * n..(c + 1) * n].par_iter_mut().enumerate().for_each(|(i, s)| {
                    *s += linear_tree::output(tree, raw.as_ref(), leaves[[i, t]] as usize, i) + bias;
                });
            }
        }
        out.best_iteration = None;
        out.evals = Vec::new();
        out.packed = Default::default();
        Ok(out)
    }
}
