"""Linear models, side by side: ironlearn vs scikit-learn on the same data.

    python bench/linear.py --repeat 7 --threads 2

Both run in this process, alternating, on generated 100k x 50 data and on the
bundled data sets; reported are the median fit times, their ratio
(scikit-learn / ironlearn, so > 1 means ironlearn is faster) and the fitted
model's R2 or accuracy for each library.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def generated(task: str, n=100_000, p=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    w = rng.normal(size=p)
    z = X @ w / np.sqrt(p)
    if task == "regression":
        return X, z + rng.normal(scale=0.5, size=n)
    return X, (rng.uniform(size=n) < 1 / (1 + np.exp(-2 * z))).astype(int)


def bundled(name: str, target: str):
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    df = pd.read_csv(ROOT / "data" / f"{name}.csv")
    X = StandardScaler().fit_transform(df.drop(columns=[target]).to_numpy(dtype=float))
    return X, df[target].to_numpy()


def timeit(fit, repeat):
    times = []
    model = None
    for _ in range(repeat):
        t = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - t)
    return statistics.median(times), model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(a.threads))
    os.environ.setdefault("RAYON_NUM_THREADS", str(a.threads))
    from sklearn import linear_model as sk

    import ironlearn as il

    cases = [
        ("LinearRegression", "generated 100k x 50", generated("regression"), sk.LinearRegression, il.LinearRegression, {}),
        ("Ridge", "generated 100k x 50", generated("regression"), sk.Ridge, il.Ridge, {"alpha": 1.0}),
        ("LogisticRegression", "generated 100k x 50", generated("classification"), sk.LogisticRegression, il.LogisticRegression, {}),
        ("LinearRegression", "diabetes", bundled("diabetes", "progression"), sk.LinearRegression, il.LinearRegression, {}),
        ("Ridge", "diabetes", bundled("diabetes", "progression"), sk.Ridge, il.Ridge, {"alpha": 1.0}),
        ("LogisticRegression", "breast_cancer", bundled("breast_cancer", "diagnosis"), sk.LogisticRegression, il.LogisticRegression, {}),
        ("LogisticRegression", "wine", bundled("wine", "cultivar"), sk.LogisticRegression, il.LogisticRegression, {}),
        ("LogisticRegression", "digits", bundled("digits", "digit"), sk.LogisticRegression, il.LogisticRegression, {"max_iter": 1000}),
    ]
    print(f"{'model':<20} {'data':<22} {'sklearn s':>10} {'ironlearn s':>12} {'speed-up':>9} {'sklearn score':>14} {'ironlearn score':>16}")
    for name, data, (X, y), sk_cls, il_cls, params in cases:
        X = np.ascontiguousarray(X)
        t_sk, m_sk = timeit(lambda: sk_cls(**params).fit(X, y), a.repeat)
        t_il, m_il = timeit(lambda: il_cls(**params).fit(X, y), a.repeat)
        print(f"{name:<20} {data:<22} {t_sk:>10.4f} {t_il:>12.4f} {t_sk / t_il:>8.2f}x {m_sk.score(X, y):>14.5f} {m_il.score(X, y):>16.5f}")


if __name__ == "__main__":
    sys.exit(main())
