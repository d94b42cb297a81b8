"""The .pyi stubs describe the real modules: every stubbed name exists, with the same parameters."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "ironlearn"
MODULES = ["_native", "linear_model", "preprocessing", "ensemble", "boost", "metrics"]


def _params(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if a.vararg:
        names.append(a.vararg.arg)
    names += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        names.append(a.kwarg.arg)
    return [n for n in names if n not in ("self", "cls")]


@pytest.mark.parametrize("name", MODULES)
def test_stub_matches_module(name):
    module = importlib.import_module(f"ironlearn.{name}")
    tree = ast.parse((PKG / f"{name}.pyi").read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            fn = getattr(module, node.name)
            if name != "_native":  # builtins have no Python signature to compare
                assert list(inspect.signature(fn).parameters) == _params(node), node.name
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            cls = getattr(module, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    assert hasattr(cls, item.name), f"{node.name}.{item.name}"
                    if name != "_native" and item.name == "__init__":
                        runtime = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
                        assert runtime == _params(item), node.name
