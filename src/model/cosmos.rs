//! What Azure says about Cosmos DB, independent of any input format: data actions and what
//! wildcards expand to, built-in data roles, scope paths, API kinds.

use super::{ApiKind, AssignmentScope};
use crate::eval::{PStr, Piece};

pub const DATA_ACTION_PREFIX: &str = "Microsoft.DocumentDB/databaseAccounts/";

/// Every concrete Cosmos DB for NoSQL data action (suffixes after [`DATA_ACTION_PREFIX`]).
/// Source: "Configure role-based access control with Microsoft Entra ID for your Azure
/// Cosmos DB account", permission model.
pub const DATA_ACTIONS: &[&str] = &[
    "readMetadata",
    "sqlDatabases/containers/executeQuery",
    "sqlDatabases/containers/readChangeFeed",
    "sqlDatabases/containers/executeStoredProcedure",
    "sqlDatabases/containers/manageConflicts",
    "sqlDatabases/containers/items/create",
    "sqlDatabases/containers/items/read",
    "sqlDatabases/containers/items/replace",
    "sqlDatabases/containers/items/upsert",
    "sqlDatabases/containers/items/delete",
];

/// Data actions that only read.
const READ_ONLY: &[&str] = &[
    "readMetadata",
    "sqlDatabases/containers/executeQuery",
    "sqlDatabases/containers/readChangeFeed",
    "sqlDatabases/containers/items/read",
];

pub const BUILT_IN_READER: &str = "00000000-0000-0000-0000-000000000001";
pub const BUILT_IN_CONTRIBUTOR: &str = "00000000-0000-0000-0000-000000000002";

/// The concrete actions a wildcard data action grants; `None` when `action` is not a
/// wildcard (or a wildcard outside Cosmos DB's data actions).
pub fn wildcard_expansion(action: &str) -> Option<Vec<&'static str>> {
    let action = action.trim();
    let prefix = action.strip_suffix('*')?;
    let lower = prefix.to_ascii_lowercase();
    let full_prefix = DATA_ACTION_PREFIX.to_ascii_lowercase();
    let matched: Vec<&'static str> = DATA_ACTIONS
        .iter()
        .filter(|a| format!("{full_prefix}{}", a.to_ascii_lowercase()).starts_with(&lower))
        .copied()
        .collect();
    (!matched.is_empty()).then_some(matched)
}

/// Whether a data action (concrete or wildcard) lets the holder change data.
pub fn is_write_action(action: &str) -> bool {
    match wildcard_expansion(action) {
        Some(expanded) => expanded.iter().any(|a| !READ_ONLY.contains(a)),
        None => {
            let lower = action.trim().to_ascii_lowercase();
            let Some(suffix) = lower.strip_prefix(&DATA_ACTION_PREFIX.to_ascii_lowercase()) else {
                return false;
            };
            !READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(suffix))
        }
    }
}

/// The role GUID at the end of a role definition id
/// (`…/sqlRoleDefinitions/<guid>`, or a bare GUID).
pub fn role_guid(id: &PStr) -> Option<String> {
    let Some(Piece::Lit(last)) = id.0.last() else {
        return None;
    };
    let tail = match last.rfind('/') {
        Some(i) => {
            let before = &last[..i];
            // `…/sqlRoleDefinitions/<guid>` — the segment before must be the collection,
            // unless the whole id is a bare GUID.
            if !before.to_ascii_lowercase().ends_with("sqlroledefinitions") {
                return None;
            }
            &last[i + 1..]
        }
        None if id.0.len() == 1 => last.as_str(),
        None => return None,
    };
    is_guid(tail).then(|| tail.to_ascii_lowercase())
}

pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The role a role definition id names, by the GUID at its end: built-in, one of
/// `defined`, or an id defined nowhere in the inputs.
pub fn role_ref_by_guid(id: &PStr, defined: &[super::SqlRoleDefinition]) -> super::RoleRef {
    use super::RoleRef;
    match role_guid(id) {
        Some(g) if g == BUILT_IN_READER => RoleRef::BuiltInReader,
        Some(g) if g == BUILT_IN_CONTRIBUTOR => RoleRef::BuiltInContributor,
        Some(g) => match defined.iter().position(|d| d.role_id.as_deref() == Some(g.as_str())) {
            Some(d) => RoleRef::Custom(d),
            None => RoleRef::UnknownId(g),
        },
        None => RoleRef::Unknown,
    }
}

/// How a symbolic reference inside a scope string is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    AccountId,
    DatabaseId,
    ContainerId,
    Other,
}

/// Classifies a Cosmos SQL role assignment scope. `/` and the account id are the account;
/// anything with `/dbs/` is a database, with `/colls/` a container — even when the names are
/// unknown (`"${account.id}/dbs/${var.db}"`). `None` when it cannot be told.
pub fn classify_scope(scope: &PStr, kind_of: impl Fn(&crate::eval::Symbol) -> SymbolKind) -> Option<AssignmentScope> {
    let mut text = String::new();
    let mut has_account_sym = false;
    let mut has_unknown = false;
    for p in &scope.0 {
        match p {
            Piece::Lit(s) => text.push_str(s),
            Piece::Sym(s) => match kind_of(s) {
                SymbolKind::AccountId => {
                    has_account_sym = true;
                    text.push_str("{account}");
                }
                SymbolKind::DatabaseId => text.push_str("{account}/dbs/\u{0}"),
                SymbolKind::ContainerId => text.push_str("{account}/dbs/\u{0}/colls/\u{0}"),
                SymbolKind::Other => {
                    has_unknown = true;
                    text.push('\u{0}');
                }
            },
            Piece::Unknown => {
                has_unknown = true;
                text.push('\u{0}');
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let name_after = |marker: &str| -> Option<String> {
        let i = lower.rfind(marker)? + marker.len();
        let rest = &text[i..];
        let name = rest.split('/').next().unwrap_or("");
        (!name.is_empty() && !name.contains('\u{0}')).then(|| name.to_string())
    };
    if lower.contains("/colls/") {
        return Some(AssignmentScope::Container(name_after("/dbs/"), name_after("/colls/")));
    }
    if lower.contains("/dbs/") {
        return Some(AssignmentScope::Database(name_after("/dbs/")));
    }
    let trimmed = lower.trim_end_matches('/');
    if trimmed.is_empty() && !has_unknown {
        return Some(AssignmentScope::Account);
    }
    if has_account_sym && trimmed == "{account}" {
        return Some(AssignmentScope::Account);
    }
    // A written-out account id: `/subscriptions/…/providers/Microsoft.DocumentDB/databaseAccounts/<name>`.
    if let Some(i) = lower.rfind("/microsoft.documentdb/databaseaccounts/") {
        let rest = &trimmed[(i + "/microsoft.documentdb/databaseaccounts/".len()).min(trimmed.len())..];
        if !rest.is_empty() && !rest.contains('/') {
            return Some(AssignmentScope::Account);
        }
    }
    None
}

/// The API an account serves, from its `kind` and capability names.
pub fn api_kind(kind: Option<&str>, capabilities: &[String]) -> ApiKind {
    let has = |c: &str| capabilities.iter().any(|x| x.eq_ignore_ascii_case(c));
    match kind.map(str::to_ascii_lowercase).as_deref() {
        Some("mongodb") | Some("parse") => ApiKind::Mongo,
        _ if has("EnableCassandra") => ApiKind::Cassandra,
        _ if has("EnableTable") => ApiKind::Table,
        _ if has("EnableGremlin") => ApiKind::Gremlin,
        _ if has("EnableMongo") => ApiKind::Mongo,
        _ => ApiKind::NoSql,
    }
}

/// The API of an account and whether Mongo RBAC is on, from `kind` and the capability names.
/// `known` is false when `kind` or a capability could not be evaluated: the API is then
/// Unknown — except that a known `MongoDB` kind stays MongoDB whatever the capabilities are.
pub fn account_api(kind: Option<&str>, capabilities: &[String], known: bool) -> (ApiKind, bool) {
    let api = if known || kind.is_some_and(|k| k.eq_ignore_ascii_case("MongoDB")) {
        api_kind(kind, capabilities)
    } else {
        ApiKind::Unknown
    };
    let mongo_rbac = capabilities
        .iter()
        .any(|c| c.eq_ignore_ascii_case("EnableMongoRoleBasedAccessControl"));
    (api, mongo_rbac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{ResKey, Symbol};

    #[test]
    fn wildcards_expand_to_concrete_actions() {
        let items =
            wildcard_expansion("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*").unwrap();
        assert_eq!(items.len(), 5);
        assert!(items.contains(&"sqlDatabases/containers/items/delete"));
        assert_eq!(wildcard_expansion("*").unwrap().len(), DATA_ACTIONS.len());
        assert_eq!(
            wildcard_expansion("microsoft.documentdb/databaseaccounts/*")
                .unwrap()
                .len(),
            DATA_ACTIONS.len()
        );
        let containers = wildcard_expansion("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*").unwrap();
        assert_eq!(containers.len(), 9);
        assert!(wildcard_expansion("Microsoft.DocumentDB/databaseAccounts/readMetadata").is_none());
        assert!(wildcard_expansion("Microsoft.Storage/*").is_none());
    }

    #[test]
    fn write_actions() {
        assert!(is_write_action(
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create"
        ));
        assert!(!is_write_action(
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"
        ));
        assert!(!is_write_action("Microsoft.DocumentDB/databaseAccounts/readMetadata"));
        assert!(is_write_action(
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*"
        ));
    }

    #[test]
    fn role_guids() {
        let id = PStr(vec![
            Piece::Unknown,
            Piece::Lit("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002".into()),
        ]);
        assert_eq!(role_guid(&id).as_deref(), Some(BUILT_IN_CONTRIBUTOR));
        assert_eq!(role_guid(&PStr::lit(BUILT_IN_READER)).as_deref(), Some(BUILT_IN_READER));
        assert_eq!(role_guid(&PStr::lit("/x/00000000-0000-0000-0000-000000000002")), None);
    }

    #[test]
    fn scopes() {
        let acct = Symbol {
            resource: ResKey(0),
            attr: "id".into(),
        };
        let k = |s: &Symbol| {
            if s.resource == ResKey(0) {
                SymbolKind::AccountId
            } else {
                SymbolKind::Other
            }
        };
        assert_eq!(
            classify_scope(&PStr::sym(acct.clone()), k),
            Some(AssignmentScope::Account)
        );
        assert_eq!(classify_scope(&PStr::lit("/"), k), Some(AssignmentScope::Account));
        let db = PStr(vec![
            Piece::Sym(acct.clone()),
            Piece::Lit("/dbs/".into()),
            Piece::Unknown,
        ]);
        assert_eq!(classify_scope(&db, k), Some(AssignmentScope::Database(None)));
        let coll = PStr(vec![Piece::Sym(acct), Piece::Lit("/dbs/app/colls/orders".into())]);
        assert_eq!(
            classify_scope(&coll, k),
            Some(AssignmentScope::Container(Some("app".into()), Some("orders".into())))
        );
        let written =
            PStr::lit("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc");
        assert_eq!(classify_scope(&written, k), Some(AssignmentScope::Account));
        assert_eq!(classify_scope(&PStr::unknown(), k), None);
    }

    #[test]
    fn unknown_capabilities_make_the_api_unknown_unless_kind_is_mongo() {
        assert_eq!(account_api(None, &[], false), (ApiKind::Unknown, false));
        let rbac = vec!["EnableMongoRoleBasedAccessControl".to_string()];
        assert_eq!(account_api(Some("MongoDB"), &rbac, false), (ApiKind::Mongo, true));
        assert_eq!(account_api(None, &[], true), (ApiKind::NoSql, false));
    }

    #[test]
    fn api_kinds() {
        assert_eq!(api_kind(None, &[]), ApiKind::NoSql);
        assert_eq!(api_kind(Some("MongoDB"), &[]), ApiKind::Mongo);
        assert_eq!(
            api_kind(Some("GlobalDocumentDB"), &["EnableCassandra".into()]),
            ApiKind::Cassandra
        );
    }
}
