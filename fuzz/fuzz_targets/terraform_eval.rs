//! Every declaration of one terraform file evaluated — normally and in strict (existence)
//! mode, then the model with every instance — must end within the work budget, never panic,
//! hang or grow without bound (issue #13: the evaluator's own fuzz target).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Small, so that inputs reach the end of their budget and its Unknowns often.
const BUDGET: u64 = 200_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let work = cosmolint::evaluate_text("main.tf", text, BUDGET);
        assert!(work.total <= BUDGET, "{work:?}");
    }
});
