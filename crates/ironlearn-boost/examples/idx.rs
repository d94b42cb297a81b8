//! Trains the booster on an IDX image set (Fashion-MNIST as fetched by
//! `bench/fetch_data.sh`, gunzipped), for profiling the wide, sparse case:
//! `cargo run --release -p ironlearn-boost --example idx -- DIR rounds threads leaves`.

use std::time::Instant;

use anyhow::{ensure, Context};
use ironlearn_boost::{train, Dataset, Gbdt};
use ironlearn_core::{Features, FitContext, Labels, Target};
use ndarray::Array2;

/// Reads an IDX file: a big-endian header of dimensions, then u8 values.
fn read_idx(path: &std::path::Path) -> anyhow::Result<(Vec<usize>, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(bytes.len() >= 4 && bytes[2] == 0x08, "{} is not an unsigned-byte IDX file", path.display());
    let dims = usize::from(bytes[3]);
    let shape: Vec<usize> =
        (0..dims).map(|d| u32::from_be_bytes(bytes[4 + 4 * d..8 + 4 * d].try_into().unwrap()) as usize).collect();
    let body = bytes[4 + 4 * dims..].to_vec();
    ensure!(body.len() == shape.iter().product::<usize>(), "{} is truncated", path.display());
    Ok((shape, body))
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().context("usage: idx DIR [rounds threads leaves]")?);
    let nums: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    let (rounds, threads, leaves) =
        (nums.first().copied().unwrap_or(20), nums.get(1).copied().unwrap_or(2), nums.get(2).copied().unwrap_or(31));
    let (shape, pixels) = read_idx(&dir.join("train-images-idx3-ubyte"))?;
    let (_, labels) = read_idx(&dir.join("train-labels-idx1-ubyte"))?;
    let (n, width) = (shape[0], shape[1..].iter().product::<usize>());
    let x = Array2::from_shape_vec((n, width), pixels.into_iter().map(f64::from).collect())?;
    let names: Vec<String> = (0..10).map(|c| c.to_string()).collect();
    let y = Target::Labels(Labels::new(names, labels.into_iter().map(u32::from).collect())?);
    let params = Gbdt {
        n_estimators: rounds,
        num_threads: threads,
        num_leaves: leaves,
        objective: "multiclass".into(),
        ..Default::default()
    };
    let t = Instant::now();
    let model = train(&params, &Dataset::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())?;
    let train_s = t.elapsed().as_secs_f64();
    let (shape, pixels) = read_idx(&dir.join("t10k-images-idx3-ubyte"))?;
    let (_, labels) = read_idx(&dir.join("t10k-labels-idx1-ubyte"))?;
    let xt = Array2::from_shape_vec((shape[0], width), pixels.into_iter().map(f64::from).collect())?;
    let raw = model.predict_raw(Features::Dense(xt.view()), None)?;
    let hits = raw.rows().into_iter().zip(&labels).filter(|(r, &l)| {
        let best = r.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        best == usize::from(l)
    });
    println!(
        "{n} x {width}, {rounds} rounds, {threads} threads: train {train_s:.2}s, test accuracy {:.4}",
        hits.count() as f64 / labels.len() as f64
    );
    Ok(())
}
