//! `ironlearn_pipeline::load_bytes` (verify the file, then rebuild the model
//! it holds) on arbitrary bytes.
//!
//! A mutated file almost never passes the checksum, which would leave the
//! rebuilding unfuzzed; so when the bytes are a safetensors file with an
//! ironlearn header, the header and arrays are also re-signed and loaded, and
//! every model kind's `from_parts` sees the mutated state and arrays.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ironlearn_pipeline::load_bytes(data);
    if let Some(file) = common::resigned(data) {
        if let Ok(bytes) = file.to_bytes() {
            let _ = ironlearn_pipeline::load_bytes(&bytes);
        }
    }
});
