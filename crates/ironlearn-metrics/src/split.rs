//! Splitting rows into train and test sets.
//!
//! Unshuffled folds are exactly scikit-learn's (`KFold`, `StratifiedKFold`),
//! so results can be compared fold by fold. Shuffling uses ironlearn's own
//! seeded generator, so shuffled splits are reproducible but differ from
//! numpy's permutation.

use ironlearn_core::{bail, ensure, Result, Rng};

/// A train/test split of row indices.
pub type Fold = (Vec<usize>, Vec<usize>);

/// Splits `n` rows into train and test; `test_size` is a fraction in (0, 1).
/// With `stratify`, each class keeps its proportion in both parts.
pub fn train_test_split(n: usize, test_size: f64, seed: u64, stratify: Option<&[u32]>) -> Result<Fold> {
    ensure!(test_size > 0.0 && test_size < 1.0, InvalidValue, "test_size must be in (0, 1), got {test_size}");
    let n_test = (test_size * n as f64).ceil() as usize;
    ensure!(
        n_test >= 1 && n_test < n,
        InvalidValue,
        "with {n} rows, test_size={test_size} leaves an empty train or test set"
    );
    let mut rng = Rng::new(seed);
    let Some(y) = stratify else {
        let mut idx: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut idx);
        let test = idx[..n_test].to_vec();
        return Ok((idx[n_test..].to_vec(), test));
    };
    ensure!(y.len() == n, Shape, "stratify has {} labels for {n} rows", y.len());
    let n_classes = y.iter().max().map_or(0, |&m| m as usize + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    y.iter().enumerate().for_each(|(i, &c)| members[c as usize].push(i));
    if let Some((c, _)) = members.iter().enumerate().find(|(_, m)| m.len() == 1) {
        bail!(InvalidValue, "class {c} has only 1 member; stratified splitting needs at least 2 per class");
    }
    // Largest-remainder allocation of the test rows to classes.
    let exact: Vec<f64> = members.iter().map(|m| n_test as f64 * m.len() as f64 / n as f64).collect();
    let mut alloc: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..n_classes).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    let mut left = n_test - alloc.iter().sum::<usize>();
    for &c in order.iter().cycle().take(n_classes * 2) {
        if left == 0 {
            break;
        }
        if alloc[c] < members[c].len() {
            alloc[c] += 1;
            left -= 1;
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (c, m) in members.iter_mut().enumerate() {
        rng.shuffle(m);
        test.extend_from_slice(&m[..alloc[c]]);
        train.extend_from_slice(&m[alloc[c]..]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok((train, test))
}

/// K consecutive folds; the first `n % k` folds get one extra row.
#[derive(Debug, Clone, Copy)]
pub struct KFold {
    pub n_splits: usize,
    pub shuffle: bool,
    pub seed: u64,
}

impl KFold {
    pub fn new(n_splits: usize) -> Self {
        KFold { n_splits, shuffle: false, seed: 0 }
    }

    pub fn split(&self, n: usize) -> Result<Vec<Fold>> {
        check_splits(self.n_splits, n)?;
        let mut idx: Vec<usize> = (0..n).collect();
        if self.shuffle {
            Rng::new(self.seed).shuffle(&mut idx);
        }
        let mut folds = Vec::with_capacity(self.n_splits);
        let mut start = 0;
        for f in 0..self.n_splits {
            let size = n / self.n_splits + usize::from(f < n % self.n_splits);
            let test: Vec<usize> = idx[start..start + size].to_vec();
            let mut train: Vec<usize> = idx[..start].iter().chain(&idx[start + size..]).copied().collect();
            train.sort_unstable();
            folds.push((train, test));
            start += size;
        }
        Ok(folds)
    }
}

fn check_splits(k: usize, n: usize) -> Result<()> {
    ensure!(
        k >= 2,
        InvalidValue,
        "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got \
         n_splits={k}."
    );
    ensure!(
        k <= n,
        InvalidValue,
        "Cannot have number of splits n_splits={k} greater than the number of samples: n_samples={n}."
    );
    Ok(())
}

/// K folds that keep each class's proportion, assigned as scikit-learn does.
#[derive(Debug, Clone, Copy)]
pub struct StratifiedKFold {
    pub n_splits: usize,
    pub shuffle: bool,
    pub seed: u64,
}

impl StratifiedKFold {
    pub fn new(n_splits: usize) -> Self {
        StratifiedKFold { n_splits, shuffle: false, seed: 0 }
    }

    pub fn split(&self, y: &[u32]) -> Result<Vec<Fold>> {
        let (n, k) = (y.len(), self.n_splits);
        check_splits(k, n)?;
        // Classes numbered by first appearance, as scikit-learn encodes them.
        let mut first_seen: Vec<u32> = Vec::new();
        let enc: Vec<usize> = y
            .iter()
            .map(|c| match first_seen.iter().position(|f| f == c) {
                Some(p) => p,
                None => {
                    first_seen.push(*c);
                    first_seen.len() - 1
                }
            })
            .collect();
        let n_classes = first_seen.len();
        let mut counts = vec![0usize; n_classes];
        enc.iter().for_each(|&c| counts[c] += 1);
        ensure!(
            counts.iter().any(|&c| c >= k),
            InvalidValue,
            "n_splits={k} cannot be greater than the number of members in each class."
        );
        let mut sorted = enc.clone();
        sorted.sort_unstable();
        // allocation[f][c]: rows of class c in fold f.
        let mut allocation = vec![vec![0usize; n_classes]; k];
        for (i, &c) in sorted.iter().enumerate() {
            allocation[i % k][c] += 1;
        }
        let mut rng = Rng::new(self.seed);
        let mut test_fold = vec![0usize; n];
        for c in 0..n_classes {
            let mut folds: Vec<usize> = (0..k).flat_map(|f| std::iter::repeat_n(f, allocation[f][c])).collect();
            if self.shuffle {
                rng.shuffle(&mut folds);
            }
            let rows = (0..n).filter(|&i| enc[i] == c);
            rows.zip(folds).for_each(|(i, f)| test_fold[i] = f);
        }
        Ok((0..k)
            .map(|f| {
                let test: Vec<usize> = (0..n).filter(|&i| test_fold[i] == f).collect();
                let train: Vec<usize> = (0..n).filter(|&i| test_fold[i] != f).collect();
                (train, test)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_sizes_match_scikit_learn() {
        let folds = KFold::new(3).split(10).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|f| f.1.len()).collect();
        assert_eq!(sizes, [4, 3, 3]);
        assert_eq!(folds[1].1, [4, 5, 6]);
    }

    #[test]
    fn stratified_matches_scikit_learn() {
        // StratifiedKFold(n_splits=2).split(X, [0,0,0,1,1,1,1,0]) in scikit-learn:
        // test folds [0,1,3,4] and [2,5,6,7].
        let folds = StratifiedKFold::new(2).split(&[0, 0, 0, 1, 1, 1, 1, 0]).unwrap();
        assert_eq!(folds[0].1, [0, 1, 3, 4]);
        assert_eq!(folds[1].1, [2, 5, 6, 7]);
    }

    #[test]
    fn stratified_split_keeps_proportions() {
        let y: Vec<u32> = (0..100).map(|i| u32::from(i % 4 == 0)).collect();
        let (train, test) = train_test_split(100, 0.2, 7, Some(&y)).unwrap();
        assert_eq!((train.len(), test.len()), (80, 20));
        assert_eq!(test.iter().filter(|&&i| y[i] == 1).count(), 5);
    }
}
