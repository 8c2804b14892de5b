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
    /// The resource the finding is about (`azurerm_cosmosdb_account.main`). Rules set the
    /// address as declared; once merged ([`Diagnostic::finish`]) it is the first instance's.
    pub resource: Option<String>,
    /// The instances the finding applies to: one per resource instance, module instance and
    /// unit that gave this same finding at this same place (see [`Diagnostic::absorb`]).
    pub instances: Vec<InstanceRef>,
    /// What else the finding is attached to (rule findings; empty for tool diagnostics).
    /// Boxed: most of a run's diagnostics are moved and sorted more than read.
    pub context: Box<FindingContext>,
    /// Identifies a rule finding across edits (no line numbers): baselines and SARIF
    /// `partialFingerprints` ([`crate::baseline`]). Set by `lint`.
    pub fingerprint: Option<String>,
}

/// What a rule finding is about besides its span. Suppressions match it against the items
/// they cover; fingerprints (baseline, SARIF) are built from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingContext {
    /// The attribute as the model names it, whatever the dialect (`local_auth_enabled`,
    /// `data_actions`, `scope`), and the offending value, normalised (`true`,
    /// `microsoft.documentdb/databaseaccounts/*`, `account`).
    pub attribute: Option<(&'static str, String)>,
    /// The header of the resource the finding is about.
    pub resource: Option<Span>,
    /// Every place the offending value passed through on its way: a module argument, a
    /// variable's default, a tfvars entry, a parameter file.
    pub via: Vec<Span>,
    /// The module calls the resource was evaluated through, outermost first (each call's
    /// header). Filled by the units.
    pub calls: Vec<Span>,
    /// The resource's address as declared (what `resource` is before
    /// [`Diagnostic::finish`] names the first instance): fingerprints use it, so they do not
    /// depend on which instances a merged finding has or in which order they came.
    pub declared: Option<String>,
    /// Computed only to judge suppressions, not reported: a finding of a unit linted for a
    /// named file that does not touch it. `lint` drops it after applying suppressions.
    pub hidden: bool,
}

impl FindingContext {
    /// The spans a suppression may cover to apply to the finding at `primary`.
    pub fn anchors(&self, primary: Span) -> impl Iterator<Item = Span> + '_ {
        std::iter::once(primary)
            .chain(self.resource)
            .chain(self.via.iter().copied())
            .chain(self.calls.iter().copied())
    }
}

/// One instance a finding applies to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceRef {
    /// The unit that evaluated it: a Terraform root directory, a Bicep file (with its
    /// parameter file), an ARM template.
    pub unit: String,
    /// Its full address in that unit: `module.cosmos["eu"].azurerm_cosmosdb_account.this["a"]`.
    pub address: String,
}

/// Instances named in a message at most; the rest are counted.
const SHOWN_INSTANCES: usize = 5;
/// Labels a merged finding keeps at most.
const MAX_LABELS: usize = 24;

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
            instances: Vec::new(),
            context: Box::default(),
            fingerprint: None,
        }
    }

    /// Takes in a diagnostic with the same place, rule and message from another instance
    /// (a loop's element, a module instance, another root calling the same module): its
    /// instances and labels are added, nothing is lost.
    pub fn absorb(&mut self, other: Diagnostic) {
        self.instances.extend(other.instances);
        for l in other.labels {
            if self.labels.len() < MAX_LABELS && !self.labels.contains(&l) {
                self.labels.push(l);
            }
        }
    }

    /// Names the instances in the message once every instance has been absorbed: nothing
    /// is added for a resource declared once in the only unit; otherwise
    /// "(instance `…`)" or "(3 instances: `…`, `…`, `…`)", each with its unit when they come
    /// from several. `resource` becomes the first instance's address.
    pub fn finish(&mut self) {
        if self.instances.is_empty() {
            return;
        }
        if self.context.declared.is_none() {
            self.context.declared = self.resource.clone();
        }
        self.instances.sort();
        self.instances.dedup();
        let several_units = self.instances.iter().any(|i| i.unit != self.instances[0].unit);
        let only = self.instances.len() == 1 && self.resource.as_deref() == Some(self.instances[0].address.as_str());
        if !only || several_units {
            let shown: Vec<String> = self
                .instances
                .iter()
                .take(SHOWN_INSTANCES)
                .map(|i| {
                    if several_units && !i.unit.is_empty() {
                        format!("`{}` in {}", i.address, i.unit)
                    } else {
                        format!("`{}`", i.address)
                    }
                })
                .collect();
            let n = self.instances.len();
            let more = n.saturating_sub(SHOWN_INSTANCES);
            let list = if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            };
            if n == 1 {
                self.message.push_str(&format!(" (instance {list})"));
            } else {
                self.message.push_str(&format!(" ({n} instances: {list})"));
            }
        }
        self.resource = Some(self.instances[0].address.clone());
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
    /// A `cosmolint-ignore` without a reason, naming no or an unknown rule, or a
    /// `cosmolint-ignore-file` after code.
    InvalidSuppression,
    /// A suppression that suppressed nothing.
    UnusedSuppression,
}

impl ToolCode {
    pub fn meta(self) -> (&'static str, Severity) {
        match self {
            ToolCode::SyntaxError => ("syntax-error", Severity::Error),
            ToolCode::EncodingError => ("encoding-error", Severity::Error),
            ToolCode::IoError => ("io-error", Severity::Error),
            ToolCode::InternalError => ("internal-error", Severity::Error),
            ToolCode::UnsupportedFile => ("unsupported-file", Severity::Warning),
            ToolCode::InvalidSuppression => ("invalid-suppression", Severity::Error),
            ToolCode::UnusedSuppression => ("unused-suppression", Severity::Warning),
        }
    }
}
