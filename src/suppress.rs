//! Inline suppressions: `cosmolint-ignore` comments (Terraform `#`, `//`, `/* */`; Bicep and
//! ARM `//`, `/* */`) and ARM's resource-level `"metadata": {"cosmolint": {"ignore": {…}}}`,
//! and applying them to findings.
//!
//! A directive names rules and a reason: `# cosmolint-ignore CDB001, CDB002 -- reason`. On a
//! line of its own it covers the **item that starts on the next line** (comment-only lines in
//! between are skipped, a blank line is not): a resource, a module call, an attribute, a
//! nested block, an ARM object. At the end of a line of code it covers the item that line
//! starts. `cosmolint-ignore-file` covers the whole file and is only valid before any code.
//!
//! Items are found in the text, not in a parse tree: a small lexer per dialect knows
//! strings (with interpolation), heredocs, Bicep's `'''` strings and comments, and an item
//! runs from its first token to the end of its line at bracket depth 0 (JSON: to the next
//! `,` or closing bracket at depth 0; Bicep: decorator lines belong to the declaration
//! below them). That is one definition for three dialects, independent of each parser's
//! recovery, and works on files the parsers refuse.
//!
//! A directive suppresses a finding of a rule it names when its item (or file) contains any
//! of the finding's anchors ([`crate::diagnostic::FindingContext`]): its location, the
//! resource it is about, a place its value came through (a module argument, a variable's
//! default, a tfvars entry) or a module call it was evaluated through. So a suppression in a
//! module file covers every caller and instance, and one at a module call covers exactly
//! the findings of that call.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, ToolCode};
use crate::ir::{Expr, ExprKind};
use crate::rules;
use crate::source::{path_key, Files, SourceFile, Span};
use crate::walk::FileKind;

/// The comment syntax and string forms of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Terraform,
    Bicep,
    Json,
}

impl Lang {
    /// The dialect of a file by its name, as the walk decides it.
    pub fn of(kind: FileKind) -> Lang {
        match kind {
            FileKind::Terraform | FileKind::TfVars => Lang::Terraform,
            FileKind::Bicep | FileKind::BicepParam => Lang::Bicep,
            FileKind::Json => Lang::Json,
        }
    }
}

/// What a directive covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The whole file (`cosmolint-ignore-file`, or ARM metadata on the root object).
    File,
    /// Byte range of the item below (or at the end of) the comment.
    Item(Range<u32>),
    /// No item follows (a blank line, a closing bracket, the end of the file).
    Nothing,
}

/// One suppression as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The comment, or the `"CDB001": "reason"` metadata entry.
    pub span: Span,
    pub reach: Reach,
    /// The rules it names, by id (names are resolved).
    pub rules: Vec<&'static str>,
    pub reason: Option<String>,
    /// Why it is invalid; an invalid directive suppresses nothing.
    pub problems: Vec<String>,
    /// `cosmolint-ignore-file` (or root metadata) rather than a line directive.
    pub file_wide: bool,
}

impl Directive {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether the reach contains `anchor` (what [`FileDirectives::covering`] computes
    /// for all directives at once).
    #[cfg(test)]
    fn covers(&self, anchor: Span) -> bool {
        match &self.reach {
            Reach::File => true,
            Reach::Item(r) => r.start <= anchor.start && anchor.end <= r.end,
            Reach::Nothing => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokKind {
    /// `{`, `[`, `(`
    Open,
    /// `}`, `]`, `)`
    Close,
    Comma,
    Newline,
    /// Anything else that is not blank: names, operators, whole strings and heredocs.
    Code,
    Comment,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: TokKind,
    start: u32,
    end: u32,
}

/// Splits `text` into the tokens that matter for finding comments and items. Never fails:
/// an unterminated string or comment runs to the end of its line or of the file.
fn lex(text: &str, lang: Lang) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0usize;
    let push = |toks: &mut Vec<Tok>, kind: TokKind, start: usize, end: usize| {
        let (start, end) = (start as u32, end as u32);
        match toks.last_mut() {
            Some(last) if kind == TokKind::Code && last.kind == TokKind::Code && last.end == start => last.end = end,
            _ => toks.push(Tok { kind, start, end }),
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match c {
            b'\n' => {
                push(&mut toks, TokKind::Newline, i, i + 1);
                i += 1;
            }
            // A lone CR ends a line too (the line index counts it).
            b'\r' if next != Some(b'\n') => {
                push(&mut toks, TokKind::Newline, i, i + 1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0c => i += 1,
            b'#' if lang == Lang::Terraform => {
                let end = line_end(b, i);
                push(&mut toks, TokKind::Comment, i, end);
                i = end;
            }
            b'/' if next == Some(b'/') => {
                let end = line_end(b, i);
                push(&mut toks, TokKind::Comment, i, end);
                i = end;
            }
            b'/' if next == Some(b'*') => {
                let end = find(b, i + 2, b"*/").map_or(b.len(), |p| p + 2);
                push(&mut toks, TokKind::Comment, i, end);
                i = end;
            }
            b'{' | b'[' | b'(' => {
                push(&mut toks, TokKind::Open, i, i + 1);
                i += 1;
            }
            b'}' | b']' | b')' => {
                push(&mut toks, TokKind::Close, i, i + 1);
                i += 1;
            }
            b',' => {
                push(&mut toks, TokKind::Comma, i, i + 1);
                i += 1;
            }
            b'"' if lang != Lang::Bicep => {
                let end = skip_string(b, i, b'"', lang == Lang::Terraform);
                push(&mut toks, TokKind::Code, i, end);
                i = end;
            }
            b'\'' if lang == Lang::Bicep => {
                let end = if b[i..].starts_with(b"'''") {
                    find(b, i + 3, b"'''").map_or(b.len(), |p| p + 3)
                } else {
                    skip_string(b, i, b'\'', true)
                };
                push(&mut toks, TokKind::Code, i, end);
                i = end;
            }
            b'<' if lang == Lang::Terraform && next == Some(b'<') => {
                let end = heredoc_end(b, i).unwrap_or(i + 2);
                push(&mut toks, TokKind::Code, i, end);
                i = end;
            }
            _ => {
                push(&mut toks, TokKind::Code, i, i + 1);
                i += 1;
            }
        }
    }
    toks
}

/// The offset of the line end at or after `i` (the `\n` or `\r`, not included).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |p| i + p)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The end of the string opening at `start` with `quote`. With `interpolation`, `${ … }`
/// (and Terraform's `%{ … }`) hold code with strings of their own; `$${` and `%%{` are
/// Terraform's escapes for a literal `${`/`%{`. A raw line break ends an unterminated
/// string (quoted strings cannot hold one), so one stray quote does not swallow the file.
fn skip_string(b: &[u8], start: usize, quote: u8, interpolation: bool) -> usize {
    enum Mode {
        Str,
        Interp(u32),
    }
    let mut stack = vec![Mode::Str];
    let mut i = start + 1;
    while let Some(top) = stack.last_mut() {
        let Some(&c) = b.get(i) else { return b.len() };
        match top {
            Mode::Str => match c {
                b'\\' => i += 2,
                _ if c == quote => {
                    stack.pop();
                    i += 1;
                }
                b'\n' | b'\r' => {
                    stack.pop();
                    if stack.is_empty() {
                        return i;
                    }
                }
                b'$' | b'%' if quote == b'"' && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if interpolation && b.get(i + 1) == Some(&b'{') && (c == b'$' || quote == b'"') => {
                    stack.push(Mode::Interp(0));
                    i += 2;
                }
                _ => i += 1,
            },
            Mode::Interp(depth) => {
                match c {
                    b'{' => *depth += 1,
                    b'}' if *depth == 0 => {
                        stack.pop();
                    }
                    b'}' => *depth -= 1,
                    _ if c == quote => stack.push(Mode::Str),
                    _ => {}
                }
                i += 1;
            }
        }
    }
    i.min(b.len())
}

/// The end of a Terraform heredoc `<<EOF` / `<<-EOF` starting at `start`: the end of the
/// line that holds only the marker. `None` when this is not a heredoc opener.
fn heredoc_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let name_start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    {
        i += 1;
    }
    let marker = &b[name_start..i];
    if marker.is_empty() || !marker[0].is_ascii_alphabetic() {
        return None;
    }
    let opener_end = line_end(b, i);
    if b[i..opener_end].iter().any(|c| !c.is_ascii_whitespace()) {
        return None;
    }
    let mut line = opener_end;
    while line < b.len() {
        // Skip the line break (`\r\n` counts once).
        line += if b[line..].starts_with(b"\r\n") { 2 } else { 1 };
        let end = line_end(b, line);
        if b[line..end].trim_ascii() == marker {
            return Some(end);
        }
        line = end;
    }
    Some(b.len())
}

/// The tokens of a file with what finding items needs, precomputed so that every question
/// is answered in time proportional to the item's first line, whatever the file holds
/// (hostile input: thousands of stacked directives, unbalanced brackets).
struct Tokens<'t> {
    text: &'t str,
    lang: Lang,
    toks: Vec<Tok>,
    /// For an `Open`, the index of its `Close`; `None` when unbalanced.
    closing: Vec<Option<usize>>,
    /// For each index, the next `Code`/`Open`/`Close`/`Comma` token after it.
    next_significant: Vec<Option<usize>>,
    /// For each index, the next `Newline` directly followed by another (a blank line).
    next_blank: Vec<Option<usize>>,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t str, lang: Lang) -> Tokens<'t> {
        let toks = lex(text, lang);
        let mut closing = vec![None; toks.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                TokKind::Open => open.push(i),
                TokKind::Close => {
                    if let Some(o) = open.pop() {
                        closing[o] = Some(i);
                    }
                }
                _ => {}
            }
        }
        let mut next_significant = vec![None; toks.len()];
        let mut next_blank = vec![None; toks.len()];
        let (mut sig, mut blank) = (None, None);
        for i in (0..toks.len()).rev() {
            next_significant[i] = sig;
            next_blank[i] = blank;
            match toks[i].kind {
                TokKind::Code | TokKind::Open | TokKind::Close | TokKind::Comma => sig = Some(i),
                TokKind::Newline if toks.get(i + 1).is_some_and(|t| t.kind == TokKind::Newline) => blank = Some(i),
                _ => {}
            }
        }
        Tokens {
            text,
            lang,
            toks,
            closing,
            next_significant,
            next_blank,
        }
    }

    /// The byte range of the item whose first token is `toks[s]`: to the end of its line at
    /// depth 0 (bracketed groups are jumped over), or to a `,` or closing bracket at depth 0;
    /// JSON items run over line breaks; Bicep decorator lines run on to the declaration.
    fn extent(&self, s: usize) -> Range<u32> {
        let toks = &self.toks;
        let mut end = toks[s].end;
        let mut line_has_tokens = false;
        let mut line_is_decorator = false;
        let mut i = s;
        while i < toks.len() {
            let t = toks[i];
            if matches!(t.kind, TokKind::Code | TokKind::Open) && !line_has_tokens {
                line_has_tokens = true;
                line_is_decorator =
                    self.lang == Lang::Bicep && self.text.as_bytes().get(t.start as usize) == Some(&b'@');
            }
            match t.kind {
                TokKind::Open => match self.closing[i] {
                    Some(c) => {
                        end = toks[c].end;
                        i = c + 1;
                        continue;
                    }
                    // Never closed: the item runs to the end of the file.
                    None => {
                        let last = toks
                            .iter()
                            .rev()
                            .find(|l| !matches!(l.kind, TokKind::Newline | TokKind::Comment));
                        end = last.map_or(end, |l| l.end.max(end));
                        break;
                    }
                },
                TokKind::Close | TokKind::Comma => break,
                TokKind::Newline if self.lang != Lang::Json => {
                    if line_has_tokens && !line_is_decorator {
                        break;
                    }
                    line_has_tokens = false;
                }
                TokKind::Code => end = t.end,
                TokKind::Newline | TokKind::Comment => {}
            }
            i += 1;
        }
        toks[s].start..end
    }

    /// The first item token after the comment `toks[k]`: past the rest of its line and any
    /// comment-only lines; `None` at a blank line, a closing bracket or the end of the file.
    fn item_after(&self, k: usize) -> Option<usize> {
        let j = self.next_significant[k]?;
        if self.next_blank[k].is_some_and(|b| b < j) {
            return None;
        }
        matches!(self.toks[j].kind, TokKind::Code | TokKind::Open).then_some(j)
    }
}

/// What a `cosmolint-ignore` comment says.
struct Parsed {
    file_wide: bool,
    rules: Vec<&'static str>,
    reason: Option<String>,
    problems: Vec<String>,
}

/// The directive a comment holds, if it is one. `body` is the comment without its marker.
fn parse_comment(body: &str) -> Option<Parsed> {
    let body = body.trim_start();
    let (file_wide, rest) = if let Some(r) = body.strip_prefix("cosmolint-ignore-file") {
        (true, r)
    } else {
        (false, body.strip_prefix("cosmolint-ignore")?)
    };
    // `cosmolint-ignored` or `cosmolint-ignore-files` are words, not directives.
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':'])) {
        return None;
    }
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let (names, reason) = match rest.split_once("--") {
        Some((n, r)) => (n, Some(r.split_whitespace().collect::<Vec<_>>().join(" "))),
        None => (rest, None),
    };
    let mut problems = Vec::new();
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for name in names.split([',', ' ', '\t', '\n', '\r']).filter(|n| !n.is_empty()) {
        match rules::find(name) {
            Some(r) if !ids.contains(&r.id) => ids.push(r.id),
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    let directive = if file_wide {
        "cosmolint-ignore-file"
    } else {
        "cosmolint-ignore"
    };
    if reason.is_none() && !unknown.is_empty() {
        problems.push(format!(
            "`{directive}` needs a reason after `--`: `{directive} {} -- why`",
            if ids.is_empty() {
                "CDB001".to_string()
            } else {
                ids.join(", ")
            }
        ));
    } else {
        if !unknown.is_empty() {
            problems.push(unknown_rules(&unknown));
        }
        if ids.is_empty() && unknown.is_empty() {
            problems.push(format!(
                "`{directive}` names no rule: write `{directive} CDB001 -- why` (several ids separated by commas)"
            ));
        }
        match &reason {
            None => problems.push(format!(
                "`{directive}` needs a reason after `--`: `{directive} {} -- why`",
                ids.join(", ")
            )),
            Some(r) if r.is_empty() => problems.push(format!("`{directive}` has an empty reason after `--`")),
            Some(_) => {}
        }
    }
    Some(Parsed {
        file_wide,
        rules: ids,
        reason: reason.filter(|r| !r.is_empty()),
        problems,
    })
}

fn unknown_rules(unknown: &[&str]) -> String {
    let known: Vec<String> = rules::ALL.iter().map(|r| format!("{} ({})", r.id, r.name)).collect();
    let names: Vec<String> = unknown
        .iter()
        .map(|u| format!("`{}`", crate::report::printable(u)))
        .collect();
    format!("unknown rule {}; known rules: {}", names.join(", "), known.join(", "))
}

/// The directives of one file.
pub fn scan(file: &SourceFile, lang: Lang) -> Vec<Directive> {
    let text: &str = &file.text;
    let mut out = Vec::new();
    if text.contains("cosmolint-ignore") {
        out.extend(comment_directives(file, lang));
    }
    if lang == Lang::Json && text.contains("\"cosmolint\"") {
        out.extend(metadata_directives(file));
    }
    let cap = crate::limits::MAX_SUPPRESSIONS_PER_FILE;
    if out.len() > cap {
        out.truncate(cap + 1);
        let last = &mut out[cap];
        last.reach = Reach::Nothing;
        last.problems = vec![format!(
            "more than {cap} suppressions in one file; this one and the rest are ignored"
        )];
    }
    out
}

fn comment_directives(file: &SourceFile, lang: Lang) -> Vec<Directive> {
    let text: &str = &file.text;
    let tokens = Tokens::new(text, lang);
    let toks = &tokens.toks;
    let mut extents: HashMap<usize, Range<u32>> = HashMap::new();
    let mut out = Vec::new();
    let mut code_seen = false;
    // The first code token of the current line, if any yet.
    let mut line_code: Option<usize> = None;
    for (k, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::Comment => {}
            TokKind::Newline => {
                line_code = None;
                continue;
            }
            _ => {
                code_seen = true;
                line_code.get_or_insert(k);
                continue;
            }
        }
        let raw = &text[t.start as usize..t.end as usize];
        let body = if let Some(b) = raw.strip_prefix("/*") {
            b.strip_suffix("*/").unwrap_or(b)
        } else if let Some(b) = raw.strip_prefix("//") {
            b
        } else {
            raw.strip_prefix('#').unwrap_or(raw)
        };
        let Some(Parsed {
            file_wide,
            rules,
            reason,
            mut problems,
        }) = parse_comment(body)
        else {
            continue;
        };
        let span = Span::new(file.id, t.start as usize..t.end as usize);
        let reach = if file_wide {
            if code_seen {
                problems.push(
                    "`cosmolint-ignore-file` must come before any code, at the top of the file; \
                     use `cosmolint-ignore` on the line above an item instead"
                        .into(),
                );
            }
            Reach::File
        } else {
            let start = match line_code {
                None => tokens.item_after(k),
                // At the end of a line of code: the item that line starts.
                Some(first) => Some(first).filter(|&j| matches!(toks[j].kind, TokKind::Code | TokKind::Open)),
            };
            match start {
                Some(s) => Reach::Item(extents.entry(s).or_insert_with(|| tokens.extent(s)).clone()),
                None => Reach::Nothing,
            }
        };
        out.push(Directive {
            span,
            reach,
            rules,
            reason,
            problems,
            file_wide,
        });
    }
    out
}

/// `"metadata": {"cosmolint": {"ignore": {"CDB001": "reason"}}}` on any object of an ARM
/// template (a resource; on the root object it covers the whole file).
fn metadata_directives(file: &SourceFile) -> Vec<Directive> {
    let Some(parsed) = crate::parse::arm::parse(file.id, &file.text) else {
        return Vec::new();
    };
    let Some(root) = parsed.root else { return Vec::new() };
    let mut out = Vec::new();
    // Iterative: the tree is at most `MAX_NESTING` deep, but no recursion is needed.
    let mut stack: Vec<&Expr> = vec![&root];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Object(fields) => {
                for f in fields {
                    stack.push(&f.value);
                }
                let Some(ignore) = member(e, "metadata").and_then(|m| member(m, "cosmolint")) else {
                    continue;
                };
                let is_root = std::ptr::eq(e, &root);
                let reach = if is_root {
                    Reach::File
                } else {
                    Reach::Item(e.span.start..e.span.end)
                };
                match member(ignore, "ignore").map(|i| &i.kind) {
                    Some(ExprKind::Object(entries)) => {
                        for entry in entries {
                            out.push(metadata_entry(entry, reach.clone(), is_root));
                        }
                    }
                    _ => out.push(Directive {
                        span: ignore.span,
                        reach: Reach::Nothing,
                        rules: Vec::new(),
                        reason: None,
                        problems: vec![
                            "`metadata.cosmolint` must be `{\"ignore\": {\"CDB001\": \"reason\", …}}`".into(),
                        ],
                        file_wide: is_root,
                    }),
                }
            }
            ExprKind::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.sort_by_key(|d| d.span.start);
    out
}

fn member<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &e.kind {
        ExprKind::Object(fields) => fields
            .iter()
            .find(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|f| &f.value),
        _ => None,
    }
}

fn metadata_entry(entry: &crate::ir::Field, reach: Reach, file_wide: bool) -> Directive {
    let name = entry.key.clone().unwrap_or_default();
    let mut problems = Vec::new();
    let rules = match rules::find(&name) {
        Some(r) => vec![r.id],
        None => {
            problems.push(unknown_rules(&[&name]));
            Vec::new()
        }
    };
    let reason = match &entry.value.kind {
        ExprKind::Str(s) if !s.trim().is_empty() => Some(s.split_whitespace().collect::<Vec<_>>().join(" ")),
        _ => {
            problems.push(format!(
                "the suppression of `{}` needs a reason: `\"{}\": \"why\"`",
                crate::report::printable(&name),
                crate::report::printable(&name)
            ));
            None
        }
    };
    Directive {
        span: entry.key_span.cover(entry.value.span),
        reach,
        rules,
        reason,
        problems,
        file_wide,
    }
}

/// Tells each finding of a unit which module calls its resource instance was evaluated
/// through: `chain` gives a module instance's calls; resources of the root instance have
/// none. A finding is matched to the unit resource declared at its resource header whose
/// address (module instances included) its instance's address extends with at most an
/// instance key, so each instance of a module called with `for_each` gets its own call.
pub(crate) fn attach_calls(
    diagnostics: &mut [Diagnostic],
    resources: &[crate::eval::UnitResource],
    chain: impl Fn(u32) -> Vec<Span>,
) {
    let mut by_header: HashMap<Span, Vec<(&str, u32)>> = HashMap::new();
    for r in resources {
        by_header
            .entry(r.resource.header)
            .or_default()
            .push((r.address.as_str(), r.instance));
    }
    for d in diagnostics.iter_mut() {
        let (Some(header), Some(inst)) = (d.context.resource, d.instances.first()) else {
            continue;
        };
        let Some(candidates) = by_header.get(&header) else {
            continue;
        };
        let owner = candidates.iter().find(|(address, _)| {
            inst.address
                .strip_prefix(address)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
        });
        if let Some((_, instance)) = owner {
            d.context.calls = chain(*instance);
        }
    }
}

/// Drops the diagnostics `keep` refuses, except rule findings: those are kept hidden
/// ([`crate::diagnostic::FindingContext::hidden`]) so that a suppression they match (at a
/// module call in a named file, say) is not reported as unused; `lint` drops them after.
pub(crate) fn hide_unless(diagnostics: &mut Vec<Diagnostic>, keep: impl Fn(&Diagnostic) -> bool) {
    diagnostics.retain_mut(|d| {
        if keep(d) {
            return true;
        }
        d.context.hidden = true;
        d.is_rule()
    });
}

/// A finding an inline suppression silenced, and the suppression that did.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    /// The `cosmolint-ignore` comment or metadata entry.
    pub by: Span,
    pub reason: String,
}

/// A file's identity for [`Scope::linted`]: its absolute path, normalised without touching
/// the file system.
pub fn identity(path: &std::path::Path) -> PathBuf {
    crate::source::normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Which files the user asked to lint and which rules run there: only there are
/// suppressions that suppress nothing reported (a module linted only through some of its
/// callers may need its suppressions for the others).
pub struct Scope<'a> {
    /// The files linted in full (walked or named), as found.
    pub linted: &'a [PathBuf],
    /// Whether a rule runs for a file (selection, per-path ignores).
    pub enabled: &'a dyn Fn(&'static str, &SourceFile) -> bool,
}

/// The findings left, those suppressed, and `invalid-suppression` / `unused-suppression`
/// diagnostics (added to `kept`).
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<Suppressed>,
}

struct FileDirectives {
    file: Arc<SourceFile>,
    directives: Vec<Directive>,
    /// Per directive, per named rule: whether it suppressed something.
    used: Vec<Vec<bool>>,
    /// Valid file-wide directives.
    file_wide: Vec<usize>,
    /// Valid item directives as (start, end, index), by start; with the largest end of each
    /// prefix, so a lookup stops as soon as no earlier item can reach the anchor.
    items: Vec<(u32, u32, usize)>,
    max_end: Vec<u32>,
}

impl FileDirectives {
    fn new(file: Arc<SourceFile>, directives: Vec<Directive>) -> FileDirectives {
        let valid = |d: &&Directive| d.is_valid();
        let file_wide = (0..directives.len())
            .filter(|&i| valid(&&directives[i]) && directives[i].reach == Reach::File)
            .collect();
        let mut items: Vec<(u32, u32, usize)> = directives
            .iter()
            .enumerate()
            .filter(|(_, d)| d.is_valid())
            .filter_map(|(i, d)| match &d.reach {
                Reach::Item(r) => Some((r.start, r.end, i)),
                _ => None,
            })
            .collect();
        items.sort_unstable();
        let max_end = items
            .iter()
            .scan(0u32, |m, &(_, end, _)| {
                *m = (*m).max(end);
                Some(*m)
            })
            .collect();
        FileDirectives {
            used: directives.iter().map(|d| vec![false; d.rules.len()]).collect(),
            file,
            directives,
            file_wide,
            items,
            max_end,
        }
    }

    /// The valid directives whose reach contains `anchor`.
    fn covering(&self, anchor: Span) -> Vec<usize> {
        let mut out = self.file_wide.clone();
        let upto = self.items.partition_point(|&(start, _, _)| start <= anchor.start);
        for j in (0..upto).rev() {
            if self.max_end[j] < anchor.end {
                break;
            }
            let (_, end, i) = self.items[j];
            if end >= anchor.end {
                out.push(i);
            }
        }
        out.sort_unstable();
        out
    }
}

/// Applies every suppression written in the run's files to `diagnostics`.
pub fn apply(files: &Files, diagnostics: Vec<Diagnostic>, scope: &Scope) -> Applied {
    let mut sets: Vec<FileDirectives> = Vec::new();
    let mut by_key: HashMap<PathBuf, usize> = HashMap::new();
    let mut by_file: HashMap<crate::source::FileId, usize> = HashMap::new();
    // Every file is searched for the word (SIMD, in parallel); only the few that have it
    // are lexed.
    let word = memchr::memmem::Finder::new(b"cosmolint");
    let mut found: Vec<(Arc<SourceFile>, Vec<Directive>)> = files
        .all()
        .into_par_iter()
        .filter_map(|f| {
            let kind = FileKind::of(&f.path)?;
            word.find(f.text.as_bytes())?;
            let directives = scan(&f, Lang::of(kind));
            (!directives.is_empty()).then_some((f, directives))
        })
        .collect();
    found.sort_by_key(|(f, _)| f.id);
    for (f, directives) in found {
        // One file read twice (two paths to it) has one set of directives.
        let key = path_key(&f.path);
        let at = *by_key.entry(key).or_insert_with(|| {
            sets.push(FileDirectives::new(f.clone(), directives));
            sets.len() - 1
        });
        by_file.insert(f.id, at);
    }
    if sets.is_empty() {
        return Applied {
            kept: diagnostics,
            suppressed: Vec::new(),
        };
    }
    // Files whose findings are incomplete (they could not be parsed): no unused reports.
    let broken: HashSet<usize> = diagnostics
        .iter()
        .filter(|d| matches!(d.code, "syntax-error" | "encoding-error" | "internal-error"))
        .filter_map(|d| by_file.get(&d.span.file).copied())
        .collect();
    let with_findings: HashSet<usize> = diagnostics
        .iter()
        .filter(|d| d.is_rule() && !d.context.hidden)
        .filter_map(|d| by_file.get(&d.span.file).copied())
        .collect();

    let mut kept = Vec::with_capacity(diagnostics.len());
    let mut suppressed = Vec::new();
    for d in diagnostics {
        if !d.is_rule() {
            kept.push(d);
            continue;
        }
        let mut by: Option<(Span, String)> = None;
        for anchor in d.context.anchors(d.span) {
            let Some(&set) = by_file.get(&anchor.file) else {
                continue;
            };
            let set = &mut sets[set];
            for i in set.covering(anchor) {
                let dir = &set.directives[i];
                let Some(r) = dir.rules.iter().position(|r| *r == d.code) else {
                    continue;
                };
                set.used[i][r] = true;
                if by.is_none() {
                    by = Some((dir.span, dir.reason.clone().unwrap_or_default()));
                }
            }
        }
        match by {
            Some((by, reason)) => suppressed.push(Suppressed {
                diagnostic: d,
                by,
                reason,
            }),
            None => kept.push(d),
        }
    }

    let linted: HashSet<PathBuf> = scope.linted.iter().map(|p| identity(p)).collect();
    for (n, set) in sets.iter().enumerate() {
        let linted = linted.contains(&identity(&set.file.path));
        for (dir, used) in set.directives.iter().zip(&set.used) {
            if !dir.is_valid() {
                if linted || with_findings.contains(&n) {
                    kept.push(Diagnostic::tool(
                        ToolCode::InvalidSuppression,
                        dir.span,
                        format!(
                            "invalid suppression, it suppresses nothing: {}",
                            dir.problems.join("; ")
                        ),
                    ));
                }
                continue;
            }
            if !linted || broken.contains(&n) {
                continue;
            }
            let unused: Vec<&str> = dir
                .rules
                .iter()
                .zip(used)
                .filter(|(r, u)| !**u && (scope.enabled)(r, &set.file))
                .map(|(r, _)| *r)
                .collect();
            if unused.is_empty() {
                continue;
            }
            let where_ = match &dir.reach {
                Reach::File => "in this file".to_string(),
                Reach::Item(r) if r.start >= dir.span.end => "in the item below it".to_string(),
                Reach::Item(r) if r.end <= dir.span.start => "in the item on its line".to_string(),
                Reach::Item(_) => "in the object it is in".to_string(),
                Reach::Nothing => {
                    "because no item follows it: a suppression applies to the item on the next line, with no blank line between"
                        .to_string()
                }
            };
            let n = unused.len();
            kept.push(Diagnostic::tool(
                ToolCode::UnusedSuppression,
                dir.span,
                format!(
                    "unused suppression: no {} {} {where_}; remove {}",
                    unused.join(", "),
                    if n == 1 { "finding" } else { "findings" },
                    if n == dir.rules.len() {
                        "the suppression"
                    } else if n == 1 {
                        "this id"
                    } else {
                        "these ids"
                    }
                ),
            ));
        }
    }
    Applied { kept, suppressed }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// Each directive of `text`: the text it covers (`<file>`, `<nothing>`), its rules and
    /// its problems.
    fn scanned(text: &str, lang: Lang) -> Vec<(String, Vec<&'static str>, Vec<String>)> {
        let file = SourceFile::new(FileId(0), "t".into(), "t".into(), text.into());
        scan(&file, lang)
            .into_iter()
            .map(|d| {
                let covered = match &d.reach {
                    Reach::File => "<file>".to_string(),
                    Reach::Nothing => "<nothing>".to_string(),
                    Reach::Item(r) => text[r.start as usize..r.end as usize].to_string(),
                };
                (covered, d.rules, d.problems)
            })
            .collect()
    }

    fn covered(text: &str, lang: Lang) -> Vec<String> {
        scanned(text, lang).into_iter().map(|(c, _, _)| c).collect()
    }

    #[test]
    fn a_terraform_comment_covers_the_block_or_attribute_below_it() {
        let text = "# cosmolint-ignore CDB001 -- r\nresource \"a\" \"b\" {\n  x = 1\n  // cosmolint-ignore CDB002 -- r\n  y = {\n    z = 2\n  }\n  w = 3\n}\n";
        assert_eq!(
            covered(text, Lang::Terraform),
            [
                "resource \"a\" \"b\" {\n  x = 1\n  // cosmolint-ignore CDB002 -- r\n  y = {\n    z = 2\n  }\n  w = 3\n}",
                "y = {\n    z = 2\n  }"
            ]
        );
    }

    #[test]
    fn comment_lines_between_are_skipped_but_a_blank_line_ends_the_reach() {
        let text =
            "/* cosmolint-ignore CDB001 -- r */\n# why: see ticket\nx = 1\n\n# cosmolint-ignore CDB001 -- r\n\ny = 2\n";
        assert_eq!(covered(text, Lang::Terraform), ["x = 1", "<nothing>"]);
    }

    #[test]
    fn a_comment_at_the_end_of_a_line_covers_what_the_line_starts() {
        let text =
            "resource \"a\" \"b\" { # cosmolint-ignore CDB001 -- r\n  x = false # cosmolint-ignore CDB001 -- r\n}\n";
        assert_eq!(
            covered(text, Lang::Terraform),
            [
                "resource \"a\" \"b\" { # cosmolint-ignore CDB001 -- r\n  x = false # cosmolint-ignore CDB001 -- r\n}",
                "x = false"
            ]
        );
    }

    #[test]
    fn directives_inside_strings_and_heredocs_are_text() {
        let text = "a = \"# cosmolint-ignore CDB001 -- r\"\nb = \"${lower(\"x\")} // cosmolint-ignore CDB001 -- r\"\nc = <<-EOT\n  # cosmolint-ignore CDB001 -- r\n  EOT\n# cosmolint-ignore CDB001 -- real\nd = 1\n";
        assert_eq!(covered(text, Lang::Terraform), ["d = 1"]);
        let bicep = "var a = '// cosmolint-ignore CDB001 -- r'\nvar b = '''\n// cosmolint-ignore CDB001 -- r\n'''\nvar c = '${'\\''}' // cosmolint-ignore CDB001 -- real\n";
        assert_eq!(covered(bicep, Lang::Bicep), ["var c = '${'\\''}'"]);
        let json = "{\n\"a\": \"// cosmolint-ignore CDB001 -- r\", // cosmolint-ignore CDB001 -- real\n\"b\": 1}";
        assert_eq!(
            covered(json, Lang::Json),
            ["\"a\": \"// cosmolint-ignore CDB001 -- r\""]
        );
    }

    #[test]
    fn bicep_decorators_belong_to_the_declaration_below_them() {
        let text = "// cosmolint-ignore CDB001 -- r\n@description('x')\n@metadata({\n  a: 1\n})\nresource account 'T@1' = {\n  name: 'a'\n}\noutput o string = 'x'\n";
        assert_eq!(
            covered(text, Lang::Bicep),
            ["@description('x')\n@metadata({\n  a: 1\n})\nresource account 'T@1' = {\n  name: 'a'\n}"]
        );
    }

    #[test]
    fn a_json_comment_covers_the_object_or_member_below_it() {
        let text = "{\n  \"resources\": [\n    // cosmolint-ignore CDB001 -- r\n    {\n      \"type\": \"x\",\n      // cosmolint-ignore CDB002 -- r\n      \"properties\": {\n        \"a\": false\n      },\n      \"b\": 1\n    },\n    {}\n  ]\n}\n";
        assert_eq!(
            covered(text, Lang::Json),
            [
                "{\n      \"type\": \"x\",\n      // cosmolint-ignore CDB002 -- r\n      \"properties\": {\n        \"a\": false\n      },\n      \"b\": 1\n    }",
                "\"properties\": {\n        \"a\": false\n      }"
            ]
        );
    }

    #[test]
    fn names_ids_reasons_and_what_is_wrong() {
        let (_, rules, problems) = &scanned(
            "# cosmolint-ignore CDB001, key-metadata-writes-enabled -- r\nx = 1\n",
            Lang::Terraform,
        )[0];
        assert_eq!(rules, &["CDB001", "CDB002"]);
        assert!(problems.is_empty());
        let problems = |t: &str| scanned(t, Lang::Terraform).remove(0).2.join("\n");
        assert!(problems("# cosmolint-ignore CDB001\nx = 1\n").contains("needs a reason after `--`"));
        assert!(problems("# cosmolint-ignore CDB001 --   \nx = 1\n").contains("empty reason"));
        assert!(problems("# cosmolint-ignore -- r\nx = 1\n").contains("names no rule"));
        let unknown = problems("# cosmolint-ignore CDB999 -- r\nx = 1\n");
        assert!(unknown.contains("unknown rule `CDB999`"), "{unknown}");
        assert!(unknown.contains("CDB001 (local-auth-enabled)"), "{unknown}");
        // Without `--`, the words of a reason are not taken for rule ids.
        let no_dashes = problems("# cosmolint-ignore CDB001 legacy app\nx = 1\n");
        assert!(
            no_dashes.contains("needs a reason") && !no_dashes.contains("unknown"),
            "{no_dashes}"
        );
        // Prose that mentions the directive is not one.
        assert!(scanned(
            "# cosmolint-ignored here, see cosmolint-ignore docs\nx = 1\n",
            Lang::Terraform
        )
        .is_empty());
    }

    #[test]
    fn ignore_file_is_valid_only_before_code() {
        let ok = scanned(
            "# header\n// cosmolint-ignore-file CDB001 -- r\nx = 1\n",
            Lang::Terraform,
        );
        assert_eq!(ok[0].0, "<file>");
        assert!(ok[0].2.is_empty());
        let late = scanned("x = 1\n# cosmolint-ignore-file CDB001 -- r\n", Lang::Terraform);
        assert!(late[0].2[0].contains("must come before any code"), "{:?}", late[0].2);
    }

    #[test]
    fn arm_metadata_suppresses_in_its_resource() {
        let text = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "a",
   "metadata": {"cosmolint": {"ignore": {"CDB001": "legacy", "CDB999": "x", "CDB002": ""}}}}]}"#;
        let found = scanned(text, Lang::Json);
        assert_eq!(found.len(), 3);
        assert!(
            found[0].0.starts_with("{\"type\"") && found[0].0.ends_with("}}}}"),
            "{}",
            found[0].0
        );
        assert_eq!(found[0].1, ["CDB001"]);
        assert!(found[0].2.is_empty());
        assert!(found[1].2[0].contains("unknown rule `CDB999`"));
        assert!(found[2].2[0].contains("needs a reason"));
    }

    #[test]
    fn unterminated_input_never_hangs_or_panics() {
        for text in [
            "\"${\"${\"${ # cosmolint-ignore CDB001 -- r",
            "/* cosmolint-ignore CDB001 -- r",
            "x = <<EOT\n# cosmolint-ignore CDB001 -- r\n",
            "'''// cosmolint-ignore",
            "# cosmolint-ignore CDB001 -- r\n}}}",
            "\\",
            "# cosmolint-ignore CDB001 -- r\r\rx",
        ] {
            for lang in [Lang::Terraform, Lang::Bicep, Lang::Json] {
                let _ = scanned(text, lang);
            }
        }
        assert_eq!(
            covered("# cosmolint-ignore CDB001 -- r\r\rx", Lang::Terraform),
            ["<nothing>"]
        );
        assert_eq!(
            covered("# cosmolint-ignore CDB001 -- r\r\nx = 1\r\n", Lang::Terraform),
            ["x = 1"]
        );
    }

    #[test]
    fn many_directives_and_unbalanced_brackets_stay_linear() {
        // Quadratic scanning would take minutes on these; linear takes milliseconds.
        let stacked = "# cosmolint-ignore CDB001 -- r\n".repeat(50_000) + "x = 1\n";
        let found = scanned(&stacked, Lang::Terraform);
        assert_eq!(found.len(), crate::limits::MAX_SUPPRESSIONS_PER_FILE + 1);
        assert_eq!(found[0].0, "x = 1");
        assert!(found.last().unwrap().2[0].contains("more than 1000 suppressions"));
        let nested = "// cosmolint-ignore CDB001 -- r\n{\n".repeat(50_000);
        let file = SourceFile::new(FileId(0), "t".into(), "t".into(), nested.as_str().into());
        let found = scan(&file, Lang::Json);
        let end = nested.trim_end().len() as u32;
        assert_eq!(
            found[0].reach,
            Reach::Item(32..end),
            "an unclosed item runs to the end of the file"
        );
        let one_line = "/* cosmolint-ignore CDB001 -- r */ ".repeat(50_000) + "x";
        assert_eq!(scanned(&one_line, Lang::Bicep)[0].0, "x");
    }

    #[test]
    fn the_covering_index_finds_exactly_the_directives_that_contain_an_anchor() {
        // Nested, stacked, trailing, file-wide and invalid directives.
        let text = "# cosmolint-ignore-file CDB002 -- f\n# cosmolint-ignore CDB001 -- a\nresource \"a\" \"b\" {\n  # cosmolint-ignore CDB001 -- b\n  x = {\n    # cosmolint-ignore CDB001 -- c\n    y = 1 # cosmolint-ignore CDB001 -- d\n    z = 2\n  }\n  # cosmolint-ignore CDB001\n  w = 3\n}\n# cosmolint-ignore CDB001 -- e\nv = 4\n";
        let file = Arc::new(SourceFile::new(FileId(0), "t".into(), "t".into(), text.into()));
        let directives = scan(&file, Lang::Terraform);
        let set = FileDirectives::new(file.clone(), directives.clone());
        for start in 0..text.len() {
            for end in start..=text.len().min(start + 40) {
                let anchor = Span::new(FileId(0), start..end);
                let brute: Vec<usize> = (0..directives.len())
                    .filter(|&i| directives[i].is_valid() && directives[i].covers(anchor))
                    .collect();
                assert_eq!(set.covering(anchor), brute, "{start}..{end}");
            }
        }
    }
}
