"""Classic estimators against scikit-learn itself, on the bundled data.

The Rust tests pin numbers scikit-learn printed once; these fit both
libraries here, on the same rows, so a change on either side shows. Each case
compares what the estimator's contract is: predictions and probabilities, or
the fitted coefficients, within a tolerance stated beside it (solvers differ
where scikit-learn iterates).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import ironlearn as il

from conftest import load


def data(name: str, scaled: bool = False):
    target = {"iris": "species", "wine": "cultivar", "breast_cancer": "diagnosis", "diabetes": "progression", "digits": "digit"}[name]
    X, y = load(name, target)
    X = X.to_numpy(dtype=np.float64)
    if scaled:
        X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    return X, y.to_numpy()


# (ironlearn/scikit-learn class, scikit-learn module, data, scaled, parameters, attributes compared, tolerance);
# iterative solvers run to a tight tol, so that both reach the optimum rather than two points within tol of it
CASES = [
    ("GaussianNB", "naive_bayes", "wine", False, {}, ["theta_", "var_", "class_prior_"], 1e-9),
    ("GaussianNB", "naive_bayes", "iris", False, {"var_smoothing": 1e-3}, ["theta_", "var_"], 1e-9),
    ("MultinomialNB", "naive_bayes", "digits", False, {"alpha": 0.5}, ["feature_log_prob_", "class_log_prior_"], 1e-9),
    ("ComplementNB", "naive_bayes", "digits", False, {}, ["feature_log_prob_"], 1e-9),
    ("BernoulliNB", "naive_bayes", "digits", False, {"binarize": 4.0}, ["feature_log_prob_"], 1e-9),
    ("Lasso", "linear_model", "diabetes", True, {"alpha": 0.5}, ["coef_", "intercept_"], 1e-5),
    ("ElasticNet", "linear_model", "diabetes", True, {"alpha": 0.1, "l1_ratio": 0.3}, ["coef_", "intercept_"], 1e-5),
    ("LinearDiscriminantAnalysis", "discriminant_analysis", "wine", True, {}, ["coef_", "intercept_", "means_"], 1e-7),
    ("QuadraticDiscriminantAnalysis", "discriminant_analysis", "iris", False, {"reg_param": 0.1}, ["means_"], 1e-9),
    ("KNeighborsClassifier", "neighbors", "iris", True, {"n_neighbors": 7, "weights": "distance"}, [], 0),
    ("KNeighborsRegressor", "neighbors", "diabetes", True, {"n_neighbors": 5, "metric": "manhattan"}, [], 0),
    ("DecisionTreeClassifier", "tree", "digits", False, {"max_depth": 3, "random_state": 0}, ["feature_importances_"], 1e-12),
    ("DecisionTreeRegressor", "tree", "diabetes", False, {"min_samples_leaf": 5, "random_state": 0}, ["feature_importances_"], 1e-12),
    ("RidgeClassifier", "linear_model", "wine", True, {"alpha": 2.0}, ["coef_", "intercept_"], 1e-9),
    ("PoissonRegressor", "linear_model", "diabetes", True, {"alpha": 0.1, "tol": 1e-10, "max_iter": 1000}, ["coef_", "intercept_"], 1e-6),
    ("GammaRegressor", "linear_model", "diabetes", True, {"alpha": 0.1, "tol": 1e-10, "max_iter": 1000}, ["coef_", "intercept_"], 1e-6),
    ("TweedieRegressor", "linear_model", "diabetes", True, {"power": 1.5, "alpha": 0.1, "tol": 1e-10, "max_iter": 1000}, ["coef_", "intercept_"], 1e-6),
    ("SGDClassifier", "linear_model", "breast_cancer", True, {"shuffle": False, "loss": "log_loss", "random_state": 0}, ["coef_", "intercept_"], 1e-8),
    ("SGDRegressor", "linear_model", "diabetes", True, {"shuffle": False, "penalty": "elasticnet", "random_state": 0}, ["coef_", "intercept_"], 1e-8),
    ("RadiusNeighborsRegressor", "neighbors", "diabetes", True, {"radius": 3.0, "weights": "distance"}, [], 0),
    ("DecisionTreeRegressor", "tree", "diabetes", False, {"ccp_alpha": 50.0, "random_state": 0}, ["feature_importances_"], 1e-12),
    ("DecisionTreeRegressor", "tree", "diabetes", False, {"criterion": "absolute_error", "max_depth": 4, "random_state": 0}, ["feature_importances_"], 1e-12),
    # LIBSVM stops within tol=1e-3 of the optimum: the same support vectors, multipliers close
    ("SVC", "svm", "iris", True, {}, ["support_", "n_support_", "intercept_"], 1e-3),
    ("SVC", "svm", "wine", True, {"kernel": "poly", "degree": 2, "C": 0.5}, ["support_", "n_support_"], 0),
    ("NuSVC", "svm", "iris", True, {"nu": 0.3}, ["support_", "n_support_"], 0),
    ("KernelRidge", "kernel_ridge", "diabetes", True, {"alpha": 1.0, "kernel": "rbf", "gamma": 0.1}, ["dual_coef_"], 1e-8),
    ("LassoCV", "linear_model", "diabetes", True, {"cv": 5}, ["alpha_", "coef_", "intercept_"], 1e-6),
    ("ElasticNetCV", "linear_model", "diabetes", True, {"l1_ratio": [0.2, 0.7], "cv": 4}, ["alpha_", "l1_ratio_", "coef_"], 1e-6),
    ("QuantileRegressor", "linear_model", "diabetes", True, {"quantile": 0.3, "alpha": 0.01}, ["coef_", "intercept_"], 1e-5),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[2]}")
def test_same_model_as_scikit_learn(case):
    name, module, dataset, scaled, params, attrs, tol = case
    if not hasattr(il, name):
        pytest.fail(f"ironlearn has no {name}")
    X, y = data(dataset, scaled)
    ours = getattr(il, name)(**params).fit(X, y)
    theirs = getattr(importlib.import_module(f"sklearn.{module}"), name)(**params).fit(X, y)
    for a in attrs:
        np.testing.assert_allclose(np.asarray(getattr(ours, a), dtype=float), np.asarray(getattr(theirs, a), dtype=float), rtol=tol, atol=tol, err_msg=a)
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        if hasattr(theirs, "predict_proba") and hasattr(ours, "predict_proba"):
            np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-6, atol=1e-8)
        # Decision values where scikit-learn has them, in its shape; LIBSVM's within its stopping tolerance.
        assert hasattr(ours, "decision_function") == hasattr(theirs, "decision_function"), name
        if hasattr(theirs, "decision_function"):
            d, want = ours.decision_function(X), theirs.decision_function(X)
            assert d.shape == want.shape
            dtol = 1e-3 if module == "svm" else max(tol, 1e-6)
            np.testing.assert_allclose(d, want, rtol=dtol, atol=dtol * np.abs(want).max())
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-6, atol=1e-6 * np.abs(y).max())


@pytest.mark.parametrize(
    "cls, dataset, params, options",
    [
        ("DecisionTreeClassifier", "iris", {"max_depth": 3, "random_state": 0}, {}),
        ("DecisionTreeClassifier", "digits", {"max_depth": 3, "random_state": 0}, {"show_weights": True, "decimals": 3, "max_depth": 1}),
        ("DecisionTreeRegressor", "diabetes", {"min_samples_leaf": 30}, {"spacing": 2}),
    ],
)
def test_tree_text_is_scikit_learns(cls, dataset, params, options):
    from sklearn import tree as sk

    import ironlearn.tree

    X, y = data(dataset)
    ours = getattr(il, cls)(**params).fit(X, y)
    theirs = getattr(sk, cls)(**params).fit(X, y)
    names = [f"col {j}" for j in range(X.shape[1])]
    assert ironlearn.tree.export_text(ours, feature_names=names, **options) == sk.export_text(theirs, feature_names=names, **options)
    assert ironlearn.tree.export_text(ours) == sk.export_text(theirs)


def test_kernel_regressors_and_outlier_detectors(rng):
    """Solvers that stop within a tolerance (LIBSVM) or draw at random (isolation forests): close, not equal."""
    from sklearn import ensemble as sk_ensemble
    from sklearn import isotonic as sk_isotonic
    from sklearn import svm as sk_svm

    X, y = data("diabetes", scaled=True)
    ours, theirs = il.SVR(C=10.0).fit(X, y), sk_svm.SVR(C=10.0).fit(X, y)
    np.testing.assert_array_equal(ours.support_, theirs.support_)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-3, atol=1e-2)
    ours, theirs = il.OneClassSVM(nu=0.2).fit(X), sk_svm.OneClassSVM(nu=0.2).fit(X)
    assert (ours.predict(X) == theirs.predict(X)).mean() > 0.99
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X), rtol=1e-3, atol=1e-3)
    # Isolation forests draw differently: the same rows stand out (scores correlate) and the contamination holds.
    ours = il.IsolationForest(contamination=0.1, random_state=0).fit(X)
    theirs = sk_ensemble.IsolationForest(contamination=0.1, random_state=0).fit(X)
    assert np.corrcoef(ours.score_samples(X), theirs.score_samples(X))[0, 1] > 0.9
    assert abs((ours.predict(X) == -1).mean() - 0.1) < 0.01
    # Isotonic regression on one feature, 1-D X as scikit-learn takes it.
    x = X[:, 2]
    ours = il.IsotonicRegression(out_of_bounds="clip").fit(x, y)
    theirs = sk_isotonic.IsotonicRegression(out_of_bounds="clip").fit(x, y)
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x), rtol=1e-12)
    np.testing.assert_allclose(ours.X_thresholds_, theirs.X_thresholds_)


@pytest.mark.parametrize(
    "name, target, params",
    [
        ("SVC", "class", {"C": 2.0, "class_weight": {0: 1.0, 1: 2.0}}),
        ("NuSVC", "class", {"nu": 0.4}),
        ("SVR", "value", {"C": 3.0, "epsilon": 0.05}),
        ("NuSVR", "value", {"nu": 0.3}),
        ("OneClassSVM", None, {"nu": 0.1}),
    ],
)
def test_larger_problems_reach_libsvms_solution(name, target, params):
    """From about 2,000 variables ironlearn solves LIBSVM's dual a block of
    variables at a time (as scikit-learn-intelex does), a different path to
    the same optimum: solved tightly, the same decision function."""
    from sklearn import svm as sk_svm

    rng = np.random.default_rng(7)
    X = rng.normal(size=(2500, 20))
    z = X @ rng.normal(size=20) / np.sqrt(20)
    y = {"class": (z + 0.3 * rng.normal(size=2500) > 0).astype(int), "value": np.sin(z) + 0.1 * rng.normal(size=2500), None: None}[target]
    ours = getattr(il, name)(tol=1e-6, **params).fit(X, y)
    theirs = getattr(sk_svm, name)(tol=1e-6, **params).fit(X, y)
    face = "predict" if target == "value" else "decision_function"
    got, want = getattr(ours, face)(X), getattr(theirs, face)(X)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-4 * np.abs(want).max())
    if target != "value":
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert abs(len(ours.support_) - len(theirs.support_)) <= 0.01 * len(theirs.support_)


def test_discriminant_axes_are_scikit_learns():
    """LinearDiscriminantAnalysis is a classifier that also transforms (its ``transform`` tag)."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    X, y = data("wine")
    for params in ({}, {"n_components": 1}, {"solver": "eigen"}):
        ours = il.LinearDiscriminantAnalysis(**params).fit(X, y)
        theirs = LinearDiscriminantAnalysis(**params).fit(X, y)
        # Each axis' sign is arbitrary.
        np.testing.assert_allclose(np.abs(ours.transform(X)), np.abs(theirs.transform(X)), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(np.abs(ours.fit_transform(X, y)), np.abs(theirs.transform(X)), rtol=1e-6, atol=1e-9)
    assert not hasattr(il.LogisticRegression(), "transform")
    with pytest.raises(Exception, match="lsqr"):
        il.LinearDiscriminantAnalysis(solver="lsqr").fit(X, y).transform(X)
