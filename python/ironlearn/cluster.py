"""Clustering: ``KMeans``.

The constructor and parameter documentation are generated from the Rust
registry (``_generated.py``); ``fit``, ``predict``, ``transform`` and
``score`` are the generic clusterer's of ``_base.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._base import IronClusterer
from ._generated import _KMeansParams


class KMeans(IronClusterer, _KMeansParams):
    """k-means clustering, step for step as scikit-learn's ``KMeans`` (Lloyd or Elkan), in Rust.

    ``fit`` takes ``sample_weight``; ``transform`` gives the distance from
    each row to each centre; ``score`` is minus the (weighted) inertia of X.
    Only the seeding draws differ from scikit-learn's: they come from
    ironlearn's own random streams, and ``random_state`` must be an integer.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,), int64
        The cluster of each training row.
    inertia_ : float
        The weighted sum of squared distances from the training rows to their centres.
    n_iter_ : int
        The iterations of the kept run.
    """

    def fit(self, X, y=None, sample_weight=None):
        """Fits the centres; warns, as scikit-learn does, when fewer distinct clusters than
        ``n_clusters`` are found (duplicate points); returns self."""
        super().fit(X, y, sample_weight=sample_weight)
        distinct = len(np.unique(self.labels_))
        if distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({self.n_clusters}). "
                "Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self
