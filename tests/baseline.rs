//! Baselines (issue #14) through the binary: write one, then only new findings are
//! reported; it survives inserted lines, reordered resources and a resource moved to another
//! file of its module; entries that no longer occur are listed; SARIF carries the same
//! fingerprints.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary. `check` runs the key and role rules these fixtures are written for,
/// unless the test selects its own
/// (the account configuration rules would report the same accounts' default network
/// settings besides, and change every count here without testing anything more).
fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    let select: &[&str] = if args.first() == Some(&"check") && !args.contains(&"--select") {
        &["--select", "CDB001,CDB002,CDB003,CDB004"]
    } else {
        &[]
    };
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .args(select)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run cosmolint")
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `code resource` of each diagnostic of a JSON report.
fn findings(out: &Output) -> Vec<String> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["resource"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn account(name: &str) -> String {
    format!(
        "resource \"azurerm_cosmosdb_account\" \"{name}\" {{\n  name                          = \"{name}\"\n  local_authentication_disabled = false\n}}\n"
    )
}

const DEFINITION: &str = r#"resource "azurerm_cosmosdb_sql_role_definition" "all" {
  name                = "all"
  resource_group_name = "rg"
  account_name        = "x"
  assignable_scopes   = ["/"]
  permissions {
    data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*"]
  }
}
"#;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        &format!("{}\n{}\n{DEFINITION}", account("orders"), account("billing")),
    );
    dir
}

fn check_against_baseline(dir: &Path) -> Output {
    cosmolint(
        dir,
        &["check", "--baseline", "cosmolint-baseline.json", "--format", "json"],
    )
}

#[test]
fn a_written_baseline_hides_existing_findings_and_reports_new_ones() {
    let dir = repo();
    let out = cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrote 5 findings to the baseline cosmolint-baseline.json"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join("cosmolint-baseline.json")).unwrap();
    // Documented shape: format, version, tool, one sorted finding per line.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], "cosmolint-baseline");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("\"fingerprint\"")).collect();
    assert_eq!(lines.len(), 5);
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "entries are sorted");
    assert!(!text.contains("\"line\""), "no line numbers: {text}");
    let first = &v["findings"][0];
    for key in ["rule", "module", "resource", "attribute", "value", "fingerprint"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert_eq!(first["module"], "infra");

    // Nothing new.
    let out = check_against_baseline(dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(findings(&out).is_empty());
    let v = json(&out);
    assert_eq!(v["summary"]["baselined"], 5);
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["baseline"]["absent"].as_array().unwrap().len(), 0);

    // A new insecure account: only it is reported.
    write(dir.path(), "infra/new.tf", &account("reports"));
    let out = check_against_baseline(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&out),
        [
            "CDB002 azurerm_cosmosdb_account.reports",
            "CDB001 azurerm_cosmosdb_account.reports"
        ]
    );
    let human = String::from_utf8(
        cosmolint(
            dir.path(),
            &["check", "--baseline", "cosmolint-baseline.json", "--color", "never"],
        )
        .stdout,
    )
    .unwrap();
    assert!(
        human.contains("2 findings in 2 files (2 errors, 0 warnings), 5 in the baseline"),
        "{human}"
    );
    // Writing it again is deterministic: same input, same bytes.
    cosmolint(dir.path(), &["check", "--write-baseline", "a.json"]);
    cosmolint(dir.path(), &["check", "--write-baseline", "b.json"]);
    assert_eq!(
        std::fs::read(dir.path().join("a.json")).unwrap(),
        std::fs::read(dir.path().join("b.json")).unwrap()
    );
}

#[test]
fn the_baseline_survives_inserted_lines_reordering_and_moving_between_files() {
    let dir = repo();
    assert_eq!(
        cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"])
            .status
            .code(),
        Some(0)
    );
    let unchanged = |what: &str| {
        let out = check_against_baseline(dir.path());
        assert!(findings(&out).is_empty(), "{what}: {:?}", findings(&out));
        assert_eq!(json(&out)["summary"]["baselined"], 5, "{what}");
        assert!(
            json(&out)["baseline"]["absent"].as_array().unwrap().is_empty(),
            "{what}"
        );
        assert_eq!(out.status.code(), Some(0), "{what}");
    };
    // Lines inserted above and between the resources.
    write(
        dir.path(),
        "infra/main.tf",
        &format!(
            "# Cosmos DB accounts of the shop.\n\n\nlocals {{\n  x = 1\n}}\n{}\n\n# billing\n{}\n{DEFINITION}",
            account("orders"),
            account("billing")
        ),
    );
    unchanged("inserted lines");
    // Reordered.
    write(
        dir.path(),
        "infra/main.tf",
        &format!("{DEFINITION}\n{}\n{}", account("billing"), account("orders")),
    );
    unchanged("reordered resources");
    // One resource moved to another file of the same module.
    write(
        dir.path(),
        "infra/main.tf",
        &format!("{DEFINITION}\n{}", account("orders")),
    );
    write(dir.path(), "infra/billing.tf", &account("billing"));
    unchanged("moved to another file");
    // Run from a subdirectory: module paths are relative to the repository, not the cwd.
    let out = cosmolint(
        &dir.path().join("infra"),
        &[
            "check",
            ".",
            "--baseline",
            "../cosmolint-baseline.json",
            "--format",
            "json",
        ],
    );
    assert!(findings(&out).is_empty(), "from infra/: {:?}", findings(&out));
}

#[test]
fn entries_that_no_longer_occur_are_listed_so_the_baseline_can_shrink() {
    let dir = repo();
    cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"]);
    // billing fixed; orders renamed to shop (a different resource: new findings).
    let fixed = account("billing")
        .replace("= false", "= true")
        .replace("}\n", "  access_key_metadata_writes_enabled = false\n}\n");
    write(
        dir.path(),
        "infra/main.tf",
        &format!("{}\n{fixed}\n{DEFINITION}", account("shop")),
    );
    let out = check_against_baseline(dir.path());
    assert_eq!(
        findings(&out),
        [
            "CDB002 azurerm_cosmosdb_account.shop",
            "CDB001 azurerm_cosmosdb_account.shop"
        ]
    );
    let absent: Vec<String> = json(&out)["baseline"]["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["rule"].as_str().unwrap(), e["resource"].as_str().unwrap()))
        .collect();
    assert_eq!(
        absent,
        [
            "CDB001 azurerm_cosmosdb_account.billing",
            "CDB001 azurerm_cosmosdb_account.orders",
            "CDB002 azurerm_cosmosdb_account.billing",
            "CDB002 azurerm_cosmosdb_account.orders"
        ]
    );
    let human = String::from_utf8(
        cosmolint(
            dir.path(),
            &["check", "--baseline", "cosmolint-baseline.json", "--color", "never"],
        )
        .stdout,
    )
    .unwrap();
    assert!(
        human.contains("baseline cosmolint-baseline.json: 4 entries no longer occur")
            && human.contains("--write-baseline cosmolint-baseline.json` shrinks it")
            && human.contains("CDB001 `azurerm_cosmosdb_account.billing` in infra: local_auth_enabled = true"),
        "{human}"
    );
    // Rewriting shrinks it to what occurs now.
    cosmolint(
        dir.path(),
        &[
            "check",
            "--baseline",
            "cosmolint-baseline.json",
            "--write-baseline",
            "cosmolint-baseline.json",
        ],
    );
    let text = std::fs::read_to_string(dir.path().join("cosmolint-baseline.json")).unwrap();
    assert!(
        !text.contains("billing") && !text.contains("orders") && text.contains("shop"),
        "{text}"
    );
}

#[test]
fn a_value_change_or_a_move_to_another_module_is_a_new_finding() {
    let dir = repo();
    cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"]);
    // The wildcard changes: a different data action is a different finding.
    let main = std::fs::read_to_string(dir.path().join("infra/main.tf")).unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        &main.replace("containers/items/*", "containers/*"),
    );
    assert_eq!(
        findings(&check_against_baseline(dir.path())),
        ["CDB003 azurerm_cosmosdb_sql_role_definition.all"]
    );
    // Moved to another root module: new there.
    write(dir.path(), "infra/main.tf", &main.replace(&account("billing"), ""));
    write(dir.path(), "other/main.tf", &account("billing"));
    assert_eq!(
        findings(&check_against_baseline(dir.path())),
        [
            "CDB002 azurerm_cosmosdb_account.billing",
            "CDB001 azurerm_cosmosdb_account.billing"
        ]
    );
}

#[test]
fn bicep_and_arm_findings_survive_reordering() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let bicep = |name: &str| {
        format!(
            "resource {name} 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {{\n  name: '{name}'\n  properties: {{\n    databaseAccountOfferType: 'Standard'\n  }}\n}}\n"
        )
    };
    let arm = |names: &[&str]| {
        let resources: Vec<String> = names
            .iter()
            .map(|n| format!("{{\"type\": \"Microsoft.DocumentDB/databaseAccounts\", \"apiVersion\": \"2024-05-15\", \"name\": \"{n}\", \"properties\": {{}}}}"))
            .collect();
        format!(
            "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n \"resources\": [\n{}\n]}}\n",
            resources.join(",\n")
        )
    };
    write(dir.path(), "main.bicep", &format!("{}{}", bicep("a"), bicep("b")));
    write(dir.path(), "t.json", &arm(&["x", "y"]));
    cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"]);
    write(
        dir.path(),
        "main.bicep",
        &format!("// reordered\n{}\n{}", bicep("b"), bicep("a")),
    );
    write(dir.path(), "t.json", &arm(&["y", "x"]));
    let out = check_against_baseline(dir.path());
    assert!(findings(&out).is_empty(), "{:?}", findings(&out));
    assert_eq!(json(&out)["summary"]["baselined"], 8);
}

#[test]
fn sarif_marks_baselined_results_unchanged_with_the_baseline_fingerprint() {
    let dir = repo();
    cosmolint(dir.path(), &["check", "--write-baseline", "cosmolint-baseline.json"]);
    write(dir.path(), "infra/new.tf", &account("reports"));
    let out = cosmolint(
        dir.path(),
        &["check", "--baseline", "cosmolint-baseline.json", "--format", "sarif"],
    );
    let sarif = json(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let state = |s: &str| results.iter().filter(|r| r["baselineState"] == s).count();
    assert_eq!((state("new"), state("unchanged")), (2, 5));
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("cosmolint-baseline.json")).unwrap()).unwrap();
    let recorded: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    for r in results {
        let fp = r["partialFingerprints"][cosmolint::report::sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert_eq!(recorded.contains(&fp), r["baselineState"] == "unchanged", "{fp}");
    }
    // Without --baseline there is no baselineState at all.
    let plain = json(&cosmolint(dir.path(), &["check", "--format", "sarif"]));
    assert!(plain["runs"][0]["results"][0].get("baselineState").is_none());
}

#[test]
fn an_unreadable_or_foreign_baseline_is_a_usage_error() {
    let dir = repo();
    for (content, expected) in [
        (None, "cannot read the baseline"),
        (Some("{\"format\": \"sarif\"}"), "is not a cosmolint baseline"),
        (Some("not json"), "is not a cosmolint baseline"),
    ] {
        if let Some(c) = content {
            write(dir.path(), "cosmolint-baseline.json", c);
        }
        let out = check_against_baseline(dir.path());
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
        assert!(out.stdout.is_empty(), "nothing is linted");
    }
}

/// `(code, fingerprint, number of instances)` of each finding of a JSON report.
fn fingerprints(out: &Output) -> Vec<(String, String, usize)> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fingerprint"].is_string())
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["fingerprint"].as_str().unwrap().to_string(),
                d["instances"].as_array().map_or(0, Vec::len),
            )
        })
        .collect()
}

const MODULE: &str = r#"variable "local_auth" {
  default = false
}
resource "azurerm_cosmosdb_account" "this" {
  name                          = "x"
  local_authentication_disabled = !var.local_auth
}
"#;

fn teams(keys: &[&str]) -> String {
    let entries: Vec<String> = keys.iter().map(|k| format!("{k} = true")).collect();
    format!(
        "variable \"teams\" {{\n  default = {{ {} }}\n}}\nmodule \"cosmos\" {{\n  for_each   = var.teams\n  source     = \"./modules/cosmos\"\n  local_auth = each.value\n}}\n",
        entries.join(", ")
    )
}

#[test]
fn fingerprints_do_not_depend_on_the_checkout_path_the_working_directory_or_instance_order() {
    let run = |keys: &[&str], nested: bool| {
        let outer = tempfile::tempdir().unwrap();
        let dir = if nested {
            outer.path().join("some/where/else")
        } else {
            outer.path().to_path_buf()
        };
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        write(&dir, "main.tf", &teams(keys));
        write(&dir, "modules/cosmos/main.tf", MODULE);
        let args = ["check", "--select", "CDB001", "--format", "json"];
        let from_root = fingerprints(&cosmolint(&dir, &args));
        // The same repository linted from its parent directory.
        let parent = dir.parent().unwrap();
        let name = dir.file_name().unwrap().to_str().unwrap();
        let from_parent = fingerprints(&cosmolint(parent, &[&args[..3], &[name], &args[3..]].concat()));
        assert_eq!(from_root, from_parent);
        from_root
    };
    let ab = run(&["a", "b"], false);
    assert_eq!(ab.len(), 1, "{ab:?}");
    assert_eq!(
        (ab[0].0.as_str(), ab[0].2),
        ("CDB001", 2),
        "one finding, both instances"
    );
    assert_eq!(
        run(&["b", "a"], true),
        ab,
        "another path, the instances in another order"
    );
    // Another instance of the same finding is the same finding: its fingerprint is the
    // resource as declared, not its first instance (here `module.cosmos["0"]…`).
    let abc = run(&["b", "\"0\"", "a"], false);
    assert_eq!((abc[0].1.as_str(), abc[0].2), (ab[0].1.as_str(), 3));
}
