from typing import Any, Optional

import numpy as np
import numpy.typing as npt
from sklearn.base import ClusterMixin, TransformerMixin

from ._generated import _KMeansParams

ArrayLike = Any

class KMeans(ClusterMixin, TransformerMixin, _KMeansParams):
    cluster_centers_: npt.NDArray[np.float64]
    labels_: npt.NDArray[np.int64]
    inertia_: float
    n_iter_: int
    n_features_in_: int
    feature_names_in_: npt.NDArray[np.object_]
    def fit(self, X: ArrayLike, y: Any = None, sample_weight: Optional[ArrayLike] = None) -> KMeans: ...
    def predict(self, X: ArrayLike) -> npt.NDArray[np.int64]: ...
    def fit_predict(self, X: ArrayLike, y: Any = None, **kwargs: Any) -> npt.NDArray[np.int64]: ...
    def transform(self, X: ArrayLike) -> npt.NDArray[np.float64]: ...
    def fit_transform(self, X: ArrayLike, y: Any = None, **fit_params: Any) -> npt.NDArray[np.float64]: ...
    def score(self, X: ArrayLike, y: Any = None, sample_weight: Optional[ArrayLike] = None) -> float: ...
    def get_feature_names_out(self, input_features: Optional[Any] = None) -> npt.NDArray[np.object_]: ...
