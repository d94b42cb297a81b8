//! A fitted booster's metrics on any data set.
//!
//! LightGBM's `Booster.eval(data, name)` works on a trained booster, not only
//! while it trains: the metrics its parameters name, at its current scores
//! (starting score plus every round). The values are the ones training
//! reported for the same data, because the same metric code reads the same
//! scores.

use ironlearn_core::{ensure, validate::check_sample_weight, Labels, Result, TrainData};

use crate::booster::GbdtModel;
use crate::metric::EvalData;
use crate::objective::resolve_objective;
use crate::rank::default_label_gain;
use crate::train::{metrics_for, Evaluation};
use crate::Gbdt;

impl GbdtModel {
    /// Every metric of the model's parameters on `data`, named `name`.
    pub fn evaluate(&self, data: &TrainData<'_>, name: &str) -> Result<Vec<Evaluation>> {
        let y = data.target()?;
        let n = data.x.n_rows();
        let k = self.num_outputs;
        ensure!(y.len() == n, Shape, "'{name}': X has {n} rows but y has {}", y.len());
        check_sample_weight(data.weight, n)?;
        let custom = matches!(self.objective.as_str(), "custom" | "none");
        let named = Gbdt {
            objective: if custom { "regression".into() } else { self.objective.clone() },
            num_class: if k > 1 { k } else { 0 },
            ..self.params.clone()
        };
        let labels: Vec<f64> = match &self.classes {
            Some(cls) => Labels::new(cls.clone(), vec![])?
                .encode(&y.labels()?.to_strings())?
                .into_iter()
                .map(f64::from)
                .collect(),
            None => y.values()?.to_vec(),
        };
        let (builtin, _, _) = resolve_objective(&named, y)?;
        let metrics = metrics_for(&named, &builtin, custom, k)?;
        let raw = self.predict_raw(data.x, Some(self.num_iterations()))?;
        let mut scores = vec![0.0; n * k];
        for c in 0..k {
            for i in 0..n {
                scores[c * n + i] = raw[[i, c]];
            }
        }
        if let Some(given) = data.init_score {
            ensure!(given.len() == n * k, Shape, "init_score has {} values, expected {}", given.len(), n * k);
            scores.iter_mut().zip(given).for_each(|(s, g)| *s += g);
        }
        let bounds = match data.group {
            Some(g) => {
                let mut b = vec![0];
                for &s in g {
                    b.push(b.last().copied().unwrap_or(0) + s);
                }
                ensure!(
                    b.last() == Some(&n),
                    Shape,
                    "'{name}': query sizes sum to {} but there are {n} rows",
                    b[b.len() - 1]
                );
                Some(b)
            }
            None => None,
        };
        let label_gain =
            if self.params.label_gain.is_empty() { default_label_gain() } else { self.params.label_gain.clone() };
        let ed =
            EvalData { labels: &labels, weights: data.weight, boundaries: bounds.as_deref(), label_gain: &label_gain };
        Ok(metrics.iter().map(|m| (name.to_string(), m.name(), m.eval(&scores, &ed), m.higher_is_better())).collect())
    }
}
