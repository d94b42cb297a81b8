from typing import Any, Callable, NamedTuple, Optional

import numpy as np
import numpy.typing as npt

from .ensemble import GBDTClassifier, GBDTRanker, GBDTRegressor, _GBDTBase

__version__: str

NO_EFFECT_PARAMS: frozenset[str]
NOT_IMPLEMENTED_PARAMS: dict[str, str]
PYTHON_PARAMS: frozenset[str]
PREDICT_NO_EFFECT_KWARGS: frozenset[str]
MAX_DENSIFIED_CELLS: int
PANDAS_INSTALLED: bool

class LightGBMError(ValueError): ...
class LGBMDeprecationWarning(FutureWarning): ...

class Sequence:
    batch_size: int
    def __getitem__(self, idx: Any) -> npt.NDArray[Any]: ...
    def __len__(self) -> int: ...

class Dataset:
    data: Any
    label: Any
    reference: Optional[Dataset]
    weight: Any
    group: Any
    init_score: Any
    feature_name: Any
    categorical_feature: Any
    params: dict[str, Any]
    free_raw_data: bool
    position: Any
    used_indices: Optional[list[int]]
    pandas_categorical: Any
    version: int
    def __init__(
        self,
        data: Any,
        label: Any = None,
        reference: Optional[Dataset] = None,
        weight: Any = None,
        group: Any = None,
        init_score: Any = None,
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        params: Optional[dict[str, Any]] = None,
        free_raw_data: bool = True,
        position: Any = None,
    ) -> None: ...
    def construct(self) -> Dataset: ...
    def get_params(self) -> dict[str, Any]: ...
    def subset(self, used_indices: Any, params: Optional[dict[str, Any]] = None) -> Dataset: ...
    def create_valid(self, data: Any, label: Any = None, weight: Any = None, group: Any = None, init_score: Any = None, params: Optional[dict[str, Any]] = None, position: Any = None) -> Dataset: ...
    def save_binary(self, filename: Any) -> Dataset: ...
    def set_field(self, field_name: str, data: Any) -> Dataset: ...
    def get_field(self, field_name: str) -> Optional[npt.NDArray[Any]]: ...
    def get_label(self) -> Optional[npt.NDArray[Any]]: ...
    def get_weight(self) -> Optional[npt.NDArray[np.float64]]: ...
    def get_group(self) -> Optional[npt.NDArray[Any]]: ...
    def get_init_score(self) -> Any: ...
    def get_position(self) -> Any: ...
    def set_label(self, label: Any) -> Dataset: ...
    def set_weight(self, weight: Any) -> Dataset: ...
    def set_group(self, group: Any) -> Dataset: ...
    def set_init_score(self, init_score: Any) -> Dataset: ...
    def set_position(self, position: Any) -> Dataset: ...
    def get_data(self) -> Any: ...
    def num_data(self) -> int: ...
    def num_feature(self) -> int: ...
    def get_feature_name(self) -> list[str]: ...
    def set_categorical_feature(self, categorical_feature: Any) -> Dataset: ...
    def set_feature_name(self, feature_name: Any) -> Dataset: ...
    def get_ref_chain(self, ref_limit: int = 100) -> set[Dataset]: ...
    def add_features_from(self, other: Dataset) -> Dataset: ...
    def feature_num_bin(self, feature: Any) -> int: ...

class EarlyStopException(Exception):
    best_iteration: int
    best_score: Any
    def __init__(self, best_iteration: int, best_score: Any) -> None: ...

class CallbackEnv(NamedTuple):
    model: Any
    params: dict[str, Any]
    iteration: int
    begin_iteration: int
    end_iteration: int
    evaluation_result_list: Optional[list[EvalResult]]

class EvalResult(NamedTuple):
    dataset_name: str
    metric_name: str
    metric_value: float
    maximize: bool
    metric_std_dev: Optional[float] = None
    def is_cv_result(self) -> bool: ...

def log_evaluation(period: int = 1, show_stdv: bool = True) -> Callable[[CallbackEnv], None]: ...
def reset_parameter(**kwargs: Any) -> Callable[[CallbackEnv], None]: ...
def record_evaluation(eval_result: dict[str, Any]) -> Callable[[CallbackEnv], None]: ...
def early_stopping(stopping_rounds: int, first_metric_only: bool = False, verbose: bool = True, min_delta: float | list[float] = 0.0) -> Callable[[CallbackEnv], None]: ...

class Booster:
    params: dict[str, Any]
    best_iteration: int
    best_score: dict[str, dict[str, float]]
    def __init__(self, params: Optional[dict[str, Any]] = None, train_set: Optional[Dataset] = None, model_file: Any = None, model_str: Optional[str] = None) -> None: ...
    def predict(self, data: Any, start_iteration: int = 0, num_iteration: Optional[int] = None, raw_score: bool = False, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[Any]: ...
    def feature_importance(self, importance_type: str = "split", iteration: Optional[int] = None) -> npt.NDArray[Any]: ...
    def feature_name(self) -> list[str]: ...
    def num_feature(self) -> int: ...
    def num_trees(self) -> int: ...
    def current_iteration(self) -> int: ...
    def num_model_per_iteration(self) -> int: ...
    def dump_model(self, num_iteration: Optional[int] = None, start_iteration: int = 0, importance_type: str = "split", object_hook: Any = None) -> dict[str, Any]: ...
    def trees_to_dataframe(self) -> Any: ...
    def save_model(self, filename: Any, num_iteration: Optional[int] = None, start_iteration: int = 0, importance_type: str = "split") -> Booster: ...
    def model_to_string(self, num_iteration: Optional[int] = None, start_iteration: int = 0, importance_type: str = "split") -> str: ...
    def model_from_string(self, model_str: str) -> Booster: ...
    def reset_parameter(self, params: dict[str, Any]) -> Booster: ...

class CVBooster:
    boosters: list[Booster]
    best_iteration: int
    def __init__(self, model_file: Any = None) -> None: ...
    def __getattr__(self, name: str) -> Callable[..., list[Any]]: ...
    def model_from_string(self, model_str: str) -> CVBooster: ...
    def model_to_string(self, num_iteration: Optional[int] = None, start_iteration: int = 0, importance_type: str = "split") -> str: ...
    def save_model(self, filename: Any, num_iteration: Optional[int] = None, start_iteration: int = 0, importance_type: str = "split") -> CVBooster: ...

def train(
    params: dict[str, Any],
    train_set: Dataset,
    num_boost_round: int = 100,
    valid_sets: Any = None,
    valid_names: Any = None,
    feval: Any = None,
    init_model: Any = None,
    feature_name: Any = "auto",
    categorical_feature: Any = "auto",
    keep_training_booster: bool = False,
    callbacks: Optional[list[Callable[[CallbackEnv], None]]] = None,
) -> Booster: ...

def cv(
    params: dict[str, Any],
    train_set: Dataset,
    num_boost_round: int = 100,
    folds: Any = None,
    nfold: int = 5,
    stratified: bool = True,
    shuffle: bool = True,
    metrics: Any = None,
    feval: Any = None,
    init_model: Any = None,
    fpreproc: Any = None,
    seed: int = 0,
    callbacks: Optional[list[Callable[[CallbackEnv], None]]] = None,
    eval_train_metric: bool = False,
    return_cvbooster: bool = False,
) -> dict[str, Any]: ...

class LGBMModel(_GBDTBase):
    booster_: Booster
    evals_result_: dict[str, Any]
    feature_name_: list[str]
    n_features_in_: int
    best_iteration_: int
    best_score_: dict[str, Any]
    n_estimators_: int
    n_iter_: int
    @property
    def n_features_(self) -> int: ...
    @property
    def feature_names_in_(self) -> npt.NDArray[Any]: ...
    def __sklearn_is_fitted__(self) -> bool: ...
    def __init__(
        self,
        *,
        boosting_type: str = "gbdt",
        num_leaves: int = 31,
        max_depth: int = -1,
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample_for_bin: int = 200000,
        objective: Any = None,
        class_weight: Any = None,
        min_split_gain: float = 0.0,
        min_child_weight: float = 1e-3,
        min_child_samples: int = 20,
        subsample: float = 1.0,
        subsample_freq: int = 0,
        colsample_bytree: float = 1.0,
        reg_alpha: float = 0.0,
        reg_lambda: float = 0.0,
        random_state: Any = None,
        n_jobs: Optional[int] = None,
        importance_type: str = "split",
        **kwargs: Any,
    ) -> None: ...
    def fit(self, X: Any, y: Any, sample_weight: Any = None, init_score: Any = None, group: Any = None, eval_set: Any = None, eval_names: Any = None, eval_sample_weight: Any = None, eval_class_weight: Any = None, eval_init_score: Any = None, eval_group: Any = None, eval_metric: Any = None, feature_name: Any = "auto", categorical_feature: Any = "auto", callbacks: Any = None, init_model: Any = None, *, eval_X: Any = None, eval_y: Any = None) -> LGBMModel: ...
    def predict(self, X: Any, raw_score: bool = False, start_iteration: int = 0, num_iteration: Optional[int] = None, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[Any]: ...

class LGBMRegressor(GBDTRegressor, LGBMModel):
    def __init__(
        self,
        *,
        boosting_type: str = "gbdt",
        num_leaves: int = 31,
        max_depth: int = -1,
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample_for_bin: int = 200000,
        objective: Any = None,
        class_weight: Any = None,
        min_split_gain: float = 0.0,
        min_child_weight: float = 1e-3,
        min_child_samples: int = 20,
        subsample: float = 1.0,
        subsample_freq: int = 0,
        colsample_bytree: float = 1.0,
        reg_alpha: float = 0.0,
        reg_lambda: float = 0.0,
        random_state: Any = None,
        n_jobs: Optional[int] = None,
        importance_type: str = "split",
        **kwargs: Any,
    ) -> None: ...
    def fit(self, X: Any, y: Any, sample_weight: Any = None, init_score: Any = None, eval_set: Any = None, eval_names: Any = None, eval_sample_weight: Any = None, eval_init_score: Any = None, eval_metric: Any = None, feature_name: Any = "auto", categorical_feature: Any = "auto", callbacks: Any = None, init_model: Any = None, *, eval_X: Any = None, eval_y: Any = None) -> LGBMRegressor: ...

class LGBMClassifier(GBDTClassifier, LGBMModel):
    def __init__(
        self,
        *,
        boosting_type: str = "gbdt",
        num_leaves: int = 31,
        max_depth: int = -1,
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample_for_bin: int = 200000,
        objective: Any = None,
        class_weight: Any = None,
        min_split_gain: float = 0.0,
        min_child_weight: float = 1e-3,
        min_child_samples: int = 20,
        subsample: float = 1.0,
        subsample_freq: int = 0,
        colsample_bytree: float = 1.0,
        reg_alpha: float = 0.0,
        reg_lambda: float = 0.0,
        random_state: Any = None,
        n_jobs: Optional[int] = None,
        importance_type: str = "split",
        **kwargs: Any,
    ) -> None: ...
    def fit(self, X: Any, y: Any, sample_weight: Any = None, init_score: Any = None, eval_set: Any = None, eval_names: Any = None, eval_sample_weight: Any = None, eval_class_weight: Any = None, eval_init_score: Any = None, eval_metric: Any = None, feature_name: Any = "auto", categorical_feature: Any = "auto", callbacks: Any = None, init_model: Any = None, *, eval_X: Any = None, eval_y: Any = None) -> LGBMClassifier: ...

class LGBMRanker(GBDTRanker, LGBMModel):
    def __init__(
        self,
        *,
        boosting_type: str = "gbdt",
        num_leaves: int = 31,
        max_depth: int = -1,
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample_for_bin: int = 200000,
        objective: Any = None,
        class_weight: Any = None,
        min_split_gain: float = 0.0,
        min_child_weight: float = 1e-3,
        min_child_samples: int = 20,
        subsample: float = 1.0,
        subsample_freq: int = 0,
        colsample_bytree: float = 1.0,
        reg_alpha: float = 0.0,
        reg_lambda: float = 0.0,
        random_state: Any = None,
        n_jobs: Optional[int] = None,
        importance_type: str = "split",
        **kwargs: Any,
    ) -> None: ...
    def fit(self, X: Any, y: Any, sample_weight: Any = None, init_score: Any = None, group: Any = None, eval_set: Any = None, eval_names: Any = None, eval_sample_weight: Any = None, eval_init_score: Any = None, eval_group: Any = None, eval_metric: Any = None, eval_at: Any = (1, 2, 3, 4, 5), feature_name: Any = "auto", categorical_feature: Any = "auto", callbacks: Any = None, init_model: Any = None, *, eval_X: Any = None, eval_y: Any = None) -> LGBMRanker: ...
