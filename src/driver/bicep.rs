//! Bicep end to end: which files are roots, loading modules and `.bicepparam` files, and
//! running the model and rules for each root.
//!
//! A `.bicep` file that another linted file calls as a local module is not linted on its
//! own: its findings are those its callers give it (linting a module with its own
//! defaults is the false positive users report most about other linters). A `.bicepparam`
//! file applies to the template its `using` names — found beside it by the directory walk,
//! or given with `--parameters`; a template with several parameter files is linted once
//! per file (identical findings are merged by the report).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::timings::{Clock, Phase};

use crate::diagnostic::Diagnostic;
use crate::driver::terraform::read_source;
use crate::eval::bicep::{is_local_module, normalize, BicepLoader, BicepUnit, ParamFile};
use crate::ir::Expr;
use crate::model::Unresolved;
use crate::named::{Named, Reported};
use crate::parse::bicep::{self as bparse, BicepFile};
use crate::source::Files;
use crate::walk::{Candidate, FileKind};
use crate::Options;

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    pub skipped: Vec<crate::model::Skipped>,
    /// Who can reach each account's data (`cosmolint access`).
    pub access: Vec<crate::access::AccountAccess>,
    pub files_read: usize,
}

struct Parsed {
    file: Arc<BicepFile>,
    display: String,
}

/// Parses each file once per run, from any thread.
struct Loader<'f> {
    files: &'f Files,
    clock: &'f Clock,
    rules: &'f crate::rules::Settings,
    parsed: Mutex<HashMap<PathBuf, Option<Arc<Parsed>>>>,
    /// Files read by `loadJsonContent()`, by identity.
    json: Mutex<HashMap<PathBuf, Result<Arc<Expr>, String>>>,
    problems: Mutex<Vec<Diagnostic>>,
    files_read: Mutex<usize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Loader<'_> {
    fn get(&self, path: &Path) -> Option<Arc<Parsed>> {
        let key = self.files.key(path);
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
        if !self.files.policy().is_file(path) || !self.files.policy().allows(path) {
            return None;
        }
        self.get(path).map(|p| p.file.clone())
    }

    fn load_json(&self, path: &Path) -> Result<Arc<Expr>, String> {
        let key = self.files.key(path);
        if let Some(j) = lock(&self.json).get(&key) {
            return j.clone();
        }
        let loaded = self.read_json(path);
        lock(&self.json).entry(key).or_insert(loaded).clone()
    }
}

impl Loader<'_> {
    fn read_json(&self, path: &Path) -> Result<Arc<Expr>, String> {
        let shown = self.files.display_path(path);
        // A template must not make cosmolint read, or print, a file outside the repository
        // (the read policy refuses it too; this says why the value is unknown instead of
        // failing the run with an io-error).
        if !self.files.policy().is_file(path) {
            return Err(format!("`{shown}` does not exist; `loadJsonContent()` is not followed"));
        }
        if !self.files.policy().allows(path) {
            return Err(format!(
                "`{shown}` is not a file inside the repository; `loadJsonContent()` is not followed"
            ));
        }
        *lock(&self.files_read) += 1;
        let src = self
            .clock
            .time(Phase::Read, || read_source(self.files, path, &self.problems))
            .ok_or_else(|| format!("`{shown}` cannot be read"))?;
        let parsed = self
            .clock
            .time(Phase::Parse, || crate::parse::arm::parse_json(src.id, &src.text));
        for prob in &parsed.problems {
            lock(&self.problems).push(Diagnostic::syntax(prob));
        }
        parsed
            .root
            .map(Arc::new)
            .ok_or_else(|| format!("`{shown}` is not valid JSON"))
    }
}

/// The template a `.bicepparam` file's `using` names.
fn using_target(files: &Files, param_path: &Path, file: &BicepFile) -> Option<PathBuf> {
    let (using, _) = file.using.as_ref()?;
    if !is_local_module(using) {
        return None;
    }
    let dir = param_path.parent().unwrap_or(Path::new("."));
    Some(files.key(&dir.join(using)))
}

/// Adds what named files need: the templates that call a named template as a module
/// (transitively), and every `.bicepparam` file of the repository that uses one of them or a
/// named template. A `.bicepparam` whose template is missing or not local says so.
fn add_named_context(
    loader: &Loader,
    named: &Named,
    templates: &mut Vec<(PathBuf, Reported)>,
    params: &mut Vec<(PathBuf, Reported)>,
    notices: &mut Vec<Diagnostic>,
) {
    let files = loader.files;
    let mut targets: Vec<PathBuf> = templates
        .iter()
        .filter(|(_, r)| *r == Reported::Touching)
        .map(|(p, _)| p.clone())
        .collect();
    for (p, _) in params.iter().filter(|(_, r)| *r == Reported::Touching) {
        let Some(parsed) = loader.get(p) else { continue };
        match using_path(p, &parsed.file) {
            Some(t) if files.policy().is_file(&t) => targets.push(t),
            _ => notices.push(crate::named::not_linted(
                files,
                p,
                "the template its `using` names is not a local file cosmolint can read",
            )),
        }
    }
    if targets.is_empty() {
        return;
    }
    let dirs: Vec<PathBuf> = targets
        .iter()
        .chain(params.iter().map(|(p, _)| p))
        .map(|p| crate::named::parent_dir(p))
        .collect();
    let context = named.context_files(
        files,
        dirs.iter().map(PathBuf::as_path),
        &[FileKind::Bicep, FileKind::BicepParam],
    );
    // A module path and a `using` are string literals that name a `.bicep` file relative to
    // the file they are in: an index from each such target to the files naming it says
    // which files to parse (most files of a repository are called `main.bicep`, so a
    // file's name alone would match nearly all of them).
    let named_by: HashMap<PathBuf, Vec<(PathBuf, FileKind)>> = {
        let edges: Vec<(PathBuf, PathBuf, FileKind)> = context
            .par_iter()
            .flat_map_iter(|p| {
                let kind = FileKind::of(p);
                let text = files.policy().read(p).map(|t| String::from_utf8_lossy(&t).into_owned());
                let dir = p.parent().unwrap_or(Path::new(".")).to_path_buf();
                let targets: Vec<PathBuf> = match (&text, kind) {
                    (Ok(text), Some(_)) => quoted_paths_ending_with(text, ".bicep")
                        .map(|literal| files.key(&dir.join(literal)))
                        .collect(),
                    _ => Vec::new(),
                };
                targets.into_iter().filter_map(move |t| Some((t, p.clone(), kind?)))
            })
            .collect();
        let mut index: HashMap<PathBuf, Vec<(PathBuf, FileKind)>> = HashMap::new();
        for (target, path, kind) in edges {
            index.entry(target).or_default().push((path, kind));
        }
        index
    };
    let mut closure: HashSet<PathBuf> = targets.iter().map(|t| files.key(t)).collect();
    let mut frontier = targets.clone();
    let mut listed: HashSet<PathBuf> = templates.iter().map(|(t, _)| files.key(t)).collect();
    while let Some(target) = frontier.pop() {
        let target_key = files.key(&target);
        for (p, kind) in named_by.get(&target_key).into_iter().flatten() {
            if *kind != FileKind::Bicep || closure.contains(&files.key(p)) {
                continue;
            }
            let Some(parsed) = loader.get(p) else { continue };
            let dir = p.parent().unwrap_or(Path::new("."));
            let calls = parsed.file.modules.iter().any(|m| {
                m.path
                    .as_deref()
                    .is_some_and(|src| is_local_module(src) && files.key(&dir.join(src)) == target_key)
            });
            if calls {
                closure.insert(files.key(p));
                frontier.push(p.clone());
                if listed.insert(files.key(p)) {
                    templates.push((p.clone(), Reported::Touching));
                }
            }
        }
    }
    for t in &targets {
        if listed.insert(files.key(t)) {
            templates.push((t.clone(), Reported::Touching));
        }
    }
    // Parameter files of the repository that use a template of the closure.
    let mut candidates: Vec<&PathBuf> = closure
        .iter()
        .flat_map(|t| named_by.get(t).into_iter().flatten())
        .filter(|(_, kind)| *kind == FileKind::BicepParam)
        .map(|(p, _)| p)
        .collect();
    candidates.sort();
    candidates.dedup();
    let known: HashSet<PathBuf> = params.iter().map(|(q, _)| files.key(q)).collect();
    for p in candidates {
        if known.contains(&files.key(p)) {
            continue;
        }
        let Some(parsed) = loader.get(p) else { continue };
        if using_target(files, p, &parsed.file).is_some_and(|t| closure.contains(&t)) {
            params.push((p.clone(), Reported::Touching));
        }
    }
}

/// The single-quoted strings of `text` that end with `suffix` (ASCII case-insensitively, as
/// file systems may match them): candidate module paths and `using` targets.
fn quoted_paths_ending_with<'t>(text: &'t str, suffix: &str) -> impl Iterator<Item = &'t str> + 't {
    let lower = text.to_ascii_lowercase();
    let needle = format!("{}'", suffix.to_ascii_lowercase());
    let ends: Vec<usize> = lower.match_indices(&needle).map(|(at, _)| at + suffix.len()).collect();
    ends.into_iter().filter_map(move |end| {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let start = text[line_start..end].rfind('\'')? + line_start + 1;
        Some(&text[start..end])
    })
}

/// The template a `.bicepparam` file's `using` names, as a path.
fn using_path(param_path: &Path, file: &BicepFile) -> Option<PathBuf> {
    let (using, _) = file.using.as_ref()?;
    if !is_local_module(using) {
        return None;
    }
    Some(normalize(&param_path.parent().unwrap_or(Path::new(".")).join(using)))
}

pub fn lint(files: &Files, candidates: &[Candidate], opts: &Options, named: &Named, clock: &Clock) -> Outcome {
    let loader = Loader {
        rules: &opts.settings.rules,
        files,
        clock,
        parsed: Mutex::default(),
        json: Mutex::default(),
        problems: Mutex::default(),
        files_read: Mutex::new(0),
    };
    let mut templates: Vec<(PathBuf, Reported)> = candidates
        .iter()
        .filter(|c| c.kind == Some(FileKind::Bicep))
        .map(|c| (c.path.clone(), Reported::of(c)))
        .collect();
    let mut param_paths: Vec<(PathBuf, Reported)> = candidates
        .iter()
        .filter(|c| c.kind == Some(FileKind::BicepParam))
        .map(|c| (c.path.clone(), Reported::of(c)))
        .collect();
    let explicit_params: Vec<PathBuf> = opts
        .parameters
        .iter()
        .filter(|p| FileKind::of(p) == Some(FileKind::BicepParam))
        .cloned()
        .collect();
    for p in &explicit_params {
        if !param_paths.iter().any(|(q, _)| files.key(q) == files.key(p)) {
            param_paths.push((p.clone(), Reported::All));
        }
    }
    let mut notices = Vec::new();
    if !named.is_empty() {
        add_named_context(&loader, named, &mut templates, &mut param_paths, &mut notices);
    }
    // What each template and parameter file reports, by identity (looked up once per job:
    // a scan of the lists per job was quadratic in canonicalize calls).
    let reported: HashMap<PathBuf, Reported> = templates
        .iter()
        .chain(param_paths.iter())
        .map(|(p, r)| (files.key(p), *r))
        .collect();
    let reported_of = |path: &Path| reported.get(&files.key(path)).copied();

    // Parse everything named or found, in parallel.
    let all: Vec<&PathBuf> = templates.iter().chain(param_paths.iter()).map(|(p, _)| p).collect();
    let parsed: Vec<Option<Arc<Parsed>>> = all.par_iter().map(|p| loader.get(p)).collect();
    let parsed_of: HashMap<PathBuf, Arc<Parsed>> = all
        .iter()
        .zip(&parsed)
        .filter_map(|(p, x)| Some((files.key(p), x.clone()?)))
        .collect();

    // Parameter files per template; `--parameters` replaces those found by the walk.
    let mut by_template: BTreeMap<PathBuf, Vec<(PathBuf, bool)>> = BTreeMap::new();
    for (p, _) in &param_paths {
        let Some(parsed) = parsed_of.get(&files.key(p)) else {
            continue;
        };
        let Some(target) = using_target(files, p, &parsed.file) else {
            continue;
        };
        let explicit = explicit_params.contains(p);
        let list = by_template.entry(target).or_default();
        if !list.iter().any(|(q, _)| files.key(q) == files.key(p)) {
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
    for (path, _) in &templates {
        let Some(p) = parsed_of.get(&files.key(path)) else {
            continue;
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        for m in &p.file.modules {
            if let Some(src) = m.path.as_deref().filter(|s| is_local_module(s)) {
                let target = files.key(&dir.join(src));
                if target != files.key(path) {
                    called.insert(target);
                }
            }
        }
    }
    let mut roots: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for (path, _) in &templates {
        let key = files.key(path);
        if !called.contains(&key) || by_template.contains_key(&key) {
            roots.insert(key, path.clone());
        }
    }
    if roots.is_empty() {
        // Every template calls another (a cycle): lint them all rather than nothing.
        for (path, _) in &templates {
            roots.insert(files.key(path), path.clone());
        }
    }
    // A parameter file names its template: lint that template even if it was not found.
    for (target, _) in by_template.iter() {
        if !roots.contains_key(target) && files.policy().is_file(target) {
            roots.insert(target.clone(), target.clone());
        }
    }

    // Each job with what it reports: everything when its template or its parameter file
    // was found by the walk (or given with --parameters), else what touches named files.
    let mut jobs: Vec<(PathBuf, Option<PathBuf>, Reported)> = Vec::new();
    for (key, path) in &roots {
        let template = reported_of(path);
        match by_template.get(key) {
            Some(list) if !list.is_empty() => {
                jobs.extend(list.iter().map(|(p, _)| {
                    let param = reported_of(p).unwrap_or(Reported::All);
                    let reported = template.map_or(param, |t| t.merge(param));
                    (path.clone(), Some(p.clone()), reported)
                }));
            }
            _ => jobs.push((path.clone(), None, template.unwrap_or(Reported::All))),
        }
    }

    let results: Vec<RootResult> = jobs
        .par_iter()
        .map(|(path, params, reported)| {
            crate::isolate(files, path, || {
                lint_root(&loader, path, params.as_deref(), *reported, named)
            })
            .unwrap_or_else(|d| RootResult {
                diagnostics: vec![*d],
                ..RootResult::default()
            })
        })
        .collect();

    let mut diagnostics = loader.problems.into_inner().unwrap_or_else(|e| e.into_inner());
    if !named.is_empty() {
        // Syntax and read problems of files read only as context of a named file are not
        // reported; those of named files, walked files and the modules they call are.
        let mut reported_files: HashSet<PathBuf> = templates
            .iter()
            .chain(param_paths.iter())
            .filter(|(_, r)| *r == Reported::All)
            .map(|(p, _)| files.key(p))
            .collect();
        reported_files.extend(results.iter().flat_map(|r| r.files.iter().cloned()));
        diagnostics.retain(|d| {
            named.file_named(files, d.span.file)
                || files
                    .get(d.span.file)
                    .is_some_and(|f| reported_files.contains(&files.key(&f.path)))
        });
    }
    diagnostics.extend(notices);
    let (mut unresolved, mut skipped, mut access) = (Vec::new(), Vec::new(), Vec::new());
    for r in results {
        diagnostics.extend(r.diagnostics);
        unresolved.extend(r.unresolved);
        skipped.extend(r.skipped);
        access.extend(r.access);
    }
    let files_read = *lock(&loader.files_read);
    Outcome {
        diagnostics,
        unresolved,
        skipped,
        access,
        files_read,
    }
}

/// A root's findings, the values it could not resolve, and (for a root whose findings are
/// all reported, when files are named) the files it read.
#[derive(Default)]
struct RootResult {
    diagnostics: Vec<Diagnostic>,
    unresolved: Vec<Unresolved>,
    /// What the root does not deploy with these inputs.
    skipped: Vec<crate::model::Skipped>,
    access: Vec<crate::access::AccountAccess>,
    files: Vec<PathBuf>,
}

fn lint_root(loader: &Loader, path: &Path, params: Option<&Path>, reported: Reported, named: &Named) -> RootResult {
    let Some(root) = loader.get(path) else {
        return RootResult::default();
    };
    let param_file = params.and_then(|p| loader.get(p)).map(|p| ParamFile {
        file: p.file.clone(),
        display: p.display.clone(),
    });
    let param_display = param_file.as_ref().map(|p| p.display.clone());
    let (unit, inventory, mut unresolved) = loader.clock.time(Phase::Evaluate, || {
        let unit = BicepUnit::new(root.file.clone(), normalize(path), param_file, loader);
        let (inventory, unresolved) = crate::model::arm::build(&unit, &unit.resources);
        loader.clock.note_work(&unit.budget);
        (unit, inventory, unresolved)
    });
    let mut diagnostics = loader
        .clock
        .time(Phase::Rules, || crate::rules::run(&inventory, loader.rules));
    crate::suppress::attach_calls(&mut diagnostics, &unit.resources, |i| unit.call_chain(i));
    for (span, why) in &unit.skipped_modules {
        unresolved.push(Unresolved {
            span: *span,
            what: "module".into(),
            why: why.clone(),
        });
    }
    let access = crate::access::collect(&inventory);
    let mut skipped = inventory.skipped;
    let mut modules = crate::model::Inventory::default();
    crate::model::skipped_modules(&unit.not_deployed, &mut modules);
    skipped.extend(modules.skipped);
    let unit_name = match &param_display {
        Some(p) => format!("{} with {p}", root.display),
        None => root.display.clone(),
    };
    crate::name_unit(&unit_name, &mut diagnostics);
    let mut access = access;
    access.iter_mut().for_each(|a| a.unit = unit_name.clone());
    let files = loader.files;
    let mut read = Vec::new();
    match reported {
        Reported::Touching => {
            crate::suppress::hide_unless(&mut diagnostics, |d| named.touches(files, d));
            unresolved.retain(|u| named.file_named(files, u.span.file));
            skipped.retain(|k| named.file_named(files, k.span.file));
        }
        Reported::All if !named.is_empty() => {
            read = unit
                .instances
                .iter()
                .filter(|i| !i.path.as_os_str().is_empty())
                .map(|i| loader.files.key(&i.path))
                .collect();
            read.extend(params.map(|p| loader.files.key(p)));
        }
        Reported::All => {}
    }
    RootResult {
        diagnostics,
        unresolved,
        skipped,
        access,
        files: read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_paths_are_found_by_their_file_name() {
        let text = "module a './modules/Main.bicep' = {}\nmodule b 'br/public:x:1' = {}\n// main.bicep\nusing '../main.bicep'\n";
        let found: Vec<&str> = quoted_paths_ending_with(text, "main.bicep").collect();
        assert_eq!(found, ["./modules/Main.bicep", "../main.bicep"]);
    }
}
