//! What could be deployed: one definition of existence and instances for all dialects.
//!
//! A resource or module call has *gates*, outermost first: conditions (Bicep `if`, ARM
//! `condition`), counts (Terraform `count`, ARM `copy.count`) and loops (Terraform
//! `for_each`, Bicep `for`). [`expand`] turns them into the instances that may exist:
//!
//! - A gate whose value is known opens one instance per element (`count.index`,
//!   `each.key`/`each.value`, the Bicep loop item and index, `copyIndex()` are bound in
//!   each), or none for a false condition, a count of 0 or an empty collection.
//! - "None" is honoured only when no input's *default* decides it. The gate is evaluated a
//!   second time in strict mode ([`Evaluator::strict`]), where an input nobody set (tfvars,
//!   `--var`, `.bicepparam`, a parameter file, a module caller's argument that is itself
//!   not default-driven) is Unknown instead of its default. Still none: the resource is
//!   not deployed, and [`Expansion::skipped`] says why (listed by `--show-unresolved`).
//!   Otherwise it is *possibly deployed*: one abstract instance (loop values Unknown) is
//!   checked, and a label on the gate says which defaults decide.
//! - A gate whose value is not known offline also opens one abstract instance, labelled.
//!
//! Values inside an instance still come from defaults: a secure default is honoured (the
//! author chose it); only existence is not taken from a default.

use super::value::{Kind, PStr, Value, Via};
use super::{Evaluator, Scope, MAX_ITEMS};
use crate::ir::Expr;
use crate::source::Span;

/// Instances of one resource that are evaluated at most; past it the rest are listed as
/// not checked.
pub const MAX_INSTANCES: usize = crate::limits::MAX_RESOURCE_INSTANCES;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GateKind {
    /// Bicep `if (…)`, ARM `condition`.
    If,
    /// Terraform `count`: binds `count.index`.
    Count,
    /// Terraform `for_each` over a map or a set of strings: binds `each.key`, `each.value`.
    ForEach,
    /// Bicep `[for (item, index) in collection: …]`.
    Loop { item: String, index: Option<String> },
    /// ARM `copy` with this loop name: binds `copyIndex()` and `copyIndex('name')`.
    Copy { name: String },
}

/// One condition, count or loop, and the template scope (module instance) it is
/// evaluated in.
#[derive(Clone, Debug)]
pub struct Gate {
    pub kind: GateKind,
    pub expr: Expr,
    pub instance: u32,
}

/// One instance that may be deployed.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    /// Appended to the address: `["team-a"]`, `[0]`; empty for the only instance.
    pub key: String,
    /// `each`, `count`, loop variables, copy indices.
    pub bindings: Vec<(String, Value)>,
    /// Why it may not exist: labels on the gates that a default or an unknown decides.
    pub labels: Vec<Via>,
}

/// An instance (or all of them) that is not deployed with these inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct NotDeployed {
    /// The instance key (empty: the whole resource).
    pub key: String,
    /// The gate that decides it.
    pub span: Span,
    pub why: String,
}

#[derive(Clone, Debug, Default)]
pub struct Expansion {
    pub instances: Vec<Instance>,
    pub skipped: Vec<NotDeployed>,
    /// Gates with more instances than [`MAX_INSTANCES`]: where, and what was left out.
    pub truncated: Vec<(Span, String)>,
}

/// The scope binding holding the index of ARM copy loop `name` (`""`: the innermost
/// resource or deployment loop, what `copyIndex()` without a name reads).
pub fn copy_binding(name: &str) -> String {
    format!("copyIndex:{}", name.to_ascii_lowercase())
}

/// An input a strict evaluation read: its name as written (`var.enabled`, parameter
/// `deploy`), and who set it (`None`: nobody, only its default decides).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputUse {
    pub name: String,
    pub set_by: Option<String>,
}

/// Instances a gate opens: (key, bindings) each.
type Items = Vec<(String, Vec<(String, Value)>)>;

/// What a gate's value says.
enum Decision {
    Items(Items),
    /// Instances that exist only under conditions: the value is a value set some of whose
    /// candidates open nothing; the text says when they exist ("when `x` is true").
    Partial(Items, String),
    /// No instance; the text says which (`the condition is false`).
    None(&'static str),
    Unknown(String),
}

/// "when `a` is true and when `b` is false" for one candidate.
fn whens_of(v: &Value) -> String {
    v.whens().map(|w| w.label.as_str()).collect::<Vec<_>>().join(" and ")
}

/// [`decide`] over a value set: instances where some candidate opens them.
fn decide_set(kind: &GateKind, v: &Value) -> Decision {
    let Kind::Choice(cands) = &v.kind else {
        return decide(kind, v);
    };
    let mut best: Option<Items> = None;
    let mut when = Vec::new();
    let mut all_open = true;
    let mut none_what = None;
    let mut unknown = None;
    for c in cands {
        match decide(kind, c) {
            Decision::Items(items) | Decision::Partial(items, _) => {
                when.push(whens_of(c));
                if best.as_ref().is_none_or(|b| items.len() > b.len()) {
                    best = Some(items);
                }
            }
            Decision::None(what) => {
                all_open = false;
                none_what.get_or_insert(what);
            }
            Decision::Unknown(why) => {
                all_open = false;
                unknown.get_or_insert(why);
            }
        }
    }
    match (best, none_what, unknown) {
        (Some(items), _, _) if all_open => Decision::Items(items),
        (Some(items), _, _) => Decision::Partial(items, when.join(", or ")),
        (None, Some(what), None) => Decision::None(what),
        (None, _, Some(why)) => Decision::Unknown(why),
        (None, None, None) => Decision::Unknown("no candidate value".into()),
    }
}

fn number(v: &Value) -> Option<f64> {
    match &v.kind {
        Kind::Number(n) => Some(*n),
        Kind::Str(_) => v.as_str()?.trim().parse().ok(),
        _ => None,
    }
}

fn obj(fields: Vec<(&str, Value)>, span: Span) -> Value {
    Value::new(
        Kind::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        span,
    )
}

fn decide(kind: &GateKind, v: &Value) -> Decision {
    let span = v.origin.span;
    let num = |n: usize| Value::new(Kind::Number(n as f64), span);
    let unknown_why = || match &v.kind {
        Kind::Unknown(w) => w.clone(),
        _ => format!("{} is not the expected type", v.describe()),
    };
    match kind {
        GateKind::If => match v.as_bool() {
            Some(true) => Decision::Items(vec![(String::new(), Vec::new())]),
            Some(false) => Decision::None("the condition is false"),
            None => Decision::Unknown(unknown_why()),
        },
        GateKind::Count | GateKind::Copy { .. } => match number(v) {
            Some(n) if n <= 0.0 => Decision::None(if *kind == GateKind::Count {
                "`count` is 0"
            } else {
                "the copy count is 0"
            }),
            Some(n) if n.fract() == 0.0 && n <= MAX_ITEMS as f64 => Decision::Items(
                (0..n as usize)
                    .map(|i| {
                        let b = match kind {
                            GateKind::Copy { name } => {
                                vec![(copy_binding(name), num(i)), (copy_binding(""), num(i))]
                            }
                            _ => vec![("count".to_string(), obj(vec![("index", num(i))], span))],
                        };
                        (format!("[{i}]"), b)
                    })
                    .collect(),
            ),
            Some(n) => Decision::Unknown(format!("a count of {n} is not evaluated")),
            None => Decision::Unknown(unknown_why()),
        },
        GateKind::ForEach => {
            let entries: Option<Vec<(String, Value)>> = match &v.kind {
                Kind::Object(fields) => {
                    // Terraform iterates a map in lexical order of its keys.
                    let mut f = fields.clone();
                    f.sort_by(|a, b| a.0.cmp(&b.0));
                    f.dedup_by(|a, b| a.0 == b.0);
                    Some(f)
                }
                // A set of strings: each.key and each.value are the element.
                Kind::Array(items) => items.iter().map(|i| Some((i.as_str()?, i.clone()))).collect(),
                _ => None,
            };
            match entries {
                Some(e) if e.is_empty() => Decision::None("`for_each` is empty"),
                Some(e) => Decision::Items(
                    e.into_iter()
                        .map(|(k, val)| {
                            let key = Value::new(Kind::Str(PStr::lit(k.clone())), val.origin.span);
                            let each = obj(vec![("key", key), ("value", val)], span);
                            (format!("[{k:?}]"), vec![("each".to_string(), each)])
                        })
                        .collect(),
                ),
                None if matches!(v.kind, Kind::Array(_)) => {
                    Decision::Unknown("`for_each` has elements that are not known strings".into())
                }
                None => Decision::Unknown(unknown_why()),
            }
        }
        GateKind::Loop { item, index } => match &v.kind {
            Kind::Array(items) if items.is_empty() => Decision::None("the loop's collection is empty"),
            Kind::Array(items) => Decision::Items(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let mut b = vec![(item.clone(), x.clone())];
                        if let Some(ix) = index {
                            b.push((ix.clone(), num(i)));
                        }
                        (format!("[{i}]"), b)
                    })
                    .collect(),
            ),
            _ => Decision::Unknown(unknown_why()),
        },
    }
}

/// The bindings of the one abstract instance of a gate that is not known: loop values are
/// Unknown, saying why.
fn abstract_bindings(kind: &GateKind, span: Span, why: &str) -> Vec<(String, Value)> {
    let u = || Value::unknown(why.to_string(), span);
    match kind {
        GateKind::If | GateKind::Copy { .. } => Vec::new(),
        GateKind::Count => vec![("count".into(), obj(vec![("index", u())], span))],
        GateKind::ForEach => vec![("each".into(), u())],
        GateKind::Loop { item, index } => {
            let mut b = vec![(item.clone(), u())];
            if let Some(ix) = index {
                b.push((ix.clone(), u()));
            }
            b
        }
    }
}

/// `` `var.a` ``, `` `var.a` and `var.b` ``, `` `var.a`, `var.b` and 3 more ``.
pub fn list_names(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match (names.len(), shown.as_slice()) {
        (0, _) => String::new(),
        (1, [a]) => a.clone(),
        (2, [a, b]) => format!("{a} and {b}"),
        (3, [a, b, c]) => format!("{a}, {b} and {c}"),
        (n, [a, b, ..]) => format!("{a}, {b} and {} more", n - 2),
        _ => String::new(),
    }
}

fn what_is_none(kind: &GateKind) -> &'static str {
    match kind {
        GateKind::If => "false",
        GateKind::Count | GateKind::Copy { .. } => "0",
        GateKind::ForEach | GateKind::Loop { .. } => "empty",
    }
}

fn gate_noun(kind: &GateKind) -> &'static str {
    match kind {
        GateKind::If => "the condition",
        GateKind::Count => "`count`",
        GateKind::Copy { .. } => "the copy count",
        GateKind::ForEach => "`for_each`",
        GateKind::Loop { .. } => "the loop's collection",
    }
}

/// The instances `gates` open below `base`. `ev` evaluates as usual, `strict` with inputs
/// nobody set left Unknown (both over the same environment).
pub fn expand(ev: &Evaluator, strict: &Evaluator, gates: &[Gate], base: Instance) -> Expansion {
    let mut out = Expansion::default();
    let mut partial = vec![base];
    for gate in gates {
        let mut next = Vec::new();
        for p in partial {
            let scope = Scope::new(gate.instance).with(p.bindings.iter().cloned());
            let v = ev.eval(&scope, &gate.expr);
            let span = gate.expr.span;
            let decision = decide_set(&gate.kind, &v);
            let extra_label = match &decision {
                Decision::Partial(_, when) => Some(format!("possibly deployed: only {when}")),
                _ => None,
            };
            match decision {
                Decision::Items(mut items) | Decision::Partial(mut items, _) => {
                    if items.len() > MAX_INSTANCES {
                        out.truncated.push((
                            span,
                            format!(
                                "{} opens {} instances; only the first {MAX_INSTANCES} are checked",
                                gate_noun(&gate.kind),
                                items.len()
                            ),
                        ));
                        items.truncate(MAX_INSTANCES);
                    }
                    for (key, bindings) in items {
                        let mut i = p.clone();
                        i.key.push_str(&key);
                        i.bindings.extend(bindings);
                        if let Some(label) = &extra_label {
                            i.labels.push(Via {
                                span,
                                label: label.clone(),
                                when: false,
                            });
                        }
                        next.push(i);
                    }
                }
                Decision::None(what) => {
                    strict.take_inputs();
                    let sv = strict.eval(&scope, &gate.expr);
                    let inputs = strict.take_inputs();
                    let defaults: Vec<String> = inputs
                        .iter()
                        .filter(|i| i.set_by.is_none())
                        .map(|i| i.name.clone())
                        .collect();
                    match decide_set(&gate.kind, &sv) {
                        Decision::None(_) => {
                            let set: Vec<String> = inputs
                                .iter()
                                .filter_map(|i| Some(format!("`{}` {}", i.name, i.set_by.as_ref()?)))
                                .collect();
                            let why = if set.is_empty() {
                                format!("{what}, and no input changes that")
                            } else {
                                format!("{what} ({})", set.join(", "))
                            };
                            out.skipped.push(NotDeployed { key: p.key, span, why });
                        }
                        strict_decision => {
                            let by = if defaults.is_empty() {
                                match &strict_decision {
                                    Decision::Unknown(why) => {
                                        format!("with values decided when it is deployed ({why})")
                                    }
                                    _ => "by defaults".to_string(),
                                }
                            } else {
                                format!("by the default of {}, which no input sets", list_names(&defaults))
                            };
                            let label = match &strict_decision {
                                // The candidates say when it is deployed.
                                Decision::Partial(_, when) => format!(
                                    "possibly deployed: only {when} ({} is {} {by})",
                                    gate_noun(&gate.kind),
                                    what_is_none(&gate.kind)
                                ),
                                _ => format!(
                                    "possibly deployed: {} is {} only {by}",
                                    gate_noun(&gate.kind),
                                    what_is_none(&gate.kind)
                                ),
                            };
                            let mut i = p;
                            i.bindings.extend(abstract_bindings(
                                &gate.kind,
                                span,
                                &format!("{} is not known: {label}", gate_noun(&gate.kind)),
                            ));
                            i.labels.push(Via {
                                span,
                                label,
                                when: false,
                            });
                            next.push(i);
                        }
                    }
                }
                Decision::Unknown(why) => {
                    let label = format!(
                        "possibly deployed: {} is not known offline ({why})",
                        gate_noun(&gate.kind)
                    );
                    let mut i = p;
                    i.bindings.extend(abstract_bindings(
                        &gate.kind,
                        span,
                        &format!("{} is not known offline", gate_noun(&gate.kind)),
                    ));
                    i.labels.push(Via {
                        span,
                        label,
                        when: false,
                    });
                    next.push(i);
                }
            }
        }
        partial = next;
    }
    out.instances = partial;
    out
}
