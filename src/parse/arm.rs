//! ARM JSON: recognising templates and parameter files, and lowering them to IR with a span
//! on every key and value.
//!
//! JSON is parsed with `jsonc-parser`, configured to accept exactly what Azure Resource
//! Manager accepts: `//` and `/* */` comments and trailing commas, but none of the looser
//! JSON5 forms (single quotes, hex numbers, unquoted keys). The document becomes one IR
//! object [`Expr`]; template strings written `"[…]"` are parsed as ARM expressions
//! ([`super::arm_expr`]), parameter-file strings stay literal (Azure does not evaluate
//! them).
//!
//! A file is ARM when its root `$schema` names a deployment template
//! (`deploymentTemplate`, `subscriptionDeploymentTemplate`,
//! `managementGroupDeploymentTemplate`, `tenantDeploymentTemplate`) or `deploymentParameters`.
//! Other JSON (package.json, app settings) is not ours and is ignored without a word. A cheap
//! scan for a `"$schema"` key with such a value runs first, so unrelated JSON is never fully
//! parsed — and a broken file that announces an ARM schema still gets its `syntax-error`.

use std::borrow::Cow;

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::arm_expr;
use crate::ir::{Expr, ExprKind, Field, SyntaxProblem};
use crate::source::{FileId, Span};

/// JSON nests at most this deep (the evaluator and this lowering recurse per level).
pub use crate::limits::MAX_NESTING;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Template,
    Parameters,
}

/// A parsed ARM file.
#[derive(Debug)]
pub struct ArmFile {
    pub kind: JsonKind,
    /// The whole document; `None` when it could not be parsed.
    pub root: Option<Expr>,
    pub problems: Vec<SyntaxProblem>,
}

/// What a `$schema` URL says the file is.
pub fn schema_kind(schema: &str) -> Option<JsonKind> {
    let s = schema.to_ascii_lowercase();
    if s.contains("deploymenttemplate.json") {
        Some(JsonKind::Template)
    } else if s.contains("deploymentparameters.json") {
        Some(JsonKind::Parameters)
    } else {
        None
    }
}

/// The cheap pre-check: the kind named by the first `"$schema": "…"` pair in the text that
/// names an ARM schema. Over-approximates (it also sees nested templates' `$schema`); the
/// parsed root decides.
pub fn sniff(text: &str) -> Option<JsonKind> {
    let mut rest = text;
    while let Some(pos) = rest.find("\"$schema\"") {
        rest = &rest[pos + "\"$schema\"".len()..];
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix(':') else { continue };
        let Some(after) = after.trim_start().strip_prefix('"') else {
            continue;
        };
        let mut end = after.find('"').unwrap_or(after.len()).min(300);
        while !after.is_char_boundary(end) {
            end -= 1;
        }
        let value = &after[..end];
        if let Some(k) = schema_kind(value) {
            return Some(k);
        }
    }
    None
}

/// Parses an ARM template or parameter file. `None` when the text is not ARM JSON.
pub fn parse(file: FileId, text: &str) -> Option<ArmFile> {
    let sniffed = sniff(text)?;
    parse_inner(file, text, sniffed, false, false)
}

/// Parses a file the user named as a parameter file (`--parameters`): its `$schema` may be
/// missing, its strings are literal.
pub fn parse_parameters(file: FileId, text: &str) -> ArmFile {
    parse_inner(file, text, JsonKind::Parameters, true, false).unwrap_or_else(|| ArmFile {
        kind: JsonKind::Parameters,
        root: None,
        problems: vec![SyntaxProblem {
            span: Span::new(file, 0..0),
            message: "a parameter file must be a JSON object with a `parameters` object".into(),
        }],
    })
}

/// Parses plain JSON of any shape (comments and trailing commas allowed), as Bicep's
/// `loadJsonContent()` reads it: strings stay literal. `root` is `None` when it is invalid.
pub fn parse_json(file: FileId, text: &str) -> ArmFile {
    parse_inner(file, text, JsonKind::Parameters, true, true).unwrap_or(ArmFile {
        kind: JsonKind::Parameters,
        root: None,
        problems: Vec::new(),
    })
}

fn parse_inner(file: FileId, text: &str, sniffed: JsonKind, forced: bool, any_value: bool) -> Option<ArmFile> {
    if let Some(at) = too_deep(text) {
        return Some(ArmFile {
            kind: sniffed,
            root: None,
            problems: vec![SyntaxProblem {
                span: Span::new(file, at..at + 1),
                message: format!("JSON nests deeper than {MAX_NESTING} levels; the file is not parsed"),
            }],
        });
    }
    let options = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    // Azure (Newtonsoft.Json, .NET strings) accepts `\ud800` without its pair; Rust strings
    // cannot hold it, so it becomes U+FFFD, written as an escape of the same length.
    let repaired = repair_lone_surrogates(text);
    let text = repaired.as_deref().unwrap_or(text);
    let parsed = match jsonc_parser::parse_to_ast(text, &collect, &options) {
        Ok(p) => p,
        Err(e) => {
            let r = e.range();
            let start = r.start.min(text.len());
            let end = r.end.clamp(start, text.len()).max(next_char_end(text, start));
            return Some(ArmFile {
                kind: sniffed,
                root: None,
                problems: vec![SyntaxProblem {
                    span: Span::new(file, start..end),
                    message: format!("invalid JSON: {}", e.kind()),
                }],
            });
        }
    };
    let root = parsed.value?;
    let schema = match &root {
        ast::Value::Object(obj) => obj
            .properties
            .iter()
            .find(|p| p.name.as_str() == "$schema")
            .and_then(|p| p.value.as_string_lit()),
        // Only plain JSON may be something other than an object.
        _ if any_value => None,
        _ => return None,
    };
    let kind = match schema.and_then(|s| schema_kind(&s.value)) {
        _ if forced => sniffed,
        Some(k) => k,
        None => return None,
    };
    let lower = Lower {
        file,
        text,
        expressions: kind == JsonKind::Template,
        problems: Default::default(),
    };
    let root = lower.value(&root);
    Some(ArmFile {
        kind,
        root: Some(root),
        problems: lower.problems.into_inner(),
    })
}

/// The text with every `\uXXXX` escape of an unpaired UTF-16 surrogate (inside a string)
/// replaced by `\uFFFD`: same length, so every offset stays. `None` when there is none.
fn repair_lone_surrogates(text: &str) -> Option<String> {
    let b = text.as_bytes();
    // Cheap filter: no `\\uD…` escape at all.
    if !text.contains("\\ud") && !text.contains("\\uD") {
        return None;
    }
    let unit = |i: usize| -> Option<u16> {
        if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
            return None;
        }
        u16::from_str_radix(text.get(i + 2..i + 6)?, 16).ok()
    };
    let mut fixes = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] != b'\\' {
                        i += 1;
                        continue;
                    }
                    match unit(i) {
                        Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
                        Some(0xD800..=0xDFFF) => {
                            fixes.push(i);
                            i += 6;
                        }
                        _ => i += 2,
                    }
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if fixes.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for at in fixes {
        out.replace_range(at..at + 6, "\\uFFFD");
    }
    Some(out)
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|t| t.chars().next())
        .map_or(offset, |c| offset + c.len_utf8())
}

/// The offset where JSON nesting (outside strings and comments) first exceeds
/// [`MAX_NESTING`].
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

struct Lower<'t> {
    file: FileId,
    text: &'t str,
    /// Template strings are expressions; parameter-file strings are literal.
    expressions: bool,
    /// Expressions refused for their depth.
    problems: std::cell::RefCell<Vec<SyntaxProblem>>,
}

impl Lower<'_> {
    fn span(&self, r: jsonc_parser::common::Range) -> Span {
        Span::new(self.file, r.start..r.end)
    }

    fn string(&self, s: &ast::StringLit) -> Expr {
        let span = self.span(s.range);
        if !self.expressions {
            return Expr::new(ExprKind::Str(s.value.to_string()), span);
        }
        // Offsets inside the string are exact only when nothing in it is escaped.
        let raw = self.text.get(s.range.start + 1..s.range.end.saturating_sub(1));
        let exact = raw
            .is_some_and(|r| !r.contains('\\'))
            .then_some(s.range.start as u32 + 1);
        let e = arm_expr::lower_string(&s.value, span, exact);
        if matches!(e.kind, ExprKind::Opaque(arm_expr::TOO_DEEP)) {
            self.problems.borrow_mut().push(SyntaxProblem {
                span,
                message: format!(
                    "template expression nests deeper than {MAX_NESTING} levels (or its calls deeper than {}); it is not evaluated",
                    arm_expr::MAX_EXPR_DEPTH
                ),
            });
        }
        e
    }

    fn value(&self, v: &ast::Value) -> Expr {
        crate::limits::ensure_stack(|| self.value_at(v))
    }

    fn value_at(&self, v: &ast::Value) -> Expr {
        match v {
            ast::Value::StringLit(s) => self.string(s),
            ast::Value::NumberLit(n) => {
                let span = self.span(n.range);
                match n.value.parse::<f64>() {
                    Ok(x) => Expr::new(ExprKind::Number(x), span),
                    Err(_) => Expr::new(ExprKind::Opaque("number out of range"), span),
                }
            }
            ast::Value::BooleanLit(b) => Expr::new(ExprKind::Bool(b.value), self.span(b.range)),
            ast::Value::NullKeyword(n) => Expr::new(ExprKind::Null, self.span(n.range)),
            ast::Value::Array(a) => Expr::new(
                ExprKind::Array(a.elements.iter().map(|e| self.value(e)).collect()),
                self.span(a.range),
            ),
            ast::Value::Object(o) => Expr::new(
                ExprKind::Object(
                    o.properties
                        .iter()
                        .map(|p| {
                            let (key, range): (Cow<str>, _) = match &p.name {
                                ast::ObjectPropName::String(s) => (s.value.clone(), s.range),
                                ast::ObjectPropName::Word(w) => (Cow::Borrowed(w.value), w.range),
                            };
                            Field {
                                key: Some(key.into_owned()),
                                key_span: self.span(range),
                                value: self.value(&p.value),
                            }
                        })
                        .collect(),
                ),
                self.span(o.range),
            ),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn sniff_cuts_long_schema_values_on_a_character_boundary() {
        // Found by fuzzing arm_parse: a 300-byte cut landed inside a multi-byte character.
        let text = format!("{{\"$schema\": \"{}\"}}", "\u{9aeb}".repeat(200));
        assert_eq!(sniff(&text), None);
    }

    use super::*;

    const TEMPLATE: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

    fn parse_text(text: &str) -> Option<ArmFile> {
        parse(FileId(0), text)
    }

    #[test]
    fn recognises_templates_and_parameter_files_by_schema() {
        let t = format!("{{\"$schema\": \"{TEMPLATE}\", \"resources\": []}}");
        assert_eq!(parse_text(&t).unwrap().kind, JsonKind::Template);
        for s in [
            "subscriptionDeploymentTemplate.json#",
            "managementGroupDeploymentTemplate.json#",
            "tenantDeploymentTemplate.json#",
        ] {
            let t = format!("{{\"$schema\": \"https://schema.management.azure.com/schemas/2018-05-01/{s}\"}}");
            assert_eq!(parse_text(&t).unwrap().kind, JsonKind::Template, "{s}");
        }
        let p = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\"}";
        assert_eq!(parse_text(p).unwrap().kind, JsonKind::Parameters);
        assert!(parse_text("{\"name\": \"package\", \"version\": \"1.0.0\"}").is_none());
        assert!(parse_text("{\"$schema\": \"https://json.schemastore.org/package\"}").is_none());
        // Only a nested template names the ARM schema: the root decides.
        let nested = format!("{{\"$schema\": \"x\", \"t\": {{\"$schema\": \"{TEMPLATE}\"}}}}");
        assert!(parse_text(&nested).is_none());
        // Broken JSON that is not ARM is not ours either.
        assert!(parse_text("{\"a\": ").is_none());
    }

    #[test]
    fn unpaired_surrogate_escapes_are_read_as_replacement_characters() {
        let t = format!(
            "{{\"$schema\": \"{TEMPLATE}\", \"a\": \"x\\ud800y\", \"b\": \"\\ud83d\\ude00\", \"c\": \"\\\\ud800\", \"d\": \"\\uDC00\" /* \"\\ud800 */}}"
        );
        let f = parse_text(&t).unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let root = f.root.unwrap();
        let get = |k: &str| root.field(k).unwrap().value.as_str().unwrap().to_string();
        assert_eq!(get("a"), "x\u{fffd}y");
        assert_eq!(get("b"), "😀");
        // An escaped backslash followed by `ud800` is text, not an escape.
        assert_eq!(get("c"), "\\ud800");
        assert_eq!(get("d"), "\u{fffd}");
        // Spans are those of the file as written.
        let a = &root.field("a").unwrap().value;
        assert_eq!(&t[a.span.range()], "\"x\\ud800y\"");
    }

    #[test]
    fn comments_trailing_commas_and_crlf_are_accepted() {
        let t =
            format!("// header\r\n{{\r\n  \"$schema\": \"{TEMPLATE}\", /* c */\r\n  \"resources\": [1, 2,],\r\n}}\r\n");
        let f = parse_text(&t).unwrap();
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let root = f.root.unwrap();
        let res = root.field("resources").unwrap();
        assert_eq!(&t[res.key_span.range()], "\"resources\"");
        assert_eq!(&t[res.value.span.range()], "[1, 2,]");
    }

    #[test]
    fn loose_json5_is_a_syntax_error() {
        for bad in [
            format!("{{\"$schema\": \"{TEMPLATE}\", 'x': 1}}"),
            format!("{{\"$schema\": \"{TEMPLATE}\", x: 1}}"),
            format!("{{\"$schema\": \"{TEMPLATE}\", \"x\": 0x10}}"),
            format!("{{\"$schema\": \"{TEMPLATE}\" \"x\": 1}}"),
            format!("{{\"$schema\": \"{TEMPLATE}\", \"x\": "),
        ] {
            let f = parse_text(&bad).unwrap();
            assert_eq!(f.problems.len(), 1, "{bad}");
            assert!(f.root.is_none());
            let p = &f.problems[0];
            assert!(p.span.start as usize <= bad.len(), "{bad}: {p:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_with_a_position() {
        let n = 10_000;
        let t = format!(
            "{{\"$schema\": \"{TEMPLATE}\", \"x\": {}{}}}",
            "[".repeat(n),
            "]".repeat(n)
        );
        let f = parse_text(&t).unwrap();
        assert_eq!(f.problems.len(), 1);
        assert!(f.problems[0].message.contains("nests deeper"));
        // Brackets inside strings and comments do not count.
        let t = format!(
            "{{\"$schema\": \"{TEMPLATE}\", \"x\": \"{}\" // {}\n}}",
            "[".repeat(n),
            "{".repeat(n)
        );
        assert!(parse_text(&t).unwrap().problems.is_empty());
    }

    #[test]
    fn template_strings_are_expressions_parameter_strings_are_not() {
        let t = format!("{{\"$schema\": \"{TEMPLATE}\", \"v\": \"[parameters('a')]\"}}");
        let root = parse_text(&t).unwrap().root.unwrap();
        let v = &root.field("v").unwrap().value;
        assert!(matches!(v.kind, ExprKind::Call(ref n, _) if n == "parameters"));
        assert_eq!(&t[v.span.range()], "\"[parameters('a')]\"");
        let ExprKind::Call(_, args) = &v.kind else { panic!() };
        assert_eq!(&t[args[0].span.range()], "'a'");
        let p = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"v\": \"[x]\"}";
        let root = parse_text(p).unwrap().root.unwrap();
        assert_eq!(root.field("v").unwrap().value.as_str(), Some("[x]"));
    }
}
