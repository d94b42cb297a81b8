from typing import Any, Optional

import numpy as np
import numpy.typing as npt
from sklearn.base import ClassifierMixin, RegressorMixin

from ._generated import _LinearRegressionParams, _LogisticRegressionParams, _RidgeParams

ArrayLike = Any

class LinearRegression(RegressorMixin, _LinearRegressionParams):
    coef_: npt.NDArray[np.float64]
    intercept_: float
    rank_: int
    singular_: npt.NDArray[np.float64]
    n_features_in_: int
    feature_names_in_: npt.NDArray[np.object_]
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> LinearRegression: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class Ridge(RegressorMixin, _RidgeParams):
    coef_: npt.NDArray[np.float64]
    intercept_: float
    n_features_in_: int
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> Ridge: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class LogisticRegression(ClassifierMixin, _LogisticRegressionParams):
    coef_: npt.NDArray[np.float64]
    intercept_: npt.NDArray[np.float64]
    classes_: npt.NDArray[Any]
    n_iter_: npt.NDArray[np.int32]
    n_features_in_: int
    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: Optional[ArrayLike] = None) -> LogisticRegression: ...
    def decision_function(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict_proba(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict_log_proba(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[Any]: ...
