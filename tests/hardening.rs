//! The real binary on input written to hurt it (issue #13): every case runs `cosmolint` as a
//! child process, so a stack overflow or an abort fails the test instead of taking the test
//! runner down, and every case checks that the rest of the run still reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cosmolint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cosmolint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run cosmolint")
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// The JSON report, after checking that the process ended on its own with status 0, 1 or 2.
fn report(out: &Output) -> Value {
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "cosmolint did not exit normally ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// (code, file) of every diagnostic.
fn found(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, code: &str, file: &str) -> bool {
    found(v).iter().any(|(c, f)| c == code && f == file)
}

const TF_ACCOUNT: &str = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}\n";
const ARM_SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

fn arm_account(disable_local_auth: &str) -> String {
    format!(
        r#"{{"$schema": "{ARM_SCHEMA}", "variables": {{"v": {{}}}}, "resources": [{{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15", "name": "a", "properties": {{"disableKeyBasedMetadataWriteAccess": true, "disableLocalAuth": {disable_local_auth}}}}}]}}"#
    )
}

fn bicep_account(disable_local_auth: &str) -> String {
    format!(
        "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {{\n  name: 'a'\n  properties: {{\n    disableKeyBasedMetadataWriteAccess: true\n    disableLocalAuth: {disable_local_auth}\n  }}\n}}\n"
    )
}

/// 100,000 segments or levels of each construct that builds a deep tree.
const N: usize = 100_000;

/// Deep expressions, each as the value of an account's local-auth property, per dialect.
fn deep_cases() -> Vec<(String, String)> {
    let rep = |s: &str| s.repeat(N);
    let mut cases = Vec::new();
    let tf = |name: &str, expr: String| {
        (
            format!("tf-{name}/main.tf"),
            format!("locals {{\n  v = {{}}\n}}\nresource \"azurerm_cosmosdb_account\" \"a\" {{\n  local_authentication_disabled = {expr}\n  access_key_metadata_writes_enabled = false\n}}\n"),
        )
    };
    cases.push(tf("member", format!("local.v{}", rep(".a"))));
    cases.push(tf("index", format!("local.v{}", rep("[0]"))));
    cases.push(tf("brackets", format!("{}true{}", rep("["), rep("]"))));
    cases.push(tf("parens", format!("{}true{}", rep("("), rep(")"))));
    cases.push(tf("calls", format!("{}true{}", rep("tobool("), rep(")"))));
    cases.push(tf("not", format!("{}true", rep("!"))));
    cases.push(tf("and", vec!["true"; N].join(" && ")));
    cases.push(tf("conditional", format!("{}true", rep("true ? true : "))));
    let arm = |name: &str, expr: String| (format!("arm-{name}/azuredeploy.json"), arm_account(&expr));
    cases.push(arm("member", format!("\"[variables('v'){}]\"", rep(".a"))));
    cases.push(arm("index", format!("\"[variables('v'){}]\"", rep("[0]"))));
    cases.push(arm("calls", format!("\"[{}true(){}]\"", rep("not("), rep(")"))));
    cases.push(arm("json", format!("{}true{}", rep("["), rep("]"))));
    let bicep = |name: &str, expr: String| (format!("bicep-{name}/main.bicep"), bicep_account(&expr));
    cases.push(bicep("member", format!("v{}", rep(".a"))));
    cases.push(bicep("index", format!("v{}", rep("[0]"))));
    cases.push(bicep("brackets", format!("{}true{}", rep("["), rep("]"))));
    cases.push(bicep("parens", format!("{}true{}", rep("("), rep(")"))));
    cases.push(bicep("calls", format!("{}true{}", rep("bool("), rep(")"))));
    cases.push(bicep("not", format!("{}true", rep("!"))));
    cases.push(bicep("and", vec!["true"; N].join(" && ")));
    cases.push(bicep("conditional", format!("{}true", rep("true ? true : "))));
    cases
}

#[test]
fn deep_expressions_in_every_dialect_end_in_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "ok/main.tf", TF_ACCOUNT);
    write(tmp.path(), "ok/azuredeploy.json", arm_account("false"));
    write(tmp.path(), "ok/main.bicep", bicep_account("false"));
    let cases = deep_cases();
    for (path, text) in &cases {
        write(tmp.path(), path, text);
    }
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    // The other files of the run are still linted.
    for f in ["ok/main.tf", "ok/azuredeploy.json", "ok/main.bicep"] {
        assert!(has(&v, "CDB001", f), "{f}: {:?}", found(&v));
    }
    for (path, _) in &cases {
        // A deep value is never taken for `false`: either the file is refused with a
        // syntax error at a position, or the value is unknown.
        assert!(!has(&v, "CDB001", path), "{path}: {:?}", found(&v));
    }
    // Where the parser refuses the input, it says so (Terraform and ARM refuse every case).
    for (path, _) in cases.iter().filter(|(p, _)| !p.starts_with("bicep")) {
        assert!(has(&v, "syntax-error", path), "{path}: {:?}", found(&v));
    }
    // Each case alone, so that one case's abort cannot hide behind another's report.
    for (path, _) in &cases {
        let out = cosmolint(tmp.path(), &["check", path, "--format", "json"]);
        report(&out);
    }
}

#[test]
fn reference_chains_of_deep_values_do_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    // Each named value is a deep array around the previous one (60 levels: hcl-edit refuses
    // 64): evaluation depth adds up over the hops, and the values grow deeper than any
    // expression.
    let wrap = |inner: String| format!("{}{inner}{}", "[".repeat(60), "]".repeat(60));
    let mut tf = String::from("locals {\n  l0 = false\n");
    let mut bicep = String::from("var l0 = false\n");
    let mut arm_vars = vec!["\"l0\": false".to_string()];
    for i in 1..300 {
        tf.push_str(&format!("  l{i} = {}\n", wrap(format!("local.l{}", i - 1))));
        bicep.push_str(&format!("var l{i} = {}\n", wrap(format!("l{}", i - 1))));
        arm_vars.push(format!("\"l{i}\": \"[createArray(variables('l{}'))]\"", i - 1));
    }
    tf.push_str("}\n");
    // Every link is used, in order, so each is evaluated once on top of the cached one below.
    let uses: Vec<String> = (0..300).map(|i| format!("t{i} = local.l{i}")).collect();
    tf.push_str(&format!(
        "resource \"azurerm_cosmosdb_account\" \"a\" {{\n  tags = {{\n    {}\n  }}\n  local_authentication_disabled = false\n  access_key_metadata_writes_enabled = false\n}}\n",
        uses.join("\n    ")
    ));
    let uses: Vec<String> = (0..300).map(|i| format!("t{i}: l{i}")).collect();
    bicep.push_str(&bicep_account("false").replacen(
        "  name: 'a'\n",
        &format!("  name: 'a'\n  tags: {{\n    {}\n  }}\n", uses.join("\n    ")),
        1,
    ));
    let uses: Vec<String> = (0..300).map(|i| format!("\"t{i}\": \"[variables('l{i}')]\"")).collect();
    let arm = arm_account("false")
        .replace(
            "\"variables\": {\"v\": {}}",
            &format!("\"variables\": {{{}}}", arm_vars.join(", ")),
        )
        .replace(
            "\"name\": \"a\",",
            &format!("\"name\": \"a\", \"tags\": {{{}}},", uses.join(", ")),
        );
    write(tmp.path(), "tf/main.tf", tf);
    write(tmp.path(), "bicep/main.bicep", bicep);
    write(tmp.path(), "arm/azuredeploy.json", arm);
    let v = report(&cosmolint(tmp.path(), &["check", ".", "--format", "json"]));
    for f in ["tf/main.tf", "bicep/main.bicep", "arm/azuredeploy.json"] {
        assert!(has(&v, "CDB001", f), "{f}: {:?}", found(&v));
    }
}
