//! CDB001 local-auth-enabled — doc: rules/CDB001.md

use super::{report_fact, RuleMeta, Sink};
use crate::diagnostic::Severity;
use crate::model::{ApiKind, DataApi, Inventory};

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
    /// The APIs whose accounts are checked: by default every API, since each offers
    /// Microsoft Entra ID data-plane RBAC, so keys can be turned off without locking clients
    /// out.
    #[serde(default = "default_apis")]
    pub apis: Vec<Api>,
}

impl Default for Options {
    fn default() -> Options {
        Options { apis: default_apis() }
    }
}

const ALL_APIS: [Api; 5] = [Api::Nosql, Api::Mongo, Api::Cassandra, Api::Table, Api::Gremlin];

fn default_apis() -> Vec<Api> {
    ALL_APIS.to_vec()
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
        // Every API has a documented Microsoft Entra ID data-plane route now (NoSQL, Table,
        // Cassandra, Gremlin, MongoDB through `mongoMI` roles), so keys can be turned off
        // whatever the API. An account whose API is not known is reported unless the
        // configuration leaves an API out.
        let checked = match account.api {
            ApiKind::Unknown => ALL_APIS.iter().all(|a| apis.contains(a)),
            kind => apis.iter().any(|a| a.kind() == kind),
        };
        if !checked {
            continue;
        }
        // Every API has a documented Microsoft Entra ID data-plane route now (NoSQL, Table,
        // Cassandra, Gremlin, MongoDB through `mongoMI` roles), so keys can be turned off
        // whatever the API; an account whose API is not known is reported too.
        let api = DataApi::of_account(account.api);
        let help = format!(
            "{} and {}",
            account.hints.disable_local_auth,
            (account.hints.data_role_route)(api)
        );
        let api_text = match account.api {
            ApiKind::Unknown => String::new(),
            a => format!(" ({} API)", a.label()),
        };
        let reported = report_fact(
            sink,
            &META,
            "local_auth_enabled",
            &account.local_auth_enabled,
            account.header,
            account.subject(),
            format!(
                "`{}` accepts account keys for data access{api_text}; anyone holding a key bypasses Microsoft Entra ID and RBAC",
                account.address,
            ),
            "key authentication is enabled",
            &help,
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
