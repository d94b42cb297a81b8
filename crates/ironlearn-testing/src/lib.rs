//! The conformance suite every ironlearn estimator passes.
//!
//! scikit-learn's `check_estimator` gives every estimator the same
//! examination; this is ours, run over every entry of the registry: output
//! shapes, determinism (a byte-identical model file from the same seed),
//! a save/load round trip with identical predictions, clear errors on NaN,
//! infinity, the wrong feature count, empty input and a single-class target,
//! and all-ones sample weights equal to no weights where weights are supported.

use ironlearn_core::{Error, Estimator, Features, Labels, Model, ModelFile, Prediction, Rng, Target, Task};
use ironlearn_pipeline::Entry;
use ndarray::Array2;

/// A deterministic data set for `task`: features and a target that depends on them.
pub fn dataset(task: Task, n: usize, p: usize, seed: u64) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.normal());
    let signal: Vec<f64> = x
        .rows()
        .into_iter()
        .map(|r| r.iter().enumerate().map(|(j, v)| v * (j as f64 + 1.0) / p as f64).sum())
        .collect();
    let y = match task {
        Task::Classification => {
            let codes = signal
                .iter()
                .map(|s| {
                    if *s < -0.3 {
                        0
                    } else if *s < 0.3 {
                        1
                    } else {
                        2
                    }
                })
                .collect();
            Target::Labels(Labels::new(vec!["a".into(), "b".into(), "c".into()], codes).expect("codes below 3"))
        }
        _ => Target::Values(signal.iter().map(|s| 3.0 * s + 0.1 * rng.normal()).collect()),
    };
    (x, y)
}

/// The model file bytes with a fixed creation time, for byte comparisons.
pub fn file_bytes(model: &dyn Model) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).expect("a fitted model has parts");
    f.header.created = "2000-01-01T00:00:00Z".into();
    f.to_bytes().expect("a fitted model serializes")
}

fn predictions(model: &dyn Model, x: Features<'_>) -> Result<Vec<f64>, Error> {
    Ok(match model.task() {
        Task::Transform => model.transform_data(x)?.into_dense()?.iter().copied().collect(),
        _ => match model.predict_data(x)? {
            Prediction::Values(v) => v.to_vec(),
            Prediction::Labels(l) => l.codes().iter().map(|&c| f64::from(c)).collect(),
        },
    })
}

/// One conformance failure: which check, and what happened.
#[derive(Debug)]
pub struct Failure {
    pub estimator: String,
    pub check: &'static str,
    pub message: String,
}

/// Runs every check on the registered estimator; returns the failures.
pub fn check_entry(entry: &Entry) -> Vec<Failure> {
    let est = (entry.build)(&Default::default()).expect("defaults are valid");
    let task = est.task().unwrap_or(Task::Regression);
    let mut failures = Vec::new();
    let mut fail =
        |check: &'static str, message: String| failures.push(Failure { estimator: entry.name.into(), check, message });
    let (x, y) = dataset(task, 120, 5, 7);
    let y_opt = (task != Task::Transform).then_some(&y);
    let fit = |e: &dyn Estimator, x: &Array2<f64>, w: Option<&[f64]>| e.fit_data(Features::Dense(x.view()), y_opt, w);

    // Shapes.
    let model = match fit(est.as_ref(), &x, None) {
        Ok(m) => m,
        Err(e) => {
            fail("fit", format!("fitting on clean data failed: {e}"));
            return failures;
        }
    };
    if model.n_features_in() != 5 {
        fail("shapes", format!("n_features_in is {}, expected 5", model.n_features_in()));
    }
    match task {
        Task::Transform => match model.transform_data(Features::Dense(x.view())) {
            Ok(d) if d.view().n_rows() == 120 => {}
            Ok(d) => fail("shapes", format!("transform returned {} rows for 120", d.view().n_rows())),
            Err(e) => fail("shapes", format!("transform failed: {e}")),
        },
        _ => match predictions(model.as_ref(), Features::Dense(x.view())) {
            Ok(p) if p.len() == 120 => {}
            Ok(p) => fail("shapes", format!("predict returned {} values for 120 rows", p.len())),
            Err(e) => fail("shapes", format!("predict failed: {e}")),
        },
    }
    if task == Task::Classification {
        match model.predict_proba_data(Features::Dense(x.view())) {
            Ok(p) if p.dim() == (120, 3) && p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9) => {}
            Ok(p) => fail("shapes", format!("predict_proba has shape {:?} or rows not summing to 1", p.dim())),
            Err(e) => fail("shapes", format!("predict_proba failed: {e}")),
        }
    }

    // Determinism: the same data and parameters give the same file.
    match fit(est.as_ref(), &x, None) {
        Ok(again) if file_bytes(again.as_ref()) == file_bytes(model.as_ref()) => {}
        Ok(_) => fail("determinism", "two fits on the same data gave different model files".into()),
        Err(e) => fail("determinism", e.to_string()),
    }

    // Save, load, predict the same.
    let bytes = file_bytes(model.as_ref());
    match ironlearn_pipeline::load_bytes(&bytes) {
        Ok(loaded) => {
            let a = predictions(model.as_ref(), Features::Dense(x.view())).unwrap_or_default();
            let b = predictions(loaded.model.as_ref(), Features::Dense(x.view())).unwrap_or_default();
            if a != b || a.is_empty() {
                fail("round trip", "the reloaded model predicts differently".into());
            }
            if file_bytes(loaded.model.as_ref()) != bytes {
                fail("round trip", "saving the reloaded model gives a different file".into());
            }
        }
        Err(e) => fail("round trip", format!("loading failed: {e}")),
    }

    // Bad input: NaN, infinity, wrong width, no rows, one class.
    let mut with_nan = x.clone();
    with_nan[[3, 2]] = f64::NAN;
    match fit(est.as_ref(), &with_nan, None) {
        Ok(_) if entry.native_categorical || task == Task::Transform => {}
        Ok(_) => fail("nan", "fitting on NaN succeeded without handling it".into()),
        Err(e) if !e.to_string().contains("NaN") => fail("nan", format!("the error does not mention NaN: {e}")),
        Err(_) => {}
    }
    let mut with_inf = x.clone();
    with_inf[[5, 1]] = f64::INFINITY;
    match fit(est.as_ref(), &with_inf, None) {
        Ok(_) => fail("inf", "fitting on infinity succeeded".into()),
        Err(e) if !e.to_string().contains("inf") => fail("inf", format!("the error does not mention infinity: {e}")),
        Err(_) => {}
    }
    let narrow = x.slice(ndarray::s![.., ..4]).to_owned();
    let narrow_result = match task {
        Task::Transform => model.transform_data(Features::Dense(narrow.view())).map(|_| ()),
        _ => model.predict_data(Features::Dense(narrow.view())).map(|_| ()),
    };
    match narrow_result {
        Ok(()) => fail("feature count", "predicting with 4 features instead of 5 succeeded".into()),
        Err(e) if !e.to_string().contains("features") => {
            fail("feature count", format!("the error does not name the feature count: {e}"))
        }
        Err(_) => {}
    }
    let empty = Array2::<f64>::zeros((0, 5));
    let y_empty = match &y {
        Target::Values(_) => Target::Values(vec![]),
        Target::Labels(l) => Target::Labels(l.take(&[])),
    };
    let y_empty_opt = (task != Task::Transform).then_some(&y_empty);
    if est.fit_data(Features::Dense(empty.view()), y_empty_opt, None).is_ok() {
        fail("empty", "fitting on zero rows succeeded".into());
    }
    if task == Task::Classification {
        let one = Target::Labels(Labels::new(vec!["a".into()], vec![0; 120]).expect("one class"));
        match est.fit_data(Features::Dense(x.view()), Some(&one), None) {
            Ok(_) => fail("one class", "a classifier fitted a single-class target".into()),
            Err(e) if !e.to_string().contains("class") => {
                fail("one class", format!("the error does not mention classes: {e}"))
            }
            Err(_) => {}
        }
    }

    // Sample weights: all ones equal none, or a clear refusal.
    let ones = vec![1.0; 120];
    match fit(est.as_ref(), &x, Some(&ones)) {
        Ok(weighted) => {
            let a = predictions(model.as_ref(), Features::Dense(x.view())).unwrap_or_default();
            let b = predictions(weighted.as_ref(), Features::Dense(x.view())).unwrap_or_default();
            let close = a.len() == b.len() && a.iter().zip(&b).all(|(p, q)| (p - q).abs() <= 1e-9 * (1.0 + p.abs()));
            if !close {
                fail("sample weights", "all-ones weights changed the predictions".into());
            }
        }
        Err(Error::Unsupported(_)) => {}
        Err(e) => fail("sample weights", format!("weights were refused with an unclear error: {e}")),
    }
    failures
}
