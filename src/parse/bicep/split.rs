//! Top-level statement boundaries, from the tokens of [`super::lex`].
//!
//! A statement starts at a statement keyword or a decorator that is the first token of its
//! line outside any bracket (decorators belong to the statement that follows them). A
//! keyword at column 0 followed by a space also starts one inside unclosed brackets:
//! recovery, so that one broken statement does not swallow the rest. Each statement is
//! then parsed on its own (see [`super::parser`]); the lexer starts afresh at each one,
//! since a statement never starts inside a string or a comment.

use std::ops::Range;

use super::lex::{LexError, Lexer, T};
use super::MAX_NESTING;

/// One top-level statement.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub range: Range<usize>,
    /// A lexical error (an unterminated string or comment), reported for the statement
    /// instead of what the parser finds after it.
    pub problem: Option<(Range<usize>, String)>,
    /// Brackets and interpolations nest deeper than [`MAX_NESTING`]: not parsed.
    pub too_deep: bool,
    /// The boundary before this statement may be wrong: it was found inside unclosed
    /// brackets (recovery), or after a token that cannot end a statement. Only then is a
    /// broken statement worth parsing again together with the one before it.
    pub joins_previous: bool,
}

const STATEMENT_KEYWORDS: &[&str] = &[
    "param",
    "var",
    "resource",
    "module",
    "output",
    "type",
    "func",
    "import",
    "using",
    "targetScope",
    "metadata",
    "extension",
    "extensionConfig",
    "extends",
    "provider",
    "assert",
    "test",
];

/// Whether a statement cannot end with a token of this kind (the next line continues it).
fn continues(last: T) -> bool {
    !matches!(
        last,
        T::Ident
            | T::Int
            | T::Str
            | T::StrRight
            | T::MultiStr
            | T::RBrace
            | T::RParen
            | T::RSquare
            | T::Question
            | T::Bang
            | T::NewLine
    )
}

/// The statements of `text`, in order, disjoint; text without tokens (comments only) is
/// in none of them.
pub fn statements(text: &str) -> Vec<Chunk> {
    let src = text.as_bytes();
    let mut chunks = Vec::new();
    let mut lexer = Lexer::new(src);
    // Open brackets, and `$` for an open interpolation hole.
    let mut stack: Vec<u8> = Vec::new();
    let mut line_start = true;
    let mut after_decorators = false;
    let mut last_significant = T::NewLine;
    let mut current = Open {
        start: 0,
        has_tokens: false,
        too_deep: false,
        joins_previous: false,
    };
    let mut errors_used = 0;
    let close = |chunks: &mut Vec<Chunk>, open: &Open, end: usize, errors: &[LexError], used: &mut usize| {
        let mut problem: Option<(Range<usize>, String)> = None;
        while let Some(e) = errors.get(*used).filter(|e| e.at.start < end) {
            // The first in the text (an unterminated string inside an unterminated hole
            // is reported once).
            if problem.as_ref().is_none_or(|(at, _)| e.at.start < at.start) {
                problem = Some((e.at.clone(), format!("syntax error: {}", e.message)));
            }
            *used += 1;
        }
        if open.has_tokens {
            chunks.push(Chunk {
                range: open.start..end,
                problem,
                too_deep: open.too_deep,
                joins_previous: open.joins_previous,
            });
        }
    };
    while let Some(t) = lexer.next() {
        if t.kind == T::NewLine {
            // A hole cannot span lines: the lexer ended the string, and so do we.
            if let Some(h) = stack.iter().position(|&c| c == b'$') {
                stack.truncate(h);
            }
            line_start = true;
            continue;
        }
        if std::mem::replace(&mut line_start, false) {
            let keyword = t.kind == T::Ident && STATEMENT_KEYWORDS.iter().any(|k| k.as_bytes() == &src[t.start..t.end]);
            let column0 = t.start == 0 || matches!(src[t.start - 1], b'\n' | b'\r');
            let mut recovered = false;
            if keyword && !stack.is_empty() && column0 && matches!(src.get(t.end), Some(b' ' | b'\t')) {
                stack.clear();
                recovered = true;
            }
            if stack.is_empty() && (keyword || t.kind == T::At) {
                if !after_decorators {
                    close(&mut chunks, &current, t.start, &lexer.errors, &mut errors_used);
                    // The boundary is certain unless brackets were still open or the
                    // previous line cannot end a statement (`x =`, `a ==`, `f(`…).
                    current = Open {
                        start: t.start,
                        has_tokens: false,
                        too_deep: false,
                        joins_previous: recovered || continues(last_significant),
                    };
                }
                after_decorators = t.kind == T::At;
            }
        }
        current.has_tokens = true;
        match t.kind {
            T::StrLeft => stack.push(b'$'),
            T::StrRight => {
                if let Some(h) = stack.iter().rposition(|&c| c == b'$') {
                    stack.truncate(h);
                }
            }
            T::LBrace => stack.push(b'{'),
            T::LSquare => stack.push(b'['),
            T::LParen => stack.push(b'('),
            T::RBrace | T::RSquare | T::RParen if stack.last().is_some_and(|&c| c != b'$') => {
                stack.pop();
            }
            _ => {}
        }
        if stack.len() > MAX_NESTING {
            current.too_deep = true;
        }
        last_significant = t.kind;
    }
    close(&mut chunks, &current, src.len(), &lexer.errors, &mut errors_used);
    chunks
}

/// The statement being collected.
struct Open {
    start: usize,
    has_tokens: bool,
    too_deep: bool,
    joins_previous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(src: &str) -> Vec<&str> {
        statements(src).iter().map(|c| &src[c.range.clone()]).collect()
    }

    #[test]
    fn decorators_belong_to_their_statement() {
        assert_eq!(
            ranges("// c\n@description('a')\n@minLength(1)\nparam a string\nvar b = 1\n"),
            ["@description('a')\n@minLength(1)\nparam a string\n", "var b = 1\n"]
        );
    }

    #[test]
    fn strings_and_comments_hide_keywords() {
        assert_eq!(
            ranges("var a = '''\nparam x\n'''\n/*\nparam y\n*/ var b = 'x // param'\n"),
            ["var a = '''\nparam x\n'''\n/*\nparam y\n*/ ", "var b = 'x // param'\n"]
        );
    }

    #[test]
    fn an_unterminated_hole_ends_with_its_line() {
        let src = "var a = {\n  b: '${x\n}\nvar c = 1\n";
        let chunks = statements(src);
        assert_eq!(chunks.len(), 2);
        let (at, message) = chunks[0].problem.clone().unwrap();
        assert_eq!(
            (&src[at], message.as_str()),
            ("'${x", "syntax error: unterminated string")
        );
        assert!(!chunks[0].too_deep && chunks[1].problem.is_none());
    }

    #[test]
    fn a_keyword_at_column_0_recovers_from_unclosed_brackets() {
        let chunks = statements("var a = [\nvar b = 1\n  var c = 2\n");
        assert_eq!(
            chunks.iter().map(|c| c.joins_previous).collect::<Vec<_>>(),
            [false, true, false]
        );
    }

    #[test]
    fn only_the_statement_that_nests_too_deep_is_refused() {
        let src = format!("var a = {}\nvar b = 1\n", "[".repeat(300));
        let chunks = statements(&src);
        assert_eq!(chunks.iter().map(|c| c.too_deep).collect::<Vec<_>>(), [true, false]);
    }

    #[test]
    fn a_boundary_after_a_continuing_token_is_in_doubt() {
        let chunks = statements("var a = b ==\ntype\nvar c = 1\n");
        assert_eq!(
            chunks.iter().map(|c| c.joins_previous).collect::<Vec<_>>(),
            [false, true, false]
        );
    }
}
