"""LightGBM's public API as ironlearn.boost provides it (issue 16), checked against the real lightgbm where it is installed."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_regression

import ironlearn.boost as ilb

lgb = pytest.importorskip("lightgbm")


@pytest.fixture(scope="module")
def binary():
    X, y = load_breast_cancer(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=400, n_features=6, noise=5.0, random_state=0)
    return X, y


class _Extended(ilb.LGBMClassifier):
    def __init__(self, *, some_other_param="x", **kwargs):
        self.some_other_param = some_other_param
        super().__init__(**kwargs)


def test_subclass_keeps_parent_params_and_clones(binary):
    X, y = binary
    est = _Extended(n_estimators=7, eta=0.2)
    params = est.get_params()
    assert params["n_estimators"] == 7 and params["eta"] == 0.2 and params["some_other_param"] == "x"
    assert set(params) == set(lgb.LGBMClassifier(eta=0.2).get_params()) | {"some_other_param"}
    fitted = clone(est).fit(X, y)
    assert fitted.booster_.current_iteration() == 7
    assert isinstance(fitted, ilb.LGBMModel)


def test_lgbm_classes_share_lightgbm_constructor():
    assert ilb.LGBMModel().get_params() == lgb.LGBMModel().get_params()
    assert ilb.LGBMRegressor().get_params() == lgb.LGBMRegressor().get_params()


def test_cv_matches_lightgbm_keys_and_values(regression):
    X, y = regression
    params = {"objective": "regression", "metric": "l2", "verbose": -1, "min_data_in_bin": 1, "deterministic": True}
    ours = ilb.cv(params, ilb.Dataset(X, y), num_boost_round=10, nfold=3, stratified=False, seed=1, return_cvbooster=True)
    theirs = lgb.cv(params, lgb.Dataset(X, y), num_boost_round=10, nfold=3, stratified=False, seed=1, return_cvbooster=True)
    assert set(ours) == set(theirs) == {"valid l2-mean", "valid l2-stdv", "cvbooster"}
    assert len(ours["valid l2-mean"]) == 10
    # Same folds (the same seeded permutation); the trees differ in details, the error barely.
    np.testing.assert_allclose(ours["valid l2-mean"][-1], theirs["valid l2-mean"][-1], rtol=0.1)
    assert len(ours["cvbooster"].boosters) == 3
    assert len(ours["cvbooster"].predict(X)) == 3


def test_cv_early_stopping_truncates_lists(regression):
    X, y = regression
    res = ilb.cv({"verbose": -1, "learning_rate": 0.5}, ilb.Dataset(X, y), 200, nfold=3, stratified=False,
                 callbacks=[ilb.early_stopping(3, verbose=False)], return_cvbooster=True)
    best = res["cvbooster"].best_iteration
    assert 0 < best < 200 and len(res["valid l2-mean"]) == best
    assert int(np.argmin(res["valid l2-mean"])) == best - 1


def test_cvbooster_round_trips_through_a_string(regression):
    X, y = regression
    cvb = ilb.cv({"verbose": -1}, ilb.Dataset(X, y), 5, nfold=2, stratified=False, return_cvbooster=True)["cvbooster"]
    again = ilb.CVBooster().model_from_string(cvb.model_to_string())
    for a, b in zip(cvb.predict(X), again.predict(X)):
        np.testing.assert_allclose(a, b)


def test_feval_and_single_valid_set(binary):
    X, y = binary

    def error_rate(preds, data):
        return "err", float(np.mean((preds > 0.5) != data.get_label())), False

    params = {"objective": "binary", "verbose": -1}
    got = {}
    b = ilb.train(params, ilb.Dataset(X, y), 10, valid_sets=ilb.Dataset(X, y), feval=error_rate, callbacks=[ilb.record_evaluation(got)])
    want = {}
    lgb.train(params, lgb.Dataset(X, y), 10, valid_sets=lgb.Dataset(X, y), feval=error_rate, callbacks=[lgb.record_evaluation(want)])
    assert set(got["valid_0"]) == set(want["valid_0"]) == {"binary_logloss", "err"}
    assert len(got["valid_0"]["err"]) == 10
    # the recorded value is the metric of the model after that round
    assert got["valid_0"]["err"][-1] == pytest.approx(np.mean((b.predict(X) > 0.5) != y))
    np.testing.assert_allclose(got["valid_0"]["err"][-1], want["valid_0"]["err"][-1], atol=0.02)


def test_callable_eval_metric_and_tuple_eval_set(binary):
    X, y = binary

    def acc(y_true, y_pred):
        return "acc", float(np.mean((y_pred > 0.5) == y_true)), True

    m = ilb.LGBMClassifier(n_estimators=5, verbose=-1).fit(X, y, eval_set=(X, y), eval_metric=acc)
    assert set(m.evals_result_["training"]) == {"binary_logloss", "acc"}
    assert m.evals_result_["training"]["acc"][-1] == pytest.approx(np.mean(m.predict(X) == y))


def test_reset_parameter_changes_the_learning_rate(regression):
    X, y = regression
    decayed = ilb.train({"verbose": -1, "learning_rate": 0.1}, ilb.Dataset(X, y), 5,
                        callbacks=[ilb.reset_parameter(learning_rate=[0.1, 0.1, 0.01, 0.01, 0.01])])
    # the same as two rounds at 0.1 continued by three at 0.01 (no sampling, so the trees are the same)
    two = ilb.train({"verbose": -1, "learning_rate": 0.1}, ilb.Dataset(X, y), 2)
    then = ilb.train({"verbose": -1, "learning_rate": 0.01}, ilb.Dataset(X, y), 3, init_model=two)
    np.testing.assert_allclose(decayed.predict(X), then.predict(X))
    plain = ilb.train({"verbose": -1, "learning_rate": 0.1}, ilb.Dataset(X, y), 5)
    assert not np.allclose(decayed.predict(X), plain.predict(X))
    assert decayed.params["learning_rate"] == 0.01


def test_callbacks_are_picklable_with_lightgbm_attributes():
    cb = pickle.loads(pickle.dumps(ilb.early_stopping(5)))
    assert (cb.order, cb.before_iteration, cb.stopping_rounds) == (30, False, 5)
    assert ilb.early_stopping(0).enabled is False
    with pytest.raises(TypeError, match="early_stopping_round should be an integer. Got 'str'"):
        ilb.early_stopping("x")
    r = pickle.loads(pickle.dumps(ilb.reset_parameter(learning_rate=[0.1, 0.2])))
    assert (r.order, r.before_iteration, r.kwargs) == (10, True, {"learning_rate": [0.1, 0.2]})


def test_scipy_sparse_input_matches_dense(regression):
    X, y = regression
    X = X.copy()
    X[np.abs(X) < 0.5] = 0.0
    dense = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 10)
    sparse = ilb.train({"verbose": -1}, ilb.Dataset(sp.csr_matrix(X), y), 10)
    np.testing.assert_array_equal(dense.predict(X), sparse.predict(sp.csr_matrix(X)))
    contrib = sparse.predict(sp.csc_matrix(X), pred_contrib=True)
    assert sp.issparse(contrib) and contrib.format == "csc" and contrib.shape == (X.shape[0], X.shape[1] + 1)
    m = ilb.LGBMRegressor(n_estimators=5, verbose=-1).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(m.predict(sp.csr_matrix(X)), m.predict(X))


def test_too_large_sparse_input_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(ilb, "MAX_DENSIFIED_CELLS", 10)
    with pytest.raises(NotImplementedError, match="does not take CSR/CSC input natively"):
        ilb.Dataset(sp.csr_matrix(np.eye(4)), np.arange(4.0))._native_x()


def test_default_feature_names_are_lightgbms(regression):
    X, y = regression
    b = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 2)
    assert b.feature_name() == lgb.train({"verbose": -1}, lgb.Dataset(X, y), 2).feature_name()
    named = ilb.train({"verbose": -1}, ilb.Dataset(X, y, feature_name=[f"f{i}" for i in range(X.shape[1])]), 2)
    assert named.feature_name() == [f"f{i}" for i in range(X.shape[1])]


def test_sequence_input_reads_every_row(regression):
    X, y = regression

    class Rows(ilb.Sequence):
        batch_size = 64

        def __getitem__(self, idx):
            return X[idx]

        def __len__(self):
            return len(X)

    a = ilb.train({"verbose": -1}, ilb.Dataset(Rows(), y), 5)
    b = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_training_errors_are_lightgbm_errors(regression):
    X, y = regression
    with pytest.raises(ilb.LightGBMError, match="unknown parameter"):
        ilb.train({"verbose": -1, "no_such_parameter": 1}, ilb.Dataset(X, y), 2)
    assert issubclass(ilb.LightGBMError, ValueError)


def test_config_aliases_and_choose_param_value():
    assert {"objective", "loss", "application"} <= ilb._ConfigAliases.get("objective")
    assert "num_iterations" in ilb._ConfigAliases.get("num_iterations")
    p = ilb._choose_param_value("learning_rate", {"eta": 0.3, "num_leaves": 7}, 0.1)
    assert p == {"learning_rate": 0.3, "num_leaves": 7}
    assert ilb._choose_param_value("learning_rate", {}, 0.1) == {"learning_rate": 0.1}
