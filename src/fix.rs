//! The fix engine: exact text edits that make a finding go away, shared by `check
//! --fix`/`--diff` and the language server's quick fixes. Rules with fixes: CDB001 and
//! CDB002 (a boolean), CDB007 (a TLS version string becomes `Tls12`).
//!
//! A fix is offered only when it is certain:
//! - **The insecure value is a literal** that reaches the attribute unchanged — written at
//!   the attribute, or the default of a variable, a tfvars entry, a module argument or a
//!   parameter, passed on by plain references only (`var.x`, `x`, `[parameters('x')]`) — so
//!   flipping that literal (`false` → `true`) is the whole change, made where the value is
//!   written, not by overriding it at the attribute.
//! - **The attribute is absent** and the provider's or Azure's default applies: the
//!   attribute is inserted as the first line of the block (Terraform), into `properties`
//!   (Bicep, ARM JSON; `properties` is added when the resource has none).
//!
//! Everything else — a conditional, a value set, an expression, `null` — gets no fix. Each
//! edit is checked before it is offered: the edited file must parse with no new syntax
//! problem. The CLI also re-lints with every edit applied and writes nothing unless each
//! fixed finding is gone and no finding is new.

use crate::diagnostic::Diagnostic;
use crate::ir::{Expr, ExprKind};
use crate::source::{Files, SourceFile, Span};
use crate::walk::FileKind;
use crate::Report;

/// Replace `span` with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Says what the edit does, for a code action's title and `--fix` output.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// The secure setting of a rule, per dialect: attribute, secure literal.
struct Setting {
    terraform: Option<(&'static str, &'static str)>,
    bicep: (&'static str, &'static str),
}

fn setting(code: &str) -> Option<Setting> {
    Some(match code {
        "CDB001" => Setting {
            terraform: Some(("local_authentication_disabled", "true")),
            bicep: ("disableLocalAuth", "true"),
        },
        "CDB002" => Setting {
            terraform: Some(("access_key_metadata_writes_enabled", "false")),
            bicep: ("disableKeyBasedMetadataWriteAccess", "true"),
        },
        _ => return None,
    })
}

/// The fixes for one diagnostic of `report`: the certain fix, if there is one.
pub fn fixes(report: &Report, d: &Diagnostic) -> Vec<Fix> {
    fix(&report.files, d).into_iter().collect()
}

/// "Ignore CDB001 here": a `cosmolint-ignore` comment on its own line above the finding's
/// line, in the file's comment syntax (`#` for Terraform, `//` for Bicep and ARM JSON,
/// which ARM allows), indented like that line. The reason is for the user to write; the
/// placeholder says so, and a suppression without a real reason is what review is for.
pub fn ignore_here(files: &Files, d: &Diagnostic) -> Option<Fix> {
    if !d.is_rule() {
        return None;
    }
    let file = files.get(d.span.file)?;
    let comment = match FileKind::of(&file.path)? {
        FileKind::Terraform | FileKind::TfVars => "#",
        FileKind::Bicep | FileKind::BicepParam | FileKind::Json => "//",
    };
    let text = &file.text;
    let at = (d.span.start as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = indent_at(text, line_start);
    let nl = line_end(text, line_start);
    Some(Fix {
        title: format!("Ignore {} here", d.code),
        edits: vec![Edit {
            span: Span::new(file.id, line_start..line_start),
            text: format!(
                "{indent}{comment} cosmolint-ignore {} -- TODO: say why this is accepted{nl}",
                d.code
            ),
        }],
    })
}

/// The fix of a diagnostic, if it has a certain one.
pub fn fix(files: &Files, d: &Diagnostic) -> Option<Fix> {
    let file = files.get(d.span.file)?;
    let kind = FileKind::of(&file.path)?;
    let fix = match d.code {
        // An absent minimal TLS version is no finding (no default is assumed), so the fix
        // is always a written value: the weak version string becomes `Tls12`.
        "CDB007" => flip_literal(files, d, tls12)?,
        code => {
            let setting = setting(code)?;
            flip_literal(files, d, flip_bool).or_else(|| insert(&file, kind, &setting, d))?
        }
    };
    parses_as_before(files, &fix).then_some(fix)
}

fn is_bool(text: &str) -> bool {
    matches!(text, "true" | "false")
}

fn flip_bool(text: &str) -> Option<String> {
    match text {
        "true" => Some("false".into()),
        "false" => Some("true".into()),
        _ => None,
    }
}

/// `"Tls11"`, `'Tls'`, `"Tls10"` (any case, either quote) → the same quotes around `Tls12`.
fn tls12(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    matches!(inner.to_ascii_lowercase().as_str(), "tls" | "tls10" | "tls11").then(|| format!("{quote}Tls12{quote}"))
}

/// A reference that passes a value on unchanged: `var.x`, `local.x`, `x`, `x!`,
/// `[parameters('x')]`, `[variables('x')]`, `parameters('x')`.
fn is_plain_reference(text: &str) -> bool {
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !s.starts_with(|c: char| c.is_ascii_digit())
    };
    let t = text.trim().trim_matches('"');
    let t = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(t);
    for f in ["parameters", "variables"] {
        if let Some(inner) = t
            .strip_prefix(f)
            .and_then(|r| r.strip_prefix("('"))
            .and_then(|r| r.strip_suffix("')"))
        {
            return ident(inner);
        }
    }
    if let Some((root, name)) = t.split_once('.') {
        return matches!(root, "var" | "local") && ident(name);
    }
    ident(t.trim_end_matches('!')) && !is_bool(t)
}

/// The literal that made the value, when the chain from the attribute to it is plain
/// references: replaced by what `replace` makes of it (`None`: not the literal).
fn flip_literal(files: &Files, d: &Diagnostic, replace: fn(&str) -> Option<String>) -> Option<Fix> {
    let text = |span: Span| files.get(span.file).map(|f| f.slice(span).trim().to_string());
    // A candidate of a value set (a conditional's branch, an allowed value): flipping it
    // would leave a conditional with two equal branches; the author should decide.
    if d.labels.iter().any(|l| l.message.starts_with("when ")) {
        return None;
    }
    // The attribute, then each hop in order; existence labels ("possibly deployed") and
    // "when" labels of value sets are not hops.
    let mut chain = vec![(d.span, None)];
    chain.extend(
        d.labels
            .iter()
            .filter(|l| !l.message.starts_with("possibly deployed") && !l.message.contains(" API "))
            .map(|l| (l.span, Some(l.message.as_str()))),
    );
    for (i, (span, label)) in chain.iter().enumerate() {
        let t = text(*span)?;
        if let Some(new) = replace(&t) {
            // Labels after the literal (module instances, other callers) are not hops of
            // this value: a literal elsewhere makes it uncertain.
            if chain[i + 1..]
                .iter()
                .any(|(s, _)| text(*s).is_some_and(|t| replace(&t).is_some()))
            {
                return None;
            }
            let file = files.get(span.file)?;
            let title = match label {
                None => format!("Set to `{new}`"),
                Some(l) => format!("Set to `{new}` in {} ({l})", file.display),
            };
            // The literal exactly, without surrounding space.
            let raw = file.slice(*span);
            let lead = raw.len() - raw.trim_start().len();
            let start = span.start + lead as u32;
            return Some(Fix {
                title,
                edits: vec![Edit {
                    span: Span::new(span.file, start as usize..start as usize + t.len()),
                    text: new,
                }],
            });
        }
        if !is_plain_reference(&t) {
            return None;
        }
    }
    None
}

/// The line end the file uses where `offset` is: `\r\n` or `\n` (`\r` alone is kept as
/// `\n`: parsers read both).
fn line_end(text: &str, offset: usize) -> &'static str {
    match text[offset..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[offset + i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The indentation of the line `offset` is on.
fn indent_at(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The indentation of the first line after `open` (a `{`) that holds something other than
/// the closing brace; else `outer` one level deeper.
fn inner_indent(text: &str, open: usize, outer: &str) -> String {
    let after = &text[open + 1..];
    for line in after.split('\n').skip(1) {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.trim().is_empty() {
            continue;
        }
        if trimmed.starts_with('}') {
            break;
        }
        return line[..line.len() - trimmed.len()].to_string();
    }
    format!("{outer}  ")
}

/// Inserts `line` as the first entry of the object opening at `open`; in JSON a comma ends
/// the entry when others follow (`,` in JSON).
fn insert_first(file: &SourceFile, open: usize, line: &str, json_comma: bool, empty: bool) -> Edit {
    let text = &file.text;
    let outer = indent_at(text, open);
    let indent = inner_indent(text, open, outer);
    let comma = if json_comma && !empty { "," } else { "" };
    // `{}` or `{ }` on one line: the entry goes on its own line and the brace on the next.
    let rest = &text[open + 1..];
    let same_line_close = rest.trim_start_matches([' ', '\t']).starts_with('}');
    let nl = line_end(text, open);
    let line = line.replace('\n', nl);
    let new = if same_line_close {
        format!("{nl}{indent}{line}{comma}{nl}{outer}")
    } else {
        format!("{nl}{indent}{line}{comma}")
    };
    let end = if same_line_close {
        open + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
    } else {
        open + 1
    };
    Edit {
        span: Span::new(file.id, open + 1..end),
        text: new,
    }
}

fn field<'e>(object: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &object.kind {
        ExprKind::Object(fields) => fields
            .iter()
            .find(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|f| &f.value),
        _ => None,
    }
}

fn is_empty_object(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Object(f) if f.is_empty())
}

/// Inserts the secure attribute into the resource whose header the finding points at.
fn insert(file: &SourceFile, kind: FileKind, setting: &Setting, d: &Diagnostic) -> Option<Fix> {
    let text = &file.text;
    match kind {
        FileKind::Terraform => {
            let (attr, value) = setting.terraform?;
            let header = file.slice(d.span);
            if !header.starts_with("resource") || !header.contains("azurerm_cosmosdb_account") {
                return None;
            }
            let parsed = crate::parse::terraform::parse(file.id, text);
            let resource = parsed.resources.iter().find(|r| r.header == d.span)?;
            if field(&resource.body, attr).is_some()
                || field(&resource.body, "local_authentication_enabled").is_some()
                    && setting.bicep.0 == "disableLocalAuth"
            {
                // Written, as `null` or otherwise: not an absent attribute.
                return None;
            }
            let open = d.span.end as usize + text[d.span.end as usize..].find('{')?;
            let line = format!("{attr} = {value}");
            Some(Fix {
                title: format!("Set `{line}`"),
                edits: vec![insert_first(file, open, &line, false, false)],
            })
        }
        FileKind::Bicep => {
            let (attr, value) = setting.bicep;
            let parsed = crate::parse::bicep::parse(file.id, text);
            let resource = parsed.resources.iter().find(|r| r.resource.header == d.span)?;
            let body = &resource.resource.body;
            object_insert(file, body, attr, value, false)
        }
        FileKind::Json => {
            let (attr, value) = setting.bicep;
            let parsed = crate::parse::arm::parse(file.id, text)?;
            let root = parsed.root.as_ref()?;
            let resource = find_arm_resource(root, d.span)?;
            object_insert(file, resource, attr, value, true)
        }
        _ => None,
    }
}

/// `properties.<attr> = value` in a Bicep or ARM resource body.
fn object_insert(file: &SourceFile, body: &Expr, attr: &str, value: &str, json: bool) -> Option<Fix> {
    let text = &file.text;
    let entry = |k: &str, v: &str| {
        if json {
            format!("\"{k}\": {v}")
        } else {
            format!("{k}: {v}")
        }
    };
    let at_brace = |e: &Expr| -> Option<usize> {
        let s = e.span.start as usize;
        (text.as_bytes().get(s) == Some(&b'{')).then_some(s)
    };
    let title = format!("Set `properties.{attr}` to `{value}`");
    match field(body, "properties") {
        Some(props) => {
            if field(props, attr).is_some() {
                return None;
            }
            let open = at_brace(props)?;
            Some(Fix {
                title,
                edits: vec![insert_first(
                    file,
                    open,
                    &entry(attr, value),
                    json,
                    is_empty_object(props),
                )],
            })
        }
        None => {
            let open = at_brace(body)?;
            let outer = indent_at(text, open);
            let indent = inner_indent(text, open, outer);
            let nl = format!("\n{indent}");
            let props = if json {
                format!("\"properties\": {{{nl}  {}{nl}}}", entry(attr, value))
            } else {
                format!("properties: {{{nl}  {}{nl}}}", entry(attr, value))
            };
            Some(Fix {
                title,
                edits: vec![insert_first(file, open, &props, json, is_empty_object(body))],
            })
        }
    }
}

/// The ARM resource object (at any depth: child resources, nested deployments) whose
/// `"type"` entry is `header`.
fn find_arm_resource(e: &Expr, header: Span) -> Option<&Expr> {
    if !(e.span.start <= header.start && header.end <= e.span.end) {
        return None;
    }
    match &e.kind {
        ExprKind::Object(fields) => {
            if fields.iter().any(|f| {
                f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("type")) && f.key_span.start == header.start
            }) {
                return Some(e);
            }
            fields.iter().find_map(|f| find_arm_resource(&f.value, header))
        }
        ExprKind::Array(items) => items.iter().find_map(|i| find_arm_resource(i, header)),
        _ => None,
    }
}

/// Applies edits to a text (edits of other files are ignored; overlapping ones keep the
/// first).
pub fn apply(text: &str, file: crate::source::FileId, edits: &[&Edit]) -> String {
    let mut mine: Vec<&&Edit> = edits.iter().filter(|e| e.span.file == file).collect();
    mine.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in mine {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s < at || t > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(t) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.text);
        at = t;
    }
    out.push_str(&text[at..]);
    out
}

fn problems(kind: FileKind, id: crate::source::FileId, text: &str) -> usize {
    match kind {
        FileKind::Terraform => crate::parse::terraform::parse(id, text).problems.len(),
        FileKind::TfVars => crate::parse::terraform::parse_tfvars(id, text).1.len(),
        FileKind::Bicep => crate::parse::bicep::parse(id, text).problems.len(),
        FileKind::BicepParam => crate::parse::bicep::parse_params(id, text).problems.len(),
        FileKind::Json => crate::parse::arm::parse(id, text).map_or(0, |p| p.problems.len()),
    }
}

/// Every edited file parses with no more problems than before.
fn parses_as_before(files: &Files, fix: &Fix) -> bool {
    let edits: Vec<&Edit> = fix.edits.iter().collect();
    let mut ids: Vec<crate::source::FileId> = fix.edits.iter().map(|e| e.span.file).collect();
    ids.dedup();
    ids.into_iter().all(|id| {
        let Some(file) = files.get(id) else { return false };
        let Some(kind) = FileKind::of(&file.path) else {
            return false;
        };
        problems(kind, id, &apply(&file.text, id, &edits)) <= problems(kind, id, &file.text)
    })
}

/// The fixes of a run, per file: what `check --fix` writes and `--diff` shows.
pub struct Plan {
    pub files: Vec<Planned>,
    /// The diagnostics of the report (by index) the plan fixes.
    pub fixed: Vec<usize>,
}

pub struct Planned {
    pub path: std::path::PathBuf,
    pub display: String,
    pub before: std::sync::Arc<str>,
    pub after: String,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.fixed.is_empty()
    }
}

/// Every certain fix of the report's findings, without conflicts: an edit that overlaps
/// another differently drops its fix; the same edit for two findings (one variable default
/// behind two accounts) is made once.
pub fn plan(report: &Report) -> Plan {
    plan_of(report, |_| true)
}

fn plan_of(report: &Report, keep: impl Fn(usize) -> bool) -> Plan {
    let mut edits: Vec<Edit> = Vec::new();
    let mut fixed = Vec::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        if !keep(i) {
            continue;
        }
        let Some(fix) = fix(&report.files, d) else { continue };
        let conflicts = fix.edits.iter().any(|e| {
            edits.iter().any(|o| {
                o.span.file == e.span.file
                    && o != e
                    && o.span.start < e.span.end.max(e.span.start + 1)
                    && e.span.start < o.span.end.max(o.span.start + 1)
            })
        });
        if conflicts {
            continue;
        }
        for e in fix.edits {
            if !edits.contains(&e) {
                edits.push(e);
            }
        }
        fixed.push(i);
    }
    let mut ids: Vec<crate::source::FileId> = edits.iter().map(|e| e.span.file).collect();
    ids.sort();
    ids.dedup();
    let all: Vec<&Edit> = edits.iter().collect();
    let files = ids
        .into_iter()
        .filter_map(|id| {
            let f = report.files.get(id)?;
            Some(Planned {
                path: f.path.clone(),
                display: f.display.clone(),
                after: apply(&f.text, id, &all),
                before: f.text.clone(),
            })
        })
        .collect();
    Plan { files, fixed }
}

type FindingKey = (&'static str, std::path::PathBuf, String);

fn finding_key(files: &Files, d: &Diagnostic) -> Option<FindingKey> {
    let f = files.get(d.span.file)?;
    Some((d.code, crate::source::path_key(&f.path), d.message.clone()))
}

/// Plans every certain fix, checked by linting again with the edited texts in place of
/// the files (nothing is written): every fixed finding must be gone and no finding new,
/// else the fixes are tried one by one and only those that pass are kept. Fixes that need
/// an earlier one first (two attributes inserted into one block, where the first creates
/// `properties`) are planned in further rounds on the edited texts. Returns the plan and
/// the report of the edited files.
pub fn fix_all(opts: &crate::Options, report: &Report) -> Result<(Plan, Report), crate::Error> {
    let before: std::collections::HashSet<FindingKey> = report
        .diagnostics
        .iter()
        .chain(&report.baselined)
        .filter_map(|d| finding_key(&report.files, d))
        .collect();
    // path -> (display, text as linted, text with the fixes so far)
    let mut texts: std::collections::BTreeMap<std::path::PathBuf, (String, std::sync::Arc<str>, String)> =
        Default::default();
    let lint_with = |texts: &std::collections::BTreeMap<std::path::PathBuf, (String, std::sync::Arc<str>, String)>,
                     plan: &Plan|
     -> Result<Report, crate::Error> {
        let mut overlay = crate::source::Overlay::default();
        for (path, (_, _, after)) in texts {
            overlay.insert(path, after.as_str().into());
        }
        for f in &plan.files {
            overlay.insert(&f.path, f.after.as_str().into());
        }
        crate::lint_from(opts, crate::source::Source::Overlay(std::sync::Arc::new(overlay)))
    };
    let passes = |current: &Report, plan: &Plan, after: &Report| {
        let now: std::collections::HashSet<FindingKey> = after
            .diagnostics
            .iter()
            .filter_map(|d| finding_key(&after.files, d))
            .collect();
        plan.fixed
            .iter()
            .filter_map(|&i| finding_key(&current.files, &current.diagnostics[i]))
            .all(|k| !now.contains(&k))
            && now.iter().all(|k| before.contains(k))
    };
    let mut fixed = 0;
    let mut current: Option<Report> = None;
    for _round in 0..4 {
        let cur = current.as_ref().unwrap_or(report);
        let mut plan = plan(cur);
        if plan.is_empty() {
            break;
        }
        let mut after = lint_with(&texts, &plan)?;
        if !passes(cur, &plan, &after) {
            let mut good = Vec::new();
            for &i in &plan.fixed {
                let alone = plan_of(cur, |j| j == i);
                if passes(cur, &alone, &lint_with(&texts, &alone)?) {
                    good.push(i);
                }
            }
            plan = plan_of(cur, |j| good.contains(&j));
            if plan.is_empty() {
                break;
            }
            after = lint_with(&texts, &plan)?;
            if !passes(cur, &plan, &after) {
                break;
            }
        }
        fixed += plan.fixed.len();
        for f in plan.files {
            texts
                .entry(f.path)
                .or_insert_with(|| (f.display, f.before, String::new()))
                .2 = f.after;
        }
        current = Some(after);
    }
    let files = texts
        .into_iter()
        .map(|(path, (display, before, after))| Planned {
            path,
            display,
            before,
            after,
        })
        .collect();
    let report = match current {
        Some(r) => r,
        None => lint_with(
            &Default::default(),
            &Plan {
                files: Vec::new(),
                fixed: Vec::new(),
            },
        )?,
    };
    Ok((
        Plan {
            files,
            fixed: (0..fixed).collect(),
        },
        report,
    ))
}

/// The plan as a unified diff (`--- a/path`, `+++ b/path`), as `git diff` shows it.
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for f in &plan.files {
        let diff = similar::TextDiff::from_lines(f.before.as_ref(), f.after.as_str());
        let shown = crate::report::printable(&f.display);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        );
    }
    out
}

/// Writes the plan's files. A file is written only when it still holds, on disk, the text
/// the plan was made from (UTF-8, with its byte order mark if it had one); others are
/// skipped and named in the error list.
pub fn write(plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    for f in &plan.files {
        let Ok(bytes) = std::fs::read(&f.path) else {
            problems.push(format!("{}: cannot be read again; not fixed", f.display));
            continue;
        };
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes.as_slice()),
        };
        if body != f.before.as_bytes() {
            problems.push(format!(
                "{}: changed since it was linted, or not UTF-8; not fixed",
                f.display
            ));
            continue;
        }
        let mut out = Vec::with_capacity(f.after.len() + 3);
        if bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(f.after.as_bytes());
        if let Err(e) = std::fs::write(&f.path, out) {
            problems.push(format!("{}: {e}; not fixed", f.display));
        }
    }
    problems
}
