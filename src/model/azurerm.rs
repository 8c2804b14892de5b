//! Terraform azurerm → model.
//!
//! Attribute names and defaults follow the azurerm provider documentation:
//! `azurerm_cosmosdb_account` (`local_authentication_disabled`, default `false`, 3.x/4.x;
//! `local_authentication_enabled`, default `true`, 5.x; `access_key_metadata_writes_enabled`,
//! default `true`; `kind`, default `GlobalDocumentDB`; `capabilities { name }` blocks),
//! `azurerm_cosmosdb_sql_role_definition` (`role_definition_id`, `name`, `account_name`,
//! `permissions { data_actions }`) and `azurerm_cosmosdb_sql_role_assignment`
//! (`account_name`, `role_definition_id`, `scope`).

use std::collections::HashMap;

use super::cosmos::{self, SymbolKind};
use super::{CosmosAccount, Fact, Hints, Inventory, RoleRef, SqlRoleAssignment, SqlRoleDefinition, Unresolved};
use crate::eval::terraform::TfUnit;
use crate::eval::{Evaluator, Kind, PStr, ResKey, Scope, Symbol, Value, Via};
use crate::ir::{Expr, ExprKind};
use crate::source::Span;

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
    let mut b = Builder {
        unit,
        ev,
        inv: Inventory::default(),
        unresolved: Vec::new(),
        accounts: HashMap::new(),
        role_defs: HashMap::new(),
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
    (b.inv, b.unresolved)
}

struct Builder<'u> {
    unit: &'u TfUnit,
    ev: Evaluator<'u>,
    inv: Inventory,
    unresolved: Vec<Unresolved>,
    accounts: HashMap<ResKey, usize>,
    role_defs: HashMap<ResKey, usize>,
}

impl Builder<'_> {
    fn eval_attr(&self, i: usize, attr: &str) -> Option<(Value, Span)> {
        let r = &self.unit.resources[i];
        let field = r.resource.body.field(attr)?;
        Some((self.ev.eval(&Scope::new(r.instance), &field.value), field.value.span))
    }

    fn unresolved(&mut self, fact_span: Span, what: String, why: String) {
        self.unresolved.push(Unresolved {
            span: fact_span,
            what,
            why,
        });
    }

    /// A boolean attribute as a fact; `null` means "not set" in Terraform.
    fn bool_fact(&mut self, i: usize, attr: &str, invert: bool, default: (bool, &str)) -> Option<Fact<bool>> {
        let (v, span) = self.eval_attr(i, attr)?;
        if matches!(v.kind, Kind::Null) {
            return Some(Fact::Default {
                value: default.0,
                note: format!("`{attr}` is null, so {}", default.1),
            });
        }
        let fact = to_fact(&v, span, |v| v.as_bool().map(|b| b != invert));
        if let Fact::Unknown { span, why } = &fact {
            let what = format!("`{attr}` of `{}`", self.unit.resources[i].address);
            self.unresolved(*span, what, why.clone());
        }
        Some(fact)
    }

    fn account(&mut self, i: usize) {
        let r = &self.unit.resources[i];
        let (address, header) = (r.address.clone(), r.resource.header);
        let name = self.eval_attr(i, "name").and_then(|(v, _)| v.as_str());

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
        let kind = match self.eval_attr(i, "kind") {
            None => Some("GlobalDocumentDB".to_string()),
            Some((v, span)) => {
                let k = v.as_str();
                if k.is_none() {
                    api_known = false;
                    self.unresolved(span, format!("`kind` of `{address}`"), unknown_why(&v));
                }
                k
            }
        };
        let mut capabilities = Vec::new();
        if let Some((v, span)) = self.eval_attr(i, "capabilities") {
            match &v.kind {
                Kind::Array(items) => {
                    for item in items {
                        match item.get("name").and_then(|n| n.as_str()) {
                            Some(n) => capabilities.push(n),
                            None => {
                                api_known = false;
                                self.unresolved(span, format!("`capabilities` of `{address}`"), unknown_why(item));
                            }
                        }
                    }
                }
                _ => {
                    api_known = false;
                    self.unresolved(span, format!("`capabilities` of `{address}`"), unknown_why(&v));
                }
            }
        }
        let api = if api_known || kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("MongoDB")) {
            cosmos::api_kind(kind.as_deref(), &capabilities)
        } else {
            super::ApiKind::Unknown
        };
        let mongo_rbac = capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case("EnableMongoRoleBasedAccessControl"));
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
        let (v, _) = self.eval_attr(i, "account_name")?;
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
        let r = &self.unit.resources[i];
        let (address, header, instance) = (r.address.clone(), r.resource.header, r.instance);
        let role_id = self
            .eval_attr(i, "role_definition_id")
            .and_then(|(v, _)| v.as_str())
            .map(|s| s.to_ascii_lowercase());
        let role_name = self.eval_attr(i, "name").and_then(|(v, _)| v.as_str());
        let mut data_actions = Vec::new();
        let permissions = r.resource.body.field("permissions").map(|f| f.value.clone());
        if let Some(perms) = permissions {
            let scope = Scope::new(instance);
            let blocks = self.ev.eval(&scope, &perms);
            // Literal blocks keep their expressions so each action gets its own span.
            let block_exprs: Vec<Option<&Expr>> = match &perms.kind {
                ExprKind::Array(items) => items.iter().map(Some).collect(),
                _ => Vec::new(),
            };
            match &blocks.kind {
                Kind::Array(items) => {
                    for (bi, block) in items.iter().enumerate() {
                        let expr = block_exprs
                            .get(bi)
                            .copied()
                            .flatten()
                            .and_then(|e| e.field("data_actions"));
                        let Some(actions) = block.get("data_actions") else {
                            continue;
                        };
                        let use_span = expr.map_or(actions.origin.span, |f| f.value.span);
                        let elem_exprs: Vec<&Expr> = match expr.map(|f| &f.value.kind) {
                            Some(ExprKind::Array(es)) => es.iter().collect(),
                            _ => Vec::new(),
                        };
                        match &actions.kind {
                            Kind::Array(values) => {
                                for (k, v) in values.iter().enumerate() {
                                    let fact = match elem_exprs.get(k) {
                                        Some(e) => to_fact(v, e.span, |v| v.as_str()),
                                        None => element_fact(v, use_span, &actions.origin.via),
                                    };
                                    if let Fact::Unknown { span, why } = &fact {
                                        self.unresolved(*span, format!("a data action of `{address}`"), why.clone());
                                    }
                                    data_actions.push(fact);
                                }
                            }
                            _ => {
                                self.unresolved(
                                    use_span,
                                    format!("`data_actions` of `{address}`"),
                                    unknown_why(actions),
                                );
                                data_actions.push(Fact::Unknown {
                                    span: use_span,
                                    why: unknown_why(actions),
                                });
                            }
                        }
                    }
                }
                _ => self.unresolved(
                    perms.span,
                    format!("`permissions` of `{address}`"),
                    unknown_why(&blocks),
                ),
            }
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
        let rtype = &self.unit.resources[s.resource.0 as usize].resource.rtype;
        match (rtype.as_str(), s.attr.as_str()) {
            (ACCOUNT, "id") => SymbolKind::AccountId,
            (DATABASE, "id") => SymbolKind::DatabaseId,
            (CONTAINER, "id") => SymbolKind::ContainerId,
            _ => SymbolKind::Other,
        }
    }

    fn role_assignment(&mut self, i: usize) {
        let r = &self.unit.resources[i];
        let (address, header) = (r.address.clone(), r.resource.header);
        let (role, role_span) = match self.eval_attr(i, "role_definition_id") {
            None => (RoleRef::Unknown, header),
            Some((v, span)) => {
                let role = match &v.kind {
                    Kind::Str(s) => self.role_ref(s),
                    _ => RoleRef::Unknown,
                };
                if role == RoleRef::Unknown {
                    self.unresolved(span, format!("`role_definition_id` of `{address}`"), unknown_why(&v));
                }
                (role, span)
            }
        };
        let scope = match self.eval_attr(i, "scope") {
            None => Fact::Unknown {
                span: header,
                why: "`scope` is not set".into(),
            },
            Some((v, span)) => {
                let classified = match &v.kind {
                    Kind::Str(s) => cosmos::classify_scope(s, |sym| self.symbol_kind(sym)),
                    _ => None,
                };
                match classified {
                    Some(sc) => to_fact(&v, span, |_| Some(sc.clone())),
                    None => {
                        let why = match &v.kind {
                            Kind::Unknown(w) => w.clone(),
                            _ => format!("scope {} is not an account, database or container path", v.describe()),
                        };
                        self.unresolved(span, format!("`scope` of `{address}`"), why.clone());
                        Fact::Unknown { span, why }
                    }
                }
            }
        };
        let account = self.account_of(i).or_else(|| {
            let (v, _) = self.eval_attr(i, "scope")?;
            let Kind::Str(s) = &v.kind else { return None };
            s.0.iter().find_map(|p| match p {
                crate::eval::Piece::Sym(sym) if self.symbol_kind(sym) == SymbolKind::AccountId => {
                    self.accounts.get(&sym.resource).copied()
                }
                _ => None,
            })
        });
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
        if let Some(sym) = s.as_sym() {
            return match self.role_defs.get(&sym.resource) {
                Some(&d) if sym.attr == "id" => RoleRef::Custom(d),
                _ => RoleRef::Unknown,
            };
        }
        match cosmos::role_guid(s) {
            Some(g) if g == cosmos::BUILT_IN_READER => RoleRef::BuiltInReader,
            Some(g) if g == cosmos::BUILT_IN_CONTRIBUTOR => RoleRef::BuiltInContributor,
            Some(g) => match self
                .inv
                .sql_role_definitions
                .iter()
                .position(|d| d.role_id.as_deref() == Some(g.as_str()))
            {
                Some(d) => RoleRef::Custom(d),
                None => RoleRef::UnknownId(g),
            },
            None => RoleRef::Unknown,
        }
    }
}

/// A fact from an evaluated value written at `use_span`.
pub fn to_fact<T>(v: &Value, use_span: Span, conv: impl FnOnce(&Value) -> Option<T>) -> Fact<T> {
    match conv(v) {
        Some(value) if v.origin.via.is_empty() => Fact::Literal { value, span: use_span },
        Some(value) => Fact::Resolved {
            value,
            span: use_span,
            via: v.origin.via.clone(),
        },
        None => Fact::Unknown {
            span: use_span,
            why: unknown_why(v),
        },
    }
}

/// An element of a list that came through a variable: written at the attribute, with the
/// list's hops and then the element itself as labels.
fn element_fact(v: &Value, use_span: Span, list_via: &[Via]) -> Fact<String> {
    match v.as_str() {
        Some(value) => {
            let mut via = list_via.to_vec();
            if via.last().map(|l| l.span) != Some(v.origin.span) {
                via.push(Via {
                    span: v.origin.span,
                    label: format!("`{value}` is written here"),
                });
            }
            Fact::Resolved {
                value,
                span: use_span,
                via,
            }
        }
        None => Fact::Unknown {
            span: use_span,
            why: unknown_why(v),
        },
    }
}

pub fn unknown_why(v: &Value) -> String {
    match &v.kind {
        Kind::Unknown(why) => why.clone(),
        _ => format!("{} is not the expected type", v.describe()),
    }
}
