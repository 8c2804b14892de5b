//! CDB010 unknown-role-definition — doc: rules/CDB010.md

use super::{RuleMeta, Sink};
use crate::diagnostic::{FindingContext, Label, Severity};
use crate::model::cosmos::DATA_APIS;
use crate::model::{Fact, Inventory, MongoRole, MongoRoleRef, RoleRef, Subject};

pub static META: RuleMeta = RuleMeta {
    id: "CDB010",
    name: "unknown-role-definition",
    severity: Severity::Warning,
    enabled_by_default: true,
    since: "0.1.0",
    summary: "Cosmos DB data-plane role assignment names a role that is neither built in nor defined",
    doc: include_str!("../../rules/CDB010.md"),
    check,
};

fn check(inv: &Inventory, sink: &mut Sink) {
    data_plane(inv, sink);
    // MongoDB native RBAC: a user's roles and a role definition's inherited roles.
    for u in &inv.mongo_users {
        for r in &u.roles {
            mongo(
                inv,
                sink,
                u.account,
                u.database.as_ref(),
                r,
                u.header,
                u.subject(),
                "user",
            );
        }
    }
    for d in &inv.mongo_roles {
        for r in &d.roles {
            mongo(
                inv,
                sink,
                d.account,
                d.database.as_ref(),
                r,
                d.header,
                d.subject(),
                "role definition",
            );
        }
    }
}

/// A MongoDB role name that is neither built in nor defined for that account and database
/// in the inputs (silent when the account is not among the inputs, or when a definition
/// there may be the one: see [`Inventory::mongo_role`]).
#[allow(clippy::too_many_arguments)]
fn mongo(
    inv: &Inventory,
    sink: &mut Sink,
    account: Option<usize>,
    owner_db: Option<&Fact<String>>,
    r: &MongoRoleRef,
    header: crate::source::Span,
    subject: Subject,
    what: &str,
) {
    let Some(account) = account else { return };
    // Over a value set: each candidate on its own (its labels say when it applies).
    for candidate in r.role.candidates() {
        let one = MongoRoleRef {
            role: candidate.clone(),
            db: r.db.clone(),
        };
        mongo_one(inv, sink, account, owner_db, &one, header, subject, what);
    }
}

#[allow(clippy::too_many_arguments)]
fn mongo_one(
    inv: &Inventory,
    sink: &mut Sink,
    account: usize,
    owner_db: Option<&Fact<String>>,
    r: &MongoRoleRef,
    header: crate::source::Span,
    subject: Subject,
    what: &str,
) {
    let MongoRole::Undefined(name) = inv.mongo_role(Some(account), owner_db, r) else {
        return;
    };
    let db =
        r.db.as_ref()
            .or(owner_db)
            .and_then(Fact::value)
            .map_or_else(|| "its database".to_string(), |d| format!("database `{d}`"));
    let acct = &inv.accounts[account];
    let (span, _, mut labels) = super::locate(&r.role, header, "");
    labels.push(Label {
        span: acct.header,
        message: format!("no MongoDB role `{name}` is declared for this account"),
    });
    let verb = if what == "user" { "is given" } else { "inherits" };
    let d = sink.report(
        &META,
        span,
        format!(
            "MongoDB {what} `{}` {verb} the role `{name}` in {db} of `{}`, which is neither a built-in role (`read`, `readWrite`, `dbAdmin`, `dbOwner`) nor a role definition of the inputs",
            subject.address, acct.address
        ),
    );
    d.primary_label = Some("role name".into());
    d.labels = labels;
    d.help = Some(format!(
        "use a built-in role (`read`, `readWrite`, `dbAdmin`, `dbOwner`) or declare the role in {db} in the same code (`mongodbRoleDefinitions`, `azurerm_cosmosdb_mongo_role_definition`), so what the {what} may do is reviewed with it"
    ));
    *d.context = FindingContext {
        attribute: Some(("mongo_role", name.clone())),
        resource: Some(header),
        via: r.role.via().iter().map(|v| v.span).collect(),
        ..FindingContext::default()
    };
    super::about(d, subject);
}

fn data_plane(inv: &Inventory, sink: &mut Sink) {
    for a in &inv.role_assignments {
        let RoleRef::UnknownId(guid) = &a.role else {
            continue;
        };
        // Only about an account of the inputs: a role of an account deployed elsewhere may
        // well be defined there.
        let Some(account) = a.account else { continue };
        // A definition of this API whose id is not known offline may be the one.
        if inv
            .role_definitions
            .iter()
            .any(|d| d.api == a.api && d.role_id.is_none() && d.account.is_none_or(|x| x == account))
        {
            continue;
        }
        let info = a.api.info();
        // A built-in id of another API: the commonest mistake, since the ids differ per API.
        let other_built_in = DATA_APIS.iter().find_map(|o| {
            if o.reader == guid {
                Some((o, "Data Reader"))
            } else if o.contributor == guid {
                Some((o, "Data Contributor"))
            } else {
                None
            }
        });
        let why = match other_built_in {
            Some((o, role)) => format!(
                "`{guid}` is the built-in {role} of `{}`, not of `{}` (whose built-ins are `{}` and `{}`)",
                o.definitions, info.definitions, info.reader, info.contributor
            ),
            None => format!(
                "`{guid}` is neither a built-in role of `{}` nor a role definition of the inputs",
                info.definitions
            ),
        };
        let acct = &inv.accounts[account];
        let d = sink.report(
            &META,
            a.role_span,
            format!("`{}` assigns an unknown role on `{}`: {why}", a.address, acct.address),
        );
        d.primary_label = Some("role definition id".into());
        d.labels.push(Label {
            span: acct.header,
            message: format!("no role definition `{guid}` is declared for this account"),
        });
        d.help = Some(format!(
            "use the built-in Data Reader (`{}`) or Data Contributor (`{}`) of `{}`, or declare the custom role definition in the same code and reference its id",
            info.reader, info.contributor, info.definitions
        ));
        *d.context = FindingContext {
            attribute: Some(("role_definition_id", guid.clone())),
            resource: Some(a.header),
            ..FindingContext::default()
        };
        super::about(d, a.subject());
    }
}
