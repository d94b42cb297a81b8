//! Isolation forest outlier detection, as scikit-learn's `IsolationForest`.
//!
//! Outliers are few and different, so random axis-aligned cuts isolate them
//! in fewer steps than normal rows. Each tree is scikit-learn's
//! `ExtraTreeRegressor(max_features=1, splitter="random")` grown on a small
//! subsample, to depth `ceil(log2(max_samples))`, on a random target (which
//! only keeps the builder from stopping early); a row's score is its mean
//! path length, completed at each leaf by the expected path length `c(n)` of
//! the leaf's rows, normalised by `c(max_samples)`: scikit-learn's formula,
//! so the scores mean the same (`offset_` -0.5 for "auto"). The random draws
//! are ironlearn's, so the trees and scores match scikit-learn's in
//! distribution, not bit for bit. The trees are [`crate::tree`]'s builder, so
//! missing values (NaN) are split on as there.

use ironlearn_core::validate::check_not_empty;
use ironlearn_core::{
    hyperparams, register, Domain, Error, Features, FitContext, Fitted, Learn, Params, Prediction, Result, Rng, Task,
    TrainData,
};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::forest::{ForestTrees, MaxSamples};
use crate::n_jobs::in_pool;
use crate::tree::builder::{build, resolve_settings, Columns, MaxFeatures, Tree, TREE_LEAF};
use crate::tree::check_predict;
use crate::tree::criterion::RegCriterion;

/// scikit-learn's `max_samples` of `IsolationForest`: "auto" (`min(256, n_samples)`),
/// a count, or a fraction of the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IsolationSamples {
    /// This many rows (at most all of them).
    Count(usize),
    /// This fraction of the rows, in (0, 1].
    Fraction(f64),
    /// "auto".
    Rule(String),
}

/// scikit-learn's `contamination`: "auto" (offset -0.5) or the expected share of outliers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Contamination {
    /// The share of outliers in the training rows, in (0, 0.5].
    Fraction(f64),
    /// "auto".
    Rule(String),
}

hyperparams! {
    /// Isolation forest outlier detection, as scikit-learn's `IsolationForest`: rows that random
    /// cuts isolate quickly are outliers (`predict` -1), the others inliers (1).
    ///
    /// ```
    /// use ironlearn_learn::IsolationForest;
    /// use ndarray::Array2;
    ///
    /// // A tight grid of 100 rows and one far away.
    /// let mut x = Array2::from_shape_fn((101, 2), |(i, j)| ((i * (j + 3)) % 10) as f64 / 10.0);
    /// x.row_mut(100).fill(8.0);
    /// let model = IsolationForest { random_state: 1, ..Default::default() }.fit(x.view())?;
    /// let scores = model.score_samples(x.view())?;
    /// assert!(scores[100] < scores.iter().take(100).cloned().fold(f64::INFINITY, f64::min));
    /// assert_eq!(model.predict(x.view())?[100], -1);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "isolation_forest"]
    #[tags(task = Some(Task::OutlierDetection), missing_values)]
    pub struct IsolationForest {
        /// The number of trees.
        n_estimators: usize = 100, domain(Domain::int_min(1));
        /// Rows each tree grows on: "auto" (`min(256, n_samples)`), a count (at most the rows),
        /// or a fraction of the rows.
        max_samples: IsolationSamples = IsolationSamples::Rule("auto".into());
        /// The share of outliers expected: "auto" (offset_ = -0.5, as the original paper) or a
        /// fraction in (0, 0.5], which sets offset_ to that percentile of the training scores.
        contamination: Contamination = Contamination::Rule("auto".into());
        /// Features each tree sees: a count or a fraction of them (1.0: all).
        max_features: MaxSamples = MaxSamples::Fraction(1.0);
        /// Whether each tree's rows are drawn with replacement.
        bootstrap: bool = false;
        /// Threads growing the trees and scoring: None or -1 all, -2 all but one, k > 0 exactly k.
        n_jobs: Option<i64> = None, check(|v| *v != Some(0), "None, a negative number or a positive number of threads");
        /// The seed of the rows, features and cuts; tree `i` draws from its own stream.
        random_state: u64 = 0;
    }
}

/// A fitted [`IsolationForest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsolationForestModel {
    params: IsolationForest,
    /// The trees, their features numbered as the columns of X.
    trees: ForestTrees,
    /// Rows per tree (scikit-learn's `max_samples_`).
    max_samples: usize,
    /// `decision_function = score_samples - offset_`.
    offset: f64,
}

/// The average path length of an unsuccessful search in a binary search
/// tree of `n` rows (scikit-learn's `_average_path_length`): 0 for n <= 1,
/// 1 for n = 2, else `2 (ln(n - 1) + γ) - 2 (n - 1) / n`.
pub fn average_path_length(n: f64) -> f64 {
    if n <= 1.0 {
        0.0
    } else if n == 2.0 {
        1.0
    } else {
        2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
    }
}

/// The Euler–Mascheroni constant (numpy's `euler_gamma`).
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// The path length of `row` in `tree`: the depth of its leaf (root 0) plus
/// the average path length of the leaf's training rows (scikit-learn's
/// `_decision_path_lengths[leaf] + _average_path_length_per_tree[leaf] - 1`).
pub fn path_length(tree: &Tree, row: ArrayView1<'_, f64>) -> f64 {
    let mut node = 0;
    let mut depth = 0.0;
    while tree.children_left[node] != TREE_LEAF {
        let v = row[tree.feature[node] as usize];
        let left = if v.is_nan() { tree.missing_left(node) } else { f64::from(v as f32) <= tree.threshold[node] };
        node = if left { tree.children_left[node] } else { tree.children_right[node] } as usize;
        depth += 1.0;
    }
    depth + average_path_length(tree.n_node_samples[node] as f64)
}

/// `q`-th percentile of `v` (0..=100), numpy's default linear interpolation.
fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (s.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
}

impl IsolationForest {
    fn resolve(&self, n: usize, d: usize) -> Result<(usize, usize)> {
        let max_samples = match &self.max_samples {
            IsolationSamples::Rule(r) if r == "auto" => n.min(256),
            IsolationSamples::Count(c) if *c >= 1 => (*c).min(n),
            IsolationSamples::Fraction(f) if *f > 0.0 && *f <= 1.0 => ((f * n as f64) as usize).max(1),
            other => {
                return Err(Error::param(
                    "max_samples",
                    format!(
                        "The 'max_samples' parameter of IsolationForest must be 'auto', an int in the range [1, inf) \
                         or a float in the range (0.0, 1.0]. Got {other:?} instead."
                    ),
                ))
            }
        };
        let max_features = match self.max_features {
            MaxSamples::Count(c) if c >= 1 && c <= d => c,
            MaxSamples::Fraction(f) if f > 0.0 && f <= 1.0 => ((f * d as f64) as usize).max(1),
            ref other => {
                return Err(Error::param(
                    "max_features",
                    format!("must be an int in [1, n_features={d}] or a float in (0.0, 1.0], got {other:?}"),
                ))
            }
        };
        match &self.contamination {
            Contamination::Rule(r) if r == "auto" => {}
            Contamination::Fraction(c) if *c > 0.0 && *c <= 0.5 => {}
            other => {
                return Err(Error::param(
                    "contamination",
                    format!(
                        "The 'contamination' parameter of IsolationForest must be 'auto' or a float in the range \
                         (0.0, 0.5]. Got {other:?} instead."
                    ),
                ))
            }
        }
        Ok((max_samples, max_features))
    }

    /// Grows the forest on the rows of `x`.
    pub fn fit(&self, x: ArrayView2<'_, f64>) -> Result<IsolationForestModel> {
        self.validate()?;
        check_not_empty(x)?;
        let (n, d) = x.dim();
        let (max_samples, max_features) = self.resolve(n, d)?;
        let all = Columns::with_missing(x)?;
        let root = Rng::new(self.random_state);
        // The random target (scikit-learn's `rnd.uniform(size=n_samples)`).
        let mut y_rng = root.fork(u64::MAX);
        let y: Vec<f64> = (0..n).map(|_| y_rng.uniform()).collect();
        let max_depth = (max_samples.max(2) as f64).log2().ceil() as usize;
        let grow_one = |i: usize| -> Result<Tree> {
            let mut rng = root.fork(i as u64);
            let seed = rng.next_u64();
            // Features without replacement (all of them: no copy).
            let feats: Option<Vec<usize>> = (max_features < d).then(|| {
                let mut f: Vec<usize> = (0..d).collect();
                for k in 0..max_features {
                    let j = k + rng.below(d - k);
                    f.swap(k, j);
                }
                f.truncate(max_features);
                f
            });
            // Rows: counts as weights, as scikit-learn's bagging passes them.
            let mut counts = vec![0.0; n];
            if self.bootstrap {
                (0..max_samples).for_each(|_| counts[rng.below(n)] += 1.0);
            } else {
                let mut rows: Vec<usize> = (0..n).collect();
                for k in 0..max_samples {
                    let j = k + rng.below(n - k);
                    rows.swap(k, j);
                    counts[rows[k]] = 1.0;
                }
            }
            let sub;
            let columns = match &feats {
                Some(f) => {
                    sub = Columns::with_missing(x.select(Axis(1), f).view())?;
                    &sub
                }
                None => &all,
            };
            let mut settings = resolve_settings(
                Some(max_depth),
                2,
                1,
                0.0,
                &Some(MaxFeatures::Count(1)),
                None,
                0.0,
                seed,
                feats.as_ref().map_or(d, Vec::len),
                max_samples as f64,
            )?;
            settings.random_splits = true;
            let mut tree = build(columns, Some(&counts), &mut RegCriterion::new(&y, Some(&counts), false), &settings)?;
            if let Some(f) = &feats {
                tree.feature.iter_mut().filter(|v| **v >= 0).for_each(|v| *v = f[*v as usize] as i64);
                tree.n_features = d;
            }
            Ok(tree)
        };
        let trees: Vec<Tree> =
            in_pool(self.n_jobs, || (0..self.n_estimators).into_par_iter().map(grow_one).collect::<Result<Vec<_>>>())??;
        let mut model = IsolationForestModel {
            params: self.clone(),
            trees: ForestTrees::from_trees(trees, 1, d),
            max_samples,
            offset: -0.5,
        };
        if let Contamination::Fraction(c) = self.contamination {
            let scores = model.score_samples(x)?;
            model.offset = percentile(scores.as_slice().expect("contiguous"), 100.0 * c);
        }
        Ok(model)
    }
}

impl IsolationForestModel {
    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.n_trees()
    }

    /// Tree `i`'s node arrays, its features numbered as the columns of X.
    pub fn tree(&self, i: usize) -> &Tree {
        self.trees.tree(i)
    }

    /// Rows each tree grew on (scikit-learn's `max_samples_`).
    pub fn max_samples(&self) -> usize {
        self.max_samples
    }

    /// The threshold of `decision_function` (scikit-learn's `offset_`).
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// The opposite of the anomaly score of the original paper, `-2^(-mean path / c(max_samples))`:
    /// the lower, the more abnormal (scikit-learn's `score_samples`).
    pub fn score_samples(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        check_predict(x, self.trees.n_features, "IsolationForest")?;
        let trees: Vec<&Tree> = (0..self.n_trees()).map(|i| self.trees.tree(i)).collect();
        let denominator = trees.len() as f64 * average_path_length(self.max_samples as f64);
        let mut out = Array1::zeros(x.nrows());
        in_pool(self.params.n_jobs, || {
            out.as_slice_mut().expect("contiguous").par_iter_mut().enumerate().for_each(|(r, o)| {
                let depth: f64 = trees.iter().map(|t| path_length(t, x.row(r))).sum();
                let ratio = if denominator != 0.0 { depth / denominator } else { 1.0 };
                *o = -(2f64.powf(-ratio));
            })
        })?;
        Ok(out)
    }

    /// `score_samples - offset_`: negative for outliers.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        Ok(self.score_samples(x)? - self.offset)
    }

    /// -1 for outliers (`decision_function < 0`), 1 for inliers.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<i64>> {
        Ok(self.decision_function(x)?.mapv(|v| if v < 0.0 { -1 } else { 1 }))
    }
}

impl Learn for IsolationForest {
    type Model = IsolationForestModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<IsolationForestModel> {
        self.fit(data.dense()?.view())
    }
}

impl Fitted for IsolationForestModel {
    type Estimator = IsolationForest;

    fn n_features_in(&self) -> usize {
        self.trees.n_features
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        Ok(Prediction::Outliers(self.predict(x.to_dense()?.view())?))
    }

    fn decision_function_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Ok(self.decision_function(x.to_dense()?.view())?.insert_axis(Axis(1)))
    }

    fn score_samples_data(&self, x: Features<'_>) -> Result<Array1<f64>> {
        self.score_samples(x.to_dense()?.view())
    }
}

register!(IsolationForest);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::testing::labels;
    use crate::test_data::load;

    #[test]
    fn average_path_length_is_scikit_learns() {
        // sklearn.ensemble._iforest._average_path_length([0, 1, 2, 3, 10, 256, 1000])
        let want = [0.0, 0.0, 1.0, 1.207392357589623, 3.748880484475505, 10.244770920119917, 12.969940887100174];
        for (n, w) in [0.0, 1.0, 2.0, 3.0, 10.0, 256.0, 1000.0].iter().zip(want) {
            assert!((average_path_length(*n) - w).abs() < 1e-12, "{n}");
        }
    }

    #[test]
    fn scores_of_a_fixed_tree_are_scikit_learns() {
        // m = IsolationForest(n_estimators=1, max_samples=16, random_state=0).fit(X) on iris;
        // its tree_ (features mapped through estimators_features_[0]) and m.score_samples(X[::10]).
        let tree = Tree {
            children_left: vec![1, 2, 3, -1, -1, -1, 7, 8, 9, -1, -1, 12, -1, -1, 15, 16, -1, -1, -1],
            children_right: vec![6, 5, 4, -1, -1, -1, 14, 11, 10, -1, -1, 13, -1, -1, 18, 17, -1, -1, -1],
            feature: vec![3, 1, 0, -2, -2, -2, 3, 1, 3, -2, -2, 2, -2, -2, 1, 3, -2, -2, -2],
            threshold: vec![
                0.39074190525708596,
                3.5905279064971634,
                4.565124523728142,
                -2.0,
                -2.0,
                -2.0,
                1.420975799886203,
                3.2002468328090927,
                1.3198047784668108,
                -2.0,
                -2.0,
                1.8376113954574569,
                -2.0,
                -2.0,
                2.9911681947864777,
                1.7095128386243563,
                -2.0,
                -2.0,
                -2.0,
            ],
            value: vec![0.0; 19],
            n_values: 1,
            impurity: vec![0.0; 19],
            n_node_samples: vec![16, 3, 2, 1, 1, 1, 13, 8, 6, 4, 2, 2, 1, 1, 5, 4, 2, 2, 1],
            weighted_n_node_samples: vec![0.0; 19],
            max_depth: 4,
            n_features: 4,
            missing_go_to_left: vec![false; 19],
        };
        let model = IsolationForestModel {
            params: IsolationForest { max_samples: IsolationSamples::Count(16), ..Default::default() },
            trees: ForestTrees::from_trees(vec![tree], 1, 4),
            max_samples: 16,
            offset: -0.5,
        };
        let (x, _) = load("iris");
        let probes = x.slice(ndarray::s![..;10, ..]);
        let want = [
            -0.6422000682079733,
            -0.7443552084196415,
            -0.6422000682079733,
            -0.6422000682079733,
            -0.6422000682079733,
            -0.478024965618054,
            -0.421551867246211,
            -0.6422000682079733,
            -0.421551867246211,
            -0.421551867246211,
            -0.6422000682079733,
            -0.6422000682079733,
            -0.6422000682079733,
            -0.478024965618054,
            -0.6422000682079733,
        ];
        let got = model.score_samples(probes).unwrap();
        got.iter().zip(want).for_each(|(g, w)| assert!((g - w).abs() < 1e-12, "{got} vs {want:?}"));
        let d = model.decision_function(probes).unwrap();
        assert!(d.iter().zip(&got).all(|(d, s)| (d - (s + 0.5)).abs() < 1e-15));
        let pred = model.predict(probes).unwrap();
        assert_eq!((pred[0], pred[5], pred[6]), (-1, 1, 1));
    }

    /// The area under the ROC curve of `score` for `positive` (ties counted half).
    fn auc(score: &[f64], positive: &[bool]) -> f64 {
        let (mut hit, mut pairs) = (0.0, 0.0);
        for (i, &si) in score.iter().enumerate().filter(|(i, _)| positive[*i]) {
            for (_, &sj) in score.iter().enumerate().filter(|(j, _)| !positive[*j]) {
                hit += if si > sj {
                    1.0
                } else if si == sj {
                    0.5
                } else {
                    0.0
                };
                pairs += 1.0;
            }
            let _ = i;
        }
        hit / pairs
    }

    #[test]
    fn outliers_rank_as_scikit_learns() {
        // roc_auc_score(y == 'malignant', -IsolationForest(random_state=s).fit(X).score_samples(X)) on
        // breast_cancer, s in 0..5: mean 0.7719 (0.7204, 0.7991); with max_features=0.5, bootstrap=True,
        // max_samples=0.5: 0.7939 (0.7731, 0.8047).
        let (x, y) = labels("breast_cancer");
        let malignant: Vec<bool> = y.to_strings().iter().map(|c| c == "malignant").collect();
        let variants = [
            (IsolationForest::default(), 0.7719),
            (
                IsolationForest {
                    max_features: MaxSamples::Fraction(0.5),
                    bootstrap: true,
                    max_samples: IsolationSamples::Fraction(0.5),
                    ..Default::default()
                },
                0.7939,
            ),
        ];
        for (params, sk) in variants {
            let mut total = 0.0;
            for seed in 0..3 {
                let m = IsolationForest { random_state: seed, ..params.clone() }.fit(x.view()).unwrap();
                let s = m.score_samples(x.view()).unwrap();
                total += auc(&s.mapv(|v| -v).to_vec(), &malignant);
            }
            let a = total / 3.0;
            assert!((a - sk).abs() < 0.04, "AUC {a} vs scikit-learn's {sk}");
        }
    }

    #[test]
    fn a_clearly_separated_outlier_set_is_found() {
        // 300 rows in a unit square, 6 far away: with contamination 0.02 exactly those are outliers.
        let mut rng = Rng::new(5);
        let mut x = Array2::from_shape_fn((306, 3), |_| rng.uniform());
        for i in 300..306 {
            x.row_mut(i).fill(6.0 + i as f64);
        }
        let p = IsolationForest { contamination: Contamination::Fraction(0.02), ..Default::default() };
        let m = p.fit(x.view()).unwrap();
        assert_eq!(m.max_samples(), 256);
        let pred = m.predict(x.view()).unwrap();
        assert!(pred.iter().skip(300).all(|&v| v == -1), "{pred}");
        assert!(pred.iter().take(300).filter(|&&v| v == -1).count() <= 1);
        // "auto": offset -0.5, the far rows score below it.
        let m = IsolationForest::default().fit(x.view()).unwrap();
        assert_eq!(m.offset(), -0.5);
        let d = m.decision_function(x.view()).unwrap();
        assert!(d.iter().skip(300).all(|&v| v < 0.0));
        // Missing values are taken: a row missing a feature still scores.
        let mut nan = x.clone();
        nan[[3, 1]] = f64::NAN;
        nan[[301, 0]] = f64::NAN;
        let m = IsolationForest::default().fit(nan.view()).unwrap();
        assert!(m.score_samples(nan.view()).unwrap().iter().all(|v| v.is_finite()));
    }

    #[test]
    fn threads_do_not_change_the_forest_and_bad_input_is_refused() {
        let (x, _) = load("iris");
        let fit = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| IsolationForest { n_estimators: 20, ..Default::default() }.fit(x.view()).unwrap())
        };
        assert_eq!(fit(1), fit(2));
        let err = |p: IsolationForest| p.fit(x.view()).unwrap_err().to_string();
        let e = err(IsolationForest { contamination: Contamination::Fraction(0.7), ..Default::default() });
        assert!(e.contains("contamination"), "{e}");
        let e = err(IsolationForest { max_samples: IsolationSamples::Count(0), ..Default::default() });
        assert!(e.contains("max_samples"), "{e}");
        let e = err(IsolationForest { max_samples: IsolationSamples::Rule("all".into()), ..Default::default() });
        assert!(e.contains("max_samples"), "{e}");
        let e = err(IsolationForest { max_features: MaxSamples::Count(9), ..Default::default() });
        assert!(e.contains("max_features"), "{e}");
        let e = err(IsolationForest { n_estimators: 0, ..Default::default() });
        assert!(e.contains("n_estimators"), "{e}");
        let m = IsolationForest { n_estimators: 3, ..Default::default() }.fit(x.view()).unwrap();
        let e = m.score_samples(x.slice(ndarray::s![.., ..2])).unwrap_err().to_string();
        assert!(e.contains("X has 2 features, but IsolationForest is expecting 4 features"), "{e}");
        // max_samples above the rows is all of them, as scikit-learn (which warns).
        let m = IsolationForest { max_samples: IsolationSamples::Count(1000), ..Default::default() }.fit(x.view());
        assert_eq!(m.unwrap().max_samples(), 150);
    }
}
