//! The booster's hyperparameters, named as LightGBM names them.
//!
//! LightGBM users switch by keeping their parameter dictionaries: every
//! parameter has LightGBM's name and its common aliases (XGBoost's and
//! scikit-learn's included).

use ironlearn_core::{hyperparams, Domain};

pub(crate) const OBJECTIVES: &[&str] = &[
    "auto",
    "regression",
    "l2",
    "mse",
    "mean_squared_error",
    "regression_l2",
    "rmse",
    "l2_root",
    "root_mean_squared_error",
    "regression_l1",
    "l1",
    "mae",
    "mean_absolute_error",
    "huber",
    "fair",
    "mape",
    "mean_absolute_percentage_error",
    "quantile",
    "poisson",
    "gamma",
    "tweedie",
    "cross_entropy",
    "xentropy",
    "binary",
    "multiclass",
    "softmax",
    "multiclassova",
    "multiclass_ova",
    "ova",
    "ovr",
    "lambdarank",
    "rank_xendcg",
    "xendcg",
    "xe_ndcg",
    "xe_ndcg_mart",
    "xendcg_mart",
];

hyperparams! {
    /// Gradient-boosted decision trees: histogram-based, leaf-wise, LightGBM-compatible.
    ///
    /// ```
    /// use ironlearn_boost::Gbdt;
    /// use ironlearn_core::Fit;
    /// use ndarray::Array2;
    ///
    /// // y = 1 when x0 > 0.5: one split learns it.
    /// let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 200) as f64 / 200.0);
    /// let y: Vec<f64> = x.column(0).iter().map(|&v| if v > 0.5 { 1.0 } else { 0.0 }).collect();
    /// let params = Gbdt { n_estimators: 20, min_data_in_leaf: 5, ..Default::default() };
    /// let model = params.fit(x.view(), &y[..])?;
    /// let pred = model.predict_values(x.view())?;
    /// let mse = pred.iter().zip(&y).map(|(p, t)| (p - t).powi(2)).sum::<f64>() / 200.0;
    /// assert!(mse < 0.01);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "gbdt"]
    #[aliases("gbm", "lightgbm", "boosting", "gradient_boosting")]
    #[tags(sample_weight, missing_values, categorical, predict_proba, validation)]
    pub struct Gbdt {
        /// The loss: "auto" (from the target), regression (l2), regression_l1, huber, fair, mape,
        /// quantile, poisson, gamma, tweedie, cross_entropy (labels in [0, 1]), binary, multiclass,
        /// multiclassova (one-vs-all), lambdarank, rank_xendcg.
        objective: String = "auto".into(), alias("objective_type", "app", "application", "loss"),
            domain(Domain::choice(OBJECTIVES));
        /// The boosting type: "gbdt", or "rf" (a random forest: trees fit from the starting score on
        /// their own bags, unshrunk, averaged; needs bagging or feature_fraction < 1).
        boosting: String = "gbdt".into(), alias("boosting_type", "boost");
        /// The number of boosting rounds.
        n_estimators: usize = 100, alias("num_iterations", "num_iteration", "n_iter", "num_tree", "num_trees",
            "num_round", "num_rounds", "nrounds", "num_boost_round"), domain(Domain::int_min(1));
        /// The shrinkage applied to every tree.
        learning_rate: f64 = 0.1, alias("shrinkage_rate", "eta"), domain(Domain::positive());
        /// The maximum number of leaves per tree.
        num_leaves: usize = 31, alias("num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"),
            domain(Domain::int_range(2, 131_072));
        /// The maximum tree depth; -1 or 0 means no limit.
        max_depth: i64 = -1, domain(Domain::int_min(-1));
        /// The minimum number of rows in a leaf.
        min_data_in_leaf: usize = 20, alias("min_data_per_leaf", "min_data", "min_child_samples", "min_samples_leaf");
        /// The minimum sum of hessians in a leaf.
        min_sum_hessian_in_leaf: f64 = 1e-3, alias("min_sum_hessian_per_leaf", "min_sum_hessian", "min_hessian",
            "min_child_weight"), domain(Domain::float_min(0.0));
        /// The minimum gain for a split.
        min_gain_to_split: f64 = 0.0, alias("min_split_gain", "gamma_split"), domain(Domain::float_min(0.0));
        /// L1 regularisation of leaf values.
        lambda_l1: f64 = 0.0, alias("reg_alpha", "l1_regularization"), domain(Domain::float_min(0.0));
        /// L2 regularisation of leaf values.
        lambda_l2: f64 = 0.0, alias("reg_lambda", "lambda", "l2_regularization"), domain(Domain::float_min(0.0));
        /// The maximum number of bins per feature.
        max_bin: usize = 255, alias("max_bins"), domain(Domain::int_range(2, 255));
        /// The minimum number of rows in a bin.
        min_data_in_bin: usize = 3, domain(Domain::int_min(1));
        /// The rows sampled to find bin boundaries.
        bin_construct_sample_cnt: usize = 200_000, alias("subsample_for_bin"), domain(Domain::int_min(1));
        /// The fraction of rows used per bagging round.
        bagging_fraction: f64 = 1.0, alias("sub_row", "subsample", "bagging"), domain(Domain::float_between(0.0, 1.0, true, false));
        /// Re-draw the bag every this many rounds; 0 disables bagging.
        bagging_freq: usize = 0, alias("subsample_freq");
        /// The fraction of features considered per tree.
        feature_fraction: f64 = 1.0, alias("sub_feature", "colsample_bytree"), domain(Domain::float_between(0.0, 1.0, true, false));
        /// The seed of every random choice (bagging, feature sampling, bin sampling).
        seed: u64 = 0, alias("random_seed", "random_state", "bagging_seed", "feature_fraction_seed", "data_random_seed");
        /// Threads; 0 uses every core. The model does not depend on it.
        num_threads: usize = 0, alias("num_thread", "nthread", "nthreads", "n_jobs");
        /// Huber's delta and the quantile objective's quantile.
        alpha: f64 = 0.9, domain(Domain::positive());
        /// The Fair loss's scale c (objective and metric "fair").
        fair_c: f64 = 1.0, domain(Domain::positive());
        /// The slope of the one-vs-all sigmoids, `1 / (1 + exp(-sigmoid * score))` (multiclassova).
        sigmoid: f64 = 1.0, domain(Domain::positive());
        /// The seed of rank_xendcg's label noise; query q draws from LightGBM's generator seeded `objective_seed + q`.
        objective_seed: i64 = 5;
        /// Tweedie's variance power, in [1, 2).
        tweedie_variance_power: f64 = 1.5, domain(Domain::float_between(1.0, 2.0, false, true));
        /// Poisson's safeguard on the hessian.
        poisson_max_delta_step: f64 = 0.7, domain(Domain::positive());
        /// The number of classes (multiclass only; 0 = from the target).
        num_class: usize = 0, alias("num_classes");
        /// Start from the label average (or its link).
        boost_from_average: bool = true;
        /// Stop when the first validation metric has not improved for this many rounds; 0 disables.
        early_stopping_round: usize = 0, alias("early_stopping_rounds", "early_stopping", "n_iter_no_change");
        /// Validation metrics ("" = the objective's default), comma-separated in LightGBM style.
        metric: Vec<String> = Vec::new(), alias("metrics", "metric_types", "eval_metric");
        /// multi_error counts a row as right when its class is among the top this many scores
        /// (reported as "multi_error@k" when above 1).
        multi_error_top_k: usize = 1, domain(Domain::int_min(1));
        /// auc_mu's cost of confusing class i for class j, as the flattened k x k matrix
        /// (entry i * k + j; the diagonal is ignored); empty = 1 for every pair.
        auc_mu_weights: Vec<f64> = Vec::new();
        /// Per-feature monotone constraints: 1 increasing, -1 decreasing, 0 none.
        monotone_constraints: Vec<i64> = Vec::new(), alias("mc", "monotone_constraint");
        /// Features to treat as categorical, by name or index (tables mark text columns by themselves).
        categorical_feature: Vec<String> = Vec::new(), alias("cat_feature", "categorical_column", "cat_column", "categorical_features");
        /// One-vs-rest splits for categorical features with at most this many categories.
        max_cat_to_onehot: usize = 4, domain(Domain::int_min(1));
        /// The most categories on one side of a categorical split.
        max_cat_threshold: usize = 32, domain(Domain::int_min(1));
        /// Smoothing of category statistics when ordering categories.
        cat_smooth: f64 = 10.0, domain(Domain::float_min(0.0));
        /// Extra L2 regularisation for categorical splits.
        cat_l2: f64 = 10.0, domain(Domain::float_min(0.0));
        /// The minimum rows per category group in a categorical split.
        min_data_per_group: usize = 100, domain(Domain::int_min(1));
        /// NDCG truncation for lambdarank.
        lambdarank_truncation_level: usize = 30, domain(Domain::int_min(1));
        /// Positions at which NDCG is reported.
        eval_at: Vec<usize> = vec![1, 2, 3, 4, 5], alias("ndcg_eval_at", "ndcg_at", "map_eval_at", "map_at");
        /// Gains of the relevance labels (default 2^i - 1).
        label_gain: Vec<f64> = Vec::new();
        /// LightGBM's logging level; accepted for compatibility, unused.
        verbosity: i64 = -1, alias("verbose");
        /// Missing values (NaN) get their own bin and a learnt direction; false reads NaN as 0.
        use_missing: bool = true;
        /// Zeros count as missing, with NaN (sparse data whose zeros mean "not recorded").
        zero_as_missing: bool = false;
        /// Pulls each leaf's output toward its parent's: a leaf of n rows gets
        /// `w * (n / s) / (n / s + 1) + w_parent / (n / s + 1)`; 0 disables, above 0 needs min_data_in_leaf >= 2 (raised to it).
        path_smooth: f64 = 0.0, domain(Domain::float_min(0.0));
        /// Extremely randomized trees: each feature is tried at one random threshold per node.
        extra_trees: bool = false, alias("extra_tree");
        /// The seed of extra_trees' random thresholds.
        extra_seed: u64 = 6;
        /// The fraction of the tree's features considered at each node (after feature_fraction).
        feature_fraction_bynode: f64 = 1.0, alias("sub_feature_bynode", "colsample_bynode"),
            domain(Domain::float_between(0.0, 1.0, true, false));
        /// Sets of feature indices that may share a branch: a node may split on a feature only if one
        /// set holds it and every feature split on above it; features in no set are never used. Empty = none.
        interaction_constraints: Vec<Vec<usize>> = Vec::new();
        /// Per-feature max_bin, one entry per feature, each in [2, 255]; empty uses max_bin for every feature.
        max_bin_by_feature: Vec<usize> = Vec::new();
    }
}
