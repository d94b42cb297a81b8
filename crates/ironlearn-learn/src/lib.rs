//! Classic estimators: linear models, naive Bayes, discriminant analysis,
//! neighbours, decision trees, clustering and preprocessing.
//!
//! One module per family, one file per estimator. Each estimator is a
//! hyperparameter struct whose `fit` returns a separate fitted type with
//! inspectable state; implementing [`Learn`] and [`Fitted`] and one
//! `register!` line give it the dynamic face the CLI, the Python package and
//! pipelines drive by name, and its model file.
//!
//! [`Learn`]: ironlearn_core::Learn
//! [`Fitted`]: ironlearn_core::Fitted

pub mod cluster;
pub mod discriminant_analysis;
pub mod dummy;
pub mod linear;
pub mod naive_bayes;
pub mod neighbors;
pub mod preprocessing;
pub mod tree;

#[cfg(test)]
mod test_data;

pub use cluster::{KMeans, KMeansModel};
pub use discriminant_analysis::{
    LinearDiscriminantAnalysis, LinearDiscriminantAnalysisModel, QuadraticDiscriminantAnalysis,
    QuadraticDiscriminantAnalysisModel,
};
pub use dummy::{DummyClassifier, DummyClassifierModel, DummyRegressor, DummyRegressorModel};
pub use linear::{
    ElasticNet, ElasticNetModel, Lasso, LassoModel, LinearRegression, LinearRegressionModel, LogisticRegression,
    LogisticRegressionModel, Ridge, RidgeModel,
};
pub use naive_bayes::{
    BernoulliNB, BernoulliNBModel, ComplementNB, ComplementNBModel, GaussianNB, GaussianNBModel, MultinomialNB,
    MultinomialNBModel,
};
pub use neighbors::{KNeighborsClassifier, KNeighborsClassifierModel, KNeighborsRegressor, KNeighborsRegressorModel};
pub use preprocessing::{
    OneHotEncoder, OneHotEncoderModel, SimpleImputer, SimpleImputerModel, StandardScaler, StandardScalerModel,
};
pub use tree::{
    DecisionTreeClassifier, DecisionTreeClassifierModel, DecisionTreeRegressor, DecisionTreeRegressorModel,
};
