//! CDB005 public-network-open — doc: rules/CDB005.md

use super::{about, context, locate, RuleMeta, Sink};
use crate::diagnostic::{Label, Severity};
use crate::model::{Fact, Inventory, PublicAccess};

pub static META: RuleMeta = RuleMeta {
    id: "CDB005",
    name: "public-network-open",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB account accepts connections from every network",
    doc: include_str!("../../rules/CDB005.md"),
    check,
};

/// Which branch of the decision tree left the account open.
enum Open {
    /// No VNet filter, no IP rules.
    NoFilter,
    /// VNet rules are listed but the VNet filter that enforces them is off.
    RulesNotEnforced,
    /// The VNet filter is on but lists no subnet (the service's behaviour is not documented).
    FilterWithoutRules,
}

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        let n = &account.network;
        // 2. IP rules restrict on their own, whatever the VNet filter says (`is_empty` is
        //    "known to have none": some rule, or a list not known, is no finding).
        if !n.ip_rules.is_empty() {
            continue;
        }
        // 1. Public network access: `Disabled` and `SecuredByPerimeter` close the public
        //    endpoint (a perimeter, or lockdown without one, decides); unknown: no finding.
        //    Over value sets, the first combination of candidates that leaves the account
        //    open decides, and its candidates' labels say when.
        let mut decided = None;
        'tree: for access in n.public_access.candidates() {
            if access.value() != Some(&PublicAccess::Enabled) {
                continue;
            }
            // 3. VNet rules restrict when the filter is on.
            for filter in n.vnet_filter.candidates() {
                let open = match filter.value() {
                    None => continue,
                    Some(true) if !n.vnet_rules.is_empty() => continue,
                    Some(true) => Open::FilterWithoutRules,
                    Some(false) if n.vnet_rules.items.is_empty() => Open::NoFilter,
                    Some(false) => Open::RulesNotEnforced,
                };
                decided = Some((access, filter, open));
                break 'tree;
            }
        }
        let Some((access_fact, filter, open)) = decided else {
            continue;
        };
        let access = match access_fact {
            Fact::Default { .. } => "public network access is enabled (the default)",
            _ => "public network access is enabled",
        };
        let (message, filter_label) = match open {
            Open::NoFilter => (
                format!(
                    "`{}` accepts connections from every network: {access}, with no IP rule and no VNet filter",
                    account.address
                ),
                "the VNet filter is off",
            ),
            Open::RulesNotEnforced => (
                format!(
                    "`{}` accepts connections from every network: {access}, with no IP rule, and its VNet rules are not enforced because the VNet filter is off",
                    account.address
                ),
                "the VNet filter is off, so the VNet rules are not enforced",
            ),
            Open::FilterWithoutRules => (
                format!(
                    "`{}` may accept connections from every network: {access}, with no IP rule, and the VNet filter is on but lists no subnet (how the service treats an empty VNet filter is not documented)",
                    account.address
                ),
                "the VNet filter is on, but no VNet rule is listed",
            ),
        };
        let (span, primary, mut labels) = locate(access_fact, account.header, "public network access is enabled");
        // Where the other branches of the tree are written (an absent attribute says
        // nothing more than the resource header already does).
        if let Some(s) = filter.span() {
            labels.push(Label {
                span: s,
                message: filter_label.into(),
            });
            labels.extend(hops(filter.via(), s));
        } else if let Fact::Default { note, .. } = filter {
            // A candidate that is null: its note says when.
            if n.vnet_filter.candidates().len() > 1 {
                labels.push(Label {
                    span: account.header,
                    message: note.clone(),
                });
            }
        }
        if let Some(s) = n.ip_rules.list.span() {
            labels.push(Label {
                span: s,
                message: "no IP rule in this list".into(),
            });
            labels.extend(hops(n.ip_rules.list.via(), s));
        }
        if let Open::RulesNotEnforced = open {
            if let Some(s) = n.vnet_rules.items.first().and_then(Fact::span) {
                labels.push(Label {
                    span: s,
                    message: "VNet rule that is not enforced".into(),
                });
            }
        }
        let d = sink.report(&META, span, message);
        d.primary_label = primary;
        d.labels = labels;
        d.help = Some(account.hints.public_network.to_string());
        about(d, account.subject());
        d.context = context("public_access", "enabled".into(), access_fact, account.header);
    }
}

/// Labels for the hops a value came through, except at `at` itself.
fn hops(via: &[crate::eval::Via], at: crate::source::Span) -> impl Iterator<Item = Label> + '_ {
    via.iter().filter(move |v| v.span != at).map(|v| Label {
        span: v.span,
        message: v.label.clone(),
    })
}
