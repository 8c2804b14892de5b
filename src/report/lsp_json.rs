//! `--format lsp-json`: Language Server Protocol diagnostics, for editor plugins that run
//! the CLI instead of a language server.
//!
//! A JSON array of `PublishDiagnosticsParams`, one per file with diagnostics, in path order:
//! `{"uri": "file:///abs/path/main.tf", "diagnostics": [Diagnostic, …]}`. Positions are the
//! protocol's default: 0-based lines and UTF-16 code unit offsets, end exclusive. Severity is
//! 1 error, 2 warning, 3 information; `code` is the rule id, `codeDescription.href` its doc
//! page, `source` is `cosmolint`, and secondary labels are `relatedInformation`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::file_uri;
use crate::diagnostic::Severity;
use crate::source::{Files, Span};
use crate::Report;

/// How the `character` of a position counts: UTF-16 code units (the protocol's default),
/// or bytes when the client negotiated `positionEncoding: "utf-8"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    #[default]
    Utf16,
    Utf8,
}

/// The LSP position of a byte offset of a file.
pub fn position(file: &crate::source::SourceFile, offset: u32, encoding: Encoding) -> Value {
    let (line, character) = match encoding {
        Encoding::Utf16 => {
            let p = file.utf16_pos(offset);
            (p.line, p.character)
        }
        Encoding::Utf8 => {
            let line = file.line_of(offset);
            let start = file.line_start(line + 1).unwrap_or(0);
            let at = file.slice(Span::new(file.id, 0..offset as usize)).len() as u32;
            (line, at.saturating_sub(start))
        }
    };
    json!({ "line": line, "character": character })
}

/// The LSP range of a span.
pub fn range(files: &Files, span: Span, encoding: Encoding) -> Value {
    match files.get(span.file) {
        Some(f) => json!({ "start": position(&f, span.start, encoding), "end": position(&f, span.end, encoding) }),
        None => json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
    }
}

fn uri(files: &Files, span: Span) -> String {
    files.get(span.file).map(|f| file_uri(&f.path)).unwrap_or_default()
}

/// One diagnostic as the protocol has it — what `--format lsp-json` prints and what
/// `cosmolint lsp` publishes.
pub fn diagnostic(files: &Files, d: &crate::diagnostic::Diagnostic, encoding: Encoding) -> Value {
    let mut diag = json!({
        "range": range(files, d.span, encoding),
        "severity": match d.severity {
            Severity::Error => 1,
            Severity::Warning => 2,
            Severity::Info => 3,
        },
        "code": d.code,
        "source": "cosmolint",
        "message": d.message,
    });
    if let Some(url) = &d.url {
        diag["codeDescription"] = json!({ "href": url });
    }
    if !d.labels.is_empty() {
        diag["relatedInformation"] = d
            .labels
            .iter()
            .map(|l| {
                json!({
                    "location": { "uri": uri(files, l.span), "range": range(files, l.span, encoding) },
                    "message": l.message,
                })
            })
            .collect();
    }
    diag["data"] = json!({ "name": d.name, "resource": d.resource, "help": d.help });
    diag
}

pub fn to_value(report: &Report) -> Value {
    let files = &report.files;
    let mut by_uri: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_uri
            .entry(uri(files, d.span))
            .or_default()
            .push(diagnostic(files, d, Encoding::Utf16));
    }
    by_uri
        .into_iter()
        .map(|(uri, diagnostics)| json!({ "uri": uri, "diagnostics": diagnostics }))
        .collect()
}

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
