//! The whole pipeline on one Terraform file — parse, evaluate, model, rules, both
//! renderers — must never panic, hang or blow up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = cosmolint::lint_text("main.tf", text);
        let style = cosmolint::report::human::Style {
            color: false,
            width: 80,
        };
        let _ = cosmolint::report::human::render(&report, style, true);
        let _ = cosmolint::report::json::render(&report, true);
    }
});
