//! The new objectives against LightGBM 4.7.0: starting scores, leaf values
//! and the gradient formulas themselves.
//!
//! Expected values were printed by the real LightGBM (`lightgbm==4.7.0` from
//! PyPI) on the data below, one feature `x = row index`:
//! - starting scores: one round with `min_data_in_leaf = n + 1`, so the model
//!   is the constant `BoostFromScore`, read back with `predict(raw_score=True)`;
//! - gradients: rounds with `learning_rate = 1`, `lambda_l2 = 0`,
//!   `num_leaves = n`, `min_data_in_leaf = 1`, `min_sum_hessian_in_leaf = 0`,
//!   `boost_from_average = False`, starting from `init_score`: each leaf's
//!   value is `-sum(g) / sum(h)` of its rows, with the rows' leaves from
//!   `predict(pred_leaf=True)` and the values from the change in raw scores;
//! - leaf renewal: one round, `num_leaves = 2`, rows 0-3 and 4-8 apart, the
//!   leaf values from `dump_model()` (LightGBM adds the starting score into them).

use super::*;
use crate::rank::RankXendcg;

const Y: [f64; 9] = [0.5, 1.5, -2.0, 3.0, 10.0, 0.0, 4.25, -7.5, 0.75];
const W: [f64; 9] = [1.0, 0.5, 2.0, 1.5, 0.25, 3.0, 1.0, 0.75, 2.0];
/// Labels in [0, 1] (exact in f32, LightGBM's label type).
const YX: [f64; 9] = [0.125, 0.875, 0.5, 1.0, 0.0, 0.25, 0.75, 0.375, 0.5];
const YM: [f64; 9] = [0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 2.0, 1.0, 2.0];
const S0: [f64; 9] = [0.25, 1.0, -1.0, 2.5, 12.0, 0.75, 4.0, -6.0, 0.0];

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-12)
}

#[test]
fn starting_scores_match_lightgbm() {
    let cases: [(Builtin, &[f64], f64, f64); 8] = [
        (Builtin::Fair { c: 1.5 }, &Y, 1.1666666666666667, 0.3645833333333333),
        // The weighted median of the labels under MAPE's weights 1 / max(1, |y|), in f32.
        (Builtin::Mape, &Y, 0.42549020051956177, -0.002124182181432843),
        // LightGBM's percentile rules: linear unweighted, its own weighted CDF rule.
        (Builtin::L1, &Y, 0.75, 0.125),
        (Builtin::Quantile { alpha: 0.3 }, &Y, 0.20000004768371582, -1.4333332777023315),
        (Builtin::CrossEntropy, &YX, -0.055569851154810654, -0.05209511188340169),
        (Builtin::Mape, &[6.5, 7.5, 4.0, 9.0, 10.0, 0.0, 4.25, -7.5, 0.75], 0.3188442587852478, 0.008901301771402359),
        (Builtin::L1, &[6.5, 7.5, 4.0, 9.0, 10.0, 0.0, 4.25, -7.5, 0.75], 4.25, 1.15625),
        (
            Builtin::Quantile { alpha: 0.3 },
            &[6.5, 7.5, 4.0, 9.0, 10.0, 0.0, 4.25, -7.5, 0.75],
            2.0500001907348633,
            -0.37499964237213135,
        ),
    ];
    for (obj, y, unweighted, weighted) in cases {
        let (a, b) = (obj.init_scores(y, None)[0], obj.init_scores(y, Some(&W))[0]);
        assert!(close(a, unweighted, 1e-14) && close(b, weighted, 1e-14), "{obj:?}: {a} {b}");
    }
    let ova = |sigmoid| Builtin::MulticlassOva { num_class: 3, sigmoid };
    let want = [
        (
            1.0,
            [-1.252762968495368, -0.6931471805599454, -0.22314355131420985],
            [-2.151762203259462, -1.2130226398458541, 0.6931471805599452],
        ),
        (
            2.0,
            [-0.626381484247684, -0.3465735902799727, -0.11157177565710492],
            [-1.075881101629731, -0.6065113199229271, 0.3465735902799726],
        ),
    ];
    for (s, unweighted, weighted) in want {
        for (got, want) in [(ova(s).init_scores(&YM, None), unweighted), (ova(s).init_scores(&YM, Some(&W)), weighted)]
        {
            assert!(got.iter().zip(want).all(|(g, w)| close(*g, w, 1e-14)), "sigmoid {s}: {got:?}");
        }
    }
}

/// Checks that every leaf's LightGBM value is `-sum(g) / sum(h)` of its rows' gradients here.
fn check_leaves(obj: &Builtin, y: &[f64], scores: &[f64], leaves: &[usize], values: &[f64]) {
    let n = y.len();
    let mut gh = vec![[0f32; 2]; scores.len()];
    obj.gradients(scores, y, None, &mut gh);
    for (i, (&leaf, &want)) in leaves.iter().zip(values).enumerate() {
        // Rows of the same tree (output) and leaf.
        let same: Vec<usize> = (0..scores.len()).filter(|&j| j / n == i / n && leaves[j] == leaf).collect();
        let g: f64 = same.iter().map(|&j| f64::from(gh[j][0])).sum();
        let h: f64 = same.iter().map(|&j| f64::from(gh[j][1])).sum();
        assert!(close(-g / h, want, 1e-9), "{obj:?} row {i}: {} vs LightGBM {want}", -g / h);
    }
}

#[test]
fn gradients_give_lightgbm_s_leaves() {
    check_leaves(
        &Builtin::Fair { c: 1.5 },
        &Y,
        &S0,
        &[0, 8, 3, 7, 5, 6, 4, 2, 1],
        &[
            0.2916666666666661,
            0.6666666666666656,
            -1.6666666666666607,
            0.6666666666666656,
            -4.666666666666641,
            -1.1249999916180944,
            0.2916666666666661,
            -2.9999999999999893,
            1.1249999916180946,
        ],
    );
    let half: Vec<f64> = S0.iter().map(|s| s * 0.5).collect();
    check_leaves(
        &Builtin::CrossEntropy,
        &YX,
        &half,
        &[0, 3, 6, 5, 1, 1, 2, 4, 4],
        &[
            -1.6311928362209984,
            1.0746242176696783,
            0.5210953042933921,
            1.2865047251126005,
            -5.495313924112173,
            -5.495313924112173,
            -1.245762560317899,
            1.109756222689058,
            1.109756222689058,
        ],
    );
    // Three one-vs-all trees, class-major.
    let scores = [
        2.0, 0.0, 0.3, 1.0, -1.0, 0.0, 1.0, 0.5, 0.1, 0.5, 1.0, 0.2, 0.9, 0.2, 0.4, 2.0, 0.7, -0.2, -1.0, 0.5, 0.1,
        -0.5, 2.0, 1.5, 0.5, -0.5, 0.05,
    ];
    let leaves = [0, 0, 7, 4, 2, 3, 1, 5, 6, 0, 3, 5, 7, 6, 2, 2, 1, 4, 0, 6, 3, 2, 2, 1, 1, 5, 4];
    let values = [
        -0.9004126824462686,
        -0.9004126824462685,
        -1.4110594035868147,
        -4.194528242974728,
        4.194528242974727,
        -0.9999999999999989,
        -4.194528242974724,
        -1.8591410312387742,
        -1.1107014118010248,
        -1.8591410312387728,
        0.5676676483110967,
        -1.245912302852967,
        0.5826494722349128,
        -1.2459123028529675,
        -3.61007659560941,
        -3.61007659560941,
        0.6232985165125176,
        -0.835160031620678,
        -0.5676676483110963,
        -1.8591410312387737,
        0.9093654059502877,
        -2.9190464210564744,
        -2.9190464210564744,
        0.6542229984859778,
        0.6542229984859778,
        -0.6839397735539827,
        0.9524187224606024,
    ];
    check_leaves(&Builtin::MulticlassOva { num_class: 3, sigmoid: 2.0 }, &YM, &scores, &leaves, &values);
}

#[test]
fn xendcg_gradients_match_lightgbm_round_after_round() {
    // Two queries (4 and 5 documents); each round draws new label noise from
    // LightGBM's per-query generators, seeded objective_seed + query.
    let y = [0.0, 1.0, 2.0, 0.0, 3.0, 1.0, 0.0, 2.0, 1.0];
    type Round = ([f64; 9], [usize; 9], [f64; 9]);
    let seed5: [Round; 3] = [
        (
            [0.025, 0.1, -0.1, 0.25, 1.2000000000000002, 0.07500000000000001, 0.4, -0.6000000000000001, 0.0],
            [0, 8, 2, 1, 5, 7, 6, 3, 4],
            [
                -0.33149962094615937,
                -0.3003774005459308,
                1.893487659139478,
                -0.9399668653424077,
                0.22248003188626986,
                -0.20193275102763203,
                -1.0066779583135927,
                2.1204517934425224,
                -0.11566794406346546,
            ],
        ),
        (
            [
                -0.30649962094615935,
                -0.2003774005459308,
                1.793487659139478,
                -0.6899668653424077,
                1.42248003188627,
                -0.12693275102763202,
                -0.6066779583135927,
                1.5204517934425223,
                -0.11566794406346546,
            ],
            [0, 4, 3, 2, 2, 5, 1, 1, 6],
            [
                -0.6730544977309227,
                1.0671813993400572,
                -0.3654976371737708,
                0.5486564778689998,
                0.5486564778689997,
                0.017334786002423885,
                -0.46795361622989307,
                -0.4679536162298932,
                0.020272312457843403,
            ],
        ),
        (
            [
                -0.9795541186770821,
                0.8668039987941264,
                1.4279900219657071,
                -0.14131038747340785,
                1.9711365097552698,
                -0.10959796502520813,
                -1.0746315745434858,
                1.0524981772126292,
                -0.09539563160562206,
            ],
            [0, 0, 1, 2, 4, 3, 5, 5, 6],
            [
                -0.38952778544602096,
                -0.38952778544602085,
                0.6885766777008573,
                -0.7153554413338727,
                -0.23876473254452724,
                -0.011311654176008573,
                0.2397648791662662,
                0.23976487916626632,
                0.12959035484031686,
            ],
        ),
    ];
    let seed11: [Round; 3] = [
        (
            seed5[0].0,
            [0, 8, 4, 3, 6, 7, 5, 1, 2],
            [
                -0.3661333298212875,
                -0.3168643150260686,
                1.5291118692627694,
                -0.6060791953411153,
                0.17868629228036204,
                -0.20839725226752703,
                -0.7680420213584577,
                1.6799356331503612,
                -0.08588539765778498,
            ],
        ),
        (
            [
                -0.34113332982128747,
                -0.2168643150260686,
                1.4291118692627693,
                -0.3560791953411153,
                1.3786862922803622,
                -0.13339725226752702,
                -0.36804202135845765,
                1.0799356331503611,
                -0.08588539765778498,
            ],
            [0, 4, 3, 2, 7, 6, 1, 1, 5],
            [
                -0.6340484147644063,
                0.6585351096921284,
                -0.23002391761431307,
                0.43340993796597227,
                0.3085530535782963,
                0.2678209623563176,
                -0.3445046370553052,
                -0.3445046370553053,
                -0.0031579279956032297,
            ],
        ),
        (
            [
                -0.9751817445856937,
                0.44167079466605974,
                1.1990879516484563,
                0.07733074262485695,
                1.6872393458586585,
                0.13442371008879056,
                -0.7125466584137629,
                0.7354309960950558,
                -0.08904332565338821,
            ],
            [0, 0, 2, 1, 3, 6, 4, 4, 5],
            [
                -0.20072493033006522,
                -0.2007249303300651,
                0.6602001188640356,
                -0.8210639998349278,
                -0.04336371177251053,
                -0.3392098178794081,
                0.24733731754953947,
                0.24733731754953947,
                -0.08678808933535934,
            ],
        ),
    ];
    for (seed, rounds) in [(5, seed5), (11, seed11)] {
        let mut obj = Builtin::RankXendcg(RankXendcg::new(seed));
        obj.set_query_boundaries(Some(&[0, 4, 9])).unwrap();
        // One objective across the rounds: its generators advance as LightGBM's do.
        for (scores, leaves, values) in &rounds {
            check_leaves(&obj, &y, scores, leaves, values);
        }
    }
}

#[test]
fn leaves_are_renewed_as_lightgbm_renews_them() {
    // LightGBM's leaf values include the starting score; the renewed value is the rest.
    let y = [6.5, 7.5, 4.0, 9.0, 10.0, 0.0, 4.25, -7.5, 0.75];
    // (objective, weights, starting score, the two leaves' values)
    type Case<'a> = (Builtin, Option<&'a [f64]>, f64, [f64; 2]);
    let cases: [Case<'_>; 6] = [
        (Builtin::Mape, None, 0.3188442587852478, [4.0, 0.07573529239743948]),
        (Builtin::Mape, Some(&W), 0.008901301771402359, [4.0, -1.0496323625557125]),
        (Builtin::L1, None, 4.25, [7.0, 0.75]),
        (Builtin::L1, Some(&W), 1.15625, [5.25, -0.625]),
        (Builtin::Quantile { alpha: 0.3 }, None, 2.0500001907348633, [6.250000089406967, 0.15000003576278687]),
        (Builtin::Quantile { alpha: 0.3 }, Some(&W), -0.37499964237213135, [4.0, -4.124999791383743]),
    ];
    for (obj, w, init, leaves) in cases {
        assert!(close(obj.init_scores(&y, w)[0], init, 1e-14), "{obj:?} {w:?}");
        let scores = [init; 9];
        for (rows, want) in [(&[0u32, 1, 2, 3][..], leaves[0]), (&[4, 5, 6, 7, 8][..], leaves[1])] {
            let got = init + obj.renew_leaf(rows, &y, &scores, w).unwrap();
            assert!(close(got, want, 1e-12), "{obj:?} {w:?}: {got} vs LightGBM {want}");
        }
    }
    assert_eq!(Builtin::Fair { c: 1.0 }.renew_leaf(&[0, 1], &y, &[0.0; 9], None), None);
}

#[test]
fn gradient_formulas_are_lightgbm_s() {
    // Written out from regression_objective.hpp, xentropy_objective.hpp and
    // binary_objective.hpp (4.7.0), weights included.
    let (s, y, w) = ([0.5, -2.0, 3.0, -40.0], [2.0, -2.0, 0.25, 1.0], [1.5, 0.5, 2.0, 1.0]);
    let grads = |obj: &Builtin| {
        let mut out = vec![[0f32; 2]; s.len() * obj.num_outputs()];
        obj.gradients(&s, &y, Some(&w), &mut out);
        out
    };
    let c = 1.5;
    for (i, gh) in grads(&Builtin::Fair { c }).iter().enumerate() {
        let x: f64 = s[i] - y[i];
        assert_eq!(
            gh,
            &[(c * x / (x.abs() + c) * w[i]) as f32, (c * c / ((x.abs() + c) * (x.abs() + c)) * w[i]) as f32]
        );
    }
    // MAPE: the gradient carries the weight w / max(1, |y|); the hessian is the weight alone.
    let mape = grads(&Builtin::Mape);
    assert_eq!(mape, [[-1.0 / 2.0 * 1.5, 1.5], [0.0, 0.5], [2.0, 2.0], [-1.0, 1.0]]);
    // Cross-entropy, both branches (the score -40 is below LightGBM's -37 switch).
    let yx = [0.25, 1.0, 0.0, 0.5];
    let mut xe = vec![[0f32; 2]; 4];
    Builtin::CrossEntropy.gradients(&s, &yx, Some(&w), &mut xe);
    for i in 0..3 {
        let e = (-s[i]).exp();
        let want =
            [(((1.0 - yx[i]) - yx[i] * e) / (1.0 + e) * w[i]) as f32, (e / ((1.0 + e) * (1.0 + e)) * w[i]) as f32];
        assert_eq!(xe[i], want);
    }
    // Below -37 the formula changes; its hessian, exp(-40), is under the crate's 1e-16 floor.
    assert_eq!(xe[3], [((s[3].exp() - 0.5) * w[3]) as f32, 1e-16]);
    // One-vs-all: class c's tree sees the binary loss of "label == c", scaled by sigmoid.
    let ova = Builtin::MulticlassOva { num_class: 2, sigmoid: 2.0 };
    let (labels, scores) = ([0.0, 1.0], [0.5, -1.0, 2.0, 0.25]);
    let mut out = vec![[0f32; 2]; 4];
    ova.gradients(&scores, &labels, None, &mut out);
    for (j, gh) in out.iter().enumerate() {
        let (c, i) = (j / 2, j % 2);
        let label = if labels[i] as usize == c { 1.0 } else { -1.0 };
        let response = -label * 2.0 / (1.0 + (label * 2.0 * scores[j]).exp());
        assert_eq!(gh, &[response as f32, (response.abs() * (2.0 - response.abs())) as f32]);
    }
}

#[test]
fn the_new_objectives_are_resolved_by_their_lightgbm_names() {
    use ironlearn_core::{Labels, Target};
    let values = Target::Values(vec![0.5, 1.0, 0.25, 0.0]);
    let name = |objective: &str, y: &Target| {
        let p = Gbdt { objective: objective.into(), fair_c: 2.0, sigmoid: 3.0, ..Gbdt::default() };
        resolve_objective(&p, y).map(|r| r.0)
    };
    assert_eq!(name("fair", &values).unwrap(), Builtin::Fair { c: 2.0 });
    for alias in ["mape", "mean_absolute_percentage_error"] {
        assert_eq!(name(alias, &values).unwrap(), Builtin::Mape);
    }
    for alias in ["cross_entropy", "xentropy"] {
        assert_eq!(name(alias, &values).unwrap(), Builtin::CrossEntropy);
    }
    let relevance = Target::Values(vec![0.0, 2.0, 1.0, 0.0]);
    for alias in ["rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart"] {
        assert_eq!(name(alias, &relevance).unwrap().name(), "rank_xendcg");
    }
    let classes = Target::Labels(Labels::new(vec!["a".into(), "b".into(), "c".into()], vec![0, 1, 2, 1]).unwrap());
    for alias in ["multiclassova", "multiclass_ova", "ova", "ovr"] {
        let obj = name(alias, &classes).unwrap();
        assert_eq!(obj, Builtin::MulticlassOva { num_class: 3, sigmoid: 3.0 });
        assert_eq!(obj.transform(), Transform::ScaledSigmoid(3.0));
    }
    // Labels outside [0, 1] for cross-entropy, and num_class for a regression: errors, as in LightGBM.
    let e = name("cross_entropy", &Target::Values(vec![0.5, 1.5])).unwrap_err().to_string();
    assert!(e.contains("[0, 1]") && e.contains("1.5"), "{e}");
    let p = Gbdt { num_class: 3, ..Gbdt::default() };
    let e = resolve_objective(&p, &values).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("Number of classes must be 1 for non-multiclass training"), "{e}");
    // A sigmoid binary would ignore.
    let binary = Target::Labels(Labels::new(vec!["a".into(), "b".into()], vec![0, 1, 1]).unwrap());
    let e = resolve_objective(&Gbdt { sigmoid: 2.0, ..Gbdt::default() }, &binary).map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("sigmoid"), "{e}");
    // A ranking objective without query groups.
    let mut xendcg = name("rank_xendcg", &relevance).unwrap();
    assert!(xendcg.set_query_boundaries(None).unwrap_err().to_string().contains("needs query groups"));
}
