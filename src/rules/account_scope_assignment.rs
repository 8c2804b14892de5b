//! CDB004 account-scope-assignment — doc: rules/CDB004.md

use super::{context, locate, RuleMeta, Sink};
use crate::diagnostic::{Label, Severity};
use crate::model::{AssignmentScope, Inventory, RoleAssignment, RoleRef};

pub static META: RuleMeta = RuleMeta {
    id: "CDB004",
    name: "account-scope-assignment",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB data-plane role assignment applies to the whole account",
    doc: include_str!("../../rules/CDB004.md"),
    check,
};

/// `[rules.CDB004]` in `.cosmolint.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Role definitions (by GUID) that may be assigned at account scope, e.g. the built-in
    /// Data Reader `00000000-0000-0000-0000-000000000001` for an account-wide reporting job.
    #[serde(default)]
    pub allow_account_scope_for: Vec<RoleId>,
}

/// A role definition GUID, stored in lower case.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct RoleId(String);

impl<'de> serde::Deserialize<'de> for RoleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RoleId, D::Error> {
        struct Guid;
        impl serde::de::Visitor<'_> for Guid {
            type Value = RoleId;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a role definition GUID")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RoleId, E> {
                let is_guid = s.len() == 36
                    && s.char_indices().all(|(i, c)| match i {
                        8 | 13 | 18 | 23 => c == '-',
                        _ => c.is_ascii_hexdigit(),
                    });
                if !is_guid {
                    return Err(E::custom(format!(
                        "`{s}` is not a role definition GUID (like 00000000-0000-0000-0000-000000000001)"
                    )));
                }
                Ok(RoleId(s.to_ascii_lowercase()))
            }
        }
        d.deserialize_str(Guid)
    }
}

/// The GUID of the role an assignment grants, when known (built-in ids are per API).
fn role_guid<'a>(inv: &'a Inventory, a: &'a RoleAssignment) -> Option<&'a str> {
    match &a.role {
        RoleRef::BuiltInReader => Some(a.api.info().reader),
        RoleRef::BuiltInContributor => Some(a.api.info().contributor),
        RoleRef::Custom(i) => inv.role_definitions[*i].role_id.as_deref(),
        // A full id ends with the GUID.
        RoleRef::UnknownId(id) => id.rsplit('/').next(),
        RoleRef::Unknown => None,
    }
}

fn check(inv: &Inventory, sink: &mut Sink) {
    let allowed = &sink.options.account_scope_assignment.allow_account_scope_for;
    for a in &inv.role_assignments {
        // Over a value set of scopes: the first that is the whole account.
        let Some(scope) = a.scope.find(|s| *s == AssignmentScope::Account) else {
            continue;
        };
        if role_guid(inv, a).is_some_and(|g| allowed.iter().any(|r| r.0.eq_ignore_ascii_case(g))) {
            continue;
        }
        // What the role is, whether it can write, and where it is defined.
        let (role, writes, role_label, reads_only) = match &a.role {
            RoleRef::BuiltInContributor => (
                "Cosmos DB Built-in Data Contributor".to_string(),
                true,
                Some(Label {
                    span: a.role_span,
                    message: "built-in Data Contributor: reads and writes all data".into(),
                }),
                false,
            ),
            RoleRef::BuiltInReader => ("Cosmos DB Built-in Data Reader".to_string(), false, None, true),
            RoleRef::Custom(i) => {
                let def = &inv.role_definitions[*i];
                let writes = def
                    .data_actions
                    .iter()
                    .any(|f| f.find(|v| def.api.is_write_action(v)).is_some());
                let label = Label {
                    span: def.header,
                    message: if writes {
                        "this role definition can write data".into()
                    } else {
                        "role definition assigned here".into()
                    },
                };
                let known = def
                    .data_actions
                    .iter()
                    .all(|f| f.candidates().iter().all(|c| c.value().is_some()));
                (format!("`{}`", def.address), writes, Some(label), known && !writes)
            }
            RoleRef::UnknownId(id) => (format!("role `{id}`"), false, None, false),
            RoleRef::Unknown => ("a role that could not be resolved".to_string(), false, None, false),
        };
        let (span, _, mut labels) = locate(scope, a.header, "");
        labels.extend(role_label);
        let severity = if writes { Severity::Error } else { Severity::Warning };
        let what = match (writes, reads_only) {
            (true, _) => "read and write",
            (false, true) => "read",
            (false, false) => "access",
        };
        let d = sink.report(
            &META,
            span,
            format!(
                "`{}` grants {role} on the whole account: the principal can {what} every database and container",
                a.address
            ),
        );
        d.severity = severity;
        d.primary_label = Some("scope is the whole account".into());
        d.labels = labels;
        d.help = Some(a.hints.database_scope.to_string());
        super::about(d, a.subject());
        d.context = context("scope", "account".into(), &a.scope, a.header);
    }
}
