"""``partial_fit``: batch after batch gives scikit-learn's model, and the first call's rules hold."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import naive_bayes as sk

import ironlearn as il

from conftest import load


def batches(X, y, n):
    """Consecutive batches of a class-sorted set, so that most batches lack some class."""
    order = np.argsort(y, kind="stable")
    return [(X[i], y[i]) for i in np.array_split(order, n)]


CASES = [
    ("GaussianNB", "wine", "cultivar", {}, ["theta_", "var_", "class_count_", "class_prior_"]),
    ("GaussianNB", "iris", "species", {"var_smoothing": 1e-2}, ["theta_", "var_"]),
    ("MultinomialNB", "digits", "digit", {"alpha": 0.5}, ["feature_count_", "class_count_", "feature_log_prob_"]),
    ("ComplementNB", "digits", "digit", {}, ["feature_count_", "feature_log_prob_"]),
    ("BernoulliNB", "digits", "digit", {"binarize": 4.0}, ["feature_count_", "feature_log_prob_"]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_batches_give_scikit_learns_model(case):
    name, data, target, params, attrs = case
    X, y = load(data, target)
    X, y = X.to_numpy(dtype=float), y.to_numpy()
    ours, theirs = getattr(il, name)(**params), getattr(sk, name)(**params)
    classes = np.unique(y)
    for i, (Xb, yb) in enumerate(batches(X, y, 4)):
        w = np.linspace(0.5, 2.0, len(yb)) if i == 1 else None
        ours.partial_fit(Xb, yb, classes=classes if i == 0 else None, sample_weight=w)
        theirs.partial_fit(Xb, yb, classes=classes if i == 0 else None, sample_weight=w)
    for a in attrs:
        np.testing.assert_allclose(getattr(ours, a), getattr(theirs, a), rtol=1e-9, atol=1e-12, err_msg=a)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-7, atol=1e-10)
    # fit starts over: the same as one fit on everything.
    np.testing.assert_allclose(ours.fit(X, y).predict_proba(X), getattr(sk, name)(**params).fit(X, y).predict_proba(X), rtol=1e-7, atol=1e-10)


def test_first_call_rules():
    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    m = il.GaussianNB()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        m.partial_fit(X, [0, 1, 0])
    m.partial_fit(X, [0, 1, 0], classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not the same as on last call"):
        m.partial_fit(X, [0, 1, 0], classes=[0, 1])
    with pytest.raises(ValueError, match="labels not in classes"):
        m.partial_fit(X, [0, 1, 5])
    with pytest.raises(ValueError, match="3 features"):
        m.partial_fit(np.ones((2, 3)), [0, 1])
    assert not hasattr(il.LinearDiscriminantAnalysis(), "partial_fit")
