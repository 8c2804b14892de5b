//! CDB002 key-metadata-writes-enabled — doc: rules/CDB002.md

use super::{report_fact, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB002",
    name: "key-metadata-writes-enabled",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB account keys can change databases, containers and throughput",
    doc: include_str!("../../rules/CDB002.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        report_fact(
            sink,
            &META,
            "key_metadata_writes_enabled",
            &account.key_metadata_writes_enabled,
            account.header,
            account.subject(),
            format!(
                "`{}` lets account keys create, change and delete databases, containers and throughput",
                account.address
            ),
            "key-based metadata writes are enabled",
            account.hints.disable_key_metadata_writes,
        );
    }
}
