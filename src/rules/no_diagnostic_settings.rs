//! CDB012 no-diagnostic-settings — doc: rules/CDB012.md

use super::{RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::{Inventory, Target};

pub static META: RuleMeta = RuleMeta {
    id: "CDB012",
    name: "no-diagnostic-settings",
    severity: Severity::Warning,
    enabled_by_default: false,
    since: "0.1.0",
    summary: "Cosmos DB account has no diagnostic setting among the inputs",
    doc: include_str!("../../rules/CDB012.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    // A setting whose target is not known may be for any account: no finding in the unit.
    if inv.diagnostic_settings.iter().any(|d| d.target == Target::Unknown) {
        return;
    }
    for (i, account) in inv.accounts.iter().enumerate() {
        if inv.diagnostic_settings.iter().any(|d| d.target.covers(i)) {
            continue;
        }
        let others = match inv.diagnostic_settings.len() {
            0 => String::new(),
            1 => " (the one diagnostic setting among the inputs is for another resource)".into(),
            n => format!(" (none of the {n} diagnostic settings among the inputs is for it)"),
        };
        let d = sink.report(
            &META,
            account.header,
            format!(
                "`{}` has no diagnostic setting: its resource logs (data-plane requests, queries, control-plane operations made with keys) are not collected{others}",
                account.address
            ),
        );
        d.primary_label = Some("no diagnostic setting is for this account".into());
        d.help = Some(account.hints.diagnostic_settings.to_string());
        d.resource = Some(account.address.clone());
    }
}
