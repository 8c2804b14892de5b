//! Terraform end to end: which directories are roots, loading modules, tfvars, and running
//! the model and rules for each root.
//!
//! A directory that a linted root calls as a local module is not linted on its own: its
//! findings are those its callers give it (a module linted with its own defaults is the
//! false positive users report most about other linters).

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::eval::terraform::{ModuleLoader, TfModule, TfUnit, VarValue};
use crate::ir::{Expr, ExprKind};
use crate::model::Unresolved;
use crate::named::{Named, Reported};
use crate::parse::terraform as tfparse;
use crate::source::{self, normalize, repository_root, Files, SourceFile, Span};
use crate::timings::{Clock, Phase};
use crate::walk::{Candidate, FileKind};
use crate::{Error, Options};

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    pub skipped: Vec<crate::model::Skipped>,
    /// Who can reach each account's data (`cosmolint access`).
    pub access: Vec<crate::access::AccountAccess>,
    pub files_read: usize,
    /// `--var` names no linted root module declares (they have no effect).
    pub undeclared_vars: Vec<String>,
}

/// A root's findings, the values it could not resolve, and (for a root whose findings are
/// all reported, when files are named) the module directories it read.
#[derive(Default)]
struct RootResult {
    diagnostics: Vec<Diagnostic>,
    unresolved: Vec<Unresolved>,
    /// What the root does not deploy with these inputs.
    skipped: Vec<crate::model::Skipped>,
    access: Vec<crate::access::AccountAccess>,
    dirs: Vec<PathBuf>,
    /// The `--var` names the root declares.
    declared: Vec<String>,
}

/// Reads a file as text ([`Files::read`]), recording a diagnostic when it is not read.
pub(crate) fn read_source(files: &Files, path: &Path, problems: &Mutex<Vec<Diagnostic>>) -> Option<Arc<SourceFile>> {
    files.read(path).map_err(|d| push(problems, *d)).ok()
}

fn push(problems: &Mutex<Vec<Diagnostic>>, d: Diagnostic) {
    problems.lock().unwrap_or_else(|e| e.into_inner()).push(d);
}

use crate::named::parent_dir;

fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source.starts_with(".\\") || source.starts_with("..\\")
}

/// A directory's Terraform files, read once per run.
struct Listing {
    /// Its `.tf` files (readable and UTF-8), sorted by path.
    sources: Vec<Arc<SourceFile>>,
    /// Its root variable files (`terraform.tfvars`, `*.auto.tfvars`), in Terraform's order.
    tfvars: Vec<PathBuf>,
}

/// Reads and parses directories, from any thread: each directory is listed and read once
/// per run; module directories are also parsed once and kept, root directories are parsed
/// when linted and dropped after (see [`lint`]).
struct Loader<'f> {
    files: &'f Files,
    clock: &'f Clock,
    rules: &'f crate::rules::Settings,
    listings: Mutex<HashMap<PathBuf, Option<Arc<Listing>>>>,
    modules: Mutex<HashMap<PathBuf, Option<Arc<TfModule>>>>,
    problems: Mutex<Vec<Diagnostic>>,
    files_read: Mutex<usize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<'f> Loader<'f> {
    /// The directory's files; `None` when it has no `.tf` file.
    fn listing(&self, dir: &Path) -> Option<Arc<Listing>> {
        let key = self.files.key(dir);
        if let Some(l) = lock(&self.listings).get(&key) {
            return l.clone();
        }
        let listing = self.list(dir).map(Arc::new);
        lock(&self.listings).entry(key).or_insert(listing).clone()
    }

    fn list(&self, dir: &Path) -> Option<Listing> {
        let mut paths = Vec::new();
        let mut tfvars = Vec::new();
        for path in self.files.policy().list_dir(dir).ok()? {
            let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
                continue;
            };
            let is_tf = FileKind::of(&path) == Some(FileKind::Terraform);
            let is_tfvars = name == "terraform.tfvars" || name.ends_with(".auto.tfvars");
            if is_tf {
                paths.push(path);
            } else if is_tfvars {
                tfvars.push(path);
            }
        }
        if paths.is_empty() {
            return None;
        }
        paths.sort();
        // Terraform's order: terraform.tfvars, then *.auto.tfvars in lexical order.
        tfvars.sort_by_key(|p| (!p.ends_with("terraform.tfvars"), p.clone()));
        *lock(&self.files_read) += paths.len();
        let sources = paths
            .iter()
            .filter_map(|p| {
                self.clock
                    .time(Phase::Read, || read_source(self.files, p, &self.problems))
            })
            .collect();
        Some(Listing { sources, tfvars })
    }

    /// A module directory, parsed once and kept for every unit that calls it.
    fn load_dir(&self, dir: &Path) -> Option<Arc<TfModule>> {
        let key = self.files.key(dir);
        if let Some(m) = lock(&self.modules).get(&key) {
            return m.clone();
        }
        let module = self.parse_dir(dir);
        lock(&self.modules).entry(key).or_insert(module).clone()
    }

    /// A directory parsed for linting it as a root: the kept module when some unit loaded
    /// it already, else a fresh parse that is not kept.
    fn root_dir(&self, dir: &Path) -> Option<Arc<TfModule>> {
        if let Some(m) = lock(&self.modules).get(&self.files.key(dir)) {
            return m.clone();
        }
        self.parse_dir(dir)
    }

    fn parse_dir(&self, dir: &Path) -> Option<Arc<TfModule>> {
        let listing = self.listing(dir)?;
        let mut parsed = Vec::new();
        for src in &listing.sources {
            let result = self.clock.time(Phase::Parse, || {
                crate::isolate(self.files, &src.path, || tfparse::parse(src.id, &src.text))
            });
            let tf = match result {
                Ok(tf) => tf,
                Err(d) => {
                    push(&self.problems, *d);
                    continue;
                }
            };
            for prob in &tf.problems {
                push(&self.problems, Diagnostic::syntax(prob));
            }
            parsed.push(tf);
        }
        Some(Arc::new(TfModule::new(normalize(dir), parsed)))
    }
}

/// The loader as one root's unit sees it: `.terraform/modules/modules.json` of that root
/// maps registry modules to directories that `terraform init` downloaded. Both it and the
/// repository boundary are looked up on the first module call, not for every root.
struct UnitLoader<'l, 'f> {
    shared: &'l Loader<'f>,
    root: &'l Path,
    installed: OnceCell<HashMap<String, PathBuf>>,
    /// The repository the root belongs to (nearest ancestor with `.git`): module sources
    /// that leave it are not followed.
    boundary: OnceCell<Option<PathBuf>>,
}

impl ModuleLoader for UnitLoader<'_, '_> {
    fn resolve(&self, module_dir: &Path, key: &str, source: &str) -> Result<PathBuf, String> {
        let dir = if is_local_source(source) {
            normalize(&module_dir.join(source))
        } else {
            self.installed
                .get_or_init(|| installed_modules(self.shared, self.root))
                .get(key)
                .cloned()
                .ok_or_else(|| format!("module source `{source}` is not local and not installed by `terraform init`"))?
        };
        if !self.shared.files.policy().is_dir(&dir) {
            return Err(format!("module directory `{source}` does not exist"));
        }
        let boundary = self.boundary.get_or_init(|| repository_root(self.root));
        // The boundary every file read obeys too (`ReadPolicy`): without a `.git`, the
        // linted paths.
        if !self.shared.files.policy().allows(&dir) {
            return Err(format!(
                "module source `{source}` points outside the repository; it is not followed"
            ));
        }
        if let Some(boundary) = boundary {
            if !self.shared.files.key(&dir).starts_with(boundary) {
                return Err(format!(
                    "module source `{source}` points outside the repository; it is not followed"
                ));
            }
        }
        Ok(dir)
    }

    fn load(&self, dir: &Path) -> Option<Arc<TfModule>> {
        self.shared.load_dir(dir)
    }
}

/// The registry modules `terraform init` installed for `root`, from
/// `.terraform/modules/modules.json` (read like any other file: a FIFO or a link to
/// `/dev/zero` there is refused with an `io-error`).
fn installed_modules(loader: &Loader, root: &Path) -> HashMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let path = root.join(".terraform/modules/modules.json");
    if !loader.files.policy().exists(&path) {
        return HashMap::new();
    }
    let Some(src) = read_source(loader.files, &path, &loader.problems) else {
        return HashMap::new();
    };
    let text = &src.text;
    let Ok(manifest) = serde_json::from_str::<Manifest>(text) else {
        return HashMap::new();
    };
    manifest
        .modules
        .into_iter()
        .filter(|e| !e.key.is_empty())
        .map(|e| (e.key, normalize(&root.join(e.dir))))
        .collect()
}

/// Whether Terraform reads a variable file of a root module by itself.
fn is_auto_tfvars(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "terraform.tfvars" || n.ends_with(".auto.tfvars"))
}

pub fn lint(
    files: &Files,
    candidates: &[Candidate],
    opts: &Options,
    named: &Named,
    clock: &Clock,
) -> Result<Outcome, Error> {
    // Directories with Terraform to lint, and which of their findings to report.
    let mut dirs: BTreeMap<PathBuf, Reported> = BTreeMap::new();
    let mut notices = Vec::new();
    for c in candidates {
        if !matches!(c.kind, Some(FileKind::Terraform | FileKind::TfVars)) {
            continue;
        }
        if c.explicit && c.kind == Some(FileKind::TfVars) && !is_auto_tfvars(&c.path) {
            if !opts.var_files.iter().any(|v| files.key(v) == files.key(&c.path)) {
                notices.push(crate::named::not_linted(
                    files,
                    &c.path,
                    "Terraform reads only `terraform.tfvars` and `*.auto.tfvars` of a root module by itself; \
                     pass it with --var-file",
                ));
            }
            continue;
        }
        let dir = parent_dir(&c.path);
        let reported = Reported::of(c);
        let entry = dirs.entry(dir).or_insert(reported);
        *entry = entry.merge(reported);
    }
    let cli_vars = cli_vars(files, opts)?;
    let loader = Loader {
        rules: &opts.settings.rules,
        files,
        clock,
        listings: Mutex::default(),
        modules: Mutex::default(),
        problems: Mutex::default(),
        files_read: Mutex::new(0),
    };
    add_callers_of_named_modules(files, &loader, named, &mut dirs);

    // Which directories are roots (called by no linted directory) is only known once every
    // directory is parsed, but keeping every parse tree until then costs several times the
    // source size in memory. So: read every directory, guess the module directories from
    // the text (`source = "./…"`), parse and lint the other directories right away and drop
    // their trees, then check the guess against the parsed module calls. A wrong guess
    // costs time, never a result: a directory linted too early has its findings dropped,
    // one guessed wrongly as a module is linted afterwards.
    let dir_list: Vec<(&PathBuf, &Reported)> = dirs.iter().collect();
    let listings: Vec<Option<Arc<Listing>>> = dir_list.par_iter().map(|(d, _)| loader.listing(d)).collect();
    let guessed: HashSet<PathBuf> = dir_list
        .iter()
        .zip(&listings)
        .filter_map(|((d, _), l)| Some((*d, l.as_ref()?)))
        .flat_map(|(d, l)| {
            l.sources
                .iter()
                .flat_map(|src| tfparse::source_literals(&src.text))
                .filter(|s| is_local_source(s))
                .map(|s| files.key(&d.join(s)))
                .filter(|target| *target != files.key(d))
                .collect::<Vec<_>>()
        })
        .collect();

    struct Linted {
        index: usize,
        /// Local module directories it calls.
        calls: Vec<PathBuf>,
        result: Option<RootResult>,
    }
    let lint_one = |index: usize, module: &Arc<TfModule>| {
        let (dir, reported) = dir_list[index];
        crate::isolate(files, dir, || {
            lint_root(files, &loader, dir, *reported, named, module, &cli_vars)
        })
        .unwrap_or_else(|d| RootResult {
            diagnostics: vec![*d],
            ..RootResult::default()
        })
    };
    let calls_of = |dir: &Path, m: &TfModule| -> Vec<PathBuf> {
        m.modules
            .iter()
            .filter_map(|c| c.source.as_deref().filter(|s| is_local_source(s)))
            .map(|s| files.key(&dir.join(s)))
            .filter(|target| *target != files.key(dir))
            .collect()
    };
    let linted: Vec<Linted> = (0..dir_list.len())
        .into_par_iter()
        .filter(|&i| listings[i].is_some())
        .map(|i| {
            let dir = dir_list[i].0;
            if guessed.contains(&files.key(dir)) {
                let calls = loader.load_dir(dir).map(|m| calls_of(dir, &m)).unwrap_or_default();
                return Linted {
                    index: i,
                    calls,
                    result: None,
                };
            }
            let Some(module) = loader.root_dir(dir) else {
                return Linted {
                    index: i,
                    calls: Vec::new(),
                    result: None,
                };
            };
            Linted {
                index: i,
                calls: calls_of(dir, &module),
                result: Some(lint_one(i, &module)),
            }
        })
        .collect();

    // Directories some linted directory calls as a local module are not roots.
    let called: HashSet<PathBuf> = linted.iter().flat_map(|l| l.calls.iter().cloned()).collect();
    let is_root = |i: usize| !called.contains(&files.key(dir_list[i].0));
    // Every directory calls another (a cycle): lint them all rather than nothing.
    let all_called = !linted.iter().any(|l| is_root(l.index));
    let late: Vec<Option<RootResult>> = linted
        .par_iter()
        .filter(|l| l.result.is_none() && (all_called || is_root(l.index)))
        .map(|l| {
            let module = loader.load_dir(dir_list[l.index].0);
            module.map(|m| lint_one(l.index, &m))
        })
        .collect();
    let mut results: Vec<RootResult> = linted
        .into_iter()
        .filter(|l| all_called || is_root(l.index))
        .filter_map(|l| l.result)
        .collect();
    results.extend(late.into_iter().flatten());

    let mut diagnostics = loader.problems.into_inner().unwrap_or_else(|e| e.into_inner());
    if !named.is_empty() {
        // Syntax and read problems of directories read only as context of a named file
        // (its callers, their other modules) are not reported; those of named files, of
        // walked directories and of the modules their roots read are.
        let mut reported_dirs: HashSet<PathBuf> = dirs
            .iter()
            .filter(|(_, r)| **r == Reported::All)
            .map(|(d, _)| files.key(d))
            .collect();
        reported_dirs.extend(results.iter().flat_map(|r| r.dirs.iter().cloned()));
        diagnostics.retain(|d| {
            named.file_named(files, d.span.file)
                || files
                    .get(d.span.file)
                    .is_some_and(|f| reported_dirs.contains(&files.key(&parent_dir(&f.path))))
        });
    }
    diagnostics.extend(notices);
    let (mut unresolved, mut skipped, mut access) = (Vec::new(), Vec::new(), Vec::new());
    let mut declared = HashSet::new();
    for r in results {
        diagnostics.extend(r.diagnostics);
        unresolved.extend(r.unresolved);
        skipped.extend(r.skipped);
        access.extend(r.access);
        declared.extend(r.declared);
    }
    let mut undeclared_vars: Vec<String> = cli_vars
        .names
        .iter()
        .filter(|n| !declared.contains(*n))
        .cloned()
        .collect();
    undeclared_vars.sort();
    undeclared_vars.dedup();
    let files_read = *loader.files_read.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Outcome {
        diagnostics,
        unresolved,
        skipped,
        access,
        files_read: files_read + cli_vars.files_read,
        undeclared_vars,
    })
}

/// Files named on the command line (as pre-commit passes them) may belong to a module
/// that some root elsewhere in the repository calls. Linting that module on its own with
/// its defaults is the false positive this tool exists to avoid, so the callers (found
/// by scanning the repository of the named file, see [`Named::search_root`]) are linted
/// instead, reporting what touches the named files.
fn add_callers_of_named_modules(files: &Files, loader: &Loader, named: &Named, dirs: &mut BTreeMap<PathBuf, Reported>) {
    let touching: Vec<PathBuf> = dirs
        .iter()
        .filter(|(_, r)| **r == Reported::Touching)
        .map(|(d, _)| d.clone())
        .collect();
    if touching.is_empty() {
        return;
    }
    // Every Terraform directory of the repositories involved, parsed once.
    let context = named.context_files(files, touching.iter().map(PathBuf::as_path), &[FileKind::Terraform]);
    let repo_dirs: BTreeSet<PathBuf> = context.iter().map(|p| parent_dir(p)).collect();
    let calls: Vec<(PathBuf, Vec<PathBuf>)> = repo_dirs
        .par_iter()
        .filter_map(|d| {
            let m = loader.load_dir(d)?;
            let targets: Vec<PathBuf> = m
                .modules
                .iter()
                .filter_map(|c| c.source.as_deref().filter(|s| is_local_source(s)))
                .map(|s| files.key(&d.join(s)))
                .collect();
            (!targets.is_empty()).then(|| (d.clone(), targets))
        })
        .collect();
    // Walk up from each named module to the roots that call it (transitively).
    let mut listed: HashSet<PathBuf> = dirs.keys().map(|d| files.key(d)).collect();
    for dir in touching {
        let mut frontier = vec![files.key(&dir)];
        let mut seen: HashSet<PathBuf> = frontier.iter().cloned().collect();
        while let Some(target) = frontier.pop() {
            for (caller, targets) in &calls {
                if targets.contains(&target) && seen.insert(files.key(caller)) {
                    frontier.push(files.key(caller));
                    // The caller may be listed under another spelling of its path.
                    if listed.insert(files.key(caller)) {
                        dirs.insert(caller.clone(), Reported::Touching);
                    }
                }
            }
        }
    }
}

struct CliVars {
    /// `--var-file` contents then `--var`s, in precedence order.
    values: Vec<(String, VarValue)>,
    /// The names set with `--var`.
    names: Vec<String>,
    files_read: usize,
}

fn cli_vars(files: &Files, opts: &Options) -> Result<CliVars, Error> {
    let mut values = Vec::new();
    let mut files_read = 0;
    for path in &opts.var_files {
        // Read by the same policy as every file; the error names the file once.
        let fail = |message: String| Error::VarFile {
            path: path.clone(),
            message,
        };
        let bytes = files.policy().read(path).map_err(|e| match e {
            source::ReadError::Io(io) => fail(io.to_string()),
            e => fail(e.to_string()),
        })?;
        let text = source::decode(bytes).map_err(|e| fail(e.to_string()))?;
        let src = files.add(path.clone(), text);
        files_read += 1;
        let (fields, probs) = tfparse::parse_tfvars(src.id, &src.text);
        if let Some(p) = probs.first() {
            let pos = src.line_col(p.span.start);
            return Err(Error::VarFile {
                path: path.clone(),
                message: format!("{}:{}: {}", pos.line, pos.column, p.message),
            });
        }
        let label = format!("set in {}", src.display);
        values.extend(fields.into_iter().filter_map(|f| {
            Some((
                f.key?,
                VarValue {
                    expr: f.value,
                    label: label.clone(),
                },
            ))
        }));
    }
    if !opts.vars.is_empty() {
        // Give `--var` values a file of their own so they have spans like any other value.
        let mut text = String::new();
        let mut ranges = Vec::new();
        for (k, v) in &opts.vars {
            if k.is_empty() {
                return Err(Error::Var(format!("={v}")));
            }
            let start = text.len() + k.len() + 1;
            text.push_str(&format!("{k}={v}\n"));
            ranges.push((k.clone(), start..start + v.len()));
        }
        let src = files.add(PathBuf::from("<command line>"), text);
        for (k, range) in ranges {
            let raw = &src.text[range.clone()];
            let span = Span::new(src.id, range);
            // Terraform reads `-var` as a literal string unless it is a list or map.
            let expr = if raw.trim_start().starts_with(['[', '{']) {
                tfparse::parse_expr(src.id, raw)
                    .map(|mut e| {
                        shift(&mut e, span.start);
                        e
                    })
                    .unwrap_or_else(|| Expr::new(ExprKind::Str(raw.to_string()), span))
            } else {
                Expr::new(ExprKind::Str(raw.to_string()), span)
            };
            values.push((
                k.clone(),
                VarValue {
                    expr,
                    label: format!("set by --var {k}"),
                },
            ));
        }
    }
    let names = opts.vars.iter().map(|(k, _)| k.clone()).collect();
    Ok(CliVars {
        values,
        names,
        files_read,
    })
}

/// Moves an expression parsed from a substring to its place in the whole text.
fn shift(e: &mut Expr, by: u32) {
    e.span.start += by;
    e.span.end += by;
    match &mut e.kind {
        ExprKind::Array(items) => items.iter_mut().for_each(|i| shift(i, by)),
        ExprKind::Object(fields) => fields.iter_mut().for_each(|f| {
            f.key_span.start += by;
            f.key_span.end += by;
            shift(&mut f.value, by);
        }),
        _ => {}
    }
}

fn root_tfvars(files: &Files, paths: &[PathBuf], problems: &Mutex<Vec<Diagnostic>>) -> Vec<(String, VarValue)> {
    let mut out = Vec::new();
    for p in paths {
        let Some(src) = read_source(files, p, problems) else {
            continue;
        };
        let (fields, probs) = tfparse::parse_tfvars(src.id, &src.text);
        for prob in probs {
            push(problems, Diagnostic::syntax(&prob));
        }
        let label = format!("set in {}", src.display);
        out.extend(fields.into_iter().filter_map(|f| {
            Some((
                f.key?,
                VarValue {
                    expr: f.value,
                    label: label.clone(),
                },
            ))
        }));
    }
    out
}

fn lint_root(
    files: &Files,
    loader: &Loader,
    dir: &Path,
    reported: Reported,
    named: &Named,
    module: &Arc<TfModule>,
    cli: &CliVars,
) -> RootResult {
    let tfvars_files = loader.listing(dir).map(|l| l.tfvars.clone()).unwrap_or_default();
    let mut tfvars = root_tfvars(files, &tfvars_files, &loader.problems);
    tfvars.extend(cli.values.iter().cloned());
    let unit_loader = UnitLoader {
        shared: loader,
        root: dir,
        installed: OnceCell::new(),
        boundary: OnceCell::new(),
    };
    let (unit, inventory, unresolved, dirs) = loader.clock.time(Phase::Evaluate, || {
        let unit = TfUnit::new(module.clone(), tfvars, &unit_loader);
        let dirs = if reported == Reported::All && !named.is_empty() {
            unit.instances.iter().map(|i| files.key(&i.module.dir)).collect()
        } else {
            Vec::new()
        };
        let (inventory, unresolved) = crate::model::azurerm::build(&unit);
        loader.clock.note_work(&unit.budget);
        (unit, inventory, unresolved, dirs)
    });
    let mut diagnostics = loader
        .clock
        .time(Phase::Rules, || crate::rules::run(&inventory, loader.rules));
    crate::suppress::attach_calls(&mut diagnostics, &unit.resources, |i| unit.call_chain(i));
    label_installed_module_calls(files, &installed_module_calls(&unit), &mut diagnostics);
    // The root as its files are shown (the same whether it was walked or found as the
    // caller of a named file).
    let unit_name = loader
        .listing(dir)
        .and_then(|l| l.sources.first().map(|f| f.display.clone()))
        .and_then(|f| f.rsplit_once('/').map(|(d, _)| d.to_string()))
        .unwrap_or_else(|| ".".into());
    crate::name_unit(&unit_name, &mut diagnostics);
    let mut access = crate::access::collect(&inventory);
    access.iter_mut().for_each(|a| a.unit = unit_name.clone());
    let mut skipped = inventory.skipped;
    let declared = cli
        .names
        .iter()
        .filter(|n| module.variables.contains_key(*n))
        .cloned()
        .collect();
    let mut unresolved = unresolved;
    if reported == Reported::Touching {
        crate::suppress::hide_unless(&mut diagnostics, |d| named.touches(files, d));
        unresolved.retain(|u| named.file_named(files, u.span.file));
        skipped.retain(|k| named.file_named(files, k.span.file));
    }
    RootResult {
        diagnostics,
        unresolved,
        skipped,
        access,
        dirs,
        declared,
    }
}

/// The root's calls of modules installed under `.terraform/` (registry and remote modules
/// that `terraform init` fetched): (address prefix of the instance, the call's header).
fn installed_module_calls(unit: &TfUnit) -> Vec<(String, Span)> {
    unit.instances
        .iter()
        .filter_map(|i| match &i.caller {
            Some(c) if c.instance == 0 && in_dot_terraform(&i.module.dir) => Some((i.prefix.clone(), c.call.header)),
            _ => None,
        })
        .collect()
}

fn in_dot_terraform(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == ".terraform")
}

/// A finding wholly inside an installed module (a default the module leaves in place) is
/// about the root that calls it, but none of its spans is in a file anyone edits or names:
/// the walk skips `.terraform`, so `check FILE` could never report it. It gets a label at the
/// root's module call.
fn label_installed_module_calls(files: &Files, calls: &[(String, Span)], diagnostics: &mut [Diagnostic]) {
    if calls.is_empty() {
        return;
    }
    let hidden = |span: Span| files.get(span.file).is_some_and(|f| in_dot_terraform(&f.path));
    for d in diagnostics.iter_mut() {
        if !hidden(d.span) || d.labels.iter().any(|l| !hidden(l.span)) {
            continue;
        }
        // The instance's address names the module instance it is in.
        let Some(instance) = d.instances.first().map(|i| i.address.as_str()) else {
            continue;
        };
        if let Some((prefix, header)) = calls.iter().find(|(p, _)| instance.starts_with(p.as_str())) {
            let name = prefix.trim_end_matches('.').trim_start_matches("module.");
            d.labels.push(crate::diagnostic::Label {
                span: *header,
                message: format!("in module `{name}`, installed by `terraform init` and called here"),
            });
        }
    }
}
