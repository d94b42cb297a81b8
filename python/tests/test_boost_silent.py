"""The LightGBM drop-in gives no silently wrong result: issue 16's four cases, and LightGBM parameters
ironlearn does not implement (issue 15), each warned about or listed as having no effect."""

import re
import warnings

import lightgbm
import numpy as np
import pandas as pd
import pytest

import ironlearn as il
import ironlearn.boost as ilb


@pytest.fixture
def regression(rng):
    X = rng.normal(size=(400, 4))
    y = 2.0 * X[:, 0] - X[:, 1] + rng.normal(scale=0.1, size=400)
    return X, y


# -- issue 16, 1: an exception in a custom objective --------------------------------------------


class ObjectiveFailed(Exception):
    pass


@pytest.mark.parametrize("fail_at", [1, 3])
def test_objective_exception_propagates(regression, fail_at):
    X, y = regression
    calls = []

    def objective(preds, data):
        calls.append(1)
        if len(calls) == fail_at:
            raise ObjectiveFailed(f"call {len(calls)}")
        return preds - data.get_label(), np.ones_like(preds)

    with pytest.raises(ObjectiveFailed, match=f"call {fail_at}"):
        ilb.train({"objective": objective, "verbose": -1}, ilb.Dataset(X, y), 10)
    assert len(calls) == fail_at  # training stopped at the failure

    def sk_objective(y_true, y_pred):
        raise ObjectiveFailed("from the scikit-learn wrapper")

    with pytest.raises(ObjectiveFailed, match="scikit-learn wrapper"):
        il.GBDTRegressor(objective=sk_objective, n_estimators=5).fit(X, y)


def test_objective_returning_garbage_raises(regression):
    X, y = regression
    with pytest.raises(ValueError, match="returned 3 values for 400 scores"):
        ilb.train({"objective": lambda p, d: (np.zeros(3), np.ones(3)), "verbose": -1}, ilb.Dataset(X, y), 5)


# -- issue 16, 2: the scikit-learn wrappers call objective(y_true, y_pred) -------------------------


def test_sklearn_custom_objective_gets_y_true_y_pred(regression):
    X, y = regression
    seen = []

    def l2(y_true, y_pred):
        seen.append((np.array(y_true), np.array(y_pred)))
        return y_pred - y_true, np.ones_like(y_pred)

    custom = ilb.LGBMRegressor(objective=l2, n_estimators=30).fit(X, y)
    # LightGBM starts a custom objective from zero: the built-in one without boost_from_average is the same model.
    builtin = ilb.LGBMRegressor(objective="regression", boost_from_average=False, n_estimators=30).fit(X, y)
    np.testing.assert_allclose(custom.predict(X), builtin.predict(X), rtol=1e-6, atol=1e-6)
    assert np.mean((custom.predict(X) - y) ** 2) < 0.05 * np.var(y)  # was a near-constant model with (preds, Dataset)
    np.testing.assert_array_equal(seen[0][0], y)  # y_true first
    np.testing.assert_array_equal(seen[0][1], np.zeros(len(y)))  # then the raw scores, from zero
    assert callable(custom.objective_) and custom.get_params()["objective"] is l2

    # As real LightGBM: the same call, the same model up to the trees' own differences.
    ref = lightgbm.LGBMRegressor(objective=l2, n_estimators=30, verbose=-1).fit(X, y)
    assert np.corrcoef(ref.predict(X), custom.predict(X))[0, 1] > 0.99

    # Three and four arguments get the weights and the groups.
    got = {}

    def weighted(y_true, y_pred, weight):
        got["weight"] = weight
        return (y_pred - y_true) * weight, weight

    w = np.linspace(0.5, 1.5, len(y))
    ilb.LGBMRegressor(objective=weighted, n_estimators=2).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(got["weight"], w)
    with pytest.raises(TypeError, match="2, 3 or 4 arguments, got 1"):
        ilb.LGBMRegressor(objective=lambda y_true: None, n_estimators=2).fit(X, y)


def test_sklearn_custom_objective_for_classifiers_returns_raw_scores_like_lightgbm(rng):
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=300) > 0, "yes", "no")

    def logloss(y_true, y_pred):
        assert set(np.unique(y_true)) == {0.0, 1.0}  # class codes, as LightGBM's label encoding gives them
        p = 1.0 / (1.0 + np.exp(-y_pred))
        return p - y_true, p * (1.0 - p)

    ours = ilb.LGBMClassifier(objective=logloss, n_estimators=20).fit(X, y)
    ref = lightgbm.LGBMClassifier(objective=logloss, n_estimators=20, verbose=-1).fit(X, y)
    with pytest.warns(UserWarning, match="Returning raw scores instead"):
        raw = ours.predict_proba(X)
    assert raw.shape == (300,)
    np.testing.assert_allclose(raw, ours.predict(X, raw_score=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.corrcoef(raw, ref.predict_proba(X))[0, 1] > 0.99


# -- issue 16, 3: early stopping never watches the training set --------------------------------------


@pytest.mark.parametrize("train_name", ["train", "training", "fit data"])
def test_early_stopping_ignores_training_set_named_train(rng, train_name):
    X = rng.normal(size=(600, 5))
    y = X[:, 0] + rng.normal(scale=1.0, size=600)
    Xv = rng.normal(size=(300, 5))
    yv = Xv[:, 0] + rng.normal(scale=1.0, size=300)
    results = {}
    for lib in (ilb, lightgbm):
        train = lib.Dataset(X, y)
        valid = lib.Dataset(Xv, yv, reference=train)
        params = {"objective": "regression", "learning_rate": 0.5, "num_leaves": 63, "min_data_in_leaf": 5, "verbose": -1}
        stopped = lib.train(params, train, 200, valid_sets=[train, valid], valid_names=[train_name, "valid"],
                            callbacks=[lib.early_stopping(3, verbose=False)])
        # The same through params, as LightGBM turns early_stopping_round into the callback.
        via_params = lib.train({**params, "early_stopping_round": 3}, lib.Dataset(X, y), 200, valid_sets=[lib.Dataset(Xv, yv)])
        results[lib.__name__] = (stopped.best_iteration, via_params.best_iteration)
    best, best_params = results["ironlearn.boost"]
    assert 1 <= best < 20  # the training loss always improves: watched, it would never stop
    assert best == best_params
    assert abs(best - results["lightgbm"][0]) <= 3

    # The training set alone: nothing to watch, so early stopping is off (LightGBM warns the same).
    train = ilb.Dataset(X, y)
    with pytest.warns(UserWarning, match="Only training set found, disabling early stopping"):
        alone = ilb.train({"verbose": -1}, train, 20, valid_sets=[train], valid_names=[train_name],
                          callbacks=[ilb.early_stopping(2, verbose=False)])
    assert alone.best_iteration == 0 and alone.current_iteration() == 20

    # A different Dataset named "training" is a validation set: names do not matter, identity does.
    named = ilb.train({"verbose": -1, "learning_rate": 0.5, "num_leaves": 63, "min_data_in_leaf": 5}, ilb.Dataset(X, y), 200,
                      valid_sets=[ilb.Dataset(Xv, yv)], valid_names=["training"], callbacks=[ilb.early_stopping(3, verbose=False)])
    assert named.best_iteration == best


def test_early_stopping_keeps_its_round_in_the_model_file(rng, tmp_path):
    X = rng.normal(size=(500, 4))
    y = X[:, 0] + rng.normal(size=500)
    Xv = rng.normal(size=(200, 4))
    yv = Xv[:, 0] + rng.normal(size=200)
    b = ilb.train({"learning_rate": 0.5, "verbose": -1, "early_stopping_round": 3}, ilb.Dataset(X, y), 300,
                  valid_sets=[ilb.Dataset(Xv, yv)], keep_training_booster=True)
    assert 0 < b.best_iteration < b.current_iteration() <= 300
    b.save_model(tmp_path / "m.ilm")
    again = ilb.Booster(model_file=tmp_path / "m.ilm")
    assert again.best_iteration == b.best_iteration
    np.testing.assert_array_equal(again.predict(Xv), b.predict(Xv))
    # Continued training counts the rounds of the initial model, as LightGBM does.
    more = ilb.train({"learning_rate": 0.5, "verbose": -1, "early_stopping_round": 3}, ilb.Dataset(X, y), 300,
                     valid_sets=[ilb.Dataset(Xv, yv)], init_model=ilb.train({"verbose": -1}, ilb.Dataset(X, y), 4))
    assert more.best_iteration > 4


def test_early_stopping_without_validation_data_raises_as_in_lightgbm(regression):
    X, y = regression
    with pytest.raises(ValueError, match="at least one dataset and eval metric is required"):
        ilb.train({"early_stopping_round": 5, "verbose": -1}, ilb.Dataset(X, y), 20)
    with pytest.raises(TypeError, match="early_stopping_round should be an integer"):
        ilb.train({"early_stopping_round": 2.5, "verbose": -1}, ilb.Dataset(X, y), 20, valid_sets=[ilb.Dataset(X, y)])


def test_sklearn_eval_set_that_is_the_training_data_is_the_training_set(regression):
    X, y = regression
    with pytest.warns(UserWarning, match="Only training set found"):
        m = ilb.LGBMRegressor(n_estimators=30, learning_rate=0.5).fit(X, y, eval_set=[(X, y)], eval_names=["train"],
                                                                     callbacks=[ilb.early_stopping(2, verbose=False)])
    assert m.best_iteration_ == 0 and m.n_estimators_ == 30  # only the training set: nothing stops it
    assert len(m.evals_result_["train"]["l2"]) == 30


# -- issue 16, 4: Booster.predict takes no unknown keyword ------------------------------------------


def test_booster_predict_rejects_unknown_kwargs(regression):
    X, y = regression
    b = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 10)
    want = b.predict(X)
    with pytest.raises(TypeError, match="unexpected keyword argument 'pred_erly_stop'"):
        b.predict(X, pred_erly_stop=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        b.predict(X, bogus=1)
    # Prediction early stopping leaves a regressor's predictions exact, as in LightGBM.
    np.testing.assert_array_equal(b.predict(X, pred_early_stop=True, pred_early_stop_margin=0.0), want)
    with pytest.raises(TypeError, match="'raw_score'"):
        b.predict(X, predict_raw_score=True)
    # LightGBM's documented prediction parameters that do not change the predictions.
    for kwargs in [{"pred_early_stop": False}, {"num_threads": 1}, {"n_jobs": 2}, {"predict_disable_shape_check": True},
                   {"pred_early_stop_freq": 5, "pred_early_stop_margin": 2.0}, {"verbose": -1}, {"validate_features": True}]:
        np.testing.assert_array_equal(b.predict(X, **kwargs), want)
    # The scikit-learn wrappers pass keywords on, so they reject the same.
    m = ilb.LGBMRegressor(n_estimators=5).fit(X, y)
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        m.predict(X, bogus=1)
    np.testing.assert_array_equal(m.predict(X, start_iteration=2), m.booster_.predict(X, start_iteration=2))
    np.testing.assert_array_equal(m.predict(X, num_threads=1), m.predict(X))


def test_validate_features_checks_dataframe_columns(regression):
    X, y = regression
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    b = ilb.train({"verbose": -1}, ilb.Dataset(df, y), 5)
    np.testing.assert_array_equal(b.predict(df, validate_features=True), b.predict(X))
    with pytest.raises(ValueError, match="Expected 'a' at position 0 but found 'z'"):
        b.predict(df.rename(columns={"a": "z"}), validate_features=True)
    np.testing.assert_array_equal(b.predict(df.rename(columns={"a": "z"})), b.predict(X))  # positional, as in LightGBM


# -- issue 15: LightGBM parameters ironlearn does not implement ---------------------------------------

ASKING = {"use_quantized_grad": True, "enable_bundle": True, "max_conflict_rate": 0.1}


def _fingerprint(booster, X):
    return booster.predict(X), booster.dump_model()["tree_info"]


@pytest.mark.parametrize("name", sorted(ASKING))
def test_unimplemented_parameters_warn_once_naming_what_is_done_instead(regression, name):
    X, y = regression
    plain = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5)
    with pytest.warns(UserWarning) as record:
        b = ilb.train({"verbose": -1, name: ASKING[name]}, ilb.Dataset(X, y), 5)
    messages = [str(w.message) for w in record if issubclass(w.category, UserWarning)]
    assert len(messages) == 1
    assert f"{name}=" in messages[0] and ilb.NOT_IMPLEMENTED_PARAMS[name] in messages[0]
    np.testing.assert_array_equal(b.predict(X), plain.predict(X))  # trained without the feature


def test_unimplemented_parameters_are_named_together_in_one_warning(regression):
    X, y = regression
    with pytest.warns(UserWarning) as record:
        ilb.train({**ASKING, "verbose": -1}, ilb.Dataset(X, y), 5)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1
    for name in ASKING:
        assert ilb.NOT_IMPLEMENTED_PARAMS[name] in messages[0]
    assert "exact (not quantized) gradients" in messages[0]
    # Through the scikit-learn wrapper too, and set_params accepts the names.
    with pytest.warns(UserWarning, match="use_quantized_grad"):
        il.GBDTRegressor(n_estimators=3).set_params(use_quantized_grad=True).fit(X, y)


@pytest.mark.parametrize("name, value", [("use_quantized_grad", False), ("enable_bundle", False), ("max_conflict_rate", 0.0)])
def test_values_that_ask_for_nothing_missing_do_not_warn(regression, name, value):
    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ilb.train({"verbose": -1, name: value}, ilb.Dataset(X, y), 3)


NO_EFFECT_VALUES = {
    "verbose": 2, "verbosity": 1, "verbose_eval": True, "silent": True, "metric_freq": 5, "is_provide_training_metric": True,
    "output_model": "out.txt", "snapshot_freq": 10, "saved_feature_importance_type": 1, "output_result": "pred.txt",
    "force_row_wise": True, "force_col_wise": True, "histogram_pool_size": 1024.0, "is_enable_sparse": False,
    "pre_partition": True, "deterministic": True, "seed_per_iteration": True, "header": True, "two_round": True,
    "feature_pre_filter": False, "predict_disable_shape_check": True, "num_gpu": 2, "gpu_platform_id": 1,
    "gpu_device_id": 1, "gpu_use_dp": True, "num_grad_quant_bins": 8, "quant_train_renew_leaf": True,
    "stochastic_rounding": False,
}


def test_parameters_without_effect_are_ignored_silently(regression):
    assert set(NO_EFFECT_VALUES) == ilb.NO_EFFECT_PARAMS
    X, y = regression
    plain = _fingerprint(ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5), X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        b = ilb.train(dict(NO_EFFECT_VALUES), ilb.Dataset(X, y), 5)
    got = _fingerprint(b, X)
    np.testing.assert_array_equal(got[0], plain[0])
    assert got[1] == plain[1]


def test_the_module_docstring_lists_both_sets():
    doc = ilb.__doc__
    silent, warned = doc.split("Ignored silently", 1)[1].split("Warned about", 1)
    for name in ilb.NO_EFFECT_PARAMS:
        assert f"``{name}``" in silent, name
    for name in ilb.NOT_IMPLEMENTED_PARAMS:
        assert re.search(rf"``(Dataset\()?{name}", warned), name
    for name in ilb.NO_EFFECT_PARAMS:
        assert name not in warned.split("Refused")[0], name


def test_parameters_that_would_change_the_model_are_never_dropped(regression):
    X, y = regression
    for name, value in [("bogus", 1), ("linear_tree_typo", True)]:
        with pytest.raises(ValueError, match=f"unknown parameter '{name}'"):
            ilb.train({"verbose": -1, name: value}, ilb.Dataset(X, y), 3)
    with pytest.raises(NotImplementedError, match="tree_learner"):
        ilb.train({"verbose": -1, "tree_learner": "data"}, ilb.Dataset(X, y), 3)
