"""Decision trees, and their rules as text (scikit-learn's ``export_text``)."""

from __future__ import annotations

import json

from ._base import check_is_fitted
from ._generated import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "export_text"]


def export_text(decision_tree, *, feature_names=None, max_depth=10, spacing=3, decimals=2, show_weights=False) -> str:
    """The tree's rules, one line per node, in scikit-learn's ``export_text`` layout.

    ``feature_names`` defaults to the names the tree was fitted with (a
    DataFrame's columns), else ``feature_0``, ``feature_1``, ...
    """
    check_is_fitted(decision_tree)
    if feature_names is None:
        feature_names = getattr(decision_tree, "feature_names_in_", None)
    names = [] if feature_names is None else [str(n) for n in feature_names]
    options = {"max_depth": int(max_depth), "spacing": int(spacing), "decimals": int(decimals), "show_weights": bool(show_weights)}
    return decision_tree._model.text(names, json.dumps(options))
