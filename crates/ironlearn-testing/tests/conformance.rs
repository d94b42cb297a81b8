//! Every registered estimator passes the conformance suite.

#[test]
fn every_registered_estimator_conforms() {
    let mut all = Vec::new();
    for entry in ironlearn_pipeline::registry() {
        all.extend(ironlearn_testing::check_entry(entry));
    }
    assert!(
        all.is_empty(),
        "conformance failures:\n{}",
        all.iter().map(|f| format!("  {} / {}: {}", f.estimator, f.check, f.message)).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_suite_catches_a_broken_estimator() {
    // A check that cannot fail is no check: feed the suite an estimator whose
    // predictions ignore its training, and whose file changes every time.
    use ironlearn_core::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    #[derive(Debug)]
    struct Broken;
    #[derive(Debug)]
    struct BrokenModel(u64);
    impl Estimator for Broken {
        fn kind(&self) -> &'static str {
            "ridge"
        }
        fn params_json(&self) -> serde_json::Value {
            serde_json::json!({})
        }
        fn task(&self) -> Option<Task> {
            Some(Task::Regression)
        }
        fn tags(&self) -> Tags {
            Tags { task: Some(Task::Regression), ..Tags::DEFAULT }
        }
        fn fit_with(&self, _data: &TrainData<'_>, _ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>> {
            Ok(Box::new(BrokenModel(CALLS.fetch_add(1, Ordering::SeqCst))))
        }
        fn with_params(&self, _: &serde_json::Map<String, serde_json::Value>) -> Result<Box<dyn Estimator>> {
            Ok(Box::new(Broken))
        }
    }
    impl Model for BrokenModel {
        fn kind(&self) -> &'static str {
            "ridge"
        }
        fn task(&self) -> Task {
            Task::Regression
        }
        fn n_features_in(&self) -> usize {
            5
        }
        fn parts(&self) -> Result<Parts> {
            Ok(Parts {
                params: serde_json::json!({}),
                state: serde_json::json!({"intercept": self.0 as f64}),
                arrays: {
                    let mut a = Arrays::new();
                    a.put_vec("coef", vec![0.0f64; 5]);
                    a
                },
            })
        }
        fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
            Ok(Prediction::Values(ndarray::Array1::zeros(x.n_rows())))
        }
    }
    let entry = ironlearn_pipeline::Entry {
        name: "broken",
        aliases: &[],
        doc: "",
        tags: Tags { task: Some(Task::Regression), ..Tags::DEFAULT },
        module: module_path!(),
        type_name: "Broken",
        specs: || {
            vec![ParamSpec {
                name: "alpha",
                aliases: &[],
                default: serde_json::json!(1.0),
                rust_type: "f64",
                domain: Domain::float_min(0.0),
                accepts: String::new(),
                doc: "",
            }]
        },
        example_params: "{}",
        build: |_| Ok(Box::new(Broken)),
        build_from_strs: |_| Ok(Box::new(Broken)),
        load: |p| ironlearn_pipeline::find("ridge").and_then(|e| (e.load)(p)),
    };
    let failures = ironlearn_testing::check_entry(&entry);
    let checks: Vec<&str> = failures.iter().map(|f| f.check).collect();
    for expected in ["determinism", "nan", "inf", "feature count", "empty", "param domain", "learns"] {
        assert!(checks.contains(&expected), "the suite missed '{expected}': {checks:?}");
    }
}
