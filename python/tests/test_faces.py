"""One model, every face (issue 15, point 4): a model saved by the CLI opens in Python and predicts the
same, and a model saved from Python opens in ``ironlearn predict`` and predicts the same.

The CLI is the binary cargo builds (``cargo build -p ironlearn-cli``), or the one ``IRONLEARN_CLI``
names; without either these tests are skipped.
"""

import json
import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ironlearn as il
import ironlearn.boost as ilb

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
CLI = Path(os.environ.get("IRONLEARN_CLI", ROOT / "target" / "debug" / "ironlearn"))

pytestmark = pytest.mark.skipif(not CLI.is_file(), reason=f"no CLI binary at {CLI} (cargo build -p ironlearn-cli)")


def cli(*args) -> subprocess.CompletedProcess:
    out = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "panicked" not in out.stderr
    return out


def cli_predict(model: Path, data: Path, tmp_path: Path) -> pd.DataFrame:
    out = tmp_path / f"{model.stem}-predictions.csv"
    cli("predict", "--model", model, "--data", data, "--out", out)
    return pd.read_csv(out)


def header(model: Path) -> dict:
    return json.loads(cli("info", "--json", model).stdout)


# -- CLI -> Python -------------------------------------------------------------------------------


def test_a_cli_regression_booster_opens_in_python_and_predicts_the_same(tmp_path):
    model = tmp_path / "diabetes.ilm"
    cli("train", "--data", DATA / "diabetes.csv", "--target", "progression", "--model", "gbdt", "--set", "n_estimators=30", "--out", model, "--quiet")
    want = cli_predict(model, DATA / "diabetes.csv", tmp_path)["prediction"].to_numpy()
    df = pd.read_csv(DATA / "diabetes.csv").drop(columns="progression")
    b = ilb.Booster(model_file=model)
    np.testing.assert_allclose(b.predict(df), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.predict(df.to_numpy()), want, rtol=1e-12, atol=1e-12)
    assert b.feature_name() == list(df.columns) and b.num_trees() == 30 and b.current_iteration() == 30
    # Saved again from Python, it keeps the CLI's header and still reads the CSV.
    again = tmp_path / "again.ilm"
    b.save_model(again)
    np.testing.assert_allclose(cli_predict(again, DATA / "diabetes.csv", tmp_path)["prediction"], want, rtol=1e-12)
    assert header(again)["target"]["name"] == "progression"


def test_a_cli_classification_booster_with_text_columns_opens_in_python(tmp_path, penguins):
    model = tmp_path / "penguins.ilm"
    cli("train", "--data", DATA / "penguins.csv", "--target", "species", "--model", "gbdt", "--set", "n_estimators=20", "--out", model, "--quiet")
    want = cli_predict(model, DATA / "penguins.csv", tmp_path)
    X, _ = penguins
    b = ilb.Booster(model_file=model)
    proba = b.predict(X)
    classes = header(model)["target"]["classes"]
    np.testing.assert_allclose(proba, want[[f"proba_{c}" for c in classes]].to_numpy(), rtol=1e-12, atol=1e-12)
    assert (np.asarray(classes)[proba.argmax(axis=1)] == want["prediction"].to_numpy()).all()
    assert b.predict(X, pred_leaf=True).shape == (len(X), 60)
    np.testing.assert_allclose(b.predict(X, pred_contrib=True).reshape(len(X), 3, -1).sum(axis=2), b.predict(X, raw_score=True), atol=1e-9)


# -- Python -> CLI -------------------------------------------------------------------------------


def test_a_booster_saved_from_python_opens_in_the_cli(tmp_path):
    df = pd.read_csv(DATA / "diabetes.csv")
    X, y = df.drop(columns="progression"), df["progression"]
    b = ilb.train({"verbose": -1, "num_leaves": 15}, ilb.Dataset(X, y), 25)
    for save in ("save_model", "model_to_string"):
        path = tmp_path / f"{save}.ilm"
        if save == "save_model":
            b.save_model(path)
        else:  # ironlearn's string form loads back into a Booster, which saves the same model and header
            ilb.Booster(model_str=b.model_to_string(format="ironlearn")).save_model(path)
        h = header(path)
        assert [f["name"] for f in h["schema"]["fields"]] == list(X.columns)
        assert h["target"] == {"name": "progression", "task": "regression"}
        got = cli_predict(path, DATA / "diabetes.csv", tmp_path)["prediction"].to_numpy()
        np.testing.assert_allclose(got, b.predict(X), rtol=1e-12, atol=1e-12)


def test_an_early_stopped_booster_predicts_the_same_in_the_cli(tmp_path):
    df = pd.read_csv(DATA / "diabetes.csv")
    X, y = df.drop(columns="progression"), df["progression"]
    b = ilb.train({"verbose": -1, "learning_rate": 0.3, "early_stopping_round": 3}, ilb.Dataset(X[:300], y[:300]), 500,
                  valid_sets=[ilb.Dataset(X[300:], y[300:])], keep_training_booster=True)
    assert 0 < b.best_iteration < b.current_iteration()
    b.save_model(tmp_path / "stopped.ilm")
    got = cli_predict(tmp_path / "stopped.ilm", DATA / "diabetes.csv", tmp_path)["prediction"].to_numpy()
    np.testing.assert_allclose(got, b.predict(X), rtol=1e-12, atol=1e-12)


def test_a_sklearn_booster_with_text_columns_opens_in_the_cli(tmp_path, penguins):
    X, y = penguins
    est = il.GBDTClassifier(n_estimators=20).fit(X, y)
    for path, save in [(tmp_path / "est.ilm", est.save_model), (tmp_path / "booster.ilm", est.booster_.save_model),
                       (tmp_path / "pickled.ilm", pickle.loads(pickle.dumps(est)).save_model)]:
        save(path)
        h = header(path)
        assert h["target"]["name"] == "species" and h["target"]["classes"] == list(est.classes_)
        fields = {f["name"]: f["type"] for f in h["schema"]["fields"]}
        assert list(fields) == list(X.columns) and fields["island"] == "categorical" and fields["beak_length_mm"] == "numeric"
        got = cli_predict(path, DATA / "penguins.csv", tmp_path)
        assert (got["prediction"].to_numpy() == est.predict(X)).all()
        np.testing.assert_allclose(got[[f"proba_{c}" for c in est.classes_]].to_numpy(), est.predict_proba(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: il.LogisticRegression(max_iter=5000), lambda: il.GBDTClassifier(n_estimators=10)])
def test_sklearn_classifiers_with_integer_labels_open_in_the_cli(tmp_path, make):
    df = pd.read_csv(DATA / "breast_cancer.csv")
    X = df.drop(columns="diagnosis")
    y = (df["diagnosis"] == "malignant").astype(int).rename("malignant")
    est = make().fit(X, y)
    est.save_model(tmp_path / "m.ilm")
    got = cli_predict(tmp_path / "m.ilm", DATA / "breast_cancer.csv", tmp_path)
    np.testing.assert_array_equal(got["prediction"].to_numpy(), est.predict(X))
    np.testing.assert_allclose(got[["proba_0", "proba_1"]].to_numpy(), est.predict_proba(X), rtol=1e-9, atol=1e-12)
    assert header(tmp_path / "m.ilm")["target"]["name"] == "malignant"


@pytest.mark.parametrize("make", [il.Ridge, il.LinearRegression, lambda: il.GBDTRegressor(n_estimators=10)])
def test_sklearn_regressors_open_in_the_cli(tmp_path, make):
    df = pd.read_csv(DATA / "diabetes.csv")
    X, y = df.drop(columns="progression"), df["progression"]
    est = make().fit(X, y)
    est.save_model(tmp_path / "m.ilm")
    got = cli_predict(tmp_path / "m.ilm", DATA / "diabetes.csv", tmp_path)["prediction"].to_numpy()
    np.testing.assert_allclose(got, est.predict(X), rtol=1e-9, atol=1e-9)
    assert header(tmp_path / "m.ilm")["target"]["name"] == "progression"
    # The file is the one a pickle holds.
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))


def test_save_model_needs_a_fitted_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        il.Ridge().save_model(tmp_path / "m.ilm")
    assert not (tmp_path / "m.ilm").exists()


def test_a_cli_model_that_is_not_a_booster_is_refused_with_the_way_to_use_it(tmp_path):
    model = tmp_path / "ridge.ilm"
    cli("train", "--data", DATA / "diabetes.csv", "--target", "progression", "--model", "ridge", "--out", model, "--quiet")
    with pytest.raises(ValueError, match="not a booster.*ironlearn predict --model"):
        ilb.Booster(model_file=model)
