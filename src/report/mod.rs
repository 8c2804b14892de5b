//! Rendering a [`Report`](crate::Report) for people and machines.

pub mod human;
pub mod json;

use crate::source::{Files, LineCol, Span};

/// 1-based start and end (exclusive) of a span, in characters.
pub fn range(files: &Files, span: Span) -> (LineCol, LineCol) {
    match files.get(span.file) {
        Some(f) => (f.line_col(span.start), f.line_col(span.end)),
        None => (LineCol { line: 1, column: 1 }, LineCol { line: 1, column: 1 }),
    }
}

pub fn path(files: &Files, span: Span) -> String {
    files.get(span.file).map(|f| f.display.clone()).unwrap_or_default()
}
