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

import base64
import collections
import json
import numbers
import os
import warnings
from typing import Any, Callable

import numpy as np

from . import _native
from ._base import _has_text_columns, _is_dataframe, _jsonable, _target_name, check_mixed_columns, to_frame

__all__ = [
    "Booster",
    "CallbackEnv",
    "Dataset",
    "EarlyStopException",
    "LGBMClassifier",
    "LGBMRanker",
    "LGBMRegressor",
    "early_stopping",
    "log_evaluation",
    "record_evaluation",
    "train",
]

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
_HANDLED_PARAMS = frozenset({"first_metric_only", "early_stopping_min_delta", *_EARLY_STOPPING_ALIASES})

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
_NUM_ROUND_ALIASES = ("num_iterations", "num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators")


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
        return int(np.shape(self.data)[0]) if not isinstance(self.data, _native.Frame) else self.data.shape[0]

    def num_feature(self):
        return len(self.get_feature_name())

    def get_feature_name(self):
        names = self._given_names()
        if names is not None:
            return names
        if isinstance(self.data, _native.Frame):
            return list(self.data.names)
        return [f"Column_{i}" for i in range(np.shape(self.data)[1])]

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


def log_evaluation(period: int = 1, show_stdv: bool = True) -> Callable:
    """Prints the validation metrics every ``period`` rounds."""

    def _callback(env):
        if period > 0 and env.evaluation_result_list and (env.iteration + 1) % period == 0:
            text = "\t".join(f"{d}'s {m}: {v:g}" for d, m, v, *_ in env.evaluation_result_list)
            print(f"[{env.iteration + 1}]\t{text}")

    _callback.order = 10
    return _callback


def record_evaluation(eval_result: dict) -> Callable:
    """Records every round's metrics into ``eval_result[data][metric]``."""
    if not isinstance(eval_result, dict):
        raise TypeError("eval_result should be a dictionary")
    eval_result.clear()

    def _callback(env):
        for d, m, v, *_ in env.evaluation_result_list:
            eval_result.setdefault(d, collections.OrderedDict()).setdefault(m, []).append(v)

    _callback.order = 20
    return _callback


def _is_train_set(name: str, env) -> bool:
    """Whether results named ``name`` are the training data's (``env.model._train_data_name``, as in LightGBM)."""
    return isinstance(env.model, Booster) and env.model._train_data_name is not None and name == env.model._train_data_name


def early_stopping(stopping_rounds: int, first_metric_only: bool = False, verbose: bool = True, min_delta=0.0) -> Callable:
    """Stops when a validation metric has not improved for ``stopping_rounds`` rounds.

    As in LightGBM, every (data set, metric) pair is watched (only the first
    metric with ``first_metric_only``) and training stops at the first that
    stalls; the training set is never watched, whatever ``valid_names`` calls
    it: ``train`` recognises it as the very ``train_set`` object among
    ``valid_sets``. With only the training set to watch, early stopping is
    disabled with a warning.
    """
    if not isinstance(stopping_rounds, numbers.Integral) or isinstance(stopping_rounds, bool) or stopping_rounds <= 0:
        raise ValueError(f"stopping_rounds should be an integer and greater than 0. got: {stopping_rounds}")
    state: dict = {}

    def _init(env):
        if not env.evaluation_result_list:
            raise ValueError("For early stopping, at least one dataset and eval metric is required for evaluation")
        state.clear()
        results = env.evaluation_result_list
        if all(_is_train_set(r[0], env) for r in results):
            state["enabled"] = False
            warnings.warn("Only training set found, disabling early stopping.", UserWarning, stacklevel=5)
            return
        state["enabled"] = True
        if verbose:
            print(f"Training until validation scores don't improve for {stopping_rounds} rounds")
        n_metrics = len({r[1] for r in results})
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
        state["first_metric"] = results[0][1]
        state["deltas"] = deltas
        state["best"] = [None] * len(results)
        state["best_iter"] = [0] * len(results)
        state["best_list"] = [None] * len(results)

    def _callback(env):
        if env.iteration == env.begin_iteration or not state:
            _init(env)
        if not state["enabled"]:
            return
        for i, (d, m, v, higher, *_) in enumerate(env.evaluation_result_list):
            best = state["best"][i]
            delta = state["deltas"][i]
            if best is None or (v > best + delta if higher else v < best - delta):
                state["best"][i] = v
                state["best_iter"][i] = env.iteration
                state["best_list"][i] = list(env.evaluation_result_list)
            if first_metric_only and m != state["first_metric"]:
                continue
            if _is_train_set(d, env):
                continue
            if env.iteration - state["best_iter"][i] >= stopping_rounds:
                if verbose:
                    print(f"Early stopping, best iteration is: [{state['best_iter'][i] + 1}]")
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])
            if env.iteration == env.end_iteration - 1:
                if verbose:
                    print(f"Did not meet early stopping. Best iteration is: [{state['best_iter'][i] + 1}]")
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])

    _callback.order = 30
    return _callback


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
        if model_file is not None:
            with open(model_file, "rb") as f:
                self._load_bytes(f.read())
        elif model_str is not None:
            self._load_str(model_str)
        elif train_set is not None:
            raise NotImplementedError("Booster(train_set=...) without training: use ironlearn.boost.train")

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
        x = Dataset(data)._native_x()
        kind = "leaf" if pred_leaf else "contrib" if pred_contrib else "raw" if raw_score else "value"
        out = self._native.booster_predict(x, kind, self._iterations(num_iteration))
        if kind in ("raw", "value") and out.shape[1] == 1:
            return out[:, 0]
        if kind == "leaf":
            return out.astype(np.int32)
        return out

    def _validate_features(self, columns: list[str]) -> None:
        expected = self.feature_name()
        if len(columns) != len(expected):
            raise ValueError(f"The data has {len(columns)} features, but the model expects {len(expected)}: {expected}")
        for i, (want, got) in enumerate(zip(expected, columns)):
            if want != got:
                raise ValueError(f"Expected '{want}' at position {i} but found '{got}'")

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
        raise NotImplementedError("trees_to_dataframe is not supported; use dump_model()")

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
    it: its metrics are reported but never stop training.
    """
    if feval is not None:
        raise NotImplementedError("feval (custom evaluation functions) is not supported; use built-in metrics")
    params = dict(params or {})
    fobj = None
    if callable(params.get("objective")):
        fobj = params.pop("objective")
    round_name = "num_boost_round"
    for alias in _NUM_ROUND_ALIASES:
        if alias in params:
            round_name, num_boost_round = alias, params.pop(alias)
    num_boost_round = _integer_param(round_name, num_boost_round)
    merged = {**train_set.params, **params}
    stopping_rounds = _choose(merged, _EARLY_STOPPING_ALIASES)
    first_metric_only = bool(merged.pop("first_metric_only", False))
    min_delta = merged.pop("early_stopping_min_delta", 0.0)
    verbosity = merged.get("verbosity", merged.get("verbose", 1))
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
    p["n_estimators"] = num_boost_round
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
        raise ValueError("Number of classes should be specified and greater than 1 for multiclass training")
    y, classes = _labels(train_set.label, classify)
    x = train_set._native_x()

    # The training set among valid_sets is recognised by identity, as LightGBM does; its name is the user's.
    if isinstance(valid_sets, Dataset):
        valid_sets = [valid_sets]
    if isinstance(valid_names, str):
        valid_names = [valid_names]
    names = valid_names or []
    train_data_name = None  # no set is the training data unless train_set itself is among valid_sets
    valid = []
    for i, vs in enumerate(valid_sets or []):
        if vs is train_set:
            train_data_name = names[i] if i < len(names) else "training"
            name = train_data_name
        else:
            name = names[i] if i < len(names) else f"valid_{i}"
        vy, vclasses = _labels(vs.label, classify)
        if classify:
            # Validation labels keep the training classes' codes.
            index = {c: k for k, c in enumerate(classes)}
            try:
                vy = np.asarray([index[_class_name(c)] for c in np.asarray(vs.label).ravel()], dtype=np.int64)
            except KeyError as e:
                raise ValueError(f"validation set '{name}' has label {e.args[0]!r}, which the training data does not") from None
            vclasses = classes
        valid.append((name, vs._native_x(), vy, vclasses, vs.get_weight(), _group(vs.group), _init(vs.init_score)))

    cbs = list(callbacks or [])
    if stopping_rounds is not None:
        if not isinstance(stopping_rounds, numbers.Integral) or isinstance(stopping_rounds, bool):
            raise TypeError(f"early_stopping_round should be an integer. Got '{type(stopping_rounds).__name__}'")
        if stopping_rounds > 0:
            verbose = isinstance(verbosity, numbers.Real) and verbosity > 0
            cbs.append(early_stopping(int(stopping_rounds), first_metric_only=first_metric_only, verbose=verbose, min_delta=min_delta))
    cbs.sort(key=lambda c: getattr(c, "order", 0))
    booster = Booster(params=params)
    booster._train_data_name = train_data_name
    stop: dict = {}

    def _cb(iteration, evals):
        env = CallbackEnv(model=booster, params=p, iteration=iteration, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=evals)
        try:
            for cb in cbs:
                cb(env)
        except EarlyStopException as e:
            stop["best_iteration"] = e.best_iteration + 1
            stop["best_score"] = e.best_score
            return True
        return False

    if init_model is not None and not isinstance(init_model, Booster):
        init_model = Booster(model_file=init_model)
    native = _native.fit(
        "gbdt",
        json.dumps(p),
        x,
        y,
        classes,
        train_set.get_weight(),
        _group(train_set.group),
        _init(train_set.init_score),
        valid,
        _cb if cbs else None,
        init_model._native if init_model is not None else None,
        fobj,
        num_class,
    )
    # The names the user gave (a DataFrame's columns, feature_name=) and the
    # round a Python callback chose go into the model itself, so its file,
    # dumps and importances carry them.
    given = train_set._given_names()
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
    best = booster.best_iteration or native.num_iterations
    for data, metric, values in native.evals():
        if values:
            booster.best_score.setdefault(data, collections.OrderedDict())[metric] = values[min(best, len(values)) - 1]
    return booster


def _group(group):
    return None if group is None else [int(g) for g in np.asarray(group).ravel()]


def _init(init_score):
    if init_score is None:
        return None
    return np.ascontiguousarray(np.asarray(init_score, dtype=np.float64).ravel(order="F"))


from .ensemble import GBDTClassifier as LGBMClassifier  # noqa: E402
from .ensemble import GBDTRanker as LGBMRanker  # noqa: E402
from .ensemble import GBDTRegressor as LGBMRegressor  # noqa: E402
