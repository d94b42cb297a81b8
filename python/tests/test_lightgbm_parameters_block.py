"""The LightGBM text model's parameters block: every LightGBM parameter, written as LightGBM writes it."""

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import make_regression

import ironlearn.boost as ilb


def _block(text: str) -> str:
    return text[text.index("\nparameters:\n"):text.index("end of parameters")]


CASES = [
    # LightGBM's own test: aliases resolved, the seeds drawn from seed, %g numbers.
    {"objective": "mape", "metric": ["l2", "mae"], "seed": 708, "data_sample_strategy": "bagging", "sub_row": 0.8234},
    {"boosting": "goss", "learning_rate": 0.05, "drop_seed": 3, "eval_at": [5, 2]},
    {"boosting": "dart", "xgboost_dart_mode": True, "max_drop": -1, "objective": "huber", "lambda_l2": 12345678.0,
     "min_sum_hessian_in_leaf": 1e-7, "seed": 1, "extra_seed": 9},
]


@pytest.mark.parametrize("params", CASES, ids=["lightgbm-test", "goss", "dart"])
def test_the_block_is_lightgbms(params):
    X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    y = np.abs(y) + 1
    params = {**params, "verbose": -1}
    theirs = lightgbm.train(params, lightgbm.Dataset(X, y), 3).model_to_string()
    ours = ilb.train(params, ilb.Dataset(X, y), 3).model_to_string()
    assert _block(ours) == _block(theirs)
