//! `read_parquet_bytes` on arbitrary bytes.
#![no_main]

use ironlearn_data::{read_parquet_bytes, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_parquet_bytes(data, &ReadOptions::default());
});
