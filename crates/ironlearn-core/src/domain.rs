//! The values a hyperparameter accepts, as data.
//!
//! A check written as a closure can only say yes or no. A domain can also be
//! shown (`ironlearn models`, Python docstrings), searched (grid search and
//! AutoML draw from it), and violated on purpose: the conformance suite
//! feeds every parameter a value just outside its domain and expects an
//! error that names the parameter, as scikit-learn's
//! `check_param_validation` does.

use serde::Serialize;
use serde_json::Value;

/// The accepted values of one hyperparameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Domain {
    /// Any value of the parameter's type.
    Any,
    /// Integers in `min..=max`.
    Int { min: i64, max: Option<i64>, log: bool },
    /// Finite real numbers between the bounds; `*_open` excludes the bound itself.
    Float { min: Option<f64>, max: Option<f64>, min_open: bool, max_open: bool, log: bool },
    /// One of these strings.
    Choice { values: &'static [&'static str] },
}

impl Domain {
    /// Integers `>= min`.
    pub const fn int_min(min: i64) -> Domain {
        Domain::Int { min, max: None, log: false }
    }

    /// Integers in `min..=max`.
    pub const fn int_range(min: i64, max: i64) -> Domain {
        Domain::Int { min, max: Some(max), log: false }
    }

    /// Finite numbers `>= min`.
    pub const fn float_min(min: f64) -> Domain {
        Domain::Float { min: Some(min), max: None, min_open: false, max_open: false, log: false }
    }

    /// Finite numbers `> min`, searched on a log scale.
    pub const fn positive() -> Domain {
        Domain::Float { min: Some(0.0), max: None, min_open: true, max_open: false, log: true }
    }

    /// Finite numbers in `[min, max]`.
    pub const fn float_range(min: f64, max: f64) -> Domain {
        Domain::Float { min: Some(min), max: Some(max), min_open: false, max_open: false, log: false }
    }

    /// Finite numbers in `(min, max]` or with other open ends.
    pub const fn float_between(min: f64, max: f64, min_open: bool, max_open: bool) -> Domain {
        Domain::Float { min: Some(min), max: Some(max), min_open, max_open, log: false }
    }

    /// Any finite number.
    pub const fn finite() -> Domain {
        Domain::Float { min: None, max: None, min_open: false, max_open: false, log: false }
    }

    /// One of `values`.
    pub const fn choice(values: &'static [&'static str]) -> Domain {
        Domain::Choice { values }
    }

    /// The domain a parameter of this Rust type has when it declares none:
    /// unsigned integers are `>= 0`, floats finite, anything else any value.
    pub fn for_type(rust_type: &str) -> Domain {
        match rust_type {
            "usize" | "u64" | "u32" | "u16" | "u8" => Domain::int_min(0),
            "f64" | "f32" => Domain::finite(),
            _ => Domain::Any,
        }
    }

    /// The domain in words, for messages and listings ("an integer >= 1").
    pub fn describe(&self) -> String {
        match self {
            Domain::Any => String::new(),
            Domain::Int { min, max: None, .. } => format!("an integer >= {min}"),
            Domain::Int { min, max: Some(max), .. } => format!("an integer in [{min}, {max}]"),
            Domain::Float { min, max, min_open, max_open, .. } => match (min, max) {
                (None, None) => "a finite number".into(),
                (Some(lo), None) => format!("a finite number {} {lo}", if *min_open { ">" } else { ">=" }),
                (None, Some(hi)) => format!("a finite number {} {hi}", if *max_open { "<" } else { "<=" }),
                (Some(lo), Some(hi)) => format!(
                    "a number in {}{lo}, {hi}{}",
                    if *min_open { "(" } else { "[" },
                    if *max_open { ")" } else { "]" }
                ),
            },
            Domain::Choice { values } => {
                format!("one of {}", values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// Whether `value` (JSON, as the parameter serializes) lies in the domain.
    /// `null` (an optional parameter left unset) always does.
    pub fn contains(&self, value: &Value) -> bool {
        match (self, value) {
            (_, Value::Null) | (Domain::Any, _) => true,
            (Domain::Int { min, max, .. }, Value::Number(n)) => match n.as_i64() {
                Some(v) => v >= *min && max.is_none_or(|m| v <= m),
                None => n.as_u64().is_some() && max.is_none(),
            },
            (Domain::Float { min, max, min_open, max_open, .. }, Value::Number(n)) => {
                let Some(v) = n.as_f64() else { return false };
                v.is_finite()
                    && min.is_none_or(|lo| if *min_open { v > lo } else { v >= lo })
                    && max.is_none_or(|hi| if *max_open { v < hi } else { v <= hi })
            }
            (Domain::Choice { values }, Value::String(s)) => values.contains(&s.as_str()),
            (Domain::Float { .. } | Domain::Int { .. } | Domain::Choice { .. }, Value::Array(items)) => {
                items.iter().all(|v| self.contains(v))
            }
            _ => false,
        }
    }

    /// A value of the right type just outside the domain, if there is one.
    pub fn outside(&self) -> Option<Value> {
        match self {
            Domain::Any => None,
            Domain::Int { min, max, .. } => match max {
                Some(m) => Some(Value::from(m + 1)),
                None if *min > i64::MIN => Some(Value::from(min - 1)),
                None => None,
            },
            Domain::Float { min: Some(lo), min_open, .. } => {
                Some(Value::from(if *min_open { *lo } else { lo - 1.0 - lo.abs() }))
            }
            Domain::Float { max: Some(hi), max_open, .. } => {
                Some(Value::from(if *max_open { *hi } else { hi + 1.0 + hi.abs() }))
            }
            Domain::Float { .. } => None,
            Domain::Choice { .. } => Some(Value::from("not-a-valid-choice")),
        }
    }

    /// A few values inside the domain, for search spaces and tests: the
    /// bounds and points between them.
    pub fn samples(&self) -> Vec<Value> {
        match self {
            Domain::Any => Vec::new(),
            Domain::Int { min, max, .. } => {
                let hi = max.unwrap_or(min.saturating_add(10));
                let mut v = vec![*min, min + (hi - min) / 2, hi];
                v.dedup();
                v.into_iter().map(Value::from).collect()
            }
            Domain::Float { min, max, min_open, max_open, log } => {
                let lo = min.map(|l| if *min_open { l + (if *log { l.abs().max(1e-3) } else { 0.1 }) } else { l });
                let hi = max.map(|h| if *max_open { h - 0.1 * (h - lo.unwrap_or(h - 1.0)).abs().max(1e-3) } else { h });
                match (lo, hi) {
                    (Some(l), Some(h)) => vec![l, (l + h) / 2.0, h],
                    (Some(l), None) => vec![l, l.abs().max(1.0) * 10.0 + l],
                    (None, Some(h)) => vec![h - 10.0, h],
                    (None, None) => vec![-1.0, 0.0, 1.0],
                }
                .into_iter()
                .map(Value::from)
                .collect()
            }
            Domain::Choice { values } => values.iter().map(|v| Value::from(*v)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bounds_and_outside_values() {
        let d = Domain::int_min(1);
        assert!(d.contains(&json!(1)) && !d.contains(&json!(0)));
        assert_eq!(d.outside(), Some(json!(0)));
        let p = Domain::positive();
        assert!(!p.contains(&json!(0.0)) && p.contains(&json!(1e-9)));
        assert!(!p.contains(&p.outside().unwrap()));
        let r = Domain::float_range(0.0, 1.0);
        assert!(!r.contains(&r.outside().unwrap()) && r.contains(&json!(1.0)));
        let c = Domain::choice(&["a", "b"]);
        assert!(c.contains(&json!("a")) && !c.contains(&c.outside().unwrap()));
        for d in [d, p, r, c] {
            assert!(d.samples().iter().all(|v| d.contains(v)), "{d:?}");
        }
    }
}
