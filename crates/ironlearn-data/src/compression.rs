//! Gzip and Zstandard around CSV, chosen by the last extension.
//!
//! `train.csv.gz` is read as the CSV inside it, so large tables can stay
//! compressed on disk; the extension before the compression suffix picks the
//! format (`.tsv.zst` is tab-separated). A file named `.gz` that does not start
//! with the gzip signature is refused by name before any decoder sees it, and a
//! corrupt or truncated stream surfaces as an error, never a panic or a
//! silently short table. Writing a `.csv.gz` compresses the same way, so what
//! ironlearn writes it can read back.

use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;

use ironlearn_core::{Error, Result};

/// The compression of a file, from its last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// The compression of `path` and, lowercased, the extension that names the
    /// format under it (`csv` for both `a.csv` and `a.csv.gz`; empty if none).
    pub(crate) fn split(path: &Path) -> (Compression, String) {
        let ext = |p: &Path| p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let last = ext(path);
        let compression = match last.as_str() {
            "gz" => Compression::Gzip,
            "zst" => Compression::Zstd,
            _ => return (Compression::None, last),
        };
        (compression, path.file_stem().map_or(String::new(), |stem| ext(Path::new(stem))))
    }

    /// The extension that marks this compression, with its dot.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }

    /// The first bytes of every stream in this format.
    fn signature(self) -> &'static [u8] {
        match self {
            Compression::None => b"",
            Compression::Gzip => &[0x1f, 0x8b],
            Compression::Zstd => &[0x28, 0xb5, 0x2f, 0xfd],
        }
    }

    /// Wraps `reader`, the contents of `path`, in the decoder for this compression.
    pub(crate) fn decoder<'a>(self, path: &Path, mut reader: impl BufRead + 'a) -> Result<Box<dyn Read + 'a>> {
        if self == Compression::None {
            return Ok(Box::new(reader));
        }
        let signature = self.signature();
        let mut head = Vec::with_capacity(signature.len());
        (&mut reader).take(signature.len() as u64).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
        if head != signature {
            return Err(Error::Parse {
                location: path.display().to_string(),
                message: format!(
                    "not a {self} file (it does not start with the {self} signature); \
                     if it is not compressed, remove '{}' from its name",
                    self.suffix()
                ),
            });
        }
        let reader = io::Cursor::new(head).chain(reader);
        let decoder: Box<dyn Read + 'a> = if self == Compression::Gzip {
            Box::new(flate2::bufread::MultiGzDecoder::new(reader))
        } else {
            Box::new(zstd::stream::read::Decoder::with_buffer(reader).map_err(|e| Error::io(path, e))?)
        };
        Ok(Box::new(Decoded { inner: decoder, compression: self }))
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::None => "uncompressed",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        })
    }
}

/// A decoder whose errors say that decompression failed, not merely that a read did.
struct Decoded<'a> {
    inner: Box<dyn Read + 'a>,
    compression: Compression,
}

impl Read for Decoded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner
            .read(buf)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot decompress the {} data: {e}", self.compression)))
    }
}

/// A writer that compresses what it is given; `finish` writes the stream's end.
pub(crate) enum Encoder<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub(crate) fn new(inner: W, compression: Compression) -> io::Result<Self> {
        Ok(match compression {
            Compression::None => Encoder::Plain(inner),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(inner, flate2::Compression::default())),
            Compression::Zstd => Encoder::Zstd(zstd::stream::write::Encoder::new(inner, 0)?),
        })
    }

    /// Ends the compressed stream and returns the inner writer, flushed.
    pub(crate) fn finish(self) -> io::Result<W> {
        let mut inner = match self {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish()?,
            Encoder::Zstd(w) => w.finish()?,
        };
        inner.flush()?;
        Ok(inner)
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(w) => w.write(buf),
            Encoder::Gzip(w) => w.write(buf),
            Encoder::Zstd(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(w) => w.flush(),
            Encoder::Zstd(w) => w.flush(),
        }
    }
}
