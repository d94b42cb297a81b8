//! A model's parameters as LightGBM's configuration: the `parameters:` block of its text model.
//!
//! LightGBM writes every one of its parameters there, in its own order and
//! number format, and tools (LightGBM's Python package among them) read
//! parameters back from it. So the block lists all of them: the model's
//! values under LightGBM's names, LightGBM's defaults for what ironlearn does
//! not have, and the seeds LightGBM derives from `seed` when one is set.

use std::fmt::Write;

use crate::booster::GbdtModel;
use crate::Gbdt;

/// LightGBM's parameters after `device_type`, in the order it writes them, with their defaults.
const PARAMETERS: &[(&str, &str)] = &[
    ("data_sample_strategy", "bagging"),
    ("data", ""),
    ("valid", ""),
    ("num_iterations", "100"),
    ("learning_rate", "0.1"),
    ("num_leaves", "31"),
    ("num_threads", "0"),
    ("seed", "0"),
    ("deterministic", "0"),
    ("force_col_wise", "0"),
    ("force_row_wise", "0"),
    ("histogram_pool_size", "-1"),
    ("max_depth", "-1"),
    ("min_data_in_leaf", "20"),
    ("min_sum_hessian_in_leaf", "0.001"),
    ("bagging_fraction", "1"),
    ("pos_bagging_fraction", "1"),
    ("neg_bagging_fraction", "1"),
    ("bagging_freq", "0"),
    ("bagging_seed", "3"),
    ("bagging_by_query", "0"),
    ("feature_fraction", "1"),
    ("feature_fraction_bynode", "1"),
    ("feature_fraction_seed", "2"),
    ("extra_trees", "0"),
    ("extra_seed", "6"),
    ("early_stopping_round", "0"),
    ("early_stopping_min_delta", "0"),
    ("first_metric_only", "0"),
    ("max_delta_step", "0"),
    ("lambda_l1", "0"),
    ("lambda_l2", "0"),
    ("linear_lambda", "0"),
    ("min_gain_to_split", "0"),
    ("drop_rate", "0.1"),
    ("max_drop", "50"),
    ("skip_drop", "0.5"),
    ("xgboost_dart_mode", "0"),
    ("uniform_drop", "0"),
    ("drop_seed", "4"),
    ("top_rate", "0.2"),
    ("other_rate", "0.1"),
    ("min_data_per_group", "100"),
    ("max_cat_threshold", "32"),
    ("cat_l2", "10"),
    ("cat_smooth", "10"),
    ("max_cat_to_onehot", "4"),
    ("top_k", "20"),
    ("monotone_constraints", ""),
    ("monotone_constraints_method", "basic"),
    ("monotone_penalty", "0"),
    ("feature_contri", ""),
    ("forcedsplits_filename", ""),
    ("refit_decay_rate", "0.9"),
    ("cegb_tradeoff", "1"),
    ("cegb_penalty_split", "0"),
    ("cegb_penalty_feature_lazy", ""),
    ("cegb_penalty_feature_coupled", ""),
    ("path_smooth", "0"),
    ("interaction_constraints", ""),
    ("verbosity", "1"),
    ("saved_feature_importance_type", "0"),
    ("use_quantized_grad", "0"),
    ("num_grad_quant_bins", "4"),
    ("quant_train_renew_leaf", "0"),
    ("stochastic_rounding", "1"),
    ("linear_tree", "0"),
    ("max_bin", "255"),
    ("max_bin_by_feature", ""),
    ("min_data_in_bin", "3"),
    ("bin_construct_sample_cnt", "200000"),
    ("data_random_seed", "1"),
    ("is_enable_sparse", "1"),
    ("enable_bundle", "1"),
    ("use_missing", "1"),
    ("zero_as_missing", "0"),
    ("feature_pre_filter", "1"),
    ("pre_partition", "0"),
    ("two_round", "0"),
    ("header", "0"),
    ("label_column", ""),
    ("weight_column", ""),
    ("group_column", ""),
    ("ignore_column", ""),
    ("categorical_feature", ""),
    ("forcedbins_filename", ""),
    ("precise_float_parser", "0"),
    ("parser_config_file", ""),
    ("objective_seed", "5"),
    ("num_class", "1"),
    ("is_unbalance", "0"),
    ("scale_pos_weight", "1"),
    ("sigmoid", "1"),
    ("boost_from_average", "1"),
    ("reg_sqrt", "0"),
    ("alpha", "0.9"),
    ("fair_c", "1"),
    ("poisson_max_delta_step", "0.7"),
    ("tweedie_variance_power", "1.5"),
    ("lambdarank_truncation_level", "30"),
    ("lambdarank_norm", "1"),
    ("label_gain", ""),
    ("lambdarank_position_bias_regularization", "0"),
    ("eval_at", ""),
    ("multi_error_top_k", "1"),
    ("auc_mu_weights", ""),
    ("num_machines", "1"),
    ("local_listen_port", "12400"),
    ("time_out", "120"),
    ("machine_list_filename", ""),
    ("machines", ""),
    ("gpu_platform_id", "-1"),
    ("gpu_device_id", "-1"),
    ("gpu_device_id_list", ""),
    ("gpu_use_dp", "0"),
    ("num_gpu", "1"),
];

/// The seeds LightGBM draws from `seed` when it is given: data_random_seed,
/// bagging_seed, drop_seed, feature_fraction_seed, objective_seed and
/// extra_seed (its `Random(seed).NextShort(0, 32767)`, six times).
pub(crate) fn derived_seeds(seed: u64) -> [u64; 6] {
    let mut r = crate::lightgbm_random::LightGbmRandom::new(seed);
    std::array::from_fn(|_| u64::from(r.next_short(0, 32_767)))
}

/// The seed of DART's drops: `drop_seed`, or at its default with a `seed`
/// other than 0 the one LightGBM derives from `seed`.
pub(crate) fn drop_seed(p: &Gbdt) -> u64 {
    if p.seed != 0 && p.drop_seed == Gbdt::default().drop_seed {
        derived_seeds(p.seed)[2]
    } else {
        p.drop_seed
    }
}

/// A number as C++'s stream writes a double (`%g`: 6 significant digits, no trailing zeros).
fn cpp_double(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .into();
    }
    let sci = format!("{v:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e}'s exponent is an integer");
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..6).contains(&exp) {
        format!("{}e{}{:02}", trim(mantissa), if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        trim(&format!("{v:.*}", (5 - exp) as usize))
    }
}

/// LightGBM's name of a metric given by an alias (its `ParseMetricAlias`).
fn metric_alias(name: &str) -> &str {
    match name {
        "regression" | "regression_l2" | "l2" | "mean_squared_error" | "mse" => "l2",
        "l2_root" | "root_mean_squared_error" | "rmse" => "rmse",
        "regression_l1" | "l1" | "mean_absolute_error" | "mae" => "l1",
        "binary_logloss" | "binary" => "binary_logloss",
        "ndcg" | "lambdarank" | "rank_xendcg" | "xendcg" | "xe_ndcg" | "xe_ndcg_mart" | "xendcg_mart" => "ndcg",
        "map" | "mean_average_precision" => "map",
        "multi_logloss" | "multiclass" | "softmax" | "multiclassova" | "multiclass_ova" | "ova" | "ovr" => {
            "multi_logloss"
        }
        "xentropy" | "cross_entropy" => "cross_entropy",
        "xentlambda" | "cross_entropy_lambda" => "cross_entropy_lambda",
        "kldiv" | "kullback_leibler" => "kullback_leibler",
        "mean_absolute_percentage_error" | "mape" => "mape",
        "none" | "null" | "custom" | "na" => "custom",
        other => other,
    }
}

/// The `metric` line's value: the metrics by LightGBM's names, each once, or the objective's own.
fn metrics(m: &GbdtModel) -> String {
    let given: Vec<String> =
        m.params.metric.iter().flat_map(|s| s.split(',')).map(|s| s.trim().to_ascii_lowercase()).collect();
    let names = if given.iter().all(String::is_empty) { vec![m.objective.clone()] } else { given };
    let mut out: Vec<&str> = Vec::new();
    for n in names.iter().filter(|n| !n.is_empty()) {
        let n = metric_alias(n);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out.join(",")
}

fn value_text(name: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = match v {
        Value::Bool(b) => u8::from(*b).to_string(),
        Value::String(t) => t.clone(),
        Value::Number(x) if x.is_f64() => cpp_double(x.as_f64().unwrap_or(f64::NAN)),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                Value::Number(n) if n.is_f64() => cpp_double(n.as_f64().unwrap_or(f64::NAN)),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    };
    // Lists of lists keep their brackets, as LightGBM writes them: `[interaction_constraints: [0,2],[1,3]]`.
    if name == "interaction_constraints" {
        text.replace('\n', " ")
    } else {
        text.replace(['\n', ']'], " ")
    }
}

/// The lines of the `parameters:` block, `[name: value]` each.
pub(crate) fn parameters_block(m: &GbdtModel) -> String {
    let p = &m.params;
    let serde_json::Value::Object(mut values) = ironlearn_core::Params::to_json(p) else { return String::new() };
    let seeds = if p.seed != 0 { Some(derived_seeds(p.seed)) } else { None };
    // A seed of its own that is at its default takes the one LightGBM derives from `seed`.
    let own_seed = |index: usize, value: u64, default: u64| -> String {
        match seeds {
            Some(s) if value == default => s[index].to_string(),
            _ => value.to_string(),
        }
    };
    let defaults = Gbdt::default();
    let goss = p.boosting == "goss";
    let mut s = String::new();
    let boosting = if goss { "gbdt" } else { p.boosting.as_str() };
    writeln!(s, "[boosting: {boosting}]").unwrap();
    writeln!(s, "[objective: {}]", m.objective).unwrap();
    writeln!(s, "[metric: {}]", metrics(m)).unwrap();
    writeln!(s, "[tree_learner: serial]").unwrap();
    writeln!(s, "[device_type: cpu]").unwrap();
    for &(name, default) in PARAMETERS {
        let text = match name {
            "data_sample_strategy" => (if goss { "goss" } else { p.data_sample_strategy.as_str() }).to_string(),
            "num_iterations" => {
                values.remove("n_estimators");
                p.n_estimators.to_string()
            }
            // 0 means "from the target" here; LightGBM wants the number.
            "num_class" => m.num_outputs.to_string(),
            "data_random_seed" | "bagging_seed" | "feature_fraction_seed" => {
                let index = match name {
                    "data_random_seed" => 0,
                    "bagging_seed" => 1,
                    _ => 3,
                };
                seeds.map_or_else(|| default.to_string(), |s| s[index].to_string())
            }
            "drop_seed" => own_seed(2, p.drop_seed, defaults.drop_seed),
            "objective_seed" => own_seed(4, p.objective_seed as u64, defaults.objective_seed as u64),
            "extra_seed" => own_seed(5, p.extra_seed, defaults.extra_seed),
            // LightGBM's default is empty (the NDCG metrics then use 1 to 5), and it sorts the positions.
            "eval_at" if p.eval_at != defaults.eval_at => {
                let mut at = p.eval_at.clone();
                at.sort_unstable();
                at.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
            }
            "eval_at" => String::new(),
            _ => match values.get(name) {
                Some(v) => value_text(name, v),
                None => default.to_string(),
            },
        };
        values.remove(name);
        writeln!(s, "[{name}: {text}]").unwrap();
    }
    // ironlearn's own parameters, which LightGBM does not have.
    for key in ["objective", "boosting", "metric"] {
        values.remove(key);
    }
    for (name, v) in &values {
        writeln!(s, "[{name}: {}]", value_text(name, v)).unwrap();
    }
    // LightGBM ends the block with an empty line.
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_lightgbms() {
        // LightGBM 4.7.0 writes these for seed=708 and seed=1.
        assert_eq!(derived_seeds(708), [2350, 15415, 20623, 32671, 4309, 6642]);
        assert_eq!(derived_seeds(1), [41, 18467, 6334, 26500, 19169, 15724]);
        let p = Gbdt { seed: 708, ..Default::default() };
        assert_eq!(drop_seed(&p), 20623);
        assert_eq!(drop_seed(&Gbdt { drop_seed: 9, ..p.clone() }), 9);
        assert_eq!(drop_seed(&Gbdt::default()), 4);
    }

    #[test]
    fn numbers_are_written_as_cpp_streams_write_them() {
        for (v, want) in [
            (0.1, "0.1"),
            (1.0, "1"),
            (10.0, "10"),
            (0.8234, "0.8234"),
            (0.001, "0.001"),
            (1e-5, "1e-05"),
            (0.123456789, "0.123457"),
            (1234567.0, "1.23457e+06"),
            (200000.0, "200000"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (1e-35, "1e-35"),
            (999999.5, "1e+06"),
        ] {
            assert_eq!(cpp_double(v), want, "{v}");
        }
    }

    #[test]
    fn metric_aliases_and_defaults() {
        let mut m = GbdtModel {
            params: Gbdt::default(),
            features: Vec::new(),
            objective: "mape".into(),
            transform: crate::Transform::Identity,
            num_outputs: 1,
            classes: None,
            init_score: vec![0.0],
            trees: Vec::new(),
            best_iteration: None,
            evals: Vec::new(),
            source: "ironlearn".into(),
            packed: Default::default(),
        };
        m.params.metric = vec!["l2".into(), "mae".into(), "mse".into()];
        assert_eq!(metrics(&m), "l2,l1");
        m.params.metric = vec![];
        assert_eq!(metrics(&m), "mape");
        m.objective = "regression".into();
        assert_eq!(metrics(&m), "l2");
        m.params.metric = vec!["None".into()];
        assert_eq!(metrics(&m), "custom");
    }
}
