"""Linear models take scipy.sparse input as it is, with the results of the dense input and of scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk_linear
from sklearn import svm as sk_svm

import ironlearn as il


def _sparse_regression(rng):
    X = rng.random((300, 40))
    X[X < 0.8] = 0.0  # about 80% zeros
    y = X @ rng.normal(size=40) + 0.1 * rng.normal(size=300)
    return X, y


# (name, module, parameters, tolerance against scikit-learn on the dense matrix: its exact solvers,
# or liblinear's, which stops within tol=1e-4 along another coordinate order)
@pytest.mark.parametrize(
    "name,module,params,tol",
    [
        ("Ridge", sk_linear, {"alpha": 0.5}, 1e-8),
        ("Lasso", sk_linear, {"alpha": 0.01}, 1e-5),
        ("ElasticNet", sk_linear, {"alpha": 0.01, "l1_ratio": 0.5}, 1e-5),
        ("LinearSVR", sk_svm, {"dual": True, "random_state": 0, "max_iter": 10000}, 2e-2),
    ],
)
def test_sparse_regressors_equal_dense_and_scikit_learn(rng, name, module, params, tol):
    X, y = _sparse_regression(rng)
    Xs = sp.csr_matrix(X)
    dense = getattr(il, name)(**params).fit(X, y)
    sparse = getattr(il, name)(**params).fit(Xs, y)
    theirs = getattr(module, name)(**params).fit(X, y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sparse.predict(Xs), dense.predict(X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(sparse.predict(Xs), theirs.predict(X), rtol=tol, atol=tol)


@pytest.mark.parametrize("name,module", [("LogisticRegression", sk_linear), ("LinearSVC", sk_svm)])
def test_sparse_classifiers_equal_scikit_learn(rng, name, module):
    X, y = _sparse_regression(rng)
    labels = np.where(y > np.median(y), "high", "low")
    Xs = sp.csr_matrix(X)
    ours = getattr(il, name)().fit(Xs, labels)
    theirs = getattr(module, name)().fit(Xs, labels)
    assert (ours.predict(Xs) == theirs.predict(Xs)).mean() >= 0.99
    # Both solvers stop within tol=1e-4 of the optimum (L-BFGS; liblinear's dual coordinate descent).
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-2, atol=1e-2)


def test_dense_only_estimators_refuse_sparse_by_name(rng):
    X, y = _sparse_regression(rng)
    with pytest.raises(TypeError, match="[Ss]parse"):
        il.KNeighborsRegressor().fit(sp.csr_matrix(X), y)
