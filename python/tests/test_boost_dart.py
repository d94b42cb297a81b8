"""boosting='dart' against LightGBM: the same drops (LightGBM's generator seeded by drop_seed) give the same model."""

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import make_regression

import ironlearn.boost as ilb


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=3000, n_features=8, n_informative=5, random_state=1)
    return X[:2500], y[:2500], X[2500:], y[2500:]


def _both(params, X, y, rounds=30, **kw):
    params = {"boosting": "dart", "verbose": -1, "num_threads": 1, **params}
    return lightgbm.train(params, lightgbm.Dataset(X, y), rounds, **kw), ilb.train(params, ilb.Dataset(X, y), rounds, **kw)


# Regression trees are LightGBM's to float precision; the drops are LightGBM's exactly, so the models agree to 1e-5.
CASES = [
    {},
    {"skip_drop": 0.0},
    {"skip_drop": 0.0, "xgboost_dart_mode": True},
    {"skip_drop": 0.0, "uniform_drop": True, "drop_rate": 0.3},
    {"skip_drop": 0.2, "max_drop": 2, "drop_rate": 0.5, "seed": 5},
    {"skip_drop": 0.0, "drop_seed": 11, "learning_rate": 0.3},
]


@pytest.mark.parametrize("params", CASES, ids=[str(c) for c in CASES])
def test_dart_predicts_as_lightgbm(regression, params):
    X, y, Xv, yv = regression
    theirs, ours = _both(params, X, y)
    scale = np.abs(theirs.predict(Xv)).max()
    assert np.abs(theirs.predict(Xv) - ours.predict(Xv)).max() <= 1e-6 * scale
    # The starting score rides in the first trees and is scaled with them, as in LightGBM.
    Xa, ya = np.vstack([X, Xv]), np.abs(np.concatenate([y, yv])) + 1
    theirs, ours = _both({**params, "objective": "mape"}, Xa, ya)
    assert np.abs(theirs.predict(Xa) - ours.predict(Xa)).max() <= 1e-6 * np.abs(theirs.predict(Xa)).max()


def test_validation_scores_are_the_predictions_and_continued_training_matches(regression):
    X, y, Xv, yv = regression
    params = {"boosting": "dart", "skip_drop": 0.0, "metric": "l1", "verbose": -1, "num_threads": 1}
    init_theirs = lightgbm.train(params, lightgbm.Dataset(X, y), 10)
    init_ours = ilb.train(params, ilb.Dataset(X, y), 10)
    rec_theirs, rec_ours = {}, {}
    theirs = lightgbm.train(params, lightgbm.Dataset(X, y), 10, init_model=init_theirs, valid_sets=[lightgbm.Dataset(Xv, yv)],
                            callbacks=[lightgbm.record_evaluation(rec_theirs)])
    ours = ilb.train(params, ilb.Dataset(X, y), 10, init_model=init_ours, valid_sets=[ilb.Dataset(Xv, yv)],
                     callbacks=[ilb.record_evaluation(rec_ours)])
    assert ours.current_iteration() == 20
    # Each round's validation metric is that of the model's predictions after the rescaling.
    assert rec_ours["valid_0"]["l1"][-1] == pytest.approx(np.abs(ours.predict(Xv) - yv).mean(), rel=1e-12)
    np.testing.assert_allclose(rec_ours["valid_0"]["l1"], rec_theirs["valid_0"]["l1"], rtol=1e-6)
    np.testing.assert_allclose(ours.predict(Xv), theirs.predict(Xv), rtol=0, atol=1e-6 * np.abs(yv).max())


def test_a_dart_model_saved_as_text_predicts_the_same_in_lightgbm(regression):
    X, y, Xv, _ = regression
    ours = ilb.train({"boosting": "dart", "skip_drop": 0.0, "verbose": -1}, ilb.Dataset(X, y), 15)
    text = ours.model_to_string()
    assert "[boosting: dart]" in text and "[drop_rate: 0.1]" in text
    assert np.abs(lightgbm.Booster(model_str=text).predict(Xv) - ours.predict(Xv)).max() <= 1e-9


def test_dart_round_by_round_is_the_one_run_model(regression):
    # A Python metric or a callback before each round grows the model round by
    # round on one trainer: the drops, and so the model, are those of one run,
    # and LightGBM's with reset_parameter.
    X, y, Xv, yv = regression
    params = {"boosting": "dart", "skip_drop": 0.0, "verbose": -1, "num_threads": 1}
    one = ilb.train(params, ilb.Dataset(X, y), 10)
    seen = []
    by_round = ilb.train(params, ilb.Dataset(X, y), 10, valid_sets=[ilb.Dataset(Xv, yv)],
                         feval=lambda p, d: seen.append(len(p)) or ("m", 0.0, False))
    assert seen == [len(yv)] * 10
    np.testing.assert_array_equal(one.predict(Xv), by_round.predict(Xv))
    rates = [0.1 if i < 5 else 0.05 for i in range(10)]
    kw = {"callbacks": [lightgbm.reset_parameter(learning_rate=rates)]}
    theirs = lightgbm.train(params, lightgbm.Dataset(X, y), 10, **kw)
    ours = ilb.train(params, ilb.Dataset(X, y), 10, callbacks=[ilb.reset_parameter(learning_rate=rates)])
    assert np.abs(theirs.predict(Xv) - ours.predict(Xv)).max() <= 1e-6 * np.abs(theirs.predict(Xv)).max()


