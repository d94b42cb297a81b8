//! Hostile inputs refused before reading; outputs checked, and written whole or not at all.

use std::fs;
use std::path::{Path, PathBuf};

use ironlearn_core::{Error, Table};
use ironlearn_data::{
    check_input_file, check_output_path, read_csv_from, read_table, write_csv, write_parquet, write_table, ReadOptions,
};

fn table(text: &str) -> Table {
    read_csv_from(text.as_bytes(), "t.csv", &ReadOptions::default()).unwrap()
}

fn read_err(path: &Path) -> String {
    read_table(path, &ReadOptions::default()).unwrap_err().to_string()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_directory_is_not_a_data_file() {
    let dir = tempfile::tempdir().unwrap();
    // A directory without a data extension is named as a directory, not as an unknown file type.
    for name in ["data.csv", "data.parquet", "data.csv.gz", "data"] {
        let path = dir.path().join(name);
        fs::create_dir(&path).unwrap();
        assert_eq!(read_err(&path), format!("{}: is a directory, not a data file", path.display()));
        assert!(matches!(check_input_file(&path), Err(Error::Io { .. })));
    }
}

#[test]
fn check_input_file_gives_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    fs::write(&path, "a\n1\n").unwrap();
    assert_eq!(check_input_file(&path).unwrap(), 4);
    let missing = dir.path().join("missing.csv");
    let err = check_input_file(&missing).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: ", missing.display())), "{err}");
}

/// Opening a FIFO would block until a writer came, and `/dev/zero` never ends:
/// if either were opened this test would hang instead of failing.
#[cfg(unix)]
#[test]
fn devices_fifos_and_sockets_are_refused_before_opening() {
    let err = check_input_file(Path::new("/dev/zero")).unwrap_err().to_string();
    assert_eq!(err, "/dev/zero: is not a regular file (a character device); data is read from regular files only");

    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    assert!(read_err(&zero).contains("is not a regular file (a character device)"));

    let fifo = dir.path().join("pipe.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    assert_eq!(
        read_err(&fifo),
        format!("{}: is not a regular file (a FIFO); data is read from regular files only", fifo.display())
    );

    let socket = dir.path().join("socket.parquet");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    assert!(read_err(&socket).contains("is not a regular file (a socket)"));
}

#[test]
fn outputs_are_checked_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    fs::write(&input, "a\n1\n").unwrap();
    let other = dir.path().join("other.csv");
    fs::write(&other, "a\n2\n").unwrap();

    // A new file beside the inputs is fine, and the probe leaves nothing behind.
    let out = dir.path().join("out.csv");
    check_output_path(&out, &[&input, &other]).unwrap();
    assert_eq!(names_in(dir.path()), ["in.csv", "other.csv"]);
    // So is overwriting an earlier output.
    fs::write(&out, "old").unwrap();
    check_output_path(&out, &[&input]).unwrap();

    let err = check_output_path(&input, &[&other, &input]).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}: the output is also an input", input.display())), "{err}");
    fs::create_dir(dir.path().join("sub")).unwrap();
    let dotted = dir.path().join("sub").join("..").join("in.csv");
    assert!(check_output_path(&dotted, &[&input]).is_err());

    let err = check_output_path(dir.path(), &[]).unwrap_err().to_string();
    assert!(err.ends_with("is a directory; name a file to write"), "{err}");
    let missing = dir.path().join("no-such-dir").join("out.csv");
    let err = check_output_path(&missing, &[]).unwrap_err().to_string();
    assert!(err.contains("no-such-dir does not exist"), "{err}");
    let err = check_output_path(&input.join("out.csv"), &[]).unwrap_err().to_string();
    assert!(err.contains("in.csv is not a directory"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_input_behind_a_symlink_or_hard_link_is_still_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    fs::write(&input, "a\n1\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.path().join("hard.csv");
    fs::hard_link(&input, &hard).unwrap();
    for out in [&link, &hard] {
        let err = check_output_path(out, &[&input]).unwrap_err().to_string();
        assert!(err.contains("the output is also an input"), "{err}");
        // And the other way round: the input named through the link.
        assert!(check_output_path(&input, &[out]).is_err());
    }
}

/// `/proc` refuses new files even to root, for whom permission bits do not bind.
#[cfg(target_os = "linux")]
#[test]
fn a_directory_that_refuses_new_files_fails_the_check() {
    let out = Path::new("/proc/ironlearn-out.csv");
    let err = check_output_path(out, &[]).unwrap_err().to_string();
    assert!(err.starts_with("/proc/ironlearn-out.csv: cannot create a file in /proc: "), "{err}");
    let err = write_table(out, &table("a\n1\n")).unwrap_err().to_string();
    assert!(err.starts_with("/proc/ironlearn-out.csv: "), "{err}");
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let out = ro.join("out.csv");
    let checked = check_output_path(&out, &[]);
    let written = write_table(&out, &table("a\n1\n"));
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
    match (checked, written) {
        (Err(c), Err(w)) => {
            assert!(c.to_string().contains("cannot create a file in"), "{c}");
            assert!(w.to_string().starts_with(&format!("{}: ", out.display())), "{w}");
            assert!(names_in(&ro).is_empty());
        }
        // Root writes anyway; then the file must be whole and alone.
        (Ok(()), Ok(())) => assert_eq!(names_in(&ro), ["out.csv"]),
        other => panic!("the check and the write disagree: {other:?}"),
    }
}

#[test]
fn writing_replaces_the_output_whole_and_leaves_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["pred.csv", "pred.parquet", "pred.tsv"] {
        let out = dir.path().join(name);
        fs::write(&out, "old contents").unwrap();
        for text in ["a,b\n1,x\n2,y\n", "a,b\n3,z\n"] {
            write_table(&out, &table(text)).unwrap();
            let back = read_table(&out, &ReadOptions::default()).unwrap();
            assert_eq!(back.column("b").unwrap(), table(text).column("b").unwrap(), "{name}");
        }
    }
    assert_eq!(names_in(dir.path()), ["pred.csv", "pred.parquet", "pred.tsv"]);
    assert_eq!(fs::read_to_string(dir.path().join("pred.tsv")).unwrap(), "a\tb\n3\tz\n");
}

#[test]
fn writing_into_a_missing_directory_or_onto_a_directory_fails() {
    let dir = tempfile::tempdir().unwrap();
    let t = table("a\n1\n");
    let missing: PathBuf = dir.path().join("missing").join("p.csv");
    for result in [write_table(&missing, &t), write_csv(&missing, &t), write_parquet(&missing, &t)] {
        let err = result.unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: ", missing.display())) && err.contains("does not exist"), "{err}");
    }
    let taken = dir.path().join("taken.csv");
    fs::create_dir(&taken).unwrap();
    let err = write_table(&taken, &t).unwrap_err().to_string();
    assert!(err.ends_with("is a directory; name a file to write"), "{err}");
    assert_eq!(names_in(dir.path()), ["taken.csv"]);
    assert!(names_in(&taken).is_empty());
}

#[cfg(unix)]
#[test]
fn overwriting_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("private.csv");
    fs::write(&out, "old").unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    write_table(&link, &table("a\n7\n")).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(&out).unwrap(), "a\n7\n");
    assert_eq!(fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(names_in(dir.path()), ["link.csv", "private.csv"]);
}

/// A device is written in place: replacing `/dev/null` by a regular file
/// (which root could do with a rename) would break the whole machine.
#[cfg(unix)]
#[test]
fn a_character_device_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null.csv");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    check_output_path(&null, &[]).unwrap();
    write_table(&null, &table("a\n1\n")).unwrap();
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    assert_eq!(names_in(dir.path()), ["null.csv"]);
}

/// A FIFO or a device other than `/dev/null` is refused before any work: a
/// FIFO would block until read, `/dev/full` would fail after the work.
#[cfg(unix)]
#[test]
fn a_fifo_or_device_output_is_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("o.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    assert!(made, "mkfifo makes a FIFO");
    let err = check_output_path(&fifo, &[]).unwrap_err().to_string();
    assert!(err.contains("o.csv: is not a regular file (a FIFO)"), "{err}");
    let err = check_output_path(Path::new("/dev/full"), &[]).unwrap_err().to_string();
    assert!(err.contains("/dev/full: is not a regular file (a character device)"), "{err}");
}
