//! Every estimator, registered by one line beside it.
//!
//! `register!(Ridge)` in ridge.rs adds the estimator to a link-time list
//! (the `inventory` crate), so the CLI, Python, the conformance suite and
//! model loading find it by name without a central table to edit. A crate
//! that nothing references is left out by the linker; the facade and the
//! CLI reference every estimator crate, and a test pins the registered names.

use serde_json::{Map, Value};

use crate::{Error, Estimator, Fitted, Learn, Model, ParamSpec, Parts, Result, Tags};

#[doc(hidden)]
pub use inventory;

/// Builds an estimator from JSON parameters.
pub type Builder = fn(&Map<String, Value>) -> Result<Box<dyn Estimator>>;

/// Builds an estimator from `key=value` texts.
pub type TextBuilder = fn(&[(String, String)]) -> Result<Box<dyn Estimator>>;

/// One registered estimator.
#[derive(Debug)]
pub struct Registration {
    pub name: &'static str,
    /// Other names accepted on the command line.
    pub aliases: &'static [&'static str],
    /// The struct documentation (first paragraph: the summary).
    pub doc: &'static str,
    pub tags: Tags,
    /// The Rust module that declares it (its family: `ironlearn_learn::linear::ridge`).
    pub module: &'static str,
    /// The hyperparameter struct's name (`GaussianNB`): the other faces' class name.
    pub type_name: &'static str,
    pub specs: fn() -> Vec<ParamSpec>,
    /// Parameters that make a fittable example (see [`Learn::EXAMPLE_PARAMS`]).
    pub example_params: &'static str,
    pub build: Builder,
    /// Builds it from `key=value` texts, as the CLI's `--set` gives them.
    pub build_from_strs: TextBuilder,
    pub load: fn(&Parts) -> Result<Box<dyn Model>>,
}

inventory::collect!(Registration);

fn build<L: Learn>(params: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
    Ok(Box::new(L::from_json(params)?))
}

fn build_from_strs<L: Learn>(pairs: &[(String, String)]) -> Result<Box<dyn Estimator>> {
    Ok(Box::new(L::from_strs(pairs)?))
}

fn load<L: Learn>(parts: &Parts) -> Result<Box<dyn Model>> {
    Ok(Box::new(<L::Model as crate::state::SaveState>::load_state(parts)?))
}

impl Registration {
    /// The registration of `L`, from its declaration.
    pub const fn of<L: Learn>(module: &'static str, type_name: &'static str) -> Registration
    where
        L::Model: Fitted,
    {
        Registration {
            name: L::NAME,
            aliases: L::ALIASES,
            doc: L::DOC,
            tags: L::TAGS,
            module,
            type_name,
            specs: L::specs,
            example_params: L::EXAMPLE_PARAMS,
            build: build::<L>,
            build_from_strs: build_from_strs::<L>,
            load: load::<L>,
        }
    }

    /// The first paragraph of the documentation, on one line.
    pub fn summary(&self) -> String {
        let para: Vec<&str> =
            self.doc.lines().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| !l.is_empty()).collect();
        para.join(" ")
    }

    /// The estimator's description as JSON: name, aliases, task, tags, summary and parameters.
    pub fn describe(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "aliases": self.aliases,
            "task": self.tags.task,
            "tags": self.tags,
            "module": self.module,
            "type": self.type_name,
            "summary": self.summary(),
            "doc": self.doc,
            "params": (self.specs)(),
            "example_params": self.example(),
        })
    }

    /// The example parameters as a JSON object.
    pub fn example(&self) -> Map<String, Value> {
        match serde_json::from_str(self.example_params) {
            Ok(Value::Object(m)) => m,
            _ => panic!("{}'s EXAMPLE_PARAMS is not a JSON object: {}", self.name, self.example_params),
        }
    }
}

/// Registers an estimator: `register!(Ridge);` beside its declaration.
#[macro_export]
macro_rules! register {
    ($estimator:ty) => {
        $crate::registry::inventory::submit! {
            $crate::registry::Registration::of::<$estimator>(module_path!(), stringify!($estimator))
        }
    };
}

/// Every registered estimator, by name.
pub fn registry() -> Vec<&'static Registration> {
    let mut all: Vec<&'static Registration> = inventory::iter::<Registration>.into_iter().collect();
    all.sort_by_key(|r| r.name);
    all
}

/// The estimator called `name` (or one of its aliases; case, `-` and `_` do not matter).
pub fn find(name: &str) -> Result<&'static Registration> {
    let key = name.trim().to_ascii_lowercase().replace('-', "_");
    let all = registry();
    all.iter().find(|e| e.name == key || e.aliases.contains(&key.as_str())).copied().ok_or_else(|| {
        Error::InvalidValue(format!(
            "unknown model '{name}'; available: {}",
            all.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Builds estimator `name` with parameters from JSON.
pub fn build_estimator(name: &str, params: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
    (find(name)?.build)(params)
}
