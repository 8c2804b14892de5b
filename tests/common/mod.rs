//! Helpers shared by the corpus smoke tests.

use std::path::{Path, PathBuf};

/// The real-world corpus beside the repository (`../shared/corpus/files`). Tests that call
/// this are ignored unless build.rs found the corpus or `CI` is set; with `CI` set and no
/// corpus, they fail here.
pub fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    assert!(
        dir.is_dir(),
        "the corpus is missing at {} (CI is set, and CI always has it; after adding it \
         elsewhere, `touch build.rs`)",
        dir.display()
    );
    dir
}

/// Lints one path with paths shown relative to `base` (the working directory when `None`).
pub fn lint(path: &Path, base: Option<&Path>) -> cosmolint::Report {
    cosmolint::lint(&cosmolint::Options {
        paths: vec![path.to_path_buf()],
        base: base.map(Path::to_path_buf),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
