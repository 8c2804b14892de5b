//! Azure RBAC (management plane): role assignments and custom role definitions
//! (`azurerm_role_assignment` / `azurerm_role_definition`,
//! `Microsoft.Authorization/roleAssignments` / `roleDefinitions`), and which roles reach an
//! account's keys.
//!
//! Sources: Azure built-in roles, "Databases" and "Privileged" (MicrosoftDocs/azure-docs
//! `articles/role-based-access-control/built-in-roles/databases.md`, `privileged.md`), and the
//! Microsoft.DocumentDB operations list (`listKeys`, `readonlykeys`, `listConnectionStrings`,
//! `regenerateKey`). Cited in rules/CDB008.md.

use super::{AccountIdx, Fact, Subject};
use crate::eval::Via;
use crate::source::Span;

/// How far a role reaches into an account's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyAccess {
    /// No key operation.
    None,
    /// `readonlykeys`: the read-only keys, which read all data.
    ReadOnly,
    /// `listKeys` / `listConnectionStrings` / `regenerateKey`: the read-write keys.
    Full,
}

/// A built-in Azure role that matters for Cosmos DB accounts.
#[derive(Debug, PartialEq)]
pub struct BuiltInRole {
    pub name: &'static str,
    pub guid: &'static str,
    pub keys: KeyAccess,
    /// Why, in a few words ("`Microsoft.DocumentDb/databaseAccounts/*`").
    pub through: &'static str,
}

/// Built-in roles whose key access is documented. Roles not listed (Reader, Cosmos DB
/// Operator, CosmosBackupOperator, …) are not taken to reach keys.
pub static BUILT_IN_ROLES: &[BuiltInRole] = &[
    BuiltInRole {
        name: "DocumentDB Account Contributor",
        guid: "5bd9cd88-fe45-4216-938b-f97437e15450",
        keys: KeyAccess::Full,
        through: "its `Microsoft.DocumentDb/databaseAccounts/*` includes `listKeys`",
    },
    BuiltInRole {
        name: "Cosmos DB Account Reader Role",
        guid: "fbdf93bf-df7d-467e-a4d2-9458aa1360c8",
        keys: KeyAccess::ReadOnly,
        through: "it has `Microsoft.DocumentDB/databaseAccounts/readonlykeys/action`",
    },
    BuiltInRole {
        name: "Contributor",
        guid: "b24988ac-6180-42a0-ab88-20f7382dd24c",
        keys: KeyAccess::Full,
        through: "its `*` includes `listKeys`",
    },
    BuiltInRole {
        name: "Owner",
        guid: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        keys: KeyAccess::Full,
        through: "its `*` includes `listKeys`",
    },
    BuiltInRole {
        name: "Azure AI Administrator",
        guid: "b78c5d69-af96-48a3-bf8d-a8b4d589de94",
        keys: KeyAccess::Full,
        through: "its `Microsoft.DocumentDb/databaseAccounts/*` includes `listKeys`",
    },
    BuiltInRole {
        name: "Cosmos DB Operator",
        guid: "230815da-be43-4aae-9cb4-875f7bd000aa",
        keys: KeyAccess::None,
        through: "its `notActions` exclude `listKeys`, `readonlyKeys`, `listConnectionStrings` and `regenerateKey`",
    },
    BuiltInRole {
        name: "CosmosBackupOperator",
        guid: "db7b14f2-5adf-42da-9f96-f2ee17bab5cb",
        keys: KeyAccess::None,
        through: "backup and restore actions only",
    },
    BuiltInRole {
        name: "CosmosRestoreOperator",
        guid: "5432c526-bc82-444a-b7ba-57c5b0b5b34f",
        keys: KeyAccess::None,
        through: "restore actions only",
    },
    BuiltInRole {
        name: "Reader",
        guid: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        keys: KeyAccess::None,
        through: "`*/read` only",
    },
];

/// The key operations of an account, for matching custom role actions.
const KEY_OPERATIONS: &[(&str, KeyAccess)] = &[
    ("microsoft.documentdb/databaseaccounts/listkeys/action", KeyAccess::Full),
    (
        "microsoft.documentdb/databaseaccounts/listconnectionstrings/action",
        KeyAccess::Full,
    ),
    (
        "microsoft.documentdb/databaseaccounts/regeneratekey/action",
        KeyAccess::Full,
    ),
    (
        "microsoft.documentdb/databaseaccounts/readonlykeys/action",
        KeyAccess::ReadOnly,
    ),
];

pub fn built_in_by_name(name: &str) -> Option<&'static BuiltInRole> {
    BUILT_IN_ROLES.iter().find(|r| r.name.eq_ignore_ascii_case(name.trim()))
}

pub fn built_in_by_guid(guid: &str) -> Option<&'static BuiltInRole> {
    BUILT_IN_ROLES.iter().find(|r| r.guid.eq_ignore_ascii_case(guid))
}

/// Whether an RBAC action pattern (`*` matches any run of characters) matches `op`, without
/// case, as Azure compares them.
pub fn action_matches(pattern: &str, op: &str) -> bool {
    let p = pattern.trim().to_ascii_lowercase();
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == op;
    }
    let mut rest = op;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The key access a custom role's `actions` minus `notActions` give, with the action that
/// grants it.
pub fn custom_key_access<'a>(
    actions: &'a [Fact<String>],
    not_actions: &[String],
) -> Option<(KeyAccess, &'a Fact<String>)> {
    let mut best: Option<(KeyAccess, &Fact<String>)> = None;
    for a in actions {
        for c in a.candidates() {
            let Some(pattern) = c.value() else { continue };
            for (op, access) in KEY_OPERATIONS {
                if action_matches(pattern, op)
                    && !not_actions.iter().any(|n| action_matches(n, op))
                    && best.is_none_or(|(b, _)| *access > b)
                {
                    best = Some((*access, c));
                }
            }
        }
    }
    best
}

/// A custom Azure role definition (`azurerm_role_definition`,
/// `Microsoft.Authorization/roleDefinitions`).
#[derive(Clone, Debug)]
pub struct MgmtRoleDefinition {
    pub address: String,
    pub header: Span,
    /// The GUID, when written.
    pub guid: Option<String>,
    pub role_name: Option<String>,
    pub actions: Vec<Fact<String>>,
    /// Known `notActions`.
    pub not_actions: Vec<String>,
}

/// Which role a management-plane assignment grants.
#[derive(Clone, Debug, PartialEq)]
pub enum MgmtRole {
    BuiltIn(&'static BuiltInRole),
    /// Index into [`super::Inventory::mgmt_role_definitions`].
    Custom(usize),
    /// A role that is neither a listed built-in nor defined in the inputs (a GUID or name).
    Other(String),
    Unknown,
}

/// What a management-plane assignment's scope covers.
#[derive(Clone, Debug, PartialEq)]
pub enum MgmtScope {
    Account(AccountIdx),
    /// A resource group: these accounts of the inputs are in it.
    ResourceGroup(Vec<AccountIdx>),
    /// A subscription: every account of the inputs.
    Subscription,
    /// Another resource, or not knowable.
    Other,
}

/// An Azure RBAC role assignment (`azurerm_role_assignment`,
/// `Microsoft.Authorization/roleAssignments`).
#[derive(Clone, Debug)]
pub struct MgmtRoleAssignment {
    pub address: String,
    pub instance: String,
    pub existence: Vec<Via>,
    pub header: Span,
    pub role: MgmtRole,
    /// Where the role is written (or the header).
    pub role_span: Span,
    pub scope: MgmtScope,
    /// Where the scope is written (`None`: absent, the deployment's resource group).
    pub scope_span: Option<Span>,
    pub principal: Option<Fact<String>>,
    /// `principal_type` / `principalType`, when known.
    pub principal_type: Option<Fact<String>>,
}

impl MgmtRoleAssignment {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }

    /// The accounts of the inputs the assignment covers.
    pub fn accounts(&self, n_accounts: usize) -> Vec<AccountIdx> {
        match &self.scope {
            MgmtScope::Account(a) => vec![*a],
            MgmtScope::ResourceGroup(a) => a.clone(),
            MgmtScope::Subscription => (0..n_accounts).collect(),
            MgmtScope::Other => Vec::new(),
        }
    }
}

/// The role a role definition id or name names: a listed built-in by GUID (the last segment
/// of `…/roleDefinitions/<guid>`) or by name, a custom definition by GUID, or another role.
pub fn role_of(text: &str, definitions: &[MgmtRoleDefinition]) -> MgmtRole {
    let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or(text);
    if super::cosmos::is_guid(last) {
        if let Some(r) = built_in_by_guid(last) {
            return MgmtRole::BuiltIn(r);
        }
        if let Some(i) = definitions
            .iter()
            .position(|d| d.guid.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(last)))
        {
            return MgmtRole::Custom(i);
        }
        return MgmtRole::Other(last.to_ascii_lowercase());
    }
    if text.contains('/') {
        return MgmtRole::Unknown;
    }
    match built_in_by_name(text) {
        Some(r) => MgmtRole::BuiltIn(r),
        None => match definitions
            .iter()
            .position(|d| d.role_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(text)))
        {
            Some(i) => MgmtRole::Custom(i),
            None => MgmtRole::Other(text.to_string()),
        },
    }
}

/// The role a partly known role definition id or name names: by its last literal segment.
pub fn role_of_pstr(id: &crate::eval::PStr, definitions: &[MgmtRoleDefinition]) -> MgmtRole {
    use crate::eval::Piece;
    match id.0.last() {
        Some(Piece::Lit(last)) if id.0.len() == 1 || last.contains('/') => {
            let text = if id.0.len() == 1 {
                last.as_str()
            } else {
                last.rsplit('/').next().unwrap_or_default()
            };
            role_of(text, definitions)
        }
        _ => MgmtRole::Unknown,
    }
}

/// What a resource id names, read from its literal structure (unknown pieces are names).
#[derive(Clone, Debug, PartialEq)]
pub enum IdKind {
    /// `/subscriptions/<s>`.
    Subscription,
    /// `/subscriptions/<s>/resourceGroups/<name>`; the name in lower case when known.
    ResourceGroup(Option<String>),
    /// `…/providers/Microsoft.DocumentDB/databaseAccounts/<name>` with nothing after it.
    Account(Option<String>),
    Other,
}

pub fn classify_id(id: &crate::eval::PStr) -> IdKind {
    use crate::eval::Piece;
    let mut text = String::new();
    for p in &id.0 {
        match p {
            Piece::Lit(s) => text.push_str(s),
            _ => text.push('\u{0}'),
        }
    }
    let segs: Vec<&str> = text.trim_matches('/').split('/').collect();
    let name = |s: &str| (!s.contains('\u{0}') && !s.is_empty()).then(|| s.to_ascii_lowercase());
    let is = |i: usize, want: &str| segs.get(i).is_some_and(|s| s.eq_ignore_ascii_case(want));
    if !text.starts_with('/') || !is(0, "subscriptions") {
        return IdKind::Other;
    }
    match segs.len() {
        2 => IdKind::Subscription,
        4 if is(2, "resourceGroups") => IdKind::ResourceGroup(name(segs[3])),
        8 if is(2, "resourceGroups")
            && is(4, "providers")
            && is(5, "Microsoft.DocumentDB")
            && is(6, "databaseAccounts") =>
        {
            IdKind::Account(name(segs[7]))
        }
        _ => IdKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        use crate::eval::{PStr, Piece};
        let sub = PStr(vec![Piece::Lit("/subscriptions/".into()), Piece::Unknown]);
        assert_eq!(classify_id(&sub), IdKind::Subscription);
        let rg = PStr(vec![
            Piece::Lit("/subscriptions/".into()),
            Piece::Unknown,
            Piece::Lit("/resourceGroups/RG-App".into()),
        ]);
        assert_eq!(classify_id(&rg), IdKind::ResourceGroup(Some("rg-app".into())));
        let acct = PStr::lit("/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc");
        assert_eq!(classify_id(&acct), IdKind::Account(Some("acc".into())));
        let child = PStr::lit(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc/sqlDatabases/x",
        );
        assert_eq!(classify_id(&child), IdKind::Other);
    }

    #[test]
    fn actions_match_like_azure() {
        let op = "microsoft.documentdb/databaseaccounts/listkeys/action";
        assert!(action_matches("*", op));
        assert!(action_matches("Microsoft.DocumentDB/*", op));
        assert!(action_matches("Microsoft.DocumentDb/databaseAccounts/*", op));
        assert!(action_matches("Microsoft.DocumentDB/databaseAccounts/listKeys/*", op));
        assert!(action_matches("*/action", op));
        assert!(!action_matches("*/read", op));
        assert!(!action_matches(
            "Microsoft.DocumentDB/databaseAccounts/readonlykeys/action",
            op
        ));
        assert!(!action_matches("Microsoft.Storage/*", op));
    }

    #[test]
    fn roles_by_guid_and_name() {
        let id =
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/5bd9cd88-fe45-4216-938b-f97437e15450";
        assert_eq!(role_of(id, &[]), MgmtRole::BuiltIn(&BUILT_IN_ROLES[0]));
        assert!(matches!(role_of("contributor", &[]), MgmtRole::BuiltIn(r) if r.keys == KeyAccess::Full));
        assert!(
            matches!(role_of("230815da-be43-4aae-9cb4-875f7bd000aa", &[]), MgmtRole::BuiltIn(r) if r.keys == KeyAccess::None)
        );
        assert_eq!(
            role_of("Storage Blob Data Reader", &[]),
            MgmtRole::Other("Storage Blob Data Reader".into())
        );
    }

    #[test]
    fn custom_roles_subtract_not_actions() {
        let span = Span::new(crate::source::FileId(0), 0..0);
        let lit = |s: &str| Fact::Literal {
            value: s.to_string(),
            span,
        };
        let star = [lit("Microsoft.DocumentDB/databaseAccounts/*")];
        assert_eq!(custom_key_access(&star, &[]).map(|x| x.0), Some(KeyAccess::Full));
        let operator_like = vec![
            "Microsoft.DocumentDB/databaseAccounts/listKeys/*".to_string(),
            "Microsoft.DocumentDB/databaseAccounts/listConnectionStrings/*".to_string(),
            "Microsoft.DocumentDB/databaseAccounts/regenerateKey/*".to_string(),
            "Microsoft.DocumentDB/databaseAccounts/readonlyKeys/*".to_string(),
        ];
        assert_eq!(custom_key_access(&star, &operator_like), None);
        let ro = [lit("Microsoft.DocumentDB/databaseAccounts/readonlykeys/action")];
        assert_eq!(custom_key_access(&ro, &[]).map(|x| x.0), Some(KeyAccess::ReadOnly));
    }
}
