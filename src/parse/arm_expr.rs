//! The ARM template expression language: the text inside `"[ … ]"` JSON strings.
//!
//! `[concat(parameters('name'), '/', variables('db').id)]` lowers to IR
//! [`ExprKind::Call`] / [`ExprKind::GetAttr`] / [`ExprKind::Index`] nodes so the shared
//! evaluator can run it; ARM's functions are dialect functions of that evaluator. Every
//! node gets the span of its own text inside the JSON string — unless the string contains
//! JSON escapes, where decoded and written offsets differ and inner nodes get the whole
//! string's span instead.
//!
//! Grammar (ARM has no operators): `expr := primary ('.' ident | '[' expr ']')*`,
//! `primary := ident '(' args ')' | ident '.' ident '(' args ')' | 'string' | number |
//! true | false | null`. Strings escape `'` as `''`. A JSON string that starts with `[[`
//! is the literal text with one `[` removed.
//!
//! Malformed expressions (unbalanced brackets, stray tokens, calls nesting deeper than
//! [`MAX_EXPR_DEPTH`]) become [`ExprKind::Opaque`]: Unknown when evaluated, never a panic.
//! A tree higher than [`MAX_NESTING`] (`variables('v').a.a.a…` thousands of times) is
//! [`TOO_DEEP`], which the JSON lowering reports as a `syntax-error`.

use crate::ir::{Expr, ExprKind};
use crate::limits::MAX_NESTING;
use crate::source::{FileId, Span};

/// Calls and indexes nest at most this deep; deeper is Opaque.
pub const MAX_EXPR_DEPTH: usize = 64;

/// The reason of the Opaque node an expression higher than [`MAX_NESTING`] becomes.
pub const TOO_DEEP: &str = "template expression nests too deeply";

/// Lowers one JSON string value of a template. `span` is the whole JSON string (quotes
/// included); `raw_offset` is the byte offset of the string's first character after the
/// opening quote when the written text equals the decoded `value` (no escapes).
pub fn lower_string(value: &str, span: Span, raw_offset: Option<u32>) -> Expr {
    if let Some(rest) = value.strip_prefix("[[") {
        return Expr::new(ExprKind::Str(format!("[{rest}")), span);
    }
    match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => {
            let base = raw_offset.map(|o| o + 1);
            let mut e = parse(span.file, inner, base, span);
            // The outermost node is the whole JSON value: findings underline all of it.
            e.span = span;
            e
        }
        None => Expr::new(ExprKind::Str(value.to_string()), span),
    }
}

/// Parses an expression's text (without the brackets). `base` is the file offset of its
/// first byte, when spans can be computed; otherwise every node gets `whole`.
pub fn parse(file: FileId, text: &str, base: Option<u32>, whole: Span) -> Expr {
    let tokens = match tokenize(text) {
        Ok(t) => t,
        Err(why) => return Expr::new(ExprKind::Opaque(why), whole),
    };
    let mut p = Parser {
        file,
        tokens,
        pos: 0,
        base,
        whole,
    };
    match p.expr(0) {
        Ok((e, _)) if p.pos == p.tokens.len() => e,
        Ok(_) => Expr::new(ExprKind::Opaque("unexpected text after a template expression"), whole),
        Err(why) => Expr::new(ExprKind::Opaque(why), whole),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
}

type Token = (Tok, u32, u32);

fn tokenize(text: &str) -> Result<Vec<Token>, &'static str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let simple = match b {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'[' => Some(Tok::LBracket),
            b']' => Some(Tok::RBracket),
            b',' => Some(Tok::Comma),
            b'.' => Some(Tok::Dot),
            _ => None,
        };
        if let Some(t) = simple {
            i += 1;
            out.push((t, start as u32, i as u32));
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'\'' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(rel) = text[i..].find('\'') else {
                    return Err("unterminated string in a template expression");
                };
                s.push_str(&text[i..i + rel]);
                i += rel + 1;
                if bytes.get(i) == Some(&b'\'') {
                    s.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((Tok::Str(s), start as u32, i as u32));
            continue;
        }
        if b.is_ascii_digit() || (b == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let n: f64 = text[start..i]
                .parse()
                .map_err(|_| "malformed number in a template expression")?;
            out.push((Tok::Num(n), start as u32, i as u32));
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                i += 1;
            }
            out.push((Tok::Ident(text[start..i].to_string()), start as u32, i as u32));
            continue;
        }
        return Err("unexpected character in a template expression");
    }
    Ok(out)
}

struct Parser {
    file: FileId,
    tokens: Vec<Token>,
    pos: usize,
    base: Option<u32>,
    whole: Span,
}

/// An expression and the height of its tree.
type PResult = Result<(Expr, usize), &'static str>;

impl Parser {
    fn span(&self, start: u32, end: u32) -> Span {
        match self.base {
            Some(b) => Span::new(self.file, (b + start) as usize..(b + end) as usize),
            None => self.whole,
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.0)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + n).map(|t| &t.0)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, t: Tok, why: &'static str) -> Result<u32, &'static str> {
        match self.next() {
            Some((got, _, end)) if got == t => Ok(end),
            _ => Err(why),
        }
    }

    fn expr(&mut self, depth: usize) -> PResult {
        if depth > MAX_EXPR_DEPTH {
            return Err(TOO_DEEP);
        }
        let (mut e, mut height, start) = self.primary(depth)?;
        loop {
            // A chain `x.a.a.a…` is parsed in this loop, but each step is one level more of
            // the tree every later walk recurses over.
            if height > MAX_NESTING {
                return Err(TOO_DEEP);
            }
            match self.peek() {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    match self.next() {
                        Some((Tok::Ident(name), _, end)) => {
                            let span = self.span(start, end);
                            e = Expr::new(ExprKind::GetAttr(Box::new(e), name), span);
                            height += 1;
                        }
                        _ => return Err("expected a property name after `.`"),
                    }
                }
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    let (ix, ix_height) = self.expr(depth + 1)?;
                    let end = self.expect(Tok::RBracket, "unbalanced `[` in a template expression")?;
                    let span = self.span(start, end);
                    e = Expr::new(ExprKind::Index(Box::new(e), Box::new(ix)), span);
                    height = height.max(ix_height) + 1;
                }
                _ => return Ok((e, height)),
            }
        }
    }

    /// A primary expression, its height and its start.
    fn primary(&mut self, depth: usize) -> Result<(Expr, usize, u32), &'static str> {
        let Some((tok, start, end)) = self.next() else {
            return Err("empty template expression");
        };
        let e = match tok {
            Tok::Str(s) => Expr::new(ExprKind::Str(s), self.span(start, end)),
            Tok::Num(n) => Expr::new(ExprKind::Number(n), self.span(start, end)),
            Tok::Ident(mut name) => {
                // A user-defined function: `namespace.name(…)`.
                if self.peek() == Some(&Tok::Dot)
                    && matches!(self.peek_at(1), Some(Tok::Ident(_)))
                    && self.peek_at(2) == Some(&Tok::LParen)
                {
                    if let Some((Tok::Ident(member), _, _)) = self.tokens.get(self.pos + 1).cloned() {
                        name = format!("{name}.{member}");
                    }
                    self.pos += 2;
                }
                if self.peek() == Some(&Tok::LParen) {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek() == Some(&Tok::RParen) {
                        self.pos += 1;
                        let span = self.span(start, self.tokens[self.pos - 1].2);
                        return Ok((Expr::new(ExprKind::Call(name, args), span), 1, start));
                    }
                    let mut height = 0;
                    loop {
                        let (arg, h) = self.expr(depth + 1)?;
                        args.push(arg);
                        height = height.max(h);
                        match self.next() {
                            Some((Tok::Comma, _, _)) => {}
                            Some((Tok::RParen, _, end)) => {
                                let span = self.span(start, end);
                                return Ok((Expr::new(ExprKind::Call(name, args), span), height + 1, start));
                            }
                            _ => return Err("unbalanced `(` in a template expression"),
                        }
                    }
                }
                let span = self.span(start, end);
                match name.to_ascii_lowercase().as_str() {
                    "true" => Expr::new(ExprKind::Bool(true), span),
                    "false" => Expr::new(ExprKind::Bool(false), span),
                    "null" => Expr::new(ExprKind::Null, span),
                    _ => return Err("a name in a template expression must be a function call"),
                }
            }
            _ => return Err("unexpected token in a template expression"),
        };
        Ok((e, 1, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> FileId {
        FileId(0)
    }

    /// Lowers `json` (a JSON string literal, quotes included) placed at offset 0 of a file.
    fn lower(json: &str) -> Expr {
        let value = &json[1..json.len() - 1];
        let raw = (!value.contains('\\')).then_some(1);
        lower_string(value, Span::new(file(), 0..json.len()), raw)
    }

    fn text(json: &str, span: Span) -> &str {
        &json[span.start as usize..span.end as usize]
    }

    #[test]
    fn calls_property_access_and_index_with_inner_spans() {
        let json = "\"[concat(parameters('a'), variables('v').x[0])]\"";
        let e = lower(json);
        assert_eq!(e.span.start, 0);
        assert_eq!(e.span.end as usize, json.len());
        let ExprKind::Call(name, args) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(name, "concat");
        assert_eq!(text(json, args[0].span), "parameters('a')");
        let ExprKind::Call(p, pargs) = &args[0].kind else {
            panic!()
        };
        assert_eq!(p, "parameters");
        assert_eq!(pargs[0].as_str(), Some("a"));
        assert_eq!(text(json, pargs[0].span), "'a'");
        assert_eq!(text(json, args[1].span), "variables('v').x[0]");
        let ExprKind::Index(base, ix) = &args[1].kind else {
            panic!()
        };
        assert!(matches!(ix.kind, ExprKind::Number(n) if n == 0.0));
        let ExprKind::GetAttr(inner, attr) = &base.kind else {
            panic!()
        };
        assert_eq!(attr, "x");
        assert_eq!(text(json, inner.span), "variables('v')");
    }

    #[test]
    fn quotes_double_bracket_and_literals() {
        let e = lower("\"[concat('it''s', 'x')]\"");
        let ExprKind::Call(_, args) = &e.kind else { panic!() };
        assert_eq!(args[0].as_str(), Some("it's"));
        assert_eq!(lower("\"[[not an expression]\"").as_str(), Some("[not an expression]"));
        assert_eq!(lower("\"plain [x]\"").as_str(), Some("plain [x]"));
        assert!(matches!(lower("\"[true()]\"").kind, ExprKind::Call(ref n, _) if n == "true"));
        assert!(matches!(lower("\"[null]\"").kind, ExprKind::Null));
        assert!(matches!(lower("\"[-3]\"").kind, ExprKind::Number(n) if n == -3.0));
        let e = lower("\"[ns.fn(1)]\"");
        assert!(matches!(e.kind, ExprKind::Call(ref n, _) if n == "ns.fn"));
    }

    #[test]
    fn escapes_give_inner_nodes_the_whole_string_span() {
        let json = "\"[concat('a\\u0041', parameters('p'))]\"";
        let value = "[concat('aA', parameters('p'))]";
        let e = lower_string(value, Span::new(file(), 0..json.len()), None);
        let ExprKind::Call(_, args) = &e.kind else { panic!() };
        assert_eq!(args[1].span, e.span);
        assert_eq!(args[0].as_str(), Some("aA"));
    }

    #[test]
    fn malformed_expressions_are_opaque() {
        // Not ending in `]`: a literal string for ARM, not a broken expression.
        assert!(matches!(lower("\"[concat('a'\"").kind, ExprKind::Str(_)));
        for bad in [
            "\"[concat('a']\"",
            "\"[parameters('x'))]\"",
            "\"[foo bar]\"",
            "\"[]\"",
            "\"['unterminated]\"",
            "\"[a.]\"",
            "\"[x[0]]\"",
            "\"[concat(,)]\"",
            "\"[#]\"",
        ] {
            let e = lower(bad);
            assert!(matches!(e.kind, ExprKind::Opaque(_)), "{bad}: {e:?}");
        }
    }

    #[test]
    fn deep_nesting_is_opaque_without_overflowing() {
        let n = 10_000;
        let json = format!("\"[{}1{}]\"", "concat(".repeat(n), ")".repeat(n));
        assert!(matches!(lower(&json).kind, ExprKind::Opaque(_)));
        let json = format!("\"[{}'x'{}]\"", "a[".repeat(n), "]".repeat(n));
        assert!(matches!(lower(&json).kind, ExprKind::Opaque(_)));
        let json = format!("\"[{}\"", "(".repeat(n));
        assert!(matches!(lower(&json).kind, ExprKind::Str(_)));
        // Chains are parsed in a loop but build a tree as high as they are long.
        for seg in [".a", "[0]"] {
            let json = format!("\"[variables('v'){}]\"", seg.repeat(100_000));
            assert!(matches!(lower(&json).kind, ExprKind::Opaque(TOO_DEEP)), "{seg}");
            let json = format!("\"[variables('v'){}]\"", seg.repeat(200));
            assert!(
                matches!(lower(&json).kind, ExprKind::Index(..) | ExprKind::GetAttr(..)),
                "{seg}"
            );
        }
    }

    #[test]
    fn unknown_functions_still_parse() {
        let e = lower("\"[someFutureFunction(1, 'a')]\"");
        assert!(matches!(e.kind, ExprKind::Call(ref n, ref a) if n == "someFutureFunction" && a.len() == 2));
    }
}
