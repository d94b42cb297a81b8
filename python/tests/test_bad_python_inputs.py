"""Bad input to the Python package is refused with a message naming the problem (issue 15, point 1)."""

import warnings
import os

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_classifier

import ironlearn as il
import ironlearn.boost as ilb
from ironlearn._base import InvalidParameterError

ESTIMATORS = [getattr(il, n) for n in il.__all__ if isinstance(getattr(il, n), type)]


def _frame(rng, mixed):
    df = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    df["mixed"] = pd.Series([1, 2.5, "x", None] * 10, dtype=object) if mixed else rng.normal(size=40)
    return df


def _target(cls, n=40):
    if cls is il.GBDTRanker:
        return np.arange(n) % 3
    if is_classifier(cls()):
        return np.arange(n) % 2
    return np.linspace(0.0, 1.0, n)


# -- a column mixing numbers and strings ---------------------------------------------------------


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_a_column_mixing_numbers_and_strings_is_refused_naming_it(cls, rng):
    df = _frame(rng, mixed=True)
    est = cls(n_estimators=3) if cls._kind == "gbdt" else cls()
    y = _target(cls)
    with pytest.raises(ValueError, match=r"column 'mixed' mixes numbers and strings \(e\.g\. 1 and 'x'\)"):
        est.fit(df, y)
    # A numpy object array: the column is named by its index.
    with pytest.raises(ValueError, match=r"column 2 of X mixes numbers and strings"):
        est.fit(df.to_numpy(dtype=object), y)


def test_mixed_columns_are_refused_at_prediction_and_by_the_booster_api(rng):
    clean, mixed = _frame(rng, mixed=False), _frame(rng, mixed=True)
    y = np.linspace(0, 1, 40)
    for est in (il.GBDTRegressor(n_estimators=3), il.Ridge(), il.StandardScaler()):
        fitted = est.fit(clean, y)
        with pytest.raises(ValueError, match="column 'mixed' mixes numbers and strings"):
            fitted.predict(mixed) if hasattr(fitted, "predict") else fitted.transform(mixed)
    with pytest.raises(ValueError, match="column 'mixed' mixes numbers and strings"):
        ilb.train({"verbose": -1}, ilb.Dataset(mixed, y), 3)
    b = ilb.train({"verbose": -1}, ilb.Dataset(clean, y), 3)
    with pytest.raises(ValueError, match="column 'mixed' mixes numbers and strings"):
        b.predict(mixed)
    # numpy turns mixed input into text: a column of numbers and other words is still refused.
    with pytest.raises(ValueError, match="column 0 of X mixes numbers and strings \\(e.g. '1' and 'x'\\)"):
        il.GBDTRegressor(n_estimators=3).fit(np.array([[1, "a"], ["x", "b"], [3, "a"], [4, "b"]]), [1.0, 2.0, 3.0, 4.0])


def test_columns_of_one_type_are_not_refused(rng):
    y = np.linspace(0, 1, 40)
    df = pd.DataFrame({
        "text": pd.Series(["a", "b", None, "c"] * 10, dtype=object),  # text with missing values: categorical
        "numbers": pd.Series([1, 2.5, None, 4] * 10, dtype=object),  # numbers held as objects
        "x": rng.normal(size=40),
    })
    il.GBDTRegressor(n_estimators=3, min_child_samples=2).fit(df, y)
    ilb.train({"verbose": -1}, ilb.Dataset(df, y), 3)
    il.Ridge().fit(df[["numbers", "x"]].fillna(0.0), y)  # an object column of numbers only
    # numpy text holding only numbers is read as numbers, as a CSV column would be.
    il.GBDTRegressor(n_estimators=3).fit(np.array([["1", "a"], ["2.5", "b"], ["3", "a"], ["4", "b"]]), [1.0, 2.0, 3.0, 4.0])


# -- a float for an integer parameter ----------------------------------------------------------------


def test_a_float_for_a_count_is_refused_not_truncated(diabetes):
    X, y = diabetes
    with pytest.raises(InvalidParameterError, match="parameter 'n_estimators': must be an integer >= 1, got 5.5"):
        il.GBDTRegressor(n_estimators=5.5).fit(X, y)
    with pytest.raises(InvalidParameterError, match="parameter 'n_estimators': must be an integer >= 1, got 5.5"):
        ilb.LGBMRegressor().set_params(n_estimators=5.5).fit(X, y)
    with pytest.raises(ValueError, match="parameter 'num_boost_round': must be an integer >= 1, got 5.5"):
        ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5.5)
    with pytest.raises(ValueError, match="parameter 'num_iterations': must be an integer >= 1, got 5.5"):
        ilb.train({"verbose": -1, "num_iterations": 5.5}, ilb.Dataset(X, y))
    with pytest.raises(ValueError, match="parameter 'num_leaves': expected an integer"):
        ilb.train({"verbose": -1, "num_leaves": 7.5}, ilb.Dataset(X, y), 3)
    with pytest.raises(ValueError, match="parameter 'num_class': must be an integer >= 1, got 2.5"):
        ilb.train({"verbose": -1, "objective": lambda p, d: (p, np.ones_like(p)), "num_class": 2.5}, ilb.Dataset(X, y), 3)
    with pytest.raises(InvalidParameterError, match="parameter 'n_clusters'"):
        il.KMeans(n_clusters=2.5).fit(X)


# -- set_params with an unknown name ---------------------------------------------------------------


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_set_params_with_an_unknown_name_raises_at_set_params(cls):
    est = cls()
    with pytest.raises(ValueError, match=rf"Invalid parameter 'no_such_param' for estimator {cls.__name__}\(\)"):
        est.set_params(no_such_param=1)
    assert "no_such_param" not in est.get_params()
    assert not hasattr(est, "no_such_param")


def test_booster_estimators_take_every_name_their_booster_knows():
    est = il.GBDTClassifier()
    # registry names and aliases, LightGBM's ignored and not-implemented names
    est.set_params(min_data_in_bin=5, eta=0.3, verbose=-1, force_row_wise=True, early_stopping_round=3, use_quantized_grad=False)
    assert est.get_params()["eta"] == 0.3 and est.get_params()["min_data_in_bin"] == 5
    with pytest.raises(ValueError, match="Did you mean 'min_data_in_bin'"):
        est.set_params(min_data_in_bn=5)
    # A name given to the constructor stays settable (scikit-learn's clone and grid search set them again).
    assert il.GBDTRegressor(min_data_in_bin=4).set_params(min_data_in_bin=6).min_data_in_bin == 6


# -- feature names ----------------------------------------------------------------------------------


def test_train_keeps_the_dataframe_column_names(diabetes, tmp_path):
    X, y = diabetes
    df = pd.DataFrame(X, columns=[f"col {i}" for i in range(X.shape[1])])
    b = ilb.train({"verbose": -1}, ilb.Dataset(df, pd.Series(y, name="progression")), 5)
    # As in LightGBM, spaces in feature names become underscores.
    columns = [c.replace(" ", "_") for c in df.columns]
    assert b.feature_name() == columns
    assert b.dump_model()["feature_names"] == columns
    np.testing.assert_array_equal(b.predict(df), b.predict(X))
    b.save_model(tmp_path / "m.ilm")
    assert ilb.Booster(model_file=tmp_path / "m.ilm").feature_name() == columns
    # Dataset(feature_name=...) names numpy columns, and overrides a DataFrame's.
    names = [f"f{i}" for i in range(X.shape[1])]
    assert ilb.train({"verbose": -1}, ilb.Dataset(X, y, feature_name=names), 3).feature_name() == names
    assert ilb.train({"verbose": -1}, ilb.Dataset(df, y), 3, feature_name=names).feature_name() == names
    # Renaming does not change the trees.
    plain = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 5)
    np.testing.assert_array_equal(plain.predict(X), b.predict(X))


def test_the_sklearn_wrappers_keep_the_dataframe_column_names(penguins):
    X, y = penguins
    m = il.GBDTClassifier(n_estimators=5).fit(X, y)
    assert m.booster_.feature_name() == list(X.columns) == m.feature_name_
    num = X.select_dtypes("number").fillna(0.0)
    r = il.GBDTRegressor(n_estimators=5).fit(num, np.arange(len(num), dtype=float))
    assert r.feature_name_ == list(num.columns) and list(r.feature_names_in_) == list(num.columns)
    assert il.GBDTRegressor(n_estimators=5).fit(num.to_numpy(), np.arange(len(num), dtype=float), feature_name=list("abcd")).feature_name_ == list("abcd")


# -- model files read from a path ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs /dev/zero and FIFOs")
def test_the_native_model_reader_refuses_special_files_as_the_cli_does(tmp_path):
    from ironlearn import _native

    # /dev/zero would be read until memory runs out, a FIFO would block: both are refused from metadata.
    for read in (_native.read_model_file, _native.load_file):
        with pytest.raises(OSError, match=r"/dev/zero: is not a regular file \(a character device\)"):
            read("/dev/zero")
        fifo = tmp_path / "m.model"
        if not fifo.exists():
            os.mkfifo(fifo)
        with pytest.raises(OSError, match=r"m.model: is not a regular file \(a FIFO\)"):
            read(fifo)
        with pytest.raises(OSError, match="is a directory, not a model file"):
            read(tmp_path)
    saved = tmp_path / "r.model"
    il.Ridge().fit(np.eye(3), [1.0, 2.0, 3.0]).save_model(saved)
    assert _native.read_model_file(saved) == saved.read_bytes()
    model, header = _native.load_file(saved)
    assert model.kind == "ridge" and "schema" in header


# -- messages that name the problem ------------------------------------------------------------


def test_bad_labels_are_named_with_their_row(rng):
    X = rng.normal(size=(10, 2))
    y = np.array(["a", "b"] * 5, dtype=object)
    y[7] = None
    with pytest.raises(ValueError, match=r"y has a missing label \(None\) at row 7"):
        il.LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"y mixes numbers and strings \(e\.g\. 1 at row 0 and 'a' at row 1\)"):
        il.LogisticRegression().fit(X, np.array([1, "a"] * 5, dtype=object))


def test_columns_are_named_as_the_dataframe_names_them(rng):
    df = pd.DataFrame({"a": pd.array([1, 2, None, 4, 5, 6, 7, 8, 9, 10], dtype="Int64"), "b": rng.normal(size=10)})
    with pytest.raises(ValueError, match=r"NaN \(row 2, column 'a'\)"):
        il.Ridge().fit(df, np.arange(10.0))
    dates = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=10), "b": rng.normal(size=10)})
    with pytest.raises(ValueError, match=r"column 'when' holds dates .*convert the dates to numbers"):
        il.Ridge().fit(dates, np.arange(10.0))
    text = pd.DataFrame({"name": list("abcdeabcde"), "b": rng.normal(size=10)})
    with pytest.raises(ValueError, match=r"column 'name' holds text \(such as 'a'\); KMeans reads numbers"):
        il.KMeans(n_clusters=2).fit(text)


def test_a_dummy_constant_may_be_an_integer_label():
    X, y = np.zeros((6, 1)), np.array([0, 1, 1, 0, 1, 0])
    np.testing.assert_array_equal(il.DummyClassifier(strategy="constant", constant=1).fit(X, y).predict(X), [1] * 6)
    with pytest.raises(ValueError, match="constant"):
        il.DummyClassifier(strategy="constant", constant=7).fit(X, y)


def test_kmeans_warns_when_duplicate_points_leave_fewer_clusters():
    from sklearn.exceptions import ConvergenceWarning

    X = np.array([[0.0, 0.0], [1.0, 1.0]] * 5)
    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(2\) found smaller than n_clusters \(5\)"):
        il.KMeans(n_clusters=5).fit(X)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs /dev/zero and FIFOs")
def test_boosters_refuse_special_files_instead_of_reading_them(tmp_path):
    import ironlearn.boost as lgb

    fifo = tmp_path / "b.txt"
    os.mkfifo(fifo)
    for load in (lambda p: lgb.Booster(model_file=p), lambda p: lgb.CVBooster(model_file=p)):
        with pytest.raises(OSError, match=r"/dev/zero: is not a regular file \(a character device\)"):
            load("/dev/zero")
        with pytest.raises(OSError, match=r"b.txt: is not a regular file \(a FIFO\)"):
            load(fifo)


def test_a_booster_that_made_no_split_says_so():
    import ironlearn.boost as lgb

    x = np.arange(30.0).reshape(-1, 1)
    with pytest.warns(UserWarning, match="the model made no split.*30 rows, min_data_in_leaf"):
        m = lgb.LGBMRegressor(n_estimators=5, verbose=-1).fit(x, 2 * x[:, 0])
    assert np.ptp(m.predict(x)) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lgb.LGBMRegressor(n_estimators=5, min_data_in_leaf=2, verbose=-1).fit(x, 2 * x[:, 0])
