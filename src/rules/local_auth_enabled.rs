//! CDB001 local-auth-enabled — doc: rules/CDB001.md

use super::{report_fact, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::{ApiKind, Inventory};

pub static META: RuleMeta = RuleMeta {
    id: "CDB001",
    name: "local-auth-enabled",
    severity: Severity::Error,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB account accepts account keys (local authentication) for data access",
    doc: include_str!("../../rules/CDB001.md"),
    check,
};

/// `[rules.CDB001]` in `.cosmolint.toml`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// The APIs whose accounts are checked. By default those that offer Microsoft Entra ID
    /// data-plane RBAC, where keys can be turned off without locking every client out.
    #[serde(default = "default_apis")]
    pub apis: Vec<Api>,
}

impl Default for Options {
    fn default() -> Options {
        Options { apis: default_apis() }
    }
}

fn default_apis() -> Vec<Api> {
    vec![Api::Nosql, Api::Mongo]
}

/// An API as the configuration names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Nosql,
    Mongo,
    Cassandra,
    Table,
    Gremlin,
}

impl Api {
    fn kind(self) -> ApiKind {
        match self {
            Api::Nosql => ApiKind::NoSql,
            Api::Mongo => ApiKind::Mongo,
            Api::Cassandra => ApiKind::Cassandra,
            Api::Table => ApiKind::Table,
            Api::Gremlin => ApiKind::Gremlin,
        }
    }
}

fn check(inv: &Inventory, sink: &mut Sink) {
    let apis = &sink.options.local_auth_enabled.apis;
    for account in &inv.accounts {
        if !apis.iter().any(|a| a.kind() == account.api) {
            continue;
        }
        // MongoDB (RU) offers Microsoft Entra data-plane RBAC only with its capability;
        // without it, turning keys off locks every client out.
        if account.api == ApiKind::Mongo && !account.mongo_rbac {
            continue;
        }
        let reported = report_fact(
            sink,
            &META,
            "local_auth_enabled",
            &account.local_auth_enabled,
            account.header,
            account.subject(),
            format!(
                "`{}` accepts account keys for data access ({} API); anyone holding a key bypasses Microsoft Entra ID and RBAC",
                account.address,
                account.api.label()
            ),
            "key authentication is enabled",
            account.hints.disable_local_auth,
        );
        // `kind` is one of several, and this API is one of them: say when.
        if let Some(d) = reported {
            d.labels
                .extend(account.api_when.iter().map(|w| crate::diagnostic::Label {
                    span: w.span,
                    message: format!("{} API {}", account.api.label(), w.label),
                }));
        }
    }
}
