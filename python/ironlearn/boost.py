"""A LightGBM-compatible booster API.

A LightGBM script switches by changing its import::

    import ironlearn.boost as lgb

``Dataset``, ``train``, ``Booster``, the callbacks (``early_stopping``,
``log_evaluation``, ``record_evaluation``) and the scikit-learn classes
(``LGBMRegressor``, ``LGBMClassifier``, ``LGBMRanker``) take LightGBM's names
and parameters; training runs in ironlearn's Rust booster. ``save_model``
writes ironlearn's model file (with the feature names, their types and the
target, so ``ironlearn predict --model`` reads it); ``Booster(model_file=...)``
reads it, the booster files ``ironlearn train --model gbdt`` writes, LightGBM
text models and XGBoost JSON models.

LightGBM parameters ironlearn does not implement
------------------------------------------------
A parameter is never dropped silently when it could change the model.

Ignored silently, because no value changes the model (``NO_EFFECT_PARAMS``):
logging and verbosity (``verbose``, ``verbosity``, ``verbose_eval``,
``silent``, ``metric_freq``, ``is_provide_training_metric``); output files
(``output_model``, ``snapshot_freq``, ``saved_feature_importance_type``,
``output_result``); threads, memory and data layout (``force_row_wise``,
``force_col_wise``, ``histogram_pool_size``, ``is_enable_sparse``,
``pre_partition``, ``deterministic``, ``seed_per_iteration``); data files and
checks (``header``, ``two_round``, ``feature_pre_filter``,
``predict_disable_shape_check``); GPU devices (``num_gpu``,
``gpu_platform_id``, ``gpu_device_id``, ``gpu_use_dp``); and the settings of
quantized training (``num_grad_quant_bins``, ``quant_train_renew_leaf``,
``stochastic_rounding``), which act only with ``use_quantized_grad``.

Warned about, one ``UserWarning`` per training naming each, when the value
asks for the feature (``NOT_IMPLEMENTED_PARAMS``); training goes on without it:

- ``use_quantized_grad=True``: exact (not quantized) gradients are used;
- ``enable_bundle=True``: features are not bundled (no exclusive feature bundling);
- ``max_conflict_rate > 0``: features are not bundled, so no conflicts are allowed;
- ``Dataset(position=...)``: no position debiasing; the positions are ignored.

Refused with ``NotImplementedError`` unless at their default: ``use_missing``,
``zero_as_missing``, ``tree_learner``, ``device_type``/``device``. Any other
name ironlearn's booster does not know raises ``ValueError`` when training
starts (``ironlearn models`` lists the known ones). ``Booster.predict`` takes
LightGBM's prediction parameters that do not change predictions
(``PREDICT_NO_EFFECT_KWARGS``) and ``pred_early_stop=False``;
``pred_early_stop=True`` raises NotImplementedError, any other keyword TypeError.
"""

from __future__ import annotations

import abc
import base64
import collections
import json
import numbers
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from . import _native
from ._native import __version__  # lightgbm.__version__'s place
from ._base import _has_text_columns, _is_dataframe, _jsonable, _target_name, check_mixed_columns, to_frame

__all__ = [
    "Booster",
    "CVBooster",
    "CallbackEnv",
    "Dataset",
    "EarlyStopException",
    "EvalResult",
    "LGBMClassifier",
    "LGBMModel",
    "LGBMRanker",
    "LGBMRegressor",
    "LightGBMError",
    "Sequence",
    "cv",
    "early_stopping",
    "log_evaluation",
    "record_evaluation",
    "reset_parameter",
    "train",
]


class LightGBMError(ValueError):
    """An error LightGBM raises as ``LightGBMError`` (bad parameters or data found while training or predicting).

    It is also a ``ValueError``, so code that catches ironlearn's ``ValueError`` keeps working.
    """


class LGBMDeprecationWarning(FutureWarning):
    """A deprecated LightGBM usage (shown by default, as LightGBM's is)."""


#: What LightGBM's ``lightgbm.compat`` module names and its tests use.
try:
    import pandas as _pd

    PANDAS_INSTALLED = True
    pd_DataFrame = _pd.DataFrame
    pd_Series = _pd.Series
except ImportError:  # pragma: no cover - pandas is a test dependency
    PANDAS_INSTALLED = False

    class pd_DataFrame:  # type: ignore[no-redef]
        """Stands for pandas.DataFrame where pandas is not installed (nothing is an instance)."""

    class pd_Series:  # type: ignore[no-redef]
        """Stands for pandas.Series where pandas is not installed (nothing is an instance)."""


from sklearn import __version__ as _sklearn_version  # noqa: E402
from sklearn.exceptions import NotFittedError as LGBMNotFittedError  # noqa: E402


class _TempFile:
    """A temporary file name, removed on exit (LightGBM's helper, which its test utilities use)."""

    def __enter__(self) -> "_TempFile":
        with tempfile.NamedTemporaryFile(prefix="lightgbm_tmp_", delete=True) as f:
            self.name = f.name
            self.path = Path(self.name)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        if self.path.is_file():
            self.path.unlink()


class Sequence(abc.ABC):
    """Row access to data that is read in batches (LightGBM's ``Sequence``).

    A subclass implements ``__len__`` and ``__getitem__`` for an integer (one
    row, 1-D), a slice (rows, 2-D) and optionally a list of rows; ``batch_size``
    is how many rows one read takes. ``Dataset`` takes a Sequence or a list of
    them (concatenated in order); ironlearn reads every row into memory when the
    data set is used (its booster bins from dense float64 columns).
    """

    batch_size = 4096

    @abc.abstractmethod
    def __getitem__(self, idx):
        """One row (1-D) for an integer, rows (2-D) for a slice or a list."""
        raise NotImplementedError("Sub-classes of lightgbm.Sequence must implement __getitem__()")

    @abc.abstractmethod
    def __len__(self) -> int:
        """The number of rows."""
        raise NotImplementedError("Sub-classes of lightgbm.Sequence must implement __len__()")


def _is_sequence_data(data) -> bool:
    return isinstance(data, Sequence) or (isinstance(data, list) and len(data) > 0 and all(isinstance(d, Sequence) for d in data))


def _sequence_rows(data) -> np.ndarray:
    """Every row of a Sequence (or of a list of them, in order), read ``batch_size`` rows at a time."""
    seqs = [data] if isinstance(data, Sequence) else list(data)
    blocks = []
    for seq in seqs:
        n = len(seq)
        step = max(1, int(getattr(seq, "batch_size", None) or Sequence.batch_size))
        for start in range(0, n, step):
            block = np.asarray(seq[start:min(start + step, n)], dtype=np.float64)
            blocks.append(block.reshape(1, -1) if block.ndim == 1 else block)
    if not blocks:
        raise ValueError("the Sequence has no rows")
    return np.ascontiguousarray(np.vstack(blocks))


class _ConfigAliases:
    """Parameter names and their aliases, from ironlearn's booster registry and the names this module handles.

    ``aliases`` maps each main name to ``[main, *aliases]``; ``get`` and
    ``get_sorted`` also resolve an alias to its group, so
    ``get("num_iterations")`` gives every name of the number of rounds.
    """

    aliases: Optional[dict] = None

    @classmethod
    def _load(cls) -> dict:
        if cls.aliases is None:
            table: dict = {}
            for e in json.loads(_native.estimators()):
                if e["name"] == "gbdt":
                    for p in e["params"]:
                        table[p["name"]] = [p["name"], *p.get("aliases", ())]
            known = {n for names in table.values() for n in names}
            groups = [
                ["verbosity", "verbose"],
                ["output_result", "predict_result", "prediction_result", "predict_name", "prediction_name", "pred_name", "name_pred"],
                ["predict_raw_score", "is_predict_raw_score", "predict_rawscore", "raw_score"],
                ["predict_leaf_index", "is_predict_leaf_index", "leaf_index"],
                ["predict_contrib", "is_predict_contrib", "contrib"],
                ["header", "has_header"],
                ["device_type", "device"],
                *[[n] for n in sorted(PYTHON_PARAMS | PREDICT_NO_EFFECT_KWARGS)],
            ]
            for g in groups:
                if g[0] not in known:
                    table[g[0]] = g
                    known.update(g)
            for names in table.values():
                if "num_iterations" in names and "max_iter" not in names:
                    names.append("max_iter")  # LightGBM's alias, handled in Python (_choose_num_iterations)
            table.pop("max_iter", None)
            cls.aliases = table
        return cls.aliases

    @classmethod
    def get_sorted(cls, name: str) -> list:
        """``name`` and its aliases, the main name first (an alias gives its whole group)."""
        table = cls._load()
        if name in table:
            return list(table[name])
        for names in table.values():
            if name in names:
                return list(names)
        return [name]

    @classmethod
    def get(cls, *args: str) -> set:
        """Every name of each parameter in ``args``."""
        out: set = set()
        for name in args:
            out.update(cls.get_sorted(name))
        return out

    @classmethod
    def get_by_alias(cls, *args: str) -> set:
        return cls.get(*args)


def _choose_param_value(main_param_name: str, params: dict, default_value: Any) -> dict:
    """A copy of ``params`` holding ``main_param_name`` once: its own value, else the first alias's, else the default."""
    import copy

    params = copy.deepcopy(params)
    aliases = [a for a in _ConfigAliases.get_sorted(main_param_name) if a != main_param_name]
    if main_param_name not in params:
        for a in aliases:
            if a in params:
                params[main_param_name] = params[a]
                break
        else:
            params[main_param_name] = default_value
    for a in aliases:
        params.pop(a, None)
    return params


#: LightGBM's data layouts of a flattened 2-D array (``_np2d_to_np1d``).
_C_API_IS_COL_MAJOR = 0
_C_API_IS_ROW_MAJOR = 1


def _np2d_to_np1d(mat: np.ndarray) -> tuple:
    """A 2-D array flattened without a copy where possible, and its layout (LightGBM's helper).

    float32 and float64 keep their type, anything else becomes float32 (a
    copy); a Fortran-ordered array is flattened column by column
    (``_C_API_IS_COL_MAJOR``), any other row by row (``_C_API_IS_ROW_MAJOR``).
    """
    dtype = mat.dtype if mat.dtype in (np.float32, np.float64) else np.float32
    if mat.flags["F_CONTIGUOUS"]:
        order, layout = "F", _C_API_IS_COL_MAJOR
    else:
        order, layout = "C", _C_API_IS_ROW_MAJOR
    data = np.asarray(mat, dtype=dtype, order=order)
    return data.ravel(order=order), layout


def _is_numeric(obj) -> bool:
    try:
        float(obj)
        return True
    except (TypeError, ValueError):
        return False


def _is_numpy_1d_array(data) -> bool:
    return isinstance(data, np.ndarray) and len(data.shape) == 1


def _is_numpy_column_array(data) -> bool:
    return isinstance(data, np.ndarray) and len(data.shape) == 2 and data.shape[1] == 1


def _is_1d_list(data) -> bool:
    return isinstance(data, list) and (not data or _is_numeric(data[0]))


def _cast_numpy_array_to_dtype(array: np.ndarray, dtype) -> np.ndarray:
    return array if array.dtype == dtype else array.astype(dtype=dtype, copy=False)


def _is_allowed_numpy_dtype(dtype) -> bool:
    float128 = getattr(np, "float128", type(None))
    return issubclass(dtype, (np.integer, np.floating, np.bool_)) and not issubclass(dtype, (np.timedelta64, float128))


def _check_for_bad_pandas_dtypes(pandas_dtypes_series) -> None:
    """Raises LightGBM's ValueError naming every column whose dtype is not int, float or bool."""
    bad = [f"{name}: {dt}" for name, dt in pandas_dtypes_series.items() if not _is_allowed_numpy_dtype(dt.type)]
    if bad:
        raise ValueError(f"pandas dtypes must be int, float or bool.\nFields with bad pandas dtypes: {', '.join(bad)}")


def _list_to_1d_numpy(*, data, dtype, name: str) -> np.ndarray:
    """A label, weight or similar as a 1-D array of ``dtype`` (LightGBM's helper and its checks).

    A 1-D array is cast without a copy where the type matches; a column vector
    is flattened with a warning; a list of numbers and a numeric pandas Series
    are converted; anything else raises TypeError naming ``name``.
    """
    if _is_numpy_1d_array(data):
        return _cast_numpy_array_to_dtype(data, dtype)
    if _is_numpy_column_array(data):
        warnings.warn("Converting column-vector to 1d array", UserWarning, stacklevel=2)
        return _cast_numpy_array_to_dtype(data.ravel(), dtype)
    if _is_1d_list(data):
        return np.asarray(data, dtype=dtype)
    if isinstance(data, pd_Series):
        _check_for_bad_pandas_dtypes(data.to_frame().dtypes)
        return np.asarray(data, dtype=dtype)
    raise TypeError(f"Wrong type({type(data).__name__}) for {name}.\nIt should be list, numpy 1-D array or pandas Series")


def _pandas_to_numpy(data, target_dtype) -> np.ndarray:
    _check_for_bad_pandas_dtypes(data.dtypes)
    try:
        return data.to_numpy(dtype=target_dtype, copy=False)
    except TypeError:
        return data.astype(target_dtype, copy=False).values
    except ValueError:  # nullable dtypes: missing values become NaN (a copy)
        return data.to_numpy(dtype=target_dtype, na_value=np.nan)


def _data_from_pandas(data, feature_name, categorical_feature, pandas_categorical):
    """LightGBM's conversion of a DataFrame: ``(array, feature_name, categorical_feature, pandas_categorical)``.

    Category columns become their codes (missing and unseen levels NaN); with
    ``pandas_categorical`` (the training data's category lists) a validation
    frame's categories are aligned to the training ones. The array has the
    smallest float type that holds every column (no copy for a frame of one
    float type). ``categorical_feature="auto"`` gives the unordered category columns.
    """
    from pandas import CategoricalDtype

    if len(data.shape) != 2 or data.shape[0] < 1:
        raise ValueError("Input data must be 2 dimensional and non empty.")
    data = data.copy(deep=False)
    if feature_name == "auto":
        feature_name = [str(col) for col in data.columns]
    cat_cols = [col for col, dt in zip(data.columns, data.dtypes) if isinstance(dt, CategoricalDtype)]
    cat_cols_not_ordered = [col for col in cat_cols if not data[col].cat.ordered]
    if pandas_categorical is None:
        pandas_categorical = [list(data[col].cat.categories) for col in cat_cols]
    else:
        if len(cat_cols) != len(pandas_categorical):
            raise ValueError("train and valid dataset categorical_feature do not match.")
        for col, category in zip(cat_cols, pandas_categorical):
            if list(data[col].cat.categories) != list(category):
                data[col] = data[col].cat.set_categories(category)
    if cat_cols:
        data[cat_cols] = data[cat_cols].apply(lambda x: x.cat.codes).replace({-1: np.nan})
    if categorical_feature == "auto":
        categorical_feature = cat_cols_not_ordered
    target_dtype = np.result_type(*[dt.type for dt in data.dtypes], np.float32)
    return _pandas_to_numpy(data, target_dtype=target_dtype), feature_name, categorical_feature, pandas_categorical


#: LightGBM parameters that cannot change the model: logging and verbosity,
#: output files, threads, memory and data-layout hints, devices and settings
#: of features ironlearn does not have. Accepted with any value, ignored silently.
NO_EFFECT_PARAMS = frozenset({
    # logging and verbosity
    "verbose", "verbosity", "verbose_eval", "silent", "metric_freq", "is_provide_training_metric",
    # output files
    "output_model", "snapshot_freq", "saved_feature_importance_type", "output_result",
    # threads, memory and data layout (ironlearn's trees do not depend on them)
    "force_row_wise", "force_col_wise", "histogram_pool_size", "is_enable_sparse", "pre_partition",
    "deterministic", "seed_per_iteration",
    # data files (ironlearn reads data in memory only), and checks that only refuse or allow
    "header", "two_round", "feature_pre_filter", "predict_disable_shape_check",
    # GPU devices (device_type other than 'cpu' is refused)
    "num_gpu", "gpu_platform_id", "gpu_device_id", "gpu_use_dp",
    # settings of quantized training, bundling and position debiasing, which only act with them
    # (see NOT_IMPLEMENTED_PARAMS)
    "num_grad_quant_bins", "quant_train_renew_leaf", "stochastic_rounding",
})

#: LightGBM parameters that ask for a different model which ironlearn does not
#: build: name -> what ironlearn does instead. Each warns (one UserWarning per
#: training, naming every such parameter) when its value asks for the feature.
NOT_IMPLEMENTED_PARAMS = {
    "use_quantized_grad": "exact (not quantized) gradients are used",
    "enable_bundle": "features are not bundled (exclusive feature bundling is not implemented)",
    "max_conflict_rate": "features are not bundled, so no conflicts are allowed",
    "position": "no position debiasing: Dataset(position=...) is ignored",
}

#: LightGBM parameters that are accepted only at their default value (another
#: value raises NotImplementedError).
_IGNORED_IF_DEFAULT = {"use_missing": True, "zero_as_missing": False, "tree_learner": "serial", "device_type": "cpu", "device": "cpu"}

#: LightGBM parameters the Python layer takes itself (early stopping runs as LightGBM's callback does).
_EARLY_STOPPING_ALIASES = ("early_stopping_round", "early_stopping_rounds", "early_stopping", "n_iter_no_change")
#: ``max_iter`` is LightGBM's last alias of the number of rounds, which ironlearn's registry does not list.
_HANDLED_PARAMS = frozenset({"first_metric_only", "early_stopping_min_delta", "max_iter", *_EARLY_STOPPING_ALIASES})

#: Every LightGBM name the Python layer accepts beyond the Rust registry's parameters and aliases.
PYTHON_PARAMS = NO_EFFECT_PARAMS | set(NOT_IMPLEMENTED_PARAMS) | set(_IGNORED_IF_DEFAULT) | _HANDLED_PARAMS


def _asks_for(name: str, value) -> bool:
    """Whether a NOT_IMPLEMENTED_PARAMS value asks for the missing feature (False, 0 and None do not)."""
    if value is None:
        return False
    if name == "max_conflict_rate":
        return float(value) > 0
    if name == "position":
        return True
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "")
    return bool(value)


def _warn_not_implemented(asked: dict, stacklevel: int = 3) -> None:
    """One warning naming every parameter in ``asked`` and what is done instead."""
    if not asked:
        return
    items = "; ".join(f"{k}={_short(v)}: {NOT_IMPLEMENTED_PARAMS[k]}" for k, v in asked.items())
    warnings.warn(
        f"ironlearn.boost does not implement these LightGBM features, so the model differs from LightGBM's: {items}. "
        "Remove the parameters to silence this warning.",
        UserWarning,
        stacklevel=stacklevel,
    )


def _short(v) -> str:
    return "array(...)" if hasattr(v, "__len__") and not isinstance(v, str) else repr(v)


_CLASSIFY = {"binary", "multiclass", "softmax"}
#: The names of the number of rounds, in LightGBM's order of preference (``num_iterations`` first, ``max_iter`` last).
_NUM_ROUND_ALIASES = ("num_iterations", "num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators", "max_iter")


def _choose_num_iterations(num_boost_round, params: dict) -> tuple:
    """``(rounds, params without any name of the number of rounds)``, chosen as LightGBM 4.7 does.

    ``num_iterations`` in ``params`` wins, else the first of its aliases in
    LightGBM's order, else ``num_boost_round``; different values in
    ``params`` warn, naming the one used.
    """
    given = {a: params[a] for a in _NUM_ROUND_ALIASES if a in params}
    params = {k: v for k, v in params.items() if k not in given}
    if not given:
        return num_boost_round, params
    name, rounds = next(iter(given.items()))
    _integer_param(name, rounds)  # a bad value is named as the user gave it
    if len(given) > 1 and len({repr(v) for v in given.values()}) > 1:
        listed = ", ".join(f"{a}={v}" for a, v in given.items())
        warnings.warn(
            f"Found conflicting values for num_iterations provided via 'params': {listed}. "
            f"LightGBM will perform up to {rounds} boosting rounds. "
            "To be confident in the maximum number of boosting rounds LightGBM will perform and to "
            "suppress this warning, modify 'params' so that only one of those is present.",
            UserWarning,
            stacklevel=3,
        )
    return rounds, params


def _check_num_boost_round(num_boost_round) -> int:
    if isinstance(num_boost_round, numbers.Integral) and not isinstance(num_boost_round, (bool, np.bool_)) and num_boost_round <= 0:
        raise ValueError(f"Number of boosting rounds must be greater than 0. Got {num_boost_round}.")
    return _integer_param("num_boost_round", num_boost_round)


def _clean_params(params: dict | None, asked: dict | None = None) -> dict:
    """The parameters Rust receives; ``asked`` collects the not-implemented ones that ask for a feature."""
    out = {}
    for k, v in (params or {}).items():
        if k in NO_EFFECT_PARAMS:
            continue
        if k in NOT_IMPLEMENTED_PARAMS:
            if asked is not None and _asks_for(k, v):
                asked[k] = v
            continue
        if k in _IGNORED_IF_DEFAULT:
            if v != _IGNORED_IF_DEFAULT[k] and not (k in ("device", "device_type") and str(v).lower() == "cpu"):
                raise NotImplementedError(f"LightGBM parameter {k}={v!r} is not supported by ironlearn")
            continue
        if k in ("metric", "metrics", "eval_metric") and isinstance(v, str):
            v = [m.strip() for m in v.split(",") if m.strip()]
        if k in ("categorical_feature", "cat_feature", "categorical_column") and not isinstance(v, list):
            v = [str(x) for x in (v if isinstance(v, (tuple, np.ndarray)) else str(v).split(","))]
        if isinstance(v, (list, tuple)) and k in ("categorical_feature", "cat_feature", "categorical_column"):
            v = [str(x) for x in v]
        if isinstance(v, np.generic):
            v = v.item()
        if v is None:
            continue
        out[k] = v
    return out


def _objective_name(params: dict) -> str:
    for k in ("objective", "objective_type", "app", "application", "loss"):
        if k in params and isinstance(params[k], str):
            return params[k]
    return "regression"


class Dataset:
    """Training or validation data, as LightGBM's ``Dataset`` takes it."""

    def __init__(
        self,
        data,
        label=None,
        reference=None,
        weight=None,
        group=None,
        init_score=None,
        feature_name="auto",
        categorical_feature="auto",
        params=None,
        free_raw_data=True,
        position=None,
    ):
        if isinstance(data, (str, os.PathLike)):
            raise NotImplementedError("Dataset from a file path is not supported; load the data first")
        self.data = data
        self.label = label
        self.reference = reference
        self.weight = weight
        self.group = group
        self.init_score = init_score
        self.feature_name = feature_name
        self.categorical_feature = categorical_feature
        self.params = dict(params or {})
        self.position = position

    def construct(self):
        return self

    def get_params(self) -> dict:
        """The Dataset's parameters (LightGBM's ``get_params``): its own ``params``, else its reference's.

        As in LightGBM, only the parameters that concern the data (binning,
        categorical features, labels...) are kept; training parameters given
        to the Dataset are left out.
        """
        params = self.params if self.params or self.reference is None else self.reference.get_params()
        return {k: v for k, v in params.items() if k in _dataset_param_names()}

    def subset(self, used_indices, params=None):
        """A Dataset of the rows ``used_indices`` (in that order), with their labels, weights, init scores and groups."""
        idx = np.asarray(used_indices, dtype=np.int64).ravel()
        group = None
        if self.group is not None:
            sizes = np.asarray(self.group, dtype=np.int64).ravel()
            qid = np.repeat(np.arange(len(sizes)), sizes)[idx]
            group = np.diff(np.r_[0, np.flatnonzero(np.diff(qid)) + 1, len(qid)]) if len(qid) else np.zeros(0, dtype=np.int64)
        return Dataset(
            _take_rows(self.data, idx),
            label=_take_rows(self.label, idx),
            reference=self,
            weight=_take_rows(self.weight, idx),
            group=group,
            init_score=_take_rows(self.init_score, idx),
            feature_name=self.feature_name,
            categorical_feature=self.categorical_feature,
            params={**self.params, **(params or {})},
            position=_take_rows(self.position, idx),
        )

    def create_valid(self, data, label=None, weight=None, group=None, init_score=None, params=None):
        return Dataset(data, label=label, reference=self, weight=weight, group=group, init_score=init_score, params=params)

    def get_label(self):
        return None if self.label is None else np.asarray(self.label)

    def get_weight(self):
        return None if self.weight is None else np.asarray(self.weight, dtype=np.float64)

    def get_group(self):
        return None if self.group is None else np.asarray(self.group)

    def get_init_score(self):
        return self.init_score

    def get_position(self):
        return self.position

    def set_position(self, position):
        self.position = position
        return self

    def get_data(self):
        return self.data

    def num_data(self):
        if _is_sequence_data(self.data):
            return sum(len(q) for q in ([self.data] if isinstance(self.data, Sequence) else self.data))
        return int(self.data.shape[0]) if hasattr(self.data, "shape") else int(np.shape(self.data)[0])

    def num_feature(self):
        return len(self.get_feature_name())

    def get_feature_name(self):
        names = self._given_names()
        if names is not None:
            return names
        if isinstance(self.data, _native.Frame):
            return list(self.data.names)
        if _is_sequence_data(self.data):
            first = self.data if isinstance(self.data, Sequence) else self.data[0]
            return [f"Column_{i}" for i in range(np.asarray(first[0]).shape[-1])]
        shape = self.data.shape if hasattr(self.data, "shape") else np.shape(self.data)
        return [f"Column_{i}" for i in range(shape[1])]

    def _given_names(self) -> list[str] | None:
        """The feature names the user gave: ``feature_name``, else a DataFrame's columns."""
        if self.feature_name not in (None, "auto"):
            return [str(n) for n in self.feature_name]
        if _is_dataframe(self.data):
            return [str(c) for c in self.data.columns]
        return None

    def set_label(self, label):
        self.label = label
        return self

    def set_weight(self, weight):
        self.weight = weight
        return self

    def set_group(self, group):
        self.group = group
        return self

    def set_init_score(self, init_score):
        self.init_score = init_score
        return self

    def set_categorical_feature(self, categorical_feature):
        self.categorical_feature = categorical_feature
        return self

    def set_feature_name(self, feature_name):
        self.feature_name = feature_name
        return self

    # -- conversion -----------------------------------------------------------
    def _native_x(self):
        data = self.data
        if _is_sequence_data(data):
            return _sequence_rows(data)
        if _is_scipy_sparse(data):
            return _sparse_to_dense(data)
        if _is_dataframe(data) and _has_sparse_columns(data):
            data = data.sparse.to_dense() if all(_is_sparse_dtype(dt) for dt in data.dtypes) else data.apply(_dense_column)
        check_mixed_columns(data)
        if isinstance(data, _native.Frame):
            return data
        if _is_dataframe(data) or hasattr(data, "__arrow_c_stream__"):
            if _has_text_columns(data) or _has_category_dtype(data):
                return to_frame(data)
            return np.ascontiguousarray(_frame_to_numpy(data), dtype=np.float64)
        arr = np.asarray(data)
        if arr.ndim != 2:
            raise ValueError(f"Expected 2D array, got {arr.ndim}D array instead")
        if arr.dtype.kind in "OUS":
            return to_frame(arr)
        return np.ascontiguousarray(arr, dtype=np.float64)

    def _categorical(self) -> list[str] | None:
        cf = self.categorical_feature
        if cf in (None, "auto") or (isinstance(cf, (list, tuple)) and len(cf) == 0):
            return None
        return [str(c) for c in cf]


#: LightGBM's Dataset parameters (``Dataset.get_params`` keeps these and their aliases).
_DATASET_PARAMS = (
    "bin_construct_sample_cnt", "categorical_feature", "data_random_seed", "enable_bundle", "feature_pre_filter",
    "forcedbins_filename", "group_column", "header", "ignore_column", "is_enable_sparse", "label_column", "linear_tree",
    "max_bin", "max_bin_by_feature", "min_data_in_bin", "pre_partition", "precise_float_parser", "two_round",
    "use_missing", "weight_column", "zero_as_missing",
)


def _dataset_param_names() -> set:
    return _ConfigAliases.get(*_DATASET_PARAMS)


#: The most cells (rows x columns) a scipy.sparse or pandas sparse input is
#: densified to (8 bytes each: 2**27 cells are 1 GiB). ironlearn's booster bins
#: dense float64 columns only (its Rust fit refuses CSR input); larger sparse
#: input raises NotImplementedError instead of exhausting memory.
MAX_DENSIFIED_CELLS = 1 << 27


def _is_scipy_sparse(data) -> bool:
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover
        return False
    return sp.issparse(data)


def _is_sparse_dtype(dt) -> bool:
    return type(dt).__name__ == "SparseDtype"


def _has_sparse_columns(df) -> bool:
    return hasattr(df, "dtypes") and any(_is_sparse_dtype(dt) for dt in df.dtypes)


def _dense_column(col):
    return col.sparse.to_dense() if _is_sparse_dtype(col.dtype) else col


def _check_densify(n_rows: int, n_cols: int) -> None:
    if n_rows * n_cols > MAX_DENSIFIED_CELLS:
        raise NotImplementedError(
            f"sparse input of {n_rows} x {n_cols} = {n_rows * n_cols} cells is more than ironlearn.boost densifies "
            f"(MAX_DENSIFIED_CELLS = {MAX_DENSIFIED_CELLS}): ironlearn's booster does not take CSR/CSC input natively "
            "(the Rust fit and booster_predict accept dense arrays and Frames only); pass a dense array that fits in memory"
        )


def _sparse_to_dense(data) -> np.ndarray:
    """A scipy.sparse matrix as a dense C-contiguous float64 array (within ``MAX_DENSIFIED_CELLS``); absent entries are 0."""
    n, m = data.shape
    _check_densify(n, m)
    return np.ascontiguousarray(data.toarray(), dtype=np.float64)


def _sparse_like(like, dense: np.ndarray, fmt: str):
    """``dense`` as a scipy sparse matrix (or array, like ``like``) of format ``fmt``."""
    import scipy.sparse as sp

    if isinstance(like, sp.sparray):
        return sp.csr_array(dense) if fmt == "csr" else sp.csc_array(dense)
    return sp.csr_matrix(dense) if fmt == "csr" else sp.csc_matrix(dense)


def _take_rows(data, idx: np.ndarray):
    """Rows ``idx`` of data, labels or scores, in the container they came in where it has row indexing."""
    if data is None:
        return None
    if _is_sequence_data(data):
        return _sequence_rows(data)[idx]
    if isinstance(data, _native.Frame):
        cols = data.to_columns()
        return _native.frame_from_columns(data.names, [c[idx] if isinstance(c, np.ndarray) else [c[i] for i in idx] for c in cols])
    if hasattr(data, "iloc"):
        return data.iloc[idx]
    if _is_scipy_sparse(data):
        return data.tocsr()[idx] if data.format not in ("csr", "csc") else data[idx]
    return np.asarray(data)[idx]


def _has_category_dtype(df) -> bool:
    return hasattr(df, "dtypes") and hasattr(df, "iloc") and any(str(dt) == "category" for dt in df.dtypes)


def _frame_to_numpy(df):
    if hasattr(df, "to_numpy"):
        try:
            return df.to_numpy(dtype=np.float64, na_value=np.nan)
        except TypeError:
            return df.to_numpy().astype(np.float64)
    return np.asarray(df, dtype=np.float64)


def _labels(label, classify: bool):
    """(y for Rust, classes for Rust)."""
    if label is None:
        raise ValueError("the training Dataset has no label")
    y = np.asarray(label).ravel()
    if classify:
        if y.dtype.kind in "iu" and len(y) and y.min() >= 0 and y.max() < 1 << 20:
            # Integer classes: counted, not sorted; labels that already are
            # 0..k-1 are passed as they are (no copy of a large label array).
            classes = np.flatnonzero(np.bincount(y))
            if classes[-1] == len(classes) - 1:
                return np.ascontiguousarray(y, dtype=np.int64), [str(c) for c in classes]
            lookup = np.zeros(classes[-1] + 1, dtype=np.int64)
            lookup[classes] = np.arange(len(classes))
            return lookup[y], [str(c) for c in classes]
        classes, codes = np.unique(y, return_inverse=True)
        return codes.astype(np.int64, copy=False), [_class_name(c) for c in classes]
    return np.ascontiguousarray(y, dtype=np.float64), None


def _class_name(c) -> str:
    if isinstance(c, (float, np.floating)) and float(c).is_integer():
        return str(int(c))
    return str(c)


class EarlyStopException(Exception):
    """Raised by a callback to stop training (as in LightGBM)."""

    def __init__(self, best_iteration: int, best_score):
        super().__init__()
        self.best_iteration = best_iteration
        self.best_score = best_score


CallbackEnv = collections.namedtuple(
    "CallbackEnv", ["model", "params", "iteration", "begin_iteration", "end_iteration", "evaluation_result_list"]
)


class EvalResult(NamedTuple):
    """One metric's value on one data set at one round, as LightGBM reports it to callbacks.

    ``metric_std_dev`` is set by ``cv`` (the standard deviation over the
    folds; ``metric_value`` is then their mean). It unpacks as a 4-tuple
    ``(dataset_name, metric_name, metric_value, maximize)``, or a 5-tuple with
    the deviation from ``cv``, as LightGBM's tuples did.
    """

    dataset_name: str
    metric_name: str
    metric_value: float
    maximize: bool
    metric_std_dev: Optional[float] = None

    def __len__(self) -> int:
        return 5 if self.is_cv_result() else 4

    def __iter__(self):
        return iter(tuple.__iter__(self) if self.is_cv_result() else tuple(self[:4]))

    def __getitem__(self, i):
        return tuple.__getitem__(tuple(tuple.__iter__(self))[: len(self)], i)

    def is_cv_result(self) -> bool:
        """Whether ``cv`` made it (it carries the deviation over the folds)."""
        return tuple.__getitem__(self, 4) is not None


def _eval_result(item) -> EvalResult:
    return item if isinstance(item, EvalResult) else EvalResult(*item)


def _format_eval_result(value, show_stdv: bool) -> str:
    value = _eval_result(value)
    out = f"{value.dataset_name}'s {value.metric_name}: {value.metric_value:g}"
    if show_stdv and value.metric_std_dev is not None:
        out += f" + {value.metric_std_dev:g}"
    return out


class _LogEvaluationCallback:
    """Prints the metrics every ``period`` rounds (picklable, as LightGBM's)."""

    def __init__(self, period: int = 1, show_stdv: bool = True) -> None:
        self.order = 10
        self.before_iteration = False
        self.period = period
        self.show_stdv = show_stdv

    def __call__(self, env) -> None:
        if self.period > 0 and env.evaluation_result_list and (env.iteration + 1) % self.period == 0:
            text = "\t".join(_format_eval_result(x, self.show_stdv) for x in env.evaluation_result_list)
            print(f"[{env.iteration + 1}]\t{text}")


def log_evaluation(period: int = 1, show_stdv: bool = True) -> Callable:
    """Prints the validation metrics every ``period`` rounds."""
    return _LogEvaluationCallback(period=period, show_stdv=show_stdv)


class _RecordEvaluationCallback:
    """Records every round's metrics into ``eval_result[data][metric]`` (``-mean``/``-stdv`` from ``cv``)."""

    def __init__(self, eval_result: dict) -> None:
        self.order = 20
        self.before_iteration = False
        if not isinstance(eval_result, dict):
            raise TypeError("eval_result should be a dictionary")
        self.eval_result = eval_result

    def _init(self, env) -> None:
        self.eval_result.clear()
        for item in map(_eval_result, env.evaluation_result_list or []):
            d = self.eval_result.setdefault(item.dataset_name, collections.OrderedDict())
            if item.is_cv_result():
                d.setdefault(f"{item.metric_name}-mean", [])
                d.setdefault(f"{item.metric_name}-stdv", [])
            else:
                d.setdefault(item.metric_name, [])

    def __call__(self, env) -> None:
        if env.iteration == env.begin_iteration:
            self._init(env)
        for item in map(_eval_result, env.evaluation_result_list or []):
            d = self.eval_result.setdefault(item.dataset_name, collections.OrderedDict())
            if item.is_cv_result():
                d.setdefault(f"{item.metric_name}-mean", []).append(item.metric_value)
                d.setdefault(f"{item.metric_name}-stdv", []).append(item.metric_std_dev)
            else:
                d.setdefault(item.metric_name, []).append(item.metric_value)


def record_evaluation(eval_result: dict) -> Callable:
    """Records every round's metrics into ``eval_result[data][metric]``."""
    if not isinstance(eval_result, dict):
        raise TypeError("eval_result should be a dictionary")
    eval_result.clear()
    return _RecordEvaluationCallback(eval_result)


class _ResetParameterCallback:
    """Sets parameters before each round from a list (one value per round) or a function of the round."""

    def __init__(self, **kwargs) -> None:
        self.order = 10
        self.before_iteration = True
        self.kwargs = kwargs

    def __call__(self, env) -> None:
        new = {}
        for key, value in self.kwargs.items():
            if isinstance(value, list):
                if len(value) != env.end_iteration - env.begin_iteration:
                    raise ValueError(f"Length of list {key!r} has to be equal to 'num_boost_round'.")
                v = value[env.iteration - env.begin_iteration]
            elif callable(value):
                v = value(env.iteration - env.begin_iteration)
            else:
                raise ValueError("Only list and callable values are supported as a mapping from boosting round index to new parameter value.")
            if v != env.params.get(key, None):
                new[key] = v
        if new:
            for booster in (env.model.boosters if isinstance(env.model, CVBooster) else [env.model]):
                booster.reset_parameter(new)
            env.params.update(new)


def reset_parameter(**kwargs) -> Callable:
    """Changes parameters before each round: ``name=[value per round]`` or ``name=function(round)``.

    ``train`` then grows the model one round at a time, each round continuing
    the previous model with the parameters of that round.
    """
    return _ResetParameterCallback(**kwargs)


def _is_train_set(name: str, env) -> bool:
    """Whether results named ``name`` are the training data's (``env.model._train_data_name``, as in LightGBM)."""
    if isinstance(env.model, CVBooster):
        return name == "train"
    return isinstance(env.model, Booster) and env.model._train_data_name is not None and name == env.model._train_data_name


def _should_enable_early_stopping(stopping_rounds) -> bool:
    if not isinstance(stopping_rounds, numbers.Integral) or isinstance(stopping_rounds, bool):
        raise TypeError(f"early_stopping_round should be an integer. Got '{type(stopping_rounds).__name__}'")
    return stopping_rounds > 0


class _EarlyStoppingCallback:
    """LightGBM's early stopping (see ``early_stopping``); picklable."""

    def __init__(self, stopping_rounds: int, first_metric_only: bool = False, verbose: bool = True, min_delta=0.0) -> None:
        self.enabled = _should_enable_early_stopping(stopping_rounds)
        self.order = 30
        self.before_iteration = False
        self.stopping_rounds = stopping_rounds
        self.first_metric_only = first_metric_only
        self.verbose = verbose
        self.min_delta = min_delta
        self._state: dict = {}

    def _init(self, env) -> None:
        if not env.evaluation_result_list:
            raise ValueError("For early stopping, at least one dataset and eval metric is required for evaluation")
        state = self._state
        state.clear()
        results = [_eval_result(r) for r in env.evaluation_result_list]
        if any(str(env.params.get(a, "")) == "dart" for a in ("boosting", "boosting_type", "boost")):
            state["enabled"] = False
            warnings.warn("Early stopping is not available in dart mode", UserWarning, stacklevel=5)
            return
        if not isinstance(env.model, CVBooster) and all(_is_train_set(r.dataset_name, env) for r in results):
            state["enabled"] = False
            warnings.warn("Only training set found, disabling early stopping.", UserWarning, stacklevel=5)
            return
        state["enabled"] = True
        if self.verbose:
            print(f"Training until validation scores don't improve for {self.stopping_rounds} rounds")
        n_metrics = len({r.metric_name for r in results})
        min_delta = self.min_delta
        if isinstance(min_delta, list):
            if any(d < 0 for d in min_delta):
                raise ValueError("Values for early stopping min_delta must be non-negative.")
            if len(min_delta) == 0:
                deltas = [0.0] * len(results)
            elif len(min_delta) == 1:
                deltas = min_delta * len(results)
            else:
                if len(min_delta) != n_metrics:
                    raise ValueError("Must provide a single value for min_delta or as many as metrics.")
                deltas = (min_delta * len(results))[: len(results)]
        else:
            if min_delta < 0:
                raise ValueError("Early stopping min_delta must be non-negative.")
            deltas = [min_delta] * len(results)
        state["first_metric"] = results[0].metric_name
        state["deltas"] = deltas
        state["best"] = [None] * len(results)
        state["best_iter"] = [0] * len(results)
        state["best_list"] = [None] * len(results)

    def __call__(self, env) -> None:
        if not self.enabled:
            return
        if env.iteration == env.begin_iteration or not self._state:
            self._init(env)
        state = self._state
        if not state["enabled"]:
            return
        results = [_eval_result(r) for r in env.evaluation_result_list]
        for i, r in enumerate(results):
            best = state["best"][i]
            delta = state["deltas"][i]
            if best is None or (r.metric_value > best + delta if r.maximize else r.metric_value < best - delta):
                state["best"][i] = r.metric_value
                state["best_iter"][i] = env.iteration
                state["best_list"][i] = results
            if self.first_metric_only and r.metric_name != state["first_metric"]:
                continue
            if _is_train_set(r.dataset_name, env):
                continue
            if env.iteration - state["best_iter"][i] >= self.stopping_rounds:
                if self.verbose:
                    print(f"Early stopping, best iteration is: [{state['best_iter'][i] + 1}]")
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])
            if env.iteration == env.end_iteration - 1:
                if self.verbose:
                    print(f"Did not meet early stopping. Best iteration is: [{state['best_iter'][i] + 1}]")
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])


def early_stopping(stopping_rounds: int, first_metric_only: bool = False, verbose: bool = True, min_delta=0.0) -> Callable:
    """Stops when a validation metric has not improved for ``stopping_rounds`` rounds.

    As in LightGBM, every (data set, metric) pair is watched (only the first
    metric with ``first_metric_only``) and training stops at the first that
    stalls; the training set is never watched, whatever ``valid_names`` calls
    it: ``train`` recognises it as the very ``train_set`` object among
    ``valid_sets``. With only the training set to watch, early stopping is
    disabled with a warning. ``stopping_rounds`` must be an integer; 0 or less
    disables the callback (LightGBM 4.7's rule).
    """
    return _EarlyStoppingCallback(stopping_rounds, first_metric_only=first_metric_only, verbose=verbose, min_delta=min_delta)


#: LightGBM's documented prediction parameters (and aliases) that cannot change
#: the predictions: threads, the CLI's output file, shape checks, input-file
#: headers, logging, and the settings of prediction early stopping (which only
#: act with ``pred_early_stop=True``). ``Booster.predict`` accepts them and ignores them.
PREDICT_NO_EFFECT_KWARGS = frozenset({
    "num_threads", "num_thread", "nthread", "nthreads", "n_jobs",
    "output_result", "predict_result", "prediction_result", "predict_name", "prediction_name", "pred_name", "name_pred",
    "predict_disable_shape_check", "data_has_header", "has_header", "header", "verbose", "verbosity",
    "pred_early_stop_freq", "pred_early_stop_margin",
})

#: LightGBM prediction parameters that repeat ``predict``'s own arguments: given as keywords they raise, naming the argument.
_PREDICT_ARGUMENT_KWARGS = {
    "predict_raw_score": "raw_score", "is_predict_raw_score": "raw_score", "predict_rawscore": "raw_score",
    "predict_leaf_index": "pred_leaf", "is_predict_leaf_index": "pred_leaf", "leaf_index": "pred_leaf",
    "predict_contrib": "pred_contrib", "is_predict_contrib": "pred_contrib", "contrib": "pred_contrib",
    "num_iteration_predict": "num_iteration", "start_iteration_predict": "start_iteration",
}


def _check_predict_kwargs(kwargs: dict) -> None:
    for k, v in kwargs.items():
        if k in PREDICT_NO_EFFECT_KWARGS:
            continue
        if k == "pred_early_stop":
            if v:
                raise NotImplementedError(
                    "pred_early_stop=True (prediction early stopping, which changes the predictions) is not implemented; "
                    "every tree is used. Leave it out or pass pred_early_stop=False"
                )
            continue
        if k in _PREDICT_ARGUMENT_KWARGS:
            raise TypeError(f"predict() got {k!r}: pass predict's own argument {_PREDICT_ARGUMENT_KWARGS[k]!r} instead")
        raise TypeError(
            f"predict() got an unexpected keyword argument {k!r}; LightGBM's prediction parameters accepted here are "
            f"pred_early_stop=False and {', '.join(sorted(PREDICT_NO_EFFECT_KWARGS))}"
        )


#: The columns of ``Booster.trees_to_dataframe`` (LightGBM's).
_TREE_DF_COLUMNS = (
    "tree_index", "node_depth", "node_index", "left_child", "right_child", "parent_index", "split_feature",
    "split_gain", "threshold", "decision_type", "missing_direction", "missing_type", "value", "weight", "count",
)

#: LightGBM's main parameter names (its loaded config uses them) where ironlearn's main name differs.
_LGBM_MAIN_NAMES = frozenset({"num_iterations", "learning_rate", "num_leaves", "objective", "boosting", "bagging_fraction",
                              "feature_fraction", "lambda_l1", "lambda_l2", "min_data_in_leaf", "min_sum_hessian_in_leaf",
                              "min_gain_to_split", "bagging_freq", "seed", "num_threads", "max_depth", "max_bin"})


class Booster:
    """A trained booster: prediction, importance, dumps and persistence."""

    def __init__(self, params=None, train_set=None, model_file=None, model_str=None):
        self.params = dict(params or {})
        self.best_iteration = 0
        self.best_score: dict = {}
        self._native = None
        self._classes = None
        #: What the model file says beyond the model (schema, target, metrics), kept when saving again.
        self._header: dict = {}
        #: The name the training data's metrics carry in callbacks (LightGBM's attribute).
        self._train_data_name = "training"
        #: Parameters set by ``reset_parameter`` that ``train`` has not applied yet.
        self._reset: dict = {}
        if model_file is not None:
            # Read natively: directories, FIFOs, devices and oversized files
            # are refused as the CLI refuses them.
            self._load_bytes(_native.read_model_file(model_file))
        elif model_str is not None:
            self._load_str(model_str)
        elif train_set is not None:
            raise NotImplementedError("Booster(train_set=...) without training: use ironlearn.boost.train")

    def reset_parameter(self, params: dict) -> "Booster":
        """Changes parameters for the rounds ``train`` grows next (the ``reset_parameter`` callback calls it).

        Within ``train``, the following rounds use them; ``params`` keeps them.
        """
        params = dict(params)
        _clean_params(params, {})  # refuse what would be refused at training
        self.params.update(params)
        self._reset.update(params)
        return self

    # -- loading --------------------------------------------------------------
    def _load_bytes(self, data: bytes):
        head = data.lstrip()[:64]
        if head.startswith(b"tree"):
            self._native = _native.import_lightgbm(data.decode("utf-8"))
        elif head.startswith(b"{"):
            self._native = _native.import_xgboost(data.decode("utf-8"))
        else:
            model, header = _native.load_bytes(data)
            try:
                self.best_iteration = model.best_iteration or 0
            except TypeError:
                raise ValueError(
                    f"the file holds a '{model.kind}' model, not a booster: ironlearn.boost.Booster opens boosters "
                    "(ironlearn.boost.train, the GBDT estimators, `ironlearn train --model gbdt`); "
                    "`ironlearn predict --model FILE` predicts with any model"
                ) from None
            self._native = model
            header = json.loads(header)
            self._header = {k: header[k] for k in ("schema", "target", "metrics") if header.get(k) is not None}
        return self

    def _load_str(self, s: str):
        prefix = "ironlearn-model:base64:"
        if s.startswith(prefix):
            return self._load_bytes(base64.b64decode(s[len(prefix):]))
        return self._load_bytes(s.encode("utf-8"))

    @classmethod
    def _from_native(cls, native, params=None):
        b = cls(params=params)
        b._native = native
        b.best_iteration = native.best_iteration or 0
        return b

    # -- prediction -------------------------------------------------------------
    def _iterations(self, num_iteration):
        if num_iteration is None:
            return self.best_iteration if self.best_iteration and self.best_iteration > 0 else None
        return None if num_iteration <= 0 else int(num_iteration)

    def predict(self, data, start_iteration=0, num_iteration=None, raw_score=False, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Predictions (after the objective's transform unless ``raw_score``), leaves or SHAP values.

        ``kwargs`` take LightGBM's documented prediction parameters that do
        not change the result (``PREDICT_NO_EFFECT_KWARGS``: threads, output
        files, shape checks; ``pred_early_stop=False``); ``pred_early_stop=True``
        raises NotImplementedError, and any other keyword a TypeError.
        ``validate_features=True`` checks a DataFrame's column names against
        the model's features.
        """
        _check_predict_kwargs(kwargs)
        if start_iteration:
            raise NotImplementedError("start_iteration > 0 is not supported")
        if isinstance(data, Dataset):
            raise TypeError("Cannot use Dataset instance for prediction, please use raw data instead")
        if validate_features and _is_dataframe(data):
            self._validate_features([str(c) for c in data.columns])
        self._warn_unseen_levels(data)
        x = Dataset(data)._native_x()
        kind = "leaf" if pred_leaf else "contrib" if pred_contrib else "raw" if raw_score else "value"
        out = self._native.booster_predict(x, kind, self._iterations(num_iteration))
        if kind in ("raw", "value") and out.shape[1] == 1:
            return out[:, 0]
        if kind == "leaf":
            return out.astype(np.int32)
        if kind == "contrib" and _is_scipy_sparse(data):
            # As LightGBM: sparse input gives sparse contributions of the input's format, one matrix per class.
            fmt = data.format if data.format in ("csr", "csc") else "csr"
            k = self._native.num_outputs
            width = out.shape[1] // k
            parts = [_sparse_like(data, out[:, c * width:(c + 1) * width], fmt) for c in range(k)]
            return parts[0] if k == 1 else parts
        return out

    def _validate_features(self, columns: list[str]) -> None:
        """LightGBM's ``validate_features`` check: raises LightGBMError at the first column that is not the model's."""
        expected = self.feature_name()
        if len(columns) != len(expected):
            raise LightGBMError(f"The data has {len(columns)} features, but the model expects {len(expected)}: {expected}")
        for i, (want, got) in enumerate(zip(expected, columns)):
            if want != got:
                raise LightGBMError(f"Expected '{want}' at position {i} but found '{got}'")

    # -- inspection ---------------------------------------------------------------
    def feature_importance(self, importance_type="split", iteration=None):
        imp = self._native.feature_importance(importance_type, self._iterations(iteration))
        return imp.astype(np.int32) if importance_type == "split" else imp

    def feature_name(self):
        return list(self._native.feature_names)

    def num_feature(self):
        return len(self._native.feature_names)

    def num_trees(self):
        return self._native.num_trees

    def current_iteration(self):
        return self._native.num_iterations

    def num_model_per_iteration(self):
        return self._native.num_outputs

    def dump_model(self, num_iteration=None, start_iteration=0, importance_type="split", object_hook=None):
        """The trees as a dict in LightGBM's ``dump_model`` layout."""
        return json.loads(self._native.dump_model(), object_hook=object_hook)

    def trees_to_dataframe(self):
        """Every node of every tree as a row of a pandas DataFrame, from ``dump_model`` (LightGBM's layout).

        Columns: ``tree_index``, ``node_depth`` (the root is 1), ``node_index``
        (``"<tree>-S<split>"`` or ``"<tree>-L<leaf>"``), ``left_child``,
        ``right_child``, ``parent_index``, ``split_feature`` (its name),
        ``split_gain``, ``threshold``, ``decision_type``, ``missing_direction``,
        ``missing_type``, ``value``, ``weight`` and ``count``. A tree of one
        leaf has ``value`` only. ``weight`` (LightGBM's sum of hessians) is
        taken from the dump's ``internal_weight``/``leaf_weight``; ironlearn's
        dumps do not record them, so it is NaN for ironlearn-trained nodes.
        """
        if not PANDAS_INSTALLED:
            raise LightGBMError("This method cannot be run without pandas installed. You must install pandas and restart your session to use this method.")
        if self.num_trees() == 0:
            raise LightGBMError("There are no trees in this Booster and thus nothing to parse")
        model = self.dump_model()
        names = model.get("feature_names")
        rows: list = []

        def index(node, t):
            split = "split_index" in node
            return f"{t}-{'S' if split else 'L'}{node.get('split_index' if split else 'leaf_index', 0)}"

        def walk(node, depth, t, parent):
            row = dict.fromkeys(_TREE_DF_COLUMNS)
            row.update(tree_index=t, node_depth=depth, node_index=index(node, t), parent_index=parent)
            if "split_index" in node:
                f = node["split_feature"]
                row.update(
                    left_child=index(node["left_child"], t), right_child=index(node["right_child"], t),
                    split_feature=names[f] if names is not None else f, split_gain=node["split_gain"],
                    threshold=node["threshold"], decision_type=node["decision_type"],
                    missing_direction="left" if node["default_left"] else "right", missing_type=node["missing_type"],
                    value=node["internal_value"], weight=node.get("internal_weight", np.nan), count=node["internal_count"],
                )
                rows.append(row)
                walk(node["left_child"], depth + 1, t, row["node_index"])
                walk(node["right_child"], depth + 1, t, row["node_index"])
            else:
                row["value"] = node["leaf_value"]
                if set(node) != {"leaf_value", "leaf_count"} and "leaf_index" in node:
                    row.update(weight=node.get("leaf_weight", np.nan), count=node.get("leaf_count"))
                rows.append(row)

        for tree in model["tree_info"]:
            walk(tree["tree_structure"], 1, tree["tree_index"], None)
        return pd_DataFrame(rows, columns=list(_TREE_DF_COLUMNS))

    def _model_meta(self) -> dict:
        """The metadata the model file records (parameters, schema with the categorical levels), {} when unreadable."""
        import struct

        raw = bytes(self._native.to_bytes(None))
        (n,) = struct.unpack("<Q", raw[:8])
        return json.loads(json.loads(raw[8:8 + n]).get("__metadata__", {}).get("ironlearn", "{}"))

    def _warn_unseen_levels(self, data) -> None:
        """Warns, per categorical column of a pandas DataFrame, about levels the model never saw in training.

        Such a value is predicted as an unknown level (as a missing one); the
        warning names the column, the levels, how many rows hold them and the
        first one, as ``ironlearn predict`` does.
        """
        if not (hasattr(data, "iloc") and hasattr(data, "dtypes")):
            return
        fields = (self._model_meta().get("schema") or {}).get("fields") or []
        for f in fields:
            if f.get("type") != "categorical" or f.get("name") not in data.columns:
                continue
            col = data[f["name"]]
            if not (str(col.dtype) == "category" or col.dtype == object or str(col.dtype) in ("str", "string")):
                continue
            values = col.astype(object)
            known = set(f.get("categories") or [])
            mask = values.notna().to_numpy() & ~values.map(lambda v: str(v) in known).to_numpy()
            if not mask.any():
                continue
            unseen = list(dict.fromkeys(str(v) for v in values[mask]))
            first = data.index[np.flatnonzero(mask)[0]]
            listed = ", ".join(repr(u) for u in unseen[:5]) + (f" and {len(unseen) - 5} more" if len(unseen) > 5 else "")
            warnings.warn(
                f"column '{f['name']}' holds {'level' if len(unseen) == 1 else f'{len(unseen)} levels'} {listed} the model never "
                f"saw in training, in {int(mask.sum())} row{'s' if mask.sum() > 1 else ''} (the first at index {first!r}); "
                "they are predicted as an unknown level: check the spelling, or retrain on data that has them",
                UserWarning,
                stacklevel=4,
            )

    def _get_loaded_param(self) -> dict:
        """The parameters the booster was trained with, by ironlearn's main names (LightGBM's loaded config).

        Read from the model itself (its file records every parameter, defaults
        included, with aliases resolved), so an alias such as ``eta`` shows as
        ``learning_rate``. LightGBM's names that have another main name in
        ironlearn (``num_iterations``, ``num_leaves``...) are added, with the same values.
        """
        params = dict(self._model_meta().get("params") or {})
        if not params:
            raise LightGBMError("this model records no training parameters (it was imported, not trained by ironlearn)")
        for main, names in _ConfigAliases._load().items():
            if main in params:
                for lgb_name in _LGBM_MAIN_NAMES.intersection(names):
                    params.setdefault(lgb_name, params[main])
        return params

    # -- persistence ----------------------------------------------------------------
    def _bytes(self, num_iteration=None) -> bytes:
        model = self._native
        n = self._iterations(num_iteration) if num_iteration is not None else None
        if n:
            model = model.truncated(n)
        return bytes(model.to_bytes(json.dumps(self._header) if self._header else None))

    def save_model(self, filename, num_iteration=None, start_iteration=0, importance_type="split"):
        """Writes the ironlearn model file (a safetensors file; it holds no code)."""
        data = self._bytes(num_iteration)
        with open(filename, "wb") as f:
            f.write(data)
        return self

    def model_to_string(self, num_iteration=None, start_iteration=0, importance_type="split"):
        """The model file as text, loadable with ``Booster(model_str=...)``."""
        return "ironlearn-model:base64:" + base64.b64encode(self._bytes(num_iteration)).decode("ascii")

    def model_from_string(self, model_str):
        return self._load_str(model_str)

    def __getstate__(self):
        return {"params": self.params, "model": self._bytes(), "best_iteration": self.best_iteration, "best_score": self.best_score}

    def __setstate__(self, state):
        self.params = state["params"]
        self._native = None
        self._classes = None
        self._header = {}
        self._train_data_name = "training"
        self._reset = {}
        self._load_bytes(state["model"])
        self.best_iteration = state["best_iteration"]
        self.best_score = state["best_score"]


def _choose(params: dict, names: tuple, default=None):
    """Pops every name in ``names`` from ``params``; the value of the first name present (the main name first)."""
    found = [params.pop(n) for n in names if n in params]
    return found[0] if found else default


def _integer_param(name: str, value, minimum: int = 1) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)) or value < minimum:
        raise ValueError(f"parameter '{name}': must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _as_list(x) -> list:
    """``None``, one item, a tuple or a list, as a list (LightGBM accepts each for ``valid_sets``, ``valid_names``, ``feval``)."""
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _feval_results(fevals, preds, data, data_name: str) -> list:
    """The ``EvalResult`` of every custom metric on one data set; ``feval(preds, data)`` returns ``(name, value, is_higher_better)`` or a list of them."""
    out = []
    for f in fevals:
        res = f(preds, data)
        for name, value, higher in res if isinstance(res, list) else [res]:
            out.append(EvalResult(data_name, name, float(value), bool(higher)))
    return out


def train(
    params: dict,
    train_set: Dataset,
    num_boost_round: int = 100,
    valid_sets=None,
    valid_names=None,
    feval=None,
    init_model=None,
    feature_name="auto",
    categorical_feature="auto",
    keep_training_booster=False,
    callbacks=None,
) -> Booster:
    """Trains a booster, LightGBM's way.

    As in LightGBM, ``early_stopping_round`` (and its aliases) in ``params``
    adds an ``early_stopping`` callback (with ``first_metric_only`` and
    ``early_stopping_min_delta``), and a ``valid_sets`` entry that is
    ``train_set`` itself is the training data, whatever ``valid_names`` calls
    it: its metrics are reported but never stop training. ``valid_sets`` may be
    one Dataset, a list or a tuple.

    ``feval`` (a function or a list of them, ``feval(preds, eval_data) ->
    (name, value, is_higher_better)`` or a list of such tuples) is computed in
    Python from the predictions on each validation set after every round:
    transformed predictions for a built-in objective, raw scores for a custom
    one. With ``feval`` or a callback that runs before each round
    (``reset_parameter``), the model grows one round at a time, each round
    continuing the previous one; without row or feature sampling the trees are
    the same as in one run, with sampling the random draws differ.
    """
    if not isinstance(train_set, Dataset):
        raise TypeError(f"train() only accepts Dataset object, train_set has type '{type(train_set).__name__}'.")
    params = dict(params or {})
    fevals = _as_list(feval)
    for f in fevals:
        if not callable(f):
            raise TypeError(f"feval should be a callable or a list of callables, got {type(f).__name__}")
    metric_given = any(k in params for k in ("metric", "metrics", "metric_types"))
    fobj = None
    if callable(params.get("objective")):
        fobj = params.pop("objective")
    num_boost_round, params = _choose_num_iterations(num_boost_round, params)
    num_boost_round = _check_num_boost_round(num_boost_round)
    merged = {**train_set.params, **params}
    stopping_rounds = _choose(merged, _EARLY_STOPPING_ALIASES)
    first_metric_only = bool(merged.pop("first_metric_only", False))
    min_delta = merged.pop("early_stopping_min_delta", 0.0)
    verbosity = merged.get("verbosity", merged.get("verbose", 1))
    if fevals and not metric_given and fobj is not None:
        merged["metric"] = "None"  # LightGBM: a custom objective has no default metric
    asked: dict = {}
    p = _clean_params(merged, asked)
    if train_set.position is not None:
        asked["position"] = train_set.position
    _warn_not_implemented(asked)
    if feature_name not in (None, "auto"):
        train_set.feature_name = feature_name
    if categorical_feature not in (None, "auto"):
        train_set.categorical_feature = categorical_feature
    cats = train_set._categorical()
    if cats is not None:
        names = train_set.get_feature_name()
        p["categorical_feature"] = [str(names.index(c)) if c in names else c for c in cats]
    num_class = 1
    if fobj is not None:
        num_class = _choose(p, ("num_class", "num_classes"), 1)
        num_class = _integer_param("num_class", num_class) if num_class else 1
        p["objective"] = "regression"
        user_fobj = fobj

        def fobj(preds):  # LightGBM's signature: (preds, train_data)
            return user_fobj(preds, train_set)

    objective = _objective_name(p)
    classify = fobj is None and objective in _CLASSIFY
    if objective in ("multiclass", "softmax") and "num_class" not in p and "num_classes" not in p:
        raise LightGBMError("Number of classes should be specified and greater than 1 for multiclass training")
    y, classes = _labels(train_set.label, classify)
    x = train_set._native_x()

    # The training set among valid_sets is recognised by identity, as LightGBM does; its name is the user's.
    valid_sets = _as_list(valid_sets)
    names = _as_list(valid_names)
    train_data_name = None  # no set is the training data unless train_set itself is among valid_sets
    valid = []
    evaluated = []  # (name, Dataset, native x) of every set feval sees, in order
    for i, vs in enumerate(valid_sets):
        if not isinstance(vs, Dataset):
            raise TypeError(f"Every item in valid_sets must be a Dataset object. Item {i} has type '{type(vs).__name__}'.")
        if vs is train_set:
            train_data_name = names[i] if i < len(names) else "training"
            name = train_data_name
            evaluated.append((name, vs, x))
        else:
            name = names[i] if i < len(names) else f"valid_{i}"
            evaluated.append((name, vs, None))
        vy, vclasses = _labels(vs.label, classify)
        if classify:
            # Validation labels keep the training classes' codes.
            index = {c: k for k, c in enumerate(classes)}
            try:
                vy = np.asarray([index[_class_name(c)] for c in np.asarray(vs.label).ravel()], dtype=np.int64)
            except KeyError as e:
                raise ValueError(f"validation set '{name}' has label {e.args[0]!r}, which the training data does not") from None
            vclasses = classes
        vx = vs._native_x()
        if evaluated[-1][2] is None:
            evaluated[-1] = (name, vs, vx)
        valid.append((name, vx, vy, vclasses, vs.get_weight(), _group(vs.group), _init(vs.init_score)))

    cbs = list(_as_list(callbacks))
    if stopping_rounds is not None:
        if not isinstance(stopping_rounds, numbers.Integral) or isinstance(stopping_rounds, bool):
            raise TypeError(f"early_stopping_round should be an integer. Got '{type(stopping_rounds).__name__}'")
        if stopping_rounds > 0:
            verbose = isinstance(verbosity, numbers.Real) and verbosity > 0
            cbs.append(early_stopping(int(stopping_rounds), first_metric_only=first_metric_only, verbose=verbose, min_delta=min_delta))
    cbs.sort(key=lambda c: getattr(c, "order", 0))
    before = [c for c in cbs if getattr(c, "before_iteration", False)]
    after = [c for c in cbs if not getattr(c, "before_iteration", False)]
    booster = Booster(params=params)
    booster._train_data_name = train_data_name
    stop: dict = {}
    # The parameters callbacks see (LightGBM's env.params): the user's, as given.
    env_params = dict(merged)

    if init_model is not None and not isinstance(init_model, Booster):
        init_model = Booster(model_file=init_model)
    init_native = init_model._native if init_model is not None else None

    def _after(iteration, evals):
        env = CallbackEnv(model=booster, params=env_params, iteration=iteration, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=evals)
        try:
            for cb in after:
                cb(env)
        except EarlyStopException as e:
            stop["best_iteration"] = e.best_iteration + 1
            stop["best_score"] = e.best_score
            return True
        return False

    def _fit(rounds, params_now, start, cb):
        q = dict(params_now)
        q["n_estimators"] = rounds
        try:
            return _native.fit("gbdt", json.dumps(q), x, y, classes, train_set.get_weight(), _group(train_set.group), _init(train_set.init_score),
                               valid, cb, start, fobj, num_class)
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e

    history: dict = collections.OrderedDict()  # (data, metric) -> values, for best_score
    if not fevals and not before:
        def _cb(iteration, evals):
            evals = [EvalResult(*e) for e in evals]
            for e in evals:
                history.setdefault((e.dataset_name, e.metric_name), []).append(e.metric_value)
            return _after(iteration, evals)

        native = _fit(num_boost_round, p, init_native, _cb if after else None)
        if not after:
            for data, metric, values in native.evals():
                history[(data, metric)] = list(values)
    else:
        native = init_native
        for i in range(num_boost_round):
            if before:
                env = CallbackEnv(model=booster, params=env_params, iteration=i, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=None)
                booster._native = native
                for cb in before:
                    cb(env)
                if booster._reset:
                    asked = {}
                    p = {**p, **_clean_params(booster._reset, asked)}
                    booster._reset = {}
            got: list = []

            def _grab(iteration, evals, got=got):
                got.extend(EvalResult(*e) for e in evals)
                return False

            native = _fit(1, p, native, _grab if valid else None)
            evals = []
            if fevals:
                kind = "raw" if fobj is not None else "value"
                by_name: dict = {}
                for e in got:
                    by_name.setdefault(e.dataset_name, []).append(e)
                for name, vs, vx in evaluated:
                    out = native.booster_predict(vx, kind, None)
                    preds = out[:, 0] if out.shape[1] == 1 else out
                    evals += by_name.pop(name, []) + _feval_results(fevals, preds, vs, name)
                for rest in by_name.values():
                    evals += rest
            else:
                evals = got
            for e in evals:
                history.setdefault((e.dataset_name, e.metric_name), []).append(e.metric_value)
            if after and _after(i, evals):
                break
        if native is None:
            raise LightGBMError("no boosting round was trained")
    # The names the user gave (a DataFrame's columns, feature_name=) or LightGBM's
    # defaults (Column_0, ...) and the round a Python callback chose go into the
    # model itself, so its file, dumps and importances carry them.
    given = train_set._given_names()
    if given is None and not isinstance(x, _native.Frame) and init_native is None:
        given = [f"Column_{i}" for i in range(len(native.feature_names))]
    rename = given if given is not None and given != list(native.feature_names) else None
    best_iteration = None
    if "best_iteration" in stop:  # the rounds of init_model count, as in LightGBM
        best_iteration = stop["best_iteration"] + (init_model.current_iteration() if init_model is not None else 0)
    if rename is not None or best_iteration is not None:
        native = native.booster_with(feature_names=rename, best_iteration=best_iteration)
    booster._native = native
    booster.best_iteration = native.best_iteration or 0
    label_name = _target_name(train_set.label)
    if label_name is not None:
        booster._header = {"target_name": label_name}
    if "best_score" in stop and stop["best_score"]:
        for e in map(_eval_result, stop["best_score"]):
            booster.best_score.setdefault(e.dataset_name, collections.OrderedDict())[e.metric_name] = e.metric_value
    else:
        best = stop.get("best_iteration") or None
        for (data, metric), values in history.items():
            if values:
                at = len(values) if best is None else min(best, len(values))
                booster.best_score.setdefault(data, collections.OrderedDict())[metric] = values[at - 1]
    if booster.num_trees() > 0 and not np.any(booster.feature_importance("split")):
        # LightGBM warns too ("no more leaves that meet the split requirements").
        warnings.warn(
            "the model made no split: every tree is a single leaf, so every row gets the same prediction; "
            f"with {train_set.num_data()} rows, min_data_in_leaf (default 20) or min_sum_hessian_in_leaf "
            "may allow no split: lower them",
            UserWarning,
            stacklevel=2,
        )
    return booster


class CVBooster:
    """The boosters of ``cv``, one per fold (LightGBM's ``CVBooster``).

    A method call other than ``model_to_string``, ``model_from_string`` and
    ``save_model`` runs on every booster and returns the list of results
    (``cvbooster.predict(X)`` gives one prediction per fold). ``best_iteration``
    is the round early stopping chose (-1 without early stopping).
    """

    def __init__(self, model_file=None):
        self.boosters: list = []
        self.best_iteration = -1
        if model_file is not None:
            self._from_dict(json.loads(_native.read_model_file(model_file)))

    def _from_dict(self, models: dict) -> None:
        self.best_iteration = models["best_iteration"]
        self.boosters = [Booster(model_str=m) for m in models["boosters"]]

    def _to_dict(self, num_iteration, start_iteration, importance_type) -> dict:
        return {
            "boosters": [b.model_to_string(num_iteration=num_iteration, start_iteration=start_iteration, importance_type=importance_type) for b in self.boosters],
            "best_iteration": self.best_iteration,
        }

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("boosters", "best_iteration"):
            raise AttributeError(name)

        def handler_function(*args, **kwargs):
            return [getattr(b, name)(*args, **kwargs) for b in self.boosters]

        return handler_function

    def __getstate__(self) -> dict:
        return vars(self)

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state)

    def model_from_string(self, model_str: str) -> "CVBooster":
        """Loads the boosters from ``model_to_string``'s JSON text."""
        self._from_dict(json.loads(model_str))
        return self

    def model_to_string(self, num_iteration=None, start_iteration=0, importance_type="split") -> str:
        """The boosters and ``best_iteration`` as JSON text (each booster as ``Booster.model_to_string`` writes it)."""
        return json.dumps(self._to_dict(num_iteration, start_iteration, importance_type))

    def save_model(self, filename, num_iteration=None, start_iteration=0, importance_type="split") -> "CVBooster":
        """Writes ``model_to_string``'s text to ``filename``; ``CVBooster(model_file=filename)`` reads it."""
        with open(filename, "w") as f:
            json.dump(self._to_dict(num_iteration, start_iteration, importance_type), f)
        return self


def _agg_cv_result(raw_results: list) -> list:
    """Per (data set, metric): the mean over the folds and their standard deviation, as ``EvalResult`` s."""
    maximize: dict = collections.OrderedDict()
    values: dict = collections.OrderedDict()
    for results in raw_results:
        for r in map(_eval_result, results):
            key = (r.dataset_name, r.metric_name)
            maximize[key] = r.maximize
            values.setdefault(key, []).append(r.metric_value)
    return [EvalResult(k[0], k[1], float(np.mean(v)), maximize[k], float(np.std(v))) for k, v in values.items()]


_RANKING_OBJECTIVES = {"lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart"}


def _cv_folds(train_set: Dataset, folds, nfold: int, params: dict, seed: int, stratified: bool, shuffle: bool) -> list:
    n = train_set.num_data()
    if folds is not None:
        if not hasattr(folds, "__iter__") and not hasattr(folds, "split"):
            raise AttributeError("folds should be a generator or iterator of (train_idx, test_idx) tuples or scikit-learn splitter object with split method")
        if hasattr(folds, "split"):
            group = train_set.get_group()
            flat = np.repeat(np.arange(len(group)), np.asarray(group, dtype=np.int64)) if group is not None else np.zeros(n, dtype=np.int32)
            folds = folds.split(X=np.empty(n), y=train_set.get_label(), groups=flat)
        return [(np.asarray(a), np.asarray(b)) for a, b in folds]
    if _objective_name(params) in _RANKING_OBJECTIVES:
        from sklearn.model_selection import GroupKFold

        group = train_set.get_group()
        if group is None:
            raise LightGBMError("ranking cv needs the Dataset's group")
        flat = np.repeat(np.arange(len(group)), np.asarray(group, dtype=np.int64))
        return list(GroupKFold(n_splits=nfold).split(np.empty(n), groups=flat))
    if stratified:
        from sklearn.model_selection import StratifiedKFold

        skf = StratifiedKFold(n_splits=nfold, shuffle=shuffle, random_state=seed if shuffle else None)
        return list(skf.split(np.empty(n), train_set.get_label()))
    idx = np.random.RandomState(seed).permutation(n) if shuffle else np.arange(n)
    test = np.array_split(idx, nfold)
    return [(np.concatenate([test[i] for i in range(nfold) if i != k]), test[k]) for k in range(nfold)]


def cv(
    params: dict,
    train_set: Dataset,
    num_boost_round: int = 100,
    folds=None,
    nfold: int = 5,
    stratified: bool = True,
    shuffle: bool = True,
    metrics=None,
    feval=None,
    init_model=None,
    fpreproc=None,
    seed: int = 0,
    callbacks=None,
    eval_train_metric: bool = False,
    return_cvbooster: bool = False,
) -> dict:
    """Cross-validation, LightGBM's way: ``{"valid <metric>-mean": [...], "valid <metric>-stdv": [...]}``.

    Folds come from ``folds`` (``(train_idx, test_idx)`` pairs or a scikit-learn
    splitter), else groups for ranking, else ``StratifiedKFold`` (``stratified``)
    or a seeded permutation split into ``nfold`` parts, as LightGBM makes them.
    Each fold trains with ``train`` (``feval`` and callbacks that run before
    each round, such as ``reset_parameter``, run in each fold); after every
    round the folds' metrics are averaged (``-mean``, and ``-stdv`` their
    population standard deviation) and the callbacks run on the averages with
    ``env.model`` the ``CVBooster``, so ``early_stopping`` stops on the mean: the
    lists then end at the best round and every fold's booster keeps the rounds
    grown until the stop, with ``best_iteration`` set. ``eval_train_metric``
    adds each fold's training data as ``train``. ``return_cvbooster=True``
    adds the ``CVBooster`` under ``"cvbooster"``.
    """
    if not isinstance(train_set, Dataset):
        raise TypeError(f"cv() only accepts Dataset object, train_set has type '{type(train_set).__name__}'.")
    params = dict(params or {})
    num_boost_round, params = _choose_num_iterations(num_boost_round, params)
    num_boost_round = _check_num_boost_round(num_boost_round)
    if metrics is not None:
        for alias in ("metric", "metrics", "metric_types", "eval_metric"):
            params.pop(alias, None)
        params["metric"] = metrics
    merged = {**train_set.params, **params}
    stopping_rounds = _choose(merged, _EARLY_STOPPING_ALIASES)
    first_metric_only = bool(merged.pop("first_metric_only", False))
    min_delta = merged.pop("early_stopping_min_delta", 0.0)
    verbosity = merged.get("verbosity", merged.get("verbose", 1))
    fold_params = {k: v for k, v in params.items() if k not in _EARLY_STOPPING_ALIASES and k not in ("first_metric_only", "early_stopping_min_delta")}

    cbs = list(_as_list(callbacks))
    if stopping_rounds is not None and _should_enable_early_stopping(stopping_rounds):
        verbose = isinstance(verbosity, numbers.Real) and verbosity > 0
        cbs.append(early_stopping(int(stopping_rounds), first_metric_only=first_metric_only, verbose=verbose, min_delta=min_delta))
    cbs.sort(key=lambda c: getattr(c, "order", 0))
    before = [c for c in cbs if getattr(c, "before_iteration", False)]
    after = [c for c in cbs if not getattr(c, "before_iteration", False)]

    if init_model is not None and not isinstance(init_model, Booster):
        init_model = Booster(model_file=init_model)
    init_rounds = init_model.current_iteration() if init_model is not None else 0

    cvbooster = CVBooster()
    per_fold = []  # per fold: the list of EvalResults of every round
    for train_idx, test_idx in _cv_folds(train_set, folds, nfold, merged, seed, stratified, shuffle):
        tr = train_set.subset(sorted(np.asarray(train_idx).tolist()))
        va = train_set.subset(sorted(np.asarray(test_idx).tolist()))
        tparams = dict(fold_params)
        if fpreproc is not None:
            tr, va, tparams = fpreproc(tr, va, dict(fold_params))
        rounds: list = []

        def _record(env, rounds=rounds):
            rounds.append(list(env.evaluation_result_list))

        _record.order = 100
        valid_sets, valid_names = ([tr, va], ["train", "valid"]) if eval_train_metric else ([va], ["valid"])
        b = train(tparams, tr, num_boost_round, valid_sets=valid_sets, valid_names=valid_names, feval=feval, init_model=init_model, callbacks=[*before, _record])
        cvbooster.boosters.append(b)
        per_fold.append(rounds)

    results: dict = collections.defaultdict(list)
    n_rounds = min((len(r) for r in per_fold), default=0)
    for i in range(n_rounds):
        evals = _agg_cv_result([r[i] for r in per_fold])
        for e in evals:
            results[f"{e.dataset_name} {e.metric_name}-mean"].append(e.metric_value)
            results[f"{e.dataset_name} {e.metric_name}-stdv"].append(e.metric_std_dev)
        try:
            for cb in after:
                cb(CallbackEnv(model=cvbooster, params=merged, iteration=i, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=evals))
        except EarlyStopException as e:
            cvbooster.best_iteration = e.best_iteration + 1
            for b in cvbooster.boosters:
                native = b._native
                if native.num_iterations > init_rounds + i + 1:
                    native = native.truncated(init_rounds + i + 1)
                b._native = native.booster_with(best_iteration=init_rounds + cvbooster.best_iteration)
                b.best_iteration = b._native.best_iteration or 0
            for k in results:
                results[k] = results[k][: cvbooster.best_iteration]
            break
    out = dict(results)
    if return_cvbooster:
        out["cvbooster"] = cvbooster
    return out


def _group(group):
    return None if group is None else [int(g) for g in np.asarray(group).ravel()]


def _init(init_score):
    if init_score is None:
        return None
    return np.ascontiguousarray(np.asarray(init_score, dtype=np.float64).ravel(order="F"))


from .ensemble import GBDTClassifier, GBDTRanker, GBDTRegressor, _GBDTBase  # noqa: E402


class _FittedAttribute:
    """A fitted attribute of the LGBM estimators: LightGBM's ``LGBMNotFittedError`` (with its message) before ``fit``."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.key = f"_fitted_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if not obj.__sklearn_is_fitted__():
            raise LGBMNotFittedError(self.message)
        try:
            return obj.__dict__[self.key]
        except KeyError:
            raise AttributeError(f"'{type(obj).__name__}' object has no attribute '{self.name}'") from None

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.key] = value

    def __delete__(self, obj) -> None:
        obj.__dict__.pop(self.key, None)


def _frame_like(X) -> bool:
    """A pandas or polars DataFrame, an Arrow table or a native Frame: input whose columns have names."""
    return isinstance(X, _native.Frame) or _is_dataframe(X) or hasattr(X, "__arrow_c_stream__")


def _input_feature_names(X) -> Optional[list]:
    """The column names of a pandas or polars DataFrame or an Arrow table, else None."""
    if isinstance(X, _native.Frame):
        return [str(n) for n in X.names]
    if hasattr(X, "column_names") and not hasattr(X, "iloc"):  # pyarrow
        return [str(n) for n in X.column_names]
    if _is_dataframe(X):
        return [str(c) for c in X.columns]
    return None


def _validate_eval_set_Xy(*, eval_set, eval_X, eval_y):
    """LightGBM 4.7's rules for ``eval_set`` (deprecated, with LGBMDeprecationWarning) and ``eval_X``/``eval_y``: the eval pairs, or None."""
    if eval_set is not None:
        warnings.warn("The argument 'eval_set' is deprecated, use 'eval_X' and 'eval_y' instead.", LGBMDeprecationWarning, stacklevel=3)
        if eval_X is not None or eval_y is not None:
            raise ValueError("Specify either 'eval_set' or 'eval_X' and 'eval_y', but not both.")
        return [eval_set] if isinstance(eval_set, tuple) else eval_set
    if (eval_X is None) != (eval_y is None):
        raise ValueError("You must specify eval_X and eval_y, not just one of them.")
    if eval_X is None:
        return None
    if isinstance(eval_X, tuple) != isinstance(eval_y, tuple) or (isinstance(eval_X, tuple) and len(eval_X) != len(eval_y)):
        raise ValueError("If eval_X is a tuple, y_val must be a tuple of same length, and vice versa.")
    return list(zip(eval_X, eval_y)) if isinstance(eval_X, tuple) else [(eval_X, eval_y)]


class LGBMModel(_GBDTBase):
    """LightGBM's scikit-learn base estimator: the constructor of ``LGBMModel`` (keyword-only arguments, ``class_weight``).

    ``LGBMRegressor``, ``LGBMClassifier`` and ``LGBMRanker`` derive from it
    (and from ironlearn's ``GBDTRegressor``, ``GBDTClassifier``,
    ``GBDTRanker``, which do the work). Other booster parameters, such as
    ``max_bin``, go in ``**kwargs``. ``get_params`` collects the constructor
    arguments of every class in the hierarchy, so a subclass whose
    ``__init__`` takes its own arguments and ``**kwargs`` keeps its parents'
    parameters (and scikit-learn's ``clone`` works), as in LightGBM.
    ``class_weight`` (a dict or ``"balanced"``) multiplies the sample weights.
    Fitting ``LGBMModel`` itself learns a regression (or the given objective).
    """

    def __init__(
        self,
        *,
        boosting_type="gbdt",
        num_leaves=31,
        max_depth=-1,
        learning_rate=0.1,
        n_estimators=100,
        subsample_for_bin=200000,
        objective=None,
        class_weight=None,
        min_split_gain=0.0,
        min_child_weight=1e-3,
        min_child_samples=20,
        subsample=1.0,
        subsample_freq=0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=0.0,
        random_state=None,
        n_jobs=None,
        importance_type="split",
        **kwargs,
    ):
        self.boosting_type = boosting_type
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample_for_bin = subsample_for_bin
        self.objective = objective
        self.class_weight = class_weight
        self.min_split_gain = min_split_gain
        self.min_child_weight = min_child_weight
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.subsample_freq = subsample_freq
        self.colsample_bytree = colsample_bytree
        self.reg_alpha = reg_alpha
        self.reg_lambda = reg_lambda
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.importance_type = importance_type
        self._set_other_params(kwargs)

    @classmethod
    def _get_param_names(cls):
        """The named constructor arguments of every class in the MRO that is an LGBMModel (LightGBM's ``get_params`` rule)."""
        import inspect

        names = set()
        for klass in cls.__mro__:
            if not (isinstance(klass, type) and issubclass(klass, LGBMModel)) or "__init__" not in vars(klass):
                continue
            for p in inspect.signature(klass.__init__).parameters.values():
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                    names.add(p.name)
        return sorted(names)

    def _more_tags(self) -> dict:
        """LightGBM's pre-1.6 scikit-learn tags (its tests read them); ``__sklearn_tags__`` says the same.

        ``_xfail_checks`` lists the scikit-learn checks these estimators fail on
        purpose, as LightGBM's do and for the same reasons (its tests pass them
        to ``parametrize_with_checks``).
        """
        weights = (
            "Setting a sample's weight to 0 can give a different model than leaving the sample out: as in LightGBM, "
            "such samples still count in 'min_data_in_leaf' (min_child_samples) and in the binning of the features."
        )
        return {
            "allow_nan": True,
            "X_types": ["2darray", "sparse", "1dlabels"],
            "_xfail_checks": {
                "check_no_attributes_set_in_init": (
                    "As LightGBM's, the estimators keep booster parameters given as keyword arguments (max_bin=...) "
                    "as attributes, which scikit-learn's check takes for attributes set in __init__"
                ),
                "check_sample_weight_equivalence": weights,
                "check_sample_weight_equivalence_on_dense_data": weights,
                "check_sample_weight_equivalence_on_sparse_data": weights,
            },
        }

    # -- fitted attributes: LightGBM's LGBMNotFittedError before fit ------------------
    booster_ = _FittedAttribute("No booster found. Need to call fit beforehand.")
    evals_result_ = _FittedAttribute("No results found. Need to call fit with eval_set beforehand.")
    feature_name_ = _FittedAttribute("No feature_name found. Need to call fit beforehand.")
    n_features_in_ = _FittedAttribute("No n_features_in found. Need to call fit beforehand.")
    best_iteration_ = _FittedAttribute("No best_iteration found. Need to call fit with early_stopping callback beforehand.")
    best_score_ = _FittedAttribute("No best_score found. Need to call fit beforehand.")
    objective_ = _FittedAttribute("No objective found. Need to call fit beforehand.")
    n_estimators_ = _FittedAttribute("No n_estimators found. Need to call fit beforehand.")
    n_iter_ = _FittedAttribute("No n_iter found. Need to call fit beforehand.")

    def __sklearn_is_fitted__(self) -> bool:
        return "_model" in self.__dict__

    @property
    def n_features_(self) -> int:
        """The number of features of the fitted model (LightGBM's name for ``n_features_in_``)."""
        if not self.__sklearn_is_fitted__():
            raise LGBMNotFittedError("No n_features found. Need to call fit beforehand.")
        return self.n_features_in_

    @property
    def feature_names_in_(self) -> np.ndarray:
        """The feature names (as ``feature_name_``), only when the training data had names or ``feature_name`` was given.

        As in LightGBM, a model trained on an array without ``feature_name``
        raises AttributeError here (``feature_name_`` then holds ``Column_0``, ...).
        """
        if not self.__sklearn_is_fitted__():
            raise LGBMNotFittedError("No feature_names_in_ found. Need to call fit beforehand.")
        if not self.__dict__.get("_fitted_with_feature_names"):
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute 'feature_names_in_'. The training data did not have "
                "feature names (e.g. was a numpy array rather than a pandas DataFrame)."
            )
        return np.array(self.feature_name_)

    @feature_names_in_.setter
    def feature_names_in_(self, value) -> None:
        # scikit-learn's validate_data sets it for data with names (and unpickling does): the names come from the booster.
        self.__dict__["_fitted_with_feature_names"] = True

    @feature_names_in_.deleter
    def feature_names_in_(self) -> None:
        # scikit-learn deletes it for data without names; fit decides (feature_name= counts too), as in LightGBM.
        pass

    def _header(self) -> dict:
        header = super()._header()
        booster = self.__dict__.get("_fitted_booster_")
        if self.__dict__.get("_fitted_with_feature_names") and booster is not None:
            header["feature_names"] = booster.feature_name()
        return header

    def _extra_state(self) -> dict:
        extra = super()._extra_state()
        if "_fitted_evals_result_" in self.__dict__:
            extra["evals_result"] = self.__dict__["_fitted_evals_result_"]
        extra["fitted_with_feature_names"] = bool(self.__dict__.get("_fitted_with_feature_names"))
        return extra

    def _restore_extra(self, extra: dict) -> None:
        super()._restore_extra(extra)
        if "evals_result" in extra:
            self.__dict__["_fitted_evals_result_"] = extra["evals_result"]
        if "fitted_with_feature_names" in extra:
            self.__dict__["_fitted_with_feature_names"] = extra["fitted_with_feature_names"]

    def _fit(self, X, given, label, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, feature_name, categorical_feature, callbacks, init_model, eval_class_weight=None):
        # LightGBM's feature names: feature_name= if given, else the data's column names, else Column_0, ...
        names = None if feature_name in (None, "auto") else [str(n) for n in feature_name]
        if names is None:
            names = _input_feature_names(given[0])
            if names is not None:
                feature_name = names
        self.__dict__["_fitted_with_feature_names"] = names is not None
        out = super()._fit(X, given, label, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, feature_name, categorical_feature, callbacks, init_model, eval_class_weight)
        self.__dict__["_fitted_with_feature_names"] = names is not None
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = True
        tags.target_tags.one_d_labels = True
        return tags

    def _prepare_X(self, X, reset: bool):
        # scipy.sparse and pandas sparse input are densified (within MAX_DENSIFIED_CELLS): the booster bins dense columns.
        X = _dense_X(X)
        if reset or not _frame_like(X):
            return super()._prepare_X(X, reset)
        # As LightGBM: a data frame's column names are not checked against the training ones when predicting
        # (predict(validate_features=True) checks them); only its width is.
        from sklearn.utils.validation import _check_n_features, check_array

        from ._base import _Shape

        check_mixed_columns(X)
        if isinstance(X, _native.Frame) or _has_text_columns(X) or _has_category_dtype(X):
            frame = to_frame(X)
            _check_n_features(self, _Shape(frame.shape), reset=False)
            return frame
        if hasattr(X, "__arrow_c_stream__") and not _is_dataframe(X):
            arr = np.asarray(to_frame(X).to_columns(), dtype=np.float64).T
        else:
            arr = check_array(X, dtype=np.float64, ensure_all_finite=False)
        _check_n_features(self, arr, reset=False)
        return np.ascontiguousarray(arr, dtype=np.float64)

    def _booster_params(self) -> dict:
        # Arguments a subclass's __init__ adds are its own, not booster parameters (LightGBM's C++ ignores them).
        own = set(self._get_param_names()) - set(LGBMModel._get_param_names())
        return {k: v for k, v in super()._booster_params().items() if k not in own or k in self._other_params}

    def _check_params(self) -> None:
        # Registry parameters that are not constructor arguments here (max_bin) are checked when given.
        saved = self._params
        try:
            self._params = {k: v for k, v in saved.items() if hasattr(self, k)}
            super()._check_params()
        finally:
            del self._params

    def fit(self, X, y, sample_weight=None, init_score=None, group=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_class_weight=None, eval_init_score=None, eval_group=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None, *, eval_X=None, eval_y=None):
        """Fits the booster with ``objective`` (regression when None); returns self.

        Validation data go in ``eval_X`` and ``eval_y`` (one input or a tuple of
        them); ``eval_set`` (a list of ``(X, y)`` pairs) still works, with
        LightGBM 4.7's LGBMDeprecationWarning.
        """
        eval_set = _validate_eval_set_Xy(eval_set=eval_set, eval_X=eval_X, eval_y=eval_y)
        X, eval_set = _dense_fit_args(X, eval_set)
        if group is not None or eval_group is not None:
            return GBDTRanker.fit(self, X, y, sample_weight=sample_weight, init_score=init_score, group=group, eval_set=eval_set, eval_names=eval_names, eval_sample_weight=eval_sample_weight, eval_init_score=eval_init_score, eval_group=eval_group, eval_metric=eval_metric, feature_name=feature_name, categorical_feature=categorical_feature, callbacks=callbacks, init_model=init_model)
        return GBDTRegressor.fit(self, X, y, sample_weight=sample_weight, init_score=init_score, eval_set=eval_set, eval_names=eval_names, eval_sample_weight=eval_sample_weight, eval_init_score=eval_init_score, eval_metric=eval_metric, feature_name=feature_name, categorical_feature=categorical_feature, callbacks=callbacks, init_model=init_model)

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Predictions (or raw scores, leaf indices, SHAP values)."""
        return self._raw(X, raw_score, start_iteration, num_iteration, pred_leaf, pred_contrib, validate_features, **kwargs)


def _dense_X(X):
    """scipy.sparse or pandas sparse ``X`` densified (within ``MAX_DENSIFIED_CELLS``); other input as it is."""
    if _is_scipy_sparse(X):
        return _sparse_to_dense(X)
    if _is_dataframe(X) and _has_sparse_columns(X):
        _check_densify(*X.shape)
        return X.sparse.to_dense() if all(_is_sparse_dtype(dt) for dt in X.dtypes) else X.apply(_dense_column)
    return X


def _dense_fit_args(X, eval_set):
    """``X`` and ``eval_set`` with sparse matrices densified; an eval set that is ``X`` itself stays ``X`` (the training data)."""
    dense = _dense_X(X)
    if eval_set is None:
        return dense, None
    pairs = [eval_set] if isinstance(eval_set, tuple) else list(eval_set)
    return dense, [(dense if vx is X else _dense_X(vx), vy) for vx, vy in pairs]


class LGBMRegressor(GBDTRegressor, LGBMModel):
    """LightGBM's ``LGBMRegressor``: ironlearn's ``GBDTRegressor`` with ``LGBMModel``'s constructor."""

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None, *, eval_X=None, eval_y=None):
        """Fits the booster; returns self. Validation data: ``eval_X``/``eval_y`` (or the deprecated ``eval_set``); sparse input is densified."""
        eval_set = _validate_eval_set_Xy(eval_set=eval_set, eval_X=eval_X, eval_y=eval_y)
        X, eval_set = _dense_fit_args(X, eval_set)
        return GBDTRegressor.fit(self, X, y, sample_weight, init_score, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_metric, feature_name, categorical_feature, callbacks, init_model)


class LGBMClassifier(GBDTClassifier, LGBMModel):
    """LightGBM's ``LGBMClassifier``: ironlearn's ``GBDTClassifier`` with ``LGBMModel``'s constructor."""

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_class_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None, *, eval_X=None, eval_y=None):
        """Fits the booster; returns self. Validation data: ``eval_X``/``eval_y`` (or the deprecated ``eval_set``); sparse input is densified."""
        eval_set = _validate_eval_set_Xy(eval_set=eval_set, eval_X=eval_X, eval_y=eval_y)
        X, eval_set = _dense_fit_args(X, eval_set)
        return GBDTClassifier.fit(self, X, y, sample_weight, init_score, eval_set, eval_names, eval_sample_weight, eval_class_weight, eval_init_score, eval_metric, feature_name, categorical_feature, callbacks, init_model)


class LGBMRanker(GBDTRanker, LGBMModel):
    """LightGBM's ``LGBMRanker``: ironlearn's ``GBDTRanker`` with ``LGBMModel``'s constructor."""

    def fit(self, X, y, sample_weight=None, init_score=None, group=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_group=None, eval_metric=None, eval_at=(1, 2, 3, 4, 5), feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None, *, eval_X=None, eval_y=None):
        """Fits the ranker; returns self. ``group`` (the size of each query, in row order) is required, as in LightGBM,
        and so is ``eval_group`` with validation data (``eval_X``/``eval_y`` or the deprecated ``eval_set``)."""
        if group is None:
            raise ValueError("Should set group for ranking task")
        if eval_group is None and (eval_set is not None or eval_X is not None or eval_y is not None):
            raise ValueError("eval_group cannot be None if any of eval_set, eval_X, or eval_y are provided")
        eval_set = _validate_eval_set_Xy(eval_set=eval_set, eval_X=eval_X, eval_y=eval_y)
        if eval_set is not None and len(eval_group) != len(eval_set):
            raise ValueError(f"Length of eval_group ({len(eval_group)}) not equal to length of eval_set ({len(eval_set)})")
        X, eval_set = _dense_fit_args(X, eval_set)
        return GBDTRanker.fit(self, X, y, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, eval_at, feature_name, categorical_feature, callbacks, init_model)
