//! Gzip and zstd CSV: read as the text inside, refused by name when they are not what they say.

use std::fs;
use std::io::Write;
use std::path::Path;

use ironlearn_core::Table;
use ironlearn_data::{read_csv_from, read_table, write_table, Format, ReadOptions};

const CSV: &str = "a,b\n1.5,x\n,y\n-2,\n";

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

fn zstd(text: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(text, 0).unwrap()
}

fn read(path: &Path) -> Result<Table, ironlearn_core::Error> {
    read_table(path, &ReadOptions::default())
}

fn assert_same(a: &Table, b: &Table) {
    assert_eq!(a.names(), b.names());
    for name in a.names() {
        let (x, y) = (a.column(&name).unwrap(), b.column(&name).unwrap());
        match (x.as_numeric(), y.as_numeric()) {
            (Ok(x), Ok(y)) => assert!(x.iter().zip(y).all(|(p, q)| p == q || (p.is_nan() && q.is_nan()))),
            _ => assert_eq!(x, y),
        }
    }
}

#[test]
fn compressed_csv_and_tsv_read_like_plain_text() {
    let plain = read_csv_from(CSV.as_bytes(), "t.csv", &ReadOptions::default()).unwrap();
    let tsv = CSV.replace(',', "\t");
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("t.csv.gz", gzip(CSV.as_bytes())),
        ("t.tsv.gz", gzip(tsv.as_bytes())),
        ("t.csv.zst", zstd(CSV.as_bytes())),
        ("t.tsv.zst", zstd(tsv.as_bytes())),
        ("T.TXT.GZ", gzip(CSV.as_bytes())),
    ];
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        assert_eq!(Format::of(&path).unwrap(), Format::Csv);
        assert_same(&read(&path).unwrap(), &plain);
    }
}

#[test]
fn concatenated_streams_read_as_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let (head, tail) = CSV.split_at(CSV.find("\n,y").unwrap() + 1);
    let plain = read_csv_from(CSV.as_bytes(), "t.csv", &ReadOptions::default()).unwrap();
    let gz = dir.path().join("two.csv.gz");
    fs::write(&gz, [gzip(head.as_bytes()), gzip(tail.as_bytes())].concat()).unwrap();
    assert_same(&read(&gz).unwrap(), &plain);
    let zst = dir.path().join("two.csv.zst");
    fs::write(&zst, [zstd(head.as_bytes()), zstd(tail.as_bytes())].concat()).unwrap();
    assert_same(&read(&zst).unwrap(), &plain);
}

#[test]
fn a_mislabelled_file_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for (name, what, suffix) in [("plain.csv.gz", "gzip", ".gz"), ("plain.csv.zst", "zstd", ".zst")] {
        let path = dir.path().join(name);
        fs::write(&path, CSV).unwrap();
        assert_eq!(
            read(&path).unwrap_err().to_string(),
            format!(
                "{}: not a {what} file (it does not start with the {what} signature); \
                 if it is not compressed, remove '{suffix}' from its name",
                path.display()
            )
        );
        fs::write(&path, "").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains(&format!("not a {what} file")));
    }
    // A gzip file under a zstd name, and the other way round.
    let path = dir.path().join("swapped.csv.zst");
    fs::write(&path, gzip(CSV.as_bytes())).unwrap();
    assert!(read(&path).unwrap_err().to_string().contains("not a zstd file"));
}

#[test]
fn damaged_streams_are_errors_not_short_tables() {
    let text: String =
        std::iter::once("i,v\n".to_string()).chain((0..5000).map(|i| format!("{i},{}\n", i * 7))).collect();
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("t.csv.gz", gzip(text.as_bytes())), ("t.csv.zst", zstd(text.as_bytes()))] {
        let path = dir.path().join(name);
        let what = if name.ends_with(".gz") { "gzip" } else { "zstd" };
        // Cut anywhere after the signature: in the middle, or just before the end.
        for cut in [bytes.len() / 2, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            let err = read(&path).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{}: cannot decompress the {what} data: ", path.display())), "{err}");
        }
        // Bytes flipped in the middle: gzip's checksum catches any change.
        if what != "gzip" {
            continue;
        }
        let mut broken = bytes.clone();
        let mid = broken.len() / 2;
        broken[mid..mid + 8].iter_mut().for_each(|b| *b = !*b);
        fs::write(&path, &broken).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: ", path.display())), "{err}");
    }
}

#[test]
fn compressed_output_reads_back() {
    let t = read_csv_from(CSV.as_bytes(), "t.csv", &ReadOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, signature) in [("p.csv.gz", &[0x1f, 0x8b][..]), ("p.tsv.zst", &[0x28, 0xb5, 0x2f, 0xfd][..])] {
        let path = dir.path().join(name);
        write_table(&path, &t).unwrap();
        assert!(fs::read(&path).unwrap().starts_with(signature), "{name}");
        assert_same(&read(&path).unwrap(), &t);
    }
}

#[test]
fn only_csv_may_be_compressed() {
    let err = Format::of(Path::new("x.parquet.gz")).unwrap_err().to_string();
    assert!(err.starts_with("x.parquet.gz: compressed Parquet files are not read"), "{err}");
    let err = Format::of(Path::new("x.gz")).unwrap_err().to_string();
    assert!(err.contains("unknown file type '.gz'"), "{err}");
    let err = Format::of(Path::new("x.json.zst")).unwrap_err().to_string();
    assert!(err.contains("unknown file type '.json.zst'"), "{err}");
    assert_eq!(Format::of(Path::new("x.parquet")).unwrap(), Format::Parquet);
}
