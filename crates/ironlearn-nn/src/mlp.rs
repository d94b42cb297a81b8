//! What scikit-learn's `MLPClassifier` and `MLPRegressor` share: the
//! network they build from `hidden_layer_sizes`, their three solvers, their
//! stopping rules and their fitted state.
//!
//! The rules are scikit-learn's, so a user switching over gets the same
//! behaviour: Glorot-uniform weights and biases (a smaller bound for the
//! logistic activation); a batch loss with `0.5 * alpha * ||W||^2 / rows`
//! added; Adam, or SGD with momentum and "constant", "invscaling" or
//! "adaptive" rates, stopped when the training loss (or, with
//! `early_stopping`, the validation score) has not improved by `tol` for
//! `n_iter_no_change` epochs; or full-batch L-BFGS. Computation runs in the
//! input's precision, as scikit-learn's does (float32 stays float32).

use std::ops::ControlFlow;

use candle_core::{DType, Device, Tensor};
use ironlearn_core::validate::check_finite;
use ironlearn_core::{bail, Error, Features, FitContext, Result};
use ironlearn_linalg::{minimize, Lbfgs};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::convert::{tensor_from_f32, tensor_from_f64, to_array2, CandleResult};
use crate::layers::Mode;
use crate::loader::Dataset;
use crate::loss::Loss;
use crate::network::{NamedTensor, Network};
use crate::optim::OptimizerSpec;
use crate::schedule::Schedule;
use crate::spec::{Activation, Init, LayerSpec, NetworkSpec};
use crate::trainer::{predict, train, TrainConfig};

/// The hyperparameters both MLP estimators take, as scikit-learn names them.
#[derive(Debug, Clone)]
pub(crate) struct MlpConfig<'a> {
    pub hidden_layer_sizes: &'a [usize],
    pub activation: &'a str,
    pub solver: &'a str,
    pub alpha: f64,
    pub batch_size: Option<usize>,
    pub learning_rate: &'a str,
    pub learning_rate_init: f64,
    pub power_t: f64,
    pub max_iter: usize,
    pub shuffle: bool,
    pub random_state: u64,
    pub tol: f64,
    pub momentum: f64,
    pub nesterovs_momentum: bool,
    pub early_stopping: bool,
    pub validation_fraction: f64,
    pub beta_1: f64,
    pub beta_2: f64,
    pub epsilon: f64,
    pub n_iter_no_change: usize,
    pub max_fun: usize,
}

/// The output layer and its loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head {
    /// One logistic output (two classes).
    Binary,
    /// A softmax over this many classes.
    Softmax(usize),
    /// Identity outputs with half the squared error.
    Regression(usize),
}

impl Head {
    fn outputs(self) -> usize {
        match self {
            Head::Binary => 1,
            Head::Softmax(k) | Head::Regression(k) => k,
        }
    }

    fn loss(self) -> Loss {
        match self {
            Head::Binary => Loss::BinaryCrossEntropy,
            Head::Softmax(_) => Loss::default_for(true),
            Head::Regression(_) => Loss::Mse,
        }
    }

    /// scikit-learn's `out_activation_`.
    fn out_activation(self) -> &'static str {
        match self {
            Head::Binary => "logistic",
            Head::Softmax(_) => "softmax",
            Head::Regression(_) => "identity",
        }
    }

    /// scikit-learn's regression loss is half the squared error.
    fn loss_scale(self) -> f64 {
        if matches!(self, Head::Regression(_)) {
            0.5
        } else {
            1.0
        }
    }
}

/// The fitted state both MLP models keep; the field names are scikit-learn's attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MlpState {
    /// Weight matrices, `(inputs, outputs)` per layer.
    pub coefs: Vec<Array2<f64>>,
    /// Bias vectors per layer.
    pub intercepts: Vec<Array1<f64>>,
    pub n_iter: usize,
    /// The last epoch's training loss (penalty included).
    pub loss: f64,
    /// The lowest training loss, unless stopping on a validation score.
    pub best_loss: Option<f64>,
    pub loss_curve: Vec<f64>,
    pub validation_scores: Option<Vec<f64>>,
    pub best_validation_score: Option<f64>,
    /// Training rows seen (scikit-learn's `t_`).
    pub t: u64,
    pub n_layers: usize,
    pub n_outputs: usize,
    pub out_activation: String,
    /// "float32" or "float64": the precision the network was trained and predicts in.
    #[serde(rename = "_dtype")]
    pub dtype: String,
}

fn param_error(name: &str, message: String) -> Error {
    Error::Param { name: name.into(), message }
}

/// scikit-learn's activation names.
fn activation_named(name: &str) -> Result<Activation> {
    Ok(match name {
        "identity" => Activation::Identity,
        "logistic" => Activation::Sigmoid,
        "tanh" => Activation::Tanh,
        "relu" => Activation::Relu,
        other => return Err(param_error("activation", format!("unknown activation '{other}'"))),
    })
}

fn dtype_of(x: &Features<'_>) -> DType {
    if matches!(x, Features::DenseF32(_)) {
        DType::F32
    } else {
        DType::F64
    }
}

fn input_tensor(x: &Features<'_>, dtype: DType) -> Result<Tensor> {
    match x {
        Features::DenseF32(v) => tensor_from_f32(v.view(), dtype, &Device::Cpu),
        other => tensor_from_f64(other.to_dense()?.view(), dtype, &Device::Cpu),
    }
}

impl MlpConfig<'_> {
    fn activation(&self) -> Result<Activation> {
        activation_named(self.activation)
    }

    fn spec(&self, head: Head) -> Result<NetworkSpec> {
        let activation = self.activation()?;
        let init = if activation == Activation::Sigmoid { Init::SklearnLogistic } else { Init::Sklearn };
        let mut layers: Vec<LayerSpec> = self
            .hidden_layer_sizes
            .iter()
            .map(|&units| LayerSpec::Dense { units, activation, bias: true, init })
            .collect();
        layers.push(LayerSpec::Dense { units: head.outputs(), activation: Activation::Identity, bias: true, init });
        Ok(NetworkSpec { layers })
    }

    fn check(&self) -> Result<()> {
        if self.hidden_layer_sizes.contains(&0) {
            return Err(param_error(
                "hidden_layer_sizes",
                format!("hidden_layer_sizes must be > 0, got {:?}", self.hidden_layer_sizes),
            ));
        }
        if self.batch_size == Some(0) {
            return Err(param_error("batch_size", "batch_size must be at least 1".into()));
        }
        Ok(())
    }

    fn optimizer(&self) -> OptimizerSpec {
        match self.solver {
            "sgd" => OptimizerSpec::Sgd {
                momentum: self.momentum,
                nesterov: self.nesterovs_momentum && self.momentum > 0.0,
                weight_decay: 0.0,
            },
            _ => OptimizerSpec::Adam { beta1: self.beta_1, beta2: self.beta_2, eps: self.epsilon, weight_decay: 0.0 },
        }
    }
}

/// What a fit is given: inputs, targets (class indices or values), weights, and optional
/// validation rows held out for early stopping (with a scoring function).
pub(crate) struct MlpData<'a> {
    pub x: Features<'a>,
    /// Class codes for a classifier, values `(rows, outputs)` for a regressor.
    pub y: Target,
    pub w: Option<&'a [f64]>,
    /// Codes to stratify the validation split by (classifiers).
    pub strata: Option<&'a [u32]>,
}

pub(crate) enum Target {
    Classes(Vec<u32>),
    Values(Array2<f64>),
}

/// Scores validation predictions (accuracy, R²), higher is better.
pub(crate) type Score<'a> = &'a dyn Fn(&Array2<f64>, &[usize]) -> f64;

/// Fits the network.
pub(crate) fn fit(
    cfg: &MlpConfig<'_>,
    head: Head,
    data: &MlpData<'_>,
    score: Score<'_>,
    ctx: &mut FitContext<'_>,
) -> Result<MlpState> {
    cfg.check()?;
    let dtype = dtype_of(&data.x);
    let n = data.x.n_rows();
    let p = data.x.n_cols();
    let spec = cfg.spec(head)?;
    let net = Network::build(&spec, &[p], dtype, &Device::Cpu, cfg.random_state)?;
    let x = input_tensor(&data.x, dtype)?;
    let y = match &data.y {
        Target::Classes(c) => match head {
            Head::Binary => Tensor::from_iter(c.iter().map(|&v| f64::from(v)), &Device::Cpu)
                .nn()?
                .reshape((n, 1))
                .nn()?
                .to_dtype(dtype)
                .nn()?,
            _ => Tensor::from_slice(c, n, &Device::Cpu).nn()?,
        },
        Target::Values(v) => tensor_from_f64(v.view(), dtype, &Device::Cpu)?,
    };
    let w = data.w.map(|w| Tensor::from_slice(w, n, &Device::Cpu).nn()?.to_dtype(dtype).nn()).transpose()?;
    let all = Dataset { x, y, w };

    if cfg.solver == "lbfgs" {
        return fit_lbfgs(cfg, head, &net, &all, ctx);
    }
    let (train_rows, valid_rows) = if cfg.early_stopping {
        let (tr, va) = ironlearn_metrics::train_test_split(n, cfg.validation_fraction, cfg.random_state, data.strata)
            .map_err(|e| Error::InvalidValue(format!("early_stopping: {e}")))?;
        (Some(tr), Some(va))
    } else {
        (None, None)
    };
    let rows = |idx: &[usize]| -> Result<Dataset> {
        let ids: Vec<u32> = idx.iter().map(|&i| i as u32).collect();
        all.select(&Tensor::from_slice(&ids, ids.len(), &Device::Cpu).nn()?).nn()
    };
    let train_set = match &train_rows {
        Some(tr) => rows(tr)?,
        None => all.clone(),
    };
    let valid = match &valid_rows {
        Some(va) => Some((rows(va)?, va.clone())),
        None => None,
    };
    let n_train = train_set.rows();
    let batch = cfg.batch_size.unwrap_or(200).min(n_train);
    let tc = TrainConfig {
        loss: head.loss(),
        optimizer: cfg.optimizer(),
        lr: cfg.learning_rate_init,
        schedule: Schedule::Constant,
        warmup_steps: 0,
        epochs: cfg.max_iter,
        batch_size: batch,
        shuffle: cfg.shuffle,
        seed: cfg.random_state,
        clip_norm: None,
        clip_value: None,
        l2: cfg.alpha,
        loss_scale: head.loss_scale(),
    };
    // scikit-learn's stopping state.
    let mut best_loss = f64::INFINITY;
    let mut best_score = f64::NEG_INFINITY;
    let mut scores = Vec::new();
    let mut no_improvement = 0;
    let mut best_state: Option<Vec<NamedTensor>> = None;
    let mut seen: u64 = 0;
    let invscaling = cfg.solver == "sgd" && cfg.learning_rate == "invscaling";
    let adaptive = cfg.solver == "sgd" && cfg.learning_rate == "adaptive";
    let mut hook = |end: crate::trainer::EpochEnd<'_>| -> Result<ControlFlow<()>> {
        seen += n_train as u64;
        if invscaling {
            *end.lr_scale = 1.0 / ((seen + 1) as f64).powf(cfg.power_t);
        }
        let loss = end.train_loss;
        if let Some((vset, vrows)) = &valid {
            let out = predict(end.network, &vset.x, 4096)?;
            let s = score(&to_array2(&output_activation(&out, head)?)?, vrows);
            scores.push(s);
            if s < best_score + cfg.tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            if s > best_score {
                best_score = s;
                best_state = Some(end.network.state()?);
            }
        } else {
            if loss > best_loss - cfg.tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            best_loss = best_loss.min(loss);
        }
        if no_improvement > cfg.n_iter_no_change {
            // scikit-learn: only SGD's "adaptive" rate goes on, five times smaller.
            if !adaptive {
                return Ok(ControlFlow::Break(()));
            }
            if cfg.learning_rate_init * *end.lr_scale <= 1e-6 {
                return Ok(ControlFlow::Break(()));
            }
            *end.lr_scale /= 5.0;
            no_improvement = 0;
        }
        Ok(ControlFlow::Continue(()))
    };
    // The validation rows are scored by the hook, as scikit-learn scores them; no validation loss.
    let report = train(&net, &train_set, None, &tc, ctx, &mut hook)?;
    if let Some(state) = &best_state {
        net.load_state(state)?;
    }
    let curve = report.train_loss;
    let early = cfg.early_stopping;
    state_of(
        &net,
        head,
        MlpHistory {
            n_iter: curve.len(),
            loss: curve.last().copied().unwrap_or(f64::NAN),
            best_loss: (!early).then(|| curve.iter().copied().fold(f64::INFINITY, f64::min)),
            loss_curve: curve,
            validation_scores: early.then_some(scores),
            best_validation_score: early.then_some(best_score),
            t: seen,
        },
    )
}

/// What training went through, for the fitted state.
struct MlpHistory {
    n_iter: usize,
    loss: f64,
    best_loss: Option<f64>,
    loss_curve: Vec<f64>,
    validation_scores: Option<Vec<f64>>,
    best_validation_score: Option<f64>,
    t: u64,
}

/// Full-batch L-BFGS on the flattened parameters, as scikit-learn does through scipy
/// (`gtol = tol`, scipy's default `ftol`, at most `max_iter` iterations).
fn fit_lbfgs(
    cfg: &MlpConfig<'_>,
    head: Head,
    net: &Network,
    data: &Dataset,
    ctx: &mut FitContext<'_>,
) -> Result<MlpState> {
    let params = net.params();
    let loss_fn = head.loss();
    let weight = match &data.w {
        Some(w) => w.sum_all().nn()?.to_dtype(DType::F64).nn()?.to_scalar::<f64>().nn()?,
        None => data.rows() as f64,
    };
    let mut x0 = Vec::new();
    for p in &params {
        x0.extend(p.var.flatten_all().nn()?.to_dtype(DType::F64).nn()?.to_vec1::<f64>().nn()?);
    }
    let mut failure: Option<Error> = None;
    let mut evals = 0usize;
    let mut objective = |theta: &[f64], grad: &mut [f64]| -> f64 {
        evals += 1;
        // scipy's maxfun: past it every evaluation fails, so the line search gives up and L-BFGS stops.
        if evals > cfg.max_fun || ctx.interrupted() {
            grad.fill(0.0);
            return f64::INFINITY;
        }
        let result = (|| -> Result<f64> {
            let mut at = 0;
            for p in &params {
                let k = p.var.elem_count();
                let t = Tensor::from_slice(&theta[at..at + k], p.var.dims(), &Device::Cpu).nn()?;
                p.var.set(&t.to_dtype(net.dtype()).nn()?).nn()?;
                at += k;
            }
            let out = net.forward(&data.x, &mut Mode::eval_with_grad()).nn()?;
            let mut loss = (loss_fn.compute(&out, &data.y, data.w.as_ref()).nn()? * head.loss_scale()).nn()?;
            for p in params.iter().filter(|p| p.decay) {
                let sq = p.var.as_tensor().sqr().nn()?.sum_all().nn()?;
                loss = (loss + (sq * (0.5 * cfg.alpha / weight)).nn()?).nn()?;
            }
            let grads = loss.backward().nn()?;
            let mut at = 0;
            for p in &params {
                let k = p.var.elem_count();
                match grads.get(&p.var) {
                    Some(g) => grad[at..at + k]
                        .copy_from_slice(&g.flatten_all().nn()?.to_dtype(DType::F64).nn()?.to_vec1::<f64>().nn()?),
                    None => grad[at..at + k].fill(0.0),
                }
                at += k;
            }
            loss.to_dtype(DType::F64).nn()?.to_scalar::<f64>().nn()
        })();
        match result {
            Ok(f) => f,
            Err(e) => {
                failure.get_or_insert(e);
                grad.fill(0.0);
                f64::NAN
            }
        }
    };
    let opts = Lbfgs { max_iter: cfg.max_iter, gtol: cfg.tol, ftol: 2.220_446_049_250_313e-9, memory: 10 };
    let result = minimize(&mut objective, x0, &opts);
    if let Some(e) = failure {
        return Err(e);
    }
    let mut at = 0;
    for p in &params {
        let k = p.var.elem_count();
        let t = Tensor::from_slice(&result.x[at..at + k], p.var.dims(), &Device::Cpu).nn()?;
        p.var.set(&t.to_dtype(net.dtype()).nn()?).nn()?;
        at += k;
    }
    state_of(
        net,
        head,
        MlpHistory {
            n_iter: result.n_iter,
            loss: result.f,
            best_loss: None,
            loss_curve: Vec::new(),
            validation_scores: None,
            best_validation_score: None,
            t: 0,
        },
    )
}

/// The output activation scikit-learn applies for predictions.
fn output_activation(out: &Tensor, head: Head) -> Result<Tensor> {
    match head {
        Head::Binary => crate::layers::sigmoid(out).nn(),
        Head::Softmax(_) => crate::layers::activate(out, Activation::Softmax).nn(),
        Head::Regression(_) => Ok(out.clone()),
    }
}

fn state_of(net: &Network, head: Head, h: MlpHistory) -> Result<MlpState> {
    let mut coefs = Vec::new();
    let mut intercepts = Vec::new();
    for p in net.params() {
        if p.name.ends_with(".weight") {
            coefs.push(to_array2(&p.var.t().nn()?)?);
        } else {
            intercepts.push(Array1::from(p.var.to_dtype(DType::F64).nn()?.to_vec1::<f64>().nn()?));
        }
    }
    Ok(MlpState {
        n_layers: coefs.len() + 1,
        n_outputs: head.outputs(),
        out_activation: head.out_activation().into(),
        dtype: if net.dtype() == DType::F32 { "float32" } else { "float64" }.into(),
        coefs,
        intercepts,
        n_iter: h.n_iter,
        loss: h.loss,
        best_loss: h.best_loss,
        loss_curve: h.loss_curve,
        validation_scores: h.validation_scores,
        best_validation_score: h.best_validation_score,
        t: h.t,
    })
}

impl MlpState {
    fn check_input(&self, x: &Features<'_>, name: &str) -> Result<()> {
        let p = self.coefs[0].nrows();
        if x.n_cols() != p {
            bail!(Shape, "X has {} features, but {name} is expecting {p} features as input.", x.n_cols());
        }
        check_x(x, name)
    }

    /// The network's outputs after the output activation, `(rows, outputs)`; `activation` is the hidden layers'.
    pub fn forward(&self, x: Features<'_>, activation: &str, name: &str) -> Result<Array2<f64>> {
        self.check_input(&x, name)?;
        let dtype = if self.dtype == "float32" { DType::F32 } else { DType::F64 };
        let hidden = activation_named(activation)?;
        let mut h = input_tensor(&x, dtype)?;
        for (i, (w, b)) in self.coefs.iter().zip(&self.intercepts).enumerate() {
            let wt = tensor_from_f64(w.view(), dtype, &Device::Cpu)?;
            let bt = Tensor::from_iter(b.iter().copied(), &Device::Cpu).nn()?.to_dtype(dtype).nn()?;
            h = h.matmul(&wt).nn()?.broadcast_add(&bt).nn()?;
            if i + 1 < self.coefs.len() {
                h = crate::layers::activate(&h, hidden).nn()?;
            }
        }
        let head = match self.out_activation.as_str() {
            "logistic" => Head::Binary,
            "softmax" => Head::Softmax(self.n_outputs),
            _ => Head::Regression(self.n_outputs),
        };
        to_array2(&output_activation(&h, head)?)
    }
}

impl MlpState {
    /// The number of input features.
    pub fn n_features(&self) -> usize {
        self.coefs.first().map_or(0, |c| c.nrows())
    }
}

/// Fails on a non-finite input value, naming its row and column.
pub(crate) fn check_x(x: &Features<'_>, what: &str) -> Result<()> {
    let Features::DenseF32(v) = x else { return check_finite(x.to_dense()?.view(), what) };
    // float32 in place: a float64 copy of a large image set is hundreds of megabytes.
    if v.iter().all(|x| x.is_finite()) {
        return Ok(());
    }
    let ((row, col), bad) = v.indexed_iter().find(|(_, x)| !x.is_finite()).expect("a non-finite value was seen");
    let kind = if bad.is_nan() { "NaN" } else { "infinity or a value too large" };
    Err(Error::at_cell(row, col, format!("Input {what} contains {kind}")))
}
