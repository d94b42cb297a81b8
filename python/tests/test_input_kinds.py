"""Float32 and sparse input reach Rust borrowed; estimators that do not take them say so or widen."""

import json

import numpy as np
import pytest
import scipy.sparse as sp

from ironlearn import _native
from ironlearn._base import csr_parts


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    X[X < 0.3] = 0.0
    y = X @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1
    return X, y


def test_float32_is_widened_for_a_float64_estimator():
    X, y = _data()
    wide = _native.fit("ridge", json.dumps({"alpha": 0.1}), np.ascontiguousarray(X.astype(np.float32).astype(np.float64)), y)
    narrow = _native.fit("ridge", json.dumps({"alpha": 0.1}), np.ascontiguousarray(X.astype(np.float32)), y)
    np.testing.assert_array_equal(wide.attributes()["coef_"], narrow.attributes()["coef_"])


def test_sparse_input_is_refused_by_a_dense_estimator_with_the_fix():
    X, y = _data()
    parts = csr_parts(sp.csr_matrix(X))
    with pytest.raises(Exception, match="takes dense input, not a sparse matrix"):
        _native.fit("k_neighbors_regressor", "{}", parts, y)


def test_inconsistent_csr_parts_are_refused_on_arrival():
    X, y = _data()
    n, m, indptr, indices, data = csr_parts(sp.csr_matrix(X))
    bad = indices.copy()
    bad[0] = 99
    with pytest.raises((TypeError, ValueError), match="column index 99 of stored value 0 is out of range"):
        _native.fit("ridge", "{}", (n, m, indptr, bad, data), y)


def test_csr_parts_borrow_scipy_arrays():
    X, _ = _data()
    A = sp.csr_array(X)
    _, _, _, indices, data = csr_parts(A)
    assert np.shares_memory(indices, A.indices) and np.shares_memory(data, A.data)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_class_codes_are_read_in_every_integer_width(dtype):
    X, y = _data()
    codes = (y > np.median(y)).astype(np.int64) + (X[:, 0] > 0.5)
    fit = lambda c: _native.fit("decision_tree_classifier", json.dumps({"max_depth": 3}), X, c, ["a", "b", "c"])  # noqa: E731
    np.testing.assert_array_equal(fit(codes.astype(dtype)).predict_proba(X), fit(codes).predict_proba(X))


def test_class_codes_that_are_no_integers_are_refused():
    X, y = _data()
    with pytest.raises(TypeError):
        _native.fit("decision_tree_classifier", "{}", X, y, ["a", "b"])
