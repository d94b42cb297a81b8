//! The bundled data sets (`data/*.csv`), read for the estimators' tests.

use ndarray::Array2;

/// The numeric columns of `data/<name>.csv` and its last column as text.
pub(crate) fn load(name: &str) -> (Array2<f64>, Vec<String>) {
    let path = format!("{}/../../data/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let width = lines.next().expect("a header").split(',').count();
    let (mut values, mut target) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), width, "{line}");
        values.extend(cells[..width - 1].iter().map(|c| c.parse::<f64>().expect("a number")));
        target.push(cells[width - 1].to_string());
    }
    (Array2::from_shape_vec((target.len(), width - 1), values).expect("rectangular"), target)
}
