"""Writes the PyTorch parity fixtures that tests/torch_parity.rs checks.

Each fixture is a small safetensors file: a network's weights as PyTorch
drew them (under ironlearn's parameter names), an input, PyTorch's output
for it, a random probe, and the gradients of sum(output * probe) with
respect to every weight and to the input. Its metadata holds the
ironlearn spec of the same network. Everything is float64, so the Rust
test can ask for agreement to 1e-10 rather than a float32 tolerance.

Run once with a Python that has torch and safetensors (torch is about 3 GB
with its CUDA packages: fixtures and benchmarks only, never CI):

    python crates/ironlearn-nn/tests/torch/make_fixtures.py
"""

import json
import pathlib

import torch
from safetensors.torch import save_file

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).parent / "fixtures"


def save(name, spec, input_shape, module, x, names, forward=None, train=True, x_grad=True, buffers=()):
    """Runs `module` on `x`, backpropagates a random probe and saves everything.

    `names` maps ironlearn's parameter names to PyTorch's; `forward` replaces
    `module(x)` where the layer needs more arguments (masks).
    """
    module.train(train)
    module.zero_grad()
    x = x.clone().requires_grad_(x_grad)
    y = forward(x) if forward else module(x)
    probe = torch.randn_like(y)
    (y * probe).sum().backward()
    params = dict(module.named_parameters())
    tensors = {"x": x.detach(), "y": y.detach(), "probe": probe}
    if x_grad:
        tensors["grad.x"] = x.grad
    for ours, theirs in names.items():
        tensors[f"param.{ours}"] = params[theirs].detach()
        tensors[f"grad.{ours}"] = params[theirs].grad
    state = module.state_dict()
    for ours, theirs in buffers:
        tensors[f"buffer.{ours}"] = state[theirs]
    meta = {"spec": json.dumps(spec), "input_shape": json.dumps(input_shape), "train": json.dumps(train)}
    save_file({k: v.contiguous() for k, v in tensors.items()}, OUT / f"{name}.safetensors", metadata=meta)


def seq_names(module, prefix="0."):
    return {prefix + n: n for n, _ in module.named_parameters()}


def main():
    OUT.mkdir(exist_ok=True)
    nn = torch.nn

    for act, fn in [
        ("relu", nn.ReLU()),
        ("leaky_relu", nn.LeakyReLU(0.01)),
        ("gelu", nn.GELU()),
        ("gelu_tanh", nn.GELU(approximate="tanh")),
        ("silu", nn.SiLU()),
        ("sigmoid", nn.Sigmoid()),
        ("tanh", nn.Tanh()),
        ("softmax", nn.Softmax(dim=-1)),
    ]:
        m = nn.Sequential(nn.Linear(5, 4), fn)
        spec = [{"type": "dense", "units": 4, "activation": act}]
        save(f"dense_{act}", spec, [5], m, torch.randn(6, 5), {"0.weight": "0.weight", "0.bias": "0.bias"})

    m = nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=1, groups=2)
    spec = [{"type": "conv2d", "filters": 6, "kernel_size": 3, "stride": 2, "padding": 1, "groups": 2}]
    save("conv2d", spec, [4, 7, 6], m, torch.randn(3, 4, 7, 6), seq_names(m))

    m = nn.Conv1d(2, 4, 3, stride=2, padding=2, dilation=2)
    spec = [{"type": "conv1d", "filters": 4, "kernel_size": 3, "stride": 2, "padding": 2, "dilation": 2}]
    save("conv1d", spec, [2, 11], m, torch.randn(3, 2, 11), seq_names(m))

    m = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    spec = [{"type": "conv_transpose2d", "filters": 6, "kernel_size": 3, "stride": 2, "padding": 1,
             "output_padding": 1, "groups": 2}]
    save("conv_transpose2d", spec, [4, 4, 5], m, torch.randn(2, 4, 4, 5), seq_names(m))

    for name, pool, layer in [
        ("max_pool2d", nn.MaxPool2d(3, stride=2, padding=1), {"type": "max_pool2d", "kernel_size": 3, "stride": 2, "padding": 1}),
        ("avg_pool2d", nn.AvgPool2d(2), {"type": "avg_pool2d", "kernel_size": 2}),
        ("adaptive_avg_pool2d", nn.AdaptiveAvgPool2d(3), {"type": "adaptive_avg_pool2d", "output_size": 3}),
    ]:
        m = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), pool)
        spec = [{"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": 1}, layer]
        save(name, spec, [2, 5, 7], m, torch.randn(3, 2, 5, 7), {"0.weight": "0.weight", "0.bias": "0.bias"})

    m = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))
    spec = [{"type": "dense", "units": 4}, {"type": "batch_norm"}]
    stats = [("1.running_mean", "1.running_mean"), ("1.running_var", "1.running_var")]
    save("batch_norm1d", spec, [5], m, torch.randn(8, 5), seq_names(m, ""), buffers=stats)

    m = nn.Sequential(nn.Conv2d(2, 3, 2), nn.BatchNorm2d(3))
    spec = [{"type": "conv2d", "filters": 3, "kernel_size": 2}, {"type": "batch_norm"}]
    save("batch_norm2d", spec, [2, 4, 5], m, torch.randn(4, 2, 4, 5), seq_names(m, ""), buffers=stats)

    m = nn.Sequential(nn.Linear(5, 4), nn.LayerNorm(4))
    with torch.no_grad():  # away from ones and zeros, so a swapped weight and bias shows
        m[1].weight.uniform_(0.5, 1.5)
        m[1].bias.uniform_(-0.5, 0.5)
    spec = [{"type": "dense", "units": 4}, {"type": "layer_norm"}]
    save("layer_norm", spec, [3, 5], m, torch.randn(2, 3, 5), seq_names(m, ""))

    m = nn.Sequential(nn.Linear(5, 4), nn.RMSNorm(4, eps=1e-5))
    with torch.no_grad():
        m[1].weight.uniform_(0.5, 1.5)
    spec = [{"type": "dense", "units": 4}, {"type": "rms_norm"}]
    save("rms_norm", spec, [3, 5], m, torch.randn(2, 3, 5), seq_names(m, ""))

    for cell, cls in [("lstm", nn.LSTM), ("gru", nn.GRU)]:
        m = cls(3, 4, batch_first=True)
        x = torch.randn(2, 5, 3)
        spec = [{"type": cell, "units": 4, "return_sequences": True}]
        save(f"{cell}_sequences", spec, [5, 3], m, x, seq_names(m), forward=lambda x, m=m: m(x)[0])
        spec = [{"type": cell, "units": 4}]
        save(f"{cell}_last", spec, [5, 3], m, x, seq_names(m), forward=lambda x, m=m: m(x)[0][:, -1])

    # Attention behind an embedding whose token 0 is padding: PyTorch's key_padding_mask.
    # Token 0 never starts a sequence, so with the causal mask every query sees some key.
    emb = nn.Embedding(7, 8, padding_idx=0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():
        mha.in_proj_bias.uniform_(-0.2, 0.2)
        mha.out_proj.bias.uniform_(-0.2, 0.2)
    tokens = torch.tensor([[3, 1, 0, 4, 0, 2], [5, 6, 2, 0, 1, 3]], dtype=torch.float64)
    causal = torch.triu(torch.ones(6, 6, dtype=torch.bool), 1)
    both = nn.ModuleDict({"emb": emb, "mha": mha})

    def attend(x):
        ids = x.long()
        h = emb(ids)
        return mha(h, h, h, key_padding_mask=ids == 0, attn_mask=causal, need_weights=False)[0]

    names = {"0.weight": "emb.weight"}
    names.update({f"1.{n}": f"mha.{n}" for n, _ in mha.named_parameters()})
    spec = [{"type": "embedding", "vocab": 7, "dim": 8, "padding_idx": 0},
            {"type": "attention", "heads": 2, "causal": True}]
    save("attention_causal_padded", spec, [6], both, tokens, names, forward=attend, x_grad=False)

    for norm_first, act in [(False, "relu"), (True, "gelu")]:
        block = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.0, activation=act,
                                           batch_first=True, norm_first=norm_first)
        with torch.no_grad():
            for n, p in block.named_parameters():
                if n.endswith("bias") or n.startswith("norm"):
                    p.add_(torch.rand_like(p) * 0.4 - 0.2)
        mask = nn.Transformer.generate_square_subsequent_mask(5)
        spec = [{"type": "transformer_block", "heads": 2, "ff_dim": 12, "dropout": 0.0, "activation": act,
                 "norm_first": norm_first, "causal": True}]
        name = "transformer_block_norm_first" if norm_first else "transformer_block"
        save(name, spec, [5, 8], block, torch.randn(3, 5, 8), seq_names(block),
             forward=lambda x, b=block, m=mask: b(x, src_mask=m, is_causal=True), train=False)

    # Losses: each on one set of outputs, its gradient with respect to them.
    x = torch.randn(6, 4)
    y = torch.tensor([0, 3, 1, 1, 2, 0])
    losses = {
        "cross_entropy": (nn.CrossEntropyLoss(), y, {"type": "cross_entropy"}),
        "cross_entropy_smooth_weighted": (
            nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5, 1.5]), label_smoothing=0.1), y,
            {"type": "cross_entropy", "label_smoothing": 0.1, "class_weight": [1.0, 2.0, 0.5, 1.5]}),
        "nll": (nn.NLLLoss(), y, {"type": "nll"}),
        "bce_logits": (nn.BCEWithLogitsLoss(), (torch.rand(6, 4) > 0.5).double(), {"type": "binary_cross_entropy"}),
        "huber": (nn.HuberLoss(delta=0.7), torch.randn(6, 4), {"type": "huber", "delta": 0.7}),
        "mse": (nn.MSELoss(), torch.randn(6, 4), {"type": "mse"}),
        "mae": (nn.L1Loss(), torch.randn(6, 4), {"type": "mae"}),
    }
    for name, (fn, target, spec) in losses.items():
        out = x.clone().requires_grad_(True)
        value = fn(out, target)
        value.backward()
        tensors = {"out": x, "target": target.double(), "loss": value.detach().reshape(1), "grad": out.grad}
        save_file(tensors, OUT / f"loss_{name}.safetensors", metadata={"loss": json.dumps(spec)})


if __name__ == "__main__":
    main()
