//! CDB007 tls-below-1-2 — doc: rules/CDB007.md

use super::{about, context, locate, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB007",
    name: "tls-below-1-2",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB account accepts TLS 1.0 or 1.1",
    doc: include_str!("../../rules/CDB007.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for account in &inv.accounts {
        // Not set: no default is assumed (the sources disagree), so no finding.
        let Some(minimal_tls) = &account.minimal_tls else {
            continue;
        };
        // Over a value set: the first weak candidate, whose labels say when.
        let Some(fact) = minimal_tls.find(|v| weak(v).is_some()) else {
            continue;
        };
        let Some(value) = fact.value() else { continue };
        let Some(version) = weak(value) else { continue };
        let (span, _, labels) = locate(fact, account.header, "");
        let d = sink.report(
            &META,
            span,
            format!(
                "`{}` accepts clients that connect with {version}: its minimal TLS version is `{value}`",
                account.address
            ),
        );
        d.primary_label = Some(format!("`{value}` allows {version}"));
        d.labels = labels;
        d.help = Some(account.hints.minimal_tls.to_string());
        about(d, account.subject());
        d.context = context("minimal_tls", value.to_ascii_lowercase(), fact, account.header);
    }
}

/// The TLS version a `minimalTlsVersion` value lets clients use, when below 1.2.
fn weak(value: &str) -> Option<&'static str> {
    match value.to_ascii_lowercase().as_str() {
        "tls" | "tls10" => Some("TLS 1.0"),
        "tls11" => Some("TLS 1.1"),
        _ => None,
    }
}
