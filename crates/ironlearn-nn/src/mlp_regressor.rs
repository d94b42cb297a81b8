//! scikit-learn's `MLPRegressor` on candle: a feed-forward network with
//! an identity output and half the squared error, trained by Adam, SGD or
//! L-BFGS under scikit-learn's rules (see [`crate::mlp`]).

use ironlearn_core::{
    hyperparams, register, Domain, Features, FitContext, Fitted, Learn, Prediction, Result, Task, TrainData,
};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::mlp::{check_x, fit, Head, MlpConfig, MlpData, MlpState, Target};

hyperparams! {
    /// A multi-layer perceptron regressor, as scikit-learn's.
    ///
    /// ```
    /// use ironlearn_core::{Features, FitContext, Fitted, Learn, Prediction, Target, TrainData};
    /// use ironlearn_nn::MLPRegressor;
    /// use ndarray::Array2;
    ///
    /// let x = Array2::from_shape_fn((40, 1), |(i, _)| i as f64 / 20.0 - 1.0);
    /// let y = Target::Values(x.column(0).iter().map(|v| 2.0 * v + 1.0).collect());
    /// let params = MLPRegressor { hidden_layer_sizes: vec![10], solver: "lbfgs".into(), ..Default::default() };
    /// let model = params.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())?;
    /// let Prediction::Values(p) = model.predict_data(Features::Dense(x.view()))? else { unreachable!() };
    /// assert!((p[0] - -1.0).abs() < 0.05 && (p[39] - 2.9).abs() < 0.05);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "mlp_regressor"]
    #[aliases("neural_network_regressor")]
    #[tags(task = Some(Task::Regression), sample_weight, f32, wants_scaling)]
    pub struct MLPRegressor {
        /// The width of each hidden layer.
        hidden_layer_sizes: Vec<usize> = vec![100], alias("hidden");
        /// The hidden layers' activation: "identity", "logistic", "tanh" or "relu".
        activation: String = "relu".into(), domain(Domain::choice(&["identity", "logistic", "tanh", "relu"]));
        /// The solver: "adam", "sgd" (with momentum) or "lbfgs" (full batch).
        solver: String = "adam".into(), domain(Domain::choice(&["lbfgs", "sgd", "adam"]));
        /// The strength of the L2 penalty on the weights.
        alpha: f64 = 0.0001, domain(Domain::float_min(0.0));
        /// Rows per minibatch; none is scikit-learn's "auto", min(200, rows).
        batch_size: Option<usize> = None, domain(Domain::int_min(1));
        /// SGD's step-size schedule: "constant", "invscaling" or "adaptive".
        learning_rate: String = "constant".into(), domain(Domain::choice(&["constant", "invscaling", "adaptive"]));
        /// The initial step size (Adam and SGD).
        learning_rate_init: f64 = 0.001, domain(Domain::positive());
        /// The exponent of "invscaling".
        power_t: f64 = 0.5, domain(Domain::float_min(0.0));
        /// The maximum number of epochs (L-BFGS: iterations).
        max_iter: usize = 200, domain(Domain::int_min(1));
        /// Whether to shuffle the rows before each epoch.
        shuffle: bool = true;
        /// The seed of the initial weights, the shuffles and the validation split.
        random_state: u64 = 0;
        /// The improvement of the loss (or validation score) that counts as progress.
        tol: f64 = 1e-4, domain(Domain::float_min(0.0));
        /// SGD's momentum.
        momentum: f64 = 0.9, domain(Domain::float_range(0.0, 1.0));
        /// Whether SGD's momentum is Nesterov's.
        nesterovs_momentum: bool = true;
        /// Stop on the R² of a held-out validation share instead of the training loss.
        early_stopping: bool = false;
        /// The share of rows held out when `early_stopping` is on.
        validation_fraction: f64 = 0.1, domain(Domain::float_between(0.0, 1.0, true, true));
        /// Adam's first-moment decay.
        beta_1: f64 = 0.9, domain(Domain::float_between(0.0, 1.0, false, true));
        /// Adam's second-moment decay.
        beta_2: f64 = 0.999, domain(Domain::float_between(0.0, 1.0, false, true));
        /// Adam's numerical-stability term.
        epsilon: f64 = 1e-8, domain(Domain::positive());
        /// Epochs without improvement by `tol` before stopping.
        n_iter_no_change: usize = 10, domain(Domain::int_min(1));
        /// L-BFGS's limit on loss evaluations.
        max_fun: usize = 15000, domain(Domain::int_min(1));
    }
}

impl MLPRegressor {
    fn config(&self) -> MlpConfig<'_> {
        MlpConfig {
            hidden_layer_sizes: &self.hidden_layer_sizes,
            activation: &self.activation,
            solver: &self.solver,
            alpha: self.alpha,
            batch_size: self.batch_size,
            learning_rate: &self.learning_rate,
            learning_rate_init: self.learning_rate_init,
            power_t: self.power_t,
            max_iter: self.max_iter,
            shuffle: self.shuffle,
            random_state: self.random_state,
            tol: self.tol,
            momentum: self.momentum,
            nesterovs_momentum: self.nesterovs_momentum,
            early_stopping: self.early_stopping,
            validation_fraction: self.validation_fraction,
            beta_1: self.beta_1,
            beta_2: self.beta_2,
            epsilon: self.epsilon,
            n_iter_no_change: self.n_iter_no_change,
            max_fun: self.max_fun,
        }
    }
}

/// A fitted [`MLPRegressor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MLPRegressorModel {
    params: MLPRegressor,
    #[serde(flatten)]
    net: MlpState,
}

impl MLPRegressorModel {
    /// Weight matrices, `(inputs, outputs)` per layer (scikit-learn's `coefs_`).
    pub fn coefs(&self) -> &[Array2<f64>] {
        &self.net.coefs
    }

    /// The training loss per epoch.
    pub fn loss_curve(&self) -> &[f64] {
        &self.net.loss_curve
    }
}

impl Learn for MLPRegressor {
    type Model = MLPRegressorModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<MLPRegressorModel> {
        check_x(&data.x, "X")?;
        let y = data.values()?;
        ironlearn_core::validate::check_target(y)?;
        let r2 = |p: &Array2<f64>, rows: &[usize]| -> f64 {
            let truth: Vec<f64> = rows.iter().map(|&r| y[r]).collect();
            let pred = p.column(0).to_vec();
            // A validation share with a constant target has no R²; it then counts as no improvement.
            ironlearn_metrics::r2(&truth, &pred, None).unwrap_or(f64::NEG_INFINITY)
        };
        let values = Array2::from_shape_vec((y.len(), 1), y.to_vec()).expect("one column of y.len() rows");
        let mlp_data = MlpData { x: data.x.reborrow(), y: Target::Values(values), w: data.weight, strata: None };
        let net = fit(&self.config(), Head::Regression(1), &mlp_data, &r2, ctx)?;
        Ok(MLPRegressorModel { params: self.clone(), net })
    }
}

impl Fitted for MLPRegressorModel {
    type Estimator = MLPRegressor;

    fn n_features_in(&self) -> usize {
        self.net.n_features()
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let out = self.net.forward(x, &self.params.activation, "MLPRegressor")?;
        Ok(Prediction::Values(Array1::from_iter(out.column(0).iter().copied())))
    }
}

register!(MLPRegressor);
