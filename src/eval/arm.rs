//! ARM template evaluation: parameters, variables, copy loops, nested deployments and the
//! environment functions of the template language.
//!
//! An [`ArmUnit`] is one linted template with everything inline in it. Each template scope
//! (the root, and every nested `Microsoft.Resources/deployments` with
//! `expressionEvaluationOptions.scope: inner`) is an instance with its own parameters and
//! variables; a nested template in the default `outer` scope evaluates its expressions in
//! the enclosing instance, as Azure does. Parameter values come, in increasing precedence,
//! from `defaultValue`, then from parameter files (the root only) or the deployment's
//! `properties.parameters` (evaluated in the calling instance). Each hop is recorded on the
//! value (`Value::via`), so a finding can say "set in main.parameters.json".
//!
//! Resources are flattened into [`UnitResource`]s in the ARM shape `model::arm` expects:
//! full lower-case type, child resources with `parent/child` names, `"type"` member as the
//! header. Property and variable `copy` loops lower to IR `for` expressions over
//! `range(0, count)` with `copyIndex('loop')` bound; a resource `copy` marks the resource
//! repeated and leaves `copyIndex()` Unknown (the body is checked once for all copies).
//!
//! Nothing here fails: undeclared names, cycles and deployment-time functions
//! (`reference`, `list*`, `guid`, `uniqueString`) evaluate to Unknown.

use std::borrow::Cow;
use std::collections::HashMap;

use super::exist::{copy_binding, Gate, GateKind, Instance as Instance_, NotDeployed};
use super::value::{Kind, PStr, Value, Via};
use super::{Env, Evaluator, Scope, Seg, UnitResource};
use crate::ir::{Dialect, Expr, ExprKind, Field, ForExpr, Resource, TemplatePart};
use crate::source::Span;

const DEPLOYMENTS: &str = "microsoft.resources/deployments";

/// Values for the root template's parameters from one parameter file (its root object).
pub struct ParameterFile<'d> {
    pub root: &'d Expr,
    /// "set in main.parameters.json"
    pub label: String,
}

/// A value given for a parameter.
enum Given<'d> {
    /// Evaluated in `instance`.
    Value {
        expr: &'d Expr,
        instance: u32,
        /// A deployment copy's index, bound while evaluating `expr`.
        bindings: Vec<(String, Value)>,
        label: String,
        /// From a parameter file, where `${NAME}` is the Azure Developer CLI's
        /// environment-variable substitution.
        file: bool,
    },
    /// A Key Vault reference (or anything else that is not a `value`).
    Unknowable { span: Span, why: String },
}

#[derive(Default)]
struct Instance<'d> {
    /// How its resources' addresses start: `deployment 'cosmos-1' / ` inside a copy of an
    /// `inner` deployment, empty for the root.
    prefix: String,
    /// Declarations by lower-case name: (name as written, declaration object).
    params: HashMap<String, (&'d str, &'d Expr)>,
    given: HashMap<String, Given<'d>>,
    /// Variables by lower-case name; `copy` variables are lowered to `for` expressions.
    variables: HashMap<String, (String, Cow<'d, Expr>)>,
}

/// One linted ARM template with its nested inline deployments.
pub struct ArmUnit<'d> {
    instances: Vec<Instance<'d>>,
    pub resources: Vec<UnitResource>,
    /// Nested deployments that could not be followed (linked templates), with why.
    pub skipped: Vec<(Span, String)>,
    /// Nested deployments (copies of them) not deployed with these inputs: (what, why).
    pub not_deployed: Vec<(String, NotDeployed)>,
    memo: super::Memo,
    /// The unit's evaluation budget.
    pub budget: super::Budget,
}

const PARAM: u8 = 0;
const VAR: u8 = 1;

/// Case-insensitive field of an object expression (ARM property names ignore case).
pub fn get<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &e.kind {
        ExprKind::Object(fields) => fields
            .iter()
            .rev()
            .find(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|f| &f.value),
        _ => None,
    }
}

fn get_field<'e>(e: &'e Expr, key: &str) -> Option<&'e Field> {
    match &e.kind {
        ExprKind::Object(fields) => fields
            .iter()
            .rev()
            .find(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key))),
        _ => None,
    }
}

fn fields(e: &Expr) -> &[Field] {
    match &e.kind {
        ExprKind::Object(f) => f,
        _ => &[],
    }
}

/// `{"name": n, "count": c, "input": i}` → (`n`, `[for x in range(0, c) : i]` with
/// `copyIndex('n')` bound to `x`).
fn copy_loop(entry: &Expr) -> Option<(String, Span, Expr)> {
    let name_expr = get(entry, "name")?;
    let name = name_expr.as_str()?.to_string();
    let count = get(entry, "count")?;
    let input = get(entry, "input")?;
    let collection = Expr::new(
        ExprKind::Call(
            "range".into(),
            vec![Expr::new(ExprKind::Number(0.0), count.span), count.clone()],
        ),
        count.span,
    );
    let f = ForExpr {
        key_var: None,
        value_var: copy_binding(&name),
        collection,
        key: None,
        value: input.clone(),
        cond: None,
    };
    // The array is written by its `input`: findings about its elements point there.
    let span = input.span;
    Some((name, name_expr.span, Expr::new(ExprKind::For(Box::new(f)), span)))
}

/// Replaces property `copy` arrays (`[{name, count, input}]`) below `e` by the arrays they
/// produce. A resource-level `copy` is an object, not an array, and is left alone.
fn lower_property_copies(e: &mut Expr) {
    let ExprKind::Object(fs) = &mut e.kind else {
        if let ExprKind::Array(items) = &mut e.kind {
            items.iter_mut().for_each(lower_property_copies);
        }
        return;
    };
    for f in fs.iter_mut() {
        lower_property_copies(&mut f.value);
    }
    let Some(pos) = fs
        .iter()
        .position(|f| f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("copy")))
    else {
        return;
    };
    let ExprKind::Array(entries) = &fs[pos].value.kind else {
        return;
    };
    let loops: Option<Vec<_>> = entries.iter().map(copy_loop).collect();
    let Some(loops) = loops.filter(|l| !l.is_empty()) else {
        return;
    };
    fs.remove(pos);
    for (name, key_span, value) in loops {
        fs.push(Field {
            key: Some(name),
            key_span,
            value,
        });
    }
}

/// The text of a value as written, without the quotes of a JSON string.
fn written(text: &str, e: &Expr) -> String {
    let s = text.get(e.span.range()).unwrap_or("");
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

struct Parent {
    rtype_written: String,
    name: Expr,
    name_text: String,
}

/// Conditions and loops of the enclosing resources and `outer`-scope deployments (whose
/// templates are evaluated in the enclosing instance), and the labels of the `inner`-scope
/// deployment instance this is in.
#[derive(Clone, Default)]
struct Ctx {
    gates: Vec<Gate>,
    labels: Vec<Via>,
    repeated: bool,
}

/// A resource's `copy` (`{name, count}`) as a gate.
fn copy_gate(r: &Expr, inst: u32) -> Option<Gate> {
    let copy = get(r, "copy")?;
    let name = get(copy, "name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    Some(Gate {
        kind: GateKind::Copy { name },
        expr: get(copy, "count")?.clone(),
        instance: inst,
    })
}

fn condition_gate(r: &Expr, inst: u32) -> Option<Gate> {
    Some(Gate {
        kind: GateKind::If,
        expr: get(r, "condition")?.clone(),
        instance: inst,
    })
}

struct Pending {
    instance: u32,
    resource: Resource,
    name: Expr,
    name_text: String,
    gates: Vec<Gate>,
    labels: Vec<Via>,
}

struct Builder<'d, 't> {
    text: &'t str,
    /// The unit being built: nested deployments' copy loops and conditions are evaluated
    /// while it grows (each copy of an `inner` deployment is an instance of its own).
    unit: ArmUnit<'d>,
    pending: Vec<Pending>,
}

impl<'d> Builder<'d, '_> {
    fn instance(&mut self, template: &'d Expr) -> u32 {
        let mut inst = Instance::default();
        if let Some(params) = get(template, "parameters") {
            for f in fields(params) {
                if let Some(k) = &f.key {
                    inst.params.insert(k.to_ascii_lowercase(), (k.as_str(), &f.value));
                }
            }
        }
        if let Some(vars) = get(template, "variables") {
            for f in fields(vars) {
                let Some(k) = &f.key else { continue };
                if k.eq_ignore_ascii_case("copy") {
                    if let ExprKind::Array(entries) = &f.value.kind {
                        for (name, _, e) in entries.iter().filter_map(copy_loop) {
                            inst.variables.insert(name.to_ascii_lowercase(), (name, Cow::Owned(e)));
                        }
                    }
                    continue;
                }
                inst.variables
                    .insert(k.to_ascii_lowercase(), (k.clone(), Cow::Borrowed(&f.value)));
            }
        }
        self.unit.instances.push(inst);
        (self.unit.instances.len() - 1) as u32
    }

    /// Sets parameter values of `inst` from `params` (a parameter file's or a deployment's
    /// `parameters` object), evaluated in `from` with `bindings` (a deployment copy's index).
    fn give(
        &mut self,
        inst: u32,
        params: &'d Expr,
        from: u32,
        bindings: &[(String, Value)],
        label: impl Fn(&str) -> String,
    ) {
        // Only a parameter file's values are literal; a deployment's are expressions.
        let file = bindings.is_empty() && from == inst;
        for f in fields(params) {
            let Some(k) = &f.key else { continue };
            let given = match get(&f.value, "value") {
                Some(v) => Given::Value {
                    expr: v,
                    instance: from,
                    bindings: bindings.to_vec(),
                    label: label(k),
                    file,
                },
                None => Given::Unknowable {
                    span: f.value.span,
                    why: if get(&f.value, "reference").is_some() {
                        format!("parameter `{k}` is read from Key Vault at deployment")
                    } else {
                        format!("parameter `{k}` has no `value`")
                    },
                },
            };
            self.unit.instances[inst as usize]
                .given
                .insert(k.to_ascii_lowercase(), given);
        }
    }

    fn template(&mut self, template: &'d Expr, inst: u32, ctx: &Ctx) {
        match get(template, "resources").map(|r| &r.kind) {
            Some(ExprKind::Array(items)) => {
                for r in items {
                    self.resource(r, inst, None, ctx);
                }
            }
            // languageVersion 2.0: resources keyed by symbolic name.
            Some(ExprKind::Object(fs)) => {
                for f in fs {
                    self.resource(&f.value, inst, None, ctx);
                }
            }
            _ => {}
        }
    }

    fn resource(&mut self, r: &'d Expr, inst: u32, parent: Option<&Parent>, ctx: &Ctx) {
        let Some(type_field) = get_field(r, "type") else { return };
        let Some(written_type) = type_field.value.as_str() else {
            return;
        };
        let header = type_field.key_span.cover(type_field.value.span);
        let (rtype_written, short_child) = match parent {
            Some(p) if !written_type.contains('/') => (format!("{}/{written_type}", p.rtype_written), true),
            _ => (written_type.to_string(), false),
        };
        let rtype = rtype_written.to_ascii_lowercase();
        let own_name = get(r, "name")
            .cloned()
            .unwrap_or_else(|| Expr::new(ExprKind::Opaque("resource has no name"), header));
        let own_text = written(self.text, &own_name);
        let (name, name_text) = match parent {
            Some(p) if short_child => (
                Expr::new(
                    ExprKind::Template(vec![
                        TemplatePart::Interp(p.name.clone()),
                        TemplatePart::Lit("/".into()),
                        TemplatePart::Interp(own_name.clone()),
                    ]),
                    own_name.span,
                ),
                format!("{}/{own_text}", p.name_text),
            ),
            _ => (own_name, own_text),
        };
        // Its own copy loop, then its condition (evaluated per copy: it may use copyIndex()).
        let mut own = ctx.clone();
        if let Some(g) = copy_gate(r, inst) {
            own.repeated = true;
            own.gates.push(g);
        }
        own.gates.extend(condition_gate(r, inst));
        if rtype == DEPLOYMENTS {
            self.deployment(r, inst, &name_text, &own);
            return;
        }
        // The body the model reads: children are resources of their own; property copy
        // loops become the arrays they produce; `name` is the full name.
        // Cloned without the children, so nesting does not copy a subtree once per level.
        let own_fields = fields(r)
            .iter()
            .filter(|f| !f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("resources")))
            .cloned()
            .collect();
        let mut body = Expr::new(ExprKind::Object(own_fields), r.span);
        if let ExprKind::Object(fs) = &mut body.kind {
            for f in fs.iter_mut() {
                if f.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case("name")) {
                    f.value = name.clone();
                }
            }
        }
        lower_property_copies(&mut body);
        let existing = get(r, "existing").is_some_and(|e| matches!(e.kind, ExprKind::Bool(true)));
        self.pending.push(Pending {
            instance: inst,
            resource: Resource {
                rtype: rtype.clone(),
                rtype_written: rtype_written.clone(),
                name: name_text.clone(),
                span: r.span,
                header,
                body,
                repeated: own.repeated,
                existing,
            },
            name: name.clone(),
            name_text: name_text.clone(),
            gates: own.gates.clone(),
            labels: own.labels.clone(),
        });
        if let Some(children) = get(r, "resources") {
            // A child exists only where its parent does: it inherits the parent's copy
            // loop (its name may use the parent's copyIndex()) and condition.
            let me = Parent {
                rtype_written,
                name,
                name_text,
            };
            let kids: Vec<&'d Expr> = match &children.kind {
                ExprKind::Array(items) => items.iter().collect(),
                ExprKind::Object(fs) => fs.iter().map(|f| &f.value).collect(),
                _ => Vec::new(),
            };
            for child in kids {
                self.resource(child, inst, Some(&me), &own);
            }
        }
    }

    fn deployment(&mut self, r: &'d Expr, inst: u32, name_text: &str, ctx: &Ctx) {
        let Some(props) = get(r, "properties") else { return };
        let Some(template) = get(props, "template").filter(|t| matches!(t.kind, ExprKind::Object(_))) else {
            let why = if get(props, "templateLink").is_some() {
                format!("deployment {name_text} uses a linked template, which is not read")
            } else {
                format!("deployment {name_text} has no inline template")
            };
            self.unit.skipped.push((r.span, why));
            return;
        };
        let inner_scope = get(props, "expressionEvaluationOptions")
            .and_then(|o| get(o, "scope"))
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        if !inner_scope {
            // `outer` (the default): the inner template's expressions use this template's
            // parameters and variables, and its resources carry the deployment's gates.
            self.template(template, inst, ctx);
            return;
        }
        // `inner`: each copy of the deployment is a template instance of its own, its
        // parameters evaluated in the caller with that copy's index.
        let expansion = {
            let (ev, strict) = (Evaluator::new(&self.unit), Evaluator::strict(&self.unit));
            let base = Instance_ {
                labels: ctx.labels.clone(),
                ..Default::default()
            };
            super::exist::expand(&ev, &strict, &ctx.gates, base)
        };
        for n in expansion.skipped {
            let what = format!("Microsoft.Resources/deployments {name_text}{}", n.key);
            self.unit.not_deployed.push((what, n));
        }
        for (span, why) in expansion.truncated {
            self.unit.skipped.push((span, format!("deployment {name_text}: {why}")));
        }
        for e in expansion.instances {
            if self.unit.instances.len() >= super::MAX_MODULE_INSTANCES {
                self.unit.skipped.push((
                    r.span,
                    format!(
                        "deployment {name_text} is past the limit of {} template instances per unit; it is not evaluated, so its resources are not checked",
                        super::MAX_MODULE_INSTANCES
                    ),
                ));
                break;
            }
            let child = self.instance(template);
            let shown = {
                let ev = Evaluator::new(&self.unit);
                let scope = Scope::new(inst).with(e.bindings.iter().cloned());
                get(r, "name")
                    .and_then(|n| ev.eval(&scope, n).as_str())
                    .map_or_else(|| name_text.to_string(), |n| format!("'{n}'"))
            };
            let parent_prefix = self.unit.instances[inst as usize].prefix.clone();
            self.unit.instances[child as usize].prefix = format!("{parent_prefix}deployment {shown} / ");
            if let Some(params) = get(props, "parameters") {
                self.give(child, params, inst, &e.bindings, |k| {
                    format!("passed to parameter `{k}` by deployment {name_text}")
                });
            }
            let inner = Ctx {
                gates: Vec::new(),
                labels: e.labels,
                repeated: false,
            };
            self.template(template, child, &inner);
        }
    }
}

impl<'d> ArmUnit<'d> {
    /// Instantiates `template` (the root object of a template file whose text is `text`)
    /// with values from `parameter_files`, later files winning.
    pub fn new(template: &'d Expr, text: &str, parameter_files: &[ParameterFile<'d>]) -> ArmUnit<'d> {
        let mut b = Builder {
            text,
            unit: ArmUnit {
                instances: Vec::new(),
                resources: Vec::new(),
                skipped: Vec::new(),
                not_deployed: Vec::new(),
                memo: super::Memo::default(),
                budget: super::Budget::default(),
            },
            pending: Vec::new(),
        };
        let root = b.instance(template);
        for pf in parameter_files {
            if let Some(params) = get(pf.root, "parameters") {
                let label = pf.label.clone();
                b.give(root, params, root, &[], |_| label.clone());
            }
        }
        b.template(template, root, &Ctx::default());
        let (mut unit, pending) = (b.unit, b.pending);
        // Values computed while the unit was built are forgotten: they were cached without
        // the instances added after them.
        unit.memo.clear();
        let resources: Vec<UnitResource> = {
            let ev = Evaluator::new(&unit);
            pending
                .into_iter()
                .map(|p| {
                    let shown = match ev.eval(&Scope::new(p.instance), &p.name).as_str() {
                        Some(lit) => format!("'{lit}'"),
                        None => p.name_text,
                    };
                    let declared = format!("{} {shown}", p.resource.rtype_written);
                    UnitResource {
                        instance: p.instance,
                        address: format!("{}{declared}", unit.instances[p.instance as usize].prefix),
                        declared,
                        gates: p.gates,
                        labels: p.labels,
                        resource: std::sync::Arc::new(p.resource),
                    }
                })
                .collect()
        };
        unit.resources = resources;
        unit
    }

    fn memo(&self, ev: &Evaluator, inst: u32, kind: u8, name: &str, span: Span, f: impl FnOnce() -> Value) -> Value {
        self.memo
            .get(ev, (inst, kind, name.to_ascii_lowercase()), name, span, f)
    }

    fn parameter(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Value {
        self.memo(ev, inst, PARAM, name, span, || {
            let Some(i) = self.instances.get(inst as usize) else {
                return Value::unknown("parameters are not known here", span);
            };
            let lc = name.to_ascii_lowercase();
            let shown = format!("parameters('{name}')");
            match i.given.get(&lc) {
                Some(Given::Value {
                    expr,
                    instance,
                    bindings,
                    label,
                    file,
                }) => {
                    let v = ev.eval(&Scope::new(*instance).with(bindings.iter().cloned()), expr);
                    let (v, from_env) = if *file {
                        azd_substitute(v, ev.strict)
                    } else {
                        (v, false)
                    };
                    // A value the Azure Developer CLI takes from the environment is not set
                    // by the file: for existence, it is only a default.
                    ev.note_input(&shown, (!from_env).then(|| format!("is {label}")));
                    return v.via(expr.span, label.clone());
                }
                Some(Given::Unknowable { span, why }) => return Value::unknown(why.clone(), *span),
                None => {}
            }
            let allowed = i
                .params
                .get(&lc)
                .and_then(|(_, decl)| match get(decl, "allowedValues").map(|a| &a.kind) {
                    Some(ExprKind::Array(items)) => Some(items),
                    _ => None,
                });
            let nullable = |decl: &Expr| get(decl, "nullable").is_some_and(|n| matches!(n.kind, ExprKind::Bool(true)));
            match i.params.get(&lc) {
                None => Value::unknown(format!("parameter `{name}` is not declared"), span),
                // Not set, with the values it may take: one of them (see `allowed_choice`).
                Some((_, decl))
                    if allowed.is_some() && (ev.strict || (get(decl, "defaultValue").is_none() && !nullable(decl))) =>
                {
                    ev.note_input(&shown, None);
                    let allowed = allowed.map(Vec::as_slice).unwrap_or_default();
                    super::allowed_choice(ev, &Scope::new(inst), allowed, &shown, span)
                }
                Some((declared, decl))
                    if ev.strict
                        && (get(decl, "defaultValue").is_some()
                            || get(decl, "nullable").is_some_and(|n| matches!(n.kind, ExprKind::Bool(true)))) =>
                {
                    ev.note_input(&shown, None);
                    Value::unknown(
                        format!("parameter `{declared}` is not set; only its default decides"),
                        span,
                    )
                }
                Some((declared, decl)) => match get(decl, "defaultValue") {
                    Some(d) => ev
                        .eval(&Scope::new(inst), d)
                        .via(d.span, format!("default of parameter `{declared}`")),
                    // languageVersion 2.0: a nullable parameter without a value is null.
                    None if get(decl, "nullable").is_some_and(|n| matches!(n.kind, ExprKind::Bool(true))) => {
                        Value::new(Kind::Null, decl.span).via(decl.span, format!("parameter `{declared}` is not set"))
                    }
                    None => Value::unknown(
                        format!("parameter `{declared}` has no default and no value is set"),
                        span,
                    ),
                },
            }
        })
    }

    fn variable(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Value {
        self.memo(ev, inst, VAR, name, span, || {
            match self
                .instances
                .get(inst as usize)
                .and_then(|i| i.variables.get(&name.to_ascii_lowercase()))
            {
                Some((declared, e)) => ev
                    .eval(&Scope::new(inst), e)
                    .via(e.span, format!("variable `{declared}`")),
                None => Value::unknown(format!("variable `{name}` is not declared"), span),
            }
        })
    }

    fn copy_index(&self, ev: &Evaluator, scope: &Scope, args: &[Expr], span: Span) -> Value {
        let first = args.first().map(|a| ev.eval(scope, a));
        let (loop_name, offset) = match &first {
            Some(v) if matches!(v.kind, Kind::Str(_)) => (v.as_str(), args.get(1).map(|a| ev.eval(scope, a))),
            other => (None, other.clone()),
        };
        let offset = match offset.map(|o| o.kind) {
            None => 0.0,
            Some(Kind::Number(n)) => n,
            Some(_) => return Value::unknown("`copyIndex()` offset is not known", span),
        };
        // Without a name: the innermost resource or deployment loop.
        let key = copy_binding(loop_name.as_deref().unwrap_or(""));
        if let Some(v) = scope.lookup(&key) {
            match v.kind {
                Kind::Number(n) => return Value::new(Kind::Number(n + offset), span),
                Kind::Unknown(_) => return v.clone(),
                _ => {}
            }
        }
        Value::unknown(
            "`copyIndex()` of a copy loop whose count is not known: the resource is checked once for all copies",
            span,
        )
    }
}

/// The binding of lambda variable `name` (ARM names them as strings; the prefix keeps them
/// apart from copy indices).
fn lambda_binding(name: &str) -> String {
    format!("lambda:{}", name.to_ascii_lowercase())
}

/// `map(array, lambda('x', body))` and `filter(array, lambda('x', body))`, with
/// `lambdaVariables('x')` bound in the body (and the index as the lambda's second variable,
/// as in Bicep). `None` when the second argument is not a `lambda()`: the generic function
/// table decides.
fn lambda_call(ev: &Evaluator, scope: &Scope, name: &str, args: &[Expr], span: Span) -> Option<Value> {
    let ExprKind::Call(l, largs) = &args[1].kind else {
        return None;
    };
    if !l.eq_ignore_ascii_case("lambda") || largs.len() < 2 {
        return None;
    }
    let (names, body) = largs.split_at(largs.len() - 1);
    let body = &body[0];
    let mut params = Vec::new();
    for n in names {
        match ev.eval(scope, n).as_str() {
            Some(n) => params.push(lambda_binding(&n)),
            None => return Some(Value::unknown("lambda variable name is not known", n.span)),
        }
    }
    let coll = ev.eval(scope, &args[0]);
    let Some(items) = super::iterate(&coll).filter(|_| matches!(coll.kind, Kind::Array(_))) else {
        return Some(Value::unknown(
            format!("collection of `{name}()` is not known"),
            args[0].span,
        ));
    };
    let mut out = Vec::new();
    for (k, v) in items.into_iter().take(crate::limits::MAX_ITEMS) {
        let mut b = Vec::new();
        if let Some(p) = params.first() {
            b.push((p.clone(), v.clone()));
        }
        if let Some(p) = params.get(1) {
            b.push((p.clone(), k));
        }
        let r = ev.eval(&scope.with(b), body);
        if name == "map" {
            out.push(r);
        } else {
            match r.as_bool() {
                Some(true) => out.push(v),
                Some(false) => {}
                None => return Some(Value::unknown("condition of `filter()` is not known", body.span)),
            }
        }
    }
    Some(Value::new(Kind::Array(out), span))
}

/// A parameter file value with the Azure Developer CLI's environment substitution applied
/// (`"${AZURE_LOCATION}"`, `"${DATABASE_TYPE=PostgreSQL}"`; azd substitutes them from the
/// environment before deploying): a placeholder with a default is that default, one without
/// is Unknown — and in strict mode every placeholder is Unknown, as the environment decides.
/// Also says whether any placeholder was found.
fn azd_substitute(v: Value, strict: bool) -> (Value, bool) {
    let mut found = false;
    let out = substitute_value(v, strict, &mut found);
    (out, found)
}

fn substitute_value(mut v: Value, strict: bool, found: &mut bool) -> Value {
    match &mut v.kind {
        Kind::Str(s) => {
            let Some(text) = s.as_lit() else { return v };
            if !text.contains("${") {
                return v;
            }
            let mut out = PStr::default();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("${") {
                let Some(end) = rest[at..].find('}') else { break };
                let inner = &rest[at + 2..at + end];
                let name_len = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let default = ["=", ":=", "-", ":-"]
                    .iter()
                    .find_map(|o| op.strip_prefix(o))
                    .filter(|_| !op.is_empty());
                if name.is_empty() || !(op.is_empty() || default.is_some()) {
                    out.push(crate::eval::Piece::Lit(rest[..at + end + 1].to_string()));
                    rest = &rest[at + end + 1..];
                    continue;
                }
                *found = true;
                out.push(crate::eval::Piece::Lit(rest[..at].to_string()));
                match default {
                    Some(d) if !strict => out.push(crate::eval::Piece::Lit(d.to_string())),
                    _ => out.push(crate::eval::Piece::Unknown),
                }
                rest = &rest[at + end + 1..];
            }
            out.push(crate::eval::Piece::Lit(rest.to_string()));
            if out.as_lit().is_some() {
                v.kind = Kind::Str(out);
            } else if matches!(out.0.as_slice(), [crate::eval::Piece::Unknown]) {
                v.kind = Kind::Unknown("set from an environment variable by the Azure Developer CLI (`${…}`)".into());
            } else {
                v.kind = Kind::Str(out);
            }
            v
        }
        Kind::Array(items) => {
            let items = std::mem::take(items);
            v.kind = Kind::Array(items.into_iter().map(|i| substitute_value(i, strict, found)).collect());
            v
        }
        Kind::Object(fields) => {
            let fields = std::mem::take(fields);
            v.kind = Kind::Object(
                fields
                    .into_iter()
                    .map(|(k, x)| (k, substitute_value(x, strict, found)))
                    .collect(),
            );
            v
        }
        _ => v,
    }
}

/// An object whose listed fields are all Unknown (`resourceGroup()`, `subscription()`).
fn unknown_object(what: &str, names: &[&str], span: Span) -> Value {
    let fields = names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                Value::unknown(format!("`{what}().{n}` is known only at deployment"), span),
            )
        })
        .collect();
    Value::new(Kind::Object(fields), span)
}

impl Env for ArmUnit<'_> {
    fn budget(&self) -> &super::Budget {
        &self.budget
    }

    fn dialect(&self) -> Dialect {
        Dialect::Arm
    }

    fn resolve(&self, _: &Evaluator, _: &Scope, _: &str, _: &[Seg], _: Span) -> Option<(Value, usize)> {
        // ARM expressions have no bare names: everything is a function call.
        None
    }

    fn call(&self, ev: &Evaluator, scope: &Scope, name: &str, args: &[Expr], span: Span) -> Option<Value> {
        let lname = name.to_ascii_lowercase();
        let name_arg = || args.first().and_then(|a| ev.eval(scope, a).as_str());
        Some(match lname.as_str() {
            "parameters" => match name_arg() {
                Some(n) => self.parameter(ev, scope.instance, &n, span),
                None => Value::unknown("parameter name is not known", span),
            },
            "variables" => match name_arg() {
                Some(n) => self.variable(ev, scope.instance, &n, span),
                None => Value::unknown("variable name is not known", span),
            },
            "copyindex" => self.copy_index(ev, scope, args, span),
            "map" | "filter" if args.len() == 2 => return lambda_call(ev, scope, &lname, args, span),
            "lambdavariables" => match name_arg().and_then(|n| scope.lookup(&lambda_binding(&n)).cloned()) {
                Some(v) => v,
                None => Value::unknown("`lambdaVariables()` outside its lambda", span),
            },
            "reference" => Value::unknown("`reference()` reads a deployed resource", span),
            "resourcegroup" => unknown_object(
                name,
                &["id", "name", "type", "location", "managedBy", "tags", "properties"],
                span,
            ),
            "subscription" => unknown_object(name, &["id", "subscriptionId", "tenantId", "displayName"], span),
            "deployment" => unknown_object(name, &["name", "id", "location", "properties"], span),
            "uniquestring" | "guid" | "newguid" | "utcnow" => Value::new(Kind::Str(PStr::unknown()), span),
            n if n.starts_with("list") => {
                Value::unknown(format!("`{name}()` reads keys or state of a deployed resource"), span)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::arm as parse;
    use crate::source::FileId;

    const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

    fn template(body: &str) -> (String, Expr) {
        let text = format!("{{\"$schema\": \"{SCHEMA}\", {body}}}");
        let root = parse::parse(FileId(0), &text).unwrap().root.unwrap();
        (text, root)
    }

    /// Evaluates `expr` (an ARM expression string, brackets included) in the root scope of
    /// a template with the given body.
    fn eval_in(body: &str, expr: &str) -> Value {
        let (text, root) = template(&format!("{body}, \"probe\": \"{expr}\""));
        let unit = ArmUnit::new(&root, &text, &[]);
        let ev = Evaluator::new(&unit);
        ev.eval(&Scope::new(0), get(&root, "probe").unwrap())
    }

    #[test]
    fn parameters_and_variables_resolve_case_insensitively_with_labels() {
        let body = r#""parameters": {"Name": {"type": "string", "defaultValue": "orders"}},
            "variables": {"full": "[concat(parameters('name'), '-db')]", "obj": {"x": {"y": "[variables('FULL')]"}}}"#;
        let v = eval_in(body, "[variables('obj').x.y]");
        assert_eq!(v.as_str().as_deref(), Some("orders-db"));
        let labels: Vec<&str> = v.origin.via.iter().map(|v| v.label.as_str()).collect();
        // The innermost hops that carried the value: variable `full`, then the default.
        assert_eq!(labels, ["variable `full`", "default of parameter `Name`"]);
        let v = eval_in(body, "[parameters('name')]");
        assert_eq!(v.origin.via[0].label, "default of parameter `Name`");
    }

    #[test]
    fn map_and_filter_bind_lambda_variables() {
        let body = r#""parameters": {"ips": {"type": "array", "defaultValue": ["0.0.0.0", "203.0.113.7"]},
            "none": {"type": "object", "defaultValue": {}}}"#;
        let v = eval_in(
            body,
            "[map(parameters('ips'), lambda('ip', createObject('ipAddressOrRange', lambdaVariables('ip'))))]",
        );
        let Kind::Array(items) = &v.kind else { panic!("{v:?}") };
        let ips: Vec<Option<String>> = items
            .iter()
            .map(|i| match &i.kind {
                Kind::Object(o) => o
                    .iter()
                    .find(|(k, _)| k == "ipAddressOrRange")
                    .and_then(|(_, x)| x.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ips, [Some("0.0.0.0".to_string()), Some("203.0.113.7".to_string())]);
        // As AVM compiles an optional list: `map(coalesce(tryGet(…), createArray()), …)`.
        let v = eval_in(
            body,
            "[map(coalesce(tryGet(parameters('none'), 'ipRules'), createArray()), lambda('r', lambdaVariables('r')))]",
        );
        assert!(matches!(&v.kind, Kind::Array(a) if a.is_empty()), "{v:?}");
        let v = eval_in(
            body,
            "[filter(parameters('ips'), lambda('ip', equals(lambdaVariables('ip'), '0.0.0.0')))]",
        );
        assert!(matches!(&v.kind, Kind::Array(a) if a.len() == 1), "{v:?}");
        assert!(eval_in(body, "[lambdaVariables('ip')]").is_unknown());
        assert!(eval_in(body, "[map(parameters('nope'), lambda('x', lambdaVariables('x')))]").is_unknown());
    }

    #[test]
    fn cycles_undeclared_names_and_unknown_functions_are_unknown() {
        let body = r#""variables": {"a": "[variables('b')]", "b": "[variables('A')]",
            "c": "[concat('x', variables('c'))]"}"#;
        assert!(eval_in(body, "[variables('a')]").is_unknown());
        let c = eval_in(body, "[variables('c')]");
        assert_eq!(c.as_pstr().unwrap().to_string(), "x${…}");
        assert!(eval_in(body, "[parameters('nope')]").is_unknown());
        let nullable = r#""parameters": {"n": {"type": "string", "nullable": true}, "m": {"type": "string"}}"#;
        let v = eval_in(nullable, "[coalesce(parameters('n'), 'fallback')]");
        assert_eq!(v.as_str().as_deref(), Some("fallback"));
        assert!(eval_in(nullable, "[coalesce(parameters('m'), 'fallback')]").is_unknown());
        assert!(eval_in(body, "[noSuchFunction(1)]").is_unknown());
        assert!(eval_in(body, "[reference('x').properties]").is_unknown());
        assert!(eval_in(body, "[listKeys('x', '2020-01-01').primaryMasterKey]").is_unknown());
        assert!(eval_in(body, "[concat(')]").is_unknown());
        let loc = eval_in(body, "[resourceGroup().location]");
        assert!(loc.is_unknown());
        let id = eval_in(body, "[concat(resourceGroup().id, '/x')]");
        assert_eq!(id.as_pstr().unwrap().to_string(), "${…}/x");
        let g = eval_in(body, "[guid('a')]");
        assert!(matches!(g.kind, Kind::Str(_)));
    }

    #[test]
    fn value_sets_come_from_allowed_values_and_unknown_conditions() {
        let body = r#""parameters": {"level": {"type": "string", "allowedValues": ["database", "container"]},
            "free": {"type": "string"}, "many": {"type": "array"}}"#;
        // Compared over every candidate: equal for none, so known.
        let v = eval_in(body, "[equals(parameters('level'), 'account')]");
        assert_eq!(v.as_bool(), Some(false));
        // A string built from a value set is one of several, each saying when.
        let v = eval_in(body, "[concat('/dbs/', parameters('level'))]");
        let cands: Vec<(String, Vec<String>)> = v
            .candidates()
            .iter()
            .map(|c| (c.as_str().unwrap(), c.whens().map(|w| w.label.clone()).collect()))
            .collect();
        assert_eq!(
            cands,
            [
                (
                    "/dbs/database".to_string(),
                    vec!["when `parameters('level')` is \"database\"".to_string()]
                ),
                (
                    "/dbs/container".to_string(),
                    vec!["when `parameters('level')` is \"container\"".to_string()]
                ),
            ]
        );
        // if() with a condition that is not known: both branches.
        let v = eval_in(body, "[if(equals(parameters('free'), 'x'), 'a', 'b')]");
        let labels: Vec<&str> = v
            .candidates()
            .iter()
            .flat_map(|c| c.whens())
            .map(|w| w.label.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "when `equals(parameters('free'), 'x')` is true",
                "when `equals(parameters('free'), 'x')` is false"
            ]
        );
        // Both branches equal: one value, no condition.
        let v = eval_in(body, "[if(equals(parameters('free'), 'x'), 'a', 'a')]");
        assert_eq!(v.as_str().as_deref(), Some("a"));
        assert_eq!(v.whens().count(), 0);
        // Combinations are bounded: 2 × 2 × 2 × 2 = 16 candidates is too many.
        let c = "if(equals(parameters('free'), 'x'), 'a', 'b')";
        let v = eval_in(body, &format!("[concat({c}, {c}, {c}, {c})]"));
        assert!(v.is_unknown(), "{v:?}");
        // With a default, the default decides (values come from defaults).
        let v = eval_in(
            r#""parameters": {"level": {"type": "string", "allowedValues": ["a", "b"], "defaultValue": "a"}}"#,
            "[parameters('level')]",
        );
        assert_eq!(v.as_str().as_deref(), Some("a"));
    }

    #[test]
    fn variable_copy_loops_produce_arrays_with_copy_index() {
        let body = r#""variables": {"copy": [{"name": "scopes", "count": 3,
            "input": "[concat('/dbs/db', string(copyIndex('scopes', 1)))]"}]}"#;
        let v = eval_in(body, "[variables('scopes')]");
        let items: Vec<String> = v.as_array().unwrap().iter().filter_map(|x| x.as_str()).collect();
        assert_eq!(items, ["/dbs/db1", "/dbs/db2", "/dbs/db3"]);
        assert!(eval_in(body, "[copyIndex()]").is_unknown());
    }

    #[test]
    fn nested_deployment_scopes() {
        let (text, root) = template(
            r#""parameters": {"p": {"type": "string", "defaultValue": "outer-value"}},
            "resources": [
              {"type": "Microsoft.Resources/deployments", "name": "inner", "properties": {
                "expressionEvaluationOptions": {"scope": "inner"},
                "parameters": {"p": {"value": "[concat(parameters('p'), '!')]"}},
                "template": {"parameters": {"p": {"type": "string", "defaultValue": "inner-default"}},
                  "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "[parameters('p')]"}]}}},
              {"type": "Microsoft.Resources/deployments", "name": "outer", "properties": {
                "template": {"parameters": {"p": {"type": "string", "defaultValue": "ignored"}},
                  "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "[parameters('p')]"}]}}}
            ]"#,
        );
        let unit = ArmUnit::new(&root, &text, &[]);
        let addresses: Vec<&str> = unit.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                // An `inner` deployment's resources are addressed through it.
                "deployment 'inner' / Microsoft.DocumentDB/databaseAccounts 'outer-value!'",
                "Microsoft.DocumentDB/databaseAccounts 'outer-value'"
            ]
        );
        assert_eq!(unit.resources[0].instance, 1);
        assert_eq!(unit.resources[1].instance, 0);
    }

    #[test]
    fn children_are_flattened_with_full_type_and_name() {
        let (text, root) = template(
            r#""resources": [{"type": "Microsoft.DocumentDb/databaseAccounts", "name": "acc",
                "copy": {"name": "c", "count": 2},
                "resources": [{"type": "sqlRoleAssignments", "name": "[guid('x')]"},
                              {"type": "Microsoft.DocumentDB/databaseAccounts/sqlDatabases", "name": "acc/db"}]}]"#,
        );
        let unit = ArmUnit::new(&root, &text, &[]);
        let r: Vec<(&str, &str, bool)> = unit
            .resources
            .iter()
            .map(|r| (r.resource.rtype.as_str(), r.address.as_str(), r.resource.repeated))
            .collect();
        assert_eq!(
            r,
            [
                (
                    "microsoft.documentdb/databaseaccounts",
                    "Microsoft.DocumentDb/databaseAccounts 'acc'",
                    true
                ),
                (
                    "microsoft.documentdb/databaseaccounts/sqlroleassignments",
                    "Microsoft.DocumentDb/databaseAccounts/sqlRoleAssignments acc/[guid('x')]",
                    true
                ),
                (
                    "microsoft.documentdb/databaseaccounts/sqldatabases",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases 'acc/db'",
                    true
                ),
            ]
        );
        let header = unit.resources[0].resource.header;
        assert_eq!(
            &text[header.range()],
            "\"type\": \"Microsoft.DocumentDb/databaseAccounts\""
        );
        // The parent body no longer carries its children.
        assert!(get(&unit.resources[0].resource.body, "resources").is_none());
    }

    #[test]
    fn copy_loops_run_per_index_and_zero_counts_deploy_only_when_no_default_decides() {
        let (text, root) = template(
            r#""parameters": {"none": {"type": "array", "defaultValue": []}, "some": {"type": "array"},
                "two": {"type": "array", "defaultValue": ["a", "b"]}},
              "resources": [
                {"type": "Microsoft.DocumentDB/databaseAccounts", "name": "zero-by-default",
                 "copy": {"name": "a", "count": "[length(parameters('none'))]"}},
                {"type": "Microsoft.Resources/deployments", "name": "d",
                 "copy": {"name": "d", "count": 0},
                 "properties": {"template": {"resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "inner"}]}}},
                {"type": "Microsoft.DocumentDB/databaseAccounts", "name": "unknown-count",
                 "copy": {"name": "b", "count": "[length(parameters('some'))]"}},
                {"type": "Microsoft.DocumentDB/databaseAccounts", "name": "[concat('acc-', parameters('two')[copyIndex()])]",
                 "copy": {"name": "c", "count": "[length(parameters('two'))]"}}
              ]"#,
        );
        let unit = ArmUnit::new(&root, &text, &[]);
        let (ev, strict) = (Evaluator::new(&unit), Evaluator::strict(&unit));
        let expanded: Vec<(String, Vec<String>, usize, Vec<String>)> = unit
            .resources
            .iter()
            .map(|r| {
                let e = r.expand(&ev, &strict);
                let names = e
                    .instances
                    .iter()
                    .map(|i| {
                        let scope = Scope::new(r.instance).with(i.bindings.iter().cloned());
                        let name = get(&r.resource.body, "name").unwrap();
                        ev.eval(&scope, name).as_str().unwrap_or_else(|| "?".into())
                    })
                    .collect();
                let labels = e
                    .instances
                    .iter()
                    .flat_map(|i| i.labels.iter().map(|l| l.label.clone()))
                    .collect();
                (r.address.clone(), names, e.skipped.len(), labels)
            })
            .collect();
        let short: Vec<(&str, Vec<&str>, usize)> = expanded
            .iter()
            .map(|(a, n, s, _)| (a.as_str(), n.iter().map(String::as_str).collect(), *s))
            .collect();
        assert_eq!(
            short,
            [
                // Zero only by a default nobody overrode: possibly deployed, checked once.
                (
                    "Microsoft.DocumentDB/databaseAccounts 'zero-by-default'",
                    vec!["zero-by-default"],
                    0
                ),
                // A literal 0: not deployed, and said so.
                ("Microsoft.DocumentDB/databaseAccounts 'inner'", vec![], 1),
                (
                    "Microsoft.DocumentDB/databaseAccounts 'unknown-count'",
                    vec!["unknown-count"],
                    0
                ),
                // A known count: one instance per copyIndex().
                (
                    "Microsoft.DocumentDB/databaseAccounts [concat('acc-', parameters('two')[copyIndex()])]",
                    vec!["acc-a", "acc-b"],
                    0
                ),
            ]
        );
        assert_eq!(
            expanded[0].3,
            ["possibly deployed: the copy count is 0 only by the default of `parameters('none')`, which no input sets"]
        );
        assert!(expanded[2].3[0].starts_with("possibly deployed: the copy count is not known offline"));
    }

    #[test]
    fn property_copy_is_evaluated_to_an_array() {
        let (text, root) = template(
            r#""parameters": {"n": {"type": "int", "defaultValue": 2}},
              "resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "acc",
                "properties": {"copy": [{"name": "locations", "count": "[parameters('n')]",
                  "input": {"failoverPriority": "[copyIndex('locations')]"}}]}}]"#,
        );
        let unit = ArmUnit::new(&root, &text, &[]);
        let ev = Evaluator::new(&unit);
        let body = ev.eval(&Scope::new(0), &unit.resources[0].resource.body);
        let locs = body.get("properties").unwrap().get("locations").unwrap();
        let prios: Vec<String> = locs
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l.get("failoverPriority")?.as_str())
            .collect();
        assert_eq!(prios, ["0", "1"]);
    }
}
