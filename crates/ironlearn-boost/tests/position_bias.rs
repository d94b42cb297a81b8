//! Unbiased lambdarank: positions given with the training data debias the
//! clicks the ranker learns from, the model stays independent of the thread
//! count, and positions of the wrong length are refused.

use ironlearn_boost::{train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Features, FitContext, ModelFile, Rng, Target};
use ndarray::Array2;

const DOCS: usize = 10;

/// Queries of ten documents shown in random order; a document is clicked
/// when it is examined (likely near the top) and relevant (from feature 0).
/// Returns the features, the clicks, the positions and the true relevance.
fn clicks(queries: usize, seed: u64) -> (Array2<f64>, Vec<f64>, Vec<u32>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    let n = queries * DOCS;
    let x = Array2::from_shape_fn((n, 4), |_| rng.normal());
    let relevance: Vec<f64> = x.column(0).iter().map(|&v| (1.5 + v).round().clamp(0.0, 3.0)).collect();
    let mut positions = Vec::with_capacity(n);
    for _ in 0..queries {
        let mut p: Vec<u32> = (0..DOCS as u32).collect();
        rng.shuffle(&mut p);
        positions.extend(p);
    }
    let click = (0..n)
        .map(|i| {
            let examined = 1.0 / f64::from(1 + positions[i]).powf(1.5);
            f64::from(u8::from(rng.uniform() < examined * relevance[i] / 3.0))
        })
        .collect();
    (x, click, positions, relevance)
}

fn fit(p: &Gbdt, x: &Array2<f64>, y: &Target, positions: Option<&[u32]>) -> ironlearn_core::Result<GbdtModel> {
    let group = vec![DOCS; x.nrows() / DOCS];
    let data =
        Dataset { group: Some(&group), position: positions, ..Dataset::supervised(Features::Dense(x.view()), y) };
    train(p, &data, &mut FitContext::default())
}

/// Mean NDCG@3 of `scores` against the true relevance.
fn ndcg3(scores: &[f64], relevance: &[f64]) -> f64 {
    let dcg = |order: &[usize], q: usize| -> f64 {
        order
            .iter()
            .take(3)
            .enumerate()
            .map(|(r, &i)| (2f64.powf(relevance[q + i]) - 1.0) / (r as f64 + 2.0).log2())
            .sum()
    };
    let queries = scores.len() / DOCS;
    let total: f64 = (0..queries)
        .map(|g| {
            let q = g * DOCS;
            let mut by_score: Vec<usize> = (0..DOCS).collect();
            by_score.sort_by(|&a, &b| scores[q + b].total_cmp(&scores[q + a]));
            let mut ideal = by_score.clone();
            ideal.sort_by(|&a, &b| relevance[q + b].total_cmp(&relevance[q + a]));
            let best = dcg(&ideal, q);
            if best > 0.0 {
                dcg(&by_score, q) / best
            } else {
                1.0
            }
        })
        .sum();
    total / queries as f64
}

#[test]
fn positions_debias_clicks() {
    let (x, click, positions, _) = clicks(600, 1);
    let (xt, _, _, relevance) = clicks(600, 2);
    let y = Target::Values(click);
    let p = Gbdt {
        objective: "lambdarank".into(),
        n_estimators: 30,
        num_leaves: 7,
        min_data_in_leaf: 20,
        ..Default::default()
    };
    let plain = fit(&p, &x, &y, None).unwrap();
    let models: Vec<GbdtModel> =
        [1, 4].iter().map(|&t| fit(&Gbdt { num_threads: t, ..p.clone() }, &x, &y, Some(&positions)).unwrap()).collect();
    let bytes = |m: &GbdtModel| {
        let mut f = ModelFile::from_model(m).unwrap();
        f.header.created = "fixed".into();
        f.to_bytes().unwrap()
    };
    assert_eq!(bytes(&models[0]), bytes(&models[1]), "models differ between thread counts");
    let score = |m: &GbdtModel| ndcg3(m.predict_values(xt.view()).unwrap().as_slice().unwrap(), &relevance);
    let (biased, unbiased) = (score(&plain), score(&models[0]));
    // About 0.86 -> 0.95 (python/tests/test_boost_position_bias.py compares with LightGBM).
    assert!(unbiased > biased + 0.03, "NDCG@3 {biased} without positions, {unbiased} with");
    // Regularised factors debias less.
    let reg =
        fit(&Gbdt { lambdarank_position_bias_regularization: 100.0, ..p.clone() }, &x, &y, Some(&positions)).unwrap();
    assert!(score(&reg) < unbiased, "{} vs {unbiased}", score(&reg));
}

#[test]
fn positions_must_match_the_rows() {
    let (x, click, positions, _) = clicks(20, 3);
    let y = Target::Values(click);
    let p = Gbdt { objective: "lambdarank".into(), n_estimators: 2, ..Default::default() };
    let e = fit(&p, &x, &y, Some(&positions[1..])).unwrap_err().to_string();
    assert!(e.contains("Positions size (199) doesn't match data size (200)"), "{e}");
}
