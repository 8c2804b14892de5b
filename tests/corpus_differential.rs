//! Bicep and its compiled ARM give the same findings (the invariant of ARCHITECTURE.md,
//! "What cosmolint assumes about inputs"). Every `.bicep` of the real-world corpus that has
//! the template Bicep compiled from it beside it (`<name>.json` whose
//! `metadata._generator.name` is `bicep`) is linted as a deployment root, and so is the
//! JSON; their findings must agree rule by rule, except for the pairs listed below with
//! the reason.
//! Ignored, with the reason, when the corpus is absent.

mod common;
use common::corpus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Pairs whose findings differ, and why that is right. A pair that starts to agree (or a
/// new pair that disagrees) fails the test: update the list with the reason.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "Azure__bicep-registry-modules/avm/ptn/sa/build-your-own-copilot/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
    (
        "Azure__bicep-registry-modules/avm/ptn/sa/content-generation/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
    (
        "Azure__bicep-registry-modules/avm/ptn/sa/conversation-knowledge-mining/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
    (
        "Azure__bicep-registry-modules/avm/ptn/sa/customer-chatbot/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
    (
        "Azure__bicep-registry-modules/avm/ptn/sa/multi-agent-custom-automation-engine/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
    (
        "microsoft__Build-your-own-copilot-Solution-Accelerator/infra/main.bicep",
        "calls br/public:avm/res/document-db/database-account, which only the JSON contains",
    ),
];

/// Findings per rule of `file` linted as the root of a deployment, as `az deployment`
/// would deploy it: the file is copied, with the local modules it calls (transitively) and
/// an ARM template's `<name>.parameters.json`, into a directory of its own, so that no
/// other file of the repository (a test that calls it as a module) changes what it means.
fn per_rule(file: &Path, root: &Path) -> BTreeMap<&'static str, usize> {
    let tmp = tempfile::tempdir().unwrap();
    // The copy is a repository of its own: modules in `../` are inside it.
    std::fs::create_dir(tmp.path().join(".git")).unwrap();
    let root = &cosmolint::source::normalize(root);
    let file = &cosmolint::source::normalize(file);
    let mut todo = vec![file.to_path_buf()];
    if let Some(params) = file.to_str().and_then(|f| f.strip_suffix(".json")) {
        todo.push(PathBuf::from(format!("{params}.parameters.json")));
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(p) = todo.pop() {
        let p = cosmolint::source::normalize(&p);
        if !p.is_file() || !seen.insert(p.clone()) {
            continue;
        }
        let target = tmp.path().join(p.strip_prefix(root).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&p, &target).unwrap();
        if p.extension().is_some_and(|e| e == "bicep") {
            let text = std::fs::read(&p)
                .ok()
                .and_then(|b| cosmolint::source::decode(b).ok())
                .unwrap_or_default();
            let parsed = cosmolint::parse::bicep::parse(cosmolint::source::FileId(0), &text);
            let dir = p.parent().unwrap();
            todo.extend(
                parsed
                    .modules
                    .iter()
                    .filter_map(|m| m.path.as_deref())
                    .filter(|m| cosmolint::eval::bicep::is_local_module(m))
                    .map(|m| dir.join(m)),
            );
        }
    }
    let copy = tmp.path().join(file.strip_prefix(root).unwrap());
    let report = common::lint(&copy, Some(tmp.path()));
    let mut out = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| d.is_rule()) {
        *out.entry(d.code).or_default() += 1;
    }
    out
}

fn compiled_from_bicep(json: &Path) -> bool {
    let Ok(bytes) = std::fs::read(json) else { return false };
    let Ok(text) = cosmolint::source::decode(bytes) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.pointer("/metadata/_generator/name")
                .and_then(|n| n.as_str())
                .map(|n| n == "bicep")
        })
        .unwrap_or(false)
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the real-world corpus at ../shared/corpus/files (CI has it)"
)]
fn bicep_and_its_compiled_arm_agree_rule_by_rule() {
    let root = corpus();
    let pairs: Vec<(PathBuf, PathBuf)> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "bicep"))
        .map(|b| {
            let j = b.with_extension("json");
            (b, j)
        })
        .filter(|(_, j)| compiled_from_bicep(j))
        .collect();
    assert!(
        pairs.len() >= 20,
        "expected the corpus's compiled pairs, found {}",
        pairs.len()
    );
    let mut differ = Vec::new();
    let mut report = Vec::new();
    for (bicep, json) in &pairs {
        let (b, j) = (per_rule(bicep, &root), per_rule(json, &root));
        let rel = bicep.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        report.push(format!("{rel}: bicep {b:?}, json {j:?}"));
        if b != j {
            differ.push(rel);
        }
    }
    println!("{}", report.join("\n"));
    let expected: Vec<&str> = EXCEPTIONS.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        differ,
        expected,
        "pairs whose Bicep and compiled ARM findings differ (update EXCEPTIONS with the reason):\n{}",
        report.join("\n")
    );
    // Each listed exception is real: the Bicep calls the registry module it names.
    for (path, reason) in EXCEPTIONS {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let module = reason.split_whitespace().nth(1).unwrap().trim_end_matches(',');
        assert!(text.contains(module), "{path} does not call {module}");
    }
}
