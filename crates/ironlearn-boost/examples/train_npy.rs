//! Trains the booster on a data set bench/gbdt.py has cached, for profiling
//! without Python: `cargo run --release -p ironlearn-boost --example train_npy --
//! bench/data/cache/flights regression|binary|multiclass [rounds] [leaves] [threads]` (the
//! directory holds Xtr.npy, ytr.npy, Xte.npy, yte.npy and cats.json). Prints
//! the training time and the held-out RMSE (regression) or AUC (binary);
//! `IRONLEARN_TRACE=1` adds where the time went.

use std::time::Instant;

use anyhow::{ensure, Context};
use ironlearn_boost::{train, Dataset, Gbdt};
use ironlearn_core::{Features, FitContext, Labels, Target};

#[path = "common/npy.rs"]
mod npy;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ensure!(args.len() >= 2, "usage: train_npy DIR regression|binary|multiclass [rounds] [leaves] [threads]");
    let (dir, objective) = (&args[0], args[1].as_str());
    let num = |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (rounds, leaves, threads) = (num(2, 100), num(3, 31), num(4, 2));
    let xtr = npy::matrix(&format!("{dir}/Xtr.npy"))?;
    let xte = npy::matrix(&format!("{dir}/Xte.npy"))?;
    let (_, ytr) = npy::read(&format!("{dir}/ytr.npy"))?;
    let (_, yte) = npy::read(&format!("{dir}/yte.npy"))?;
    let cats = std::fs::read_to_string(format!("{dir}/cats.json")).context("reading cats.json")?;
    let categorical_feature: Vec<String> = cats
        .trim()
        .trim_matches(['[', ']'])
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let y = match objective {
        "regression" => Target::Values(ytr),
        "binary" => Target::Labels(Labels::new(
            vec!["0".into(), "1".into()],
            ytr.iter().map(|&v| u32::from(v > 0.5)).collect(),
        )?),
        "multiclass" => {
            let k = ytr.iter().fold(0.0f64, |m, &v| m.max(v)) as usize + 1;
            Target::Labels(Labels::new(
                (0..k).map(|c| c.to_string()).collect(),
                ytr.iter().map(|&v| v as u32).collect(),
            )?)
        }
        other => anyhow::bail!("objective {other}: use regression, binary or multiclass"),
    };
    let params = Gbdt {
        n_estimators: rounds,
        num_leaves: leaves,
        num_threads: threads,
        objective: objective.into(),
        categorical_feature,
        ..Default::default()
    };
    let t = Instant::now();
    let model = train(&params, &Dataset::supervised(Features::Dense(xtr.view()), &y), &mut FitContext::default())?;
    let train_s = t.elapsed().as_secs_f64();
    let raw = model.predict_raw(Features::Dense(xte.view()), None)?;
    let score = if objective == "multiclass" {
        let right = (0..yte.len())
            .filter(|&i| ironlearn_core::validate::argmax(raw.row(i).iter().copied()) == yte[i] as usize)
            .count();
        format!("accuracy {:.5}", right as f64 / yte.len() as f64)
    } else if objective == "regression" {
        let se: f64 = raw.iter().zip(&yte).map(|(p, y)| (p - y) * (p - y)).sum();
        format!("RMSE {:.5}", (se / yte.len() as f64).sqrt())
    } else {
        // AUC by ranks: the fraction of (positive, negative) pairs ordered right (ties count half).
        let mut order: Vec<usize> = (0..yte.len()).collect();
        order.sort_by(|&a, &b| raw[[a, 0]].total_cmp(&raw[[b, 0]]));
        let (mut rank_sum, mut pos, mut i) = (0.0, 0.0, 0);
        while i < order.len() {
            let mut j = i;
            while j < order.len() && raw[[order[j], 0]] == raw[[order[i], 0]] {
                j += 1;
            }
            let mid = (i + j + 1) as f64 / 2.0;
            for &o in &order[i..j] {
                if yte[o] > 0.5 {
                    rank_sum += mid;
                    pos += 1.0;
                }
            }
            i = j;
        }
        let neg = yte.len() as f64 - pos;
        format!("AUC {:.5}", (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
    };
    // Raw scores to the last bit: equal checksums mean the same model, in practice.
    let checksum = raw.iter().fold(0u64, |h, v| h.rotate_left(5) ^ v.to_bits());
    println!("{dir}: {rounds} rounds, {leaves} leaves, {threads} threads: train {train_s:.3} s, {score}, checksum {checksum:016x}");
    Ok(())
}
