"""Shared machinery of the scikit-learn-style estimators.

Every estimator is a thin Python class: scikit-learn's conventions
(constructor parameters, ``validate_data``, fitted attributes ending in ``_``)
live here, the algorithm lives in Rust. A public class is a task mixin from
this module (``IronRegressor``, ``IronClassifier``, ``IronTransformer``,
``IronClusterer``, ``IronOutlierDetector``) plus its generated parameter class (``_generated.py``,
written from the Rust registry by ``scripts/gen_python.py``), plus whatever
it does beyond the generic wrapper. A fitted estimator holds one native
model; pickling stores that model's file bytes (the common ironlearn model
format, which holds no code), never Python objects.
"""

from __future__ import annotations

import difflib
import inspect
import json
import math
import numbers
import re
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    OutlierMixin,
    RegressorMixin,
    TransformerMixin,
    is_classifier,
)
from sklearn.utils import Bunch
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    _check_n_features,
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from . import _native


_DESCRIBED: dict = {}


def _described(kind: str) -> dict:
    """The Rust registry's description of ``kind`` (parameters, domains, aliases), read once: a fit reads its own
    entry, not the whole registry."""
    if kind not in _DESCRIBED:
        found = json.loads(_native.estimators(kind))
        _DESCRIBED[kind] = found[0] if found else {"name": kind, "params": []}
    return _DESCRIBED[kind]


def _registry_names(kind: str) -> set:
    """The parameter names and aliases the Rust registry accepts for ``kind``."""
    return {n for p in _described(kind)["params"] for n in (p["name"], *p.get("aliases", ()))}


def _spec(est: Any) -> dict:
    """An estimator given as a parameter (a meta-estimator's member), as Rust's spec of it."""
    if isinstance(est, IronEstimator):
        return {"kind": est._kind, "params": est._native_params()}
    if isinstance(est, str):
        return {"kind": est}
    if isinstance(est, dict) and "kind" in est:
        return {str(k): _jsonable(x) for k, x in est.items()}
    raise TypeError(
        f"an ironlearn meta-estimator wraps ironlearn estimators (or their spec {{'kind': ..., 'params': ...}}); "
        f"got {type(est).__module__}.{type(est).__name__}"
    )


def _is_nested(v: Any) -> bool:
    """Whether an attribute value is a fitted member of a meta-estimator (Rust's saved form of one)."""
    return isinstance(v, dict) and {"kind", "params", "state", "arrays"} <= v.keys()


def _is_array(v: Any) -> bool:
    """Whether an attribute value is an array in ndarray's serde layout (inside a list the
    Rust side cannot show as one array: a network's weight matrices, one per layer)."""
    return isinstance(v, dict) and v.keys() == {"v", "dim", "data"}


def _jsonable(v: Any) -> Any:
    if isinstance(v, BaseEstimator):
        return _spec(v)
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) and (
        isinstance(v[1], BaseEstimator) or v[1] == "drop"
    ):
        # scikit-learn's (name, estimator) pair; "drop" leaves it out.
        return {"name": v[0], **_spec(v[1])}
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


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN, pandas.NA and NaT
    except (TypeError, ValueError):
        return False


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _mixed_example(values: Any, all_text: bool = False) -> tuple | None:
    """A (number, string) pair when a column holds both, else None.

    ``values`` are a column's Python objects (missing values count as
    neither). With ``all_text`` (a numpy string array, where numpy already
    turned numbers into text) a number is a text that parses as one.
    """
    if all_text:
        try:
            np.asarray(values).astype(np.float64)
            return None  # every text is a number
        except (TypeError, ValueError):
            pass
    else:
        try:
            from pandas.api.types import infer_dtype
        except ImportError:
            pass
        else:
            if infer_dtype(values, skipna=True) not in ("mixed", "mixed-integer", "unknown-array"):
                return None  # one kind of value (all strings, all numbers...), inferred in C
    number = text = None
    for v in values:
        if all_text:
            s = str(v)
            if s == "" or s.lower() == "nan":
                continue
            if _looks_numeric(s):
                number = s if number is None else number
            elif text is None:
                text = s
        elif isinstance(v, (str, bytes)):
            text = v if text is None else text
        elif isinstance(v, (numbers.Number, np.bool_)) and not _is_missing(v):
            number = v if number is None else number
        if number is not None and text is not None:
            return number, text
    return None


def _mixed_error(where: str, example: tuple, column: str) -> ValueError:
    number, text = example
    return ValueError(
        f"{where} mixes numbers and strings (e.g. {_jsonable(number)!r} and {text!r}); ironlearn does not guess "
        f"which is meant: convert it to one type first, to text ({column}.astype(str)) to use it as a categorical "
        f"column, or to numbers (pd.to_numeric({column}, errors='coerce'), which makes the strings missing values)"
    )


def check_mixed_columns(X: Any) -> None:
    """Refuses a DataFrame or array column that holds both numbers and strings, naming the column.

    Such a column is neither numeric nor categorical: reading it as text
    would make the numbers category labels, converting it would turn
    numeric-looking strings into numbers, and both go unnoticed.
    """
    if isinstance(X, _native.Frame) or X is None:
        return
    if hasattr(X, "dtypes") and hasattr(X, "iloc"):  # pandas
        for j, (c, dt) in enumerate(zip(X.columns, X.dtypes)):
            if dt == object:
                example = _mixed_example(X.iloc[:, j].to_numpy())
                if example is not None:
                    raise _mixed_error(f"column {str(c)!r}", example, f"df[{c!r}]")
        return
    if hasattr(X, "schema") or hasattr(X, "toarray") or hasattr(X, "__arrow_c_stream__"):
        return  # Arrow, polars and sparse columns have one type each
    dtype = getattr(X, "dtype", None)
    if dtype is None and isinstance(X, (list, tuple)):
        try:
            X = np.asarray(X, dtype=object)
        except ValueError:
            return  # ragged: validation reports it
        dtype = X.dtype
    if dtype is None or dtype.kind not in "OUS" or getattr(X, "ndim", 0) != 2:
        return
    for j in range(X.shape[1]):
        example = _mixed_example(X[:, j], all_text=dtype.kind in "US")
        if example is not None:
            raise _mixed_error(f"column {j} of X", example, f"X[:, {j}]")


def check_numeric_columns(X: Any, who: str) -> None:
    """Refuses, naming the column, a DataFrame column of dates or text given to an estimator
    that reads numbers only (numpy would say "could not convert string to float" or name no column)."""
    if not (hasattr(X, "dtypes") and hasattr(X, "iloc")):  # pandas only: the others name their columns
        return
    for j, (c, dt) in enumerate(zip(X.columns, X.dtypes)):
        kind = getattr(dt, "kind", "O")
        if kind in "mM" or "datetime" in str(dt):
            raise ValueError(
                f"column {str(c)!r} holds dates ({dt}); {who} reads numbers: convert the dates to numbers first, "
                f"such as (df[{c!r}] - pd.Timestamp(0)).dt.total_seconds(), or df[{c!r}].dt.dayofweek"
            )
        if kind in "OUS" or str(dt) in ("category", "string", "str"):
            values = X.iloc[:, j]
            text = next((v for v in values if isinstance(v, str)), None)
            if text is not None:
                raise ValueError(
                    f"column {str(c)!r} holds text (such as {text!r}); {who} reads numbers: encode it first "
                    "(ironlearn.OneHotEncoder, or pandas.get_dummies), or drop it"
                )


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
    check_mixed_columns(X)
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


class InvalidParameterError(ValueError, TypeError):
    """A parameter outside its declared domain (a ValueError and a TypeError, as in scikit-learn)."""


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _describe(domain: dict) -> str:
    """A domain in words, as Rust's ``Domain::describe`` words it ("an integer >= 1")."""
    kind, lo, hi = domain["type"], domain.get("min"), domain.get("max")
    if kind == "choice":
        return "one of " + ", ".join(f"'{v}'" for v in domain["values"])
    if kind == "int":
        return f"an integer >= {lo}" if hi is None else f"an integer in [{lo}, {hi}]"
    if kind == "float":
        lo_open, hi_open = domain.get("min_open", False), domain.get("max_open", False)
        if lo is None and hi is None:
            return "a finite number"
        if hi is None:
            return f"a finite number {'>' if lo_open else '>='} {_number(lo)}"
        if lo is None:
            return f"a finite number {'<' if hi_open else '<='} {_number(hi)}"
        return f"a number in {'(' if lo_open else '['}{_number(lo)}, {_number(hi)}{')' if hi_open else ']'}"
    return ""


def _check_param(name: str, value: Any, domain: dict) -> None:
    """Checks one value against its registry domain; the error names the Python parameter.

    No value is converted first: ``n_estimators=5.5`` is refused, not truncated.
    ``None`` and domains of type "any" are left to Rust, which checks types.
    """
    kind = domain["type"]
    if value is None or kind == "any":
        return
    if kind == "choice":
        ok = isinstance(value, str) and value in domain["values"]
    else:
        want = numbers.Integral if kind == "int" else numbers.Real
        if not isinstance(value, want) or isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(f"parameter '{name}': must be {_describe(domain)}, got {value!r} ({type(value).__name__})")
        lo, hi = domain.get("min"), domain.get("max")
        if kind == "int":
            ok = lo <= value and (hi is None or value <= hi)
        else:
            v = float(value)
            ok = (
                math.isfinite(v)
                and (lo is None or (v > lo if domain.get("min_open") else v >= lo))
                and (hi is None or (v < hi if domain.get("max_open") else v <= hi))
            )
    if not ok:
        raise InvalidParameterError(f"parameter '{name}': must be {_describe(domain)}, got {_jsonable(value)!r}")


_SECTION = re.compile(r"^\S.*\n-{3,}$", re.M)


def _merge_doc(own: str | None, generated: str) -> str:
    """A public class's docstring: its own text, with the generated Parameters section before its first section."""
    gen = inspect.cleandoc(generated)
    if not own:
        return gen
    own = inspect.cleandoc(own)
    params = re.search(r"^Parameters\n-{3,}$", gen, re.M)
    if params is None or re.search(r"^Parameters\n-{3,}$", own, re.M):
        return own
    section = _SECTION.search(own)
    at = section.start() if section else len(own)
    return own[:at].rstrip() + "\n\n" + gen[params.start() :] + ("\n\n" + own[at:] if section else "")


class IronEstimator(BaseEstimator):
    """Base class: parameters go to Rust as JSON, the fitted model stays in Rust.

    A generated subclass (``_generated.py``, from the Rust registry) sets the
    constructor and these class attributes; task mixins below add ``fit`` and
    the methods of their task.
    """

    #: The registry name of the Rust estimator.
    _kind: str = ""
    #: The registry's capability tags (``categorical``, ``missing_values``, ``predict_proba``, ...).
    _tags: dict = {}
    #: Python name -> (Rust name, domain).
    _params: dict = {}
    #: Parameters of the Python class only, never sent to Rust.
    _python_only: tuple = ()
    #: Whether the constructor takes further registry parameters as ``**kwargs``.
    _takes_kwargs: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        generated = f"{__name__.rsplit('.', 1)[0]}._generated"
        base = next((b for b in cls.__mro__[1:] if b.__module__ == generated), None)
        if base is not None and base.__doc__:
            cls.__doc__ = _merge_doc(cls.__dict__.get("__doc__"), base.__doc__)

    # -- parameters ---------------------------------------------------------
    def _set_other_params(self, kwargs: dict) -> None:
        """Stores ``**kwargs`` parameters as attributes, as LightGBM's estimators do."""
        self._other_params = dict(kwargs)
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        params.update(self.__dict__.get("_other_params", {}))
        return params

    #: Names the estimator takes through ``**kwargs`` beyond the registry's
    #: parameters and aliases (a subclass adds, e.g., LightGBM's ignored ones).
    _extra_kwargs: frozenset = frozenset()

    def _accepted_kwargs(self) -> set:
        """Every name ``**kwargs`` may hold: the registry's parameters, their aliases, and ``_extra_kwargs``."""
        return _registry_names(self._kind) | set(self._extra_kwargs)

    def set_params(self, **params):
        """Sets parameters; an unknown name raises here, as in scikit-learn, not later at ``fit``."""
        if not self._takes_kwargs:
            return super().set_params(**params)
        names = self._get_param_names()
        accepted = None
        for k in params:
            if k in names or k in self.__dict__.get("_other_params", {}):
                continue
            accepted = self._accepted_kwargs() if accepted is None else accepted
            if k not in accepted:
                close = difflib.get_close_matches(k, sorted(set(names) | accepted), n=3)
                hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                raise ValueError(
                    f"Invalid parameter {k!r} for estimator {type(self).__name__}().{hint} Valid parameters are: "
                    f"{sorted(names)}, and the other {self._kind} parameters by their ironlearn or LightGBM names "
                    f"(`ironlearn models` lists them)."
                )
        for k, v in params.items():
            setattr(self, k, v)
            if k not in names:
                self._other_params[k] = v
        return self

    def _check_params(self) -> None:
        """Checks the parameters against their registry domains, as ``fit`` starts."""
        for name, (_, domain) in self._params.items():
            _check_param(name, getattr(self, name), domain)

    def _native_params(self) -> dict:
        """The parameters Rust receives: Python names are Rust names or their aliases.

        A classifier's ``constant`` is a label, which Rust knows by its text:
        ``constant=1`` for integer labels is the class "1", as scikit-learn takes it.
        """
        params = {k: _jsonable(v) for k, v in self.get_params(deep=False).items() if k not in self._python_only}
        constant = params.get("constant")
        if is_classifier(self) and isinstance(constant, numbers.Number) and not isinstance(constant, bool):
            params["constant"] = str(constant)
        return params

    def _python_names(self, message: str) -> str:
        """A Rust message with Rust parameter names replaced by the Python ones, and a column
        given by its index named as the DataFrame names it."""
        for name, (rust, _) in self._params.items():
            if name != rust:
                message = message.replace(f"parameter '{rust}'", f"parameter '{name}'")
        names = getattr(self, "feature_names_in_", None)
        if names is not None:

            def named(m: re.Match) -> str:
                j = int(m.group(2))
                return f"{m.group(1)}column {str(names[j])!r})" if j < len(names) else m.group(0)

            message = re.sub(r"(\(row \d+, )column (\d+)\)", named, message)
        return message

    # -- input --------------------------------------------------------------
    def _prepare_X(self, X: Any, reset: bool):
        """Validates X like scikit-learn and returns what Rust reads."""
        X = self._one_feature(X)
        check_mixed_columns(X)
        tabular = self._tags.get("categorical", False)
        if not tabular:
            check_numeric_columns(X, type(self).__name__)
        if tabular and (_is_dataframe(X) or isinstance(X, _native.Frame)) and _has_text_columns(X):
            _check_feature_names(self, X, reset=reset)
            frame = to_frame(X)
            _check_n_features(self, _Shape(frame.shape), reset=reset)
            return frame
        if tabular and not _is_dataframe(X) and not hasattr(X, "__arrow_c_stream__"):
            arr = np.asarray(X) if not hasattr(X, "toarray") else X
            if getattr(arr, "dtype", None) is not None and arr.dtype.kind in "OUS":
                X = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
                return to_frame(X)
        X = validate_data(self, X, reset=reset, dtype=self._dtypes(), ensure_all_finite=False, accept_sparse=self._sparse())
        return _native_X(X)

    def _sparse(self):
        """What validate_data may pass through as sparse: CSR for an estimator tagged sparse."""
        return ("csr",) if self._tags.get("sparse") else False

    def _dtypes(self):
        """The dtypes validate_data keeps: float32 too for an estimator tagged f32 (it computes in
        float32, as scikit-learn's MLP does for float32 input), else float64."""
        return (np.float64, np.float32) if self._tags.get("f32") else np.float64

    def _one_feature(self, X: Any) -> Any:
        """A 1-D X as one column, for an estimator of one feature (isotonic regression)."""
        if self._tags.get("one_feature") and np.ndim(X) == 1:
            return np.asarray(X, dtype=np.float64).reshape(-1, 1)
        return X

    def _weights(self, sample_weight, X) -> np.ndarray | None:
        if sample_weight is None:
            return None
        n = X.shape[0]
        return np.ascontiguousarray(_check_sample_weight(sample_weight, np.empty((n, 0)), dtype=np.float64))

    # -- persistence ----------------------------------------------------------
    def _header(self) -> dict:
        """What the model file says beyond the model: feature names, and the target's name and classes.

        ``ironlearn predict`` matches columns by these names, so a model saved
        from Python reads the same CSV the DataFrame came from.
        """
        header: dict = {}
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            header["feature_names"] = [str(n) for n in names]
        target_name = self.__dict__.get("_target_name")
        classes = getattr(self, "classes_", None)
        if classes is not None:
            header["target"] = {
                "name": target_name,
                "task": "classification",
                "classes": [str(c) for c in classes],
                "dtype": _dtype_name(np.asarray(classes)),
            }
        elif target_name is not None:
            header["target_name"] = target_name
        return header

    def save_model(self, path) -> "IronEstimator":
        """Writes the fitted model as an ironlearn model file (the bytes a pickle holds).

        The file opens in ``ironlearn predict --model PATH`` and ``ironlearn info``,
        which match columns by the feature names it records (a DataFrame's
        column names, else ``x0``, ``x1``, ...).
        """
        check_is_fitted(self)
        data = bytes(self._model.to_bytes(json.dumps(self._header())))
        with open(path, "wb") as f:
            f.write(data)
        return self

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
        if self._takes_kwargs:
            names = self._get_param_names()
            self._other_params = {k: v for k, v in state["params"].items() if k not in names}
        if "model" in state:
            model, header = _native.load_bytes(state["model"])
            self._model = model
            self.n_features_in_ = state["n_features_in_"]
            if "feature_names_in_" in state:
                self.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
            target = json.loads(header).get("target") or {}
            if target.get("name") is not None:
                self._target_name = target["name"]
            if target.get("classes") is not None:
                self.classes_ = _classes_from(target["classes"], target.get("dtype"))
            self._set_learned()
        self._restore_extra(state.get("extra") or {})

    def _extra_state(self) -> dict:
        return {}

    def _restore_extra(self, extra: dict) -> None:
        pass

    def _warm_start(self) -> bool:
        return "warm_start" in self._params and bool(getattr(self, "warm_start", False)) and (
            getattr(self, "_model", None) is not None
        )

    # -- after fitting --------------------------------------------------------
    def _set_learned(self) -> None:
        """Copies the native model's learned attributes onto self; fitted members
        of a meta-estimator become fitted Python estimators."""
        for name, value in self._model.attributes().items():
            if name == "classes_":
                continue
            if isinstance(value, list) and value and all(_is_nested(v) for v in value):
                value = [self._member(v) for v in value]
            elif isinstance(value, list) and value and all(_is_array(v) for v in value):
                value = [np.asarray(v["data"], dtype=np.float64).reshape(v["dim"]) for v in value]
            elif _is_nested(value):
                value = self._member(value)
            setattr(self, name, value)
        if isinstance(getattr(self, "names_", None), list) and isinstance(getattr(self, "estimators_", None), list):
            self.named_estimators_ = Bunch(**dict(zip(self.names_, self.estimators_)))

    def _member(self, saved: dict) -> Any:
        """A fitted member, from the form the parent's attributes show."""
        est = from_spec({"kind": saved["kind"], "params": saved.get("params") or {}})
        est._model = _native.nested_model(json.dumps(saved))
        if hasattr(self, "n_features_in_"):
            est.n_features_in_ = self.n_features_in_
        if hasattr(self, "feature_names_in_"):
            est.feature_names_in_ = self.feature_names_in_
        if is_classifier(est) and hasattr(self, "classes_"):
            est.classes_ = self.classes_
        est._set_learned()
        return est

    def _fit_native(self, X_native, y=None, classes=None, sample_weight=None, init_model=None, partial=False):
        self._check_params()
        if init_model is None and self._warm_start():
            # scikit-learn's warm_start: continue the fitted model (more trees) instead of starting over.
            init_model = self._model
        try:
            model = _native.fit(
                self._kind,
                json.dumps(self._native_params()),
                X_native,
                y,
                classes,
                sample_weight,
                init_model=init_model,
                partial=partial,
            )
        except ValueError as e:
            message = self._python_names(str(e))
            if message == str(e):
                raise
            raise type(e)(message) from None
        self._model = model
        self._set_learned()
        return self


# -- the generic plumbing of each task ------------------------------------------


def _answers_neighbours(est) -> bool:
    return bool(est._tags.get("neighbors"))


class _NeighborsQueries:
    """scikit-learn's ``kneighbors`` and ``radius_neighbors``, for the models that answer them."""

    @available_if(_answers_neighbours)
    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The nearest training rows of each row of X (of each training row, itself left out, when X is None):
        distances and indices, nearest first."""
        check_is_fitted(self)
        if n_neighbors is not None and (not isinstance(n_neighbors, numbers.Integral) or n_neighbors <= 0):
            raise ValueError(f"Expected n_neighbors > 0. Got {n_neighbors}")
        Xn = None if X is None else self._prepare_X(X, reset=False)
        dist, ind = self._model.kneighbors(Xn, None if n_neighbors is None else int(n_neighbors))
        return (dist, ind) if return_distance else ind

    @available_if(_answers_neighbours)
    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """The training rows within ``radius`` of each row of X (object arrays of per-row arrays, nearest first)."""
        check_is_fitted(self)
        Xn = None if X is None else self._prepare_X(X, reset=False)
        dist, ind = self._model.radius_neighbors(Xn, None if radius is None else float(radius))
        as_objects = lambda rows: np.array(rows + [None], dtype=object)[:-1]  # noqa: E731 (ragged rows)
        return (as_objects(dist), as_objects(ind)) if return_distance else as_objects(ind)


def _learns_incrementally(est) -> bool:
    return bool(est._tags.get("partial_fit"))


def _partial_first_call(est) -> bool:
    """Whether this ``partial_fit`` starts a new model (none yet, or after a ``fit``'s reset)."""
    return getattr(est, "_model", None) is None




def _also_transforms(est) -> bool:
    return bool(est._tags.get("transform"))


class _AlsoTransforms:
    """``transform`` for the predictors that also transform X (their ``transform`` tag):
    linear discriminant analysis' axes, stacking's member predictions."""

    @available_if(_also_transforms)
    def transform(self, X):
        """X transformed by the fitted model."""
        check_is_fitted(self)
        return self._model.transform(self._prepare_X(X, reset=False))

    @available_if(_also_transforms)
    def fit_transform(self, X, y=None, **fit_params):
        """``fit`` then ``transform`` on the same X."""
        return self.fit(X, y, **fit_params).transform(X)


class IronRegressor(RegressorMixin, _AlsoTransforms, _NeighborsQueries, IronEstimator):
    """``fit(X, y, sample_weight)`` and ``predict`` for numeric matrices."""

    def fit(self, X, y, sample_weight=None):
        """Fits the model; returns self."""
        check_mixed_columns(X)
        X = self._one_feature(X)
        check_numeric_columns(X, type(self).__name__)
        self._target_name = _target_name(y)
        X, y = validate_data(self, X, y, dtype=self._dtypes(), ensure_all_finite=False, y_numeric=True, accept_sparse=self._sparse())
        y = np.ascontiguousarray(y, dtype=np.float64)
        return self._fit_native(_native_X(X), y, sample_weight=self._weights(sample_weight, X))

    def predict(self, X):
        """Predicted values, shape (n_samples,)."""
        check_is_fitted(self)
        return self._model.predict(self._prepare_X(X, reset=False))

    @available_if(_learns_incrementally)
    def partial_fit(self, X, y, sample_weight=None):
        """Updates the model with one more batch (starts one on the first call); returns self."""
        first = _partial_first_call(self)
        check_numeric_columns(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=self._dtypes(), ensure_all_finite=False, y_numeric=True, reset=first, accept_sparse=self._sparse())
        y = np.ascontiguousarray(y, dtype=np.float64)
        init = None if first else self._model
        return self._fit_native(
            _native_X(X), y, sample_weight=self._weights(sample_weight, X), init_model=init, partial=True
        )


def _has_tag(est, tag: str) -> bool:
    """Whether the estimator, with its current parameters, has the capability ``tag`` (the Rust tags decide)."""
    if not est._tags.get(tag):
        return False
    try:
        tags = json.loads(_native.estimator_tags(est._kind, json.dumps(est._native_params())))
    except ValueError:  # parameters Rust refuses: fit will say why
        return True
    return bool(tags.get(tag))


def _gives_proba(est) -> bool:
    """Whether the estimator, with its current parameters, gives probabilities."""
    return _has_tag(est, "predict_proba")


def _gives_decision(est) -> bool:
    """Whether the estimator, with its current parameters, gives decision values."""
    return _has_tag(est, "decision_function")


class IronClassifier(ClassifierMixin, _AlsoTransforms, _NeighborsQueries, IronEstimator):
    """``fit`` with any labels (``classes_`` in numpy's sorted order), ``predict`` and class probabilities."""

    def fit(self, X, y, sample_weight=None):
        """Fits the model; returns self."""
        check_mixed_columns(X)
        check_numeric_columns(X, type(self).__name__)
        self._target_name = _target_name(y)
        X, y = validate_data(self, X, y, dtype=self._dtypes(), ensure_all_finite=False, accept_sparse=self._sparse())
        self.classes_, codes, names = encode_labels(y)
        return self._fit_native(_native_X(X), codes, names, self._weights(sample_weight, X))

    def predict(self, X):
        """Predicted class labels."""
        check_is_fitted(self)
        return self.classes_[self._model.predict(self._prepare_X(X, reset=False))]

    @available_if(_learns_incrementally)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Updates the model with one more batch; returns self.

        The first call must name every class the model will see (``classes``),
        as scikit-learn's ``partial_fit`` does; later calls may repeat them.
        """
        first = _partial_first_call(self)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_, _, _ = encode_labels(np.asarray(classes))
        elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(
                f"`classes={np.asarray(classes)!r}` is not the same as on last call to partial_fit, was: {self.classes_!r}"
            )
        check_numeric_columns(X, type(self).__name__)
        X, y = validate_data(self, X, y, dtype=self._dtypes(), ensure_all_finite=False, reset=first, accept_sparse=self._sparse())
        y = column_or_1d(y, warn=True)
        _check_label_values(y)
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(f"y has labels not in classes: {unseen.tolist()!r} (classes: {self.classes_.tolist()!r})")
        codes = np.searchsorted(self.classes_, y).astype(np.int64)
        names = [str(c) for c in self.classes_]
        init = None if first else self._model
        return self._fit_native(
            _native_X(X), codes, names, self._weights(sample_weight, X), init_model=init, partial=True
        )

    @available_if(_gives_proba)
    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self)
        return self._model.predict_proba(self._prepare_X(X, reset=False))

    @available_if(_gives_proba)
    def predict_log_proba(self, X):
        """Log of the class probabilities."""
        return np.log(self.predict_proba(X))

    @available_if(_gives_decision)
    def decision_function(self, X):
        """Decision values: shape (n_samples,) for two classes (positive for ``classes_[1]``), else one column per class."""
        check_is_fitted(self)
        d = self._model.decision_function(self._prepare_X(X, reset=False))
        return d[:, 0] if d.shape[1] == 1 else d


class IronTransformer(TransformerMixin, IronEstimator):
    """``fit`` (y ignored) and ``transform``; tables with text columns keep them as text."""

    def fit(self, X, y=None, sample_weight=None):
        """Fits on X (y is ignored); returns self."""
        Xn = self._prepare_X(X, reset=True)
        return self._fit_native(Xn, sample_weight=self._weights(sample_weight, Xn))

    def transform(self, X):
        """The transformed data: float64, or an object array when text columns remain."""
        check_is_fitted(self)
        Xn = self._prepare_X(X, reset=False)
        if isinstance(Xn, np.ndarray):
            return self._model.transform(Xn)
        cols = self._model.transform_frame(Xn).to_columns()
        if all(isinstance(c, np.ndarray) for c in cols):
            return np.column_stack(cols) if cols else np.empty((Xn.shape[0], 0))
        out = np.empty((Xn.shape[0], len(cols)), dtype=object)
        for j, c in enumerate(cols):
            out[:, j] = c
        return out

    def get_feature_names_out(self, input_features=None):
        """The output columns' names, as Rust names them."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(self._model.feature_names_out([str(n) for n in names]), dtype=object)


class IronClusterer(ClusterMixin, IronTransformer):
    """Centroid clustering: ``predict`` gives labels, ``transform`` distances to the centres.

    ``fit`` ignores y; ``score`` is the negative (weighted) inertia; ``labels_`` are int64.
    """

    def predict(self, X):
        """The nearest centre of each row."""
        check_is_fitted(self)
        return self._model.predict(self._prepare_X(X, reset=False))

    def score(self, X, y=None, sample_weight=None):
        """Minus the sum over rows of (weight times) the squared distance to the nearest centre."""
        d = self.transform(X)
        w = self._weights(sample_weight, d)
        nearest = d.min(axis=1) ** 2
        return -float(nearest.sum() if w is None else w @ nearest)

    def _set_learned(self):
        super()._set_learned()
        if hasattr(self, "labels_"):
            self.labels_ = np.asarray(self.labels_, dtype=np.int64)
        if hasattr(self, "n_iter_"):
            self.n_iter_ = int(self.n_iter_)


class IronNeighbors(_NeighborsQueries, IronEstimator):
    """An index of the training rows: ``fit(X)``, then ``kneighbors`` and ``radius_neighbors``."""

    def fit(self, X, y=None):
        """Indexes X (y is ignored); returns self."""
        return self._fit_native(self._prepare_X(X, reset=True))


class IronOutlierDetector(OutlierMixin, IronEstimator):
    """Outlier detection: ``fit`` (y ignored), ``predict`` (1 inlier, -1 outlier), ``decision_function``
    (negative for outliers) and ``score_samples`` (lower is more abnormal)."""

    def fit(self, X, y=None, sample_weight=None):
        """Fits on X (y is ignored); returns self."""
        Xn = self._prepare_X(X, reset=True)
        return self._fit_native(Xn, sample_weight=self._weights(sample_weight, Xn))

    def predict(self, X):
        """1 for an inlier, -1 for an outlier."""
        check_is_fitted(self)
        return self._model.predict(self._prepare_X(X, reset=False))

    def decision_function(self, X):
        """The score shifted so that outliers are negative: ``score_samples(X) - offset_``."""
        check_is_fitted(self)
        return self._model.decision_function(self._prepare_X(X, reset=False))[:, 0]

    def score_samples(self, X):
        """How normal each row is: the lower, the more abnormal."""
        check_is_fitted(self)
        return self._model.score_samples(self._prepare_X(X, reset=False))


def _public_classes(kind: str) -> list:
    found, todo = [], list(IronEstimator.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls._kind == kind and not cls.__name__.startswith("_"):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


def from_spec(spec: Any) -> Any:
    """The Python estimator a Rust spec describes (``{"kind": K, "params": {...}}``, or just the kind);
    a spec with a ``name`` gives scikit-learn's ``(name, estimator)`` pair. Nested specs are built too."""
    if isinstance(spec, str):
        spec = {"kind": spec}
    if spec["kind"] == "drop":
        return (spec["name"], "drop") if "name" in spec else "drop"
    classes = _public_classes(spec["kind"])
    if not classes:
        raise ValueError(f"unknown estimator kind {spec['kind']!r}")
    cls = classes[0]
    python_name = {rust: py for py, (rust, _) in cls._params.items()}

    def value(v: Any) -> Any:
        if isinstance(v, dict) and "kind" in v:
            return from_spec(v)
        if isinstance(v, list):
            return [value(x) for x in v]
        return v

    est = cls(**{python_name.get(k, k): value(v) for k, v in spec.get("params", {}).items()})
    return (spec["name"], est) if "name" in spec else est


class _Shape:
    """A stand-in with `.shape`, for `_check_n_features` on native frames."""

    def __init__(self, shape):
        self.shape = shape


def _target_name(y: Any) -> str | None:
    """The name of a target given as a named Series (pandas or polars), for the model file."""
    name = getattr(y, "name", None)
    return name if isinstance(name, str) and name else None


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
    """Classes (sorted, as numpy sorts them), integer codes (``narrow_codes``), and class names for Rust."""
    y = column_or_1d(y, warn=True)
    _check_label_values(y)
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    return classes, narrow_codes(codes, len(classes)), [str(c) for c in classes]


def narrow_codes(codes: np.ndarray, n_classes: int) -> np.ndarray:
    """Class codes 0..n_classes-1 in the narrowest integer type that holds them (Rust reads int8 to int64): the
    codes live as long as the fit, and a million rows of two classes are 1 MB as int8, 8 MB as int64."""
    for dtype in (np.int8, np.int16, np.int32):
        if n_classes <= np.iinfo(dtype).max + 1:
            return np.ascontiguousarray(codes, dtype=dtype)
    return np.ascontiguousarray(codes, dtype=np.int64)


def _check_label_values(y: np.ndarray) -> None:
    """Refuses, naming the row, labels numpy cannot sort: a missing one, or numbers mixed with strings."""
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(f"y has a missing label (NaN) at row {int(np.flatnonzero(np.isnan(y))[0])}; "
                         "drop the rows without a label, or fill them in")
    if y.dtype != object:
        return
    number, text = None, None
    for i, v in enumerate(y):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is getattr(_pandas(), "NA", object()):
            raise ValueError(f"y has a missing label ({v!r}) at row {i}; drop the rows without a label, or fill them in")
        if isinstance(v, str):
            text = text or (i, v)
        elif isinstance(v, (numbers.Number, np.generic)):
            number = number or (i, v)
        if number and text:
            raise ValueError(
                f"y mixes numbers and strings (e.g. {_jsonable(number[1])!r} at row {number[0]} and {text[1]!r} "
                f"at row {text[0]}); labels must be all numbers or all strings: convert them, "
                "such as y.astype(str)"
            )


def _pandas():
    """pandas if it is already imported (a value of it can only come from it), else None."""
    import sys

    return sys.modules.get("pandas")


__all__ = [
    "InvalidParameterError",
    "IronClassifier",
    "IronClusterer",
    "IronEstimator",
    "IronNeighbors",
    "IronOutlierDetector",
    "IronRegressor",
    "IronTransformer",
    "check_is_fitted",
    "encode_labels",
    "from_spec",
    "to_frame",
    "validate_data",
]


def _native_X(X: Any) -> Any:
    """A validated X as Rust borrows it: CSR parts for a sparse matrix, else a contiguous array,
    float32 as it is (only estimators tagged ``f32`` are given one, see ``_dtypes``) and float64 otherwise."""
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):
        return csr_parts(X)
    if getattr(X, "dtype", None) == np.float32:
        return np.ascontiguousarray(X)
    return np.ascontiguousarray(X, dtype=np.float64)


def csr_parts(X: Any) -> tuple:
    """A scipy.sparse matrix as the `(n_rows, n_cols, indptr, indices, data)` tuple Rust borrows.

    Index arrays are viewed, not copied, when scipy already holds them as
    64-bit offsets and 32-bit column indices; values are float64 as they are.
    """
    import scipy.sparse as sp

    X = sp.csr_array(X)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    indptr = X.indptr.astype(np.uint64, copy=False) if X.indptr.dtype.itemsize == 8 else X.indptr.astype(np.uint64)
    indices = X.indices.view(np.uint32) if X.indices.dtype == np.int32 else X.indices.astype(np.uint32)
    data = np.ascontiguousarray(X.data, dtype=np.float64)
    return (X.shape[0], X.shape[1], indptr, indices, data)
