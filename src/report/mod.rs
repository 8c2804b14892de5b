//! Rendering a [`Report`](crate::Report) for people and machines.

pub mod azure_devops;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod lsp_json;
pub mod sarif;

use std::borrow::Cow;
use std::path::Path;

use crate::diagnostic::Severity;
use crate::source::{Files, LineCol, Span};
use crate::Report;

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

/// Percent-encodes a path for a URI (RFC 3986): every byte but the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) and the `/` separator becomes `%XX`. A `:` is encoded too, so a
/// relative path such as `a:b/main.tf` cannot be read as a URI with scheme `a`.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file://` URI of a path, made absolute against the working directory without touching
/// the file system, percent-encoded from the name's raw bytes (a name that is not UTF-8
/// still names its own file). Windows paths become `file:///C%3A/dir/file.tf`.
pub fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut p = crate::source::uri_path(&abs, None);
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    format!("file://{p}")
}

/// Characters that must not reach a terminal or a CI log raw: C0 controls but tab (ESC
/// starts terminal sequences such as OSC 52, the clipboard write; CR and LF start lines),
/// DEL, C1 controls (U+0085 NEL and U+009B CSI act as line break and ESC `[`), Unicode line
/// and paragraph separators, and the bidirectional controls that make text display in
/// another order than it is read (CVE-2021-42574, "Trojan Source").
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from the input (a path, a name, a message quoting the source) made safe to print:
/// every [`is_unsafe`] character becomes a visible `\u{1b}` escape, newlines included, so the
/// text stays on its line.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Source text to show in a snippet, with every [`is_unsafe`] character replaced by as many
/// `?` as it has bytes, so byte offsets and lines stay those of the file: a lone CR becomes
/// `\n` (both end a line), `\r\n` and `\n` stay. `None` when the text is safe as it is.
pub fn snippet_text(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let needs = |i: usize, c: char| is_unsafe(c) && !(c == '\n' || (c == '\r' && b.get(i + 1) == Some(&b'\n')));
    if !s.char_indices().any(|(i, c)| needs(i, c)) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == '\r' && b.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        } else if needs(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The last pass over a report that goes to a terminal or CI log: no line starts (after
/// blanks) with `::` (a GitHub Actions workflow command) or `##[` (an Azure Pipelines
/// formatting command), and no line holds `##vso[` (the Azure Pipelines agent runs a logging
/// command found anywhere in a line). Such text can only come from the input (a file name,
/// a resource name, a source line), so a backslash is put in front of it.
pub fn defuse_commands(text: String) -> String {
    let risky = |line: &str| {
        let t = line.trim_start();
        t.starts_with("::") || t.starts_with("##[") || line.contains("##vso[")
    };
    if !text.lines().any(risky) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        if !risky(line) {
            out.push_str(line);
            continue;
        }
        let blanks = line.len() - line.trim_start().len();
        let (lead, rest) = line.split_at(blanks);
        out.push_str(lead);
        if rest.starts_with("::") || rest.starts_with("##[") {
            out.push('\\');
        }
        out.push_str(&rest.replace("##vso[", "##vso\\["));
    }
    out
}

/// One line saying what was found: `4 findings in 1 file (4 errors, 0 warnings)`, then
/// how many were suppressed or in the baseline when some were: `, 2 suppressed, 9 in the
/// baseline`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let count = |sev: Severity| report.diagnostics.iter().filter(|d| d.severity == sev).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let mut line = format!(
        "{} {} in {} {} ({errors} {}, {warnings} {})",
        s.findings,
        plural(s.findings, "finding", "findings"),
        s.files,
        plural(s.files, "file", "files"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    );
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        line.push_str(&format!(", {} in the baseline", s.baselined));
    }
    line
}

/// The lines saying which baseline entries no longer occur, or nothing.
pub fn baseline_lines(report: &Report) -> String {
    let Some(applied) = &report.baseline else {
        return String::new();
    };
    if applied.absent.is_empty() {
        return String::new();
    }
    let n = applied.absent.len();
    let mut out = format!(
        "baseline {}: {n} {} no longer {} (fixed, changed or suppressed); `--write-baseline {}` shrinks it\n",
        printable(&applied.file),
        plural(n, "entry", "entries"),
        plural(n, "occurs", "occur"),
        printable(&applied.file),
    );
    for e in &applied.absent {
        let id = &e.identity;
        out.push_str(&format!(
            "  {} `{}` in {}: {} = {}\n",
            id.rule,
            printable(&id.resource),
            printable(&id.module),
            id.attribute,
            printable(&id.value)
        ));
    }
    out
}

pub(crate) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_encode_everything_but_unreserved_and_slashes() {
        assert_eq!(encode_uri_path("a b/c,d:e%f.tf"), "a%20b/c%2Cd%3Ae%25f.tf");
        assert_eq!(encode_uri_path("dir/é.tf"), "dir/%C3%A9.tf");
        assert_eq!(encode_uri_path("x-y_z~1.tf"), "x-y_z~1.tf");
    }

    #[test]
    fn unsafe_characters_are_escaped_visibly_or_blanked_in_place() {
        assert_eq!(
            printable("a\u{1b}]52;c;eA==\u{7}b\nc\u{202e}d\te"),
            "a\\u{1b}]52;c;eA==\\u{7}b\\u{a}c\\u{202e}d\te"
        );
        assert!(matches!(printable("plain café"), Cow::Borrowed(_)));
        let snippet = snippet_text("x\u{1b}[2J\r\ny\rz\u{9b}\u{2066}").unwrap();
        assert_eq!(snippet, "x?[2J\r\ny\nz?????");
        assert_eq!(snippet.len(), "x\u{1b}[2J\r\ny\rz\u{9b}\u{2066}".len());
        assert_eq!(snippet_text("a\r\nb\tc\n"), None);
    }

    #[test]
    fn no_line_starts_with_a_command() {
        let out = defuse_commands("ok\n  ::error::x\n##[group]y\nsee ##vso[task.complete]\n".into());
        assert_eq!(out, "ok\n  \\::error::x\n\\##[group]y\nsee ##vso\\[task.complete]\n");
        assert_eq!(defuse_commands("a: b::c\n".into()), "a: b::c\n");
    }

    #[test]
    fn file_uris_are_absolute() {
        let uri = file_uri(Path::new("a b/main.tf"));
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/a%20b/main.tf"), "{uri}");
    }
}
