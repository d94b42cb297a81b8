//! Bounds on a Parquet file's Thrift structures, checked before the parquet
//! crate reads them.
//!
//! The parquet crate skips the Thrift fields it does not know without
//! bounds: a list of booleans is skipped without reading its bytes, and a
//! list of doubles that runs past the end of the file is skipped one empty
//! read at a time. A few bytes that declare a list of 2^31 elements keep it
//! busy for seconds, a kilobyte of them for hours, and a declared string
//! length is allocated before it is read. So the footer's metadata and every
//! page header are walked here first, by the Thrift compact protocol: a
//! container may not declare more elements than bytes remain (every element
//! takes at least one), a string not more bytes than remain, nesting is
//! limited, and containers of booleans, which no Parquet structure read here
//! has, are refused. The crate's own walk is then bounded by the file's size.

use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::ChunkReader;

/// The deepest nesting walked, as the parquet crate's own skipping allows.
const MAX_DEPTH: u32 = 64;

/// How many bytes are read at first for a page header; doubled while the header runs on.
const WINDOW: u64 = 64 * 1024;

/// Checks the footer's metadata; a file too short or without the footer's
/// magic is left to the parquet crate to name.
pub(crate) fn check_footer<R: ChunkReader>(reader: &R) -> Result<(), String> {
    let len = reader.len();
    if len < 8 {
        return Ok(());
    }
    let tail = reader.get_bytes(len - 8, 8).map_err(|e| e.to_string())?;
    let declared = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if &tail[4..] != b"PAR1" || declared > len - 8 {
        return Ok(());
    }
    let start = len - 8 - declared;
    let bytes = reader.get_bytes(start, declared as usize).map_err(|e| e.to_string())?;
    let mut walk = Walk { bytes: &bytes, pos: 0 };
    match walk.structure(0, None) {
        Some(_) => Ok(()),
        None => Err(format!("malformed file metadata (near byte {})", start + walk.pos as u64)),
    }
}

/// Checks the page headers of every column chunk `metadata` lists.
pub(crate) fn check_pages<R: ChunkReader>(reader: &R, metadata: &ParquetMetaData) -> Result<(), String> {
    let len = reader.len();
    for column in metadata.row_groups().iter().flat_map(|g| g.columns()) {
        let start = column.dictionary_page_offset().unwrap_or_else(|| column.data_page_offset());
        // Negative offsets and sizes are the parquet crate's to refuse.
        let (Ok(start), Ok(size)) = (u64::try_from(start), u64::try_from(column.compressed_size())) else {
            continue;
        };
        let end = start.saturating_add(size).min(len);
        let mut offset = start;
        while offset < end {
            match page_header(reader, offset, len)? {
                Some(next) => offset = next,
                None => break,
            }
        }
    }
    Ok(())
}

/// Walks the page header at `offset` (before `len`, the file's length) and
/// returns where the next page starts, when the header gives its page's size.
fn page_header<R: ChunkReader>(reader: &R, offset: u64, len: u64) -> Result<Option<u64>, String> {
    let mut window = WINDOW;
    loop {
        let n = window.min(len - offset);
        let bytes = reader.get_bytes(offset, n as usize).map_err(|e| e.to_string())?;
        let mut walk = Walk { bytes: &bytes, pos: 0 };
        // Field 3 of a PageHeader is compressed_page_size.
        match walk.structure(0, Some(3)) {
            Some(size) => {
                let next = size.and_then(|s| u64::try_from(s).ok()).map(|s| offset + walk.pos as u64 + s);
                return Ok(next);
            }
            None if n < len - offset => window *= 2,
            None => return Err(format!("malformed page header at byte {offset}")),
        }
    }
}

/// A cursor over Thrift compact-protocol bytes; `None` is malformed or cut short.
struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Walk<'_> {
    fn remaining(&self) -> u64 {
        (self.bytes.len() - self.pos) as u64
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn skip(&mut self, n: u64) -> Option<()> {
        if n > self.remaining() {
            return None;
        }
        self.pos += n as usize;
        Some(())
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn zigzag(&mut self) -> Option<i64> {
        let n = self.varint()?;
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }

    /// A struct's fields up to its stop byte, and the value of its i32 field `wanted`.
    fn structure(&mut self, depth: u32, wanted: Option<i16>) -> Option<Option<i64>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (mut last, mut found) = (0i16, None);
        loop {
            let header = self.byte()?;
            let ty = header & 0x0f;
            if ty == 0 {
                return Some(found);
            }
            let id = match header >> 4 {
                0 => i16::try_from(self.zigzag()?).ok()?,
                delta => last.wrapping_add(i16::from(delta)),
            };
            last = id;
            match ty {
                // A boolean field's value is its type.
                1 | 2 => {}
                5 if Some(id) == wanted => found = Some(self.zigzag()?),
                _ => self.value(ty, depth + 1)?,
            }
        }
    }

    /// A value of compact type `ty` other than a struct field's boolean.
    fn value(&mut self, ty: u8, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty {
            3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            8 => {
                let n = self.varint()?;
                self.skip(n)
            }
            9 | 10 => {
                let header = self.byte()?;
                // Some writers write an empty list as a single 0.
                if header == 0 {
                    return Some(());
                }
                let size = match header >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                self.elements(&[header & 0x0f], size, depth)
            }
            11 => {
                let size = self.varint()?;
                if size == 0 {
                    return Some(());
                }
                let types = self.byte()?;
                self.elements(&[types >> 4, types & 0x0f], size, depth)
            }
            12 => self.structure(depth, None).map(drop),
            13 => self.skip(16),
            _ => None,
        }
    }

    /// `size` container entries of one value per type in `types` (a map entry has two).
    fn elements(&mut self, types: &[u8], size: u64, depth: u32) -> Option<()> {
        if size == 0 {
            return Some(());
        }
        if size > self.remaining() / types.len() as u64 || types.iter().any(|t| matches!(t, 1 | 2)) {
            return None;
        }
        for _ in 0..size {
            for &ty in types {
                self.value(ty, depth + 1)?;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8]) -> Option<Option<i64>> {
        Walk { bytes, pos: 0 }.structure(0, Some(3))
    }

    #[test]
    fn reads_a_page_header_and_its_size() {
        // type=0 (i32), uncompressed=10, compressed=7, data_page_header { num_values=3 }, stop
        let header = [0x15, 0x00, 0x15, 0x14, 0x15, 0x0e, 0x2c, 0x15, 0x06, 0x00, 0x00];
        assert_eq!(walk(&header), Some(Some(7)));
    }

    #[test]
    fn refuses_containers_larger_than_the_bytes_left_and_of_booleans() {
        // An unknown field 10 holding a list of 2^31 - 1 doubles, then of 3 booleans.
        let doubles = [0xa9, 0xf7, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
        assert_eq!(walk(&doubles), None);
        let booleans = [0xa9, 0x31, 0x01, 0x01, 0x01, 0x00];
        assert_eq!(walk(&booleans), None);
        // A string longer than what follows, and a map of 2^31 entries.
        assert_eq!(walk(&[0xa8, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]), None);
        assert_eq!(walk(&[0xab, 0xff, 0xff, 0xff, 0xff, 0x07, 0x55, 0x00]), None);
        // Empty containers are fine, booleans included.
        assert_eq!(walk(&[0xa9, 0x01, 0x19, 0x00, 0x00]), Some(None));
    }

    #[test]
    fn limits_nesting() {
        let mut nested = vec![0xac; 100];
        nested.extend(vec![0x00; 101]);
        assert_eq!(walk(&nested), None);
    }
}
