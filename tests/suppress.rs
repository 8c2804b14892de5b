//! Inline suppressions (issue #14) end to end through `cosmolint::lint`: each dialect,
//! resource, attribute and file level, modules called twice and with `for_each`, and what
//! is wrong with a suppression.

use std::path::Path;

struct Run {
    /// `code file:line` of every diagnostic left.
    shown: Vec<String>,
    /// `code file:line reason` of every suppressed finding.
    suppressed: Vec<String>,
    report: cosmolint::Report,
}

/// The rules these fixtures are written for: the key and role rules. The account
/// configuration rules (CDB005 and on) would report the same accounts' default network
/// settings besides; `account_configuration_findings_…` covers them.
const KEY_AND_ROLE_RULES: &str = "CDB001,CDB002,CDB003,CDB004";

fn settings(select: &str) -> cosmolint::config::Settings {
    cosmolint::config::resolve(
        None,
        &cosmolint::config::Overrides {
            select: Some(select.split(',').map(str::to_string).collect()),
            ..Default::default()
        },
    )
    .unwrap()
    .settings
}

fn lint_paths(dir: &Path, paths: &[&str]) -> Run {
    lint_paths_with(dir, paths, settings(KEY_AND_ROLE_RULES))
}

fn lint_paths_with(dir: &Path, paths: &[&str], settings: cosmolint::config::Settings) -> Run {
    let report = cosmolint::lint(&cosmolint::Options {
        paths: paths.iter().map(|p| dir.join(p)).collect(),
        base: Some(dir.to_path_buf()),
        settings,
        ..Default::default()
    })
    .expect("lint runs");
    let at = |d: &cosmolint::diagnostic::Diagnostic| {
        let f = report.files.get(d.span.file).unwrap();
        format!("{} {}:{}", d.code, f.display, f.line_col(d.span.start).line)
    };
    Run {
        shown: report.diagnostics.iter().map(at).collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|s| format!("{} {}", at(&s.diagnostic), s.reason))
            .collect(),
        report,
    }
}

fn lint(files: &[(&str, &str)]) -> Run {
    lint_with(files, settings(KEY_AND_ROLE_RULES))
}

fn lint_with(files: &[(&str, &str)], settings: cosmolint::config::Settings) -> Run {
    let dir = tempfile::tempdir().unwrap();
    // A repository, so that modules in sibling directories may be followed.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    lint_paths_with(dir.path(), &["."], settings)
}

const TF_ACCOUNT_OPEN: &str = r#"resource "azurerm_cosmosdb_account" "a" {
  name                          = "a"
  local_authentication_disabled = false
}
"#;

#[test]
fn terraform_resource_level_suppresses_the_named_rules_of_that_resource_only() {
    let run = lint(&[(
        "main.tf",
        &format!(
            "# cosmolint-ignore CDB001, key-metadata-writes-enabled -- legacy app, SEC-1\n{TF_ACCOUNT_OPEN}\n{}",
            TF_ACCOUNT_OPEN.replace("\"a\"", "\"b\"")
        ),
    )]);
    assert_eq!(run.shown, ["CDB002 main.tf:7", "CDB001 main.tf:9"]);
    assert_eq!(
        run.suppressed,
        [
            "CDB002 main.tf:2 legacy app, SEC-1",
            "CDB001 main.tf:4 legacy app, SEC-1"
        ]
    );
    assert_eq!(run.report.summary.suppressed, 2);
    assert_eq!(run.report.summary.findings, 2);
}

#[test]
fn terraform_attribute_level_covers_that_attribute_only() {
    // `//` and a trailing `#`: the attribute's finding is suppressed, the resource's
    // default-valued CDB002 (reported at the header) is not.
    let tf = r#"resource "azurerm_cosmosdb_account" "a" {
  name = "a"
  // cosmolint-ignore CDB001 -- keys until the app moves to Entra ID
  local_authentication_disabled = false
}
resource "azurerm_cosmosdb_account" "b" {
  name = "b"
  local_authentication_disabled = false # cosmolint-ignore CDB001 -- same app
  /* cosmolint-ignore CDB002 -- wrong attribute: reported unused */
  name2 = "x"
}
"#;
    let run = lint(&[("main.tf", tf)]);
    assert_eq!(
        run.shown,
        ["CDB002 main.tf:1", "CDB002 main.tf:6", "unused-suppression main.tf:9"]
    );
    assert_eq!(
        run.suppressed,
        [
            "CDB001 main.tf:4 keys until the app moves to Entra ID",
            "CDB001 main.tf:8 same app"
        ]
    );
}

#[test]
fn file_level_suppression_covers_the_file_and_must_be_at_its_top() {
    let run = lint(&[
        (
            "a/main.tf",
            &format!("# Accounts of the legacy platform.\n# cosmolint-ignore-file CDB002 -- managed by the platform team\n{TF_ACCOUNT_OPEN}"),
        ),
        (
            "b/main.tf",
            &format!("{TF_ACCOUNT_OPEN}# cosmolint-ignore-file CDB002 -- too late\n"),
        ),
    ]);
    assert_eq!(
        run.shown,
        [
            "CDB001 a/main.tf:5",
            "CDB002 b/main.tf:1",
            "CDB001 b/main.tf:3",
            "invalid-suppression b/main.tf:5"
        ]
    );
    assert_eq!(run.suppressed, ["CDB002 a/main.tf:3 managed by the platform team"]);
    let invalid = &run.report.diagnostics[3];
    assert!(
        invalid.message.contains("must come before any code"),
        "{}",
        invalid.message
    );
}

#[test]
fn what_is_wrong_with_a_suppression_is_reported_and_the_finding_stays() {
    let tf = r#"# cosmolint-ignore CDB001
resource "azurerm_cosmosdb_account" "a" {
  name                          = "a"
  local_authentication_disabled = false
  # cosmolint-ignore CDB042 -- not a rule
  access_key_metadata_writes_enabled = true
}
resource "azurerm_cosmosdb_account" "b" {
  name                               = "b"
  # cosmolint-ignore CDB001 -- nothing to suppress here
  access_key_metadata_writes_enabled = false
  local_authentication_disabled      = true
}
"#;
    let run = lint(&[("main.tf", tf)]);
    assert_eq!(
        run.shown,
        [
            "invalid-suppression main.tf:1",
            "CDB001 main.tf:4",
            "invalid-suppression main.tf:5",
            "CDB002 main.tf:6",
            "unused-suppression main.tf:10"
        ]
    );
    assert!(run.suppressed.is_empty());
    let d = |i: usize| &run.report.diagnostics[i];
    assert!(d(0).message.contains("needs a reason after `--`"), "{}", d(0).message);
    assert_eq!(d(0).severity, cosmolint::diagnostic::Severity::Error);
    assert!(d(2).message.contains("unknown rule `CDB042`"), "{}", d(2).message);
    for r in cosmolint::rules::ALL {
        assert!(d(2).message.contains(r.id), "{} lists {}", d(2).message, r.id);
    }
    assert_eq!(d(4).severity, cosmolint::diagnostic::Severity::Warning);
    assert!(d(4).message.contains("no CDB001 finding"), "{}", d(4).message);
    assert_eq!(run.report.exit_code(cosmolint::diagnostic::Severity::Error), 1);
}

#[test]
fn a_syntax_error_cannot_be_suppressed_and_its_file_gets_no_unused_reports() {
    let run = lint(&[(
        "main.tf",
        "# cosmolint-ignore-file CDB001 -- whole file\nresource \"azurerm_cosmosdb_account\" \"a\" {\n",
    )]);
    assert_eq!(run.shown, ["syntax-error main.tf:2"]);
}

const MODULE: &str = r#"variable "local_auth" {
  default = false
}

resource "azurerm_cosmosdb_account" "this" {
  name                               = "x"
  local_authentication_disabled      = !var.local_auth
  access_key_metadata_writes_enabled = false
}
"#;

#[test]
fn a_suppression_in_a_module_covers_every_caller_and_one_at_a_call_covers_that_call() {
    let module_suppressed = MODULE.replace(
        "resource \"azurerm",
        "# cosmolint-ignore CDB001 -- every caller\nresource \"azurerm",
    );
    let calls = r#"module "a" {
  source     = "../modules/cosmos"
  local_auth = true
}
module "b" {
  source     = "../modules/cosmos"
  local_auth = true
}
"#;
    let run = lint(&[("modules/cosmos/main.tf", &module_suppressed), ("env/main.tf", calls)]);
    assert!(run.shown.is_empty(), "{:?}", run.shown);
    // One finding of the module, silenced for both instances, listing both.
    assert_eq!(run.suppressed, ["CDB001 modules/cosmos/main.tf:8 every caller"]);
    let instances: Vec<&str> = run.report.suppressed[0]
        .diagnostic
        .instances
        .iter()
        .map(|i| i.address.as_str())
        .collect();
    assert_eq!(
        instances,
        [
            "module.a.azurerm_cosmosdb_account.this",
            "module.b.azurerm_cosmosdb_account.this"
        ]
    );

    // At the call of `a` (above the block) and at `b`'s argument: each covers its own
    // call; `c` is reported (checkov#3520: a skip at one call leaked to another).
    let calls = r#"# cosmolint-ignore CDB001 -- team a
module "a" {
  source     = "../modules/cosmos"
  local_auth = true
}
module "b" {
  source     = "../modules/cosmos"
  # cosmolint-ignore local-auth-enabled -- team b
  local_auth = true
}
module "c" {
  source     = "../modules/cosmos"
  local_auth = true
}
"#;
    let run = lint(&[("modules/cosmos/main.tf", MODULE), ("env/main.tf", calls)]);
    assert_eq!(run.shown, ["CDB001 modules/cosmos/main.tf:7"]);
    assert!(
        run.report.diagnostics[0].message.contains("module.c."),
        "{}",
        run.report.diagnostics[0].message
    );
    let mut suppressed = run.suppressed.clone();
    suppressed.sort();
    assert_eq!(
        suppressed,
        [
            "CDB001 modules/cosmos/main.tf:7 team a",
            "CDB001 modules/cosmos/main.tf:7 team b"
        ]
    );
}

#[test]
fn a_suppression_at_a_module_call_with_for_each_covers_its_instances() {
    let calls = r#"variable "teams" {
  default = { a = true, b = true }
}
# cosmolint-ignore CDB001 -- every team's account, SEC-7
module "cosmos" {
  for_each   = var.teams
  source     = "./modules/cosmos"
  local_auth = true
}
module "other" {
  source     = "./modules/cosmos"
  local_auth = true
}
"#;
    // Inside the module: a resource with for_each, suppressed in the module file.
    let module = r#"variable "local_auth" {
  default = false
}
variable "regions" {
  default = ["westeurope", "northeurope"]
}
resource "azurerm_cosmosdb_account" "this" {
  for_each                           = toset(var.regions)
  name                               = "x-${each.key}"
  local_authentication_disabled      = !var.local_auth
  # cosmolint-ignore CDB002 -- metadata writes by the deploy job
  access_key_metadata_writes_enabled = true
}
"#;
    let run = lint(&[("main.tf", calls), ("modules/cosmos/main.tf", module)]);
    let only_other: Vec<&String> = run.shown.iter().collect();
    assert_eq!(only_other, ["CDB001 modules/cosmos/main.tf:10"], "{:?}", run.suppressed);
    assert!(run.report.diagnostics[0].message.contains("module.other."));
    assert!(run
        .suppressed
        .iter()
        .any(|s| s.starts_with("CDB001 ") && s.ends_with("every team's account, SEC-7")));
    assert!(run
        .suppressed
        .iter()
        .any(|s| s.starts_with("CDB002 ") && s.ends_with("metadata writes by the deploy job")));
    assert!(!run
        .suppressed
        .iter()
        .any(|s| s.contains("CDB002") && !s.contains("deploy job")));
}

#[test]
fn a_module_linted_through_some_callers_gets_no_unused_reports() {
    // Only `env` is linted; the module's suppression may serve callers elsewhere.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let module = MODULE.replace(
        "resource \"azurerm",
        "# cosmolint-ignore CDB001 -- prod passes local_auth\nresource \"azurerm",
    );
    for (name, text) in [
        ("modules/cosmos/main.tf", module.as_str()),
        ("env/main.tf", "module \"a\" {\n  source = \"../modules/cosmos\"\n}\n"),
    ] {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    assert!(lint_paths(dir.path(), &["env"]).shown.is_empty());
    assert_eq!(
        lint_paths(dir.path(), &["."]).shown,
        ["unused-suppression modules/cosmos/main.tf:5"]
    );
}

const BICEP_ACCOUNT: &str = "resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'a'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false
  }
}
";

#[test]
fn bicep_resource_attribute_and_file_level() {
    let resource =
        format!("// cosmolint-ignore CDB001, CDB002 -- legacy\n@description('the account')\n{BICEP_ACCOUNT}");
    let attribute = BICEP_ACCOUNT.replace(
        "    disableLocalAuth: false",
        "    // cosmolint-ignore local-auth-enabled -- keys for the batch job\n    disableLocalAuth: false",
    );
    let file = format!("// cosmolint-ignore-file CDB002 -- platform-managed\n{BICEP_ACCOUNT}");
    let run = lint(&[("r.bicep", &resource), ("a.bicep", &attribute), ("f.bicep", &file)]);
    assert_eq!(run.shown, ["CDB002 a.bicep:1", "CDB001 f.bicep:7"]);
    assert_eq!(
        run.suppressed,
        [
            "CDB001 a.bicep:7 keys for the batch job",
            "CDB002 f.bicep:2 platform-managed",
            "CDB002 r.bicep:3 legacy",
            "CDB001 r.bicep:8 legacy"
        ]
    );
}

#[test]
fn bicep_module_called_twice_is_suppressed_per_call() {
    let module = "param disableLocalAuth bool = false
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'a'
  properties: {
    disableLocalAuth: disableLocalAuth
    disableKeyBasedMetadataWriteAccess: true
  }
}
";
    let main = "// cosmolint-ignore CDB001 -- reporting keeps keys until Q3
module reporting 'cosmos.bicep' = {
  name: 'reporting'
}
module orders 'cosmos.bicep' = {
  name: 'orders'
}
";
    let run = lint(&[("cosmos.bicep", module), ("main.bicep", main)]);
    assert_eq!(run.shown, ["CDB001 cosmos.bicep:5"]);
    assert!(
        run.report.diagnostics[0].message.contains("orders"),
        "{}",
        run.report.diagnostics[0].message
    );
    assert_eq!(run.suppressed, ["CDB001 cosmos.bicep:5 reporting keeps keys until Q3"]);
}

const ARM_HEAD: &str =
    "{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"resources\": [\n";

#[test]
fn arm_comments_at_resource_and_attribute_level() {
    let arm = format!(
        "{ARM_HEAD}    // cosmolint-ignore CDB002 -- legacy
    {{
      \"type\": \"Microsoft.DocumentDB/databaseAccounts\",
      \"apiVersion\": \"2024-05-15\",
      \"name\": \"a\",
      \"properties\": {{
        // cosmolint-ignore CDB001 -- keys for the batch job
        \"disableLocalAuth\": false
      }}
    }},
    {{
      \"type\": \"Microsoft.DocumentDB/databaseAccounts\",
      \"apiVersion\": \"2024-05-15\",
      \"name\": \"b\",
      \"properties\": {{ \"disableLocalAuth\": false }}
    }}
  ]
}}
"
    );
    let run = lint(&[("t.json", &arm)]);
    assert_eq!(run.shown, ["CDB002 t.json:15", "CDB001 t.json:18"]);
    assert_eq!(
        run.suppressed,
        ["CDB002 t.json:6 legacy", "CDB001 t.json:11 keys for the batch job"]
    );
}

#[test]
fn arm_metadata_suppresses_without_comments() {
    let arm = format!(
        "{ARM_HEAD}    {{
      \"type\": \"Microsoft.DocumentDB/databaseAccounts\",
      \"apiVersion\": \"2024-05-15\",
      \"name\": \"a\",
      \"metadata\": {{ \"cosmolint\": {{ \"ignore\": {{ \"CDB001\": \"keys for the batch job\", \"CDB002\": \"\" }} }} }},
      \"properties\": {{ \"disableLocalAuth\": false }}
    }}
  ]
}}
"
    );
    let run = lint(&[("t.json", &arm)]);
    assert_eq!(run.shown, ["CDB002 t.json:5", "invalid-suppression t.json:8"]);
    assert_eq!(run.suppressed, ["CDB001 t.json:9 keys for the batch job"]);
}

#[test]
fn in_memory_text_is_suppressed_too() {
    let report = cosmolint::lint_text(
        "x.tf",
        &format!("# cosmolint-ignore CDB001, CDB002 -- r\n{TF_ACCOUNT_OPEN}"),
    );
    // What is not suppressed stays: CDB005 for the account's default network access.
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["CDB005"], "{:?}", report.diagnostics);
    assert_eq!(report.suppressed.len(), 2);
}

#[test]
fn the_binary_counts_suppressed_findings_and_lists_them_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        format!("# cosmolint-ignore CDB001, CDB002 -- legacy app, SEC-1\n{TF_ACCOUNT_OPEN}"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cosmolint"))
            .args(args)
            .args(["--select", KEY_AND_ROLE_RULES])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    // Everything suppressed: exit 0, and the summary says how many.
    let out = run(&["check", "--color", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("0 findings in 1 file (0 errors, 0 warnings), 2 suppressed"),
        "{text}"
    );
    assert!(text.contains("--show-suppressed lists"), "{text}");
    assert!(!text.contains("legacy app"), "{text}");
    let text = String::from_utf8(run(&["check", "--show-suppressed", "--color", "never"]).stdout).unwrap();
    assert!(
        text.contains("main.tf:4:35: suppressed error[CDB001]")
            && text.contains("reason (main.tf:1): legacy app, SEC-1"),
        "{text}"
    );

    let v: serde_json::Value = serde_json::from_slice(&run(&["check", "--format", "json"]).stdout).unwrap();
    assert_eq!(v["summary"]["suppressed"], 2);
    assert!(v.get("suppressed").is_none(), "listed only when asked");
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["check", "--format", "json", "--show-suppressed"]).stdout).unwrap();
    let s = &v["suppressed"][1];
    assert_eq!(s["code"], "CDB001");
    assert_eq!(s["file"], "main.tf");
    assert_eq!(s["range"]["start"]["line"], 4);
    assert_eq!(s["suppression"]["kind"], "inSource");
    assert_eq!(s["suppression"]["reason"], "legacy app, SEC-1");
    assert_eq!(s["suppression"]["file"], "main.tf");
    assert_eq!(s["suppression"]["range"]["start"]["line"], 1);
    // CI annotation formats show no suppressed finding.
    let gh = String::from_utf8(run(&["check", "--format", "github"]).stdout).unwrap();
    assert!(!gh.contains("::error"), "{gh}");
}

#[test]
fn a_named_caller_file_judges_its_suppressions_at_module_calls() {
    // pre-commit names only the caller; the finding is in the module (a default, so no
    // label in the caller) but goes through the call the suppression is on.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in [
        ("modules/cosmos/main.tf", MODULE.replace("!var.local_auth", "false").as_str()),
        (
            "env/main.tf",
            "# cosmolint-ignore CDB001 -- team a\nmodule \"a\" {\n  source = \"../modules/cosmos\"\n}\nmodule \"b\" {\n  source = \"../modules/cosmos\"\n}\n",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    // The module's findings touch no named file (no label in it), so none is shown, but the
    // suppression at call `a` did suppress one: it is not reported as unused.
    let run = lint_paths(dir.path(), &["env/main.tf"]);
    assert!(run.shown.is_empty(), "{:?}", run.shown);
    // Linting everything shows call `b`'s finding and the suppressed one of `a`.
    let all = lint_paths(dir.path(), &["."]);
    assert_eq!(all.shown, ["CDB001 modules/cosmos/main.tf:7"]);
    assert_eq!(all.suppressed, ["CDB001 modules/cosmos/main.tf:7 team a"]);
}

#[test]
fn account_configuration_findings_are_suppressed_at_the_resource_or_the_entry() {
    let run = lint_with(
        &[(
            "main.tf",
            r#"variable "open" {
  default = true
}

# cosmolint-ignore CDB005 -- a public demo account, SEC-7
resource "azurerm_cosmosdb_account" "demo" {
  name                               = "demo"
  local_authentication_disabled      = true
  access_key_metadata_writes_enabled = false
  public_network_access_enabled      = var.open
}

resource "azurerm_cosmosdb_account" "firewalled" {
  name                               = "firewalled"
  local_authentication_disabled      = true
  access_key_metadata_writes_enabled = false
  minimal_tls_version                = "Tls11"
  # cosmolint-ignore firewall-allows-any -- Azure Functions on the consumption plan, SEC-8
  ip_range_filter = ["0.0.0.0", "203.0.113.7"]
}
"#,
        )],
        cosmolint::config::Settings::default(),
    );
    assert_eq!(run.shown, ["CDB007 main.tf:17"], "{:?}", run.report.diagnostics);
    assert_eq!(
        run.suppressed,
        [
            "CDB005 main.tf:10 a public demo account, SEC-7",
            "CDB006 main.tf:19 Azure Functions on the consumption plan, SEC-8"
        ]
    );
}
