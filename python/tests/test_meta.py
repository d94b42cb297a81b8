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
