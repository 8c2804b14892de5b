//! `.bicepparam` files apply to the template their `using` names: found anywhere in the
//! repository of a template named on the command line (as linting the whole repository
//! finds them), or given with `--parameters`.

use std::path::Path;

fn setup(dir: &Path) {
    std::fs::write(
        dir.join("main.bicep"),
        "param disableLocalAuth bool = false\n\
         resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n\
         \x20 name: 'a'\n\
         \x20 properties: {\n\
         \x20   disableLocalAuth: disableLocalAuth\n\
         \x20   disableKeyBasedMetadataWriteAccess: true\n    publicNetworkAccess: 'Disabled'\n\
         \x20 }\n\
         }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("env")).unwrap();
    std::fs::write(
        dir.join("env/dev.bicepparam"),
        "using '../main.bicep'\nparam disableLocalAuth = false\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.bicepparam"),
        "using './main.bicep'\nparam disableLocalAuth = true\n",
    )
    .unwrap();
}

/// `(file, line, labels)` of each CDB001 finding.
fn cdb001_lines(opts: cosmolint::Options) -> Vec<(String, u32, Vec<String>)> {
    let report = cosmolint::lint(&opts).unwrap();
    assert!(report.diagnostics.iter().all(|d| d.is_rule()), "tool diagnostics");
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == "CDB001")
        .map(|d| {
            let f = report.files.get(d.span.file).unwrap();
            let labels = d.labels.iter().map(|l| l.message.clone()).collect();
            (f.display.clone(), f.line_col(d.span.start).line, labels)
        })
        .collect()
}

#[test]
fn every_parameter_file_using_an_explicit_template_applies() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    setup(&root);
    // The template is linted once per parameter file that uses it, as `check .` does:
    // main.bicepparam secures it, env/dev.bicepparam does not.
    let found = cdb001_lines(cosmolint::Options {
        paths: vec![root.join("main.bicep")],
        base: Some(root.clone()),
        ..Default::default()
    });
    let dev = (
        "main.bicep".to_string(),
        5,
        vec!["set in env/dev.bicepparam".to_string()],
    );
    assert_eq!(found, std::slice::from_ref(&dev));
    let whole = cdb001_lines(cosmolint::Options {
        paths: vec![root.clone()],
        base: Some(root.clone()),
        ..Default::default()
    });
    assert_eq!(whole, [dev]);
    // Naming the secure parameter file: nothing touches it.
    let found = cdb001_lines(cosmolint::Options {
        paths: vec![root.join("main.bicepparam")],
        base: Some(root.clone()),
        ..Default::default()
    });
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn parameters_option_replaces_the_files_beside_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    setup(&root);
    let found = cdb001_lines(cosmolint::Options {
        paths: vec![root.join("main.bicep")],
        parameters: vec![root.join("env/dev.bicepparam")],
        base: Some(root.clone()),
        ..Default::default()
    });
    assert_eq!(
        found,
        [(
            "main.bicep".to_string(),
            5,
            vec!["set in env/dev.bicepparam".to_string()]
        )]
    );
}

#[test]
fn walking_a_directory_lints_the_template_once_per_parameter_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    setup(&root);
    // dev.bicepparam (insecure) and main.bicepparam (secure) are both found by the walk:
    // the finding is dev's, and none comes from the template's default.
    let found = cdb001_lines(cosmolint::Options {
        paths: vec![root.clone()],
        base: Some(root.clone()),
        ..Default::default()
    });
    assert_eq!(
        found,
        [(
            "main.bicep".to_string(),
            5,
            vec!["set in env/dev.bicepparam".to_string()]
        )]
    );
}
