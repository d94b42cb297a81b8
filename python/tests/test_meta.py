"""Meta-estimators wrap ironlearn estimators as scikit-learn's wrap theirs, with the same results."""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn import linear_model as sk_linear
from sklearn import naive_bayes as sk_nb
from sklearn import tree as sk_tree

import ironlearn as il


def _members(lib):
    if lib == "sk":
        return [
            ("lr", sk_linear.LogisticRegression(max_iter=1000)),
            ("nb", sk_nb.GaussianNB()),
            ("tree", sk_tree.DecisionTreeClassifier(max_depth=2, random_state=0)),
        ]
    return [
        ("lr", il.LogisticRegression(max_iter=1000)),
        ("nb", il.GaussianNB()),
        ("tree", il.DecisionTreeClassifier(max_depth=2)),
    ]


@pytest.mark.parametrize("voting,weights", [("hard", None), ("soft", None), ("soft", [1, 1, 3]), ("hard", [2, 1, 1])])
def test_voting_classifier_matches_scikit_learn(wine, voting, weights):
    X, y = wine
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # so that both logistic regressions converge
    ours = il.VotingClassifier(_members("il"), voting=voting, weights=weights).fit(X, y)
    theirs = sk_ensemble.VotingClassifier(_members("sk"), voting=voting, weights=weights).fit(X, y)
    assert (ours.predict(X) == theirs.predict(X)).mean() >= 0.99
    if voting == "soft":
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=2e-3)
    else:
        assert not hasattr(ours, "predict_proba")


def test_voting_regressor_matches_scikit_learn(diabetes):
    X, y = diabetes
    members = lambda lib: [  # noqa: E731
        ("ridge", (il if lib == "il" else sk_linear).Ridge(alpha=0.5)),
        ("tree", il.DecisionTreeRegressor(max_depth=3) if lib == "il" else sk_tree.DecisionTreeRegressor(max_depth=3)),
    ]
    ours = il.VotingRegressor(members("il"), weights=[1, 2]).fit(X, y)
    theirs = sk_ensemble.VotingRegressor(members("sk"), weights=[1, 2]).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)


def test_meta_estimators_save_and_reload(tmp_path, iris):
    X, y = iris
    vote = il.VotingClassifier([("lr", il.LogisticRegression()), ("drop_me", "drop"), ("knn", il.KNeighborsClassifier())])
    vote.fit(X, y)
    path = tmp_path / "vote.ilm"
    vote.save_model(path)
    import pickle

    again = pickle.loads(pickle.dumps(vote))
    np.testing.assert_array_equal(again.predict(X), vote.predict(X))


def test_bad_members_are_named(iris):
    X, y = iris
    with pytest.raises(TypeError, match="wraps ironlearn estimators"):
        il.VotingClassifier([("lr", sk_linear.LogisticRegression())]).fit(X, y)
    with pytest.raises(ValueError, match="ridge"):
        il.VotingClassifier([("r", il.Ridge())]).fit(X, y)
    with pytest.raises(ValueError, match="at least one estimator"):
        il.VotingClassifier([]).fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        il.VotingClassifier([("lr", il.LogisticRegression())], weights=[1, 2]).fit(X, y)


def test_fitted_members_are_estimators(iris):
    X, y = iris
    vote = il.VotingClassifier([("lr", il.LogisticRegression()), ("skip", "drop"), ("tree", il.DecisionTreeClassifier())])
    vote.fit(X, y)
    assert [type(e).__name__ for e in vote.estimators_] == ["LogisticRegression", "DecisionTreeClassifier"]
    alone = il.DecisionTreeClassifier().fit(X, y)
    np.testing.assert_array_equal(vote.named_estimators_["tree"].predict(X), alone.predict(X))
    np.testing.assert_allclose(vote.named_estimators_["lr"].coef_, il.LogisticRegression().fit(X, y).coef_)


def test_stacking_matches_scikit_learn(iris, diabetes):
    X, y = iris
    members = lambda lib: [  # noqa: E731
        ("nb", il.GaussianNB() if lib == "il" else sk_nb.GaussianNB()),
        ("tree", il.DecisionTreeClassifier(max_depth=2) if lib == "il" else sk_tree.DecisionTreeClassifier(max_depth=2, random_state=0)),
    ]
    ours = il.StackingClassifier(members("il"), cv=3).fit(X, y)
    theirs = sk_ensemble.StackingClassifier(members("sk"), cv=3).fit(X, y)
    # The final LogisticRegression stops within its tol on both sides.
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=2e-3)
    assert isinstance(ours.final_estimator_, il.LogisticRegression)
    # transform: the members' predictions, as the final estimator reads them.
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), atol=1e-9)
    X, y = diabetes
    regs = lambda lib: [("ridge", (il if lib == "il" else sk_linear).Ridge(alpha=0.3))]  # noqa: E731
    ours = il.StackingRegressor(regs("il"), final_estimator=il.Ridge(), passthrough=True, cv=4).fit(X, y)
    theirs = sk_ensemble.StackingRegressor(regs("sk"), final_estimator=sk_linear.Ridge(), passthrough=True, cv=4).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)
    np.testing.assert_allclose(ours.fit_transform(X, y), theirs.fit_transform(X, y), rtol=1e-8)


def test_one_vs_rest_and_calibration_match_scikit_learn(iris):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.multiclass import OneVsRestClassifier

    X, y = iris
    ours = il.OneVsRestClassifier(il.GaussianNB()).fit(X, y)
    theirs = OneVsRestClassifier(sk_nb.GaussianNB()).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for method in ("sigmoid", "isotonic"):
        ours = il.CalibratedClassifierCV(il.GaussianNB(), method=method, cv=3).fit(X, y)
        theirs = CalibratedClassifierCV(sk_nb.GaussianNB(), method=method, cv=3).fit(X, y)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)


def test_bagging_is_reproducible_and_close_to_scikit_learn(iris):
    X, y = iris
    a = il.BaggingClassifier(il.DecisionTreeClassifier(), n_estimators=20, oob_score=True, random_state=3).fit(X, y)
    b = il.BaggingClassifier(il.DecisionTreeClassifier(), n_estimators=20, oob_score=True, random_state=3, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    theirs = sk_ensemble.BaggingClassifier(sk_tree.DecisionTreeClassifier(), n_estimators=20, oob_score=True, random_state=3).fit(X, y)
    # Different random draws: the out-of-bag accuracy agrees within the spread of draws.
    assert abs(a.oob_score_ - theirs.oob_score_) < 0.05
    assert len(a.estimators_) == 20
    # decision_function exactly where scikit-learn has it (the member has one), in its shape.
    assert not hasattr(a, "decision_function") and not hasattr(theirs, "decision_function")
    for yy in (y, (y == y[0]).astype(int)):
        ours = il.BaggingClassifier(il.LogisticRegression(max_iter=1000), n_estimators=5, random_state=0).fit(X, yy)
        theirs = sk_ensemble.BaggingClassifier(sk_linear.LogisticRegression(max_iter=1000), n_estimators=5, random_state=0).fit(X, yy)
        assert ours.decision_function(X).shape == theirs.decision_function(X).shape
