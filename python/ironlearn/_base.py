"""Shared machinery of the scikit-learn-style estimators.

Every estimator is a thin Python class: scikit-learn's conventions
(constructor parameters, ``validate_data``, fitted attributes ending in ``_``)
live here, the algorithm lives in Rust. A fitted estimator holds one native
model; pickling stores that model's file bytes (the common ironlearn model
format, which holds no code), never Python objects.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names,
    _check_n_features,
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from . import _native


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


def _is_dataframe(X: Any) -> bool:
    return hasattr(X, "columns") and (hasattr(X, "dtypes") or hasattr(X, "schema")) and not isinstance(X, np.ndarray)


def _has_text_columns(X: Any) -> bool:
    """Whether a DataFrame (pandas or polars) or array holds non-numeric columns."""
    if hasattr(X, "dtypes") and hasattr(X, "iloc"):  # pandas
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        return any(not (is_numeric_dtype(dt) or is_bool_dtype(dt)) for dt in X.dtypes)
    if hasattr(X, "schema") and hasattr(X, "columns"):  # polars, pyarrow
        try:
            return any(not (dt.is_numeric() or str(dt) == "Boolean") for dt in X.schema.values())
        except AttributeError:
            return True
    arr = np.asarray(X)
    return arr.dtype.kind in "OUS"


def _text_column(values: Any) -> list:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append(None)
        else:
            out.append(str(v))
    return out


def to_frame(X: Any) -> _native.Frame:
    """A native table from a DataFrame, an Arrow object or a 2-D array with text."""
    if isinstance(X, _native.Frame):
        return X
    if hasattr(X, "__arrow_c_stream__"):
        try:
            return _native.frame_from_arrow(X)
        except (ImportError, ModuleNotFoundError, NotImplementedError):
            pass  # pandas without pyarrow: fall back to columns
    if hasattr(X, "iloc"):  # pandas
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        names = [str(c) for c in X.columns]
        cols = []
        for c in X.columns:
            s = X[c]
            if is_numeric_dtype(s.dtype) or is_bool_dtype(s.dtype):
                cols.append(np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan)))
            else:
                cols.append(_text_column(s.tolist()))
        return _native.frame_from_columns(names, cols)
    if hasattr(X, "to_numpy") and hasattr(X, "columns"):  # polars without Arrow capsule
        names = [str(c) for c in X.columns]
        cols = []
        for c in X.columns:
            s = X[c]
            if s.dtype.is_numeric():
                cols.append(np.ascontiguousarray(s.cast(float).to_numpy()))
            else:
                cols.append(_text_column(s.to_list()))
        return _native.frame_from_columns(names, cols)
    arr = np.asarray(X, dtype=object) if np.asarray(X).dtype.kind in "OUS" else np.asarray(X)
    if arr.ndim != 2:
        raise ValueError(f"Expected 2D array, got {arr.ndim}D array instead")
    names = [f"x{j}" for j in range(arr.shape[1])]
    cols = []
    for j in range(arr.shape[1]):
        col = arr[:, j]
        try:
            cols.append(np.ascontiguousarray(col.astype(np.float64)))
        except (TypeError, ValueError):
            cols.append(_text_column(col))
    return _native.frame_from_columns(names, cols)


def _as_float_matrix(X: Any) -> np.ndarray:
    return np.asarray(X, dtype=np.float64)


class IronEstimator(BaseEstimator):
    """Base class: parameters go to Rust as JSON, the fitted model stays in Rust."""

    _kind: str = ""
    #: Whether the estimator takes tables with text columns (booster, encoder, imputer).
    _tabular: bool = False
    _allow_nan: bool = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allow_nan
        if self._tabular:
            tags.input_tags.categorical = True
            tags.input_tags.string = True
        return tags

    # -- parameters ---------------------------------------------------------
    def _native_params(self) -> dict:
        """The parameters Rust receives (subclasses rename or drop some)."""
        return {k: _jsonable(v) for k, v in self.get_params(deep=False).items()}

    # -- input --------------------------------------------------------------
    def _prepare_X(self, X: Any, reset: bool):
        """Validates X like scikit-learn and returns what Rust reads."""
        if self._tabular and (_is_dataframe(X) or isinstance(X, _native.Frame)) and _has_text_columns(X):
            _check_feature_names(self, X, reset=reset)
            frame = to_frame(X)
            _check_n_features(self, _Shape(frame.shape), reset=reset)
            return frame
        if self._tabular and not _is_dataframe(X) and not hasattr(X, "__arrow_c_stream__"):
            arr = np.asarray(X) if not hasattr(X, "toarray") else X
            if getattr(arr, "dtype", None) is not None and arr.dtype.kind in "OUS":
                X = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
                return to_frame(X)
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        return np.ascontiguousarray(X, dtype=np.float64)

    def _weights(self, sample_weight, X) -> np.ndarray | None:
        if sample_weight is None:
            return None
        n = X.shape[0]
        return np.ascontiguousarray(_check_sample_weight(sample_weight, np.empty((n, 0)), dtype=np.float64))

    # -- persistence ----------------------------------------------------------
    def _header(self) -> dict:
        header: dict = {}
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            header["feature_names"] = [str(n) for n in names]
        classes = getattr(self, "classes_", None)
        if classes is not None:
            header["target"] = {
                "name": None,
                "task": "classification",
                "classes": [str(c) for c in classes],
                "dtype": _dtype_name(np.asarray(classes)),
            }
        return header

    def __getstate__(self):
        state = {"params": self.get_params(deep=False)}
        model = self.__dict__.get("_model")
        if model is not None:
            state["model"] = bytes(model.to_bytes(json.dumps(self._header())))
            state["n_features_in_"] = self.n_features_in_
            if hasattr(self, "feature_names_in_"):
                state["feature_names_in_"] = list(self.feature_names_in_)
        state["extra"] = self._extra_state()
        return state

    def __setstate__(self, state):
        self.__dict__.update(state["params"])
        self.__dict__.update(self._params_from_state(state["params"]))
        if "model" in state:
            model, header = _native.load_bytes(state["model"])
            self._model = model
            self.n_features_in_ = state["n_features_in_"]
            if "feature_names_in_" in state:
                self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
            target = json.loads(header).get("target") or {}
            if target.get("classes") is not None:
                self.classes_ = _classes_from(target["classes"], target.get("dtype"))
            self._set_learned()
        self._restore_extra(state.get("extra") or {})

    def _params_from_state(self, params: dict) -> dict:
        return {}

    def _extra_state(self) -> dict:
        return {}

    def _restore_extra(self, extra: dict) -> None:
        pass

    # -- after fitting --------------------------------------------------------
    def _set_learned(self) -> None:
        """Copies the native model's learned attributes onto self."""
        for name, value in self._model.attributes().items():
            if name == "classes_":
                continue
            setattr(self, name, value)

    def _fit_native(self, X_native, y=None, classes=None, sample_weight=None):
        self._model = _native.fit(self._kind, json.dumps(self._native_params()), X_native, y, classes, sample_weight)
        self._set_learned()
        return self


class _Shape:
    """A stand-in with `.shape`, for `_check_n_features` on native frames."""

    def __init__(self, shape):
        self.shape = shape


def _dtype_name(a: np.ndarray) -> str:
    kind = a.dtype.kind
    if kind in "iu":
        return "int64"
    if kind == "f":
        return "float64"
    if kind == "b":
        return "bool"
    return "str"


def _classes_from(classes: list, dtype: str | None) -> np.ndarray:
    if dtype == "int64":
        return np.asarray([int(float(c)) for c in classes])
    if dtype == "float64":
        return np.asarray([float(c) for c in classes])
    if dtype == "bool":
        return np.asarray([c == "True" for c in classes])
    return np.asarray(classes)


def encode_labels(y) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Classes (sorted, as numpy sorts them), int64 codes, and class names for Rust."""
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.astype(np.int64), [str(c) for c in classes]


__all__ = ["IronEstimator", "check_is_fitted", "encode_labels", "to_frame", "validate_data"]
