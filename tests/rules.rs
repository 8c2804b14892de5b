//! Rule fixtures: `testdata/<ID>/{pass,fail}/<case>` — a single file, or a directory for
//! cases that need several files (modules, tfvars, parameter files).
//!
//! Each case is copied into a fresh temporary directory and linted there on its own (a
//! Terraform module is a whole directory, so fixtures must not see each other). In `fail`
//! cases every line that must produce a finding of the rule ends with a marker
//! `# expect: CDB001` (`// expect: CDB001` in Bicep and ARM); the findings of that rule
//! must be exactly the marked lines. `pass` cases must produce no finding of the rule.
//! The human report of every `fail` case is snapshotted with insta.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cosmolint::report::human;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn copy_case(src: &Path, dst: &Path) {
    if src.is_dir() {
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            let target = dst.join(entry.file_name());
            if entry.path().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                copy_case(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    } else {
        std::fs::copy(src, dst.join(src.file_name().unwrap())).unwrap();
    }
}

/// `(file, line)` of every `expect: <rule>` marker.
fn markers(dir: &Path, rule: &str) -> BTreeSet<(String, u32)> {
    let mut out = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("expect:") {
                let codes = &line[pos + "expect:".len()..];
                if codes.split([',', ' ']).any(|c| c.trim() == rule) {
                    out.insert((rel.clone(), i as u32 + 1));
                }
            }
        }
    }
    out
}

struct Case {
    rule: String,
    expect_fail: bool,
    path: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for rule_dir in std::fs::read_dir(testdata()).unwrap() {
        let rule_dir = rule_dir.unwrap().path();
        let rule = rule_dir.file_name().unwrap().to_string_lossy().to_string();
        if !rule.starts_with("CDB") {
            continue;
        }
        for (sub, expect_fail) in [("pass", false), ("fail", true)] {
            let Ok(entries) = std::fs::read_dir(rule_dir.join(sub)) else {
                continue;
            };
            for e in entries {
                out.push(Case {
                    rule: rule.clone(),
                    expect_fail,
                    path: e.unwrap().path(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[test]
fn rule_fixtures() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut snapshots = Vec::new();
    for case in cases() {
        count += 1;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        copy_case(&case.path, &root);
        let opts = cosmolint::Options {
            paths: vec![root.clone()],
            base: Some(root.clone()),
            // Every rule, also those off by default: each case is judged on its own rule.
            settings: cosmolint::config::resolve(
                None,
                &cosmolint::config::Overrides {
                    select: Some(vec!["ALL".into()]),
                    ..Default::default()
                },
            )
            .unwrap()
            .settings,
            ..Default::default()
        };
        let report = cosmolint::lint(&opts).unwrap();
        let found: BTreeSet<(String, u32)> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == case.rule)
            .map(|d| {
                let f = report.files.get(d.span.file).unwrap();
                (f.display.clone(), f.line_col(d.span.start).line)
            })
            .collect();
        let name = case
            .path
            .strip_prefix(testdata())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let tool_errors: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| !d.is_rule())
            .map(|d| d.message.as_str())
            .collect();
        if !tool_errors.is_empty() {
            failures.push(format!("{name}: tool diagnostics in a fixture: {tool_errors:?}"));
        }
        if case.expect_fail {
            let expected = markers(&root, &case.rule);
            if expected.is_empty() {
                failures.push(format!("{name}: fail case has no `expect: {}` marker", case.rule));
            }
            if found != expected {
                failures.push(format!("{name}: expected findings at {expected:?}, got {found:?}"));
            }
            // Snapshot only this rule's findings, as ruff and oxc do.
            let only_rule = cosmolint::Report {
                files: report.files.clone(),
                diagnostics: report
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == case.rule)
                    .cloned()
                    .collect(),
                unresolved: Vec::new(),
                skipped: Vec::new(),
                access: Vec::new(),
                suppressed: Vec::new(),
                baselined: Vec::new(),
                baseline: None,
                rules: report.rules.clone(),
                summary: cosmolint::Summary {
                    findings: found.len(),
                    unresolved: 0,
                    ..report.summary
                },
                timings: Default::default(),
                warnings: Vec::new(),
            };
            let text = human::render(
                &only_rule,
                human::Style {
                    color: false,
                    width: 100,
                },
                false,
            );
            snapshots.push((name.replace('/', "__"), text));
        } else if !found.is_empty() {
            failures.push(format!("{name}: pass case has findings at {found:?}"));
        }
    }
    assert!(count > 0, "no fixtures found under testdata/");
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (snap, text) in snapshots {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snap, text);
        });
    }
}
