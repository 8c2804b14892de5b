//! `--format github`: GitHub Actions workflow commands, one annotation per diagnostic, and a
//! Markdown job summary.
//!
//! ```text
//! ::error file=main.tf,line=19,col=35,endLine=19,endColumn=57,title=CDB001 local-auth-enabled::message
//! ```
//!
//! error → `::error`, warning → `::warning`, info → `::notice`. Escaping follows the
//! Actions toolkit (`@actions/core`, `command.ts`: `escapeData` / `escapeProperty`): in the
//! message `%` → `%25`, CR → `%0D`, LF → `%0A`; in property values additionally `:` → `%3A`
//! and `,` → `%2C`. So neither a file name such as `a,b:c/x.tf` nor a resource named
//! `x::set-env` nor a message with a newline can end the command early or start another one.
//!
//! GitHub shows only the first 10 error and 10 warning annotations of a step (50 per job);
//! the job summary lists every finding.

use super::{path, printable, range, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::Report;

/// Escapes a command's message (`escapeData` in `@actions/core`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Text from the input for a command: terminal controls (ESC, BEL, bidi…) as visible
/// escapes — the runner shows them raw in the log otherwise — and line breaks too, so only
/// cosmolint's own `\n` (before `help:`) becomes a `%0A` line of the annotation.
fn input(s: &str) -> String {
    printable(s).into_owned()
}

/// Escapes a command property value (`escapeProperty` in `@actions/core`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn title(d: &Diagnostic) -> String {
    if d.is_rule() {
        format!("{} {}", d.code, d.name)
    } else {
        d.code.to_string()
    }
}

/// The annotations, then one plain summary line.
pub fn render(report: &Report) -> String {
    let files = &report.files;
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, end) = range(files, d.span);
        let mut props = Vec::new();
        // The path exactly (the runner decodes the documented escapes back), so the
        // annotation lands on the file.
        let file = path(files, d.span);
        if !file.is_empty() {
            props.push(format!("file={}", escape_property(&file)));
        }
        props.push(format!("line={}", start.line));
        props.push(format!("col={}", start.column));
        props.push(format!("endLine={}", end.line));
        props.push(format!("endColumn={}", end.column));
        props.push(format!("title={}", escape_property(&title(d))));
        let mut message = input(&d.message);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&input(help));
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            command(d.severity),
            props.join(","),
            escape_data(&message)
        ));
    }
    out.push_str(&format!("cosmolint: {}\n", summary_line(report)));
    out
}

/// Text for a cell of the Markdown job summary. Messages name things from the input
/// (resource names, paths) and mark code with backticks, and GitHub renders the summary as
/// Markdown with HTML: a backtick in a name would close the code span and let the pull
/// request choose a link or an image. So every ASCII punctuation character becomes a numeric
/// character reference (CommonMark never reads those as syntax, and GFM splits cells only at
/// a literal `|`), backtick-quoted parts become `<code>` elements, and unsafe characters are
/// visible escapes.
pub fn escape_cell(s: &str) -> String {
    let text = printable(s);
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        // Odd parts are between backticks, unless the last backtick is unmatched.
        let code = i % 2 == 1 && i + 1 < parts.len();
        if i % 2 == 1 && !code {
            out.push_str("&#96;");
        }
        if code {
            out.push_str("<code>");
        }
        for c in part.chars() {
            if c.is_ascii_punctuation() {
                out.push_str(&format!("&#{};", c as u32));
            } else {
                out.push(c);
            }
        }
        if code {
            out.push_str("</code>");
        }
    }
    out
}

/// The job summary (`$GITHUB_STEP_SUMMARY`): a heading, the counts and a table of findings.
pub fn step_summary(report: &Report) -> String {
    let files = &report.files;
    let mut out = format!("## cosmolint\n\n{}\n", summary_line(report));
    if report.diagnostics.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n");
    for d in &report.diagnostics {
        let (start, _) = range(files, d.span);
        let rule = match &d.url {
            Some(url) => format!("[{}]({})", escape_cell(&title(d)), url),
            None => escape_cell(&title(d)),
        };
        out.push_str(&format!(
            "| {} | {} | {}:{} | {} |\n",
            d.severity,
            rule,
            escape_cell(&path(files, d.span)),
            start.line,
            escape_cell(&d.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(escape_data("x::set-env name=a::b"), "x::set-env name=a::b");
        // Already-escaped looking text round-trips instead of being decoded by the runner.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(escape_property("a,b:c/%x.tf"), "a%2Cb%3Ac/%25x.tf");
        assert_eq!(escape_property("x::set-env"), "x%3A%3Aset-env");
        assert_eq!(escape_property("l1\nl2"), "l1%0Al2");
    }

    #[test]
    fn cells_cannot_break_the_table_or_make_links() {
        assert_eq!(
            escape_cell("a|b\nc <x>"),
            "a&#124;b\\u{a}c &#60;x&#62;".replace("\\u{a}", "&#92;u&#123;a&#125;")
        );
        assert_eq!(
            escape_cell("`x`](https://e.vil)![i](https://e.vil/p.png)` y"),
            "<code>x</code>&#93;&#40;https&#58;&#47;&#47;e&#46;vil&#41;&#33;&#91;i&#93;&#40;https&#58;&#47;&#47;e&#46;vil&#47;p&#46;png&#41;&#96; y"
        );
        assert_eq!(escape_cell("`account` is open"), "<code>account</code> is open");
    }
}
