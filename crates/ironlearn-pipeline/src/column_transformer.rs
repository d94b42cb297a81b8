//! Different preprocessing for different columns, and several feature sets side by side.
//!
//! Real tables mix numbers and text; a scaler is wrong for one and an encoder
//! for the other. A [`ColumnTransformer`] routes columns, chosen by name or
//! by type, to their own transformers and places the outputs side by side; a
//! [`FeatureUnion`] runs several transformers on the same columns. Both are
//! estimators, so they nest in pipelines, save as one model file and take
//! `name__param` paths for their parts' parameters.

use std::collections::BTreeMap;

use ironlearn_core::{
    bail, ensure, Column, Data, Error, Estimator, Features, FitContext, Model, Parts, Result, Table, Tags, Task,
    TrainData,
};
use serde_json::{json, Map, Value};

/// Which columns a transformer of a [`ColumnTransformer`] receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Columns {
    /// These columns, by name.
    Names(Vec<String>),
    /// Every numeric column.
    Numeric,
    /// Every text (categorical) column.
    Categorical,
}

impl Columns {
    /// From JSON: a list of names, or "numeric" / "categorical".
    pub fn from_json(v: &Value) -> Result<Columns> {
        match v {
            Value::String(s) if s == "numeric" => Ok(Columns::Numeric),
            Value::String(s) if s == "categorical" => Ok(Columns::Categorical),
            Value::Array(names) => Ok(Columns::Names(
                names
                    .iter()
                    .map(|n| {
                        n.as_str().map(String::from).ok_or_else(|| Error::param("columns", "names must be strings"))
                    })
                    .collect::<Result<_>>()?,
            )),
            other => Err(Error::param(
                "columns",
                format!("expected a list of column names, \"numeric\" or \"categorical\", got {other}"),
            )),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Columns::Names(n) => json!(n),
            Columns::Numeric => json!("numeric"),
            Columns::Categorical => json!("categorical"),
        }
    }

    /// The selected column names of `table`, in table order for types, given order for names.
    fn select(&self, table: &Table) -> Result<Vec<String>> {
        Ok(match self {
            Columns::Names(names) => {
                for n in names {
                    table.column(n)?;
                }
                names.clone()
            }
            Columns::Numeric => {
                table.columns().iter().filter(|c| !c.is_categorical()).map(|c| c.name.clone()).collect()
            }
            Columns::Categorical => {
                table.columns().iter().filter(|c| c.is_categorical()).map(|c| c.name.clone()).collect()
            }
        })
    }
}

/// What happens to columns no transformer selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remainder {
    Drop,
    Passthrough,
}

/// Transformers applied to chosen columns, outputs side by side (scikit-learn's `ColumnTransformer`).
#[derive(Debug)]
pub struct ColumnTransformer {
    transformers: Vec<(String, Box<dyn Estimator>, Columns)>,
    remainder: Remainder,
}

impl ColumnTransformer {
    /// Every estimator must be a transformer and every name unique.
    pub fn new(transformers: Vec<(String, Box<dyn Estimator>, Columns)>, remainder: Remainder) -> Result<Self> {
        check_parts(transformers.iter().map(|(n, e, _)| (n.as_str(), e.as_ref())))?;
        Ok(ColumnTransformer { transformers, remainder })
    }
}

fn check_parts<'a>(parts: impl Iterator<Item = (&'a str, &'a dyn Estimator)>) -> Result<()> {
    let mut seen = Vec::new();
    for (name, est) in parts {
        ensure!(!seen.contains(&name), InvalidValue, "the name '{name}' is used twice");
        ensure!(!name.contains("__"), InvalidValue, "the name '{name}' contains '__', which separates parameter paths");
        ensure!(est.task() == Some(Task::Transform), InvalidValue, "'{name}' ({}) is not a transformer", est.kind());
        seen.push(name);
    }
    Ok(())
}

/// The features as a table (matrices get their `x0`, `x1`, ... names).
fn as_table(x: Features<'_>) -> Result<Table> {
    Ok(x.to_table()?.into_owned())
}

/// Outputs side by side, each column named `part__column`.
fn concat(outputs: Vec<(String, Table)>, table_input: bool) -> Result<Data> {
    let mut columns: Vec<Column> = Vec::new();
    for (part, t) in outputs {
        for mut c in t.into_columns() {
            c.name = format!("{part}__{}", c.name);
            columns.push(c);
        }
    }
    let table = Table::new(columns)?;
    if table_input || !table.is_numeric() {
        Ok(Data::Table(table))
    } else {
        Ok(Data::Dense(table.to_array()?))
    }
}

fn output_table(model: &dyn Model, input: &Table, x: Features<'_>) -> Result<Table> {
    let out = model.transform_data(x)?;
    Ok(match out {
        Data::Table(t) => t,
        Data::Dense(m) => {
            let names = model.feature_names_out(&input.names());
            let names = if names.len() == m.ncols() { names } else { ironlearn_core::table::default_names(m.ncols()) };
            Table::from_array(m.view(), Some(names))?
        }
    })
}

/// Parameter changes split into each part's own (`part__param`) and the composite's.
type SplitChanges = (BTreeMap<String, Map<String, Value>>, Map<String, Value>);

fn split_changes(changes: &Map<String, Value>, names: &[&str]) -> Result<SplitChanges> {
    let mut per: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut own = Map::new();
    for (key, value) in changes {
        match key.split_once("__") {
            Some((part, param)) => {
                ensure!(
                    names.contains(&part),
                    InvalidValue,
                    "'{key}' names no part; the parts are {}",
                    names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                );
                per.entry(part.to_string()).or_default().insert(param.to_string(), value.clone());
            }
            None => {
                own.insert(key.clone(), value.clone());
            }
        }
    }
    Ok((per, own))
}

impl Estimator for ColumnTransformer {
    fn kind(&self) -> &'static str {
        "column_transformer"
    }

    fn params_json(&self) -> Value {
        json!({
            "transformers": self.transformers.iter().map(|(n, e, c)| json!({
                "name": n, "columns": c.to_json(), "kind": e.kind(), "params": e.params_json()
            })).collect::<Vec<_>>(),
            "remainder": match self.remainder { Remainder::Drop => "drop", Remainder::Passthrough => "passthrough" },
        })
    }

    fn task(&self) -> Option<Task> {
        Some(Task::Transform)
    }

    fn tags(&self) -> Tags {
        Tags { task: Some(Task::Transform), categorical: true, missing_values: true, ..Tags::DEFAULT }
    }

    fn fit_with(&self, data: &TrainData<'_>, _ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>> {
        let table = as_table(data.x)?;
        let mut used: Vec<String> = Vec::new();
        let mut fitted = Vec::new();
        for (name, est, cols) in &self.transformers {
            let names = cols.select(&table)?;
            used.extend(names.iter().cloned());
            let part = table.select(&names)?;
            let d = TrainData { y: data.y, ..TrainData::new(Features::Table(&part)) };
            let model = est.fit_with(&d, &mut FitContext::default()).map_err(|e| in_part(name, e))?;
            fitted.push((name.clone(), model, names));
        }
        let rest: Vec<String> = table.names().into_iter().filter(|n| !used.contains(n)).collect();
        let passthrough = if self.remainder == Remainder::Passthrough { rest } else { Vec::new() };
        Ok(Box::new(FittedColumnTransformer { parts: fitted, passthrough, n_features: table.n_cols() }))
    }

    fn with_params(&self, changes: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
        let names: Vec<&str> = self.transformers.iter().map(|(n, _, _)| n.as_str()).collect();
        let (per, own) = split_changes(changes, &names)?;
        let mut remainder = self.remainder;
        for (k, v) in own {
            match (k.as_str(), v.as_str()) {
                ("remainder", Some("drop")) => remainder = Remainder::Drop,
                ("remainder", Some("passthrough")) => remainder = Remainder::Passthrough,
                ("remainder", _) => bail!(InvalidValue, "remainder must be 'drop' or 'passthrough', got {v}"),
                _ => return Err(Error::param(k, "a column transformer's own parameter is only 'remainder'")),
            }
        }
        let transformers = self
            .transformers
            .iter()
            .map(|(n, e, c)| {
                let changes = per.get(n).cloned().unwrap_or_default();
                Ok((n.clone(), e.with_params(&changes).map_err(|e| in_part(n, e))?, c.clone()))
            })
            .collect::<Result<_>>()?;
        Ok(Box::new(ColumnTransformer::new(transformers, remainder)?))
    }
}

fn in_part(name: &str, e: Error) -> Error {
    e.prefixed(&format!("'{name}'"))
}

/// A fitted [`ColumnTransformer`].
#[derive(Debug)]
pub struct FittedColumnTransformer {
    parts: Vec<(String, Box<dyn Model>, Vec<String>)>,
    passthrough: Vec<String>,
    n_features: usize,
}

impl FittedColumnTransformer {
    pub(crate) fn from_parts(parts: Parts) -> Result<Self> {
        let bad = |m: &str| Error::ModelFile(format!("column_transformer: {m}"));
        let mut arrays = parts.arrays;
        let models = crate::load::load_nested(&parts.state["parts"], &mut arrays, "column_transformer")?
            .into_iter()
            .map(|(fields, model)| {
                let columns: Vec<String> =
                    serde_json::from_value(fields["columns"].clone()).map_err(|_| bad("a part's columns"))?;
                Ok((crate::load::part_name(&fields), model, columns))
            })
            .collect::<Result<_>>()?;
        Ok(FittedColumnTransformer {
            parts: models,
            passthrough: serde_json::from_value(parts.state["passthrough"].clone()).map_err(|_| bad("passthrough"))?,
            n_features: parts.state["n_features"].as_u64().ok_or_else(|| bad("n_features"))? as usize,
        })
    }
}

impl Model for FittedColumnTransformer {
    fn kind(&self) -> &'static str {
        "column_transformer"
    }

    fn task(&self) -> Task {
        Task::Transform
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn parts(&self) -> Result<Parts> {
        let (params, list, arrays) = crate::load::save_nested(
            self.parts.iter().map(|(name, m, cols)| (json!({ "name": name, "columns": cols }), m.as_ref())),
        )?;
        Ok(Parts {
            params: json!({ "transformers": params, "remainder": if self.passthrough.is_empty() { "drop" } else { "passthrough" } }),
            state: json!({ "parts": list, "passthrough": self.passthrough, "n_features": self.n_features }),
            arrays,
        })
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        let table = as_table(x)?;
        ensure!(
            table.n_cols() == self.n_features,
            Shape,
            "X has {} features, but the column transformer is expecting {} features as input",
            table.n_cols(),
            self.n_features
        );
        let mut outputs = Vec::new();
        for (name, m, cols) in &self.parts {
            let part = table.select(cols)?;
            outputs.push((
                name.clone(),
                output_table(m.as_ref(), &part, Features::Table(&part)).map_err(|e| in_part(name, e))?,
            ));
        }
        if !self.passthrough.is_empty() {
            outputs.push(("remainder".into(), table.select(&self.passthrough)?));
        }
        concat(outputs, matches!(x, Features::Table(_)))
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        let _ = input;
        let mut out = Vec::new();
        for (name, m, cols) in &self.parts {
            out.extend(m.feature_names_out(cols).into_iter().map(|c| format!("{name}__{c}")));
        }
        out.extend(self.passthrough.iter().map(|c| format!("remainder__{c}")));
        out
    }
}

/// Several transformers on the same columns, outputs side by side (scikit-learn's `FeatureUnion`).
#[derive(Debug)]
pub struct FeatureUnion {
    parts: Vec<(String, Box<dyn Estimator>)>,
}

impl FeatureUnion {
    pub fn new(parts: Vec<(String, Box<dyn Estimator>)>) -> Result<Self> {
        ensure!(!parts.is_empty(), InvalidValue, "a feature union needs at least one transformer");
        check_parts(parts.iter().map(|(n, e)| (n.as_str(), e.as_ref())))?;
        Ok(FeatureUnion { parts })
    }
}

impl Estimator for FeatureUnion {
    fn kind(&self) -> &'static str {
        "feature_union"
    }

    fn params_json(&self) -> Value {
        json!({ "parts": self.parts.iter().map(|(n, e)| json!({"name": n, "kind": e.kind(), "params": e.params_json()})).collect::<Vec<_>>() })
    }

    fn task(&self) -> Option<Task> {
        Some(Task::Transform)
    }

    fn tags(&self) -> Tags {
        let all = |f: fn(&Tags) -> bool| self.parts.iter().all(|(_, e)| f(&e.tags()));
        Tags {
            task: Some(Task::Transform),
            categorical: all(|t| t.categorical),
            missing_values: all(|t| t.missing_values),
            ..Tags::DEFAULT
        }
    }

    fn fit_with(&self, data: &TrainData<'_>, _ctx: &mut FitContext<'_>) -> Result<Box<dyn Model>> {
        let parts = self
            .parts
            .iter()
            .map(|(n, e)| {
                let d = TrainData { y: data.y, ..TrainData::new(data.x) };
                Ok((n.clone(), e.fit_with(&d, &mut FitContext::default()).map_err(|e| in_part(n, e))?))
            })
            .collect::<Result<_>>()?;
        Ok(Box::new(FittedFeatureUnion { parts, n_features: data.x.n_cols() }))
    }

    fn with_params(&self, changes: &Map<String, Value>) -> Result<Box<dyn Estimator>> {
        let names: Vec<&str> = self.parts.iter().map(|(n, _)| n.as_str()).collect();
        let (per, own) = split_changes(changes, &names)?;
        if let Some(k) = own.keys().next() {
            return Err(Error::param(k.as_str(), "a feature union has no parameters of its own; use part__param"));
        }
        let parts = self
            .parts
            .iter()
            .map(|(n, e)| Ok((n.clone(), e.with_params(&per.get(n).cloned().unwrap_or_default())?)))
            .collect::<Result<_>>()?;
        Ok(Box::new(FeatureUnion::new(parts)?))
    }
}

/// A fitted [`FeatureUnion`].
#[derive(Debug)]
pub struct FittedFeatureUnion {
    parts: Vec<(String, Box<dyn Model>)>,
    n_features: usize,
}

impl FittedFeatureUnion {
    pub(crate) fn from_parts(parts: Parts) -> Result<Self> {
        let mut arrays = parts.arrays;
        let models = crate::load::load_nested(&parts.state["parts"], &mut arrays, "feature_union")?;
        let n_features = parts.state["n_features"].as_u64();
        Ok(FittedFeatureUnion {
            parts: models.into_iter().map(|(f, m)| (crate::load::part_name(&f), m)).collect(),
            n_features: n_features.ok_or_else(|| Error::ModelFile("feature_union: n_features".into()))? as usize,
        })
    }
}

impl Model for FittedFeatureUnion {
    fn kind(&self) -> &'static str {
        "feature_union"
    }

    fn task(&self) -> Task {
        Task::Transform
    }

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn parts(&self) -> Result<Parts> {
        let (params, list, arrays) =
            crate::load::save_nested(self.parts.iter().map(|(name, m)| (json!({ "name": name }), m.as_ref())))?;
        Ok(Parts {
            params: json!({ "parts": params }),
            state: json!({ "parts": list, "n_features": self.n_features }),
            arrays,
        })
    }

    fn transform_data(&self, x: Features<'_>) -> Result<Data> {
        let input = as_table(x)?;
        let outputs = self
            .parts
            .iter()
            .map(|(n, m)| Ok((n.clone(), output_table(m.as_ref(), &input, x.reborrow()).map_err(|e| in_part(n, e))?)))
            .collect::<Result<Vec<_>>>()?;
        concat(outputs, matches!(x, Features::Table(_)))
    }

    fn feature_names_out(&self, input: &[String]) -> Vec<String> {
        self.parts
            .iter()
            .flat_map(|(n, m)| m.feature_names_out(input).into_iter().map(move |c| format!("{n}__{c}")))
            .collect()
    }
}
