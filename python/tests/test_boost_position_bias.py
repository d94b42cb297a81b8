"""Unbiased lambdarank (``Dataset(position=...)``): clicks biased toward the top positions are debiased about as much
as the real lightgbm debiases them; positions of the wrong length are refused."""

import numpy as np
import pytest

import ironlearn.boost as ilb

lgb = pytest.importorskip("lightgbm")

DOCS = 10


def _clicks(seed, queries=300):
    """Documents shown in random order; a click needs an examination (likely at the top) and relevance."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(queries * DOCS, 5))
    relevance = np.clip(np.round(1.5 + X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=len(X))), 0, 3)
    position = np.concatenate([rng.permutation(DOCS) for _ in range(queries)])
    examined = 1.0 / (1 + position) ** 1.5
    click = (rng.random(len(X)) < examined * relevance / 3).astype(float)
    return X, relevance, click, position, np.full(queries, DOCS)


def _ndcg3(pred, relevance):
    """Mean NDCG@3 over the queries (gain 2^rel - 1; a query without relevant documents scores 1)."""
    pred, relevance = pred.reshape(-1, DOCS), relevance.reshape(-1, DOCS)
    discount = 1 / np.log2(np.arange(2, 5))
    gain = 2 ** relevance - 1
    dcg = (np.take_along_axis(gain, np.argsort(-pred, axis=1, kind="stable")[:, :3], axis=1) * discount).sum(axis=1)
    ideal = (-np.sort(-gain, axis=1)[:, :3] * discount).sum(axis=1)
    return float(np.mean(np.where(ideal > 0, dcg / np.where(ideal > 0, ideal, 1), 1.0)))


def test_debiasing_matches_lightgbm():
    X, _, click, position, group = _clicks(0)
    Xt, relevance, *_ = _clicks(1)
    params = {"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 20, "num_leaves": 7, "num_threads": 1}
    scores = {}
    for name, lib in (("ironlearn", ilb), ("lightgbm", lgb)):
        for pos in (None, position):
            b = lib.train(params, lib.Dataset(X, click, group=group, position=pos), num_boost_round=30)
            scores[name, pos is not None] = _ndcg3(b.predict(Xt), relevance)
    # LightGBM: 0.817 without positions, 0.905 with them.
    assert scores["ironlearn", True] > scores["ironlearn", False] + 0.03, scores
    assert abs(scores["ironlearn", True] - scores["lightgbm", True]) < 0.015, scores
    # Position ids can be any values: they are numbered in order of first appearance, as LightGBM numbers them.
    b = ilb.train(params, ilb.Dataset(X, click, group=group, position=position * 7 + 3), num_boost_round=30)
    assert _ndcg3(b.predict(Xt), relevance) == pytest.approx(scores["ironlearn", True], abs=1e-12)
    # The stateful Booster uses them too.
    booster = ilb.Booster(params, ilb.Dataset(X, click, group=group, position=position))
    for _ in range(30):
        booster.update()
    assert _ndcg3(booster.predict(Xt), relevance) == pytest.approx(scores["ironlearn", True], abs=1e-12)


def test_positions_must_match_the_rows():
    X, _, click, position, group = _clicks(0, queries=10)
    with pytest.raises(ilb.LightGBMError, match=r"Positions size \(99\) doesn't match data size \(100\)"):
        ilb.train({"objective": "lambdarank", "verbose": -1}, ilb.Dataset(X, click, group=group, position=position[1:]))
