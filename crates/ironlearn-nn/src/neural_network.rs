//! Any network from a spec, as an estimator: `ironlearn train --model nn
//! --spec model.json`, `ironlearn.nn` in Python, or a [`NetworkSpec`] in
//! Rust. The spec gives the hidden layers (and, with `head: false`, the
//! output layer too); the estimator adds the output layer for the target,
//! picks the loss for the task, trains with the optimizer and schedule
//! named in its parameters, stops early on a validation loss, and saves the
//! spec with the weights so a reload gives identical outputs.

use std::ops::ControlFlow;
use std::sync::{Arc, OnceLock};

use candle_core::{DType, Device, Tensor};
use ironlearn_core::{
    bail, hyperparams, register, Domain, Error, Features, FitContext, Fitted, Labels, Learn, Prediction, Result, Task,
    TrainData,
};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::convert::{tensor_from_f32, tensor_from_f64, to_array2, CandleResult};
use crate::layers::activate;
use crate::loader::Dataset;
use crate::loss::Loss;
use crate::mlp::check_x;
use crate::network::{NamedTensor, Network};
use crate::optim::OptimizerSpec;
use crate::schedule::Schedule;
use crate::spec::{Activation, Init, LayerSpec, NetworkSpec};
use crate::trainer::{predict, train, TrainConfig};

/// A setting given as a bare name (`"adam"`) or as an object (`{"type": "adam", "beta1": 0.8}`).
fn setting<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> std::result::Result<T, serde_json::Error> {
    match v {
        serde_json::Value::String(name) => serde_json::from_value(serde_json::json!({ "type": name })),
        other => serde_json::from_value(other.clone()),
    }
}

fn parses<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> bool {
    setting::<T>(v).is_ok()
}

hyperparams! {
    /// A neural network built from a spec, trained by minibatch gradient descent.
    ///
    /// ```
    /// use ironlearn_core::{Features, FitContext, Fitted, Labels, Learn, Prediction, Target, TrainData};
    /// use ironlearn_nn::NeuralNetwork;
    /// use ndarray::Array2;
    ///
    /// let x = Array2::from_shape_fn((64, 2), |(i, j)| ((i * (j + 3)) % 7) as f64 / 7.0);
    /// let labels: Vec<&str> = x.rows().into_iter().map(|r| if r[0] > r[1] { "hi" } else { "lo" }).collect();
    /// let y = Target::Labels(Labels::from_strings(&labels));
    /// let params = NeuralNetwork {
    ///     spec: Some(serde_json::json!([{"type": "dense", "units": 16, "activation": "tanh"}])),
    ///     epochs: 200,
    ///     learning_rate: 0.02,
    ///     ..Default::default()
    /// };
    /// let model = params.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())?;
    /// let Prediction::Labels(p) = model.predict_data(Features::Dense(x.view()))? else { unreachable!() };
    /// let right = p.to_strings().iter().zip(&labels).filter(|(a, b)| a == b).count();
    /// assert!(right >= 60, "{right} of 64");
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "nn"]
    #[aliases("neural_network", "network")]
    #[tags(task = None, sample_weight, f32, predict_proba, wants_scaling, validation)]
    pub struct NeuralNetwork {
        /// The hidden layers, as a spec: a list of layers or `{"layers": [...]}` (see `NetworkSpec`);
        /// none is one dense layer of 100 ReLU units, as scikit-learn's MLP.
        spec: Option<serde_json::Value> = None,
            check(|v| v.as_ref().is_none_or(|v| parses::<NetworkSpec>(&serde_json::json!({"layers": v.get("layers").unwrap_or(v)}))), "a network spec: a list of layers");
        /// Add the output layer (a dense layer sized to the classes or targets); off when the spec ends in it.
        head: bool = true;
        /// "classification", "regression", or "auto" (labels classify, numbers regress).
        task: String = "auto".into(), domain(Domain::choice(&["auto", "classification", "regression"]));
        /// The loss (see `Loss`): a name ("mse", "huber", ...) or an object with its settings; none takes
        /// cross-entropy for classes and squared error for values.
        loss: Option<serde_json::Value> = None, check(|v| v.as_ref().is_none_or(parses::<Loss>), "a loss such as \"mae\" or {\"type\": \"huber\", \"delta\": 1.0}");
        /// The optimizer (see `OptimizerSpec`): a name ("adam", "sgd", ...) or an object with its settings.
        optimizer: serde_json::Value = "adam".into(),
            check(parses::<OptimizerSpec>, "an optimizer such as \"adamw\" or {\"type\": \"sgd\", \"momentum\": 0.9}");
        /// The base learning rate.
        learning_rate: f64 = 0.001, domain(Domain::positive());
        /// The learning-rate schedule (see `Schedule`): "constant" or an object with its settings.
        schedule: serde_json::Value = "constant".into(),
            check(parses::<Schedule>, "a schedule such as {\"type\": \"cosine\", \"t_max\": 10}");
        /// Steps over which the learning rate ramps up from 0.
        warmup_steps: usize = 0;
        /// Passes over the training data.
        epochs: usize = 10, domain(Domain::int_min(1));
        /// Rows per minibatch.
        batch_size: usize = 32, domain(Domain::int_min(1));
        /// Whether to shuffle the rows before each epoch.
        shuffle: bool = true;
        /// The seed of the initial weights, dropout, the shuffles and the validation split.
        random_state: u64 = 0;
        /// Rescale the gradients so their global norm is at most this.
        clip_norm: Option<f64> = None, domain(Domain::positive());
        /// Clamp each gradient value into [-clip_value, clip_value].
        clip_value: Option<f64> = None, domain(Domain::positive());
        /// A share of the rows held out to monitor the validation loss (0: none, unless `fit` is given validation data).
        validation_fraction: f64 = 0.0, domain(Domain::float_range(0.0, 0.9));
        /// Stop after this many epochs without improving the monitored loss (validation, else training) by `min_delta`.
        patience: Option<usize> = None, domain(Domain::int_min(1));
        /// The improvement that counts for `patience`.
        min_delta: f64 = 0.0, domain(Domain::float_min(0.0));
        /// With `patience`, end with the weights of the best epoch rather than the last.
        restore_best: bool = true;
        /// The precision of the weights and the arithmetic: "float32" or "float64".
        dtype: String = "float32".into(), domain(Domain::choice(&["float32", "float64"]));
    }
}

/// A fitted [`NeuralNetwork`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeuralNetworkModel {
    params: NeuralNetwork,
    /// The class labels, for a classifier.
    classes: Option<Vec<String>>,
    /// The network as built, output layer included.
    network_spec: NetworkSpec,
    n_features: usize,
    /// The training loss per epoch.
    loss_curve: Vec<f64>,
    /// The validation loss per epoch, when there was a validation set.
    validation_loss_curve: Vec<f64>,
    /// Epochs run.
    n_iter: usize,
    #[serde(rename = "_weights")]
    weights: Vec<NamedTensor>,
    #[serde(skip)]
    built: Built,
}

impl PartialEq for NeuralNetworkModel {
    fn eq(&self, other: &Self) -> bool {
        (&self.params, &self.classes, &self.network_spec, &self.weights, &self.loss_curve)
            == (&other.params, &other.classes, &other.network_spec, &other.weights, &other.loss_curve)
    }
}

/// The network rebuilt from the saved spec and weights, once per loaded model.
#[derive(Debug, Default)]
struct Built(OnceLock<Arc<Network>>);

impl Clone for Built {
    fn clone(&self) -> Self {
        Built(self.0.get().cloned().map(OnceLock::from).unwrap_or_default())
    }
}

impl NeuralNetwork {
    fn dtype(&self) -> DType {
        if self.dtype == "float64" {
            DType::F64
        } else {
            DType::F32
        }
    }

    fn hidden(&self) -> Result<NetworkSpec> {
        match &self.spec {
            None => Ok(NetworkSpec {
                layers: vec![LayerSpec::Dense {
                    units: 100,
                    activation: Activation::Relu,
                    bias: true,
                    init: Init::GlorotUniform,
                }],
            }),
            Some(v) => NetworkSpec::from_value(v.get("layers").cloned().unwrap_or_else(|| v.clone())),
        }
    }

    fn loss(&self, classification: bool) -> Result<Loss> {
        let loss = match &self.loss {
            Some(v) => setting(v).map_err(|e| Error::Param { name: "loss".into(), message: e.to_string() })?,
            None => Loss::default_for(classification),
        };
        if classification != loss.takes_classes() {
            let want = if classification { "cross_entropy or nll" } else { "mse, mae, huber or binary_cross_entropy" };
            bail!(
                InvalidValue,
                "loss '{:?}' does not fit a {} target; use {want}",
                loss,
                if classification { "class" } else { "numeric" }
            );
        }
        Ok(loss)
    }

    fn classification(&self, y: &ironlearn_core::Target) -> bool {
        match self.task.as_str() {
            "classification" => true,
            "regression" => false,
            _ => matches!(y, ironlearn_core::Target::Labels(_)),
        }
    }
}

fn features_tensor(x: &Features<'_>, dtype: DType) -> Result<Tensor> {
    match x {
        Features::DenseF32(v) => tensor_from_f32(v.view(), dtype, &Device::Cpu),
        other => tensor_from_f64(other.to_dense()?.view(), dtype, &Device::Cpu),
    }
}

impl Learn for NeuralNetwork {
    type Model = NeuralNetworkModel;

    /// Ten epochs (the default) are too few for the checks' small data sets.
    const EXAMPLE_PARAMS: &'static str = r#"{"epochs": 100, "learning_rate": 0.01}"#;

    fn task(&self) -> Option<Task> {
        match self.task.as_str() {
            "classification" => Some(Task::Classification),
            "regression" => Some(Task::Regression),
            _ => None,
        }
    }

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<NeuralNetworkModel> {
        check_x(&data.x, "X")?;
        let target = data.target()?;
        let classification = self.classification(target);
        let loss = self.loss(classification)?;
        let dtype = self.dtype();
        let (labels, n_out) = if classification {
            let y = data.labels()?;
            y.check_two_classes()?;
            let k = y.n_classes();
            (Some(y.into_owned()), k)
        } else {
            ironlearn_core::validate::check_target(data.values()?)?;
            (None, 1)
        };
        let mut spec = self.hidden()?;
        if self.head {
            spec.layers.push(LayerSpec::Dense {
                units: n_out,
                activation: Activation::Identity,
                bias: true,
                init: Init::GlorotUniform,
            });
        }
        let p = data.x.n_cols();
        let out_shape = spec.output_shape(&[p])?;
        if out_shape != [n_out] {
            bail!(Shape, "the network's output has shape {out_shape:?}; the target needs [{n_out}] (set head: true to add the output layer)");
        }
        let net = Network::build(&spec, &[p], dtype, &Device::Cpu, self.random_state)?;
        let dataset = |x: &Features<'_>, y: &ironlearn_core::Target, w: Option<&[f64]>| -> Result<Dataset> {
            let n = x.n_rows();
            let yt = match (&labels, y) {
                (Some(classes), ironlearn_core::Target::Labels(l)) => {
                    let codes = classes
                        .encode(&l.to_strings())
                        .map_err(|e| Error::InvalidValue(format!("validation labels: {e}")))?;
                    Tensor::from_slice(&codes, n, &Device::Cpu).nn()?
                }
                (Some(_), _) => bail!(InvalidValue, "validation data needs class labels"),
                (None, y) => {
                    let v = y.values()?;
                    Tensor::from_iter(v.iter().copied(), &Device::Cpu)
                        .nn()?
                        .reshape((n, 1))
                        .nn()?
                        .to_dtype(dtype)
                        .nn()?
                }
            };
            let w = w.map(|w| Tensor::from_slice(w, n, &Device::Cpu).nn()?.to_dtype(dtype).nn()).transpose()?;
            Ok(Dataset { x: features_tensor(x, dtype)?, y: yt, w })
        };
        let all = dataset(&data.x, target, data.weight)?;
        let (train_set, valid) = if let Some((_, v)) = ctx.valid.first() {
            check_x(&v.x, "validation X")?;
            (all, Some(dataset(&v.x, v.target()?, v.weight)?))
        } else if self.validation_fraction > 0.0 {
            let strata = labels.as_ref().map(|l| l.codes());
            let (tr, va) =
                ironlearn_metrics::train_test_split(all.rows(), self.validation_fraction, self.random_state, strata)?;
            let pick = |idx: &[usize]| -> Result<Dataset> {
                let ids: Vec<u32> = idx.iter().map(|&i| i as u32).collect();
                all.select(&Tensor::from_slice(&ids, ids.len(), &Device::Cpu).nn()?).nn()
            };
            (pick(&tr)?, Some(pick(&va)?))
        } else {
            (all, None)
        };
        let param = |name: &str, v: &serde_json::Value, e: serde_json::Error| Error::Param {
            name: name.into(),
            message: format!("{v}: {e}"),
        };
        let cfg = TrainConfig {
            loss,
            optimizer: setting(&self.optimizer).map_err(|e| param("optimizer", &self.optimizer, e))?,
            lr: self.learning_rate,
            schedule: setting(&self.schedule).map_err(|e| param("schedule", &self.schedule, e))?,
            warmup_steps: self.warmup_steps,
            epochs: self.epochs,
            batch_size: self.batch_size,
            shuffle: self.shuffle,
            seed: self.random_state,
            clip_norm: self.clip_norm,
            clip_value: self.clip_value,
            l2: 0.0,
            loss_scale: 1.0,
        };
        let mut best = f64::INFINITY;
        let mut best_state: Option<Vec<NamedTensor>> = None;
        let mut waited = 0;
        let report = train(&net, &train_set, valid.as_ref(), &cfg, ctx, |end| {
            let Some(patience) = self.patience else { return Ok(ControlFlow::Continue(())) };
            let monitored = end.valid_loss.unwrap_or(end.train_loss);
            if monitored < best - self.min_delta {
                best = monitored;
                waited = 0;
                if self.restore_best {
                    best_state = Some(end.network.state()?);
                }
            } else {
                waited += 1;
            }
            Ok(if waited >= patience { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
        })?;
        if let Some(state) = &best_state {
            net.load_state(state)?;
        }
        Ok(NeuralNetworkModel {
            params: self.clone(),
            classes: labels.map(|l| l.classes().to_vec()),
            network_spec: spec,
            n_features: p,
            n_iter: report.epochs(),
            loss_curve: report.train_loss,
            validation_loss_curve: report.valid_loss,
            weights: net.state()?,
            built: Built(OnceLock::from(Arc::new(net))),
        })
    }
}

impl NeuralNetworkModel {
    /// The network, rebuilt from the saved spec and weights on first use.
    pub fn network(&self) -> Result<Arc<Network>> {
        if let Some(n) = self.built.0.get() {
            return Ok(n.clone());
        }
        let net = Network::build(&self.network_spec, &[self.n_features], self.params.dtype(), &Device::Cpu, 0)?;
        net.load_state(&self.weights)?;
        Ok(self.built.0.get_or_init(|| Arc::new(net)).clone())
    }

    /// The training loss per epoch.
    pub fn loss_curve(&self) -> &[f64] {
        &self.loss_curve
    }

    /// The raw outputs (logits for a classifier), `(rows, outputs)`.
    pub fn outputs(&self, x: Features<'_>) -> Result<Array2<f64>> {
        if x.n_cols() != self.n_features {
            bail!(
                Shape,
                "X has {} features, but the network is expecting {} features as input.",
                x.n_cols(),
                self.n_features
            );
        }
        check_x(&x, "X")?;
        let net = self.network()?;
        to_array2(&predict(&net, &features_tensor(&x, self.params.dtype())?, 4096)?)
    }
}

impl Fitted for NeuralNetworkModel {
    type Estimator = NeuralNetwork;

    fn task(&self) -> Task {
        if self.classes.is_some() {
            Task::Classification
        } else {
            Task::Regression
        }
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        self.classes.as_deref()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let out = self.outputs(x)?;
        Ok(match &self.classes {
            Some(classes) => {
                let codes = out
                    .rows()
                    .into_iter()
                    .map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32)
                    .collect();
                Prediction::Labels(Labels::new(classes.clone(), codes)?)
            }
            None => Prediction::Values(Array1::from_iter(out.column(0).iter().copied())),
        })
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        if self.classes.is_none() {
            bail!(Unsupported, "predict_proba: this network is a regressor");
        }
        let out = self.outputs(x)?;
        let logits =
            Tensor::from_slice(out.as_slice().expect("a fresh array is contiguous"), out.dim(), &Device::Cpu).nn()?;
        let probs = match self.params.loss(true)? {
            Loss::Nll => logits.exp().nn()?,
            _ => activate(&logits, Activation::Softmax).nn()?,
        };
        to_array2(&probs)
    }
}

register!(NeuralNetwork);
