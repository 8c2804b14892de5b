//! A recognizer for Bicep types, function signatures and import lists, on the tokens of
//! [`super::lex`], following the compiler's grammar (`Bicep.Core/Parsing/BaseParser.cs`).
//! Lowering needs nothing from a type but where it ends and whether it is nullable, so
//! types are checked, not built.

use super::lex::{Tok, T};
use super::MAX_NESTING;

/// A recognizer for types (as
/// `Bicep.Core/Parsing/BaseParser.cs` parses them: unions, `T?`, `T!`, `T[]`, `T[*]`,
/// `T[0]`, `T.x`, `T.*`, `name<'…'>`, object and tuple types with decorated members,
/// parenthesised types, literals, `resource '…'`), function signatures and import lists.
/// It only says where the construct ends or which token is wrong; errors are the index
/// of the offending token (`toks.len()` for the end of the statement).
pub(super) struct TypeCheck<'a> {
    toks: &'a [Tok],
    src: &'a [u8],
    /// The next token.
    pub i: usize,
    depth: usize,
}

pub(super) type Check = Result<(), usize>;

impl<'a> TypeCheck<'a> {
    pub fn new(toks: &'a [Tok], i: usize, src: &'a [u8]) -> Self {
        TypeCheck { toks, src, i, depth: 0 }
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
    pub fn declared_type(&mut self) -> Check {
        if self.at_word(b"resource") && self.toks.get(self.i + 1).is_some_and(|t| t.kind != T::Lt) {
            self.i += 1;
            if matches!(self.peek(), Some(T::Str | T::StrLeft)) {
                return self.primary();
            }
            return Ok(());
        }
        self.ty()
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

    /// `(a T, b T) R =>` from the `(`.
    pub fn function_signature(&mut self) -> Check {
        let ty = |c: &mut Self| c.declared_type();
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
        self.expect(T::Arrow)
    }

    /// `{ a, b as c, 'd' as e } from '…'` from the `{` (commas or line ends between).
    pub fn import_list(&mut self) -> Check {
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
        self.expect_word(b"from")?;
        self.expect(T::Str)
    }
}
