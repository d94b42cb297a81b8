//! The boosting loop.
//!
//! Each round: gradients of the loss at the current scores, an optional bag
//! of rows and sample of features (seeded per round), one tree per output,
//! leaf values shrunk by the learning rate, and scores updated from the
//! leaves' row ranges. All work runs in a thread pool of `num_threads`
//! threads whose size never changes a result.

use std::ops::ControlFlow;

use ironlearn_core::validate::check_sample_weight;
use ironlearn_core::{bail, ensure, Error, Features, FitContext, Labels, Params, Progress, Result, Rng, TrainData};
use rayon::prelude::*;

use crate::binning::{bin_rows, fit_mappers, Binned};
use crate::booster::{EvalHistory, GbdtModel};
use crate::features::{predict_columns, training_columns};
use crate::learner::{grow, Grown, LearnerParams, Scratch};
use crate::metric::{EvalData, Metric};
use crate::objective::{resolve_objective, weighted_quantile, Builtin, Objective};
use crate::phases::Phases;
use crate::rank::default_label_gain;
use crate::sparse_rows::SparseRows;
use crate::split::SplitParams;
use crate::Gbdt;

/// Training or validation data: the shared [`TrainData`].
pub type Dataset<'a> = TrainData<'a>;

/// One round's results, handed to the callback: the shared [`Progress`].
pub type Iteration<'a> = Progress<'a>;

/// What the callback may return.
pub type Control = ControlFlow<()>;

/// A custom loss, given to [`train`] through [`FitContext::extension`].
#[derive(Debug, Clone)]
pub struct CustomObjective(pub std::sync::Arc<dyn Objective>);

fn boundaries(group: Option<&[usize]>, n: usize, what: &str) -> Result<Option<Vec<usize>>> {
    let Some(g) = group else { return Ok(None) };
    let mut b = vec![0];
    for &s in g {
        b.push(b.last().unwrap() + s);
    }
    ensure!(*b.last().unwrap() == n, Shape, "{what}: query sizes sum to {} but there are {n} rows", b.last().unwrap());
    Ok(Some(b))
}

struct Eval<'a> {
    name: String,
    binned: Binned,
    labels: Vec<f64>,
    weight: Option<&'a [f64]>,
    boundaries: Option<Vec<usize>>,
    scores: Vec<f64>,
}

/// Training scores updated per block of this many rows.
const SCORE_BLOCK: usize = 64 * 1024;

/// Rows up to which the trees of a multiclass round are grown in parallel;
/// above, one tree keeps every thread busy and K trees at once would only
/// share the caches.
const CLASS_PARALLEL_ROWS: usize = 200_000;

/// The buffers one tree is grown with: its row indices and scratch.
#[derive(Default)]
struct Workspace {
    rows: Vec<u32>,
    scratch: Scratch,
}

/// Trains a booster: validation sets, the per-round callback, cancellation,
/// the time budget, an initial model and a custom objective
/// ([`CustomObjective`] as the extension) come in `ctx`.
pub fn train(params: &Gbdt, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<GbdtModel> {
    params.validate()?;
    if params.boosting != "gbdt" {
        bail!(NotImplemented, "boosting '{}' (only 'gbdt' is implemented; dart, goss and rf are not)", params.boosting);
    }
    let threads = if params.num_threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        params.num_threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::InvalidValue(format!("cannot start {threads} threads: {e}")))?;
    pool.install(|| train_in_pool(params, data, ctx))
}

fn train_in_pool(p: &Gbdt, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<GbdtModel> {
    let y = data.target()?;
    let init_model: Option<&GbdtModel> = ctx.init_model_as::<GbdtModel>()?;
    let n = data.x.n_rows();
    ensure!(n > 0, Empty, "Found array with 0 sample(s) while a minimum of 1 is required");
    ensure!(data.x.n_cols() > 0, Empty, "Found array with 0 feature(s) while a minimum of 1 is required");
    ensure!(y.len() == n, Shape, "X has {n} rows but y has {}", y.len());
    check_sample_weight(data.weight, n)?;
    let (mut builtin, labels, classes) = resolve_objective(p, y)?;
    let train_bounds = boundaries(data.group, n, "training data")?;
    if let Builtin::Lambdarank(r) = &mut builtin {
        r.boundaries = train_bounds
            .clone()
            .ok_or_else(|| Error::InvalidValue("objective 'lambdarank' needs query groups (group sizes)".into()))?;
    }
    let custom: Option<std::sync::Arc<dyn Objective>> = match ctx.extension {
        Some(e) => Some(
            e.downcast_ref::<CustomObjective>()
                .ok_or_else(|| Error::InvalidValue("the booster's extension must be a custom objective".into()))?
                .0
                .clone(),
        ),
        None => None,
    };
    let objective: &dyn Objective = custom.as_deref().unwrap_or(&builtin);
    let k = objective.num_outputs();

    // Features and bins.
    let (mut infos, columns) = match init_model {
        Some(m) => {
            let cols = predict_columns(&data.x, &m.features)?;
            (m.features.clone(), cols)
        }
        None => training_columns(&data.x, &p.categorical_feature)?,
    };
    let nf = infos.len();
    ensure!(
        p.monotone_constraints.is_empty() || p.monotone_constraints.len() == nf,
        InvalidValue,
        "monotone_constraints has {} values for {nf} features",
        p.monotone_constraints.len()
    );
    if let Some(i) = p.monotone_constraints.iter().position(|c| ![-1, 0, 1].contains(c)) {
        return Err(Error::param(
            "monotone_constraints",
            format!("entry {i} is {}; use -1, 0 or 1", p.monotone_constraints[i]),
        ));
    }
    let mut ph = Phases::from_env();
    let mappers = ph.time("bin bounds", || {
        fit_mappers(&columns, p.max_bin, p.min_data_in_bin, p.bin_construct_sample_cnt, p.seed)
    })?;
    if init_model.is_none() {
        infos.iter_mut().zip(&mappers).for_each(|(info, m)| info.bin_info = Some(m.lightgbm_info()));
    }
    let binned = ph.time("bin rows", || -> Result<Binned> {
        let mut binned = bin_rows(&columns, &mappers)?;
        binned.sparse = SparseRows::build(&binned, crate::sparse_rows::MAX_DENSITY);
        // Row-major bins pay off when trees have many small leaves, and fit in cache when features are few.
        if binned.sparse.is_none() && p.num_leaves >= 64 && nf <= crate::histogram::ROW_WISE_MAX_FEATURES {
            binned.keep_rows();
        }
        Ok(binned)
    })?;
    drop(columns);

    // Starting scores.
    let init_score = match (init_model, p.boost_from_average && custom.is_none()) {
        (Some(m), _) => m.init_score.clone(),
        (None, true) if data.init_score.is_none() => objective.init_scores(&labels, data.weight),
        _ => vec![0.0; k],
    };
    let start_scores = |x: &Features<'_>, given: Option<&[f64]>, rows: usize| -> Result<Vec<f64>> {
        let mut s = vec![0.0; rows * k];
        for c in 0..k {
            s[c * rows..(c + 1) * rows].iter_mut().for_each(|v| *v = init_score[c]);
        }
        if let Some(m) = init_model {
            let raw = m.predict_raw(*x, Some(m.num_iterations()))?;
            for c in 0..k {
                for i in 0..rows {
                    s[c * rows + i] = raw[[i, c]];
                }
            }
        }
        if let Some(g) = given {
            ensure!(g.len() == rows * k, Shape, "init_score has {} values, expected {}", g.len(), rows * k);
            s.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        }
        Ok(s)
    };
    let mut scores = start_scores(&data.x, data.init_score, n)?;

    // Validation sets, binned with the training bins.
    let mut evals: Vec<Eval<'_>> = Vec::new();
    for (name, v) in &ctx.valid {
        let rows = v.x.n_rows();
        let vy = v.y.ok_or_else(|| Error::InvalidValue(format!("validation set '{name}' has no target")))?;
        ensure!(vy.len() == rows, Shape, "validation set '{name}': X has {rows} rows but y has {}", vy.len());
        check_sample_weight(v.weight, rows)?;
        let cols = predict_columns(&v.x, &infos).map_err(|e| e.in_data(name))?;
        let vb = bin_rows(&cols, &mappers).map_err(|e| e.in_data(name))?;
        let vlabels: Vec<f64> = match (&classes, vy) {
            (Some(cls), y) => {
                let l = y.labels()?;
                Labels::new(cls.clone(), vec![])?.encode(&l.to_strings())?.into_iter().map(f64::from).collect()
            }
            (None, y) => y.values()?.to_vec(),
        };
        evals.push(Eval {
            name: name.clone(),
            binned: vb,
            labels: vlabels,
            weight: v.weight,
            boundaries: boundaries(v.group, rows, name)?,
            scores: start_scores(&v.x, v.init_score, rows)?,
        });
    }
    let metrics: Vec<Metric> = if custom.is_some() && p.metric.is_empty() {
        Vec::new()
    } else if p.metric.is_empty() {
        Metric::parse("", &builtin, &p.eval_at)?
    } else {
        let mut all = Vec::new();
        for m in p.metric.iter().flat_map(|m| m.split(',')) {
            for parsed in Metric::parse(m, &builtin, &p.eval_at)? {
                if !all.contains(&parsed) {
                    all.push(parsed);
                }
            }
        }
        all
    };
    // A metric reads one score per row, or one per row and class: the wrong
    // kind would read past the scores or score only the first class.
    if let Some(m) = metrics.iter().find(|m| matches!(m, Metric::MultiLogloss | Metric::MultiError) != (k > 1)) {
        bail!(
            InvalidValue,
            "Multiclass objective and metrics don't match: metric '{}' with {} model; use {}",
            m.name(),
            if k > 1 { format!("a {k}-class") } else { "a single-output".to_string() },
            if k > 1 { "multi_logloss or multi_error" } else { "a metric of one score per row" }
        );
    }
    let label_gain = if p.label_gain.is_empty() { default_label_gain() } else { p.label_gain.clone() };

    let lp = LearnerParams {
        split: SplitParams {
            lambda_l1: p.lambda_l1,
            lambda_l2: p.lambda_l2,
            min_data_in_leaf: p.min_data_in_leaf,
            min_sum_hessian_in_leaf: p.min_sum_hessian_in_leaf,
            min_gain_to_split: p.min_gain_to_split,
            max_cat_to_onehot: p.max_cat_to_onehot,
            max_cat_threshold: p.max_cat_threshold,
            cat_smooth: p.cat_smooth,
            cat_l2: p.cat_l2,
            min_data_per_group: p.min_data_per_group,
            monotone: p.monotone_constraints.iter().map(|&c| c as i8).collect(),
        },
        num_leaves: p.num_leaves,
        max_depth: if p.max_depth > 0 { p.max_depth as usize } else { 0 },
    };

    let mut model = match init_model {
        Some(m) => {
            ensure!(
                m.num_outputs == k,
                InvalidValue,
                "init_model has {} outputs, this training needs {k}",
                m.num_outputs
            );
            let mut m = m.clone();
            m.params = p.clone();
            m.best_iteration = None;
            m
        }
        None => GbdtModel {
            params: p.clone(),
            features: infos,
            objective: objective.name().to_string(),
            transform: objective.transform(),
            num_outputs: k,
            classes,
            init_score,
            trees: Vec::new(),
            best_iteration: None,
            evals: Vec::new(),
            source: "ironlearn".into(),
            packed: Default::default(),
        },
    };
    let mut history: Vec<EvalHistory> = evals
        .iter()
        .flat_map(|e| {
            metrics.iter().map(move |m| EvalHistory { data: e.name.clone(), metric: m.name(), values: vec![] })
        })
        .collect();

    let rng = Rng::new(p.seed);
    let mut gh = vec![[0.0f32; 2]; n * k];
    // The rows of the current bag; `None` is every row (no copy kept).
    let mut bag: Option<Vec<u32>> = None;
    let mut out_of_bag: Vec<u32> = Vec::new();
    let usable: Vec<usize> = (0..nf).filter(|&f| !mappers[f].is_trivial()).collect();
    let mut best: Option<(f64, usize)> = None;
    // Row buffers and scratch, one per tree grown at the same time.
    let mut workspaces: Vec<Workspace> = Vec::new();
    let quantile = objective.renew_quantile();
    // The trees of a round are independent given the gradients: with several
    // outputs and rows few enough that one tree keeps the threads poorly
    // busy, they are grown in parallel, each by one task.
    let class_parallel = k > 1 && n <= CLASS_PARALLEL_ROWS && rayon::current_num_threads() > 1;
    for iter in 0..p.n_estimators {
        ph.time("gradients", || objective.gradients(&scores, &labels, data.weight, &mut gh));
        if p.bagging_freq > 0 && p.bagging_fraction < 1.0 && iter % p.bagging_freq == 0 {
            let (inb, oob) = draw_bag(n, p.bagging_fraction, &rng.fork(iter as u64));
            (bag, out_of_bag) = (Some(inb), oob);
        }
        // Grows output `c`'s tree and adds it to the training scores `sc`.
        let grow_output = |c: usize, sc: &mut [f64], ws: &mut Workspace, ph: &mut Phases| -> Result<Grown> {
            let features =
                sample_features(nf, &usable, p.feature_fraction, &rng.fork(0x00FE_A700_0000 + (iter * k + c) as u64));
            let in_bag = bag.as_ref().map_or(n, Vec::len);
            let rows = &mut ws.rows;
            rows.resize(n, 0);
            match &bag {
                Some(b) => rows[..in_bag].copy_from_slice(b),
                None => rows.iter_mut().enumerate().for_each(|(i, r)| *r = i as u32),
            }
            let gh_c = &gh[c * n..(c + 1) * n];
            let mut grown = grow(&binned, &mappers, &lp, &features, &mut rows[..in_bag], gh_c, &mut ws.scratch, ph);
            if let Some(q) = quantile {
                renew_leaves(&mut grown, &rows[..in_bag], &labels, sc, data.weight, q);
            }
            grown.tree.leaf_value.iter_mut().for_each(|v| *v *= p.learning_rate);
            if let Some(v) = grown.tree.leaf_value.iter().find(|v| !v.is_finite()) {
                return Err(Error::InvalidValue(format!(
                    "training diverged in round {}: a leaf value is {v}; lower learning_rate (now {}) \
                     or check the gradients of the objective",
                    iter + 1,
                    p.learning_rate
                )));
            }
            // Training scores: in-bag rows from their leaf ranges, the rest by routing.
            ph.time("update scores", || {
                // Each leaf's rows are ascending (the partition is stable), so a
                // block of scores finds its rows in every leaf by bisection; the
                // blocks are independent and each stays in cache.
                let (ranges, values) = (&grown.leaf_ranges, &grown.tree.leaf_value);
                debug_assert!(ranges.iter().all(|&(s, e)| rows[s..e].windows(2).all(|w| w[0] < w[1])));
                sc.par_chunks_mut(SCORE_BLOCK).enumerate().for_each(|(b, block)| {
                    let lo = (b * SCORE_BLOCK) as u32;
                    let hi = lo + block.len() as u32;
                    for (&(s, e), &v) in ranges.iter().zip(values) {
                        let leaf = &rows[s..e];
                        let a = leaf.partition_point(|&r| r < lo);
                        let z = a + leaf[a..].partition_point(|&r| r < hi);
                        leaf[a..z].iter().for_each(|&r| block[(r - lo) as usize] += v);
                    }
                });
                for &r in &out_of_bag {
                    let r = r as usize;
                    sc[r] += grown.tree.leaf_value[grown.leaf_of(&binned, r)];
                }
            });
            Ok(grown)
        };
        let grown_trees: Vec<Grown> = if class_parallel {
            // Each task takes a workspace from the pool (a fresh one if none
            // is free) and returns it: the trees do not depend on which.
            let pool = std::sync::Mutex::new(std::mem::take(&mut workspaces));
            let grown: Vec<(Grown, Phases)> = scores
                .par_chunks_mut(n)
                .enumerate()
                .map(|(c, sc)| {
                    let mut ws = pool.lock().expect("no task panicked").pop().unwrap_or_default();
                    let mut task_ph = ph.for_task();
                    let g = grow_output(c, sc, &mut ws, &mut task_ph);
                    pool.lock().expect("no task panicked").push(ws);
                    Ok((g?, task_ph))
                })
                .collect::<Result<_>>()?;
            workspaces = pool.into_inner().expect("no task panicked");
            grown
                .into_iter()
                .map(|(g, task_ph)| {
                    ph.merge(task_ph);
                    g
                })
                .collect()
        } else {
            if workspaces.is_empty() {
                workspaces.push(Workspace::default());
            }
            let ws = &mut workspaces[0];
            scores.chunks_mut(n).enumerate().map(|(c, sc)| grow_output(c, sc, ws, &mut ph)).collect::<Result<_>>()?
        };
        let any_split = grown_trees.iter().any(|g| g.tree.num_splits() > 0);
        if !any_split && iter > 0 {
            break;
        }
        // Validation scores and metrics.
        let mut results = Vec::new();
        for e in evals.iter_mut() {
            let rows_v = e.binned.n_rows;
            for (c, g) in grown_trees.iter().enumerate() {
                let b = &e.binned;
                e.scores[c * rows_v..(c + 1) * rows_v].par_iter_mut().enumerate().for_each(|(i, s)| {
                    *s += g.tree.leaf_value[g.leaf_of(b, i)];
                });
            }
            let ed = EvalData {
                labels: &e.labels,
                weights: e.weight,
                boundaries: e.boundaries.as_deref(),
                label_gain: &label_gain,
            };
            for m in &metrics {
                results.push((e.name.clone(), m.name(), m.eval(&e.scores, &ed), m.higher_is_better()));
            }
        }
        for (h, r) in history.iter_mut().zip(&results) {
            h.values.push(r.2);
        }
        model.trees.extend(grown_trees.into_iter().map(|g| g.tree));
        let mut stop =
            ctx.report(&Progress { iteration: iter, total: Some(p.n_estimators), evals: &results }).is_break();
        if p.early_stopping_round > 0 {
            if let Some((_, _, value, higher)) = results.first() {
                let better = best.is_none_or(|(b, _)| if *higher { *value > b } else { *value < b });
                if better {
                    best = Some((*value, iter));
                } else if iter - best.map_or(0, |b| b.1) >= p.early_stopping_round {
                    stop = true;
                }
            }
        }
        if stop || !any_split {
            break;
        }
    }
    if p.early_stopping_round > 0 {
        model.best_iteration = best.map(|(_, i)| i + 1 + init_model.map_or(0, GbdtModel::num_iterations));
    }
    model.evals = history;
    model.packed = Default::default(); // the trees changed
    ph.report();
    Ok(model)
}

/// Bernoulli row sampling, seeded per block so it can run in parallel.
fn draw_bag(n: usize, fraction: f64, rng: &Rng) -> (Vec<u32>, Vec<u32>) {
    const BLOCK: usize = 16 * 1024;
    let parts: Vec<(Vec<u32>, Vec<u32>)> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut r = rng.fork(b as u64);
            let (mut inb, mut out) = (Vec::new(), Vec::new());
            for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                if r.uniform() < fraction {
                    inb.push(i as u32);
                } else {
                    out.push(i as u32);
                }
            }
            (inb, out)
        })
        .collect();
    let mut bag = Vec::new();
    let mut oob = Vec::new();
    for (i, o) in parts {
        bag.extend(i);
        oob.extend(o);
    }
    (bag, oob)
}

fn sample_features(nf: usize, usable: &[usize], fraction: f64, rng: &Rng) -> Vec<bool> {
    let mut mask = vec![false; nf];
    if fraction >= 1.0 {
        usable.iter().for_each(|&f| mask[f] = true);
        return mask;
    }
    let take = ((usable.len() as f64 * fraction).round() as usize).max(1).min(usable.len());
    let mut pick = usable.to_vec();
    rng.clone().shuffle(&mut pick);
    pick[..take].iter().for_each(|&f| mask[f] = true);
    mask
}

/// Refits each leaf to a weighted quantile of its rows' residuals (L1, quantile).
fn renew_leaves(grown: &mut Grown, rows: &[u32], labels: &[f64], scores: &[f64], w: Option<&[f64]>, q: f64) {
    for (leaf, &(s, e)) in grown.leaf_ranges.iter().enumerate() {
        if s == e {
            continue;
        }
        let mut res: Vec<(f64, f64)> = rows[s..e]
            .iter()
            .map(|&r| (labels[r as usize] - scores[r as usize], w.map_or(1.0, |w| w[r as usize])))
            .collect();
        grown.tree.leaf_value[leaf] = weighted_quantile(&mut res, q);
    }
}
