//! Cost-effective gradient boosting (Peter et al., NeurIPS 2017), as LightGBM
//! 4.7 implements it.
//!
//! When features cost something to compute, a model that splits less, and on
//! fewer features, is cheaper to run: a split's gain pays
//! `cegb_tradeoff * (cegb_penalty_split * rows in the leaf + the first use of
//! its feature in the model (coupled) + each of the leaf's rows whose feature
//! value no split has read yet (lazy))`. What has been paid for is kept from
//! tree to tree ([`Usage`]). When a feature is first split on, the other
//! leaves' splits on it no longer pay its coupled cost: LightGBM gives each
//! back its gain before any cost plus that cost (it does not take the split and
//! lazy costs off again), and ironlearn does the same, so that models match.

use ironlearn_core::{Error, Result};

use crate::split::SplitInfo;

/// The penalties (LightGBM's `cegb_*` parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct Cegb {
    pub tradeoff: f64,
    pub split: f64,
    /// Per feature; empty = none.
    pub lazy: Vec<f64>,
    pub coupled: Vec<f64>,
}

impl Cegb {
    /// The penalties, `None` when they ask for nothing (LightGBM's `IsEnable`).
    pub fn new(tradeoff: f64, split: f64, lazy: &[f64], coupled: &[f64], n_features: usize) -> Result<Option<Cegb>> {
        for (name, v) in [("cegb_penalty_feature_lazy", lazy), ("cegb_penalty_feature_coupled", coupled)] {
            if !v.is_empty() && v.len() != n_features {
                let msg = format!("has {} values for {n_features} features (give one per feature, or none)", v.len());
                return Err(Error::param(name, msg));
            }
        }
        if tradeoff >= 1.0 && split <= 0.0 && lazy.is_empty() && coupled.is_empty() {
            return Ok(None);
        }
        Ok(Some(Cegb { tradeoff, split, lazy: lazy.to_vec(), coupled: coupled.to_vec() }))
    }

    /// Whether other leaves' splits must be kept for the coupled update.
    pub fn keeps_splits(&self) -> bool {
        !self.coupled.is_empty()
    }

    /// What a split on `feature` of a leaf holding `rows` costs.
    pub fn cost(&self, feature: usize, rows: &[u32], usage: &Usage) -> f64 {
        let mut cost = self.tradeoff * self.split * rows.len() as f64;
        if !self.coupled.is_empty() && !usage.features[feature] {
            cost += self.tradeoff * self.coupled[feature];
        }
        if !self.lazy.is_empty() {
            let penalty = self.lazy[feature];
            let mut unpaid = 0.0;
            for &r in rows {
                if !usage.read(feature, r) {
                    unpaid += penalty;
                }
            }
            cost += self.tradeoff * unpaid;
        }
        cost
    }

    /// Records a split on `feature` of leaf `leaf`, which holds `rows`; when it
    /// is the feature's first, returns the splits of the other leaves in `kept`
    /// (indexed by leaf, then feature) that stop paying its coupled cost, with
    /// their new gain.
    pub fn pay(
        &self,
        feature: usize,
        leaf: usize,
        rows: &[u32],
        usage: &mut Usage,
        kept: &mut [Vec<Option<SplitInfo>>],
    ) -> Vec<(usize, SplitInfo)> {
        let mut freed = Vec::new();
        if !self.coupled.is_empty() && !usage.features[feature] {
            usage.features[feature] = true;
            let refund = self.tradeoff * self.coupled[feature];
            for (other, splits) in kept.iter_mut().enumerate().filter(|&(l, _)| l != leaf) {
                if let Some(s) = splits.get_mut(feature).and_then(Option::as_mut) {
                    s.gain += refund;
                    freed.push((other, s.clone()));
                }
            }
        }
        if !self.lazy.is_empty() {
            rows.iter().for_each(|&r| usage.mark(feature, r));
        }
        freed
    }
}

/// What the model built so far has paid for: each feature's first use, and
/// (lazy costs) each row's value of each feature.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    features: Vec<bool>,
    /// Bit `feature * rows + row`, when lazy costs are asked for.
    read: Vec<u64>,
    rows: usize,
}

impl Usage {
    pub fn new(cegb: &Cegb, n_features: usize, n_rows: usize) -> Usage {
        let bits = if cegb.lazy.is_empty() { 0 } else { n_features * n_rows };
        Usage { features: vec![false; n_features], read: vec![0; bits.div_ceil(64)], rows: n_rows }
    }

    fn read(&self, feature: usize, row: u32) -> bool {
        let bit = feature * self.rows + row as usize;
        self.read[bit / 64] >> (bit % 64) & 1 == 1
    }

    fn mark(&mut self, feature: usize, row: u32) {
        let bit = feature * self.rows + row as usize;
        self.read[bit / 64] |= 1 << (bit % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(feature: usize, gain: f64) -> SplitInfo {
        crate::split::tests::split_info(feature, gain, 0)
    }

    #[test]
    fn costs_add_up_as_lightgbm_adds_them() {
        let c = Cegb::new(2.0, 0.5, &[0.25, 1.0], &[3.0, 10.0], 2).unwrap().unwrap();
        let mut usage = Usage::new(&c, 2, 6);
        let rows = [0u32, 2, 4, 5];
        // 2 * (0.5 * 4 rows) + 2 * 3 (first use) + 2 * (4 unread rows * 0.25).
        assert_eq!(c.cost(0, &rows, &usage), 4.0 + 6.0 + 2.0);
        let mut kept =
            vec![vec![Some(split(0, 7.0)), None], vec![None, Some(split(1, 1.0))], vec![Some(split(0, 0.5)), None]];
        // Leaf 1 splits on feature 0; leaves 0 and 2 held a split on it: they get the coupled cost back.
        let freed = c.pay(0, 1, &rows[..2], &mut usage, &mut kept);
        assert_eq!(freed.iter().map(|(l, s)| (*l, s.gain)).collect::<Vec<_>>(), [(0, 13.0), (2, 6.5)]);
        assert_eq!(kept[0][0].as_ref().unwrap().gain, 13.0);
        // Rows 0 and 2 were read: 2 unread left; the feature is paid for.
        assert_eq!(c.cost(0, &rows, &usage), 4.0 + 2.0 * 0.5);
        assert!(c.pay(0, 2, &rows, &mut usage, &mut kept).is_empty(), "paid once");
        assert_eq!(c.cost(1, &rows, &usage), 4.0 + 20.0 + 2.0 * 4.0);
    }

    #[test]
    fn penalties_at_their_defaults_ask_for_nothing_and_lengths_are_checked() {
        assert_eq!(Cegb::new(1.0, 0.0, &[], &[], 3).unwrap(), None);
        assert!(Cegb::new(0.5, 0.0, &[], &[], 3).unwrap().is_some());
        let e = Cegb::new(1.0, 0.0, &[1.0], &[], 3).unwrap_err().to_string();
        assert!(e.contains("cegb_penalty_feature_lazy") && e.contains("has 1 values for 3 features"), "{e}");
    }
}
