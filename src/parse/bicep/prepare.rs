//! Statement boundaries and offset-preserving rewrites, from the tokens of [`super::lex`].
//!
//! Every rewrite replaces text by text of the same byte length (line ends are never
//! touched), so every span of the grammar's tree points into the file as written:
//!
//! - **String contents** are replaced by `x`s: the grammar lexes `//`, `/*` and some
//!   escapes inside strings wrongly, and lowering reads string values from the original
//!   text anyway. Interpolation holes stay code and get the rewrites below.
//! - **Types** (of `param`, `output`, typed `var`, `type`, `func`) are checked here, by
//!   [`TypeCheck`], which follows the Bicep compiler's type grammar, and replaced by a
//!   placeholder name (`xxx`): the grammar lacks most of today's type syntax
//!   (`resourceInput<…>.a[*].b`, `.*`, parenthesised unions, nullable markers) and
//!   lowering needs nothing from a type but its extent and whether it is nullable.
//! - **Import lists** (`import { a \n b as c } from '…'`, newline-separated) are checked
//!   here and reduced to one name; lowering ignores imports.
//! - Object spread `...x` becomes a property `_s:x`, array spread `...x` becomes `   x`
//!   (both remembered by offset); the non-null assertion `x!` loses its `!`;
//!   `extension`/`extends`/`extensionConfig` statements and `using none` are blanked; in
//!   `.bicepparam` files `param x = v` becomes `var   x = v`.
//!
//! A statement starts at a statement keyword or decorator that is the first token of its
//! line outside any bracket. A keyword at column 0 followed by a space also starts one
//! inside unclosed brackets (recovery: one broken statement must not swallow the rest).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Point;

use super::lex::{Lexer, Tok, T};
use super::MAX_NESTING;

/// The text the grammar sees, and what the rewrites did.
#[derive(Debug, Default)]
pub struct Prepared {
    pub text: String,
    /// Offsets of `_s:` keys that stand for an object spread.
    pub object_spreads: HashSet<usize>,
    /// Offsets of array elements that follow a (blanked) array spread.
    pub array_spreads: HashSet<usize>,
    /// `param` keyword offset → its declared type.
    pub param_types: HashMap<usize, DeclaredType>,
    /// `.bicepparam`: offsets of `param` keywords rewritten to `var`.
    pub param_assigns: HashSet<usize>,
    /// Top-level statements (with their decorators), in order.
    pub chunks: Vec<Chunk>,
    line_starts: Vec<usize>,
}

/// The type written in a `param` declaration.
#[derive(Debug, Clone, Copy)]
pub struct DeclaredType {
    /// Where the type ends (the parameter's header ends there).
    pub end: usize,
    /// Written with a nullable marker (`string?`): the parameter is `null` when not given.
    pub nullable: bool,
}

/// One top-level statement.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub range: Range<usize>,
    /// Problems found here rather than by the grammar: lexical errors and the parts this
    /// module checks itself (types, import lists).
    pub problems: Vec<(Range<usize>, String)>,
    /// Brackets and interpolations nest deeper than [`MAX_NESTING`]: not parsed.
    pub too_deep: bool,
    /// The boundary before this statement may be wrong: it was found inside unclosed
    /// brackets (recovery), or after a token that cannot end a statement. Only then is a
    /// broken statement worth parsing again together with the one before it.
    pub joins_previous: bool,
}

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

impl Chunk {
    /// Records a problem; a statement keeps only its first (as for the grammar's errors).
    fn note(&mut self, problem: (Range<usize>, String)) {
        if self.problems.first().is_none_or(|(at, _)| problem.0.start < at.start) {
            self.problems = vec![problem];
        }
    }
}

impl Prepared {
    /// The grammar's position of `offset`: rows count `\n` only, as tree-sitter does.
    pub fn point(&self, offset: usize) -> Point {
        let row = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        Point {
            row,
            column: offset - self.line_starts.get(row).copied().unwrap_or(0),
        }
    }
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

fn blank(b: &mut [u8], range: Range<usize>) {
    for c in &mut b[range] {
        if *c != b'\n' && *c != b'\r' {
            *c = b' ';
        }
    }
}

/// Replaces `range` by a placeholder name on its first line and blanks the rest, so the
/// grammar sees one identifier where a construct it cannot parse was.
fn placeholder(b: &mut [u8], range: Range<usize>) {
    let first_line_end = b[range.clone()]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(range.end, |p| range.start + p);
    for c in &mut b[range.start..first_line_end] {
        *c = b'x';
    }
    blank(b, first_line_end..range.end);
}

/// Applies the rewrites and finds statement boundaries in one linear pass.
pub fn prepare(text: &str, param_file: bool) -> Prepared {
    let src = text.as_bytes();
    let mut p = Prepared {
        line_starts: std::iter::once(0)
            .chain(src.iter().enumerate().filter(|(_, &c)| c == b'\n').map(|(i, _)| i + 1))
            .collect(),
        ..Prepared::default()
    };
    let mut st = Splitter {
        src,
        b: src.to_vec(),
        param_file,
        toks: Vec::new(),
        chunk_start: 0,
        keyword: None,
        too_deep: false,
        joins_previous: false,
        errors_used: 0,
    };
    let mut lexer = Lexer::new(src);
    // Open brackets, and `$` for an open interpolation hole.
    let mut stack: Vec<u8> = Vec::new();
    let mut line_start = true;
    let mut after_decorators = false;
    let mut prev = T::NewLine;
    let mut last_significant = T::NewLine;
    let mut array_spread_pending = false;
    while let Some(t) = lexer.next() {
        if t.kind == T::NewLine {
            // A hole cannot span lines: the lexer ended the string, and so do we.
            if let Some(h) = stack.iter().position(|&c| c == b'$') {
                stack.truncate(h);
            }
            line_start = true;
            prev = T::NewLine;
            st.toks.push(t);
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
                // Decorators belong to the statement that follows them.
                if !after_decorators {
                    st.finish(t.start, &lexer.errors, &mut p);
                    // The boundary is certain unless brackets were still open or the
                    // previous line cannot end a statement (`x =`, `a ?`, `f(`…).
                    st.joins_previous = recovered || continues(last_significant);
                }
                after_decorators = t.kind == T::At;
                if keyword {
                    st.keyword = Some(st.toks.len());
                }
            }
        }
        if array_spread_pending {
            p.array_spreads.insert(t.start);
            array_spread_pending = false;
        }
        match t.kind {
            T::Str | T::StrLeft | T::StrMid | T::StrRight | T::MultiStr => {
                if let Some(lit) = t.literal() {
                    for c in &mut st.b[lit] {
                        if *c != b'\n' && *c != b'\r' {
                            *c = b'x';
                        }
                    }
                }
                match t.kind {
                    T::StrLeft => stack.push(b'$'),
                    T::StrRight => {
                        if let Some(h) = stack.iter().rposition(|&c| c == b'$') {
                            stack.truncate(h);
                        }
                    }
                    _ => {}
                }
            }
            T::LBrace => stack.push(b'{'),
            T::LSquare => stack.push(b'['),
            T::LParen => stack.push(b'('),
            T::RBrace | T::RSquare | T::RParen if stack.last().is_some_and(|&c| c != b'$') => {
                stack.pop();
            }
            // The non-null assertion `x!` is meaningless offline; the grammar knows it in
            // few places.
            T::Bang => {
                let word = &src[st.toks.last().map_or(0..0, |l| l.start..l.end)];
                let postfix = match prev {
                    T::Ident => word != b"in" && word != b"if",
                    T::RParen | T::RSquare | T::Str | T::StrRight | T::MultiStr => true,
                    _ => false,
                };
                if postfix {
                    st.b[t.start] = b' ';
                }
            }
            T::Ellipsis => match stack.last() {
                Some(b'{') => {
                    st.b[t.start..t.end].copy_from_slice(b"_s:");
                    p.object_spreads.insert(t.start);
                }
                Some(b'[') => {
                    blank(&mut st.b, t.start..t.end);
                    array_spread_pending = true;
                }
                _ => {}
            },
            _ => {}
        }
        if stack.len() > MAX_NESTING {
            st.too_deep = true;
        }
        prev = t.kind;
        last_significant = t.kind;
        st.toks.push(t);
    }
    st.finish(src.len(), &lexer.errors, &mut p);
    // Only ASCII bytes were written, over whole characters: still UTF-8.
    p.text = String::from_utf8(st.b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    p
}

/// The statement being collected.
struct Splitter<'a> {
    src: &'a [u8],
    /// The text being rewritten.
    b: Vec<u8>,
    param_file: bool,
    /// The statement's tokens, line ends included.
    toks: Vec<Tok>,
    chunk_start: usize,
    /// Index in `toks` of the statement keyword.
    keyword: Option<usize>,
    too_deep: bool,
    joins_previous: bool,
    /// Lexical errors already given to earlier statements.
    errors_used: usize,
}

impl Splitter<'_> {
    fn word(&self, t: &Tok) -> &[u8] {
        &self.src[t.start..t.end]
    }

    /// Ends the statement at `end` (the start of the next one).
    fn finish(&mut self, end: usize, errors: &[super::lex::LexError], p: &mut Prepared) {
        let mut chunk = Chunk {
            range: self.chunk_start..end,
            problems: Vec::new(),
            too_deep: self.too_deep,
            joins_previous: self.joins_previous,
        };
        while let Some(e) = errors.get(self.errors_used).filter(|e| e.at.start < end) {
            // One problem per statement, as for the grammar's errors: the first in the text
            // (an unterminated string inside an unterminated hole is reported once).
            chunk.note((e.at.clone(), format!("syntax error: {}", e.message)));
            self.errors_used += 1;
        }
        if !chunk.too_deep {
            if let Some(k) = self.keyword {
                self.statement(k, &mut chunk, p);
            }
        }
        if self.toks.iter().any(|t| t.kind != T::NewLine) {
            p.chunks.push(chunk);
        }
        self.toks.clear();
        self.chunk_start = end;
        self.keyword = None;
        self.too_deep = false;
        self.joins_previous = false;
    }

    /// Rewrites that depend on the kind of statement whose keyword is `toks[k]`.
    fn statement(&mut self, k: usize, chunk: &mut Chunk, p: &mut Prepared) {
        let kw = self.toks[k];
        let toks = std::mem::take(&mut self.toks);
        let name_ok = toks.get(k + 1).is_some_and(|t| t.kind == T::Ident);
        match self.word(&kw) {
            b"param" if self.param_file => {
                self.b[kw.start..kw.end].copy_from_slice(b"var  ");
                p.param_assigns.insert(kw.start);
                if name_ok {
                    self.local_type(&toks, k + 2, chunk);
                }
            }
            b"var" if name_ok => self.local_type(&toks, k + 2, chunk),
            b"param" | b"output" if name_ok => {
                let mut ty = TypeCheck::new(&toks, k + 2, self.src);
                let result = ty.declared_type().and_then(|()| ty.end_of_declared_type());
                let region = self.type_region(&toks, k + 2, ty.i, result, chunk);
                if let Some(region) = region {
                    if self.word(&kw) == b"param" {
                        let nullable = result.is_ok() && toks[ty.i - 1].kind == T::Question;
                        p.param_types.insert(
                            kw.start,
                            DeclaredType {
                                end: region.end,
                                nullable,
                            },
                        );
                    }
                    placeholder(&mut self.b, region);
                }
            }
            b"type" if name_ok && toks.get(k + 2).is_some_and(|t| t.kind == T::Assign) => {
                let mut ty = TypeCheck::new(&toks, k + 3, self.src);
                let result = ty.declared_type().and_then(|()| ty.end(ty.i));
                if let Some(region) = self.type_region(&toks, k + 3, ty.i, result, chunk) {
                    placeholder(&mut self.b, region);
                }
            }
            b"func" if name_ok => {
                let mut ty = TypeCheck::new(&toks, k + 2, self.src);
                match ty.function_signature() {
                    Ok(types) => types.into_iter().for_each(|r| placeholder(&mut self.b, r)),
                    Err(at) => chunk.note(ty.problem(at)),
                }
            }
            b"import" if toks.get(k + 1).is_some_and(|t| t.kind == T::LBrace) => {
                let mut ty = TypeCheck::new(&toks, k + 1, self.src);
                match ty.import_list() {
                    Ok(()) => {
                        let (open, close) = (toks[k + 1].end, toks[ty.list_close].start);
                        blank(&mut self.b, open..close);
                        if let Some(first) = toks.get(k + 2).filter(|t| t.kind != T::NewLine && t.start < close) {
                            self.b[first.start] = b'x';
                        } else if let Some(first) = toks[k + 2..].iter().find(|t| t.kind != T::NewLine) {
                            if first.start < close {
                                self.b[first.start] = b'x';
                            }
                        }
                    }
                    Err(at) => chunk.note(ty.problem(at)),
                }
            }
            // Not lowered, and beyond the grammar.
            b"extension" | b"extends" | b"extensionConfig" => {
                let end = chunk.range.end;
                blank(&mut self.b, kw.start..end);
            }
            // `.bicepparam`: `using none`, `using '…' with { … }`.
            b"using" => match toks.get(k + 1) {
                Some(t) if t.kind == T::Str => {
                    if let Some(after) = toks[k + 2..].iter().find(|t| t.kind != T::NewLine) {
                        let end = chunk.range.end;
                        blank(&mut self.b, after.start..end);
                    }
                }
                Some(t) if t.kind == T::Ident && self.word(t) == b"none" => {
                    let end = chunk.range.end;
                    blank(&mut self.b, kw.start..end);
                }
                _ => {}
            },
            _ => {}
        }
        self.toks = toks;
    }

    /// The type of a typed `var` (`var name string = …`) starting at `toks[at]`: checked,
    /// then blanked (the grammar has no typed variables).
    fn local_type(&mut self, toks: &[Tok], at: usize, chunk: &mut Chunk) {
        if toks.get(at).is_none_or(|t| t.kind == T::Assign) {
            return;
        }
        let mut ty = TypeCheck::new(toks, at, self.src);
        let result = ty.declared_type().and_then(|()| match toks.get(ty.i) {
            Some(t) if t.kind == T::Assign => Ok(()),
            _ => Err(ty.i),
        });
        if let Some(region) = self.type_region(toks, at, ty.i, result, chunk) {
            blank(&mut self.b, region);
        }
    }

    /// The byte range a declared type starting at `toks[from]` covers: up to `toks[to]`
    /// when it was checked, else (after recording the problem) up to the next `=` outside
    /// brackets, so the rest of the statement still parses.
    fn type_region(
        &self,
        toks: &[Tok],
        from: usize,
        to: usize,
        result: Result<(), usize>,
        chunk: &mut Chunk,
    ) -> Option<Range<usize>> {
        // A type may start on the next line (`type t =` then `| 'a'` lines).
        let first = toks[from.min(toks.len())..].iter().find(|t| t.kind != T::NewLine)?;
        let last = match result {
            Ok(()) => to.checked_sub(1).and_then(|l| toks.get(l))?,
            Err(at) => {
                chunk.note(TypeCheck::new(toks, from, self.src).problem(at));
                let mut depth = 0usize;
                let mut last = None;
                for t in &toks[from..] {
                    match t.kind {
                        T::LBrace | T::LSquare | T::LParen | T::StrLeft => depth += 1,
                        T::RBrace | T::RSquare | T::RParen | T::StrRight => depth = depth.saturating_sub(1),
                        T::Assign if depth == 0 => break,
                        _ => {}
                    }
                    if t.kind != T::NewLine {
                        last = Some(t);
                    }
                }
                last?
            }
        };
        (last.end > first.start).then_some(first.start..last.end)
    }
}

/// A recognizer for the parts of Bicep the grammar lacks: types (as
/// `Bicep.Core/Parsing/BaseParser.cs` parses them: unions, `T?`, `T!`, `T[]`, `T[*]`,
/// `T[0]`, `T.x`, `T.*`, `name<'…'>`, object and tuple types with decorated members,
/// parenthesised types, literals, `resource '…'`), function signatures and import lists.
/// It only says where the construct ends or which token is wrong; errors are the index
/// of the offending token (`toks.len()` for the end of the statement).
struct TypeCheck<'a> {
    toks: &'a [Tok],
    src: &'a [u8],
    i: usize,
    depth: usize,
    /// `import_list`: index of the closing `}`.
    list_close: usize,
}

type Check = Result<(), usize>;

impl<'a> TypeCheck<'a> {
    fn new(toks: &'a [Tok], i: usize, src: &'a [u8]) -> Self {
        TypeCheck {
            toks,
            src,
            i,
            depth: 0,
            list_close: 0,
        }
    }

    fn problem(&self, at: usize) -> (Range<usize>, String) {
        match self.toks.get(at) {
            Some(t) if t.kind == T::NewLine => (t.start..t.start + 1, "syntax error: unexpected line end".into()),
            Some(t) => {
                let snippet: String = String::from_utf8_lossy(&self.src[t.start..t.end])
                    .chars()
                    .take(40)
                    .collect();
                (t.start..t.end, format!("syntax error: unexpected `{}`", snippet.trim()))
            }
            None => {
                let last = self.toks.iter().rev().find(|t| t.kind != T::NewLine);
                let at = last.map_or(0..0, |t| t.start..t.end);
                (at, "syntax error: incomplete statement".into())
            }
        }
    }

    fn peek(&self) -> Option<T> {
        self.toks.get(self.i).map(|t| t.kind)
    }

    fn at_word(&self, w: &[u8]) -> bool {
        self.toks
            .get(self.i)
            .is_some_and(|t| t.kind == T::Ident && &self.src[t.start..t.end] == w)
    }

    fn eat(&mut self, k: T) -> bool {
        let hit = self.peek() == Some(k);
        self.i += usize::from(hit);
        hit
    }

    fn expect(&mut self, k: T) -> Check {
        if self.eat(k) {
            Ok(())
        } else {
            Err(self.i)
        }
    }

    fn expect_word(&mut self, w: &[u8]) -> Check {
        if self.at_word(w) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.i)
        }
    }

    /// Skips line ends; says whether there were any.
    fn newlines(&mut self) -> bool {
        let from = self.i;
        while self.peek() == Some(T::NewLine) {
            self.i += 1;
        }
        self.i > from
    }

    fn next_significant(&self) -> Option<T> {
        self.toks[self.i.min(self.toks.len())..]
            .iter()
            .map(|t| t.kind)
            .find(|k| *k != T::NewLine)
    }

    /// At `toks[i]` = an opening bracket or `StrLeft`: skips to after its match.
    fn balanced(&mut self) -> Check {
        let mut depth = 0usize;
        while let Some(k) = self.peek() {
            self.i += 1;
            match k {
                T::LBrace | T::LSquare | T::LParen | T::StrLeft => depth += 1,
                T::RBrace | T::RSquare | T::RParen | T::StrRight => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.i)
    }

    /// A declared type (`Type(…)` in the compiler): `resource '…'` or a type expression.
    fn declared_type(&mut self) -> Check {
        if self.at_word(b"resource") && self.toks.get(self.i + 1).is_some_and(|t| t.kind != T::Lt) {
            self.i += 1;
            if matches!(self.peek(), Some(T::Str | T::StrLeft)) {
                return self.primary();
            }
            return Ok(());
        }
        self.ty()
    }

    /// After a `param`/`output` type: a default (`=`), or the end of the line.
    fn end_of_declared_type(&self) -> Check {
        match self.peek() {
            None | Some(T::NewLine | T::Assign) => Ok(()),
            _ => Err(self.i),
        }
    }

    /// Nothing but line ends from `i` to the end of the statement.
    fn end(&self, i: usize) -> Check {
        match self.toks[i.min(self.toks.len())..]
            .iter()
            .position(|t| t.kind != T::NewLine)
        {
            None => Ok(()),
            Some(p) => Err(i + p),
        }
    }

    fn union_separator(&self) -> bool {
        match self.peek() {
            Some(T::Pipe) => true,
            Some(T::NewLine) => self.next_significant() == Some(T::Pipe),
            _ => false,
        }
    }

    /// `['|'] unary ('|' unary)*`; a `|` may start a line.
    fn ty(&mut self) -> Check {
        self.depth += 1;
        // Brackets already nest at most MAX_NESTING deep; this bounds the recursion even
        // if they did not.
        if self.depth > 2 * MAX_NESTING {
            return Err(self.i);
        }
        if self.union_separator() {
            self.newlines();
            self.i += 1;
        }
        self.unary()?;
        while self.union_separator() {
            self.newlines();
            self.i += 1;
            if matches!(self.peek(), None | Some(T::NewLine)) {
                return Err(self.i);
            }
            self.unary()?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn unary(&mut self) -> Check {
        if matches!(self.peek(), Some(T::Bang | T::Minus)) {
            self.i += 1;
        }
        self.member()?;
        while matches!(self.peek(), Some(T::Question | T::Bang)) {
            self.i += 1;
        }
        Ok(())
    }

    /// A primary type followed by `[]`, `[*]`, `[index]`, `.name`, `.name<…>`, `.*`.
    fn member(&mut self) -> Check {
        self.primary()?;
        loop {
            match self.peek() {
                Some(T::LSquare) => match self.toks.get(self.i + 1).map(|t| t.kind) {
                    Some(T::RSquare) => self.i += 2,
                    Some(T::Star) => {
                        self.i += 2;
                        self.expect(T::RSquare)?;
                    }
                    _ => self.balanced()?,
                },
                Some(T::Dot) => {
                    self.i += 1;
                    if !self.eat(T::Star) {
                        self.expect(T::Ident)?;
                        if self.peek() == Some(T::Lt) {
                            self.type_arguments()?;
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn primary(&mut self) -> Check {
        match self.peek() {
            Some(T::Int | T::Str | T::MultiStr) => {
                self.i += 1;
                Ok(())
            }
            Some(T::StrLeft) => self.balanced(),
            Some(T::Ident) => {
                self.i += 1;
                if self.peek() == Some(T::Lt) {
                    self.type_arguments()?;
                }
                Ok(())
            }
            Some(T::LBrace) => {
                self.i += 1;
                self.elements(T::RBrace, Self::object_member)
            }
            Some(T::LSquare) => {
                self.i += 1;
                self.elements(T::RSquare, Self::tuple_member)
            }
            Some(T::LParen) => {
                self.i += 1;
                self.newlines();
                self.ty()?;
                loop {
                    self.newlines();
                    if self.eat(T::RParen) {
                        return Ok(());
                    }
                    self.expect(T::Comma)?;
                    self.newlines();
                    self.ty()?;
                }
            }
            _ => Err(self.i),
        }
    }

    /// `<T, …>`, line ends allowed.
    fn type_arguments(&mut self) -> Check {
        self.expect(T::Lt)?;
        self.newlines();
        if self.eat(T::Gt) {
            return Ok(());
        }
        loop {
            self.ty()?;
            self.newlines();
            if self.eat(T::Gt) {
                return Ok(());
            }
            self.expect(T::Comma)?;
            self.newlines();
        }
    }

    /// Elements up to `close`, separated by commas or line ends (the opener is consumed).
    fn elements(&mut self, close: T, element: fn(&mut Self) -> Check) -> Check {
        self.newlines();
        loop {
            if self.eat(close) {
                return Ok(());
            }
            if self.peek().is_none() {
                return Err(self.i);
            }
            element(self)?;
            let newline = self.newlines();
            let comma = self.eat(T::Comma);
            self.newlines();
            if !newline && !comma && self.peek() != Some(close) {
                return Err(self.i);
            }
        }
    }

    fn object_member(&mut self) -> Check {
        self.decorators()?;
        match self.peek() {
            Some(T::Ident | T::Str | T::Star) => self.i += 1,
            Some(T::StrLeft) => self.balanced()?,
            _ => return Err(self.i),
        }
        self.expect(T::Colon)?;
        self.ty()
    }

    fn tuple_member(&mut self) -> Check {
        self.decorators()?;
        self.ty()
    }

    /// `@name(…)`, `@ns.name(…)`, each followed by a line end.
    fn decorators(&mut self) -> Check {
        while self.eat(T::At) {
            self.expect(T::Ident)?;
            loop {
                if self.peek() == Some(T::LParen) {
                    self.balanced()?;
                }
                if !self.eat(T::Dot) {
                    break;
                }
                self.expect(T::Ident)?;
            }
            if !self.newlines() {
                return Err(self.i);
            }
        }
        Ok(())
    }

    /// `(a T, b T) R =>` from the `(`: the byte ranges of the types.
    fn function_signature(&mut self) -> Result<Vec<Range<usize>>, usize> {
        let mut types = Vec::new();
        let mut ty = |c: &mut Self| -> Check {
            let from = c.i;
            c.declared_type()?;
            if let (Some(first), Some(last)) = (c.toks.get(from), c.toks.get(c.i.wrapping_sub(1))) {
                if c.i > from {
                    types.push(first.start..last.end);
                }
            }
            Ok(())
        };
        self.expect(T::LParen)?;
        self.newlines();
        if !self.eat(T::RParen) {
            loop {
                self.expect(T::Ident)?;
                ty(self)?;
                self.newlines();
                if self.eat(T::RParen) {
                    break;
                }
                self.expect(T::Comma)?;
                self.newlines();
            }
        }
        ty(self)?;
        self.expect(T::Arrow)?;
        Ok(types)
    }

    /// `{ a, b as c, 'd' as e } from '…'` from the `{` (commas or line ends between).
    fn import_list(&mut self) -> Check {
        self.expect(T::LBrace)?;
        self.elements(T::RBrace, |c| {
            match c.peek() {
                Some(T::Ident) => {
                    c.i += 1;
                    if !c.at_word(b"as") {
                        return Ok(());
                    }
                }
                Some(T::Str) if c.toks.get(c.i + 1).is_some_and(|t| &c.src[t.start..t.end] == b"as") => c.i += 1,
                _ => return Err(c.i),
            }
            c.i += 1;
            c.expect(T::Ident)
        })?;
        self.list_close = self.i - 1;
        self.expect_word(b"from")?;
        self.expect(T::Str)?;
        self.end(self.i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<String> {
        prepare(src, false)
            .chunks
            .iter()
            .flat_map(|c| c.problems.iter().map(|(r, m)| format!("{}: {m}", &src[r.clone()])))
            .collect()
    }

    #[test]
    fn string_contents_are_hidden_from_the_grammar() {
        let src = "var a = split(x, '//')\nvar b = '${c}/*${d!}'\n";
        let p = prepare(src, false);
        assert_eq!(p.text, "var a = split(x, 'xx')\nvar b = '${c}xx${d }'\n");
        assert_eq!(p.chunks.len(), 2);
    }

    #[test]
    fn types_become_one_name() {
        let ty = "resourceInput<'x@1'>.properties.list[*].actions?";
        let src = format!("param a {ty} = []\ntype t = {{\n  @description('x')\n  a: ('b' | 'c')\n  *: int\n}}\n");
        let src = src.as_str();
        let p = prepare(src, false);
        assert!(problems(src).is_empty(), "{:?}", problems(src));
        // The object type: its first line becomes the name, the other lines blanks.
        let object = &src[src.find("type t = ").unwrap() + 9..];
        let blanked: String = object
            .char_indices()
            .map(|(i, c)| {
                if i == 0 {
                    'x'
                } else if c == '\n' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        assert_eq!(
            p.text,
            format!("param a {} = []\ntype t = {blanked}", "x".repeat(ty.len()))
        );
        let ty = p.param_types[&0];
        assert!(ty.nullable);
        assert_eq!(&src[8..ty.end], "resourceInput<'x@1'>.properties.list[*].actions?");
    }

    #[test]
    fn type_syntax_the_compiler_accepts() {
        for ty in [
            "string",
            "string[]",
            "'a' | 'b'",
            "('a' | 'b')[]?",
            "(\n  'a'\n  | 'b')",
            "-1 | 1 | 2",
            "{ a: string, b: int? }",
            "{\n  @sys.description('x')\n  a: string\n\n  'b-c': object\n}",
            "[string, int]",
            "t.a[0].*",
            "sys.string",
            "resource<'Microsoft.X/y@2020-01-01'>.properties",
            "resource 'Microsoft.X/y@2020-01-01'",
            "null | true | false",
            "string!",
        ] {
            let src = format!("param p {ty}\n");
            assert!(problems(&src).is_empty(), "{ty}: {:?}", problems(&src));
            let src = format!("type t = {ty}\n");
            assert!(problems(&src).is_empty(), "{ty}: {:?}", problems(&src));
        }
    }

    #[test]
    fn broken_types_are_reported_where_they_break() {
        assert_eq!(
            problems("param p { a: string b: int }\n"),
            ["b: syntax error: unexpected `b`"]
        );
        assert_eq!(problems("type t = 'a' |\n"), ["\n: syntax error: unexpected line end"]);
        assert_eq!(
            problems("param p string int = 1\n"),
            ["int: syntax error: unexpected `int`"]
        );
        assert_eq!(problems("type t = {\n"), ["{: syntax error: incomplete statement"]);
        // The default of a parameter with a broken type is still parsed.
        let p = prepare("param p { a: } = 1\n", false);
        assert!(p.text.starts_with("param p xxxxxx = 1"), "{}", p.text);
    }

    #[test]
    fn import_lists_with_line_breaks() {
        let src = "import {\n  a\n  b as c\n  'd' as e\n} from 'x.bicep'\nimport { f, g } from 'y.bicep'\n";
        assert!(problems(src).is_empty(), "{:?}", problems(src));
        let p = prepare(src, false);
        assert_eq!(
            p.text,
            "import {\n  x\n        \n          \n} from 'xxxxxxx'\nimport { x    } from 'xxxxxxx'\n"
        );
        assert_eq!(
            problems("import { a b } from 'x'\n"),
            ["b: syntax error: unexpected `b`"]
        );
    }

    #[test]
    fn function_signatures() {
        let src = "func f(a string?, b { c: int }) resourceInput<'x@1'>.p => a\n";
        assert!(problems(src).is_empty(), "{:?}", problems(src));
        let x = |n: usize| "x".repeat(n);
        assert_eq!(
            prepare(src, false).text,
            format!("func f(a {}, b {}) {} => a\n", x(7), x(10), x(22))
        );
    }

    #[test]
    fn an_unterminated_hole_ends_with_its_line() {
        let src = "var a = {\n  b: '${x\n}\nvar c = 1\n";
        let p = prepare(src, false);
        assert_eq!(p.chunks.len(), 2);
        assert_eq!(p.chunks[0].problems.len(), 1, "{:?}", p.chunks[0].problems);
        assert!(!p.chunks[0].too_deep);
    }

    #[test]
    fn only_the_statement_that_nests_too_deep_is_refused() {
        let src = format!("var a = {}\nvar b = 1\n", "[".repeat(300));
        let p = prepare(&src, false);
        assert_eq!(p.chunks.iter().map(|c| c.too_deep).collect::<Vec<_>>(), [true, false]);
    }

    /// Random statements built from the fragments that matter to the lexer and the
    /// rewrites: every rewrite keeps the length, the line ends and valid UTF-8, and
    /// statements are ordered and disjoint. (Deterministic: a fixed LCG.)
    #[test]
    fn rewrites_keep_offsets_on_random_input() {
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
            "resource ",
            "none",
            "1",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..5_000 {
            let n = next() % 40;
            let src: String = (0..n).map(|_| FRAGMENTS[next() % FRAGMENTS.len()]).collect();
            for param_file in [false, true] {
                let p = prepare(&src, param_file);
                assert_eq!(p.text.len(), src.len(), "{src:?}");
                for (a, b) in src.bytes().zip(p.text.bytes()) {
                    assert_eq!(a == b'\n', b == b'\n', "{src:?} -> {:?}", p.text);
                    assert_eq!(a == b'\r', b == b'\r', "{src:?} -> {:?}", p.text);
                }
                let mut end = 0;
                for c in &p.chunks {
                    assert!(c.range.start >= end && c.range.start < c.range.end, "{src:?}");
                    assert!(c.range.end <= src.len(), "{src:?}");
                    end = c.range.end;
                    for (at, _) in &c.problems {
                        assert!(at.start <= at.end && at.end <= src.len(), "{src:?}");
                    }
                }
                let _ = if param_file {
                    super::super::parse_params(crate::source::FileId(0), &src)
                } else {
                    super::super::parse(crate::source::FileId(0), &src)
                };
            }
        }
    }
}
