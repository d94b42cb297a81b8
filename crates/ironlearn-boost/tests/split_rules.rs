//! LightGBM's optional split rules through training: the monotone methods,
//! monotone_penalty, feature_contri and cost-effective gradient boosting.

use ironlearn_boost::tree::Tree;
use ironlearn_boost::{train, Dataset, Gbdt, GbdtModel, Importance};
use ironlearn_core::{Features, FitContext, ModelFile, Rng, Target};
use ndarray::Array2;

fn fit(p: &Gbdt, x: &Array2<f64>, y: &Target) -> GbdtModel {
    train(p, &Dataset::supervised(Features::Dense(x.view()), y), &mut FitContext::default()).unwrap()
}

fn fail(p: &Gbdt, x: &Array2<f64>, y: &Target) -> String {
    train(p, &Dataset::supervised(Features::Dense(x.view()), y), &mut FitContext::default()).unwrap_err().to_string()
}

fn file(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

fn assert_thread_independent(p: &Gbdt, x: &Array2<f64>, y: &Target) -> GbdtModel {
    let models: Vec<GbdtModel> = [1, 2, 4].iter().map(|&t| fit(&Gbdt { num_threads: t, ..p.clone() }, x, y)).collect();
    assert!(models.windows(2).all(|w| file(&w[0]) == file(&w[1])), "models differ between thread counts");
    models.into_iter().next().unwrap()
}

fn mse(m: &GbdtModel, x: &Array2<f64>, y: &Target) -> f64 {
    let Target::Values(y) = y else { unreachable!() };
    let p = m.predict_values(x.view()).unwrap();
    p.iter().zip(y).map(|(p, t)| (p - t).powi(2)).sum::<f64>() / y.len() as f64
}

/// Increasing in x0, decreasing in x1, wiggly in both, with an interaction and missing values.
fn monotone_data(n: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let mut x = Array2::from_shape_fn((n, 4), |_| rng.uniform());
    let y = (0..n)
        .map(|i| {
            let r = x.row(i);
            8.0 * r[0] + (9.0 * r[0]).sin() - 6.0 * r[1] - (7.0 * r[1]).cos() + 4.0 * r[2] * r[3] + 0.1 * rng.normal()
        })
        .collect();
    for i in 0..n {
        for j in 0..4 {
            if rng.uniform() < 0.05 {
                x[[i, j]] = f64::NAN;
            }
        }
    }
    (x, Target::Values(y))
}

/// The largest drop of the predictions along feature `f` (times its direction) over a grid, from
/// many starting points, some with missing values in the other features.
fn worst_violation(m: &GbdtModel, f: usize, direction: f64, seed: u64) -> f64 {
    let mut rng = Rng::new(seed);
    let grid: Vec<f64> = (0..200).map(|i| -0.1 + 1.2 * i as f64 / 199.0).collect();
    let mut worst = 0.0f64;
    for _ in 0..60 {
        let base: Vec<f64> = (0..4).map(|_| if rng.uniform() < 0.2 { f64::NAN } else { rng.uniform() }).collect();
        let z = Array2::from_shape_fn((grid.len(), 4), |(i, j)| if j == f { grid[i] } else { base[j] });
        let p = m.predict_values(z.view()).unwrap();
        for w in p.as_slice().unwrap().windows(2) {
            worst = worst.max(direction * (w[0] - w[1]));
        }
    }
    worst
}

#[test]
fn every_monotone_method_keeps_its_constraints_and_the_finer_ones_fit_better() {
    // With these data LightGBM's rule for skipping leaves across splits on the same feature
    // (blind to splits that part missing values) breaks "advanced" constraints.
    let (x, y) = monotone_data(1500, 0);
    let p = Gbdt {
        n_estimators: 40,
        num_leaves: 31,
        min_data_in_leaf: 10,
        monotone_constraints: vec![1, -1, 0, 0],
        ..Default::default()
    };
    let mut errors = Vec::new();
    for method in ["basic", "intermediate", "advanced"] {
        let p = Gbdt { monotone_constraints_method: method.into(), ..p.clone() };
        let m = assert_thread_independent(&p, &x, &y);
        assert_eq!(worst_violation(&m, 0, 1.0, 3), 0.0, "{method}: x0 must not decrease");
        assert_eq!(worst_violation(&m, 1, -1.0, 4), 0.0, "{method}: x1 must not increase");
        errors.push(mse(&m, &x, &y));
    }
    // The paper's (and LightGBM's) point: the less the bounds over-constrain, the better the fit.
    assert!(errors[1] < errors[0] && errors[2] < errors[0], "{errors:?}");
    // Without the constraint the fit is better still, and not monotone.
    let free = fit(&Gbdt { monotone_constraints: vec![], ..p }, &x, &y);
    assert!(worst_violation(&free, 0, 1.0, 3) > 0.0);
}

#[test]
fn intermediate_and_advanced_fall_back_to_basic_with_per_node_sampling() {
    let (x, y) = monotone_data(1000, 5);
    let p = Gbdt {
        n_estimators: 5,
        monotone_constraints: vec![1, -1, 0, 0],
        feature_fraction_bynode: 0.5,
        ..Default::default()
    };
    let basic = fit(&p, &x, &y);
    for method in ["intermediate", "advanced"] {
        let m = fit(&Gbdt { monotone_constraints_method: method.into(), ..p.clone() }, &x, &y);
        assert_eq!(m.trees(), basic.trees(), "{method}");
    }
    let e = fail(&Gbdt { monotone_constraints_method: "precise".into(), ..p.clone() }, &x, &y);
    assert!(e.contains("monotone_constraints_method"), "{e}");
    // Categories have no order to follow (LightGBM's error).
    let cat = Gbdt { categorical_feature: vec!["0".into()], feature_fraction_bynode: 1.0, ..p };
    let x = x.mapv(|v| if v.is_nan() { v } else { (v * 5.0).floor() });
    let e = fail(&cat, &x, &y);
    assert!(e.contains("monotone_constraints") && e.contains("feature 0") && e.contains("categorical"), "{e}");
}

/// The depth of every split node whose feature is in `on`.
fn split_depths(t: &Tree, on: &[u32]) -> Vec<usize> {
    fn walk(t: &Tree, node: i32, depth: usize, on: &[u32], out: &mut Vec<usize>) {
        if node < 0 {
            return;
        }
        let n = node as usize;
        if on.contains(&t.split_feature[n]) {
            out.push(depth);
        }
        walk(t, t.left_child[n], depth + 1, on, out);
        walk(t, t.right_child[n], depth + 1, on, out);
    }
    let mut out = Vec::new();
    if t.num_splits() > 0 {
        walk(t, 0, 0, on, &mut out);
    }
    out
}

#[test]
fn the_monotone_penalty_keeps_monotone_splits_off_the_first_levels() {
    let (x, y) = monotone_data(3000, 12);
    let p = Gbdt { n_estimators: 10, max_depth: 5, monotone_constraints: vec![1, -1, 0, 0], ..Default::default() };
    for method in ["basic", "intermediate", "advanced"] {
        let m = fit(&Gbdt { monotone_penalty: 2.0, monotone_constraints_method: method.into(), ..p.clone() }, &x, &y);
        let depths: Vec<usize> = m.trees().iter().flat_map(|t| split_depths(t, &[0, 1])).collect();
        assert!(!depths.is_empty() && depths.iter().all(|&d| d >= 2), "{method}: {depths:?}");
    }
    // As deep as the trees, where the other features always have a split: the same model as
    // without the monotone features (LightGBM's test_monotone_penalty_max).
    let mut rng = Rng::new(16);
    let x = Array2::from_shape_fn((3000, 4), |_| rng.uniform());
    let y = Target::Values(
        (0..3000)
            .map(|i| 3.0 * x[[i, 0]] - 2.0 * x[[i, 1]] + 10.0 * (6.0 * x[[i, 2]]).sin() + 5.0 * x[[i, 3]])
            .collect(),
    );
    for method in ["basic", "intermediate", "advanced"] {
        let m = fit(&Gbdt { monotone_penalty: 5.0, monotone_constraints_method: method.into(), ..p.clone() }, &x, &y);
        let others = x.slice(ndarray::s![.., 2..]).to_owned();
        let without = fit(&Gbdt { n_estimators: 10, max_depth: 5, ..Default::default() }, &others, &y);
        assert_eq!(m.predict_values(x.view()).unwrap(), without.predict_values(others.view()).unwrap(), "{method}");
    }
    let e = fail(&Gbdt { monotone_penalty: -1.0, ..p }, &x, &y);
    assert!(e.contains("monotone_penalty"), "{e}");
}

#[test]
fn feature_contri_scales_the_gain_of_each_features_splits() {
    let (x, y) = monotone_data(2000, 13);
    let p = Gbdt { n_estimators: 20, ..Default::default() };
    let base = fit(&p, &x, &y).feature_importance(Importance::Split, None);
    let m = fit(&Gbdt { feature_contri: vec![1.0, 0.0, 1.0, 1.0], ..p.clone() }, &x, &y);
    let imp = m.feature_importance(Importance::Split, None);
    assert_eq!(imp[1], 0.0, "a factor of 0 leaves no gain");
    assert!(base[1] > 0.0);
    let halved = fit(&Gbdt { feature_contri: vec![0.3, 1.0, 1.0, 1.0], ..p.clone() }, &x, &y);
    assert!(halved.feature_importance(Importance::Split, None)[0] < base[0]);
    // All factors 1: the same trees.
    assert_eq!(fit(&Gbdt { feature_contri: vec![1.0; 4], ..p.clone() }, &x, &y).trees(), fit(&p, &x, &y).trees());
    let e = fail(&Gbdt { feature_contri: vec![1.0; 3], ..p }, &x, &y);
    assert!(e.contains("feature_contri") && e.contains("3 values for 4 features"), "{e}");
}

#[test]
fn cegb_costs_make_models_use_fewer_splits_and_features() {
    let mut rng = Rng::new(14);
    let x = Array2::from_shape_fn((2000, 8), |_| rng.normal());
    let y =
        Target::Values((0..2000).map(|i| x.row(i).iter().enumerate().map(|(j, v)| v / (j + 1) as f64).sum()).collect());
    let p = Gbdt { n_estimators: 20, num_leaves: 15, ..Default::default() };
    let used = |m: &GbdtModel| m.feature_importance(Importance::Split, None).iter().filter(|&&v| v > 0.0).count();
    let splits = |m: &GbdtModel| m.trees().iter().map(Tree::num_splits).sum::<usize>();
    let base = fit(&p, &x, &y);
    let coupled = assert_thread_independent(&Gbdt { cegb_penalty_feature_coupled: vec![50.0; 8], ..p.clone() }, &x, &y);
    assert!(used(&coupled) < used(&base), "{} {}", used(&coupled), used(&base));
    let split = fit(&Gbdt { cegb_penalty_split: 0.05, ..p.clone() }, &x, &y);
    assert!(splits(&split) < splits(&base));
    let lazy = fit(&Gbdt { cegb_penalty_feature_lazy: vec![0.5; 8], ..p.clone() }, &x, &y);
    assert!(used(&lazy) < used(&base) || splits(&lazy) < splits(&base));
    // The trade-off scales every cost: half the costs at twice the trade-off, the same model.
    let a = fit(&Gbdt { cegb_penalty_split: 0.05, cegb_penalty_feature_coupled: vec![4.0; 8], ..p.clone() }, &x, &y);
    let b = fit(
        &Gbdt {
            cegb_penalty_split: 0.025,
            cegb_penalty_feature_coupled: vec![2.0; 8],
            cegb_tradeoff: 2.0,
            ..p.clone()
        },
        &x,
        &y,
    );
    assert_eq!(a.trees(), b.trees());
    let e = fail(&Gbdt { cegb_penalty_feature_lazy: vec![1.0; 3], ..p }, &x, &y);
    assert!(e.contains("cegb_penalty_feature_lazy"), "{e}");
}

#[test]
fn cegb_trees_of_a_multiclass_round_grow_in_class_order_whatever_the_threads() {
    let mut rng = Rng::new(15);
    let x = Array2::from_shape_fn((600, 5), |_| rng.normal());
    let y = Target::Values(
        (0..600).map(|i| ((x[[i, 0]] + x[[i, 1]]).signum() + 1.0 + f64::from(x[[i, 2]] > 1.0)).min(2.0)).collect(),
    );
    let p = Gbdt {
        objective: "multiclass".into(),
        num_class: 3,
        n_estimators: 5,
        cegb_penalty_feature_coupled: vec![5.0; 5],
        cegb_penalty_feature_lazy: vec![0.01; 5],
        ..Default::default()
    };
    assert_thread_independent(&p, &x, &y);
}
