//! Evaluated values: partially known, and carrying where they came from.

use std::fmt;

use crate::source::Span;

/// A value with its origin.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: Kind,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string, possibly with symbolic or unknown pieces.
    Str(PStr),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
    /// One of these candidates (2 to [`MAX_CHOICES`]), depending on something not known
    /// offline: both branches of a conditional whose condition is not known, an input's
    /// allowed values. Each candidate's origin starts with a `when` hop saying when it is
    /// the one ("when `var.x` is true"). Never nested.
    Choice(Vec<Value>),
    /// Not knowable offline; the text says why (shown by `--show-unresolved`).
    Unknown(String),
}

pub use crate::limits::MAX_CHOICES;

/// Where a value came from: the span where it was written, and the hops (variable,
/// local, tfvars entry, module argument, parameter) that carried it to where it is used,
/// outermost first.
#[derive(Clone, Debug)]
pub struct Origin {
    pub span: Span,
    pub via: Vec<Via>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Via {
    pub span: Span,
    pub label: String,
    /// Says when a candidate of a [`Kind::Choice`] applies, rather than where it came from.
    pub when: bool,
}

/// A reference to something declared in the inputs, e.g. "the `id` of account `a`".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol {
    pub resource: ResKey,
    pub attr: String,
}

/// A resource of an evaluation unit (index into the unit's resource table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResKey(pub u32);

/// A partially known string: literal text, symbolic references and unknown holes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PStr(pub Vec<Piece>);

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Lit(String),
    Sym(Symbol),
    Unknown,
}

pub use crate::limits::MAX_STRING;

impl PStr {
    pub fn lit(s: impl Into<String>) -> PStr {
        PStr(vec![Piece::Lit(s.into())])
    }

    pub fn sym(s: Symbol) -> PStr {
        PStr(vec![Piece::Sym(s)])
    }

    pub fn unknown() -> PStr {
        PStr(vec![Piece::Unknown])
    }

    /// The whole string, when every piece is literal.
    pub fn as_lit(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Lit(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    /// The symbol, when the string is exactly one reference.
    pub fn as_sym(&self) -> Option<&Symbol> {
        match self.0.as_slice() {
            [Piece::Sym(s)] => Some(s),
            _ => None,
        }
    }

    pub fn push(&mut self, piece: Piece) {
        match (self.0.last_mut(), piece) {
            (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
            (_, Piece::Lit(b)) if b.is_empty() => {}
            // Two holes in a row say no more than one; merging them keeps doubling
            // templates (`"${local.s}${local.s}"`) from growing exponentially.
            (Some(Piece::Unknown), Piece::Unknown) => {}
            (_, p) => self.0.push(p),
        }
    }

    pub fn append(&mut self, other: PStr) {
        for p in other.0 {
            self.push(p);
        }
    }

    /// Size in bytes, counting a symbol or a hole as one piece of a few bytes: what the
    /// string limit is measured in.
    pub fn lit_len(&self) -> usize {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => s.len(),
                _ => 16,
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn map_lit(self, f: impl Fn(&str) -> String) -> PStr {
        PStr(
            self.0
                .into_iter()
                .map(|p| match p {
                    Piece::Lit(s) => Piece::Lit(f(&s)),
                    p => p,
                })
                .collect(),
        )
    }
}

impl fmt::Display for PStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            match p {
                Piece::Lit(s) => f.write_str(s)?,
                Piece::Sym(s) => write!(f, "${{{}}}", s.attr)?,
                Piece::Unknown => f.write_str("${…}")?,
            }
        }
        Ok(())
    }
}

impl Value {
    pub fn new(kind: Kind, span: Span) -> Value {
        Value {
            kind,
            origin: Origin { span, via: Vec::new() },
        }
    }

    pub fn unknown(why: impl Into<String>, span: Span) -> Value {
        Value::new(Kind::Unknown(why.into()), span)
    }

    /// Whether arrays and objects nest more than `levels` deep in this value. Recurses at
    /// most `levels` deep.
    pub fn nests_deeper_than(&self, levels: usize) -> bool {
        match &self.kind {
            Kind::Array(items) => levels == 0 || items.iter().any(|c| c.nests_deeper_than(levels - 1)),
            Kind::Object(fields) => levels == 0 || fields.iter().any(|(_, c)| c.nests_deeper_than(levels - 1)),
            _ => false,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    /// The value with one more hop in front of its origin chain.
    pub fn via(mut self, span: Span, label: impl Into<String>) -> Value {
        self.origin.via.insert(
            0,
            Via {
                span,
                label: label.into(),
                when: false,
            },
        );
        self
    }

    /// A candidate of a value set, with a label saying when it applies.
    pub fn when(mut self, span: Span, label: impl Into<String>) -> Value {
        self.origin.via.insert(
            0,
            Via {
                span,
                label: label.into(),
                when: true,
            },
        );
        self
    }

    /// The candidates of a value set, or the value itself.
    pub fn candidates(&self) -> &[Value] {
        match &self.kind {
            Kind::Choice(c) => c,
            _ => std::slice::from_ref(self),
        }
    }

    /// A value set of `candidates` (each already labelled with when it applies): equal
    /// candidates are merged, a single one is the value itself (its `when` labels dropped:
    /// it applies always), and more than [`MAX_CHOICES`] are Unknown.
    pub fn choice(candidates: Vec<Value>, span: Span) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for c in candidates {
            // Flatten: a candidate that is itself a set contributes its candidates.
            let parts = match c.kind {
                Kind::Choice(inner) => inner,
                _ => vec![c],
            };
            for p in parts {
                if !out.iter().any(|o| super::equal(o, &p) == Some(true)) {
                    out.push(p);
                }
            }
        }
        // Candidates that are all unknown say no more than one unknown.
        if out.len() > 1 && out.iter().all(Value::is_unknown) {
            out.truncate(1);
        }
        match out.len() {
            0 => Value::unknown("no candidate value", span),
            1 => {
                let mut v = out.pop().unwrap_or_else(|| Value::unknown("no candidate value", span));
                v.origin.via.retain(|h| !h.when);
                v
            }
            n if n > MAX_CHOICES => Value::unknown(format!("more than {MAX_CHOICES} candidate values"), span),
            _ => Value::new(Kind::Choice(out), span),
        }
    }

    /// The `when` labels of this value (a candidate's conditions).
    pub fn whens(&self) -> impl Iterator<Item = &Via> {
        self.origin.via.iter().filter(|v| v.when)
    }

    /// A boolean as Terraform and ARM convert it: `true`, or the strings "true"/"false"
    /// (any case — ARM reads `"False"` as false).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) => match s.as_lit()?.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => s.as_lit(),
            Kind::Number(n) => Some(number_to_string(*n)),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_pstr(&self) -> Option<PStr> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Number(n) => Some(PStr::lit(number_to_string(*n))),
            Kind::Bool(b) => Some(PStr::lit(b.to_string())),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Case-insensitive field lookup (ARM property names are case-insensitive).
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(fields) => fields
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A short description for messages: `false`, `"Tls"`, `[…]`.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Number(n) => number_to_string(*n),
            Kind::Str(s) => format!("\"{s}\""),
            Kind::Array(_) => "[…]".into(),
            Kind::Object(_) => "{…}".into(),
            Kind::Choice(c) => c.iter().map(Value::describe).collect::<Vec<_>>().join(" or "),
            Kind::Unknown(_) => "unknown".into(),
        }
    }
}

pub fn number_to_string(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
