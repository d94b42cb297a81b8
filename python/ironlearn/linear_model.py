"""Linear models: ``LinearRegression``, ``Ridge``, ``LogisticRegression``."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning

from ._base import IronEstimator, check_is_fitted, encode_labels, validate_data


class _LinearRegressor(RegressorMixin, IronEstimator):
    def fit(self, X, y, sample_weight=None):
        """Fits the model; returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=False, y_numeric=True)
        y = np.ascontiguousarray(y, dtype=np.float64)
        return self._fit_native(np.ascontiguousarray(X), y, sample_weight=self._weights(sample_weight, X))

    def predict(self, X):
        """Predicted values, shape (n_samples,)."""
        check_is_fitted(self)
        return self._model.predict(self._prepare_X(X, reset=False))

    def _set_learned(self):
        super()._set_learned()
        self.intercept_ = float(self.intercept_)


class LinearRegression(_LinearRegressor):
    """Ordinary least squares (minimum-norm for collinear features), solved in Rust.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether to fit an intercept.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    rank_ : int
    singular_ : ndarray
    """

    _kind = "linear_regression"

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def _set_learned(self):
        super()._set_learned()
        self.rank_ = int(self.rank_)


class Ridge(_LinearRegressor):
    """Least squares with an L2 penalty ``alpha * ||coef||^2``, solved by Cholesky in Rust.

    Parameters
    ----------
    alpha : float, default=1.0
    fit_intercept : bool, default=True
    """

    _kind = "ridge"

    def __init__(self, alpha=1.0, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept


class LogisticRegression(ClassifierMixin, IronEstimator):
    """Logistic regression (binary or multinomial) with an L2 penalty, fitted by L-BFGS in Rust.

    The objective is scikit-learn's; ``tol`` bounds the largest gradient
    component, as scikit-learn's lbfgs solver does.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength.
    fit_intercept : bool, default=True
    max_iter : int, default=100
    tol : float, default=1e-4
    """

    _kind = "logistic_regression"

    def __init__(self, C=1.0, fit_intercept=True, max_iter=100, tol=1e-4):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y, sample_weight=None):
        """Fits the model; returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=False)
        self.classes_, codes, names = encode_labels(y)
        self._fit_native(np.ascontiguousarray(X), codes, names, self._weights(sample_weight, X))
        if self.n_iter_[0] >= self.max_iter:
            import warnings

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

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self)
        return self._model.predict_proba(self._prepare_X(X, reset=False))

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predicted class labels."""
        check_is_fitted(self)
        return self.classes_[self._model.predict(self._prepare_X(X, reset=False))]
