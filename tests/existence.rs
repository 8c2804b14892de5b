//! What could be deployed (issue #11): resources that are not deployed are listed with the
//! reason, never dropped silently; findings that several instances, module instances or
//! roots share at one place are one diagnostic that lists every one of them.

use std::path::{Path, PathBuf};

fn testdata(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(case)
}

fn lint(path: &Path) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![path.to_path_buf()],
        base: Some(if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().unwrap().to_path_buf()
        }),
        ..Default::default()
    })
    .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// (resource, why) of every skipped entry.
fn skipped(r: &cosmolint::Report) -> Vec<(String, String)> {
    r.skipped.iter().map(|s| (s.resource.clone(), s.why.clone())).collect()
}

#[test]
fn resources_that_no_input_deploys_are_listed_with_the_reason() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "CDB001/pass/count_zero_literal.tf",
            "azurerm_cosmosdb_account.main",
            "`count` is 0, and no input changes that",
        ),
        (
            "CDB001/pass/for_each_over_empty_local.tf",
            "azurerm_cosmosdb_account.each",
            "`for_each` is empty, and no input changes that",
        ),
        (
            "CDB001/pass/count_zero_set_in_tfvars",
            "azurerm_cosmosdb_account.main",
            "`count` is 0 (`var.create_cosmos` is set in terraform.tfvars)",
        ),
        (
            "CDB001/pass/module_count_zero_passed_by_caller",
            "module.cosmos.azurerm_cosmosdb_account.main",
            "`count` is 0 (`module.cosmos.var.create` is passed by module call `cosmos`)",
        ),
        (
            "CDB001/pass/condition_false_literal.bicep",
            "account",
            "the condition is false, and no input changes that",
        ),
        (
            "CDB001/pass/condition_false_set_in_bicepparam",
            "account",
            "the condition is false (`deployCosmos` is set in main.bicepparam)",
        ),
        (
            "CDB001/pass/bicep_module_if_false_literal",
            "module.cosmos",
            "the condition is false, and no input changes that",
        ),
        (
            "CDB001/pass/arm_condition_false_literal.json",
            "Microsoft.DocumentDB/databaseAccounts 'orders-db'",
            "the condition is false, and no input changes that",
        ),
        (
            "CDB001/pass/arm_condition_false_in_parameter_file",
            "Microsoft.DocumentDB/databaseAccounts 'orders-db'",
            "the condition is false (`parameters('deploy')` is set in main.parameters.json)",
        ),
    ];
    for (case, resource, why) in cases {
        let r = lint(&testdata(case));
        assert!(r.diagnostics.is_empty(), "{case}: {:?}", r.diagnostics);
        assert_eq!(skipped(&r), [(resource.to_string(), why.to_string())], "{case}");
        assert_eq!(r.summary.skipped, 1, "{case}");
        // Said in the human report and, with --show-unresolved, listed.
        let style = cosmolint::report::human::Style {
            color: false,
            width: 100,
        };
        let short = cosmolint::report::human::render(&r, style, false);
        assert!(
            short.contains("1 resource is not deployed with these inputs (--show-unresolved lists them)"),
            "{case}: {short}"
        );
        let long = cosmolint::report::human::render(&r, style, true);
        assert!(
            long.contains(&format!("not deployed: `{resource}`: {why}")),
            "{case}: {long}"
        );
        let json: serde_json::Value = serde_json::from_str(&cosmolint::report::json::render(&r, true)).unwrap();
        assert_eq!(json["summary"]["skipped"], 1, "{case}");
        assert_eq!(json["skipped"][0]["resource"], *resource, "{case}");
        assert_eq!(json["skipped"][0]["why"], *why, "{case}");
    }
}

#[test]
fn instances_of_a_module_left_out_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        "module \"cosmos\" {\n  source   = \"./m\"\n  for_each = {}\n}\n",
    );
    write(
        tmp.path(),
        "m/main.tf",
        "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n}\n",
    );
    let r = lint(tmp.path());
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        skipped(&r),
        [(
            "module.cosmos".to_string(),
            "`for_each` is empty, and no input changes that".to_string()
        )]
    );
}

const INSECURE_MODULE: &str = "variable \"disable_keys\" {\n  type = bool\n}\n\
    resource \"azurerm_cosmosdb_account\" \"this\" {\n  local_authentication_disabled      = var.disable_keys\n  \
    access_key_metadata_writes_enabled = false\n}\n";

#[test]
fn a_module_that_two_roots_call_reports_each_caller() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    write(tmp.path(), "modules/cosmos/main.tf", INSECURE_MODULE);
    for env in ["dev", "prod"] {
        write(
            tmp.path(),
            &format!("envs/{env}/main.tf"),
            "module \"cosmos\" {\n  source       = \"../../modules/cosmos\"\n  disable_keys = false\n}\n",
        );
    }
    let r = lint(tmp.path());
    let found: Vec<&cosmolint::diagnostic::Diagnostic> = r.diagnostics.iter().filter(|d| d.code == "CDB001").collect();
    // One finding at the module's line, listing both roots: none is lost to deduplication.
    assert_eq!(found.len(), 1, "{:?}", r.diagnostics);
    let units: Vec<(&str, &str)> = found[0]
        .instances
        .iter()
        .map(|i| (i.unit.as_str(), i.address.as_str()))
        .collect();
    assert_eq!(
        units,
        [
            ("envs/dev", "module.cosmos.azurerm_cosmosdb_account.this"),
            ("envs/prod", "module.cosmos.azurerm_cosmosdb_account.this"),
        ]
    );
    assert!(
        found[0].message.ends_with(
            "(2 instances: `module.cosmos.azurerm_cosmosdb_account.this` in envs/dev, \
             `module.cosmos.azurerm_cosmosdb_account.this` in envs/prod)"
        ),
        "{}",
        found[0].message
    );
    // Each caller's argument is a label.
    let labels: Vec<String> = found[0]
        .labels
        .iter()
        .map(|l| r.files.get(l.span.file).unwrap().display.clone())
        .collect();
    assert!(labels.contains(&"envs/dev/main.tf".to_string()), "{labels:?}");
    assert!(labels.contains(&"envs/prod/main.tf".to_string()), "{labels:?}");
    let json: serde_json::Value = serde_json::from_str(&cosmolint::report::json::render(&r, false)).unwrap();
    assert_eq!(json["diagnostics"][0]["instances"][1]["unit"], "envs/prod");
    // CDB001, and CDB005 for the same account's default network access: each once.
    assert_eq!(json["summary"]["findings"], 2);
    assert_eq!(r.diagnostics.iter().filter(|d| d.code == "CDB005").count(), 1);
}

#[test]
fn six_insecure_roots_calling_one_module_are_one_finding_with_six_instances() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    write(tmp.path(), "modules/cosmos/main.tf", INSECURE_MODULE);
    for i in 0..6 {
        write(
            tmp.path(),
            &format!("root{i}/main.tf"),
            "module \"cosmos\" {\n  source       = \"../modules/cosmos\"\n  disable_keys = false\n}\n",
        );
    }
    let r = lint(tmp.path());
    let found: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "CDB001").collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].instances.len(), 6);
    assert!(found[0].message.contains("and 1 more"), "{}", found[0].message);
}
