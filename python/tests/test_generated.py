"""The generated classes are what the Rust registry gives today, and behave as declared."""

import importlib.util
import inspect
import json
import pickle
import sys
from pathlib import Path

import pytest

import ironlearn as il
from ironlearn import _native
from ironlearn._base import _describe

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_python", ROOT / "scripts" / "gen_python.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_committed_files_match_the_registry():
    gen = _generator()
    for rel, text in gen.render(json.loads(_native.estimators()), gen.load_overrides()).items():
        assert (ROOT / rel).read_text() == text, f"{rel} is out of date: run python scripts/gen_python.py"


def test_every_registered_estimator_has_a_public_class():
    registered = {e["name"] for e in json.loads(_native.estimators())}
    public = {getattr(il, n)._kind for n in il.__all__ if isinstance(getattr(il, n), type)}
    assert public == registered


@pytest.mark.parametrize("cls", [getattr(il, n) for n in il.__all__ if isinstance(getattr(il, n), type)], ids=lambda c: c.__name__)
def test_signature_defaults_and_docs_come_from_the_registry(cls):
    spec = {e["name"]: e for e in json.loads(_native.estimators())}[cls._kind]
    by_rust = {p["name"]: p for p in spec["params"]}
    sig = inspect.signature(cls.__init__).parameters
    for name, (rust, domain) in cls._params.items():
        p = by_rust[rust]
        assert name == rust or name in p["aliases"], name  # the naming rule
        default = sig[name].default
        default = list(default) if isinstance(default, tuple) else default  # lists are written as tuples
        assert default is None or default == p["default"], name  # None: a documented Python default
        assert domain["type"] == p["domain"]["type"]
        assert p["accepts"].startswith(_describe(domain)), (name, p["accepts"])  # Python words domains as Rust does
        assert f"\n{name} : " in cls.__doc__, name
    assert "Parameters\n----------" in cls.__doc__


def test_python_names_follow_the_rule():
    assert "C" in inspect.signature(il.LogisticRegression).parameters
    assert il.LogisticRegression._params["C"][0] == "c"
    assert il.GBDTRegressor._params["subsample"][0] == "bagging_fraction"
    # A Python name must be an alias Rust accepts: the generator refuses any other.
    gen = _generator()
    entry = {e["name"]: e for e in json.loads(_native.estimators())}["logistic_regression"]
    with pytest.raises(SystemExit, match="'Cee' is not an alias of 'c'"):
        gen.spec_of(entry, {"names": {"c": "Cee"}})


def test_sklearn_tags_come_from_the_capability_tags():
    from sklearn.utils import get_tags

    assert get_tags(il.GBDTRegressor()).input_tags.allow_nan
    assert get_tags(il.GBDTRegressor()).input_tags.categorical
    assert get_tags(il.GBDTRanker()).target_tags.required
    assert not get_tags(il.Ridge()).input_tags.allow_nan
    assert not get_tags(il.KMeans()).target_tags.required
    assert get_tags(il.KMeans()).estimator_type == "clusterer"
    assert not get_tags(il.OneHotEncoder()).target_tags.required
    assert get_tags(il.SimpleImputer()).input_tags.string
    # The override, with its reason in scripts/gen_python_overrides.py.
    assert not get_tags(il.StandardScaler()).input_tags.string


@pytest.mark.parametrize(
    "est, name",
    [
        (il.GBDTRegressor(n_estimators=5.5), "n_estimators"),
        (il.KMeans(n_clusters=2.0), "n_clusters"),
        (il.LogisticRegression(max_iter=10.5), "max_iter"),
        (il.GBDTRegressor(num_leaves=True), "num_leaves"),
    ],
)
def test_a_float_for_an_integer_parameter_is_refused_not_truncated(est, name, diabetes):
    X, y = diabetes
    with pytest.raises((TypeError, ValueError), match=f"parameter '{name}': must be an integer"):
        est.fit(X, y)


def test_out_of_domain_values_name_the_python_parameter(diabetes, breast_cancer):
    X, y = diabetes
    with pytest.raises(ValueError, match=r"parameter 'subsample': must be a number in \(0, 1\], got 0"):
        il.GBDTRegressor(subsample=0).fit(X, y)
    with pytest.raises(ValueError, match="parameter 'algorithm': must be one of 'lloyd', 'elkan', got 'full'"):
        il.KMeans(algorithm="full").fit(X)
    Xc, yc = breast_cancer
    with pytest.raises(ValueError, match="parameter 'C': must be a finite number > 0"):
        il.LogisticRegression(C=0.0).fit(Xc, yc)
    with pytest.raises(ValueError, match="parameter 'C': must be a finite number > 0"):
        il.LogisticRegression(C=float("inf")).fit(Xc, yc)
    # Construction and set_params store values as they are (scikit-learn's rule); fit checks them.
    est = il.Ridge().set_params(alpha=-1)
    assert est.alpha == -1


def test_wrong_types_name_the_python_parameter(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(TypeError, match="parameter 'C': must be a finite number > 0, got 'strong'"):
        il.LogisticRegression(C="strong").fit(X, y)
    # What only Rust checks (types of "any" parameters) comes back under the Python name too.
    assert il.LogisticRegression()._python_names("parameter 'c': expected a number") == "parameter 'C': expected a number"


def test_kwargs_parameters_survive_clone_and_pickle(breast_cancer):
    from sklearn.base import clone

    X, y = breast_cancer
    est = il.GBDTClassifier(n_estimators=5, min_data_in_bin=5, verbose=-1)
    assert clone(est).get_params()["min_data_in_bin"] == 5
    again = pickle.loads(pickle.dumps(est.fit(X, y)))
    assert again.get_params() == est.get_params()
    assert again._other_params == {"min_data_in_bin": 5, "verbose": -1}
