//! What the real-world corpus produces, as a reviewed snapshot: each repository of
//! `../shared/corpus/files` is linted as a directory, and the findings per file and rule,
//! the unresolved values and the resources not deployed are written down. A change of
//! semantics shows up here as a diff to review (`cargo insta review`), never silently.
//! Ignored, with the reason, when the corpus is absent.

mod common;
use common::corpus;

use std::collections::BTreeMap;
use std::fmt::Write;

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the real-world corpus at ../shared/corpus/files (CI has it)"
)]
fn corpus_finding_counts() {
    let root = corpus();
    // Canonical, so every path is shown relative to it (no path of this machine).
    let root = root.canonicalize().unwrap();
    let mut repos: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    let mut out = String::new();
    let (mut findings, mut unresolved, mut skipped) = (0, 0, 0);
    for repo in &repos {
        let r = common::lint(repo, Some(&root));
        let name = repo.file_name().unwrap().to_string_lossy();
        let s = &r.summary;
        writeln!(
            out,
            "{name}: {} findings, {} unresolved, {} not deployed",
            s.findings, s.unresolved, s.skipped
        )
        .unwrap();
        (findings, unresolved, skipped) = (findings + s.findings, unresolved + s.unresolved, skipped + s.skipped);
        let mut per_file: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
        for d in r.diagnostics.iter().filter(|d| d.is_rule()) {
            let f = r.files.get(d.span.file).unwrap();
            *per_file
                .entry(f.display.clone())
                .or_default()
                .entry(d.code)
                .or_default() += 1;
        }
        for (file, codes) in per_file {
            let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
            writeln!(out, "  {file}: {}", codes.join(" ")).unwrap();
        }
    }
    writeln!(
        out,
        "total: {findings} findings, {unresolved} unresolved, {skipped} not deployed"
    )
    .unwrap();
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("corpus_finding_counts", out);
    });
}
