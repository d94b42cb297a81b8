//! LightGBM's optional rules on which split a leaf takes: the monotone
//! constraints method, per-feature gain multipliers (`feature_contri`), the
//! penalty on monotone splits near the root (`monotone_penalty`) and the costs
//! of cost-effective gradient boosting (`cegb_*`).
//!
//! The multipliers and costs act on each feature's best split once the
//! histograms are scanned, in LightGBM's order (multiplier, then costs, then
//! the monotone penalty), on LightGBM's gain (over the parent and
//! `min_gain_to_split`): a split whose gain they bring to 0 or below is not
//! taken, and when the best leaf's is, the tree stops. With every rule at its
//! default none of this runs and trees are what they were without them.

use ironlearn_core::{Error, Result};

use crate::cegb::{Cegb, Usage};
use crate::features::FeatureInfo;
use crate::monotone::{split_penalty, Method};
use crate::params::Gbdt;
use crate::split::SplitInfo;

/// The rules (LightGBM's parameters of the same names).
#[derive(Debug, Clone, Default)]
pub struct SplitRules {
    /// "basic" when no feature is constrained, and with `feature_fraction_bynode < 1`
    /// (LightGBM's fallback: a leaf searched again would draw other features).
    pub monotone_method: Method,
    /// Per feature, the factor on its splits' gain; empty = 1.
    pub feature_contri: Vec<f64>,
    pub monotone_penalty: f64,
    pub cegb: Option<Cegb>,
}

impl SplitRules {
    pub fn from_params(p: &Gbdt, n_features: usize) -> Result<SplitRules> {
        if !p.feature_contri.is_empty() && p.feature_contri.len() != n_features {
            let msg = format!(
                "has {} values for {n_features} features (give one per feature, or none)",
                p.feature_contri.len()
            );
            return Err(Error::param("feature_contri", msg));
        }
        let method = Method::parse(&p.monotone_constraints_method)?;
        let constrained = p.monotone_constraints.iter().any(|&c| c != 0);
        let cegb = Cegb::new(
            p.cegb_tradeoff,
            p.cegb_penalty_split,
            &p.cegb_penalty_feature_lazy,
            &p.cegb_penalty_feature_coupled,
            n_features,
        )?;
        Ok(SplitRules {
            monotone_method: if constrained && p.feature_fraction_bynode >= 1.0 { method } else { Method::Basic },
            feature_contri: p.feature_contri.clone(),
            monotone_penalty: p.monotone_penalty,
            cegb,
        })
    }

    /// Refuses a monotone constraint on a categorical feature (LightGBM's
    /// error): categories have no order for the output to follow.
    pub fn check_monotone(p: &Gbdt, features: &[FeatureInfo]) -> Result<()> {
        match p.monotone_constraints.iter().zip(features).position(|(&c, f)| c != 0 && f.categorical) {
            Some(i) => Err(Error::param(
                "monotone_constraints",
                format!(
                    "feature {i} ('{}') is categorical: the output cannot be monotone with respect to categorical features",
                    features[i].name
                ),
            )),
            None => Ok(()),
        }
    }

    /// Whether any rule changes the gains found in the histograms.
    pub fn adjusts_gain(&self) -> bool {
        !self.feature_contri.is_empty() || self.monotone_penalty > 0.0 || self.cegb.is_some()
    }

    /// A feature's best split `s` (its `gain` over the parent) under the rules,
    /// for a leaf at `depth` holding `rows`; with it, for CEGB's coupled costs,
    /// the split as it was before any cost.
    pub fn apply(
        &self,
        s: SplitInfo,
        min_gain_to_split: f64,
        monotone: i8,
        depth: usize,
        rows: &[u32],
        usage: Option<&Usage>,
    ) -> (SplitInfo, Option<SplitInfo>) {
        let mut gain = s.gain - min_gain_to_split;
        if let Some(&c) = self.feature_contri.get(s.feature) {
            gain *= c;
        }
        let mut kept = None;
        if let Some(cegb) = &self.cegb {
            if cegb.keeps_splits() {
                kept = Some(SplitInfo { gain: gain + min_gain_to_split, ..s.clone() });
            }
            debug_assert!(usage.is_some(), "CEGB's usage travels with the trees");
            if let Some(u) = usage {
                gain -= cegb.cost(s.feature, rows, u);
            }
        }
        if monotone != 0 && self.monotone_penalty > 0.0 {
            gain *= split_penalty(depth, self.monotone_penalty);
        }
        (SplitInfo { gain: gain + min_gain_to_split, ..s }, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(feature: usize, gain: f64) -> SplitInfo {
        crate::split::tests::split_info(feature, gain, 3)
    }

    #[test]
    fn rules_act_on_lightgbms_gain_in_lightgbms_order() {
        let p = Gbdt {
            feature_contri: vec![0.5, 2.0],
            monotone_constraints: vec![0, 1],
            monotone_penalty: 2.0,
            cegb_penalty_split: 0.25,
            cegb_penalty_feature_coupled: vec![1.0, 1.0],
            ..Default::default()
        };
        let r = SplitRules::from_params(&p, 2).unwrap();
        assert!(r.adjusts_gain());
        assert_eq!(r.monotone_method, Method::Basic);
        let cegb = r.cegb.as_ref().unwrap();
        let usage = Usage::new(cegb, 2, 8);
        let rows = [0u32, 1, 2, 3];
        // Gain 11 over the parent with min_gain_to_split 1: LightGBM's gain is 10, halved, less
        // 0.25 * 4 rows and the coupled 1: 3; reported over the parent again: 4.
        let (s, kept) = r.apply(split(0, 11.0), 1.0, 0, 0, &rows, Some(&usage));
        assert_eq!((s.gain, kept.unwrap().gain), (4.0, 6.0));
        // Feature 1 is monotone: at depth 3 the penalty 2 keeps 1 - 2^(2 - 1 - 3) = 0.75.
        let (s, _) = r.apply(split(1, 11.0), 1.0, 1, 3, &rows, Some(&usage));
        assert!((s.gain - (1.0 + 18.0 * (0.75 + 1e-15f32 as f64))).abs() < 1e-12, "{}", s.gain);
        assert_eq!(s.threshold, 3, "the split itself is kept");
    }

    #[test]
    fn defaults_change_nothing_and_bad_lengths_are_named() {
        let r = SplitRules::from_params(&Gbdt::default(), 3).unwrap();
        assert!(!r.adjusts_gain() && r.cegb.is_none());
        let e = SplitRules::from_params(&Gbdt { feature_contri: vec![1.0; 2], ..Default::default() }, 3).unwrap_err();
        assert!(e.to_string().contains("feature_contri"), "{e}");
        // intermediate needs a constrained feature, and falls back with per-node feature sampling.
        let p = Gbdt { monotone_constraints_method: "intermediate".into(), ..Default::default() };
        assert_eq!(SplitRules::from_params(&p, 3).unwrap().monotone_method, Method::Basic);
        let p = Gbdt { monotone_constraints: vec![1, 0, 0], ..p };
        assert_eq!(SplitRules::from_params(&p, 3).unwrap().monotone_method, Method::Intermediate);
        let p = Gbdt { feature_fraction_bynode: 0.5, ..p };
        assert_eq!(SplitRules::from_params(&p, 3).unwrap().monotone_method, Method::Basic);
    }
}
