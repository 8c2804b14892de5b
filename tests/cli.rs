//! The binary as users run it: exit codes, JSON shape, bad input, named files.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run cosmolint")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const INSECURE: &str = r#"resource "azurerm_cosmosdb_account" "a" {
  name                          = "acc"
  local_authentication_disabled = var.disable
  access_key_metadata_writes_enabled = false
  public_network_access_enabled = false
}
"#;

#[test]
fn bundled_example_reports_five_findings_with_the_documented_json_shape() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = cosmolint(root, &["check", "examples", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["tool"]["name"], "cosmolint");
    let diags = v["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["CDB002", "CDB005", "CDB001", "CDB003", "CDB004"]);
    let d = &diags[2];
    assert_eq!(d["name"], "local-auth-enabled");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "examples/terraform/main.tf");
    assert_eq!(d["range"]["start"]["line"], 19);
    assert_eq!(d["range"]["start"]["column"], 35);
    assert_eq!(d["range"]["end"]["column"], 57);
    assert_eq!(d["resource"], "azurerm_cosmosdb_account.main");
    assert!(d["labels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["range"]["start"]["line"] == 5));
    assert!(d["url"].as_str().unwrap().ends_with("/rules/CDB001.md"));
    assert_eq!(v["summary"]["findings"], 5);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn select_runs_only_the_rules_named_including_those_off_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        "resource \"azurerm_cosmosdb_account\" \"a\" {\n  name = \"acc\"\n}\n",
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", ".", "--format", "json"];
        all.extend(args);
        let out = cosmolint(tmp.path(), &all);
        json(&out)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    // By default the opt-in rules (CDB011-CDB013) stay silent.
    let default = codes(&[]);
    assert!(default.contains(&"CDB005".to_string()), "{default:?}");
    assert!(
        !default.iter().any(|c| c == "CDB011" || c == "CDB012" || c == "CDB013"),
        "{default:?}"
    );
    // By id and by name, comma-separated and repeated.
    assert_eq!(
        codes(&["--select", "CDB012,no-private-endpoint", "--select", "cdb011"]),
        ["CDB011", "CDB012", "CDB013"]
    );
    // --extend-select adds an opt-in rule to the default ones.
    let extended = codes(&["--extend-select", "no-private-endpoint"]);
    assert!(
        extended.contains(&"CDB013".to_string()) && extended.contains(&"CDB005".to_string()),
        "{extended:?}"
    );
    assert!(!extended.iter().any(|c| c == "CDB011" || c == "CDB012"), "{extended:?}");
    let all = codes(&["--select", "ALL"]);
    assert!(
        all.contains(&"CDB012".to_string()) && all.contains(&"CDB005".to_string()),
        "{all:?}"
    );
    let out = cosmolint(tmp.path(), &["check", ".", "--select", "CDB999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `CDB999`"));
}

#[test]
fn syntax_error_is_a_finding_with_a_position_and_other_files_continue() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "broken/main.tf", "resource \"x\" \"y\" {\n  a = \n}\n");
    write(tmp.path(), "good/main.tf", INSECURE.replace("var.disable", "false"));
    let out = cosmolint(tmp.path(), &["check", ".", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "broken input is a finding, not a tool error"
    );
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    let syntax = diags
        .iter()
        .find(|d| d["code"] == "syntax-error")
        .expect("syntax-error");
    assert_eq!(syntax["file"], "broken/main.tf");
    assert!(syntax["range"]["start"]["line"].as_u64().unwrap() >= 2);
    assert!(diags
        .iter()
        .any(|d| d["code"] == "CDB001" && d["file"] == "good/main.tf"));
    assert_eq!(v["summary"]["parse_errors"], 1);
}

#[test]
fn non_utf8_and_broken_utf16_files_get_a_clear_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "latin1/main.tf", b"# caf\xe9\nresource \"a\" \"b\" {}\n");
    // UTF-16 (by its BOM) is decoded; an unpaired surrogate in it is an encoding error.
    write(tmp.path(), "utf16/main.tf", b"\xff\xfer\x00\x00\xd8e\x00");
    let out = cosmolint(tmp.path(), &["check", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let enc: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "encoding-error")
        .collect();
    assert_eq!(enc.len(), 2);
    assert_eq!(enc[0]["file"], "latin1/main.tf");
    assert_eq!(enc[0]["range"]["start"]["line"], 1);
    assert!(enc[0]["message"].as_str().unwrap().contains("not valid UTF-8"));
    assert!(enc[1]["message"].as_str().unwrap().contains("UTF-16 LE"));
}

#[test]
fn missing_path_is_exit_2_but_other_paths_are_still_reported() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a/main.tf", INSECURE.replace("var.disable", "false"));
    let out = cosmolint(tmp.path(), &["check", "a", "does-not-exist", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"io-error"));
    assert!(codes.contains(&"CDB001"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    let reader_at_account = r#"resource "azurerm_cosmosdb_sql_role_assignment" "r" {
  role_definition_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001"
  scope              = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc"
}
"#;
    write(tmp.path(), "main.tf", reader_at_account);
    assert_eq!(cosmolint(tmp.path(), &["check"]).status.code(), Some(1));
    assert_eq!(
        cosmolint(tmp.path(), &["check", "--fail-on", "warning"]).status.code(),
        Some(1)
    );
    assert_eq!(
        cosmolint(tmp.path(), &["check", "--fail-on", "error"]).status.code(),
        Some(0)
    );
}

#[test]
fn var_and_var_file_override_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        format!("variable \"disable\" {{\n  default = true\n}}\n{INSECURE}"),
    );
    write(tmp.path(), "insecure.tfvars", "disable = false\n");
    let clean = cosmolint(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let out = cosmolint(
        tmp.path(),
        &["check", "--format", "json", "--var-file", "insecure.tfvars"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let labels = v["diagnostics"][0]["labels"].as_array().unwrap();
    assert!(labels
        .iter()
        .any(|l| l["file"] == "insecure.tfvars" && l["message"] == "set in insecure.tfvars"));
    let out = cosmolint(
        tmp.path(),
        &["check", "--var-file", "insecure.tfvars", "--var", "disable=true"],
    );
    assert_eq!(out.status.code(), Some(0), "--var wins over --var-file");
    let out = cosmolint(tmp.path(), &["check", "--var", "novalue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NAME=VALUE"));
}

#[test]
fn named_file_uses_its_directory_as_context_but_reports_only_itself() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "variables.tf",
        "variable \"disable\" {\n  default = false\n}\n",
    );
    write(tmp.path(), "main.tf", INSECURE);
    write(
        tmp.path(),
        "other.tf",
        INSECURE.replace("\"a\"", "\"b\"").replace("var.disable", "false"),
    );
    let out = cosmolint(tmp.path(), &["check", "main.tf", "--format", "json"]);
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["file"], "main.tf");
    assert_eq!(diags[0]["code"], "CDB001", "the default in variables.tf was used");
}

#[test]
fn rules_and_explain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = cosmolint(root, &["rules"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for id in ["CDB001", "CDB002", "CDB003", "CDB004"] {
        assert!(text.contains(id));
    }
    let out = cosmolint(root, &["explain", "broad-data-actions"]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("# CDB003 broad-data-actions"));
    let out = cosmolint(root, &["explain", "CDB999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_identical_across_thread_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_cosmolint"))
            .args(["check", "testdata", "--format", "json"])
            .current_dir(root)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(one.len() > 1000);
    assert_eq!(one, run("4"));
}

#[test]
fn closed_stdout_is_not_a_crash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(["check", "testdata"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101));
}

#[test]
fn named_module_file_is_linted_through_its_callers() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let module = "variable \"disable\" {\n  default = false\n}\nresource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.disable\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n";
    write(tmp.path(), "modules/cosmos/main.tf", module);
    write(
        tmp.path(),
        "envs/prod/main.tf",
        "module \"db\" {\n  source  = \"../../modules/cosmos\"\n  disable = true\n}\n",
    );
    // As pre-commit runs it: only the changed module file is named.
    let out = cosmolint(tmp.path(), &["check", "modules/cosmos/main.tf", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    write(
        tmp.path(),
        "envs/dev/main.tf",
        "module \"db\" {\n  source  = \"../../modules/cosmos\"\n  disable = false\n}\n",
    );
    let out = cosmolint(tmp.path(), &["check", "modules/cosmos/main.tf", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["file"], "modules/cosmos/main.tf");
    assert_eq!(diags[0]["resource"], "module.db.azurerm_cosmosdb_account.a");
    assert!(diags[0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["file"] == "envs/dev/main.tf"));
}

/// A module repository: the root module is insecure only through the example's argument,
/// and the example calls the root as `../../`.
fn module_repository(dir: &Path) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(
        dir,
        "main.tf",
        "variable \"local_auth_disabled\" {\n  default = true\n}\nresource \"azurerm_cosmosdb_account\" \"this\" {\n  local_authentication_disabled = var.local_auth_disabled\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n",
    );
    write(
        dir,
        "examples/basic/main.tf",
        "module \"this\" {\n  source = \"../../\"\n  local_auth_disabled = false\n}\n",
    );
}

#[test]
fn module_called_as_the_linted_directory_or_above_it_is_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    module_repository(tmp.path());
    let finding = |dir: &Path, args: &[&str]| {
        let out = cosmolint(dir, args);
        let v = json(&out);
        let diags = v["diagnostics"].as_array().unwrap().clone();
        assert_eq!(diags.len(), 1, "{args:?} in {}: {diags:?}", dir.display());
        assert_eq!(diags[0]["code"], "CDB001");
        assert_eq!(diags[0]["resource"], "module.this.azurerm_cosmosdb_account.this");
        (diags[0]["file"].clone(), v["summary"]["unresolved"].clone())
    };
    // From the module's own root: the example calls the working directory itself.
    let (file, unresolved) = finding(tmp.path(), &["check", ".", "--format", "json"]);
    assert_eq!((file.as_str(), unresolved.as_u64()), (Some("main.tf"), Some(0)));
    // Naming the example from the root.
    let (file, _) = finding(tmp.path(), &["check", "examples/basic", "--format", "json"]);
    assert_eq!(file, "main.tf");
    // From the example's directory: the module is above the working directory.
    let (file, _) = finding(&tmp.path().join("examples/basic"), &["check", "--format", "json"]);
    assert_eq!(file, "../../main.tf");
}

#[test]
fn bicep_module_two_levels_above_the_working_directory_is_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    // Inside one repository: files outside the repository are never read.
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    write(
        tmp.path(),
        "modules/cosmos.bicep",
        "param disableLocalAuth bool = true\nresource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    disableLocalAuth: disableLocalAuth\n    disableKeyBasedMetadataWriteAccess: true\n    publicNetworkAccess: 'Disabled'\n  }\n}\n",
    );
    write(
        tmp.path(),
        "envs/prod/main.bicep",
        "module db '../../modules/cosmos.bicep' = {\n  name: 'db'\n  params: {\n    disableLocalAuth: false\n  }\n}\n",
    );
    let out = cosmolint(&tmp.path().join("envs/prod"), &["check", "--format", "json"]);
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "CDB001");
    assert_eq!(diags[0]["file"], "../../modules/cosmos.bicep");
    assert_eq!(v["summary"]["unresolved"], 0);
}

#[test]
fn load_json_content_outside_the_repository_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "secret.json",
        "{\"role\": \"00000000-0000-0000-0000-000000000002\", \"token\": \"s3cr3t-value\"}\n{",
    );
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        &repo,
        "main.bicep",
        "var roles = loadJsonContent('../secret.json')\nresource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    disableLocalAuth: true\n    disableKeyBasedMetadataWriteAccess: true\n    publicNetworkAccess: 'Disabled'\n  }\n}\nresource ra 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {\n  parent: account\n  name: 'x'\n  properties: {\n    roleDefinitionId: roles.role\n    scope: account.id\n  }\n}\n",
    );
    let out = cosmolint(&repo, &["check", "--format", "json", "--show-unresolved"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("s3cr3t"), "{text}");
    let v = json(&out);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        (diags[0]["code"].as_str(), diags[0]["severity"].as_str()),
        (Some("CDB004"), Some("warning")),
        "the role stays unknown"
    );
    let why = v["unresolved"][0]["why"].as_str().unwrap();
    assert!(why.contains("not a file inside the repository"), "{why}");
    // Inside the repository, the same file is read (and its syntax error reported).
    std::fs::copy(tmp.path().join("secret.json"), repo.join("secret.json")).unwrap();
    let main = std::fs::read_to_string(repo.join("main.bicep")).unwrap();
    write(&repo, "main.bicep", main.replace("../secret.json", "secret.json"));
    let v = json(&cosmolint(&repo, &["check", "--format", "json"]));
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["CDB004", "syntax-error"], "{v}");
}

#[test]
fn show_unresolved_lists_only_what_may_hide_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    write(
        tmp.path(),
        "main.tf",
        "variable \"disable\" {}\n\
         module \"vault\" {\n  source = \"Azure/avm-res-keyvault-vault/azurerm\"\n}\n\
         module \"cosmos\" {\n  source = \"Azure/avm-res-documentdb-databaseaccount/azurerm\"\n}\n\
         module \"local\" {\n  source = \"./modules/missing\"\n}\n\
         resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.disable\n  access_key_metadata_writes_enabled = false\n}\n",
    );
    write(
        tmp.path(),
        "main.bicep",
        "module kv 'br/public:avm/res/key-vault/vault:0.11.0' = {\n  name: 'kv'\n}\n\
         module db 'br/public:avm/res/document-db/database-account:0.8.0' = {\n  name: 'db'\n}\n",
    );
    let out = cosmolint(tmp.path(), &["check", "--format", "json", "--show-unresolved"]);
    let v = json(&out);
    let listed: Vec<(String, u64, String)> = v["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["file"].as_str().unwrap().to_string(),
                u["range"]["start"]["line"].as_u64().unwrap(),
                u["why"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<(&str, u64)> = listed.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    // Not the key vault modules: no rule needs them.
    assert_eq!(
        lines,
        [("main.bicep", 4), ("main.tf", 6), ("main.tf", 9), ("main.tf", 12)],
        "{listed:?}"
    );
    assert!(listed[2].2.contains("does not exist"), "{}", listed[2].2);
    assert_eq!(v["summary"]["unresolved"], 4);
}

#[test]
fn show_unresolved_lists_the_values_only_a_decision_of_a_selected_rule_needs() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        "variable \"ips\" {}\nvariable \"filter\" {}\nvariable \"key\" {}\nvariable \"target\" {}\n\
         resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = true\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n  ip_range_filter = var.ips\n  is_virtual_network_filter_enabled = var.filter\n  key_vault_key_id = var.key\n}\n\
         resource \"azurerm_monitor_diagnostic_setting\" \"d\" {\n  name = \"d\"\n  target_resource_id = var.target\n}\n",
    );
    let whats = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", ".", "--format", "json", "--show-unresolved"];
        all.extend(args);
        let v = json(&cosmolint(tmp.path(), &all));
        v["unresolved"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["what"].as_str().unwrap().to_string())
            .collect()
    };
    // The public endpoint is disabled: no IP rule or VNet filter can open it, and the
    // key and the setting's target matter only to rules that are off by default.
    assert_eq!(whats(&[]), Vec::<String>::new());
    // Selected, those rules need the key and the target.
    assert_eq!(
        whats(&["--select", "CDB011,CDB012"]),
        [
            "`key_vault_key_id` of `azurerm_cosmosdb_account.a`",
            "the target of diagnostic setting `azurerm_monitor_diagnostic_setting.d`"
        ]
    );
    // With the endpoint open, the IP rules decide CDB005 and CDB006; the VNet filter only
    // once the IP rules are known to be none.
    let main = std::fs::read_to_string(tmp.path().join("main.tf")).unwrap();
    write(
        tmp.path(),
        "main.tf",
        main.replace("public_network_access_enabled = false", ""),
    );
    assert_eq!(whats(&[]), ["`ip_range_filter` of `azurerm_cosmosdb_account.a`"]);
}

#[test]
fn a_run_that_finds_nothing_to_lint_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "README.md", "# docs\n");
    write(tmp.path(), "web/package.json", "{\"name\": \"x\"}\n");
    let out = cosmolint(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: no Terraform, Bicep or ARM files found under ."),
        "{stderr}"
    );
    let out = cosmolint(tmp.path(), &["check", "web", "--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("found under web"));
    assert_eq!(json(&out)["summary"]["files"], 0, "stdout stays a JSON report");
}

#[test]
fn excludes_match_relative_to_each_linted_directory_and_unmatched_ones_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "infra/legacy/main.tf", INSECURE);
    write(tmp.path(), "infra/main.tf", "");
    // `legacy/**` is relative to the linted `infra`, not to the working directory.
    let out = cosmolint(
        tmp.path(),
        &["check", "infra", "--exclude", "legacy/**", "--exclude", "old/**"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: --exclude `old/**` matched no file"),
        "{stderr}"
    );
    assert!(!stderr.contains("legacy"), "{stderr}");
    // Relative to the working directory, as before.
    let out = cosmolint(tmp.path(), &["check", "--exclude", "infra/legacy"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}

#[test]
fn small_messages_say_what_is_wrong_once_and_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "main.tf", INSECURE.replace("var.disable", "true"));
    write(
        tmp.path(),
        "variables.tf",
        "variable \"disable\" {\n  default = true\n}\n",
    );
    write(tmp.path(), "README.md", "# x\n");
    write(
        tmp.path(),
        "t.json",
        "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"resources\": []}",
    );
    // A missing path: the error, and no empty source frame under it.
    let out = cosmolint(tmp.path(), &["check", "missing.tf", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cannot read missing.tf"), "{stdout}");
    assert!(!stdout.contains(",-[") && !stdout.contains("`----"), "{stdout}");
    // A named file cosmolint does not read is a notice, not a failure.
    let out = cosmolint(tmp.path(), &["check", "README.md", "--color", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("README.md is not linted"), "{stdout}");
    assert!(!stdout.contains(",-["), "{stdout}");
    // A template given as a parameter file.
    let out = cosmolint(tmp.path(), &["check", "--parameters", "t.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("it is an ARM template, not a parameter file"),
        "{stderr}"
    );
    let out = cosmolint(tmp.path(), &["check", "--parameters", "main.tf"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("use --var-file"));
    // A --var no root declares.
    let out = cosmolint(
        tmp.path(),
        &["check", "--var", "disabel=false", "--var", "disable=true"],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--var `disabel` has no effect: no linted Terraform root module declares variable `disabel`"),
        "{stderr}"
    );
    assert!(!stderr.contains("`disable`"), "{stderr}");
    // The --var-file error names the file once.
    let out = cosmolint(tmp.path(), &["check", "--var-file", "nope.tfvars"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("nope.tfvars").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("cannot read").count(), 1, "{stderr}");
}
