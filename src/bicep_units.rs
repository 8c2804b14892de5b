//! Bicep end to end: which files are roots, loading modules and `.bicepparam` files, and
//! running the model and rules for each root.
//!
//! A `.bicep` file that another linted file calls as a local module is not linted on its
//! own: its findings are those its callers give it (linting a module with its own
//! defaults is the false positive users report most about other linters). A `.bicepparam`
//! file applies to the template its `using` names — found beside it by the directory walk,
//! or given with `--parameters`; a template with several parameter files is linted once
//! per file (identical findings are merged by the report).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::timings::{Clock, Phase};

use crate::diagnostic::Diagnostic;
use crate::eval::bicep::{is_local_module, normalize, BicepLoader, BicepUnit, ParamFile};
use crate::model::Unresolved;
use crate::parse::bicep::{self as bparse, BicepFile};
use crate::source::Files;
use crate::terraform_units::read_source;
use crate::walk::{Candidate, FileKind};
use crate::Options;

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    pub files_read: usize,
}

/// Identity of a file.
fn file_key(path: &Path) -> PathBuf {
    crate::source::path_key(path)
}

struct Parsed {
    file: Arc<BicepFile>,
    display: String,
}

/// Parses each file once per run, from any thread.
struct Loader<'f> {
    files: &'f Files,
    clock: &'f Clock,
    parsed: Mutex<HashMap<PathBuf, Option<Arc<Parsed>>>>,
    problems: Mutex<Vec<Diagnostic>>,
    files_read: Mutex<usize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Loader<'_> {
    fn get(&self, path: &Path) -> Option<Arc<Parsed>> {
        let key = file_key(path);
        if let Some(p) = lock(&self.parsed).get(&key) {
            return p.clone();
        }
        let parsed = self.parse(path);
        lock(&self.parsed).entry(key).or_insert(parsed).clone()
    }

    fn parse(&self, path: &Path) -> Option<Arc<Parsed>> {
        *lock(&self.files_read) += 1;
        let src = self
            .clock
            .time(Phase::Read, || read_source(self.files, path, &self.problems))?;
        let is_param_file = FileKind::of(path) == Some(FileKind::BicepParam);
        let parsed = self.clock.time(Phase::Parse, || {
            crate::isolate(self.files, path, || {
                if is_param_file {
                    bparse::parse_params(src.id, &src.text)
                } else {
                    bparse::parse(src.id, &src.text)
                }
            })
        });
        let file = match parsed {
            Ok(f) => f,
            Err(d) => {
                lock(&self.problems).push(*d);
                return None;
            }
        };
        for prob in &file.problems {
            lock(&self.problems).push(Diagnostic::syntax(prob));
        }
        Some(Arc::new(Parsed {
            file: Arc::new(file),
            display: src.display.clone(),
        }))
    }
}

impl BicepLoader for Loader<'_> {
    fn load(&self, path: &Path) -> Option<Arc<BicepFile>> {
        // A module outside the repository is not followed (the unit lists it as a module
        // that cannot be read), like a Terraform module source that leaves it.
        if !path.is_file() || !self.files.policy().allows(path) {
            return None;
        }
        self.get(path).map(|p| p.file.clone())
    }
}

/// The template a `.bicepparam` file's `using` names.
fn using_target(param_path: &Path, file: &BicepFile) -> Option<PathBuf> {
    let (using, _) = file.using.as_ref()?;
    if !is_local_module(using) {
        return None;
    }
    let dir = param_path.parent().unwrap_or(Path::new("."));
    Some(file_key(&dir.join(using)))
}

pub fn lint(files: &Files, candidates: &[Candidate], opts: &Options, clock: &Clock) -> Outcome {
    let loader = Loader {
        files,
        clock,
        parsed: Mutex::default(),
        problems: Mutex::default(),
        files_read: Mutex::new(0),
    };
    let templates: Vec<&Candidate> = candidates.iter().filter(|c| c.kind == Some(FileKind::Bicep)).collect();
    let mut param_paths: Vec<PathBuf> = candidates
        .iter()
        .filter(|c| c.kind == Some(FileKind::BicepParam))
        .map(|c| c.path.clone())
        .collect();
    let explicit_params: Vec<PathBuf> = opts
        .parameters
        .iter()
        .filter(|p| FileKind::of(p) == Some(FileKind::BicepParam))
        .cloned()
        .collect();
    param_paths.extend(explicit_params.iter().cloned());
    // A template named on the command line still gets the parameter files beside it.
    let dirs: BTreeSet<PathBuf> = templates
        .iter()
        .filter(|c| c.explicit)
        .map(|c| c.path.parent().unwrap_or(Path::new(".")).to_path_buf())
        .collect();
    for dir in dirs {
        let listed = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        };
        let Ok(entries) = std::fs::read_dir(listed) else {
            continue;
        };
        let mut beside: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| dir.join(e.file_name()))
            .filter(|p| FileKind::of(p) == Some(FileKind::BicepParam) && p.is_file())
            .collect();
        beside.sort();
        for p in beside {
            if !param_paths.iter().any(|q| file_key(q) == file_key(&p)) {
                param_paths.push(p);
            }
        }
    }

    // Parse everything named or found, in parallel.
    let all: Vec<&PathBuf> = templates.iter().map(|c| &c.path).chain(param_paths.iter()).collect();
    let parsed: Vec<Option<Arc<Parsed>>> = all.par_iter().map(|p| loader.get(p)).collect();
    let parsed_of: HashMap<PathBuf, Arc<Parsed>> = all
        .iter()
        .zip(&parsed)
        .filter_map(|(p, x)| Some((file_key(p), x.clone()?)))
        .collect();

    // Parameter files per template; `--parameters` replaces those found by the walk.
    let mut by_template: BTreeMap<PathBuf, Vec<(PathBuf, bool)>> = BTreeMap::new();
    for p in &param_paths {
        let Some(parsed) = parsed_of.get(&file_key(p)) else {
            continue;
        };
        let Some(target) = using_target(p, &parsed.file) else {
            continue;
        };
        let explicit = explicit_params.contains(p);
        let list = by_template.entry(target).or_default();
        if !list.iter().any(|(q, _)| file_key(q) == file_key(p)) {
            list.push((p.clone(), explicit));
        }
    }
    for list in by_template.values_mut() {
        if list.iter().any(|(_, explicit)| *explicit) {
            list.retain(|(_, explicit)| *explicit);
        }
    }

    // Templates some linted template calls as a local module.
    let mut called: BTreeSet<PathBuf> = BTreeSet::new();
    for c in &templates {
        let Some(p) = parsed_of.get(&file_key(&c.path)) else {
            continue;
        };
        let dir = c.path.parent().unwrap_or(Path::new("."));
        for m in &p.file.modules {
            if let Some(src) = m.path.as_deref().filter(|s| is_local_module(s)) {
                let target = file_key(&dir.join(src));
                if target != file_key(&c.path) {
                    called.insert(target);
                }
            }
        }
    }
    let mut roots: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for c in &templates {
        let key = file_key(&c.path);
        if !called.contains(&key) || by_template.contains_key(&key) {
            roots.insert(key, c.path.clone());
        }
    }
    if roots.is_empty() {
        // Every template calls another (a cycle): lint them all rather than nothing.
        for c in &templates {
            roots.insert(file_key(&c.path), c.path.clone());
        }
    }
    // A parameter file names its template: lint that template even if it was not found.
    for (target, _) in by_template.iter() {
        if !roots.contains_key(target) && target.is_file() {
            roots.insert(target.clone(), target.clone());
        }
    }

    let mut jobs: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (key, path) in &roots {
        match by_template.get(key) {
            Some(list) if !list.is_empty() => {
                jobs.extend(list.iter().map(|(p, _)| (path.clone(), Some(p.clone()))));
            }
            _ => jobs.push((path.clone(), None)),
        }
    }

    let results: Vec<(Vec<Diagnostic>, Vec<Unresolved>)> = jobs
        .par_iter()
        .map(|(path, params)| {
            crate::isolate(files, path, || lint_root(&loader, path, params.as_deref()))
                .unwrap_or_else(|d| (vec![*d], Vec::new()))
        })
        .collect();

    let mut diagnostics = loader.problems.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut unresolved = Vec::new();
    for (d, u) in results {
        diagnostics.extend(d);
        unresolved.extend(u);
    }
    let files_read = *lock(&loader.files_read);
    Outcome {
        diagnostics,
        unresolved,
        files_read,
    }
}

fn lint_root(loader: &Loader, path: &Path, params: Option<&Path>) -> (Vec<Diagnostic>, Vec<Unresolved>) {
    let Some(root) = loader.get(path) else {
        return (Vec::new(), Vec::new());
    };
    let param_file = params.and_then(|p| loader.get(p)).map(|p| ParamFile {
        file: p.file.clone(),
        display: p.display.clone(),
    });
    let (unit, inventory, mut unresolved) = loader.clock.time(Phase::Evaluate, || {
        let unit = BicepUnit::new(root.file.clone(), normalize(path), param_file, loader);
        let (inventory, unresolved) = crate::model::arm::build(&unit, &unit.resources);
        (unit, inventory, unresolved)
    });
    let diagnostics = loader
        .clock
        .time(Phase::Rules, || crate::rules::run(&inventory, |r| r.enabled_by_default));
    for (span, why) in &unit.skipped_modules {
        unresolved.push(Unresolved {
            span: *span,
            what: "module".into(),
            why: why.clone(),
        });
    }
    (diagnostics, unresolved)
}
