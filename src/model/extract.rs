//! Reading facts out of a resource body: evaluate once, then walk the value and the
//! expression side by side so each fact points at the exact expression that wrote it — an
//! array element, a property value — or, when the value came through a reference
//! (`var.actions`, `[parameters('actions')]`), at that reference with labels at each hop.

use super::Fact;
use crate::eval::{Evaluator, Kind, Scope, Value, Via};
use crate::ir::{Expr, ExprKind};
use crate::source::Span;

/// One step of a path into a body.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// An object field; `ci` matches case-insensitively (ARM property names).
    Key(&'a str),
    /// Every element of an array.
    Each,
}

/// A value found at a path, with where it is written.
#[derive(Clone, Debug)]
pub struct Found {
    pub value: Value,
    /// The expression that writes it, when the path was written literally down to it.
    pub expr_span: Option<Span>,
    /// The nearest written expression on the way (the reference it came through).
    pub use_span: Span,
    /// Hops of the reference it came through.
    pub via: Vec<Via>,
}

impl Found {
    /// The fact this value establishes, converted by `conv`.
    pub fn fact<T>(&self, conv: impl FnOnce(&Value) -> Option<T>) -> Fact<T> {
        let converted = conv(&self.value);
        let written = self.value.origin.span;
        // Written by the expression itself, not read from somewhere else (a loop's element,
        // a map entry reached through `each.value`).
        let written_here =
            |span: Span| span.file == written.file && span.start <= written.start && written.end <= span.end;
        match (converted, self.expr_span) {
            (None, _) => Fact::Unknown {
                span: self.expr_span.unwrap_or(self.use_span),
                why: unknown_why(&self.value),
            },
            (Some(value), Some(span))
                if self.via.is_empty() && self.value.origin.via.is_empty() && written_here(span) =>
            {
                Fact::Literal { value, span }
            }
            (Some(value), span) => {
                let mut via = self.via.clone();
                via.extend(self.value.origin.via.iter().cloned());
                // Point at the element itself when it is written somewhere else.
                let at = span.unwrap_or(self.use_span);
                if !via.iter().any(|v| v.span == written) && written != self.use_span && !written_here(at) {
                    via.push(Via {
                        span: written,
                        label: format!("{} is written here", self.value.describe()),
                    });
                }
                Fact::Resolved {
                    value,
                    span: span.unwrap_or(self.use_span),
                    via,
                }
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value.kind, Kind::Null)
    }
}

pub fn unknown_why(v: &Value) -> String {
    match &v.kind {
        Kind::Unknown(why) => why.clone(),
        _ => format!("{} is not the expected type", v.describe()),
    }
}

/// The expression of field `key` of an object expression. `Err(())` when a Bicep spread
/// (`...x`) written after the last such field may have replaced it: the expression tree no
/// longer says who wrote the value.
fn field<'e>(e: &'e Expr, key: &str, ci: bool) -> Result<Option<&'e Expr>, ()> {
    match &e.kind {
        ExprKind::Object(fields) => {
            for f in fields.iter().rev() {
                match &f.key {
                    Some(k) if (ci && k.eq_ignore_ascii_case(key)) || k == key => return Ok(Some(&f.value)),
                    None => match &f.value.kind {
                        ExprKind::Spread(inner) if may_write(inner, key, ci) => return Err(()),
                        _ => {}
                    },
                    _ => {}
                }
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Whether a spread of `e` may write field `key`: anything but object literals (and
/// conditionals choosing between them) that do not have it.
fn may_write(e: &Expr, key: &str, ci: bool) -> bool {
    match &e.kind {
        ExprKind::Object(fields) => fields.iter().any(|f| match (&f.key, &f.value.kind) {
            (Some(k), _) => (ci && k.eq_ignore_ascii_case(key)) || k == key,
            (None, ExprKind::Spread(inner)) => may_write(inner, key, ci),
            (None, _) => true,
        }),
        ExprKind::Conditional(_, t, f) => may_write(t, key, ci) || may_write(f, key, ci),
        ExprKind::Null => false,
        _ => true,
    }
}

/// A resource body evaluated once, to read any number of paths from.
pub struct Body<'e> {
    pub expr: &'e Expr,
    pub value: Value,
}

impl<'e> Body<'e> {
    pub fn eval(ev: &Evaluator, scope: &Scope, expr: &'e Expr) -> Body<'e> {
        Body {
            expr,
            value: ev.eval(scope, expr),
        }
    }

    /// Every value at `path`; `ci` matches keys case-insensitively (ARM).
    pub fn find_all(&self, path: &[Step], ci: bool) -> Vec<Found> {
        let mut out = Vec::new();
        walk(Some(self.expr), &self.value, self.expr.span, &[], path, ci, &mut out);
        out
    }

    /// The single value at `path` (`None` when absent).
    pub fn find(&self, path: &[Step], ci: bool) -> Option<Found> {
        self.find_all(path, ci).into_iter().next()
    }
}

fn walk(
    expr: Option<&Expr>,
    value: &Value,
    use_span: Span,
    via: &[Via],
    path: &[Step],
    ci: bool,
    out: &mut Vec<Found>,
) {
    let use_span = expr.map_or(use_span, |e| e.span);
    // Entering a value that came through a reference: remember its hops, and that the
    // expression tree no longer describes it.
    let (expr, via_here) = if expr.is_none() || value.origin.via.is_empty() || path.is_empty() {
        (expr, via.to_vec())
    } else {
        let mut v = via.to_vec();
        v.extend(value.origin.via.iter().cloned());
        (None, v)
    };
    let Some((step, rest)) = path.split_first() else {
        let mut value = value.clone();
        if expr.is_none() {
            // The hops are carried in `via`; keep the value's own for literal detection.
            value.origin.via.retain(|v| !via_here.contains(v));
        }
        out.push(Found {
            expr_span: expr.map(|e| e.span),
            use_span,
            via: via_here,
            value,
        });
        return;
    };
    match step {
        Step::Key(k) => {
            let sub = if ci { value.get_ci(k) } else { value.get(k) };
            let Some(sub) = sub else {
                if let Kind::Unknown(_) = value.kind {
                    // The whole object is unknown: so is the field.
                    out.push(Found {
                        value: value.clone(),
                        expr_span: expr.map(|e| e.span),
                        use_span,
                        via: via_here,
                    });
                }
                return;
            };
            match expr.map(|e| field(e, k, ci)) {
                Some(Ok(sub_expr)) => walk(sub_expr, sub, use_span, &via_here, rest, ci, out),
                // Set by a spread: point at where the value itself is written.
                Some(Err(())) => walk(None, sub, sub.origin.span, &via_here, rest, ci, out),
                None => walk(None, sub, use_span, &via_here, rest, ci, out),
            }
        }
        Step::Each => match &value.kind {
            Kind::Array(items) => {
                // Element expressions line up with values only for a plain literal array.
                let exprs: Option<&Vec<Expr>> = match expr.map(|e| &e.kind) {
                    Some(ExprKind::Array(es))
                        if es.len() == items.len()
                            && !es
                                .iter()
                                .any(|e| matches!(e.kind, ExprKind::DynamicBlock { .. } | ExprKind::Spread(_))) =>
                    {
                        Some(es)
                    }
                    _ => None,
                };
                for (i, item) in items.iter().enumerate() {
                    walk(exprs.map(|es| &es[i]), item, use_span, &via_here, rest, ci, out);
                }
            }
            _ => out.push(Found {
                value: value.clone(),
                expr_span: expr.map(|e| e.span),
                use_span,
                via: via_here,
            }),
        },
    }
}
