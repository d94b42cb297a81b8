"""Preprocessing: ``StandardScaler``, ``OneHotEncoder``, ``SimpleImputer``."""

from __future__ import annotations

import numpy as np
from sklearn.base import OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in

from ._base import IronEstimator, check_is_fitted


class _Transformer(TransformerMixin, IronEstimator):
    def fit(self, X, y=None, sample_weight=None):
        """Learns the transformation; returns self."""
        Xn = self._prepare_X(X, reset=True)
        return self._fit_native(Xn, sample_weight=self._weights(sample_weight, Xn) if sample_weight is not None else None)

    def transform(self, X):
        """The transformed data, as a float64 array."""
        check_is_fitted(self)
        return self._model.transform(self._prepare_X(X, reset=False))


class StandardScaler(OneToOneFeatureMixin, _Transformer):
    """Standardises features to zero mean and unit variance; NaN passes through.

    Parameters
    ----------
    with_mean : bool, default=True
    with_std : bool, default=True

    Attributes
    ----------
    mean_, var_, scale_ : ndarray of shape (n_features,)
    """

    _kind = "standard_scaler"
    _allow_nan = True

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None, sample_weight=None):
        super().fit(X, y, sample_weight)
        self.n_samples_seen_ = int(np.asarray(X).shape[0]) if not hasattr(X, "shape") else int(X.shape[0])
        return self

    def inverse_transform(self, X):
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        mean = self.mean_ if self.with_mean else 0.0
        scale = self.scale_ if self.with_std else 1.0
        return X * scale + np.where(np.isfinite(mean), mean, 0.0)


class SimpleImputer(OneToOneFeatureMixin, _Transformer):
    """Fills missing values per column; text columns of DataFrames are imputed as categories.

    Parameters
    ----------
    strategy : {"mean", "median", "most_frequent", "constant"}, default="mean"
    fill_value : float, default=0.0
        Used by "constant", and for columns with no observed value (which are kept).
    categorical_strategy : {"most_frequent", "constant"}, default="most_frequent"
    fill_category : str, default="missing"
    """

    _kind = "simple_imputer"
    _tabular = True
    _allow_nan = True

    def __init__(self, strategy="mean", fill_value=0.0, categorical_strategy="most_frequent", fill_category="missing"):
        self.strategy = strategy
        self.fill_value = fill_value
        self.categorical_strategy = categorical_strategy
        self.fill_category = fill_category

    def fit(self, X, y=None):
        return super().fit(X, y)

    def transform(self, X):
        check_is_fitted(self)
        Xn = self._prepare_X(X, reset=False)
        if isinstance(Xn, np.ndarray):
            return self._model.transform(Xn)
        # Text columns stay text: an object array, as scikit-learn returns.
        cols = self._model.transform_frame(Xn).to_columns()
        out = np.empty((Xn.shape[0], len(cols)), dtype=object)
        for j, c in enumerate(cols):
            out[:, j] = c
        return out

    def _set_learned(self):
        super()._set_learned()
        self.statistics_ = np.asarray(self.statistics_)


class OneHotEncoder(_Transformer):
    """One indicator column per category of each column (numbers are categories too).

    Parameters
    ----------
    handle_unknown : {"error", "ignore"}, default="error"
        An unseen category raises, or is encoded as all zeros.

    Attributes
    ----------
    categories_ : list of ndarray
        The categories of each column, in output order ("nan" for missing values).
    """

    _kind = "one_hot_encoder"
    _tabular = True
    _allow_nan = True

    def __init__(self, handle_unknown="error"):
        self.handle_unknown = handle_unknown

    def fit(self, X, y=None):
        return super().fit(X, y)

    def _native_params(self):
        return {"handle_unknown": self.handle_unknown, "columns": "all"}

    def _set_learned(self):
        super()._set_learned()
        cats = []
        for names in self.categories_:
            try:
                cats.append(np.asarray([np.nan if n == "nan" else float(n) for n in names]))
            except ValueError:
                cats.append(np.asarray(names, dtype=object))
        self.categories_ = cats

    def get_feature_names_out(self, input_features=None):
        """Output names: ``<feature>_<category>``."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray(self._model.feature_names_out([str(n) for n in names]), dtype=object)
