//! CDB001 local-auth-enabled — doc: rules/CDB001.md

use super::{report_fact, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::{ApiKind, Inventory};

pub static META: RuleMeta = RuleMeta {
    id: "CDB001",
    name: "local-auth-enabled",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB account accepts account keys (local authentication) for data access",
    doc: include_str!("../../rules/CDB001.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        // Only APIs that offer Microsoft Entra data-plane RBAC can turn keys off without
        // locking every client out: NoSQL, and MongoDB (RU) with its RBAC capability.
        let entra_capable = match account.api {
            ApiKind::NoSql => true,
            ApiKind::Mongo => account.mongo_rbac,
            _ => false,
        };
        if !entra_capable {
            continue;
        }
        let reported = report_fact(
            sink,
            &META,
            "local_auth_enabled",
            &account.local_auth_enabled,
            account.header,
            account.subject(),
            format!(
                "`{}` accepts account keys for data access ({} API); anyone holding a key bypasses Microsoft Entra ID and RBAC",
                account.address,
                account.api.label()
            ),
            "key authentication is enabled",
            account.hints.disable_local_auth,
        );
        // `kind` is one of several, and this API is one of them: say when.
        if let Some(d) = reported {
            d.labels
                .extend(account.api_when.iter().map(|w| crate::diagnostic::Label {
                    span: w.span,
                    message: format!("{} API {}", account.api.label(), w.label),
                }));
        }
    }
}
