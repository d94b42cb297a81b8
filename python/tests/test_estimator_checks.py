"""Every exposed estimator passes scikit-learn's own estimator checks."""

import json

from sklearn.utils.estimator_checks import parametrize_with_checks

import ironlearn as il
from ironlearn import _native
from ironlearn._base import from_spec

# Parameters that make a fittable example where the defaults do not (a
# meta-estimator's members), as each Rust estimator declares them.
_EXAMPLES = {e["name"]: e["example_params"] for e in json.loads(_native.estimators())}


def _example(cls):
    return from_spec({"kind": cls._kind, "params": _EXAMPLES.get(cls._kind, {})})


ESTIMATORS = [
    il.LinearRegression(),
    il.Ridge(),
    il.LogisticRegression(),
    il.StandardScaler(),
    il.SimpleImputer(),
    # scikit-learn checks its own OneHotEncoder with handle_unknown="ignore" too:
    # the checks transform data with categories that were never fitted.
    il.OneHotEncoder(handle_unknown="ignore"),
    il.GBDTRegressor(),
    il.GBDTClassifier(),
    il.GBDTRanker(),
    il.KMeans(),
    # One network estimator, two faces (the target decides the task); the default ten epochs
    # are too few for the checks' small data sets, as its declared example says. In float64, as
    # scikit-learn's MLPs compute: in float32 a row's output depends in its last bit (2e-7) on how
    # many rows share its matrix product, and the invariance checks compare to 1e-7.
    il.nn.NeuralNetworkClassifier(epochs=100, learning_rate=0.01, dtype="float64"),
    il.nn.NeuralNetworkRegressor(epochs=100, learning_rate=0.01, dtype="float64"),
    # Classes generated whole from the registry, each with its defaults.
    *(_example(getattr(il, name)) for name in il._generated.PUBLIC),
]

# scikit-learn marks its own estimators of these kinds the same way
# (sklearn/utils/_test_common/instance_generator.py): their weights are not repetitions
# (a bootstrap draws rows, SGD visits each row once per epoch, liblinear's dual bounds scale with the weight).
_NOT_REPEATS = "sample_weight is not equivalent to removing/repeating samples."
_WEIGHTS_ARE_NOT_REPEATS = {"check_sample_weight_equivalence_on_dense_data": _NOT_REPEATS}

# A check that cannot apply, with its reason.
EXPECTED_FAILED: dict = {
    **{
        name: _WEIGHTS_ARE_NOT_REPEATS
        for name in ("RandomForestClassifier", "RandomForestRegressor", "SVC", "SVR", "NuSVR", "OneClassSVM")
    },
    # scikit-learn marks these on sparse data too.
    **{
        name: {**_WEIGHTS_ARE_NOT_REPEATS, "check_sample_weight_equivalence_on_sparse_data": _NOT_REPEATS}
        for name in ("SGDClassifier", "SGDRegressor", "LinearSVC", "LinearSVR", "BaggingClassifier", "BaggingRegressor")
    },
    **{
        # Out-of-fold predictions: repeating a row moves the fold boundaries, a weight does not.
        name: {"check_sample_weight_equivalence_on_dense_data": "the folds split rows, so repeats move them"}
        for name in ("StackingClassifier", "StackingRegressor", "CalibratedClassifierCV")
    },
    "NuSVC": {
        **_WEIGHTS_ARE_NOT_REPEATS,
        "check_class_weight_classifiers": "class_weight is ignored (by LIBSVM's nu-SVC, as in scikit-learn).",
        "check_classifiers_one_label_sample_weights": "specified nu is infeasible for the fit.",
    },
    **{
        # Cross-validation folds are rows: repeating a row moves the fold boundaries, a weight does not,
        # so the chosen alpha may differ (scikit-learn 1.9.1's own LassoCV fails this check the same way).
        name: {"check_sample_weight_equivalence_on_dense_data": "the folds split rows, so repeats move them"}
        for name in ("LassoCV", "ElasticNetCV")
    },
    "HuberRegressor": {
        "check_sample_weight_equivalence_on_dense_data": (
            "the weighted and the repeated objectives are the same, but L-BFGS stops within tol of the optimum "
            "at points about 1e-6 apart, over the check's 1e-7"
        ),
    },
    "GBDTRanker": {
        "check_sample_weight_equivalence_on_dense_data": (
            "LambdaRank's loss sums over document pairs; repeating a row adds pairs, so no weight equals repetition"
        ),
    },
    "KMeans": {
        # scikit-learn marks its own KMeans the same way (sklearn/utils/_test_common/instance_generator.py).
        "check_sample_weight_equivalence_on_dense_data": (
            "the check shuffles the weighted rows but not the repeated ones, and k-means++ seeding draws rows by "
            "position, so the two fits start from different centres and reach different local optima"
        ),
    },
}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda e: EXPECTED_FAILED.get(type(e).__name__, {}))
def test_sklearn_compatible(estimator, check):
    check(estimator)
