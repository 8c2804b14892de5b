//! `cosmolint access`: the table and the JSON document for a multi-file Terraform module
//! and a Bicep template with modules (snapshots), through the binary.

use std::path::Path;
use std::process::Command;

fn access(case: &str, format: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/access").join(case);
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["access", ".", "--format", format])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn terraform_module_table_and_json() {
    let table = access("terraform_module", "human");
    // The module's account, its two data roles (one custom with a wildcard, expanded) and
    // the management role given at the root through the module's output.
    assert!(table.contains("module.orders.azurerm_cosmosdb_account.this (NoSQL API)"));
    assert!(table.contains("keys: ENABLED"));
    assert!(table.contains("custom `orders-reader` at database orders [reads and writes]"));
    assert!(table.contains("DocumentDB Account Contributor on the account: read-write keys"));
    insta::assert_snapshot!("access_terraform_module_table", table);
    let json: serde_json::Value = serde_json::from_str(&access("terraform_module", "json")).unwrap();
    let account = &json["accounts"][0];
    assert_eq!(account["keys"]["enabled"], true);
    assert_eq!(account["data_roles"].as_array().unwrap().len(), 2);
    assert_eq!(
        account["data_roles"][0]["principal"]["expression"],
        "`var.app_principal` (not known offline)"
    );
    assert_eq!(account["key_access_roles"][0]["keys"], "read-write");
    assert_eq!(account["key_uses"][0]["sink"], "an output");
    insta::assert_snapshot!(
        "access_terraform_module_json",
        serde_json::to_string_pretty(&json).unwrap()
    );
}

#[test]
fn bicep_modules_table_and_json() {
    let table = access("bicep_modules", "human");
    assert!(table.contains("module.account.account (Gremlin API)"));
    assert!(table.contains("keys: disabled"));
    // An assignment in another module, to the account by name (`existing`).
    assert!(table.contains(
        "(reader) -> Cosmos DB Built-in Data Reader (00000000-0000-0000-0000-000000000003) at database social [reads]"
    ));
    assert!(table.contains("Contributor on the account: read-write keys (keys are disabled)"));
    insta::assert_snapshot!("access_bicep_modules_table", table);
    let json: serde_json::Value = serde_json::from_str(&access("bicep_modules", "json")).unwrap();
    assert_eq!(json["accounts"][0]["api"], "Gremlin");
    assert_eq!(json["accounts"][0]["keys"]["enabled"], false);
    insta::assert_snapshot!(
        "access_bicep_modules_json",
        serde_json::to_string_pretty(&json).unwrap()
    );
}

#[test]
fn mongo_native_users_and_roles() {
    let table = access("mongo_native", "human");
    // azurerm: a custom role by reference (its own and its inherited `read` privileges), a
    // built-in, and a role defined nowhere.
    assert!(table.contains(
        "role ordersReader (custom `azurerm_cosmosdb_mongo_role_definition.orders_reader`) [reads and writes]"
    ));
    assert!(table.contains("insert, find on collection sales/orders"));
    assert!(
        table.contains("changeStream, collStats, listCollections, listIndexes, find, killCursors on database sales")
    );
    assert!(table.contains("role auditor (not defined in the inputs) [not known]"));
    // Bicep: `{ db, role }` pairs.
    assert!(table.contains("- app (app) in database sales"));
    assert!(table.contains("find, insert, update on collection sales/orders"));
    // Role definitions are listed too, with what they grant.
    assert!(table.contains(
        "- ordersReader (azurerm_cosmosdb_mongo_role_definition.orders_reader) in database sales [reads and writes]"
    ));
    // The password is never read, so never shown.
    assert!(!table.contains("literal-password-never-printed"));
    insta::assert_snapshot!("access_mongo_native_table", table);
    let text = access("mongo_native", "json");
    assert!(!text.contains("literal-password-never-printed"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let users = json["accounts"][0]["mongo_users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["user_name"]["value"], "app");
    assert_eq!(users[0]["database"], "sales");
    let roles = users[0]["roles"].as_array().unwrap();
    assert_eq!(roles[0]["kind"], "custom");
    assert_eq!(roles[1]["kind"], "built-in");
    assert_eq!(roles[1]["writes"], true);
    assert_eq!(roles[2]["kind"], "not defined in the inputs");
    assert_eq!(roles[2]["writes"], serde_json::Value::Null);
    let defs = json["accounts"][0]["mongo_roles"].as_array().unwrap();
    assert_eq!(defs[0]["role"], "ordersReader");
    assert_eq!(defs[0]["privileges"][0]["resource"], "collection sales/orders");
    insta::assert_snapshot!("access_mongo_native_json", serde_json::to_string_pretty(&json).unwrap());
}

/// Input text in MongoDB user, database, role and action names never starts an output line
/// and never carries control or bidi characters into the table.
#[test]
fn hostile_mongo_names_stay_inside_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let evil = r"x\n::error::owned\r\n##vso[task.setvariable]y\u202Ez";
    let bicep = format!(
        "resource account 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {{\n  name: 'acct'\n  location: 'westeurope'\n  kind: 'MongoDB'\n  properties: {{\n    databaseAccountOfferType: 'Standard'\n    capabilities: [\n      {{ name: 'EnableMongoRoleBasedAccessControl' }}\n    ]\n  }}\n}}\n\nresource role 'Microsoft.DocumentDB/databaseAccounts/mongodbRoleDefinitions@2024-08-15' = {{\n  parent: account\n  name: 'db.r'\n  properties: {{\n    roleName: '{evil}'\n    databaseName: '{evil}'\n    privileges: [\n      {{\n        resource: {{ db: '{evil}', collection: '{evil}' }}\n        actions: [ '{evil}' ]\n      }}\n    ]\n  }}\n}}\n\nresource user 'Microsoft.DocumentDB/databaseAccounts/mongodbUserDefinitions@2024-08-15' = {{\n  parent: account\n  name: 'db.u'\n  properties: {{\n    userName: '{evil}'\n    databaseName: '{evil}'\n    roles: [\n      {{ db: '{evil}', role: '{evil}' }}\n    ]\n  }}\n}}\n"
    );
    std::fs::write(dir.path().join("main.bicep"), bicep).unwrap();
    for format in ["human", "json"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
            .args(["access", ".", "--format", format])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        // The user is listed with the custom role resolved (the names are equal).
        assert!(text.contains("custom"), "{text}");
        for line in text.lines() {
            assert!(
                !line.trim_start().starts_with("::") && !line.contains("##vso["),
                "{line:?}"
            );
            assert!(!line.contains('\u{202e}') && !line.contains('\r'), "{line:?}");
        }
        if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["accounts"][0]["mongo_users"][0]["roles"][0]["kind"], "custom");
            // Defused for the log, the same text for a JSON reader.
            let name = json["accounts"][0]["mongo_users"][0]["user_name"]["value"]
                .as_str()
                .unwrap();
            assert!(name.contains("##vso[task.setvariable]"), "{name:?}");
        }
    }
}

/// A role chosen by a condition not known offline: one entry per candidate, saying when.
#[test]
fn mongo_role_value_set_lists_each_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/CDB010/fail/mongo_role_chosen_by_unknown_condition.bicep");
    std::fs::copy(fixture, dir.path().join("main.bicep")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["access", ".", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let roles = &json["accounts"][0]["mongo_users"][0]["roles"];
    assert_eq!(roles[0]["role"], "read");
    assert_eq!(roles[0]["kind"], "built-in");
    assert_eq!(roles[0]["writes"], false);
    assert_eq!(roles[0]["when"], "when `readOnly` is true");
    assert_eq!(roles[1]["role"], "ordersEditor");
    assert_eq!(roles[1]["kind"], "not defined in the inputs");
    assert_eq!(roles[1]["when"], "when `readOnly` is false");
}

#[test]
fn no_account_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["access", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no Cosmos DB account in the inputs\n"
    );
}
