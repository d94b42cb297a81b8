//! Times prediction of a saved booster on a `.npy` matrix (float64, C order),
//! for profiling: `cargo run --release -p ironlearn-boost --example predict -- MODEL X.npy [reps]`
//! (bench/gbdt.py caches its test sets as bench/data/cache/NAME/Xte.npy).

use std::time::Instant;

use anyhow::ensure;
use ironlearn_boost::GbdtModel;
use ironlearn_core::{Features, Persist};

#[path = "common/npy.rs"]
mod npy;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ensure!(args.len() >= 2, "usage: predict MODEL X.npy [reps]");
    let model = GbdtModel::load(&args[0])?;
    let x = npy::matrix(&args[1])?;
    let reps: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let n = x.nrows();
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        std::hint::black_box(model.predict_raw(Features::Dense(x.view()), None)?);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let hundred = x.slice(ndarray::s![..n.min(100), ..]);
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(model.predict_raw(Features::Dense(hundred), None).unwrap());
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let per_hundred = hundred.nrows() as f64 / times[times.len() / 2];
    let t = Instant::now();
    let singles = n.min(2000);
    for i in 0..singles {
        std::hint::black_box(model.predict_raw(Features::Dense(x.slice(ndarray::s![i..i + 1, ..])), None)?);
    }
    let single = t.elapsed().as_secs_f64() / singles as f64;
    println!(
        "{n} rows: best of {reps} {:.0} rows/s; batches of 100 (median) {per_hundred:.0} rows/s; one row at a time {:.0} rows/s",
        n as f64 / best,
        1.0 / single
    );
    Ok(())
}
