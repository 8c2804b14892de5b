//! CDB013 no-private-endpoint — doc: rules/CDB013.md

use super::{RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::{Inventory, PublicAccess, Target};

pub static META: RuleMeta = RuleMeta {
    id: "CDB013",
    name: "no-private-endpoint",
    severity: Severity::Warning,
    enabled_by_default: false,
    since: "0.1.0",
    summary: "Cosmos DB account has no private endpoint among the inputs",
    doc: include_str!("../../rules/CDB013.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    let targets = || inv.private_endpoints.iter().flat_map(|p| &p.targets);
    // A connection whose target is not known may be for any account: no finding in the unit.
    if targets().any(|t| *t == Target::Unknown) {
        return;
    }
    for (i, account) in inv.accounts.iter().enumerate() {
        if targets().any(|t| t.covers(i)) {
            continue;
        }
        let how = match account.network.public_access.value() {
            Some(PublicAccess::Disabled) => {
                "public network access is disabled, so clients can reach it only through a private endpoint created elsewhere"
            }
            _ => "clients reach it over its public endpoint",
        };
        let d = sink.report(
            &META,
            account.header,
            format!("`{}` has no private endpoint among the inputs: {how}", account.address),
        );
        d.primary_label = Some("no private endpoint connects to this account".into());
        d.help = Some(account.hints.private_endpoint.to_string());
        d.resource = Some(account.address.clone());
    }
}
