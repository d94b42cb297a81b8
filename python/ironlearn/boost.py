"""A LightGBM-compatible booster API.

A LightGBM script switches by changing its import::

    import ironlearn.boost as lgb

``Dataset``, ``train``, ``Booster``, the callbacks (``early_stopping``,
``log_evaluation``, ``record_evaluation``) and the scikit-learn classes
(``LGBMRegressor``, ``LGBMClassifier``, ``LGBMRanker``) take LightGBM's names
and parameters; training runs in ironlearn's Rust booster. ``save_model``
writes ironlearn's model file; ``Booster(model_file=...)`` also reads
LightGBM text models and XGBoost JSON models.
"""

from __future__ import annotations

import base64
import collections
import json
import os
from typing import Any, Callable

import numpy as np

from . import _native
from ._base import _has_text_columns, _is_dataframe, _jsonable, to_frame

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

# LightGBM parameters that only tune speed, memory or logging: accepted and
# ignored when they hold their LightGBM default (or any value, when harmless).
_IGNORED_ANY = {
    "force_row_wise", "force_col_wise", "deterministic", "feature_pre_filter", "histogram_pool_size",
    "is_enable_sparse", "enable_bundle", "max_conflict_rate", "two_round", "header", "metric_freq",
    "is_provide_training_metric", "output_model", "snapshot_freq", "saved_feature_importance_type",
    "pre_partition", "first_metric_only", "verbose_eval", "silent", "num_gpu", "gpu_platform_id",
    "gpu_device_id", "gpu_use_dp", "use_quantized_grad", "predict_disable_shape_check", "seed_per_iteration",
}
_IGNORED_IF_DEFAULT = {"use_missing": True, "zero_as_missing": False, "tree_learner": "serial", "device_type": "cpu", "device": "cpu"}

_CLASSIFY = {"binary", "multiclass", "softmax"}
_NUM_ROUND_ALIASES = ("num_iterations", "num_iteration", "n_iter", "num_tree", "num_trees", "num_round", "num_rounds", "nrounds", "num_boost_round", "n_estimators")


def _clean_params(params: dict | None) -> dict:
    out = {}
    for k, v in (params or {}).items():
        if k in _IGNORED_ANY:
            continue
        if k in _IGNORED_IF_DEFAULT:
            if v != _IGNORED_IF_DEFAULT[k] and not (k == "device" and str(v).lower() == "cpu"):
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

    def get_data(self):
        return self.data

    def num_data(self):
        return int(np.shape(self.data)[0]) if not isinstance(self.data, _native.Frame) else self.data.shape[0]

    def num_feature(self):
        return len(self.get_feature_name())

    def get_feature_name(self):
        if self.feature_name not in (None, "auto"):
            return list(self.feature_name)
        if _is_dataframe(self.data):
            return [str(c) for c in self.data.columns]
        return [f"Column_{i}" for i in range(np.shape(self.data)[1])]

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


def early_stopping(stopping_rounds: int, first_metric_only: bool = False, verbose: bool = True, min_delta=0.0) -> Callable:
    """Stops when a validation metric has not improved for ``stopping_rounds`` rounds."""
    if not isinstance(stopping_rounds, int) or stopping_rounds <= 0:
        raise ValueError(f"stopping_rounds should be an integer and greater than 0. got: {stopping_rounds}")
    state: dict = {}

    def _callback(env):
        results = [r for r in env.evaluation_result_list if r[0] != "training"]
        if not results:
            raise ValueError("For early stopping, at least one dataset and eval metric is required for evaluation")
        if first_metric_only:
            first = results[0][1]
            results = [r for r in results if r[1] == first]
        if not state:
            state["best"] = [None] * len(results)
            state["best_iter"] = [0] * len(results)
            state["best_list"] = [None] * len(results)
        for i, (d, m, v, higher) in enumerate(results):
            delta = min_delta if not isinstance(min_delta, list) else min_delta[i]
            best = state["best"][i]
            improved = best is None or (v > best + delta if higher else v < best - delta)
            if improved:
                state["best"][i] = v
                state["best_iter"][i] = env.iteration
                state["best_list"][i] = list(env.evaluation_result_list)
            elif env.iteration - state["best_iter"][i] >= stopping_rounds:
                if verbose:
                    print(f"Early stopping, best iteration is: [{state['best_iter'][i] + 1}]")
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])
            if env.iteration == env.end_iteration - 1:
                raise EarlyStopException(state["best_iter"][i], state["best_list"][i])

    _callback.order = 30
    return _callback


class Booster:
    """A trained booster: prediction, importance, dumps and persistence."""

    def __init__(self, params=None, train_set=None, model_file=None, model_str=None):
        self.params = dict(params or {})
        self.best_iteration = 0
        self.best_score: dict = {}
        self._native = None
        self._classes = None
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
            self._native = model
            self.best_iteration = model.best_iteration or 0
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
        """Predictions (after the objective's transform unless ``raw_score``), leaves or SHAP values."""
        if start_iteration:
            raise NotImplementedError("start_iteration > 0 is not supported")
        if isinstance(data, Dataset):
            raise TypeError("Cannot use Dataset instance for prediction, please use raw data instead")
        x = Dataset(data)._native_x()
        kind = "leaf" if pred_leaf else "contrib" if pred_contrib else "raw" if raw_score else "value"
        out = self._native.booster_predict(x, kind, self._iterations(num_iteration))
        if kind in ("raw", "value") and out.shape[1] == 1:
            return out[:, 0]
        if kind == "leaf":
            return out.astype(np.int32)
        return out

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
        return bytes(model.to_bytes(None))

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
        self._load_bytes(state["model"])
        self.best_iteration = state["best_iteration"]
        self.best_score = state["best_score"]


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
    """Trains a booster, LightGBM's way."""
    if feval is not None:
        raise NotImplementedError("feval (custom evaluation functions) is not supported; use built-in metrics")
    params = dict(params or {})
    fobj = None
    if callable(params.get("objective")):
        fobj = params.pop("objective")
    for alias in _NUM_ROUND_ALIASES:
        if alias in params:
            num_boost_round = params.pop(alias)
    p = _clean_params({**train_set.params, **params})
    if feature_name not in (None, "auto"):
        train_set.feature_name = feature_name
    if categorical_feature not in (None, "auto"):
        train_set.categorical_feature = categorical_feature
    cats = train_set._categorical()
    if cats is not None:
        names = train_set.get_feature_name()
        p["categorical_feature"] = [str(names.index(c)) if c in names else c for c in cats]
    p["n_estimators"] = _jsonable(num_boost_round)  # not int(): Rust refuses 5.5 instead of truncating it
    num_class = int(p.get("num_class", p.get("num_classes", 1)) or 1)
    if fobj is not None:
        p["objective"] = "regression"
        p.pop("num_class", None)
        p.pop("num_classes", None)
        user_fobj = fobj

        def fobj(preds):  # LightGBM's signature: (preds, train_data)
            return user_fobj(preds, train_set)

    objective = _objective_name(p)
    classify = fobj is None and objective in _CLASSIFY
    if objective in ("multiclass", "softmax") and "num_class" not in p and "num_classes" not in p:
        raise ValueError("Number of classes should be specified and greater than 1 for multiclass training")
    y, classes = _labels(train_set.label, classify)
    x = train_set._native_x()

    names = valid_names or []
    valid = []
    for i, vs in enumerate(valid_sets or []):
        name = names[i] if i < len(names) else ("training" if vs is train_set else f"valid_{i}")
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

    booster_ref: list = []
    stop: dict = {}
    cbs = sorted(callbacks or [], key=lambda c: getattr(c, "order", 0))

    def _cb(iteration, evals):
        env = CallbackEnv(model=None, params=p, iteration=iteration, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=evals)
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
        num_class if fobj is not None else 1,
    )
    booster = Booster._from_native(native, params=params)
    booster_ref.append(booster)
    if "best_iteration" in stop:
        booster.best_iteration = stop["best_iteration"]
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
