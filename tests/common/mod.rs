//! Helpers shared by the corpus smoke tests.

use std::path::{Path, PathBuf};

/// The real-world corpus beside the repository (`../shared/corpus/files`), if present.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/files");
    dir.is_dir().then_some(dir)
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
