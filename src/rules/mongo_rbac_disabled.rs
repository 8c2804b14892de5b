//! CDB009 mongo-rbac-disabled — doc: rules/CDB009.md

use super::{about, RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Label, Severity};
use crate::model::{ApiKind, Inventory};

pub static META: RuleMeta = RuleMeta {
    id: "CDB009",
    name: "mongo-rbac-disabled",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB for MongoDB account without role-based access control",
    doc: include_str!("../../rules/CDB009.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for (idx, account) in inv.accounts.iter().enumerate() {
        // A capability that is not known may be the one.
        if account.api != ApiKind::Mongo || account.mongo_rbac || !account.capabilities_known {
            continue;
        }
        let d = sink.report(
            &META,
            account.header,
            format!(
                "`{}` is a MongoDB account without the `EnableMongoRoleBasedAccessControl` capability: every client connects with an account key, and there are no per-user roles",
                account.address
            ),
        );
        d.primary_label = Some("MongoDB account without role-based access control".into());
        d.labels = account
            .capabilities_at
            .map(|span| Label {
                span,
                message: "capabilities are listed here; `EnableMongoRoleBasedAccessControl` is not one of them".into(),
            })
            .into_iter()
            .collect();
        // `kind` is one of several, and MongoDB is one of them: say when.
        d.labels.extend(account.api_when.iter().map(|w| Label {
            span: w.span,
            message: format!("{} API {}", account.api.label(), w.label),
        }));
        // Native users and roles declared for it: they are what the capability turns on.
        let users = inv
            .mongo_users
            .iter()
            .filter(|u| u.account == Some(idx))
            .map(|u| (u.header, "user", &u.address));
        let roles = inv
            .mongo_roles
            .iter()
            .filter(|r| r.account == Some(idx) && !r.existing)
            .map(|r| (r.header, "role definition", &r.address));
        d.labels.extend(users.chain(roles).take(4).map(|(span, what, address)| Label {
            span,
            message: format!("MongoDB {what} `{address}` is declared for this account, but native role-based access control needs the `EnableMongoRoleBasedAccessControl` capability"),
        }));
        d.help = Some(account.hints.mongo_rbac.to_string());
        about(d, account.subject());
        *d.context = FindingContext {
            attribute: Some(("mongo_rbac", "false".into())),
            resource: Some(account.header),
            via: account.capabilities_at.into_iter().collect(),
            ..FindingContext::default()
        };
    }
}
