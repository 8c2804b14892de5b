//! A recursive-descent parser for Bicep statements and expressions on the tokens of
//! [`super::lex`], lowering straight to IR. It follows the Bicep compiler
//! (`Bicep.Core/Parsing/BaseParser.cs`, `Parser.cs`, `ParamsParser.cs`):
//!
//! - precedence, loosest first: `? :` (right), `??`, `||`, `&&`, `== != =~ !~`,
//!   `< <= > >=`, `+ -`, `* / %` (all left), then unary `!` and `-`, then postfix `.x`,
//!   `.?x`, `[i]`, `[?i]`, `::x`, `!` and calls, which bind tighter than every operator;
//! - line ends separate statements and the elements of objects and arrays (commas too);
//!   inside calls and parentheses they may surround the arguments; a line may start with
//!   `?` or `:` of a conditional;
//! - types, function signatures and import lists are checked by [`TypeCheck`].
//!
//! It never fails: the first problem of a statement is recorded and the parser recovers
//! at the next element of the enclosing object or array (a broken property keeps its key
//! with an unknown value, so what the other properties say is still seen), or gives up on
//! the statement. Recursion is bounded by [`MAX_NESTING`].

use std::ops::Range;

use super::lex::{Tok, T};
use super::types::TypeCheck;
use super::{unescape, BicepFile, BicepGate, BicepResource, ModuleDecl, Param, Var, MAX_NESTING};
use crate::ir::{BinaryOp, Expr, ExprKind, Field, ForExpr, Resource, TemplatePart, UnaryOp};
use crate::source::{FileId, Span};

/// Parsing gave up here; the problem is in [`Parser::problem`].
struct Fail;

type P<T> = Result<T, Fail>;

/// A resource or module body: its loop variables, its condition, its object, and its
/// loop and condition as gates (outermost first).
type Body = (Vec<String>, Option<Expr>, Option<(Vec<Field>, Span)>, Vec<BicepGate>);

/// The fields of an object being read, and where nested resources go.
struct ObjectState<'p, 'r> {
    fields: Vec<Field>,
    resource: Option<(&'p Parent<'r>, &'p mut Vec<BicepResource>)>,
}

/// A resource being declared: what its nested children inherit.
struct Parent<'r> {
    rtype: &'r str,
    qualified: &'r str,
    header: Span,
    loop_vars: &'r [String],
    /// Its loops and conditions (and its parents'): a child exists only where it does.
    gates: &'r [BicepGate],
}

pub(super) struct Parser<'a> {
    file: FileId,
    src: &'a str,
    toks: &'a [Tok],
    i: usize,
    depth: usize,
    param_file: bool,
    /// The first problem: where, and what.
    pub problem: Option<(Range<usize>, String)>,
}

/// The values of an `@allowed([...])` (or `@sys.allowed`) among a declaration's decorators.
fn allowed(decorators: &[Expr]) -> Option<Vec<Expr>> {
    decorators.iter().find_map(|d| match &d.kind {
        ExprKind::Call(name, args) if name == "allowed" => match args.first().map(|a| &a.kind) {
            Some(ExprKind::Array(items)) => Some(items.clone()),
            _ => None,
        },
        _ => None,
    })
}

fn binary_precedence(k: T) -> Option<(u8, Option<BinaryOp>)> {
    Some(match k {
        T::Star => (100, Some(BinaryOp::Mul)),
        T::Slash => (100, Some(BinaryOp::Div)),
        T::Percent => (100, Some(BinaryOp::Mod)),
        T::Plus => (90, Some(BinaryOp::Add)),
        T::Minus => (90, Some(BinaryOp::Sub)),
        T::Gt => (80, Some(BinaryOp::Greater)),
        T::Ge => (80, Some(BinaryOp::GreaterEq)),
        T::Lt => (80, Some(BinaryOp::Less)),
        T::Le => (80, Some(BinaryOp::LessEq)),
        T::EqEq => (70, Some(BinaryOp::Eq)),
        T::NotEq => (70, Some(BinaryOp::NotEq)),
        // Case-insensitive comparisons: calls the Bicep environment evaluates.
        T::EqI | T::NotEqI => (70, None),
        T::AndAnd => (50, Some(BinaryOp::And)),
        T::OrOr => (40, Some(BinaryOp::Or)),
        T::Coalesce => (30, Some(BinaryOp::Coalesce)),
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    pub fn new(file: FileId, src: &'a str, toks: &'a [Tok], param_file: bool) -> Self {
        Parser {
            file,
            src,
            toks,
            i: 0,
            depth: 0,
            param_file,
            problem: None,
        }
    }

    // --- tokens -------------------------------------------------------------------------

    fn peek(&self) -> Option<T> {
        self.toks.get(self.i).map(|t| t.kind)
    }

    fn peek_at(&self, k: usize) -> Option<T> {
        self.toks.get(self.i + k).map(|t| t.kind)
    }

    fn tok(&self) -> Option<&'a Tok> {
        self.toks.get(self.i)
    }

    fn text(&self, t: &Tok) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    fn at(&self, k: T) -> bool {
        self.peek() == Some(k)
    }

    fn at_word(&self, w: &str) -> bool {
        self.tok().is_some_and(|t| t.kind == T::Ident && self.text(t) == w)
    }

    fn eat(&mut self, k: T) -> bool {
        let hit = self.at(k);
        self.i += usize::from(hit);
        hit
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let hit = self.at_word(w);
        self.i += usize::from(hit);
        hit
    }

    fn newlines(&mut self) -> bool {
        let from = self.i;
        while self.at(T::NewLine) {
            self.i += 1;
        }
        self.i > from
    }

    /// The kind of the next token that is not a line end.
    fn next_significant(&self) -> Option<T> {
        self.toks
            .get(self.i..)?
            .iter()
            .map(|t| t.kind)
            .find(|k| *k != T::NewLine)
    }

    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// The end of the last token consumed.
    fn prev_end(&self) -> usize {
        self.i
            .checked_sub(1)
            .and_then(|p| self.toks.get(p))
            .map_or(0, |t| t.end)
    }

    /// Records the first problem (at token `at`) and gives up.
    fn fail_at<X>(&mut self, at: usize, expected: Option<&str>) -> P<X> {
        if self.problem.is_none() {
            self.problem = Some(match (self.toks.get(at), expected) {
                (Some(t), _) if t.kind == T::NewLine => {
                    (t.start..t.start + 1, "syntax error: unexpected line end".into())
                }
                (Some(t), _) => {
                    // The token's first line (a `'''` string may span several).
                    let snippet: String = self
                        .text(t)
                        .chars()
                        .take_while(|c| !matches!(c, '\n' | '\r'))
                        .take(40)
                        .collect();
                    (t.start..t.end, format!("syntax error: unexpected `{}`", snippet.trim()))
                }
                (None, what) => {
                    let end = self
                        .toks
                        .iter()
                        .rev()
                        .find(|t| t.kind != T::NewLine)
                        .map_or(0, |t| t.end);
                    let message = match what {
                        Some(w) => format!("syntax error: missing {w}"),
                        None => "syntax error: the statement is incomplete".into(),
                    };
                    (end.saturating_sub(1)..end, message)
                }
            });
        }
        Err(Fail)
    }

    fn fail<X>(&mut self) -> P<X> {
        self.fail_at(self.i, None)
    }

    fn expect(&mut self, k: T, what: &str) -> P<&'a Tok> {
        match self.tok() {
            Some(t) if t.kind == k => {
                self.i += 1;
                Ok(t)
            }
            _ => self.fail_at(self.i, Some(what)),
        }
    }

    fn ident(&mut self) -> P<&'a Tok> {
        self.expect(T::Ident, "a name")
    }

    /// Checks a type with [`TypeCheck`] and steps over it; returns the last token.
    fn ty(&mut self) -> P<Option<&'a Tok>> {
        let mut tc = TypeCheck::new(self.toks, self.i, self.src.as_bytes());
        match tc.declared_type() {
            Ok(()) => {
                self.i = tc.i;
                Ok(self.i.checked_sub(1).and_then(|l| self.toks.get(l)))
            }
            Err(at) => self.fail_at(at, Some("a type")),
        }
    }

    /// A declared type; when it is broken (the problem is recorded), everything up to the
    /// next `=` outside brackets, so that a default or value after it is still read.
    /// Returns the end of the type and whether it is nullable.
    fn declared_type(&mut self, fallback_end: usize) -> (usize, bool) {
        let start = self.i;
        match self.ty() {
            Ok(last) => (
                last.map_or(fallback_end, |t| t.end),
                last.is_some_and(|t| t.kind == T::Question),
            ),
            Err(Fail) => {
                self.i = start;
                let mut depth = 0usize;
                while let Some(k) = self.peek() {
                    match k {
                        T::LBrace | T::LSquare | T::LParen | T::StrLeft => depth += 1,
                        T::RBrace | T::RSquare | T::RParen | T::StrRight => depth = depth.saturating_sub(1),
                        T::Assign if depth == 0 => break,
                        _ => {}
                    }
                    self.i += 1;
                }
                (self.prev_end().max(fallback_end), false)
            }
        }
    }

    /// Nothing but line ends until the end of the statement's tokens, or the next statement
    /// of a run parsed together (see `parse_as`).
    fn end_of_statement(&mut self) -> P<()> {
        if self.i >= self.toks.len() || self.newlines() {
            return Ok(());
        }
        self.fail()
    }

    /// Skips to the end of the statement's tokens.
    fn skip_rest(&mut self) {
        self.i = self.toks.len();
    }

    // --- statements ---------------------------------------------------------------------

    /// Every statement in the tokens (one, or a run being parsed again as one).
    pub fn statements(&mut self, out: &mut BicepFile) {
        loop {
            self.newlines();
            if self.i >= self.toks.len() {
                return;
            }
            if self.statement(out).is_err() {
                return;
            }
        }
    }

    fn statement(&mut self, out: &mut BicepFile) -> P<()> {
        let decorated = self.at(T::At);
        let decorators = self.decorators()?;
        let Some(kw) = self.tok() else {
            // Decorators with nothing to decorate.
            return if decorated {
                self.fail_at(self.i, Some("a declaration"))
            } else {
                Ok(())
            };
        };
        if kw.kind != T::Ident {
            return self.fail();
        }
        let start = kw.start;
        match self.text(kw) {
            "param" if self.param_file => {
                self.i += 1;
                let name = self.ident()?;
                // `.bicepparam`: `param x = value` (a type is not allowed; accepted).
                if !self.at(T::Assign) {
                    self.ty()?;
                }
                self.expect(T::Assign, "`=`")?;
                let value = self.value();
                out.param_values.push(Var {
                    name: self.text(name).to_string(),
                    value,
                });
            }
            "param" => {
                self.i += 1;
                let name = self.ident()?;
                let (type_end, nullable) = self.declared_type(name.end);
                let default = if self.eat(T::Assign) { Some(self.value()) } else { None };
                out.params.push(Param {
                    name: self.text(name).to_string(),
                    header: self.span(start..type_end),
                    default,
                    nullable,
                    allowed: allowed(&decorators),
                });
            }
            "var" => {
                self.i += 1;
                let name = self.ident()?;
                if !self.at(T::Assign) {
                    self.declared_type(name.end);
                }
                self.expect(T::Assign, "`=`")?;
                let value = self.value();
                out.vars.push(Var {
                    name: self.text(name).to_string(),
                    value,
                });
            }
            "output" => {
                self.i += 1;
                let name = self.ident()?;
                self.declared_type(name.end);
                self.expect(T::Assign, "`=`")?;
                let value = self.value();
                out.outputs.push(Var {
                    name: self.text(name).to_string(),
                    value,
                });
            }
            "resource" => {
                let mut resources = Vec::new();
                self.resource(None, &mut resources)?;
                out.resources.extend(resources);
            }
            "module" => self.module(out)?,
            "type" => {
                self.i += 1;
                self.ident()?;
                self.expect(T::Assign, "`=`")?;
                self.ty()?;
            }
            "func" => {
                self.i += 1;
                self.ident()?;
                let mut tc = TypeCheck::new(self.toks, self.i, self.src.as_bytes());
                match tc.function_signature() {
                    Ok(()) => self.i = tc.i,
                    Err(at) => return self.fail_at(at, Some("`=>`")),
                }
                self.lambda_body()?;
            }
            "import" => {
                self.i += 1;
                match self.peek() {
                    Some(T::LBrace) => {
                        let mut tc = TypeCheck::new(self.toks, self.i, self.src.as_bytes());
                        match tc.import_list() {
                            Ok(()) => self.i = tc.i,
                            Err(at) => return self.fail_at(at, Some("`}`")),
                        }
                    }
                    Some(T::Star) => {
                        self.i += 1;
                        if !self.eat_word("as") {
                            return self.fail();
                        }
                        self.ident()?;
                        if !self.eat_word("from") {
                            return self.fail();
                        }
                        self.expect(T::Str, "a path")?;
                    }
                    // The older provider import: `import 'az@1.0.0' [with {…}] [as x]`.
                    _ => self.extension_clauses()?,
                }
            }
            "extension" | "provider" => {
                self.i += 1;
                self.extension_clauses()?;
            }
            "extends" => {
                self.i += 1;
                self.expect(T::Str, "a path")?;
            }
            "extensionConfig" => {
                self.i += 1;
                self.ident()?;
                if !self.eat_word("with") {
                    return self.fail();
                }
                self.expr()?;
            }
            "using" => {
                self.i += 1;
                if !self.eat_word("none") {
                    let path = self.string_token()?;
                    if let ExprKind::Str(p) = path.kind {
                        out.using = Some((p, path.span));
                    }
                }
                if self.eat_word("with") {
                    self.expr()?;
                }
            }
            "metadata" | "assert" => {
                self.i += 1;
                self.ident()?;
                self.expect(T::Assign, "`=`")?;
                self.expr()?;
            }
            "targetScope" => {
                self.i += 1;
                self.expect(T::Assign, "`=`")?;
                self.expr()?;
            }
            "test" => {
                self.i += 1;
                self.ident()?;
                self.string_token()?;
                self.expect(T::Assign, "`=`")?;
                self.expr()?;
            }
            _ => return self.fail(),
        }
        self.end_of_statement()
    }

    /// `'spec' | name` then `with {…}` and `as name`, both optional.
    fn extension_clauses(&mut self) -> P<()> {
        if !self.eat(T::Ident) {
            self.string_token()?;
        }
        if self.eat_word("with") {
            self.expr()?;
        }
        if self.eat_word("as") {
            self.ident()?;
        }
        Ok(())
    }

    /// `@expr` lines before a declaration or an element: only `@allowed` is lowered further
    /// (see [`allowed`]).
    fn decorators(&mut self) -> P<Vec<Expr>> {
        let mut out = Vec::new();
        while self.eat(T::At) {
            self.enter()?;
            let r = self.postfix_expr();
            self.depth -= 1;
            out.push(r?);
            if !self.newlines() {
                return self.fail();
            }
        }
        Ok(out)
    }

    /// The value of a declaration: on a syntax error, an unknown value for the rest of the
    /// statement (the declaration is kept, its value is not guessed).
    fn value(&mut self) -> Expr {
        let start = self.tok().map_or(self.prev_end(), |t| t.start);
        match self.expr() {
            Ok(e) => e,
            Err(Fail) => {
                self.skip_rest();
                let end = self.prev_end().max(start);
                Expr::new(ExprKind::Opaque("syntax error"), self.span(start..end))
            }
        }
    }

    /// `resource name 'type@version' [existing] = body`, and its nested children after it.
    fn resource(&mut self, parent: Option<&Parent>, out: &mut Vec<BicepResource>) -> P<()> {
        let kw = self.expect(T::Ident, "`resource`")?;
        let sym = self.ident()?;
        let type_expr = self.string_token()?;
        let written = match &type_expr.kind {
            ExprKind::Str(s) => s.clone(),
            _ => String::new(),
        };
        let existing = self.eat_word("existing");
        self.expect(T::Assign, "`=`")?;
        let symbol = self.text(sym).to_string();
        let type_part = written.split('@').next().unwrap_or("").to_string();
        let (rtype_written, qualified) = match parent {
            // A nested child's type is relative to its parent's, unless written in full.
            Some(p) if !type_part.contains('.') => {
                (format!("{}/{type_part}", p.rtype), format!("{}::{symbol}", p.qualified))
            }
            Some(p) => (type_part.clone(), format!("{}::{symbol}", p.qualified)),
            None => (type_part.clone(), symbol.clone()),
        };
        let header = self.span(kw.start..type_expr.span.end as usize);
        let mut loop_vars = parent.map(|p| p.loop_vars.to_vec()).unwrap_or_default();
        let mut gates = parent.map(|p| p.gates.to_vec()).unwrap_or_default();
        let mut children = Vec::new();
        // The body's own loop variables and gates are known once its `for` and `if` are read.
        let (own_loops, condition, object, own_gates) = self.body(|p, loops, own| {
            let mut all = loop_vars.clone();
            all.extend(loops.iter().cloned());
            let mut all_gates = gates.clone();
            all_gates.extend(own.iter().cloned());
            let me = Parent {
                rtype: &rtype_written,
                qualified: &qualified,
                header,
                loop_vars: &all,
                gates: &all_gates,
            };
            p.object(Some((&me, &mut children)))
        })?;
        loop_vars.extend(own_loops);
        gates.extend(own_gates);
        let body_span = object.as_ref().map(|o| o.1);
        let mut fields = object.map(|o| o.0).unwrap_or_default();
        let span = self.span(kw.start..self.prev_end());
        if let Some(p) = parent {
            if !fields.iter().any(|f| f.key.as_deref() == Some("parent")) {
                fields.push(Field {
                    key: Some("parent".into()),
                    key_span: p.header,
                    value: Expr::new(ExprKind::Name(p.qualified.to_string()), p.header),
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
        let body = Expr::new(ExprKind::Object(fields), body_span.unwrap_or(span));
        out.push(BicepResource {
            resource: std::sync::Arc::new(Resource {
                rtype: rtype_written.to_ascii_lowercase(),
                rtype_written,
                name: qualified,
                span,
                header,
                body,
                repeated: !loop_vars.is_empty(),
                existing,
            }),
            loop_vars,
            gates,
        });
        out.extend(children);
        Ok(())
    }

    /// `module name 'path' = body`.
    fn module(&mut self, out: &mut BicepFile) -> P<()> {
        let kw = self.expect(T::Ident, "`module`")?;
        let sym = self.ident()?;
        let path_expr = self.string_token()?;
        self.expect(T::Assign, "`=`")?;
        let (loop_vars, condition, object, gates) = self.body(|p, _, _| p.object(None))?;
        let mut params = Vec::new();
        if let Some((fields, _)) = object {
            for f in fields {
                if f.key.as_deref() == Some("params") {
                    if let ExprKind::Object(ps) = f.value.kind {
                        params = ps;
                    }
                }
            }
        }
        out.modules.push(ModuleDecl {
            name: self.text(sym).to_string(),
            header: self.span(kw.start..path_expr.span.end as usize),
            path: match path_expr.kind {
                ExprKind::Str(s) => Some(s),
                _ => None,
            },
            path_span: path_expr.span,
            params,
            condition,
            loop_vars,
            gates,
        });
        Ok(())
    }

    /// The body of a resource or module: `{…}`, `if (c) {…}`, `[for … : {…}]` or
    /// `[for … : if (c) {…}]`. Returns (loop variables, condition, object, gates); `object`
    /// is called with the loop variables and gates to parse `{…}`.
    fn body(&mut self, mut object: impl FnMut(&mut Self, &[String], &[BicepGate]) -> P<(Vec<Field>, Span)>) -> P<Body> {
        if self.next_significant() == Some(T::Ident) && self.peek() == Some(T::NewLine) {
            // `= \n if (…) {…}`
            let save = self.i;
            self.newlines();
            if !self.at_word("if") {
                self.i = save;
            }
        }
        if self.at_word("if") {
            let cond = self.condition()?;
            let gates = vec![BicepGate::If(cond.clone())];
            let obj = object(self, &[], &gates)?;
            return Ok((Vec::new(), Some(cond), Some(obj), gates));
        }
        if self.at(T::LSquare) {
            self.i += 1;
            self.newlines();
            if !self.eat_word("for") {
                return self.fail();
            }
            let vars = self.loop_variables()?;
            if !self.eat_word("in") {
                return self.fail();
            }
            let collection = self.expr()?;
            self.expect(T::Colon, "`:`")?;
            self.newlines();
            let cond = if self.at_word("if") {
                Some(self.condition()?)
            } else {
                None
            };
            let mut gates = vec![BicepGate::For {
                item: vars.first().cloned().unwrap_or_default(),
                index: vars.get(1).cloned(),
                collection,
            }];
            gates.extend(cond.clone().map(BicepGate::If));
            let obj = object(self, &vars, &gates)?;
            self.newlines();
            self.expect(T::RSquare, "`]`")?;
            return Ok((vars, cond, Some(obj), gates));
        }
        if self.at(T::LBrace) {
            let obj = object(self, &[], &[])?;
            return Ok((Vec::new(), None, Some(obj), Vec::new()));
        }
        self.fail()
    }

    /// `if (cond)`: the condition, with the span of its parentheses.
    fn condition(&mut self) -> P<Expr> {
        self.i += 1; // `if`
        if !self.at(T::LParen) {
            return self.fail();
        }
        self.enter()?;
        let r = self.parenthesized_or_lambda();
        self.depth -= 1;
        r
    }

    /// `x` or `(x, i)` after `for`.
    fn loop_variables(&mut self) -> P<Vec<String>> {
        if self.eat(T::LParen) {
            let a = self.ident()?;
            self.expect(T::Comma, "`,`")?;
            let b = self.ident()?;
            self.expect(T::RParen, "`)`")?;
            return Ok(vec![self.text(a).to_string(), self.text(b).to_string()]);
        }
        let v = self.ident()?;
        Ok(vec![self.text(v).to_string()])
    }

    // --- expressions --------------------------------------------------------------------

    fn enter(&mut self) -> P<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.depth -= 1;
            if self.problem.is_none() {
                let at = self.tok().map_or(0..0, |t| t.start..t.end);
                self.problem = Some((
                    at,
                    format!("syntax error: expressions nest deeper than {MAX_NESTING} levels"),
                ));
            }
            return Err(Fail);
        }
        Ok(())
    }

    /// One more node around the expression being built in a loop (`a.b.c…`, `a + b + …`):
    /// the IR nests as deep as the chain is long, and what walks it recurses.
    fn chain(&mut self, chain: &mut usize) -> P<()> {
        *chain += 1;
        if self.depth + *chain > MAX_NESTING {
            if self.problem.is_none() {
                let at = self.tok().map_or(0..0, |t| t.start..t.end);
                self.problem = Some((
                    at,
                    format!("syntax error: expressions nest deeper than {MAX_NESTING} levels"),
                ));
            }
            return Err(Fail);
        }
        Ok(())
    }

    /// A whole expression, conditional included.
    fn expr(&mut self) -> P<Expr> {
        self.enter()?;
        // Depth is bounded, but a level costs several large frames in a debug build.
        let r = crate::limits::ensure_stack(|| self.conditional());
        self.depth -= 1;
        r
    }

    fn conditional(&mut self) -> P<Expr> {
        let cond = self.binary(0)?;
        if self.next_significant() != Some(T::Question) {
            return Ok(cond);
        }
        self.newlines();
        self.i += 1; // `?`
                     // Bicep allows a line end before `?` and `:`; after them is accepted too.
        self.newlines();
        let then = self.expr()?;
        if self.next_significant() == Some(T::Colon) {
            self.newlines();
        }
        self.expect(T::Colon, "`:`")?;
        self.newlines();
        let otherwise = self.expr()?;
        let span = self.span(cond.span.start as usize..otherwise.span.end as usize);
        Ok(Expr::new(
            ExprKind::Conditional(Box::new(cond), Box::new(then), Box::new(otherwise)),
            span,
        ))
    }

    fn binary(&mut self, min: u8) -> P<Expr> {
        let mut left = self.unary()?;
        let mut chain = 0;
        while let Some((prec, op)) = self.peek().and_then(binary_precedence) {
            if prec <= min {
                break;
            }
            self.chain(&mut chain)?;
            let op_tok = self.toks[self.i];
            self.i += 1;
            // Not Bicep (an operator cannot end a line), but unambiguous: accepted.
            self.newlines();
            let right = self.binary(prec)?;
            let span = self.span(left.span.start as usize..right.span.end as usize);
            let kind = match op {
                Some(op) => ExprKind::Binary(op, Box::new(left), Box::new(right)),
                None => ExprKind::Call(self.text(&op_tok).to_string(), vec![left, right]),
            };
            left = Expr::new(kind, span);
        }
        Ok(left)
    }

    fn unary(&mut self) -> P<Expr> {
        match self.peek() {
            Some(T::Minus)
                if self.peek_at(1) == Some(T::Int) && self.toks[self.i].end == self.toks[self.i + 1].start =>
            {
                // `-1` is one literal (and may take postfixes, like any primary).
                self.postfix_expr()
            }
            Some(op @ (T::Bang | T::Minus)) => {
                let start = self.toks[self.i].start;
                self.i += 1;
                let arg = self.postfix_expr()?;
                let span = self.span(start..arg.span.end as usize);
                let op = if op == T::Bang { UnaryOp::Not } else { UnaryOp::Neg };
                Ok(Expr::new(ExprKind::Unary(op, Box::new(arg)), span))
            }
            _ => self.postfix_expr(),
        }
    }

    /// A primary expression and its postfixes.
    fn postfix_expr(&mut self) -> P<Expr> {
        let mut e = self.primary()?;
        let mut chain = 0;
        loop {
            let start = e.span.start as usize;
            if matches!(self.peek(), Some(T::LSquare | T::Dot | T::DoubleColon)) {
                self.chain(&mut chain)?;
            }
            match self.peek() {
                Some(T::LSquare) => {
                    self.i += 1;
                    let safe = self.eat(T::Question);
                    let from_end = self.eat(T::Hat);
                    let index = self.expr()?;
                    self.expect(T::RSquare, "`]`")?;
                    let span = self.span(start..self.prev_end());
                    let kind = if from_end {
                        ExprKind::Opaque("index from the end")
                    } else if safe {
                        ExprKind::Call("[?]".into(), vec![e, index])
                    } else {
                        ExprKind::Index(Box::new(e), Box::new(index))
                    };
                    e = Expr::new(kind, span);
                }
                Some(T::Dot) => {
                    self.i += 1;
                    let safe = self.eat(T::Question);
                    let name = self.ident()?;
                    let prop = self.text(name).to_string();
                    if !safe && self.at(T::LParen) {
                        // An instance function call: `az.resourceGroup()`, `account.listKeys()`.
                        let args = self.arguments()?;
                        let span = self.span(start..self.prev_end());
                        let kind = match &e.kind {
                            ExprKind::Name(ns) if ns == "az" || ns == "sys" => ExprKind::Call(prop, args),
                            // `account.listKeys()` is `listKeys(account.id, …)` (as Bicep
                            // compiles it): a call whose first argument is the resource.
                            _ if prop.starts_with("list") => {
                                let mut all = vec![e.clone()];
                                all.extend(args);
                                ExprKind::Call(prop, all)
                            }
                            _ => ExprKind::Opaque("resource function or imported function"),
                        };
                        e = Expr::new(kind, span);
                        continue;
                    }
                    let span = self.span(start..name.end);
                    let kind = if safe {
                        let key = Expr::new(ExprKind::Str(prop), self.span(name.start..name.end));
                        ExprKind::Call(".?".into(), vec![e, key])
                    } else {
                        ExprKind::GetAttr(Box::new(e), prop)
                    };
                    e = Expr::new(kind, span);
                }
                Some(T::DoubleColon) => {
                    self.i += 1;
                    let name = self.ident()?;
                    let span = self.span(start..name.end);
                    let kind = match &e.kind {
                        ExprKind::Name(p) => ExprKind::Name(format!("{p}::{}", self.text(name))),
                        _ => ExprKind::Opaque("nested resource reference"),
                    };
                    e = Expr::new(kind, span);
                }
                // The non-null assertion `x!`: meaningless offline.
                Some(T::Bang) => self.i += 1,
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> P<Expr> {
        let Some(t) = self.tok() else {
            return self.fail_at(self.i, Some("an expression"));
        };
        match t.kind {
            T::Int | T::Minus => {
                let negative = t.kind == T::Minus;
                if negative && !(self.peek_at(1) == Some(T::Int) && self.toks[self.i + 1].start == t.end) {
                    return self.fail();
                }
                let end = if negative { self.toks[self.i + 1].end } else { t.end };
                self.i += if negative { 2 } else { 1 };
                let text = self.src.get(t.start..end).unwrap_or("");
                let kind = text
                    .parse::<f64>()
                    .map_or(ExprKind::Opaque("number out of range"), ExprKind::Number);
                Ok(Expr::new(kind, self.span(t.start..end)))
            }
            T::Str | T::StrLeft | T::MultiStr => self.string_token(),
            T::LBrace => {
                let (fields, span) = self.object(None)?;
                Ok(Expr::new(ExprKind::Object(fields), span))
            }
            T::LSquare => self.array_or_for(),
            T::LParen => self.parenthesized_or_lambda(),
            T::Ident => {
                let word = self.text(t);
                let span = self.span(t.start..t.end);
                self.i += 1;
                match word {
                    "true" => return Ok(Expr::new(ExprKind::Bool(true), span)),
                    "false" => return Ok(Expr::new(ExprKind::Bool(false), span)),
                    "null" => return Ok(Expr::new(ExprKind::Null, span)),
                    _ => {}
                }
                if self.at(T::LParen) {
                    let args = self.arguments()?;
                    let span = self.span(t.start..self.prev_end());
                    return Ok(Expr::new(ExprKind::Call(word.to_string(), args), span));
                }
                if self.at(T::Arrow) {
                    self.i += 1;
                    let body = self.lambda_body()?;
                    let span = self.span(t.start..body.span.end as usize);
                    return Ok(Expr::new(
                        ExprKind::Lambda(vec![word.to_string()], Box::new(body)),
                        span,
                    ));
                }
                Ok(Expr::new(ExprKind::Name(word.to_string()), span))
            }
            _ => self.fail(),
        }
    }

    /// After `=>`: line ends may precede the body unless a declaration follows.
    fn lambda_body(&mut self) -> P<Expr> {
        if self.at(T::NewLine) {
            self.newlines();
        }
        self.expr()
    }

    /// `(args)` of a call: line ends allowed around the arguments, commas between.
    fn arguments(&mut self) -> P<Vec<Expr>> {
        self.expect(T::LParen, "`(`")?;
        let mut args = Vec::new();
        self.newlines();
        if self.eat(T::RParen) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.newlines();
            if self.eat(T::RParen) {
                return Ok(args);
            }
            self.expect(T::Comma, "`)`")?;
            self.newlines();
        }
    }

    /// `(e)`, `(a, b)` (kept opaque) or a lambda `(a, b) => body`.
    fn parenthesized_or_lambda(&mut self) -> P<Expr> {
        let open = self.expect(T::LParen, "`(`")?;
        let mut items = Vec::new();
        self.newlines();
        if !self.at(T::RParen) {
            loop {
                items.push(self.expr()?);
                self.newlines();
                if !self.eat(T::Comma) {
                    break;
                }
                self.newlines();
            }
        }
        self.expect(T::RParen, "`)`")?;
        let parens = self.span(open.start..self.prev_end());
        if self.at(T::Arrow) {
            self.i += 1;
            let mut names = Vec::new();
            for p in &items {
                match &p.kind {
                    ExprKind::Name(n) => names.push(n.clone()),
                    _ => return self.fail_at(self.i - 1, None),
                }
            }
            let body = self.lambda_body()?;
            let span = self.span(open.start..body.span.end as usize);
            return Ok(Expr::new(ExprKind::Lambda(names, Box::new(body)), span));
        }
        if items.len() != 1 {
            return Ok(Expr::new(ExprKind::Opaque("parenthesized list"), parens));
        }
        let mut inner = items.pop().unwrap_or_else(|| Expr::new(ExprKind::Null, parens));
        inner.span = parens;
        Ok(inner)
    }

    /// A string token (with its interpolations): `'…'`, `'a${b}c'`, `'''…'''`.
    fn string_token(&mut self) -> P<Expr> {
        let Some(first) = self.tok() else {
            return self.fail_at(self.i, Some("a string"));
        };
        let multiline = first.multiline.is_some();
        let lit = |p: &Self, t: &Tok, first_segment: bool| -> Option<String> {
            let raw = p.src.get(t.literal()?)?;
            Some(if multiline {
                // As in Bicep, a line end right after the opening quotes is not part of it.
                let raw = if first_segment {
                    raw.strip_prefix('\r').unwrap_or(raw)
                } else {
                    raw
                };
                let raw = if first_segment {
                    raw.strip_prefix('\n').unwrap_or(raw)
                } else {
                    raw
                };
                raw.to_string()
            } else {
                unescape(raw)
            })
        };
        match first.kind {
            T::Str | T::MultiStr => {
                self.i += 1;
                let span = self.span(first.start..first.end);
                match lit(self, first, true) {
                    Some(s) => Ok(Expr::new(ExprKind::Str(s), span)),
                    // Unterminated: the splitter reported it.
                    None => self.fail_at(self.i - 1, None),
                }
            }
            T::StrLeft => {
                self.i += 1;
                let mut parts = Vec::new();
                let mut piece = first;
                let mut first_segment = true;
                loop {
                    match lit(self, piece, first_segment) {
                        Some(s) if !s.is_empty() => parts.push(TemplatePart::Lit(s)),
                        Some(_) => {}
                        None => return self.fail_at(self.i - 1, None),
                    }
                    first_segment = false;
                    if piece.kind == T::StrRight {
                        break;
                    }
                    // The hole.
                    if matches!(self.peek(), Some(T::StrMid | T::StrRight)) {
                        let close = self.toks[self.i].start + 1;
                        let hole = self.span(piece.end.saturating_sub(2)..close);
                        parts.push(TemplatePart::Interp(Expr::new(
                            ExprKind::Opaque("empty interpolation"),
                            hole,
                        )));
                    } else {
                        parts.push(TemplatePart::Interp(self.expr()?));
                    }
                    match self.tok() {
                        Some(t) if matches!(t.kind, T::StrMid | T::StrRight) => {
                            self.i += 1;
                            piece = t;
                        }
                        _ => return self.fail_at(self.i, Some("`}`")),
                    }
                }
                let span = self.span(first.start..piece.end);
                Ok(match parts.as_slice() {
                    [] => Expr::new(ExprKind::Str(String::new()), span),
                    [TemplatePart::Lit(s)] => Expr::new(ExprKind::Str(s.clone()), span),
                    _ => Expr::new(ExprKind::Template(parts), span),
                })
            }
            _ => self.fail_at(self.i, Some("a string")),
        }
    }

    /// Elements up to `close`, separated by line ends or commas. A broken element is
    /// recorded as a problem, then `on_error(state, first token of the element)` runs and
    /// the element is skipped up to the next line end or `close`; the list goes on. A list
    /// the statement ends in is closed there. Returns the end of the list.
    fn elements<S>(
        &mut self,
        close: T,
        what: &str,
        state: &mut S,
        element: fn(&mut Self, &mut S) -> P<()>,
        on_error: fn(&mut Self, &mut S, usize),
    ) -> usize {
        self.newlines();
        loop {
            if let Some(t) = self.tok().filter(|t| t.kind == close) {
                self.i += 1;
                return t.end;
            }
            if self.i >= self.toks.len() {
                // Unclosed: say so, keep what was read.
                let _ = self.fail_at::<()>(self.i, Some(what));
                return self.prev_end();
            }
            let start = self.i;
            let depth = self.depth;
            if element(self, state).is_err() {
                self.depth = depth;
                self.recover(start, close);
                on_error(self, state, start);
            }
            let newline = self.newlines();
            let comma = self.eat(T::Comma);
            self.newlines();
            if !newline && !comma && !self.at(close) && self.i < self.toks.len() {
                // Two elements on one line: report, and read on.
                let _ = self.fail::<()>();
            }
        }
    }

    /// After a broken element that started at `toks[start]`: moves to where the next one
    /// starts. That is the first later line indented no deeper than the broken element
    /// (the next property, or the closing bracket), as a person reads it; failing that, the
    /// next line end at the level where parsing stopped, or the end of the list.
    fn recover(&mut self, start: usize, close: T) {
        let column = |t: &Tok| {
            let line = self.src.as_bytes()[..t.start]
                .iter()
                .rposition(|&c| c == b'\n' || c == b'\r')
                .map_or(0, |p| p + 1);
            t.start - line
        };
        let indent = column(&self.toks[start]);
        self.i = self.i.max(start + 1).min(self.toks.len());
        // Only up to the end of the line where parsing stopped: the parse read that far,
        // so recovery costs no more than it did.
        let limit = self.toks[self.i..]
            .iter()
            .position(|t| t.kind == T::NewLine)
            .map_or(self.toks.len(), |p| self.i + p);
        for k in start + 1..limit.min(self.toks.len().saturating_sub(1)) + 1 {
            if self.toks.get(k).is_some_and(|t| t.kind == T::NewLine) {
                if let Some(next) = self.toks.get(k + 1).filter(|t| t.kind != T::NewLine) {
                    if column(next) <= indent {
                        self.i = k;
                        return;
                    }
                }
            }
        }
        let mut nested = 0usize;
        while let Some(k) = self.peek() {
            match k {
                T::LBrace | T::LSquare | T::LParen | T::StrLeft => nested += 1,
                T::RBrace | T::RSquare | T::RParen | T::StrRight if nested > 0 => nested -= 1,
                k if k == close => break,
                T::NewLine if nested == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
    }

    /// An object literal, or a resource body (where nested `resource` declarations may
    /// appear; they go to the parent's children).
    fn object(&mut self, resource: Option<(&Parent, &mut Vec<BicepResource>)>) -> P<(Vec<Field>, Span)> {
        let open = self.expect(T::LBrace, "`{`")?;
        let mut state = ObjectState {
            fields: Vec::new(),
            resource,
        };
        let end = self.elements(T::RBrace, "`}`", &mut state, Self::object_element, |p, st, start| {
            // A key was read in this element: its value is unknown up to where the element
            // was skipped.
            let from = p.toks[start].start;
            if let Some(f) = st.fields.last_mut().filter(|f| f.key_span.start as usize >= from) {
                if matches!(f.value.kind, ExprKind::Opaque("syntax error")) {
                    f.value.span = p.span(f.key_span.start as usize..p.prev_end().max(f.key_span.end as usize));
                }
            }
        });
        Ok((state.fields, self.span(open.start..end)))
    }

    fn object_element(&mut self, st: &mut ObjectState) -> P<()> {
        self.decorators()?;
        if let Some((parent, children)) = st.resource.as_mut() {
            if self.at_word("resource") && self.peek_at(1) == Some(T::Ident) {
                return self.resource(Some(parent), children);
            }
        }
        let Some(t) = self.tok() else {
            return self.fail_at(self.i, Some("`}`"));
        };
        if t.kind == T::Ellipsis {
            self.i += 1;
            let inner = self.expr()?;
            let span = self.span(t.start..inner.span.end as usize);
            st.fields.push(Field {
                key: None,
                key_span: self.span(t.start..t.end),
                value: Expr::new(ExprKind::Spread(Box::new(inner)), span),
            });
            return Ok(());
        }
        let (key, key_span) = match t.kind {
            T::Ident => {
                self.i += 1;
                (Some(self.text(t).to_string()), self.span(t.start..t.end))
            }
            T::Str | T::StrLeft | T::MultiStr => {
                let k = self.string_token()?;
                let name = match k.kind {
                    ExprKind::Str(s) => Some(s),
                    _ => None,
                };
                (name, k.span)
            }
            _ => return self.fail(),
        };
        // From here on a broken value keeps its key, with an unknown value.
        st.fields.push(Field {
            key,
            key_span,
            value: Expr::new(ExprKind::Opaque("syntax error"), key_span),
        });
        self.expect(T::Colon, "`:`")?;
        let value = self.expr()?;
        if let Some(f) = st.fields.last_mut() {
            f.value = value;
        }
        Ok(())
    }

    /// `[…]` or `[for … : …]`.
    fn array_or_for(&mut self) -> P<Expr> {
        let open = self.toks[self.i];
        let mut k = self.i + 1;
        while self.toks.get(k).is_some_and(|t| t.kind == T::NewLine) {
            k += 1;
        }
        if self
            .toks
            .get(k)
            .is_some_and(|t| t.kind == T::Ident && self.text(t) == "for")
        {
            self.i = k + 1;
            let vars = self.loop_variables()?;
            if !self.eat_word("in") {
                return self.fail();
            }
            let collection = self.expr()?;
            self.expect(T::Colon, "`:`")?;
            self.newlines();
            let (value, cond) = if self.at_word("if") {
                let c = self.condition()?;
                let (fields, span) = self.object(None)?;
                (Expr::new(ExprKind::Object(fields), span), Some(c))
            } else {
                (self.expr()?, None)
            };
            self.newlines();
            self.expect(T::RSquare, "`]`")?;
            let span = self.span(open.start..self.prev_end());
            let mut vars = vars.into_iter();
            let value_var = vars.next().unwrap_or_default();
            return Ok(Expr::new(
                ExprKind::For(Box::new(ForExpr {
                    key_var: vars.next(),
                    value_var,
                    collection,
                    key: None,
                    value,
                    cond,
                })),
                span,
            ));
        }
        self.i += 1;
        let mut items: Vec<Expr> = Vec::new();
        let end = self.elements(
            T::RSquare,
            "`]`",
            &mut items,
            |p, items| {
                p.decorators()?;
                match p.tok() {
                    Some(t) if t.kind == T::Ellipsis => {
                        p.i += 1;
                        let inner = p.expr()?;
                        let span = p.span(t.start..inner.span.end as usize);
                        items.push(Expr::new(ExprKind::Spread(Box::new(inner)), span));
                    }
                    _ => items.push(p.expr()?),
                }
                Ok(())
            },
            |p, items, start| {
                let from = p.toks[start].start;
                items.push(Expr::new(
                    ExprKind::Opaque("syntax error"),
                    p.span(from..p.prev_end().max(from)),
                ));
            },
        );
        Ok(Expr::new(ExprKind::Array(items), self.span(open.start..end)))
    }
}
