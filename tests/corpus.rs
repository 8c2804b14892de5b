//! Smoke test over real-world files: every Terraform file and directory of
//! `../shared/corpus/files` lints without a panic or an internal error. Ignored, with the
//! reason, when the corpus is not next to the repository (and failing then if `CI` is set;
//! see build.rs).

mod common;
use common::corpus;

use std::path::Path;

fn lint(path: &Path) -> cosmolint::Report {
    common::lint(path, None)
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the real-world corpus at ../shared/corpus/files (CI has it)"
)]
fn terraform_corpus_lints_without_internal_errors() {
    let root = corpus();
    let mut files = 0;
    let mut dirs = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let p = entry.path();
        if !p.extension().is_some_and(|e| e == "tf" || e == "tfvars") {
            continue;
        }
        files += 1;
        dirs.insert(p.parent().unwrap().to_path_buf());
        let report = lint(p);
        for d in &report.diagnostics {
            assert_ne!(d.code, "internal-error", "{}: {}", p.display(), d.message);
            assert_ne!(
                d.code,
                "syntax-error",
                "{}: valid HCL reported as broken: {}",
                p.display(),
                d.message
            );
        }
    }
    for dir in &dirs {
        let report = lint(dir);
        assert!(
            report.diagnostics.iter().all(|d| d.code != "internal-error"),
            "{}",
            dir.display()
        );
    }
    // The whole corpus at once: roots, modules and all.
    let report = lint(&root);
    assert!(report.diagnostics.iter().all(|d| d.code != "internal-error"));
    eprintln!(
        "{files} Terraform files in {} directories; whole corpus: {} findings, {} unresolved",
        dirs.len(),
        report.summary.findings,
        report.summary.unresolved
    );
    assert!(files > 50, "the corpus should have Terraform files");
}
