from typing import Any, Optional

import numpy as np
import numpy.typing as npt
from sklearn.base import OneToOneFeatureMixin, TransformerMixin

from ._generated import _OneHotEncoderParams, _SimpleImputerParams, _StandardScalerParams

ArrayLike = Any

class StandardScaler(OneToOneFeatureMixin, TransformerMixin, _StandardScalerParams):
    mean_: npt.NDArray[np.float64]
    var_: npt.NDArray[np.float64]
    scale_: npt.NDArray[np.float64]
    n_samples_seen_: int
    n_features_in_: int
    def fit(self, X: ArrayLike, y: Any = None, sample_weight: Optional[ArrayLike] = None) -> StandardScaler: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def inverse_transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...

class SimpleImputer(OneToOneFeatureMixin, TransformerMixin, _SimpleImputerParams):
    statistics_: npt.NDArray[Any]
    n_features_in_: int
    def fit(self, X: ArrayLike, y: Any = None) -> SimpleImputer: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[Any]: ...

class OneHotEncoder(TransformerMixin, _OneHotEncoderParams):
    categories_: list[npt.NDArray[Any]]
    n_features_in_: int
    def fit(self, X: ArrayLike, y: Any = None) -> OneHotEncoder: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def get_feature_names_out(self, input_features: Optional[Any] = None) -> npt.NDArray[np.object_]: ...
