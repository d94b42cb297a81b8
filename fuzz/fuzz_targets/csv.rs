//! `read_csv_from` on arbitrary bytes, with the default options and with
//! decimal commas in a `;`-separated file.
#![no_main]

use ironlearn_data::{read_csv_from, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_csv_from(data, "fuzz.csv", &ReadOptions::default());
    let comma = ReadOptions { delimiter: Some(b';'), decimal: b',', ..ReadOptions::default() };
    let _ = read_csv_from(data, "fuzz.csv", &comma);
});
