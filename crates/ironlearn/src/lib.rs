//! ironlearn: machine learning in Rust.
//!
//! One toolkit for loading data, training classic models and gradient-boosted
//! trees, evaluating them and saving them in one self-describing file format.
//! `use ironlearn::prelude::*;` brings in everything a typical program needs.
//!
//! ```
//! use ironlearn::prelude::*;
//! use ndarray::array;
//!
//! let x = array![[1.0], [2.0], [3.0], [4.0]];
//! let y = [2.0, 4.0, 6.0, 8.0];
//! let model = LinearRegression::default().fit(x.view(), &y[..])?;
//! assert!((model.predict(array![[5.0]].view())?[0] - 10.0).abs() < 1e-9);
//! # Ok::<(), ironlearn::Error>(())
//! ```

#[cfg(feature = "boost")]
pub use ironlearn_boost as boost;
pub use ironlearn_core as core;
pub use ironlearn_core::{Error, Result};
pub use ironlearn_data as data;
pub use ironlearn_learn as learn;
pub use ironlearn_linalg as linalg;
pub use ironlearn_metrics as metrics;
#[cfg(feature = "nn")]
pub use ironlearn_nn as nn;
pub use ironlearn_pipeline as pipeline;

/// The names most programs need.
pub mod prelude {
    #[cfg(feature = "boost")]
    pub use ironlearn_boost::{Gbdt, GbdtModel, Importance};
    pub use ironlearn_core::{
        target_values, Column, Error, Estimator, Features, Fit, FitContext, FitTransform, Labels, Model, ModelFile,
        Params, Persist, Predict, PredictProba, Prediction, Result, Table, Target, Task, TrainData, Transform,
    };
    pub use ironlearn_data::{read_table, write_table, ReadOptions};
    pub use ironlearn_learn::{
        KMeans, LinearRegression, LogisticRegression, OneHotEncoder, Ridge, SimpleImputer, StandardScaler,
    };
    pub use ironlearn_metrics::{
        accuracy, cross_val_score, log_loss, mae, mse, r2, rmse, roc_auc, train_test_split, KFold, Scoring,
        StratifiedKFold,
    };
    #[cfg(feature = "nn")]
    pub use ironlearn_nn::{MLPClassifier, MLPRegressor, NetworkSpec};
    pub use ironlearn_pipeline::{auto_pipeline, find, from_spec, load, ColumnTransformer, FeatureUnion, Pipeline};
}
