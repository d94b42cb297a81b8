//! Inputs `cargo fuzz` found (fuzz/ at the repository root), each kept in
//! tests/fixtures/fuzz/ as the fuzzer minimised it.

use std::path::{Path, PathBuf};

use ironlearn_core::Error;
use ironlearn_data::{read_parquet_bytes, read_table, write_parquet, ReadOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name)
}

/// A data page that refers to a dictionary its column chunk never wrote made
/// the parquet crate panic ("Decoder for dict should have been set").
#[test]
fn parquet_data_page_without_its_dictionary_is_an_error() {
    let path = fixture("parquet_dictionary_page_missing.parquet");
    let bytes = std::fs::read(&path).unwrap();
    let err = read_parquet_bytes(&bytes, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err}");
    let message = err.to_string();
    assert!(message.starts_with("Parquet data: not a readable Parquet file"), "{message}");
    let err = read_table(&path, &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: not a readable Parquet file", path.display())), "{err}");
    // A panic elsewhere is still a panic.
    assert!(std::panic::catch_unwind(|| panic!("not contained")).is_err());
}

#[test]
fn parquet_reads_from_bytes_as_from_a_file() {
    let t = ironlearn_data::read_csv_from(&b"x,y\n1.5,a\n-2,\n"[..], "t.csv", &ReadOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    write_parquet(&path, &t).unwrap();
    let from_bytes = read_parquet_bytes(&std::fs::read(&path).unwrap(), &ReadOptions::default()).unwrap();
    assert_eq!(from_bytes, read_table(&path, &ReadOptions::default()).unwrap());
    let err = read_parquet_bytes(b"not parquet at all", &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Parse { .. }) && err.to_string().starts_with("Parquet data: "), "{err}");
}
