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
    /// The element at this index of an array (to read several fields of one element).
    Index(usize),
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
    /// One found value per candidate of a value set (each with the labels saying when it
    /// applies), or itself.
    pub fn split(&self) -> Vec<Found> {
        match &self.value.kind {
            Kind::Choice(cands) => {
                let at = self.expr_span.unwrap_or(self.use_span);
                cands
                    .iter()
                    .map(|c| Found {
                        value: c.clone(),
                        // The candidate where it is written in this expression (a branch of
                        // the conditional); else the expression that writes the set.
                        expr_span: within(at, c.origin.span).then_some(c.origin.span),
                        use_span: at,
                        via: self.via.clone(),
                    })
                    .collect()
            }
            _ => vec![self.clone()],
        }
    }

    /// The fact this value establishes, converted by `conv`; a value set gives one fact
    /// per candidate ([`Fact::OneOf`]).
    pub fn fact<T>(&self, conv: impl Fn(&Value) -> Option<T>) -> Fact<T> {
        self.fact_dyn(&conv)
    }

    fn fact_dyn<T>(&self, conv: &dyn Fn(&Value) -> Option<T>) -> Fact<T> {
        if let Kind::Choice(_) = self.value.kind {
            return Fact::one_of(self.split().iter().map(|f| f.fact_dyn(conv)).collect());
        }
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
                        when: false,
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

/// Whether `inner` lies inside `outer`.
fn within(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
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

    /// Every value at `path`; `ci` matches keys case-insensitively (ARM). Where the path
    /// crosses a value set, the values of every candidate are found, each labelled with
    /// when it applies.
    pub fn find_all(&self, path: &[Step], ci: bool) -> Vec<Found> {
        let mut out = Vec::new();
        let w = Walk { ci, single: false };
        w.walk(Some(self.expr), &self.value, self.expr.span, &[], path, &mut out);
        out
    }

    /// The single value at `path` (`None` when absent). Where the path crosses a value set,
    /// the candidates' values form a value set again (a candidate without the value is
    /// `null`, "not set", in it).
    pub fn find(&self, path: &[Step], ci: bool) -> Option<Found> {
        let mut out = Vec::new();
        let w = Walk { ci, single: true };
        w.walk(Some(self.expr), &self.value, self.expr.span, &[], path, &mut out);
        out.into_iter().next()
    }
}

struct Walk {
    ci: bool,
    /// `find`: a value set crossed on the way is folded back into one found value.
    single: bool,
}

impl Walk {
    /// Below a value set that is not the last step: each candidate on its own.
    fn choice(&self, cands: &[Value], use_span: Span, via: &[Via], path: &[Step], out: &mut Vec<Found>) {
        let mut found = Vec::new();
        for c in cands {
            let mut here = Vec::new();
            self.walk(None, c, use_span, via, path, &mut here);
            if self.single {
                // Absent in this candidate: "not set" under its conditions.
                let mut v = here.first().map_or_else(
                    || {
                        let mut null = Value::new(Kind::Null, c.origin.span);
                        null.origin.via = c.whens().cloned().collect();
                        null
                    },
                    |f| f.value.clone(),
                );
                for w in c.whens() {
                    if !v.origin.via.contains(w) {
                        v.origin.via.insert(0, w.clone());
                    }
                }
                found.push((v, here.into_iter().next()));
            } else {
                for mut f in here {
                    for w in c.whens() {
                        if !f.via.contains(w) {
                            f.via.insert(0, w.clone());
                        }
                    }
                    out.push(f);
                }
            }
        }
        if !self.single || found.iter().all(|(_, f)| f.is_none()) {
            return;
        }
        let span = cands.first().map_or(use_span, |c| c.origin.span);
        let value = Value::choice(found.into_iter().map(|(v, _)| v).collect(), span);
        out.push(Found {
            value,
            expr_span: None,
            use_span,
            via: via.to_vec(),
        });
    }

    fn walk(
        &self,
        expr: Option<&Expr>,
        value: &Value,
        use_span: Span,
        via: &[Via],
        path: &[Step],
        out: &mut Vec<Found>,
    ) {
        let ci = self.ci;
        let use_span = expr.map_or(use_span, |e| e.span);
        if let (Kind::Choice(cands), false) = (&value.kind, path.is_empty()) {
            let mut v = via.to_vec();
            v.extend(value.origin.via.iter().filter(|h| !h.when).cloned());
            return self.choice(cands, use_span, &v, path, out);
        }
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
            // Below a value set (or a spread) the expression tree is lost, but a value written
            // inside the expression in use is still found at its place.
            let expr_span = match expr {
                Some(e) => Some(e.span),
                None => within(use_span, value.origin.span).then_some(value.origin.span),
            };
            out.push(Found {
                expr_span,
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
                    Some(Ok(sub_expr)) => self.walk(sub_expr, sub, use_span, &via_here, rest, out),
                    // Set by a spread: point at where the value itself is written.
                    Some(Err(())) => self.walk(None, sub, sub.origin.span, &via_here, rest, out),
                    None => self.walk(None, sub, use_span, &via_here, rest, out),
                }
            }
            Step::Each | Step::Index(_) => match &value.kind {
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
                        if matches!(step, Step::Index(n) if *n != i) {
                            continue;
                        }
                        self.walk(exprs.map(|es| &es[i]), item, use_span, &via_here, rest, out);
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
}
