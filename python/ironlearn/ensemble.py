"""Gradient-boosted trees with scikit-learn's API and LightGBM's parameter names.

``GBDTRegressor``, ``GBDTClassifier`` and ``GBDTRanker`` are also exported as
``ironlearn.boost.LGBMRegressor`` etc.: the constructor takes the arguments of
LightGBM's scikit-learn classes (extra LightGBM parameters as keyword
arguments), and ``fit`` accepts ``eval_set`` and ``callbacks``. The
constructor and its documentation are generated from the Rust registry
(``_generated.py``; the LightGBM names are aliases declared in Rust).
"""

from __future__ import annotations

import inspect
import numbers
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.validation import column_or_1d

from ._base import _check_param, _target_name, check_is_fitted, check_mixed_columns, encode_labels, validate_data
from ._generated import _GBDTParams


#: LightGBM's aliases of ``objective`` and ``eval_at``: as keyword arguments of the estimators they replace the
#: ``objective`` argument (``eval_at`` the argument of ``LGBMRanker.fit``), with LightGBM's warning.
_OBJECTIVE_ALIASES = ("objective_type", "app", "application", "loss")
_EVAL_AT_ALIASES = ("eval_at", "map_at", "ndcg_at", "map_eval_at", "ndcg_eval_at")



#: LightGBM's prediction parameters: an estimator takes them as keyword
#: arguments and uses them in ``predict``, not in training.
_PREDICT_PARAMS = frozenset({"pred_early_stop", "pred_early_stop_freq", "pred_early_stop_margin"})

class _ObjectiveWrapper:
    """A scikit-learn-style custom objective as ``train`` calls it, the way LightGBM's wrappers call it.

    ``func(y_true, y_pred)``, ``func(y_true, y_pred, weight)`` or
    ``func(y_true, y_pred, weight, group)`` returns ``(grad, hess)``; ``y_true``
    is the label ``fit`` trained on (a classifier's class codes 0..k-1),
    ``y_pred`` the raw scores ((n_samples, n_classes) for several classes).
    """

    def __init__(self, func):
        self.func = func
        self.argc = len(inspect.signature(func).parameters)
        if self.argc not in (2, 3, 4):
            raise TypeError(f"Self-defined objective function should have 2, 3 or 4 arguments, got {self.argc}")

    def __call__(self, preds, dataset):
        labels = dataset.get_label()
        if self.argc == 2:
            return self.func(labels, preds)
        if self.argc == 3:
            return self.func(labels, preds, dataset.get_weight())
        return self.func(labels, preds, dataset.get_weight(), dataset.get_group())


class _EvalFunctionWrapper:
    """A scikit-learn-style custom metric as ``train``'s ``feval`` calls it, the way LightGBM's wrappers call it.

    ``func(y_true, y_pred)``, ``func(y_true, y_pred, weight)`` or
    ``func(y_true, y_pred, weight, group)`` returns ``(name, value,
    is_higher_better)`` or a list of them; ``y_true`` is the label (a
    classifier's class codes 0..k-1, as LightGBM encodes them), ``y_pred`` the
    predictions (probabilities for a classifier with a built-in objective).
    """

    def __init__(self, func, estimator):
        self.func = func
        self.estimator = estimator
        self.argc = len(inspect.signature(func).parameters)
        if self.argc not in (2, 3, 4):
            raise TypeError(f"Self-defined eval function should have 2, 3 or 4 arguments, got {self.argc}")

    def __call__(self, preds, dataset):
        labels = dataset.get_label()
        classes = getattr(self.estimator, "classes_", None)
        if classes is not None and not callable(self.estimator._objective_value()):
            index = {str(c): i for i, c in enumerate(classes.tolist())}
            labels = np.asarray([index[str(v)] for v in np.asarray(labels).ravel().tolist()], dtype=np.float64)
        if self.argc == 2:
            return self.func(labels, preds)
        if self.argc == 3:
            return self.func(labels, preds, dataset.get_weight())
        return self.func(labels, preds, dataset.get_weight(), dataset.get_group())


def _width(X):
    """The number of columns of a 2-D input (array, DataFrame, Arrow table, list of rows), else None."""
    shape = getattr(X, "shape", None)
    if shape is None:
        try:
            shape = np.shape(X)
        except (TypeError, ValueError):
            return None
    return int(shape[1]) if len(shape) == 2 else None


class _GBDTBase(_GBDTParams):
    """Gradient-boosted trees: what the three estimators share beyond the generated constructor."""

    _default_objective = "regression"

    def _accepted_kwargs(self) -> set:
        from . import boost

        return super()._accepted_kwargs() | boost.PYTHON_PARAMS | _PREDICT_PARAMS

    def _default_metric(self) -> str:
        """The metric LightGBM's estimators evaluate with a custom objective."""
        if getattr(self, "n_classes_", 0) > 2:
            return "multi_logloss"
        return {"binary": "binary_logloss", "multiclass": "multi_logloss", "lambdarank": "ndcg"}.get(self._default_objective, "l2")

    def _objective_value(self):
        """The objective ``fit`` trains with: ``objective``, or, as in LightGBM, an alias of it given as a keyword
        argument (``app="mape"``), which replaces it (``_booster_params`` warns)."""
        obj = self.objective
        for alias in _OBJECTIVE_ALIASES:
            if alias in self.__dict__.get("_other_params", {}):
                obj = self._other_params[alias]
        return obj

    def _check_params(self) -> None:
        # As LightGBM: random_state may be a numpy RandomState or Generator (a seed is drawn from it at each fit),
        # n_jobs negative counts back from the number of CPUs (joblib's rule); a custom objective is not checked.
        skip = set()
        if callable(self.objective):
            skip.add("objective")
        if isinstance(getattr(self, "random_state", None), (np.random.RandomState, np.random.Generator)):
            skip.add("random_state")
        n_jobs = getattr(self, "n_jobs", None)
        if isinstance(n_jobs, numbers.Integral) and not isinstance(n_jobs, (bool, np.bool_)) and n_jobs < 0:
            skip.add("n_jobs")
        for name, (_, domain) in self._params.items():
            if name not in skip:
                _check_param(name, getattr(self, name), domain)

    def _booster_params(self) -> dict:
        p = {
            k: v
            for k, v in self.get_params(deep=False).items()
            if k not in self._python_only and k != "n_estimators" and k not in _PREDICT_PARAMS
        }
        obj = self.objective
        for alias in _OBJECTIVE_ALIASES:
            if alias in p and alias in self.__dict__.get("_other_params", {}):
                obj = p.pop(alias)
                warnings.warn(f"Found '{alias}' in params. Will use it instead of 'objective' argument", UserWarning, stacklevel=4)
        if callable(obj):
            p["objective"] = _ObjectiveWrapper(obj)
        else:
            p["objective"] = self._default_objective if obj in (None, "auto") else obj
        eval_at = self.__dict__.get("_eval_at")
        if eval_at is not None:
            for alias in _EVAL_AT_ALIASES:
                if alias in p:
                    warnings.warn(f"Found '{alias}' in params. Will use it instead of 'eval_at' argument", UserWarning, stacklevel=4)
                    eval_at = p.pop(alias)
            p["eval_at"] = eval_at
        if p.get("random_state") is None:
            p.pop("random_state", None)
        if p.get("n_jobs") is None:
            import joblib

            # LightGBM's default: one thread per physical core.
            p["n_jobs"] = max(1, joblib.cpu_count(only_physical_cores=True))
        elif isinstance(p["n_jobs"], numbers.Integral) and p["n_jobs"] < 0:
            import joblib

            p["n_jobs"] = max(1, joblib.cpu_count(only_physical_cores=False) + 1 + int(p["n_jobs"]))
        rs = p.get("random_state")
        if isinstance(rs, np.random.RandomState):
            p["random_state"] = int(rs.randint(np.iinfo(np.int32).max))  # as LightGBM draws the seed
        elif isinstance(rs, np.random.Generator):
            p["random_state"] = int(rs.integers(np.iinfo(np.int32).max))
        return p

    def _class_sample_weight(self, class_weight, y) -> np.ndarray:
        """scikit-learn's ``compute_sample_weight``; for a classifier, as in LightGBM, a dict's keys are the classes
        of ``fit``'s ``y`` and are matched through their codes (so keys ``"1"`` work for string classes too)."""
        from sklearn.utils.class_weight import compute_sample_weight

        y = column_or_1d(y)
        classes = getattr(self, "classes_", None)
        if isinstance(class_weight, dict) and classes is not None:
            index = {c: i for i, c in enumerate(classes.tolist())}
            try:
                codes = np.asarray([index[v] for v in y.tolist()], dtype=np.int64)
            except (KeyError, TypeError):
                codes = None
            if codes is not None:
                unknown = [k for k in class_weight if k not in index]
                if unknown:
                    raise ValueError(f"class_weight has keys {unknown!r} that are not classes of the training labels {classes.tolist()!r}")
                return compute_sample_weight({index[k]: w for k, w in class_weight.items()}, codes)
        return compute_sample_weight(class_weight, y)

    def _fit(self, X, given, label, sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, feature_name, categorical_feature, callbacks, init_model, eval_class_weight=None):
        """Trains through ``boost.train``: ``X`` validated, ``given`` the (X, y) passed to ``fit``, ``label`` what the booster learns."""
        from . import boost

        self._check_params()
        self._target_name = _target_name(given[1])
        Xn = self._prepare_X(X, reset=True)
        params = self._booster_params()
        params.pop("class_weight", None)
        metrics = [] if eval_metric is None else list(eval_metric) if isinstance(eval_metric, (list, tuple)) else [eval_metric]
        metrics = [m for m in metrics if m is not None]  # LightGBM skips None entries
        feval = [_EvalFunctionWrapper(m, self) for m in metrics if callable(m)]
        names = [m for m in metrics if not callable(m)]
        # As LightGBM: eval_metric's names, then the metric of the parameters (any alias), else the objective's own
        # (with a custom objective, the estimator's default metric: l2, binary_logloss, multi_logloss or ndcg).
        obj = params["objective"]
        params = boost._choose_param_value("metric", params, obj if isinstance(obj, str) else self._default_metric())
        chosen = params["metric"]
        chosen = [chosen] if isinstance(chosen, str) or chosen is None else list(chosen)
        chosen = [m.strip() for g in chosen if g is not None for m in (g.split(",") if isinstance(g, str) else [g])]
        params["metric"] = [m for m in names if m not in chosen] + chosen
        class_weight = getattr(self, "class_weight", None)
        if class_weight is not None:
            cw = self._class_sample_weight(class_weight, given[1])
            sample_weight = cw if sample_weight is None else np.multiply(np.asarray(sample_weight, dtype=np.float64), cw)
        if isinstance(eval_set, tuple):
            eval_set = [eval_set]  # one (X, y) pair, as LightGBM takes it
        if self.n_classes_ > 2 if hasattr(self, "n_classes_") else False:
            params["num_class"] = self.n_classes_
        if feature_name in (None, "auto"):
            names = getattr(self, "feature_names_in_", None)
            feature_name = "auto" if names is None else [str(n) for n in names]
        train_set = boost.Dataset(Xn, label=label, weight=self._weights(sample_weight, Xn) if sample_weight is not None else None, group=group, init_score=init_score, feature_name=feature_name, categorical_feature=categorical_feature)
        valid_sets, names = [], []
        width = _width(Xn)  # the training data's columns: each eval set must have as many
        for i, (vx, vy) in enumerate(eval_set or []):
            got = _width(vx)
            if width is not None and got is not None and got != width:
                label = f" ({eval_names[i]!r})" if eval_names and i < len(eval_names) else ""
                raise ValueError(f"eval_set[{i}]{label} has {got} features, but the training data X has {width}: every validation X needs the training data's columns")
            vw = None if eval_sample_weight is None else eval_sample_weight[i]
            if eval_class_weight is not None and eval_class_weight[i] is not None:
                cw = self._class_sample_weight(eval_class_weight[i], vy)
                vw = cw if vw is None else np.multiply(vw, cw)
            vi = None if eval_init_score is None else eval_init_score[i]
            vg = None if eval_group is None else eval_group[i]
            if vx is given[0] and vy is given[1] and vw is None and vi is None and vg is None:
                valid_sets.append(train_set)  # the training data itself, as LightGBM's wrappers pass it
            else:
                vxn = self._prepare_X(vx, reset=False)
                valid_sets.append(boost.Dataset(vxn, label=self._eval_label(vy), weight=vw, init_score=vi, group=vg))
            default = "training" if valid_sets[-1] is train_set else f"valid_{i}"  # LightGBM's names
            names.append(eval_names[i] if eval_names and i < len(eval_names) else default)
        evals_result: dict = {}
        cbs = list(callbacks or [])
        if valid_sets:
            cbs.append(boost.record_evaluation(evals_result))
        init = init_model.booster_ if isinstance(init_model, _GBDTBase) else init_model
        booster = boost.train(params, train_set, num_boost_round=self.n_estimators, valid_sets=valid_sets, valid_names=names, feval=feval or None, callbacks=cbs, init_model=init)
        self.booster_ = booster.free_dataset()  # as LightGBM's estimators: the booster keeps no Dataset
        self._model = booster._native
        booster._header = self._header()
        self.evals_result_ = evals_result
        self.best_iteration_ = booster.best_iteration
        self.best_score_ = booster.best_score
        self.n_estimators_ = self._model.num_iterations
        self.n_iter_ = self.n_estimators_
        obj = self._objective_value()
        # As LightGBM: the objective as given (an alias such as "ovr" included), else the one chosen for the target.
        self.objective_ = obj if callable(obj) or (isinstance(obj, str) and obj != "auto") else self._model.objective
        self.feature_name_ = booster.feature_name()
        return self

    def _eval_label(self, y):
        return column_or_1d(y)

    @property
    def feature_importances_(self):
        check_is_fitted(self)
        return self.booster_.feature_importance(importance_type=self.importance_type)

    def _set_learned(self):
        from . import boost

        self.booster_ = boost.Booster._from_native(self._model)
        self.booster_._header = self._header()
        self.n_estimators_ = self._model.num_iterations
        self.n_iter_ = self.n_estimators_
        obj = self._objective_value()
        # As LightGBM: the objective as given (an alias such as "ovr" included), else the one chosen for the target.
        self.objective_ = obj if callable(obj) or (isinstance(obj, str) and obj != "auto") else self._model.objective
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

    def _raw(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        check_is_fitted(self)
        if validate_features and hasattr(X, "columns") and not isinstance(X, np.ndarray):
            self.booster_._validate_features([str(c) for c in X.columns])
        self.booster_._warn_unseen_levels(X)
        Xn = self._prepare_X(X, reset=False)
        # Prediction parameters given to the constructor or set_params, as LightGBM: predict's own win.
        given = self.__dict__.get("_other_params", {})
        kwargs = {**{k: given[k] for k in _PREDICT_PARAMS if k in given}, **kwargs}
        return self.booster_.predict(Xn, raw_score=raw_score, start_iteration=start_iteration, num_iteration=num_iteration, pred_leaf=pred_leaf, pred_contrib=pred_contrib, **kwargs)


class GBDTRegressor(RegressorMixin, _GBDTBase):
    """Gradient-boosted regression trees (LightGBM's ``LGBMRegressor`` API)."""

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the booster; returns self."""
        given = (X, y)
        check_mixed_columns(X)
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=None if np.asarray(X).dtype.kind in "OUS" else np.float64, ensure_all_finite=False, y_numeric=True)
        else:
            y = column_or_1d(y, warn=True)
            from sklearn.utils.validation import _assert_all_finite

            _assert_all_finite(np.asarray(y, dtype=np.float64), input_name="y")
        y = np.asarray(y, dtype=np.float64)
        return self._fit(X, given, y, sample_weight, init_score, None, eval_set, eval_names, eval_sample_weight, eval_init_score, None, eval_metric, feature_name, categorical_feature, callbacks, init_model)

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Predicted values (or raw scores, leaf indices, SHAP values); ``kwargs`` as ``Booster.predict`` takes them."""
        return self._raw(X, raw_score, start_iteration, num_iteration, pred_leaf, pred_contrib, validate_features, **kwargs)


class GBDTClassifier(ClassifierMixin, _GBDTBase):
    """Gradient-boosted classification trees (LightGBM's ``LGBMClassifier`` API).

    The booster learns the class labels themselves (its model file names
    them), except with a custom objective, which is called as
    ``objective(y_true, y_pred)`` with the class codes 0..k-1 as ``y_true``;
    then, as in LightGBM, ``predict`` and ``predict_proba`` return raw scores
    (with a warning), since the objective's link is unknown.
    """

    _default_objective = "binary"

    def fit(self, X, y, sample_weight=None, init_score=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_class_weight=None, eval_init_score=None, eval_metric=None, feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the booster; returns self."""
        given = (X, y)
        check_mixed_columns(X)
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=None if np.asarray(X).dtype.kind in "OUS" else np.float64, ensure_all_finite=False)
        self.classes_, codes, _ = encode_labels(y)
        self.n_classes_ = len(self.classes_)
        obj = self._objective_value()
        if obj in (None, "auto"):
            self._default_objective = "binary" if self.n_classes_ <= 2 else "multiclass"
        if self.n_classes_ < 2:
            raise ValueError(f"the target has only one class ({self.classes_[0]!r}); a classifier needs at least 2")
        label = codes if callable(obj) else column_or_1d(y)
        if not callable(eval_metric) and eval_metric is not None:
            # As LightGBM: 'logloss' and 'error' (and the other task's names) become the binary or multiclass metric.
            multi = self.n_classes_ > 2
            names = {"logloss": "multi_logloss" if multi else "binary_logloss", "error": "multi_error" if multi else "binary_error"}
            names.update({"binary_logloss" if multi else "multi_logloss": names["logloss"], "binary_error" if multi else "multi_error": names["error"]})
            metrics = eval_metric if isinstance(eval_metric, (list, tuple)) else [eval_metric]
            eval_metric = [names.get(m, m) if isinstance(m, str) else m for m in metrics]
        return self._fit(X, given, label, sample_weight, init_score, None, eval_set, eval_names, eval_sample_weight, eval_init_score, None, eval_metric, feature_name, categorical_feature, callbacks, init_model, eval_class_weight)

    def _eval_label(self, y):
        y = column_or_1d(y)
        if not callable(self._objective_value()):
            return y  # the booster maps labels onto its classes by name
        index = {c: i for i, c in enumerate(self.classes_.tolist())}
        return np.asarray([index[v] for v in y.tolist()])

    def _set_learned(self):
        super()._set_learned()
        self.n_classes_ = len(self.classes_)

    def _raw_scores_warning(self):
        warnings.warn(
            "Cannot compute class probabilities or labels due to the usage of customized objective function.\n"
            "Returning raw scores instead.",
            UserWarning,
            stacklevel=3,
        )

    def predict_proba(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Class probabilities, columns in the order of ``classes_``."""
        out = self._raw(X, raw_score, start_iteration, num_iteration, pred_leaf, pred_contrib, validate_features, **kwargs)
        if raw_score or pred_leaf or pred_contrib:
            return out
        if callable(self._objective_value()):
            self._raw_scores_warning()
            return out
        if out.ndim == 1:
            return np.column_stack([1.0 - out, out])
        return out

    def decision_function(self, X):
        """Raw scores: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        return self._raw(X, raw_score=True)

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Predicted class labels (raw scores with a custom objective, as in LightGBM)."""
        if raw_score or pred_leaf or pred_contrib:
            return self._raw(X, raw_score, start_iteration, num_iteration, pred_leaf, pred_contrib, validate_features, **kwargs)
        if callable(self._objective_value()):
            self._raw_scores_warning()
            return self._raw(X, False, start_iteration, num_iteration, False, False, validate_features, **kwargs)
        proba = self.predict_proba(X, start_iteration=start_iteration, num_iteration=num_iteration, validate_features=validate_features, **kwargs)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))


def _check_group(group, n_rows: int, name: str) -> None:
    """Refuses a ``group`` that is not query sizes summing to the number of rows, with a hint when it looks like per-row query ids."""
    g = np.asarray(group).ravel()
    total = int(g.sum()) if g.dtype.kind in "iuf" and len(g) else None
    if total == n_rows:
        return
    hint = ""
    if len(g) == n_rows:
        hint = (
            f" It has one value per row, so it looks like query ids: {name} takes the size of each query, in row order "
            "(rows of a query together), e.g. np.unique(ids, return_counts=True)[1] for ids sorted by query."
        )
    raise ValueError(f"{name} must hold query sizes that sum to the number of rows ({n_rows}); got {len(g)} values summing to {total}.{hint}")


class GBDTRanker(_GBDTBase):
    """Learning to rank with LambdaRank (LightGBM's ``LGBMRanker`` API); ``fit`` needs ``group``."""

    _default_objective = "lambdarank"

    def fit(self, X, y, sample_weight=None, init_score=None, group=None, eval_set=None, eval_names=None, eval_sample_weight=None, eval_init_score=None, eval_group=None, eval_metric=None, eval_at=(1, 2, 3, 4, 5), feature_name="auto", categorical_feature="auto", callbacks=None, init_model=None):
        """Fits the ranker; ``group`` holds the size of each query, in row order.

        Without ``group`` (as scikit-learn's tooling calls ``fit``), all rows form one query.
        """
        given = (X, y)
        check_mixed_columns(X)
        if not (hasattr(X, "columns") and not isinstance(X, np.ndarray)):
            X, y = validate_data(self, X, y, dtype=np.float64, ensure_all_finite=False, y_numeric=True)
        if group is None:
            group = [len(y)]
        _check_group(group, len(y), "group")
        for i, (vg, (_, vy)) in enumerate(zip(eval_group or [], eval_set or [])):
            if vg is not None:
                _check_group(vg, len(vy), f"eval_group[{i}]")
        if eval_set is not None and eval_group is None:
            eval_group = [[len(vy)] for _, vy in eval_set]
        # The eval_at argument, for _booster_params (an alias of it given as a keyword argument replaces it).
        self._eval_at = [eval_at] if isinstance(eval_at, numbers.Integral) else list(eval_at)
        try:
            return self._fit(X, given, np.asarray(y, dtype=np.float64), sample_weight, init_score, group, eval_set, eval_names, eval_sample_weight, eval_init_score, eval_group, eval_metric, feature_name, categorical_feature, callbacks, init_model)
        finally:
            del self._eval_at

    def predict(self, X, raw_score=False, start_iteration=0, num_iteration=None, pred_leaf=False, pred_contrib=False, validate_features=False, **kwargs):
        """Ranking scores (higher ranks first)."""
        return self._raw(X, raw_score, start_iteration, num_iteration, pred_leaf, pred_contrib, validate_features, **kwargs)
