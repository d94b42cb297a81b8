"""Linear models: ``LinearRegression``, ``Ridge``, ``LogisticRegression``.

Constructors and parameter documentation are generated from the Rust
registry (``_generated.py``); what is written here is what a class does
beyond the generic regressor and classifier of ``_base.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._base import IronClassifier, IronRegressor, check_is_fitted
from ._generated import _LinearRegressionParams, _LogisticRegressionParams, _RidgeParams


class _LinearRegressor(IronRegressor):
    def _set_learned(self):
        super()._set_learned()
        self.intercept_ = float(self.intercept_)


class LinearRegression(_LinearRegressor, _LinearRegressionParams):
    """Ordinary least squares (minimum-norm for collinear features), solved in Rust.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    rank_ : int
    singular_ : ndarray
    """

    def _set_learned(self):
        super()._set_learned()
        self.rank_ = int(self.rank_)


class Ridge(_LinearRegressor, _RidgeParams):
    """Least squares with an L2 penalty ``alpha * ||coef||^2``, solved by Cholesky in Rust.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    """


class LogisticRegression(IronClassifier, _LogisticRegressionParams):
    """Logistic regression (binary or multinomial) with an L2 penalty, fitted by L-BFGS in Rust.

    The objective is scikit-learn's; ``tol`` bounds the largest gradient
    component, as scikit-learn's lbfgs solver does.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    classes_ : ndarray of shape (n_classes,)
    n_iter_ : ndarray of shape (1,)
    """

    def fit(self, X, y, sample_weight=None):
        """Fits the model; warns when L-BFGS stops at ``max_iter``; returns self."""
        super().fit(X, y, sample_weight)
        if self.n_iter_[0] >= self.max_iter:
            warnings.warn(
                f"lbfgs failed to converge in {self.max_iter} iterations; increase max_iter or scale the data",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _set_learned(self):
        super()._set_learned()
        self.n_iter_ = np.asarray([int(self.n_iter_)], dtype=np.int32)

    def decision_function(self, X):
        """Scores: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        check_is_fitted(self)
        d = self._model.decision_function(self._prepare_X(X, reset=False))
        return d[:, 0] if d.shape[1] == 1 else d
