//! SARIF output: valid against the official 2.1.0 schema, and what GitHub code scanning
//! needs on top of it (relative URIs, 1-based columns, rule metadata, stable fingerprints).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cosmolint::report::sarif;
use serde_json::Value;

/// An account with key auth on (through a variable default, so the finding has a label) and
/// a role definition with a wildcard action.
const MAIN_TF: &str = r#"variable "disable_local_auth" {
  default = false
}

resource "azurerm_cosmosdb_account" "orders" {
  name                          = "orders"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  local_authentication_disabled = var.disable_local_auth
  access_key_metadata_writes_enabled = false
  public_network_access_enabled = false

  consistency_policy { consistency_level = "Session" }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_sql_role_definition" "all" {
  name                = "all-items"
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.orders.name
  assignable_scopes   = [azurerm_cosmosdb_account.orders.id]
  permissions {
    data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*"]
  }
}
"#;

fn lint(dir: &Path) -> Value {
    let report = cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.to_path_buf()],
        base: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .expect("lint runs");
    serde_json::from_str(&sarif::render(&report)).expect("SARIF output is JSON")
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json")
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results array")
}

/// The fixture: findings in a directory whose name needs percent-encoding, and a file with a
/// syntax error (a tool diagnostic) in another.
fn fixture() -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra prod/main.tf", MAIN_TF);
    write(
        dir.path(),
        "broken/bad.tf",
        "resource \"azurerm_cosmosdb_account\" \"x\" {\n",
    );
    let sarif = lint(dir.path());
    (dir, sarif)
}

/// The OASIS SARIF 2.1.0 schema (tests using it are ignored when it is absent).
fn validator() -> jsonschema::Validator {
    let path = schema_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (CI is set, and CI always has it)", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles offline")
}

fn violations(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
#[cfg_attr(
    not(has_sarif_schema),
    ignore = "needs the SARIF schema at ../shared/schemas/sarif-schema-2.1.0.json (CI has it)"
)]
fn sarif_validates_against_the_2_1_0_schema() {
    let validator = validator();
    let (_dir, sarif) = fixture();
    assert!(!results(&sarif).is_empty(), "the fixture has findings");
    assert!(
        !sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the fixture has a tool diagnostic"
    );
    let errors = violations(&validator, &sarif);
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));

    // The validator is not vacuous: a result without a message is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0.into();
    assert!(!validator.is_valid(&broken));
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "critical".into();
    assert!(!validator.is_valid(&broken));
}

/// A role definition with a wildcard action, suppressed in source.
fn suppressed_fixture() -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let suppressed = MAIN_TF.replace(
        "resource \"azurerm_cosmosdb_sql_role_definition\"",
        "# cosmolint-ignore CDB003 -- the ETL job reads and writes every container\nresource \"azurerm_cosmosdb_sql_role_definition\"",
    );
    write(dir.path(), "main.tf", &suppressed);
    let sarif = lint(dir.path());
    (dir, sarif)
}

#[test]
#[cfg_attr(
    not(has_sarif_schema),
    ignore = "needs the SARIF schema at ../shared/schemas/sarif-schema-2.1.0.json (CI has it)"
)]
fn sarif_with_suppressions_validates_against_the_schema() {
    let validator = validator();
    let (_dir, sarif) = suppressed_fixture();
    let errors = violations(&validator, &sarif);
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
    // Not vacuous: the schema knows the suppression object.
    let mut broken = sarif.clone();
    let last = results(&sarif).len() - 1;
    assert!(results(&sarif)[last].get("suppressions").is_some());
    broken["runs"][0]["results"][last]["suppressions"][0]["kind"] = "inComment".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn suppressed_findings_are_results_suppressed_in_source_with_the_reason() {
    let (_dir, sarif) = suppressed_fixture();
    let rs = results(&sarif);
    let cdb003 = rs
        .iter()
        .find(|r| r["ruleId"] == "CDB003")
        .expect("suppressed findings are results");
    let s = &cdb003["suppressions"].as_array().expect("suppressions")[0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["status"], "accepted");
    assert_eq!(s["justification"], "the ETL job reads and writes every container");
    assert_eq!(s["location"]["physicalLocation"]["region"]["startLine"], 21);
    assert_eq!(s["location"]["physicalLocation"]["artifactLocation"]["uri"], "main.tf");
    let cdb001 = rs.iter().find(|r| r["ruleId"] == "CDB001").unwrap();
    assert!(cdb001.get("suppressions").is_none(), "{cdb001}");
}

#[test]
fn locations_are_relative_percent_encoded_and_one_based() {
    let (_dir, sarif) = fixture();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    for r in results(&sarif) {
        let mut locs = vec![&r["locations"][0]];
        locs.extend(r["relatedLocations"].as_array().into_iter().flatten());
        for loc in locs {
            let art = &loc["physicalLocation"]["artifactLocation"];
            assert_eq!(art["uri"], "infra%20prod/main.tf", "{loc}");
            assert_eq!(art["uriBaseId"], "%SRCROOT%");
            let region = &loc["physicalLocation"]["region"];
            for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[key].as_u64().unwrap() >= 1, "{key} in {region}");
            }
        }
    }
    // CDB001 points at `var.disable_local_auth`: line 10, columns 35 up to 57 (exclusive).
    let cdb001 = results(&sarif).iter().find(|r| r["ruleId"] == "CDB001").unwrap();
    let region = &cdb001["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 10);
    assert_eq!(region["startColumn"], 35);
    assert_eq!(region["endLine"], 10);
    assert_eq!(region["endColumn"], 57);
    // …with the variable default as a related location.
    let related = cdb001["relatedLocations"].as_array().expect("related locations");
    assert_eq!(related[0]["id"], 1);
    assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 2);
    assert!(related[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("disable_local_auth"));
}

#[test]
fn rules_carry_what_github_code_scanning_reads() {
    let (_dir, sarif) = fixture();
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "cosmolint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let all: Vec<&str> = cosmolint::rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids, all);
    for (rule, meta) in rules.iter().zip(cosmolint::rules::ALL) {
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() > meta.summary.len());
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("## How to fix"));
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert_eq!(rule["helpUri"], meta.url());
        let expected_level = match meta.severity {
            cosmolint::diagnostic::Severity::Error => "error",
            cosmolint::diagnostic::Severity::Warning => "warning",
            cosmolint::diagnostic::Severity::Info => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], expected_level);
        assert!(rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("security")));
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .expect("numeric");
        assert!((0.1..=10.0).contains(&score));
    }
    for r in results(&sarif) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

#[test]
fn tool_diagnostics_are_notifications_not_results() {
    let (_dir, sarif) = fixture();
    assert!(results(&sarif)
        .iter()
        .all(|r| r["ruleId"].as_str().unwrap().starts_with("CDB")));
    let invocation = &sarif["runs"][0]["invocations"][0];
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes[0]["descriptor"]["id"], "syntax-error");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken/bad.tf"
    );
    // A syntax error is reported, not a failure of the tool (exit status 1, not 2).
    assert_eq!(invocation["executionSuccessful"], true);
}

#[test]
fn unreadable_input_makes_the_execution_unsuccessful() {
    let dir = tempfile::tempdir().unwrap();
    let report = cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.path().join("missing.tf")],
        base: Some(dir.path().to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.exit_code(cosmolint::diagnostic::Severity::Info), 2);
    let sarif: Value = serde_json::from_str(&sarif::render(&report)).unwrap();
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
}

fn fingerprints(sarif: &Value) -> BTreeMap<String, (String, u64)> {
    results(sarif)
        .iter()
        .map(|r| {
            let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                .as_str()
                .expect("every result has a fingerprint")
                .to_string();
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap();
            (r["ruleId"].as_str().unwrap().to_string(), (fp, line))
        })
        .collect()
}

#[test]
fn fingerprints_survive_inserted_lines_but_not_renames() {
    let dir = tempfile::tempdir().unwrap();
    let main = write(dir.path(), "main.tf", MAIN_TF);
    let before = fingerprints(&lint(dir.path()));
    assert!(
        before.contains_key("CDB001") && before.contains_key("CDB003"),
        "{before:?}"
    );

    std::fs::write(&main, format!("# managed by the platform team\n\n{MAIN_TF}")).unwrap();
    let after = fingerprints(&lint(dir.path()));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (rule, (fp, line)) in &before {
        let (fp2, line2) = &after[rule];
        assert_eq!(*line2, line + 2, "{rule} moved down two lines");
        assert_eq!(fp, fp2, "{rule}: fingerprint changed when lines were inserted above it");
    }

    // A different account is a different alert.
    std::fs::write(&main, MAIN_TF.replace("\"orders\" {", "\"billing\" {")).unwrap();
    let renamed = fingerprints(&lint(dir.path()));
    assert_ne!(before["CDB001"].0, renamed["CDB001"].0);
}

#[test]
fn identical_findings_get_distinct_fingerprints() {
    // The same wildcard listed twice: two findings with the same rule, file, resource and
    // message, told apart by the occurrence counter.
    let dir = tempfile::tempdir().unwrap();
    let twice = MAIN_TF.replace(
        r#"data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*"]"#,
        r#"data_actions = ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*"]"#,
    );
    write(dir.path(), "main.tf", &twice);
    let sarif = lint(dir.path());
    let fps: Vec<&str> = results(&sarif)
        .iter()
        .filter(|r| r["ruleId"] == "CDB003")
        .map(|r| r["partialFingerprints"][sarif::FINGERPRINT_KEY].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), 2, "{fps:?}");
    assert_ne!(fps[0], fps[1]);
    assert_eq!(fps[0].split(':').next(), fps[1].split(':').next(), "same identity hash");
}

#[test]
fn files_outside_the_working_directory_get_absolute_uris() {
    let cwd = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "main.tf", MAIN_TF);
    let report = cosmolint::lint(&cosmolint::Options {
        paths: vec![elsewhere.path().to_path_buf()],
        base: Some(cwd.path().to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    let sarif: Value = serde_json::from_str(&sarif::render(&report)).unwrap();
    let art = &results(&sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = art["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///") && uri.ends_with("/main.tf"), "{uri}");
    assert!(art.get("uriBaseId").is_none(), "{art}");
}
