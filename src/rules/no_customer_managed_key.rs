//! CDB011 no-customer-managed-key — doc: rules/CDB011.md

use super::{report_fact, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB011",
    name: "no-customer-managed-key",
    severity: Severity::Warning,
    enabled_by_default: false,
    since: "0.1.0",
    summary: "Cosmos DB account encrypts data with a Microsoft-managed key, not a customer-managed key",
    doc: include_str!("../../rules/CDB011.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        let without_key = account.customer_managed_key.clone().map(&|set: bool| !set);
        report_fact(
            sink,
            &META,
            "customer_managed_key",
            &without_key,
            account.header,
            account.subject(),
            format!(
                "`{}` encrypts its data with a Microsoft-managed key: no customer-managed key is set, so you cannot rotate, audit or revoke the key",
                account.address
            ),
            "no customer-managed key",
            account.hints.customer_managed_key,
        );
    }
}
