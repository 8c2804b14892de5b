//! The typed Cosmos DB view that rules read.
//!
//! Everything format-specific (attribute names, azurerm 5.0's inverted
//! `local_authentication_enabled`, ARM casing) is resolved by the per-dialect mapping
//! ([`azurerm`]) before a rule sees it. Every security-relevant attribute is a [`Fact`] that
//! says both its value and how it is known.

pub mod arm;
pub mod azurerm;
pub mod cosmos;
pub mod extract;
pub mod keys;
mod lists;
pub mod network;
pub mod rbac;

pub use cosmos::DataApi;

use crate::eval::Via;
use crate::source::Span;

/// A value and how it is known.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact<T> {
    /// Written literally at `span`.
    Literal { value: T, span: Span },
    /// Written at `span` as an expression (variable, local, parameter, module input) whose
    /// value was found through `via`, outermost hop first.
    Resolved { value: T, span: Span, via: Vec<Via> },
    /// Not written; the provider's or Azure's default applies. `note` says which, in the
    /// words of the input's dialect ("`local_authentication_disabled` is not set; azurerm
    /// defaults it to `false`").
    Default { value: T, note: String },
    /// Written at `span` but not knowable offline.
    Unknown { span: Span, why: String },
    /// One of several candidates (a value set: both branches of a conditional whose
    /// condition is not known, an input's allowed values); each candidate's `via` starts with
    /// labels saying when it applies. Rules decide over the candidates: they fire when one is
    /// insecure and say when. Never nested; at least two.
    OneOf(Vec<Fact<T>>),
}

impl<T> Fact<T> {
    /// The value, when there is exactly one (not for a value set).
    pub fn value(&self) -> Option<&T> {
        match self {
            Fact::Literal { value, .. } | Fact::Resolved { value, .. } | Fact::Default { value, .. } => Some(value),
            Fact::Unknown { .. } | Fact::OneOf(_) => None,
        }
    }

    /// The candidates: those of a value set, or the fact itself.
    pub fn candidates(&self) -> &[Fact<T>] {
        match self {
            Fact::OneOf(c) => c,
            _ => std::slice::from_ref(self),
        }
    }

    /// The first candidate whose value satisfies `insecure`.
    pub fn find(&self, insecure: impl Fn(&T) -> bool) -> Option<&Fact<T>> {
        self.candidates().iter().find(|c| c.value().is_some_and(&insecure))
    }

    /// A value set of `facts` (flattened; one fact is itself).
    pub fn one_of(facts: Vec<Fact<T>>) -> Fact<T> {
        let mut out = Vec::new();
        for f in facts {
            match f {
                Fact::OneOf(inner) => out.extend(inner),
                f => out.push(f),
            }
        }
        if out.len() == 1 {
            out.pop().expect("one fact")
        } else {
            Fact::OneOf(out)
        }
    }

    /// Where the value is written, if it is.
    pub fn span(&self) -> Option<Span> {
        match self {
            Fact::Literal { span, .. } | Fact::Resolved { span, .. } | Fact::Unknown { span, .. } => Some(*span),
            Fact::Default { .. } => None,
            Fact::OneOf(c) => c.iter().find_map(Fact::span),
        }
    }

    pub fn via(&self) -> &[Via] {
        match self {
            Fact::Resolved { via, .. } => via,
            _ => &[],
        }
    }

    pub fn map<U>(self, f: &impl Fn(T) -> U) -> Fact<U> {
        match self {
            Fact::Literal { value, span } => Fact::Literal { value: f(value), span },
            Fact::Resolved { value, span, via } => Fact::Resolved {
                value: f(value),
                span,
                via,
            },
            Fact::Default { value, note } => Fact::Default { value: f(value), note },
            Fact::Unknown { span, why } => Fact::Unknown { span, why },
            Fact::OneOf(c) => Fact::OneOf(c.into_iter().map(|x| x.map(f)).collect()),
        }
    }
}

/// Which Cosmos DB API an account serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKind {
    NoSql,
    Mongo,
    Cassandra,
    Table,
    Gremlin,
    /// `kind` or `capabilities` could not be evaluated.
    Unknown,
}

impl ApiKind {
    pub fn label(self) -> &'static str {
        match self {
            ApiKind::NoSql => "NoSQL",
            ApiKind::Mongo => "MongoDB",
            ApiKind::Cassandra => "Cassandra",
            ApiKind::Table => "Table",
            ApiKind::Gremlin => "Gremlin",
            ApiKind::Unknown => "unknown",
        }
    }
}

/// How to write the secure form in the input's own language; rules put these in their
/// help text so the advice is concrete without the rule knowing the format.
#[derive(Debug)]
pub struct Hints {
    /// The setting that turns keys off.
    pub disable_local_auth: &'static str,
    /// How to grant Microsoft Entra data-plane access to an account of an API (`None`: the
    /// API is not known): the role assignment resource to create.
    pub data_role_route: fn(Option<DataApi>) -> String,
    pub disable_key_metadata_writes: &'static str,
    pub data_actions: &'static str,
    pub database_scope: &'static str,
    /// How to close or restrict the public endpoint (CDB005).
    pub public_network: &'static str,
    /// How to replace an IP rule that lets everyone in (CDB006).
    pub firewall: &'static str,
    pub minimal_tls: &'static str,
    pub mongo_rbac: &'static str,
    pub customer_managed_key: &'static str,
    pub diagnostic_settings: &'static str,
    pub private_endpoint: &'static str,
}

/// Index of an account in [`Inventory::accounts`].
pub type AccountIdx = usize;
/// Index of a definition in [`Inventory::role_definitions`].
pub type RoleDefIdx = usize;

#[derive(Clone, Debug)]
pub struct CosmosAccount {
    /// As declared where the span is: `azurerm_cosmosdb_account.main`, `account`.
    pub address: String,
    /// This instance in its unit: `module.db["eu"].azurerm_cosmosdb_account.this["a"]`.
    pub instance: String,
    /// Labels saying why it may not be deployed (it is checked anyway; see `eval::exist`).
    pub existence: Vec<Via>,
    pub header: Span,
    pub hints: &'static Hints,
    /// The account name, when it is a known string.
    pub name: Option<String>,
    pub api: ApiKind,
    /// When `kind` is a value set whose candidates serve different APIs: the conditions
    /// under which `api` is the one (empty otherwise).
    pub api_when: Vec<Via>,
    pub capabilities: Vec<String>,
    /// Whether Entra ID data-plane RBAC is enabled for MongoDB (capability
    /// `EnableMongoRoleBasedAccessControl`).
    pub mongo_rbac: bool,
    /// Whether clients may authenticate with account keys.
    pub local_auth_enabled: Fact<bool>,
    /// Whether account keys may change databases, containers and throughput.
    pub key_metadata_writes_enabled: Fact<bool>,
    /// Whether every capability name is known, so that one missing from `capabilities` is
    /// really missing (a `dynamic` block over an unknown list hides names).
    pub capabilities_known: bool,
    /// Where the capabilities are written (the first name), for labels.
    pub capabilities_at: Option<Span>,
    pub network: Network,
    /// The minimum TLS version the account accepts, as written (`Tls`, `Tls11`, `Tls12`).
    /// `None` when not set: sources disagree on the default, so none is assumed.
    pub minimal_tls: Option<Fact<String>>,
    /// Whether data is encrypted with a customer-managed key (`keyVaultKeyUri`,
    /// `key_vault_key_id` set).
    pub customer_managed_key: Fact<bool>,
}

/// `publicNetworkAccess`: whether the account's public endpoint takes requests at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicAccess {
    Enabled,
    Disabled,
    /// A network security perimeter governs public access; without one the account is in
    /// lockdown (only private endpoint traffic).
    SecuredByPerimeter,
}

/// The entries of a list attribute (IP rules, VNet rules).
#[derive(Clone, Debug)]
pub struct Entries {
    /// The entries known to exist, each with its value as written (Unknown when only its
    /// value is not known: it is still an entry).
    pub items: Vec<Fact<String>>,
    /// The list as a whole: `Default` when it is not set (no entries), `Literal` /
    /// `Resolved` where it is written, `Unknown` when entries other than `items` may exist
    /// (a parameter without a value, a `dynamic` block over an unknown collection).
    pub list: Fact<()>,
}

impl Entries {
    /// No list written: no entries, with the note saying so.
    pub fn absent(note: impl Into<String>) -> Entries {
        Entries {
            items: Vec::new(),
            list: Fact::Default {
                value: (),
                note: note.into(),
            },
        }
    }

    /// Known to have no entries.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.list.value().is_some()
    }
}

/// An account's network access settings: the decision tree of "Configure IP firewall" and
/// "Configure access from virtual networks" (public access → VNet filter and rules → IP rules).
#[derive(Clone, Debug)]
pub struct Network {
    pub public_access: Fact<PublicAccess>,
    /// `isVirtualNetworkFilterEnabled`: whether VNet rules are enforced.
    pub vnet_filter: Fact<bool>,
    /// Subnets of the VNet rules.
    pub vnet_rules: Entries,
    /// IP addresses and CIDR ranges; in a comma-separated string each entry points at its
    /// own text.
    pub ip_rules: Entries,
}

impl Network {
    /// Which settings the decision tree (CDB005, CDB006) needs, in the order
    /// [public access, IP rules, VNet filter, VNet rules]: IP rules unless the public endpoint
    /// is disabled; the VNet filter only when public access is enabled and IP rules are
    /// known to be absent; the VNet rules only when the filter may be on as well. Only the
    /// unknown values among those are worth listing as unresolved.
    pub fn needed(&self) -> [bool; 4] {
        // Over a value set: needed when some candidate needs it.
        let access = |a: PublicAccess| self.public_access.candidates().iter().any(|c| c.value() == Some(&a));
        let ip = self
            .public_access
            .candidates()
            .iter()
            .any(|c| c.value() != Some(&PublicAccess::Disabled));
        let filter = access(PublicAccess::Enabled) && self.ip_rules.is_empty();
        let vnet = filter && self.vnet_filter.value() != Some(&false);
        [true, ip, filter, vnet]
    }
}

/// What a diagnostic setting or a private endpoint connection is for.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// These accounts: every instance of a referenced declaration, or the accounts of a
    /// name.
    Accounts(Vec<AccountIdx>),
    /// A resource that is not an account of the inputs.
    Other,
    /// Not knowable offline: it may be any account.
    Unknown,
}

impl Target {
    /// Whether it is for account `a`.
    pub fn covers(&self, a: AccountIdx) -> bool {
        matches!(self, Target::Accounts(t) if t.contains(&a))
    }
}

/// A module call that is not followed (a registry module `terraform init` did not install, a
/// local module that cannot be read) and is given an account's id or name: it may deploy a
/// diagnostic setting or a private endpoint for those accounts (claranet's modules pass the
/// account to `claranet/diagnostic-settings/azurerm`).
#[derive(Clone, Debug)]
pub struct OpaqueCall {
    pub name: String,
    pub header: Span,
    pub accounts: Vec<AccountIdx>,
}

/// `azurerm_monitor_diagnostic_setting`, `Microsoft.Insights/diagnosticSettings`, or the
/// legacy `Microsoft.DocumentDB/databaseAccounts/providers/diagnosticSettings`.
#[derive(Clone, Debug)]
pub struct DiagnosticSetting {
    pub address: String,
    pub header: Span,
    /// Labels saying why it may not be deployed (empty: it is).
    pub existence: Vec<Via>,
    pub target: Target,
}

/// `azurerm_private_endpoint`, `Microsoft.Network/privateEndpoints`: one target per
/// connection (automatic and manual).
#[derive(Clone, Debug)]
pub struct PrivateEndpoint {
    pub address: String,
    pub header: Span,
    /// Labels saying why it may not be deployed (empty: it is).
    pub existence: Vec<Via>,
    pub targets: Vec<Target>,
}

/// A data-plane role definition of any API ([`DataApi`]): `sqlRoleDefinitions`,
/// `tableRoleDefinitions`, `cassandraRoleDefinitions`, `gremlinRoleDefinitions`,
/// `mongoMIRoleDefinitions`, `azurerm_cosmosdb_sql_role_definition`.
#[derive(Clone, Debug)]
pub struct RoleDefinition {
    pub api: DataApi,
    pub address: String,
    pub instance: String,
    pub existence: Vec<Via>,
    pub header: Span,
    pub hints: &'static Hints,
    /// The definition's GUID, when written.
    pub role_id: Option<String>,
    pub role_name: Option<String>,
    /// `type: 'BuiltInRole'` (a portal export of a built-in role, which the service owns), or
    /// the GUID of the API's built-in Reader or Contributor.
    pub built_in: bool,
    /// Each data action as written (one per array element).
    pub data_actions: Vec<Fact<String>>,
    pub account: Option<AccountIdx>,
}

/// Which role an assignment grants.
#[derive(Clone, Debug, PartialEq)]
pub enum RoleRef {
    /// The API's built-in Data Reader (`…0001` for NoSQL and Table, `…0003` for Cassandra,
    /// Gremlin and MongoDB).
    BuiltInReader,
    /// The API's built-in Data Contributor (`…0002`, or `…0004`).
    BuiltInContributor,
    Custom(RoleDefIdx),
    /// A literal id that is neither built in nor defined in the inputs.
    UnknownId(String),
    Unknown,
}

/// What an assignment's scope covers.
#[derive(Clone, Debug, PartialEq)]
pub enum AssignmentScope {
    /// The whole account: `/` or the account's id.
    Account,
    /// `/dbs/<db>`; the name when known.
    Database(Option<String>),
    /// `/dbs/<db>/colls/<coll>`.
    Container(Option<String>, Option<String>),
}

/// A data-plane role assignment of any API ([`DataApi`]).
#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub api: DataApi,
    pub address: String,
    pub instance: String,
    pub existence: Vec<Via>,
    pub header: Span,
    pub hints: &'static Hints,
    pub role: RoleRef,
    /// Where the role definition id is written (or the header when absent).
    pub role_span: Span,
    pub scope: Fact<AssignmentScope>,
    /// The principal (object id) as written; `None` when absent.
    pub principal: Option<Fact<String>>,
    pub account: Option<AccountIdx>,
}

/// A role named by a MongoDB native user or inherited by a role definition: `{ db, role }`
/// in ARM/Bicep/azapi, an element of `inherited_role_names` in azurerm (whose database is
/// always the definition's own).
#[derive(Clone, Debug)]
pub struct MongoRoleRef {
    pub role: Fact<String>,
    /// `None` when not written: the database of the user or role definition that names it.
    pub db: Option<Fact<String>>,
}

/// One privilege of a MongoDB native role: actions on a database or a collection.
#[derive(Clone, Debug)]
pub struct MongoPrivilege {
    /// `resource.db` / `resource.collection` (`None`: not written; no collection is the
    /// whole database).
    pub db: Option<Fact<String>>,
    pub collection: Option<Fact<String>>,
    /// Each action as written (`find`, `insert`, …).
    pub actions: Vec<Fact<String>>,
    /// Where the privilege is written.
    pub span: Span,
}

/// `mongodbRoleDefinitions`, `azurerm_cosmosdb_mongo_role_definition`: a MongoDB native role
/// of one database.
#[derive(Clone, Debug)]
pub struct MongoRoleDefinition {
    pub address: String,
    pub instance: String,
    pub existence: Vec<Via>,
    pub header: Span,
    pub role_name: Option<Fact<String>>,
    /// The database the role lives in (`databaseName`; azurerm: the database of
    /// `cosmos_mongo_database_id`).
    pub database: Option<Fact<String>>,
    /// `type: 'BuiltInRole'` (the service's own role, exported).
    pub built_in: bool,
    /// A Bicep `existing` declaration: the role is defined elsewhere, its privileges are not
    /// in the inputs.
    pub existing: bool,
    pub privileges: Vec<MongoPrivilege>,
    /// Inherited roles.
    pub roles: Vec<MongoRoleRef>,
    pub account: Option<AccountIdx>,
}

/// `mongodbUserDefinitions`, `azurerm_cosmosdb_mongo_user_definition`: a MongoDB native
/// password user. The password is never read.
#[derive(Clone, Debug)]
pub struct MongoUser {
    pub address: String,
    pub instance: String,
    pub existence: Vec<Via>,
    pub header: Span,
    pub user_name: Option<Fact<String>>,
    pub database: Option<Fact<String>>,
    pub roles: Vec<MongoRoleRef>,
    pub account: Option<AccountIdx>,
}

/// What a [`MongoRoleRef`] names.
#[derive(Clone, Debug, PartialEq)]
pub enum MongoRole {
    /// `read`, `readWrite`, `dbAdmin`, `dbOwner` (as the documentation spells them).
    BuiltIn(&'static str),
    /// A role definition of the inputs (index into [`Inventory::mongo_roles`]).
    Custom(usize),
    /// A literal name that is neither built in nor defined for that account and database in
    /// the inputs (and every definition there is known).
    Undefined(String),
    /// The name, or a definition that may be the one, is not known offline.
    Unknown,
}

impl MongoRoleDefinition {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }
}

impl MongoUser {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }
}

/// What a finding is about: the address as declared, this instance, and why it may not be
/// deployed.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub address: &'a str,
    pub instance: &'a str,
    pub existence: &'a [Via],
}

impl CosmosAccount {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }
}

impl RoleDefinition {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }
}

impl RoleAssignment {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            address: &self.address,
            instance: &self.instance,
            existence: &self.existence,
        }
    }
}

/// A value a rule needed but could not know.
#[derive(Clone, Debug)]
pub struct Unresolved {
    pub span: Span,
    pub what: String,
    pub why: String,
}

/// A resource (or an instance of it, or a module instance) that is not deployed with these
/// inputs: a condition known false, a count of 0, an empty collection — by values no input
/// can change or that the user set. Not checked; listed by `--show-unresolved`.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// The condition, count or collection that decides it.
    pub span: Span,
    /// `azurerm_cosmosdb_account.optional`, `module.m["x"]`.
    pub resource: String,
    pub why: String,
}

/// Unresolved values that only a rule off by default needs start with these words, so that
/// a run which does not select the rule does not list them: (prefix of
/// [`Unresolved::what`], rule id).
pub const OPT_IN_UNRESOLVED: &[(&str, &str)] = &[
    ("the target of diagnostic setting ", "CDB012"),
    ("the target of private endpoint ", "CDB013"),
    ("`key_vault_key_id` of ", "CDB011"),
    ("`keyVaultKeyUri` of ", "CDB011"),
];

/// Everything the rules see.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub accounts: Vec<CosmosAccount>,
    /// Data-plane role definitions and assignments of every API.
    pub role_definitions: Vec<RoleDefinition>,
    pub role_assignments: Vec<RoleAssignment>,
    /// MongoDB native role definitions and users (`mongodbRoleDefinitions`,
    /// `mongodbUserDefinitions`).
    pub mongo_roles: Vec<MongoRoleDefinition>,
    pub mongo_users: Vec<MongoUser>,
    pub diagnostic_settings: Vec<DiagnosticSetting>,
    pub private_endpoints: Vec<PrivateEndpoint>,
    /// Module calls that are not followed but receive an account's id or name.
    pub opaque_calls: Vec<OpaqueCall>,
    /// Azure RBAC (management plane) custom role definitions and role assignments.
    pub mgmt_role_definitions: Vec<rbac::MgmtRoleDefinition>,
    pub mgmt_role_assignments: Vec<rbac::MgmtRoleAssignment>,
    /// Where account keys are used (references and `list*()` calls, with their sinks).
    pub key_uses: Vec<keys::KeyUse>,
    /// What is not deployed (rules do not read it; the report lists it).
    pub skipped: Vec<Skipped>,
}

impl Inventory {
    /// Appends another inventory of the same unit, re-basing its indices.
    pub fn extend(&mut self, other: Inventory) {
        let (accounts, defs) = (self.accounts.len(), self.role_definitions.len());
        self.skipped.extend(other.skipped);
        self.accounts.extend(other.accounts);
        self.role_definitions
            .extend(other.role_definitions.into_iter().map(|mut d| {
                d.account = d.account.map(|a| a + accounts);
                d
            }));
        self.role_assignments
            .extend(other.role_assignments.into_iter().map(|mut a| {
                a.account = a.account.map(|x| x + accounts);
                if let RoleRef::Custom(d) = a.role {
                    a.role = RoleRef::Custom(d + defs);
                }
                a
            }));
        self.mongo_roles.extend(other.mongo_roles.into_iter().map(|mut d| {
            d.account = d.account.map(|a| a + accounts);
            d
        }));
        self.mongo_users.extend(other.mongo_users.into_iter().map(|mut u| {
            u.account = u.account.map(|a| a + accounts);
            u
        }));
        let rebase = |t: Target| match t {
            Target::Accounts(a) => Target::Accounts(a.into_iter().map(|a| a + accounts).collect()),
            t => t,
        };
        self.diagnostic_settings
            .extend(other.diagnostic_settings.into_iter().map(|mut d| {
                d.target = rebase(d.target);
                d
            }));
        self.private_endpoints
            .extend(other.private_endpoints.into_iter().map(|mut p| {
                p.targets = p.targets.into_iter().map(rebase).collect();
                p
            }));
        self.opaque_calls.extend(other.opaque_calls.into_iter().map(|mut c| {
            c.accounts.iter_mut().for_each(|a| *a += accounts);
            c
        }));
        self.key_uses.extend(other.key_uses.into_iter().map(|mut k| {
            k.account = k.account.map(|a| a + accounts);
            k
        }));
        let mgmt_defs = self.mgmt_role_definitions.len();
        self.mgmt_role_definitions.extend(other.mgmt_role_definitions);
        self.mgmt_role_assignments
            .extend(other.mgmt_role_assignments.into_iter().map(|mut a| {
                use rbac::{MgmtRole, MgmtScope};
                if let MgmtRole::Custom(d) = a.role {
                    a.role = MgmtRole::Custom(d + mgmt_defs);
                }
                a.scope = match a.scope {
                    MgmtScope::Account(x) => MgmtScope::Account(x + accounts),
                    MgmtScope::ResourceGroup(xs) => {
                        MgmtScope::ResourceGroup(xs.into_iter().map(|x| x + accounts).collect())
                    }
                    s => s,
                };
                a
            }));
    }
}

impl Inventory {
    /// What a MongoDB role reference of a user or role definition of `account` in database
    /// `owner_db` names: a built-in role, a role definition of the inputs of that account
    /// and database (names compared without case), a name defined nowhere in the inputs, or
    /// Unknown when the name — or a definition that may be the one — is not known offline.
    pub fn mongo_role(
        &self,
        account: Option<AccountIdx>,
        owner_db: Option<&Fact<String>>,
        r: &MongoRoleRef,
    ) -> MongoRole {
        let Some(name) = r.role.value() else {
            return MongoRole::Unknown;
        };
        if let Some((built_in, _)) = cosmos::mongo::built_in(name) {
            return MongoRole::BuiltIn(built_in);
        }
        // The database: as written, else the owner's. `None`: not known.
        let db: Option<&str> = match &r.db {
            Some(f) => f.value().map(String::as_str),
            None => owner_db.and_then(Fact::value).map(String::as_str),
        };
        let mut maybe = false;
        for (i, d) in self.mongo_roles.iter().enumerate() {
            // A definition whose account is not known may be for this one.
            if account.is_some() && d.account.is_some() && d.account != account {
                continue;
            }
            let Some(def_name) = d.role_name.as_ref().and_then(Fact::value) else {
                maybe = true;
                continue;
            };
            if !def_name.eq_ignore_ascii_case(name) {
                continue;
            }
            let def_db = d.database.as_ref().and_then(Fact::value);
            match (db, def_db) {
                (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => continue,
                (Some(_), Some(_)) if account.is_some() && d.account == account && !d.existing => {
                    return MongoRole::Custom(i)
                }
                _ => maybe = true,
            }
        }
        if maybe {
            MongoRole::Unknown
        } else {
            MongoRole::Undefined(name.clone())
        }
    }
}

/// What a unit's modules and nested deployments left out: instances not deployed, and
/// module calls whose instances were too many to evaluate.
pub(crate) fn skipped_modules(not_deployed: &[(String, crate::eval::exist::NotDeployed)], inv: &mut Inventory) {
    for (what, n) in not_deployed {
        inv.skipped.push(Skipped {
            span: n.span,
            resource: what.clone(),
            why: n.why.clone(),
        });
    }
}

/// The note a unit gets when it ran out of evaluation budget: once, at the start of the
/// file of its first resource, saying what it means for the findings.
pub(crate) fn budget_note(budget: &crate::eval::Budget, resources: &[crate::eval::UnitResource]) -> Option<Unresolved> {
    if !budget.exhausted() {
        return None;
    }
    let first = resources.first()?.resource.span;
    Some(Unresolved {
        span: Span::new(first.file, 0..0),
        what: "evaluation".into(),
        why: format!(
            "{} after {} work units: values evaluated after that are unknown, so findings may be missing",
            crate::eval::budget::EXCEEDED,
            budget.total()
        ),
    })
}

/// The API of an account whose `kind` is one of `kinds` (each with the conditions it
/// applies under): when they agree, that API; otherwise the first one that supports Microsoft
/// Entra data-plane RBAC — the one key-based findings are about — with its conditions.
pub(crate) fn api_of_kinds(
    kinds: &[(String, Vec<Via>)],
    capabilities: &[String],
    known: bool,
) -> (ApiKind, bool, Vec<Via>) {
    let apis: Vec<(ApiKind, bool, &Vec<Via>)> = kinds
        .iter()
        .map(|(k, when)| {
            let (api, rbac) = cosmos::account_api(Some(k), capabilities, known);
            (api, rbac, when)
        })
        .collect();
    match apis.first() {
        None => {
            let (api, rbac) = cosmos::account_api(None, capabilities, false);
            (api, rbac, Vec::new())
        }
        Some(&(api, rbac, _)) if apis.iter().all(|(a, _, _)| *a == api) => (api, rbac, Vec::new()),
        Some(&(api, rbac, when)) => {
            let entra = |a: ApiKind, rbac: bool| a == ApiKind::NoSql || (a == ApiKind::Mongo && rbac);
            match apis.iter().find(|(a, r, _)| entra(*a, *r)) {
                Some(&(a, r, w)) => (a, r, w.clone()),
                None => (api, rbac, when.clone()),
            }
        }
    }
}

/// The candidates of an account's `kind` (one, unless it is a value set), with the
/// conditions each applies under; `None` candidates are not known.
pub(crate) fn kind_candidates(found: &extract::Found) -> Vec<(Option<String>, Vec<Via>)> {
    found
        .split()
        .iter()
        .map(|f| (f.value.as_str(), f.value.whens().cloned().collect()))
        .collect()
}

/// An assignment's scope as a fact: classified (account, database, container), or Unknown
/// with why. Shared by every mapping so scopes read the same in every format.
pub(crate) fn scope_fact(
    found: Option<&extract::Found>,
    header: crate::source::Span,
    kind_of: impl Fn(&crate::eval::Symbol) -> cosmos::SymbolKind,
) -> Fact<AssignmentScope> {
    scope_fact_dyn(found, header, &kind_of)
}

fn scope_fact_dyn(
    found: Option<&extract::Found>,
    header: crate::source::Span,
    kind_of: &dyn Fn(&crate::eval::Symbol) -> cosmos::SymbolKind,
) -> Fact<AssignmentScope> {
    use crate::eval::Kind;
    let Some(f) = found else {
        return Fact::Unknown {
            span: header,
            why: "`scope` is not set".into(),
        };
    };
    if let Kind::Choice(_) = f.value.kind {
        // A value set of scopes: classified per candidate.
        return Fact::one_of(
            f.split()
                .iter()
                .map(|c| scope_fact_dyn(Some(c), header, kind_of))
                .collect(),
        );
    }
    let classified = match &f.value.kind {
        Kind::Str(s) => cosmos::classify_scope(s, kind_of),
        _ => None,
    };
    match classified {
        Some(sc) => f.fact(|_| Some(sc.clone())),
        None => Fact::Unknown {
            span: f.expr_span.unwrap_or(f.use_span),
            why: match &f.value.kind {
                Kind::Unknown(w) => w.clone(),
                _ => format!(
                    "scope {} is not an account, database or container path",
                    f.value.describe()
                ),
            },
        },
    }
}

/// Why the role of an assignment is not known, from its role definition id's value.
pub(crate) fn role_unknown_why(v: &crate::eval::Value) -> String {
    match &v.kind {
        crate::eval::Kind::Unknown(why) => format!("role could not be resolved: {why}"),
        crate::eval::Kind::Choice(c) => format!(
            "role could not be resolved: it is one of {} candidates, not all of them known roles",
            c.len()
        ),
        _ => format!(
            "role could not be resolved: {} names no built-in role and no role definition of the inputs",
            v.describe()
        ),
    }
}

/// The role a role definition id of `api` names: a definition of this unit by reference
/// (its `id`), else by the GUID at the end of the id.
pub(crate) fn role_ref(
    id: &crate::eval::PStr,
    api: DataApi,
    defined_by_key: &std::collections::HashMap<crate::eval::ResKey, RoleDefIdx>,
    definitions: &[RoleDefinition],
) -> RoleRef {
    if let Some(sym) = id.as_sym() {
        return match defined_by_key.get(&sym.resource) {
            Some(&d) if sym.attr == "id" => RoleRef::Custom(d),
            _ => RoleRef::Unknown,
        };
    }
    cosmos::role_ref_by_guid(id, api, definitions)
}

/// What a resource id (a diagnostic setting's `scope` or `target_resource_id`, a private
/// endpoint's connection) names. `sym_target` says what a reference names (`account.id`,
/// `azurerm_cosmosdb_account.a.id`); a written-out id or a relative name
/// (`/subscriptions/…/providers/Microsoft.DocumentDB/databaseAccounts/<name>`,
/// `Microsoft.DocumentDB/databaseAccounts/<name>`, as Bicep compiles `scope: account`)
/// names the account of that name. Shared by every mapping.
pub(crate) fn target_of(
    value: &crate::eval::Value,
    sym_target: &dyn Fn(&crate::eval::Symbol) -> Target,
    accounts: &[CosmosAccount],
) -> Target {
    use crate::eval::{Kind, Piece, Symbol};
    const MARKER: &str = "microsoft.documentdb/databaseaccounts/";
    let s = match &value.kind {
        Kind::Str(s) => s,
        Kind::Unknown(_) => return Target::Unknown,
        _ => return Target::Other,
    };
    if let Some(sym) = s.as_sym() {
        return if sym.attr == "id" {
            sym_target(sym)
        } else {
            Target::Other
        };
    }
    let by_name = |name: &str| account_by_name(name, accounts);
    let pieces = &s.0;
    for (i, p) in pieces.iter().enumerate() {
        let Piece::Lit(text) = p else { continue };
        let Some(at) = text.to_ascii_lowercase().rfind(MARKER) else {
            continue;
        };
        let rest = &text[at + MARKER.len()..];
        let after = &pieces[i + 1..];
        // Text after the account name: a child resource (`…/sqlDatabases/x`), not the account.
        let is_child = |tail: &str| !tail.trim_matches('/').is_empty();
        if !rest.is_empty() {
            return match rest.split_once('/') {
                Some((_, tail)) if is_child(tail) || !after.is_empty() => Target::Other,
                Some((name, _)) => by_name(name),
                None if !after.is_empty() => Target::Unknown,
                None => by_name(rest),
            };
        }
        // The name is the next piece.
        let tail_is_child = match &after.get(1..) {
            Some([]) | None => false,
            Some([Piece::Lit(t)]) => is_child(t),
            Some(_) => true,
        };
        if tail_is_child {
            return Target::Other;
        }
        return match after.first() {
            Some(Piece::Sym(sym)) if sym.attr == "name" => sym_target(&Symbol {
                resource: sym.resource,
                attr: "id".into(),
            }),
            Some(Piece::Sym(_)) => Target::Other,
            _ => Target::Unknown,
        };
    }
    // A written-out id of another type (`resourceId('Microsoft.KeyVault/vaults', …)`):
    // whatever its subscription or name, not an account.
    let names_a_type = pieces.iter().any(|p| match p {
        Piece::Lit(text) => text
            .to_ascii_lowercase()
            .rsplit_once("/providers/")
            .is_some_and(|(_, t)| t.split('/').filter(|s| !s.is_empty()).count() >= 2),
        _ => false,
    });
    if !names_a_type && pieces.iter().any(|p| matches!(p, Piece::Unknown)) {
        Target::Unknown
    } else {
        Target::Other
    }
}

/// The account named `name` (Azure compares names without case); an account whose name is
/// not known may be the one.
pub(crate) fn account_by_name(name: &str, accounts: &[CosmosAccount]) -> Target {
    let named: Vec<AccountIdx> = accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|(i, _)| i)
        .collect();
    if !named.is_empty() {
        Target::Accounts(named)
    } else if accounts.iter().any(|a| a.name.is_none()) {
        Target::Unknown
    } else {
        Target::Other
    }
}

/// Calls `found` with each resource a value refers to (in strings, lists, objects and the
/// candidates of a value set), bounded by the value's size.
pub(crate) fn resources_in(v: &crate::eval::Value, found: &mut dyn FnMut(crate::eval::ResKey)) {
    match &v.kind {
        crate::eval::Kind::Str(s) => s.0.iter().for_each(|p| {
            if let crate::eval::Piece::Sym(sym) = p {
                found(sym.resource);
            }
        }),
        crate::eval::Kind::Array(items) | crate::eval::Kind::Choice(items) => {
            items.iter().for_each(|i| resources_in(i, found))
        }
        crate::eval::Kind::Object(fields) => fields.iter().for_each(|(_, i)| resources_in(i, found)),
        _ => {}
    }
}

/// Whether a customer-managed key is set, from the key id or URI found (`None`: not
/// written). `null` and `""` are not set; a reference (`azurerm_key_vault_key.k.versionless_id`)
/// or a partly known URI is set.
pub(crate) fn key_fact(found: Option<&extract::Found>, absent: &str) -> Fact<bool> {
    use crate::eval::Kind;
    match found {
        None => Fact::Default {
            value: false,
            note: absent.to_string(),
        },
        Some(f) if f.is_null() => Fact::Default {
            value: false,
            note: absent.to_string(),
        },
        Some(f) => f.fact(|v| match &v.kind {
            Kind::Str(s) => Some(!s.is_empty() && s.as_lit().is_none_or(|l| !l.trim().is_empty())),
            _ => None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Kind, PStr, Piece, ResKey, Symbol, Value};

    fn account(name: Option<&str>) -> CosmosAccount {
        let span = Span::new(crate::source::FileId(0), 0..0);
        let none = || Entries::absent("");
        CosmosAccount {
            address: "a".into(),
            instance: "a".into(),
            existence: Vec::new(),
            api_when: Vec::new(),
            header: span,
            hints: &azurerm::HINTS,
            name: name.map(str::to_string),
            api: ApiKind::NoSql,
            capabilities: Vec::new(),
            mongo_rbac: false,
            local_auth_enabled: Fact::Default {
                value: true,
                note: String::new(),
            },
            key_metadata_writes_enabled: Fact::Default {
                value: true,
                note: String::new(),
            },
            capabilities_known: true,
            capabilities_at: None,
            network: Network {
                public_access: Fact::Default {
                    value: PublicAccess::Enabled,
                    note: String::new(),
                },
                vnet_filter: Fact::Default {
                    value: false,
                    note: String::new(),
                },
                vnet_rules: none(),
                ip_rules: none(),
            },
            minimal_tls: None,
            customer_managed_key: Fact::Default {
                value: false,
                note: String::new(),
            },
        }
    }

    fn target(s: PStr, accounts: &[CosmosAccount]) -> Target {
        let v = Value::new(Kind::Str(s), Span::new(crate::source::FileId(0), 0..0));
        let by_sym = |s: &Symbol| {
            if s.resource == ResKey(7) {
                Target::Accounts(vec![0])
            } else {
                Target::Other
            }
        };
        target_of(&v, &by_sym, accounts)
    }

    fn mongo_def(account: Option<usize>, db: Option<&str>, name: Option<&str>) -> MongoRoleDefinition {
        let span = Span::new(crate::source::FileId(0), 0..0);
        let fact = |v: Option<&str>| match v {
            Some(v) => Fact::Literal {
                value: v.to_string(),
                span,
            },
            None => Fact::Unknown {
                span,
                why: "a parameter without a value".into(),
            },
        };
        MongoRoleDefinition {
            address: "d".into(),
            instance: "d".into(),
            existence: Vec::new(),
            header: span,
            role_name: Some(fact(name)),
            database: Some(fact(db)),
            built_in: false,
            existing: false,
            privileges: Vec::new(),
            roles: Vec::new(),
            account,
        }
    }

    #[test]
    fn mongo_role_names_resolve_per_account_and_database() {
        let span = Span::new(crate::source::FileId(0), 0..0);
        let lit = |v: &str| Fact::Literal {
            value: v.to_string(),
            span,
        };
        let named = |role: &str, db: Option<&str>| MongoRoleRef {
            role: lit(role),
            db: db.map(lit),
        };
        let sales = lit("sales");
        let mut inv = Inventory {
            mongo_roles: vec![mongo_def(Some(0), Some("sales"), Some("ordersWriter"))],
            ..Inventory::default()
        };
        let role = |inv: &Inventory, r: &MongoRoleRef| inv.mongo_role(Some(0), Some(&sales), r);
        assert_eq!(role(&inv, &named("ReadWrite", None)), MongoRole::BuiltIn("readWrite"));
        assert_eq!(role(&inv, &named("orderswriter", None)), MongoRole::Custom(0));
        assert_eq!(role(&inv, &named("ordersWriter", Some("sales"))), MongoRole::Custom(0));
        // Another database, another account: not that role.
        assert_eq!(
            role(&inv, &named("ordersWriter", Some("archive"))),
            MongoRole::Undefined("ordersWriter".into())
        );
        assert_eq!(
            inv.mongo_role(Some(1), Some(&sales), &named("ordersWriter", None)),
            MongoRole::Undefined("ordersWriter".into())
        );
        // A role name not known offline is not judged.
        let unknown = MongoRoleRef {
            role: Fact::Unknown {
                span,
                why: String::new(),
            },
            db: None,
        };
        assert_eq!(role(&inv, &unknown), MongoRole::Unknown);
        // A definition whose name, database or account is not known may be the one.
        for def in [
            mongo_def(Some(0), Some("sales"), None),
            mongo_def(Some(0), None, Some("auditor")),
            mongo_def(None, Some("sales"), Some("auditor")),
        ] {
            inv.mongo_roles.push(def);
            assert_eq!(role(&inv, &named("auditor", None)), MongoRole::Unknown);
            inv.mongo_roles.pop();
        }
        // An `existing` declaration: defined elsewhere, privileges not known.
        let mut existing = mongo_def(Some(0), Some("sales"), Some("auditor"));
        existing.existing = true;
        inv.mongo_roles.push(existing);
        assert_eq!(role(&inv, &named("auditor", None)), MongoRole::Unknown);
    }

    #[test]
    fn the_network_decision_needs_what_some_candidate_of_public_access_needs() {
        let span = Span::new(crate::source::FileId(0), 0..1);
        let mut n = account(None).network;
        assert_eq!(n.needed(), [true, true, true, false], "enabled, no IP rule, filter off");
        n.public_access = Fact::Literal {
            value: PublicAccess::Disabled,
            span,
        };
        assert_eq!(
            n.needed(),
            [true, false, false, false],
            "disabled: nothing else matters"
        );
        // Disabled when a condition holds, enabled otherwise: the enabled case needs them.
        n.public_access = Fact::one_of(vec![
            Fact::Literal {
                value: PublicAccess::Disabled,
                span,
            },
            Fact::Default {
                value: PublicAccess::Enabled,
                note: String::new(),
            },
        ]);
        assert_eq!(n.needed(), [true, true, true, false]);
        n.vnet_filter = Fact::Unknown {
            span,
            why: String::new(),
        };
        assert_eq!(
            n.needed(),
            [true, true, true, true],
            "a filter that may be on: its rules matter"
        );
    }

    #[test]
    fn targets_by_reference_by_id_and_by_relative_name() {
        let accounts = [account(Some("orders")), account(Some("billing"))];
        let sym = |r: u32, attr: &str| {
            Piece::Sym(Symbol {
                resource: ResKey(r),
                attr: attr.into(),
            })
        };
        assert_eq!(target(PStr(vec![sym(7, "id")]), &accounts), Target::Accounts(vec![0]));
        assert_eq!(target(PStr(vec![sym(8, "id")]), &accounts), Target::Other);
        let full = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/Billing";
        assert_eq!(target(PStr::lit(full), &accounts), Target::Accounts(vec![1]));
        assert_eq!(
            target(PStr::lit("Microsoft.DocumentDb/databaseAccounts/orders"), &accounts),
            Target::Accounts(vec![0])
        );
        // A child of the account is not the account.
        let child = format!("{full}/sqlDatabases/app");
        assert_eq!(target(PStr::lit(child), &accounts), Target::Other);
        assert_eq!(
            target(
                PStr::lit("/subscriptions/s/providers/Microsoft.KeyVault/vaults/kv"),
                &accounts
            ),
            Target::Other
        );
        let vault = PStr(vec![
            Piece::Lit("/subscriptions/".into()),
            Piece::Unknown,
            Piece::Lit("/providers/Microsoft.KeyVault/vaults/kv".into()),
        ]);
        assert_eq!(target(vault, &accounts), Target::Other);
        // The name from a reference to the account's name.
        let by_name_ref = PStr(vec![
            Piece::Unknown,
            Piece::Lit("/providers/Microsoft.DocumentDB/databaseAccounts/".into()),
            sym(7, "name"),
        ]);
        assert_eq!(target(by_name_ref, &accounts), Target::Accounts(vec![0]));
        // Not known: any account.
        assert_eq!(target(PStr::unknown(), &accounts), Target::Unknown);
        let unknown_name = PStr(vec![
            Piece::Lit("Microsoft.DocumentDB/databaseAccounts/".into()),
            Piece::Unknown,
        ]);
        assert_eq!(target(unknown_name, &accounts), Target::Unknown);
        // Another account than ours, unless one of ours has a name we do not know.
        let other = PStr::lit("Microsoft.DocumentDB/databaseAccounts/elsewhere");
        assert_eq!(target(other.clone(), &accounts), Target::Other);
        assert_eq!(target(other, &[account(None)]), Target::Unknown);
    }
}
