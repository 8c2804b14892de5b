//! Bicep tokens as the Bicep compiler forms them (`Bicep.Core/Parsing/Lexer.cs`).
//!
//! The rules that matter here:
//! - A `'…'` string ends at the next unescaped `'`; `\` escapes one character (`\'`,
//!   `\\`, `\$`, `\n`, `\r`, `\t`, `\u{…}`); `${` opens an interpolation hole whose code
//!   is lexed like any other code (holes nest: a hole may hold strings with holes). A
//!   string or a hole cannot span lines: a line end inside one is an unterminated string.
//!   Inside a hole, `{` opens an object and `}` closes either that object or the hole.
//! - `'''…'''` is verbatim (no escapes, no interpolation) and may span lines; quotes
//!   right after the closing `'''` belong to the string. `$'''…${x}…'''` interpolates,
//!   and `$$'''…$${x}…'''` needs as many `$` before `{` as before the quotes.
//! - `//` comments run to the line end, `/* … */` comments may span lines and are not
//!   line ends; `#…` lines (`#disable-next-line`) are trivia.
//! - A line end is `\n`, `\r` or `\r\n`.
//!
//! The lexer is an iterator over significant tokens (line ends included, trivia
//! skipped). It never fails: lexical errors are collected with their position.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum T {
    Ident,
    Int,
    /// `'…'` without interpolation.
    Str,
    /// `'…${`
    StrLeft,
    /// `}…${`
    StrMid,
    /// `}…'`
    StrRight,
    /// `'''…'''`
    MultiStr,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LSquare,
    RSquare,
    At,
    Comma,
    Dot,
    Ellipsis,
    Question,
    Colon,
    DoubleColon,
    Minus,
    Star,
    /// `!` (not `!=` or `!~`).
    Bang,
    Lt,
    Gt,
    /// `=` (not `==`, `=~` or `=>`).
    Assign,
    Arrow,
    Pipe,
    Plus,
    Slash,
    Percent,
    /// `^` (index from the end, `a[^1]`).
    Hat,
    EqEq,
    NotEq,
    /// `=~`
    EqI,
    /// `!~`
    NotEqI,
    Le,
    Ge,
    AndAnd,
    OrOr,
    /// `??`
    Coalesce,
    Semicolon,
    NewLine,
    /// A character Bicep does not know (`"`, `&`, non-ASCII outside strings…).
    Unknown,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub kind: T,
    pub start: usize,
    pub end: usize,
    /// False for a string (segment) that runs into a line end or the end of the input.
    pub closed: bool,
    /// Strings: 0 for `'…'`, else a multi-line string whose holes need this many `$`
    /// (`'''…'''` has none: it cannot interpolate).
    pub multiline: Option<u8>,
}

impl Tok {
    /// The literal text of a closed string token, between its delimiters, as a byte
    /// range: `'ab${` → `ab`, `}cd'` → `cd`. `None` for other tokens.
    pub fn literal(&self) -> Option<std::ops::Range<usize>> {
        let (open, close) = match (self.kind, self.multiline) {
            (T::Str | T::StrRight, None) => (1, 1),
            (T::StrLeft | T::StrMid, None) => (1, 2),
            (T::MultiStr, Some(d)) => (3 + usize::from(d), 3),
            (T::StrLeft, Some(d)) => (3 + usize::from(d), 1 + usize::from(d)),
            (T::StrMid, Some(d)) => (1, 1 + usize::from(d)),
            (T::StrRight, Some(_)) => (1, 3),
            _ => return None,
        };
        (self.closed && self.end - self.start >= open + close).then(|| self.start + open..self.end - close)
    }
}

/// One lexical error: where, and what.
#[derive(Clone, Debug)]
pub(super) struct LexError {
    pub at: std::ops::Range<usize>,
    pub message: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Segment {
    Closed,
    Hole,
    Unterminated,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An interpolation hole (`${ … }`) of the string that starts at this offset; for a
    /// multi-line string, the number of `$` its holes need.
    Hole(usize, Option<u8>),
    /// An object brace opened inside a hole.
    Brace,
}

pub(super) struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    /// Holes and the braces opened in them, innermost last. Empty outside strings.
    modes: Vec<Mode>,
    pub errors: Vec<LexError>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Lexer<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Lexer {
            b,
            pos: 0,
            modes: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A lexer for `range` of `b` only (a statement: it never starts inside a string or a
    /// comment), with offsets into `b`.
    pub fn over(b: &'a [u8], range: std::ops::Range<usize>) -> Self {
        let end = range.end.min(b.len());
        Lexer {
            b: &b[..end],
            pos: range.start.min(end),
            modes: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn error(&mut self, at: std::ops::Range<usize>, message: &'static str) {
        self.errors.push(LexError { at, message });
    }

    /// Skips whitespace and comments (not line ends).
    fn skip_trivia(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                b'/' if self.peek(1) == Some(b'/') => {
                    while self.peek(0).is_some_and(|c| c != b'\n' && c != b'\r') {
                        self.pos += 1;
                    }
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    let start = self.pos;
                    match find(self.b, self.pos + 2, b"*/") {
                        Some(e) => self.pos = e + 2,
                        None => {
                            self.pos = self.b.len();
                            self.error(start..start + 2, "unterminated multi-line comment");
                        }
                    }
                }
                // `#disable-next-line …` and other directives (Bicep only knows them at the
                // start of a line; anywhere else `#` is not valid Bicep either way).
                b'#' => {
                    while self.peek(0).is_some_and(|c| c != b'\n' && c != b'\r') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Scans the rest of a string segment after its opening `'` or `}`. At a line end or
    /// the end of input the string is unterminated: the line end is not consumed.
    fn string_segment(&mut self, string_start: usize) -> Segment {
        loop {
            let Some(c) = self.peek(0) else {
                self.error(string_start..self.pos, "unterminated string");
                return Segment::Unterminated;
            };
            match c {
                b'\n' | b'\r' => {
                    self.error(string_start..self.pos, "unterminated string");
                    return Segment::Unterminated;
                }
                b'\'' => {
                    self.pos += 1;
                    return Segment::Closed;
                }
                b'$' if self.peek(1) == Some(b'{') => {
                    self.pos += 2;
                    return Segment::Hole;
                }
                // An escape takes the next character, unless that ends the line.
                b'\\' if self.peek(1).is_some_and(|n| n != b'\n' && n != b'\r') => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }

    /// Scans the rest of a multi-line string after `'''` or a hole's `}`: up to `'''`
    /// (and the quotes right after it), or a hole (`dollars` × `$` then `{`; never when
    /// `dollars` is 0).
    fn multiline_segment(&mut self, string_start: usize, dollars: u8) -> Segment {
        while let Some(c) = self.peek(0) {
            match c {
                b'$' => {
                    let mut n = 0usize;
                    while self.peek(0) == Some(b'$') {
                        self.pos += 1;
                        n += 1;
                    }
                    if dollars > 0 && n >= usize::from(dollars) && self.peek(0) == Some(b'{') {
                        self.pos += 1;
                        return Segment::Hole;
                    }
                }
                b'\'' => {
                    let mut n = 0;
                    while self.peek(0) == Some(b'\'') {
                        self.pos += 1;
                        n += 1;
                    }
                    if n >= 3 {
                        return Segment::Closed;
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.error(
            string_start..(string_start + 3).min(self.b.len()),
            "unterminated multi-line string",
        );
        Segment::Unterminated
    }

    fn op(&mut self, kind: T, len: usize) -> T {
        self.pos += len;
        kind
    }

    fn token(&mut self) -> Option<Tok> {
        self.skip_trivia();
        let start = self.pos;
        let c = self.peek(0)?;
        let mut closed = true;
        let mut multiline = None;
        let kind = match c {
            b'\n' | b'\r' => {
                if let Some(Mode::Hole(string_start, _)) = self.modes.first().copied() {
                    // The string of an open hole never closed on this line.
                    self.error(string_start..self.pos, "unterminated string");
                    self.modes.clear();
                }
                while self.peek(0).is_some_and(|c| c == b'\n' || c == b'\r') {
                    self.pos += 1;
                }
                T::NewLine
            }
            b'\'' if self.peek(1) == Some(b'\'') && self.peek(2) == Some(b'\'') => {
                self.pos += 3;
                multiline = Some(0);
                closed = self.multiline_segment(start, 0) == Segment::Closed;
                T::MultiStr
            }
            b'$' => {
                let mut n = 0usize;
                while self.peek(n) == Some(b'$') {
                    n += 1;
                }
                if n <= usize::from(u8::MAX) && self.b.get(self.pos + n..self.pos + n + 3) == Some(b"'''") {
                    let dollars = n as u8;
                    self.pos += n + 3;
                    multiline = Some(dollars);
                    match self.multiline_segment(start, dollars) {
                        Segment::Hole => {
                            self.modes.push(Mode::Hole(start, Some(dollars)));
                            T::StrLeft
                        }
                        Segment::Closed => T::MultiStr,
                        Segment::Unterminated => {
                            closed = false;
                            T::MultiStr
                        }
                    }
                } else {
                    self.op(T::Unknown, 1)
                }
            }
            b'\'' => {
                self.pos += 1;
                match self.string_segment(start) {
                    Segment::Hole => {
                        self.modes.push(Mode::Hole(start, None));
                        T::StrLeft
                    }
                    Segment::Closed => T::Str,
                    Segment::Unterminated => {
                        closed = false;
                        T::Str
                    }
                }
            }
            b'{' => {
                if !self.modes.is_empty() {
                    self.modes.push(Mode::Brace);
                }
                self.op(T::LBrace, 1)
            }
            b'}' => match self.modes.last().copied() {
                Some(Mode::Hole(string_start, ml)) => {
                    self.pos += 1;
                    multiline = ml;
                    let segment = match ml {
                        Some(dollars) => self.multiline_segment(string_start, dollars),
                        None => self.string_segment(string_start),
                    };
                    match segment {
                        Segment::Hole => T::StrMid,
                        other => {
                            closed = other == Segment::Closed;
                            self.modes.pop();
                            T::StrRight
                        }
                    }
                }
                Some(Mode::Brace) => {
                    self.modes.pop();
                    self.op(T::RBrace, 1)
                }
                None => self.op(T::RBrace, 1),
            },
            b'(' => self.op(T::LParen, 1),
            b')' => self.op(T::RParen, 1),
            b'[' => self.op(T::LSquare, 1),
            b']' => self.op(T::RSquare, 1),
            b'@' => self.op(T::At, 1),
            b',' => self.op(T::Comma, 1),
            b'.' if self.peek(1) == Some(b'.') && self.peek(2) == Some(b'.') => self.op(T::Ellipsis, 3),
            b'.' => self.op(T::Dot, 1),
            b'?' if self.peek(1) == Some(b'?') => self.op(T::Coalesce, 2),
            b'?' => self.op(T::Question, 1),
            b':' if self.peek(1) == Some(b':') => self.op(T::DoubleColon, 2),
            b':' => self.op(T::Colon, 1),
            b'-' => self.op(T::Minus, 1),
            b'*' => self.op(T::Star, 1),
            b'!' if self.peek(1) == Some(b'=') => self.op(T::NotEq, 2),
            b'!' if self.peek(1) == Some(b'~') => self.op(T::NotEqI, 2),
            b'!' => self.op(T::Bang, 1),
            b'<' if self.peek(1) == Some(b'=') => self.op(T::Le, 2),
            b'<' => self.op(T::Lt, 1),
            b'>' if self.peek(1) == Some(b'=') => self.op(T::Ge, 2),
            b'>' => self.op(T::Gt, 1),
            b'=' if self.peek(1) == Some(b'>') => self.op(T::Arrow, 2),
            b'=' if self.peek(1) == Some(b'=') => self.op(T::EqEq, 2),
            b'=' if self.peek(1) == Some(b'~') => self.op(T::EqI, 2),
            b'=' => self.op(T::Assign, 1),
            b'&' if self.peek(1) == Some(b'&') => self.op(T::AndAnd, 2),
            b'|' if self.peek(1) == Some(b'|') => self.op(T::OrOr, 2),
            b'|' => self.op(T::Pipe, 1),
            b'+' => self.op(T::Plus, 1),
            b'/' => self.op(T::Slash, 1),
            b'%' => self.op(T::Percent, 1),
            b'^' => self.op(T::Hat, 1),
            b';' => self.op(T::Semicolon, 1),
            c if c.is_ascii_digit() => {
                while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                T::Int
            }
            c if is_ident_start(c) => {
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.pos += 1;
                }
                T::Ident
            }
            c => {
                // One whole character, so that offsets stay on character boundaries.
                let len = match c {
                    0xf0..=0xff => 4,
                    0xe0..=0xef => 3,
                    0xc0..=0xdf => 2,
                    _ => 1,
                };
                self.pos = (self.pos + len).min(self.b.len());
                T::Unknown
            }
        };
        Some(Tok {
            kind,
            start,
            end: self.pos,
            closed,
            multiline,
        })
    }
}

impl Iterator for Lexer<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        self.token()
    }
}

pub(super) fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(T, &str)> {
        Lexer::new(src.as_bytes())
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    #[test]
    fn slashes_inside_strings_are_not_comments() {
        assert_eq!(
            kinds("split(x, '//') // c"),
            [
                (T::Ident, "split"),
                (T::LParen, "("),
                (T::Ident, "x"),
                (T::Comma, ","),
                (T::Str, "'//'"),
                (T::RParen, ")"),
            ]
        );
        assert_eq!(
            kinds("'${a}//${b}/*'"),
            [
                (T::StrLeft, "'${"),
                (T::Ident, "a"),
                (T::StrMid, "}//${"),
                (T::Ident, "b"),
                (T::StrRight, "}/*'"),
            ]
        );
    }

    #[test]
    fn escapes_and_nested_interpolation() {
        assert_eq!(kinds(r"'it\'s \${x}'"), [(T::Str, r"'it\'s \${x}'")]);
        assert_eq!(
            kinds("'${k!.v!}'"),
            [
                (T::StrLeft, "'${"),
                (T::Ident, "k"),
                (T::Bang, "!"),
                (T::Dot, "."),
                (T::Ident, "v"),
                (T::Bang, "!"),
                (T::StrRight, "}'"),
            ]
        );
        // An object inside a hole, and a string with a hole inside a hole.
        assert_eq!(
            kinds("'${f({a: '${b}'})}'").iter().map(|k| k.0).collect::<Vec<_>>(),
            [
                T::StrLeft,
                T::Ident,
                T::LParen,
                T::LBrace,
                T::Ident,
                T::Colon,
                T::StrLeft,
                T::Ident,
                T::StrRight,
                T::RBrace,
                T::RParen,
                T::StrRight
            ]
        );
    }

    #[test]
    fn multiline_strings_are_verbatim() {
        assert_eq!(
            kinds("'''a ${b} \\ // '' \n c''''\nx"),
            [
                (T::MultiStr, "'''a ${b} \\ // '' \n c''''"),
                (T::NewLine, "\n"),
                (T::Ident, "x")
            ]
        );
    }

    #[test]
    fn a_string_or_hole_does_not_cross_a_line_end() {
        let mut lx = Lexer::new(b"'abc\nx '${a\ny");
        let toks: Vec<T> = lx.by_ref().map(|t| t.kind).collect();
        assert_eq!(
            toks,
            [T::Str, T::NewLine, T::Ident, T::StrLeft, T::Ident, T::NewLine, T::Ident]
        );
        let errors: Vec<_> = lx.errors.iter().map(|e| (e.at.clone(), e.message)).collect();
        assert_eq!(errors, [(0..4, "unterminated string"), (7..11, "unterminated string")]);
    }

    #[test]
    fn comments_and_directives_are_trivia() {
        assert_eq!(
            kinds("a /* x\n y */ b\r\n#disable-next-line BCP081 it's\nc"),
            [
                (T::Ident, "a"),
                (T::Ident, "b"),
                (T::NewLine, "\r\n"),
                (T::NewLine, "\n"),
                (T::Ident, "c")
            ]
        );
    }

    #[test]
    fn operators() {
        let ks: Vec<T> = kinds("a!=b !~ c => d == e =~ f ?? g .? ... :: ! = | <= >= && || + / % ^ ;")
            .iter()
            .map(|k| k.0)
            .filter(|k| *k != T::Ident)
            .collect();
        assert_eq!(
            ks,
            [
                T::NotEq,
                T::NotEqI,
                T::Arrow,
                T::EqEq,
                T::EqI,
                T::Coalesce,
                T::Dot,
                T::Question,
                T::Ellipsis,
                T::DoubleColon,
                T::Bang,
                T::Assign,
                T::Pipe,
                T::Le,
                T::Ge,
                T::AndAnd,
                T::OrOr,
                T::Plus,
                T::Slash,
                T::Percent,
                T::Hat,
                T::Semicolon
            ]
        );
    }

    #[test]
    fn interpolated_multiline_strings() {
        let src = "$'''\na ${b}\n''' $$'''${c} $${d}'''";
        let toks: Vec<Tok> = Lexer::new(src.as_bytes()).collect();
        let got: Vec<(T, &str, Option<&str>)> = toks
            .iter()
            .map(|t| (t.kind, &src[t.start..t.end], t.literal().map(|r| &src[r])))
            .collect();
        assert_eq!(
            got,
            [
                (T::StrLeft, "$'''\na ${", Some("\na ")),
                (T::Ident, "b", None),
                (T::StrRight, "}\n'''", Some("\n")),
                (T::StrLeft, "$$'''${c} $${", Some("${c} ")),
                (T::Ident, "d", None),
                (T::StrRight, "}'''", Some("")),
            ]
        );
    }

    #[test]
    fn literal_ranges() {
        let src = b"'ab${x}cd${y}ef' '''g''' 'h";
        let toks: Vec<Tok> = Lexer::new(src).collect();
        let lits: Vec<&[u8]> = toks.iter().filter_map(|t| t.literal()).map(|r| &src[r]).collect();
        assert_eq!(lits, [&b"ab"[..], b"cd", b"ef", b"g"]);
        // The unterminated `'h` has no literal range.
        assert!(!toks.last().unwrap().closed);
    }
}
