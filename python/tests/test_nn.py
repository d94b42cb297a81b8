"""Neural networks against scikit-learn's MLPs, and ``ironlearn.nn``.

Random initial weights differ between the libraries (each has its own
generator), so most cases compare quality on held-out rows within a stated
margin. Without hidden layers the objective is convex and the solvers reach
the same optimum: there L-BFGS's final loss is compared with scikit-learn's.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

import ironlearn as il
from ironlearn import nn

from conftest import load

TARGETS = {"iris": "species", "breast_cancer": "diagnosis", "diabetes": "progression", "digits": "digit"}


def data(name: str):
    X, y = load(name, TARGETS[name])
    X = X.to_numpy(dtype=np.float64)
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    y = y.to_numpy()
    if name == "diabetes":
        y = (y - y.mean()) / y.std()
    return train_test_split(X, y, test_size=0.3, random_state=0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "name, params, margin",
    [
        ("digits", {"hidden_layer_sizes": (64,)}, 0.03),
        ("breast_cancer", {"hidden_layer_sizes": (32, 16), "solver": "sgd", "learning_rate_init": 0.01}, 0.03),
        ("iris", {"hidden_layer_sizes": (16,), "solver": "lbfgs", "max_iter": 500}, 0.05),
        ("digits", {"hidden_layer_sizes": (64,), "early_stopping": True, "activation": "tanh"}, 0.04),
    ],
)
def test_classifier_quality_as_sklearn(name, params, margin):
    Xtr, Xte, ytr, yte = data(name)
    ours = il.MLPClassifier(random_state=0, **params).fit(Xtr, ytr)
    theirs = SkMLPClassifier(random_state=0, **params).fit(Xtr, ytr)
    assert ours.score(Xte, yte) >= theirs.score(Xte, yte) - margin
    assert list(ours.classes_) == list(theirs.classes_)
    np.testing.assert_allclose(ours.predict_proba(Xte).sum(axis=1), 1.0, rtol=1e-9)
    assert 1 <= ours.n_iter_ <= params.get("max_iter", 200)
    if params.get("solver", "adam") != "lbfgs":
        assert len(ours.loss_curve_) == ours.n_iter_
        assert ours.loss_curve_[-1] < ours.loss_curve_[0]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_regressor_quality_as_sklearn(solver):
    Xtr, Xte, ytr, yte = data("diabetes")
    params = {"hidden_layer_sizes": (32,), "solver": solver, "alpha": 1.0, "max_iter": 300, "random_state": 0}
    if solver == "sgd":
        params["learning_rate_init"] = 0.01
    ours = il.MLPRegressor(**params).fit(Xtr, ytr)
    theirs = SkMLPRegressor(**params).fit(Xtr, ytr)
    if solver == "lbfgs":
        # 300 full-batch iterations overfit these 309 rows in both libraries (held-out R² near 0.1):
        # compare what the solver is asked for, the training objective.
        assert ours.loss_ <= theirs.loss_ * 1.05
    else:
        assert ours.score(Xte, yte) >= theirs.score(Xte, yte) - 0.05


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_convex_case_reaches_sklearns_optimum(kind):
    """No hidden layer: L2-penalised logistic / least-squares regression, one optimum."""
    if kind == "classifier":
        Xtr, _, ytr, _ = data("breast_cancer")
        cls, sk = il.MLPClassifier, SkMLPClassifier
    else:
        Xtr, _, ytr, _ = data("diabetes")
        cls, sk = il.MLPRegressor, SkMLPRegressor
    params = {"hidden_layer_sizes": (), "solver": "lbfgs", "alpha": 1.0, "tol": 1e-10, "max_iter": 5000}
    ours = cls(**params).fit(Xtr, ytr)
    theirs = sk(**params).fit(Xtr, ytr)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    # Equal losses to 1e-6 leave the coefficients equal to about 1e-3 (the optimum is flat along some directions).
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-2, atol=2e-3)


def test_attributes_as_sklearn():
    Xtr, _, ytr, _ = data("iris")
    m = il.MLPClassifier(hidden_layer_sizes=(8, 4), max_iter=20).fit(Xtr, ytr)
    assert [np.shape(c) for c in m.coefs_] == [(4, 8), (8, 4), (4, 3)]
    assert [np.shape(b) for b in m.intercepts_] == [(8,), (4,), (3,)]
    assert (m.n_layers_, m.n_outputs_, m.out_activation_) == (4, 3, "softmax")
    assert m.t_ == 20 * len(Xtr)
    b = il.MLPClassifier(hidden_layer_sizes=(8,), max_iter=5).fit(Xtr, ytr == ytr[0])
    assert (b.n_outputs_, b.out_activation_) == (1, "logistic")


def test_bad_parameters_and_input_are_named():
    Xtr, _, ytr, _ = data("iris")
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        il.MLPClassifier(hidden_layer_sizes=(0,)).fit(Xtr, ytr)
    with pytest.raises(ValueError, match="solver"):
        il.MLPClassifier(solver="newton").fit(Xtr, ytr)
    bad = Xtr.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        il.MLPRegressor().fit(bad, np.arange(len(bad), dtype=float))


def test_spec_network_fits_saves_and_clones():
    Xtr, Xte, ytr, yte = data("breast_cancer")
    model = nn.NeuralNetworkClassifier(
        spec=[nn.Dense(32, "relu"), nn.BatchNorm(), nn.Dropout(0.1), nn.Residual(nn.Dense(32, "gelu"))],
        optimizer=nn.AdamW(weight_decay=0.01),
        schedule=nn.Cosine(t_max=30),
        epochs=30,
        learning_rate=0.01,
        random_state=1,
    ).fit(Xtr, ytr)
    assert model.score(Xte, yte) > 0.93
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(Xte), model.predict_proba(Xte))
    np.testing.assert_array_equal(clone(model).fit(Xtr, ytr).predict_proba(Xte), model.predict_proba(Xte))
    reg = nn.NeuralNetworkRegressor(spec=[nn.Dense(32, "tanh")], loss={"type": "huber", "delta": 1.0}, epochs=30)
    Xtr, Xte, ytr, yte = data("diabetes")
    assert reg.fit(Xtr, ytr).score(Xte, yte) > 0.3
    with pytest.raises(ValueError, match="layer 1 \\(residual\\)"):
        nn.NeuralNetworkRegressor(spec=[nn.Dense(8), nn.Residual(nn.Dense(4))]).fit(Xtr, ytr)


def test_small_cnn_on_digits():
    """8x8 digit images through conv, pooling and a dense head."""
    X, y = load("digits", TARGETS["digits"])
    X = X.to_numpy(dtype=np.float32) / 16.0
    y = y.to_numpy()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    cnn = nn.NeuralNetworkClassifier(
        spec=[nn.Reshape(1, 8, 8), nn.Conv2d(16, 3, padding=1, activation="relu"), nn.MaxPool2d(2),
              nn.Conv2d(32, 3, activation="relu"), nn.GlobalAvgPool(), nn.Dense(32, "relu")],
        epochs=15, learning_rate=0.005, random_state=0,
    ).fit(Xtr, ytr)
    assert cnn.score(Xte, yte) > 0.9
    again = pickle.loads(pickle.dumps(cnn))
    np.testing.assert_array_equal(again.predict_proba(Xte), cnn.predict_proba(Xte))


def order_task(n=800, length=10, seed=0):
    """Token sequences that hold a 3 and a 5 among other tokens, padded with 0 at
    the end; the class is whether the 3 comes first. A bag of tokens cannot tell."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, length), dtype=np.float32)
    y = np.zeros(n, dtype=np.int64)
    for i in range(n):
        size = rng.integers(4, length + 1)
        row = rng.choice([1, 2, 4, 6, 7, 8], size=size)
        a, b = rng.choice(size, size=2, replace=False)
        row[a], row[b] = 3, 5
        X[i, :size] = row
        y[i] = int(a < b)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@pytest.mark.parametrize(
    "name, spec",
    [
        ("lstm", [nn.Embedding(9, 16), nn.LSTM(24)]),
        ("gru", [nn.Embedding(9, 16), nn.GRU(24, return_sequences=True), nn.Flatten()]),
        ("transformer", [nn.Embedding(9, 16, padding_idx=0), nn.PositionalEmbedding(10),
                         nn.TransformerBlock(2, 32, dropout=0.0), nn.Flatten()]),
    ],
)
def test_sequence_models_learn_order(name, spec):
    Xtr, Xte, ytr, yte = order_task()
    model = nn.NeuralNetworkClassifier(spec=spec, epochs=40, learning_rate=0.01, batch_size=32, random_state=0)
    model.fit(Xtr, ytr)
    assert model.score(Xte, yte) > 0.9, name
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(Xte), model.predict_proba(Xte))


def test_graph_with_branches_and_upsampling():
    """A functional graph on digits: a convolution branch upsampled back by a
    transposed convolution and joined to the input by concat."""
    X, y = load("digits", TARGETS["digits"])
    X = X.to_numpy(dtype=np.float32) / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, y.to_numpy(), test_size=0.3, random_state=0)
    graph = nn.Graph(
        nn.Node("down", nn.Conv2d(8, 3, stride=2, padding=1, activation="relu")),
        nn.Node("up", nn.ConvTranspose2d(4, 3, stride=2, padding=1, output_padding=1, activation="relu"),
                inputs=("down",)),
        nn.Node("joined", nn.BatchNorm(), inputs=("input", "up"), merge="concat"),
    )
    model = nn.NeuralNetworkClassifier(spec=[nn.Reshape(1, 8, 8), graph, nn.Flatten(), nn.Dense(32, "relu")],
                                       epochs=15, learning_rate=0.005, random_state=0).fit(Xtr, ytr)
    assert model.score(Xte, yte) > 0.9
    with pytest.raises(ValueError, match="node 'up': input 'nowhere'"):
        bad = nn.Graph(nn.Node("up", nn.Dense(4), inputs=("nowhere",)))
        nn.NeuralNetworkClassifier(spec=[bad]).fit(Xtr, ytr)
