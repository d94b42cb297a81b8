//! Forests of decision trees (random forests, extremely randomised trees and
//! isolation forests), and the ensembles of other estimators (voting, stacking,
//! bagging).
//!
//! The forests share one grower ([`forest`]): the trees are [`crate::tree`]'s,
//! grown in parallel, each from its own random stream, and stored together
//! as flat arrays.

pub mod bagging;
mod bagging_classifier;
mod bagging_regressor;
mod extra_trees_classifier;
mod extra_trees_regressor;
pub mod forest;
mod isolation_forest;
mod random_forest_classifier;
mod random_forest_regressor;
pub mod stacking;
mod stacking_classifier;
mod stacking_regressor;
#[cfg(test)]
mod testing;
mod voting_classifier;
mod voting_regressor;

pub use bagging::BaggingDraw;
pub use bagging_classifier::{BaggingClassifier, BaggingClassifierModel};
pub use bagging_regressor::{BaggingRegressor, BaggingRegressorModel};
pub use extra_trees_classifier::{ExtraTreesClassifier, ExtraTreesClassifierModel};
pub use extra_trees_regressor::{ExtraTreesRegressor, ExtraTreesRegressorModel};
pub use forest::{ClassWeight, ForestTrees, MaxSamples};
pub use isolation_forest::{
    average_path_length, Contamination, IsolationForest, IsolationForestModel, IsolationSamples,
};
pub use random_forest_classifier::{RandomForestClassifier, RandomForestClassifierModel};
pub use random_forest_regressor::{RandomForestRegressor, RandomForestRegressorModel};
pub use stacking_classifier::{StackingClassifier, StackingClassifierModel};
pub use stacking_regressor::{StackingRegressor, StackingRegressorModel};
pub use voting_classifier::{VotingClassifier, VotingClassifierModel};
pub use voting_regressor::{VotingRegressor, VotingRegressorModel};
