//! Outputs and gradients against PyTorch's, layer by layer and loss by
//! loss, on fixtures written once by `tests/torch/make_fixtures.py`: the
//! weights PyTorch drew, an input, PyTorch's output and the gradients of
//! `sum(output * probe)` for every weight and the input, all in float64.

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::Rng;
use ironlearn_nn::network::Network;
use ironlearn_nn::{Loss, Mode, NetworkSpec};

struct Fixture {
    name: String,
    tensors: HashMap<String, Tensor>,
    meta: HashMap<String, String>,
}

fn fixtures() -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/torch/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
            Fixture {
                name: p.file_stem().unwrap().to_string_lossy().into_owned(),
                tensors: candle_core::safetensors::load_buffer(&bytes, &Device::Cpu).unwrap(),
                meta: meta.metadata().clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// Fails unless `got` equals `want` to 1e-10, relative to the larger values.
fn assert_close(got: &Tensor, want: &Tensor, what: &str) {
    assert_eq!(got.dims(), want.dims(), "{what}: shapes differ");
    let g = got.to_dtype(DType::F64).unwrap().flatten_all().unwrap().to_vec1::<f64>().unwrap();
    let w = want.flatten_all().unwrap().to_vec1::<f64>().unwrap();
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!((a - b).abs() <= 1e-10 * (1.0 + b.abs()), "{what}[{i}]: ironlearn {a}, PyTorch {b}");
    }
}

#[test]
fn layers_match_pytorch() {
    let mut checked = 0;
    for f in fixtures().into_iter().filter(|f| f.meta.contains_key("spec")) {
        let name = &f.name;
        let spec = NetworkSpec::from_json(&f.meta["spec"]).unwrap();
        let shape: Vec<usize> = serde_json::from_str(&f.meta["input_shape"]).unwrap();
        let train: bool = serde_json::from_str(&f.meta["train"]).unwrap();
        let net = Network::build(&spec, &shape, DType::F64, &Device::Cpu, 0).unwrap();
        let params = net.params();
        let in_fixture = f.tensors.keys().filter(|k| k.starts_with("param.")).count();
        assert_eq!(params.len(), in_fixture, "{name}: parameter count");
        for p in &params {
            let saved = f.tensors.get(&format!("param.{}", p.name)).unwrap_or_else(|| panic!("{name}: no {}", p.name));
            p.var.set(saved).unwrap_or_else(|e| panic!("{name}: {}: {e}", p.name));
        }
        let x = Var::from_tensor(&f.tensors["x"]).unwrap();
        let mut mode = if train { Mode::train(Rng::new(0)) } else { Mode::eval_with_grad() };
        let y = net.forward(x.as_tensor(), &mut mode).unwrap();
        assert_close(&y, &f.tensors["y"], &format!("{name}: output"));
        let grads = (y * &f.tensors["probe"]).unwrap().sum_all().unwrap().backward().unwrap();
        for p in &params {
            let g = grads.get(&p.var).unwrap_or_else(|| panic!("{name}: no gradient for {}", p.name));
            assert_close(g, &f.tensors[&format!("grad.{}", p.name)], &format!("{name}: gradient of {}", p.name));
        }
        if let Some(want) = f.tensors.get("grad.x") {
            assert_close(grads.get(&x).unwrap(), want, &format!("{name}: input gradient"));
        }
        for saved in net.state().unwrap() {
            if let Some(want) = f.tensors.get(&format!("buffer.{}", saved.name)) {
                let t = Tensor::from_vec(
                    match saved.values {
                        ironlearn_nn::network::Values::F64(v) => v,
                        other => panic!("{name}: {other:?}"),
                    },
                    saved.shape,
                    &Device::Cpu,
                )
                .unwrap();
                assert_close(&t, want, &format!("{name}: {}", saved.name));
            }
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} layer fixtures");
}

#[test]
fn losses_match_pytorch() {
    let mut checked = 0;
    for f in fixtures().into_iter().filter(|f| f.meta.contains_key("loss")) {
        let loss: Loss = serde_json::from_str(&f.meta["loss"]).unwrap();
        let out = Var::from_tensor(&f.tensors["out"]).unwrap();
        let target = &f.tensors["target"];
        let target = if loss.takes_classes() { target.to_dtype(DType::U32).unwrap() } else { target.clone() };
        let value = loss.compute(out.as_tensor(), &target, None).unwrap();
        assert_close(&value.reshape(1).unwrap(), &f.tensors["loss"], &format!("{}: value", f.name));
        let grads = value.backward().unwrap();
        assert_close(grads.get(&out).unwrap(), &f.tensors["grad"], &format!("{}: gradient", f.name));
        checked += 1;
    }
    assert_eq!(checked, 7);
}
