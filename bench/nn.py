"""Neural networks: ironlearn against PyTorch on CPU, same networks, same data, one run.

Each library trains in its own process (alternating, median of --repeat
runs), so each run's peak memory is its own. Three networks (--model):

- mlp: Fashion-MNIST, 784-256-128-10 (ReLU), Adam at 1e-3, batches of 128,
  PyTorch's default initialisation in both, --epochs epochs;
- cnn: Fashion-MNIST, conv3x3 32, max-pool 2, conv3x3 64, max-pool 2, dense
  128, dense 10 (ReLU), same training;
- lm: a character-level Transformer language model on Shakespeare's plays
  (embedding 128 + learned positions, 4 pre-norm causal blocks of 4 heads
  with GELU feed-forward 512, layer norm, dense to the characters; windows of
  128, batches of 32, AdamW with a one-cycle rate peaking at 3e-3, clipping
  at norm 1), --epochs x --steps steps. ironlearn's side is the Rust example
  `shakespeare` (build it with `cargo build --release -p ironlearn-nn
  --example shakespeare`).

Reported: seconds per epoch (or per 100 steps), the quality (test accuracy,
or validation loss in nats) and peak resident memory, as ratios to PyTorch.

PyTorch is not a test dependency (about 3 GB with its CUDA packages);
install it into its own environment and name its Python:

    python3 -m venv /work/torchenv && /work/torchenv/bin/pip install torch==2.15.0 numpy
    bench/fetch_data.sh
    .venv/bin/python bench/nn.py --torch-python /work/torchenv/bin/python --threads 2 --repeat 3 --epochs 5
    .venv/bin/python bench/nn.py --model cnn --torch-python /work/torchenv/bin/python --repeat 1 --epochs 1
    .venv/bin/python bench/nn.py --model lm --torch-python /work/torchenv/bin/python --repeat 1 --epochs 4 --steps 100
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, describe_pools, thread_env  # noqa: E402

DATA = ROOT / "bench" / "data" / "fashion-mnist"
PLAYS = ROOT / "bench" / "data" / "shakespeare"
SEQ, BATCH = 128, 32


def load(split: str):
    import numpy as np

    with gzip.open(DATA / f"{split}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255.0
    with gzip.open(DATA / f"{split}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    return x, y


def torch_net(model: str):
    import torch

    nn = torch.nn
    if model == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def ironlearn_spec(model: str):
    from ironlearn import nn

    if model == "mlp":
        return [nn.Dense(256, "relu", init="torch"), nn.Dense(128, "relu", init="torch")]
    return [nn.Reshape(1, 28, 28), nn.Conv2d(32, 3, activation="relu", init="torch"), nn.MaxPool2d(2),
            nn.Conv2d(64, 3, activation="relu", init="torch"), nn.MaxPool2d(2), nn.Flatten(),
            nn.Dense(128, "relu", init="torch")]


def plays():
    """The plays' characters as token ids, split 90/10, and the vocabulary size (as the Rust example)."""
    import numpy as np

    text = "".join((p.read_text() for p in sorted(PLAYS.glob("*_gut.txt"))))
    chars = sorted(set(text))
    ids = {c: i for i, c in enumerate(chars)}
    tokens = np.array([ids[c] for c in text], dtype=np.int64)
    split = len(tokens) * 9 // 10
    return tokens[:split], tokens[split:], len(chars)


def worker_torch_lm(epochs: int, steps: int, seed: int) -> dict:
    import resource
    import time

    import numpy as np
    import torch

    nn = torch.nn
    torch.manual_seed(seed)
    train, valid, vocab = plays()

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(vocab, 128)
            self.pos = nn.Parameter(torch.randn(SEQ, 128) * 0.02)
            self.blocks = nn.ModuleList(
                nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
                for _ in range(4)
            )
            self.norm = nn.LayerNorm(128)
            self.head = nn.Linear(128, vocab)
            self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(SEQ))

        def forward(self, x):
            h = self.emb(x) + self.pos[: x.shape[1]]
            for b in self.blocks:
                h = b(h, src_mask=self.mask, is_causal=True)
            return self.head(self.norm(h))

    rng = np.random.default_rng(seed)

    def windows(tokens, count):
        starts = rng.integers(0, len(tokens) - SEQ - 1, size=count)
        idx = starts[:, None] + np.arange(SEQ + 1)
        w = torch.from_numpy(tokens[idx])
        return w[:, :-1], w[:, 1:]

    net = LM()
    x, y = windows(train, steps * BATCH)
    vx, vy = windows(valid, 256)
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, betas=(0.9, 0.99), weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=epochs * steps, cycle_momentum=False)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for i in range(0, len(x), BATCH):
            idx = order[i : i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[idx]).reshape(-1, vocab), y[idx].reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        vl = float(loss_fn(net(vx).reshape(-1, vocab), vy.reshape(-1)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"epoch_s": statistics.median(times), "quality": vl, "peak_mb": peak, "version": torch.__version__,
            "threads": torch.get_num_threads()}


def worker_ironlearn_lm(epochs: int, steps: int, seed: int) -> dict:
    import re
    import resource

    exe = ROOT / "target" / "release" / "examples" / "shakespeare"
    out = subprocess.run([str(exe), str(PLAYS), str(epochs), str(steps)], capture_output=True, text=True, check=True).stdout
    times = [float(t) for t in re.findall(r"epoch +\d+: .* ([0-9.]+) s", out)]
    vl = float(re.search(r"validation loss ([0-9.]+) nats against", out).group(1))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"epoch_s": statistics.median(times), "quality": vl, "peak_mb": peak}


def worker_torch(model: str, epochs: int, seed: int) -> dict:
    import resource
    import time

    import numpy as np
    import torch

    torch.manual_seed(seed)
    x, y = load("train")
    xt, yt = load("t10k")
    net = torch_net(model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    g = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), 128):
            idx = order[i : i + 128]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(X[idx]), Y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        acc = float((net(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"epoch_s": statistics.median(times), "quality": acc, "peak_mb": peak, "version": torch.__version__,
            "threads": torch.get_num_threads(), "pools": describe_pools([])}


def worker_ironlearn(model: str, epochs: int, seed: int) -> dict:
    import resource
    import time

    from ironlearn import nn

    x, y = load("train")
    xt, yt = load("t10k")
    times = []
    model = nn.NeuralNetworkClassifier(
        spec=ironlearn_spec(model),
        epochs=epochs, batch_size=128, learning_rate=1e-3, random_state=seed,
    )
    start = time.perf_counter()
    model.fit(x, y)
    total = time.perf_counter() - start
    times.append(total / epochs)
    acc = float((model.predict(xt) == yt).mean())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"epoch_s": statistics.median(times), "quality": acc, "peak_mb": peak}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["mlp", "cnn", "lm"], default="mlp")
    ap.add_argument("--torch-python", required=False, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=100, help="steps per epoch of the language model")
    ap.add_argument("--worker", choices=["torch", "ironlearn"])
    a = ap.parse_args()
    if a.worker:
        if a.worker == "torch":
            import torch

            torch.set_num_threads(a.threads)
        if a.model == "lm":
            fn = worker_torch_lm if a.worker == "torch" else worker_ironlearn_lm
            print(json.dumps(fn(a.epochs, a.steps, 0)))
        else:
            fn = worker_torch if a.worker == "torch" else worker_ironlearn
            print(json.dumps(fn(a.model, a.epochs, 0)))
        return
    runs: dict[str, list[dict]] = {"torch": [], "ironlearn": []}
    for _ in range(a.repeat):
        for lib in ("torch", "ironlearn"):
            py = a.torch_python if lib == "torch" else sys.executable
            if py is None:
                continue
            cmd = [py, __file__, "--worker", lib, "--model", a.model, "--threads", str(a.threads),
                   "--epochs", str(a.epochs), "--steps", str(a.steps)]
            out = subprocess.run(cmd, env=thread_env(a.threads, ours=lib == "ironlearn"), capture_output=True, text=True,
                                 check=True)
            runs[lib].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {lib: {k: statistics.median(r[k] for r in rs) for k in ("epoch_s", "quality", "peak_mb")} for lib, rs in runs.items() if rs}
    what = {
        "mlp": "MLP 784-256-128-10 on Fashion-MNIST, batch 128, Adam",
        "cnn": "CNN conv32-pool-conv64-pool-128 on Fashion-MNIST, batch 128, Adam",
        "lm": f"character Transformer LM on Shakespeare, {a.steps} steps an epoch, batch {BATCH} x {SEQ}, AdamW",
    }[a.model]
    quality = "valid loss" if a.model == "lm" else "accuracy"
    print(f"{what}, {a.epochs} epochs, {a.threads} threads, median of {a.repeat}")
    print(f"{'library':<10} {'s/epoch':>8} {quality:>10} {'peak MB':>8}")
    for lib, m in med.items():
        print(f"{lib:<10} {m['epoch_s']:>8.3f} {m['quality']:>10.4f} {m['peak_mb']:>8.0f}")
    if len(med) == 2:
        t, i = med["torch"], med["ironlearn"]
        print(f"throughput ironlearn/torch: {t['epoch_s'] / i['epoch_s']:.2f}x; memory ironlearn/torch: {i['peak_mb'] / t['peak_mb']:.2f}x")
    if runs["torch"]:
        print(f"torch {runs['torch'][0]['version']}, {runs['torch'][0]['threads']} threads")


if __name__ == "__main__":
    main()
