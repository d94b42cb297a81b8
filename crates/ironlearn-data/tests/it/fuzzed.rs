//! Inputs `cargo fuzz` found (fuzz/ at the repository root), kept in
//! tests/fixtures/fuzz/ as the fuzzer wrote them, and their relatives.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ironlearn_core::Error;
use ironlearn_data::{read_parquet_bytes, read_table, write_parquet, ReadOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name)
}

/// Reads the fixture from memory and from its path: both refuse it as a
/// Parquet file, naming the source, well within `seconds`.
fn refused(name: &str, seconds: u64) -> String {
    let path = fixture(name);
    let start = Instant::now();
    let err = read_parquet_bytes(&std::fs::read(&path).unwrap(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Parse { .. }), "{err}");
    let message = err.to_string();
    assert!(message.starts_with("Parquet data: not a readable Parquet file"), "{message}");
    let err = read_table(&path, &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: not a readable Parquet file", path.display())), "{err}");
    assert!(start.elapsed() < Duration::from_secs(seconds), "{name} took {:?}", start.elapsed());
    message
}

/// A data page that refers to a dictionary its column chunk never wrote made
/// the parquet crate panic ("Decoder for dict should have been set"); its
/// page headers are now refused before that.
#[test]
fn parquet_data_page_without_its_dictionary_is_an_error() {
    refused("parquet_dictionary_page_missing.parquet", 20);
}

/// A page header with an unknown field holding a list of 2^31 doubles at the
/// end of the file kept the parquet crate skipping empty reads for 35 s.
#[test]
fn parquet_list_running_past_the_end_is_refused_at_once() {
    let message = refused("parquet_list_of_doubles_past_the_end.parquet", 20);
    assert!(message.ends_with("malformed page header at byte 256"), "{message}");
}

/// Twenty lists of 2^31 booleans in one page header: the parquet crate skips
/// each element without reading a byte, about 5 s a list.
#[test]
fn parquet_lists_of_booleans_are_refused_at_once() {
    let message = refused("parquet_lists_of_booleans.parquet", 20);
    assert!(message.ends_with("malformed page header at byte 256"), "{message}");
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

/// A page header declaring its dictionary page header (a struct) as an i64:
/// the parquet crate reads the field as a struct anyway and then skips the
/// bytes after it as whatever they declare, here doubles past the end of the
/// file (6 s in memory, 15 s under the fuzzer).
#[test]
fn parquet_known_field_of_another_type_is_refused_at_once() {
    let message = refused("parquet_known_field_of_another_type.parquet", 20);
    assert!(message.ends_with("malformed page header at byte 256"), "{message}");
}

/// A schema element declaring about 2^31 children: the parquet crate reserved
/// room for them first (an 11 GB allocation).
#[test]
fn parquet_schema_element_with_2e31_children_is_refused_at_once() {
    let message = refused("parquet_schema_element_with_2e31_children.parquet", 20);
    assert!(message.contains("malformed file metadata"), "{message}");
}

/// A Parquet file whose schema nests `depth` groups around one INT32 leaf,
/// with no row groups.
fn nested_schema(depth: usize) -> Vec<u8> {
    fn varint(mut n: u64, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push(n as u8 | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    // version 1, then the schema: a list of depth + 1 structs.
    let mut meta = vec![0x15, 0x02, 0x19, 0xfc];
    varint(depth as u64 + 1, &mut meta);
    for level in 0..depth {
        // [repetition_type REQUIRED,] name "g", num_children 1
        if level > 0 {
            meta.extend([0x35, 0x00, 0x18]);
        } else {
            meta.push(0x48);
        }
        meta.extend([0x01, b'g', 0x15, 0x02, 0x00]);
    }
    // the leaf: type INT32, repetition_type REQUIRED, name "x"
    meta.extend([0x15, 0x02, 0x25, 0x00, 0x18, 0x01, b'x', 0x00]);
    // num_rows 0, no row groups, stop
    meta.extend([0x16, 0x00, 0x19, 0x0c, 0x00]);
    let mut file = b"PAR1".to_vec();
    file.extend(&meta);
    file.extend((meta.len() as u32).to_le_bytes());
    file.extend(b"PAR1");
    file
}

/// Not found by the fuzzer (its inputs are too small) but beside what it
/// found: the parquet crate builds the schema recursively, and 200,000 nested
/// groups (a 1.6 MB file) overflowed its stack and aborted the process.
#[test]
fn parquet_schema_nesting_is_bounded() {
    let err = read_parquet_bytes(&nested_schema(2), &ReadOptions::default()).unwrap_err().to_string();
    assert!(!err.contains("not a readable Parquet file"), "a shallow schema passes the check: {err}");
    let err = read_parquet_bytes(&nested_schema(200_000), &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with("Parquet data: not a readable Parquet file: malformed file metadata"), "{err}");
}
