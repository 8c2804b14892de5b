//! Every rule has a doc page with the required sections, and every example in it behaves
//! as it says: a ```` ```terraform fail ```` fence gives exactly one finding of the page's
//! rule, a `pass` fence none.

use std::path::Path;

use cosmolint::rules;

/// Formats whose fences are executed, with the file name each fence is linted as.
const FORMATS: &[(&str, &str)] = &[
    ("terraform", "main.tf"),
    ("json", "template.json"),
    ("bicep", "main.bicep"),
];

const SECTIONS: &[&str] = &[
    "## What it does",
    "## Why it matters",
    "## Example",
    "## How to fix",
    "## References",
];

struct Fence {
    info: String,
    body: String,
    line: usize,
}

fn fences(doc: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut lines = doc.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let mut body = String::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push(Fence {
            info: info.trim().to_string(),
            body,
            line: i + 1,
        });
    }
    out
}

#[test]
fn every_rule_has_a_complete_doc_page() {
    for rule in rules::ALL {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{}.md", rule.id));
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
        assert_eq!(on_disk, rule.doc, "{}: the embedded doc differs from the file", rule.id);
        let title = format!("# {} {}", rule.id, rule.name);
        assert_eq!(
            rule.doc.lines().next(),
            Some(title.as_str()),
            "{}: first line must be `{title}`",
            rule.id
        );
        let mut last = 0;
        for section in SECTIONS {
            let at = rule
                .doc
                .find(&format!("\n{section}\n"))
                .unwrap_or_else(|| panic!("{}: missing section `{section}`", rule.id));
            assert!(at > last, "{}: section `{section}` is out of order", rule.id);
            last = at;
        }
        let fences = fences(rule.doc);
        assert!(
            fences.iter().any(|f| f.info.ends_with(" fail")),
            "{}: no fail example",
            rule.id
        );
        assert!(
            fences.iter().any(|f| f.info.ends_with(" pass")),
            "{}: no pass example",
            rule.id
        );
    }
}

#[test]
fn doc_examples_behave_as_labelled() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in rules::ALL {
        for fence in fences(rule.doc) {
            let words: Vec<&str> = fence.info.split_whitespace().collect();
            let Some(expect) = words.last().filter(|w| **w == "pass" || **w == "fail") else {
                continue;
            };
            let Some((_, file_name)) = FORMATS.iter().find(|(lang, _)| *lang == words[0]) else {
                continue;
            };
            let tmp = tempfile::tempdir().unwrap();
            std::fs::write(tmp.path().join(file_name), &fence.body).unwrap();
            let report = cosmolint::lint(&cosmolint::Options {
                paths: vec![tmp.path().to_path_buf()],
                base: Some(tmp.path().to_path_buf()),
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
            })
            .unwrap();
            let tool: Vec<&str> = report
                .diagnostics
                .iter()
                .filter(|d| !d.is_rule())
                .map(|d| d.message.as_str())
                .collect();
            let n = report.diagnostics.iter().filter(|d| d.code == rule.id).count();
            let want = if *expect == "fail" { 1 } else { 0 };
            if n != want || !tool.is_empty() {
                failures.push(format!(
                    "rules/{}.md:{}: `{}` example gave {n} {} findings (want {want}); tool diagnostics: {tool:?}",
                    rule.id, fence.line, fence.info, rule.id
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= rules::ALL.len() * 2, "only {checked} examples were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rules_with_options_document_each_and_their_toml_examples_load() {
    // The options every rule has, from the one definition (serialized defaults).
    let options = toml::Table::try_from(cosmolint::rules::RuleOptions::default()).unwrap();
    for rule in rules::ALL {
        let section = rule
            .doc
            .split("\n## Configuration\n")
            .nth(1)
            .map(|s| s.split("\n## ").next().unwrap_or(s));
        let Some(keys) = options.get(rule.id).and_then(|t| t.as_table()) else {
            assert!(
                section.is_none(),
                "{}: a Configuration section, but the rule has no options",
                rule.id
            );
            continue;
        };
        let section = section.unwrap_or_else(|| panic!("{}: options but no `## Configuration` section", rule.id));
        let how = rule.doc.find("\n## How to fix\n").unwrap();
        let refs = rule.doc.find("\n## References\n").unwrap();
        let at = rule.doc.find("\n## Configuration\n").unwrap();
        assert!(
            how < at && at < refs,
            "{}: Configuration goes between How to fix and References",
            rule.id
        );
        for key in keys.keys() {
            assert!(
                section.contains(&format!("`{key}`")),
                "{}: option `{key}` is not documented",
                rule.id
            );
        }
        let examples: Vec<Fence> = fences(section).into_iter().filter(|f| f.info == "toml").collect();
        assert!(!examples.is_empty(), "{}: no ```toml example", rule.id);
        for f in examples {
            let file = cosmolint::config::parse("x.toml".into(), ".".into(), "x.toml".into(), f.body.clone())
                .unwrap_or_else(|e| panic!("rules/{}.md: the toml example does not load: {e}", rule.id));
            let resolved = cosmolint::config::resolve(Some(&file), &Default::default()).unwrap();
            assert_ne!(
                resolved.settings.rules.options,
                cosmolint::rules::RuleOptions::default(),
                "rules/{}.md: the example changes nothing",
                rule.id
            );
        }
    }
}
