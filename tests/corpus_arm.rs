//! Smoke test over the real-world corpus (`../shared/corpus/files`, outside the repository):
//! every `.json` file lints without a panic or an internal error, on its own and with its
//! directory as context (parameter files, nested modules). Prints how many files were
//! templates, parameter files and ignored JSON, how many had syntax errors, and the
//! findings per template, so a run shows what real templates produce. Skipped, with a
//! message, when the corpus is absent.

mod common;
use common::corpus;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cosmolint::parse::arm::{self, JsonKind};
use cosmolint::source::FileId;

fn lint(path: &Path, base: &Path) -> cosmolint::Report {
    common::lint(path, Some(base))
}

fn internal_errors(r: &cosmolint::Report) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.code == "internal-error")
        .map(|d| d.message.clone())
        .collect()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the real-world corpus at ../shared/corpus/files (CI has it)"
)]
fn every_corpus_json_file_lints_without_internal_errors() {
    let root = corpus();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("jsonc"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .json files under {}", root.display());

    let (mut templates, mut parameter_files, mut ignored, mut syntax_errors) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut dirs = BTreeSet::new();
    for path in &files {
        let text = std::fs::read(path)
            .ok()
            .and_then(|b| cosmolint::source::decode(b).ok())
            .unwrap_or_default();
        match arm::parse(FileId(0), &text) {
            Some(f) if f.kind == JsonKind::Template => templates += 1,
            Some(_) => parameter_files += 1,
            None => ignored += 1,
        }
        let report = lint(path, &root);
        if report.diagnostics.iter().any(|d| d.code == "syntax-error") {
            syntax_errors += 1;
        }
        let rel = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let findings: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.is_rule())
            .map(|d| {
                let f = report.files.get(d.span.file).unwrap();
                format!("{}:{} {}", f.display, f.line_col(d.span.start).line, d.code)
            })
            .collect();
        if !findings.is_empty() {
            println!("{rel}: {} finding(s): {}", findings.len(), findings.join(", "));
        }
        for e in internal_errors(&report) {
            failures.push(format!("{rel}: {e}"));
        }
        if let Some(dir) = path.parent() {
            dirs.insert(dir.to_path_buf());
        }
    }
    for dir in &dirs {
        let report = lint(dir, &root);
        for e in internal_errors(&report) {
            failures.push(format!("{}/: {e}", dir.display()));
        }
    }
    println!(
        "{} .json files: {templates} templates, {parameter_files} parameter files, {ignored} other JSON ignored, \
         {syntax_errors} with syntax errors; {} directories linted",
        files.len(),
        dirs.len()
    );
    assert!(failures.is_empty(), "internal errors:\n{}", failures.join("\n"));
    assert!(templates > 0, "the corpus has ARM templates; none were recognised");
}
