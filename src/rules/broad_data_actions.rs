//! CDB003 broad-data-actions — doc: rules/CDB003.md

use super::{context, locate, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB003",
    name: "broad-data-actions",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB data-plane role definition grants wildcard data actions",
    doc: include_str!("../../rules/CDB003.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for def in &inv.role_definitions {
        // A built-in role exported with the account (portal exports list them) is the
        // service's, not the author's.
        if def.built_in {
            continue;
        }
        // Each candidate of a value set that is a wildcard is a finding of its own (its
        // labels say when it applies).
        for action in def.data_actions.iter().flat_map(|a| a.candidates()) {
            let Some(value) = action.value() else { continue };
            let Some(expanded) = def.api.wildcard_expansion(value) else {
                continue;
            };
            let (span, _, labels) = locate(action, def.header, "");
            let d = sink.report(
                &META,
                span,
                format!(
                    "`{}` grants the wildcard data action `{value}`, which allows {} actions: {}",
                    def.address,
                    expanded.len(),
                    expanded.join(", ")
                ),
            );
            d.primary_label = Some(format!("`{value}` grants {} data actions", expanded.len()));
            d.labels = labels;
            d.help = Some(def.hints.data_actions.to_string());
            super::about(d, def.subject());
            d.context = context("data_actions", value.to_ascii_lowercase(), action, def.header);
        }
    }
}
