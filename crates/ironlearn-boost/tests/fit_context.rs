//! The booster through the shared fit path: validation sets, callbacks,
//! cancellation, a time budget and an initial model, the same through the
//! type-erased `Estimator` as through `train`.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ironlearn_boost::{train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Estimator, Features, FitContext, ModelFile, Params, Progress, Rng, Stop, Target, TrainData};
use ndarray::Array2;

fn data() -> (Array2<f64>, Target, Array2<f64>, Target) {
    let mut rng = Rng::new(9);
    let x = Array2::from_shape_fn((3_000, 4), |_| rng.normal());
    let y: Vec<f64> = x.rows().into_iter().map(|r| r[0] - 2.0 * r[1] * r[2] + rng.normal()).collect();
    let (tr, va) = (x.slice(ndarray::s![..2400, ..]).to_owned(), x.slice(ndarray::s![2400.., ..]).to_owned());
    (tr, Target::Values(y[..2400].to_vec()), va, Target::Values(y[2400..].to_vec()))
}

fn arrays(model: &dyn ironlearn_core::Model) -> ironlearn_core::Arrays {
    ModelFile::from_model(model).unwrap().arrays
}

#[test]
fn validation_sets_and_callbacks_through_the_erased_estimator_match_train() {
    let (x, y, vx, vy) = data();
    let params = Gbdt { n_estimators: 200, learning_rate: 0.2, early_stopping_round: 5, ..Default::default() };
    let direct = {
        let valid = vec![("valid".to_string(), Dataset::supervised(Features::Dense(vx.view()), &vy))];
        train(
            &params,
            &Dataset::supervised(Features::Dense(x.view()), &y),
            &mut FitContext { valid, ..Default::default() },
        )
        .unwrap()
    };
    let estimator: Box<dyn Estimator> = Box::new(Gbdt::from_json(params.to_json().as_object().unwrap()).unwrap());
    let mut seen: Vec<(usize, f64)> = Vec::new();
    let mut cb = |p: &Progress<'_>| {
        assert_eq!(p.total, Some(200));
        seen.push((p.iteration, p.evals[0].2));
        ControlFlow::Continue(())
    };
    let mut ctx = FitContext {
        valid: vec![("valid".to_string(), TrainData::supervised(Features::Dense(vx.view()), &vy))],
        callback: Some(&mut cb),
        ..Default::default()
    };
    let erased = estimator.fit_with(&TrainData::supervised(Features::Dense(x.view()), &y), &mut ctx).unwrap();
    drop(ctx);
    assert_eq!(arrays(erased.as_ref()), arrays(&direct), "the erased path trained other trees");
    // The callback saw every round with the validation metric the model recorded.
    assert_eq!(seen.len(), direct.num_iterations());
    let recorded = &direct.evals()[0].values;
    assert!(seen.iter().all(|(i, v)| recorded[*i] == *v));
    assert!(direct.best_iteration().is_some() && direct.num_iterations() < 200);
}

#[test]
fn the_callback_cancellation_and_the_time_budget_stop_training() {
    let (x, y, _, _) = data();
    let params = Gbdt { n_estimators: 50, ..Default::default() };
    let data = TrainData::supervised(Features::Dense(x.view()), &y);
    // The callback stops after round 3 (0-based 2).
    let mut cb = |p: &Progress<'_>| if p.iteration == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) };
    let mut ctx = FitContext { callback: Some(&mut cb), ..Default::default() };
    let m = train(&params, &data, &mut ctx).unwrap();
    assert_eq!((m.num_iterations(), ctx.stopped), (3, Some(Stop::Callback)));
    // A raised flag stops at the end of the first round.
    let flag = AtomicBool::new(true);
    let mut ctx = FitContext { cancel: Some(&flag), ..Default::default() };
    let m = train(&params, &data, &mut ctx).unwrap();
    assert_eq!((m.num_iterations(), ctx.stopped), (1, Some(Stop::Cancelled)));
    flag.store(false, Ordering::Relaxed);
    // A spent budget stops after one round; the model so far is kept and predicts.
    let mut ctx = FitContext::with_time_budget(Duration::ZERO);
    let m = train(&params, &data, &mut ctx).unwrap();
    assert_eq!((m.num_iterations(), ctx.stopped), (1, Some(Stop::TimeBudget)));
    assert_eq!(m.predict_raw(Features::Dense(x.view()), None).unwrap().nrows(), 2400);
}

#[test]
fn an_initial_model_continues_through_the_context_and_a_foreign_one_is_refused() {
    let (x, y, _, _) = data();
    let data = TrainData::supervised(Features::Dense(x.view()), &y);
    let first = train(&Gbdt { n_estimators: 10, ..Default::default() }, &data, &mut FitContext::default()).unwrap();
    let mut ctx = FitContext { init_model: Some(&first), ..Default::default() };
    let more: GbdtModel = train(&Gbdt { n_estimators: 5, ..Default::default() }, &data, &mut ctx).unwrap();
    assert_eq!(more.num_iterations(), 15);
    let ridge = ironlearn_learn::Ridge::default().fit_data(Features::Dense(x.view()), Some(&y), None).unwrap();
    let mut ctx = FitContext { init_model: Some(ridge.as_ref()), ..Default::default() };
    let err = train(&Gbdt::default(), &data, &mut ctx).unwrap_err().to_string();
    assert!(err.contains("init_model is a 'ridge' model"), "{err}");
}
