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
