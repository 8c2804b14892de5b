//! cosmolint — an offline linter for Azure Cosmos DB security in Infrastructure-as-Code.
//!
//! The public entry point is [`lint`]: paths and options in, a [`Report`] out. See
//! ARCHITECTURE.md for the pipeline (walk → parse → IR → evaluate → model → rules → report).

pub mod diagnostic;
pub mod eval;
pub mod ir;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
pub mod walk;

mod bicep_units;
mod terraform_units;

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
    /// `--parameters`: ARM parameter files (.json) and Bicep parameter files (.bicepparam),
    /// each applied to the templates it belongs to.
    pub parameters: Vec<PathBuf>,
    /// Paths are shown relative to this directory (the working directory).
    pub base: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid --exclude pattern: {0}")]
    Exclude(#[from] globset::Error),
    #[error("cannot read --var-file {path}: {message}")]
    VarFile { path: PathBuf, message: String },
    #[error("invalid --var `{0}`: expected name=value")]
    Var(String),
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
}

pub struct Report {
    pub files: Arc<Files>,
    /// Sorted by file, position, code.
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    pub summary: Summary,
}

impl Report {
    /// Exit status: 2 if the tool could not do its job (unreadable input, internal error),
    /// 1 if a diagnostic is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        let tool_failed = self
            .diagnostics
            .iter()
            .any(|d| d.code == ToolCode::IoError.meta().0 || d.code == ToolCode::InternalError.meta().0);
        if tool_failed {
            2
        } else if self.diagnostics.iter().any(|d| d.severity >= fail_on) {
            1
        } else {
            0
        }
    }
}

/// Lints the given paths.
pub fn lint(opts: &Options) -> Result<Report, Error> {
    let base = opts.base.clone().or_else(|| std::env::current_dir().ok());
    let files = Arc::new(Files::new(base));
    let excludes = walk::build_excludes(&opts.excludes)?;
    let found = walk::discover(&opts.paths, &excludes, |p| files.display_path(p));

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
            Some(walk::FileKind::Json) => Some("ARM JSON support is not implemented yet"),
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

    let tf = terraform_units::lint(&files, &found.files, opts)?;
    diagnostics.extend(tf.diagnostics);
    let mut unresolved = tf.unresolved;
    let bicep = bicep_units::lint(&files, &found.files, opts);
    diagnostics.extend(bicep.diagnostics);
    unresolved.extend(bicep.unresolved);

    // Deterministic order whatever the thread schedule: by displayed path, position, code.
    let mut keyed: BTreeMap<(String, u32, u32, &'static str, String), Diagnostic> = BTreeMap::new();
    for d in diagnostics {
        let file = files.get(d.span.file);
        let path = file.as_ref().map(|f| f.display.clone()).unwrap_or_default();
        let pos = file
            .map(|f| f.line_col(d.span.start))
            .unwrap_or(source::LineCol { line: 0, column: 0 });
        keyed.insert((path, pos.line, pos.column, d.code, d.message.clone()), d);
    }
    let diagnostics: Vec<Diagnostic> = keyed.into_values().collect();
    unresolved.sort_by_key(|u| {
        let f = files.get(u.span.file);
        (f.as_ref().map(|f| f.display.clone()), u.span.start, u.what.clone())
    });
    unresolved.dedup_by(|a, b| a.span == b.span && a.what == b.what);

    let summary = Summary {
        files: tf.files_read + bicep.files_read,
        findings: diagnostics.iter().filter(|d| d.is_rule()).count(),
        unresolved: unresolved.len(),
        parse_errors: diagnostics
            .iter()
            .filter(|d| d.code == "syntax-error" || d.code == "encoding-error")
            .count(),
    };
    Ok(Report {
        files,
        diagnostics,
        unresolved,
        summary,
    })
}
