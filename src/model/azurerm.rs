//! Terraform azurerm → model.
//!
//! Attribute names and defaults follow the azurerm provider documentation:
//! `azurerm_cosmosdb_account` (`local_authentication_disabled`, default `false`, 3.x/4.x;
//! `local_authentication_enabled`, default `true`, 5.x; `access_key_metadata_writes_enabled`,
//! default `true`; `kind`, default `GlobalDocumentDB`; `capabilities { name }` blocks),
//! `azurerm_cosmosdb_sql_role_definition` (`role_definition_id`, `name`, `account_name`,
//! `permissions { data_actions }`) and `azurerm_cosmosdb_sql_role_assignment`
//! (`account_name`, `role_definition_id`, `scope`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::cosmos::{self, SymbolKind};
use super::extract::{Body, Found, Step};
use super::{
    CosmosAccount, DataApi, DiagnosticSetting, Entries, Fact, Hints, Inventory, Network, PrivateEndpoint, PublicAccess,
    RoleAssignment, RoleDefinition, RoleRef, Target, Unresolved,
};
use crate::eval::terraform::TfUnit;
use crate::eval::{Evaluator, Kind, PStr, Piece, ResKey, Scope, Symbol, UnitResource};
use crate::ir::{Expr, ExprKind, Field, Resource};

const ACCOUNT: &str = "azurerm_cosmosdb_account";
const ROLE_DEFINITION: &str = "azurerm_cosmosdb_sql_role_definition";
const ROLE_ASSIGNMENT: &str = "azurerm_cosmosdb_sql_role_assignment";
const DIAGNOSTIC_SETTING: &str = "azurerm_monitor_diagnostic_setting";
const PRIVATE_ENDPOINT: &str = "azurerm_private_endpoint";
/// How unresolved targets are named (see [`super::OPT_IN_UNRESOLVED`]).
const DIAGNOSTICS: &str = "diagnostic setting";
const ENDPOINT: &str = "private endpoint";
const MGMT_ROLE_DEFINITION: &str = "azurerm_role_definition";
const MGMT_ROLE_ASSIGNMENT: &str = "azurerm_role_assignment";
const RESOURCE_GROUP: &str = "azurerm_resource_group";
/// MongoDB native RBAC (`cosmos::mongo`).
const MONGO_ROLE_DEFINITION: &str = "azurerm_cosmosdb_mongo_role_definition";
const MONGO_USER_DEFINITION: &str = "azurerm_cosmosdb_mongo_user_definition";
const MONGO_DATABASE: &str = "azurerm_cosmosdb_mongo_database";

/// azurerm resources whose `id`, inside an assignment scope, names a database or a container.
/// (azurerm has role resources only for NoSQL and MongoDB native RBAC; the other APIs'
/// role types are written as `azapi_resource`, read by the ARM mapping.)
const SCOPE_TYPES: &[(&str, SymbolKind)] = &[
    ("azurerm_cosmosdb_sql_database", SymbolKind::DatabaseId),
    ("azurerm_cosmosdb_sql_container", SymbolKind::ContainerId),
    ("azurerm_cosmosdb_cassandra_keyspace", SymbolKind::DatabaseId),
    ("azurerm_cosmosdb_cassandra_table", SymbolKind::ContainerId),
    ("azurerm_cosmosdb_gremlin_database", SymbolKind::DatabaseId),
    ("azurerm_cosmosdb_gremlin_graph", SymbolKind::ContainerId),
    ("azurerm_cosmosdb_mongo_database", SymbolKind::DatabaseId),
    ("azurerm_cosmosdb_mongo_collection", SymbolKind::ContainerId),
    ("azurerm_cosmosdb_table", SymbolKind::ContainerId),
];

pub static HINTS: Hints = Hints {
    disable_local_auth: "set `local_authentication_disabled = true` (azurerm 5.x: `local_authentication_enabled = false`)",
    data_role_route,
    disable_key_metadata_writes: "set `access_key_metadata_writes_enabled = false` and manage databases and containers through Azure Resource Manager (Terraform) instead",
    data_actions: "list the concrete actions the role needs in `permissions { data_actions = [...] }`",
    database_scope: "scope the assignment to a database or container: `scope = \"${azurerm_cosmosdb_account.<name>.id}/dbs/<database>\"`",
    public_network: "set `public_network_access_enabled = false` and connect through a private endpoint (`azurerm_private_endpoint`), or allow only known sources: `ip_range_filter`, or `is_virtual_network_filter_enabled = true` with `virtual_network_rule` blocks",
    firewall: "list only the addresses or ranges of the clients that need access in `ip_range_filter`; reach the account from Azure through a private endpoint or `virtual_network_rule` blocks instead",
    minimal_tls: "set `minimal_tls_version = \"Tls12\"`",
    mongo_rbac: "add `capabilities { name = \"EnableMongoRoleBasedAccessControl\" }` and give each client its own user and role (`azurerm_cosmosdb_mongo_user_definition`, `azurerm_cosmosdb_mongo_role_definition`)",
    customer_managed_key: "set `key_vault_key_id` to a versionless Key Vault key id, and give the account an identity that may use the key (`default_identity_type`)",
    diagnostic_settings: "add an `azurerm_monitor_diagnostic_setting` with `target_resource_id = azurerm_cosmosdb_account.<name>.id` and an `enabled_log` for the categories you audit",
    private_endpoint: "add an `azurerm_private_endpoint` whose `private_service_connection` has `private_connection_resource_id = azurerm_cosmosdb_account.<name>.id` and `subresource_names = [\"Sql\"]` (or the account's API)",
};

/// azurerm has role assignments only for NoSQL; the other APIs' are azapi resources.
fn data_role_route(api: Option<DataApi>) -> String {
    match api {
        Some(DataApi::Sql) => "grant access with `azurerm_cosmosdb_sql_role_assignment`".into(),
        Some(api) => format!(
            "grant access with an `azapi_resource` of type `Microsoft.DocumentDB/databaseAccounts/{}` (azurerm has no resource for it)",
            api.info().assignments
        ),
        None => "grant access with the role assignments of the account's API (`azurerm_cosmosdb_sql_role_assignment`, or an `azapi_resource` of type `Microsoft.DocumentDB/databaseAccounts/<api>RoleAssignments`)".into(),
    }
}

pub fn build(unit: &TfUnit) -> (Inventory, Vec<Unresolved>) {
    let ev = Evaluator::new(unit);
    let strict = Evaluator::strict(unit);
    let arm_shaped = azapi_resources(unit);
    let mut b = Builder {
        unit,
        arm_types: arm_shaped.as_deref().unwrap_or_default(),
        ev,
        slots: Vec::new(),
        inv: Inventory::default(),
        unresolved: Vec::new(),
        accounts: HashMap::new(),
        instances_of: HashMap::new(),
        account_groups: Vec::new(),
        role_defs: HashMap::new(),
        mgmt_defs: HashMap::new(),
        bodies: RefCell::default(),
    };
    for (span, why) in &unit.skipped_modules {
        b.unresolved.push(Unresolved {
            span: *span,
            what: "module".into(),
            why: why.clone(),
        });
    }
    super::skipped_modules(&unit.not_deployed, &mut b.inv);
    let of_type = |t: &str| -> Vec<usize> {
        unit.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.resource.rtype == t)
            .map(|(i, _)| i)
            .collect()
    };
    for i in of_type(ACCOUNT) {
        for s in b.expand(i, &strict) {
            b.account(s);
        }
    }
    for i in of_type(ROLE_DEFINITION) {
        for s in b.expand(i, &strict) {
            b.role_definition(s);
        }
    }
    for i in of_type(ROLE_ASSIGNMENT) {
        for s in b.expand(i, &strict) {
            b.role_assignment(s);
        }
    }
    for i in of_type(MONGO_ROLE_DEFINITION) {
        for s in b.expand(i, &strict) {
            b.mongo_role_definition(s);
        }
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
    for i in of_type(MGMT_ROLE_ASSIGNMENT) {
        for s in b.expand(i, &strict) {
            b.mgmt_role_assignment(s);
        }
    }
    b.key_uses();
    // azapi accounts are built by the ARM mapping; diagnostic settings and private
    // endpoints (azurerm and azapi) are collected once both are in, so either kind of
    // account can be their target.
    let mut arm_accounts = HashMap::new();
    if let Some(arm_shaped) = &arm_shaped {
        let (azapi, more, keys) = super::arm::build_for_azapi(unit, arm_shaped);
        let offset = b.inv.accounts.len();
        arm_accounts = keys
            .into_iter()
            .map(|(k, a)| (k, a.into_iter().map(|a| a + offset).collect()))
            .collect();
        b.inv.extend(azapi);
        b.unresolved.extend(more);
    }
    b.protections(&arm_accounts, &strict);
    b.opaque_calls(&arm_accounts);
    b.unresolved.extend(super::budget_note(&unit.budget, &unit.resources));
    (b.inv, b.unresolved)
}

/// `azapi_resource`s of `Microsoft.DocumentDB/…` types (and diagnostic settings and private
/// endpoints, which [`Builder::protections`] reads), lowered to the ARM shape the
/// ARM mapping reads: `type = "T@api"` → `rtype`, `body.properties` / `body.kind` (azapi 2.x
/// objects, or azapi 1.x `jsonencode({…})`) → `properties` / `kind`, `parent_id` →
/// `parent`. Other resources keep their places (symbols index this list) under types the
/// ARM mapping ignores. `None` when the unit has no such resource.
fn azapi_resources(unit: &TfUnit) -> Option<Vec<UnitResource>> {
    if !unit.resources.iter().any(|r| r.resource.rtype == "azapi_resource") {
        return None;
    }
    let ev = Evaluator::new(unit);
    let mut any = false;
    let out = unit
        .resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r.resource.rtype != "azapi_resource" {
                return r;
            }
            let Some(t) = r.resource.body.field("type") else {
                return r;
            };
            let Some(t) = ev.eval(&Scope::new(r.instance), &t.value).as_str() else {
                return r;
            };
            let rtype = t.split('@').next().unwrap_or_default().to_ascii_lowercase();
            let protection = rtype == super::arm::DIAGNOSTIC_SETTING || rtype == super::arm::PRIVATE_ENDPOINT;
            if !rtype.starts_with("microsoft.documentdb/") && !protection {
                return r;
            }
            any = true;
            let body = r.resource.body.field("body").map(|f| match &f.value.kind {
                ExprKind::Call(name, args) if name == "jsonencode" && args.len() == 1 => args[0].clone(),
                _ => f.value.clone(),
            });
            let mut fields = Vec::new();
            let span = r.resource.span;
            let mut copy = |from: Option<&Field>, to: &str| {
                if let Some(f) = from {
                    fields.push(Field {
                        key: Some(to.to_string()),
                        key_span: f.key_span,
                        value: f.value.clone(),
                    });
                }
            };
            copy(r.resource.body.field("name"), "name");
            copy(r.resource.body.field("parent_id"), "parent");
            match &body {
                Some(
                    b @ Expr {
                        kind: ExprKind::Object(_),
                        ..
                    },
                ) => {
                    copy(b.field("kind"), "kind");
                    copy(b.field("properties"), "properties");
                }
                Some(b) => {
                    for key in ["kind", "properties"] {
                        fields.push(Field {
                            key: Some(key.to_string()),
                            key_span: b.span,
                            value: Expr::new(ExprKind::GetAttr(Box::new(b.clone()), key.to_string()), b.span),
                        });
                    }
                }
                None => {}
            }
            let old = &r.resource;
            r.resource = std::sync::Arc::new(Resource {
                rtype,
                rtype_written: old.rtype_written.clone(),
                name: old.name.clone(),
                span,
                header: old.header,
                body: Expr::new(ExprKind::Object(fields), span),
                repeated: old.repeated,
                existing: old.existing,
            });
            r
        })
        .collect();
    any.then_some(out)
}

/// One instance of a resource (`count`/`for_each`).
struct Slot {
    res: usize,
    instance: crate::eval::exist::Instance,
}

/// "when `x` is true: " for a candidate of a value set, or nothing.
pub(super) fn when_prefix(v: &crate::eval::Value) -> String {
    let whens: Vec<&str> = v.whens().map(|w| w.label.as_str()).collect();
    if whens.is_empty() {
        String::new()
    } else {
        format!("{}: ", whens.join(" and "))
    }
}

struct Builder<'u> {
    unit: &'u TfUnit,
    /// The unit's resources with azapi Cosmos resources under their ARM types (empty
    /// when there are none), so `azapi_resource.x.id` reads as an account id.
    arm_types: &'u [UnitResource],
    ev: Evaluator<'u>,
    slots: Vec<Slot>,
    inv: Inventory,
    unresolved: Vec<Unresolved>,
    accounts: HashMap<ResKey, usize>,
    /// Every account instance of a declaration (what a diagnostic setting or private
    /// endpoint that references the declaration covers).
    instances_of: HashMap<ResKey, Vec<usize>>,
    /// Each account's resource group (for assignments at a resource group), by index.
    account_groups: Vec<Option<Group>>,
    role_defs: HashMap<ResKey, usize>,
    mgmt_defs: HashMap<ResKey, usize>,
    bodies: RefCell<HashMap<usize, Rc<Body<'u>>>>,
}

/// An account's `resource_group_name`: a reference to an `azurerm_resource_group`'s name,
/// and the name (lower case) when known.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    resource: Option<ResKey>,
    name: Option<String>,
}

impl<'u> Builder<'u> {
    /// The instances of resource `i` that may be deployed, as slots; what is not deployed
    /// goes to the inventory's skipped list.
    fn expand(&mut self, i: usize, strict: &Evaluator) -> Vec<usize> {
        let r = &self.unit.resources[i];
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
        &self.unit.resources[self.slots[s].res]
    }

    /// (declared address, instance address, existence labels) of a slot.
    fn names(&self, s: usize) -> (String, String, Vec<crate::eval::Via>) {
        let (r, inst) = (self.res(s), &self.slots[s].instance);
        (
            r.declared.clone(),
            format!("{}{}", r.address, inst.key),
            inst.labels.clone(),
        )
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

    fn find(&self, s: usize, path: &[Step]) -> Option<Found> {
        self.body(s).find(path, false)
    }

    fn find_all(&self, s: usize, path: &[Step]) -> Vec<Found> {
        self.body(s).find_all(path, false)
    }

    fn note_unknown<T>(&mut self, fact: &Fact<T>, what: impl Fn() -> String) {
        // Every candidate of a value set that is not known, too.
        for c in fact.candidates() {
            if let Fact::Unknown { span, why } = c {
                self.unresolved.push(Unresolved {
                    span: *span,
                    what: what(),
                    why: why.clone(),
                });
            }
        }
    }

    /// A boolean attribute as a fact; `null` means "not set" in Terraform.
    fn bool_fact(&mut self, i: usize, attr: &str, invert: bool, default: (bool, &str)) -> Option<Fact<bool>> {
        let found = self.find(i, &[Step::Key(attr)])?;
        // Per candidate of a value set: one that is null is "not set" under its conditions.
        let fact = Fact::one_of(
            found
                .split()
                .iter()
                .map(|f| {
                    if f.is_null() {
                        Fact::Default {
                            value: default.0,
                            note: format!("{}`{attr}` is null, so {}", when_prefix(&f.value), default.1),
                        }
                    } else {
                        f.fact(|v| v.as_bool().map(|b| b != invert))
                    }
                })
                .collect(),
        );
        let address = self.names(i).1;
        self.note_unknown(&fact, || format!("`{attr}` of `{address}`"));
        Some(fact)
    }

    fn account(&mut self, i: usize) {
        let res = self.slots[i].res;
        let header = self.res(i).resource.header;
        let (declared, address, existence) = self.names(i);
        let name = self.find(i, &[Step::Key("name")]).and_then(|f| f.value.as_str());

        // 5.x `local_authentication_enabled` wins over 3.x/4.x `local_authentication_disabled`.
        let local_auth_enabled = self
            .bool_fact(
                i,
                "local_authentication_enabled",
                false,
                (true, "key authentication stays enabled"),
            )
            .or_else(|| {
                self.bool_fact(
                    i,
                    "local_authentication_disabled",
                    true,
                    (true, "key authentication stays enabled"),
                )
            })
            .unwrap_or_else(|| Fact::Default {
                value: true,
                note: "`local_authentication_disabled` is not set and azurerm defaults it to `false`".into(),
            });
        let key_metadata_writes_enabled = self
            .bool_fact(
                i,
                "access_key_metadata_writes_enabled",
                false,
                (true, "azurerm's default `true` applies"),
            )
            .unwrap_or_else(|| Fact::Default {
                value: true,
                note: "`access_key_metadata_writes_enabled` is not set and azurerm defaults it to `true`".into(),
            });

        let mut api_known = true;
        // One kind, or several candidates each with its conditions.
        let kinds: Vec<(String, Vec<crate::eval::Via>)> = match self.find(i, &[Step::Key("kind")]) {
            None => vec![("GlobalDocumentDB".to_string(), Vec::new())],
            Some(f) => {
                let fact = f.fact(|v| v.as_str());
                self.note_unknown(&fact, || format!("`kind` of `{address}`"));
                let mut out = Vec::new();
                for (k, when) in super::kind_candidates(&f) {
                    match k {
                        Some(k) => out.push((k, when)),
                        // Terraform's null: the provider's default kind.
                        None if f.split().iter().any(|c| c.is_null()) => {
                            out.push(("GlobalDocumentDB".to_string(), when))
                        }
                        None => api_known = false,
                    }
                }
                out
            }
        };
        let mut capabilities = Vec::new();
        for c in self.find_all(i, &[Step::Key("capabilities"), Step::Each, Step::Key("name")]) {
            let fact = c.fact(|v| v.as_str());
            api_known &= fact.value().is_some();
            self.note_unknown(&fact, || format!("`capabilities` of `{address}`"));
            capabilities.extend(fact.value().cloned());
        }
        let (api, mongo_rbac, api_when) = if api_known {
            super::api_of_kinds(&kinds, &capabilities, true)
        } else {
            let (a, r) = cosmos::account_api(None, &capabilities, false);
            (a, r, Vec::new())
        };
        let (capabilities_known, capabilities_at) = self.capabilities_seen(i);
        let network = self.network(i);
        let minimal_tls = self.minimal_tls(i);
        let customer_managed_key = self.customer_managed_key(i);
        self.accounts
            .entry(ResKey(res as u32))
            .or_insert(self.inv.accounts.len());
        self.instances_of
            .entry(ResKey(res as u32))
            .or_default()
            .push(self.inv.accounts.len());
        let group = self
            .find(i, &[Step::Key("resource_group_name")])
            .and_then(|f| match &f.value.kind {
                Kind::Str(s) => match s.as_sym() {
                    Some(sym) if sym.attr == "name" => Some(Group {
                        resource: Some(sym.resource),
                        name: self.resource_group_name(sym.resource),
                    }),
                    Some(_) => None,
                    None => s.as_lit().map(|n| Group {
                        resource: None,
                        name: Some(n.to_ascii_lowercase()),
                    }),
                },
                _ => None,
            });
        self.account_groups.push(group);
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

    /// The account an `account_name` attribute refers to.
    fn account_of(&self, i: usize) -> Option<usize> {
        let found = self.find(i, &[Step::Key("account_name")])?;
        self.account_of_value(&found.value)
    }

    /// The account an `account_name` value names: a reference to an account, or its name.
    fn account_of_value(&self, v: &crate::eval::Value) -> Option<usize> {
        let Kind::Str(s) = &v.kind else { return None };
        if let Some(sym) = s.as_sym() {
            return self.accounts.get(&sym.resource).copied();
        }
        let name = s.as_lit()?;
        self.inv
            .accounts
            .iter()
            .position(|a| a.name.as_deref() == Some(name.as_str()))
    }

    fn role_definition(&mut self, i: usize) {
        let res = self.slots[i].res;
        let header = self.res(i).resource.header;
        let (declared, address, existence) = self.names(i);
        let role_id = self
            .find(i, &[Step::Key("role_definition_id")])
            .and_then(|f| f.value.as_str())
            .map(|s| s.to_ascii_lowercase());
        let role_name = self.find(i, &[Step::Key("name")]).and_then(|f| f.value.as_str());
        // `type` defaults to `CustomRole`.
        let built_in = self
            .find(i, &[Step::Key("type")])
            .and_then(|f| f.value.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"));
        let mut data_actions = Vec::new();
        for f in self.find_all(
            i,
            &[
                Step::Key("permissions"),
                Step::Each,
                Step::Key("data_actions"),
                Step::Each,
            ],
        ) {
            let fact = f.fact(|v| v.as_str());
            self.note_unknown(&fact, || format!("a data action of `{address}`"));
            data_actions.push(fact);
        }
        let account = self.account_of(i);
        self.role_defs
            .entry(ResKey(res as u32))
            .or_insert(self.inv.role_definitions.len());
        self.inv.role_definitions.push(RoleDefinition {
            api: DataApi::Sql,
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
        let i = s.resource.0 as usize;
        let rtype = self
            .arm_types
            .get(i)
            .unwrap_or(&self.unit.resources[i])
            .resource
            .rtype
            .as_str();
        match (rtype, s.attr.as_str()) {
            (ACCOUNT, "id") => SymbolKind::AccountId,
            (_, "id") => SCOPE_TYPES
                .iter()
                .find(|(t, _)| *t == rtype)
                .map_or_else(|| super::arm::symbol_kind_of(rtype, "id"), |(_, k)| *k),
            _ => SymbolKind::Other,
        }
    }

    fn role_assignment(&mut self, i: usize) {
        let header = self.res(i).resource.header;
        let (declared, address, existence) = self.names(i);
        let (role, role_span) = match self.find(i, &[Step::Key("role_definition_id")]) {
            None => (RoleRef::Unknown, header),
            Some(f) => {
                let role = match &f.value.kind {
                    Kind::Str(s) => self.role_ref(s),
                    _ => RoleRef::Unknown,
                };
                let span = f.expr_span.unwrap_or(f.use_span);
                if role == RoleRef::Unknown {
                    self.unresolved.push(Unresolved {
                        span,
                        what: format!("`role_definition_id` of `{address}`"),
                        why: super::role_unknown_why(&f.value),
                    });
                }
                (role, span)
            }
        };
        let found = self.find(i, &[Step::Key("scope")]);
        // An assignment without `account_name` still belongs to the account its scope names.
        let account_from_scope = match found.as_ref().map(|f| &f.value.kind) {
            Some(Kind::Str(s)) => s.0.iter().find_map(|p| match p {
                Piece::Sym(sym) if self.symbol_kind(sym) == SymbolKind::AccountId => {
                    self.accounts.get(&sym.resource).copied()
                }
                _ => None,
            }),
            _ => None,
        };
        let scope = super::scope_fact(found.as_ref(), header, |sym| self.symbol_kind(sym));
        self.note_unknown(&scope, || format!("`scope` of `{address}`"));
        let account = self.account_of(i).or(account_from_scope);
        let principal = self
            .find(i, &[Step::Key("principal_id")])
            .map(|f| f.fact(|v| v.as_str()));
        self.inv.role_assignments.push(RoleAssignment {
            api: DataApi::Sql,
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

    fn role_ref(&self, s: &PStr) -> RoleRef {
        super::role_ref(s, DataApi::Sql, &self.role_defs, &self.inv.role_definitions)
    }
}

/// MongoDB native RBAC: `azurerm_cosmosdb_mongo_role_definition` (`role_name`,
/// `inherited_role_names`, `privilege { actions, resource { db_name, collection_name } }`)
/// and `azurerm_cosmosdb_mongo_user_definition` (`username`, `inherited_role_names`), both in
/// the database of `cosmos_mongo_database_id`. The provider sends inherited roles with that
/// same database. A user's `password` is never read.
impl Builder<'_> {
    /// The database (its name) and account of `cosmos_mongo_database_id`: a reference to an
    /// `azurerm_cosmosdb_mongo_database`, or a written id
    /// `…/databaseAccounts/<account>/mongodbDatabases/<db>`.
    fn mongo_database(&self, s: usize) -> (Option<Fact<String>>, Option<usize>) {
        let Some(f) = self.find(s, &[Step::Key("cosmos_mongo_database_id")]) else {
            return (None, None);
        };
        let span = f.expr_span.unwrap_or(f.use_span);
        let unknown = |why: String| Some(Fact::Unknown { span, why });
        // Not listed when unknown: the account is then not known, and no rule reports.
        let Kind::Str(p) = &f.value.kind else {
            return (unknown(super::extract::unknown_why(&f.value)), None);
        };
        if let Some(sym) = p.as_sym() {
            let r = &self.unit.resources[sym.resource.0 as usize];
            if r.resource.rtype != MONGO_DATABASE || sym.attr != "id" {
                return (unknown(format!("`{}` is not a MongoDB database", r.address)), None);
            }
            let body = Body::eval(&self.ev, &Scope::new(r.instance), &r.resource.body);
            let name = body.find(&[Step::Key("name")], false).map(|n| n.fact(|v| v.as_str()));
            let account = body
                .find(&[Step::Key("account_name")], false)
                .and_then(|a| self.account_of_value(&a.value));
            return (name, account);
        }
        // A written id.
        const MARKER: &str = "/mongodbdatabases/";
        let account = p.0.iter().find_map(|piece| match piece {
            Piece::Sym(sym) if self.symbol_kind(sym) == SymbolKind::AccountId => {
                self.accounts.get(&sym.resource).copied()
            }
            _ => None,
        });
        let db = match p.0.last() {
            Some(Piece::Lit(text)) => text
                .to_ascii_lowercase()
                .rfind(MARKER)
                .map(|i| text[i + MARKER.len()..].trim_end_matches('/').to_string())
                .filter(|d| !d.is_empty() && !d.contains('/')),
            _ => None,
        };
        let account = account.or_else(|| {
            let text = p.as_lit()?;
            let lower = text.to_ascii_lowercase();
            let i = lower.find("/databaseaccounts/")? + "/databaseaccounts/".len();
            let name = text[i..].split('/').next()?;
            self.inv
                .accounts
                .iter()
                .position(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        });
        let fact = match db {
            Some(db) => Some(f.fact(|_| Some(db.clone()))),
            None => unknown(format!(
                "{} is not a MongoDB database id known offline",
                f.value.describe()
            )),
        };
        (fact, account)
    }

    /// `inherited_role_names`: roles of the same database.
    fn inherited_roles(&mut self, s: usize, address: &str) -> Vec<super::MongoRoleRef> {
        let mut out = Vec::new();
        for f in self.find_all(s, &[Step::Key("inherited_role_names"), Step::Each]) {
            // `azurerm_cosmosdb_mongo_role_definition.x.role_name`: that definition's name.
            let referenced = match &f.value.kind {
                Kind::Str(p) => p.as_sym().and_then(|sym| {
                    let r = self.unit.resources.get(sym.resource.0 as usize)?;
                    if r.resource.rtype != MONGO_ROLE_DEFINITION || sym.attr != "role_name" {
                        return None;
                    }
                    let field = r.resource.body.field("role_name")?;
                    self.ev.eval(&Scope::new(r.instance), &field.value).as_str()
                }),
                _ => None,
            };
            let role = match referenced {
                Some(value) => Fact::Resolved {
                    value,
                    span: f.expr_span.unwrap_or(f.use_span),
                    via: f.via.clone(),
                },
                None => f.fact(|v| v.as_str()),
            };
            self.note_unknown(&role, || format!("a role of `{address}`"));
            out.push(super::MongoRoleRef { role, db: None });
        }
        out
    }

    fn mongo_role_definition(&mut self, s: usize) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let role_name = self.find(s, &[Step::Key("role_name")]).map(|f| f.fact(|v| v.as_str()));
        if let Some(f) = &role_name {
            self.note_unknown(f, || format!("`role_name` of `{address}`"));
        }
        let (database, account) = self.mongo_database(s);
        let mut privileges = Vec::new();
        let n = self
            .find(s, &[Step::Key("privilege")])
            .and_then(|f| f.value.as_array().map(<[_]>::len));
        let blocks: Vec<Option<usize>> = match n {
            Some(n) => (0..n).map(Some).collect(),
            // A `dynamic` block over a collection not known: one privilege of every element.
            None if self.find(s, &[Step::Key("privilege")]).is_some() => vec![None],
            None => Vec::new(),
        };
        for i in blocks {
            let step = i.map_or(Step::Each, Step::Index);
            let span = self
                .find(s, &[Step::Key("privilege"), step])
                .map_or(header, |f| f.expr_span.unwrap_or(f.use_span));
            let field = |k| {
                [
                    Step::Key("privilege"),
                    step,
                    Step::Key("resource"),
                    Step::Each,
                    Step::Key(k),
                ]
            };
            let db = self.find(s, &field("db_name")).map(|f| f.fact(|v| v.as_str()));
            let collection = self.find(s, &field("collection_name")).map(|f| f.fact(|v| v.as_str()));
            let mut actions = Vec::new();
            for f in self.find_all(s, &[Step::Key("privilege"), step, Step::Key("actions"), Step::Each]) {
                let fact = f.fact(|v| v.as_str());
                self.note_unknown(&fact, || format!("a privilege action of `{address}`"));
                actions.push(fact);
            }
            privileges.push(super::MongoPrivilege {
                db,
                collection,
                actions,
                span,
            });
        }
        let roles = self.inherited_roles(s, &address);
        self.inv.mongo_roles.push(super::MongoRoleDefinition {
            address: declared,
            instance: address,
            existence,
            header,
            role_name,
            database,
            // The provider always sends `CustomRole`.
            built_in: false,
            existing: false,
            privileges,
            roles,
            account,
        });
    }

    fn mongo_user(&mut self, s: usize) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let user_name = self.find(s, &[Step::Key("username")]).map(|f| f.fact(|v| v.as_str()));
        let (database, account) = self.mongo_database(s);
        let roles = self.inherited_roles(s, &address);
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
/// capabilities; and the resources that protect an account from the outside (diagnostic
/// settings, private endpoints).
impl Builder<'_> {
    /// Whether every capability name is known, and where the first is written.
    fn capabilities_seen(&self, i: usize) -> (bool, Option<crate::source::Span>) {
        let names = self.find_all(i, &[Step::Key("capabilities"), Step::Each, Step::Key("name")]);
        let known = names.iter().all(|c| c.value.as_str().is_some())
            && self
                .find_all(i, &[Step::Key("capabilities"), Step::Each])
                .iter()
                .all(|c| !c.value.is_unknown());
        (known, names.first().map(|c| c.expr_span.unwrap_or(c.use_span)))
    }

    fn network(&mut self, i: usize) -> Network {
        let address = self.names(i).1;
        let public_access = self
            .bool_fact(
                i,
                "public_network_access_enabled",
                false,
                (true, "azurerm's default `true` applies"),
            )
            .unwrap_or_else(|| Fact::Default {
                value: true,
                note: "`public_network_access_enabled` is not set and azurerm defaults it to `true`".into(),
            })
            .map(&public_access_of);
        // Noted below only when the decision needs it.
        let vnet_filter = match self.find(i, &[Step::Key("is_virtual_network_filter_enabled")]) {
            Some(f) if !f.is_null() => f.fact(|v| v.as_bool()),
            _ => Fact::Default {
                value: false,
                note: "`is_virtual_network_filter_enabled` is not set and azurerm defaults it to `false`".into(),
            },
        };
        let vnet_rules = match self.find(i, &[Step::Key("virtual_network_rule")]) {
            None => Entries::absent("no `virtual_network_rule` block"),
            Some(f) => {
                let elements = self.find_all(i, &[Step::Key("virtual_network_rule"), Step::Each]);
                let ids = self.find_all(i, &[Step::Key("virtual_network_rule"), Step::Each, Step::Key("id")]);
                super::lists::object_list(&f, &elements, &ids)
            }
        };
        // A string in azurerm 3.x (comma-separated), a set of strings from 4.0.
        let ip_rules = match self.find(i, &[Step::Key("ip_range_filter")]) {
            None => Entries::absent("`ip_range_filter` is not set"),
            Some(f) if f.is_null() => Entries::absent("`ip_range_filter` is null"),
            Some(f) => {
                let elements = self.find_all(i, &[Step::Key("ip_range_filter"), Step::Each]);
                let written = self.res(i).resource.body.field("ip_range_filter").map(|f| &f.value);
                super::lists::address_list(&f, &elements, written)
            }
        };
        let network = Network {
            public_access,
            vnet_filter,
            vnet_rules,
            ip_rules,
        };
        // `public_network_access_enabled` was noted by `bool_fact`.
        let [_, ip, filter, vnet] = network.needed();
        for (needed, fact, what) in [
            (ip, &network.ip_rules.list, "ip_range_filter"),
            (vnet, &network.vnet_rules.list, "virtual_network_rule"),
        ] {
            if needed {
                self.note_unknown(fact, || format!("`{what}` of `{address}`"));
            }
        }
        if filter {
            self.note_unknown(&network.vnet_filter, || {
                format!("`is_virtual_network_filter_enabled` of `{address}`")
            });
        }
        network
    }

    /// `minimal_tls_version`: no default is assumed (azurerm 3.x has none in code despite its
    /// docs; 4.x defaults to `Tls12`, 5.x accepts only `Tls12`).
    fn minimal_tls(&mut self, i: usize) -> Option<Fact<String>> {
        let f = self.find(i, &[Step::Key("minimal_tls_version")])?;
        if f.is_null() {
            return None;
        }
        let fact = f.fact(|v| v.as_str());
        let address = self.names(i).1;
        self.note_unknown(&fact, || format!("`minimal_tls_version` of `{address}`"));
        Some(fact)
    }

    fn customer_managed_key(&mut self, i: usize) -> Fact<bool> {
        let f = self.find(i, &[Step::Key("key_vault_key_id")]);
        let fact = super::key_fact(
            f.as_ref(),
            "`key_vault_key_id` is not set: Azure encrypts the data with a Microsoft-managed key",
        );
        let address = self.names(i).1;
        self.note_unknown(&fact, || format!("`key_vault_key_id` of `{address}`"));
        fact
    }

    /// Diagnostic settings and private endpoints of the unit (azurerm resources and azapi
    /// `Microsoft.Insights/diagnosticSettings` / `Microsoft.Network/privateEndpoints`).
    /// `arm_accounts` maps azapi accounts to their place in the inventory.
    fn protections(&mut self, arm_accounts: &HashMap<ResKey, Vec<usize>>, strict: &Evaluator) {
        for i in 0..self.unit.resources.len() {
            let r = &self.unit.resources[i];
            // azapi resources, lowered to the ARM shape (`parent`, `properties`).
            let azapi = self.arm_types.get(i).filter(|a| a.resource.rtype != r.resource.rtype);
            let kind = match (r.resource.rtype.as_str(), azapi) {
                (DIAGNOSTIC_SETTING, _) => 0,
                (PRIVATE_ENDPOINT, _) => 1,
                (_, Some(a)) if a.resource.rtype == super::arm::DIAGNOSTIC_SETTING => 2,
                (_, Some(a)) if a.resource.rtype == super::arm::PRIVATE_ENDPOINT => 3,
                _ => continue,
            };
            // Each instance that may be deployed protects what it targets; one that is not
            // deployed protects nothing (it is listed as skipped).
            for s in self.expand(i, strict) {
                let (_, address, existence) = self.names(s);
                let header = r.resource.header;
                let azapi_body = || {
                    let a = azapi.expect("azapi kinds have an ARM shape");
                    let scope = Scope::new(a.instance).with(self.slots[s].instance.bindings.iter().cloned());
                    Body::eval(&self.ev, &scope, &a.resource.body)
                };
                match kind {
                    0 | 2 => {
                        let f = if kind == 0 {
                            self.find(s, &[Step::Key("target_resource_id")])
                        } else {
                            azapi_body().find(&[Step::Key("parent")], false)
                        };
                        let target = self.target(f.as_ref(), arm_accounts, DIAGNOSTICS, &address);
                        self.inv.diagnostic_settings.push(DiagnosticSetting {
                            address,
                            header,
                            existence,
                            target,
                        });
                    }
                    _ => {
                        let found = if kind == 1 {
                            let path = [
                                Step::Key("private_service_connection"),
                                Step::Each,
                                Step::Key("private_connection_resource_id"),
                            ];
                            self.find_all(s, &path)
                        } else {
                            super::arm::private_link_service_ids(&azapi_body())
                        };
                        let targets = found
                            .iter()
                            .map(|f| self.target(Some(f), arm_accounts, ENDPOINT, &address))
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

    /// Module calls that were not followed and are given an account: they may protect it.
    fn opaque_calls(&mut self, arm_accounts: &HashMap<ResKey, Vec<usize>>) {
        for (i, inst) in self.unit.instances.iter().enumerate() {
            for call in &inst.module.modules {
                if inst.children.contains_key(&call.name) {
                    continue;
                }
                let scope = Scope::new(i as u32);
                let mut accounts = Vec::new();
                for arg in &call.args {
                    let v = self.ev.eval(&scope, &arg.value);
                    super::resources_in(&v, &mut |r| {
                        let found = self.instances_of.get(&r).or_else(|| arm_accounts.get(&r));
                        accounts.extend(found.into_iter().flatten().copied());
                    });
                }
                if !accounts.is_empty() {
                    accounts.sort_unstable();
                    accounts.dedup();
                    self.inv.opaque_calls.push(super::OpaqueCall {
                        name: format!("{}module.{}", inst.prefix, call.name),
                        header: call.header,
                        accounts,
                    });
                }
            }
        }
    }

    /// What a resource id names; `None` (not set) names nothing.
    fn target(
        &mut self,
        f: Option<&Found>,
        arm_accounts: &HashMap<ResKey, Vec<usize>>,
        what: &str,
        address: &str,
    ) -> Target {
        match f {
            Some(f) => self.target_found(f, arm_accounts, what, address),
            None => Target::Other,
        }
    }

    fn target_found(
        &mut self,
        f: &Found,
        arm_accounts: &HashMap<ResKey, Vec<usize>>,
        what: &str,
        address: &str,
    ) -> Target {
        let accounts = &self.instances_of;
        let by_sym = |s: &Symbol| match accounts.get(&s.resource).or_else(|| arm_accounts.get(&s.resource)) {
            Some(a) => Target::Accounts(a.clone()),
            None => Target::Other,
        };
        let target = super::target_of(&f.value, &by_sym, &self.inv.accounts);
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

fn public_access_of(enabled: bool) -> PublicAccess {
    if enabled {
        PublicAccess::Enabled
    } else {
        PublicAccess::Disabled
    }
}

/// Azure RBAC (issue #16): `azurerm_role_definition` and `azurerm_role_assignment`.
impl Builder<'_> {
    fn mgmt_role_definition(&mut self, i: usize) {
        let res = self.slots[i].res;
        let header = self.res(i).resource.header;
        let (declared, _, _) = self.names(i);
        let guid = self
            .find(i, &[Step::Key("role_definition_id")])
            .and_then(|f| f.value.as_str())
            .filter(|g| cosmos::is_guid(g))
            .map(|g| g.to_ascii_lowercase());
        let role_name = self.find(i, &[Step::Key("name")]).and_then(|f| f.value.as_str());
        let actions = self
            .find_all(
                i,
                &[Step::Key("permissions"), Step::Each, Step::Key("actions"), Step::Each],
            )
            .iter()
            .map(|f| f.fact(|v| v.as_str()))
            .collect();
        let not_actions = self
            .find_all(
                i,
                &[
                    Step::Key("permissions"),
                    Step::Each,
                    Step::Key("not_actions"),
                    Step::Each,
                ],
            )
            .iter()
            .filter_map(|f| f.value.as_str())
            .collect();
        self.mgmt_defs
            .entry(ResKey(res as u32))
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

    fn mgmt_role_assignment(&mut self, i: usize) {
        use super::rbac::{MgmtRole, MgmtScope};
        let header = self.res(i).resource.header;
        let (declared, address, existence) = self.names(i);
        let by_id = self
            .find(i, &[Step::Key("role_definition_id")])
            .filter(|f| !f.is_null());
        let by_name = self
            .find(i, &[Step::Key("role_definition_name")])
            .filter(|f| !f.is_null());
        let (role, role_span) = match by_id.or(by_name) {
            None => (MgmtRole::Unknown, header),
            Some(f) => {
                let span = f.expr_span.unwrap_or(f.use_span);
                let role = match &f.value.kind {
                    Kind::Str(s) => match s.as_sym() {
                        Some(sym) => match self.mgmt_defs.get(&sym.resource) {
                            Some(&d) => MgmtRole::Custom(d),
                            None => MgmtRole::Unknown,
                        },
                        None => super::rbac::role_of_pstr(s, &self.inv.mgmt_role_definitions),
                    },
                    _ => MgmtRole::Unknown,
                };
                (role, span)
            }
        };
        let scope_found = self.find(i, &[Step::Key("scope")]);
        let scope_span = scope_found.as_ref().map(|f| f.expr_span.unwrap_or(f.use_span));
        let scope = match scope_found.as_ref().map(|f| &f.value.kind) {
            Some(Kind::Str(s)) => self.mgmt_scope(s),
            _ => MgmtScope::Other,
        };
        let principal = self
            .find(i, &[Step::Key("principal_id")])
            .map(|f| f.fact(|v| v.as_str()));
        let principal_type = self
            .find(i, &[Step::Key("principal_type")])
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

    /// The name of an `azurerm_resource_group` (lower case), when known.
    fn resource_group_name(&self, key: ResKey) -> Option<String> {
        let r = self.unit.resources.get(key.0 as usize)?;
        if r.resource.rtype != RESOURCE_GROUP {
            return None;
        }
        let f = r.resource.body.field("name")?;
        self.ev
            .eval(&Scope::new(r.instance), &f.value)
            .as_str()
            .map(|n| n.to_ascii_lowercase())
    }

    /// What an `azurerm_role_assignment`'s scope covers among the accounts of the unit.
    fn mgmt_scope(&self, s: &PStr) -> super::rbac::MgmtScope {
        use super::rbac::MgmtScope;
        if let Some(sym) = s.as_sym() {
            if sym.attr != "id" {
                return MgmtScope::Other;
            }
            if let Some(&a) = self.accounts.get(&sym.resource) {
                return MgmtScope::Account(a);
            }
            let rtype = self.unit.resources[sym.resource.0 as usize].resource.rtype.as_str();
            if rtype == RESOURCE_GROUP {
                let name = self.resource_group_name(sym.resource);
                return MgmtScope::ResourceGroup(
                    self.account_groups
                        .iter()
                        .enumerate()
                        .filter(|(_, g)| {
                            g.as_ref()
                                .is_some_and(|g| g.resource == Some(sym.resource) || (name.is_some() && g.name == name))
                        })
                        .map(|(a, _)| a)
                        .collect(),
                );
            }
            return MgmtScope::Other;
        }
        match super::rbac::classify_id(s) {
            super::rbac::IdKind::Subscription => MgmtScope::Subscription,
            super::rbac::IdKind::ResourceGroup(Some(name)) => MgmtScope::ResourceGroup(
                self.account_groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.as_ref().is_some_and(|g| g.name.as_deref() == Some(name.as_str())))
                    .map(|(a, _)| a)
                    .collect(),
            ),
            super::rbac::IdKind::Account(Some(name)) => self
                .inv
                .accounts
                .iter()
                .position(|a| a.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&name)))
                .map_or(MgmtScope::Other, MgmtScope::Account),
            _ => MgmtScope::Other,
        }
    }
}

/// Where account keys are used (issue #16, CDB014).
impl Builder<'_> {
    /// The account resource `name` of module instance `instance`, as an inventory index.
    fn account_named(&self, instance: u32, name: &str) -> Option<usize> {
        let i = self
            .unit
            .resources
            .iter()
            .position(|r| r.instance == instance && r.resource.rtype == ACCOUNT && r.resource.name == name)?;
        self.accounts.get(&ResKey(i as u32)).copied()
    }

    fn key_uses(&mut self) {
        use super::keys::{terraform_key_refs, KeyUse, SinkKind};
        let mut uses = Vec::new();
        for r in &self.unit.resources {
            if r.resource.rtype == ACCOUNT {
                continue;
            }
            for (e, name, attr) in terraform_key_refs(&r.resource.body) {
                uses.push(KeyUse {
                    span: e.span,
                    key: format!("`{attr}`"),
                    account: self.account_named(r.instance, name),
                    account_text: Some(format!("azurerm_cosmosdb_account.{name}")),
                    sink: SinkKind::of_type(&r.resource.rtype),
                    sink_address: r.declared.clone(),
                    instance: r.address.clone(),
                    sink_span: r.resource.header,
                    existence: r.labels.clone(),
                });
            }
        }
        for (i, inst) in self.unit.instances.iter().enumerate() {
            let mut outputs: Vec<(&String, &Expr)> = inst.module.outputs.iter().collect();
            outputs.sort_by_key(|(n, _)| n.as_str());
            for (name, value) in outputs {
                for (e, acct, attr) in terraform_key_refs(value) {
                    uses.push(KeyUse {
                        span: e.span,
                        key: format!("`{attr}`"),
                        account: self.account_named(i as u32, acct),
                        account_text: Some(format!("azurerm_cosmosdb_account.{acct}")),
                        sink: SinkKind::Output,
                        sink_address: format!("output `{name}`"),
                        instance: format!("{}output.{name}", inst.prefix),
                        sink_span: value.span,
                        existence: Vec::new(),
                    });
                }
            }
        }
        self.inv.key_uses.extend(uses);
    }
}
