//! ARM JSON parse + lowering (templates and parameter files) must never panic.
#![no_main]

use cosmolint::parse::arm;
use cosmolint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = arm::sniff(text);
        let _ = arm::parse(FileId(0), text);
        let _ = arm::parse_parameters(FileId(0), text);
    }
});
