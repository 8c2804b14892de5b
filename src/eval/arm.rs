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

use super::value::{Kind, PStr, Value};
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
        label: String,
    },
    /// A Key Vault reference (or anything else that is not a `value`).
    Unknowable { span: Span, why: String },
}

#[derive(Default)]
struct Instance<'d> {
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

/// The scope binding that holds the current index of copy loop `name`.
fn copy_binding(name: &str) -> String {
    format!("copyIndex:{}", name.to_ascii_lowercase())
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

/// What decides whether a resource is deployed at all, evaluated in an instance.
#[derive(Clone, Copy)]
enum Gate<'d> {
    /// `condition` of an enclosing parent resource or deployment: known false → not deployed.
    Condition(&'d Expr, u32),
    /// `copy.count` of the resource or an enclosing deployment: known 0 → not deployed.
    Count(&'d Expr, u32),
}

/// Conditions and loops of the enclosing resources and deployments.
#[derive(Clone, Default)]
struct Ctx<'d> {
    gates: Vec<Gate<'d>>,
    repeated: bool,
}

struct Pending<'d> {
    instance: u32,
    resource: Resource,
    name: Expr,
    name_text: String,
    gates: Vec<Gate<'d>>,
}

struct Builder<'d, 't> {
    text: &'t str,
    instances: Vec<Instance<'d>>,
    pending: Vec<Pending<'d>>,
    skipped: Vec<(Span, String)>,
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
        self.instances.push(inst);
        (self.instances.len() - 1) as u32
    }

    /// Sets parameter values of `inst` from `params` (a parameter file's or a deployment's
    /// `parameters` object), evaluated in `from`.
    fn give(&mut self, inst: u32, params: &'d Expr, from: u32, label: impl Fn(&str) -> String) {
        for f in fields(params) {
            let Some(k) = &f.key else { continue };
            let given = match get(&f.value, "value") {
                Some(v) => Given::Value {
                    expr: v,
                    instance: from,
                    label: label(k),
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
            self.instances[inst as usize]
                .given
                .insert(k.to_ascii_lowercase(), given);
        }
    }

    fn template(&mut self, template: &'d Expr, inst: u32, ctx: &Ctx<'d>) {
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

    fn resource(&mut self, r: &'d Expr, inst: u32, parent: Option<&Parent>, ctx: &Ctx<'d>) {
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
        let mut inner = ctx.clone();
        if let Some(copy) = get(r, "copy") {
            inner.repeated = true;
            if let Some(count) = get(copy, "count") {
                inner.gates.push(Gate::Count(count, inst));
            }
        }
        if rtype == DEPLOYMENTS {
            self.deployment(r, inst, &name_text, &inner);
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
                repeated: inner.repeated,
                existing,
            },
            name: name.clone(),
            name_text: name_text.clone(),
            gates: inner.gates.clone(),
        });
        if let Some(children) = get(r, "resources") {
            if let Some(c) = get(r, "condition") {
                inner.gates.push(Gate::Condition(c, inst));
            }
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
                self.resource(child, inst, Some(&me), &inner);
            }
        }
    }

    fn deployment(&mut self, r: &'d Expr, inst: u32, name_text: &str, ctx: &Ctx<'d>) {
        let Some(props) = get(r, "properties") else { return };
        let Some(template) = get(props, "template").filter(|t| matches!(t.kind, ExprKind::Object(_))) else {
            let why = if get(props, "templateLink").is_some() {
                format!("deployment {name_text} uses a linked template, which is not read")
            } else {
                format!("deployment {name_text} has no inline template")
            };
            self.skipped.push((r.span, why));
            return;
        };
        let mut ctx = ctx.clone();
        if let Some(c) = get(r, "condition") {
            ctx.gates.push(Gate::Condition(c, inst));
        }
        let inner_scope = get(props, "expressionEvaluationOptions")
            .and_then(|o| get(o, "scope"))
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        if inner_scope {
            let child = self.instance(template);
            if let Some(params) = get(props, "parameters") {
                self.give(child, params, inst, |k| {
                    format!("passed to parameter `{k}` by deployment {name_text}")
                });
            }
            self.template(template, child, &ctx);
        } else {
            // `outer` (the default): the inner template's expressions use this template's
            // parameters and variables.
            self.template(template, inst, &ctx);
        }
    }
}

impl<'d> ArmUnit<'d> {
    /// Instantiates `template` (the root object of a template file whose text is `text`)
    /// with values from `parameter_files`, later files winning.
    pub fn new(template: &'d Expr, text: &str, parameter_files: &[ParameterFile<'d>]) -> ArmUnit<'d> {
        let mut b = Builder {
            text,
            instances: Vec::new(),
            pending: Vec::new(),
            skipped: Vec::new(),
        };
        let root = b.instance(template);
        for pf in parameter_files {
            if let Some(params) = get(pf.root, "parameters") {
                let label = pf.label.clone();
                b.give(root, params, root, |_| label.clone());
            }
        }
        b.template(template, root, &Ctx::default());
        let mut unit = ArmUnit {
            instances: b.instances,
            resources: Vec::new(),
            skipped: b.skipped,
            memo: super::Memo::default(),
            budget: super::Budget::default(),
        };
        let resources: Vec<UnitResource> = {
            let ev = Evaluator::new(&unit);
            b.pending
                .into_iter()
                .filter(|p| {
                    // A resource in a deployment or parent known not to deploy, or in a copy
                    // loop known to run zero times.
                    !p.gates.iter().any(|g| match *g {
                        Gate::Condition(c, i) => ev.eval(&Scope::new(i), c).as_bool() == Some(false),
                        Gate::Count(c, i) => matches!(ev.eval(&Scope::new(i), c).kind, Kind::Number(n) if n == 0.0),
                    })
                })
                .map(|p| {
                    let shown = match ev.eval(&Scope::new(p.instance), &p.name).as_str() {
                        Some(lit) => format!("'{lit}'"),
                        None => p.name_text,
                    };
                    UnitResource {
                        instance: p.instance,
                        address: format!("{} {shown}", p.resource.rtype_written),
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
            match i.given.get(&lc) {
                Some(Given::Value { expr, instance, label }) => {
                    return ev.eval(&Scope::new(*instance), expr).via(expr.span, label.clone());
                }
                Some(Given::Unknowable { span, why }) => return Value::unknown(why.clone(), *span),
                None => {}
            }
            match i.params.get(&lc) {
                None => Value::unknown(format!("parameter `{name}` is not declared"), span),
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
        if let Some(name) = loop_name {
            let key = copy_binding(&name);
            if let Some(v) = scope.lookup(&key) {
                if let Kind::Number(n) = v.kind {
                    return Value::new(Kind::Number(n + offset), span);
                }
            }
        }
        Value::unknown(
            "`copyIndex()` of a resource copy loop: the resource is checked once for all copies",
            span,
        )
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
                "Microsoft.DocumentDB/databaseAccounts 'outer-value!'",
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
    fn copy_loops_known_to_run_zero_times_deploy_nothing() {
        let (text, root) = template(
            r#""parameters": {"none": {"type": "array", "defaultValue": []}, "some": {"type": "array"}},
              "resources": [
                {"type": "Microsoft.DocumentDB/databaseAccounts", "name": "zero",
                 "copy": {"name": "a", "count": "[length(parameters('none'))]"}},
                {"type": "Microsoft.Resources/deployments", "name": "d",
                 "copy": {"name": "d", "count": 0},
                 "properties": {"template": {"resources": [{"type": "Microsoft.DocumentDB/databaseAccounts", "name": "inner"}]}}},
                {"type": "Microsoft.DocumentDB/databaseAccounts", "name": "unknown-count",
                 "copy": {"name": "b", "count": "[length(parameters('some'))]"}}
              ]"#,
        );
        let unit = ArmUnit::new(&root, &text, &[]);
        let addresses: Vec<&str> = unit.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addresses, ["Microsoft.DocumentDB/databaseAccounts 'unknown-count'"]);
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
