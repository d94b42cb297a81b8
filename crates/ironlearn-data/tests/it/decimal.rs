//! Decimal commas: read when asked, reported when they were probably meant.

use std::fs;

use ironlearn_core::{ColumnData, DType};
use ironlearn_data::{read_csv_from, read_table, read_table_with_warnings, write_table, ColumnType, ReadOptions};

fn comma_options() -> ReadOptions {
    ReadOptions { delimiter: Some(b';'), decimal: b',', ..Default::default() }
}

#[test]
fn decimal_commas_read_as_numbers_when_asked() {
    let t = read_csv_from("price;n;name\n1,5;3;a\n-0,25;;b\n12;4,0;c\n".as_bytes(), "t.csv", &comma_options()).unwrap();
    assert_eq!(t.column("price").unwrap().as_numeric().unwrap(), &[1.5, -0.25, 12.0]);
    let n = t.column("n").unwrap().as_numeric().unwrap();
    assert!(n[0] == 3.0 && n[1].is_nan() && n[2] == 4.0);
    assert!(matches!(t.column("name").unwrap().data, ColumnData::Categorical { .. }));

    // With the default ',' delimiter a decimal comma is refused: unquoted, "1,5" is two fields,
    // and a number with a '.' would quietly become text.
    let opts = ReadOptions { decimal: b',', ..Default::default() };
    let err = read_csv_from("a,b\n\"1,5\",2\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert!(err.contains("the decimal separator ',' is also the field delimiter (',' by default)"), "{err}");
    assert!(err.contains("pass --delimiter ';'"), "{err}");
    // A tab-separated file has no such clash.
    let opts = ReadOptions { delimiter: Some(b'\t'), decimal: b',', ..Default::default() };
    let t = read_csv_from("a\tb\n1,5\t2\n".as_bytes(), "t.tsv", &opts).unwrap();
    assert_eq!(t.column("a").unwrap().as_numeric().unwrap(), &[1.5]);
}

#[test]
fn with_decimal_commas_a_point_is_not_a_decimal_point() {
    // "1.234" is one thousand two hundred and thirty-four in such files, so it is not read as 1.234.
    let t = read_csv_from("p\n1,5\n1.234\n".as_bytes(), "t.csv", &comma_options()).unwrap();
    assert!(matches!(t.column("p").unwrap().data, ColumnData::Categorical { .. }));
    let opts = comma_options().with_type("p", ColumnType::Numeric);
    let err = read_csv_from("p\n1,5\n1.234\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert_eq!(err, "t.csv line 3, column 'p': cannot parse '1.234' as a number");
}

#[test]
fn the_decimal_separator_is_a_point_or_a_comma() {
    let opts = ReadOptions { decimal: b';', ..Default::default() };
    let err = read_csv_from("a\n1\n".as_bytes(), "t.csv", &opts).unwrap_err().to_string();
    assert_eq!(err, "the decimal separator must be '.' or ',', not ';'");
}

#[test]
fn a_column_of_decimal_comma_numbers_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.csv");
    let text = "item;price;code;pair;label\na;2,75;12;1,2;x\nb;-0,5;7;3,4,5;y\nc;12;;;z\nd;;1;;w\n";
    fs::write(&path, text).unwrap();
    let opts = ReadOptions { delimiter: Some(b';'), ..Default::default() };
    let (t, warnings) = read_table_with_warnings(&path, &opts).unwrap();
    assert_eq!(
        warnings,
        [format!(
            "{}: column 'price' looks numeric with decimal commas (e.g. '2,75'); it was read as text \
             — pass --decimal ',' to read it as numbers",
            path.display()
        )]
    );
    let price = t.column("price").unwrap();
    assert_eq!(price.dtype(), DType::Categorical { categories: vec!["-0,5".into(), "12".into(), "2,75".into()] });
    assert_eq!(t.column("code").unwrap().as_numeric().unwrap().len(), 4);
    assert_eq!(read_table(&path, &opts).unwrap().column("price").unwrap(), price);

    // Forced to text: the user said so, nothing to report.
    let forced = opts.clone().with_type("price", ColumnType::Categorical);
    assert!(read_table_with_warnings(&path, &forced).unwrap().1.is_empty());
    // Read with decimal commas: numbers, nothing to report.
    let (t, warnings) = read_table_with_warnings(&path, &comma_options()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(t.column("price").unwrap().as_numeric().unwrap()[..3], [2.75, -0.5, 12.0]);
}

#[test]
fn whole_numbers_and_plain_text_are_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    fs::write(&path, "id,code,word\n1,\"12\",a\n2,\"1 2\",b\n").unwrap();
    let (_, warnings) = read_table_with_warnings(&path, &ReadOptions::default()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_semicolon_file_read_with_commas_gets_a_hint() {
    let err = read_csv_from("a;b\n1,5;2\n".as_bytes(), "t.csv", &ReadOptions::default()).unwrap_err().to_string();
    assert_eq!(
        err,
        "t.csv line 2: expected 1 fields like the header, found 2; the header is one field that holds ';': \
         if ';' separates the columns, pass --delimiter ';'"
    );
}

#[test]
fn parquet_rows_count_from_zero_as_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let t = read_csv_from("v\n1\nx\n".as_bytes(), "t.csv", &ReadOptions::default()).unwrap();
    write_table(&path, &t).unwrap();
    let opts = ReadOptions::default().with_type("v", ColumnType::Numeric);
    let err = read_table(&path, &opts).unwrap_err().to_string();
    assert_eq!(err, format!("{} row 1, column 'v': cannot parse 'x' as a number", path.display()));
    // Forced numeric with decimal commas, as in the CSV reader.
    let t = read_csv_from("v\n\"1,5\"\n".as_bytes(), "t.csv", &ReadOptions::default()).unwrap();
    write_table(&path, &t).unwrap();
    let opts = ReadOptions { decimal: b',', ..Default::default() }.with_type("v", ColumnType::Numeric);
    assert_eq!(read_table(&path, &opts).unwrap().column("v").unwrap().as_numeric().unwrap(), &[1.5]);
}
