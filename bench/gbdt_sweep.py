"""Gradient boosting over data sizes (issue 12): ironlearn vs LightGBM vs XGBoost.

Build ironlearn's extension optimised first (a dev build's timings mean nothing):

    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release

Full sweep (hours on two cores; 4.5 GB of cached arrays under bench/data/cache/sweep/):

    .venv/bin/python bench/gbdt_sweep.py --repeat 3 --threads 2 \\
        --out bench/results/gbdt_sweep.md --json bench/results/gbdt_sweep.json

Quick subset (a minute or two):

    .venv/bin/python bench/gbdt_sweep.py --rows 1000,5000 --features 10 \\
        --tasks binary,multiclass10 --real iris --repeat 1 --rounds 20 \\
        --latency-rows 5000 --out /tmp/sweep.md --json /tmp/sweep.json

Only make (and cache) the data, no timing: add --gen-only. A sweep written
with --json picks up where it stopped with --resume (the same flags), and
--merge A.json,B.json writes the combined report of several runs.

What is measured
----------------
Points: generated data at --rows training rows (1k, 5k, 20k, 100k, 1M), with
a held-out quarter of that again (20% of all rows) for quality, at --features
columns (10, 100), for --tasks binary, multiclass10, multiclass26 and
regression; and --real, the bundled data/*.csv sets (iris, wine,
breast_cancer, diabetes, digits, penguins) or the fetched ones of 4k-330k rows
(spam, satellite, letter, diamonds, shuttle, nycflights: bench/tabular.py,
after bash bench/fetch_data.sh); a stratified 80/20 split, seed 0; text
columns (penguins' island and sex, diamonds' cut, color and clarity,
nycflights' carrier, origin and dest) are category codes with NaN for missing
and declared categorical to every library; rows with no target are dropped.
Generated data is made in blocks of 65,536 rows from seeds fixed by (task,
features, block), so the first n rows of a larger set are the smaller set: the
same problem at every size. Classification: balanced classes, each two
Gaussian clusters around hypercube vertices in the informative columns (6 of
10, 20 of 100), linear mixtures of them as redundant columns (2, 10), the rest
noise, 1% of labels flipped (make_classification's recipe). Regression: a
linear term, pairwise products and a sine of the informative columns, plus
noise. Arrays are float64, cached as .npy (bench/data/cache/sweep/), so each
worker only loads them.

Every (library, point, API) training run is a fresh subprocess; within each
repeat the libraries go in turn, the order rotating between repeats, so a
drift in the shared machine's speed hits all alike; the figure is the median
of --repeat runs. Training time includes the library's dataset construction
(binning) and, for the scikit-learn API, everything fit() does on a numpy
array (so Python-side overhead shows). --api native: lgb.train(params,
lgb.Dataset(X, y), rounds) for ironlearn (``import ironlearn.boost as lgb``)
and LightGBM, xgb.train on a QuantileDMatrix for XGBoost; --api sklearn:
LGBMClassifier/LGBMRegressor and XGBClassifier/XGBRegressor .fit(X, y).

The same trees for all: leaf-wise, 31 leaves, learning rate 0.1, --rounds
(200) rounds, 255 bins, no row or feature sampling, --threads threads
(num_threads / n_jobs / nthread, and OMP_NUM_THREADS = RAYON_NUM_THREADS =
--threads, OPENBLAS_NUM_THREADS = 1 in every worker). XGBoost: tree_method
hist, grow_policy lossguide, max_leaves 31, max_depth 0, max_bin 255.
LightGBM's and ironlearn's min_data_in_leaf (min_child_samples) is 20 rows;
XGBoost has no row count, only min_child_weight, a minimum hessian sum. It is
set to 20 rows' hessian at the start of training (balanced classes): 20 for
regression (hessian 1 a row, so exactly 20 rows), 20 * 0.25 = 5 for binary
(p(1-p) at p = 1/2), and 20 * 2(1/k)(1-1/k) for k classes (XGBoost's softmax
hessian: 3.6 at 10 classes, 1.48 at 26). As the fit sharpens, hessians shrink
and XGBoost's limit becomes the stricter one. Other parameters stay at each
library's default (XGBoost's reg_lambda 1 against LightGBM's lambda_l2 0, as
in bench/gbdt.py). That is LightGBM's tree shape; XGBoost's trees come out
smaller on small sets. --shape xgboost gives all three XGBoost's: its defaults
min_child_weight 1 and reg_lambda 1, and for LightGBM and ironlearn no row
count (min_data_in_leaf 0), min_sum_hessian_in_leaf 1 and lambda_l2 1 (times
k / (2(k-1)) for k classes: LightGBM's softmax hessian is k/(k-1) p(1-p),
XGBoost's 2 p(1-p)), so the three grow the same trees. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, if set, are kept
for ironlearn's workers and unset in the peers' (they run as their users
would); each worker records its BLAS and OpenMP libraries with threadpoolctl.

Quality on the held-out rows: AUC (binary), accuracy and log-loss
(multiclass), RMSE (regression). Ratios: LightGBM's time / ironlearn's and
XGBoost's / ironlearn's (> 1: ironlearn is faster; bold where < 1).

Prediction latency (--latency-rows, default 20k training rows, at each
--features, for --latency-tasks binary, multiclass26, regression): each
library fits its scikit-learn model in a process of its own, warms up, then
waits; the processes are timed in turn, --latency-rounds rounds (order
rotating, half a second between libraries so the last one's spinning OpenMP
threads are gone). A round times 200 single-row predict_proba calls (predict
for regression), each a different row, and 50 calls on 100 rows; the figure
is the median call in microseconds, then the median over rounds.

Output: markdown tables (stdout, --out), raw results (--json) and the plot of
LightGBM's time / ironlearn's against training rows (log x), one line per
(task, features), solid for the native API, dashed for scikit-learn
(--plot, default next to --out: PNG with matplotlib, else a hand-written SVG).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import common
from tabular import OUT as TABULAR_DIR, TABULAR

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "data" / "cache" / "sweep"

CLASSES = {"binary": 2, "multiclass10": 10, "multiclass26": 26, "regression": 0}
REAL = {
    # name: (target column, task)
    "iris": ("species", "multiclass"),
    "wine": ("cultivar", "multiclass"),
    "breast_cancer": ("diagnosis", "binary"),
    "diabetes": ("progression", "regression"),
    "digits": ("digit", "multiclass"),
    "penguins": ("species", "multiclass"),
    **TABULAR,  # fetched by bench/fetch_data.sh, not in the repo (bench/tabular.py)
}
LIBS = ("ironlearn", "lightgbm", "xgboost")
NAMES = {"ironlearn": "ironlearn", "lightgbm": "LightGBM", "xgboost": "XGBoost"}
LEAVES, LR, MIN_LEAF, MAX_BIN = 31, 0.1, 20, 255
BLOCK = 65_536


# ---------------------------------------------------------------- data


def _informative(p: int) -> tuple[int, int]:
    """(informative, redundant) columns of a generated set with p columns."""
    return (6, 2) if p <= 10 else (20, 10)


def _concept(task: str, p: int):
    """The problem's fixed parts (centroids, mixing matrices, weights), seeded by (task, p)."""
    rng = np.random.default_rng([list(CLASSES).index(task), p, 12])
    m, r = _informative(p)
    c = {"perm": rng.permutation(p), "mix": rng.uniform(-1, 1, size=(m, r))}
    k = CLASSES[task]
    if k:
        n_clusters = 2 * k
        # distinct hypercube vertices (+-1 in each informative column), like make_classification's class_sep=1
        codes = rng.choice(2**m, size=n_clusters, replace=False)
        c["centroids"] = (((codes[:, None] >> np.arange(m)) & 1) * 2.0 - 1.0)
        c["cov"] = rng.uniform(-1, 1, size=(n_clusters, m, m))
    else:
        c["w"] = rng.normal(size=m)
        c["pairs"] = rng.choice(m, size=(m // 2, 2), replace=False) if m >= 2 else np.zeros((0, 2), int)
    return c


def _block(task: str, p: int, c, split: int, b: int, n: int):
    """The first n rows of block b of the training (split 0) or held-out (split 1)
    stream (a block is always drawn whole, so a smaller set is a prefix of a larger)."""
    X, y = _whole_block(task, p, c, split, b)
    return X[:n], y[:n]


def _whole_block(task: str, p: int, c, split: int, b: int):
    n = BLOCK
    rng = np.random.default_rng([list(CLASSES).index(task), p, split, b])
    m, r = _informative(p)
    k = CLASSES[task]
    X = np.empty((n, p))
    if k:
        y = rng.integers(0, k, size=n)
        cl = 2 * y + rng.integers(0, 2, size=n)
        z = rng.standard_normal(size=(n, m))
        inf = np.empty((n, m))
        for j in np.unique(cl):
            rows = cl == j
            inf[rows] = z[rows] @ c["cov"][j] + c["centroids"][j]
        flip = rng.uniform(size=n) < 0.01
        y = np.where(flip, rng.integers(0, k, size=n), y).astype(np.int64)
    else:
        inf = rng.standard_normal(size=(n, m))
        y = inf @ c["w"] + sum(inf[:, a] * inf[:, b2] for a, b2 in c["pairs"]) + 2.0 * np.sin(2.0 * inf[:, 0])
        # noise: half the signal's standard deviation (linear part + products + sine, roughly)
        y = y + rng.normal(scale=0.5 * float(np.sqrt(c["w"] @ c["w"] + len(c["pairs"]) + 2.0)), size=n)
    X[:, :m] = inf
    X[:, m : m + r] = inf @ c["mix"]
    X[:, m + r :] = rng.standard_normal(size=(n, p - m - r))
    return X[:, c["perm"]], y


def _stream(task: str, p: int, c, split: int, n: int):
    parts = [_block(task, p, c, split, b, min(BLOCK, n - b * BLOCK)) for b in range((n + BLOCK - 1) // BLOCK)]
    return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])


def _real(name: str):
    import pandas as pd
    from sklearn.model_selection import train_test_split

    target, task = REAL[name]
    path = ROOT / "data" / f"{name}.csv"
    if name in TABULAR:
        path = TABULAR_DIR / f"{name}.csv"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run bash bench/fetch_data.sh")
    df = pd.read_csv(path)
    df = df[df[target].notna()].reset_index(drop=True)
    feats = df.drop(columns=[target])
    cats = [j for j, col in enumerate(feats.columns) if not pd.api.types.is_numeric_dtype(feats[col])]
    cols = []
    for j, col in enumerate(feats.columns):
        if j in cats:
            codes = feats[col].astype("category").cat.codes.to_numpy().astype(np.float64)
            codes[codes < 0] = np.nan  # missing category
            cols.append(codes)
        else:
            cols.append(feats[col].to_numpy(dtype=np.float64))
    X = np.column_stack(cols)
    if task == "regression":
        y = df[target].to_numpy(dtype=np.float64)
    else:
        y = df[target].astype("category").cat.codes.to_numpy().astype(np.int64)
    strat = y if task != "regression" else None
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0, stratify=strat)
    k = int(y.max()) + 1 if task != "regression" else 0
    return Xtr, ytr, Xte, yte, {"task": "binary" if k == 2 else task, "classes": k, "cats": cats, "columns": list(feats.columns)}


def point_dir(point: str) -> Path:
    return CACHE / point.replace(":", "-")


def ensure(point: str) -> Path:
    """The point's cache folder, made if missing. Points: 'task:ROWSxFEATURES' or 'real:NAME'."""
    d = point_dir(point)
    if (d / "meta.json").exists():
        return d
    kind, spec = point.split(":")
    if kind == "real":
        Xtr, ytr, Xte, yte, meta = _real(spec)
    else:
        rows, p = (int(v) for v in spec.split("x"))
        c = _concept(kind, p)
        Xtr, ytr = _stream(kind, p, c, 0, rows)
        Xte, yte = _stream(kind, p, c, 1, max(rows // 4, 1))
        meta = {"task": "binary" if kind == "binary" else ("regression" if kind == "regression" else "multiclass"), "classes": CLASSES[kind], "cats": []}
    d.mkdir(parents=True, exist_ok=True)
    for key, arr in zip(["Xtr", "ytr", "Xte", "yte"], [Xtr, ytr, Xte, yte]):
        tmp = d / f"{key}.tmp.npy"
        np.save(tmp, np.ascontiguousarray(arr))
        tmp.rename(d / f"{key}.npy")
    meta.update(rows=len(ytr), test_rows=len(yte), features=Xtr.shape[1])
    (d / "meta.json").write_text(json.dumps(meta))
    return d


def load(point: str):
    d = ensure(point)
    return [np.load(d / f"{k}.npy") for k in ["Xtr", "ytr", "Xte", "yte"]] + [json.loads((d / "meta.json").read_text())]


# ---------------------------------------------------------------- workers


def min_child_weight(task: str, k: int) -> float:
    """XGBoost's min_child_weight standing for min_data_in_leaf = 20: 20 rows' hessian at the start."""
    if task == "regression":
        return float(MIN_LEAF)
    if task == "binary":
        return MIN_LEAF * 0.25
    return MIN_LEAF * 2.0 * (1.0 / k) * (1.0 - 1.0 / k)


def import_lib(lib: str):
    """The library's module (ironlearn.boost, lightgbm or xgboost); retried for a minute
    while ironlearn's extension is being rebuilt in the shared tree."""
    for attempt in range(30):
        try:
            if lib == "ironlearn":
                import ironlearn.boost as mod
            elif lib == "lightgbm":
                import lightgbm as mod
            else:
                import xgboost as mod
            return mod
        except ImportError:
            if lib != "ironlearn" or attempt == 29:
                raise
            time.sleep(2)


SHAPES = {
    "lightgbm": f"min_data_in_leaf {MIN_LEAF} (XGBoost: min_child_weight = 20 rows' starting hessian)",
    "xgboost": "XGBoost's leaf limits for all: min_child_weight 1, reg_lambda 1, no row count (LightGBM, ironlearn: min_data_in_leaf 0; multiclass hessian scaled)",
}


def leaf_limits(shape: str, task: str, k: int, api: str) -> dict:
    """LightGBM's and ironlearn's limits on a leaf for --shape: 'lightgbm', their
    default of 20 rows; 'xgboost', XGBoost's defaults (a hessian sum of at least
    1, reg_lambda 1, no row count), with the hessian scaled for multiclass, where
    LightGBM's softmax hessian is k/(k-1) p(1-p) and XGBoost's 2 p(1-p)."""
    if shape == "lightgbm":
        return {"min_data_in_leaf": MIN_LEAF} if api == "native" else {"min_child_samples": MIN_LEAF}
    c = k / (2.0 * (k - 1)) if task == "multiclass" else 1.0
    if api == "native":
        return {"min_data_in_leaf": 0, "min_sum_hessian_in_leaf": c, "lambda_l2": c}
    return {"min_child_samples": 0, "min_child_weight": c, "reg_lambda": c}


def make_model(lib: str, api: str, meta: dict, threads: int, rounds: int, shape: str = "lightgbm"):
    """A function fit(X, y) -> predict(X) for the library and API (predict gives probabilities for classifiers)."""
    task, k, cats = meta["task"], meta["classes"], meta["cats"]
    mod = import_lib(lib)
    if lib in ("ironlearn", "lightgbm"):
        if api == "native":
            params = {"objective": task, "num_leaves": LEAVES, "learning_rate": LR, "max_bin": MAX_BIN, "num_threads": threads, "verbose": -1, "seed": 0}
            params.update(leaf_limits(shape, task, k, "native"))
            if task == "multiclass":
                params["num_class"] = k
            def fit(X, y):
                booster = mod.train(params, mod.Dataset(X, y, categorical_feature=cats or "auto"), num_boost_round=rounds)
                return booster.predict
            return fit
        cls = mod.LGBMRegressor if task == "regression" else mod.LGBMClassifier
        kw = dict(n_estimators=rounds, num_leaves=LEAVES, learning_rate=LR, max_bin=MAX_BIN, n_jobs=threads, random_state=0, verbose=-1, **leaf_limits(shape, task, k, "sklearn"))
        def fit(X, y):
            model = cls(**kw).fit(X, y, categorical_feature=cats or "auto")
            return model.predict if task == "regression" else model.predict_proba
        return fit
    types = ["c" if j in cats else "q" for j in range(meta["features"])] if cats else None
    common = dict(tree_method="hist", grow_policy="lossguide", max_leaves=LEAVES, max_depth=0, max_bin=MAX_BIN, min_child_weight=min_child_weight(task, k) if shape == "lightgbm" else 1.0)
    if api == "native":
        params = {**common, "objective": {"binary": "binary:logistic", "regression": "reg:squarederror", "multiclass": "multi:softprob"}[task], "eta": LR, "nthread": threads, "seed": 0}
        if task == "multiclass":
            params["num_class"] = k
        def fit(X, y):
            dtrain = mod.QuantileDMatrix(X, y, feature_types=types, enable_categorical=bool(cats), max_bin=MAX_BIN)
            booster = mod.train(params, dtrain, num_boost_round=rounds)
            return booster.inplace_predict
        return fit
    cls = mod.XGBRegressor if task == "regression" else mod.XGBClassifier
    kw = dict(common, n_estimators=rounds, learning_rate=LR, n_jobs=threads, random_state=0, enable_categorical=bool(cats), feature_types=types)
    def fit(X, y):
        model = cls(**kw).fit(X, y)
        return model.predict if task == "regression" else model.predict_proba
    return fit


def quality(meta: dict, yte: np.ndarray, p: np.ndarray) -> dict:
    p = np.asarray(p, dtype=np.float64)
    if meta["task"] == "regression":
        return {"rmse": float(np.sqrt(np.mean((p.ravel() - yte) ** 2)))}
    if meta["task"] == "binary":
        from sklearn.metrics import roc_auc_score

        return {"auc": float(roc_auc_score(yte, p[:, 1] if p.ndim == 2 else p))}
    from sklearn.metrics import log_loss

    p = p.reshape(len(yte), -1)
    return {"accuracy": float((p.argmax(axis=1) == yte).mean()), "logloss": float(log_loss(yte, p, labels=list(range(meta["classes"]))))}


def worker(lib: str, api: str, point: str, threads: int, rounds: int, shape: str) -> dict:
    Xtr, ytr, Xte, yte, meta = load(point)
    fit = make_model(lib, api, meta, threads, rounds, shape)
    import sklearn.metrics  # noqa: F401  (not part of the timing)

    base = common.peak_rss_mb()
    t0 = time.perf_counter()
    predict = fit(Xtr, ytr)
    train_s = time.perf_counter() - t0
    peak_mb = common.peak_rss_mb() - base
    return {"train_s": train_s, "peak_mb": peak_mb, "score": quality(meta, yte, predict(Xte)), "pools": common.pools()}


def latency_server(lib: str, point: str, threads: int, rounds: int) -> None:
    """Fits the scikit-learn model, warms up, then times one round (200 single-row
    calls, 50 calls on 100 rows) each time 'go' arrives on stdin, answering with
    the median call in microseconds as a JSON line."""
    Xtr, ytr, Xte, yte, meta = load(point)
    predict = make_model(lib, "sklearn", meta, threads, rounds)(Xtr, ytr)
    Xpool = Xte if len(Xte) >= 300 else np.resize(Xte, (300, Xte.shape[1]))
    singles = [np.ascontiguousarray(Xpool[i : i + 1]) for i in range(200)]
    hundreds = [np.ascontiguousarray(Xpool[i : i + 100]) for i in range(0, 200, 4)]
    for X in singles[:50] + hundreds[:20]:
        predict(X)  # warm up
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        out = {}
        for name, batch in (("1", singles), ("100", hundreds)):
            times = []
            for X in batch:
                t = time.perf_counter()
                predict(X)
                times.append(time.perf_counter() - t)
            out[name] = statistics.median(times) * 1e6
        print(json.dumps(out), flush=True)


# ---------------------------------------------------------------- driver


def thread_env(threads: int, lib: str) -> dict:
    # The boosters use no BLAS: one BLAS thread keeps its pool from competing.
    return common.thread_env(threads, lib == "ironlearn", blas_threads=1)


def run_worker(lib: str, api: str, point: str, a) -> dict:
    args = [sys.executable, __file__, "--worker", lib, "--api", api, "--point", point, "--threads", str(a.threads), "--rounds", str(a.rounds), "--shape", a.shape]
    out = subprocess.run(args, capture_output=True, text=True, env=thread_env(a.threads, lib))
    if out.returncode != 0:
        msg = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"
        sys.stderr.write(f"  {lib} {api} {point} failed:\n{out.stderr[-2000:]}\n")
        return {"error": msg}
    return json.loads(out.stdout.strip().splitlines()[-1])


def latency(point: str, libs: list[str], a) -> dict:
    procs = {}
    try:
        for lib in libs:  # started one after another, so their fits do not compete
            args = [sys.executable, __file__, "--serve", lib, "--point", point, "--threads", str(a.threads), "--rounds", str(a.rounds)]
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=thread_env(a.threads, lib))
            procs[lib] = p
            if p.stdout.readline().strip() != "ready":
                raise RuntimeError(f"{lib}'s latency process failed on {point}")
        times = {lib: {"1": [], "100": []} for lib in libs}
        for r in range(a.latency_rounds):
            for lib in common.rotate(libs, r):
                time.sleep(0.5)  # the previous library's OpenMP threads spin for a while after their work
                procs[lib].stdin.write("go\n")
                procs[lib].stdin.flush()
                for b, v in json.loads(procs[lib].stdout.readline()).items():
                    times[lib][b].append(v)
    finally:
        for p in procs.values():
            p.stdin.close()
            p.wait()
    return {lib: {b: statistics.median(v) for b, v in per.items()} for lib, per in times.items()}


def environment(a) -> dict:
    dists = ("ironlearn", "lightgbm", "xgboost", "scikit-learn", "numpy", "pandas", "threadpoolctl")
    return common.environment(dists, threads=a.threads, rounds=a.rounds, repeat=a.repeat, shape=a.shape)


# ---------------------------------------------------------------- report


def fmt_s(v):
    return "error" if v is None else (f"{v:.3f}" if v < 10 else f"{v:.1f}")


def fmt_ratio(peer, ours):
    if peer is None or ours is None or ours <= 0:
        return ""
    r = peer / ours
    return f"**{r:.2f}x**" if r < 1 else f"{r:.2f}x"


def fmt_q(score):
    if not score:
        return ""
    if "accuracy" in score:
        return f"{score['accuracy']:.4f} / {score['logloss']:.4f}"
    (_, v), = score.items()
    return f"{v:.5f}" if v < 100 else f"{v:.2f}"


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"train_s": None, "score": None, "error": runs[0].get("error") if runs else "not run", "runs": []}
    peak = [r["peak_mb"] for r in ok if "peak_mb" in r]
    return {
        "train_s": statistics.median(r["train_s"] for r in ok), "peak_mb": statistics.median(peak) if peak else None,
        "score": ok[0]["score"], "runs": [r["train_s"] for r in ok], "errors": len(runs) - len(ok),
    }


def header_md(env: dict, pools_by_lib: dict) -> list[str]:
    v = env["versions"]
    lines = [
        "# Gradient boosting over data sizes (bench/gbdt_sweep.py)",
        "",
        f"- date: {env['date']}; commit {env['commit']}",
        f"- CPU: {env['cpu']}, {env['cpus']} CPUs; every library with {env['threads']} threads",
        f"- Python {env['python']}; ironlearn {v['ironlearn']}, LightGBM {v['lightgbm']}, XGBoost {v['xgboost']}, scikit-learn {v['scikit-learn']}, numpy {v['numpy']}, pandas {v['pandas']}",
        f"- ironlearn extension: {env['ironlearn_extension']}",
        f"- {env['rounds']} rounds, {LEAVES} leaves, learning rate {LR}, {MAX_BIN} bins, {SHAPES[env.get('shape', 'lightgbm')]}; training time: median of {env['repeat']} fresh processes",
    ]
    if env["env"]:
        lines.append(f"- set for ironlearn only (unset for the peers): {env['env']}")
    for lib, infos in pools_by_lib.items():
        if infos:
            lines.append(f"- threadpoolctl in {NAMES[lib]}'s workers: {common.describe_pools(infos)}")
    return lines


def tables_md(results: list[dict], libs: list[str], apis: list[str]) -> list[str]:
    out = []
    peers = [lib for lib in libs if lib != "ironlearn"]
    by_task: dict = {}
    for r in results:
        by_task.setdefault(r["task_name"], []).append(r)
    for task, rs in by_task.items():
        real = task == "real"
        metric = {"binary": "AUC", "regression": "RMSE", "real": "quality"}.get(task, "accuracy / log-loss")
        out += ["", f"## {'real data' if real else task} ({metric} on held-out rows)", ""]
        cols = (["data", "task", "rows × features"] if real else ["rows", "features"]) + ["API"]
        cols += [f"{NAMES[lib]} s" for lib in libs]
        cols += [f"{NAMES[p]}/ironlearn" for p in peers] if "ironlearn" in libs else []
        cols += [f"{NAMES[lib]} {metric if not real else 'score'}" for lib in libs]
        out += ["| " + " | ".join(cols) + " |", "|" + "|".join("---:" if i >= (4 if real else 3) else "---" for i in range(len(cols))) + "|"]
        for r in sorted(rs, key=lambda r: (r.get("name", ""), r["rows"], r["features"], apis.index(r["api"]) if r["api"] in apis else 0)):
            res = r["results"]
            cells = ([r["name"], r["task"] + ("" if r["task"] != "multiclass" else f" ({r['classes']})"), f"{r['rows']:,} × {r['features']}"] if real else [f"{r['rows']:,}", str(r["features"])]) + [r["api"]]
            cells += [fmt_s(res[lib]["train_s"]) if lib in res else "" for lib in libs]
            if "ironlearn" in libs:
                cells += [fmt_ratio(res.get(p, {}).get("train_s"), res.get("ironlearn", {}).get("train_s")) for p in peers]
            cells += [fmt_q(res[lib]["score"]) if lib in res else "" for lib in libs]
            out.append("| " + " | ".join(cells) + " |")
        if real:
            out += ["", "Score: AUC (binary), accuracy / log-loss (multiclass), RMSE (regression)."]
    return out


def latency_md(lat: list[dict], libs: list[str]) -> list[str]:
    if not lat:
        return []
    out = ["", "## Prediction latency, scikit-learn API (µs per call, median)", ""]
    cols = ["task", "model trained on", "library", "1 row µs", "100 rows µs", "1 row × ours", "100 rows × ours"]
    out += ["| " + " | ".join(cols) + " |", "|---|---|---|---:|---:|---:|---:|"]
    for entry in lat:
        ours = entry["results"].get("ironlearn")
        for lib in libs:
            r = entry["results"].get(lib)
            if r is None:
                continue
            call = "predict" if entry["task"] == "regression" else "predict_proba"
            out.append(
                f"| {entry['task']} ({call}) | {entry['rows']:,} × {entry['features']} | {NAMES[lib]} | {r['1']:.1f} | {r['100']:.1f} | "
                f"{fmt_ratio(r['1'], ours['1']) if ours else ''} | {fmt_ratio(r['100'], ours['100']) if ours else ''} |"
            )
    out += ["", "× ours: the library's latency / ironlearn's (> 1: ironlearn is faster)."]
    return out


# ---------------------------------------------------------------- plot


def ratio_series(results: list[dict]) -> dict:
    """(task, features, api) -> sorted [(rows, LightGBM s / ironlearn s)] over the generated points."""
    series: dict = {}
    for r in results:
        if r["task_name"] == "real":
            continue
        il, lg = r["results"].get("ironlearn", {}).get("train_s"), r["results"].get("lightgbm", {}).get("train_s")
        if il and lg:
            series.setdefault((r["task_name"], r["features"], r["api"]), []).append((r["rows"], lg / il))
    return {k: sorted(v) for k, v in series.items()}


COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def plot(results: list[dict], path: Path, title: str) -> Path | None:
    series = ratio_series(results)
    if not series:
        return None
    keys = sorted({(t, f) for t, f, _ in series}, key=lambda k: (list(CLASSES).index(k[0]), k[1]))
    colour = {k: COLOURS[i % len(COLOURS)] for i, k in enumerate(keys)}
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    if plt is not None:
        path = path.with_suffix(".png")
        fig, ax = plt.subplots(figsize=(8, 5))
        for (t, f, api), pts in sorted(series.items()):
            xs, ys = zip(*pts)
            ax.plot(xs, ys, marker="o", color=colour[(t, f)], linestyle="-" if api == "native" else "--", label=f"{t}, {f} features, {api}")
        ax.set_xscale("log")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xlabel("training rows")
        ax.set_ylabel("LightGBM time / ironlearn time (> 1: ironlearn faster)")
        ax.set_title(title)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        return path
    path = path.with_suffix(".svg")
    path.write_text(svg(series, colour, title))
    return path


def svg(series: dict, colour: dict, title: str) -> str:
    """The ratio plot as a hand-written SVG (log x axis), for when matplotlib is missing."""
    import math

    W, H, L, R, T, B = 820, 480, 70, 250, 40, 55
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts] + [1.0]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    if x1 == x0:
        x1 = x0 + 1
    y0, y1 = min(0.0, min(ys)), max(ys) * 1.1
    px = lambda x: L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)  # noqa: E731
    py = lambda y: H - B - (y - y0) / (y1 - y0) * (H - T - B)  # noqa: E731
    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">', f'<rect width="{W}" height="{H}" fill="white"/>']
    e.append(f'<text x="{L}" y="22" font-size="14">{title}</text>')
    e.append(f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/><line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>')
    for d in range(x0, x1 + 1):
        x = px(10.0**d)
        e.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#ddd"/><text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{10**d:,}</text>')
    step = 10 ** math.floor(math.log10((y1 - y0) / 2 or 1)) / 2
    y = math.ceil(y0 / step) * step
    while y <= y1:
        e.append(f'<line x1="{L}" y1="{py(y):.1f}" x2="{W - R}" y2="{py(y):.1f}" stroke="#eee"/><text x="{L - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        y += step
    e.append(f'<line x1="{L}" y1="{py(1):.1f}" x2="{W - R}" y2="{py(1):.1f}" stroke="black" stroke-dasharray="2,2"/>')
    e.append(f'<text x="{(L + W - R) / 2}" y="{H - 15}" text-anchor="middle">training rows (log scale)</text>')
    e.append(f'<text transform="translate(18,{(T + H - B) / 2}) rotate(-90)" text-anchor="middle">LightGBM time / ironlearn time (&gt; 1: ironlearn faster)</text>')
    for i, ((t, f, api), pts) in enumerate(sorted(series.items(), key=lambda kv: (list(CLASSES).index(kv[0][0]), kv[0][1], kv[0][2]))):
        c, dash = colour[(t, f)], "" if api == "native" else ' stroke-dasharray="6,4"'
        e.append(f'<polyline fill="none" stroke="{c}" stroke-width="2"{dash} points="' + " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts) + '"/>')
        e += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{c}"><title>{t}, {f} features, {api}: {x:,} rows, {y:.2f}x</title></circle>' for x, y in pts]
        ly = T + 10 + 18 * i
        e.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 45}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/><text x="{W - R + 52}" y="{ly + 4}">{t}, {f} feat., {api}</text>')
    e.append("</svg>")
    return "\n".join(e) + "\n"


# ---------------------------------------------------------------- main


def ints(s: str) -> list[int]:
    return [int(float(v.replace("k", "e3").replace("M", "e6"))) for v in s.split(",") if v]


def words(s: str) -> list[str]:
    return [v for v in s.split(",") if v]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="1000,5000,20000,100000,1000000", help="training rows (1k, 1M also accepted); '' for none")
    ap.add_argument("--features", default="10,100")
    ap.add_argument("--tasks", default="binary,multiclass10,multiclass26,regression")
    ap.add_argument("--real", default=",".join(REAL), help="bundled data sets; '' for none")
    ap.add_argument("--libs", default=",".join(LIBS))
    ap.add_argument("--api", default="native,sklearn")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=200, help="boosting rounds")
    ap.add_argument("--shape", choices=["lightgbm", "xgboost"], default="lightgbm", help="leaf limits: LightGBM's defaults (XGBoost's min_child_weight mapped to 20 rows) or XGBoost's (all three libraries)")
    ap.add_argument("--latency-rows", type=int, default=20_000, help="training rows of the latency models; 0: no latency")
    ap.add_argument("--latency-tasks", default="binary,multiclass26,regression")
    ap.add_argument("--latency-rounds", type=int, default=9)
    ap.add_argument("--gen-only", action="store_true", help="make the cached data and stop")
    ap.add_argument("--out", help="write the markdown report here")
    ap.add_argument("--json", help="write the raw results here (after every point)")
    ap.add_argument("--plot", help="the ratio plot (.png with matplotlib, else .svg); default: next to --out")
    ap.add_argument("--resume", action="store_true", help="keep the points already in --json")
    ap.add_argument("--merge", help="comma-separated --json files of earlier runs (same rounds and threads): their combined report, no training")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--point", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.api, a.point, a.threads, a.rounds, a.shape)))
        return
    if a.serve:
        latency_server(a.serve, a.point, a.threads, a.rounds)
        return

    libs, apis = words(a.libs), words(a.api)
    if a.merge:
        runs = [json.loads(Path(f).read_text()) for f in words(a.merge)]
        state = {"environment": runs[0]["environment"], "points": [], "latency": []}
        for run in runs:  # a point measured again replaces the earlier reading
            for e in run.get("points", []):
                state["points"] = [o for o in state["points"] if (o["point"], o["api"]) != (e["point"], e["api"])] + [e]
            state["latency"] += run.get("latency", [])
        report(state, libs, apis, a)
        return
    for t in words(a.tasks):
        if t not in CLASSES:
            ap.error(f"unknown task {t!r}: {', '.join(CLASSES)}")
    for name in words(a.real):
        if name not in REAL:
            ap.error(f"unknown real data set {name!r}: {', '.join(REAL)}")
    points = [f"{t}:{n}x{p}" for t in words(a.tasks) for p in ints(a.features) for n in ints(a.rows)]
    points += [f"real:{name}" for name in words(a.real)]
    lat_points = [f"{t}:{a.latency_rows}x{p}" for t in words(a.latency_tasks) for p in ints(a.features)] if a.latency_rows else []
    for point in dict.fromkeys(points + lat_points):  # the cache, made before any timed worker
        t = time.perf_counter()
        d = ensure(point)
        sys.stderr.write(f"data {point}: {d} ({time.perf_counter() - t:.1f} s)\n")
    if a.gen_only:
        return

    env = environment(a)
    state = {"environment": env, "points": [], "latency": []}
    if a.resume and a.json and Path(a.json).exists():
        old = json.loads(Path(a.json).read_text())
        state["points"], state["latency"] = old.get("points", []), old.get("latency", [])
    done = {(r["point"], r["api"]) for r in state["points"]}
    save = lambda: a.json and Path(a.json).write_text(json.dumps(state, indent=1))  # noqa: E731

    for point in points:
        todo = [api for api in apis if (point, api) not in done]
        if not todo:
            continue
        meta = load(point)[4]
        runs = {(lib, api): [] for api in todo for lib in libs}
        for i in range(a.repeat):
            for api in todo:
                for lib in common.rotate(libs, i):
                    runs[(lib, api)].append(run_worker(lib, api, point, a))
        kind, spec = point.split(":")
        for api in todo:
            res = {lib: summarise(runs[(lib, api)]) for lib in libs}
            pools_ = {lib: next((r["pools"] for r in runs[(lib, api)] if "pools" in r), []) for lib in libs}
            entry = {
                "point": point, "api": api, "task_name": kind, "name": spec if kind == "real" else "",
                "task": meta["task"], "classes": meta["classes"], "rows": meta["rows"], "features": meta["features"],
                "results": res, "pools": pools_,
            }
            state["points"].append(entry)
            line = "  ".join(f"{lib} {fmt_s(r['train_s'])} s {fmt_q(r['score'])} {r.get('peak_mb') or 0:.0f} MB" for lib, r in res.items())
            sys.stderr.write(f"{point} {api}: {line}\n")
        save()

    if lat_points and "ironlearn" in libs:
        have = {e["point"] for e in state["latency"]}
        for point in lat_points:
            if point in have:
                continue
            meta = load(point)[4]
            res = latency(point, libs, a)
            state["latency"].append({"point": point, "task": point.split(":")[0], "rows": meta["rows"], "features": meta["features"], "results": res})
            sys.stderr.write(f"latency {point}: " + "  ".join(f"{lib} {r['1']:.0f}/{r['100']:.0f} us" for lib, r in res.items()) + "\n")
            save()

    report(state, libs, apis, a)


def report(state: dict, libs: list[str], apis: list[str], a) -> None:
    """The markdown tables, the latency table and the ratio plot of a run's state."""
    env = state["environment"]
    pools_by_lib: dict = {}
    for e in state["points"]:
        for lib, p in e.get("pools", {}).items():
            if p and lib not in pools_by_lib:
                pools_by_lib[lib] = p
    md = header_md(env, pools_by_lib) + tables_md(state["points"], libs, apis) + latency_md(state["latency"], libs)
    plot_path = Path(a.plot) if a.plot else (Path(a.out).with_name(Path(a.out).stem + "_ratio.png") if a.out else None)
    if plot_path is not None:
        made = plot(state["points"], plot_path, f"LightGBM / ironlearn training time, {a.threads} threads, {a.rounds} rounds")
        if made:
            md += ["", f"Plot: `{made}` (LightGBM time / ironlearn time against training rows; solid: native API, dashed: scikit-learn API)."]
    text = "\n".join(md) + "\n"
    print(text)
    if a.out:
        Path(a.out).write_text(text)
    if a.json and not a.merge:
        Path(a.json).write_text(json.dumps(state, indent=1))


if __name__ == "__main__":
    main()
