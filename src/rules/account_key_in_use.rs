//! CDB014 account-key-in-use — doc: rules/CDB014.md

use super::{RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Label, Severity};
use crate::model::keys::SinkKind;
use crate::model::Inventory;

pub static META: RuleMeta = RuleMeta {
    id: "CDB014",
    name: "account-key-in-use",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "A Cosmos DB account key or key-based connection string flows into a setting, secret or output",
    doc: include_str!("../../rules/CDB014.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    for k in &inv.key_uses {
        let account = match (k.account, &k.account_text) {
            (Some(a), _) => format!("`{}`", inv.accounts[a].address),
            (None, Some(t)) if t.starts_with("account `") => t.clone(),
            (None, Some(t)) => format!("`{t}`"),
            (None, None) => "an account".into(),
        };
        let message = match k.sink {
            SinkKind::Output => format!(
                "{} exposes the key of {account} ({}): whoever reads the outputs or the state gets every data permission, and its consumers break when key authentication is turned off",
                k.sink_address, k.key
            ),
            _ => format!(
                "`{}` puts the key of {account} ({}) into {}: its clients authenticate with a shared secret, and break when key authentication is turned off",
                k.sink_address,
                k.key,
                k.sink.label()
            ),
        };
        let d = sink.report(&META, k.span, message);
        d.primary_label = Some("reads an account key".into());
        if k.sink_span != k.span {
            d.labels.push(Label {
                span: k.sink_span,
                message: format!("{} ({})", k.sink.label(), k.sink_address),
            });
        }
        if let Some(a) = k.account {
            d.labels.push(Label {
                span: inv.accounts[a].header,
                message: "the account whose key it is".into(),
            });
        }
        d.help = Some(
            "give the client a managed identity and a data-plane role assignment (see `cosmolint access`), connect with a token credential and the account endpoint instead of a key, then turn key authentication off (CDB001)"
                .into(),
        );
        *d.context = FindingContext {
            attribute: Some(("key", k.key.to_ascii_lowercase())),
            resource: Some(k.sink_span),
            ..FindingContext::default()
        };
        super::about(
            d,
            crate::model::Subject {
                address: &k.sink_address,
                instance: &k.instance,
                existence: &k.existence,
            },
        );
    }
}
