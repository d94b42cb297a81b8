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
    #[tags(sample_weight, missing_values, categorical, predict_proba, decision_function, validation)]
    pub struct Gbdt {
        /// The loss: "auto" (from the target), regression (l2), regression_l1, huber, fair, mape,
        /// quantile, poisson, gamma, tweedie, cross_entropy (labels in [0, 1]), binary, multiclass,
        /// multiclassova (one-vs-all), lambdarank, rank_xendcg.
        objective: String = "auto".into(), alias("objective_type", "app", "application", "loss"),
            domain(Domain::choice(OBJECTIVES));
        /// The boosting type: "gbdt", "dart" (each round drops earlier trees, fits the new one without
        /// them, then scales it and them down: drop_rate, max_drop, skip_drop, xgboost_dart_mode,
        /// uniform_drop, drop_seed), "goss" (gbdt with data_sample_strategy "goss"), or "rf" (a random
        /// forest: trees fit from the starting score on their own bags, unshrunk, averaged; needs
        /// bagging, feature_fraction < 1 or GOSS).
        boosting: String = "gbdt".into(), alias("boosting_type", "boost"),
            domain(Domain::choice(&["gbdt", "dart", "goss", "rf"]));
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
        /// How each round samples rows: "bagging" (bagging_fraction of them every bagging_freq rounds), or
        /// "goss" (gradient-based one-side sampling: the top_rate of rows with the largest |gradient x hessian|
        /// and other_rate of the rest, whose gradients weigh (1 - top_rate) / other_rate; not in the first
        /// 1 / learning_rate rounds, and not with bagging).
        data_sample_strategy: String = "bagging".into(), domain(Domain::choice(&["bagging", "goss"]));
        /// Bagging draws whole queries (ranking): each query joins the bag with probability bagging_fraction.
        bagging_by_query: bool = false;
        /// GOSS: the fraction of rows with the largest gradients, always kept.
        top_rate: f64 = 0.2, domain(Domain::float_range(0.0, 1.0));
        /// GOSS: the fraction of rows drawn from the others.
        other_rate: f64 = 0.1, domain(Domain::float_range(0.0, 1.0));
        /// DART (boosting "dart"): the rate at which a round drops earlier trees.
        drop_rate: f64 = 0.1, alias("rate_drop"), domain(Domain::float_range(0.0, 1.0));
        /// DART: the most trees one round drops; 0 or less is no limit.
        max_drop: i64 = 50;
        /// DART: the probability that a round drops no tree.
        skip_drop: f64 = 0.5, domain(Domain::float_range(0.0, 1.0));
        /// DART: XGBoost's normalisation: with k trees dropped the new tree weighs
        /// learning_rate / (learning_rate + k) and the dropped ones k / (learning_rate + k),
        /// instead of learning_rate / (1 + k) and k / (1 + k).
        xgboost_dart_mode: bool = false;
        /// DART: every earlier tree is dropped with the same probability (else in proportion to its weight).
        uniform_drop: bool = false;
        /// DART: the seed of the drops; at 4 (the default) with a seed other than 0, drawn from seed as LightGBM does.
        drop_seed: u64 = 4;
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
        /// How monotone constraints bound leaves: "basic" (both children of a monotone split by
        /// the mean of their outputs), "intermediate" (each leaf by the leaves it faces, updated as
        /// they split) or "advanced" (the same per feature and bin); the last two need
        /// feature_fraction_bynode = 1 (else basic, as in LightGBM).
        monotone_constraints_method: String = "basic".into(), alias("monotone_constraining_method", "mc_method"),
            domain(Domain::choice(&["basic", "intermediate", "advanced"]));
        /// Penalises monotone splits near the root: none on the first floor(p) levels, then a gain
        /// factor rising to 1 with depth; 0 disables.
        monotone_penalty: f64 = 0.0, alias("monotone_splits_penalty", "ms_penalty", "mc_penalty"),
            domain(Domain::float_min(0.0));
        /// Per feature, a factor on the gain of its splits (one per feature); empty = 1 for all.
        feature_contri: Vec<f64> = Vec::new(), alias("feature_contrib", "fc", "fp", "feature_penalty");
        /// Cost-effective gradient boosting: the factor on every cegb_ penalty (below 1, or any
        /// penalty, turns it on).
        cegb_tradeoff: f64 = 1.0, domain(Domain::float_min(0.0));
        /// Cost-effective gradient boosting: a split's cost per row of the leaf split.
        cegb_penalty_split: f64 = 0.0, domain(Domain::float_min(0.0));
        /// Cost-effective gradient boosting: per feature, the cost of each row whose value of it no
        /// split has read yet (one per feature); empty = none.
        cegb_penalty_feature_lazy: Vec<f64> = Vec::new();
        /// Cost-effective gradient boosting: per feature, the cost of its first use in the model
        /// (one per feature); empty = none.
        cegb_penalty_feature_coupled: Vec<f64> = Vec::new();
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
        /// Unbiased lambdarank (with positions given per row): the L2 regularisation of the position
        /// bias factors learnt alongside the trees.
        lambdarank_position_bias_regularization: f64 = 0.0, domain(Domain::float_min(0.0));
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
        /// Piecewise-linear trees: splits as usual, but each leaf predicts a constant plus a linear
        /// model of the numerical features split on along its branch (a NaN there falls back to the
        /// leaf value). Not with zero_as_missing, regression_l1 or dart.
        linear_tree: bool = false, alias("linear_trees");
        /// L2 regularisation of the linear leaves' coefficients (linear_tree).
        linear_lambda: f64 = 0.0, domain(Domain::float_min(0.0));
        /// The fraction of the tree's features considered at each node (after feature_fraction).
        feature_fraction_bynode: f64 = 1.0, alias("sub_feature_bynode", "colsample_bynode"),
            domain(Domain::float_between(0.0, 1.0, true, false));
        /// Sets of feature indices that may share a branch: a node may split on a feature only if one
        /// set holds it and every feature split on above it; features in no set are never used. Empty = none.
        interaction_constraints: Vec<Vec<usize>> = Vec::new();
        /// Per-feature max_bin, one entry per feature, each in [2, 255]; empty uses max_bin for every feature.
        max_bin_by_feature: Vec<usize> = Vec::new();
        /// A JSON file of splits every tree starts with, breadth-first, before leaf-wise growth:
        /// `{"feature": i, "threshold": t, "left": {...}, "right": {...}}` (LightGBM's format). Missing
        /// values go left; a categorical node sends category t left; a split that does not lower the loss
        /// ends the forcing. Empty = none.
        forcedsplits_filename: String = String::new(), alias("fs", "forced_splits_filename", "forced_splits_file", "forced_splits");
        /// A JSON file of bin upper bounds binning must use, `[{"feature": i, "bin_upper_bound": [...]}, ...]`
        /// (LightGBM's format): they are kept (up to max_bin), and the bins left over split the values
        /// between them; categorical features ignore theirs. Empty = none.
        forcedbins_filename: String = String::new();
    }
}
