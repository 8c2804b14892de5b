//! CDB004 account-scope-assignment — doc: rules/CDB004.md

use super::{context, locate, RuleMeta, Sink};
use crate::diagnostic::{Label, Severity};
use crate::model::cosmos::is_write_action;
use crate::model::{AssignmentScope, Inventory, RoleRef};

pub static META: RuleMeta = RuleMeta {
    id: "CDB004",
    name: "account-scope-assignment",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB SQL role assignment applies to the whole account",
    doc: include_str!("../../rules/CDB004.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for a in &inv.sql_role_assignments {
        // Over a value set of scopes: the first that is the whole account.
        let Some(scope) = a.scope.find(|s| *s == AssignmentScope::Account) else {
            continue;
        };
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
                let def = &inv.sql_role_definitions[*i];
                let writes = def
                    .data_actions
                    .iter()
                    .any(|f| f.find(|v| is_write_action(v)).is_some());
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
