//! Reading list attributes (IP rules, VNet rules) into [`Entries`], the same way for every
//! dialect: an array is one entry per element, a string is a comma-separated list (ARM's
//! `ipRangeFilter`, azurerm 3.x `ip_range_filter`), and an entry of a string written as a
//! plain literal points at its own text inside the string.

use super::extract::Found;
use super::network::split_list;
use super::{Entries, Fact};
use crate::eval::Kind;
use crate::ir::{Expr, ExprKind};
use crate::source::Span;

/// The list as a whole: where it is written, or Unknown when its value is.
pub(crate) fn list_fact(found: &Found) -> Fact<()> {
    match &found.value.kind {
        Kind::Unknown(why) => Fact::Unknown {
            span: found.expr_span.unwrap_or(found.use_span),
            why: why.clone(),
        },
        _ => found.fact(|_| Some(())),
    }
}

/// The plain string literal (no interpolation) written at `span`: `root` itself or one of
/// its elements when `root` is an array literal.
pub(crate) fn literal_at(root: Option<&Expr>, span: Option<Span>) -> Option<&Expr> {
    let (root, span) = (root?, span?);
    let is_str = |e: &&Expr| e.span == span && matches!(e.kind, ExprKind::Str(_));
    if is_str(&root) {
        return Some(root);
    }
    match &root.kind {
        ExprKind::Array(items) => items.iter().find(is_str),
        _ => None,
    }
}

/// The span of bytes `range` of a string literal's value, when the literal is written
/// verbatim between one-byte quotes (no escape sequence; escapes only make the written text
/// longer than its value, so equal lengths mean none).
fn within_literal(literal: &Expr, range: &std::ops::Range<usize>) -> Option<Span> {
    let ExprKind::Str(value) = &literal.kind else {
        return None;
    };
    let s = literal.span;
    if (s.end - s.start) as usize != value.len() + 2 || range.end > value.len() {
        return None;
    }
    Some(Span::new(
        s.file,
        s.start as usize + 1 + range.start..s.start as usize + 1 + range.end,
    ))
}

/// Adds the entries of a comma-separated string `found` to `items`; `literal` is the
/// string literal that writes it, if it is written in place. Returns whether the entries
/// are complete: a part that is not known may stand for any number of entries.
pub(crate) fn split_string(found: &Found, literal: Option<&Expr>, items: &mut Vec<Fact<String>>) -> bool {
    let Kind::Str(s) = &found.value.kind else {
        return false;
    };
    let whole = found.fact(|_| Some(()));
    let mut complete = true;
    for entry in split_list(s) {
        let Some(text) = entry.text else {
            complete = false;
            continue;
        };
        items.push(match &whole {
            Fact::Literal { span, .. } => Fact::Literal {
                span: literal
                    .zip(entry.range.as_ref())
                    .and_then(|(l, r)| within_literal(l, r))
                    .unwrap_or(*span),
                value: text,
            },
            Fact::Resolved { span, via, .. } => Fact::Resolved {
                value: text,
                span: *span,
                via: via.clone(),
            },
            Fact::Default { note, .. } => Fact::Default {
                value: text,
                note: note.clone(),
            },
            Fact::Unknown { span, why } => Fact::Unknown {
                span: *span,
                why: why.clone(),
            },
            // A string is one value, never a set of candidates.
            Fact::OneOf(_) => return false,
        });
    }
    complete
}

/// A list of address strings: the whole value a comma-separated string, or an array whose
/// elements (`elements`, one found value each) are strings, each possibly comma-separated.
/// `written` is the attribute's expression in the resource, for entry spans.
pub(crate) fn address_list(found: &Found, elements: &[Found], written: Option<&Expr>) -> Entries {
    let mut list = list_fact(found);
    let mut items = Vec::new();
    let mut complete = true;
    match &found.value.kind {
        Kind::Str(_) => complete = split_string(found, literal_at(written, found.expr_span), &mut items),
        Kind::Array(_) => {
            for e in elements {
                match &e.value.kind {
                    Kind::Str(_) => complete &= split_string(e, literal_at(written, e.expr_span), &mut items),
                    Kind::Choice(_) => complete &= choice_entry(e, written, &mut items),
                    Kind::Unknown(_) => complete = false,
                    // Not an address; the provider or the service refuses it.
                    _ => {}
                }
            }
        }
        _ => complete = false,
    }
    if !complete {
        list = incomplete(found);
    }
    Entries { items, list }
}

/// An element that is one of several values (a conditional whose condition is not known):
/// one entry, a value set of its candidates' entries, each labelled with when it applies.
/// Returns whether the element is known to be an entry in every case (a candidate that is
/// not known, or that is empty, may stand for no entry or several).
fn choice_entry(element: &Found, written: Option<&Expr>, items: &mut Vec<Fact<String>>) -> bool {
    let mut complete = true;
    let mut candidates = Vec::new();
    for c in element.split() {
        let before = candidates.len();
        match &c.value.kind {
            Kind::Str(_) => complete &= split_string(&c, literal_at(written, c.expr_span), &mut candidates),
            _ => complete = false,
        }
        complete &= candidates.len() == before + 1;
    }
    if !candidates.is_empty() {
        items.push(Fact::one_of(candidates));
    }
    complete
}

/// A list of blocks or objects (VNet rules): one entry per element, valued and located by
/// its `ids` (the found subnet ids, one per element when every element has one; otherwise
/// the elements themselves locate the entries). An element that is not known as a whole (a
/// `dynamic` block over an unknown collection) may stand for any number of entries.
pub(crate) fn object_list(found: &Found, elements: &[Found], ids: &[Found]) -> Entries {
    let mut list = list_fact(found);
    let mut items = Vec::new();
    let mut complete = matches!(found.value.kind, Kind::Array(_));
    if complete {
        if elements.iter().any(|e| e.value.is_unknown()) {
            complete = false;
        } else if ids.len() == elements.len() {
            items.extend(ids.iter().map(|id| id.fact(|v| v.as_pstr().map(|p| p.to_string()))));
        } else {
            items.extend(elements.iter().map(|e| e.fact(|_| Some(String::new()))));
        }
    }
    if !complete && list.value().is_some() {
        list = incomplete(found);
    }
    Entries { items, list }
}

fn incomplete(found: &Found) -> Fact<()> {
    Fact::Unknown {
        span: found.expr_span.unwrap_or(found.use_span),
        why: match &found.value.kind {
            Kind::Unknown(why) => why.clone(),
            Kind::Array(_) | Kind::Str(_) => "some entries of the list are not known".into(),
            _ => format!("{} is not a list", found.value.describe()),
        },
    }
}
