//! CDB013 no-private-endpoint — doc: rules/CDB013.md

use super::{about, conditional_protection, RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Severity};
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
        let covering: Vec<_> = inv
            .private_endpoints
            .iter()
            .filter(|p| p.targets.iter().any(|t| t.covers(i)))
            .collect();
        // One that is deployed whatever the inputs covers it.
        if covering.iter().any(|p| p.existence.is_empty()) {
            continue;
        }
        // A module that is not followed but is given the account may deploy one.
        if inv.opaque_calls.iter().any(|c| c.accounts.contains(&i)) {
            continue;
        }
        let how = match account.network.public_access.value() {
            Some(PublicAccess::Disabled) => {
                "public network access is disabled, so clients can reach it only through a private endpoint created elsewhere"
            }
            _ => "clients reach it over its public endpoint",
        };
        let message = match covering.first() {
            Some(endpoint) => format!(
                "`{}` may have no private endpoint: `{}`, the endpoint for it, is deployed only under a condition; without it {how}",
                account.address, endpoint.address
            ),
            None => format!("`{}` has no private endpoint among the inputs: {how}", account.address),
        };
        let d = sink.report(&META, account.header, message);
        d.primary_label = Some("no private endpoint connects to this account".into());
        d.help = Some(account.hints.private_endpoint.to_string());
        for endpoint in covering {
            conditional_protection(d, endpoint.header, &endpoint.existence, "private endpoint");
        }
        about(d, account.subject());
        *d.context = FindingContext {
            attribute: Some(("private_endpoints", "none".into())),
            resource: Some(account.header),
            ..FindingContext::default()
        };
    }
}
