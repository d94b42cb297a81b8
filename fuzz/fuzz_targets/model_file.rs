//! `ModelFile::from_bytes` on arbitrary bytes: an error, never a panic, a
//! hang or an allocation beyond the input's size. A file it accepts saves and
//! loads again.
#![no_main]

use ironlearn_core::ModelFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = ModelFile::from_bytes(data) {
        let bytes = file.to_bytes().expect("a model file that loads saves");
        ModelFile::from_bytes(&bytes).expect("a saved model file loads");
    }
});
