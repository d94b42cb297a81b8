//! DART end to end: the trainer's scores follow the trees it rescales, the
//! model predicts them, and a run without drops is plain boosting.

use ironlearn_boost::{train, Dataset, Gbdt, GbdtModel, Trainer};
use ironlearn_core::{Features, FitContext, Labels, ModelFile, Rng, Target};
use ndarray::Array2;

fn regression(n: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((n, 4), |_| rng.normal());
    let y = x.rows().into_iter().map(|r| 3.0 * r[0] - 2.0 * r[1] * r[1] + r[2] + 0.1 * rng.normal()).collect();
    (x, Target::Values(y))
}

fn three_classes(n: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((n, 4), |_| rng.normal());
    let codes = x
        .rows()
        .into_iter()
        .map(|r| {
            if r[0] + 0.5 * r[1] < -0.4 {
                0
            } else if r[2] < 0.3 {
                1
            } else {
                2
            }
        })
        .collect();
    (x, Target::Labels(Labels::new(vec!["a".into(), "b".into(), "c".into()], codes).unwrap()))
}

fn dart(f: impl FnOnce(&mut Gbdt)) -> Gbdt {
    let mut p =
        Gbdt { boosting: "dart".into(), n_estimators: 20, min_data_in_leaf: 5, skip_drop: 0.0, ..Default::default() };
    f(&mut p);
    p
}

fn file(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

/// The trainer's scores (output-major) against the model's prediction of `x`.
fn assert_scores_are_predictions(scores: &[f64], model: &GbdtModel, x: &Array2<f64>, what: &str) {
    let p = model.predict_raw(Features::Dense(x.view()), None).unwrap();
    let n = x.nrows();
    for c in 0..model.num_outputs() {
        for i in 0..n {
            let (a, b) = (scores[c * n + i], p[[i, c]]);
            assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{what}: output {c} row {i}: score {a}, prediction {b}");
        }
    }
}

#[test]
fn scores_follow_the_rescaled_trees() {
    let (x, y) = three_classes(1500, 1);
    let (xv, yv) = three_classes(500, 2);
    let params = dart(|p| p.drop_rate = 0.5);
    let valid = [("valid".to_string(), Dataset::supervised(Features::Dense(xv.view()), &yv))];
    let mut t = Trainer::new(&params, &Dataset::supervised(Features::Dense(x.view()), &y), &valid, None, None).unwrap();
    let mut first_leaves = None;
    for round in 0..15 {
        assert!(t.step(None).unwrap().grown);
        if round == 0 {
            first_leaves = Some(t.model().trees()[0].leaf_value.clone());
        }
        assert_scores_are_predictions(t.scores(None).unwrap(), t.model(), &x, &format!("training, round {round}"));
        assert_scores_are_predictions(t.scores(Some(0)).unwrap(), t.model(), &xv, &format!("valid, round {round}"));
    }
    // The first round's trees were dropped and scaled down since.
    assert_ne!(t.model().trees()[0].leaf_value, first_leaves.unwrap());
    // Rolling back keeps the scores those of the model.
    t.rollback().unwrap();
    t.step(None).unwrap();
    assert_scores_are_predictions(t.scores(None).unwrap(), t.model(), &x, "training after a rollback");
    assert_scores_are_predictions(t.scores(Some(0)).unwrap(), t.model(), &xv, "valid after a rollback");
}

#[test]
fn without_drops_dart_is_plain_boosting() {
    let (x, y) = regression(1000, 3);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let never = train(&dart(|p| p.skip_drop = 1.0), &data, &mut FitContext::default()).unwrap();
    let gbdt = train(&Gbdt { boosting: "gbdt".into(), ..dart(|_| ()) }, &data, &mut FitContext::default()).unwrap();
    let (a, b) = (
        never.predict_raw(Features::Dense(x.view()), None).unwrap(),
        gbdt.predict_raw(Features::Dense(x.view()), None).unwrap(),
    );
    assert_eq!(a, b);
    // With drops the model is another one.
    let dropped = train(&dart(|_| ()), &data, &mut FitContext::default()).unwrap();
    assert_ne!(dropped.predict_raw(Features::Dense(x.view()), None).unwrap(), b);
}

#[test]
fn continued_training_never_drops_the_initial_models_trees() {
    let (x, y) = regression(1000, 4);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let init = train(&dart(|p| p.n_estimators = 5), &data, &mut FitContext::default()).unwrap();
    let mut t = Trainer::new(&dart(|p| p.drop_rate = 1.0), &data, &[], Some(&init), None).unwrap();
    for _ in 0..10 {
        t.step(None).unwrap();
    }
    assert_eq!(t.model().trees().len(), 15);
    assert_eq!(&t.model().trees()[..5], init.trees());
    assert_scores_are_predictions(t.scores(None).unwrap(), t.model(), &x, "continued training");
}

#[test]
fn the_model_does_not_depend_on_the_thread_count() {
    let (x, y) = three_classes(3000, 5);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let files: Vec<Vec<u8>> = [1, 3]
        .iter()
        .map(|&n| file(&train(&dart(|p| p.num_threads = n), &data, &mut FitContext::default()).unwrap()))
        .collect();
    assert_eq!(files[0], files[1]);
    // drop_seed chooses the drops.
    let other = train(&dart(|p| p.drop_seed = 9), &data, &mut FitContext::default()).unwrap();
    assert_ne!(file(&other), files[0]);
}

#[test]
fn early_stopping_is_refused() {
    let (x, y) = regression(200, 6);
    let err = train(
        &dart(|p| p.early_stopping_round = 3),
        &Dataset::supervised(Features::Dense(x.view()), &y),
        &mut FitContext::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("early stopping is not available with boosting 'dart'"), "{err}");
}
