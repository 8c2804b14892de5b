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
use super::{CosmosAccount, Fact, Hints, Inventory, RoleRef, SqlRoleAssignment, SqlRoleDefinition, Unresolved};
use crate::eval::{exist, Env, Evaluator, Kind, PStr, Piece, ResKey, Scope, Symbol, UnitResource};

pub const ACCOUNT: &str = "microsoft.documentdb/databaseaccounts";
pub const DATABASE: &str = "microsoft.documentdb/databaseaccounts/sqldatabases";
pub const CONTAINER: &str = "microsoft.documentdb/databaseaccounts/sqldatabases/containers";
pub const ROLE_DEFINITION: &str = "microsoft.documentdb/databaseaccounts/sqlroledefinitions";
pub const ROLE_ASSIGNMENT: &str = "microsoft.documentdb/databaseaccounts/sqlroleassignments";

pub static HINTS: Hints = Hints {
    disable_local_auth: "set `properties.disableLocalAuth: true` and grant access with Cosmos DB SQL role assignments (`sqlRoleAssignments`)",
    disable_key_metadata_writes: "set `properties.disableKeyBasedMetadataWriteAccess: true` and manage databases and containers through Azure Resource Manager instead",
    data_actions: "list the concrete actions the role needs in `properties.permissions[].dataActions`",
    database_scope: "scope the assignment to a database or container: `<account id>/dbs/<database>` or `<account id>/dbs/<database>/colls/<container>`",
};

/// Builds the inventory of one unit. `env` resolves the unit's names; `resources` are its
/// resources in ARM shape (other types are ignored). Each resource is expanded into the
/// instances that may be deployed (`eval::exist`); each instance is one model entity.
pub fn build(env: &dyn Env, resources: &[UnitResource]) -> (Inventory, Vec<Unresolved>) {
    let mut b = Builder {
        ev: Evaluator::new(env),
        resources,
        slots: Vec::new(),
        inv: Inventory::default(),
        unresolved: Vec::new(),
        accounts: HashMap::new(),
        role_defs: HashMap::new(),
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
    b.unresolved.extend(super::budget_note(env.budget(), resources));
    (b.inv, b.unresolved)
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
    role_defs: HashMap<ResKey, usize>,
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
        self.accounts.entry(ResKey(i as u32)).or_insert(self.inv.accounts.len());
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
        // A child of a child (database → account).
        self.resources.get(key.0 as usize)?;
        let p = self.decl_at(key.0 as usize, &[Step::Key("parent")])?;
        let Kind::Str(s) = &p.value.kind else { return None };
        self.account_of_key(s.as_sym()?.resource, depth + 1)
    }

    fn role_definition(&mut self, s: usize) {
        let i = self.slots[s].res;
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let name = self.at(s, &[Step::Key("name")]).and_then(|f| f.value.as_pstr());
        let role_id = name.as_ref().and_then(last_segment_guid);
        let role_name = self
            .at(s, &[Step::Key("properties"), Step::Key("roleName")])
            .and_then(|f| f.value.as_str());
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
            .or_insert(self.inv.sql_role_definitions.len());
        self.inv.sql_role_definitions.push(SqlRoleDefinition {
            address: declared,
            instance: address,
            existence,
            header,
            hints: &HINTS,
            role_id,
            role_name,
            data_actions,
            account,
        });
    }

    fn symbol_kind(&self, s: &Symbol) -> SymbolKind {
        match (self.rtype_of(s.resource), s.attr.as_str()) {
            (ACCOUNT, "id") => SymbolKind::AccountId,
            (DATABASE, "id") => SymbolKind::DatabaseId,
            (CONTAINER, "id") => SymbolKind::ContainerId,
            _ => SymbolKind::Other,
        }
    }

    fn role_assignment(&mut self, s: usize) {
        let header = self.res(s).resource.header;
        let (declared, address, existence) = self.names(s);
        let (role, role_span) = match self.at(s, &[Step::Key("properties"), Step::Key("roleDefinitionId")]) {
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
        let account = self.account_of(s);
        self.inv.sql_role_assignments.push(SqlRoleAssignment {
            address: declared,
            instance: address,
            existence,
            header,
            hints: &HINTS,
            role,
            role_span,
            scope,
            account,
        });
    }

    fn role_ref(&self, s: &PStr) -> RoleRef {
        // A role definition referenced as an `existing` resource (a built-in role, or one
        // defined elsewhere) is known by the GUID its name ends with.
        if let Some(sym) = s.as_sym().filter(|sym| sym.attr == "id") {
            let i = sym.resource.0 as usize;
            let existing_def = self
                .resources
                .get(i)
                .is_some_and(|r| r.resource.existing && r.resource.rtype == ROLE_DEFINITION);
            if existing_def {
                let name = self.decl_at(i, &[Step::Key("name")]).and_then(|f| f.value.as_pstr());
                return match name.as_ref().and_then(last_segment_guid) {
                    Some(guid) => cosmos::role_ref_by_guid(&PStr::lit(guid), &self.inv.sql_role_definitions),
                    None => RoleRef::Unknown,
                };
            }
        }
        super::role_ref(s, &self.role_defs, &self.inv.sql_role_definitions)
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
