//! Prediction early stopping: a row stops walking trees once its prediction is settled.
//!
//! LightGBM's `pred_early_stop`: every `freq` rounds a classifier's (or
//! ranker's) raw scores are checked, and a row whose margin is already past
//! `margin` (the gap between the two best classes, or twice the binary score)
//! skips the remaining rounds. It trades exactness for speed on large
//! ensembles; losses whose predictions must be exact (regression) ignore it,
//! as LightGBM does.

use ironlearn_core::{ensure, Features, Result};
use ndarray::Array2;
use rayon::prelude::*;

use crate::booster::GbdtModel;
use crate::features::prepare;

impl GbdtModel {
    /// Whether an objective's predictions may stop early (LightGBM's `!NeedAccuratePrediction`).
    fn may_stop_early(&self) -> bool {
        self.num_outputs > 1
            || matches!(
                self.objective.as_str(),
                "binary" | "lambdarank" | "rank_xendcg" | "multiclass" | "multiclassova"
            )
    }

    /// Raw scores with prediction early stopping (see the module docs).
    pub fn predict_raw_early_stop(
        &self,
        x: Features<'_>,
        num_iteration: Option<usize>,
        freq: usize,
        margin: f64,
    ) -> Result<Array2<f64>> {
        ensure!(freq > 0, InvalidValue, "pred_early_stop_freq must be positive, got {freq}");
        ensure!(margin >= 0.0, InvalidValue, "pred_early_stop_margin must be >= 0, got {margin}");
        if !self.may_stop_early() || self.averaged() {
            return self.predict_raw(x, num_iteration);
        }
        let k = self.num_outputs;
        let prepared = prepare(&x, &self.features)?;
        let x = prepared.as_standard_layout();
        let trees = &self.trees[..self.n_trees(num_iteration)];
        let settled = |s: &[f64]| -> bool {
            if k == 1 {
                2.0 * s[0].abs() > margin
            } else {
                let (mut a, mut b) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                for &v in s {
                    if v > a {
                        (a, b) = (v, a);
                    } else if v > b {
                        b = v;
                    }
                }
                a - b > margin
            }
        };
        let rows: Vec<Vec<f64>> = x
            .outer_iter()
            .into_par_iter()
            .map(|r| {
                let r = r.to_slice().expect("row-major");
                let mut s = self.init_score.clone();
                for (round, chunk) in trees.chunks(k).enumerate() {
                    for (c, t) in chunk.iter().enumerate() {
                        s[c] += t.predict(r);
                    }
                    if (round + 1) % freq == 0 && settled(&s) {
                        break;
                    }
                }
                s
            })
            .collect();
        Ok(Array2::from_shape_vec((rows.len(), k), rows.into_iter().flatten().collect()).expect("n·k scores"))
    }
}
