//! CDB010 unknown-role-definition — doc: rules/CDB010.md

use super::{RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Label, Severity};
use crate::model::cosmos::DATA_APIS;
use crate::model::{Inventory, RoleRef};

pub static META: RuleMeta = RuleMeta {
    id: "CDB010",
    name: "unknown-role-definition",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB data-plane role assignment names a role that is neither built in nor defined",
    doc: include_str!("../../rules/CDB010.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for a in &inv.role_assignments {
        let RoleRef::UnknownId(guid) = &a.role else {
            continue;
        };
        // Only about an account of the inputs: a role of an account deployed elsewhere may
        // well be defined there.
        let Some(account) = a.account else { continue };
        // A definition of this API whose id is not known offline may be the one.
        if inv
            .role_definitions
            .iter()
            .any(|d| d.api == a.api && d.role_id.is_none() && d.account.is_none_or(|x| x == account))
        {
            continue;
        }
        let info = a.api.info();
        // A built-in id of another API: the commonest mistake, since the ids differ per API.
        let other_built_in = DATA_APIS.iter().find_map(|o| {
            if o.reader == guid {
                Some((o, "Data Reader"))
            } else if o.contributor == guid {
                Some((o, "Data Contributor"))
            } else {
                None
            }
        });
        let why = match other_built_in {
            Some((o, role)) => format!(
                "`{guid}` is the built-in {role} of `{}`, not of `{}` (whose built-ins are `{}` and `{}`)",
                o.definitions, info.definitions, info.reader, info.contributor
            ),
            None => format!(
                "`{guid}` is neither a built-in role of `{}` nor a role definition of the inputs",
                info.definitions
            ),
        };
        let acct = &inv.accounts[account];
        let d = sink.report(
            &META,
            a.role_span,
            format!("`{}` assigns an unknown role on `{}`: {why}", a.address, acct.address),
        );
        d.primary_label = Some("role definition id".into());
        d.labels.push(Label {
            span: acct.header,
            message: format!("no role definition `{guid}` is declared for this account"),
        });
        d.help = Some(format!(
            "use the built-in Data Reader (`{}`) or Data Contributor (`{}`) of `{}`, or declare the custom role definition in the same code and reference its id",
            info.reader, info.contributor, info.definitions
        ));
        *d.context = FindingContext {
            attribute: Some(("role_definition_id", guid.clone())),
            resource: Some(a.header),
            ..FindingContext::default()
        };
        super::about(d, a.subject());
    }
}
