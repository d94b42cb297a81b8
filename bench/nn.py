"""Neural networks: ironlearn against PyTorch on CPU, same networks, same data, one run.

Each library trains in its own process (alternating, median of --repeat
runs), so each run's peak memory is its own: Fashion-MNIST with an MLP
784-256-128-10 (ReLU, Adam at 1e-3, batches of 128, PyTorch's default
initialisation in both), for --epochs epochs. Reported: seconds per epoch,
test accuracy and peak resident memory, as a ratio to PyTorch.

PyTorch is not a test dependency (about 3 GB with its CUDA packages);
install it into its own environment and name its Python:

    python3 -m venv /work/torchenv && /work/torchenv/bin/pip install torch==2.15.0 numpy
    bench/fetch_data.sh
    .venv/bin/python bench/nn.py --torch-python /work/torchenv/bin/python --threads 2 --repeat 3 --epochs 5

The network spec has no convolution or attention layers yet, so the CNN and
the transformer language model of issue 14 are not measured here.
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


def load(split: str):
    import numpy as np

    with gzip.open(DATA / f"{split}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255.0
    with gzip.open(DATA / f"{split}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(np.int64)
    return x, y


def worker_torch(epochs: int, seed: int) -> dict:
    import resource
    import time

    import numpy as np
    import torch

    torch.manual_seed(seed)
    x, y = load("train")
    xt, yt = load("t10k")
    net = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
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
    return {"epoch_s": statistics.median(times), "accuracy": acc, "peak_mb": peak, "version": torch.__version__,
            "threads": torch.get_num_threads(), "pools": describe_pools([])}


def worker_ironlearn(epochs: int, seed: int) -> dict:
    import resource
    import time

    from ironlearn import nn

    x, y = load("train")
    xt, yt = load("t10k")
    times = []
    model = nn.NeuralNetworkClassifier(
        spec=[nn.Dense(256, "relu", init="torch"), nn.Dense(128, "relu", init="torch")],
        epochs=epochs, batch_size=128, learning_rate=1e-3, random_state=seed,
    )
    start = time.perf_counter()
    model.fit(x, y)
    total = time.perf_counter() - start
    times.append(total / epochs)
    acc = float((model.predict(xt) == yt).mean())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"epoch_s": statistics.median(times), "accuracy": acc, "peak_mb": peak}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch-python", required=False, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--worker", choices=["torch", "ironlearn"])
    a = ap.parse_args()
    if a.worker:
        if a.worker == "torch":
            import torch

            torch.set_num_threads(a.threads)
        fn = worker_torch if a.worker == "torch" else worker_ironlearn
        print(json.dumps(fn(a.epochs, 0)))
        return
    runs: dict[str, list[dict]] = {"torch": [], "ironlearn": []}
    for _ in range(a.repeat):
        for lib in ("torch", "ironlearn"):
            py = a.torch_python if lib == "torch" else sys.executable
            if py is None:
                continue
            out = subprocess.run(
                [py, __file__, "--worker", lib, "--threads", str(a.threads), "--epochs", str(a.epochs)],
                env=thread_env(a.threads, ours=lib == "ironlearn"), capture_output=True, text=True, check=True,
            )
            runs[lib].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {lib: {k: statistics.median(r[k] for r in rs) for k in ("epoch_s", "accuracy", "peak_mb")} for lib, rs in runs.items() if rs}
    print(f"MLP 784-256-128-10 on Fashion-MNIST, {a.epochs} epochs, batch 128, Adam, {a.threads} threads, median of {a.repeat}")
    print(f"{'library':<10} {'s/epoch':>8} {'accuracy':>9} {'peak MB':>8}")
    for lib, m in med.items():
        print(f"{lib:<10} {m['epoch_s']:>8.3f} {m['accuracy']:>9.4f} {m['peak_mb']:>8.0f}")
    if len(med) == 2:
        t, i = med["torch"], med["ironlearn"]
        print(f"throughput ironlearn/torch: {t['epoch_s'] / i['epoch_s']:.2f}x; memory ironlearn/torch: {i['peak_mb'] / t['peak_mb']:.2f}x")
    if runs["torch"]:
        print(f"torch {runs['torch'][0]['version']}, {runs['torch'][0]['threads']} threads")


if __name__ == "__main__":
    main()
