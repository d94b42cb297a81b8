//! Built layers: what a [`LayerSpec`] becomes once its input shape, dtype
//! and device are known. One file per layer; each owns its parameters as
//! candle `Var`s and composes its forward pass from operations that have a
//! backward pass (or a custom op with its own).

mod activation;
mod attention;
mod batch_norm;
mod conv;
mod conv_transpose;
mod dense;
mod dropout;
mod embedding;
mod graph;
mod kernel;
mod norm;
mod pool;
mod positional;
mod recurrent;
mod reshape;
pub(crate) mod residual;
mod transformer;

use std::fmt;

use candle_core::{DType, Device, Tensor, Var};
use ironlearn_core::{Result, Rng};

pub use activation::{activate, sigmoid};
pub use attention::{AttentionSoftmax, KeyPadding, MultiHeadAttention};
pub use batch_norm::BatchNorm;
pub use conv::{Conv, Window};
pub use conv_transpose::{transposed_len, ConvTranspose};
pub use dense::Dense;
pub use dropout::Dropout;
pub use embedding::Embedding;
pub use graph::Graph;
pub use norm::{LayerNorm, RmsNorm};
pub use pool::{AdaptiveAvgPool2d, GlobalAvgPool, Pool2d, PoolKind};
pub use positional::PositionalEmbedding;
pub use recurrent::{Cell, Recurrent};
pub use reshape::Reshape;
pub use residual::Residual;
pub use transformer::{BlockShape, TransformerBlock};

use crate::spec::LayerSpec;

/// Training or inference, the random stream dropout draws from, and what
/// earlier layers of the pass tell later ones.
#[derive(Debug)]
pub struct Mode {
    pub train: bool,
    /// Whether the pass records what backpropagation needs. Without it
    /// parameters enter as detached tensors, so candle keeps no graph and each
    /// intermediate is freed as soon as the next layer has read it.
    pub grad: bool,
    pub rng: Rng,
    /// The padding positions of the batch's sequences, set by an embedding with a
    /// `padding_idx`: attention layers ignore those keys.
    pub key_padding: Option<KeyPadding>,
}

impl Mode {
    /// Inference: no dropout, running statistics.
    pub fn eval() -> Mode {
        Mode { train: false, grad: false, rng: Rng::new(0), key_padding: None }
    }

    /// Inference behaviour (no dropout, running statistics) with gradients recorded.
    pub fn eval_with_grad() -> Mode {
        Mode { grad: true, ..Mode::eval() }
    }

    /// Training with the random stream `rng`.
    pub fn train(rng: Rng) -> Mode {
        Mode { train: true, grad: true, rng, key_padding: None }
    }

    /// An optional bias of `n` values as this pass uses it; zeros where there is none.
    pub fn bias(&self, b: Option<&Var>, n: usize, like: &Tensor) -> candle_core::Result<Tensor> {
        match b {
            Some(b) => Ok(self.param(b)),
            None => Tensor::zeros(n, like.dtype(), like.device()),
        }
    }

    /// A parameter as this pass uses it: tracked for gradients, or detached.
    pub fn param(&self, v: &Var) -> Tensor {
        if self.grad {
            v.as_tensor().clone()
        } else {
            v.as_detached_tensor()
        }
    }
}

/// A trainable tensor and whether weight decay (an L2 penalty) applies to it.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub var: Var,
    pub decay: bool,
}

/// A layer of a built network.
pub trait Layer: fmt::Debug + Send + Sync {
    fn forward(&self, x: &Tensor, mode: &mut Mode) -> candle_core::Result<Tensor>;

    /// The trainable parameters, named within the layer (`weight`, `bias`).
    fn params(&self) -> Vec<Param> {
        Vec::new()
    }

    /// State that is saved but not trained (batch norm's running statistics).
    fn buffers(&self) -> Vec<(String, Var)> {
        Vec::new()
    }
}

/// A weight (decayed) and an optional bias (not decayed), named as PyTorch names them.
pub(crate) fn weight_and_bias(weight: &Var, bias: Option<&Var>) -> Vec<Param> {
    let mut p = vec![Param { name: "weight".into(), var: weight.clone(), decay: true }];
    if let Some(b) = bias {
        p.push(Param { name: "bias".into(), var: b.clone(), decay: false });
    }
    p
}

/// Where and in what precision a network's tensors live, and the stream its weights start from.
#[derive(Debug)]
pub struct Builder<'a> {
    pub dtype: DType,
    pub device: &'a Device,
    pub rng: &'a mut Rng,
}

impl LayerSpec {
    /// Builds the layer for samples of shape `input` (already checked by [`LayerSpec::output_shape`]).
    pub fn build(&self, input: &[usize], b: &mut Builder<'_>) -> Result<Box<dyn Layer>> {
        let last = *input.last().expect("shapes are checked before building");
        Ok(match self {
            LayerSpec::Dense { units, activation, bias, init } => {
                Box::new(Dense::new(last, *units, *activation, *bias, *init, b)?)
            }
            LayerSpec::Activation { activation } => Box::new(activation::ActivationLayer(*activation)),
            LayerSpec::Dropout { rate } => Box::new(Dropout { rate: *rate }),
            LayerSpec::Flatten => Box::new(Reshape { shape: vec![input.iter().product()] }),
            LayerSpec::Reshape { shape } => Box::new(Reshape { shape: shape.clone() }),
            LayerSpec::LayerNorm { eps } => Box::new(LayerNorm::new(last, *eps, b)?),
            LayerSpec::RmsNorm { eps } => Box::new(RmsNorm::new(last, *eps, b)?),
            LayerSpec::BatchNorm { eps, momentum } => Box::new(BatchNorm::new(input[0], *eps, *momentum, b)?),
            LayerSpec::Embedding { vocab, dim, padding_idx } => {
                Box::new(Embedding::new(*vocab, *dim, *padding_idx, b)?)
            }
            LayerSpec::PositionalEmbedding { max_len, learned } => Box::new(if *learned {
                PositionalEmbedding::learned(*max_len, last, b)?
            } else {
                PositionalEmbedding::sinusoidal(*max_len, last, b.dtype, b.device)?
            }),
            LayerSpec::Lstm { units, return_sequences } => {
                Box::new(Recurrent::new(Cell::Lstm, last, *units, *return_sequences, b)?)
            }
            LayerSpec::Gru { units, return_sequences } => {
                Box::new(Recurrent::new(Cell::Gru, last, *units, *return_sequences, b)?)
            }
            LayerSpec::Attention { heads, causal, dropout, bias } => {
                Box::new(MultiHeadAttention::new(last, *heads, *causal, *dropout, *bias, b)?)
            }
            LayerSpec::TransformerBlock { heads, ff_dim, causal, norm_first, activation, dropout, eps } => {
                Box::new(TransformerBlock::new(
                    BlockShape {
                        dim: last,
                        heads: *heads,
                        ff_dim: ff_dim.unwrap_or(4 * last),
                        causal: *causal,
                        norm_first: *norm_first,
                        activation: *activation,
                        dropout: *dropout,
                        eps: *eps,
                    },
                    b,
                )?)
            }
            LayerSpec::Residual { layers } => Box::new(Residual::new(layers, input, b)?),
            LayerSpec::Graph { nodes, output } => Box::new(Graph::new(nodes, output.as_deref(), input, b)?),
            LayerSpec::Conv2d { filters, kernel_size, stride, padding, dilation, groups, bias, activation, init } => {
                let window = Window::square(*kernel_size, *stride, *padding, *dilation);
                Box::new(Conv::new(2, input[0], *filters, window, *groups, *bias, *activation, *init, b)?)
            }
            LayerSpec::Conv1d { filters, kernel_size, stride, padding, dilation, groups, bias, activation, init } => {
                let window = Window {
                    kernel: (1, *kernel_size),
                    stride: (1, *stride),
                    padding: (0, *padding),
                    dilation: (1, *dilation),
                };
                Box::new(Conv::new(1, input[0], *filters, window, *groups, *bias, *activation, *init, b)?)
            }
            LayerSpec::ConvTranspose2d {
                filters,
                kernel_size,
                stride,
                padding,
                output_padding,
                dilation,
                groups,
                bias,
                activation,
                init,
            } => {
                let window = Window::square(*kernel_size, *stride, *padding, *dilation);
                Box::new(ConvTranspose::new(
                    input[0],
                    *filters,
                    window,
                    *output_padding,
                    *groups,
                    *bias,
                    *activation,
                    *init,
                    b,
                )?)
            }
            LayerSpec::MaxPool2d { kernel_size, stride, padding } => Box::new(Pool2d {
                kind: PoolKind::Max,
                window: Window::square(*kernel_size, stride.unwrap_or(*kernel_size), *padding, 1),
            }),
            LayerSpec::AvgPool2d { kernel_size, stride } => Box::new(Pool2d {
                kind: PoolKind::Avg,
                window: Window::square(*kernel_size, stride.unwrap_or(*kernel_size), 0, 1),
            }),
            LayerSpec::GlobalAvgPool => Box::new(GlobalAvgPool),
            LayerSpec::AdaptiveAvgPool2d { output_size } => {
                Box::new(AdaptiveAvgPool2d::new(input[1], input[2], *output_size, b.dtype, b.device)?)
            }
        })
    }
}
