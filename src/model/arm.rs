//! ARM-shaped resources → model. Shared by ARM JSON and Bicep (Bicep compiles to ARM), and
//! by Terraform `azapi_resource` bodies.
//!
//! Contract for the lowerings that feed this: each [`UnitResource`] has `rtype` = the full
//! resource type, lower case, without API version
//! (`microsoft.documentdb/databaseaccounts/sqlroleassignments`); its body is an object
//! with the resource's top-level fields (`name`, `kind`, `properties`, and for Bicep
//! children `parent`); nested ARM child resources are already flattened with full types and
//! full names. Property names are matched case-insensitively, as ARM does. Symbols the
//! environment produces (`account.id`, `resourceId(…)` of a declared account) use
//! `ResKey(i)` = index `i` into the same `resources` slice.
//!
//! Defaults are those of the Cosmos DB resource provider: `disableLocalAuth` false,
//! `disableKeyBasedMetadataWriteAccess` false, `kind` GlobalDocumentDB.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::cosmos::{self, SymbolKind};
use super::extract::{Body, Step};
use super::{
    CosmosAccount, DataApi, DiagnosticSetting, Entries, Fact, Hints, Inventory, Network, PrivateEndpoint, PublicAccess,
    RoleAssignment, RoleDefinition, RoleRef, Target, Unresolved,
};
use crate::eval::{exist, Env, Evaluator, Kind, PStr, Piece, ResKey, Scope, Symbol, UnitResource};

pub const ACCOUNT: &str = "microsoft.documentdb/databaseaccounts";
pub const DATABASE: &str = "microsoft.documentdb/databaseaccounts/sqldatabases";
pub const CONTAINER: &str = "microsoft.documentdb/databaseaccounts/sqldatabases/containers";
pub const DIAGNOSTIC_SETTING: &str = "microsoft.insights/diagnosticsettings";
/// The older form of a diagnostic setting, nested under the account by type and name
/// (`<account>/Microsoft.Insights/<setting>`); still common in templates.
pub const LEGACY_DIAGNOSTIC_SETTING: &str = "microsoft.documentdb/databaseaccounts/providers/diagnosticsettings";
pub const PRIVATE_ENDPOINT: &str = "microsoft.network/privateendpoints";
const MGMT_ROLE_DEFINITION: &str = "microsoft.authorization/roledefinitions";
const MGMT_ROLE_ASSIGNMENT: &str = "microsoft.authorization/roleassignments";
/// The older form, nested under the account by type and name
/// (`<account>/Microsoft.Authorization/<guid>`).
const LEGACY_MGMT_ROLE_ASSIGNMENT: &str = "microsoft.documentdb/databaseaccounts/providers/roleassignments";
/// MongoDB native RBAC (`cosmos::mongo`).
const MONGO_ROLE_DEFINITION: &str = "microsoft.documentdb/databaseaccounts/mongodbroledefinitions";
const MONGO_USER_DEFINITION: &str = "microsoft.documentdb/databaseaccounts/mongodbuserdefinitions";

/// Child types whose id, inside an assignment scope, names a database or a container
/// (keyspace / table, database / graph, database / collection; a Table API table is a
/// container).
const SCOPE_TYPES: &[(&str, SymbolKind)] = &[
    ("sqldatabases", SymbolKind::DatabaseId),
    ("sqldatabases/containers", SymbolKind::ContainerId),
    ("cassandrakeyspaces", SymbolKind::DatabaseId),
    ("cassandrakeyspaces/tables", SymbolKind::ContainerId),
    ("gremlindatabases", SymbolKind::DatabaseId),
    ("gremlindatabases/graphs", SymbolKind::ContainerId),
    ("mongodbdatabases", SymbolKind::DatabaseId),
    ("mongodbdatabases/collections", SymbolKind::ContainerId),
    ("tables", SymbolKind::ContainerId),
];

/// How a reference to `attr` of a resource of ARM type `rtype` reads inside a scope.
pub fn symbol_kind_of(rtype: &str, attr: &str) -> SymbolKind {
    if attr != "id" {
        return SymbolKind::Other;
    }
    if rtype == ACCOUNT {
        return SymbolKind::AccountId;
    }
    rtype
        .strip_prefix(ACCOUNT)
        .and_then(|r| r.strip_prefix('/'))
        .and_then(|child| SCOPE_TYPES.iter().find(|(t, _)| *t == child))
        .map_or(SymbolKind::Other, |(_, k)| *k)
}

/// What an ARM type is among the data-plane role types: (API, `true` for a definition).
pub fn role_type(rtype: &str) -> Option<(DataApi, bool)> {
    let child = rtype.strip_prefix(ACCOUNT)?.strip_prefix('/')?;
    cosmos::DATA_APIS.iter().find_map(|i| {
        if child.eq_ignore_ascii_case(i.definitions) {
            Some((i.api, true))
        } else if child.eq_ignore_ascii_case(i.assignments) {
            Some((i.api, false))
        } else {
            None
        }
    })
}

pub static HINTS: Hints = Hints {
    disable_local_auth: "set `properties.disableLocalAuth: true`",
    data_role_route,
    disable_key_metadata_writes: "set `properties.disableKeyBasedMetadataWriteAccess: true` and manage databases and containers through Azure Resource Manager instead",
    data_actions: "list the concrete actions the role needs in `properties.permissions[].dataActions`",
    database_scope: "scope the assignment to a database or container: `<account id>/dbs/<database>` or `<account id>/dbs/<database>/colls/<container>`",
    public_network: "set `properties.publicNetworkAccess` to `Disabled` and connect through a private endpoint (`Microsoft.Network/privateEndpoints`), or allow only known sources: `ipRules`, or `isVirtualNetworkFilterEnabled: true` with `virtualNetworkRules`",
    firewall: "list only the addresses or ranges of the clients that need access in `properties.ipRules`; reach the account from Azure through a private endpoint or `virtualNetworkRules` instead",
    minimal_tls: "set `properties.minimalTlsVersion` to `Tls12`",
    mongo_rbac: "add `{ name: 'EnableMongoRoleBasedAccessControl' }` to `properties.capabilities` and give each client its own user and role (`mongodbUserDefinitions`, `mongodbRoleDefinitions`)",
    customer_managed_key: "set `properties.keyVaultKeyUri` to a Key Vault key URI (without a version), with `properties.defaultIdentity` naming an identity that may use the key",
    diagnostic_settings: "add a `Microsoft.Insights/diagnosticSettings` resource whose `scope` is the account, with `logs` for the categories you audit",
    private_endpoint: "add a `Microsoft.Network/privateEndpoints` resource whose `privateLinkServiceConnections` have `privateLinkServiceId` set to the account's id and `groupIds: ['Sql']` (or the account's API)",
};

fn data_role_route(api: Option<DataApi>) -> String {
    match api {
        Some(api) => format!(
            "grant access with Microsoft Entra role assignments (`Microsoft.DocumentDB/databaseAccounts/{}`)",
            api.info().assignments
        ),
        None => "grant access with Microsoft Entra role assignments of the account's API (`sqlRoleAssignments`, `tableRoleAssignments`, `cassandraRoleAssignments`, `gremlinRoleAssignments` or `mongoMIRoleAssignments`)".into(),
    }
}

/// Builds the inventory of one unit. `env` resolves the unit's names; `resources` are its
/// resources in ARM shape (other types are ignored). Each resource is expanded into the
/// instances that may be deployed (`eval::exist`); each instance is one model entity.
pub fn build(env: &dyn Env, resources: &[UnitResource]) -> (Inventory, Vec<Unresolved>) {
    let (inv, unresolved, _) = build_with(env, resources, true);
    (inv, unresolved)
}

/// The inventory of Terraform `azapi_resource`s lowered to the ARM shape, without their
/// diagnostic settings and private endpoints (the azurerm mapping collects those, since they
/// may be for azurerm accounts too), and where each account declaration went.
pub fn build_for_azapi(
    env: &dyn Env,
    resources: &[UnitResource],
) -> (Inventory, Vec<Unresolved>, HashMap<ResKey, Vec<usize>>) {
    build_with(env, resources, false)
}

fn build_with(
    env: &dyn Env,
    resources: &[UnitResource],
    protections: bool,
) -> (Inventory, Vec<Unresolved>, HashMap<ResKey, Vec<usize>>) {
    let mut b = Builder {
        ev: Evaluator::new(env),
        resources,
        slots: Vec::new(),
        inv: Inventory::default(),
        unresolved: Vec::new(),
        accounts: HashMap::new(),
        instances_of: HashMap::new(),
        role_defs: HashMap::new(),
        mgmt_defs: HashMap::new(),
        bodies: RefCell::default(),
        decl_bodies: RefCell::default(),
    };
    let strict = Evaluator::strict(env);
    let of_type = |t: &str| -> Vec<usize> {
        resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.resource.rtype == t && !r.resource.existing)
            .map(|(i, _)| i)
            .collect()
    };
    for i in of_type(ACCOUNT) {
        for s in b.expand(i, &strict) {
            b.account(s);
        }
    }
    // Definitions first, so that assignments find them.
    let roles: Vec<(usize, DataApi, bool)> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.resource.existing)
        .filter_map(|(i, r)| role_type(&r.resource.rtype).map(|(api, def)| (i, api, def)))
        .collect();
    for &(i, api, _) in roles.iter().filter(|r| r.2) {
        for s in b.expand(i, &strict) {
            b.role_definition(s, api);
        }
    }
    for &(i, api, _) in roles.iter().filter(|r| !r.2) {
        for s in b.expand(i, &strict) {
            b.role_assignment(s, api);
        }
    }
    for i in of_type(MONGO_ROLE_DEFINITION) {
        for s in b.expand(i, &strict) {
            b.mongo_role_definition(s);
        }
    }
    for i in (0..resources.len())
        .filter(|&i| resources[i].resource.existing && resources[i].resource.rtype == MONGO_ROLE_DEFINITION)
    {
        b.existing_mongo_role_definition(i);
    }
    for i in of_type(MONGO_USER_DEFINITION) {
        for s in b.expand(i, &strict) {
            b.mongo_user(s);
        }
    }
    for i in of_type(MGMT_ROLE_DEFINITION) {
        for s in b.expand(i, &strict) {
            b.mgmt_role_definition(s);
        }
    }
    for i in of_type(MGMT_ROLE_ASSIGNMENT)
        .into_iter()
        .chain(of_type(LEGACY_MGMT_ROLE_ASSIGNMENT))
    {
        for s in b.expand(i, &strict) {
            b.mgmt_role_assignment(s);
        }
    }
    b.key_uses();
    if protections {
        b.protections(&strict);
        b.opaque_calls(env);
    }
    b.unresolved.extend(super::budget_note(env.budget(), resources));
    (b.inv, b.unresolved, b.instances_of)
}

/// One instance of a resource.
struct Slot {
    res: usize,
    instance: exist::Instance,
}

struct Builder<'u> {
    ev: Evaluator<'u>,
    resources: &'u [UnitResource],
    slots: Vec<Slot>,
    inv: Inventory,
    unresolved: Vec<Unresolved>,
    /// A declaration's first account instance (references name declarations).
    accounts: HashMap<ResKey, usize>,
    /// Every account instance of a declaration (what a diagnostic setting or private
    /// endpoint that references the declaration covers).
    instances_of: HashMap<ResKey, Vec<usize>>,
    role_defs: HashMap<ResKey, usize>,
    mgmt_defs: HashMap<ResKey, usize>,
    bodies: RefCell<HashMap<usize, Rc<Body<'u>>>>,
    /// Bodies of declarations evaluated outside any instance (a parent found through a
    /// reference).
    decl_bodies: RefCell<HashMap<usize, Rc<Body<'u>>>>,
}

impl<'u> Builder<'u> {
    /// The instances of resource `i` that may be deployed, as slots; what is not deployed
    /// goes to the inventory's skipped list.
    fn expand(&mut self, i: usize, strict: &Evaluator) -> Vec<usize> {
        let r = &self.resources[i];
        let e = r.expand(&self.ev, strict);
        for n in e.skipped {
            self.inv.skipped.push(super::Skipped {
                span: n.span,
                resource: format!("{}{}", r.address, n.key),
                why: n.why,
            });
        }
        for (span, why) in e.truncated {
            self.unresolved.push(Unresolved {
                span,
                what: format!("instances of `{}`", r.address),
                why,
            });
        }
        e.instances
            .into_iter()
            .map(|instance| {
                self.slots.push(Slot { res: i, instance });
                self.slots.len() - 1
            })
            .collect()
    }

    fn res(&self, s: usize) -> &'u UnitResource {
        &self.resources[self.slots[s].res]
    }

    /// (declared address, instance address, existence labels) of a slot. An ARM copy is
    /// named by its evaluated name (`… 'orders-1'`), as Azure names it; a Bicep loop instance
    /// by its index (`account[1]`), as Bicep does.
    fn names(&self, s: usize) -> (String, String, Vec<crate::eval::Via>) {
        let (r, inst) = (self.res(s), &self.slots[s].instance);
        let mut address = format!("{}{}", r.address, inst.key);
        if !inst.key.is_empty() && self.ev.env.dialect() == crate::ir::Dialect::Arm {
            if let Some(name) = self.at(s, &[Step::Key("name")]).and_then(|f| f.value.as_str()) {
                address = format!("{}{} '{name}'", r.prefix(), r.resource.rtype_written);
            }
        }
        (r.declared.clone(), address, inst.labels.clone())
    }

    /// The slot's body, evaluated once.
    fn body(&self, s: usize) -> Rc<Body<'u>> {
        if let Some(b) = self.bodies.borrow().get(&s) {
            return b.clone();
        }
        let r = self.res(s);
        let scope = Scope::new(r.instance).with(self.slots[s].instance.bindings.iter().cloned());
        let body = Rc::new(Body::eval(&self.ev, &scope, &r.resource.body));
        self.bodies.borrow_mut().insert(s, body.clone());
        body
    }

    fn at(&self, s: usize, path: &[Step]) -> Option<super::extract::Found> {
        self.body(s).find(path, true)
    }

    fn all(&self, s: usize, path: &[Step]) -> Vec<super::extract::Found> {
        self.body(s).find_all(path, true)
    }

    /// A field of declaration `i` evaluated outside any instance.
    fn decl_at(&self, i: usize, path: &[Step]) -> Option<super::extract::Found> {
        if let Some(b) = self.decl_bodies.borrow().get(&i) {
            return b.find(path, true);
        }
        let r = &self.resources[i];
        let body = Rc::new(Body::eval(&self.ev, &Scope::new(r.instance), &r.resource.body));
        self.decl_bodies.borrow_mut().insert(i, body.clone());
        body.find(path, true)
    }

    fn note_unknown<T>(&mut self, fact: &Fact<T>, what: String) {
        // Every candidate of a value set that is not known, too.
        for c in fact.candidates() {
            if let Fact::Unknown { span, why } = c {
                self.unresolved.push(Unresolved {
                    span: *span,
                    what: what.clone(),
                    why: why.clone(),
                });
            }
        }
    }

    fn bool_property(&mut self, s: usize, prop: &str, default_note: &str, invert: bool) -> Fact<bool> {
        let address = self.names(s).1;
        match self.at(s, &[Step::Key("properties"), Step::Key(prop)]) {
            None => Fact::Default {
                value: true,
                note: default_note.to_string(),
            },
            Some(f) => {
                // Per candidate of a value set: one that is null is "not set" under its
                // conditions.
                let fact = Fact::one_of(
                    f.split()
                        .iter()
                        .map(|c| {
                            if c.is_null() {
                                Fact::Default {
                                    value: true,
                                    note: format!("{}{default_note}", super::azurerm::when_prefix(&c.value)),
                                }
                            } else {
                                c.fact(|v| v.as_bool().map(|b| b != invert))
                            }
                        })
                        .collect(),
                );
                self.note_unknown(&fact, format!("`{prop}` of `{address}`"));
                fact
            }
        }
    }

    fn account(&mut self, s: usize) {
        let i = self.slots[s].res;
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let name = self.at(s, &[Step::Key("name")]).and_then(|f| f.value.as_str());
        let local_auth_enabled = self.bool_property(
            s,
            "disableLocalAuth",
            "`disableLocalAuth` is not set and defaults to `false`",
            true,
        );
        let key_metadata_writes_enabled = self.bool_property(
            s,
            "disableKeyBasedMetadataWriteAccess",
            "`disableKeyBasedMetadataWriteAccess` is not set and defaults to `false`",
            true,
        );
        let mut api_known = true;
        // One kind, or several candidates each with its conditions.
        let kinds: Vec<(String, Vec<crate::eval::Via>)> = match self.at(s, &[Step::Key("kind")]) {
            None => vec![("GlobalDocumentDB".to_string(), Vec::new())],
            Some(f) => {
                let mut out = Vec::new();
                for (k, when) in super::kind_candidates(&f) {
                    match k {
                        Some(k) => out.push((k, when)),
                        None => api_known = false,
                    }
                }
                if !api_known {
                    let fact = f.fact(|v| v.as_str());
                    self.note_unknown(&fact, format!("`kind` of `{address}`"));
                }
                out
            }
        };
        let mut capabilities = Vec::new();
        let caps = self.all(
            s,
            &[
                Step::Key("properties"),
                Step::Key("capabilities"),
                Step::Each,
                Step::Key("name"),
            ],
        );
        for c in caps {
            match c.value.as_str() {
                Some(n) => capabilities.push(n),
                None => {
                    api_known = false;
                    let fact = c.fact(|v| v.as_str());
                    self.note_unknown(&fact, format!("`capabilities` of `{address}`"));
                }
            }
        }
        let (api, mongo_rbac, api_when) = if api_known {
            super::api_of_kinds(&kinds, &capabilities, true)
        } else {
            // A `MongoDB` kind is known to be MongoDB whatever the capabilities say.
            let (a, r) = cosmos::account_api(kinds.first().map(|k| k.0.as_str()), &capabilities, false);
            (a, r, Vec::new())
        };
        let (capabilities_known, capabilities_at) = self.capabilities_seen(s);
        let network = self.network(s);
        let minimal_tls = self.minimal_tls(s);
        let customer_managed_key = self.customer_managed_key(s);
        self.accounts.entry(ResKey(i as u32)).or_insert(self.inv.accounts.len());
        self.instances_of
            .entry(ResKey(i as u32))
            .or_default()
            .push(self.inv.accounts.len());
        self.inv.accounts.push(CosmosAccount {
            address: declared,
            instance: address,
            existence,
            header,
            hints: &HINTS,
            name,
            api,
            api_when,
            capabilities,
            mongo_rbac,
            local_auth_enabled,
            key_metadata_writes_enabled,
            capabilities_known,
            capabilities_at,
            network,
            minimal_tls,
            customer_managed_key,
        });
    }

    fn rtype_of(&self, key: ResKey) -> &str {
        self.resources
            .get(key.0 as usize)
            .map_or("", |r| r.resource.rtype.as_str())
    }

    /// The account a child resource belongs to: through `parent` (Bicep), its name's first
    /// segment (`account/child`), or — with a single account in the unit — that one.
    fn account_of(&self, s: usize) -> Option<usize> {
        if let Some(p) = self.at(s, &[Step::Key("parent")]) {
            if let Kind::Str(s) = &p.value.kind {
                if let Some(sym) = s.as_sym() {
                    return self.account_of_key(sym.resource, 0);
                }
            }
        }
        if let Some(n) = self.at(s, &[Step::Key("name")]) {
            if let Kind::Str(s) = &n.value.kind {
                match s.0.first() {
                    Some(Piece::Sym(sym)) => {
                        if let Some(a) = self.account_of_key(sym.resource, 0) {
                            return Some(a);
                        }
                    }
                    Some(Piece::Lit(text)) => {
                        if let Some((first, _)) = text.split_once('/') {
                            if let Some(a) = self.inv.accounts.iter().position(|a| a.name.as_deref() == Some(first)) {
                                return Some(a);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        (self.inv.accounts.len() == 1).then_some(0)
    }

    fn account_of_key(&self, key: ResKey, depth: usize) -> Option<usize> {
        if let Some(&a) = self.accounts.get(&key) {
            return Some(a);
        }
        if depth > 8 {
            return None;
        }
        // An `existing` account declared elsewhere in the unit (another module): the
        // account of that name.
        let r = self.resources.get(key.0 as usize)?;
        if r.resource.existing && r.resource.rtype == ACCOUNT {
            let name = self
                .decl_at(key.0 as usize, &[Step::Key("name")])
                .and_then(|f| f.value.as_str())?;
            return self
                .inv
                .accounts
                .iter()
                .position(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&name)));
        }
        // A child of a child (database → account).
        let p = self.decl_at(key.0 as usize, &[Step::Key("parent")])?;
        let Kind::Str(s) = &p.value.kind else { return None };
        self.account_of_key(s.as_sym()?.resource, depth + 1)
    }

    fn role_definition(&mut self, s: usize, api: DataApi) {
        let i = self.slots[s].res;
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let name = self.at(s, &[Step::Key("name")]).and_then(|f| f.value.as_pstr());
        let role_id = name.as_ref().and_then(last_segment_guid);
        let role_name = self
            .at(s, &[Step::Key("properties"), Step::Key("roleName")])
            .and_then(|f| f.value.as_str());
        let built_in = self
            .at(s, &[Step::Key("properties"), Step::Key("type")])
            .and_then(|f| f.value.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"))
            || role_id
                .as_deref()
                .is_some_and(|g| g == api.info().reader || g == api.info().contributor);
        let found = self.all(
            s,
            &[
                Step::Key("properties"),
                Step::Key("permissions"),
                Step::Each,
                Step::Key("dataActions"),
                Step::Each,
            ],
        );
        let mut data_actions = Vec::new();
        for f in found {
            let fact = f.fact(|v| v.as_str());
            self.note_unknown(&fact, format!("a data action of `{address}`"));
            data_actions.push(fact);
        }
        let account = self.account_of(s);
        self.role_defs
            .entry(ResKey(i as u32))
            .or_insert(self.inv.role_definitions.len());
        self.inv.role_definitions.push(RoleDefinition {
            api,
            address: declared,
            instance: address,
            existence,
            header,
            hints: &HINTS,
            role_id,
            role_name,
            built_in,
            data_actions,
            account,
        });
    }

    fn symbol_kind(&self, s: &Symbol) -> SymbolKind {
        symbol_kind_of(self.rtype_of(s.resource), &s.attr)
    }

    fn role_assignment(&mut self, s: usize, api: DataApi) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let (role, role_span) = match self.at(s, &[Step::Key("properties"), Step::Key("roleDefinitionId")]) {
            None => (RoleRef::Unknown, header),
            Some(f) => {
                let role = match &f.value.kind {
                    Kind::Str(s) => self.role_ref(s, api),
                    _ => RoleRef::Unknown,
                };
                let span = f.expr_span.unwrap_or(f.use_span);
                if role == RoleRef::Unknown {
                    self.unresolved.push(Unresolved {
                        span,
                        what: format!("`roleDefinitionId` of `{address}`"),
                        why: super::role_unknown_why(&f.value),
                    });
                }
                (role, span)
            }
        };
        let found = self.at(s, &[Step::Key("properties"), Step::Key("scope")]);
        let scope = super::scope_fact(found.as_ref(), header, |sym| self.symbol_kind(sym));
        self.note_unknown(&scope, format!("`scope` of `{address}`"));
        let principal = self
            .at(s, &[Step::Key("properties"), Step::Key("principalId")])
            .map(|f| f.fact(|v| v.as_str()));
        let account = self.account_of(s);
        self.inv.role_assignments.push(RoleAssignment {
            api,
            address: declared,
            instance: address,
            existence,
            header,
            hints: &HINTS,
            role,
            role_span,
            scope,
            principal,
            account,
        });
    }

    fn role_ref(&self, s: &PStr, api: DataApi) -> RoleRef {
        // A role definition referenced as an `existing` resource (a built-in role, or one
        // defined elsewhere) is known by the GUID its name ends with.
        if let Some(sym) = s.as_sym().filter(|sym| sym.attr == "id") {
            let i = sym.resource.0 as usize;
            let existing_def = self
                .resources
                .get(i)
                .is_some_and(|r| r.resource.existing && role_type(&r.resource.rtype) == Some((api, true)));
            if existing_def {
                let name = self.decl_at(i, &[Step::Key("name")]).and_then(|f| f.value.as_pstr());
                return match name.as_ref().and_then(last_segment_guid) {
                    Some(guid) => cosmos::role_ref_of_guid(&guid, api, &self.inv.role_definitions),
                    None => RoleRef::Unknown,
                };
            }
        }
        super::role_ref(s, api, &self.role_defs, &self.inv.role_definitions)
    }
}

/// MongoDB native RBAC: `mongodbRoleDefinitions` and `mongodbUserDefinitions`
/// (`properties.roleName`/`userName`, `databaseName`, `privileges[].{resource.{db,
/// collection}, actions}`, `roles[].{db, role}`). A user's `password` is never read.
impl Builder<'_> {
    /// The number of elements of the array at `path`, when it is a list known offline.
    fn list_len(&self, s: usize, path: &[Step]) -> Option<usize> {
        let f = self.at(s, path)?;
        f.value.as_array().map(<[_]>::len)
    }

    fn string_fact(&mut self, s: usize, path: &[Step], what: impl Fn() -> String) -> Option<Fact<String>> {
        let fact = self.at(s, path)?.fact(|v| v.as_str());
        self.note_unknown(&fact, what());
        Some(fact)
    }

    /// `<db>.<name>`, the resource name Azure gives MongoDB roles and users (after the
    /// account's `account/` prefix in ARM): the part before or after the first dot.
    fn name_part(&self, s: usize, database: bool) -> Option<Fact<String>> {
        let f = self.at(s, &[Step::Key("name")])?;
        let fact = f.fact(|v| {
            let n = v.as_str()?;
            let last = n.rsplit('/').next()?;
            let (db, name) = last.split_once('.')?;
            let part = if database { db } else { name };
            (!part.is_empty()).then(|| part.to_string())
        });
        fact.value().is_some().then_some(fact)
    }

    /// `properties.roles`: each `{ db, role }`.
    fn mongo_roles(&mut self, s: usize, address: &str) -> Vec<super::MongoRoleRef> {
        let roles = [Step::Key("properties"), Step::Key("roles")];
        let mut out = Vec::new();
        match self.list_len(s, &roles) {
            Some(n) => {
                for i in 0..n {
                    let at = |k| {
                        [
                            Step::Key("properties"),
                            Step::Key("roles"),
                            Step::Index(i),
                            Step::Key(k),
                        ]
                    };
                    let Some(role) = self.string_fact(s, &at("role"), || format!("a role of `{address}`")) else {
                        continue;
                    };
                    let db = self.at(s, &at("db")).map(|f| f.fact(|v| v.as_str()));
                    out.push(super::MongoRoleRef { role, db });
                }
            }
            None => {
                // Not a list known offline: its roles, each in a database not known.
                for f in self.all(
                    s,
                    &[
                        Step::Key("properties"),
                        Step::Key("roles"),
                        Step::Each,
                        Step::Key("role"),
                    ],
                ) {
                    let role = f.fact(|v| v.as_str());
                    self.note_unknown(&role, format!("a role of `{address}`"));
                    let span = f.expr_span.unwrap_or(f.use_span);
                    out.push(super::MongoRoleRef {
                        role,
                        db: Some(Fact::Unknown {
                            span,
                            why: "`roles` is not a list known offline".into(),
                        }),
                    });
                }
            }
        }
        out
    }

    fn mongo_role_definition(&mut self, s: usize) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let role_name = self
            .string_fact(s, &[Step::Key("properties"), Step::Key("roleName")], || {
                format!("`roleName` of `{address}`")
            })
            .or_else(|| self.name_part(s, false));
        // Not listed when unknown: it matters only when a role of the same name is defined.
        let database = self
            .at(s, &[Step::Key("properties"), Step::Key("databaseName")])
            .map(|f| f.fact(|v| v.as_str()))
            .or_else(|| self.name_part(s, true));
        let built_in = self
            .at(s, &[Step::Key("properties"), Step::Key("type")])
            .and_then(|f| f.value.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"));
        let privileges_at = [Step::Key("properties"), Step::Key("privileges")];
        let mut privileges = Vec::new();
        match self.list_len(s, &privileges_at) {
            Some(n) => {
                for i in 0..n {
                    let p = |rest: &[Step<'static>]| {
                        let mut path = vec![Step::Key("properties"), Step::Key("privileges"), Step::Index(i)];
                        path.extend_from_slice(rest);
                        path
                    };
                    let span = self
                        .at(s, &p(&[]))
                        .map_or(header, |f| f.expr_span.unwrap_or(f.use_span));
                    let db = self
                        .at(s, &p(&[Step::Key("resource"), Step::Key("db")]))
                        .map(|f| f.fact(|v| v.as_str()));
                    let collection = self
                        .at(s, &p(&[Step::Key("resource"), Step::Key("collection")]))
                        .map(|f| f.fact(|v| v.as_str()));
                    let actions = self.privilege_actions(s, &p(&[Step::Key("actions"), Step::Each]), &address);
                    privileges.push(super::MongoPrivilege {
                        db,
                        collection,
                        actions,
                        span,
                    });
                }
            }
            None => {
                if let Some(f) = self.at(s, &privileges_at) {
                    // Not a list known offline: one privilege on a resource not known.
                    let span = f.expr_span.unwrap_or(f.use_span);
                    let unknown = || {
                        Some(Fact::Unknown {
                            span,
                            why: "`privileges` is not a list known offline".into(),
                        })
                    };
                    let actions = self.privilege_actions(
                        s,
                        &[
                            Step::Key("properties"),
                            Step::Key("privileges"),
                            Step::Each,
                            Step::Key("actions"),
                            Step::Each,
                        ],
                        &address,
                    );
                    privileges.push(super::MongoPrivilege {
                        db: unknown(),
                        collection: unknown(),
                        actions,
                        span,
                    });
                }
            }
        }
        let roles = self.mongo_roles(s, &address);
        let account = self.account_of(s);
        self.inv.mongo_roles.push(super::MongoRoleDefinition {
            address: declared,
            instance: address,
            existence,
            header,
            role_name,
            database,
            built_in,
            existing: false,
            privileges,
            roles,
            account,
        });
    }

    /// A Bicep `existing` MongoDB role definition: defined elsewhere, named `<db>.<role>`.
    fn existing_mongo_role_definition(&mut self, i: usize) {
        let r = &self.resources[i];
        let name = self.decl_at(i, &[Step::Key("name")]);
        let part = |database: bool| {
            name.as_ref().map(|f| {
                f.fact(|v| {
                    let n = v.as_str()?;
                    let (db, role) = n.rsplit('/').next()?.split_once('.')?;
                    Some(if database { db } else { role }.to_string())
                })
            })
        };
        let account = self
            .decl_at(i, &[Step::Key("parent")])
            .and_then(|p| match &p.value.kind {
                Kind::Str(s) => s.as_sym().map(|sym| sym.resource),
                _ => None,
            })
            .and_then(|key| self.account_of_key(key, 0));
        self.inv.mongo_roles.push(super::MongoRoleDefinition {
            address: r.declared.clone(),
            instance: r.address.clone(),
            existence: Vec::new(),
            header: r.resource.header,
            role_name: part(false),
            database: part(true),
            built_in: false,
            existing: true,
            privileges: Vec::new(),
            roles: Vec::new(),
            account,
        });
    }

    fn privilege_actions(&mut self, s: usize, path: &[Step], address: &str) -> Vec<Fact<String>> {
        let mut out = Vec::new();
        for f in self.all(s, path) {
            let fact = f.fact(|v| v.as_str());
            self.note_unknown(&fact, format!("a privilege action of `{address}`"));
            out.push(fact);
        }
        out
    }

    fn mongo_user(&mut self, s: usize) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let user_name = self
            .at(s, &[Step::Key("properties"), Step::Key("userName")])
            .map(|f| f.fact(|v| v.as_str()))
            .or_else(|| self.name_part(s, false));
        // Not listed when unknown: it matters only when a role of the same name is defined.
        let database = self
            .at(s, &[Step::Key("properties"), Step::Key("databaseName")])
            .map(|f| f.fact(|v| v.as_str()))
            .or_else(|| self.name_part(s, true));
        let roles = self.mongo_roles(s, &address);
        let account = self.account_of(s);
        self.inv.mongo_users.push(super::MongoUser {
            address: declared,
            instance: address,
            existence,
            header,
            user_name,
            database,
            roles,
            account,
        });
    }
}

/// Account settings beyond keys (issue #15): network access, TLS, customer-managed keys,
/// capabilities; and the resources that protect an account from the outside.
impl Builder<'_> {
    /// Whether every capability name is known, and where the first is written.
    fn capabilities_seen(&self, i: usize) -> (bool, Option<crate::source::Span>) {
        let names = self.all(
            i,
            &[
                Step::Key("properties"),
                Step::Key("capabilities"),
                Step::Each,
                Step::Key("name"),
            ],
        );
        let known = names.iter().all(|c| c.value.as_str().is_some())
            && self
                .all(i, &[Step::Key("properties"), Step::Key("capabilities"), Step::Each])
                .iter()
                .all(|c| !c.value.is_unknown());
        (known, names.first().map(|c| c.expr_span.unwrap_or(c.use_span)))
    }

    fn network(&mut self, i: usize) -> Network {
        let address = self.names(i).1;
        let public_access = match self.at(i, &[Step::Key("properties"), Step::Key("publicNetworkAccess")]) {
            Some(f) if !f.is_null() => f.fact(|v| v.as_str().and_then(|s| public_access_of(&s))),
            _ => Fact::Default {
                value: PublicAccess::Enabled,
                note: "`publicNetworkAccess` is not set and defaults to `Enabled`".into(),
            },
        };
        let vnet_filter = match self.at(
            i,
            &[Step::Key("properties"), Step::Key("isVirtualNetworkFilterEnabled")],
        ) {
            Some(f) if !f.is_null() => f.fact(|v| v.as_bool()),
            _ => Fact::Default {
                value: false,
                note: "`isVirtualNetworkFilterEnabled` is not set and defaults to `false`".into(),
            },
        };
        let vnet_rules = match self.at(i, &[Step::Key("properties"), Step::Key("virtualNetworkRules")]) {
            Some(f) if !f.is_null() => {
                let path = [Step::Key("properties"), Step::Key("virtualNetworkRules"), Step::Each];
                let elements = self.all(i, &path);
                let ids = self.all(i, &[path[0], path[1], path[2], Step::Key("id")]);
                super::lists::object_list(&f, &elements, &ids)
            }
            _ => Entries::absent("`virtualNetworkRules` is not set"),
        };
        let ip_rules = self.ip_rules(i);
        let network = Network {
            public_access,
            vnet_filter,
            vnet_rules,
            ip_rules,
        };
        let [access, ip, filter, vnet] = network.needed();
        for (needed, fact, what) in [
            (
                access,
                &network.public_access.clone().map(&|_| ()),
                "publicNetworkAccess",
            ),
            (ip, &network.ip_rules.list, "ipRules"),
            (
                filter,
                &network.vnet_filter.clone().map(&|_| ()),
                "isVirtualNetworkFilterEnabled",
            ),
            (vnet, &network.vnet_rules.list, "virtualNetworkRules"),
        ] {
            if needed {
                self.note_unknown(fact, format!("`{what}` of `{address}`"));
            }
        }
        network
    }

    /// `ipRules[].ipAddressOrRange`, and `ipRangeFilter` (a comma-separated string, API
    /// versions before 2020-04-01).
    fn ip_rules(&self, i: usize) -> Entries {
        let props = [Step::Key("properties")];
        let rules = self.at(i, &[props[0], Step::Key("ipRules")]).filter(|f| !f.is_null());
        let filter = self
            .at(i, &[props[0], Step::Key("ipRangeFilter")])
            .filter(|f| !f.is_null());
        let mut out: Option<Entries> = None;
        if let Some(f) = &rules {
            let elements = self.all(
                i,
                &[
                    props[0],
                    Step::Key("ipRules"),
                    Step::Each,
                    Step::Key("ipAddressOrRange"),
                ],
            );
            out = Some(super::lists::address_list(f, &elements, None));
        }
        if let Some(f) = &filter {
            let written = field_ci(&self.res(i).resource.body, "properties").and_then(|p| field_ci(p, "ipRangeFilter"));
            let more = super::lists::address_list(f, &[], written);
            out = Some(match out {
                None => more,
                Some(mut e) => {
                    e.items.extend(more.items);
                    if more.list.value().is_none() {
                        e.list = more.list;
                    }
                    e
                }
            });
        }
        out.unwrap_or_else(|| Entries::absent("neither `ipRules` nor `ipRangeFilter` is set"))
    }

    /// `minimalTlsVersion`; no default is assumed (the API's own descriptions disagree
    /// between versions: "Tls 1.0" in some, "Tls 1.2" in others).
    fn minimal_tls(&mut self, i: usize) -> Option<Fact<String>> {
        let f = self
            .at(i, &[Step::Key("properties"), Step::Key("minimalTlsVersion")])
            .filter(|f| !f.is_null())?;
        let fact = f.fact(|v| v.as_str());
        let address = self.names(i).1;
        self.note_unknown(&fact, format!("`minimalTlsVersion` of `{address}`"));
        Some(fact)
    }

    fn customer_managed_key(&mut self, i: usize) -> Fact<bool> {
        let f = self.at(i, &[Step::Key("properties"), Step::Key("keyVaultKeyUri")]);
        let fact = super::key_fact(
            f.as_ref(),
            "`keyVaultKeyUri` is not set: Azure encrypts the data with a Microsoft-managed key",
        );
        let address = self.names(i).1;
        self.note_unknown(&fact, format!("`keyVaultKeyUri` of `{address}`"));
        fact
    }

    /// Diagnostic settings (both forms) and private endpoints of the unit: each instance
    /// that may be deployed protects what it targets; one that is not deployed protects
    /// nothing (it is listed as skipped).
    fn protections(&mut self, strict: &Evaluator) {
        for i in 0..self.resources.len() {
            let r = &self.resources[i];
            let rtype = r.resource.rtype.as_str();
            if r.resource.existing
                || !matches!(rtype, DIAGNOSTIC_SETTING | LEGACY_DIAGNOSTIC_SETTING | PRIVATE_ENDPOINT)
            {
                continue;
            }
            let header = r.resource.header;
            for s in self.expand(i, strict) {
                let (_, address, existence) = self.names(s);
                match rtype {
                    DIAGNOSTIC_SETTING => {
                        // An extension resource: `scope` (Bicep `scope: account`, an ARM resource
                        // id or relative name).
                        let f = self.at(s, &[Step::Key("scope")]);
                        let target = match &f {
                            Some(f) => self.target_found(f, "diagnostic setting", &address),
                            None => Target::Other,
                        };
                        self.inv.diagnostic_settings.push(DiagnosticSetting {
                            address,
                            header,
                            existence,
                            target,
                        });
                    }
                    LEGACY_DIAGNOSTIC_SETTING => {
                        let f = self.at(s, &[Step::Key("name")]);
                        let target = match &f {
                            Some(f) => self.target_by_first_segment(f, &address),
                            None => Target::Other,
                        };
                        self.inv.diagnostic_settings.push(DiagnosticSetting {
                            address,
                            header,
                            existence,
                            target,
                        });
                    }
                    _ => {
                        let found = private_link_service_ids(&self.body(s));
                        let targets = found
                            .iter()
                            .map(|f| self.target_found(f, "private endpoint", &address))
                            .collect();
                        self.inv.private_endpoints.push(PrivateEndpoint {
                            address,
                            header,
                            existence,
                            targets,
                        });
                    }
                }
            }
        }
    }

    /// Module calls that were not followed (Bicep registry modules) and are given an
    /// account: they may deploy its diagnostic setting or private endpoint.
    fn opaque_calls(&mut self, env: &dyn Env) {
        for call in env.opaque_module_calls() {
            let scope = Scope::new(call.instance);
            let mut accounts = Vec::new();
            for arg in &call.args {
                let v = self.ev.eval(&scope, &arg.value);
                super::resources_in(&v, &mut |r| {
                    accounts.extend(self.instances_of.get(&r).into_iter().flatten().copied());
                });
            }
            if !accounts.is_empty() {
                accounts.sort_unstable();
                accounts.dedup();
                self.inv.opaque_calls.push(super::OpaqueCall {
                    name: call.name.clone(),
                    header: call.header,
                    accounts,
                });
            }
        }
    }

    /// What an account symbol names: a declared account, or an `existing` one matched to a
    /// declared account by name.
    fn symbol_target(&self, s: &Symbol) -> Target {
        if let Some(a) = self.instances_of.get(&s.resource) {
            return Target::Accounts(a.clone());
        }
        let i = s.resource.0 as usize;
        match self.resources.get(i) {
            Some(r) if r.resource.rtype == ACCOUNT && r.resource.existing => {
                match self.decl_at(i, &[Step::Key("name")]).and_then(|f| f.value.as_str()) {
                    Some(name) => super::account_by_name(&name, &self.inv.accounts),
                    None => Target::Unknown,
                }
            }
            _ => Target::Other,
        }
    }

    fn target_found(&mut self, f: &super::extract::Found, what: &str, address: &str) -> Target {
        let target = super::target_of(&f.value, &|s| self.symbol_target(s), &self.inv.accounts);
        self.note_target(target, f, what, address)
    }

    /// The account a legacy `<account>/Microsoft.Insights/<setting>` name is under.
    fn target_by_first_segment(&mut self, f: &super::extract::Found, address: &str) -> Target {
        let target = match &f.value.kind {
            Kind::Str(s) => match s.0.first() {
                Some(Piece::Lit(text)) => match text.split_once('/') {
                    Some((first, _)) => super::account_by_name(first, &self.inv.accounts),
                    None => Target::Unknown,
                },
                Some(Piece::Sym(sym)) if sym.attr == "name" => self.symbol_target(&Symbol {
                    resource: sym.resource,
                    attr: "id".into(),
                }),
                _ => Target::Unknown,
            },
            _ => Target::Unknown,
        };
        self.note_target(target, f, "diagnostic setting", address)
    }

    fn note_target(&mut self, target: Target, f: &super::extract::Found, what: &str, address: &str) -> Target {
        if target == Target::Unknown && !self.inv.accounts.is_empty() {
            self.unresolved.push(Unresolved {
                span: f.expr_span.unwrap_or(f.use_span),
                what: format!("the target of {what} `{address}`"),
                why: match &f.value.kind {
                    Kind::Unknown(why) => why.clone(),
                    _ => format!("{} may name any account", f.value.describe()),
                },
            });
        }
        target
    }
}

/// `publicNetworkAccess` values; the API compares them without case.
fn public_access_of(s: &str) -> Option<PublicAccess> {
    match s.to_ascii_lowercase().as_str() {
        "enabled" => Some(PublicAccess::Enabled),
        "disabled" => Some(PublicAccess::Disabled),
        "securedbyperimeter" => Some(PublicAccess::SecuredByPerimeter),
        _ => None,
    }
}

/// The `privateLinkServiceId` of every connection of a private endpoint, automatic and
/// manual (an ARM-shaped body).
pub(crate) fn private_link_service_ids(body: &Body) -> Vec<super::extract::Found> {
    let mut out = Vec::new();
    for list in ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"] {
        out.extend(body.find_all(
            &[
                Step::Key("properties"),
                Step::Key(list),
                Step::Each,
                Step::Key("properties"),
                Step::Key("privateLinkServiceId"),
            ],
            true,
        ));
    }
    out
}

/// Field `key` of an object expression, matched without case (ARM).
fn field_ci<'e>(e: &'e crate::ir::Expr, key: &str) -> Option<&'e crate::ir::Expr> {
    match &e.kind {
        crate::ir::ExprKind::Object(fields) => fields
            .iter()
            .rev()
            .find(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|f| &f.value),
        _ => None,
    }
}

/// The GUID after the last `/` of a resource name (`account/<guid>`).
fn last_segment_guid(name: &PStr) -> Option<String> {
    let Some(Piece::Lit(last)) = name.0.last() else {
        return None;
    };
    let seg = last.rsplit('/').next()?;
    cosmos::is_guid(seg).then(|| seg.to_ascii_lowercase())
}

/// Azure RBAC (issue #16): `Microsoft.Authorization/roleDefinitions` and `roleAssignments`.
impl Builder<'_> {
    fn mgmt_role_definition(&mut self, s: usize) {
        let i = self.slots[s].res;
        let header = self.res(s).resource.header;
        let (declared, _, _) = self.names(s);
        let guid = self
            .at(s, &[Step::Key("name")])
            .and_then(|f| f.value.as_pstr())
            .as_ref()
            .and_then(last_segment_guid);
        let role_name = self
            .at(s, &[Step::Key("properties"), Step::Key("roleName")])
            .and_then(|f| f.value.as_str());
        let path = |k| {
            [
                Step::Key("properties"),
                Step::Key("permissions"),
                Step::Each,
                Step::Key(k),
                Step::Each,
            ]
        };
        let actions = self
            .all(s, &path("actions"))
            .iter()
            .map(|f| f.fact(|v| v.as_str()))
            .collect();
        let not_actions = self
            .all(s, &path("notActions"))
            .iter()
            .filter_map(|f| f.value.as_str())
            .collect();
        self.mgmt_defs
            .entry(ResKey(i as u32))
            .or_insert(self.inv.mgmt_role_definitions.len());
        self.inv.mgmt_role_definitions.push(super::rbac::MgmtRoleDefinition {
            address: declared,
            header,
            guid,
            role_name,
            actions,
            not_actions,
        });
    }

    fn mgmt_role_assignment(&mut self, s: usize) {
        use super::rbac::{MgmtRole, MgmtScope};
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let (role, role_span) = match self.at(s, &[Step::Key("properties"), Step::Key("roleDefinitionId")]) {
            None => (MgmtRole::Unknown, header),
            Some(f) => {
                let span = f.expr_span.unwrap_or(f.use_span);
                let role = match &f.value.kind {
                    Kind::Str(p) => match p.as_sym() {
                        Some(sym) => match self.mgmt_defs.get(&sym.resource) {
                            Some(&d) => MgmtRole::Custom(d),
                            // `resource r 'Microsoft.Authorization/roleDefinitions@…' existing =
                            // { name: '<guid>' }`: the role that GUID names.
                            None => {
                                let i = sym.resource.0 as usize;
                                let existing = self
                                    .resources
                                    .get(i)
                                    .is_some_and(|r| r.resource.existing && r.resource.rtype == MGMT_ROLE_DEFINITION);
                                match self
                                    .decl_at(i, &[Step::Key("name")])
                                    .and_then(|f| f.value.as_pstr())
                                    .filter(|_| existing && sym.attr == "id")
                                {
                                    Some(name) => super::rbac::role_of_pstr(&name, &self.inv.mgmt_role_definitions),
                                    None => MgmtRole::Unknown,
                                }
                            }
                        },
                        None => super::rbac::role_of_pstr(p, &self.inv.mgmt_role_definitions),
                    },
                    _ => MgmtRole::Unknown,
                };
                (role, span)
            }
        };
        let legacy = self.res(s).resource.rtype == LEGACY_MGMT_ROLE_ASSIGNMENT;
        let scope_found = self.at(s, &[Step::Key("scope")]);
        let scope_span = scope_found.as_ref().map(|f| f.expr_span.unwrap_or(f.use_span));
        let scope = match (&scope_found, legacy) {
            // Nested under the account by name: that account.
            (_, true) => self.account_of(s).map_or(MgmtScope::Other, MgmtScope::Account),
            // No scope: the deployment's resource group (or subscription), where the
            // accounts of this template are deployed.
            (None, false) => MgmtScope::ResourceGroup((0..self.inv.accounts.len()).collect()),
            (Some(f), false) => match &f.value.kind {
                Kind::Str(p) => self.mgmt_scope(p),
                _ => MgmtScope::Other,
            },
        };
        let principal = self
            .at(s, &[Step::Key("properties"), Step::Key("principalId")])
            .map(|f| f.fact(|v| v.as_str()));
        let principal_type = self
            .at(s, &[Step::Key("properties"), Step::Key("principalType")])
            .filter(|f| !f.is_null())
            .map(|f| f.fact(|v| v.as_str()));
        self.inv.mgmt_role_assignments.push(super::rbac::MgmtRoleAssignment {
            address: declared,
            instance: address,
            existence,
            header,
            role,
            role_span,
            scope,
            scope_span,
            principal,
            principal_type,
        });
    }

    /// What a role assignment's `scope` covers: an account of the inputs (a reference, a
    /// written-out id, or the relative `Microsoft.DocumentDB/databaseAccounts/<name>` Bicep
    /// compiles `scope: account` to), a resource group, a subscription.
    fn mgmt_scope(&self, p: &PStr) -> super::rbac::MgmtScope {
        use super::rbac::{classify_id, IdKind, MgmtScope};
        if let Some(sym) = p.as_sym() {
            return match (self.symbol_kind(sym), self.accounts.get(&sym.resource)) {
                (SymbolKind::AccountId, Some(&a)) => MgmtScope::Account(a),
                _ => MgmtScope::Other,
            };
        }
        let by_name = |name: &str| {
            self.inv
                .accounts
                .iter()
                .position(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .map_or(MgmtScope::Other, MgmtScope::Account)
        };
        if let Some(text) = p.as_lit() {
            let lower = text.to_ascii_lowercase();
            if let Some(name) = lower.strip_prefix("microsoft.documentdb/databaseaccounts/") {
                if !name.contains('/') {
                    return by_name(name);
                }
            }
        }
        match classify_id(p) {
            IdKind::Subscription => MgmtScope::Subscription,
            // Every account of a template is deployed to the deployment's resource group
            // unless a nested deployment says otherwise.
            IdKind::ResourceGroup(_) => MgmtScope::Other,
            IdKind::Account(Some(name)) => by_name(&name),
            _ => MgmtScope::Other,
        }
    }
}

/// Where account keys are used (issue #16, CDB014): `listKeys()`, `listConnectionStrings()`,
/// `listReadOnlyKeys()` of an account, in any resource.
impl Builder<'_> {
    fn key_uses(&mut self) {
        use super::keys::{key_calls, KeyUse, SinkKind};
        let mut uses = Vec::new();
        for r in self.resources {
            if r.resource.existing {
                continue;
            }
            for (call, name, first) in key_calls(&r.resource.body) {
                let Some(first) = first else { continue };
                let target = self.ev.eval(&Scope::new(r.instance), first);
                let Kind::Str(p) = &target.kind else { continue };
                // An account: a reference to one (declared or `existing`), or its id written out.
                let (account, text) = match p.as_sym() {
                    Some(sym) if self.rtype_of(sym.resource) == ACCOUNT => {
                        let decl = &self.resources[sym.resource.0 as usize];
                        (self.accounts.get(&sym.resource).copied(), decl.declared.clone())
                    }
                    Some(_) => continue,
                    None => match super::rbac::classify_id(p) {
                        super::rbac::IdKind::Account(name) => {
                            let idx = name.as_deref().and_then(|n| {
                                self.inv
                                    .accounts
                                    .iter()
                                    .position(|a| a.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n)))
                            });
                            (idx, format!("account `{}`", name.unwrap_or_else(|| "?".into())))
                        }
                        _ => continue,
                    },
                };
                uses.push(KeyUse {
                    span: call.span,
                    key: format!("`{name}()`"),
                    account,
                    account_text: Some(text),
                    sink: SinkKind::of_type(&r.resource.rtype),
                    sink_address: r.declared.clone(),
                    instance: r.address.clone(),
                    sink_span: r.resource.header,
                    existence: r.labels.clone(),
                });
            }
        }
        self.inv.key_uses.extend(uses);
    }
}
