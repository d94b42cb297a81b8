"""LightGBM's parameter handling in ironlearn.boost: aliases and their conflicts, the estimators' keyword
arguments, values of other types (paths, arrays, RandomState), and LightGBM's wording of warnings and errors.

Each test is a case LightGBM 4.7.0's own tests (test_engine, test_sklearn, test_basic) found; where the
real lightgbm is installed the result is compared with it.
"""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import ironlearn.boost as ilb


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = 2.0 * X[:, 0] - X[:, 1] + rng.normal(scale=0.1, size=300)
    return X, y


@pytest.fixture
def ranking():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4))
    y = np.clip(np.round(X[:, 0] + rng.normal(scale=0.5, size=200) + 1), 0, 3)
    group = np.full(20, 10)
    return X, y, group


def _loaded(booster, *names):
    params = booster._get_loaded_param()
    return {n: params[n] for n in names}


# -- the alias table is LightGBM's ------------------------------------------------------------------


def test_alias_table_is_lightgbms():
    aliases = ilb._ConfigAliases.get_sorted("min_data_in_leaf")
    assert aliases == ["min_data_in_leaf", "min_data", "min_samples_leaf", "min_child_samples", "min_data_per_leaf"]
    assert ilb._ConfigAliases.get("config", "task") == {"config", "config_file", "task", "task_type"}
    assert len(ilb._ConfigAliases.aliases) > 100
    assert all(k == v[0] for k, v in ilb._ConfigAliases.aliases.items())
    # a name that is not a main name gives itself (LightGBM's get_sorted); get_by_alias resolves it
    assert ilb._ConfigAliases.get_sorted("subsample") == ["subsample"]
    assert ilb._ConfigAliases.get_by_alias("subsample") == {"bagging_fraction", "bagging", "sub_row", "subsample"}
    # the registry's own aliases are in LightGBM's groups
    assert "gamma_split" in ilb._ConfigAliases.get("min_gain_to_split")


def test_alias_table_matches_the_real_lightgbm():
    lightgbm = pytest.importorskip("lightgbm")
    theirs = lightgbm.basic._ConfigAliases._get_all_param_aliases()
    ours = ilb._ConfigAliases._table()
    assert set(theirs) == set(ours)
    for main, names in theirs.items():
        assert ours[main][: len(names)] == names or set(names) <= set(ours[main]), main
        assert ours[main][0] == names[0]


def test_choose_param_value_knows_lightgbm_aliases_the_booster_does_not():
    params = {"local_listen_port": 1234, "port": 2222, "num_trees": 81, "n_iter": 13}
    out = ilb._choose_param_value("local_listen_port", params, 5555)
    assert out["local_listen_port"] == 1234 and "port" not in out
    out = ilb._choose_param_value("num_iterations", out, 17)
    assert out["num_iterations"] == 13 and "num_trees" not in out and "n_iter" not in out
    assert params == {"local_listen_port": 1234, "port": 2222, "num_trees": 81, "n_iter": 13}


# -- a parameter given under several names: LightGBM's choice, and its warning ------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"subsample": 0.5, "bagging_fraction": 0.8}, 0.8),  # the main name wins
        ({"bagging_fraction": 0.8, "subsample": 0.5}, 0.8),
        ({"subsample": 0.8, "sub_row": 0.5}, 0.5),  # else the alias LightGBM sorts first (shorter)
    ],
)
def test_alias_conflicts_are_resolved_as_lightgbm_does(regression, params, expected, capsys):
    X, y = regression
    b = ilb.train({**params, "bagging_freq": 1, "verbose": -1}, ilb.Dataset(X, y), 3)
    assert _loaded(b, "bagging_fraction") == {"bagging_fraction": expected}
    assert capsys.readouterr().out == ""  # verbosity -1: silent


def test_alias_conflict_warning_is_printed_as_lightgbm_prints_it(regression, capsys):
    X, y = regression
    params = {"num_leaves": 3, "subsample": 0.75, "bagging_fraction": 0.8, "verbosity": 0}
    ilb.train(params, ilb.Dataset(X, y), 1)
    ours = capsys.readouterr().out
    expected = (
        "[LightGBM] [Warning] bagging_fraction is set=0.8, subsample=0.75 will be ignored. "
        "Current value: bagging_fraction=0.8"
    )
    assert expected in ours
    ilb.train({"num_leaves": 3, "verbose": 1, "verbosity": 0}, ilb.Dataset(X, y), 1)
    assert "[LightGBM] [Warning] verbosity is set=0, verbose=1 will be ignored. Current value: verbosity=0" in capsys.readouterr().out
    lightgbm = pytest.importorskip("lightgbm")
    lightgbm.train(params, lightgbm.Dataset(X, y), 1)
    assert expected in capsys.readouterr().out


def test_estimator_keyword_argument_beats_the_constructor_alias(regression, capsys):
    # LGBMRegressor(bagging_fraction=0.5): subsample=1.0 (the constructor's default) is the alias LightGBM
    # ignores; ironlearn's booster used to train with subsample's 1.0.
    X, y = regression
    m = ilb.LGBMRegressor(n_estimators=3, bagging_fraction=0.5, bagging_freq=1, min_data_in_leaf=5).fit(X, y)
    assert _loaded(m.booster_, "bagging_fraction", "bagging_freq", "min_data_in_leaf") == {
        "bagging_fraction": 0.5,
        "bagging_freq": 1,
        "min_data_in_leaf": 5,
    }
    assert "bagging_fraction is set=0.5, subsample=1.0 will be ignored" in capsys.readouterr().out


def test_unknown_parameters_stay_errors(regression):
    X, y = regression
    with pytest.raises(ilb.LightGBMError, match="unknown parameter 'nonsense'"):
        ilb.train({"nonsense": 1, "verbose": -1}, ilb.Dataset(X, y), 1)


# -- the estimators' keyword arguments --------------------------------------------------------------


def test_objective_alias_in_estimator_kwargs_replaces_objective(regression):
    X, y = regression
    m = ilb.LGBMRegressor(n_estimators=3, app="regression_l1")
    with pytest.warns(UserWarning, match="Found 'app' in params. Will use it instead of 'objective' argument"):
        m.fit(X, y, eval_X=X.copy(), eval_y=y)
    assert list(m.evals_result_["valid_0"]) == ["l1"]
    assert m.objective_ == "regression_l1"
    assert m.get_params()["app"] == "regression_l1"  # the estimator's parameters are unchanged


def test_custom_objective_alias_in_estimator_kwargs(regression):
    X, y = regression

    def dummy(y_true, y_pred):
        return np.ones_like(y_pred), np.ones_like(y_pred)

    m = ilb.LGBMRegressor(n_estimators=3, objective="regression", loss=dummy)
    with pytest.warns(UserWarning, match="Found 'loss' in params"):
        m.fit(X, y, eval_X=X.copy(), eval_y=y)
    # LightGBM's estimators evaluate a custom objective with their default metric
    assert list(m.evals_result_["valid_0"]) == ["l2"]
    assert m.objective_ is dummy


def test_eval_metric_adds_to_the_objectives_metric_as_in_lightgbm(regression):
    X, y = regression
    m = ilb.LGBMRegressor(n_estimators=2).fit(X, y, eval_X=X.copy(), eval_y=y, eval_metric="l1")
    assert list(m.evals_result_["valid_0"]) == ["l1", "l2"]
    c = ilb.LGBMClassifier(n_estimators=2).fit(X, y > 0, eval_X=X.copy(), eval_y=y > 0, eval_metric=["error", "auc"])
    assert list(c.evals_result_["valid_0"]) == ["binary_error", "auc", "binary_logloss"]
    lightgbm = pytest.importorskip("lightgbm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lightgbm.LGBMClassifier(n_estimators=2, verbose=-1).fit(X, y > 0, eval_set=[(X.copy(), y > 0)], eval_metric=["error", "auc"])
    assert list(theirs.evals_result_["valid_0"]) == list(c.evals_result_["valid_0"])


def test_eval_at_alias_in_ranker_kwargs(ranking):
    X, y, group = ranking
    m = ilb.LGBMRanker(n_estimators=2, ndcg_at=[1, 3])
    with pytest.warns(UserWarning, match="Found 'ndcg_at' in params. Will use it instead of 'eval_at' argument"):
        m.fit(X, y, group=group, eval_X=X, eval_y=y, eval_group=[group])
    assert list(m.evals_result_["valid_0"]) == ["ndcg@1", "ndcg@3"]
    m = ilb.LGBMRanker(n_estimators=2).fit(X, y, group=group, eval_X=X, eval_y=y, eval_group=[group], eval_at=[2])
    assert list(m.evals_result_["valid_0"]) == ["ndcg@2"]
    assert "eval_at" not in m.get_params()  # fit leaves the parameters alone


def test_ranker_warns_about_a_column_vector_label(ranking):
    X, y, group = ranking
    with pytest.warns(UserWarning, match="Converting column-vector to 1d array"):
        m = ilb.LGBMRanker(n_estimators=2).fit(X, y.reshape(-1, 1), group=group)
    np.testing.assert_array_equal(m.predict(X), ilb.LGBMRanker(n_estimators=2).fit(X, y, group=group).predict(X))


@pytest.mark.parametrize("make_rng", [np.random.RandomState, np.random.default_rng])
def test_random_state_object_draws_a_seed_at_each_fit(regression, make_rng):
    X, y = regression
    kw = {"n_estimators": 5, "subsample": 0.5, "subsample_freq": 1}
    a, b = ilb.LGBMRegressor(random_state=make_rng(7), **kw), ilb.LGBMRegressor(random_state=make_rng(7), **kw)
    pa, pb = a.fit(X, y).predict(X), b.fit(X, y).predict(X)
    np.testing.assert_allclose(pa, pb)
    assert not np.allclose(pa, a.fit(X, y).predict(X))  # the next fit draws another seed
    assert type(a.random_state) is type(make_rng(0))


def test_negative_n_jobs_is_accepted(regression):
    X, y = regression
    m = ilb.LGBMRegressor(n_estimators=2, n_jobs=-1).fit(X, y)
    assert m._booster_params()["n_jobs"] >= 1
    with pytest.raises(ValueError, match="n_jobs"):
        ilb.LGBMRegressor(n_estimators=2, n_jobs=-1.5).fit(X, y)


def test_class_weight_dict_with_string_classes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    ys = y.astype(str)
    ints = ilb.LGBMClassifier(n_estimators=3, class_weight={1: 10, 2: 3}).fit(X, y, eval_X=X, eval_y=y, eval_class_weight=[{0: 5}])
    strs = ilb.LGBMClassifier(n_estimators=3, class_weight={"1": 10, "2": 3}).fit(X, ys, eval_X=X, eval_y=ys, eval_class_weight=[{"0": 5}])
    np.testing.assert_allclose(ints.evals_result_["valid_0"]["multi_logloss"], strs.evals_result_["valid_0"]["multi_logloss"])
    np.testing.assert_allclose(ints.predict_proba(X), strs.predict_proba(X))


# -- values of other types in params ----------------------------------------------------------------


def test_eval_at_as_an_integer(ranking):
    X, y, group = ranking
    res = ilb.cv({"objective": "lambdarank", "verbose": -1, "eval_at": 3}, ilb.Dataset(X, y, group=group), 2, nfold=2)
    assert list(res) == ["valid ndcg@3-mean", "valid ndcg@3-stdv"]


def test_feature_files_given_as_paths_are_read(regression, tmp_path):
    X, y = regression
    path = tmp_path / "forced.json"
    path.write_text("{}")
    for name, says in (("forcedbins_filename", "must be a list"), ("forcedsplits_filename", "needs a 'feature'"),
                       ("forced_splits", "needs a 'feature'")):
        with pytest.raises(ilb.LightGBMError, match=f"forced.json.*{says}"):
            ilb.train({name: Path(path), "verbose": -1}, ilb.Dataset(X, y), 1)
    ilb.train({"forcedbins_filename": "", "verbose": -1}, ilb.Dataset(X, y), 1)  # the default asks for nothing


def test_cegb_penalties_as_numpy_arrays_are_taken(regression):
    X, y = regression
    base = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5)
    costly = ilb.train({"cegb_penalty_feature_coupled": 1e4 * np.arange(4), "verbose": -1}, ilb.Dataset(X, y), 5)
    assert costly.model_to_string() != base.model_to_string()
    free = ilb.train({"cegb_penalty_feature_lazy": np.zeros(4), "cegb_penalty_split": 0.0, "verbose": -1}, ilb.Dataset(X, y), 5)
    np.testing.assert_allclose(free.predict(X), base.predict(X))


def test_numpy_values_in_params_are_json(regression):
    X, y = regression
    b = ilb.train({"monotone_constraints": np.array([1, 0, 0, 0]), "num_leaves": np.int64(7), "verbose": -1}, ilb.Dataset(X, y), 2)
    assert b.num_trees() == 2


def test_params_of_wrong_type_raise_lightgbms_error(regression):
    X, y = regression
    with pytest.raises(ilb.LightGBMError, match='Parameter num_leaves should be of type int, got "too-many"'):
        ilb.train({"num_leaves": "too-many"}, ilb.Dataset(X, y))
    with pytest.raises(ilb.LightGBMError, match='Parameter learning_rate should be of type double, got "fast"'):
        ilb.train({"eta": "fast"}, ilb.Dataset(X, y))


# -- feature names, early stopping, callable objectives, categorical columns -------------------------


def test_spaces_in_feature_names_become_underscores(regression, capsys):
    X, y = regression
    names = [f"f {i}" for i in range(4)]
    b = ilb.train({"verbose": -1}, ilb.Dataset(X, y, feature_name=names), 2)
    assert b.feature_name() == [f"f_{i}" for i in range(4)]
    assert capsys.readouterr().out == ""
    ilb.train({"verbose": 0}, ilb.Dataset(X, y, feature_name=names), 2)
    assert "[LightGBM] [Warning] Found whitespace in feature_names, replace with underlines" in capsys.readouterr().out
    with pytest.raises(ilb.LightGBMError, match=re.escape("Feature (a_b) appears more than one time")):
        ilb.train({"verbose": -1}, ilb.Dataset(X, y, feature_name=["a b", "a_b", "c", "d"]), 1)


def test_early_stopping_round_none_is_not_a_parameter(regression):
    X, y = regression
    params = {"objective": "regression", "verbose": -1, "early_stopping_round": None, "num_trees": 4}
    b = ilb.train(params, ilb.Dataset(X, y), valid_sets=[ilb.Dataset(X, y)])
    assert "early_stopping_round" not in b.params and b.num_trees() == 4
    params.pop("early_stopping_round")
    b = ilb.train({**params, "early_stopping_rounds": 0}, ilb.Dataset(X, y), valid_sets=[ilb.Dataset(X, y)])
    assert b.params["early_stopping_round"] == 0 and "early_stopping_rounds" not in b.params


def test_callable_objective_shows_as_none_in_params(regression):
    X, y = regression

    def mse(preds, data):
        return preds - data.get_label(), np.ones_like(preds)

    b = ilb.train({"verbose": -1, "app": mse}, ilb.Dataset(X, y), 3)
    assert b.params["objective"] == "none" and "app" not in b.params
    np.testing.assert_allclose(b.predict(X), ilb.train({"verbose": -1, "objective": mse}, ilb.Dataset(X, y), 3).predict(X))


def test_categorical_feature_is_categorical_column_in_booster_params():
    rng = np.random.default_rng(4)
    X = rng.integers(1, 10, size=(300, 3)).astype(float)
    y = rng.uniform(size=300)
    b = ilb.train({"num_leaves": 7, "verbose": -1}, ilb.Dataset(X, y, categorical_feature=[0, 2]), 2)
    assert b.params["categorical_column"] == [0, 2]
    with pytest.warns(UserWarning, match="categorical_column in param dict is overridden"):
        ilb.train({"verbose": -1, "categorical_column": [1]}, ilb.Dataset(X, y, categorical_feature=[0, 2]), 2)
    # the alias alone in params makes the columns categorical
    a = ilb.train({"num_leaves": 7, "verbose": -1, "cat_column": [0, 2]}, ilb.Dataset(X, y), 2)
    np.testing.assert_allclose(a.predict(X), b.predict(X))


def test_eval_result_without_std_dev_is_a_4_tuple():
    r = ilb.EvalResult("data", "mape", 0.5, True)
    assert len(r) == 4 and tuple(r) == ("data", "mape", 0.5, True)
    assert r[3] is True and r[4] is None and r.metric_std_dev is None
    a, b, c, d = r
    assert (a, b, c, d) == ("data", "mape", 0.5, True)
    with pytest.raises(ValueError, match=re.escape("not enough values to unpack (expected 5, got 4)")):
        a, b, c, d, e = r
    assert ilb.EvalResult(dataset_name="data", metric_value=0.5, maximize=True, metric_name="mape") == r
    cv = ilb.EvalResult("data", "mape", 0.5, True, 0.1)
    assert len(cv) == 5 and cv[4] == 0.1 and cv.is_cv_result()


def test_reset_parameter_under_an_alias_replaces_the_parameter(regression):
    X, y = regression
    reset = ilb.train({"learning_rate": 0.5, "verbose": -1}, ilb.Dataset(X, y), 3, callbacks=[ilb.reset_parameter(eta=[0.1] * 3)])
    plain = ilb.train({"learning_rate": 0.1, "verbose": -1}, ilb.Dataset(X, y), 3)
    np.testing.assert_allclose(reset.predict(X), plain.predict(X))
