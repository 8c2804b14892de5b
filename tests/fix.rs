//! `check --fix` and `--diff` through the binary: the edits go where the insecure value is
//! written, leave the rest of each file as it was, and make the findings disappear.

use std::path::Path;
use std::process::Command;

/// Runs `cosmolint ARGS --select CDB001,CDB002`: the rules with fixes.
fn cosmolint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .args(["--select", "CDB001,CDB002"])
        .current_dir(dir)
        .output()
        .expect("run cosmolint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const MAIN_TF: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = \"a\" # keep this comment\n  local_authentication_disabled = var.disable_local_auth\n}\n";
const VARS_TF: &str = "variable \"disable_local_auth\" {\n  type    = bool\n  default = false\n}\n";
const BICEP: &str = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  location: 'westeurope'\n  properties: {\n    databaseAccountOfferType: 'Standard'\n  }\n}\n";
const ARM: &str = "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [\n    {\n      \"type\": \"Microsoft.DocumentDB/databaseAccounts\",\n      \"apiVersion\": \"2024-05-15\",\n      \"name\": \"a\"\n    }\n  ]\n}\n";

#[test]
fn diff_shows_the_edits_and_writes_nothing() {
    let dir = repo(&[
        ("tf/main.tf", MAIN_TF),
        ("tf/variables.tf", VARS_TF),
        ("main.bicep", BICEP),
        ("azuredeploy.json", ARM),
    ]);
    let (code, out, err) = cosmolint(dir.path(), &["check", ".", "--diff"]);
    assert_eq!(code, 1, "{err}");
    // CDB001 through the variable: its default is edited, not the attribute.
    assert!(out.contains("--- a/tf/variables.tf\n+++ b/tf/variables.tf\n"), "{out}");
    assert!(out.contains("-  default = false\n+  default = true\n"), "{out}");
    assert!(out.contains("+  access_key_metadata_writes_enabled = false\n"), "{out}");
    assert!(out.contains("+    disableLocalAuth: true\n"), "{out}");
    assert!(out.contains("+    disableKeyBasedMetadataWriteAccess: true\n"), "{out}");
    assert!(out.contains("+      \"properties\": {"), "{out}");
    assert!(err.contains("6 findings can be fixed with --fix"), "{err}");
    assert_eq!(read(dir.path(), "tf/variables.tf"), VARS_TF);
    assert_eq!(read(dir.path(), "main.bicep"), BICEP);
}

#[test]
fn fix_applies_them_and_the_findings_are_gone() {
    let dir = repo(&[
        ("tf/main.tf", MAIN_TF),
        ("tf/variables.tf", VARS_TF),
        ("main.bicep", BICEP),
        ("azuredeploy.json", ARM),
    ]);
    let (before, out, _) = cosmolint(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(before, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["findings"], 6, "{out}");
    let (code, out, err) = cosmolint(dir.path(), &["check", ".", "--fix", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("fixed 6 findings"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["findings"], 0, "{out}");
    // The rest of each file is as it was.
    assert_eq!(read(dir.path(), "tf/variables.tf"), VARS_TF.replace("false", "true"));
    assert_eq!(
        read(dir.path(), "tf/main.tf"),
        MAIN_TF.replace("{\n  name", "{\n  access_key_metadata_writes_enabled = false\n  name")
    );
    assert_eq!(
        read(dir.path(), "main.bicep"),
        BICEP.replace(
            "properties: {\n",
            "properties: {\n    disableKeyBasedMetadataWriteAccess: true\n    disableLocalAuth: true\n"
        )
    );
    // The JSON is still JSON, and lints clean on its own.
    let arm: serde_json::Value = serde_json::from_str(&read(dir.path(), "azuredeploy.json")).expect("valid JSON");
    assert_eq!(arm["resources"][0]["properties"]["disableLocalAuth"], true);
    assert_eq!(
        arm["resources"][0]["properties"]["disableKeyBasedMetadataWriteAccess"],
        true
    );
    assert_eq!(cosmolint(dir.path(), &["check", "."]).0, 0);
}

#[test]
fn uncertain_values_get_no_fix() {
    // A conditional, an expression and a value the fix cannot know are left alone.
    let tf = "variable \"env\" {}\nresource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.env == \"prod\" ? true : false\n  access_key_metadata_writes_enabled = !false\n}\n";
    let dir = repo(&[("main.tf", tf)]);
    let (code, out, err) = cosmolint(dir.path(), &["check", ".", "--diff"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("0 findings can be fixed"), "{err}");
    let (code, _, _) = cosmolint(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 1, "the findings are still reported");
    assert_eq!(read(dir.path(), "main.tf"), tf);
}

#[test]
fn line_ends_and_byte_order_marks_are_kept() {
    let tf =
        "\u{feff}resource \"azurerm_cosmosdb_account\" \"a\" {\r\n  local_authentication_disabled = false\r\n}\r\n";
    let dir = repo(&[("main.tf", tf)]);
    let (code, _, err) = cosmolint(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(dir.path(), "main.tf"),
        "\u{feff}resource \"azurerm_cosmosdb_account\" \"a\" {\r\n  access_key_metadata_writes_enabled = false\r\n  local_authentication_disabled = true\r\n}\r\n"
    );
}

#[test]
fn a_module_argument_is_fixed_at_the_caller() {
    let module = "variable \"disable\" {\n  type = bool\n}\nresource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled      = var.disable\n  access_key_metadata_writes_enabled = false\n}\n";
    let root = "module \"db\" {\n  source  = \"./modules/db\"\n  disable = false\n}\n";
    let dir = repo(&[("main.tf", root), ("modules/db/main.tf", module)]);
    let (code, _, err) = cosmolint(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(dir.path(), "main.tf"),
        root.replace("disable = false", "disable = true")
    );
    assert_eq!(read(dir.path(), "modules/db/main.tf"), module);
}

#[test]
fn a_weak_tls_version_becomes_tls12_where_it_is_written() {
    let tf = "variable \"tls\" {\n  default = \"Tls11\"\n}\nresource \"azurerm_cosmosdb_account\" \"a\" {\n  minimal_tls_version = var.tls\n}\n";
    let bicep = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    minimalTlsVersion: 'Tls'\n  }\n}\n";
    let dir = repo(&[("tf/main.tf", tf), ("main.bicep", bicep)]);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
            .args(args)
            .args(["--select", "CDB007"])
            .current_dir(dir.path())
            .output()
            .expect("run");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run(&["check", "."]).0, 1);
    let (code, err) = run(&["check", ".", "--fix"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(dir.path(), "tf/main.tf"), tf.replace("\"Tls11\"", "\"Tls12\""));
    assert_eq!(read(dir.path(), "main.bicep"), bicep.replace("'Tls'", "'Tls12'"));
}
