"""What the generated Python classes take from outside the Rust registry.

``scripts/gen_python.py`` reads every estimator's declaration from
``ironlearn._native.estimators()``; this table holds the few Python-side
choices the registry cannot make. An estimator without an entry needs none.
Every entry names the registry estimator it adjusts; keys (all optional):

``class_name``
    The stem of the Python class names (``_<stem>Params``); by default the
    Rust struct's name (``GaussianNB``, from the registry).
``names``
    ``{rust_name: python_name}``. **The naming rule**: a parameter's Python
    keyword is its Rust name, unless this map renames it, and a new name must
    be one of that parameter's registry aliases (the generator refuses any
    other). Rust accepts every alias, so the keyword reaches Rust as it is
    and no code translates names.
``params``
    The signature, in order: Rust names (or ``extra`` names). Registry
    parameters left out are still taken through ``**kwargs`` when ``kwargs``
    is set. By default: every registry parameter, in declaration order.
``defaults``
    ``{rust_name: (python_default, meaning)}`` where the Python default
    differs from Rust's; the meaning goes into the docstring.
``extra``
    ``{python_name: {"default", "type", "doc"}}``: Python-only parameters,
    never sent to Rust (the hand-written class reads them).
``kwargs``
    Text documenting ``**kwargs`` (other registry parameters under their
    names or aliases); the signature takes ``**kwargs`` when set.
``tags``
    ``{rust_tag: (value, reason)}``: a capability tag the Python class must
    not take from the registry as it stands, with the reason.
``hand_written``
    The module of a hand-written public class built on the generated base.
    Without it the public class is generated whole (its task's generic base
    from ``_base.py`` plus the parameters) and exported from ``ironlearn``,
    so a new Rust estimator needs no Python edit.
"""

OVERRIDES: dict = {
    # One network estimator whose task the target decides: ironlearn.nn's classifier and regressor classes.
    "nn": {"class_name": "NeuralNetwork", "hand_written": "nn"},
    "gbdt": {
        "class_name": "GBDT",
        "hand_written": "ensemble",
        # LightGBM's scikit-learn names (lightgbm.LGBMModel), each an alias in Rust.
        "names": {
            "boosting": "boosting_type",
            "bin_construct_sample_cnt": "subsample_for_bin",
            "min_gain_to_split": "min_split_gain",
            "min_sum_hessian_in_leaf": "min_child_weight",
            "min_data_in_leaf": "min_child_samples",
            "bagging_fraction": "subsample",
            "bagging_freq": "subsample_freq",
            "feature_fraction": "colsample_bytree",
            "lambda_l1": "reg_alpha",
            "lambda_l2": "reg_lambda",
            "seed": "random_state",
            "num_threads": "n_jobs",
        },
        # LGBMModel's signature order; max_bin was ironlearn's addition.
        "params": [
            "boosting", "num_leaves", "max_depth", "learning_rate", "n_estimators", "bin_construct_sample_cnt",
            "objective", "min_gain_to_split", "min_sum_hessian_in_leaf", "min_data_in_leaf", "bagging_fraction",
            "bagging_freq", "feature_fraction", "lambda_l1", "lambda_l2", "seed", "num_threads",
            "importance_type", "max_bin",
        ],
        "defaults": {
            "objective": (None, "None picks 'regression', 'binary' or 'multiclass' (from the classes), or 'lambdarank', by class."),
            "seed": (None, "None uses seed 0; a RandomState draws one."),
            "num_threads": (None, "None uses every core too; a negative value counts back from the number of cores (-1: all)."),
        },
        "extra": {
            "importance_type": {
                "default": "split",
                "type": "str",
                "doc": 'What ``feature_importances_`` counts: "split" (times a feature is used) or "gain".',
            },
        },
        "kwargs": "Other booster parameters, by their ironlearn or LightGBM names (``min_data_in_bin=5``, ``verbose=-1``).",
    },
    "kmeans": {"hand_written": "cluster"},
    "linear_regression": {"hand_written": "linear_model"},
    "logistic_regression": {"names": {"c": "C"}, "hand_written": "linear_model"},  # scikit-learn's public name
    "one_hot_encoder": {"hand_written": "preprocessing"},
    "ridge": {"hand_written": "linear_model"},
    "simple_imputer": {"hand_written": "preprocessing"},
    "standard_scaler": {"hand_written": "preprocessing"},
}
