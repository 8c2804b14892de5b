//! `cosmolint access`: who can do what where, per account of the inputs — from the same
//! model the rules read. Each unit turns its [`Inventory`] into [`AccountAccess`] entries
//! (owned, with spans), the run collects them, and [`render_table`] / [`render_json`] show
//! them. The JSON schema is documented in README ("cosmolint access").

use crate::model::cosmos::mongo;
use crate::model::rbac::{custom_key_access, KeyAccess, MgmtRole, MgmtScope};
use crate::model::{AssignmentScope, Fact, Inventory, MongoRole, MongoRoleRef, RoleRef};
use crate::source::{Files, Span};

/// One account and everything that grants access to its data.
#[derive(Clone, Debug)]
pub struct AccountAccess {
    /// As declared (`azurerm_cosmosdb_account.main`).
    pub account: String,
    pub instance: String,
    /// The unit it was evaluated in (a Terraform root, a Bicep file with its parameters, an
    /// ARM template): one module's account differs per caller.
    pub unit: String,
    pub span: Span,
    /// `NoSQL`, `Table`, … or `unknown`.
    pub api: &'static str,
    /// Whether keys work: `Some(true)` enabled, `Some(false)` disabled, `None` not known or
    /// depends on inputs (a value set with both).
    pub keys_enabled: Option<bool>,
    /// Where that is decided (the attribute, or the header for a default).
    pub keys_span: Span,
    pub data: Vec<DataGrant>,
    pub management: Vec<MgmtGrant>,
    /// Where its keys are used (CDB014).
    pub key_uses: Vec<KeyUseEntry>,
    /// Whether it is a MongoDB account (the table then lists its native users, even none).
    pub mongo: bool,
    /// MongoDB native users (`mongodbUserDefinitions`, `azurerm_cosmosdb_mongo_user_definition`).
    pub mongo_users: Vec<MongoUserEntry>,
    /// MongoDB native role definitions declared for it (held by a user or not).
    pub mongo_roles: Vec<MongoRoleDefEntry>,
}

/// A MongoDB native role definition: what it grants itself and what it inherits.
#[derive(Clone, Debug)]
pub struct MongoRoleDefEntry {
    pub definition: String,
    pub span: Span,
    /// The role name (`None`: not known offline).
    pub role: Option<String>,
    pub database: Option<String>,
    /// Everything it grants, inherited roles followed (as for a user's role).
    pub grants: MongoRoleEntry,
}

/// A MongoDB native password user and what its roles allow. The password is never read.
#[derive(Clone, Debug)]
pub struct MongoUserEntry {
    pub user: String,
    pub span: Span,
    /// The user name as written (or the expression).
    pub user_name: Principal,
    /// The database it lives in (`None`: not known offline).
    pub database: Option<String>,
    pub roles: Vec<MongoRoleEntry>,
}

/// One role of a MongoDB user, with the privileges it grants (inherited roles followed).
#[derive(Clone, Debug)]
pub struct MongoRoleEntry {
    /// The name as written (`None`: not known offline).
    pub role: Option<String>,
    /// `built-in`, `custom`, `not defined in the inputs`, `not known offline`.
    pub kind: &'static str,
    /// The role definition's address, for a custom role.
    pub definition: Option<String>,
    /// (resource, actions): `database sales`, `collection sales/orders`, …
    pub privileges: Vec<(String, Vec<String>)>,
    /// Whether a privilege changes something; `None` when a role on the way is not known.
    pub writes: Option<bool>,
    /// When the role name is one of several candidates: when this one applies.
    pub when: Option<String>,
}

/// A use of the account's key: the reference, and what it flows into.
#[derive(Clone, Debug)]
pub struct KeyUseEntry {
    pub span: Span,
    /// `` `primary_key` ``, `` `listKeys()` ``.
    pub key: String,
    /// `an app setting`, `a Key Vault secret`, `an output`, …
    pub sink: &'static str,
    pub sink_address: String,
}

/// A data-plane role assignment.
#[derive(Clone, Debug)]
pub struct DataGrant {
    pub assignment: String,
    pub span: Span,
    pub principal: Principal,
    /// `Cosmos DB Built-in Data Contributor`, `custom `reader``, a GUID, or `unknown`.
    pub role: String,
    /// The concrete data actions (wildcards expanded); empty when the role is not known.
    pub actions: Vec<String>,
    pub writes: bool,
    /// `account`, `database app`, `container app/orders`, `database (name unknown)`,
    /// `unknown`; several when the scope is a value set.
    pub scope: String,
}

/// A management-plane role assignment that reaches the account's keys.
#[derive(Clone, Debug)]
pub struct MgmtGrant {
    pub assignment: String,
    pub span: Span,
    pub principal: Principal,
    pub role: String,
    /// `read-write` or `read-only`.
    pub keys: &'static str,
    /// `account`, `resource group`, `subscription`.
    pub at: &'static str,
}

/// A principal as written: its value when known, else the expression's place.
#[derive(Clone, Debug)]
pub enum Principal {
    Known(String),
    Expression(Span),
    Absent,
}

fn principal(p: &Option<Fact<String>>) -> Principal {
    match p {
        Some(f) => match f.value() {
            Some(v) => Principal::Known(v.clone()),
            None => f.span().map_or(Principal::Absent, Principal::Expression),
        },
        None => Principal::Absent,
    }
}

fn scope_text(s: &AssignmentScope) -> String {
    match s {
        AssignmentScope::Account => "account".into(),
        AssignmentScope::Database(Some(d)) => format!("database {d}"),
        AssignmentScope::Database(None) => "database (name not known)".into(),
        AssignmentScope::Container(d, c) => format!(
            "container {}/{}",
            d.as_deref().unwrap_or("?"),
            c.as_deref().unwrap_or("?")
        ),
    }
}

/// The access entries of one unit's inventory.
pub fn collect(inv: &Inventory) -> Vec<AccountAccess> {
    let mut out: Vec<AccountAccess> = inv
        .accounts
        .iter()
        .map(|a| {
            let cands = a.local_auth_enabled.candidates();
            let values: Vec<Option<bool>> = cands.iter().map(|c| c.value().copied()).collect();
            let keys_enabled = match values.first() {
                Some(Some(v)) if values.iter().all(|x| *x == Some(*v)) => Some(*v),
                _ => None,
            };
            AccountAccess {
                account: a.address.clone(),
                instance: a.instance.clone(),
                unit: String::new(),
                span: a.header,
                api: a.api.label(),
                keys_enabled,
                keys_span: a.local_auth_enabled.span().unwrap_or(a.header),
                data: Vec::new(),
                management: Vec::new(),
                key_uses: Vec::new(),
                mongo: a.api == crate::model::ApiKind::Mongo,
                mongo_users: Vec::new(),
                mongo_roles: Vec::new(),
            }
        })
        .collect();
    for r in &inv.role_assignments {
        let Some(acct) = r.account else { continue };
        let info = r.api.info();
        let (role, actions): (String, Vec<String>) = match &r.role {
            RoleRef::BuiltInReader => (
                format!("Cosmos DB Built-in Data Reader ({})", info.reader),
                r.api.built_in_actions(false).iter().map(|s| s.to_string()).collect(),
            ),
            RoleRef::BuiltInContributor => (
                format!("Cosmos DB Built-in Data Contributor ({})", info.contributor),
                r.api.built_in_actions(true).iter().map(|s| s.to_string()).collect(),
            ),
            RoleRef::Custom(d) => {
                let def = &inv.role_definitions[*d];
                let mut actions: Vec<String> = Vec::new();
                for f in &def.data_actions {
                    for c in f.candidates() {
                        match c.value() {
                            Some(v) => {
                                for a in def.api.expand(v) {
                                    if !actions.iter().any(|x| x == a) {
                                        actions.push(a.to_string());
                                    }
                                }
                            }
                            None => actions.push("(an action not known offline)".into()),
                        }
                    }
                }
                (
                    format!("custom `{}`", def.role_name.as_deref().unwrap_or(&def.address)),
                    actions,
                )
            }
            RoleRef::UnknownId(g) => (format!("{g} (not defined in the inputs)"), Vec::new()),
            RoleRef::Unknown => ("not known offline".into(), Vec::new()),
        };
        let writes = actions.iter().any(|a| !info.read_only.iter().any(|r| r == a))
            && !matches!(r.role, RoleRef::UnknownId(_) | RoleRef::Unknown);
        let scope = r
            .scope
            .candidates()
            .iter()
            .map(|c| c.value().map_or_else(|| "not known offline".to_string(), scope_text))
            .collect::<Vec<_>>()
            .join(" or ");
        if let Some(entry) = out.get_mut(acct) {
            entry.data.push(DataGrant {
                assignment: r.address.clone(),
                span: r.header,
                principal: principal(&r.principal),
                role,
                actions,
                writes,
                scope,
            });
        }
    }
    for m in &inv.mgmt_role_assignments {
        let (role, keys) = match &m.role {
            MgmtRole::BuiltIn(b) => (b.name.to_string(), b.keys),
            MgmtRole::Custom(d) => {
                let def = &inv.mgmt_role_definitions[*d];
                let keys = custom_key_access(&def.actions, &def.not_actions).map_or(KeyAccess::None, |k| k.0);
                (
                    format!("custom `{}`", def.role_name.as_deref().unwrap_or(&def.address)),
                    keys,
                )
            }
            _ => continue,
        };
        let keys = match keys {
            KeyAccess::Full => "read-write",
            KeyAccess::ReadOnly => "read-only",
            KeyAccess::None => continue,
        };
        let at = match m.scope {
            MgmtScope::Account(_) => "account",
            MgmtScope::ResourceGroup(_) => "resource group",
            MgmtScope::Subscription => "subscription",
            MgmtScope::Other => continue,
        };
        for acct in m.accounts(inv.accounts.len()) {
            if let Some(entry) = out.get_mut(acct) {
                entry.management.push(MgmtGrant {
                    assignment: m.address.clone(),
                    span: m.header,
                    principal: principal(&m.principal),
                    role: role.clone(),
                    keys,
                    at,
                });
            }
        }
    }
    for k in &inv.key_uses {
        if let Some(entry) = k.account.and_then(|a| out.get_mut(a)) {
            entry.key_uses.push(KeyUseEntry {
                span: k.span,
                key: k.key.clone(),
                sink: k.sink.label(),
                sink_address: k.sink_address.clone(),
            });
        }
    }
    for u in &inv.mongo_users {
        let Some(entry) = u.account.and_then(|a| out.get_mut(a)) else {
            continue;
        };
        // A role name that is a value set: one entry per candidate, saying when.
        let roles = u
            .roles
            .iter()
            .flat_map(|r| {
                r.role.candidates().iter().map(|c| {
                    let one = MongoRoleRef {
                        role: c.clone(),
                        db: r.db.clone(),
                    };
                    let mut entry = mongo_role_entry(inv, u.account, u.database.as_ref(), &one);
                    if matches!(r.role, Fact::OneOf(_)) {
                        let whens: Vec<&str> = c.via().iter().filter(|v| v.when).map(|v| v.label.as_str()).collect();
                        entry.when = (!whens.is_empty()).then(|| whens.join(" and "));
                    }
                    entry
                })
            })
            .collect();
        entry.mongo_users.push(MongoUserEntry {
            user: u.address.clone(),
            span: u.header,
            user_name: principal(&u.user_name),
            database: u.database.as_ref().and_then(Fact::value).cloned(),
            roles,
        });
    }
    for (i, d) in inv.mongo_roles.iter().enumerate() {
        if d.existing {
            continue;
        }
        let Some(entry) = d.account.and_then(|a| out.get_mut(a)) else {
            continue;
        };
        // What it grants, inherited roles followed, as for a user holding it.
        let mut privileges = Vec::new();
        let this = MongoRoleRef {
            role: d.role_name.clone().unwrap_or(Fact::Unknown {
                span: d.header,
                why: String::new(),
            }),
            db: None,
        };
        let complete = grant(
            inv,
            d.database.as_ref(),
            &this,
            &MongoRole::Custom(i),
            &mut privileges,
            &mut Vec::new(),
            0,
        );
        let writes = privileges.iter().any(|(_, a)| a.iter().any(|x| mongo::writes(x)));
        let grants = MongoRoleEntry {
            role: this.role.value().cloned(),
            kind: "custom",
            definition: Some(d.address.clone()),
            privileges,
            writes: (writes || complete).then_some(writes),
            when: None,
        };
        entry.mongo_roles.push(MongoRoleDefEntry {
            definition: d.address.clone(),
            span: d.header,
            role: d.role_name.as_ref().and_then(Fact::value).cloned(),
            database: d.database.as_ref().and_then(Fact::value).cloned(),
            grants,
        });
    }
    out
}

fn fact_text(f: &Fact<String>) -> String {
    f.value().cloned().unwrap_or_else(|| "not known offline".into())
}

/// What a privilege's `resource` names. An empty or absent `db` is shown as written: what it
/// means is not documented.
fn resource_text(p: &crate::model::MongoPrivilege) -> String {
    let db = match &p.db {
        None => return "database not set (meaning not documented)".into(),
        Some(f) => match f.value() {
            None => return "not known offline".into(),
            Some(d) if d.is_empty() => return "database \"\" (meaning not documented)".into(),
            Some(d) => d.clone(),
        },
    };
    match p.collection.as_ref().map(|c| c.value()) {
        None => format!("database {db}"),
        Some(None) => format!("collection {db}/? (not known offline)"),
        Some(Some(c)) if c.is_empty() => format!("database {db}"),
        Some(Some(c)) => format!("collection {db}/{c}"),
    }
}

/// How a role reads in the table: its name, or that it is not known.
fn role_text(r: &MongoRoleEntry) -> String {
    match &r.role {
        None => "(name not known offline)".into(),
        Some(role) => format!(
            "{} ({}{})",
            crate::report::printable(role),
            r.kind,
            r.definition
                .as_deref()
                .map(|d| format!(" `{}`", crate::report::printable(d)))
                .unwrap_or_default()
        ),
    }
}

/// A user's role and everything it grants, inherited roles included (each followed once).
fn mongo_role_entry(
    inv: &Inventory,
    account: Option<usize>,
    owner_db: Option<&Fact<String>>,
    r: &MongoRoleRef,
) -> MongoRoleEntry {
    let resolved = inv.mongo_role(account, owner_db, r);
    let mut privileges: Vec<(String, Vec<String>)> = Vec::new();
    let mut seen = Vec::new();
    let complete = grant(inv, owner_db, r, &resolved, &mut privileges, &mut seen, 0);
    let writes = privileges.iter().any(|(_, a)| a.iter().any(|x| mongo::writes(x)));
    // A role or an action on the way that is not known may write.
    let writes = (writes || complete).then_some(writes);
    let (kind, definition) = match &resolved {
        MongoRole::BuiltIn(_) => ("built-in", None),
        MongoRole::Custom(d) => ("custom", Some(inv.mongo_roles[*d].address.clone())),
        MongoRole::Undefined(_) => ("not defined in the inputs", None),
        MongoRole::Unknown => ("not known offline", None),
    };
    MongoRoleEntry {
        role: r.role.value().cloned(),
        kind,
        definition,
        privileges,
        writes,
        when: None,
    }
}

fn grant(
    inv: &Inventory,
    owner_db: Option<&Fact<String>>,
    r: &MongoRoleRef,
    resolved: &MongoRole,
    out: &mut Vec<(String, Vec<String>)>,
    seen: &mut Vec<usize>,
    depth: usize,
) -> bool {
    let db =
        r.db.as_ref()
            .or(owner_db)
            .map_or_else(|| "not known offline".to_string(), fact_text);
    match resolved {
        MongoRole::BuiltIn(name) => {
            let privs = mongo::built_in(name).map_or(&[][..], |(_, p)| p);
            out.push((format!("database {db}"), privs.iter().map(|p| p.to_string()).collect()));
            true
        }
        MongoRole::Custom(d) => {
            if seen.contains(d) || depth > 16 {
                return true;
            }
            seen.push(*d);
            let def = &inv.mongo_roles[*d];
            let mut complete = true;
            for p in &def.privileges {
                complete &= p.actions.iter().all(|a| a.value().is_some());
                let actions = p.actions.iter().map(fact_text).collect();
                out.push((resource_text(p), actions));
            }
            for inherited in &def.roles {
                let res = inv.mongo_role(def.account, def.database.as_ref(), inherited);
                complete &= grant(inv, def.database.as_ref(), inherited, &res, out, seen, depth + 1);
            }
            complete
        }
        MongoRole::Undefined(name) => {
            out.push((
                format!("role `{name}`: privileges not known (no such role in the inputs)"),
                Vec::new(),
            ));
            false
        }
        MongoRole::Unknown => {
            out.push((
                format!("role `{}`: privileges not known offline", fact_text(&r.role)),
                Vec::new(),
            ));
            false
        }
    }
}

/// Sorted by place and instance, one entry per account instance (a module called by several
/// roots gives the same entry more than once).
pub fn sort(files: &Files, entries: &mut Vec<AccountAccess>) {
    let key = |e: &AccountAccess| {
        (
            files.get(e.span.file).map(|f| f.display.clone()),
            e.span.start,
            e.instance.clone(),
            e.unit.clone(),
        )
    };
    entries.sort_by_key(key);
    entries.dedup_by(|a, b| key(a) == key(b));
}

fn place(files: &Files, span: Span) -> String {
    match files.get(span.file) {
        Some(f) => {
            let lc = f.line_col(span.start);
            format!("{}:{}:{}", f.display, lc.line, lc.column)
        }
        None => "?".into(),
    }
}

fn principal_text(files: &Files, p: &Principal) -> String {
    match p {
        Principal::Known(v) => crate::report::printable(v).into_owned(),
        Principal::Expression(span) => match files.get(span.file) {
            Some(f) => {
                let text = f.text.get(span.start as usize..span.end as usize).unwrap_or("?");
                let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let short: String = one_line.chars().take(80).collect();
                format!("`{}` (not known offline)", crate::report::printable(&short))
            }
            None => "(not known offline)".into(),
        },
        Principal::Absent => "(not set)".into(),
    }
}

/// The table for people: per account, whether keys work, then each grant.
pub fn render_table(files: &Files, entries: &[AccountAccess]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if entries.is_empty() {
        out.push_str("no Cosmos DB account in the inputs\n");
        return out;
    }
    for e in entries {
        let _ = writeln!(
            out,
            "account {} ({} API) at {}, in {}",
            crate::report::printable(&e.instance),
            e.api,
            place(files, e.span),
            crate::report::printable(&e.unit)
        );
        let keys = match e.keys_enabled {
            Some(true) => "ENABLED: anyone with a key reads and writes all data",
            Some(false) => "disabled",
            None => "depends on inputs not known offline",
        };
        let _ = writeln!(out, "  keys: {keys} ({})", place(files, e.keys_span));
        heading(&mut out, "data-plane role assignments", "none", e.data.is_empty());
        for g in &e.data {
            let _ = writeln!(
                out,
                "    - {} ({}) -> {} at {} [{}]",
                principal_text(files, &g.principal),
                crate::report::printable(&g.assignment),
                crate::report::printable(&g.role),
                crate::report::printable(&g.scope),
                if g.writes { "reads and writes" } else { "reads" }
            );
            if !g.actions.is_empty() {
                let _ = writeln!(
                    out,
                    "        actions: {}",
                    crate::report::printable(&g.actions.join(", "))
                );
            }
            let _ = writeln!(out, "        at {}", place(files, g.span));
        }
        heading(
            &mut out,
            "management roles that reach keys",
            "none",
            e.management.is_empty(),
        );
        for m in &e.management {
            let _ = writeln!(
                out,
                "    - {} ({}) -> {} on the {}: {} keys{}",
                principal_text(files, &m.principal),
                crate::report::printable(&m.assignment),
                crate::report::printable(&m.role),
                m.at,
                m.keys,
                if e.keys_enabled == Some(false) {
                    " (keys are disabled)"
                } else {
                    ""
                }
            );
            let _ = writeln!(out, "        at {}", place(files, m.span));
        }
        if e.mongo || !e.mongo_users.is_empty() {
            heading(
                &mut out,
                "MongoDB users (native role-based access control)",
                "none",
                e.mongo_users.is_empty(),
            );
        }
        for u in &e.mongo_users {
            let _ = writeln!(
                out,
                "    - {} ({}) in database {}",
                principal_text(files, &u.user_name),
                crate::report::printable(&u.user),
                crate::report::printable(u.database.as_deref().unwrap_or("(not known offline)"))
            );
            if u.roles.is_empty() {
                let _ = writeln!(out, "        no roles");
            }
            for r in &u.roles {
                let _ = writeln!(
                    out,
                    "        role {} [{}]{}",
                    role_text(r),
                    match r.writes {
                        Some(true) => "reads and writes",
                        Some(false) => "reads",
                        None => "not known",
                    },
                    r.when
                        .as_deref()
                        .map(|w| format!(" {}", crate::report::printable(w)))
                        .unwrap_or_default()
                );
                for (resource, actions) in &r.privileges {
                    if actions.is_empty() {
                        let _ = writeln!(out, "          {}", crate::report::printable(resource));
                    } else {
                        let _ = writeln!(
                            out,
                            "          {} on {}",
                            crate::report::printable(&actions.join(", ")),
                            crate::report::printable(resource)
                        );
                    }
                }
            }
            let _ = writeln!(out, "        at {}", place(files, u.span));
        }
        if !e.mongo_roles.is_empty() {
            let _ = writeln!(out, "  MongoDB role definitions:");
        }
        for d in &e.mongo_roles {
            let _ = writeln!(
                out,
                "    - {} ({}) in database {} [{}]",
                crate::report::printable(d.role.as_deref().unwrap_or("(name not known offline)")),
                crate::report::printable(&d.definition),
                crate::report::printable(d.database.as_deref().unwrap_or("(not known offline)")),
                match d.grants.writes {
                    Some(true) => "reads and writes",
                    Some(false) => "reads",
                    None => "not known",
                }
            );
            for (resource, actions) in &d.grants.privileges {
                if actions.is_empty() {
                    let _ = writeln!(out, "        {}", crate::report::printable(resource));
                } else {
                    let _ = writeln!(
                        out,
                        "        {} on {}",
                        crate::report::printable(&actions.join(", ")),
                        crate::report::printable(resource)
                    );
                }
            }
            let _ = writeln!(out, "        at {}", place(files, d.span));
        }
        heading(&mut out, "keys used by", "nothing", e.key_uses.is_empty());
        for k in &e.key_uses {
            let _ = writeln!(
                out,
                "    - {} ({}) reads {} at {}",
                crate::report::printable(&k.sink_address),
                k.sink,
                crate::report::printable(&k.key),
                place(files, k.span)
            );
        }
        out.push('\n');
    }
    out
}

/// The JSON document (schema in README, "cosmolint access").
pub fn render_json(files: &Files, entries: &[AccountAccess]) -> String {
    use serde_json::{json, Value};
    let loc = |span: Span| -> Value {
        match files.get(span.file) {
            Some(f) => {
                let lc = f.line_col(span.start);
                json!({ "file": f.display, "line": lc.line, "column": lc.column })
            }
            None => Value::Null,
        }
    };
    let principal = |p: &Principal| -> Value {
        match p {
            Principal::Known(v) => json!({ "value": v }),
            Principal::Expression(span) => json!({ "expression": principal_text(files, p), "location": loc(*span) }),
            Principal::Absent => Value::Null,
        }
    };
    let accounts: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "account": e.account,
                "instance": e.instance,
                "unit": e.unit,
                "api": e.api,
                "location": loc(e.span),
                "keys": {
                    "enabled": e.keys_enabled,
                    "location": loc(e.keys_span),
                },
                "data_roles": e.data.iter().map(|g| json!({
                    "assignment": g.assignment,
                    "location": loc(g.span),
                    "principal": principal(&g.principal),
                    "role": g.role,
                    "actions": g.actions,
                    "writes": g.writes,
                    "scope": g.scope,
                })).collect::<Vec<_>>(),
                "key_uses": e.key_uses.iter().map(|k| json!({
                    "location": loc(k.span),
                    "key": k.key.trim_matches('`'),
                    "sink": k.sink,
                    "used_by": k.sink_address,
                })).collect::<Vec<_>>(),
                "mongo_users": e.mongo_users.iter().map(|u| json!({
                    "user": u.user,
                    "location": loc(u.span),
                    "user_name": principal(&u.user_name),
                    "database": u.database,
                    "roles": u.roles.iter().map(|r| json!({
                        "role": r.role,
                        "kind": r.kind,
                        "definition": r.definition,
                        "privileges": r.privileges.iter().map(|(resource, actions)| json!({
                            "resource": resource,
                            "actions": actions,
                        })).collect::<Vec<_>>(),
                        "writes": r.writes,
                        "when": r.when,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "mongo_roles": e.mongo_roles.iter().map(|d| json!({
                    "definition": d.definition,
                    "location": loc(d.span),
                    "role": d.role,
                    "database": d.database,
                    "privileges": d.grants.privileges.iter().map(|(resource, actions)| json!({
                        "resource": resource,
                        "actions": actions,
                    })).collect::<Vec<_>>(),
                    "writes": d.grants.writes,
                })).collect::<Vec<_>>(),
                "key_access_roles": e.management.iter().map(|m| json!({
                    "assignment": m.assignment,
                    "location": loc(m.span),
                    "principal": principal(&m.principal),
                    "role": m.role,
                    "keys": m.keys,
                    "at": m.at,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "tool": { "name": "cosmolint", "version": env!("CARGO_PKG_VERSION") },
        "accounts": accounts,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    // The Azure Pipelines agent runs `##vso[` anywhere in a log line; `\u005b` is the same
    // `[` to a JSON reader.
    s.replace("##vso[", "##vso\\u005b")
}

/// A section heading of the access table: `  title:` before its entries, or
/// `  title: none in the inputs` when it has none.
fn heading(out: &mut String, title: &str, none: &str, empty: bool) {
    use std::fmt::Write as _;
    if empty {
        let _ = writeln!(out, "  {title}: {none} in the inputs");
    } else {
        let _ = writeln!(out, "  {title}:");
    }
}
