//! Trains the booster on generated binary data, for profiling:
//! `cargo run --release -p ironlearn-boost --example synthetic -- 1000000 100 2`
//! (rows, rounds, threads, leaves).

use std::time::Instant;

use ironlearn_boost::{train, Dataset, Gbdt};
use ironlearn_core::{Features, FitContext, Labels, Rng, Target};
use ndarray::Array2;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (n, rounds, threads) = (
        args.first().copied().unwrap_or(1_000_000),
        args.get(1).copied().unwrap_or(100),
        args.get(2).copied().unwrap_or(2),
    );
    let leaves = args.get(3).copied().unwrap_or(31);
    let mut rng = Rng::new(1);
    let x = Array2::from_shape_fn((n, 28), |(_, j)| if j % 3 == 0 { rng.normal().abs() * 1.5 } else { rng.normal() });
    let codes: Vec<u32> = x
        .rows()
        .into_iter()
        .map(|r| {
            let z =
                0.8 * (r[0] * r[0] + r[3] * r[3]).sqrt() - 1.2 * r[1] * r[4] + (r[2] - r[5]).tanh() + 0.3 * r[8] - 1.0;
            u32::from(rng.uniform() < 1.0 / (1.0 + (-z).exp()))
        })
        .collect();
    let y = Target::Labels(Labels::new(vec!["0".into(), "1".into()], codes).unwrap());
    let params = Gbdt {
        n_estimators: rounds,
        num_threads: threads,
        num_leaves: leaves,
        objective: "binary".into(),
        ..Default::default()
    };
    let t = Instant::now();
    let model =
        train(&params, &Dataset::supervised(Features::Dense(x.view()), &y), &mut FitContext::default()).unwrap();
    let train_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let raw = model.predict_raw(Features::Dense(x.view()), None).unwrap();
    println!(
        "rows {n} rounds {rounds} threads {threads}: train {train_s:.2}s, predict {:.3}s, mean raw {:.4}",
        t.elapsed().as_secs_f64(),
        raw.mean().unwrap()
    );
}
