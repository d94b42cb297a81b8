"""ironlearn estimators inside scikit-learn tooling, DataFrame inputs, pickling, errors."""

import pickle

import joblib
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

import ironlearn as il


def test_pipeline_with_grid_search(breast_cancer):
    X, y = breast_cancer
    pipe = Pipeline([("scale", il.StandardScaler()), ("clf", il.LogisticRegression())])
    grid = GridSearchCV(pipe, {"clf__C": [0.01, 0.1, 1.0], "scale__with_mean": [True, False]}, cv=3)
    grid.fit(X, y)
    assert grid.best_score_ > 0.95
    assert set(grid.best_params_) == {"clf__C", "scale__with_mean"}
    assert grid.best_estimator_.named_steps["clf"].C == grid.best_params_["clf__C"]
    assert grid.score(X, y) > 0.95


def test_column_transformer_on_penguins(penguins):
    X, y = penguins
    num = ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]
    cat = ["island", "sex"]
    pre = ColumnTransformer(
        [
            ("num", Pipeline([("impute", il.SimpleImputer()), ("scale", il.StandardScaler())]), num),
            ("cat", Pipeline([("impute", il.SimpleImputer(strategy="most_frequent")), ("onehot", il.OneHotEncoder(handle_unknown="ignore"))]), cat),
        ]
    )
    model = Pipeline([("pre", pre), ("clf", il.LogisticRegression())])
    scores = cross_val_score(model, X, y, cv=5)
    assert scores.mean() > 0.97


def test_cross_val_score_regressors(diabetes):
    X, y = diabetes
    for est in [il.LinearRegression(), il.Ridge(alpha=0.1), il.GBDTRegressor(n_estimators=50, learning_rate=0.05, num_leaves=8)]:
        assert cross_val_score(est, X, y, cv=5, scoring="r2").mean() > 0.35


@pytest.mark.parametrize("dump,load", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trip(breast_cancer, tmp_path, dump, load):
    X, y = breast_cancer
    for est in [il.LogisticRegression(max_iter=500), il.GBDTClassifier(n_estimators=20), il.Ridge(), il.StandardScaler(), il.OneHotEncoder()]:
        fitted = est.fit(X[:, :3] if isinstance(est, il.OneHotEncoder) else X, y)
        Xu = X[:, :3] if isinstance(est, il.OneHotEncoder) else X
        if dump is None:
            path = tmp_path / "m.joblib"
            joblib.dump(fitted, path)
            again = joblib.load(path)
        else:
            again = load(dump(fitted))
        out = fitted.transform(Xu) if hasattr(fitted, "transform") else fitted.predict(Xu)
        out2 = again.transform(Xu) if hasattr(again, "transform") else again.predict(Xu)
        np.testing.assert_array_equal(out, out2)
        assert again.get_params() == fitted.get_params()


def test_pickle_holds_the_model_file_not_code(breast_cancer):
    X, y = breast_cancer
    m = il.GBDTClassifier(n_estimators=5).fit(X, y)
    state = m.__getstate__()
    assert isinstance(state["model"], bytes)
    # The bytes are a safetensors file readable without ironlearn.
    from safetensors import safe_open  # noqa: F401

    import json
    import struct

    n = struct.unpack("<Q", state["model"][:8])[0]
    header = json.loads(state["model"][8 : 8 + n])
    meta = json.loads(header["__metadata__"]["ironlearn"])
    assert meta["kind"] == "gbdt" and meta["target"]["classes"] == ["0", "1"]


def test_string_labels_and_classes_survive_pickle(iris):
    X, y = iris
    for est in [il.LogisticRegression(), il.GBDTClassifier(n_estimators=10, min_child_samples=5)]:
        m = est.fit(X, y)
        assert list(m.classes_) == ["setosa", "versicolor", "virginica"]
        again = pickle.loads(pickle.dumps(m))
        assert list(again.classes_) == list(m.classes_)
        assert (again.predict(X) == m.predict(X)).all()
        assert set(m.predict(X)) <= set(y)


def test_dataframe_inputs_keep_names(penguins):
    X, y = penguins
    pdf = X.copy()
    for data in [pdf, pl.from_pandas(pdf), pa.Table.from_pandas(pdf, preserve_index=False)]:
        m = il.GBDTClassifier(n_estimators=30, min_child_samples=5).fit(data, y)
        assert list(m.feature_names_in_) == list(X.columns)
        assert m.score(data, y) > 0.95
    # Numeric frames go to the dense path with names kept.
    num = X.select_dtypes("number").fillna(0)
    m = il.Ridge().fit(num, y.astype("category").cat.codes)
    assert list(m.feature_names_in_) == list(num.columns)
    with pytest.warns(UserWarning, match="feature names"):
        m.predict(num.to_numpy())


def test_pandas_categorical_dtype_and_unseen_categories(penguins):
    X, y = penguins
    Xc = X.copy()
    Xc["island"] = Xc["island"].astype("category")
    m = il.GBDTClassifier(n_estimators=20, min_child_samples=5).fit(Xc, y)
    test = Xc.head(5).copy()
    test["island"] = ["Atlantis"] * 5  # never seen: routed like a missing category, no error
    assert len(m.predict(test)) == 5


def test_errors_map_to_python_exceptions(diabetes):
    X, y = diabetes
    with pytest.raises(NotFittedError):
        il.Ridge().predict(X)
    with pytest.raises(ValueError, match="parameter 'alpha': must be a finite number >= 0"):
        il.Ridge(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="unknown parameter 'bogus' for gbdt"):
        il.GBDTRegressor(bogus=3).fit(X, y)
    with pytest.raises(ValueError, match="parameter 'boosting_type': must be one of 'gbdt', 'dart', 'goss', 'rf'"):
        il.GBDTRegressor(boosting_type="dart2").fit(X, y)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"Input X contains NaN \(row 3, column 2\)"):
        il.LinearRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="X has 9 features, but Ridge is expecting 10 features"):
        il.Ridge().fit(X, y).predict(X[:, :9])
    with pytest.raises(ValueError, match="only one class"):
        il.LogisticRegression().fit(X, np.zeros(len(y)))


def test_corrupted_model_bytes_are_refused(breast_cancer):
    X, y = breast_cancer
    state = il.Ridge().fit(X, y).__getstate__()
    bad = bytearray(state["model"])
    bad[-3] ^= 0xFF
    with pytest.raises(ValueError, match="checksum mismatch"):
        il.Ridge().__setstate__({**state, "model": bytes(bad)})
    with pytest.raises(ValueError, match="truncated, corrupted"):
        il.Ridge().__setstate__({**state, "model": bytes(state["model"][:-10])})


def test_parameter_defaults_match_rust():
    import json

    specs = {e["name"]: {p["name"]: p["default"] for p in e["params"]} for e in json.loads(il._native.estimators())}
    for cls, kind, rename in [
        (il.LinearRegression, "linear_regression", {}),
        (il.Ridge, "ridge", {}),
        (il.LogisticRegression, "logistic_regression", {"C": "c"}),
        (il.StandardScaler, "standard_scaler", {}),
        (il.SimpleImputer, "simple_imputer", {}),
    ]:
        for name, value in cls().get_params().items():
            assert specs[kind][rename.get(name, name)] == value, (cls.__name__, name)
