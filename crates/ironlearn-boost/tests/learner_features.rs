//! LightGBM's tree-learner options: path smoothing, extremely randomized
//! trees, per-node feature sampling, interaction constraints and per-feature
//! bin counts. Each changes trees as LightGBM's does, stays independent of
//! the thread count, and names its parameter when given a bad value.

use ironlearn_boost::tree::Tree;
use ironlearn_boost::{dataset_bin_counts, dataset_bins, train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Features, FitContext, ModelFile, Rng, Target};
use ndarray::{array, Array2};

fn file(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

/// Six features, the first four informative and interacting.
fn regression_data(n: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((n, 6), |_| rng.normal());
    let y = x
        .rows()
        .into_iter()
        .map(|r| 3.0 * r[0] + 2.0 * r[1] * r[2] - r[3] * r[0] + 0.5 * r[4] + 0.3 * rng.normal())
        .collect();
    (x, Target::Values(y))
}

fn fit(p: &Gbdt, x: &Array2<f64>, y: &Target) -> GbdtModel {
    train(p, &Dataset::supervised(Features::Dense(x.view()), y), &mut FitContext::default()).unwrap()
}

fn fail(p: &Gbdt, x: &Array2<f64>, y: &Target) -> String {
    train(p, &Dataset::supervised(Features::Dense(x.view()), y), &mut FitContext::default()).unwrap_err().to_string()
}

fn mse(m: &GbdtModel, x: &Array2<f64>, y: &Target) -> f64 {
    let Target::Values(y) = y else { unreachable!() };
    let p = m.predict_values(x.view()).unwrap();
    p.iter().zip(y).map(|(p, t)| (p - t).powi(2)).sum::<f64>() / y.len() as f64
}

/// Byte-identical model files at 1, 2 and 4 threads.
fn assert_thread_independent(p: &Gbdt, x: &Array2<f64>, y: &Target) -> GbdtModel {
    let models: Vec<GbdtModel> = [1, 2, 4].iter().map(|&t| fit(&Gbdt { num_threads: t, ..p.clone() }, x, y)).collect();
    assert!(models.windows(2).all(|w| file(&w[0]) == file(&w[1])), "models differ between thread counts");
    models.into_iter().next().unwrap()
}

/// The features split on along every root-to-leaf path of a tree.
fn paths(t: &Tree) -> Vec<Vec<u32>> {
    fn walk(t: &Tree, node: i32, above: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if node < 0 {
            out.push(above.clone());
            return;
        }
        let n = node as usize;
        above.push(t.split_feature[n]);
        walk(t, t.left_child[n], above, out);
        walk(t, t.right_child[n], above, out);
        above.pop();
    }
    let mut out = Vec::new();
    if t.num_splits() > 0 {
        walk(t, 0, &mut Vec::new(), &mut out);
    }
    out
}

#[test]
fn path_smoothing_pulls_leaves_toward_their_parents_as_lightgbm_does() {
    // LightGBM 4.7.0 on these 8 rows (num_leaves 3, learning_rate 1, no
    // starting average, path_smooth 2) splits at 3.5 then 5.5 with gains 400
    // and 71.5278 and leaves 2.5, 11.25, 16.25: the root is 7.5, its children
    // 0 and 15 smoothed toward it (n/s = 2), the right one's children 10 and
    // 20 toward its 12.5 (n/s = 1).
    let x = Array2::from_shape_fn((8, 1), |(i, _)| i as f64);
    let y = Target::Values(vec![0.0, 0.0, 0.0, 0.0, 10.0, 10.0, 20.0, 20.0]);
    let p = Gbdt {
        n_estimators: 1,
        num_leaves: 3,
        learning_rate: 1.0,
        min_data_in_leaf: 1,
        min_data_in_bin: 1,
        min_sum_hessian_in_leaf: 0.0,
        boost_from_average: false,
        path_smooth: 2.0,
        ..Default::default()
    };
    let m = fit(&p, &x, &y);
    let t = &m.trees()[0];
    assert_eq!(t.threshold, vec![3.5f64.next_up(), 5.5f64.next_up()]);
    assert!(
        (t.split_gain[0] - 400.0).abs() < 1e-9 && (t.split_gain[1] - 71.527_777_777).abs() < 1e-6,
        "{:?}",
        t.split_gain
    );
    let pred = m.predict_values(x.view()).unwrap();
    for (got, want) in pred.iter().zip([2.5, 2.5, 2.5, 2.5, 11.25, 11.25, 16.25, 16.25]) {
        assert!((got - want).abs() < 1e-9, "{pred:?}");
    }
    // Without smoothing the leaves are the plain means, as LightGBM 4.7.0
    // computes them (with its epsilon in the hessian sums).
    let plain = fit(&Gbdt { path_smooth: 0.0, ..p }, &x, &y);
    assert_eq!(plain.predict_values(array![[0.0], [7.0]].view()).unwrap().to_vec(), vec![0.0, 19.999999999999993]);
}

#[test]
fn path_smoothing_regularises_and_does_not_depend_on_threads() {
    let (x, y) = regression_data(2_000, 1);
    let p = Gbdt { n_estimators: 10, num_leaves: 32, seed: 0, ..Default::default() };
    let smooth = assert_thread_independent(&Gbdt { path_smooth: 5.0, ..p.clone() }, &x, &y);
    // LightGBM's test_path_smoothing: the training error grows.
    let (plain, smoothed) = (mse(&fit(&p, &x, &y), &x, &y), mse(&smooth, &x, &y));
    assert!(plain < smoothed, "{plain} {smoothed}");
    let e = fail(&Gbdt { path_smooth: -1.0, ..p }, &x, &y);
    assert!(e.contains("path_smooth"), "{e}");
}

#[test]
fn extra_trees_draw_thresholds_deterministically() {
    let (x, y) = regression_data(2_000, 2);
    let p = Gbdt { n_estimators: 10, num_leaves: 32, seed: 0, ..Default::default() };
    let extra = assert_thread_independent(&Gbdt { extra_trees: true, ..p.clone() }, &x, &y);
    let plain = fit(&p, &x, &y);
    assert_ne!(file(&extra), file(&plain));
    // LightGBM's test_extra_trees: random thresholds fit the training data worse.
    assert!(mse(&plain, &x, &y) < mse(&extra, &x, &y));
    // The seed of the thresholds is extra_seed.
    let reseeded = fit(&Gbdt { extra_trees: true, extra_seed: 7, ..p.clone() }, &x, &y);
    assert_ne!(file(&reseeded), file(&extra));
    assert_eq!(file(&fit(&Gbdt { extra_trees: true, ..p }, &x, &y)), file(&extra));
}

#[test]
fn extra_trees_work_on_categorical_and_missing_values() {
    let mut rng = Rng::new(5);
    let x = Array2::from_shape_fn((1_500, 3), |(_, j)| match j {
        0 => rng.below(12) as f64,
        1 if rng.uniform() < 0.2 => f64::NAN,
        _ => rng.normal(),
    });
    let y = Target::Values(x.rows().into_iter().map(|r| (r[0] as usize % 3) as f64 + r[2]).collect());
    let p = Gbdt { n_estimators: 5, extra_trees: true, categorical_feature: vec!["0".into()], ..Default::default() };
    let m = assert_thread_independent(&p, &x, &y);
    assert!(m.trees().iter().any(|t| t.num_splits() > 0));
}

#[test]
fn node_level_feature_sampling_uses_a_sample_of_the_tree_features() {
    let (x, y) = regression_data(2_000, 3);
    let p = Gbdt { n_estimators: 20, num_leaves: 8, seed: 4, ..Default::default() };
    // One feature of six per node: feature 0 dominates every greedy root, but
    // sampled roots split on others too.
    let one = assert_thread_independent(&Gbdt { feature_fraction_bynode: 1.0 / 6.0, ..p.clone() }, &x, &y);
    let roots = |m: &GbdtModel| m.trees().iter().map(|t| t.split_feature[0]).collect::<Vec<_>>();
    assert!(roots(&fit(&p, &x, &y)).iter().all(|&f| f == 0));
    assert!(roots(&one).iter().any(|&f| f != 0), "{:?}", roots(&one));
    // Sampled per node from the tree's features: with feature_fraction, the
    // tree's features bound every node's (and results differ, LightGBM's test_node_level_subcol).
    let both = Gbdt { feature_fraction_bynode: 0.8, feature_fraction: 0.5, ..p.clone() };
    assert_ne!(file(&fit(&both, &x, &y)), file(&fit(&Gbdt { feature_fraction: 1.0, ..both.clone() }, &x, &y)));
    for f in [0.0, 1.5] {
        let e = fail(&Gbdt { feature_fraction_bynode: f, ..p.clone() }, &x, &y);
        assert!(e.contains("feature_fraction_bynode"), "{e}");
    }
}

#[test]
fn interaction_constraints_hold_on_every_branch() {
    let (x, y) = regression_data(2_000, 4);
    let p = Gbdt { n_estimators: 10, num_leaves: 31, seed: 0, ..Default::default() };
    let plain = fit(&p, &x, &y);
    // One set holding every feature changes no tree.
    let all = fit(&Gbdt { interaction_constraints: vec![(0..6).collect()], ..p.clone() }, &x, &y);
    assert_eq!(format!("{:?}", plain.trees()), format!("{:?}", all.trees()));
    let sets = vec![vec![0, 2], vec![1, 3], vec![3, 4]];
    let constrained = Gbdt { interaction_constraints: sets.clone(), feature_fraction_bynode: 0.9, ..p.clone() };
    let m = assert_thread_independent(&constrained, &x, &y);
    for t in m.trees() {
        for path in paths(t) {
            assert!(
                sets.iter().any(|s| path.iter().all(|f| s.contains(&(*f as usize)))),
                "a branch uses {path:?}, which no constraint holds"
            );
            assert!(!path.contains(&5), "feature 5 is in no constraint");
        }
    }
    // Fewer interactions fit worse (LightGBM's test_interaction_constraints).
    let singles = fit(&Gbdt { interaction_constraints: (0..6).map(|f| vec![f]).collect(), ..p.clone() }, &x, &y);
    for t in singles.trees() {
        assert!(paths(t).iter().all(|path| path.iter().all(|&f| f == path[0])));
    }
    let pairs = fit(&Gbdt { interaction_constraints: vec![vec![0, 2], vec![1, 3]], ..p.clone() }, &x, &y);
    assert!(mse(&plain, &x, &y) < mse(&pairs, &x, &y) && mse(&pairs, &x, &y) < mse(&singles, &x, &y));
    let e = fail(&Gbdt { interaction_constraints: vec![vec![0, 6]], ..p.clone() }, &x, &y);
    assert!(e.contains("interaction_constraints") && e.contains("feature 6"), "{e}");
    let e = fail(&Gbdt { interaction_constraints: vec![vec![0], vec![]], ..p }, &x, &y);
    assert!(e.contains("interaction_constraints") && e.contains("constraint 1 is empty"), "{e}");
}

#[test]
fn max_bin_by_feature_sets_each_features_bins() {
    // LightGBM's test_max_bin_by_feature: 0..99 and a 0/1 column.
    let x = Array2::from_shape_fn((100, 2), |(i, j)| if j == 0 { i as f64 } else { f64::from(u8::from(i >= 20)) });
    let y = Target::Values((0..100).map(f64::from).collect());
    let p = Gbdt {
        objective: "regression_l2".into(),
        n_estimators: 1,
        num_leaves: 100,
        min_data_in_leaf: 1,
        min_sum_hessian_in_leaf: 0.0,
        min_data_in_bin: 1,
        max_bin_by_feature: vec![100, 2],
        ..Default::default()
    };
    let distinct = |m: &GbdtModel| {
        let mut v: Vec<u64> = m.predict_values(x.view()).unwrap().iter().map(|p| p.to_bits()).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    assert_eq!(distinct(&fit(&p, &x, &y)), 100);
    let (counts, _) = dataset_bins(&Features::Dense(x.view()), &p).unwrap();
    assert_eq!(counts, vec![100, 2]);
    // The counts alone (a Dataset's construct) are the binning's.
    assert_eq!(dataset_bin_counts(&Features::Dense(x.view()), &p).unwrap(), counts);
    let swapped = Gbdt { max_bin_by_feature: vec![2, 100], ..p.clone() };
    assert_eq!(distinct(&fit(&swapped, &x, &y)), 3);
    assert_eq!(dataset_bins(&Features::Dense(x.view()), &swapped).unwrap().0, vec![2, 2]);
    for (bad, says) in
        [(vec![10], "has 1 values for 2 features"), (vec![10, 1], "entry 1 is 1"), (vec![256, 3], "entry 0 is 256")]
    {
        let e = fail(&Gbdt { max_bin_by_feature: bad, ..p.clone() }, &x, &y);
        assert!(e.contains("max_bin_by_feature") && e.contains(says), "{e}");
    }
}

#[test]
fn every_option_at_once_on_wide_multiclass_data_is_thread_independent() {
    // 40 features of 255 bins: split search runs one task per feature, and
    // the three classes' trees grow in parallel.
    let mut rng = Rng::new(9);
    let x = Array2::from_shape_fn((3_000, 40), |_| rng.normal());
    let labels = x.rows().into_iter().map(|r| u32::from(r[0] + r[1] * r[2] > 0.0) + u32::from(r[3] > 0.5)).collect();
    let y = Target::Labels(ironlearn_core::Labels::new(vec!["a".into(), "b".into(), "c".into()], labels).unwrap());
    let p = Gbdt {
        n_estimators: 4,
        num_leaves: 15,
        path_smooth: 0.5,
        extra_trees: true,
        feature_fraction: 0.8,
        feature_fraction_bynode: 0.5,
        interaction_constraints: vec![(0..20).collect(), (15..40).collect()],
        max_bin_by_feature: (0..40).map(|f| 16 + 6 * f).collect(),
        bagging_fraction: 0.8,
        bagging_freq: 1,
        seed: 3,
        ..Default::default()
    };
    let m = assert_thread_independent(&p, &x, &y);
    assert!(m.trees().iter().all(|t| t.num_splits() > 0));
}

#[test]
fn the_new_parameters_are_written_as_lightgbm_writes_them() {
    let (x, y) = regression_data(300, 6);
    let p = Gbdt {
        n_estimators: 2,
        interaction_constraints: vec![vec![0, 2], vec![1, 3, 4, 5]],
        max_bin_by_feature: vec![10, 20, 30, 40, 50, 60],
        path_smooth: 1.0,
        extra_trees: true,
        feature_fraction_bynode: 0.5,
        ..Default::default()
    };
    let text = fit(&p, &x, &y).to_lightgbm_text(None, 0).unwrap();
    for line in [
        "[interaction_constraints: [0,2],[1,3,4,5]]",
        "[max_bin_by_feature: 10,20,30,40,50,60]",
        "[path_smooth: 1]",
        "[extra_trees: 1]",
        "[extra_seed: 6]",
        "[feature_fraction_bynode: 0.5]",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line}");
    }
    // As text (the CLI's `--set`), constraints read as LightGBM's CLI writes them.
    let parsed = <Gbdt as ironlearn_core::Params>::from_strs(&[("interaction_constraints", "[0,1,2],[2,3]")]).unwrap();
    assert_eq!(parsed.interaction_constraints, vec![vec![0, 1, 2], vec![2, 3]]);
}
