//! Bounds on a Parquet file's Thrift structures, checked before the parquet
//! crate reads them.
//!
//! The parquet crate skips the Thrift fields it does not know (and the page
//! statistics it does not read) without bounds: a list of booleans is
//! skipped without reading its bytes, and in a page header a list of doubles
//! that runs past the end of the file is skipped one empty read at a time. A
//! few bytes that declare a list of 2^31 elements keep it busy for seconds, a
//! kilobyte of them for hours. So the footer's metadata and every page header
//! are walked here first, by the Thrift compact protocol and Parquet's
//! schema: a known field must have its schema's type (the crate reads it by
//! the schema, so a wrong declared type would put the two walks out of step),
//! a container may not declare more elements than bytes remain (every element
//! takes at least one), a string not more bytes than remain, nor a schema
//! element more children than bytes remain (the crate reserves room for
//! them: 2^31 children made it ask for 16 GB), nesting is limited, and an unknown field may not be a container of booleans, which no
//! Parquet structure has. The crate's own walk is then bounded by the file's
//! size.

use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::ChunkReader;

/// The deepest nesting walked, as the parquet crate's own skipping allows.
const MAX_DEPTH: u32 = 64;

/// How many bytes are read at first for a page header (most take well under
/// a hundred); doubled while the header runs on.
const WINDOW: u64 = 1024;

/// A Thrift type of Parquet's schema (parquet.thrift); enums are i32.
#[derive(Clone, Copy)]
enum Ty {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Double,
    Binary,
    /// FileMetaData's schema: a list of SchemaElement, a tree flattened
    /// depth first, each element followed by its `num_children` children.
    Schema,
    List(&'static Ty),
    /// A struct or a union, by its fields; a field not listed is walked by its declared type.
    Struct(&'static [(i16, Ty)]),
}

impl Ty {
    /// Whether compact type `code` is this type.
    fn is(self, code: u8) -> bool {
        code == match self {
            Ty::Bool => return matches!(code, 1 | 2),
            Ty::Byte => 3,
            Ty::I16 => 4,
            Ty::I32 => 5,
            Ty::I64 => 6,
            Ty::Double => 7,
            Ty::Binary => 8,
            Ty::List(_) | Ty::Schema => 9,
            Ty::Struct(_) => 12,
        }
    }
}

use Ty::{Binary, Bool, Byte, Double, List, Schema, Struct, I16, I32, I64};

const EMPTY: &[(i16, Ty)] = &[];
const TIME_UNIT: &[(i16, Ty)] = &[(1, Struct(EMPTY)), (2, Struct(EMPTY)), (3, Struct(EMPTY))];
const TIME: &[(i16, Ty)] = &[(1, Bool), (2, Struct(TIME_UNIT))];
const LOGICAL_TYPE: &[(i16, Ty)] = &[
    (1, Struct(EMPTY)),
    (2, Struct(EMPTY)),
    (3, Struct(EMPTY)),
    (4, Struct(EMPTY)),
    (5, Struct(&[(1, I32), (2, I32)])),
    (6, Struct(EMPTY)),
    (7, Struct(TIME)),
    (8, Struct(TIME)),
    (10, Struct(&[(1, Byte), (2, Bool)])),
    (11, Struct(EMPTY)),
    (12, Struct(EMPTY)),
    (13, Struct(EMPTY)),
    (14, Struct(EMPTY)),
    (15, Struct(EMPTY)),
    (16, Struct(&[(1, Byte)])),
    (17, Struct(&[(1, Binary)])),
    (18, Struct(&[(1, Binary), (2, I32)])),
    (19, Struct(EMPTY)),
];
const SCHEMA_ELEMENT: &[(i16, Ty)] = &[
    (1, I32),
    (2, I32),
    (3, I32),
    (4, Binary),
    (5, I32),
    (6, I32),
    (7, I32),
    (8, I32),
    (9, I32),
    (10, Struct(LOGICAL_TYPE)),
];
const STATISTICS: &[(i16, Ty)] =
    &[(1, Binary), (2, Binary), (3, I64), (4, I64), (5, Binary), (6, Binary), (7, Bool), (8, Bool), (9, I64)];
const KEY_VALUE: &[(i16, Ty)] = &[(1, Binary), (2, Binary)];
const BOUNDING_BOX: &[(i16, Ty)] =
    &[(1, Double), (2, Double), (3, Double), (4, Double), (5, Double), (6, Double), (7, Double), (8, Double)];
const COLUMN_META_DATA: &[(i16, Ty)] = &[
    (1, I32),
    (2, List(&I32)),
    (3, List(&Binary)),
    (4, I32),
    (5, I64),
    (6, I64),
    (7, I64),
    (8, List(&Struct(KEY_VALUE))),
    (9, I64),
    (10, I64),
    (11, I64),
    (12, Struct(STATISTICS)),
    (13, List(&Struct(&[(1, I32), (2, I32), (3, I32)]))),
    (14, I64),
    (15, I32),
    (16, Struct(&[(1, I64), (2, List(&I64)), (3, List(&I64))])),
    (17, Struct(&[(1, Struct(BOUNDING_BOX)), (2, List(&I32))])),
];
const COLUMN_CHUNK: &[(i16, Ty)] = &[
    (1, Binary),
    (2, I64),
    (3, Struct(COLUMN_META_DATA)),
    (4, I64),
    (5, I32),
    (6, I64),
    (7, I32),
    (8, Struct(&[(1, Struct(EMPTY)), (2, Struct(&[(1, List(&Binary)), (2, Binary)]))])),
    (9, Binary),
];
const ROW_GROUP: &[(i16, Ty)] = &[
    (1, List(&Struct(COLUMN_CHUNK))),
    (2, I64),
    (3, I64),
    (4, List(&Struct(&[(1, I32), (2, Bool), (3, Bool)]))),
    (5, I64),
    (6, I64),
    (7, I16),
];
const AES: &[(i16, Ty)] = &[(1, Binary), (2, Binary), (3, Bool)];
const FILE_META_DATA: &[(i16, Ty)] = &[
    (1, I32),
    (2, Schema),
    (3, I64),
    (4, List(&Struct(ROW_GROUP))),
    (5, List(&Struct(KEY_VALUE))),
    (6, Binary),
    (7, List(&Struct(&[(1, Struct(EMPTY))]))),
    (8, Struct(&[(1, Struct(AES)), (2, Struct(AES))])),
    (9, Binary),
];
const PAGE_HEADER: &[(i16, Ty)] = &[
    (1, I32),
    (2, I32),
    (3, I32),
    (4, I32),
    (5, Struct(&[(1, I32), (2, I32), (3, I32), (4, I32), (5, Struct(STATISTICS))])),
    (6, Struct(EMPTY)),
    (7, Struct(&[(1, I32), (2, I32), (3, Bool)])),
    (8, Struct(&[(1, I32), (2, I32), (3, I32), (4, I32), (5, I32), (6, I32), (7, Bool), (8, Struct(STATISTICS))])),
];
/// SchemaElement's num_children.
const NUM_CHILDREN: i16 = 5;
/// The deepest schema read: the crate builds it recursively, and a 1.6 MB
/// file nesting 200,000 groups overflowed its stack.
const MAX_SCHEMA_DEPTH: usize = 128;
/// PageHeader's compressed_page_size: where the next page starts.
const COMPRESSED_PAGE_SIZE: i16 = 3;

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
    match walk.structure(FILE_META_DATA, 0, None) {
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
        match walk.structure(PAGE_HEADER, 0, Some(COMPRESSED_PAGE_SIZE)) {
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

    /// A struct's fields (known ones by `fields`) up to its stop byte, and the
    /// value of its i32 field `wanted`.
    fn structure(&mut self, fields: &[(i16, Ty)], depth: u32, wanted: Option<i16>) -> Option<Option<i64>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (mut last, mut found) = (0i16, None);
        loop {
            let header = self.byte()?;
            let code = header & 0x0f;
            if code == 0 {
                return Some(found);
            }
            let id = match header >> 4 {
                0 => i16::try_from(self.zigzag()?).ok()?,
                delta => last.wrapping_add(i16::from(delta)),
            };
            last = id;
            match fields.iter().find(|(known, _)| *known == id) {
                Some(&(_, ty)) if !ty.is(code) => return None,
                // A boolean field's value is its type.
                Some((_, Ty::Bool)) => {}
                Some(_) if Some(id) == wanted => found = Some(self.zigzag()?),
                Some(&(_, ty)) => self.typed(ty, depth + 1)?,
                None if matches!(code, 1 | 2) => {}
                None => self.value(code, depth + 1)?,
            }
        }
    }

    /// A value of schema type `ty` (not a boolean: those are struct fields only).
    fn typed(&mut self, ty: Ty, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty {
            Ty::Bool => None,
            Ty::Byte => self.skip(1),
            Ty::I16 | Ty::I32 | Ty::I64 => self.varint().map(drop),
            Ty::Double => self.skip(8),
            Ty::Binary => {
                let n = self.varint()?;
                self.skip(n)
            }
            Ty::Schema => self.schema(depth),
            Ty::List(element) => {
                let Some((header, size)) = self.list_header()? else { return Some(()) };
                if !element.is(header & 0x0f) || size > self.remaining() {
                    return None;
                }
                (0..size).try_for_each(|_| self.typed(*element, depth + 1))
            }
            Ty::Struct(fields) => self.structure(fields, depth, None).map(drop),
        }
    }

    /// A compact-protocol list header: its element type in the low bits and
    /// its size, or `None` inside `Some` for an empty list written as one 0.
    fn list_header(&mut self) -> Option<Option<(u8, u64)>> {
        let header = self.byte()?;
        if header == 0 {
            return Some(None);
        }
        let size = match header >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        Some(Some((header, size)))
    }

    /// FileMetaData's schema. Each element's children must fit in the bytes
    /// that remain (the crate reserves room for them: 2^31 children made it
    /// ask for 11 GB), and the tree may nest at most [`MAX_SCHEMA_DEPTH`] deep.
    fn schema(&mut self, depth: u32) -> Option<()> {
        let Some((header, size)) = self.list_header()? else { return Some(()) };
        if header & 0x0f != 12 || size > self.remaining() {
            return None;
        }
        // How many children each open group still expects, innermost last.
        let mut open: Vec<i64> = Vec::new();
        for _ in 0..size {
            let children = self.structure(SCHEMA_ELEMENT, depth + 1, Some(NUM_CHILDREN))?.unwrap_or(0);
            if !(0..=self.remaining() as i64).contains(&children) {
                return None;
            }
            while open.last() == Some(&0) {
                open.pop();
            }
            if let Some(expected) = open.last_mut() {
                *expected -= 1;
            }
            if children > 0 {
                open.push(children);
                if open.len() > MAX_SCHEMA_DEPTH {
                    return None;
                }
            }
        }
        Some(())
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
                // Some writers write an empty list as a single 0.
                let Some((header, size)) = self.list_header()? else { return Some(()) };
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
            12 => self.structure(EMPTY, depth, None).map(drop),
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
        Walk { bytes, pos: 0 }.structure(PAGE_HEADER, 0, Some(COMPRESSED_PAGE_SIZE))
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
    fn a_header_longer_than_the_first_window_is_read_whole() {
        // An unknown field 10 holding 3000 bytes, then field 3 (by its id) = 7, stop, and 7 bytes of page.
        let mut file = vec![0xa8, 0xb8, 0x17];
        file.extend([b'x'; 3000]);
        file.extend([0x05, 0x06, 0x0e, 0x00]);
        let header = file.len() as u64;
        file.extend([0; 7]);
        let bytes = bytes::Bytes::from(file);
        assert_eq!(page_header(&bytes, 0, bytes.len() as u64), Ok(Some(header + 7)));
        let cut = bytes.slice(..2000);
        assert_eq!(page_header(&cut, 0, 2000), Err("malformed page header at byte 0".to_string()));
    }

    #[test]
    fn a_known_field_must_have_its_schema_type() {
        // Field 1 (the page type, an i32) declared as a boolean, then as a double.
        assert_eq!(walk(&[0x11, 0x00]), None);
        assert_eq!(walk(&[0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]), None);
        // Field 5 (the data page header, a struct) declared as an i64.
        assert_eq!(walk(&[0x56, 0x02, 0x00]), None);
        // An unknown field may be of any type but a container of booleans.
        assert_eq!(walk(&[0xa6, 0x02, 0x00]), Some(None));
    }

    /// A FileMetaData holding only a schema of `elements`.
    fn metadata(elements: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = vec![0x29, 0xfc];
        let mut n = elements.len();
        while n >= 0x80 {
            bytes.push(n as u8 | 0x80);
            n >>= 7;
        }
        bytes.push(n as u8);
        elements.iter().for_each(|e| bytes.extend(e));
        bytes.push(0x00);
        bytes
    }

    /// A schema element named "a" with `children` (zigzag-encoded) children.
    fn element(children: &[u8]) -> Vec<u8> {
        [&[0x48, 0x01, b'a', 0x15][..], children, &[0x00]].concat()
    }

    fn footer(bytes: &[u8]) -> Option<Option<i64>> {
        Walk { bytes, pos: 0 }.structure(FILE_META_DATA, 0, None)
    }

    #[test]
    fn a_schema_element_has_no_more_children_than_bytes_left() {
        // 2^30 children, -1 child, and a root with one leaf.
        assert_eq!(footer(&metadata(&[element(&[0x80, 0x80, 0x80, 0x80, 0x08])])), None);
        assert_eq!(footer(&metadata(&[element(&[0x01])])), None);
        assert_eq!(footer(&metadata(&[element(&[0x02]), vec![0x48, 0x01, b'x', 0x00]])), Some(None));
    }

    #[test]
    fn a_schema_nests_at_most_128_deep() {
        let nested = |depth: usize| {
            let mut elements = vec![element(&[0x02]); depth];
            elements.push(vec![0x48, 0x01, b'x', 0x00]);
            metadata(&elements)
        };
        assert_eq!(footer(&nested(128)), Some(None));
        assert_eq!(footer(&nested(129)), None);
    }

    #[test]
    fn limits_nesting() {
        let mut nested = vec![0xac; 100];
        nested.extend(vec![0x00; 101]);
        assert_eq!(walk(&nested), None);
    }
}
