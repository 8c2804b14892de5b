//! Files named on the command line, as pre-commit passes them.
//!
//! A named file is linted through the units that contain it, exactly as linting the whole
//! repository would lint them: its Terraform directory or the roots that call that directory
//! as a module, the ARM template a parameter file belongs to, the Bicep templates that call a
//! module file, the template a `.bicepparam` file uses. A unit reached only through named
//! files reports the diagnostics that *touch* one of them — whose primary span or any label
//! lies in a named file — so the change that made the code insecure (a variable default, a
//! module argument, a parameter file) is blamed where it was made. The promise, tested in
//! `tests/named_files.rs`: `check FILE` reports exactly the diagnostics of `check .` (from
//! the repository root) that touch `FILE`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, ToolCode};
use crate::source::{path_key, FileId, Files, Span};
use crate::walk::{self, Candidate, FileKind};

/// Which of a unit's diagnostics are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reported {
    /// A unit found by walking a directory: everything.
    All,
    /// A unit reached only through named files: what touches a named file.
    Touching,
}

impl Reported {
    pub fn of(c: &Candidate) -> Reported {
        if c.explicit {
            Reported::Touching
        } else {
            Reported::All
        }
    }

    /// `All` wins: a unit both walked and named reports everything.
    pub fn merge(self, other: Reported) -> Reported {
        if self == Reported::All || other == Reported::All {
            Reported::All
        } else {
            Reported::Touching
        }
    }
}

pub(crate) struct Named {
    /// Identity ([`path_key`]) of every named file of a kind cosmolint reads.
    keys: HashSet<PathBuf>,
    excludes: walk::Excludes,
}

impl Named {
    pub fn new(candidates: &[Candidate], excludes: &walk::Excludes) -> Named {
        Named {
            keys: candidates
                .iter()
                .filter(|c| c.explicit && c.kind.is_some())
                .map(|c| path_key(&c.path))
                .collect(),
            excludes: excludes.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn file_named(&self, files: &Files, id: FileId) -> bool {
        !self.keys.is_empty() && files.get(id).is_some_and(|f| self.keys.contains(&path_key(&f.path)))
    }

    /// Whether the diagnostic's primary span or any of its labels lies in a named file.
    pub fn touches(&self, files: &Files, d: &Diagnostic) -> bool {
        self.file_named(files, d.span.file) || d.labels.iter().any(|l| self.file_named(files, l.span.file))
    }

    /// Where the units of a named file in `dir` are looked for: its repository (the
    /// nearest ancestor with `.git`), else the directory itself — the places the read
    /// policy lets a run read ([`crate::source::ReadPolicy::for_paths`]).
    pub fn search_root(&self, files: &Files, dir: &Path) -> Option<PathBuf> {
        if let crate::source::Source::Text { .. } = files.policy().source() {
            // Nothing but the text exists.
            return Some(dir.to_path_buf());
        }
        let dir = std::fs::canonicalize(dir).ok()?;
        Some(crate::source::repository_root(&dir).unwrap_or(dir))
    }

    /// Every file of `kinds` under the search roots of `dirs` (directories of named files),
    /// found as a directory walk finds them (hidden directories skipped, `--exclude`
    /// applied), sorted.
    pub fn context_files<'p>(
        &self,
        files: &Files,
        dirs: impl IntoIterator<Item = &'p Path>,
        kinds: &[FileKind],
    ) -> Vec<PathBuf> {
        let roots: std::collections::BTreeSet<PathBuf> =
            dirs.into_iter().filter_map(|d| self.search_root(files, d)).collect();
        let roots: Vec<PathBuf> = roots.into_iter().collect();
        let found = walk::discover(&roots, &self.excludes, files.policy(), |p| files.display_path(p));
        found
            .files
            .into_iter()
            .filter(|c| c.kind.is_some_and(|k| kinds.contains(&k)))
            .map(|c| c.path)
            .collect()
    }
}

/// The directory of a file (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    crate::source::normalize(path.parent().unwrap_or(Path::new(".")))
}

pub(crate) fn not_linted(files: &Files, path: &Path, why: &str) -> Diagnostic {
    let f = files.add(path.to_path_buf(), String::new());
    Diagnostic::tool(
        ToolCode::UnsupportedFile,
        Span::new(f.id, 0..0),
        format!("{} is not linted: {why}", f.display),
    )
}
