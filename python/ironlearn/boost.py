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
- ``max_conflict_rate > 0``: features are not bundled, so no conflicts are allowed.

Refused with ``NotImplementedError`` unless at their default: ``tree_learner``,
``device_type``/``device``. Any other
name ironlearn's booster does not know raises ``ValueError`` when training
starts (``ironlearn models`` lists the known ones). ``Booster.predict`` takes
LightGBM's prediction parameters that do not change predictions
(``PREDICT_NO_EFFECT_KWARGS``) and prediction early stopping
(``pred_early_stop``, ``pred_early_stop_freq``, ``pred_early_stop_margin``:
a classifier's or ranker's row stops adding trees once its margin is settled,
as in LightGBM); any other keyword raises TypeError.
"""

from __future__ import annotations

import abc
import base64
import collections
import json
import re
import numbers
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from . import _native
from ._native import __version__  # lightgbm.__version__'s place
from ._base import _described, _has_text_columns, _is_dataframe, _jsonable, _target_name, check_mixed_columns, narrow_codes, to_frame

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


#: LightGBM 4.7.0's parameters (its C++ table, ``src/io/config_auto.cpp``): each line of
#: ``_LIGHTGBM_ALIASES`` is a parameter and its aliases, main name first;
#: ``_LIGHTGBM_PLAIN_PARAMS`` are the parameters without an alias.
_LIGHTGBM_ALIASES = """
bagging_fraction bagging sub_row subsample
bagging_freq subsample_freq
bagging_seed bagging_fraction_seed
bin_construct_sample_cnt subsample_for_bin
boosting boost boosting_type
categorical_feature cat_column cat_feature categorical_column categorical_features
config config_file
convert_model convert_model_file
data train train_data data_filename train_data_file
data_random_seed data_seed
device_type device
drop_rate rate_drop
early_stopping_round early_stopping n_iter_no_change early_stopping_rounds
enable_bundle bundle is_enable_bundle
eval_at map_at ndcg_at map_eval_at ndcg_eval_at
extra_trees extra_tree
feature_contri fc fp feature_contrib feature_penalty
feature_fraction sub_feature colsample_bytree
feature_fraction_bynode colsample_bynode sub_feature_bynode
forcedsplits_filename fs forced_splits forced_splits_file forced_splits_filename
group_column group query group_id query_id query_column
header has_header
histogram_pool_size hist_pool_size
ignore_column blacklist ignore_feature
input_model model_in model_input
is_enable_sparse sparse is_sparse enable_sparse
is_provide_training_metric train_metric training_metric is_training_metric
is_unbalance unbalance unbalanced_sets
label_column label
lambda_l1 reg_alpha l1_regularization
lambda_l2 lambda reg_lambda l2_regularization
learning_rate eta shrinkage_rate
linear_tree linear_trees
local_listen_port port local_port
machine_list_filename mlist machine_list machine_list_file
machines nodes workers
max_bin max_bins
max_delta_step max_leaf_output max_tree_output
metric metrics metric_types
metric_freq output_freq
min_data_in_leaf min_data min_samples_leaf min_child_samples min_data_per_leaf
min_gain_to_split min_split_gain
min_sum_hessian_in_leaf min_hessian min_sum_hessian min_child_weight min_sum_hessian_per_leaf
monotone_constraints mc monotonic_cst monotone_constraint
monotone_constraints_method mc_method monotone_constraining_method
monotone_penalty mc_penalty ms_penalty monotone_splits_penalty
neg_bagging_fraction neg_bagging neg_sub_row neg_subsample
num_class num_classes
num_iterations n_iter nrounds max_iter num_tree num_round num_trees num_rounds n_estimators num_iteration num_boost_round
num_leaves max_leaf num_leaf max_leaves max_leaf_nodes
num_machines num_machine
num_threads n_jobs nthread nthreads num_thread
objective app loss application objective_type
output_model model_out model_output
output_result name_pred pred_name predict_name predict_result prediction_name prediction_result
pos_bagging_fraction pos_bagging pos_sub_row pos_subsample
pre_partition is_pre_partition
predict_contrib contrib is_predict_contrib
predict_leaf_index leaf_index is_predict_leaf_index
predict_raw_score raw_score predict_rawscore is_predict_raw_score
save_binary is_save_binary is_save_binary_file
seed random_seed random_state
snapshot_freq save_period
task task_type
top_k topk
tree_learner tree tree_type tree_learner_type
two_round two_round_loading use_two_round_loading
valid test test_data valid_data test_data_file valid_data_file valid_filenames
verbosity verbose
weight_column weight
"""
_LIGHTGBM_PLAIN_PARAMS = """
alpha auc_mu_weights bagging_by_query boost_from_average cat_l2 cat_smooth cegb_penalty_feature_coupled
cegb_penalty_feature_lazy cegb_penalty_split cegb_tradeoff convert_model_language data_sample_strategy
deterministic drop_seed early_stopping_min_delta extra_seed fair_c feature_fraction_seed feature_pre_filter
first_metric_only force_col_wise force_row_wise forcedbins_filename gpu_device_id gpu_device_id_list
gpu_platform_id gpu_use_dp interaction_constraints label_gain lambdarank_norm
lambdarank_position_bias_regularization lambdarank_truncation_level linear_lambda max_bin_by_feature
max_cat_threshold max_cat_to_onehot max_depth max_drop min_data_in_bin min_data_per_group multi_error_top_k
num_gpu num_grad_quant_bins num_iteration_predict objective_seed other_rate parser_config_file path_smooth
poisson_max_delta_step precise_float_parser pred_early_stop pred_early_stop_freq pred_early_stop_margin
predict_disable_shape_check quant_train_renew_leaf refit_decay_rate reg_sqrt saved_feature_importance_type
scale_pos_weight sigmoid skip_drop start_iteration_predict stochastic_rounding time_out top_rate
tweedie_variance_power uniform_drop use_missing use_quantized_grad xgboost_dart_mode zero_as_missing
"""


def _sort_alias_key(name: str) -> tuple:
    """LightGBM's order of aliases (``Config::SortAlias``): shorter names first, then alphabetical."""
    return (len(name), name)


def _lightgbm_alias_table() -> dict:
    """``{main: [main, *aliases]}``: LightGBM's table, with the aliases ironlearn's registry adds to a LightGBM parameter
    (``gamma_split``, ``eval_metric``) and the registry's parameters LightGBM does not have."""
    table: dict = {}
    for line in _LIGHTGBM_ALIASES.split("\n"):
        if line.strip():
            main, *aliases = line.split()
            table[main] = [main, *sorted(aliases, key=_sort_alias_key)]
    for main in _LIGHTGBM_PLAIN_PARAMS.split():
        table[main] = [main]
    group_of = {n: main for main, names in table.items() for n in names}
    for p in _described("gbdt")["params"]:
        names = [p["name"], *p.get("aliases", ())]
        known = [group_of[n] for n in names if n in group_of]
        new = [n for n in names if n not in group_of]
        if not new:
            continue
        main = p["name"] if p["name"] in table or not known else known[0]
        group = table.setdefault(main, [main])
        group[1:] = sorted({*group[1:], *(n for n in new if n != main)}, key=_sort_alias_key)
        group_of.update({n: main for n in new})
    return table


class _ConfigAliases:
    """LightGBM's parameter names and their aliases (``aliases``: ``{main: [main, *aliases]}``), as in LightGBM.

    The table is LightGBM 4.7.0's own (so ``get_sorted("min_data_in_leaf")``
    lists LightGBM's aliases in its order), with the aliases ironlearn's
    registry adds. ``get_sorted`` takes a main name (any other name gives
    itself); ``get_by_alias`` also resolves aliases. Which names ironlearn
    trains with is the registry's business: a LightGBM name here that the
    booster does not implement is still refused when training starts.
    """

    aliases: Optional[dict] = None
    #: ironlearn's registry table (``{ironlearn main name: names}``), see ``_load``.
    _registry_table: Optional[dict] = None
    #: alias -> LightGBM main name.
    _main_of: Optional[dict] = None

    @classmethod
    def _table(cls) -> dict:
        if cls.aliases is None:
            cls.aliases = _lightgbm_alias_table()
        return cls.aliases

    @classmethod
    def _main(cls, name: str) -> str:
        """LightGBM's main name of ``name`` (``name`` itself when it is no alias)."""
        if cls._main_of is None:
            cls._main_of = {n: main for main, names in cls._table().items() for n in names}
        return cls._main_of.get(name, name)

    @classmethod
    def _load(cls) -> dict:
        """ironlearn's registry names by ironlearn's main names (``n_estimators``, ``seed``...), with the names the
        Python layer handles; ``Booster`` maps a trained model's parameters to LightGBM's names with it."""
        if cls._registry_table is None:
            table: dict = {}
            for p in _described("gbdt")["params"]:
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
            cls._registry_table = table
        return cls._registry_table

    @classmethod
    def get_sorted(cls, name: str) -> list:
        """``name`` and its aliases, the main name first, then LightGBM's order; a name that is not a main name gives ``[name]``."""
        return list(cls._table().get(name, [name]))

    @classmethod
    def get(cls, *args: str) -> set:
        """Every name of each parameter in ``args`` (main names)."""
        out: set = set()
        for name in args:
            out.update(cls.get_sorted(name))
        return out

    @classmethod
    def get_by_alias(cls, *args: str) -> set:
        """``args`` and every name of the parameters they name (main names or aliases)."""
        out: set = set(args)
        for name in args:
            out.update(cls.get_sorted(cls._main(name)))
        return out


_ConfigAliases._table()  # LightGBM's tests read _ConfigAliases.aliases directly


def _choose_param_value(main_param_name: str, params: dict, default_value: Any) -> dict:
    """A copy of ``params`` holding ``main_param_name`` once: its own value, else the first alias's (LightGBM's
    order), else the default; its aliases are removed. As in LightGBM, a ``None`` value counts as given."""
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
    # settings of quantized training and bundling, which only act with them
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
}

#: LightGBM parameters that are accepted only at their default value (another
#: value raises NotImplementedError).
_IGNORED_IF_DEFAULT = {"tree_learner": "serial", "device_type": "cpu", "device": "cpu"}


#: LightGBM parameters (by main name; their aliases too) of features ironlearn's booster does not have: accepted
#: only at a value that asks for nothing, another raises NotImplementedError. name -> (asks for nothing?, the feature).
_REFUSED_UNLESS_DEFAULT: dict = {}

#: LightGBM parameters the Python layer takes itself (early stopping runs as LightGBM's callback does).
_EARLY_STOPPING_ALIASES = ("early_stopping_round", "early_stopping_rounds", "early_stopping", "n_iter_no_change")
#: ``max_iter`` is LightGBM's last alias of the number of rounds, which ironlearn's registry does not list.
_HANDLED_PARAMS = frozenset({"first_metric_only", "early_stopping_min_delta", "max_iter", *_EARLY_STOPPING_ALIASES})

#: Every LightGBM name the Python layer accepts beyond the Rust registry's parameters and aliases.
PYTHON_PARAMS = NO_EFFECT_PARAMS | set(NOT_IMPLEMENTED_PARAMS) | set(_IGNORED_IF_DEFAULT) | _HANDLED_PARAMS | set(_REFUSED_UNLESS_DEFAULT)


def _asks_for(name: str, value) -> bool:
    """Whether a NOT_IMPLEMENTED_PARAMS value asks for the missing feature (False, 0 and None do not)."""
    if value is None:
        return False
    if name == "max_conflict_rate":
        return float(value) > 0
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


_CLASSIFY = {"binary", "multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr"}
#: The objectives that need ``num_class`` (LightGBM's multiclass and one-vs-all).
_MULTICLASS = {"multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr"}
#: The names of the number of rounds, in LightGBM's order of preference (``num_iterations``, then shorter names first).
_NUM_ROUND_ALIASES = ("num_iterations", "n_iter", "nrounds", "max_iter", "num_tree", "num_round", "num_trees", "num_rounds", "n_estimators", "num_iteration", "num_boost_round")


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


def _registry_types() -> dict:
    """Each name (and alias) of the booster's registry parameters -> its domain type ("int", "float", ...)."""
    global _REGISTRY_TYPES
    if _REGISTRY_TYPES is None:
        _REGISTRY_TYPES = {}
        for p in _described("gbdt")["params"]:
            for n in (p["name"], *p.get("aliases", ())):
                _REGISTRY_TYPES[n] = p.get("domain", {}).get("type")
    return _REGISTRY_TYPES


_REGISTRY_TYPES: Optional[dict] = None


def _check_number_text(k: str, v: str) -> None:
    """LightGBM's error for a number parameter given as text that is no number (``num_leaves="too-many"``)."""
    kind = _registry_types().get(k)
    if kind not in ("int", "float"):
        return
    try:
        int(v) if kind == "int" else float(v)
    except ValueError:
        main = _ConfigAliases._main(k)
        raise LightGBMError(
            f'Parameter {main} should be of type {"int" if kind == "int" else "double"}, got "{v}"'
            + (f" (given as '{k}')" if main != k else "")
        ) from None


def _clean_params(params: dict | None, asked: dict | None = None) -> dict:
    """The parameters Rust receives; ``asked`` collects the not-implemented ones that ask for a feature.

    Values become JSON: paths become text, numpy arrays and scalars lists and
    numbers, a single ``eval_at`` a list; ``None`` means not given.
    """
    out = {}
    for k, v in (params or {}).items():
        if k in NO_EFFECT_PARAMS or k in _dataset_file.TEXT_ONLY_PARAMS:  # the latter: read with a data file
            continue
        if k in NOT_IMPLEMENTED_PARAMS:
            if asked is not None and _asks_for(k, v):
                asked[k] = v
            continue
        if k in _IGNORED_IF_DEFAULT:
            if v != _IGNORED_IF_DEFAULT[k] and not (k in ("device", "device_type") and str(v).lower() == "cpu"):
                raise NotImplementedError(f"LightGBM parameter {k}={v!r} is not supported by ironlearn")
            continue
        if v is None:
            continue
        if isinstance(v, os.PathLike):
            v = os.fspath(v)
        main = _ConfigAliases._main(k)
        if main in _REFUSED_UNLESS_DEFAULT:
            asks_nothing, feature = _REFUSED_UNLESS_DEFAULT[main]
            if not asks_nothing(v):
                raise NotImplementedError(
                    f"LightGBM parameter {k}={_short(v)} ({feature}) is not supported by ironlearn; leave it at its default"
                )
            continue
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if isinstance(v, np.generic):
            v = v.item()
        if main == "metric" and isinstance(v, str):
            v = [m.strip() for m in v.split(",") if m.strip()]
        if main == "categorical_feature":
            if not isinstance(v, (list, tuple)):
                v = str(v).split(",")
            v = [str(x) for x in v]
        if main == "eval_at":
            if isinstance(v, str):
                v = [x.strip() for x in v.split(",") if x.strip()]
            elif not isinstance(v, (list, tuple)):
                v = [v]
            v = [int(x) if isinstance(x, str) and x.lstrip("-").isdigit() else x for x in v]
        if isinstance(v, str):
            _check_number_text(k, v)
        if isinstance(v, (list, tuple)):
            v = _jsonable(v)
        out[k] = v
    return out


def _lgb_str(v) -> str:
    """A value as LightGBM's Python passes it to C++ (lists joined by commas)."""
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return ",".join(map(str, v))
    return str(v)


def _log_level(params: dict):
    """LightGBM's log level from ``params``: ``verbosity``, else ``verbose``, else None (not given: warnings show)."""
    for k in ("verbosity", "verbose"):
        if params.get(k) is not None:
            try:
                return int(params[k])
            except (TypeError, ValueError):
                return None
    return None


def _log_warning_native(message: str, level) -> None:
    """A warning LightGBM's C++ side prints on stdout (``[LightGBM] [Warning] ...``), unless ``verbosity`` < 0."""
    if level is None or level >= 0:
        print(f"[LightGBM] [Warning] {message}", flush=True)


def _resolve_aliases(params: dict, level=None) -> dict:
    """``params`` with one name per parameter, chosen as LightGBM does (``ParameterAlias::KeyAliasTransform``).

    The main name wins over its aliases, else the alias LightGBM sorts first
    (shorter, then alphabetical); each name left out is reported as LightGBM
    reports it (``[LightGBM] [Warning] bagging_fraction is set=0.8,
    subsample=0.75 will be ignored...`` on stdout, unless ``verbosity`` < 0).
    ``None`` values are not given (LightGBM's Python drops them).
    """
    groups: dict = {}
    for k, v in params.items():
        if v is not None:
            groups.setdefault(_ConfigAliases._main(k), []).append(k)
    drop: set = set()
    for main, names in groups.items():
        if len(names) < 2:
            continue
        aliases = [n for n in names if n != main]
        chosen = aliases[0] if aliases else None
        for a in aliases[1:]:
            cv, av = _lgb_str(params[chosen]), _lgb_str(params[a])
            if _sort_alias_key(chosen) < _sort_alias_key(a):
                _log_warning_native(f"{main} is set with {chosen}={cv}, {a}={av} will be ignored. Current value: {main}={cv}", level)
            else:
                _log_warning_native(f"{main} is set with {chosen}={cv}, will be overridden by {a}={av}. Current value: {main}={av}", level)
                chosen = a
        keep = chosen
        if main in names:
            keep = main
            mv = _lgb_str(params[main])
            _log_warning_native(f"{main} is set={mv}, {chosen}={_lgb_str(params[chosen])} will be ignored. Current value: {main}={mv}", level)
        drop.update(n for n in names if n != keep)
    return {k: v for k, v in params.items() if k not in drop}


def _objective_name(params: dict) -> str:
    for k in ("objective", "objective_type", "app", "application", "loss"):
        if k in params and isinstance(params[k], str):
            return params[k]
    return "regression"


from . import _dataset_file  # noqa: E402  (it imports this module lazily)


class _DatasetStore:
    """What a constructed Dataset holds (where LightGBM keeps its C++ Dataset handle).

    ``x``: the data as a C-ordered float64 matrix, or an ironlearn Frame for
    text or pandas category columns. The fields have LightGBM's types:
    ``label`` float32 (0 where none was given), ``weight`` float32,
    ``init_score`` float64 (flat, class-major for several classes), ``group``
    int32 query boundaries, ``position`` int32 ids numbered in order of first
    appearance; an absent field is None.
    """

    __slots__ = ("x", "num_data", "feature_name", "label", "weight", "init_score", "group", "position")

    @property
    def value(self) -> int:
        """An identity for the store (LightGBM's handle value): the same until the Dataset is constructed again."""
        return id(self)

    def __init__(self, x, feature_name: list) -> None:
        self.x = x
        self.num_data = int(x.shape[0])
        self.feature_name = list(feature_name)
        self.label = np.zeros(self.num_data, dtype=np.float32)
        self.weight = self.init_score = self.group = self.position = None

    def take(self, idx: np.ndarray) -> "_DatasetStore":
        """The rows ``idx`` (sorted) with their fields; a query keeps the rows of it that are taken."""
        out = _DatasetStore(_take_rows(self.x, idx) if isinstance(self.x, _native.Frame) else self.x[idx], self.feature_name)
        out.label = self.label[idx]
        out.weight = None if self.weight is None else self.weight[idx]
        out.position = None if self.position is None else self.position[idx]
        if self.init_score is not None:
            k = self.init_score.size // self.num_data
            out.init_score = np.ascontiguousarray(self.init_score.reshape(k, self.num_data)[:, idx]).ravel()
        if self.group is not None:
            qid = np.repeat(np.arange(len(self.group) - 1), np.diff(self.group))[idx]
            sizes = np.unique(qid, return_counts=True)[1]
            out.group = np.r_[0, np.cumsum(sizes)].astype(np.int32)
        return out


#: The fields of ``Dataset.get_field``/``set_field``.
_FIELD_NAMES = ("label", "weight", "init_score", "group", "position")


def _read_if_file(ds) -> None:
    """A Dataset made from a file path reads the file (its label and side files) before training uses it."""
    if _is_path(ds.data):
        ds.construct()


def _is_path(data) -> bool:
    return isinstance(data, (str, os.PathLike))


def _is_list_of_numpy_arrays(data) -> bool:
    """A list of 2-D numpy arrays (LightGBM stacks their rows); a list of 1-D arrays is rows, as any nested list."""
    return isinstance(data, list) and len(data) > 0 and all(isinstance(x, np.ndarray) and x.ndim == 2 for x in data)


def _field_array(field_name: str, data, num_data: int) -> np.ndarray:
    """``data`` for ``set_field``, converted and checked as LightGBM's Python and C++ sides do."""
    if field_name == "init_score":
        if isinstance(data, pd_DataFrame) or (isinstance(data, np.ndarray) and data.ndim == 2) or (isinstance(data, list) and data and isinstance(data[0], (list, tuple, np.ndarray))):
            arr = np.asarray(data, dtype=np.float64)
            if arr.ndim != 2:
                raise TypeError("init_score must be list, numpy 1-D array or pandas Series.\nIn multiclass classification init_score can also be a list of lists, numpy 2-D array or pandas DataFrame.")
            arr = arr.ravel(order="F")  # class-major, as LightGBM stores it
        else:
            arr = _list_to_1d_numpy(data=_as_1d_input(data), dtype=np.float64, name=field_name)
        if arr.size and arr.size % num_data:
            raise LightGBMError(f"Initial score size doesn't match data size: {arr.size} scores for {num_data} rows (one column of {num_data} per class is needed)")
        return _dataset_file._avoid_inf(arr)
    if field_name in ("group", "position"):
        arr = _list_to_1d_numpy(data=_as_1d_input(data), dtype=np.int32, name=field_name)
        if field_name == "group":
            if arr.size and arr.min() < 0:
                raise LightGBMError(f"group sizes must be >= 0, got {int(arr.min())}")
            total = int(arr.sum(dtype=np.int64))
            if arr.size and total != num_data:
                raise LightGBMError(f"Sum of query counts ({total}) differs from the length of #data ({num_data})")
            return np.r_[0, np.cumsum(arr, dtype=np.int64)].astype(np.int32) if arr.size else arr
        if arr.size and arr.size != num_data:
            raise LightGBMError(f"Positions size ({arr.size}) doesn't match data size ({num_data})")
        return _dataset_file.encounter_ids(arr)
    if field_name == "label":
        if isinstance(data, pd_DataFrame):
            if len(data.columns) > 1:
                raise ValueError("DataFrame for label cannot have multiple columns")
            data = data.iloc[:, 0]
        given = _as_1d_input(data)
        as_array = np.asarray(given) if not isinstance(given, np.ndarray) else given
        if as_array.dtype.kind in "OUS" and not all(_is_numeric(v) for v in as_array.ravel()[:1000]):
            # Class names (an ironlearn extension: LightGBM's labels are numbers); kept as given.
            arr = as_array.ravel()
            if arr.size != num_data:
                raise LightGBMError(f"Length of labels ({arr.size}) differs from the length of #data ({num_data})")
            return arr.copy()
    arr = _list_to_1d_numpy(data=_as_1d_input(data), dtype=np.float32, name=field_name)
    if field_name == "weight" and arr.size == 0:
        return arr
    if arr.size != num_data:
        what = "labels" if field_name == "label" else "weights"
        raise LightGBMError(f"Length of {what} ({arr.size}) differs from the length of #data ({num_data})")
    return _dataset_file._avoid_inf(arr)


def _warn_avoided_inf(field_name: str, data, arr: np.ndarray) -> None:
    """Warns, naming the field, where LightGBM's AvoidInf changed values (NaN to 0, huge values clipped)."""
    try:
        given = np.asarray(data.to_numpy() if isinstance(data, pd_DataFrame) else _as_1d_input(data), dtype=np.float64).ravel(order="F")
    except (TypeError, ValueError):
        return
    if given.size != arr.size:
        return
    limit = 1e38 if arr.dtype == np.float32 else 1e300
    with np.errstate(invalid="ignore"):
        changed = int(np.count_nonzero(np.isnan(given) | (np.abs(given) > limit)))
    if changed:
        warnings.warn(
            f"Dataset {field_name}: {changed} values are NaN or beyond +-{limit:g}; as LightGBM does, NaN became 0 and the others were clipped",
            UserWarning,
            stacklevel=4,
        )


def _as_1d_input(data):
    """Arrow and polars arrays, tuples and ranges as numpy arrays, for ``_list_to_1d_numpy``."""
    if isinstance(data, (np.ndarray, list, pd_Series)):
        return data
    if isinstance(data, (tuple, range)):
        return list(data)
    if hasattr(data, "to_numpy") or hasattr(data, "__arrow_c_array__") or hasattr(data, "__arrow_c_stream__"):
        try:
            return np.asarray(data.to_numpy() if hasattr(data, "to_numpy") else data)
        except Exception:  # noqa: BLE001 - the type error below names it
            return data
    return data


class Dataset:
    """Training or validation data, as LightGBM's ``Dataset`` takes it.

    ``data`` is a 2-D array, a list of 2-D arrays (stacked), a DataFrame
    (pandas, polars, Arrow), a scipy.sparse matrix, a ``Sequence`` or a list
    of them, or the path (str or pathlib.Path) of a data file: a LightGBM text
    file (CSV, TSV or LibSVM, read with LightGBM's rules: ``header``,
    ``label_column``, ``weight_column``, ``group_column``, ``ignore_column``,
    ``categorical_feature`` in ``params``, and the side files
    ``<file>.query``/``.weight``/``.init``/``.position``), or a file
    ``save_binary`` wrote. A file is read by ``construct()``.

    As in LightGBM, the attributes hold what was given until ``construct()``,
    which converts the data (a float64 matrix, kept in the Dataset; with
    ``free_raw_data=True`` the given data is then dropped) and gives the
    fields LightGBM's types: ``label`` float32 (zeros if none was given),
    ``weight`` float32 (None if every weight is 1), ``init_score`` float64
    (rows x classes for several classes), ``group`` int32 query sizes,
    ``position`` int32 ids in order of first appearance; a NaN in them
    becomes 0 and values beyond +-1e38 (1e300 for ``init_score``) are
    clipped, as LightGBM does (a warning names the field).
    ``get_field``/``set_field`` read and write those typed fields
    (``get_field("group")`` gives query boundaries, ``set_field(name, None)``
    removes a field). ``get_weight()`` returns float64 (the type ironlearn's
    booster takes; LightGBM's is float32).

    ironlearn bins the data inside training, so a constructed Dataset holds
    the data, not bins: ``save_binary`` writes ironlearn's binary dataset
    file (the data and fields, not LightGBM's binned format, which
    ``Dataset(path)`` refuses), and training a Dataset read back from it
    recomputes the same bins from the same data and stored parameters, so it
    trains the same model. ``feature_num_bin`` and ``_dump_text`` (LightGBM's
    views of its bins) are not available.
    """

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
        self._handle: Optional[_DatasetStore] = None
        self.data = data
        self.label = label
        self.reference = reference
        self.weight = weight
        self.group = group
        self.init_score = init_score
        self.feature_name = feature_name
        self.categorical_feature = categorical_feature
        self.params = dict(params or {})
        self.free_raw_data = free_raw_data
        self.position = position
        self.used_indices: Optional[list] = None
        self.pandas_categorical = None
        self.version = 0
        # Whether the feature names came from the user or the data (a DataFrame's columns, a file's header) rather than Column_i.
        self._has_non_default_feature_names = False

    # -- construction -----------------------------------------------------------
    def construct(self):
        """Converts the data and gives the fields LightGBM's types (reads a data file); returns self."""
        if self._handle is not None:
            return self
        if self.reference is not None:
            reference_params = self.reference.get_params()
            params = self.get_params()
            if params != reference_params:
                cat = _ConfigAliases.get("categorical_feature")
                if {k: v for k, v in params.items() if k not in cat} != {k: v for k, v in reference_params.items() if k not in cat}:
                    warnings.warn("Overriding the parameters from Reference Dataset.", UserWarning, stacklevel=2)
                self._update_params(reference_params)
        if self.data is None:
            raise LightGBMError("the Dataset has no data (it was freed after construct, or None was given)")
        if _is_path(self.data):
            self._construct_from_file(os.fspath(self.data))
        else:
            x = self._convert(self.data)
            names = self.get_feature_name()
            if len(names) != int(x.shape[1]):
                raise LightGBMError(f"Length of feature_name({len(names)}) and num_feature({int(x.shape[1])}) don't match")
            self._has_non_default_feature_names = self._given_names() is not None
            store = _DatasetStore(x, names)
            self._handle = store
            self._set_given_fields()
        if self.free_raw_data:
            self.data = None
        self.feature_name = self.get_feature_name()
        self._warn_if_no_feature_can_split()
        return self

    def _warn_if_no_feature_can_split(self) -> None:
        """LightGBM's warning when binning leaves no feature that can split (each is one bin)."""
        try:
            counts, _ = self._bins(rows=False)
        except (ValueError, NotImplementedError):
            return  # the parameters or data are refused when training starts, with their own message
        if not any(counts):
            _log_warning_native(
                "There are no meaningful features which satisfy the provided configuration. Decreasing Dataset parameters "
                "min_data_in_bin or min_data_in_leaf and re-constructing Dataset might resolve this warning.",
                _log_level(self.get_params()),
            )

    def _set_given_fields(self) -> None:
        """Stores the given label, weight, group, position and init score into the constructed Dataset (their typed values replace them)."""
        if self.label is not None:
            self.set_label(self.label)
        else:
            self.label = self.get_field("label")
        for name, setter in (("weight", self.set_weight), ("group", self.set_group), ("position", self.set_position), ("init_score", self.set_init_score)):
            given = getattr(self, name)
            if given is not None:
                setter(given)
            else:
                stored = self.get_field(name)
                if stored is not None:
                    setattr(self, name, np.diff(stored) if name == "group" else stored)

    def _construct_from_file(self, path: str) -> None:
        """Reads a text data file or an ironlearn binary dataset file (``<path>.bin`` first, as LightGBM)."""
        target = path
        if os.path.isfile(path + ".bin") and _dataset_file.sniff(path + ".bin") != "text":
            target = path + ".bin"
        if not os.path.isfile(target):
            raise LightGBMError(f"Cannot open data file {path}" + (" (it is a directory)" if os.path.isdir(path) else ""))
        kind = _dataset_file.sniff(target)
        if kind == "lightgbm":
            raise LightGBMError(
                f"{target} is a LightGBM binary dataset file (its binned format), which ironlearn cannot read: "
                "load the data from its text file, or save it with ironlearn.boost.Dataset.save_binary"
            )
        if kind == "ironlearn":
            self._construct_from_binary(target)
            return
        reference_features = None
        reference_names = None
        if self.reference is not None:
            reference_names = self.reference.get_feature_name()
            reference_features = len(reference_names)
        td = _dataset_file.read_text(path, self.params, num_feature=reference_features)
        names = td.feature_name or reference_names or [f"Column_{i}" for i in range(td.x.shape[1])]
        if self.feature_name not in (None, "auto"):
            names = [str(n) for n in self.feature_name]
            if len(names) != td.x.shape[1]:
                raise LightGBMError(f"Length of feature_name({len(names)}) and num_feature({td.x.shape[1]}) don't match")
            self._has_non_default_feature_names = True
        else:
            self._has_non_default_feature_names = td.feature_name is not None or bool(reference_names and self.reference._has_non_default_feature_names)
        if td.categorical is not None:
            # The categorical_feature parameter as feature indices ("name:a,b" is resolved against the header).
            for alias in _dataset_file.ALIASES["categorical_feature"]:
                self.params.pop(alias, None)
            self.params["categorical_feature"] = sorted(td.categorical)
        store = _DatasetStore(td.x, names)
        if td.label is not None:
            store.label = td.label
        store.weight = td.weight
        store.init_score = td.init_score
        store.position = td.position
        if td.group is not None:
            store.group = np.r_[0, np.cumsum(td.group, dtype=np.int64)].astype(np.int32)
        self._handle = store
        self._set_given_fields()

    def _construct_from_binary(self, path: str) -> None:
        header, arrays = _dataset_file.read_binary(path)
        stored = header.get("params", {})
        for name, default in _dataset_file.BINARY_FIXED_PARAMS.items():
            was = _dataset_file.param(stored, name, default)
            now = _dataset_file.param(self.params, name, default)
            if _param_norm(was) != _param_norm(now):
                raise LightGBMError(f"Dataset was constructed with parameter {name}={was}. It cannot be changed to {now} when loading from binary file ({path}).")
        if _param_norm(_dataset_file.param(stored, "max_bin_by_feature", [])) != _param_norm(_dataset_file.param(self.params, "max_bin_by_feature", [])):
            raise LightGBMError(f"Parameter max_bin_by_feature cannot be changed when loading from binary file ({path}).")
        self.params = {**stored, **self.params}
        names = header["feature_name"]
        if self.feature_name not in (None, "auto"):
            names = [str(n) for n in self.feature_name]
            if len(names) != header["num_feature"]:
                raise LightGBMError(f"Length of feature_name({len(names)}) and num_feature({header['num_feature']}) don't match")
            self._has_non_default_feature_names = True
        else:
            self._has_non_default_feature_names = bool(header.get("has_non_default_feature_names", False))
        if self.categorical_feature in (None, "auto"):
            self.categorical_feature = header.get("categorical_feature", "auto")
        store = _DatasetStore(arrays["data"], names)
        store.label = arrays["label"]
        store.weight = arrays.get("weight")
        store.init_score = arrays.get("init_score")
        store.group = arrays.get("group")
        store.position = arrays.get("position")
        init = _dataset_file.read_init_file(path + ".init", store.num_data)  # LightGBM reads <binary file>.init
        if init is not None:
            store.init_score = init
        self._handle = store
        self._set_given_fields()

    def _update_params(self, params) -> "Dataset":
        """Merges ``params`` (LightGBM's rule): once constructed, a change to a parameter the data was built with
        raises LightGBM's error, unless the raw data was kept, which is then rebuilt with the new parameters."""
        if not params:
            return self
        from copy import deepcopy

        params = deepcopy(params)
        if self._handle is not None:
            try:
                _check_dataset_params_change(self.params, params)
                return self
            except LightGBMError:
                if self.data is None:
                    raise
                self._handle = None
        self.params.update(params)
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
        """A Dataset of the rows ``used_indices`` (sorted, as LightGBM), with their labels, weights, init scores, positions and queries.

        A query keeps the rows of it that are taken. The subset of a file is
        read from the constructed Dataset (its ``get_data()`` is the file name,
        as LightGBM's).
        """
        idx = np.sort(np.asarray(used_indices, dtype=np.int64).ravel())
        if self._handle is None and _is_path(self.data):
            self.construct()
        n = self.num_data()
        if idx.size and (idx[0] < 0 or idx[-1] >= n):
            bad = int(idx[0]) if idx[0] < 0 else int(idx[-1])
            raise LightGBMError(f"used_indices: index {bad} is out of range for a Dataset of {n} rows")
        merged = {**self.params, **(params or {})}
        if self._handle is not None:
            data = None
            if self.data is not None:
                data = self.data if _is_path(self.data) else _take_rows(self.data, idx)
            sub = Dataset(data, reference=self, feature_name=self.feature_name, categorical_feature=self.categorical_feature,
                          params=merged, free_raw_data=self.free_raw_data)
            sub._handle = self._handle.take(idx)
            sub._has_non_default_feature_names = self._has_non_default_feature_names
            sub.label = sub.get_field("label")
            sub.weight = sub.get_field("weight")
            sub.init_score = sub.get_field("init_score")
            sub.position = sub.get_field("position")
            g = sub.get_field("group")
            sub.group = None if g is None else np.diff(g).astype(np.int32)
        else:
            group = None
            if self.group is not None:
                sizes = np.asarray(self.group, dtype=np.int64).ravel()
                qid = np.repeat(np.arange(len(sizes)), sizes)[idx]
                group = np.unique(qid, return_counts=True)[1]
            sub = Dataset(
                _take_rows(self.data, idx),
                label=_take_rows(self.label, idx),
                reference=self,
                weight=_take_rows(self.weight, idx),
                group=group,
                init_score=_take_rows(self.init_score, idx),
                feature_name=self.feature_name,
                categorical_feature=self.categorical_feature,
                params=merged,
                free_raw_data=self.free_raw_data,
                position=_take_rows(self.position, idx),
            )
        sub.used_indices = idx.tolist()
        sub.pandas_categorical = self.pandas_categorical
        return sub

    def create_valid(self, data, label=None, weight=None, group=None, init_score=None, params=None, position=None):
        """A validation Dataset with this one as its reference (its parameters are this one's)."""
        ret = Dataset(data, label=label, reference=self, weight=weight, group=group, init_score=init_score, params=params,
                      free_raw_data=self.free_raw_data, position=position)
        ret.pandas_categorical = self.pandas_categorical
        return ret

    def save_binary(self, filename):
        """Constructs the Dataset and writes ironlearn's binary dataset file; returns self.

        The file holds the data (float64), label, weight, init_score, query
        boundaries and positions, the feature names, the categorical features
        and the Dataset parameters: not LightGBM's binned format (LightGBM
        cannot read it, and ``Dataset(path)`` refuses LightGBM's). Bins are
        recomputed deterministically from the stored data and parameters when
        a booster is trained, so ``Dataset(filename)`` trains the same model.
        Unlike LightGBM's, the file keeps ``init_score``. Equal Datasets give
        equal bytes (nothing depends on time). A failed write raises
        ``LightGBMError`` ("Cannot write binary data ...") and leaves no file.
        """
        self.construct()
        store = self._handle
        if isinstance(store.x, _native.Frame):
            raise NotImplementedError(
                "save_binary: this Dataset holds text or pandas category columns (an ironlearn Frame); "
                "the binary dataset file holds float64 data only: encode those columns as numbers first"
            )
        if store.label.dtype != np.float32:
            raise NotImplementedError("save_binary: the label holds class names, not numbers; the binary dataset file stores a float32 label: encode the classes as numbers first")
        x = store.x
        if np.isnan(x).any():  # one NaN bit pattern, so equal data gives equal bytes
            x = np.where(np.isnan(x), np.nan, x)
        params = {k: _jsonable(os.fspath(v) if isinstance(v, os.PathLike) else v) for k, v in self.get_params().items() if k not in _dataset_file.TEXT_ONLY_PARAMS}
        cat = self.categorical_feature
        cat = "auto" if cat is None or (isinstance(cat, str) and cat == "auto") else _jsonable(list(cat) if not isinstance(cat, str) else cat)
        header = {
            "num_data": store.num_data,
            "num_feature": int(x.shape[1]),
            "feature_name": [str(n) for n in self.get_feature_name()],
            "has_non_default_feature_names": bool(self._has_non_default_feature_names),
            "categorical_feature": cat,
            "params": params,
        }
        arrays = [("data", x), ("label", store.label)]
        for name in ("weight", "init_score", "group", "position"):
            value = getattr(store, name)
            if value is not None:
                arrays.append((name, value))
        _dataset_file.write_binary(os.fspath(filename), header=header, arrays=arrays)
        return self

    # -- fields -----------------------------------------------------------------
    def set_field(self, field_name, data):
        """Sets a field of the constructed Dataset (LightGBM's types and checks); ``None`` removes it (not the label)."""
        if self._handle is None:
            raise LightGBMError(f"Cannot set {field_name} before construct dataset")
        if field_name not in _FIELD_NAMES:
            raise LightGBMError(f"Unknown field name: {field_name!r} (a Dataset has {', '.join(_FIELD_NAMES)})")
        store = self._handle
        if data is None:
            if field_name == "label":
                raise LightGBMError("label cannot be None: every row of a Dataset has a label")
            setattr(store, field_name, None)
        else:
            arr = _field_array(field_name, data, store.num_data)
            if arr.dtype.kind == "f":
                _warn_avoided_inf(field_name, data, arr)
            setattr(store, field_name, None if arr.size == 0 else arr)
        self.version += 1
        return self

    def get_field(self, field_name):
        """A field of the constructed Dataset: a copy in LightGBM's type, or None (``group`` gives query boundaries)."""
        if self._handle is None:
            raise LightGBMError(f"Cannot get {field_name} before construct Dataset")
        if field_name not in _FIELD_NAMES:
            raise LightGBMError(f"Unknown field name: {field_name!r} (a Dataset has {', '.join(_FIELD_NAMES)})")
        value = getattr(self._handle, field_name)
        if value is None:
            return None
        value = value.copy()
        if field_name == "init_score":
            n = self._handle.num_data
            if value.size > n:
                value = value.reshape((n, value.size // n), order="F")
        return value

    def get_label(self):
        if self.label is None and self._handle is not None:
            self.label = self.get_field("label")
        return None if self.label is None else np.asarray(self.label)

    def get_weight(self):
        """The weights as float64 (the type ironlearn's booster takes), or None."""
        w = self.weight
        if w is None and self._handle is not None:
            w = self._handle.weight
        return None if w is None else np.asarray(w, dtype=np.float64)

    def get_group(self):
        if self.group is None and self._handle is not None and self._handle.group is not None:
            self.group = np.diff(self._handle.group).astype(np.int32)
        return None if self.group is None else np.asarray(self.group)

    def get_init_score(self):
        if self.init_score is None and self._handle is not None:
            self.init_score = self.get_field("init_score")
        return self.init_score

    def get_position(self):
        if self.position is None and self._handle is not None:
            self.position = self.get_field("position")
        return self.position

    def set_label(self, label):
        self.label = label
        if self._handle is not None:
            self.set_field("label", label)
            self.label = self.get_field("label")  # LightGBM's typed values
        return self

    def set_weight(self, weight):
        if weight is not None:
            try:
                if np.all(np.asarray(_as_1d_input(weight), dtype=np.float64) == 1):
                    weight = None  # LightGBM drops weights that are all 1
            except (TypeError, ValueError):
                pass
        self.weight = weight
        if self._handle is not None:
            self.set_field("weight", weight)
            if weight is not None:
                self.weight = self.get_field("weight")
        return self

    def set_group(self, group):
        self.group = group
        if self._handle is not None:
            self.set_field("group", group)
            bounds = self.get_field("group")
            if bounds is not None:
                self.group = np.diff(bounds).astype(np.int32)
        return self

    def set_init_score(self, init_score):
        self.init_score = init_score
        if self._handle is not None:
            self.set_field("init_score", init_score)
            if init_score is not None:
                self.init_score = self.get_field("init_score")
        return self

    def set_position(self, position):
        self.position = position
        if self._handle is not None:
            self.set_field("position", position)
            if position is not None:
                self.position = self.get_field("position")
        return self

    # -- data and features --------------------------------------------------------
    def get_data(self):
        """The data given (a file's path for a Dataset read from a file; rows of it for a subset).

        After ``construct()`` with ``free_raw_data=True`` it is gone
        (LightGBMError), as in LightGBM.
        """
        if self.data is None and self._handle is not None:
            raise LightGBMError("Cannot call `get_data` after freed raw data, set free_raw_data=False when construct Dataset to avoid this.")
        return self.data

    def num_data(self):
        if self._handle is None and _is_path(self.data):
            self.construct()
        if self._handle is not None:
            return self._handle.num_data
        if _is_sequence_data(self.data):
            return sum(len(q) for q in ([self.data] if isinstance(self.data, Sequence) else self.data))
        if _is_list_of_numpy_arrays(self.data):
            return sum(int(a.shape[0]) for a in self.data)
        return int(self.data.shape[0]) if hasattr(self.data, "shape") else int(np.shape(self.data)[0])

    def num_feature(self):
        return len(self.get_feature_name())

    def get_feature_name(self):
        if self._handle is None and _is_path(self.data):
            self.construct()
        if self._handle is not None:
            fn = self.feature_name
            if isinstance(fn, (list, tuple)) and len(fn) == len(self._handle.feature_name):
                return [str(n) for n in fn]
            return list(self._handle.feature_name)
        names = self._given_names()
        if names is not None:
            return names
        if isinstance(self.data, _native.Frame):
            return list(self.data.names)
        if _is_sequence_data(self.data):
            first = self.data if isinstance(self.data, Sequence) else self.data[0]
            return [f"Column_{i}" for i in range(np.asarray(first[0]).shape[-1])]
        if _is_list_of_numpy_arrays(self.data):
            return [f"Column_{i}" for i in range(self.data[0].shape[1])]
        shape = self.data.shape if hasattr(self.data, "shape") else np.shape(self.data)
        return [f"Column_{i}" for i in range(shape[1])]

    def _given_names(self) -> list[str] | None:
        """The feature names the user gave: ``feature_name``, else a DataFrame's columns (else a file's header)."""
        if self._handle is not None:
            names = self.get_feature_name()
            default = [f"Column_{i}" for i in range(len(names))]
            return names if self._has_non_default_feature_names or names != default else None
        if self.feature_name not in (None, "auto"):
            return [str(n) for n in self.feature_name]
        if _is_dataframe(self.data):
            return [str(c) for c in self.data.columns]
        return None

    def set_categorical_feature(self, categorical_feature):
        self.categorical_feature = categorical_feature
        return self

    def set_feature_name(self, feature_name):
        if feature_name != "auto":
            if self._handle is not None and feature_name is not None:
                if len(feature_name) != len(self._handle.feature_name):
                    raise ValueError(f"Length of feature_name({len(feature_name)}) and num_feature({len(self._handle.feature_name)}) don't match")
                self._handle.feature_name = [str(n) for n in feature_name]
            self.feature_name = feature_name
            self._has_non_default_feature_names = True
        return self

    def get_ref_chain(self, ref_limit: int = 100) -> set:
        """This Dataset, its reference, the reference's reference... (at most ``ref_limit``; LightGBM's)."""
        head, chain = self, set()
        while len(chain) < ref_limit and isinstance(head, Dataset):
            chain.add(head)
            if head.reference is None or head.reference in chain:
                break
            head = head.reference
        return chain

    def add_features_from(self, other: "Dataset") -> "Dataset":
        """Adds the features (columns) of ``other`` to this Dataset; both must be constructed and have as many rows.

        As in LightGBM, a name already present becomes ``D2_<name>``
        (``D3_...`` if that is taken too), and the raw data is joined where
        both are numpy arrays, scipy.sparse matrices or pandas DataFrames
        (else it is dropped, with a warning). The categorical features of both
        are kept (by name; LightGBM's Python side resets the list to "auto"
        while its bins stay categorical).
        """
        if self._handle is None or other._handle is None:
            raise ValueError("Both source and target Datasets must be constructed before adding features")
        mine, theirs = self._handle, other._handle
        if mine.num_data != theirs.num_data:
            raise LightGBMError(f"Cannot add features from other Dataset with a different number of rows ({theirs.num_data} rows, this Dataset has {mine.num_data})")
        if isinstance(mine.x, _native.Frame) or isinstance(theirs.x, _native.Frame):
            raise NotImplementedError("add_features_from: a Dataset with text or pandas category columns (an ironlearn Frame) cannot be joined; encode them as numbers first")
        my_names = self.get_feature_name()
        cats = [my_names[int(c)] if str(c).lstrip("-").isdigit() and not str(c) in my_names else str(c) for c in (self._categorical() or [])]
        their_names = other.get_feature_name()
        other_cats = {their_names[int(c)] if str(c).lstrip("-").isdigit() and not str(c) in their_names else str(c) for c in (other._categorical() or [])}
        taken = set(my_names)
        new_names = []
        for name in their_names:
            new, cnt = name, 2
            while new in taken:
                new, cnt = f"D{cnt}_{name}", cnt + 1
            if new != name:
                warnings.warn(f"Find the same feature name ({name}) in Dataset::AddFeaturesFrom, change its name to ({new})", UserWarning, stacklevel=2)
            taken.add(new)
            new_names.append(new)
            if name in other_cats:
                cats.append(new)
        mine.x = np.ascontiguousarray(np.hstack((mine.x, theirs.x)))
        mine.feature_name = my_names + new_names
        was_none = self.data is None
        old_type = type(self.data).__name__
        self.data = _join_raw_data(self.data, other.data)
        if self.data is None:
            warnings.warn(
                f"Cannot add features from {type(other.data).__name__} type of raw data to {old_type} type of raw data.\n"
                + ("Set free_raw_data=False when construct Dataset to avoid this" if was_none else "Freeing raw data"),
                UserWarning,
                stacklevel=2,
            )
        self.feature_name = list(mine.feature_name)
        self.categorical_feature = cats if cats else "auto"
        self.pandas_categorical = None
        self.version += 1
        return self

    def _bins(self, rows: bool = True):
        """``(bins per feature, bins)`` as training bins this Dataset under its parameters (0 bins: a feature that cannot split).

        With ``rows=False`` only the counts are computed (the bins are None):
        binning every row costs as much time and memory as training's own binning.
        """
        asked: dict = {}
        p = _clean_params(dict(self.get_params()), asked)
        cats = self._categorical()
        if cats is not None:
            names = self.get_feature_name()
            p["categorical_feature"] = [str(names.index(c)) if c in names else c for c in cats]
        try:
            if not rows:
                return _native.dataset_bin_counts(json.dumps(p), self._native_x()), None
            return _native.dataset_bins(json.dumps(p), self._native_x())
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e

    def feature_num_bin(self, feature) -> int:
        """The number of bins training gives a feature (by index or name); 0 for one that cannot split.

        Numeric bins follow LightGBM's rule (zero has a bin of its own even
        where the data has no zero).
        """
        names = self.get_feature_name()
        if isinstance(feature, str):
            if feature not in names:
                raise LightGBMError(f"feature '{feature}' is not one of the Dataset's features {names}")
            feature = names.index(feature)
        if not 0 <= int(feature) < len(names):
            raise LightGBMError(f"Tried to retrieve number of bins for feature index {feature}, "
                                f"but the valid feature indices are [0, {len(names) - 1}].")
        return int(self._bins(rows=False)[0][int(feature)])

    def _dump_text(self, filename):
        """Writes the binned Dataset as text: the features, their bin counts, the label and every row's bins."""
        self.construct()
        counts, bins = self._bins()
        lines = [f"num_data: {bins.shape[0]}", f"num_features: {bins.shape[1]}",
                 "feature_names: " + " ".join(self.get_feature_name()), "num_bins: " + " ".join(map(str, counts))]
        for field in ("label", "weight", "init_score", "group"):
            v = self.get_field(field)
            if v is not None:
                lines.append(f"{field}: " + " ".join(repr(float(x)) for x in np.asarray(v).ravel()))
        lines += [" ".join(map(str, row)) for row in bins]
        with open(filename, "w") as f:
            f.write("\n".join(lines) + "\n")
        return self

    # -- conversion -----------------------------------------------------------
    def _native_x(self):
        """The data as ironlearn's booster takes it: a float64 matrix or a Frame (a data file is read first)."""
        if self._handle is None and _is_path(self.data):
            self.construct()
        if self._handle is not None:
            return self._handle.x
        return self._convert(self.data)

    @staticmethod
    def _convert(data):
        if data is None:
            raise LightGBMError("the Dataset has no data (it was freed after construct, or None was given)")
        if _is_sequence_data(data):
            return _sequence_rows(data)
        if _is_list_of_numpy_arrays(data):
            for a in data:
                if a.shape[1] != data[0].shape[1]:
                    raise ValueError("Input arrays must have same number of columns")
            return np.ascontiguousarray(np.vstack(data), dtype=np.float64)
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


def _param_norm(v):
    """A parameter value for comparison: "true"/"false" strings as bools, numeric strings as numbers, sequences as lists."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_param_norm(x) for x in v]
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("true", "false"):
            return s == "true"
        try:
            return int(s)
        except ValueError:
            try:
                return float(s)
            except ValueError:
                return v
    if isinstance(v, np.generic):
        return v.item()
    return v


def _join_raw_data(mine, theirs):
    """LightGBM's ``add_features_from`` rule for the raw data: joined columns where both types allow it, else None."""
    if theirs is None or mine is None:
        return None
    import scipy.sparse

    if isinstance(mine, np.ndarray):
        if isinstance(theirs, np.ndarray):
            return np.hstack((mine, theirs))
        if isinstance(theirs, scipy.sparse.spmatrix):
            return np.hstack((mine, theirs.toarray()))
        if isinstance(theirs, pd_DataFrame):
            return np.hstack((mine, theirs.values))
        return None
    if isinstance(mine, scipy.sparse.spmatrix):
        fmt = mine.getformat()
        if isinstance(theirs, (np.ndarray, scipy.sparse.spmatrix)):
            return scipy.sparse.hstack((mine, theirs), format=fmt)
        if isinstance(theirs, pd_DataFrame):
            return scipy.sparse.hstack((mine, theirs.values), format=fmt)
        return None
    if isinstance(mine, pd_DataFrame):
        from pandas import concat

        if isinstance(theirs, np.ndarray):
            return concat((mine, pd_DataFrame(theirs)), axis=1, ignore_index=True)
        if isinstance(theirs, scipy.sparse.spmatrix):
            return concat((mine, pd_DataFrame(theirs.toarray())), axis=1, ignore_index=True)
        if isinstance(theirs, pd_DataFrame):
            return concat((mine, theirs), axis=1, ignore_index=True)
        return None
    return None

#: LightGBM's Dataset parameters (``Dataset.get_params`` keeps these and their aliases).
_DATASET_PARAMS = (
    "bin_construct_sample_cnt", "categorical_feature", "data_random_seed", "enable_bundle", "feature_pre_filter",
    "forcedbins_filename", "group_column", "header", "ignore_column", "is_enable_sparse", "label_column", "linear_tree",
    "max_bin", "max_bin_by_feature", "min_data_in_bin", "pre_partition", "precise_float_parser", "two_round",
    "use_missing", "weight_column", "zero_as_missing",
)


def _dataset_param_names() -> set:
    return _ConfigAliases.get(*_DATASET_PARAMS)


#: What a constructed Dataset was built with and cannot change (LightGBM's ``CheckDatasetResetConfig``, in its
#: order), with LightGBM's defaults for a parameter not given.
_FIXED_DATASET_PARAMS = {
    "data_random_seed": 1, "max_bin": 255, "max_bin_by_feature": "", "bin_construct_sample_cnt": 200000,
    "min_data_in_bin": 3, "use_missing": True, "zero_as_missing": False, "categorical_feature": "",
    "feature_pre_filter": True, "is_enable_sparse": True, "pre_partition": False, "enable_bundle": True,
    "header": False, "two_round": False, "label_column": "", "weight_column": "", "group_column": "",
    "ignore_column": "", "linear_tree": False, "precise_float_parser": False,
}


def _check_dataset_params_change(old: dict, new: dict) -> None:
    """Raises LightGBM's error when ``new`` changes a parameter that a Dataset constructed with ``old`` was built with."""
    def by_main(params: dict) -> dict:
        out: dict = {}
        for k, v in params.items():
            out.setdefault(_ConfigAliases._main(k), v)
        return out

    def value(v, default):
        if isinstance(default, bool):
            return v.strip().lower() in ("true", "1", "+") if isinstance(v, str) else bool(v)
        if isinstance(default, int):
            return float(v)
        return _lgb_str(v)

    old, new = by_main(old), by_main(new)
    for name, default in _FIXED_DATASET_PARAMS.items():
        if name in new and value(new[name], default) != value(old.get(name, default), default):
            raise LightGBMError(f"Cannot change {name} after constructed Dataset handle.")
    if "forcedbins_filename" in new:
        raise LightGBMError("Cannot change forced bins after constructed Dataset handle.")
    if ("min_data_in_leaf" in new and float(new["min_data_in_leaf"]) < float(old.get("min_data_in_leaf", 20))
            and value(old.get("feature_pre_filter", True), True)):
        raise LightGBMError(
            "Reducing `min_data_in_leaf` with `feature_pre_filter=true` may cause unexpected behaviour for features that "
            "were pre-filtered by the larger `min_data_in_leaf`.\nYou need to set `feature_pre_filter=false` to "
            "dynamically change the `min_data_in_leaf`."
        )


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
    if _is_list_of_numpy_arrays(data):
        return np.vstack(data)[idx]
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


def _labels(label, classify: bool, binary: bool = False):
    """(y for Rust, classes for Rust).

    ``binary``: LightGBM's binary objective, whose positive class is every
    label > 0: numeric labels that are not two classes (one value, or labels
    such as 0, 1, 2, 3) are read that way. Two classes stay the model's two
    classes (the larger positive), the same as LightGBM's rule for 0/1 or -1/1.
    """
    if label is None:
        raise ValueError("the training Dataset has no label")
    y = np.asarray(label).ravel()
    if binary and y.dtype.kind in "iuf" and len(np.unique(y)) != 2:
        if y.dtype.kind == "f" and np.isnan(y).any():
            raise ValueError("the label contains NaN")
        return (y > 0).astype(np.int8), ["0", "1"]
    if classify:
        if y.dtype.kind in "iu" and len(y) and y.min() >= 0 and y.max() < 1 << 20:
            # Integer classes: counted, not sorted; labels that already are
            # 0..k-1 are passed as they are (no copy of a large label array).
            classes = np.flatnonzero(np.bincount(y))
            if classes[-1] == len(classes) - 1:
                return (y if y.dtype.kind == "i" else narrow_codes(y, len(classes))), [str(c) for c in classes]
            lookup = np.zeros(classes[-1] + 1, dtype=np.int64)
            lookup[classes] = np.arange(len(classes))
            return narrow_codes(lookup[y], len(classes)), [str(c) for c in classes]
        classes, codes = np.unique(y, return_inverse=True)
        return narrow_codes(codes, len(classes)), [_class_name(c) for c in classes]
    # float32 (a Dataset's label type) goes as it is: Rust widens it without a float64 copy here.
    return np.ascontiguousarray(y, dtype=y.dtype if y.dtype == np.float32 else np.float64), None


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
    the deviation from ``cv``, as LightGBM's tuples did; as in LightGBM,
    indexing sees all five fields (``result[4]`` is None outside ``cv``).
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
        if k in ("pred_early_stop", "pred_early_stop_freq", "pred_early_stop_margin"):
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
        self._model = None
        self._classes = None
        #: What the model file says beyond the model (schema, target, metrics), kept when saving again.
        self._header: dict = {}
        #: The name the training data's metrics carry in callbacks (LightGBM's attribute).
        self._train_data_name = "training"
        #: Parameters set by ``reset_parameter`` that ``train`` has not applied yet.
        self._reset: dict = {}
        #: The training state of ``Booster(params, train_set)`` (``update``, ``rollback_one_iter``, ``add_valid``).
        self._trainer = None
        self.train_set = None
        self.valid_sets: list = []
        self.name_valid_sets: list = []
        if model_file is not None:
            # Read natively: directories, FIFOs, devices and oversized files
            # are refused as the CLI refuses them.
            self._load_bytes(_native.read_model_file(model_file))
        elif model_str is not None:
            self._load_str(model_str)
        elif train_set is not None:
            self._start_training(train_set)
        loaded = getattr(self, "_text_params", None)
        if loaded is not None:
            # As LightGBM: a LightGBM text model brings its parameters, which replace any given.
            if params:
                source = "model file" if model_file is not None else "model string"
                warnings.warn(f"Ignoring params argument, using parameters from {source}.", UserWarning, stacklevel=2)
            self.params = loaded

    def reset_parameter(self, params: dict) -> "Booster":
        """Changes parameters for the rounds ``train`` grows next (the ``reset_parameter`` callback calls it).

        Within ``train``, the following rounds use them; ``params`` keeps them.
        """
        params = dict(params)
        cleaned = _clean_params(dict(params), {})  # refuse what would be refused at training
        self.params.update(params)
        if self._trainer is not None:
            # A Booster(params, train_set): the next update() grows with them.
            mains = {_ConfigAliases._main(k) for k in cleaned}
            p = {**{k: v for k, v in self._trainer_params.items() if _ConfigAliases._main(k) not in mains}, **cleaned}
            try:
                self._trainer.reset_params(json.dumps(p))
            except ValueError as e:
                raise LightGBMError(str(e)) from e
            self._trainer_params = p
            return self
        self._reset.update(params)
        return self

    # -- the model: loaded, or the trainer's so far ------------------------------
    @property
    def _native(self):
        if self._model is None and self._trainer is not None:
            self._model = self._trainer.model()
        return self._model

    @_native.setter
    def _native(self, model):
        self._model = model

    # -- training one round at a time (LightGBM's Booster(params, train_set)) ---------
    def _start_training(self, train_set):
        if not isinstance(train_set, Dataset):
            raise TypeError(f"Training data should be Dataset instance, met {type(train_set).__name__}")
        _read_if_file(train_set)
        params = dict(self.params)
        objective = params.get("objective")
        fobj = params.pop("objective") if callable(objective) else None
        if isinstance(objective, str) and objective.lower() in _NO_OBJECTIVE:
            params.pop("objective")
            fobj = _no_objective
        merged = {**train_set.params, **params}
        level = _log_level(merged)
        # Rounds are grown by update(), one per call: the round count and early stopping do not apply.
        _choose(merged, _EARLY_STOPPING_ALIASES)
        for k in ("first_metric_only", "early_stopping_min_delta"):
            merged.pop(k, None)
        _warn_depth(merged, level)
        asked: dict = {}
        p = _clean_params(merged, asked)
        _warn_not_implemented(asked, stacklevel=4)
        _warn_sampling(p, level)
        cats = train_set._categorical()
        if cats is not None:
            names = train_set.get_feature_name()
            p["categorical_feature"] = [str(names.index(c)) if c in names else c for c in cats]
        num_class = 1
        if fobj is not None:
            num_class = _choose(p, ("num_class", "num_classes"), 1)
            num_class = _integer_param("num_class", num_class) if num_class else 1
            p["objective"] = "regression"
        name = _objective_name(p)
        classify = fobj is None and name in _CLASSIFY
        if name in _MULTICLASS and "num_class" not in p and "num_classes" not in p:
            raise LightGBMError("Number of classes should be specified and greater than 1 for multiclass training")
        y, classes = _labels(train_set.label, classify, binary=name == "binary")
        self._binary = name == "binary"
        native_fobj = None
        if fobj is not None:
            def native_fobj(preds):  # LightGBM's signature: (preds, train_data)
                return fobj(preds, train_set)
        try:
            self._trainer = _native.NativeTrainer(json.dumps(p), train_set._native_x(), y, classes, train_set.get_weight(),
                                                  _group(train_set.group), _init(train_set.init_score), None, native_fobj, num_class,
                                                  _position(train_set.position), _bin_reference(train_set))
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        self.train_set = train_set
        self._classes = classes
        self._classify = classify
        self._custom = fobj is not None
        self._num_class = num_class if fobj is not None else (len(classes) if classify and len(classes) > 2 else 1)
        #: The parameters the trainer runs with (reset_parameter changes them between rounds).
        self._trainer_params = p
        # As LightGBM's Booster: its params include the Dataset's.
        self.params = {**train_set.params, **self.params}

    def _trainer_or_raise(self, what: str):
        if self._trainer is None:
            raise LightGBMError(f"{what} needs a Booster built with a training set: Booster(params, train_set)")
        return self._trainer

    def update(self, train_set=None, fobj=None) -> bool:
        """Grows one round; True when nothing more could be learnt (no split was possible).

        ``fobj(preds, train_data) -> (grad, hess)`` gives this round's gradients
        from the raw training scores, as in LightGBM.
        """
        trainer = self._trainer_or_raise("update()")
        if train_set is not None and train_set is not getattr(self, "train_set", None):
            raise NotImplementedError("update(train_set=...) with another Dataset: build a new Booster(params, train_set)")
        if fobj is None:
            finished = trainer.update()
        else:
            grad, hess = fobj(self._inner_predict(None, raw=True), getattr(self, "train_set", None))
            grad, hess = self._flat_gradients(grad, hess)
            finished = trainer.update(grad, hess)
        self._model = None
        return bool(finished)

    def _flat_gradients(self, grad, hess):
        """LightGBM's checks of a custom objective's output; (rows, classes) arrays flattened class-major."""
        grad, hess = np.asarray(grad, dtype=np.float64), np.asarray(hess, dtype=np.float64)
        if grad.ndim == 2:
            grad = grad.T.ravel()
        if hess.ndim == 2:
            hess = hess.T.ravel()
        n = self._trainer.scores(None).shape[0]
        k = self.num_model_per_iteration()
        if len(grad) != len(hess) or len(grad) != n * k:
            raise ValueError(
                f"Lengths of gradient ({len(grad)}) and Hessian ({len(hess)}) don't match training data length ({n}) "
                f"* number of models per one iteration ({k})"
            )
        return np.ascontiguousarray(grad), np.ascontiguousarray(hess)

    def rollback_one_iter(self) -> "Booster":
        """Removes the last round (and its leaves from the training and validation scores)."""
        try:
            self._trainer_or_raise("rollback_one_iter()").rollback()
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        self._model = None
        return self

    def add_valid(self, data, name: str) -> "Booster":
        """Adds a validation set, evaluated by ``eval_valid`` (LightGBM's ``add_valid``)."""
        trainer = self._trainer_or_raise("add_valid()")
        if not isinstance(data, Dataset):
            raise TypeError(f"Validation data should be Dataset instance, met {type(data).__name__}")
        _read_if_file(data)
        vy, vclasses = _labels(data.label, self._classify, binary=self._binary)
        if self._classify and not self._binary:
            index = {c: k for k, c in enumerate(self._classes)}
            try:
                vy = np.asarray([index[_class_name(c)] for c in np.asarray(data.label).ravel()], dtype=np.int64)
            except KeyError as e:
                raise ValueError(f"validation set '{name}' has label {e.args[0]!r}, which the training data does not") from None
            vclasses = self._classes
        try:
            trainer.add_valid(name, data._native_x(), vy, vclasses, data.get_weight(), _group(data.group), _init(data.init_score))
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        self.__dict__.setdefault("valid_sets", []).append(data)
        self.name_valid_sets.append(name)
        return self

    @property
    def _Booster__num_dataset(self) -> int:
        return (1 if self._trainer is not None else 0) + len(getattr(self, "valid_sets", []))

    def _inner_predict(self, index, raw: bool = False):
        """Scores of the training data (``index=None``) or validation set ``index``: raw for a custom objective, else transformed."""
        out = self._trainer.scores(index)
        if not raw and not self._custom:
            out = _transform_scores(out, self._native.objective_transform)
        return out[:, 0] if out.shape[1] == 1 else out

    def _evaluate(self, index, name: str, feval, data) -> list:
        results = [tuple(r) for r in self._trainer.evaluate(index, name)]
        fevals = feval if isinstance(feval, (list, tuple)) else ([feval] if feval is not None else [])
        if fevals:
            preds = self._inner_predict(index)
            for f in fevals:
                out = f(preds, data)
                for metric, value, higher in (out if isinstance(out, list) else [out]):
                    results.append((name, metric, value, higher))
        return results

    def _evaluate_model(self, data, name: str, feval) -> list:
        """The model's metrics on any Dataset, from its predictions (a booster that is not training)."""
        classes = self._native.classes
        y = np.asarray(data.label).ravel()
        if self._native.objective == "binary" and y.dtype.kind in "iuf":
            y = (y > 0).astype(np.int64)  # LightGBM's binary labels: positive when > 0
        elif classes is not None:
            index = {c: k for k, c in enumerate(classes)}
            try:
                y = np.asarray([index[_class_name(c)] for c in y], dtype=np.int64)
            except KeyError as e:
                raise ValueError(f"'{name}' has label {e.args[0]!r}, which the model's classes {list(classes)} do not") from None
        else:
            y = np.ascontiguousarray(y, dtype=np.float64)
        try:
            results = [tuple(r) for r in self._native.evaluate(name, data._native_x(), y, None if classes is None else list(classes),
                                                              data.get_weight(), _group(data.group), _init(data.init_score))]
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        fevals = feval if isinstance(feval, (list, tuple)) else ([feval] if feval is not None else [])
        if fevals:
            raw = np.asarray(self.predict(data.data, raw_score=True, num_iteration=self.current_iteration()), dtype=np.float64)
            if data.init_score is not None:
                raw = raw + np.asarray(data.init_score, dtype=np.float64).reshape(raw.shape, order="F")
            preds = raw if self._native.objective in _NO_OBJECTIVE | {"custom"} else _transform_scores(raw.reshape(len(raw), -1), self._native.objective_transform)
            preds = preds[:, 0] if preds.ndim == 2 and preds.shape[1] == 1 else preds
            for f in fevals:
                out = f(preds, data)
                for metric, value, higher in (out if isinstance(out, list) else [out]):
                    results.append((name, metric, value, higher))
        return results

    def eval_train(self, feval=None) -> list:
        """``[(data_name, metric, value, is_higher_better), ...]`` on the training data."""
        train_set = getattr(self, "train_set", None)
        if self._trainer is None:
            if train_set is None:
                raise LightGBMError("eval_train() needs the training data: a Booster from train() or Booster(params, train_set)")
            return self._evaluate_model(train_set, self._train_data_name or "training", feval)
        return self._evaluate(None, self._train_data_name, feval, train_set)

    def eval_valid(self, feval=None) -> list:
        """The metrics on every validation set (``add_valid``, or ``train``'s ``valid_sets``)."""
        valid_sets = getattr(self, "valid_sets", [])
        if self._trainer is None:
            return [r for name, data in zip(self.name_valid_sets, valid_sets) for r in self._evaluate_model(data, name, feval)]
        return [r for i, (name, data) in enumerate(zip(self.name_valid_sets, valid_sets)) for r in self._evaluate(i, name, feval, data)]

    def eval(self, data, name: str, feval=None) -> list:
        """The metrics on ``data``: the training set, a validation set, or a new one (added as a validation set)."""
        if not isinstance(data, Dataset):
            raise TypeError("Can only eval for Dataset instance")
        if self._trainer is None:
            return self._evaluate_model(data, name, feval)
        if data is getattr(self, "train_set", None):
            return self._evaluate(None, name, feval, data)
        for i, v in enumerate(getattr(self, "valid_sets", [])):
            if v is data:
                return self._evaluate(i, name, feval, data)
        self.add_valid(data, name)
        return self._evaluate(len(self.valid_sets) - 1, name, feval, data)

    def refit(self, data, label, decay_rate=0.9, reference=None, weight=None, group=None, init_score=None, feature_name="auto",
              categorical_feature="auto", dataset_params=None, free_raw_data=True, validate_features=False, **kwargs) -> "Booster":
        """A new Booster with the same trees and leaf values refit to ``(data, label)`` (LightGBM's ``refit``).

        Round by round, each leaf becomes ``decay_rate * old + (1 - decay_rate)
        * new``, ``new`` being the leaf's regularised Newton step on the new
        data at the scores of the rounds before it.
        """
        if isinstance(data, Dataset):
            raise TypeError("Cannot use Dataset instance for refit, please use raw data instead")
        if group is not None or init_score is not None:
            raise NotImplementedError("refit with group or init_score")
        _check_predict_kwargs(kwargs)
        if validate_features and _is_dataframe(data):
            self._validate_features([str(c) for c in data.columns])
        classes = self._native.classes
        y = np.asarray(label).ravel()
        if self._native.objective == "binary" and y.dtype.kind in "iuf":
            y = (y > 0).astype(np.int64)  # LightGBM's binary labels: positive when > 0
        elif classes is not None:
            index = {c: k for k, c in enumerate(classes)}
            try:
                y = np.asarray([index[_class_name(c)] for c in y], dtype=np.int64)
            except KeyError as e:
                raise ValueError(f"refit label {e.args[0]!r} is not one of the model's classes {list(classes)}") from None
        else:
            y = np.ascontiguousarray(y, dtype=np.float64)
        w = None if weight is None else np.ascontiguousarray(np.asarray(weight, dtype=np.float64).ravel())
        # As LightGBM: the model's categorical columns (under any alias in params) are the refit data's; a
        # different categorical_feature is an error, not a silent change.
        new_params = dict(self.params)
        from_params = None
        for alias in _ConfigAliases.get_sorted("categorical_feature"):
            if alias in new_params:
                value = new_params.pop(alias)
                from_params = value if from_params is None else from_params
        if from_params:
            if isinstance(categorical_feature, str) and categorical_feature == "auto":
                categorical_feature = from_params
            elif list(from_params) != list(categorical_feature):
                raise LightGBMError(
                    "'categorical_feature' value passed to Booster.refit() is different from  'categorical_feature' "
                    "value found in Booster.params. Preferring the value passed via keyword argument. Using refit() "
                    "to change which columns are treated as categorical is not supported."
                )
            new_params["categorical_column"] = list(from_params)
        refit_set = Dataset(data, label=label, weight=weight, params=dataset_params, feature_name=feature_name,
                            categorical_feature=categorical_feature, free_raw_data=free_raw_data)
        x = refit_set._native_x()
        try:
            native = self._native.refit(x, y, None if classes is None else list(classes), w, float(decay_rate))
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        out = Booster._from_native(native, params=new_params)
        out._header = dict(self._header)
        out.train_set = refit_set
        return out

    def get_split_value_histogram(self, feature, bins=None, xgboost_style=False):
        """The histogram of the thresholds the model splits ``feature`` (index or name) at, as LightGBM computes it.

        ``xgboost_style``: a table of (upper edge, count) for the non-empty
        bins (a DataFrame when pandas is installed); otherwise numpy's
        ``(hist, bin_edges)``. A categorical feature has no thresholds: an error.
        """
        names = self.feature_name()
        if isinstance(feature, str):
            if feature not in names:
                raise LightGBMError(f"feature '{feature}' is not one of the model's features")
            name = feature
        else:
            if not 0 <= int(feature) < len(names):
                raise LightGBMError(f"feature index {feature} is out of range: the model has {len(names)} features")
            name = names[int(feature)]
        df = self.trees_to_dataframe()
        splits = df[df["split_feature"] == name]
        if (splits["decision_type"] == "==").any():
            raise LightGBMError("Cannot compute split value histogram for the categorical feature")
        values = splits["threshold"].to_numpy(dtype=np.float64)
        if bins is None or (isinstance(bins, numbers.Integral) and xgboost_style):
            n_unique = len(np.unique(values))
            bins = max(min(n_unique, bins) if bins is not None else n_unique, 1)
        hist, edges = np.histogram(values, bins=bins)
        if not xgboost_style:
            return hist, edges
        table = np.column_stack((edges[1:], hist))
        table = table[table[:, 1] > 0]
        try:
            import pandas as pd
        except ImportError:
            return table
        return pd.DataFrame(table, columns=["SplitValue", "Count"])

    def lower_bound(self) -> float:
        """The smallest raw score the model can give (the starting score plus each tree's smallest leaf)."""
        return float(self._native.score_bounds()[0])

    def upper_bound(self) -> float:
        """The largest raw score the model can give."""
        return float(self._native.score_bounds()[1])

    def get_leaf_output(self, tree_id: int, leaf_id: int) -> float:
        """The value of leaf ``leaf_id`` of tree ``tree_id``."""
        return float(self._native.leaf_output(int(tree_id), int(leaf_id)))

    def set_leaf_output(self, tree_id: int, leaf_id: int, value: float) -> "Booster":
        """Sets a leaf's value; predictions use it at once (training scores computed before keep the old value, as in LightGBM)."""
        if self._trainer is not None:
            self._trainer.set_leaf_output(int(tree_id), int(leaf_id), float(value))
            self._model = None
        else:
            self._model = self._native.with_leaf_output(int(tree_id), int(leaf_id), float(value))
        return self

    def free_dataset(self) -> "Booster":
        """Forgets the Dataset objects, as LightGBM's (a training state keeps its own binned data)."""
        self.__dict__.pop("train_set", None)
        self.__dict__.pop("valid_sets", None)
        return self

    # -- loading --------------------------------------------------------------
    def _load_bytes(self, data: bytes):
        head = data.lstrip()[:64]
        if head.startswith(b"tree"):
            text = data.decode("utf-8")
            self._native = _native.import_lightgbm(text)
            self._text_params = _lightgbm_text_params(text)
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
        if isinstance(data, Dataset):
            raise TypeError("Cannot use Dataset instance for prediction, please use raw data instead")
        if validate_features and _is_dataframe(data):
            self._validate_features([str(c) for c in data.columns])
        self._warn_unseen_levels(data)
        x = Dataset(data)._native_x()
        kind = "leaf" if pred_leaf else "contrib" if pred_contrib else "raw" if raw_score else "value"
        model, iterations = self._native, self._iterations(num_iteration)
        if start_iteration and start_iteration > 0:
            # As LightGBM: num_iteration rounds from start_iteration, or all the rest (the best iteration is not used then).
            count = int(num_iteration) if num_iteration is not None and num_iteration > 0 else None
            model, iterations = model.rounds(int(start_iteration), count), None
        early_stop = None
        if kwargs.get("pred_early_stop"):
            early_stop = (int(kwargs.get("pred_early_stop_freq", 10)), float(kwargs.get("pred_early_stop_margin", 10.0)))
        try:
            out = model.booster_predict(x, kind, iterations, early_stop)
        except ValueError as e:
            if kind != "contrib" or isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e  # LightGBM's: contributions of linear trees
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
        num_iteration = self.best_iteration if num_iteration is None and self.best_iteration > 0 else num_iteration
        num_iteration = None if num_iteration is None or num_iteration <= 0 else int(num_iteration)
        return json.loads(self._native.dump_model(num_iteration, max(int(start_iteration), 0)), object_hook=object_hook)

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
                # A tree of one leaf has its value only (LightGBM dumps nothing else for it).
                if parent is not None and set(node) != {"leaf_value", "leaf_count"} and "leaf_index" in node:
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

    def save_model(self, filename, num_iteration=None, start_iteration=0, importance_type="split", format=None):
        """Writes the model: LightGBM's text format, or ironlearn's model file.

        As LightGBM, the text holds rounds ``start_iteration`` to
        ``start_iteration + num_iteration`` (by default up to the best
        iteration) and loads in LightGBM (``lightgbm.Booster(model_file=...)``),
        which then predicts what this booster predicts. ``format="ironlearn"``,
        or a file name ending in ``.ilm``, writes ironlearn's model file instead
        (a safetensors file holding no code; it keeps the feature types and the
        target, so ``ironlearn predict --model`` reads it).
        """
        if format is None:
            format = "ironlearn" if os.fspath(filename).endswith(".ilm") else "lightgbm"
        if format == "ironlearn":
            if start_iteration:
                raise NotImplementedError("start_iteration > 0 with format='ironlearn'; use the LightGBM text format")
            data = self._bytes(num_iteration)
        else:
            data = self.model_to_string(num_iteration, start_iteration, importance_type, format=format).encode("utf-8")
        try:
            with open(filename, "wb") as f:
                f.write(data)
        except OSError as e:
            raise LightGBMError(f"Cannot write the model to {os.fspath(filename)!r}: {e}") from e
        return self

    def model_to_string(self, num_iteration=None, start_iteration=0, importance_type="split", format="lightgbm"):
        """The model as LightGBM's text (``format="ironlearn"``: ironlearn's model file, base64), for ``Booster(model_str=...)``."""
        if format == "ironlearn":
            if start_iteration:
                raise NotImplementedError("start_iteration > 0 with format='ironlearn'; use the LightGBM text format")
            return "ironlearn-model:base64:" + base64.b64encode(self._bytes(num_iteration)).decode("ascii")
        if format != "lightgbm":
            raise ValueError(f"format must be 'lightgbm' or 'ironlearn', got {format!r}")
        if importance_type not in ("split", "gain"):
            raise ValueError(f"importance_type must be 'split' or 'gain', got {importance_type!r}")
        if num_iteration is None:
            n = self.best_iteration if self.best_iteration and self.best_iteration > 0 else None
        else:
            n = int(num_iteration) if num_iteration > 0 else self.current_iteration()
        return _with_recorded_settings(self._native.lightgbm_text(n, int(start_iteration or 0)), self.params)

    def model_from_string(self, model_str):
        return self._load_str(model_str)

    def __getstate__(self):
        return {"params": self.params, "model": self._bytes(), "best_iteration": self.best_iteration, "best_score": self.best_score}

    def __setstate__(self, state):
        self.params = state["params"]
        self._trainer = None
        self.train_set = None
        self.valid_sets = []
        self.name_valid_sets = []
        self._native = None
        self._classes = None
        self._header = {}
        self._train_data_name = "training"
        self._reset = {}
        self._load_bytes(state["model"])
        self.best_iteration = state["best_iteration"]
        self.best_score = state["best_score"]


def _lightgbm_text_params(text: str) -> dict:
    """The ``parameters:`` block of a LightGBM text model as a dict: numbers as numbers, ``a,b`` as lists."""
    start, end = text.find("\nparameters:\n"), text.find("\nend of parameters")
    if start < 0 or end < start:
        return {}

    def value(v: str):
        for cast in (int, float):
            try:
                return cast(v)
            except ValueError:
                pass
        return v

    params: dict = {}
    known = _ConfigAliases._table()
    for line in text[start + len("\nparameters:\n"):end].splitlines():
        line = line.strip()
        if not (line.startswith("[") and line.endswith("]") and ": " in line):
            continue
        name, raw = line[1:-1].split(": ", 1)
        if name not in known:
            # As LightGBM's loader (its C++ logger, whatever the model's verbosity).
            print(f"[LightGBM] [Warning] Ignoring unrecognized parameter '{name}' found in model string.", flush=True)
            continue
        if raw.startswith("[") or name in ("interaction_constraints",):
            try:  # nested lists, "[0,1],[2]", as LightGBM's Python package reads them
                params[name] = json.loads(f"[{raw}]")
            except ValueError:
                params[name] = raw
        elif "," in raw or (name in _LGBM_VECTOR_PARAMS and raw != ""):
            params[name] = [value(v) for v in raw.split(",") if v != ""]
        elif name in _LGBM_BOOL_PARAMS and raw in ("0", "1"):
            params[name] = raw == "1"
        elif raw != "":
            params[name] = value(raw)
    return params


#: LightGBM's boolean parameters (``GetBool`` in its config_auto.cpp): its loader gives them as True/False.
_LGBM_BOOL_PARAMS = frozenset("""
deterministic force_col_wise force_row_wise bagging_by_query extra_trees first_metric_only xgboost_dart_mode
uniform_drop use_quantized_grad quant_train_renew_leaf stochastic_rounding linear_tree is_enable_sparse enable_bundle
use_missing zero_as_missing feature_pre_filter pre_partition two_round header save_binary precise_float_parser
predict_raw_score predict_leaf_index predict_contrib predict_disable_shape_check pred_early_stop is_unbalance
boost_from_average reg_sqrt lambdarank_norm is_provide_training_metric gpu_use_dp""".split())

#: LightGBM's list parameters (``vector<...>`` in its config_auto.cpp): its loader gives them as lists.
_LGBM_VECTOR_PARAMS = frozenset("""
valid monotone_constraints feature_contri cegb_penalty_feature_lazy cegb_penalty_feature_coupled max_bin_by_feature
ignore_column categorical_feature label_gain metric eval_at auc_mu_weights""".split())

#: Settings the booster does not keep in its model (they never change it: threads, logging, determinism hints)
#: but LightGBM's text model records: written there as the user gave them.
_RECORDED_SETTINGS = frozenset({"num_threads", "verbosity", "deterministic", "force_col_wise", "force_row_wise"})


def _with_recorded_settings(text: str, params: dict) -> str:
    """LightGBM text with the user's thread, logging and determinism settings in its ``parameters:`` block."""
    given = {}
    for k, v in (params or {}).items():
        main = _ConfigAliases._main(k)
        if main in _RECORDED_SETTINGS and v is not None and not isinstance(v, (list, dict)):
            given[main] = int(v) if isinstance(v, (bool, np.bool_)) else v
    for name, v in given.items():
        text = re.sub(rf"^\[{name}: [^\]\n]*\]$", f"[{name}: {v}]", text, count=1, flags=re.M)
    return text


#: LightGBM's objective names for "no objective": gradients come from ``update(fobj=...)``.
_NO_OBJECTIVE = frozenset({"none", "null", "custom", "na"})


def _no_objective(preds, train_data):
    raise LightGBMError("the objective is 'none': give the gradients with update(fobj=...)")


def _warn_depth(params: dict, level) -> None:
    """LightGBM's warning when ``max_depth`` limits trees that the default ``num_leaves`` already limits more."""
    depth = next((params[k] for k in ("max_depth",) if params.get(k) is not None), None)
    leaves_given = any(params.get(k) is not None for k in ("num_leaves", "num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"))
    try:
        depth = int(depth) if depth is not None else -1
    except (TypeError, ValueError):
        return
    if depth > 0 and not leaves_given and 2 ** depth > 31:
        _log_warning_native(
            f"Provided parameters constrain tree depth (max_depth={depth}) without explicitly setting 'num_leaves'. "
            f"This can lead to underfitting. To resolve this warning, pass 'num_leaves' (<={2 ** depth}) in params. "
            "Alternatively, pass (max_depth=-1) and just use 'num_leaves' to constrain model complexity.",
            level,
        )


def _transform_scores(raw: np.ndarray, transform: str) -> np.ndarray:
    """Raw scores (rows, outputs) through the objective's transform."""
    if transform == "sigmoid" or transform.startswith("sigmoid:"):
        scale = float(transform.split(":", 1)[1]) if ":" in transform else 1.0
        return 1.0 / (1.0 + np.exp(-scale * raw))
    if transform == "exp":
        return np.exp(raw)
    if transform == "softmax":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return raw


def _sampling_kind(p: dict) -> tuple:
    """``(boosting, data_sample_strategy, bagging_by_query)`` of parameters under any of their names, lower case."""
    main = {_ConfigAliases._main(k): v for k, v in p.items()}
    by_query = main.get("bagging_by_query", False)
    by_query = by_query.strip().lower() not in ("false", "0", "") if isinstance(by_query, str) else bool(by_query)
    return str(main.get("boosting", "gbdt")).lower(), str(main.get("data_sample_strategy", "bagging")).lower(), by_query


def _warn_sampling(p: dict, level) -> None:
    """LightGBM's warnings when it reads ``boosting='goss'`` as GOSS sampling, and turns off ``bagging_by_query`` for GOSS."""
    boosting, strategy, by_query = _sampling_kind(p)
    if boosting == "goss":
        _log_warning_native(
            "Found boosting=goss. For backwards compatibility reasons, LightGBM interprets this as boosting=gbdt, "
            "data_sample_strategy=goss.To suppress this warning, set data_sample_strategy=goss instead.",
            level,
        )
    if by_query and (strategy == "goss" or boosting == "goss"):
        _log_warning_native(
            "bagging_by_query=true is only compatible with data_sample_strategy=bagging. Setting bagging_by_query=false.", level
        )


def _bin_reference(train_set):
    """The data a training Dataset's bins come from, as in LightGBM: its ``reference``'s (a subset's parent, the
    first Dataset of a chain), or None for its own rows (also when the reference kept no data)."""
    ref = train_set.reference
    if ref is None:
        return None
    while ref.reference is not None:
        ref = ref.reference
    try:
        return ref._native_x()
    except LightGBMError:
        return None


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
    the same as in one run, with sampling the random draws differ. DART and GOSS
    need one run, so they raise NotImplementedError there.
    """
    if not isinstance(train_set, Dataset):
        raise TypeError(f"train() only accepts Dataset object, train_set has type '{type(train_set).__name__}'.")
    if train_set._handle is not None:
        # LightGBM's check of a constructed Dataset against the parameters (rebuilt when its data was kept).
        train_set._update_params(params)
        train_set.construct()
    _read_if_file(train_set)
    for vs in _as_list(valid_sets):
        if isinstance(vs, Dataset):
            _read_if_file(vs)
    params = dict(params or {})
    fevals = _as_list(feval)
    for f in fevals:
        if not callable(f):
            raise TypeError(f"feval should be a callable or a list of callables, got {type(f).__name__}")
    metric_given = any(_ConfigAliases._main(k) == "metric" for k in params)
    # As LightGBM: the objective (main name first, else its first alias) and the early stopping rounds are
    # chosen under their main names; a callable objective is trained with and shows as "none" in the booster's params.
    if any(_ConfigAliases._main(k) == "objective" for k in params):
        params = _choose_param_value("objective", params, None)
    fobj = None
    if callable(params.get("objective")):
        fobj = params["objective"]
        params["objective"] = "none"
    num_boost_round, params = _choose_num_iterations(num_boost_round, params)
    num_boost_round = _check_num_boost_round(num_boost_round)
    if any(k in params for k in _EARLY_STOPPING_ALIASES):
        params = _choose_param_value("early_stopping_round", params, None)
        if params["early_stopping_round"] is None:
            params.pop("early_stopping_round")
    merged = {**train_set.params, **params}
    stopping_rounds = _choose(merged, _EARLY_STOPPING_ALIASES)
    first_metric_only = bool(merged.pop("first_metric_only", False))
    min_delta = merged.pop("early_stopping_min_delta", 0.0)
    log_level = _log_level(merged)
    merged = _resolve_aliases(merged, log_level)
    verbosity = merged.get("verbosity", merged.get("verbose", 1))
    if fevals and not metric_given and fobj is not None:
        merged["metric"] = "None"  # LightGBM: a custom objective has no default metric
    asked: dict = {}
    p = _clean_params({k: v for k, v in merged.items() if not (fobj is not None and k == "objective")}, asked)
    _warn_not_implemented(asked)
    _warn_sampling(p, log_level)
    if feature_name not in (None, "auto"):
        train_set.feature_name = feature_name
    if categorical_feature not in (None, "auto"):
        train_set.categorical_feature = categorical_feature
    cats = train_set._categorical()
    if cats is not None:
        names = train_set.get_feature_name()
        indices = [str(names.index(c)) if c in names else c for c in cats]
        for alias in _ConfigAliases.get("categorical_feature"):
            # As LightGBM: the Dataset's categorical_feature replaces a categorical alias in params.
            if alias in p:
                if sorted(map(str, p[alias])) != sorted(indices):
                    warnings.warn(f"{alias} in param dict is overridden.", UserWarning, stacklevel=2)
                del p[alias]
        p["categorical_feature"] = indices
        if all(i.lstrip("-").isdigit() for i in indices):
            params["categorical_column"] = sorted({int(i) for i in indices})  # LightGBM's booster.params
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
    if objective in _MULTICLASS and "num_class" not in p and "num_classes" not in p:
        raise LightGBMError("Number of classes should be specified and greater than 1 for multiclass training")
    y, classes = _labels(train_set.label, classify, binary=objective == "binary")
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
        vy, vclasses = _labels(vs.label, classify, binary=objective == "binary")
        if classify and objective != "binary":
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
                               valid, cb, start, fobj, num_class, _position(train_set.position), _bin_reference(train_set))
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
        # Round by round (feval, or callbacks before each round): one trainer
        # keeps the bins and the scores, so the model is the one a single run
        # grows, with the parameters reset_parameter gives each round.
        try:
            trainer = _native.NativeTrainer(json.dumps(p), x, y, classes, train_set.get_weight(), _group(train_set.group),
                                            _init(train_set.init_score), init_native, fobj, num_class,
                                            _position(train_set.position), _bin_reference(train_set))
            for name, vx, vy, vclasses, vw, vg, vi in valid:
                trainer.add_valid(name, vx, vy, vclasses, vw, vg, vi)
        except ValueError as e:
            if isinstance(e, LightGBMError):
                raise
            raise LightGBMError(str(e)) from e
        native = init_native
        for i in range(num_boost_round):
            if before:
                env = CallbackEnv(model=booster, params=env_params, iteration=i, begin_iteration=0, end_iteration=num_boost_round, evaluation_result_list=None)
                booster._native = native
                for cb in before:
                    cb(env)
                if booster._reset:
                    asked = {}
                    reset = _clean_params(booster._reset, asked)
                    # a new value replaces the parameter under any of its names (eta replaces learning_rate)
                    reset_mains = {_ConfigAliases._main(k) for k in reset}
                    p = {**{k: v for k, v in p.items() if _ConfigAliases._main(k) not in reset_mains}, **reset}
                    booster._reset = {}
                    try:
                        trainer.reset_params(json.dumps(p))
                    except ValueError as e:
                        raise LightGBMError(str(e)) from e
            try:
                trainer.update()
            except ValueError as e:
                if isinstance(e, LightGBMError):
                    raise
                raise LightGBMError(str(e)) from e
            native = trainer.model()
            got = [EvalResult(*e) for j, (name, *_rest) in enumerate(valid) for e in trainer.evaluate(j, name)]
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
    if any(" " in n for n in (given if given is not None else native.feature_names)):
        # As LightGBM: spaces in feature names become underscores (its C++ Dataset warns so).
        given = [n.replace(" ", "_") for n in (given if given is not None else native.feature_names)]
        _log_warning_native("Found whitespace in feature_names, replace with underlines", log_level)
        seen: set = set()
        for n in given:
            if n in seen:
                raise LightGBMError(f"Feature ({n}) appears more than one time.")
            seen.add(n)
    rename = given if given is not None and given != list(native.feature_names) else None
    best_iteration = None
    if "best_iteration" in stop:  # the rounds of init_model count, as in LightGBM
        best_iteration = stop["best_iteration"] + (init_model.current_iteration() if init_model is not None else 0)
    if rename is not None or best_iteration is not None:
        native = native.booster_with(feature_names=rename, best_iteration=best_iteration)
    if not keep_training_booster and native.best_iteration and native.best_iteration < native.num_iterations:
        # As LightGBM, whose train() returns the model saved up to its best iteration.
        native = native.truncated(native.best_iteration)
    booster._native = native
    booster.best_iteration = native.best_iteration or 0
    # As LightGBM's booster, it keeps its data sets for eval_train / eval_valid.
    booster.train_set = train_set
    booster.valid_sets = [vs for vs, (name, _, _) in zip(valid_sets, evaluated) if vs is not train_set]
    booster.name_valid_sets = [name for vs, (name, _, _) in zip(valid_sets, evaluated) if vs is not train_set]
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
    _read_if_file(train_set)
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


def _position(position):
    """Position ids numbered from 0 in order of first appearance (LightGBM's), int32, for unbiased lambdarank."""
    return None if position is None else np.ascontiguousarray(_dataset_file.encounter_ids(np.asarray(position).ravel()))


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
        if _is_numpy_column_array(y):
            warnings.warn("Converting column-vector to 1d array", UserWarning, stacklevel=2)  # LightGBM's warning
            y = y.ravel()
        if eval_group is None and (eval_set is not None or eval_X is not None or eval_y is not None):
            raise ValueError("eval_group cannot be None if any of eval_set, eval_X, or eval_y are provided")
        eval_set = _validate_eval_set_Xy(eval_set=eval_set, eval_X=eval_X, eval_y=eval_y)
        if eval_set is not None and len(eval_group) != len(eval_set):
            raise ValueError(f"Length of eval_group ({len(eval_group)}) not equal to length of eval_set ({len(eval_set)})")
        X, eval_set = _dense_fit_args(X, eval_set)
        return GBDTRanker.fit(self, X, y, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, eval_at, feature_name, categorical_feature, callbacks, init_model)
