"""Linear trees (``linear_tree``) in ironlearn.boost, checked against the real lightgbm on the same data."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

import ironlearn.boost as ilb

lgb = pytest.importorskip("lightgbm")


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 4))
    y = 3 * X[:, 0] + np.where(X[:, 1] > 0, 2 * X[:, 2], -X[:, 2]) + 0.1 * rng.normal(size=len(X))
    X[rng.random(size=X.shape) < 0.05] = np.nan
    return X, y


def _both(params, X, y, rounds=20):
    params = dict(params, linear_tree=True, verbose=-1, num_threads=1)
    return lgb.train(params, lgb.Dataset(X, y), rounds), ilb.train(params, ilb.Dataset(X, y), rounds)


@pytest.mark.parametrize("extra", [{}, {"linear_lambda": 5.0}, {"objective": "huber", "alpha": 2.0}])
def test_regression_predicts_what_lightgbm_predicts(regression, extra):
    # Same splits, and leaf models from the same Newton step: equal up to float rounding. (Where a
    # slope is 0 but for rounding, LightGBM may keep a 1e-17 coefficient that ours drops, or the other
    # way round, and a row with NaN there then takes the leaf value: such data is left out here.)
    X, y = regression
    theirs, ours = _both({"objective": "regression", **extra}, X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-5)


def test_linear_leaves_fit_a_piecewise_linear_target_better():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1500, 4))
    y = 3 * X[:, 0] + np.where(X[:, 1] > 0, 2 * X[:, 2], -X[:, 2]) + 0.1 * rng.normal(size=len(X))
    params = {"verbose": -1, "learning_rate": 0.3, "num_leaves": 8}
    mse = [np.mean((ilb.train(dict(params, linear_tree=lin), ilb.Dataset(X, y), 30).predict(X) - y) ** 2) for lin in (False, True)]
    assert mse[1] < 0.5 * mse[0]


def test_binary_quality_is_lightgbms():
    # Trees can part from LightGBM's on near-tied splits; the fit's quality may not.
    X, y = load_breast_cancer(return_X_y=True)
    theirs, ours = _both({"objective": "binary"}, X, y)

    def log_loss(p):
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    assert abs(log_loss(ours.predict(X)) - log_loss(theirs.predict(X))) < 0.01


def test_training_metrics_use_the_linear_leaves(regression):
    X, y = regression
    res = {}
    train = ilb.Dataset(X, y)
    bst = ilb.train({"linear_tree": True, "verbose": -1, "metric": "l2", "bagging_fraction": 0.7, "bagging_freq": 1},
                    train, 10, valid_sets=[train, ilb.Dataset(X[:300], y[:300])], valid_names=["train", "valid"],
                    callbacks=[ilb.record_evaluation(res)])
    # Training scores read the features as float32, as LightGBM's do; prediction reads them as given.
    pred = bst.predict(X)
    assert res["train"]["l2"][-1] == pytest.approx(np.mean((pred - y) ** 2), rel=1e-6)
    assert res["valid"]["l2"][-1] == pytest.approx(np.mean((pred[:300] - y[:300]) ** 2), rel=1e-6)


def test_models_cross_between_the_libraries(regression, tmp_path):
    X, y = regression
    theirs, ours = _both({"objective": "regression"}, X, y)
    # LightGBM reads ironlearn's text and predicts the same, and the other way round.
    loaded = lgb.Booster(model_str=ours.model_to_string())
    np.testing.assert_allclose(loaded.predict(X), ours.predict(X), rtol=0, atol=1e-9)
    mine = ilb.Booster(model_str=theirs.model_to_string())
    np.testing.assert_allclose(mine.predict(X), theirs.predict(X), rtol=0, atol=1e-9)
    # ironlearn's own model file gives the same predictions bit for bit.
    path = tmp_path / "m.ilm"
    ours.save_model(path)
    assert np.array_equal(ilb.Booster(model_file=path).predict(X), ours.predict(X))


def test_refit_is_lightgbms_refit(regression):
    X, y = regression
    _, ours = _both({"objective": "regression"}, X, y)
    text = ours.model_to_string()
    rows = slice(0, 400)
    theirs = lgb.Booster(model_str=text).refit(X[rows], y[rows], decay_rate=0.5)
    mine = ilb.Booster(model_str=text).refit(X[rows], y[rows], decay_rate=0.5)
    np.testing.assert_allclose(mine.predict(X), theirs.predict(X), rtol=0, atol=1e-5)
    # Refit in memory (the starting score held apart) is the same refit.
    np.testing.assert_allclose(ours.refit(X[rows], y[rows], decay_rate=0.5).predict(X), mine.predict(X), rtol=0, atol=1e-9)


def test_dump_leaf_index_and_contributions(regression):
    X, y = regression
    theirs, ours = _both({"objective": "regression", "num_leaves": 4}, X, y, rounds=3)
    leaf = ours.dump_model()["tree_info"][1]["tree_structure"]["left_child"]
    while "leaf_index" not in leaf:
        leaf = leaf["left_child"]
    assert {"leaf_const", "leaf_features", "leaf_coeff", "leaf_weight"} <= set(leaf)
    assert len(leaf["leaf_features"]) == len(leaf["leaf_coeff"])
    np.testing.assert_array_equal(ours.predict(X, pred_leaf=True), theirs.predict(X, pred_leaf=True))
    with pytest.raises(lgb.basic.LightGBMError, match="not implemented for linear trees"):
        theirs.predict(X, pred_contrib=True)
    with pytest.raises(ilb.LightGBMError, match="Predicting SHAP feature contributions is not implemented for linear trees"):
        ours.predict(X, pred_contrib=True)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"objective": "regression_l1"}, "Cannot use regression_l1 objective when fitting linear trees"),
        ({"objective": "mae"}, "Cannot use regression_l1 objective when fitting linear trees"),
        ({"zero_as_missing": True}, "zero_as_missing must be false when fitting linear trees"),
    ],
)
def test_refusals_are_lightgbms(regression, params, message):
    X, y = regression
    for lib, error in ((lgb, lgb.basic.LightGBMError), (ilb, ilb.LightGBMError)):
        with pytest.raises(error, match=message):
            lib.train({"linear_tree": True, "verbose": -1, **params}, lib.Dataset(X, y), 1)


def test_linear_tree_cannot_change_after_construction(regression):
    X, y = regression
    for lib, error in ((lgb, lgb.basic.LightGBMError), (ilb, ilb.LightGBMError)):
        data = lib.Dataset(X, y, params={"verbose": -1}).construct()
        with pytest.raises(error, match="Cannot change linear_tree after constructed Dataset handle"):
            lib.train({"linear_trees": True, "verbose": -1}, data, 1)
        # With the raw data kept, the Dataset is rebuilt instead.
        kept = lib.Dataset(X, y, params={"verbose": -1}, free_raw_data=False).construct()
        assert lib.train({"linear_tree": True, "verbose": -1}, kept, 2).num_trees() == 2
