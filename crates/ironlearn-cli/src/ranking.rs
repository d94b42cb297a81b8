//! Ranking from the command line: query groups from a column of query ids,
//! held-out splits that keep each query whole, and NDCG@k.

use std::collections::HashSet;

use anyhow::{bail, Result};
use ironlearn_core::{Column, ColumnData, MISSING};

use crate::rows::Places;

/// The cut-off of the NDCG the CLI reports for a ranker.
pub(crate) const NDCG_AT: usize = 5;

/// Query sizes, in row order, from a column of query ids: consecutive equal
/// ids form one query, and an id may not come back after another query.
/// Rows are named by `places`.
pub(crate) fn query_sizes(column: &Column, places: &Places) -> Result<Vec<usize>> {
    let name = &column.name;
    let keys: Vec<Option<u64>> = match &column.data {
        ColumnData::Numeric(v) => v.iter().map(|x| (!x.is_nan()).then(|| (x + 0.0).to_bits())).collect(),
        ColumnData::Categorical { codes, .. } => {
            codes.iter().map(|&c| (c != MISSING).then_some(u64::from(c))).collect()
        }
    };
    let mut sizes: Vec<usize> = Vec::new();
    let mut done: HashSet<u64> = HashSet::new();
    let mut current: Option<u64> = None;
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = *key else {
            bail!(
                "the query id column '{name}' (--group) is missing at {}; every row needs a query id",
                places.name(i)
            );
        };
        if current == Some(key) {
            *sizes.last_mut().expect("a current query") += 1;
            continue;
        }
        if done.contains(&key) {
            bail!(
                "query '{}' of the --group column '{name}' comes back at {} after other queries; \
                 a query's rows must be together, so sort the rows by '{name}'",
                column.text(i),
                places.name(i)
            );
        }
        done.extend(current.replace(key));
        sizes.push(1);
    }
    Ok(sizes)
}

/// Whole queries for training and for testing: each side's rows in file
/// order, with its query sizes.
pub(crate) struct QuerySplit {
    pub train: Vec<usize>,
    pub train_sizes: Vec<usize>,
    pub test: Vec<usize>,
    pub test_sizes: Vec<usize>,
}

/// Holds out about `test_size` of the queries, chosen by `seed`.
pub(crate) fn split_queries(sizes: &[usize], test_size: f64, seed: u64) -> Result<QuerySplit> {
    if sizes.len() < 2 {
        bail!("there is only 1 query to learn from and hold out; give more queries, or pass --test-size 0");
    }
    let (mut train_q, mut test_q) = ironlearn_metrics::train_test_split(sizes.len(), test_size, seed, None)?;
    train_q.sort_unstable();
    test_q.sort_unstable();
    let starts: Vec<usize> = sizes.iter().scan(0, |s, &n| Some(std::mem::replace(s, *s + n))).collect();
    let rows_of = |queries: &[usize]| -> (Vec<usize>, Vec<usize>) {
        let rows = queries.iter().flat_map(|&q| starts[q]..starts[q] + sizes[q]).collect();
        (rows, queries.iter().map(|&q| sizes[q]).collect())
    };
    let ((train, train_sizes), (test, test_sizes)) = (rows_of(&train_q), rows_of(&test_q));
    Ok(QuerySplit { train, train_sizes, test, test_sizes })
}

/// The mean NDCG@k over queries, with gains `2^label - 1` (LightGBM's
/// default `label_gain`); a query whose labels are all 0 counts as 1.
pub(crate) fn ndcg(labels: &[f64], scores: &[f64], sizes: &[usize], k: usize) -> f64 {
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg = |order: &[usize], y: &[f64]| -> f64 {
        order.iter().take(k).enumerate().map(|(i, &j)| (2f64.powf(y[j]) - 1.0) * discount(i)).sum()
    };
    let mut total = 0.0;
    let mut start = 0;
    for &n in sizes {
        let (y, s) = (&labels[start..start + n], &scores[start..start + n]);
        start += n;
        let mut ideal: Vec<usize> = (0..n).collect();
        ideal.sort_by(|&a, &b| y[b].total_cmp(&y[a]));
        let best = dcg(&ideal, y);
        if best <= 0.0 {
            total += 1.0;
            continue;
        }
        let mut ranked: Vec<usize> = (0..n).collect();
        ranked.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
        total += dcg(&ranked, y) / best;
    }
    if sizes.is_empty() {
        f64::NAN
    } else {
        total / sizes.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_ids_are_one_query_and_may_not_come_back() {
        let places = |n| Places::of_file(std::path::Path::new("q.parquet"), None, n);
        let q = Column::numeric("qid", vec![7.0, 7.0, 3.0, 3.0, 3.0, 9.0]);
        assert_eq!(query_sizes(&q, &places(6)).unwrap(), [2, 3, 1]);
        let q = Column::categorical("qid", &[Some("a"), Some("b"), Some("a")]);
        let e = query_sizes(&q, &places(3)).unwrap_err().to_string();
        assert!(e.contains("query 'a' of the --group column 'qid' comes back at q.parquet row 2"), "{e}");
        let q = Column::numeric("qid", vec![1.0, f64::NAN]);
        assert!(query_sizes(&q, &places(2)).unwrap_err().to_string().contains("missing at q.parquet row 1"));
    }

    #[test]
    fn splits_keep_queries_whole() {
        let sizes = [2, 3, 1, 4, 2];
        let s = split_queries(&sizes, 0.4, 0).unwrap();
        assert_eq!(s.train.len() + s.test.len(), 12);
        assert_eq!(s.train_sizes.iter().sum::<usize>(), s.train.len());
        assert_eq!(s.test_sizes.len(), 2);
        assert!(s.train.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ndcg_of_perfect_and_reversed_rankings() {
        let y = [3.0, 2.0, 0.0, 1.0, 0.0];
        assert!((ndcg(&y, &[4.0, 3.0, 1.0, 2.0, 0.0], &[5], 5) - 1.0).abs() < 1e-12);
        let reversed = ndcg(&y, &[0.0, 1.0, 3.0, 2.0, 4.0], &[5], 5);
        assert!(reversed > 0.0 && reversed < 0.6, "{reversed}");
        assert_eq!(ndcg(&[0.0, 0.0], &[1.0, 2.0], &[2], 5), 1.0);
    }
}
