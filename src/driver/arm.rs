//! ARM JSON end to end: which `.json` files are templates, which parameter files go with
//! them, and running the model and rules for each template.
//!
//! Every `.json`/`.jsonc` candidate is read and sniffed in parallel. Templates are linted one
//! by one (a template with its inline nested deployments is one unit). Parameter files are
//! never linted themselves: `<name>.parameters.json` beside `<name>.json` is applied to that
//! template, then every `--parameters FILE` in order (later values win). JSON that is not
//! an ARM template or parameter file is skipped without a diagnostic and is not counted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::timings::{Clock, Phase};

use crate::diagnostic::{Diagnostic, ToolCode};
use crate::eval::arm::{ArmUnit, ParameterFile};
use crate::ir::Expr;
use crate::model::Unresolved;
use crate::named::{Named, Reported};
use crate::parse::arm::{self as armparse, ArmFile, JsonKind};
use crate::source::{self, Files, ReadError, SourceFile, Span};
use crate::walk::{Candidate, FileKind};
use crate::{Error, Options};

pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<Unresolved>,
    pub skipped: Vec<crate::model::Skipped>,
    /// Who can reach each account's data (`cosmolint access`).
    pub access: Vec<crate::access::AccountAccess>,
    pub files_read: usize,
}

/// A parsed ARM file and its source.
struct Loaded {
    src: Arc<SourceFile>,
    kind: JsonKind,
    root: Option<Expr>,
}

enum Read {
    Arm(Loaded, Vec<Diagnostic>),
    /// Not ARM JSON: ignored.
    Other,
    /// Unreadable or undecodable.
    Failed(Diagnostic),
}

fn syntax_diagnostics(f: &ArmFile) -> Vec<Diagnostic> {
    f.problems.iter().map(Diagnostic::syntax).collect()
}

/// How much of a JSON file over the size limit is read to tell whether it is ARM at all:
/// a data file over the limit is not ours and must not fail the run.
const SNIFF_PREFIX: u64 = 64 * 1024;

/// Reads and parses one JSON file, registering it in `files` only when it is ARM.
fn read_json(files: &Files, path: &Path) -> Read {
    let failed = |e: ReadError| {
        let f = files.add(path.to_path_buf(), String::new());
        Read::Failed(Diagnostic::tool(
            ToolCode::IoError,
            Span::new(f.id, 0..0),
            format!("cannot read {}: {e}", f.display),
        ))
    };
    let bytes = match files.policy().read(path) {
        Ok(b) => b,
        Err(e @ ReadError::TooLarge { .. }) => {
            // Refused either way; say so only when it announces an ARM schema.
            let prefix = files.policy().read_prefix(path, SNIFF_PREFIX);
            let lossy = source::decode_or_lossy(prefix.unwrap_or_default()).0;
            return if armparse::sniff(&lossy).is_some() {
                failed(e)
            } else {
                Read::Other
            };
        }
        Err(e) => return failed(e),
    };
    let text = match source::decode_or_lossy(bytes) {
        (t, None) => t,
        (lossy, Some(e)) => {
            if armparse::sniff(&lossy).is_none() {
                return Read::Other;
            }
            let f = files.add(path.to_path_buf(), lossy);
            let at = e.offset();
            return Read::Failed(Diagnostic::tool(
                ToolCode::EncodingError,
                Span::new(f.id, at..at + 1),
                e.to_string(),
            ));
        }
    };
    // Cheap pre-check before registering or parsing the file.
    if armparse::sniff(&text).is_none() {
        return Read::Other;
    }
    let src = files.add(path.to_path_buf(), text);
    match armparse::parse(src.id, &src.text) {
        Some(parsed) => {
            let problems = syntax_diagnostics(&parsed);
            Read::Arm(
                Loaded {
                    kind: parsed.kind,
                    root: parsed.root,
                    src,
                },
                problems,
            )
        }
        None => Read::Other,
    }
}

/// `<dir>/<name>.parameters.json` for `<dir>/<name>.json` (or `.jsonc`).
fn sibling_parameters(template: &Path) -> Option<PathBuf> {
    let name = template.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let stem_len = if lower.ends_with(".jsonc") {
        name.len() - 6
    } else if lower.ends_with(".json") {
        name.len() - 5
    } else {
        return None;
    };
    let stem = &name[..stem_len];
    if stem.to_ascii_lowercase().ends_with(".parameters") {
        return None;
    }
    Some(template.with_file_name(format!("{stem}.parameters.json")))
}

/// The template a `<name>.parameters.json` belongs to: `<name>.json` (or `.jsonc`) beside it.
fn template_of(files: &Files, parameters: &Path) -> Option<PathBuf> {
    let name = parameters.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let stem = &name[..lower.strip_suffix(".parameters.json")?.len()];
    ["json", "jsonc"]
        .iter()
        .map(|ext| parameters.with_file_name(format!("{stem}.{ext}")))
        .find(|t| files.policy().is_file(t))
}

/// Reads the `--parameters` files; they apply to every template of the run.
fn cli_parameters(files: &Files, opts: &Options) -> Result<Vec<Loaded>, Error> {
    let mut out = Vec::new();
    // `.bicepparam` files given with `--parameters` belong to Bicep templates.
    for path in opts
        .parameters
        .iter()
        .filter(|p| FileKind::of(p) != Some(FileKind::BicepParam))
    {
        let fail = |message: String| Error::ParametersFile {
            path: path.clone(),
            message,
        };
        let wrong_kind = match FileKind::of(path) {
            Some(FileKind::Bicep) => Some("it is a Bicep template; give its `.bicepparam` file"),
            Some(FileKind::Terraform | FileKind::TfVars) => Some("it is Terraform; use --var-file for tfvars"),
            _ => None,
        };
        if let Some(why) = wrong_kind {
            return Err(fail(format!(
                "{why} (--parameters takes ARM parameter files and .bicepparam files)"
            )));
        }
        let bytes = files.policy().read(path).map_err(|e| fail(e.to_string()))?;
        let text = source::decode(bytes).map_err(|e| fail(e.to_string()))?;
        if armparse::sniff(&text) == Some(JsonKind::Template) {
            return Err(fail(
                "it is an ARM template, not a parameter file; lint it as a path and give its parameter file with --parameters"
                    .into(),
            ));
        }
        let src = files.add(path.clone(), text);
        let parsed = armparse::parse_parameters(src.id, &src.text);
        if let Some(p) = parsed.problems.first() {
            let pos = src.line_col(p.span.start);
            return Err(fail(format!("{}:{}: {}", pos.line, pos.column, p.message)));
        }
        out.push(Loaded {
            kind: JsonKind::Parameters,
            root: parsed.root,
            src,
        });
    }
    Ok(out)
}

pub fn lint(
    files: &Files,
    candidates: &[Candidate],
    opts: &Options,
    named: &Named,
    clock: &Clock,
) -> Result<Outcome, Error> {
    let cli = cli_parameters(files, opts)?;
    let json: Vec<&Candidate> = candidates.iter().filter(|c| c.kind == Some(FileKind::Json)).collect();
    let read: Vec<(PathBuf, Reported, Read)> = json
        .par_iter()
        // Reading and parsing are one step for JSON (the sniff needs the text).
        .map(|c| {
            let read = clock.time(Phase::Parse, || read_json(files, &c.path));
            (c.path.clone(), Reported::of(c), read)
        })
        .collect();

    let mut diagnostics = Vec::new();
    let mut templates: Vec<(Loaded, Reported)> = Vec::new();
    let mut parameter_files: HashMap<PathBuf, Loaded> = HashMap::new();
    let mut named_parameter_files = Vec::new();
    for (path, reported, r) in read {
        match r {
            Read::Arm(loaded, problems) => {
                diagnostics.extend(problems);
                match loaded.kind {
                    JsonKind::Template => templates.push((loaded, reported)),
                    JsonKind::Parameters => {
                        if reported == Reported::Touching {
                            named_parameter_files.push(path.clone());
                        }
                        parameter_files.insert(path, loaded);
                    }
                }
            }
            Read::Other => {}
            Read::Failed(d) => diagnostics.push(d),
        }
    }

    // A named parameter file is linted through the template it belongs to.
    for p in named_parameter_files {
        let template = template_of(files, &p);
        let known = |t: &Path| {
            templates
                .iter()
                .any(|(l, _)| source::path_key(&l.src.path) == source::path_key(t))
        };
        match template {
            Some(t) if known(&t) => {}
            Some(t) => match read_json(files, &t) {
                Read::Arm(loaded, problems) if loaded.kind == JsonKind::Template => {
                    // Its syntax errors are the template's, reported when it is linted.
                    drop(problems);
                    templates.push((loaded, Reported::Touching));
                }
                _ => diagnostics.push(crate::named::not_linted(
                    files,
                    &p,
                    &format!("{} beside it is not an ARM template", files.display_path(&t)),
                )),
            },
            None if opts
                .parameters
                .iter()
                .any(|q| source::path_key(q) == source::path_key(&p)) => {}
            None => diagnostics.push(crate::named::not_linted(
                files,
                &p,
                "a parameter file applies to the template `<name>.json` beside it `<name>.parameters.json`, \
                 and there is none; name the template and pass this file with --parameters",
            )),
        }
    }

    // Parameter files beside templates that were not among the candidates (a template
    // named on the command line). They are context: their own problems are reported when
    // they are named or walked, like every file read only for a named file.
    for (t, _) in &templates {
        let Some(sib) = sibling_parameters(&t.src.path) else {
            continue;
        };
        if parameter_files.contains_key(&sib) || !files.policy().is_file(&sib) {
            continue;
        }
        if let Read::Arm(loaded, _) = read_json(files, &sib) {
            if loaded.kind == JsonKind::Parameters {
                parameter_files.insert(sib, loaded);
            }
        }
    }

    let mut used_parameter_files = 0;
    let units: Vec<(&Loaded, Reported, Option<&Loaded>)> = templates
        .iter()
        .map(|(t, reported)| {
            let sib = sibling_parameters(&t.src.path).and_then(|p| parameter_files.get(&p));
            used_parameter_files += usize::from(sib.is_some());
            (t, *reported, sib)
        })
        .collect();

    let results: Vec<TemplateResult> = units
        .par_iter()
        .map(|(t, reported, sib)| {
            let (mut d, mut u, mut k, a) = crate::isolate(files, &t.src.path, || {
                lint_template(t, *sib, &cli, clock, &opts.settings.rules)
            })
            .unwrap_or_else(|d| (vec![*d], Vec::new(), Vec::new(), Vec::new()));
            if *reported == Reported::Touching {
                crate::suppress::hide_unless(&mut d, |d| named.touches(files, d));
                u.retain(|u| named.file_named(files, u.span.file));
                k.retain(|k| named.file_named(files, k.span.file));
            }
            (d, u, k, a)
        })
        .collect();
    let (mut unresolved, mut skipped, mut access) = (Vec::new(), Vec::new(), Vec::new());
    for (d, u, k, a) in results {
        diagnostics.extend(d);
        unresolved.extend(u);
        skipped.extend(k);
        access.extend(a);
    }
    Ok(Outcome {
        diagnostics,
        unresolved,
        skipped,
        access,
        files_read: templates.len() + used_parameter_files + cli.len(),
    })
}

/// A template's findings, the values it could not resolve and what it does not deploy.
type TemplateResult = (
    Vec<Diagnostic>,
    Vec<Unresolved>,
    Vec<crate::model::Skipped>,
    Vec<crate::access::AccountAccess>,
);

fn lint_template(
    t: &Loaded,
    sibling: Option<&Loaded>,
    cli: &[Loaded],
    clock: &Clock,
    rules: &crate::rules::Settings,
) -> TemplateResult {
    let Some(root) = &t.root else {
        return (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    };
    let params: Vec<ParameterFile> = sibling
        .into_iter()
        .chain(cli)
        .filter_map(|p| {
            Some(ParameterFile {
                root: p.root.as_ref()?,
                label: format!("set in {}", p.src.display),
            })
        })
        .collect();
    let (inventory, unresolved) = clock.time(Phase::Evaluate, || {
        let unit = ArmUnit::new(root, &t.src.text, &params);
        let (mut inventory, mut unresolved) = crate::model::arm::build(&unit, &unit.resources);
        crate::model::skipped_modules(&unit.not_deployed, &mut inventory);
        for (span, why) in &unit.skipped {
            unresolved.push(Unresolved {
                span: *span,
                what: "deployment".into(),
                why: why.clone(),
            });
        }
        clock.note_work(&unit.budget);
        (inventory, unresolved)
    });
    let mut diagnostics = clock.time(Phase::Rules, || crate::rules::run(&inventory, rules));
    crate::name_unit(&t.src.display, &mut diagnostics);
    let mut access = crate::access::collect(&inventory);
    access.iter_mut().for_each(|a| a.unit = t.src.display.clone());
    (diagnostics, unresolved, inventory.skipped, access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_parameter_file_names() {
        let p = |s: &str| sibling_parameters(Path::new(s)).map(|p| p.to_string_lossy().replace('\\', "/"));
        assert_eq!(p("a/main.json").as_deref(), Some("a/main.parameters.json"));
        assert_eq!(p("azuredeploy.JSON").as_deref(), Some("azuredeploy.parameters.json"));
        assert_eq!(p("x.jsonc").as_deref(), Some("x.parameters.json"));
        assert_eq!(p("main.parameters.json"), None);
        assert_eq!(p("main.bicep"), None);
    }
}
