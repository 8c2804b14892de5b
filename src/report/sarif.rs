//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every rule in [`rules::ALL`] (enabled or not), so a
//! result's `ruleIndex` is its position in that list and a viewer can show the rule's help
//! without the binary. Each rule carries:
//!
//! - `shortDescription` (the one-line summary), `fullDescription` (the doc page's intro and
//!   "Why it matters"), `help.text` / `help.markdown` (the doc page), `helpUri` (the page at
//!   the release tag);
//! - `properties.tags` (`security`, …) and `properties.security-severity`, the CVSS-like
//!   score GitHub sorts alerts by: an error rule is `8.0` (GitHub: high), a warning rule
//!   `5.0` (medium), an info rule `3.0` (low).
//!
//! Locations are relative to `%SRCROOT%` (the working directory cosmolint ran in, which is
//! the repository root in CI), percent-encoded, with 1-based lines and columns counted in
//! Unicode code points (`columnKind: unicodeCodePoints`) and an exclusive end. A file outside
//! the working directory gets an absolute `file://` URI instead.
//!
//! `partialFingerprints["cosmolint/v2"]` identifies a finding across commits without line
//! numbers; it is the baseline's fingerprint ([`crate::baseline`]): a hash of the rule, the
//! module (Terraform directory, or Bicep/ARM file, relative to the repository root), the
//! resource, and the attribute and value, plus an occurrence counter for findings of the
//! same identity. Moving a block down the file, to another file of the same Terraform
//! module, or rewording a message keeps its alert; renaming the resource or changing the
//! offending value opens a new one.
//!
//! With `--baseline`, findings the baseline holds are results too, with `baselineState:
//! "unchanged"`, and the others `"new"`: code scanning keeps tracking the accepted ones
//! (leaving them out would close their alerts as fixed), while the exit status and the
//! other formats count only the new ones.
//!
//! Findings silenced by a `cosmolint-ignore` comment or ARM metadata are results with
//! `suppressions: [{kind: "inSource", status: "accepted", justification: <reason>,
//! location: <the comment>}]`, after the other results, so code scanning shows them as
//! dismissed with the reason instead of closing them as fixed.
//!
//! Tool diagnostics (`syntax-error`, `io-error`, …) are not results: they say nothing about
//! the security of the code, and as results they would become code-scanning alerts that have
//! to be dismissed by hand. They are `invocations[0].toolExecutionNotifications`, which
//! GitHub shows on the tool status page, with their location. `executionSuccessful` is
//! `false` exactly when cosmolint exits with status 2 (unreadable input, internal error).

use serde_json::{json, Value};

use super::{encode_uri_path, path, range};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RuleMeta};
use crate::source::{Files, Span};
use crate::Report;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Key of cosmolint's entry in `partialFingerprints`; bump the version when the hash input
/// changes, so old and new fingerprints are never compared.
pub const FINGERPRINT_KEY: &str = "cosmolint/v2";

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let files = &report.files;
    let baseline_state = |state: &str, mut r: Value| {
        if report.baseline.is_some() {
            r["baselineState"] = json!(state);
        }
        r
    };
    let mut results: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_rule())
        .map(|d| baseline_state("new", result(files, d)))
        .collect();
    results.extend(
        report
            .baselined
            .iter()
            .map(|d| baseline_state("unchanged", result(files, d))),
    );
    // Suppressed findings are results too, marked as suppressed in source with the
    // reason (SARIF §3.35): code scanning shows them as dismissed, not as fixed.
    for sup in &report.suppressed {
        let mut r = result(files, &sup.diagnostic);
        r["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": sup.reason,
            "location": location(files, sup.by, None),
        }]);
        results.push(r);
    }
    let notifications: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| !d.is_rule())
        .map(|d| {
            json!({
                "descriptor": { "id": d.code },
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [location(files, d.span, None)],
            })
        })
        .collect();
    let execution_successful = report.exit_code(Severity::Error) != 2;
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cosmolint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules::ALL.iter().map(|r| rule(r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                "executionSuccessful": execution_successful,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity`: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "3.0",
    }
}

fn rule(r: &RuleMeta) -> Value {
    let intro = doc_intro(r.doc);
    let full = match doc_section(r.doc, "Why it matters") {
        Some(why) => format!("{intro}\n\n{why}"),
        None => intro.to_string(),
    };
    let text: Vec<&str> = ["What it does", "Why it matters", "How to fix"]
        .into_iter()
        .filter_map(|h| doc_section(r.doc, h))
        .collect();
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": full },
        "help": {
            "text": format!("{}\n\nDocumentation: {}", text.join("\n\n"), r.url()),
            "markdown": doc_body(r.doc),
        },
        "helpUri": r.url(),
        "defaultConfiguration": {
            "enabled": r.enabled_by_default,
            "level": level(r.severity),
        },
        "properties": {
            "tags": ["security", "azure", "cosmos-db"],
            "precision": "high",
            "problem.severity": match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
            "security-severity": security_severity(r.severity),
        },
    })
}

/// The doc page without its `# CDB001 name` title (a viewer shows the rule's name itself).
fn doc_body(doc: &str) -> &str {
    match doc.strip_prefix('#').and_then(|_| doc.find('\n')) {
        Some(i) => doc[i..].trim(),
        None => doc.trim(),
    }
}

/// The paragraph between the title and the first section.
fn doc_intro(doc: &str) -> &str {
    let body = doc_body(doc);
    body.find("\n## ").map_or(body, |i| &body[..i]).trim()
}

/// The text of section `## {heading}`, up to the next `## ` heading.
fn doc_section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("\n## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn result(files: &Files, d: &Diagnostic) -> Value {
    let rule_index = rules::ALL.iter().position(|r| r.id == d.code);
    let related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(files, l.span, Some(&l.message));
            loc["id"] = json!(i + 1);
            loc
        })
        .collect();
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nHelp: ");
        message.push_str(help);
    }
    let mut out = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [location(files, d.span, d.primary_label.as_deref())],
    });
    if let Some(fp) = &d.fingerprint {
        out["partialFingerprints"] = json!({ FINGERPRINT_KEY: fp });
    }
    if let Some(i) = rule_index {
        out["ruleIndex"] = json!(i);
    }
    if let Some(resource) = &d.resource {
        out["locations"][0]["logicalLocations"] = json!([{ "fullyQualifiedName": resource, "kind": "resource" }]);
    }
    if !related.is_empty() {
        out["relatedLocations"] = Value::Array(related);
    }
    out
}

fn location(files: &Files, span: Span, message: Option<&str>) -> Value {
    let (start, end) = range(files, span);
    let display = path(files, span);
    let outside = display.starts_with('/') || display.starts_with("..") || display.get(1..2) == Some(":");
    let artifact = if outside {
        // Outside the working directory: %SRCROOT% cannot name it.
        let full = files.get(span.file).map(|f| f.path.clone()).unwrap_or_default();
        json!({ "uri": super::file_uri(&full) })
    } else {
        let uri = files
            .get(span.file)
            .map_or_else(|| encode_uri_path(&display), |f| files.uri_path(&f.path));
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    };
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": start.line.max(1),
                "startColumn": start.column.max(1),
                "endLine": end.line.max(start.line).max(1),
                "endColumn": end.column.max(1),
            }
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({ "text": m });
    }
    loc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_doc_has_the_sections_sarif_reads() {
        for r in rules::ALL {
            assert!(!doc_intro(r.doc).is_empty(), "{}: no intro paragraph", r.id);
            assert!(!doc_intro(r.doc).contains("##"), "{}: intro runs into a section", r.id);
            for h in ["What it does", "Why it matters", "How to fix"] {
                let s = doc_section(r.doc, h).unwrap_or_default();
                assert!(!s.is_empty(), "{}: section {h} missing", r.id);
                assert!(!s.contains("\n## "), "{}: section {h} runs into the next", r.id);
            }
            assert!(!doc_body(r.doc).starts_with('#'), "{}: title kept", r.id);
        }
    }
}
