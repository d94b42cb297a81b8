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
    /// Normalises each feature of samples `[features]`, or each channel of samples
    /// `[channels, ...]`, over the batch (running statistics at inference), then scales
    /// and shifts: PyTorch's `BatchNorm1d` and `BatchNorm2d`.
    BatchNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
        /// The weight of the new batch in the running statistics (PyTorch's convention).
        #[serde(default = "bn_momentum")]
        momentum: f64,
    },
    /// Looks up a learned vector for each integer token (given as a float column). The
    /// `padding_idx` token's vector is zero and untrained, and attention layers after
    /// it ignore the positions that hold it (PyTorch's `key_padding_mask`).
    Embedding {
        vocab: usize,
        dim: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        padding_idx: Option<usize>,
    },
    /// Adds a vector per position to sequences `[positions, features]`: learned (GPT's),
    /// or the fixed sines and cosines of the original Transformer.
    PositionalEmbedding {
        max_len: usize,
        #[serde(default = "yes")]
        learned: bool,
    },
    /// A long short-term memory layer over sequences `[positions, features]`, as PyTorch's
    /// `nn.LSTM` (one layer, zero initial state): `[positions, units]` with `return_sequences`,
    /// else the last position's `[units]`.
    Lstm {
        units: usize,
        #[serde(default)]
        return_sequences: bool,
    },
    /// A gated recurrent unit layer, as PyTorch's `nn.GRU`; shapes as `lstm`.
    Gru {
        units: usize,
        #[serde(default)]
        return_sequences: bool,
    },
    /// Multi-head self-attention over sequences `[positions, features]`, as PyTorch's
    /// `nn.MultiheadAttention`; `causal` hides later positions from each query.
    #[serde(alias = "multi_head_attention")]
    Attention {
        heads: usize,
        #[serde(default)]
        causal: bool,
        /// Dropout on the attention weights in training.
        #[serde(default)]
        dropout: f64,
        #[serde(default = "yes")]
        bias: bool,
    },
    /// A Transformer block over sequences `[positions, features]`, as PyTorch's
    /// `nn.TransformerEncoderLayer`: self-attention and a feed-forward network, each in a
    /// residual connection with layer norm. `causal` makes it the decoder block of a
    /// decoder-only language model (GPT's); `norm_first` puts the norms before each part.
    #[serde(alias = "transformer_encoder", alias = "transformer")]
    TransformerBlock {
        heads: usize,
        /// The feed-forward network's width; none is four times the features.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ff_dim: Option<usize>,
        #[serde(default)]
        causal: bool,
        #[serde(default)]
        norm_first: bool,
        #[serde(default = "relu")]
        activation: Activation,
        #[serde(default = "transformer_dropout")]
        dropout: f64,
        #[serde(default = "norm_eps")]
        eps: f64,
    },
    /// `x + f(x)` for the inner layers `f`, which must keep the shape.
    Residual { layers: Vec<LayerSpec> },
    /// A graph of layers (Keras' functional API): each node combines the outputs of
    /// earlier nodes, or the graph's input (named `"input"`), and applies its layers.
    /// The graph's output is the node named `output` (by default the last).
    Graph {
        nodes: Vec<GraphNode>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<String>,
    },
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
    /// A transposed 2-d convolution (the adjoint of `conv2d`, to upsample) of samples
    /// `[channels, height, width]`, as PyTorch's `nn.ConvTranspose2d` (weight
    /// `(channels, filters/groups, k, k)`); each side grows to
    /// `(n - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1`.
    ConvTranspose2d {
        filters: usize,
        kernel_size: usize,
        #[serde(default = "one")]
        stride: usize,
        #[serde(default)]
        padding: usize,
        /// Added to one side of the output, to pick among the sizes a strided `conv2d` maps to the input's.
        #[serde(default)]
        output_padding: usize,
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

fn relu() -> Activation {
    Activation::Relu
}

fn transformer_dropout() -> f64 {
    0.1
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

/// One node of a [`LayerSpec::Graph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphNode {
    pub name: String,
    /// Earlier nodes' names, or `"input"` (the default).
    #[serde(default = "graph_input")]
    pub inputs: Vec<String>,
    /// How several inputs become one; needed when there is more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<Merge>,
    /// Applied in order to the (merged) input; none passes it on.
    #[serde(default)]
    pub layers: Vec<LayerSpec>,
}

/// How a graph node combines several inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Merge {
    /// The element-wise sum (shapes must agree).
    Add,
    /// The element-wise product (shapes must agree).
    Multiply,
    /// Joined along the first axis of the samples (channels for images, features
    /// for vectors); the other axes must agree.
    Concat,
}

fn graph_input() -> Vec<String> {
    vec!["input".into()]
}

/// A graph's nodes resolved: each node's inputs as indices into the values
/// (0 the graph's input, `i + 1` node `i`), each node's input and output
/// shapes, and the output's index. Names are checked here, so a graph that
/// parses but does not connect fails with the node that breaks it.
pub(crate) struct Wiring {
    pub inputs: Vec<Vec<usize>>,
    pub shapes: Vec<(Vec<usize>, Vec<usize>)>,
    pub output: usize,
}

pub(crate) fn wire(nodes: &[GraphNode], output: Option<&str>, input: &[usize], at: &str) -> Result<Wiring> {
    if nodes.is_empty() {
        bail!(InvalidValue, "layer {at} (graph): has no nodes");
    }
    let mut names: Vec<&str> = vec!["input"];
    let mut values = vec![input.to_vec()];
    let mut w = Wiring { inputs: Vec::new(), shapes: Vec::new(), output: 0 };
    for node in nodes {
        let here = format!("layer {at} (graph), node '{}'", node.name);
        if names.contains(&node.name.as_str()) {
            bail!(InvalidValue, "{here}: the name is taken (\"input\" is the graph's input)");
        }
        let idx = node
            .inputs
            .iter()
            .map(|name| {
                names.iter().position(|n| n == name).ok_or_else(|| {
                    ironlearn_core::Error::InvalidValue(format!(
                        "{here}: input '{name}' is not \"input\" or an earlier node"
                    ))
                })
            })
            .collect::<Result<Vec<usize>>>()?;
        let shapes: Vec<&Vec<usize>> = idx.iter().map(|&i| &values[i]).collect();
        let merged = match (shapes.as_slice(), node.merge) {
            ([], _) => bail!(InvalidValue, "{here}: has no inputs"),
            ([one], _) => one.to_vec(),
            (_, None) => bail!(InvalidValue, "{here}: {} inputs need a merge (add, multiply or concat)", idx.len()),
            ([first, rest @ ..], Some(Merge::Concat)) => {
                if rest.iter().any(|s| s.len() != first.len() || s[1..] != first[1..]) {
                    bail!(Shape, "{here}: concat needs inputs that agree but for their first axis, got {shapes:?}");
                }
                let mut s = first.to_vec();
                s[0] = shapes.iter().map(|s| s[0]).sum();
                s
            }
            ([first, rest @ ..], Some(m)) => {
                if rest.iter().any(|s| s != first) {
                    bail!(Shape, "{here}: {m:?} needs inputs of one shape, got {shapes:?}");
                }
                first.to_vec()
            }
        };
        let out = output_shape(&node.layers, &merged, &format!("{at}.{}.", node.name))?;
        names.push(&node.name);
        values.push(out.clone());
        w.inputs.push(idx);
        w.shapes.push((merged, out));
    }
    w.output = match output {
        Some(name) => names.iter().position(|n| *n == name).ok_or_else(|| {
            ironlearn_core::Error::InvalidValue(format!("layer {at} (graph): the output '{name}' is not a node"))
        })?,
        None => names.len() - 1,
    };
    Ok(w)
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
            LayerSpec::PositionalEmbedding { .. } => "positional_embedding",
            LayerSpec::Lstm { .. } => "lstm",
            LayerSpec::Gru { .. } => "gru",
            LayerSpec::Attention { .. } => "attention",
            LayerSpec::TransformerBlock { .. } => "transformer_block",
            LayerSpec::Residual { .. } => "residual",
            LayerSpec::Graph { .. } => "graph",
            LayerSpec::Conv2d { .. } => "conv2d",
            LayerSpec::Conv1d { .. } => "conv1d",
            LayerSpec::ConvTranspose2d { .. } => "conv_transpose2d",
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
                }
                input.to_vec()
            }
            LayerSpec::Embedding { vocab, dim, padding_idx } => {
                if *vocab == 0 || *dim == 0 {
                    bail!(InvalidValue, "layer {at} (embedding): vocab and dim must be at least 1");
                }
                if let Some(p) = padding_idx.filter(|p| p >= vocab) {
                    bail!(InvalidValue, "layer {at} (embedding): padding_idx {p} is not a token below vocab {vocab}");
                }
                let mut s = input.to_vec();
                s.push(*dim);
                s
            }
            LayerSpec::PositionalEmbedding { max_len, .. } => {
                sequence_shape(input, at, kind)?;
                if input[0] > *max_len {
                    bail!(
                        Shape,
                        "layer {at} (positional_embedding): sequences of {} positions, more than max_len {max_len}",
                        input[0]
                    );
                }
                input.to_vec()
            }
            LayerSpec::Lstm { units, return_sequences } | LayerSpec::Gru { units, return_sequences } => {
                let (positions, _) = sequence_shape(input, at, kind)?;
                if *units == 0 {
                    bail!(InvalidValue, "layer {at} ({kind}): units must be at least 1");
                }
                if *return_sequences {
                    vec![positions, *units]
                } else {
                    vec![*units]
                }
            }
            LayerSpec::Attention { heads, dropout, .. } | LayerSpec::TransformerBlock { heads, dropout, .. } => {
                let (_, features) = sequence_shape(input, at, kind)?;
                if *heads == 0 || !features.is_multiple_of(*heads) {
                    bail!(InvalidValue, "layer {at} ({kind}): heads ({heads}) must divide the features ({features})");
                }
                if !(0.0..1.0).contains(dropout) {
                    bail!(InvalidValue, "layer {at} ({kind}): dropout must be in [0, 1), got {dropout}");
                }
                if let LayerSpec::TransformerBlock { ff_dim, eps, .. } = self {
                    if *ff_dim == Some(0) {
                        bail!(InvalidValue, "layer {at} ({kind}): ff_dim must be at least 1");
                    }
                    if !(*eps > 0.0 && eps.is_finite()) {
                        bail!(InvalidValue, "layer {at} ({kind}): eps must be a positive number, got {eps}");
                    }
                }
                input.to_vec()
            }
            LayerSpec::Graph { nodes, output } => {
                let w = wire(nodes, output.as_deref(), input, at)?;
                if w.output == 0 {
                    input.to_vec()
                } else {
                    w.shapes[w.output - 1].1.clone()
                }
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
            LayerSpec::ConvTranspose2d {
                filters,
                kernel_size,
                stride,
                padding,
                output_padding,
                dilation,
                groups,
                ..
            } => {
                if input.len() != 3 {
                    bail!(Shape, "layer {at} ({kind}): takes samples [channels, height, width], got {input:?}");
                }
                if [*filters, *kernel_size, *stride, *dilation, *groups].contains(&0) {
                    bail!(
                        InvalidValue,
                        "layer {at} ({kind}): filters, kernel_size, stride, dilation and groups must be at least 1"
                    );
                }
                if !input[0].is_multiple_of(*groups) || !filters.is_multiple_of(*groups) {
                    bail!(
                        InvalidValue,
                        "layer {at} ({kind}): groups ({groups}) must divide both the input's channels ({}) \
                         and the filters ({filters})",
                        input[0]
                    );
                }
                if output_padding >= stride {
                    bail!(
                        InvalidValue,
                        "layer {at} ({kind}): output_padding ({output_padding}) must be smaller than the stride ({stride})"
                    );
                }
                let mut out = vec![*filters];
                for &n in &input[1..] {
                    let len =
                        crate::layers::transposed_len(n, *kernel_size, *stride, *padding, *dilation, *output_padding);
                    out.push(len.ok_or_else(|| {
                        ironlearn_core::Error::Shape(format!(
                            "layer {at} ({kind}): padding {padding} leaves no output for samples {input:?}"
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

/// The positions and features of samples that must be sequences `[positions, features]`.
fn sequence_shape(input: &[usize], at: &str, kind: &str) -> Result<(usize, usize)> {
    match input {
        &[positions, features] => Ok((positions, features)),
        _ => bail!(Shape, "layer {at} ({kind}): takes sequences [positions, features], got samples {input:?}"),
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
