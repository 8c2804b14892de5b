//! Hostile Bicep through the whole pipeline (parse, lower, evaluate, model, rules,
//! report): 100,000-segment member and index chains, 100,000-deep nesting and operator
//! chains end with diagnostics, never a stack overflow, and the statements around them
//! are still linted. (Time is measured in `benches/bicep_parse.rs`, not here.)

use std::path::Path;

/// An insecure account after the hostile statement: its finding must survive.
const ACCOUNT: &str = "\nresource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  properties: {\n    databaseAccountOfferType: 'Standard'\n    disableLocalAuth: false\n    disableKeyBasedMetadataWriteAccess: true\n  }\n}\n";

const N: usize = 100_000;

fn lint(dir: &Path) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![dir.to_path_buf()],
        base: Some(dir.to_path_buf()),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn long_chains_and_deep_nesting_do_not_overflow() {
    let cases: Vec<(&str, String)> = vec![
        ("member_chain", format!("var x = a{}\n", ".b".repeat(N))),
        ("index_chain", format!("var x = a{}\n", "[0]".repeat(N))),
        ("safe_member_chain", format!("var x = a{}\n", ".?b!".repeat(N))),
        ("call_chain", format!("var x = f{}\n", "()".repeat(N))),
        ("nested_arrays", format!("var x = {}{}\n", "[".repeat(N), "]".repeat(N))),
        (
            "nested_parens",
            format!("var x = {}1{}\n", "(".repeat(N), ")".repeat(N)),
        ),
        (
            "nested_objects",
            format!("var x = {}{}\n", "{a: ".repeat(N), "}".repeat(N)),
        ),
        (
            "nested_interpolation",
            format!("var x = {}{}\n", "'${".repeat(N), "}'".repeat(N)),
        ),
        ("nots", format!("var x = {}true\n", "!".repeat(N))),
        ("sums", format!("var x = {}\n", vec!["1"; N].join(" + "))),
        ("ternaries", format!("var x = {}0\n", "c ? 1 : ".repeat(N))),
        (
            "nested_object_type",
            format!("type t = {}string{}\n", "{a: ".repeat(N), "}".repeat(N)),
        ),
        ("union_type", format!("type t = {}\n", vec!["'a'"; N].join(" | "))),
        (
            "resource_member_chain",
            format!("var x = account{}.id\n", "::c".repeat(N)),
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in &cases {
        std::fs::write(tmp.path().join(format!("{name}.bicep")), format!("{text}{ACCOUNT}")).unwrap();
    }
    let r = lint(tmp.path());
    let files = |code: &str| -> Vec<String> {
        let mut v: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| r.files.get(d.span.file).unwrap().display.clone())
            .collect();
        v.dedup();
        v
    };
    let unexpected: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| !d.is_rule() && d.code != "syntax-error")
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    // Every file still reports its account, at the `false` written for it.
    let mut expected: Vec<String> = cases.iter().map(|(n, _)| format!("{n}.bicep")).collect();
    expected.sort();
    assert_eq!(files("CDB001"), expected);
    for d in r.diagnostics.iter().filter(|d| d.code == "CDB001") {
        let f = r.files.get(d.span.file).unwrap();
        assert_eq!(
            &f.text[d.span.start as usize..d.span.end as usize],
            "false",
            "{}",
            f.display
        );
    }
    // Nesting deeper than the parser's limit is reported for its statement only.
    let too_deep: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("nest deeper"))
        .map(|d| r.files.get(d.span.file).unwrap().display.clone())
        .collect();
    for nested in ["nested_arrays", "nested_parens", "nested_objects", "nested_object_type"] {
        assert!(too_deep.contains(&format!("{nested}.bicep")), "{nested}: {too_deep:?}");
    }
}
