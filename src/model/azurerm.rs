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
use super::{CosmosAccount, Fact, Hints, Inventory, RoleRef, SqlRoleAssignment, SqlRoleDefinition, Unresolved};
use crate::eval::terraform::TfUnit;
use crate::eval::{Evaluator, Kind, PStr, Piece, ResKey, Scope, Symbol, UnitResource};
use crate::ir::{Expr, ExprKind, Field, Resource};

const ACCOUNT: &str = "azurerm_cosmosdb_account";
const ROLE_DEFINITION: &str = "azurerm_cosmosdb_sql_role_definition";
const ROLE_ASSIGNMENT: &str = "azurerm_cosmosdb_sql_role_assignment";
const DATABASE: &str = "azurerm_cosmosdb_sql_database";
const CONTAINER: &str = "azurerm_cosmosdb_sql_container";

pub static HINTS: Hints = Hints {
    disable_local_auth: "set `local_authentication_disabled = true` (azurerm 5.x: `local_authentication_enabled = false`) and grant access with `azurerm_cosmosdb_sql_role_assignment`",
    disable_key_metadata_writes: "set `access_key_metadata_writes_enabled = false` and manage databases and containers through Azure Resource Manager (Terraform) instead",
    data_actions: "list the concrete actions the role needs in `permissions { data_actions = [...] }`",
    database_scope: "scope the assignment to a database or container: `scope = \"${azurerm_cosmosdb_account.<name>.id}/dbs/<database>\"`",
};

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
        role_defs: HashMap::new(),
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
    let (mut inv, mut unresolved) = (b.inv, b.unresolved);
    if let Some(arm_shaped) = &arm_shaped {
        let (azapi, more) = super::arm::build(unit, arm_shaped);
        inv.extend(azapi);
        unresolved.extend(more);
    }
    unresolved.extend(super::budget_note(&unit.budget, &unit.resources));
    (inv, unresolved)
}

/// `azapi_resource`s of `Microsoft.DocumentDB/…` types, lowered to the ARM shape the
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
            if !rtype.starts_with("microsoft.documentdb/") {
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
    role_defs: HashMap<ResKey, usize>,
    bodies: RefCell<HashMap<usize, Rc<Body<'u>>>>,
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
        self.accounts
            .entry(ResKey(res as u32))
            .or_insert(self.inv.accounts.len());
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

    /// The account an `account_name` attribute refers to.
    fn account_of(&self, i: usize) -> Option<usize> {
        let found = self.find(i, &[Step::Key("account_name")])?;
        let Kind::Str(s) = &found.value.kind else { return None };
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
        let i = s.resource.0 as usize;
        let rtype = self
            .arm_types
            .get(i)
            .unwrap_or(&self.unit.resources[i])
            .resource
            .rtype
            .as_str();
        match (rtype, s.attr.as_str()) {
            (ACCOUNT | super::arm::ACCOUNT, "id") => SymbolKind::AccountId,
            (DATABASE | super::arm::DATABASE, "id") => SymbolKind::DatabaseId,
            (CONTAINER | super::arm::CONTAINER, "id") => SymbolKind::ContainerId,
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
        super::role_ref(s, &self.role_defs, &self.inv.sql_role_definitions)
    }
}
