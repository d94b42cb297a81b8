//! The estimator registry: every estimator, registered once.

use std::sync::LazyLock;

use ironlearn_core::{Error, Estimator, Model, ParamSpec, Params, Parts, Persist, Result, Task};
use serde_json::{Map, Value};

/// Builds an estimator from JSON parameters.
pub type Builder = fn(&Map<String, Value>) -> Result<Box<dyn Estimator>>;

/// One registered estimator.
#[derive(Debug)]
pub struct Entry {
    pub name: &'static str,
    /// Other names accepted on the command line.
    pub aliases: &'static [&'static str],
    /// `None` when the target decides (a booster's "auto" objective).
    pub task: Option<Task>,
    /// The struct documentation (first line: the summary).
    pub doc: &'static str,
    /// Whether it takes categorical and missing values as they are.
    pub native_categorical: bool,
    /// Whether its inputs should be standardised first.
    pub wants_scaling: bool,
    pub specs: fn() -> Vec<ParamSpec>,
    pub build: Builder,
    pub load: fn(&Parts) -> Result<Box<dyn Model>>,
}

impl Entry {
    /// The first paragraph of the documentation, on one line.
    pub fn summary(&self) -> String {
        let para: Vec<&str> =
            self.doc.lines().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| !l.is_empty()).collect();
        para.join(" ")
    }
}

fn entry<P, M>(task: Option<Task>, aliases: &'static [&'static str], native: bool, scaling: bool) -> Entry
where
    P: Params + Estimator + 'static,
    M: Persist + 'static,
{
    Entry {
        name: P::NAME,
        aliases,
        task,
        doc: P::DOC,
        native_categorical: native,
        wants_scaling: scaling,
        specs: P::specs,
        build: |m| Ok(Box::new(P::from_json(m)?)),
        load: |p| Ok(Box::new(M::from_parts(p)?)),
    }
}

static REGISTRY: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    use ironlearn_learn::*;
    use Task::*;
    vec![
        entry::<LinearRegression, LinearRegressionModel>(Some(Regression), &["linear", "ols"], false, false),
        entry::<Ridge, RidgeModel>(Some(Regression), &[], false, true),
        entry::<LogisticRegression, LogisticRegressionModel>(
            Some(Classification),
            &["logistic", "logreg"],
            false,
            true,
        ),
        entry::<ironlearn_boost::Gbdt, ironlearn_boost::GbdtModel>(
            None,
            &["gbm", "lightgbm", "boosting", "gradient_boosting"],
            true,
            false,
        ),
        entry::<StandardScaler, StandardScalerModel>(Some(Transform), &["scaler"], true, false),
        entry::<OneHotEncoder, OneHotEncoderModel>(Some(Transform), &["onehot"], true, false),
        entry::<SimpleImputer, SimpleImputerModel>(Some(Transform), &["imputer"], true, false),
    ]
});

/// Every registered estimator.
pub fn registry() -> &'static [Entry] {
    &REGISTRY
}

/// The entry called `name` (or one of its aliases).
pub fn find(name: &str) -> Result<&'static Entry> {
    let key = name.trim().to_ascii_lowercase().replace('-', "_");
    registry().iter().find(|e| e.name == key || e.aliases.contains(&key.as_str())).ok_or_else(|| {
        Error::InvalidValue(format!(
            "unknown model '{name}'; available: {}",
            registry().iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Builds estimator `name` with parameters from JSON.
pub fn build(name: &str, params: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
    (find(name)?.build)(params)
}

/// Builds estimator `name` with `key=value` text parameters.
pub fn build_from_strs(name: &str, pairs: &[(String, String)]) -> Result<Box<dyn Estimator>> {
    let e = find(name)?;
    let specs = (e.specs)();
    let mut map = Map::new();
    for (k, v) in pairs {
        let value = match ironlearn_core::params::find_spec(&specs, k) {
            Some(spec) => ironlearn_core::params::parse_text(spec, v)?,
            None => Value::String(v.clone()),
        };
        map.insert(k.clone(), value);
    }
    (e.build)(&map)
}
