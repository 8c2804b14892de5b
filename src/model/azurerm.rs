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
    let arm_shaped = azapi_resources(unit);
    let mut b = Builder {
        unit,
        arm_types: arm_shaped.as_deref().unwrap_or_default(),
        ev,
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
    for (i, r) in unit.resources.iter().enumerate() {
        if r.resource.rtype == ACCOUNT {
            b.account(i);
        }
    }
    for (i, r) in unit.resources.iter().enumerate() {
        if r.resource.rtype == ROLE_DEFINITION {
            b.role_definition(i);
        }
    }
    for (i, r) in unit.resources.iter().enumerate() {
        if r.resource.rtype == ROLE_ASSIGNMENT {
            b.role_assignment(i);
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

struct Builder<'u> {
    unit: &'u TfUnit,
    /// The unit's resources with azapi Cosmos resources under their ARM types (empty
    /// when there are none), so `azapi_resource.x.id` reads as an account id.
    arm_types: &'u [UnitResource],
    ev: Evaluator<'u>,
    inv: Inventory,
    unresolved: Vec<Unresolved>,
    accounts: HashMap<ResKey, usize>,
    role_defs: HashMap<ResKey, usize>,
    bodies: RefCell<HashMap<usize, Rc<Body<'u>>>>,
}

impl<'u> Builder<'u> {
    /// The resource's body, evaluated once.
    fn body(&self, i: usize) -> Rc<Body<'u>> {
        if let Some(b) = self.bodies.borrow().get(&i) {
            return b.clone();
        }
        let r = &self.unit.resources[i];
        let body = Rc::new(Body::eval(&self.ev, &Scope::new(r.instance), &r.resource.body));
        self.bodies.borrow_mut().insert(i, body.clone());
        body
    }

    fn find(&self, i: usize, path: &[Step]) -> Option<Found> {
        self.body(i).find(path, false)
    }

    fn find_all(&self, i: usize, path: &[Step]) -> Vec<Found> {
        self.body(i).find_all(path, false)
    }

    fn note_unknown<T>(&mut self, fact: &Fact<T>, what: impl FnOnce() -> String) {
        if let Fact::Unknown { span, why } = fact {
            self.unresolved.push(Unresolved {
                span: *span,
                what: what(),
                why: why.clone(),
            });
        }
    }

    /// Whether the resource exists at all: `count = 0` or an empty `for_each` (known)
    /// means it is never created, so it has nothing to report.
    fn deployed(&self, i: usize) -> bool {
        if let Some(c) = self.find(i, &[Step::Key("count")]) {
            if matches!(c.value.kind, Kind::Number(n) if n <= 0.0) {
                return false;
            }
        }
        if let Some(f) = self.find(i, &[Step::Key("for_each")]) {
            match &f.value.kind {
                Kind::Array(items) if items.is_empty() => return false,
                Kind::Object(fields) if fields.is_empty() => return false,
                _ => {}
            }
        }
        true
    }

    /// A boolean attribute as a fact; `null` means "not set" in Terraform.
    fn bool_fact(&mut self, i: usize, attr: &str, invert: bool, default: (bool, &str)) -> Option<Fact<bool>> {
        let found = self.find(i, &[Step::Key(attr)])?;
        if found.is_null() {
            return Some(Fact::Default {
                value: default.0,
                note: format!("`{attr}` is null, so {}", default.1),
            });
        }
        let fact = found.fact(|v| v.as_bool().map(|b| b != invert));
        let address = &self.unit.resources[i].address;
        self.note_unknown(&fact, || format!("`{attr}` of `{address}`"));
        Some(fact)
    }

    fn account(&mut self, i: usize) {
        if !self.deployed(i) {
            return;
        }
        let r = &self.unit.resources[i];
        let (address, header) = (r.address.clone(), r.resource.header);
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
        let kind = match self.find(i, &[Step::Key("kind")]) {
            None => Some("GlobalDocumentDB".to_string()),
            Some(f) if f.is_null() => Some("GlobalDocumentDB".to_string()),
            Some(f) => {
                let fact = f.fact(|v| v.as_str());
                api_known &= fact.value().is_some();
                self.note_unknown(&fact, || format!("`kind` of `{address}`"));
                fact.value().cloned()
            }
        };
        let mut capabilities = Vec::new();
        for c in self.find_all(i, &[Step::Key("capabilities"), Step::Each, Step::Key("name")]) {
            let fact = c.fact(|v| v.as_str());
            api_known &= fact.value().is_some();
            self.note_unknown(&fact, || format!("`capabilities` of `{address}`"));
            capabilities.extend(fact.value().cloned());
        }
        let (api, mongo_rbac) = cosmos::account_api(kind.as_deref(), &capabilities, api_known);
        self.accounts.insert(ResKey(i as u32), self.inv.accounts.len());
        self.inv.accounts.push(CosmosAccount {
            address,
            header,
            hints: &HINTS,
            name,
            api,
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
        if !self.deployed(i) {
            return;
        }
        let r = &self.unit.resources[i];
        let (address, header) = (r.address.clone(), r.resource.header);
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
            .insert(ResKey(i as u32), self.inv.sql_role_definitions.len());
        self.inv.sql_role_definitions.push(SqlRoleDefinition {
            address,
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
        if !self.deployed(i) {
            return;
        }
        let r = &self.unit.resources[i];
        let (address, header) = (r.address.clone(), r.resource.header);
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
            address,
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
