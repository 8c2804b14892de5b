//! cosmolint — an offline linter for Azure Cosmos DB security in Infrastructure-as-Code.
//!
//! The public entry point is [`lint`]: paths and options in, a [`Report`] out. See
//! ARCHITECTURE.md for the pipeline (walk → parse → IR → evaluate → model → rules → report).

pub mod access;
pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod eval;
pub mod fix;
pub mod ir;
pub mod limits;
pub mod lsp;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod timings;
pub mod walk;

mod driver;
mod named;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use diagnostic::{Diagnostic, Severity, ToolCode};
use model::Unresolved;
use source::{Files, Span};

/// What to lint and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<String>,
    /// `--var-file`: tfvars files applied to every Terraform root, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, applied after the var files.
    pub vars: Vec<(String, String)>,
    /// `--parameters`: ARM parameter files (.json), applied to every ARM template in order
    /// after the template's own `<name>.parameters.json`, and Bicep parameter files
    /// (.bicepparam), each applied to the template its `using` names.
    pub parameters: Vec<PathBuf>,
    /// Paths are shown relative to this directory (the working directory).
    pub base: Option<PathBuf>,
    /// Files larger than this many bytes are not read (`io-error`); `None`:
    /// [`limits::DEFAULT_MAX_FILE_SIZE`]. At most [`limits::MAX_FILE_SIZE_CEILING`].
    pub max_file_size: Option<u64>,
    /// Rules, their options and severities, per-path ignores, the configuration's excludes
    /// ([`config::resolve`]; the default runs the rules that are on by default).
    pub settings: config::Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid --exclude pattern: {0}")]
    Exclude(#[from] globset::Error),
    #[error("cannot read --var-file {path}: {message}")]
    VarFile { path: PathBuf, message: String },
    #[error("cannot read --parameters {path}: {message}")]
    ParametersFile { path: PathBuf, message: String },
    #[error("invalid --var `{0}`: expected name=value")]
    Var(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_terraform_is_linted_without_the_file_system() {
        let report = lint_text(
            "x.tf",
            "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  public_network_access_enabled = false\n}\n",
        );
        let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["CDB002", "CDB001"]);
        let broken = lint_text("x.tf", "resource {");
        assert_eq!(broken.diagnostics[0].code, "syntax-error");
    }

    #[test]
    fn in_memory_arm_and_bicep_are_linted_by_extension() {
        let arm = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15",
            "name": "a", "properties": {"disableLocalAuth": false, "publicNetworkAccess": "Disabled"}}]}"#;
        let codes = |r: &Report| r.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>();
        // Each finding with the text its span covers.
        let located = |r: &Report| -> Vec<(&'static str, String)> {
            r.diagnostics
                .iter()
                .map(|d| {
                    let f = r.files.get(d.span.file).expect("the linted file");
                    (d.code, f.text[d.span.start as usize..d.span.end as usize].to_string())
                })
                .collect()
        };
        let report = lint_text("t.json", arm);
        assert_eq!(codes(&report), ["CDB002", "CDB001"]);
        assert_eq!(located(&report)[1], ("CDB001", "false".to_string()));
        // JSON that is not ARM, and names of no known kind, are not linted.
        assert!(lint_text("package.json", r#"{"name": "x"}"#).diagnostics.is_empty());
        assert!(lint_text("t.txt", arm).diagnostics.is_empty());
        let bicep = "module self 'main.bicep' = {\n  name: 'self'\n}\n\
            resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a'\n  \
            properties: {\n    disableLocalAuth: false\n    publicNetworkAccess: 'Disabled'\n  }\n}\n";
        let report = lint_text("main.bicep", bicep);
        assert_eq!(codes(&report), ["CDB002", "CDB001"]);
        assert_eq!(located(&report)[1], ("CDB001", "false".to_string()));
        assert_eq!(
            codes(&lint_text("main.bicepparam", "using 'main.bicep'\nparam = ")),
            ["syntax-error"]
        );
    }

    #[test]
    fn evaluating_everything_in_a_file_stays_within_the_budget() {
        let mut doubling = String::from("locals {\n  l0 = [\"x\"]\n");
        for i in 1..=30 {
            doubling.push_str(&format!("  l{i} = [local.l{0}, local.l{0}]\n", i - 1));
        }
        doubling.push_str("}\n");
        let w = evaluate_text("main.tf", &doubling, 10_000);
        assert_eq!((w.exhausted, w.total), (1, 10_000));
        let small = evaluate_text("main.tf", "variable \"x\" {\n  default = 1\n}\n", 10_000);
        assert_eq!(small.exhausted, 0);
        assert!(small.total > 0);
        let bicep = evaluate_text("main.bicep", "param p string = 'a'\nvar v = '${p}${p}'\n", 10_000);
        assert!(bicep.total > 0 && bicep.exhausted == 0, "{bicep:?}");
    }

    #[test]
    fn a_panic_becomes_an_internal_error_naming_the_file() {
        let files = Files::new(None);
        let ok = isolate(&files, std::path::Path::new("a.tf"), || 7);
        assert_eq!(ok.ok(), Some(7));
        let err = isolate(&files, std::path::Path::new("dir/b.tf"), || -> u8 { panic!("boom") }).unwrap_err();
        assert_eq!(err.code, "internal-error");
        assert!(
            err.message.contains("dir/b.tf") && err.message.contains("boom"),
            "{}",
            err.message
        );
        let report = Report {
            files: Arc::new(files),
            diagnostics: vec![*err],
            unresolved: Vec::new(),
            skipped: Vec::new(),
            access: Vec::new(),
            suppressed: Vec::new(),
            baselined: Vec::new(),
            baseline: None,
            rules: Vec::new(),
            summary: Summary::default(),
            timings: timings::Timings::default(),
            warnings: Vec::new(),
        };
        assert_eq!(report.exit_code(Severity::Error), 2);
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files read and parsed.
    pub files: usize,
    /// Rule findings (not tool diagnostics).
    pub findings: usize,
    /// Values rules needed but could not know offline (see `--show-unresolved`).
    pub unresolved: usize,
    /// Files that could not be parsed or decoded.
    pub parse_errors: usize,
    /// Resources, instances and module instances not deployed with these inputs (a
    /// condition known false, a count of 0, an empty collection); see `--show-unresolved`.
    pub skipped: usize,
    /// Rule findings silenced by an inline suppression (see `--show-suppressed`).
    pub suppressed: usize,
    /// Rule findings in the `--baseline` (not reported as findings).
    pub baselined: usize,
}

impl Summary {
    pub fn new(
        files: usize,
        diagnostics: &[Diagnostic],
        unresolved: &[Unresolved],
        skipped: &[model::Skipped],
    ) -> Summary {
        Summary {
            files,
            findings: diagnostics.iter().filter(|d| d.is_rule()).count(),
            unresolved: unresolved.len(),
            parse_errors: diagnostics
                .iter()
                .filter(|d| d.code == "syntax-error" || d.code == "encoding-error")
                .count(),
            skipped: skipped.len(),
            suppressed: 0,
            baselined: 0,
        }
    }
}

pub struct Report {
    pub files: Arc<Files>,
    /// Sorted by file, position, code. A finding that several instances, module instances
    /// or units share at one place is one diagnostic listing them.
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    /// What is not deployed with these inputs, and why; sorted by place.
    pub skipped: Vec<model::Skipped>,
    /// Per account instance, who can reach its data (`cosmolint access`); sorted by place.
    pub access: Vec<access::AccountAccess>,
    /// Findings an inline suppression silenced, sorted like `diagnostics`.
    pub suppressed: Vec<suppress::Suppressed>,
    /// Findings the baseline holds ([`baseline::apply`]), sorted like `diagnostics`.
    pub baselined: Vec<Diagnostic>,
    /// The baseline applied, and its entries that no longer occur.
    pub baseline: Option<baseline::Applied>,
    /// Ids of the rules that ran (the configuration's selection), in [`rules::ALL`] order.
    pub rules: Vec<&'static str>,
    pub summary: Summary,
    pub timings: timings::Timings,
    /// About the run rather than a file (no input found, an `--exclude` that matched
    /// nothing): printed to stderr, never part of a report format, never a failure.
    pub warnings: Vec<String>,
}

impl Report {
    /// Exit status: 2 if the tool could not do its job (unreadable input, internal error),
    /// 1 if a diagnostic (other than a notice) is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        let tool_failed = self
            .diagnostics
            .iter()
            .any(|d| d.code == ToolCode::IoError.meta().0 || d.code == ToolCode::InternalError.meta().0);
        if tool_failed {
            2
        } else if self.diagnostics.iter().any(|d| d.severity >= fail_on && !d.is_notice()) {
            1
        } else {
            0
        }
    }
}

/// Says which unit (a Terraform root directory, a Bicep file with its parameter file, an
/// ARM template) a unit's findings come from: how a finding that several units report
/// lists where each instance is.
pub(crate) fn name_unit(unit: &str, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        for i in &mut d.instances {
            i.unit = unit.to_string();
        }
    }
}

/// Runs `f`; a panic inside becomes an `internal-error` diagnostic naming `path`, so one
/// bad file never takes the other files' results down with it.
pub(crate) fn isolate<T>(files: &Files, path: &std::path::Path, f: impl FnOnce() -> T) -> Result<T, Box<Diagnostic>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let f = files.add(path.to_path_buf(), String::new());
        Box::new(Diagnostic::tool(
            ToolCode::InternalError,
            Span::new(f.id, 0..0),
            format!("cosmolint failed on {}: {what}; please report this bug", f.display),
        ))
    })
}

/// Lints the given paths.
pub fn lint(opts: &Options) -> Result<Report, Error> {
    lint_from(opts, source::Source::Disk)
}

/// Lints the given paths, reading files from `source` (see [`source::Source`]): the one
/// pipeline behind the CLI, [`lint_text`] and the language server.
pub fn lint_from(opts: &Options, source: source::Source) -> Result<Report, Error> {
    let started = std::time::Instant::now();
    let clock = timings::Clock::default();
    let base = opts.base.clone().or_else(|| std::env::current_dir().ok());
    // Nothing outside the repositories of the linted paths is read (a symlinked
    // `env.tf -> /proc/self/environ` or `leak.tf -> ../secret.txt`), except the parameter
    // and variable files the user named.
    let named: Vec<PathBuf> = opts.var_files.iter().chain(&opts.parameters).cloned().collect();
    let policy = source::ReadPolicy::for_paths(
        opts.max_file_size
            .unwrap_or(limits::DEFAULT_MAX_FILE_SIZE)
            .min(limits::MAX_FILE_SIZE_CEILING),
        &opts.paths,
        &named,
    )
    .with_source(source);
    let files = Arc::new(Files::with_policy(base, policy));
    let excludes = walk::build_excludes(&opts.excludes)?;
    let mut found = clock.time(timings::Phase::Discover, || {
        walk::discover(&opts.paths, &excludes, files.policy(), |p| files.display_path(p))
    });
    // The configuration's `exclude` applies to named files too (pre-commit names them).
    if let Some(ex) = &opts.settings.exclude {
        found.files.retain(|c| !ex.matches(&c.path));
    }

    let mut diagnostics = Vec::new();
    for (path, message) in &found.errors {
        let f = files.add(path.clone(), String::new());
        diagnostics.push(Diagnostic::tool(
            ToolCode::IoError,
            Span::new(f.id, 0..0),
            format!("cannot read {}: {message}", f.display),
        ));
    }
    for c in found.files.iter().filter(|c| c.explicit) {
        let unsupported = match c.kind {
            None => Some("cosmolint reads .tf, .tfvars, .bicep, .bicepparam and ARM .json files"),
            _ => None,
        };
        if let Some(why) = unsupported {
            let f = files.add(c.path.clone(), String::new());
            diagnostics.push(Diagnostic::tool(
                ToolCode::UnsupportedFile,
                Span::new(f.id, 0..0),
                format!("{} is not linted: {why}", f.display),
            ));
        }
    }

    // The three dialects are independent: run them side by side so that one's tail (its
    // last, largest file) overlaps with the others' work instead of idling a core.
    let named = named::Named::new(&found.files, &excludes);
    let (tf, (arm, bicep)) = rayon::join(
        || driver::terraform::lint(&files, &found.files, opts, &named, &clock),
        || {
            rayon::join(
                || driver::arm::lint(&files, &found.files, opts, &named, &clock),
                || driver::bicep::lint(&files, &found.files, opts, &named, &clock),
            )
        },
    );
    let (tf, arm) = (tf?, arm?);
    diagnostics.extend(tf.diagnostics);
    let mut unresolved = tf.unresolved;
    let mut skipped = tf.skipped;
    diagnostics.extend(arm.diagnostics);
    unresolved.extend(arm.unresolved);
    skipped.extend(arm.skipped);
    diagnostics.extend(bicep.diagnostics);
    unresolved.extend(bicep.unresolved);
    skipped.extend(bicep.skipped);
    // Values only an opt-in rule needs are listed when it runs.
    unresolved.retain(|u| {
        model::OPT_IN_UNRESOLVED
            .iter()
            .all(|(prefix, rule)| !u.what.starts_with(prefix) || opts.settings.rules.is_enabled(rule))
    });
    let mut access = tf.access;
    access.extend(arm.access);
    access.extend(bicep.access);
    access::sort(&files, &mut access);

    let (diagnostics, suppressed) = clock.time(timings::Phase::Suppress, || {
        // `[per-path-ignores]`: those rules are not reported in those files.
        let settings = &opts.settings;
        if !settings.per_path_ignores.is_empty() {
            diagnostics
                .retain(|d| !d.is_rule() || files.get(d.span.file).is_none_or(|f| settings.applies(d.code, &f.path)));
        }
        // Suppressions apply per instance, before findings of several instances are merged.
        let linted: Vec<PathBuf> = found.files.iter().map(|c| c.path.clone()).collect();
        let applied = suppress::apply(
            &files,
            diagnostics,
            &suppress::Scope {
                linted: &linted,
                enabled: &|rule, file| settings.applies(rule, &file.path),
            },
        );
        // Findings computed only to judge suppressions (they touch no named file) go now.
        let kept = applied.kept.into_iter().filter(|d| !d.context.hidden).collect();
        let mut diagnostics = merge(&files, kept);
        let suppressed = applied
            .suppressed
            .into_iter()
            .filter(|s| !s.diagnostic.context.hidden)
            .collect();
        let mut suppressed = merge_suppressed(&files, suppressed);
        baseline::fingerprint(
            &files,
            diagnostics
                .iter_mut()
                .chain(suppressed.iter_mut().map(|s| &mut s.diagnostic)),
        );
        (diagnostics, suppressed)
    });
    unresolved.sort_by_key(|u| {
        let f = files.get(u.span.file);
        (f.as_ref().map(|f| f.display.clone()), u.span.start, u.what.clone())
    });
    unresolved.dedup_by(|a, b| a.span == b.span && a.what == b.what);
    unresolved.retain(|u| u.what != "module" || module_may_hide_findings(&files, u.span));
    sort_skipped(&files, &mut skipped);

    let mut summary = Summary::new(
        tf.files_read + arm.files_read + bicep.files_read,
        &diagnostics,
        &unresolved,
        &skipped,
    );
    summary.suppressed = suppressed.len();
    // A run that found nothing to lint, or an exclude that excluded nothing, is most often a
    // wrong path or pattern: say so instead of reporting "0 findings" as if all was checked.
    let walked: Vec<&PathBuf> = opts.paths.iter().filter(|p| files.policy().is_dir(p)).collect();
    let mut warnings = Vec::new();
    if !walked.is_empty() {
        for pattern in &found.unmatched_excludes {
            warnings.push(format!("--exclude `{pattern}` matched no file"));
        }
    }
    for name in &tf.undeclared_vars {
        warnings.push(format!(
            "--var `{name}` has no effect: no linted Terraform root module declares variable `{name}`"
        ));
    }
    if summary.files == 0 && !walked.is_empty() {
        let under: Vec<String> = walked.iter().map(|p| files.display_path(p)).collect();
        let under: Vec<String> = under
            .into_iter()
            .map(|p| if p.is_empty() { ".".into() } else { p })
            .collect();
        warnings.push(format!(
            "no Terraform, Bicep or ARM files found under {}",
            under.join(", ")
        ));
    }
    Ok(Report {
        files,
        diagnostics,
        unresolved,
        skipped,
        access,
        suppressed,
        baselined: Vec::new(),
        baseline: None,
        rules: opts.settings.rules.enabled.clone(),
        summary,
        timings: timings::Timings::from_clock(&clock, started.elapsed()),
        warnings,
    })
}

/// Whether a module call that could not be followed may hide findings, from its source as
/// written: a local module (it is in the repository but cannot be read) or a registry or
/// remote module named for Cosmos DB (`Azure/cosmosdb/azurerm`,
/// `br/public:avm/res/document-db/database-account:0.8.0`). A registry key vault or web app
/// module is not a value any rule needs, and listing hundreds of them hid the few that are.
fn module_may_hide_findings(files: &Files, span: Span) -> bool {
    let Some(file) = files.get(span.file) else {
        return true;
    };
    let source = file.slice(span).trim_matches(['"', '\'']).to_ascii_lowercase();
    // Bicep paths are relative without `./` (`module m 'cosmos.bicep'`).
    let local = source.starts_with("./")
        || source.starts_with("../")
        || source.starts_with(".\\")
        || (source.ends_with(".bicep") && eval::bicep::is_local_module(&source));
    local
        || ["cosmos", "documentdb", "document-db"]
            .iter()
            .any(|k| source.contains(k))
}

/// The order and merge key of a diagnostic: displayed path, the file's own path (its
/// identity; the displayed path is only for people, so two files are never merged),
/// position, rule, message.
type SortKey = (String, PathBuf, u32, u32, &'static str, String);

fn sort_key(
    files: &Files,
    identity: &mut std::collections::HashMap<source::FileId, PathBuf>,
    d: &Diagnostic,
) -> SortKey {
    let file = files.get(d.span.file);
    let path = file.as_ref().map(|f| f.display.clone()).unwrap_or_default();
    let os_path = identity
        .entry(d.span.file)
        .or_insert_with(|| file.as_ref().map(|f| files.key(&f.path)).unwrap_or_default())
        .clone();
    let pos = file
        .map(|f| f.line_col(d.span.start))
        .unwrap_or(source::LineCol { line: 0, column: 0 });
    (path, os_path, pos.line, pos.column, d.code, d.message.clone())
}

/// Items keyed by `key`, in key order whatever the thread schedule; items with the same
/// key are merged into the first ([`Diagnostic::absorb`]), then finished.
fn merge_by<T, K: Ord>(
    items: Vec<T>,
    mut key: impl FnMut(&T) -> K,
    diagnostic: impl Fn(&mut T) -> &mut Diagnostic,
    into: impl Fn(T) -> Diagnostic,
) -> Vec<T> {
    let mut keyed: BTreeMap<K, T> = BTreeMap::new();
    for item in items {
        match keyed.entry(key(&item)) {
            std::collections::btree_map::Entry::Occupied(mut e) => diagnostic(e.get_mut()).absorb(into(item)),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(item);
            }
        }
    }
    let mut out: Vec<T> = keyed.into_values().collect();
    for item in &mut out {
        diagnostic(item).finish();
    }
    out
}

/// One diagnostic per (path, position, rule, message), in that order whatever the thread
/// schedule. Diagnostics with the same key — the same finding in several instances of a
/// loop, module instances, or units calling one module — are merged: the survivor lists
/// every instance and keeps every label ([`Diagnostic::absorb`]), so no caller disappears.
fn merge(files: &Files, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut identity = std::collections::HashMap::new();
    merge_by(diagnostics, |d| sort_key(files, &mut identity, d), |d| d, |d| d)
}

/// Suppressed findings merged like [`merge`], per suppression: the instances one
/// suppression silenced are one entry with its reason.
fn merge_suppressed(files: &Files, suppressed: Vec<suppress::Suppressed>) -> Vec<suppress::Suppressed> {
    let mut identity = std::collections::HashMap::new();
    merge_by(
        suppressed,
        |s| (sort_key(files, &mut identity, &s.diagnostic), s.by.file, s.by.start),
        |s| &mut s.diagnostic,
        |s| s.diagnostic,
    )
}

/// By place and resource, without repeats (a module two roots call is skipped in both).
fn sort_skipped(files: &Files, skipped: &mut Vec<model::Skipped>) {
    skipped.sort_by_key(|s| {
        let f = files.get(s.span.file);
        (
            f.as_ref().map(|f| f.display.clone()),
            s.span.start,
            s.resource.clone(),
            s.why.clone(),
        )
    });
    skipped.dedup();
}

/// Lints one in-memory file on its own, with no file system: no sibling files, tfvars,
/// parameter files or modules. The file's kind comes from `name`'s extension, as in a
/// directory walk (`.tf`, `.json`/`.jsonc` sniffed for ARM, `.bicep`, `.bicepparam`); any
/// other name gives an empty report. It runs the pipeline of [`lint`] on a
/// [`source::Source::Text`], so the fuzz targets exercise the drivers; editors use
/// [`lint_from`] with an overlay so that a file's directory is its context.
pub fn lint_text(name: &str, text: &str) -> Report {
    let path = PathBuf::from(name);
    let empty = |warnings: Vec<String>| Report {
        files: Arc::new(Files::new(None)),
        diagnostics: Vec::new(),
        unresolved: Vec::new(),
        skipped: Vec::new(),
        access: Vec::new(),
        suppressed: Vec::new(),
        baselined: Vec::new(),
        baseline: None,
        rules: rules::Settings::default().enabled,
        summary: Summary::default(),
        timings: timings::Timings::default(),
        warnings,
    };
    if walk::FileKind::of(&path).is_none() {
        return empty(Vec::new());
    }
    let opts = Options {
        paths: vec![path.clone()],
        ..Options::default()
    };
    let source = source::Source::Text {
        path,
        text: text.into(),
    };
    // Only usage errors fail a run, and in-memory text has none (no --var-file or
    // --parameters to read, no exclude pattern).
    let mut report = lint_from(&opts, source).unwrap_or_else(|e| empty(vec![e.to_string()]));
    // Nothing else exists, so that a parameter file's template cannot be found is no news.
    report.diagnostics.retain(|d| !d.is_notice());
    report
}

/// Evaluates every declaration of one in-memory file — each variable, local, parameter and
/// output, normally and in strict mode, then the model with every resource's instances —
/// under a work budget of `budget` units, and says what it spent. For the evaluator fuzz
/// targets (`fuzz/`): whatever the text, this ends within the budget; the dialect comes
/// from `name` as for [`lint_text`].
pub fn evaluate_text(name: &str, text: &str, budget: u64) -> timings::Work {
    use eval::{Budget, Evaluator, Scope};
    use ir::{Expr, ExprKind};
    let files = Files::new(None);
    let path = PathBuf::from(name);
    let src = files.add(path.clone(), text.to_string());
    let at = Span::new(src.id, 0..0);
    let name_expr = |n: &str| Expr::new(ExprKind::Name(n.to_string()), at);
    let attr = |root: &str, n: &str| Expr::new(ExprKind::GetAttr(Box::new(name_expr(root)), n.to_string()), at);
    let call = |f: &str, n: &str| {
        Expr::new(
            ExprKind::Call(f.to_string(), vec![Expr::new(ExprKind::Str(n.to_string()), at)]),
            at,
        )
    };
    // Every expression, normally and strictly, then the model.
    let run = |env: &dyn eval::Env, exprs: &[(u32, Expr)]| {
        for ev in [Evaluator::new(env), Evaluator::strict(env)] {
            for (inst, e) in exprs {
                ev.eval(&Scope::new(*inst), e);
            }
        }
    };
    let work = |b: &Budget| timings::Work {
        units: 1,
        total: b.used(),
        max: b.used(),
        exhausted: u64::from(b.exhausted()),
    };
    match walk::FileKind::of(&path) {
        Some(walk::FileKind::Terraform) => {
            let parsed = parse::terraform::parse(src.id, &src.text);
            let module = Arc::new(eval::terraform::TfModule::new(PathBuf::from("."), [parsed]));
            let mut unit = eval::terraform::TfUnit::new(module.clone(), Vec::new(), &NoModules);
            unit.budget = Budget::new(budget);
            let mut exprs: Vec<(u32, Expr)> = Vec::new();
            exprs.extend(module.variables.keys().map(|n| (0, attr("var", n))));
            exprs.extend(module.locals.keys().map(|n| (0, attr("local", n))));
            exprs.extend(module.outputs.values().map(|e| (0, e.clone())));
            run(&unit, &exprs);
            model::azurerm::build(&unit);
            work(&unit.budget)
        }
        Some(walk::FileKind::Json) => {
            let Some(parsed) = parse::arm::parse(src.id, &src.text) else {
                return timings::Work::default();
            };
            let (parse::arm::JsonKind::Template, Some(root)) = (parsed.kind, &parsed.root) else {
                return timings::Work::default();
            };
            let mut unit = eval::arm::ArmUnit::new(root, &src.text, &[]);
            unit.budget = Budget::new(budget);
            let names = |section: &str| -> Vec<String> {
                match eval::arm::get(root, section).map(|e| &e.kind) {
                    Some(ExprKind::Object(fields)) => fields.iter().filter_map(|f| f.key.clone()).collect(),
                    _ => Vec::new(),
                }
            };
            let mut exprs: Vec<(u32, Expr)> = Vec::new();
            exprs.extend(names("parameters").iter().map(|n| (0, call("parameters", n))));
            exprs.extend(names("variables").iter().map(|n| (0, call("variables", n))));
            run(&unit, &exprs);
            model::arm::build(&unit, &unit.resources);
            work(&unit.budget)
        }
        Some(walk::FileKind::Bicep) => {
            let parsed = Arc::new(parse::bicep::parse(src.id, &src.text));
            let only_itself = OnlyItself {
                path: eval::bicep::normalize(&path),
                file: parsed.clone(),
            };
            let mut unit = eval::bicep::BicepUnit::new(parsed.clone(), only_itself.path.clone(), None, &only_itself);
            unit.budget = Budget::new(budget);
            let mut exprs: Vec<(u32, Expr)> = Vec::new();
            exprs.extend(parsed.params.iter().map(|p| (0, name_expr(&p.name))));
            exprs.extend(parsed.vars.iter().map(|v| (0, name_expr(&v.name))));
            exprs.extend(parsed.outputs.iter().map(|o| (0, o.value.clone())));
            run(&unit, &exprs);
            model::arm::build(&unit, &unit.resources);
            work(&unit.budget)
        }
        _ => timings::Work::default(),
    }
}

/// A Bicep loader that knows only the file being linted (so a module that includes itself
/// is still exercised).
struct OnlyItself {
    path: PathBuf,
    file: Arc<parse::bicep::BicepFile>,
}

impl eval::bicep::BicepLoader for OnlyItself {
    fn load(&self, path: &std::path::Path) -> Option<Arc<parse::bicep::BicepFile>> {
        (eval::bicep::normalize(path) == self.path).then(|| self.file.clone())
    }
}

/// A module loader that follows nothing.
struct NoModules;

impl eval::terraform::ModuleLoader for NoModules {
    fn resolve(&self, _: &std::path::Path, _: &str, source: &str) -> Result<PathBuf, String> {
        Err(format!("module `{source}` is not followed for in-memory text"))
    }

    fn load(&self, _: &std::path::Path) -> Option<Arc<eval::terraform::TfModule>> {
        None
    }
}
