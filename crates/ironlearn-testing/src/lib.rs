//! The conformance suite every ironlearn estimator passes.
//!
//! scikit-learn's `check_estimator` gives every estimator the same
//! examination; this is ours, run over every entry of the registry: output
//! shapes, determinism (a byte-identical model file from the same seed),
//! a save/load round trip with identical predictions, clear errors on NaN,
//! infinity, the wrong feature count, empty input and a single-class target,
//! all-ones sample weights equal to no weights where weights are supported,
//! an error naming the parameter for a value outside every parameter's
//! declared domain, a model that beats a constant on learnable data, the
//! same predictions from a table as from a matrix, and cluster labels in
//! range. An estimator whose task the target decides (the booster) is
//! examined as a regressor, a classifier and a ranker.

use ironlearn_core::{
    Error, Estimator, Features, FitContext, Labels, Model, ModelFile, Prediction, Rng, Table, Target, Task, TrainData,
};
use ironlearn_pipeline::Entry;
use ndarray::Array2;
use serde_json::{Map, Value};

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
        Task::Ranking => Target::Values(signal.iter().map(|s| ((s + 1.0).clamp(0.0, 2.99)).floor()).collect()),
        _ => Target::Values(signal.iter().map(|s| 3.0 * s + 0.1 * rng.normal()).collect()),
    };
    (x, y)
}

/// Query groups of 10 rows, for rankers.
fn groups(n: usize) -> Vec<usize> {
    let mut g = vec![10; n / 10];
    if !n.is_multiple_of(10) {
        g.push(n % 10);
    }
    g
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
        Task::Neighbors => {
            let (d, i) = model.kneighbors_data(Some(x), None)?;
            d.iter().copied().chain(i.iter().map(|&i| i as f64)).collect()
        }
        _ => model.predict_data(x)?.to_matrix().iter().copied().collect(),
    })
}

/// The estimators to examine for `entry`, each with the task it is examined in.
fn variants(entry: &Entry) -> Vec<(Box<dyn Estimator>, Task)> {
    let build = |params: Value| {
        let Value::Object(m) = params else { unreachable!("an object") };
        (entry.build)(&m).expect("defaults are valid")
    };
    match entry.tags.task {
        Some(t) => vec![(build(Value::Object(entry.example())), t)],
        // The target decides the task: the same parameters learn a regression and a classification.
        None => {
            let example = || Value::Object(entry.example());
            let mut v = vec![(build(example()), Task::Regression), (build(example()), Task::Classification)];
            let ranks =
                (entry.specs)().iter().any(|s| s.name == "objective" && s.domain.contains(&"lambdarank".into()));
            if ranks {
                v.push((build(serde_json::json!({"objective": "lambdarank"})), Task::Ranking));
            }
            v
        }
    }
}

/// Runs every check on the registered estimator, in every task it supports; returns the failures.
pub fn check_entry(entry: &Entry) -> Vec<Failure> {
    let mut failures = check_params(entry);
    for (est, task) in variants(entry) {
        failures.extend(check_task(entry, est.as_ref(), task));
    }
    failures
}

/// A value just outside each parameter's domain is refused with an error naming the parameter.
fn check_params(entry: &Entry) -> Vec<Failure> {
    let mut failures = Vec::new();
    for spec in (entry.specs)() {
        let Some(bad) = spec.domain.outside() else { continue };
        let params = Map::from_iter([(spec.name.to_string(), bad.clone())]);
        match (entry.build)(&params) {
            Ok(_) => failures.push(Failure {
                estimator: entry.name.into(),
                check: "param domain",
                message: format!("{} = {bad} is outside {} but was accepted", spec.name, spec.domain.describe()),
            }),
            Err(e) if !e.to_string().contains(spec.name) => failures.push(Failure {
                estimator: entry.name.into(),
                check: "param domain",
                message: format!("the error for {} = {bad} does not name the parameter: {e}", spec.name),
            }),
            Err(_) => {}
        }
    }
    failures
}

/// One conformance failure: which check, and what happened.
#[derive(Debug)]
pub struct Failure {
    pub estimator: String,
    pub check: &'static str,
    pub message: String,
}

fn check_task(entry: &Entry, est: &dyn Estimator, task: Task) -> Vec<Failure> {
    let mut failures = Vec::new();
    let name = format!("{} as {task}", entry.name);
    let mut fail =
        |check: &'static str, message: String| failures.push(Failure { estimator: name.clone(), check, message });
    // One column for an estimator of one feature (isotonic regression), else five.
    let p = if entry.tags.one_feature { 1 } else { 5 };
    let (mut x, mut y) = dataset(task, 120, p, 7);
    if entry.tags.positive_only {
        // Counts and the like: the same data, made positive without losing its order.
        x.mapv_inplace(f64::exp);
    }
    if let (true, Target::Values(v)) = (entry.tags.positive_target, &mut y) {
        // Shifted to start at 1 (scikit-learn's checks take |y| + 1): the same signal, all positive.
        let low = v.iter().copied().fold(f64::INFINITY, f64::min);
        v.iter_mut().for_each(|t| *t += 1.0 - low);
    }
    let y_opt = task.supervised().then_some(&y);
    let group = (task == Task::Ranking).then(|| groups(120));
    let fit = |e: &dyn Estimator, x: &Array2<f64>, w: Option<&[f64]>| {
        let g = group.as_deref().filter(|_| x.nrows() == 120);
        let data = TrainData { y: y_opt, weight: w, group: g, ..TrainData::new(Features::Dense(x.view())) };
        e.fit_with(&data, &mut FitContext::default())
    };
    let est: &dyn Estimator = est;

    // Shapes.
    let model = match fit(est, &x, None) {
        Ok(m) => m,
        Err(e) => {
            fail("fit", format!("fitting on clean data failed: {e}"));
            return failures;
        }
    };
    if model.n_features_in() != p {
        fail("shapes", format!("n_features_in is {}, expected {p}", model.n_features_in()));
    }
    match task {
        Task::Transform => match model.transform_data(Features::Dense(x.view())) {
            Ok(d) if d.view().n_rows() == 120 => {}
            Ok(d) => fail("shapes", format!("transform returned {} rows for 120", d.view().n_rows())),
            Err(e) => fail("shapes", format!("transform failed: {e}")),
        },
        Task::Neighbors => match model.kneighbors_data(Some(Features::Dense(x.view())), None) {
            // Each training row is its own nearest neighbour (the data has no duplicates).
            Ok((d, i)) if d.nrows() == 120 && i.dim() == d.dim() => {
                if (0..120).any(|r| i[[r, 0]] != r || d[[r, 0]] != 0.0) {
                    fail("neighbours", "a training row is not its own nearest neighbour".into());
                }
            }
            Ok((d, _)) => fail("shapes", format!("kneighbors returned {:?} for 120 rows", d.dim())),
            Err(e) => fail("shapes", format!("kneighbors failed: {e}")),
        },
        _ => match predictions(model.as_ref(), Features::Dense(x.view())) {
            Ok(p) if p.len() == 120 => {}
            Ok(p) => fail("shapes", format!("predict returned {} values for 120 rows", p.len())),
            Err(e) => fail("shapes", format!("predict failed: {e}")),
        },
    }
    if task != Task::Transform {
        // A model of another task transforms X where its tags say so, and says "unsupported" where not.
        match (est.tags().transform, model.transform_data(Features::Dense(x.view()))) {
            (true, Ok(d)) if d.view().n_rows() == 120 => {}
            (true, Ok(d)) => fail("shapes", format!("transform returned {} rows for 120", d.view().n_rows())),
            (true, Err(e)) => fail("shapes", format!("transform failed: {e}")),
            (false, Err(Error::Unsupported(_))) => {}
            (false, Ok(_)) => fail("tags", "transform works, but the tags say it does not".into()),
            (false, Err(e)) => fail("tags", format!("transform without the tag must say it is unsupported: {e}")),
        }
    }
    if task == Task::Classification {
        // Probabilities where the tags (for these parameters) promise them, and a plain "unsupported" where not.
        match (est.tags().predict_proba, model.predict_proba_data(Features::Dense(x.view()))) {
            (true, Ok(p)) if p.dim() == (120, 3) && p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9) => {}
            (true, Ok(p)) => fail("shapes", format!("predict_proba has shape {:?} or rows not summing to 1", p.dim())),
            (true, Err(e)) => fail("shapes", format!("predict_proba failed: {e}")),
            (false, Err(Error::Unsupported(_))) => {}
            (false, Ok(_)) => fail("tags", "predict_proba works, but the tags say it does not".into()),
            (false, Err(e)) => fail("tags", format!("predict_proba without the tag must say it is unsupported: {e}")),
        }
        // Decision values (one column per class for three) where the tags say so, "unsupported" where not.
        match (est.tags().decision_function, model.decision_function_data(Features::Dense(x.view()))) {
            (true, Ok(d)) if d.dim() == (120, 3) && d.iter().all(|v| v.is_finite()) => {}
            (true, Ok(d)) => fail("shapes", format!("decision_function has shape {:?} or values not finite", d.dim())),
            (true, Err(e)) => fail("shapes", format!("decision_function failed: {e}")),
            (false, Err(Error::Unsupported(_))) => {}
            (false, Ok(_)) => fail("tags", "decision_function works, but the tags say it does not".into()),
            (false, Err(e)) => {
                fail("tags", format!("decision_function without the tag must say it is unsupported: {e}"))
            }
        }
    }

    // Determinism: the same data and parameters give the same file.
    match fit(est, &x, None) {
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
    with_nan[[3, p - 1]] = f64::NAN;
    match fit(est, &with_nan, None) {
        Ok(_) if entry.tags.missing_values => {}
        Ok(_) => fail("nan", "fitting on NaN succeeded without handling it".into()),
        Err(e) if !e.to_string().contains("NaN") => fail("nan", format!("the error does not mention NaN: {e}")),
        Err(_) => {}
    }
    let mut with_inf = x.clone();
    with_inf[[5, p / 2]] = f64::INFINITY;
    match fit(est, &with_inf, None) {
        Ok(_) => fail("inf", "fitting on infinity succeeded".into()),
        Err(e) if !e.to_string().contains("inf") => fail("inf", format!("the error does not mention infinity: {e}")),
        Err(_) => {}
    }
    // The wrong width: one column fewer, or two for a one-feature estimator.
    let narrow =
        if p == 1 { ndarray::concatenate![ndarray::Axis(1), x, x] } else { x.slice(ndarray::s![.., ..4]).to_owned() };
    let narrow_result = match task {
        Task::Transform => model.transform_data(Features::Dense(narrow.view())).map(|_| ()),
        Task::Neighbors => model.kneighbors_data(Some(Features::Dense(narrow.view())), None).map(|_| ()),
        _ => model.predict_data(Features::Dense(narrow.view())).map(|_| ()),
    };
    match narrow_result {
        Ok(()) => {
            fail("feature count", format!("predicting with {} features instead of {p} succeeded", narrow.ncols()))
        }
        Err(e) if !e.to_string().contains("feature") => {
            fail("feature count", format!("the error does not name the feature count: {e}"))
        }
        Err(_) => {}
    }
    let empty = Array2::<f64>::zeros((0, p));
    let y_empty = y.take(&[]);
    let y_empty_opt = task.supervised().then_some(&y_empty);
    if est.fit_data(Features::Dense(empty.view()), y_empty_opt, None).is_ok() {
        fail("empty", "fitting on zero rows succeeded".into());
    }
    if task == Task::Classification && entry.tags.task.is_some() {
        let one = Target::Labels(Labels::new(vec!["a".into()], vec![0; 120]).expect("one class"));
        match est.fit_data(Features::Dense(x.view()), Some(&one), None) {
            Ok(m) => match m.predict_data(Features::Dense(x.view())) {
                Ok(Prediction::Labels(p)) if p.codes().iter().all(|&c| c == 0) => {}
                _ => fail("one class", "a classifier fitted a single-class target and predicts another class".into()),
            },
            Err(e) if !e.to_string().contains("class") => {
                fail("one class", format!("the error does not mention classes: {e}"))
            }
            Err(_) => {}
        }
    }

    // It learns: better than a constant on data with a strong signal (baselines excepted).
    if let (Ok(pred), false) = (model.predict_data(Features::Dense(x.view())), entry.tags.poor_score) {
        match (&pred, &y) {
            (Prediction::Values(p), Target::Values(t)) if task == Task::Regression => {
                let r2 = r2(t, p.as_slice().unwrap_or_default());
                if r2.is_nan() || r2 < 0.5 {
                    fail("learns", format!("R² on learnable training data is {r2:.3}, no better than a constant"));
                }
            }
            (Prediction::Labels(p), Target::Labels(t)) => {
                let acc = p.codes().iter().zip(t.codes()).filter(|(a, b)| a == b).count() as f64 / 120.0;
                let majority = *t.counts().iter().max().unwrap_or(&0) as f64 / 120.0;
                if acc < majority + 0.1 {
                    fail(
                        "learns",
                        format!("training accuracy {acc:.3} is not above the majority class's {majority:.3}"),
                    );
                }
            }
            (Prediction::Values(p), Target::Values(t)) if task == Task::Ranking => {
                let corr = pearson(t, p.as_slice().unwrap_or_default());
                if corr.is_nan() || corr < 0.3 {
                    fail("learns", format!("ranking scores correlate {corr:.3} with relevance"));
                }
            }
            (Prediction::Outliers(o), _) => {
                let outliers = o.iter().filter(|&&v| v == -1).count();
                if o.iter().any(|&v| v != 1 && v != -1) || outliers == 0 || outliers > 90 {
                    fail(
                        "outliers",
                        format!("labels should be 1 or -1 with some but not most -1, got {outliers} of 120"),
                    );
                }
                let x = Features::Dense(x.view());
                match (model.decision_function_data(x), model.score_samples_data(x)) {
                    (Ok(d), Ok(s)) if d.dim() == (120, 1) && s.len() == 120 => {
                        // scikit-learn: predict is -1 exactly where decision_function < 0.
                        if d.column(0).iter().zip(o).any(|(&d, &l)| (d < 0.0) != (l == -1)) {
                            fail("outliers", "predict disagrees with the sign of decision_function".into());
                        }
                    }
                    (Ok(d), Ok(s)) => {
                        fail("outliers", format!("decision_function {:?}, score_samples {}", d.dim(), s.len()))
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        fail("outliers", format!("decision_function/score_samples failed: {e}"))
                    }
                }
            }
            (Prediction::Clusters(c), _) => {
                let k = c.iter().copied().filter(|&v| v >= 0).max().map_or(0, |m| m + 1);
                if c.iter().any(|&v| v < -1) || k < 2 {
                    fail("clusters", format!("labels should be -1 (noise) or 0..k with k >= 2, got k = {k}"));
                }
            }
            _ => {}
        }
    }

    // A table of the same numbers gives the same predictions as the matrix.
    if let Ok(table) = Table::from_array(x.view(), None) {
        let data = TrainData { y: y_opt, group: group.as_deref(), ..TrainData::new(Features::Table(&table)) };
        match est.fit_with(&data, &mut FitContext::default()) {
            Ok(m) => {
                let a = predictions(model.as_ref(), Features::Dense(x.view())).unwrap_or_default();
                let b = predictions(m.as_ref(), Features::Table(&table)).unwrap_or_default();
                if a != b {
                    fail("table input", "a table of the same numbers predicts differently".into());
                }
            }
            Err(e) => fail("table input", format!("fitting on a table failed: {e}")),
        }
    }

    // Sample weights: all ones equal none, or a clear refusal.
    let ones = vec![1.0; 120];
    match fit(est, &x, Some(&ones)) {
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

fn r2(t: &[f64], p: &[f64]) -> f64 {
    let mean = t.iter().sum::<f64>() / t.len() as f64;
    let ss_res: f64 = t.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = t.iter().map(|a| (a - mean).powi(2)).sum();
    if p.len() != t.len() {
        return f64::NAN;
    }
    1.0 - ss_res / ss_tot
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    if a.len() != b.len() {
        return f64::NAN;
    }
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}
