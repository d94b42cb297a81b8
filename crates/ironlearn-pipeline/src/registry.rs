//! The estimator registry, seen from above every estimator crate.
//!
//! Estimators register themselves (`ironlearn_core::register!`) beside
//! their declaration; this module only makes sure every estimator crate is
//! linked, so the link-time list is complete, and re-exports the lookups.

// Referenced so the linker keeps their registrations.
#[cfg(feature = "boost")]
use ironlearn_boost as _;
use ironlearn_learn as _;
#[cfg(feature = "nn")]
use ironlearn_nn as _;

pub use ironlearn_core::registry::{build_estimator as build, find, registry};

/// One registered estimator.
pub type Entry = ironlearn_core::Registration;

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(feature = "boost")]
    fn every_estimator_is_registered_once() {
        // Names come sorted and unique; one estimator of each crate shows that crate is linked.
        let names: Vec<&str> = super::registry().iter().map(|e| e.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names, unique);
        for linked in ["gbdt", "ridge"] {
            assert!(names.contains(&linked), "{linked} is not registered: {names:?}");
        }
    }
}
