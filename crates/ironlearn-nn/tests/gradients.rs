//! Every layer's gradients against central finite differences in f64, and
//! every parameter of every layer reached by a non-zero gradient (the bug
//! class of training through an op without a backward pass).

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::Rng;
use ironlearn_nn::network::Network;
use ironlearn_nn::{Mode, NetworkSpec};

/// A spec per layer kind, each followed by what makes its output depend on every parameter.
fn specs() -> Vec<(&'static str, &'static str, Vec<usize>)> {
    let dense = |a: &str| format!(r#"[{{"type": "dense", "units": 4, "activation": "{a}", "init": "torch"}}]"#);
    let mut v: Vec<(&'static str, String, Vec<usize>)> =
        ["identity", "relu", "leaky_relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh", "softmax"]
            .into_iter()
            .map(|a| (a, dense(a), vec![5]))
            .collect();
    v.push((
        "layer_norm",
        r#"[{"type": "dense", "units": 4, "init": "torch"}, {"type": "layer_norm"}]"#.into(),
        vec![5],
    ));
    v.push(("rms_norm", r#"[{"type": "dense", "units": 4, "init": "torch"}, {"type": "rms_norm"}]"#.into(), vec![5]));
    // A bias right before batch norm has no effect (the batch mean takes it out), so none here.
    v.push((
        "batch_norm",
        r#"[{"type": "dense", "units": 4, "bias": false, "init": "torch"}, {"type": "batch_norm"}]"#.into(),
        vec![5],
    ));
    v.push((
        "batch_norm 2d",
        r#"[{"type": "conv2d", "filters": 3, "kernel_size": 2, "bias": false, "init": "torch"}, {"type": "batch_norm"}]"#.into(),
        vec![2, 4, 3],
    ));
    v.push((
        "dropout",
        r#"[{"type": "dense", "units": 6, "init": "torch"}, {"type": "dropout", "rate": 0.3}]"#.into(),
        vec![5],
    ));
    v.push((
        "residual",
        r#"[{"type": "residual", "layers": [{"type": "dense", "units": 5, "activation": "tanh", "init": "torch"}, {"type": "dense", "units": 5, "init": "torch"}]}]"#.into(),
        vec![5],
    ));
    // Two branches joined by concat, then a skip connection from the input by add.
    v.push((
        "graph",
        r#"[{"type": "graph", "nodes": [
            {"name": "a", "layers": [{"type": "dense", "units": 3, "activation": "tanh", "init": "torch"}]},
            {"name": "b", "layers": [{"type": "dense", "units": 2, "init": "torch"}]},
            {"name": "ab", "inputs": ["a", "b"], "merge": "concat"},
            {"name": "out", "inputs": ["ab", "input"], "merge": "add", "layers": [{"type": "dense", "units": 4, "init": "torch"}]},
            {"name": "gate", "inputs": ["out", "out"], "merge": "multiply"}
        ]}]"#
            .into(),
        vec![5],
    ));
    v.push((
        "reshape+flatten",
        r#"[{"type": "reshape", "shape": [2, 3]}, {"type": "dense", "units": 4, "init": "torch"}, {"type": "flatten"}]"#.into(),
        vec![6],
    ));
    v.push(("embedding", r#"[{"type": "embedding", "vocab": 7, "dim": 3}, {"type": "flatten"}]"#.into(), vec![2]));
    // Token 0 is padding: its vector stays zero and attention skips it.
    v.push((
        "embedding padded+attention",
        r#"[{"type": "embedding", "vocab": 7, "dim": 4, "padding_idx": 0}, {"type": "attention", "heads": 2}]"#.into(),
        vec![4],
    ));
    let seq = |layer: &str| format!(r#"[{{"type": "dense", "units": 4, "init": "torch"}}, {layer}]"#);
    v.push(("attention", seq(r#"{"type": "attention", "heads": 2}"#), vec![3, 5]));
    v.push((
        "attention causal",
        seq(r#"{"type": "attention", "heads": 1, "causal": true, "dropout": 0.2}"#),
        vec![4, 3],
    ));
    v.push((
        "transformer_block",
        seq(r#"{"type": "transformer_block", "heads": 2, "ff_dim": 6, "dropout": 0.0}"#),
        vec![3, 5],
    ));
    v.push((
        "transformer_block causal norm_first",
        seq(r#"{"type": "transformer_block", "heads": 2, "causal": true, "norm_first": true, "activation": "gelu"}"#),
        vec![4, 3],
    ));
    v.push(("lstm", seq(r#"{"type": "lstm", "units": 3}"#), vec![4, 2]));
    v.push(("lstm sequences", seq(r#"{"type": "lstm", "units": 2, "return_sequences": true}"#), vec![3, 2]));
    v.push(("gru", seq(r#"{"type": "gru", "units": 3}"#), vec![4, 2]));
    v.push(("gru sequences", seq(r#"{"type": "gru", "units": 2, "return_sequences": true}"#), vec![3, 2]));
    v.push(("positional_embedding", seq(r#"{"type": "positional_embedding", "max_len": 5}"#), vec![3, 2]));
    v.push((
        "positional_embedding sinusoidal",
        seq(r#"{"type": "positional_embedding", "max_len": 3, "learned": false}"#),
        vec![3, 2],
    ));
    let conv = |extra: &str| format!(r#"{{"type": "conv2d", "filters": 3, "kernel_size": 3, "init": "torch"{extra}}}"#);
    v.push(("conv2d", format!("[{}]", conv(r#", "padding": 1, "activation": "tanh""#)), vec![2, 5, 5]));
    // Stride 2 on a non-square input: the column count and the row count leave different remainders.
    v.push(("conv2d strided", format!("[{}]", conv(r#", "stride": 2"#)), vec![2, 5, 6]));
    v.push((
        "conv2d grouped",
        r#"[{"type": "conv2d", "filters": 4, "kernel_size": 2, "groups": 2, "bias": false, "init": "torch"}]"#.into(),
        vec![4, 5, 5],
    ));
    v.push((
        "conv2d dilated",
        format!("[{}]", conv(r#", "dilation": 2, "padding": 1, "activation": "relu""#)),
        vec![2, 6, 5],
    ));
    v.push((
        "conv1d",
        r#"[{"type": "conv1d", "filters": 4, "kernel_size": 3, "stride": 2, "padding": 2, "dilation": 2, "groups": 2, "activation": "leaky_relu", "init": "torch"}]"#.into(),
        vec![2, 9],
    ));
    v.push((
        "conv_transpose2d",
        r#"[{"type": "conv_transpose2d", "filters": 3, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1, "activation": "tanh", "init": "torch"}]"#.into(),
        vec![2, 3, 4],
    ));
    v.push((
        "conv_transpose2d grouped",
        r#"[{"type": "conv_transpose2d", "filters": 4, "kernel_size": 2, "groups": 2, "dilation": 2, "init": "torch"}]"#.into(),
        vec![4, 3, 3],
    ));
    let then = |layer: &str| format!(r#"[{}, {layer}]"#, conv(r#", "padding": 1"#));
    v.push(("max_pool2d", then(r#"{"type": "max_pool2d", "kernel_size": 2}"#), vec![2, 5, 5]));
    v.push(("max_pool2d strided", then(r#"{"type": "max_pool2d", "kernel_size": 3, "stride": 2}"#), vec![2, 5, 5]));
    v.push((
        "max_pool2d padded",
        then(r#"{"type": "max_pool2d", "kernel_size": 3, "stride": 2, "padding": 1}"#),
        vec![2, 5, 6],
    ));
    v.push(("avg_pool2d", then(r#"{"type": "avg_pool2d", "kernel_size": 2}"#), vec![2, 5, 5]));
    v.push(("avg_pool2d strided", then(r#"{"type": "avg_pool2d", "kernel_size": 3, "stride": 2}"#), vec![2, 5, 6]));
    v.push(("global_avg_pool", then(r#"{"type": "global_avg_pool"}"#), vec![2, 5, 5]));
    v.push(("adaptive_avg_pool2d", then(r#"{"type": "adaptive_avg_pool2d", "output_size": 2}"#), vec![2, 5, 5]));
    v.push(("adaptive_avg_pool2d up", then(r#"{"type": "adaptive_avg_pool2d", "output_size": 4}"#), vec![2, 3, 2]));
    v.into_iter().map(|(a, s, i)| (a, &*Box::leak(s.into_boxed_str()), i)).collect()
}

fn input(shape: &[usize], rows: usize, tokens: bool) -> Tensor {
    let mut rng = Rng::new(11);
    let n = rows * shape.iter().product::<usize>();
    let v: Vec<f64> = (0..n).map(|_| if tokens { rng.below(7) as f64 } else { rng.normal() }).collect();
    let mut dims = vec![rows];
    dims.extend_from_slice(shape);
    Tensor::from_vec(v, dims, &Device::Cpu).unwrap()
}

/// `sum(out * probe)` for a fixed probe, with the same dropout mask every time.
fn objective(net: &Network, x: &Tensor, probe: &Tensor) -> Tensor {
    let out = net.forward(x, &mut Mode::train(Rng::new(5))).unwrap();
    (out * probe).unwrap().sum_all().unwrap()
}

#[test]
fn gradients_match_finite_differences() {
    for (name, spec, shape) in specs() {
        let spec = NetworkSpec::from_json(spec).unwrap();
        let net = Network::build(&spec, &shape, DType::F64, &Device::Cpu, 3).unwrap();
        let tokens = name.starts_with("embedding");
        let x = input(&shape, 6, tokens);
        let xv = Var::from_tensor(&x).unwrap();
        let out_dims: Vec<usize> = net.forward(&x, &mut Mode::eval()).unwrap().dims().to_vec();
        let probe = input(&out_dims[1..], 6, false);
        let loss = objective(&net, xv.as_tensor(), &probe);
        let grads = loss.backward().unwrap();
        let mut checked: Vec<(String, Var, Option<Tensor>)> = net
            .params()
            .into_iter()
            .map(|p| {
                let g = grads.get(&p.var).cloned();
                (p.name, p.var, g)
            })
            .collect();
        if !tokens {
            checked.push(("input".into(), xv.clone(), grads.get(&xv).cloned()));
        }
        for (pname, var, grad) in checked {
            let grad = grad.unwrap_or_else(|| panic!("{name}: no gradient for {pname}"));
            let g = grad.flatten_all().unwrap().to_vec1::<f64>().unwrap();
            assert!(g.iter().any(|v| v.abs() > 1e-8), "{name}: the gradient of {pname} is zero");
            let base = var.flatten_all().unwrap().to_vec1::<f64>().unwrap();
            let h = 1e-6;
            for i in 0..base.len() {
                let at = |d: f64| {
                    let mut v = base.clone();
                    v[i] += d;
                    var.set(&Tensor::from_vec(v, var.dims(), &Device::Cpu).unwrap()).unwrap();
                    let x_now = if pname == "input" { var.as_tensor().clone() } else { x.clone() };
                    objective(&net, &x_now, &probe).to_scalar::<f64>().unwrap()
                };
                let numeric = (at(h) - at(-h)) / (2.0 * h);
                var.set(&Tensor::from_vec(base.clone(), var.dims(), &Device::Cpu).unwrap()).unwrap();
                let tol = 1e-6 * (1.0 + numeric.abs());
                assert!((numeric - g[i]).abs() < tol, "{name}: d/d{pname}[{i}] autograd {} vs numeric {numeric}", g[i]);
            }
        }
    }
}

#[test]
fn every_parameter_learns_in_float32() {
    for (name, spec, shape) in specs() {
        let spec = NetworkSpec::from_json(spec).unwrap();
        let net = Network::build(&spec, &shape, DType::F32, &Device::Cpu, 1).unwrap();
        let x = input(&shape, 8, name.starts_with("embedding")).to_dtype(DType::F32).unwrap();
        let out = net.forward(&x, &mut Mode::train(Rng::new(2))).unwrap();
        let probe = input(&out.dims()[1..], 8, false).to_dtype(DType::F32).unwrap();
        let grads = (out * probe).unwrap().sum_all().unwrap().backward().unwrap();
        for p in net.params() {
            let g = grads.get(&p.var).unwrap_or_else(|| panic!("{name}: {} gets no gradient", p.name));
            let max = g.abs().unwrap().max_all().unwrap().to_scalar::<f32>().unwrap();
            assert!(max > 0.0, "{name}: {} gets a zero gradient", p.name);
        }
    }
}
