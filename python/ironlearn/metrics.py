"""Metrics computed in Rust, with scikit-learn's definitions and signatures."""

from __future__ import annotations

import numpy as np

from . import _native


def _codes(y_true, y_pred):
    classes = np.unique(np.concatenate([np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()]))
    return np.searchsorted(classes, y_true).astype(np.int64), np.searchsorted(classes, y_pred).astype(np.int64), classes


def _w(sample_weight):
    return None if sample_weight is None else np.ascontiguousarray(sample_weight, dtype=np.float64)


def accuracy_score(y_true, y_pred, *, sample_weight=None):
    t, p, _ = _codes(y_true, y_pred)
    return _native.accuracy_score(t, p, _w(sample_weight))


def precision_recall_fscore(y_true, y_pred, *, average="binary", pos_label=1, sample_weight=None):
    """(precision, recall, F1) with scikit-learn's zero-division convention (0)."""
    t, p, classes = _codes(y_true, y_pred)
    if average == "binary":
        pos = int(np.searchsorted(classes, pos_label))
        t, p = (t == pos).astype(np.int64), (p == pos).astype(np.int64)
        return _native.precision_recall_f1(t, p, 2, "binary", _w(sample_weight))
    return _native.precision_recall_f1(t, p, len(classes), average, _w(sample_weight))


def precision_score(y_true, y_pred, **kw):
    return precision_recall_fscore(y_true, y_pred, **kw)[0]


def recall_score(y_true, y_pred, **kw):
    return precision_recall_fscore(y_true, y_pred, **kw)[1]


def f1_score(y_true, y_pred, **kw):
    return precision_recall_fscore(y_true, y_pred, **kw)[2]


def roc_auc_score(y_true, y_score, *, sample_weight=None):
    """Binary ROC AUC from scores, or one-vs-rest macro AUC from a probability matrix."""
    y_score = np.asarray(y_score, dtype=np.float64)
    classes, t = np.unique(y_true, return_inverse=True)
    if y_score.ndim == 1:
        return _native.roc_auc_score(t.astype(np.int64), np.ascontiguousarray(y_score), _w(sample_weight))
    return _native.roc_auc_ovr(t.astype(np.int64), np.ascontiguousarray(y_score), _w(sample_weight))


def log_loss(y_true, y_pred, *, sample_weight=None, labels=None):
    classes, t = np.unique(y_true if labels is None else labels, return_inverse=True)
    if labels is not None:
        t = np.searchsorted(classes, y_true)
    p = np.asarray(y_pred, dtype=np.float64)
    if p.ndim == 1:
        p = np.column_stack([1 - p, p])
    return _native.log_loss(t.astype(np.int64), np.ascontiguousarray(p), _w(sample_weight))


def confusion_matrix(y_true, y_pred, *, sample_weight=None):
    t, p, classes = _codes(y_true, y_pred)
    m = _native.confusion_matrix(t, p, len(classes), _w(sample_weight))
    return m if sample_weight is not None else m.astype(np.int64)


def _reg(f, y_true, y_pred, sample_weight):
    return f(np.ascontiguousarray(y_true, dtype=np.float64), np.ascontiguousarray(y_pred, dtype=np.float64), _w(sample_weight))


def mean_squared_error(y_true, y_pred, *, sample_weight=None):
    return _reg(_native.mean_squared_error, y_true, y_pred, sample_weight)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None):
    return _reg(_native.root_mean_squared_error, y_true, y_pred, sample_weight)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    return _reg(_native.mean_absolute_error, y_true, y_pred, sample_weight)


def r2_score(y_true, y_pred, *, sample_weight=None):
    return _reg(_native.r2_score, y_true, y_pred, sample_weight)
