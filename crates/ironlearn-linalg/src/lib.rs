//! Dense linear algebra for ironlearn's estimators, on faer.
//!
//! Estimators speak ndarray (the public array type, shared with numpy);
//! faer does the factorizations. This crate is the thin seam between the two
//! plus the solvers the estimators share: minimum-norm least squares,
//! symmetric positive-definite solves, and L-BFGS; and matrix products that
//! leave the SIMD register state clean (see `simd_state`); and `exp` as
//! arithmetic that vectorises (`vector_math`), for the losses and kernels.

mod convert;
mod lbfgs;
mod lstsq;
mod simd_state;
mod spd;
pub mod vector_math;

pub use convert::{to_faer, to_ndarray};
pub use lbfgs::{minimize, Lbfgs, LbfgsResult};
pub use lstsq::{lstsq_augmented, lstsq_min_norm, LstsqSolution};
pub use simd_state::{clean_simd_state, matmul};
pub use spd::{gram, solve_spd};
