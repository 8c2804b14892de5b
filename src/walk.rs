//! Finding the files to lint.
//!
//! Directories are walked (walkdir) without following symlinks, skipping hidden
//! directories, `.terraform` and `node_modules`; `--exclude` globs are matched against the
//! displayed (relative) path and every parent directory of it. Files named on the command
//! line are always taken.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// What a file is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Terraform,
    TfVars,
    Bicep,
    BicepParam,
    Json,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        // Lossy is enough for the extension; a name that is not UTF-8 is still linted.
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit('.').next()?;
        Some(match ext {
            "tf" => FileKind::Terraform,
            "tfvars" => FileKind::TfVars,
            "bicep" => FileKind::Bicep,
            "bicepparam" => FileKind::BicepParam,
            "json" | "jsonc" if name.ends_with(".tfvars.json") || name.ends_with(".tf.json") => return None,
            "json" | "jsonc" => FileKind::Json,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    /// Named on the command line (rather than found by walking a directory).
    pub explicit: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    /// Paths that could not be walked, with why.
    pub errors: Vec<(PathBuf, String)>,
}

const SKIP_DIRS: &[&str] = &["node_modules", ".terraform", ".git"];

pub fn build_excludes(globs: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g)?);
        // `dir/` or `dir` should exclude everything below it too.
        let trimmed = g.trim_end_matches('/');
        if !trimmed.ends_with("**") {
            b.add(Glob::new(&format!("{trimmed}/**"))?);
        }
    }
    b.build()
}

fn excluded(excludes: &GlobSet, display: &str) -> bool {
    !excludes.is_empty() && excludes.is_match(display)
}

pub fn discover(paths: &[PathBuf], excludes: &GlobSet, display: impl Fn(&Path) -> String) -> Discovery {
    let mut out = Discovery::default();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push((root.clone(), e.to_string()));
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            out.errors
                .push((root.clone(), "not a regular file or directory".into()));
            continue;
        }
        if meta.is_file() {
            out.files.push(Candidate {
                path: root.clone(),
                kind: FileKind::of(root),
                explicit: true,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 || !e.file_type().is_dir() {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                !(name.starts_with('.') || SKIP_DIRS.contains(&name.as_ref()))
            });
        for entry in walker {
            match entry {
                // Symlinked files are followed (shared .tf files are often linked into
                // stacks); symlinked directories are not, so a link loop cannot trap the walk.
                Ok(e) if e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file()) => {
                    let Some(kind) = FileKind::of(e.path()) else { continue };
                    if excluded(excludes, &display(e.path())) {
                        continue;
                    }
                    out.files.push(Candidate {
                        path: e.path().to_path_buf(),
                        kind: Some(kind),
                        explicit: false,
                    });
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                    out.errors.push((path, e.to_string()));
                }
            }
        }
    }
    // A file both named and found through a directory counts as named.
    out.files
        .sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    out.files.dedup_by(|a, b| a.path == b.path);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(FileKind::of(Path::new("a/main.tf")), Some(FileKind::Terraform));
        assert_eq!(FileKind::of(Path::new("prod.auto.tfvars")), Some(FileKind::TfVars));
        assert_eq!(FileKind::of(Path::new("main.BICEP")), Some(FileKind::Bicep));
        assert_eq!(FileKind::of(Path::new("x.tf.json")), None);
        assert_eq!(FileKind::of(Path::new("README.md")), None);
    }

    #[test]
    fn a_file_named_and_walked_stays_named() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("main.tf");
        std::fs::write(&f, "").unwrap();
        let found = discover(&[tmp.path().to_path_buf(), f.clone()], &GlobSet::empty(), |p| {
            p.display().to_string()
        });
        assert_eq!(found.files.len(), 1);
        assert!(found.files[0].explicit);
    }

    #[test]
    fn excludes_match_directories_and_files() {
        let set = build_excludes(&["examples".into(), "**/*.test.tf".into()]).unwrap();
        assert!(excluded(&set, "examples/a/main.tf"));
        assert!(excluded(&set, "x/y.test.tf"));
        assert!(!excluded(&set, "src/main.tf"));
    }
}
