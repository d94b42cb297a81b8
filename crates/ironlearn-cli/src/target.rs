//! A target checked before fitting, so that a model is never trained on
//! something it cannot learn from and reported as if it had: missing or
//! infinite values, one value in every row, a continuous column read as
//! classes, classes too small to hold out, labels a model never saw.

use anyhow::{bail, Result};
use ironlearn_core::{Column, ColumnData, Labels, Task, MISSING};

use crate::rows::Places;
use crate::train::rows;

/// How many labels a message lists before it says how many more there are.
const LISTED: usize = 5;

/// Labels as a message lists them: `'a', 'b', 'c' and 4 more`.
pub(crate) fn listed(labels: &[&str]) -> String {
    let mut s = labels.iter().take(LISTED).map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ");
    if labels.len() > LISTED {
        s.push_str(&format!(" and {} more", labels.len() - LISTED));
    }
    s
}

/// What to do about rows whose target is missing: `train` can drop them, `evaluate` cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Train,
    Evaluate,
}

/// Fails unless every row has a finite target; a missing one says what the
/// `command` can do about it. Rows are named by `places`.
pub(crate) fn check_present(column: &Column, places: &Places, command: Command) -> Result<()> {
    let name = &column.name;
    let missing = column.n_missing();
    if missing == column.len() {
        bail!("the target '{name}' is missing in every row; is --target the right column?");
    }
    if missing > 0 {
        let first = (0..column.len()).find(|&i| column.is_missing(i)).unwrap_or(0);
        let fix = match command {
            Command::Train => "pass --drop-missing-target to train without them, or fill them in",
            Command::Evaluate => "evaluate scores every row: remove those rows from the file, or fill them in",
        };
        bail!("the target '{name}' is missing in {} (the first at {}); {fix}", rows(missing), places.name(first));
    }
    if let ColumnData::Numeric(v) = &column.data {
        if let Some(i) = v.iter().position(|x| x.is_infinite()) {
            bail!("the target '{name}' is {} at {}; targets must be finite numbers", v[i], places.name(i));
        }
    }
    Ok(())
}

/// Fails on a target of numbers read as text because of a few words in it
/// (`n/a`, `?`, `unknown`): it would be taken for classes, or refused as
/// categorical, without saying which value is in the way. Names the first
/// such value and its row; `command` says what can be done about it.
pub(crate) fn check_stray_text(column: &Column, places: &Places, command: Command) -> Result<()> {
    let ColumnData::Categorical { codes, levels } = &column.data else { return Ok(()) };
    let numeric: Vec<bool> = levels.iter().map(|l| l.trim().parse::<f64>().is_ok()).collect();
    let present: Vec<usize> = (0..codes.len()).filter(|&i| codes[i] != MISSING).collect();
    let numbers = present.iter().filter(|&&i| numeric[codes[i] as usize]).count();
    let Some(&first) = present.iter().find(|&&i| !numeric[codes[i] as usize]) else { return Ok(()) };
    if numbers * 2 <= present.len() {
        return Ok(());
    }
    let mut words: Vec<&str> =
        present.iter().filter(|&&i| !numeric[codes[i] as usize]).map(|&i| levels[codes[i] as usize].as_str()).collect();
    words.sort_unstable();
    words.dedup();
    let others = match words.len() - 1 {
        0 => String::new(),
        n => format!(" and {n} other word{}", if n == 1 { "" } else { "s" }),
    };
    let then = match command {
        Command::Train => "; --drop-missing-target then drops those rows",
        Command::Evaluate => ", and remove those rows from the file",
    };
    bail!(
        "the target '{}' holds numbers, but also '{}' (at {}){others}, so it was read as text; fix that value, \
         or mark it missing (an empty cell, or NA){then}",
        column.name,
        levels[codes[first] as usize],
        places.name(first)
    )
}

/// Fails on a target that gives `task` nothing to learn: one value in every
/// row, or, for classification, a continuous column or one with a class for
/// most rows. `fix` says how to ask for a regression instead.
pub(crate) fn check_learnable(column: &Column, task: Task, fix: &str) -> Result<()> {
    let name = &column.name;
    let n = column.len();
    let (distinct, example, fractional) = match &column.data {
        ColumnData::Numeric(v) => {
            let mut bits: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
            bits.sort_unstable();
            bits.dedup();
            let fractional = v.iter().find(|x| x.fract() != 0.0);
            (bits.len(), ironlearn_core::table::format_number(v[0]), fractional.copied())
        }
        ColumnData::Categorical { codes, levels } => {
            let mut used: Vec<u32> = codes.clone();
            used.sort_unstable();
            used.dedup();
            (used.len(), levels[codes[0] as usize].clone(), None)
        }
    };
    if distinct == 1 {
        if task == Task::Classification {
            bail!("the target '{name}' has only one class ('{example}'); a classifier needs at least 2");
        }
        bail!("the target '{name}' is {example} in every row: there is nothing to learn");
    }
    if task != Task::Classification {
        return Ok(());
    }
    if let Some(x) = fractional {
        bail!(
            "a classifier needs classes, but the target '{name}' holds continuous numbers \
             (such as {}, {distinct} distinct values in {}); {fix}",
            ironlearn_core::table::format_number(x),
            rows(n)
        );
    }
    if distinct > 2 && 2 * distinct > n {
        bail!(
            "the target '{name}' has {distinct} distinct values in {}: more classes than half the rows, \
             too few rows per class to learn from; {fix}",
            rows(n)
        );
    }
    Ok(())
}

/// Fails when a class has a single row: it cannot be both learned and held out.
pub(crate) fn check_class_sizes(name: &str, labels: &Labels, places: &Places) -> Result<()> {
    let counts = labels.counts();
    let single: Vec<&str> =
        labels.classes().iter().zip(&counts).filter(|(_, &c)| c == 1).map(|(l, _)| l.as_str()).collect();
    match single.len() {
        0 => Ok(()),
        1 => bail!(
            "class {} of the target '{name}' has only 1 row ({}), too few to hold out for testing and learn from; \
             drop that row, or train on every row with --test-size 0",
            listed(&single),
            places.name(labels.codes().iter().position(|&c| counts[c as usize] == 1).expect("a single row"))
        ),
        k => bail!(
            "{k} classes of the target '{name}' have only 1 row each ({}), too few to hold out for testing \
             and learn from; drop those rows, or train on every row with --test-size 0",
            listed(&single)
        ),
    }
}

/// Fails when `column` holds labels that are not among the model's `classes`.
pub(crate) fn check_known_labels(column: &Column, classes: &[String]) -> Result<()> {
    let labels = Labels::from_column(column)?;
    let unseen: Vec<&str> = labels.classes().iter().filter(|l| !classes.contains(l)).map(String::as_str).collect();
    if !unseen.is_empty() {
        let classes: Vec<&str> = classes.iter().map(String::as_str).collect();
        bail!(
            "the target '{}' holds {} the model never saw in training: {} (it knows {}); \
             every such row would count as an error, so map them onto the model's labels or drop those rows",
            column.name,
            if unseen.len() == 1 { "a label" } else { "labels" },
            listed(&unseen),
            listed(&classes)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix() -> &'static str {
        "use a regression objective"
    }

    #[test]
    fn continuous_and_crowded_targets_are_not_classes() {
        let c = Column::numeric("y", vec![0.5, 1.5, 2.0, 3.0]);
        let e = check_learnable(&c, Task::Classification, fix()).unwrap_err().to_string();
        assert!(e.contains("continuous numbers (such as 0.5, 4 distinct values in 4 rows)"), "{e}");
        check_learnable(&c, Task::Regression, fix()).unwrap();
        let ids = Column::numeric("y", (0..10).map(f64::from).collect());
        let e = check_learnable(&ids, Task::Classification, fix()).unwrap_err().to_string();
        assert!(e.contains("10 distinct values in 10 rows: more classes than half the rows"), "{e}");
        let binary = Column::numeric("y", vec![0.0, 1.0, 1.0]);
        check_learnable(&binary, Task::Classification, fix()).unwrap();
    }

    #[test]
    fn a_constant_target_has_nothing_to_learn() {
        let e = check_learnable(&Column::numeric("y", vec![5.0; 4]), Task::Regression, fix()).unwrap_err();
        assert_eq!(e.to_string(), "the target 'y' is 5 in every row: there is nothing to learn");
        let k = Column::categorical("y", &[Some("k"), Some("k")]);
        let e = check_learnable(&k, Task::Classification, fix()).unwrap_err();
        assert!(e.to_string().contains("only one class ('k')"), "{e}");
    }

    #[test]
    fn missing_targets_name_the_option_the_line_and_count_in_words() {
        let places = Places::of_file(std::path::Path::new("d.csv"), Some(vec![2, 3, 4]), 3).take(&[0, 2]);
        let e =
            check_present(&Column::numeric("y", vec![1.0, f64::NAN]), &places, Command::Train).unwrap_err().to_string();
        assert!(
            e.contains("missing in 1 row (the first at d.csv line 4)") && e.contains("--drop-missing-target"),
            "{e}"
        );
        let e = check_present(&Column::numeric("y", vec![1.0, f64::INFINITY]), &places, Command::Train)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is inf at d.csv line 4"), "{e}");
    }

    #[test]
    fn a_word_among_numbers_is_named_with_its_line() {
        let places = Places::of_file(std::path::Path::new("d.csv"), Some(vec![2, 3, 4, 5]), 4);
        let y = Column::categorical("y", &[Some("1.5"), Some("2"), Some("n/a"), Some("4")]);
        let e = check_stray_text(&y, &places, Command::Train).unwrap_err().to_string();
        assert!(e.contains("holds numbers, but also 'n/a' (at d.csv line 4), so it was read as text"), "{e}");
        assert!(e.contains("--drop-missing-target"), "{e}");
        let labels = Column::categorical("y", &[Some("a"), Some("b"), Some("1"), Some("c")]);
        check_stray_text(&labels, &places, Command::Train).unwrap();
    }

    #[test]
    fn unseen_labels_are_named() {
        let c = Column::categorical("s", &[Some("a"), Some("z"), Some("b")]);
        let e = check_known_labels(&c, &["a".into(), "b".into()]).unwrap_err().to_string();
        assert!(e.contains("never saw in training: 'z' (it knows 'a', 'b')"), "{e}");
        assert_eq!(listed(&["1", "2", "3", "4", "5", "6", "7"]), "'1', '2', '3', '4', '5' and 2 more");
    }
}
