//! CDB006 firewall-allows-any — doc: rules/CDB006.md

use super::{about, context, locate, RuleMeta, Sink};
use crate::diagnostic::{Label, Severity};
use crate::model::network::{covers_public_ipv4, ipv4_range, is_azure_datacenters};
use crate::model::{Fact, Inventory, PublicAccess};

pub static META: RuleMeta = RuleMeta {
    id: "CDB006",
    name: "firewall-allows-any",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB IP firewall lets in every Azure datacenter or every IPv4 address",
    doc: include_str!("../../rules/CDB006.md"),
    check,
};

/// Entries named in a message about a set of ranges; the rest are counted.
const MAX_NAMED: usize = 6;

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        let n = &account.network;
        // With the public endpoint disabled the IP firewall is not consulted at all (in
        // every candidate of a value set).
        if n.public_access
            .candidates()
            .iter()
            .all(|c| c.value() == Some(&PublicAccess::Disabled))
        {
            continue;
        }
        // An entry that is one of several values (a conditional) is reported on its
        // insecure candidate, whose labels say when; only entries with one value add up
        // to a cover (candidates of different entries may never apply together).
        let mut entries: Vec<(&Fact<String>, &str)> = Vec::new();
        for entry in &n.ip_rules.items {
            match entry.value() {
                Some(v) => entries.push((entry, v.as_str())),
                None => {
                    let any = |v: &String| is_azure_datacenters(v) || ipv4_range(v) == Some((0, u32::MAX));
                    if let Some(c) = entry.find(any) {
                        let value = c.value().map_or("", String::as_str);
                        single(sink, account, c, value);
                    }
                }
            }
        }
        let mut ranges = Vec::new();
        for (k, &(fact, value)) in entries.iter().enumerate() {
            if single(sink, account, fact, value) {
                continue;
            }
            if let Some(range) = ipv4_range(value) {
                ranges.push((k, range));
            }
        }
        let Some(cover) = covers_public_ipv4(&ranges) else {
            continue;
        };
        let names: Vec<String> = cover
            .iter()
            .take(MAX_NAMED)
            .map(|&k| format!("`{}`", entries[k].1))
            .collect();
        let more = match cover.len().saturating_sub(MAX_NAMED) {
            0 => String::new(),
            m => format!(" and {m} more"),
        };
        let first = entries[cover[0]].0;
        let d = report(
            sink,
            account,
            first,
            format!(
                "`{}` accepts connections from every public IPv4 address: its IP rules {}{more} together cover the whole internet",
                account.address,
                names.join(", ")
            ),
            "this range and the others marked cover every public address".into(),
        );
        d.labels.extend(cover[1..].iter().filter_map(|&k| {
            let (fact, value) = entries[k];
            fact.span().map(|span| Label {
                span,
                message: format!("`{value}` is part of it"),
            })
        }));
    }
}

/// Reports an entry that lets in all of Azure or every address on its own; whether it did.
fn single(sink: &mut Sink, account: &crate::model::CosmosAccount, fact: &Fact<String>, value: &str) -> bool {
    if is_azure_datacenters(value) {
        report(
            sink,
            account,
            fact,
            format!(
                "`{}` accepts connections from within every public Azure datacenter: the IP rule `{value}` lets in the workloads of every Azure customer, not only yours",
                account.address
            ),
            format!("`{value}` accepts connections from all of Azure"),
        );
        return true;
    }
    if ipv4_range(value) == Some((0, u32::MAX)) {
        report(
            sink,
            account,
            fact,
            format!(
                "`{}` accepts connections from every IPv4 address: the IP rule `{value}` covers the whole internet",
                account.address
            ),
            format!("`{value}` is every IPv4 address"),
        );
        return true;
    }
    false
}

fn report<'s>(
    sink: &'s mut Sink,
    account: &crate::model::CosmosAccount,
    entry: &Fact<String>,
    message: String,
    primary: String,
) -> &'s mut crate::diagnostic::Diagnostic {
    let (span, _, labels) = locate(entry, account.header, "");
    let d = sink.report(&META, span, message);
    d.primary_label = Some(primary);
    d.labels = labels;
    d.help = Some(account.hints.firewall.to_string());
    about(d, account.subject());
    let value = entry.value().map_or_else(String::new, |v| v.to_ascii_lowercase());
    d.context = context("ip_rules", value, entry, account.header);
    d
}
