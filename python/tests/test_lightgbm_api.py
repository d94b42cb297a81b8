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


# -- LightGBM's helpers, fitted attributes and checks (compat run of LightGBM 4.7's own tests) --------------


def test_private_helpers_match_lightgbm():
    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).uniform(size=(10, 2)).astype(np.float32)
    for mat in (X, np.asfortranarray(X), X.astype(np.int64)):
        ours, theirs = ilb._np2d_to_np1d(mat), lgb.basic._np2d_to_np1d(mat)
        assert ours[1] == theirs[1] and ours[0].dtype == theirs[0].dtype
        np.testing.assert_array_equal(ours[0], theirs[0])
    df = pd.DataFrame(X, copy=False)
    built = ilb._data_from_pandas(df, "auto", "auto", None)
    assert built[0].dtype == np.float32 and np.shares_memory(X, built[0]) and built[1] == ["0", "1"]
    cat = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": pd.Categorical(["x", "y", "x"])})
    ours, theirs = ilb._data_from_pandas(cat, "auto", "auto", None), lgb.basic._data_from_pandas(cat, "auto", "auto", None)
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert ours[1:] == theirs[1:]
    with pytest.warns(UserWarning, match="column-vector"):
        ilb._list_to_1d_numpy(data=np.ones((3, 1)), dtype=np.float32, name="y")
    with pytest.raises(TypeError, match=r"Wrong type\(list\) for y"):
        ilb._list_to_1d_numpy(data=[[1], [2]], dtype=np.float32, name="y")
    with pytest.raises(ValueError, match="pandas dtypes must be int, float or bool"):
        ilb._list_to_1d_numpy(data=pd.Series(["a", "b"], dtype=object), dtype=np.float32, name="y")


def test_fitted_attributes_raise_not_fitted_before_fit(binary):
    X, y = binary
    m = ilb.LGBMClassifier(n_estimators=2)
    for name in ("feature_name_", "feature_names_in_", "n_features_", "n_features_in_", "evals_result_", "booster_"):
        with pytest.raises(ilb.LGBMNotFittedError):
            getattr(m, name)
    assert m.__sklearn_is_fitted__() is False
    m.fit(X, y)
    assert m.__sklearn_is_fitted__() and m.n_features_ == X.shape[1] and m.feature_name_[0] == "Column_0"
    with pytest.raises(AttributeError, match="The training data did not have feature names"):
        m.feature_names_in_
    assert clone(m).__sklearn_is_fitted__() is False


def test_feature_names_in_and_no_name_check_for_frames_at_predict(binary):
    pd = pytest.importorskip("pandas")
    import warnings

    X, y = binary
    cols = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=cols)
    m = ilb.LGBMClassifier(n_estimators=3).fit(df, y)
    np.testing.assert_array_equal(m.feature_names_in_, np.array(cols), strict=True)
    renamed = df.rename(columns={"f1": "z"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.predict(renamed)  # as LightGBM: no name check unless validate_features=True
        ilb.LGBMClassifier(n_estimators=3).fit(X, y).predict(df)
    with pytest.raises(ilb.LightGBMError, match="Expected 'f1' at position 1 but found 'z'"):
        m.predict(renamed, validate_features=True)
    custom = ilb.LGBMClassifier(n_estimators=3).fit(X, y, feature_name=cols)
    np.testing.assert_array_equal(custom.feature_names_in_, np.array(cols))
    again = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(again.feature_names_in_, m.feature_names_in_)


def test_eval_x_eval_y_and_eval_set_deprecation(regression):
    X, y = regression
    with pytest.warns(ilb.LGBMDeprecationWarning, match="The argument 'eval_set' is deprecated"):
        a = ilb.LGBMRegressor(n_estimators=5).fit(X, y, eval_set=[(X[:50], y[:50])])
    b = ilb.LGBMRegressor(n_estimators=5).fit(X, y, eval_X=X[:50], eval_y=y[:50])
    np.testing.assert_allclose(a.evals_result_["valid_0"]["l2"], b.evals_result_["valid_0"]["l2"])
    again = pickle.loads(pickle.dumps(b))
    np.testing.assert_allclose(again.evals_result_["valid_0"]["l2"], b.evals_result_["valid_0"]["l2"])
    with pytest.raises(ValueError, match="Specify either 'eval_set' or 'eval_X'"):
        ilb.LGBMRegressor().fit(X, y, eval_set=[(X, y)], eval_X=X)
    with pytest.raises(ValueError, match="You must specify eval_X and eval_y"):
        ilb.LGBMRegressor().fit(X, y, eval_X=X)
    with pytest.raises(ValueError, match=r"eval_set\[0\] \('bad'\) has 2 features, but the training data X has 6"):
        ilb.LGBMRegressor(n_estimators=2).fit(X, y, eval_X=X[:, :2], eval_y=y, eval_names=["bad"])


def test_ranker_group_checks():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 3, 60)
    for est in (ilb.LGBMRanker(n_estimators=2), lgb.LGBMRanker(n_estimators=2)):
        with pytest.raises(ValueError, match="Should set group for ranking task"):
            est.fit(X, y)
        with pytest.raises(ValueError, match="eval_group cannot be None"):
            est.fit(X, y, group=[30, 30], eval_X=X, eval_y=y)
    with pytest.raises(ValueError, match="looks like query ids: group takes the size of each query"):
        ilb.LGBMRanker(n_estimators=2).fit(X, y, group=np.repeat(np.arange(6), 10))


def test_unseen_category_level_warns_naming_column_and_level():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=200), "c": pd.Categorical(rng.choice(["x", "y"], 200))})
    m = ilb.LGBMRegressor(n_estimators=3).fit(df, rng.normal(size=200))
    new = df.head(5).copy()
    new["c"] = pd.Categorical(["x", "typo", "y", "typo", "x"])
    with pytest.warns(UserWarning, match=r"column 'c' holds level 'typo' the model never saw in training, in 2 rows"):
        m.predict(new)
    with pytest.warns(UserWarning, match=r"column 'c' holds level 'typo'"):
        m.booster_.predict(new)


def test_trees_to_dataframe_and_loaded_params_agree_with_the_model(binary):
    X, y = binary
    b = ilb.train({"objective": "binary", "eta": 0.08, "verbose": -1}, ilb.Dataset(X, y), 10)
    df = b.trees_to_dataframe()
    assert list(df.columns) == list(lgb.Booster(model_str=lgb.train({"verbose": -1}, lgb.Dataset(X, y), 1).model_to_string()).trees_to_dataframe().columns)
    splits = df[df["split_gain"].notna()].groupby("split_feature").size()
    np.testing.assert_array_equal([splits.get(f"Column_{i}", 0) for i in range(X.shape[1])], b.feature_importance("split"))
    assert df["tree_index"].nunique() == 10 and (df.loc[df["node_depth"] == 1, "count"] == len(y)).all()
    p = b._get_loaded_param()
    assert p["learning_rate"] == 0.08 and "eta" not in p and p["objective"] == "binary"


def test_num_iterations_aliases_like_lightgbm(regression):
    X, y = regression
    for params in ({"n_iter": 4, "max_iter": 5}, {"num_iterations": 5, "n_iter": 6}):
        with pytest.warns(UserWarning, match="boosting rounds"):
            ours = ilb.train({**params, "verbose": -1}, ilb.Dataset(X, y))
        with pytest.warns(UserWarning, match="boosting rounds"):
            theirs = lgb.train({**params, "verbose": -1}, lgb.Dataset(X, y))
        assert ours.num_trees() == theirs.num_trees()
    with pytest.raises(ValueError, match=r"Number of boosting rounds must be greater than 0\. Got 0\."):
        ilb.train({}, ilb.Dataset(X, y), num_boost_round=0)
    with pytest.raises(TypeError, match=r"train\(\) only accepts Dataset object"):
        ilb.train({}, [])
    ref = ilb.Dataset(X, y, params={"max_bin": 100, "learning_rate": 0.3})
    assert ref.get_params() == {"max_bin": 100} == ilb.Dataset(X, y, reference=ref).get_params()
