//! The shared intermediate representation every parser lowers into.
//!
//! An [`Expr`] is an unevaluated expression with a span on every node. Terraform, Bicep and
//! ARM expressions all lower into this one tree, so there is one evaluator
//! ([`crate::eval`]); what differs between dialects — which names exist, what a function
//! does — is decided by the evaluator's scope and function table, never by the tree.
//!
//! Terraform nested blocks lower into object fields whose value is an array of objects
//! (`capabilities { name = "X" }` twice becomes `capabilities = [{name = "X"}, {…}]`), so
//! block and attribute syntax look the same to the mapping code.

use crate::source::Span;

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string with no interpolation.
    Str(String),
    /// A string with interpolations: `"${a.id}/dbs/x"`.
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    Object(Vec<Field>),
    /// A bare name: `var`, `local`, `azurerm_cosmosdb_account`, a Bicep symbol.
    Name(String),
    /// `expr.name`
    GetAttr(Box<Expr>, String),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `[for k, v in coll : value if cond]` / `{for k, v in coll : key => value}`.
    For(Box<ForExpr>),
    /// A Terraform `dynamic "label" { for_each = …; content { … } }` block: one element per
    /// item of `for_each`, with `label.key` / `label.value` bound in `content`.
    DynamicBlock {
        iterator: String,
        for_each: Box<Expr>,
        content: Box<Expr>,
    },
    /// Bicep `...expr`: as an object field (with key `None`) it merges `expr`'s fields into
    /// the object; as an array element it splices `expr`'s elements into the array.
    Spread(Box<Expr>),
    /// Bicep `x => body` / `(x, i) => body`: a value only as an argument of `map()`,
    /// `filter()` and the like, which bind the parameters while evaluating the body.
    Lambda(Vec<String>, Box<Expr>),
    /// Something the evaluator cannot know (splat, unsupported syntax); the text says what.
    Opaque(&'static str),
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for object-producing `for` expressions.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Lit(String),
    Interp(Expr),
}

#[derive(Clone, Debug)]
pub struct Field {
    /// `None` when the key is an expression that is not a plain string.
    pub key: Option<String>,
    pub key_span: Span,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    /// Bicep `??`.
    Coalesce,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The field `key` of an object expression.
    pub fn field(&self, key: &str) -> Option<&Field> {
        match &self.kind {
            ExprKind::Object(fields) => fields.iter().find(|f| f.key.as_deref() == Some(key)),
            _ => None,
        }
    }

    /// A plain string literal's value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The expression written out briefly for a message (`var.enabled`,
    /// `!empty(principalId)`, `parameters('deploy')`), or `None` when it is too long or
    /// too complex to be worth quoting.
    pub fn brief(&self, dialect: Dialect) -> Option<String> {
        let s = self.brief_inner(dialect, 0)?;
        (s.chars().count() <= 60).then_some(s)
    }

    fn brief_inner(&self, dialect: Dialect, depth: usize) -> Option<String> {
        if depth > 6 {
            return None;
        }
        let sub = |e: &Expr| e.brief_inner(dialect, depth + 1);
        Some(match &self.kind {
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Number(n) => crate::eval::value::number_to_string(*n),
            ExprKind::Str(s) if dialect == Dialect::Terraform => format!("{s:?}"),
            ExprKind::Str(s) => format!("'{s}'"),
            ExprKind::Name(n) => n.clone(),
            ExprKind::GetAttr(b, n) => format!("{}.{n}", sub(b)?),
            ExprKind::Index(b, i) => format!("{}[{}]", sub(b)?, sub(i)?),
            ExprKind::Call(n, args) if n == ".?" => match args.as_slice() {
                [b, k] => format!("{}.?{}", sub(b)?, k.as_str()?),
                _ => return None,
            },
            ExprKind::Call(n, args) => {
                let args: Option<Vec<String>> = args.iter().map(sub).collect();
                format!("{n}({})", args?.join(", "))
            }
            ExprKind::Unary(UnaryOp::Not, x) => format!("!{}", sub(x)?),
            ExprKind::Unary(UnaryOp::Neg, x) => format!("-{}", sub(x)?),
            ExprKind::Binary(op, l, r) => {
                let op = match op {
                    BinaryOp::Eq => "==",
                    BinaryOp::NotEq => "!=",
                    BinaryOp::Less => "<",
                    BinaryOp::LessEq => "<=",
                    BinaryOp::Greater => ">",
                    BinaryOp::GreaterEq => ">=",
                    BinaryOp::Add => "+",
                    BinaryOp::Sub => "-",
                    BinaryOp::Mul => "*",
                    BinaryOp::Div => "/",
                    BinaryOp::Mod => "%",
                    BinaryOp::And => "&&",
                    BinaryOp::Or => "||",
                    BinaryOp::Coalesce => "??",
                };
                format!("{} {op} {}", sub(l)?, sub(r)?)
            }
            _ => return None,
        })
    }
}

/// Which language a document came from; chooses the evaluator's name resolution and
/// function table, and the model's attribute mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Terraform,
    Bicep,
    Arm,
}

/// A declared resource (or data source) in any dialect.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Case-normalised type: `azurerm_cosmosdb_account`,
    /// `microsoft.documentdb/databaseaccounts`.
    pub rtype: String,
    /// The type as written, for messages.
    pub rtype_written: String,
    /// Terraform: the resource name label; Bicep: the symbolic name; ARM: the `name` text.
    pub name: String,
    /// The whole declaration.
    pub span: Span,
    /// Where findings about absent attributes point: Terraform's `resource "t" "n"`,
    /// Bicep's `resource sym 'type'`, ARM's `"type": "…"` entry.
    pub header: Span,
    /// The body as an object expression (Terraform blocks become array fields).
    pub body: Expr,
    /// `count` / `for_each` / Bicep `for` / ARM `copy`: the resource may exist several
    /// times (or not at all). Kept for messages; the body is checked once.
    pub repeated: bool,
    /// A reference to a resource deployed elsewhere (Bicep/ARM `existing`): its properties
    /// are not ours to check.
    pub existing: bool,
}

/// A problem the parser found; becomes a `syntax-error` diagnostic.
#[derive(Clone, Debug)]
pub struct SyntaxProblem {
    pub span: Span,
    pub message: String,
}
