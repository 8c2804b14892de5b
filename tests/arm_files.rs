//! ARM JSON discovery end to end: which `.json` files are linted, syntax errors, and
//! `--parameters`.

use std::path::Path;

const TEMPLATE: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const PARAMETERS: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

fn account_template(disable_local_auth: &str) -> String {
    format!(
        r#"{{
  "$schema": "{TEMPLATE}",
  "parameters": {{ "disableLocalAuth": {{ "type": "bool", "defaultValue": {disable_local_auth} }} }},
  "resources": [
    {{
      "type": "Microsoft.DocumentDB/databaseAccounts",
      "name": "orders-db",
      "properties": {{
        "disableLocalAuth": "[parameters('disableLocalAuth')]",
        "disableKeyBasedMetadataWriteAccess": true, "publicNetworkAccess": "Disabled"
      }}
    }}
  ]
}}
"#
    )
}

fn lint(root: &Path, parameters: Vec<std::path::PathBuf>) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![root.to_path_buf()],
        base: Some(root.to_path_buf()),
        parameters,
        ..Default::default()
    })
    .unwrap()
}

fn codes(r: &cosmolint::Report) -> Vec<(String, u32, &'static str)> {
    r.diagnostics
        .iter()
        .map(|d| {
            let f = r.files.get(d.span.file).unwrap();
            (f.display.clone(), f.line_col(d.span.start).line, d.code)
        })
        .collect()
}

#[test]
fn broken_template_is_one_syntax_error_and_other_json_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    std::fs::write(root.join("main.json"), account_template("false")).unwrap();
    std::fs::write(
        root.join("broken.json"),
        format!("{{\n  \"$schema\": \"{TEMPLATE}\",\n  \"resources\": [\n    {{ \"type\": 'x' }}\n  ]\n}}\n"),
    )
    .unwrap();
    std::fs::write(root.join("package.json"), "{ \"name\": \"x\", oops }").unwrap();
    std::fs::write(root.join("settings.json"), "{ \"disableLocalAuth\": false }").unwrap();
    let r = lint(&root, Vec::new());
    assert_eq!(
        codes(&r),
        [
            ("broken.json".to_string(), 4, "syntax-error"),
            ("main.json".to_string(), 9, "CDB001"),
        ]
    );
    // The two templates; package.json and settings.json are not counted.
    assert_eq!(r.summary.files, 2);
    assert_eq!(r.summary.parse_errors, 1);
}

#[test]
fn parameters_flag_applies_to_every_template_after_the_sibling_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::create_dir_all(root.join("b")).unwrap();
    std::fs::write(root.join("a/main.json"), account_template("true")).unwrap();
    std::fs::write(root.join("b/azuredeploy.json"), account_template("true")).unwrap();
    let sibling =
        format!("{{\"$schema\": \"{PARAMETERS}\", \"parameters\": {{\"disableLocalAuth\": {{\"value\": true}}}}}}");
    std::fs::write(root.join("a/main.parameters.json"), sibling).unwrap();
    assert!(lint(&root, Vec::new()).diagnostics.is_empty());

    // No `$schema` needed in a file named with --parameters; it wins over the sibling.
    let insecure = root.join("insecure.params");
    std::fs::write(
        &insecure,
        "{ \"parameters\": { \"disableLocalAuth\": { \"value\": false } } }",
    )
    .unwrap();
    let r = lint(&root, vec![insecure.clone()]);
    let found = codes(&r);
    assert_eq!(
        found,
        [
            ("a/main.json".to_string(), 9, "CDB001"),
            ("b/azuredeploy.json".to_string(), 9, "CDB001"),
        ]
    );
    assert!(r.diagnostics[0]
        .labels
        .iter()
        .any(|l| l.message == "set in insecure.params"));

    // A --parameters file that is not JSON is a usage error, not a finding.
    std::fs::write(&insecure, "parameters = 1").unwrap();
    let err = cosmolint::lint(&cosmolint::Options {
        paths: vec![root.clone()],
        base: Some(root.clone()),
        parameters: vec![insecure],
        ..Default::default()
    });
    assert!(matches!(err, Err(cosmolint::Error::ParametersFile { .. })));
}
