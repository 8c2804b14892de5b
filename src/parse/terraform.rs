//! Terraform (HCL) → IR, with a span on every node.
//!
//! Uses `hcl-edit` (re-exported by `hcl-rs` as `hcl::edit`) because it keeps byte spans;
//! `hcl-rs`'s own value parser drops them. hcl-edit stops at the first syntax error and
//! returns no tree, so a broken file yields one `syntax-error` and no declarations.

use hcl::edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};
use hcl::edit::template::{Element, Template};

use crate::ir::{BinaryOp, Expr, ExprKind, Field, ForExpr, Resource, SyntaxProblem, TemplatePart, UnaryOp};
use crate::source::{FileId, Span};

/// The declarations of one `.tf` file.
#[derive(Debug, Default)]
pub struct TfFile {
    pub resources: Vec<Resource>,
    pub variables: Vec<Variable>,
    pub locals: Vec<Local>,
    pub modules: Vec<ModuleCall>,
    pub outputs: Vec<Output>,
    pub problems: Vec<SyntaxProblem>,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub header: Span,
    pub default: Option<Expr>,
    /// The values a `validation { condition = contains([...], var.<name>) }` block allows.
    pub allowed: Option<Vec<Expr>>,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub header: Span,
    /// The literal `source` string, if it is one.
    pub source: Option<String>,
    pub source_span: Span,
    /// Every argument except the meta-arguments (`source`, `version`, `providers`, …).
    pub args: Vec<Field>,
    pub repeated: bool,
    /// The `count` and `for_each` meta-arguments.
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
}

/// Maximum bracket nesting accepted before parsing. hcl-edit is a recursive-descent parser;
/// past this depth a hostile file could exhaust the stack, and no real configuration nests
/// anywhere near it.
pub use crate::limits::{MAX_NESTING, MAX_OBJECT_ENTRIES};

/// Parses a `.tf` file.
pub fn parse(file: FileId, text: &str) -> TfFile {
    let mut out = TfFile::default();
    let body = match parse_body(file, text) {
        Ok(body) => body,
        Err(problem) => {
            out.problems.push(problem);
            return out;
        }
    };
    let lower = Lower::new(file);
    for structure in body.iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        match block.ident.as_str() {
            "resource" => {
                if let Some(r) = lower.resource(block) {
                    out.resources.push(r);
                }
            }
            "variable" => {
                if let Some(name) = label(block, 0) {
                    let default = block
                        .body
                        .get_attribute("default")
                        .map(|a| lower.expr(&a.value, lower.span_of(a)));
                    let allowed = block
                        .body
                        .blocks()
                        .filter(|b| b.ident.as_str() == "validation")
                        .filter_map(|b| b.body.get_attribute("condition"))
                        .find_map(|c| allowed_values(&lower.expr(&c.value, lower.span_of(c)), &name));
                    out.variables.push(Variable {
                        name,
                        header: lower.header(block),
                        default,
                        allowed,
                    });
                }
            }
            "locals" => {
                for attr in block.body.attributes() {
                    out.locals.push(Local {
                        name: attr.key.as_str().to_string(),
                        value: lower.expr(&attr.value, lower.span_of(attr)),
                    });
                }
            }
            "output" => {
                if let (Some(name), Some(value)) = (label(block, 0), block.body.get_attribute("value")) {
                    out.outputs.push(Output {
                        name,
                        value: lower.expr(&value.value, lower.span_of(value)),
                    });
                }
            }
            "module" => {
                if let Some(name) = label(block, 0) {
                    let header = lower.header(block);
                    let source_attr = block.body.get_attribute("source");
                    let source = source_attr.and_then(|a| match &a.value {
                        Expression::String(s) => Some(s.value().to_string()),
                        _ => None,
                    });
                    let source_span = source_attr.map_or(header, |a| lower.span_of(&a.value).unwrap_or(header));
                    let repeated = block.body.has_attribute("count") || block.body.has_attribute("for_each");
                    let args = block
                        .body
                        .attributes()
                        .filter(|a| !MODULE_META.contains(&a.key.as_str()))
                        .map(|a| Field {
                            key: Some(a.key.as_str().to_string()),
                            key_span: lower.span_of(&a.key).unwrap_or(header),
                            value: lower.expr(&a.value, lower.span_of(a)),
                        })
                        .collect();
                    let meta = |name: &str| {
                        block
                            .body
                            .get_attribute(name)
                            .map(|a| lower.expr(&a.value, lower.span_of(a)))
                    };
                    out.modules.push(ModuleCall {
                        name,
                        header,
                        source,
                        source_span,
                        args,
                        repeated,
                        count: meta("count"),
                        for_each: meta("for_each"),
                    });
                }
            }
            _ => {}
        }
    }
    out.problems.extend(lower.problems.into_inner());
    out
}

const MODULE_META: &[&str] = &["source", "version", "providers", "count", "for_each", "depends_on"];

/// The list of `contains([...], var.<name>)` (the usual validation of an enumerated
/// variable), when that is what `condition` says.
fn allowed_values(condition: &Expr, name: &str) -> Option<Vec<Expr>> {
    let ExprKind::Call(f, args) = &condition.kind else {
        return None;
    };
    let [list, x] = args.as_slice() else { return None };
    let ExprKind::Array(items) = &list.kind else {
        return None;
    };
    let is_var = matches!(&x.kind, ExprKind::GetAttr(base, n)
        if n == name && matches!(&base.kind, ExprKind::Name(v) if v == "var"));
    (f == "contains" && is_var).then(|| items.clone())
}

/// The attributes of a `.tfvars` file, as object fields.
pub fn parse_tfvars(file: FileId, text: &str) -> (Vec<Field>, Vec<SyntaxProblem>) {
    match parse_body(file, text) {
        Ok(body) => {
            let lower = Lower::new(file);
            let fields: Vec<Field> = body
                .attributes()
                .map(|a| Field {
                    key: Some(a.key.as_str().to_string()),
                    key_span: lower.span_of(&a.key).unwrap_or(Span::new(file, 0..0)),
                    value: lower.expr(&a.value, lower.span_of(a)),
                })
                .collect();
            (fields, lower.problems.into_inner())
        }
        Err(p) => (Vec::new(), vec![p]),
    }
}

/// Parses one expression (a `--var k=v` value). Returns `None` when it is not valid HCL.
pub fn parse_expr(file: FileId, text: &str) -> Option<Expr> {
    check_brackets(text).ok()?;
    let e = hcl::edit::parser::parse_expr(text).ok()?;
    let lower = Lower::new(file);
    let e = lower.expr(&e, Some(Span::new(file, 0..text.len())));
    lower.problems.into_inner().is_empty().then_some(e)
}

fn parse_body(file: FileId, text: &str) -> Result<Body, SyntaxProblem> {
    if let Err((range, message)) = check_brackets(text) {
        return Err(SyntaxProblem {
            span: Span::new(file, range),
            message,
        });
    }
    hcl::edit::parser::parse_body(text).map_err(|e| {
        // hcl-edit can report an offset inside a multi-byte character: back off to its start.
        let mut offset = e.location().offset().min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let end = next_char_end(text, offset);
        SyntaxProblem {
            span: Span::new(file, offset..end),
            message: e.message().to_string(),
        }
    })
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8())
}

/// Bytes the bracket scanner acts on outside quoted strings, and inside them.
const IN_CODE: [bool; 256] = byte_set(b"#/\"<{[()]}");
/// Directly inside an object literal, entries are counted too.
const IN_OBJECT: [bool; 256] = byte_set(b"#/\"<{[()]}\n,");
const IN_STRING: [bool; 256] = byte_set(b"\\\"\n$%");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// What the bracket scanner is inside of.
#[derive(Clone, Copy, Debug)]
enum Ctx {
    /// `{`, `[` or `(` opened at the offset.
    Bracket(u8, usize),
    /// An object literal's `{` opened at the offset, and the separators (newlines, commas)
    /// seen directly inside it so far.
    Object(usize, usize),
    /// A quoted string opened at the offset.
    Str(usize),
    /// `${` or `%{` inside a quoted string, opened at the offset.
    Interp(usize),
}

/// The string literals written as `source = "…"` anywhere in `text`, found without
/// parsing. A cheap over-approximation of a file's module sources (comments and other
/// blocks are not told apart), for scheduling only: the parsed module calls decide.
pub fn source_literals(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    text.match_indices("source").filter_map(move |(at, _)| {
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || matches!(b[at - 1], b'_' | b'-'));
        if !before_ok {
            return None;
        }
        let rest = text[at + "source".len()..].trim_start_matches([' ', '\t']);
        let rest = rest.strip_prefix('=')?.trim_start_matches([' ', '\t']);
        let rest = rest.strip_prefix('"')?;
        let end = rest.find(['"', '\n'])?;
        Some(&rest[..end])
    })
}

/// A quick lexical pass before hcl-edit: brackets must balance (outside strings and
/// comments), quoted strings must end on their line, and nesting must stay under
/// [`MAX_NESTING`].
///
/// Why: hcl-edit is a backtracking parser. On some broken inputs — unclosed `"${…{…` runs,
/// found by fuzzing — it takes seconds per kilobyte, and deep nesting could exhaust the
/// stack. Every input this pass rejects is invalid HCL, and its message ("`{` is never
/// closed", pointing at the `{`) is more useful than the parser's error at end of file.
///
/// It also refuses object literals with more than [`MAX_OBJECT_ENTRIES`] entries (counted
/// as the newlines and commas directly inside them, an upper bound): hcl-edit keeps an
/// object's entries in a vector and searches it for a duplicate key on every insert, so
/// one object costs the square of its size (45,000 keys: 21 s). With the cap, parsing
/// stays linear in the file size.
pub fn check_brackets(text: &str) -> Result<(), (std::ops::Range<usize>, String)> {
    let b = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut i = 0;
    let at = |i: usize| i..next_char_end(text, i);
    while i < b.len() {
        // Skip the bytes that cannot change the state (most of them), in a tight loop.
        let interesting = match stack.last() {
            Some(Ctx::Str(_)) => &IN_STRING,
            Some(Ctx::Object(..)) => &IN_OBJECT,
            _ => &IN_CODE,
        };
        match b[i..].iter().position(|&c| interesting[usize::from(c)]) {
            Some(skip) => i += skip,
            None => break,
        }
        let c = b[i];
        if let Some(Ctx::Str(open)) = stack.last().copied() {
            match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'\n' => return Err((at(open), "quoted string is not closed on its line".into())),
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Interp(i));
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'#' => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(e) => i += e + 3,
                None => return Err((at(i), "comment is not closed".into())),
            },
            b'"' => stack.push(Ctx::Str(i)),
            b'<' if b.get(i + 1) == Some(&b'<') => {
                if let Some(end) = heredoc_end(text, i) {
                    if let Some(open) = unclosed_interpolation(&text[i..end]) {
                        return Err((at(i + open), "interpolation is never closed in this heredoc".into()));
                    }
                    i = end;
                    continue;
                }
            }
            b'\n' | b',' => {
                if let Some(Ctx::Object(open, entries)) = stack.last_mut() {
                    *entries += 1;
                    if *entries > MAX_OBJECT_ENTRIES {
                        return Err((
                            at(*open),
                            format!(
                                "object has more than {MAX_OBJECT_ENTRIES} entries; the file is not parsed (hcl-edit takes quadratic time on such objects)"
                            ),
                        ));
                    }
                }
            }
            b'{' | b'[' | b'(' => {
                stack.push(if c == b'{' && opens_object(b, i) {
                    Ctx::Object(i, 0)
                } else {
                    Ctx::Bracket(c, i)
                });
                if stack.len() > MAX_NESTING {
                    return Err((
                        at(i),
                        format!("brackets nest deeper than {MAX_NESTING} levels; the file is not parsed"),
                    ));
                }
            }
            b'}' | b']' | b')' => {
                let want = match c {
                    b'}' => b'{',
                    b']' => b'[',
                    _ => b'(',
                };
                match stack.last() {
                    Some(Ctx::Bracket(open, _)) if *open == want => {
                        stack.pop();
                    }
                    Some(Ctx::Object(..)) if c == b'}' => {
                        stack.pop();
                    }
                    Some(Ctx::Object(pos, _)) => {
                        return Err((
                            at(i),
                            format!("`{}` does not close the `{{` at offset {pos}", c as char),
                        ))
                    }
                    Some(Ctx::Interp(_)) if c == b'}' => {
                        stack.pop();
                    }
                    Some(Ctx::Bracket(open, pos)) => {
                        return Err((
                            at(i),
                            format!("`{}` does not close the `{}` at offset {pos}", c as char, *open as char),
                        ))
                    }
                    _ => return Err((at(i), format!("`{}` has no matching opening bracket", c as char))),
                }
            }
            _ => {}
        }
        i += 1;
    }
    match stack.last() {
        None => Ok(()),
        Some(Ctx::Bracket(open, pos)) => Err((at(*pos), format!("`{}` is never closed", *open as char))),
        Some(Ctx::Object(pos, _)) => Err((at(*pos), "`{` is never closed".into())),
        Some(Ctx::Interp(pos)) => Err((at(*pos), "interpolation is never closed".into())),
        Some(Ctx::Str(pos)) => Err((at(*pos), "quoted string is never closed".into())),
    }
}

/// Whether the `{` at `i` opens an object literal (after `=`, `:`, `(`, `[`, `,`, `?`,
/// `>` of `=>`) rather than a block body (after a block's name or labels).
fn opens_object(b: &[u8], i: usize) -> bool {
    let before = b[..i].iter().rev().find(|c| !c.is_ascii_whitespace());
    matches!(before, Some(b'=' | b':' | b'(' | b'[' | b',' | b'?' | b'>'))
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p)
}

/// The offset after a heredoc (`<<EOF` / `<<-EOF` … `EOF`) starting at `i`, or `None`
/// when `<<` does not start one (then the parser decides).
/// In a heredoc, the offset of a `${`/`%{` that is never closed. hcl-edit backtracks for
/// seconds per kilobyte on those (found by fuzzing: 1.3 kB in 2 s), as with quoted strings.
/// Tracks only what can close an interpolation: braces, and quoted strings in code (with
/// their own interpolations); `$${` and `%%{` are literal.
fn unclosed_interpolation(heredoc: &str) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        /// Heredoc text.
        Text,
        /// Code of the interpolation opened at the offset.
        Interp(usize),
        /// A `{` inside interpolation code.
        Brace,
        /// A quoted string inside interpolation code.
        Str,
    }
    let b = heredoc.as_bytes();
    let mut stack = vec![State::Text];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match stack.last().copied().unwrap_or(State::Text) {
            state @ (State::Text | State::Str) => {
                let in_str = matches!(state, State::Str);
                match c {
                    b'\\' if in_str => i += 1,
                    // A string left open at the line end is the parser's to report.
                    b'"' | b'\n' if in_str => {
                        stack.pop();
                    }
                    b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 2,
                    b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                        stack.push(State::Interp(i));
                        i += 1;
                    }
                    _ => {}
                }
            }
            State::Interp(_) | State::Brace => match c {
                b'{' => stack.push(State::Brace),
                b'}' => {
                    stack.pop();
                }
                b'"' => stack.push(State::Str),
                _ => {}
            },
        }
        i += 1;
    }
    stack.iter().find_map(|s| match s {
        State::Interp(at) => Some(*at),
        _ => None,
    })
}

fn heredoc_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ident: &str = &rest[..rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?];
    let after = &rest[ident.len()..];
    if ident.is_empty() || !after.starts_with(['\n', '\r']) {
        return None;
    }
    let body_start = text.len() - after.len();
    let mut pos = body_start + after.find('\n')? + 1;
    for line in text[pos..].split_inclusive('\n') {
        pos += line.len();
        if line.trim() == ident {
            return Some(pos);
        }
    }
    None
}

fn label(block: &Block, i: usize) -> Option<String> {
    block.labels.get(i).map(|l| match l {
        BlockLabel::Ident(id) => id.as_str().to_string(),
        BlockLabel::String(s) => s.value().to_string(),
    })
}

struct Lower {
    file: FileId,
    /// Depth of the IR node being built: expression levels, plus the steps of enclosing
    /// traversals (`a.b.c[x]`: `x` sits three levels below the traversal's node).
    depth: std::cell::Cell<usize>,
    /// The first expression refused for its depth.
    problems: std::cell::RefCell<Vec<SyntaxProblem>>,
}

impl Lower {
    fn new(file: FileId) -> Lower {
        Lower {
            file,
            depth: Default::default(),
            problems: Default::default(),
        }
    }

    fn span_of(&self, node: &impl hcl::edit::Span) -> Option<Span> {
        node.span().map(|r| Span::new(self.file, r))
    }

    /// `resource "type" "name"`: from the keyword to the end of the last label.
    fn header(&self, block: &Block) -> Span {
        let start = self.span_of(&block.ident);
        let end = block.labels.last().and_then(|l| self.span_of(l));
        match (start, end) {
            (Some(s), Some(e)) => s.cover(e),
            (Some(s), None) => s,
            _ => self.span_of(block).unwrap_or(Span::new(self.file, 0..0)),
        }
    }

    fn resource(&self, block: &Block) -> Option<Resource> {
        let rtype = label(block, 0)?;
        let name = label(block, 1)?;
        let span = self.span_of(block).unwrap_or(Span::new(self.file, 0..0));
        let header = self.header(block);
        Some(Resource {
            rtype: rtype.to_ascii_lowercase(),
            rtype_written: rtype,
            name,
            span,
            header,
            body: self.body(&block.body, span),
            repeated: block.body.has_attribute("count") || block.body.has_attribute("for_each"),
            existing: false,
        })
    }

    /// A body as an object: attributes are fields, blocks are array fields (one element per
    /// block of that type, in order), `dynamic` blocks are dynamic elements of those arrays.
    fn body(&self, body: &Body, span: Span) -> Expr {
        let mut fields: Vec<Field> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key_span = self.span_of(&attr.key).unwrap_or(span);
                    fields.push(Field {
                        key: Some(attr.key.as_str().to_string()),
                        key_span,
                        value: self.expr(&attr.value, self.span_of(attr).or(Some(span))),
                    });
                }
                Structure::Block(block) => {
                    let block_span = self.span_of(block).unwrap_or(span);
                    let (key, element) = if block.ident.as_str() == "dynamic" {
                        let Some(key) = label(block, 0) else { continue };
                        (key.clone(), self.dynamic(block, key, block_span))
                    } else {
                        (block.ident.as_str().to_string(), self.body(&block.body, block_span))
                    };
                    let key_span = self.header(block);
                    match fields.iter_mut().find(|f| f.key.as_deref() == Some(&key)) {
                        Some(Field {
                            value:
                                Expr {
                                    kind: ExprKind::Array(items),
                                    span: s,
                                },
                            ..
                        }) => {
                            items.push(element);
                            *s = s.cover(block_span);
                        }
                        _ => fields.push(Field {
                            key: Some(key),
                            key_span,
                            value: Expr::new(ExprKind::Array(vec![element]), block_span),
                        }),
                    }
                }
            }
        }
        Expr::new(ExprKind::Object(fields), span)
    }

    fn dynamic(&self, block: &Block, label: String, span: Span) -> Expr {
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or(label);
        let for_each = block
            .body
            .get_attribute("for_each")
            .map(|a| self.expr(&a.value, self.span_of(a)))
            .unwrap_or_else(|| Expr::new(ExprKind::Opaque("dynamic block without for_each"), span));
        let content = block
            .body
            .get_blocks("content")
            .next()
            .map(|c| self.body(&c.body, self.span_of(c).unwrap_or(span)))
            .unwrap_or_else(|| Expr::new(ExprKind::Object(Vec::new()), span));
        Expr::new(
            ExprKind::DynamicBlock {
                iterator,
                for_each: Box::new(for_each),
                content: Box::new(content),
            },
            span,
        )
    }

    fn expr(&self, e: &Expression, fallback: Option<Span>) -> Expr {
        let depth = self.depth.get();
        if depth > MAX_NESTING {
            let span = self.span_of(e).or(fallback).unwrap_or(Span::new(self.file, 0..0));
            let mut problems = self.problems.borrow_mut();
            if problems.is_empty() {
                problems.push(SyntaxProblem {
                    span,
                    message: format!("expression nests deeper than {MAX_NESTING} levels; it is not evaluated"),
                });
            }
            return Expr::new(ExprKind::Opaque("expression nests too deeply"), span);
        }
        self.depth.set(depth + 1);
        let e = crate::limits::ensure_stack(|| self.expr_at(e, fallback));
        self.depth.set(depth);
        e
    }

    fn expr_at(&self, e: &Expression, fallback: Option<Span>) -> Expr {
        let span = self.span_of(e).or(fallback).unwrap_or(Span::new(self.file, 0..0));
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => n.value().as_f64().map_or(ExprKind::Opaque("number"), ExprKind::Number),
            Expression::String(s) => ExprKind::Str(s.value().to_string()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(|x| self.expr(x, Some(span))).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key_span = self.span_of(k).unwrap_or(span);
                        let key = match k {
                            ObjectKey::Ident(id) => Some(id.as_str().to_string()),
                            ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
                            ObjectKey::Expression(Expression::Variable(v)) => Some(v.as_str().to_string()),
                            ObjectKey::Expression(_) => None,
                        };
                        Field {
                            key,
                            key_span,
                            value: self.expr(v.expr(), Some(span)),
                        }
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => self.template(t, span),
            Expression::HeredocTemplate(h) => self.template(&h.template, span),
            Expression::Parenthesis(p) => return self.expr(p.inner(), Some(span)),
            Expression::Variable(v) => ExprKind::Name(v.as_str().to_string()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr, Some(span))),
                Box::new(self.expr(&c.true_expr, Some(span))),
                Box::new(self.expr(&c.false_expr, Some(span))),
            ),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                ExprKind::Call(name, f.args.iter().map(|a| self.expr(a, Some(span))).collect())
            }
            Expression::Traversal(t) => {
                // Every step is one level of the tree: `a.b.b.b…` thousands of times deep
                // is refused like thousands of brackets.
                let depth = self.depth.get();
                self.depth.set(depth + t.operators.len());
                let e = self.traversal(t, span);
                self.depth.set(depth);
                return e;
            }
            Expression::UnaryOp(u) => {
                let op = match u.operator.value() {
                    hcl::edit::expr::UnaryOperator::Neg => UnaryOp::Neg,
                    hcl::edit::expr::UnaryOperator::Not => UnaryOp::Not,
                };
                ExprKind::Unary(op, Box::new(self.expr(&u.expr, Some(span))))
            }
            Expression::BinaryOp(b) => {
                use hcl::edit::expr::BinaryOperator as B;
                let op = match b.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LessEq,
                    B::GreaterEq => BinaryOp::GreaterEq,
                    B::Less => BinaryOp::Less,
                    B::Greater => BinaryOp::Greater,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                ExprKind::Binary(
                    op,
                    Box::new(self.expr(&b.lhs_expr, Some(span))),
                    Box::new(self.expr(&b.rhs_expr, Some(span))),
                )
            }
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr, Some(span)),
                key: f.key_expr.as_ref().map(|k| self.expr(k, Some(span))),
                value: self.expr(&f.value_expr, Some(span)),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr, Some(span))),
            })),
        };
        Expr::new(kind, span)
    }

    fn traversal(&self, t: &hcl::edit::expr::Traversal, span: Span) -> Expr {
        if self.depth.get() > MAX_NESTING {
            return self.expr(&t.expr, Some(span));
        }
        let mut cur = self.expr(&t.expr, Some(span));
        for op in &t.operators {
            let op_span = self.span_of(op).map_or(span, |s| cur.span.cover(s));
            let kind = match op.value() {
                TraversalOperator::GetAttr(id) => ExprKind::GetAttr(Box::new(cur), id.as_str().to_string()),
                TraversalOperator::Index(ix) => ExprKind::Index(Box::new(cur), Box::new(self.expr(ix, Some(op_span)))),
                TraversalOperator::LegacyIndex(n) => ExprKind::Index(
                    Box::new(cur),
                    Box::new(Expr::new(ExprKind::Number(*n.value() as f64), op_span)),
                ),
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    ExprKind::Opaque("splat expression")
                }
            };
            cur = Expr::new(kind, op_span);
        }
        Expr::new(cur.kind, span)
    }

    fn template(&self, t: &Template, span: Span) -> ExprKind {
        let mut parts = Vec::new();
        for el in t.iter() {
            match el {
                Element::Literal(s) => parts.push(TemplatePart::Lit(s.value().to_string())),
                Element::Interpolation(i) => parts.push(TemplatePart::Interp(self.expr(&i.expr, Some(span)))),
                Element::Directive(d) => {
                    let dspan = self.span_of(d.as_ref()).unwrap_or(span);
                    parts.push(TemplatePart::Interp(Expr::new(
                        ExprKind::Opaque("template directive"),
                        dspan,
                    )));
                }
            }
        }
        match parts.as_slice() {
            [] => ExprKind::Str(String::new()),
            [TemplatePart::Lit(s)] => ExprKind::Str(s.clone()),
            _ => ExprKind::Template(parts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn unclosed_interpolations_in_heredocs_are_caught_before_parsing() {
        let closed = "d = <<EOT\n  ${a} and %{ if b }x%{ endif } and $${literal\nEOT\n";
        assert_eq!(check_brackets(closed), Ok(()));
        let open = "d = <<EOT\n  ok ${a}\n  \"${azure/{x/{y\nEOT\n";
        let (range, msg) = check_brackets(open).unwrap_err();
        // The first opener that the `}` count cannot close: `${azure`.
        assert_eq!(range.start, open.find("${azure").unwrap(), "{msg}");
        assert!(msg.contains("heredoc"), "{msg}");
        assert!(parse(F, open).problems.len() == 1);
        // Braces inside an interpolation need their own `}`: counting `}` is not enough.
        let nested = "d = <<EOT\n  ${a/{b/{c} =}\n  ${ {x = \"}\"}[\"x\"] } %{ for v in l ~}${v}%{ endfor ~}\nEOT\n";
        let (range, _) = check_brackets(nested).unwrap_err();
        assert_eq!(range.start, nested.find("${a").unwrap());
        let valid = "d = <<EOT\n  ${ {x = \"}\"}[\"x\"] } %{ for v in l ~}${v}%{ endfor ~}\nEOT\n";
        assert_eq!(check_brackets(valid), Ok(()));
        assert!(parse(F, valid).problems.is_empty());
    }

    #[test]
    fn source_literals_are_found_without_parsing() {
        let text = "module \"a\" {\n  source  =  \"../mod\"\n}\nmodule \"b\" { source=\"./x\" }\n\
                    # source = \"./commented\"\nresource \"t\" \"n\" {\n  data_source = \"./no\"\n  source = var.x\n}\n";
        let found: Vec<&str> = source_literals(text).collect();
        // A commented-out call is found too: the guess over-approximates.
        assert_eq!(found, ["../mod", "./x", "./commented"]);
        assert_eq!(source_literals("source = \"unterminated").count(), 0);
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn resources_keep_header_and_attribute_spans() {
        let text = "resource \"azurerm_cosmosdb_account\" \"a\" {\n  local_authentication_disabled = false\n  capabilities {\n    name = \"EnableMongo\"\n  }\n}\n";
        let f = parse(F, text);
        assert!(f.problems.is_empty());
        let r = &f.resources[0];
        assert_eq!(r.rtype, "azurerm_cosmosdb_account");
        assert_eq!(r.name, "a");
        assert_eq!(slice(text, r.header), "resource \"azurerm_cosmosdb_account\" \"a\"");
        let v = &r.body.field("local_authentication_disabled").unwrap().value;
        assert_eq!(slice(text, v.span), "false");
        let caps = &r.body.field("capabilities").unwrap().value;
        let ExprKind::Array(items) = &caps.kind else {
            panic!("blocks lower to arrays")
        };
        let name = &items[0].field("name").unwrap().value;
        assert_eq!(name.as_str(), Some("EnableMongo"));
        assert_eq!(slice(text, name.span), "\"EnableMongo\"");
    }

    #[test]
    fn templates_keep_interpolations() {
        let text = "locals {\n  s = \"${azurerm_cosmosdb_account.a.id}/dbs/${var.db}\"\n}\n";
        let f = parse(F, text);
        let ExprKind::Template(parts) = &f.locals[0].value.kind else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
        let TemplatePart::Interp(e) = &parts[0] else { panic!() };
        assert!(matches!(&e.kind, ExprKind::GetAttr(_, a) if a == "id"));
        assert_eq!(slice(text, e.span), "azurerm_cosmosdb_account.a.id");
    }

    #[test]
    fn syntax_error_has_a_position_and_no_tree() {
        let text = "resource \"x\" \"y\" {\n  a = \n}\n";
        let f = parse(F, text);
        assert!(f.resources.is_empty());
        assert_eq!(f.problems.len(), 1);
        assert!(f.problems[0].span.start > 0);
    }

    #[test]
    fn error_offsets_inside_a_character_do_not_panic() {
        // Found by the terraform_pipeline fuzz target.
        let f = parse(F, "vv \u{790}");
        assert_eq!(f.problems.len(), 1);
        let span = f.problems[0].span;
        assert!("vv \u{790}".is_char_boundary(span.start as usize));
        assert!("vv \u{790}".is_char_boundary(span.end as usize));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let f = parse(F, &text);
        assert_eq!(f.problems.len(), 1);
        assert!(f.problems[0].message.contains("nest deeper"));
    }

    #[test]
    fn bracket_check_accepts_valid_hcl_with_brackets_in_strings_comments_heredocs() {
        let text = r#"
# a comment with { and [
// another ( one
/* block } comment */
locals {
  a = "text with { and ] and \" quote"
  b = "${upper("x}")} and $${not} %%{not}"
  c = <<-EOT
    heredoc with { unbalanced ( brackets
    and ${var.x}
  EOT
  d = [for x in ["a"] : { k = x }]
  e = "%{ if true }yes%{ endif }"
}
"#;
        assert_eq!(check_brackets(text), Ok(()));
        assert!(parse(F, text).problems.is_empty());
    }

    #[test]
    fn bracket_check_points_at_what_is_unclosed() {
        let text = "locals {\n  a = [1, 2\n}\n";
        let (range, msg) = check_brackets(text).unwrap_err();
        assert_eq!(&text[range], "}");
        assert!(msg.contains("does not close the `[`"), "{msg}");
        let (range, msg) = check_brackets("x = \"abc\ny = 1\n").unwrap_err();
        assert_eq!(range, 4..5);
        assert!(msg.contains("not closed on its line"));
        let (range, msg) = check_brackets("x = {\n").unwrap_err();
        assert_eq!(range, 4..5);
        assert!(msg.contains("never closed"));
    }

    #[test]
    fn unclosed_interpolations_fail_fast() {
        // Found by fuzzing: hcl-edit backtracks for seconds on unclosed `"${a/{b` runs.
        let line = "  role = \"${azure/identities/{-a.Managed/identities/{managed/{x\n";
        let text = format!("variable \"v\" {{\n{}}}\n", line.repeat(12));
        let f = parse(F, &text);
        assert_eq!(f.problems.len(), 1);
    }

    #[test]
    fn huge_object_literals_are_refused_but_long_blocks_are_not() {
        let entries: String = (0..MAX_OBJECT_ENTRIES + 1)
            .map(|i| format!("    k{i} = {i}\n"))
            .collect();
        let f = parse(F, &format!("locals {{\n  m = {{\n{entries}  }}\n}}\n"));
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!(f.problems[0].message.contains("more than 8192 entries"));
        assert_eq!(f.problems[0].span.start, 15, "points at the object's `{{`");
        // Comma-separated on one line counts the same.
        let entries: String = (0..MAX_OBJECT_ENTRIES + 1).map(|i| format!("k{i} = {i}, ")).collect();
        assert_eq!(parse(F, &format!("x = {{ {entries} }}\n")).problems.len(), 1);
        // A block body with as many attributes is not an object literal.
        let attrs: String = (0..MAX_OBJECT_ENTRIES + 1).map(|i| format!("  k{i} = {i}\n")).collect();
        let f = parse(F, &format!("locals {{\n{attrs}}}\n"));
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.locals.len(), MAX_OBJECT_ENTRIES + 1);
        // Objects in arrays, arguments and `for` bodies are objects too; nested ones count
        // their own entries.
        let ok = "x = [{ a = 1 }, { b = { c = 2 } }]\ny = merge({ a = 1 }, { for k, v in {} : k => { v = v } })\n";
        assert!(parse(F, ok).problems.is_empty());
    }

    #[test]
    fn very_long_traversals_are_refused_with_a_position() {
        let text = format!("locals {{\n  x = a{}\n}}\n", ".b".repeat(100_000));
        let f = parse(F, &text);
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!(f.problems[0].message.contains("nests deeper than 256"));
        assert_eq!(f.problems[0].span.start, 15);
        assert!(matches!(f.locals[0].value.kind, ExprKind::Opaque(_)));
        // Traversals inside each other's indexes add up: 60 brackets of 200 steps each.
        let mut e = String::from("1");
        for _ in 0..60 {
            e = format!("a{}[{e}]", ".b".repeat(200));
        }
        let f = parse(F, &format!("locals {{\n  x = {e}\n}}\n"));
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        // A long but reasonable traversal is kept.
        let f = parse(F, &format!("locals {{\n  x = a{}\n}}\n", ".b".repeat(200)));
        assert!(f.problems.is_empty());
        assert!(matches!(f.locals[0].value.kind, ExprKind::GetAttr(..)));
    }

    #[test]
    fn dynamic_blocks_and_modules() {
        let text = r#"
resource "azurerm_cosmosdb_account" "a" {
  dynamic "capabilities" {
    for_each = var.caps
    content { name = capabilities.value }
  }
}
module "m" {
  source = "./mod"
  version = "1"
  local_auth = false
}
"#;
        let f = parse(F, text);
        let caps = &f.resources[0].body.field("capabilities").unwrap().value;
        let ExprKind::Array(items) = &caps.kind else { panic!() };
        assert!(matches!(items[0].kind, ExprKind::DynamicBlock { ref iterator, .. } if iterator == "capabilities"));
        let m = &f.modules[0];
        assert_eq!(m.source.as_deref(), Some("./mod"));
        assert_eq!(m.args.len(), 1);
        assert_eq!(m.args[0].key.as_deref(), Some("local_auth"));
    }
}
