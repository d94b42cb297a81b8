//! Every metric against LightGBM 4.7.0 on fixed scores.
//!
//! The expected values were printed by the real LightGBM (`lightgbm==4.7.0`
//! from PyPI): a `Booster` with no trees, a validation `Dataset` whose
//! `init_score` holds the raw scores below (class-major for 3 classes), and
//! `Booster.eval_valid()`; the objective named in each test sets LightGBM's
//! output conversion. Script: `Booster(params, train); add_valid(valid, "v");
//! eval_valid()` with `params = {objective, metric, alpha: 0.7, fair_c: 1.5,
//! ...}` as in each test (the training set carries a zero `init_score`, so
//! no starting score is added).

use super::*;

const Y: [f64; 8] = [0.5, 1.5, -2.0, 3.0, 10.0, 0.0, 4.25, -7.5];
const RAW: [f64; 8] = [0.25, 1.0, -1.0, 2.5, 12.0, 0.75, 4.0, -6.0];
const W: [f64; 8] = [1.0, 0.5, 2.0, 1.5, 0.25, 3.0, 1.0, 0.75];
/// Positive labels; their scores are `0.3 * RAW`.
const Y_POS: [f64; 8] = [0.5, 1.5, 2.0, 3.0, 10.0, 0.25, 4.25, 7.5];

fn params(objective: &str) -> Gbdt {
    Gbdt { objective: objective.into(), alpha: 0.7, fair_c: 1.5, ..Default::default() }
}

/// Evaluates every metric of `names` and compares it with LightGBM's value, to 1e-9 relative.
fn check(objective: Builtin, p: &Gbdt, y: &[f64], raw: &[f64], w: Option<&[f64]>, want: &[(&str, f64)]) {
    // The metric parameter is the reported name without its "@k".
    let p = Gbdt { metric: want.iter().map(|(n, _)| n.split('@').next().unwrap().to_string()).collect(), ..p.clone() };
    let k = raw.len() / y.len();
    let metrics = Metric::for_training(&p, &objective, false, k).unwrap();
    assert_eq!(metrics.len(), want.len());
    let d = EvalData { labels: y, weights: w, boundaries: None, label_gain: &[] };
    for (m, (name, expected)) in metrics.iter().zip(want) {
        let got = m.eval(raw, &d);
        assert_eq!(&m.name(), name);
        assert!(
            (got - expected).abs() <= 1e-9 * expected.abs().max(1e-300),
            "{name} ({}): got {got:.17}, LightGBM {expected:.17}",
            if w.is_some() { "weighted" } else { "unweighted" }
        );
        m.check_labels(y, k).unwrap();
    }
}

#[test]
fn regression_metrics_match_lightgbm() {
    let (obj, p) = (Builtin::Regression, params("regression"));
    check(
        obj.clone(),
        &p,
        &Y,
        &RAW,
        None,
        &[
            ("l2", 1.0546875),
            ("rmse", 1.0269797953221864),
            ("l1", 0.84375),
            ("huber", 0.3759375),
            ("quantile", 0.328125),
            ("fair", 0.3261371407370487),
            ("mape", 0.3073529411764706),
            ("r2", 0.9525795828759605),
        ],
    );
    check(
        obj,
        &p,
        &Y,
        &RAW,
        Some(&W),
        &[
            ("l2", 0.7),
            ("rmse", 0.8366600265340756),
            ("l1", 0.7375),
            ("huber", 0.2955),
            ("quantile", 0.28125),
            ("fair", 0.2392356914404546),
            ("mape", 0.4175490196078431),
            ("r2", 0.9347613985525185),
        ],
    );
}

#[test]
fn metrics_of_exp_outputs_match_lightgbm() {
    let raw: Vec<f64> = RAW.iter().map(|r| r * 0.3).collect();
    let poisson = Builtin::Poisson { max_delta_step: 0.7 };
    let p = params("poisson");
    check(
        poisson.clone(),
        &p,
        &Y_POS,
        &raw,
        None,
        &[
            ("poisson", 2.1034730208228747),
            ("l2", 95.73187118478643),
            ("mape", 0.807600602949829),
            ("r2", -8.036636808003438),
            ("fair", 5.240341290899597),
        ],
    );
    check(
        poisson,
        &p,
        &Y_POS,
        &raw,
        Some(&W),
        &[
            ("poisson", 1.6179317869352903),
            ("l2", 22.577936644252283),
            ("mape", 0.6952803125062929),
            ("r2", -3.0327870984123972),
            ("fair", 1.6549172382769377),
        ],
    );
    let p = params("gamma");
    check(
        Builtin::Gamma,
        &p,
        &Y_POS,
        &raw,
        None,
        &[("gamma", 7.108401759503229), ("gamma_deviance", 85.97004721676139)],
    );
    check(
        Builtin::Gamma,
        &p,
        &Y_POS,
        &raw,
        Some(&W),
        &[("gamma", 4.669610902418669), ("gamma_deviance", 69.55490234937106)],
    );
    let p = Gbdt { tweedie_variance_power: 1.3, ..params("tweedie") };
    let tweedie = Builtin::Tweedie { rho: 1.3 };
    check(tweedie.clone(), &p, &Y_POS, &raw, None, &[("tweedie", 14.543026490271453), ("mape", 0.807600602949829)]);
    check(tweedie, &p, &Y_POS, &raw, Some(&W), &[("tweedie", 9.91005161418397), ("mape", 0.6952803125062929)]);
}

const YB: [f64; 10] = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
const RB: [f64; 10] = [2.0, -1.0, 0.5, 0.5, 0.5, -3.0, 1.5, 0.0, -0.25, 1.0];
const WB: [f64; 10] = [1.0, 0.5, 2.0, 1.5, 0.25, 3.0, 1.0, 0.75, 2.5, 1.25];

#[test]
fn binary_metrics_match_lightgbm() {
    // Tied scores (three at 0.5) make one step of the ROC and precision curves.
    let p = params("binary");
    check(
        Builtin::Binary,
        &p,
        &YB,
        &RB,
        None,
        &[
            ("auc", 0.76),
            ("average_precision", 0.7916666666666666),
            ("binary_logloss", 0.5444769568615021),
            ("binary_error", 0.3),
            ("l2", 0.18950857056598874),
            ("fair", 0.07638024476507678),
            ("r2", 0.24196571773604503),
        ],
    );
    check(
        Builtin::Binary,
        &p,
        &YB,
        &RB,
        Some(&WB),
        &[
            ("auc", 0.7730978260869565),
            ("average_precision", 0.8376524390243902),
            ("binary_logloss", 0.49162246710518615),
            ("binary_error", 0.2909090909090909),
            ("l2", 0.169586065287491),
            ("fair", 0.06857407340595),
            ("r2", 0.30299205503442905),
        ],
    );
    // One class only: LightGBM reports 1 for both.
    check(Builtin::Binary, &p, &[1.0; 4], &[0.1, 0.2, 0.2, 0.3], None, &[("auc", 1.0), ("average_precision", 1.0)]);
}

#[test]
fn cross_entropy_metrics_match_lightgbm() {
    // Labels exact in f32, LightGBM's label type.
    let y = [0.125, 0.875, 0.5, 1.0, 0.0, 0.25, 0.75, 0.375];
    let raw: Vec<f64> = RAW.iter().map(|r| r * 0.5).collect();
    let p = params("cross_entropy");
    check(
        Builtin::CrossEntropy,
        &p,
        &y,
        &raw,
        None,
        &[
            ("cross_entropy", 1.357740174614636),
            ("kullback_leibler", 0.9536250458060838),
            ("binary_logloss", 1.504224549614636),
            ("l1", 0.35030933672460196),
        ],
    );
    check(
        Builtin::CrossEntropy,
        &p,
        &y,
        &raw,
        Some(&W),
        &[
            ("cross_entropy", 0.825716735621274),
            ("kullback_leibler", 0.35602047461144737),
            ("binary_logloss", 0.8679042356212741),
            ("l1", 0.2765307895582259),
        ],
    );
}

const YM: [f64; 9] = [0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 2.0, 1.0, 0.0];
const WM: [f64; 9] = [1.0, 0.5, 2.0, 1.5, 0.25, 3.0, 1.0, 0.75, 2.5];

/// Three scores per row, class-major; row 2 is a three-way tie, row 7 a tie at the top.
fn multiclass_scores() -> Vec<f64> {
    let rows = [
        [2.0, 0.5, -1.0],
        [0.0, 1.0, 0.5],
        [0.3, 0.3, 0.3],
        [1.0, 0.9, -0.5],
        [-1.0, 0.2, 2.0],
        [0.0, 0.0, 1.5],
        [1.0, 2.0, 0.5],
        [0.5, 0.5, -0.5],
        [0.1, -0.2, 0.05],
    ];
    (0..3).flat_map(|c| rows.iter().map(move |r| r[c])).collect()
}

#[test]
fn multiclass_metrics_match_lightgbm() {
    let raw = multiclass_scores();
    let softmax = Builtin::Multiclass { num_class: 3 };
    let p = params("multiclass");
    check(
        softmax.clone(),
        &p,
        &YM,
        &raw,
        None,
        &[("multi_logloss", 1.1395358051074602), ("multi_error", 0.5555555555555556), ("auc_mu", 0.6296296296296297)],
    );
    check(
        softmax.clone(),
        &p,
        &YM,
        &raw,
        Some(&WM),
        &[("multi_logloss", 0.8842951189745236), ("multi_error", 0.44), ("auc_mu", 0.862962962962963)],
    );
    let top2 = Gbdt { multi_error_top_k: 2, ..p.clone() };
    check(softmax.clone(), &top2, &YM, &raw, None, &[("multi_error@2", 0.3333333333333333)]);
    check(softmax.clone(), &top2, &YM, &raw, Some(&WM), &[("multi_error@2", 0.26)]);
    let costs = Gbdt { auc_mu_weights: vec![0.0, 2.0, 1.0, 1.0, 0.0, 3.0, 0.5, 1.0, 0.0], ..p };
    check(softmax.clone(), &costs, &YM, &raw, None, &[("auc_mu", 0.8333333333333334)]);
    check(softmax, &costs, &YM, &raw, Some(&WM), &[("auc_mu", 0.9595959595959597)]);
}

#[test]
fn one_vs_all_metrics_match_lightgbm() {
    // multiclassova's outputs are per-class sigmoids, not normalised.
    let raw = multiclass_scores();
    let p = params("multiclassova");
    let ova = Builtin::MulticlassOva { num_class: 3, sigmoid: 1.0 };
    check(
        ova.clone(),
        &p,
        &YM,
        &raw,
        None,
        &[("multi_logloss", 0.49365826796628554), ("multi_error", 0.5555555555555556)],
    );
    check(ova, &p, &YM, &raw, Some(&WM), &[("multi_logloss", 0.42217454273313576), ("multi_error", 0.44)]);
    let ova2 = Builtin::MulticlassOva { num_class: 3, sigmoid: 2.0 };
    check(ova2.clone(), &p, &YM, &raw, None, &[("multi_logloss", 0.4595245674452772)]);
    check(ova2, &p, &YM, &raw, Some(&WM), &[("multi_logloss", 0.3125684347434413)]);
}

#[test]
fn higher_is_better_as_lightgbm() {
    let p =
        Gbdt { metric: vec!["r2,auc,average_precision,ndcg,l2,mape,fair,binary_logloss".into()], ..params("binary") };
    let better: Vec<(String, bool)> = Metric::for_training(&p, &Builtin::Binary, false, 1)
        .unwrap()
        .iter()
        .map(|m| (m.name(), m.higher_is_better()))
        .collect();
    assert!(better
        .iter()
        .all(|(n, h)| *h == ["r2", "auc", "average_precision"].contains(&n.as_str()) || n.starts_with("ndcg")));
    let auc_mu = Metric::for_training(
        &Gbdt { metric: vec!["auc_mu".into()], ..p },
        &Builtin::Multiclass { num_class: 3 },
        false,
        3,
    );
    assert!(auc_mu.unwrap()[0].higher_is_better());
}

#[test]
fn default_metrics_and_aliases_as_lightgbm() {
    let names = |obj: &Builtin, metric: &[&str], custom: bool, k: usize| -> Vec<String> {
        let p = Gbdt { metric: metric.iter().map(|m| m.to_string()).collect(), ..Gbdt::default() };
        Metric::for_training(&p, obj, custom, k).unwrap().iter().map(Metric::name).collect()
    };
    assert_eq!(names(&Builtin::Fair { c: 1.0 }, &[], false, 1), ["fair"]);
    assert_eq!(names(&Builtin::Mape, &[], false, 1), ["mape"]);
    assert_eq!(names(&Builtin::CrossEntropy, &[], false, 1), ["cross_entropy"]);
    assert_eq!(names(&Builtin::MulticlassOva { num_class: 3, sigmoid: 1.0 }, &[], false, 3), ["multi_logloss"]);
    assert_eq!(
        names(&Builtin::Regression, &["mean_absolute_percentage_error", "xentropy,kldiv"], false, 1),
        ["mape", "cross_entropy", "kullback_leibler"]
    );
    // A custom objective has no default metric; the multiclass aliases all name multi_logloss, once.
    assert!(names(&Builtin::Regression, &[], true, 3).is_empty());
    let ova = ["multiclassova", "multiclass_ova", "ova", "ovr", "multi_logloss"];
    assert_eq!(names(&Builtin::Regression, &ova, true, 3), ["multi_logloss"]);
}

#[test]
fn a_custom_objective_s_metrics_read_raw_scores() {
    // LightGBM passes no objective to the metrics of a custom loss: multi_logloss reads the raw scores.
    let raw = multiclass_scores();
    let p = Gbdt { metric: vec!["multi_logloss".into()], ..Gbdt::default() };
    let m = &Metric::for_training(&p, &Builtin::Regression, true, 3).unwrap()[0];
    let d = EvalData { labels: &YM, weights: None, boundaries: None, label_gain: &[] };
    let want: f64 = (0..9).map(|i| -raw[YM[i] as usize * 9 + i].max(EPSILON).ln()).sum::<f64>() / 9.0;
    assert_eq!(m.eval(&raw, &d), want);
}

#[test]
fn labels_that_are_no_class_give_nan_or_an_error_not_a_panic() {
    // Regression: a custom multiclass objective with labels beyond its classes panicked (index out of bounds).
    let raw = multiclass_scores();
    let y = [0.0, 1.0, 7.0, 1.0, 0.0, 2.0, -1.0, 1.0, f64::NAN];
    let d = EvalData { labels: &y, weights: None, boundaries: None, label_gain: &[] };
    let p = Gbdt { metric: vec!["multi_logloss,multi_error,auc_mu".into()], ..Gbdt::default() };
    for custom in [true, false] {
        for m in Metric::for_training(&p, &Builtin::Multiclass { num_class: 3 }, custom, 3).unwrap() {
            assert!(m.eval(&raw, &d).is_nan(), "{}", m.name());
            let e = m.check_labels(&y, 3).unwrap_err().to_string();
            assert!(e.contains("row 2") && e.contains("[0, 3)"), "{e}");
        }
    }
    // An empty validation set, and gamma of a non-positive label.
    let empty = EvalData { labels: &[], weights: None, boundaries: None, label_gain: &[] };
    assert!(Metric::Auc.eval(&[], &empty).is_nan());
    let gamma = Metric::Pointwise(Loss::Gamma, Transform::Exp);
    assert!(gamma.check_labels(&[1.0, 0.0], 1).unwrap_err().to_string().contains("positive"));
}

#[test]
fn mismatched_metrics_and_auc_mu_weights_are_errors() {
    let p = |metric: &str, weights: Vec<f64>| Gbdt {
        metric: vec![metric.into()],
        auc_mu_weights: weights,
        ..Gbdt::default()
    };
    let multi = Builtin::Multiclass { num_class: 3 };
    let e = Metric::for_training(&p("binary_logloss", vec![]), &multi, false, 3).unwrap_err().to_string();
    assert!(e.contains("Multiclass objective and metrics don't match"), "{e}");
    let e = Metric::for_training(&p("auc_mu", vec![]), &Builtin::Binary, false, 1).unwrap_err().to_string();
    assert!(e.contains("Multiclass objective and metrics don't match"), "{e}");
    let e = Metric::for_training(&p("auc_mu", vec![1.0; 4]), &multi, false, 3).unwrap_err().to_string();
    assert!(e.contains("auc_mu_weights must have 9 elements"), "{e}");
    let mut zero_off_diagonal = vec![1.0; 9];
    zero_off_diagonal[5] = 0.0;
    let e = Metric::for_training(&p("auc_mu", zero_off_diagonal), &multi, false, 3).unwrap_err().to_string();
    assert!(e.contains("non-zero"), "{e}");
}
