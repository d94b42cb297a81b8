"""Forced splits (``forcedsplits_filename``): every tree starts with the JSON file's splits, breadth-first, as the real
lightgbm grows them; a bad file is named in the error."""

import json

import numpy as np
import pytest
from sklearn.datasets import make_regression

import ironlearn.boost as ilb

lgb = pytest.importorskip("lightgbm")

FORCED = {
    "feature": 0,
    "threshold": 0.1,
    "left": {"feature": 1, "threshold": -0.2, "left": {"feature": 5, "threshold": 0.0}},
    "right": {"feature": 2, "threshold": 0.3},
}


@pytest.fixture(scope="module")
def data():
    return make_regression(n_samples=1000, n_features=6, n_informative=4, noise=10, random_state=1)


def _top(booster, depth=2):
    """(depth, feature, threshold) of the splits at the top of every tree."""
    def walk(node, d):
        if "split_feature" not in node or d > depth:
            return []
        here = [(d, node["split_feature"], round(node["threshold"], 9))]
        return here + walk(node["left_child"], d + 1) + walk(node["right_child"], d + 1)
    return [walk(t["tree_structure"], 0) for t in booster.dump_model()["tree_info"]]


def test_trees_match_lightgbm(data, tmp_path):
    X, y = data
    path = tmp_path / "forced.json"
    path.write_text(json.dumps(FORCED))
    params = {"objective": "regression", "num_leaves": 8, "verbose": -1, "forcedsplits_filename": path}
    ours = ilb.train(params, ilb.Dataset(X, y), num_boost_round=20)
    theirs = lgb.train(params, lgb.Dataset(X, y), num_boost_round=20)
    # The forced splits (and, with LightGBM's bins, the splits below them) are LightGBM's.
    assert _top(ours) == _top(theirs)
    assert all(t[0][1] == 0 and t[1][1] == 1 and t[2][1] == 5 for t in _top(ours))
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-4)


def test_forced_features_are_split_on_when_feature_fraction_leaves_them_out(data, tmp_path):
    X, y = data
    path = tmp_path / "forced.json"
    path.write_text(json.dumps(FORCED))
    params = {"objective": "regression", "num_leaves": 8, "verbose": -1, "forcedsplits_filename": str(path),
              "feature_fraction": 0.34, "seed": 3}
    runs = [ilb.train({**params, "num_threads": t}, ilb.Dataset(X, y), num_boost_round=20) for t in (1, 4)]
    # The model file (LightGBM's text also records num_threads, as given).
    assert runs[0].model_to_string(format="ironlearn") == runs[1].model_to_string(format="ironlearn")
    for top in _top(runs[0]):
        assert [f for d, f, _ in top if d < 2] == [0, 1, 2]
    # Quality stays LightGBM's (its feature sampling draws other features, so the trees below differ).
    theirs = lgb.train(params, lgb.Dataset(X, y), num_boost_round=20)
    mse = [np.mean((b.predict(X) - y) ** 2) for b in (runs[0], theirs)]
    assert mse[0] < 1.3 * mse[1], mse


def test_bad_files_are_named(data, tmp_path):
    X, y = data
    path = tmp_path / "forced.json"
    path.write_text(json.dumps({"feature": 0, "threshold": 0.5, "left": {"feature": X.shape[1], "threshold": 0.5}}))
    with pytest.raises(ilb.LightGBMError, match="Forced splits file includes feature index 6, but maximum feature index in dataset is 5"):
        ilb.train({"objective": "regression", "forcedsplits_filename": path}, ilb.Dataset(X, y))
    path.write_text("{not json")
    with pytest.raises(ilb.LightGBMError, match="forced.json': is not JSON"):
        ilb.train({"objective": "regression", "fs": path}, ilb.Dataset(X, y))
    with pytest.raises(ilb.LightGBMError, match="forcedsplits_filename.*no_such.json"):
        ilb.train({"objective": "regression", "forced_splits": str(tmp_path / "no_such.json")}, ilb.Dataset(X, y))
