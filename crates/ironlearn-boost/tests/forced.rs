//! Forced splits and forced bins (LightGBM's `forcedsplits_filename` and
//! `forcedbins_filename`): every tree starts with the file's splits whatever
//! the feature sampling, the bins keep the file's bounds, models stay
//! independent of the thread count, and bad files are named.

use ironlearn_boost::{dataset_bins, train, Dataset, Gbdt, GbdtModel};
use ironlearn_core::{Features, FitContext, ModelFile, Rng, Target};
use ndarray::Array2;

/// `text` in a file of its own, removed when dropped.
struct JsonFile(std::path::PathBuf);

impl JsonFile {
    fn new(name: &str, text: &str) -> JsonFile {
        let path = std::env::temp_dir().join(format!("ironlearn-{name}-{}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        JsonFile(path)
    }

    fn path(&self) -> String {
        self.0.to_str().unwrap().to_string()
    }
}

impl Drop for JsonFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Six features; the first two informative, the others weakly or not at all.
fn data(n: usize) -> (Array2<f64>, Target) {
    let mut rng = Rng::new(7);
    let x = Array2::from_shape_fn((n, 6), |_| rng.normal());
    let y = x.rows().into_iter().map(|r| 3.0 * r[0] + 2.0 * r[1] + 0.3 * r[3] + 0.2 * rng.normal()).collect();
    (x, Target::Values(y))
}

fn fit(p: &Gbdt, x: &Array2<f64>, y: &Target) -> ironlearn_core::Result<GbdtModel> {
    train(p, &Dataset::supervised(Features::Dense(x.view()), y), &mut FitContext::default())
}

fn bytes(model: &GbdtModel) -> Vec<u8> {
    let mut f = ModelFile::from_model(model).unwrap();
    f.header.created = "fixed".into();
    f.to_bytes().unwrap()
}

#[test]
fn every_tree_starts_with_the_forced_splits_breadth_first() {
    let (x, y) = data(600);
    // Weak features forced at the top: normal growth would start with feature 0.
    let file = JsonFile::new(
        "forced-splits",
        r#"{"feature": 3, "threshold": 0.0, "left": {"feature": 4, "threshold": 0.5}, "right": {"feature": 5, "threshold": -0.5}}"#,
    );
    for fraction in [1.0, 0.5] {
        let p = Gbdt {
            n_estimators: 15,
            num_leaves: 8,
            feature_fraction: fraction,
            forcedsplits_filename: file.path(),
            ..Default::default()
        };
        let models: Vec<GbdtModel> =
            [1, 4].iter().map(|&t| fit(&Gbdt { num_threads: t, ..p.clone() }, &x, &y).unwrap()).collect();
        assert_eq!(bytes(&models[0]), bytes(&models[1]), "models differ between thread counts");
        for t in models[0].trees() {
            let (l, r) = (t.left_child[0] as usize, t.right_child[0] as usize);
            assert_eq!([t.split_feature[0], t.split_feature[l], t.split_feature[r]], [3, 4, 5], "fraction {fraction}");
            // The threshold is the upper bound of the bin holding the file's value.
            assert!((0.0..0.05).contains(&t.threshold[0]), "{}", t.threshold[0]);
            assert!((0.5..0.6).contains(&t.threshold[l]) && (-0.5..-0.4).contains(&t.threshold[r]));
            assert_eq!(t.num_splits(), 7, "normal growth goes on below the forced splits");
        }
    }
    // Without the file feature 0 comes first.
    let plain = fit(&Gbdt { n_estimators: 15, num_leaves: 8, ..Default::default() }, &x, &y).unwrap();
    assert_eq!(plain.trees()[0].split_feature[0], 0);
}

#[test]
fn forced_splits_ignore_the_leaf_size_limits() {
    let (x, y) = data(300);
    // Leaves of about 150 rows cannot split under min_data_in_leaf = 100; forced splits still do.
    let file = JsonFile::new(
        "small-leaves",
        r#"{"feature": 0, "threshold": 0, "left": {"feature": 1, "threshold": 0}, "right": {"feature": 1, "threshold": 0}}"#,
    );
    let p = Gbdt { n_estimators: 3, min_data_in_leaf: 100, forcedsplits_filename: file.path(), ..Default::default() };
    let models: Vec<GbdtModel> =
        [1, 3].iter().map(|&t| fit(&Gbdt { num_threads: t, ..p.clone() }, &x, &y).unwrap()).collect();
    assert_eq!(bytes(&models[0]), bytes(&models[1]), "models differ between thread counts");
    for t in models[0].trees() {
        assert_eq!(t.num_splits(), 3);
        assert_eq!(t.split_feature, vec![0, 1, 1]);
        assert!(t.leaf_count.iter().all(|&c| c < 100.0 && c > 0.0), "{:?}", t.leaf_count);
    }
}

#[test]
fn a_forced_split_that_does_not_help_leaves_the_tree_to_normal_growth() {
    let (x, y) = data(300);
    // Every value is below 100: the split would leave its right side empty.
    let file =
        JsonFile::new("useless-split", r#"{"feature": 2, "threshold": 100, "left": {"feature": 1, "threshold": 0}}"#);
    let p = Gbdt { n_estimators: 5, ..Default::default() };
    let forced = fit(&Gbdt { forcedsplits_filename: file.path(), ..p.clone() }, &x, &y).unwrap();
    let plain = fit(&p, &x, &y).unwrap();
    assert_eq!(forced.trees(), plain.trees());
}

#[test]
fn bad_forced_split_files_are_named() {
    let (x, y) = data(100);
    let file =
        JsonFile::new("bad-index", r#"{"feature": 0, "threshold": 0.5, "left": {"feature": 6, "threshold": 0.5}}"#);
    let e = fit(&Gbdt { forcedsplits_filename: file.path(), ..Default::default() }, &x, &y).unwrap_err().to_string();
    assert!(
        e.contains("Forced splits file includes feature index 6, but maximum feature index in dataset is 5"),
        "{e}"
    );
    assert!(e.contains(&file.path()), "{e}");
    let e =
        fit(&Gbdt { forcedsplits_filename: "/no/such/file.json".into(), ..Default::default() }, &x, &y).unwrap_err();
    assert!(e.to_string().contains("forcedsplits_filename") && e.to_string().contains("/no/such/file.json"), "{e}");
}

/// LightGBM's test_forced_bins data: x0 = 0, 0.01, ..., 0.99, x1 = -x0, y = x0.
fn ramp() -> (Array2<f64>, Target) {
    let x = Array2::from_shape_fn((100, 2), |(i, j)| if j == 0 { i as f64 / 100.0 } else { -(i as f64) / 100.0 });
    (x, Target::Values((0..100).map(|i| i as f64 / 100.0).collect()))
}

#[test]
fn forced_bins_are_the_thresholds_trees_can_use() {
    let (x, y) = ramp();
    let file = JsonFile::new(
        "forced-bins",
        r#"[{"feature": 0, "bin_upper_bound": [0.3, 0.35, 0.4]}, {"feature": 1, "bin_upper_bound": [-0.1, -0.15, -0.2]}]"#,
    );
    let p = Gbdt {
        objective: "regression_l1".into(),
        max_bin: 5,
        num_leaves: 2,
        min_data_in_leaf: 1,
        n_estimators: 20,
        forcedbins_filename: file.path(),
        ..Default::default()
    };
    let (counts, _) = dataset_bins(&Features::Dense(x.view()), &p).unwrap();
    assert_eq!(counts, vec![5, 5]);
    let m = fit(&p, &x, &y).unwrap();
    let allowed = [0.3, 0.35, 0.4, -0.1, -0.15, -0.2];
    for t in m.trees().iter().filter(|t| t.num_splits() > 0) {
        let th = t.threshold[0];
        assert!(allowed.contains(&th) || th.abs() < 1e-30, "threshold {th} is not a forced bound");
    }
    // Values of x0 between the forced bounds get their own predictions (LightGBM's check).
    let new = Array2::from_shape_vec((3, 2), vec![0.31, 0.0, 0.37, 0.0, 0.41, 0.0]).unwrap();
    let pred = m.predict_values(new.view()).unwrap();
    assert!(pred[0] != pred[1] && pred[1] != pred[2] && pred[0] != pred[2], "{pred:?}");
}

#[test]
fn the_free_bins_share_the_values_between_forced_bounds() {
    let (x, _) = ramp();
    let x = x.slice(ndarray::s![.., ..1]).to_owned();
    let file = JsonFile::new("forced-bins2", r#"[{"feature": 0, "bin_upper_bound": [0.19, 0.39, 0.59, 0.79]}]"#);
    let p = Gbdt { max_bin: 11, forcedbins_filename: file.path(), ..Default::default() };
    let (counts, bins) = dataset_bins(&Features::Dense(x.view()), &p).unwrap();
    assert_eq!(counts, vec![11]);
    let mut per_bin = vec![0; 11];
    bins.column(0).iter().skip(1).for_each(|&b| per_bin[b as usize] += 1);
    assert!(per_bin[1..].iter().all(|c| (9..=11).contains(c)), "{per_bin:?}");
    let bad = JsonFile::new("bad-bins", r#"[{"feature": 1, "bin_upper_bound": [0.5]}]"#);
    let e =
        dataset_bins(&Features::Dense(x.view()), &Gbdt { forcedbins_filename: bad.path(), ..p.clone() }).unwrap_err();
    assert!(e.to_string().contains("forcedbins_filename") && e.to_string().contains("names feature 1"), "{e}");
}
