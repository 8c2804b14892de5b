//! `.cosmolint.toml` (issue #14): discovery, precedence (command line > file > defaults),
//! per-path ignores, rule options that change what rules report, `init` and `config`, and
//! errors that name the file, line and column with exit status 2.

use std::path::Path;
use std::process::{Command, Output};

use cosmolint::config;

fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
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

/// A repository (a `.git` directory) with these files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

/// `code file:line` of each diagnostic of a JSON report, of the key and role rules these
/// fixtures are written for (CDB001-CDB004) and tool diagnostics: the account
/// configuration rules (CDB005 and on) would report the same accounts' network settings
/// besides, whatever is selected.
fn findings(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    const KEY_AND_ROLE_RULES: [&str; 4] = ["CDB001", "CDB002", "CDB003", "CDB004"];
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| !c.starts_with("CDB") || KEY_AND_ROLE_RULES.contains(&c))
        })
        .map(|d| {
            format!(
                "{} {}:{}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["range"]["start"]["line"]
            )
        })
        .collect()
}

/// Key auth on (CDB001) and metadata writes on by default (CDB002, at the header).
const ACCOUNT: &str = r#"resource "azurerm_cosmosdb_account" "a" {
  name                          = "a"
  local_authentication_disabled = false
}
"#;

/// A reader assignment at account scope: CDB004, a warning.
const READER_AT_ACCOUNT: &str = r#"resource "azurerm_cosmosdb_sql_role_assignment" "r" {
  role_definition_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001"
  scope              = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc"
}
"#;

#[test]
fn the_command_line_wins_over_the_file_and_the_file_over_the_defaults() {
    let dir = repo(&[
        ("main.tf", &format!("{ACCOUNT}{READER_AT_ACCOUNT}")),
        (
            ".cosmolint.toml",
            "ignore = [\"key-metadata-writes-enabled\"]\nfail-on = \"error\"\n",
        ),
    ]);
    let json = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend(extra);
        cosmolint(dir.path(), &args)
    };
    // Defaults would report CDB002; the file ignores it.
    assert_eq!(findings(&json(&[])), ["CDB001 main.tf:3", "CDB004 main.tf:7"]);
    // --select replaces the file's selection, --ignore removes from it.
    assert_eq!(
        findings(&json(&["--select", "CDB002,CDB004"])),
        ["CDB002 main.tf:1", "CDB004 main.tf:7"]
    );
    assert_eq!(findings(&json(&["--ignore", "CDB001"])), ["CDB004 main.tf:7"]);
    assert_eq!(
        findings(&json(&["--select", "ALL", "--ignore", "CDB001", "--ignore", "CDB004"])),
        ["CDB002 main.tf:1"]
    );
    // fail-on from the file: only the CDB004 warning left, so exit 0; --fail-on wins.
    assert_eq!(json(&["--select", "CDB004"]).status.code(), Some(0));
    assert_eq!(
        json(&["--select", "CDB004", "--fail-on", "warning"]).status.code(),
        Some(1)
    );
    // Without the file, the defaults.
    std::fs::remove_file(dir.path().join(".cosmolint.toml")).unwrap();
    assert_eq!(
        findings(&json(&[])),
        ["CDB002 main.tf:1", "CDB001 main.tf:3", "CDB004 main.tf:7"]
    );
    assert_eq!(json(&["--select", "CDB004"]).status.code(), Some(1));
}

#[test]
fn extend_select_adds_to_the_file_selection() {
    let dir = repo(&[(".cosmolint.toml", "select = [\"CDB001\"]\n"), ("main.tf", ACCOUNT)]);
    assert_eq!(
        findings(&cosmolint(dir.path(), &["check", "--format", "json"])),
        ["CDB001 main.tf:3"]
    );
    let out = cosmolint(dir.path(), &["check", "--format", "json", "--extend-select", "CDB002"]);
    assert_eq!(findings(&out), ["CDB002 main.tf:1", "CDB001 main.tf:3"]);
}

#[test]
fn severity_overrides_apply_to_every_finding_of_the_rule() {
    let dir = repo(&[
        (
            ".cosmolint.toml",
            "[severity]\nCDB004 = \"error\"\nlocal-auth-enabled = \"warning\"\n",
        ),
        ("main.tf", &format!("{ACCOUNT}{READER_AT_ACCOUNT}")),
    ]);
    let v: serde_json::Value =
        serde_json::from_slice(&cosmolint(dir.path(), &["check", "--format", "json"]).stdout).unwrap();
    let severity = |code: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity("CDB004"), "error");
    assert_eq!(severity("CDB001"), "warning");
    assert_eq!(severity("CDB002"), "error");
}

#[test]
fn per_path_ignores_and_exclude_are_relative_to_the_config_file() {
    let dir = repo(&[
        (
            ".cosmolint.toml",
            "exclude = [\"examples\"]\n[per-path-ignores]\n\"legacy/**\" = [\"CDB001\"]\n",
        ),
        (
            "legacy/main.tf",
            &ACCOUNT.replace(
                "  name ",
                "  # cosmolint-ignore CDB001 -- not reported unused: the rule is off here\n  name ",
            ),
        ),
        ("infra/main.tf", ACCOUNT),
        ("examples/main.tf", ACCOUNT),
    ]);
    let expected = [
        "CDB002 infra/main.tf:1",
        "CDB001 infra/main.tf:3",
        "CDB002 legacy/main.tf:1",
    ];
    assert_eq!(
        findings(&cosmolint(dir.path(), &["check", "--format", "json"])),
        expected
    );
    // From a subdirectory, linting `..`: the same files, found through the same file.
    let out = cosmolint(&dir.path().join("infra"), &["check", "..", "--format", "json"]);
    let shown: Vec<String> = findings(&out).iter().map(|f| f.replace("../", "")).collect();
    assert_eq!(shown, expected);
    // A named file that the configuration excludes is excluded too (pre-commit names files).
    let out = cosmolint(dir.path(), &["check", "examples/main.tf", "--format", "json"]);
    assert!(findings(&out).is_empty(), "{:?}", findings(&out));
}

#[test]
fn var_files_of_the_config_are_used_unless_the_command_line_names_some() {
    let account = r#"variable "disable" {
  default = true
}
resource "azurerm_cosmosdb_account" "a" {
  name                               = "a"
  local_authentication_disabled      = var.disable
  access_key_metadata_writes_enabled = false
}
"#;
    let dir = repo(&[
        ("infra/main.tf", account),
        ("infra/.cosmolint.toml", "var-files = [\"env/dev.tfvars\"]\n"),
        ("infra/env/dev.tfvars", "disable = false\n"),
        ("prod.tfvars", "disable = true\n"),
    ]);
    let out = cosmolint(dir.path(), &["check", "infra", "--format", "json"]);
    assert_eq!(findings(&out), ["CDB001 infra/main.tf:6"]);
    let out = cosmolint(
        dir.path(),
        &["check", "infra", "--format", "json", "--var-file", "prod.tfvars"],
    );
    assert!(findings(&out).is_empty());
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), ".cosmolint.toml", "select = [\"CDB002\"]\n");
    write(outer.path(), "repo/main.tf", ACCOUNT);
    std::fs::create_dir(outer.path().join("repo/.git")).unwrap();
    let out = cosmolint(&outer.path().join("repo"), &["check", "--format", "json"]);
    assert_eq!(
        findings(&out),
        ["CDB002 main.tf:1", "CDB001 main.tf:3"],
        "the file outside the repository is not read"
    );
}

#[test]
fn paths_with_different_configurations_are_a_usage_error() {
    let dir = repo(&[
        ("a/main.tf", ACCOUNT),
        ("a/.cosmolint.toml", "ignore = [\"CDB002\"]\n"),
        ("b/main.tf", ACCOUNT),
    ]);
    let out = cosmolint(dir.path(), &["check", "a", "b"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("different configurations") && err.contains("--config"),
        "{err}"
    );
    // --config settles it.
    let out = cosmolint(
        dir.path(),
        &["check", "a", "b", "--config", "a/.cosmolint.toml", "--format", "json"],
    );
    assert_eq!(findings(&out), ["CDB001 a/main.tf:3", "CDB001 b/main.tf:3"]);
}

#[test]
fn unknown_keys_and_bad_values_are_exit_2_with_file_line_and_column() {
    for (text, expected) in [
        (
            "fail-on = \"error\"\n\nselct = [\"CDB001\"]\n",
            ".cosmolint.toml:3:1: unknown field `selct`",
        ),
        (
            "select = [\n  \"CDB001\",\n  \"CDB999\",\n]\n",
            ".cosmolint.toml:3:3: `select`: unknown rule `CDB999`",
        ),
        ("fail-on = \"fatal\"\n", ".cosmolint.toml:1:11: unknown variant `fatal`"),
        (
            "[rules.CDB001]\napis = [\"sql\"]\n",
            ".cosmolint.toml:2:9: unknown variant `sql`",
        ),
        (
            "[rules.CDB004]\nallow-account-scope-for = [\"reader\"]\n",
            ".cosmolint.toml:2:28: `reader` is not a role definition GUID",
        ),
        (
            "[rules.CDB004]\nallow-account-scope = []\n",
            ".cosmolint.toml:2:1: unknown field `allow-account-scope`",
        ),
        (
            "[rules.CDB002]\nx = 1\n",
            ".cosmolint.toml:1:8: `rules.CDB002`: CDB002 (key-metadata-writes-enabled) has no options",
        ),
        (
            "[per-path-ignores]\n\"a/**\" = [\"nope\"]\n",
            ".cosmolint.toml:2:11: `per-path-ignores`: unknown rule `nope`",
        ),
        (
            "exclude = [\"a[\"]\n",
            ".cosmolint.toml:1:12: `exclude`: error parsing glob",
        ),
        ("select = \n", ".cosmolint.toml:1:10: "),
    ] {
        let dir = repo(&[("main.tf", ACCOUNT), (".cosmolint.toml", text)]);
        let out = cosmolint(dir.path(), &["check"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with(&format!("error: {expected}")), "{text:?}: {err}");
        assert!(out.stdout.is_empty(), "nothing is linted with a broken configuration");
    }
    let dir = repo(&[("main.tf", ACCOUNT)]);
    let out = cosmolint(dir.path(), &["check", "--select", "CDB001,nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--select: unknown rule `nope`") && err.contains("CDB004 (account-scope-assignment)"),
        "{err}"
    );
    let out = cosmolint(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read missing.toml"));
}

#[test]
fn init_writes_a_commented_default_that_parses_and_changes_nothing() {
    let dir = repo(&[("main.tf", ACCOUNT)]);
    let out = cosmolint(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.path().join(".cosmolint.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for r in cosmolint::rules::ALL {
        assert!(
            text.contains(r.id) && text.contains(r.name),
            "the template lists {}",
            r.id
        );
    }
    let file = config::load(&path, None).expect("the template parses");
    let resolved = config::resolve(Some(&file), &config::Overrides::default()).unwrap();
    let defaults = config::resolve(None, &config::Overrides::default()).unwrap();
    assert_eq!(resolved.settings.rules, defaults.settings.rules);
    assert!(resolved.settings.per_path_ignores.is_empty() && resolved.settings.exclude.is_none());
    assert_eq!(resolved.fail_on.0, cosmolint::diagnostic::Severity::Info);
    // Uncommenting an example line works as the comment says.
    let edited = text.replace("# CDB004 = \"error\"", "CDB004 = \"error\"");
    let file = config::parse(path.clone(), dir.path().to_path_buf(), "x".into(), edited).unwrap();
    let resolved = config::resolve(Some(&file), &config::Overrides::default()).unwrap();
    assert_eq!(
        resolved.settings.rules.severity.get("CDB004"),
        Some(&cosmolint::diagnostic::Severity::Error)
    );
    // It never replaces a file.
    std::fs::write(&path, "ignore = [\"CDB001\"]\n").unwrap();
    let out = cosmolint(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "ignore = [\"CDB001\"]\n");
}

#[test]
fn config_prints_the_effective_configuration_and_where_each_value_comes_from() {
    let dir = repo(&[
        ("main.tf", ACCOUNT),
        (
            ".cosmolint.toml",
            "# team settings\nignore = [\"CDB004\"]\nfail-on = \"warning\"\n\n[rules.CDB004]\nallow-account-scope-for = [\"00000000-0000-0000-0000-000000000001\"]\n",
        ),
    ]);
    let out = cosmolint(
        dir.path(),
        &["config", "--extend-select", "CDB004", "--ignore", "CDB003"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in\n{text}"))
    };
    assert!(line("CDB003 broad-data-actions").contains("off") && line("CDB003").contains("ignore (--ignore)"));
    assert!(
        line("CDB004 account-scope").contains("on ")
            && line("CDB004 account").contains("extend-select (--extend-select)")
    );
    assert!(line("CDB001 local-auth").contains("default (default)"));
    assert!(line("fail-on = \"warning\"").ends_with("# .cosmolint.toml:3"));
    assert!(line("[rules.CDB004]").ends_with("# .cosmolint.toml:5"));
    assert!(line("[rules.CDB001]").ends_with("# default"));
    // The output is itself a configuration with the same effect.
    let file = config::parse(
        dir.path().join("x.toml"),
        dir.path().to_path_buf(),
        "x".into(),
        text.clone(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let again = config::resolve(Some(&file), &config::Overrides::default()).unwrap();
    assert_eq!(
        again.settings.rules.enabled,
        ["CDB001", "CDB002", "CDB004", "CDB005", "CDB006", "CDB007", "CDB008", "CDB009", "CDB010", "CDB014"]
    );
    assert_eq!(again.fail_on.0, cosmolint::diagnostic::Severity::Warning);
    assert_eq!(
        again
            .settings
            .rules
            .options
            .account_scope_assignment
            .allow_account_scope_for
            .len(),
        1
    );
}

/// Lints `files` with the rule settings of a configuration text.
fn lint_with(config_text: &str, files: &[(&str, &str)]) -> Vec<String> {
    let dir = repo(files);
    let file = config::parse(
        dir.path().join(".cosmolint.toml"),
        dir.path().to_path_buf(),
        "c".into(),
        config_text.into(),
    )
    .unwrap();
    let resolved = config::resolve(Some(&file), &config::Overrides::default()).unwrap();
    let report = cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.path().to_path_buf()],
        base: Some(dir.path().to_path_buf()),
        settings: resolved.settings,
        ..Default::default()
    })
    .unwrap();
    // The rules these cases are about (the account configuration rules report the same
    // accounts' network defaults besides).
    report
        .diagnostics
        .iter()
        .filter(|d| ["CDB001", "CDB002", "CDB003", "CDB004"].contains(&d.code))
        .map(|d| format!("{} {}", d.code, d.resource.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn cdb001_apis_chooses_which_accounts_are_checked() {
    let accounts = r#"resource "azurerm_cosmosdb_account" "sql" {
  name                               = "sql"
  access_key_metadata_writes_enabled = false
}
resource "azurerm_cosmosdb_account" "mongo" {
  name                               = "mongo"
  kind                               = "MongoDB"
  access_key_metadata_writes_enabled = false
  capabilities { name = "EnableMongoRoleBasedAccessControl" }
}
resource "azurerm_cosmosdb_account" "cassandra" {
  name                               = "cassandra"
  access_key_metadata_writes_enabled = false
  capabilities { name = "EnableCassandra" }
}
"#;
    let files = [("main.tf", accounts)];
    let sql = "CDB001 azurerm_cosmosdb_account.sql";
    let mongo = "CDB001 azurerm_cosmosdb_account.mongo";
    let cassandra = "CDB001 azurerm_cosmosdb_account.cassandra";
    // Every API has a Microsoft Entra route, so every account is checked by default.
    assert_eq!(lint_with("", &files), [sql, mongo, cassandra]);
    assert_eq!(lint_with("[rules.CDB001]\napis = [\"nosql\"]\n", &files), [sql]);
    assert_eq!(
        lint_with(
            "[rules.local-auth-enabled]\napis = [\"nosql\", \"cassandra\"]\n",
            &files
        ),
        [sql, cassandra]
    );
}

#[test]
fn cdb004_allow_account_scope_for_exempts_the_listed_roles_only() {
    let contributor = READER_AT_ACCOUNT
        .replace("\"r\"", "\"w\"")
        .replace("000000000001\"", "000000000002\"");
    let files = [("main.tf", format!("{READER_AT_ACCOUNT}{contributor}"))];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let reader = "CDB004 azurerm_cosmosdb_sql_role_assignment.r";
    let writer = "CDB004 azurerm_cosmosdb_sql_role_assignment.w";
    assert_eq!(lint_with("", &files), [reader, writer]);
    let allow_reader = "[rules.CDB004]\nallow-account-scope-for = [\"00000000-0000-0000-0000-000000000001\"]\n";
    assert_eq!(lint_with(allow_reader, &files), [writer]);
    // GUIDs compare without regard to case.
    let upper = "[rules.CDB004]\nallow-account-scope-for = [\"00000000-0000-0000-0000-00000000000A\", \"00000000-0000-0000-0000-000000000002\"]\n";
    assert_eq!(lint_with(upper, &files), [reader]);
}

#[test]
fn the_readme_configuration_example_loads_and_means_what_it_says() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .expect("a Configuration section");
    let body = section
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a toml example");
    let file = config::parse("x.toml".into(), "/repo".into(), "x.toml".into(), body.to_string())
        .unwrap_or_else(|e| panic!("README's example: {e}"));
    let r = config::resolve(Some(&file), &config::Overrides::default()).unwrap();
    // `select = ["ALL"]` minus `ignore = ["CDB004"]`: every rule, opt-in ones included.
    let all_but_cdb004: Vec<&str> = cosmolint::rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| *id != "CDB004")
        .collect();
    assert_eq!(r.settings.rules.enabled, all_but_cdb004);
    assert_eq!(r.fail_on.0, cosmolint::diagnostic::Severity::Warning);
    assert!(r.settings.per_path_ignores[0]
        .globs
        .matches(Path::new("/repo/modules/legacy/a/main.tf")));
    assert!(!r.settings.per_path_ignores[0]
        .globs
        .matches(Path::new("/repo/modules/main.tf")));
    assert!(r
        .settings
        .exclude
        .as_ref()
        .unwrap()
        .matches(Path::new("/repo/examples/x/main.tf")));
    assert!(r
        .settings
        .exclude
        .as_ref()
        .unwrap()
        .matches(Path::new("/repo/a/b.test.tf")));
}
