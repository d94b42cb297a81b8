//! Fashion-MNIST with a multi-layer perceptron (784-256-128-10) or a
//! convolutional network (conv3x3 32, max-pool, conv3x3 64, max-pool, dense
//! 128), Adam, batches of 128: prints each epoch's loss and time, then the
//! test accuracy.
//!
//! The data comes from the Debian package `dataset-fashion-mnist`
//! (`bench/fetch_data.sh` unpacks it into `bench/data/fashion-mnist`):
//!
//! ```text
//! cargo run --release -p ironlearn-nn --example fashion_mnist -- [DIR] [EPOCHS] [mlp|cnn]
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use ironlearn_core::{Features, FitContext, Fitted, Labels, Learn, Prediction, Target, TrainData};
use ironlearn_nn::NeuralNetwork;
use ndarray::Array2;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn read_gz(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut out)?;
    Ok(out)
}

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Images scaled to [0, 1] (rows, 784) and their labels.
fn load(dir: &Path, split: &str) -> Result<(Array2<f32>, Labels)> {
    let images = read_gz(&dir.join(format!("{split}-images-idx3-ubyte.gz")))?;
    let labels = read_gz(&dir.join(format!("{split}-labels-idx1-ubyte.gz")))?;
    ensure!(be32(&images, 0) == 2051 && be32(&labels, 0) == 2049, "not IDX image and label files");
    let (n, side) = (be32(&images, 4), be32(&images, 8) * be32(&images, 12));
    ensure!(images.len() == 16 + n * side && labels.len() == 8 + n, "truncated IDX files");
    let x = Array2::from_shape_vec((n, side), images[16..].iter().map(|&p| f32::from(p) / 255.0).collect())?;
    let names: Vec<String> = labels[8..].iter().map(|c| c.to_string()).collect();
    Ok((x, Labels::from_strings(&names)))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
        let local = PathBuf::from("bench/data/fashion-mnist");
        if local.exists() {
            local
        } else {
            PathBuf::from("/usr/share/datasets/fashion-mnist")
        }
    });
    let epochs: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(10);
    let (x, y) = load(&dir, "train")?;
    let (xt, yt) = load(&dir, "t10k")?;
    let spec = match args.get(3).map_or("mlp", String::as_str) {
        "mlp" => serde_json::json!([
            {"type": "dense", "units": 256, "activation": "relu", "init": "torch"},
            {"type": "dense", "units": 128, "activation": "relu", "init": "torch"}
        ]),
        "cnn" => serde_json::json!([
            {"type": "reshape", "shape": [1, 28, 28]},
            {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu", "init": "torch"},
            {"type": "max_pool2d", "kernel_size": 2},
            {"type": "conv2d", "filters": 64, "kernel_size": 3, "activation": "relu", "init": "torch"},
            {"type": "max_pool2d", "kernel_size": 2},
            {"type": "flatten"},
            {"type": "dense", "units": 128, "activation": "relu", "init": "torch"}
        ]),
        other => anyhow::bail!("unknown network {other:?}: mlp or cnn"),
    };
    let params = NeuralNetwork { spec: Some(spec), epochs, batch_size: 128, learning_rate: 1e-3, ..Default::default() };
    let target = Target::Labels(y);
    let mut last = Instant::now();
    let mut cb = |p: &ironlearn_core::Progress<'_>| {
        println!("epoch {:>2}: loss {:.4}  {:.2} s", p.iteration + 1, p.evals[0].2, last.elapsed().as_secs_f64());
        last = Instant::now();
        std::ops::ControlFlow::Continue(())
    };
    let mut ctx = FitContext { callback: Some(&mut cb), ..Default::default() };
    let start = Instant::now();
    let model = params.learn(&TrainData::supervised(Features::DenseF32(x.view()), &target), &mut ctx)?;
    let train_s = start.elapsed().as_secs_f64();
    let Prediction::Labels(pred) = model.predict_data(Features::DenseF32(xt.view()))? else { unreachable!() };
    let right = pred.to_strings().iter().zip(yt.to_strings()).filter(|(a, b)| *a == b).count();
    println!(
        "test accuracy {:.4} after {epochs} epochs ({:.2} s an epoch)",
        right as f64 / yt.len() as f64,
        train_s / epochs as f64
    );
    Ok(())
}
