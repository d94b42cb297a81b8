//! Reading and writing tables: inference, overrides, paths, compression, and
//! the errors users see. One test binary, so the crate links once.

mod compressed;
mod decimal;
mod fuzzed;
mod paths;

use std::io::Write;

use ironlearn_core::{ColumnData, DType, Error, MISSING};
use ironlearn_data::{read_csv_from, read_table, write_table, ColumnType, ReadOptions};

fn csv(text: &str) -> Result<ironlearn_core::Table, Error> {
    read_csv_from(text.as_bytes(), "t.csv", &ReadOptions::default())
}

#[test]
fn infers_numbers_text_and_missing_values() {
    let t = csv("a,b,c\n1,x,\n2.5,,NA\n-3,y,7\n").unwrap();
    assert_eq!(t.column("a").unwrap().as_numeric().unwrap(), &[1.0, 2.5, -3.0]);
    match &t.column("b").unwrap().data {
        ColumnData::Categorical { codes, levels } => {
            assert_eq!(levels, &["x", "y"]);
            assert_eq!(codes, &[0, MISSING, 1]);
        }
        other => panic!("b should be categorical: {other:?}"),
    }
    let c = t.column("c").unwrap().as_numeric().unwrap();
    assert!(c[0].is_nan() && c[1].is_nan() && c[2] == 7.0);
}

#[test]
fn overrides_force_types() {
    let opts = ReadOptions::default().with_type("zip", ColumnType::Categorical);
    let t = read_csv_from("zip,v\n01234,1\n98765,2\n".as_bytes(), "t.csv", &opts).unwrap();
    assert_eq!(
        t.column("zip").unwrap().dtype(),
        DType::Categorical { categories: vec!["01234".into(), "98765".into()] }
    );
    let opts = ReadOptions::default().with_type("v", ColumnType::Numeric);
    let err = read_csv_from("v\n1\n2\nabc\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert_eq!(err, "t.csv line 4, column 'v': cannot parse 'abc' as a number");
    let opts = ReadOptions::default().with_type("nope", ColumnType::Numeric);
    let err = read_csv_from("v\n1\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert!(err.contains("unknown column 'nope'") && err.contains("'v'"), "{err}");
}

#[test]
fn each_row_knows_its_file_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    // A quoted field over two lines: the next row starts two lines later.
    std::fs::write(&path, "a,b\n1,x\n2,\"two\nlines\"\n3,z\n").unwrap();
    let report = ironlearn_data::read_table_report(&path, &ReadOptions::default()).unwrap();
    assert_eq!(report.table.n_rows(), 3);
    assert_eq!(report.lines, Some(vec![2, 3, 5]));
    let pq = dir.path().join("t.parquet");
    write_table(&pq, &report.table).unwrap();
    assert_eq!(ironlearn_data::read_table_report(&pq, &ReadOptions::default()).unwrap().lines, None);
}

#[test]
fn ragged_rows_name_their_line() {
    let err = csv("a,b\n1,2\n3\n").unwrap_err().to_string();
    assert_eq!(err, "t.csv line 3: expected 2 fields like the header, found 1");
}

#[test]
fn empty_inputs_are_errors() {
    assert!(matches!(csv(""), Err(Error::Empty(_))));
    assert!(matches!(csv("a,b\n"), Err(Error::Empty(_))));
    let err = read_table("/no/such/file.csv", &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with("/no/such/file.csv: "), "{err}");
    // The path is checked before its extension: what is wrong with it comes first.
    let err = read_table("/no/such/data.xlsx", &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with("/no/such/data.xlsx: No such file"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("data.xlsx");
    std::fs::write(&sheet, "a spreadsheet").unwrap();
    let err = read_table(&sheet, &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("unknown file type '.xlsx'"), "{err}");
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = b"a\nok\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let err = read_csv_from(&bytes[..], "t.csv", &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("UTF-8"), "{err}");
}

#[test]
fn parquet_and_csv_round_trip() {
    let t = csv("num,txt\n1.5,a\n,b\n3,\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.parquet", "t.csv"] {
        let path = dir.path().join(name);
        write_table(&path, &t).unwrap();
        let back = read_table(&path, &ReadOptions::default()).unwrap();
        assert_eq!(back.names(), t.names());
        assert_eq!(back.column("txt").unwrap(), t.column("txt").unwrap());
        let (a, b) =
            (back.column("num").unwrap().as_numeric().unwrap(), t.column("num").unwrap().as_numeric().unwrap());
        assert!(a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan())));
    }
    let bad = dir.path().join("bad.parquet");
    std::fs::File::create(&bad).unwrap().write_all(b"not parquet at all").unwrap();
    assert!(matches!(read_table(&bad, &ReadOptions::default()), Err(Error::Parse { .. })));
}
