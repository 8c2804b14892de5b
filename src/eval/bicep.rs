//! Bicep evaluation: a file with the local modules it calls, and name resolution.
//!
//! A linted `.bicep` file is the root instance, its parameters set by a `.bicepparam`
//! file when one applies. Each local module (`module m './x.bicep' = { params: {…} }`)
//! creates a child instance whose parameters are the caller's arguments, evaluated in the
//! caller's instance. Resources declared in a `for` loop get a *loop scope* of their own:
//! an instance that sees its file's declarations but whose loop variables are Unknown.
//!
//! Symbolic references follow what Bicep compiles them to: `account.id` is the account's
//! id (a [`Symbol`] the model recognises), `account.name` its evaluated `name`, and
//! `account.properties.x` the evaluated property. `m.outputs.x` evaluates the module's
//! output. Registry modules (`br:`, `br/…:`, `ts:`) are not followed: Unknown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::exist::{Gate, GateKind, NotDeployed};
use super::value::{Kind, PStr, ResKey, Symbol, Value, Via};
use super::{iterate, Env, Evaluator, Scope, Seg, UnitResource, MAX_ITEMS};
use crate::ir::{Dialect, Expr, ExprKind};
use crate::parse::bicep::{BicepFile, BicepGate, ModuleDecl};
use crate::source::Span;

pub use super::MAX_MODULE_DEPTH;

/// Finds and loads the files local modules refer to.
pub trait BicepLoader {
    fn load(&self, path: &Path) -> Option<Arc<BicepFile>>;

    /// The JSON file at `path` that `loadJsonContent()` reads, as a literal IR value with
    /// spans in that file; otherwise why it is not read.
    fn load_json(&self, path: &Path) -> Result<Arc<Expr>, String> {
        let _ = path;
        Err("files are not read for in-memory text".into())
    }
}

/// Parameter values from a `.bicepparam` file.
#[derive(Clone, Debug)]
pub struct ParamFile {
    pub file: Arc<BicepFile>,
    /// For labels: "set in main.bicepparam".
    pub display: String,
}

pub struct Instance {
    pub file: Arc<BicepFile>,
    pub path: PathBuf,
    /// The file instance whose declarations this one sees (itself, unless a loop scope).
    base: u32,
    /// Loop variables a loop scope hides.
    loop_vars: Vec<String>,
    /// For a module instance: the caller's instance (a loop scope when the call is in a
    /// loop), the call, and this instance's loop item and index.
    caller: Option<Caller>,
    /// Module symbol → its file instances (several for a module loop; `m.outputs.x` reads
    /// the first).
    children: HashMap<String, Vec<u32>>,
    /// Symbolic name (`account`, `account::db`) → index into the unit's resources.
    symbols: HashMap<String, usize>,
    /// Root only: the `.bicepparam` instance and file.
    params: Option<(u32, ParamFile)>,
    /// `module.m[0].`: how this instance's resources are addressed.
    prefix: String,
}

struct Caller {
    instance: u32,
    call: Arc<ModuleDecl>,
    bindings: Vec<(String, Value)>,
}

/// One linted Bicep file with everything it calls.
pub struct BicepUnit {
    pub instances: Vec<Instance>,
    pub resources: Vec<UnitResource>,
    /// Files `loadJsonContent()` reads, by normalized path (loaded with the Bicep files,
    /// since evaluation has no loader).
    json: HashMap<PathBuf, Result<Arc<Expr>, String>>,
    memo: super::Memo,
    /// Module calls that could not be followed, with why (for `--show-unresolved`).
    pub skipped_modules: Vec<(Span, String)>,
    /// The same calls with their arguments (see [`Env::opaque_module_calls`]).
    opaque_calls: Vec<super::OpaqueModuleCall>,
    /// Module instances not deployed with these inputs: (address, why).
    pub not_deployed: Vec<(String, NotDeployed)>,
    /// The unit's evaluation budget.
    pub budget: super::Budget,
    /// File instances (the root and module instances), for the instance limit.
    files: usize,
}

const PARAM: u8 = 0;
const VAR: u8 = 1;
const OUTPUT: u8 = 2;
const RES_NAME: u8 = 3;
const PARAM_FILE_VAR: u8 = 4;

/// Whether a module path is a local file (not `br:`, `br/alias:`, `ts:`, `ts/alias:`).
pub fn is_local_module(path: &str) -> bool {
    !(path.starts_with("br:") || path.starts_with("br/") || path.starts_with("ts:") || path.starts_with("ts/"))
}

/// A declaration's conditions and loops as gates evaluated in `instance`.
fn gates(of: &[BicepGate], instance: u32) -> Vec<Gate> {
    of.iter()
        .map(|g| match g {
            BicepGate::If(c) => Gate {
                kind: GateKind::If,
                expr: c.clone(),
                instance,
            },
            BicepGate::For {
                item,
                index,
                collection,
            } => Gate {
                kind: GateKind::Loop {
                    item: item.clone(),
                    index: index.clone(),
                },
                expr: collection.clone(),
                instance,
            },
        })
        .collect()
}

impl BicepUnit {
    /// The module calls instance `i` was created through, outermost first (their headers).
    pub fn call_chain(&self, mut i: u32) -> Vec<Span> {
        let mut out = Vec::new();
        while let Some(inst) = self.instances.get(i as usize) {
            // A loop scope stands for its file instance.
            let inst = if inst.base != i {
                &self.instances[inst.base as usize]
            } else {
                inst
            };
            let Some(caller) = &inst.caller else { break };
            out.push(caller.call.header);
            i = caller.instance;
        }
        out.reverse();
        out
    }

    pub fn new(root: Arc<BicepFile>, path: PathBuf, params: Option<ParamFile>, loader: &dyn BicepLoader) -> BicepUnit {
        let mut unit = BicepUnit {
            instances: Vec::new(),
            resources: Vec::new(),
            json: HashMap::new(),
            memo: super::Memo::default(),
            skipped_modules: Vec::new(),
            opaque_calls: Vec::new(),
            not_deployed: Vec::new(),
            budget: super::Budget::default(),
            files: 0,
        };
        // The parameter file first: module loops and conditions read the root's parameters
        // while the unit is being built.
        let params = params.map(|pf| {
            let pid = unit.push_instance(Instance {
                file: pf.file.clone(),
                path: PathBuf::new(),
                base: 0,
                loop_vars: Vec::new(),
                caller: None,
                children: HashMap::new(),
                symbols: HashMap::new(),
                params: None,
                prefix: String::new(),
            });
            unit.instances[pid as usize].base = pid;
            (pid, pf)
        });
        let mut stack = vec![path.clone()];
        unit.instantiate(root, path, String::new(), None, params, Vec::new(), loader, &mut stack);
        // Values computed while instances were being added may have read modules that did
        // not exist yet.
        unit.memo.clear();
        unit
    }

    fn push_instance(&mut self, inst: Instance) -> u32 {
        self.instances.push(inst);
        self.instances.len() as u32 - 1
    }

    /// A loop scope: sees the declarations of file instance `base`; its loop variables are
    /// Unknown unless an instance binds them.
    fn loop_scope(&mut self, base: u32, loop_vars: &[String]) -> u32 {
        let b = &self.instances[base as usize];
        let inst = Instance {
            file: b.file.clone(),
            path: b.path.clone(),
            base,
            loop_vars: loop_vars.to_vec(),
            caller: None,
            children: HashMap::new(),
            symbols: HashMap::new(),
            params: None,
            prefix: b.prefix.clone(),
        };
        self.push_instance(inst)
    }

    #[allow(clippy::too_many_arguments)]
    fn instantiate(
        &mut self,
        file: Arc<BicepFile>,
        path: PathBuf,
        prefix: String,
        caller: Option<Caller>,
        params: Option<(u32, ParamFile)>,
        labels: Vec<Via>,
        loader: &dyn BicepLoader,
        stack: &mut Vec<PathBuf>,
    ) -> u32 {
        self.files += 1;
        let id = self.push_instance(Instance {
            file: file.clone(),
            path: path.clone(),
            base: 0,
            loop_vars: Vec::new(),
            caller,
            children: HashMap::new(),
            symbols: HashMap::new(),
            params,
            prefix: prefix.clone(),
        });
        self.instances[id as usize].base = id;
        let mut symbols = HashMap::new();
        for r in &file.resources {
            let scope = if r.loop_vars.is_empty() {
                id
            } else {
                self.loop_scope(id, &r.loop_vars)
            };
            let resource = r.resource.clone();
            let index = self.resources.len();
            // Top-level symbols first; a nested child is also visible by its short name.
            symbols.insert(resource.name.clone(), index);
            self.resources.push(UnitResource {
                instance: scope,
                address: format!("{prefix}{}", resource.name),
                declared: resource.name.clone(),
                gates: gates(&r.gates, scope),
                labels: labels.clone(),
                resource,
            });
        }
        for r in file.resources.iter().map(|r| &r.resource.name) {
            if let Some((_, short)) = r.rsplit_once("::") {
                if let Some(&i) = symbols.get(r) {
                    symbols.entry(short.to_string()).or_insert(i);
                }
            }
        }
        self.instances[id as usize].symbols = symbols;

        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for literal in json_paths(&file) {
            let target = normalize(&dir.join(&literal));
            if let std::collections::hash_map::Entry::Vacant(e) = self.json.entry(target) {
                let loaded = loader.load_json(e.key());
                e.insert(loaded);
            }
        }
        for call in &file.modules {
            let Some(source) = &call.path else {
                self.skipped_modules
                    .push((call.path_span, format!("module `{}` has no literal path", call.name)));
                continue;
            };
            if !is_local_module(source) {
                self.skipped_modules.push((
                    call.path_span,
                    format!("module `{}` comes from a registry (`{source}`)", call.name),
                ));
                self.opaque_calls.push(super::OpaqueModuleCall {
                    instance: id,
                    name: format!("{prefix}module.{}", call.name),
                    header: call.header,
                    args: call.params.clone(),
                });
                continue;
            }
            if !source.to_ascii_lowercase().ends_with(".bicep") {
                self.skipped_modules.push((
                    call.path_span,
                    format!("module `{}` is not a Bicep file (`{source}`)", call.name),
                ));
                continue;
            }
            let target = normalize(&dir.join(source));
            if let Some(why) = super::module_limit(&call.name, stack.len(), stack.contains(&target), self.files) {
                self.skipped_modules.push((call.path_span, why));
                continue;
            }
            let Some(child) = loader.load(&target) else {
                self.skipped_modules
                    .push((call.path_span, format!("module file `{source}` cannot be read")));
                self.opaque_calls.push(super::OpaqueModuleCall {
                    instance: id,
                    name: format!("{prefix}module.{}", call.name),
                    header: call.header,
                    args: call.params.clone(),
                });
                continue;
            };
            let caller_scope = if call.loop_vars.is_empty() {
                id
            } else {
                self.loop_scope(id, &call.loop_vars)
            };
            let expansion = {
                let (ev, strict) = (Evaluator::new(&*self), Evaluator::strict(&*self));
                let base = super::exist::Instance {
                    labels: labels.clone(),
                    ..Default::default()
                };
                super::exist::expand(&ev, &strict, &gates(&call.gates, caller_scope), base)
            };
            let address = format!("{prefix}module.{}", call.name);
            for n in expansion.skipped {
                self.not_deployed.push((format!("{address}{}", n.key), n));
            }
            for (span, why) in expansion.truncated {
                self.skipped_modules
                    .push((span, format!("module `{}`: {why}", call.name)));
            }
            let call = Arc::new(call.clone());
            stack.push(target.clone());
            for inst in expansion.instances {
                if let Some(why) = super::module_limit(&call.name, 0, false, self.files) {
                    self.skipped_modules.push((call.path_span, why));
                    break;
                }
                let caller = Caller {
                    instance: caller_scope,
                    call: call.clone(),
                    bindings: inst.bindings,
                };
                let cid = self.instantiate(
                    child.clone(),
                    target.clone(),
                    format!("{address}{}.", inst.key),
                    Some(caller),
                    None,
                    inst.labels,
                    loader,
                    stack,
                );
                self.instances[id as usize]
                    .children
                    .entry(call.name.clone())
                    .or_default()
                    .push(cid);
            }
            stack.pop();
        }
        id
    }

    fn memo(&self, ev: &Evaluator, inst: u32, kind: u8, name: &str, span: Span, f: impl FnOnce() -> Value) -> Value {
        self.memo.get(ev, (inst, kind, name.to_string()), name, span, f)
    }

    fn param(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Value {
        self.memo(ev, inst, PARAM, name, span, || {
            let instance = &self.instances[inst as usize];
            let shown = format!("{}{name}", instance.prefix);
            if let Some(Caller {
                instance: caller,
                call,
                bindings,
            }) = &instance.caller
            {
                if let Some(arg) = call.params.iter().find(|a| a.key.as_deref() == Some(name)) {
                    // Set by the caller; in strict mode only as far as the argument is not
                    // itself decided by a default (it is evaluated strictly too).
                    ev.note_input(&shown, Some(format!("is passed by module `{}`", call.name)));
                    return ev
                        .eval(&Scope::new(*caller).with(bindings.iter().cloned()), &arg.value)
                        .via(arg.value.span, format!("passed as `{name}` by module `{}`", call.name));
                }
            }
            if let Some((pid, pf)) = &instance.params {
                if let Some(set) = pf.file.param_values.iter().find(|p| p.name == name) {
                    ev.note_input(&shown, Some(format!("is set in {}", pf.display)));
                    return ev
                        .eval(&Scope::new(*pid), &set.value)
                        .via(set.value.span, format!("set in {}", pf.display));
                }
            }
            match instance.file.params.iter().find(|p| p.name == name) {
                // Not set, with the values it may take: one of them (see `allowed_choice`).
                Some(p) if p.allowed.is_some() && (ev.strict || (p.default.is_none() && !p.nullable)) => {
                    ev.note_input(&shown, None);
                    let allowed = p.allowed.as_deref().unwrap_or_default();
                    super::allowed_choice(ev, &Scope::new(inst), allowed, &shown, span)
                }
                Some(p) if ev.strict && (p.default.is_some() || p.nullable) => {
                    ev.note_input(&shown, None);
                    Value::unknown(
                        format!("parameter `{shown}` is not set; only its default decides"),
                        span,
                    )
                }
                Some(p) => match &p.default {
                    Some(d) => ev
                        .eval(&Scope::new(inst), d)
                        .via(d.span, format!("default of parameter `{name}`")),
                    None if p.nullable => Value::new(Kind::Null, p.header),
                    None => Value::unknown(format!("parameter `{name}` has no default and no value is set"), span),
                },
                None => Value::unknown(format!("parameter `{name}` is not declared"), span),
            }
        })
    }

    fn var(&self, ev: &Evaluator, inst: u32, name: &str, span: Span) -> Option<Value> {
        let e = &self.instances[inst as usize]
            .file
            .vars
            .iter()
            .find(|v| v.name == name)?
            .value;
        Some(self.memo(ev, inst, VAR, name, span, || {
            ev.eval(&Scope::new(inst), e).via(e.span, format!("variable `{name}`"))
        }))
    }

    fn output(&self, ev: &Evaluator, inst: u32, module: &str, name: &str, span: Span) -> Value {
        let Some(&child) = self.instances[inst as usize]
            .children
            .get(module)
            .and_then(|c| c.first())
        else {
            return Value::unknown(format!("module `{module}` is not a local Bicep file"), span);
        };
        let key = format!("{module}.{name}");
        self.memo(ev, inst, OUTPUT, &key, span, || {
            match self.instances[child as usize]
                .file
                .outputs
                .iter()
                .find(|o| o.name == name)
            {
                Some(o) => ev.eval(&Scope::new(child), &o.value),
                None => Value::unknown(format!("module `{module}` has no output `{name}`"), span),
            }
        })
    }

    /// A field of a resource's body, evaluated where the resource is declared.
    fn resource_field(&self, ev: &Evaluator, index: usize, field: &str, span: Span) -> Option<Value> {
        let r = &self.resources[index];
        let f = r.resource.body.field(field)?;
        Some(ev.nested(span, || ev.eval(&Scope::new(r.instance), &f.value)))
    }

    fn resource_ref(&self, ev: &Evaluator, inst: u32, index: usize, segs: &[Seg], span: Span) -> (Value, usize) {
        let all = segs.len();
        // Skip `[i]` of a resource declared in a loop.
        let mut i = 0;
        while matches!(segs.get(i), Some(Seg::Index(_))) {
            i += 1;
        }
        let key = ResKey(index as u32);
        let sym = |attr: &str| {
            Value::new(
                Kind::Str(PStr::sym(Symbol {
                    resource: key,
                    attr: attr.to_string(),
                })),
                span,
            )
        };
        let r = &self.resources[index].resource;
        match attr(segs, i) {
            // A bare resource reference (`parent: account`, `scope: account`) is its id.
            None if i == all => (sym("id"), all),
            None => (Value::unknown("index of a resource is not known", span), all),
            Some("id") => (sym("id"), i + 1),
            Some("name") => {
                let v = self.memo(ev, inst, RES_NAME, &index.to_string(), span, || {
                    match self.resource_field(ev, index, "name", span) {
                        Some(v) if v.as_str().is_some() => v,
                        _ => sym("name"),
                    }
                });
                (v, i + 1)
            }
            Some("type") => (Value::new(Kind::Str(PStr::lit(r.rtype_written.clone())), span), i + 1),
            Some(f @ ("properties" | "kind" | "location" | "tags" | "sku" | "identity")) if !r.existing => {
                match self.resource_field(ev, index, f, span) {
                    Some(v) => (v, i + 1),
                    None => (
                        Value::unknown(format!("`{f}` of `{}` is set by Azure", r.name), span),
                        all,
                    ),
                }
            }
            Some(a) => (
                Value::unknown(format!("`{a}` of `{}` is known only after deployment", r.name), span),
                all,
            ),
        }
    }

    /// `loadJsonContent(path, [jsonPath])`: the JSON file beside the Bicep file that calls it,
    /// each value located in that file.
    fn load_json_content(&self, ev: &Evaluator, scope: &Scope, args: &[Expr], span: Span) -> Value {
        let Some(ExprKind::Str(literal)) = args.first().map(|a| &a.kind) else {
            return Value::unknown("`loadJsonContent()` needs a literal path", span);
        };
        let Some(here) = self.instances.get(scope.instance as usize).map(|i| &i.path) else {
            return Value::unknown("`loadJsonContent()` outside a Bicep file", span);
        };
        if here.as_os_str().is_empty() {
            return Value::unknown("`loadJsonContent()` in a parameter file is not read", span);
        }
        let target = normalize(&here.parent().unwrap_or(Path::new("")).join(literal));
        let json = match self.json.get(&target) {
            Some(Ok(json)) => json.clone(),
            Some(Err(why)) => return Value::unknown(why.clone(), span),
            None => return Value::unknown(format!("`{literal}` was not loaded"), span),
        };
        let value = ev.eval(scope, &json);
        let value = match args.get(1) {
            None => value,
            Some(path) => match ev.eval(scope, path).as_str() {
                Some(p) => match json_path(&value, &p) {
                    Some(v) => v.clone(),
                    None => return Value::unknown(format!("`{p}` selects nothing in `{literal}`"), path.span),
                },
                None => return Value::unknown("JSON path of `loadJsonContent()` is not known", path.span),
            },
        };
        value.via(span, format!("loaded from {literal}"))
    }

    /// `map()`, `filter()` and friends: lambdas bind their parameters in the body.
    fn lambda_call(&self, ev: &Evaluator, scope: &Scope, name: &str, args: &[Expr], span: Span) -> Option<Value> {
        let lname = name.to_ascii_lowercase();
        if !matches!(lname.as_str(), "map" | "filter") {
            return None;
        }
        let (Some(coll), Some(ExprKind::Lambda(params, body))) = (args.first(), args.get(1).map(|a| &a.kind)) else {
            return Some(Value::unknown(format!("`{name}()` needs a lambda"), span));
        };
        let coll_v = ev.eval(scope, coll);
        let Some(items) = iterate(&coll_v).filter(|_| matches!(coll_v.kind, Kind::Array(_))) else {
            return Some(Value::unknown(
                format!("collection of `{name}()` is not known"),
                coll.span,
            ));
        };
        let mut out = Vec::new();
        for (k, v) in items.into_iter().take(MAX_ITEMS) {
            let mut b = Vec::new();
            if let Some(p) = params.first() {
                b.push((p.clone(), v.clone()));
            }
            if let Some(p) = params.get(1) {
                b.push((p.clone(), k));
            }
            let r = ev.eval(&scope.with(b), body);
            if lname == "map" {
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
}

fn attr<'a>(segs: &[Seg<'a>], i: usize) -> Option<&'a str> {
    match segs.get(i) {
        Some(Seg::Attr(a)) => Some(a),
        _ => None,
    }
}

pub use crate::source::normalize;

impl Env for BicepUnit {
    fn budget(&self) -> &super::Budget {
        &self.budget
    }

    fn opaque_module_calls(&self) -> &[super::OpaqueModuleCall] {
        &self.opaque_calls
    }

    fn dialect(&self) -> Dialect {
        Dialect::Bicep
    }

    fn resolve(&self, ev: &Evaluator, scope: &Scope, root: &str, segs: &[Seg], span: Span) -> Option<(Value, usize)> {
        let here = self.instances.get(scope.instance as usize)?;
        let all = segs.len();
        if here.loop_vars.iter().any(|v| v == root) {
            return Some((
                Value::unknown(format!("loop variable `{root}` is known only during deployment"), span),
                all,
            ));
        }
        let inst = here.base;
        let instance = &self.instances[inst as usize];
        // A `.bicepparam` file: its own `var`s, nothing else.
        if instance.file.using.is_some() || !instance.file.param_values.is_empty() {
            let e = &instance.file.vars.iter().find(|v| v.name == root)?.value;
            let v = self.memo(ev, inst, PARAM_FILE_VAR, root, span, || {
                ev.eval(&Scope::new(inst), e).via(e.span, format!("variable `{root}`"))
            });
            return Some((v, 0));
        }
        if let Some(v) = self.var(ev, inst, root, span) {
            return Some((v, 0));
        }
        if instance.file.params.iter().any(|p| p.name == root) {
            return Some((self.param(ev, inst, root, span), 0));
        }
        if let Some(&index) = instance.symbols.get(root) {
            return Some(self.resource_ref(ev, inst, index, segs, span));
        }
        if let Some(call) = instance.file.modules.iter().find(|m| m.name == root) {
            let mut i = 0;
            while matches!(segs.get(i), Some(Seg::Index(_))) {
                i += 1;
            }
            return Some(match (attr(segs, i), attr(segs, i + 1)) {
                (Some("outputs"), Some(o)) => (self.output(ev, inst, &call.name, o, span), i + 2),
                _ => (
                    Value::unknown(format!("module `{}` reference is not evaluated", call.name), span),
                    all,
                ),
            });
        }
        None
    }

    fn call(&self, ev: &Evaluator, scope: &Scope, name: &str, args: &[Expr], span: Span) -> Option<Value> {
        match name {
            // `a.?b`: null when `a` is null or has no `b`.
            ".?" | "[?]" => {
                let base = ev.eval(scope, args.first()?);
                let key = args.get(1)?;
                Some(match &base.kind {
                    Kind::Null => Value::new(Kind::Null, span),
                    Kind::Object(_) | Kind::Array(_) => {
                        let seg = match &key.kind {
                            ExprKind::Str(s) if name == ".?" => Seg::Attr(s),
                            _ => Seg::Index(key),
                        };
                        let present = match (&base.kind, seg) {
                            (Kind::Object(_), Seg::Attr(k)) => base.get(k).is_some(),
                            _ => true,
                        };
                        if present {
                            ev.apply(scope, base, seg, span)
                        } else {
                            Value::new(Kind::Null, span)
                        }
                    }
                    _ => Value::unknown("value is not known", span),
                })
            }
            "=~" | "!~" => {
                let (a, b) = (ev.eval(scope, args.first()?), ev.eval(scope, args.get(1)?));
                Some(match (a.as_str(), b.as_str()) {
                    (Some(x), Some(y)) => Value::new(Kind::Bool(x.eq_ignore_ascii_case(&y) == (name == "=~")), span),
                    _ => Value::unknown("operand is not known", span),
                })
            }
            _ if name.eq_ignore_ascii_case("loadJsonContent") => Some(self.load_json_content(ev, scope, args, span)),
            _ => self.lambda_call(ev, scope, name, args, span),
        }
    }
}

/// The literal paths `loadJsonContent('…')` reads anywhere in a file.
fn json_paths(file: &BicepFile) -> Vec<String> {
    fn walk(e: &Expr, out: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Call(name, args) => {
                if name.eq_ignore_ascii_case("loadJsonContent") {
                    if let Some(ExprKind::Str(p)) = args.first().map(|a| &a.kind) {
                        out.push(p.clone());
                    }
                }
                args.iter().for_each(|a| walk(a, out));
            }
            ExprKind::Template(parts) => parts.iter().for_each(|p| {
                if let crate::ir::TemplatePart::Interp(x) = p {
                    walk(x, out);
                }
            }),
            ExprKind::Array(items) => items.iter().for_each(|i| walk(i, out)),
            ExprKind::Object(fields) => fields.iter().for_each(|f| walk(&f.value, out)),
            ExprKind::GetAttr(x, _) | ExprKind::Unary(_, x) | ExprKind::Spread(x) | ExprKind::Lambda(_, x) => {
                walk(x, out)
            }
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            ExprKind::Conditional(c, a, b) => {
                walk(c, out);
                walk(a, out);
                walk(b, out);
            }
            ExprKind::For(f) => {
                walk(&f.collection, out);
                walk(&f.value, out);
                if let Some(k) = &f.key {
                    walk(k, out);
                }
                if let Some(c) = &f.cond {
                    walk(c, out);
                }
            }
            ExprKind::DynamicBlock { for_each, content, .. } => {
                walk(for_each, out);
                walk(content, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for v in file.vars.iter().chain(&file.outputs) {
        walk(&v.value, &mut out);
    }
    for p in &file.params {
        if let Some(d) = &p.default {
            walk(d, &mut out);
        }
    }
    for r in &file.resources {
        walk(&r.resource.body, &mut out);
    }
    for m in &file.modules {
        m.params.iter().for_each(|f| walk(&f.value, &mut out));
        if let Some(c) = &m.condition {
            walk(c, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The value a `loadJsonContent()` JSON path (`$.a.b`, `$['a'][0]`) selects.
fn json_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut at = value;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            at = at.get(&r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let key = r[..end].trim();
            at = match key.strip_prefix(['\'', '"']).and_then(|k| k.strip_suffix(['\'', '"'])) {
                Some(k) => at.get(k)?,
                None => match &at.kind {
                    Kind::Array(items) => items.get(key.parse::<usize>().ok()?)?,
                    _ => return None,
                },
            };
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(at)
}
