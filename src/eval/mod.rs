//! Evaluation of IR expressions over partially known values.
//!
//! The evaluator is dialect-neutral: names (`var.x`, `local.y`, `azurerm_x.a.id`, a Bicep
//! symbol, ARM `parameters('p')`) are resolved by an [`Env`] that knows its dialect's
//! scoping; functions come from [`functions`]. Nothing here fails: what cannot be known
//! offline is [`Kind::Unknown`] with a reason.
//!
//! Limits keep hostile input bounded: every unit has one work [`Budget`] (see
//! [`budget`]); reference hops nest at most [`MAX_DEPTH`] deep (cycles are detected by the
//! environment and also stop here), strings are capped at [`value::MAX_STRING`] bytes and
//! collections built by `for` at [`MAX_ITEMS`] items.

pub mod arm;
pub mod bicep;
pub mod budget;
pub mod exist;
pub mod functions;
pub mod terraform;
pub mod value;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub use budget::Budget;
pub use value::{Kind, Origin, PStr, Piece, ResKey, Symbol, Value, Via};

use crate::ir::{BinaryOp, Dialect, Expr, ExprKind, TemplatePart, UnaryOp};
use crate::source::Span;

/// Why reading a missing attribute or element of a known object or array is Unknown: an
/// error in Terraform, which `try()` turns into its fallback (an Unknown for any other
/// reason is not an error, and `try()` of it stays Unknown).
pub const NO_SUCH_ELEMENT: &str = "no such attribute or element";

/// Reference hops at most ([`crate::limits::MAX_HOPS`]).
pub const MAX_DEPTH: u32 = crate::limits::MAX_HOPS;
pub use crate::limits::{MAX_ITEMS, MAX_MODULE_DEPTH, MAX_MODULE_INSTANCES};

/// Why a module call is not followed when a limit stops it; `None` when it may be.
pub fn module_limit(name: &str, stack_depth: usize, calls_itself: bool, instances: usize) -> Option<String> {
    if calls_itself {
        Some(format!(
            "module `{name}` calls itself; it is evaluated once, not again inside itself"
        ))
    } else if stack_depth >= MAX_MODULE_DEPTH {
        Some(format!(
            "module `{name}` nests deeper than {MAX_MODULE_DEPTH} module levels; it is not evaluated, so its resources are not checked"
        ))
    } else if instances >= MAX_MODULE_INSTANCES {
        Some(format!(
            "module `{name}` is past the limit of {MAX_MODULE_INSTANCES} module instances per unit; it is not evaluated, so its resources are not checked"
        ))
    } else {
        None
    }
}

/// An input nobody set that declares the values it may take (Bicep `@allowed`, ARM
/// `allowedValues`, a Terraform `validation` with `contains([...], var.x)`): the value set of
/// them, each candidate labelled at its place in the list ("when `level` is "database"").
pub fn allowed_choice(ev: &Evaluator, scope: &Scope, allowed: &[Expr], shown: &str, span: Span) -> Value {
    if allowed.len() > value::MAX_CHOICES {
        return Value::unknown(
            format!(
                "`{shown}` is not set and allows more than {} values",
                value::MAX_CHOICES
            ),
            span,
        );
    }
    let cands = allowed
        .iter()
        .map(|e| {
            let v = ev.eval(scope, e);
            let d = v.describe();
            v.when(e.span, format!("when `{shown}` is {d}"))
        })
        .collect();
    Value::choice(cands, span)
}

/// A resource of an evaluation unit (a Terraform root with its modules, an ARM template
/// with its nested deployments, a Bicep file with its modules).
#[derive(Clone, Debug)]
pub struct UnitResource {
    /// The module instance / template scope its expressions are evaluated in.
    pub instance: u32,
    /// Shared with the parsed module: instances of one module (and re-runs of the
    /// mapping) do not copy its expression trees.
    pub resource: std::sync::Arc<crate::ir::Resource>,
    /// How findings name it where it is declared: `azurerm_cosmosdb_account.a`, `account`,
    /// `Microsoft.DocumentDB/databaseAccounts 'orders'`.
    pub declared: String,
    /// Its address in the unit, module instances included:
    /// `module.m["eu"].azurerm_cosmosdb_account.a`; an instance key is appended per instance.
    pub address: String,
    /// Its own conditions, counts and loops, outermost first (see [`exist`]).
    pub gates: Vec<exist::Gate>,
    /// Why the module instance it belongs to may not exist (labels on the module's gates).
    pub labels: Vec<Via>,
}

impl UnitResource {
    /// What `address` adds to `declared`: the module instance path (`module.m["eu"].`).
    pub fn prefix(&self) -> &str {
        self.address.strip_suffix(self.declared.as_str()).unwrap_or_default()
    }

    /// The instances that may be deployed (see [`exist::expand`]).
    pub fn expand(&self, ev: &Evaluator, strict: &Evaluator) -> exist::Expansion {
        let base = exist::Instance {
            labels: self.labels.clone(),
            ..Default::default()
        };
        exist::expand(ev, strict, &self.gates, base)
    }
}

/// Named values of an environment (variables, locals, parameters), evaluated once each,
/// with cycle detection: a value that needs itself is Unknown instead of a hang. Strict
/// evaluations ([`Evaluator::strict`]) have entries of their own, with the inputs they read.
#[derive(Debug, Default)]
pub struct Memo {
    cache: RefCell<HashMap<MemoKey, (Value, Vec<exist::InputUse>)>>,
    in_progress: RefCell<HashSet<MemoKey>>,
}

/// (instance, kind of name, name).
type MemoKey = (u32, u8, String);

/// Marks a memo key as belonging to a strict evaluation.
const STRICT_KEY: u8 = 0x80;

impl Memo {
    /// The value of `key`, computed by `f` one hop deeper the first time. `name` is for the
    /// message when `key` turns out to refer to itself.
    pub fn get(
        &self,
        ev: &Evaluator,
        key: (u32, u8, String),
        name: &str,
        span: Span,
        f: impl FnOnce() -> Value,
    ) -> Value {
        let mut key = key;
        if ev.strict {
            key.1 |= STRICT_KEY;
        }
        if let Some((v, inputs)) = self.cache.borrow().get(&key) {
            if !ev.budget.charge_value(v) {
                return Value::unknown(budget::EXCEEDED, span);
            }
            for i in inputs {
                ev.note_input(&i.name, i.set_by.clone());
            }
            return v.clone();
        }
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return Value::unknown(format!("`{name}` refers to itself"), span);
        }
        let mark = ev.inputs.borrow().len();
        let mut v = ev.nested(span, f);
        // A chain of named values each wrapping the one before (`l2 = [l1]`, `l3 = [l2]`…)
        // builds values deeper than any expression; cap them, so that dropping or cloning a
        // value stays shallow (see `crate::limits`).
        if v.nests_deeper_than(crate::limits::MAX_NESTING) {
            v = Value::unknown(
                format!("`{name}` nests deeper than {} levels", crate::limits::MAX_NESTING),
                span,
            );
        }
        self.in_progress.borrow_mut().remove(&key);
        // Keeping a copy costs what copying does; past the budget nothing more is kept.
        if ev.budget.charge_value(&v) {
            let inputs = ev.inputs.borrow().get(mark..).map(<[_]>::to_vec).unwrap_or_default();
            self.cache.borrow_mut().insert(key, (v.clone(), inputs));
        }
        v
    }

    /// Forgets every value (after a unit's structure is complete: values computed while it
    /// was being built may have seen modules that did not exist yet).
    pub fn clear(&self) {
        self.cache.borrow_mut().clear();
    }
}

/// One segment of a reference path after its root name.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Attr(&'a str),
    Index(&'a Expr),
}

/// Name resolution of one dialect.
pub trait Env {
    fn dialect(&self) -> Dialect;

    /// Resolves `root` followed by `path`. Returns the value and how many segments of `path`
    /// it consumed; `None` when `root` is not a name this environment knows.
    fn resolve(&self, ev: &Evaluator, scope: &Scope, root: &str, path: &[Seg], span: Span) -> Option<(Value, usize)>;

    /// The unit's work budget, shared by every evaluator of the unit.
    fn budget(&self) -> &Budget;

    /// A dialect function that needs the environment (ARM `parameters()`); `None` falls
    /// through to [`functions::call`].
    fn call(&self, _ev: &Evaluator, _scope: &Scope, _name: &str, _args: &[Expr], _span: Span) -> Option<Value> {
        None
    }

    /// Module calls that are not followed (registry modules, files that cannot be read),
    /// with the instance their arguments are evaluated in.
    fn opaque_module_calls(&self) -> &[OpaqueModuleCall] {
        &[]
    }
}

/// A module call that is not followed: what it is given may be what it deploys for.
#[derive(Clone, Debug)]
pub struct OpaqueModuleCall {
    pub instance: u32,
    /// `module.m.` prefix of the caller plus the call's name: `module.a.diagnostics`.
    pub name: String,
    pub header: Span,
    pub args: Vec<crate::ir::Field>,
}

/// Where an expression is evaluated: which module instance / template, and the local
/// bindings of enclosing `for` expressions and `dynamic` blocks.
///
/// Bindings are shared (`Rc`): entering a loop body copies pointers, not the values bound
/// by the enclosing loops.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub instance: u32,
    pub bindings: Vec<Rc<(String, Value)>>,
}

impl Scope {
    pub fn new(instance: u32) -> Scope {
        Scope {
            instance,
            bindings: Vec::new(),
        }
    }

    pub fn with(&self, bindings: impl IntoIterator<Item = (String, Value)>) -> Scope {
        let mut s = self.clone();
        s.bindings.extend(bindings.into_iter().map(Rc::new));
        s
    }

    pub fn lookup(&self, name: &str) -> Option<&Value> {
        self.bindings.iter().rev().find(|b| b.0 == name).map(|b| &b.1)
    }
}

pub struct Evaluator<'e> {
    pub env: &'e dyn Env,
    pub budget: &'e Budget,
    depth: Cell<u32>,
    /// Recursion depth of [`Evaluator::eval`], summed over reference hops.
    frames: Cell<u32>,
    /// Existence mode (see [`exist`]): an input nobody set is Unknown, not its default.
    pub strict: bool,
    /// Inputs a strict evaluation read, in order, each once.
    inputs: RefCell<Vec<exist::InputUse>>,
}

impl<'e> Evaluator<'e> {
    pub fn new(env: &'e dyn Env) -> Evaluator<'e> {
        Evaluator {
            env,
            budget: env.budget(),
            depth: Cell::new(0),
            frames: Cell::new(0),
            strict: false,
            inputs: RefCell::default(),
        }
    }

    /// An evaluator that does not take inputs nobody set from their defaults: what decides
    /// whether something exists must not be a default (see [`exist`]).
    pub fn strict(env: &'e dyn Env) -> Evaluator<'e> {
        Evaluator {
            strict: true,
            ..Evaluator::new(env)
        }
    }

    /// Records that a strict evaluation read input `name`, set by `set_by` (`None`: only
    /// its default would decide). Environments call this where they resolve inputs.
    pub fn note_input(&self, name: &str, set_by: Option<String>) {
        if !self.strict {
            return;
        }
        // Not deduplicated here: a memo entry records the inputs read while computing it,
        // whatever was read before.
        let mut inputs = self.inputs.borrow_mut();
        if inputs.len() < 256 {
            inputs.push(exist::InputUse {
                name: name.to_string(),
                set_by,
            });
        }
    }

    /// The inputs read since the last call, each once.
    pub fn take_inputs(&self) -> Vec<exist::InputUse> {
        let mut all = std::mem::take(&mut *self.inputs.borrow_mut());
        let mut seen = HashSet::new();
        all.retain(|i| seen.insert(i.name.clone()));
        all
    }

    /// Runs `f` one hop deeper, or returns Unknown past the depth limit.
    pub fn nested(&self, span: Span, f: impl FnOnce() -> Value) -> Value {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return Value::unknown("references nest too deeply", span);
        }
        self.depth.set(d + 1);
        let v = f();
        self.depth.set(d);
        v
    }

    pub fn eval(&self, scope: &Scope, e: &Expr) -> Value {
        let frames = self.frames.get();
        if frames >= crate::limits::MAX_EVAL_DEPTH {
            return Value::unknown("expression nests too deeply", e.span);
        }
        self.frames.set(frames + 1);
        let v = crate::limits::ensure_stack(|| self.eval_inner(scope, e));
        self.frames.set(frames);
        v
    }

    fn eval_inner(&self, scope: &Scope, e: &Expr) -> Value {
        let span = e.span;
        if !self.budget.charge(1) {
            return Value::unknown(budget::EXCEEDED, span);
        }
        match &e.kind {
            ExprKind::Null => Value::new(Kind::Null, span),
            ExprKind::Bool(b) => Value::new(Kind::Bool(*b), span),
            ExprKind::Number(n) => Value::new(Kind::Number(*n), span),
            ExprKind::Str(s) => Value::new(Kind::Str(PStr::lit(s.clone())), span),
            ExprKind::Template(parts) => self.template(scope, parts, span),
            ExprKind::Array(items) => {
                // Each world is one way the array can turn out (a spread of a value set
                // forks it), with the conditions under which it does.
                let mut worlds: Vec<World<Value>> = vec![(Vec::with_capacity(items.len()), Vec::new())];
                for item in items {
                    if let ExprKind::Spread(inner) = &item.kind {
                        let v = self.eval(scope, inner);
                        let mut next = Vec::new();
                        for (out, whens) in &worlds {
                            for cand in v.candidates() {
                                let mut out = out.clone();
                                match &cand.kind {
                                    Kind::Array(vs) => out.extend(vs.iter().cloned()),
                                    Kind::Null => {}
                                    _ => {
                                        return Value::unknown("spread of a value that is not a known array", item.span)
                                    }
                                }
                                next.push((out, merged_whens(whens, cand)));
                            }
                        }
                        if next.len() > value::MAX_CHOICES {
                            return Value::unknown("spreads of too many candidate arrays", item.span);
                        }
                        worlds = next;
                    } else if let ExprKind::DynamicBlock { .. } = item.kind {
                        let v = self.eval(scope, item);
                        for (out, _) in &mut worlds {
                            match &v.kind {
                                Kind::Array(vs) => out.extend(vs.iter().cloned()),
                                _ => out.push(v.clone()),
                            }
                        }
                    } else {
                        let v = self.eval(scope, item);
                        push_all(&mut worlds, v, |out, v| out.push(v));
                    }
                }
                from_worlds(worlds, span, Kind::Array)
            }
            ExprKind::Object(fields) => {
                let mut worlds: Vec<World<(String, Value)>> = vec![(Vec::with_capacity(fields.len()), Vec::new())];
                for f in fields {
                    if let ExprKind::Spread(inner) = &f.value.kind {
                        // Later fields override earlier ones, as `get` reads the last one.
                        let v = self.eval(scope, inner);
                        let mut next = Vec::new();
                        for (out, whens) in &worlds {
                            for cand in v.candidates() {
                                let mut out = out.clone();
                                match &cand.kind {
                                    Kind::Object(vs) => out.extend(vs.iter().cloned()),
                                    Kind::Null => {}
                                    _ => {
                                        return Value::unknown(
                                            "spread of a value that is not a known object",
                                            f.value.span,
                                        )
                                    }
                                }
                                next.push((out, merged_whens(whens, cand)));
                            }
                        }
                        if next.len() > value::MAX_CHOICES {
                            return Value::unknown("spreads of too many candidate objects", f.value.span);
                        }
                        worlds = next;
                        continue;
                    }
                    let Some(key) = &f.key else {
                        return Value::unknown("object with a computed key", span);
                    };
                    let v = self.eval(scope, &f.value);
                    push_all(&mut worlds, v, |out, v| out.push((key.clone(), v)));
                }
                from_worlds(worlds, span, Kind::Object)
            }
            ExprKind::Name(_) | ExprKind::GetAttr(..) | ExprKind::Index(..) => self.reference(scope, e),
            // ARM's and Bicep's `if(condition, then, else)` is their conditional.
            ExprKind::Call(name, args)
                if self.env.dialect() != Dialect::Terraform && args.len() == 3 && name.eq_ignore_ascii_case("if") =>
            {
                self.conditional(scope, &args[0], &args[1], &args[2], span)
            }
            ExprKind::Call(name, args) => {
                if let Some(v) = self.env.call(self, scope, name, args, span) {
                    return v;
                }
                functions::call(self, scope, self.env.dialect(), name, args, span)
            }
            ExprKind::Conditional(c, t, f) => self.conditional(scope, c, t, f, span),
            ExprKind::Unary(op, x) => {
                let v = self.eval(scope, x);
                lift(vec![v], span, |vs| {
                    let v = &vs[0];
                    match (op, &v.kind) {
                        (UnaryOp::Not, _) if v.as_bool().is_some() => {
                            Value::new(Kind::Bool(!v.as_bool().unwrap_or_default()), span).with_via_of(v)
                        }
                        (UnaryOp::Neg, Kind::Number(n)) => Value::new(Kind::Number(-n), span),
                        _ => Value::unknown("operand is not known", span),
                    }
                })
            }
            ExprKind::Binary(op, l, r) => self.binary(scope, *op, l, r, span),
            ExprKind::For(f) => self.for_expr(scope, f, span),
            ExprKind::DynamicBlock {
                iterator,
                for_each,
                content,
            } => {
                let coll = self.eval(scope, for_each);
                let Some(items) = iterate(&coll) else {
                    return Value::unknown("`for_each` of a dynamic block is not known", for_each.span);
                };
                let mut out = Vec::new();
                for (k, v) in items.into_iter().take(MAX_ITEMS) {
                    let it = Value::new(
                        Kind::Object(vec![("key".into(), k), ("value".into(), v)]),
                        for_each.span,
                    );
                    out.push(self.eval(&scope.with([(iterator.clone(), it)]), content));
                }
                Value::new(Kind::Array(out), span)
            }
            ExprKind::Spread(_) => Value::unknown("spread outside an object or array", span),
            ExprKind::Lambda(..) => {
                Value::unknown("a lambda is a value only inside `map()`, `filter()` and the like", span)
            }
            ExprKind::Opaque(why) => Value::unknown(*why, span),
        }
    }

    /// `v[k]` for a known `v` and an evaluated key.
    fn index(&self, v: &Value, k: &Value, span: Span) -> Value {
        let found = match (&v.kind, &k.kind) {
            (Kind::Object(_), _) => match k.as_str() {
                Some(k) => v.get(&k).cloned(),
                None => return Value::unknown("index is not known", span),
            },
            (Kind::Array(items), Kind::Number(n)) if *n >= 0.0 => items.get(*n as usize).cloned(),
            _ => return Value::unknown("index is not known", span),
        };
        match found {
            Some(mut x) => {
                if x.origin.via.is_empty() {
                    x.origin.via = v.origin.via.clone();
                }
                x
            }
            None => Value::unknown(NO_SUCH_ELEMENT, span),
        }
    }

    fn template(&self, scope: &Scope, parts: &[TemplatePart], span: Span) -> Value {
        // Interpolations first: a value set among them makes the string one of several.
        let values: Vec<Option<Value>> = parts
            .iter()
            .map(|p| match p {
                TemplatePart::Lit(_) => None,
                TemplatePart::Interp(e) => Some(self.eval(scope, e)),
            })
            .collect();
        let sets: Vec<Value> = values.iter().flatten().cloned().collect();
        if !sets.iter().any(|v| matches!(v.kind, Kind::Choice(_))) {
            return build_template(parts, &values, span);
        }
        lift(sets, span, |picked| {
            let mut it = picked.iter();
            let one: Vec<Option<Value>> = values
                .iter()
                .map(|v| v.as_ref().and_then(|_| it.next().cloned()))
                .collect();
            build_template(parts, &one, span)
        })
    }

    /// `a.b[c].d`: flattens the chain to a root name and segments, asks the environment,
    /// then applies whatever segments it did not consume.
    fn reference(&self, scope: &Scope, e: &Expr) -> Value {
        let mut segs: Vec<Seg> = Vec::new();
        let mut cur = e;
        loop {
            match &cur.kind {
                ExprKind::GetAttr(base, name) => {
                    segs.push(Seg::Attr(name));
                    cur = base;
                }
                ExprKind::Index(base, ix) => {
                    segs.push(Seg::Index(ix));
                    cur = base;
                }
                _ => break,
            }
        }
        segs.reverse();
        let (base, rest): (Value, &[Seg]) = match &cur.kind {
            ExprKind::Name(root) => {
                if let Some(v) = scope.lookup(root) {
                    if !self.budget.charge_value(v) {
                        return Value::unknown(budget::EXCEEDED, e.span);
                    }
                    (v.clone(), &segs[..])
                } else {
                    match self.env.resolve(self, scope, root, &segs, e.span) {
                        Some((v, used)) => (v, &segs[used.min(segs.len())..]),
                        None => return Value::unknown(format!("`{root}` is not known here"), e.span),
                    }
                }
            }
            _ => (self.eval(scope, cur), &segs[..]),
        };
        let mut v = base;
        for seg in rest {
            v = self.apply(scope, v, *seg, e.span);
        }
        v
    }

    /// One attribute access or index on a value.
    pub fn apply(&self, scope: &Scope, v: Value, seg: Seg, span: Span) -> Value {
        if let Kind::Choice(cands) = &v.kind {
            let out = cands
                .iter()
                .map(|c| {
                    let r = self.apply(scope, c.clone(), seg, span);
                    with_whens(r, &[c])
                })
                .collect();
            return Value::choice(out, span);
        }
        let via = v.origin.via.clone();
        let out = match (&v.kind, seg) {
            (Kind::Unknown(_), _) => return v,
            (Kind::Object(_), Seg::Attr(name)) => v.get(name).cloned(),
            (Kind::Object(_) | Kind::Array(_), Seg::Index(ix)) => {
                let k = self.eval(scope, ix);
                return lift(vec![k], span, |ks| self.index(&v, &ks[0], span));
            }
            _ => None,
        };
        match out {
            Some(mut x) => {
                if x.origin.via.is_empty() {
                    x.origin.via = via;
                }
                x
            }
            None => Value::unknown(NO_SUCH_ELEMENT, span),
        }
    }

    /// `c ? t : f`. A condition that is not known gives a value set of both branches, each
    /// saying when it applies; a condition that is a value set picks a branch per candidate.
    fn conditional(&self, scope: &Scope, c: &Expr, t: &Expr, f: &Expr, span: Span) -> Value {
        let cond = self.eval(scope, c);
        match cond.as_bool() {
            Some(true) => return self.eval(scope, t),
            Some(false) => return self.eval(scope, f),
            None => {}
        }
        match &cond.kind {
            Kind::Choice(cands) => {
                let (mut tv, mut fv) = (None, None);
                let mut out = Vec::new();
                for cand in cands {
                    let v = match cand.as_bool() {
                        Some(true) => tv.get_or_insert_with(|| self.eval(scope, t)).clone(),
                        Some(false) => fv.get_or_insert_with(|| self.eval(scope, f)).clone(),
                        None => Value::unknown("condition is not known", c.span),
                    };
                    out.push(with_whens(v, &[cand]));
                }
                Value::choice(out, span)
            }
            Kind::Unknown(_) => {
                let what = c
                    .brief(self.env.dialect())
                    .map_or_else(|| "the condition".to_string(), |b| format!("`{b}`"));
                let tv = self.eval(scope, t).when(c.span, format!("when {what} is true"));
                let fv = self.eval(scope, f).when(c.span, format!("when {what} is false"));
                Value::choice(vec![tv, fv], span)
            }
            _ => Value::unknown("condition is not a boolean", c.span),
        }
    }

    fn binary(&self, scope: &Scope, op: BinaryOp, l: &Expr, r: &Expr, span: Span) -> Value {
        let a = self.eval(scope, l);
        // Short-circuit forms that can be known from one side.
        match (op, a.as_bool()) {
            (BinaryOp::And, Some(false)) => return Value::new(Kind::Bool(false), span),
            (BinaryOp::Or, Some(true)) => return Value::new(Kind::Bool(true), span),
            (BinaryOp::Coalesce, _) if !matches!(a.kind, Kind::Null | Kind::Unknown(_) | Kind::Choice(_)) => return a,
            _ => {}
        }
        let b = self.eval(scope, r);
        lift(vec![a, b], span, |vs| binary_values(op, &vs[0], &vs[1], span))
    }

    fn for_expr(&self, scope: &Scope, f: &crate::ir::ForExpr, span: Span) -> Value {
        let coll = self.eval(scope, &f.collection);
        let Some(items) = iterate(&coll) else {
            return Value::unknown("collection of a `for` expression is not known", f.collection.span);
        };
        let mut arr = Vec::new();
        let mut obj = Vec::new();
        for (k, v) in items.into_iter().take(MAX_ITEMS) {
            let mut b = Vec::new();
            if let Some(kv) = &f.key_var {
                b.push((kv.clone(), k));
            }
            b.push((f.value_var.clone(), v));
            let inner = scope.with(b);
            if let Some(c) = &f.cond {
                match self.eval(&inner, c).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Value::unknown("condition of a `for` expression is not known", c.span),
                }
            }
            let val = self.eval(&inner, &f.value);
            match &f.key {
                Some(ke) => match self.eval(&inner, ke).as_str() {
                    Some(k) => obj.push((k, val)),
                    None => return Value::unknown("key of a `for` expression is not known", ke.span),
                },
                None => arr.push(val),
            }
        }
        if f.key.is_some() {
            Value::new(Kind::Object(obj), span)
        } else {
            Value::new(Kind::Array(arr), span)
        }
    }
}

impl Value {
    fn with_via_of(mut self, other: &Value) -> Value {
        self.origin.via = other.origin.via.clone();
        self
    }
}

/// One way a collection can turn out (a spread of a value set forks it): its elements, and
/// the `when` labels of the candidates it took.
type World<T> = (Vec<T>, Vec<Via>);

/// A string built from template parts with their interpolations evaluated.
fn build_template(parts: &[TemplatePart], values: &[Option<Value>], span: Span) -> Value {
    let mut s = PStr::default();
    let mut via = Vec::new();
    for (part, v) in parts.iter().zip(values) {
        match (part, v) {
            (TemplatePart::Lit(l), _) => s.push(Piece::Lit(l.clone())),
            (TemplatePart::Interp(_), Some(v)) => {
                if via.is_empty() {
                    via = v.origin.via.iter().filter(|h| !h.when).cloned().collect();
                }
                match v.as_pstr() {
                    Some(p) => s.append(p),
                    None => s.push(Piece::Unknown),
                }
            }
            (TemplatePart::Interp(_), None) => s.push(Piece::Unknown),
        }
        if s.lit_len() > value::MAX_STRING {
            return Value::unknown("string grows too long", span);
        }
    }
    Value {
        kind: Kind::Str(s),
        origin: Origin { span, via },
    }
}

/// `f` over every combination of the candidates of `args` (values that are not sets are
/// their only candidate), as a value set whose candidates say when they apply. Without a
/// set among `args`, just `f(args)`.
pub fn lift(args: Vec<Value>, span: Span, f: impl Fn(&[Value]) -> Value) -> Value {
    if !args.iter().any(|a| matches!(a.kind, Kind::Choice(_))) {
        return f(&args);
    }
    let combos: usize = args.iter().map(|a| a.candidates().len()).product();
    if combos > value::MAX_CHOICES {
        return Value::unknown(format!("more than {} candidate values", value::MAX_CHOICES), span);
    }
    let mut out = Vec::with_capacity(combos);
    for n in 0..combos {
        let mut rest = n;
        let picked: Vec<&Value> = args
            .iter()
            .map(|a| {
                let c = a.candidates();
                let p = &c[rest % c.len()];
                rest /= c.len();
                p
            })
            .collect();
        let owned: Vec<Value> = picked.iter().map(|v| (*v).clone()).collect();
        out.push(with_whens(f(&owned), &picked));
    }
    Value::choice(out, span)
}

/// `v` with the `when` labels of `from` in front of its own (once each).
fn with_whens(mut v: Value, from: &[&Value]) -> Value {
    let mut whens: Vec<Via> = Vec::new();
    for f in from {
        for w in f.whens() {
            if !whens.contains(w) && !v.origin.via.contains(w) {
                whens.push(w.clone());
            }
        }
    }
    whens.append(&mut v.origin.via);
    v.origin.via = whens;
    v
}

/// The `when` labels of a world plus those of the candidate that forks it.
fn merged_whens(whens: &[Via], cand: &Value) -> Vec<Via> {
    let mut out = whens.to_vec();
    for w in cand.whens() {
        if !out.contains(w) {
            out.push(w.clone());
        }
    }
    out
}

/// Adds `v` to every world; a value set among worlds is kept whole inside each.
fn push_all<T>(worlds: &mut [World<T>], v: Value, push: impl Fn(&mut Vec<T>, Value)) {
    let n = worlds.len();
    for (i, (out, _)) in worlds.iter_mut().enumerate() {
        if i + 1 == n {
            push(out, v);
            break;
        }
        push(out, v.clone());
    }
}

/// One collection, or a value set of them (one per world, labelled with when it applies).
fn from_worlds<T>(mut worlds: Vec<World<T>>, span: Span, kind: fn(Vec<T>) -> Kind) -> Value {
    if worlds.len() == 1 {
        let (out, _) = worlds.pop().unwrap_or_default();
        return Value::new(kind(out), span);
    }
    let cands = worlds
        .into_iter()
        .map(|(out, whens)| {
            let mut v = Value::new(kind(out), span);
            v.origin.via = whens;
            v
        })
        .collect();
    Value::choice(cands, span)
}

/// A binary operator on two values that are not sets.
fn binary_values(op: BinaryOp, a: &Value, b: &Value, span: Span) -> Value {
    if op == BinaryOp::Coalesce {
        return match a.kind {
            Kind::Null => b.clone(),
            Kind::Unknown(_) => Value::unknown("operand is not known", span),
            _ => a.clone(),
        };
    }
    let kind = match op {
        BinaryOp::And | BinaryOp::Or => match (a.as_bool(), b.as_bool()) {
            (Some(x), Some(y)) => Kind::Bool(if op == BinaryOp::And { x && y } else { x || y }),
            // One side decides: `false && x`, `x || true`.
            (Some(v), _) | (_, Some(v)) if v == (op == BinaryOp::Or) => Kind::Bool(v),
            _ => return Value::unknown("operand is not known", span),
        },
        BinaryOp::Eq | BinaryOp::NotEq => match equal(a, b) {
            Some(eq) => Kind::Bool(eq == (op == BinaryOp::Eq)),
            None => return Value::unknown("operand is not known", span),
        },
        _ => match (&a.kind, &b.kind) {
            (Kind::Number(x), Kind::Number(y)) => match op {
                BinaryOp::Add => Kind::Number(x + y),
                BinaryOp::Sub => Kind::Number(x - y),
                BinaryOp::Mul => Kind::Number(x * y),
                BinaryOp::Div if *y != 0.0 => Kind::Number(x / y),
                BinaryOp::Mod if *y != 0.0 => Kind::Number(x % y),
                BinaryOp::Less => Kind::Bool(x < y),
                BinaryOp::LessEq => Kind::Bool(x <= y),
                BinaryOp::Greater => Kind::Bool(x > y),
                BinaryOp::GreaterEq => Kind::Bool(x >= y),
                _ => return Value::unknown("arithmetic is not defined here", span),
            },
            // Bicep `+` is numeric only; strings are built with interpolation.
            _ => return Value::unknown("operand is not known", span),
        },
    };
    Value::new(kind, span)
}

/// The (key, value) pairs a `for` / `for_each` iterates over; `None` when not known.
pub fn iterate(v: &Value) -> Option<Vec<(Value, Value)>> {
    match &v.kind {
        Kind::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::new(Kind::Number(i as f64), x.origin.span), x.clone()))
                .collect(),
        ),
        Kind::Object(fields) => Some(
            fields
                .iter()
                .map(|(k, x)| (Value::new(Kind::Str(PStr::lit(k.clone())), x.origin.span), x.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// Equality of two known values; `None` when either side is not fully known.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (&a.kind, &b.kind) {
        (Kind::Unknown(_), _) | (_, Kind::Unknown(_)) | (Kind::Choice(_), _) | (_, Kind::Choice(_)) => None,
        (Kind::Null, Kind::Null) => Some(true),
        (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
        (Kind::Number(x), Kind::Number(y)) => Some(x == y),
        (Kind::Str(x), Kind::Str(y)) => match (x.as_lit(), y.as_lit()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => None,
        },
        (Kind::Array(x), Kind::Array(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !equal(p, q)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        (Kind::Null, _) | (_, Kind::Null) => Some(false),
        _ => Some(false),
    }
}
