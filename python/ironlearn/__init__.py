"""ironlearn: machine learning with a Rust core.

scikit-learn-compatible estimators (``ironlearn.linear_model``,
``ironlearn.preprocessing``, ``ironlearn.ensemble``, ``ironlearn.cluster``,
``ironlearn.tree``),
a LightGBM-compatible booster API (``ironlearn.boost``), neural networks
(``ironlearn.nn``), and metrics
(``ironlearn.metrics``).
Fitted models pickle through ironlearn's model file, which holds no code.
"""

from ._native import __version__
from . import boost, cluster, ensemble, linear_model, metrics, nn, preprocessing, tree
from .cluster import KMeans
from .ensemble import GBDTClassifier, GBDTRanker, GBDTRegressor
from .linear_model import LinearRegression, LogisticRegression, Ridge
from .nn import NeuralNetworkClassifier, NeuralNetworkRegressor
from .preprocessing import OneHotEncoder, SimpleImputer, StandardScaler
from . import _generated
from ._base import from_spec

# Estimators whose Python class is generated whole from the Rust registry
# (no hand-written behaviour): a new Rust estimator appears here by itself.
globals().update({name: getattr(_generated, name) for name in _generated.PUBLIC})

__all__ = [
    "GBDTClassifier",
    "GBDTRanker",
    "GBDTRegressor",
    "KMeans",
    "LinearRegression",
    "LogisticRegression",
    "NeuralNetworkClassifier",
    "NeuralNetworkRegressor",
    "OneHotEncoder",
    "Ridge",
    "SimpleImputer",
    "StandardScaler",
    *_generated.PUBLIC,
    "__version__",
    "from_spec",
    "boost",
    "cluster",
    "ensemble",
    "linear_model",
    "metrics",
    "nn",
    "preprocessing",
    "tree",
]
