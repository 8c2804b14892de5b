//! CDB008 key-access-management-role — doc: rules/CDB008.md

use super::{locate, RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Label, Severity};
use crate::model::rbac::{custom_key_access, KeyAccess, MgmtRole, MgmtScope};
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB008",
    name: "key-access-management-role",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Azure role assignment lets a principal read the keys of a Cosmos DB account that accepts them",
    doc: include_str!("../../rules/CDB008.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for a in &inv.mgmt_role_assignments {
        // The role's name, how far it reaches into keys, and why.
        let (role, access, through, role_label) = match &a.role {
            MgmtRole::BuiltIn(r) => (format!("`{}`", r.name), r.keys, r.through.to_string(), None),
            MgmtRole::Custom(d) => {
                let def = &inv.mgmt_role_definitions[*d];
                let Some((access, action)) = custom_key_access(&def.actions, &def.not_actions) else {
                    continue;
                };
                let value = action.value().cloned().unwrap_or_default();
                let (span, _, _) = locate(action, def.header, "");
                let name = def.role_name.as_deref().unwrap_or(&def.address);
                (
                    format!("the custom role `{name}`"),
                    access,
                    format!("its action `{value}` reaches the keys"),
                    Some(Label {
                        span,
                        message: format!("`{value}` reaches the account keys"),
                    }),
                )
            }
            MgmtRole::Other(_) | MgmtRole::Unknown => continue,
        };
        if access == KeyAccess::None {
            continue;
        }
        let broad = a
            .principal_type
            .as_ref()
            .and_then(|p| p.find(|t| t.eq_ignore_ascii_case("Group") || t.eq_ignore_ascii_case("ForeignGroup")));
        let at = match &a.scope {
            MgmtScope::Account(_) => "",
            MgmtScope::ResourceGroup(_) => "the resource group of ",
            MgmtScope::Subscription => "the subscription of ",
            MgmtScope::Other => continue,
        };
        let keys = match access {
            KeyAccess::Full => "read and write all data with the account keys",
            _ => "read all data with the read-only keys",
        };
        for idx in a.accounts(inv.accounts.len()) {
            let account = &inv.accounts[idx];
            let Some(local_auth) = account.local_auth_enabled.find(|v| *v) else {
                continue;
            };
            let d = sink.report(
                &META,
                a.role_span,
                format!(
                    "`{}` grants {role} on {at}`{}` ({through}); the account accepts keys, so the principal can {keys}, bypassing data-plane RBAC",
                    a.address, account.address
                ),
            );
            if broad.is_some() {
                d.severity = Severity::Error;
            }
            d.primary_label = Some(format!("{role} reaches the keys"));
            let (la_span, la_primary, la_labels) = locate(local_auth, account.header, "key authentication is enabled");
            d.labels.push(Label {
                span: la_span,
                message: la_primary.unwrap_or_else(|| "key authentication is enabled".into()),
            });
            d.labels.extend(la_labels);
            if let Some(span) = a.scope_span {
                d.labels.push(Label {
                    span,
                    message: match &a.scope {
                        MgmtScope::Account(_) => "assigned on the account".to_string(),
                        _ => format!("assigned on {at}the account"),
                    },
                });
            }
            if let Some(p) = broad {
                let (span, _, _) = locate(p, a.header, "");
                d.labels.push(Label {
                    span,
                    message: "the principal is a group: every member can read the keys".into(),
                });
            }
            d.labels.extend(role_label.clone());
            d.help = Some(format!(
                "turn key authentication off on `{}`: {}; or assign a role without key access (`Cosmos DB Operator` manages the account without reaching keys) and grant data access through a data-plane role assignment",
                account.address, account.hints.disable_local_auth
            ));
            *d.context = FindingContext {
                attribute: Some(("role", role.to_ascii_lowercase())),
                resource: Some(a.header),
                via: local_auth.via().iter().map(|v| v.span).collect(),
                ..FindingContext::default()
            };
            super::about(d, a.subject());
        }
    }
}
