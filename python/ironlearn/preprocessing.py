"""Preprocessing: ``StandardScaler``, ``OneHotEncoder``, ``SimpleImputer``.

Constructors and parameter documentation are generated from the Rust
registry (``_generated.py``); what is written here is what a class does
beyond the generic transformer of ``_base.py``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import OneToOneFeatureMixin

from ._base import IronTransformer, check_is_fitted
from ._generated import _OneHotEncoderParams, _SimpleImputerParams, _StandardScalerParams


class StandardScaler(OneToOneFeatureMixin, IronTransformer, _StandardScalerParams):
    """Standardises features to zero mean and unit variance; NaN passes through.

    Attributes
    ----------
    mean_, var_, scale_ : ndarray of shape (n_features,)
    n_samples_seen_ : int
    """

    def fit(self, X, y=None, sample_weight=None):
        """Learns the mean and variance of each feature; returns self."""
        super().fit(X, y, sample_weight)
        self.n_samples_seen_ = int(X.shape[0] if hasattr(X, "shape") else np.asarray(X).shape[0])
        return self

    def inverse_transform(self, X):
        """Scaled data back in the original units."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        mean = self.mean_ if self.with_mean else 0.0
        scale = self.scale_ if self.with_std else 1.0
        return X * scale + np.where(np.isfinite(mean), mean, 0.0)


class SimpleImputer(OneToOneFeatureMixin, IronTransformer, _SimpleImputerParams):
    """Fills missing values per column; text columns of DataFrames are imputed as categories.

    ``fill_value`` also fills columns with no observed value, which are kept.

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
    """

    def fit(self, X, y=None):
        """Learns each column's fill value; returns self (sample weights are not taken)."""
        return super().fit(X, y)

    def _set_learned(self):
        super()._set_learned()
        self.statistics_ = np.asarray(self.statistics_)


class OneHotEncoder(IronTransformer, _OneHotEncoderParams):
    """One indicator column per category of each column (numbers are categories too).

    Attributes
    ----------
    categories_ : list of ndarray
        The categories of each column, in output order ("nan" for missing values).
    """

    def fit(self, X, y=None):
        """Learns each column's categories; returns self (sample weights are not taken)."""
        return super().fit(X, y)

    def _set_learned(self):
        super()._set_learned()
        cats = []
        for names in self.categories_:
            try:
                cats.append(np.asarray([np.nan if n == "nan" else float(n) for n in names]))
            except ValueError:
                cats.append(np.asarray(names, dtype=object))
        self.categories_ = cats
