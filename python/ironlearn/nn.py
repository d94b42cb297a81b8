"""Neural networks: build a spec from layers, fit on numpy arrays, predict.

A network is data: a list of layer dicts (``{"type": "dense", "units": 64,
"activation": "relu"}``), the same JSON the CLI reads with ``--spec`` and
the model file stores. The helpers below only write those dicts::

    from ironlearn import nn

    model = nn.NeuralNetworkClassifier(
        spec=[nn.Dense(128, "relu"), nn.Dropout(0.1), nn.Dense(64, "relu")],
        optimizer=nn.AdamW(weight_decay=0.01),
        schedule=nn.Cosine(t_max=20),
        epochs=20,
        batch_size=128,
        learning_rate=1e-3,
    ).fit(X, y)

The output layer is added for the target (one unit per class or target)
unless ``head=False``. ``MLPClassifier`` and ``MLPRegressor`` (scikit-learn's
parameters) are in ``ironlearn`` itself.
"""

from ._base import IronClassifier, IronRegressor
from ._generated import _NeuralNetworkParams

__all__ = [
    "NeuralNetworkClassifier",
    "NeuralNetworkRegressor",
    "Dense",
    "Activation",
    "Dropout",
    "Flatten",
    "Reshape",
    "LayerNorm",
    "RMSNorm",
    "BatchNorm",
    "Embedding",
    "Residual",
    "Conv2d",
    "Conv1d",
    "MaxPool2d",
    "AvgPool2d",
    "GlobalAvgPool",
    "AdaptiveAvgPool2d",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "StepLR",
    "ExponentialLR",
    "Cosine",
    "OneCycle",
    "ReduceOnPlateau",
]


class NeuralNetworkClassifier(_NeuralNetworkParams, IronClassifier):
    __doc__ = _NeuralNetworkParams.__doc__


class NeuralNetworkRegressor(_NeuralNetworkParams, IronRegressor):
    __doc__ = _NeuralNetworkParams.__doc__


# -- layers ---------------------------------------------------------------------


def Dense(units, activation="identity", bias=True, init="glorot_uniform"):
    """A fully connected layer, then ``activation``."""
    return {"type": "dense", "units": int(units), "activation": activation, "bias": bool(bias), "init": init}


def Activation(activation):
    """An activation on its own: relu, leaky_relu, gelu, gelu_tanh, silu, sigmoid, tanh, softmax, identity."""
    return {"type": "activation", "activation": activation}


def Dropout(rate):
    """Zeroes each value with probability ``rate`` in training."""
    return {"type": "dropout", "rate": float(rate)}


def Flatten():
    """Flattens each sample to one axis."""
    return {"type": "flatten"}


def Reshape(*shape):
    """Reshapes each sample (the batch axis is kept)."""
    return {"type": "reshape", "shape": [int(s) for s in shape]}


def LayerNorm(eps=1e-5):
    """Normalises each sample over its last axis, with a learned scale and shift."""
    return {"type": "layer_norm", "eps": float(eps)}


def RMSNorm(eps=1e-5):
    """Divides each sample by its root mean square over the last axis, with a learned scale."""
    return {"type": "rms_norm", "eps": float(eps)}


def BatchNorm(eps=1e-5, momentum=0.1):
    """Normalises each feature (or each channel of ``[channels, ...]`` samples) over the batch; running statistics at inference."""
    return {"type": "batch_norm", "eps": float(eps), "momentum": float(momentum)}


def Embedding(vocab, dim, padding_idx=None):
    """A learned vector per integer token; the ``padding_idx`` token stays zero and attention ignores it."""
    layer = {"type": "embedding", "vocab": int(vocab), "dim": int(dim)}
    if padding_idx is not None:
        layer["padding_idx"] = int(padding_idx)
    return layer


def PositionalEmbedding(max_len, learned=True):
    """Adds a vector per position to sequences ``[positions, features]``: learned, or fixed sines and cosines."""
    return {"type": "positional_embedding", "max_len": int(max_len), "learned": bool(learned)}


def Attention(heads, causal=False, dropout=0.0, bias=True):
    """Multi-head self-attention over sequences ``[positions, features]`` (PyTorch's ``nn.MultiheadAttention``)."""
    return {"type": "attention", "heads": int(heads), "causal": bool(causal), "dropout": float(dropout), "bias": bool(bias)}


def TransformerBlock(heads, ff_dim=None, causal=False, norm_first=False, activation="relu", dropout=0.1, eps=1e-5):
    """A Transformer encoder block (PyTorch's ``nn.TransformerEncoderLayer``); ``causal=True`` makes it a decoder block."""
    layer = {"type": "transformer_block", "heads": int(heads), "causal": bool(causal), "norm_first": bool(norm_first),
             "activation": activation, "dropout": float(dropout), "eps": float(eps)}
    if ff_dim is not None:
        layer["ff_dim"] = int(ff_dim)
    return layer


def LSTM(units, return_sequences=False):
    """An LSTM over sequences ``[positions, features]``: every position's output, or the last one's."""
    return {"type": "lstm", "units": int(units), "return_sequences": bool(return_sequences)}


def GRU(units, return_sequences=False):
    """A GRU over sequences ``[positions, features]``: every position's output, or the last one's."""
    return {"type": "gru", "units": int(units), "return_sequences": bool(return_sequences)}


def Graph(*nodes, output=None):
    """A graph of layers (Keras' functional API): ``Node``s that merge earlier nodes' outputs or ``"input"``."""
    layer = {"type": "graph", "nodes": list(nodes)}
    if output is not None:
        layer["output"] = output
    return layer


def Node(name, *layers, inputs=("input",), merge=None):
    """A node of a ``Graph``: its inputs merged (``"add"``, ``"multiply"`` or ``"concat"``), then ``layers``."""
    node = {"name": name, "inputs": list(inputs), "layers": list(layers)}
    if merge is not None:
        node["merge"] = merge
    return node


def Residual(*layers):
    """``x + f(x)`` for the layers ``f`` (which keep the shape)."""
    return {"type": "residual", "layers": list(layers)}


def Conv2d(filters, kernel_size, stride=1, padding=0, dilation=1, groups=1, activation="identity", bias=True, init="glorot_uniform"):
    """A 2-d convolution of samples ``[channels, height, width]`` (square kernels), then ``activation``."""
    return {"type": "conv2d", "filters": int(filters), "kernel_size": int(kernel_size), "stride": int(stride), "padding": int(padding),
            "dilation": int(dilation), "groups": int(groups), "activation": activation, "bias": bool(bias), "init": init}


def Conv1d(filters, kernel_size, stride=1, padding=0, dilation=1, groups=1, activation="identity", bias=True, init="glorot_uniform"):
    """A 1-d convolution of samples ``[channels, length]``, then ``activation``."""
    return {"type": "conv1d", "filters": int(filters), "kernel_size": int(kernel_size), "stride": int(stride), "padding": int(padding),
            "dilation": int(dilation), "groups": int(groups), "activation": activation, "bias": bool(bias), "init": init}


def ConvTranspose2d(filters, kernel_size, stride=1, padding=0, output_padding=0, dilation=1, groups=1, activation="identity", bias=True, init="glorot_uniform"):
    """A transposed 2-d convolution (to upsample) of samples ``[channels, height, width]``, then ``activation``."""
    return {"type": "conv_transpose2d", "filters": int(filters), "kernel_size": int(kernel_size), "stride": int(stride),
            "padding": int(padding), "output_padding": int(output_padding), "dilation": int(dilation), "groups": int(groups),
            "activation": activation, "bias": bool(bias), "init": init}


def MaxPool2d(kernel_size, stride=None, padding=0):
    """The maximum of each window; the stride defaults to the kernel size."""
    layer = {"type": "max_pool2d", "kernel_size": int(kernel_size), "padding": int(padding)}
    if stride is not None:
        layer["stride"] = int(stride)
    return layer


def AvgPool2d(kernel_size, stride=None):
    """The mean of each window; the stride defaults to the kernel size."""
    layer = {"type": "avg_pool2d", "kernel_size": int(kernel_size)}
    if stride is not None:
        layer["stride"] = int(stride)
    return layer


def GlobalAvgPool():
    """The mean over every axis but the channels."""
    return {"type": "global_avg_pool"}


def AdaptiveAvgPool2d(output_size):
    """Means over an ``output_size`` x ``output_size`` grid of bins."""
    return {"type": "adaptive_avg_pool2d", "output_size": int(output_size)}


# -- optimizers and schedules ---------------------------------------------------


def SGD(momentum=0.0, nesterov=False, weight_decay=0.0):
    return {"type": "sgd", "momentum": momentum, "nesterov": nesterov, "weight_decay": weight_decay}


def Adam(beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    return {"type": "adam", "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weight_decay}


def AdamW(beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    return {"type": "adamw", "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weight_decay}


def RMSprop(alpha=0.99, eps=1e-8, momentum=0.0, weight_decay=0.0):
    return {"type": "rmsprop", "alpha": alpha, "eps": eps, "momentum": momentum, "weight_decay": weight_decay}


def Adagrad(eps=1e-10, weight_decay=0.0, initial_accumulator=0.0):
    return {"type": "adagrad", "eps": eps, "weight_decay": weight_decay, "initial_accumulator": initial_accumulator}


def StepLR(step_size, gamma=0.1):
    return {"type": "step", "step_size": int(step_size), "gamma": gamma}


def ExponentialLR(gamma):
    return {"type": "exponential", "gamma": gamma}


def Cosine(t_max, eta_min=0.0):
    return {"type": "cosine", "t_max": int(t_max), "eta_min": eta_min}


def OneCycle(max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    return {"type": "one_cycle", "max_lr": max_lr, "pct_start": pct_start, "div_factor": div_factor, "final_div_factor": final_div_factor}


def ReduceOnPlateau(factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
    return {"type": "reduce_on_plateau", "factor": factor, "patience": int(patience), "threshold": threshold, "min_lr": min_lr}
