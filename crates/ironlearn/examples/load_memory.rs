//! Peak memory of loading a model file, against the file's size.
//!
//! `cargo run --release -p ironlearn --example load_memory -- MODEL`: reads
//! the process's peak resident memory (Linux `VmHWM`) before and after
//! loading, so the copies a load makes show as a multiple of the file size.

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: load_memory MODEL"))?;
    let size = std::fs::metadata(&path)?.len();
    let before = peak_kib();
    let started = std::time::Instant::now();
    let loaded = ironlearn::pipeline::load(&path)?;
    let seconds = started.elapsed().as_secs_f64();
    let after = peak_kib();
    let grown = (after - before) as f64 * 1024.0;
    println!(
        "{path}: '{}' model, file {:.1} MB, peak memory grew {:.1} MB ({:.2}x the file) in {:.3}s",
        loaded.header.kind,
        size as f64 / 1e6,
        grown / 1e6,
        grown / size as f64,
        seconds
    );
    Ok(())
}
