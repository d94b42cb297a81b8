//! `ironlearn`: train, predict, evaluate and inspect models from the shell.
//!
//! Every failure ends the process with a non-zero exit code and one line on
//! stderr that names the problem; a panic is reported the same way, as the
//! bug it is.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod info;
mod input;
mod predict;
mod ranking;
mod rows;
mod target;
mod train;

/// Machine learning from the command line.
#[derive(Debug, Parser)]
#[command(name = "ironlearn", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train a model on a CSV or Parquet file, report held-out metrics and save it.
    Train(train::TrainArgs),
    /// Predict with a saved model; writes CSV or Parquet by the output's extension.
    Predict(predict::PredictArgs),
    /// Score a saved model on labelled data.
    Evaluate(predict::EvaluateArgs),
    /// Print a model file's header.
    Info(info::InfoArgs),
    /// List every model with its parameters and defaults.
    Models(info::ModelsArgs),
}

/// Writes to stdout; a closed pipe (`ironlearn models | head`) is not an error.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Training allocates and frees tensors of megabytes every step; glibc's malloc hands
/// them back to the kernel and faults them in again, mimalloc keeps them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("ironlearn: internal error (a bug, please report it): {msg}{at}");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(a) => train::run(a),
        Command::Predict(a) => predict::run_predict(a),
        Command::Evaluate(a) => predict::run_evaluate(a),
        Command::Info(a) => info::run_info(a),
        Command::Models(a) => info::run_models(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The chain of causes, each said once: our errors already name their source.
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                let cause = cause.to_string();
                if !msg.contains(&cause) {
                    msg = format!("{msg}: {cause}");
                }
            }
            let msg = msg.replace('\n', " ");
            eprintln!("ironlearn: error: {msg}");
            ExitCode::FAILURE
        }
    }
}
