//! A network's architecture as data.
//!
//! Keras and PyTorch describe a model in code; here it is a value that
//! serializes to JSON, so the CLI (`--spec model.json`), Python
//! (`ironlearn.nn`) and the model file all carry the same description, and
//! a saved network is rebuilt from it before its weights are loaded. Shapes
//! are checked layer by layer before anything is allocated, so a spec that
//! cannot work fails with the layer that breaks it.

use ironlearn_core::{bail, Result};
use serde::{Deserialize, Serialize};

/// An element-wise activation, or softmax over the last axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// No activation (scikit-learn's "identity", Keras' "linear").
    #[serde(alias = "linear", alias = "none")]
    Identity,
    Relu,
    /// `max(x, 0.01 x)`, PyTorch's default slope.
    LeakyRelu,
    /// GELU with the exact error function (PyTorch's default).
    Gelu,
    /// GELU's tanh approximation.
    GeluTanh,
    /// `x * sigmoid(x)`.
    #[serde(alias = "swish")]
    Silu,
    /// The logistic function.
    #[serde(alias = "logistic")]
    Sigmoid,
    Tanh,
    /// Softmax over the last axis.
    Softmax,
}

impl Activation {
    /// The name scikit-learn and the spec use.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Gelu => "gelu",
            Activation::GeluTanh => "gelu_tanh",
            Activation::Silu => "silu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
        }
    }
}

/// How a layer's weights start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Glorot (Xavier) uniform weights, zero biases: Keras' default.
    #[default]
    GlorotUniform,
    /// Glorot normal weights, zero biases.
    GlorotNormal,
    /// He (Kaiming) uniform weights for ReLU networks, zero biases.
    HeUniform,
    /// He normal weights, zero biases.
    HeNormal,
    /// A random orthogonal matrix, zero biases.
    Orthogonal,
    /// PyTorch's `nn.Linear` default: weights and biases uniform in ±1/sqrt(fan_in).
    Torch,
    /// scikit-learn's MLP: weights and biases uniform in ±sqrt(6 / (fan_in + fan_out)).
    Sklearn,
    /// scikit-learn's MLP with the logistic activation: ±sqrt(2 / (fan_in + fan_out)).
    SklearnLogistic,
}

/// One layer of a [`NetworkSpec`]. Shapes are per sample (the batch axis is implicit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerSpec {
    /// A fully connected layer over the last axis: `x W^T + b`, then the activation.
    Dense {
        units: usize,
        #[serde(default = "identity")]
        activation: Activation,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default)]
        init: Init,
    },
    /// An activation on its own.
    Activation { activation: Activation },
    /// Zeroes each value with probability `rate` in training and scales the rest by 1/(1-rate).
    Dropout { rate: f64 },
    /// Flattens every axis but the batch axis.
    Flatten,
    /// Reshapes each sample (the batch axis is kept).
    Reshape { shape: Vec<usize> },
    /// Normalises each sample over its last axis, then scales and shifts (learned).
    LayerNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
    },
    /// Divides each sample by the root mean square of its last axis, then scales (learned).
    RmsNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
    },
    /// Normalises each feature over the batch (running statistics at inference), then scales and shifts.
    BatchNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
        /// The weight of the new batch in the running statistics (PyTorch's convention).
        #[serde(default = "bn_momentum")]
        momentum: f64,
    },
    /// Looks up a learned vector for each integer token (given as a float column).
    Embedding { vocab: usize, dim: usize },
    /// `x + f(x)` for the inner layers `f`, which must keep the shape.
    Residual { layers: Vec<LayerSpec> },
}

fn identity() -> Activation {
    Activation::Identity
}

fn yes() -> bool {
    true
}

fn norm_eps() -> f64 {
    1e-5
}

fn bn_momentum() -> f64 {
    0.1
}

/// A feed-forward network: layers applied in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    pub layers: Vec<LayerSpec>,
}

impl NetworkSpec {
    /// Parses a spec from JSON: an object `{"layers": [...]}` or the bare list of layers.
    pub fn from_json(text: &str) -> Result<NetworkSpec> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ironlearn_core::Error::InvalidValue(format!("network spec is not JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Reads a spec from a JSON value (see [`NetworkSpec::from_json`]).
    pub fn from_value(value: serde_json::Value) -> Result<NetworkSpec> {
        let value = match value {
            serde_json::Value::Array(layers) => serde_json::json!({ "layers": layers }),
            v => v,
        };
        serde_json::from_value(value).map_err(|e| ironlearn_core::Error::InvalidValue(format!("network spec: {e}")))
    }

    /// The per-sample output shape for a per-sample input shape, checking every layer.
    pub fn output_shape(&self, input: &[usize]) -> Result<Vec<usize>> {
        output_shape(&self.layers, input, "")
    }
}

fn output_shape(layers: &[LayerSpec], input: &[usize], prefix: &str) -> Result<Vec<usize>> {
    let mut shape = input.to_vec();
    for (i, layer) in layers.iter().enumerate() {
        let at = format!("{prefix}{i}");
        shape = layer.output_shape(&shape, &at)?;
    }
    Ok(shape)
}

impl LayerSpec {
    /// The layer's name in the spec (`"dense"`, `"dropout"`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            LayerSpec::Dense { .. } => "dense",
            LayerSpec::Activation { .. } => "activation",
            LayerSpec::Dropout { .. } => "dropout",
            LayerSpec::Flatten => "flatten",
            LayerSpec::Reshape { .. } => "reshape",
            LayerSpec::LayerNorm { .. } => "layer_norm",
            LayerSpec::RmsNorm { .. } => "rms_norm",
            LayerSpec::BatchNorm { .. } => "batch_norm",
            LayerSpec::Embedding { .. } => "embedding",
            LayerSpec::Residual { .. } => "residual",
        }
    }

    /// The per-sample output shape, or an error naming layer `at`.
    pub fn output_shape(&self, input: &[usize], at: &str) -> Result<Vec<usize>> {
        let kind = self.kind();
        if input.is_empty() || input.contains(&0) {
            bail!(Shape, "layer {at} ({kind}) gets samples of shape {input:?}; every axis needs a positive size");
        }
        Ok(match self {
            LayerSpec::Dense { units, .. } => {
                if *units == 0 {
                    bail!(InvalidValue, "layer {at} (dense): units must be at least 1");
                }
                let mut s = input.to_vec();
                *s.last_mut().expect("checked non-empty") = *units;
                s
            }
            LayerSpec::Dropout { rate } => {
                if !(0.0..1.0).contains(rate) {
                    bail!(InvalidValue, "layer {at} (dropout): rate must be in [0, 1), got {rate}");
                }
                input.to_vec()
            }
            LayerSpec::Activation { .. } => input.to_vec(),
            LayerSpec::Flatten => vec![input.iter().product()],
            LayerSpec::Reshape { shape } => {
                let (from, to) = (input.iter().product::<usize>(), shape.iter().product::<usize>());
                if shape.is_empty() || from != to {
                    bail!(
                        Shape,
                        "layer {at} (reshape): samples of shape {input:?} ({from} values) cannot become {shape:?}"
                    );
                }
                shape.clone()
            }
            LayerSpec::LayerNorm { eps } | LayerSpec::RmsNorm { eps } | LayerSpec::BatchNorm { eps, .. } => {
                if !(*eps > 0.0 && eps.is_finite()) {
                    bail!(InvalidValue, "layer {at} ({kind}): eps must be a positive number, got {eps}");
                }
                if let LayerSpec::BatchNorm { momentum, .. } = self {
                    if !(0.0..=1.0).contains(momentum) {
                        bail!(InvalidValue, "layer {at} (batch_norm): momentum must be in [0, 1], got {momentum}");
                    }
                    if input.len() != 1 {
                        bail!(Shape, "layer {at} (batch_norm): takes samples of one axis (features), got {input:?}");
                    }
                }
                input.to_vec()
            }
            LayerSpec::Embedding { vocab, dim } => {
                if *vocab == 0 || *dim == 0 {
                    bail!(InvalidValue, "layer {at} (embedding): vocab and dim must be at least 1");
                }
                let mut s = input.to_vec();
                s.push(*dim);
                s
            }
            LayerSpec::Residual { layers } => {
                let out = output_shape(layers, input, &format!("{at}."))?;
                if out != input {
                    bail!(
                        Shape,
                        "layer {at} (residual): its layers turn {input:?} into {out:?}; a residual block must keep the shape"
                    );
                }
                out
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_defaults() {
        let spec = NetworkSpec::from_json(
            r#"[{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dropout", "rate": 0.5},
                {"type": "residual", "layers": [{"type": "dense", "units": 8, "activation": "tanh"}]}]"#,
        )
        .unwrap();
        assert_eq!(
            spec.layers[0],
            LayerSpec::Dense { units: 8, activation: Activation::Relu, bias: true, init: Init::GlorotUniform }
        );
        let back: NetworkSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        assert_eq!(spec.output_shape(&[3]).unwrap(), vec![8]);
    }

    #[test]
    fn bad_specs_name_the_layer() {
        let spec = NetworkSpec::from_json(
            r#"[{"type": "dense", "units": 4}, {"type": "residual", "layers": [{"type": "dense", "units": 3}]}]"#,
        )
        .unwrap();
        let e = spec.output_shape(&[5]).unwrap_err().to_string();
        assert!(e.contains("layer 1 (residual)") && e.contains("[4]") && e.contains("[3]"), "{e}");
        let e = NetworkSpec::from_json(r#"[{"type": "dense", "unit": 4}]"#).unwrap_err().to_string();
        assert!(e.contains("unit"), "{e}");
        let e = NetworkSpec::from_json(r#"[{"type": "dropout", "rate": 1.5}]"#).unwrap().output_shape(&[2]);
        assert!(e.unwrap_err().to_string().contains("layer 0 (dropout): rate"));
        let e = NetworkSpec::from_json(r#"[{"type": "reshape", "shape": [3, 3]}]"#).unwrap().output_shape(&[8]);
        assert!(e.unwrap_err().to_string().contains("cannot become [3, 3]"));
    }
}
