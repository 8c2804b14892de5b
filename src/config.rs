//! `.cosmolint.toml`: finding it, reading it, and resolving it with the command line into
//! what a run does. One library entry point for every front end (the CLI today, the
//! language server later): [`find`] → [`load`] → [`resolve`].
//!
//! The file is deserialized into typed structs with `deny_unknown_fields` (the `toml` crate
//! with serde), so an unknown key or a bad value is an error naming the key, the file, the
//! line and the column; every list value keeps its span so that an unknown rule id points
//! at itself. Rule options are each rule's own serde type ([`crate::rules::RuleOptions`]).
//!
//! Precedence: the command line over the file over the defaults. Rule selection is
//! layered as in ruff: each layer (defaults, then the file, then the command line) may
//! replace the set (`select`), add to it (`extend-select`) and remove from it (`ignore`), in
//! that order.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::rules::{self, RuleOptions};
use crate::source::{normalize, FileId, SourceFile};

/// The configuration file's name.
pub const FILE_NAME: &str = ".cosmolint.toml";

/// A configuration file larger than this is refused.
const MAX_SIZE: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A key or value of the file is wrong.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("cannot read {file}: {message}")]
    Read { file: String, message: String },
    /// A command-line value is wrong, or the configuration is ambiguous.
    #[error("{0}")]
    Usage(String),
}

type Ids = Spanned<Vec<Spanned<String>>>;

/// The file as written. Every field is optional: what is absent keeps its default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Ids>,
    ignore: Option<Ids>,
    extend_select: Option<Ids>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
    exclude: Option<Ids>,
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Ids>,
    var_files: Option<Ids>,
    parameters: Option<Ids>,
    fail_on: Option<Spanned<Severity>>,
    rules: Option<Spanned<RuleOptions>>,
}

/// Where each `[rules.<rule>]` table is (a second, lenient pass over the same text).
#[derive(Debug, Default, Deserialize)]
struct RuleTables {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, toml::Table>,
}

/// A configuration file, read and checked for syntax and types.
#[derive(Debug)]
pub struct ConfigFile {
    /// As found or given.
    pub path: PathBuf,
    /// Relative paths and globs in the file are relative to this directory.
    pub dir: PathBuf,
    /// For messages: the path relative to the working directory.
    pub display: String,
    src: SourceFile,
    raw: Raw,
    tables: RuleTables,
}

impl ConfigFile {
    fn position(&self, offset: usize) -> (u32, u32) {
        let p = self.src.line_col(offset as u32);
        (p.line, p.column)
    }

    fn invalid(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> ConfigError {
        let (line, column) = self.position(span.start);
        ConfigError::Invalid {
            file: self.display.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        Origin::File {
            file: self.display.clone(),
            line: self.position(span.start).0,
        }
    }
}

/// Where an effective value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Default,
    File { file: String, line: u32 },
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { file, line } => write!(f, "{file}:{line}"),
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}

/// Globs matched against paths relative to a base directory (a configuration file's). A
/// pattern naming a directory also matches everything below it.
#[derive(Clone, Debug)]
pub struct PathGlobs {
    base: PathBuf,
    set: GlobSet,
    pub patterns: Vec<String>,
}

impl PathGlobs {
    fn new(base: &Path, patterns: &[String]) -> Result<PathGlobs, (usize, globset::Error)> {
        let mut b = GlobSetBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            let p = p.strip_prefix("./").unwrap_or(p);
            b.add(Glob::new(p).map_err(|e| (i, e))?);
            let trimmed = p.trim_end_matches('/');
            if !trimmed.ends_with("**") {
                b.add(Glob::new(&format!("{trimmed}/**")).map_err(|e| (i, e))?);
            }
        }
        Ok(PathGlobs {
            base: base.to_path_buf(),
            set: b.build().map_err(|e| (0, e))?,
            patterns: patterns.to_vec(),
        })
    }

    /// Whether `path` (relative to the working directory, or absolute) is below the base
    /// and matches a pattern.
    pub fn matches(&self, path: &Path) -> bool {
        let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        let relative = match absolute.strip_prefix(&self.base) {
            Ok(r) => r.to_path_buf(),
            // The base is canonical; the path may go through a symlink.
            Err(_) => match std::fs::canonicalize(path)
                .ok()
                .and_then(|c| c.strip_prefix(&self.base).ok().map(Path::to_path_buf))
            {
                Some(r) => r,
                None => return false,
            },
        };
        let text = relative.to_string_lossy().replace('\\', "/");
        !text.is_empty() && self.set.is_match(text.as_str())
    }
}

/// `[per-path-ignores]`: these rules are not reported in files matching the glob.
#[derive(Clone, Debug)]
pub struct PathIgnore {
    pub globs: PathGlobs,
    pub rules: Vec<&'static str>,
}

/// What the library applies to a run (the binary also reads the var files, parameters and
/// fail-on of a [`Resolved`] configuration).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub rules: rules::Settings,
    pub per_path_ignores: Vec<PathIgnore>,
    /// The file's `exclude`: files not linted (command-line `--exclude` globs add to it).
    pub exclude: Option<PathGlobs>,
}

impl Settings {
    /// Whether `rule` runs and is reported in the file at `path`.
    pub fn applies(&self, rule: &str, path: &Path) -> bool {
        self.rules.is_enabled(rule)
            && !self
                .per_path_ignores
                .iter()
                .any(|p| p.rules.contains(&rule) && p.globs.matches(path))
    }
}

/// What the command line says, layered over the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--select` (given at all: replaces the file's selection).
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    /// `--var-file` (when any is given, the file's `var-files` are not used).
    pub var_files: Vec<PathBuf>,
    /// `--parameters` (when any is given, the file's `parameters` are not used).
    pub parameters: Vec<PathBuf>,
}

/// Why a rule is on or off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleState {
    pub id: &'static str,
    pub enabled: bool,
    /// `default`, `select`, `extend-select` or `ignore`.
    pub by: &'static str,
    pub origin: Origin,
}

/// The effective configuration of a run, with where each value came from.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The configuration file used, if any.
    pub file: Option<String>,
    pub settings: Settings,
    pub rule_states: Vec<RuleState>,
    pub severity_origins: BTreeMap<&'static str, Origin>,
    /// Where each rule's `[rules.<rule>]` table is, by rule id.
    pub options_origins: BTreeMap<&'static str, Origin>,
    pub exclude_origin: Origin,
    pub per_path_origins: Vec<Origin>,
    pub fail_on: (Severity, Origin),
    pub var_files: (Vec<PathBuf>, Origin),
    pub parameters: (Vec<PathBuf>, Origin),
}

/// The configuration file for `paths`: the nearest `.cosmolint.toml` at or above each
/// path's directory, up to its repository root (the nearest directory with `.git`; without
/// one, only the path's own directory). All paths must find the same file (or none).
pub fn find(paths: &[PathBuf]) -> Result<Option<PathBuf>, ConfigError> {
    let mut chosen: Option<(Option<PathBuf>, &Path)> = None;
    for p in paths {
        let found = find_for(p);
        match &chosen {
            None => chosen = Some((found, p)),
            Some((c, first)) if *c != found => {
                let name = |c: &Option<PathBuf>| c.as_ref().map_or("none".to_string(), |c| c.display().to_string());
                return Err(ConfigError::Usage(format!(
                    "{} and {} have different configurations ({} and {}); lint them in separate runs or name one with --config",
                    first.display(),
                    p.display(),
                    name(c),
                    name(&found)
                )));
            }
            Some(_) => {}
        }
    }
    Ok(chosen.and_then(|(c, _)| c))
}

fn find_for(path: &Path) -> Option<PathBuf> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let start = if canonical.is_dir() {
        canonical
    } else {
        canonical.parent()?.to_path_buf()
    };
    let stop = crate::source::repository_root(&start).unwrap_or_else(|| start.clone());
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if std::fs::metadata(&candidate).is_ok_and(|m| m.is_file()) {
            return Some(candidate);
        }
        if dir == stop {
            break;
        }
    }
    None
}

/// Reads and type-checks a configuration file. `base` is the working directory, for
/// messages.
pub fn load(path: &Path, base: Option<&Path>) -> Result<ConfigFile, ConfigError> {
    let display = crate::source::display_path(path, base);
    let read_error = |message: String| ConfigError::Read {
        file: display.clone(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| read_error(e.to_string()))?;
    if !meta.is_file() {
        return Err(read_error("not a regular file".into()));
    }
    if meta.len() > MAX_SIZE {
        return Err(read_error(format!("larger than {} KiB", MAX_SIZE >> 10)));
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(e.to_string()))?;
    let text = crate::source::decode(bytes).map_err(|e| read_error(e.to_string()))?;
    let dir = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
    parse(path.to_path_buf(), dir, display, text)
}

/// Checks a configuration's text; `dir` is what its relative paths are relative to.
pub fn parse(path: PathBuf, dir: PathBuf, display: String, text: String) -> Result<ConfigFile, ConfigError> {
    let src = SourceFile::new(FileId(0), path.clone(), display.clone(), text.into());
    let mut file = ConfigFile {
        path,
        dir,
        display,
        src,
        raw: Raw::default(),
        tables: RuleTables::default(),
    };
    // Rule tables first, for a clearer message than serde's about a rule without options.
    if let Ok(tables) = toml::from_str::<RuleTables>(&file.src.text) {
        let with_options = toml::Table::try_from(RuleOptions::default()).unwrap_or_default();
        for key in tables.rules.keys() {
            let message = match rules::find(key.get_ref()) {
                None => format!(
                    "`rules`: unknown rule `{}` (known rules: {})",
                    key.get_ref(),
                    known_rules()
                ),
                Some(r) if !with_options.contains_key(r.id) => {
                    let have: Vec<&str> = with_options.keys().map(String::as_str).collect();
                    format!(
                        "`rules.{}`: {} ({}) has no options (rules with options: {})",
                        key.get_ref(),
                        r.id,
                        r.name,
                        have.join(", ")
                    )
                }
                Some(_) => continue,
            };
            return Err(file.invalid(key.span(), message));
        }
        file.tables = tables;
    }
    match toml::from_str::<Raw>(&file.src.text) {
        Ok(raw) => file.raw = raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return Err(file.invalid(span, e.message().trim_end().to_string()));
        }
    }
    Ok(file)
}

fn known_rules() -> String {
    rules::ALL
        .iter()
        .map(|r| format!("{} ({})", r.id, r.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rule ids a list names (`ALL` is every rule); `Err(name)` for an unknown one.
fn rule_ids<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Vec<&'static str>, &'a str> {
    rule_ids_in(rules::ALL, names)
}

/// [`rule_ids`] over a catalogue of rules: `ALL` is every rule of it, opt-in rules
/// (`enabled_by_default: false`) included; a rule is named by its id or its name.
fn rule_ids_in<'a>(
    catalogue: &[&'static rules::RuleMeta],
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<&'static str>, &'a str> {
    let mut out = Vec::new();
    for n in names {
        let n = n.trim();
        if n == "ALL" {
            out.extend(catalogue.iter().map(|r| r.id));
            continue;
        }
        match catalogue
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(n) || r.name.eq_ignore_ascii_case(n))
        {
            Some(r) => out.push(r.id),
            None => return Err(n),
        }
    }
    Ok(out)
}

fn file_ids(file: &ConfigFile, key: &str, ids: &Ids) -> Result<Vec<&'static str>, ConfigError> {
    let mut out = Vec::new();
    for name in ids.get_ref() {
        match rule_ids([name.get_ref().as_str()]) {
            Ok(v) => out.extend(v),
            Err(n) => {
                return Err(file.invalid(
                    name.span(),
                    format!(
                        "`{key}`: unknown rule `{n}` (use an id, a name or ALL; known rules: {})",
                        known_rules()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

fn flag_ids(flag: &str, names: &[String]) -> Result<Vec<&'static str>, ConfigError> {
    rule_ids(names.iter().flat_map(|n| n.split(',')).filter(|n| !n.trim().is_empty())).map_err(|n| {
        ConfigError::Usage(format!(
            "{flag}: unknown rule `{n}` (use an id, a name or ALL; known rules: {})",
            known_rules()
        ))
    })
}

/// One layer of rule selection.
struct Layer {
    select: Option<(Vec<&'static str>, Origin)>,
    extend: (Vec<&'static str>, Origin),
    ignore: (Vec<&'static str>, Origin),
}

/// Rule selection: each rule starts at its default (on, or off for an opt-in rule), then
/// each layer (the file, then the command line) replaces the set (`select`), adds to it
/// (`extend-select`) and removes from it (`ignore`), in that order. An opt-in rule runs
/// only when a layer names it in `select` or `extend-select` (or `ALL`).
fn select(catalogue: &[&'static rules::RuleMeta], layers: &[Layer]) -> Vec<RuleState> {
    let mut states: Vec<RuleState> = catalogue
        .iter()
        .map(|r| RuleState {
            id: r.id,
            enabled: r.enabled_by_default,
            by: "default",
            origin: Origin::Default,
        })
        .collect();
    for layer in layers {
        if let Some((ids, origin)) = &layer.select {
            for s in &mut states {
                s.enabled = ids.contains(&s.id);
                s.by = "select";
                s.origin = origin.clone();
            }
        }
        for (ids, origin, on, by) in [
            (&layer.extend.0, &layer.extend.1, true, "extend-select"),
            (&layer.ignore.0, &layer.ignore.1, false, "ignore"),
        ] {
            for s in states.iter_mut().filter(|s| ids.contains(&s.id)) {
                s.enabled = on;
                s.by = by;
                s.origin = origin.clone();
            }
        }
    }
    states
}

/// Combines the defaults, the file (if any) and the command line.
pub fn resolve(file: Option<&ConfigFile>, cli: &Overrides) -> Result<Resolved, ConfigError> {
    let mut layers = Vec::new();
    let mut settings = Settings::default();
    let mut severity_origins = BTreeMap::new();
    let mut options_origins = BTreeMap::new();
    let mut exclude_origin = Origin::Default;
    let mut per_path_origins = Vec::new();
    let mut fail_on = (Severity::Info, Origin::Default);
    let mut var_files = (Vec::new(), Origin::Default);
    let mut parameters = (Vec::new(), Origin::Default);

    if let Some(f) = file {
        let raw = &f.raw;
        let ids = |key: &str, v: &Option<Ids>| -> Result<Option<(Vec<&'static str>, Origin)>, ConfigError> {
            v.as_ref()
                .map(|ids| Ok((file_ids(f, key, ids)?, f.origin(ids.span()))))
                .transpose()
        };
        layers.push(Layer {
            select: ids("select", &raw.select)?,
            extend: ids("extend-select", &raw.extend_select)?.unwrap_or((Vec::new(), Origin::Default)),
            ignore: ids("ignore", &raw.ignore)?.unwrap_or((Vec::new(), Origin::Default)),
        });
        for (key, sev) in &raw.severity {
            let Some(rule) = rules::find(key.get_ref()) else {
                return Err(f.invalid(
                    key.span(),
                    format!(
                        "`severity`: unknown rule `{}` (known rules: {})",
                        key.get_ref(),
                        known_rules()
                    ),
                ));
            };
            settings.rules.severity.insert(rule.id, *sev.get_ref());
            severity_origins.insert(rule.id, f.origin(key.span()));
        }
        if let Some(opts) = &raw.rules {
            settings.rules.options = opts.get_ref().clone();
            for (key, table) in &f.tables.rules {
                // An empty table (as `cosmolint init` writes them) sets nothing.
                if let Some(r) = rules::find(key.get_ref()).filter(|_| !table.is_empty()) {
                    options_origins.insert(r.id, f.origin(key.span()));
                }
            }
        }
        if let Some(ex) = &raw.exclude {
            let patterns: Vec<String> = ex.get_ref().iter().map(|p| p.get_ref().clone()).collect();
            settings.exclude = Some(
                PathGlobs::new(&f.dir, &patterns)
                    .map_err(|(i, e)| f.invalid(ex.get_ref()[i].span(), format!("`exclude`: {e}")))?,
            );
            exclude_origin = f.origin(ex.span());
        }
        for (glob, ids) in &raw.per_path_ignores {
            let globs = PathGlobs::new(&f.dir, std::slice::from_ref(glob.get_ref()))
                .map_err(|(_, e)| f.invalid(glob.span(), format!("`per-path-ignores`: {e}")))?;
            settings.per_path_ignores.push(PathIgnore {
                globs,
                rules: file_ids(f, "per-path-ignores", ids)?,
            });
            per_path_origins.push(f.origin(glob.span()));
        }
        if let Some(s) = &raw.fail_on {
            fail_on = (*s.get_ref(), f.origin(s.span()));
        }
        let paths = |v: &Ids| -> Vec<PathBuf> { v.get_ref().iter().map(|p| f.dir.join(p.get_ref())).collect() };
        if let Some(v) = &raw.var_files {
            var_files = (paths(v), f.origin(v.span()));
        }
        if let Some(v) = &raw.parameters {
            parameters = (paths(v), f.origin(v.span()));
        }
    }

    layers.push(Layer {
        select: cli
            .select
            .as_ref()
            .map(|s| Ok::<_, ConfigError>((flag_ids("--select", s)?, Origin::Flag("--select"))))
            .transpose()?,
        extend: (
            flag_ids("--extend-select", &cli.extend_select)?,
            Origin::Flag("--extend-select"),
        ),
        ignore: (flag_ids("--ignore", &cli.ignore)?, Origin::Flag("--ignore")),
    });
    if let Some(s) = cli.fail_on {
        fail_on = (s, Origin::Flag("--fail-on"));
    }
    if !cli.var_files.is_empty() {
        var_files = (cli.var_files.clone(), Origin::Flag("--var-file"));
    }
    if !cli.parameters.is_empty() {
        parameters = (cli.parameters.clone(), Origin::Flag("--parameters"));
    }

    let states = select(rules::ALL, &layers);
    settings.rules.enabled = states.iter().filter(|s| s.enabled).map(|s| s.id).collect();

    Ok(Resolved {
        file: file.map(|f| f.display.clone()),
        settings,
        rule_states: states,
        severity_origins,
        options_origins,
        exclude_origin,
        per_path_origins,
        fail_on,
        var_files,
        parameters,
    })
}

/// TOML text of a value (a string, a list of strings).
fn toml_value(v: impl serde::Serialize) -> String {
    toml::Value::try_from(v).map(|v| v.to_string()).unwrap_or_default()
}

impl Resolved {
    /// The effective configuration as a loadable `.cosmolint.toml`, each value followed by
    /// where it came from (`cosmolint config`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, text: String, origin: &Origin| {
            out.push_str(&format!("{text:<60} # {origin}\n"));
        };
        out.push_str(&format!(
            "# Effective configuration of cosmolint {} ({})\n# Each value is followed by where it comes from.\n\n",
            env!("CARGO_PKG_VERSION"),
            match &self.file {
                Some(f) => format!("configuration file: {f}"),
                None => "no configuration file".to_string(),
            }
        ));
        let enabled: Vec<&str> = self.rule_states.iter().filter(|s| s.enabled).map(|s| s.id).collect();
        out.push_str("# The rules that run, and why:\n");
        for s in &self.rule_states {
            let meta = rules::find(s.id);
            let severity = self
                .settings
                .rules
                .severity
                .get(s.id)
                .copied()
                .or(meta.map(|m| m.severity))
                .unwrap_or(Severity::Warning);
            out.push_str(&format!(
                "#   {} {:<28} {:<3} {:<7} {} ({})\n",
                s.id,
                meta.map_or("", |m| m.name),
                if s.enabled { "on" } else { "off" },
                severity.as_str(),
                s.by,
                s.origin
            ));
        }
        out.push_str(&format!(
            "{:<60} # combined from the rules above\n",
            format!("select = {}", toml_value(&enabled))
        ));
        line(
            &mut out,
            format!("fail-on = {}", toml_value(self.fail_on.0.as_str())),
            &self.fail_on.1,
        );
        let globs = self
            .settings
            .exclude
            .as_ref()
            .map(|e| e.patterns.clone())
            .unwrap_or_default();
        line(
            &mut out,
            format!("exclude = {}", toml_value(&globs)),
            &self.exclude_origin,
        );
        let paths = |v: &[PathBuf]| toml_value(v.iter().map(|p| p.display().to_string()).collect::<Vec<_>>());
        line(
            &mut out,
            format!("var-files = {}", paths(&self.var_files.0)),
            &self.var_files.1,
        );
        line(
            &mut out,
            format!("parameters = {}", paths(&self.parameters.0)),
            &self.parameters.1,
        );
        out.push_str("\n[severity]\n");
        for (id, sev) in &self.settings.rules.severity {
            let origin = self.severity_origins.get(id).cloned().unwrap_or(Origin::Default);
            line(&mut out, format!("{id} = {}", toml_value(sev.as_str())), &origin);
        }
        out.push_str("\n[per-path-ignores]\n");
        for (p, origin) in self.settings.per_path_ignores.iter().zip(&self.per_path_origins) {
            let glob = p.globs.patterns.first().cloned().unwrap_or_default();
            line(
                &mut out,
                format!("{} = {}", toml_value(&glob), toml_value(&p.rules)),
                origin,
            );
        }
        // Rule options, one `[rules.<id>]` table per rule that has options.
        let options = toml::Table::try_from(&self.settings.rules.options).unwrap_or_default();
        for (id, table) in &options {
            let origin = rules::find(id)
                .and_then(|r| self.options_origins.get(r.id))
                .cloned()
                .unwrap_or(Origin::Default);
            out.push('\n');
            line(&mut out, format!("[rules.{id}]"), &origin);
            if let toml::Value::Table(t) = table {
                for (k, v) in t {
                    out.push_str(&format!("{k} = {v}\n"));
                }
            }
        }
        out
    }
}

/// The commented default configuration `cosmolint init` writes: every key, commented out
/// at its default, so the file changes nothing until a line is uncommented.
pub fn template() -> String {
    let on: Vec<&str> = rules::ALL
        .iter()
        .filter(|r| r.enabled_by_default)
        .map(|r| r.id)
        .collect();
    let mut rule_lines = String::new();
    for r in rules::ALL {
        rule_lines.push_str(&format!(
            "#   {} {:<28} {:<7} {}  {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
            if r.enabled_by_default { "on " } else { "off" },
            r.summary
        ));
    }
    let on = toml_value(&on);
    format!(
        r#"# cosmolint configuration (https://github.com/cosmolint/cosmolint#configuration).
# cosmolint finds this file from each linted path upward to the repository root; paths and
# globs here are relative to this file's directory. Command-line flags win over this file.
# Every setting below is commented out at its default.
#
# Rules (id, name, default severity, on by default, summary):
{rule_lines}
# Rules to run, by id or name; ALL is every rule (the default: the rules that are on).
# select = {on}

# Rules to add to the selection (rules that are off by default).
# extend-select = []

# Rules not to run.
# ignore = []

# Exit with status 1 only for findings at or above this severity: "error", "warning", "info".
# fail-on = "info"

# Files and directories not to lint (globs; a directory excludes everything below it).
# exclude = ["examples", "**/*.test.tf"]

# Terraform variable files applied to every root module, and ARM/Bicep parameter files,
# used when none is given on the command line.
# var-files = ["environments/prod.tfvars"]
# parameters = ["main.parameters.json"]

# Severity overrides: every finding of the rule gets this severity.
[severity]
# CDB004 = "error"

# Rules not reported in files matching a glob.
[per-path-ignores]
# "examples/**" = ["ALL"]
# "modules/legacy/**" = ["CDB001", "CDB002"]

# Rule options.
[rules.CDB001]
# The APIs whose accounts are checked: "nosql", "mongo", "cassandra", "table", "gremlin".
# MongoDB accounts are checked only with the EnableMongoRoleBasedAccessControl capability.
# apis = ["nosql", "mongo"]

[rules.CDB004]
# Role definition GUIDs that may be assigned at account scope, e.g. the built-in Data Reader.
# allow-account-scope-for = ["00000000-0000-0000-0000-000000000001"]
"#
    )
}

/// Writes [`template`] to `dir/.cosmolint.toml`; an existing file is never replaced.
pub fn init(dir: &Path) -> Result<PathBuf, ConfigError> {
    let path = dir.join(FILE_NAME);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                ConfigError::Usage(format!("{} already exists; it was not changed", path.display()))
            }
            _ => ConfigError::Read {
                file: path.display().to_string(),
                message: e.to_string(),
            },
        })?;
    std::io::Write::write_all(&mut f, template().as_bytes()).map_err(|e| ConfigError::Read {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ConfigFile {
        parse("c.toml".into(), "/r".into(), "c.toml".into(), text.into()).unwrap()
    }

    fn enabled(text: &str, cli: &Overrides) -> Vec<&'static str> {
        resolve(Some(&file(text)), cli).unwrap().settings.rules.enabled
    }

    fn no_check(_: &crate::model::Inventory, _: &mut rules::Sink) {}

    static ON: rules::RuleMeta = rules::RuleMeta {
        id: "XDB001",
        name: "on-by-default",
        severity: crate::diagnostic::Severity::Warning,
        enabled_by_default: true,
        since: "0.1.0",
        summary: "",
        doc: "",
        check: no_check,
    };
    static OPT_IN: rules::RuleMeta = rules::RuleMeta {
        id: "XDB002",
        name: "opt-in",
        enabled_by_default: false,
        ..ON
    };

    /// The rules a catalogue with one default and one opt-in rule runs, given the file's
    /// and the command line's (select, extend-select, ignore).
    /// One layer's (select, extend-select, ignore), by name.
    type Names<'a> = (Option<&'a [&'a str]>, &'a [&'a str], &'a [&'a str]);

    fn opt_in_selection(layers: &[Names]) -> Vec<&'static str> {
        let catalogue: &[&'static rules::RuleMeta] = &[&ON, &OPT_IN];
        let ids = |names: &[&str]| rule_ids_in(catalogue, names.iter().copied()).unwrap();
        let layers: Vec<Layer> = layers
            .iter()
            .map(|(sel, ext, ign)| Layer {
                select: sel.map(|s| (ids(s), Origin::Flag("--select"))),
                extend: (ids(ext), Origin::Flag("--extend-select")),
                ignore: (ids(ign), Origin::Flag("--ignore")),
            })
            .collect();
        select(catalogue, &layers)
            .into_iter()
            .filter(|s| s.enabled)
            .map(|s| s.id)
            .collect()
    }

    #[test]
    fn opt_in_rules_run_only_when_named_in_select_or_extend_select_or_by_all() {
        let none: &[&str] = &[];
        assert_eq!(opt_in_selection(&[]), ["XDB001"]);
        assert_eq!(opt_in_selection(&[(None, none, none)]), ["XDB001"]);
        // `ALL` includes opt-in rules.
        assert_eq!(opt_in_selection(&[(Some(&["ALL"]), none, none)]), ["XDB001", "XDB002"]);
        assert_eq!(opt_in_selection(&[(None, &["opt-in"], none)]), ["XDB001", "XDB002"]);
        assert_eq!(opt_in_selection(&[(Some(&["XDB002"]), none, none)]), ["XDB002"]);
        // The file opts in, the command line takes it out again, or the other way round.
        assert_eq!(
            opt_in_selection(&[(None, &["XDB002"], none), (None, none, &["XDB002"])]),
            ["XDB001"]
        );
        assert_eq!(
            opt_in_selection(&[(None, none, &["ALL"]), (None, &["xdb002"], none)]),
            ["XDB002"]
        );
        assert!(rule_ids_in(&[&ON, &OPT_IN], ["XDB003"]).is_err());
    }

    #[test]
    fn each_layer_selects_then_extends_then_ignores() {
        let none = Overrides::default();
        assert_eq!(
            enabled("", &none),
            [
                "CDB001", "CDB002", "CDB003", "CDB004", "CDB005", "CDB006", "CDB007", "CDB008", "CDB009", "CDB010",
                "CDB014"
            ]
        );
        // Within the file: ignore wins over its own select and extend-select.
        assert_eq!(
            enabled(
                "select = [\"CDB001\"]\nextend-select = [\"CDB002\", \"CDB003\"]\nignore = [\"CDB003\"]\n",
                &none
            ),
            ["CDB001", "CDB002"]
        );
        // The command line comes after the whole file: its extend-select re-enables what the
        // file ignored, its select replaces the file's.
        let cli = Overrides {
            extend_select: vec!["CDB003".into()],
            ..Default::default()
        };
        assert_eq!(enabled("ignore = [\"ALL\"]\n", &cli), ["CDB003"]);
        let cli = Overrides {
            select: Some(vec!["broad-data-actions,CDB004".into()]),
            ignore: vec!["CDB004".into()],
            ..Default::default()
        };
        assert_eq!(enabled("select = [\"CDB001\"]\n", &cli), ["CDB003"]);
    }

    #[test]
    fn where_each_rule_state_comes_from() {
        let r = resolve(Some(&file("\n\nignore = [\"CDB002\"]\n")), &Overrides::default()).unwrap();
        let cdb002 = r.rule_states.iter().find(|s| s.id == "CDB002").unwrap();
        assert!(!cdb002.enabled);
        assert_eq!(cdb002.by, "ignore");
        assert_eq!(
            cdb002.origin,
            Origin::File {
                file: "c.toml".into(),
                line: 3
            }
        );
        assert_eq!(r.rule_states[0].origin, Origin::Default);
    }
}
