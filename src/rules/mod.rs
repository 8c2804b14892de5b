//! The rules. One file per rule, named for what it finds; each has a static [`RuleMeta`]
//! and a `check(&Inventory, &mut Sink)`. [`ALL`] is the one list every consumer (`rules`,
//! `explain`, SARIF, docs tests) reads.
//!
//! Rules read only [`crate::model`]: no file formats, no paths.

mod account_key_in_use;
mod account_scope_assignment;
mod broad_data_actions;
mod firewall_allows_any;
mod key_access_management_role;
mod key_metadata_writes_enabled;
mod local_auth_enabled;
mod mongo_rbac_disabled;
mod no_customer_managed_key;
mod no_diagnostic_settings;
mod no_private_endpoint;
mod public_network_open;
mod tls_below_1_2;
mod unknown_role_definition;

use crate::diagnostic::{Diagnostic, FindingContext, InstanceRef, Label, Severity};
use crate::model::{Fact, Inventory, Subject};
use crate::source::Span;

/// Where rule documentation is published; links name the release tag so a report never
/// points at newer docs than the binary that made it.
pub const DOCS_BASE: &str = "https://github.com/cosmolint/cosmolint/blob";

#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    /// Default severity (a rule may raise or lower it per finding, e.g. CDB004).
    pub severity: Severity,
    pub enabled_by_default: bool,
    pub since: &'static str,
    /// One line, for `cosmolint rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    /// The rule's doc page, `rules/<ID>.md`.
    pub doc: &'static str,
    pub check: fn(&Inventory, &mut Sink),
}

impl RuleMeta {
    pub fn url(&self) -> String {
        format!("{DOCS_BASE}/v{}/rules/{}.md", env!("CARGO_PKG_VERSION"), self.id)
    }
}

pub static ALL: &[&RuleMeta] = &[
    &local_auth_enabled::META,
    &key_metadata_writes_enabled::META,
    &broad_data_actions::META,
    &account_scope_assignment::META,
    &public_network_open::META,
    &firewall_allows_any::META,
    &tls_below_1_2::META,
    &key_access_management_role::META,
    &mongo_rbac_disabled::META,
    &unknown_role_definition::META,
    &no_customer_managed_key::META,
    &no_diagnostic_settings::META,
    &no_private_endpoint::META,
    &account_key_in_use::META,
];

/// Looks a rule up by id (`CDB003`, any case) or name (`broad-data-actions`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    ALL.iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// Every rule's options: the `[rules.<id or name>]` tables of `.cosmolint.toml`. A rule with
/// options defines a serde `Options` type in its own file (with its defaults), adds one
/// field here, and reads it through [`Sink::options`] — nothing else changes. Unknown keys
/// are errors (`deny_unknown_fields`, here and in each rule's type).
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOptions {
    #[serde(rename = "CDB001", alias = "local-auth-enabled", default)]
    pub local_auth_enabled: local_auth_enabled::Options,
    #[serde(rename = "CDB004", alias = "account-scope-assignment", default)]
    pub account_scope_assignment: account_scope_assignment::Options,
}

/// What a run's configuration says about rules: which run, at which severity, with which
/// options ([`crate::config`] resolves it from defaults, the file and the command line).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Ids of the rules that run, in [`ALL`] order.
    pub enabled: Vec<&'static str>,
    /// Severity overrides by rule id: every finding of the rule gets it.
    pub severity: std::collections::BTreeMap<&'static str, Severity>,
    pub options: RuleOptions,
}

impl Default for Settings {
    /// The rules enabled by default, at their own severities, with default options.
    fn default() -> Settings {
        Settings {
            enabled: ALL.iter().filter(|r| r.enabled_by_default).map(|r| r.id).collect(),
            severity: Default::default(),
            options: RuleOptions::default(),
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, id: &str) -> bool {
        self.enabled.contains(&id)
    }
}

/// Collects findings; gives rules their options.
pub struct Sink<'o> {
    pub diagnostics: Vec<Diagnostic>,
    pub options: &'o RuleOptions,
}

impl Sink<'_> {
    pub fn report(&mut self, meta: &RuleMeta, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        let mut d = Diagnostic::new(meta.id, meta.name, meta.severity, span, message);
        d.url = Some(meta.url());
        self.diagnostics.push(d);
        self.diagnostics.last_mut().expect("just pushed")
    }
}

/// Runs every enabled rule over an inventory, with the settings' options and severities.
pub fn run(inv: &Inventory, settings: &Settings) -> Vec<Diagnostic> {
    let mut sink = Sink {
        diagnostics: Vec::new(),
        options: &settings.options,
    };
    for rule in ALL {
        if settings.is_enabled(rule.id) {
            (rule.check)(inv, &mut sink);
        }
    }
    if !settings.severity.is_empty() {
        for d in &mut sink.diagnostics {
            if let Some(s) = settings.severity.get(d.code) {
                d.severity = *s;
            }
        }
    }
    sink.diagnostics
}

/// Where to point for a fact, and the labels that explain it:
/// a written value → that value; a resolved value → the expression in the resource, with a
/// label at each hop; a default → the resource header, with the default's note.
pub(crate) fn locate<T>(fact: &Fact<T>, header: Span, what: &str) -> (Span, Option<String>, Vec<Label>) {
    match fact {
        Fact::Literal { span, .. } => (*span, Some(format!("{what} here")), Vec::new()),
        Fact::Resolved { span, via, .. } => {
            let labels = via
                .iter()
                .filter(|v| v.span != *span)
                .map(|v| Label {
                    span: v.span,
                    message: v.label.clone(),
                })
                .collect();
            (*span, Some(format!("{what} through this value")), labels)
        }
        Fact::Default { note, .. } => (header, Some(note.clone()), Vec::new()),
        Fact::Unknown { span, .. } => (*span, None, Vec::new()),
        // Rules locate the candidate they report; this is only a fallback.
        Fact::OneOf(c) => match c.first() {
            Some(first) => locate(first, header, what),
            None => (header, None, Vec::new()),
        },
    }
}

/// Says what a finding is about: the resource (as declared), this instance, and — when it
/// is only possibly deployed — the labels on the conditions and loops that say so.
pub(crate) fn about(d: &mut Diagnostic, subject: Subject) {
    d.resource = Some(subject.address.to_string());
    d.instances = vec![InstanceRef {
        unit: String::new(),
        address: subject.instance.to_string(),
    }];
    d.labels.extend(subject.existence.iter().map(|v| Label {
        span: v.span,
        message: v.label.clone(),
    }));
}

/// What a finding about `fact` of the resource at `header` is attached to: the model
/// attribute and its value, the resource, and where the value passed through.
pub(crate) fn context<T>(attribute: &'static str, value: String, fact: &Fact<T>, header: Span) -> Box<FindingContext> {
    Box::new(FindingContext {
        attribute: Some((attribute, value)),
        resource: Some(header),
        via: fact.via().iter().map(|v| v.span).collect(),
        ..FindingContext::default()
    })
}

/// Reports a boolean fact that is insecure when `true`; `attribute` is its model name.
#[allow(clippy::too_many_arguments)]
pub(crate) fn report_fact<'s>(
    sink: &'s mut Sink,
    meta: &RuleMeta,
    attribute: &'static str,
    fact: &Fact<bool>,
    header: Span,
    subject: Subject,
    message: String,
    what: &str,
    help: &str,
) -> Option<&'s mut Diagnostic> {
    // Over a value set: the first insecure candidate, whose labels say when it applies.
    let insecure = fact.find(|v| *v)?;
    let (span, primary, labels) = locate(insecure, header, what);
    let d = sink.report(meta, span, message);
    d.primary_label = primary;
    d.labels = labels;
    d.help = Some(help.to_string());
    about(d, subject);
    d.context = context(attribute, "true".into(), fact, header);
    Some(d)
}

/// Labels for a protection (diagnostic setting, private endpoint) of an account that is
/// deployed only under a condition: at the protection, and at the conditions that decide.
pub(crate) fn conditional_protection(d: &mut Diagnostic, header: Span, existence: &[crate::eval::Via], what: &str) {
    d.labels.push(Label {
        span: header,
        message: format!("this {what} is for the account, but may not be deployed"),
    });
    d.labels.extend(existence.iter().map(|v| Label {
        span: v.span,
        message: v.label.clone(),
    }));
}
