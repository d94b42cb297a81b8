//! Row sampling end to end: GOSS (and `boosting = "goss"`, the same), and bagging by query.

use ironlearn_boost::{train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Features, FitContext, ModelFile, Rng, Target, TrainData};
use ndarray::Array2;

fn regression(n: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((n, 5), |_| rng.normal());
    let y = x.rows().into_iter().map(|r| 2.0 * r[0] + r[1] * r[2] - r[3].abs() + 0.2 * rng.normal()).collect();
    (x, Target::Values(y))
}

fn file(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

fn fit(p: &Gbdt, data: &TrainData<'_>) -> ironlearn_core::Result<GbdtModel> {
    train(p, data, &mut FitContext::default())
}

fn goss(f: impl FnOnce(&mut Gbdt)) -> Gbdt {
    let mut p = Gbdt {
        data_sample_strategy: "goss".into(),
        learning_rate: 0.25,
        n_estimators: 12,
        min_data_in_leaf: 5,
        ..Default::default()
    };
    f(&mut p);
    p
}

#[test]
fn goss_boosting_is_gbdt_with_goss_sampling() {
    let (x, y) = regression(5000, 1);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let strategy = fit(&goss(|_| ()), &data).unwrap();
    let boosting =
        fit(&goss(|p| (p.boosting, p.data_sample_strategy) = ("goss".into(), "bagging".into())), &data).unwrap();
    assert_eq!(file(&strategy), file(&boosting));
    // Its first 1 / learning_rate = 4 rounds see every row: plain boosting.
    let first = fit(&goss(|p| p.n_estimators = 4), &data).unwrap();
    let gbdt = fit(&goss(|p| (p.n_estimators, p.data_sample_strategy) = (4, "bagging".into())), &data).unwrap();
    assert_eq!(first.trees(), gbdt.trees());
    // Later ones sample, and still learn.
    let all = fit(&goss(|p| p.data_sample_strategy = "bagging".into()), &data).unwrap();
    assert_ne!(strategy.trees(), all.trees());
    let mse = |m: &GbdtModel| {
        let p = m.predict_raw(Features::Dense(x.view()), None).unwrap();
        let Target::Values(y) = &y else { unreachable!() };
        p.column(0).iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len() as f64
    };
    assert!(mse(&strategy) < 1.2 * mse(&all), "GOSS {} against all rows {}", mse(&strategy), mse(&all));
}

#[test]
fn goss_does_not_depend_on_the_thread_count() {
    let (x, y) = regression(40_000, 2);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let one = fit(&goss(|p| p.num_threads = 1), &data).unwrap();
    let four = fit(&goss(|p| p.num_threads = 4), &data).unwrap();
    assert_eq!(file(&one), file(&four));
}

#[test]
fn goss_settings_are_checked_as_lightgbm_checks_them() {
    let (x, y) = regression(300, 3);
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let err = fit(&goss(|p| (p.bagging_fraction, p.bagging_freq) = (0.5, 1)), &data).unwrap_err();
    assert!(err.to_string().contains("Cannot use bagging in GOSS"), "{err}");
    let err = fit(&goss(|p| (p.top_rate, p.other_rate) = (0.7, 0.5)), &data).unwrap_err();
    assert!(err.to_string().contains("other_rate") && err.to_string().contains("<= 1"), "{err}");
    let err = fit(&goss(|p| p.top_rate = 0.0), &data).unwrap_err();
    assert!(err.to_string().contains("top_rate"), "{err}");
    // A random forest may sample with GOSS instead of bagging.
    assert!(fit(&goss(|p| p.boosting = "rf".into()), &data).is_ok());
}

#[test]
fn bagging_by_query_takes_whole_queries() {
    let (x, y) = regression(3000, 4);
    let group = vec![30; 100];
    let bagged = |by_query: bool, threads: usize| Gbdt {
        bagging_by_query: by_query,
        bagging_fraction: 0.3,
        bagging_freq: 1,
        n_estimators: 8,
        num_threads: threads,
        min_data_in_leaf: 5,
        ..Default::default()
    };
    let with_groups = TrainData { group: Some(&group), ..Dataset::supervised(Features::Dense(x.view()), &y) };
    let by_query = fit(&bagged(true, 1), &with_groups).unwrap();
    assert_eq!(file(&by_query), file(&fit(&bagged(true, 3), &with_groups).unwrap()));
    let by_row = fit(&bagged(false, 1), &with_groups).unwrap();
    assert_ne!(by_query.trees(), by_row.trees());
    // The first tree's leaves count whole queries: every count is a multiple of 30.
    let counts: Vec<f64> = by_query.trees()[0].leaf_count.clone();
    let total: f64 = counts.iter().sum();
    assert!(total % 30.0 == 0.0 && total > 0.0 && total < 3000.0, "{counts:?}");
    // Without queries there is nothing to draw.
    let err = fit(&bagged(true, 1), &Dataset::supervised(Features::Dense(x.view()), &y)).unwrap_err();
    assert!(err.to_string().contains("bagging_by_query") && err.to_string().contains("group"), "{err}");
}
