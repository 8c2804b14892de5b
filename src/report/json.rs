//! `--format json`: the stable machine-readable report (documented in README.md).

use serde::Serialize;

use super::{path, range};
use crate::diagnostic::Diagnostic;
use crate::source::{Files, LineCol, Span};
use crate::{Report, Summary};

#[derive(Serialize)]
struct Out<'a> {
    tool: Tool,
    diagnostics: Vec<Diag<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    unresolved: Option<Vec<Unresolved>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Vec<Skipped>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<SuppressedOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineOut<'a>>,
}

/// With `--baseline`: the file, and its entries that no longer occur.
#[derive(Serialize)]
struct BaselineOut<'a> {
    file: &'a str,
    absent: &'a [crate::baseline::Entry],
}

/// A suppressed finding: the diagnostic's fields and the suppression.
#[derive(Serialize)]
struct SuppressedOut<'a> {
    #[serde(flatten)]
    diagnostic: Diag<'a>,
    suppression: SuppressionOut<'a>,
}

#[derive(Serialize)]
struct SuppressionOut<'a> {
    /// `inSource`: a comment or metadata in the linted files (SARIF's kind).
    kind: &'static str,
    reason: &'a str,
    file: String,
    range: Range,
}

#[derive(Serialize)]
struct Skipped {
    file: String,
    range: Range,
    resource: String,
    why: String,
}

#[derive(Serialize)]
struct InstanceOut<'a> {
    address: &'a str,
    unit: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Range {
    start: LineCol,
    end: LineCol,
}

#[derive(Serialize)]
struct Diag<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    range: Range,
    resource: Option<&'a str>,
    labels: Vec<LabelOut>,
    help: Option<&'a str>,
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    instances: Vec<InstanceOut<'a>>,
    /// Rule findings: the baseline/SARIF fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
}

#[derive(Serialize)]
struct LabelOut {
    file: String,
    range: Range,
    message: String,
}

#[derive(Serialize)]
struct Unresolved {
    file: String,
    range: Range,
    what: String,
    why: String,
}

fn range_of(files: &Files, span: Span) -> Range {
    let (start, end) = range(files, span);
    Range { start, end }
}

fn diag<'a>(files: &Files, d: &'a Diagnostic) -> Diag<'a> {
    let mut labels = Vec::new();
    if let Some(p) = &d.primary_label {
        labels.push(LabelOut {
            file: path(files, d.span),
            range: range_of(files, d.span),
            message: p.clone(),
        });
    }
    labels.extend(d.labels.iter().map(|l| LabelOut {
        file: path(files, l.span),
        range: range_of(files, l.span),
        message: l.message.clone(),
    }));
    Diag {
        code: d.code,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        file: path(files, d.span),
        range: range_of(files, d.span),
        resource: d.resource.as_deref(),
        labels,
        help: d.help.as_deref(),
        url: d.url.as_deref(),
        instances: d
            .instances
            .iter()
            .map(|i| InstanceOut {
                address: &i.address,
                unit: &i.unit,
            })
            .collect(),
        fingerprint: d.fingerprint.as_deref(),
    }
}

pub fn render(report: &Report, show_unresolved: bool) -> String {
    render_with(report, show_unresolved, false)
}

/// [`render`], with a top-level `suppressed` array when `show_suppressed`.
pub fn render_with(report: &Report, show_unresolved: bool, show_suppressed: bool) -> String {
    let files = &report.files;
    let diagnostics = report.diagnostics.iter().map(|d| diag(files, d)).collect();
    let suppressed = show_suppressed.then(|| {
        report
            .suppressed
            .iter()
            .map(|s| SuppressedOut {
                diagnostic: diag(files, &s.diagnostic),
                suppression: SuppressionOut {
                    kind: "inSource",
                    reason: &s.reason,
                    file: path(files, s.by),
                    range: range_of(files, s.by),
                },
            })
            .collect()
    });
    let unresolved = show_unresolved.then(|| {
        report
            .unresolved
            .iter()
            .map(|u| Unresolved {
                file: path(files, u.span),
                range: range_of(files, u.span),
                what: u.what.clone(),
                why: u.why.clone(),
            })
            .collect()
    });
    let skipped = show_unresolved.then(|| {
        report
            .skipped
            .iter()
            .map(|k| Skipped {
                file: path(files, k.span),
                range: range_of(files, k.span),
                resource: k.resource.clone(),
                why: k.why.clone(),
            })
            .collect()
    });
    let out = Out {
        tool: Tool {
            name: "cosmolint",
            version: env!("CARGO_PKG_VERSION"),
        },
        diagnostics,
        summary: report.summary,
        unresolved,
        skipped,
        suppressed,
        baseline: report.baseline.as_ref().map(|b| BaselineOut {
            file: &b.file,
            absent: &b.absent,
        }),
    };
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
