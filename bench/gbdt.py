"""Gradient boosting, side by side: ironlearn vs LightGBM vs XGBoost (hist).

    bash bench/fetch_data.sh              # flights-3m and Fashion-MNIST, once
    python bench/gbdt.py --dataset all --repeat 3 --threads 2
    IRONLEARN_TRACE=1 python bench/gbdt.py --dataset fashion --libs ironlearn --repeat 1   # the profile

Each (library, data set) training run is a fresh subprocess, so peak memory
is its own; training time includes building each library's dataset
(binning). Reported: median training time over --repeat runs, peak RSS growth
during training, held-out accuracy, and prediction throughput at batch sizes
1, 100 and 100k. For prediction, each library's saved model is loaded in a
process of its own that waits between rounds; the processes are timed in
turn, round after round (the order rotating), so a burst of load on the
shared host hits all libraries alike and no library's idle threads compete
with another's. Throughput is the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402

SETTINGS = {
    # name: (loader, task, num_leaves, rounds, learning_rate)
    "higgs": ("higgs", "binary", 31, 100, 0.1),
    "higgs-large": ("higgs", "binary", 255, 500, 0.1),
    "airline": ("airline", "binary", 31, 100, 0.1),
    "flights": ("flights", "regression", 31, 100, 0.1),
    "fashion": ("fashion", "multiclass", 31, 100, 0.1),
}


def load(name: str):
    """(X_train, y_train, X_test, y_test, categorical columns), cached as .npy so
    workers only read them (peak memory then measures training, not generation)."""
    cache = HERE / "data" / "cache" / name
    if not (cache / "Xtr.npy").exists():
        cache.mkdir(parents=True, exist_ok=True)
        parts = _make(name)
        for key, arr in zip(["Xtr", "ytr", "Xte", "yte"], parts[:4]):
            np.save(cache / f"{key}.npy", np.ascontiguousarray(arr))
        (cache / "cats.json").write_text(json.dumps(parts[4]))
    out = [np.load(cache / f"{key}.npy") for key in ["Xtr", "ytr", "Xte", "yte"]]
    return (*out, json.loads((cache / "cats.json").read_text()))


def _make(name: str):
    import datasets

    if name == "higgs":
        X, y = datasets.higgs_like(1_100_000)
        return X[:1_000_000], y[:1_000_000], X[1_000_000:], y[1_000_000:], []
    if name == "airline":
        X, y, cats = datasets.airline_like(1_100_000)
        return X[:1_000_000], y[:1_000_000], X[1_000_000:], y[1_000_000:], cats
    if name == "flights":
        X, y = datasets.flights()
        idx = np.random.default_rng(0).permutation(len(y))
        cut = int(0.8 * len(y))
        return X[idx[:cut]], y[idx[:cut]], X[idx[cut:]], y[idx[cut:]], [4, 5]
    if name == "fashion":
        Xtr, ytr, Xte, yte = datasets.fashion_mnist()
        return Xtr, ytr, Xte, yte, []
    raise ValueError(name)


def worker(lib: str, dataset: str, threads: int, model_path: str | None = None) -> dict:
    loader, task, leaves, rounds, lr = SETTINGS[dataset]
    Xtr, ytr, Xte, yte, cats = load(loader)
    import ironlearn, lightgbm, xgboost, sklearn.metrics  # noqa: F401,E401  (imports are not training memory)
    k = int(ytr.max()) + 1 if task == "multiclass" else 1
    base = common.peak_rss_mb()
    t0 = time.perf_counter()
    if lib in ("ironlearn", "lightgbm"):
        if lib == "ironlearn":
            import ironlearn.boost as lgb
        else:
            import lightgbm as lgb
        params = {
            "objective": task,
            "num_leaves": leaves,
            "learning_rate": lr,
            "max_bin": 255,
            "num_threads": threads,
            "verbose": -1,
            "seed": 0,
        }
        if task == "multiclass":
            params["num_class"] = k
        ds = lgb.Dataset(Xtr, ytr, categorical_feature=cats or "auto")
        model = lgb.train(params, ds, num_boost_round=rounds)
        predict = lambda X: model.predict(X)  # noqa: E731
    else:
        import xgboost as xgb

        params = {
            "objective": {"binary": "binary:logistic", "regression": "reg:squarederror", "multiclass": "multi:softprob"}[task],
            "tree_method": "hist",
            "grow_policy": "lossguide",
            "max_leaves": leaves,
            "max_depth": 0,
            "eta": lr,
            "max_bin": 256,
            "nthread": threads,
            "seed": 0,
        }
        if task == "multiclass":
            params["num_class"] = k
        types = ["c" if j in cats else "q" for j in range(Xtr.shape[1])]
        dtrain = xgb.QuantileDMatrix(Xtr, ytr, feature_types=types, enable_categorical=bool(cats), max_bin=256)
        model = xgb.train(params, dtrain, num_boost_round=rounds)
        predict = lambda X: model.inplace_predict(X)  # noqa: E731
    train_s = time.perf_counter() - t0
    peak = common.peak_rss_mb()
    p = np.asarray(predict(Xte))
    if task == "binary":
        from sklearn.metrics import roc_auc_score

        score = {"auc": float(roc_auc_score(yte, p))}
    elif task == "regression":
        score = {"rmse": float(np.sqrt(np.mean((p - yte) ** 2)))}
    else:
        score = {"accuracy": float((p.reshape(len(yte), -1).argmax(axis=1) == yte).mean())}
    if model_path:
        model.save_model(model_path)
    return {"lib": lib, "dataset": dataset, "train_s": train_s, "peak_mb": peak - base, "score": score}


BATCHES = [1, 100, 100_000]


def predict_server(lib: str, dataset: str, threads: int, path: str) -> None:
    """Loads one library's saved model, then times one round of prediction
    (every batch size) each time a line arrives on stdin, answering with the
    rows per second as a JSON line. Between rounds it waits on stdin, so its
    threads are idle while another library's process is timed."""
    _, _, Xte, _, _ = load(SETTINGS[dataset][0])
    if lib == "ironlearn":
        import ironlearn.boost

        m = ironlearn.boost.Booster(model_file=path)
        predict = m.predict
    elif lib == "lightgbm":
        import lightgbm

        m = lightgbm.Booster(model_file=path)
        predict = lambda X: m.predict(X, num_threads=threads)  # noqa: E731
    else:
        import xgboost

        m = xgboost.Booster(model_file=path)
        m.set_param({"nthread": threads})
        predict = m.inplace_predict
    inputs = {b: np.ascontiguousarray(np.resize(Xte, (b, Xte.shape[1])) if b > len(Xte) else Xte[:b]) for b in BATCHES}
    singles = [np.ascontiguousarray(Xte[i : i + 1]) for i in range(500)]
    for X in inputs.values():
        predict(X)  # warm up
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        t = time.perf_counter()
        for X in singles:
            predict(X)
        rates = {"1": len(singles) / (time.perf_counter() - t), "100": []}
        for _ in range(20):
            t = time.perf_counter()
            predict(inputs[100])
            rates["100"].append(100 / (time.perf_counter() - t))
        rates["100"] = statistics.median(rates["100"])
        t = time.perf_counter()
        predict(inputs[100_000])
        rates["100000"] = 100_000 / (time.perf_counter() - t)
        print(json.dumps(rates), flush=True)


def thread_env(threads: int) -> dict:
    # No library here uses BLAS; one BLAS thread keeps numpy's and scipy's
    # idle pools from competing with the libraries' threads (the same for all).
    return {**os.environ, "OMP_NUM_THREADS": str(threads), "RAYON_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": "1"}


def predict_speeds(dataset: str, threads: int, models: dict, rounds: int) -> dict:
    """Rows per second of each saved model at each batch size: the median over
    `rounds` rounds, each timing every library's process in turn (the order
    rotating)."""
    procs = {}
    for lib, path in models.items():
        args = [sys.executable, __file__, "--serve", lib, "--save", path, "--dataset", dataset, "--threads", str(threads)]
        procs[lib] = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=thread_env(threads))
    try:
        for lib, p in procs.items():
            if p.stdout.readline().strip() != "ready":
                raise RuntimeError(f"{lib}'s prediction process failed on {dataset}")
        rates = {lib: {str(b): [] for b in BATCHES} for lib in procs}
        libs = list(procs)
        for r in range(rounds):
            for lib in libs[r % len(libs) :] + libs[: r % len(libs)]:
                # OpenMP's threads spin for a while after their work (LLVM's
                # runtime 200 ms): a pause, so the last process's spinning
                # threads do not take the cores from the next (measured: with
                # no pause, ironlearn's b=100 on flights 1.68M rows/s alone,
                # 0.90M after LightGBM's and XGBoost's rounds).
                time.sleep(0.5)
                procs[lib].stdin.write("go\n")
                procs[lib].stdin.flush()
                for b, v in json.loads(procs[lib].stdout.readline()).items():
                    rates[lib][b].append(v)
    finally:
        for p in procs.values():
            p.stdin.close()
            p.wait()
    return {lib: {b: statistics.median(v) for b, v in per.items()} for lib, per in rates.items()}


def run(args: list[str], threads: int) -> dict:
    env = thread_env(threads)
    out = subprocess.run([sys.executable, __file__, *args, "--threads", str(threads)], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    if os.environ.get("IRONLEARN_TRACE"):
        sys.stderr.write(out.stderr)  # ironlearn's phase trace: where training time goes
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", default="higgs", help="higgs, higgs-large, airline, flights, fashion or all")
    ap.add_argument("--libs", default="ironlearn,lightgbm,xgboost")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=15, help="prediction timing rounds")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--save", help=argparse.SUPPRESS)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="also write the results to this file")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.dataset, a.threads, a.save)))
        return
    if a.serve:
        predict_server(a.serve, a.dataset, a.threads, a.save)
        return
    names = list(SETTINGS) if a.dataset == "all" else a.dataset.split(",")
    for name in names:
        load(SETTINGS[name][0])  # build the cache outside the timed workers
    libs = a.libs.split(",")
    results = []
    for name in names:
        # Round robin: a drift in the machine's speed (shared cores) hits every library alike.
        runs = {lib: [] for lib in libs}
        with tempfile.TemporaryDirectory() as tmp:
            models = {lib: str(Path(tmp) / (f"{lib}.json" if lib == "xgboost" else f"{lib}.model")) for lib in libs}
            for i in range(a.repeat):
                for lib in libs:
                    save = ["--save", models[lib]] if i == 0 else []
                    runs[lib].append(run(["--worker", lib, "--dataset", name, *save], a.threads))
            speed = predict_speeds(name, a.threads, models, a.rounds)
        rows = {}
        for lib, rs in runs.items():
            rows[lib] = {
                "train_s": statistics.median(r["train_s"] for r in rs),
                "peak_mb": statistics.median(r["peak_mb"] for r in rs),
                "score": rs[0]["score"],
                "rows_per_s": speed[lib],
            }
        _, task, leaves, rounds, lr = SETTINGS[name]
        print(f"\n## {name}: {task}, {leaves} leaves, {rounds} rounds, lr {lr}, {a.threads} threads, training: median of {a.repeat}, prediction: median of {a.rounds} rounds")
        ref = rows.get("ironlearn")
        print(f"{'library':<10} {'train s':>8} {'ratio':>6} {'peak MB':>8} {'metric':>18} {'pred/s b=1':>11} {'b=100':>10} {'b=100k':>10}")
        for lib, r in rows.items():
            ratio = r["train_s"] / ref["train_s"] if ref else float("nan")
            (metric, value), = r["score"].items()
            rp = r["rows_per_s"]
            print(f"{lib:<10} {r['train_s']:>8.2f} {ratio:>6.2f} {r['peak_mb']:>8.0f} {metric + ' ' + format(value, '.5f'):>18} {rp['1']:>11.0f} {rp['100']:>10.0f} {rp['100000']:>10.0f}")
        results.append({"dataset": name, "threads": a.threads, "repeat": a.repeat, "results": rows})
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
