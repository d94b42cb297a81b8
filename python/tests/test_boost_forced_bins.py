"""Forced bins (``forcedbins_filename``): binning keeps the JSON file's upper bounds and shares the free bins between
them as the real lightgbm does (LightGBM's test_forced_bins data and files)."""

import json

import numpy as np
import pytest

import ironlearn.boost as ilb

lgb = pytest.importorskip("lightgbm")

BINS = [{"feature": 0, "bin_upper_bound": [0.3, 0.35, 0.4]}, {"feature": 1, "bin_upper_bound": [-0.1, -0.15, -0.2]}]
BINS2 = [{"feature": 0, "bin_upper_bound": [0.19, 0.39, 0.59, 0.79]}]


def _ramp():
    x = np.empty((100, 2))
    x[:, 0] = np.arange(0, 1, 0.01)
    x[:, 1] = -np.arange(0, 1, 0.01)
    return x, np.arange(0, 1, 0.01)


def _thresholds(booster):
    return sorted({t["tree_structure"]["threshold"] for t in booster.dump_model()["tree_info"]
                   if "threshold" in t["tree_structure"]})


@pytest.mark.parametrize("bins, max_bin, columns", [(BINS, 5, 2), (BINS2, 11, 1), (None, 5, 2)])
def test_bins_and_models_match_lightgbm(tmp_path, bins, max_bin, columns):
    x, y = _ramp()
    x = x[:, :columns]
    path = ""
    if bins is not None:
        path = tmp_path / "bins.json"
        path.write_text(json.dumps(bins))
    params = {"objective": "regression_l1", "max_bin": max_bin, "forcedbins_filename": path, "num_leaves": 2,
              "min_data_in_leaf": 1, "verbose": -1}
    ours = ilb.Dataset(x, label=y, params=params).construct()
    theirs = lgb.Dataset(x, label=y, params=params).construct()
    assert [ours.feature_num_bin(f) for f in range(columns)] == [theirs.feature_num_bin(f) for f in range(columns)]
    a = ilb.train(params, ilb.Dataset(x, label=y), num_boost_round=20)
    b = lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=20)
    assert _thresholds(a) == _thresholds(b)
    np.testing.assert_allclose(a.predict(x), b.predict(x), rtol=0, atol=1e-6)
    if bins is not None:
        forced = {v for entry in bins for v in entry["bin_upper_bound"]}
        assert forced & set(_thresholds(a))


def test_bad_files_are_named(tmp_path):
    x, y = _ramp()
    path = tmp_path / "bins.json"
    path.write_text(json.dumps([{"feature": 2, "bin_upper_bound": [0.5]}]))
    with pytest.raises(ilb.LightGBMError, match="forcedbins_filename.*names feature 2, but the data has 2 features"):
        ilb.train({"forcedbins_filename": path, "verbose": -1}, ilb.Dataset(x, label=y))
    path.write_text(json.dumps({"feature": 0}))
    with pytest.raises(ilb.LightGBMError, match="must be a list"):
        ilb.train({"forcedbins_filename": path, "verbose": -1}, ilb.Dataset(x, label=y))
