"""ironlearn: machine learning with a Rust core.

scikit-learn-compatible estimators (``ironlearn.linear_model``,
``ironlearn.preprocessing``, ``ironlearn.ensemble``, ``ironlearn.cluster``),
a LightGBM-compatible booster API (``ironlearn.boost``), and metrics
(``ironlearn.metrics``).
Fitted models pickle through ironlearn's model file, which holds no code.
"""

from ._native import __version__
from . import boost, cluster, ensemble, linear_model, metrics, preprocessing
from .cluster import KMeans
from .ensemble import GBDTClassifier, GBDTRanker, GBDTRegressor
from .linear_model import LinearRegression, LogisticRegression, Ridge
from .preprocessing import OneHotEncoder, SimpleImputer, StandardScaler

__all__ = [
    "GBDTClassifier",
    "GBDTRanker",
    "GBDTRegressor",
    "KMeans",
    "LinearRegression",
    "LogisticRegression",
    "OneHotEncoder",
    "Ridge",
    "SimpleImputer",
    "StandardScaler",
    "__version__",
    "boost",
    "cluster",
    "ensemble",
    "linear_model",
    "metrics",
    "preprocessing",
]
