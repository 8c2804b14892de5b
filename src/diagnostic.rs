//! What cosmolint reports: rule findings and tool diagnostics, located by [`Span`]s.

use std::fmt;

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!("unknown severity `{s}` (expected error, warning or info)")),
        }
    }
}

/// A secondary location: where a value came from, the role an assignment grants…
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// `CDB001`, or a tool diagnostic code such as `syntax-error`.
    pub code: &'static str,
    /// `local-auth-enabled`; equals `code` for tool diagnostics.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Text under the primary span.
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub url: Option<String>,
    /// The resource the finding is about (`azurerm_cosmosdb_account.main`).
    pub resource: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            message: message.into(),
            span,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            url: None,
            resource: None,
        }
    }

    /// A diagnostic of the tool itself (not a rule): `syntax-error`, `encoding-error`, …
    pub fn tool(code: ToolCode, span: Span, message: impl Into<String>) -> Self {
        let (code, severity) = code.meta();
        Diagnostic::new(code, code, severity, span, message)
    }

    /// A parser's `syntax-error`.
    pub fn syntax(problem: &crate::ir::SyntaxProblem) -> Self {
        Diagnostic::tool(ToolCode::SyntaxError, problem.span, problem.message.clone())
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_primary_label(mut self, message: impl Into<String>) -> Self {
        self.primary_label = Some(message.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_rule(&self) -> bool {
        self.code.starts_with("CDB")
    }

    /// A note about what was linted (a named file cosmolint does not read, or that belongs
    /// to no unit), not about the input's security: it never sets the exit status.
    pub fn is_notice(&self) -> bool {
        self.code == ToolCode::UnsupportedFile.meta().0
    }
}

/// Diagnostics of the tool rather than of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolCode {
    /// The file could not be parsed.
    SyntaxError,
    /// The file is not UTF-8.
    EncodingError,
    /// The file could not be read (exit code 2).
    IoError,
    /// cosmolint itself failed on this file (exit code 2).
    InternalError,
    /// A named file has a format cosmolint does not read, or belongs to no unit (a
    /// notice: it does not set the exit status).
    UnsupportedFile,
}

impl ToolCode {
    pub fn meta(self) -> (&'static str, Severity) {
        match self {
            ToolCode::SyntaxError => ("syntax-error", Severity::Error),
            ToolCode::EncodingError => ("encoding-error", Severity::Error),
            ToolCode::IoError => ("io-error", Severity::Error),
            ToolCode::InternalError => ("internal-error", Severity::Error),
            ToolCode::UnsupportedFile => ("unsupported-file", Severity::Warning),
        }
    }
}
