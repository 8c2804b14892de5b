//! Smoke test over the real-world corpus (`../shared/corpus/files`, not in this
//! repository): every `.bicep` and `.bicepparam` file lints without a panic or internal
//! error, on its own and together with its directory (module and parameter-file context),
//! and the files reported with syntax errors are exactly the known list below. Ignored,
//! with the reason, when the corpus is absent (and failing then if `CI` is set; see
//! build.rs).

mod common;
use common::corpus;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files with a `syntax-error`, and why that is right. Valid Bicep must never be here.
const KNOWN_SYNTAX_ERRORS: &[(&str, &str)] = &[];

fn lint(path: &Path, base: &Path) -> cosmolint::Report {
    common::lint(path, Some(base))
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the real-world corpus at ../shared/corpus/files (CI has it)"
)]
fn bicep_corpus_lints_without_panics_or_false_syntax_errors() {
    let root = corpus();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| {
            let name = p.to_string_lossy().to_ascii_lowercase();
            name.ends_with(".bicep") || name.ends_with(".bicepparam")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no Bicep files in the corpus");
    let dirs: BTreeSet<PathBuf> = files.iter().filter_map(|f| f.parent().map(Path::to_path_buf)).collect();

    let mut syntax_errors: BTreeSet<String> = BTreeSet::new();
    let mut internal = Vec::new();
    let mut findings = 0;
    let targets = files.iter().map(|f| (f, true)).chain(dirs.iter().map(|d| (d, false)));
    for (target, is_file) in targets {
        let report = lint(target, &root);
        for d in &report.diagnostics {
            let file = report
                .files
                .get(d.span.file)
                .map(|f| f.display.clone())
                .unwrap_or_default();
            match d.code {
                "syntax-error" => {
                    syntax_errors.insert(file);
                }
                "internal-error" | "io-error" | "encoding-error" => {
                    internal.push(format!("{}: {}: {}", target.display(), d.code, d.message))
                }
                _ if d.is_rule() && is_file => findings += 1,
                _ => {}
            }
        }
    }
    println!(
        "{} Bicep files, {} directories: {} files with syntax errors, {} findings (per-file runs)",
        files.len(),
        dirs.len(),
        syntax_errors.len(),
        findings
    );
    for f in &syntax_errors {
        println!("  syntax error in {f}");
    }
    assert!(internal.is_empty(), "tool errors:\n{}", internal.join("\n"));
    let known: BTreeSet<String> = KNOWN_SYNTAX_ERRORS.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        syntax_errors, known,
        "files with syntax errors differ from the known list"
    );
}
