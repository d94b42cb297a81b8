//! Support vector machines: linear ones solved by liblinear's algorithms,
//! kernel ones by LIBSVM's SMO solver.

pub(crate) mod base;
mod block;
pub mod kernel;
pub(crate) mod liblinear;
pub(crate) mod libsvm;
mod linear_svc;
mod linear_svr;
mod nu_svc;
mod nu_svr;
mod one_class_svm;
mod svc;
mod svr;

pub use kernel::Gamma;
pub use linear_svc::{LinearSVC, LinearSVCModel};
pub use linear_svr::{LinearSVR, LinearSVRModel};
pub use nu_svc::{NuSVC, NuSVCModel};
pub use nu_svr::{NuSVR, NuSVRModel};
pub use one_class_svm::{OneClassSVM, OneClassSVMModel};
pub use svc::{SVCModel, SVC};
pub use svr::{SVRModel, SVR};

use std::collections::BTreeMap;

use ironlearn_core::{bail, Result};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use liblinear::Rows;

/// scikit-learn's `dual`: `"auto"`, `true` or `false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dual {
    /// Solve the dual (`true`) or the primal (`false`) problem.
    Fixed(bool),
    /// `"auto"`: chosen from the shape of the data and what the loss and penalty allow.
    Named(String),
}

impl Dual {
    pub(crate) fn is_valid(dual: &Option<Dual>) -> bool {
        !matches!(dual, Some(Dual::Named(s)) if s != "auto")
    }
}

/// scikit-learn's `class_weight`: `"balanced"` or `{class label: weight}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ClassWeight {
    /// `"balanced"`: `n_samples / (n_classes · weighted count of the class)`.
    Named(String),
    /// A weight per class label (classes left out weigh 1).
    Weights(BTreeMap<String, f64>),
}

impl ClassWeight {
    pub(crate) fn is_valid(cw: &Option<ClassWeight>) -> bool {
        match cw {
            Some(ClassWeight::Named(s)) => s == "balanced",
            Some(ClassWeight::Weights(m)) => m.values().all(|v| v.is_finite()),
            None => true,
        }
    }
}

/// Which of liblinear's solvers a combination of loss, penalty and `dual` runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Solver {
    /// Dual coordinate descent for the (squared) hinge loss, L2 penalty.
    SvcDual { squared: bool },
    /// Primal Newton for the squared hinge loss, L2 penalty (liblinear's TRON problem).
    SvcPrimal,
    /// Primal coordinate descent for the squared hinge loss, L1 penalty.
    L1rL2Svc,
    /// Dual coordinate descent for the (squared) epsilon-insensitive loss.
    SvrDual { squared: bool },
    /// Primal Newton for the squared epsilon-insensitive loss (liblinear's TRON problem).
    SvrPrimal,
}

/// The combinations liblinear solves, as scikit-learn's `_get_liblinear_solver_type`
/// lists them: (loss, penalty, dual).
fn lookup(loss: &str, penalty: &str, dual: bool) -> std::result::Result<Solver, String> {
    let penalties: &[(&str, &[bool])] = match loss {
        "hinge" => &[("l2", &[true])],
        "squared_hinge" => &[("l1", &[false]), ("l2", &[false, true])],
        "epsilon_insensitive" => &[("l2", &[true])],
        "squared_epsilon_insensitive" => &[("l2", &[false, true])],
        _ => return Err(format!("loss='{loss}' is not supported")),
    };
    let Some((_, duals)) = penalties.iter().find(|(p, _)| *p == penalty) else {
        return Err(format!("The combination of penalty='{penalty}' and loss='{loss}' is not supported"));
    };
    if !duals.contains(&dual) {
        return Err(format!(
            "The combination of penalty='{penalty}' and loss='{loss}' are not supported when dual={}",
            py_bool(dual)
        ));
    }
    Ok(match (loss, penalty, dual) {
        ("hinge", _, _) => Solver::SvcDual { squared: false },
        ("squared_hinge", "l1", _) => Solver::L1rL2Svc,
        ("squared_hinge", _, true) => Solver::SvcDual { squared: true },
        ("squared_hinge", _, false) => Solver::SvcPrimal,
        ("epsilon_insensitive", _, _) => Solver::SvrDual { squared: false },
        (_, _, true) => Solver::SvrDual { squared: true },
        _ => Solver::SvrPrimal,
    })
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// `dual` resolved as scikit-learn's `_validate_dual_parameter` does, then the
/// solver, or scikit-learn's error for a combination liblinear does not solve.
pub(crate) fn choose_solver(loss: &str, penalty: &str, dual: &Option<Dual>, n: usize, p: usize) -> Result<Solver> {
    let dual = match dual {
        Some(Dual::Fixed(b)) => *b,
        // "auto": the dual with fewer rows than features, when the combination allows it
        _ if n < p => lookup(loss, penalty, true).is_ok(),
        _ => lookup(loss, penalty, false).is_err(),
    };
    lookup(loss, penalty, dual).or_else(|e| {
        bail!(
            InvalidValue,
            "Unsupported set of arguments: {e}, Parameters: penalty='{penalty}', loss='{loss}', dual={}",
            py_bool(dual)
        )
    })
}

/// The rows with positive weight (liblinear drops the others), with the bias
/// column `bias` appended when given.
pub(crate) fn build_rows(x: ArrayView2<'_, f64>, keep: &[usize], bias: Option<f64>) -> Rows {
    let p = x.ncols();
    let d = p + usize::from(bias.is_some());
    let mut data = Vec::with_capacity(keep.len() * d);
    for &i in keep {
        data.extend(x.row(i).iter());
        if let Some(b) = bias {
            data.push(b);
        }
    }
    Rows { data, n: keep.len(), d }
}

/// The indices of the rows with positive weight, and the weights (1 without `w`).
pub(crate) fn kept_rows(w: Option<&[f64]>, n: usize) -> (Vec<usize>, Vec<f64>) {
    match w {
        None => ((0..n).collect(), vec![1.0; n]),
        Some(w) => w.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, v)| (i, *v)).unzip(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use ndarray::Array2;

    /// Standardised columns (population standard deviation, as `StandardScaler`).
    pub fn scaled(x: &Array2<f64>) -> Array2<f64> {
        let mut x = x.clone();
        for mut c in x.columns_mut() {
            let m = c.mean().unwrap();
            let s = c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / c.len() as f64;
            let s = if s > 0.0 { s.sqrt() } else { 1.0 };
            c.mapv_inplace(|v| (v - m) / s);
        }
        x
    }

    pub fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
        assert!((got - want).abs() <= rel * want.abs().max(1e-12), "{what}: got {got}, want {want}");
    }
}
