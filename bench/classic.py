"""Classic estimators side by side: ironlearn, scikit-learn and scikit-learn-intelex.

    python bench/classic.py --repeat 5 --threads 2 [--only Ridge,GaussianNB] [--out results.md] [--json results.json]

Each library runs in a process of its own, started once, with every thread
pool limited to ``--threads`` before numpy is imported; scikit-learn-intelex
is scikit-learn patched by ``sklearnex.patch_sklearn()`` (oneDAL where it has
the estimator, scikit-learn where not). For every case the libraries fit in
turn, the first one changing every round, and the median of ``--repeat`` fits
(and of the predictions on the held-out rows) is reported with the held-out
score (accuracy or R²) and, for iterative solvers, the iterations the fit
took, so that speed is never read without quality.

Generated sets are sized so that scikit-learn takes about 1-10 s to fit;
the bundled sets (``data/``) show the small end. Estimators ironlearn does
not have yet are listed as such. Peers run without this host's
``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` (see ``common.py``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LIBS = ["ironlearn", "sklearn", "sklearnex"]
NAMES = {"ironlearn": "ironlearn", "sklearn": "scikit-learn", "sklearnex": "scikit-learn-intelex"}

# (estimator, module in scikit-learn, data, parameters)
CASES = [
    ("LinearRegression", "linear_model", "regression:1000000x50", {}),
    ("Ridge", "linear_model", "regression:1000000x50", {"alpha": 1.0}),
    ("LogisticRegression", "linear_model", "binary:200000x50", {}),
    ("Lasso", "linear_model", "regression:100000x200", {"alpha": 0.01}),
    ("ElasticNet", "linear_model", "regression:100000x200", {"alpha": 0.01, "l1_ratio": 0.5}),
    ("GaussianNB", "naive_bayes", "multiclass10:1000000x50", {}),
    ("MultinomialNB", "naive_bayes", "counts10:100000x200", {}),
    ("ComplementNB", "naive_bayes", "counts10:100000x200", {}),
    ("BernoulliNB", "naive_bayes", "counts10:100000x200", {}),
    ("LinearDiscriminantAnalysis", "discriminant_analysis", "multiclass10:200000x100", {}),
    ("QuadraticDiscriminantAnalysis", "discriminant_analysis", "multiclass10:200000x50", {}),
    ("KNeighborsClassifier", "neighbors", "multiclass10:50000x50", {"n_neighbors": 5}),
    ("KNeighborsRegressor", "neighbors", "regression:50000x50", {"n_neighbors": 5}),
    ("DecisionTreeClassifier", "tree", "multiclass10:200000x20", {"random_state": 0}),
    ("DecisionTreeRegressor", "tree", "regression:200000x20", {"random_state": 0}),
    ("RandomForestClassifier", "ensemble", "multiclass10:10000x20", {"n_estimators": 100, "random_state": 0, "n_jobs": -1}),
    ("RandomForestRegressor", "ensemble", "regression:5000x20", {"n_estimators": 100, "random_state": 0, "n_jobs": -1}),
    ("ExtraTreesClassifier", "ensemble", "multiclass10:50000x20", {"n_estimators": 100, "random_state": 0, "n_jobs": -1}),
    ("ExtraTreesRegressor", "ensemble", "regression:20000x20", {"n_estimators": 100, "random_state": 0, "n_jobs": -1}),
    ("SGDClassifier", "linear_model", "binary:500000x50", {"random_state": 0}),
    ("SGDRegressor", "linear_model", "regression:500000x50", {"random_state": 0}),
    ("LinearSVC", "svm", "binary:200000x50", {"random_state": 0}),
    ("LinearSVR", "svm", "regression:200000x50", {"random_state": 0}),
    ("RidgeClassifier", "linear_model", "multiclass10:1000000x50", {}),
    ("PoissonRegressor", "linear_model", "poisson:500000x50", {}),
    ("HuberRegressor", "linear_model", "regression:100000x50", {}),
    ("RadiusNeighborsRegressor", "neighbors", "regression:50000x5", {"radius": 0.5}),
    ("SVC", "svm", "binary:10000x20", {}),
    ("SVC", "svm", "multiclass10:5000x20", {}),
    ("SVR", "svm", "regression:5000x20", {}),
    ("NuSVC", "svm", "binary:5000x20", {}),
    ("KernelRidge", "kernel_ridge", "regression:5000x20", {"kernel": "rbf"}),
    ("LassoCV", "linear_model", "regression:20000x100", {}),
    ("ElasticNetCV", "linear_model", "regression:20000x100", {"l1_ratio": 0.5}),
    ("QuantileRegressor", "linear_model", "regression:5000x20", {"quantile": 0.5, "alpha": 0.01}),
    # Fashion-MNIST (bench/fetch_data.sh), a subsample, pixels scaled to [0, 1].
    ("KNeighborsClassifier", "neighbors", "fashion:10000", {"n_neighbors": 5}),
    ("RandomForestClassifier", "ensemble", "fashion:10000", {"n_estimators": 100, "random_state": 0, "n_jobs": -1}),
    ("DecisionTreeClassifier", "tree", "fashion:10000", {"random_state": 0}),
    ("SVC", "svm", "fashion:5000", {}),
    # The bundled sets: the small end.
    ("LinearRegression", "linear_model", "real:diabetes+scaled", {}),
    ("Ridge", "linear_model", "real:diabetes+scaled", {"alpha": 1.0}),
    ("Lasso", "linear_model", "real:diabetes+scaled", {"alpha": 0.1}),
    ("LogisticRegression", "linear_model", "real:breast_cancer+scaled", {}),
    ("LogisticRegression", "linear_model", "real:wine+scaled", {}),
    ("LogisticRegression", "linear_model", "real:digits+scaled", {"max_iter": 1000}),
    ("GaussianNB", "naive_bayes", "real:wine", {}),
    ("MultinomialNB", "naive_bayes", "real:digits", {}),
    ("LinearDiscriminantAnalysis", "discriminant_analysis", "real:wine", {}),
    ("KNeighborsClassifier", "neighbors", "real:digits", {"n_neighbors": 5}),
    ("SVC", "svm", "real:digits+scaled", {}),
    ("SVC", "svm", "real:breast_cancer+scaled", {}),
    ("DecisionTreeClassifier", "tree", "real:digits", {"random_state": 0}),
    ("DecisionTreeRegressor", "tree", "real:diabetes", {"random_state": 0}),
]

REAL = {  # bundled set -> target column
    "iris": "species",
    "wine": "cultivar",
    "breast_cancer": "diagnosis",
    "diabetes": "progression",
    "digits": "digit",
    "penguins": "species",
}


# ---------------------------------------------------------------- data (in the workers)


def generated(kind: str, n: int, p: int):
    """(X_train, y_train, X_test, y_test): n training and n // 4 held-out rows, seeded by the set's name."""
    import numpy as np

    rng = np.random.default_rng([len(kind), n, p])
    m = n + n // 4
    if kind == "poisson":
        X = rng.normal(size=(m, p)) / np.sqrt(p)
        y = rng.poisson(np.exp(X @ rng.normal(size=p) * 0.5)).astype(np.float64)
        return X[:n], y[:n], X[n:], y[n:]
    if kind.startswith("counts"):
        k = int(kind[len("counts") :])
        rates = rng.gamma(0.3, 1.0, size=(k, p))
        y = rng.integers(0, k, size=m)
        X = rng.poisson(rates[y] * 0.2).astype(np.float64)
    else:
        X = rng.normal(size=(m, p))
        w = rng.normal(size=(p, 10)) / np.sqrt(p)
        z = X @ w
        if kind == "regression":
            y = z[:, 0] + 0.5 * np.tanh(z[:, 1]) + rng.normal(scale=0.3, size=m)
        elif kind == "binary":
            y = (rng.uniform(size=m) < 1 / (1 + np.exp(-2 * z[:, 0]))).astype(np.int64)
        else:  # multiclassK: the most likely of K noisy scores
            k = int(kind[len("multiclass") :])
            y = np.argmax(z[:, :k] + rng.gumbel(scale=0.5, size=(m, k)), axis=1)
    return X[:n], y[:n], X[n:], y[n:]


def real(name: str):
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import train_test_split

    df = pd.read_csv(ROOT / "data" / f"{name}.csv").dropna()
    y = df[REAL[name]].to_numpy()
    X = df.drop(columns=[REAL[name]]).select_dtypes("number").to_numpy(dtype=np.float64)
    strat = y if df[REAL[name]].dtype == object or len(np.unique(y)) < 20 else None
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=strat)


def load(data: str):
    """A case's data; `real:NAME+scaled` standardises the bundled set (by its training rows)."""
    kind, spec = data.split(":")
    if kind == "real":
        Xtr, Xte, ytr, yte = real(spec.removesuffix("+scaled"))
        if spec.endswith("+scaled"):
            mean, std = Xtr.mean(axis=0), Xtr.std(axis=0)
            std[std == 0] = 1.0
            Xtr, Xte = (Xtr - mean) / std, (Xte - mean) / std
        return Xtr, ytr, Xte, yte
    if kind == "fashion":
        from datasets import fashion_mnist

        Xtr, ytr, Xte, yte = fashion_mnist()
        n = int(spec)
        return Xtr[:n] / 255.0, ytr[:n], Xte[: n // 4] / 255.0, yte[: n // 4]
    n, p = (int(v) for v in spec.split("x"))
    return generated(kind, n, p)


# ---------------------------------------------------------------- worker


def worker(lib: str) -> None:
    """Answers one JSON line per request: {"load": data} or {"fit": case index}."""
    import numpy as np

    if lib == "sklearnex":
        from sklearnex import patch_sklearn

        patch_sklearn(verbose=False)
    import importlib

    if lib == "ironlearn":
        import ironlearn as il

    cache: dict = {}
    print(json.dumps({"ready": True, "pools": common.pools()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if "load" in req:
                cache.clear()
                cache[req["load"]] = tuple(np.ascontiguousarray(a) for a in load(req["load"]))
                print(json.dumps({"loaded": True}), flush=True)
                continue
            name, module, data, params = CASES[req["fit"]]
            if lib == "ironlearn":
                if not hasattr(il, name):
                    print(json.dumps({"error": "not in ironlearn yet"}), flush=True)
                    continue
                cls = getattr(il, name)
            else:
                cls = getattr(importlib.import_module(f"sklearn.{module}"), name)
            Xtr, ytr, Xte, yte = cache[data]
            t = time.perf_counter()
            model = cls(**params).fit(Xtr, ytr)
            fit_s = time.perf_counter() - t
            t = time.perf_counter()
            pred = model.predict(Xte)
            predict_s = time.perf_counter() - t
            if data.startswith(("regression", "poisson", "real:diabetes")):
                score = 1 - float(np.sum((yte - pred) ** 2) / np.sum((yte - yte.mean()) ** 2))
            else:
                score = float(np.mean(np.asarray(pred) == yte))
            n_iter = getattr(model, "n_iter_", None)
            if n_iter is not None:
                n_iter = int(np.max(n_iter))
            print(json.dumps({"fit_s": fit_s, "predict_s": predict_s, "score": score, "n_iter": n_iter}), flush=True)
        except Exception as e:  # a peer's failure is a table entry, not the end of the run
            print(json.dumps({"error": f"{type(e).__name__}: {e}"[:200]}), flush=True)


# ---------------------------------------------------------------- driver


def ask(proc, req: dict) -> dict:
    proc.stdin.write(json.dumps(req) + "\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("a worker ended")
    return json.loads(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated estimator names")
    ap.add_argument("--data", default="", help="comma-separated data kinds to keep (e.g. real)")
    ap.add_argument("--libs", default=",".join(LIBS))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--report", type=Path, help="only write the table again from a --json file")
    a = ap.parse_args()
    if a.worker:
        return worker(a.worker)
    if a.report:
        saved = json.loads(a.report.read_text())
        libs = [lib for lib in LIBS if lib in saved["results"][0]]
        md = report(saved["results"], libs, saved["environment"], saved["pools"])
        if a.out:
            a.out.write_text(md)
        return print(md)
    libs = a.libs.split(",")
    only = set(filter(None, a.only.split(",")))
    kinds = set(filter(None, a.data.split(",")))
    todo = [i for i, c in enumerate(CASES) if (not only or c[0] in only) and (not kinds or c[2].split(":")[0] in kinds)]
    procs, pools = {}, {}
    for lib in libs:
        p = subprocess.Popen(
            [sys.executable, __file__, "--worker", lib],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=common.thread_env(a.threads, lib == "ironlearn"),
        )
        hello = json.loads(p.stdout.readline())
        procs[lib], pools[lib] = p, hello["pools"]
    results = []
    try:
        loaded = None
        for i in todo:
            name, _, data, params = CASES[i]
            if data != loaded:
                for lib in libs:
                    ask(procs[lib], {"load": data})
                loaded = data
            runs = {lib: [] for lib in libs}
            for r in range(a.repeat):
                for lib in common.rotate(libs, r):
                    time.sleep(0.2)  # the previous library's OpenMP threads spin for a while after their work
                    runs[lib].append(ask(procs[lib], {"fit": i}))
            row = {"estimator": name, "data": data, "params": params}
            for lib, rs in runs.items():
                ok = [x for x in rs if "error" not in x]
                row[lib] = (
                    {
                        "fit_s": statistics.median(x["fit_s"] for x in ok),
                        "predict_s": statistics.median(x["predict_s"] for x in ok),
                        "score": ok[0]["score"],
                        "n_iter": ok[0]["n_iter"],
                        "fits": [x["fit_s"] for x in ok],
                    }
                    if ok
                    else {"error": rs[0]["error"]}
                )
            results.append(row)
            print(line_of(row, libs), flush=True)
    finally:
        for p in procs.values():
            p.stdin.close()
            p.wait()
    env = common.environment(("scikit-learn", "scikit-learn-intelex", "numpy", "threadpoolctl"), threads=a.threads, repeat=a.repeat)
    md = report(results, libs, env, pools)
    if a.out:
        a.out.write_text(md)
    if a.json:
        a.json.write_text(json.dumps({"environment": env, "pools": pools, "results": results}, indent=1))
    print(md)


def fmt(r: dict, key: str) -> str:
    if "error" in r:
        return "-"
    v = r[key]
    return f"{v:.3f}" if v >= 0.01 else f"{v * 1e3:.2f} ms"


def ratio(peer: dict, ours: dict) -> str:
    if "error" in peer or "error" in ours or ours["fit_s"] <= 0:
        return "-"
    return f"{peer['fit_s'] / ours['fit_s']:.2f}"


def line_of(row: dict, libs: list[str]) -> str:
    parts = [f"{row['estimator']:<30} {row['data']:<26}"]
    for lib in libs:
        r = row[lib]
        parts.append(f"{lib} " + (r["error"] if "error" in r else f"{r['fit_s']:.3f}s score {r['score']:.4f}"))
    return " | ".join(parts)


def report(results: list[dict], libs: list[str], env: dict, pools: dict) -> str:
    v = env["versions"]
    lines = [
        "# Classic estimators (bench/classic.py)",
        "",
        f"- date: {env['date']}; commit {env['commit']}",
        f"- CPU: {env['cpu']}, {env['cpus']} CPUs; every library with {env['threads']} threads; median of {env['repeat']} alternating fits",
        f"- scikit-learn {v['scikit-learn']}, scikit-learn-intelex {v['scikit-learn-intelex']}, numpy {v['numpy']}; ironlearn extension: {env['ironlearn_extension']}",
    ]
    if env["env"]:
        lines.append(f"- set for ironlearn only (unset for the peers): {env['env']}")
    for lib, infos in pools.items():
        if infos:
            lines.append(f"- threadpoolctl in {NAMES[lib]}'s worker: {common.describe_pools(infos)}")
    peers = [lib for lib in libs if lib != "ironlearn"]
    head = ["estimator", "data"] + [f"{NAMES[lib]} fit s" for lib in libs] + [f"{NAMES[p]} / ironlearn" for p in peers if "ironlearn" in libs]
    head += ["predict s " + " / ".join(NAMES[lib] for lib in libs)]
    head += ["score " + " / ".join(NAMES[lib] for lib in libs), "iterations"]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in results:
        cells = [row["estimator"], row["data"]] + [fmt(row[lib], "fit_s") for lib in libs]
        if "ironlearn" in libs:
            cells += [ratio(row[p], row["ironlearn"]) for p in peers]
        cells.append(" / ".join(fmt(row[lib], "predict_s") for lib in libs))
        cells.append(" / ".join("-" if "error" in row[lib] else f"{row[lib]['score']:.4f}" for lib in libs))
        iters = [row[lib].get("n_iter") for lib in libs]
        cells.append(" / ".join("-" if n is None else str(n) for n in iters) if any(n is not None for n in iters) else "")
        lines.append("| " + " | ".join(cells) + " |")
    missing = sorted({row["estimator"] for row in results if "error" in row.get("ironlearn", {})})
    if missing:
        lines += ["", "Not in ironlearn yet (or failed): " + ", ".join(missing)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
