"""The booster: LightGBM's API and accuracy, model import, SHAP, determinism."""

import json
import subprocess
import sys
import textwrap

import lightgbm
import numpy as np
import pytest
import xgboost
from sklearn.metrics import mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split

import ironlearn as il
import ironlearn.boost as ilb

LGB_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import {module} as lgb
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    train = lgb.Dataset(X_tr, label=y_tr)
    valid = lgb.Dataset(X_te, label=y_te, reference=train)
    params = {{"objective": "binary", "metric": ["binary_logloss", "auc"], "learning_rate": 0.05,
              "num_leaves": 15, "min_data_in_leaf": 10, "feature_fraction": 0.9, "bagging_fraction": 0.8,
              "bagging_freq": 1, "seed": 7, "verbose": -1}}
    history = {{}}
    booster = lgb.train(params, train, num_boost_round=400, valid_sets=[train, valid], valid_names=["train", "valid"],
                        callbacks=[lgb.early_stopping(30, verbose=False), lgb.log_evaluation(0), lgb.record_evaluation(history)])
    proba = booster.predict(X_te, num_iteration=booster.best_iteration)
    booster.save_model(sys.argv[1])
    again = lgb.Booster(model_file=sys.argv[1])
    assert np.allclose(again.predict(X_te, num_iteration=booster.best_iteration), proba)
    imp = booster.feature_importance(importance_type="gain")
    acc = float(((proba > 0.5) == y_te).mean())
    print(json.dumps({{"acc": acc, "best": booster.best_iteration, "n_imp": len(imp),
                      "metrics": sorted(history["valid"].keys()), "trees": booster.num_trees()}}))
    """
)


@pytest.mark.parametrize("module", ["lightgbm", "ironlearn.boost"])
def test_lightgbm_script_runs_under_both_imports(module, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(LGB_SCRIPT.format(module=module))
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "model.bin")], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["acc"] > 0.93
    assert result["metrics"] == ["auc", "binary_logloss"]
    assert 10 < result["best"] < 400 and result["n_imp"] == 30


def _split(X, y, seed=0):
    return train_test_split(X, y, test_size=0.3, random_state=seed)


def test_accuracy_close_to_lightgbm_on_real_data(breast_cancer, diabetes, digits):
    X, y = breast_cancer
    Xtr, Xte, ytr, yte = _split(X, y)
    params = dict(n_estimators=200, learning_rate=0.05, num_leaves=15, verbose=-1)
    ours = roc_auc_score(yte, il.GBDTClassifier(**params).fit(Xtr, ytr).predict_proba(Xte)[:, 1])
    ref = roc_auc_score(yte, lightgbm.LGBMClassifier(**params).fit(Xtr, ytr).predict_proba(Xte)[:, 1])
    assert ours > ref - 0.01, (ours, ref)
    X, y = diabetes
    Xtr, Xte, ytr, yte = _split(X, y)
    params = dict(n_estimators=150, learning_rate=0.03, num_leaves=8, min_child_samples=10, verbose=-1)
    ours = mean_squared_error(yte, il.GBDTRegressor(**params).fit(Xtr, ytr).predict(Xte)) ** 0.5
    ref = mean_squared_error(yte, lightgbm.LGBMRegressor(**params).fit(Xtr, ytr).predict(Xte)) ** 0.5
    assert ours < ref * 1.05, (ours, ref)
    X, y = digits
    Xtr, Xte, ytr, yte = _split(X, y)
    params = dict(n_estimators=100, num_leaves=15, verbose=-1)
    ours = (il.GBDTClassifier(**params).fit(Xtr, ytr).predict(Xte) == yte).mean()
    ref = (lightgbm.LGBMClassifier(**params).fit(Xtr, ytr).predict(Xte) == yte).mean()
    assert ours > ref - 0.015, (ours, ref)


def test_the_same_models_as_lightgbm(breast_cancer, digits, rng):
    """The same data and parameters give LightGBM 4.7.0's model: each leaf
    keeps the output its split search found (with cat_l2 under a
    categorical split, and LightGBM's epsilons in the hessian sums), and a
    feature with no split at a leaf is not searched below it. Before, pure
    leaves of multiclass trees split where LightGBM's did not (digits: 1.1
    apart in raw scores), and categorical leaves lost cat_l2 (86 apart)."""
    for (X, y), obj in ((breast_cancer, {"objective": "binary"}), (digits, {"objective": "multiclass", "num_class": 10})):
        params = {**obj, "verbose": -1, "num_threads": 2}
        ours = ilb.train(params, ilb.Dataset(X, y), num_boost_round=30)
        ref = lightgbm.train(params, lightgbm.Dataset(X, y), num_boost_round=30)
        np.testing.assert_allclose(ours.predict(X, raw_score=True), ref.predict(X, raw_score=True), rtol=0, atol=1e-9)
    n = 3000
    X = np.column_stack([rng.integers(0, 12, n), rng.normal(size=n), rng.normal(size=n)]).astype(float)
    y = 1000 * (rng.normal(size=12)[X[:, 0].astype(int)] + X[:, 1] + 0.3 * rng.normal(size=n))
    params = {"objective": "regression", "num_leaves": 15, "verbose": -1, "num_threads": 1}
    ours = ilb.train(params, ilb.Dataset(X, y, categorical_feature=[0]), num_boost_round=30)
    ref = lightgbm.train(params, lightgbm.Dataset(X, y, categorical_feature=[0]), num_boost_round=30)
    # (a residue of 1e-8 relative: LightGBM starts a categorical scan's hessian at its epsilon)
    np.testing.assert_allclose(ours.predict(X, raw_score=True), ref.predict(X, raw_score=True), rtol=0, atol=1e-3)


def test_a_tree_that_cannot_split_adds_nothing_as_in_lightgbm(rng):
    """A rare class whose hessian sum cannot fill two leaves grows one-leaf
    trees; as LightGBM's, they add nothing (a Newton step from a hessian sum
    that min_sum_hessian_in_leaf never checked made leaves of 1e11 on UCI
    Shuttle's rarest class, and every prediction wrong)."""
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] > 0).astype(int)
    y[:3] = 2
    params = {"objective": "multiclass", "num_class": 3, "num_leaves": 7, "min_sum_hessian_in_leaf": 2.5, "verbose": -1, "num_threads": 1}
    ours = ilb.train(params, ilb.Dataset(X, y), num_boost_round=20)
    ref = lightgbm.train(params, lightgbm.Dataset(X, y), num_boost_round=20)
    def stumps(booster):  # one-leaf trees: index -> value (the first round's holds the starting score)
        return {i: t["tree_structure"]["leaf_value"] for i, t in enumerate(booster.dump_model()["tree_info"]) if t["num_leaves"] == 1}

    mine, theirs = stumps(ours), stumps(ref)
    assert len(mine) >= 19 and mine.keys() == theirs.keys(), (mine, theirs)
    np.testing.assert_allclose(list(mine.values()), list(theirs.values()), atol=1e-12)
    np.testing.assert_allclose(ours.predict(X, raw_score=True), ref.predict(X, raw_score=True), atol=1e-9)


def _data_with_missing(rng, n=2000):
    X = rng.normal(size=(n, 6))
    X[rng.uniform(size=X.shape) < 0.1] = np.nan
    X[:, 5] = rng.integers(0, 7, n)  # a small integer feature (categorical for LightGBM)
    y_reg = np.nan_to_num(X[:, 0]) * 2 + np.sin(np.nan_to_num(X[:, 1])) + (X[:, 5] == 3) + rng.normal(scale=0.1, size=n)
    return X, y_reg


def test_lightgbm_models_import_exactly(tmp_path, rng):
    X, y = _data_with_missing(rng)
    cases = [
        ("regression", y, {"objective": "regression"}, {"categorical_feature": [5]}),
        ("binary", (y > 0.5).astype(int), {"objective": "binary"}, {}),
        ("multiclass", np.digitize(y, [-1, 0.5, 2]), {"objective": "multiclass", "num_class": 4}, {"categorical_feature": [5]}),
        ("poisson", np.exp(y / 4).round(), {"objective": "poisson"}, {}),
    ]
    for name, target, params, ds in cases:
        b = lightgbm.train({**params, "verbose": -1, "num_leaves": 15}, lightgbm.Dataset(X, target, **ds), num_boost_round=30)
        path = tmp_path / f"{name}.txt"
        b.save_model(str(path))
        ours = ilb.Booster(model_file=str(path))
        for raw in (True, False):
            diff = np.abs(np.asarray(ours.predict(X, raw_score=raw)) - np.asarray(b.predict(X, raw_score=raw))).max()
            assert diff <= 1e-6, (name, raw, diff)
        np.testing.assert_array_equal(ours.predict(X, pred_leaf=True), b.predict(X, pred_leaf=True))
        contrib = ours.predict(X[:200], pred_contrib=True)
        np.testing.assert_allclose(contrib, b.predict(X[:200], pred_contrib=True), atol=1e-6)


def test_xgboost_models_import_exactly(tmp_path, rng):
    X, y = _data_with_missing(rng)
    cases = [
        ("reg:squarederror", y, {}),
        ("binary:logistic", (y > 0.5).astype(int), {}),
        ("multi:softprob", np.digitize(y, [-1, 0.5, 2]), {"num_class": 4}),
        ("count:poisson", np.exp(y / 4).round(), {}),
    ]
    for objective, target, extra in cases:
        b = xgboost.train({"objective": objective, "tree_method": "hist", "max_depth": 5, **extra}, xgboost.DMatrix(X, target), 30)
        path = tmp_path / "model.json"
        b.save_model(str(path))
        ours = ilb.Booster(model_file=str(path))
        dm = xgboost.DMatrix(X)
        ref = b.predict(dm, output_margin=True)
        diff = np.abs(np.asarray(ours.predict(X, raw_score=True)).reshape(ref.shape) - ref).max()
        assert diff <= 1e-6 * max(1.0, np.abs(ref).max()), (objective, diff)
        ref_p = b.predict(dm)
        diff_p = np.abs(np.asarray(ours.predict(X)).reshape(ref_p.shape) - ref_p).max()
        assert diff_p <= 1e-6 * max(1.0, np.abs(ref_p).max()), (objective, diff_p)


def test_shap_values_sum_to_raw_predictions(breast_cancer, iris):
    for X, y, est in [(*breast_cancer, il.GBDTClassifier(n_estimators=30)), (*iris, il.GBDTClassifier(n_estimators=10, min_child_samples=5))]:
        m = est.fit(X, y)
        contrib = m.predict(X, pred_contrib=True)
        raw = m.predict(X, raw_score=True)
        k = 1 if raw.ndim == 1 else raw.shape[1]
        sums = contrib.reshape(len(X), k, X.shape[1] + 1).sum(axis=2)
        np.testing.assert_allclose(sums.ravel() if k == 1 else sums, raw, atol=1e-9)


def test_training_is_deterministic_across_thread_counts(breast_cancer):
    X, y = breast_cancer
    params = dict(n_estimators=30, subsample=0.8, subsample_freq=1, colsample_bytree=0.7, random_state=3)
    a = il.GBDTClassifier(n_jobs=1, **params).fit(X, y).__getstate__()["model"]
    b = il.GBDTClassifier(n_jobs=2, **params).fit(X, y).__getstate__()["model"]
    c = il.GBDTClassifier(n_jobs=4, **params).fit(X, y).__getstate__()["model"]

    def identity(m):  # the model's digest and its arrays; the creation time and training time may differ
        n = int.from_bytes(m[:8], "little")
        header = json.loads(json.loads(m[8 : 8 + n])["__metadata__"]["ironlearn"])
        return header["digest"], m[8 + n :]

    assert identity(a) == identity(b) == identity(c)


def test_early_stopping_and_eval_set(breast_cancer):
    X, y = breast_cancer
    Xtr, Xte, ytr, yte = _split(X, y)
    m = il.GBDTClassifier(n_estimators=1000, learning_rate=0.1).fit(Xtr, ytr, eval_set=[(Xte, yte)], callbacks=[ilb.early_stopping(20, verbose=False)])
    assert 0 < m.best_iteration_ < 1000
    # As LightGBM: the model ends at its best round; the history goes on to the round that stopped it.
    assert m.n_estimators_ == m.best_iteration_ == m.booster_.num_trees()
    assert len(m.evals_result_["valid_0"]["binary_logloss"]) == m.n_estimators_ + 20
    native = ilb.train({"objective": "binary", "early_stopping_round": 15, "verbose": -1}, ilb.Dataset(Xtr, ytr), 1000, valid_sets=[ilb.Dataset(Xte, yte)])
    assert 0 < native.best_iteration < 1000


def test_continued_training_and_custom_objective(diabetes):
    X, y = diabetes
    first = ilb.train({"objective": "regression", "verbose": -1}, ilb.Dataset(X, y), 20)
    more = ilb.train({"objective": "regression", "verbose": -1}, ilb.Dataset(X, y), 20, init_model=first)
    assert more.current_iteration() == 40
    assert mean_squared_error(y, more.predict(X)) < mean_squared_error(y, first.predict(X))

    def l2(preds, data):
        return preds - data.get_label(), np.ones_like(preds)

    custom = ilb.train({"objective": l2, "verbose": -1, "boost_from_average": False}, ilb.Dataset(X, y - y.mean()), 30)
    builtin = ilb.train({"objective": "regression", "verbose": -1, "boost_from_average": False}, ilb.Dataset(X, y - y.mean()), 30)
    np.testing.assert_allclose(custom.predict(X), builtin.predict(X), rtol=1e-5, atol=1e-5)


def test_objectives_learn_as_well_as_lightgbm(rng):
    X = rng.normal(size=(3000, 4))
    mu = np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1])
    for objective, target in [("poisson", rng.poisson(mu)), ("gamma", rng.gamma(2.0, mu / 2.0) + 1e-3), ("tweedie", rng.poisson(mu) * 1.0),
                              ("regression_l1", mu + rng.standard_cauchy(3000) * 0.1), ("huber", mu), ("quantile", mu)]:
        params = {"objective": objective, "verbose": -1}
        ours = np.corrcoef(ilb.train(params, ilb.Dataset(X, target), 100).predict(X), mu)[0, 1]
        ref = np.corrcoef(lightgbm.train(params, lightgbm.Dataset(X, target), 100).predict(X), mu)[0, 1]
        assert ours > ref - 0.02, (objective, ours, ref)


def test_lambdarank_improves_ndcg(rng):
    groups = [20] * 50
    X = rng.normal(size=(1000, 5))
    rel = np.clip(np.round(X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.3, size=1000) + 1), 0, 4)
    r = il.GBDTRanker(n_estimators=50, min_child_samples=5).fit(X, rel, group=groups)
    scores = r.predict(X)
    from sklearn.metrics import ndcg_score

    starts = np.cumsum([0] + groups)
    ours = np.mean([ndcg_score([rel[a:b]], [scores[a:b]], k=5) for a, b in zip(starts[:-1], starts[1:])])
    rand = np.mean([ndcg_score([rel[a:b]], [rng.normal(size=b - a)], k=5) for a, b in zip(starts[:-1], starts[1:])])
    assert ours > rand + 0.2


def test_monotone_constraints_hold(rng):
    X = rng.uniform(size=(2000, 2))
    y = X[:, 0] - 0.3 * np.sin(8 * X[:, 0]) + rng.normal(scale=0.1, size=2000)
    m = il.GBDTRegressor(n_estimators=50, monotone_constraints=[1, 0]).fit(X, y)
    grid = np.column_stack([np.linspace(0, 1, 200), np.full(200, 0.5)])
    assert (np.diff(m.predict(grid)) >= -1e-12).all()


def test_categorical_splits_beat_integer_codes(rng):
    # 60 categories whose effect is unordered: one-vs-rest or sorted-gradient splits find it.
    n = 6000
    cat = rng.integers(0, 60, n)
    effect = rng.normal(size=60) * 2
    X = np.column_stack([cat, rng.normal(size=n)])
    y = effect[cat] + 0.5 * X[:, 1] + rng.normal(scale=0.2, size=n)
    Xtr, Xte, ytr, yte = _split(X, y)
    params = dict(n_estimators=30, num_leaves=8, learning_rate=0.2)
    with_cat = il.GBDTRegressor(categorical_feature=["0"], **params).fit(Xtr, ytr)
    as_num = il.GBDTRegressor(**params).fit(Xtr, ytr)
    assert mean_squared_error(yte, with_cat.predict(Xte)) < 0.8 * mean_squared_error(yte, as_num.predict(Xte))


@pytest.mark.parametrize(
    "y",
    [
        np.array([3, 7, 3, 9, 7, 7]),  # integer classes with gaps: counted, then looked up
        np.array([0, 2, 1, 1, 0], dtype=np.uint8),  # already 0..k-1: passed through
        np.array([1.0, 0.0, 1.0]),  # floats: sorted
        np.array(["b", "a", "b"]),  # text
        np.array([True, False, True]),
    ],
)
def test_class_codes_match_numpy_unique(y):
    codes, classes = ilb._labels(y, True)
    want_classes, want_codes = np.unique(y, return_inverse=True)
    # Signed integers that hold the classes (the narrowest for codes made here; Rust reads int8 to int64).
    assert codes.dtype.kind == "i" and np.iinfo(codes.dtype).max >= len(want_classes) - 1
    np.testing.assert_array_equal(codes, want_codes)
    assert classes == [ilb._class_name(c) for c in want_classes]


def test_class_codes_of_every_integer_width_train_the_same_model():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(np.int64) + 2 * (X[:, 1] > 0.5)
    params = {"objective": "multiclass", "num_class": 4, "num_leaves": 7, "verbose": -1, "seed": 0}
    want = ilb.train(params, ilb.Dataset(X, label=y), num_boost_round=5).predict(X)
    for dtype in (np.int8, np.int16, np.int32, np.uint8, np.uint64):
        got = ilb.train(params, ilb.Dataset(X, label=y.astype(dtype)), num_boost_round=5).predict(X)
        np.testing.assert_array_equal(got, want, err_msg=str(dtype))
    codes, _ = ilb._labels(y.astype(np.uint64), True)
    assert codes.dtype == np.int8
