//! The booster end to end: determinism, hand-computed trees, persistence, import.

use ironlearn_boost::{from_lightgbm_text, train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Column, Features, FitContext, Labels, ModelFile, Persist, Rng, Table, Target};
use ndarray::{array, s, Array2};

fn file(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

fn mixed_table(n: usize, seed: u64) -> (Table, Target) {
    let mut rng = Rng::new(seed);
    let a: Vec<f64> = (0..n).map(|_| if rng.uniform() < 0.1 { f64::NAN } else { rng.normal() }).collect();
    let b: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
    let city: Vec<Option<String>> =
        (0..n).map(|_| (rng.uniform() > 0.05).then(|| format!("c{}", rng.below(40)))).collect();
    let y: Vec<u32> = (0..n)
        .map(|i| {
            let z = a[i].max(-1.0) * 1.5
                + b[i]
                + city[i].as_deref().map_or(0.0, |c| if c.len() % 2 == 0 { 1.0 } else { -1.0 });
            if z < -0.5 {
                0
            } else if z < 0.7 {
                1
            } else {
                2
            }
        })
        .collect();
    let t =
        Table::new(vec![Column::numeric("a", a), Column::numeric("b", b), Column::categorical("city", &city)]).unwrap();
    (t, Target::Labels(Labels::new(vec!["lo".into(), "mid".into(), "hi".into()], y).unwrap()))
}

#[test]
fn the_model_file_does_not_depend_on_the_thread_count() {
    let (x, y) = mixed_table(20_000, 1);
    let params = |threads| Gbdt {
        n_estimators: 15,
        num_leaves: 70, // enough leaves for the row-wise histogram path
        min_data_in_leaf: 5,
        bagging_fraction: 0.7,
        bagging_freq: 1,
        feature_fraction: 0.7,
        seed: 42,
        num_threads: threads,
        ..Default::default()
    };
    let data = Dataset::supervised(Features::Table(&x), &y);
    let files: Vec<Vec<u8>> =
        [1, 2, 3, 4].iter().map(|&t| file(&train(&params(t), &data, &mut FitContext::default()).unwrap())).collect();
    assert!(files.windows(2).all(|w| w[0] == w[1]), "files differ between thread counts");
    // And a different seed changes the model (the check can fail).
    let other = Gbdt { seed: 7, ..params(2) };
    assert_ne!(file(&train(&other, &data, &mut FitContext::default()).unwrap()), files[0]);
}

#[test]
fn mostly_zero_data_is_summed_sparsely_and_deterministically() {
    // 80% zeros: the histograms are built from each row's non-zero bins.
    let mut rng = Rng::new(3);
    let x = Array2::from_shape_fn((20_000, 40), |_| if rng.uniform() < 0.8 { 0.0 } else { rng.normal() });
    let y: Vec<u32> = x.rows().into_iter().map(|r| u32::from(r[0] + r[1] - r[2] + 0.5 * r[3] > 0.0)).collect();
    let y = Target::Labels(Labels::new(vec!["0".into(), "1".into()], y).unwrap());
    let params =
        |threads| Gbdt { n_estimators: 10, num_leaves: 31, seed: 1, num_threads: threads, ..Default::default() };
    let data = Dataset::supervised(Features::Dense(x.view()), &y);
    let models: Vec<GbdtModel> =
        [1, 2, 4].iter().map(|&t| train(&params(t), &data, &mut FitContext::default()).unwrap()).collect();
    assert!(models.windows(2).all(|w| file(&w[0]) == file(&w[1])), "files differ between thread counts");
    // The model learned the signal in the sparse columns.
    let p = models[0].predict_raw(Features::Dense(x.view()), None).unwrap();
    let Target::Labels(labels) = &y else { unreachable!() };
    let hits = p.iter().zip(labels.codes()).filter(|(s, &c)| (**s > 0.0) == (c == 1)).count();
    assert!(hits as f64 > 0.9 * 20_000.0, "training accuracy {}", hits as f64 / 20_000.0);
}

#[test]
fn one_split_by_hand() {
    // y = [1, 2, 10, 12] at x = [0, 1, 2, 3]; one round, two leaves, lr 1, no
    // starting average: the best split is x <= 1.5 (gain from separating the
    // means 1.5 and 11; the threshold is LightGBM's, the midpoint's next
    // double), and the leaves hold those means as LightGBM 4.7.0 computes
    // them, with its epsilon in the hessian sums: 3 / (2 + 1e-15) and so on.
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = [1.0, 2.0, 10.0, 12.0];
    let p = Gbdt {
        n_estimators: 1,
        num_leaves: 2,
        learning_rate: 1.0,
        min_data_in_leaf: 1,
        min_data_in_bin: 1,
        min_sum_hessian_in_leaf: 0.0,
        boost_from_average: false,
        ..Default::default()
    };
    let m = ironlearn_core::Fit::fit(&p, x.view(), &y[..]).unwrap();
    let t = &m.trees()[0];
    assert_eq!(t.num_leaves(), 2);
    assert_eq!(t.threshold[0], 1.5f64.next_up());
    assert_eq!(
        m.predict_values(array![[0.5], [2.5]].view()).unwrap().to_vec(),
        vec![1.4999999999999993, 10.999999999999995]
    );
    // Gain = G_L²/H_L + G_R²/H_R - G²/H with g = -y: 9/2 + 484/2 - 625/4.
    assert!((t.split_gain[0] - (4.5 + 242.0 - 156.25)).abs() < 1e-9, "{}", t.split_gain[0]);
}

#[test]
fn save_load_and_continued_training() {
    let (x, y) = mixed_table(3_000, 3);
    let data = Dataset::supervised(Features::Table(&x), &y);
    let p = Gbdt { n_estimators: 10, min_data_in_leaf: 5, ..Default::default() };
    let m = train(&p, &data, &mut FitContext::default()).unwrap();
    let again = GbdtModel::from_bytes(&file(&m)).unwrap();
    assert_eq!(
        again.predict_raw(Features::Table(&x), None).unwrap(),
        m.predict_raw(Features::Table(&x), None).unwrap()
    );
    // The hessian sums (LightGBM's leaf_weight, internal_weight) add up from
    // the leaves to the root and survive the file.
    for (t, back) in m.trees().iter().zip(again.trees()) {
        assert_eq!((&t.leaf_weight, &t.internal_weight), (&back.leaf_weight, &back.internal_weight));
        assert_eq!(t.leaf_weight.len(), t.num_leaves());
        if t.num_splits() > 0 {
            let total: f64 = t.leaf_weight.iter().sum();
            assert!(total > 0.0 && (t.internal_weight[0] - total).abs() < 1e-9 * total, "{total}");
        }
    }
    let more = train(&p, &data, &mut FitContext { init_model: Some(&again), ..Default::default() }).unwrap();
    assert_eq!(more.num_iterations(), 20);
    // The first ten rounds are the original model's.
    assert_eq!(
        more.predict_raw(Features::Table(&x), Some(10)).unwrap(),
        m.predict_raw(Features::Table(&x), None).unwrap()
    );
}

#[test]
fn early_stopping_keeps_the_best_round() {
    let mut rng = Rng::new(5);
    let x = Array2::from_shape_fn((4_000, 3), |_| rng.normal());
    let y: Vec<f64> = x.rows().into_iter().map(|r| r[0] + rng.normal() * 2.0).collect();
    let (tr, va) = (x.slice(ndarray::s![..3000, ..]), x.slice(ndarray::s![3000.., ..]));
    let (ytr, yva) = (Target::Values(y[..3000].to_vec()), Target::Values(y[3000..].to_vec()));
    let p = Gbdt { n_estimators: 500, learning_rate: 0.3, early_stopping_round: 10, ..Default::default() };
    let valid = vec![("valid".to_string(), Dataset::supervised(Features::Dense(va), &yva))];
    let m = train(&p, &Dataset::supervised(Features::Dense(tr), &ytr), &mut FitContext { valid, ..Default::default() })
        .unwrap();
    let best = m.best_iteration().unwrap();
    assert!(best < 100 && m.num_iterations() == best + 10, "best {best}, rounds {}", m.num_iterations());
    let l2 = &m.evals()[0].values;
    assert!(l2[best - 1] <= l2.iter().cloned().fold(f64::INFINITY, f64::min) + 1e-12);
}

#[test]
fn a_hand_written_lightgbm_model_predicts_as_written() {
    // Two trees: x0 <= 0.5 (NaN goes left) -> 1 | 2; then a categorical split
    // on x1 in {1, 3} -> 10 | 20.
    let text = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\n\
objective=regression\nfeature_names=a b\nfeature_infos=[0:1] 1:3:5\n\nTree=0\nnum_leaves=2\nnum_cat=0\n\
split_feature=0\nsplit_gain=1\nthreshold=0.5\ndecision_type=10\nleft_child=-1\nright_child=-2\nleaf_value=1 2\n\
leaf_count=5 5\ninternal_value=0\ninternal_count=10\nshrinkage=1\n\nTree=1\nnum_leaves=2\nnum_cat=1\n\
split_feature=1\nsplit_gain=1\nthreshold=0\ndecision_type=1\nleft_child=-1\nright_child=-2\nleaf_value=10 20\n\
leaf_count=5 5\ninternal_value=0\ninternal_count=10\ncat_boundaries=0 1\ncat_threshold=10\nshrinkage=1\n\nend of trees\n";
    let m = from_lightgbm_text(text).unwrap();
    let x = array![[0.2, 1.0], [0.9, 3.0], [f64::NAN, 5.0], [0.9, f64::NAN]];
    assert_eq!(
        m.predict_raw(Features::Dense(x.view()), None).unwrap().column(0).to_vec(),
        vec![11.0, 12.0, 21.0, 22.0]
    );
    assert!(from_lightgbm_text("tree\nnum_class=1\n").unwrap_err().to_string().contains("LightGBM model"));
    assert!(from_lightgbm_text("not a model").is_err());
}

#[test]
fn small_batches_predict_as_single_rows_on_any_thread_count() {
    // Small batches are walked by the calling thread with pool threads
    // helping; every row must score exactly as when predicted alone.
    let mut rng = Rng::new(3);
    let n = 3000;
    let x = Array2::from_shape_fn((n, 3), |(_, j)| match j {
        2 => rng.below(30) as f64,
        _ if rng.uniform() < 0.05 => f64::NAN,
        _ => rng.normal(),
    });
    let y: Vec<f64> = x
        .rows()
        .into_iter()
        .map(|r| r[0].max(0.0) - r[1].max(-2.0) + f64::from((r[2] as u32).is_multiple_of(3)))
        .collect();
    for categorical in [vec![], vec!["2".to_string()]] {
        let params = Gbdt { n_estimators: 20, num_leaves: 15, categorical_feature: categorical, ..Default::default() };
        let model = train(
            &params,
            &Dataset::supervised(Features::Dense(x.view()), &Target::Values(y.clone())),
            &mut FitContext::default(),
        )
        .unwrap();
        let one = |i: usize| model.predict_raw(Features::Dense(x.slice(s![i..i + 1, ..])), None).unwrap()[[0, 0]];
        let want: Vec<f64> = (0..300).map(one).collect();
        for m in [5, 17, 100, 300] {
            let batch = || model.predict_raw(Features::Dense(x.slice(s![..m, ..])), None).unwrap().column(0).to_vec();
            assert_eq!(batch(), want[..m], "{m} rows from outside the pool");
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                assert_eq!(pool.install(batch), want[..m], "{m} rows inside a pool of {threads}");
            }
        }
    }
}

/// Found by `cargo fuzz` (fuzz/, target model_load): a pipeline's booster
/// whose categorical splits name category sets around 1e137 overflowed `k + 1`
/// while the tree was validated on load. The file is the fuzzer's input,
/// re-signed so that its checksum holds.
#[test]
fn a_huge_category_set_index_is_refused_on_load() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/gbdt_huge_category_threshold.model");
    let file = ModelFile::from_bytes(&std::fs::read(path).unwrap()).unwrap();
    let (_, mut parts) = file.into_parts();
    let step = &parts.state["steps"][0];
    assert_eq!(step["kind"], "gbdt");
    let booster = ironlearn_core::Parts {
        params: step["params"].clone(),
        state: step["state"].clone(),
        arrays: parts.arrays.take_sub("0"),
    };
    let err = GbdtModel::from_parts(&booster).unwrap_err().to_string();
    assert!(err.contains("names a missing category set"), "{err}");
}

#[test]
fn parameters_and_labels_the_booster_cannot_learn_from_are_named() {
    let x = Array2::from_shape_fn((60, 2), |(i, j)| ((i * (j + 2)) % 17) as f64);
    let values: Vec<f64> = (0..60).map(|i| (i % 5) as f64).collect();
    let y = Target::Values(values.clone());
    let fail = |p: Gbdt, y: &Target, group: Option<&[usize]>| -> String {
        let d = Dataset { group, ..Dataset::supervised(Features::Dense(x.view()), y) };
        train(&p, &d, &mut FitContext::default()).unwrap_err().to_string()
    };
    let quantile = Gbdt { objective: "quantile".into(), alpha: 1.5, ..Default::default() };
    assert!(fail(quantile, &y, None)
        .contains("'alpha': the quantile objective needs the quantile alpha in (0, 1), got 1.5"));
    let deep = fail(Gbdt { max_depth: -5, ..Default::default() }, &y, None);
    assert!(deep.contains("max_depth") && deep.contains("-5"), "{deep}");
    let huge = Gbdt { learning_rate: 1e308, min_data_in_leaf: 2, ..Default::default() };
    let e = fail(huge, &y, None);
    assert!(e.contains("training diverged in round") && e.contains("lower learning_rate"), "{e}");
    // Relevance labels 0..4 need five gains.
    let rank = Gbdt { objective: "lambdarank".into(), label_gain: vec![0.0, 1.0], ..Default::default() };
    let e = fail(rank, &y, Some(&[30, 30]));
    assert!(e.contains("relevance label 2 has no gain: label_gain has 2 values") && e.contains("(row 2)"), "{e}");
    let negative = Target::Values(values.iter().map(|v| v - 2.0).collect());
    let e = fail(Gbdt { objective: "poisson".into(), ..Default::default() }, &negative, None);
    assert!(e.contains("needs non-negative labels, got -2 (and 23 more such labels) (row 0)"), "{e}");
}

#[test]
fn a_metric_of_the_wrong_kind_is_refused_not_read_past_the_scores() {
    let x = Array2::from_shape_fn((40, 2), |(i, j)| ((i * (j + 2)) % 13) as f64);
    let two = Target::Labels(Labels::new(vec!["a".into(), "b".into()], (0..40).map(|i| i % 2).collect()).unwrap());
    let three = Target::Labels(
        Labels::new(vec!["a".into(), "b".into(), "c".into()], (0..40).map(|i| i % 3).collect()).unwrap(),
    );
    for (y, metric) in [(&two, "multi_logloss"), (&three, "binary_logloss"), (&three, "l2")] {
        let p = Gbdt { metric: vec![metric.into()], n_estimators: 2, ..Default::default() };
        let valid = Dataset::supervised(Features::Dense(x.view()), y);
        let mut ctx = FitContext { valid: vec![("v".into(), valid)], ..Default::default() };
        let e = train(&p, &Dataset::supervised(Features::Dense(x.view()), y), &mut ctx).unwrap_err().to_string();
        assert!(e.contains("Multiclass objective and metrics don't match") && e.contains(metric), "{e}");
    }
}

#[test]
fn saved_as_lightgbm_text_a_model_reads_back_predicting_the_same() {
    let (x, y) = mixed_table(3000, 5);
    let params = Gbdt { n_estimators: 12, num_leaves: 15, min_data_in_leaf: 5, ..Default::default() };
    let model = train(&params, &Dataset::supervised(Features::Table(&x), &y), &mut FitContext::default()).unwrap();
    let text = model.to_lightgbm_text(None, 0).unwrap();
    assert!(text.starts_with("tree\nversion=v4\nnum_class=3\n"), "{}", &text[..60]);
    assert!(text.contains("objective=multiclass num_class:3\n") && text.contains("\npandas_categorical:[[\"c"));
    let back = from_lightgbm_text(&text).unwrap();
    let (a, b) =
        (model.predict_raw(Features::Table(&x), None).unwrap(), back.predict_raw(Features::Table(&x), None).unwrap());
    // The starting scores moved into the first round's leaves: equal up to the rounding of that one addition.
    let diff = a.iter().zip(&b).map(|(p, q)| (p - q).abs()).fold(0.0, f64::max);
    assert!(diff <= 1e-12, "raw scores differ by {diff}");
    // Later rounds alone carry no starting score, as in LightGBM.
    let tail = from_lightgbm_text(&model.to_lightgbm_text(Some(4), 8).unwrap()).unwrap();
    assert_eq!(tail.num_iterations(), 4);
}

#[test]
fn a_random_forest_averages_its_trees_whatever_the_thread_count() {
    let (x, y) = mixed_table(2000, 11);
    let params = |threads| Gbdt {
        boosting: "rf".into(),
        n_estimators: 12,
        bagging_fraction: 0.6,
        bagging_freq: 1,
        num_threads: threads,
        ..Default::default()
    };
    let data = Dataset::supervised(Features::Table(&x), &y);
    let model = train(&params(1), &data, &mut FitContext::default()).unwrap();
    assert_eq!(file(&model), file(&train(&params(3), &data, &mut FitContext::default()).unwrap()));
    // The raw score is the mean of the trees, each carrying the starting score (which is 0 here).
    assert!(model.init_score().iter().all(|&v| v == 0.0));
    let raw = model.predict_raw(Features::Table(&x), None).unwrap();
    let leaves = model.predict_leaf(Features::Table(&x), None).unwrap();
    for i in [0, 7, 1999] {
        for c in 0..3 {
            let sum: f64 = (0..12).map(|r| model.trees()[r * 3 + c].leaf_value[leaves[[i, r * 3 + c]] as usize]).sum();
            assert!((raw[[i, c]] - sum / 12.0).abs() < 1e-12);
        }
    }
    // LightGBM's text marks it average_output and reads back the same.
    let text = model.to_lightgbm_text(None, 0).unwrap();
    assert!(text.contains("\naverage_output\n"));
    let back = from_lightgbm_text(&text).unwrap();
    let diff =
        (&back.predict_raw(Features::Table(&x), None).unwrap() - &raw).mapv(f64::abs).fold(0.0f64, |a, &b| a.max(b));
    assert!(diff < 1e-12, "{diff}");
    // Without sampling every tree would be the same: refused.
    let same = Gbdt { bagging_freq: 0, ..params(1) };
    let e = train(&same, &data, &mut FitContext::default()).unwrap_err().to_string();
    assert!(e.contains("needs row or feature sampling"), "{e}");
}
