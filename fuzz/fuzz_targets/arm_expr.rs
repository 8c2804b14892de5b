//! The ARM template expression parser (`[concat(parameters('a'), '/x')]`) must never
//! panic, whatever is inside the brackets.
#![no_main]

use cosmolint::parse::arm_expr;
use cosmolint::source::{FileId, Span};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let whole = Span::new(FileId(0), 0..text.len() + 4);
        let _ = arm_expr::lower_string(&format!("[{text}]"), whole, Some(1));
        let _ = arm_expr::parse(FileId(0), text, Some(2), whole);
    }
});
