//! Repository hygiene, checked like any other test (after rust-analyzer's `tidy.rs`):
//! rule metadata is consistent and complete, every rule has fixtures, the README's rule
//! table matches the code, and `src/` has no leftover debugging or panicking shortcuts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use cosmolint::rules;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn rule_metadata_is_consistent() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for r in rules::ALL {
        assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
        assert!(names.insert(r.name), "duplicate rule name {}", r.name);
        assert!(
            r.id.len() == 6 && r.id.starts_with("CDB") && r.id[3..].chars().all(|c| c.is_ascii_digit()),
            "{}: ids are CDB + three digits",
            r.id
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !r.name.starts_with('-'),
            "{}: name `{}` must be kebab-case",
            r.id,
            r.name
        );
        assert!(!r.summary.ends_with('.'), "{}: summary has no final period", r.id);
        for sub in ["pass", "fail"] {
            let dir = root().join("testdata").join(r.id).join(sub);
            let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            assert!(n > 0, "{}: add fixtures under {}", r.id, dir.display());
        }
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    for r in rules::ALL {
        let row = format!("| [{}](rules/{}.md) | `{}` | {} |", r.id, r.id, r.name, r.summary);
        assert!(
            readme.contains(&row),
            "README.md: the rule table needs this row (generated from src/rules):\n{row}"
        );
    }
}

#[test]
fn no_debugging_leftovers_in_src() {
    let mut problems = Vec::new();
    for path in rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = path.strip_prefix(root()).unwrap().display().to_string();
        for (i, line) in text.lines().enumerate() {
            for bad in [
                "dbg!(",
                "todo!(",
                "unimplemented!(",
                "#[ignore",
                "#[should_panic",
                ".unwrap()",
            ] {
                if line.contains(bad) && !in_tests(&text, i) {
                    problems.push(format!("{rel}:{}: `{bad}` — return an error or Unknown instead", i + 1));
                }
            }
            if line.ends_with(' ') || line.ends_with('\t') {
                problems.push(format!("{rel}:{}: trailing whitespace", i + 1));
            }
        }
        if !text.starts_with("//!") {
            problems.push(format!(
                "{rel}:1: add a module doc comment (`//!`) saying what this file is for"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether line `i` is inside the file's `#[cfg(test)]` module (which comes last).
fn in_tests(text: &str, i: usize) -> bool {
    text.lines().take(i).any(|l| l.trim() == "#[cfg(test)]")
}

/// The one accepted way to skip a test: data outside the repository that build.rs looks for
/// (it sets these cfgs when the data is there, or when `CI` is set so that CI fails without
/// it), as `#[cfg_attr(not(has_corpus), ignore = "reason")]`.
const DATA_CFGS: &[&str] = &["has_corpus", "has_sarif_schema"];

/// Whether an attribute (the text from `#[` to its end, whitespace removed) skips a test
/// only when shared data is absent, with a reason.
fn is_data_ignore(attr: &str) -> bool {
    DATA_CFGS.iter().any(|cfg| {
        attr.strip_prefix(&format!("#[cfg_attr(not({cfg}),ignore=\""))
            .and_then(|rest| rest.strip_suffix("\")]"))
            .is_some_and(|reason| !reason.trim().is_empty() && !reason.contains('"'))
    })
}

#[test]
fn tests_neither_ignore_nor_expect_panics() {
    let mut problems = Vec::new();
    for path in rust_files(&root().join("tests")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("#[") {
                continue;
            }
            // The whole attribute, which rustfmt may spread over several lines.
            let mut attr = String::new();
            for l in &lines[i..] {
                attr.extend(l.chars().filter(|c| !c.is_whitespace()));
                if l.trim_end().ends_with(']') {
                    break;
                }
            }
            if attr.starts_with("#[should_panic") {
                problems.push(format!("{}:{}: assert the behaviour instead", path.display(), i + 1));
            } else if attr.contains("ignore") && !is_data_ignore(&attr) {
                problems.push(format!(
                    "{}:{}: assert the behaviour instead (only `#[cfg_attr(not(has_corpus), ignore = \"reason\")]` \
                     for data outside the repository is allowed)",
                    path.display(),
                    i + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_only_allowed_ignore_is_for_missing_shared_data() {
    assert!(is_data_ignore(
        "#[cfg_attr(not(has_corpus),ignore=\"needs the corpus\")]"
    ));
    assert!(is_data_ignore(
        "#[cfg_attr(not(has_sarif_schema),ignore=\"needs the schema\")]"
    ));
    assert!(!is_data_ignore("#[ignore]"));
    assert!(!is_data_ignore("#[ignore=\"slow\"]"));
    assert!(!is_data_ignore("#[cfg_attr(not(has_corpus),ignore)]"));
    assert!(!is_data_ignore("#[cfg_attr(not(has_corpus),ignore=\"\")]"));
    assert!(!is_data_ignore("#[cfg_attr(unix,ignore=\"flaky\")]"));
    // build.rs declares each of these cfgs.
    let build = std::fs::read_to_string(root().join("build.rs")).unwrap();
    for cfg in DATA_CFGS {
        assert!(build.contains(&format!("\"{cfg}\"")), "build.rs does not set `{cfg}`");
    }
}

#[test]
fn user_docs_and_benchmarks_need_nothing_outside_the_repository() {
    // A reader of the repository has no `../shared`: what README.md tells them to run and
    // what bench/ runs must be in the repository.
    let mut problems = Vec::new();
    let mut paths = vec![root().join("README.md")];
    paths.extend(
        std::fs::read_dir(root().join("bench"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "sh" || x == "py")),
    );
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("../shared") || line.contains("shared/tools") {
                problems.push(format!(
                    "{}:{}: refers to ../shared, which a clone does not have",
                    path.display(),
                    i + 1
                ));
            }
        }
    }
    assert!(
        root().join("bench/gen_corpus.py").is_file(),
        "bench/run.sh needs bench/gen_corpus.py"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
