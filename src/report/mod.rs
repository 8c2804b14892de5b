//! Rendering a [`Report`](crate::Report) for people and machines.

pub mod azure_devops;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod lsp_json;
pub mod sarif;

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
/// the file system. Windows paths become `file:///C%3A/dir/file.tf`.
pub fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut p = abs.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    format!("file://{}", encode_uri_path(&p))
}

/// One line saying what was found: `4 findings in 1 file (4 errors, 0 warnings)`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let count = |sev: Severity| report.diagnostics.iter().filter(|d| d.severity == sev).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    format!(
        "{} {} in {} {} ({errors} {}, {warnings} {})",
        s.findings,
        plural(s.findings, "finding", "findings"),
        s.files,
        plural(s.files, "file", "files"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    )
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
    fn file_uris_are_absolute() {
        let uri = file_uri(Path::new("a b/main.tf"));
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with("/a%20b/main.tf"), "{uri}");
    }
}
