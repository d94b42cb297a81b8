//! A classifier that predicts from the class frequencies alone.
//!
//! Accuracy of 0.9 is no achievement when nine rows in ten are one class:
//! scikit-learn's `DummyClassifier`, with the same strategies, is the
//! baseline every classifier is read against.

use ironlearn_core::validate::{argmax, check_no_inf};
use ironlearn_core::{
    bail, ensure, hyperparams, register, Domain, Features, FitContext, Fitted, Labels, Learn, Prediction, Result, Rng,
    Task, TrainData,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

hyperparams! {
    /// Predicts from the class frequencies: the most frequent class, draws from the priors, uniform draws, or a constant.
    ///
    /// ```
    /// use ironlearn_core::Labels;
    /// use ironlearn_learn::DummyClassifier;
    /// let y = Labels::from_strings(&["a", "b", "b"]);
    /// let model = DummyClassifier::default().fit_labels(&y, None)?;
    /// assert_eq!(model.class_prior(), [1.0 / 3.0, 2.0 / 3.0]);
    /// # Ok::<(), ironlearn_core::Error>(())
    /// ```
    #[name = "dummy_classifier"]
    #[tags(task = Some(Task::Classification), sample_weight, missing_values, categorical, f32, predict_proba, poor_score)]
    pub struct DummyClassifier {
        /// "prior" (the most frequent class; probabilities are the priors), "most_frequent" (the same
        /// class, probability 1), "stratified" (draws from the priors), "uniform" (uniform draws) or
        /// "constant" (the class `constant`).
        strategy: String = "prior".into(),
            domain(Domain::choice(&["most_frequent", "prior", "stratified", "uniform", "constant"]));
        /// The seed of the draws of "stratified" and "uniform".
        random_state: u64 = 0;
        /// The class predicted by strategy "constant", as its label text.
        constant: Option<String> = None;
    }
}

/// A fitted [`DummyClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DummyClassifierModel {
    params: DummyClassifier,
    classes: Vec<String>,
    class_prior: Vec<f64>,
    n_features: usize,
}

impl DummyClassifierModel {
    /// The weighted share of each class in training, in class order.
    pub fn class_prior(&self) -> &[f64] {
        &self.class_prior
    }

    fn constant_index(&self) -> usize {
        match self.params.strategy.as_str() {
            "constant" => {
                let c = self.params.constant.as_deref().unwrap_or_default();
                self.classes.iter().position(|k| k == c).expect("checked when fitting")
            }
            _ => argmax(self.class_prior.iter().copied()),
        }
    }

    fn probabilities(&self, n: usize) -> Array2<f64> {
        let k = self.classes.len();
        let mut rng = Rng::new(self.params.random_state);
        let mut p = Array2::zeros((n, k));
        for mut row in p.rows_mut() {
            match self.params.strategy.as_str() {
                "prior" => row.iter_mut().zip(&self.class_prior).for_each(|(r, q)| *r = *q),
                "uniform" => row.fill(1.0 / k as f64),
                "stratified" => row[draw(&mut rng, &self.class_prior)] = 1.0,
                _ => row[self.constant_index()] = 1.0,
            }
        }
        p
    }

    fn check_width(&self, x: &Features<'_>) -> Result<()> {
        ensure!(
            x.n_cols() == self.n_features,
            Shape,
            "X has {} features, but DummyClassifier is expecting {} features as input",
            x.n_cols(),
            self.n_features
        );
        if let Features::Dense(m) = x {
            check_no_inf(*m, "X")?;
        }
        Ok(())
    }
}

/// A class drawn with probabilities `p`.
fn draw(rng: &mut Rng, p: &[f64]) -> usize {
    let u = rng.uniform();
    let mut acc = 0.0;
    for (i, q) in p.iter().enumerate() {
        acc += q;
        if u < acc {
            return i;
        }
    }
    p.len() - 1
}

impl DummyClassifier {
    /// Learns the class priors from the labels alone.
    pub fn fit_labels(&self, y: &Labels, sample_weight: Option<&[f64]>) -> Result<DummyClassifierModel> {
        ensure!(!y.is_empty(), Empty, "the target has no values");
        ironlearn_core::validate::check_sample_weight(sample_weight, y.len())?;
        let mut counts = vec![0.0; y.n_classes()];
        for (i, &c) in y.codes().iter().enumerate() {
            counts[c as usize] += sample_weight.map_or(1.0, |w| w[i]);
        }
        let total: f64 = counts.iter().sum();
        if self.strategy == "constant" {
            let Some(c) = &self.constant else {
                bail!(InvalidValue, "strategy 'constant' needs the parameter 'constant' (a class label)");
            };
            ensure!(
                y.classes().contains(c),
                InvalidValue,
                "the constant label '{c}' is not one of the classes: {}",
                y.classes().join(", ")
            );
        }
        Ok(DummyClassifierModel {
            params: self.clone(),
            classes: y.classes().to_vec(),
            class_prior: counts.iter().map(|c| c / total).collect(),
            n_features: 0,
        })
    }
}

impl Learn for DummyClassifier {
    type Model = DummyClassifierModel;

    fn learn(&self, data: &TrainData<'_>, _: &mut FitContext<'_>) -> Result<DummyClassifierModel> {
        ensure!(data.n_rows() > 0 && data.x.n_cols() > 0, Empty, "Found array with 0 sample(s) or 0 feature(s)");
        if let Features::Dense(m) = data.x {
            check_no_inf(m, "X")?;
        }
        // One class is a legitimate target for a baseline, as in scikit-learn.
        let labels = data.target()?.labels()?;
        let mut model = self.fit_labels(&labels, data.weight)?;
        model.n_features = data.x.n_cols();
        Ok(model)
    }
}

impl Fitted for DummyClassifierModel {
    type Estimator = DummyClassifier;

    fn n_features_in(&self) -> usize {
        self.n_features
    }

    fn classes(&self) -> Option<&[String]> {
        Some(&self.classes)
    }

    fn predict_data(&self, x: Features<'_>) -> Result<Prediction> {
        self.check_width(&x)?;
        let n = x.n_rows();
        let codes: Vec<u32> = match self.params.strategy.as_str() {
            "stratified" | "uniform" => {
                self.probabilities(n).rows().into_iter().map(|r| argmax(r.iter().copied()) as u32).collect()
            }
            _ => vec![self.constant_index() as u32; n],
        };
        Ok(Prediction::Labels(Labels::new(self.classes.clone(), codes)?))
    }

    fn predict_proba_data(&self, x: Features<'_>) -> Result<Array2<f64>> {
        self.check_width(&x)?;
        Ok(self.probabilities(x.n_rows()))
    }
}

register!(DummyClassifier);

#[cfg(test)]
mod tests {
    use super::*;

    fn model(strategy: &str) -> DummyClassifierModel {
        let y = Labels::from_strings(&["a", "b", "b", "c"]);
        let params = DummyClassifier { strategy: strategy.into(), random_state: 3, constant: Some("c".into()) };
        let mut m = params.fit_labels(&y, None).unwrap();
        m.n_features = 1;
        m
    }

    #[test]
    fn strategies_match_scikit_learn() {
        let x = ndarray::Array2::<f64>::zeros((2000, 1));
        let x = Features::Dense(x.view());
        let labels = |m: &DummyClassifierModel| match m.predict_data(x).unwrap() {
            Prediction::Labels(l) => l.to_strings(),
            _ => unreachable!(),
        };
        assert!(labels(&model("prior")).iter().all(|l| l == "b"));
        assert_eq!(model("prior").predict_proba_data(x).unwrap().row(0).to_vec(), [0.25, 0.5, 0.25]);
        assert_eq!(model("most_frequent").predict_proba_data(x).unwrap().row(0).to_vec(), [0.0, 1.0, 0.0]);
        assert!(labels(&model("constant")).iter().all(|l| l == "c"));
        assert_eq!(model("uniform").predict_proba_data(x).unwrap().row(1).to_vec(), [1.0 / 3.0; 3]);
        // Stratified draws follow the priors, and the same seed draws the same.
        let drawn = labels(&model("stratified"));
        let share_b = drawn.iter().filter(|l| *l == "b").count() as f64 / 2000.0;
        assert!((share_b - 0.5).abs() < 0.05, "{share_b}");
        assert_eq!(drawn, labels(&model("stratified")));
    }

    #[test]
    fn a_constant_that_is_no_class_is_refused() {
        let y = Labels::from_strings(&["a", "b"]);
        let err = DummyClassifier { strategy: "constant".into(), constant: Some("z".into()), ..Default::default() }
            .fit_labels(&y, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'z' is not one of the classes: a, b"), "{err}");
    }
}
