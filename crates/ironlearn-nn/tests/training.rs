//! Training end to end: the same weights whatever the thread count, a
//! reload that predicts bit for bit the same, early stopping, and the
//! errors a bad spec or bad input gives.

use ironlearn_core::state::SaveState;
use ironlearn_core::{Features, FitContext, Fitted, Labels, Learn, Prediction, Target, TrainData};
use ironlearn_nn::{MLPClassifier, MLPRegressor, NeuralNetwork, NeuralNetworkModel};
use ndarray::Array2;

/// Three noisy classes in 4 features.
fn blobs(n: usize) -> (Array2<f64>, Target) {
    let mut rng = ironlearn_core::Rng::new(7);
    let mut labels = Vec::new();
    let x = Array2::from_shape_fn((n, 4), |(i, j)| {
        let c = i % 3;
        (if j == c { 2.0 } else { 0.0 }) + rng.normal()
    });
    for i in 0..n {
        labels.push(["a", "b", "c"][i % 3]);
    }
    (x, Target::Labels(Labels::from_strings(&labels)))
}

fn spec_net() -> NeuralNetwork {
    NeuralNetwork {
        spec: Some(serde_json::json!([
            {"type": "dense", "units": 32, "activation": "relu"},
            {"type": "batch_norm"},
            {"type": "dropout", "rate": 0.2},
            {"type": "dense", "units": 16, "activation": "gelu"}
        ])),
        epochs: 5,
        batch_size: 16,
        ..Default::default()
    }
}

fn fit(p: &NeuralNetwork, x: &Array2<f64>, y: &Target) -> NeuralNetworkModel {
    p.learn(&TrainData::supervised(Features::Dense(x.view()), y), &mut FitContext::default()).unwrap()
}

#[test]
fn same_weights_whatever_the_thread_count() {
    let (x, y) = blobs(300);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| fit(&spec_net(), &x, &y)).save_state().unwrap()
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
}

#[test]
fn a_small_cnn_learns_with_the_same_weights_whatever_the_thread_count() {
    let (x, y) = blobs(300);
    let cnn = NeuralNetwork {
        spec: Some(serde_json::json!([
            {"type": "reshape", "shape": [1, 2, 2]},
            {"type": "conv2d", "filters": 8, "kernel_size": 2, "padding": 1, "activation": "relu"},
            {"type": "max_pool2d", "kernel_size": 2, "stride": 1},
            {"type": "conv2d", "filters": 8, "kernel_size": 2, "groups": 2, "activation": "relu"},
            {"type": "flatten"}
        ])),
        epochs: 20,
        learning_rate: 0.01,
        batch_size: 32,
        ..Default::default()
    };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| fit(&cnn, &x, &y))
    };
    let one = run(1);
    assert_eq!(one.save_state().unwrap(), run(2).save_state().unwrap());
    let curve = one.loss_curve();
    assert!(curve.last().unwrap() < &(curve[0] * 0.7), "{curve:?}");
}

#[test]
fn reloads_to_identical_outputs_and_learns() {
    let (x, y) = blobs(600);
    let p = NeuralNetwork { epochs: 30, learning_rate: 0.01, ..spec_net() };
    let model = fit(&p, &x, &y);
    let back = NeuralNetworkModel::load_state(&model.save_state().unwrap()).unwrap();
    let a = model.predict_proba_data(Features::Dense(x.view())).unwrap();
    let b = back.predict_proba_data(Features::Dense(x.view())).unwrap();
    assert_eq!(a, b);
    let Prediction::Labels(pred) = model.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
    let Target::Labels(truth) = &y else { unreachable!() };
    let right = pred.codes().iter().zip(truth.codes()).filter(|(a, b)| a == b).count();
    assert!(right as f64 / 600.0 > 0.85, "accuracy {}", right as f64 / 600.0);
    let curve = model.loss_curve();
    assert!(curve.last().unwrap() < &(curve[0] * 0.7), "{curve:?}");
}

#[test]
fn patience_stops_early() {
    let (x, y) = blobs(150);
    let p = NeuralNetwork { epochs: 500, patience: Some(3), min_delta: 10.0, ..spec_net() };
    let model = fit(&p, &x, &y);
    assert_eq!(model.loss_curve().len(), 4, "stops 3 epochs after the first without a 10.0 improvement");
}

#[test]
fn bad_spec_and_input_are_named() {
    let (x, y) = blobs(30);
    let bad = NeuralNetwork { spec: Some(serde_json::json!([{"type": "dense", "units": 0}])), ..Default::default() };
    let e = bad.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default()).unwrap_err();
    assert!(e.to_string().contains("layer 0 (dense): units"), "{e}");
    let headless = NeuralNetwork { head: false, ..spec_net() };
    let e = headless.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default());
    assert!(e.unwrap_err().to_string().contains("needs [3]"));
    let mut nan = x.clone();
    nan[[4, 2]] = f64::NAN;
    let e = MLPClassifier::default()
        .learn(&TrainData::supervised(Features::Dense(nan.view()), &y), &mut FitContext::default());
    let e = e.unwrap_err().to_string();
    assert!(e.contains("NaN") && e.contains("row 4"), "{e}");
    let mut inf = x.mapv(|v| v as f32);
    inf[[7, 1]] = f32::INFINITY;
    let e = spec_net().learn(&TrainData::supervised(Features::DenseF32(inf.view()), &y), &mut FitContext::default());
    let e = e.unwrap_err().to_string();
    assert!(e.contains("infinity") && e.contains("row 7"), "{e}");
    // Settings by name or as objects; an unknown name is refused naming the parameter.
    let by_name = NeuralNetwork { optimizer: "adamw".into(), schedule: "constant".into(), ..spec_net() };
    fit(&by_name, &x, &y);
    let sgd = NeuralNetwork { optimizer: serde_json::json!({"type": "sgd", "momentum": 0.9}), ..spec_net() };
    fit(&sgd, &x, &y);
    let bad = NeuralNetwork { optimizer: "adamx".into(), ..spec_net() };
    let e = bad.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default());
    assert!(e.unwrap_err().to_string().contains("optimizer"));
    let model = fit(&spec_net(), &x, &y);
    let e = model.predict_data(Features::Dense(x.slice(ndarray::s![.., ..3]).view())).unwrap_err();
    assert!(e.to_string().contains("X has 3 features"), "{e}");
}

#[test]
fn mlp_solvers_fit_xor_and_a_line() {
    let x = ndarray::array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let y = Target::Labels(Labels::from_strings(&["0", "1", "1", "0"]));
    let p = MLPClassifier {
        hidden_layer_sizes: vec![8],
        solver: "lbfgs".into(),
        activation: "tanh".into(),
        ..Default::default()
    };
    let m = p.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default()).unwrap();
    let Prediction::Labels(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
    assert_eq!(pred.to_strings(), ["0", "1", "1", "0"]);

    let x = Array2::from_shape_fn((200, 1), |(i, _)| i as f64 / 100.0 - 1.0);
    let y = Target::Values(x.column(0).iter().map(|v| 3.0 * v - 0.5).collect());
    for solver in ["adam", "sgd"] {
        let p = MLPRegressor {
            hidden_layer_sizes: vec![16],
            solver: solver.into(),
            learning_rate_init: 0.01,
            max_iter: 300,
            ..Default::default()
        };
        let m = p.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default()).unwrap();
        let Prediction::Values(pred) = m.predict_data(Features::Dense(x.view())).unwrap() else { panic!() };
        let mse: f64 = pred.iter().zip(y.values().unwrap()).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / 200.0;
        // The target's variance is 3: R² above 0.97 (scikit-learn stops on tol about as early).
        assert!(mse < 0.1, "{solver}: mse {mse}");
    }
}
