from typing import Any, Callable, Optional, Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import ClassifierMixin, RegressorMixin

from ._generated import _GBDTParams
from .boost import Booster

ArrayLike = Any

class _GBDTBase(_GBDTParams):
    booster_: Booster
    n_features_in_: int
    n_estimators_: int
    n_iter_: int
    best_iteration_: int
    best_score_: dict[str, dict[str, float]]
    evals_result_: dict[str, dict[str, list[float]]]
    objective_: str | Callable[..., Any]
    feature_name_: list[str]
    @property
    def feature_importances_(self) -> npt.NDArray[Any]: ...

class GBDTRegressor(RegressorMixin, _GBDTBase):
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: Optional[ArrayLike] = None,
        init_score: Optional[ArrayLike] = None,
        eval_set: Optional[Sequence[tuple[ArrayLike, ArrayLike]]] = None,
        eval_names: Optional[Sequence[str]] = None,
        eval_sample_weight: Optional[Sequence[ArrayLike]] = None,
        eval_init_score: Optional[Sequence[ArrayLike]] = None,
        eval_metric: Optional[str | list[str]] = None,
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        callbacks: Optional[list[Callable[..., Any]]] = None,
        init_model: Any = None,
    ) -> GBDTRegressor: ...
    def predict(self, X: ArrayLike, raw_score: bool = False, start_iteration: int = 0, num_iteration: Optional[int] = None, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[Any]: ...

class GBDTClassifier(ClassifierMixin, _GBDTBase):
    classes_: npt.NDArray[Any]
    n_classes_: int
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: Optional[ArrayLike] = None,
        init_score: Optional[ArrayLike] = None,
        eval_set: Optional[Sequence[tuple[ArrayLike, ArrayLike]]] = None,
        eval_names: Optional[Sequence[str]] = None,
        eval_sample_weight: Optional[Sequence[ArrayLike]] = None,
        eval_class_weight: Any = None,
        eval_init_score: Optional[Sequence[ArrayLike]] = None,
        eval_metric: Optional[str | list[str]] = None,
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        callbacks: Optional[list[Callable[..., Any]]] = None,
        init_model: Any = None,
    ) -> GBDTClassifier: ...
    def predict_proba(self, X: ArrayLike, raw_score: bool = False, start_iteration: int = 0, num_iteration: Optional[int] = None, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[Any]: ...
    def predict_log_proba(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def decision_function(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict(self, X: ArrayLike, raw_score: bool = False, start_iteration: int = 0, num_iteration: Optional[int] = None, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[Any]: ...

class GBDTRanker(_GBDTBase):
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: Optional[ArrayLike] = None,
        init_score: Optional[ArrayLike] = None,
        group: Optional[ArrayLike] = None,
        eval_set: Optional[Sequence[tuple[ArrayLike, ArrayLike]]] = None,
        eval_names: Optional[Sequence[str]] = None,
        eval_sample_weight: Optional[Sequence[ArrayLike]] = None,
        eval_init_score: Optional[Sequence[ArrayLike]] = None,
        eval_group: Optional[Sequence[ArrayLike]] = None,
        eval_metric: Optional[str | list[str]] = None,
        eval_at: Sequence[int] = (1, 2, 3, 4, 5),
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        callbacks: Optional[list[Callable[..., Any]]] = None,
        init_model: Any = None,
    ) -> GBDTRanker: ...
    def predict(self, X: ArrayLike, raw_score: bool = False, start_iteration: int = 0, num_iteration: Optional[int] = None, pred_leaf: bool = False, pred_contrib: bool = False, validate_features: bool = False, **kwargs: Any) -> npt.NDArray[np.float64]: ...
