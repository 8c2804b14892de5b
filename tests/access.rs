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
