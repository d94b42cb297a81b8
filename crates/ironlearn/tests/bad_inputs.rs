//! Bad input through the Rust API: every case is an `Err` whose message
//! names the problem (the parameter, the row and column, the limit), never a
//! panic and never a silently accepted result.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ironlearn::core::{Csr, Labels};
use ironlearn::prelude::*;
use ndarray::Array2;
use serde_json::json;

fn x() -> Array2<f64> {
    Array2::from_shape_fn((30, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64)
}

fn y() -> Target {
    Target::Values((0..30).map(|i| i as f64).collect())
}

fn labels() -> Target {
    Target::Labels(Labels::new(vec!["a".into(), "b".into()], (0..30).map(|i| i % 2).collect()).unwrap())
}

fn fit(
    kind: &str,
    params: serde_json::Value,
    x: Features<'_>,
    y: Option<&Target>,
    w: Option<&[f64]>,
) -> Result<Box<dyn Model>> {
    let est = ironlearn::pipeline::build(kind, params.as_object().unwrap())?;
    est.fit_data(x, y, w)
}

/// Runs a case that must fail; returns its message, or a description of what went wrong instead.
fn message(case: impl FnOnce() -> Result<()>) -> std::result::Result<String, String> {
    match catch_unwind(AssertUnwindSafe(case)) {
        Ok(Err(e)) => Ok(e.to_string()),
        Ok(Ok(())) => Err("accepted".into()),
        Err(_) => Err("panicked".into()),
    }
}

#[test]
fn every_bad_input_is_an_error_that_names_the_problem() {
    let x = x();
    let (yv, yl) = (y(), labels());
    let dense = || Features::Dense(x.view());
    let mut nan = x.clone();
    nan[[4, 1]] = f64::NAN;
    let mut inf = x.clone();
    inf[[2, 0]] = f64::INFINITY;
    let narrow = x.slice(ndarray::s![.., ..2]).to_owned();
    let empty = Array2::<f64>::zeros((0, 3));
    let short = Target::Values(vec![1.0; 10]);
    let one_class = Target::Labels(Labels::new(vec!["a".into()], vec![0; 30]).unwrap());
    let text = Table::new(vec![
        Column::categorical("c", &(0..30).map(|i| Some(if i % 2 == 0 { "u" } else { "v" })).collect::<Vec<_>>()),
        Column::numeric("n", (0..30).map(f64::from).collect()),
    ])
    .unwrap();
    let (indptr, indices, data) = (vec![0u64, 1, 2], vec![0u32, 2], vec![1.0, 2.0]);
    let csr = Csr::new(2, 3, &indptr, &indices, &data).unwrap();
    let bad_csr_indices = vec![0u32, 5];

    type Case<'a> = (&'a str, Box<dyn FnOnce() -> Result<()> + 'a>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            "nan into ridge",
            Box::new(|| fit("ridge", json!({}), Features::Dense(nan.view()), Some(&yv), None).map(drop)),
            "NaN (row 4, column 1)",
        ),
        (
            "inf into the booster",
            Box::new(|| fit("gbdt", json!({}), Features::Dense(inf.view()), Some(&yv), None).map(drop)),
            "infinity or a value too large; NaN is read as missing, infinity is not (row 2, column 'x0')",
        ),
        (
            "inf into kmeans",
            Box::new(|| fit("kmeans", json!({"n_clusters": 2}), Features::Dense(inf.view()), None, None).map(drop)),
            "infinity",
        ),
        (
            "nan into logistic",
            Box::new(|| fit("logistic_regression", json!({}), Features::Dense(nan.view()), Some(&yl), None).map(drop)),
            "NaN",
        ),
        (
            "y too short",
            Box::new(|| fit("ridge", json!({}), dense(), Some(&short), None).map(drop)),
            "X has 30 rows, y has 10",
        ),
        (
            "no target for a regressor",
            Box::new(|| fit("ridge", json!({}), dense(), None, None).map(drop)),
            "learns from a target",
        ),
        (
            "labels into a regressor",
            Box::new(|| fit("ridge", json!({}), dense(), Some(&yl), None).map(drop)),
            "numeric target, not class labels",
        ),
        (
            "one class",
            Box::new(|| fit("logistic_regression", json!({}), dense(), Some(&one_class), None).map(drop)),
            "class",
        ),
        (
            "no rows",
            Box::new(|| {
                fit("ridge", json!({}), Features::Dense(empty.view()), Some(&Target::Values(vec![])), None).map(drop)
            }),
            "0 sample",
        ),
        (
            "more clusters than rows",
            Box::new(|| fit("kmeans", json!({"n_clusters": 31}), dense(), None, None).map(drop)),
            "n_samples=30 should be >= n_clusters=31",
        ),
        (
            "weights of the wrong length",
            Box::new(|| fit("ridge", json!({}), dense(), Some(&yv), Some(&[1.0; 3])).map(drop)),
            "sample_weight has 3 values for 30 rows",
        ),
        (
            "negative weight",
            Box::new(|| {
                let mut w = vec![1.0; 30];
                w[7] = -1.0;
                fit("ridge", json!({}), dense(), Some(&yv), Some(&w)).map(drop)
            }),
            "sample_weight[7] is -1",
        ),
        (
            "weights where none are used",
            Box::new(|| fit("one_hot_encoder", json!({}), dense(), None, Some(&[1.0; 30])).map(drop)),
            "does not use sample weights",
        ),
        (
            "sparse into a dense estimator",
            Box::new(|| {
                fit(
                    "k_neighbors_regressor",
                    json!({}),
                    Features::Sparse(csr),
                    Some(&Target::Values(vec![1.0, 2.0])),
                    None,
                )
                .map(drop)
            }),
            "takes dense input, not a sparse matrix",
        ),
        (
            "csr index out of range",
            Box::new(|| Csr::new(2, 3, &indptr, &bad_csr_indices, &data).map(drop)),
            "column index 5 of stored value 1 is out of range for 3 columns",
        ),
        (
            "text into a dense estimator",
            Box::new(|| fit("ridge", json!({}), Features::Table(&text), Some(&yv), None).map(drop)),
            "'c'",
        ),
        (
            "negative alpha",
            Box::new(|| fit("ridge", json!({"alpha": -1.0}), dense(), Some(&yv), None).map(drop)),
            "parameter 'alpha': must be a finite number >= 0, got -1.0",
        ),
        (
            "float for an integer",
            Box::new(|| fit("gbdt", json!({"n_estimators": 5.5}), dense(), Some(&yv), None).map(drop)),
            "parameter 'n_estimators': expected an integer",
        ),
        (
            "unknown parameter",
            Box::new(|| fit("ridge", json!({"alpah": 1.0}), dense(), Some(&yv), None).map(drop)),
            "unknown parameter 'alpah' for ridge",
        ),
        (
            "unknown choice",
            Box::new(|| fit("kmeans", json!({"algorithm": "fast"}), dense(), None, None).map(drop)),
            "parameter 'algorithm': must be one of 'lloyd', 'elkan'",
        ),
        (
            "unknown model",
            Box::new(|| ironlearn::pipeline::build("svm", &Default::default()).map(drop)),
            "unknown model 'svm'",
        ),
        ("spec without kind", Box::new(|| from_spec(&json!({"params": {}})).map(drop)), "needs a kind"),
        (
            "regressor in a feature union",
            Box::new(|| {
                from_spec(&json!({"kind": "feature_union", "params": {"parts": [{"name": "r", "kind": "ridge"}]}}))
                    .map(drop)
            }),
            "'r' (ridge) is not a transformer",
        ),
        (
            "unknown nested parameter path",
            Box::new(|| {
                let p = from_spec(
                    &json!({"kind": "pipeline", "params": {"steps": [{"name": "s", "kind": "standard_scaler"}, {"name": "m", "kind": "ridge"}]}}),
                )?;
                p.with_params(json!({"model__alpha": 1.0}).as_object().unwrap()).map(drop)
            }),
            "'model__alpha' names no step",
        ),
        (
            "predict with the wrong width",
            Box::new(|| {
                let m = fit("ridge", json!({}), dense(), Some(&yv), None)?;
                m.predict_data(Features::Dense(narrow.view())).map(drop)
            }),
            "X has 2 features, but Ridge is expecting 3",
        ),
        (
            "predict_proba of a regressor",
            Box::new(|| {
                let m = fit("ridge", json!({}), dense(), Some(&yv), None)?;
                m.predict_proba_data(dense()).map(drop)
            }),
            "has no predict_proba",
        ),
        (
            "garbage model bytes",
            Box::new(|| ironlearn::pipeline::load_bytes(b"not a model at all, just text").map(drop)),
            "not a readable ironlearn model file",
        ),
        (
            "a foreign init model",
            Box::new(|| {
                let ridge = fit("ridge", json!({}), dense(), Some(&yv), None)?;
                let est = ironlearn::pipeline::build("gbdt", &Default::default())?;
                let mut ctx = FitContext { init_model: Some(ridge.as_ref()), ..Default::default() };
                est.fit_with(&TrainData::supervised(dense(), &yv), &mut ctx).map(drop)
            }),
            "init_model is a 'ridge' model",
        ),
        (
            "a validation set without a target",
            Box::new(|| {
                let est = ironlearn::pipeline::build("gbdt", &Default::default())?;
                let mut ctx = FitContext { valid: vec![("v".into(), TrainData::new(dense()))], ..Default::default() };
                est.fit_with(&TrainData::supervised(dense(), &yv), &mut ctx).map(drop)
            }),
            "validation set 'v' has no target",
        ),
        (
            "query groups for a regressor",
            Box::new(|| {
                let est = ironlearn::pipeline::build("ridge", &Default::default())?;
                let group: &'static [usize] = &[10, 20];
                est.fit_with(
                    &TrainData { group: Some(group), ..TrainData::supervised(dense(), &yv) },
                    &mut FitContext::default(),
                )
                .map(drop)
            }),
            "not a ranker",
        ),
        (
            "query sizes that do not add up",
            Box::new(|| {
                let est = ironlearn::pipeline::build("gbdt", json!({"objective": "lambdarank"}).as_object().unwrap())?;
                let group: &'static [usize] = &[10, 10];
                est.fit_with(
                    &TrainData { group: Some(group), ..TrainData::supervised(dense(), &yv) },
                    &mut FitContext::default(),
                )
                .map(drop)
            }),
            "query sizes sum to 20 but there are 30 rows",
        ),
        (
            "a dummy constant that is no class",
            Box::new(|| {
                fit("dummy_classifier", json!({"strategy": "constant", "constant": "z"}), dense(), Some(&yl), None)
                    .map(drop)
            }),
            "'z' is not one of the classes",
        ),
    ];
    let mut wrong = Vec::new();
    let n = cases.len();
    for (name, case, expected) in cases {
        match message(case) {
            Ok(m) if m.contains(expected) => {}
            Ok(m) => wrong.push(format!("{name}: the message lacks '{expected}': {m}")),
            Err(what) => wrong.push(format!("{name}: {what}")),
        }
    }
    assert!(n >= 30, "the catalogue shrank to {n} cases");
    assert!(wrong.is_empty(), "bad inputs handled wrongly:\n  {}", wrong.join("\n  "));
}
