//! Bicep (`.bicep`, `.bicepparam`) → IR, with a span on every node.
//!
//! Parsing uses the published `tree-sitter-bicep` grammar (1.1.0). The grammar is behind
//! the language and has known gaps; this module owns the workarounds, so that valid Bicep
//! is never reported as broken and one unsupported construct never swallows a file:
//!
//! 1. **A lexer that follows the Bicep compiler's** ([`lex`]): strings with escapes and
//!    nested interpolation, verbatim `'''` strings, comments, line ends. Statement
//!    boundaries and every rewrite are decided on its tokens, never on raw text.
//! 2. **Offset-preserving rewrites** ([`prepare`]) before parsing, each replacing text by
//!    text of the same byte length so every span stays exact: string contents become
//!    `x`s (the grammar takes `//` in a string for a comment; values are read from the
//!    original text); types and import lists are checked by our own recognizer and become
//!    a placeholder name; object spread `...x` becomes a property `_s:x` (array spread
//!    `   x`), remembered by offset and lowered to [`ExprKind::Spread`]; the non-null
//!    assertion `!` is blanked; `extension …` statements are blanked; in `.bicepparam`
//!    files `param x = v` becomes `var   x = v`.
//! 3. **One parse per top-level statement**, each with tree-sitter's included ranges. A
//!    broken statement costs only itself (syntax errors are reported per statement), and
//!    the grammar's ambiguities cannot carry parse versions from one statement to the
//!    next, which made whole-file parsing super-linear. Where consecutive statements fail
//!    but parse as one range (our boundary was wrong), that tree wins.
//! 4. **Re-association of member access** while lowering: the grammar gives `.x`, `[i]`,
//!    `::r` and calls a precedence below every operator, so `a + b.c` comes out as
//!    `(a + b).c`, `!x.y` as `(!x).y`, `c ? d : e.f` as `(c ? d : e).f` and `y => y.id` as
//!    `(y => y).id`. A postfix applied to an operator expression that was not written in
//!    parentheses is moved onto that expression's rightmost operand ([`Lower::postfix`]).
//!
//! One tree-sitter `Parser` is kept per thread.

mod lex;
mod prepare;

pub use prepare::{prepare, Chunk, DeclaredType, Prepared};

use std::cell::RefCell;
use std::collections::HashSet;

use tree_sitter::{Node, Parser, Range, Tree};

use crate::ir::{BinaryOp, Expr, ExprKind, Field, ForExpr, Resource, SyntaxProblem, TemplatePart, UnaryOp};
use crate::source::{FileId, Span};

/// The declarations of one `.bicep` or `.bicepparam` file.
#[derive(Debug, Default)]
pub struct BicepFile {
    pub params: Vec<Param>,
    pub vars: Vec<Var>,
    pub resources: Vec<BicepResource>,
    pub modules: Vec<ModuleDecl>,
    pub outputs: Vec<Var>,
    /// `.bicepparam`: `using './main.bicep'`.
    pub using: Option<(String, Span)>,
    /// `.bicepparam`: `param x = value`.
    pub param_values: Vec<Var>,
    pub problems: Vec<SyntaxProblem>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// `param name type`.
    pub header: Span,
    pub default: Option<Expr>,
    /// Declared with a nullable type (`string?`): `null` when no value is given.
    pub nullable: bool,
}

/// A `var`, `output` or `.bicepparam` `param` assignment.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct BicepResource {
    pub resource: std::sync::Arc<Resource>,
    /// Variables of the `for` loops it is declared in (its own and its parents'): only
    /// known during a deployment.
    pub loop_vars: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ModuleDecl {
    pub name: String,
    /// `module name 'path'`.
    pub header: Span,
    /// The literal path or registry reference.
    pub path: Option<String>,
    pub path_span: Span,
    /// The fields of `params: { … }`.
    pub params: Vec<Field>,
    /// `= if (cond) { … }`.
    pub condition: Option<Expr>,
    pub loop_vars: Vec<String>,
}

/// Brackets nest at most this deep; deeper input is reported and not lowered, so hostile
/// input cannot exhaust the stack of the recursive lowering.
pub use crate::limits::MAX_NESTING;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// The most consecutive broken statements parsed again as one (see [`parse_as`]).
const MAX_MERGED: usize = 4;

/// Parser work allowed per byte of input, in calls of tree-sitter's progress callback (about
/// every 100 parse operations). A clean parse needs far less (at most 0.014 per byte on the
/// corpora). It bounds runaway parsing of deeply nested unterminated interpolations, but not
/// error recovery, which rarely reaches the callback: the read budget does that.
const WORK_PER_BYTE: u64 = 4;

/// Parses `range` of `text` (all of it when `None`) with this thread's parser; also says
/// whether a work budget ran out. The tree is `None` when the parser gave up (progress
/// budget), or of a cut-short input (read budget).
fn ts_parse(text: &str, range: Option<Range>) -> (Option<Tree>, bool) {
    let len = range.as_ref().map_or(text.len(), |r| r.end_byte - r.start_byte) as u64;
    ts_parse_within(text, range, 64 + len / 256)
}

fn ts_parse_within(text: &str, range: Option<Range>, read_budget: u64) -> (Option<Tree>, bool) {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            if p.set_language(&tree_sitter_bicep::LANGUAGE.into()).is_err() {
                return (None, false);
            }
            *slot = Some(p);
        }
        let Some(p) = slot.as_mut() else {
            return (None, false);
        };
        // An empty list means the whole text.
        let ranges: &[Range] = match &range {
            Some(r) => std::slice::from_ref(r),
            None => &[],
        };
        if p.set_included_ranges(ranges).is_err() {
            return (None, false);
        }
        let len = range.as_ref().map_or(text.len(), |r| r.end_byte - r.start_byte) as u64;
        let budget = 1_000 + len * WORK_PER_BYTE;
        let mut spent = 0u64;
        let mut progress = |_: &tree_sitter::ParseState| {
            spent += 1;
            if spent > budget {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let bytes = text.as_bytes();
        // Error recovery also shows as re-reading: each read hands over the rest of the
        // text, so a clean parse reads once and real files at most ~20 times, while the
        // super-linear recovery some broken inputs trigger (found by fuzzing: 0.9 s for
        // 48 kB) re-reads thousands of times. Past the budget the input ends early, the
        // statement is reported broken, and the cost stays linear and deterministic.
        // (`read_budget` is 64 + len/256 reads, see `ts_parse`.)
        let mut reads = 0u64;
        let tree = p.parse_with_options(
            &mut |at: usize, _| {
                reads += 1;
                if reads > read_budget {
                    return &[][..];
                }
                bytes.get(at..).unwrap_or(&[])
            },
            None,
            Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
        );
        p.reset();
        (tree, reads > read_budget || spent > budget)
    })
}

/// Parses a `.bicep` file.
pub fn parse(file: FileId, text: &str) -> BicepFile {
    parse_as(file, text, false)
}

/// Parses a `.bicepparam` file.
pub fn parse_params(file: FileId, text: &str) -> BicepFile {
    parse_as(file, text, true)
}

fn parse_as(file: FileId, text: &str, param_file: bool) -> BicepFile {
    let prep = prepare(text, param_file);
    let mut out = BicepFile::default();
    let lower = Lower {
        file,
        src: text,
        prep: &prep,
        parens: RefCell::new(HashSet::new()),
        too_deep: RefCell::new(None),
    };
    // Each top-level statement is parsed on its own: the grammar's ambiguities otherwise
    // keep parse versions alive across statements (a 200 kB template parses 30x slower as
    // a whole), and a broken statement costs only itself.
    let parse_range = |r: &std::ops::Range<usize>| {
        let range = Range {
            start_byte: r.start,
            end_byte: r.end,
            start_point: prep.point(r.start),
            end_point: prep.point(r.end),
        };
        ts_parse(&prep.text, Some(range))
    };
    let is_broken = |t: &Option<Tree>| t.as_ref().is_none_or(|t| t.root_node().has_error());
    let mut parsed: Vec<Parsed> = Vec::with_capacity(prep.chunks.len());
    for chunk in &prep.chunks {
        let range = chunk.range.clone();
        out.problems
            .extend(chunk.problems.iter().map(|(at, message)| SyntaxProblem {
                span: Span::new(file, at.start..at.end.max(at.start + 1)),
                message: message.clone(),
            }));
        if chunk.too_deep {
            out.problems.push(SyntaxProblem {
                span: Span::new(file, range.start..range.start + 1),
                message: format!(
                    "syntax error: brackets or interpolations nest deeper than {MAX_NESTING} levels; the statement is not parsed"
                ),
            });
            continue;
        }
        let (tree, exhausted) = parse_range(&range);
        parsed.push(Parsed {
            range,
            tree,
            exhausted,
            reported: !chunk.problems.is_empty(),
            joins_previous: chunk.joins_previous,
        });
    }
    // A statement boundary found inside unclosed brackets, or after a line that cannot end
    // a statement, may be wrong where the grammar's is right, and a statement split in two
    // leaves two broken neighbours: each run of such consecutive broken statements (up to
    // MAX_MERGED) is parsed again as one range, and a clean tree replaces the run. (A
    // whole-file retry took 0.6 s on a broken 50 kB file; this parses every statement at
    // most twice, and statements with certain boundaries once: error recovery is most of
    // the cost of a broken statement.)
    let mut trees = Vec::with_capacity(parsed.len());
    let mut i = 0;
    while i < parsed.len() {
        // Consecutive in the file: a statement refused before parsing breaks a run.
        let mut run = 0;
        while run < MAX_MERGED
            && parsed.get(i + run).is_some_and(|p| is_broken(&p.tree))
            && (run == 0
                || (parsed[i + run].joins_previous && parsed[i + run - 1].range.end == parsed[i + run].range.start))
        {
            run += 1;
        }
        // A statement that exhausted its budget would exhaust it again as part of a run.
        let retry = run >= 2 && !parsed[i..i + run].iter().any(|p| p.exhausted);
        if retry {
            let joined = parsed[i].range.start..parsed[i + run - 1].range.end;
            if let (Some(tree), _) = parse_range(&joined) {
                if !tree.root_node().has_error() {
                    let reported = parsed[i..i + run].iter().any(|p| p.reported);
                    trees.push((joined, Some(tree), reported));
                    i += run;
                    continue;
                }
            }
        }
        let p = &parsed[i];
        trees.push((p.range.clone(), p.tree.clone(), p.reported));
        i += 1;
    }
    for (chunk, tree, reported) in &trees {
        let Some(tree) = tree else {
            if !reported {
                out.problems.push(SyntaxProblem {
                    span: Span::new(file, chunk.start..chunk.start + 1),
                    message: "syntax error: this statement is too broken to parse".into(),
                });
            }
            continue;
        };
        let root = tree.root_node();
        // A statement with a problem found before parsing keeps that one: it is the cause.
        if root.has_error() && !reported {
            if let Some(bad) = first_error(root) {
                let message = if bad.is_missing() {
                    format!("syntax error: missing `{}`", bad.kind())
                } else {
                    let snippet: String = text.get(bad.byte_range()).unwrap_or("").chars().take(40).collect();
                    format!("syntax error: unexpected `{}`", snippet.trim())
                };
                out.problems.push(SyntaxProblem {
                    span: Span::new(file, bad.start_byte()..bad.end_byte().max(bad.start_byte() + 1)),
                    message,
                });
            }
        }
        lower.statements(root, &mut out);
    }
    if let Some(span) = lower.too_deep.into_inner() {
        out.problems.push(SyntaxProblem {
            span,
            message: format!("expression nests deeper than {MAX_NESTING} levels; it is not evaluated"),
        });
    }
    out
}

/// One statement's parse.
struct Parsed {
    range: std::ops::Range<usize>,
    tree: Option<Tree>,
    /// The parse ran out of budget.
    exhausted: bool,
    /// A problem of this statement was found (and reported) before parsing.
    reported: bool,
    /// See [`Chunk::joins_previous`].
    joins_previous: bool,
}

/// The first ERROR or MISSING node, depth first (iterative: trees can be deep).
fn first_error(root: Node) -> Option<Node> {
    let mut n = root;
    loop {
        if n.is_error() || n.is_missing() {
            return Some(n);
        }
        let mut cursor = n.walk();
        let next = n.children(&mut cursor).find(|c| c.has_error() || c.is_missing());
        n = next?;
    }
}

// ---------------------------------------------------------------------------------------
// Lowering.

struct Lower<'a> {
    file: FileId,
    /// The file as written: names and string values are read from it, not from the
    /// rewritten text the grammar saw.
    src: &'a str,
    prep: &'a Prepared,
    /// Spans of expressions written in parentheses (their IR node carries the span with
    /// the parentheses): re-association stops there.
    parens: RefCell<HashSet<(u32, u32)>>,
    /// The first expression refused for its depth (reported once per file).
    too_deep: RefCell<Option<Span>>,
}

fn is_trivia(n: &Node) -> bool {
    matches!(n.kind(), "comment" | "diagnostic_comment")
}

fn named_children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor).filter(|c| !is_trivia(c)).collect()
}

/// The first named child after the anonymous token `tok`.
fn after_token<'t>(n: Node<'t>, tok: &str) -> Option<Node<'t>> {
    let mut cursor = n.walk();
    let mut seen = false;
    for c in n.children(&mut cursor) {
        if seen && c.is_named() && !is_trivia(&c) {
            return Some(c);
        }
        if !c.is_named() && c.kind() == tok {
            seen = true;
        }
    }
    None
}

fn has_token(n: Node, tok: &str) -> bool {
    let mut cursor = n.walk();
    let found = n.children(&mut cursor).any(|c| !c.is_named() && c.kind() == tok);
    found
}

impl<'a> Lower<'a> {
    fn span(&self, n: Node) -> Span {
        Span::new(self.file, n.byte_range())
    }

    fn text(&self, n: Node) -> &'a str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn statements(&self, root: Node, out: &mut BicepFile) {
        for stmt in named_children(root) {
            self.statement(stmt, out);
        }
    }

    fn statement(&self, n: Node, out: &mut BicepFile) {
        match n.kind() {
            "parameter_declaration" => {
                let kids = named_children(n);
                let Some(name) = kids.first().filter(|k| k.kind() == "identifier") else {
                    return;
                };
                let default = after_token(n, "=").map(|e| self.expr(e, 0));
                // The type was checked and replaced before parsing (see `prepare`).
                let declared = self.prep.param_types.get(&n.start_byte());
                let header_end = declared.map_or(name.end_byte(), |t| t.end);
                let nullable = declared.is_some_and(|t| t.nullable);
                out.params.push(Param {
                    name: self.text(*name).to_string(),
                    header: Span::new(self.file, n.start_byte()..header_end),
                    default,
                    nullable,
                });
            }
            "variable_declaration" | "output_declaration" => {
                let kids = named_children(n);
                let (Some(name), Some(value)) = (kids.first(), after_token(n, "=")) else {
                    return;
                };
                let v = Var {
                    name: self.text(*name).to_string(),
                    value: self.expr(value, 0),
                };
                if n.kind() == "output_declaration" {
                    out.outputs.push(v);
                } else if self.prep.param_assigns.contains(&n.start_byte()) {
                    out.param_values.push(v);
                } else {
                    out.vars.push(v);
                }
            }
            "resource_declaration" => self.resource(n, None, &[], out),
            "module_declaration" => self.module(n, out),
            "using_statement" => {
                if let Some(s) = named_children(n).into_iter().find(|c| c.kind() == "string") {
                    if let ExprKind::Str(path) = self.expr(s, 0).kind {
                        out.using = Some((path, self.span(s)));
                    }
                }
            }
            _ => {}
        }
    }

    /// The body of a resource or module: `{…}`, `if (c) {…}`, `[for … : {…}]` or
    /// `[for … : if (c) {…}]`. Returns (object node, condition, loop variables).
    fn body<'t>(&self, n: Node<'t>) -> (Option<Node<'t>>, Option<Expr>, Vec<String>) {
        let Some(body) = named_children(n).into_iter().last() else {
            return (None, None, Vec::new());
        };
        let mut loop_vars = Vec::new();
        let mut node = body;
        if node.kind() == "for_statement" {
            loop_vars = self.loop_vars(node);
            match node.child_by_field_name("body") {
                Some(b) => node = b,
                None => return (None, None, loop_vars),
            }
        }
        let mut cond = None;
        if node.kind() == "if_statement" {
            let kids = named_children(node);
            cond = kids
                .iter()
                .find(|k| k.kind() == "parenthesized_expression")
                .map(|c| self.expr(*c, 0));
            match kids.into_iter().find(|k| k.kind() == "object") {
                Some(o) => node = o,
                None => return (None, cond, loop_vars),
            }
        }
        ((node.kind() == "object").then_some(node), cond, loop_vars)
    }

    fn loop_vars(&self, for_stmt: Node) -> Vec<String> {
        let mut out = Vec::new();
        for k in named_children(for_stmt) {
            match k.kind() {
                "for_loop_parameters" => {
                    out.extend(named_children(k).iter().map(|v| self.text(*v).to_string()));
                }
                "identifier" if for_stmt.child_by_field_name("initializer") == Some(k) => {
                    out.push(self.text(k).to_string());
                }
                _ => {}
            }
        }
        out
    }

    /// A resource and, flattened after it, the child resources declared in its body.
    fn resource(&self, n: Node, parent: Option<(&str, &str, Span)>, outer_loops: &[String], out: &mut BicepFile) {
        let kids = named_children(n);
        let (Some(sym), Some(type_node)) = (kids.first(), kids.get(1)) else {
            return;
        };
        let symbol = self.text(*sym).to_string();
        let written = match self.expr(*type_node, 0).kind {
            ExprKind::Str(s) => s,
            _ => String::new(),
        };
        let type_part = written.split('@').next().unwrap_or("").to_string();
        let (rtype_written, qualified) = match parent {
            // A nested child's type is relative to its parent's, unless written in full.
            Some((ptype, psym, _)) if !type_part.contains('.') => {
                (format!("{ptype}/{type_part}"), format!("{psym}::{symbol}"))
            }
            Some((_, psym, _)) => (type_part.clone(), format!("{psym}::{symbol}")),
            None => (type_part.clone(), symbol.clone()),
        };
        let existing = has_token(n, "existing");
        let (object, condition, own_loops) = self.body(n);
        let mut loop_vars = outer_loops.to_vec();
        loop_vars.extend(own_loops.iter().cloned());
        let span = self.span(n);
        let header = Span::new(self.file, n.start_byte()..type_node.end_byte());
        let mut fields = Vec::new();
        let mut children = Vec::new();
        if let Some(obj) = object {
            for prop in named_children(obj) {
                if prop.kind() != "object_property" {
                    continue;
                }
                let pk = named_children(prop);
                if let Some(child) = pk.first().filter(|c| c.kind() == "resource_declaration") {
                    children.push(*child);
                    continue;
                }
                if let Some(f) = self.property(prop, 0) {
                    fields.push(f);
                }
            }
        }
        if let Some((_, psym, pspan)) = parent {
            if !fields.iter().any(|f| f.key.as_deref() == Some("parent")) {
                fields.push(Field {
                    key: Some("parent".into()),
                    key_span: pspan,
                    value: Expr::new(ExprKind::Name(psym.to_string()), pspan),
                });
            }
        }
        if let Some(c) = condition {
            fields.push(Field {
                key: Some("condition".into()),
                key_span: c.span,
                value: c,
            });
        }
        let body = Expr::new(ExprKind::Object(fields), object.map_or(span, |o| self.span(o)));
        out.resources.push(BicepResource {
            resource: std::sync::Arc::new(Resource {
                rtype: rtype_written.to_ascii_lowercase(),
                rtype_written: rtype_written.clone(),
                name: qualified.clone(),
                span,
                header,
                body,
                repeated: !loop_vars.is_empty(),
                existing,
            }),
            loop_vars: loop_vars.clone(),
        });
        for child in children {
            self.resource(child, Some((&rtype_written, &qualified, header)), &loop_vars, out);
        }
    }

    fn module(&self, n: Node, out: &mut BicepFile) {
        let kids = named_children(n);
        let (Some(sym), Some(path_node)) = (kids.first(), kids.get(1)) else {
            return;
        };
        let path = match self.expr(*path_node, 0).kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        };
        let (object, condition, loop_vars) = self.body(n);
        let mut params = Vec::new();
        if let Some(obj) = object {
            for prop in named_children(obj) {
                if prop.kind() != "object_property" {
                    continue;
                }
                let Some(f) = self.property(prop, 0) else { continue };
                if f.key.as_deref() == Some("params") {
                    if let ExprKind::Object(ps) = f.value.kind {
                        params = ps;
                    }
                }
            }
        }
        out.modules.push(ModuleDecl {
            name: self.text(*sym).to_string(),
            header: Span::new(self.file, n.start_byte()..path_node.end_byte()),
            path,
            path_span: self.span(*path_node),
            params,
            condition,
            loop_vars,
        });
    }

    fn property(&self, prop: Node, depth: usize) -> Option<Field> {
        let kids = named_children(prop);
        let key = kids.first()?;
        let value = kids.get(1)?;
        let key_span = self.span(*key);
        if self.prep.object_spreads.contains(&key.start_byte()) {
            let inner = self.expr(*value, depth + 1);
            let span = Span::new(self.file, key.start_byte()..value.end_byte());
            return Some(Field {
                key: None,
                key_span,
                value: Expr::new(ExprKind::Spread(Box::new(inner)), span),
            });
        }
        let name = match key.kind() {
            "identifier" | "property_identifier" => Some(self.text(*key).to_string()),
            "compatible_identifier" => Some(self.text(*key).trim_end_matches('?').trim().to_string()),
            "string" => match self.expr(*key, depth + 1).kind {
                ExprKind::Str(s) => Some(s),
                _ => None,
            },
            _ if self.text(*key) == "*" => Some("*".into()),
            _ => None,
        };
        Some(Field {
            key: name,
            key_span,
            value: self.expr(*value, depth + 1),
        })
    }

    fn opaque(&self, n: Node, why: &'static str) -> Expr {
        Expr::new(ExprKind::Opaque(why), self.span(n))
    }

    pub(crate) fn expr(&self, n: Node, depth: usize) -> Expr {
        // Depth is bounded, but a level costs several large frames in a debug build.
        crate::limits::ensure_stack(|| self.expr_at(n, depth))
    }

    fn expr_at(&self, n: Node, depth: usize) -> Expr {
        if depth > MAX_NESTING {
            self.too_deep.borrow_mut().get_or_insert(self.span(n));
            return self.opaque(n, "expression nests too deeply");
        }
        let d = depth + 1;
        let span = self.span(n);
        let kind = match n.kind() {
            "identifier" => ExprKind::Name(self.text(n).to_string()),
            "number" => self
                .text(n)
                .parse::<f64>()
                .map_or(ExprKind::Opaque("number out of range"), ExprKind::Number),
            "boolean" => ExprKind::Bool(self.text(n) == "true"),
            "null" => ExprKind::Null,
            "string" => return self.string(n, d),
            "array" => {
                let items = named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() != "decorators")
                    .map(|c| {
                        let e = self.expr(c, d);
                        if self.prep.array_spreads.contains(&c.start_byte()) {
                            let sp = Span::new(self.file, c.start_byte().saturating_sub(3)..c.end_byte());
                            Expr::new(ExprKind::Spread(Box::new(e)), sp)
                        } else {
                            e
                        }
                    })
                    .collect();
                ExprKind::Array(items)
            }
            "object" => ExprKind::Object(
                named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() == "object_property")
                    .filter_map(|c| self.property(c, d))
                    .collect(),
            ),
            "parenthesized_expression" => {
                let kids = named_children(n);
                if kids.len() != 1 {
                    return self.opaque(n, "parenthesized list");
                }
                let mut inner = self.expr(kids[0], d);
                inner.span = span;
                self.parens.borrow_mut().insert((span.start, span.end));
                return inner;
            }
            "unary_expression" => {
                let (Some(op), Some(arg)) = (n.child_by_field_name("operator"), n.child_by_field_name("argument"))
                else {
                    return self.opaque(n, "incomplete expression");
                };
                let op = if self.text(op) == "!" {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                ExprKind::Unary(op, Box::new(self.expr(arg, d)))
            }
            "binary_expression" => {
                let (Some(l), Some(op), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("operator"),
                    n.child_by_field_name("right"),
                ) else {
                    return self.opaque(n, "incomplete expression");
                };
                let (l, r) = (self.expr(l, d), self.expr(r, d));
                let op = match self.text(op) {
                    "==" => BinaryOp::Eq,
                    "!=" => BinaryOp::NotEq,
                    "<" => BinaryOp::Less,
                    "<=" => BinaryOp::LessEq,
                    ">" => BinaryOp::Greater,
                    ">=" => BinaryOp::GreaterEq,
                    "+" => BinaryOp::Add,
                    "-" => BinaryOp::Sub,
                    "*" => BinaryOp::Mul,
                    "/" => BinaryOp::Div,
                    "%" => BinaryOp::Mod,
                    "&&" => BinaryOp::And,
                    "||" => BinaryOp::Or,
                    "??" => BinaryOp::Coalesce,
                    // Case-insensitive comparisons: evaluated by the Bicep environment.
                    "=~" => return Expr::new(ExprKind::Call("=~".into(), vec![l, r]), span),
                    "!~" => return Expr::new(ExprKind::Call("!~".into(), vec![l, r]), span),
                    _ => return self.opaque(n, "operator is not evaluated"),
                };
                ExprKind::Binary(op, Box::new(l), Box::new(r))
            }
            "ternary_expression" => {
                let (Some(c), Some(t), Some(f)) = (
                    n.child_by_field_name("condition"),
                    n.child_by_field_name("consequence"),
                    n.child_by_field_name("alternative"),
                ) else {
                    return self.opaque(n, "incomplete expression");
                };
                ExprKind::Conditional(
                    Box::new(self.expr(c, d)),
                    Box::new(self.expr(t, d)),
                    Box::new(self.expr(f, d)),
                )
            }
            "lambda_expression" => {
                let kids = named_children(n);
                let (Some(params), Some(body)) = (kids.first(), kids.get(1)) else {
                    return self.opaque(n, "incomplete lambda");
                };
                let names = match params.kind() {
                    "identifier" => vec![self.text(*params).to_string()],
                    "parenthesized_expression" => named_children(*params)
                        .iter()
                        .map(|p| self.text(*p).trim().to_string())
                        .collect(),
                    _ => Vec::new(),
                };
                ExprKind::Lambda(names, Box::new(self.expr(*body, d)))
            }
            "member_expression" => {
                let (Some(obj), Some(prop)) = (n.child_by_field_name("object"), n.child_by_field_name("property"))
                else {
                    return self.opaque(n, "incomplete expression");
                };
                let name = self.text(prop).to_string();
                let safe = has_token(n, ".?");
                let base = self.expr(obj, d);
                return self.postfix(base, n.end_byte(), &mut |b, sp| {
                    if safe {
                        let key = Expr::new(ExprKind::Str(name.clone()), Span::new(sp.file, prop.byte_range()));
                        ExprKind::Call(".?".into(), vec![b, key])
                    } else {
                        ExprKind::GetAttr(Box::new(b), name.clone())
                    }
                });
            }
            "subscript_expression" => {
                let (Some(obj), Some(ix)) = (n.child_by_field_name("object"), n.child_by_field_name("index")) else {
                    return self.opaque(n, "incomplete expression");
                };
                let safe = has_token(n, "?");
                let ix = self.expr(ix, d);
                let base = self.expr(obj, d);
                let mut ix = Some(ix);
                return self.postfix(base, n.end_byte(), &mut |b, _| {
                    let ix = ix.take().unwrap_or_else(|| Expr::new(ExprKind::Null, b.span));
                    if safe {
                        ExprKind::Call("[?]".into(), vec![b, ix])
                    } else {
                        ExprKind::Index(Box::new(b), Box::new(ix))
                    }
                });
            }
            "resource_expression" => {
                let (Some(obj), Some(res)) = (n.child_by_field_name("object"), n.child_by_field_name("resource"))
                else {
                    return self.opaque(n, "incomplete expression");
                };
                let child = self.text(res).to_string();
                let base = self.expr(obj, d);
                return self.postfix(base, n.end_byte(), &mut |b, _| match &b.kind {
                    ExprKind::Name(p) => ExprKind::Name(format!("{p}::{child}")),
                    _ => ExprKind::Opaque("nested resource reference"),
                });
            }
            "call_expression" => {
                let (Some(f), Some(args)) = (n.child_by_field_name("function"), n.child_by_field_name("arguments"))
                else {
                    return self.opaque(n, "incomplete expression");
                };
                let args: Vec<Expr> = named_children(args).into_iter().map(|a| self.expr(a, d)).collect();
                let callee = self.expr(f, d);
                let mut args = Some(args);
                return self.postfix(callee, n.end_byte(), &mut |c, _| {
                    let args = args.take().unwrap_or_default();
                    match &c.kind {
                        ExprKind::Name(name) => ExprKind::Call(name.clone(), args),
                        // `az.resourceGroup()`, `sys.concat(…)`: namespaced built-ins.
                        ExprKind::GetAttr(ns, name)
                            if matches!(&ns.kind, ExprKind::Name(n) if n == "az" || n == "sys") =>
                        {
                            ExprKind::Call(name.clone(), args)
                        }
                        _ => ExprKind::Opaque("resource function or imported function"),
                    }
                });
            }
            "for_statement" => return self.for_expr(n, d),
            "decorators" => ExprKind::Opaque("decorator"),
            _ => ExprKind::Opaque("expression is not supported"),
        };
        Expr::new(kind, span)
    }

    /// Applies a postfix operation (`.x`, `[i]`, `::r`, a call) ending at `end` to `base`.
    /// The grammar binds postfixes looser than every operator; Bicep binds them tighter.
    /// So when `base` is an operator expression not written in parentheses, the postfix
    /// belongs to its rightmost operand: `(a + b).c` as parsed is `a + (b.c)` as written.
    fn postfix(&self, base: Expr, end: usize, f: &mut dyn FnMut(Expr, Span) -> ExprKind) -> Expr {
        let whole = Span::new(self.file, base.span.start as usize..end);
        let parenthesized = self.parens.borrow().contains(&(base.span.start, base.span.end));
        if !parenthesized {
            let kind = match base.kind {
                ExprKind::Binary(op, l, r) => ExprKind::Binary(op, l, Box::new(self.postfix(*r, end, f))),
                ExprKind::Unary(op, x) => ExprKind::Unary(op, Box::new(self.postfix(*x, end, f))),
                ExprKind::Conditional(c, t, e) => ExprKind::Conditional(c, t, Box::new(self.postfix(*e, end, f))),
                ExprKind::Lambda(ps, body) => ExprKind::Lambda(ps, Box::new(self.postfix(*body, end, f))),
                other => {
                    let b = Expr::new(other, base.span);
                    return Expr::new(f(b, whole), whole);
                }
            };
            return Expr::new(kind, whole);
        }
        Expr::new(f(base, whole), whole)
    }

    fn for_expr(&self, n: Node, d: usize) -> Expr {
        let span = self.span(n);
        let vars = self.loop_vars(n);
        let (Some(coll), Some(body)) = (after_token(n, "in"), n.child_by_field_name("body")) else {
            return self.opaque(n, "incomplete `for` expression");
        };
        let (value, cond) = if body.kind() == "if_statement" {
            let kids = named_children(body);
            let c = kids.iter().find(|k| k.kind() == "parenthesized_expression");
            let o = kids.iter().find(|k| k.kind() == "object");
            match (c, o) {
                (Some(c), Some(o)) => (self.expr(*o, d), Some(self.expr(*c, d))),
                _ => return self.opaque(n, "incomplete `for` expression"),
            }
        } else {
            (self.expr(body, d), None)
        };
        let Some(value_var) = vars.first().cloned() else {
            return self.opaque(n, "`for` without a loop variable");
        };
        Expr::new(
            ExprKind::For(Box::new(ForExpr {
                key_var: vars.get(1).cloned(),
                value_var,
                collection: self.expr(coll, d),
                key: None,
                value,
                cond,
            })),
            span,
        )
    }

    /// `'…'` (escapes, `${…}`) and `'''…'''` (verbatim).
    fn string(&self, n: Node, d: usize) -> Expr {
        let span = self.span(n);
        let raw = self.text(n);
        if raw.starts_with("'''") {
            let inner = raw.get(3..raw.len().saturating_sub(3)).unwrap_or("");
            // As in Bicep, a line end right after the opening quotes is not part of it.
            let inner = inner.strip_prefix('\r').unwrap_or(inner);
            let inner = inner.strip_prefix('\n').unwrap_or(inner);
            return Expr::new(ExprKind::Str(inner.to_string()), span);
        }
        let start = n.start_byte() + 1;
        let end = if raw.len() >= 2 && raw.ends_with('\'') {
            n.end_byte() - 1
        } else {
            n.end_byte()
        };
        let mut parts = Vec::new();
        let mut pos = start;
        for c in named_children(n) {
            if c.kind() != "interpolation" {
                continue;
            }
            if c.start_byte() > pos {
                parts.push(TemplatePart::Lit(unescape(
                    self.src.get(pos..c.start_byte()).unwrap_or(""),
                )));
            }
            match named_children(c).first() {
                Some(e) => parts.push(TemplatePart::Interp(self.expr(*e, d))),
                None => parts.push(TemplatePart::Interp(self.opaque(c, "empty interpolation"))),
            }
            pos = c.end_byte();
        }
        if end > pos {
            parts.push(TemplatePart::Lit(unescape(self.src.get(pos..end).unwrap_or(""))));
        }
        match parts.as_slice() {
            [] => Expr::new(ExprKind::Str(String::new()), span),
            [TemplatePart::Lit(s)] => Expr::new(ExprKind::Str(s.clone()), span),
            _ => Expr::new(ExprKind::Template(parts), span),
        }
    }
}

/// Bicep string escapes: `\'`, `\\`, `\n`, `\r`, `\t`, `\$`, `\u{…}`.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|&h| h != '}').collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Parses one expression (for tests and tools): the text of `var x = <text>`.
pub fn parse_expr(file: FileId, text: &str) -> Option<Expr> {
    let src = format!("var x = {text}");
    let f = parse(file, &src);
    let mut e = f.vars.into_iter().next()?.value;
    shift_back(&mut e, 8);
    Some(e)
}

fn shift_back(e: &mut Expr, by: u32) {
    e.span.start = e.span.start.saturating_sub(by);
    e.span.end = e.span.end.saturating_sub(by);
    let sub = |x: &mut Expr| shift_back(x, by);
    match &mut e.kind {
        ExprKind::Template(parts) => parts.iter_mut().for_each(|p| {
            if let TemplatePart::Interp(x) = p {
                sub(x)
            }
        }),
        ExprKind::Array(items) => items.iter_mut().for_each(sub),
        ExprKind::Call(_, args) => args.iter_mut().for_each(sub),
        ExprKind::Object(fields) => fields.iter_mut().for_each(|f| {
            f.key_span.start = f.key_span.start.saturating_sub(by);
            f.key_span.end = f.key_span.end.saturating_sub(by);
            sub(&mut f.value)
        }),
        ExprKind::GetAttr(x, _) | ExprKind::Unary(_, x) | ExprKind::Spread(x) | ExprKind::Lambda(_, x) => sub(x),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            sub(a);
            sub(b)
        }
        ExprKind::Conditional(a, b, c) => {
            sub(a);
            sub(b);
            sub(c)
        }
        ExprKind::For(f) => {
            sub(&mut f.collection);
            sub(&mut f.value);
            if let Some(c) = &mut f.cond {
                sub(c)
            }
        }
        _ => {}
    }
}

/// A compact rendering of an expression's shape, for tests: `(+ a (. b c))`.
pub fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Null => "null".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Number(n) => n.to_string(),
        ExprKind::Str(s) => format!("'{s}'"),
        ExprKind::Template(parts) => {
            let inner: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Lit(s) => format!("'{s}'"),
                    TemplatePart::Interp(x) => sexp(x),
                })
                .collect();
            format!("(tpl {})", inner.join(" "))
        }
        ExprKind::Array(items) => format!("[{}]", items.iter().map(sexp).collect::<Vec<_>>().join(" ")),
        ExprKind::Object(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.key.as_deref().unwrap_or("?"), sexp(&f.value)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        ExprKind::Name(n) => n.clone(),
        ExprKind::GetAttr(x, a) => format!("(. {} {a})", sexp(x)),
        ExprKind::Index(x, i) => format!("([] {} {})", sexp(x), sexp(i)),
        ExprKind::Call(n, args) => format!("({n} {})", args.iter().map(sexp).collect::<Vec<_>>().join(" ")),
        ExprKind::Conditional(c, t, f) => format!("(? {} {} {})", sexp(c), sexp(t), sexp(f)),
        ExprKind::Unary(op, x) => format!("({} {})", if *op == UnaryOp::Not { "!" } else { "-" }, sexp(x)),
        ExprKind::Binary(op, l, r) => format!("({op:?} {} {})", sexp(l), sexp(r)),
        ExprKind::For(f) => format!("(for {} {} {})", f.value_var, sexp(&f.collection), sexp(&f.value)),
        ExprKind::Spread(x) => format!("(... {})", sexp(x)),
        ExprKind::Lambda(ps, b) => format!("(=> ({}) {})", ps.join(" "), sexp(b)),
        ExprKind::DynamicBlock { .. } => "dynamic".into(),
        ExprKind::Opaque(w) => format!("(opaque {w})"),
    }
}

/// Offsets of the statements in a file that failed to parse, for tests and tools.
pub fn statement_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    prepare(text, false).chunks.into_iter().map(|c| c.range).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(src: &str) -> String {
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{src}: {:?}", f.problems);
        sexp(&f.vars.last().expect("a var").value)
    }

    #[test]
    fn a_statement_split_by_the_boundary_finder_is_parsed_whole() {
        // `metadata ` at column 0 looks like a new statement to the boundary finder (its
        // recovery for unclosed brackets); to the grammar it is a reference in the array.
        let src = "param metadata string\nvar all = [\nmetadata \n]\nvar after = 1\n";
        assert_eq!(statement_ranges(src).len(), 4, "the boundary finder splits the array");
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(sexp(&f.vars[0].value), "[metadata]");
        assert_eq!(f.vars.len(), 2);
    }

    #[test]
    fn a_line_that_cannot_end_a_statement_continues_into_a_keyword() {
        // `type` at the start of a line looks like a new statement; after `==` it cannot be.
        let src = "param type string\nvar isType = kind ==\ntype\nvar after = 1\n";
        assert_eq!(statement_ranges(src).len(), 4);
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(sexp(&f.vars[0].value), "(Eq kind type)");
        assert_eq!(f.vars.len(), 2);
    }

    #[test]
    fn a_parse_out_of_read_budget_ends_early_and_says_so() {
        let text = "var a = [\n  1\n  2\n]\n";
        let (tree, exhausted) = ts_parse_within(text, None, 1_000);
        assert!(!exhausted && tree.is_some_and(|t| !t.root_node().has_error()));
        // Reads past the budget see the end of the input: the tree is cut short.
        let (tree, exhausted) = ts_parse_within(text, None, 0);
        assert!(exhausted);
        assert!(tree.is_none_or(|t| t.root_node().has_error() || t.root_node().child_count() == 0));
    }

    #[test]
    fn every_broken_statement_is_reported_on_its_own() {
        // Consecutive broken statements are retried as one range; when that fails too,
        // each keeps its own error.
        let stmt = "resource r 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a${'\n}\n";
        let f = parse(FileId(0), &stmt.repeat(40));
        assert_eq!(f.problems.len(), 40, "{:?}", f.problems);
    }

    #[test]
    fn member_access_binds_tighter_than_binary_operators() {
        // The grammar builds `(a + b).c`.
        assert_eq!(var("var x = a + b.c"), "(Add a (. b c))");
        assert_eq!(var("var x = a + b.c.d"), "(Add a (. (. b c) d))");
        assert_eq!(var("var x = a * b + c[0]"), "(Add (Mul a b) ([] c 0))");
        assert_eq!(var("var x = a ?? b.?c"), "(Coalesce a (.? b 'c'))");
    }

    #[test]
    fn member_access_binds_tighter_than_not() {
        // The grammar builds `(!x).y`.
        assert_eq!(var("var n = !x.y"), "(! (. x y))");
        assert_eq!(var("var n = !empty(x.y)"), "(! (empty (. x y)))");
        assert_eq!(var("var n = !az.resourceGroup().id"), "(! (. (resourceGroup ) id))");
    }

    #[test]
    fn member_access_binds_tighter_than_ternary() {
        // The grammar builds `(c ? d : e).f`.
        assert_eq!(var("var t = c ? d : e.f"), "(? c d (. e f))");
    }

    #[test]
    fn member_access_inside_a_lambda_stays_in_its_body() {
        // The grammar builds `(y => y).id`.
        assert_eq!(var("var m = map(xs, y => y.id)"), "(map xs (=> (y) (. y id)))");
        assert_eq!(var("var m = map(xs, (y, i) => y.id)"), "(map xs (=> (y i) (. y id)))");
    }

    #[test]
    fn written_parentheses_keep_member_access_outside() {
        assert_eq!(var("var x = (a + b).c"), "(. (Add a b) c)");
        assert_eq!(var("var x = (c ? d : e).f"), "(. (? c d e) f)");
        assert_eq!(var("var x = a + (b + c).d"), "(Add a (. (Add b c) d))");
    }

    #[test]
    fn spans_of_reassociated_member_access_are_exact() {
        let f = parse(FileId(0), "var x = a + b.c");
        let ExprKind::Binary(_, _, r) = &f.vars[0].value.kind else {
            panic!("not binary")
        };
        assert_eq!((r.span.start, r.span.end), (12, 15));
        assert_eq!((f.vars[0].value.span.start, f.vars[0].value.span.end), (8, 15));
    }

    #[test]
    fn object_spread_lowers_to_a_spread_field() {
        let src = "var o = {\n  a: 1\n  ...(c ? { disableLocalAuth: false } : {})\n  b: 2\n}\n";
        assert_eq!(var(src), "{a: 1, ?: (... (? c {disableLocalAuth: false} {})), b: 2}");
        let f = parse(FileId(0), src);
        let ExprKind::Object(fields) = &f.vars[0].value.kind else {
            panic!()
        };
        // The spread's span starts at the `...` as written.
        assert_eq!(
            &src[fields[1].value.span.range()],
            "...(c ? { disableLocalAuth: false } : {})"
        );
    }

    #[test]
    fn array_spread_lowers_to_a_spread_element() {
        assert_eq!(var("var a = [\n  1\n  ...xs\n]"), "[1 (... xs)]");
        assert_eq!(var("var a = [1, ...xs, 2]"), "[1 (... xs) 2]");
    }

    #[test]
    fn unsupported_statements_do_not_swallow_the_file() {
        let src = "extension microsoftGraphV1\n\
                   param tags resourceInput<'Microsoft.DocumentDB/databaseAccounts@2024-11-15'>.tags?\n\
                   param lock lockType?\n\
                   import { lockType } from 'types.bicep'\n\
                   param p string?\n\
                   var v = 1\n\
                   param q string = 'x'\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let names: Vec<(&str, bool)> = f.params.iter().map(|p| (p.name.as_str(), p.nullable)).collect();
        assert_eq!(names, [("tags", true), ("lock", true), ("p", true), ("q", false)]);
        assert_eq!(f.vars.len(), 1);
    }

    #[test]
    fn a_broken_statement_is_reported_and_the_rest_is_kept() {
        let src = "param a string = 'x'\nvar b = (\nparam c bool = false\nvar d = 1\n";
        let f = parse(FileId(0), src);
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!((21..31).contains(&f.problems[0].span.start), "{:?}", f.problems);
        let params: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(params, ["a", "c"]);
        assert_eq!(f.vars.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["d"]);
    }

    #[test]
    fn stray_text_before_the_first_statement_is_reported() {
        let f = parse(FileId(0), "oops(\nparam a string = 'x'\n");
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert_eq!(f.params.len(), 1);
    }

    #[test]
    fn rewrites_keep_the_length_of_the_text() {
        let src = "extension foo\nparam t resourceInput<'a@b'>.x.y?\nvar o = {\n  ...x\n}\n";
        let p = prepare(src, false);
        assert_eq!(p.text.len(), src.len());
        assert_eq!(p.text.lines().count(), src.lines().count());
    }

    #[test]
    fn typed_variables_and_non_null_assertions() {
        assert_eq!(var("var name string = 'a-${x}'"), "(tpl 'a-' x)");
        assert_eq!(var("var o { a: string } = { a: 'x' }"), "{a: 'x'}");
        assert_eq!(var("var l = map(xs!, x => x!.id)"), "(map xs (=> (x) (. x id)))");
        assert_eq!(var("var l = [a!.b, c!.d]"), "[(. a b) (. c d)]");
        assert_eq!(var("var n = last(split((k!.id!), '/'))"), "(last (split (. k id) '/'))");
        assert_eq!(var("var n = a != b"), "(NotEq a b)");
    }

    #[test]
    fn bicepparam_assignments() {
        let src = "using './main.bicep'\n\nparam disableLocalAuth = false\nvar x = 'a'\nparam name = '${x}b'\n";
        let f = parse_params(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.using.as_ref().map(|u| u.0.as_str()), Some("./main.bicep"));
        let vals: Vec<String> = f
            .param_values
            .iter()
            .map(|p| format!("{}={}", p.name, sexp(&p.value)))
            .collect();
        assert_eq!(vals, ["disableLocalAuth=false", "name=(tpl x 'b')"]);
        assert_eq!(f.vars.len(), 1);
    }

    #[test]
    fn strings_interpolation_escapes_and_multiline() {
        assert_eq!(var("var s = '${a.id}/dbs/${b}'"), "(tpl (. a id) '/dbs/' b)");
        assert_eq!(var(r"var s = 'it\'s \${x}'"), "'it's ${x}'");
        // The line end right after `'''` is not part of the value.
        assert_eq!(var("var s = '''\nline ${x}\n'''"), "'line ${x}\n'");
        assert_eq!(var("var s = '''a//b'''"), "'a//b'");
    }

    #[test]
    fn resources_nested_children_loops_and_conditions() {
        let src = "resource acc 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (deploy) {\n\
                   \x20 name: 'a'\n\
                   \x20 resource db 'sqlDatabases@2024-05-15' = [for d in dbs: {\n\
                   \x20   name: d\n\
                   \x20 }]\n\
                   }\n\
                   @batchSize(1)\n\
                   resource ra 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' existing = {\n\
                   \x20 parent: acc\n\
                   \x20 name: 'x'\n\
                   }\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let rs: Vec<(&str, &str, bool, bool, String)> = f
            .resources
            .iter()
            .map(|r| {
                (
                    r.resource.name.as_str(),
                    r.resource.rtype.as_str(),
                    r.resource.repeated,
                    r.resource.existing,
                    sexp(&r.resource.body),
                )
            })
            .collect();
        assert_eq!(
            rs,
            [
                (
                    "acc",
                    "microsoft.documentdb/databaseaccounts",
                    false,
                    false,
                    "{name: 'a', condition: deploy}".to_string()
                ),
                (
                    "acc::db",
                    "microsoft.documentdb/databaseaccounts/sqldatabases",
                    true,
                    false,
                    "{name: d, parent: acc}".to_string()
                ),
                (
                    "ra",
                    "microsoft.documentdb/databaseaccounts/sqlroleassignments",
                    false,
                    true,
                    "{parent: acc, name: 'x'}".to_string()
                ),
            ]
        );
        assert_eq!(f.resources[1].loop_vars, ["d"]);
        assert_eq!(
            &src[f.resources[0].resource.header.range()],
            "resource acc 'Microsoft.DocumentDB/databaseAccounts@2024-05-15'"
        );
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for src in [
            "{".repeat(10_000),
            "var x = ".to_string() + &"a + ".repeat(5_000) + "b.c",
            "'${".repeat(100_000),
            "param x = ...".into(),
            "resource r 'x' = [for".into(),
            "\u{feff}var é = 'ü'".into(),
        ] {
            let _ = parse(FileId(0), &src);
            let _ = parse_params(FileId(0), &src);
        }
    }

    // Valid Bicep the grammar alone rejects or misreads (issue #12: 47 syntax errors in
    // Azure/bicep-registry-modules). Each test names the construct.

    #[test]
    fn double_slash_inside_strings_is_not_a_comment() {
        assert_eq!(var("var p = split(parts, '//')"), "(split parts '//')");
        assert_eq!(var("var p = '${a}//'"), "(tpl a '//')");
        assert_eq!(var("var p = '${scheme}://${host}/a'"), "(tpl scheme '://' host '/a')");
        assert_eq!(var("var p = 'https://x'"), "'https://x'");
        assert_eq!(var("var p = '//${a}'"), "(tpl '//' a)");
        assert_eq!(var("var p = '/*'"), "'/*'");
        assert_eq!(
            var("var p = split(c ? id : '///////////', '/')"),
            "(split (? c id '///////////') '/')"
        );
        // Escaped quotes around `//`, as in an ARM expression kept in a Bicep string.
        assert_eq!(var(r"var p = '@replace(x,\'//\',\'/\')'"), "'@replace(x,'//','/')'");
    }

    #[test]
    fn double_slash_inside_a_multi_line_call() {
        let src = "resource r 'Microsoft.X/y@2020-01-01' existing = {\n\
                   \x20 name: 'r'\n\
                   \x20 scope: resourceGroup(\n\
                   \x20   split((!empty(id) ? id : '//'), '/')[2],\n\
                   \x20   split((!empty(id) ? id : '////'), '/')[4]\n\
                   \x20 )\n\
                   }\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            sexp(&f.resources[0].resource.body),
            "{name: 'r', scope: (resourceGroup ([] (split (? (! (empty id)) id '//') '/') 2) \
             ([] (split (? (! (empty id)) id '////') '/') 4))}"
        );
    }

    #[test]
    fn non_null_assertions_inside_interpolation() {
        assert_eq!(var("var u = '${k!.v!}'"), "(tpl (. k v))");
        assert_eq!(
            var("var u = '${cMKKeyVault::cMKKey!.properties.keyUri}/${customerManagedKey!.keyVersion!}'"),
            "(tpl (. (. cMKKeyVault::cMKKey properties) keyUri) '/' (. customerManagedKey keyVersion))"
        );
        assert_eq!(var("var u = 'SQL_${last(w!)}'"), "(tpl 'SQL_' (last w))");
        assert_eq!(var("var u = { '${m!.id!}': {} }"), "{?: {}}");
        // `!=` and `!~` are operators, not assertions.
        assert_eq!(var("var u = a!=b"), "(NotEq a b)");
        assert_eq!(var("var u = '${a !~ b}'"), "(tpl (!~ a b))");
    }

    #[test]
    fn whitespace_between_interpolations_is_kept() {
        assert_eq!(var("var d = 'for ${a} ${b}'"), "(tpl 'for ' a ' ' b)");
    }

    #[test]
    fn import_lists_one_per_line_without_commas() {
        let src = "import {\n  lockType\n  roleAssignmentType as ra\n} from 'br/public:avm/utl/types/avm-common-types:0.7.0'\n\
                   import { a, b } from 'x.bicep'\nimport * as t from 'y.bicep'\nparam lock lockType?\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.params.len(), 1);
        assert!(f.params[0].nullable);
    }

    #[test]
    fn types_beyond_the_grammar() {
        let src = "param actions resourceInput<'Microsoft.Authorization/roleDefinitions@2022-05-01-preview'>.properties.permissions[*].actions?\n\
                   type sku = {\n\
                   \x20 capacity: (100 | 200 | 300)\n\
                   \x20 tier: ('Basic'\n\
                   \x20   | 'StandardV2')\n\
                   \x20 zone: (-1 | 1 | 2 | 3)\n\
                   \x20 map: resourceInput<'Microsoft.X/y@2020-01-01'>.properties.*\n\
                   }\n\
                   @export()\n\
                   type requestType =\n\
                   \x20 | 'AdminAssign'\n\
                   \x20 | 'AdminExtend'\n\
                   param createMode\n\
                   \x20 | 'Default'\n\
                   \x20 | 'Copy' = 'Default'\n\
                   var typed string = 'a'\n\
                   output o resource 'Microsoft.X/y@2020-01-01' = r\n\
                   func f(a string?, b { c: int }) string => a ?? 'x'\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let params: Vec<(&str, bool, String, &str)> = f
            .params
            .iter()
            .map(|p| {
                let d = p.default.as_ref().map_or("-".to_string(), sexp);
                (p.name.as_str(), p.nullable, d, &src[p.header.range()])
            })
            .collect();
        assert_eq!(
            params,
            [
                (
                    "actions",
                    true,
                    "-".to_string(),
                    "param actions resourceInput<'Microsoft.Authorization/roleDefinitions@2022-05-01-preview'>.properties.permissions[*].actions?"
                ),
                (
                    "createMode",
                    false,
                    "'Default'".to_string(),
                    "param createMode\n  | 'Default'\n  | 'Copy'"
                ),
            ]
        );
        assert_eq!(f.vars.iter().map(|v| sexp(&v.value)).collect::<Vec<_>>(), ["'a'"]);
        assert_eq!(f.outputs.len(), 1);
    }

    #[test]
    fn broken_types_are_syntax_errors_and_the_default_is_kept() {
        let f = parse(FileId(0), "param p { a: string b: int } = { a: 'x' }\nvar v = 1\n");
        let messages: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages, ["syntax error: unexpected `b`"]);
        assert_eq!(f.problems[0].span.start, 20);
        assert_eq!(
            f.params
                .iter()
                .map(|p| p.default.as_ref().map(sexp))
                .collect::<Vec<_>>(),
            [Some("{a: 'x'}".into())]
        );
        assert_eq!(f.vars.len(), 1);
    }

    #[test]
    fn an_unterminated_string_costs_only_its_statement() {
        // A hole cannot span lines in Bicep: the string ends with its line.
        let src = "var a = {\n  b: '${x\n}\nvar c = 1\nvar d = 'e\nvar f = 2\n";
        let f = parse(FileId(0), src);
        let messages: Vec<(&str, &str)> = f
            .problems
            .iter()
            .map(|p| (p.message.as_str(), &src[p.span.range()]))
            .collect();
        assert_eq!(
            messages,
            [
                ("syntax error: unterminated string", "'${x"),
                ("syntax error: unterminated string", "'e")
            ]
        );
        // The grammar recovers `var d` (its string is closed by a missing quote).
        assert_eq!(
            f.vars.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
            ["c", "d", "f"]
        );
    }

    #[test]
    fn directives_and_comments_with_quotes() {
        let src = "#disable-next-line BCP081 // it's fine\nvar a = 1 // don't\n/* it's\n*/ var b = '#x'\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.vars.iter().map(|v| sexp(&v.value)).collect::<Vec<_>>(), ["1", "'#x'"]);
    }

    #[test]
    fn carriage_returns_end_lines() {
        let f = parse(FileId(0), "var a = 'x'\rvar b = 2\r\nvar c = 3\r");
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.vars.len(), 3);
    }

    #[test]
    fn bicepparam_using_none_and_extension_config() {
        let f = parse_params(
            FileId(0),
            "using none\nextensionConfig k8s with {\n  namespace: 'a'\n}\nparam p = 'v'\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert!(f.using.is_none());
        assert_eq!(f.param_values.len(), 1);
        let f = parse_params(
            FileId(0),
            "using './main.bicep' with {\n  mode: 'stack'\n}\nparam p = 1\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.using.as_ref().map(|u| u.0.as_str()), Some("./main.bicep"));
    }
}
