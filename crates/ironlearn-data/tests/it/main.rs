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
fn crlf_line_ends_and_blank_lines_do_not_shift_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    // \r\n line ends, a quoted field over two lines, and a blank line.
    std::fs::write(&path, "a,b\r\n1,x\r\n2,\"two\r\nlines\"\r\n3,z\r\n\r\n4,w\r\n").unwrap();
    let report = ironlearn_data::read_table_report(&path, &ReadOptions::default()).unwrap();
    assert_eq!(report.lines, Some(vec![2, 3, 5, 7]));
    let err = csv("a,b\r\n1,2\r\n3,4\r\n5\r\n").unwrap_err().to_string();
    assert_eq!(err, "t.csv line 4: expected 2 fields like the header, found 1");
    assert_eq!(csv("a\n\nok\n").unwrap().n_rows(), 1);
    let opts = ReadOptions::default().with_type("a", ColumnType::Numeric);
    let err = read_csv_from("a\r\n\r\n1\r\nx\r\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert_eq!(err, "t.csv line 4, column 'a': cannot parse 'x' as a number");
}

#[test]
fn an_unterminated_quote_is_named_with_its_line() {
    let err = csv("a,y\n1,2\n\"3,4\n5,6\n7,8\n").unwrap_err().to_string();
    assert!(err.starts_with("t.csv: an unterminated quote starting at line 3 runs to the end of the file"), "{err}");
    // A short row that is no quote is still a short row.
    let err = csv("a,y\n1,2\n\"x\ny\"\n5,6\n").unwrap_err().to_string();
    assert_eq!(err, "t.csv line 3: expected 2 fields like the header, found 1");
}

#[test]
fn a_model_file_given_as_data_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.csv");
    let header = br#"{"__metadata__":{"ironlearn":"{}"}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    std::fs::write(&path, bytes).unwrap();
    let err = read_table(&path, &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("model.csv: this is an ironlearn model file, not data; pass it as --model"), "{err}");
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
