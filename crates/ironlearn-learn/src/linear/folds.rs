//! K-fold splits for the cross-validated estimators.
//!
//! The `*CV` estimators choose a penalty by the mean error over held-out
//! folds, so the folds decide the chosen model: to pick the same `alpha_`
//! as scikit-learn they must be scikit-learn's `KFold(n_splits)` without
//! shuffling (its default `cv` for regressors), contiguous blocks in row
//! order, the first `n % k` of them one row longer. Kept in one small file,
//! to move to a model-selection crate later.

use ironlearn_core::{ensure, Result};

/// One split: the training rows and the held-out (test) rows, each in increasing order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fold {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// scikit-learn's `KFold(n_splits).split` (no shuffle) over `n_samples` rows.
pub(crate) fn kfold(n_samples: usize, n_splits: usize) -> Result<Vec<Fold>> {
    ensure!(
        n_splits >= 2,
        InvalidValue,
        "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got \
         n_splits={n_splits}."
    );
    ensure!(
        n_splits <= n_samples,
        InvalidValue,
        "Cannot have number of splits n_splits={n_splits} greater than the number of samples: n_samples={n_samples}."
    );
    let (size, extra) = (n_samples / n_splits, n_samples % n_splits);
    let mut start = 0;
    Ok((0..n_splits)
        .map(|k| {
            let stop = start + size + usize::from(k < extra);
            let fold = Fold { train: (0..start).chain(stop..n_samples).collect(), test: (start..stop).collect() };
            start = stop;
            fold
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_as_scikit_learn_kfold() {
        // [list(t) for _, t in KFold(3).split(np.zeros(8))] == [[0, 1, 2], [3, 4, 5], [6, 7]]
        let folds = kfold(8, 3).unwrap();
        let tests: Vec<Vec<usize>> = folds.iter().map(|f| f.test.clone()).collect();
        assert_eq!(tests, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7]]);
        assert_eq!(folds[1].train, vec![0, 1, 2, 6, 7]);
        let err = kfold(3, 5).unwrap_err().to_string();
        assert!(
            err.contains("Cannot have number of splits n_splits=5 greater than the number of samples: n_samples=3."),
            "{err}"
        );
        let err = kfold(10, 1).unwrap_err().to_string();
        assert!(err.contains("n_splits=2 or more, got n_splits=1"), "{err}");
    }
}
