//! Each optimizer against a hand-written reference on a one-value problem
//! (loss `w^2`, gradient `2w`), PyTorch's formulas written out.

use candle_core::{Device, Tensor, Var};

use super::*;

fn run(spec: OptimizerSpec, lr: f64, steps: usize, decay: bool, clip: Clip) -> Vec<f64> {
    let var = Var::from_tensor(&Tensor::from_slice(&[1.0f64, -2.0], 2, &Device::Cpu).unwrap()).unwrap();
    let params = vec![Param { name: "w".into(), var: var.clone(), decay }];
    let mut opt = Optimizer::new(&spec, &params).unwrap();
    let mut trace = Vec::new();
    for _ in 0..steps {
        let loss = var.as_tensor().sqr().unwrap().sum_all().unwrap();
        let grads = loss.backward().unwrap();
        opt.step(&params, &grads, lr, clip).unwrap();
        trace.push(var.as_tensor().to_vec1::<f64>().unwrap()[0]);
    }
    trace
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn sgd_momentum_and_nesterov() {
    let (lr, mu) = (0.1, 0.9);
    for nesterov in [false, true] {
        let (mut w, mut buf, mut want) = (1.0f64, 0.0f64, Vec::new());
        for t in 0..3 {
            let g = 2.0 * w + 0.01 * w;
            buf = if t == 0 { g } else { mu * buf + g };
            w -= lr * if nesterov { g + mu * buf } else { buf };
            want.push(w);
        }
        let spec = OptimizerSpec::Sgd { momentum: mu, nesterov, weight_decay: 0.01 };
        close(&run(spec, lr, 3, true, Clip::default()), &want);
    }
}

#[test]
fn adam_and_adamw() {
    let (lr, b1, b2, eps, wd) = (0.05, 0.9, 0.999, 1e-8, 0.1);
    for decoupled in [false, true] {
        let (mut w, mut m, mut v, mut want) = (1.0f64, 0.0, 0.0, Vec::new());
        for t in 1..=4 {
            let mut g = 2.0 * w;
            if decoupled {
                w *= 1.0 - lr * wd;
            } else {
                g += wd * w;
            }
            m = b1 * m + (1.0 - b1) * g;
            v = b2 * v + (1.0 - b2) * g * g;
            let (mh, vh) = (m / (1.0 - b1.powi(t)), v / (1.0 - b2.powi(t)));
            w -= lr * mh / (vh.sqrt() + eps);
            want.push(w);
        }
        let spec = if decoupled {
            OptimizerSpec::AdamW { beta1: b1, beta2: b2, eps, weight_decay: wd }
        } else {
            OptimizerSpec::Adam { beta1: b1, beta2: b2, eps, weight_decay: wd }
        };
        close(&run(spec, lr, 4, true, Clip::default()), &want);
    }
}

#[test]
fn rmsprop_and_adagrad() {
    let (lr, alpha, eps, mu) = (0.01, 0.99, 1e-8, 0.5);
    let (mut w, mut sq, mut buf, mut want) = (1.0f64, 0.0, 0.0, Vec::new());
    for _ in 0..3 {
        let g = 2.0 * w;
        sq = alpha * sq + (1.0 - alpha) * g * g;
        buf = mu * buf + g / (sq.sqrt() + eps);
        w -= lr * buf;
        want.push(w);
    }
    let spec = OptimizerSpec::RmsProp { alpha, eps, momentum: mu, weight_decay: 0.0 };
    close(&run(spec, lr, 3, true, Clip::default()), &want);

    let (mut w, mut sum, mut want) = (1.0f64, 0.1, Vec::new());
    for _ in 0..3 {
        let g = 2.0 * w;
        sum += g * g;
        w -= 0.5 * g / (sum.sqrt() + 1e-10);
        want.push(w);
    }
    let spec = OptimizerSpec::Adagrad { eps: 1e-10, weight_decay: 0.0, initial_accumulator: 0.1 };
    close(&run(spec, 0.5, 3, true, Clip::default()), &want);
}

#[test]
fn clipping_and_decay_flag() {
    let plain = OptimizerSpec::Sgd { momentum: 0.0, nesterov: false, weight_decay: 0.0 };
    // Gradients (2, -4) have norm sqrt(20); clipped to norm 1 the first value moves by lr * 2 / sqrt(20).
    let got = run(plain.clone(), 0.1, 1, true, Clip { norm: Some(1.0), value: None });
    close(&got, &[1.0 - 0.1 * 2.0 / (20f64.sqrt() + 1e-6)]);
    let got = run(plain, 0.1, 1, true, Clip { norm: None, value: Some(0.5) });
    close(&got, &[1.0 - 0.05]);
    // Weight decay skips parameters not marked for it.
    let decayed = OptimizerSpec::Sgd { momentum: 0.0, nesterov: false, weight_decay: 1.0 };
    close(&run(decayed, 0.1, 1, false, Clip::default()), &[1.0 - 0.2]);
}

#[test]
fn bad_settings_are_named() {
    let e = Optimizer::new(&OptimizerSpec::Adam { beta1: 1.5, beta2: 0.9, eps: 1e-8, weight_decay: 0.0 }, &[]);
    assert!(e.unwrap_err().to_string().contains("beta1"));
    let e = Optimizer::new(&OptimizerSpec::Sgd { momentum: 0.0, nesterov: true, weight_decay: 0.0 }, &[]);
    assert!(e.unwrap_err().to_string().contains("nesterov"));
}
