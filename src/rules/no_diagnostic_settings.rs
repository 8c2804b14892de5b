//! CDB012 no-diagnostic-settings — doc: rules/CDB012.md

use super::{about, conditional_protection, RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Severity};
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
        let covering: Vec<_> = inv.diagnostic_settings.iter().filter(|d| d.target.covers(i)).collect();
        // One that is deployed whatever the inputs covers it.
        if covering.iter().any(|d| d.existence.is_empty()) {
            continue;
        }
        // A module that is not followed but is given the account may deploy one.
        if inv.opaque_calls.iter().any(|c| c.accounts.contains(&i)) {
            continue;
        }
        let message = match (covering.first(), inv.diagnostic_settings.len()) {
            (Some(setting), _) => format!(
                "`{}` may have no diagnostic setting: `{}`, the setting for it, is deployed only under a condition; without it its resource logs (data-plane requests, queries, control-plane operations made with keys) are not collected",
                account.address, setting.address
            ),
            (None, 0) => format!(
                "`{}` has no diagnostic setting: its resource logs (data-plane requests, queries, control-plane operations made with keys) are not collected",
                account.address
            ),
            (None, 1) => format!(
                "`{}` has no diagnostic setting: its resource logs (data-plane requests, queries, control-plane operations made with keys) are not collected (the one diagnostic setting among the inputs is for another resource)",
                account.address
            ),
            (None, n) => format!(
                "`{}` has no diagnostic setting: its resource logs (data-plane requests, queries, control-plane operations made with keys) are not collected (none of the {n} diagnostic settings among the inputs is for it)",
                account.address
            ),
        };
        let d = sink.report(&META, account.header, message);
        d.primary_label = Some("no diagnostic setting is for this account".into());
        d.help = Some(account.hints.diagnostic_settings.to_string());
        for setting in covering {
            conditional_protection(d, setting.header, &setting.existence, "diagnostic setting");
        }
        about(d, account.subject());
        *d.context = FindingContext {
            attribute: Some(("diagnostic_settings", "none".into())),
            resource: Some(account.header),
            ..FindingContext::default()
        };
    }
}
