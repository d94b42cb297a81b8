"""Gradient-boosted trees with scikit-learn's API and LightGBM's parameter names.

``GBDTRegressor``, ``GBDTClassifier`` and ``GBDTRanker`` are also exported as
``ironlearn.boost.LGBMRegressor`` etc.: the constructor takes the arguments of
LightGBM's scikit-learn classes (extra LightGBM parameters as keyword
arguments), and ``fit`` accepts ``eval_set`` and ``callbacks``. The
constructor and its documentation are generated from the Rust registry
(``_generated.py``; the LightGBM names are aliases declared in Rust).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.validation import column_or_1d

from ._base import check_is_fitted, encode_labels, validate_data
from ._generated import _GBDTParams


class _GBDTBase(_GBDTParams):
    """Gradient-boosted trees: what the three estimators share beyond the generated constructor."""

    _default_objective = "regression"

    def _booster_params(self) -> dict:
        p = {k: v for k, v in self.get_params(deep=False).items() if k not in self._python_only and k != "n_estimators"}
        p["objective"] = self._default_objective if self.objective in (None, "auto") else self.objective
        if p.get("random_state") is None:
            p.pop("random_state", None)
        if p.get("n_jobs") is None:
            p["n_jobs"] = 0
        elif p["n_jobs"] < 0:
            import os

            p["n_jobs"] = max(1, (os.cpu_count() or 1) + 1 + p["n_jobs"])
        if p.get("random_state") is not None and not isinstance(p["random_state"], (int, np.integer)):
            p["random_state"] = int(np.random.RandomState(p["random_state"]).randint(2**31 - 1)) if not hasattr(p["random_state"], "randint") else int(p["random_state"].randint(2**31 - 1))
        return p

    def _fit(self, X, y, classes_for_rust, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, categorical_feature, callbacks, init_model):
        from . import boost

        self._check_params()
        Xn = self._prepare_X(X, reset=True)
        params = self._booster_params()
        if eval_metric is not None:
            params["metric"] = eval_metric if not callable(eval_metric) else None
            if callable(eval_metric):
                raise NotImplementedError("callable eval_metric is not supported")
        if self.n_classes_ > 2 if hasattr(self, "n_classes_") else False:
            params["num_class"] = self.n_classes_
        train_set = boost.Dataset(Xn, label=y, weight=self._weights(sample_weight, Xn) if sample_weight is not None else None, group=group, init_score=init_score, categorical_feature=categorical_feature)
        valid_sets, names = [], []
        for i, (vx, vy) in enumerate(eval_set or []):
            vxn = self._prepare_X(vx, reset=False)
            vy = self._encode_eval_y(vy)
            vw = None if eval_sample_weight is None else eval_sample_weight[i]
            vi = None if eval_init_score is None else eval_init_score[i]
            vg = None if eval_group is None else eval_group[i]
            valid_sets.append(boost.Dataset(vxn, label=vy, weight=vw, init_score=vi, group=vg))
            names.append(eval_names[i] if eval_names and i < len(eval_names) else f"valid_{i}")
        self.evals_result_ = {}
        cbs = list(callbacks or [])
        if valid_sets:
            cbs.append(boost.record_evaluation(self.evals_result_))
        init = init_model.booster_ if isinstance(init_model, _GBDTBase) else init_model
        self.booster_ = boost.train(params, train_set, num_boost_round=self.n_estimators, valid_sets=valid_sets, valid_names=names, callbacks=cbs, init_model=init)
        self._model = self.booster_._native
        self.best_iteration_ = self.booster_.best_iteration
        self.best_score_ = self.booster_.best_score
        self.n_estimators_ = self._model.num_iterations
        self.n_iter_ = self.n_estimators_
        self.objective_ = self._model.objective
        self.feature_name_ = self.booster_.feature_name()
        return self

    def _encode_eval_y(self, y):
        return column_or_1d(y)

    @property
    def feature_importances_(self):
        check_is_fitted(self)
        return self.booster_.feature_importance(importance_type=self.importance_type)

    def _set_learned(self):
        from . import boost

        self.booster_ = boost.Booster._from_native(self._model)
        self.n_estimators_ = self._model.num_iterations
        self.n_iter_ = self.n_estimators_
        self.objective_ = self._model.objective
        self.feature_name_ = self.booster_.feature_name()
        self.best_iteration_ = self.booster_.best_iteration

    def _extra_state(self):
        b = getattr(self, "booster_", None)
        return {"best_iteration": b.best_iteration, "best_score": b.best_score} if b is not None else {}

    def _restore_extra(self, extra):
        if "best_iteration" in extra and hasattr(self, "booster_"):
            self.booster_.best_iteration = extra["best_iteration"]
            self.booster_.best_score = extra["best_score"]
            self.best_iteration_ = extra["best_iteration"]
            self.best_score_ = extra["best_score"]

    def _raw(self, X, raw_score=False, num_iteration=None, pred_leaf=False, pred_contrib=False):
        check_is_fitted(self)
        Xn = self._prepare_X(X, reset=False)
        return self.booster_.predict(Xn, raw_score=raw_score, num_iteration=num_iteration, pred_leaf=pred_leaf, pred_contrib=pred_contrib)


class GBDTRegressor(RegressorMixin, _GBDTBase):
    """Gradient-boosted regression trees (LightGBM's ``LGBMRegressor`` API)."""

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the booster; returns self."""
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=None if np.asarray(X).dtype.kind in "OUS" else np.float64, ensure_all_finite=False, y_numeric=True)
            self._reset_validation()
        else:
            y = column_or_1d(y, warn=True)
            from sklearn.utils.validation import _assert_all_finite

            _assert_all_finite(np.asarray(y, dtype=np.float64), input_name="y")
        y = np.asarray(y, dtype=np.float64)
        return self._fit(X, y, None, sample_weight, init_score, None, eval_set, eval_names, eval_sample_weight, eval_init_score, None, eval_metric, categorical_feature, callbacks, init_model)

    def _reset_validation(self):
        # validate_data already set n_features_in_/feature_names_in_; _prepare_X sets them again.
        pass

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, **kwargs):
        """Predicted values (or raw scores, leaf indices, SHAP values)."""
        return self._raw(X, raw_score, num_iteration, pred_leaf, pred_contrib)


class GBDTClassifier(ClassifierMixin, _GBDTBase):
    """Gradient-boosted classification trees (LightGBM's ``LGBMClassifier`` API)."""

    _default_objective = "binary"

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_class_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the booster; returns self."""
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=None if np.asarray(X).dtype.kind in "OUS" else np.float64, ensure_all_finite=False)
        self.classes_, codes, _ = encode_labels(y)
        self.n_classes_ = len(self.classes_)
        obj = self.objective
        if obj in (None, "auto"):
            self._default_objective = "binary" if self.n_classes_ <= 2 else "multiclass"
        if self.n_classes_ < 2:
            raise ValueError(f"the target has only one class ({self.classes_[0]!r}); a classifier needs at least 2")
        return self._fit(X, codes, None, sample_weight, init_score, None, eval_set, eval_names, eval_sample_weight, eval_init_score, None, eval_metric, categorical_feature, callbacks, init_model)

    def _encode_eval_y(self, y):
        y = column_or_1d(y)
        index = {c: i for i, c in enumerate(self.classes_.tolist())}
        return np.asarray([index[v] for v in y.tolist()])

    def _set_learned(self):
        super()._set_learned()
        self.n_classes_ = len(self.classes_)

    def predict_proba(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, **kwargs):
        """Class probabilities, columns in the order of ``classes_``."""
        out = self._raw(X, raw_score, num_iteration, pred_leaf, pred_contrib)
        if raw_score or pred_leaf or pred_contrib:
            return out
        if out.ndim == 1:
            return np.column_stack([1.0 - out, out])
        return out

    def decision_function(self, X):
        """Raw scores: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        return self._raw(X, raw_score=True)

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, **kwargs):
        """Predicted class labels."""
        if raw_score or pred_leaf or pred_contrib:
            return self._raw(X, raw_score, num_iteration, pred_leaf, pred_contrib)
        proba = self.predict_proba(X, num_iteration=num_iteration)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))


class GBDTRanker(_GBDTBase):
    """Learning to rank with LambdaRank (LightGBM's ``LGBMRanker`` API); ``fit`` needs ``group``."""

    _default_objective = "lambdarank"

    def fit(self, X, y, sample_weight=None, init_score=None, group=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_group=None, eval_metric=None, eval_at=(1, 2, 3, 4, 5), feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the ranker; ``group`` holds the size of each query, in row order.

        Without ``group`` (as scikit-learn's tooling calls ``fit``), all rows form one query.
        """
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=False, y_numeric=True)
        if group is None:
            group = [len(y)]
        if eval_set is not None and eval_group is None:
            eval_group = [[len(vy)] for _, vy in eval_set]
        self._other_params.setdefault("eval_at", list(eval_at))
        return self._fit(X, np.asarray(y, dtype=np.float64), None, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, categorical_feature, callbacks, init_model)

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, **kwargs):
        """Ranking scores (higher ranks first)."""
        return self._raw(X, raw_score, num_iteration, pred_leaf, pred_contrib)
