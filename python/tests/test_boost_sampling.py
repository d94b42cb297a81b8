"""Row sampling against LightGBM: GOSS (data_sample_strategy='goss', or the deprecated boosting='goss') and bagging by query."""

from pathlib import Path

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import make_regression

import ironlearn.boost as ilb


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=6000, n_features=8, n_informative=5, noise=5.0, random_state=2)
    return X[:5000], y[:5000], X[5000:], y[5000:]


def _mse(b, X, y):
    return float(np.mean((b.predict(X) - y) ** 2))


def test_goss_first_rounds_are_lightgbms_and_later_ones_sample_as_well(regression):
    X, y, Xv, yv = regression
    base = {"verbose": -1, "num_threads": 1, "learning_rate": 0.25}
    # The first 1 / learning_rate = 4 rounds see every row: the same model as LightGBM's (trees to float precision).
    for goss in ({"data_sample_strategy": "goss"}, {"boosting": "goss"}):
        theirs = lightgbm.train({**base, **goss}, lightgbm.Dataset(X, y), 4)
        ours = ilb.train({**base, **goss}, ilb.Dataset(X, y), 4)
        assert np.abs(theirs.predict(Xv) - ours.predict(Xv)).max() <= 1e-6 * np.abs(yv).max()
    # Later rounds keep the top 20% of gradients and 10% of the rest; the draws are ironlearn's, the quality LightGBM's.
    params = {**base, "data_sample_strategy": "goss"}
    theirs = lightgbm.train(params, lightgbm.Dataset(X, y), 60)
    ours = ilb.train(params, ilb.Dataset(X, y), 60)
    all_rows = ilb.train(base, ilb.Dataset(X, y), 60)
    assert _mse(ours, Xv, yv) == pytest.approx(_mse(theirs, Xv, yv), rel=0.1)
    assert _mse(ours, Xv, yv) != _mse(all_rows, Xv, yv)
    same = ilb.train({**base, "boosting": "goss"}, ilb.Dataset(X, y), 60)
    np.testing.assert_array_equal(same.predict(Xv), ours.predict(Xv))


def test_goss_settings_are_refused_as_lightgbm_refuses_them(regression):
    X, y, _, _ = regression
    with pytest.raises(ilb.LightGBMError, match="Cannot use bagging in GOSS"):
        ilb.train({"data_sample_strategy": "goss", "bagging_fraction": 0.5, "bagging_freq": 1, "verbose": -1}, ilb.Dataset(X, y), 2)
    with pytest.raises(ValueError, match="other_rate"):
        ilb.train({"data_sample_strategy": "goss", "top_rate": 0.7, "other_rate": 0.5, "verbose": -1}, ilb.Dataset(X, y), 2)
    # Round by round (a Python metric), GOSS is the one-run model.
    goss = {"data_sample_strategy": "goss", "verbose": -1, "learning_rate": 0.5}
    one = ilb.train(goss, ilb.Dataset(X, y), 6)
    by_round = ilb.train(goss, ilb.Dataset(X, y), 6, valid_sets=[ilb.Dataset(X, y)], feval=lambda p, d: ("m", 0.0, False))
    np.testing.assert_array_equal(one.predict(X), by_round.predict(X))


RANK = Path("/tmp/lgb_tests/examples/lambdarank")


def _rank_data():
    from sklearn.datasets import load_svmlight_file

    if not (RANK / "rank.train").exists():
        pytest.skip("LightGBM's examples/lambdarank is not extracted (see docs/lightgbm-compat.md)")
    X, y = load_svmlight_file(str(RANK / "rank.train"))
    Xt, yt = load_svmlight_file(str(RANK / "rank.test"))
    return X.toarray(), y, np.loadtxt(RANK / "rank.train.query"), Xt.toarray(), yt, np.loadtxt(RANK / "rank.test.query")


def test_bagging_by_query_ranks_as_well_as_lightgbm():
    X, y, q, Xt, yt, qt = _rank_data()
    params = {"objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [5], "verbose": -1, "num_threads": 1,
              "bagging_by_query": True, "bagging_fraction": 0.3, "bagging_freq": 1}
    scores = {}
    for name, lib in (("lightgbm", lightgbm), ("ironlearn", ilb)):
        b = lib.train(params, lib.Dataset(X, y, group=q), 30, valid_sets=[lib.Dataset(Xt, yt, group=qt)])
        scores[name] = b.best_score["valid_0"]["ndcg@5"]
    assert scores["ironlearn"] == pytest.approx(scores["lightgbm"], abs=0.03)
    with pytest.raises(ilb.LightGBMError, match="bagging_by_query"):
        ilb.train({**params, "objective": "regression", "metric": "l2"}, ilb.Dataset(X, y), 2)
