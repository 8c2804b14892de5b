//! Bicep (`.bicep`, `.bicepparam`) → IR, with a span on every node.
//!
//! A hand-written front end that follows the Bicep compiler (`Bicep.Core/Parsing/`):
//!
//! 1. [`lex`]: the compiler's tokens — strings with escapes and nested interpolation,
//!    verbatim and interpolated `'''` strings, comments, `#` directives, line ends.
//! 2. [`split`]: top-level statement boundaries on those tokens. Each statement is parsed
//!    on its own, so a broken one costs only itself; a boundary found inside unclosed
//!    brackets (recovery) or after a line that cannot end a statement may be wrong, and a
//!    run of such broken statements is parsed again as one.
//! 3. [`parser`]: statements and expressions, straight to IR, with the compiler's
//!    precedence and line-end rules; [`types`] checks types, function signatures and
//!    import lists, which lowering does not need beyond their extent.
//!
//! Spans are byte offsets into the text as written. Nothing here fails or panics: syntax
//! problems are reported, one per statement, and the rest of the file is lowered.
//!
//! (Until 2026-12 this used the published tree-sitter-bicep grammar, which lags the
//! language — no `resourceInput<…>.a[*]`, `//` inside a string read as a comment — and
//! binds member access looser than every operator; it needed offset-preserving rewrites
//! and re-association in lowering, and spent most of cosmolint's Bicep time.)

mod lex;
mod parser;
mod split;
mod types;

pub use split::Chunk;

use crate::ir::{Expr, ExprKind, Field, Resource, SyntaxProblem, TemplatePart, UnaryOp};
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
    /// `@allowed([...])`: the values it can take.
    pub allowed: Option<Vec<Expr>>,
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
    /// What decides whether and how many times it is deployed: its parents' loops and
    /// conditions, then its own, outermost first (a nested resource exists only where its
    /// parent does).
    pub gates: Vec<BicepGate>,
}

/// A condition or loop of a resource or module declaration.
#[derive(Debug, Clone)]
pub enum BicepGate {
    /// `if (condition)`.
    If(Expr),
    /// `[for (item, index) in collection: …]`.
    For {
        item: String,
        index: Option<String>,
        collection: Expr,
    },
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
    /// Its loop and condition, outermost first.
    pub gates: Vec<BicepGate>,
}

/// Brackets and expressions nest at most this deep; a deeper statement is reported and
/// not lowered, so hostile input cannot exhaust the stack of the recursive parser or of
/// what walks the IR after it.
pub use crate::limits::MAX_NESTING;

/// The most consecutive broken statements parsed again as one (see [`parse_as`]).
const MAX_MERGED: usize = 4;

/// Parses a `.bicep` file.
pub fn parse(file: FileId, text: &str) -> BicepFile {
    parse_as(file, text, false)
}

/// Parses a `.bicepparam` file.
pub fn parse_params(file: FileId, text: &str) -> BicepFile {
    parse_as(file, text, true)
}

/// One statement (or a run of them) parsed.
struct Parsed {
    decls: BicepFile,
    problem: Option<(std::ops::Range<usize>, String)>,
}

fn parse_range(
    file: FileId,
    text: &str,
    range: std::ops::Range<usize>,
    param_file: bool,
    toks: &mut Vec<lex::Tok>,
) -> Parsed {
    toks.clear();
    toks.extend(lex::Lexer::over(text.as_bytes(), range));
    let mut decls = BicepFile::default();
    let mut p = parser::Parser::new(file, text, toks, param_file);
    p.statements(&mut decls);
    Parsed {
        problem: p.problem.take(),
        decls,
    }
}

fn parse_as(file: FileId, text: &str, param_file: bool) -> BicepFile {
    let chunks = split::statements(text);
    let mut out = BicepFile::default();
    let mut toks = Vec::new();
    // (chunk, its parse); statements nested too deeply are refused before parsing.
    let mut parsed: Vec<(&Chunk, Parsed)> = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        if chunk.too_deep {
            out.problems.push(SyntaxProblem {
                span: Span::new(file, chunk.range.start..chunk.range.start + 1),
                message: format!(
                    "syntax error: brackets or interpolations nest deeper than {MAX_NESTING} levels; the statement is not parsed"
                ),
            });
            continue;
        }
        let p = parse_range(file, text, chunk.range.clone(), param_file, &mut toks);
        parsed.push((chunk, p));
    }
    // A statement split in two at a doubtful boundary leaves two broken neighbours: each
    // run of consecutive broken statements whose boundaries are in doubt (up to
    // MAX_MERGED) is parsed again as one range, and a clean parse replaces the run.
    let broken = |c: &Chunk, p: &Parsed| c.problem.is_some() || p.problem.is_some();
    let mut i = 0;
    while i < parsed.len() {
        let mut run = 0;
        while run < MAX_MERGED
            && parsed.get(i + run).is_some_and(|(c, p)| broken(c, p))
            && (run == 0
                || (parsed[i + run].0.joins_previous
                    && parsed[i + run - 1].0.range.end == parsed[i + run].0.range.start))
        {
            run += 1;
        }
        if run >= 2 && parsed[i..i + run].iter().all(|(c, _)| c.problem.is_none()) {
            let joined = parsed[i].0.range.start..parsed[i + run - 1].0.range.end;
            let p = parse_range(file, text, joined, param_file, &mut toks);
            if p.problem.is_none() {
                out.append(p.decls);
                i += run;
                continue;
            }
        }
        let (chunk, p) = &mut parsed[i];
        // A lexical problem is the cause of what the parser finds after it.
        if let Some((at, message)) = chunk.problem.clone().or_else(|| p.problem.take()) {
            out.problems.push(SyntaxProblem {
                span: Span::new(file, at.start..at.end.max(at.start + 1)),
                message,
            });
        }
        out.append(std::mem::take(&mut p.decls));
        i += 1;
    }
    out
}

impl BicepFile {
    /// Adds the declarations of `other` after this file's.
    fn append(&mut self, other: BicepFile) {
        self.params.extend(other.params);
        self.vars.extend(other.vars);
        self.resources.extend(other.resources);
        self.modules.extend(other.modules);
        self.outputs.extend(other.outputs);
        if other.using.is_some() {
            self.using = other.using;
        }
        self.param_values.extend(other.param_values);
        self.problems.extend(other.problems);
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

/// Offsets of the top-level statements of a file, for tests and tools.
pub fn statement_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    split::statements(text).into_iter().map(|c| c.range).collect()
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
        // recovery for unclosed brackets); to the parser it is a reference in the array.
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
    fn every_broken_statement_is_reported_on_its_own() {
        // Consecutive broken statements are retried as one range; when that fails too,
        // each keeps its own error.
        let stmt = "resource r 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n  name: 'a${'\n}\n";
        let f = parse(FileId(0), &stmt.repeat(40));
        assert_eq!(f.problems.len(), 40, "{:?}", f.problems);
    }

    #[test]
    fn member_access_binds_tighter_than_binary_operators() {
        // (tree-sitter-bicep built `(a + b).c`.)
        assert_eq!(var("var x = a + b.c"), "(Add a (. b c))");
        assert_eq!(var("var x = a + b.c.d"), "(Add a (. (. b c) d))");
        assert_eq!(var("var x = a * b + c[0]"), "(Add (Mul a b) ([] c 0))");
        assert_eq!(var("var x = a ?? b.?c"), "(Coalesce a (.? b 'c'))");
    }

    #[test]
    fn member_access_binds_tighter_than_not() {
        // (tree-sitter-bicep built `(!x).y`.)
        assert_eq!(var("var n = !x.y"), "(! (. x y))");
        assert_eq!(var("var n = !empty(x.y)"), "(! (empty (. x y)))");
        assert_eq!(var("var n = !az.resourceGroup().id"), "(! (. (resourceGroup ) id))");
    }

    #[test]
    fn member_access_binds_tighter_than_ternary() {
        // (tree-sitter-bicep built `(c ? d : e).f`.)
        assert_eq!(var("var t = c ? d : e.f"), "(? c d (. e f))");
    }

    #[test]
    fn member_access_inside_a_lambda_stays_in_its_body() {
        // (tree-sitter-bicep built `(y => y).id`.)
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
        // The broken variable is kept, with a value that is unknown rather than guessed.
        let vars: Vec<(&str, String)> = f.vars.iter().map(|v| (v.name.as_str(), sexp(&v.value))).collect();
        assert_eq!(
            vars,
            [("b", "(opaque syntax error)".to_string()), ("d", "1".to_string())]
        );
    }

    #[test]
    fn stray_text_before_the_first_statement_is_reported() {
        let f = parse(FileId(0), "oops(\nparam a string = 'x'\n");
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert_eq!(f.params.len(), 1);
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

    // Valid Bicep that tree-sitter-bicep rejected or misread (issue #12: 47 syntax errors in
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
    fn types_tree_sitter_bicep_lacked() {
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
        // The broken declarations are kept: the object with what could be read, the
        // variable with an unknown value.
        let vars: Vec<(&str, String)> = f.vars.iter().map(|v| (v.name.as_str(), sexp(&v.value))).collect();
        assert_eq!(
            vars,
            [
                ("a", "{b: (opaque syntax error)}".to_string()),
                ("c", "1".to_string()),
                ("d", "(opaque syntax error)".to_string()),
                ("f", "2".to_string())
            ]
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

    /// Every span in the IR lies inside the text, on character boundaries.
    fn check_spans(e: &Expr, text: &str, depth: usize) {
        assert!(depth <= 2 * MAX_NESTING, "IR deeper than the parser allows");
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        assert!(s <= t && t <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(t));
        let sub = |x: &Expr| check_spans(x, text, depth + 1);
        match &e.kind {
            ExprKind::Template(parts) => parts.iter().for_each(|p| {
                if let TemplatePart::Interp(x) = p {
                    sub(x)
                }
            }),
            ExprKind::Array(items) | ExprKind::Call(_, items) => items.iter().for_each(sub),
            ExprKind::Object(fields) => fields.iter().for_each(|f| sub(&f.value)),
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
                sub(&f.collection);
                sub(&f.value);
                if let Some(c) = &f.cond {
                    sub(c)
                }
            }
            _ => {}
        }
    }

    /// Random statements built from the fragments that matter to the lexer, the statement
    /// finder and the parser: never a panic or a hang, and every span is inside the text.
    /// (Deterministic: a fixed LCG.)
    #[test]
    fn random_input_parses_without_panics_and_with_valid_spans() {
        const FRAGMENTS: &[&str] = &[
            "'",
            "${",
            "}",
            "{",
            "[",
            "(",
            ")",
            "]",
            "//",
            "/*",
            "*/",
            "'''",
            "$'''",
            "\\",
            "\\'",
            "\n",
            "\r",
            "\r\n",
            "param ",
            "var ",
            "type ",
            "output ",
            "func ",
            "import {",
            "extension ",
            "using ",
            "resource ",
            "module ",
            "@d()\n",
            "|",
            "?",
            "!",
            "...",
            "x",
            " ",
            "=",
            "é",
            "€",
            "#",
            ":",
            ",",
            "<",
            ">",
            ".",
            "*",
            "'a'",
            "=>",
            "as ",
            "from ",
            "none",
            "1",
            "-",
            "+",
            "&&",
            "??",
            "for ",
            "in ",
            "if ",
            "existing ",
            "::",
            ".?",
            "[?",
            "^",
            "true",
            "null",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..5_000 {
            let n = next() % 50;
            let src: String = (0..n).map(|_| FRAGMENTS[next() % FRAGMENTS.len()]).collect();
            for f in [parse(FileId(0), &src), parse_params(FileId(0), &src)] {
                for p in &f.problems {
                    assert!(
                        p.span.start <= p.span.end && p.span.end as usize <= src.len() + 1,
                        "{src:?}"
                    );
                }
                let exprs = f
                    .params
                    .iter()
                    .filter_map(|p| p.default.as_ref())
                    .chain(f.vars.iter().chain(&f.outputs).chain(&f.param_values).map(|v| &v.value))
                    .chain(f.resources.iter().map(|r| &r.resource.body))
                    .chain(f.modules.iter().flat_map(|m| m.params.iter().map(|p| &p.value)));
                for e in exprs {
                    check_spans(e, &src, 0);
                }
            }
        }
    }

    // The parser against the compiler's grammar: cases tree-sitter-bicep got wrong
    // silently (found by comparing both over Azure/bicep-registry-modules).

    #[test]
    fn comparison_binds_tighter_than_and_or() {
        // Was `(c && b.?enabled) != false`: 177 conditions in bicep-registry-modules.
        assert_eq!(
            var("var x = c && b.?enabled != false"),
            "(And c (NotEq (.? b 'enabled') false))"
        );
        assert_eq!(var("var x = a == 1 || b == 2"), "(Or (Eq a 1) (Eq b 2))");
        assert_eq!(var("var x = a =~ 'b' && c"), "(And (=~ a 'b') c)");
        assert_eq!(var("var x = 1 + 2 * 3 - 4"), "(Sub (Add 1 (Mul 2 3)) 4)");
        assert_eq!(var("var x = a ?? b || c"), "(Coalesce a (Or b c))");
    }

    #[test]
    fn a_conditional_takes_whole_expressions() {
        assert_eq!(var("var x = c ? 'a' : d ?? 'b'"), "(? c 'a' (Coalesce d 'b'))");
        assert_eq!(var("var x = a ? 1 : b ? 2 : 3"), "(? a 1 (? b 2 3))");
        assert_eq!(var("var x = a ?? b ? 1 : 2"), "(? (Coalesce a b) 1 2)");
        assert_eq!(var("var x = c\n  ? 1\n  : 2"), "(? c 1 2)");
    }

    #[test]
    fn a_lambda_body_is_a_whole_expression() {
        assert_eq!(
            var("var x = filter(xs, s => s.name == 'web')"),
            "(filter xs (=> (s) (Eq (. s name) 'web')))"
        );
        assert_eq!(
            var("var x = reduce(xs, {}, (cur, next) => union(cur, next))"),
            "(reduce xs {} (=> (cur next) (union cur next)))"
        );
    }

    #[test]
    fn array_elements_on_their_own_lines() {
        // Each was split in two: a name and a parenthesised list.
        assert_eq!(var("var x = [\n  f('a')\n  g('b')\n]"), "[(f 'a') (g 'b')]");
        assert_eq!(var("var x = [subscription().id]"), "[(. (subscription ) id)]");
        assert_eq!(var("var x = [\n  m[i]\n  n[j]\n]"), "[([] m i) ([] n j)]");
        assert_eq!(
            var("var x = [\n  { a: 1 }\n  ...(c\n    ? [2]\n    : [])\n  { b: 3 }\n]"),
            "[{a: 1} (... (? c [2] [])) {b: 3}]"
        );
    }

    #[test]
    fn numbers_and_unary_minus() {
        assert_eq!(var("var x = [-1, - 1, a - 1, a-1]"), "[-1 (- 1) (Sub a 1) (Sub a 1)]");
    }

    #[test]
    fn newer_syntax() {
        assert_eq!(var("var x = $'''\nkey ${a}\n'''"), "(tpl 'key ' a '\n')");
        assert_eq!(var("var x = $$'''${a} $${b}'''"), "(tpl '${a} ' b)");
        assert_eq!(var("var x = xs[^1]"), "(opaque index from the end)");
        assert_eq!(var("var x = az.resourceGroup().id"), "(. (resourceGroup ) id)");
        assert_eq!(var("var x = account.listKeys()"), "(listKeys account)");
        assert_eq!(
            var("var x = account.getSecret('x')"),
            "(opaque resource function or imported function)"
        );
    }

    #[test]
    fn a_broken_property_keeps_its_key_and_the_rest_of_the_object() {
        let src = "resource a 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {\n\
                   \x20 name: 'a'\n\
                   \x20 properties: {\n\
                   \x20   ipRules: [ for ip in ips: { ipAddressOrRange: ip ]\n\
                   \x20   keyVaultKeyUri: concat(vault, 'keys'\n\
                   \x20   disableLocalAuth: false\n\
                   \x20 }\n\
                   }\n";
        let f = parse(FileId(0), src);
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert_eq!(
            sexp(&f.resources[0].resource.body),
            "{name: 'a', properties: {ipRules: (opaque syntax error), keyVaultKeyUri: (opaque syntax error), \
             disableLocalAuth: false}}"
        );
    }

    #[test]
    fn an_unclosed_body_keeps_what_was_read() {
        let f = parse(
            FileId(0),
            "resource a 'Microsoft.X/y@2020-01-01' = {\n  name: 'a'\n  location: 'b'\n",
        );
        assert_eq!(
            f.problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>(),
            ["syntax error: missing `}`"]
        );
        assert_eq!(sexp(&f.resources[0].resource.body), "{name: 'a', location: 'b'}");
    }

    #[test]
    fn two_elements_on_one_line_are_an_error() {
        let f = parse(FileId(0), "var x = { a: 1 b: 2 }\n");
        assert_eq!(
            f.problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>(),
            ["syntax error: unexpected `b`"]
        );
        assert_eq!(sexp(&f.vars[0].value), "{a: 1, b: 2}");
    }

    #[test]
    fn chains_deeper_than_the_limit_are_an_error() {
        let f = parse(FileId(0), &format!("var x = a{}\nvar y = 1\n", ".b".repeat(300)));
        assert_eq!(f.problems.len(), 1);
        assert!(f.problems[0].message.contains("nest deeper"), "{:?}", f.problems);
        assert_eq!(
            f.vars.iter().map(|v| sexp(&v.value)).collect::<Vec<_>>(),
            ["(opaque syntax error)", "1"]
        );
    }

    #[test]
    fn bodies_conditions_and_loops_across_lines() {
        let src = "module m './m.bicep' =\n  if (deploy) {\n  name: 'm'\n  params: { a: 1 }\n}\n\
                   resource r 'Microsoft.X/y@2020-01-01' = [\n  for (x, i) in xs:\n    if (x.on) {\n      name: x.name\n    }\n]\n";
        let f = parse(FileId(0), src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let m = &f.modules[0];
        assert_eq!(
            (m.condition.as_ref().map(sexp), m.params.len(), m.path.as_deref()),
            (Some("deploy".to_string()), 1, Some("./m.bicep"))
        );
        let r = &f.resources[0];
        assert_eq!(r.loop_vars, ["x", "i"]);
        assert_eq!(sexp(&r.resource.body), "{name: (. x name), condition: (. x on)}");
    }
}
