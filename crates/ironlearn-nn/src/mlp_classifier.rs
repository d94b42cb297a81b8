//! scikit-learn's `MLPClassifier` on candle: a feed-forward network with
//! a logistic (two classes) or softmax output, trained by Adam, SGD or
//! L-BFGS under scikit-learn's rules (see [`crate::mlp`]).

use ironlearn_core::{
    hyperparams, register, Domain, Features, FitContext, Fitted, Labels, Learn, Prediction, Result, Task, TrainData,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::mlp::{check_x, fit, Head, MlpConfig, MlpData, MlpState, Target};

hyperparams! {
    /// A multi-layer perceptron classifier, as scikit-learn's.
    ///
    /// ```
    /// use ironlearn_core::{Features, FitContext, Fitted, Labels, Learn, Prediction, Target, TrainData};
    /// use ironlearn_nn::MLPClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0.0, 0.0], [0.1, 0.2], [1.0, 1.0], [0.9, 1.1], [0.0, 1.0], [1.0, 0.1]];
    /// let y = Target::Labels(Labels::from_strings(&["a", "a", "b", "b", "a", "b"]));
    /// let params = MLPClassifier { hidden_layer_sizes: vec![8], solver: "lbfgs".into(), ..Default::default() };
    /// let model = params.learn(&TrainData::supervised(Features::Dense(x.view()), &y), &mut FitContext::default())?;
    /// let Prediction::Labels(p) = model.predict_data(Features::Dense(x.view()))? else { unreachable!() };
    /// assert_eq!(p.to_strings(), ["a", "a", "b", "b", "a", "b"]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "mlp_classifier"]
    #[aliases("mlp", "neural_network_classifier")]
    #[tags(task = Some(Task::Classification), sample_weight, f32, predict_proba, wants_scaling)]
    pub struct MLPClassifier {
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
        /// Stop on the accuracy of a held-out validation share instead of the training loss.
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

impl MLPClassifier {
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

/// A fitted [`MLPClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MLPClassifierModel {
    params: MLPClassifier,
    classes: Vec<String>,
    #[serde(flatten)]
    net: MlpState,
}

impl MLPClassifierModel {
    /// Weight matrices, `(inputs, outputs)` per layer (scikit-learn's `coefs_`).
    pub fn coefs(&self) -> &[Array2<f64>] {
        &self.net.coefs
    }

    /// Bias vectors per layer (scikit-learn's `intercepts_`).
    pub fn intercepts(&self) -> &[ndarray::Array1<f64>] {
        &self.net.intercepts
    }

    /// The training loss per epoch.
    pub fn loss_curve(&self) -> &[f64] {
        &self.net.loss_curve
    }

    /// Epochs (L-BFGS: iterations) run.
    pub fn n_iter(&self) -> usize {
        self.net.n_iter
    }

    fn proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let out = self.net.forward(x, &self.params.activation, "MLPClassifier")?;
        if out.ncols() == 1 {
            // One logistic output: P(second class).
            return Ok(Array2::from_shape_fn(
                (out.nrows(), 2),
                |(i, j)| if j == 1 { out[[i, 0]] } else { 1.0 - out[[i, 0]] },
            ));
        }
        Ok(out)
    }
}

impl Learn for MLPClassifier {
    type Model = MLPClassifierModel;

    fn learn(&self, data: &TrainData<'_>, ctx: &mut FitContext<'_>) -> Result<MLPClassifierModel> {
        check_x(&data.x, "X")?;
        let y = data.labels()?;
        y.check_two_classes()?;
        let k = y.n_classes();
        let head = if k == 2 { Head::Binary } else { Head::Softmax(k) };
        let accuracy = |p: &Array2<f64>, rows: &[usize]| -> f64 {
            let hits = rows
                .iter()
                .enumerate()
                .filter(|&(i, &r)| {
                    let pred = if p.ncols() == 1 {
                        u32::from(p[[i, 0]] > 0.5)
                    } else {
                        ironlearn_core::validate::argmax(p.row(i).iter().copied()) as u32
                    };
                    pred == y.codes()[r]
                })
                .count();
            hits as f64 / rows.len() as f64
        };
        let mlp_data = MlpData {
            x: data.x.reborrow(),
            y: Target::Classes(y.codes().to_vec()),
            w: data.weight,
            strata: Some(y.codes()),
        };
        let net = fit(&self.config(), head, &mlp_data, &accuracy, ctx)?;
        Ok(MLPClassifierModel { params: self.clone(), classes: y.classes().to_vec(), net })
    }
}

impl Fitted for MLPClassifierModel {
    type Estimator = MLPClassifier;

    fn n_features_in(&self) -> usize {
        self.net.n_features()
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        let p = self.proba(x)?;
        let codes = p.rows().into_iter().map(|r| ironlearn_core::validate::argmax(r.iter().copied()) as u32).collect();
        Ok(Prediction::Labels(Labels::new(self.classes.clone(), codes)?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.proba(x)
    }
}

register!(MLPClassifier);
