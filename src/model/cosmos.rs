//! What Azure says about Cosmos DB, independent of any input format: data actions and what
//! wildcards expand to, built-in data roles, scope paths, API kinds.

use super::{ApiKind, AssignmentScope};
use crate::eval::{PStr, Piece};

pub const DATA_ACTION_PREFIX: &str = "Microsoft.DocumentDB/databaseAccounts/";

/// Which data-plane role system a role definition or assignment belongs to. Each is a pair of
/// child resource types of the account with the same schema (`roleName`, `type`,
/// `assignableScopes`, `permissions[].dataActions`; assignments `roleDefinitionId`, `scope`,
/// `principalId`), but its own data actions and built-in role ids. Sources: bicep-types-az
/// `microsoft.documentdb` 2026-03-15, and each API's "data plane security reference" on
/// Microsoft Learn (cited in rules/CDB003.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataApi {
    /// `sqlRoleDefinitions` / `sqlRoleAssignments` (API for NoSQL).
    Sql,
    /// `tableRoleDefinitions` / `tableRoleAssignments`.
    Table,
    /// `cassandraRoleDefinitions` / `cassandraRoleAssignments`.
    Cassandra,
    /// `gremlinRoleDefinitions` / `gremlinRoleAssignments`.
    Gremlin,
    /// `mongoMIRoleDefinitions` / `mongoMIRoleAssignments` (MongoDB with Microsoft Entra ID).
    MongoMi,
}

/// What Azure documents for one [`DataApi`].
pub struct DataApiInfo {
    pub api: DataApi,
    /// The definition type's last segment as Azure writes it (`sqlRoleDefinitions`).
    pub definitions: &'static str,
    pub assignments: &'static str,
    /// The account API it grants access to.
    pub account_api: ApiKind,
    /// Every concrete data action (suffixes after [`DATA_ACTION_PREFIX`]).
    pub actions: &'static [&'static str],
    /// The actions that only read.
    pub read_only: &'static [&'static str],
    /// Built-in Data Reader and Data Contributor GUIDs.
    pub reader: &'static str,
    pub contributor: &'static str,
    /// The data actions of the built-in Reader and Contributor (patterns; suffixes).
    pub reader_actions: &'static [&'static str],
    pub contributor_actions: &'static [&'static str],
}

/// Concrete data actions of Table, Cassandra, Gremlin and MongoDB (Entra): the same shape
/// with the API's segment (`tables`, `cassandra`, `gremlin`, `mongoMI`).
macro_rules! entity_api_actions {
    ($seg:literal) => {
        &[
            "readMetadata",
            concat!($seg, "/write"),
            concat!($seg, "/delete"),
            concat!($seg, "/containers/write"),
            concat!($seg, "/containers/delete"),
            concat!($seg, "/containers/executeQuery"),
            concat!($seg, "/containers/executeStoredProcedure"),
            concat!($seg, "/containers/readChangeFeed"),
            concat!($seg, "/containers/manageConflicts"),
            concat!($seg, "/containers/entities/create"),
            concat!($seg, "/containers/entities/read"),
            concat!($seg, "/containers/entities/replace"),
            concat!($seg, "/containers/entities/upsert"),
            concat!($seg, "/containers/entities/delete"),
            "throughputSettings/read",
            "throughputSettings/write",
        ]
    };
}

macro_rules! entity_api_read_only {
    ($seg:literal) => {
        &[
            "readMetadata",
            concat!($seg, "/containers/executeQuery"),
            concat!($seg, "/containers/readChangeFeed"),
            concat!($seg, "/containers/entities/read"),
            "throughputSettings/read",
        ]
    };
}

pub const BUILT_IN_READER: &str = "00000000-0000-0000-0000-000000000001";
pub const BUILT_IN_CONTRIBUTOR: &str = "00000000-0000-0000-0000-000000000002";
/// Reader and Contributor of Cassandra, Gremlin and MongoDB (Entra).
pub const BUILT_IN_READER_3: &str = "00000000-0000-0000-0000-000000000003";
pub const BUILT_IN_CONTRIBUTOR_4: &str = "00000000-0000-0000-0000-000000000004";

pub static DATA_APIS: &[DataApiInfo] = &[
    DataApiInfo {
        api: DataApi::Sql,
        definitions: "sqlRoleDefinitions",
        assignments: "sqlRoleAssignments",
        account_api: ApiKind::NoSql,
        actions: DATA_ACTIONS,
        read_only: READ_ONLY,
        reader: BUILT_IN_READER,
        contributor: BUILT_IN_CONTRIBUTOR,
        reader_actions: &[
            "readMetadata",
            "sqlDatabases/containers/executeQuery",
            "sqlDatabases/containers/readChangeFeed",
            "sqlDatabases/containers/items/read",
        ],
        contributor_actions: &[
            "readMetadata",
            "sqlDatabases/containers/*",
            "sqlDatabases/containers/items/*",
        ],
    },
    DataApiInfo {
        api: DataApi::Table,
        definitions: "tableRoleDefinitions",
        assignments: "tableRoleAssignments",
        account_api: ApiKind::Table,
        actions: entity_api_actions!("tables"),
        read_only: entity_api_read_only!("tables"),
        reader: BUILT_IN_READER,
        contributor: BUILT_IN_CONTRIBUTOR,
        reader_actions: &[
            "readMetadata",
            "tables/containers/executeQuery",
            "tables/containers/readChangeFeed",
            "tables/containers/entities/read",
        ],
        contributor_actions: &[
            "readMetadata",
            "tables/*",
            "tables/containers/*",
            "tables/containers/entities/*",
        ],
    },
    DataApiInfo {
        api: DataApi::Cassandra,
        definitions: "cassandraRoleDefinitions",
        assignments: "cassandraRoleAssignments",
        account_api: ApiKind::Cassandra,
        actions: entity_api_actions!("cassandra"),
        read_only: entity_api_read_only!("cassandra"),
        reader: BUILT_IN_READER_3,
        contributor: BUILT_IN_CONTRIBUTOR_4,
        reader_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "cassandra/containers/executeQuery",
            "cassandra/containers/readChangeFeed",
            "cassandra/containers/entities/read",
        ],
        contributor_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "throughputSettings/write",
            "cassandra/*",
        ],
    },
    DataApiInfo {
        api: DataApi::Gremlin,
        definitions: "gremlinRoleDefinitions",
        assignments: "gremlinRoleAssignments",
        account_api: ApiKind::Gremlin,
        actions: entity_api_actions!("gremlin"),
        read_only: entity_api_read_only!("gremlin"),
        reader: BUILT_IN_READER_3,
        contributor: BUILT_IN_CONTRIBUTOR_4,
        reader_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "gremlin/containers/executeQuery",
            "gremlin/containers/readChangeFeed",
            "gremlin/containers/entities/read",
        ],
        contributor_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "throughputSettings/write",
            "gremlin/*",
        ],
    },
    DataApiInfo {
        api: DataApi::MongoMi,
        definitions: "mongoMIRoleDefinitions",
        assignments: "mongoMIRoleAssignments",
        account_api: ApiKind::Mongo,
        actions: entity_api_actions!("mongoMI"),
        read_only: entity_api_read_only!("mongoMI"),
        reader: BUILT_IN_READER_3,
        contributor: BUILT_IN_CONTRIBUTOR_4,
        reader_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "mongoMI/containers/executeQuery",
            "mongoMI/containers/readChangeFeed",
            "mongoMI/containers/entities/read",
        ],
        contributor_actions: &[
            "readMetadata",
            "throughputSettings/read",
            "throughputSettings/write",
            "mongoMI/*",
        ],
    },
];

impl DataApi {
    pub fn info(self) -> &'static DataApiInfo {
        DATA_APIS
            .iter()
            .find(|i| i.api == self)
            .expect("every DataApi is in DATA_APIS")
    }

    /// The data-plane role system of an account API (MongoDB: Microsoft Entra ID, `mongoMI`).
    pub fn of_account(api: ApiKind) -> Option<DataApi> {
        DATA_APIS.iter().find(|i| i.account_api == api).map(|i| i.api)
    }

    /// `Table`, `NoSQL`: the account API it is for.
    pub fn label(self) -> &'static str {
        self.info().account_api.label()
    }

    /// The definition type after the prefix, in lower case (`sqlroledefinitions`).
    pub fn by_definition_segment(seg: &str) -> Option<DataApi> {
        DATA_APIS
            .iter()
            .find(|i| i.definitions.eq_ignore_ascii_case(seg))
            .map(|i| i.api)
    }

    /// The concrete actions a wildcard data action grants in this API; `None` when `action`
    /// is not a wildcard (or a wildcard outside this API's data actions).
    pub fn wildcard_expansion(self, action: &str) -> Option<Vec<&'static str>> {
        let action = action.trim();
        let prefix = action.strip_suffix('*')?;
        let matched = self.matching(prefix);
        (!matched.is_empty()).then_some(matched)
    }

    /// The concrete actions whose full name starts with `prefix` (case-insensitively).
    fn matching(self, prefix: &str) -> Vec<&'static str> {
        let lower = prefix.to_ascii_lowercase();
        let full_prefix = DATA_ACTION_PREFIX.to_ascii_lowercase();
        self.info()
            .actions
            .iter()
            .filter(|a| format!("{full_prefix}{}", a.to_ascii_lowercase()).starts_with(&lower))
            .copied()
            .collect()
    }

    /// The concrete actions one data action grants: a wildcard's expansion, the action
    /// itself when it is one of this API's, else nothing.
    pub fn expand(self, action: &str) -> Vec<&'static str> {
        if let Some(e) = self.wildcard_expansion(action) {
            return e;
        }
        let lower = action.trim().to_ascii_lowercase();
        let Some(suffix) = lower.strip_prefix(&DATA_ACTION_PREFIX.to_ascii_lowercase()) else {
            return Vec::new();
        };
        self.info()
            .actions
            .iter()
            .filter(|a| a.eq_ignore_ascii_case(suffix))
            .copied()
            .collect()
    }

    /// Whether a data action (concrete or wildcard) lets the holder change data or
    /// resources. An action of the Cosmos prefix this API does not list counts as writing.
    pub fn is_write_action(self, action: &str) -> bool {
        let read_only = self.info().read_only;
        match self.wildcard_expansion(action) {
            Some(expanded) => expanded.iter().any(|a| !read_only.contains(a)),
            None => {
                let lower = action.trim().to_ascii_lowercase();
                let Some(suffix) = lower.strip_prefix(&DATA_ACTION_PREFIX.to_ascii_lowercase()) else {
                    return false;
                };
                !read_only.iter().any(|r| r.eq_ignore_ascii_case(suffix))
            }
        }
    }

    /// The concrete actions of a built-in role's patterns.
    pub fn built_in_actions(self, contributor: bool) -> Vec<&'static str> {
        let info = self.info();
        let patterns = if contributor {
            info.contributor_actions
        } else {
            info.reader_actions
        };
        let mut out: Vec<&'static str> = Vec::new();
        for p in patterns {
            for a in self.expand(&format!("{DATA_ACTION_PREFIX}{p}")) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
        out
    }
}

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

/// The role GUID at the end of a role definition id of `api`
/// (`…/sqlRoleDefinitions/<guid>`, or a bare GUID).
pub fn role_guid(id: &PStr, api: DataApi) -> Option<String> {
    let Some(Piece::Lit(last)) = id.0.last() else {
        return None;
    };
    let tail = match last.rfind('/') {
        Some(i) => {
            let before = &last[..i];
            // `…/sqlRoleDefinitions/<guid>` — the segment before must be the collection,
            // unless the whole id is a bare GUID.
            if !before
                .to_ascii_lowercase()
                .ends_with(&api.info().definitions.to_ascii_lowercase())
            {
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

/// The role a role definition id of `api` names, by the GUID at its end: built-in (per
/// API: `…0001`/`…0002` for NoSQL and Table, `…0003`/`…0004` for the others), one of
/// `defined` of the same API, or an id defined nowhere in the inputs.
pub fn role_ref_by_guid(id: &PStr, api: DataApi, defined: &[super::RoleDefinition]) -> super::RoleRef {
    match role_guid(id, api) {
        Some(g) => role_ref_of_guid(&g, api, defined),
        None => super::RoleRef::Unknown,
    }
}

/// The role a GUID names in `api`.
pub fn role_ref_of_guid(guid: &str, api: DataApi, defined: &[super::RoleDefinition]) -> super::RoleRef {
    use super::RoleRef;
    let info = api.info();
    if guid == info.reader {
        return RoleRef::BuiltInReader;
    }
    if guid == info.contributor {
        return RoleRef::BuiltInContributor;
    }
    match defined
        .iter()
        .position(|d| d.api == api && d.role_id.as_deref() == Some(guid))
    {
        Some(d) => RoleRef::Custom(d),
        None => RoleRef::UnknownId(guid.to_string()),
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

/// MongoDB native role-based access control (`mongodbRoleDefinitions` /
/// `mongodbUserDefinitions`, `azurerm_cosmosdb_mongo_role_definition` /
/// `azurerm_cosmosdb_mongo_user_definition`): password users and roles of one database, with
/// MongoDB-style privileges rather than data actions. Source: "Role-based access control in
/// Azure Cosmos DB for MongoDB" (Microsoft Learn, `cosmos-db/mongodb/role-based-access-control`
/// and `how-to-setup-rbac`), cited in rules/CDB010.md.
pub mod mongo {
    /// The ARM child types (last segment, as Azure writes them).
    pub const ROLE_DEFINITIONS: &str = "mongodbRoleDefinitions";
    pub const USER_DEFINITIONS: &str = "mongodbUserDefinitions";

    /// Every documented privilege (`privileges[].actions`), in the documentation's order
    /// (query and write, change streams, database management, server administration,
    /// diagnostics).
    pub const PRIVILEGES: &[&str] = &[
        "find",
        "insert",
        "remove",
        "update",
        "changeStream",
        "createCollection",
        "createIndex",
        "dropCollection",
        "killCursors",
        "killAnyCursor",
        "dropDatabase",
        "dropIndex",
        "reIndex",
        "collStats",
        "dbStats",
        "listDatabases",
        "listCollections",
        "listIndexes",
    ];

    /// The privileges that only read data or metadata: those of the built-in `read` role
    /// (which include `killCursors`, ending one's own cursors) and the diagnostics group.
    /// Every other privilege changes data, collections, indexes or the database, or ends
    /// other users' cursors (`killAnyCursor`).
    pub const READ_ONLY: &[&str] = &[
        "find",
        "changeStream",
        "killCursors",
        "collStats",
        "dbStats",
        "listDatabases",
        "listCollections",
        "listIndexes",
    ];

    /// The built-in roles, which "already exist on every database and don't need to be
    /// created", with their privileges (the documentation's table).
    pub const BUILT_IN_ROLES: &[(&str, &[&str])] = &[
        (
            "read",
            &[
                "changeStream",
                "collStats",
                "listCollections",
                "listIndexes",
                "find",
                "killCursors",
            ],
        ),
        (
            "readWrite",
            &[
                "changeStream",
                "collStats",
                "listCollections",
                "listIndexes",
                "createCollection",
                "createIndex",
                "dropCollection",
                "find",
                "killCursors",
                "dropIndex",
                "insert",
                "remove",
                "update",
            ],
        ),
        (
            "dbAdmin",
            &[
                "changeStream",
                "collStats",
                "listCollections",
                "listIndexes",
                "createCollection",
                "createIndex",
                "dropCollection",
                "dbStats",
                "dropDatabase",
                "reIndex",
                "dropIndex",
            ],
        ),
        (
            "dbOwner",
            &[
                "changeStream",
                "collStats",
                "listCollections",
                "listIndexes",
                "createCollection",
                "createIndex",
                "dropCollection",
                "dbStats",
                "dropDatabase",
                "reIndex",
                "find",
                "killCursors",
                "dropIndex",
                "insert",
                "remove",
                "update",
            ],
        ),
    ];

    /// The built-in role of that name and its privileges. Names compare without case: the
    /// documentation writes them one way and does not say whether the service is strict, so
    /// `ReadWrite` is taken as the built-in rather than reported as undefined.
    pub fn built_in(name: &str) -> Option<(&'static str, &'static [&'static str])> {
        BUILT_IN_ROLES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .copied()
    }

    /// The documented privilege of that name (exact spelling), if any.
    pub fn privilege(name: &str) -> Option<&'static str> {
        PRIVILEGES.iter().find(|p| **p == name.trim()).copied()
    }

    /// Whether a privilege changes something (not in [`READ_ONLY`]). A name that is not
    /// documented is not known to write.
    pub fn writes(name: &str) -> bool {
        privilege(name).is_some_and(|p| !READ_ONLY.contains(&p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{ResKey, Symbol};

    #[test]
    fn wildcards_expand_to_concrete_actions() {
        let wildcard_expansion = |a: &str| DataApi::Sql.wildcard_expansion(a);
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
        let is_write_action = |a: &str| DataApi::Sql.is_write_action(a);
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
        assert_eq!(role_guid(&id, DataApi::Sql).as_deref(), Some(BUILT_IN_CONTRIBUTOR));
        assert_eq!(role_guid(&id, DataApi::Table), None);
        assert_eq!(
            role_guid(&PStr::lit(BUILT_IN_READER), DataApi::Sql).as_deref(),
            Some(BUILT_IN_READER)
        );
        assert_eq!(
            role_guid(&PStr::lit("/x/00000000-0000-0000-0000-000000000002"), DataApi::Sql),
            None
        );
        let cassandra = PStr::lit("/a/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000004");
        assert_eq!(
            role_ref_by_guid(&cassandra, DataApi::Cassandra, &[]),
            crate::model::RoleRef::BuiltInContributor
        );
        // `…0004` is not a built-in of NoSQL.
        assert_eq!(
            role_ref_of_guid(BUILT_IN_CONTRIBUTOR_4, DataApi::Sql, &[]),
            crate::model::RoleRef::UnknownId(BUILT_IN_CONTRIBUTOR_4.into())
        );
    }

    #[test]
    fn every_api_expands_its_own_wildcards() {
        let p = DATA_ACTION_PREFIX;
        for info in DATA_APIS {
            let all = info.api.wildcard_expansion("*").unwrap();
            assert_eq!(all.len(), info.actions.len(), "{:?}", info.api);
            assert!(info.read_only.iter().all(|r| info.actions.contains(r)));
            // The built-in Reader only reads; the Contributor writes.
            assert!(info
                .api
                .built_in_actions(false)
                .iter()
                .all(|a| info.read_only.contains(a)));
            assert!(info
                .api
                .built_in_actions(true)
                .iter()
                .any(|a| !info.read_only.contains(a)));
        }
        let entities = DataApi::Table
            .wildcard_expansion(&format!("{p}tables/containers/entities/*"))
            .unwrap();
        assert_eq!(entities.len(), 5);
        assert!(DataApi::Table
            .wildcard_expansion(&format!("{p}sqlDatabases/containers/*"))
            .is_none());
        let keyspaces = DataApi::Cassandra
            .wildcard_expansion(&format!("{p}cassandra/*"))
            .unwrap();
        assert!(keyspaces.contains(&"cassandra/delete"));
        assert!(!keyspaces.contains(&"throughputSettings/write"));
        assert!(DataApi::Gremlin.is_write_action(&format!("{p}throughputSettings/write")));
        assert!(!DataApi::MongoMi.is_write_action(&format!("{p}mongoMI/containers/entities/read")));
        // Action strings compare without case (built-ins write `ExecuteQuery`).
        assert!(!DataApi::Cassandra.is_write_action(&format!("{p}cassandra/containers/ExecuteQuery")));
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

    #[test]
    fn mongo_native_built_in_roles_follow_the_documented_table() {
        use super::mongo::*;
        // Every built-in privilege is a documented one.
        for (_, privs) in BUILT_IN_ROLES {
            assert!(privs.iter().all(|p| privilege(p).is_some()), "{privs:?}");
        }
        let (_, read) = built_in("read").unwrap();
        assert!(read.iter().all(|p| !writes(p)), "`read` only reads");
        let (_, owner) = built_in("dbOwner").unwrap();
        assert_eq!(owner.len(), 16);
        assert!(owner.contains(&"dropDatabase") && owner.contains(&"insert"));
        let (_, admin) = built_in("dbadmin").unwrap();
        assert!(!admin.contains(&"find"), "dbAdmin does not read documents");
        assert!(built_in("root").is_none());
        assert!(writes("dropDatabase") && writes("killAnyCursor"));
        assert!(!writes("find") && !writes("listDatabases") && !writes("notAPrivilege"));
    }
}
