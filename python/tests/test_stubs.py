"""The .pyi stubs describe the real modules: every stubbed name exists, with the same parameters."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "ironlearn"
MODULES = ["_native", "_generated", "linear_model", "preprocessing", "ensemble", "cluster", "boost", "metrics", "nn"]


def _params(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if a.vararg:
        names.append(a.vararg.arg)
    names += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        names.append(a.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]


def _stub_classes() -> dict[str, ast.ClassDef]:
    """Every class of every stub, by name (the generated bases included)."""
    out = {}
    for name in MODULES:
        for node in ast.parse((PKG / f"{name}.pyi").read_text()).body:
            if isinstance(node, ast.ClassDef):
                out[node.name] = node
    return out


def _stub_init(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]):
    """The ``__init__`` a type checker sees: the class's own, or the first one among its stubbed bases."""
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return item
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            found = _stub_init(classes[base.id], classes)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("name", MODULES)
def test_stub_matches_module(name):
    module = importlib.import_module(f"ironlearn.{name}")
    classes = _stub_classes()
    tree = ast.parse((PKG / f"{name}.pyi").read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            fn = getattr(module, node.name)
            if name != "_native":  # builtins have no Python signature to compare
                assert list(inspect.signature(fn).parameters) == _params(node), node.name
        elif isinstance(node, ast.ClassDef) and (name == "_generated" or not node.name.startswith("_")):
            cls = getattr(module, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    assert hasattr(cls, item.name), f"{node.name}.{item.name}"
            init = _stub_init(node, classes)
            if name != "_native" and init is not None:
                runtime = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
                assert runtime == _params(init), node.name


def test_every_public_estimator_is_stubbed():
    import ironlearn

    classes = _stub_classes()
    for name in ironlearn.__all__:
        if isinstance(getattr(ironlearn, name), type):
            assert name in classes, name
            assert _stub_init(classes[name], classes) is not None, f"{name} has no __init__ in its stubs"
