//! `--format junit`: a JUnit XML report, for CI systems that show test results (Azure
//! Pipelines `PublishTestResults`, GitLab `artifacts:reports:junit`, Jenkins).
//!
//! One `<testsuite name="cosmolint">`. Each Terraform file, Bicep file and ARM template
//! that was read gets one `<testcase>` per rule that ran (`classname` = the file, `name` =
//! `CDB001 local-auth-enabled`); a rule's findings in that file make it fail: the
//! `<failure>` message is the first finding's `file:line:column: message`, its text lists
//! every finding. Files read as context (siblings of a named file, local modules) count as
//! checked too. A tool diagnostic (a syntax error, an unreadable file) is an `<error>`
//! testcase named by its code, since the file's rules could not be checked; a notice (a
//! named file that is not linted) is no test case.

use std::collections::BTreeMap;

use super::{path, range};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::walk::FileKind;
use crate::Report;

/// Escapes text for XML content and attribute values. Characters XML 1.0 cannot carry at all
/// (most C0 controls) are dropped rather than producing an unreadable file.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

struct Case<'a> {
    name: String,
    failures: Vec<&'a Diagnostic>,
    error: bool,
}

pub fn render(report: &Report) -> String {
    let files = &report.files;
    // The rules that ran: a rule the configuration did not select passed nothing.
    let enabled: Vec<&rules::RuleMeta> = rules::ALL
        .iter()
        .copied()
        .filter(|r| report.rules.contains(&r.id))
        .collect();

    // file → its test cases, files in path order.
    let mut by_file: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    let rule_cases = || {
        enabled
            .iter()
            .map(|r| Case {
                name: format!("{} {}", r.id, r.name),
                failures: Vec::new(),
                error: false,
            })
            .collect::<Vec<_>>()
    };
    for f in files.all() {
        let linted = match FileKind::of(&f.path) {
            Some(FileKind::Terraform | FileKind::Bicep) => true,
            // Parameter files and JSON read by `loadJsonContent()` are inputs, not templates.
            Some(FileKind::Json) => crate::parse::arm::sniff(&f.text) == Some(crate::parse::arm::JsonKind::Template),
            _ => false,
        };
        if linted {
            by_file.entry(f.display.clone()).or_insert_with(rule_cases);
        }
    }
    for d in report.diagnostics.iter().filter(|d| !d.is_notice()) {
        let cases =
            by_file
                .entry(path(files, d.span))
                .or_insert_with(|| if d.is_rule() { rule_cases() } else { Vec::new() });
        let name = if d.is_rule() {
            format!("{} {}", d.code, d.name)
        } else {
            d.code.to_string()
        };
        match cases.iter_mut().find(|c| c.name == name) {
            Some(c) => c.failures.push(d),
            None => cases.push(Case {
                name,
                failures: vec![d],
                error: !d.is_rule(),
            }),
        }
    }

    let tests: usize = by_file.values().map(Vec::len).sum();
    let count = |error: bool| {
        by_file
            .values()
            .flatten()
            .filter(|c| !c.failures.is_empty() && c.error == error)
            .count()
    };
    let (failures, errors) = (count(false), count(true));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"cosmolint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"cosmolint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">\n"
    ));
    for (file, cases) in &by_file {
        for c in cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                escape(file),
                escape(&c.name),
                escape(file)
            );
            let Some(first) = c.failures.first() else {
                out.push_str(&open);
                out.push_str("/>\n");
                continue;
            };
            out.push_str(&open);
            out.push_str(">\n");
            let text: Vec<String> = c
                .failures
                .iter()
                .map(|d| {
                    let (start, _) = range(files, d.span);
                    let mut line = format!("{file}:{}:{}: {}: {}", start.line, start.column, d.severity, d.message);
                    if let Some(help) = &d.help {
                        line.push_str(&format!("\n  help: {help}"));
                    }
                    line
                })
                .collect();
            let (start, _) = range(files, first.span);
            let at = format!("{file}:{}:{}: {}", start.line, start.column, first.message);
            let message = if c.failures.len() == 1 {
                at
            } else {
                format!("{} findings; first at {at}", c.failures.len())
            };
            let tag = if c.error { "error" } else { "failure" };
            out.push_str(&format!(
                "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n",
                escape(&message),
                escape(first.code),
                escape(&text.join("\n"))
            ));
            out.push_str("    </testcase>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_invalid_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b\nc"), "ab&#10;c");
    }
}
