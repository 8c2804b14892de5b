//! Files named on the command line, as pre-commit passes them: each is linted through the
//! units that contain it, and every finding whose primary span or any label lies in it is
//! reported. The promise: for every file of a tree, `check FILE` gives exactly the
//! diagnostics of `check .` that touch `FILE`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cosmolint")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn diagnostics(dir: &Path, path: &str) -> Vec<Value> {
    let out = cosmolint(dir, &["check", path, "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)["diagnostics"].as_array().unwrap().clone()
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A temporary repository (it has `.git`, so a named file's callers are searched in it).
fn repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    tmp
}

fn touches(d: &Value, file: &str) -> bool {
    d["file"] == file || d["labels"].as_array().unwrap().iter().any(|l| l["file"] == file)
}

/// `(code, file, line)` of each diagnostic.
fn located(diags: &[Value]) -> Vec<(String, String, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const ACCOUNT_FROM_VAR: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = var.disable_local_auth\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n";

fn terraform_root(dir: &Path) {
    write(dir, "infra/main.tf", ACCOUNT_FROM_VAR);
    write(
        dir,
        "infra/variables.tf",
        "variable \"disable_local_auth\" {\n  default = false\n}\n",
    );
}

fn terraform_module(dir: &Path) {
    write(
        dir,
        "modules/cosmos/main.tf",
        "variable \"disable_local_auth\" {\n  default = true\n}\nresource \"azurerm_cosmosdb_account\" \"this\" {\n  local_authentication_disabled = var.disable_local_auth\n  access_key_metadata_writes_enabled = false\n  public_network_access_enabled = false\n}\n",
    );
    write(
        dir,
        "envs/prod/main.tf",
        "module \"db\" {\n  source = \"../../modules/cosmos\"\n  disable_local_auth = false\n}\n",
    );
}

const ARM_TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": { "disableLocalAuth": { "type": "bool", "defaultValue": true } },
  "resources": [
    {
      "type": "Microsoft.DocumentDB/databaseAccounts",
      "apiVersion": "2024-05-15",
      "name": "acc",
      "properties": {
        "disableLocalAuth": "[parameters('disableLocalAuth')]",
        "disableKeyBasedMetadataWriteAccess": true, "publicNetworkAccess": "Disabled"
      }
    }
  ]
}
"#;

const ARM_PARAMETERS: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "disableLocalAuth": { "value": false } }
}
"#;

fn arm_template(dir: &Path) {
    write(dir, "arm/azuredeploy.json", ARM_TEMPLATE);
    write(dir, "arm/azuredeploy.parameters.json", ARM_PARAMETERS);
}

fn bicep_module(dir: &Path) {
    write(
        dir,
        "bicep/modules/cosmos.bicep",
        "param disableLocalAuth bool = true\nresource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    disableLocalAuth: disableLocalAuth\n    disableKeyBasedMetadataWriteAccess: false\n    publicNetworkAccess: 'Disabled'\n  }\n}\n",
    );
    write(
        dir,
        "bicep/main.bicep",
        "param localAuthOff bool = true\nmodule db 'modules/cosmos.bicep' = {\n  name: 'db'\n  params: {\n    disableLocalAuth: localAuthOff\n  }\n}\n",
    );
    write(
        dir,
        "bicep/params/dev.bicepparam",
        "using '../main.bicep'\nparam localAuthOff = false\n",
    );
}

#[test]
fn a_flipped_variable_default_is_reported_when_only_its_file_is_named() {
    let repo = repository();
    terraform_root(repo.path());
    let diags = diagnostics(repo.path(), "infra/variables.tf");
    assert_eq!(located(&diags), [("CDB001".into(), "infra/main.tf".into(), 2)]);
    assert!(diags[0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["file"] == "infra/variables.tf" && l["range"]["start"]["line"] == 2));
}

#[test]
fn a_root_whose_module_argument_turned_insecure_is_blamed() {
    let repo = repository();
    terraform_module(repo.path());
    let diags = diagnostics(repo.path(), "envs/prod/main.tf");
    assert_eq!(located(&diags), [("CDB001".into(), "modules/cosmos/main.tf".into(), 5)]);
    assert_eq!(diags[0]["resource"], "module.db.azurerm_cosmosdb_account.this");
    // The module file itself, named alone, is linted through that root.
    assert_eq!(
        located(&diagnostics(repo.path(), "modules/cosmos/main.tf")),
        located(&diags)
    );
}

#[test]
fn a_named_arm_parameter_file_is_linted_with_its_template() {
    let repo = repository();
    arm_template(repo.path());
    let diags = diagnostics(repo.path(), "arm/azuredeploy.parameters.json");
    assert_eq!(located(&diags), [("CDB001".into(), "arm/azuredeploy.json".into(), 10)]);
    assert!(touches(&diags[0], "arm/azuredeploy.parameters.json"));
}

#[test]
fn a_named_bicep_module_and_parameter_file_are_linted_through_their_callers() {
    let repo = repository();
    bicep_module(repo.path());
    let expected = vec![
        ("CDB001".to_string(), "bicep/modules/cosmos.bicep".to_string(), 5),
        ("CDB002".to_string(), "bicep/modules/cosmos.bicep".to_string(), 6),
    ];
    // The module is not linted with its own (secure) default: only through main.bicep and
    // the parameter file that uses it.
    assert_eq!(
        located(&diagnostics(repo.path(), "bicep/modules/cosmos.bicep")),
        expected
    );
    let from_params = diagnostics(repo.path(), "bicep/params/dev.bicepparam");
    assert_eq!(located(&from_params), [expected[0].clone()]);
    // main.bicep's own default is secure; the finding still names it (the argument is there).
    let from_main = diagnostics(repo.path(), "bicep/main.bicep");
    assert_eq!(located(&from_main), [expected[0].clone()]);
}

#[test]
fn a_named_file_that_belongs_to_no_unit_says_so_and_does_not_fail() {
    let repo = repository();
    write(repo.path(), "env/prod.tfvars", "disable_local_auth = false\n");
    write(repo.path(), "arm/orphan.parameters.json", ARM_PARAMETERS);
    write(repo.path(), "bicep/prod.bicepparam", "using './missing.bicep'\n");
    for (file, why) in [
        ("env/prod.tfvars", "pass it with --var-file"),
        ("arm/orphan.parameters.json", "there is none"),
        ("bicep/prod.bicepparam", "`using` names is not a local file"),
    ] {
        let out = cosmolint(repo.path(), &["check", file, "--format", "json"]);
        let v = json(&out);
        let diags = v["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "{file}: {diags:?}");
        assert_eq!(diags[0]["code"], "unsupported-file", "{file}");
        assert_eq!(diags[0]["file"], file);
        let message = diags[0]["message"].as_str().unwrap();
        assert!(message.contains("is not linted") && message.contains(why), "{message}");
        assert_eq!(out.status.code(), Some(0), "{file}: a notice is not a finding");
    }
}

/// Every file under `dir` that a commit can change, relative, with forward slashes: not in
/// hidden directories (`.git`, `.terraform`, which `terraform init` writes).
fn files_of(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

fn copy_tree(src: &Path, dst: &Path) {
    if src.is_file() {
        std::fs::copy(src, dst.join(src.file_name().unwrap())).unwrap();
        return;
    }
    for entry in walkdir::WalkDir::new(src).min_depth(1) {
        let entry = entry.unwrap();
        let target = dst.join(entry.path().strip_prefix(src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Checks the promise on one repository: for each of its files, `check FILE` reports the
/// diagnostics of `check .` that touch it. Returns how many diagnostics were compared.
fn assert_named_equals_whole(repo: &Path, what: &str) -> usize {
    let whole = diagnostics(repo, ".");
    let mut compared = 0;
    for file in files_of(repo) {
        let expected: Vec<Value> = whole.iter().filter(|d| touches(d, &file)).cloned().collect();
        let named: Vec<Value> = diagnostics(repo, &file)
            .into_iter()
            // Saying that a named file is not linted is about the invocation, not the tree.
            .filter(|d| d["code"] != "unsupported-file")
            .collect();
        assert_eq!(
            named, expected,
            "{what}: `check {file}` differs from the findings of `check .` that touch it"
        );
        compared += expected.len();
    }
    // Every diagnostic of the whole tree is reported for at least one named file.
    for d in &whole {
        assert!(
            files_of(repo).iter().any(|f| touches(d, f)),
            "{what}: {d} touches no file of the tree"
        );
    }
    compared
}

#[test]
fn pre_commit_mode_gives_the_findings_of_the_whole_tree() {
    // The scenarios above, together in one repository, with broken files beside them: a
    // syntax error is reported for its own file, not for the files linted with it.
    let repo = repository();
    terraform_root(repo.path());
    terraform_module(repo.path());
    arm_template(repo.path());
    bicep_module(repo.path());
    write(
        repo.path(),
        "infra/broken.tf",
        "resource \"azurerm_cosmosdb_account\" \"b\" {\n",
    );
    write(repo.path(), "arm2/main.json", ARM_TEMPLATE);
    write(repo.path(), "arm2/main.parameters.json", "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"parameters\": {\n");
    write(
        repo.path(),
        "bicep/params/broken.bicepparam",
        "using '../main.bicep'\nparam localAuthOff = \n",
    );
    let compared = assert_named_equals_whole(repo.path(), "scenarios");
    assert!(compared >= 8, "{compared}");

    // Every rule fixture (a file or a directory of files) and the bundled example, each
    // as a repository of its own.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<PathBuf> = vec![root.join("examples")];
    for rule in std::fs::read_dir(root.join("testdata")).unwrap() {
        for sub in ["pass", "fail"] {
            let dir = rule.as_ref().unwrap().path().join(sub);
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
            entries.sort();
            cases.extend(entries);
        }
    }
    let mut compared = 0;
    for case in &cases {
        let repo = repository();
        copy_tree(case, repo.path());
        compared += assert_named_equals_whole(repo.path(), &case.display().to_string());
    }
    assert!(
        cases.len() > 50 && compared > 50,
        "{} cases, {compared} diagnostics",
        cases.len()
    );
}
