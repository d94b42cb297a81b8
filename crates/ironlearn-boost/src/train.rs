//! The boosting loop.
//!
//! Each round: gradients of the loss at the current scores, an optional bag
//! of rows and sample of features (seeded per round), one tree per output,
//! leaf values shrunk by the learning rate, and scores updated from the
//! leaves' row ranges. All work runs in a thread pool of `num_threads`
//! threads whose size never changes a result.

use std::borrow::Cow;
use std::ops::ControlFlow;

use ironlearn_core::validate::check_sample_weight;
use ironlearn_core::{bail, ensure, Error, Features, FitContext, Labels, Params, Progress, Result, Rng, TrainData};
use rayon::prelude::*;

use crate::binning::{bin_rows, training_mappers, BinMapper, Binned};
use crate::booster::{EvalHistory, GbdtModel};
use crate::dart::Dart;
use crate::features::{predict_columns, training_columns};
use crate::learner::{grow, BinnedSplit, Carry, Grown, LearnerParams, Scratch};
use crate::linear_tree::{self, RawColumns};
use crate::metric::{EvalData, Metric};
use crate::objective::{resolve_objective, Builtin, Objective};
use crate::phases::Phases;
use crate::rank::default_label_gain;
use crate::sampling::{draw_bag, draw_query_bag, goss as goss_sample, goss_warmup};
use crate::sparse_rows::SparseRows;
use crate::split::SplitParams;
use crate::tree::{LinearLeaves, Tree};
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

/// A validation set, binned with the training bins, and its running scores.
struct Eval {
    name: String,
    binned: Binned,
    labels: Vec<f64>,
    weight: Option<Vec<f64>>,
    boundaries: Option<Vec<usize>>,
    scores: Vec<f64>,
    /// Its raw values, for linear trees.
    raw: Option<RawColumns>,
}

/// One metric's value on one data set after a round: `(data, metric, value, higher_is_better)`.
pub type Evaluation = (String, String, f64, bool);

/// What a round did.
#[derive(Debug, Clone)]
pub struct Round {
    /// False when no tree of the round could split: nothing was added (after the first round).
    pub grown: bool,
    /// Every validation metric on every validation set.
    pub evals: Vec<Evaluation>,
}

/// Training scores updated per block of this many rows.
const SCORE_BLOCK: usize = 64 * 1024;

/// Rows up to which the pool's other threads spin through a round
/// (`warm_pool.rs`): measured to help at 455-20k rows (1.05-1.3x), with no
/// clear effect at 100k, where a split's regions last long enough to wake
/// a thread for.
const WARM_ROWS: usize = 256 * 1024;

/// Rows up to which the trees of a multiclass round are grown in parallel;
/// above, one tree keeps every thread busy and K trees at once would only
/// share the caches.
const CLASS_PARALLEL_ROWS: usize = 200_000;

/// The most bytes of leaf histograms the trees of a round grown at once may
/// hold together (each keeps up to `num_leaves` of them, 16 bytes a bin):
/// wide data grows fewer trees at a time. Fashion-MNIST (784 features, 192k
/// bins, 31 leaves: 91 MB a tree) then grows one, its histograms built in
/// parallel over the features; two at once cost 90 MB more for 7-15% less
/// time. Below 256 features of 255 bins two trees always fit.
const CLASS_PARALLEL_HIST_BYTES: usize = 64 << 20;

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
    let custom = custom_objective(ctx)?;
    let init_model: Option<&GbdtModel> = ctx.init_model_as::<GbdtModel>()?;
    // The trainer borrows the target rather than copying it: it lives only as long as `data`.
    let mut t =
        Trainer::<Cow<'_, [f64]>>::start(params, data, ctx.bin_reference.as_ref(), &ctx.valid, init_model, custom)?;
    let pool = t.pool.clone();
    pool.install(|| {
        let p = params;
        let mut best: Option<(f64, usize)> = None;
        for iter in 0..p.n_estimators {
            let round = t.step(None)?;
            if !round.grown {
                break;
            }
            let results = &round.evals;
            let mut stop =
                ctx.report(&Progress { iteration: iter, total: Some(p.n_estimators), evals: results }).is_break();
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
            if stop || t.stalled {
                break;
            }
        }
        let base = t.base_iterations;
        let mut model = t.finish();
        if p.early_stopping_round > 0 {
            model.best_iteration = best.map(|(_, i)| i + 1 + base);
        }
        Ok(model)
    })
}

/// The custom objective given as the context's extension, if any.
fn custom_objective(ctx: &FitContext<'_>) -> Result<Option<std::sync::Arc<dyn Objective>>> {
    Ok(match ctx.extension {
        Some(e) => Some(
            e.downcast_ref::<CustomObjective>()
                .ok_or_else(|| Error::InvalidValue("the booster's extension must be a custom objective".into()))?
                .0
                .clone(),
        ),
        None => None,
    })
}

/// A booster in training, one round at a time: what LightGBM's
/// `Booster(params, train_set)` is, with `update`, `rollback_one_iter`,
/// `add_valid` and evaluation. [`train`] drives one to the end; the Python
/// package keeps one alive between calls. It owns its binned data, so the
/// raw features can go once it is built (linear trees keep a copy of the
/// numerical ones, as `f32`).
pub struct Trainer<L = Vec<f64>> {
    pool: std::sync::Arc<rayon::ThreadPool>,
    p: Gbdt,
    builtin: Builtin,
    custom: Option<std::sync::Arc<dyn Objective>>,
    k: usize,
    /// The training labels: the trainer's own, or borrowed from the training
    /// data while it lives ([`train`]'s, which saves a copy of the target).
    labels: L,
    weight: Option<Vec<f64>>,
    train_bounds: Option<Vec<usize>>,
    mappers: Vec<BinMapper>,
    binned: Binned,
    /// The raw numerical values linear trees are fitted on (linear_tree only).
    raw: Option<RawColumns>,
    scores: Vec<f64>,
    evals: Vec<Eval>,
    metrics: Vec<Metric>,
    label_gain: Vec<f64>,
    lp: LearnerParams,
    model: GbdtModel,
    history: Vec<EvalHistory>,
    gh: Vec<[f32; 2]>,
    bag: Option<Vec<u32>>,
    out_of_bag: Vec<u32>,
    usable: Vec<usize>,
    workspaces: Vec<Workspace>,
    /// What each tree passes on to the next (CEGB's paid costs).
    carry: Carry,
    /// The routing in bin space of every tree this trainer grew, to undo a round.
    routing: Vec<Vec<BinnedSplit>>,
    /// Rounds that came with the initial model (they cannot be rolled back).
    base_iterations: usize,
    /// Rounds grown so far (seeds the bagging and feature sampling of the next).
    rounds: usize,
    /// Set when a round after the first could not split: training has nothing left to learn.
    pub stalled: bool,
    /// The starting score, added to every score when the first round starts.
    pending_init: Option<Vec<f64>>,
    /// `boosting = "rf"`: the starting score every tree is fit from.
    forest: Option<Forest>,
    /// `boosting = "dart"`: the drops and the rounds' weights.
    dart: Option<Dart>,
    ph: Phases,
}

impl<L> std::fmt::Debug for Trainer<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer").field("rounds", &self.rounds).field("rows", &self.binned.n_rows).finish()
    }
}

impl Trainer {
    /// Bins the training data and the validation sets and sets the starting scores.
    pub fn new(
        params: &Gbdt,
        data: &TrainData<'_>,
        valid: &[(String, TrainData<'_>)],
        init_model: Option<&GbdtModel>,
        custom: Option<std::sync::Arc<dyn Objective>>,
    ) -> Result<Trainer> {
        Trainer::with_reference(params, data, None, valid, init_model, custom)
    }

    /// [`Trainer::new`], the bins fitted on `bin_reference` (rows with the
    /// training data's columns: LightGBM's Dataset `reference`) instead of on
    /// the training rows.
    pub fn with_reference(
        params: &Gbdt,
        data: &TrainData<'_>,
        bin_reference: Option<&Features<'_>>,
        valid: &[(String, TrainData<'_>)],
        init_model: Option<&GbdtModel>,
        custom: Option<std::sync::Arc<dyn Objective>>,
    ) -> Result<Trainer> {
        Trainer::start(params, data, bin_reference, valid, init_model, custom)
    }
}

impl<L: std::ops::Deref<Target = [f64]> + Send + Sync> Trainer<L> {
    /// [`Trainer::with_reference`], keeping the labels as `L` (a `Cow` borrows
    /// the regression target).
    pub(crate) fn start<'a>(
        params: &Gbdt,
        data: &TrainData<'a>,
        bin_reference: Option<&Features<'_>>,
        valid: &[(String, TrainData<'_>)],
        init_model: Option<&GbdtModel>,
        custom: Option<std::sync::Arc<dyn Objective>>,
    ) -> Result<Trainer<L>>
    where
        L: From<Cow<'a, [f64]>>,
    {
        params.validate()?;
        linear_tree::check_params(params)?;
        let params = &crate::sampling::resolve(params, data.group.is_some())?;
        match params.boosting.as_str() {
            "gbdt" => {}
            "dart" => ensure!(
                params.early_stopping_round == 0,
                InvalidValue,
                "early stopping is not available with boosting 'dart' (each round rescales earlier trees): \
                 set early_stopping_round to 0"
            ),
            "rf" => {
                let bagging = params.bagging_freq > 0 && params.bagging_fraction < 1.0 && params.bagging_fraction > 0.0;
                ensure!(
                    bagging || params.feature_fraction < 1.0 || params.data_sample_strategy == "goss",
                    InvalidValue,
                    "boosting 'rf' needs row or feature sampling: set bagging_freq > 0 with bagging_fraction < 1, \
                     feature_fraction < 1, or data_sample_strategy 'goss' (else every tree is the same)"
                );
                ensure!(custom.is_none(), InvalidValue, "boosting 'rf' needs a built-in objective, not a custom one");
                ensure!(
                    init_model.is_none(),
                    NotImplemented,
                    "continuing a random forest ('rf') from an initial model"
                );
            }
            other => bail!(InvalidValue, "Unknown boosting type {other}: use gbdt, dart, goss or rf"),
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
        let pool = std::sync::Arc::new(pool);
        // Binning runs on the training pool, so its tasks use `num_threads` threads.
        let p = params;
        pool.clone().install(move || {
            let y = data.target()?;
            let n = data.x.n_rows();
            ensure!(n > 0, Empty, "Found array with 0 sample(s) while a minimum of 1 is required");
            ensure!(data.x.n_cols() > 0, Empty, "Found array with 0 feature(s) while a minimum of 1 is required");
            ensure!(y.len() == n, Shape, "X has {n} rows but y has {}", y.len());
            check_sample_weight(data.weight, n)?;
            let (mut builtin, labels, classes) = resolve_objective(p, y)?;
            let train_bounds = boundaries(data.group, n, "training data")?;
            builtin.set_query_boundaries(train_bounds.as_deref())?;
            builtin.set_positions(data.position, n, p)?;
            let objective: &dyn Objective = custom.as_deref().unwrap_or(&builtin);
            let k = objective.num_outputs();

            // Features and bins.
            // A reference's columns give the features and the bins; the rows are binned with them.
            let reference = match (init_model, bin_reference) {
                (None, Some(r)) => {
                    Some(training_columns(r, &p.categorical_feature).map_err(|e| e.in_data("reference"))?)
                }
                _ => None,
            };
            let (mut infos, columns) = match (init_model, &reference) {
                (Some(m), _) => {
                    let cols = predict_columns(&data.x, &m.features)?;
                    (m.features.clone(), cols)
                }
                (None, Some((infos, _))) => (infos.clone(), predict_columns(&data.x, infos)?),
                (None, None) => training_columns(&data.x, &p.categorical_feature)?,
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
            crate::split_rules::SplitRules::check_monotone(p, &infos)?;
            let mut ph = Phases::from_env();
            let mappers = ph.time("bin bounds", || match &reference {
                Some((_, c)) => training_mappers(p, c),
                None => training_mappers(p, &columns),
            })?;
            drop(reference);
            if init_model.is_none() {
                infos.iter_mut().zip(&mappers).for_each(|(info, m)| info.bin_info = Some(m.lightgbm_info()));
            }
            let binned = ph.time("bin rows", || -> Result<Binned> {
                let mut binned = bin_rows(&columns, &mappers)?;
                binned.sparse = SparseRows::build(&binned, crate::sparse_rows::MAX_DENSITY);
                // Row-major bins pay off below the root while the histogram's bins fit in
                // cache, when the data is larger than cache or trees have many small leaves.
                if binned.sparse.is_none()
                    && (p.num_leaves >= 64 || crate::histogram::row_wise_pays(binned.n_rows, nf))
                    && binned.total_bins <= crate::histogram::ROW_WISE_MAX_BINS
                    && binned.n_rows * nf <= crate::histogram::ROW_WISE_MAX_BYTES
                {
                    binned.keep_rows();
                }
                Ok(binned)
            })?;
            let raw = p.linear_tree.then(|| RawColumns::new(&columns));
            drop(columns);

            // Starting scores.
            let init_score = match (init_model, p.boost_from_average && custom.is_none()) {
                (Some(m), _) => m.init_score.clone(),
                (None, true) if data.init_score.is_none() => objective.init_scores(&labels, data.weight),
                _ => vec![0.0; k],
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
            model.packed = Default::default();
            // As in LightGBM, the starting score joins the scores with the first
            // round (its first trees carry it there): until then they are 0.
            // A forest's trees each carry the starting score and are averaged: its own starting score is 0.
            let forest = (p.boosting == "rf").then(|| {
                let init = std::mem::replace(&mut model.init_score, vec![0.0; k]);
                let base = init.iter().flat_map(|&v| std::iter::repeat_n(v, n)).collect();
                Forest { init, base }
            });
            let pending_init = (init_model.is_none() && model.init_score.iter().any(|&v| v != 0.0))
                .then(|| std::mem::replace(&mut model.init_score, vec![0.0; k]));
            let scores = start_scores(&model, &data.x, data.init_score, n)?;
            let metrics = metrics_for(p, &builtin, custom.is_some(), k)?;
            let label_gain = if p.label_gain.is_empty() { default_label_gain() } else { p.label_gain.clone() };
            let lp = learner_params(p, nf)?;
            let usable: Vec<usize> = (0..nf).filter(|&f| !mappers[f].is_trivial()).collect();
            let base_iterations = init_model.map_or(0, GbdtModel::num_iterations);
            let mut t = Trainer {
                pool,
                p: p.clone(),
                builtin,
                custom,
                k,
                labels: L::from(labels),
                weight: data.weight.map(<[f64]>::to_vec),
                train_bounds,
                mappers,
                binned,
                raw,
                scores,
                evals: Vec::new(),
                metrics,
                label_gain,
                lp,
                model,
                history: Vec::new(),
                gh: vec![[0.0f32; 2]; n * k],
                bag: None,
                out_of_bag: Vec::new(),
                usable,
                workspaces: Vec::new(),
                carry: Carry::default(),
                routing: Vec::new(),
                base_iterations,
                rounds: 0,
                stalled: false,
                pending_init,
                forest,
                dart: (p.boosting == "dart").then(|| Dart::new(p)),
                ph,
            };
            for (name, v) in valid {
                t.add_valid_in_pool(name, v)?;
            }
            Ok(t)
        })
    }

    /// Adds a validation set, binned with the training bins; its metrics are
    /// reported from the next round on (and by [`Trainer::evaluate`] at once).
    pub fn add_valid(&mut self, name: &str, v: &TrainData<'_>) -> Result<()> {
        let pool = self.pool.clone();
        pool.install(|| self.add_valid_in_pool(name, v))
    }

    fn add_valid_in_pool(&mut self, name: &str, v: &TrainData<'_>) -> Result<()> {
        let rows = v.x.n_rows();
        let vy = v.y.ok_or_else(|| Error::InvalidValue(format!("validation set '{name}' has no target")))?;
        ensure!(vy.len() == rows, Shape, "validation set '{name}': X has {rows} rows but y has {}", vy.len());
        check_sample_weight(v.weight, rows)?;
        let cols = predict_columns(&v.x, &self.model.features).map_err(|e| e.in_data(name))?;
        let vb = bin_rows(&cols, &self.mappers).map_err(|e| e.in_data(name))?;
        let raw = self.raw.as_ref().map(|_| RawColumns::new(&cols));
        let vlabels: Vec<f64> = match (&self.model.classes, vy) {
            (Some(cls), y) => {
                let l = y.labels()?;
                Labels::new(cls.clone(), vec![])?.encode(&l.to_strings())?.into_iter().map(f64::from).collect()
            }
            (None, y) => y.values()?.to_vec(),
        };
        for m in &self.metrics {
            m.check_labels(&vlabels, self.k).map_err(|e| e.in_data(name))?;
        }
        let scores = start_scores(&self.model, &v.x, v.init_score, rows)?;
        self.evals.push(Eval {
            name: name.to_string(),
            binned: vb,
            labels: vlabels,
            weight: v.weight.map(<[f64]>::to_vec),
            boundaries: boundaries(v.group, rows, name)?,
            scores,
            raw,
        });
        self.history.extend(self.metrics.iter().map(|m| EvalHistory {
            data: name.to_string(),
            metric: m.name(),
            values: vec![],
        }));
        Ok(())
    }

    /// Grows one round. `gradients` (one `[gradient, hessian]` per row and
    /// output, output-major) replace the objective's, as LightGBM's
    /// `update(fobj=...)` gives them.
    pub fn step(&mut self, gradients: Option<&[[f32; 2]]>) -> Result<Round> {
        let pool = self.pool.clone();
        // Large data's parallel regions are long enough to wake a thread for.
        if self.binned.n_rows <= WARM_ROWS {
            pool.install(|| crate::warm_pool::warm(|| self.step_in_pool(gradients)))
        } else {
            pool.install(|| self.step_in_pool(gradients))
        }
    }

    fn step_in_pool(&mut self, gradients: Option<&[[f32; 2]]>) -> Result<Round> {
        let n = self.binned.n_rows;
        let k = self.k;
        let iter = self.rounds;
        if let Some(init) = self.pending_init.take() {
            for c in 0..k {
                self.scores[c * n..(c + 1) * n].iter_mut().for_each(|s| *s += init[c]);
                for e in self.evals.iter_mut() {
                    let rows = e.binned.n_rows;
                    e.scores[c * rows..(c + 1) * rows].iter_mut().for_each(|s| *s += init[c]);
                }
            }
            self.model.init_score = init;
        }
        // DART: the round's dropped trees leave the training scores before the gradients are taken.
        let grown_rounds = self.routing.len() / k;
        let drops = self.dart.as_mut().map_or_else(Vec::new, |d| d.choose(grown_rounds));
        if !drops.is_empty() {
            self.add_dropped(&drops, -1.0);
        }
        let goss = self.p.data_sample_strategy == "goss";
        match gradients {
            Some(g) => {
                ensure!(
                    g.len() == n * k,
                    Shape,
                    "the custom objective gave {} gradients for {n} rows x {k} outputs = {}",
                    g.len(),
                    n * k
                );
                self.gh.copy_from_slice(g);
            }
            None => {
                let objective = self.custom.as_deref().unwrap_or(&self.builtin);
                // A forest's gradients are those at its starting score, the same every round.
                let scores = self.forest.as_ref().map_or(&self.scores, |f| &f.base);
                // (GOSS scales some of them: then they are taken again.)
                if self.forest.is_none() || iter == 0 || goss {
                    let (labels, w, gh) = (&self.labels, self.weight.as_deref(), &mut self.gh);
                    self.ph.time("gradients", || objective.gradients(scores, labels, w, gh));
                }
            }
        }
        let p = &self.p;
        let rng = Rng::new(p.seed);
        if goss {
            if iter >= goss_warmup(p.learning_rate) {
                let (inb, oob) = goss_sample(&mut self.gh, n, k, p.top_rate, p.other_rate, &rng.fork(iter as u64));
                (self.bag, self.out_of_bag) = (Some(inb), oob);
            }
        } else if p.bagging_freq > 0 && p.bagging_fraction < 1.0 && iter.is_multiple_of(p.bagging_freq) {
            let r = rng.fork(iter as u64);
            let (inb, oob) = match (&self.train_bounds, p.bagging_by_query) {
                (Some(bounds), true) => draw_query_bag(bounds, p.bagging_fraction, &r),
                _ => draw_bag(n, p.bagging_fraction, &r),
            };
            (self.bag, self.out_of_bag) = (Some(inb), oob);
        }
        let objective: &dyn Objective = self.custom.as_deref().unwrap_or(&self.builtin);
        let nf = self.model.features.len();
        let (binned, mappers, lp, usable, bag, out_of_bag, gh, labels, w) = (
            &self.binned,
            &self.mappers,
            &self.lp,
            &self.usable,
            &self.bag,
            &self.out_of_bag,
            &self.gh,
            &self.labels,
            self.weight.as_deref(),
        );
        let forest = self.forest.as_ref();
        // Linear trees: the raw values, and whether this is the model's first tree (LightGBM keeps its constants).
        let (raw, first_tree) = (self.raw.as_ref(), self.model.trees.len() < k && forest.is_none());
        // A forest's trees are not shrunk; a DART round's by less when it dropped trees.
        let shrinkage = match (forest, &self.dart) {
            (Some(_), _) => 1.0,
            (None, Some(d)) => d.shrinkage(drops.len()),
            (None, None) => p.learning_rate,
        };
        // Grows output `c`'s tree and adds it to the training scores `sc`.
        let grow_output = |c: usize,
                           sc: &mut [f64],
                           ws: &mut Workspace,
                           ph: &mut Phases,
                           carry: &mut Carry|
         -> Result<Grown> {
            let features =
                sample_features(nf, usable, p.feature_fraction, &rng.fork(0x00FE_A700_0000 + (iter * k + c) as u64));
            let in_bag = bag.as_ref().map_or(n, Vec::len);
            let rows = &mut ws.rows;
            rows.resize(n, 0);
            match bag {
                Some(b) => rows[..in_bag].copy_from_slice(b),
                None => rows.iter_mut().enumerate().for_each(|(i, r)| *r = i as u32),
            }
            let gh_c = &gh[c * n..(c + 1) * n];
            let tree_id = (iter * k + c) as u64;
            let mut grown =
                grow(binned, mappers, lp, &features, &mut rows[..in_bag], gh_c, &mut ws.scratch, ph, tree_id, carry);
            if let Some(raw) = raw {
                let (lambda, ranges) = (p.linear_lambda, &grown.leaf_ranges);
                linear_tree::fit(&mut grown.tree, &rows[..in_bag], ranges, gh_c, raw, lambda, first_tree)?;
            }
            match forest {
                // A forest's leaves are renewed from the starting score and carry it (LightGBM's AddBias).
                Some(f) => {
                    renew_leaves(objective, &mut grown, &rows[..in_bag], labels, &f.base[c * n..(c + 1) * n], w);
                    if grown.tree.num_splits() > 0 && f.init[c].abs() > 1e-15 {
                        grown.tree.leaf_value.iter_mut().for_each(|v| *v += f.init[c]);
                        grown.tree.internal_value.iter_mut().for_each(|v| *v += f.init[c]);
                        if let Some(l) = &mut grown.tree.linear {
                            l.leaf_const.iter_mut().for_each(|v| *v += f.init[c]);
                        }
                    }
                }
                None => renew_leaves(objective, &mut grown, &rows[..in_bag], labels, sc, w),
            }
            grown.tree.shrink(shrinkage);
            if let Some(v) = grown.tree.leaf_value.iter().find(|v| !v.is_finite()) {
                return Err(Error::InvalidValue(format!(
                    "training diverged in round {}: a leaf value is {v}; lower learning_rate (now {}) \
                     or check the gradients of the objective",
                    iter + 1,
                    p.learning_rate
                )));
            }
            if grown.tree.num_splits() == 0 && forest.is_none() {
                // As LightGBM, a tree that cannot split adds nothing (the first
                // round's starting score is kept in `init_score`): its root's
                // Newton step rests on a hessian sum that min_sum_hessian_in_leaf
                // never checked (a rare class's 4.6e-12 on 46k rows made a leaf of 1.7e11).
                grown.tree.leaf_value.iter_mut().for_each(|v| *v = 0.0);
                if let Some(l) = &mut grown.tree.linear {
                    *l = LinearLeaves::constant(&grown.tree.leaf_value);
                }
            }
            // Training scores: in-bag rows from their leaf ranges, the rest by routing.
            ph.time("update scores", || {
                // Each leaf's rows are ascending (the partition is stable), so a
                // block of scores finds its rows in every leaf by bisection; the
                // blocks are independent and each stays in cache.
                let (ranges, values, tree) = (&grown.leaf_ranges, &grown.tree.leaf_value, &grown.tree);
                debug_assert!(ranges.iter().all(|&(s, e)| rows[s..e].windows(2).all(|w| w[0] < w[1])));
                sc.par_chunks_mut(SCORE_BLOCK).enumerate().for_each(|(b, block)| {
                    let lo = (b * SCORE_BLOCK) as u32;
                    let hi = lo + block.len() as u32;
                    for (l, (&(s, e), &v)) in ranges.iter().zip(values).enumerate() {
                        let leaf = &rows[s..e];
                        let a = leaf.partition_point(|&r| r < lo);
                        let z = a + leaf[a..].partition_point(|&r| r < hi);
                        if tree.linear.is_some() {
                            let out = |r: u32| linear_tree::output(tree, raw, l, r as usize);
                            leaf[a..z].iter().for_each(|&r| block[(r - lo) as usize] += out(r));
                        } else {
                            leaf[a..z].iter().for_each(|&r| block[(r - lo) as usize] += v);
                        }
                    }
                });
                for &r in out_of_bag {
                    let r = r as usize;
                    sc[r] += linear_tree::output(&grown.tree, raw, grown.leaf_of(binned, r), r);
                }
            });
            Ok(grown)
        };
        // The trees of a round are independent given the gradients: with several
        // outputs and rows few enough that one tree keeps the threads poorly
        // busy, they are grown in parallel, each by one task.
        // Trees that pass state on (CEGB) grow one after the other, in class order.
        let tree_hist_bytes =
            self.lp.num_leaves * self.binned.total_bins * std::mem::size_of::<crate::histogram::Bin>();
        let workers =
            rayon::current_num_threads().min(k).min((CLASS_PARALLEL_HIST_BYTES / tree_hist_bytes.max(1)).max(1));
        let class_parallel = k > 1 && n <= CLASS_PARALLEL_ROWS && workers > 1 && !self.lp.trees_share_state();
        let grown_trees: Vec<Grown> = if class_parallel {
            // One task per thread, each with its own workspace, takes the
            // next tree until none is left: at most one tree a thread is in
            // flight (each holds its leaves' histograms, 3.2 MB apiece on
            // Fashion-MNIST), where with a task per tree a thread waiting
            // inside one tree's parallel regions may start another (2-6%
            // faster on 10 and 26 classes). The trees do not depend on which
            // task grows them.
            self.workspaces.resize_with(workers.max(self.workspaces.len()), Workspace::default);
            let next = std::sync::atomic::AtomicUsize::new(0);
            let slots: Vec<std::sync::Mutex<Option<&mut [f64]>>> =
                self.scores.chunks_mut(n).map(|sc| std::sync::Mutex::new(Some(sc))).collect();
            let ph = &self.ph;
            let done: Vec<Vec<(usize, Result<Grown>, Phases)>> = self.workspaces[..workers]
                .par_iter_mut()
                .map(|ws| {
                    let mut mine = Vec::new();
                    loop {
                        let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(slot) = slots.get(c) else { break };
                        let sc = slot.lock().expect("no task panicked").take().expect("each tree taken once");
                        let mut task_ph = ph.for_task();
                        let g = grow_output(c, sc, ws, &mut task_ph, &mut Carry::default());
                        mine.push((c, g, task_ph));
                    }
                    mine
                })
                .collect();
            let mut grown: Vec<(usize, Result<Grown>, Phases)> = done.into_iter().flatten().collect();
            grown.sort_by_key(|g| g.0);
            grown
                .into_iter()
                .map(|(_, g, task_ph)| {
                    self.ph.merge(task_ph);
                    g
                })
                .collect::<Result<_>>()?
        } else {
            if self.workspaces.is_empty() {
                self.workspaces.push(Workspace::default());
            }
            let (ws, ph, carry) = (&mut self.workspaces[0], &mut self.ph, &mut self.carry);
            self.scores
                .chunks_mut(n)
                .enumerate()
                .map(|(c, sc)| grow_output(c, sc, ws, ph, carry))
                .collect::<Result<_>>()?
        };
        let any_split = grown_trees.iter().any(|g| g.tree.num_splits() > 0);
        self.rounds += 1;
        if !any_split && iter > 0 {
            // Nothing was learnt: the model is unchanged. (A boosted tree without
            // splits added 0; a forest's added its root, taken out again here.)
            if self.forest.is_some() {
                let (n, b, raw) = (self.binned.n_rows, &self.binned, self.raw.as_ref());
                for (c, g) in grown_trees.iter().enumerate() {
                    self.scores[c * n..(c + 1) * n]
                        .par_iter_mut()
                        .enumerate()
                        .for_each(|(i, s)| *s -= linear_tree::output(&g.tree, raw, g.leaf_of(b, i), i));
                }
            }
            if !drops.is_empty() {
                self.add_dropped(&drops, 1.0);
            }
            self.stalled = true;
            return Ok(Round { grown: false, evals: Vec::new() });
        }
        self.stalled = !any_split;
        if self.dart.is_some() {
            self.normalize_dropped(&drops);
        }
        // Validation scores and metrics.
        for e in self.evals.iter_mut() {
            let rows_v = e.binned.n_rows;
            for (c, g) in grown_trees.iter().enumerate() {
                let (b, raw) = (&e.binned, e.raw.as_ref());
                e.scores[c * rows_v..(c + 1) * rows_v].par_iter_mut().enumerate().for_each(|(i, s)| {
                    *s += linear_tree::output(&g.tree, raw, g.leaf_of(b, i), i);
                });
            }
        }
        let results = self.evaluate_valid();
        for (h, r) in self.history.iter_mut().zip(&results) {
            h.values.push(r.2);
        }
        // A DART tree records its shrinkage, which later drops scale (refit reads it, as LightGBM's does);
        // the first trees carry the starting score and count as unshrunk.
        let dart_shrinkage = self.dart.as_ref().map(|d| d.shrinkage(drops.len()));
        let first = self.base_iterations == 0 && self.routing.is_empty();
        for (c, mut g) in grown_trees.into_iter().enumerate() {
            if let Some(s) = dart_shrinkage {
                let carries = first && self.model.init_score[c].abs() > 1e-15;
                g.tree.shrinkage = Some(if carries { 1.0 } else { s });
            }
            self.routing.push(g.splits);
            self.model.trees.push(g.tree);
        }
        self.model.packed = Default::default();
        Ok(Round { grown: true, evals: results })
    }

    /// DART: the trees of this trainer's rounds `drops`, as (index in the model,
    /// index in the routing, output, starting score it carries: the first
    /// round's trees carry it, as in LightGBM).
    fn dropped_trees(&self, drops: &[usize]) -> Vec<(usize, usize, usize, f64)> {
        let k = self.k;
        let base = self.model.trees.len() - self.routing.len();
        let carried =
            |i: usize, c: usize| if self.base_iterations == 0 && i == 0 { self.model.init_score[c] } else { 0.0 };
        drops.iter().flat_map(|&i| (0..k).map(move |c| (base + i * k + c, i * k + c, c, carried(i, c)))).collect()
    }

    /// DART: adds `factor` times the trees of rounds `drops` to the training scores (-1 drops them).
    fn add_dropped(&mut self, drops: &[usize], factor: f64) {
        let dropped = self.dropped_trees(drops);
        let trees: Vec<_> =
            dropped.iter().map(|&(t, r, c, bias)| (&self.model.trees[t], &self.routing[r][..], c, bias)).collect();
        add_trees(&mut self.scores, &self.binned, &trees, factor);
    }

    /// DART, once the round's trees are in: the dropped trees are scaled down
    /// and come back into the training scores, and the validation scores lose
    /// what the scaling takes from them.
    fn normalize_dropped(&mut self, drops: &[usize]) {
        let Some(dart) = self.dart.as_mut() else { return };
        dart.add_round(drops, dart.shrinkage(drops.len()));
        if drops.is_empty() {
            return;
        }
        let kept = dart.kept(drops.len());
        let dropped = self.dropped_trees(drops);
        let trees: Vec<_> =
            dropped.iter().map(|&(t, r, c, bias)| (&self.model.trees[t], &self.routing[r][..], c, bias)).collect();
        add_trees(&mut self.scores, &self.binned, &trees, kept);
        for e in self.evals.iter_mut() {
            add_trees(&mut e.scores, &e.binned, &trees, kept - 1.0);
        }
        for &(t, _, c, bias) in &dropped {
            crate::dart::scale(&mut self.model.trees[t], kept);
            if bias != 0.0 {
                self.model.init_score[c] *= kept;
            }
        }
        self.model.packed = Default::default();
    }

    /// The builtin metrics on every validation set at the current scores.
    fn evaluate_valid(&self) -> Vec<Evaluation> {
        let mut results = Vec::new();
        for e in &self.evals {
            let ed = EvalData {
                labels: &e.labels,
                weights: e.weight.as_deref(),
                boundaries: e.boundaries.as_deref(),
                label_gain: &self.label_gain,
            };
            let scores = self.readable(&e.scores);
            for m in &self.metrics {
                results.push((e.name.clone(), m.name(), m.eval(&scores, &ed), m.higher_is_better()));
            }
        }
        results
    }

    /// Scores as the model predicts them: a forest's sums averaged over its rounds.
    fn readable<'s>(&self, scores: &'s [f64]) -> Cow<'s, [f64]> {
        let rounds = self.rounds;
        match &self.forest {
            Some(_) if rounds > 1 => scores.iter().map(|v| v / rounds as f64).collect(),
            _ => Cow::Borrowed(scores),
        }
    }

    /// Changes the parameters of the rounds still to grow (LightGBM's
    /// `reset_parameter` between rounds): the learner's, the shrinkage, the
    /// sampling. What the data were binned with, the objective, the metrics,
    /// the boosting type and the threads were fixed when training started:
    /// changing one is an error naming it.
    pub fn reset_params(&mut self, params: &Gbdt) -> Result<()> {
        params.validate()?;
        let params = crate::sampling::resolve(params, self.train_bounds.is_some())?;
        let (old, new) = (self.p.to_json(), params.to_json());
        for key in FIXED_DURING_TRAINING {
            ensure!(
                old[key] == new[key],
                InvalidValue,
                "parameter '{key}' cannot change during training (it was {}, now {}): it is fixed when training starts",
                old[key],
                new[key]
            );
        }
        let nf = self.model.features.len();
        ensure!(
            params.monotone_constraints.is_empty() || params.monotone_constraints.len() == nf,
            InvalidValue,
            "monotone_constraints has {} values for {nf} features",
            params.monotone_constraints.len()
        );
        crate::split_rules::SplitRules::check_monotone(&params, &self.model.features)?;
        self.lp = learner_params(&params, nf)?;
        if let Some(d) = self.dart.as_mut() {
            d.reset(&params);
        }
        self.model.params = params.clone();
        self.p = params;
        Ok(())
    }

    /// The metrics on the training data (`data = None`) or on validation set `i`, at the current scores.
    pub fn evaluate(&self, data: Option<usize>, name: &str) -> Result<Vec<Evaluation>> {
        let (labels, weights, bounds, scores) = match data {
            None => (&self.labels[..], self.weight.as_deref(), self.train_bounds.as_deref(), &self.scores),
            Some(i) => {
                let e = self.evals.get(i).ok_or_else(|| {
                    Error::InvalidValue(format!("no validation set {i}: there are {}", self.evals.len()))
                })?;
                (&e.labels[..], e.weight.as_deref(), e.boundaries.as_deref(), &e.scores)
            }
        };
        let ed = EvalData { labels, weights, boundaries: bounds, label_gain: &self.label_gain };
        let scores = self.readable(scores);
        Ok(self
            .metrics
            .iter()
            .map(|m| (name.to_string(), m.name(), m.eval(&scores, &ed), m.higher_is_better()))
            .collect())
    }

    /// Raw scores of the training data (`None`) or validation set `i`, output-major.
    pub fn scores(&self, data: Option<usize>) -> Result<&[f64]> {
        match data {
            None => Ok(&self.scores),
            Some(i) => {
                self.evals.get(i).map(|e| e.scores.as_slice()).ok_or_else(|| {
                    Error::InvalidValue(format!("no validation set {i}: there are {}", self.evals.len()))
                })
            }
        }
    }

    /// The training labels as numbers (class codes for a classifier).
    pub fn labels(&self, data: Option<usize>) -> Result<&[f64]> {
        match data {
            None => Ok(&self.labels),
            Some(i) => {
                self.evals.get(i).map(|e| e.labels.as_slice()).ok_or_else(|| {
                    Error::InvalidValue(format!("no validation set {i}: there are {}", self.evals.len()))
                })
            }
        }
    }

    /// Removes the last round, and its leaves from every score.
    pub fn rollback(&mut self) -> Result<()> {
        let k = self.k;
        ensure!(
            !self.routing.is_empty(),
            InvalidValue,
            "there is no round to roll back{}",
            if self.base_iterations > 0 { " (the initial model's rounds cannot be)" } else { "" }
        );
        let pool = self.pool.clone();
        pool.install(|| {
            let first = self.model.trees.len() - k;
            for c in 0..k {
                let tree = self.model.trees[first + c].clone();
                let splits = self.routing[self.routing.len() - k + c].clone();
                let n = self.binned.n_rows;
                let (b, raw) = (&self.binned, self.raw.as_ref());
                self.scores[c * n..(c + 1) * n]
                    .par_iter_mut()
                    .enumerate()
                    .for_each(|(i, s)| *s -= linear_tree::output(&tree, raw, route(&splits, &tree, b, i), i));
                for e in self.evals.iter_mut() {
                    let rows = e.binned.n_rows;
                    let (b, raw) = (&e.binned, e.raw.as_ref());
                    e.scores[c * rows..(c + 1) * rows]
                        .par_iter_mut()
                        .enumerate()
                        .for_each(|(i, s)| *s -= linear_tree::output(&tree, raw, route(&splits, &tree, b, i), i));
                }
            }
        });
        self.model.trees.truncate(self.model.trees.len() - k);
        self.routing.truncate(self.routing.len() - k);
        if let Some(d) = self.dart.as_mut() {
            d.remove_last();
        }
        self.rounds -= 1;
        self.stalled = false;
        self.history.iter_mut().for_each(|h| {
            h.values.pop();
        });
        self.model.packed = Default::default();
        Ok(())
    }

    /// The model so far.
    pub fn model(&self) -> &GbdtModel {
        &self.model
    }

    /// Sets leaf `leaf` of tree `tree` (LightGBM's `set_leaf_output`); scores already computed keep the old value, as there.
    pub fn set_leaf_output(&mut self, tree: usize, leaf: usize, value: f64) -> Result<()> {
        self.model.set_leaf_output(tree, leaf, value)
    }

    /// The finished model, with the validation history.
    pub fn finish(mut self) -> GbdtModel {
        self.model.evals = std::mem::take(&mut self.history);
        self.model.packed = Default::default();
        self.ph.report();
        self.model
    }
}

/// The metrics the parameters ask for (the objective's default when none),
/// checked against the number of outputs.
pub(crate) fn metrics_for(p: &Gbdt, builtin: &Builtin, custom: bool, k: usize) -> Result<Vec<Metric>> {
    Metric::for_training(p, builtin, custom, k)
}

/// A random forest's fixed starting point (LightGBM's `RF`): every tree is
/// fit to the gradients at the starting score, on its own bag, unshrunk, and
/// carries that score; the scores kept are the trees' sums, averaged to read.
struct Forest {
    init: Vec<f64>,
    /// The starting score of every row and output, output-major.
    base: Vec<f64>,
}

/// The leaf a row of binned data reaches through a tree's splits in bin space.
fn route(splits: &[BinnedSplit], tree: &Tree, data: &Binned, r: usize) -> usize {
    if splits.is_empty() {
        return 0;
    }
    let mut node = 0i32;
    while node >= 0 {
        let n = node as usize;
        let s = &splits[n];
        node = if s.go_left(data.get(r, s.feature)) { tree.left_child[n] } else { tree.right_child[n] };
    }
    !node as usize
}

/// A data set's starting raw scores: the model's (its starting score and
/// trees) plus the scores the data brings, output-major.
fn start_scores(model: &GbdtModel, x: &Features<'_>, given: Option<&[f64]>, rows: usize) -> Result<Vec<f64>> {
    let k = model.num_outputs;
    let mut s = vec![0.0; rows * k];
    if model.trees.is_empty() {
        for c in 0..k {
            s[c * rows..(c + 1) * rows].iter_mut().for_each(|v| *v = model.init_score[c]);
        }
    } else {
        let raw = model.predict_raw(*x, Some(model.num_iterations()))?;
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
}

/// Adds `factor` times each tree's output (and the starting score it carries)
/// to the output-major `scores` of `data`: `(tree, its routing, output, starting score)`.
fn add_trees(scores: &mut [f64], data: &Binned, trees: &[(&Tree, &[BinnedSplit], usize, f64)], factor: f64) {
    let n = data.n_rows;
    for &(tree, splits, c, bias) in trees {
        scores[c * n..(c + 1) * n]
            .par_iter_mut()
            .enumerate()
            .for_each(|(i, s)| *s += factor * (tree.leaf_value[route(splits, tree, data, i)] + bias));
    }
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

/// The parameters [`Trainer::reset_params`] cannot change: the bins, the
/// objective and its outputs, the metrics, the boosting type, the threads.
const FIXED_DURING_TRAINING: &[&str] = &[
    "objective",
    "num_class",
    "boosting",
    "data_sample_strategy",
    "linear_tree",
    "max_bin",
    "max_bin_by_feature",
    "min_data_in_bin",
    "bin_construct_sample_cnt",
    "use_missing",
    "zero_as_missing",
    "categorical_feature",
    "forcedbins_filename",
    "metric",
    "num_threads",
    "label_gain",
    "boost_from_average",
];

/// The tree learner's settings from the booster's parameters (at the start,
/// and again when [`Trainer::reset_params`] changes them between rounds).
fn learner_params(p: &Gbdt, nf: usize) -> Result<LearnerParams> {
    Ok(LearnerParams {
        split: SplitParams {
            lambda_l1: p.lambda_l1,
            lambda_l2: p.lambda_l2,
            // LightGBM raises it so: a leaf's count, estimated from its
            // hessians, can read 1 for an empty leaf, which smoothing would value.
            min_data_in_leaf: if p.path_smooth > 0.0 { p.min_data_in_leaf.max(2) } else { p.min_data_in_leaf },
            min_sum_hessian_in_leaf: p.min_sum_hessian_in_leaf,
            min_gain_to_split: p.min_gain_to_split,
            max_cat_to_onehot: p.max_cat_to_onehot,
            max_cat_threshold: p.max_cat_threshold,
            cat_smooth: p.cat_smooth,
            cat_l2: p.cat_l2,
            min_data_per_group: p.min_data_per_group,
            monotone: p.monotone_constraints.iter().map(|&c| c as i8).collect(),
            path_smooth: p.path_smooth,
            extra_trees: p.extra_trees,
        },
        num_leaves: p.num_leaves,
        max_depth: if p.max_depth > 0 { p.max_depth as usize } else { 0 },
        feature_fraction_bynode: p.feature_fraction_bynode,
        interaction_constraints: interaction_masks(&p.interaction_constraints, nf)?,
        seed: p.seed,
        extra_seed: p.extra_seed,
        forced: crate::forced_splits::ForcedSplit::load(&p.forcedsplits_filename, nf)?.map(std::sync::Arc::new),
        rules: crate::split_rules::SplitRules::from_params(p, nf)?,
    })
}

/// `interaction_constraints` as one mask over the features per constraint.
fn interaction_masks(constraints: &[Vec<usize>], nf: usize) -> Result<Vec<Vec<bool>>> {
    constraints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c.is_empty() {
                return Err(Error::param("interaction_constraints", format!("constraint {i} is empty")));
            }
            let mut mask = vec![false; nf];
            for &f in c {
                if f >= nf {
                    return Err(Error::param(
                        "interaction_constraints",
                        format!("constraint {i} names feature {f}, but there are {nf} features (0 to {})", nf - 1),
                    ));
                }
                mask[f] = true;
            }
            Ok(mask)
        })
        .collect()
}

/// Refits each leaf by the objective's rule (LightGBM's `RenewTreeOutput`: L1, quantile, MAPE).
fn renew_leaves(
    objective: &dyn Objective,
    grown: &mut Grown,
    rows: &[u32],
    labels: &[f64],
    scores: &[f64],
    w: Option<&[f64]>,
) {
    for (leaf, &(s, e)) in grown.leaf_ranges.iter().enumerate() {
        if s == e {
            continue;
        }
        if let Some(v) = objective.renew_leaf(&rows[s..e], labels, scores, w) {
            grown.tree.leaf_value[leaf] = v;
        }
    }
}
