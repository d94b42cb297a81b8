from typing import Any, Optional

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

ArrayLike = Any

class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    with_mean: bool
    with_std: bool
    mean_: npt.NDArray[np.float64]
    var_: npt.NDArray[np.float64]
    scale_: npt.NDArray[np.float64]
    n_samples_seen_: int
    n_features_in_: int
    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None: ...
    def fit(self, X: ArrayLike, y: Any = None, sample_weight: Optional[ArrayLike] = None) -> StandardScaler: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def inverse_transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class SimpleImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    strategy: str
    fill_value: float
    categorical_strategy: str
    fill_category: str
    statistics_: npt.NDArray[Any]
    n_features_in_: int
    def __init__(self, strategy: str = "mean", fill_value: float = 0.0, categorical_strategy: str = "most_frequent", fill_category: str = "missing") -> None: ...
    def fit(self, X: ArrayLike, y: Any = None) -> SimpleImputer: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[Any]: ...

class OneHotEncoder(TransformerMixin, BaseEstimator):
    handle_unknown: str
    categories_: list[npt.NDArray[Any]]
    n_features_in_: int
    def __init__(self, handle_unknown: str = "error") -> None: ...
    def fit(self, X: ArrayLike, y: Any = None) -> OneHotEncoder: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def get_feature_names_out(self, input_features: Optional[Any] = None) -> npt.NDArray[np.object_]: ...
