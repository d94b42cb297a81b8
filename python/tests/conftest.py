"""Shared fixtures: the bundled data sets, read from the repository's data/ folder."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[2] / "data"


def load(name: str, target: str):
    df = pd.read_csv(DATA / f"{name}.csv")
    return df.drop(columns=[target]), df[target]


@pytest.fixture(scope="session")
def breast_cancer():
    X, y = load("breast_cancer", "diagnosis")
    return X.to_numpy(), (y == "malignant").astype(int).to_numpy()


@pytest.fixture(scope="session")
def diabetes():
    X, y = load("diabetes", "progression")
    return X.to_numpy(), y.to_numpy(dtype=float)


@pytest.fixture(scope="session")
def iris():
    X, y = load("iris", "species")
    return X.to_numpy(), y.to_numpy()


@pytest.fixture(scope="session")
def penguins():
    return load("penguins", "species")


@pytest.fixture(scope="session")
def digits():
    X, y = load("digits", "digit")
    return X.to_numpy(dtype=float), y.to_numpy()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def wine():
    X, y = load("wine", "cultivar")
    return X.to_numpy(), y.to_numpy()
