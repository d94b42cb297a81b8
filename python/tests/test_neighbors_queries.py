"""Nearest-neighbour queries answer as scikit-learn's."""

import numpy as np
import pytest
from sklearn import neighbors as sk

import ironlearn as il


@pytest.mark.parametrize("metric,p", [("minkowski", 2), ("manhattan", 2), ("chebyshev", 2), ("minkowski", 3)])
def test_nearest_neighbors_matches_scikit_learn(wine, metric, p):
    X, _ = wine
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = il.NearestNeighbors(n_neighbors=4, radius=2.5, metric=metric, p=p).fit(X[:150])
    theirs = sk.NearestNeighbors(n_neighbors=4, radius=2.5, metric=metric, p=p, algorithm="brute").fit(X[:150])
    for query in (X[150:], None):
        d, i = ours.kneighbors(query)
        d2, i2 = theirs.kneighbors(query)
        np.testing.assert_allclose(d, d2, rtol=1e-12)
        if metric != "chebyshev":  # whose many ties scikit-learn orders arbitrarily (argpartition)
            np.testing.assert_array_equal(i, i2)
    d, i = ours.radius_neighbors(X[150:])
    d2, i2 = theirs.radius_neighbors(X[150:], sort_results=True)
    assert len(i) == len(i2) == len(X) - 150
    for a, b, da, db in zip(i, i2, d, d2):
        np.testing.assert_array_equal(np.sort(a), np.sort(b))
        np.testing.assert_allclose(da, db, rtol=1e-12)
    assert ours.kneighbors(X[150:], n_neighbors=2, return_distance=False).shape == (len(X) - 150, 2)


def test_classifier_answers_kneighbors(iris):
    X, y = iris
    d, i = il.KNeighborsClassifier(n_neighbors=3).fit(X, y).kneighbors(X[:5])
    d2, i2 = sk.KNeighborsClassifier(n_neighbors=3).fit(X, y).kneighbors(X[:5])
    np.testing.assert_allclose(d, d2)
    assert not hasattr(il.LogisticRegression().fit(X, y), "kneighbors")


def test_bad_queries_are_named(wine):
    X, _ = wine
    nn = il.NearestNeighbors(n_neighbors=3).fit(X)
    with pytest.raises(ValueError, match="n_neighbors"):
        nn.kneighbors(X, n_neighbors=0)
    with pytest.raises(ValueError, match="features"):
        nn.kneighbors(X[:, :3])
    with pytest.raises(ValueError, match="n_samples"):
        nn.kneighbors(X, n_neighbors=len(X) + 1)
