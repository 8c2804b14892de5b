//! Terraform parse + lowering to IR must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cosmolint::parse::terraform::parse(cosmolint::source::FileId(0), text);
        let _ = cosmolint::parse::terraform::parse_tfvars(cosmolint::source::FileId(0), text);
    }
});
