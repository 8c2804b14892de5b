//! Finding the files to lint.
//!
//! Directories are walked (walkdir) without following symlinks, skipping hidden
//! directories, `.terraform` and `node_modules`; `--exclude` globs are matched against the
//! displayed path (relative to the working directory) and against the path relative to the
//! walked directory, each with every parent directory of it. Files named on the command
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
    /// `--exclude` patterns that matched no file of the walk.
    pub unmatched_excludes: Vec<String>,
}

/// The `--exclude` globs, each also matching everything below a directory it names.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    set: GlobSet,
    /// For each glob of `set`, the index of the pattern it was built from.
    owner: Vec<usize>,
    patterns: Vec<String>,
}

impl Excludes {
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns matching `path` (forward slashes), by index.
    fn matching(&self, path: &str) -> Vec<usize> {
        self.set.matches(path).into_iter().map(|g| self.owner[g]).collect()
    }
}

const SKIP_DIRS: &[&str] = &["node_modules", ".terraform", ".git"];

pub fn build_excludes(globs: &[String]) -> Result<Excludes, globset::Error> {
    let mut b = GlobSetBuilder::new();
    let mut owner = Vec::new();
    for (i, g) in globs.iter().enumerate() {
        b.add(Glob::new(g)?);
        owner.push(i);
        // `dir/` or `dir` should exclude everything below it too.
        let trimmed = g.trim_end_matches('/');
        if !trimmed.ends_with("**") {
            b.add(Glob::new(&format!("{trimmed}/**"))?);
            owner.push(i);
        }
    }
    Ok(Excludes {
        set: b.build()?,
        owner,
        patterns: globs.to_vec(),
    })
}

/// Whether a walked file is excluded: its displayed path or its path relative to the walked
/// directory `root` matches a pattern. Records which patterns matched.
fn excluded(excludes: &Excludes, display: &str, root: &Path, path: &Path, matched: &mut [bool]) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let relative = path
        .strip_prefix(root)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let mut hits = excludes.matching(display);
    if !relative.is_empty() {
        hits.extend(excludes.matching(&relative));
    }
    for &h in &hits {
        matched[h] = true;
    }
    !hits.is_empty()
}

/// The files under `paths`, as the policy's source has them ([`crate::source::Source`]):
/// the disk, the disk with an editor's unsaved documents (new ones included), or one text.
pub fn discover(
    paths: &[PathBuf],
    excludes: &Excludes,
    policy: &crate::source::ReadPolicy,
    display: impl Fn(&Path) -> String,
) -> Discovery {
    use crate::source::Source;
    let mut out = Discovery::default();
    let mut matched = vec![false; excludes.patterns.len()];
    for root in paths {
        if !matches!(policy.source(), Source::Disk) && (policy.is_file(root) || policy.is_dir(root)) {
            let in_memory = match policy.source() {
                Source::Text { .. } => true,
                _ => std::fs::symlink_metadata(root).is_err(),
            };
            if in_memory {
                let listed = if policy.is_file(root) {
                    vec![(root.clone(), true)]
                } else {
                    policy
                        .list_dir(root)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| (p, false))
                        .collect()
                };
                for (path, explicit) in listed {
                    out.files.push(Candidate {
                        kind: FileKind::of(&path),
                        path,
                        explicit,
                    });
                }
                continue;
            }
        }
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
                    if excluded(excludes, &display(e.path()), root, e.path(), &mut matched) {
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
        // Documents an editor has not saved yet, under the walk's rules.
        for path in policy.unsaved_below(root) {
            let Some(kind) = FileKind::of(&path) else { continue };
            let hidden = path.strip_prefix(root).ok().is_some_and(|rel| {
                rel.parent().into_iter().flat_map(Path::components).any(|c| {
                    let name = c.as_os_str().to_string_lossy();
                    name.starts_with('.') || SKIP_DIRS.contains(&name.as_ref())
                })
            });
            if hidden || excluded(excludes, &display(&path), root, &path, &mut matched) {
                continue;
            }
            out.files.push(Candidate {
                path,
                kind: Some(kind),
                explicit: false,
            });
        }
    }
    out.unmatched_excludes = excludes
        .patterns
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(p, _)| p.clone())
        .collect();
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
        let found = discover(
            &[tmp.path().to_path_buf(), f.clone()],
            &Excludes::default(),
            &Default::default(),
            |p| p.display().to_string(),
        );
        assert_eq!(found.files.len(), 1);
        assert!(found.files[0].explicit);
    }

    #[test]
    fn excludes_match_directories_and_files() {
        let set = build_excludes(&["examples".into(), "**/*.test.tf".into()]).unwrap();
        let mut matched = [false, false];
        let mut is = |display: &str| excluded(&set, display, Path::new("/r"), Path::new("/elsewhere"), &mut matched);
        assert!(is("examples/a/main.tf"));
        assert!(!is("src/main.tf"));
        assert_eq!(matched, [true, false]);
        assert!(excluded(
            &set,
            "x/y.test.tf",
            Path::new("/r"),
            Path::new("/e"),
            &mut matched
        ));
        assert_eq!(matched, [true, true]);
    }

    #[test]
    fn excludes_match_paths_relative_to_the_walked_directory() {
        let tmp = tempfile::tempdir().unwrap();
        for f in ["infra/legacy/main.tf", "infra/main.tf"] {
            let p = tmp.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let set = build_excludes(&["legacy/**".into(), "nothing/**".into()]).unwrap();
        let infra = tmp.path().join("infra");
        // Displayed as `infra/legacy/main.tf`, relative to the walked `infra` as `legacy/main.tf`.
        let found = discover(std::slice::from_ref(&infra), &set, &Default::default(), |p| {
            p.strip_prefix(tmp.path()).unwrap().display().to_string()
        });
        let names: Vec<PathBuf> = found.files.iter().map(|c| c.path.clone()).collect();
        assert_eq!(names, [infra.join("main.tf")]);
        assert_eq!(found.unmatched_excludes, ["nothing/**"]);
    }
}
