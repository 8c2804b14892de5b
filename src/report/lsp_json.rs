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

fn lsp_range(files: &Files, span: Span) -> Value {
    let (start, end) = match files.get(span.file) {
        Some(f) => (f.utf16_pos(span.start), f.utf16_pos(span.end)),
        None => return json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
    };
    json!({
        "start": { "line": start.line, "character": start.character },
        "end": { "line": end.line, "character": end.character },
    })
}

fn uri(files: &Files, span: Span) -> String {
    files.get(span.file).map(|f| file_uri(&f.path)).unwrap_or_default()
}

pub fn to_value(report: &Report) -> Value {
    let files = &report.files;
    let mut by_uri: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in &report.diagnostics {
        let mut diag = json!({
            "range": lsp_range(files, d.span),
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
                        "location": { "uri": uri(files, l.span), "range": lsp_range(files, l.span) },
                        "message": l.message,
                    })
                })
                .collect();
        }
        diag["data"] = json!({ "name": d.name, "resource": d.resource, "help": d.help });
        by_uri.entry(uri(files, d.span)).or_default().push(diag);
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
