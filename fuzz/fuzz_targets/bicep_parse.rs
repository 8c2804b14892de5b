//! Bicep lexing, statement splitting, parsing and lowering (templates and .bicepparam
//! files) must never panic.
#![no_main]

use cosmolint::parse::bicep;
use cosmolint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = bicep::parse(FileId(0), text);
        let _ = bicep::parse_params(FileId(0), text);
    }
});
