//! Neural networks on candle tensors: layers declared as data, losses,
//! optimizers, schedules, a training loop on the kernel's fit context, and
//! scikit-learn's MLP estimators.
//!
//! candle-core gives tensors, devices and reverse-mode autograd; what it
//! lacks for training (a declarative model, initialisers, optimizers with
//! their state, schedules, a loop with callbacks and early stopping) is
//! here. A network is a [`NetworkSpec`] — plain serializable data — so the
//! same architecture is built from Rust, a JSON file, the CLI or Python, and
//! a fitted network saves as its spec plus named weight arrays in the common
//! model file.
//!
//! Only operations with a backward pass are used in training: candle-nn's
//! fused softmax and normalisation kernels have none, so parameters upstream
//! of them would silently learn nothing. The test suite checks that every
//! parameter of every layer receives a non-zero gradient.

mod convert;
pub mod init;
pub mod layers;
pub mod loader;
pub mod loss;
mod mlp;
pub mod mlp_classifier;
pub mod mlp_regressor;
pub mod network;
pub mod neural_network;
pub mod optim;
pub mod schedule;
pub mod spec;
pub mod trainer;

pub use candle_core::{DType, Device, Tensor, Var};
pub use convert::{from_candle, CandleResult};
pub use loss::Loss;
pub use mlp_classifier::{MLPClassifier, MLPClassifierModel};
pub use mlp_regressor::{MLPRegressor, MLPRegressorModel};
pub use network::{Mode, Network};
pub use neural_network::{NeuralNetwork, NeuralNetworkModel};
pub use optim::{Optimizer, OptimizerSpec};
pub use schedule::Schedule;
pub use spec::{Activation, LayerSpec, NetworkSpec};
pub use trainer::{TrainConfig, TrainReport};
