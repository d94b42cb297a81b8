//! Times the forward pass and the backward pass (of the sum of the outputs)
//! of the Fashion-MNIST CNN (conv 3x3 32, pool 2, conv 3x3 64, pool 2, dense
//! 128, dense 10) in float32, then of each of its layers alone, and of the same
//! CNN and convolutions built from candle's own `conv2d` and `max_pool2d`.
//! Each line gives the median and least wall time and the median CPU time of
//! all threads, in milliseconds; on a shared machine the wall time also
//! counts the time other processes hold the cores.
//!
//! ```text
//! RAYON_NUM_THREADS=2 cargo run --release -p ironlearn-nn --example cnn_timing [batch] [repeats] [filter]
//! ```

use std::time::Instant;

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::Rng;
use ironlearn_nn::network::Network;
use ironlearn_nn::{Mode, NetworkSpec};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn random(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = Rng::new(seed);
    let v: Vec<f32> = (0..shape.iter().product::<usize>()).map(|_| rng.normal() as f32).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
}

/// Median and least of `times`, in milliseconds.
fn median_min_ms(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2] * 1e3, times[0] * 1e3)
}

/// Seconds on a CPU of all the process's threads so far (Linux; zero elsewhere).
/// On a shared machine this is steadier than the wall clock, which counts the
/// time other processes hold the cores.
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    let mut ns = 0u64;
    for task in tasks.flatten() {
        if let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) {
            ns += stat.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    ns as f64 * 1e-9
}

/// One phase's times: wall (median, least) and CPU (median), in milliseconds.
struct Times {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Times {
    fn summary(mut self) -> (f64, f64, f64) {
        let (median, least) = median_min_ms(std::mem::take(&mut self.wall));
        (median, least, median_min_ms(self.cpu).0)
    }
}

/// Forward and backward (of the sum of the outputs) times.
fn time(repeats: usize, forward: impl Fn() -> Tensor) -> ((f64, f64, f64), (f64, f64, f64)) {
    let mut fwd = Times { wall: Vec::new(), cpu: Vec::new() };
    let mut bwd = Times { wall: Vec::new(), cpu: Vec::new() };
    for i in 0..repeats + 2 {
        let (t, c) = (Instant::now(), cpu_seconds());
        let y = forward();
        let (f, fc) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        let loss = y.sum_all().unwrap();
        let (t, c) = (Instant::now(), cpu_seconds());
        let grads = loss.backward().unwrap();
        let (b, bc) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        drop(grads);
        // The first two are warm-up.
        if i >= 2 {
            fwd.wall.push(f);
            fwd.cpu.push(fc);
            bwd.wall.push(b);
            bwd.cpu.push(bc);
        }
    }
    (fwd.summary(), bwd.summary())
}

fn report(name: &str, ((f, f_min, f_cpu), (b, b_min, b_cpu)): ((f64, f64, f64), (f64, f64, f64))) {
    println!(
        "{name:<42} forward {f:6.1} ({f_min:5.1}, cpu {f_cpu:6.1})   backward {b:6.1} ({b_min:5.1}, cpu {b_cpu:6.1})"
    );
}

/// Times the network `spec` on a batch of `input`-shaped samples; the input is a
/// variable when `input_grad` (as it is for every layer but the first).
fn time_spec(name: &str, spec: &str, input: &[usize], batch: usize, repeats: usize, input_grad: bool) {
    if !selected(name) {
        return;
    }
    let spec = NetworkSpec::from_json(spec).unwrap();
    let net = Network::build(&spec, input, DType::F32, &Device::Cpu, 0).unwrap();
    let mut shape = vec![batch];
    shape.extend_from_slice(input);
    let x = Var::from_tensor(&random(&shape, 1)).unwrap();
    let x = if input_grad { x.as_tensor().clone() } else { x.as_detached_tensor() };
    report(name, time(repeats, || net.forward(&x, &mut Mode::train(Rng::new(0))).unwrap()));
}

/// candle's `conv2d` (im2col and a GEMM forward; a transposed convolution and a
/// convolution by the output gradient backward), bias and ReLU, on the same shapes.
fn time_candle_conv(name: &str, c: usize, hw: usize, filters: usize, batch: usize, repeats: usize, input_grad: bool) {
    if !selected(name) {
        return;
    }
    let x = Var::from_tensor(&random(&[batch, c, hw, hw], 1)).unwrap();
    let x = if input_grad { x.as_tensor().clone() } else { x.as_detached_tensor() };
    let w = Var::from_tensor(&(random(&[filters, c, 3, 3], 2) * 0.1).unwrap()).unwrap();
    let b = Var::from_tensor(&random(&[1, filters, 1, 1], 3)).unwrap();
    report(name, time(repeats, || x.conv2d(&w, 0, 1, 1, 1).unwrap().broadcast_add(&b).unwrap().relu().unwrap()));
}

/// The CNN from candle's own operations (its max-pool backward works here,
/// as the stride equals the kernel).
fn time_candle_cnn(name: &str, batch: usize, repeats: usize) {
    if !selected(name) {
        return;
    }
    let x = random(&[batch, 1, 28, 28], 1);
    let var = |shape: &[usize], seed: u64| Var::from_tensor(&(random(shape, seed) * 0.05).unwrap()).unwrap();
    let (w1, b1, w2, b2) =
        (var(&[32, 1, 3, 3], 2), var(&[1, 32, 1, 1], 3), var(&[64, 32, 3, 3], 4), var(&[1, 64, 1, 1], 5));
    let (w3, b3, w4, b4) = (var(&[1600, 128], 6), var(&[128], 7), var(&[128, 10], 8), var(&[10], 9));
    report(
        name,
        time(repeats, || {
            let h = x.conv2d(&w1, 0, 1, 1, 1).unwrap().broadcast_add(&b1).unwrap().relu().unwrap();
            let h = h.max_pool2d(2).unwrap();
            let h = h.conv2d(&w2, 0, 1, 1, 1).unwrap().broadcast_add(&b2).unwrap().relu().unwrap();
            let h = h.max_pool2d(2).unwrap().flatten_from(1).unwrap();
            let h = h.matmul(&w3).unwrap().broadcast_add(&b3).unwrap().relu().unwrap();
            h.matmul(&w4).unwrap().broadcast_add(&b4).unwrap()
        }),
    );
}

/// Whether the third argument, if any, is part of `name`.
fn selected(name: &str) -> bool {
    std::env::args().nth(3).is_none_or(|f| name.contains(&f))
}

fn main() {
    let args: Vec<usize> =
        std::env::args().skip(1).take(2).map(|a| a.parse().expect("batch and repeats are integers")).collect();
    let batch = args.first().copied().unwrap_or(128);
    let repeats = args.get(1).copied().unwrap_or(20);
    println!(
        "batch {batch}, {} threads, float32; ms: median wall (least wall, median CPU of all threads) of {repeats}",
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into())
    );
    let conv1 = r#"{"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"}"#;
    let conv2 = r#"{"type": "conv2d", "filters": 64, "kernel_size": 3, "activation": "relu"}"#;
    let pool = r#"{"type": "max_pool2d", "kernel_size": 2}"#;
    let dense = r#"{"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}"#;
    let cnn = format!(r#"[{conv1}, {pool}, {conv2}, {pool}, {{"type": "flatten"}}, {dense}]"#);
    time_spec("CNN 1x28x28 (whole step)", &cnn, &[1, 28, 28], batch, repeats, false);
    time_spec("  conv 3x3 1->32 + relu on 28x28", &format!("[{conv1}]"), &[1, 28, 28], batch, repeats, false);
    time_spec("  max_pool 2 on 32x26x26", &format!("[{pool}]"), &[32, 26, 26], batch, repeats, true);
    time_spec("  conv 3x3 32->64 + relu on 13x13", &format!("[{conv2}]"), &[32, 13, 13], batch, repeats, true);
    time_spec("  max_pool 2 on 64x11x11", &format!("[{pool}]"), &[64, 11, 11], batch, repeats, true);
    let relu = r#"[{"type": "activation", "activation": "relu"}]"#;
    time_spec("  (for scale: candle's relu on 32x26x26)", relu, &[32, 26, 26], batch, repeats, true);
    let head = format!(r#"[{{"type": "flatten"}}, {dense}]"#);
    time_spec("  flatten, dense 1600->128->10", &head, &[64, 5, 5], batch, repeats, true);
    time_candle_cnn("candle-only CNN (whole step)", batch, repeats);
    time_candle_conv("candle conv2d 3x3 1->32 + relu on 28x28", 1, 28, 32, batch, repeats, false);
    time_candle_conv("candle conv2d 3x3 32->64 + relu on 13x13", 32, 13, 64, batch, repeats, true);
}
