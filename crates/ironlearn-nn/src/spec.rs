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
    /// PyTorch's `nn.Linear` and `nn.Conv*d` default: weights and biases uniform in ±1/sqrt(fan_in).
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
    /// A 2-d convolution of samples `[channels, height, width]` with square kernels, as
    /// PyTorch's `nn.Conv2d` (weight `(filters, channels/groups, k, k)`), then the activation.
    Conv2d {
        filters: usize,
        kernel_size: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        #[serde(default = "one")]
        dilation: usize,
        #[serde(default = "one")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default = "identity")]
        activation: Activation,
        #[serde(default)]
        init: Init,
    },
    /// A 1-d convolution of samples `[channels, length]`, as PyTorch's `nn.Conv1d`
    /// (weight `(filters, channels/groups, k)`), then the activation.
    Conv1d {
        filters: usize,
        kernel_size: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        #[serde(default = "one")]
        dilation: usize,
        #[serde(default = "one")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
        #[serde(default = "identity")]
        activation: Activation,
        #[serde(default)]
        init: Init,
    },
    /// The maximum of each square window of samples `[channels, height, width]`; the
    /// stride defaults to the kernel size and the padding (at most half the kernel) never wins.
    MaxPool2d {
        kernel_size: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stride: Option<usize>,
        #[serde(default)]
        padding: usize,
    },
    /// The mean of each square window of samples `[channels, height, width]`; the stride
    /// defaults to the kernel size.
    AvgPool2d {
        kernel_size: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stride: Option<usize>,
    },
    /// The mean over every axis but the first (channels): `[c, ...]` becomes `[c]`.
    GlobalAvgPool,
    /// Means over a grid of `output_size x output_size` bins of samples `[c, h, w]`, bins
    /// placed as PyTorch's `nn.AdaptiveAvgPool2d` places them (they may overlap).
    AdaptiveAvgPool2d { output_size: usize },
}

fn identity() -> Activation {
    Activation::Identity
}

fn one() -> usize {
    1
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
            LayerSpec::Conv2d { .. } => "conv2d",
            LayerSpec::Conv1d { .. } => "conv1d",
            LayerSpec::MaxPool2d { .. } => "max_pool2d",
            LayerSpec::AvgPool2d { .. } => "avg_pool2d",
            LayerSpec::GlobalAvgPool => "global_avg_pool",
            LayerSpec::AdaptiveAvgPool2d { .. } => "adaptive_avg_pool2d",
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
            LayerSpec::Conv2d { filters, kernel_size, stride, padding, dilation, groups, .. }
            | LayerSpec::Conv1d { filters, kernel_size, stride, padding, dilation, groups, .. } => {
                let axes = if kind == "conv2d" { 3 } else { 2 };
                let what = if axes == 3 { "[channels, height, width]" } else { "[channels, length]" };
                if input.len() != axes {
                    bail!(Shape, "layer {at} ({kind}): takes samples {what}, got {input:?}");
                }
                if [*filters, *kernel_size, *stride, *dilation, *groups].contains(&0) {
                    bail!(
                        InvalidValue,
                        "layer {at} ({kind}): filters, kernel_size, stride, dilation and groups must be at least 1"
                    );
                }
                let channels = input[0];
                if !channels.is_multiple_of(*groups) || !filters.is_multiple_of(*groups) {
                    bail!(
                        InvalidValue,
                        "layer {at} ({kind}): groups ({groups}) must divide both the input's channels ({channels}) \
                         and the filters ({filters})"
                    );
                }
                let mut out = vec![*filters];
                for &n in &input[1..] {
                    out.push(window_count(n, *kernel_size, *stride, *padding, *dilation).ok_or_else(|| {
                        ironlearn_core::Error::Shape(format!(
                            "layer {at} ({kind}): a kernel of {kernel_size} with dilation {dilation} spans {} \
                             positions, more than the padded input's {} (samples {input:?}, padding {padding})",
                            dilation * (kernel_size - 1) + 1,
                            n + 2 * padding
                        ))
                    })?);
                }
                out
            }
            LayerSpec::MaxPool2d { kernel_size, stride, padding } => {
                pool_shape(input, at, kind, *kernel_size, *stride, *padding)?
            }
            LayerSpec::AvgPool2d { kernel_size, stride } => pool_shape(input, at, kind, *kernel_size, *stride, 0)?,
            LayerSpec::GlobalAvgPool => {
                if input.len() < 2 {
                    bail!(
                        Shape,
                        "layer {at} (global_avg_pool): takes samples [channels, ...] with at least one more axis, \
                         got {input:?}"
                    );
                }
                vec![input[0]]
            }
            LayerSpec::AdaptiveAvgPool2d { output_size } => {
                if input.len() != 3 {
                    bail!(
                        Shape,
                        "layer {at} (adaptive_avg_pool2d): takes samples [channels, height, width], got {input:?}"
                    );
                }
                if *output_size == 0 {
                    bail!(InvalidValue, "layer {at} (adaptive_avg_pool2d): output_size must be at least 1");
                }
                vec![input[0], *output_size, *output_size]
            }
        })
    }
}

/// The output of a pooling layer with square windows on samples `[c, h, w]`.
fn pool_shape(
    input: &[usize],
    at: &str,
    kind: &str,
    kernel: usize,
    stride: Option<usize>,
    padding: usize,
) -> Result<Vec<usize>> {
    if input.len() != 3 {
        bail!(Shape, "layer {at} ({kind}): takes samples [channels, height, width], got {input:?}");
    }
    let stride = stride.unwrap_or(kernel);
    if kernel == 0 || stride == 0 {
        bail!(InvalidValue, "layer {at} ({kind}): kernel_size and stride must be at least 1");
    }
    // PyTorch's rule; it also keeps every window on at least one real value.
    if 2 * padding > kernel {
        bail!(InvalidValue, "layer {at} ({kind}): padding ({padding}) must be at most half the kernel size ({kernel})");
    }
    let mut out = vec![input[0]];
    for &n in &input[1..] {
        match window_count(n, kernel, stride, padding, 1) {
            Some(k) => out.push(k),
            None => bail!(
                Shape,
                "layer {at} ({kind}): a window of {kernel} does not fit samples {input:?} (padding {padding})"
            ),
        }
    }
    Ok(out)
}

/// How many windows of `kernel` (dilated) fit in `n` padded positions at `stride`, or `None` if none does.
pub(crate) fn window_count(n: usize, kernel: usize, stride: usize, padding: usize, dilation: usize) -> Option<usize> {
    let span = dilation * (kernel - 1) + 1;
    let padded = n + 2 * padding;
    (padded >= span).then(|| (padded - span) / stride + 1)
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

    #[test]
    fn convolution_and_pooling_shapes() {
        let spec = NetworkSpec::from_json(
            r#"[{"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
                {"type": "max_pool2d", "kernel_size": 2},
                {"type": "conv2d", "filters": 64, "kernel_size": 3, "padding": 1, "stride": 2, "groups": 32},
                {"type": "avg_pool2d", "kernel_size": 3, "stride": 1},
                {"type": "adaptive_avg_pool2d", "output_size": 4},
                {"type": "max_pool2d", "kernel_size": 3, "stride": 2, "padding": 1},
                {"type": "global_avg_pool"}]"#,
        )
        .unwrap();
        assert_eq!(
            spec.layers[0],
            LayerSpec::Conv2d {
                filters: 32,
                kernel_size: 3,
                stride: 1,
                padding: 0,
                dilation: 1,
                groups: 1,
                bias: true,
                activation: Activation::Relu,
                init: Init::GlorotUniform
            }
        );
        assert_eq!(spec.layers[1], LayerSpec::MaxPool2d { kernel_size: 2, stride: None, padding: 0 });
        let back: NetworkSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        // 28 -> 26 (conv 3) -> 13 (pool 2) -> 7 (conv 3, pad 1, stride 2) -> 5 (avg 3/1) -> 4 -> 2 (pool 3/2, pad 1)
        let mut shape = vec![1, 28, 28];
        let want = [[32, 26, 26], [32, 13, 13], [64, 7, 7], [64, 5, 5], [64, 4, 4], [64, 2, 2]];
        for (i, (layer, want)) in spec.layers.iter().zip(want).enumerate() {
            shape = layer.output_shape(&shape, &i.to_string()).unwrap();
            assert_eq!(shape, want, "layer {i}");
        }
        assert_eq!(spec.output_shape(&[1, 28, 28]).unwrap(), [64]);
        let dilated = r#"[{"type": "conv2d", "filters": 2, "kernel_size": 3, "dilation": 2}]"#;
        assert_eq!(NetworkSpec::from_json(dilated).unwrap().output_shape(&[1, 5, 7]).unwrap(), [2, 1, 3]);
        let conv1d = r#"[{"type": "conv1d", "filters": 6, "kernel_size": 5, "stride": 2, "padding": 2, "groups": 3}]"#;
        assert_eq!(NetworkSpec::from_json(conv1d).unwrap().output_shape(&[3, 10]).unwrap(), [6, 5]);
    }

    #[test]
    fn bad_convolutions_and_pools_name_the_layer() {
        let err = |json: &str, input: &[usize]| {
            NetworkSpec::from_json(json).unwrap().output_shape(input).unwrap_err().to_string()
        };
        let conv = |extra: &str| format!(r#"[{{"type": "flatten"}}, {{"type": "conv2d", "filters": 4{extra}}}]"#);
        // conv2d after flatten: samples of one axis.
        let e = err(&conv(r#", "kernel_size": 3"#), &[1, 5, 5]);
        assert!(e.contains("layer 1 (conv2d)") && e.contains("[channels, height, width]"), "{e}");
        let conv = |extra: &str| format!(r#"[{{"type": "conv2d", "filters": 4{extra}}}]"#);
        let e = err(&conv(r#", "kernel_size": 6"#), &[1, 5, 5]);
        assert!(e.contains("layer 0 (conv2d)") && e.contains("spans 6"), "{e}");
        let e = err(&conv(r#", "kernel_size": 3, "dilation": 3"#), &[1, 6, 6]);
        assert!(e.contains("layer 0 (conv2d)") && e.contains("spans 7"), "{e}");
        let e = err(&conv(r#", "kernel_size": 3, "groups": 2"#), &[3, 5, 5]);
        assert!(e.contains("layer 0 (conv2d)") && e.contains("groups (2)"), "{e}");
        let e = err(r#"[{"type": "conv2d", "filters": 3, "kernel_size": 1, "groups": 2}]"#, &[4, 5, 5]);
        assert!(e.contains("layer 0 (conv2d)") && e.contains("filters (3)"), "{e}");
        let e = err(&conv(r#", "kernel_size": 3, "stride": 0"#), &[1, 5, 5]);
        assert!(e.contains("layer 0 (conv2d)") && e.contains("at least 1"), "{e}");
        let e = err(r#"[{"type": "conv1d", "filters": 2, "kernel_size": 3}]"#, &[1, 5, 5]);
        assert!(e.contains("layer 0 (conv1d)") && e.contains("[channels, length]"), "{e}");
        let e = err(r#"[{"type": "conv1d", "filters": 2, "kernel_size": 4}]"#, &[1, 3]);
        assert!(e.contains("layer 0 (conv1d)") && e.contains("spans 4"), "{e}");
        let e = err(r#"[{"type": "max_pool2d", "kernel_size": 3, "padding": 2}]"#, &[1, 5, 5]);
        assert!(e.contains("layer 0 (max_pool2d)") && e.contains("half"), "{e}");
        let e = err(r#"[{"type": "max_pool2d", "kernel_size": 2, "stride": 0}]"#, &[1, 5, 5]);
        assert!(e.contains("layer 0 (max_pool2d)") && e.contains("at least 1"), "{e}");
        let e = err(r#"[{"type": "avg_pool2d", "kernel_size": 4}]"#, &[1, 3, 5]);
        assert!(e.contains("layer 0 (avg_pool2d)") && e.contains("does not fit"), "{e}");
        let e = err(r#"[{"type": "avg_pool2d", "kernel_size": 2}]"#, &[4, 4]);
        assert!(e.contains("layer 0 (avg_pool2d)"), "{e}");
        let e = err(r#"[{"type": "global_avg_pool"}]"#, &[4]);
        assert!(e.contains("layer 0 (global_avg_pool)"), "{e}");
        let e = err(r#"[{"type": "adaptive_avg_pool2d", "output_size": 0}]"#, &[1, 4, 4]);
        assert!(e.contains("layer 0 (adaptive_avg_pool2d)"), "{e}");
        let e = err(r#"[{"type": "adaptive_avg_pool2d", "output_size": 2}]"#, &[4, 4]);
        assert!(e.contains("layer 0 (adaptive_avg_pool2d)"), "{e}");
        let e = NetworkSpec::from_json(r#"[{"type": "max_pool2d", "kernel_size": 2, "dilation": 2}]"#).unwrap_err();
        assert!(e.to_string().contains("dilation"), "{e}");
    }
}
