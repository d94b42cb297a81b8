"""Booster(params, train_set): one round per update(), as in LightGBM."""

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score

import ironlearn.boost as ilb


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:450], y[:450], X[450:], y[450:]


def test_update_grows_the_model_train_grows(cancer):
    X, y, Xv, yv = cancer
    params = {"objective": "binary", "num_leaves": 7, "verbose": -1, "seed": 3, "bagging_fraction": 0.8, "bagging_freq": 1}
    b = ilb.Booster(params, ilb.Dataset(X, y))
    for _ in range(15):
        assert b.update() is False
    assert b.current_iteration() == 15 and b.num_trees() == 15
    same = ilb.train(params, ilb.Dataset(X, y), 15)
    np.testing.assert_array_equal(b.predict(Xv, raw_score=True), same.predict(Xv, raw_score=True))


def test_rollback_restores_scores_and_model(cancer):
    X, y, Xv, yv = cancer
    b = ilb.Booster({"objective": "binary", "metric": "auc", "verbose": -1}, ilb.Dataset(X, y))
    b.add_valid(ilb.Dataset(Xv, yv), "valid")
    for _ in range(5):
        b.update()
    before, evals = b.predict(Xv), b.eval_valid()
    b.update()
    assert b.rollback_one_iter() is b
    assert b.current_iteration() == 5
    np.testing.assert_array_equal(b.predict(Xv), before)
    np.testing.assert_allclose([r[2] for r in b.eval_valid()], [r[2] for r in evals], rtol=1e-12)
    # The round grown again is the round rolled back.
    b.update()
    again = ilb.train({"objective": "binary", "verbose": -1}, ilb.Dataset(X, y), 6)
    np.testing.assert_allclose(b.predict(Xv, raw_score=True), again.predict(Xv, raw_score=True), rtol=0, atol=1e-12)
    for _ in range(6):
        b.rollback_one_iter()
    with pytest.raises(ilb.LightGBMError, match="no round to roll back"):
        b.rollback_one_iter()


def test_eval_matches_the_metric_computed_from_predictions(cancer):
    X, y, Xv, yv = cancer
    train = ilb.Dataset(X, y)
    b = ilb.Booster({"objective": "binary", "metric": ["auc", "binary_logloss"], "verbose": -1}, train)
    for _ in range(10):
        b.update()
    valid = ilb.Dataset(Xv, yv)
    (name, metric, auc, higher), (_, _, logloss, _) = b.eval(valid, "test")
    assert (name, metric, higher) == ("test", "auc", True)
    assert auc == pytest.approx(roc_auc_score(yv, b.predict(Xv)), rel=1e-12)
    p = b.predict(Xv)
    assert logloss == pytest.approx(-np.mean(yv * np.log(p) + (1 - yv) * np.log(1 - p)), rel=1e-9)
    assert b.valid_sets == [valid] and b.eval(valid, "test") == b.eval_valid()
    assert b.eval_train()[0][0] == "training"
    feval = lambda preds, data: ("mean_pred", float(np.mean(preds)), False)  # noqa: E731
    assert b.eval_train(feval)[-1] == ("training", "mean_pred", pytest.approx(float(np.mean(b.predict(X)))), False)


def test_update_with_fobj_matches_lightgbm(cancer):
    """The same custom loss through update(fobj=...) grows what LightGBM grows (no sampling, exact data)."""
    X, y, _, _ = cancer

    def logloss(preds, data):
        p = 1.0 / (1.0 + np.exp(-preds))
        return p - data.get_label(), p * (1.0 - p)

    ours = ilb.Booster({"objective": "none", "num_leaves": 4, "verbose": -1, "min_data_in_leaf": 20}, ilb.Dataset(X, y))
    theirs = lightgbm.Booster({"objective": "none", "num_leaves": 4, "verbose": -1, "min_data_in_leaf": 20}, lightgbm.Dataset(X, y))
    for _ in range(3):
        ours.update(fobj=logloss)
        theirs.update(fobj=logloss)
    assert ours.num_trees() == theirs.num_trees() == 3
    assert np.corrcoef(ours.predict(X, raw_score=True), theirs.predict(X, raw_score=True))[0, 1] > 0.99
    with pytest.raises(ilb.LightGBMError, match="update\\(fobj="):
        ours.update()
    with pytest.raises(ValueError, match=r"number of models per one iteration \(1\)"):
        ours.update(fobj=lambda preds, data: (np.zeros(3), np.ones(3)))


def test_set_leaf_output_changes_predictions(cancer):
    X, y, _, _ = cancer
    b = ilb.Booster({"num_leaves": 2, "verbose": -1}, ilb.Dataset(X, y.astype(float)))
    b.update()
    before = b.predict(X)
    for leaf in range(2):
        b.set_leaf_output(0, leaf, b.get_leaf_output(0, leaf) + 1)
    np.testing.assert_allclose(b.predict(X), before + 1)
    with pytest.raises(ValueError, match="leaf index 5 is out of range"):
        b.get_leaf_output(0, 5)


def test_max_depth_warning_as_lightgbm(capsys, cancer):
    X, y, _, _ = cancer
    ilb.Booster({"objective": "binary", "max_depth": 6, "verbose": 0}, ilb.Dataset(X, y))
    assert "Provided parameters constrain tree depth (max_depth=6)" in capsys.readouterr().out
    ilb.Booster({"objective": "binary", "max_depth": 6, "num_leaves": 31, "verbose": 0}, ilb.Dataset(X, y))
    assert "constrain tree depth" not in capsys.readouterr().out


def test_a_loaded_booster_cannot_update(cancer, tmp_path):
    X, y, _, _ = cancer
    b = ilb.train({"verbose": -1}, ilb.Dataset(X, y), 3)
    with pytest.raises(ilb.LightGBMError, match="Booster\\(params, train_set\\)"):
        ilb.Booster(model_str=b.model_to_string()).update()


def test_bounds_and_refit_as_lightgbm(cancer):
    X, y, Xv, yv = cancer
    b = ilb.train({"objective": "binary", "verbose": -1, "num_leaves": 7}, ilb.Dataset(X, y), 20)
    theirs = lightgbm.Booster(model_str=b.model_to_string())
    assert b.lower_bound() == pytest.approx(theirs.lower_bound(), rel=1e-12)
    assert b.upper_bound() == pytest.approx(theirs.upper_bound(), rel=1e-12)
    # Refit on held-out data: LightGBM's rule, so the same trees refit to the same leaves.
    ours, ref = b.refit(Xv, yv, decay_rate=0.5), theirs.refit(Xv, yv, decay_rate=0.5)
    np.testing.assert_array_equal(ours.predict(Xv, pred_leaf=True), b.predict(Xv, pred_leaf=True))
    loss = lambda p: -np.mean(yv * np.log(p) + (1 - yv) * np.log(1 - p))  # noqa: E731
    assert loss(ours.predict(Xv)) < loss(b.predict(Xv))
    assert abs(loss(ours.predict(Xv)) - loss(ref.predict(Xv))) < 0.05


def test_a_trained_booster_evaluates_its_sets(cancer):
    X, y, Xv, yv = cancer
    train, valid = ilb.Dataset(X, y), ilb.Dataset(Xv, yv)
    record: dict = {}
    b = ilb.train({"objective": "binary", "metric": "auc", "verbose": -1}, train, 8, valid_sets=[train, valid],
                  valid_names=["train", "valid"], callbacks=[ilb.record_evaluation(record)])
    assert b.eval_valid() == [("valid", "auc", pytest.approx(record["valid"]["auc"][-1], rel=1e-12), True)]
    assert b.eval_train()[0][2] == pytest.approx(record["train"]["auc"][-1], rel=1e-12)
    assert b.eval(valid, "again")[0][2] == pytest.approx(roc_auc_score(yv, b.predict(Xv)), rel=1e-12)


def test_lightgbm_binary_label_rule_and_one_class(cancer):
    """LightGBM's binary objective: labels > 0 are positive; one observed class still trains (and predicts it)."""
    X, y, _, _ = cancer
    multi = np.where(y == 1, 3, 0) + (np.arange(len(y)) % 2) * (y == 1)  # 0, 3 or 4: positive when > 0
    a = ilb.train({"objective": "binary", "verbose": -1}, ilb.Dataset(X, multi), 5)
    b = ilb.train({"objective": "binary", "verbose": -1}, ilb.Dataset(X, y), 5)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    ones = ilb.train({"objective": "binary", "metric": "average_precision", "verbose": -1}, ilb.Dataset(X, np.ones(len(y))), 2)
    assert np.all(ones.predict(X) > 0.99)


def test_xendcg_trains_with_query_groups():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = np.clip((X[:, 0] * 2).round(), 0, 3)
    b = ilb.train({"objective": "rank_xendcg", "verbose": -1, "min_data_in_leaf": 5}, ilb.Dataset(X, y, group=[30] * 10), 10)
    assert np.corrcoef(b.predict(X), y)[0, 1] > 0.5


def test_one_leaf_tree_rows_and_objective_alias_as_lightgbm():
    rng = np.random.default_rng(2)
    X, y = np.ones((10, 2)), rng.uniform(size=10)
    df = ilb.train({"objective": "binary", "verbose": -1}, ilb.Dataset(X, (y > 0.5).astype(int)), 3).trees_to_dataframe()
    assert len(df) == 1 and df.loc[0, "weight"] is None and df.loc[0, "count"] is None and df.loc[0, "value"] is not None
    Xc = rng.normal(size=(90, 3))
    m = ilb.LGBMClassifier(objective="ovr", n_estimators=3, verbose=-1).fit(Xc, np.arange(90) % 3)
    assert m.objective_ == "ovr"


def test_refit_keeps_the_models_categorical_columns_and_refuses_others():
    # As LightGBM: the model's categorical columns are the refit data's, whether
    # the Booster was trained or loaded from its text; another choice is an error.
    rng = np.random.default_rng(3)
    X = rng.integers(1, 10, size=(500, 3)).astype(float)
    y = rng.uniform(size=500)
    bst = ilb.train({"num_leaves": 7, "verbose": -1}, ilb.Dataset(X, y, categorical_feature=[0, 2]), 2)
    loaded = ilb.Booster(model_str=bst.model_to_string())
    assert loaded.params["categorical_feature"] == [0, 2]
    again = loaded.refit(X[:50], y[:50])
    assert again.params["categorical_column"] == [0, 2] and "categorical_feature" not in again.params
    assert loaded.refit(X[:50], y[:50], categorical_feature=[0, 2]).params["categorical_column"] == [0, 2]
    with pytest.raises(ilb.LightGBMError, match="change which columns are treated as categorical"):
        loaded.refit(X[:50], y[:50], categorical_feature=[0, 1])
