//! Paths in and out: what may be read, and writing without losing data.
//!
//! A data path can name anything. A directory gives a baffling read error, a
//! FIFO blocks forever once opened, `/dev/zero` never ends; so an input is
//! checked from its metadata before anything opens it. An output is written to
//! a temporary file beside it and renamed into place only when complete: a
//! failed or interrupted write leaves neither a truncated output nor a damaged
//! file it was to replace, and the temporary file is removed on every failure.
//! [`check_output_path`] lets a command refuse a bad output (a missing or
//! read-only directory, a directory, a FIFO or device, one of its own inputs)
//! before it spends minutes training.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ironlearn_core::{Error, Result};

/// Checks that `path` is a regular file (following symlinks) and returns its size in bytes.
///
/// A directory, a device such as `/dev/zero`, a FIFO or a socket is refused
/// from its metadata, before anything opens it.
pub fn check_input_file(path: &Path) -> Result<u64> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(refuse(path, io::ErrorKind::IsADirectory, "is a directory, not a data file"));
    }
    if !meta.is_file() {
        let what = ironlearn_core::model_file::special_kind(&meta.file_type());
        let message = format!("is not a regular file ({what}); data is read from regular files only");
        return Err(refuse(path, io::ErrorKind::InvalidInput, &message));
    }
    Ok(meta.len())
}

/// Opens a checked input file for buffered reading.
pub(crate) fn open_input(path: &Path) -> Result<BufReader<File>> {
    check_input_file(path)?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// Checks, before any work is done, that a table can be written to `out`.
///
/// The directory of `out` must exist and accept new files (a temporary file
/// is created in it and removed), `out` must not be a directory, and it must
/// not be the same file as any of `inputs`, however it is spelled (symlinks,
/// `..`, and on Unix hard links), since writing it would destroy data still to
/// be read. An existing FIFO, device or socket is refused, as inputs are: a
/// FIFO blocks until someone reads it and `/dev/full` fails only once the
/// work is done. `/dev/null` alone is accepted, to run a command for its
/// report and throw its output away.
pub fn check_output_path(out: &Path, inputs: &[&Path]) -> Result<()> {
    match destination(out)? {
        Destination::Replace(target) => {
            TempPath::create(&target).map_err(|e| Error::io(out, e))?;
        }
        Destination::Stream if fs::canonicalize(out).is_ok_and(|p| p == Path::new("/dev/null")) => {}
        Destination::Stream => {
            let what = fs::metadata(out)
                .map(|m| ironlearn_core::model_file::special_kind(&m.file_type()))
                .unwrap_or("a special file");
            let message = format!("is not a regular file ({what}); output is written to regular files only");
            return Err(refuse(out, io::ErrorKind::InvalidInput, &message));
        }
    }
    for input in inputs {
        if same_file(out, input) {
            return Err(Error::InvalidValue(format!(
                "{}: the output is also an input ({}); writing it would destroy data that is still to be read, \
                 so choose another output file",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Writes `out` through `write`, which fills the file it is given.
///
/// A regular file is replaced only once `write` has succeeded and the data is
/// on disk; keeping the permissions of the file it replaces. A symlink keeps
/// pointing where it did: the file it points to is replaced.
pub(crate) fn write_atomically(out: &Path, write: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    match destination(out)? {
        Destination::Stream => {
            let mut file = OpenOptions::new().write(true).open(out).map_err(|e| Error::io(out, e))?;
            write(&mut file)
        }
        Destination::Replace(target) => {
            let (mut file, temp) = TempPath::create(&target).map_err(|e| Error::io(out, e))?;
            write(&mut file)?;
            file.sync_all().map_err(|e| Error::io(out, e))?;
            drop(file);
            temp.persist(&target).map_err(|e| Error::io(out, e))
        }
    }
}

/// How an output path is written.
enum Destination {
    /// A regular file, new or replaced, at this resolved path.
    Replace(PathBuf),
    /// An existing FIFO or device, written in place.
    Stream,
}

/// How `out` can be written: refuses a directory and a missing parent directory.
fn destination(out: &Path) -> Result<Destination> {
    match fs::metadata(out) {
        Ok(meta) if meta.is_dir() => {
            Err(refuse(out, io::ErrorKind::IsADirectory, "is a directory; name a file to write"))
        }
        Ok(meta) if meta.is_file() => fs::canonicalize(out).map(Destination::Replace).map_err(|e| Error::io(out, e)),
        Ok(_) => Ok(Destination::Stream),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
            let dir = parent_dir(out);
            match fs::metadata(dir) {
                Ok(meta) if meta.is_dir() => Ok(Destination::Replace(out.to_path_buf())),
                Ok(_) => {
                    Err(refuse(out, io::ErrorKind::NotADirectory, &format!("{} is not a directory", dir.display())))
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    Err(refuse(out, e.kind(), &format!("the directory {} does not exist", dir.display())))
                }
                Err(e) => Err(Error::io(dir, e)),
            }
        }
        Err(e) => Err(Error::io(out, e)),
    }
}

/// Whether `a` and `b` name the same file, or would once the missing one is created.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return (x.dev(), x.ino()) == (y.dev(), y.ino());
    }
    resolved(a) == resolved(b)
}

/// `path` with symlinks and `..` resolved, also when its last component does not exist yet.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    let dir = parent_dir(path);
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    path.file_name().map_or(dir.clone(), |name| dir.join(name))
}

/// The directory a path's file lives in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file beside an output: removed when dropped, unless persisted.
#[derive(Debug)]
struct TempPath {
    path: PathBuf,
    persisted: bool,
}

impl TempPath {
    /// Creates a new, empty, hidden file in the directory of `target`.
    fn create(target: &Path) -> io::Result<(File, TempPath)> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = parent_dir(target);
        // Short enough that the name stays within the usual 255-byte limit.
        let stem: String = target.file_name().unwrap_or_default().to_string_lossy().chars().take(64).collect();
        let mut last = None;
        for _ in 0..100 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{stem}.{}-{n}.tmp", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((file, TempPath { path, persisted: false })),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => {
                    let message = format!("cannot create a file in {}: {e}", dir.display());
                    return Err(io::Error::new(e.kind(), message));
                }
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
    }

    /// Renames the file onto `target`, with the permissions of the file it replaces.
    fn persist(mut self, target: &Path) -> io::Result<()> {
        if let Ok(meta) = fs::metadata(target) {
            fs::set_permissions(&self.path, meta.permissions())?;
        }
        fs::rename(&self.path, target)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: the error that brought us here is the one to report.
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn refuse(path: &Path, kind: io::ErrorKind, message: &str) -> Error {
    Error::io(path, io::Error::new(kind, message.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        fs::write(&out, "old\n").unwrap();
        let err = write_atomically(&out, |file| {
            use std::io::Write;
            file.write_all(b"half a tab").unwrap();
            Err(Error::InvalidValue("the writer failed".into()))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "the writer failed");
        assert_eq!(fs::read_to_string(&out).unwrap(), "old\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["out.csv"]);
    }

    #[test]
    fn bare_file_names_live_in_the_current_directory() {
        assert_eq!(parent_dir(Path::new("out.csv")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/out.csv")), Path::new("a"));
    }
}
