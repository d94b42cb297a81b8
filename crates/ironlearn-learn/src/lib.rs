//! Classic estimators: linear models, naive Bayes, discriminant analysis,
//! neighbours, support vector machines, decision trees, forests, clustering
//! and preprocessing.
//!
//! One module per family, one file per estimator. Each estimator is a
//! hyperparameter struct whose `fit` returns a separate fitted type with
//! inspectable state; implementing [`Learn`] and [`Fitted`] and one
//! `register!` line give it the dynamic face the CLI, the Python package and
//! pipelines drive by name, and its model file.
//!
//! [`Learn`]: ironlearn_core::Learn
//! [`Fitted`]: ironlearn_core::Fitted

pub mod calibration;
pub mod cluster;
pub mod discriminant_analysis;
pub mod dummy;
pub mod ensemble;
pub mod isotonic;
pub mod kernel_ridge;
pub mod linear;
pub mod multiclass;
mod n_jobs;
pub mod naive_bayes;
pub mod neighbors;
mod prefetch;
pub mod preprocessing;
mod sub_estimators;
pub mod svm;
pub mod tree;

#[cfg(test)]
mod test_data;

pub use calibration::{CalibratedClassifierCV, CalibratedClassifierCVModel};
pub use cluster::{KMeans, KMeansModel};
pub use discriminant_analysis::{
    LinearDiscriminantAnalysis, LinearDiscriminantAnalysisModel, QuadraticDiscriminantAnalysis,
    QuadraticDiscriminantAnalysisModel,
};
pub use dummy::{DummyClassifier, DummyClassifierModel, DummyRegressor, DummyRegressorModel};
pub use ensemble::{
    BaggingClassifier, BaggingClassifierModel, BaggingRegressor, BaggingRegressorModel, ExtraTreesClassifier,
    ExtraTreesClassifierModel, ExtraTreesRegressor, ExtraTreesRegressorModel, IsolationForest, IsolationForestModel,
    RandomForestClassifier, RandomForestClassifierModel, RandomForestRegressor, RandomForestRegressorModel,
    StackingClassifier, StackingClassifierModel, StackingRegressor, StackingRegressorModel, VotingClassifier,
    VotingClassifierModel, VotingRegressor, VotingRegressorModel,
};
pub use isotonic::{isotonic_fit, IsotonicRegression, IsotonicRegressionModel};
pub use kernel_ridge::{KernelRidge, KernelRidgeModel};
pub use linear::{
    ElasticNet, ElasticNetCV, ElasticNetCVModel, ElasticNetModel, GammaRegressor, GammaRegressorModel, HuberRegressor,
    HuberRegressorModel, Lasso, LassoCV, LassoCVModel, LassoModel, LinearRegression, LinearRegressionModel,
    LogisticRegression, LogisticRegressionModel, PoissonRegressor, PoissonRegressorModel, QuantileRegressor,
    QuantileRegressorModel, Ridge, RidgeClassifier, RidgeClassifierModel, RidgeModel, SGDClassifier,
    SGDClassifierModel, SGDRegressor, SGDRegressorModel, TweedieRegressor, TweedieRegressorModel,
};
pub use multiclass::{OneVsRestClassifier, OneVsRestClassifierModel};
pub use naive_bayes::{
    BernoulliNB, BernoulliNBModel, ComplementNB, ComplementNBModel, GaussianNB, GaussianNBModel, MultinomialNB,
    MultinomialNBModel,
};
pub use neighbors::{
    KNeighborsClassifier, KNeighborsClassifierModel, KNeighborsRegressor, KNeighborsRegressorModel, NearestNeighbors,
    NearestNeighborsModel, RadiusNeighborsClassifier, RadiusNeighborsClassifierModel, RadiusNeighborsRegressor,
    RadiusNeighborsRegressorModel,
};
pub use preprocessing::{
    OneHotEncoder, OneHotEncoderModel, SimpleImputer, SimpleImputerModel, StandardScaler, StandardScalerModel,
};
pub use svm::{
    LinearSVC, LinearSVCModel, LinearSVR, LinearSVRModel, NuSVC, NuSVCModel, NuSVR, NuSVRModel, OneClassSVM,
    OneClassSVMModel, SVCModel, SVRModel, SVC, SVR,
};
pub use tree::{
    DecisionTreeClassifier, DecisionTreeClassifierModel, DecisionTreeRegressor, DecisionTreeRegressorModel,
};
