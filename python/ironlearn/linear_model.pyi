from typing import Any, Optional

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

ArrayLike = Any

class LinearRegression(RegressorMixin, BaseEstimator):
    fit_intercept: bool
    coef_: npt.NDArray[np.float64]
    intercept_: float
    rank_: int
    singular_: npt.NDArray[np.float64]
    n_features_in_: int
    feature_names_in_: npt.NDArray[np.object_]
    def __init__(self, fit_intercept: bool = True) -> None: ...
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> LinearRegression: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class Ridge(RegressorMixin, BaseEstimator):
    alpha: float
    fit_intercept: bool
    coef_: npt.NDArray[np.float64]
    intercept_: float
    n_features_in_: int
    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True) -> None: ...
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> Ridge: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class LogisticRegression(ClassifierMixin, BaseEstimator):
    C: float
    fit_intercept: bool
    max_iter: int
    tol: float
    coef_: npt.NDArray[np.float64]
    intercept_: npt.NDArray[np.float64]
    classes_: npt.NDArray[Any]
    n_iter_: npt.NDArray[np.int32]
    n_features_in_: int
    def __init__(self, C: float = 1.0, fit_intercept: bool = True, max_iter: int = 100, tol: float = 1e-4) -> None: ...
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> LogisticRegression: ...
    def decision_function(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict_proba(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict_log_proba(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[Any]: ...
