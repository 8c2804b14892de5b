//! Built-in functions that matter for Cosmos configuration: string building (`format`,
//! `replace`, `join`, `concat`), conversion (`tostring`, `tobool`) and selection
//! (`coalesce`, `lookup`, `try`, `merge`). Names are matched case-insensitively (ARM's
//! rule; Terraform's names are all lower case). Anything else is Unknown, never an error.

use super::value::{Kind, PStr, Piece, Value, MAX_STRING};
use super::{Evaluator, Scope};
use crate::ir::{Dialect, Expr};
use crate::source::Span;

pub fn call(ev: &Evaluator, scope: &Scope, dialect: Dialect, name: &str, args: &[Expr], span: Span) -> Value {
    let args: Vec<Value> = args.iter().map(|a| ev.eval(scope, a)).collect();
    if ev.strict && name == "try" {
        // Deciding whether something exists, an argument that is not known offline may or
        // may not be an error: only a missing attribute of a known value falls through.
        if let Some(first) = args
            .iter()
            .find(|v| !matches!(&v.kind, Kind::Unknown(why) if why == super::NO_SUCH_ELEMENT))
        {
            if first.is_unknown() {
                return first.clone();
            }
        }
    }
    if name.eq_ignore_ascii_case("readEnvironmentVariable") && dialect == Dialect::Bicep {
        // `.bicepparam`: read when deploying. Its default stands in for it as a default
        // does, except where existence is decided.
        return match args.get(1) {
            Some(d) if !ev.strict && !d.is_unknown() => d.clone(),
            _ => Value::unknown(
                "an environment variable is read when the parameter file is deployed",
                span,
            ),
        };
    }
    // Over value sets, per combination of candidates — except where a value set is just an
    // element of the collection being built (`createArray`, a `createObject` value): it stays
    // one element instead of multiplying the whole collection.
    let lname = name.to_ascii_lowercase();
    let lifted: Vec<bool> = (0..args.len())
        .map(|i| match lname.as_str() {
            "createarray" | "list" | "tolist" | "toset" => false,
            "createobject" => i % 2 == 0,
            _ => true,
        })
        .collect();
    let out = if lifted.iter().all(|l| *l) {
        super::lift(args, span, |args| call_values(dialect, name, args.to_vec(), span))
    } else {
        let (set_args, kept): (Vec<_>, Vec<_>) = args.into_iter().zip(&lifted).partition(|(_, l)| **l);
        let kept: Vec<(usize, Value)> = kept
            .into_iter()
            .map(|(v, _)| v)
            .zip(lifted.iter().enumerate().filter(|(_, l)| !**l).map(|(i, _)| i))
            .map(|(v, i)| (i, v))
            .collect();
        let set_positions: Vec<usize> = lifted.iter().enumerate().filter(|(_, l)| **l).map(|(i, _)| i).collect();
        let set_args: Vec<Value> = set_args.into_iter().map(|(v, _)| v).collect();
        super::lift(set_args, span, |picked| {
            let mut all: Vec<(usize, Value)> = kept.clone();
            all.extend(set_positions.iter().copied().zip(picked.iter().cloned()));
            all.sort_by_key(|(i, _)| *i);
            call_values(dialect, name, all.into_iter().map(|(_, v)| v).collect(), span)
        })
    };
    // What a function builds costs what it weighs (`range`, `split`, `flatten`, strings);
    // inputs whose result would be too large are refused before building it.
    if ev.budget.charge_value(&out) {
        out
    } else {
        Value::unknown(super::budget::EXCEEDED, span)
    }
}

/// A function applied to already evaluated arguments.
pub fn call_values(dialect: Dialect, name: &str, args: Vec<Value>, span: Span) -> Value {
    let lname = name.to_ascii_lowercase();
    let unknown = || Value::unknown(format!("result of `{name}()` is not known"), span);
    let arg = |i: usize| args.get(i);
    let out = match lname.as_str() {
        "lower" | "tolower" => arg(0)
            .and_then(|v| v.as_pstr())
            .map(|s| str_val(s.map_lit(|x| x.to_lowercase()), span)),
        "upper" | "toupper" => arg(0)
            .and_then(|v| v.as_pstr())
            .map(|s| str_val(s.map_lit(|x| x.to_uppercase()), span)),
        "trimspace" | "trim" if args.len() == 1 => arg(0).and_then(|v| v.as_str()).map(|s| lit(s.trim(), span)),
        "tostring" | "string" => arg(0).and_then(|v| match &v.kind {
            Kind::Str(_) | Kind::Number(_) | Kind::Bool(_) => v.as_pstr().map(|s| str_val(s, span)),
            _ => None,
        }),
        "tobool" | "bool" => arg(0)
            .and_then(|v| v.as_bool())
            .map(|b| Value::new(Kind::Bool(b), span)),
        "tonumber" | "int" => arg(0)
            .and_then(|v| match &v.kind {
                Kind::Number(n) => Some(*n),
                _ => v.as_str()?.trim().parse().ok(),
            })
            .map(|n| Value::new(Kind::Number(n), span)),
        "format" => format(dialect, &args, span),
        "replace" => {
            let (s, from, to) = (
                arg(0).and_then(|v| v.as_str()),
                arg(1).and_then(|v| v.as_str()),
                arg(2).and_then(|v| v.as_str()),
            );
            match (s, from, to) {
                // Terraform treats a `/…/` pattern as a regular expression: not evaluated.
                (Some(s), Some(f), Some(t))
                    if !(f.is_empty()
                        || dialect == Dialect::Terraform && f.len() > 1 && f.starts_with('/') && f.ends_with('/')) =>
                {
                    // The size is known before building: a 1 MB string with every byte
                    // replaced by 1 MB must not be built to find out it is too long.
                    (replaced_len(&s, &f, &t) <= MAX_STRING).then(|| lit(&s.replace(&f, &t), span))
                }
                // A partially known string (`resourceId(…)` with an unknown subscription):
                // replace inside its literal pieces. A match that would straddle an unknown
                // piece cannot be seen, which is as much as can be known offline.
                (None, Some(f), Some(t)) if !(f.is_empty() || dialect == Dialect::Terraform && f.starts_with('/')) => {
                    match arg(0).map(|v| &v.kind) {
                        Some(Kind::Str(p)) => {
                            let len: usize =
                                p.0.iter()
                                    .map(|piece| match piece {
                                        Piece::Lit(x) => replaced_len(x, &f, &t),
                                        _ => 16,
                                    })
                                    .sum();
                            (len <= MAX_STRING).then(|| str_val(p.clone().map_lit(|x| x.replace(&f, &t)), span))
                        }
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        "join" => {
            // Terraform join(sep, list); ARM join(array, sep).
            let (sep, list) = if dialect == Dialect::Terraform {
                (arg(0), arg(1))
            } else {
                (arg(1), arg(0))
            };
            match (sep.and_then(|s| s.as_str()), list.and_then(|l| l.as_array())) {
                (Some(sep), Some(items))
                    if items
                        .iter()
                        .map(|i| i.as_pstr().map_or(16, |p| p.lit_len()) + sep.len())
                        .sum::<usize>()
                        <= MAX_STRING =>
                {
                    let mut out = PStr::default();
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(Piece::Lit(sep.clone()));
                        }
                        out.append(item.as_pstr().unwrap_or_else(PStr::unknown));
                    }
                    Some(str_val(out, span))
                }
                _ => None,
            }
        }
        "split" => {
            let (sep, s) = if dialect == Dialect::Terraform {
                (arg(0), arg(1))
            } else {
                (arg(1), arg(0))
            };
            match (sep.and_then(|v| v.as_str()), s.and_then(|v| v.as_str())) {
                (Some(sep), Some(s)) if !sep.is_empty() => Some(Value::new(
                    Kind::Array(s.split(sep.as_str()).map(|p| lit(p, span)).collect()),
                    span,
                )),
                _ => None,
            }
        }
        "concat" => concat(&args, span),
        "coalesce" => args
            .iter()
            .find(|v| {
                !(matches!(v.kind, Kind::Null) || dialect == Dialect::Terraform && v.as_str().as_deref() == Some(""))
            })
            .and_then(|v| (!v.is_unknown()).then(|| v.clone())),
        // The first argument that is known: an argument that is not known is taken to be
        // the error `try` guards against, so the fallback — the module author's default for
        // an optional attribute — applies, as values come from defaults. (Existence does
        // not: a strict evaluation keeps it Unknown, see `call`.)
        "try" => args.iter().find(|v| !v.is_unknown()).cloned(),
        "lookup" => match (arg(0), arg(1).and_then(|k| k.as_str())) {
            (
                Some(
                    m @ Value {
                        kind: Kind::Object(_), ..
                    },
                ),
                Some(k),
            ) => m.get(&k).cloned().or_else(|| arg(2).cloned()),
            _ => None,
        },
        "merge" | "union" if args.iter().all(|a| matches!(a.kind, Kind::Object(_))) => {
            Some(Value::new(Kind::Object(merge_fields(args.iter())), span))
        }
        // ARM `shallowMerge([obj1, obj2, …])`: later objects' top-level fields win.
        "shallowmerge" if dialect != Dialect::Terraform => match arg(0).map(|v| &v.kind) {
            // Objects that are value sets (`if(c, {…}, {})` with `c` not known) merge per
            // combination of their candidates.
            Some(Kind::Array(items)) => Some(super::lift(items.clone(), span, |items| {
                if items.iter().all(|i| matches!(i.kind, Kind::Object(_) | Kind::Null)) {
                    Value::new(Kind::Object(merge_fields(items.iter())), span)
                } else {
                    Value::unknown("result of `shallowMerge()` is not known", span)
                }
            })),
            _ => None,
        },
        "toset" | "tolist" | "distinct" => arg(0).filter(|v| matches!(v.kind, Kind::Array(_))).cloned(),
        "flatten" => arg(0).and_then(|v| v.as_array()).and_then(|items| {
            let mut out = Vec::new();
            for i in items {
                match &i.kind {
                    Kind::Array(inner) => out.extend(inner.iter().cloned()),
                    Kind::Unknown(_) => return None,
                    _ => out.push(i.clone()),
                }
            }
            Some(Value::new(Kind::Array(out), span))
        }),
        "compact" => arg(0).and_then(|v| v.as_array()).map(|items| {
            Value::new(
                Kind::Array(
                    items
                        .iter()
                        .filter(|i| !matches!(i.kind, Kind::Null) && i.as_str().as_deref() != Some(""))
                        .cloned()
                        .collect(),
                ),
                span,
            )
        }),
        "element" => match (arg(0).and_then(|v| v.as_array()), arg(1).map(|v| &v.kind)) {
            (Some(items), Some(Kind::Number(n))) if !items.is_empty() && *n >= 0.0 => {
                items.get(*n as usize % items.len()).cloned()
            }
            _ => None,
        },
        "length" => arg(0)
            .and_then(|v| match &v.kind {
                Kind::Array(i) => Some(i.len()),
                Kind::Object(f) => Some(f.len()),
                Kind::Str(s) => s.as_lit().map(|s| s.chars().count()),
                _ => None,
            })
            .map(|n| Value::new(Kind::Number(n as f64), span)),
        "contains" => match (arg(0), arg(1)) {
            (
                Some(Value {
                    kind: Kind::Array(items),
                    ..
                }),
                Some(x),
            ) => {
                let mut unknown = false;
                let mut found = false;
                for i in items {
                    match super::equal(i, x) {
                        Some(true) => found = true,
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                (found || !unknown).then(|| Value::new(Kind::Bool(found), span))
            }
            (Some(s), Some(x)) => match (s.as_str(), x.as_str()) {
                (Some(s), Some(x)) => Some(Value::new(Kind::Bool(s.contains(&x)), span)),
                _ => None,
            },
            _ => None,
        },
        "equals" => match (arg(0), arg(1)) {
            (Some(a), Some(b)) => super::equal(a, b).map(|e| Value::new(Kind::Bool(e), span)),
            _ => None,
        },
        "not" => arg(0)
            .and_then(|v| v.as_bool())
            .map(|b| Value::new(Kind::Bool(!b), span)),
        "and" | "or" => {
            let bools: Option<Vec<bool>> = args.iter().map(|a| a.as_bool()).collect();
            bools.map(|b| {
                Value::new(
                    Kind::Bool(if lname == "and" {
                        b.iter().all(|x| *x)
                    } else {
                        b.iter().any(|x| *x)
                    }),
                    span,
                )
            })
        }
        "if" => match arg(0).and_then(|c| c.as_bool()) {
            Some(true) => arg(1).cloned(),
            Some(false) => arg(2).cloned(),
            None => None,
        },
        "createarray" | "list" => Some(Value::new(Kind::Array(args.clone()), span)),
        // ARM template functions (also Bicep's, which compiles to them).
        "resourceid" | "subscriptionresourceid" | "tenantresourceid" | "extensionresourceid"
            if dialect != Dialect::Terraform =>
        {
            resource_id(&lname, &args, span)
        }
        "createobject" if dialect != Dialect::Terraform && args.len() % 2 == 0 => {
            let fields: Option<Vec<(String, Value)>> = args
                .chunks(2)
                .map(|pair| Some((pair[0].as_str()?, pair[1].clone())))
                .collect();
            fields.map(|f| Value::new(Kind::Object(f), span))
        }
        "json" if dialect != Dialect::Terraform => arg(0).and_then(|v| v.as_str()).and_then(|s| {
            serde_json::from_str::<serde_json::Value>(&s)
                .ok()
                .map(|j| from_json(&j, span))
        }),
        "null" if dialect != Dialect::Terraform => Some(Value::new(Kind::Null, span)),
        "true" if dialect != Dialect::Terraform => Some(Value::new(Kind::Bool(true), span)),
        "false" if dialect != Dialect::Terraform => Some(Value::new(Kind::Bool(false), span)),
        "first" => arg(0).and_then(|v| match &v.kind {
            Kind::Array(items) => items.first().cloned(),
            Kind::Str(s) => s.as_lit().map(|s| lit(&s.chars().take(1).collect::<String>(), span)),
            _ => None,
        }),
        "last" => arg(0).and_then(|v| match &v.kind {
            Kind::Array(items) => items.last().cloned(),
            Kind::Str(s) => s
                .as_lit()
                .map(|s| lit(&s.chars().last().map(String::from).unwrap_or_default(), span)),
            _ => None,
        }),
        "startswith" | "endswith" => match (arg(0).and_then(|v| v.as_str()), arg(1).and_then(|v| v.as_str())) {
            (Some(a), Some(b)) => {
                let (a, b) = (a.to_lowercase(), b.to_lowercase());
                Some(Value::new(
                    Kind::Bool(if lname == "startswith" {
                        a.starts_with(&b)
                    } else {
                        a.ends_with(&b)
                    }),
                    span,
                ))
            }
            _ => None,
        },
        // ARM `range(startIndex, count)` (Terraform's `range` has other arguments).
        "range" if dialect != Dialect::Terraform => match (arg(0).map(|v| &v.kind), arg(1).map(|v| &v.kind)) {
            (Some(Kind::Number(start)), Some(Kind::Number(count)))
                if *count >= 0.0 && *count <= super::MAX_ITEMS as f64 && start.fract() == 0.0 =>
            {
                let items = (0..*count as usize)
                    .map(|i| Value::new(Kind::Number(start + i as f64), span))
                    .collect();
                Some(Value::new(Kind::Array(items), span))
            }
            _ => None,
        },
        // ARM `tryGet(object, key)`: the field, or null when it is absent.
        "tryget" if dialect != Dialect::Terraform => match (arg(0), arg(1).and_then(|k| k.as_str())) {
            (
                Some(
                    o @ Value {
                        kind: Kind::Object(_), ..
                    },
                ),
                Some(k),
            ) => Some(o.get(&k).cloned().unwrap_or_else(|| Value::new(Kind::Null, span))),
            (Some(Value { kind: Kind::Null, .. }), Some(_)) => Some(Value::new(Kind::Null, span)),
            _ => None,
        },
        "greater" | "greaterorequals" | "less" | "lessorequals" | "add" | "sub" | "mul" | "div" | "mod"
            if dialect != Dialect::Terraform =>
        {
            match (arg(0).map(|v| &v.kind), arg(1).map(|v| &v.kind)) {
                (Some(Kind::Number(a)), Some(Kind::Number(b))) => {
                    let (a, b) = (*a, *b);
                    let kind = match lname.as_str() {
                        "greater" => Some(Kind::Bool(a > b)),
                        "greaterorequals" => Some(Kind::Bool(a >= b)),
                        "less" => Some(Kind::Bool(a < b)),
                        "lessorequals" => Some(Kind::Bool(a <= b)),
                        "add" => Some(Kind::Number(a + b)),
                        "sub" => Some(Kind::Number(a - b)),
                        "mul" => Some(Kind::Number(a * b)),
                        // ARM integer division and remainder.
                        "div" if b != 0.0 => Some(Kind::Number((a / b).trunc())),
                        "mod" if b != 0.0 => Some(Kind::Number(a % b)),
                        _ => None,
                    };
                    kind.map(|k| Value::new(k, span))
                }
                _ => None,
            }
        }
        "empty" => arg(0)
            .and_then(|v| match &v.kind {
                Kind::Array(i) => Some(i.is_empty()),
                Kind::Object(f) => Some(f.is_empty()),
                Kind::Null => Some(true),
                Kind::Str(s) => s.as_lit().map(|s| s.is_empty()),
                _ => None,
            })
            .map(|b| Value::new(Kind::Bool(b), span)),
        _ => None,
    };
    match out {
        Some(mut v) => {
            // A function result is "written" at the call; keep the hops of its first input.
            // Not for collection builders: their elements keep their own hops, and a hop on
            // the whole collection would be reported for every element read out of it.
            let builds_collection = matches!(
                lname.as_str(),
                "createobject" | "createarray" | "list" | "shallowmerge" | "union" | "merge" | "concat"
            ) && matches!(v.kind, Kind::Object(_) | Kind::Array(_));
            if v.origin.via.is_empty() && !builds_collection {
                if let Some(first) = args.iter().find(|a| !a.origin.via.is_empty()) {
                    v.origin.via = first.origin.via.clone();
                }
            }
            v
        }
        None => unknown(),
    }
}

/// The length of `s.replace(from, to)`, without building it (`from` is not empty).
fn replaced_len(s: &str, from: &str, to: &str) -> usize {
    let n = s.matches(from).count();
    (s.len() - n * from.len()).saturating_add(n.saturating_mul(to.len()))
}

/// The fields of objects merged left to right: a later object's field replaces an earlier
/// one in place. Linear: an index by key, not a search per field.
fn merge_fields<'v>(objects: impl Iterator<Item = &'v Value>) -> Vec<(String, Value)> {
    let mut fields: Vec<(String, Value)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for o in objects {
        if let Kind::Object(fs) = &o.kind {
            for (k, v) in fs {
                match at.get(k) {
                    Some(&i) => fields[i].1 = v.clone(),
                    None => {
                        at.insert(k.clone(), fields.len());
                        fields.push((k.clone(), v.clone()));
                    }
                }
            }
        }
    }
    fields
}

/// `resourceId([subscriptionId], [resourceGroupName], type, name1, name2, …)` as a
/// partially known id: `/subscriptions/…/resourceGroups/…/providers/<type>/<name1>/<child>/<name2>`.
/// The model recognises account ids and role definition ids in this written-out form.
fn resource_id(fname: &str, args: &[Value], span: Span) -> Option<Value> {
    // The type is the first argument that contains a '/' (the optional subscription and
    // resource group come before it).
    let type_pos = args.iter().position(|a| a.as_str().is_some_and(|s| s.contains('/')))?;
    let rtype = args[type_pos].as_str()?;
    let names = &args[type_pos + 1..];
    let segments: Vec<&str> = rtype.split('/').collect();
    if segments.len() < 2 || names.len() != segments.len() - 1 {
        return None;
    }
    let mut id = PStr::default();
    match fname {
        "tenantresourceid" => {}
        "subscriptionresourceid" => {
            id.push(Piece::Lit("/subscriptions/".into()));
            id.append(
                args.first()
                    .filter(|_| type_pos > 0)
                    .and_then(|a| a.as_pstr())
                    .unwrap_or_else(PStr::unknown),
            );
        }
        "extensionresourceid" => {
            id.append(args.first().and_then(|a| a.as_pstr()).unwrap_or_else(PStr::unknown));
        }
        _ => {
            let (sub, rg) = match type_pos {
                2 => (args[0].as_pstr(), args[1].as_pstr()),
                1 => (None, args[0].as_pstr()),
                _ => (None, None),
            };
            id.push(Piece::Lit("/subscriptions/".into()));
            id.append(sub.unwrap_or_else(PStr::unknown));
            id.push(Piece::Lit("/resourceGroups/".into()));
            id.append(rg.unwrap_or_else(PStr::unknown));
        }
    }
    id.push(Piece::Lit(format!("/providers/{}/{}", segments[0], segments[1])));
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            id.push(Piece::Lit(format!("/{}", segments[i + 1])));
        }
        id.push(Piece::Lit("/".into()));
        id.append(name.as_pstr().unwrap_or_else(PStr::unknown));
    }
    Some(str_val(id, span))
}

/// A JSON value as an evaluated value (for ARM `json()` and parameter files).
pub fn from_json(j: &serde_json::Value, span: Span) -> Value {
    let kind = match j {
        serde_json::Value::Null => Kind::Null,
        serde_json::Value::Bool(b) => Kind::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_f64()
            .map_or(Kind::Unknown("number out of range".into()), Kind::Number),
        serde_json::Value::String(s) => Kind::Str(PStr::lit(s.clone())),
        serde_json::Value::Array(items) => Kind::Array(items.iter().map(|i| from_json(i, span)).collect()),
        serde_json::Value::Object(m) => Kind::Object(m.iter().map(|(k, v)| (k.clone(), from_json(v, span))).collect()),
    };
    Value::new(kind, span)
}

fn lit(s: &str, span: Span) -> Value {
    Value::new(Kind::Str(PStr::lit(s)), span)
}

fn str_val(s: PStr, span: Span) -> Value {
    Value::new(Kind::Str(s), span)
}

fn concat(args: &[Value], span: Span) -> Option<Value> {
    if args.iter().all(|a| matches!(a.kind, Kind::Array(_))) && !args.is_empty() {
        let mut out = Vec::new();
        for a in args {
            if let Kind::Array(items) = &a.kind {
                out.extend(items.iter().cloned());
            }
        }
        return Some(Value::new(Kind::Array(out), span));
    }
    let mut s = PStr::default();
    for a in args {
        match (&a.kind, a.as_pstr()) {
            (Kind::Array(_) | Kind::Object(_) | Kind::Null, _) => return None,
            (_, Some(p)) => s.append(p),
            (_, None) => s.push(Piece::Unknown),
        }
        if s.lit_len() > MAX_STRING {
            return None;
        }
    }
    Some(str_val(s, span))
}

/// Terraform's printf-style `format("%s/dbs/%s", a, b)` and ARM/Bicep's .NET-style
/// `format('{0}/dbs/{1}', a, b)`, over partially known arguments.
fn format(dialect: Dialect, args: &[Value], span: Span) -> Option<Value> {
    let fmt = args.first()?.as_str()?;
    let rest = &args[1..];
    let piece = |i: usize| -> PStr { rest.get(i).and_then(|v| v.as_pstr()).unwrap_or_else(PStr::unknown) };
    let mut out = PStr::default();
    let mut lit_buf = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next_arg = 0usize;
    while let Some(c) = chars.next() {
        if dialect == Dialect::Terraform && c == '%' {
            match chars.next() {
                Some('%') => lit_buf.push('%'),
                Some(first) => {
                    // Skip flags/width of a verb such as %5.2f; the verb letter ends it and
                    // is consumed with it (for %s it is `first` itself).
                    if !first.is_ascii_alphabetic() {
                        for n in chars.by_ref() {
                            if n.is_ascii_alphabetic() {
                                break;
                            }
                        }
                    }
                    out.push(Piece::Lit(std::mem::take(&mut lit_buf)));
                    out.append(piece(next_arg));
                    next_arg += 1;
                }
                None => lit_buf.push('%'),
            }
        } else if dialect != Dialect::Terraform && c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                lit_buf.push('{');
                continue;
            }
            let mut idx = String::new();
            for n in chars.by_ref() {
                if n == '}' {
                    break;
                }
                idx.push(n);
            }
            let n: usize = idx.split(':').next()?.trim().parse().ok()?;
            out.push(Piece::Lit(std::mem::take(&mut lit_buf)));
            out.append(piece(n));
        } else if dialect != Dialect::Terraform && c == '}' && chars.peek() == Some(&'}') {
            chars.next();
            lit_buf.push('}');
        } else {
            lit_buf.push(c);
        }
        if lit_buf.len() + out.lit_len() > MAX_STRING {
            return None;
        }
    }
    out.push(Piece::Lit(lit_buf));
    Some(str_val(out, span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn s(x: &str) -> Value {
        lit(x, Span::new(FileId(0), 0..0))
    }

    #[test]
    fn terraform_and_dotnet_format() {
        let sp = Span::new(FileId(0), 0..0);
        let v = format(
            Dialect::Terraform,
            &[s("%s/dbs/%s"), s("acc"), Value::unknown("x", sp)],
            sp,
        )
        .unwrap();
        let Kind::Str(p) = v.kind else { panic!() };
        assert_eq!(p.0, vec![Piece::Lit("acc/dbs/".into()), Piece::Unknown]);
        let v = format(Dialect::Arm, &[s("{0}/colls/{1}{{x}}"), s("db"), s("c")], sp).unwrap();
        assert_eq!(v.as_str().as_deref(), Some("db/colls/c{x}"));
    }

    #[test]
    fn resource_ids_are_written_out() {
        let sp = Span::new(FileId(0), 0..0);
        let v = resource_id(
            "resourceid",
            &[
                s("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions"),
                s("acc"),
                s("00000000-0000-0000-0000-000000000002"),
            ],
            sp,
        )
        .unwrap();
        let Kind::Str(p) = v.kind else { panic!() };
        assert_eq!(
            p.to_string(),
            "/subscriptions/${…}/resourceGroups/${…}/providers/Microsoft.DocumentDB/databaseAccounts/acc/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
        );
        let v = resource_id(
            "resourceid",
            &[s("rg"), s("Microsoft.DocumentDB/databaseAccounts"), s("acc")],
            sp,
        )
        .unwrap();
        assert_eq!(
            v.as_pstr().unwrap().to_string(),
            "/subscriptions/${…}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc"
        );
        assert!(resource_id("resourceid", &[s("Microsoft.DocumentDB/databaseAccounts")], sp).is_none());
    }

    fn arm(name: &str, args: &[Value]) -> Value {
        call_values(Dialect::Arm, name, args.to_vec(), Span::new(FileId(0), 0..0))
    }

    fn n(x: f64) -> Value {
        Value::new(Kind::Number(x), Span::new(FileId(0), 0..0))
    }

    #[test]
    fn replace_and_shallow_merge() {
        let sp = Span::new(FileId(0), 0..0);
        let partial = Value::new(
            Kind::Str(PStr(vec![
                Piece::Unknown,
                Piece::Lit("/databaseAccounts/a/sqlDatabases/db".into()),
            ])),
            sp,
        );
        let replaced = arm("replace", &[partial, s("/sqlDatabases/"), s("/dbs/")]);
        assert_eq!(
            replaced.as_pstr().unwrap().to_string(),
            "${…}/databaseAccounts/a/dbs/db"
        );
        let a = Value::new(Kind::Object(vec![("x".into(), s("1")), ("y".into(), s("1"))]), sp);
        let b = Value::new(Kind::Object(vec![("y".into(), s("2"))]), sp);
        let merged = arm("shallowMerge", &[Value::new(Kind::Array(vec![a, b]), sp)]);
        assert_eq!(merged.get("x").and_then(|v| v.as_str()).as_deref(), Some("1"));
        assert_eq!(merged.get("y").and_then(|v| v.as_str()).as_deref(), Some("2"));
    }

    #[test]
    fn built_collections_do_not_take_the_hops_of_an_argument() {
        let sp = Span::new(FileId(0), 0..0);
        let from_param = s("x").via(sp, "default of parameter `p`");
        let obj = arm("createObject", &[s("a"), from_param.clone(), s("b"), s("plain")]);
        assert!(obj.origin.via.is_empty());
        assert_eq!(obj.get("a").unwrap().origin.via.len(), 1);
        assert!(obj.get("b").unwrap().origin.via.is_empty());
        // A scalar result still says where its input came from.
        assert_eq!(arm("toLower", &[from_param]).origin.via.len(), 1);
    }

    #[test]
    fn arm_range_try_get_comparisons_and_arithmetic() {
        let r = arm("range", &[n(2.0), n(3.0)]);
        let items: Vec<String> = r.as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(items, ["2", "3", "4"]);
        assert!(arm("range", &[n(0.0), n(1e9)]).is_unknown());
        let obj = Value::new(Kind::Object(vec![("a".into(), s("x"))]), Span::new(FileId(0), 0..0));
        assert_eq!(arm("tryGet", &[obj.clone(), s("a")]).as_str().as_deref(), Some("x"));
        assert!(matches!(arm("tryGet", &[obj, s("b")]).kind, Kind::Null));
        assert_eq!(arm("greater", &[n(2.0), n(1.0)]).as_bool(), Some(true));
        assert_eq!(arm("lessOrEquals", &[n(2.0), n(1.0)]).as_bool(), Some(false));
        assert_eq!(arm("div", &[n(7.0), n(2.0)]).as_str().as_deref(), Some("3"));
        assert!(arm("div", &[n(7.0), n(0.0)]).is_unknown());
        assert_eq!(arm("add", &[n(7.0), n(2.0)]).as_str().as_deref(), Some("9"));
    }

    #[test]
    fn concat_of_strings_keeps_unknown_holes() {
        let sp = Span::new(FileId(0), 0..0);
        let v = concat(&[s("a"), Value::unknown("x", sp), s("/dbs/")], sp).unwrap();
        let Kind::Str(p) = v.kind else { panic!() };
        assert_eq!(
            p.0,
            vec![Piece::Lit("a".into()), Piece::Unknown, Piece::Lit("/dbs/".into())]
        );
    }
}
